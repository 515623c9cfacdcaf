#!/usr/bin/env bash
# Run each libFuzzer target a fixed number of times with a fixed seed (make fuzz-smoke; make
# check runs it when clang is present). The checked-in corpus stays read-only: a throwaway
# directory comes first, so new inputs land there. Any crash, leak, timeout or OOM fails.
# Prints one line per target and "N passed, N failed" last.
set -u
cd "$(dirname "$0")/.."
runs=${FUZZ_RUNS:-20000}
targets=${FUZZ_TARGETS:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_||; s|\.c$||')}
mkdir -p build/fuzz/artifacts
pass=0 fail=0
for t in $targets; do
	bin=build/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz-smoke $t: $bin not built"; fail=$((fail + 1)); continue
	fi
	opts=()
	max_len=65536
	if [ -f "fuzz/$t.options" ]; then
		v=$(sed -n 's/^max_len *= *//p' "fuzz/$t.options"); [ -n "$v" ] && max_len=$v
		v=$(sed -n 's/^dict *= *//p' "fuzz/$t.options"); [ -n "$v" ] && opts+=("-dict=fuzz/$v")
	fi
	tmp=$(mktemp -d)
	corpus=()
	[ -d "fuzz/corpus/$t" ] && corpus+=("fuzz/corpus/$t")
	[ -d "fuzz/regress/$t" ] && corpus+=("fuzz/regress/$t")
	start=$(date +%s.%N)
	"$bin" -runs="$runs" -seed=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "${opts[@]}" -artifact_prefix="build/fuzz/artifacts/$t-" \
		"$tmp" "${corpus[@]}" >"build/fuzz/$t.log" 2>&1
	rc=$?
	rm -rf "$tmp"
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
	done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log" | tail -n 1)
	if [ $rc -eq 0 ] && [ "${done_runs:-0}" -ge "$runs" ]; then
		pass=$((pass + 1)); echo "fuzz-smoke $t: ${done_runs} runs, no finding (${secs}s)"
	else
		fail=$((fail + 1)); echo "FAIL fuzz-smoke $t: exit $rc after ${done_runs:-?} runs (log build/fuzz/$t.log)"
		grep -E 'ERROR|SUMMARY|deadly|Test unit written' "build/fuzz/$t.log" | head -n 5 | sed 's/^/  /'
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
