#!/usr/bin/env bash
# registry: `picosign verify`, `sign --key` and `triangulate` against Debian's docker-registry
# (with --tlog-upload=false: these flows test the registry side; sign_key_tlog.sh tests the
# key path with the transparency log)
# on loopback (testing.md §2, §3, §9; protocol.md §1, §2, §7), in every auth mode: none,
# htpasswd (Basic, also through the docker config and a credential helper), TLS, and token
# auth with tests/integration/registry/token_server.js.
#
#   - keyless: the real public-good signature ../shared/vectors/real/*.sig.bin packed into a
#     .sig manifest beside the image manifest it signs (placed in the registry's storage byte
#     for byte: the registry would refuse a PUT naming blobs we do not have); verified with
#     the production trusted root; stdout and stderr compared byte for byte with what cosign
#     prints (protocol.md §7.3), built here independently from the vector; failures with a
#     wrong identity (cosign's exact message), a wrong issuer and a changed payload;
#   - key-based: a tiny image built here, signed, verified, re-tagged (fails), a replayed
#     signature (fails on the digest claim), two signatures kept and both verifying, dedupe,
#     -a annotations;
#   - exit codes 0/1/10/11/12 as cosign.
# Env: SG_BIN (picosign), SG_VECTORS (optional). Prints "ok -"/"not ok -" and "N passed, N failed".
set -u
SG_BIN=${SG_BIN:?SG_BIN must name the picosign binary}
cd "$(dirname "$0")"
source ../lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
HERE=$PWD
VEC=${SG_VECTORS:-$HERE/../../../shared/vectors}

for tool in docker-registry curl jq openssl timeout sha256sum tar gzip; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skipped: $tool is not installed"
		echo "0 passed, 0 failed"
		exit 0
	fi
done

T=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${SG_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SSL_CERT_FILE SSL_CERT_DIR \
	PICOSIGN_TIMEOUT DOCKER_CONFIG REGISTRY_AUTH_FILE SIGSTORE_ROOT_FILE COSIGN_DOCKER_MEDIA_TYPES
export HOME=$T/home # no real docker config may leak in
mkdir -p "$HOME"
PS() { timeout -k 5 60 "$SG_BIN" "$@"; }

# Registries and pushing with curl: tests/lib/oci.sh (start_registry, push_blob,
# put_manifest, digest_of, size_of, make_image, push_image; CURL_AUTH and CURL_TLS arrays).
source ../lib/oci.sh # the script runs from tests/integration

make_image "$T/img1" "hello one"
make_image "$T/img2" "hello two"
D1=$(digest_of "$T/img1/manifest.json")
D2=$(digest_of "$T/img2/manifest.json")

# ---- the real keyless signature, packed as cosign would push it ----
SIGBIN=$VEC/real/cosign-keyless-containers-image.sig.bin
IMGMAN=$VEC/real/cosign-keyless-containers-image.manifest.json
ROOT=$VEC/trust/production-trusted_root.sigstore-python.json
have_vec=0
if [ -f "$SIGBIN" ] && [ -f "$IMGMAN" ] && [ -f "$ROOT" ]; then
	have_vec=1
	K=$T/keyless
	mkdir -p "$K"
	tail -c +16 "$SIGBIN" >"$K/sig.json" # after 0x00 "sigstore-json\n"
	jq -r .payload "$K/sig.json" | base64 -d >"$K/payload.bin"
	HK=$(sha256sum "$IMGMAN" | cut -d' ' -f1)
	ISS=https://github.com/login/oauth
	ID=mitr@redhat.com
fi
# pack_sig DIR PAYLOAD: write DIR/config.json and DIR/sigman.json for PAYLOAD with the vector's
# annotations (protocol.md §2.2).
pack_sig() {
	local pd ps cd cs
	pd=$(digest_of "$2")
	ps=$(size_of "$2")
	printf '{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' \
		"$pd" >"$1/config.json"
	cd=$(digest_of "$1/config.json")
	cs=$(size_of "$1/config.json")
	jq -c --arg pd "$pd" --argjson ps "$ps" --arg cd "$cd" --argjson cs "$cs" \
		'{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",config:{mediaType:"application/vnd.oci.image.config.v1+json",size:$cs,digest:$cd},layers:[{mediaType:"application/vnd.dev.cosign.simplesigning.v1+json",size:$ps,digest:$pd,annotations:.annotations}]}' \
		"$K/sig.json" | tr -d '\n' >"$1/sigman.json"
}
# seed_manifest REGDIR REPO TAG FILE: put a manifest into the registry's storage directly.
seed_manifest() {
	local h s=$1/data/docker/registry/v2
	h=$(sha256sum "$4" | cut -d' ' -f1)
	mkdir -p "$s/blobs/sha256/${h:0:2}/$h" "$s/repositories/$2/_manifests/revisions/sha256/$h" \
		"$s/repositories/$2/_manifests/tags/$3/current" \
		"$s/repositories/$2/_manifests/tags/$3/index/sha256/$h"
	cp "$4" "$s/blobs/sha256/${h:0:2}/$h/data"
	printf 'sha256:%s' "$h" >"$s/repositories/$2/_manifests/revisions/sha256/$h/link"
	printf 'sha256:%s' "$h" >"$s/repositories/$2/_manifests/tags/$3/current/link"
	printf 'sha256:%s' "$h" >"$s/repositories/$2/_manifests/tags/$3/index/sha256/$h/link"
}

# =====================================================================================
echo "# plain registry, no auth"
start_registry plain || { echo "0 passed, 1 failed"; exit 1; }
B=http://127.0.0.1:$PORT
R=127.0.0.1:$PORT
H=(--allow-http-registry)

if [ $have_vec = 1 ]; then
	KR=cosign-signed/fulcio-rekor-1
	seed_manifest "$T/plain" $KR signed "$IMGMAN"
	pack_sig "$K" "$K/payload.bin"
	push_blob "$B" $KR "$K/payload.bin" && push_blob "$B" $KR "$K/config.json" &&
		put_manifest "$B" $KR "sha256-$HK.sig" "$K/sigman.json" application/vnd.oci.image.manifest.v1+json ||
		notok "pushing the keyless .sig"

	# What cosign prints for this signature (protocol.md §7.3), built from the vector alone.
	BUNDLE=$(jq -r '.annotations["dev.sigstore.cosign/bundle"]' "$K/sig.json")
	{
		printf '\n['
		sed 's/"optional":null}$//' "$K/payload.bin"
		printf '"optional":{"1.3.6.1.4.1.57264.1.1":"%s","Bundle":%s,"Issuer":"%s","Subject":"%s"}}]\n' \
			"$ISS" "$BUNDLE" "$ISS" "$ID"
	} >"$K/want.out"
	want_err() { # NAME
		printf '\nVerification for %s --\n' "$1"
		printf 'The following checks were performed on each of these signatures:\n'
		printf '  - The cosign claims were validated\n'
		printf '  - Existence of the claims in the transparency log was verified offline\n'
		printf '  - The code-signing certificate was verified using trusted certificate authority certificates\n'
	}
	KV=(--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$ROOT")

	PS verify "${H[@]}" "${KV[@]}" "$R/$KR@sha256:$HK" >"$K/got.out" 2>"$K/got.err"
	rc=$?
	check "keyless: the real public-good signature verifies by digest (exit 0)" [ $rc = 0 ]
	check "keyless: stdout is byte for byte cosign's JSON" cmp -s "$K/want.out" "$K/got.out"
	want_err "$R/$KR@sha256:$HK" >"$K/want.err"
	check "keyless: stderr is byte for byte cosign's header" cmp -s "$K/want.err" "$K/got.err"
	[ $rc = 0 ] && cmp -s "$K/want.out" "$K/got.out" || { echo "--- got"; cat "$K/got.out" "$K/got.err"; }

	PS verify "${H[@]}" "${KV[@]}" "$R/$KR:signed" >"$K/tag.out" 2>"$K/tag.err"
	check "keyless: by tag (resolved through the registry), same JSON" cmp -s "$K/want.out" "$K/tag.out"
	want_err "$R/$KR:signed" >"$K/want-tag.err"
	check "keyless: by tag, the header names the tag" cmp -s "$K/want-tag.err" "$K/tag.err"
	PS verify "${H[@]}" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" \
		"$R/$KR:signed" >/dev/null 2>&1
	check "keyless: the embedded default trusted root works too" [ $? = 0 ]
	# The seeded image has no config or layer blobs here: save refuses it, naming the blob.
	PS save "${H[@]}" "$R/$KR:signed" --dir "$K/saved" >/dev/null 2>"$K/save.err"
	check "keyless: save of an image whose layers the registry lacks: exit 1, the blob named" \
		bash -c "[ $? = 1 ] && grep -q '^Error: saving the image: GET .*/blobs/sha256:[0-9a-f]*: BLOB_UNKNOWN' '$K/save.err'"
	# A layout holding just what verification reads (as another tool may write it).
	mkdir -p "$K/lay/blobs/sha256"
	for f in "$IMGMAN" "$K/sigman.json" "$K/config.json" "$K/payload.bin"; do
		cp "$f" "$K/lay/blobs/sha256/$(sha256sum "$f" | cut -d' ' -f1)"
	done
	printf '{"imageLayoutVersion": "1.0.0"}' >"$K/lay/oci-layout"
	jq -n --arg d "sha256:$HK" --argjson s "$(size_of "$IMGMAN")" --arg sd "$(digest_of "$K/sigman.json")" \
		--argjson ss "$(size_of "$K/sigman.json")" '{schemaVersion: 2, manifests: [
		 {mediaType: "application/vnd.oci.image.manifest.v1+json", size: $s, digest: $d,
		  annotations: {kind: "dev.cosignproject.cosign/image"}},
		 {mediaType: "application/vnd.oci.image.manifest.v1+json", size: $ss, digest: $sd,
		  annotations: {kind: "dev.cosignproject.cosign/sigs"}}]}' >"$K/lay/index.json"
	PS verify "${KV[@]}" --offline --local-image "$K/lay" >/dev/null 2>&1
	check "keyless: --offline --local-image passes (the bundle carries the log evidence)" [ $? = 0 ]
	PS verify "${H[@]}" --certificate-identity-regexp '^mitr@' --certificate-oidc-issuer-regexp 'github\.com' \
		--trusted-root "$ROOT" "$R/$KR:signed" >/dev/null 2>&1
	check "keyless: regexp identity and issuer" [ $? = 0 ]

	PS verify "${H[@]}" --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" \
		--trusted-root "$ROOT" "$R/$KR:signed" >/dev/null 2>"$K/wid.err"
	rc=$?
	msg="no matching signatures: none of the expected identities matched what was in the certificate, got subjects [mitr@redhat.com] with issuer https://github.com/login/oauth"
	printf 'Error: %s\nmain.go:74: error during command execution: %s\n' "$msg" "$msg" >"$K/wid.want"
	check "keyless: wrong identity exits 12" [ $rc = 12 ]
	check "keyless: wrong identity prints cosign's exact message" cmp -s "$K/wid.want" "$K/wid.err"
	PS verify "${H[@]}" --certificate-identity "$ID" --certificate-oidc-issuer https://accounts.google.com \
		--trusted-root "$ROOT" "$R/$KR:signed" >/dev/null 2>"$K/wiss.err"
	rc=$?
	check "keyless: wrong issuer exits 12 with the same message" \
		bash -c "[ $rc = 12 ] && cmp -s '$K/wid.want' '$K/wiss.err'"
	PS verify "${H[@]}" --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" \
		--trusted-root "$ROOT" --explain "$R/$KR:signed" >/dev/null 2>"$K/explain.err"
	check "keyless: --explain names the failing check" \
		grep -q 'signature 1 of 1 (layer sha256:2dcf9e65.*): failed at identity policy' "$K/explain.err"
	PS verify "${H[@]}" "${KV[@]}" -o text "$R/$KR:signed" >"$K/text.out" 2>"$K/text.err"
	check "keyless: -o text prints the payload and the certificate lines" bash -c \
		"cmp -s <(cat '$K/payload.bin'; echo) '$K/text.out' && grep -qx 'Certificate subject: $ID' '$K/text.err' && grep -qx 'Certificate issuer URL: $ISS' '$K/text.err'"

	# A changed payload: same annotations, one byte of the payload altered.
	mkdir -p "$K/bad"
	sed 's/192\.168\.64\.2/192.168.64.3/' "$K/payload.bin" | tr -d '\n' >"$K/bad/payload.bin"
	pack_sig "$K/bad" "$K/bad/payload.bin"
	BR=cosign-signed/tampered
	push_blob "$B" $BR "$K/bad/payload.bin" && push_blob "$B" $BR "$K/bad/config.json" &&
		put_manifest "$B" $BR "sha256-$HK.sig" "$K/bad/sigman.json" application/vnd.oci.image.manifest.v1+json
	PS verify "${H[@]}" "${KV[@]}" "$R/$BR@sha256:$HK" >/dev/null 2>"$K/bad.err"
	rc=$?
	bh=$(sha256sum "$K/bad/payload.bin" | cut -d' ' -f1)
	check "keyless: a changed payload exits 12" [ $rc = 12 ]
	check "keyless: a changed payload fails the bundle-to-payload match (cosign's message)" grep -qxF \
		"Error: no matching signatures: error verifying bundle: matching bundle to payload: bundle=\"2dcf9e65b95efb54d936085b0b4519b22fb2e9ab47312ded0ec0fa45384701ed\", payload=\"$bh\"" \
		"$K/bad.err"
	PS verify "${H[@]}" "${KV[@]}" --insecure-ignore-tlog "$R/$BR@sha256:$HK" >/dev/null 2>"$K/bad2.err"
	check "keyless: a changed payload without the log fails the signature (checked before expiry)" \
		grep -qxF "Error: no matching signatures: invalid signature when validating ASN.1 encoded signature" "$K/bad2.err"
	PS verify "${H[@]}" "${KV[@]}" --insecure-ignore-tlog "$R/$KR:signed" >/dev/null 2>"$K/exp.err"
	check "keyless: without the log the 2023 certificate is expired now (cosign's message)" \
		grep -qxF "Error: no matching signatures: expected a signed timestamp to verify an expired certificate" "$K/exp.err"
	check "keyless: --insecure-ignore-tlog is warned about" grep -q '^WARNING: Skipping tlog verification' "$K/bad2.err"
else
	echo "skipped: keyless vectors not found under $VEC (keyless checks)"
fi

# Exit codes for missing things.
push_image "$B" tiny/app v1 "$T/img1" || notok "pushing the tiny image"
PS verify "${H[@]}" --certificate-identity x --certificate-oidc-issuer y "$R/tiny/app:nope" \
	>/dev/null 2>"$T/e11"
rc=$?
check "a missing tag exits 11 with \"image tag not found\" and the registry's error" bash -c \
	"[ $rc = 11 ] && grep -qx 'Error: image tag not found: GET http://$R/v2/tiny/app/manifests/nope: MANIFEST_UNKNOWN: manifest unknown; map\\[Tag:nope\\]' '$T/e11'"

# ---- key-based signing ----
cd "$T" || exit 1
COSIGN_PASSWORD=pw1 PS generate-key-pair --output-key-prefix k1 >/dev/null 2>&1 ||
	COSIGN_PASSWORD=pw1 PS generate-key-pair >/dev/null 2>&1
if [ -f k1.key ]; then :; elif [ -f cosign.key ]; then mv cosign.key k1.key; mv cosign.pub k1.pub; fi
COSIGN_PASSWORD=pw2 PS generate-key-pair --output-key-prefix k2 >/dev/null 2>&1 ||
	{ COSIGN_PASSWORD=pw2 PS generate-key-pair >/dev/null 2>&1 && mv cosign.key k2.key && mv cosign.pub k2.pub; }
[ -f k1.key ] && [ -f k2.key ] || notok "generate-key-pair made two keys"

PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app@$D1" >/dev/null 2>"$T/e10"
rc=$?
check "an unsigned image exits 10 with \"no signatures found\"" bash -c \
	"[ $rc = 10 ] && grep -qx 'Error: no signatures found' '$T/e10'"

COSIGN_PASSWORD=pw1 PS sign "${H[@]}" --new-bundle-format=false --tlog-upload=false --key k1.key "$R/tiny/app@$D1" >/dev/null 2>"$T/sign1.err"
check "sign --key pushes a signature" [ $? = 0 ]
check "sign says where it pushed" grep -qx "Pushing signature to: $R/tiny/app" "$T/sign1.err"
PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app@$D1" >"$T/v1.out" 2>"$T/v1.err"
check "verify --key passes" [ $? = 0 ]
printf '\n[{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}]\n' \
	"$R/tiny/app" "$D1" >"$T/v1.want"
check "verify --key prints cosign's JSON" cmp -s "$T/v1.want" "$T/v1.out"
printf '\nVerification for %s --\nThe following checks were performed on each of these signatures:\n  - The cosign claims were validated\n  - The signatures were verified against the specified public key\n' \
	"$R/tiny/app@$D1" >"$T/v1.wanterr"
check "verify --key prints cosign's header" \
	bash -c "cmp -s <(tail -n +2 '$T/v1.err') '$T/v1.wanterr'"
PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app:v1" >/dev/null 2>&1
check "verify --key by tag passes" [ $? = 0 ]
PS verify "${H[@]}" --key k1.pub "$R/tiny/app@$D1" >/dev/null 2>"$T/notlog.err"
check "without a log bundle and without --insecure-ignore-tlog: no match (12)" \
	bash -c "[ $? = 12 ] || grep -q 'no matching signatures' '$T/notlog.err'"
PS save "${H[@]}" "$R/tiny/app@$D1" --dir "$T/saved1" >/dev/null 2>&1
PS verify --key k1.pub --offline --local-image "$T/saved1" >/dev/null 2>"$T/off.err"
check "--offline without a bundle: \"offline verification failed\"" \
	grep -qx 'Error: no matching signatures: offline verification failed' "$T/off.err"
PS verify "${H[@]}" --key k2.pub --insecure-ignore-tlog "$R/tiny/app@$D1" >/dev/null 2>"$T/k2.err"
rc=$?
check "the other key does not verify it (12, invalid signature)" bash -c \
	"[ $rc = 12 ] && grep -qx 'Error: no matching signatures: invalid signature when validating ASN.1 encoded signature' '$T/k2.err'"

PS triangulate "${H[@]}" "$R/tiny/app:v1" >"$T/tri.out" 2>&1
check "triangulate resolves a tag through the registry" \
	grep -qx "$R/tiny/app:sha256-${D1#sha256:}.sig" "$T/tri.out"

# Re-tag: v1 now names another manifest: its signatures do not follow.
push_image "$B" tiny/app v1 "$T/img2" || notok "re-tagging v1"
PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app:v1" >/dev/null 2>&1
check "after re-tagging v1 to another manifest, verify fails (10)" [ $? = 10 ]
# Replay: copy D1's .sig to D2's tag; the digest claim gives it away.
curl -s -f -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$B/v2/tiny/app/manifests/sha256-${D1#sha256:}.sig" -o "$T/sig1.json"
put_manifest "$B" tiny/app "sha256-${D2#sha256:}.sig" "$T/sig1.json" application/vnd.oci.image.manifest.v1+json
PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app:v1" >/dev/null 2>"$T/replay.err"
rc=$?
check "a signature replayed onto another digest fails the claim (12)" bash -c \
	"[ $rc = 12 ] && grep -qx 'Error: no matching signatures: invalid or missing digest in claim: $D1' '$T/replay.err'"

# Two signatures on one image: both kept, both verify; signing twice is deduplicated.
COSIGN_PASSWORD=pw2 PS sign --new-bundle-format=false "${H[@]}" --tlog-upload=false --key k2.key -a env=prod "$R/tiny/app@$D1" >/dev/null 2>&1
check "a second signer signs the same image" [ $? = 0 ]
n=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$B/v2/tiny/app/manifests/sha256-${D1#sha256:}.sig" | jq '.layers | length')
check "the .sig manifest keeps both signatures (2 layers)" [ "$n" = 2 ]
PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app@$D1" >"$T/two1.out" 2>/dev/null
check "the first signature still verifies" [ $? = 0 ]
PS verify "${H[@]}" --key k2.pub --insecure-ignore-tlog "$R/tiny/app@$D1" >"$T/two2.out" 2>/dev/null
check "the second signature verifies" [ $? = 0 ]
check "each key sees only its own signature in the output" bash -c \
	"[ \$(jq length '$T/two1.out') = 1 ] && [ \$(jq -r '.[0].optional.env' '$T/two2.out') = prod ]"
PS verify "${H[@]}" --key k2.pub --insecure-ignore-tlog -a env=prod "$R/tiny/app@$D1" >/dev/null 2>"$T/ann.err"
check "-a env=prod matches the signed annotation" bash -c \
	"[ $? = 0 ] && grep -qx '  - The specified annotations were verified.' '$T/ann.err'"
PS verify "${H[@]}" --key k2.pub --insecure-ignore-tlog -a env=dev "$R/tiny/app@$D1" >/dev/null 2>"$T/ann2.err"
check "-a env=dev does not (12; both candidates' errors, joined as cosign joins them)" \
	cmp -s "$T/ann2.err" <(m='no matching signatures: invalid signature when validating ASN.1 encoded signature
 missing or incorrect annotation'
		printf 'WARNING: Skipping tlog verification is an insecure practice that lacks transparency and auditability verification for the signature.\nError: %s\nmain.go:74: error during command execution: %s\n' "$m" "$m")
PS verify "${H[@]}" --key k2.pub --insecure-ignore-tlog --explain "$R/tiny/app@$D1" >/dev/null 2>"$T/ex.err"
check "--explain reports the other signer's layer as failing the signature" \
	grep -q 'signature 1 of 2 .*failed at payload signature' "$T/ex.err"
COSIGN_PASSWORD=pw1 PS sign "${H[@]}" --new-bundle-format=false --tlog-upload=false --key k1.key "$R/tiny/app@$D1" >/dev/null 2>"$T/dup.err"
n=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$B/v2/tiny/app/manifests/sha256-${D1#sha256:}.sig" | jq '.layers | length')
check "signing again with the same key adds nothing (cosign's duplicate rule)" [ "$n" = 2 ]
COSIGN_PASSWORD=pw1 PS sign "${H[@]}" --new-bundle-format=false --tlog-upload=false --key k1.key "$R/tiny/app:nope" >/dev/null 2>&1
check "signing a missing tag fails" [ $? != 0 ]

# =====================================================================================
echo "# htpasswd (Basic) registry"
if command -v htpasswd >/dev/null 2>&1; then
	htpasswd -Bbn testuser testpass >"$T/htpasswd" 2>/dev/null
	start_registry basic "auth:" "  htpasswd: {realm: test-registry, path: $T/htpasswd}"
	B=http://127.0.0.1:$PORT
	R=127.0.0.1:$PORT
	CURL_AUTH=(-u testuser:testpass)
	push_image "$B" basic/app v1 "$T/img1" || notok "pushing with Basic auth"
	CURL_AUTH=()
	U=(--registry-username testuser --registry-password testpass)
	PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/basic/app:v1" >/dev/null 2>"$T/b401.err"
	check "basic: anonymous access is refused (UNAUTHORIZED, exit 1)" bash -c \
		"[ $? = 1 ] && grep -q 'UNAUTHORIZED: authentication required' '$T/b401.err'"
	COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=false "${H[@]}" "${U[@]}" --tlog-upload=false --key k1.key "$R/basic/app@$D1" >/dev/null 2>&1
	check "basic: sign with --registry-username/--registry-password" [ $? = 0 ]
	PS verify "${H[@]}" "${U[@]}" --key k1.pub --insecure-ignore-tlog "$R/basic/app:v1" >/dev/null 2>&1
	check "basic: verify with the flags" [ $? = 0 ]
	PS verify "${H[@]}" --registry-username testuser --registry-password wrong --key k1.pub \
		--insecure-ignore-tlog "$R/basic/app:v1" >/dev/null 2>"$T/bwrong.err"
	check "basic: a wrong password fails, and the password is never printed" bash -c \
		"[ $? = 1 ] && ! grep -q wrong '$T/bwrong.err'"
	mkdir -p "$T/dc1"
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$R" "$(printf testuser:testpass | base64)" >"$T/dc1/config.json"
	DOCKER_CONFIG=$T/dc1 PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/basic/app:v1" >/dev/null 2>&1
	check "basic: credentials from DOCKER_CONFIG/config.json auths" [ $? = 0 ]
	mkdir -p "$HOME/.docker"
	cp "$T/dc1/config.json" "$HOME/.docker/config.json"
	PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/basic/app:v1" >/dev/null 2>&1
	check "basic: credentials from \$HOME/.docker/config.json" [ $? = 0 ]
	rm -f "$HOME/.docker/config.json"
	# A credential helper: docker-credential-pstest in PATH.
	mkdir -p "$T/bin" "$T/dc2"
	cat >"$T/bin/docker-credential-pstest" <<EOF
#!/bin/sh
[ "\$1" = get ] || exit 1
read -r server
echo "\$server" >>"$T/helper.log"
if [ "\$server" = "$R" ]; then
	printf '{"ServerURL":"%s","Username":"testuser","Secret":"testpass"}\n' "\$server"
else
	echo "credentials not found in native keychain"; exit 1
fi
EOF
	chmod +x "$T/bin/docker-credential-pstest"
	printf '{"credsStore":"pstest"}' >"$T/dc2/config.json"
	PATH=$T/bin:$PATH DOCKER_CONFIG=$T/dc2 PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog \
		"$R/basic/app:v1" >/dev/null 2>&1
	check "basic: credentials from a credsStore helper (docker-credential-NAME get)" [ $? = 0 ]
	check "basic: the helper was asked for <registry>/<repo> first, then <registry>" bash -c \
		"[ \"\$(head -n 2 '$T/helper.log' | tr '\n' ' ')\" = '$R/basic/app $R ' ]"
	printf '{"credHelpers":{"%s":"pstest"}}' "$R" >"$T/dc2/config.json"
	PATH=$T/bin:$PATH DOCKER_CONFIG=$T/dc2 PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog \
		"$R/basic/app:v1" >/dev/null 2>&1
	check "basic: credentials from credHelpers" [ $? = 0 ]
	printf '{"credsStore":"nonexistent-helper"}' >"$T/dc2/config.json"
	DOCKER_CONFIG=$T/dc2 PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/basic/app:v1" \
		>/dev/null 2>"$T/nohelper.err"
	check "basic: a missing helper is a clear error" grep -q 'docker-credential-nonexistent-helper' "$T/nohelper.err"
else
	echo "skipped: htpasswd (apache2-utils) is not installed (Basic auth checks)"
fi

# A malformed docker config is an error that names the file. (The name must outlive the
# lookup: an ASan build run with detect_stack_use_after_return caught a dangling one.)
mkdir -p "$T/dc3"
printf '{"auths":{"x":{"auth":"!!"}}}' >"$T/dc3/config.json"
DOCKER_CONFIG=$T/dc3 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_stack_use_after_return=1 \
	PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tiny/app:v1" >/dev/null 2>"$T/dc3.err"
check "a malformed docker config: exit 1, the message names the file" bash -c \
	"[ $? = 1 ] && grep -qF 'not valid base64 ($T/dc3/config.json)' '$T/dc3.err'"

# =====================================================================================
echo "# TLS registry"
mkdir -p "$T/tls" && cd "$T/tls" || exit 1
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
	"extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >leaf.ext
{
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 3650 \
		-subj "/CN=Test EC Root CA" -keyout ca.key -out ca.pem \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
	openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=localhost" \
		-keyout server.key -out server.csr
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
		-extfile leaf.ext -out server.pem
} >/dev/null 2>&1
cat server.pem ca.pem >server-chain.pem
cd "$T" || exit 1
start_registry tlsreg "  tls: {certificate: $T/tls/server-chain.pem, key: $T/tls/server.key, minimumtls: tls1.2}"
B=https://localhost:$PORT
R=localhost:$PORT
CURL_TLS=(--cacert "$T/tls/ca.pem")
push_image "$B" tls/app v1 "$T/img1" || notok "pushing over TLS"
PS verify --key k1.pub --insecure-ignore-tlog "$R/tls/app:v1" >/dev/null 2>"$T/tls1.err"
check "tls: an unknown CA is refused" grep -q 'unknown authority' "$T/tls1.err"
SSL_CERT_FILE=$T/tls/ca.pem COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=false --tlog-upload=false --key k1.key "$R/tls/app@$D1" >/dev/null 2>&1
check "tls: sign over verified TLS (SSL_CERT_FILE names the test CA)" [ $? = 0 ]
SSL_CERT_FILE=$T/tls/ca.pem PS verify --key k1.pub --insecure-ignore-tlog "$R/tls/app:v1" >/dev/null 2>"$T/tls2.err"
check "tls: verify over verified TLS" [ $? = 0 ]
check "tls: no insecure-registry warning without the flag" bash -c "! grep -q 'allow-insecure-registry' '$T/tls2.err'"
SSL_CERT_FILE=$T/tls/ca.pem PS verify --key k1.pub --insecure-ignore-tlog "127.0.0.1:$PORT/tls/app:v1" \
	>/dev/null 2>"$T/tls3.err"
check "tls: a trusted certificate for another name is refused (exit 1)" bash -c \
	"[ $? = 1 ] && grep -q 'not valid for this host name' '$T/tls3.err'"
PS verify --allow-insecure-registry --key k1.pub --insecure-ignore-tlog "$R/tls/app:v1" >/dev/null 2>"$T/tls4.err"
check "tls: --allow-insecure-registry accepts the unknown CA" [ $? = 0 ]
check "tls: --allow-insecure-registry says loudly that nothing is verified" \
	grep -q '^WARNING: --allow-insecure-registry: the TLS certificate of localhost:[0-9]* .* is NOT verified' "$T/tls4.err"
PS verify --allow-insecure-registry --key k1.pub --insecure-ignore-tlog "127.0.0.1:$PORT/tls/app:v1" >/dev/null 2>&1
check "tls: --allow-insecure-registry also skips the name check" [ $? = 0 ]
CURL_TLS=()

# =====================================================================================
echo "# token (Bearer) registry"
if command -v node >/dev/null 2>&1; then
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 3650 \
		-subj "/CN=test token signer" -keyout "$T/token.key" -out "$T/token.pem" >/dev/null 2>&1
	: >"$T/token.log"
	timeout -k 5 "$PEER_LIFETIME" node "$HERE/registry/token_server.js" "$T/token.key" "$T/token.pem" \
		"$T/token.port" "$T/token.log" $((PEER_LIFETIME - 20)) 2000 >"$T/token.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 200); do [ -s "$T/token.port" ] && break; sleep 0.05; done
	TP=$(cat "$T/token.port" 2>/dev/null)
	if [ -z "$TP" ]; then
		notok "token server started"
		cat "$T/token.out"
	else
		start_registry tokreg "auth:" "  token:" "    realm: http://127.0.0.1:$TP/token" \
			"    service: test-registry" "    issuer: test-token-issuer" \
			"    rootcertbundle: $T/token.pem"
		B=http://127.0.0.1:$PORT
		R=127.0.0.1:$PORT
		tok=$(curl -s --max-time 10 -u testuser:testpass \
			"http://127.0.0.1:$TP/token?service=test-registry&scope=repository:tok/tiny:pull,push" | jq -r .token)
		CURL_AUTH=(-H "Authorization: Bearer $tok")
		push_image "$B" tok/tiny v1 "$T/img1" || notok "pushing with a bearer token"
		CURL_AUTH=()
		: >"$T/token.log"
		U=(--registry-username testuser --registry-password testpass)
		COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=false "${H[@]}" "${U[@]}" --tlog-upload=false --key k1.key "$R/tok/tiny@$D1" >/dev/null 2>"$T/toksign.err"
		check "token: sign with credentials (Basic to the realm, then Bearer)" [ $? = 0 ]
		check "token: one token per scope (pull, push,pull), cached for every request" bash -c \
			"[ \$(wc -l <'$T/token.log') = 2 ] && grep -qx 'GET user=testuser scopes=repository:tok/tiny:pull' '$T/token.log' && grep -qx 'GET user=testuser scopes=repository:tok/tiny:push,pull' '$T/token.log'"
		PS verify "${H[@]}" --key k1.pub --insecure-ignore-tlog "$R/tok/tiny:v1" >/dev/null 2>&1
		check "token: anonymous pull token, verify passes" [ $? = 0 ]
		COSIGN_PASSWORD=pw2 PS sign --new-bundle-format=false "${H[@]}" --tlog-upload=false --key k2.key "$R/tok/tiny@$D1" >/dev/null 2>"$T/tokanon.err"
		check "token: anonymous push is refused (no push action granted)" bash -c \
			"[ $? = 1 ] && grep -q 'UNAUTHORIZED' '$T/tokanon.err'"
		PS verify "${H[@]}" --registry-username testuser --registry-password nope --key k1.pub \
			--insecure-ignore-tlog "$R/tok/tiny:v1" >/dev/null 2>"$T/tokbad.err"
		check "token: wrong credentials fail at the token server, password not shown" bash -c \
			"[ $? = 1 ] && grep -q '/token' '$T/tokbad.err' && ! grep -q nope '$T/tokbad.err'"
		mkdir -p "$T/dc3"
		printf '{"auths":{"%s":{"identitytoken":"test-refresh-token"}}}' "$R" >"$T/dc3/config.json"
		: >"$T/token.log"
		DOCKER_CONFIG=$T/dc3 COSIGN_PASSWORD=pw2 PS sign --new-bundle-format=false "${H[@]}" --tlog-upload=false --key k2.key "$R/tok/tiny@$D1" >/dev/null 2>&1
		check "token: identitytoken from the docker config (OAuth2 refresh-token POST)" bash -c \
			"[ $? = 0 ] && grep -q '^POST user=testuser' '$T/token.log'"
		n=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H "Authorization: Bearer $tok" \
			"$B/v2/tok/tiny/manifests/sha256-${D1#sha256:}.sig" | jq '.layers | length')
		check "token: both signatures are in the .sig manifest" [ "$n" = 2 ]
	fi
else
	echo "skipped: node is not installed (token auth checks)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
