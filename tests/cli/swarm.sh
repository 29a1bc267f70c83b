#!/usr/bin/env bash
# phone swarm: many simulated phones on one event loop against a real
# `ucpki serve`: a clean enrollment storm, a server that refuses most
# connections at its per-address limit, and nothing listening.  Run in
# the suite so the sanitizer build runs the swarm too.
source "$UCPKI_TESTLIB"

W=$TEST_TMP/w
mkdir -p "$W"
ok "init" init --node cucm.swarm.test

CAPF=$(free_port)
TVS=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port "$TVS" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --loops 1 --workers 1 >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$CAPF"

# --- a storm every phone of which enrolls ----------------------------------------------------
ok "swarm: 20 phones, 5 at a time" phone swarm --capf 127.0.0.1:$CAPF -n 20 -c 5 --provision --record "$W/record" --json
check "all 20 completed, none failed" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["completed"]==20 and d["failed"]==0 and d["failure_reasons"]==[], d' "$OUT"
check "each phone wrote down its LSC" test "$(wc -l <"$W/record")" -eq 20
ok "device show" device show SEP000000000014
contains "the last phone enrolled" "$OUT" "Upgrade Success"
ok "swarm: TVS verifications" phone swarm --tvs 127.0.0.1:$TVS -n 10 -c 5 --requests 3
contains "TVS completed" "$OUT" "completed:   10 of 10 (TVS verifications)"
# Enrolled already: no operation pending, each failure with that reason.
refuses "swarm: phones with nothing to do fail" "swarm: 3 of 3 failed" phone swarm --capf 127.0.0.1:$CAPF -n 3 -c 3
contains "the reason counted" "$OUT" "       3  CAPF: no operation pending"
contains "counted by outcome, each kind apart" "$OUT" "(no action 3, unknown device 0, rejected 0, retry later 0, protocol 0)"
run phone swarm --capf 127.0.0.1:$CAPF -n 3 -c 3 --json
check "--json: failed_by names every way a session fails" python3 -c '
import json,sys; d=json.loads(sys.argv[1])["failed_by"]
assert d["no_action"]==3 and d["unknown_device"]==0 and d["rejected"]==0 and d["retry_later"]==0 and d["failed"]==0, d' "$OUT"
stop_server "serve" $SERVER "$W/serve.log"

# --- a server that refuses most connections (limit per address) -------------------------------
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --loops 1 --workers 1 --max-per-address 1 >"$W/limited.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve (one connection per address) listening" wait_port "$CAPF"
run phone swarm --capf 127.0.0.1:$CAPF -n 12 -c 6 --provision --json
check "refusals do not kill the swarm (exit 1, not SIGPIPE's 141)" test "$RC" -eq 1
check "every phone counted, every failure with its reason" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
reasons = d["failure_reasons"]
assert d["completed"] + d["failed"] == 12, d
assert d["failed"] > 0 and sum(r["count"] for r in reasons) == d["failed"], d
assert all("by the server" in r["reason"] for r in reasons), reasons
assert d["failed_by"]["connect_failed"] == d["failed"], d' "$OUT"
contains "the summary line" "$ERR" "of 12 failed"
check "the server logged the refusals" grep -q "refused: 1 from that address (limit)" "$W/limited.log"
stop_server "serve (limited)" $SERVER "$W/limited.log"

# --- nothing listening ----------------------------------------------------------------------------
refuses "swarm: nothing listening" "swarm: 4 of 4 failed" phone swarm --capf 127.0.0.1:$CAPF -n 4 -c 2
contains "refused, and said so" "$OUT" "       4  connection refused"
finish
