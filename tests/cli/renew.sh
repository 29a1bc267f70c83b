#!/usr/bin/env bash
# LSC renewals before expiry (capf config --renew-at): with the clock
# moved on (UCPKI_NOW), the monitor schedules an install by existing
# certificate for exactly the devices whose LSC has passed the fraction
# of its lifetime, reports and audits it; the simulated phone then
# renews against `ucpki serve`, authenticating with the LSC it still
# holds, and the scheduled run inside serve does the same through its
# writer.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
day=86400
now=$(date +%s)

field() { device_field "$@"; }
# start_serve LOG [ARGS]: serve on a new CAPF port ($CAPF), in $SERVER.
start_serve() {
	local log=$1
	shift
	CAPF=$(free_port)
	"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF" --tvs-port 0 \
	    --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 "$@" >"$W/$log" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	wait_port "$CAPF" 30
}
phone_lsc() {
	openssl x509 -in "$H/phones/$1/lsc.pem" -noout -serial 2>/dev/null || echo none
}

ok "init" init --node renew.example.test --org "Example Corp" --country NZ
ok "mfg CA" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem" --name mfg-ca
ok "trust the SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem" --name sudi-ca

run capf config --json
contains "renewals are off by default" "$OUT" '"renew_at":"off"'
refuses "a fraction of one or more is refused" "--renew-at" capf config --renew-at 3/2
refuses "a malformed fraction is refused" "--renew-at" capf config --renew-at soon
refuses "a malformed period is refused" "--renew-within" capf config --renew-within 3x

# A (30-day LSC) and B (90-day LSC) enroll now; C has none; D enrolls
# with a 30-day LSC but then has an operation pending.
check "serve listens" start_serve serve1.log --monitor-interval 0
for dev in SEP0000000000A1 SEP0000000000B2 SEP0000000000C3 SEP0000000000D4; do
	ok "phone make $dev" phone make $dev --model 8845
	ok "device add $dev" device add $dev --model 8845
done
ok "30-day LSCs" capf config --lsc-days 30
for dev in SEP0000000000A1 SEP0000000000D4; do
	ok "install $dev" device set $dev --operation install --auth null
	ok "$dev enrolls" phone capf $dev --server 127.0.0.1:$CAPF
done
ok "90-day LSCs" capf config --lsc-days 90
ok "install B" device set SEP0000000000B2 --operation install --auth null
ok "B enrolls" phone capf SEP0000000000B2 --server 127.0.0.1:$CAPF
kill -TERM $SERVER; wait $SERVER
ok "D: an operation set by the administrator" device set SEP0000000000D4 --operation troubleshoot

ok "renew at 2/3, within 2 days" capf config --renew-at 2/3 --renew-within 2d
contains "the setting is shown" "$OUT" "renew-at 2/3"
contains "and its period" "$OUT" "renew-within 172800s"

# Day 19: A is at 63% of its 30 days, not yet due.
UCPKI_NOW=$(( now + 19 * day )) run monitor --once --json
contains "day 19: nothing due" "$OUT" '"renewals":[]'
check "A untouched" test "$(field SEP0000000000A1 operation)" = none

# Day 21: A (70%) is due, B (23%) is not, C has no LSC, D is busy.
LATER=$(( now + 21 * day ))
A_OLD=$(phone_lsc SEP0000000000A1)
UCPKI_NOW=$LATER run monitor --once --json
check "monitor exits 0" test "$RC" -eq 0
echo "$OUT" >"$W/monitor.json"
got=$($PY -c 'import json,sys; print(" ".join(r["device"] for r in json.load(open(sys.argv[1]))["renewals"] if r["scheduled"]))' "$W/monitor.json")
check "exactly A is scheduled (got '$got')" test "$got" = SEP0000000000A1
contains "the report names the policy" "$OUT" '"renew_at":"2/3"'
check "A: install" test "$(field SEP0000000000A1 operation)" = install
check "A: by existing certificate, precedence LSC" test "$(field SEP0000000000A1 auth_mode)" = lsc
check "A: Operation Pending" test "$(field SEP0000000000A1 status)" = 2
deadline=$("$UCPKI" device show SEP0000000000A1 --json | $PY -c '
import json, sys, datetime
v = json.load(sys.stdin)["operation_completes_by"]
print(int(datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()))')
check "A: Operation Completes By is 2 days after the run" test "$deadline" = $(( LATER + 2 * day ))
check "B untouched" test "$(field SEP0000000000B2 operation)" = none
check "C untouched" test "$(field SEP0000000000C3 operation)" = none
check "D keeps its troubleshoot" test "$(field SEP0000000000D4 operation)" = troubleshoot
ok "A's history" device show SEP0000000000A1
contains "the renewal is audited" "$OUT" "renewal scheduled by the monitor: the LSC is past 2/3 of its lifetime"

UCPKI_NOW=$LATER run monitor --once
contains "the text report" "$OUT" "renewals scheduled: 0 (renew-at 2/3)"
lacks "a scheduled renewal is not scheduled again" "$OUT" "LSCRenewalScheduled"

# The phone renews with the LSC it holds (valid until stored anew).
check "serve listens again" start_serve serve2.log --monitor-interval 0
ok "A renews" phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF
contains "by its LSC" "$OUT" "mode:[3]([LSC])"
A_NEW=$(phone_lsc SEP0000000000A1)
check "A holds a new LSC" test "$A_NEW" != "$A_OLD"
check "Upgrade Success" test "$(field SEP0000000000A1 status)" = 3
check "the install is over" test "$(field SEP0000000000A1 operation)" = none
ok "A's history after" device show SEP0000000000A1
contains "authenticated by its LSC" "$OUT" "Success"
kill -TERM $SERVER; wait $SERVER
check "serve exits 0" test $? -eq 0

# The scheduled run inside serve (its own thread, writes through the
# writer): on day 70 B (78% of 90 days) is due, and so is A's renewed
# LSC (90 days, now too); serve's clock is fixed.
ok "e-mail off: renewals still scheduled" monitor config --frequency 1d
LATEST=$(( now + 70 * day ))
UCPKI_NOW=$LATEST check "serve with its monitor listens" start_serve serve3.log \
    --monitor-interval 1 --loops 1
tries=300
while ! grep -q 'renewal(s) scheduled' "$W/serve3.log" && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
contains "serve's run scheduled A and B" "$(cat "$W/serve3.log")" "2 renewal(s) scheduled"
check "A: install by LSC" test "$(field SEP0000000000A1 operation)/$(field SEP0000000000A1 auth_mode)" = install/lsc
check "B: install by LSC" test "$(field SEP0000000000B2 operation)/$(field SEP0000000000B2 auth_mode)" = install/lsc
B_OLD=$(phone_lsc SEP0000000000B2)
ok "B renews against that serve" phone capf SEP0000000000B2 --server 127.0.0.1:$CAPF
check "B holds a new LSC" test "$(phone_lsc SEP0000000000B2)" != "$B_OLD"
check "B: Upgrade Success" test "$(field SEP0000000000B2 status)" = 3
kill -TERM $SERVER; wait $SERVER
check "serve exits 0 again" test $? -eq 0
check "no sanitizer report" test "$(cat "$W"/serve*.log | grep -c Sanitizer)" -eq 0

ok "off again" capf config --renew-at off
UCPKI_NOW=$(( now + 400 * day )) run monitor --once --json
contains "off: nothing scheduled" "$OUT" '"renewals":[]'
finish
