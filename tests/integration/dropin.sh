#!/usr/bin/env bash
# dropin: picosign in place of cosign in a pipeline line (issue #12), against Debian's
# docker-registry and the local Sigstore peer on loopback. One section per bullet of the
# issue, then the "done when" items:
#   1. --key env://VAR for private and public keys; KMS and hardware URIs refused by name;
#   2. COSIGN_REPOSITORY moves the signatures (also to another registry);
#   3. COSIGN_<FLAG> for flags (the command line wins), REGISTRY_AUTH_FILE;
#   4. --oidc-provider buildkite-agent (a fake agent endpoint) and --oidc-issuer;
#   5. sign-blob --key, verify-blob --offline, detached --signature/--certificate with the
#      Rekor lookup and --certificate-chain;
#   6. cosign v2 sign-blob --bundle files, the real public-good signature made into one;
#   7. Go durations for --timeout, verify --timeout;
#   8. loopback registries over plain http without a flag; a remote one names the flag;
#   9. sign -r on a two-platform index, in both forms: verify, verify -r, sigstore-js on each
#      legacy child signature;
#  10. messages that say what the input is;
#  11. identity beyond the SAN (Buildkite, extension matchers, GitHub flags);
#  12. download signature / attestation;
#  13. verify of 20 images with --max-workers 4: signed, unsigned and wrongly signed, the
#      output per image, and the number of connections.
# Inputs: SG_BIN, SG_VECTORS (../shared/vectors). Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
VEC=${SG_VECTORS:-$ROOT/../shared/vectors}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout sha256sum tar gzip openssl; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES \
	COSIGN_REPOSITORY REGISTRY_AUTH_FILE XDG_RUNTIME_DIR XDG_CONFIG_HOME \
	BUILDKITE_AGENT_ACCESS_TOKEN BUILDKITE_JOB_ID BUILDKITE_AGENT_ENDPOINT \
	ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
for v in $(env | sed -n 's/^\(COSIGN_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
# The pipeline is cosign v2's: signatures in the legacy .sig form, through the variable as a
# pipeline would set it; sections 2, 9 and 13 also run cosign v3's default form
# (--new-bundle-format=true: the command line wins over the variable).
export COSIGN_NEW_BUNDLE_FORMAT=false

source "$ROOT/tests/lib/oci.sh"
oci_scratch # T, pids, HOME=$T/home, and the exit trap that stops the servers and the peer
start_registry reg || { bad "registry starts"; finish; exit 1; }
R=127.0.0.1:$PORT
BASE=http://$R
PORTA=$PORT
start_registry other || { bad "second registry starts"; finish; exit 1; }
R2=127.0.0.1:$PORT
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	finish
	exit 1
fi
cd "$T" || exit 1
PS() { timeout 60 "$BIN" "$@"; }
BK_SAN=https://buildkite.com/acme-inc/super-duper-app
BK_ISS=https://agent.buildkite.com
TR=(--trusted-root "$TRUSTED_ROOT")
KEYLESS=(--fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" "${TR[@]}" -y)
BKID=(--certificate-identity "$BK_SAN" --certificate-oidc-issuer "$BK_ISS")
sigfor() { curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://$1/v2/$2/manifests/sha256-${3#sha256:}.sig"; }
img() { make_image "$T/$2" "$2" && push_image "$BASE" "$1" "$2" "$T/$2" >/dev/null &&
	digest_of "$T/$2/manifest.json"; }

COSIGN_PASSWORD=pw1 PS generate-key-pair --output-key-prefix k1 >/dev/null 2>&1
COSIGN_PASSWORD=pw2 PS generate-key-pair --output-key-prefix k2 >/dev/null 2>&1
check "two key pairs" test -s k1.key -a -s k2.pub

echo "# 1. keys from anywhere"
D1=$(img app one)
export COSIGN_PRIVATE_KEY="$(cat k1.key)" COSIGN_PUBLIC_KEY="$(cat k1.pub)"
COSIGN_PASSWORD=pw1 PS sign --key env://COSIGN_PRIVATE_KEY --rekor-url "$REKOR_URL" "${TR[@]}" -y \
	"$R/app@$D1" >out 2>err
check "sign --key env://COSIGN_PRIVATE_KEY signs ($(tail -n 1 err))" test $? -eq 0
check "no file named env://... was read" bash -c "! grep -q 'cannot read env://' err"
PS verify --key env://COSIGN_PUBLIC_KEY "${TR[@]}" "$R/app@$D1" >out 2>err
check "verify --key env://COSIGN_PUBLIC_KEY ($(tail -n 1 err))" test $? -eq 0
check "verify output is cosign's JSON array" jq -e 'length == 1 and .[0].critical.image["docker-manifest-digest"] == $d' --arg d "$D1" out >/dev/null
COSIGN_PASSWORD=pw1 PS public-key --key env://COSIGN_PRIVATE_KEY >pub.pem 2>err
check "public-key --key env://" cmp -s pub.pem k1.pub
PS verify --key env://NOT_SET "${TR[@]}" "$R/app@$D1" >/dev/null 2>err
check "an unset env:// variable: cosign's message" grep -q 'env var \$NOT_SET not found' err
for scheme in awskms:///alias/k gcpkms://projects/p/k azurekms://v/k hashivault://k \
	k8s://ns/secret pkcs11:token=t; do
	name=${scheme%%:*}
	PS sign --key "$scheme" -y "$R/app@$D1" >/dev/null 2>err
	check "sign --key $name: refused by scheme, before the registry" grep -q "$name:.* are not supported by picosign" err
	PS verify --key "$scheme" "$R/app@$D1" >/dev/null 2>err
	check "verify --key $name: refused by scheme" grep -q "$name:.* are not supported by picosign" err
done
for c in sign-blob verify-blob public-key; do
	extra=("$T/k1.pub")
	[ "$c" = verify-blob ] && extra=(--signature abc "$T/k1.pub")
	[ "$c" = public-key ] && extra=()
	PS "$c" --key awskms:///alias/k "${extra[@]}" >/dev/null 2>err
	check "$c --key awskms://: refused by scheme" grep -q 'awskms://.* are not supported by picosign' err
done

echo "# 2. COSIGN_REPOSITORY"
D2=$(img app two)
COSIGN_REPOSITORY=$R/sigs COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y \
	"$R/app@$D2" >out 2>err
check "sign with COSIGN_REPOSITORY ($(tail -n 1 err))" test $? -eq 0
check "the signature is in COSIGN_REPOSITORY" test -n "$(sigfor "$R" sigs "$D2")"
check "not in the image's own repository" test -z "$(sigfor "$R" app "$D2")"
COSIGN_REPOSITORY=$R/sigs PS verify --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>err
check "verify with COSIGN_REPOSITORY finds it" test $? -eq 0
PS verify --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>err
check "verify without it: no signatures (exit 10)" test $? -eq 10
COSIGN_REPOSITORY=$R2/elsewhere/sigs COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y \
	"$R/app@$D2" >/dev/null 2>err
check "COSIGN_REPOSITORY on another registry: signed ($(tail -n 1 err))" test -n "$(sigfor "$R2" elsewhere/sigs "$D2")"
COSIGN_REPOSITORY=$R2/elsewhere/sigs PS verify --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>&1
check "and verified from there" test $? -eq 0
COSIGN_REPOSITORY=$R2/elsewhere/sigs PS triangulate "$R/app@$D2" >out 2>&1
check "triangulate names COSIGN_REPOSITORY" grep -qx "$R2/elsewhere/sigs:sha256-${D2#sha256:}.sig" out
D2B=$(img app twob)
COSIGN_REPOSITORY=$R/sigs COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=true --key k1.key \
	--tlog-upload=false -y "$R/app@$D2B" >/dev/null 2>err
check "the v3 form with COSIGN_REPOSITORY: the referrer stays with its image, and it says so" \
	grep -q "COSIGN_REPOSITORY moves the legacy .sig signatures only" err

echo "# 3. COSIGN_<FLAG>, REGISTRY_AUTH_FILE"
TOK=$(sigstore_mint_token '{}' preset=buildkite)
PS sign "${KEYLESS[@]}" --identity-token "$TOK" "$R/app@$D1" >/dev/null 2>err
check "keyless sign ($(tail -n 1 err))" test $? -eq 0
COSIGN_CERTIFICATE_IDENTITY=$BK_SAN COSIGN_CERTIFICATE_OIDC_ISSUER=$BK_ISS \
	COSIGN_TRUSTED_ROOT=$TRUSTED_ROOT PS verify "$R/app@$D1" >/dev/null 2>err
check "verify: identity, issuer and trusted root from COSIGN_* ($(tail -n 1 err))" test $? -eq 0
COSIGN_CERTIFICATE_IDENTITY=https://buildkite.com/x/y COSIGN_CERTIFICATE_OIDC_ISSUER=$BK_ISS \
	PS verify --certificate-identity "$BK_SAN" "${TR[@]}" "$R/app@$D1" >/dev/null 2>err
check "the command line wins over COSIGN_CERTIFICATE_IDENTITY" test $? -eq 0
COSIGN_CERTIFICATE_IDENTITY=$BK_SAN PS verify --certificate-identity https://buildkite.com/x/y \
	--certificate-oidc-issuer "$BK_ISS" "${TR[@]}" "$R/app@$D1" >/dev/null 2>err
check "a wrong flag is not rescued by the variable (exit 12)" test $? -eq 12
COSIGN_CHECK_CLAIMS=maybe PS verify "${BKID[@]}" "${TR[@]}" "$R/app@$D1" >/dev/null 2>err
check "an invalid COSIGN_ boolean names the variable" grep -q '^Error: COSIGN_CHECK_CLAIMS: invalid boolean "maybe"' err
COSIGN_ANNOTATIONS=a=1,b=2 COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y \
	--output-payload ann.json "$R/app@$D2" >/dev/null 2>&1
check "COSIGN_ANNOTATIONS=a=1,b=2 is two -a flags" jq -e '.optional == {"a":"1","b":"2"}' ann.json >/dev/null
# A registry with Basic auth, its credentials only in REGISTRY_AUTH_FILE (podman's auth.json).
if command -v htpasswd >/dev/null 2>&1; then
	htpasswd -Bbn dropin secret >"$T/htpasswd" 2>/dev/null
	start_registry auth "auth:" "  htpasswd: {realm: test, path: $T/htpasswd}" || bad "auth registry"
	RA=127.0.0.1:$PORT
	CURL_AUTH=(-u dropin:secret)
	make_image "$T/authimg" authimg && push_image "http://$RA" priv v1 "$T/authimg" >/dev/null
	CURL_AUTH=()
	DA=$(digest_of "$T/authimg/manifest.json")
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$RA" "$(printf dropin:secret | base64)" >"$T/auth.json"
	PS triangulate "$RA/priv:v1" >/dev/null 2>err
	check "no credentials: refused by the registry" grep -q 'UNAUTHORIZED\|401' err
	REGISTRY_AUTH_FILE=$T/auth.json PS triangulate --type digest "$RA/priv:v1" >out 2>err
	check "REGISTRY_AUTH_FILE's credentials are used ($(tail -n 1 err))" grep -qx "$RA/priv@$DA" out
	mkdir -p "$HOME/.docker" && echo '{"auths":{}}' >"$HOME/.docker/config.json"
	REGISTRY_AUTH_FILE=$T/auth.json PS triangulate --type digest "$RA/priv:v1" >out 2>err
	check "a docker config comes first, as in go-containerregistry" test ! -s out
	rm -f "$HOME/.docker/config.json"
else
	echo "note: htpasswd is not installed; REGISTRY_AUTH_FILE was not tried"
fi

echo "# 4. --oidc-provider buildkite-agent, --oidc-issuer"
timeout -k 5 120 node "$ROOT/tests/integration/servers/buildkite_agent.mjs" "$T/bk.port" "$T/bk.log" 120 \
	"$SIGSTORE_URL" agent-secret >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$T/bk.port" ] && break; sleep 0.05; done
BK_ENV=(BUILDKITE_AGENT_ACCESS_TOKEN=agent-secret BUILDKITE_JOB_ID=01943a38-f93e-4355-abe8-90a30369c270
	BUILDKITE_AGENT_ENDPOINT=http://127.0.0.1:$(cat "$T/bk.port")/v3 SIGSTORE_ID_TOKEN=not-a-token)
env "${BK_ENV[@]}" timeout 60 "$BIN" sign "${KEYLESS[@]}" --oidc-provider buildkite-agent \
	--oidc-issuer https://oauth2.sigstore.dev/auth "$R/app@$D2" >/dev/null 2>err
check "sign --oidc-provider buildkite-agent: the agent's token, not SIGSTORE_ID_TOKEN ($(tail -n 1 err))" test $? -eq 0
check "the agent endpoint was asked with the access token" grep -q 'POST /v3/jobs/01943a38-f93e-4355-abe8-90a30369c270/oidc/tokens auth=ok' "$T/bk.log"
check "--oidc-issuer is accepted and its difference said" grep -q 'Note: --oidc-issuer https://oauth2.sigstore.dev/auth' err
env "${BK_ENV[@]}" timeout 60 "$BIN" sign "${KEYLESS[@]}" --oidc-provider envvar "$R/app@$D2" >/dev/null 2>err
check "--oidc-provider envvar takes SIGSTORE_ID_TOKEN (and fails on it)" test $? -ne 0
PS sign "${KEYLESS[@]}" --oidc-provider nope "$R/app@$D2" >/dev/null 2>err
check "an unknown provider: cosign's message" grep -q 'getting provider: nope is not a valid provider' err
PS sign "${KEYLESS[@]}" --oidc-provider spiffe "$R/app@$D2" >/dev/null 2>err
check "spiffe: refused by name" grep -q -- '--oidc-provider spiffe is not supported by picosign' err
PS verify "${BKID[@]}" "${TR[@]}" "$R/app@$D2" >/dev/null 2>err
check "the agent-token signature verifies" test $? -eq 0

echo "# 5. sign-blob --key, verify-blob --offline, detached signatures"
printf 'release artifact\n' >art.txt
COSIGN_PASSWORD=pw1 PS sign-blob --key env://COSIGN_PRIVATE_KEY --rekor-url "$REKOR_URL" "${TR[@]}" -y \
	--bundle kb.json --output-signature k.sig art.txt >/dev/null 2>err
check "sign-blob --key (logged) ($(tail -n 1 err))" test $? -eq 0
PS verify-blob --key k1.pub --bundle kb.json "${TR[@]}" --offline art.txt >/dev/null 2>err
check "verify-blob --offline --key --bundle ($(tail -n 1 err))" test $? -eq 0
PS verify-blob --key k1.pub --signature k.sig "${TR[@]}" --rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "verify-blob --key --signature: the entry looked up in Rekor ($(tail -n 1 err))" test $? -eq 0
PS verify-blob --key k1.pub --signature k.sig "${TR[@]}" --offline --rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "... with --offline: cosign's 'offline verification failed'" grep -qx 'Error: offline verification failed' err
TOK=$(sigstore_mint_token '{}' preset=buildkite)
PS sign-blob "${KEYLESS[@]}" --identity-token "$TOK" --output-signature ks.sig --output-certificate ks.pem \
	--bundle ksb.json art.txt >/dev/null 2>err
check "keyless sign-blob ($(tail -n 1 err))" test $? -eq 0
PS verify-blob --signature ks.sig --certificate ks.pem "${BKID[@]}" "${TR[@]}" --rekor-url "$REKOR_URL" \
	art.txt >/dev/null 2>err
check "verify-blob --signature --certificate (cosign v2 detached) ($(tail -n 1 err))" test $? -eq 0
base64 -w0 ks.pem >ks.pem.b64
PS verify-blob --signature "$(cat ks.sig)" --certificate ks.pem.b64 "${BKID[@]}" "${TR[@]}" \
	--rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "the signature given as text, the certificate as base64 of the PEM" test $? -eq 0
printf 'tampered\n' >other.txt
PS verify-blob --signature ks.sig --certificate ks.pem "${BKID[@]}" "${TR[@]}" --rekor-url "$REKOR_URL" \
	other.txt >/dev/null 2>err
check "another artifact: not found in the log" grep -q 'signature not found in transparency log\|invalid signature' err
jq -r '.certificateAuthorities[0].certChain.certificates[].rawBytes' "$TRUSTED_ROOT" |
	while read -r b; do echo "-----BEGIN CERTIFICATE-----"; echo "$b" | fold -w 64; echo "-----END CERTIFICATE-----"; done >chain.pem
PS verify-blob --signature ks.sig --certificate ks.pem --certificate-chain chain.pem "${BKID[@]}" \
	"${TR[@]}" --rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "--certificate-chain with the issuing chain ($(tail -n 1 err))" test $? -eq 0
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other-ca.pem \
	-subj /CN=other -days 1 >/dev/null 2>&1
PS verify-blob --signature ks.sig --certificate ks.pem --certificate-chain other-ca.pem "${BKID[@]}" \
	"${TR[@]}" --rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "--certificate-chain of another CA: refused" test $? -eq 1
PS verify-blob --bundle ksb.json "${BKID[@]}" "${TR[@]}" --offline art.txt >/dev/null 2>err
check "verify-blob --offline with a Sigstore bundle" test $? -eq 0

echo "# 6. cosign v2 sign-blob --bundle files"
SIGBIN=$VEC/real/cosign-keyless-containers-image.sig.bin
if [ -f "$SIGBIN" ]; then
	tail -c +16 "$SIGBIN" >real.json
	jq -r .payload real.json | base64 -d >real-payload.json
	jq '{base64Signature: .annotations["dev.cosignproject.cosign/signature"],
		cert: (.annotations["dev.sigstore.cosign/certificate"] | @base64),
		rekorBundle: (.annotations["dev.sigstore.cosign/bundle"] | fromjson)}' real.json >real-v2.json
	PS verify-blob --bundle real-v2.json --certificate-identity mitr@redhat.com \
		--certificate-oidc-issuer https://github.com/login/oauth --offline real-payload.json >/dev/null 2>err
	check "the real public-good signature as a cosign v2 bundle verifies with verify-blob ($(tail -n 1 err))" test $? -eq 0
	PS verify-blob --bundle real-v2.json --certificate-identity someone@example.com \
		--certificate-oidc-issuer https://github.com/login/oauth real-payload.json >/dev/null 2>err
	check "... for its identity only" grep -q 'none of the expected identities matched' err
	printf x >>real-payload.json
	PS verify-blob --bundle real-v2.json --certificate-identity mitr@redhat.com \
		--certificate-oidc-issuer https://github.com/login/oauth real-payload.json >/dev/null 2>err
	check "... and for its payload only" grep -q 'matching bundle to payload' err
else
	bad "the real signature vector is missing ($SIGBIN)"
fi
# A v2 bundle of a local keyless signature: sign-blob's outputs in cosign v2's shape.
jq -n --arg s "$(cat ks.sig)" --arg c "$(base64 -w0 ks.pem)" --slurpfile b ksb.json \
	'{base64Signature: $s, cert: $c}' >ks-v2-nolog.json
PS verify-blob --bundle ks-v2-nolog.json "${BKID[@]}" "${TR[@]}" --rekor-url "$REKOR_URL" art.txt >/dev/null 2>err
check "a v2 bundle without rekorBundle: the entry looked up in Rekor ($(tail -n 1 err))" test $? -eq 0

echo "# 7. Go durations for --timeout"
PS verify --timeout 3m --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>err
check "verify --timeout 3m" test $? -eq 0
COSIGN_REPOSITORY=$R/sigs PS verify -t 1m30s --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>err
check "verify -t 1m30s" test $? -eq 0
COSIGN_PASSWORD=pw1 PS sign --timeout 3m --key k1.key --tlog-upload=false -y "$R/app@$D2" >/dev/null 2>err
check "sign --timeout 3m" test $? -eq 0
COSIGN_TIMEOUT=2m PS verify --key k1.pub --insecure-ignore-tlog "$R/app@$D2" >/dev/null 2>err
check "COSIGN_TIMEOUT=2m" test $? -eq 0
PS verify --timeout 3x --key k1.pub "$R/app@$D2" >/dev/null 2>err
check "a bad duration is refused with the syntax" grep -q 'neither a Go duration' err

echo "# 8. loopback registries over plain http, remote ones name the flag"
for host in "127.0.0.1:$PORTA" "localhost:$PORTA"; do
	PS verify --key k1.pub --insecure-ignore-tlog "$host/app@$D2" >/dev/null 2>err
	check "verify $host over plain http without a flag ($(tail -n 1 err))" test $? -eq 0
done
# "vm"-like names resolve to loopback but are not loopback by name: the remote rule.
H=$(hostname)
if getent hosts "$H" | grep -q '^127\.'; then
	PS verify --key k1.pub --insecure-ignore-tlog "$H:$PORTA/app@$D2" >/dev/null 2>err
	check "a non-loopback name without --allow-http-registry: refused" test $? -ne 0
	check "... and the error names --allow-http-registry" grep -q 'add --allow-http-registry' err
	PS verify --allow-http-registry --key k1.pub --insecure-ignore-tlog "$H:$PORTA/app@$D2" >/dev/null 2>err
	check "... with --allow-http-registry it works ($(tail -n 1 err))" test $? -eq 0
	COSIGN_ALLOW_HTTP_REGISTRY=true PS verify --key k1.pub --insecure-ignore-tlog "$H:$PORTA/app@$D2" >/dev/null 2>err
	check "... and with COSIGN_ALLOW_HTTP_REGISTRY=true" test $? -eq 0
else
	skip_note="hostname $H does not resolve to loopback"
	echo "note: $skip_note; the remote-http checks ran on nothing"
fi

echo "# 9. sign -r on a multi-arch index"
make_image "$T/amd64" "amd64 image" && make_image "$T/arm64" "arm64 image"
push_index "$BASE" multi v1 "$T/amd64" "$T/arm64" >/dev/null
DI=$(digest_of "$T/index.json")
DA1=$(digest_of "$T/amd64/manifest.json")
DA2=$(digest_of "$T/arm64/manifest.json")
TOK=$(sigstore_mint_token '{}' preset=buildkite)
PS sign -r "${KEYLESS[@]}" --identity-token "$TOK" "$R/multi@$DI" >/dev/null 2>err
check "sign -r ($(tail -n 1 err))" test $? -eq 0
check "sign -r signed the index and both children" test -n "$(sigfor "$R" multi "$DI")" -a \
	-n "$(sigfor "$R" multi "$DA1")" -a -n "$(sigfor "$R" multi "$DA2")"
check "sign -r asked for Fulcio once (one certificate)" test "$(grep -c 'Retrieving signed certificate' err)" -eq 1
PS verify "${BKID[@]}" "${TR[@]}" "$R/multi@$DI" >out 2>err
check "verify of the index digest verifies the index signature" test $? -eq 0 -a "$(grep -c '^Verification for' err)" -eq 1
PS verify -r "${BKID[@]}" "${TR[@]}" "$R/multi@$DI" >out 2>err
check "verify -r verifies the index and each child ($(grep -c '^Verification for' err) reports)" test $? -eq 0 -a "$(grep -c '^Verification for' err)" -eq 3
check "verify -r names each child" grep -q "^Verification for $R/multi@$DA2 --" err
PS verify "${BKID[@]}" "${TR[@]}" "$R/multi@$DA1" >/dev/null 2>err
check "a single platform digest verifies on its own" test $? -eq 0
for d in "$DA1" "$DA2"; do
	sig=$(sigfor "$R" multi "$d")
	LD=$(echo "$sig" | jq -r '.layers[0].digest')
	curl -s -f --max-time 10 "$BASE/v2/multi/blobs/$LD" >child-payload.json
	echo "$sig" | jq '.layers[0].annotations' >child-annots.json
	timeout 60 node "$ROOT/tests/sigstore/verify-cosign-sig.mjs" --payload child-payload.json \
		--annotations child-annots.json --manifest-digest "$d" --layer-digest "$LD" \
		--identity "$BK_SAN" --issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" >js.out 2>&1
	check "sigstore-js accepts the child ${d:7:12}'s signature ($(tail -n 1 js.out))" test $? -eq 0
done
# The same in cosign v3's form: a bundle referrer on the index and on each child.
push_index "$BASE" multi3 v1 "$T/amd64" "$T/arm64" >/dev/null
TOK=$(sigstore_mint_token '{}' preset=buildkite)
PS sign -r --new-bundle-format=true "${KEYLESS[@]}" --identity-token "$TOK" "$R/multi3@$DI" \
	>/dev/null 2>err
check "sign -r in the v3 form ($(tail -n 1 err))" test $? -eq 0
PS verify -r --new-bundle-format=true "${BKID[@]}" "${TR[@]}" "$R/multi3@$DI" >out 2>err
check "verify -r of the v3 signatures: the index and each child ($(grep -c '^Verification for' err) reports)" \
	test $? -eq 0 -a "$(grep -c '^Verification for' err)" -eq 3
PS verify "${BKID[@]}" "${TR[@]}" "$R/multi3@$DA2" >/dev/null 2>&1
check "... stored as referrers, not .sig (legacy-only verify of a child: exit 10)" test $? -eq 10
make_image "$T/solo" "single platform"
push_index "$BASE" multi2 v1 "$T/solo" "$T/arm64" >/dev/null
DS=$(digest_of "$T/solo/manifest.json")
COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y "$R/multi2@$DS" >/dev/null 2>err
check "sign of one platform digest of an index (no -r) signs only it" test -n "$(sigfor "$R" multi2 "$DS")" -a \
	-z "$(sigfor "$R" multi2 "$(digest_of "$T/index.json")")"

echo "# 10. errors that say what the input is"
PS verify-blob --bundle ks.pem "${BKID[@]}" art.txt >/dev/null 2>err
check "a PEM certificate as --bundle says so" grep -q 'ks.pem: this is a PEM certificate; --bundle expects a Sigstore bundle' err
PS verify-blob --bundle ksb.json "${BKID[@]}" "${TR[@]}" --offline - <art.txt >/dev/null 2>err
check "verify-blob reads the artifact from - (stdin) ($(tail -n 1 err))" test $? -eq 0
PS verify-blob --bundle ksb.json "${BKID[@]}" "${TR[@]}" "sha256:$(sha256sum art.txt | cut -d' ' -f1)" >/dev/null 2>err
check "sha256:<hex> is a digest, not a file" test $? -eq 0
PS verify-blob --bundle ksb.json "${BKID[@]}" "${TR[@]}" sha256:ABCD >/dev/null 2>err
check "a malformed sha256: says so, not 'no such file'" grep -q 'sha256:ABCD: not a digest' err
echo '{"mediaType": 1}' >bad-root.json
PS verify-blob --bundle ksb.json "${BKID[@]}" --trusted-root bad-root.json art.txt >/dev/null 2>err
check "a trusted-root error names the file" grep -q 'bad-root.json' err
SIGSTORE_ROOT_FILE=$T/bad-root.json PS verify-blob --bundle ksb.json "${BKID[@]}" art.txt >/dev/null 2>err
check "... also from SIGSTORE_ROOT_FILE" grep -q 'bad-root.json' err
PS verify --key ks.pem "$R/app@$D1" >/dev/null 2>err
check "a certificate as --key says so" grep -q 'this is a PEM certificate; --key expects a public key' err
PS verify-blob --signature ks.pem --certificate ks.pem "${BKID[@]}" art.txt >/dev/null 2>err
check "a certificate as --signature says so" grep -q 'this is a PEM certificate; --signature expects a base64 signature' err

echo "# 11. identity beyond the SAN"
V=(timeout 60 "$BIN" verify "${TR[@]}")
"${V[@]}" --buildkite-org acme-inc --buildkite-pipeline super-duper-app "$R/app@$D1" >/dev/null 2>err
check "--buildkite-org --buildkite-pipeline ($(tail -n 1 err))" test $? -eq 0
"${V[@]}" --buildkite-org acme-inc "$R/app@$D1" >/dev/null 2>err
check "--buildkite-org alone: any pipeline of the org" test $? -eq 0
"${V[@]}" --buildkite-org other-org "$R/app@$D1" >/dev/null 2>err
check "another org: exit 12" test $? -eq 12
"${V[@]}" --buildkite-org acme-inc --buildkite-pipeline other "$R/app@$D1" >/dev/null 2>err
check "another pipeline: exit 12" test $? -eq 12
"${V[@]}" --buildkite-pipeline super-duper-app "$R/app@$D1" >/dev/null 2>err
check "--buildkite-pipeline needs --buildkite-org" grep -q 'needs --buildkite-org' err
M=(--certificate-source-repository-digest 9f3182061f1e2cca4702c368cbc039b7dc9d4485 --certificate-build-trigger ui
	--certificate-runner-environment self-hosted
	--certificate-run-invocation-uri "$BK_SAN/builds/52#01943a38-f93e-4355-abe8-90a30369c270")
"${V[@]}" "${BKID[@]}" "${M[@]}" "$R/app@$D1" >/dev/null 2>err
check "commit, trigger, runner environment and run URI all match ($(tail -n 1 err))" test $? -eq 0
for pair in "--certificate-source-repository-digest|Source Repository Digest" "--certificate-build-trigger|Build Trigger" \
	"--certificate-runner-environment|Runner Environment" "--certificate-run-invocation-uri|Run Invocation URI"; do
	"${V[@]}" "${BKID[@]}" "${pair%%|*}" wrong "$R/app@$D1" >/dev/null 2>err
	check "${pair%%|*} wrong: 'expected ${pair#*|} not found in certificate'" grep -q "expected ${pair#*|} not found in certificate" err
done
"${V[@]}" "${BKID[@]}" --certificate-github-workflow-trigger push "$R/app@$D1" >/dev/null 2>err
check "a GitHub flag on a Buildkite certificate: cosign's message" grep -q 'expected GitHub Workflow Trigger not found in certificate' err
PS verify-blob --bundle ksb.json "${TR[@]}" --buildkite-org acme-inc --certificate-build-trigger ui art.txt >/dev/null 2>err
check "verify-blob takes the same flags" test $? -eq 0

echo "# 12. download signature / attestation"
PS download signature "$R/app@$D1" >dl.out 2>err
check "download signature: one line per signature ($(wc -l <dl.out))" test "$(wc -l <dl.out)" -eq "$(sigfor "$R" app "$D1" | jq '.layers | length')"
check "cosign's members, in order" test "$(head -n 1 dl.out | jq -c 'keys_unsorted')" = \
	'["Base64Signature","Payload","Cert","Chain","Bundle","RFC3161Timestamp"]'
check "Base64Signature is the layer's" test "$(head -n 1 dl.out | jq -r .Base64Signature)" = \
	"$(sigfor "$R" app "$D1" | jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]')"
check "Payload is the payload's base64" test "$(head -n 1 dl.out | jq -r .Payload | base64 -d |
	jq -r '.critical.image["docker-manifest-digest"]')" = "$D1"
D3=$(img app three)
PS download signature "$R/app@$D3" >/dev/null 2>err
check "no signatures: cosign's message, exit 1" test $? -eq 1 -a -n "$(grep 'no signatures associated' err)"
# An attestation layer as cosign attest writes it (a DSSE envelope under sha256-<hex>.att).
stmt=$(jq -cn --arg d "${D1#sha256:}" '{_type: "https://in-toto.io/Statement/v0.1",
	predicateType: "https://slsa.dev/provenance/v1", subject: [{name: "app", digest: {sha256: $d}}], predicate: {}}')
jq -cn --arg p "$(printf %s "$stmt" | base64 -w0)" \
	'{payloadType: "application/vnd.in-toto+json", payload: $p, signatures: [{keyid: "", sig: "MEUCIQ=="}]}' >env.json
echo '{}' >attcfg.json
push_blob "$BASE" app env.json && push_blob "$BASE" app attcfg.json
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json","size":%s,"digest":"%s","annotations":{"dev.cosignproject.cosign/signature":"","predicateType":"https://slsa.dev/provenance/v1"}}]}' \
	"$(size_of attcfg.json)" "$(digest_of attcfg.json)" "$(size_of env.json)" "$(digest_of env.json)" >att.json
put_manifest "$BASE" app "sha256-${D1#sha256:}.att" att.json application/vnd.oci.image.manifest.v1+json
PS download attestation "$R/app@$D1" >da.out 2>err
check "download attestation prints the envelope ($(tail -n 1 err))" test "$(jq -c . da.out)" = "$(jq -c . env.json)"
PS download attestation --predicate-type slsaprovenance1 "$R/app@$D1" >da.out 2>err
check "--predicate-type slsaprovenance1 keeps it" test "$(wc -l <da.out)" -eq 1
PS download attestation --predicate-type spdx "$R/app@$D1" >da.out 2>err
check "--predicate-type spdx: cosign's message" grep -q "no attestations with predicate type 'https://spdx.dev/Document' found" err
PS download attestation --platform linux/arm64/v8 "$R/multi@$DI" >da.out 2>err
check "--platform picks the child (no attestations there: nothing, exit 0)" test $? -eq 0 -a ! -s da.out

echo "# 13. verify IMAGE... with --max-workers"
IMGS=()
exp=()
for i in $(seq 1 20); do
	d=$(img many "m$i")
	IMGS+=("$R/many@$d")
	case $((i % 4)) in
	1 | 2) COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y "$R/many@$d" >/dev/null 2>&1; exp+=(ok) ;;
	3) exp+=(none) ;;
	0) COSIGN_PASSWORD=pw2 PS sign --key k2.key --tlog-upload=false -y "$R/many@$d" >/dev/null 2>&1; exp+=(wrong) ;;
	esac
done
# Two signatures on the first image: its array has two elements.
COSIGN_PASSWORD=pw1 PS sign --key k1.key --tlog-upload=false -y -a second=yes "${IMGS[0]}" >/dev/null 2>&1
PICOSIGN_DEBUG_CONNECTIONS=1 PS verify --max-workers 4 --key k1.pub --insecure-ignore-tlog "${IMGS[@]}" >many.out 2>many.err
rc=$?
check "20 images: the exit code of the first failing image (image 3, unsigned: 10)" test "$rc" -eq 10
okn=0 nonen=0 wrongn=0 good=1
for i in $(seq 0 19); do
	name=${IMGS[$i]}
	case ${exp[$i]} in
	ok) grep -q "^Verification for $name --" many.err && okn=$((okn + 1)) || good=0 ;;
	none) grep -q "^Error: $name: no signatures found" many.err && nonen=$((nonen + 1)) || good=0 ;;
	wrong) grep -q "^Error: $name: no matching signatures" many.err && wrongn=$((wrongn + 1)) || good=0 ;;
	esac
done
check "each image has its outcome: $okn verified, $nonen unsigned, $wrongn wrongly signed" test "$good" = 1 -a "$okn" = 10
check "stdout: one JSON array per verified image" test "$(grep -c '^\[' many.out)" -eq 10
check "one element per verified signature (the first image has two)" test "$(grep '^\[' many.out | head -n 1 | jq length)" -eq 2
check "the arrays come in argument order" test "$(grep '^\[' many.out | sed -n 2p | jq -r '.[0].critical.image["docker-manifest-digest"]')" = "${IMGS[1]#*@}"
conns=$(sed -n 's/^picosign: \([0-9]*\) connection(s) to registries$/\1/p' many.err)
echo "connections for 20 images with --max-workers 4: ${conns:-?}"
check "at most a handful of connections (${conns:-?}: one probe, one per worker)" test -n "$conns" -a "${conns:-99}" -le 6
PICOSIGN_DEBUG_CONNECTIONS=1 PS verify --max-workers 1 --key k1.pub --insecure-ignore-tlog "${IMGS[@]}" >one.out 2>one.err
check "--max-workers 1 gives the same output" cmp -s many.out one.out
check "--max-workers 1: one connection and the probe" test "$(sed -n 's/^picosign: \([0-9]*\) connection(s).*/\1/p' one.err)" -le 2
# cosign v3's form in the same run: bundles on referrers for two images, the third unsigned.
for i in 4 5; do
	COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=true --key k1.key --tlog-upload=false -y \
		"${IMGS[$i]}" >/dev/null 2>&1
done
PS verify --new-bundle-format=true --max-workers 4 --key k1.pub --insecure-ignore-tlog \
	"${IMGS[4]}" "${IMGS[5]}" "${IMGS[6]}" >v3.out 2>v3.err
rc=$?
check "v3 bundles: two verified, the unsigned one exit 10 ($rc)" test "$rc" -eq 10 -a \
	"$(grep -c '^Verification for' v3.err)" -eq 2 -a "$(grep -c '^\[' v3.out)" -eq 2

finish
