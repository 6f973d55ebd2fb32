#!/bin/sh
# run.sh SECONDS TARGET... - run each libFuzzer target for SECONDS on a
# working copy of its seed corpus (tests/fuzz/seeds/<name>, never written),
# with its dictionary; print one summary line per target:
#   fuzz_opts: 1234567 executions in 15 s, 0 crashes (corpus 210 inputs)
# Exit status non-zero when a target found a crash (the input is saved as
# build/fuzz/crash-*, and libFuzzer's report is printed).
set -u
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for bin; do
	name=$(basename "$bin")
	kind=${name#fuzz_}
	dir=$(dirname "$bin")
	work=$dir/corpus-$kind
	log=$dir/$name.log
	mkdir -p "$work"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-dict="$here/$kind.dict" -artifact_prefix="$dir/" "$work" "$here/seeds/$kind" >"$log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$st" != 0 ]; then
		echo "$name: CRASH after ${runs:-?} executions (exit $st); report:"
		grep -v '^#' "$log" | tail -n 40
		rc=1
	else
		echo "$name: ${runs:-?} executions in $secs s, 0 crashes (corpus $(ls "$work" | wc -l) inputs)"
	fi
done
exit $rc
