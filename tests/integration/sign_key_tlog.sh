#!/usr/bin/env bash
# sign_key_tlog: `picosign sign --key` with the transparency log (cosign's default), against the
# local Sigstore peer's Rekor and Debian's docker-registry on loopback:
#   * the upload: hashedrekord whose publicKey is the PUBLIC KEY PEM, the tlog index lines, the
#     dev.sigstore.cosign/bundle annotation next to the signature, the prompt (--yes, COSIGN_YES,
#     an empty stdin declines and pushes nothing);
#   * `picosign verify --key` accepts it with no insecure flag; a tampered bundle annotation, the
#     other key, and a Rekor answer with a bad SET are refused;
#   * --output-signature (base64, no newline) and --bundle (v0.3, publicKey hint) verify with
#     `picosign verify-blob --key` and sigstore-js, and survive a registry that refuses the push;
#   * --tlog-upload=false: a warning, no bundle annotation, and verify --key then fails without
#     --insecure-ignore-tlog (cosign's "offline verification failed" with --offline).
# Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout sha256sum tar gzip openssl base64; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=../sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES \
	COSIGN_PASSWORD

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
jqe() { jq -e "$@" >/dev/null; }

# A registry to push to, and a read-only one over the same storage (serves, refuses pushes).
start_registry reg || { bad "registry starts"; echo "$pass passed, $fail failed"; exit 1; }
R=127.0.0.1:$PORT
BASE=http://$R
REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$T/reg/data \
	REGISTRY_STORAGE_MAINTENANCE='{"readonly":{"enabled":true},"uploadpurging":{"enabled":false}}' \
	start_registry ro || { bad "read-only registry starts"; echo "$pass passed, $fail failed"; exit 1; }
RO=127.0.0.1:$PORT
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	echo "$pass passed, $fail failed"
	exit 1
fi

# Three images: one logged, one not, one for the prompt checks.
for n in 1 2 3; do
	make_image "$T/img$n" "key image $n"
	push_image "$BASE" "key/app$n" v1 "$T/img$n" || bad "pushing image $n"
done
D1=$(digest_of "$T/img1/manifest.json")
D2=$(digest_of "$T/img2/manifest.json")
D3=$(digest_of "$T/img3/manifest.json")

cd "$T" || exit 1
COSIGN_PASSWORD=pw1 timeout 60 "$BIN" generate-key-pair --output-key-prefix k1 >/dev/null 2>&1
COSIGN_PASSWORD=pw2 timeout 60 "$BIN" generate-key-pair --output-key-prefix k2 >/dev/null 2>&1
[ -f k1.key ] && [ -f k1.pub ] && [ -f k2.pub ] || bad "generate-key-pair made two keys"
export COSIGN_PASSWORD=pw1
SIGN=(timeout 60 "$BIN" sign --new-bundle-format=false --allow-http-registry --key k1.key
	--rekor-url "$REKOR_URL" --trusted-root "$TRUSTED_ROOT")
VERIFY=(timeout 60 "$BIN" verify --allow-http-registry --trusted-root "$TRUSTED_ROOT")
sigmanifest() { # REPO DIGEST: the .sig manifest
	curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"$BASE/v2/$1/manifests/sha256-${2#sha256:}.sig"
}

# ---- 1. sign --key uploads by default ----
"${SIGN[@]}" -y --output-signature s1.b64 --bundle b1.json "$R/key/app1@$D1" >out.txt 2>err.txt
rc=$?
check "sign --key exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
IDX=$(sed -n 's/^tlog entry created with index: \([0-9]*\)$/\1/p' err.txt)
check "tlog index printed" test -n "$IDX"
check "no search.sigstore.dev link for a private Rekor" bash -c '! grep -q search.sigstore.dev err.txt'
check "no --tlog-upload warning" bash -c '! grep -q WARNING err.txt'
check "the Rekor log saw the upload" grep -q "rekor: logged .* logIndex=$IDX" "$SIGSTORE_LOG"
check "pushing line" grep -qx "Pushing signature to: $R/key/app1" err.txt
sigmanifest key/app1 "$D1" >sig1.json
check "one layer with the signature and bundle annotations" test \
	"$(jq -r '.layers | length, (.[0].annotations | keys | sort | join(","))' sig1.json | tr '\n' ' ')" = \
	"1 dev.cosignproject.cosign/signature,dev.sigstore.cosign/bundle "
jq -r '.layers[0].annotations["dev.sigstore.cosign/bundle"]' sig1.json >ann1.json
check "bundle annotation: cosign's shape, our index" jqe --argjson i "$IDX" \
	'(.SignedEntryTimestamp | length > 0) and (.Payload | keys == ["body","integratedTime","logID","logIndex"])
	 and .Payload.logIndex == $i' ann1.json
jq -r .Payload.body ann1.json | base64 -d >body1.json
check "logged entry: hashedrekord 0.0.1" jqe '.kind == "hashedrekord" and .apiVersion == "0.0.1"' body1.json
jq -r .spec.signature.publicKey.content body1.json | base64 -d >logged-key.pem
check "logged entry: publicKey.content is the PUBLIC KEY PEM of the signing key" bash -c \
	"grep -q 'BEGIN PUBLIC KEY' logged-key.pem &&
	 cmp -s <(openssl pkey -pubin -in logged-key.pem -outform DER) <(openssl pkey -pubin -in k1.pub -outform DER)"
check "logged entry: the signature is the layer's" test \
	"$(jq -r .spec.signature.content body1.json)" = \
	"$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' sig1.json)"
LD=$(jq -r '.layers[0].digest' sig1.json)
curl -s -f --max-time 10 "$BASE/v2/key/app1/blobs/$LD" >payload1.json
check "logged entry: the hash is the payload's" test \
	"$(jq -r .spec.data.hash.value body1.json)" = "$(sha256sum payload1.json | cut -d' ' -f1)"

# --output-signature and --bundle.
check "--output-signature: the layer's signature, no newline" test \
	"$(jq -j '.layers[0].annotations["dev.cosignproject.cosign/signature"]' sig1.json)" = \
	"$(cat s1.b64)" -a "$(tail -c 1 s1.b64 | od -An -c | tr -d ' ')" != '\n'
check "--bundle: v0.3, publicKey hint = base64 sha256 of the SPKI, one tlog entry" jqe \
	--arg h "$(openssl pkey -pubin -in k1.pub -outform DER | openssl dgst -sha256 -binary | base64 -w0)" \
	--arg i "$IDX" \
	'.mediaType == "application/vnd.dev.sigstore.bundle.v0.3+json" and
	 .verificationMaterial.publicKey.hint == $h and
	 (.verificationMaterial | has("certificate") | not) and
	 (.verificationMaterial.tlogEntries | length == 1) and
	 .verificationMaterial.tlogEntries[0].logIndex == $i' b1.json
timeout 60 "$BIN" verify-blob --bundle b1.json --key k1.pub --trusted-root "$TRUSTED_ROOT" \
	payload1.json >vb.out 2>&1
rc=$?
check "picosign verify-blob --key accepts the bundle for the payload ($(tail -n 1 vb.out))" test "$rc" -eq 0
timeout 60 "$BIN" verify-blob --bundle b1.json --key k2.pub --trusted-root "$TRUSTED_ROOT" \
	payload1.json >/dev/null 2>&1
check "verify-blob: the other key is refused" test $? -ne 0
timeout 60 node "$ROOT/tests/sigstore/verify-bundle.mjs" --bundle b1.json --artifact payload1.json \
	--key k1.pub --trusted-root "$TRUSTED_ROOT" >jsb.out 2>&1
rc=$?
check "sigstore-js accepts the bundle ($(tail -n 1 jsb.out))" test "$rc" -eq 0

# ---- 2. verify --key with the log, no insecure flag ----
"${VERIFY[@]}" --key k1.pub "$R/key/app1@$D1" >v1.out 2>v1.err
rc=$?
check "verify --key passes without --insecure-ignore-tlog ($(tail -n 1 v1.err))" test "$rc" -eq 0
check "verify --key: the offline-log line" grep -qx \
	"  - Existence of the claims in the transparency log was verified offline" v1.err
check "verify --key: no insecure warning" bash -c '! grep -q WARNING v1.err'
check "verify --key: the output carries the bundle" jqe '.[0].optional.Bundle.Payload.logIndex' v1.out
timeout 60 "$BIN" save --allow-http-registry "$R/key/app1:v1" --dir saved1 >/dev/null 2>&1 &&
	"${VERIFY[@]}" --key k1.pub --offline --local-image saved1 >/dev/null 2>&1
check "saved by tag, verify --key --offline --local-image passes" test $? -eq 0
"${VERIFY[@]}" --key k2.pub "$R/key/app1@$D1" >/dev/null 2>k2.err
rc=$?
check "verify with the other key: no match (12), the logged key differs" bash -c \
	"[ $rc = 12 ] && grep -q 'the public key in the log entry differs' k2.err"

# A tampered bundle annotation (another logIndex: the SET no longer covers it).
jq --arg a "$(jq -c '.Payload.logIndex += 1' ann1.json)" \
	'.layers[0].annotations["dev.sigstore.cosign/bundle"] = $a' sig1.json >tampered.json
put_manifest "$BASE" key/app1 "sha256-${D1#sha256:}.sig" tampered.json \
	application/vnd.oci.image.manifest.v1+json
check "tampered .sig manifest pushed" test $? -eq 0
"${VERIFY[@]}" --key k1.pub "$R/key/app1@$D1" >/dev/null 2>tamper.err
rc=$?
check "tampered bundle annotation: no match (12)" test "$rc" -eq 12
check "tampered bundle annotation: the SET fails" grep -qx \
	'Error: no matching signatures: signed entry timestamp: signed entry timestamp verification failed' \
	tamper.err
# Another body (the entry of another signature): the SET fails too, or the body disagrees.
jq --arg a "$(jq -c '.Payload.body = ("{}" | @base64)' ann1.json)" \
	'.layers[0].annotations["dev.sigstore.cosign/bundle"] = $a' sig1.json >tampered2.json
put_manifest "$BASE" key/app1 "sha256-${D1#sha256:}.sig" tampered2.json \
	application/vnd.oci.image.manifest.v1+json
"${VERIFY[@]}" --key k1.pub "$R/key/app1@$D1" >/dev/null 2>&1
check "tampered bundle body: no match (12)" test $? -eq 12
put_manifest "$BASE" key/app1 "sha256-${D1#sha256:}.sig" sig1.json \
	application/vnd.oci.image.manifest.v1+json
"${VERIFY[@]}" --key k1.pub "$R/key/app1@$D1" >/dev/null 2>&1
check "the original manifest verifies again" test $? -eq 0

# Signing again: the same deterministic signature; Rekor's 409 gives the existing entry, and
# the layer is already there.
"${SIGN[@]}" -y "$R/key/app1@$D1" >out.txt 2>err.txt
rc=$?
check "signing again exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "signing again: the existing entry" grep -qx "tlog entry created with index: $IDX" err.txt
check "signing again: nothing pushed" test "$(sigmanifest key/app1 "$D1" | jq '.layers | length')" = 1

# ---- 3. --tlog-upload=false ----
"${SIGN[@]}" --tlog-upload=false "$R/key/app2@$D2" >out.txt 2>err.txt </dev/null
rc=$?
check "--tlog-upload=false exits 0 without a prompt ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "--tlog-upload=false: warning" grep -q '^WARNING: --tlog-upload=false' err.txt
check "--tlog-upload=false: no tlog line" bash -c '! grep -q "tlog entry" err.txt'
check "--tlog-upload=false: only the signature annotation" test \
	"$(sigmanifest key/app2 "$D2" | jq -r '.layers[0].annotations | keys | join(",")')" = \
	dev.cosignproject.cosign/signature
"${VERIFY[@]}" --key k1.pub "$R/key/app2@$D2" >/dev/null 2>v2.err
rc=$?
check "unlogged: verify --key fails (12)" test "$rc" -eq 12
check "unlogged: the message says there is no log bundle" grep -q \
	'^Error: no matching signatures: signature has no transparency log bundle' v2.err
timeout 60 "$BIN" save --allow-http-registry "$R/key/app2@$D2" --dir saved2 >/dev/null 2>&1
"${VERIFY[@]}" --key k1.pub --offline --local-image saved2 >/dev/null 2>v2o.err
check "unlogged, --offline: cosign's message" grep -qx \
	'Error: no matching signatures: offline verification failed' v2o.err
"${VERIFY[@]}" --key k1.pub --insecure-ignore-tlog "$R/key/app2@$D2" >/dev/null 2>&1
check "unlogged: --insecure-ignore-tlog passes" test $? -eq 0
"${SIGN[@]}" --tlog-upload=false --bundle x.json "$R/key/app2@$D2" >/dev/null 2>err.txt
check "--bundle with --tlog-upload=false: usage error" bash -c \
	"[ $? = 1 ] && grep -q 'needs the transparency-log entry' err.txt && [ ! -e x.json ]"

# ---- 4. the prompt ----
"${SIGN[@]}" "$R/key/app3@$D3" >out.txt 2>err.txt </dev/null
rc=$?
check "empty stdin declines: exit 1" test "$rc" -eq 1
check "empty stdin declines: privacy statement and cosign's message" bash -c \
	"grep -q 'Are you sure you would like to continue' err.txt && grep -q 'user declined the prompt' err.txt"
check "declined: nothing pushed" bash -c '! grep -q "Pushing signature" err.txt'
echo y | "${SIGN[@]}" "$R/key/app3@$D3" >out.txt 2>err.txt
rc=$?
# (the answer is not echoed, so the log line follows the prompt on its line)
check "answering y signs and logs ($(tail -n 1 err.txt))" bash -c \
	"[ $rc = 0 ] && grep -q 'tlog entry created with index: [0-9]' err.txt"
COSIGN_YES=true "${SIGN[@]}" -a run=2 "$R/key/app3@$D3" >out.txt 2>err.txt </dev/null
check "COSIGN_YES=true: no prompt" bash -c \
	"[ $? = 0 ] && ! grep -q 'Are you sure' err.txt"
check "two logged layers on image 3" test "$(sigmanifest key/app3 "$D3" |
	jq '[.layers[].annotations | has("dev.sigstore.cosign/bundle")] | all and length == 2')" = true
"${VERIFY[@]}" --key k1.pub -a run=2 "$R/key/app3@$D3" >/dev/null 2>&1
check "verify --key -a run=2 passes" test $? -eq 0

# ---- 5. Rekor faults: nothing pushed ----
sigstore_control '{"rekor_bad_set":true}' >/dev/null
"${SIGN[@]}" -y -a fault=set "$R/key/app3@$D3" >out.txt 2>err.txt
rc=$?
sigstore_control '{"reset":true}' >/dev/null
check "bad SET: exit 1" test "$rc" -eq 1
check "bad SET: the stage and the SET are named" grep -q '^Error: verifying the Rekor entry: .*signed entry timestamp' err.txt
check "bad SET: no push" bash -c '! grep -q "Pushing signature" err.txt'
sigstore_control '{"rekor_status":500}' >/dev/null
"${SIGN[@]}" -y -a fault=500 "$R/key/app3@$D3" >out.txt 2>err.txt
rc=$?
sigstore_control '{"reset":true}' >/dev/null
check "Rekor 500: exit 1 and the message" bash -c \
	"[ $rc = 1 ] && grep -q '^Error: uploading to the Rekor transparency log: .*Rekor returned 500' err.txt"
check "faults: still two layers on image 3" test "$(sigmanifest key/app3 "$D3" | jq '.layers | length')" = 2
timeout 60 "$BIN" sign --new-bundle-format=false --allow-http-registry --key k1.key \
	--rekor-url http://192.0.2.1 --trusted-root "$TRUSTED_ROOT" -y "$R/key/app3@$D3" >/dev/null 2>err.txt
check "plain http to a non-loopback Rekor is refused" bash -c \
	"[ $? = 1 ] && grep -qi 'http' err.txt && ! grep -q 'Pushing signature' err.txt"

# ---- 6. a registry that refuses the push ----
"${SIGN[@]}" -y --output-signature ro.sig --bundle ro.json "$RO/key/app1@$D1" >out.txt 2>err.txt
rc=$?
check "read-only registry: exit 1" test "$rc" -eq 1
check "read-only registry: logged first" grep -q '^tlog entry created with index: ' err.txt
check "read-only registry: the message names the kept files" grep -qE \
	'^Error: pushing the signature failed: .+; the signature and bundle were written to ro.sig and ro.json and are not lost$' err.txt
jq -cjn --arg r "$RO/key/app1" --arg d "$D1" '{critical: {identity: {"docker-reference": $r},
	image: {"docker-manifest-digest": $d}, type: "cosign container image signature"},
	optional: null}' >ro-payload.json
timeout 60 "$BIN" verify-blob --bundle ro.json --key k1.pub --trusted-root "$TRUSTED_ROOT" \
	ro-payload.json >vb.out 2>&1
rc=$?
check "read-only registry: the kept bundle verifies ($(tail -n 1 vb.out))" test "$rc" -eq 0
check "read-only registry: the kept signature is the bundle's" test \
	"$(jq -r .messageSignature.signature ro.json)" = "$(cat ro.sig)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
