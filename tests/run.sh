#!/usr/bin/env bash
# The suite driver behind `make check` and `make sanitize`: runs every unit-test binary, replays
# every fuzz corpus through its gcc-built harness, runs the integration scripts in
# tests/integration/ (real peers on loopback), and prints the grand total as its last line,
# "N passed, N failed". Inputs (from the Makefile): SG_BUILD, SG_BIN, TESTS, FUZZ_TARGETS.
# For check-cross: SG_EXEC runs each binary (a qemu-user command), SG_UNIT_ONLY=1 stops after
# the unit tests and corpus replays; CROSS_RUN ("ARCH=qemu command;...") adds one line per
# architecture built by `make check CHECK_CROSS=1` (build/cross-ARCH) to the total, and
# CROSS_ONLY=1 (make check-cross) runs only those.
set -u
EXEC=${SG_EXEC:-}
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
failed_names=()

# Add the "N passed, N failed" closing line of a test's output to the totals.
tally() {
	local name=$1 out=$2 rc=$3 line p f
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		p=0; f=1
		echo "  $name: no result line (exit $rc)"
	else
		p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	[ "$f" -eq 0 ] || failed_names+=("$name")
	printf '%-28s %s\n' "$name" "${line:-failed}"
}

# The unit tests and corpus replays built for other architectures (build/cross-ARCH), each run
# under its qemu-user command by this script with SG_UNIT_ONLY=1, all at once in the background
# at the lowest priority (qemu is CPU-bound, the integration tests mostly wait on their peers):
# cross_start starts them, cross_collect waits and adds one line per architecture.
cross_archs=()
cross_start() {
	local cross c a
	IFS=';' read -r -a cross <<<"$CROSS_RUN"
	mkdir -p build
	for c in "${cross[@]}"; do
		a=${c%%=*}
		cross_archs+=("$a")
		SG_BUILD="build/cross-$a" SG_EXEC="${c#*=}" SG_UNIT_ONLY=1 CROSS_RUN= CROSS_ONLY=0 \
			timeout -k 10 1200 nice -n 19 bash tests/run.sh >"build/cross-$a.out" 2>&1 &
		cross_pids+=($!)
	done
}
cross_pids=()
cross_collect() {
	local i a rc out
	echo "== unit tests and corpus replays on other architectures (qemu-user)"
	for i in "${!cross_archs[@]}"; do
		a=${cross_archs[i]}
		wait "${cross_pids[i]}"; rc=$?
		out=$(cat "build/cross-$a.out")
		printf '%s\n' "$out" | grep -E 'FAIL|no result line|[1-9][0-9]* failed$' | sed 's/^/  /'
		tally "cross-$a" "$out" "$rc"
	done
}
if [ "${CROSS_ONLY:-0}" = 1 ]; then
	cross_start
	cross_collect
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
	exit
fi
if [ -n "${CROSS_RUN:-}" ]; then cross_start; fi

echo "== unit tests ($SG_BUILD)"
for t in $TESTS; do
	args=()
	[ "$t" = vfj_suite ] && args=("${SG_VECTORS:-../shared/vectors}/JSONTestSuite/test_parsing")
	out=$($EXEC "$SG_BUILD/tests/$t" "${args[@]}" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(FAIL|skipped:|JSONTestSuite|Wycheproof|conformance)' | sed 's/^/  /'
	tally "$t" "$out" "$rc"
done

echo "== fuzz corpus replay"
for t in $FUZZ_TARGETS; do
	files=()
	for d in fuzz/corpus/$t fuzz/regress/$t; do
		[ -d "$d" ] && while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$d" -type f -print0 | sort -z)
	done
	if [ ${#files[@]} -eq 0 ]; then
		tally "fuzz_$t" "0 passed, 1 failed" 1; echo "  fuzz_$t: empty corpus"; continue
	fi
	out=$($EXEC "$SG_BUILD/fuzz/fuzz_$t" "${files[@]}" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then tally "fuzz_$t" "${#files[@]} passed, 0 failed" 0
	else printf '%s\n' "$out" | tail -n 20; tally "fuzz_$t" "0 passed, 1 failed" "$rc"; fi
done

if [ "${SG_UNIT_ONLY:-0}" = 1 ]; then
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
	exit
fi

if [ "${FUZZ_SMOKE:-0}" = 1 ]; then
	echo "== fuzz smoke (libFuzzer, ${FUZZ_RUNS:-20000} runs each)"
	out=$(FUZZ_TARGETS="$FUZZ_TARGETS" FUZZ_RUNS="${FUZZ_RUNS:-20000}" bash fuzz/smoke.sh 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(FAIL|  )' | sed 's/^/  /'
	tally "fuzz-smoke" "$out" "$rc"
fi

echo "== module layering (scripts/deps-check.sh)"
out=$(bash scripts/deps-check.sh 2>&1); rc=$?
printf '%s\n' "$out" | grep '^FAIL' | sed 's/^/  /'
tally "deps-check" "$out" "$rc"

echo "== offline archive's undefined symbols (scripts/offline-symbols.sh)"
out=$(bash scripts/offline-symbols.sh "$SG_BUILD/libpicosign-offline.a" 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|offline-symbols:)' | sed 's/^/  /'
tally "offline-symbols" "$out" "$rc"

echo "== sigstore-conformance (verify-bundle, both artifact forms)"
out=$(SG_BIN="$SG_BIN" timeout -k 10 600 bash tests/conformance.sh 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|conformance:)' | sed 's/^/  /'
printf '%s\n' "$out" | grep -c '^skipped:' | sed 's/^/  unsupported runs (listed in tests\/conformance-unsupported.txt): /'
tally "conformance" "$out" "$rc"

echo "== integration"
for s in tests/integration/*.sh; do
	[ -e "$s" ] || continue
	name=$(basename "$s" .sh)
	out=$(SG_BIN="$SG_BIN" SG_BUILD="$SG_BUILD" timeout -k 10 900 bash "$s" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(FAIL|skipped:|SKIP|not ok)|correct$' | sed 's/^/  /'
	tally "$name" "$out" "$rc"
done

if [ ${#cross_archs[@]} -gt 0 ]; then cross_collect; fi

echo
if [ ${#failed_names[@]} -gt 0 ]; then echo "failing: ${failed_names[*]}"; fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
