#!/usr/bin/env bash
# Crash safety: a PHONES-phone enrollment storm (default 1,000), the
# server killed with SIGKILL at a random point, restarted, and checked:
#   - PRAGMA integrity_check is ok;
#   - every LSC a simulated phone stored has its record in the store;
#   - no device is left in a state that blocks its retry;
#   - the storm then completes.
# Repeated REPEATS times (default 20).
#   bash bench/crash_safety.sh [PHONES] [REPEATS]
. "$(dirname "$0")/lib.sh"
N=${1:-1000}
REPS=${2:-20}
echo "# command: bash bench/crash_safety.sh $N $REPS"
pass=0
for rep in $(seq "$REPS"); do
	home=$BENCH_TMP/home$rep
	export UCPKI_HOME=$home
	rec=$BENCH_TMP/stored$rep.txt
	: >"$rec"
	$U init --node crash.example.test >/dev/null
	start_server
	$U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c 100 --provision --record "$rec" --timeout 5 >/dev/null 2>&1 &
	swarm=$!
	# Kill somewhere in the storm (the swarm first spends ~3 s making its key pool).
	sleep "$(python3 -c 'import random; print(round(random.uniform(2.5, 5.0), 2))')"
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
	wait "$swarm" 2>/dev/null || true
	stored=$(wc -l <"$rec")
	integrity=$(sqlite3 "$home/ucpki.db" 'PRAGMA integrity_check')
	unknown=0
	while read -r device serial; do
		n=$(sqlite3 "$home/ucpki.db" "select count(*) from lsc where device='$device' and serial='$serial'")
		[ "$n" -eq 1 ] || unknown=$((unknown + 1))
	done <"$rec"
	# A device is stuck when nothing is pending for it, yet its phone
	# does not hold the LSC the store names: it would never retry.
	stuck=0
	for device in $(sqlite3 "$home/ucpki.db" "select name from device where operation = 0"); do
		grep -q "^$device " "$rec" || stuck=$((stuck + 1))
	done
	done_before=$(sqlite3 "$home/ucpki.db" "select count(*) from device where operation = 0 and status = 3")
	start_server
	$U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c 100 --timeout 10 >/dev/null 2>&1 || true
	stop_server
	done_after=$(sqlite3 "$home/ucpki.db" "select count(*) from device where operation = 0 and status = 3")
	ok=no
	if [ "$integrity" = ok ] && [ "$unknown" -eq 0 ] && [ "$stuck" -eq 0 ] && [ "$done_after" -eq "$N" ]; then
		ok=yes
		pass=$((pass + 1))
	fi
	echo "run $rep: killed with $done_before/$N done, $stored LSCs stored by phones, unknown to the store $unknown, integrity $integrity, stuck $stuck, done after restart $done_after/$N: $ok"
done
echo "crash_runs $REPS"
echo "crash_runs_passed $pass"
[ "$pass" -eq "$REPS" ]
