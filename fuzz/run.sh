#!/bin/sh
# Runs every libFuzzer target built in BUILD_DIR for $FUZZ_SECONDS each,
# seeded from fuzz/corpus/<target>/ (a copy: the committed seeds stay
# small), and prints one line per target: executions, coverage, crashes.
# Usage: FUZZ_SECONDS=60 sh fuzz/run.sh build-fuzz [TARGET...]
# (the targets named, e.g. fuzz_multipart, or every one built)
set -u
build=${1:-build-fuzz}
[ $# -gt 0 ] && shift
seconds=${FUZZ_SECONDS:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ucpki-fuzz.XXXXXX")
status=0

printf '%-22s %12s %8s %8s %8s %s\n' target executions exec/s cov ft crashes
if [ $# -eq 0 ]; then
	for bin in "$build"/fuzz_*; do
		[ -x "$bin" ] && set -- "$@" "$(basename "$bin")"
	done
fi
for name in "$@"; do
	bin=$build/$name
	[ -x "$bin" ] || { echo "$name: not built in $build" >&2; status=1; continue; }
	corpus="$work/$name"
	mkdir -p "$corpus" "$work/$name.artifacts"
	[ -d "$here/corpus/$name" ] && cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null
	"$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$work/$name.artifacts/" -rss_limit_mb=2048 \
		"$corpus" >"$work/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
	line=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$work/$name.log" | tail -1)
	cov=$(printf '%s' "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	crashes=$(ls "$work/$name.artifacts" | wc -l)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name.log" | tail -1)
	printf '%-22s %12s %8s %8s %8s %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		echo "  $name failed (exit $rc); log: $work/$name.log; inputs: $work/$name.artifacts" >&2
	fi
done
[ "$status" -eq 0 ] && rm -rf "$work"
exit "$status"
