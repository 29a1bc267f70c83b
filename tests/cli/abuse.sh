#!/usr/bin/env bash
# Abuse limits: idle connections (slowloris) closed by the handshake
# timeout, per-address and total connection caps, TLS 1.2+ by default and
# TLS 1.0 only with --tls1, no weak ciphers, keys readable by others
# refused, privileges dropped with --user, no secret in any log, and a
# file-size limit that fails cleanly.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
ok "init" init --node cucm.example.test
ok "phone" phone make SEP0000000000D1
ok "device" device add SEP0000000000D1
ok "schedule with a string" device set SEP0000000000D1 --operation install --auth string --auth-string 97531
PORT=$(free_port)
TVS=$(free_port)
LOG=$TEST_TMP/serve.log
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port "$TVS" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --handshake-timeout 2 --max-per-address 100 --log-level debug >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "listening" wait_port "$PORT"

# --- 5,000 idle connections from one address do not stop a real phone -------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FLOOD=5000
[ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 5200 ] && FLOOD=$(( $(ulimit -n) - 200 ))
python3 "$TESTS_DIR/idle_flood.py" "$PORT" "$FLOOD" 127.0.0.2 3 >"$TEST_TMP/flood.out" &
FLOOD_PID=$!
sleep 1
ok "a real phone enrolls during the flood" phone capf SEP0000000000D1 --server 127.0.0.1:$PORT --auth-string 97531
wait $FLOOD_PID
check "the flood ($FLOOD connections) was closed (cap and handshake timeout)" test "$(cat "$TEST_TMP/flood.out")" -ge $(( FLOOD - 100 ))
check "the per-address cap is logged" grep -q "from 127.0.0.2 refused: 100 from that address (limit)" "$LOG"

# --- TLS versions and ciphers ---------------------------------------------------------
check "TLS 1.2 accepted" bash -c "echo | openssl s_client -connect 127.0.0.1:$PORT -tls1_2 </dev/null 2>&1 | grep -q 'Protocol  *: TLSv1.2'"
check "TLS 1.0 refused by default" bash -c "echo | openssl s_client -connect 127.0.0.1:$PORT -tls1 -cipher 'DEFAULT@SECLEVEL=0' </dev/null 2>&1 | grep -q 'alert protocol version'"
check "3DES refused" bash -c "! (echo | openssl s_client -connect 127.0.0.1:$PORT -tls1_2 -cipher DES-CBC3-SHA </dev/null 2>&1 | grep -q 'Cipher is DES-CBC3-SHA')"
check "AES-CBC-SHA1 refused without --tls1" bash -c "! (echo | openssl s_client -connect 127.0.0.1:$PORT -tls1_2 -cipher AES128-SHA </dev/null 2>&1 | grep -q 'Cipher is AES128-SHA')"
stop_server "server" $SERVER "$LOG"

PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --tls1 --max-connections 20 --handshake-timeout 3 >"$TEST_TMP/tls1.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "listening with --tls1" wait_port "$PORT"
check "TLS 1.0 with AES256-SHA accepted with --tls1" bash -c "echo | openssl s_client -connect 127.0.0.1:$PORT -tls1 -cipher 'AES256-SHA@SECLEVEL=0' </dev/null 2>&1 | grep -q 'Cipher is AES256-SHA'"
ok "a 7900-series phone (TLS 1.0) enrolls" device set SEP0000000000D1 --operation install --auth null
ok "enroll over TLS 1.0" phone capf SEP0000000000D1 --server 127.0.0.1:$PORT --tls1
python3 "$TESTS_DIR/idle_flood.py" "$PORT" 40 127.0.0.3 1 >/dev/null
check "the total cap is logged" grep -q "20 connections (limit)" "$TEST_TMP/tls1.log"
stop_server "tls1 server" $SERVER "$TEST_TMP/tls1.log"

# --- keys readable by others are refused at start-up ----------------------------------
chmod 640 "$H"/keys/CAPF-*.key
refuses "a group-readable CAPF key" "private key is readable by group or others" serve --listen 127.0.0.1 --capf-port "$(free_port)" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0
chmod 600 "$H"/keys/CAPF-*.key

# --- --user drops privileges after binding ----------------------------------------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	PORT=$(free_port)
	"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --user nobody >"$TEST_TMP/user.log" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	check "listening as nobody" wait_port "$PORT"
	check "runs as nobody" test "$(awk '/^Uid:/ { print $2 }' /proc/$SERVER/status)" = "$(id -u nobody)"
	ok "schedule" device set SEP0000000000D1 --operation install --auth null
	ok "still enrolls after dropping privileges" phone capf SEP0000000000D1 --server 127.0.0.1:$PORT
	stop_server "nobody server" $SERVER "$TEST_TMP/user.log"
else
	pass "--user: skipped (not root or no user nobody)"
fi
refuses "an unknown user" "no such user" serve --listen 127.0.0.1 --capf-port "$(free_port)" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --user no-such-user-here

# --- no secret in any log -----------------------------------------------------------------
keyline=$(sed -n 2p "$H"/keys/CAPF-*.key)
for f in "$LOG" "$TEST_TMP/tls1.log" "$TEST_TMP/user.log"; do
	[ -f "$f" ] || continue
	check "$(basename "$f"): no authentication string" test "$(grep -c 97531 "$f")" -eq 0
	check "$(basename "$f"): no private key material" test "$(grep -c -e 'PRIVATE KEY' -e "$keyline" "$f")" -eq 0
done

# --- a file-size limit (a full disk): clear error, nothing corrupted -----------------------
python3 -c '
for i in range(1, 3001):
    print("SEP%012X,8845,install,null,,rsa2048," % (0xE00000 + i))' >"$TEST_TMP/many.csv"
before=$(home_digest)
run bash -c "ulimit -f 16; exec \"$UCPKI\" device import \"$TEST_TMP/many.csv\""
check "import under a 16 KiB file limit fails" test "$RC" -ne 0
contains "with a clear error" "$ERR" "ucpki: "
check "the store is intact" test "$(sqlite3 "$H/ucpki.db" 'PRAGMA integrity_check')" = ok
check "and unchanged" test "$before" = "$(home_digest)"
ok "the same import works without the limit" device import "$TEST_TMP/many.csv"
contains "3000 imported" "$OUT" "3000 devices imported"
finish
