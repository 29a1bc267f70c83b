#!/usr/bin/env bash
# The database goes away under a running serve (issue 18): the services
# answer from memory what they hold (TVS from its index, TFTP/HTTP the
# ITL and the signed files already built), CAPF asks phones to retry
# later with a line naming the database, serve says when the database
# went and when it is back, and a change made after is picked up.  A
# database that accepts connections and never answers (a hung server)
# does not stall the event loop that reconnects: TVS on that loop
# (one loop) keeps answering.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
V=$UCPKI_VECTORS
pg_start_test

ok "init --store" init --node cucm.example.test --store "$UCPKI_PG"
P=SEP0000000000A1
ok "device add" device add $P --model 8845
ok "device set install" device set $P --operation install --auth null
ok "phone make" phone make $P --model 8845
mkdir -p "$H/config"
printf '<device>\n  <fullConfig>true</fullConfig>\n  <deviceSecurityMode>2</deviceSecurityMode>\n</device>\n' >"$H/config/$P.cnf.xml"
for p in CallManager TVS; do "$UCPKI" cert show $p --pem >"$W/$p.pem"; done

CAPF_PORT=$(free_port)
TVS_PORT=$(free_port)
HTTP_PORT=$(free_port)
LOG=$W/serve.log
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$TVS_PORT" \
	--http-port "$HTTP_PORT" --tftp-port 0 --https-port 0 --admin-port 0 \
	--monitor-interval 0 --log-level debug --loops 1 >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$HTTP_PORT" 30 && wait_port "$TVS_PORT" 30; then pass "serve listens"; else
	fail "serve listens" "$(cat "$LOG")"; finish; fi
URL=http://127.0.0.1:$HTTP_PORT
S=127.0.0.1:$TVS_PORT

ok "TVS knows CallManager" tvs query "$W/CallManager.pem" --server $S
contains "valid" "$OUT" "Status: valid"
check "the ITL over HTTP" curl -sf -o "$W/itl-up.tlv" "$URL/ITLFile.tlv"
check "the signed configuration over HTTP" curl -sf -o "$W/cnf-up.sgn" "$URL/$P.cnf.xml.sgn"

# --- the database goes away ---------------------------------------------------
pg_pause
for _ in $(seq 1 40); do
	grep -q "store: lost the connection to PostgreSQL" "$LOG" && break
	sleep 0.25
done
contains "serve says the database went, naming it" "$(cat "$LOG")" \
	"store: lost the connection to PostgreSQL at 127.0.0.1:$PG_PORT (database ucpki); reconnecting"
ok "TVS still verifies from its index" tvs query "$W/CallManager.pem" --server $S
contains "still valid" "$OUT" "Status: valid"
ok "and TVS's own certificate" tvs query "$W/TVS.pem" --server $S --json
contains "with its role" "$OUT" '"roles":"TVS"'
check "the ITL is still served" curl -sf -o "$W/itl-down.tlv" "$URL/ITLFile.tlv"
check "the same ITL" cmp -s "$W/itl-up.tlv" "$W/itl-down.tlv"
check "the signed configuration is still served" curl -sf -o "$W/cnf-down.sgn" "$URL/$P.cnf.xml.sgn"
check "the same bytes as before" cmp -s "$W/cnf-up.sgn" "$W/cnf-down.sgn"
contains "serve says it serves them from memory" "$(cat "$LOG")" \
	"tftp: the store cannot be read ("
refuses "a phone's CAPF session is asked to retry later" "RETRY_LATER" \
	phone capf $P --server "127.0.0.1:$CAPF_PORT"
contains "CAPF's line names the database" "$(cat "$LOG")" \
	"capf: $P from 127.0.0.1:"
contains "and says retry" "$(grep "capf: $P from" "$LOG")" \
	"asked to retry later: $UCPKI_PG:"
lacks "not an unknown device" "$(cat "$LOG")" "unknown device"
check "serve is still running" kill -0 $SERVER

# --- it comes back -------------------------------------------------------------
pg_resume
for _ in $(seq 1 160); do
	grep -q "store: reconnected to PostgreSQL" "$LOG" && break
	sleep 0.25
done
contains "serve says it reconnected" "$(cat "$LOG")" \
	"store: reconnected to PostgreSQL at 127.0.0.1:$PG_PORT"
ok "a change after: tvs add" tvs add "$V/certs/app-server.pem" --role app-server
# The watch's own connection comes back at its next attempt: the back-off
# (1 s doubling) may have reached 30 s during the outage.
for _ in $(seq 1 180); do
	"$UCPKI" tvs query "$V/certs/app-server.pem" --server $S 2>/dev/null | grep -q "Status: valid" && break
	sleep 0.25
done
run tvs query "$V/certs/app-server.pem" --server $S
if [ "$RC" = 0 ] && grep -q "Status: valid" <<<"$OUT"; then
	pass "TVS knows the certificate added after the database came back"
else
	fail "TVS knows the certificate added after the database came back" \
		"$OUT" "$(grep -E 'store:|watch' "$LOG" | tail -20)"
fi
ok "the phone enrolls now" phone capf $P --server "127.0.0.1:$CAPF_PORT"
contains "LSC: Installed" "$OUT" "LSC: Installed"
grep -q "LSC: Installed" <<<"$OUT" || grep -E "capf|store|writer" "$LOG" | tail -30 | sed 's/^/  DEBUG /'

# --- a hung database: connections accepted, never answered ---------------------
lost=$(grep -c "store: lost the connection to PostgreSQL" "$LOG")
pg_pause
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
open(sys.argv[2], "w").close(); time.sleep(120)' "$PG_PORT" "$W/hung.ready" &
HUNG=$!
on_exit_kill $HUNG
check "a silent listener on the database's port" wait_file "$W/hung.ready" 10
# The watch finds the connection gone within a second and starts a
# reconnection that the silent server never completes; TVS, on the same
# event loop, answers throughout, for longer than an attempt lasts.
answered=0
for _ in $(seq 1 14); do
	timeout 5 "$UCPKI" tvs query "$W/CallManager.pem" --server $S 2>/dev/null |
		grep -q "Status: valid" && answered=$((answered + 1))
	sleep 0.5
done
check "TVS answered every query while the reconnection waited (14 of 14)" test "$answered" = 14
lost_again() { [ "$(grep -c "store: lost the connection to PostgreSQL" "$LOG")" -gt "$lost" ]; }
check "the attempt gave up, and serve said the database went" wait_until 20 lost_again
check "serve is still running" kill -0 $SERVER
kill $HUNG; wait $HUNG 2>/dev/null
back=$(grep -c "store: reconnected to PostgreSQL" "$LOG")
pg_resume
for _ in $(seq 1 160); do
	[ "$(grep -c "store: reconnected to PostgreSQL" "$LOG")" -gt "$back" ] && break
	sleep 0.25
done
check "and reconnected once it answered" \
	test "$(grep -c "store: reconnected to PostgreSQL" "$LOG")" -gt "$back"
finish
