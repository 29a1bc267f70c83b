#!/usr/bin/env bash
# --max-handshakes: more phones at once than TLS handshakes allowed per
# loop all complete (CAPF and TVS); a connection beyond the cap waits as a
# bare socket, its handshake deadline starting only when its handshake
# does; a parked connection that waits longer than --handshake-wait is
# closed with one line.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ok "init" init --node cucm.cap.test

CAPF=$(free_port)
TVS=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port "$TVS" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --loops 1 --workers 1 --max-handshakes 4 --monitor-interval 0 >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$CAPF"
ok "--help names the cap" serve --help
contains "--max-handshakes in --help" "$OUT$ERR" "--max-handshakes N"
contains "--handshake-wait in --help" "$OUT$ERR" "--handshake-wait S"

# --- ten times the cap, all at once ---------------------------------------------------------
ok "swarm: 40 phones at once, 4 handshakes at a time" phone swarm --capf 127.0.0.1:$CAPF -n 40 -c 40 --provision --json
check "all 40 enrolled, none failed" $PY -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["completed"]==40 and d["failed"]==0, d' "$OUT"
ok "swarm: 40 TVS clients at once" phone swarm --tvs 127.0.0.1:$TVS -n 40 -c 40 --requests 2
contains "all 40 TVS sessions completed" "$OUT" "completed:   40 of 40 (TVS verifications)"
lacks "no connection waited too long" "$(cat "$W/serve.log")" "TLS handshakes in progress"
stop_server "serve" $SERVER "$W/serve.log"

# --- the deadline starts with the handshake; the wait is bounded ---------------------------------
# One handshake at a time, 2 s each.  Two silent connections come first: the
# first holds the slot until its deadline (2 s), then the second has its
# own 2 s.  The phone behind them starts its handshake 4 s after it
# connected: it enrolls only if its deadline began then, not at accept.
P=SEP00AA00BB00CC
ok "make the phone" phone make $P --model 8845
ok "add the device" device add $P --model 8845
ok "set install" device set $P --operation install --auth null --key rsa2048
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --loops 1 --workers 1 --max-handshakes 1 --handshake-timeout 2 --handshake-wait 30 --monitor-interval 0 >"$W/order.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve (one handshake at a time) listening" wait_port "$CAPF"
# The port check above was a connection too: it has gone by now or goes first.
$PY - "$CAPF" "$W/silent.ready" <<'PY' &
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
open(ready, "w").close()
for s in socks:
    s.settimeout(30)
    try:
        s.recv(1)	# closed by the server: b"" or a reset
    except OSError:
        pass
PY
SILENT=$!
on_exit_kill $SILENT
check "two silent connections open" wait_file "$W/silent.ready"
ok "the phone behind them enrolls (deadline from its handshake's start)" phone capf $P --server 127.0.0.1:$CAPF
contains "its LSC installed" "$OUT" "LSC: Installed"
wait $SILENT
check "both silent connections were timed out in their handshakes" test "$(grep -c 'TLS handshake with .* timed out after 2 s' "$W/order.log")" -eq 2
stop_server "serve (one at a time)" $SERVER "$W/order.log"

# A parked connection waits --handshake-wait at most: the first silent
# connection holds the one slot (handshake 30 s), the second is closed
# after its 1 s wait with a line that names the limit.
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --loops 1 --workers 1 --max-handshakes 1 --handshake-timeout 30 --handshake-wait 1 --monitor-interval 0 >"$W/wait.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve (1 s wait) listening" wait_port "$CAPF"
run_waited() {
	$PY - "$CAPF" <<'PY'
import socket, sys
port = int(sys.argv[1])
first = socket.create_connection(("127.0.0.1", port))
second = socket.create_connection(("127.0.0.1", port))
second.settimeout(20)
try:
    got = second.recv(1)
except ConnectionResetError:
    got = b""
# Closed by the server while the first still holds the slot.
sys.exit(0 if got == b"" else 1)
PY
}
check "the parked connection is closed after its wait" run_waited
check "with a line naming the limit" grep -q "serve: CAPF: 127.0.0.1:[0-9]* closed: waited 1 s for one of 1 TLS handshakes in progress (--max-handshakes)" "$W/wait.log"
stop_server "serve (1 s wait)" $SERVER "$W/wait.log"
# A parked connection is a quiet one: a full server closes it for a new
# connection like any other that has said nothing.  Three connections
# fill the server; the first holds the one handshake and times out
# (2 s); the second starts its handshake and goes to the end of the quiet
# list, so the third, still parked, is the oldest quiet one when a fifth
# arrives.
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --loops 1 --workers 1 --max-handshakes 1 --handshake-timeout 2 --max-connections 3 --monitor-interval 0 >"$W/full.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve (3 connections) listening" wait_port "$CAPF"
$PY - "$CAPF" >"$W/evicted.port" <<'PY'
import socket, sys
port = int(sys.argv[1])
a, b, c = (socket.create_connection(("127.0.0.1", port)) for _ in range(3))
a.settimeout(20)
try:
    a.recv(1)	# its handshake timed out
except OSError:
    pass
d = socket.create_connection(("127.0.0.1", port))
e = socket.create_connection(("127.0.0.1", port))
c.settimeout(20)
try:
    got = c.recv(1)
except ConnectionResetError:
    got = b""
print(c.getsockname()[1])
sys.exit(0 if got == b"" else 1)
PY
check "the parked connection was closed for a new one" test $? -eq 0
check "and the line says which" grep -q "closed 127.0.0.1:$(cat "$W/evicted.port"), which had sent nothing" "$W/full.log"
stop_server "serve (3 connections)" $SERVER "$W/full.log"
finish
