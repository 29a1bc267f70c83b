#!/usr/bin/env bash
# The TFTP service inside `ucpki serve`: HTTP and TFTP with real clients
# (curl, tftp-hpa), signed and encrypted configurations checked as phones
# check them, fetch records, limits, and the requests a server must refuse.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/w
mkdir -p "$W"
LOG=$TEST_TMP/serve.log
RAW="python3 $TESTS_DIR/tftp_rawclient.py"

ok "init" init --node cucm.example.test --org "Example Corp" --country NZ
ok "phone mfg init" phone mfg init
ok "trust the stand-in manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
ok "trust the stand-in SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem"
for p in SEP0000000000A1 SEP0000000000A2; do
	ok "phone make $p" phone make $p --model 8845
	ok "device add $p" device add $p --model 8845
done
# A3 never fetches anything.
ok "device add SEP0000000000A3" device add SEP0000000000A3 --model 8845

# The administrator's files, and things that must never be served.
mkdir -p "$H/config" "$H/tftp/Desktops/320x212"
cat >"$H/config/SEP0000000000A1.cnf.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <deviceSecurityMode>3</deviceSecurityMode>
  <transportLayerProtocol>2</transportLayerProtocol>
  <loadInformation>sip88xx.14-2-1-0001-14</loadInformation>
  <sipProfile><phoneLabel>Reception</phoneLabel></sipProfile>
</device>
XML
cp "$H/config/SEP0000000000A1.cnf.xml" "$H/config/SEP0000000000A2.cnf.xml"
printf '<softKeyCfg>\n<softKeySets/>\n</softKeyCfg>\n' >"$H/config/SoftKeys.xml"
printf '<device>\n  <fullConfig>true\n</device>\n' >"$H/config/SEP0000000000B1.cnf.xml"
printf '<CiscoIPPhoneImageList/>\n' >"$H/tftp/Desktops/320x212/List.xml"
echo "secret outside the root" >"$TEST_TMP/secret"
ln -s "$TEST_TMP/secret" "$H/tftp/link.txt"
head -c 2048 /dev/urandom >"$H/tftp/exact-4-blocks.bin"
head -c 100000 /dev/urandom >"$H/tftp/firmware.bin"
printf 'line one\nline two\r\nend\n' >"$H/tftp/notes.txt"

CAPF_PORT=$(free_port)
TVS_PORT=$(free_port)
HTTP_PORT=$(free_port)
TFTP_PORT=$(free_udp_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$TVS_PORT" \
	--http-port "$HTTP_PORT" --tftp-port "$TFTP_PORT" --https-port 0 --admin-port 0 --tftp-timeout 1 --tftp-retries 2 \
	--log-level debug >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_port "$HTTP_PORT" 30; then pass "HTTP listening"; else fail "HTTP listening" "$(cat "$LOG")"; finish; fi
URL=http://127.0.0.1:$HTTP_PORT
TURL=tftp://127.0.0.1:$TFTP_PORT
ITL=$H/tftp/ITLFile.tlv

# --- HTTP ----------------------------------------------------------------
code=$(curl -s -o "$W/itl-http.tlv" -w '%{http_code}' "$URL/ITLFile.tlv")
check "GET ITLFile.tlv: 200" test "$code" = 200
check "HTTP: the same bytes as the TFTP root" cmp "$W/itl-http.tlv" "$ITL"
ok "itl show accepts what HTTP served" itl show "$W/itl-http.tlv"
contains "it is the cluster's ITL" "$OUT" "CCM+TFTP"
head=$(curl -s -I "$URL/ITLFile.tlv" | tr -d '\r')
contains "HEAD: Content-Length" "$head" "Content-Length: $(stat -c %s "$ITL")"
exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
printf 'HEAD /ITLFile.tlv HTTP/1.0\r\n\r\n' >&3
cat <&3 >"$W/head.raw"
exec 3<&-
check "HEAD: no body" test "$(sed -n '/^\r$/,$p' "$W/head.raw" | wc -c)" -eq 2
check "GET a file in a folder" test "$(curl -s "$URL/Desktops/320x212/List.xml")" = "<CiscoIPPhoneImageList/>"
check "absent file: 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/CTLFile.tlv")" = 404
check "a folder: not listed" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/Desktops")" = 404
check "the root: not listed" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" != 200
for path in "/../ucpki.db" "/%2e%2e/ucpki.db" "/Desktops/../../ucpki.db" "//etc/passwd" \
	"/link.txt" "/%00ITLFile.tlv" "/.hidden" "/Desktops/..%2f..%2fucpki.db"; do
	code=$(curl -s --path-as-is -o "$W/trav" -w '%{http_code}' "$URL$path")
	if [ "$code" = 200 ] || grep -q "secret outside" "$W/trav" 2>/dev/null; then
		fail "refused: $path" "got $code"
	else pass "refused: $path ($code)"; fi
done
check "POST refused" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$URL/ITLFile.tlv")" -ge 400
check "PUT refused" test "$(curl -s -o /dev/null -w '%{http_code}' -T "$TEST_TMP/secret" "$URL/upload.txt")" -ge 400
check "nothing was written" test ! -e "$H/tftp/upload.txt"
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$URL/ITLFile.tlv")
check "a 20 KB header: refused ($code)" test "$code" != 200
code=$(curl -s -o "$W/range" -w '%{http_code}' -r 0-9 "$URL/ITLFile.tlv")
check "a Range header is ignored (RFC 9110 allows it): the whole file" cmp "$W/range" "$ITL"
check "still serving after bad requests" cmp <(curl -s "$URL/ITLFile.tlv") "$ITL"

# --- configuration: merged, signed ------------------------------------------
curl -s -o "$W/A2.cnf.xml.sgn" "$URL/SEP0000000000A2.cnf.xml.sgn"
ok "sgn verify: signed by the ITL's TFTP record" sgn verify "$W/A2.cnf.xml.sgn" --itl "$ITL"
contains "CCM+TFTP signed it" "$OUT" "CCM+TFTP"
ok "sgn strip" sgn strip "$W/A2.cnf.xml.sgn" --out "$W/A2.xml"
xml=$(cat "$W/A2.xml")
contains "deviceSecurityMode from the record (non-secure)" "$xml" "<deviceSecurityMode>1</deviceSecurityMode>"
contains "the administrator's transport kept" "$xml" "<transportLayerProtocol>2</transportLayerProtocol>"
contains "capfList names this node's CAPF" "$xml" "<capfList><capf><phonePort>$CAPF_PORT</phonePort><processNodeName>cucm.example.test</processNodeName></capf></capfList>"
contains "TVS list" "$xml" "<TVS><members><member priority=\"0\"><port>$TVS_PORT</port><address>cucm.example.test</address></member></members></TVS>"
contains "capfAuthMode 0 with no operation pending" "$xml" "<capfAuthMode>0</capfAuthMode>"
contains "encrConfig false" "$xml" "<encrConfig>false</encrConfig>"
contains "the administrator's settings kept" "$xml" "<phoneLabel>Reception</phoneLabel>"
check "one deviceSecurityMode only" test "$(grep -o '<deviceSecurityMode>' "$W/A2.xml" | wc -l)" -eq 1
plain=$(curl -s "$URL/SEP0000000000A2.cnf.xml")
contains "the plain configuration is merged too" "$plain" "<capfAuthMode>0</capfAuthMode>"
curl -s -o "$W/SoftKeys.xml.sgn" "$URL/SoftKeys.xml.sgn"
ok "other phone files are signed too" sgn verify "$W/SoftKeys.xml.sgn" --itl "$ITL"
ok "device set authenticated, install pending" device set SEP0000000000A2 --security-mode authenticated --operation install --auth string --auth-string 1234
curl -s -o "$W/A2b.sgn" "$URL/SEP0000000000A2.cnf.xml.sgn"
"$UCPKI" sgn strip "$W/A2b.sgn" --out "$W/A2b.xml" >/dev/null
xml=$(cat "$W/A2b.xml")
contains "a changed record changes the file: mode 2" "$xml" "<deviceSecurityMode>2</deviceSecurityMode>"
contains "secure profile: TLS" "$xml" "<transportLayerProtocol>3</transportLayerProtocol>"
contains "capfAuthMode 1: by authentication string" "$xml" "<capfAuthMode>1</capfAuthMode>"
check "invalid XML: not served" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/SEP0000000000B1.cnf.xml.sgn")" = 500
check "invalid XML: the log names file and line" grep -q "SEP0000000000B1.cnf.xml:[0-9]*: invalid XML" "$LOG"
printf '<device><fullConfig>true</fullConfig><userLocale>fr</userLocale></device>\n' >"$H/config/SEP0000000000A2.cnf.xml"
contains "an edited source is served at once" "$(curl -s "$URL/SEP0000000000A2.cnf.xml")" "<userLocale>fr</userLocale>"

# --- TFTP: curl and tftp-hpa ------------------------------------------------
curl -s -o "$W/itl-tftp.tlv" "$TURL/ITLFile.tlv"
check "curl tftp://: the same bytes" cmp "$W/itl-tftp.tlv" "$ITL"
curl -s --tftp-blksize 1024 -o "$W/fw.bin" "$TURL/firmware.bin"
check "curl tftp:// blksize 1024, 98 blocks" cmp "$W/fw.bin" "$H/tftp/firmware.bin"
curl -s -o "$W/exact.bin" "$TURL/exact-4-blocks.bin"
check "a multiple of the block size (empty last block)" cmp "$W/exact.bin" "$H/tftp/exact-4-blocks.bin"
curl -s -o "$W/sgn-tftp" "$TURL/SEP0000000000A2.cnf.xml.sgn"
ok "a signed configuration over TFTP verifies" sgn verify "$W/sgn-tftp" --itl "$ITL"
curl -s -o /dev/null "$TURL/nothing-here"
check "curl tftp://: absent file is TFTP error 1 (curl 68)" test $? -eq 68
(cd "$W" && tftp -m binary 127.0.0.1 "$TFTP_PORT" -c get ITLFile.tlv hpa.tlv)
check "tftp-hpa get (octet): the same bytes" cmp "$W/hpa.tlv" "$ITL"
(cd "$W" && tftp -m netascii 127.0.0.1 "$TFTP_PORT" -c get notes.txt notes.txt)
check "tftp-hpa get (netascii): the same text" cmp "$W/notes.txt" "$H/tftp/notes.txt"
out=$(cd "$W" && tftp -m binary 127.0.0.1 "$TFTP_PORT" -c get nothing-here x 2>&1)
contains "tftp-hpa: File not found" "$out" "Error code 1"
out=$(cd "$W" && tftp -m binary 127.0.0.1 "$TFTP_PORT" -c put "$TEST_TMP/secret" upload.txt 2>&1)
contains "tftp-hpa put: Access violation" "$out" "Error code 2"
check "nothing was written over TFTP" test ! -e "$H/tftp/upload.txt"
out=$(cd "$W" && tftp -m binary 127.0.0.1 "$TFTP_PORT" -c get ../ucpki.db x 2>&1)
contains "tftp-hpa get ../ucpki.db: Access violation" "$out" "Error code 2"
out=$(cd "$W" && tftp -m binary 127.0.0.1 "$TFTP_PORT" -c get link.txt x 2>&1)
contains "tftp-hpa get through a symbolic link: Access violation" "$out" "Error code 2"
out=$($RAW malformed "$TFTP_PORT")
check "malformed packets get the protocol's errors" test $? -eq 0
contains "write request: error 2" "$out" "write request: error 2"
contains "unknown opcode: error 4" "$out" "unknown opcode 9: error 4"
out=$($RAW noack "$TFTP_PORT" firmware.bin)
check "no ACK: block 1 again, then a timeout error" test $? -eq 0
contains "retransmitted twice (--tftp-retries 2)" "$out" "block 1 sent 3 times, then error 0"
check "still serving after bad packets" cmp <(curl -s "$TURL/ITLFile.tlv") "$ITL"

# --- the phone simulator, as a phone boots ----------------------------------
ok "phone fetch over HTTP" phone fetch SEP0000000000A1 --server 127.0.0.1:$HTTP_PORT
contains "first ITL trusted" "$OUT" "ITL installed"
contains "signed configuration accepted" "$OUT" "SEP0000000000A1.cnf.xml.sgn accepted: signer is ITL record"
check "the phone keeps its configuration" grep -q "<capfAuthMode>0</capfAuthMode>" "$H/phones/SEP0000000000A1/SEP0000000000A1.cnf.xml"
ok "phone fetch over TFTP" phone fetch SEP0000000000A1 --server 127.0.0.1:$TFTP_PORT --tftp
contains "over TFTP" "$OUT" "bytes over TFTP"
contains "accepted over TFTP" "$OUT" "accepted: signer is ITL record"
sleep 1
ok "device show" device show SEP0000000000A1
contains "device show: last ITL fetched, the current one" "$OUT" "ITLFile.tlv (the current ITL)"
contains "device show: its SHA-256" "$OUT" "$(sha256sum "$ITL" | cut -d' ' -f1)"
contains "device show: over TFTP last" "$OUT" "over tftp"
contains "device show: last configuration" "$OUT" "SEP0000000000A1.cnf.xml.sgn"
ok "device show --json" device show SEP0000000000A1 --json
check "json: last_itl.current" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["last_itl"]["current"] is True and d["last_itl"]["transport"]=="tftp"' <<<"$OUT"
ok "device show (never fetched)" device show SEP0000000000A3
contains "a device that never fetched its ITL" "$OUT" "Last ITL fetched:              never"
run cert regenerate CallManager
contains "regenerate impact: phones that have not fetched the current ITL" "$OUT" "1 device(s) have not fetched the current ITL"

# --- a per-phone ITL, when the administrator writes one ---------------------
ok "itl build ITLSEP<MAC>.tlv" itl build --out "$H/tftp/ITLSEP0000000000A2.tlv"
ok "phone fetch: the per-phone ITL first" phone fetch SEP0000000000A2 --server 127.0.0.1:$HTTP_PORT
contains "ITLSEP<MAC>.tlv fetched" "$OUT" "ITLSEP0000000000A2.tlv: "
lacks "ITLFile.tlv not asked for" "$OUT" "ITLFile.tlv: "
sleep 1
ok "device show A2" device show SEP0000000000A2
contains "device show: the per-phone ITL" "$OUT" "Last ITL fetched:              ITLSEP0000000000A2.tlv"

# --- encrypted configuration, through a re-enrollment -----------------------
ok "encrypted configuration on" device set SEP0000000000A1 --security-mode encrypted --encrypted-config on
printf 'name,model\nSEP0000000000A1,8845\n' >"$W/import.csv"
ok "device import of the same device" device import "$W/import.csv"
ok "device show after import" device show SEP0000000000A1 --json
check "an import keeps the security profile" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["security_mode"]=="encrypted" and d["encrypted_config"] is True' <<<"$OUT"
ok "enroll: install by null string" device set SEP0000000000A1 --operation install --auth null
ok "phone capf (first LSC)" phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF_PORT
contains "LSC installed" "$OUT" "LSC: Installed"
check "no plaintext of an encrypted configuration" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/SEP0000000000A1.cnf.xml")" = 404
ok "phone fetch: encrypted configuration over HTTP" phone fetch SEP0000000000A1 --server 127.0.0.1:$HTTP_PORT
contains "decrypted with the LSC key" "$OUT" "decrypted with the LSC key"
cfg=$H/phones/SEP0000000000A1/SEP0000000000A1.cnf.xml
check "the decrypted configuration says encrypted" grep -q "<deviceSecurityMode>3</deviceSecurityMode>" "$cfg"
check "and holds the administrator's settings" grep -q "<phoneLabel>Reception</phoneLabel>" "$cfg"
curl -s -o "$W/stub.sgn" "$URL/SEP0000000000A1.cnf.xml.sgn"
"$UCPKI" sgn strip "$W/stub.sgn" --out "$W/stub.xml" >/dev/null
check "stub: certHash is the LSC's MD5" grep -q "<certHash>$(openssl x509 -in "$H/phones/SEP0000000000A1/lsc.pem" -outform DER | md5sum | cut -d' ' -f1)</certHash>" "$W/stub.xml"
lacks "stub: no administrator settings" "$(cat "$W/stub.xml")" "phoneLabel"
first_lsc=$(openssl x509 -in "$H/phones/SEP0000000000A1/lsc.pem" -noout -serial)
ok "re-enroll" device set SEP0000000000A1 --operation install --auth lsc
ok "phone capf (second LSC)" phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF_PORT
check "a new LSC" test "$(openssl x509 -in "$H/phones/SEP0000000000A1/lsc.pem" -noout -serial)" != "$first_lsc"
ok "phone fetch over TFTP after re-enrollment" phone fetch SEP0000000000A1 --server 127.0.0.1:$TFTP_PORT --tftp
contains "decrypts with the new LSC's key" "$OUT" "decrypted with the LSC key"
curl -s -o "$W/enc.sgn" "$URL/SEP0000000000A1.cnf.xml.enc.sgn"
ok "cnf decrypt with the phone's key" cnf decrypt "$W/enc.sgn" --key "$H/phones/SEP0000000000A1/lsc.pem" --out "$W/dec.xml"
check "cnf decrypt: the merged configuration" grep -q "<encrConfig>true</encrConfig>" "$W/dec.xml"
ok "encrypted configuration off" device set SEP0000000000A1 --encrypted-config off
check "no .enc.sgn for a device without encryption" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/SEP0000000000A1.cnf.xml.enc.sgn")" = 404

# --- a new signer -----------------------------------------------------------
now=$(date +%s)
UCPKI_NOW=$((now + 600)) "$UCPKI" cert regenerate CallManager --yes >"$W/regen.out" 2>&1
check "cert regenerate CallManager" grep -q "generated" "$W/regen.out"
# serve's watch sees the new generation within a second (the services
# compare against it in memory, not per request): bounded wait.
for _ in $(seq 1 40); do
	curl -s -o "$W/A1-new.sgn" "$URL/SEP0000000000A1.cnf.xml.sgn"
	"$UCPKI" sgn verify "$W/A1-new.sgn" >/dev/null 2>&1 && break
	sleep 0.25
done
ok "re-signed by the new CallManager" sgn verify "$W/A1-new.sgn"
check "the republished ITL is served" cmp <(curl -s "$URL/ITLFile.tlv") "$ITL"

# --- limits -----------------------------------------------------------------
stop_server "serve" "$SERVER" "$LOG"
lacks "no request crashed a transfer" "$(cat "$LOG")" "runtime error"
HTTP2=$(free_port)
TFTP2=$(free_udp_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port 0 --tvs-port 0 --http-port "$HTTP2" \
	--tftp-port "$TFTP2" --https-port 0 --admin-port 0 --max-transfers-per-address 1 >"$TEST_TMP/limits.log" 2>&1 &
S2=$!
on_exit_kill $S2
check "HTTP and TFTP alone" wait_port "$HTTP2"
out=$($RAW hold "$TFTP2" firmware.bin)
check "a second transfer from one address: refused" test $? -eq 0
contains "with TFTP's error" "$out" "second transfer: error 0 Too many transfers"
check "the slot comes back: TFTP again" cmp <(curl -s "tftp://127.0.0.1:$TFTP2/ITLFile.tlv") "$ITL"
check "HTTP after the transfer ended" cmp <(curl -s "http://127.0.0.1:$HTTP2/ITLFile.tlv") "$ITL"
stop_server "serve (limits)" "$S2" "$TEST_TMP/limits.log"
refuses "no service at all" "no service to run" serve --capf-port 0 --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0

finish
