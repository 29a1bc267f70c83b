#!/usr/bin/env bash
# Kamailio 5.6 with its TLS module, configured with the snippets of
# docs/integrations.md from ucpki's exports (server certificate: the
# CallManager identity; phones verified against the CallManager-trust
# bundle, a certificate required).  A simulated phone registers over
# SIP-TLS with its LSC (a real REGISTER, a real 200); another device
# presenting that LSC gets 403; a foreign cluster's LSC is refused with
# unknown CA; a MIC registers once the manufacturing CA is trusted (the
# bundle is kept current and the reload command reloads Kamailio); a
# 7900 (TLS 1.0) registers with the 79xx settings; and the phone refuses
# a Kamailio whose certificate is not in its ITL.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/peers_lib.sh"
need kamailio kamcmd

H=$UCPKI_HOME
F=$TEST_TMP/foreign
ok "init" init --node cucm.example.test
ok "foreign cluster" --home "$F" init --node cucm.other.test
enroll "$H" SEP0000000000A1
enroll "$F" SEP0000000000F1
ok "a phone with only its MIC" phone make SEP0000000000B1
ok "the stand-in manufacturing CA" phone mfg init

# --- Kamailio from the doc's snippets ----------------------------------------------
K=$TEST_TMP/kamailio
mkdir -p "$K"
KPORT=$(free_port)
SUBST="s|/var/lib/ucpki|$H|g; s|/etc/kamailio|$K|g; s|/run/kamailio|$K|g; s|0\.0\.0\.0:5061|127.0.0.1:$KPORT|g"
snippet kamailio.cfg | sed -e "$SUBST" >"$K/kamailio.cfg"
snippet tls.cfg | sed -e "$SUBST" >"$K/tls.cfg"
check "the doc has kamailio.cfg" grep -q 'loadmodule "tls.so"' "$K/kamailio.cfg"
check "the doc has tls.cfg" grep -q 'require_certificate = yes' "$K/tls.cfg"
run_doc_commands kamailio-setup "$SUBST"
check "the key is 0600" test "$(stat -c %a "$H/export/CallManager.key")" = 600

# start_kamailio DIR PORT: in the foreground (-DD), logging to DIR/log.
start_kamailio() {
	kamailio -f "$1/kamailio.cfg" -DD -E -w "$1" -Y "$1" -m 32 -M 4 >"$1/log" 2>&1 &
	on_exit_kill $!
	if ! wait_port "$2" 20; then
		fail "kamailio listens on $2" "$(tail -n 30 "$1/log")"
		finish
	fi
	pass "kamailio listens on $2"
}
start_kamailio "$K" "$KPORT"
S=127.0.0.1:$KPORT

# --- registering -----------------------------------------------------------------------
peer_ok "an LSC registers" "$K/log" phone register SEP0000000000A1 --server "$S" --sip
contains "with its LSC" "$OUT" "cert [LSC]"
contains "Kamailio answers 200" "$OUT" "SIP response: SIP/2.0 200 OK"
contains "registered" "$OUT" "SEP0000000000A1: Registered"

cp -r "$H/phones/SEP0000000000A1" "$H/phones/SEP0000000000A9"
peer_refuses "another device with that LSC" "$K/log" "403 Certificate Does Not Name This Device" \
	phone register SEP0000000000A9 --server "$S" --sip
check "Kamailio says why" grep -q "REGISTER from SEP0000000000A9 refused: certificate CN SEP0000000000A1" "$K/log"

peer_refuses "a foreign cluster's LSC" "$K/log" "the server rejected the phone's LSC (unknown CA)" \
	--home "$F" phone register SEP0000000000F1 --server "$S" --sip
contains "as the phone's console says" "$OUT" "alert [read]:[fatal]:[unknown CA]"
check "Kamailio logs the failed verification" grep -q "certificate verify failed" "$K/log"

# --- a MIC, once the manufacturing CA is trusted -----------------------------------------
peer_refuses "a MIC, manufacturing CA not trusted" "$K/log" "rejected the phone's MIC (unknown CA)" \
	phone register SEP0000000000B1 --server "$S" --sip
ok "trust the manufacturing CA" trust add CallManager-trust "$H/phones/mfg/mfg-ca.pem"
# CallManager and CallManager-ECDSA, CAPF, the manufacturing CA.
contains "the bundle is rewritten" "$ERR" "export: $H/export/CallManager-trust.pem rewritten (4 certificate(s)"
contains "the reload command runs" "$ERR" "reload command: exit 0"
contains "and Kamailio reloads" "$OUT" "TLS configuration reloaded"
peer_ok "the MIC registers" "$K/log" phone register SEP0000000000B1 --server "$S" --sip
contains "with its MIC" "$OUT" "cert [MIC]"
contains "200 again" "$OUT" "SIP/2.0 200 OK"

# --- a 7900-series phone (TLS 1.0) ---------------------------------------------------------
peer_refuses "TLS 1.0 with the default settings" "$K/log" "protocol version" \
	phone register SEP0000000000A1 --server "$S" --sip --tls1
awk -v repl="$(snippet tls.cfg-79xx)" '/^method = / && !done { print repl; done = 1; next } { print }' \
	"$K/tls.cfg" >"$K/tls.cfg.new" && mv "$K/tls.cfg.new" "$K/tls.cfg"
check "the 79xx settings are in" grep -q "SECLEVEL=0" "$K/tls.cfg"
check "tls.reload" kamcmd -s "unix:$K/kamailio_ctl" tls.reload
peer_ok "a 7900 registers over TLS 1.0" "$K/log" phone register SEP0000000000A1 --server "$S" --sip --tls1
contains "TLS 1.0" "$OUT" "[TLSv1], cert [LSC]"

# --- the phone checks the server against its ITL ---------------------------------------------
ok "the phone trusts the cluster's ITL" phone itl SEP0000000000A1 "$H/tftp/ITLFile.tlv"
peer_ok "the cluster's Kamailio is in the ITL" "$K/log" phone register SEP0000000000A1 --server "$S" --sip
contains "as CCM+TFTP" "$OUT" "server certificate is ITL record"
# A second Kamailio presents the foreign cluster's CallManager but
# accepts this cluster's phones.
ok "the foreign CallManager, exported" --home "$F" cert export CallManager --stable
K2=$TEST_TMP/kamailio-other
mkdir -p "$K2"
K2PORT=$(free_port)
SUBST2="s|/var/lib/ucpki|$F|g; s|/etc/kamailio|$K2|g; s|/run/kamailio|$K2|g; s|0\.0\.0\.0:5061|127.0.0.1:$K2PORT|g"
snippet kamailio.cfg | sed -e "$SUBST2" >"$K2/kamailio.cfg"
snippet tls.cfg | sed -e "$SUBST2" -e "s|^ca_list = .*|ca_list = $H/export/CallManager-trust.pem|" >"$K2/tls.cfg"
start_kamailio "$K2" "$K2PORT"
peer_refuses "a Kamailio not in the ITL" "$K2/log" "neither a CCM record of the ITL" \
	phone register SEP0000000000A1 --server 127.0.0.1:"$K2PORT" --sip
lacks "no REGISTER is sent to it" "$OUT" "SIP REGISTER sent"
finish
