#!/usr/bin/env bash
# The administration service of `ucpki serve`: HTTPS with the tomcat
# identity on loopback, the REST API under /api/v1 with API tokens, driven
# by curl over real TLS.  Its JSON is the CLI's --json; its errors are the
# CLI's one line; read-only tokens cannot change anything; bad requests
# are refused and never crash it; a new tomcat is used without a restart.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/api_lib.sh"

command -v curl >/dev/null || { echo "# curl missing"; exit 77; }
LOG=$TEST_TMP/serve.log
PORT=$(free_port)
NODE=cucm.example.test
D=SEP001122334455

ok "init" init --node $NODE --org "Example Corp" --country NZ
ok "device add" device add $D --model 8845
ok "device add another" device add SEP0011223344AA --model 7975
run admin token add ops
ADMIN_TOKEN=$OUT
check "admin token add prints the token alone" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1
contains "and says it is shown once, on stderr" "$ERR" "shown this once"
run admin token add viewer --role read-only
RO_TOKEN=$OUT
run admin token list
contains "token list names them with their roles" "$OUT" "viewer"
lacks "token list never shows a token" "$OUT" "${ADMIN_TOKEN:6:20}"
check "the store holds no token" test "$(sqlite3 "$UCPKI_HOME/ucpki.db" .dump | grep -c "${ADMIN_TOKEN:6}")" -eq 0
"$UCPKI" cert show tomcat --pem >"$TEST_TMP/tomcat.pem"

api_serve
contains "serve says the admin service is for this host only" "$(cat "$LOG")" \
	"listening on 127.0.0.1:$PORT (this host only"


# --- authentication ------------------------------------------------------------------
api /api/v1/devices
check "no token: 401" test "$CODE" = 401
contains "and says how to get one" "$BODY" "Authorization: Bearer TOKEN"
BAD=ucpki_$(printf '%064d' 7)
api -H "Authorization: Bearer $BAD" /api/v1/devices
check "a bad token: 401" test "$CODE" = 401
contains "bad token: the error" "$BODY" "unknown or revoked token"
api -H "Authorization: Basic b3BzOm9wcw==" /api/v1/devices
check "Basic authentication: 401" test "$CODE" = 401
contains "the failure is logged" "$(cat "$LOG")" "GET /api/v1/devices: bad token"
lacks "without the token" "$(cat "$LOG")" "$BAD"
lacks "nor any part of it" "$(cat "$LOG")" "0000000000000007"
api -H "Authorization: Bearer $ADMIN_TOKEN" /api/v1/openapi.json
check "a good token: 200" test "$CODE" = 200

# --- the same JSON as the CLI ----------------------------------------------------------
as_viewer /api/v1/devices
check "read-only token can list devices" test "$CODE" = 200
same_json "devices = device list --json" "$BODY" "$("$UCPKI" device list --json)"
as_viewer "/api/v1/devices?model=7975"
same_json "devices?model = device list --model --json" "$BODY" "$("$UCPKI" device list --model 7975 --json)"
as_viewer "/api/v1/devices?lsc=none&status=None"
same_json "devices?lsc&status = device list --lsc --status --json" "$BODY" "$("$UCPKI" device list --lsc none --status None --json)"
as_viewer "/api/v1/devices?lsc=maybe"
check "a bad filter: 400" test "$CODE" = 400
run device list --lsc maybe
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_viewer /api/v1/devices/$D
same_json "devices/NAME = device show --json" "$BODY" "$("$UCPKI" device show $D --json)"
as_viewer /api/v1/devices/00:11:22:33:44:55
same_json "a MAC names the phone as in the CLI" "$BODY" "$("$UCPKI" device show $D --json)"
as_viewer /api/v1/devices/SEP00112233FFFF
check "no such device: 404" test "$CODE" = 404
check "with the CLI's one line" error_is "SEP00112233FFFF: no such device"
as_viewer /api/v1/identities
same_json "identities = cert list own --json" "$BODY" "$("$UCPKI" cert list own --json)"
as_viewer /api/v1/identities/CallManager
same_json "identities/P = cert show P --json" "$BODY" "$("$UCPKI" cert show CallManager --json)"
as_viewer /api/v1/identities/nosuch
check "unknown purpose: 404" test "$CODE" = 404
run cert show nosuch
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_viewer /api/v1/identities/tomcat/pem
check "PEM download" test "$BODY" = "$(cat "$TEST_TMP/tomcat.pem")"
curl -sS -o "$TEST_TMP/tomcat.der" -D "$TEST_TMP/headers" --cacert "$TEST_TMP/tomcat.pem" --resolve "$NODE:$PORT:127.0.0.1" \
	-H "Authorization: Bearer $RO_TOKEN" "$BASE/api/v1/identities/tomcat/der"
openssl x509 -in "$TEST_TMP/tomcat.pem" -outform der -out "$TEST_TMP/expect.der"
check "DER download" cmp "$TEST_TMP/tomcat.der" "$TEST_TMP/expect.der"
contains "named as a download" "$(cat "$TEST_TMP/headers")" 'filename="tomcat.der"'
contains "never cached" "$(cat "$TEST_TMP/headers")" "Cache-Control: no-store"
as_viewer /api/v1/trust
same_json "trust = cert list trust --json" "$BODY" "$("$UCPKI" cert list trust --json)"
as_viewer /api/v1/trust/CallManager-trust
same_json "trust/S = cert list trust S --json" "$BODY" "$("$UCPKI" cert list trust CallManager-trust --json)"
name=$("$UCPKI" cert list trust CallManager-trust --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')
as_viewer "/api/v1/trust/CallManager-trust/$name"
same_json "trust/S/N = trust show S N --json" "$BODY" "$("$UCPKI" trust show CallManager-trust "$name" --json)"
as_viewer /api/v1/trust/nosuch-trust
check "unknown trust store: 404" test "$CODE" = 404
check "with the CLI's one line" error_is "nosuch-trust: unknown trust store"
as_viewer /api/v1/capf/report
same_json "capf/report = capf report --json" "$BODY" "$("$UCPKI" capf report --json)"

# --- writes: the role, then device set end to end ----------------------------------------
as_viewer -H 'Content-Type: application/json' -d '{"operation":"install","auth":"null"}' /api/v1/devices/$D
check "read-only token: POST is 403" test "$CODE" = 403
contains "and says why" "$BODY" "token viewer is read-only"
contains "device unchanged" "$("$UCPKI" device show $D)" "Certificate Operation:         No Pending Operation"
as_admin -H 'Content-Type: application/json' -d '{"operation":"install","auth":"string","auth-string":"13579","key":"ec256","by":"2031-01-02 03:04"}' /api/v1/devices/$D
check "admin token: device set is 200" test "$CODE" = 200
same_json "and answers with device show --json" "$BODY" "$("$UCPKI" device show $D --json)"
run device show $D
contains "device show agrees: operation" "$OUT" "Install/Upgrade"
contains "device show agrees: auth" "$OUT" "By Authentication String"
contains "device show agrees: key" "$OUT" "EC Key Size (Bits):            256"
lacks "the string is not in the answer" "$BODY" "13579"
contains "the change is logged with who and where" "$(cat "$LOG")" "admin: token ops from 127.0.0.1:"
as_admin -H 'Content-Type: application/json' -d '{"operation":"sometimes"}' /api/v1/devices/$D
check "a bad setting: 400" test "$CODE" = 400
run device set $D --operation sometimes
check "with the CLI's one line" error_is "${ERR#ucpki: }"
as_admin -H 'Content-Type: application/json' -d '{"auth":"string","auth-string":"12"}' /api/v1/devices/$D
check "a short string: 400" test "$CODE" = 400
lacks "not echoed" "$BODY" '"12"'
as_admin -H 'Content-Type: application/json' -d '{"operation":"install"}' /api/v1/devices/SEP00112233FFFF
check "device set of no device: 404" test "$CODE" = 404

# --- bad requests: refused, clearly, and serve lives on -----------------------------------
as_admin -H 'Content-Type: application/json' -d '{"operation":' /api/v1/devices/$D
check "bad JSON: 400" test "$CODE" = 400
contains "says where" "$BODY" "JSON body: byte"
as_admin -H 'Content-Type: application/json' -d '{"operation":{"x":1}}' /api/v1/devices/$D
check "nested JSON: 400" test "$CODE" = 400
as_admin -H 'Content-Type: application/json' -d '{"model":"88\u001b[2J45"}' /api/v1/devices/$D
check "a control character in a value: 400" test "$CODE" = 400
contains "as the CLI refuses it" "$BODY" "control characters are not allowed"
printf '{"model":"\xff\xfe"}' >"$TEST_TMP/latin"
as_admin -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/latin" /api/v1/devices/$D
check "a value that is not UTF-8: 400" test "$CODE" = 400
as_admin "/api/v1/devices?model=%0a"
check "a control character in a query: 400" test "$CODE" = 400
contains "model unchanged" "$("$UCPKI" device show $D)" "Model:                         8845"
as_admin -H 'Content-Type: text/plain' -d 'operation=install' /api/v1/devices/$D
check "not JSON: 400" test "$CODE" = 400
head -c 200000 /dev/zero | tr '\0' 'a' >"$TEST_TMP/huge"
as_admin -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/huge" /api/v1/devices/$D
check "a huge body is refused: 413" test "$CODE" = 413
as_admin /api/v1/nosuch
check "unknown path: 404" test "$CODE" = 404
contains "points to the description" "$BODY" "openapi.json"
as_admin --path-as-is /api/v1/devices/../identities
check "dot segments: 404" test "$CODE" = 404
as_admin /api/v1/devices/SEP%00
check "a NUL in the path: 400" test "$CODE" = 400
as_admin -X PATCH /api/v1/devices/$D
check "a method the path lacks: 405" test "$CODE" = 405
as_admin /index.html
check "outside the API: the web pages, which want a login (303)" test "$CODE" = 303
check "serve still runs" kill -0 $SERVER

# --- the description ----------------------------------------------------------------------
as_viewer /api/v1/openapi.json
check "openapi.json is JSON with OpenAPI 3" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["openapi"].startswith("3.")' "$BODY"
check "every path the tests used is described" python3 -c '
import json,sys
d=json.loads(sys.argv[1])["paths"]
for p,m in [("/api/v1/devices","get"),("/api/v1/devices/{name}","get"),("/api/v1/devices/{name}","post"),
            ("/api/v1/identities/{purpose}/der","get"),("/api/v1/trust/{store}/{name}","get"),("/api/v1/capf/report","get")]:
    assert m in d[p], (p,m)' "$BODY"

# --- TLS ----------------------------------------------------------------------------------
if openssl s_client -connect "127.0.0.1:$PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >"$TEST_TMP/tls11" 2>&1; then
	fail "TLS 1.1 is refused" "$(tail -5 "$TEST_TMP/tls11")"; else pass "TLS 1.1 is refused"; fi
check "TLS 1.2 is served" sh -c "openssl s_client -connect 127.0.0.1:$PORT -tls1_2 </dev/null 2>/dev/null | grep -q 'Protocol *: TLSv1.2'"
presented() {
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
own() { "$UCPKI" cert show tomcat --pem | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }
old=$(own)
check "serve presents the tomcat certificate" test "$(presented)" = "$old"
ok "regenerate tomcat while serve runs" cert regenerate tomcat --yes
new=$(own)
check "the store holds a new tomcat" test "$new" != "$old"
# serve's watch sees the change within a second (the generation is
# compared in memory, not read per connection): bounded wait.
for _ in $(seq 1 40); do [ "$(presented)" = "$new" ] && break; sleep 0.25; done
check "a connection after the watch's tick presents the new one" test "$(presented)" = "$new"
"$UCPKI" cert show tomcat --pem >"$TEST_TMP/tomcat.pem"
as_viewer /api/v1/identities/tomcat
same_json "and the API answers over it" "$BODY" "$("$UCPKI" cert show tomcat --json)"

# --- connections at once: 32 from one address, 256 in all ----------------------------------
# hold FLAG N ADDR...: N silent connections from each source address (all
# of 127/8 is this host), until FLAG goes
hold() {
	python3 - "$PORT" "$@" <<'PY' &
import socket, sys, time, os
port, flag, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
held = [socket.create_connection(("127.0.0.1", port), source_address=(a, 0))
        for a in sys.argv[4:] for _ in range(n)]
open(flag, "w").close()
while os.path.exists(flag):
    time.sleep(0.05)
PY
	HOLDER=$!
	on_exit_kill $HOLDER
}
release() { rm -f "$1"; wait $HOLDER; }
hold "$TEST_TMP/held" 32 127.0.0.1
check "32 silent connections from one address are held" wait_file "$TEST_TMP/held"
as_viewer /api/v1/devices
check "the next one from that address is refused" test "$CODE" = 000
contains "and it is logged with the address" "$(cat "$LOG")" \
	"32 connections at once from one address (the limit)"
as_viewer --interface 127.0.0.2 /api/v1/devices
check "another address is served meanwhile" test "$CODE" = 200
release "$TEST_TMP/held"
tries=50
while [ $tries -gt 0 ]; do as_viewer /api/v1/devices; [ "$CODE" = 200 ] && break; sleep 0.1; tries=$((tries - 1)); done
check "once they close, that address is served again" test "$CODE" = 200
hold "$TEST_TMP/held" 32 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8
check "256 silent connections from 8 addresses are held" wait_file "$TEST_TMP/held"
as_viewer --interface 127.0.0.9 /api/v1/devices
check "the next one, from a ninth address, is refused" test "$CODE" = 000
contains "and it is logged" "$(cat "$LOG")" "256 connections at once (the limit)"
release "$TEST_TMP/held"
tries=50
while [ $tries -gt 0 ]; do as_viewer /api/v1/devices; [ "$CODE" = 200 ] && break; sleep 0.1; tries=$((tries - 1)); done
check "once they close, connections are served again" test "$CODE" = 200

# --- a failed handshake is one line ---------------------------------------------------------
openssl s_client -connect "127.0.0.1:$PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1
tries=50
while [ $tries -gt 0 ] && ! grep -q "admin: TLS handshake with 127.0.0.1" "$LOG"; do sleep 0.1; tries=$((tries - 1)); done
contains "a TLS 1.1 client's failed handshake is logged, with what it offered" "$(cat "$LOG")" \
	"admin: TLS handshake with 127.0.0.1"
contains "as the CAPF and TVS listeners say it" "$(grep 'admin: TLS handshake with' "$LOG" | tail -1)" "offered TLS 1.1"

# --- revoked tokens, then the limit on failures --------------------------------------------
ok "admin token remove" admin token remove viewer
as_viewer /api/v1/devices
check "a removed token: 401" test "$CODE" = 401
for i in $(seq 1 12); do api -H "Authorization: Bearer nope$i" /api/v1/devices; done
check "after many failures: 429" test "$CODE" = 429
as_admin /api/v1/devices
check "even with a good token, until the window ends" test "$CODE" = 429
contains "and says when to try again" "$BODY" "try again in"

kill -TERM $SERVER
wait $SERVER
check "serve exits 0" test $? -eq 0
check "no sanitizer report" test "$(grep -c 'Sanitizer' "$LOG")" -eq 0
finish
