#!/usr/bin/env bash
# dist.sh BIN [SIGN-BLOB FLAGS...] — assemble a release in $DIST_DIR (make dist):
#   picosign-<version>-linux-<arch>   the static binary BIN
#   picosign-verify-<version>-linux-<arch>
#                                     the verify-only static binary $VERIFY_BIN (make
#                                     static-verify), when given
#   BUILDINFO                         what a rebuild must match to give the same bytes
#   SHA256SUMS                        sha256sum of the files above
#   <each of those>.sigstore.json     a Sigstore bundle from `BIN sign-blob` (unless DIST_SIGN=0)
# Signing is keyless: the OIDC token comes from the environment as in any CI job
# (SIGSTORE_ID_TOKEN, the Buildkite agent, GitHub Actions); the flags given go to sign-blob
# (e.g. --fulcio-url, --rekor-url, --trusted-root for a private Sigstore).
# Environment from the Makefile: DIST_DIR, DIST_SIGN, VERIFY_BIN, STATIC_CA_BUNDLE, MUSLCC,
# BEARSSL_A, SOURCE_DATE_EPOCH.
set -euo pipefail
bin=${1:?usage: dist.sh BIN [sign-blob flags...]}
shift
case $bin in */*) run=$bin ;; *) run=./$bin ;; esac
dir=${DIST_DIR:?}
version=$("$run" version | sed -n 's/^picosign //p')
name=picosign-$version-linux-$(uname -m)
mkdir -p "$dir"
install -m 0755 "$bin" "$dir/$name"
bins=("$name")
if [ -n "${VERIFY_BIN:-}" ]; then
	verify_name=picosign-verify-$version-linux-$(uname -m)
	install -m 0755 "$VERIFY_BIN" "$dir/$verify_name"
	bins+=("$verify_name")
fi

pkg() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
{
	echo "picosign $version, $name"
	echo "sha256: $(sha "$dir/$name")"
	if [ -n "${verify_name:-}" ]; then
		echo "verify-only: $verify_name"
		echo "verify-only sha256: $(sha "$dir/$verify_name")"
	fi
	echo "commit: $commit"
	echo "SOURCE_DATE_EPOCH: ${SOURCE_DATE_EPOCH:-unset}"
	echo "build: make static${verify_name:+, make static-verify} (musl, -static; see the Makefile)"
	echo "compiler: $(${MUSLCC:-musl-gcc} --version 2>/dev/null | head -n 1) (musl $(pkg musl-dev))"
	echo "BearSSL: libbearssl-dev $(pkg libbearssl-dev), ${BEARSSL_A:-libbearssl.a} sha256 $(sha "${BEARSSL_A:-/dev/null}")"
	# The public-good trusted root is the first embedded (the static build leaves staging out).
	echo "Sigstore trusted root: $(sed -n '/^\/\* .*sha256 /{s|^/\* \(.*\) \*/$|\1|p;q;}' build/gen/embedded_root.c 2>/dev/null)"
	if [ -n "${STATIC_CA_BUNDLE:-}" ]; then
		echo "CA roots: ca-certificates $(pkg ca-certificates), bundle sha256 $(sha "$STATIC_CA_BUNDLE")"
	else
		echo "CA roots: none embedded"
	fi
} >"$dir/BUILDINFO"
(cd "$dir" && sha256sum "${bins[@]}" BUILDINFO >SHA256SUMS)

if [ "${DIST_SIGN:-1}" != 0 ]; then
	for f in "${bins[@]}" BUILDINFO SHA256SUMS; do
		"$run" sign-blob -y --bundle "$dir/$f.sigstore.json" "$@" "$dir/$f" >/dev/null
	done
fi
echo "dist: $dir"
(cd "$dir" && ls -1)
