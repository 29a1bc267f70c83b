#!/bin/sh
# Builds, parses and verifies a 1,000-record ITL (SHA-512, RSA-2048 signer)
# and prints milliseconds per operation.  Run from the repository root:
#   sh bench/itl.sh [N]
set -eu
cd "$(dirname "$0")/.."
make -s build >/dev/null
vectors=${UCPKI_VECTORS:-tests/vectors}
echo "# command: sh bench/itl.sh ${1:-1000}"
./build/bench_itl "$vectors" "${1:-1000}"
