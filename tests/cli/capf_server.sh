#!/usr/bin/env bash
# CAPF server end to end (complements capf.sh): `ucpki serve` on an ephemeral loopback port, simulated
# phones enrolling through every authentication mode and operation, every
# failure status, and a misbehaving peer (tests/cli/capf_badpeer.py).  The
# phone's result, the device's status and its LSC in the store are checked
# after each session.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

ok "init" init --node cucm.example.test --org "Example Corp" --ou VoIP \
    --locality Wellington --state WGN --country NZ
ok "mfg CA" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem" --name mfg-ca
ok "trust the SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem" --name sudi-ca

PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --monitor-interval 0 --idle-timeout 3 --keygen-timeout 3 --handshake-timeout 2 --loops 2 --workers 2 \
    >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$PORT" 30; then pass "serve listens on 127.0.0.1:$PORT"; else
	fail "serve listens" "$(cat "$W/serve.log")"; finish; fi
SRV=127.0.0.1:$PORT

# field NAME KEY: one field of `device show --json` (lsc.sha256 style paths).
field() { device_field "$@"; }
# The SHA-256 of the LSC the simulated phone holds, or "none".
phone_lsc() {
	local f=$H/phones/$1/lsc.pem
	if [ -f "$f" ]; then openssl x509 -in "$f" -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; else echo none; fi
}
# expect_status TEST NAME STATUS
expect_status() {
	local got
	got=$(field "$2" status)
	if [ "$got" = "$3" ]; then pass "$1: status $3"; else
		fail "$1: status" "expected $3, got $got ($(field "$2" status_text))"; fi
}
# enroll TEST NAME [phone capf options]: the phone must succeed.
enroll() {
	local name=$1 dev=$2
	shift 2
	ok "$name" phone capf "$dev" --server "$SRV" "$@"
}
# enroll_fails TEST NAME MESSAGE [options]: the phone must fail saying MESSAGE.
enroll_fails() {
	local name=$1 dev=$2 msg=$3
	shift 3
	run phone capf "$dev" --server "$SRV" "$@"
	if [ "$RC" -ne 0 ] && [[ "$OUT" == *"$msg"* ]]; then pass "$name"; else
		fail "$name" "exit $RC, expected '$msg'" "stdout: $OUT" "stderr: $ERR"; fi
}
lsc_matches() {
	local in_store
	in_store=$(field "$2" lsc.sha256)
	if [ "$in_store" = "$(phone_lsc "$2")" ] && [ "$in_store" != null ]; then
		pass "$1: the store's LSC is the phone's"; else
		fail "$1: LSC" "store $in_store, phone $(phone_lsc "$2")"; fi
}

# --- By Null String, RSA 2048 -------------------------------------------------
P1=SEP001122334455
ok "make phone 1" phone make $P1 --model 8845
ok "add device 1 while serving" device add $P1 --model 8845
enroll "no operation pending" $P1
contains "pending says so" "$OUT" "LSC: Pending"
ok "set install, null string" device set $P1 --operation install --auth null --key rsa2048
enroll "null string install" $P1
contains "null string: LSC: Installed" "$OUT" "LSC: Installed"
contains "null string: SECD line" "$OUT" "SECUREAPP-RCAPF_START_MODE"
expect_status "null string" $P1 3
lsc_matches "null string" $P1
check "null string: operation cleared" test "$(field $P1 operation)" = none
LSC=$H/phones/$P1/lsc.pem
check "LSC subject CN + CA's O/OU/L/ST/C" bash -c "openssl x509 -in $LSC -noout -subject -nameopt RFC2253 | grep -q 'CN=$P1' && openssl x509 -in $LSC -noout -subject | grep -q 'O = Example Corp'"
"$UCPKI" cert show CAPF --pem >"$W/capf.pem"
check "LSC issuer = the CAPF subject" test "$(openssl x509 -in $LSC -noout -issuer | sed 's/issuer=//')" = "$(openssl x509 -in $W/capf.pem -noout -subject | sed 's/subject=//')"
check "LSC chains to CAPF" openssl verify -CAfile "$W/capf.pem" -purpose sslclient "$LSC"
TEXT=$(openssl x509 -in "$LSC" -noout -text)
contains "LSC: CA:FALSE critical" "$TEXT" "X509v3 Basic Constraints: critical"
contains "LSC: key usage" "$TEXT" "Digital Signature, Key Encipherment"
contains "LSC: EKU" "$TEXT" "TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System"
contains "LSC: SHA-256" "$TEXT" "sha256WithRSAEncryption"
contains "LSC: RSA 2048" "$TEXT" "(2048 bit)"
SERIAL=$(openssl x509 -in "$LSC" -noout -serial | sed 's/serial=//')
check "LSC: 16-byte serial" test ${#SERIAL} -ge 31
enroll "after success: nothing pending" $P1
contains "after success: LSC: Pending" "$OUT" "LSC: Pending"

# --- By Authentication String, lockout ----------------------------------------
P2=SEP00AABBCCDD02
ok "make phone 2" phone make $P2 --model 8865
ok "add device 2" device add $P2
ok "set install, string" device set $P2 --operation install --auth string --auth-string 123456 --key ec256
enroll_fails "wrong string: LSC: Failed" $P2 "LSC: Failed" --auth-string 654321
expect_status "wrong string" $P2 10
check "wrong string: no LSC" test "$(field $P2 lsc)" = null
check "wrong string: failure counted" test "$(field $P2 auth_failures)" = 1
check "the string is never logged" bash -c "! grep -q 123456 $W/serve.log && ! grep -q 654321 $W/serve.log"
enroll "right string" $P2 --auth-string 123456
expect_status "right string" $P2 3
lsc_matches "right string" $P2
contains "string: EC P-256 key" "$(openssl x509 -in $H/phones/$P2/lsc.pem -noout -text)" "prime256v1"
ok "again, string" device set $P2 --operation install --auth string --auth-string 2468 --key rsa1024
for i in 1 2 3 4 5; do
	run phone capf $P2 --server "$SRV" --auth-string 1111
done
expect_status "five wrong strings" $P2 10
enroll_fails "locked out after 5: the right string fails" $P2 "LSC: Failed" --auth-string 2468
check "locked out: the reason is logged" grep -q "locked out" "$W/serve.log"
ok "setting the operation again unlocks" device set $P2 --operation install --auth string --auth-string 2468 --key rsa1024
enroll "unlocked: right string" $P2 --auth-string 2468
expect_status "unlocked" $P2 3
contains "rsa1024 honoured" "$(openssl x509 -in $H/phones/$P2/lsc.pem -noout -text)" "(1024 bit)"

# --- By Existing Certificate: LSC and MIC precedence ---------------------------
ok "P1 install by LSC, ec384" device set $P1 --operation install --auth lsc --key ec384
OLD=$(phone_lsc $P1)
enroll "LSC authentication" $P1
contains "LSC auth: mode line" "$OUT" "[3]([LSC])"
expect_status "LSC authentication" $P1 3
lsc_matches "LSC authentication" $P1
check "LSC auth: a new LSC" test "$(phone_lsc $P1)" != "$OLD"
contains "LSC auth: P-384" "$(openssl x509 -in $H/phones/$P1/lsc.pem -noout -text)" "secp384r1"
ok "P1 install by MIC, ec521" device set $P1 --operation install --auth mic --key ec521
enroll "MIC authentication (precedence to MIC)" $P1 --mic
expect_status "MIC authentication" $P1 3
lsc_matches "MIC authentication" $P1
check "MIC auth: the MIC is on record" test "$(field $P1 mic)" != null
P3=SEP00AABBCCDD03
ok "make phone 3" phone make $P3
ok "add device 3" device add $P3
ok "P3 LSC precedence without an LSC: MIC used" device set $P3 --operation install --auth lsc --key-order ec-then-rsa --key rsa2048
enroll "LSC precedence falls back to the MIC" $P3
expect_status "MIC fallback" $P3 3
contains "EC preferred: P-256 first" "$(openssl x509 -in $H/phones/$P3/lsc.pem -noout -text)" "prime256v1"

# --- troubleshoot and delete ----------------------------------------------------
ok "P1 troubleshoot" device set $P1 --operation troubleshoot --auth lsc
enroll "troubleshoot" $P1
expect_status "troubleshoot" $P1 5
lsc_matches "troubleshoot keeps the phone's LSC" $P1
ok "P1 delete" device set $P1 --operation delete --auth lsc
enroll "delete" $P1
contains "delete: phone says so" "$OUT" "LSC: Deleted"
expect_status "delete" $P1 4
check "delete: LSC cleared in the store" test "$(field $P1 lsc)" = null
check "delete: the phone has no LSC" test "$(phone_lsc $P1)" = none
ok "P2 delete by string" device set $P2 --operation delete --auth string --auth-string 9999
enroll_fails "delete, wrong string" $P2 "LSC: Failed" --auth-string 1234
expect_status "delete, wrong string" $P2 19
check "delete refused: LSC kept" test "$(field $P2 lsc)" != null

# --- Invalid MIC, Invalid LSC, late, unknown device ------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/rogue-ca.key" -out "$W/rogue-ca.pem" \
    -subj "/CN=Rogue Manufacturing CA" -days 30 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$W/mic.key" -out "$W/mic.csr" \
    -subj "/CN=CP-8845-SEP00AABBCCDD04" 2>/dev/null
openssl x509 -req -in "$W/mic.csr" -CA "$W/rogue-ca.pem" -CAkey "$W/rogue-ca.key" \
    -CAcreateserial -days 30 -out "$W/mic.pem" 2>/dev/null
cat "$W/mic.pem" "$W/mic.key" >"$W/mic-pair.pem"
P4=SEP00AABBCCDD04
ok "phone 4 with a MIC from an untrusted CA" phone make $P4 --mic "$W/mic-pair.pem"
ok "add device 4" device add $P4
ok "P4 install by MIC" device set $P4 --operation install --auth mic
enroll_fails "untrusted MIC: LSC: Failed" $P4 "LSC: Failed"
expect_status "untrusted MIC" $P4 11
ok "P4 troubleshoot by MIC" device set $P4 --operation troubleshoot --auth mic
enroll_fails "untrusted MIC, troubleshoot" $P4 "LSC: Failed"
expect_status "untrusted MIC, troubleshoot" $P4 29

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/capf2.key" \
    -out "$W/capf2.pem" -subj "/CN=CAPF-0badc0de/O=Elsewhere" -days 30 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$W/lsc.key" -out "$W/lsc.csr" \
    -subj "/CN=$P3" 2>/dev/null
openssl x509 -req -in "$W/lsc.csr" -CA "$W/capf2.pem" -CAkey "$W/capf2.key" \
    -CAcreateserial -days 30 -out "$W/lsc.pem" 2>/dev/null
cat "$W/lsc.pem" "$W/lsc.key" >"$H/phones/$P3/lsc.pem"
ok "P3 install by LSC" device set $P3 --operation install --auth lsc
enroll_fails "LSC from a CAPF not in CAPF-trust" $P3 "LSC: Failed"
expect_status "foreign LSC" $P3 9
ok "P3 delete by LSC" device set $P3 --operation delete --auth lsc
enroll_fails "foreign LSC, delete" $P3 "LSC: Failed"
expect_status "foreign LSC, delete" $P3 18

ok "P4 late (Operation Completes By passed)" device set $P4 --operation install --auth null --by "2020-01-01 00:00"
enroll_fails "late request" $P4 "LSC: Failed"
expect_status "late request" $P4 17
P5=SEP00AABBCCDD05
ok "make phone 5 (not in the store)" phone make $P5
enroll_fails "unknown device" $P5 "LSC: Failed"
contains "unknown device says so" "$ERR" "unknown to the CAPF server"

# --- the phone authenticates the server by its ITL ---------------------------------
ok "itl build" itl build --out "$W/ITLFile.tlv"
ok "P2 install" device set $P2 --operation install --auth null --key rsa2048
enroll "ITL with this CAPF: trusted" $P2 --itl "$W/ITLFile.tlv"
contains "ITL: LSC: Installed" "$OUT" "LSC: Installed"
"$UCPKI" cert show CallManager --pem >"$W/cm.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/sast.key" -out "$W/sast.crt" \
    -subj "/CN=SAST" -days 30 2>/dev/null
cat "$W/sast.crt" "$W/sast.key" >"$W/sast.pem"
ok "an ITL without a CAPF record" tlv build "$W/nocapf.tlv" --sast "$W/sast.pem" --ccm-tftp "$W/cm.pem"
ok "P2 install again" device set $P2 --operation install --auth null
enroll_fails "no CAPF record: the phone says No valid CAPF server" $P2 "No valid CAPF server" --itl "$W/nocapf.tlv"
lacks "no CAPF record: not a connection failure" "$OUT" "LSC: Connection Failed"
check "no CAPF record: still pending" test "$(field $P2 status)" = 2

# --- SIGHUP reloads identities ----------------------------------------------------------
ok "new CAPF identity" cert generate CAPF --yes
kill -HUP $SERVER
for _ in $(seq 50); do grep -q "SIGHUP: identities reloaded" "$W/serve.log" && break; sleep 0.1; done
check "SIGHUP logged" grep -q "SIGHUP: identities reloaded" "$W/serve.log"
enroll_fails "old ITL, new CAPF: LSC: Connection Failed" $P2 "LSC: Connection Failed" --itl "$W/ITLFile.tlv"
ok "itl build with the new CAPF" itl build --out "$W/ITLFile2.tlv"
enroll "new ITL, new CAPF" $P2 --itl "$W/ITLFile2.tlv"
"$UCPKI" cert show CAPF --pem >"$W/capf2-own.pem"
check "the LSC is issued by the new CAPF" openssl verify -CAfile "$W/capf2-own.pem" -purpose sslclient "$H/phones/$P2/lsc.pem"

# --- a misbehaving peer -----------------------------------------------------------
P6=SEP00AABBCCDD06
ok "add device 6" device add $P6
BEFORE=$(field $P6 status)
if $PY "$TESTS_DIR/cli/capf_badpeer.py" 127.0.0.1 "$PORT" "$UCPKI" "$H" $P6 >"$W/bad.log" 2>&1; then
	pass "bad peer: every case answered as expected"
else
	fail "bad peer" "$(cat "$W/bad.log")"
fi
cat "$W/bad.log" | grep -E '^(ok|FAIL)' || true
check "server still up after the bad peer" kill -0 $SERVER
ok "P1 install again" device set $P1 --operation install --auth null
enroll "a good phone after the bad peer" $P1
expect_status "after the bad peer" $P1 3

# --- one log line per outcome, no secrets ----------------------------------------
check "log: device, address, operation, mode, status" grep -q "capf: $P1 from 127.0.0.1:[0-9]*: Install/Upgrade, By Null String: Upgrade Success" "$W/serve.log"
check "log: a protocol error is the session's one line" grep -q "capf: (unknown) from 127.0.0.1:[0-9]*: -, -: no change: CAPF: AUTH_RESPONSE: unknown element 99" "$W/serve.log"
check "log: an oversized message names the limit" grep -q "over the limit" "$W/serve.log"
check "log: no private keys" bash -c "! grep -q 'PRIVATE KEY' $W/serve.log"

# --- SIGTERM drains -------------------------------------------------------------------
kill -TERM $SERVER
if wait $SERVER; then pass "SIGTERM: clean exit"; else fail "SIGTERM: exit status $?" "$(tail -5 "$W/serve.log")"; fi

# --- a TLS 1.0 listener for 7900-series phones, and the per-address limit -------------
PORT2=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT2" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --tls1 \
    --monitor-interval 0 --max-per-address 1 --loops 1 >"$W/serve2.log" 2>&1 &
SERVER2=$!
on_exit_kill $SERVER2
if wait_port "$PORT2" 30; then pass "serve --tls1 listens"; else fail "serve --tls1" "$(cat "$W/serve2.log")"; fi
ok "P1 install for the TLS 1.0 phone" device set $P1 --operation install --auth null
exec 3<>/dev/tcp/127.0.0.1/"$PORT2"
run phone capf $P1 --server 127.0.0.1:$PORT2 --tls1 --timeout 5
contains "second connection from one address refused" "$OUT" "LSC: Connection Failed"
exec 3<&-
for _ in $(seq 50); do
	run phone capf $P1 --server 127.0.0.1:$PORT2 --tls1
	[ "$RC" -eq 0 ] && break
	sleep 0.1
done
contains "TLS 1.0 phone enrolls once the slot is free" "$OUT" "LSC: Installed"
expect_status "TLS 1.0" $P1 3
kill -TERM $SERVER2
wait $SERVER2 && pass "second server: clean exit" || fail "second server exit"
finish
