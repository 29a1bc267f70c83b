#!/usr/bin/env bash
# The phone simulator over HTTPS 6971 (issue 16), as a phone with an ITL
# of version 1.1 fetches: the server's certificate must be a TFTP record
# (CallManager-ECDSA, CCM+TFTP) of the ITL the phone already holds; the
# plain configuration is taken on the strength of that TLS; a server the
# ITL does not name is refused, and so is HTTPS before any ITL.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
OTHER=$TEST_TMP/other
NODE=cucm.example.test
DEV=SEP0000000000D1

ok "init" init --node $NODE
ok "init another cluster" --home "$OTHER" init --node other.example.test
ok "device add" device add $DEV --model 8845
ok "phone make" phone make $DEV
mkdir -p "$H/config"
printf '<device>\n  <deviceProtocol>SIP</deviceProtocol>\n  <sipProfile><phoneLabel>Desk</phoneLabel></sipProfile>\n</device>\n' \
	>"$H/config/$DEV.cnf.xml"

HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
LOG=$TEST_TMP/serve.log
"$UCPKI" serve --listen 127.0.0.1 --capf-port 0 --tvs-port 0 --tftp-port 0 \
	--admin-port 0 --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$HTTPS_PORT" 30 && wait_port "$HTTP_PORT" 30; then pass "serve: HTTP and HTTPS"
else fail "serve: HTTP and HTTPS" "$(cat "$LOG")"; finish; fi

refuses "HTTPS before the phone holds an ITL" "the phone holds no ITL to check the server by" \
	phone fetch $DEV --server 127.0.0.1:$HTTPS_PORT --https
refuses "--tftp and --https together" "--tftp or --https, not both" \
	phone fetch $DEV --server 127.0.0.1:$HTTPS_PORT --https --tftp

ok "phone fetch over HTTP: the first ITL" phone fetch $DEV --server 127.0.0.1:$HTTP_PORT
contains "the ITL is installed" "$OUT" "ITL installed"

ok "phone fetch over HTTPS" phone fetch $DEV --server 127.0.0.1:$HTTPS_PORT --https
contains "the server is checked by the ITL held" "$OUT" "HTTPS: the server must be a TFTP record of"
contains "the ITL over HTTPS" "$OUT" "ITLFile.tlv: "
contains "bytes over HTTPS" "$OUT" "bytes over HTTPS"
contains "the plain configuration, vouched for by TLS" "$OUT" "$DEV.cnf.xml.sgn: the plain configuration, vouched for by the server the ITL names"
check "the phone keeps its configuration" grep -q "<phoneLabel>Desk</phoneLabel>" "$H/phones/$DEV/$DEV.cnf.xml"
run phone fetch $DEV --server "[::1]:$HTTPS_PORT" --https
check "[::1]:PORT is understood (a connection error, not a parse error)" test "$RC" -ne 0
lacks "no HOST:PORT complaint for [::1]:PORT" "$ERR" "expected HOST:PORT"
ok "device show" device show $DEV
contains "the fetch is recorded over https" "$OUT" "https"

# A server of another cluster: its CallManager-ECDSA is in no record of
# the phone's ITL, as a phone moved without an ITL reset sees it.
OTHER_HTTPS=$(free_port)
LOG2=$TEST_TMP/other.log
"$UCPKI" --home "$OTHER" serve --listen 127.0.0.1 --capf-port 0 --tvs-port 0 --tftp-port 0 \
	--admin-port 0 --http-port 0 --https-port "$OTHER_HTTPS" >"$LOG2" 2>&1 &
SERVER2=$!
on_exit_kill $SERVER2
if wait_port "$OTHER_HTTPS" 30; then pass "the other cluster serves HTTPS"
else fail "the other cluster serves HTTPS" "$(cat "$LOG2")"; finish; fi
cp "$H/phones/$DEV/$DEV.cnf.xml" "$TEST_TMP/before.xml"
refuses "a server the ITL does not vouch for is refused" "certificate (/CN=other.example.test-EC) is no TFTP record of the phone's ITL" \
	phone fetch $DEV --server 127.0.0.1:$OTHER_HTTPS --https
check "and nothing it had is replaced" cmp "$TEST_TMP/before.xml" "$H/phones/$DEV/$DEV.cnf.xml"
# curl, not a phone, can still reach it (the refusal is the phone's check).
code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$OTHER_HTTPS/ITLFile.tlv")
check "the other server does serve" test "$code" = 200
stop_server "serve (other)" "$SERVER2" "$LOG2"
stop_server "serve" "$SERVER" "$LOG"

finish
