#!/usr/bin/env bash
# Change notification between two serve processes on one PostgreSQL
# (issue 18): a deletion committed by another process is gone from a
# running serve's TVS within one second, and it came by NOTIFY (the
# second serve's catch-up read is set to an hour, --store-poll 3600).
# The second home is a copy of the first's directory (its store address
# and keys): `node join` belongs to the nodes branch.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

A=$UCPKI_HOME
B=$TEST_TMP/home-b
W=$TEST_TMP/work
mkdir -p "$W"
V=$UCPKI_VECTORS
pg_start_test

ok "init --store" init --node cucm.example.test --store "$UCPKI_PG"
cp -a "$A" "$B"
check "the second home names the same database" test "$(cat "$B/store")" = "$UCPKI_PG"

serve_on() { # HOME TVS-PORT LOG [ARGS...]
	local home=$1 port=$2 log=$3
	shift 3
	"$UCPKI" --home "$home" serve --listen 127.0.0.1 --capf-port 0 \
		--tvs-port "$port" --http-port 0 --tftp-port 0 --https-port 0 \
		--admin-port 0 --monitor-interval 0 --loops 2 --log-level debug "$@" >"$log" 2>&1 &
	on_exit_kill $!
}
TVS_A=$(free_port)
TVS_B=$(free_port)
serve_on "$A" "$TVS_A" "$W/a.log"
serve_on "$B" "$TVS_B" "$W/b.log" --store-poll 3600
if wait_port "$TVS_A" 30 && wait_port "$TVS_B" 30; then pass "two serve processes on one database"; else
	fail "two serve processes" "$(cat "$W/a.log" "$W/b.log")"; finish; fi

# gone_within S SERVER CERT: polls the TVS at SERVER until CERT is unknown,
# for at most S seconds from the call.
gone_within() {
	local bound=$1 server=$2 cert=$3 start now
	start=$(date +%s%N)
	while :; do
		"$UCPKI" tvs query "$cert" --server "$server" 2>/dev/null | grep -q "Status: invalid" && return 0
		now=$(date +%s%N)
		[ $(( (now - start) / 1000000 )) -ge $(( bound * 1000 )) ] && return 1
		sleep 0.05
	done
}
known_within() {
	local bound=$1 server=$2 cert=$3 start now
	start=$(date +%s%N)
	while :; do
		"$UCPKI" tvs query "$cert" --server "$server" 2>/dev/null | grep -q "Status: valid" && return 0
		now=$(date +%s%N)
		[ $(( (now - start) / 1000000 )) -ge $(( bound * 1000 )) ] && return 1
		sleep 0.05
	done
}

CERT=$V/certs/app-server.pem
ok "tvs add through the first home" --home "$A" tvs add "$CERT" --role app-server
check "the second serve's TVS knows it within a second" known_within 1 "127.0.0.1:$TVS_B" "$CERT"
prefix=$(openssl x509 -in "$CERT" -outform DER | sha256sum | cut -c1-12)
ok "tvs remove through the first home" --home "$A" tvs remove "$prefix"
check "gone from the second serve's TVS within a second" gone_within 1 "127.0.0.1:$TVS_B" "$CERT"
check "and from the first's" gone_within 1 "127.0.0.1:$TVS_A" "$CERT"
contains "the second serve heard it by notification" "$(grep "store: generation" "$W/b.log")" " (notified)"
lacks "and read no generation after its start (poll: an hour)" \
	"$(grep 'store: generation' "$W/b.log")" "(read)"

# A trust store deletion reaches the other serve the same way.
ok "trust add" --home "$A" trust add CallManager-trust "$V/certs/tvs.pem" --name peer-tvs
ok "trust delete through the first home" --home "$A" trust delete CallManager-trust peer-tvs
gen=$(psql -qAt "$UCPKI_PG" -c 'SELECT value FROM generation')
for _ in $(seq 1 20); do
	grep -q "store: generation $gen (notified)" "$W/b.log" && break
	sleep 0.05
done
contains "the second serve saw the deletion's generation notified" \
	"$(cat "$W/b.log")" "store: generation $gen (notified)"
# Logged once the loops run (after the ports listen): read at the end.
contains "serve counts its connections: 2 loops, the writer, the watch" \
	"$(grep 'connections to PostgreSQL' "$W/b.log")" "serve: 4 connections to PostgreSQL (2 loops,"
finish
