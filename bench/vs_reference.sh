#!/usr/bin/env bash
# The same swarm against `ucpki serve` and against the reference
# usecallmanagernz daemons (capfd and tvsd, Python), in one run: the
# server's CPU per CAPF enrollment (null string, RSA-2048) and per TVS
# verification (a full TLS handshake each), for each, and the ratio.
#   UCPKI_REFERENCE_DIR=/path/to/daemons bash bench/vs_reference.sh [PHONES] [CONCURRENCY]
# The reference needs python3-cryptography (scripts/setup.sh installs it).
# CPU comes from /proc (user + system, all threads), read before and after
# each swarm; the swarm's own CPU is not in it.
if [ -z "${UCPKI_REFERENCE_DIR:-}" ]; then
	echo "vs_reference: skipped: set UCPKI_REFERENCE_DIR to the usecallmanagernz daemons checkout (capfd, tvsd)"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
N=${1:-500}
C=${2:-20}
REF=$(cd "$UCPKI_REFERENCE_DIR" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
echo "# command: UCPKI_REFERENCE_DIR=$UCPKI_REFERENCE_DIR bash bench/vs_reference.sh $N $C"
for f in capfd capfctl tvsd tvsctl; do
	[ -f "$REF/$f" ] || { echo "vs_reference: $REF/$f is missing" >&2; exit 1; }
done
$PY -c 'import cryptography' 2>/dev/null || { echo "vs_reference: python3-cryptography is missing (scripts/setup.sh)" >&2; exit 1; }

# cpu_of PID: CPU seconds (user + system) the process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
# measure PID SWARM-ARGS...: the process's CPU per phone, in microseconds,
# over one swarm of N phones; failures are fatal.  (No warm-up: the swarm
# numbers its phones from 1, and an enrolled device has nothing pending.)
measure() {
	local pid=$1 c0 c1 out
	shift
	c0=$(cpu_of "$pid")
	out=$($U phone swarm "$@" -n "$N" -c "$C" --json 2>/dev/null) || true
	c1=$(cpu_of "$pid")
	if [ "$(json_field "$out" completed)" != "$N" ]; then
		echo "vs_reference: $* : not all $N completed: $out" >&2
		exit 1
	fi
	awk -v a="$c0" -v b="$c1" -v n="$N" 'BEGIN { printf "%.0f\n", (b - a) * 1e6 / n }'
}
wait_listening() {
	for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
	echo "vs_reference: nothing listens on $1" >&2
	exit 1
}

$U init --node bench.example.test >/dev/null
# The reference serves the same identities: CAPF and TVS (certificate and
# key in one PEM), and the CallManager certificate the TVS swarm asks about.
key_of() { "$U" cert export "$1" --key --out "$BENCH_TMP/$1.key" >/dev/null 2>&1 && cat "$BENCH_TMP/$1.key"; }
mkdir -p "$BENCH_TMP/ref/issued"
for id in CAPF TVS; do
	$U cert export "$id" --out "$BENCH_TMP/$id.crt" >/dev/null 2>&1
	{ cat "$BENCH_TMP/$id.crt"; key_of "$id"; } >"$BENCH_TMP/ref/$id.pem"
done
$U cert export CallManager --out "$BENCH_TMP/CallManager.crt" >/dev/null 2>&1

# 1. ucpki serve: the devices provisioned for install, then the swarms.
start_server
python3 -c "
for i in range(1, $N + 1):
    print('SEP%012X,8845,install,null,,rsa2048,' % i)" >"$BENCH_TMP/devices.csv"
$U device import "$BENCH_TMP/devices.csv" >/dev/null 2>&1
u_capf=$(measure "$SERVER_PID" --capf 127.0.0.1:"$CAPF_PORT")
u_tvs=$(measure "$SERVER_PID" --tvs 127.0.0.1:"$TVS_PORT")
stop_server

# 2. The reference capfd: the same devices in its database.
REF_PIDS=""
trap 'for p in $REF_PIDS; do kill $p 2>/dev/null; done; [ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
$PY "$REF/capfctl" "$BENCH_TMP/ref/capf.db" --install SEP000000000001 -b 2048 >/dev/null
$PY - "$BENCH_TMP/ref/capf.db" $N <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT OR REPLACE INTO devices (device_name, operation, authentication, key_size) VALUES (?, 'install', 'no password', 2048)",
               [('SEP%012X' % i,) for i in range(1, int(sys.argv[2]) + 1)])
db.commit()
PY
RPORT=$(free_port)
$PY "$REF/capfd" -A "$BENCH_TMP/ref/CAPF.pem" -p "$RPORT" "$BENCH_TMP/ref/capf.db" "$BENCH_TMP/ref/issued" >"$BENCH_TMP/capfd.log" 2>&1 &
CAPFD=$!
REF_PIDS="$REF_PIDS $CAPFD"
wait_listening "$RPORT"
r_capf=$(measure "$CAPFD" --capf 127.0.0.1:"$RPORT")
kill "$CAPFD"

# 3. The reference tvsd: the CallManager certificate known, with its role.
$PY "$REF/tvsctl" "$BENCH_TMP/ref/tvs.db" --add "$BENCH_TMP/CallManager.crt" --ccm >/dev/null
TPORT=$(free_port)
$PY "$REF/tvsd" -T "$BENCH_TMP/ref/TVS.pem" -p "$TPORT" "$BENCH_TMP/ref/tvs.db" >"$BENCH_TMP/tvsd.log" 2>&1 &
TVSD=$!
REF_PIDS="$REF_PIDS $TVSD"
wait_listening "$TPORT"
r_tvs=$(measure "$TVSD" --tvs 127.0.0.1:"$TPORT")
kill "$TVSD"

awk -v uc="$u_capf" -v rc="$r_capf" -v ut="$u_tvs" -v rt="$r_tvs" -v n="$N" 'BEGIN {
	printf "phones %d\n", n
	printf "ucpki_capf_cpu_us_per_enrollment %d\nreference_capfd_cpu_us_per_enrollment %d\ncapf_ratio_reference_to_ucpki %.1f\n", uc, rc, rc / uc
	printf "ucpki_tvs_cpu_us_per_verification %d\nreference_tvsd_cpu_us_per_verification %d\ntvs_ratio_reference_to_ucpki %.1f\n", ut, rt, rt / ut
}'
