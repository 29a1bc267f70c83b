#!/usr/bin/env bash
# `ucpki import usecallmanager`: databases as every version of the
# usecallmanagernz tools left them (tests/ucm_makedb.py, the schemas from
# the public repository's history), holding real certificates made here
# with openssl; the dry run changes nothing; a column no version had, a
# broken file, a bad value are refused by name and change nothing; a
# phone holding an LSC from the old CAPF authenticates with it to ucpki.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
MAKEDB="python3 $TESTS_DIR/ucm_makedb.py"
PHONE=SEP001122334455
EC_PHONE=SEP0011223344EC

# --- the old CAPF (a CA, as capfd's --capf file: certificate and key) ----------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/capf.key" -out "$W/capf.crt" \
	-subj "/CN=capf.example.test/O=Example/C=NZ" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment" 2>/dev/null
cat "$W/capf.crt" "$W/capf.key" >"$W/capf.pem"
# LSCs as capfd issued them: CN the device, signed by the CAPF.
lsc() {	# NAME OUT (the key is OUT.key)
	openssl req -new -key "$W/$2.key" -out "$W/$2.csr" -subj "/CN=$1/O=Example/C=NZ" 2>/dev/null
	openssl x509 -req -in "$W/$2.csr" -CA "$W/capf.crt" -CAkey "$W/capf.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days 365 -out "$W/$2.pem" 2>/dev/null
}
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/lsc.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/lsc-ec.key" 2>/dev/null
lsc $PHONE lsc
lsc $EC_PHONE lsc-ec
# What a fetch returned: a certificate from no CA of ours.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/foreign.key" -out "$W/foreign.pem" \
	-subj "/CN=SEP00112233FFFF" -days 365 2>/dev/null
# TVS certificates: a SIP server (CCM) and a web server (APP-SERVER).
for n in asterisk apache; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/$n.key" -out "$W/$n.pem" \
		-subj "/CN=$n.example.test" -days 365 2>/dev/null
done
check "certificates made" test -s "$W/lsc.pem" -a -s "$W/lsc-ec.pem" -a -s "$W/apache.pem"
sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-16; }
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2 | tr A-F a-f; }

# Rows in the words each version wrote (operation upper case before
# 8c0ed24; no authentication before 8596dd5; curve, then curve_name).
capf_rows() {	# VERSION
	local op_install=install op_none=none curve=curve_name
	case $1 in c0d3eb8) op_install=INSTALL; op_none=NONE;; 8c0ed24|8596dd5) curve=curve;; esac
	local ec='"key_size": 2048'
	[ "$1" != c0d3eb8 ] && ec="\"key_size\": null, \"$curve\": \"$( [ "$1" = 8c0ed24 ] && echo secp256k1 || echo secp256r1)\""
	cat <<-EOF
	[
	 {"device_name": "$PHONE", "operation": "$op_install", "authentication": "certificate",
	  "password": null, "key_size": 2048, "cert": "$W/lsc.pem"},
	 {"device_name": "$EC_PHONE", "operation": "$op_none", "authentication": "no password",
	  $ec, "cert": "$W/lsc-ec.pem"},
	 {"device_name": "SEP00112233FFFF", "operation": "$op_none", "authentication": "no password",
	  "key_size": 1024, "cert": "$W/foreign.pem"},
	 {"device_name": "SEP0011223344AB", "operation": "$op_install", "authentication": "password",
	  "password": "123456", "key_size": 4096}
	]
	EOF
}
tvs_rows() {
	cat <<-EOF
	[
	 {"cert": "$W/asterisk.pem", "roles": "CCM", "ttl": 3600},
	 {"cert": "$W/apache.pem", "roles": "APP-SERVER,TVS", "ttl": null}
	]
	EOF
}

# One initialised home, copied for each import (init makes six RSA keys).
ok "init" --home "$TEST_TMP/template" init --node cucm.example.test
fresh_home() { cp -a "$TEST_TMP/template" "$1"; }

# --- every capfctl version -----------------------------------------------------------
for v in c0d3eb8 8c0ed24 8596dd5 c6dedaf; do
	H=$TEST_TMP/h-$v
	capf_rows $v >"$W/rows-$v.json"
	check "$v: database built" $MAKEDB capf $v "$W/capf-$v.sqlite3" "$W/rows-$v.json"
	check "$v: a fresh home" fresh_home "$H"
	before=$(home_digest "$H")
	ok "$v: dry run" --home "$H" import usecallmanager --capf "$W/capf-$v.sqlite3" --capf-cert "$W/capf.pem" --dry-run
	contains "$v: the schema named" "$OUT" "capfctl's table of $v"
	contains "$v: dry run says so" "$OUT" "dry run, nothing changed: 4 devices (2 LSCs on record, 1 certificates kept as evidence)"
	contains "$v: the LSC it would record" "$OUT" "rsa2048, LSC on record (serial $(serial "$W/lsc.pem"))"
	check "$v: the dry run changed nothing" test "$before" = "$(home_digest "$H")"
	ok "$v: import" --home "$H" import usecallmanager --capf "$W/capf-$v.sqlite3" --capf-cert "$W/capf.pem"
	contains "$v: imported" "$OUT" "imported: 4 devices (2 LSCs on record, 1 certificates kept as evidence), 0 TVS certificates, the CAPF identity"
	contains "$v: the foreign certificate is evidence only" "$OUT" "device SEP00112233FFFF: none, null, rsa1024, certificate kept as evidence only"
	ok "$v: device show" --home "$H" device show $PHONE --json
	contains "$v: operation" "$OUT" '"operation":"install"'
	case $v in
	c0d3eb8|8c0ed24) contains "$v: no authentication column: null" "$OUT" '"auth_mode":"null"';;
	*) contains "$v: authentication certificate: by LSC" "$OUT" '"auth_mode":"lsc"';;
	esac
	contains "$v: LSC serial" "$OUT" "$(serial "$W/lsc.pem")"
	ok "$v: EC device" --home "$H" device show $EC_PHONE --json
	if [ $v = c0d3eb8 ]; then
		contains "$v: RSA (no curves yet)" "$OUT" '"key":"rsa2048"'
	else
		contains "$v: the curve (secp256k1 in 8c0ed24 meant P-256)" "$OUT" '"key":"ec256"'
	fi
	contains "$v: Upgrade Success" "$OUT" "Upgrade Success"
	ok "$v: password device" --home "$H" device show SEP0011223344AB --json
	contains "$v: by authentication string" "$OUT" '"auth_mode":"string"'
	contains "$v: rsa4096" "$OUT" '"key":"rsa4096"'
	ok "$v: again: nothing new" --home "$H" import usecallmanager --capf "$W/capf-$v.sqlite3" --capf-cert "$W/capf.pem"
	contains "$v: already on record" "$OUT" "LSC already on record"
	contains "$v: already the CAPF" "$OUT" "already the CAPF identity"
done
ok "capf report" --home "$TEST_TMP/h-c6dedaf" capf report --csv
contains "the report names the LSC's issuer" "$OUT" "$PHONE"

# --- the CAPF identity: the old one's key, and trusted where LSCs are judged ---------------
H=$TEST_TMP/h-c6dedaf
ok "cert show CAPF" --home "$H" cert show CAPF --pem
check "the CAPF identity is the old CAPF's certificate" test "$(printf '%s\n' "$OUT" | openssl x509 -outform DER | sha256sum)" = "$(openssl x509 -in "$W/capf.crt" -outform DER | sha256sum)"
check "with its key" cmp <(openssl pkey -in "$(ls "$H"/keys/CAPF-*.key)" -pubout) <(openssl pkey -in "$W/capf.key" -pubout)
for store in CAPF-trust CallManager-trust; do
	ok "$store export" --home "$H" trust export $store --out "$W/$store.pem"
	check "$store has the old CAPF" openssl verify -CAfile "$W/$store.pem" -partial_chain "$W/lsc.pem"
	check "$store keeps ucpki's own CAPF too" test "$(grep -c 'BEGIN CERT' "$W/$store.pem")" -ge 2
done

# TVS's answer for the CAPF's certificate is the one the old TVS gave.
printf '[{"cert": "%s", "roles": "CAPF", "ttl": 600}]\n' "$W/capf.crt" >"$W/tvs-capf.json"
$MAKEDB tvs 8c0ed24 "$W/tvs-capf.sqlite3" "$W/tvs-capf.json"
ok "the old TVS's entry for the CAPF" --home "$H" import usecallmanager --tvs "$W/tvs-capf.sqlite3"
contains "said to be a node identity" "$OUT" "(a node identity: TVS answers with these)"
ok "tvs list" --home "$H" tvs list
check "one answer for the CAPF, with the old TTL" test "$(grep -c "^$(sha "$W/capf.crt") .*CAPF *ttl 600$" <<<"$OUT")" = 1
check "and no other" test "$(grep -c "^$(sha "$W/capf.crt") " <<<"$OUT")" = 1

# --- TVS: every tvsctl version ------------------------------------------------------
tvs_rows >"$W/tvs-rows.json"
for v in 4a372ed c0d3eb8 ec141f0 8c0ed24; do
	H=$TEST_TMP/t-$v
	check "$v: tvs database built" $MAKEDB tvs $v "$W/tvs-$v.sqlite3" "$W/tvs-rows.json"
	check "$v: a fresh home" fresh_home "$H"
	before=$(home_digest "$H")
	ok "$v: dry run" --home "$H" import usecallmanager --tvs "$W/tvs-$v.sqlite3" --dry-run --json
	check "$v: the schema named" grep -qE "\"tvs_schema\":\\{\"commits\":\"[^\"]*$v" <<<"$OUT"
	check "$v: the dry run changed nothing" test "$before" = "$(home_digest "$H")"
	ok "$v: import" --home "$H" import usecallmanager --tvs "$W/tvs-$v.sqlite3"
	ok "$v: tvs list" --home "$H" tvs list
	check "$v: CCM with its TTL" grep -qE "^$(sha "$W/asterisk.pem") +asterisk.example.test +CCM +ttl 3600$" <<<"$OUT"
	check "$v: two roles, the default TTL for NULL" grep -qE "^$(sha "$W/apache.pem") +apache.example.test +APP-SERVER,TVS +ttl 86400$" <<<"$OUT"
done

# --- refusals: each names what surprised it, and changes nothing -------------------------
H=$TEST_TMP/refuse
check "a fresh home" fresh_home "$H"
before=$(home_digest "$H"); sqlite3 "$H/ucpki.db" .dump >"$W/before.sql"
python3 - "$W/extra.sqlite3" <<-'EOF'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute('CREATE TABLE devices (device_name TEXT PRIMARY KEY, operation TEXT NOT NULL, '
	           'authentication TEXT, password TEXT, key_size INTEGER, curve_name TEXT, certificate TEXT, '
	           'serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT, model TEXT) WITHOUT ROWID')
	db.commit()
EOF
refuses "a column no version had" "devices: column 'model' is not one any version of capfctl created" \
	--home "$H" import usecallmanager --capf "$W/extra.sqlite3"
python3 - "$W/mixed.sqlite3" <<-'EOF'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute('CREATE TABLE devices (device_name TEXT PRIMARY KEY, operation TEXT NOT NULL, '
	           'password TEXT, key_size INTEGER, curve_name TEXT, certificate TEXT, '
	           'serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT)')
	db.commit()
EOF
refuses "known columns in no version's mix" "no version of capfctl had these columns" \
	--home "$H" import usecallmanager --capf "$W/mixed.sqlite3"
# The README's upgrade steps reach a known version in another column order.
cp "$W/capf-c0d3eb8.sqlite3" "$W/upgraded.sqlite3"
python3 - "$W/upgraded.sqlite3" <<-'EOF'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute('ALTER TABLE devices ADD COLUMN curve TEXT')
	db.execute('UPDATE devices SET operation = LOWER(operation)')
	db.execute('ALTER TABLE devices ADD COLUMN authentication TEXT')
	db.execute('UPDATE devices SET authentication = CASE WHEN LENGTH(password) THEN "password" ELSE "no password" END')
	db.execute('ALTER TABLE devices RENAME COLUMN curve TO curve_name')
	db.commit()
EOF
ok "a database upgraded by the README's steps" --home "$H" import usecallmanager --capf "$W/upgraded.sqlite3" --capf-cert "$W/capf.pem" --dry-run
contains "read as c6dedaf's" "$OUT" "capfctl's table of c6dedaf"
contains "the README's step put the password in authentication: by string" "$OUT" "device SEP0011223344AB: install, string, rsa4096"
head -c 8192 /dev/urandom >"$W/broken.sqlite3"
refuses "a broken file" "broken.sqlite3: not a database SQLite can read" \
	--home "$H" import usecallmanager --capf "$W/broken.sqlite3"
head -c 3000 "$W/capf-c6dedaf.sqlite3" >"$W/truncated.sqlite3"
refuses "a truncated file" "truncated.sqlite3:" \
	--home "$H" import usecallmanager --capf "$W/truncated.sqlite3"
refuses "the TVS file given as --capf" "table 'certificates' is not one capfctl created" \
	--home "$H" import usecallmanager --capf "$W/tvs-ec141f0.sqlite3"
bad_row() {	# VERSION JSON NAME MESSAGE
	printf '%s\n' "$2" >"$W/bad.json"
	rm -f "$W/bad.sqlite3"
	$MAKEDB capf "$1" "$W/bad.sqlite3" "$W/bad.json"
	refuses "$3" "$4" --home "$H" import usecallmanager --capf "$W/bad.sqlite3" --capf-cert "$W/capf.pem"
}
bad_row c6dedaf '[{"device_name": "SEP0011223344AB", "operation": "install"},
	{"device_name": "SEP0011223344AC", "operation": "upgrade"}]' \
	"an unknown operation, by row" "bad.sqlite3: devices row 2: column operation: 'upgrade' is none of install, fetch, delete, none"
bad_row c6dedaf '[{"device_name": "SEP0011223344AB", "operation": "install", "authentication": "password", "password": "abcdef"}]' \
	"a password that is no authentication string" "column password: an authentication string is 4 to 10 digits"
lacks "the password is not repeated" "$ERR" "abcdef"
bad_row c6dedaf '[{"device_name": "SEP0011223344AB", "operation": "install", "curve_name": "secp256k1"}]' \
	"secp256k1 in curve_name" "column curve_name: 'secp256k1' is none of secp256r1, secp384r1, secp521r1"
bad_row c6dedaf '[{"device_name": "SEP0011223344AB", "operation": "install", "key_size": "2048x"}]' \
	"a key size that is text" "column key_size: TEXT, where the tool wrote an INTEGER"
bad_row c6dedaf '[{"device_name": "not-a-phone", "operation": "none"}]' \
	"a name that is no device" "column device_name: 'not-a-phone' is not a device name"
bad_row c6dedaf '[{"device_name": "SEP0011223344AB", "operation": "none"}, {"device_name": "sep0011223344ab", "operation": "none"}]' \
	"two rows for one device" "are both SEP0011223344AB"
bad_row c6dedaf "[{\"device_name\": \"$PHONE\", \"operation\": \"none\", \"cert\": \"$W/lsc.pem\", \"serial_number\": \"01\"}]" \
	"a serial number that is not the certificate's" "column serial_number: '01', but the certificate's serial number is"
printf '[{"device_name": "SEP0011223344AB", "operation": "none", "certificate": "not a certificate"}]\n' >"$W/bad.json"
rm -f "$W/bad.sqlite3"; $MAKEDB capf c6dedaf "$W/bad.sqlite3" "$W/bad.json"
refuses "a certificate that does not parse" "devices row 1: column certificate:" \
	--home "$H" import usecallmanager --capf "$W/bad.sqlite3"
printf '[{"cert": "%s", "roles": "CCM,PHONE"}]\n' "$W/asterisk.pem" >"$W/bad.json"
rm -f "$W/bad.sqlite3"; $MAKEDB tvs ec141f0 "$W/bad.sqlite3" "$W/bad.json"
refuses "an unknown TVS role" "certificates row 1: column roles: 'PHONE' is none of" \
	--home "$H" import usecallmanager --tvs "$W/bad.sqlite3"
python3 - "$W/bad.sqlite3" <<-'EOF'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute("UPDATE certificates SET roles = 'CCM', certificate_hash = '00' || substr(certificate_hash, 3)")
	db.commit()
EOF
refuses "a hash that is not the certificate's" "column certificate_hash:" \
	--home "$H" import usecallmanager --tvs "$W/bad.sqlite3"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/leaf.key" -out "$W/leaf.crt" -subj "/CN=leaf" \
	-addext "basicConstraints=critical,CA:FALSE" 2>/dev/null
cat "$W/leaf.crt" "$W/leaf.key" >"$W/leaf.pem"
refuses "a CAPF certificate that is no CA" "not a CA certificate" \
	--home "$H" import usecallmanager --capf-cert "$W/leaf.pem"
cat "$W/capf.crt" "$W/leaf.key" >"$W/mismatch.pem"
refuses "a key that is not the certificate's" "the key is not the certificate's" \
	--home "$H" import usecallmanager --capf-cert "$W/mismatch.pem"
# All or nothing: the CAPF and the good rows go back when a later row fails.
bad_row c6dedaf "[{\"device_name\": \"$PHONE\", \"operation\": \"none\", \"cert\": \"$W/lsc.pem\"},
	{\"device_name\": \"SEP0011223344AC\", \"operation\": \"upgrade\"}]" \
	"a bad row after good ones" "devices row 2: column operation"
refuses "nothing to import" "nothing to import" --home "$H" import usecallmanager
check "the refusals changed nothing" test "$before" = "$(home_digest "$H")" || { sqlite3 "$H/ucpki.db" .dump >"$W/after.sql"; diff "$W/before.sql" "$W/after.sql" | head -20; }
check "nothing written beside the foreign files" test -z "$(ls "$W" | grep -E 'sqlite3-(journal|wal|shm)$')"

# --- a phone holding the old CAPF's LSC authenticates with it ---------------------------
H=$TEST_TMP/h-c6dedaf
P=$TEST_TMP/phonehome
ok "the phone" --home "$P" phone make $PHONE --model 8845
ok "the phone's SUDI CA in CAPF-trust (as cluster_move.sh)" --home "$H" trust add CAPF-trust "$P/phones/mfg/sudi-ca.pem"
(umask 077; cat "$W/lsc.pem" "$W/lsc.key" >"$P/phones/$PHONE/lsc.pem")
PORT=$(free_port)
"$UCPKI" --home "$H" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "CAPF listening" wait_port "$PORT"
ok "the phone authenticates with the old CAPF's LSC and gets a new one" --home "$P" phone capf $PHONE --server 127.0.0.1:$PORT
contains "installed" "$OUT" "LSC: Installed"
ok "device show" --home "$H" device show $PHONE
contains "Upgrade Success" "$OUT" "Upgrade Success"
openssl x509 -in "$P/phones/$PHONE/lsc.pem" >"$W/new-lsc.pem"
check "the new LSC is signed by the imported CAPF" openssl verify -CAfile "$W/capf.crt" "$W/new-lsc.pem"
stop_server "serve" $SERVER "$W/serve.log"
finish
