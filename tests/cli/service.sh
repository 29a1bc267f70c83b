#!/usr/bin/env bash
# ucpki as a service: ucpki.conf (refusals with file and line,
# --check-config, the command line over the file), sd_notify as systemd
# sees it (tests/notify_sink.py stands in for systemd's socket: READY=1
# once every listener is bound, STATUS=, WATCHDOG=1, RELOADING=1/READY=1
# around SIGHUP, STOPPING=1), `ucpki status` read from the running
# service, and log lines for the journal.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/work
mkdir -p "$W"
PY=python3
: "${UCPKI_DOCS:?UCPKI_DOCS must name the generated documentation}"

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches (grep -E).
wait_for() {
	local tries=$(( ${3:-30} * 10 ))
	while [ $tries -gt 0 ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}
# wait_status PATTERN [SECONDS]: until `ucpki status` prints PATTERN (grep -E).
wait_status() {
	local tries=$(( ${2:-30} * 5 ))
	while [ $tries -gt 0 ]; do
		"$UCPKI" status 2>/dev/null | grep -qE "$1" && return 0
		sleep 0.2
		tries=$((tries - 1))
	done
	return 1
}

# --- ucpki.conf -------------------------------------------------------------------
printf '# a comment\nlisten = 127.0.0.1\n\ncapf-prot = 3804\n' >"$W/bad1.conf"
refuses "an unknown key, with file and line" "$W/bad1.conf:4: capf-prot: unknown setting" \
    serve --config "$W/bad1.conf" --check-config
printf 'capf-port = 99999\n' >"$W/bad2.conf"
# Refused before anything else: this home is not even initialised yet.
refuses "a bad value, at start" "$W/bad2.conf:1: capf-port: must be a number from 0 to 65535, not '99999'" \
    serve --config "$W/bad2.conf"
printf 'tls1 = yes\ntls1 = no\n' >"$W/dup.conf"
refuses "a key given twice" "$W/dup.conf:2: tls1: set twice" serve --config "$W/dup.conf" --check-config
printf 'listen = ::\n' >"$W/v6.conf"
refuses "an address that is not IPv4" "$W/v6.conf:1: listen: '::' is not an IPv4 address" \
    serve --config "$W/v6.conf" --check-config
refuses "a missing --config file" "$W/none.conf: No such file or directory" \
    serve --config "$W/none.conf" --check-config

printf 'listen = 127.0.0.2\ncapf-port = 1111\ntls1 = yes\nlog-level = debug\n' >"$W/good.conf"
ok "--check-config" serve --config "$W/good.conf" --check-config --capf-port 2222
contains "names the file" "$OUT" "# $W/good.conf: ok"
contains "a value from the file" "$OUT" "listen = 127.0.0.2"
contains "the command line over the file" "$OUT" "capf-port = 2222"
contains "a flag from the file" "$OUT" "tls1 = yes"
contains "the defaults for the rest" "$OUT" "idle-timeout = 30"
refuses "command-line values are checked the same way" \
    "serve: --capf-port: must be a number from 0 to 65535, not 'x'" serve --config "$W/good.conf" --capf-port x

# The generated default file: every serve option, each at its default.
CONF=$UCPKI_DOCS/ucpki.conf
ok "the generated ucpki.conf passes" serve --config "$CONF" --check-config
ok "no file: the built-in defaults" serve --check-config
defaults=$(printf '%s\n' "$OUT" | tail -n +2)
sed 's/^#\([a-z][a-z0-9-]* =\)/\1/' "$CONF" >"$W/all.conf"
ok "every setting uncommented passes" serve --config "$W/all.conf" --check-config
check "and gives exactly the defaults" test "$(printf '%s\n' "$OUT" | tail -n +2)" = "$defaults"
missing=""
for key in $("$UCPKI" serve --help | sed -n 's/^  --\([a-z0-9-]*\).*/\1/p'); do
	case $key in config | check-config | help) continue ;; esac
	grep -q "^#$key = " "$CONF" || missing="$missing $key"
done
if [ -z "$missing" ]; then pass "every serve option is in ucpki.conf"; else
	fail "serve options missing from ucpki.conf" "$missing"; fi

# --- sd_notify and status ---------------------------------------------------------
ok "init" init --node svc.example.test
run status
check "status before the first start: exit 3" test "$RC" -eq 3
contains "says it never ran here" "$OUT" "not running ($H has no serve.status"

SOCK=$W/notify.sock
NLOG=$W/notify.log
: >"$NLOG"
$PY "$TESTS_DIR/notify_sink.py" "$SOCK" "$NLOG" 120 &
SINK=$!
on_exit_kill $SINK
tries=300
while [ ! -S "$SOCK" ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
CP=$(free_port)
TP=$(free_port)
printf 'listen = 127.0.0.1\ncapf-port = %s\ntvs-port = %s\nhttp-port = 0\ntftp-port = 0\nhttps-port = 0\nadmin-port = 0\nmonitor-interval = 0\nloops = 2\nworkers = 1\n' \
    "$CP" "$TP" >"$W/serve.conf"
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=1000000 "$UCPKI" serve --config "$W/serve.conf" >"$W/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
if wait_for "$NLOG" '^READY=1$' 30; then pass "READY=1"; else
	fail "READY=1" "$(cat "$NLOG")" "$(cat "$W/serve.log")"; finish; fi
# READY means every listener is bound: connect at once, no waiting.
check "CAPF accepts as soon as READY=1 arrives" bash -c "exec 3<>/dev/tcp/127.0.0.1/$CP"
check "TVS accepts as soon as READY=1 arrives" bash -c "exec 3<>/dev/tcp/127.0.0.1/$TP"
contains "STATUS= names the listeners and counts" "$(cat "$NLOG")" \
    "STATUS=running: CAPF 127.0.0.1:$CP, TVS 127.0.0.1:$TP; "
check "WATCHDOG=1 when the watchdog is on" wait_for "$NLOG" '^WATCHDOG=1$' 10
check "the settings came from the file" grep -q "CAPF listening on 127.0.0.1:$CP (2 loops)" "$W/serve.log"

ok "status" status
contains "up" "$OUT" "ucpki serve: running (state running, pid $SERVER"
contains "its listeners" "$OUT" "CAPF 127.0.0.1:$CP, TVS 127.0.0.1:$TP"
contains "its version" "$OUT" "$("$UCPKI" --version)"
contains "its store" "$OUT" "$(cd "$H" && pwd -P) (schema"
ok "status --json" status --json
got=$(printf '%s' "$OUT" | $PY -c '
import json, sys
j = json.load(sys.stdin)
print(j["up"], j["verdict"], [(l["service"], l["address"], l["port"]) for l in j["listeners"]])
print("ucpki", j["versions"]["ucpki"], j["versions"]["openssl"][:7], j["devices"], j["pending"], j["errors"])')
check "json: up, with its listeners" test "$(sed -n 1p <<<"$got")" = \
    "True running [('CAPF', '127.0.0.1', $CP), ('TVS', '127.0.0.1', $TP)]"
check "json: versions and counts" test "$(sed -n 2p <<<"$got")" = "$("$UCPKI" --version) OpenSSL 0 0 []"
check "the status file is the service's own (0600)" test "$(stat -c %a "$H/serve.status")" = 600

ok "add a device" device add SEP001122334455 --model 8845
ok "schedule its install" device set SEP001122334455 --operation install --auth null
ok "add another" device add SEP001122334466 --model 8845
check "status counts the devices and pending operations (from the service)" \
    wait_status '^devices: +2, 1 with a pending operation$' 20

# An error in the service shows in status: a SIGHUP that cannot reload.
key=$(ls "$H"/keys/CAPF-*.key)
chmod 640 "$key"
kill -HUP $SERVER
check "the refused reload is among the last errors" \
    wait_status '^  .* serve: SIGHUP: identities not reloaded: .*CAPF private key is readable' 20
ok "status --json lists it" status --json
contains "under errors" "$OUT" '"errors":[{"at":'
contains "with its message" "$OUT" '"message":"serve: SIGHUP: identities not reloaded: '

chmod 600 "$key"
kill -HUP $SERVER
check "the next SIGHUP reloads" wait_for "$W/serve.log" 'SIGHUP: identities reloaded' 20
# READY=1 follows the log line (exports and services reload in between).
ready_after_each_reload() {
	awk '/^RELOADING=1$/ { r++ } /^READY=1$/ && r > 0 { ready[r] = 1 }
	    END { exit !(r == 2 && ready[1] && ready[2]) }' "$NLOG"
}
check "RELOADING=1 is followed by READY=1" wait_until 20 ready_after_each_reload

stop_server "serve" $SERVER "$W/serve.log"
check "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1$' "$NLOG"
run status
check "status after a stop: exit 3" test "$RC" -eq 3
contains "says stopped" "$OUT" "ucpki serve: stopped"

# A service that dies without stopping leaves a status nobody believes.
CP=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CP" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 >"$W/serve2.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve again" wait_port "$CP"
check "status: running" wait_status '^ucpki serve: running' 10
kill -KILL $SERVER
wait $SERVER 2>/dev/null
run status
check "status after SIGKILL: exit 3" test "$RC" -eq 3
contains "says not running" "$OUT" "ucpki serve: not running (state running, pid $SERVER"

# --- the journal ------------------------------------------------------------------
J=$W/journal.log
: >"$J"
CP=$(free_port)
JOURNAL_STREAM=$(stat -c '%d:%i' "$J") "$UCPKI" serve --listen 127.0.0.1 --capf-port "$CP" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --monitor-interval 0 2>>"$J" &
SERVER=$!
on_exit_kill $SERVER
check "serve with stderr on the journal" wait_port "$CP"
chmod 640 "$key"
kill -HUP $SERVER
check "an error at priority 3" wait_for "$J" '^<3>serve: SIGHUP: identities not reloaded' 20
chmod 600 "$key"
stop_server "journal serve" $SERVER "$J"
check "info at priority 6" grep -q "^<6>serve: CAPF listening on 127.0.0.1:$CP" "$J"
check "no timestamps of its own" bash -c "! grep -qE '^<[0-7]>[0-9]{4}-[0-9]{2}-[0-9]{2}T|^[0-9]{4}-' '$J'"
check "every line carries a priority" bash -c "! grep -qv '^<[0-7]>' '$J'"

# $JOURNAL_STREAM that is not stderr (redirected): lines as before.
CP=$(free_port)
# (No --listen: the default, every address, which serve points out.)
JOURNAL_STREAM=1:1 "$UCPKI" serve --capf-port "$CP" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --monitor-interval 0 >"$W/plain.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve with a foreign JOURNAL_STREAM" wait_port "$CP"
stop_server "plain serve" $SERVER "$W/plain.log"
check "timestamped lines as before" grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z INF serve: CAPF listening" "$W/plain.log"
check "the default is every address, and serve says so" grep -q "INF serve: the phones' services listen on every address (phones must reach them)" "$W/plain.log"
finish
