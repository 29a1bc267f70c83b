#!/usr/bin/env bash
# A phone that holds a 512-bit LSC from another cluster's CAPF: its key
# cannot sign a SHA-512 proof, so it signs what it can (SIGNED_DATA
# alone), and still enrolls wherever the authentication mode allows.
source "$UCPKI_TESTLIB"

A=$TEST_TMP/clusterA
B=$TEST_TMP/clusterB
P=$TEST_TMP/phonehome
PHONE=SEP0000005120AA
W=$TEST_TMP/w
mkdir -p "$W"

ok "cluster A" --home "$A" init --node cucm-a.example.test
ok "cluster B" --home "$B" init --node cucm-b.example.test
ok "the phone" --home "$P" phone make $PHONE --model 7945
PA=$(free_port)
PB=$(free_port)
"$UCPKI" --home "$A" serve --listen 127.0.0.1 --capf-port "$PA" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --allow-rsa512 >"$W/a.log" 2>&1 &
SA=$!
on_exit_kill $SA
"$UCPKI" --home "$B" serve --listen 127.0.0.1 --capf-port "$PB" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/b.log" 2>&1 &
SB=$!
on_exit_kill $SB
check "A listening" wait_port "$PA"
check "B listening" wait_port "$PB"

lsc512_from_a() {
	"$UCPKI" --home "$A" device set $PHONE --operation install --auth null --key rsa512 >/dev/null &&
		"$UCPKI" --home "$P" phone capf $PHONE --server 127.0.0.1:$PA >/dev/null &&
		openssl x509 -in "$P/phones/$PHONE/lsc.pem" -noout -text | grep -q "Public-Key: (512 bit)"
}
ok "A: device" --home "$A" device add $PHONE --model 7945
check "the phone holds a 512-bit LSC from A" lsc512_from_a

# --- B, By Null String: the LSC goes with SIGNED_DATA only; B enrolls it ---------------------
ok "B: device" --home "$B" device add $PHONE --model 7945
ok "B: install, By Null String" --home "$B" device set $PHONE --operation install --auth null
ok "enrolls with B despite the 512-bit LSC" --home "$P" phone capf $PHONE --server 127.0.0.1:$PB
contains "installed" "$OUT" "LSC: Installed"
ok "B: device show" --home "$B" device show $PHONE
contains "B: upgrade success" "$OUT" "Upgrade Success"

# --- B, By Authentication String ---------------------------------------------------------------
check "a 512-bit LSC from A again" lsc512_from_a
ok "B: install, By Authentication String" --home "$B" device set $PHONE --operation install --auth string --auth-string 13579
ok "enrolls with the string" --home "$P" phone capf $PHONE --server 127.0.0.1:$PB --auth-string 13579
contains "installed (string)" "$OUT" "LSC: Installed"

# --- B, By Existing Certificate (Precedence to LSC) --------------------------------------------
check "a 512-bit LSC from A once more" lsc512_from_a
ok "B: install, By Existing Certificate (LSC)" --home "$B" device set $PHONE --operation install --auth lsc
refuses "A's CAPF not in B's CAPF-trust: the mode does not allow it" "the CAPF server ended the session" \
	--home "$P" phone capf $PHONE --server 127.0.0.1:$PB
ok "B: device show" --home "$B" device show $PHONE
contains "refused as an invalid LSC, not a malformed proof" "$OUT" "Invalid LSC"
"$UCPKI" --home "$A" cert show CAPF --pem >"$W/a-capf.pem"
ok "B trusts A's CAPF" --home "$B" trust add CAPF-trust "$W/a-capf.pem"
ok "B: install again" --home "$B" device set $PHONE --operation install --auth lsc
# An LSC authenticates only with the cluster that issued it to this device
# (docs/SECURITY.md): trusting A's CAPF does not make A's LSC B's.
refuses "B refuses A's LSC even with A's CAPF trusted" "the CAPF server ended the session" \
	--home "$P" phone capf $PHONE --server 127.0.0.1:$PB
# A issued it: there the 512-bit LSC authenticates with SIGNED_DATA alone.
check "the phone holds a 512-bit LSC from A again" lsc512_from_a
ok "A trusts the phone's SUDI CA" --home "$A" trust add CAPF-trust "$P/phones/mfg/sudi-ca.pem"
ok "A: install, By Existing Certificate (LSC), 2048-bit" --home "$A" device set $PHONE --operation install --auth lsc --key rsa2048
ok "the 512-bit LSC authenticates with SIGNED_DATA alone" --home "$P" phone capf $PHONE --server 127.0.0.1:$PA
contains "installed (LSC)" "$OUT" "LSC: Installed"
check "A's new LSC is 2048-bit" sh -c "openssl x509 -in '$P/phones/$PHONE/lsc.pem' -noout -text | grep -q 'Public-Key: (2048 bit)'"

stop_server "A" $SA "$W/a.log"
stop_server "B" $SB "$W/b.log"
finish
