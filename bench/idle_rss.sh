#!/usr/bin/env bash
# Benchmark 5: the idle server's RSS after start with DEVICES (default
# 40,000) devices in the store.
#   bash bench/idle_rss.sh [DEVICES]
. "$(dirname "$0")/lib.sh"
N=${1:-40000}
echo "# command: bash bench/idle_rss.sh $N"
$U init --node bench.example.test >/dev/null
python3 -c "
for i in range(1, $N + 1):
    print('SEP%012X,8845,install,null,,rsa2048,' % i)" >"$BENCH_TMP/devices.csv"
$U device import "$BENCH_TMP/devices.csv" >/dev/null 2>&1
echo "devices_in_store $(sqlite3 "$UCPKI_HOME/ucpki.db" 'select count(*) from device')"
start_server
sleep 3
echo "idle_server_rss_mb $(server_rss_mb)"
stop_server
