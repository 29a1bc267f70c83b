#!/usr/bin/env bash
# Bad input to the CAPF server: short headers, wrong protocol id, wrong
# session id, lengths larger than the data, unknown tags, truncated
# elements, garbage keys, phones that vanish or stall.  The server stays
# up, the device gets the right failure status, nothing is half-written.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
PORT=$(free_port)
LOG=$TEST_TMP/serve.log
BAD="python3 $TESTS_DIR/capf_badclient.py $PORT"

ok "init" init --node cucm.example.test
ok "device" device add SEP0000000000C1
ok "phone" phone make SEP0000000000C1
schedule() { "$UCPKI" device set SEP0000000000C1 --operation install --auth null >/dev/null; }
status() { "$UCPKI" device show SEP0000000000C1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
schedule
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --keygen-timeout 2 --idle-timeout 2 --log-level debug >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "server listening" wait_port "$PORT"

expect() { # NAME EXPECTED CASE
	local got
	got=$($BAD "$3" 2>&1)
	if [ "$got" = "$2" ]; then pass "$1"; else fail "$1" "expected '$2', got '$got'"; fi
}

expect "short header, then gone" "sent" short-header
expect "wrong protocol id: END_SESSION 7" "end 7" wrong-protocol
expect "wrong session id: END_SESSION 7" "end 7" wrong-session
expect "length larger than the data" "sent" length-too-large
expect "length over the limit: END_SESSION 7" "end 7" length-over-limit
expect "unknown element: INVALID_ELEMENT" "end 7" unknown-tag
expect "truncated element: END_SESSION 7" "end 7" truncated-element
expect "a path as device name: unknown device" "end 9" bad-device-name
check "the path never reached the store" test "$(sqlite3 "$H/ucpki.db" "select count(*) from device where name like '%etc%'")" -eq 0

expect "garbage public key: END_SESSION 7" "end 7" garbage-key
check "Key Generation Failed/Timeout (14)" test "$(status)" = 14
schedule
expect "no public key: END_SESSION 7" "end 7" no-key
check "no key: Key Generation Failed/Timeout (14)" test "$(status)" = 14
schedule
expect "an EC key when RSA was asked" "end 7" wrong-key-type
check "wrong key type: Key Generation Failed/Timeout (14)" test "$(status)" = 14
schedule
expect "vanish mid-session" "sent" vanish
sleep 0.5
check "Phone Communication Failure (13)" test "$(status)" = 13
schedule
expect "stall in key generation: the server gives up" "closed" stall
check "stall: Key Generation Failed/Timeout (14)" test "$(status)" = 14
check "no LSC was half-issued" test "$(sqlite3 "$H/ucpki.db" "select count(*) from lsc")" -eq 0

# An EC key: the phone's keygen must fit the 2 s the stall case needs,
# also under the sanitizers on a busy machine (RSA-2048 may not).
"$UCPKI" device set SEP0000000000C1 --operation install --auth null --key ec256 --key-order ec >/dev/null
ok "a real phone still enrolls" phone capf SEP0000000000C1 --server 127.0.0.1:$PORT
check "Upgrade Success" test "$(status)" = 3
check "unknown elements are logged" grep -q "unknown element 99" "$LOG"
check "integrity_check ok" test "$(sqlite3 "$H/ucpki.db" 'PRAGMA integrity_check')" = ok
stop_server "server" $SERVER "$LOG"
finish
