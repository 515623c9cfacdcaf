#!/usr/bin/env bash
# concurrent: 16 `picosign sign --key ... --tlog-upload=false` runs at once on one image in
# Debian's docker-registry (issue #14: before the re-read, settle check and jittered redo, 10 of
# 16 exited 0 and the .sig held 4 layers). Each signer adds its own annotation (n=i), so every
# signature is a distinct layer. Then: every run exits 0, the .sig manifest holds 16 layers, one
# per signer, and `picosign verify --key` accepts all 16. The redo and retry counts are
# printed (docs/decisions.md records them). Legacy .sig form only; cosign v3's forms (the
# fallback index, the referrers API, both, keyless) are concurrent_v3.sh's. Inputs: SG_BIN.
# Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout openssl sha256sum tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy PICOSIGN_TIMEOUT \
	DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES PICOSIGN_MAX_RETRIES COSIGN_PASSWORD

# shellcheck source=../lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
oci_scratch

start_registry reg || { bad "registry starts"; finish; exit 1; }
BASE=http://127.0.0.1:$PORT
make_image "$T/img" "sixteen signers"
push_image "$BASE" conc/app v1 "$T/img" || bad "pushing the image"
D=$(digest_of "$T/img/manifest.json")
IMG=127.0.0.1:$PORT/conc/app@$D
cd "$T" || exit 1
# An unencrypted PKCS#8 key: sixteen scrypt decryptions would only measure the CPU.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.key 2>/dev/null
openssl pkey -in k.key -pubout -out k.pub 2>/dev/null

N=16
t0=$(date +%s%N)
for i in $(seq "$N"); do
	timeout 120 "$BIN" sign --allow-http-registry --key k.key --tlog-upload=false -y -a "n=$i" \
		--new-bundle-format=false "$IMG" >"o$i" 2>"e$i" &
	jobs_[i]=$!
done
exited0=0
for i in $(seq "$N"); do
	wait "${jobs_[i]}" && exited0=$((exited0 + 1))
done
el=$((($(date +%s%N) - t0) / 1000000))
check "all $N signers exit 0 ($exited0 did; $(cat e* | grep '^Error' | head -n 1))" test "$exited0" = "$N"
curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$BASE/v2/conc/app/manifests/sha256-${D#sha256:}.sig" >sig.json
check "the .sig manifest holds $N layers (has $(jq '.layers | length' sig.json))" \
	test "$(jq '.layers | length' sig.json)" = "$N"
check "one layer per signer" test \
	"$(jq -r '[.layers[].digest] | unique | length' sig.json)" = "$N"
timeout 60 "$BIN" verify --allow-http-registry --key k.pub --insecure-ignore-tlog "$IMG" \
	>v.out 2>v.err
rc=$?
check "verify --key accepts them ($(tail -n 1 v.err))" test "$rc" -eq 0
check "all $N signatures verified" test "$(jq 'length' v.out 2>/dev/null)" = "$N"
for i in $(seq "$N"); do
	jq -e --arg n "$i" 'map(select(.optional.n == $n)) | length == 1' v.out >/dev/null ||
		{ bad "signer $i's signature verified"; continue; }
done
ok "every signer's own signature verified"
redo=$(cat e* | grep -c '^Retrying the signature append')
http=$(cat e* | grep '^Retrying' | grep -vc 'signature append')
most=$(for i in $(seq "$N"); do grep -c '^Retrying the signature append' "e$i"; done | sort -n | tail -n 1)
echo "measured: $N signers in $el ms; append redone $redo times (at most $most by one signer);" \
	"$http HTTP retries"
check "each signer redid its append at most $((8 - 1)) times" test "$most" -le 7
finish
