#!/usr/bin/env bash
# TVS: valid, unknown, serial+issuer match, several requests per session,
# idle timeout, malformed requests; `tvs add/remove/list/query`; the
# phone's ITL install and signed-configuration trust.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/w
mkdir -p "$W"
V=$UCPKI_VECTORS
CAPF_PORT=$(free_port)
PORT=$(free_port)
LOG=$TEST_TMP/serve.log
RAW="python3 $TESTS_DIR/tvs_rawclient.py $PORT"

ok "init" init --node cucm.example.test
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$PORT" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --idle-timeout 2 --message-timeout 2 --log-level debug >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "TVS listening" wait_port "$PORT"
S=127.0.0.1:$PORT
for p in CallManager CAPF TVS tomcat ITLRecovery; do "$UCPKI" cert show $p --pem >"$W/$p.pem"; done
ok "itl build" itl build --out "$W/ITLFile.tlv"

# --- the node's identities, with their roles -----------------------------------
ok "query CallManager through the ITL's TVS record" tvs query "$W/CallManager.pem" --server $S --itl "$W/ITLFile.tlv" --device CP-8845-SEP001122334455
contains "valid" "$OUT" "Status: valid"
contains "CCM+TFTP" "$OUT" "Roles: CCM+TFTP"
contains "default TTL" "$OUT" "TTL: 86400"
for pair in CAPF:CAPF TVS:TVS tomcat:APP-SERVER ITLRecovery:SAST; do
	ok "query ${pair%%:*}" tvs query "$W/${pair%%:*}.pem" --server $S --json
	contains "${pair%%:*} has role ${pair##*:}" "$OUT" "\"roles\":\"${pair##*:}\""
done
ok "an unknown certificate" tvs query "$V/certs/app-server.pem" --server $S
contains "invalid" "$OUT" "Status: invalid"
check "logged with the seeds' wording" grep -q "getCertificateInformation(cert) : certificate not found" "$LOG"
ok "another cluster's ITL" tlv build "$W/foreign.tlv" --sast "$V/certs/sast.pem" --tvs "$V/certs/tvs.pem"
refuses "a TVS not in the ITL" "not the ITL's TVS record" tvs query "$W/CallManager.pem" --server $S --itl "$W/foreign.tlv"
refuses "bad device name" "not CP-<model>-SEP<MAC>" tvs query "$W/CallManager.pem" --server $S --device SEP001122334455

# --- tvs add / list / remove; the running index follows the store --------------------
ok "tvs add" tvs add "$V/certs/app-server.pem" --role app-server --role tftp --ttl 600
sleep 1.5
ok "now known" tvs query "$V/certs/app-server.pem" --server $S --json
contains "roles and TTL as added" "$OUT" '"status":"valid","roles":"APP-SERVER,TFTP","ttl":600'
ok "tvs list" tvs list --json
check "six certificates" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==6' "$OUT"
refuses "tvs add twice" "already known to TVS" tvs add "$V/certs/app-server.pem" --role tvs
refuses "tvs add a bad role" "not one of" tvs add "$V/certs/tvs.pem" --role boss
prefix=$(openssl x509 -in "$V/certs/app-server.pem" -outform DER | sha256sum | cut -c1-10)
ok "tvs remove" tvs remove "$prefix"
refuses "remove again" "matches 0 entries" tvs remove "$prefix"
sleep 1.5
ok "unknown again" tvs query "$V/certs/app-server.pem" --server $S
contains "invalid after remove" "$OUT" "Status: invalid"

# --- serial number + issuer -------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/ca.key" -out "$W/ca.pem" -subj "/CN=Test CA" -days 30 2>/dev/null
for n in a b; do
	openssl req -newkey rsa:2048 -nodes -keyout "$W/$n.key" -out "$W/$n.csr" -subj "/CN=twin" 2>/dev/null
	openssl x509 -req -in "$W/$n.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -set_serial 0x027865 -days 30 -out "$W/$n.pem" 2>/dev/null
done
ok "add twin a" tvs add "$W/a.pem" --role ccm
sleep 1.5
ok "twin b: same serial and issuer" tvs query "$W/b.pem" --server $S
contains "matched by serial number and issuer" "$OUT" "Status: valid"
check "logged as a serial+issuer match" grep -q "matched by serial number and issuer" "$LOG"

# --- one session, several requests; idle timeout; malformed requests --------------------
for p in CallManager CAPF; do openssl x509 -in "$W/$p.pem" -outform DER -out "$W/$p.der"; done
openssl x509 -in "$V/certs/app-server.pem" -outform DER -out "$W/unknown.der"
got=$($RAW many "$W/CallManager.der" "$W/unknown.der" "$W/CAPF.der" | tr '\n' '|')
check "three answers on one session" test "$got" = "valid 2 86400|invalid|valid 4 86400|"
check "idle session closed" test "$($RAW idle)" = closed
# The stalls each wait for the server's 2-second idle timeout: run them
# side by side.
stalls=""
for c in short-header stall-body length-too-large; do
	$RAW $c "$W/CAPF.der" >"$W/stall-$c" &
	stalls="$stalls $!"
done
wait $stalls
for c in short-header stall-body length-too-large; do
	check "$c: closed by the idle timeout" test "$(cat "$W/stall-$c")" = closed
done
check "length over the limit: closed" test "$($RAW oversize "$W/CAPF.der")" = closed
check "wrong protocol id: closed" test "$($RAW wrong-protocol "$W/CAPF.der")" = closed
check "wrong version: closed" test "$($RAW wrong-version "$W/CAPF.der")" = closed
check "unknown element: closed" test "$($RAW unknown-tag "$W/CAPF.der")" = closed
check "truncated element: closed" test "$($RAW truncated-element)" = closed
check "bad device name: closed" test "$($RAW bad-device "$W/CAPF.der")" = closed
check "garbage certificate: closed" test "$($RAW garbage-cert)" = closed
check "QUERY_REQUEST answered invalid" test "$($RAW query "$W/CAPF.der")" = invalid
ok "still serving" tvs query "$W/CAPF.pem" --server $S
contains "valid after the abuse" "$OUT" "Status: valid"

# --- the phone's ITL ------------------------------------------------------------------
ok "phone make" phone make SEP001122334455
ok "first ITL: trusted as is" phone itl SEP001122334455 "$W/ITLFile.tlv"
contains "trusted as is" "$OUT" "first ITL: trusted as is"
ok "recovery ITL (ITLRecovery signs)" itl build --out "$W/recovery.tlv" --sign-with itlrecovery
ok "the phone accepts ITL recovery" phone itl SEP001122334455 "$W/recovery.tlv"
refuses "a foreign ITL is rejected" "which the installed ITL does not hold as SAST or TFTP" phone itl SEP001122334455 "$V/ITLFile-sha1-v1.0.tlv"
cp "$V/ITLFile-sha1-v1.0.tlv" "$W/tampered.tlv"
printf '\xff' | dd of="$W/tampered.tlv" bs=1 seek=$(( $(stat -c %s "$W/tampered.tlv") - 1 )) conv=notrunc 2>/dev/null
refuses "a tampered ITL is rejected" "does not verify" phone itl SEP001122334455 "$W/tampered.tlv"

# --- signed configuration: by the ITL, else by TVS ----------------------------------
cp "$V/SEP001122334455.cnf.xml" "$W/"
ok "sign with the cluster's TFTP key" sgn sign "$W/SEP001122334455.cnf.xml"
ok "the ITL's TFTP record vouches" phone verify-config SEP001122334455 "$W/SEP001122334455.cnf.xml.sgn"
contains "accepted by the ITL" "$OUT" "signer is ITL record"
refuses "a file signed by another TFTP" "rejected" phone verify-config SEP001122334455 "$V/SEP001122334455.cnf.xml.sha1.sgn"
refuses "TVS does not know it" "certificate not found" phone verify-config SEP001122334455 "$V/SEP001122334455.cnf.xml.sha1.sgn" --tvs $S --signer "$V/certs/callmanager.pem"
ok "TVS vouches for a second TFTP" tvs add "$V/certs/callmanager.pem" --role tftp
sleep 1.5
ok "then TVS accepts it" phone verify-config SEP001122334455 "$V/SEP001122334455.cnf.xml.sha1.sgn" --tvs $S --signer "$V/certs/callmanager.pem"
contains "accepted by TVS" "$OUT" "TVS vouches for the signer with the TFTP role"

# --- registration: the call agent's certificate is not in the ITL, TVS vouches --------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/sip.key" -out "$W/sip.pem" -subj "/CN=sip-b.example.test" -days 30 2>/dev/null
SIP=$(free_port)
openssl s_server -accept "$SIP" -cert "$W/sip.pem" -key "$W/sip.key" -www -quiet >"$W/s_server.log" 2>&1 &
PEER=$!
on_exit_kill $PEER
check "call agent listening" wait_port "$SIP"
refuses "register: neither ITL nor TVS" "neither a CCM record of the ITL nor vouched for by TVS" \
	phone register SEP001122334455 --server 127.0.0.1:$SIP --tvs $S
contains "TVS said why" "$ERR" "certificate not found"
ok "TVS knows it as TFTP only" tvs add "$W/sip.pem" --role tftp
sleep 1.5
refuses "register: TVS without a CCM role" "valid, but without the needed role" \
	phone register SEP001122334455 --server 127.0.0.1:$SIP --tvs $S
ok "tvs remove (upper-case prefix)" tvs remove "$(openssl x509 -in "$W/sip.pem" -outform DER | sha256sum | cut -c1-12 | tr a-f A-F)"
ok "TVS knows it as CCM" tvs add "$W/sip.pem" --role ccm
sleep 1.5
ok "register: TVS vouches" phone register SEP001122334455 --server 127.0.0.1:$SIP --tvs $S
contains "TVS line" "$OUT" "TVS vouches for it with a CCM role"
contains "registered" "$OUT" "SEP001122334455: Registered"
contains "with the MIC" "$OUT" "cert [MIC]"
ok "register to the cluster's own CallManager" itl build --out "$W/ITLFile2.tlv"
kill $PEER 2>/dev/null; wait $PEER 2>/dev/null
openssl s_server -accept "$SIP" -cert "$W/CallManager.pem" -key "$(ls "$H"/keys/CallManager-[0-9a-f]*.key)" -www -quiet >"$W/s_server.log" 2>&1 &
PEER=$!
on_exit_kill $PEER
check "own CallManager listening" wait_port "$SIP"
ok "register: the ITL holds the server" phone register SEP001122334455 --server 127.0.0.1:$SIP
contains "ITL line" "$OUT" "server certificate is ITL record"
kill $PEER 2>/dev/null; wait $PEER 2>/dev/null

stop_server "server" $SERVER "$LOG"
finish
