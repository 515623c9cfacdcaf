#!/usr/bin/env bash
# shellcheck disable=SC2016 # $names inside single quotes are jq variables
# sigstore_v3_peer: self-test of the test peers behind picosign's cosign v3 support (issue #10),
# before picosign relies on them. Needs no picosign binary.
#   * Rekor v1 `dsse` 0.0.1: a good envelope (built with openssl) is logged with the body real Rekor
#     stores (envelopeHash/payloadHash/signatures, JCS), entry id = leaf hash, SET verifies; tampered
#     envelope, foreign verifier, missing verifiers are refused 400; a repeat is 409; sigstore-js
#     verifies a bundle built from the entry.
#   * Rekor v2: a hashedrekord 0.0.2 request (openssl) is answered like production (shape, body,
#     logId = C2SP key id computed with openssl, no SET); the checkpoint verifies with openssl's
#     and node's Ed25519, the proof reaches its root; refusals (signature, digest length, DSSE type,
#     duplicate); faults (bad proof, bad checkpoint, wrong origin, status); sigstore-js signs
#     through every signing config and verifies the result; --no-rekor-v2 leaves the log out.
#   * TSA: DER requests with and without nonce, verified by `openssl ts` with the trusted root's
#     chain; tsa_bad_nonce / tsa_bad_imprint are validly signed but mismatch; short genTime fractions.
#   * the referrers front: OCI-Subject, listing, artifactType filter, pagination, DELETE, faults,
#     pass-through auth.
#   * attest-attach.mjs (sigstore-js + @sigstore/oci, and the cosign-exact layout, Rekor v1 and v2,
#     referrers API and fallback tag) against check-referrer.mjs, and the checker's refusals.
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed"; skips when node >= 20.17,
# tests/npm/node_modules, docker-registry, openssl, curl or jq are missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
jqe() { jq -e "$@" >/dev/null; }

for tool in openssl curl jq timeout base64 sha256sum docker-registry tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=tests/sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy

T=$(mktemp -d)
pids=()
PEER2=
cleanup() {
	sigstore_stop
	front_stop
	local p
	for p in "${pids[@]}" $PEER2; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
S=$ROOT/tests/sigstore
# shellcheck source=tests/lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
# shellcheck source=tests/registry/lib.sh
source "$ROOT/tests/registry/lib.sh"
cd "$T" || exit 1
t_start=$(date +%s)
C=(curl -sS --max-time 10)
SJ=(timeout 60 node)
hex2b64() { local h
	h=$(tr -d '\n')
	printf '%b' "$(printf '%s' "$h" | sed 's/../\\x&/g')" | base64 -w0
}

r=$(timeout 30 node --input-type=module -e "import { selfTest } from '$S/merkle.mjs'; console.log(selfTest(40));")
check "RFC 6962 tree: every proof of every size <= 40 verifies, flipped ones do not ($r bad)" test "$r" = 0

if ! sigstore_start "$T/peer"; then
	bad "peer starts"
	finish
	exit 1
fi
ok "peer ready on $SIGSTORE_URL"
log_has() { grep -qF -- "$1" "$SIGSTORE_LOG"; }
P=$T/peer

# ---- keyless material from the shell: token, key, Fulcio certificate ----
SUB=v3-shell-signer
TOKEN=$(sigstore_mint_token "{\"sub\":\"$SUB\"}")
openssl ecparam -name prime256v1 -genkey -noout -out eph.key 2>/dev/null
openssl ec -in eph.key -pubout -out eph.pub 2>/dev/null
POP=$(printf '%s' "$SUB" | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)
jq -cn --arg t "$TOKEN" --arg k "$(cat eph.pub)" --arg p "$POP" \
	'{credentials: {oidcIdentityToken: $t}, publicKeyRequest: {publicKey: {algorithm: "ECDSA", content: $k}, proofOfPossession: $p}}' >freq.json
"${C[@]}" -o cert.json --data-binary @freq.json -H 'Content-Type: application/json' "$FULCIO_URL/api/v2/signingCert"
jq -r '.signedCertificateEmbeddedSct.chain.certificates[0]' cert.json >leaf.pem
openssl x509 -in leaf.pem -outform DER -out leaf.der 2>/dev/null
check "Fulcio certificate for $SUB" sh -c "openssl verify -CAfile '$P/fulcio_root.pem' leaf.pem >/dev/null"

echo "# Rekor v1 dsse 0.0.1"
IMG_HEX=$(printf 'image manifest' | sha256sum | cut -c1-64)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"%s"},"annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}' "$IMG_HEX" >stmt.json
PT=application/vnd.in-toto+json
{ printf 'DSSEv1 %d %s %d ' ${#PT} "$PT" "$(wc -c <stmt.json)"; cat stmt.json; } >pae.bin
DSIG=$(openssl dgst -sha256 -sign eph.key -binary pae.bin | base64 -w0)
PAYLOAD=$(base64 -w0 stmt.json)
ENV=$(jq -cn --arg p "$PAYLOAD" --arg t "$PT" --arg s "$DSIG" '{payload: $p, payloadType: $t, signatures: [{sig: $s}]}')
# dsse_post ENVELOPE_JSON VERIFIER_B64... -> status; body in dsse.out, headers in dsse.h
dsse_post() {
	local env=$1
	shift
	jq -cn --arg e "$env" --args '{apiVersion: "0.0.1", kind: "dsse", spec: {proposedContent: {envelope: $e, verifiers: $ARGS.positional}}}' "$@" >dreq.json
	"${C[@]}" -o dsse.out -D dsse.h -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @dreq.json "$REKOR_URL/api/v1/log/entries"
}
st=$(dsse_post "$ENV" "$(base64 -w0 leaf.pem)")
check "dsse entry with a good envelope -> 201 (got $st)" test "$st" = 201
ID=$(jq -r 'keys[0]' dsse.out)
jq '.[]' dsse.out >de.json
jq -r .body de.json | base64 -d >dbody.json
check "entry id = tree id + sha256(0x00 || body)" test "${ID:16}" = "$( (printf '\0'; cat dbody.json) | sha256sum | cut -c1-64)"
check "body is the JCS form (compact, keys sorted)" test "$(cat dbody.json)" = "$(jq -cS . dbody.json)"
check "body has exactly apiVersion/kind/spec{envelopeHash,payloadHash,signatures}" jqe \
	'(keys == ["apiVersion","kind","spec"]) and .apiVersion == "0.0.1" and .kind == "dsse"
	 and (.spec | keys == ["envelopeHash","payloadHash","signatures"])
	 and (.spec.signatures | length == 1) and (.spec.signatures[0] | keys == ["signature","verifier"])' dbody.json
check "envelopeHash = sha256 of the envelope string as submitted" test "$(jq -r .spec.envelopeHash.algorithm,.spec.envelopeHash.value dbody.json | tr '\n' ' ')" = "sha256 $(printf '%s' "$ENV" | sha256sum | cut -c1-64) "
check "payloadHash = sha256 of the decoded payload" test "$(jq -r .spec.payloadHash.value dbody.json)" = "$(sha256sum <stmt.json | cut -c1-64)"
check "signatures[0].signature = the envelope's sig" test "$(jq -r '.spec.signatures[0].signature' dbody.json)" = "$DSIG"
jq -r '.spec.signatures[0].verifier' dbody.json | base64 -d >dver.pem
check "signatures[0].verifier = base64 of the certificate PEM (64-column lines)" sh -c "openssl x509 -in dver.pem -outform DER | cmp -s - leaf.der && [ \$(awk 'length > 64' dver.pem | wc -l) = 0 ]"
jq -cj '{body, integratedTime, logID, logIndex}' de.json >dset.json
jq -r .verification.signedEntryTimestamp de.json | base64 -d >dset.der
check "SET verifies with rekor.pub" sh -c "openssl dgst -sha256 -verify '$P/rekor.pub' -signature dset.der dset.json | grep -q 'Verified OK'"
check "logged line names the kind" log_has "logIndex=$(jq -r .logIndex de.json) kind=dsse"
st=$(dsse_post "$ENV" "$(base64 -w0 leaf.pem)")
check "the same envelope again -> 409 naming the id (got $st)" sh -c "[ '$st' = 409 ] && jq -e '.message == \"an equivalent entry already exists in the transparency log with UUID $ID\"' dsse.out >/dev/null && grep -qi '^location: /api/v1/log/entries/$ID' dsse.h"
TAMPERED=$(jq -cn --arg p "$(printf '{"_type":"https://in-toto.io/Statement/v1","subject":[]}' | base64 -w0)" --arg t "$PT" --arg s "$DSIG" '{payload: $p, payloadType: $t, signatures: [{sig: $s}]}')
st=$(dsse_post "$TAMPERED" "$(base64 -w0 leaf.pem)")
check "tampered payload -> 400 could not verify envelope (got $st)" sh -c "[ '$st' = 400 ] && jq -e '.code == 400 and .message == \"error processing entry: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1\"' dsse.out >/dev/null"
check "... logged as rekor/dsse-signature" log_has "reject rekor/dsse-signature: could not verify envelope"
openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null
openssl ec -in other.key -pubout -out other.pub 2>/dev/null
st=$(dsse_post "$ENV" "$(base64 -w0 other.pub)")
check "a verifier that verifies no signature -> 400 (got $st)" test "$st" = 400
st=$(dsse_post "$(jq -c '.signatures += [{sig: "MEUCIQD0"}]' <<<"$ENV")" "$(base64 -w0 leaf.pem)")
check "an envelope signature no verifier verifies -> 400 all signatures must have a key (got $st)" sh -c "[ '$st' = 400 ] && grep -q 'all signatures must have a key that verifies it' dsse.out"
st=$(dsse_post "$ENV")
check "no verifiers -> 400 schema (got $st)" sh -c "[ '$st' = 400 ] && grep -qF 'reject rekor/schema: proposedContent.verifiers' '$SIGSTORE_LOG'"
# a v0.3 bundle from the entry (protocol.md §8.1 field mapping), verified by sigstore-js
HASHES=$(jq -r '.verification.inclusionProof.hashes[]' de.json | while read -r h; do printf '%s' "$h" | hex2b64; echo; done | jq -R . | jq -sc .)
check "the v1 inclusion proof has a shard-local index and sibling hashes" jqe '.verification.inclusionProof | .logIndex > 0 and (.hashes | length) > 0 and .treeSize == .logIndex + 1' de.json
jq -n --slurpfile e de.json --argjson hashes "$HASHES" --arg cert "$(base64 -w0 leaf.der)" --arg p "$PAYLOAD" --arg t "$PT" --arg s "$DSIG" \
	--arg logid "$(jq -r .logID de.json | hex2b64)" --arg root "$(jq -r .verification.inclusionProof.rootHash de.json | hex2b64)" '
	$e[0] as $e | {mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
	 verificationMaterial: {certificate: {rawBytes: $cert},
	  tlogEntries: [{logIndex: ($e.logIndex | tostring), logId: {keyId: $logid}, kindVersion: {kind: "dsse", version: "0.0.1"},
	   integratedTime: ($e.integratedTime | tostring), inclusionPromise: {signedEntryTimestamp: $e.verification.signedEntryTimestamp},
	   inclusionProof: {logIndex: ($e.verification.inclusionProof.logIndex | tostring), rootHash: $root,
	    treeSize: ($e.verification.inclusionProof.treeSize | tostring), hashes: $hashes, checkpoint: {envelope: $e.verification.inclusionProof.checkpoint}},
	   canonicalizedBody: $e.body}]},
	 dsseEnvelope: {payload: $p, payloadType: $t, signatures: [{sig: $s, keyid: ""}]}}' >dbundle.json
# v1proof ENTRY.json: the RFC 6962 path leads to rootHash, which is the checkpoint's root
v1proof() {
	timeout 30 node --input-type=module -e "
import fs from 'node:fs';
import { verifyInclusion, leafHash } from '$S/merkle.mjs';
const e = JSON.parse(fs.readFileSync('$1', 'utf8'));
const p = e.verification.inclusionProof;
const root = Buffer.from(p.rootHash, 'hex');
const ok = verifyInclusion(p.logIndex, p.treeSize, leafHash(Buffer.from(e.body, 'base64')), p.hashes.map((h) => Buffer.from(h, 'hex')), root);
process.exit(ok && root.equals(Buffer.from(p.checkpoint.split('\\n')[2], 'base64')) ? 0 : 1);"
}
check "the v1 proof leads to the checkpoint's root" v1proof de.json
jq -j .verification.inclusionProof.checkpoint de.json >v1cp.txt
awk 'BEGIN{t=1} /^$/{t=0} t' v1cp.txt >v1note.txt
tail -n 1 v1cp.txt | cut -d' ' -f3 | base64 -d | tail -c +5 >v1cpsig.der
check "v1 checkpoint: \"<host:port> - <tree id>\" origin, Timestamp line, ECDSA signature by rekor.pub" sh -c "
	head -n 1 v1note.txt | grep -Eq '^127\.0\.0\.1:[0-9]+ - [0-9]+\$' && sed -n 4p v1note.txt | grep -Eq '^Timestamp: [0-9]+\$' &&
	openssl dgst -sha256 -verify '$P/rekor.pub' -signature v1cpsig.der v1note.txt | grep -q 'Verified OK'"
sigstore_control '{"rekor_bad_proof":true}' >/dev/null
DSIG3=$(openssl dgst -sha256 -sign eph.key -binary pae.bin | base64 -w0)
dsse_post "$(jq -cn --arg p "$PAYLOAD" --arg t "$PT" --arg s "$DSIG3" '{payload: $p, payloadType: $t, signatures: [{sig: $s}]}')" "$(base64 -w0 leaf.pem)" >/dev/null
sigstore_control '{"reset":true}' >/dev/null
jq '.[]' dsse.out >dbp.json
if v1proof dbp.json; then bad "rekor_bad_proof: the v1 path still leads to the root"; else ok "rekor_bad_proof: the v1 path no longer leads to the root"; fi
vb() { "${SJ[@]}" "$S/verify-bundle.mjs" --trusted-root "$TRUSTED_ROOT" "$@" >vb.out 2>&1; }
check "sigstore-js verifies a bundle built from the dsse entry" vb --bundle dbundle.json --artifact stmt.json --identity "$SUB" --issuer "$OIDC_ISSUER"
jq '.verificationMaterial.tlogEntries[0].canonicalizedBody |= (@base64d | fromjson | .spec.payloadHash.value = ("00" * 32) | tojson | @base64)' dbundle.json >dbad.json
vb --bundle dbad.json --artifact stmt.json --identity "$SUB" --issuer "$OIDC_ISSUER"
check "... and refuses it with another payloadHash in the body" grep -q 'TLOG' vb.out

echo "# Rekor v2"
TR=$TRUSTED_ROOT
check "trusted root lists the v1 log and the v2 log (PKIX_ED25519)" jqe '(.tlogs | length) == 2 and .tlogs[1].publicKey.keyDetails == "PKIX_ED25519" and .tlogs[1].hashAlgorithm == "SHA2_256" and (.tlogs[1].publicKey.validFor.start | length) > 0' "$TR"
openssl pkey -pubin -in "$P/rekor2.pub" -outform DER 2>/dev/null | tail -c 32 >r2raw.bin
LOGID=$( { printf '127.0.0.1\n\001'; cat r2raw.bin; } | openssl dgst -sha256 -binary | base64 -w0)
check "v2 logId = SHA-256(\"127.0.0.1\" || 0x0A || 0x01 || key), computed with openssl" test "$(jq -r '.tlogs[1].logId.keyId' "$TR")" = "$LOGID"
check "v2 publicKey.rawBytes is rekor2.pub's SPKI" test "$(jq -r '.tlogs[1].publicKey.rawBytes' "$TR")" = "$(openssl pkey -pubin -in "$P/rekor2.pub" -outform DER 2>/dev/null | base64 -w0)"
echo "artifact for Rekor v2" >art.txt
DIG=$(openssl dgst -sha256 -binary art.txt | base64 -w0)
ASIG=$(openssl dgst -sha256 -sign eph.key -binary art.txt | base64 -w0)
# v2_post DIGEST_B64 SIG_B64 [CERT_DER_B64] [KEYDETAILS] -> status; body v2.out, headers v2.h
v2_post() {
	jq -cn --arg d "$1" --arg s "$2" --arg c "${3:-$(base64 -w0 leaf.der)}" --arg k "${4:-PKIX_ECDSA_P256_SHA_256}" \
		'{hashedRekordRequestV002: {digest: $d, signature: {content: $s, verifier: {x509Certificate: {rawBytes: $c}, keyDetails: $k}}}}' >v2req.json
	"${C[@]}" -o v2.out -D v2.h -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @v2req.json "$SIGSTORE_URL/api/v2/log/entries"
}
st=$(v2_post "$DIG" "$ASIG")
check "hashedRekordRequestV002 -> 201 application/json (got $st)" sh -c "[ '$st' = 201 ] && grep -qi '^content-type: application/json' v2.h"
cp v2.out tle1.json
check "answer shaped like production (rekor2-prod): string logIndex, logId, kindVersion, integratedTime 0, inclusionPromise null, proof" jqe \
	--arg id "$LOGID" '(keys_unsorted == ["logIndex","logId","kindVersion","integratedTime","inclusionPromise","inclusionProof","canonicalizedBody"])
	 and (.logIndex | type) == "string" and .logId.keyId == $id and .kindVersion == {kind: "hashedrekord", version: "0.0.2"}
	 and .integratedTime == "0" and .inclusionPromise == null
	 and (.inclusionProof | keys_unsorted == ["logIndex","rootHash","treeSize","hashes","checkpoint"])
	 and .inclusionProof.logIndex == .logIndex and (.inclusionProof.hashes | length) > 0' tle1.json
jq -cn --arg d "$DIG" --arg s "$ASIG" --arg c "$(base64 -w0 leaf.der)" \
	'{apiVersion: "0.0.2", kind: "hashedrekord", spec: {hashedRekordV002: {data: {algorithm: "SHA2_256", digest: $d}, signature: {content: $s, verifier: {keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: {rawBytes: $c}}}}}}' | jq -cS . >want2.json
check "canonicalizedBody = the JCS hashedrekord 0.0.2 entry" test "$(jq -r .canonicalizedBody tle1.json | base64 -d)" = "$(cat want2.json)"
check "rekor2-check.mjs: node's Ed25519 verifies the checkpoint, the proof reaches its root" "${SJ[@]}" "$S/rekor2-check.mjs" --trusted-root "$TR" --entry tle1.json
# the checkpoint signature with openssl (Ed25519 over the note text)
jq -j .inclusionProof.checkpoint.envelope tle1.json >cp.txt
awk 'BEGIN{t=1} /^$/{t=0} t' cp.txt >note.txt
SIGLINE=$(tail -n 1 cp.txt)
check "checkpoint: origin 127.0.0.1, size = logIndex + 1, signature line by 127.0.0.1 with the logId's first 4 bytes" sh -c "
	[ \"\$(head -n 1 note.txt)\" = 127.0.0.1 ] && [ \"\$(sed -n 2p note.txt)\" = \$(( $(jq -r .logIndex tle1.json) + 1 )) ] &&
	[ \"\$(printf '%s' '$SIGLINE' | cut -d' ' -f2)\" = 127.0.0.1 ] &&
	[ \"\$(printf '%s' '$SIGLINE' | cut -d' ' -f3 | base64 -d | head -c 4 | base64)\" = \"\$(printf '%s' '$LOGID' | base64 -d | head -c 4 | base64)\" ]"
printf '%s' "$SIGLINE" | cut -d' ' -f3 | base64 -d | tail -c +5 >cpsig.bin
check "checkpoint signature verifies with openssl pkeyutl (Ed25519)" sh -c "openssl pkeyutl -verify -pubin -inkey '$P/rekor2.pub' -rawin -in note.txt -sigfile cpsig.bin 2>&1 | grep -q 'Signature Verified Successfully'"
check "GET /api/v2/checkpoint is the same signed tree head" sh -c "${C[*]} '$SIGSTORE_URL/api/v2/checkpoint' | cmp -s - cp.txt"
DIG2=$(printf 'second' | openssl dgst -sha256 -binary | base64 -w0)
SIG2=$(printf 'second' | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)
st=$(v2_post "$DIG2" "$SIG2")
cp v2.out tle2.json
check "second entry: next index, its proof reaches the new root (got $st)" sh -c "[ '$st' = 201 ] && [ \$(jq -r .logIndex tle2.json) = \$(( $(jq -r .logIndex tle1.json) + 1 )) ] && ${SJ[*]} '$S/rekor2-check.mjs' --trusted-root '$TR' --entry tle2.json >/dev/null"
st=$(v2_post "$DIG" "$ASIG")
check "duplicate -> 409 code 6 + x-log-index (got $st)" sh -c "[ '$st' = 409 ] && jq -e '.code == 6 and (.message | startswith(\"an equivalent entry already exists in the transparency log with index\"))' v2.out >/dev/null && grep -qi '^x-log-index: $(jq -r .logIndex tle1.json)' v2.h"
st=$(v2_post "$DIG2" "$ASIG")
check "signature over another digest -> 400 invalid hashedrekord request + log (got $st)" sh -c "[ '$st' = 400 ] && jq -e '. == {code: 3, message: \"invalid hashedrekord request\", details: []}' v2.out >/dev/null && grep -qF 'reject rekor2/signature: verifying signature' '$SIGSTORE_LOG'"
st=$(v2_post "$(printf 'x' | openssl dgst -sha384 -binary | base64 -w0)" "$ASIG")
check "digest of the wrong length -> 400 (got $st)" sh -c "[ '$st' = 400 ] && grep -qF 'reject rekor2/digest: digest length (48) does not match expected size (32)' '$SIGSTORE_LOG'"
st=$(v2_post "$DIG" "$ASIG" "$(base64 -w0 leaf.der)" PKIX_ECDSA_P384_SHA_384)
check "keyDetails that do not fit the key -> 400 (got $st)" test "$st" = 400
st=$("${C[@]}" -o v2.out -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"dsseRequestV002":{"envelope":{}}}' "$SIGSTORE_URL/api/v2/log/entries")
check "dsseRequestV002 -> 400 invalid type, must be hashedrekord (rekor-tiles v2.3.0) (got $st)" sh -c "[ '$st' = 400 ] && jq -e '.message == \"invalid type, must be hashedrekord\"' v2.out >/dev/null"
# faults
r2fault() { # NAME JSON -> rekor2-check output in r2f.out
	sigstore_control "{\"reset\":true,$2}" >/dev/null
	local d s
	d=$(printf '%s' "$1" | openssl dgst -sha256 -binary | base64 -w0)
	s=$(printf '%s' "$1" | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)
	v2_post "$d" "$s" >/dev/null
	"${SJ[@]}" "$S/rekor2-check.mjs" --trusted-root "$TR" --entry v2.out >r2f.out 2>&1
}
r2fault bad-proof '"rekor2_bad_proof":true'
check "rekor2_bad_proof: the proof does not reach the checkpoint root" grep -q 'does not reach the checkpoint root' r2f.out
check "... while the proof's rootHash still equals the checkpoint's" sh -c "jq -r .inclusionProof.checkpoint.envelope v2.out | sed -n 3p | grep -qxF \"\$(jq -r .inclusionProof.rootHash v2.out)\""
r2fault bad-checkpoint '"rekor2_bad_checkpoint":true'
check "rekor2_bad_checkpoint: same name and key hint, signature does not verify" grep -q 'checkpoint signature by 127.0.0.1 does not verify' r2f.out
r2fault wrong-origin '"rekor2_wrong_origin":true'
check "rekor2_wrong_origin: validly signed, origin is not the log name" grep -q 'checkpoint origin 127.0.0.1.other is not the log name 127.0.0.1' r2f.out
sigstore_control '{"reset":true,"rekor2_status":503,"rekor2_status_count":1}' >/dev/null
st=$(v2_post "$(printf s1 | openssl dgst -sha256 -binary | base64 -w0)" "$(printf s1 | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)")
st2=$(v2_post "$(printf s1 | openssl dgst -sha256 -binary | base64 -w0)" "$(printf s1 | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)")
check "rekor2_status 503 once (code 14), then 201 (got $st, $st2)" test "$st:$st2" = "503:201"
sigstore_control '{"reset":true}' >/dev/null
# signing configs, and sigstore-js signing through them
for f in signing_config signing_config_v1only signing_config_v2; do
	check "$f.json: v0.2 media type, every validFor.start in the past, ANY selectors" jqe --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		'.mediaType == "application/vnd.dev.sigstore.signingconfig.v0.2+json" and ([.caUrls, .oidcUrls, .rekorTlogUrls, .tsaUrls] | map(length > 0) | all)
		 and ([.caUrls[], .oidcUrls[], .rekorTlogUrls[], .tsaUrls[]] | map(.validFor.start < $now) | all)
		 and .rekorTlogConfig.selector == "ANY" and .tsaConfig.selector == "ANY"' "$P/$f.json"
done
check "signing_config.json: Rekor v2 (newer start) then v1, TSA URL, CA and OIDC URLs" jqe --arg u "$SIGSTORE_URL" \
	'[.rekorTlogUrls[].majorApiVersion] == [2, 1] and .rekorTlogUrls[0].validFor.start > .rekorTlogUrls[1].validFor.start
	 and .tsaUrls[0].url == ($u + "/api/v1/timestamp") and .caUrls[0].url == $u and .oidcUrls[0].url == $u' "$P/signing_config.json"
check "signing_config_v1only.json: only Rekor v1; signing_config_v2.json: only Rekor v2" sh -c \
	"jq -e '[.rekorTlogUrls[].majorApiVersion] == [1]' '$P/signing_config_v1only.json' >/dev/null && jq -e '[.rekorTlogUrls[].majorApiVersion] == [2]' '$P/signing_config_v2.json' >/dev/null"
for f in signing_config_v2:0.0.2 signing_config:0.0.2 signing_config_v1only:0.0.1; do
	cfg=${f%%:*} ver=${f##*:}
	if "${SJ[@]}" "$S/sign-config.mjs" --signing-config "$P/$cfg.json" --token "$(sigstore_mint_token "{\"sub\":\"$SUB\"}")" \
		--artifact art.txt --out "sc-$cfg.json" >sc.out 2>&1 &&
		jq -e --arg v "$ver" '.verificationMaterial.tlogEntries[0].kindVersion.version == $v and (.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length) == 1' "sc-$cfg.json" >/dev/null &&
		vb --bundle "sc-$cfg.json" --artifact art.txt --identity "$SUB" --issuer "$OIDC_ISSUER"; then
		ok "sigstore-js signs through $cfg.json (Rekor $ver + TSA) and verifies the bundle"
	else
		bad "sigstore-js through $cfg.json: $(cat sc.out vb.out 2>/dev/null | tail -n 3 | tr '\n' ' ')"
	fi
done
check "rekor2-check.mjs rebuilds the sigstore-js bundle's v2 body and checks it" "${SJ[@]}" "$S/rekor2-check.mjs" --trusted-root "$TR" --bundle sc-signing_config_v2.json --artifact art.txt
"${SJ[@]}" "$S/rekor2-check.mjs" --trusted-root "$TR" --bundle sc-signing_config_v2.json --artifact stmt.json >r2.out 2>&1
check "... and refuses it against another artifact" grep -q 'canonicalizedBody differs' r2.out
# picosign's own verifier, when a binary is at hand: it derives the v2 log's name, key hint and
# logId from the trusted root itself (src/tlog.c), so this shows the peer's choices match.
PS=${SG_BIN:-$ROOT/build/release/picosign}
if [ -x "$PS" ]; then
	pvb() { timeout 30 "$PS" verify-blob --bundle "$1" --trusted-root "$TR" --certificate-identity "$SUB" --certificate-oidc-issuer "$OIDC_ISSUER" art.txt >pv.out 2>&1; }
	check "picosign verify-blob accepts sigstore-js's bundle with the peer's Rekor v2 entry + TSA" pvb sc-signing_config_v2.json
	check "picosign verify-blob accepts sigstore-js's bundle with the peer's Rekor v1 entry (real proof)" pvb sc-signing_config_v1only.json
	for f in rekor2_bad_proof:inclusion rekor2_bad_checkpoint:checkpoint rekor2_wrong_origin:origin tsa_bad_imprint:imprint; do
		sigstore_control "{\"reset\":true,\"${f%%:*}\":true}" >/dev/null
		"${SJ[@]}" "$S/sign-config.mjs" --signing-config "$P/signing_config_v2.json" --token "$(sigstore_mint_token "{\"sub\":\"$SUB\"}")" \
			--artifact art.txt --out pf.json >/dev/null 2>&1
		pvb pf.json
		check "picosign verify-blob refuses a bundle made under ${f%%:*} ($(tail -n 1 pv.out))" sh -c "! grep -q 'Verified OK' pv.out && grep -qi '${f##*:}' pv.out"
	done
	sigstore_control '{"reset":true}' >/dev/null
else
	echo "# no picosign binary at $PS: picosign cross-checks left out"
fi
# --no-rekor-v2
mkdir -p "$T/peer2"
timeout -k 5 60 node "$S/server.mjs" --state-dir "$T/peer2" --no-rekor-v2 --max-lifetime 60 --max-requests 20 2>"$T/peer2.log" &
PEER2=$!
for ((i = 0; i < 200; i++)); do [ -s "$T/peer2/ready" ] && break; sleep 0.05; done
U2=$(cat "$T/peer2/url" 2>/dev/null)
check "--no-rekor-v2: one tlog, no v2 signing config, signing_config.json lists Rekor v1 only, POST /api/v2/log/entries -> 404" sh -c "
	jq -e '(.tlogs | length) == 1' '$T/peer2/trusted_root.json' >/dev/null && [ ! -e '$T/peer2/signing_config_v2.json' ] &&
	jq -e '[.rekorTlogUrls[].majorApiVersion] == [1]' '$T/peer2/signing_config.json' >/dev/null &&
	[ \$(${C[*]} -o /dev/null -w '%{http_code}' --data-binary @v2req.json '$U2/api/v2/log/entries') = 404 ]"
kill -TERM "$PEER2" 2>/dev/null
wait "$PEER2" 2>/dev/null
PEER2=

echo "# TSA"
jq -r '.timestampAuthorities[0].certChain.certificates[0].rawBytes' "$TR" | base64 -d | openssl x509 -inform DER -out tr-tsa-signing.pem 2>/dev/null
jq -r '.timestampAuthorities[0].certChain.certificates[-1].rawBytes' "$TR" | base64 -d | openssl x509 -inform DER -out tr-tsa-root.pem 2>/dev/null
check "trusted root timestampAuthorities = tsa_chain.pem (signing cert, root)" sh -c "cat tr-tsa-signing.pem tr-tsa-root.pem | cmp -s - '$P/tsa_chain.pem'"
printf '%s' "$DSIG" | base64 -d >dsig.bin
openssl ts -query -data dsig.bin -sha256 -cert -out q.tsq 2>/dev/null
openssl ts -query -data dsig.bin -sha256 -no_nonce -out qn.tsq 2>/dev/null
tsa() { "${C[@]}" -o "$2" -D "$2.h" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @"$1" "$TSA_URL"; }
tsverify() { openssl ts -verify "$@" -CAfile tr-tsa-root.pem -untrusted tr-tsa-signing.pem >tsv.out 2>&1; }
st=$(tsa q.tsq r.tsr)
check "DER TimeStampReq -> 201 application/timestamp-reply (got $st)" sh -c "[ '$st' = 201 ] && grep -qi '^content-type: application/timestamp-reply' r.tsr.h"
check "openssl ts -verify -queryfile (imprint, nonce, chain from the trusted root) OK" tsverify -in r.tsr -queryfile q.tsq
check "the token echoes the request's nonce and embeds the signing certificate (certReq)" sh -c "
	[ \"\$(openssl ts -reply -in r.tsr -text 2>/dev/null | grep Nonce)\" = \"\$(openssl ts -query -in q.tsq -text 2>/dev/null | grep Nonce)\" ] &&
	openssl ts -reply -in r.tsr -token_out 2>/dev/null | openssl pkcs7 -inform DER -print_certs 2>/dev/null | grep -q 'CN *= *tsa signing'"
tsa qn.tsq rn.tsr >/dev/null
check "no nonce asked -> none in the token" sh -c "openssl ts -reply -in rn.tsr -text 2>/dev/null | grep -q 'Nonce: unspecified' && openssl ts -verify -in rn.tsr -data dsig.bin -CAfile tr-tsa-root.pem -untrusted tr-tsa-signing.pem >/dev/null 2>&1"
sigstore_control '{"tsa_bad_nonce":true}' >/dev/null
tsa q.tsq rb.tsr >/dev/null
tsverify -in rb.tsr -queryfile q.tsq
check "tsa_bad_nonce: -queryfile check fails with nonce mismatch" grep -q 'nonce mismatch' tsv.out
check "... but the token is validly signed over the right imprint" tsverify -in rb.tsr -data dsig.bin
sigstore_control '{"reset":true,"tsa_bad_imprint":true}' >/dev/null
tsa q.tsq ri.tsr >/dev/null
tsverify -in ri.tsr -queryfile q.tsq
check "tsa_bad_imprint: -queryfile check fails with message imprint mismatch" grep -q 'message imprint mismatch' tsv.out
IMP=$(openssl dgst -sha256 -r dsig.bin | cut -c1-64)
BADIMP=${IMP:0:62}$(printf '%02x' $((0x${IMP:62:2} ^ 1)))
check "... but the token is validly signed (over the altered imprint)" tsverify -in ri.tsr -digest "$BADIMP"
check "TSA faults logged" log_has "(tsa_bad_imprint)"
sigstore_control '{"reset":true,"tsa_gentime_digits":2}' >/dev/null
tsa q.tsq r2.tsr >/dev/null
check "tsa_gentime_digits 2: genTime with two fraction digits, still verifies" sh -c "openssl ts -reply -in r2.tsr -text 2>/dev/null | grep -Eq 'Time stamp: .*:[0-9]{2}\.[0-9]{2} ' && openssl ts -verify -in r2.tsr -queryfile q.tsq -CAfile tr-tsa-root.pem -untrusted tr-tsa-signing.pem >/dev/null 2>&1"
sigstore_control '{"reset":true}' >/dev/null

echo "# referrers front"
start_registry open || bad "registry starts"
REG=http://127.0.0.1:$PORT
if ! front_start "$REG" "$T/front" --page-size 2; then
	bad "front starts"
	finish
	exit 1
fi
ok "front ready on $FRONT_URL"
make_image img "v3 peer image"
push_image "$FRONT_URL" app v1 img
D=$(digest_of img/manifest.json)
DS=$(size_of img/manifest.json)
check "image pushed through the front, readable directly" sh -c "${C[*]} -H 'Accept: application/vnd.oci.image.manifest.v1+json' '$REG/v2/app/manifests/v1' | cmp -s - img/manifest.json"
printf '{}' >empty.json
push_blob "$FRONT_URL" app empty.json
BT=application/vnd.dev.sigstore.bundle.v0.3+json
for i in 1 2 3 4; do
	at=$BT
	[ "$i" = 4 ] && at=application/x-other
	echo "payload $i" >blob$i
	push_blob "$FRONT_URL" app blob$i
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"%s"},"layers":[{"mediaType":"%s","size":%s,"digest":"%s"}],"annotations":{"n":"%s"},"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":%s,"digest":"%s"},"artifactType":"%s"}' \
		"$(digest_of empty.json)" "$at" "$(size_of blob$i)" "$(digest_of blob$i)" "$i" "$DS" "$D" "$at" >ref$i.json
	"${C[@]}" -o /dev/null -D put$i.h -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @ref$i.json "$FRONT_URL/v2/app/manifests/$(digest_of ref$i.json)"
done
check "manifest PUT with a subject -> 201 + OCI-Subject" sh -c "grep -q '^HTTP/1.1 201' put1.h && grep -qi '^oci-subject: $D' put1.h"
"${C[@]}" -D l1.h -o l1.json "$FRONT_URL/v2/app/referrers/$D"
check "referrers: 200 image index, page of 2 + Link rel=next" sh -c "grep -q '^HTTP/1.1 200' l1.h && grep -qi '^content-type: application/vnd.oci.image.index.v1+json' l1.h && grep -qi '^link: <.*>; rel=\"next\"' l1.h &&
	jq -e '.schemaVersion == 2 and .mediaType == \"application/vnd.oci.image.index.v1+json\" and (.manifests | length) == 2' l1.json >/dev/null"
check "descriptors carry digest, size, mediaType, artifactType and the manifest's annotations" jqe --arg d "$(digest_of ref1.json)" --argjson s "$(size_of ref1.json)" \
	'.manifests[0] == {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json", annotations: {n: "1"}}' l1.json
NEXT=$(tr -d '\r' <l1.h | sed -n 's/^[Ll]ink: <\([^>]*\)>.*/\1/p')
"${C[@]}" -D l2.h -o l2.json "$FRONT_URL$NEXT"
check "second page: the other 2, no Link" sh -c "jq -e '[.manifests[].annotations.n] == [\"3\",\"4\"]' l2.json >/dev/null && ! grep -qi '^link:' l2.h"
"${C[@]}" -D l3.h -o l3.json "$FRONT_URL/v2/app/referrers/$D?artifactType=application/x-other"
check "?artifactType filters, OCI-Filters-Applied: artifactType" sh -c "jq -e '[.manifests[].annotations.n] == [\"4\"]' l3.json >/dev/null && grep -qi '^oci-filters-applied: artifactType' l3.h"
check "unknown subject -> 200 empty index" test "$("${C[@]}" "$FRONT_URL/v2/app/referrers/sha256:$(printf '%064d' 0)" | jq -c .manifests)" = "[]"
check "bad digest -> 400" test "$("${C[@]}" -o /dev/null -w '%{http_code}' "$FRONT_URL/v2/app/referrers/nodigest")" = 400
st=$("${C[@]}" -o /dev/null -w '%{http_code}' -X DELETE "$FRONT_URL/v2/app/manifests/$(digest_of ref3.json)")
check "DELETE of a referrer (202) drops it from the list (got $st)" sh -c "[ '$st' = 202 ] && ${C[*]} '$FRONT_URL/v2/app/referrers/$D?artifactType=${BT/+/%2B}' | jq -e '[.manifests[].annotations.n] == [\"1\",\"2\"]' >/dev/null"
front_control '{"referrers_status":500,"referrers_status_count":1}' >/dev/null
check "referrers_status 500 once, then 200" test "$("${C[@]}" -o /dev/null -w '%{http_code}' "$FRONT_URL/v2/app/referrers/$D"):$("${C[@]}" -o /dev/null -w '%{http_code}' "$FRONT_URL/v2/app/referrers/$D")" = "500:200"
front_control '{"referrers_status":429}' >/dev/null
check "referrers_status 429 with Retry-After" sh -c "${C[*]} -D - -o /dev/null '$FRONT_URL/v2/app/referrers/$D' | grep -qi '^retry-after: 1'"
front_control '{"reset":true,"referrers_content_type":"application/json"}' >/dev/null
check "referrers_content_type: 200 with another Content-Type" sh -c "${C[*]} -D - -o /dev/null '$FRONT_URL/v2/app/referrers/$D' | grep -qi '^content-type: application/json'"
front_control '{"reset":true,"referrers_api":false}' >/dev/null
check "no referrers_api: the registry's own 404, no OCI-Subject" sh -c "[ \$(${C[*]} -o /dev/null -w '%{http_code}' '$FRONT_URL/v2/app/referrers/$D') = 404 ] &&
	${C[*]} -D - -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @ref3.json '$FRONT_URL/v2/app/manifests/$(digest_of ref3.json)' | grep -vqi '^oci-subject'"
front_control '{"reset":true}' >/dev/null
check "front logs every request and recorded referrer" sh -c "grep -q 'front: recorded app@$(digest_of ref1.json) -> subject $D' '$FRONT_LOG' && grep -q 'front: #[0-9]* GET /v2/app/referrers' '$FRONT_LOG'"
front_stop

echo "# attest-attach.mjs -> check-referrer.mjs"
if command -v htpasswd >/dev/null 2>&1; then
	htpasswd -Bbn tester secret >users.htpasswd 2>/dev/null
	start_registry basic "auth:" "  htpasswd: {realm: test-registry, path: $T/users.htpasswd}" || bad "htpasswd registry starts"
	CRED=(--username tester --password secret)
	CURL_AUTH=(-u tester:secret)
else
	echo "# htpasswd not installed: the registry is open"
	start_registry basic || bad "registry starts"
	CRED=()
fi
BREG=http://127.0.0.1:$PORT
front_start "$BREG" "$T/front2" --page-size 1 || bad "front before the basic-auth registry starts"
for repo in oci cosign v2 twice fallback errs shape; do push_image "$FRONT_URL" "$repo" v1 img || bad "push image to $repo"; done
if [ ${#CRED[@]} -gt 0 ]; then
	check "front passes the registry's 401 challenge through on referrers" sh -c "${C[*]} -D - -o /dev/null '$FRONT_URL/v2/oci/referrers/$D' | grep -qi '^www-authenticate: basic'"
fi
AA() { "${SJ[@]}" "$S/attest-attach.mjs" --sigstore-url "$SIGSTORE_URL" --digest "$D" "${CRED[@]}" --token "$(sigstore_mint_token "{\"sub\":\"${ID_SUB:-$SUB}\"}")" "$@" 2>aa.err; }
CR() { "${SJ[@]}" "$S/check-referrer.mjs" --trusted-root "$TR" --issuer "$OIDC_ISSUER" --digest "$D" "${CRED[@]}" "$@" >cr.out 2>&1; }
crlast() { tail -n 1 cr.out; }
M=$(AA --registry "$FRONT_URL" --repo oci --bundle-out oci-bundle.json)
check "attest-attach (sigstore-js attest + @sigstore/oci) -> referrer $M" sh -c "printf '%s' '$M' | grep -Eq '^sha256:[0-9a-f]{64}\$'"
check "... its bundle: v0.3, Rekor v1 dsse 0.0.1 with the real-Rekor body, one RFC 3161 timestamp" jqe \
	'.mediaType == "application/vnd.dev.sigstore.bundle.v0.3+json" and .verificationMaterial.tlogEntries[0].kindVersion == {kind: "dsse", version: "0.0.1"}
	 and (.verificationMaterial.tlogEntries[0].canonicalizedBody | @base64d | fromjson | .spec | keys == ["envelopeHash","payloadHash","signatures"])
	 and (.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length) == 1' oci-bundle.json
CR --registry "$FRONT_URL" --repo oci --identity "$SUB" --layout oci
check "check-referrer --layout oci accepts the @sigstore/oci referrer via the referrers API ($(crlast))" grep -q '^check-referrer: OK 1 bundle(s) .* via referrers API' cr.out
CR --registry "$FRONT_URL" --repo oci --identity "$SUB"
check "check-referrer --layout cosign refuses it: no config.artifactType" grep -q 'FAIL manifest shape.*config.artifactType is not the bundle type' cr.out
M2=$(AA --registry "$FRONT_URL" --repo cosign --layout cosign)
CR --registry "$FRONT_URL" --repo cosign --identity "$SUB" --save-dir saved
check "cosign-exact layout + Rekor v1 accepted by --layout cosign ($(crlast))" grep -q '^check-referrer: OK 1 bundle(s)' cr.out
check "... the saved manifest is compact, cosign field order, created in seconds" sh -c "head -c 200 saved/manifest-1.json | grep -q '^{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\"' &&
	jq -e '.annotations[\"org.opencontainers.image.created\"] | test(\"^[0-9-]+T[0-9:]+Z\$\")' saved/manifest-1.json >/dev/null && [ \"sha256:\$(sha256sum <saved/manifest-1.json | cut -c1-64)\" = '$M2' ]"
AA --registry "$FRONT_URL" --repo v2 --layout cosign --tlog v2 --bundle-out v2-bundle.json >/dev/null
CR --registry "$FRONT_URL" --repo v2 --identity "$SUB"
check "Rekor v2 (hashedrekord 0.0.2 over the PAE) + TSA: accepted, v2 entry checked by tlogv2.mjs" sh -c "grep -q '^check-referrer: OK 1' cr.out && grep -q 'Rekor v2 entry .* checked by tlogv2.mjs' cr.out"
check "... the v2 entry's digest is SHA-256 of the DSSE PAE" sh -c "jq -r '.verificationMaterial.tlogEntries[0].canonicalizedBody | @base64d | fromjson | .spec.hashedRekordV002.data.digest' v2-bundle.json | grep -qxF \"\$(jq -r .dsseEnvelope.payload v2-bundle.json | base64 -d | { p=\$(cat); printf 'DSSEv1 %d %s %d %s' 28 application/vnd.in-toto+json \${#p} \"\$p\"; } | openssl dgst -sha256 -binary | base64 -w0)\""
sigstore_control '{"rekor2_bad_proof":true}' >/dev/null
AA --registry "$FRONT_URL" --repo errs --layout cosign --tlog v2 >/dev/null
sigstore_control '{"reset":true}' >/dev/null
CR --registry "$FRONT_URL" --repo errs --identity "$SUB"
check "a Rekor v2 entry whose proof misses the checkpoint -> FAIL rekor v2 entry" grep -q 'FAIL rekor v2 entry.*does not reach the checkpoint root' cr.out
# two signers, one image
AA --registry "$FRONT_URL" --repo twice --layout cosign >/dev/null
ID_SUB=second-signer AA --registry "$FRONT_URL" --repo twice --layout cosign --tlog v2 >/dev/null
CR --registry "$FRONT_URL" --repo twice --identity "$SUB" --identity second-signer --expect 2
check "two signers: --expect 2 with both identities, over two referrers-API pages ($(crlast))" grep -q '^check-referrer: OK 2 bundle(s) .* via referrers API (2 pages)' cr.out
CR --registry "$FRONT_URL" --repo twice --identity "$SUB" --identity second-signer
check "... --expect 1 -> FAIL count" grep -q 'FAIL count: expected 1 verified bundle(s) .* found 2' cr.out
CR --registry "$FRONT_URL" --repo twice --identity "$SUB" --expect 2
check "... one identity only -> FAIL sigstore-js verify UNTRUSTED_SIGNER_ERROR" grep -q 'FAIL sigstore-js verify.*UNTRUSTED_SIGNER_ERROR' cr.out
CR --registry "$FRONT_URL" --repo cosign --identity "$SUB" --predicate-type https://slsa.dev/provenance/v1
check "other predicate type expected -> FAIL count (entry not counted)" sh -c "grep -q 'not counted' cr.out && grep -q 'FAIL count: expected 1 .* found 0' cr.out"
# fallback tag (straight to the registry, no referrers API)
AA --registry "$BREG" --repo fallback --layout cosign >/dev/null
AA --registry "$BREG" --repo fallback >/dev/null
CR --registry "$BREG" --repo fallback --identity "$SUB" --layout oci --expect 2
check "fallback tag sha256-<hex>: cosign-layout + @sigstore/oci referrers both found ($(crlast))" grep -q '^check-referrer: OK 2 bundle(s) .* via fallback tag sha256-' cr.out
CR --registry "$BREG" --repo fallback --identity "$SUB" --layout oci --expect 2 --discovery referrers
check "--discovery referrers against a registry without the API -> FAIL discovery" grep -q 'FAIL discovery: the referrers API answered 404' cr.out
# referrers API errors must not read as "no signatures"
for s in 500 429; do
	front_control "{\"reset\":true,\"referrers_status\":$s}" >/dev/null
	CR --registry "$FRONT_URL" --repo cosign --identity "$SUB"
	check "referrers API $s -> FAIL discovery, not zero signatures" grep -q "FAIL discovery: the referrers API answered $s" cr.out
done
front_control '{"reset":true,"referrers_status":404}' >/dev/null
CR --registry "$FRONT_URL" --repo cosign --identity "$SUB" --expect 0
check "referrers API 404 -> fallback tag (empty here: --expect 0 OK)" grep -q '^check-referrer: OK 0 bundle(s) .* via fallback tag' cr.out
front_control '{"reset":true,"referrers_content_type":"application/json"}' >/dev/null
CR --registry "$FRONT_URL" --repo cosign --identity "$SUB" --expect 0
check "referrers API 200 with a non-index Content-Type -> fallback tag" grep -q 'via fallback tag' cr.out
front_control '{"reset":true}' >/dev/null
# a TSA token @sigstore/core cannot parse (two fraction digits): verified with openssl ts instead
sigstore_control '{"tsa_gentime_digits":2}' >/dev/null
AA --registry "$FRONT_URL" --repo errs --layout cosign --predicate-type https://example.com/two-digits >/dev/null
sigstore_control '{"tsa_gentime_digits":2,"tsa_bad_imprint":true}' >/dev/null
AA --registry "$FRONT_URL" --repo errs --layout cosign --predicate-type https://example.com/bad-imprint >/dev/null
sigstore_control '{"reset":true}' >/dev/null
CR --registry "$FRONT_URL" --repo errs --identity "$SUB" --predicate-type https://example.com/two-digits
check "genTime with two fraction digits: verified with openssl ts, not dropped ($(crlast))" sh -c "grep -q 'verified with openssl ts (@sigstore/core: invalid time)' cr.out && grep -q '^check-referrer: OK 1' cr.out"
CR --registry "$FRONT_URL" --repo errs --identity "$SUB" --predicate-type https://example.com/bad-imprint
check "... and a bad imprint in such a token -> FAIL timestamp" grep -q 'FAIL timestamp.*openssl ts -verify failed' cr.out
# a manifest that deviates from cosign's shape
jq -c '.layers[0].annotations = {"x": "y"}' saved/manifest-1.json >bad-man.json
if ! push_blob "$FRONT_URL" shape empty.json || ! push_blob "$FRONT_URL" shape saved/bundle-1.json; then bad "blobs pushed to shape"; fi
"${C[@]}" "${CURL_AUTH[@]}" -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @bad-man.json "$FRONT_URL/v2/shape/manifests/$(digest_of bad-man.json)"
CR --registry "$FRONT_URL" --repo shape --identity "$SUB" --layout oci
check "layer annotations -> FAIL manifest shape" grep -q 'FAIL manifest shape.*the layer carries annotations' cr.out
front_stop

el=$(($(date +%s) - t_start))
check "finished in < 60 s (${el} s)" test "$el" -lt 60
finish
