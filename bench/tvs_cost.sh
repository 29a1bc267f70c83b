#!/usr/bin/env bash
# Benchmark 4: TVS server CPU per verification, with a full TLS handshake
# per request and with REQS requests per session, against the floor of
# one RSA-2048 signature per handshake.
#   bash bench/tvs_cost.sh [REQUESTS] [REQS_PER_SESSION]
. "$(dirname "$0")/lib.sh"
N=${1:-3000}
K=${2:-10}
echo "# command: bash bench/tvs_cost.sh $N $K"
$U init --node bench.example.test >/dev/null
start_server
floor=$(bash bench/crypto_floor.sh | awk '{ print $2 }')
$U phone swarm --tvs 127.0.0.1:$TVS_PORT -n 200 -c 20 >/dev/null 2>&1
for per in 1 "$K"; do
	sessions=$(( N / per ))
	cpu0=$(server_cpu)
	out=$($U phone swarm --tvs 127.0.0.1:$TVS_PORT -n "$sessions" -c 50 --requests "$per" --json 2>/dev/null)
	cpu1=$(server_cpu)
	awk -v c0="$cpu0" -v c1="$cpu1" -v s="$sessions" -v k="$per" -v f="$floor" 'BEGIN {
		per_req = (c1 - c0) * 1e6 / (s * k)
		printf "requests_per_session %d\nverifications %d\nserver_cpu_per_verification_us %.0f\n", k, s * k, per_req
		if (k == 1) printf "floor_us %.1f\nratio %.2f\n", f, per_req / f
	}'
done
stop_server
