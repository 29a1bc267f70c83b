#!/usr/bin/env bash
# The services under sustained abuse (issue 14), one fresh server per
# abuse with the production defaults, while a real phone enrolls and
# asks TVS in a loop.  Prints one table row per abuse: what the attacker
# managed, what the server logged, its peak RSS and CPU, the log lines it
# wrote, the real phone's enrollments and TVS queries during the abuse,
# and how long one enrollment and one query took right after it.
# Usage: bash tests/abuse/run.sh [SECONDS]   (default 30 per abuse; needs build/)
set -u
cd "$(dirname "$0")/../.."
SECS=${1:-30}
U=$PWD/build/ucpki
A="python3 $PWD/tests/abuse_client.py"
T=$(mktemp -d "${TMPDIR:-/tmp}/ucpki-abuse.XXXXXX")
export UCPKI_HOME=$T/home
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
ulimit -n "$(ulimit -Hn)"

sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
$U init --node cucm.example.test >/dev/null
$U phone make SEP0000000000A1 >/dev/null
$U device add SEP0000000000A1 >/dev/null
$U cert show CallManager --pem >"$T/cm.pem"
openssl x509 -in "$T/cm.pem" -outform DER -out "$T/cm.der"
$U --home "$T/home2" init --node other.example.test >/dev/null

# start ULIMIT ARGS...: a fresh server (ULIMIT "-" for none).
start() {
	local lim=$1
	shift
	CAPF=$(free_port)
	TVS=$(free_port)
	LOG=$T/serve-$CAPF.log
	bash -c "[ $lim = - ] || ulimit -n $lim; exec $U serve --listen 127.0.0.1 --capf-port $CAPF --tvs-port $TVS --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 $*" >"$LOG" 2>&1 &
	SERVER=$!
	for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$CAPF) 2>/dev/null && break; sleep 0.1; done
	sleep 0.5
}
stop() { kill $SERVER; wait $SERVER 2>/dev/null; SERVER=""; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' /proc/$SERVER/stat; }
peak() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' /proc/$SERVER/status; }

# One real phone, over and over, until $T/stop exists.
phone_loop() {
	local e=0 eo=0 q=0 qo=0
	while [ ! -e "$T/stop" ]; do
		$U device set SEP0000000000A1 --operation install --auth null >/dev/null 2>&1
		e=$((e + 1))
		timeout 60 $U phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF >/dev/null 2>&1 && eo=$((eo + 1))
		q=$((q + 1))
		timeout 60 $U tvs query "$T/cm.pem" --server 127.0.0.1:$TVS 2>/dev/null | grep -q "Status: valid" && qo=$((qo + 1))
	done
	echo "$eo/$e enrollments, $qo/$q TVS queries"
}

# after: one enrollment and one query, timed.
after() {
	local t0 t1 t2 ok1=fail ok2=fail
	$U device set SEP0000000000A1 --operation install --auth null >/dev/null 2>&1
	t0=$(date +%s.%N)
	timeout 60 $U phone capf SEP0000000000A1 --server 127.0.0.1:$CAPF >/dev/null 2>&1 && ok1=ok
	t1=$(date +%s.%N)
	timeout 60 $U tvs query "$T/cm.pem" --server 127.0.0.1:$TVS 2>/dev/null | grep -q "Status: valid" && ok2=ok
	t2=$(date +%s.%N)
	printf 'enroll %s %s s, query %s %s s' $ok1 "$(sub "$t1" "$t0")" $ok2 "$(sub "$t2" "$t1")"
}

# What the server's log says, in counts (lines, and what they counted).
said() {
	python3 - "$1" "$2" <<'PY'
import re, sys
lines = open(sys.argv[1], errors='replace').read().splitlines()[int(sys.argv[2]):]
kinds = [('handshake timed out', r'TLS handshake with .* timed out'),
         ('handshake failed', r'TLS handshake with .* failed'),
         ('message timed out', r'a message took over'),
         ('idle closed', r'closed when idle|timed out before naming'),
         ('refused', r'connection from .* refused'),
         ('accept paused', r'accept paused'),
         ('not reading', r'does not read its replies'),
         ('enrolled', r'Upgrade Success')]
out, more = [], {}
for name, rx in kinds:
    n = sum(1 for l in lines if re.search(rx, l) and ' more ' not in l)
    if n:
        out.append('%s %d' % (name, n))
for l in lines:
    m = re.search(r'[A-Z]{3} (.*) \.\.\. and ([0-9,]+) more', l)
    if m:
        more[m.group(1)] = more.get(m.group(1), 0) + int(m.group(2).replace(',', ''))
out += ['"%s" +%s counted' % (k, format(v, ',')) for k, v in more.items()]
print(', '.join(out) or '-')
PY
}

# abuse NAME ULIMIT "SERVER ARGS" ATTACK...: one row.
abuse() {
	local name=$1 lim=$2 args=$3 c0 l0 got phones
	shift 3
	start "$lim" $args
	c0=$(cpu)
	l0=$(wc -l <"$LOG")
	rm -f "$T/stop"
	phone_loop >"$T/phones" &
	local pl=$!
	got=$(eval "$@" 2>&1 | tail -1)
	touch "$T/stop"
	wait $pl
	phones=$(cat "$T/phones")
	local cp pk aft
	cp=$(sub "$(cpu)" "$c0")
	aft=$(after)
	pk=$(peak)
	stop	# the last counts are written at exit
	printf '| %s | %s | %s | %s MiB | %s s | %s | %s | %s |\n' "$name" "$got" \
		"$(said "$LOG" "$l0")" "$pk" "$cp" "$(( $(wc -l <"$LOG") - l0 ))" \
		"$phones" "$aft"
}

echo "# bash tests/abuse/run.sh $SECS   ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "| abuse | attacker's figures | server's log | peak RSS | server CPU | log lines | real phone during it | right after |"
echo "|---|---|---|---|---|---|---|---|"
abuse "slowloris before TLS: 1,000 connections, a ClientHello byte a second" - "" \
	'$A slowloris $CAPF hello 1000 $SECS'
abuse "slowloris after TLS: 200 CAPF sessions, an AUTH_RESPONSE byte a second" - "" \
	'$A slowloris $CAPF capf 200 $SECS'
abuse "slowloris after TLS: 200 TVS sessions, a request byte a second" - "" \
	'$A slowloris $TVS tvs 200 $SECS'
abuse "1,500 idle connections under ulimit -n 1024 (default limit: 928)" 1024 "--max-per-address 1000" \
	'$A hold $CAPF 1500 20 $SECS'
abuse "1,500 idle connections under ulimit -n 1024, --max-connections 2000 (accept runs out)" 1024 "--max-per-address 1000 --max-connections 2000" \
	'$A hold $CAPF 1500 20 $SECS'
abuse "70,000 source addresses, one connection each" - "" \
	'$A churn $CAPF 70000'
abuse "refusal flood: 2,000 connections from one address, reopened when closed" - "" \
	'$A hold $CAPF 2000 1 $SECS'
abuse "TVS requests never read, reconnecting" - "" \
	'$A noread-loop $TVS $T/cm.der $SECS'
abuse "failed TLS handshakes (TLS 1.0), back to back, 2 clients" - "" \
	'{ $A tls1-loop $CAPF $SECS & $A tls1-loop $TVS $SECS; wait; }'
abuse "a second ucpki serve (another home) on the same ports, 20 times" - "" \
	'for i in $(seq 20); do $U --home $T/home2 serve --listen 127.0.0.1 --capf-port $CAPF --tvs-port $TVS --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 2>&1 | tail -1; done | sort | uniq -c | sed "s/^ *//"'
