#!/usr/bin/env bash
# A fuzzing campaign (make fuzz-long FUZZ_SECONDS=N; docs/fuzzing.md): every libFuzzer harness
# (fuzz/fuzz_*.c, or FUZZ_TARGETS) runs until FUZZ_MAX_RUNS executions (10^7) or FUZZ_SECONDS
# seconds, whichever comes first, FUZZ_JOBS harnesses at a time, at nice 19. Then:
#   - the inputs it found are merged with the checked-in corpus into a fresh directory
#     (libFuzzer -merge=1: the smallest set of inputs with the same coverage), every merged
#     input is replayed, and only then does that set replace fuzz/corpus/<t>/; inputs above the
#     harness's max_len are left out, and a crashing input never enters the corpus;
#   - a finding (crash, leak, timeout, OOM) is kept in build/fuzz/findings/ and listed: it
#     becomes a fuzz/regress/<t>/ input together with its fix, by hand;
#   - each harness's row (executions, edges covered from libFuzzer's final "cov:", corpus
#     files and bytes before/after, seconds, budget, date, result) replaces its row in the
#     table in docs/fuzzing.md; rows of harnesses this run did not cover stay as they were, so
#     a campaign can be run in parts.
# FUZZ_BIN_DIR runs the harnesses of another build (default build/fuzz, what `make fuzz`
# builds; the Makefile builds that one first). Logs: build/fuzz/long/<t>.log. Prints one line
# per harness and "N passed, N failed" last (a failure is a finding or a harness that did not
# run).
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:?FUZZ_SECONDS must give the time budget per harness in seconds}
max_runs=${FUZZ_MAX_RUNS:-10000000}
jobs=${FUZZ_JOBS:-1}
targets=${FUZZ_TARGETS:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_||; s|\.c$||')}
doc=${FUZZ_DOC:-docs/fuzzing.md}
L=build/fuzz/long
mkdir -p "$L" build/fuzz/findings

# files BYTES of a directory ("0 0" when absent).
sizes() {
	if [ -d "$1" ]; then
		echo "$(find "$1" -type f | wc -l) $(find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
	else
		echo "0 0"
	fi
}

# One harness: run, merge, replay, report a row in $L/<t>.row.
campaign() {
	local t=$1 bin=${FUZZ_BIN_DIR:-build/fuzz}/fuzz_$1 log=$L/$1.log
	local work=$L/$1.new merged=$L/$1.merged
	local max_len=65536 opts=() v before after rc start el execs cov result
	if [ ! -x "$bin" ]; then
		echo "| $t | - | - | - | - | - | not built |" >"$L/$t.row"
		return
	fi
	if [ -f "fuzz/$t.options" ]; then
		v=$(sed -n 's/^max_len *= *//p' "fuzz/$t.options"); [ -n "$v" ] && max_len=$v
		v=$(sed -n 's/^dict *= *//p' "fuzz/$t.options"); [ -n "$v" ] && opts+=("-dict=fuzz/$v")
	fi
	before=$(sizes "fuzz/corpus/$t")
	mkdir -p "fuzz/corpus/$t" # a new harness may have none yet
	rm -rf "$work" "$merged" build/fuzz/findings/"$t"-*
	mkdir -p "$work" "$merged"
	local seeds=("fuzz/corpus/$t")
	[ -d "fuzz/regress/$t" ] && seeds+=("fuzz/regress/$t")
	start=$(date +%s)
	nice -n 19 "$bin" -runs="$max_runs" -max_total_time="$secs" -max_len="$max_len" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${opts[@]}" \
		-artifact_prefix="build/fuzz/findings/$t-" "$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	el=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
	result=ok
	if [ $rc -ne 0 ]; then
		result="FINDING: $(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //')"
		[ "$result" = "FINDING: " ] && result="FAILED (exit $rc, $log)"
	fi
	# Merge into a fresh directory, replay what it kept, then replace the checked-in corpus.
	nice -n 19 "$bin" -merge=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build/fuzz/findings/$t-merge-" "$merged" "fuzz/corpus/$t" "$work" \
		>>"$log" 2>&1
	find "$merged" -type f -size +"$max_len"c -delete
	if [ -n "$(ls -A "$merged")" ] &&
		nice -n 19 "$bin" -timeout=10 -rss_limit_mb=2048 "$merged"/* >/dev/null 2>&1; then
		rm -rf "fuzz/corpus/$t"
		mkdir -p "fuzz/corpus/$t"
		# Content-addressed names (libFuzzer's), so reruns do not churn.
		cp "$merged"/* "fuzz/corpus/$t/"
	else
		[ "$result" = ok ] && result="merge failed ($log); corpus unchanged"
	fi
	after=$(sizes "fuzz/corpus/$t")
	rm -rf "$work" "$merged"
	printf '| %s | %s | %s | %s files, %s B | %s files, %s B | %s | %s |\n' "$t" \
		"${execs:-?}" "${cov:-?}" ${before} ${after} "$el" "$result" >"$L/$t.row"
}

running=0
for t in $targets; do
	campaign "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

pass=0 fail=0
today=$(date -u +%Y-%m-%d)
for t in $targets; do
	row=$(cat "$L/$t.row" 2>/dev/null || echo "| $t | - | - | - | - | - | no result |")
	if printf '%s' "$row" | grep -q '| ok |$'; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	echo "fuzz-long $row"
	# The budget and the date go in before the result: a row says which run it came from.
	printf '%s\n' "$row" | sed "s/ | \([^|]*\) |\$/ | $secs s | $today | \1 |/" >"$L/$t.dated"
done

# The table in docs/fuzzing.md, between the markers (the rest of the file is left as it is).
# A campaign can be run in parts (FUZZ_TARGETS): a row is replaced only for the harnesses this
# run covered, the others keep their row from the run that made it, and the rows are sorted.
# Two campaigns at once (say two FUZZ_TARGETS lists, one a core) each rewrite the table: the
# lock makes each read-modify-write whole, so neither drops the other's rows.
exec 9>>"$L/table.lock"
flock 9
old_rows=""
if [ -f "$doc" ]; then
	old_rows=$(awk '/^<!-- fuzz-long table/ { in_t = 1; next } /^<!-- end of fuzz-long table/ { in_t = 0 }
		in_t && /^\| [a-z0-9_]+ \|/ && !/^\| harness \|/' "$doc")
fi
rows=$( {
	# the old rows of the harnesses this run did not cover (the name is the row's 2nd field)
	printf '%s\n' "$old_rows" | awk -F'|' -v ran=" $(echo $targets) " '
		/^\| / { name = $2; gsub(/ /, "", name); if (index(ran, " " name " ") == 0) print }'
	for t in $targets; do cat "$L/$t.dated"; done
} | sort -t'|' -k2,2)
table="<!-- fuzz-long table: written by fuzz/long.sh -->
\`make fuzz-long FUZZ_SECONDS=N\` stops each harness at $max_runs executions or N seconds, whichever
first, at nice 19 on a $(nproc)-core machine; clang
$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9.]*\).*/\1/p' | head -n 1).
Each row names the budget and the date of the run that wrote it.

| harness | executions | edges (cov) | corpus before | corpus after | seconds | budget | date | result |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
${rows}
<!-- end of fuzz-long table -->"
if [ -f "$doc" ] && grep -q '^<!-- fuzz-long table' "$doc"; then
	printf '%s\n' "$table" >"$L/table.md"
	awk -v tf="$L/table.md" '
		/^<!-- fuzz-long table/ { while ((getline l < tf) > 0) print l; skip = 1; next }
		/^<!-- end of fuzz-long table -->/ { skip = 0; next }
		!skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
else
	printf '\n%s\n' "$table" >>"$doc"
fi
flock -u 9
echo "table written to $doc"
for t in $targets; do
	ls build/fuzz/findings/"$t"-* 2>/dev/null | sed 's/^/finding: /'
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
