#!/usr/bin/env bash
# Interoperability with the reference TVS tools (usecallmanagernz/daemons),
# run by hand, not by ctest:  tests/interop/tvs_ref.sh build/ucpki [/work/ref/daemons]
# 1. the reference tvsc asks `ucpki serve` about a known certificate (the
#    node's CallManager, and an entry added with `tvs add`) and an unknown one;
# 2. `ucpki tvs query` asks the reference tvsd the same questions.
# Everything happens in a temporary directory that is removed at the end.
set -euo pipefail
UCPKI=$(realpath "$1")
REF=${2:-/work/ref/daemons}
V=${UCPKI_VECTORS:-$(cd "$(dirname "$0")/../vectors" && pwd)}
PY=/usr/bin/python3
T=$(mktemp -d)
export UCPKI_HOME=$T/home
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; for p in $pids; do wait $p 2>/dev/null || true; done; rm -rf "$T"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; printf '%s\n' "$2" | sed 's/^/    /'; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
has() { if [[ "$2" == *"$3"* ]]; then pass "$1"; else fail "$1" "$2"; fi; }

"$UCPKI" init --node cucm.example.test >/dev/null
"$UCPKI" cert show TVS --pem >"$T/tvs.pem"
"$UCPKI" cert show CallManager --pem >"$T/cm.pem"
"$UCPKI" tvs add "$V/certs/tftp-ec.pem" --role tftp --ttl 600 >/dev/null
"$UCPKI" itl build --out "$T/ITLFile.tlv" >/dev/null
PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port 0 --tvs-port "$PORT" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 --log-level debug >"$T/serve.log" 2>&1 &
pids="$pids $!"
wait_port "$PORT"
tvsc() { $PY "$REF/tvsc" -T "$T/tvs.pem" -h "127.0.0.1:$PORT" "$@" 2>&1; }

# --- tvsc -> ucpki serve -------------------------------------------------------------
out=$(tvsc -d CP-8845-SEP001122334455 "$T/cm.pem")
has "tvsc: CallManager valid" "$out" "Status:           Valid"
has "tvsc: CallManager CCM+TFTP" "$out" "Role:             CCM+TFTP"
has "tvsc: CallManager TTL" "$out" "TTL:              86400 seconds"
out=$(tvsc "$V/certs/tftp-ec.pem")
has "tvsc: tvs add entry valid" "$out" "Status:           Valid"
has "tvsc: tvs add entry TFTP" "$out" "Role:             TFTP"
has "tvsc: tvs add entry TTL" "$out" "TTL:              600 seconds"
out=$(tvsc "$V/certs/app-server.pem")
has "tvsc: unknown certificate invalid" "$out" "Status:           Invalid"
grep -q "certificate not found" "$T/serve.log" && pass "serve logged the unknown one" || fail "serve logged the unknown one" "$(cat "$T/serve.log")"

# --- ucpki tvs query -> tvsd ----------------------------------------------------------
cd "$T"
$PY "$REF/tvsctl" -a "$V/certs/callmanager.pem" -C -L 600 "$T/tvs.db" >/dev/null
RPORT=$(free_port)
$PY "$REF/tvsd" -p "$RPORT" -T "$V/certs/tvs.pem" "$T/tvs.db" >"$T/tvsd.log" 2>&1 &
pids="$pids $!"
wait_port "$RPORT"
out=$("$UCPKI" tvs query "$V/certs/callmanager.pem" --server 127.0.0.1:$RPORT --itl "$V/ITLFile-sha1-v1.0.tlv" --device CP-8845-SEP001122334455 2>&1)
has "tvs query -> tvsd: known" "$out" "Status: valid"
has "tvs query -> tvsd: roles" "$out" "Roles: CCM+TFTP"
has "tvs query -> tvsd: TTL" "$out" "TTL: 600"
out=$("$UCPKI" tvs query "$V/certs/app-server.pem" --server 127.0.0.1:$RPORT --itl "$V/ITLFile-sha1-v1.0.tlv" 2>&1)
has "tvs query -> tvsd: unknown" "$out" "Status: invalid"
out=$("$UCPKI" tvs query "$V/certs/app-server.pem" --server 127.0.0.1:$RPORT --itl "$T/ITLFile.tlv" 2>&1 || true)
has "tvs query -> tvsd: a TVS not in the ITL is refused" "$out" "not the ITL's TVS record"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
