#!/usr/bin/env bash
# A home on PostgreSQL (issue 18): a real PostgreSQL 15 started for the
# test (tests/pg_lib.sh); `init --store postgresql://...` records the
# address in the home (never a password), every command and serve open
# the store from there, a simulated phone enrolls through serve's CAPF,
# and the LSC is in the database, byte for byte the phone's.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
pg_start_test
sql() { psql -qAt "$UCPKI_PG" -c "$1"; }

refuses "a password in the address is refused" \
	"init: --store: the address holds a password; put it in a passfile (PGPASSFILE or ~/.pgpass, mode 0600) instead" \
	--home "$TEST_TMP/pw" init --node cucm.example.test \
	--store "postgresql://ucpki:s3cret@127.0.0.1:$PG_PORT/ucpki"
lacks "the password is not repeated" "$ERR" "s3cret"
check "a refused init leaves no home" test ! -e "$TEST_TMP/pw/store"

ok "init --store" init --node cucm.example.test --org "Example Corp" --store "$UCPKI_PG"
check "the home records the address" test "$(cat "$H/store")" = "$UCPKI_PG"
check "the address file is 0600" test "$(stat -c %a "$H/store")" = 600
check "no SQLite file in the home" test ! -e "$H/ucpki.db"
check "the keys stay in the home" test -s "$H/keys/CAPF.key" -o -n "$(ls "$H/keys")"
check "the schema is migrated in PostgreSQL" test "$(sql 'SELECT max(version) FROM ucpki_schema')" -ge 9
check "the identities are in PostgreSQL" test "$(sql 'SELECT count(*) FROM identity')" -ge 5
refuses "init again on the same database is refused" \
	"init: $TEST_TMP/two: the store already holds a node's identities; a new home needs an empty database" \
	--home "$TEST_TMP/two" init --node cucm2.example.test --store "$UCPKI_PG"
UCPKI_STORE=$UCPKI_PG refuses "UCPKI_STORE is the default for --store (the same database)" \
	"init: $TEST_TMP/three: the store already holds a node's identities; a new home needs an empty database" \
	--home "$TEST_TMP/three" init --node cucm3.example.test

ok "cert list" cert list own
contains "cert list reads PostgreSQL" "$OUT" "CAPF/CAPF.pem"
ok "mfg CA" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem" --name mfg-ca
P=SEP001122334455
ok "device add" device add $P --model 8845
refuses "a duplicate device is told as such" "$P: device already exists" device add $P
ok "device set install" device set $P --operation install --auth null --key rsa2048
ok "phone make" phone make $P --model 8845

PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 \
	--tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 \
	--idle-timeout 3 --keygen-timeout 3 --handshake-timeout 2 \
	>"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$PORT" 30; then pass "serve listens on 127.0.0.1:$PORT"; else
	fail "serve listens" "$(cat "$W/serve.log")"; finish; fi

ok "the phone enrolls through serve's CAPF" phone capf $P --server "127.0.0.1:$PORT"
contains "LSC: Installed" "$OUT" "LSC: Installed"
check "device status 3 (Upgrade Success)" test "$(device_field $P status)" = 3
PHONE_LSC=$(openssl x509 -in "$H/phones/$P/lsc.pem" -outform DER | sha256sum | cut -d' ' -f1)
check "the LSC is in PostgreSQL's lsc table" test "$(sql "SELECT encode(sha256(cert_der), 'hex') FROM lsc WHERE device = '$P'")" = "$PHONE_LSC"
check "and is the device's current LSC" test "$(sql "SELECT encode(sha256(lsc_der), 'hex') FROM device WHERE name = '$P'")" = "$PHONE_LSC"
check "the history has the install" test "$(sql "SELECT count(*) FROM device_history WHERE device = '$P' AND operation = 1")" -ge 1
check "device show agrees" test "$(device_field $P lsc.sha256)" = "$PHONE_LSC"
# --- the database goes away and comes back while serve runs ---------------
pg_pause
refuses "a command while the database is down says so" \
	"$UCPKI_PG: connection to server at \"127.0.0.1\", port $PG_PORT failed: Connection refused" \
	cert list own
pg_resume
# serve's store watch reconnects on its own; wait (bounded) for its line.
for _ in $(seq 1 120); do
	grep -q "store: reconnected to PostgreSQL" "$W/serve.log" && break
	sleep 0.5
done
contains "serve said the database went" "$(cat "$W/serve.log")" "store: lost the connection to PostgreSQL at 127.0.0.1:$PG_PORT"
contains "and that it reconnected" "$(cat "$W/serve.log")" "store: reconnected to PostgreSQL at 127.0.0.1:$PG_PORT"
P2=SEP00AABBCCDD02
ok "device add after the restart" device add $P2 --model 8865
ok "device set install" device set $P2 --operation install --auth null
ok "phone make 2" phone make $P2 --model 8865
ok "a phone enrolls after the database came back" phone capf $P2 --server "127.0.0.1:$PORT"
check "its LSC is in PostgreSQL" test "$(sql "SELECT count(*) FROM lsc WHERE device = '$P2'")" = 1

ok "device revoke" device revoke $P
check "the revocation is in PostgreSQL" test "$(sql "SELECT count(*) FROM lsc WHERE device = '$P' AND revoked_at <> 0")" = 1
ok "device remove" device remove $P
check "the device is gone, its LSC kept" test "$(sql "SELECT count(*) FROM device WHERE name = '$P'"),$(sql "SELECT count(*) FROM lsc WHERE device = '$P'")" = "0,1"
lacks "serve logged no other store error" "$(grep -v 'PostgreSQL' "$W/serve.log")" "store:"
finish
