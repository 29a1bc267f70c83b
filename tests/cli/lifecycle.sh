#!/usr/bin/env bash
# Lifecycle pieces: the CAPF trust-delete refusal (with the number of
# devices), and ITL recovery (localkey and remotekey) checked by a
# simulated phone that trusted the previous ITL.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
ok "init" init --node cucm.example.test
ok "phone" phone make SEP0000000000E1
ok "device" device add SEP0000000000E1
ok "schedule" device set SEP0000000000E1 --operation install --auth null
PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$TEST_TMP/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "listening" wait_port "$PORT"
ok "enroll" phone capf SEP0000000000E1 --server 127.0.0.1:$PORT
stop_server "server" $SERVER "$TEST_TMP/serve.log"

# --- the old CAPF stays trusted while it signs LSCs -------------------------------
capf=$("$UCPKI" cert list trust CAPF-trust | sed -n 's|^CAPF-trust/\(CAPF-[0-9a-f]*\)\.pem.*|\1|p' | head -1)
ok "regenerate CAPF" cert generate CAPF --yes
ok "list CAPF-trust" cert list trust CAPF-trust
contains "the old CAPF is still trusted" "$OUT" "CAPF-trust/$capf.pem"
contains "the old CAPF is still in CallManager-trust" "$("$UCPKI" cert list trust CallManager-trust)" "CallManager-trust/$capf.pem"
before=$(home_digest)
refuses "deleting a CAPF that signs an LSC" "signs the current LSC of 1 device(s)" trust delete CAPF-trust "$capf"
check "nothing deleted" test "$before" = "$(home_digest)"
ok "the bulk re-issue selects it" device set --issuer "$(sqlite3 "$H/ucpki.db" "select lsc_issuer_sha256 from device where name='SEP0000000000E1'")" --operation install --auth lsc
contains "one device scheduled" "$OUT" "1 devices updated"
ok "--force deletes it anyway" trust delete CAPF-trust "$capf" --force
contains "and says what it costs" "$ERR" "they will fail with Invalid LSC"

# --- LSC expiry ------------------------------------------------------------------------
ok "device list --expiring 1826" device list --expiring 1826
contains "the LSC expires within 5 years" "$OUT" "SEP0000000000E1"
ok "device list --expiring 10" device list --expiring 10
lacks "but not within 10 days" "$OUT" "SEP0000000000E1"
UCPKI_NOW=$(( $(date +%s) + (1825 - 45) * 86400 )) run monitor --once --json
check "monitor counts LSCs expiring within 60 days" python3 -c 'import json,sys; d=json.loads(sys.argv[1])["lsc_expiring"]; assert d["30_days"]==0 and d["60_days"]==1 and d["90_days"]==1, d' "$OUT"

# --- ITL recovery -----------------------------------------------------------------------
ok "the phone trusts the current ITL" phone itl SEP0000000000E1 "$H/tftp/ITLFile.tlv"
# The changes are 5 minutes apart (the TVS/CallManager guard), the last
# one now: the regeneration section below starts within its 5 minutes.
UCPKI_NOW=$(( $(date +%s) - 800 )) ok "regenerate CallManager (the TFTP signer)" cert generate CallManager --yes
refuses "the phone rejects the ITL signed by the new TFTP key" "does not hold as SAST or TFTP" phone itl SEP0000000000E1 "$H/tftp/ITLFile.tlv"
ok "itl reset localkey" itl reset localkey
contains "published" "$OUT" "ITL signed by ITLRecovery"
ok "the phone accepts the recovery ITL" phone itl SEP0000000000E1 "$H/tftp/ITLFile.tlv"
ok "back up ITLRecovery" cert export ITLRecovery --out "$TEST_TMP/itlrecovery.pem"
UCPKI_NOW=$(( $(date +%s) - 400 )) ok "regenerate TVS (a new ITL again)" cert generate TVS --yes
ok "the phone accepts it: signed by the TFTP key its ITL now holds" phone itl SEP0000000000E1 "$H/tftp/ITLFile.tlv"
ok "regenerate CallManager again" cert generate CallManager --yes
cp "$H"/keys/ITLRecovery-*.key "$TEST_TMP/offline.key"
ok "itl reset remotekey with the offline key" itl reset remotekey "$TEST_TMP/offline.key"
ok "the phone accepts it" phone itl SEP0000000000E1 "$H/tftp/ITLFile.tlv"
refuses "remotekey with another key" "not the ITLRecovery key" itl reset remotekey "$H"/keys/TVS-*.key
refuses "reset what" "say localkey or remotekey" itl reset now

# --- regeneration: impact first, the 5-minute guard ---------------------------------------
ok "device 2" device add SEP0000000000E2
refuses "CAPF impact, not done without --yes" "repeat with --yes" cert regenerate CAPF
contains "the seeds' CAPF impact" "$OUT" "LSCs should be re-issued"
contains "with the count" "$OUT" "0 device(s) hold LSCs from the current CAPF"
refuses "TVS within 5 minutes of CallManager" "CallManager certificate was modified in the last 5 minutes. Please re-try regenerating TVS certificate at a later time" cert regenerate TVS --yes
contains "TVS impact shown first" "$OUT" "All the registered phones will be restarted to update the ITL"
contains "ITL count" "$OUT" "2 device(s) must reset"
UCPKI_NOW=$(( $(date +%s) + 400 )) run cert regenerate TVS --yes
check "allowed after 5 minutes" test "$RC" -eq 0
refuses "CallManager within 5 minutes of TVS" "TVS certificate was modified in the last 5 minutes" cert regenerate CallManager --yes
refuses "tomcat: impact" "repeat with --yes" cert regenerate tomcat
contains "tomcat impact" "$OUT" "Requires restart of Cisco Tomcat Service"
ok "tomcat regenerated" cert regenerate tomcat --yes
UCPKI_NOW=$(( $(date +%s) + 800 )) run cert regenerate CallManager --yes
contains "without a reset command: the list" "$OUT" "reset these 2 device(s)"
contains "the device listed" "$OUT" "  SEP0000000000E2"
ok "configure the reset hook" config --reset-command "echo reset {device} >>$TEST_TMP/resets.txt" --reset-concurrency 2
UCPKI_NOW=$(( $(date +%s) + 1600 )) run cert regenerate TVS --yes
check "regenerate TVS with the hook" test "$RC" -eq 0
contains "a log line per device" "$OUT" "reset: SEP0000000000E1: exit 0"
check "the hook ran for each device" test "$(sort "$TEST_TMP/resets.txt" | tr '\n' ' ')" = "reset SEP0000000000E1 reset SEP0000000000E2 "
# A hook that hangs (a call agent that never answers) is stopped at its
# time limit, with what it started.
refuses "a reset timeout out of range" "--reset-timeout must be" config --reset-timeout 0
ok "a hook that hangs, a 1 s limit" config --reset-timeout 1 --reset-concurrency 1 \
	--reset-command "sleep 60 & echo \$! >$TEST_TMP/hung-{device}; wait"
contains "config shows the limit" "$OUT" "reset-timeout 1"
UCPKI_NOW=$(( $(date +%s) + 2400 )) run cert regenerate TVS --yes
check "regenerate TVS ends" test "$RC" -eq 0
contains "the hung reset is reported killed (signal 9)" "$OUT" "reset: SEP0000000000E1: signal 9"
contains "the next device's too" "$OUT" "reset: SEP0000000000E2: signal 9"
contains "with a line that says why" "$ERR" "reset: SEP0000000000E1: the command did not end in time: killed"
gone() { ! kill -0 "$(cat "$1")" 2>/dev/null; }
check "what the hook started is gone too" wait_until 5 gone "$TEST_TMP/hung-SEP0000000000E1"
ok "back to the quick hook" config --reset-timeout 30 --reset-command "echo reset {device} >>$TEST_TMP/resets.txt"

# --- the certificate monitor: thresholds, de-duplication, backup alarm ------------------
M=$TEST_TMP/mon
ok "a fresh node" --home "$M" init --node mon.example.test
day=86400
now=$(date +%s)
alarms() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(" ".join(sorted(set(a["alarm"] for a in d["alarms"] if not a["repeated"]))))' "$OUT"; }
UCPKI_NOW=$now run --home "$M" monitor --once --json
check "a new node: only the ITLRecovery backup alarm" test "$(alarms)" = "ITLRecoveryCertBackup"
UCPKI_NOW=$(( now + (1825 - 20) * day )) run --home "$M" monitor --once --json
contains "20 days left: CertValidLessThanMonth" "$(alarms)" "CertValidLessThanMonth"
contains "names the certificate and its days left" "$OUT" '"where":"CallManager","name":"CallManager","days_left":'
contains "each store's copy is its own alarm" "$OUT" '"where":"CAPF-trust"'
UCPKI_NOW=$(( now + (1825 - 20) * day + 60 )) run --home "$M" monitor --once --json
check "within the period: not raised again" test "$(alarms)" = ""
UCPKI_NOW=$(( now + (1825 - 3) * day )) run --home "$M" monitor --once --json
contains "3 days: CertValidfor7days" "$(alarms)" "CertValidfor7days"
UCPKI_NOW=$(( now + 1825 * day - 3600 )) run --home "$M" monitor --once --json
contains "an hour: CertValidLessthanADay" "$(alarms)" "CertValidLessthanADay"
UCPKI_NOW=$(( now + 1826 * day )) run --home "$M" monitor --once
contains "expired: still CertValidLessthanADay, said as expired N days ago" "$OUT" "expired 1 day ago"
ok "start notifications 60 days ahead" --home "$M" monitor config --start-days 60 --frequency 7d
contains "config shown" "$OUT" "frequency 604800s"
UCPKI_NOW=$(( now + (1825 - 45) * day )) run --home "$M" monitor --once --json
contains "45 days: CertValidityOver30Days" "$(alarms)" "CertValidityOver30Days"
ok "export ITLRecovery" --home "$M" cert export ITLRecovery --out "$TEST_TMP/m-itlr.pem"
UCPKI_NOW=$(( now + 30 * day )) run --home "$M" monitor --once --json
lacks "no backup alarm after the export" "$(alarms)" "ITLRecoveryCertBackup"
refuses "bad frequency" "--frequency: say 24h" --home "$M" monitor config --frequency soon

# --- CRLs: a revoked trust certificate raises CertificateRevoked ----------------------
cd "$TEST_TMP"
mkdir -p ca/new && : >ca/index.txt && echo 01 >ca/serial && echo 01 >ca/crlnumber
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca/ca.key -out ca/ca.pem -subj "/CN=Revoking CA" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
printf '[ca]\ndefault_ca=d\n[d]\ndir=%s/ca\ndatabase=$dir/index.txt\nnew_certs_dir=$dir/new\nserial=$dir/serial\ncrlnumber=$dir/crlnumber\ndefault_md=sha256\npolicy=p\ndefault_crl_days=30\n[p]\ncommonName=supplied\n[v3]\nbasicConstraints=critical,CA:TRUE\n' "$TEST_TMP" >ca/ca.cnf
openssl req -newkey rsa:2048 -nodes -keyout sub.key -out sub.csr -subj "/CN=Revoked Sub CA" 2>/dev/null
openssl ca -batch -config ca/ca.cnf -cert ca/ca.pem -keyfile ca/ca.key -in sub.csr -out sub.pem -days 365 -extensions v3 -notext 2>/dev/null
openssl ca -config ca/ca.cnf -cert ca/ca.pem -keyfile ca/ca.key -revoke sub.pem 2>/dev/null
openssl ca -config ca/ca.cnf -cert ca/ca.pem -keyfile ca/ca.key -gencrl -out ca.crl 2>/dev/null
cd - >/dev/null
refuses "a CRL from an unknown CA" "no CA in the trust stores signed it" --home "$M" crl add "$TEST_TMP/ca.crl"
ok "trust the CA" --home "$M" trust add tomcat-trust "$TEST_TMP/ca/ca.pem"
ok "trust the sub CA" --home "$M" trust add tomcat-trust "$TEST_TMP/sub.pem"
ok "crl add" --home "$M" crl add "$TEST_TMP/ca.crl"
ok "crl list" --home "$M" crl list
contains "listed with its count" "$OUT" "CN=Revoking CA: 1 revoked"
UCPKI_NOW=$(( now + 31 * day )) run --home "$M" monitor --once --json
contains "CertificateRevoked" "$OUT" '"alarm":"CertificateRevoked","where":"tomcat-trust","name":"Revoked_Sub_CA"'
refuses "garbage CRL" "neither PEM nor DER" --home "$M" crl add "$TEST_TMP/ca/ca.key"

# --- the same check on a schedule inside serve ----------------------------------------
SP=$(free_port)
UCPKI_NOW=$(( now + (1825 - 20) * day )) "$UCPKI" --home "$M" serve --listen 127.0.0.1 --capf-port "$SP" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 1 >"$TEST_TMP/mon-serve.log" 2>&1 &
MSERVER=$!
on_exit_kill $MSERVER
check "serve with the monitor" wait_port "$SP"
sleep 2
stop_server "monitor server" $MSERVER "$TEST_TMP/mon-serve.log"
check "the scheduled run is logged" grep -q "monitor: [0-9]* certificates checked" "$TEST_TMP/mon-serve.log"
check "its alarms are logged" grep -q "WRN monitor: CertValid" "$TEST_TMP/mon-serve.log"

# --- e-mail to a local SMTP sink -------------------------------------------------------
SMTP=$(free_port)
python3 "$TESTS_DIR/smtp_sink.py" "$SMTP" "$TEST_TMP/mail.txt" "$TEST_TMP/sink.ready" &
SINK=$!
on_exit_kill $SINK
check "the SMTP sink listens" wait_file "$TEST_TMP/sink.ready"
ok "mail config" --home "$M" monitor config --frequency 60 --email pki@example.test,ops@example.test --smtp "smtp://127.0.0.1:$SMTP"
UCPKI_NOW=$(( now + (1825 - 2) * day )) run --home "$M" monitor --once
check "monitor exits 0" test "$RC" -eq 0
wait $SINK
check "mail delivered" test -s "$TEST_TMP/mail.txt"
contains "to both addresses" "$(cat "$TEST_TMP/mail.txt")" "RCPT TO:<ops@example.test>"
contains "subject names the node" "$(cat "$TEST_TMP/mail.txt")" "Subject: ucpki certificate monitor on mon.example.test"
contains "the alarm with its certificate and days" "$(cat "$TEST_TMP/mail.txt")" "CertValidfor7days: CallManager/CallManager:"
finish
