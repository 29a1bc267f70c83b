#!/usr/bin/env bash
# Every route of the administration API against the CLI, with curl over
# real TLS: the description and the router agree (every described path
# and method is routed, no token is 401, a read-only token is 403 on every
# writing route), each write answers as the CLI's change does and changes
# what the CLI then shows, and each refusal carries the CLI's one line.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/api_lib.sh"

command -v curl >/dev/null || { echo "# curl missing"; exit 77; }
D=SEP001122334455

ok "init" init --node cucm.example.test
ok "device add" device add $D --model 8845
ok "tftp publish" tftp publish
api_tokens
api_serve

# --- the description and the router --------------------------------------------------------
as_viewer /api/v1/openapi.json
printf '%s' "$BODY" >"$TEST_TMP/openapi.json"
python3 - "$TEST_TMP/openapi.json" >"$TEST_TMP/routes" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fill = {"purpose": "ipsec", "store": "CallManager-trust", "name": "SEP00112233FFFF", "hash": "ffff"}
for path, ops in d["paths"].items():
    for method, op in ops.items():
        p = path
        for k, v in fill.items():
            p = p.replace("{%s}" % k, v)
        print(method.upper(), p, "403" in op["responses"], path)
PY
check "the description has routes" test "$(wc -l <"$TEST_TMP/routes")" -ge 38
bad401="" bad403="" unrouted="" n=10
while read -r method path writes pattern; do
	# Each from its own address (all of 127/8 is this host): failed
	# authentications from one address are soon refused with 429.
	n=$((n + 1))
	api --interface 127.0.0.$n -X "$method" "$path"
	[ "$CODE" = 401 ] || bad401="$bad401 $method:$pattern=$CODE"
	if [ "$writes" = True ]; then
		as_viewer -X "$method" -H 'Content-Type: application/json' -d '{}' "$path"
		[ "$CODE" = 403 ] || bad403="$bad403 $method:$pattern=$CODE"
	else
		as_viewer -X "$method" "$path"
		if [ "$CODE" = 405 ] || [[ "$BODY" == *"no such API path"* ]]; then unrouted="$unrouted $method:$pattern"; fi
	fi
done <"$TEST_TMP/routes"
check "every described route without a token: 401 ($bad401)" test -z "$bad401"
check "every writing route with a read-only token: 403 ($bad403)" test -z "$bad403"
check "every described read route is routed ($unrouted)" test -z "$unrouted"

# --- devices ---------------------------------------------------------------------------------
post_json viewer '{"name":"SEP0011223344AA"}' /api/v1/devices
check "device add, read-only: 403" test "$CODE" = 403
post_json admin '{"name":"00:11:22:33:44:AA","model":"7975"}' /api/v1/devices
check "device add: 201" test "$CODE" = 201
same_json "and answers with device show --json" "$BODY" "$("$UCPKI" device show SEP0011223344AA --json)"
post_json admin '{"name":"SEP0011223344AA"}' /api/v1/devices
check "a device that exists: 409" test "$CODE" = 409
run device add SEP0011223344AA
check "with the CLI's one line" error_is "${ERR#ucpki: }"
post_json admin '{"name":"NOTAPHONE"}' /api/v1/devices
check "a bad name: 400" test "$CODE" = 400
run device add NOTAPHONE
check "with the CLI's one line" error_is "${ERR#ucpki: }"
post_json admin '{"model":"7975","operation":"install","auth":"null"}' /api/v1/devices/bulk
check "bulk set by model: 200" test "$CODE" = 200
check "one device updated" test "$(json_get updated)" = 1
check "the 7975 is scheduled" test "$(device_field SEP0011223344AA operation)" = install
check "the 8845 is not" test "$(device_field $D operation)" = none
post_json admin '{"operation":"install"}' /api/v1/devices/bulk
check "bulk set without a selection: 400" test "$CODE" = 400
contains "says what to give" "$BODY" "--all, --status S"
printf 'name,model,operation,auth,string,key,deadline\nSEP0011223344BB,8865,install,null,,,\nSEP0011223344CC,8865,,,,,\n' >"$TEST_TMP/devices.csv"
as_admin -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/devices.csv" /api/v1/devices/import
check "device import: 200" test "$CODE" = 200
check "two devices imported" test "$(json_get imported)" = 2
check "as device list shows" test "$(device_field SEP0011223344BB model)" = 8865
as_admin -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/devices.csv" /api/v1/devices/import
check "an import that is not CSV: 415" test "$CODE" = 415
printf 'SEP0011223344DD,8865,sometimes,,,,\n' >"$TEST_TMP/bad.csv"
as_admin -H 'Content-Type: text/csv' --data-binary @"$TEST_TMP/bad.csv" /api/v1/devices/import
check "a bad CSV row: 400" test "$CODE" = 400
contains "names the line, as the CLI does" "$BODY" "body:1:"
refuses "all or nothing" "no such device" device show SEP0011223344DD
as_viewer /api/v1/devices/$D/fetches
check "fetch records: 200" test "$CODE" = 200
check "none yet" test "$BODY" = "[]"
as_admin -X DELETE /api/v1/devices/SEP0011223344CC
check "device remove: 200" test "$CODE" = 200
refuses "and it is gone" "no such device" device show SEP0011223344CC
as_admin -X DELETE /api/v1/devices/SEP0011223344CC
check "removing it again: 404" test "$CODE" = 404

# --- trust stores ------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/ca.key" -out "$TEST_TMP/ca.pem" \
	-subj "/CN=API Test Root/O=Example" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ca.pem" /api/v1/trust/ipsec-trust
check "trust add: 201" test "$CODE" = 201
check "named by its CN" test "$(json_get certificates.0.name)" = "API_Test_Root"
as_viewer /api/v1/trust/ipsec-trust
same_json "the store lists it as the CLI does" "$BODY" "$("$UCPKI" cert list trust ipsec-trust --json)"
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ca.pem" /api/v1/trust/ipsec-trust
check "the same certificate again: 409" test "$CODE" = 409
run trust add ipsec-trust "$TEST_TMP/ca.pem"
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_admin -H 'Content-Type: application/x-pem-file' -d 'not a certificate' /api/v1/trust/ipsec-trust
check "a body that is no certificate: 400" test "$CODE" = 400
as_viewer /api/v1/trust-bundle/ipsec-trust
check "trust bundle = trust export --out -" test "$BODY" = "$("$UCPKI" trust export ipsec-trust --out - 2>/dev/null)"

# --- identities: CSR, upload, generate, regenerate ----------------------------------------------
post_json admin '{"cn":"ipsec.cucm.example.test"}' /api/v1/identities/ipsec/csr
check "CSR: 200" test "$CODE" = 200
printf '%s\n' "$BODY" >"$TEST_TMP/ipsec.csr"
check "a CSR in PEM" openssl req -in "$TEST_TMP/ipsec.csr" -noout
openssl x509 -req -in "$TEST_TMP/ipsec.csr" -CA "$TEST_TMP/ca.pem" -CAkey "$TEST_TMP/ca.key" -CAcreateserial \
	-days 365 -copy_extensions copy -out "$TEST_TMP/ipsec.pem" 2>/dev/null
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ca.pem" /api/v1/identities/ipsec/upload
check "uploading a certificate not for the CSR: 409" test "$CODE" = 409
run cert upload ipsec "$TEST_TMP/ca.pem"
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ipsec.pem" /api/v1/identities/ipsec/upload
check "upload: 200" test "$CODE" = 200
check "CA-signed" test "$(json_get type)" = CA-signed
contains "cert show agrees" "$("$UCPKI" cert show ipsec)" "API Test Root"
as_viewer /api/v1/identities/ipsec/regenerate
check "the impact first: 200" test "$CODE" = 200
run cert regenerate ipsec
contains "with the CLI's wording" "$OUT" "$(json_get impact)"
before=$("$UCPKI" cert show ipsec --pem | openssl x509 -noout -fingerprint -sha256)
post_json admin '{}' /api/v1/identities/ipsec/regenerate
check "regenerate without yes: 409" test "$CODE" = 409
check "with the CLI's one line" error_is "cert regenerate ipsec: not done; repeat with --yes"
post_json admin '{"yes":true}' /api/v1/identities/ipsec/regenerate
check "regenerate with yes: 200" test "$CODE" = 200
after=$("$UCPKI" cert show ipsec --pem | openssl x509 -noout -fingerprint -sha256)
check "a new ipsec certificate" test "$before" != "$after"
post_json admin '{"days":"400"}' /api/v1/identities/ipsec/generate
check "generate without yes: 409" test "$CODE" = 409
run cert generate ipsec --days 400
check "with the CLI's one line" error_is "${ERR#ucpki: }"
post_json admin '{"days":"0","yes":"true"}' /api/v1/identities/ipsec/generate
check "generate with bad days: 400" test "$CODE" = 400
contains "with the CLI's message" "$BODY" "--days must be a number from 1 to 36500"
post_json admin '{"days":"400","yes":"true"}' /api/v1/identities/ipsec/generate
check "generate: 200" test "$CODE" = 200
contains "for 400 days" "$("$UCPKI" cert show ipsec --json)" '"type":"self-signed"'
post_json admin '{"yes":"true"}' /api/v1/identities/nosuch/generate
check "an unknown purpose: 404" test "$CODE" = 404

# --- CAPF, monitor, CRLs -----------------------------------------------------------------------
as_viewer /api/v1/capf/config
same_json "capf config = capf config --json" "$BODY" "$("$UCPKI" capf config --json)"
post_json admin '{"lsc-days":"365","renew-at":"2/3"}' /api/v1/capf/config
check "capf config set: 200" test "$CODE" = 200
same_json "answers as capf config --json then shows" "$BODY" "$("$UCPKI" capf config --json)"
check "lsc-days 365" test "$(json_get lsc_days)" = 365
post_json admin '{"lsc-days":"0"}' /api/v1/capf/config
check "lsc-days 0: 400" test "$CODE" = 400
run capf config --lsc-days 0
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_viewer /api/v1/monitor/config
same_json "monitor config = monitor config --json" "$BODY" "$("$UCPKI" monitor config --json)"
post_json admin '{"start-days":"45","frequency":"12h"}' /api/v1/monitor/config
check "monitor config set: 200" test "$CODE" = 200
same_json "as the CLI then shows" "$BODY" "$("$UCPKI" monitor config --json)"
post_json admin '{"frequency":"often"}' /api/v1/monitor/config
check "a bad frequency: 400" test "$CODE" = 400
run monitor config --frequency often
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_viewer /api/v1/monitor/alarms
check "monitor alarms: 200" test "$CODE" = 200
check "ITLRecovery's backup alarm is there" python3 -c 'import json,sys; a=json.loads(sys.argv[1])["alarms"]; assert any(x["alarm"] == "ITLRecoveryCertBackup" for x in a), a' "$BODY"
as_viewer /api/v1/crls
same_json "crls = crl list --json" "$BODY" "$("$UCPKI" crl list --json)"

# --- TVS ----------------------------------------------------------------------------------------
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ca.pem" "/api/v1/tvs?role=app-server&ttl=600"
check "tvs add: 201" test "$CODE" = 201
sha=$(json_get sha256)
as_viewer /api/v1/tvs
same_json "tvs = tvs list --json" "$BODY" "$("$UCPKI" tvs list --json)"
contains "with it" "$BODY" "$sha"
as_admin -H 'Content-Type: application/x-pem-file' --data-binary @"$TEST_TMP/ca.pem" "/api/v1/tvs?role=boss"
check "a bad role: 400" test "$CODE" = 400
run tvs add "$TEST_TMP/ca.pem" --role boss
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_admin -X DELETE "/api/v1/tvs/${sha:0:12}"
check "tvs remove: 200" test "$CODE" = 200
lacks "and it is gone" "$("$UCPKI" tvs list)" "${sha:0:16}"

# --- ITL ----------------------------------------------------------------------------------------
as_viewer /api/v1/itl
same_json "itl = itl show tftp/ITLFile.tlv --json" "$BODY" "$("$UCPKI" itl show "$UCPKI_HOME/tftp/ITLFile.tlv" --json 2>/dev/null)"
post_json admin '{"digest":"sha512"}' /api/v1/itl/build
check "itl build: 200" test "$CODE" = 200
check "into the TFTP root" test "$(json_get path)" = "$UCPKI_HOME/tftp/ITLFile.tlv"
post_json admin '{"digest":"md5"}' /api/v1/itl/build
check "a bad digest: 400" test "$CODE" = 400
built=$(sha256sum <"$UCPKI_HOME/tftp/ITLFile.tlv")
post_json admin '{}' /api/v1/itl/reset
check "itl reset: 200" test "$CODE" = 200
check "signed by ITLRecovery" test "$(json_get signed_by_itlrecovery)" = True
check "the published ITL is a new one" test "$(sha256sum <"$UCPKI_HOME/tftp/ITLFile.tlv")" != "$built"

# --- every change above is in the trail --------------------------------------------------------
as_viewer "/api/v1/audit?limit=1000"
check "the API's changes are audited, by the token's name" python3 -c '
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r["via"] == "api"]
acts = {r["action"] for r in rows}
for a in ["POST /devices", "POST /devices/bulk", "POST /devices/import", "DELETE /devices/{name}",
          "POST /trust/{store}", "POST /identities/{purpose}/upload", "POST /identities/{purpose}/regenerate",
          "POST /capf/config", "POST /tvs", "DELETE /tvs/{hash}", "POST /itl/reset"]:
    assert a in acts, (a, acts)
assert all(r["who"] == "ops" for r in rows), rows
add = [r for r in rows if r["action"] == "POST /devices" and r["result"] == "ok"][0]
assert add["object"] == "SEP0011223344AA" and add["before"] == "" and len(add["after"]) == 64, add
up = [r for r in rows if r["action"] == "POST /identities/{purpose}/upload" and r["result"] == "ok"][0]
assert up["object"] == "ipsec" and len(up["before"]) == 64 and up["before"] != up["after"], up' "$BODY"

stop_server "serve" $SERVER "$LOG"
finish
