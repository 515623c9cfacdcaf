#!/usr/bin/env bash
# dist: releases that verify themselves, built reproducibly.
#   - Two clones of HEAD in two different directories, `make static static-verify` in both at
#     once: the binaries are byte-identical (no path, time or host name in them), and so are
#     the `make image-rootfs` tarballs.
#   - `make dist` in one of them, signing keylessly against the local Sigstore peer with a
#     Buildkite-shaped token (tests/sigstore/lib.sh): the static binary, the verify-only one,
#     BUILDINFO, SHA256SUMS and a bundle per file; `sha256sum -c` passes; every bundle
#     verifies with `picosign verify-blob` and with sigstore-js
#     (tests/sigstore/verify-bundle.mjs) for the release identity; a changed byte or another
#     identity is refused.
# Inputs: SG_BIN, SG_VECTORS. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in git musl-gcc sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
git rev-parse --verify -q HEAD >/dev/null 2>&1 || skip "not a git checkout (the test clones HEAD)"
# shellcheck source=tests/sigstore/lib.sh
source tests/sigstore/lib.sh
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT SOURCE_DATE_EPOCH EMBED_CA_BUNDLE \
	BUILDKITE_AGENT_ACCESS_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL MAKEFLAGS MFLAGS MAKELEVEL
export SG_VECTORS=${SG_VECTORS:-$(cd "$ROOT/.." && pwd)/shared/vectors}
export EMBED_NO_DOWNLOAD=1

T=$(mktemp -d)
cleanup() {
	sigstore_stop
	rm -rf "$T"
}
trap cleanup EXIT

# ---- two builds of one commit in two directories ----
if ! { git clone -q --no-hardlinks "$ROOT" "$T/one" && git clone -q --no-hardlinks "$ROOT" "$T/other/two"; }; then
	bad "git clone of HEAD"
	finish
	exit 1
fi
start=$(date +%s)
(cd "$T/one" && make --no-print-directory static static-verify image-rootfs >build.log 2>&1) &
p1=$!
(cd "$T/other/two" && make --no-print-directory static static-verify image-rootfs >build.log 2>&1) &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
echo "# two static builds in parallel: $(($(date +%s) - start)) s"
if [ "$r1" = 0 ] && [ "$r2" = 0 ]; then
	ok "make static in two clones"
else
	bad "make static in the clones: $(tail -n 3 "$T/one/build.log" "$T/other/two/build.log")"
	finish
	exit 1
fi
check "the two static binaries are byte-identical" cmp "$T/one/picosign-static" "$T/other/two/picosign-static"
check "the two verify-only static binaries are byte-identical" \
	cmp "$T/one/picosign-verify-static" "$T/other/two/picosign-verify-static"
check "the two image-rootfs tarballs are byte-identical" \
	cmp "$T/one/build/static/image-rootfs.tar" "$T/other/two/build/static/image-rootfs.tar"
check "no build path in the binary" bash -c "! grep -qaF '$T' '$T/one/picosign-static'"

# The size without the CA roots, built alongside what follows. Issue #13 asked for 500 KB (and
# 600 KB with the roots); the drop-in features of issue #12 took the full static binary past
# it, so this guards 550 KiB; the verify-only build keeps to the budget (static.sh, image.sh;
# docs/decisions.md, "Static size").
(cd "$T/one" && make --no-print-directory STATIC_DIR=build/static-noca EMBED_CA_BUNDLE= \
	build/static-noca/picosign >noca.log 2>&1) &
noca_pid=$!
check_noca() {
	wait "$noca_pid"
	local rc=$? size
	size=$(stat -c %s "$T/one/build/static-noca/picosign" 2>/dev/null || echo 0)
	echo "# static binary without CA roots: $size bytes; with: $(stat -c %s "$T/one/picosign-static") bytes"
	check "the static binary without CA roots stays within 550 KiB ($size bytes)" \
		test "$rc" -eq 0 -a "$size" -gt 0 -a "$size" -le 563200
	check "... and names no embedded CA bundle" bash -c "! grep -qa 'anchors, sha256:' '$T/one/build/static-noca/picosign'"
}

# ---- make dist, signed against the local Sigstore ----
if ! sigstore_available; then
	echo "skipped: signed dist ($SIGSTORE_SKIP_REASON)"
	check_noca
	finish
	exit
fi
sigstore_start "$T/peer" || { bad "the Sigstore peer starts"; finish; exit 1; }
SAN=https://buildkite.com/acme-inc/super-duper-app
ISS=https://agent.buildkite.com
D=$T/dist
SIGSTORE_ID_TOKEN=$(sigstore_mint_token '{}' preset=buildkite) make --no-print-directory -C "$T/one" dist \
	DIST_DIR="$D" DIST_SIGN_FLAGS="--fulcio-url $FULCIO_URL --rekor-url $REKOR_URL --trusted-root $TRUSTED_ROOT" \
	>"$T/dist.log" 2>&1
check "make dist signs keylessly ($(tail -n 1 "$T/dist.log"))" test $? -eq 0
name=$(basename "$(find "$D" -maxdepth 1 -name 'picosign-[0-9]*-linux-*' ! -name '*.sigstore.json' | head -n 1)")
verify_name=${name/picosign-/picosign-verify-}
files="$name $verify_name BUILDINFO SHA256SUMS"
want=$(for f in $files; do echo "$f"; echo "$f.sigstore.json"; done | LC_ALL=C sort)
check "dist holds the two binaries, BUILDINFO, SHA256SUMS and a bundle for each" \
	test "$(find "$D" -mindepth 1 -printf '%f\n' | LC_ALL=C sort)" = "$want"
check "the binary is the static build" cmp "$D/$name" "$T/one/picosign-static"
check "the verify-only binary is make static-verify's" cmp "$D/$verify_name" "$T/one/picosign-verify-static"
check "BUILDINFO names the verify-only binary and its SHA-256" bash -c \
	"grep -qx 'verify-only: $verify_name' '$D/BUILDINFO' &&
	grep -qx 'verify-only sha256: $(sha256sum "$D/$verify_name" | cut -d' ' -f1)' '$D/BUILDINFO'"
check "sha256sum -c SHA256SUMS" bash -c "cd '$D' && sha256sum --quiet -c SHA256SUMS"
check "BUILDINFO names the commit and the CA bundle" bash -c \
	"grep -q '^commit: $(git rev-parse HEAD)$' '$D/BUILDINFO' && grep -q '^CA roots: ca-certificates .* bundle sha256 [0-9a-f]\{64\}$' '$D/BUILDINFO'"
for f in $files; do
	timeout 60 "$BIN" verify-blob --bundle "$D/$f.sigstore.json" --certificate-identity "$SAN" \
		--certificate-oidc-issuer "$ISS" --trusted-root "$TRUSTED_ROOT" "$D/$f" >"$T/vb.out" 2>&1
	check "picosign verify-blob: $f ($(tail -n 1 "$T/vb.out"))" test $? -eq 0
	timeout 60 node tests/sigstore/verify-bundle.mjs --bundle "$D/$f.sigstore.json" --artifact "$D/$f" \
		--identity "$SAN" --issuer "$ISS" --trusted-root "$TRUSTED_ROOT" >"$T/js.out" 2>&1
	check "sigstore-js: $f ($(tail -n 1 "$T/js.out"))" test $? -eq 0
done
cp "$D/$name" "$T/changed"
printf '\1' | dd of="$T/changed" bs=1 seek=1000 conv=notrunc 2>/dev/null
timeout 60 "$BIN" verify-blob --bundle "$D/$name.sigstore.json" --certificate-identity "$SAN" \
	--certificate-oidc-issuer "$ISS" --trusted-root "$TRUSTED_ROOT" "$T/changed" >/dev/null 2>&1
check "a changed byte is refused" test $? -eq 1
timeout 60 "$BIN" verify-blob --bundle "$D/$name.sigstore.json" --certificate-identity \
	https://buildkite.com/acme-inc/other --certificate-oidc-issuer "$ISS" --trusted-root "$TRUSTED_ROOT" \
	"$D/$name" >/dev/null 2>&1
check "another identity is refused" test $? -eq 1
check_noca
finish
