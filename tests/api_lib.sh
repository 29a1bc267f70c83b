# tests/api_lib.sh - for the tests of the administration API
# (tests/cli/admin_api*.sh), after tests/lib.sh: a serve with the API on a
# free port, tokens, and curl over real TLS against it.

# api_tokens: ADMIN_TOKEN (ops, admin) and RO_TOKEN (viewer, read-only).
api_tokens() {
	ADMIN_TOKEN=$("$UCPKI" admin token add ops 2>/dev/null)
	RO_TOKEN=$("$UCPKI" admin token add viewer --role read-only 2>/dev/null)
}

# api_serve [SERVE ARGS...]: serve with only the administration service,
# on PORT (free_port unless set), logging to LOG; SERVER is its pid, BASE
# its address, $TEST_TMP/tomcat.pem the certificate curl trusts.
api_serve() {
	: "${PORT:=$(free_port)}"
	: "${NODE:=cucm.example.test}"
	LOG=${LOG:-$TEST_TMP/serve.log}
	"$UCPKI" cert show tomcat --pem >"$TEST_TMP/tomcat.pem"
	"$UCPKI" serve --listen 127.0.0.1 --capf-port 0 --tvs-port 0 --http-port 0 --tftp-port 0 \
		--https-port 0 --monitor-interval 0 --admin-port "$PORT" "$@" >"$LOG" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	BASE=https://$NODE:$PORT
	check "serve listening on the admin port" wait_port "$PORT"
}

# api [CURL ARGS...] PATH: sets CODE and BODY
api() {
	local path=${*: -1}
	CODE=$(curl -sS -o "$TEST_TMP/body" -w '%{http_code}' --cacert "$TEST_TMP/tomcat.pem" \
		--resolve "$NODE:$PORT:127.0.0.1" "${@:1:$#-1}" "$BASE$path" 2>"$TEST_TMP/curl.err")
	BODY=$(cat "$TEST_TMP/body")
}
as_admin() { api -H "Authorization: Bearer $ADMIN_TOKEN" "$@"; }
as_viewer() { api -H "Authorization: Bearer $RO_TOKEN" "$@"; }
# post_json ROLE JSON PATH: a POST with a JSON body as ROLE (admin, viewer, none)
post_json() {
	local role=$1 body=$2 path=$3
	case $role in
	admin) as_admin -H 'Content-Type: application/json' -d "$body" "$path" ;;
	viewer) as_viewer -H 'Content-Type: application/json' -d "$body" "$path" ;;
	*) api -H 'Content-Type: application/json' -d "$body" "$path" ;;
	esac
}
# same_json NAME A B: equal as JSON values
same_json() {
	if python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$2" "$3"; then
		pass "$1"; else fail "$1" "api: $(printf '%s' "$2" | head -c 400)" "cli: $(printf '%s' "$3" | head -c 400)"; fi
}
# error_is MESSAGE: BODY is {"error": MESSAGE}
error_is() { python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1])["error"] != sys.argv[2])' "$BODY" "$1"; }
# json_get KEY... : a field of BODY (dotted path; [n] for arrays as n)
json_get() {
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print("null" if v is None else v)' "$BODY" "$1"
}
