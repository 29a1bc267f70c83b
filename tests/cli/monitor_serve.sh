#!/usr/bin/env bash
# The scheduled certificate monitor inside `ucpki serve` never holds up
# the phones: while its e-mail waits on an SMTP server that accepts and
# never answers, a serve with one loop still enrolls a phone, and the
# run's outcome is logged when it ends.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
LOG=$TEST_TMP/serve.log
CAPF=$(free_port)
SMTP=$(free_port)
day=86400
now=$(date +%s)

ok "init" init --node mon.example.test --org "Example Corp" --country NZ
ok "phone mfg init" phone mfg init
ok "phone make" phone make SEP0000000000A1 --model 8845
ok "device add" device add SEP0000000000A1 --model 8845
# Serve runs close to the end of the identities' five years (alarms, so
# an e-mail is due): the operation is scheduled on serve's clock.
LATE=$(( now + (1825 - 2) * day ))
UCPKI_NOW=$LATE ok "device set install" device set SEP0000000000A1 --operation install --auth null
ok "mail config" monitor config --frequency 60 --email pki@example.test --smtp "smtp://127.0.0.1:$SMTP"

# An SMTP server that takes the connection and says nothing.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
c, _ = s.accept(); open(sys.argv[2], "w").close(); time.sleep(120)
' "$SMTP" "$TEST_TMP/smtp.accepted" &
SINK=$!
on_exit_kill $SINK
check "the silent SMTP server listens" wait_port "$SMTP"

UCPKI_NOW=$LATE "$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 \
	--http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --loops 1 --workers 1 --monitor-interval 1 >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$CAPF"
check "the monitor's e-mail is waiting on SMTP" wait_file "$TEST_TMP/smtp.accepted"
ok "a phone enrolls while it waits" phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF
contains "LSC installed" "$OUT" "LSC: Installed"
check "the monitor run has not ended yet" test "$(grep -c 'certificates checked' "$LOG")" -eq 0
kill $SINK 2>/dev/null
wait $SINK 2>/dev/null
tries=300
while ! grep -q 'certificates checked' "$LOG" && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
contains "the run is logged when SMTP gives up" "$(cat "$LOG")" "e-mail not delivered, will retry on the next run"
kill -TERM $SERVER
wait $SERVER
check "serve exits 0" test $? -eq 0
check "no sanitizer report" test "$(grep -c 'Sanitizer' "$LOG")" -eq 0
finish
