#!/usr/bin/env bash
# airgap: issue #11 item 8. Images signed against the local Sigstore peer and Debian's
# docker-registry (no referrers API: the fallback tag), each in one storage form: cosign v3
# bundles (plus an attestation), the legacy .sig, and --signature-format both; `picosign save`
# copies each into an OCI layout; then the registry and the peer are stopped and:
#   * verify --local-image / verify-attestation --local-image pass with the expected identity
#     and print exactly what the registry path printed before (the same JSON), and fail with a
#     wrong identity with cosign's message and picosign's exit code 12;
#   * a tampered or missing blob is refused, naming the blob; a failed save leaves no
#     index.json (a new layout) or the previous one (an existing layout), never a half one;
#   * a layout as cosign v3 save writes it (referrers only among the blobs) verifies too;
#   * under `strace -f -e trace=socket,connect`, --offline --local-image, --local-image alone,
#     verify-attestation --offline --local-image and verify-blob --offline make no socket
#     call, while the control (verify against the stopped registry) does; verify --offline of
#     a registry image fails with exit 1, naming the registry and advising save, and no socket.
# Last line "N passed, N failed"; skips when a peer is missing (strace: only its part).
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in openssl curl jq timeout sha256sum docker-registry tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
source tests/sigstore/lib.sh
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
source tests/lib/oci.sh
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy PICOSIGN_REFRESH_TRUST

oci_scratch
cd "$T" || exit 1
SIGSTORE_LIFETIME=300 sigstore_start "$T/peer" || { bad "sigstore peer starts"; finish; exit 1; }
start_registry reg || { bad "registry starts"; finish; exit 1; }
REG=http://127.0.0.1:$PORT
HP=127.0.0.1:$PORT

make_image img airgap-image >/dev/null
make_image img2 broken-image >/dev/null
D=$(digest_of img/manifest.json)
D2=$(digest_of img2/manifest.json)
for r in v3 legacy both; do push_image "$REG" "$r" v1 img || bad "push $r"; done
push_image "$REG" broken v1 img2 || bad "push broken"

P=(timeout 60 "$BIN")
tok() { sigstore_mint_token "{\"sub\":\"$1\"}"; }
SIGN() { "${P[@]}" sign -y --allow-http-registry --trusted-root "$TRUSTED_ROOT" \
	--identity-token "$(tok alice)" --signing-config "$SIGNING_CONFIG_V1ONLY" "$@"; }
ID=(--trusted-root "$TRUSTED_ROOT" --certificate-oidc-issuer "$OIDC_ISSUER")
VER() { "${P[@]}" verify "${ID[@]}" "$@"; }
VATT() { "${P[@]}" verify-attestation "${ID[@]}" --type slsaprovenance1 "$@"; }
SAVE() { "${P[@]}" save --allow-http-registry "$@"; }
jqe() { jq -e "$@" >/dev/null; }

echo "# sign each form, save each image"
SIGN "$HP/v3:v1" >/dev/null 2>err.txt || bad "sign v3 ($(tail -n 1 err.txt))"
echo '{"buildDefinition":{"buildType":"https://example.com/t"},"runDetails":{"builder":{"id":"b"}}}' >prov.json
"${P[@]}" attest -y --allow-http-registry --trusted-root "$TRUSTED_ROOT" --identity-token "$(tok alice)" \
	--signing-config "$SIGNING_CONFIG_V1ONLY" --predicate prov.json --type slsaprovenance1 \
	"$HP/v3:v1" >/dev/null 2>err.txt || bad "attest ($(tail -n 1 err.txt))"
SIGN --new-bundle-format=false "$HP/legacy:v1" >/dev/null 2>err.txt || bad "sign legacy"
SIGN --signature-format both "$HP/both:v1" >/dev/null 2>err.txt || bad "sign both"
SIGN "$HP/broken:v1" >/dev/null 2>err.txt || bad "sign broken"
echo blob >a.txt
"${P[@]}" sign-blob -y --trusted-root "$TRUSTED_ROOT" --identity-token "$(tok alice)" \
	--signing-config "$SIGNING_CONFIG_V1ONLY" --bundle a.json a.txt >/dev/null 2>&1 || bad "sign-blob"
# What the registry path prints, to compare with the layouts' later.
VER --certificate-identity alice --allow-http-registry "$HP/v3:v1" >reg-v3.out 2>/dev/null
VER --certificate-identity alice --allow-http-registry "$HP/legacy:v1" >reg-legacy.out 2>/dev/null
VATT --certificate-identity alice --allow-http-registry "$HP/v3:v1" >reg-att.out 2>/dev/null
check "the registry path verifies all three ($(wc -l <reg-att.out) attestation)" \
	test -s reg-v3.out -a -s reg-legacy.out -a -s reg-att.out
for r in v3 legacy both; do
	SAVE "$HP/$r:v1" --dir "lay-$r" >/dev/null 2>err.txt
	check "save $r: exit 0 ($(tail -n 1 err.txt))" test $? -eq 0
done
check "the v3 layout: oci-layout, the image, no .sig, two referrers (signature, attestation)" jqe \
	--arg d "$D" '(.manifests | length) == 3 and .manifests[0].digest == $d and
	 .manifests[0].annotations.kind == "dev.cosignproject.cosign/image" and
	 .manifests[0].annotations["org.opencontainers.image.ref.name"] == "'"$HP"'/v3:v1" and
	 ([.manifests[1:][] | .artifactType] == ["application/vnd.dev.sigstore.bundle.v0.3+json",
	   "application/vnd.dev.sigstore.bundle.v0.3+json"])' lay-v3/index.json
check "... and oci-layout says 1.0.0" jqe '.imageLayoutVersion == "1.0.0"' lay-v3/oci-layout
check "the legacy layout: the image and the .sig (kind sigs), no referrer" jqe \
	'[.manifests[] | .annotations.kind] == ["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/sigs"]' \
	lay-legacy/index.json
check "the both layout: the image, the .sig and one referrer" jqe '(.manifests | length) == 3 and
	.manifests[1].annotations.kind == "dev.cosignproject.cosign/sigs" and .manifests[2].artifactType != null' \
	lay-both/index.json
n=0
for f in lay-v3/blobs/sha256/*; do [ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$f")" ] && n=$((n + 1)); done
check "every blob is named by its sha256 ($n)" test "$n" -eq "$(ls lay-v3/blobs/sha256 | wc -l)" -a "$n" -ge 8

echo "# a failed save never leaves a layout that looks complete"
# the broken image loses its layer in the registry's storage
layer=$(jq -r '.layers[0].digest' img2/manifest.json)
rm -f "$T/reg/data/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer:7}/data"
SAVE "$HP/broken:v1" --dir lay-broken >/dev/null 2>err.txt
rc=$?
check "save of an image whose layer is gone: exit 1, the blob request named ($rc)" sh -c \
	"[ $rc = 1 ] && grep -q '^Error: saving the image: GET $REG/v2/broken/blobs/$layer: ' err.txt"
check "... blobs were written, no index.json" sh -c '[ -d lay-broken/blobs/sha256 ] && [ ! -e lay-broken/index.json ]'
cp -r lay-v3 lay-keep
SAVE "$HP/broken:v1" --dir lay-keep >/dev/null 2>&1
check "... into an existing layout: exit 1, and its index.json is the one it had" \
	sh -c "[ $? = 1 ] && cmp -s lay-keep/index.json lay-v3/index.json"

sigstore_stop
stop_servers
pids=()
echo "# offline: registry and Sigstore stopped"
VER --certificate-identity alice --local-image lay-v3 >out.txt 2>err.txt
check "verify --local-image (v3) passes" test $? -eq 0
check "... with the registry path's output, byte for byte" cmp -s out.txt reg-v3.out
check "... and cosign's header naming the directory" grep -qx 'Verification for lay-v3 --' err.txt
VER --certificate-identity alice --offline --max-workers 2 --local-image lay-v3 lay-legacy \
	>out.txt 2>err.txt
check "two layouts in one run on two workers: both pass, in argument order" sh -c "[ $? = 0 ] &&
	[ \"\$(grep '^Verification for' err.txt | tr '\n' ' ')\" = \
	'Verification for lay-v3 -- Verification for lay-legacy -- ' ]"
VER --certificate-identity alice --offline -r --local-image lay-v3 >/dev/null 2>err.txt
check "-r with --local-image: refused by name, exit 1" sh -c "[ $? = 1 ] &&
	grep -q -- '--recursive reads an index at its registry' err.txt"
VER --certificate-identity alice --offline --local-image lay-legacy >out.txt 2>err.txt
check "verify --offline --local-image (legacy .sig) passes" test $? -eq 0
check "... and the header names the directory" grep -qx 'Verification for lay-legacy --' err.txt
check "... with the registry path's output" cmp -s out.txt reg-legacy.out
VER --certificate-identity alice --offline --local-image lay-both >out.txt 2>/dev/null
check "--signature-format both: the bundle verifies" sh -c "[ $? = 0 ] &&
	jq -e '.[0].critical.type == \"https://sigstore.dev/cosign/sign/v1\"' out.txt >/dev/null"
VER --certificate-identity alice --offline --local-image --new-bundle-format=false lay-both >out.txt 2>/dev/null
check "... and its .sig with --new-bundle-format=false" sh -c "[ $? = 0 ] &&
	jq -e '.[0].critical.type == \"cosign container image signature\"' out.txt >/dev/null"
VATT --certificate-identity alice --offline --local-image lay-v3 >out.txt 2>err.txt
check "verify-attestation --offline --local-image passes, the registry path's envelope" sh -c \
	"[ $? = 0 ] && cmp -s out.txt reg-att.out"
VER --certificate-identity mallory --offline --local-image lay-v3 >/dev/null 2>err.txt
rc=$?
check "wrong identity, v3: exit 12 ($rc), sigstore-go's words" sh -c "[ $rc = 12 ] &&
	grep -qx 'Error: no matching attestations: failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value \"mallory\", got \"alice\"' err.txt"
VER --certificate-identity mallory --offline --local-image lay-legacy >/dev/null 2>err.txt
rc=$?
check "wrong identity, legacy: exit 12 ($rc), cosign's words" sh -c "[ $rc = 12 ] &&
	grep -qx 'Error: no matching signatures: none of the expected identities matched what was in the certificate, got subjects \[alice\] with issuer $OIDC_ISSUER' err.txt"
VATT --certificate-identity mallory --offline --local-image lay-v3 >/dev/null 2>err.txt
check "wrong identity, verify-attestation: exit 12" sh -c "[ $? = 12 ] && grep -q '^Error: no matching attestations: ' err.txt"
"${P[@]}" verify-attestation "${ID[@]}" --certificate-identity alice --offline --local-image lay-legacy \
	>/dev/null 2>err.txt
check "no attestation in the legacy layout: exit 10" sh -c "[ $? = 10 ] && grep -qx 'Error: no attestations found' err.txt"

echo "# damage"
blob_of() { jq -r "$2" "$1/index.json" | sed 's/^sha256://'; }
cp -r lay-v3 t1
for ref in $(blob_of t1 '.manifests[1:][].digest'); do # the signature's referrer
	jqe '.annotations["dev.sigstore.bundle.predicateType"] == "https://sigstore.dev/cosign/sign/v1"' \
		"t1/blobs/sha256/$ref" && break
done
bundle=$(jq -r '.layers[0].digest' "t1/blobs/sha256/$ref" | sed 's/^sha256://')
sed -i 's/"dsseEnvelope"/"dsseEnvelopE"/' "t1/blobs/sha256/$bundle"
VER --certificate-identity alice --offline --local-image t1 >/dev/null 2>err.txt
rc=$?
check "a tampered bundle blob: exit 1 ($rc), the blob named" sh -c "[ $rc = 1 ] &&
	grep -q '^Error: getting referrer sha256:$ref: t1/blobs/sha256/$bundle: does not match its digest and size (tampered with or corrupt)' err.txt"
cp -r lay-legacy t2
sig=$(blob_of t2 '.manifests[1].digest')
payload=$(jq -r '.layers[0].digest' "t2/blobs/sha256/$sig" | sed 's/^sha256://')
sed -i 's/critical/CRITICAL/' "t2/blobs/sha256/$payload"
VER --certificate-identity alice --offline --local-image t2 >/dev/null 2>err.txt
rc=$?
check "a tampered .sig payload: the signature fails ($rc), the blob named" sh -c "[ $rc = 12 ] &&
	grep -q 'no matching signatures: t2/blobs/sha256/$payload: does not match its digest and size' err.txt"
cp -r lay-v3 t3
rm "t3/blobs/sha256/${D#sha256:}"
VER --certificate-identity alice --offline --local-image t3 >/dev/null 2>err.txt
check "the image manifest missing: exit 1, named" sh -c "[ $? = 1 ] &&
	grep -q '^Error: t3/blobs/sha256/${D#sha256:}: the layout lists this blob but does not have it' err.txt"
cp -r lay-v3 t4
echo '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:../../../etc/passwd","annotations":{"kind":"dev.cosignproject.cosign/image"}}]}' \
	>t4/index.json
VER --certificate-identity alice --offline --local-image t4 >/dev/null 2>err.txt
check "a digest that would leave the directory: exit 1, refused" sh -c "[ $? = 1 ] && grep -q 'invalid digest' err.txt"
VER --certificate-identity alice --offline --local-image lay-broken >/dev/null 2>err.txt
check "the failed save's directory is no layout: exit 1, index.json named" sh -c "[ $? = 1 ] &&
	grep -q 'lay-broken/index.json: no such file' err.txt"

echo "# a layout as cosign v3 save leaves it: referrers only among the blobs"
cp -r lay-v3 t5
jq -c '.manifests = [.manifests[0]]' lay-v3/index.json >t5/index.json
VER --certificate-identity alice --offline --local-image --explain t5 >out.txt 2>err.txt
check "verify --local-image finds the bundle among the blobs" sh -c "[ $? = 0 ] &&
	cmp -s out.txt reg-v3.out && grep -q \"explain: referrers: 2 listed by the layout's blobs\" err.txt"

echo "# no socket"
if ! command -v strace >/dev/null 2>&1; then
	echo "skipped: strace is not installed (the no-socket part)"
else
	# (LeakSanitizer cannot run under ptrace)
	ST=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=socket,connect)
	nosock() { ! grep -qE '(socket|connect)\(' "$1"; }
	"${ST[@]}" -o s1 "$BIN" verify "${ID[@]}" --certificate-identity alice --offline --local-image lay-v3 \
		>/dev/null 2>&1
	rc=$?
	check "verify --offline --local-image under strace: passes ($rc)" test $rc -eq 0
	check "... and makes no socket call (s1)" nosock s1
	"${ST[@]}" -o s2 "$BIN" verify "${ID[@]}" --certificate-identity alice --local-image lay-legacy >/dev/null 2>&1
	rc=$?
	check "verify --local-image (no --offline) under strace: passes ($rc)" test $rc -eq 0
	check "... and makes no socket call (s2)" nosock s2
	"${ST[@]}" -o s3 "$BIN" verify-attestation "${ID[@]}" --type slsaprovenance1 --certificate-identity alice \
		--offline --local-image lay-v3 >/dev/null 2>&1
	rc=$?
	check "verify-attestation --offline --local-image: passes ($rc)" test $rc -eq 0
	check "... and makes no socket call (s3)" nosock s3
	"${ST[@]}" -o s4 "$BIN" verify-blob "${ID[@]}" --certificate-identity alice --offline --bundle a.json a.txt \
		>/dev/null 2>&1
	rc=$?
	check "verify-blob --offline: passes ($rc)" test $rc -eq 0
	check "... and makes no socket call (s4)" nosock s4
	"${ST[@]}" -o s5 "$BIN" verify "${ID[@]}" --certificate-identity alice --offline --allow-http-registry \
		"$HP/v3:v1" >/dev/null 2>err.txt
	rc=$?
	check "verify --offline of a registry image: exit 1 ($rc), the registry named, save advised" sh -c "[ $rc = 1 ] &&
		grep -qx 'Error: --offline: not connecting to $HP for $HP/v3:v1; save it first (picosign save $HP/v3:v1 --dir DIR), then verify --local-image DIR' err.txt"
	check "... and no socket call" nosock s5
	"${ST[@]}" -o s6 timeout 20 "$BIN" verify "${ID[@]}" --certificate-identity alice --allow-http-registry \
		"$HP/v3:v1" >/dev/null 2>&1
	check "control: without --offline strace sees the attempt on the stopped registry" grep -qE 'connect\(' s6
fi
finish
