#!/usr/bin/env bash
# shellcheck disable=SC2016 # $names inside single quotes are jq variables
# cosign_v3: picosign reads and writes cosign v3 image signatures (issue #10): Sigstore bundles
# on OCI 1.1 referrers, against the local Sigstore (Fulcio, Rekor v1 dsse, Rekor v2, the TSA),
# Debian's docker-registry (no referrers API: the fallback tag sha256-<hex>) and the referrers
# front before it (the API), with sigstore-js as the independent writer (@sigstore/oci) and
# checker (check-referrer.mjs) of what picosign writes. One start of each peer; every check
# names what it shows.
#   * sign (default = v3): accepted by check-referrer (manifest shape, bundle, TSA, subject,
#     predicate type) on the fallback tag and through the API, Rekor v1 and v2; picosign verify
#     passes with cosign v3's output; two signers leave two verifiable bundles;
#   * @sigstore/oci's referrers verify on both registries;
#   * cosign's texts and exit codes: wrong identity, wrong issuer, tampered statement, another
#     image's subject, an attestation offered as a signature; bad input (v0.1 bundle, two
#     layers, a fallback tag that is no index) skipped or refused by name; a throttled or broken
#     referrers API exits 1 naming the request, never "no signatures found";
#   * --new-bundle-format=false (legacy .sig) and --signature-format both; TSA faults (nonce,
#     imprint) refused, short genTime fractions accepted; a Rekor v2 proof that does not reach
#     its checkpoint refused; --key --tlog-upload=false;
#   * sign-blob through the Rekor v2 signing config, verified by picosign and sigstore-js;
#   * attest / verify-attestation round trip; tree lists the three places.
# Last line "N passed, N failed"; skips when a peer is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in openssl curl jq timeout sha256sum docker-registry htpasswd tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
source tests/sigstore/lib.sh
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
source tests/lib/oci.sh
source tests/registry/lib.sh
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy

oci_scratch
cd "$T" || exit 1
S=$ROOT/tests/sigstore
SIGSTORE_LIFETIME=600 sigstore_start "$T/peer" || { bad "sigstore peer starts"; finish; exit 1; }
htpasswd -Bbn tester secret >users.htpasswd 2>/dev/null
start_registry reg "auth:" "  htpasswd: {realm: test-registry, path: $T/users.htpasswd}" ||
	{ bad "registry starts"; finish; exit 1; }
REG=http://127.0.0.1:$PORT
HP=127.0.0.1:$PORT
FRONT_LIFETIME=600 front_start "$REG" "$T/front" || { bad "front starts"; finish; exit 1; }
CURL_AUTH=(-u tester:secret)
CRED=(--username tester --password secret)
export COSIGN_PASSWORD=pw

# Images: one repository per scenario, pushed to the registry or through the front (which
# records the referrers pushed through it).
make_image img v3-image >/dev/null
make_image img2 other-image >/dev/null
D=$(digest_of img/manifest.json)
D2=$(digest_of img2/manifest.json)
for r in fb tamper other att bad legacy both key keyfb tsa rv2 oci-fb; do
	push_image "$REG" "$r" v1 img || bad "push $r"
done
push_image "$REG" other v2 img2 || bad "push other:v2"
for r in api oci-api; do push_image "$FRONT_URL" "$r" v1 img || bad "push $r"; done

P=(timeout 60 "$BIN")
RF=(--allow-http-registry --registry-username tester --registry-password secret)
tok() { sigstore_mint_token "{\"sub\":\"$1\"}"; }
SIGN() { # SUB ARGS... : keyless sign with the v1-only config (Rekor v1 dsse, TSA)
	local sub=$1
	shift
	"${P[@]}" sign -y "${RF[@]}" --trusted-root "$TRUSTED_ROOT" --identity-token "$(tok "$sub")" \
		--signing-config "${SC:-$SIGNING_CONFIG_V1ONLY}" "$@"
}
VER() { # SUB ARGS...: verify with identity SUB
	local sub=$1
	shift
	"${P[@]}" verify "${RF[@]}" --trusted-root "$TRUSTED_ROOT" --certificate-identity "$sub" \
		--certificate-oidc-issuer "$OIDC_ISSUER" "$@"
}
CR() { timeout 60 node "$S/check-referrer.mjs" --trusted-root "$TRUSTED_ROOT" --issuer "$OIDC_ISSUER" \
	"${CRED[@]}" "$@" >cr.out 2>&1; }
crok() { grep -q '^check-referrer: OK' cr.out; }
errhas() { grep -qF -- "$1" err.txt; }
jqe() { jq -e "$@" >/dev/null; }
fallback_index() { # REPO DIGEST: the fallback tag's index
	curl -s -f --max-time 10 "${CURL_AUTH[@]}" -H 'Accept: application/vnd.oci.image.index.v1+json' \
		"$REG/v2/$1/manifests/${2/:/-}"
}

echo "# sign (v3 default) on the registry without a referrers API"
SIGN alice --bundle fb.json -a build=42 "$HP/fb@$D" >out.txt 2>err.txt
check "sign exits 0 ($(tail -n 1 err.txt))" test $? -eq 0
check "sign prints cosign v3's lines" sh -c "grep -qx 'Wrote bundle to file fb.json' err.txt &&
	grep -qx 'Pushing signature to: $HP/fb' err.txt"
check "no legacy .sig tag was written" sh -c "! curl -s -f --max-time 10 -u tester:secret \
	'$REG/v2/fb/manifests/${D/:/-}.sig' -H 'Accept: application/vnd.oci.image.manifest.v1+json' >/dev/null"
fallback_index fb "$D" >idx.json
check "the fallback tag is an OCI index of one entry with the manifest's annotations and artifactType" jqe \
	'.mediaType == "application/vnd.oci.image.index.v1+json" and (.manifests | length) == 1 and
	 .manifests[0].artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json" and
	 .manifests[0].annotations["dev.sigstore.bundle.predicateType"] == "https://sigstore.dev/cosign/sign/v1"' idx.json
CR --registry "$REG" --repo fb --digest "$D" --identity alice --annotation build=42 --discovery tag
check "sigstore-js accepts it: manifest shape, bundle, TSA, subject, predicate ($(tail -n 1 cr.out))" crok
check "... a Rekor v1 dsse entry and an RFC 3161 timestamp" jqe \
	'.verificationMaterial.tlogEntries[0].kindVersion == {kind: "dsse", version: "0.0.1"} and
	 (.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length) == 1 and
	 .dsseEnvelope.payloadType == "application/vnd.in-toto+json"' fb.json
VER alice -a build=42 "$HP/fb@$D" >out.txt 2>err.txt
check "verify passes (exit $?)" test $? -eq 0
check "... one element as cosign v3 prints it" jqe --arg ref "$HP/fb@$D" --arg d "$D" \
	'length == 1 and .[0] == {critical: {identity: {"docker-reference": $ref}, image:
	 {"docker-manifest-digest": $d}, type: "https://sigstore.dev/cosign/sign/v1"},
	 optional: {build: "42"}}' out.txt
check "... and the header with the annotations line" sh -c "grep -qx 'Verification for $HP/fb@$D --' err.txt &&
	grep -qx '  - The specified annotations were verified.' err.txt &&
	grep -qx '  - Existence of the claims in the transparency log was verified offline' err.txt"
VER alice -o text "$HP/fb:v1" >out.txt 2>/dev/null
check "-o text: the element as a line, the tag in docker-reference" jqe --arg ref "$HP/fb:v1" \
	'.critical.identity["docker-reference"] == $ref' out.txt
SIGN bob "$HP/fb@$D" >/dev/null 2>err.txt
CR --registry "$REG" --repo fb --digest "$D" --identity alice --identity bob --expect 2 --discovery tag
check "two signers leave two bundles sigstore-js verifies ($(tail -n 1 cr.out))" crok
VER bob --explain "$HP/fb@$D" >out.txt 2>err.txt
check "verify finds the second signer among two referrers" sh -c "[ \$(jq length out.txt) = 1 ] &&
	grep -q 'explain: referrers: 2 listed by the fallback tag' err.txt"

echo "# cosign's texts and exit codes"
VER mallory "$HP/fb@$D" >/dev/null 2>err.txt
rc=$?
check "wrong identity: exit 12 ($rc)" test "$rc" -eq 12
check "... sigstore-go's text, one line per bundle" sh -c "grep -q '^Error: no matching attestations: failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value \"mallory\", got \"[a-z]*\"\$' err.txt &&
	grep -qx 'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value \"mallory\", got \"[a-z]*\"' err.txt &&
	grep -q 'got \"alice\"' err.txt && grep -q 'got \"bob\"' err.txt"
"${P[@]}" verify "${RF[@]}" --trusted-root "$TRUSTED_ROOT" --certificate-identity alice \
	--certificate-oidc-issuer https://wrong.example "$HP/fb@$D" >/dev/null 2>err.txt
rc=$?
check "wrong issuer: exit 12 ($rc) with sigstore-go's text" sh -c "[ $rc = 12 ] &&
	grep -qF 'last error: expected issuer value \"https://wrong.example\", got \"$OIDC_ISSUER\"' err.txt"

# push_referrer REPO SUBJECT BUNDLE PREDICATE [LAYER_MT] [EXTRA_LAYER]: a referrer in cosign's
# layout on the registry, listed in the fallback index (a new one)
push_referrer() {
	local repo=$1 subject=$2 bundle=$3 pt=$4 mt=${5:-application/vnd.dev.sigstore.bundle.v0.3+json}
	local extra=${6:-} ct
	printf '{}' >empty.json
	push_blob "$REG" "$repo" empty.json && push_blob "$REG" "$repo" "$bundle" || return 1
	ct=$(curl -s -I --max-time 10 "${CURL_AUTH[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"$REG/v2/$repo/manifests/$subject" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
	jq -cn --arg b "$(digest_of "$bundle")" --argjson bs "$(size_of "$bundle")" --arg pt "$pt" \
		--arg mt "$mt" --arg s "$subject" --argjson ss "$ct" --argjson extra "[${extra}]" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.empty.v1+json", size: 2,
		   digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
		  layers: ([{mediaType: $mt, size: $bs, digest: $b}] + $extra),
		  annotations: {"dev.sigstore.bundle.content": "dsse-envelope",
		   "dev.sigstore.bundle.predicateType": $pt},
		  subject: {mediaType: "application/vnd.oci.image.manifest.v1+json", size: $ss, digest: $s},
		  artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json"}' >ref.json
	put_manifest "$REG" "$repo" "$(digest_of ref.json)" ref.json \
		application/vnd.oci.image.manifest.v1+json || return 1
	jq -cn --arg d "$(digest_of ref.json)" --argjson sz "$(size_of ref.json)" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests:
		  [{mediaType: "application/vnd.oci.image.manifest.v1+json", size: $sz, digest: $d,
		    artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json"}]}' >fidx.json
	put_manifest "$REG" "$repo" "${subject/:/-}" fidx.json application/vnd.oci.image.index.v1+json
}
# a tampered statement: picosign's own bundle with another annotation in the payload
jq -c '.dsseEnvelope.payload |= (@base64d | fromjson | .subject[0].annotations.build = "43" | tojson | @base64)' \
	fb.json >tampered.json
push_referrer tamper "$D" tampered.json https://sigstore.dev/cosign/sign/v1 || bad "push tampered"
VER alice "$HP/tamper@$D" >/dev/null 2>err.txt
rc=$?
check "tampered statement: exit 12 ($rc), refused by the log evidence" sh -c "[ $rc = 12 ] &&
	grep -q 'no matching attestations: failed to verify log inclusion: transparency log dsse/intoto entry payload hash [0-9a-f]* does not match envelope payload hash' err.txt"
VER alice --insecure-ignore-tlog --insecure-ignore-sct "$HP/tamper@$D" >/dev/null 2>err.txt
check "... and by the DSSE signature without the log" errhas 'failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1'
push_referrer other "$D2" fb.json https://sigstore.dev/cosign/sign/v1 || bad "push to another image"
VER alice "$HP/other:v2" >/dev/null 2>err.txt
rc=$?
check "another image's statement: exit 12 ($rc) with sigstore-go's text" sh -c "[ $rc = 12 ] &&
	grep -qF 'no matching attestations: failed to verify signature: provided artifact digest does not match any digest in statement' err.txt"

echo "# attestations"
echo '{"buildDefinition":{"buildType":"https://example.com/t"},"runDetails":{"builder":{"id":"b"}}}' >prov.json
"${P[@]}" attest -y "${RF[@]}" --trusted-root "$TRUSTED_ROOT" --identity-token "$(tok alice)" \
	--signing-config "$SIGNING_CONFIG_V1ONLY" --predicate prov.json --type slsaprovenance1 \
	"$HP/att@$D" >/dev/null 2>err.txt
check "attest exits 0 ($(tail -n 1 err.txt))" test $? -eq 0
VA=("${P[@]}" verify-attestation "${RF[@]}" --trusted-root "$TRUSTED_ROOT" --certificate-identity alice
	--certificate-oidc-issuer "$OIDC_ISSUER")
"${VA[@]}" --type slsaprovenance1 "$HP/att@$D" >out.txt 2>err.txt
check "verify-attestation --type slsaprovenance1 passes, printing the envelope" sh -c "[ $? = 0 ] &&
	jq -e '.payloadType == \"application/vnd.in-toto+json\" and (.payload | @base64d | fromjson |
	 .predicateType == \"https://slsa.dev/provenance/v1\" and .subject[0].name == \"$HP/att\")' out.txt >/dev/null"
VER alice --explain "$HP/att@$D" >/dev/null 2>err.txt
rc=$?
check "an attestation is not a signature: verify exits 10 ($rc), explaining why it was skipped" sh -c "[ $rc = 10 ] &&
	grep -qx 'Error: no signatures found' err.txt && grep -q 'skipped: its manifest says predicate type https://slsa.dev/provenance/v1' err.txt"
"${VA[@]}" --type custom "$HP/att@$D" >/dev/null 2>err.txt
check "a signature type is never an attestation: verify-attestation --type custom on a signed image exits 10" sh -c "[ $? = 10 ]"
att_bundle=$(curl -s -f --max-time 10 "${CURL_AUTH[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"$REG/v2/att/manifests/$(fallback_index att "$D" | jq -r '.manifests[0].digest')" | jq -r '.layers[0].digest')
curl -s -f --max-time 10 "${CURL_AUTH[@]}" -o att.json "$REG/v2/att/blobs/$att_bundle"
push_referrer tamper "$D" att.json https://sigstore.dev/cosign/sign/v1 || bad "push a mislabelled attestation"
VER alice "$HP/tamper@$D" >/dev/null 2>err.txt
rc=$?
check "an attestation labelled as a signature: exit 12 ($rc), the predicate type named" sh -c "[ $rc = 12 ] &&
	grep -qF 'predicate type \"https://slsa.dev/provenance/v1\" is not \"https://sigstore.dev/cosign/sign/v1\"' err.txt"

echo "# bad input"
jq -c '.mediaType = "application/vnd.dev.sigstore.bundle+json;version=0.1"' fb.json >v01.json
push_referrer bad "$D" v01.json https://sigstore.dev/cosign/sign/v1 || bad "push v0.1"
VER alice --explain "$HP/bad@$D" >/dev/null 2>err.txt
rc=$?
check "a v0.1 bundle in a referrer is skipped by name: exit 10 ($rc)" sh -c "[ $rc = 10 ] &&
	grep -q 'skipped: .*v0.1 is older than v0.3' err.txt"
push_referrer bad "$D" fb.json https://sigstore.dev/cosign/sign/v1 "" \
	"{\"mediaType\":\"text/plain\",\"size\":2,\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"}" ||
	bad "push two layers"
VER alice --explain "$HP/bad@$D" >/dev/null 2>err.txt
check "a referrer with two layers is skipped by name" grep -q 'skipped: .*2 layers, a bundle referrer has exactly one' err.txt
put_manifest "$REG" bad "${D/:/-}" img/manifest.json application/vnd.oci.image.manifest.v1+json
VER alice "$HP/bad@$D" >/dev/null 2>err.txt
rc=$?
check "a fallback tag that is not an index: exit 1 ($rc), named" sh -c "[ $rc = 1 ] &&
	grep -q 'getting referrers: .*not an image index' err.txt"

echo "# the referrers API (the front), Rekor v2"
SC=$SIGNING_CONFIG SIGN carol "$FRONT_HOSTPORT/api@$D" >/dev/null 2>err.txt
check "sign through the referrers API with the Rekor v2 config ($(tail -n 1 err.txt))" test $? -eq 0
CR --registry "$FRONT_URL" --repo api --digest "$D" --identity carol --discovery referrers
check "sigstore-js accepts it via the API, Rekor v2 entry included ($(tail -n 1 cr.out))" sh -c \
	"grep -q '^check-referrer: OK 1 bundle(s) .* via referrers API' cr.out && grep -q 'Rekor v2 entry' cr.out"
check "no fallback tag where the API exists" sh -c "! curl -s -f --max-time 10 -u tester:secret \
	-H 'Accept: application/vnd.oci.image.index.v1+json' '$REG/v2/api/manifests/${D/:/-}' >/dev/null"
VER carol "$FRONT_HOSTPORT/api@$D" >out.txt 2>err.txt
check "verify passes via the API (a Rekor v2 entry and a timestamp)" sh -c "[ $? = 0 ] && [ \$(jq length out.txt) = 1 ]"
SC=$SIGNING_CONFIG SIGN dave "$FRONT_HOSTPORT/api@$D" >/dev/null 2>err.txt || bad "a second signer via the API"
front_control '{"page_size":1}' >/dev/null
VER dave --explain "$FRONT_HOSTPORT/api@$D" >out.txt 2>err.txt
check "pages of one referrer: the Link pages are followed, both listed" sh -c "[ $? = 0 ] &&
	grep -q \"explain: referrers: 2 listed by the registry's referrers API\" err.txt"
front_control '{"reset":true}' >/dev/null
# (One retry: the message is what is tested here; retry.sh has the retry policy.)
for st in 429 500; do
	front_control "{\"referrers_status\":$st}" >/dev/null
	PICOSIGN_MAX_RETRIES=1 VER carol "$FRONT_HOSTPORT/api@$D" >/dev/null 2>err.txt
	rc=$?
	check "referrers API answers $st: exit 1 ($rc) naming the request, never \"no signatures found\"" sh -c \
		"[ $rc = 1 ] && grep -q '^Error: getting referrers: GET http://$FRONT_HOSTPORT/v2/api/referrers/$D: ' err.txt &&
		 ! grep -q 'no signatures found' err.txt"
done
front_control '{"reset":true,"referrers_content_type":"application/json"}' >/dev/null
VER carol --explain "$FRONT_HOSTPORT/api@$D" >/dev/null 2>err.txt
check "a 200 of another type means no API: the fallback tag is read (none: no signatures)" sh -c \
	"[ $? = 10 ] && grep -q 'explain: referrers: 0 listed by nothing' err.txt"
front_control '{"reset":true}' >/dev/null
sigstore_control '{"rekor2_bad_proof":true}' >/dev/null
SC=$SIGNING_CONFIG SIGN carol "$HP/rv2@$D" >/dev/null 2>err.txt
rc=$?
check "a Rekor v2 answer whose proof misses its checkpoint is refused: exit 1 ($rc)" sh -c "[ $rc = 1 ] &&
	grep -q 'verifying the Rekor entry: .*inclusion proof' err.txt"
sigstore_control '{"reset":true}' >/dev/null

echo "# @sigstore/oci as the writer"
AA() { timeout 60 node "$S/attest-attach.mjs" --sigstore-url "$SIGSTORE_URL" --digest "$D" "${CRED[@]}" \
	--token "$(tok dave)" "$@" 2>aa.err; }
AA --registry "$REG" --repo oci-fb >/dev/null
check "@sigstore/oci attaches on the fallback registry ($(tail -n 1 aa.err))" test $? -eq 0
VER dave "$HP/oci-fb@$D" >out.txt 2>err.txt
check "picosign verifies @sigstore/oci's referrer via the fallback tag ($(tail -n 1 err.txt))" test $? -eq 0
AA --registry "$FRONT_URL" --repo oci-api >/dev/null
VER dave "$FRONT_HOSTPORT/oci-api@$D" >out.txt 2>err.txt
check "picosign verifies @sigstore/oci's referrer via the API ($(tail -n 1 err.txt))" test $? -eq 0

echo "# legacy and both"
SIGN erin --new-bundle-format=false "$HP/legacy@$D" >/dev/null 2>err.txt
check "--new-bundle-format=false writes the .sig tag, no referrer" sh -c "[ $? = 0 ] &&
	curl -s -f --max-time 10 -u tester:secret -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	'$REG/v2/legacy/manifests/${D/:/-}.sig' | jq -e '.layers | length == 1' >/dev/null &&
	! curl -s -f --max-time 10 -u tester:secret -H 'Accept: application/vnd.oci.image.index.v1+json' \
	'$REG/v2/legacy/manifests/${D/:/-}' >/dev/null"
VER erin --new-bundle-format=false "$HP/legacy@$D" >out.txt 2>/dev/null
check "... and verify reads it" jqe '.[0].critical.type == "cosign container image signature"' out.txt
SIGN erin --signature-format both "$HP/both@$D" >/dev/null 2>err.txt
check "--signature-format both: exit 0" test $? -eq 0
CR --registry "$REG" --repo both --digest "$D" --identity erin --discovery tag
check "... the referrer sigstore-js accepts ($(tail -n 1 cr.out))" crok
VER erin --new-bundle-format=false "$HP/both@$D" >out.txt 2>/dev/null
check "... and the .sig verify reads with --new-bundle-format=false" jqe 'length == 1' out.txt
SIGN erin --new-bundle-format=false --signature-format v3 "$HP/both@$D" >/dev/null 2>err.txt
check "contradicting format flags: exit 1" sh -c "[ $? = 1 ] && grep -q 'contradicts' err.txt"
SC=$SIGNING_CONFIG SIGN erin --new-bundle-format=false "$HP/both@$D" >/dev/null 2>err.txt
check "the legacy form refuses a Rekor v2 log" sh -c "[ $? = 1 ] && grep -q 'needs a Rekor v1 log' err.txt"

echo "# --key"
"${P[@]}" generate-key-pair --output-key-prefix k >/dev/null 2>&1
"${P[@]}" sign -y "${RF[@]}" --key k.key --tlog-upload=false "$HP/key@$D" >/dev/null 2>err.txt
check "sign --key --tlog-upload=false writes a v3 referrer (warned)" sh -c "[ $? = 0 ] && grep -q 'WARNING: --tlog-upload=false' err.txt"
"${P[@]}" verify "${RF[@]}" --key k.pub --insecure-ignore-tlog "$HP/key@$D" >out.txt 2>/dev/null
check "verify --key --insecure-ignore-tlog passes" sh -c "[ $? = 0 ] && jq -e 'length == 1' out.txt >/dev/null"
"${P[@]}" verify "${RF[@]}" --key k.pub "$HP/key@$D" >/dev/null 2>err.txt
check "... and without the flag fails for want of a log entry (exit 12)" sh -c "[ $? = 12 ] && grep -q 'transparency log entry' err.txt"
"${P[@]}" sign -y "${RF[@]}" --key k.key --signing-config "$SIGNING_CONFIG_V1ONLY" \
	--trusted-root "$TRUSTED_ROOT" "$HP/keyfb@$D" >/dev/null 2>err.txt
"${P[@]}" verify "${RF[@]}" --key k.pub --trusted-root "$TRUSTED_ROOT" "$HP/keyfb@$D" >/dev/null 2>err.txt
check "sign --key with the log and a TSA, then verify --key ($(tail -n 1 err.txt))" test $? -eq 0

echo "# the TSA"
for f in tsa_bad_nonce tsa_bad_imprint; do
	sigstore_control "{\"reset\":true,\"$f\":true}" >/dev/null
	SIGN erin "$HP/tsa@$D" >/dev/null 2>err.txt
	rc=$?
	check "$f: the timestamp is refused before use (exit $rc)" sh -c "[ $rc = 1 ] &&
		grep -q 'getting an RFC 3161 timestamp: .*$( [ $f = tsa_bad_nonce ] && echo nonce || echo 'message imprint')' err.txt"
done
sigstore_control '{"reset":true,"tsa_gentime_digits":1}' >/dev/null
SIGN erin "$HP/tsa@$D" >/dev/null 2>err.txt && VER erin "$HP/tsa@$D" >/dev/null 2>&1
check "a genTime with one fraction digit is accepted, signing and verifying" test $? -eq 0
sigstore_control '{"reset":true}' >/dev/null

echo "# sign-blob through the Rekor v2 signing config"
echo "blob" >a.txt
"${P[@]}" sign-blob -y --trusted-root "$TRUSTED_ROOT" --identity-token "$(tok frank)" \
	--signing-config "$SIGNING_CONFIG_V2" --bundle blob.json a.txt >/dev/null 2>err.txt
check "sign-blob with Rekor v2 and a TSA ($(tail -n 1 err.txt))" jqe \
	'.verificationMaterial.tlogEntries[0].kindVersion.version == "0.0.2" and
	 (.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length) == 1' blob.json
"${P[@]}" verify-blob --bundle blob.json --trusted-root "$TRUSTED_ROOT" --certificate-identity frank \
	--certificate-oidc-issuer "$OIDC_ISSUER" a.txt >/dev/null 2>&1
check "picosign verify-blob accepts it" test $? -eq 0
timeout 60 node "$S/verify-bundle.mjs" --bundle blob.json --trusted-root "$TRUSTED_ROOT" --artifact a.txt \
	--identity frank --issuer "$OIDC_ISSUER" >js.out 2>&1
check "sigstore-js accepts it ($(tail -n 1 js.out))" grep -q '^verified:' js.out

echo "# tree"
"${P[@]}" tree "${RF[@]}" "$HP/both@$D" >out.txt 2>err.txt
check "tree names the .sig tag and the fallback tag with their layers" sh -c "[ $? = 0 ] &&
	grep -qF '└── 🔐 Signatures for an image tag: $HP/both:${D/:/-}.sig' out.txt &&
	grep -qF '└── 🏷️ Referrers listed in the fallback tag $HP/both:${D/:/-}: 1' out.txt &&
	grep -qF '└── 🔗 https://sigstore.dev/cosign/sign/v1 artifacts via OCI referrer: $HP/both@sha256:' out.txt &&
	[ \$(grep -c '🍒' out.txt) = 2 ]"
"${P[@]}" tree "${RF[@]}" "$FRONT_HOSTPORT/api@$D" >out.txt 2>/dev/null
check "tree names the referrers API" grep -qF "└── 📇 Referrers listed by the registry's referrers API: 2" out.txt
finish
