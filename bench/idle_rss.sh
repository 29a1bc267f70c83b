#!/usr/bin/env bash
# Benchmark 5: the idle server's RSS after start with DEVICES (default
# 40,000) devices in the store.
#   bash bench/idle_rss.sh [DEVICES]
. "$(dirname "$0")/lib.sh"
N=${1:-40000}
echo "# command: bash bench/idle_rss.sh $N"
$U init --node bench.example.test >/dev/null
start_server
# Provision against the running server's store, then let it settle.
$U phone swarm --capf 127.0.0.1:$CAPF_PORT -n "$N" -c 1 --provision --json >/dev/null 2>&1 &
sleep 1; kill $! 2>/dev/null || true; wait 2>/dev/null || true
stop_server
devices=$(sqlite3 "$UCPKI_HOME/ucpki.db" 'select count(*) from device')
start_server
sleep 3
echo "devices_in_store $devices"
echo "idle_server_rss_mb $(server_rss_mb)"
stop_server
