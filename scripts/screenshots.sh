#!/bin/sh
# Regenerates docs/screenshots/*.png: the browser test (tests/cli/web_admin.sh)
# saves the main pages as it walks through them.  Needs a build (make build)
# and the test's packages (scripts/setup.sh).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
mkdir -p docs/screenshots
UCPKI=$PWD/$BUILD/ucpki UCPKI_TESTLIB=$PWD/tests/lib.sh \
	UCPKI_SCREENSHOTS=$PWD/docs/screenshots bash tests/cli/web_admin.sh
ls docs/screenshots
