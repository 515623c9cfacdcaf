#!/usr/bin/env bash
# bench/rtt.sh (part of make bench, never of make check): `picosign verify IMAGE` against the
# local registry for each storage form (legacy .sig, v3 bundle on the fallback tag, v3 bundle
# through the referrers API), by tag and by digest: the HTTP requests and TCP connections the
# peer sees (one run through the counting proxy of tests/lib/rtt.sh) and the mean wall and CPU
# (user + sys) time of BENCH_RTT_RUNS (20) whole-process runs straight to the peer
# (docker-registry; the referrers front, a Node process, for the API). docs/performance.md,
# "Round trips", has the numbers.
# Skips (a line, exit 0) when docker-registry, htpasswd or node is missing.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
for tool in docker-registry htpasswd curl timeout node sha256sum tar gzip /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 0; }
done
[ -x "$BIN" ] || { echo "skipped: no picosign binary at $BIN"; exit 0; }
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy DOCKER_CONFIG \
	COSIGN_REPOSITORY PICOSIGN_MAX_RETRIES
source tests/lib/check.sh
source tests/lib/oci.sh
source tests/registry/lib.sh
oci_scratch
trap 'front_stop; oci_scratch_cleanup' EXIT
source tests/lib/rtt.sh
rtt_setup >/dev/null || { echo "bench/rtt.sh: the peers did not start"; exit 1; }

runs=${BENCH_RTT_RUNS:-20}
V=(verify "${RF[@]}" --key "$KEYPUB" --insecure-ignore-tlog)
echo "== verify IMAGE round trips ($runs runs each; Basic auth, plain http on loopback)"
printf '%-28s %9s %12s %14s %11s\n' form requests connections "wall (mean)" "CPU (mean)"
# row LABEL REPO REF PROXYPORT PEERPORT [FLAGS...]
row() {
	local label=$1 repo=$2 ref=$3 pport=$4 port=$5 log
	shift 5
	[ "$pport" = "$REGP" ] && log=$T/regp.log || log=$T/frontp.log
	: >"$log"
	if ! PS "${V[@]}" "$@" "127.0.0.1:$pport/$repo$ref" >/dev/null 2>&1; then
		echo "$label: verify failed"
		return
	fi
	sleep 0.2
	local reqs conns start end
	reqs=$(grep -vc '^CONNECT ' "$log")
	conns=$(grep -c '^CONNECT ' "$log")
	# wall and CPU (user + sys) of each run, by GNU time; the means
	: >"$T/times"
	for _ in $(seq "$runs"); do
		/usr/bin/time -a -o "$T/times" -f '%e %U %S' "$BIN" "${V[@]}" "$@" \
			"127.0.0.1:$port/$repo$ref" >/dev/null 2>&1
	done
	awk -v l="$label" -v r="$reqs" -v c="$conns" '{ w += $1; u += $2 + $3; n++ }
		END { printf "%-28s %9d %12d %11.1f ms %8.1f ms\n", l, r, c, 1000 * w / n,
			1000 * u / n }' "$T/times"
}
row "legacy .sig, tag" rtt/legacy :v1 "$REGP" "$RP"
row "legacy .sig, digest" rtt/legacy "@$D" "$REGP" "$RP"
row "legacy .sig, digest, =false" rtt/legacy "@$D" "$REGP" "$RP" --new-bundle-format=false
row "fallback tag, tag" rtt/fallback :v1 "$REGP" "$RP"
row "fallback tag, digest" rtt/fallback "@$D" "$REGP" "$RP"
row "referrers API, tag" rtt/api :v1 "$FRONTP" "$FP"
row "referrers API, digest" rtt/api "@$D" "$FRONTP" "$FP"
