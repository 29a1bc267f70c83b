#!/usr/bin/env bash
# Diagnostics: one fixture per finding of `check cert`, CSR and chain and
# trust store checks, the TLS probe against openssl s_server, captures
# recorded with tshark (tests/data/make-captures.sh), and phone logs.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
DATA=$TESTS_DIR/data
cd "$W"
mk() { # NAME SUBJECT DAYS [openssl req -addext ...] : self-signed cert+key
	local name=$1 subj=$2 days=$3
	shift 3
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.pem" \
		-subj "$subj" -days "$days" "$@" 2>/dev/null
}

# --- check cert: one fixture per finding ---------------------------------------------
mk good "/CN=expe.example.test" 365 -addext "subjectAltName=DNS:expe.example.test,DNS:example.test" \
	-addext "extendedKeyUsage=serverAuth,clientAuth"
ok "a good Expressway certificate" check cert good.pem --key good.key --role expressway-e --require-san example.test
contains "no errors" "$OUT" "0 error(s)"
mk serveronly "/CN=expc.example.test" 365 -addext "subjectAltName=DNS:expc.example.test" -addext "extendedKeyUsage=serverAuth"
refuses "Expressway needs client auth" "1 error(s) found" check cert serveronly.pem --role expressway-c
contains "the finding names the usage" "$OUT" "lacks TLS Web Client Authentication"
mk wild "/CN=*.example.test" 365 -addext "subjectAltName=DNS:*.example.test"
ok "wildcard is a warning" check cert wild.pem
contains "wildcard" "$OUT" "WARN  wildcard"
refuses "keys over 4096 bits" "error(s) found" check cert "$DATA/rsa8192.pem"
contains "key size finding" "$OUT" "the key is 8192 bits"
refuses "a SAN missing a needed name" "error(s) found" check cert good.pem --require-san chat.example.test
contains "names the missing name" "$OUT" "the SAN lacks chat.example.test"
mk mra "/CN=expe.example.test" 365 -addext "subjectAltName=DNS:expe.example.test,DNS:collab-edge.example.com" -addext "extendedKeyUsage=serverAuth,clientAuth"
ok "MRA: collab-edge.<domain> satisfies the domain" check cert mra.pem --role expressway-e --mra-domains example.com
refuses "MRA: a second domain missing" "error(s) found" check cert mra.pem --role expressway-e --mra-domains example.com,example.org
contains "names the MRA need" "$OUT" "MRA (Expressway-E) needs example.org or collab-edge.example.org in the SAN"
refuses "XMPP federation domain missing" "error(s) found" check cert mra.pem --xmpp-domains chat.example.com
contains "names the XMPP need" "$OUT" "XMPP federation (Expressway-E) needs chat.example.com"
refuses "security profile name missing" "error(s) found" check cert mra.pem --role expressway-c --security-profiles secure-8845.example.com
mk nocn "/CN=cucm.example.test" 365 -addext "subjectAltName=DNS:other.example.test"
ok "CN not in SAN" check cert nocn.pem
contains "cn-not-in-san" "$OUT" "the CN cucm.example.test is not repeated in the SAN"
mk oid "/CN=cucm.example.test/emailAddress=pki@example.test" 365
ok "unsupported subject OID" check cert oid.pem
contains "subject-oid" "$OUT" "does not support (emailAddress)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout old.key -out old.pem -subj "/CN=old.example.test" -days 1 -sha1 2>/dev/null
UCPKI_NOW=$(( $(date +%s) + 3 * 86400 )) run check cert old.pem
check "expired: exit 1" test "$RC" -eq 1
contains "expired" "$OUT" "ERROR expired"
contains "SHA-1" "$OUT" "signed with SHA-1"
UCPKI_NOW=$(( $(date +%s) - 3 * 86400 )) run check cert good.pem
contains "not yet valid" "$OUT" "not yet valid"
head -c -1 good.key >nonl.key
ok "key without a trailing newline" check cert good.pem --key nonl.key
contains "newline" "$OUT" "does not end with a newline"
refuses "key and certificate do not match" "error(s) found" check cert good.pem --key wild.key
contains "mismatch" "$OUT" "the private key does not match the certificate"
ok "check cert --json" check cert wild.pem --json
check "json findings" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["errors"]==0 and any(f["code"]=="wildcard" for f in d["findings"])' "$OUT"
refuses "unknown role" "--role boss" check cert good.pem --role boss

# --- check csr ---------------------------------------------------------------------------
openssl req -new -key good.key -subj "/CN=expe.example.test" -out good.csr 2>/dev/null
ok "the certificate belongs to the CSR" check csr good.csr --cert good.pem
refuses "CSR and certificate mismatch" "error(s) found" check csr good.csr --cert wild.pem
contains "the seeds' words" "$OUT" "CSR and certificate mismatch"

# --- check chain ----------------------------------------------------------------------------
mk root "/CN=Diag Root" 3650 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj "/CN=Diag Issuing CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n' >ca.ext
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3650 -extfile ca.ext -out int.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=leaf.example.test" 2>/dev/null
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 30 -out leaf.pem 2>/dev/null
refuses "missing intermediate" "error(s) found" check chain leaf.pem --ca root.pem
contains "names the missing issuer" "$OUT" "the issuer CN=Diag Issuing CA is missing"
cat leaf.pem int.pem >fullchain.pem
ok "full chain verifies" check chain fullchain.pem --ca root.pem
contains "shows the chain" "$OUT" "2: CN=Diag Root"
refuses "untrusted root" "error(s) found" check chain fullchain.pem --ca wild.pem
UCPKI_NOW=$(( $(date +%s) + 60 * 86400 )) run check chain fullchain.pem --ca root.pem
contains "expired link named" "$OUT" "CN=leaf.example.test in the chain has expired"

# --- check trust --------------------------------------------------------------------------------
ok "init" init --node cucm.example.test
ok "trust root" trust add tomcat-trust root.pem
openssl req -x509 -new -key root.key -subj "/CN=Diag Root" -days 3650 -out root2.pem 2>/dev/null
ok "trust the same CA re-issued (same subject and key)" trust add tomcat-trust root2.pem
ok "trust an old CA" trust add tomcat-trust old.pem
UCPKI_NOW=$(( $(date +%s) + 3 * 86400 )) run check trust tomcat-trust
check "check trust exits 1 with an expired CA" test "$RC" -eq 1
contains "expressway wording" "$OUT" "Expired certificates or CRLs detected"
contains "duplicates found" "$OUT" "are the same CA (subject and key)"
refuses "unknown store" "unknown trust store" check trust nosuch-trust

# --- probe against a real TLS server ---------------------------------------------------------------
P=$(free_port)
openssl s_server -accept "$P" -cert leaf.pem -cert_chain int.pem -key leaf.key -www -quiet >/dev/null 2>&1 &
on_exit_kill $!
check "s_server up" wait_port "$P"
ok "probe: trusted chain, right name" probe 127.0.0.1:$P --trust root.pem --name leaf.example.test
contains "chain shown" "$OUT" "1: CN=Diag Issuing CA"
contains "verified" "$OUT" "the server's chain verifies"
refuses "probe: wrong name" "error(s) found" probe 127.0.0.1:$P --trust root.pem --name cucm.example.test
contains "the Expressway wording" "$OUT" "Server presented certificate that does not match host cucm.example.test"
contains "names the CA file it verified against" "$OUT" "verified against root.pem (1 certificate)"
refuses "probe: untrusted" "error(s) found" probe 127.0.0.1:$P --trust wild.pem --name leaf.example.test
contains "the root is not trusted" "$OUT" "its issuer CN=Diag Root is neither presented by the server nor trusted"
ok "probe --trust with a store of the home" probe 127.0.0.1:$P --trust tomcat-trust --name leaf.example.test
contains "names the store it verified against" "$OUT" "verified against tomcat-trust of $UCPKI_HOME"
# Without --trust: the system's CA store, and the output says so.
refuses "probe without --trust: a private root is not in the system store" "error(s) found" \
	probe 127.0.0.1:$P --name leaf.example.test
contains "says it used the system's CA store" "$OUT" "verified against the system's CA store ("
SSL_CERT_FILE=$W/root.pem run probe 127.0.0.1:$P --name leaf.example.test
check "the system store as OpenSSL finds it (SSL_CERT_FILE)" test "$RC" -eq 0
contains "names the file the system store came from" "$OUT" "the server's chain verifies against the system's CA store ($W/root.pem,"
# A server that sends only its own certificate: the server's fault, not the client's trust.
N=$(free_port)
openssl s_server -accept "$N" -cert leaf.pem -key leaf.key -www -quiet >/dev/null 2>&1 &
on_exit_kill $!
check "s_server (no intermediate) up" wait_port "$N"
refuses "probe: the server left out its intermediate" "error(s) found" probe 127.0.0.1:$N --trust root.pem --name leaf.example.test
contains "says the server left it out" "$OUT" "the server left out its intermediate: it presented no certificate for its issuer CN=Diag Issuing CA"
contains "tells the server to send its chain" "$OUT" "configure the server to send its full chain"
lacks "does not blame the client's trust" "$OUT" "neither presented by the server nor trusted"
Q=$(free_port)
openssl s_server -accept "$Q" -cert leaf.pem -cert_chain int.pem -key leaf.key -Verify 1 -verify_return_error -CAfile root.pem -www -quiet >/dev/null 2>&1 &
on_exit_kill $!
check "s_server (client auth) up" wait_port "$Q"
refuses "probe with an untrusted client certificate" "error(s) found" probe 127.0.0.1:$Q --cert good.pem --key good.key --tls1_2 --name leaf.example.test
contains "tlsv1 alert unknown ca" "$OUT" "tlsv1 alert unknown ca"
refuses "probe nothing listening" "cannot connect" probe 127.0.0.1:1

# --- captures: each one as pcap and as pcapng (tshark's default) ----------------------------
for fmt in pcap pcapng; do
	ok "$fmt: MIC" pcap "$DATA/register-mic.$fmt"
	contains "$fmt: MIC presented" "$OUT" "the phone presented its MIC"
	ok "$fmt: LSC" pcap "$DATA/register-lsc.$fmt" --extract "$W/extracted-$fmt"
	contains "$fmt: LSC presented" "$OUT" "the phone presented its LSC"
	check "$fmt: certificates extracted as PEM" openssl x509 -in "$W/extracted-$fmt/conn1-client-0.pem" -noout
	ok "$fmt: unknown CA" pcap "$DATA/register-unknown-ca.$fmt" --json
	check "$fmt: alert from the server: unknown_ca" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); c=d["connections"][0]; assert d["packets"]==12 and c["server"]["alerts"][0]["description"]=="unknown_ca" and c["client"]["presented"]=="LSC"' "$OUT"
	ok "$fmt: TLS 1.3" pcap "$DATA/tls13.$fmt"
	contains "$fmt: reported as encrypted" "$OUT" "TLSv1.3: handshake encrypted"
	head -c 2000 "$DATA/register-lsc.$fmt" >cut.$fmt
	refuses "$fmt: truncated capture" "truncated capture" pcap cut.$fmt
done
check "both formats, the same findings" cmp <("$UCPKI" pcap "$DATA/register-lsc.pcap" --json) <("$UCPKI" pcap "$DATA/register-lsc.pcapng" --json)
run pcap - <"$DATA/register-unknown-ca.pcapng"
check "pcap - reads standard input" test "$RC" -eq 0
contains "named as standard input" "$OUT" "standard input: 12 packets, 1 TLS connection(s)"
contains "from standard input: the alert" "$OUT" "alert from the server (127.0.0.1:48469): fatal unknown_ca (48)"
head -c 500 /dev/urandom >junk.pcap
refuses "not a capture" "not a pcap or pcapng file" pcap junk.pcap
printf '\x0a\x0d\x0d\x0a' >ng.pcap
refuses "a pcapng header cut short" "not a pcap or pcapng file" pcap ng.pcap
: >empty.pcap
refuses "an empty file" "empty or shorter than a header" pcap empty.pcap

# --- phone logs (lines from the seeds) -----------------------------------------------------------
cat >phone.log <<'LOG'
4878 WRN 15:47:34.756063 SECD: -PXY_NO_LSC: No LSC for [SCCP], tries MIC.
3469 NOT 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC], cipher [AES256-SHA:AES128-SHA]
3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]
0478 INF Mar 12 15:07:53.695263 dnsmasq[12864]: reply PUB11.brianw2.lab is NXDOMAIN-IPv4
0637 ERR Mar 12 15:07:55.761984 (322:17812) SECUREAPP-SEC_CAPF_BIO_F: CAPF create bio failed
LSC: Connection Failed
16:02:10.765 | debug getCertificateInformation(cert) : certificate not found
LOG
ok "diagnose phone log" diagnose phone.log
for p in PXY_NO_LSC "PXY_CERT_CIPHER LSC" "SSL3 alert unknown CA" NXDOMAIN "CAPF create bio failed" "LSC: Connection Failed" "TVS certificate not found"; do
	contains "diagnose: $p" "$OUT" "$p"
done
contains "a fix is given" "$OUT" "fix: delete the LSC on the phone"
contains "then a summary" "$OUT" "summary: 7 causes in 7 lines:"
ok "diagnose --json" diagnose phone.log --json
check "seven findings" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==7' "$OUT"
# A phone retrying for minutes: the same two causes on 50 lines each.
for i in $(seq 1 50); do
	echo "3469 NOT 00:01:31.935298 SECD: -PXY_CERT_CIPHER: [SCCP], [TLSv1], cert [LSC], cipher [AES256-SHA:AES128-SHA]"
	echo "3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]"
	echo "3487 INF 00:01:32.000000 SECD: retrying"
done >retry.log
ok "diagnose a log that repeats" diagnose retry.log
check "each cause printed once" test "$(grep -c '^  cause: ' <<<"$OUT")" -eq 2
check "each fix printed once" test "$(grep -c '^  fix: ' <<<"$OUT")" -eq 2
contains "the lines it explains" "$OUT" "SSL3 alert unknown CA: 50 lines (2, 5, 8, 11,"
contains "the last of them" "$OUT" ", ... 149)"
contains "a few quoted" "$OUT" "  line 2: 3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT"
contains "the rest counted" "$OUT" "(47 more lines like these)"
contains "the summary" "$OUT" "summary: 2 causes in 100 lines: PXY_CERT_CIPHER LSC (50), SSL3 alert unknown CA (50)"
ok "diagnose --json of the repeats" diagnose retry.log --json
check "json: one entry per cause, with its lines" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [(c["pattern"],c["count"],c["lines"][:2],c["last_line"]) for c in d]==[("PXY_CERT_CIPHER LSC",50,[1,4],148),("SSL3 alert unknown CA",50,[2,5],149)]' "$OUT"
echo "2026-11-22T10:00:00Z INF capf: SEP001122334455 from 10.0.0.5:5000: Install/Upgrade, By Authentication String: Upgrade Failed: Invalid Authentication String: wrong authentication string" >ucpki.log
ok "diagnose ucpki's own log" diagnose ucpki.log
contains "string cause" "$OUT" "the string keyed in on the phone differs"
head -c 3000 /dev/urandom >binary.log
ok "diagnose survives binary junk" diagnose binary.log
finish
