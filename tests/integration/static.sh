#!/usr/bin/env bash
# The static musl build: `make static` gives a statically linked binary that runs in an empty
# root (as in a scratch image) and verifies a bundle there with no network (a fresh network
# namespace) and no writable disk (the root is mounted read-only).
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
if ! command -v musl-gcc >/dev/null; then
	echo "skipped: musl-gcc not installed"; echo "0 passed, 0 failed"; exit 0
fi
T=$(mktemp -d)
trap 'umount "$T/root" 2>/dev/null; rm -rf "$T"' EXIT
if make --no-print-directory static >"$T/build.log" 2>&1; then ok "make static"; else
	bad "make static"; tail -n 20 "$T/build.log"; echo "$pass passed, $fail failed"; exit 1; fi
if file picosign-static | grep -q 'statically linked'; then ok "file says statically linked"
else bad "file: $(file picosign-static)"; fi
if readelf -d picosign-static 2>/dev/null | grep -Eq 'NEEDED|INTERP'; then
	bad "no NEEDED/INTERP entries"; else ok "no NEEDED/INTERP entries"; fi
size=$(stat -c %s picosign-static)
echo "# static binary: $size bytes"

vec=${SG_VECTORS:-../shared/vectors}
case_dir=$vec/conformance/bundle-verify/happy-path-v0.3
if ! command -v unshare >/dev/null || [ "$(id -u)" != 0 ]; then
	echo "skipped: empty-root run needs root and unshare"
elif [ ! -f "$case_dir/bundle.sigstore.json" ]; then
	echo "skipped: conformance vectors not found at $vec"
else
	mkdir -p "$T/root"
	cp picosign-static "$T/root/picosign"
	cp "$case_dir/bundle.sigstore.json" "$T/root/bundle.json"
	cp "$vec/conformance/bundle-verify/a.txt" "$T/root/a.txt"
	cp "$vec/trust/production-trusted_root.sigstore-python.json" "$T/root/root.json"
	id='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
	# A read-only bind of the root, a new network namespace (loopback down), no /dev, no /proc.
	mount --bind "$T/root" "$T/root" && mount -o remount,bind,ro "$T/root"
	out=$(timeout 20 unshare --net --mount --pid --fork --root="$T/root" /picosign verify-blob \
		--bundle /bundle.json --certificate-identity "$id" \
		--certificate-oidc-issuer https://token.actions.githubusercontent.com \
		--trusted-root /root.json /a.txt 2>&1); rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'Verified OK'; then
		ok "verify-blob in an empty, read-only root with no network"
	else bad "verify-blob in an empty root: exit $rc: $out"; fi
	out=$(timeout 20 unshare --net --mount --pid --fork --root="$T/root" /picosign verify-blob \
		--bundle /bundle.json --certificate-identity https://example.com/other \
		--certificate-oidc-issuer https://token.actions.githubusercontent.com \
		--trusted-root /root.json /a.txt 2>&1); rc=$?
	if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'none of the expected identities matched'; then
		ok "wrong identity fails there too"
	else bad "wrong identity in an empty root: exit $rc: $out"; fi
	# The embedded public-good root (when the build had one) needs no file at all.
	if strings picosign-static | grep -q 'sigstore.dev'; then
		out=$(timeout 20 unshare --net --mount --pid --fork --root="$T/root" /picosign \
			verify-blob --bundle /bundle.json --certificate-identity "$id" \
			--certificate-oidc-issuer https://token.actions.githubusercontent.com /a.txt 2>&1)
		rc=$?
		if [ $rc -eq 0 ]; then ok "embedded public-good root verifies"
		else bad "embedded root: exit $rc: $out"; fi
	fi
	umount "$T/root"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
