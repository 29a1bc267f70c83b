#!/usr/bin/env bash
# Benchmark: PHONES phones fetching ITLFile.tlv and SEP<MAC>.cnf.xml.sgn
# after a regeneration (ucpki's cache empty: every configuration merged
# and signed on first fetch), then again (cached); nginx serving the same
# bytes from a copy of the root, in the same run.  Then TFTP: ucpki
# against tftpd-hpa on the same files.  Prints requests/s and the
# server's CPU per request.  The client is curl (--parallel).
#   bash bench/tftp.sh [PHONES] [PARALLEL] [TFTP_PHONES]
# TFTP_PHONES (default PHONES) bounds the TFTP rounds: tftpd-hpa forks a
# process per transfer and takes half an hour for 40,000 phones.
# Needs nginx-light and tftpd-hpa (not installed by scripts/setup.sh:
# apt-get install nginx-light tftpd-hpa).
. "$(dirname "$0")/lib.sh"
PHONES=${1:-2000}
PAR=${2:-50}
TFTP_PHONES=${3:-$PHONES}
echo "# command: bash bench/tftp.sh $PHONES $PAR $TFTP_PHONES"
command -v nginx >/dev/null || { echo "nginx missing (apt-get install nginx-light)" >&2; exit 1; }
command -v in.tftpd >/dev/null || { echo "in.tftpd missing (apt-get install tftpd-hpa)" >&2; exit 1; }
$U init --node bench.example.test >/dev/null
mkdir -p "$UCPKI_HOME/config"
csv=$BENCH_TMP/devices.csv
echo "name,model" >"$csv"
for i in $(seq 1 "$PHONES"); do
	printf -v name 'SEP%012X' "$i"
	echo "$name,8845" >>"$csv"
	printf '<device><fullConfig>true</fullConfig><deviceProtocol>SIP</deviceProtocol><userLocale>English_United_States</userLocale><phoneLabel>%s</phoneLabel></device>\n' \
		"$name" >"$UCPKI_HOME/config/$name.cnf.xml"
done
$U device import "$csv" >/dev/null
HTTP_PORT=$(free_port)
TFTP_PORT=$(free_port)
SERVE_PORTS="--http-port $HTTP_PORT --tftp-port $TFTP_PORT --https-port 0 --admin-port 0"
start_server \
	--max-transfers 100000 --max-transfers-per-address 100000 \
	--max-http-connections 100000 --max-http-connections-per-address 100000

# urls PORT SCHEME COUNT: a curl config with COUNT phones' two fetches.
urls() {
	local i name
	for i in $(seq 1 "$3"); do
		printf -v name 'SEP%012X' "$i"
		printf 'url = "%s://127.0.0.1:%s/ITLFile.tlv"\noutput = "/dev/null"\n' "$2" "$1"
		printf 'url = "%s://127.0.0.1:%s/%s.cnf.xml.sgn"\noutput = "/dev/null"\n' "$2" "$1" "$name"
	done
}

proc_cpu() {	# CPU seconds of a process and its waited-for children
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"
}

# run NAME PID PORT SCHEME [COUNT]: one round of COUNT (default every)
# phones' two fetches.
run() {
	local n=${5:-$PHONES} cfg=$BENCH_TMP/urls-$4.cfg c0 c1 t0 t1
	[ -e "$cfg" ] || urls "$3" "$4" "$n" >"$cfg"
	sed -i "s|127.0.0.1:[0-9]*/|127.0.0.1:$3/|" "$cfg"
	c0=$(proc_cpu "$2")
	t0=$(date +%s.%N)
	curl -s --no-progress-meter --fail --parallel --parallel-max "$PAR" -K "$cfg" 2>/dev/null || {
		echo "$1: a fetch failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	c1=$(proc_cpu "$2")
	awk -v n="$1" -v r=$((n * 2)) -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" 'BEGIN {
		printf "%-28s requests %d  requests/s %.0f  server_cpu_per_request_us %.0f\n",
		    n, r, r / (t1 - t0), (c1 - c0) * 1e6 / r }'
}

run "ucpki http (after regen)" "$SERVER_PID" "$HTTP_PORT" http
run "ucpki http (cached)" "$SERVER_PID" "$HTTP_PORT" http

# The same bytes for nginx and tftpd-hpa: a copy of the root with the
# signed configurations ucpki made.
ROOT2=$BENCH_TMP/root2
mkdir -p "$ROOT2"
cp "$UCPKI_HOME/tftp/ITLFile.tlv" "$ROOT2/"
# One curl for every file (a process per phone took minutes at 40,000).
for i in $(seq 1 "$PHONES"); do
	printf -v name 'SEP%012X' "$i"
	printf 'url = "http://127.0.0.1:%s/%s.cnf.xml.sgn"\noutput = "%s/%s.cnf.xml.sgn"\n' \
		"$HTTP_PORT" "$name" "$ROOT2" "$name"
done >"$BENCH_TMP/copy.cfg"
curl -s --no-progress-meter --fail --parallel --parallel-max "$PAR" -K "$BENCH_TMP/copy.cfg"
# nginx's worker drops to nobody: the copy must be readable.
chmod 755 "$BENCH_TMP"
chmod -R a+rX "$ROOT2"
NGINX_PORT=$(free_port)
cat >"$BENCH_TMP/nginx.conf" <<CONF
worker_processes 1;
pid $BENCH_TMP/nginx.pid;
error_log $BENCH_TMP/nginx.err;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	server { listen 127.0.0.1:$NGINX_PORT; root $ROOT2; }
}
CONF
nginx -c "$BENCH_TMP/nginx.conf" -g 'daemon off;' &
NGINX_MASTER=$!
sleep 1
NGINX_WORKER=$(pgrep -P "$NGINX_MASTER" | head -1)
run "nginx http" "$NGINX_WORKER" "$NGINX_PORT" http
kill "$NGINX_MASTER"; wait "$NGINX_MASTER" 2>/dev/null || true

run "ucpki tftp" "$SERVER_PID" "$TFTP_PORT" tftp "$TFTP_PHONES"
HPA_PORT=$(free_port)
in.tftpd -L -s "$ROOT2" -a "127.0.0.1:$HPA_PORT" &
HPA=$!
sleep 1
run "tftpd-hpa tftp" "$HPA" "$HPA_PORT" tftp "$TFTP_PHONES"
kill "$HPA"; wait "$HPA" 2>/dev/null || true
stop_server
