# tests/peers_lib.sh - helpers for the tests against real peers
# (tests/cli/peers_*.sh): the configuration snippets of
# docs/integrations.md, phones enrolled through a real `ucpki serve`, and
# failures reported with the peer's own log lines.  Source after lib.sh.

DOC="$TESTS_DIR/../docs/integrations.md"

# snippet NAME: the fenced block after "<!-- snippet: NAME -->" in the doc.
snippet() {
	awk -v n="$1" '
		$0 == "<!-- snippet: " n " -->" { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		found && inside { print }' "$DOC"
}

# need CMD...: the peers' programs must be installed (scripts/setup.sh).
need() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			fail "$c is installed (run scripts/setup.sh)"
			finish
		fi
	done
}

# run_doc_commands NAME SUBST: the doc's `ucpki ...` lines, run as written
# once SUBST (a sed script) put the test's paths in.
run_doc_commands() {
	local line
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		line=$(printf '%s\n' "$line" | sed -e "$2")
		eval "ok \"doc: \${line}\" ${line#ucpki }"
	done < <(snippet "$1")
}

# peer_ok NAME LOG ARGS...: ucpki ARGS must exit 0; else the peer's log.
peer_ok() {
	local name=$1 log=$2
	shift 2
	run "$@"
	if [ "$RC" -eq 0 ]; then pass "$name"; else
		fail "$name" "exit $RC: ucpki $*" "stdout: $OUT" "stderr: $ERR" \
		    "--- the peer's log ($log):" "$(tail -n 25 "$log")"; fi
}

# peer_refuses NAME LOG MESSAGE ARGS...: ucpki ARGS must fail with MESSAGE.
peer_refuses() {
	local name=$1 log=$2 message=$3
	shift 3
	run "$@"
	if [ "$RC" -eq 0 ]; then
		fail "$name" "expected failure, got exit 0: ucpki $*" "stdout: $OUT" \
		    "--- the peer's log ($log):" "$(tail -n 25 "$log")"
	elif [[ "$ERR" != *"$message"* ]]; then
		fail "$name" "stderr lacks '$message'" "stderr: $ERR" \
		    "--- the peer's log ($log):" "$(tail -n 25 "$log")"
	else
		pass "$name"
	fi
}

# enroll HOME NAME...: each phone gets its MIC and an LSC from a real
# `ucpki serve` on HOME (Null String authentication).
enroll() {
	local home=$1 port pid name
	shift
	port=$(free_port)
	for name in "$@"; do
		ok "$name: phone" --home "$home" phone make "$name"
		ok "$name: device" --home "$home" device add "$name"
		ok "$name: install scheduled" --home "$home" device set "$name" \
		    --operation install --auth null
	done
	"$UCPKI" --home "$home" serve --listen 127.0.0.1 --capf-port "$port" \
	    --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$home.serve.log" 2>&1 &
	pid=$!
	on_exit_kill $pid
	check "serve on $home" wait_port "$port"
	for name in "$@"; do
		peer_ok "$name: LSC installed" "$home.serve.log" --home "$home" \
		    phone capf "$name" --server 127.0.0.1:"$port"
	done
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
