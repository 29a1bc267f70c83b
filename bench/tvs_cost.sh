#!/usr/bin/env bash
# Benchmark 4: TVS server CPU per verification, with a full TLS handshake
# per request and with REQS requests per session, against the floor of
# one RSA-2048 signature per handshake, taken before and after the
# server run on an otherwise idle machine (both printed; the ratio uses
# their mean).
#   bash bench/tvs_cost.sh [REQUESTS] [REQS_PER_SESSION]
. "$(dirname "$0")/lib.sh"
N=${1:-3000}
K=${2:-10}
echo "# command: bash bench/tvs_cost.sh $N $K"
$U init --node bench.example.test >/dev/null
floor_before=$(bash bench/crypto_floor.sh | awk '{ print $2 }')
start_server
$U phone swarm --tvs 127.0.0.1:$TVS_PORT -n 200 -c 20 >/dev/null 2>&1
results=""
for per in 1 "$K"; do
	sessions=$(( N / per ))
	cpu0=$(server_cpu)
	$U phone swarm --tvs 127.0.0.1:$TVS_PORT -n "$sessions" -c 50 --requests "$per" --json >/dev/null 2>&1
	cpu1=$(server_cpu)
	results="$results $per $sessions $cpu0 $cpu1"
done
stop_server
floor_after=$(bash bench/crypto_floor.sh | awk '{ print $2 }')
# shellcheck disable=SC2086
set -- $results
while [ $# -ge 4 ]; do
	awk -v k="$1" -v s="$2" -v c0="$3" -v c1="$4" -v fb="$floor_before" -v fa="$floor_after" 'BEGIN {
		f = (fb + fa) / 2
		per_req = (c1 - c0) * 1e6 / (s * k)
		printf "requests_per_session %d\nverifications %d\nserver_cpu_per_verification_us %.0f\n", k, s * k, per_req
		if (k == 1) printf "rsa2048_sign_us_before %.1f\nrsa2048_sign_us_after %.1f\nfloor_us %.1f\nratio %.2f\n", fb, fa, f, per_req / f
	}'
	shift 4
done
