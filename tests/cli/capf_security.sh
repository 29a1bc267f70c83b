#!/usr/bin/env bash
# CAPF enrolment attacked as someone on the voice VLAN would (issue 13):
# racing the authentication-string lockout with 40 parallel sessions,
# two sessions for one install, another device's LSC, MIC or SUDI, an LSC
# of this cluster as SUDI data, a troubleshoot returning a foreign
# certificate, expired and not-yet-valid LSCs, revoked and superseded
# LSCs.  After each attack a legitimate enrolment still succeeds.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/w
LOG=$W/serve.log
mkdir -p "$W"
ATTACK="python3 $TESTS_DIR/capf_attack.py"

ok "init" init --node cucm.example.test
ok "phone mfg init" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
ok "trust the SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem"
A=SEP0000000000E1
B=SEP0000000000E2
C=SEP0000000000E3
R=SEP0000000000E4
T=SEP0000000000E5
for p in $A $B $C $R $T; do
	ok "phone make $p" phone make $p --model 8845
	ok "device add $p" device add $p --model 8845
done

start_server() {
	PORT=$(free_port)
	"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 \
	    --loops 2 --workers 2 >>"$LOG" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	check "server listening" wait_port "$PORT" 30
}
start_server

# field NAME PATH: a field of `device show --json` (dotted path), "null" if none.
field() {
	"$UCPKI" device show "$1" --json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k) if isinstance(v, dict) else None
print("null" if v is None else v)' "$2"
}
lscs_on_record() { sqlite3 "$H/ucpki.db" "select count(*) from lsc where device='$1'"; }
cert_sha() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
json() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(eval(sys.argv[2], {"v": v}))' "$1" "$2"; }
expect_status() {
	local got
	got=$(field "$2" status)
	if [ "$got" = "$3" ]; then pass "$1: status $3"; else
		fail "$1: status" "expected $3, got $got ($(field "$2" status_text))"; fi
}
enroll() { local name=$1 dev=$2; shift 2; ok "$name" phone capf "$dev" --server 127.0.0.1:$PORT "$@"; }
enroll_fails() {
	local name=$1 dev=$2
	shift 2
	run phone capf "$dev" --server 127.0.0.1:$PORT "$@"
	if [ "$RC" -ne 0 ] && [[ "$OUT" == *"LSC: Failed"* ]]; then pass "$name"; else
		fail "$name" "exit $RC" "stdout: $OUT" "stderr: $ERR"; fi
}
# logged NAME PATTERN: the server's log has a line matching PATTERN (ERE).
logged() { check "$1" grep -qE "$2" "$LOG"; }

# --- 1. the lockout cannot be raced ----------------------------------------------------
printf '24680\n' >"$W/right"
ok "R: install by string (from a file)" device set $R --operation install --auth string \
    --auth-string-file "$W/right" --key rsa1024
out=$($ATTACK race "$PORT" $R 13579 24680 40)
check "race: all 39 wrong strings refused" test "$(json "$out" 'v["wrong"].get("end 7")')" = 39
check "race: the right string, sent after them, is refused" test "$(json "$out" 'v["right"]')" = "end 7"
check "race: exactly 5 strings were compared" \
    test "$(grep -c "$R from .*wrong authentication string ([1-5] of 5)" "$LOG")" -eq 5
check "race: the other 35 were locked out without a comparison" \
    test "$(grep -c "$R from .*locked out after 5 wrong authentication strings" "$LOG")" -eq 35
check "race: the store counts 5" test "$(field $R auth_failures)" = 5
expect_status "race" $R 10
check "race: no LSC issued" test "$(lscs_on_record $R)" -eq 0
stop_server "race server" $SERVER "$LOG"
start_server
enroll_fails "after a restart: the right string is still locked out" $R --auth-string-file "$W/right"
check "after a restart: the store still counts 5" test "$(field $R auth_failures)" = 5
ok "setting the operation again clears the lockout" device set $R --operation install
enroll "legitimate: the right string enrolls" $R --auth-string-file "$W/right"
expect_status "legitimate after the race" $R 3

# --- 2. one operation per device: a second session is told to retry later ---------------
ok "T: install" device set $T --operation install --auth null --key rsa1024
out=$($ATTACK install-pair "$PORT" $T)
check "two sessions together: one goes on, one is told RETRY_LATER" \
    test "$(json "$out" '",".join(v["together"])')" = "keygen,retry 30"
check "a third while the first makes its key: RETRY_LATER" test "$(json "$out" 'v["while_busy"]')" = "retry 30"
check "the first completes its install" test "$(json "$out" 'v["end"]')" = "end 1"
check "exactly one LSC was signed and it is on record" test "$(lscs_on_record $T)" -eq 1
check "the device's LSC is the one sent" test "$(field $T lsc.sha256)" = "$(json "$out" 'v["lsc_sha256"]')"
logged "the busy session is logged" "$T from .*another session for this device is in progress: told to retry later"
expect_status "one operation per device" $T 3
ok "T: install again" device set $T --operation install --auth null
enroll "legitimate: T enrolls" $T
check "T: the new LSC is on record too" test "$(lscs_on_record $T)" -eq 2

# --- 3. an LSC authenticates only the device it was issued to ----------------------------
ok "A: install" device set $A --operation install --auth null
enroll "A enrolls" $A
ok "B: install" device set $B --operation install --auth null
enroll "B enrolls" $B
cp "$H/phones/$B/lsc.pem" "$W/b-lsc-1.pem"
B_LSC=$(field $B lsc.sha256)
ok "B: install by LSC" device set $B --operation install --auth lsc
cp "$H/phones/$A/lsc.pem" "$H/phones/$B/lsc.pem"
enroll_fails "A's LSC presented for B" $B
expect_status "borrowed LSC: Invalid LSC" $B 9
logged "borrowed LSC: the log names the mismatch" "$B from .*Invalid LSC: the LSC names $A, not $B"
check "borrowed LSC: B's LSC on record unchanged" test "$(field $B lsc.sha256)" = "$B_LSC"
check "borrowed LSC: nothing issued" test "$(lscs_on_record $B)" -eq 1
cp "$W/b-lsc-1.pem" "$H/phones/$B/lsc.pem"
enroll "legitimate: B's own LSC" $B
expect_status "B by its own LSC" $B 3
cp "$H/phones/$B/lsc.pem" "$W/b-lsc-2.pem"
ok "B: install by LSC again" device set $B --operation install --auth lsc
cp "$W/b-lsc-1.pem" "$H/phones/$B/lsc.pem"
enroll "a superseded LSC this cluster issued to B still authenticates B" $B
ok "revoke B's LSCs" device revoke $B
contains "revoke says how many" "$OUT" "3 LSCs revoked"
# One revocation: what device revoke recorded, CAPF's CRL lists and
# capf revoke finds already done.
b1_serial=$(openssl x509 -noout -serial -in "$W/b-lsc-1.pem" | cut -d= -f2)
contains "device revoke: CAPF's CRL lists the LSC" \
	"$(openssl crl -inform DER -in "$H/tftp/CAPF.crl" -noout -text)" "Serial Number: $b1_serial"
ok "capf revoke reads the same record" capf revoke $B
contains "nothing left to revoke" "$OUT" "0 LSC(s) revoked, 3 already were"
ok "B: install by LSC after the revocation" device set $B --operation install --auth lsc
enroll_fails "a revoked LSC" $B
expect_status "revoked LSC: Invalid LSC" $B 9
logged "revoked: the log says so" "$B from .*Invalid LSC: the LSC \(serial [0-9a-f]+\) was revoked on"
ok "B: install by null string" device set $B --operation install --auth null
enroll "legitimate: B re-enrolls" $B
ok "B: install by its new LSC" device set $B --operation install --auth lsc
enroll "legitimate: the new LSC authenticates" $B

# --- 4. a MIC and a SUDI authenticate only the device they name ---------------------------
mkdir -p "$W/b-phone"
cp "$H/phones/$B/mic.pem" "$H/phones/$B/sudi.pem" "$W/b-phone/"
ok "B: install by MIC" device set $B --operation install --auth mic
cp "$H/phones/$A/mic.pem" "$H/phones/$A/sudi.pem" "$H/phones/$B/"
enroll_fails "A's MIC and SUDI presented for B" $B --mic
expect_status "borrowed MIC: Invalid MIC" $B 11
logged "borrowed MIC: the log names the mismatch" "$B from .*Invalid MIC: the MIC names $A, not $B"
check "borrowed MIC: A's MIC is not on B's record" test "$(field $B mic)" = null
cp "$W/b-phone/mic.pem" "$H/phones/$B/mic.pem"
enroll_fails "B's MIC with A's SUDI" $B --mic
expect_status "borrowed SUDI: Invalid MIC" $B 11
logged "borrowed SUDI: the log names the mismatch" "$B from .*Invalid MIC: the SUDI names $A, not $B"
cp "$H/phones/$A/lsc.pem" "$H/phones/$B/sudi.pem"
enroll_fails "B's MIC with an LSC of this cluster as SUDI data" $B --mic
expect_status "LSC as SUDI: Invalid MIC" $B 11
logged "LSC as SUDI: the log says it chains to a CAPF" "$B from .*Invalid MIC: the SUDI chains to a CAPF \(CAPF-[0-9a-f]+\), not to a SUDI CA"
cp "$W/b-phone/sudi.pem" "$H/phones/$B/sudi.pem"
enroll "legitimate: B's own MIC and SUDI" $B --mic
expect_status "B by its own MIC" $B 3
check "B's record shows B's MIC" test "$(field $B mic.common_name)" = "CP-8845-$B"

# --- 5. troubleshoot keeps a foreign certificate as evidence only ---------------------------
B_LSC=$(field $B lsc.sha256)
cp "$H/phones/$B/lsc.pem" "$W/b-lsc-3.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/fake.key" -out "$W/fake.pem" \
    -subj "/CN=$B" -days 30 2>/dev/null
cat "$W/fake.pem" "$W/fake.key" >"$H/phones/$B/lsc.pem"
ok "B: troubleshoot" device set $B --operation troubleshoot --auth null
enroll "the phone returns a self-signed certificate named like it" $B
expect_status "foreign fetch: Troubleshoot Success" $B 5
check "foreign fetch: the LSC on record is unchanged" test "$(field $B lsc.sha256)" = "$B_LSC"
check "foreign fetch: what it returned is kept (device show)" test "$(field $B fetched.sha256)" = "$(cert_sha "$W/fake.pem")"
check "foreign fetch: and in the history" test "$(field $B history.0.detail | grep -c 'kept as evidence only, the LSC on record unchanged: the LSC')" -eq 1
logged "foreign fetch: logged" "$B from .*Troubleshoot Success: returned a certificate kept as evidence only"
check "foreign fetch: the issuer on record (bulk selection, monitor) is still this CAPF" \
    test "$(sqlite3 "$H/ucpki.db" "select lsc_issuer_sha256 from device where name='$B'")" = \
    "$("$UCPKI" cert show CAPF --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')"
cp "$W/b-lsc-3.pem" "$H/phones/$B/lsc.pem"
ok "B: troubleshoot again" device set $B --operation troubleshoot --auth null
enroll "legitimate: the phone returns its LSC" $B
check "its own LSC is recognised" test "$(field $B history.0.detail | grep -c '^returned its LSC (serial')" -eq 1
check "fetched = the LSC on record" test "$(field $B fetched.sha256)" = "$B_LSC"
ok "B: install by LSC" device set $B --operation install --auth lsc
enroll "legitimate: B enrolls after the troubleshoots" $B

# --- 6. expired and not-yet-valid LSCs are refused for what they are -------------------------
ok "LSCs of one day" capf config --lsc-days 1
ok "C: install" device set $C --operation install --auth null
enroll "C gets a one-day LSC" $C
ok "LSCs of five years again" capf config --lsc-days 1825
ok "C: install by LSC, completes by 2099" device set $C --operation install --auth lsc --by "2099-12-31 00:00"
now=$(date +%s)
for when in future past; do
	P2=$(free_port)
	if [ $when = future ]; then at=$((now + 3 * 86400)); else at=$((now - 2 * 86400)); fi
	UCPKI_NOW=$at "$UCPKI" serve --listen 127.0.0.1 --capf-port "$P2" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 \
	    >"$W/$when.log" 2>&1 &
	S2=$!
	on_exit_kill $S2
	check "a server whose clock is in the $when" wait_port "$P2" 30
	run phone capf $C --server 127.0.0.1:$P2
	check "$when: refused" test "$RC" -ne 0
	expect_status "$when: Invalid LSC" $C 9
	stop_server "$when server" $S2 "$W/$when.log"
done
check "expired: the reason is the expiry" grep -qE "$C from .*Invalid LSC: the LSC expired on [0-9-]+ [0-9:]+ UTC" "$W/future.log"
check "not yet valid: the reason says so" grep -qE "$C from .*Invalid LSC: the LSC is not valid before [0-9-]+ [0-9:]+ UTC" "$W/past.log"
check "neither blames CAPF-trust" bash -c "! grep -q 'not in CAPF-trust' '$W/future.log' '$W/past.log'"
enroll "legitimate: C by its LSC while it is valid" $C
expect_status "C by a valid LSC" $C 3

check "no authentication string in any log" bash -c "! grep -q -e 24680 -e 13579 $W/*.log"
check "integrity_check ok" test "$(sqlite3 "$H/ucpki.db" 'PRAGMA integrity_check')" = ok
stop_server "server" $SERVER "$LOG"
finish
