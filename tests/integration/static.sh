#!/usr/bin/env bash
# The static musl builds: `make static` gives a statically linked binary that runs in an empty
# root (as in a scratch image) and verifies a bundle there with no network (a fresh network
# namespace) and no writable disk (the root is mounted read-only). `make static-verify` gives
# the same without the signing commands, within issue #13's size budget (500 KB without CA
# roots, 600 KB with them); it runs the same checks in the empty root.
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
if ! command -v musl-gcc >/dev/null; then
	echo "skipped: musl-gcc not installed"; echo "0 passed, 0 failed"; exit 0
fi
T=$(mktemp -d)
trap 'umount "$T/root" 2>/dev/null; rm -rf "$T"' EXIT
# make static first: it writes what the others share (the embedded trust source, the anchor
# tool). Then the verify-only build with CA roots and, beside it, the one without them (the
# 500 KB budget), which is built in $T so that no earlier run's binary can stand in for it.
NOCA=$T/static-verify-noca
noca_pid=
build() { # LABEL MAKE-ARGS...: stops the script when the build fails
	local label=$1
	shift
	if make --no-print-directory "$@" >"$T/$label.log" 2>&1; then ok "make $label"; else
		bad "make $label"; tail -n 20 "$T/$label.log"
		[ -z "$noca_pid" ] || { kill "$noca_pid" 2>/dev/null; wait "$noca_pid"; }
		echo "$pass passed, $fail failed"; exit 1
	fi
}
build static static
make --no-print-directory STATIC_DIR="$NOCA" STATIC_VERIFY_ONLY=1 EMBED_CA_BUNDLE= \
	"$NOCA/picosign" >"$T/noca.log" 2>&1 &
noca_pid=$!
build static-verify static-verify
wait "$noca_pid"
noca_rc=$?
if [ "$noca_rc" -eq 0 ] && [ -s "$NOCA/picosign" ]; then ok "make static-verify without CA roots"
else bad "make static-verify without CA roots (exit $noca_rc)"; tail -n 20 "$T/noca.log"; fi
noca_size=$(stat -c %s "$NOCA/picosign" 2>/dev/null || echo 0)
for bin in picosign-static picosign-verify-static; do
	if file "$bin" | grep -q 'statically linked'; then ok "file says $bin is statically linked"
	else bad "file: $(file "$bin")"; fi
	if readelf -d "$bin" 2>/dev/null | grep -Eq 'NEEDED|INTERP'; then
		bad "$bin: no NEEDED/INTERP entries"; else ok "$bin: no NEEDED/INTERP entries"; fi
	echo "# $bin: $(stat -c %s "$bin") bytes"
done

# The verify-only build: the budget, no signing command, and a refusal that says where it is.
size=$(stat -c %s picosign-verify-static)
check "the verify-only static binary with CA roots stays within 600 KB ($size bytes)" \
	test "$size" -le 614400
check "... and without them within 500 KB ($noca_size bytes)" \
	test "$noca_size" -gt 0 -a "$noca_size" -le 512000
check "... which names no embedded CA bundle" \
	bash -c "test -s '$NOCA/picosign' && ! grep -qa 'anchors, sha256:' '$NOCA/picosign'"
./picosign-verify-static --help >"$T/help"
check "its usage lists verify and verify-blob, and no signing command" bash -c \
	"grep -q '^  verify-blob ' '$T/help' && grep -q '^  verify ' '$T/help' &&
	! grep -Eq '^  (sign|attest|sign-blob|sign-bundle|generate-key-pair) ' '$T/help'"
# refused BIN CMD WHERE: `BIN CMD --help` exits 1 with one line saying which builds have CMD.
refused() {
	"./$1" "$2" --help >"$T/out" 2>&1
	local rc=$?
	[ "$rc" -eq 1 ] && [ "$(cat "$T/out")" = \
		"Error: command \"$2\" is not in this build of picosign (its size budget): $3" ]
}
for cmd in sign attest sign-blob sign-bundle generate-key-pair; do
	check "verify-only: $cmd is refused with exit 1, naming the builds that have it" \
		refused picosign-verify-static "$cmd" "the full static build and the dynamic build have it"
done
check "the static build refuses tree, naming the dynamic build" \
	refused picosign-static tree "the dynamic build has it"
want='verify-only build: no generate-key-pair sign attest sign-blob sign-bundle'
check "the verify-only build says so in its version, the full one does not" bash -c \
	"./picosign-verify-static version | grep -qx '$want' &&
	! ./picosign-static version | grep -q 'verify-only'"

vec=${SG_VECTORS:-../shared/vectors}
case_dir=$vec/conformance/bundle-verify/happy-path-v0.3
if ! command -v unshare >/dev/null || [ "$(id -u)" != 0 ]; then
	echo "skipped: empty-root run needs root and unshare"
elif [ ! -f "$case_dir/bundle.sigstore.json" ]; then
	echo "skipped: conformance vectors not found at $vec"
else
	for bin in picosign-static picosign-verify-static; do
		rm -rf "$T/root"
		mkdir -p "$T/root"
		cp "$bin" "$T/root/picosign"
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
			ok "$bin: verify-blob in an empty, read-only root with no network"
		else bad "$bin: verify-blob in an empty root: exit $rc: $out"; fi
		out=$(timeout 20 unshare --net --mount --pid --fork --root="$T/root" /picosign verify-blob \
			--bundle /bundle.json --certificate-identity https://example.com/other \
			--certificate-oidc-issuer https://token.actions.githubusercontent.com \
			--trusted-root /root.json /a.txt 2>&1); rc=$?
		if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'none of the expected identities matched'; then
			ok "$bin: wrong identity fails there too"
		else bad "$bin: wrong identity in an empty root: exit $rc: $out"; fi
		# The embedded public-good root (when the build had one) needs no file at all.
		if strings "$bin" | grep -q 'sigstore.dev'; then
			out=$(timeout 20 unshare --net --mount --pid --fork --root="$T/root" /picosign \
				verify-blob --bundle /bundle.json --certificate-identity "$id" \
				--certificate-oidc-issuer https://token.actions.githubusercontent.com /a.txt 2>&1)
			rc=$?
			if [ $rc -eq 0 ]; then ok "$bin: embedded public-good root verifies"
			else bad "$bin: embedded root: exit $rc: $out"; fi
		fi
		umount "$T/root"
	done
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
