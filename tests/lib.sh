# tests/lib.sh - helpers for the integration tests that drive the ucpki
# binary.  Source it; every test gets a fresh temporary home and must end
# with `finish`, which prints "N passed, M failed" and sets the exit code.
set -u

: "${UCPKI:?UCPKI must name the ucpki binary}"
: "${UCPKI_VECTORS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/vectors" && pwd)}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ucpki-test.XXXXXX")
export UCPKI_HOME="$TEST_TMP/home"
passed=0
failed=0
CLEANUP_PIDS=""

cleanup() {
	local pid
	for pid in $CLEANUP_PIDS; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# Registers a background process to be killed at exit.
on_exit_kill() { CLEANUP_PIDS="$CLEANUP_PIDS $1"; }

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	[ $# -gt 1 ] && printf '  %s\n' "${@:2}"
	return 0
}

# run ARGS...: runs ucpki; sets RC, OUT, ERR.
run() {
	"$UCPKI" "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}

# ok NAME ARGS...: ucpki ARGS must exit 0.
ok() {
	local name=$1
	shift
	run "$@"
	if [ "$RC" -eq 0 ]; then pass "$name"; else
		fail "$name" "exit $RC: ucpki $*" "stderr: $ERR"; fi
}

# refuses NAME "MESSAGE" ARGS...: ucpki ARGS must exit non-zero with
# MESSAGE on stderr, as exactly one line.
refuses() {
	local name=$1 message=$2
	shift 2
	run "$@"
	if [ "$RC" -eq 0 ]; then
		fail "$name" "expected failure, got exit 0: ucpki $*" "stdout: $OUT"
	elif [[ "$ERR" != *"$message"* ]]; then
		fail "$name" "stderr lacks '$message'" "stderr: $ERR"
	elif [ "$(printf '%s\n' "$ERR" | wc -l)" -ne 1 ]; then
		fail "$name" "stderr is not one line" "stderr: $ERR"
	else
		pass "$name"
	fi
}

# contains NAME HAYSTACK NEEDLE
contains() {
	if [[ "$2" == *"$3"* ]]; then pass "$1"; else
		fail "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 2000)"; fi
}

lacks() {
	if [[ "$2" != *"$3"* ]]; then pass "$1"; else
		fail "$1" "unexpected: $3"; fi
}

# check NAME COMMAND...: the shell command must succeed.
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "failed: $*"; fi
}

# A digest of everything in a home (database rows and key files), to
# prove a refused command changed nothing.  The audit trail is left out:
# it records the refusal too (that is its job), and changes nothing else.
home_digest() {
	local home=${1:-$UCPKI_HOME}
	{
		# The audit trail records refused changes too: it is the one
		# table a refusal may add to.
		sqlite3 "$home/ucpki.db" .dump 2>/dev/null | grep -v '^INSERT INTO audit '
		ls -la "$home/keys" 2>/dev/null | awk '{print $1, $5, $9}'
		cat "$home"/keys/* 2>/dev/null
	} | sha256sum | cut -d' ' -f1
}

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A free UDP port on 127.0.0.1.
free_udp_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	local port=$1 tries=$(( ${2:-20} * 10 ))
	while [ $tries -gt 0 ]; do
		(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# A change another process commits reaches a running serve at its store
# watch's next look (within a second on SQLite), not at the very next
# request.  serve_generations LOG: how many generations a serve run with
# --log-level debug has seen; serve_sees_change LOG BEFORE [SECONDS]:
# until it has seen more than BEFORE.
serve_generations() { grep -c 'store: generation' "$1" || true; }
serve_sees_change() {
	local log=$1 before=$2 tries=$(( ${3:-10} * 10 ))
	while [ $tries -gt 0 ]; do
		[ "$(serve_generations "$log")" -gt "$before" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# wait_until SECONDS COMMAND...: until COMMAND succeeds, polling every 0.1 s.
wait_until() {
	local tries=$(( $1 * 10 ))
	shift
	while [ $tries -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# wait_file PATH [SECONDS]: until PATH exists (a helper says it is ready).
wait_file() {
	local tries=$(( ${2:-20} * 10 ))
	while [ $tries -gt 0 ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# stop_server NAME PID LOG: SIGTERM, wait, and check the server exited
# cleanly with no sanitizer report in its log.
stop_server() {
	local name=$1 pid=$2 log=$3 rc
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	check "$name: exits 0 on SIGTERM" test "$rc" -eq 0
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$log"; then
		fail "$name: sanitizer report" "$(grep -E -A8 'Sanitizer|runtime error' "$log" | head -30)"
	else
		pass "$name: no sanitizer report"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# device_field NAME KEY: one field of `device show NAME --json`, a dotted
# path for nested objects (lsc.sha256); "null" when absent.
device_field() {
	"$UCPKI" device show "$1" --json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("null" if v is None else v)' "$2"
}
