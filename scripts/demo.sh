#!/usr/bin/env bash
# make demo: picosign's main job, end to end on one machine, as a Buildkite pipeline would run
# it. Everything runs on loopback and is stopped at the end:
#   1. start a local OCI registry (Debian's docker-registry) and a local Sigstore (Fulcio, Rekor
#      v1 and v2, a timestamp authority and an OIDC issuer, tests/sigstore/server.mjs on
#      @sigstore/mock), which writes its signing config;
#   2. push a tiny image;
#   3. sign it keylessly with a Buildkite-shaped OIDC token in SIGSTORE_ID_TOKEN (issuer
#      https://agent.buildkite.com, the pipeline URL as identity), saving the certificate: the
#      cosign v3 default, a Sigstore bundle (in-toto statement, DSSE, RFC 3161 timestamp, Rekor
#      v2 entry) attached as an OCI 1.1 referrer, here under the fallback tag sha256-<hex>
#      since this registry has no referrers API;
#   4. show the certificate with `picosign cert`;
#   5. verify the image with the pipeline's identity and issuer;
#   6. sign it again in the legacy form (--new-bundle-format=false, the sha256-<hex>.sig tag,
#      Rekor v1), show both with `picosign tree`, and verify only the legacy one;
#   7. show cosign's errors: a wrong issuer (no matching signatures, exit 12) and an unsigned
#      image (no signatures found, exit 10);
#   8. stop everything it started.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/picosign}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
# Show a command as a user would type it (the token never appears: it is in the environment).
run() {
	printf '$ %s\n' "$(printf '%q ' "$@" | sed "s|$ROOT/||g; s|$T/||g")"
	"$@"
}

[ -x "$BIN" ] || die "no picosign binary at $BIN (run make first)"
for tool in docker-registry curl jq node timeout tar gzip sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (make deps installs it)"
done

T=$(mktemp -d)
pids=()
# shellcheck source=../tests/lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
# shellcheck source=../tests/sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
cleanup() {
	say "8. Stopping what the demo started"
	sigstore_stop
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	echo "stopped the registry and the local Sigstore; removing $T"
	rm -rf "$T"
}
trap cleanup EXIT
unset SIGSTORE_ROOT_FILE COSIGN_YES DOCKER_CONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
export HOME=$T/home
mkdir -p "$HOME"
sigstore_available || die "$SIGSTORE_SKIP_REASON"

say "1. Starting a local OCI registry and a local Sigstore (loopback only)"
start_registry registry || die "the registry did not start"
REG=127.0.0.1:$PORT
echo "registry:       http://$REG"
sigstore_start "$T/sigstore" || die "the local Sigstore did not start"
echo "Fulcio:         $FULCIO_URL"
echo "Rekor v1, v2:   $REKOR_URL, $REKOR2_URL"
echo "TSA:            $TSA_URL"
echo "trusted root:   $TRUSTED_ROOT (written by the local Sigstore)"
echo "signing config: $SIGNING_CONFIG (written by the local Sigstore;"
echo "                without --signing-config, picosign uses the public-good one it embeds)"

say "2. Pushing a tiny image"
make_image "$T/img" "hello from a Buildkite pipeline"
push_image "http://$REG" acme-inc/super-duper-app v1 "$T/img" || die "pushing the image failed"
DIGEST=$(digest_of "$T/img/manifest.json")
IMAGE=$REG/acme-inc/super-duper-app@$DIGEST
echo "pushed $REG/acme-inc/super-duper-app:v1 = $DIGEST"
make_image "$T/unsigned" "nobody signed this one"
push_image "http://$REG" acme-inc/unsigned v1 "$T/unsigned" || die "pushing the image failed"
UNSIGNED=$REG/acme-inc/unsigned@$(digest_of "$T/unsigned/manifest.json")

say "3. Signing it in the pipeline, keyless, with the job's OIDC token (cosign v3's form)"
SIGSTORE_ID_TOKEN=$(sigstore_mint_token '{}' preset=buildkite) || die "minting a token failed"
export SIGSTORE_ID_TOKEN
echo "SIGSTORE_ID_TOKEN holds a Buildkite-shaped OIDC token; its claims (never the token itself):"
printf '%s' "${SIGSTORE_ID_TOKEN}" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null |
	jq -c '{iss, sub, aud, organization_slug, pipeline_slug, build_number}' 2>/dev/null
cd "$T" || exit 1
run "$BIN" sign --yes --allow-http-registry --signing-config "$SIGNING_CONFIG" \
	--trusted-root "$TRUSTED_ROOT" --output-certificate fulcio.crt "$IMAGE" ||
	die "signing failed"
unset SIGSTORE_ID_TOKEN
echo "-- what the registry now holds: the fallback tag lists one referrer manifest"
TAG_URL=http://$REG/v2/acme-inc/super-duper-app/manifests/sha256-${DIGEST#sha256:}
echo "\$ curl -H 'Accept: application/vnd.oci.image.index.v1+json' $TAG_URL | jq ..."
curl -sf --max-time 10 -H 'Accept: application/vnd.oci.image.index.v1+json' "$TAG_URL" |
	jq -c '.manifests[] | {digest, artifactType,
		predicateType: .annotations["dev.sigstore.bundle.predicateType"]}' ||
	die "no fallback index at the tag sha256-<hex>"

say "4. The certificate Fulcio issued for the pipeline"
run "$BIN" cert fulcio.crt || die "picosign cert failed"

ID=https://buildkite.com/acme-inc/super-duper-app
ISS=https://agent.buildkite.com
say "5. Verifying the image: identity = the pipeline URL, issuer = Buildkite's agent"
run "$BIN" verify --allow-http-registry --trusted-root "$TRUSTED_ROOT" \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$IMAGE"
rc=$?
echo "(exit $rc)"
[ $rc -eq 0 ] || die "verification failed"

say "6. The legacy form (cosign before v3, and --new-bundle-format=false)"
SIGSTORE_ID_TOKEN=$(sigstore_mint_token '{}' preset=buildkite) || die "minting a token failed"
export SIGSTORE_ID_TOKEN
run "$BIN" sign --yes --allow-http-registry --new-bundle-format=false \
	--signing-config "$SIGNING_CONFIG_V1ONLY" --trusted-root "$TRUSTED_ROOT" "$IMAGE" ||
	die "legacy signing failed"
unset SIGSTORE_ID_TOKEN
echo "-- where each form lives:"
run "$BIN" tree --allow-http-registry "$IMAGE" || die "picosign tree failed"
echo "-- verify reads the bundles first; --new-bundle-format=false reads only the .sig tag:"
run "$BIN" verify --allow-http-registry --trusted-root "$TRUSTED_ROOT" --new-bundle-format=false \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$IMAGE" >/dev/null
rc=$?
echo "(exit $rc)"
[ $rc -eq 0 ] || die "legacy verification failed"

say "7. What cosign users see when it does not check out"
echo "-- a signature from another issuer (e.g. GitHub Actions) is not accepted:"
run "$BIN" verify --allow-http-registry --trusted-root "$TRUSTED_ROOT" \
	--certificate-identity "$ID" \
	--certificate-oidc-issuer https://token.actions.githubusercontent.com "$IMAGE"
rc=$?
echo "(exit $rc: no matching signatures)"
[ $rc -eq 12 ] || die "expected exit 12, got $rc"
echo "-- an image nobody signed:"
run "$BIN" verify --allow-http-registry --trusted-root "$TRUSTED_ROOT" \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$UNSIGNED"
rc=$?
echo "(exit $rc: no signatures found)"
[ $rc -eq 10 ] || die "expected exit 10, got $rc"

say "Demo complete: signed in the pipeline, verified anywhere, offline-checkable evidence."
