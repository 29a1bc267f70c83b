#!/usr/bin/env bash
# Benchmark 2: CAPF throughput on this machine with the swarm on the same
# machine, and the wall time to re-key DEVICES phones (default 40,000):
# every device provisioned for install (null string, RSA-2048), then the
# swarm enrolls them all, CONCURRENCY at a time.
#   bash bench/capf_rekey.sh [DEVICES] [CONCURRENCY]
. "$(dirname "$0")/lib.sh"
N=${1:-40000}
C=${2:-200}
echo "# command: bash bench/capf_rekey.sh $N $C"
$U init --node bench.example.test >/dev/null
start_server


out=$($U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c "$C" --provision --json 2>/dev/null)
echo "$out"
rss=$(server_peak_rss_mb)
stop_server
python3 - "$out" "$rss" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
print("devices %d\ncompleted %d\nfailed %d\nwall_s %.1f\nper_second %.0f\np99_ms %.0f\nserver_peak_rss_mb %s"
      % (d["devices"], d["completed"], d["failed"], d["wall_s"], d["per_second"], d["p99_ms"], sys.argv[2]))
PY
