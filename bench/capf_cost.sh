#!/usr/bin/env bash
# Benchmark 1: CAPF server CPU time per completed enrollment (RSA-2048
# CAPF key and phone keys, null-string authentication) against the crypto
# floor measured in the same run: openssl speed's RSA-2048 signature time
# x 2 (one TLS handshake signature, one LSC signature), taken before and
# after the server run on an otherwise idle machine (both printed; the
# ratio uses their mean).
#   bash bench/capf_cost.sh [DEVICES]      (default 3000)
. "$(dirname "$0")/lib.sh"
N=${1:-3000}
echo "# command: bash bench/capf_cost.sh $N"
$U init --node bench.example.test >/dev/null
floor_before=$(sh bench/crypto_floor.sh | awk '{ print $2 }')
start_server
$U phone swarm --capf 127.0.0.1:$CAPF_PORT -n 200 -c 50 --provision >/dev/null 2>&1  # warm-up
cpu0=$(server_cpu)
out=$($U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c 100 --provision --json 2>/dev/null)
cpu1=$(server_cpu)
stop_server
floor_after=$(sh bench/crypto_floor.sh | awk '{ print $2 }')
completed=$(json_field "$out" completed)
awk -v c0="$cpu0" -v c1="$cpu1" -v n="$completed" -v fb="$floor_before" -v fa="$floor_after" 'BEGIN {
	f = (fb + fa) / 2
	per = (c1 - c0) * 1e6 / n
	printf "enrollments %d\nserver_cpu_s %.3f\nserver_cpu_per_enrollment_us %.0f\n", n, c1 - c0, per
	printf "rsa2048_sign_us_before %.1f\nrsa2048_sign_us_after %.1f\n", fb, fa
	printf "floor_us %.1f\nratio %.2f\n", 2 * f, per / (2 * f)
}'
