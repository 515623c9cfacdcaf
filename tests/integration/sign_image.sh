#!/usr/bin/env bash
# sign_image: keyless `picosign sign IMAGE@DIGEST` against the local Sigstore peer and Debian's
# docker-registry on loopback: a Buildkite-shaped token, the .sig layer pushed with signature,
# certificate, chain and bundle annotations (protocol.md §2.3), then `picosign verify` and
# sigstore-js (tests/sigstore/verify-cosign-sig.mjs) both accept it; a second signature is
# appended, not replacing the first; a Rekor fault pushes nothing. Inputs: SG_BIN.
# Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {
	local what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
skip() {
	echo "skipped: $1"
	echo "0 passed, 0 failed"
	exit 0
}
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
REG_PID=
cleanup() {
	sigstore_stop
	if [ -n "$REG_PID" ]; then kill -TERM "$REG_PID" 2>/dev/null; wait "$REG_PID" 2>/dev/null; fi
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
export HOME=$T/home
mkdir -p "$HOME"

# ---- the registry (testing.md §3.1) ----
cat >"$T/reg.yml" <<EOF
version: 0.1
log: {level: info, formatter: text}
storage:
  filesystem: {rootdirectory: $T/regdata}
http:
  addr: "127.0.0.1:0"
  secret: test-secret
EOF
timeout -k 5 300 docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
REG_PID=$!
PORT=
for _ in $(seq 200); do
	PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$T/reg.log" | head -n 1 | sed 's/.*://')
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || { cat "$T/reg.log"; bad "registry starts"; echo "$pass passed, $fail failed"; exit 1; }
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	echo "$pass passed, $fail failed"
	exit 1
fi
R=127.0.0.1:$PORT
BASE=http://$R

digest_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
size_of() { wc -c <"$1" | tr -d ' '; }
push_blob() { # REPO FILE
	local d loc
	d=$(digest_of "$2")
	loc=$(curl -s --max-time 10 -o /dev/null -D - -X POST "$BASE/v2/$1/blobs/uploads/" |
		tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	[ -n "$loc" ] || return 1
	curl -s -f --max-time 10 -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
		--data-binary @"$2" "$loc&digest=$d"
}
I=$T/img
mkdir -p "$I/root"
echo "keyless image" >"$I/root/hello.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$I/root" -cf "$I/layer.tar" . 2>/dev/null
gzip -n -c "$I/layer.tar" >"$I/layer.tar.gz"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' \
	"$(digest_of "$I/layer.tar")" >"$I/config.json"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":%s,"digest":"%s"}]}' \
	"$(size_of "$I/config.json")" "$(digest_of "$I/config.json")" \
	"$(size_of "$I/layer.tar.gz")" "$(digest_of "$I/layer.tar.gz")" >"$I/manifest.json"
push_blob app "$I/layer.tar.gz" && push_blob app "$I/config.json" &&
	curl -s -f --max-time 10 -o /dev/null -X PUT \
		-H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
		--data-binary @"$I/manifest.json" "$BASE/v2/app/manifests/v1"
check "image pushed" test $? -eq 0
D=$(digest_of "$I/manifest.json")
HEX=${D#sha256:}
IMG=$R/app@$D

BK_SAN=https://buildkite.com/acme-inc/super-duper-app
BK_ISS=https://agent.buildkite.com
TOKEN=$(sigstore_mint_token '{}' preset=buildkite)
cd "$T" || exit 1
SIGN=(timeout 60 "$BIN" sign --allow-http-registry --fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL"
	--trusted-root "$TRUSTED_ROOT" --identity-token "$TOKEN" -y)
VERIFY=(timeout 60 "$BIN" verify --allow-http-registry --certificate-identity "$BK_SAN"
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT")

"${SIGN[@]}" --output-certificate cert.pem "$IMG" >out.txt 2>err.txt
check "keyless sign exits 0 ($(tail -n 1 err.txt))" test $? -eq 0
check "tlog index printed" grep -qE "^tlog entry created with index: [0-9]+$" err.txt
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
check "picosign verify accepts it ($(tail -n 1 v.err))" test $? -eq 0
jq '.layers[0].annotations' sig.json >annots.json
timeout 60 node "$ROOT/tests/sigstore/verify-cosign-sig.mjs" --payload payload.json \
	--annotations annots.json --manifest-digest "$D" --layer-digest "$LD" \
	--identity "$BK_SAN" --issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" >js.out 2>&1
check "sigstore-js accepts the layer ($(tail -n 1 js.out))" test $? -eq 0
timeout 60 "$BIN" verify --allow-http-registry --certificate-identity https://buildkite.com/x/y \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" "$IMG" >/dev/null 2>&1
check "another identity is refused" test $? -ne 0

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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
