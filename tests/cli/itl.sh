#!/usr/bin/env bash
# Trust lists and provisioning files through the CLI: itl/tlv/ctl build
# and show, sgn sign/verify/strip, cnf encrypt/decrypt, tftp publish, and
# the golden files from the reference tools.
source "$UCPKI_TESTLIB"

V=$UCPKI_VECTORS
W=$TEST_TMP/work
mkdir -p "$W"
H=$UCPKI_HOME

ok "init publishes an ITL" init --node cucm.example.test --org "Example Corp" --country NZ
contains "init says so" "$OUT" "ITLFile.tlv published"
check "ITLFile.tlv in the TFTP root" test -s "$H/tftp/ITLFile.tlv"

# --- every golden .tlv shows and verifies -------------------------------------
for f in ITLFile-sha1-v1.0.tlv ITLFile-sha512-v1.1.tlv CTLFile-sha1.tlv; do
	ok "show $f" itl show "$V/$f"
	contains "$f verified" "$OUT" "The ITL file was verified successfully."
	contains "$f has the SAST function" "$OUT" "FUNCTION	2	System Administrator Security Token"
	contains "$f names the signing token" "$OUT" "This etoken was used to sign the ITL file."
done
ok "show v1.1 --json" itl show "$V/ITLFile-sha512-v1.1.tlv" --json
check "json: six records, verified, EC TFTP" python3 -c '
import json,sys
d=json.loads(sys.argv[1]); assert d["verified"] and len(d["records"])==6 and d["digest"]=="SHA512"
assert [r["role"] for r in d["records"]].count("TFTP")==1' "$OUT"
ok "show serial as colon hex" itl show "$V/ITLFile-sha1-v1.0.tlv"
check "serials are colon hex" grep -qE 'SERIALNUMBER	[0-9]+	([0-9A-F]{2}:)+[0-9A-F]{2}' <<<"$OUT"
check "certificate hashes are spaced hex" grep -qE 'CERTIFICATE	[0-9]+	([0-9A-F]{2} ){19}[0-9A-F]{2} \(SHA1 Hash HEX\)' <<<"$OUT"

# --- a corrupt file: clear message, non-zero verdict, no crash ----------------
cp "$V/ITLFile-sha1-v1.0.tlv" "$W/bad.tlv"
printf '\xff' | dd of="$W/bad.tlv" bs=1 seek=$(( $(stat -c %s "$W/bad.tlv") - 1 )) conv=notrunc 2>/dev/null
refuses "show a tampered ITL: exit 1" "not verified: signature: does not verify" itl show "$W/bad.tlv"
contains "tampered: the verdict" "$OUT" "The ITL file was NOT verified"
cp "$V/ITLFile-sha1-v1.0.tlv" "$W/bad2.tlv"
printf '\xff' | dd of="$W/bad2.tlv" bs=1 seek=700 conv=notrunc 2>/dev/null
refuses "a broken record length names the byte" "ITL record 1: element at byte 699 runs past the end of the record" itl show "$W/bad2.tlv"
head -c 300 "$V/ITLFile-sha1-v1.0.tlv" >"$W/short.tlv"
refuses "truncated ITL" "HEADER_LENGTH 504 exceeds the file size 300" itl show "$W/short.tlv"
printf 'hello world, not a tlv' >"$W/text.tlv"
refuses "not a tlv at all" "not a signed file" itl show "$W/text.tlv"

# --- itl build from the store ---------------------------------------------------
ok "itl build" itl build --out "$W/ITLFile.tlv" --digest sha512
ok "show it" itl show "$W/ITLFile.tlv"
contains "built ITL verifies" "$OUT" "verified successfully"
for f in CCM+TFTP CAPF TVS APP-SERVER "System Administrator Security Token"; do
	contains "built ITL has $f" "$OUT" "FUNCTION	2	$f"
done
contains "built ITL is SHA-512" "$OUT" "DIGESTALGORITHM	1	SHA512"
"$UCPKI" cert show CallManager --pem >"$W/cm.pem"
"$UCPKI" cert show ITLRecovery --pem >"$W/itlr.pem"
cm_cn=$(openssl x509 -in "$W/cm.pem" -noout -subject -nameopt RFC2253 | sed 's/subject=//')
contains "signed by the TFTP (CallManager) key" "$OUT" "SIGNERNAME"
ok "itl build --sign-with itlrecovery" itl build --out "$W/ITLrecovery.tlv" --sign-with itlrecovery
ok "show recovery ITL" itl show "$W/ITLrecovery.tlv" --json
check "recovery ITL signed by ITLRecovery" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["verified"] and d["signer_name"].startswith("CN=ITLRECOVERY_")' "$OUT"
refuses "bad --sign-with" "--sign-with must be tftp or itlrecovery" itl build --sign-with nobody
refuses "bad --version" "--version must be 1.0 or 1.1" itl build --version 2.0

# --- tlv build from files ---------------------------------------------------------
ok "tlv build v1.0" tlv build "$W/ITLSEP001122334455.tlv" --filename ITLFile.tlv \
	--sast "$V/certs/sast.pem" --ccm-tftp "$V/certs/callmanager.pem" --capf "$V/certs/capf.pem" --tvs "$V/certs/tvs.pem"
ok "show per-device file" itl show "$W/ITLSEP001122334455.tlv" --json
check "per-device file: header filename ITLFile.tlv, 4 records" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["filename"]=="ITLFile.tlv" and len(d["records"])==4 and d["verified"] and d["signer_version"]=="1.0"' "$OUT"
refuses "EC record with signer version 1.0" "needs signer version 1.1" tlv build "$W/x.tlv" --version 1.0 \
	--sast "$V/certs/sast.pem" --tftp "$V/certs/tftp-ec.pem"
check "no file left behind by the refusal" test ! -e "$W/x.tlv"
ok "EC record builds 1.1 by itself" tlv build "$W/ec.tlv" --digest sha512 \
	--sast "$V/certs/sast.pem" --tftp "$V/certs/tftp-ec.pem" --app-server "$V/certs/app-server.pem"
ok "show EC ITL" itl show "$W/ec.tlv" --json
check "EC ITL: 1.1, verified" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["signer_version"]=="1.1" and d["verified"]' "$OUT"
refuses "tlv build needs --sast" "at least one --sast" tlv build "$W/y.tlv" --ccm "$V/certs/callmanager.pem"
refuses "signer file without key" "the certificate's private key must be in the same file" tlv build "$W/y.tlv" --sast "$V/mfg/mfg-ca.pem"

# --- ctl build --------------------------------------------------------------------
ok "ctl build (mixed mode)" ctl build
ok "show the CTL" itl show "$H/tftp/CTLFile.tlv" --json
check "CTL: signed by ITLRecovery, one SAST" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["verified"] and d["signer_name"].startswith("CN=ITLRECOVERY_")
assert [r["role"] for r in d["records"]].count("SAST")==1' "$OUT"
check "CTL: CallManager and CallManager-ECDSA as CCM+TFTP, as CUCM lists them" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
tftp=[r["subject"].split(",")[0] for r in d["records"] if r["role"]=="CCM+TFTP"]
assert len(tftp)==2 and tftp[1].endswith("-EC"), tftp' "$OUT"
ok "ctl build with a second SAST signing" ctl build --out "$W/CTLFile.tlv" --sast "$V/certs/sast.pem" --sign-with sast
ok "show it" itl show "$W/CTLFile.tlv" --json
check "two SAST records, verified" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["verified"] and [r["role"] for r in d["records"]].count("SAST")==2' "$OUT"
rm -f "$H/tftp/CTLFile.tlv" "$H/tftp/ITLFile.tlv"
ok "tftp publish" tftp publish
check "publish wrote the ITL" test -s "$H/tftp/ITLFile.tlv"
check "mixed mode: publish wrote the CTL" test -s "$H/tftp/CTLFile.tlv"
ok "tftp publish to a directory" tftp publish "$W/tftproot"
check "ITL in that directory" test -s "$W/tftproot/ITLFile.tlv"

# --- identity changes republish ------------------------------------------------------
before=$(sha256sum <"$H/tftp/ITLFile.tlv")
ok "regenerate TVS" cert generate TVS --yes
check "ITL republished after generate" test "$before" != "$(sha256sum <"$H/tftp/ITLFile.tlv")"
"$UCPKI" cert show TVS --pem >"$W/tvs.pem"
ok "show republished ITL" itl show "$H/tftp/ITLFile.tlv"
check "it carries the new TVS" grep -q "$(openssl x509 -in "$W/tvs.pem" -outform DER | sha1sum | cut -c1-2 | tr a-f A-F)" <<<"$OUT"

# --- sgn --------------------------------------------------------------------------
cp "$V/SEP001122334455.cnf.xml" "$W/"
ok "sgn sign (CallManager default)" sgn sign "$W/SEP001122334455.cnf.xml" --digest sha512
ok "sgn verify with the store" sgn verify "$W/SEP001122334455.cnf.xml.sgn"
ok "sgn verify with the cluster ITL" sgn verify "$W/SEP001122334455.cnf.xml.sgn" --itl "$W/ITLFile.tlv"
contains "verified against the CCM+TFTP record" "$OUT" "CCM+TFTP"
refuses "a foreign ITL does not vouch" "is not a TFTP or CCM+TFTP record of the ITL" sgn verify "$W/SEP001122334455.cnf.xml.sgn" --itl "$V/ITLFile-sha1-v1.0.tlv"
mv "$W/SEP001122334455.cnf.xml" "$W/orig.xml"
ok "sgn strip" sgn strip "$W/SEP001122334455.cnf.xml.sgn"
check "strip gives the original bytes" cmp "$W/orig.xml" "$W/SEP001122334455.cnf.xml"
for f in sha1 sha512; do
	ok "golden $f .sgn verifies with callmanager.pem" sgn verify "$V/SEP001122334455.cnf.xml.$f.sgn" --signer "$V/certs/callmanager.pem"
	ok "golden $f .sgn verifies with the golden ITL" sgn verify "$V/SEP001122334455.cnf.xml.$f.sgn" --itl "$V/ITLFile-sha1-v1.0.tlv"
done
ok "golden stub verifies" sgn verify "$V/SEP001122334455.cnf.xml.enc-stub.sgn" --signer "$V/certs/callmanager.pem"
refuses "wrong signer" "names another signer" sgn verify "$V/SEP001122334455.cnf.xml.sha1.sgn" --signer "$V/certs/tvs.pem"
cp "$V/SEP001122334455.cnf.xml.sha1.sgn" "$W/t.sgn"
printf 'X' | dd of="$W/t.sgn" bs=1 seek=$(( $(stat -c %s "$W/t.sgn") - 20 )) conv=notrunc 2>/dev/null
refuses "tampered .sgn" "does not verify" sgn verify "$W/t.sgn" --signer "$V/certs/callmanager.pem"
refuses "strip needs .sgn" "does not end with .sgn" sgn strip "$W/orig.xml"

# --- cnf --------------------------------------------------------------------------
cp "$W/orig.xml" "$W/SEP001122334455.cnf.xml"
ok "cnf encrypt to the LSC" cnf encrypt "$W/SEP001122334455.cnf.xml" --device-cert "$V/SEP001122334455-lsc.pem"
check "encrypted file" test -s "$W/SEP001122334455.cnf.xml.enc.sgn"
ok "stub verifies" sgn verify "$W/SEP001122334455.cnf.xml.sgn"
ok "stub strip" sgn strip "$W/SEP001122334455.cnf.xml.sgn" --out "$W/stub.xml"
check "stub says encrConfig" grep -q "<encrConfig>true</encrConfig>" "$W/stub.xml"
check "stub carries the LSC's MD5 certHash" grep -q "<certHash>$(openssl x509 -in "$V/SEP001122334455-lsc.pem" -outform DER | md5sum | cut -d' ' -f1)</certHash>" "$W/stub.xml"
check "stub keeps capfList" grep -q "<capfList>" "$W/stub.xml"
check "stub drops the rest" test "$(grep -c sipProfile "$W/stub.xml")" -eq 0
rm "$W/SEP001122334455.cnf.xml"
ok "cnf decrypt" cnf decrypt "$W/SEP001122334455.cnf.xml.enc.sgn" --key "$V/SEP001122334455-lsc.pem"
check "decrypt gives the original XML" cmp "$W/orig.xml" "$W/SEP001122334455.cnf.xml"
ok "golden .enc.sgn decrypts" cnf decrypt "$V/SEP001122334455.cnf.xml.enc.sgn" --key "$V/SEP001122334455-lsc.pem" --signer "$V/certs/callmanager.pem" --out "$W/golden.xml"
check "golden plaintext" cmp "$V/SEP001122334455.cnf.xml" "$W/golden.xml"
refuses "wrong phone key" "cannot unwrap the key" cnf decrypt "$V/SEP001122334455.cnf.xml.enc.sgn" --key "$V/mfg/SEP001122334455-mic.pem" --signer "$V/certs/callmanager.pem" --out "$W/x.xml"
check "no output after a failed decrypt" test ! -e "$W/x.xml"
refuses "decrypt needs --key" "--key PEM" cnf decrypt "$V/SEP001122334455.cnf.xml.enc.sgn"
printf '<notdevice/>' >"$W/SEP0000000000AA.cnf.xml"
refuses "encrypt refuses a non-device XML" "root element is not <device>" cnf encrypt "$W/SEP0000000000AA.cnf.xml" --device-cert "$V/SEP001122334455-lsc.pem"
refuses "encrypt refuses an EC phone" "must have an RSA key" cnf encrypt "$W/orig.xml" --device-cert "$V/SEP001122334455-lsc-ec.pem"
refuses "encrypt without a known device cert" "give --device-cert" cnf encrypt "$W/orig.xml"

finish
