#!/usr/bin/env bash
# Where a CAPF enrollment's (or a TVS verification's) CPU goes, in a form
# that repeats on a busy machine: instruction counts from callgrind (user
# space only) for the whole server and for its RSA signatures (the
# floor: two per enrollment, one per TVS handshake), and from /proc the
# split between user and kernel time and the context switches, per phone.
# And the system calls per phone, by name, from strace -c attached to
# every thread of a warmed-up server.
#   bash bench/profile.sh [capf|tvs] [PHONES]   (default capf 200; valgrind is slow)
. "$(dirname "$0")/lib.sh"
SVC=${1:-capf}
N=${2:-200}
echo "# command: bash bench/profile.sh $SVC $N"
case $SVC in
capf) per=enrollment ;;
tvs) per=verification ;;
*) echo "usage: bash bench/profile.sh [capf|tvs] [PHONES]" >&2; exit 2 ;;
esac
# swarm PORT_CAPF PORT_TVS N: N phones of this service's kind
swarm() {
	if [ "$SVC" = capf ]; then
		$U phone swarm --capf 127.0.0.1:"$1" -n "$3" -c 20 --provision --timeout 300 >/dev/null 2>&1
	else
		$U phone swarm --tvs 127.0.0.1:"$2" -n "$3" -c 20 --timeout 300 >/dev/null 2>&1
	fi
}
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }
$U init --node bench.example.test >/dev/null

# 1. Instructions, under callgrind: one loop and one worker, so nothing
#    runs twice; the warm-up's and start-up's share is measured and taken out.
CAPF_PORT=$(free_port)
TVS_PORT=$(free_port)
valgrind --tool=callgrind --callgrind-out-file="$BENCH_TMP/cg.out" --dump-instr=no \
	$U serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$TVS_PORT" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
	--loops 1 --workers 1 --max-per-address 100000 --monitor-interval 0 --log-level warn \
	--handshake-timeout 300 --idle-timeout 300 \
	>"$BENCH_TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$CAPF_PORT") 2>/dev/null && break; sleep 0.1; done
swarm "$CAPF_PORT" "$TVS_PORT" "$N"
stop_server
callgrind_annotate --inclusive=yes "$BENCH_TMP/cg.out" 2>/dev/null >"$BENCH_TMP/cg.txt"
ir() { awk -v f="$1" '$0 ~ f { gsub(",", "", $1); print $1; exit }' "$BENCH_TMP/cg.txt"; }
total=$(ir "PROGRAM TOTALS")
startup=$(ir "server.c:setup ")
sign=$(ir ":EVP_DigestSign ")
handshake=$(ir ":SSL_do_handshake ")
lsc=$(ir "lsc.c:lsc_issue ")
writer=$(ir "jobs.c:writer_main ")
awk -v what="$per" -v n="$N" -v t="$total" -v su="${startup:-0}" -v s="$sign" -v h="$handshake" -v l="$lsc" -v w="${writer:-0}" 'BEGIN {
	per = (t - su) / n
	printf "instructions_per_%s %.0f\n", what, per
	printf "rsa_sign_instructions_per_%s %.0f (the floor)\n", what, s / n
	printf "instruction_ratio %.2f\n", per / (s / n)
	printf "tls_handshake_share %.1f%% (of which signing is most)\n", 100 * h / t
	printf "lsc_issue_share %.1f%%\n", 100 * l / t
	printf "writer_share %.1f%%\n", 100 * w / t
}'

# 2. Kernel time and context switches, natively.
start_server --loops 1 --workers 1
swarm "$CAPF_PORT" "$TVS_PORT" 50  # warm-up
read -r u0 s0 < <(awk '{ print $14, $15 }' "/proc/$SERVER_PID/stat")
c0=$(awk '/ctxt_switches/ { n += $2 } END { print n }' /proc/"$SERVER_PID"/task/*/status)
swarm "$CAPF_PORT" "$TVS_PORT" "$N"
read -r u1 s1 < <(awk '{ print $14, $15 }' "/proc/$SERVER_PID/stat")
c1=$(awk '/ctxt_switches/ { n += $2 } END { print n }' /proc/"$SERVER_PID"/task/*/status)
stop_server
awk -v what="$per" -v hz="$(getconf CLK_TCK)" -v n="$N" -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v c="$((c1 - c0))" 'BEGIN {
	printf "user_us_per_%s %.0f\nkernel_us_per_%s %.0f\n", what, u * 1e6 / hz / n, what, s * 1e6 / hz / n
	printf "context_switches_per_%s %.1f\n", what, c / n
}'

# 3. System calls per phone: strace attached to every thread after a
#    warm-up (counts repeat; strace's slowing does not change them much).
if command -v strace >/dev/null; then
	start_server --loops 1 --workers 1
	swarm "$CAPF_PORT" "$TVS_PORT" 50  # warm-up
	args=()
	for t in /proc/"$SERVER_PID"/task/*; do args+=(-p "${t##*/}"); done
	strace -c -o "$BENCH_TMP/strace.txt" "${args[@]}" 2>/dev/null &
	STRACE_PID=$!
	sleep 1
	swarm "$CAPF_PORT" "$TVS_PORT" "$N"
	kill -INT "$STRACE_PID"
	wait "$STRACE_PID" 2>/dev/null || true
	stop_server
	# strace -c: "% time, seconds, usecs/call, calls, [errors,] syscall"
	awk -v n="$N" '$1 ~ /^[0-9.]+$/ && $NF != "total" && NF >= 5 { c += $4; printf "  %s %.2f\n", $NF, $4 / n }
		END { printf "syscalls_per_phone %.1f\n", c / n }' "$BENCH_TMP/strace.txt" | sort -k2 -nr | awk -v what="$per" '{ sub("phone", what) } 1'
fi
