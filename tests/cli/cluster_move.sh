#!/usr/bin/env bash
# The seeds' most common case: a phone moved to a new cluster keeps its
# old LSC and fails TLS registration with "unknown CA".  A real TLS peer
# (openssl s_server) plays cluster B's CallManager with B's exported
# CallManager-trust.
source "$UCPKI_TESTLIB"

A=$TEST_TMP/clusterA
B=$TEST_TMP/clusterB
P=$TEST_TMP/phonehome
PHONE=SEP00AABBCCDDEE
W=$TEST_TMP/w
mkdir -p "$W"

ok "cluster A" --home "$A" init --node cucm-a.example.test
ok "cluster B" --home "$B" init --node cucm-b.example.test
ok "the phone" --home "$P" phone make $PHONE --model 8845

# --- enroll with cluster A ----------------------------------------------------------
ok "A: device" --home "$A" device add $PHONE
ok "A: schedule install" --home "$A" device set $PHONE --operation install --auth null
PORT_A=$(free_port)
"$UCPKI" --home "$A" serve --listen 127.0.0.1 --capf-port "$PORT_A" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/a.log" 2>&1 &
SERVER_A=$!
on_exit_kill $SERVER_A
check "A listening" wait_port "$PORT_A"
ok "enroll with A" --home "$P" phone capf $PHONE --server 127.0.0.1:$PORT_A
contains "LSC from A installed" "$OUT" "LSC: Installed"

# --- cluster B's CallManager, played by openssl s_server --------------------------------
ok "B: export CallManager-trust" --home "$B" trust export CallManager-trust --out "$W/b-bundle.pem"
ok "B: ITL" --home "$B" itl build --out "$W/b-itl.tlv"
"$UCPKI" --home "$B" cert show CallManager --pem >"$W/b-cm.pem"
SIP=$(free_port)
start_peer() {
	openssl s_server -accept "$SIP" -cert "$W/b-cm.pem" -key "$(ls "$B"/keys/CallManager-[0-9a-f]*.key)" \
		-Verify 1 -verify_return_error -CAfile "$W/b-bundle.pem" -www -quiet >"$W/s_server.log" 2>&1 &
	PEER=$!
	on_exit_kill $PEER
	wait_port "$SIP"
}
stop_peer() { kill "$PEER" 2>/dev/null; wait "$PEER" 2>/dev/null; }
check "B's CallManager listening" start_peer

refuses "registration with A's LSC fails" "not registered: the server rejected the phone's LSC (unknown CA)" \
	--home "$P" phone register $PHONE --server 127.0.0.1:$SIP --itl "$W/b-itl.tlv"
contains "the seeds' alert line" "$OUT" "-STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]"
# As in the seeds' console log: the phone logs the certificate it offers
# before the handshake's outcome, then the alert.
check "PXY_CERT_CIPHER, then the alert" python3 -c '
import sys
lines = sys.argv[1].splitlines()
cipher = [i for i, l in enumerate(lines) if "SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [LSC], cipher [" in l]
alert = [i for i, l in enumerate(lines) if "-STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]" in l]
assert len(cipher) == 1 and len(alert) == 1 and cipher[0] < alert[0], lines' "$OUT"
contains "not registered" "$OUT" "$PHONE: Not registered"
check "exit status 1" test "$RC" -eq 1

# --- force the MIC: delete the LSC on the phone ---------------------------------------------
ok "phone lsc delete" --home "$P" phone lsc $PHONE delete
refuses "the MIC is not trusted by B yet" "rejected the phone's MIC (unknown CA)" \
	--home "$P" phone register $PHONE --server 127.0.0.1:$SIP --itl "$W/b-itl.tlv"
contains "PXY_NO_LSC" "$OUT" "SECD: -PXY_NO_LSC: No LSC for [SIP], will try MIC"
ok "B trusts the manufacturing CA" --home "$B" trust add CallManager-trust "$P/phones/mfg/mfg-ca.pem"
ok "B: export again" --home "$B" trust export CallManager-trust --out "$W/b-bundle.pem"
stop_peer
check "B's CallManager restarted" start_peer
ok "registration with the MIC succeeds" --home "$P" phone register $PHONE --server 127.0.0.1:$SIP --itl "$W/b-itl.tlv"
contains "MIC presented" "$OUT" "SECD: -PXY_CERT_CIPHER: [SIP], [TLSv1.2], cert [MIC], cipher ["
contains "registered" "$OUT" "$PHONE: Registered"

# --- enroll with B's CAPF; the new LSC registers ---------------------------------------------
ok "B: device" --home "$B" device add $PHONE
ok "B: schedule install by MIC" --home "$B" device set $PHONE --operation install --auth mic
ok "B trusts the manufacturing CA for CAPF" --home "$B" trust add CAPF-trust "$P/phones/mfg/mfg-ca.pem"
ok "B trusts the SUDI CA" --home "$B" trust add CAPF-trust "$P/phones/mfg/sudi-ca.pem"
PORT_B=$(free_port)
"$UCPKI" --home "$B" serve --listen 127.0.0.1 --capf-port "$PORT_B" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$W/b.log" 2>&1 &
SERVER_B=$!
on_exit_kill $SERVER_B
check "B's CAPF listening" wait_port "$PORT_B"
ok "enroll with B (authenticated by the MIC, server checked by B's ITL)" --home "$P" phone capf $PHONE --server 127.0.0.1:$PORT_B --itl "$W/b-itl.tlv"
contains "LSC from B installed" "$OUT" "LSC: Installed"
ok "registration with B's LSC succeeds" --home "$P" phone register $PHONE --server 127.0.0.1:$SIP --itl "$W/b-itl.tlv"
contains "LSC presented" "$OUT" "cert [LSC]"
contains "registered with the LSC" "$OUT" "$PHONE: Registered"
refuses "a server not in the phone's ITL is refused" "neither a CCM record of the ITL nor vouched for by TVS" \
	--home "$P" phone register $PHONE --server 127.0.0.1:$SIP --itl "$UCPKI_VECTORS/ITLFile-sha1-v1.0.tlv"

stop_peer
stop_server "A" $SERVER_A "$W/a.log"
stop_server "B" $SERVER_B "$W/b.log"
finish
