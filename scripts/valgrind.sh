#!/usr/bin/env bash
# valgrind.sh (make valgrind): memory hygiene under valgrind memcheck (issue #14), at least once
# per release; not part of `make check` (about 20 minutes on two shared cores).
#   1. every unit-test binary of build/release runs under memcheck;
#   2. a representative set of integration scripts runs with SG_BIN pointing at a wrapper that
#      starts every picosign command under memcheck: keys (key files, prompts), registry (auth,
#      tokens, redirects, errors), sign_key_tlog (sign, Rekor, verify), sign_image (keyless
#      signing, Fulcio, Rekor, push), concurrent (16 signers at once: the redo paths).
#      Scripts with tight time bounds (transport, sign, retry) are left out: memcheck slows picosign
#      down about twentyfold.
# A run is clean when memcheck reports no error (invalid reads or writes, uses of uninitialised
# values, bad frees) and no definitely, indirectly or possibly lost block; "still reachable"
# memory (the command's one arena, freed by exit) is not a leak. Each picosign run writes
# build/valgrind/vg.<pid>.log; the findings are listed. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
B=${SG_BUILD:-$ROOT/build/release}
command -v valgrind >/dev/null 2>&1 || { echo "skipped: valgrind is not installed"; echo "0 passed, 0 failed"; exit 0; }
VG=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --num-callers=30
	--track-origins=yes)
LOGS=$ROOT/build/valgrind
rm -rf "$LOGS"
mkdir -p "$LOGS"
pass=0 fail=0
tally() { # NAME OUTPUT RC
	local line p f
	line=$(printf '%s\n' "$2" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "${line:-0 passed, 1 failed}" | awk '{print $1}')
	f=$(echo "${line:-0 passed, 1 failed}" | awk '{print $3}')
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f))
	printf '%-28s %s\n' "$1" "${line:-failed (exit $3)}"
}

echo "== unit tests under memcheck ($B)"
for bin in "$B"/tests/*; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin")
	args=()
	[ "$t" = vfj_suite ] && args=("${SG_VECTORS:-../shared/vectors}/JSONTestSuite/test_parsing")
	out=$(nice -n 19 "${VG[@]}" --log-file="$LOGS/unit.$t.log" "$bin" "${args[@]}" 2>&1); rc=$?
	if [ $rc -eq 99 ]; then
		echo "  memcheck: $t: $(grep -E 'ERROR SUMMARY|definitely lost|Invalid' "$LOGS/unit.$t.log" | head -n 3 | tr '\n' ' ')"
	fi
	tally "$t" "$out" "$rc"
done

echo "== integration scripts, every picosign command under memcheck"
cat >"$LOGS/picosign" <<EOF
#!/bin/sh
exec ${VG[*]} --log-file=$LOGS/vg.%p.log $B/picosign "\$@"
EOF
chmod +x "$LOGS/picosign"
# Under memcheck a script runs far longer than its peers' default 300 s lifetime: the registry
# of registry.sh died mid-script on a loaded machine (connection refused, not a memory error).
# The peers live as long as the script may.
for s in keys registry sign_key_tlog sign_image concurrent; do
	out=$(SG_PEER_LIFETIME=1800 SG_BIN="$LOGS/picosign" SG_BUILD="$B" timeout -k 10 1800 nice -n 19 \
		bash "tests/integration/$s.sh" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(not ok|skipped)' | sed 's/^/  /'
	tally "$s" "$out" "$rc"
done
# A log without a summary belongs to the child picosign forked to exec a helper (credential
# helper, buildkite-agent): memcheck leaves it at the exec. A run killed by its time limit has
# none either, and its test fails.
runs=$(grep -l 'ERROR SUMMARY' "$LOGS"/vg.*.log 2>/dev/null | wc -l)
dirty=$(grep -l 'ERROR SUMMARY: [1-9]' "$LOGS"/vg.*.log 2>/dev/null)
echo "== memcheck over $runs picosign runs ($(grep -L 'ERROR SUMMARY' "$LOGS"/vg.*.log 2>/dev/null |
	wc -l) forked children that ran a helper)"
if [ -n "$dirty" ]; then
	for f in $dirty; do
		echo "  $f: $(grep -E 'ERROR SUMMARY' "$f")"
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|.*definitely lost|.*indirectly lost|.*possibly lost)' "$f" | head -n 3 | sed 's/^/    /'
	done
	tally "memcheck" "0 passed, $(echo "$dirty" | wc -l) failed" 1
else
	tally "memcheck" "$runs passed, 0 failed" 0
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
