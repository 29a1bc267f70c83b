#!/usr/bin/env bash
# What other servers read, checked with the openssl command line: cert
# export (certificate, chain, key, PKCS#12, the stable path kept current
# with the reload command), trust export (several stores as a bundle, the
# hashed directory named as `openssl rehash` names it, stale names
# removed), and CAPF's CRL: revoked by serial, by device, superseded,
# device removed, LSC deleted over CAPF; re-signed at half its period.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/peers_lib.sh"

H=$UCPKI_HOME
ok "init" init --node cucm.example.test
enroll "$H" SEP0000000000E1 SEP0000000000E2 SEP0000000000E3

# --- cert export ----------------------------------------------------------------------
ok "the certificate" cert export CallManager
check "is PEM" openssl x509 -noout -in <(printf '%s\n' "$OUT")
refuses "a key needs --out" "the export holds the private key: give --out FILE" cert export CallManager --key
run cert export CallManager --key --out -
check "--out - to a pipe" openssl pkey -noout -in <(printf '%s\n' "$OUT")
script -eqc "'$UCPKI' cert export CallManager --key --out -" /dev/null >"$TEST_TMP/tty.txt" 2>&1
check "--out - on a terminal is refused" grep -q "will not write the private key to a terminal" "$TEST_TMP/tty.txt"
lacks "and nothing of the key is shown" "$(cat "$TEST_TMP/tty.txt")" "PRIVATE KEY"
ok "the key to a file" cert export CallManager --key --out "$TEST_TMP/cm.key"
check "mode 0600" test "$(stat -c %a "$TEST_TMP/cm.key")" = 600
"$UCPKI" cert export CallManager >"$TEST_TMP/cm.pem"
check "the key is the certificate's" test "$(openssl pkey -in "$TEST_TMP/cm.key" -pubout)" = \
	"$(openssl x509 -in "$TEST_TMP/cm.pem" -noout -pubkey)"
refuses "one part per file" "--chain, --key and --pkcs12 each make their own file" cert export CallManager --chain --pkcs12 --out x
refuses "--password-file is for PKCS#12" "--password-file is for --pkcs12" cert export CallManager --password-file x
printf 's3cret pass\n' >"$TEST_TMP/pw"
ok "PKCS#12 with a password" cert export CallManager --pkcs12 --password-file "$TEST_TMP/pw" --out "$TEST_TMP/cm.p12"
check "mode 0600" test "$(stat -c %a "$TEST_TMP/cm.p12")" = 600
check "openssl opens it with the password" openssl pkcs12 -in "$TEST_TMP/cm.p12" -passin "file:$TEST_TMP/pw" -nodes -out "$TEST_TMP/p12.pem"
check "it holds the key" grep -q "PRIVATE KEY" "$TEST_TMP/p12.pem"
check "not with another password" test "$(openssl pkcs12 -in "$TEST_TMP/cm.p12" -passin pass:wrong -nodes 2>&1 | grep -c 'PRIVATE KEY')" -eq 0
lacks "the password is not echoed" "$ERR" "s3cret"
ok "PKCS#12 without a password" cert export CallManager --pkcs12 --out "$TEST_TMP/open.p12"
check "opens with none" openssl pkcs12 -in "$TEST_TMP/open.p12" -passin pass: -nodes -noout

# --chain: tomcat signed by a CA the trust store holds.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/root.key" -out "$TEST_TMP/root.pem" \
	-subj "/CN=Export Root CA" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
ok "csr tomcat" cert csr tomcat --out "$TEST_TMP/tomcat.csr"
openssl x509 -req -in "$TEST_TMP/tomcat.csr" -CA "$TEST_TMP/root.pem" -CAkey "$TEST_TMP/root.key" \
	-CAcreateserial -days 365 -copy_extensions copy -out "$TEST_TMP/tomcat.pem" 2>/dev/null
ok "trust the root" trust add tomcat-trust "$TEST_TMP/root.pem"
ok "upload" cert upload tomcat "$TEST_TMP/tomcat.pem"
ok "--chain" cert export tomcat --chain
check "two certificates" test "$(printf '%s\n' "$OUT" | grep -c 'BEGIN CERTIFICATE')" -eq 2
printf '%s\n' "$OUT" >"$TEST_TMP/chain.pem"
check "the second is the issuer" test "$(openssl crl2pkcs7 -nocrl -certfile "$TEST_TMP/chain.pem" | \
	openssl pkcs7 -print_certs -noout | grep -c 'issuer=CN = Export Root CA')" -eq 2

# --- the stable path, kept current --------------------------------------------------------
ok "reload command" config --reload-command "echo reloaded >>'$TEST_TMP/reloads'"
ok "--stable" cert export CallManager --stable
contains "names the certificate path" "$OUT" "$H/export/CallManager.pem"
contains "and the key path" "$OUT" "$H/export/CallManager.key (mode 0600)"
check "key 0600" test "$(stat -c %a "$H/export/CallManager.key")" = 600
check "matches the identity" cmp "$H/export/CallManager.pem" "$TEST_TMP/cm.pem"
ok "nothing changed: monitor" monitor --once
check "no reload when nothing changed" test ! -e "$TEST_TMP/reloads"
ok "regenerate CallManager" cert generate CallManager --yes
contains "the export is rewritten" "$ERR" "export: $H/export/CallManager.pem rewritten"
check "reloaded once" test "$(wc -l <"$TEST_TMP/reloads")" -eq 1
"$UCPKI" cert export CallManager >"$TEST_TMP/cm2.pem"
check "the same path holds the new certificate" cmp "$H/export/CallManager.pem" "$TEST_TMP/cm2.pem"
check "and its key" test "$(openssl pkey -in "$H/export/CallManager.key" -pubout)" = \
	"$(openssl x509 -in "$TEST_TMP/cm2.pem" -noout -pubkey)"

# --- trust export ---------------------------------------------------------------------------
ok "two stores in one bundle" trust export CallManager-trust CAPF-trust --once --out "$TEST_TMP/bundle.pem"
capf_n=$("$UCPKI" cert list trust CAPF-trust | grep -c pem)
cm_n=$("$UCPKI" cert list trust CallManager-trust | grep -c pem)
check "CAPF once though in both" test "$(grep -c 'BEGIN CERTIFICATE' "$TEST_TMP/bundle.pem")" -eq "$cm_n"
check "each labelled" grep -q "^# CallManager-trust/" "$TEST_TMP/bundle.pem"
refuses "unknown store" "Nope-trust: unknown trust store" trust export CallManager-trust Nope-trust
D=$TEST_TMP/ca-dir
ok "hashed directory" trust export CallManager-trust tomcat-trust --hashed-dir "$D"
contains "counts" "$ERR" "1 CRL(s) in $D"
mkdir "$TEST_TMP/rehash"
for f in "$D"/*; do cp "$f" "$TEST_TMP/rehash/$(basename "$f").pem"; done
openssl rehash "$TEST_TMP/rehash" 2>/dev/null
check "the names openssl rehash gives" test "$(cd "$D" && ls | sort)" = \
	"$(cd "$TEST_TMP/rehash" && find . -type l -printf '%f\n' | sort)"
LSC=$H/phones/SEP0000000000E1/lsc.pem
check "openssl verifies an LSC with CRL checking" openssl verify -CApath "$D" -crl_check "$LSC"
ok "config lists the exports" config
contains "the hashed directory" "$OUT" "export hashed $D CallManager-trust tomcat-trust"
contains "the stable identity" "$OUT" "export identity export/CallManager.pem CallManager"
lacks "not the --once bundle" "$OUT" "bundle.pem"
root_hash=$(openssl x509 -noout -hash -in "$TEST_TMP/root.pem")
check "the root is there" test -e "$D/$root_hash.0"
ok "delete it from tomcat-trust" trust delete tomcat-trust "Export Root CA" --force
check "its name is gone" test ! -e "$D/$root_hash.0"
touch "$D/README"
ok "a file of the administrator's" monitor --once
check "stays" test -e "$D/README"

# --- CAPF's CRL -----------------------------------------------------------------------------
crl_text() { openssl crl -inform DER -in "$H/tftp/CAPF.crl" -noout -text; }
serial() { openssl x509 -noout -serial -in "$H/phones/$1/lsc.pem" | cut -d= -f2; }
check "CAPF.crl in the TFTP root" test -s "$H/tftp/CAPF.crl"
"$UCPKI" cert export CAPF >"$TEST_TMP/capf.pem"
check "signed by CAPF" openssl crl -inform DER -in "$H/tftp/CAPF.crl" -CAfile "$TEST_TMP/capf.pem" -noout
contains "no revocations yet" "$(crl_text)" "No Revoked Certificates"

s1=$(serial SEP0000000000E1)
colons=$(printf '%s' "$s1" | sed 's/../&:/g; s/:$//')
ok "revoke by serial, with colons" capf revoke "$colons"
contains "one" "$OUT" "1 LSC(s) revoked"
contains "the CRL lists it" "$(crl_text)" "Serial Number: $s1"
contains "the directory is rewritten" "$ERR" "export: $D rewritten"
run_verify() { openssl verify -CApath "$D" -crl_check "$1" 2>&1; }
contains "openssl now refuses it" "$(run_verify "$LSC")" "certificate revoked"
ok "again" capf revoke "$s1"
contains "already" "$OUT" "0 LSC(s) revoked, 1 already were"
refuses "device revoke reads the same record" "SEP0000000000E1: no unrevoked LSC on record to revoke" device revoke SEP0000000000E1
refuses "an unknown serial" "abcdef: no LSC with this serial on record" capf revoke abcdef
refuses "neither" "xyz!: neither a device name nor an LSC serial" capf revoke 'xyz!'
ok "a device with no LSC" device add SEP0000000000EE
refuses "has none to revoke" "SEP0000000000EE: no LSC on record" capf revoke SEP0000000000EE

# superseded: E2 gets a second LSC, the first is revoked, the current stays.
s2_old=$(serial SEP0000000000E2)
ok "re-enroll E2" device set SEP0000000000E2 --operation install --auth null
port=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$port" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 >"$TEST_TMP/serve.log" 2>&1 &
SRV=$!
on_exit_kill $SRV
check "serve" wait_port "$port"
peer_ok "E2's second LSC" "$TEST_TMP/serve.log" phone capf SEP0000000000E2 --server 127.0.0.1:"$port"
ok "revoke the superseded" capf revoke SEP0000000000E2 --superseded
contains "one" "$OUT" "1 LSC(s) revoked"
contains "listed as superseded" "$(crl_text)" "Superseded"
contains "the old one" "$(crl_text)" "Serial Number: $s2_old"
check "the current LSC still verifies" openssl verify -CApath "$D" -crl_check "$H/phones/SEP0000000000E2/lsc.pem"

# the phone deletes its LSC over CAPF: revoked, and serve re-signs on SIGHUP.
s3=$(serial SEP0000000000E3)
ok "schedule a delete" device set SEP0000000000E3 --operation delete --auth null
peer_ok "the phone deletes its LSC" "$TEST_TMP/serve.log" phone capf SEP0000000000E3 --server 127.0.0.1:"$port"
kill -HUP $SRV
for _ in $(seq 100); do crl_text | grep -q "$s3" && break; sleep 0.1; done
contains "serve's CRL lists the deleted LSC" "$(crl_text)" "Serial Number: $s3"
contains "as Cessation Of Operation" "$(crl_text)" "Cessation Of Operation"
stop_server "serve" $SRV "$TEST_TMP/serve.log"
check "serve says it signed" grep -q "CAPF: CRL signed" "$TEST_TMP/serve.log"

# device remove revokes what is left.
s2=$(serial SEP0000000000E2)
ok "remove E2" device remove SEP0000000000E2
contains "says so" "$OUT" "SEP0000000000E2: removed (its issued LSCs stay on record; 1 revoked)"
contains "its current LSC is in the CRL" "$(crl_text)" "Serial Number: $s2"

# --- re-signed when less than half of the 7 days remains ------------------------------------
next() { openssl crl -inform DER -in "$H/tftp/CAPF.crl" -noout -nextupdate | cut -d= -f2; }
number() { crl_text | grep -A1 "CRL Number" | tail -1 | tr -d ' '; }
n0=$(number)
before=$(sha256sum <"$H/tftp/CAPF.crl")
now=$(date +%s)
UCPKI_NOW=$((now + 3 * 86400)) run monitor --once
check "3 days on: not re-signed" test "$before" = "$(sha256sum <"$H/tftp/CAPF.crl")"
UCPKI_NOW=$((now + 4 * 86400)) run monitor --once
contains "4 days on: re-signed" "$ERR" "CAPF: CRL signed"
check "valid 7 days from then" test "$(date -d "$(next)" +%s)" -ge $((now + 11 * 86400 - 60))
check "a higher CRL number" test "$(number)" -gt "$n0"
check "the reload command ran for the directory" test "$(wc -l <"$TEST_TMP/reloads")" -ge 3

# --- forgetting an export ----------------------------------------------------------------------
ok "forget the directory" config --forget-export "$D"
refuses "twice" "not an export kept current" config --forget-export "$D"
rm -rf "$D"
ok "revoke E1 again (a change)" device remove SEP0000000000E1
check "the forgotten directory stays gone" test ! -e "$D"
finish
