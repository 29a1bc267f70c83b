#!/usr/bin/env bash
# Interoperability with the reference CAPF tools (usecallmanagernz/daemons),
# run by hand, not by ctest:  tests/interop/capf_ref.sh build/ucpki [/work/ref/daemons]
# 1. the reference capfc enrolls against `ucpki serve`: null string,
#    authentication string, MIC and LSC authentication, EC, fetch, delete
#    (and another device's LSC is refused);
# 2. `ucpki phone capf` enrolls against the reference capfd.
# Everything happens in a temporary directory that is removed at the end.
set -euo pipefail
UCPKI=$(realpath "$1")
REF=${2:-/work/ref/daemons}
PY=/usr/bin/python3
T=$(mktemp -d)
export UCPKI_HOME=$T/home
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; for p in $pids; do wait $p 2>/dev/null || true; done; rm -rf "$T"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
status() { "$UCPKI" device show "$1" --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
lsc_sha() { "$UCPKI" device show "$1" --json | $PY -c 'import json,sys; l=json.load(sys.stdin)["lsc"]; print(l["sha256"] if l else "none")'; }
file_sha() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected $3, got $2)"; fi; }

"$UCPKI" init --node cucm.example.test --org "Example Corp" --country NZ >/dev/null
"$UCPKI" phone mfg init >/dev/null
"$UCPKI" trust add CAPF-trust "$UCPKI_HOME/phones/mfg/mfg-ca.pem" >/dev/null
"$UCPKI" trust add CAPF-trust "$UCPKI_HOME/phones/mfg/sudi-ca.pem" >/dev/null
"$UCPKI" cert show CAPF --pem >"$T/capf.pem"
PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 >"$T/serve.log" 2>&1 &
pids="$pids $!"
wait_port "$PORT"
cd "$T"
capfc() { $PY "$REF/capfc" -A "$T/capf.pem" -h "127.0.0.1:$PORT" "$@"; }

# --- capfc -> ucpki serve ---------------------------------------------------------
D=SEP0A0B0C0D0E01
"$UCPKI" device add $D >/dev/null
"$UCPKI" device set $D --operation install --auth null --key rsa2048 >/dev/null
capfc -c $D.pem $D && pass "capfc null string" || fail "capfc null string"
expect "null string: Upgrade Success" "$(status $D)" 3
expect "null string: same LSC" "$(lsc_sha $D)" "$(file_sha $D.pem)"

"$UCPKI" device set $D --operation install --auth string --auth-string 13579 --key ec256 >/dev/null
capfc -p 24680 -c $D-x.pem $D || true
expect "wrong string: Invalid Authentication String" "$(status $D)" 10
capfc -p 13579 -c $D.pem $D && pass "capfc authentication string, EC" || fail "capfc authentication string, EC"
expect "string: Upgrade Success" "$(status $D)" 3
openssl x509 -in $D.pem -noout -text | grep -q prime256v1 && pass "EC P-256 LSC" || fail "EC P-256 LSC"

# An RSA LSC for LSC authentication (capfc signs the SUDI with it too).
"$UCPKI" device set $D --operation install --auth null --key rsa2048 >/dev/null
capfc -c $D.pem $D >/dev/null
"$UCPKI" device set $D --operation install --auth lsc --key ec384 >/dev/null
capfc -l $D.pem -c $D-new.pem $D && pass "capfc LSC authentication" || fail "capfc LSC authentication"
expect "LSC auth: Upgrade Success" "$(status $D)" 3
expect "LSC auth: new LSC on record" "$(lsc_sha $D)" "$(file_sha $D-new.pem)"

M=SEP0A0B0C0D0E02
"$UCPKI" phone make $M >/dev/null
cat "$UCPKI_HOME/phones/$M/mic.pem" >"$T/mic.pem"
"$UCPKI" device add $M >/dev/null
"$UCPKI" device set $M --operation install --auth mic --key rsa2048 >/dev/null
capfc -l "$T/mic.pem" -s "$UCPKI_HOME/phones/$M/sudi.pem" -c $M.pem $M && pass "capfc MIC authentication (with SUDI)" || fail "capfc MIC authentication"
expect "MIC auth: Upgrade Success" "$(status $M)" 3

# Another device's LSC (D's, superseded but on record) is refused for M.
"$UCPKI" device set $M --operation install --auth lsc >/dev/null
capfc -l $D.pem -c $M-x.pem $M || true
expect "capfc with D's LSC for M: Invalid LSC" "$(status $M)" 9

"$UCPKI" device set $M --operation troubleshoot --auth null >/dev/null
capfc -c $M.pem $M && pass "capfc fetch" || fail "capfc fetch"
expect "fetch: Troubleshoot Success" "$(status $M)" 5
"$UCPKI" device set $M --operation delete --auth null >/dev/null
capfc -c $M.pem $M && pass "capfc delete" || fail "capfc delete"
expect "delete: Delete Success" "$(status $M)" 4
expect "delete: LSC cleared" "$(lsc_sha $M)" none
[ ! -e $M.pem ] && pass "capfc deleted its file" || fail "capfc deleted its file"
out=$(capfc -c $M.pem SEP0A0B0C0D0EFF 2>&1 || true)
[[ "$out" == *"Unknown device"* ]] && pass "capfc unknown device" || fail "capfc unknown device: $out"
out=$(capfc -c $M.pem $M 2>&1 || true)
[[ "$out" == *"No scheduled operation"* ]] && pass "capfc nothing pending" || fail "capfc nothing pending: $out"

# --- ucpki phone capf -> capfd ------------------------------------------------------
mkdir -p "$T/capfd"
"$UCPKI" cert export CAPF --out "$T/capfd/capf.crt" >/dev/null
cat "$T/capfd/capf.crt" "$UCPKI_HOME/keys/"$(sqlite3 "$UCPKI_HOME/ucpki.db" "select key_file from identity where purpose='CAPF'") >"$T/capfd/capf.pem"
DPORT=$(free_port)
$PY "$REF/capfd" -A "$T/capfd/capf.pem" -p "$DPORT" -v "$UCPKI_HOME/phones/mfg/mfg-ca.pem" -v "$UCPKI_HOME/phones/mfg/sudi-ca.pem" "$T/capfd/capf.db" "$T/capfd" >"$T/capfd.log" 2>&1 &
pids="$pids $!"
wait_port "$DPORT"
capfctl() { $PY "$REF/capfctl" "$T/capfd/capf.db" "$@" >/dev/null; }
P=SEP0A0B0C0D0E03
"$UCPKI" phone make $P >/dev/null
"$UCPKI" trust add CAPF-trust "$UCPKI_HOME/phones/mfg/sudi-ca.pem" >/dev/null 2>&1 || true
pc() { "$UCPKI" phone capf $P --server 127.0.0.1:$DPORT "$@" 2>&1; }
capfctl --install $P -b 2048
out=$(pc) && [[ "$out" == *"LSC: Installed"* ]] && pass "phone capf -> capfd: null string, RSA 2048" || fail "capfd null string: $out"
capfctl --install $P --password 4711 -E secp256r1
out=$(pc --auth-string 1234) || true
[[ "$out" == *"LSC: Failed"* ]] && pass "capfd: wrong string refused" || fail "capfd: wrong string: $out"
out=$(pc --auth-string 4711) && [[ "$out" == *"LSC: Installed"* ]] && pass "phone capf -> capfd: authentication string, EC P-256" || fail "capfd string: $out"
openssl x509 -in "$UCPKI_HOME/phones/$P/lsc.pem" -noout -text | grep -q prime256v1 && pass "capfd EC LSC kept" || fail "capfd EC LSC kept"
capfctl --install $P --certificate -b 2048
out=$(pc) && [[ "$out" == *"LSC: Installed"* ]] && pass "phone capf -> capfd: certificate (EC LSC) authentication" || fail "capfd LSC auth: $out"
capfctl --install $P --certificate -b 3072
out=$(pc --mic) && [[ "$out" == *"LSC: Installed"* ]] && pass "phone capf -> capfd: MIC authentication" || fail "capfd MIC auth: $out"
capfctl --fetch $P
out=$(pc) && pass "phone capf -> capfd: fetch" || fail "capfd fetch: $out"
capfctl --delete $P
out=$(pc) && [[ "$out" == *"LSC: Deleted"* ]] && pass "phone capf -> capfd: delete" || fail "capfd delete: $out"
[ ! -e "$UCPKI_HOME/phones/$P/lsc.pem" ] && pass "capfd delete: the phone's LSC is gone" || fail "capfd delete: LSC still there"
out=$(pc) && [[ "$out" == *"LSC: Pending"* ]] && pass "capfd: nothing scheduled: LSC: Pending" || fail "capfd nothing: $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || { tail -20 "$T/capfd.log"; false; }
