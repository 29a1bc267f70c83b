#!/usr/bin/env bash
# The certificate monitor's e-mail: with the SMTP server down, the alarms
# are not marked notified, the report says the e-mail was not delivered,
# and the next run, with the server up, delivers them.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
ok "init" init --node mail.example.test
SMTP=$(free_port)
ok "mail config" monitor config --frequency 1d --email pki@example.test --smtp "smtp://127.0.0.1:$SMTP"
day=86400
t=$(( $(date +%s) + (1825 - 2) * day ))
fresh() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(1 for a in d["alarms"] if not a["repeated"]))' "$OUT"; }

# --- SMTP down ------------------------------------------------------------------------------
UCPKI_NOW=$t run monitor --once
check "SMTP down: exit 1" test "$RC" -eq 1
contains "the report says so" "$OUT" "e-mail not delivered: "
contains "and that it will retry" "$OUT" "; will retry"
contains "one line on stderr" "$ERR" "ucpki: monitor: e-mail not delivered: "
lacks "nothing marked notified" "$OUT" "already notified this period"
UCPKI_NOW=$(( t + 60 )) run monitor --once --json
check "still down: exit 1" test "$RC" -eq 1
check "the alarms are raised again, not lost for the period" test "$(fresh)" -gt 5
check "json: not delivered, with the reason" python3 -c 'import json,sys; e=json.loads(sys.argv[1])["email"]; assert e["delivered"] is False and e["error"], e' "$OUT"

# --- SMTP up: the next run delivers them -------------------------------------------------------
python3 "$TESTS_DIR/smtp_sink.py" "$SMTP" "$W/mail.txt" "$W/sink.ready" &
SINK=$!
on_exit_kill $SINK
check "the SMTP sink listens" wait_file "$W/sink.ready"
UCPKI_NOW=$(( t + 120 )) run monitor --once
check "SMTP up: exit 0" test "$RC" -eq 0
contains "delivered" "$OUT" "e-mail delivered"
wait $SINK
contains "the mail holds the alarm kept from the failed runs" "$(cat "$W/mail.txt")" "CertValidfor7days: CallManager/CallManager: expires in 1 day"
UCPKI_NOW=$(( t + 180 )) run monitor --once --json
check "now notified: not raised again this period" test "$(fresh)" -eq 0
check "no e-mail due" python3 -c 'import json,sys; assert "email" not in json.loads(sys.argv[1])' "$OUT"
check "exit 0" test "$RC" -eq 0
finish
