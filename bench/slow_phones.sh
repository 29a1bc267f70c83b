#!/usr/bin/env bash
# Benchmark 3: PHONES concurrent connections (default 10,000), each holding
# HOLD_MS (default 30,000) in key generation as a slow phone does; the
# server's peak RSS, and that every one completes.
#   bash bench/slow_phones.sh [PHONES] [HOLD_MS]
. "$(dirname "$0")/lib.sh"
N=${1:-10000}
HOLD=${2:-30000}
echo "# command: bash bench/slow_phones.sh $N $HOLD"
$U init --node bench.example.test >/dev/null
start_server --keygen-timeout 120
idle=$(server_rss_mb)
$U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c "$N" --key-delay "$HOLD" --provision --timeout 300 --json >"$BENCH_TMP/swarm.json" 2>"$BENCH_TMP/swarm.err" &
SWARM_PID=$!
# While every phone waits in key generation (handshakes over, no LSC yet):
# what a waiting phone holds, apart from the peak of the handshake storm.
waiting=""
for _ in $(seq $((HOLD / 500))); do
	sleep 0.5
	kill -0 $SWARM_PID 2>/dev/null || break
	# the swarm's progress line: "swarm: DONE/N done, F failed, A active"
	last=$(grep '^swarm: [0-9]*/' "$BENCH_TMP/swarm.err" | tail -1 || true)
	case $last in "swarm: 0/"*) waiting=$(server_rss_mb) ;; esac
done
wait $SWARM_PID || true
out=$(cat "$BENCH_TMP/swarm.json")
peak=$(server_peak_rss_mb)
stop_server
python3 - "$out" "$peak" "$idle" "$HOLD" "${waiting:-0}" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
n, peak, idle, waiting = d["devices"], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[5])
print("phones %d\nheld_ms_each %s\ncompleted %d\nfailed %d\nwall_s %.1f\nserver_rss_before_mb %s\nserver_peak_rss_mb %s"
      % (n, sys.argv[4], d["completed"], d["failed"], d["wall_s"], sys.argv[3], sys.argv[2]))
print("server_rss_waiting_mb %.1f (the last sample before the first phone finished)" % waiting)
print("kb_per_phone_at_peak %.1f\nkb_per_phone_waiting %.1f" % ((peak - idle) * 1024 / n, (waiting - idle) * 1024 / n))
PY
