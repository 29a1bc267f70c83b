#!/usr/bin/env bash
# Benchmark: change propagation between two serve processes on one
# PostgreSQL 15 (issue 18).  CHANGES trust changes (each a new
# CallManager-trust certificate) are committed through the first home's
# CLI, one after another; the second serve logs each generation it is
# notified of (debug level, millisecond timestamps).  A change's
# propagation is that log line's time minus its transaction's commit
# time (PostgreSQL's track_commit_timestamp, read from the trust row).
# The second serve is a second node of the cluster: `node add` on the
# first home (the publisher), `node join` in the second.
#   bash bench/propagation.sh [CHANGES]      (default 1000)
. "$(dirname "$0")/lib.sh"
N=${1:-1000}
echo "# command: bash bench/propagation.sh $N"
. tests/pg_lib.sh
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; [ -n "${B_PID:-}" ] && kill $B_PID 2>/dev/null; pg_stop; rm -rf "$BENCH_TMP"' EXIT
pg_start >/dev/null
psql -qAt "$UCPKI_PG" -c 'ALTER SYSTEM SET track_commit_timestamp = on'
pg_pause && pg_resume
$U init --node bench.example.test --store "$UCPKI_PG" >/dev/null
B=$BENCH_TMP/home-b
$U node add sub.bench.example.test >/dev/null
$U --home "$B" node join --store "$UCPKI_PG" --node sub.bench.example.test >/dev/null
mkdir "$BENCH_TMP/certs"
for i in $(seq 1 "$N"); do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout /dev/null -subj "/CN=bench-$i" -days 30 \
		-out "$BENCH_TMP/certs/$i.pem" 2>/dev/null
done
# -- the first serve (the changes are made beside it) and the second
start_server
B_TVS=$(free_port)
$U --home "$B" serve --listen 127.0.0.1 --capf-port 0 --tvs-port "$B_TVS" \
	--http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
	--monitor-interval 0 --log-level debug >"$BENCH_TMP/b.log" 2>&1 &
B_PID=$!
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/"$B_TVS") 2>/dev/null && break
	sleep 0.1
done
g0=$(psql -qAt "$UCPKI_PG" -c 'SELECT value FROM generation')
start=$EPOCHREALTIME
for i in $(seq 1 "$N"); do
	$U trust add CallManager-trust "$BENCH_TMP/certs/$i.pem" --name "bench-$i" >/dev/null 2>&1
done
end=$EPOCHREALTIME
sleep 2
kill $B_PID; wait $B_PID 2>/dev/null || true; B_PID=""
stop_server
# Change i is generation g0 + i (one bump each, in order).
psql -qAt -F ' ' "$UCPKI_PG" -c "SELECT $g0 + substr(name, 7)::int,
	extract(epoch FROM pg_xact_commit_timestamp(xmin))
	FROM trust WHERE name LIKE 'bench-%'" >"$BENCH_TMP/done"
python3 - "$BENCH_TMP/done" "$BENCH_TMP/b.log" "$N" "$start" "$end" <<'PY'
import calendar, re, sys, time
done = {}
for line in open(sys.argv[1]):
    g, t = line.split()
    done[int(g)] = float(t)
seen = {}
pat = re.compile(r"^(\S+)T(\S+)\.(\d{3})Z \S+ store: generation (\d+) \((notified|read)\)")
for line in open(sys.argv[2]):
    m = pat.match(line)
    if not m:
        continue
    t = calendar.timegm(time.strptime(m.group(1) + " " + m.group(2), "%Y-%m-%d %H:%M:%S")) + int(m.group(3)) / 1000
    g = int(m.group(4))
    seen.setdefault(g, (t, m.group(5)))
lat = sorted((seen[g][0] - t) * 1000 for g, t in done.items() if g in seen)
notified = sum(1 for g in done if g in seen and seen[g][1] == "notified")
n = int(sys.argv[3])
def pct(p):
    return lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
print("changes %d" % n)
print("changes_per_s %.1f" % (n / (float(sys.argv[5]) - float(sys.argv[4]))))
print("seen_by_other %d (notified %d)" % (len(lat), notified))
if lat:
    print("propagation_ms_p50 %.1f" % pct(50))
    print("propagation_ms_p99 %.1f" % pct(99))
    print("propagation_ms_max %.1f" % lat[-1])
    print("propagation_ms_min %.1f" % lat[0])
PY
