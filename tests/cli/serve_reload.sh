#!/usr/bin/env bash
# Identity changes made by another process reach a running `ucpki serve`
# by themselves, without SIGHUP: after `cert regenerate CAPF` the next
# phone gets an LSC from the new CAPF, and the CAPF and TVS listeners
# present the new certificates.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
LOG=$TEST_TMP/serve.log
CAPF=$(free_port)
TVS=$(free_port)

ok "init" init --node cucm.example.test --org "Example Corp" --country NZ
ok "phone mfg init" phone mfg init
for p in SEP0000000000A1 SEP0000000000A2; do
	ok "phone make $p" phone make $p --model 8845
	ok "device add $p" device add $p --model 8845
	ok "device set $p install" device set $p --operation install --auth null
done

"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port "$TVS" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
	--monitor-interval 0 >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$CAPF"
check "TVS listening" wait_port "$TVS"

# presented PORT: SHA-256 fingerprint of the certificate the listener presents
presented() {
	openssl s_client -connect "127.0.0.1:$1" -tls1_2 </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
# own PURPOSE: the fingerprint of the identity in the store
own() { "$UCPKI" cert show "$1" --pem | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }
# wait_presented PORT PURPOSE: until the listener presents the identity
# the store holds now (10 s at most; serve looks once a second, and each
# regenerate may land in a different look)
wait_presented() {
	local tries=100 want
	want=$(own "$2")
	while [ $tries -gt 0 ]; do
		[ "$(presented "$1")" = "$want" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

old_capf=$(own CAPF)
old_tvs=$(own TVS)
check "CAPF presents the CAPF certificate" test "$(presented "$CAPF")" = "$old_capf"
check "TVS presents the TVS certificate" test "$(presented "$TVS")" = "$old_tvs"
ok "enroll A1 with the first CAPF" phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF
"$UCPKI" cert show CAPF --pem >"$TEST_TMP/capf-old.pem"
check "A1's LSC is from the first CAPF" openssl verify -CAfile "$TEST_TMP/capf-old.pem" "$H/phones/SEP0000000000A1/lsc.pem"

# --- regenerate, no signal -------------------------------------------------------
start=$(date +%s%N)
ok "cert regenerate CAPF while serve runs" cert regenerate CAPF --yes
ok "cert regenerate TVS while serve runs" cert regenerate TVS --yes
new_capf=$(own CAPF)
check "the store holds a new CAPF" test "$new_capf" != "$old_capf"
check "CAPF presents the new certificate, by itself" wait_presented "$CAPF" CAPF
check "TVS presents the new certificate, by itself" wait_presented "$TVS" TVS
echo "# both presented $(( ($(date +%s%N) - start) / 1000000 )) ms after the first regenerate started"
check "serve says why" grep -q "an identity changed: identities reloaded" "$LOG"
ok "enroll A2" phone capf SEP0000000000A2 --server 127.0.0.1:$CAPF
"$UCPKI" cert show CAPF --pem >"$TEST_TMP/capf-new.pem"
check "A2's LSC is from the new CAPF" openssl verify -CAfile "$TEST_TMP/capf-new.pem" "$H/phones/SEP0000000000A2/lsc.pem"
if openssl verify -CAfile "$TEST_TMP/capf-old.pem" "$H/phones/SEP0000000000A2/lsc.pem" >/dev/null 2>&1; then
	fail "A2's LSC is not from the old CAPF"; else pass "A2's LSC is not from the old CAPF"; fi
check "no SIGHUP was needed" test "$(grep -c 'SIGHUP' "$LOG")" -eq 0

# --- a trust change needs no reload of identities --------------------------------
reloads=$(grep -c 'identities reloaded' "$LOG")
ok "trust add" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
sleep 1.5
check "a trust change reloads no identity" test "$(grep -c 'identities reloaded' "$LOG")" -eq "$reloads"

kill -TERM $SERVER
wait $SERVER
check "serve exits 0" test $? -eq 0
check "no sanitizer report" test "$(grep -c 'Sanitizer' "$LOG")" -eq 0
finish
