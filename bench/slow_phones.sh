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
out=$($U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c "$N" --key-delay "$HOLD" --provision --timeout 300 --json 2>/dev/null)
peak=$(server_peak_rss_mb)
stop_server
python3 - "$out" "$peak" "$idle" "$HOLD" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
print("phones %d\nheld_ms_each %s\ncompleted %d\nfailed %d\nwall_s %.1f\nserver_rss_before_mb %s\nserver_peak_rss_mb %s"
      % (d["devices"], sys.argv[4], d["completed"], d["failed"], d["wall_s"], sys.argv[3], sys.argv[2]))
PY
