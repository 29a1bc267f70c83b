# bench/lib.sh - shared by the benchmark scripts: build, a fresh home, a
# server on loopback, and its CPU time and memory from /proc.
set -eu
cd "$(dirname "$0")/.."
# UCPKI_BIN: measure that binary instead (a "before" copy), unbuilt.
if [ -n "${UCPKI_BIN:-}" ]; then U=$UCPKI_BIN; else make -s build >/dev/null; U=./build/ucpki; fi
echo "# binary: $U ($(sha256sum "$U" | cut -c1-12))"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ucpki-bench.XXXXXX")
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
export UCPKI_HOME=$BENCH_TMP/home
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server ARGS...: ucpki serve on loopback ports CAPF_PORT and TVS_PORT.
# The phones' file and administration services are off unless SERVE_PORTS
# says otherwise (a script that measures them sets it).
SERVE_PORTS=${SERVE_PORTS:---http-port 0 --tftp-port 0 --https-port 0 --admin-port 0}
start_server() {
	CAPF_PORT=$(free_port)
	TVS_PORT=$(free_port)
	# shellcheck disable=SC2086
	$U serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$TVS_PORT" $SERVE_PORTS \
		--max-per-address 100000 --max-connections 100000 --log-level warn "$@" \
		>"$BENCH_TMP/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 50); do
		(exec 3<>/dev/tcp/127.0.0.1/"$CAPF_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "server did not start" >&2
	cat "$BENCH_TMP/serve.log" >&2
	exit 1
}

stop_server() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

# CPU seconds (user+sys) the server has used so far.
server_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"
}

# Peak and current resident memory of the server, in MiB.
server_peak_rss_mb() { awk '/VmHWM/ { printf "%.1f\n", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
server_rss_mb() { awk '/VmRSS/ { printf "%.1f\n", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
