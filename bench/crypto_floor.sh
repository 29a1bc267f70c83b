#!/bin/sh
# Prints the crypto floor the service benchmarks compare against: the time
# of one RSA-2048 signature on this machine, as `openssl speed` measures it
# (single core).  Output: "rsa2048_sign_us <microseconds>".
set -eu
seconds=${FLOOR_SECONDS:-3}
line=$(openssl speed -seconds "$seconds" -mr rsa2048 2>/dev/null | grep '^+F2:')
# +F2:<n>:2048:<signs per second>:<verifies per second>
signs=$(echo "$line" | cut -d: -f4)
awk -v s="$signs" 'BEGIN { printf "rsa2048_sign_us %.1f\n", 1e6 / s }'
