#!/usr/bin/env bash
# FreeRADIUS 3.2 EAP-TLS (802.1X) configured with the eap module of
# docs/integrations.md from ucpki's exports (ca_path = the hashed
# directory with CAPF's CRL, check_crl = yes), tried with eapol_test and
# the simulated phones' own key and certificate files: an LSC is
# accepted; a foreign cluster's LSC is rejected; a MIC is rejected until
# the administrator trusts the manufacturing CA (and adds its CRL); an LSC
# is rejected once `capf revoke` published it in the CRL.  The reload
# command restarts FreeRADIUS, as the doc's `systemctl restart` does.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/peers_lib.sh"
need freeradius eapol_test

H=$UCPKI_HOME
F=$TEST_TMP/foreign
ok "init" init --node cucm.example.test
ok "foreign cluster" --home "$F" init --node cucm.other.test
enroll "$H" SEP0000000000A1 SEP0000000000A2
enroll "$F" SEP0000000000F1
ok "a phone with only its MIC" phone make SEP0000000000B1
ok "the stand-in manufacturing CA" phone mfg init

# --- FreeRADIUS: the doc's eap module in a minimal radiusd.conf -----------------------
R=$TEST_TMP/raddb
mkdir -p "$R/log" "$R/run"
RPORT=$(free_port)
SUBST="s|/var/lib/ucpki|$H|g; s|systemctl restart freeradius|$R/restart|g"
snippet freeradius-eap | sed -e "$SUBST" >"$R/eap"
check "the doc has the eap module" grep -q "check_crl = yes" "$R/eap"
cat >"$R/radiusd.conf" <<CONF
# The test's scaffolding around the doc's eap module.
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
raddbdir = $R
confdir = \${raddbdir}
logdir = \${raddbdir}/log
run_dir = \${raddbdir}/run
libdir = /usr/lib/freeradius
pidfile = \${run_dir}/radiusd.pid
name = radiusd
max_request_time = 30
cleanup_delay = 0
hostname_lookups = no
log {
	destination = stderr
	auth = yes
}
security {
	allow_core_dumps = no
	reject_delay = 0
	status_server = no
}
thread pool {
	start_servers = 1
	max_servers = 2
	min_spare_servers = 1
	max_spare_servers = 2
}
client localhost {
	ipaddr = 127.0.0.1
	secret = testing123
}
modules {
\$INCLUDE \${raddbdir}/eap
}
server default {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = $RPORT
	}
	authorize {
		eap {
			ok = return
		}
	}
	authenticate {
		eap
	}
}
CONF
# What `systemctl restart freeradius` does, for the test's server: stop
# it, start it in the foreground (-X: its log says why it refuses), and
# return once it is ready.
cat >"$R/restart" <<SH
#!/bin/sh
if [ -s "$R/pid" ]; then
	kill "\$(cat "$R/pid")" 2>/dev/null
	while kill -0 "\$(cat "$R/pid")" 2>/dev/null; do sleep 0.1; done
fi
freeradius -X -d "$R" >"$R/log/radius.log" 2>&1 </dev/null &
echo \$! >"$R/pid"
i=0
while ! grep -q "Ready to process requests" "$R/log/radius.log"; do
	kill -0 "\$(cat "$R/pid")" 2>/dev/null || exit 1
	i=\$((i + 1)); [ \$i -gt 300 ] && exit 1
	sleep 0.1
done
SH
chmod +x "$R/restart"
trap 'kill "$(cat "$R/pid" 2>/dev/null)" 2>/dev/null; cleanup' EXIT

run_doc_commands freeradius-setup "$SUBST"
"$UCPKI" cert export CAPF --out "$TEST_TMP/capf.pem" 2>/dev/null
check "the hashed directory holds CAPF's CRL" openssl crl -noout -in \
	"$H/export/phones-ca/$(openssl x509 -noout -hash -in "$TEST_TMP/capf.pem").r0"
if ! "$R/restart"; then
	fail "freeradius starts" "$(tail -n 30 "$R/log/radius.log")"
	finish
fi
pass "freeradius starts"

# eap_conf NAME FILE: an eapol_test network block for a phone's files.
eap_conf() {
	cat >"$TEST_TMP/$1.eap" <<NET
network={
	key_mgmt=IEEE8021X
	eap=TLS
	identity="$1"
	client_cert="$2"
	private_key="$2"
	eapol_flags=0
}
NET
}
eap_conf SEP0000000000A1 "$H/phones/SEP0000000000A1/lsc.pem"
eap_conf SEP0000000000A2 "$H/phones/SEP0000000000A2/lsc.pem"
eap_conf SEP0000000000F1 "$F/phones/SEP0000000000F1/lsc.pem"
eap_conf CP-8845-SEP0000000000B1 "$H/phones/SEP0000000000B1/mic.pem"

# eap NAME WHO: eapol_test as WHO; sets RC and LOGIN (the server's verdict).
eap() {
	eapol_test -c "$TEST_TMP/$2.eap" -a 127.0.0.1 -p "$RPORT" -s testing123 \
	    -r 0 -t 10 >"$TEST_TMP/eapol.log" 2>&1
	RC=$?
	LOGIN=$(grep -E "Login (OK|incorrect).*\[$2\]" "$R/log/radius.log" | tail -n 1)
}
eap_accepts() {
	eap "$@"
	if [ "$RC" -eq 0 ] && [[ "$LOGIN" == *"Login OK"* ]]; then pass "$1"; else
		fail "$1" "eapol_test exit $RC: $(tail -n 3 "$TEST_TMP/eapol.log")" \
		    "--- FreeRADIUS:" "$(grep -E "ERROR|Login" "$R/log/radius.log" | tail -n 15)"; fi
}
# eap_rejects NAME WHO REASON: rejected, and FreeRADIUS says REASON.
eap_rejects() {
	eap "$1" "$2"
	if [ "$RC" -ne 0 ] && [[ "$LOGIN" == *"Login incorrect"*"$3"* ]]; then pass "$1"; else
		fail "$1" "eapol_test exit $RC, wanted a reject for '$3'" \
		    "--- FreeRADIUS:" "$(grep -E "ERROR|Login" "$R/log/radius.log" | tail -n 15)"; fi
}

eap_accepts "an LSC is accepted" SEP0000000000A1
eap_accepts "another LSC" SEP0000000000A2
eap_rejects "a foreign cluster's LSC is rejected" SEP0000000000F1 "unable to get local issuer certificate"
eap_rejects "a MIC is rejected" CP-8845-SEP0000000000B1 "unable to get local issuer certificate"

# --- the administrator trusts the manufacturing CA -----------------------------------------
ok "trust the manufacturing CA" trust add CallManager-trust "$H/phones/mfg/mfg-ca.pem"
# CallManager-trust: the node's CallManager and CallManager-ECDSA, CAPF,
# and now the manufacturing CA.
contains "the hashed directory is rewritten" "$ERR" "export: $H/export/phones-ca rewritten (4 certificate(s), 1 CRL(s))"
contains "FreeRADIUS restarted" "$ERR" "reload command: exit 0"
eap_rejects "with check_crl, not without the manufacturer's CRL" CP-8845-SEP0000000000B1 "unable to get certificate CRL"
ok "add the manufacturer's CRL" crl add "$H/phones/mfg/mfg-ca.crl"
contains "the CRL joins the directory" "$ERR" "rewritten (4 certificate(s), 2 CRL(s))"
eap_accepts "now the MIC is accepted" CP-8845-SEP0000000000B1
eap_accepts "and the LSCs still are" SEP0000000000A1

# --- revocation -------------------------------------------------------------------------------
ok "revoke A1's LSC" capf revoke SEP0000000000A1
contains "one revoked" "$OUT" "SEP0000000000A1: 1 LSC(s) revoked"
contains "the CRL is re-signed" "$ERR" "CAPF: CRL signed and published to the TFTP root"
contains "and restarted FreeRADIUS" "$ERR" "reload command: exit 0"
eap_rejects "the revoked LSC is rejected" SEP0000000000A1 "certificate revoked"
eap_accepts "the other LSC is not" SEP0000000000A2
finish
