#!/usr/bin/env bash
# `ucpki store migrate --to postgresql://...` (issue 18): a SQLite home
# with enrolled phones is copied into an empty PostgreSQL 15, verified
# (row counts, the SHA-256 of every certificate), and the home then runs
# on PostgreSQL: the same phones verify through TVS, fetch the same
# files, and `device show` says what it said.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
V=$UCPKI_VECTORS
same() { if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "$(diff "$2" "$3" | head -20)"; fi; }
sha_der() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }

ok "init (SQLite)" init --node cucm.example.test --org "Example Corp"
ok "mfg CA" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem" --name mfg-ca
ok "tvs add" tvs add "$V/certs/app-server.pem" --role app-server
PHONES="SEP0000000000A1 SEP0000000000A2"
mkdir -p "$H/config"
for P in $PHONES; do
	ok "device add $P" device add $P --model 8845
	ok "device set $P install" device set $P --operation install --auth null
	ok "phone make $P" phone make $P --model 8845
	printf '<device>\n  <fullConfig>true</fullConfig>\n  <deviceSecurityMode>2</deviceSecurityMode>\n</device>\n' >"$H/config/$P.cnf.xml"
done
"$UCPKI" cert show CallManager --pem >"$W/CallManager.pem"

# serve_home LOG: serve with CAPF, TVS and HTTP (the same ports each time:
# the configurations name them) (CAPF, TVS, URL).
CAPF=$(free_port); TVS=$(free_port); HTTP=$(free_port)
serve_home() {
	"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port "$TVS" \
		--http-port "$HTTP" --tftp-port 0 --https-port 0 --admin-port 0 \
		--monitor-interval 0 >"$1" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	if wait_port "$CAPF" 30 && wait_port "$TVS" 30 && wait_port "$HTTP" 30; then
		pass "serve listens"; else fail "serve listens" "$(cat "$1")"; finish; fi
	URL=http://127.0.0.1:$HTTP
}
# phones_answer TAG: each phone's TVS verification and files, into $W/TAG.*
phones_answer() {
	local tag=$1 P
	curl -sf -o "$W/$tag.itl" "$URL/ITLFile.tlv" || fail "$tag: ITL over HTTP"
	for P in $PHONES; do
		ok "$tag: $P verifies CallManager through TVS" tvs query "$W/CallManager.pem" \
			--server 127.0.0.1:$TVS --device CP-8845-$P --itl "$W/$tag.itl"
		contains "$tag: valid" "$OUT" "Status: valid"
		ok "$tag: $P fetches its files" phone fetch $P --server 127.0.0.1:$HTTP
		curl -sf -o "$W/$tag.$P.cnf.xml" "$URL/$P.cnf.xml" || fail "$tag: $P.cnf.xml"
	done
}
shown() { local P; for P in $PHONES; do "$UCPKI" device show $P --json >"$W/$1.$P.json"; done; }

serve_home "$W/serve-sqlite.log"
for P in $PHONES; do
	ok "$P enrolls through CAPF (SQLite)" phone capf $P --server 127.0.0.1:$CAPF
done
phones_answer before
for _ in $(seq 1 40); do grep -q "state = running" "$H/serve.status" 2>/dev/null && break; sleep 0.25; done
refuses "not while serve runs on the home" "store migrate: serve is running on $H (pid $SERVER); stop it first" \
	store migrate --to "postgresql://ucpki@127.0.0.1:1/ucpki"
kill $SERVER; wait $SERVER 2>/dev/null
shown before
check "no PostgreSQL yet: the home is SQLite" test -s "$H/ucpki.db" -a ! -e "$H/store"

pg_start_test
sql() { psql -qAt "$UCPKI_PG" -c "$1"; }

refuses "--to is required" "store migrate: --to ADDRESS is required" store migrate
refuses "a password in the address is refused" "the address holds a password" \
	store migrate --to "postgresql://ucpki:pw@127.0.0.1:$PG_PORT/ucpki"
ok "store migrate --dry-run" store migrate --to "$UCPKI_PG" --dry-run
contains "dry run says so" "$OUT" "dry run: rolled back"
check "the home is still SQLite" test -s "$H/ucpki.db" -a ! -e "$H/store"
check "nothing committed" test "$(sql 'SELECT count(*) FROM device')" = 0

ok "store migrate" store migrate --to "$UCPKI_PG" --json
echo "$OUT" >"$W/migrate.json"
check "verified, not a dry run" python3 - "$W/migrate.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["verified"] and not m["dry_run"], m
rows = {t["name"]: t["rows"] for t in m["tables"]}
assert rows["device"] == 2 and rows["lsc"] == 2, rows
assert rows["identity"] >= 6 and rows["trust"] >= 1 and rows["tvs_entry"] == 1, rows
assert rows["device_history"] >= 2 and rows["audit"] >= 1, rows
PY
for P in $PHONES; do
	lsc=$(sha_der "$H/phones/$P/lsc.pem")
	check "$P's LSC fingerprint is printed" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert any(f["column"] == "lsc.cert_der" and f["sha256"] == sys.argv[2] for f in m["fingerprints"])
assert any(f["column"] == "device.lsc_der" and f["key"] == sys.argv[3] and f["sha256"] == sys.argv[2] for f in m["fingerprints"])' \
		"$W/migrate.json" "$lsc" "$P"
	check "$P's LSC is in PostgreSQL" test "$(sql "SELECT encode(sha256(lsc_der), 'hex') FROM device WHERE name = '$P'")" = "$lsc"
done
for t in identity trust device lsc device_history tvs_entry audit meta; do
	check "$t: the same rows in PostgreSQL" test "$(sql "SELECT count(*) FROM $t")" = \
		"$(python3 -c 'import json,sys; print({t["name"]: t["rows"] for t in json.load(open(sys.argv[1]))["tables"]}[sys.argv[2]])' "$W/migrate.json" $t)"
done
shown after
check "the home names the database" test "$(cat "$H/store")" = "$UCPKI_PG"
check "the address file is 0600" test "$(stat -c %a "$H/store")" = 600
check "the SQLite file is kept as the backup" test -s "$H/ucpki.db.pre-migrate" -a ! -e "$H/ucpki.db"
contains "the backup is named" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sqlite_backup"])' "$W/migrate.json")" "$H/ucpki.db.pre-migrate"
check "the keys stay in the home" test -n "$(ls "$H/keys")"
refuses "a home on PostgreSQL is not migrated again" "the home is on PostgreSQL already" \
	store migrate --to "$UCPKI_PG"
ok "another SQLite home" --home "$TEST_TMP/other" init --node cucm2.example.test
refuses "a database that is not empty is refused" "not empty (" \
	--home "$TEST_TMP/other" store migrate --to "$UCPKI_PG"
check "the other home keeps its SQLite file" test -s "$TEST_TMP/other/ucpki.db" -a ! -e "$TEST_TMP/other/store"
ok "an identity added after: the numbering continues" trust add CAPF-trust "$V/certs/tvs.pem" --name later

serve_home "$W/serve-pg.log"
phones_answer after
check "the same ITL" cmp -s "$W/before.itl" "$W/after.itl"
for P in $PHONES; do
	same "$P: the same configuration file" "$W/before.$P.cnf.xml" "$W/after.$P.cnf.xml"
	same "$P: device show unchanged" "$W/before.$P.json" "$W/after.$P.json"
done
lacks "serve on PostgreSQL logged no store error" "$(cat "$W/serve-pg.log")" "store:"
finish
