#!/usr/bin/env bash
# make bench: picosign's performance targets, measured (never asserted in tests; issue #15):
#   - verify-blob as a whole process, dynamic and static: wall, CPU (user + sys) and peak RSS
#     (target: RSS under 1 MiB static);
#   - sigstore-js (@sigstore/verify, pinned in tests/npm) on the same bundle in the same run,
#     as a whole process and in one process, and the ratios (target: verify-blob at least 20x
#     faster);
#   - instructions by callgrind, with the share of BearSSL's ECDSA verification and of the
#     on-curve checks of public keys;
#   - bundle verifications per second per core in one process over 1,000 bundles
#     (bench/verify_loop.c, linked to libpicosign-offline.a alone; target: at least 500);
#   - the binary sizes;
#   - `verify IMAGE`'s requests, connections and wall time per storage form against the local
#     registry (bench/rtt.sh; needs docker-registry and node, not the vectors).
# Uses the sigstore-conformance happy-path bundles and the production trusted root from
# ../shared/vectors; skips with a message when they are absent. BENCH_RUNS (default 200) whole
# processes of picosign, BENCH_JS_RUNS (default 20) of sigstore-js, BENCH_LOOP (default 1000).
set -u
cd "$(dirname "$0")/.."
vec=${SG_VECTORS:-../shared/vectors}
bv=$vec/conformance/bundle-verify
case_dir=$bv/happy-path-v0.3
root=$vec/trust/production-trusted_root.sigstore-python.json
if [ ! -f "$case_dir/bundle.sigstore.json" ]; then
	echo "skipped: vectors not found at $vec"
	make --no-print-directory -s all >/dev/null && bash bench/rtt.sh
	exit 0
fi
B=build/bench
mkdir -p $B
gcc -O2 -o $B/rss bench/rss.c
make --no-print-directory -s all >/dev/null
make --no-print-directory -s static >/dev/null 2>&1 || echo "note: make static failed"
make --no-print-directory -s static-verify >/dev/null 2>&1 || echo "note: make static-verify failed"
make --no-print-directory -s build/release/libpicosign-offline.a >/dev/null
gcc -O2 -std=c11 -Isrc -Ivendor-free-json -o $B/verify_loop bench/verify_loop.c \
	build/release/libpicosign-offline.a -lbearssl
id='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
iss=https://token.actions.githubusercontent.com
args=(verify-blob --bundle "$case_dir/bundle.sigstore.json" --certificate-identity "$id"
	--certificate-oidc-issuer "$iss" --trusted-root "$root" "$bv/a.txt")

# measure N CMD...: run CMD N times under rss; print "wall_ms cpu_ms rss_kib" (means of wall
# and CPU, the largest peak RSS), or "fail" when a run did not exit 0.
measure() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		"$B/rss" "$@" 2>&1 >/dev/null | grep '^rss_kib=' || echo "rss_kib=0 wall_ms=0 cpu_ms=0 exit=99"
	done | awk '{for (i = 1; i <= 4; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		w += v["wall_ms"]; c += v["cpu_ms"]; if (v["rss_kib"] > r) r = v["rss_kib"];
		if (v["exit"] != 0) bad = 1; n++ }
		END { if (bad || n == 0) print "fail"; else printf "%.3f %.3f %d\n", w / n, c / n, r }'
}
verdict() { if awk -v a="$1" -v b="$2" "BEGIN{exit !(a $3 b)}"; then echo "met"; else echo "NOT met"; fi; }

echo "== machine"
lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|CPU max MHz)' | sed 's/  */ /g'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== sizes"
printf '%-28s %8s bytes\n' "picosign (glibc, dynamic)" "$(stat -c %s picosign)"
[ -f picosign-static ] && printf '%-28s %8s bytes\n' "picosign-static (musl)" \
	"$(stat -c %s picosign-static)"
[ -f picosign-verify-static ] && printf '%-28s %8s bytes\n' "picosign-verify-static" \
	"$(stat -c %s picosign-verify-static)"

runs=${BENCH_RUNS:-200}
declare -A wall cpu rss
for bin in ./picosign ./picosign-static; do
	[ -x "$bin" ] || continue
	"$bin" "${args[@]}" >/dev/null 2>&1 || { echo "$bin: verification failed"; exit 1; }
	read -r w c r <<<"$(measure "$runs" "$bin" "${args[@]}")"
	[ "$w" = fail ] && { echo "$bin: a run failed"; exit 1; }
	wall[$bin]=$w cpu[$bin]=$c rss[$bin]=$r
	echo "== $bin verify-blob, $runs whole processes"
	printf 'wall %.2f ms, CPU %.2f ms, peak RSS %d KiB' "$w" "$c" "$r"
	if [ "$bin" = ./picosign-static ]; then
		echo " (target < 1024 KiB: $(verdict "$r" 1024 '<'))"
	else
		echo
	fi
done

echo "== sigstore-js on the same bundle"
js_runs=${BENCH_JS_RUNS:-20}
if command -v node >/dev/null && [ -d tests/npm/node_modules/@sigstore/verify ]; then
	jsargs=(node tests/sigstore/verify-bundle.mjs --bundle "$case_dir/bundle.sigstore.json"
		--trusted-root "$root" --artifact "$bv/a.txt" --identity "$id" --issuer "$iss")
	read -r jw jc jr <<<"$(measure "$js_runs" "${jsargs[@]}")"
	if [ "$jw" = fail ]; then
		echo "sigstore-js did not verify the bundle"
	else
		printf 'whole process (node, %d runs): wall %.2f ms, CPU %.2f ms, peak RSS %d KiB\n' \
			"$js_runs" "$jw" "$jc" "$jr"
		for bin in ./picosign ./picosign-static; do
			[ -n "${wall[$bin]:-}" ] || continue
			ratio=$(awk -v a="$jw" -v b="${wall[$bin]}" 'BEGIN{printf "%.1f", a / b}')
			cratio=$(awk -v a="$jc" -v b="${cpu[$bin]}" 'BEGIN{printf "%.1f", a / b}')
			echo "ratio $bin: ${ratio}x faster in wall time, ${cratio}x in CPU" \
				"(target >= 20x: $(verdict "$ratio" 20 '>='))"
		done
		node bench/sigstore_js.mjs "$case_dir/bundle.sigstore.json" "$root" "$bv/a.txt" \
			"$id" "$iss" 200 | tee $B/js_loop.txt
	fi
else
	echo "skipped: node or tests/npm/node_modules/@sigstore/verify missing"
fi

echo "== bundle verifications in one process"
loop=${BENCH_LOOP:-1000}
cases=()
for c in happy-path-v0.1 happy-path-v0.2 happy-path-v0.3 happy-path-v0.3-new-mediaType \
	happy-path-intoto-in-dsse-v3; do
	[ -f "$bv/$c/bundle.sigstore.json" ] && cases+=("$bv/$c/bundle.sigstore.json:$bv/a.txt:$id:$iss")
done
"$B/rss" "$B/verify_loop" "$root" "$loop" "${cases[@]}" >$B/loop.txt 2>$B/loop.err
cat $B/loop.txt
lcpu=$(sed -n 's/.*cpu_ms=\([0-9.]*\).*/\1/p' $B/loop.err)
lrss=$(sed -n 's/^rss_kib=\([0-9]*\).*/\1/p' $B/loop.err)
if [ -n "$lcpu" ]; then
	per=$(awk -v n="$loop" -v c="$lcpu" 'BEGIN{printf "%.0f", n / (c / 1000)}')
	echo "per core: $per verifications per CPU second over $loop bundles (${#cases[@]} distinct)," \
		"peak RSS $lrss KiB (target >= 500: $(verdict "$per" 500 '>='))"
	js=$(sed -n 's/.*: \([0-9]*\) per CPU second.*/\1/p' $B/js_loop.txt 2>/dev/null)
	[ -n "$js" ] && echo "in one process: $(awk -v a="$per" -v b="$js" 'BEGIN{printf "%.1f", a / b}')x" \
		"sigstore-js's rate ($js per CPU second, one bundle)"
fi

if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
	echo "== where the instructions go (callgrind, ./picosign verify-blob)"
	out=$B/callgrind.out
	valgrind --tool=callgrind --callgrind-out-file=$out ./picosign "${args[@]}" >/dev/null 2>&1
	callgrind_annotate --inclusive=yes $out 2>/dev/null >$B/callgrind.txt
	num() { grep -E "$1" $B/callgrind.txt | head -n 1 | awk '{gsub(",", "", $1); print $1}'; }
	total=$(num 'PROGRAM TOTALS')
	ecdsa=$(num 'br_ecdsa_i31_vrfy_raw')
	curve=$(num 'ec_point_valid')
	awk -v t="$total" -v e="${ecdsa:-0}" -v k="${curve:-0}" 'BEGIN{
		printf "instructions: %d total; ECDSA verify %d (%.1f%%); on-curve key checks %d (%.1f%%)\n",
			t, e, 100 * e / t, k, 100 * k / t }'
	echo "top inclusive functions:"
	grep -E '^ *[0-9,]+ \(' $B/callgrind.txt | head -n 12 | sed 's/^/  /'
else
	echo "== callgrind: skipped (valgrind is not installed)"
fi

bash bench/rtt.sh
