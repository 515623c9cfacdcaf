#!/usr/bin/env bash
# shellcheck disable=SC2016 # $names inside single quotes are jq variables
# concurrent_v3: 16 `picosign sign` runs at once on one image in each of cosign v3's storage forms
# (issue #14: "16 signers, every storage form, key and keyless"; concurrent.sh covers the legacy
# .sig with a key). Each signer adds its own annotation (n=i), so every signature is distinct.
#   1. --key, v3, Debian's docker-registry (no referrers API): the 16 referrers must all be listed
#      in the fallback tag sha256-<hex>, an OCI index every signer reads, extends and PUTs back;
#   2. --key, v3, the referrers front (tests/registry/referrers_front.mjs: the API; the registry
#      lists referrers itself, so there is nothing to race on and no fallback tag is written);
#   3. --key, --signature-format both, docker-registry: the .sig and the fallback index at once;
#   4. keyless (16 tokens from the local Sigstore's issuer, 16 Fulcio certificates, Rekor v1
#      dsse and the TSA), --signature-format both, docker-registry;
#   5. keyless, v3, the referrers front.
# After each: every signer exited 0, the index (or the API, or the .sig) lists 16 entries, and
# `picosign verify` prints 16 elements, one per signer. The times and the redo counts (the
# "Retrying the referrers index update" and "Retrying the signature append" lines, and the HTTP
# retries, among them docker-registry 2.8's transient MANIFEST_BLOB_UNKNOWN) are printed
# (docs/decisions.md records them). ~35 s. Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout openssl sha256sum tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
source tests/sigstore/lib.sh
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy PICOSIGN_TIMEOUT \
	DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES PICOSIGN_MAX_RETRIES COSIGN_PASSWORD \
	COSIGN_REPOSITORY

# shellcheck source=../lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
source "$ROOT/tests/registry/lib.sh"
oci_scratch
trap 'front_stop; oci_scratch_cleanup' EXIT

start_registry reg || { bad "registry starts"; finish; exit 1; }
REG=http://127.0.0.1:$PORT
HP=127.0.0.1:$PORT
FRONT_LIFETIME=300 front_start "$REG" "$T/front" --max-requests 20000 ||
	{ bad "front starts"; finish; exit 1; }
SIGSTORE_LIFETIME=300 sigstore_start "$T/peer" || { bad "sigstore peer starts"; finish; exit 1; }
make_image "$T/img" "sixteen signers, v3"
for r in v3fb both keyless; do push_image "$REG" "conc/$r" v1 "$T/img" || bad "push conc/$r"; done
for r in v3api keyless-api; do
	push_image "$FRONT_URL" "conc/$r" v1 "$T/img" || bad "push conc/$r"
done
D=$(digest_of "$T/img/manifest.json")
cd "$T" || exit 1
# An unencrypted PKCS#8 key: sixteen scrypt decryptions would only measure the CPU.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.key 2>/dev/null
openssl pkey -in k.key -pubout -out k.pub 2>/dev/null

N=16
fallback_len() { # REPO: entries of the fallback index
	curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.index.v1+json' \
		"$REG/v2/$1/manifests/${D/:/-}" | jq '.manifests | length'
}
sig_len() { # REPO: layers of the .sig manifest
	curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"$REG/v2/$1/manifests/${D/:/-}.sig" | jq '.layers | length'
}
# run16 NAME SIGN-ARGS... -- REF: 16 signers at once (signer i adds -a n=i; its token, when
# tok.$i exists, goes in --identity-token); stdout and stderr in NAME.o.i, NAME.e.i. Checks the
# exit codes and prints the time and the redo counts.
run16() {
	local name=$1 i t0 el exited0 idx redo sigredo http blob most kind
	shift
	local -a args=() pids_=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	local ref=$2
	t0=$(date +%s%N)
	for i in $(seq "$N"); do
		local -a tokarg=()
		[ -e "tok.$i" ] && tokarg=(--identity-token "$(cat "tok.$i")")
		timeout 120 "$BIN" sign --allow-http-registry -y "${args[@]}" "${tokarg[@]}" \
			-a "n=$i" "$ref" >"$name.o.$i" 2>"$name.e.$i" &
		pids_[i]=$!
	done
	exited0=0
	for i in $(seq "$N"); do wait "${pids_[i]}" && exited0=$((exited0 + 1)); done
	el=$((($(date +%s%N) - t0) / 1000000))
	local first_err
	first_err=$(cat "$name".e.* | grep '^Error' | head -n 1)
	check "$name: all $N signers exit 0 ($exited0 did; $first_err)" test "$exited0" = "$N"
	redo=$(cat "$name".e.* | grep -c '^Retrying the referrers index update')
	sigredo=$(cat "$name".e.* | grep -c '^Retrying the signature append')
	http=$(cat "$name".e.* | grep '^Retrying' |
		grep -vc 'referrers index update\|signature append')
	blob=$(cat "$name".e.* | grep '^Retrying' | grep -c 'MANIFEST_BLOB_UNKNOWN')
	most=0
	for i in $(seq "$N"); do
		# each write (the index, the .sig) is bounded on its own
		for kind in 'referrers index update' 'signature append'; do
			idx=$(grep -c "^Retrying the $kind" "$name.e.$i")
			[ "$idx" -gt "$most" ] && most=$idx
		done
	done
	echo "measured: $name: $N signers in $el ms; index update redone $redo times, .sig append" \
		"$sigredo times (at most $most by one signer); $http HTTP retries ($blob of a" \
		"manifest PUT answered MANIFEST_BLOB_UNKNOWN)"
	check "$name: no signer redid its write more than $((8 - 1)) times" test "$most" -le 7
}
# verify16 NAME VERIFY-ARGS...: verify prints N elements, one per signer (n=1..N).
verify16() {
	local name=$1 i miss=0
	shift
	timeout 60 "$BIN" verify --allow-http-registry "$@" >"$name.v.out" 2>"$name.v.err"
	local rc=$?
	check "$name: verify accepts them ($(tail -n 1 "$name.v.err"))" test "$rc" -eq 0
	check "$name: all $N signatures verified (got $(jq length "$name.v.out" 2>/dev/null))" \
		test "$(jq length "$name.v.out" 2>/dev/null)" = "$N"
	for i in $(seq "$N"); do
		jq -e --arg n "$i" 'map(select(.optional.n == $n)) | length == 1' "$name.v.out" \
			>/dev/null || miss=$((miss + 1))
	done
	check "$name: every signer's own signature verified ($miss missing)" test "$miss" = 0
}

echo "# 1. --key, v3, no referrers API: the fallback index"
run16 v3fb --key k.key --tlog-upload=false -- "$HP/conc/v3fb@$D"
check "v3fb: the fallback index lists $N referrers (lists $(fallback_len conc/v3fb))" \
	test "$(fallback_len conc/v3fb)" = "$N"
verify16 v3fb --key k.pub --insecure-ignore-tlog "$HP/conc/v3fb@$D"

echo "# 2. --key, v3, the referrers API"
run16 v3api --key k.key --tlog-upload=false -- "$FRONT_HOSTPORT/conc/v3api@$D"
api=$(curl -s -f --max-time 10 "$FRONT_URL/v2/conc/v3api/referrers/$D" | jq '.manifests | length')
check "v3api: the referrers API lists $N (lists $api)" test "$api" = "$N"
check "v3api: no fallback tag was written" sh -c "! curl -s -f --max-time 10 -o /dev/null \
	-H 'Accept: application/vnd.oci.image.index.v1+json' \
	'$REG/v2/conc/v3api/manifests/${D/:/-}'"
verify16 v3api --key k.pub --insecure-ignore-tlog "$FRONT_HOSTPORT/conc/v3api@$D"

echo "# 3. --key, both forms, no referrers API"
run16 both --key k.key --tlog-upload=false --signature-format both -- "$HP/conc/both@$D"
check "both: the fallback index lists $N (lists $(fallback_len conc/both))" \
	test "$(fallback_len conc/both)" = "$N"
check "both: the .sig holds $N layers (holds $(sig_len conc/both))" \
	test "$(sig_len conc/both)" = "$N"
verify16 both --key k.pub --insecure-ignore-tlog "$HP/conc/both@$D"
verify16 both-legacy --key k.pub --insecure-ignore-tlog --new-bundle-format=false "$HP/conc/both@$D"

echo "# 4. keyless (16 Fulcio certificates, Rekor v1, the TSA), both forms, no referrers API"
for i in $(seq "$N"); do
	sigstore_mint_token '{"sub":"conc-signer"}' >"tok.$i" || bad "token $i"
done
run16 keyless --trusted-root "$TRUSTED_ROOT" --signing-config "$SIGNING_CONFIG_V1ONLY" \
	--signature-format both -- "$HP/conc/keyless@$D"
rm -f tok.*
check "keyless: the fallback index lists $N (lists $(fallback_len conc/keyless))" \
	test "$(fallback_len conc/keyless)" = "$N"
check "keyless: the .sig holds $N layers (holds $(sig_len conc/keyless))" \
	test "$(sig_len conc/keyless)" = "$N"
certs=$(for i in $(seq "$N"); do cat "keyless.e.$i"; done | grep -c 'tlog entry created with index')
check "keyless: each signer logged its signatures ($certs log entries, $((2 * N)) expected)" \
	test "$certs" = "$((2 * N))"
ID=(--trusted-root "$TRUSTED_ROOT" --certificate-identity conc-signer \
	--certificate-oidc-issuer "$OIDC_ISSUER")
verify16 keyless "${ID[@]}" "$HP/conc/keyless@$D"
verify16 keyless-legacy "${ID[@]}" --new-bundle-format=false "$HP/conc/keyless@$D"

echo "# 5. keyless, v3, the referrers API"
for i in $(seq "$N"); do
	sigstore_mint_token '{"sub":"conc-signer"}' >"tok.$i" || bad "token $i"
done
run16 keyless-api --trusted-root "$TRUSTED_ROOT" --signing-config "$SIGNING_CONFIG_V1ONLY" \
	-- "$FRONT_HOSTPORT/conc/keyless-api@$D"
rm -f tok.*
api=$(curl -s -f --max-time 10 "$FRONT_URL/v2/conc/keyless-api/referrers/$D" |
	jq '.manifests | length')
check "keyless-api: the referrers API lists $N (lists $api)" test "$api" = "$N"
verify16 keyless-api "${ID[@]}" "$FRONT_HOSTPORT/conc/keyless-api@$D"
finish
