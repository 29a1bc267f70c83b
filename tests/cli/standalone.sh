#!/usr/bin/env bash
# A clone must build and pass its tests with nothing beside it: the golden
# files live in tests/vectors, and no tracked file reaches outside the
# checkout for anything the build or the tests read.
source "$UCPKI_TESTLIB"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
vectors=$(cd "$UCPKI_VECTORS" && pwd -P)
case "$vectors/" in
"$(cd "$ROOT" && pwd -P)/"*) pass "vectors are read from inside the checkout ($vectors)" ;;
*) fail "vectors are read from outside the checkout" "$vectors" ;;
esac

for f in ITLFile-sha1-v1.0.tlv ITLFile-sha512-v1.1.tlv CTLFile-sha1.tlv \
	SEP001122334455.cnf.xml SEP001122334455.cnf.xml.enc.sgn \
	SEP001122334455-lsc.pem mfg/mfg-ca.pem mfg/SEP001122334455-mic.pem \
	certs/sast.pem certs/callmanager.pem certs/capf.pem README.md; do
	check "tests/vectors/$f is in the checkout" test -s "$ROOT/tests/vectors/$f"
done

# Build files, scripts and test code that name a folder beside the checkout.
if command -v git >/dev/null && git -C "$ROOT" rev-parse >/dev/null 2>&1; then
	files=$(git -C "$ROOT" ls-files -- CMakeLists.txt Makefile scripts tests bench fuzz .ci src)
else
	files=$(cd "$ROOT" && find CMakeLists.txt Makefile scripts tests bench fuzz src -type f)
fi
outside=$(cd "$ROOT" && printf '%s\n' $files | grep -v '^tests/cli/standalone.sh$' |
	xargs grep -ln -e '\.\./shared' -e 'shared/vectors' 2>/dev/null)
if [ -z "$outside" ]; then pass "no build or test file reads ../shared"; else
	fail "files that read outside the checkout" $outside; fi

# The vectors still verify from their new place.
ok "ITL vector parses from tests/vectors" itl show "$ROOT/tests/vectors/ITLFile-sha1-v1.0.tlv"
finish
