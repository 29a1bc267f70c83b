#!/usr/bin/env bash
# Moving in from the reference tools (usecallmanagernz/daemons), run by
# hand, not by ctest:  tests/interop/import_ref.sh build/ucpki REFERENCE-CHECKOUT
# 1. the reference capfd, capfctl and tvsctl make their databases: phones
#    enrolled by the reference capfc (RSA and EC LSCs), operations
#    scheduled (install authenticated by the phone's LSC, install by
#    password, none), TVS certificates with roles and TTLs;
# 2. the reference capfc and tvsc ask the Python daemons, on a copy;
# 3. `ucpki import usecallmanager` takes the other copy and capf.pem, and
#    the same capfc and tvsc requests to `ucpki serve` get the same
#    answers (the phone holding capfd's LSC authenticates with it).
# Everything happens in a temporary directory that is removed at the end.
set -euo pipefail
UCPKI=$(realpath "$1")
REF=$(realpath "${2:?the path of a usecallmanagernz/daemons checkout}")
PY=/usr/bin/python3
T=$(mktemp -d)
export UCPKI_HOME=$T/home
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$T"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; printf '%s\n' "$2" | sed 's/^/    /'; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "Python: $2" "ucpki:  $3"; fi; }
$PY -c 'import cryptography' 2>/dev/null || { echo "skip: $PY has no cryptography module"; exit 77; }
cd "$T"
mkdir ref ask

# --- 1. the reference world -------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout capf.key -out capf.crt -days 3650 \
	-subj "/CN=capf.example.test/O=Example/C=NZ" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment" 2>/dev/null
cat capf.crt capf.key >capf.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout tvs.key -out tvs.crt -days 3650 \
	-subj "/CN=tvs.example.test" 2>/dev/null
cat tvs.crt tvs.key >tvs.pem
for n in asterisk apache unknown; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.pem -days 365 \
		-subj "/CN=$n.example.test" 2>/dev/null
done
capfctl() { $PY "$REF/capfctl" ref/capf.sqlite3 "$@" >/dev/null; }
tvsctl() { $PY "$REF/tvsctl" ref/tvs.sqlite3 "$@" >/dev/null; }
D1=SEP0A0B0C0D0E11 D2=SEP0A0B0C0D0E12 D3=SEP0A0B0C0D0E13
capfctl --install $D1 -b 2048
capfctl --install $D2 -E secp256r1
capfctl --none $D3
PORT=$(free_port)
$PY "$REF/capfd" -A capf.pem -p "$PORT" ref/capf.sqlite3 ref >capfd-enroll.log 2>&1 &
pid=$!; pids="$pids $pid"
wait_port "$PORT"
$PY "$REF/capfc" -A capf.crt -h 127.0.0.1:$PORT -c $D1.pem $D1 >/dev/null
$PY "$REF/capfc" -A capf.crt -h 127.0.0.1:$PORT -c $D2.pem $D2 >/dev/null
stop $pid
[ -s $D1.pem ] && [ -s $D2.pem ] && pass "capfd issued the phones their LSCs" || fail "capfd enrolment" "$(cat capfd-enroll.log)"
# What is pending when the move happens.
capfctl --install $D1 --certificate -b 2048
capfctl --install $D2 --password 4711 -E secp384r1
tvsctl -a asterisk.pem -c -L 3600
tvsctl -a apache.pem -A -T
tvsctl -a capf.crt -P -L 600
cp ref/capf.sqlite3 ask/capf.sqlite3; cp ref/tvs.sqlite3 ask/tvs.sqlite3
cp ref/capf.sqlite3 capf-move.sqlite3; cp ref/tvs.sqlite3 tvs-move.sqlite3

# The questions, asked of a CAPF at $1 and a TVS at $2 whose certificate is $3.
ask() {
	local capf=$1 tvs=$2 tvs_cert=$3 n out rc
	capfc() { $PY "$REF/capfc" -A capf.crt -h "$capf" "$@" 2>&1; }
	rc=0; out=$(capfc -l $D1.pem -c out-$D1.pem $D1) || rc=$?
	echo "capfc $D1 by its LSC: rc $rc: ${out//out-/}"
	openssl x509 -in out-$D1.pem -noout -subject -issuer 2>&1 | sed 's/^/  new LSC /'
	openssl verify -CAfile capf.crt out-$D1.pem 2>&1 | sed 's/^out-/  /'
	rc=0; out=$(capfc -p 1234 -c bad-$D2.pem $D2) || rc=$?
	echo "capfc $D2 with a wrong password: rc $rc: $out"
	rc=0; out=$(capfc -p 4711 -c out-$D2.pem $D2) || rc=$?
	echo "capfc $D2 by password: rc $rc: ${out//out-/}"
	openssl x509 -in out-$D2.pem -noout -text 2>&1 | grep -E 'NIST CURVE|ASN1 OID' | sed 's/^ */  new LSC /'
	rc=0; out=$(capfc -c out-$D3.pem $D3) || rc=$?
	echo "capfc $D3: rc $rc: $out"
	rc=0; out=$(capfc -c out-x.pem SEP0A0B0C0D0EFF) || rc=$?
	echo "capfc an unknown device: rc $rc: $out"
	for n in asterisk apache capf unknown; do
		[ $n = capf ] && f=capf.crt || f=$n.pem
		rc=0; out=$($PY "$REF/tvsc" -T "$tvs_cert" -h "$tvs" -d CP-8845-$D1 $f 2>&1) || rc=$?
		echo "tvsc $n: rc $rc"
		printf '%s\n' "$out" | grep -E '^(Status|Role|TTL):' || true
	done
	rm -f out-* bad-*
}

# --- 2. the Python daemons --------------------------------------------------------------
CPORT=$(free_port) TPORT=$(free_port)
$PY "$REF/capfd" -A capf.pem -p "$CPORT" ask/capf.sqlite3 ask >capfd.log 2>&1 &
cpid=$!; pids="$pids $cpid"
$PY "$REF/tvsd" -T tvs.pem -p "$TPORT" ask/tvs.sqlite3 >tvsd.log 2>&1 &
tpid=$!; pids="$pids $tpid"
wait_port "$CPORT"; wait_port "$TPORT"
ask 127.0.0.1:$CPORT 127.0.0.1:$TPORT tvs.crt >answers-python.txt
stop $cpid; stop $tpid

# --- 3. ucpki, after the import ---------------------------------------------------------
"$UCPKI" init --node cucm.example.test >/dev/null
out=$("$UCPKI" import usecallmanager --capf capf-move.sqlite3 --tvs tvs-move.sqlite3 --capf-cert capf.pem 2>&1) &&
	pass "import usecallmanager" || fail "import usecallmanager" "$out"
printf '%s\n' "$out" | sed 's/^/    /'
"$UCPKI" cert show TVS --pem >ucpki-tvs.pem
SPORT=$(free_port) VPORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$SPORT" --tvs-port "$VPORT" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 >serve.log 2>&1 &
spid=$!; pids="$pids $spid"
wait_port "$SPORT"; wait_port "$VPORT"
ask 127.0.0.1:$SPORT 127.0.0.1:$VPORT ucpki-tvs.pem >answers-ucpki.txt
stop $spid

# --- the same answers, question by question ----------------------------------------------
while IFS= read -r a && IFS= read -r b <&3; do
	same "${a%%:*}" "$a" "$b"
done <answers-python.txt 3<answers-ucpki.txt
[ "$(wc -l <answers-python.txt)" = "$(wc -l <answers-ucpki.txt)" ] &&
	pass "as many answers" || fail "as many answers" "$(diff answers-python.txt answers-ucpki.txt)"
echo "--- the answers (Python daemons)"; cat answers-python.txt
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "--- serve.log"; tail -30 serve.log; echo "--- capfd.log"; tail -20 capfd.log; false; }
