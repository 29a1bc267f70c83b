#!/bin/sh
# Builds OUT/ucpki_<version>_<arch>.deb with debhelper from a copy of
# this tree (so dpkg-buildpackage writes nothing into the checkout or
# beside it), then runs lintian on it; fails on any lintian warning that
# debian/ucpki.lintian-overrides does not explain.
# Usage: sh scripts/make-deb.sh [OUT]   (default build-deb)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^project(ucpki VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
if [ "$version" != "$deb_version" ]; then
	echo "make-deb: CMakeLists.txt says $version, debian/changelog $deb_version" >&2
	exit 1
fi
arch=$(dpkg --print-architecture)
src=$out/ucpki-$version
rm -rf "$src" "$out"/ucpki_"$version"_*
mkdir -p "$src"
# The checkout's files without its build trees: what git tracks (and new
# files not ignored) when there is a git, else everything but builds.
if git -C "$here" rev-parse >/dev/null 2>&1; then
	(cd "$here" && git ls-files -z -co --exclude-standard) |
		tar -C "$here" --null -T - --ignore-failed-read -cf - 2>/dev/null |
		tar -C "$src" -xf -
else
	tar -C "$here" --exclude='./build*' --exclude=./var --exclude=./.git -cf - . |
		tar -C "$src" -xf -
fi

jobs=$(nproc 2>/dev/null || echo 2)
# nocheck: the tests run with make check; noautodbgsym: no -dbgsym .deb.
(cd "$src" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$jobs" \
	dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
	tail -40 "$out/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
deb=$out/ucpki_${version}_${arch}.deb
[ -f "$deb" ] || { echo "make-deb: no $deb" >&2; exit 1; }
rm -rf "$src"

if ! lintian --fail-on error,warning --display-info --show-overrides "$deb" >"$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	echo "make-deb: lintian found problems" >&2
	exit 1
fi
echo "make-deb: lintian: no errors or warnings; $(grep -c '^[IP]: ' "$out/lintian.log" || true) at info level (log: $out/lintian.log)"
echo "make-deb: $deb"
