#!/usr/bin/env bash
# The administration API's files and what follows a replacement, with curl
# over real TLS: body limits (8 KB for a JSON object, 64 KB for a file,
# 413 with the JSON error past them), files sent as a form (curl -F), the
# reset command run after a regenerate (a command that writes a file),
# itl reset remotekey with the key as the body, and a tomcat replaced
# through the API presented on the next connection without a restart.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/api_lib.sh"

command -v curl >/dev/null || { echo "# curl missing"; exit 77; }
D1=SEP0011223344E1
D2=SEP0011223344E2

ok "init" init --node cucm.example.test
ok "device add $D1" device add $D1 --model 8845
ok "device add $D2" device add $D2 --model 8865
ok "tftp publish" tftp publish
ok "a reset command that writes a file" config --reset-command "echo reset {device} >>$TEST_TMP/resets.txt"
api_tokens
api_serve

# --- body limits -----------------------------------------------------------------------------
python3 -c 'import json; print(json.dumps({"cn": "x" * 9000}))' >"$TEST_TMP/big.json"
as_admin -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/big.json" /api/v1/identities/ipsec/csr
check "a JSON body over 8 KB: 413" test "$CODE" = 413
check "with the JSON error" error_is "the body is larger than 8 KB"
python3 -c '
print("name,model,operation,auth,string,key,deadline")
for i in range(2000):
    print("SEP0011%08X,8865,sometimes,,,," % i)' | head -c 60000 >"$TEST_TMP/60k.csv"
as_admin -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/60k.csv" /api/v1/devices/import
check "a 60 KB CSV is read: 400 for its first bad row, not 413" test "$CODE" = 400
contains "naming the line, as the CLI does" "$BODY" "body:2:"
python3 -c '
print("name,model,operation,auth,string,key,deadline")
for i in range(3000):
    print("SEP0011%08X,8865,,,,," % i)' >"$TEST_TMP/big.csv"
as_admin -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/big.csv" /api/v1/devices/import
check "a CSV over 64 KB: 413" test "$CODE" = 413
check "with the JSON error" error_is "the body is larger than 64 KB"
refuses "and nothing imported" "no such device" device show SEP001100000000
as_admin -F "file=@$TEST_TMP/big.csv" /api/v1/devices/import
check "the same as a form's file: 413" test "$CODE" = 413
check "with the JSON error" error_is "the body is larger than 64 KB"
head -c 300000 /dev/zero >"$TEST_TMP/300k"
as_admin -H 'Expect: 100-continue' -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/300k" /api/v1/devices/import
check "past every route's bound evhttp refuses it unread: 413" test "$CODE" = 413
# Sent whole (no Expect), far past the bound: read to its end and
# dropped, then the 413, rather than a reset under curl still sending.
head -c 8000000 /dev/zero >"$TEST_TMP/8m"
as_admin -H 'Expect:' -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/8m" /api/v1/devices/import
check "sent whole, past every bound: 413 all the same" test "$CODE" = 413
printf 'name,model\nSEP0011223344E3,7975\n' >"$TEST_TMP/one.csv"
as_admin -F "file=@$TEST_TMP/one.csv" /api/v1/devices/import
check "device import from a form's file (curl -F): 200" test "$CODE" = 200
check "one imported" test "$(device_field SEP0011223344E3 model)" = 7975
as_admin -F "other=@$TEST_TMP/one.csv" /api/v1/devices/import
check "a form without a part named file: 400" test "$CODE" = 400
check "says so in one line" error_is "multipart: no part named file (curl -F file=@FILE)"
as_admin -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary $'--zz\r\nContent-Disposition: form-data; name="file"\r\n\r\ncut' /api/v1/devices/import
check "a form cut short: 400" test "$CODE" = 400
check "says so in one line" error_is "multipart: part 1 (file) does not end with the boundary: the body is cut short"

# --- upload through a form, tomcat on the next connection -------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/ca.key" -out "$TEST_TMP/ca.pem" \
	-subj "/CN=Upload Test Root/O=Example" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
presented() {
	openssl s_client -connect "127.0.0.1:$PORT" -servername cucm.example.test </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
own() { "$UCPKI" cert show tomcat --pem | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }
# curl checks the chain against what it was given: the presented tomcat
insecure() { api -k -H "Authorization: Bearer $ADMIN_TOKEN" "$@"; }
old=$(own)
check "serve presents the tomcat certificate" test "$(presented)" = "$old"
post_json admin '{"yes":true}' /api/v1/identities/tomcat/regenerate
check "regenerate tomcat through the API: 200" test "$CODE" = 200
check "tomcat resets no phone" test "$(json_get devices_to_reset)" = "[]"
new=$(own)
check "the store holds a new tomcat" test "$new" != "$old"
check "the next connection presents it, without a restart" test "$(presented)" = "$new"
"$UCPKI" cert show tomcat --pem >"$TEST_TMP/tomcat.pem"
insecure -H 'Content-Type: application/json' -d '{}' /api/v1/identities/tomcat/csr
check "a CSR for tomcat: 200" test "$CODE" = 200
printf '%s\n' "$BODY" >"$TEST_TMP/tomcat.csr"
openssl x509 -req -in "$TEST_TMP/tomcat.csr" -CA "$TEST_TMP/ca.pem" -CAkey "$TEST_TMP/ca.key" -CAcreateserial \
	-days 365 -copy_extensions copy -out "$TEST_TMP/tomcat-signed.pem" 2>/dev/null
cat "$TEST_TMP/tomcat-signed.pem" "$TEST_TMP/ca.pem" >"$TEST_TMP/chain.pem"
insecure -F "file=@$TEST_TMP/chain.pem" /api/v1/identities/tomcat/upload
check "upload as a form's file: 200" test "$CODE" = 200
check "CA-signed" test "$(json_get type)" = CA-signed
check "the next connection presents the CA-signed tomcat" \
	test "$(presented)" = "$(openssl x509 -in "$TEST_TMP/tomcat-signed.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
check "and curl takes it against the CA alone" sh -c "curl -sS -o /dev/null --cacert '$TEST_TMP/ca.pem' \
	--resolve cucm.example.test:$PORT:127.0.0.1 -H 'Authorization: Bearer $RO_TOKEN' $BASE/api/v1/identities"
cp "$TEST_TMP/ca.pem" "$TEST_TMP/tomcat.pem"

# --- the reset command after a replacement ----------------------------------------------------
post_json admin '{"yes":true}' /api/v1/identities/CallManager/regenerate
check "regenerate CallManager: 200" test "$CODE" = 200
check "it names the devices that must reset" python3 -c '
import json, sys
b = json.loads(sys.argv[1])
assert sorted(b["devices_to_reset"]) == sorted(sys.argv[2:]), b
assert sorted((r["device"], r["ended"], r["code"]) for r in b["resets"]) == sorted((d, "exit", 0) for d in sys.argv[2:]), b' \
	"$BODY" $D1 $D2 SEP0011223344E3
check "the reset command ran for each" test "$(sort "$TEST_TMP/resets.txt" | tr '\n' ' ')" = "reset $D1 reset $D2 reset SEP0011223344E3 "
contains "and the log says so" "$(cat "$LOG")" "admin: reset $D1: exit 0"
ok "no reset command" config --reset-command ""
contains "an empty one is none" "$("$UCPKI" config)" "reset-command (none"
: >"$TEST_TMP/resets.txt"
post_json admin '{"yes":true}' /api/v1/identities/CAPF/regenerate
check "regenerate CAPF: 200" test "$CODE" = 200
check "without one: resets is null" test "$(json_get resets)" = null
check "and the devices are listed" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])["devices_to_reset"]) == 3' "$BODY"
check "nothing ran" test ! -s "$TEST_TMP/resets.txt"

# --- itl reset remotekey ------------------------------------------------------------------------
cp "$UCPKI_HOME"/keys/ITLRecovery-*.key "$TEST_TMP/offline.key"
built=$(sha256sum <"$UCPKI_HOME/tftp/ITLFile.tlv")
as_viewer -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/offline.key" /api/v1/itl/reset/remotekey
check "remotekey, read-only: 403" test "$CODE" = 403
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/offline.key" "/api/v1/itl/reset/remotekey?digest=sha512"
check "itl reset remotekey: 200" test "$CODE" = 200
check "signed by ITLRecovery" test "$(json_get signed_by_itlrecovery)" = True
check "a new ITL is published" test "$(sha256sum <"$UCPKI_HOME/tftp/ITLFile.tlv")" != "$built"
check "that verifies" "$UCPKI" itl show "$UCPKI_HOME/tftp/ITLFile.tlv"
as_admin -F "file=@$TEST_TMP/offline.key" /api/v1/itl/reset/remotekey
check "the key as a form's file: 200" test "$CODE" = 200
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$(ls "$UCPKI_HOME"/keys/TVS-*.key | head -1)" /api/v1/itl/reset/remotekey
check "another key: 409" test "$CODE" = 409
run itl reset remotekey "$(ls "$UCPKI_HOME"/keys/TVS-*.key | head -1)"
check "with the CLI's reason" error_is "itl reset: body: not the ITLRecovery key"
contains "as the CLI says it of its file" "$ERR" "not the ITLRecovery key"
head -c 300 "$TEST_TMP/offline.key" >"$TEST_TMP/cut.key"
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/cut.key" /api/v1/itl/reset/remotekey
check "a cut-off key: 400" test "$CODE" = 400
check "with the CLI's reason" error_is "itl reset remotekey: body: the PEM private key is damaged or truncated"
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/offline.key" "/api/v1/itl/reset/remotekey?digest=md5"
check "a bad digest: 400" test "$CODE" = 400
lacks "the key never reaches the log" "$(cat "$LOG")" "$(sed -n 2p "$TEST_TMP/offline.key")"
as_viewer "/api/v1/audit?limit=100"
check "remotekey is audited, without its body" python3 -c '
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r["action"] == "POST /itl/reset/remotekey"]
assert len(rows) >= 3 and any(r["result"] == "ok" for r in rows), rows
assert "PRIVATE" not in sys.argv[1]' "$BODY"
as_viewer /api/v1/openapi.json
check "remotekey and the form bodies are described" python3 -c '
import json, sys
p = json.loads(sys.argv[1])["paths"]
op = p["/api/v1/itl/reset/remotekey"]["post"]
assert "multipart/form-data" in op["requestBody"]["content"], op
assert "413" in op["responses"], op
assert "multipart/form-data" in p["/api/v1/identities/{purpose}/upload"]["post"]["requestBody"]["content"]' "$BODY"

stop_server "serve" $SERVER "$LOG"
finish
