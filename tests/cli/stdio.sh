#!/usr/bin/env bash
# "-" is standard input for every FILE argument that is read, and
# standard output for --out -: the same bytes through a pipe give the same
# result as through a file.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/w
mkdir -p "$W"
cd "$W" || exit 1

# runin FILE ARGS...: ucpki ARGS with standard input from FILE.
runin() {
	local in=$1
	shift
	"$UCPKI" "$@" <"$in" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}
okin() {
	local name=$1
	shift
	runin "$@"
	if [ "$RC" -eq 0 ]; then pass "$name"; else
		fail "$name" "exit $RC: ucpki ${*:2} < $1" "stderr: $ERR"; fi
}

ok "init" init --node cucm.example.test --org "Example Corp" --country NZ

# --- diagnose -: journalctl ... | ucpki diagnose - -------------------------
cat >phone.log <<'LOG'
4878 WRN 15:47:34.756063 SECD: -PXY_NO_LSC: No LSC for [SCCP], tries MIC.
3486 ERR 00:01:31.938954 SECD: -STATE_SSL3_ALERT: SSL3 alert [read]:[fatal]:[unknown CA]
LOG
ok "diagnose FILE" diagnose phone.log
from_file=$OUT
okin "diagnose - (a pipe)" phone.log diagnose -
check "diagnose - says what diagnose FILE says" test "$OUT" = "$from_file"
contains "diagnose - found the cause" "$OUT" "PXY_NO_LSC"
out=$(cat phone.log | "$UCPKI" diagnose - 2>&1)
contains "journalctl-style pipe" "$out" "SSL3 alert unknown CA"

# --- check cert -, itl show -, sgn verify - ------------------------------------
"$UCPKI" cert show tomcat --pem >tomcat.pem
okin "check cert -" tomcat.pem check cert - --json
check "check cert - read the certificate" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
ok "itl build" itl build --out ITLFile.tlv
okin "itl show -" ITLFile.tlv itl show -
contains "itl show - verified" "$OUT" "The ITL file was verified successfully."
printf '<device/>\n' >SEP001122334455.cnf.xml
ok "sgn sign" sgn sign SEP001122334455.cnf.xml
okin "sgn verify -" SEP001122334455.cnf.xml.sgn sgn verify -
contains "sgn verify - verified" "$OUT" "verified: signed by"
okin "sgn verify - --itl FILE" SEP001122334455.cnf.xml.sgn sgn verify - --itl ITLFile.tlv
okin "sgn strip - (to standard output)" SEP001122334455.cnf.xml.sgn sgn strip -
check "sgn strip - gives the original bytes" test "$OUT" = "<device/>"
okin "sgn sign - --filename (to standard output)" SEP001122334455.cnf.xml sgn sign - --filename SEP001122334455.cnf.xml.sgn
"$UCPKI" sgn sign - --filename SEP001122334455.cnf.xml.sgn <SEP001122334455.cnf.xml >piped.sgn 2>/dev/null
ok "the piped .sgn verifies" sgn verify piped.sgn
runin SEP001122334455.cnf.xml sgn sign -
check "sgn sign - without --filename is refused" test "$RC" -ne 0
contains "and says why" "$ERR" "give --filename NAME"
runin SEP001122334455.cnf.xml cnf encrypt -
check "cnf encrypt - is refused (the name names the phone)" test "$RC" -ne 0

# --- trust add STORE -, cert upload PURPOSE - ----------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj "/CN=Pipe Root CA" \
	-days 3650 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
okin "trust add tomcat-trust -" ca.pem trust add tomcat-trust -
contains "trust add - added the CA" "$OUT" "Pipe_Root_CA"
ok "cert csr --out -" cert csr tomcat --out -
contains "cert csr --out - writes the CSR to standard output" "$OUT" "BEGIN CERTIFICATE REQUEST"
contains "and says so on stderr" "$ERR" "written to standard output"
printf '%s\n' "$OUT" >tomcat.csr
openssl x509 -req -in tomcat.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 \
	-copy_extensions copy -out tomcat-signed.pem 2>/dev/null
okin "cert upload tomcat -" tomcat-signed.pem cert upload tomcat -
ok "cert list own" cert list own
contains "tomcat is now CA-signed" "$OUT" "tomcat/tomcat.pem: Certificate Signed by a Certificate Authority"

# --- device import - ------------------------------------------------------------
printf 'name,model\nSEP0000000000C1,8845\n' >devices.csv
okin "device import -" devices.csv device import -
ok "the piped device is there" device show SEP0000000000C1

# --- --out - --------------------------------------------------------------------
ok "cert export --out -" cert export tomcat --out -
check "cert export --out - is the certificate" test "$OUT" = "$("$UCPKI" cert export tomcat)"
ok "trust export --out -" trust export tomcat-trust --out -
contains "trust export --out - is the bundle" "$OUT" "BEGIN CERTIFICATE"
"$UCPKI" itl build --out - >piped.tlv 2>"$TEST_TMP/err"
check "itl build --out - writes the ITL to standard output" cmp <(head -c 4 piped.tlv) <(head -c 4 ITLFile.tlv)
contains "with the note on stderr" "$(cat "$TEST_TMP/err")" "standard output: ITL written"
ok "the piped ITL verifies" itl show piped.tlv

# An empty standard input is an error of the file's parser, not a hang.
runin /dev/null itl show -
check "itl show - with nothing on standard input fails" test "$RC" -ne 0
finish
