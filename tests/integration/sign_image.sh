#!/usr/bin/env bash
# sign_image: keyless `picosign sign IMAGE@DIGEST` against the local Sigstore peer and Debian's
# docker-registry on loopback: a Buildkite-shaped token, the .sig layer pushed with signature,
# certificate, chain and bundle annotations (protocol.md §2.3), then `picosign verify` and
# sigstore-js (tests/sigstore/verify-cosign-sig.mjs) both accept it; a second signature is
# appended, not replacing the first; a Rekor fault pushes nothing. --output-signature (cosign's
# base64, no newline) and --bundle (v0.3 over the payload: picosign verify-blob and sigstore-js
# verify-bundle.mjs accept it); a read-only registry that refuses the push: exit 1, the outputs
# were written first and verify, and the message says so. Inputs: SG_BIN.
# Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout sha256sum tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=../sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES

T=$(mktemp -d)
pids=()
cleanup() {
	sigstore_stop
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
export HOME=$T/home
mkdir -p "$HOME"
# shellcheck source=../lib/oci.sh
source "$ROOT/tests/lib/oci.sh"

# ---- the registries (testing.md §3.1): one to push to, and a read-only one over the same
# storage, which serves the image but refuses every push ----
start_registry reg || { bad "registry starts"; echo "$pass passed, $fail failed"; exit 1; }
PORT_RW=$PORT
REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$T/reg/data \
	REGISTRY_STORAGE_MAINTENANCE='{"readonly":{"enabled":true},"uploadpurging":{"enabled":false}}' \
	start_registry ro || { bad "read-only registry starts"; echo "$pass passed, $fail failed"; exit 1; }
PORT_RO=$PORT
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	echo "$pass passed, $fail failed"
	exit 1
fi
R=127.0.0.1:$PORT_RW
RO=127.0.0.1:$PORT_RO
BASE=http://$R

I=$T/img
make_image "$I" "keyless image"
push_image "$BASE" app v1 "$I"
check "image pushed" test $? -eq 0
D=$(digest_of "$I/manifest.json")
HEX=${D#sha256:}
IMG=$R/app@$D

BK_SAN=https://buildkite.com/acme-inc/super-duper-app
BK_ISS=https://agent.buildkite.com
TOKEN=$(sigstore_mint_token '{}' preset=buildkite)
cd "$T" || exit 1
SIGN=(timeout 60 "$BIN" sign --new-bundle-format=false --allow-http-registry
	--fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" --trusted-root "$TRUSTED_ROOT"
	--identity-token "$TOKEN" -y)
VERIFY=(timeout 60 "$BIN" verify --allow-http-registry --certificate-identity "$BK_SAN"
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT")

"${SIGN[@]}" --output-certificate cert.pem --output-signature sig.b64 --bundle bundle.json \
	"$IMG" >out.txt 2>err.txt
rc=$?
check "keyless sign exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "tlog index printed" grep -qE "^tlog entry created with index: [0-9]+$" err.txt
check "no search.sigstore.dev link for a private Rekor" bash -c '! grep -q search.sigstore.dev err.txt'
check "outputs announced" bash -c 'grep -qx "Wrote signature to file sig.b64" err.txt &&
	grep -qx "Wrote bundle to file bundle.json" err.txt'
check "pushing line" grep -qx "Pushing signature to: $R/app" err.txt
check "token never printed" bash -c "! grep -qF '${TOKEN##*.}' out.txt err.txt"
curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$BASE/v2/app/manifests/sha256-$HEX.sig" >sig.json
check ".sig manifest has one layer" test "$(jq '.layers | length' sig.json)" = 1
check "layer annotations: signature, certificate, chain, bundle" test \
	"$(jq -r '.layers[0].annotations | keys | sort | join(",")' sig.json)" = \
	"dev.cosignproject.cosign/signature,dev.sigstore.cosign/bundle,dev.sigstore.cosign/certificate,dev.sigstore.cosign/chain"
check "certificate annotation is the written certificate" test \
	"$(jq -r '.layers[0].annotations["dev.sigstore.cosign/certificate"]' sig.json)" = "$(cat cert.pem)"
check "bundle annotation shape" bash -c "jq -e '.layers[0].annotations[\"dev.sigstore.cosign/bundle\"] | fromjson |
	(.SignedEntryTimestamp | length > 0) and (.Payload | keys == [\"body\",\"integratedTime\",\"logID\",\"logIndex\"])' sig.json >/dev/null"
LD=$(jq -r '.layers[0].digest' sig.json)
curl -s -f --max-time 10 "$BASE/v2/app/blobs/$LD" >payload.json
check "payload names the image" test \
	"$(jq -r '.critical.image["docker-manifest-digest"] + " " + .critical.identity["docker-reference"]' payload.json)" = "$D $R/app"

"${VERIFY[@]}" "$IMG" >v.out 2>v.err
rc=$?
check "picosign verify accepts it ($(tail -n 1 v.err))" test "$rc" -eq 0
jq '.layers[0].annotations' sig.json >annots.json
timeout 60 node "$ROOT/tests/sigstore/verify-cosign-sig.mjs" --payload payload.json \
	--annotations annots.json --manifest-digest "$D" --layer-digest "$LD" \
	--identity "$BK_SAN" --issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" >js.out 2>&1
rc=$?
check "sigstore-js accepts the layer ($(tail -n 1 js.out))" test "$rc" -eq 0
timeout 60 "$BIN" verify --allow-http-registry --certificate-identity https://buildkite.com/x/y \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" "$IMG" >/dev/null 2>&1
check "another identity is refused" test $? -ne 0

# --output-signature and --bundle: the signature as cosign writes it (base64, no newline), and a
# bundle v0.3 for the payload that picosign and sigstore-js both verify.
check "--output-signature: the layer's signature, no newline" test \
	"$(jq -j '.layers[0].annotations["dev.cosignproject.cosign/signature"]' sig.json)" = \
	"$(cat sig.b64)" -a "$(tail -c 1 sig.b64 | od -An -c | tr -d ' ')" != '\n'
check "--output-signature: nothing on stdout" test ! -s out.txt
jqe() { jq -e "$@" >/dev/null; }
check "--bundle: v0.3 with the certificate and one tlog entry" jqe \
	'.mediaType == "application/vnd.dev.sigstore.bundle.v0.3+json" and
	 (.verificationMaterial.certificate.rawBytes | length > 0) and
	 (.verificationMaterial.tlogEntries | length == 1) and
	 .messageSignature.signature == $s' --arg s "$(cat sig.b64)" bundle.json
check "--bundle: the certificate is --output-certificate's" test \
	"$(jq -r .verificationMaterial.certificate.rawBytes bundle.json)" = \
	"$(openssl x509 -in cert.pem -outform DER | base64 -w0)"
timeout 60 "$BIN" verify-blob --bundle bundle.json --certificate-identity "$BK_SAN" \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" payload.json >vb.out 2>&1
rc=$?
check "picosign verify-blob accepts the bundle for the payload ($(tail -n 1 vb.out))" test "$rc" -eq 0
timeout 60 node "$ROOT/tests/sigstore/verify-bundle.mjs" --bundle bundle.json --artifact payload.json \
	--identity "$BK_SAN" --issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" >jsb.out 2>&1
rc=$?
check "sigstore-js accepts the bundle ($(tail -n 1 jsb.out))" test "$rc" -eq 0
printf 'x' >>payload.json
timeout 60 "$BIN" verify-blob --bundle bundle.json --certificate-identity "$BK_SAN" \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" payload.json >/dev/null 2>&1
check "the bundle does not verify another payload" test $? -ne 0
curl -s -f --max-time 10 "$BASE/v2/app/blobs/$LD" >payload.json

# A second signature is appended.
"${SIGN[@]}" "$R/app:v1" >out.txt 2>err.txt
check "sign by tag exits 0" test $? -eq 0
check "tag warning" grep -q "uses a tag, not a digest" err.txt
curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$BASE/v2/app/manifests/sha256-$HEX.sig" >sig2.json
check "two layers now" test "$(jq '.layers | length' sig2.json)" = 2
check "the first layer kept" test "$(jq -c '.layers[0]' sig2.json)" = "$(jq -c '.layers[0]' sig.json)"

# A Rekor fault pushes nothing.
sigstore_control '{"rekor_status":500}' >/dev/null
"${SIGN[@]}" "$IMG" >out.txt 2>err.txt
rc=$?
sigstore_control '{"reset":true}' >/dev/null
check "Rekor 500: exit 1" test "$rc" -eq 1
check "Rekor 500: message" grep -q "Rekor returned 500" err.txt
check "Rekor 500: no push" bash -c '! grep -q "Pushing signature" err.txt'
curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$BASE/v2/app/manifests/sha256-$HEX.sig" >sig3.json
check "Rekor 500: still two layers" test "$(jq '.layers | length' sig3.json)" = 2

# A registry that refuses the push: the image reads fine, the signature is made and logged, the
# push fails; the outputs asked for were written first, verify, and the message says so.
rm -f ro.sig ro.pem ro.json
"${SIGN[@]}" --output-signature ro.sig --output-certificate ro.pem --bundle ro.json \
	"$RO/app@$D" >out.txt 2>err.txt
rc=$?
check "read-only registry: exit 1" test "$rc" -eq 1
check "read-only registry: signed and logged first" grep -qE "^tlog entry created with index: [0-9]+$" err.txt
check "read-only registry: the message names the failed push and the kept files" grep -qE \
	"^Error: pushing the signature failed: .+; the signature, certificate and bundle were written to ro.sig, ro.pem and ro.json and are not lost$" err.txt
check "read-only registry: the three files exist" test -s ro.sig -a -s ro.pem -a -s ro.json
check "read-only registry: the bundle's signature is the written one" test \
	"$(jq -r .messageSignature.signature ro.json)" = "$(cat ro.sig)"
# The payload that was signed (protocol.md §1.1: these bytes, no newline).
jq -cjn --arg r "$RO/app" --arg d "$D" '{critical: {identity: {"docker-reference": $r},
	image: {"docker-manifest-digest": $d}, type: "cosign container image signature"},
	optional: null}' >ro-payload.json
timeout 60 "$BIN" verify-blob --bundle ro.json --certificate-identity "$BK_SAN" \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" ro-payload.json >vb.out 2>&1
rc=$?
check "read-only registry: the kept bundle verifies for the payload ($(tail -n 1 vb.out))" test "$rc" -eq 0
timeout 60 node "$ROOT/tests/sigstore/verify-bundle.mjs" --bundle ro.json --artifact ro-payload.json \
	--identity "$BK_SAN" --issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" >jsb.out 2>&1
rc=$?
check "read-only registry: sigstore-js accepts the kept bundle ($(tail -n 1 jsb.out))" test "$rc" -eq 0
curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$BASE/v2/app/manifests/sha256-$HEX.sig" >sig4.json
check "read-only registry: nothing was added" test "$(jq '.layers | length' sig4.json)" = 2
"${SIGN[@]}" "$RO/app@$D" >out.txt 2>err.txt
check "read-only registry, no outputs: exit 1, names the push, claims no files" bash -c "[ $? = 1 ] &&
	grep -q '^Error: pushing the signature failed: .*405' err.txt && ! grep -q 'not lost' err.txt"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
