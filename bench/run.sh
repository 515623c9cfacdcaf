#!/usr/bin/env bash
# make bench: picosign's performance targets, measured (never asserted in tests).
#   - offline verification of one bundle, as a whole process: a few milliseconds, dominated by
#     the ECDSA verifications themselves;
#   - peak RSS under 1 MiB;
#   - the static binary under 500 KB;
#   - `verify IMAGE`'s requests, connections and wall time per storage form against the local
#     registry (bench/rtt.sh; needs docker-registry and node, not the vectors).
# Uses the sigstore-conformance happy-path bundle and the production trusted root from
# ../shared/vectors; skips with a message when they are absent.
set -u
cd "$(dirname "$0")/.."
vec=${SG_VECTORS:-../shared/vectors}
case_dir=$vec/conformance/bundle-verify/happy-path-v0.3
root=$vec/trust/production-trusted_root.sigstore-python.json
if [ ! -f "$case_dir/bundle.sigstore.json" ]; then
	echo "skipped: vectors not found at $vec"
	make --no-print-directory -s all >/dev/null && bash bench/rtt.sh
	exit 0
fi
mkdir -p build/bench
gcc -O2 -o build/bench/rss bench/rss.c
make --no-print-directory -s all >/dev/null
make --no-print-directory -s static >/dev/null 2>&1 || echo "note: make static failed"
id='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
args=(verify-blob --bundle "$case_dir/bundle.sigstore.json" --certificate-identity "$id"
	--certificate-oidc-issuer https://token.actions.githubusercontent.com
	--trusted-root "$root" "$vec/conformance/bundle-verify/a.txt")

echo "== sizes"
printf '%-28s %8s bytes\n' "picosign (glibc, dynamic)" "$(stat -c %s picosign)"
[ -f picosign-static ] && printf '%-28s %8s bytes (target < 500000)\n' "picosign-static (musl)" \
	"$(stat -c %s picosign-static)"

runs=${BENCH_RUNS:-200}
for bin in ./picosign ./picosign-static; do
	[ -x "$bin" ] || continue
	echo "== $bin verify-blob, $runs runs (whole process)"
	"$bin" "${args[@]}" 2>/dev/null || { echo "verification failed"; exit 1; }
	start=$(date +%s%N)
	for _ in $(seq "$runs"); do "$bin" "${args[@]}" 2>/dev/null; done
	end=$(date +%s%N)
	awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN{printf "mean wall per run: %.3f ms\n", (e-s)/n/1e6}'
	build/bench/rss "$bin" "${args[@]}" 2>&1 >/dev/null | grep rss_kib | \
		awk '{split($1,a,"="); printf "peak RSS: %s KiB (target < 1024)   %s %s\n", a[2], $2, $3}'
done

if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
	echo "== where the instructions go (callgrind, ./picosign)"
	out=build/bench/callgrind.out
	valgrind --tool=callgrind --callgrind-out-file=$out ./picosign "${args[@]}" >/dev/null 2>&1
	callgrind_annotate --inclusive=yes $out 2>/dev/null > build/bench/callgrind.txt
	total=$(grep -m1 'PROGRAM TOTALS' build/bench/callgrind.txt | awk '{gsub(",","",$1); print $1}')
	# Inclusive cost of the verification entry points (BearSSL's ECDSA and RSA verifiers).
	ecdsa=$(grep -E 'br_ecdsa_i31_vrfy_raw' build/bench/callgrind.txt | head -n 1 | \
		awk '{gsub(",","",$1); print $1}')
	keychk=$(grep -E 'br_ec_all_m31|api_mul ' build/bench/callgrind.txt | head -n 1 | \
		awk '{gsub(",","",$1); print $1}')
	awk -v t="$total" -v e="${ecdsa:-0}" 'BEGIN{printf "instructions: %d total; ECDSA verify %d (%.0f%%)\n", t, e, 100*e/t}'
	echo "top inclusive functions:"
	grep -E '^ *[0-9,]+ \(' build/bench/callgrind.txt | head -n 12 | sed 's/^/  /'
fi

bash bench/rtt.sh
