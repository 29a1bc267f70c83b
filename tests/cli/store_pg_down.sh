#!/usr/bin/env bash
# The database goes away under a running serve (issue 18): the services
# answer from memory what they hold (TVS from its index, TFTP/HTTP the
# ITL and the signed files already built), CAPF asks phones to retry
# later with a line naming the database, serve says when the database
# went and when it is back, and a change made after is picked up.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
V=$UCPKI_VECTORS
if pg_start; then pass "PostgreSQL 15 started on 127.0.0.1"; else
	fail "PostgreSQL 15 started"; finish; fi

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
	--monitor-interval 0 --log-level debug >"$LOG" 2>&1 &
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
for _ in $(seq 1 40); do
	"$UCPKI" tvs query "$V/certs/app-server.pem" --server $S 2>/dev/null | grep -q "Status: valid" && break
	sleep 0.25
done
ok "TVS knows the certificate added after the database came back" \
	tvs query "$V/certs/app-server.pem" --server $S
contains "valid" "$OUT" "Status: valid"
ok "the phone enrolls now" phone capf $P --server "127.0.0.1:$CAPF_PORT"
contains "LSC: Installed" "$OUT" "LSC: Installed"
finish
