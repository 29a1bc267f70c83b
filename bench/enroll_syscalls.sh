#!/usr/bin/env bash
# The system calls of CAPF enrollments one at a time, split between the
# event loop's thread and the others (worker, writer): counts that repeat
# on a busy machine.  One phone at a time, so SQLite's in-process lock
# sharing between the loop's and the writer's connections does not hide
# any (with 20 at once they overlap and fcntl counts wander).
#   bash bench/enroll_syscalls.sh [PHONES]   (default 50)
. "$(dirname "$0")/lib.sh"
N=${1:-50}
echo "# command: bash bench/enroll_syscalls.sh $N"
command -v strace >/dev/null || { echo "strace is not installed"; exit 1; }
$U init --node bench.example.test >/dev/null
start_server --loops 1 --workers 1 --monitor-interval 0
swarm() { $U phone swarm --capf 127.0.0.1:"$CAPF_PORT" -n "$1" -c 1 --provision --timeout 300 >/dev/null 2>&1; }
swarm "$N"	# warm-up: the devices exist, their statements are prepared
args=()
for t in /proc/"$SERVER_PID"/task/*; do args+=(-p "${t##*/}"); done
strace -f -qq -o "$BENCH_TMP/strace.txt" "${args[@]}" 2>/dev/null &
STRACE_PID=$!
sleep 1
swarm "$N"
kill -INT "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null || true
LOOP_TID=$SERVER_PID
stop_server
# "TID name(...": the loop is the process's first thread (its pid).
awk -v n="$N" -v loop="$LOOP_TID" '
	{ tid = $1; call = $2; sub(/\(.*/, "", call); if (call !~ /^[a-z_0-9]+$/) next
	  side = tid == loop ? "loop" : "others"; c[side " " call]++; t[side]++ }
	END { for (k in c) printf "  %s %.2f\n", k, c[k] / n
	      printf "syscalls_per_enrollment loop %.1f, others %.1f\n", t["loop"] / n, t["others"] / n }' \
	"$BENCH_TMP/strace.txt" | sort -k1,1 -k3 -nr
