#!/usr/bin/env bash
# The audit trail: a change through the API and one through the CLI are
# both recorded -- who, from where, what, when, the result and the
# object's fingerprints before and after -- with no secret in any row;
# `ucpki audit` and GET /api/v1/audit show the same rows.
source "$UCPKI_TESTLIB"
source "$TESTS_DIR/api_lib.sh"

command -v curl >/dev/null || { echo "# curl missing"; exit 77; }
D=SEP001122334455
ME=$(id -un)

ok "init" init --node cucm.example.test
ok "device add" device add $D --model 8845
api_tokens
run audit --json
check "the CLI's changes are recorded" python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
add = [r for r in rows if r["action"] == "device add"][0]
assert add["who"] == sys.argv[2] and add["via"] == "cli" and add["from"] == "local", add
assert add["object"] == "SEP001122334455" and add["result"] == "ok", add
assert add["before"] == "" and len(add["after"]) == 64, add
tok = [r for r in rows if r["action"] == "admin token add"]
assert len(tok) == 2 and tok[0]["object"] == "viewer", tok' "$OUT" "$ME"
lacks "no token in the trail" "$(sqlite3 "$UCPKI_HOME/ucpki.db" 'SELECT * FROM audit')" "${ADMIN_TOKEN:6}"
refuses "a failed change is recorded too (the command fails)" "no such device" device remove SEP00112233FFFF
run audit
contains "with its one line" "$OUT" "device remove SEP00112233FFFF: SEP00112233FFFF: no such device"
ok "showing the settings is no change" capf config
run audit --json
check "so it is not recorded" python3 -c 'import json,sys; assert not [r for r in json.loads(sys.argv[1]) if r["action"] == "capf config"]' "$OUT"
ok "a CLI device set with a string" device set $D --operation install --auth string --auth-string 24680
lacks "the string is not in the trail" "$(sqlite3 "$UCPKI_HOME/ucpki.db" 'SELECT * FROM audit')" "24680"
run audit --limit 1 --json
check "--limit 1: the newest row only" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert len(r) == 1 and r[0]["action"] == "device set", r' "$OUT"
refuses "--limit 0 is refused" "--limit '0'" audit --limit 0
refuses "--since nonsense is refused" "--since 'soon'" audit --since soon
run audit --since 1h --json
check "--since 1h: every row (all are new)" test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 5

api_serve
before=$(device_field $D status)
post_json admin '{"operation":"delete","auth":"string","auth-string":"97531"}' /api/v1/devices/$D
check "API device set: 200" test "$CODE" = 200
as_viewer "/api/v1/audit?limit=1"
check "GET /api/v1/audit: 200 for a read-only token" test "$CODE" = 200
check "the API's change is recorded" python3 -c '
import json, sys
r = json.loads(sys.argv[1])[0]
assert r["who"] == "ops" and r["via"] == "api" and r["from"].startswith("127.0.0.1:"), r
assert r["action"] == "POST /devices/{name}" and r["object"] == "SEP001122334455", r
assert r["result"] == "ok" and len(r["before"]) == 64 and len(r["after"]) == 64, r
assert r["before"] != r["after"], r' "$BODY"
lacks "the API's string is not in the trail" "$(sqlite3 "$UCPKI_HOME/ucpki.db" 'SELECT * FROM audit')" "97531"
same_json "GET /api/v1/audit = audit --json" "$BODY" "$("$UCPKI" audit --limit 1 --json)"
post_json admin '{"operation":"sometimes"}' /api/v1/devices/$D
as_admin "/api/v1/audit?limit=1"
check "a refused API change is recorded with its error" python3 -c '
import json, sys
r = json.loads(sys.argv[1])[0]
assert r["result"].startswith("--operation must be") and r["before"] == r["after"], r' "$BODY"
post_json viewer '{"operation":"install"}' /api/v1/devices/$D
as_admin "/api/v1/audit?limit=1"
check "a read-only token's attempt never runs (403), so the last row is still the refused one" python3 -c '
import json, sys; r = json.loads(sys.argv[1])[0]; assert r["who"] == "ops", r' "$BODY"
as_admin "/api/v1/audit?limit=zero"
check "a bad limit: 400" test "$CODE" = 400
contains "with the CLI's message" "$BODY" "--limit 'zero'"
as_admin "/api/v1/audit?colour=red"
check "an unknown parameter: 400" test "$CODE" = 400
stop_server "serve" $SERVER "$LOG"
finish
