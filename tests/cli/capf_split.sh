#!/usr/bin/env bash
# CAPF messages in pieces against `ucpki serve` (tests/cli/capf_split.py):
# a message that comes in two TCP segments is waited for and answered; a
# body that stops short is closed at the message timeout (1 s here), not
# at the key-generation timeout (an hour here).
source "$UCPKI_TESTLIB"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ok "init" init --node cucm.example.test
ok "add the device" device add SEP00112233AA01 --model 8845
PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --monitor-interval 0 --message-timeout 1 --idle-timeout 3600 --keygen-timeout 3600 \
    >"$TEST_TMP/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$PORT" 30; then pass "serve listens"; else
	fail "serve listens" "$(cat "$TEST_TMP/serve.log")"; finish; fi
OUT=$($PY "$TESTS_DIR/cli/capf_split.py" "$PORT" SEP00112233AA01 60 "$UCPKI" 2>&1)
RC=$?
printf '%s\n' "$OUT"
if [ $RC -eq 0 ]; then pass "split messages"; else fail "split messages" "$OUT"; fi
stop_server "serve" $SERVER "$TEST_TMP/serve.log"
finish
