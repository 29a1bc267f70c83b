#!/usr/bin/env bash
# cnf encrypt without --device-cert: the device's certificate comes from
# the store, its LSC when it has one, else its MIC; each round-trips
# through cnf decrypt with the phone's own key.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
PHONE=SEP001122334455
ok "init" init --node cucm.cnf.test
ok "the phone" phone make $PHONE --model 8845
MFG=$UCPKI_HOME/phones/mfg
ok "CAPF trusts the manufacturing CA" trust add CAPF-trust "$MFG/mfg-ca.pem"
ok "CAPF trusts the SUDI CA" trust add CAPF-trust "$MFG/sudi-ca.pem"
ok "device" device add $PHONE --model 8845
ok "install, By Existing Certificate (MIC)" device set $PHONE --operation install --auth mic
CAPF=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$CAPF"
ok "enroll with the MIC" phone capf $PHONE --server 127.0.0.1:$CAPF --mic
contains "LSC installed" "$OUT" "LSC: Installed"
stop_server "serve" $SERVER "$W/serve.log"

cp "$UCPKI_VECTORS/$PHONE.cnf.xml" "$W/$PHONE.cnf.xml"
ok "cnf encrypt without --device-cert" cnf encrypt "$W/$PHONE.cnf.xml"
contains "says it used the LSC" "$ERR" "$PHONE: encrypted for the device's LSC from the store"
ok "the phone decrypts it with its LSC's key" cnf decrypt "$W/$PHONE.cnf.xml.enc.sgn" --key "$UCPKI_HOME/phones/$PHONE/lsc.pem" --out "$W/lsc.xml"
check "the same configuration" cmp "$W/$PHONE.cnf.xml" "$W/lsc.xml"
refuses "not for the MIC's key" "cannot unwrap the key" cnf decrypt "$W/$PHONE.cnf.xml.enc.sgn" --key "$UCPKI_HOME/phones/$PHONE/mic.pem" --out "$W/x.xml"

# The LSC deleted (the store keeps the MIC it saw): the MIC is used.
ok "schedule a delete" device set $PHONE --operation delete
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/serve2.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening again" wait_port "$CAPF"
ok "the phone deletes its LSC" phone capf $PHONE --server 127.0.0.1:$CAPF
contains "LSC deleted" "$OUT" "LSC: Deleted"
stop_server "serve (delete)" $SERVER "$W/serve2.log"
ok "cnf encrypt: no LSC, so the MIC" cnf encrypt "$W/$PHONE.cnf.xml"
contains "says it used the MIC" "$ERR" "$PHONE: encrypted for the device's MIC from the store"
ok "the phone decrypts it with its MIC's key" cnf decrypt "$W/$PHONE.cnf.xml.enc.sgn" --key "$UCPKI_HOME/phones/$PHONE/mic.pem" --out "$W/mic.xml"
check "the same configuration (MIC)" cmp "$W/$PHONE.cnf.xml" "$W/mic.xml"

# Neither known, or no such device: refused with what to do.
ok "a device never enrolled" device add SEP0000000000BB
sed 's/SEP001122334455/SEP0000000000BB/g' "$W/$PHONE.cnf.xml" >"$W/SEP0000000000BB.cnf.xml"
refuses "nothing to encrypt for" "SEP0000000000BB: the store knows no LSC or MIC of this device (enroll it with CAPF first); or give --device-cert" \
	cnf encrypt "$W/SEP0000000000BB.cnf.xml"
sed 's/SEP001122334455/SEP0000000000CC/g' "$W/$PHONE.cnf.xml" >"$W/SEP0000000000CC.cnf.xml"
refuses "an unknown device" "SEP0000000000CC: no such device in the store; or give --device-cert" \
	cnf encrypt "$W/SEP0000000000CC.cnf.xml"
check "nothing written for it" test ! -e "$W/SEP0000000000CC.cnf.xml.enc.sgn"
finish
