#!/usr/bin/env bash
# Softphones (Jabber: CSF, BOT, TCT, TAB) enroll with CAPF protocol
# version 2 against `ucpki serve` on loopback: the simulated softphone
# (phone capf --softphone, phone swarm --softphone) and a byte-level v2
# client (capf_jabber.py); statuses, the authentication modes v2 can
# carry, history and report as for phones; one LSC per softphone (a
# second request is refused with reason 7 until an administrator sets
# the install again); version 3 phones keep their flow.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
JABBER="$PY $TESTS_DIR/cli/capf_jabber.py"

field() { device_field "$@"; }
lsc_sha() {
	openssl x509 -in "$H/phones/$1/lsc.pem" -noout -fingerprint -sha256 2>/dev/null |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

ok "init" init --node jabber.example.test --org "Example Corp" --country NZ
ok "mfg CA" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem" --name mfg-ca
ok "trust the SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem" --name sudi-ca
ok "add CSFJDOE" device add CSFJDOE --model CSF
ok "CSFJDOE: install by null string" device set CSFJDOE --operation install --auth null

PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 \
    --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 --loops 2 --workers 2 >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$PORT" 30; then pass "serve listens"; else
	fail "serve listens" "$(cat "$W/serve.log")"; finish; fi
SRV=127.0.0.1:$PORT

refuses "--softphone needs a softphone name" "--softphone needs a CSF" \
    phone capf SEP001122334455 --softphone --server "$SRV"
ok "the softphone enrolls (version 2)" phone capf CSFJDOE --softphone --server "$SRV"
contains "it says so" "$OUT" "LSC: Installed"
contains "in version 2" "$OUT" "protocol version 2"
check "Upgrade Success" test "$(field CSFJDOE status)" = 3
check "the LSC on record is the softphone's" test "$(field CSFJDOE lsc.sha256)" = "$(lsc_sha CSFJDOE)"
check "the install is over" test "$(field CSFJDOE operation)" = none
ok "device show" device show CSFJDOE
contains "device show states the rule" "$OUT" "one LSC per softphone: a second request is refused (END_SESSION reason 7)"
contains "and that it applies now" "$OUT" "an LSC is issued: a request now is refused"
contains "history" "$OUT" "Upgrade Success"
check "JSON: refused now" test "$(field CSFJDOE second_lsc_refused)" = True
ok "capf report" capf report --csv
contains "report" "$OUT" "CSFJDOE,CSF,3,Upgrade Success,By Null String"
contains "serve logs the version" "$(cat "$W/serve.log")" "(protocol version 2): Install/Upgrade, By Null String: Upgrade Success"

# One LSC per softphone.
first=$(lsc_sha CSFJDOE)
refuses "a second request is refused" "already issued to this softphone" \
    phone capf CSFJDOE --softphone --server "$SRV"
check "the LSC is kept" test "$(field CSFJDOE lsc.sha256)" = "$first"
check "status unchanged" test "$(field CSFJDOE status)" = 3
run_jabber() { OUT=$($JABBER "$PORT" "$@" 2>&1); }
run_jabber CSFJDOE refused
check "a raw v2 client gets END_SESSION 7 ($OUT)" test "$OUT" = "end 7"
ok "the administrator resets it" device set CSFJDOE --operation install
check "JSON: allowed again" test "$(field CSFJDOE second_lsc_refused)" = False
run_jabber CSFJDOE install
contains "the v2 exchange byte for byte: KEY_SIZE only, no REQUEST_IN_PROGRESS" "$OUT" "installed 2048"
check "its LSC is on record" test "$(field CSFJDOE lsc.sha256)" = "${OUT##* }"
check "Upgrade Success again" test "$(field CSFJDOE status)" = 3
run_jabber CSFJDOE refused
check "and refused after" test "$OUT" = "end 7"

# What v2 can carry: the authentication string; not a certificate.
ok "add CSFASMITH" device add CSFASMITH --model CSF
ok "by authentication string" device set CSFASMITH --operation install --auth string --auth-string 246810
run phone capf CSFASMITH --softphone --server "$SRV" --auth-string 111111
check "a wrong string fails" test "$RC" -ne 0
check "Invalid Authentication String" test "$(field CSFASMITH status)" = 10
ok "the right string" phone capf CSFASMITH --softphone --server "$SRV" --auth-string 246810
check "Upgrade Success by string" test "$(field CSFASMITH status)" = 3
ok "add BOTHELPER" device add BOTHELPER --model CSF
ok "by existing certificate" device set BOTHELPER --operation install --auth lsc
run phone capf BOTHELPER --softphone --server "$SRV"
check "v2 cannot present a certificate" test "$RC" -ne 0
check "Invalid Credentials" test "$(field BOTHELPER status)" = 12
ok "BOTHELPER: history" device show BOTHELPER
contains "the reason is recorded" "$OUT" "protocol version 2 carries no certificate"
ok "TCTPHONE: EC Only" device add TCTPHONE --model CSF
ok "EC only" device set TCTPHONE --operation install --auth null --key ec256
run phone capf TCTPHONE --softphone --server "$SRV"
check "v2 cannot make an EC key" test "$RC" -ne 0
ok "TCTPHONE: history" device show TCTPHONE
contains "the reason is recorded" "$OUT" "protocol version 2 makes RSA keys only"
ok "TCTPHONE: EC preferred, RSA backup" device set TCTPHONE --operation install --key-order ec-then-rsa
ok "v2 takes the RSA backup" phone capf TCTPHONE --softphone --server "$SRV"
run_jabber CSFNOBODY refused
check "an unknown softphone: END_SESSION 9" test "$OUT" = "end 9"
run_jabber CSFJDOE version4
check "version 4: END_SESSION 7" test "$OUT" = "end 7"

# Version 3 phones keep their flow alongside.
ok "phone make" phone make SEP0000000000AA --model 8845
ok "device add" device add SEP0000000000AA --model 8845
ok "install" device set SEP0000000000AA --operation install --auth null
ok "a version 3 phone enrolls" phone capf SEP0000000000AA --server "$SRV"
check "phone: Upgrade Success" test "$(field SEP0000000000AA status)" = 3
ok "a phone has no softphone rule" device set SEP0000000000AA --operation install
ok "and enrolls again" phone capf SEP0000000000AA --server "$SRV"

# The swarm as softphones.
ok "swarm of softphones" phone swarm --capf "$SRV" --n 6 --c 3 --softphone --provision --json
contains "all enrolled" "$OUT" '"failed":0'
check "CSF000000000006 enrolled" test "$(field CSF000000000006 status)" = 3
run phone swarm --capf "$SRV" --n 2 --c 2 --softphone
check "and a second round is refused" test "$RC" -ne 0
refuses "no MIC for softphones" "--softphone" phone swarm --capf "$SRV" --n 1 --softphone --auth mic

kill -TERM $SERVER
wait $SERVER
check "serve exits 0" test $? -eq 0
check "no sanitizer report" test "$(grep -c Sanitizer "$W/serve.log")" -eq 0
finish
