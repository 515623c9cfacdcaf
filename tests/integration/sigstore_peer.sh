#!/usr/bin/env bash
# sigstore_peer: self-test of the local Sigstore peer (tests/sigstore/server.mjs) before picosign
# relies on it. Needs no picosign binary. Drives the keyless steps from the shell exactly as
# testing.md §6.4 (openssl key, PoP, Fulcio, `openssl verify`, Rekor, SET with openssl, 409 on a
# repeat), then every added check's negative case (status, message AND the server's log line),
# each check switched off alone, the fault switches, the Buildkite / e-mail certificate contents,
# the v1 API, bounds (body cap, request limit), and the sigstore-js signer/verifier scripts.
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed"; skips when node >= 20.17,
# tests/npm/node_modules, openssl, curl or jq are missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
jqe() { jq -e "$@" >/dev/null; }

for tool in openssl curl jq timeout base64; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=tests/sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy

T=$(mktemp -d)
PID2=
cleanup() {
	sigstore_stop
	if [ -n "$PID2" ]; then kill -TERM "$PID2" 2>/dev/null; wait "$PID2" 2>/dev/null; fi
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
S=$ROOT/tests/sigstore
cd "$T" || exit 1
t_start=$(date +%s)

# ---- ECDSA-over-digest routine against Node-made signatures ----
r=$(timeout 30 node --input-type=module -e "
import { selfTest } from '$S/p256.mjs';
const r = selfTest(6); console.log(r.filter(Boolean).length + '/' + r.length);")
check "p256 prehash verify self-test ($r)" test "$r" = "24/24"

# ---- start ----
if ! sigstore_start "$T/peer"; then
	notok "peer starts and writes its ready file"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "peer ready on $SIGSTORE_URL"
node_pid=$(sed -n 's/.*(pid \([0-9]*\),.*/\1/p' "$SIGSTORE_LOG" | head -n 1)
for f in trusted_root.json fulcio_root.pem rekor.pub ctfe.pub tsa_chain.pem issuer.key issuer_url ports; do
	[ -s "$T/peer/$f" ] || notok "state file $f written"
done
# shellcheck disable=SC2016 # jq variables
check "trusted_root.json mediaType and keyIds" jqe --arg r "$(openssl pkey -pubin -in "$T/peer/rekor.pub" -outform DER | openssl dgst -sha256 -binary | base64 -w0)" \
	'.mediaType == "application/vnd.dev.sigstore.trustedroot+json;version=0.1" and .tlogs[0].logId.keyId == $r
	 and (.ctlogs | length) == 1 and (.certificateAuthorities | length) == 1
	 and (.timestampAuthorities[0].certChain.certificates | length) == 2' "$T/peer/trusted_root.json"
log_has() { grep -qF -- "$1" "$SIGSTORE_LOG"; }
C=(curl -sS --max-time 10)

# ---- OIDC issuer ----
check "openid-configuration names the issuer" test "$("${C[@]}" "$SIGSTORE_URL/.well-known/openid-configuration" | jq -r .issuer)" = "$OIDC_ISSUER"
check "jwks carries the RS256 key" test "$("${C[@]}" "$SIGSTORE_URL/jwks" | jq -r '.keys[0].kty + .keys[0].alg')" = "RSARS256"

# ---- keyless steps from the shell (testing.md §6.4) ----
now=$(date +%s)
SUB="shell-signer"
claims=$(jq -cn --arg iss "$OIDC_ISSUER" --arg sub "$SUB" --argjson now "$now" \
	'{iss: $iss, aud: "sigstore", sub: $sub, iat: $now, exp: ($now + 300)}')
TOKEN=$(sigstore_mint_token_openssl "$claims")
openssl ecparam -name prime256v1 -genkey -noout -out eph.key 2>/dev/null
openssl ec -in eph.key -pubout -out eph.pub 2>/dev/null
pop() { printf '%s' "$1" | openssl dgst -sha256 -sign eph.key -binary | base64 -w0; }
# fulcio TOKEN POP OUT [PUBFILE] -> prints the HTTP status, body in OUT
fulcio() {
	jq -cn --arg t "$1" --arg k "$(cat "${4:-eph.pub}")" --arg p "$2" \
		'{credentials: {oidcIdentityToken: $t}, publicKeyRequest: {publicKey: {algorithm: "ECDSA", content: $k}, proofOfPossession: $p}}' \
		> req.json
	"${C[@]}" -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @req.json \
		"$FULCIO_URL/api/v2/signingCert"
}
st=$(fulcio "$TOKEN" "$(pop "$SUB")" cert.json)
check "Fulcio v2 with an openssl-minted token -> 200 (got $st)" test "$st" = 200
jq -r '.signedCertificateEmbeddedSct.chain.certificates[0]' cert.json > leaf.pem
check "leaf verifies against fulcio_root.pem" sh -c "openssl verify -CAfile '$T/peer/fulcio_root.pem' leaf.pem 2>&1 | grep -q ': OK'"
check "leaf SAN is URI:$SUB" sh -c "openssl x509 -in leaf.pem -noout -ext subjectAltName | grep -qx '    URI:$SUB'"
check "leaf issuer extension 1.1 = $OIDC_ISSUER" sh -c "openssl x509 -in leaf.pem -noout -text | grep -A1 '1.3.6.1.4.1.57264.1.1:' | grep -qF '$OIDC_ISSUER'"

echo "artifact for the peer self-test" > artifact.txt
HEX=$(openssl dgst -sha256 -r artifact.txt | cut -d' ' -f1)
SIG=$(openssl dgst -sha256 -sign eph.key -binary artifact.txt | base64 -w0)
CERT_B64=$(base64 -w0 leaf.pem)
# rekor HEX SIG KEYB64 OUT -> prints status; headers in OUT.h
rekor() {
	jq -cn --arg h "$1" --arg s "$2" --arg k "$3" \
		'{apiVersion: "0.0.1", kind: "hashedrekord", spec: {data: {hash: {algorithm: "sha256", value: $h}}, signature: {content: $s, publicKey: {content: $k}}}}' \
		> rreq.json
	"${C[@]}" -o "$4" -D "$4.h" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary @rreq.json "$REKOR_URL/api/v1/log/entries"
}
st=$(rekor "$HEX" "$SIG" "$CERT_B64" entry.json)
check "Rekor hashedrekord -> 201 (got $st)" test "$st" = 201
ID=$(jq -r 'keys[0]' entry.json)
check "entry id = tree id + sha256(0x00||body)" test "${ID:16}" = "$(jq -r '.[].body' entry.json | base64 -d | (printf '\0'; cat) | openssl dgst -sha256 -r | cut -d' ' -f1)"
check "Location and ETag headers name the entry" sh -c "grep -qi '^location: /api/v1/log/entries/$ID' entry.json.h && grep -qi '^etag: $ID' entry.json.h"
jq '.[]' entry.json > e.json
jq -cj '{body, integratedTime, logID, logIndex}' e.json > set.json
jq -r .verification.signedEntryTimestamp e.json | base64 -d > set.der
check "SET verifies with rekor.pub (openssl)" sh -c "openssl dgst -sha256 -verify '$T/peer/rekor.pub' -signature set.der set.json | grep -q 'Verified OK'"
check "stored body is the canonical hashedrekord" test "$(jq -r .body e.json | base64 -d | jq -r '.spec.data.hash.value')" = "$HEX"
st=$(rekor "$HEX" "$SIG" "$CERT_B64" dup.json)
check "same entry again -> 409 (got $st)" test "$st" = 409
check "409 message names the UUID" test "$(jq -r .message dup.json)" = "an equivalent entry already exists in the transparency log with UUID $ID"
check "409 carries Location" grep -qi "^location: /api/v1/log/entries/$ID" dup.json.h
check "409 logged" log_has "reject rekor/duplicate: entry $ID already exists"
check "GET entry by id returns the same entry" test "$("${C[@]}" "$REKOR_URL/api/v1/log/entries/$ID" | jq -c .)" = "$(jq -c . entry.json)"
check "GET entry by 64-hex uuid" test "$("${C[@]}" "$REKOR_URL/api/v1/log/entries/${ID:16}" | jq -r 'keys[0]')" = "$ID"
IDX=$(jq -r .logIndex e.json)
check "GET entry by logIndex" test "$("${C[@]}" "$REKOR_URL/api/v1/log/entries?logIndex=$IDX" | jq -r 'keys[0]')" = "$ID"
check "GET unknown entry -> 404" test "$("${C[@]}" -o /dev/null -w '%{http_code}' "$REKOR_URL/api/v1/log/entries/$(printf '%064d' 0)")" = 404
check "publicKey equals rekor.pub" sh -c "${C[*]} '$REKOR_URL/api/v1/log/publicKey' | cmp -s - '$T/peer/rekor.pub'"
check "trustBundle holds the Fulcio root" sh -c "${C[*]} '$FULCIO_URL/api/v2/trustBundle' | jq -j '.chains[0].certificates[0]' | cmp -s - '$T/peer/fulcio_root.pem'"
check "health" test "$("${C[@]}" "$SIGSTORE_URL/health")" = ok

# ---- token negatives: status, message and log line ----
MSG_TOKEN='There was an error processing the identity token'
# neg NAME TOKEN LOGLINE [PRINCIPAL]
neg_token() {
	local st
	st=$(fulcio "$2" "$(pop "${4:-$SUB}")" neg.json)
	if [ "$st" = 400 ] && [ "$(jq -c . neg.json)" = "{\"code\":3,\"message\":\"$MSG_TOKEN\",\"details\":[]}" ] && log_has "$3"; then
		ok "$1 -> 400 identity-token error + log '$3'"
	else
		notok "$1 -> got $st $(cat neg.json); log: $(tail -n 2 "$SIGSTORE_LOG" | tr '\n' ' ')"
	fi
}
mint() { sigstore_mint_token "$1" "${2:-}"; }
neg_token "token signed by an unrelated key" "$(mint "{\"sub\":\"$SUB\"}" key=unrelated)" \
	"reject fulcio/token-signature: RS256 signature does not verify with the test issuer key"
neg_token "alg none token" "$(mint "{\"sub\":\"$SUB\"}" alg=none)" \
	'reject fulcio/token-signature: unsupported alg "none" (want RS256)'
neg_token "wrong aud" "$(mint "{\"sub\":\"$SUB\",\"aud\":\"other\"}")" \
	'reject fulcio/token-audience: aud "other" does not contain "sigstore"'
neg_token "expired token" "$(mint "{\"sub\":\"$SUB\",\"exp\":$((now - 10))}")" \
	"reject fulcio/token-expired: token expired: exp $((now - 10)) < now"
neg_token "unknown issuer" "$(mint "{\"sub\":\"$SUB\",\"iss\":\"https://evil.example\"}")" \
	'reject fulcio/token-issuer: iss "https://evil.example" is not an accepted issuer'
neg_token "tampered claims" "$(sigstore_mint_token_openssl "$claims" | sed 's/\.[^.]*\./.'"$(jq -cn --arg iss "$OIDC_ISSUER" '{iss: $iss, aud: "sigstore", sub: "x", exp: 9999999999}' | sigstore_b64url)"'./')" \
	"reject fulcio/token-signature: RS256 signature does not verify" x
neg_token "email without email_verified" "$(mint '{"email":"a@b.test","email_verified":false}' preset=email)" \
	'reject fulcio/email-not-verified: email a@b.test present but email_verified is false' a@b.test

# proof of possession
st=$(fulcio "$TOKEN" "$(pop "someone-else")" neg.json)
check "PoP over the wrong principal -> 400 signature message (got $st)" test "$st:$(jq -r .message neg.json)" = "400:The signature supplied in the request could not be verified"
check "PoP rejection logged" log_has "reject fulcio/pop: proof of possession over \"$SUB\" does not verify with the submitted key"
openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null
openssl ec -in other.key -pubout -out other.pub 2>/dev/null
st=$(fulcio "$TOKEN" "$(pop "$SUB")" neg.json other.pub)
check "PoP by a different key than submitted -> 400 (got $st)" test "$st" = 400
st=$(fulcio "$TOKEN" "" neg.json)
check "missing PoP -> 400 (got $st)" test "$st" = 400
echo 'not a key' > junk.pub
st=$(fulcio "$TOKEN" "$(pop "$SUB")" neg.json junk.pub)
check "unparsable public key -> 400 parse message (got $st)" test "$st:$(jq -r .message neg.json)" = "400:The public key supplied in the request could not be parsed"

# ---- Rekor negatives ----
WRONG=$(printf '%s' "other data" | openssl dgst -sha256 -r | cut -d' ' -f1)
st=$(rekor "$WRONG" "$SIG" "$CERT_B64" neg.json)
check "Rekor signature over a wrong digest -> 400 (got $st)" sh -c "[ '$st' = 400 ] && jq -e '.code == 400 and (.message | startswith(\"error processing entry: verifying signature: \"))' neg.json >/dev/null"
check "Rekor signature rejection logged" log_has "reject rekor/signature: signature over sha256:$WRONG does not verify"
st=$(rekor "${HEX^^}" "$SIG" "$CERT_B64" neg.json)
check "Rekor upper-case hex -> 400 (got $st)" test "$st" = 400
check "Rekor hash rejection logged" log_has "reject rekor/hash: sha256 value is not 64 lower-case hex chars"
st=$(rekor "$HEX" "$SIG" "$(base64 -w0 other.pub)" neg.json)
check "Rekor signature with another key -> 400 (got $st)" test "$st" = 400
st=$("${C[@]}" -o neg.json -w '%{http_code}' --data-binary '{"apiVersion":"0.0.2","kind":"intoto","spec":{}}' "$REKOR_URL/api/v1/log/entries")
check "Rekor other kind -> 400 + log (got $st)" sh -c "[ '$st' = 400 ] && grep -qF 'reject rekor/schema: unsupported kind \"intoto\"' '$SIGSTORE_LOG'"
# prehash check proper: a signature made over the digest bytes themselves (not over the artifact)
openssl dgst -sha256 -binary artifact.txt > digest.bin
openssl pkeyutl -sign -inkey eph.key -in digest.bin -out sig2.der
SIG2=$(base64 -w0 sig2.der)
check "openssl pkeyutl verifies the raw-digest signature" sh -c "openssl pkeyutl -verify -pubin -inkey eph.pub -sigfile sig2.der -in digest.bin | grep -q 'Signature Verified Successfully'"
st=$(rekor "$HEX" "$SIG2" "$CERT_B64" p2.json)
check "Rekor accepts a raw-digest (pkeyutl) signature -> 201 (got $st)" test "$st" = 201

# ---- each check switched off alone ----
sigstore_control '{"check_token_audience":false}' >/dev/null
st=$(fulcio "$(mint "{\"sub\":\"$SUB\",\"aud\":\"other\"}")" "$(pop "$SUB")" neg.json)
check "check_token_audience off: wrong aud accepted (got $st)" test "$st" = 200
st=$(fulcio "$(mint "{\"sub\":\"$SUB\",\"exp\":$((now - 10))}")" "$(pop "$SUB")" neg.json)
check "... while expiry is still checked (got $st)" test "$st" = 400
sigstore_control '{"reset":true,"check_pop":false}' >/dev/null
st=$(fulcio "$TOKEN" "" neg.json)
check "check_pop off: missing PoP accepted (got $st)" test "$st" = 200
sigstore_control '{"reset":true,"check_rekor_signature":false}' >/dev/null
st=$(rekor "$WRONG" "$SIG" "$CERT_B64" neg.json)
check "check_rekor_signature off: wrong digest logged (got $st)" test "$st" = 201
sigstore_control '{"reset":true,"check_rekor_duplicate":false}' >/dev/null
st=$(rekor "$HEX" "$SIG" "$CERT_B64" neg.json)
check "check_rekor_duplicate off: repeat -> 201 (got $st)" test "$st" = 201
sigstore_control '{"reset":true}' >/dev/null
st=$("${C[@]}" -o neg.json -w '%{http_code}' --data-binary '{"no_such_switch":1}' "$SIGSTORE_URL/control")
check "unknown control key -> 400 (got $st)" test "$st" = 400

# ---- faults ----
sigstore_control '{"fulcio_status":503,"fulcio_status_count":1}' >/dev/null
st=$(fulcio "$TOKEN" "$(pop "$SUB")" neg.json)
st2=$(fulcio "$TOKEN" "$(pop "$SUB")" neg2.json)
check "fulcio_status 503 once, then 200 (got $st, $st2)" test "$st:$st2:$(jq -r .code neg.json)" = "503:200:14"
check "fault logged" log_has "reject fault/fulcio-status: injected status 503"
sigstore_control '{"rekor_status":500}' >/dev/null
st=$(rekor "$HEX" "$SIG" "$CERT_B64" neg.json)
check "rekor_status 500 (got $st)" test "$st:$(jq -r .message neg.json)" = "500:unexpected result from transparency log"
sigstore_control '{"reset":true,"fulcio_delay_ms":1500}' >/dev/null
t0=$(date +%s%N)
st=$(curl -sS --max-time 0.5 -o /dev/null -w '%{http_code}' -X POST --data-binary @req.json "$FULCIO_URL/api/v2/signingCert" 2>/dev/null)
rc=$?
t1=$(date +%s%N)
check "fulcio_delay_ms makes a 0.5 s client time out (rc $rc, $(((t1 - t0) / 1000000)) ms)" test "$rc" = 28
sigstore_control '{"reset":true,"fulcio_bad_chain":true}' >/dev/null
st=$(fulcio "$TOKEN" "$(pop "$SUB")" bad.json)
jq -r '.signedCertificateEmbeddedSct.chain.certificates[0]' bad.json > badleaf.pem
check "fulcio_bad_chain: leaf does not verify against the root (got $st)" sh -c "[ '$st' = 200 ] && ! openssl verify -CAfile '$T/peer/fulcio_root.pem' badleaf.pem >/dev/null 2>&1"
check "... but names the root as issuer" test "$(openssl x509 -in badleaf.pem -noout -issuer)" = "$(openssl x509 -in "$T/peer/fulcio_root.pem" -noout -subject | sed 's/^subject/issuer/')"
sigstore_control '{"reset":true,"rekor_bad_set":true}' >/dev/null
HEX3=$(printf 'bad set' | openssl dgst -sha256 -r | cut -d' ' -f1)
SIG3=$(printf 'bad set' | openssl dgst -sha256 -sign eph.key -binary | base64 -w0)
st=$(rekor "$HEX3" "$SIG3" "$CERT_B64" bs.json)
jq '.[]' bs.json > bse.json
jq -cj '{body, integratedTime, logID, logIndex}' bse.json > bset.json
jq -r .verification.signedEntryTimestamp bse.json | base64 -d > bset.der
check "rekor_bad_set: SET does not verify with rekor.pub (got $st)" sh -c "[ '$st' = 201 ] && ! openssl dgst -sha256 -verify '$T/peer/rekor.pub' -signature bset.der bset.json >/dev/null 2>&1"
check "... logID still the real key's" test "$(jq -r .logID bse.json)" = "$(jq -r .logID e.json)"
sigstore_control '{"reset":true}' >/dev/null

# ---- Buildkite certificate contents (protocol.md §4.4) ----
BK=$(mint '{}' preset=buildkite)
BKSUB=$(printf '%s' "$BK" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .sub)
st=$(fulcio "$BK" "$(pop "$BKSUB")" bk.json)
jq -r '.signedCertificateEmbeddedSct.chain.certificates[0]' bk.json > bk.pem
openssl x509 -in bk.pem -noout -text > bk.txt
check "Buildkite token -> 200 (got $st)" test "$st" = 200
check "Buildkite SAN = pipeline URL" grep -qx '                URI:https://buildkite.com/acme-inc/super-duper-app' bk.txt
check "Buildkite 1.1 issuer" sh -c "grep -A1 '57264.1.1:' bk.txt | grep -q 'https://agent.buildkite.com'"
check "Buildkite 1.21 run invocation URI" sh -c "grep -A1 '57264.1.21:' bk.txt | grep -qF 'https://buildkite.com/acme-inc/super-duper-app/builds/52#01943a38-f93e-4355-abe8-90a30369c270'"
check "Buildkite 1.11/1.13/1.20" sh -c "grep -A1 '57264.1.11:' bk.txt | grep -q self-hosted && grep -A1 '57264.1.13:' bk.txt | grep -q 9f3182061f1e && grep -A1 '57264.1.20:' bk.txt | grep -q ui"
check "no 1.24 by default" sh -c "! grep -q '57264.1.24:' bk.txt"
neg_token "Buildkite token without runner_environment" "$(mint '{"runner_environment":null}' preset=buildkite)" \
	'reject fulcio/buildkite-claims: Buildkite token lacks claim runner_environment' "$BKSUB"

# ---- e-mail identity: rfc822Name SAN ----
EM=$(mint '{}' preset=email)
st=$(fulcio "$EM" "$(pop signer@picosign.test)" em.json)
jq -r '.signedCertificateEmbeddedSct.chain.certificates[0]' em.json > em.pem
check "email token -> rfc822Name SAN, chain OK (got $st)" sh -c "openssl x509 -in em.pem -noout -ext subjectAltName | grep -qx '    email:signer@picosign.test' && openssl verify -CAfile '$T/peer/fulcio_root.pem' em.pem | grep -q ': OK'"

# ---- Fulcio v1 ----
st=$("${C[@]}" -o v1.pem -D v1.h -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary "$(jq -cn --arg k "$(base64 -w0 eph.pub)" --arg p "$(pop "$SUB")" '{publicKey: {content: $k}, signedEmailAddress: $p}')" \
	"$FULCIO_URL/api/v1/signingCert")
check "Fulcio v1 -> 201 PEM chain (got $st)" sh -c "[ '$st' = 201 ] && grep -qi '^content-type: application/pem-certificate-chain' v1.h && [ \$(grep -c 'BEGIN CERTIFICATE' v1.pem) = 2 ]"

# ---- sigstore-js signer and verifier ----
SJ=(timeout 30 node)
if "${SJ[@]}" "$S/sign-blob.mjs" --url "$SIGSTORE_URL" --token "$(mint "{\"sub\":\"$SUB\"}")" \
	--artifact artifact.txt --out bundle.json >sb.out 2>&1; then ok "sign-blob.mjs wrote a bundle"; else notok "sign-blob.mjs: $(cat sb.out)"; fi
check "bundle is v0.2 with proof and promise" jqe '.mediaType == "application/vnd.dev.sigstore.bundle+json;version=0.2"
	and (.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope | length) > 0
	and (.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp | length) > 0' bundle.json
vb() { "${SJ[@]}" "$S/verify-bundle.mjs" --bundle "$1" --trusted-root "$TRUSTED_ROOT" --artifact "$2" --identity "$3" --issuer "$4" >vb.out 2>&1; }
check "verify-bundle.mjs verifies it" vb bundle.json artifact.txt "$SUB" "$OIDC_ISSUER"
vb bundle.json artifact.txt wrong-identity "$OIDC_ISSUER"
check "wrong identity -> exit 1 UNTRUSTED_SIGNER_ERROR (rc $?)" grep -q 'PolicyError UNTRUSTED_SIGNER_ERROR' vb.out
vb bundle.json artifact.txt "$SUB" https://other.example
check "wrong issuer -> exit 1 UNTRUSTED_SIGNER_ERROR" grep -q 'UNTRUSTED_SIGNER_ERROR' vb.out
echo tampered > other.txt
vb bundle.json other.txt "$SUB" "$OIDC_ISSUER"
check "changed artifact -> SIGNATURE_ERROR" grep -q 'VerificationError SIGNATURE_ERROR' vb.out

# Buildkite identity through sigstore-js, with an RFC 3161 timestamp from the TSA.
if "${SJ[@]}" "$S/sign-blob.mjs" --url "$SIGSTORE_URL" --tsa "$TSA_URL" --token "$BK" \
	--artifact artifact.txt --out bk-bundle.json >sb.out 2>&1; then ok "sign-blob.mjs with Buildkite token + TSA"; else notok "sign-blob.mjs Buildkite: $(cat sb.out)"; fi
check "Buildkite bundle verifies as https://buildkite.com/acme-inc/super-duper-app" \
	vb bk-bundle.json artifact.txt https://buildkite.com/acme-inc/super-duper-app https://agent.buildkite.com
check "... and carries an RFC 3161 timestamp" jqe '.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length == 1' bk-bundle.json

# cosign legacy .sig layer: simple-signing payload signed by sigstore-js, re-checked from annotations.
MD="sha256:$(printf 'manifest' | openssl dgst -sha256 -r | cut -d' ' -f1)"
printf '{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/test/app"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' "$MD" > payload.json
"${SJ[@]}" "$S/sign-blob.mjs" --url "$SIGSTORE_URL" --token "$(mint "{\"sub\":\"$SUB\"}")" \
	--artifact payload.json --out p-bundle.json --annotations-out ann.json >sb.out 2>&1 || notok "sign-blob payload: $(cat sb.out)"
vc() { "${SJ[@]}" "$S/verify-cosign-sig.mjs" --payload payload.json --annotations ann.json --manifest-digest "$1" \
	--layer-digest "sha256:$(openssl dgst -sha256 -r payload.json | cut -d' ' -f1)" --identity "$2" --issuer "$OIDC_ISSUER" \
	--trusted-root "$TRUSTED_ROOT" >vc.out 2>&1; }
check "verify-cosign-sig.mjs verifies the .sig layer" vc "$MD" "$SUB"
vc "sha256:$(printf '%064d' 1)" "$SUB"
check "... wrong manifest digest -> PAYLOAD_ERROR" grep -q 'PAYLOAD_ERROR' vc.out
vc "$MD" nobody
check "... wrong identity -> UNTRUSTED_SIGNER_ERROR" grep -q 'UNTRUSTED_SIGNER_ERROR' vc.out
jq --arg set "$(jq -r .verification.signedEntryTimestamp e.json)" \
	'.["dev.sigstore.cosign/bundle"] |= (fromjson | .SignedEntryTimestamp = $set | tojson)' ann.json > ann2.json
"${SJ[@]}" "$S/verify-cosign-sig.mjs" --payload payload.json --annotations ann2.json --manifest-digest "$MD" \
	--identity "$SUB" --issuer "$OIDC_ISSUER" --trusted-root "$TRUSTED_ROOT" >vc.out 2>&1
check "... SET of another entry -> TLOG_INCLUSION_PROMISE_ERROR" grep -q 'TLOG_INCLUSION_PROMISE_ERROR' vc.out

# ---- bounds ----
head -c $((1024 * 1024 + 10)) /dev/zero > big.bin
st=$("${C[@]}" -o neg.json -w '%{http_code}' --data-binary @big.bin "$REKOR_URL/api/v1/log/entries")
check "body over 1 MiB -> 413 + log (got $st)" sh -c "[ '$st' = 413 ] && grep -qF 'reject body/too-large' '$SIGSTORE_LOG'"

# ---- stop ----
sigstore_stop
gone=1
kill -0 "$SIGSTORE_PID" 2>/dev/null && gone=0
[ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null && gone=0
check "stopped: wrapper and node process are gone" test "$gone" = 1
check "exit logged" log_has "exiting: SIGTERM"

# request-count limit: a second peer that may answer 3 requests
mkdir -p "$T/peer2"
timeout -k 5 60 node "$S/server.mjs" --state-dir "$T/peer2" --max-requests 3 --max-lifetime 60 --no-tsa 2>"$T/peer2.log" &
PID2=$!
for ((i = 0; i < 200; i++)); do [ -s "$T/peer2/ready" ] && break; sleep 0.05; done
U2=$(cat "$T/peer2/url" 2>/dev/null)
for i in 1 2 3; do "${C[@]}" -o /dev/null "$U2/health" 2>/dev/null; done
for ((i = 0; i < 100; i++)); do kill -0 "$PID2" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$PID2" 2>/dev/null; then notok "peer exits after --max-requests 3"; else
	wait "$PID2" 2>/dev/null
	ok "peer exits after --max-requests 3"
fi
PID2=
check "request limit logged" grep -qF 'exiting: request limit reached (3 requests' "$T/peer2.log"

el=$(($(date +%s) - t_start))
check "finished in < 60 s (${el} s)" test "$el" -lt 60
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
