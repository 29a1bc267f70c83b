#!/usr/bin/env bash
# Rules on the node's identities: key types a role cannot use are refused
# before anything changes, and the 5-minute CallManager/TVS guard starts
# at a regeneration or an upload, not at init.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
ok "init" init --node cucm.rules.test

# --- key types --------------------------------------------------------------------------------
expect_unchanged() { # NAME MESSAGE ARGS...
	local before
	before=$(home_digest)
	refuses "$@"
	check "$1: nothing changed" test "$before" = "$(home_digest)"
}
expect_unchanged "CallManager cannot be EC" "CallManager: cannot use an ec256 key: it signs the ITL, CTL and configuration files, which carry RSA signatures only; use rsa2048 (nothing was changed)" \
	cert generate CallManager --key ec256 --yes
expect_unchanged "ITLRecovery cannot be EC" "ITLRecovery: cannot use an ec384 key" cert generate ITLRecovery --key ec384 --yes
expect_unchanged "CAPF cannot be EC" "CAPF: cannot use an ec256 key: it signs the LSCs" cert generate CAPF --key ec256 --yes
expect_unchanged "TVS cannot be EC" "TVS: cannot use an ec521 key: phones reach it over TLS with RSA" cert generate TVS --key ec521 --yes
expect_unchanged "a file signer of a size files cannot carry" "CallManager: cannot use an rsa3072 key" cert generate CallManager --key rsa3072 --yes
expect_unchanged "refused before the confirmation" "cannot use an ec256 key" cert generate CallManager --key ec256
expect_unchanged "no EC CSR for CallManager either" "CallManager: cannot use an ec256 key" cert csr CallManager --key ec256 --out "$W/cm.csr"
check "no CSR written" test ! -e "$W/cm.csr"
ok "the ITL still signs" itl build --out "$W/itl.tlv"
ok "tomcat can be EC" cert generate tomcat --key ec256 --yes
contains "tomcat EC" "$("$UCPKI" cert show tomcat)" "EC 256 bits"
ok "TVS can be RSA 3072" cert generate TVS --key rsa3072 --yes

# --- the 5-minute guard ------------------------------------------------------------------------
ok "a fresh home" --home "$W/fresh" init --node cucm.fresh.test
ok "CallManager regenerates right after init" --home "$W/fresh" cert regenerate CallManager --yes
refuses "then TVS waits 5 minutes" "CallManager certificate was modified in the last 5 minutes. Please re-try regenerating TVS certificate at a later time" \
	--home "$W/fresh" cert regenerate TVS --yes
UCPKI_NOW=$(( $(date +%s) + 301 )) run --home "$W/fresh" cert regenerate TVS --yes
check "TVS after 5 minutes" test "$RC" -eq 0
# An upload starts the clock too.
ok "a second home" --home "$W/up" init --node cucm.up.test
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/root.key" -out "$W/root.pem" -subj "/CN=Rules Root" -days 30 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
ok "trust the root in TVS-trust" --home "$W/up" trust add TVS-trust "$W/root.pem"
ok "TVS CSR" --home "$W/up" cert csr TVS --out "$W/tvs.csr"
openssl x509 -req -in "$W/tvs.csr" -CA "$W/root.pem" -CAkey "$W/root.key" -CAcreateserial -days 20 -copy_extensions copy -out "$W/tvs.pem" 2>/dev/null
ok "upload the CA-signed TVS" --home "$W/up" cert upload TVS "$W/tvs.pem"
refuses "CallManager waits 5 minutes after the upload" "TVS certificate was modified in the last 5 minutes" \
	--home "$W/up" cert regenerate CallManager --yes
finish
