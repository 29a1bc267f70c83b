#!/usr/bin/env bash
# The README's "First steps" run as written after `make run`: this test
# runs `make run` (without rebuilding: the binary under test is its
# build) on free ports in a temporary directory, then the steps extracted
# from README.md, verbatim, with `bash -eu`: any failing step fails the
# test.  The only thing set from outside is CAPF, which the steps read
# (its default is make run's 127.0.0.1:3804).
source "$UCPKI_TESTLIB"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
T=$TEST_TMP/checkout
mkdir -p "$T/build"
ln -s "$UCPKI" "$T/build/ucpki"

# --- the steps, as README.md has them ---------------------------------------------
awk '/^## /{ on = ($0 == "## First steps") } on && /^    /{ sub(/^    /, ""); print }' \
	"$ROOT/README.md" >"$T/steps.sh"
check "README.md has a First steps block" test -s "$T/steps.sh"
lacks "the steps do not init the home make run made" "$(cat "$T/steps.sh")" "ucpki init"
lacks "nor --home elsewhere" "$(cat "$T/steps.sh")" "--home"
contains "the steps say where the binary is" "$(head -1 "$T/steps.sh")" 'export PATH=$PWD/build:$PATH'

# Every document the README names exists in the checkout.
for doc in $(grep -o '`[A-Za-z0-9_./-]*\.md`' "$ROOT/README.md" | tr -d '`' | sort -u); do
	check "README names $doc, which exists" test -e "$ROOT/$doc"
done

if ! command -v make >/dev/null; then
	fail "make is needed to run make run"
	finish
	exit
fi
# make run BUILD=... HOME_DIR=... [VAR=...]: the Makefile's run target,
# with the binary under test and without building.
makerun() { make -s -C "$ROOT" -o build run BUILD="$T/build" "$@"; }

# --- make run refuses a node name that is not a fully qualified name ----------------
makerun HOME_DIR="$T/var-short" NODE=localhost >"$TEST_TMP/short.log" 2>&1
rc=$?
check "make run NODE=localhost fails" test "$rc" -ne 0
contains "and says why" "$(cat "$TEST_TMP/short.log")" "node name 'localhost' (from NODE=) is not a fully qualified domain name"
contains "and how to choose" "$(cat "$TEST_TMP/short.log")" "make run NODE=cucm.example.com"
check "and initialises nothing" test ! -e "$T/var-short"

# --- make run, as a user runs it, on free ports ------------------------------------
CAPF_PORT=$(free_port)
TVS_PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
ADMIN_PORT=$(free_port)
TFTP_PORT=$(free_udp_port)
cd "$T" || exit 1
setsid make -s -C "$ROOT" -o build run BUILD="$T/build" HOME_DIR="$T/var" NODE=cucm.example.test \
	SERVE_ARGS="--listen 127.0.0.1 --capf-port $CAPF_PORT --tvs-port $TVS_PORT --http-port $HTTP_PORT --tftp-port $TFTP_PORT --https-port $HTTPS_PORT --admin-port $ADMIN_PORT" \
	>"$TEST_TMP/run.log" 2>&1 &
RUN=$!
# make runs the server as its child: stop the whole group it started.
stop_run() { kill -TERM -- "-$RUN" 2>/dev/null; wait "$RUN" 2>/dev/null; }
trap 'stop_run; cleanup' EXIT
check "make run serves CAPF" wait_port "$CAPF_PORT" 120
check "make run serves TVS" wait_port "$TVS_PORT" 20
check "make run serves the phones' files over HTTP" wait_port "$HTTP_PORT" 20
check "make run serves administration on loopback" wait_port "$ADMIN_PORT" 20
check "make run serves the configurations over HTTPS" wait_port "$HTTPS_PORT" 20
log=$(cat "$TEST_TMP/run.log")
contains "make run says which node name it used" "$log" "initialising $T/var for node cucm.example.test"
contains "make run says how to choose another" "$log" "make run NODE=cucm.example.com"
contains "make run says where the binary is" "$log" "the binary is $T/build/ucpki"

# --- the steps, verbatim --------------------------------------------------------------
(cd "$T" && env -u UCPKI_HOME CAPF="127.0.0.1:$CAPF_PORT" TFTP="127.0.0.1:$HTTP_PORT" bash -eu steps.sh) >"$TEST_TMP/steps.log" 2>&1
rc=$?
steps=$(cat "$TEST_TMP/steps.log")
if [ "$rc" -eq 0 ]; then pass "every step ran"; else
	fail "a step failed (exit $rc)" "$(tail -5 "$TEST_TMP/steps.log")"; fi
contains "tomcat is CA-signed" "$steps" "tomcat/tomcat.pem: Certificate Signed by a Certificate Authority"
contains "the phone got its LSC" "$steps" "LSC: Installed"
contains "device show: Upgrade Success" "$steps" "3 Upgrade Success"
contains "the ITL verifies" "$steps" "The ITL file was verified successfully."
contains "the signed configuration verifies against the ITL" "$steps" "SEP001122334455.cnf.xml.sgn: verified"
contains "the phone fetched its configuration from serve" "$steps" "SEP001122334455.cnf.xml.sgn accepted: signer is ITL record"
for f in tomcat.csr root-ca.pem tomcat-signed.pem bundle.pem SEP001122334455.cnf.xml.sgn; do
	check "the steps made $f" test -s "$T/$f"
done

# Run again on the same home, make run says it is initialised and how to start over.
stop_run
makerun HOME_DIR="$T/var" SERVE_ARGS="--help" >"$TEST_TMP/again.log" 2>&1
contains "make run again: already initialised, how to start over" "$(cat "$TEST_TMP/again.log")" "to start over: rm -rf $T/var"
finish
