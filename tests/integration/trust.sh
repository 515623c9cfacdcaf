#!/usr/bin/env bash
# trust: where verification's trust comes from, without the TUF mirror (docs/trustroot.md):
#   1. a fresh copy of the tree built with no ../shared and no network (SHARED=/nonexistent,
#      a new network namespace when unshare works) embeds the pinned trust/ material, and its
#      verify-blob verifies a public-good bundle with no --trusted-root; a trust/ file that
#      differs from its pin fails the build;
#   2. --offline: under `strace -f -e trace=socket,connect` a verify-blob run makes no socket
#      call at all (and `initialize`, the control, does); --offline with a refresh is refused;
#   3. cosign's environment: a bundle signed against the local Sigstore peer
#      (tests/sigstore/server.mjs, with its TSA) verifies with only SIGSTORE_ROOT_FILE,
#      SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and
#      SIGSTORE_TSA_CERTIFICATE_FILE set (the PEM files the peer writes), fails when a part is
#      wrong, and every error names the variable and the file; a trusted_root.json in
#      SIGSTORE_ROOT_FILE is still recognised by its content.
# Inputs: SG_BIN. Each part skips on its own when its tool or peer is missing. Last line
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy PICOSIGN_TIMEOUT
unset SIGSTORE_ROOT_FILE SIGSTORE_REKOR_PUBLIC_KEY SIGSTORE_CT_LOG_PUBLIC_KEY_FILE
unset SIGSTORE_TSA_CERTIFICATE_FILE TUF_MIRROR TUF_ROOT_JSON PICOSIGN_REFRESH_TRUST SIGSTORE_ID_TOKEN
T=$(mktemp -d)
export TUF_ROOT=$T/no-cache # nothing cached: the embedded material unless a test says otherwise
cleanup() {
	[ -n "${SIGSTORE_PID:-}" ] && sigstore_stop
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE
VEC=${SG_VECTORS:-$ROOT/../shared/vectors}
B=$VEC/conformance/bundle-verify/happy-path-v0.3
ID='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
ISS=https://token.actions.githubusercontent.com
HAVE_BUNDLE=0
[ -f "$B/bundle.sigstore.json" ] && HAVE_BUNDLE=1
pg_verify() { # pg_verify BIN [args]: the public-good conformance bundle
	local bin=$1
	shift
	timeout 30 "$bin" verify-blob --bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$@" "$B/../a.txt"
}

# ---- 1. a fresh tree, no ../shared, no network ----
if [ "$HAVE_BUNDLE" = 0 ]; then
	echo "skipped: no conformance bundle under $VEC (part 1)"
elif ! command -v git >/dev/null 2>&1 || ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "skipped: not a git checkout (part 1)"
else
	F=$T/fresh
	mkdir -p "$F"
	# the files a clone has: tracked ones, plus new ones not ignored (the tree under test);
	# one tar reads the whole list (xargs would split it into archives the reader stops after)
	git ls-files -co --exclude-standard -z | grep -zv '^tests/npm/node_modules/' |
		tar -cf - --null --no-recursion -T - 2>/dev/null | tar -xf - -C "$F"
	NET=()
	if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then NET=(unshare --net); fi
	t0=$(date +%s)
	"${NET[@]}" make -C "$F" -j2 --no-print-directory SHARED=/nonexistent picosign \
		>"$T/fresh.log" 2>&1
	rc=$?
	check "a fresh tree builds with SHARED=/nonexistent${NET:+ and no network} ($(($(date +%s) - t0)) s)" \
		test $rc -eq 0
	check "the build read no ../shared and downloaded nothing" bash -c \
		'! grep -qiE "shared/vectors|curl |wget |downloading" "$1"' _ "$T/fresh.log"
	"${NET[@]}" env -u HOME TUF_ROOT="$T/none" timeout 30 "$F/picosign" verify-blob \
		--bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/fresh.out" 2>&1
	rc=$?
	check "its verify-blob verifies a public-good bundle with no --trusted-root ($(tail -n 1 "$T/fresh.out"))" \
		test $rc -eq 0
	"$F/picosign" version >"$T/fresh.version" 2>&1
	check "its version names the embedded material" grep -q \
		'^trust: embedded public-good trust material, trusted_root.json sha256 6494e21e' \
		"$T/fresh.version"
	# a trust/ file that differs from its pin fails the build
	printf ' ' >>"$F/trust/public-good/trusted_root.json"
	make -C "$F" --no-print-directory SHARED=/nonexistent picosign >"$T/fresh2.log" 2>&1
	rc=$?
	check "a trust/ file off its pin fails the build" bash -c \
		'[ $1 -ne 0 ] && grep -q "embed-trust: trust/public-good/trusted_root.json has SHA-256 .*, the Makefile pins 6494e21e" "$2"' \
		_ $rc "$T/fresh2.log"
fi

# ---- 2. --offline opens no socket ----
# (LeakSanitizer cannot run under ptrace: the sanitize build's leak check is off under strace)
NOLEAK=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
if [ "$HAVE_BUNDLE" = 0 ]; then
	echo "skipped: no conformance bundle (part 2)"
elif ! command -v strace >/dev/null 2>&1; then
	echo "skipped: strace is not installed (part 2)"
else
	"${NOLEAK[@]}" strace -f -qq -e trace=socket,connect -o "$T/strace.out" "$BIN" verify-blob --offline \
		--bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/off.out" 2>&1
	rc=$?
	check "verify-blob --offline verifies under strace" test $rc -eq 0
	check "... and makes no socket or connect call" bash -c \
		'! grep -qE "(socket|connect)\(" "$1"' _ "$T/strace.out"
	# the control: strace does see the sockets of a command that connects
	"${NOLEAK[@]}" strace -f -qq -e trace=socket,connect -o "$T/strace2.out" timeout 20 "$BIN" initialize \
		--mirror http://127.0.0.1:9 >/dev/null 2>&1
	check "control: strace sees initialize's socket calls" grep -qE 'socket\(' "$T/strace2.out"
	pg_verify "$BIN" --offline --refresh-trust >"$T/off2.out" 2>&1
	rc=$?
	check "--offline with --refresh-trust is a usage error" bash -c \
		'[ $1 -eq 1 ] && grep -q "exclude each other" "$2"' _ $rc "$T/off2.out"
	PICOSIGN_REFRESH_TRUST=1 pg_verify "$BIN" --offline >"$T/off3.out" 2>&1
	rc=$?
	check "--offline with PICOSIGN_REFRESH_TRUST=1 is refused, not silently offline" bash -c \
		'[ $1 -eq 1 ] && grep -q "exclude each other" "$2"' _ $rc "$T/off3.out"
	# below the transport: even a refresh that slipped through could not connect
	"${NOLEAK[@]}" strace -f -qq -e trace=socket,connect -o "$T/strace3.out" "$BIN" verify-bundle --offline \
		--bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$B/../a.txt" >/dev/null 2>&1
	check "verify-bundle --offline: no socket call either" bash -c \
		'! grep -qE "(socket|connect)\(" "$1"' _ "$T/strace3.out"
fi

# ---- 3. cosign's environment ----
# shellcheck source=../sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
if ! sigstore_available; then
	echo "skipped: $SIGSTORE_SKIP_REASON (part 3)"
	finish
	exit $?
fi
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	finish
	exit 1
fi
S=$ROOT/tests/sigstore
cd "$T" || exit 1
printf 'picosign: trust from the environment\n' >artifact.txt
TOKEN=$(sigstore_mint_token '{}' preset=buildkite) || TOKEN=
check "mint a token" test -n "$TOKEN"
SAN=https://buildkite.com/acme-inc/super-duper-app
ISSUER=https://agent.buildkite.com
timeout 60 node "$S/sign-blob.mjs" --artifact artifact.txt --out js1.json --token "$TOKEN" \
	--url "$SIGSTORE_URL" --tsa "$TSA_URL" >js.out 2>&1
rc=$?
# The peer's Rekor proves each entry in a tree of one, so inclusionProof.logIndex is 0, which
# proto3 JSON leaves out and picosign's bundle parser does not default yet: write it out.
jq '.verificationMaterial.tlogEntries[0].inclusionProof.logIndex //= "0"' js1.json >js.json
check "sigstore-js signs with a Rekor entry and a TSA timestamp ($(tail -n 1 js.out))" test $rc -eq 0
check "the bundle carries an RFC 3161 timestamp" grep -q '"rfc3161Timestamps"' js.json
E=(SIGSTORE_ROOT_FILE="$SIGSTORE_STATE/fulcio_root.pem"
	SIGSTORE_REKOR_PUBLIC_KEY="$SIGSTORE_STATE/rekor.pub"
	SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$SIGSTORE_STATE/ctfe.pub"
	SIGSTORE_TSA_CERTIFICATE_FILE="$SIGSTORE_STATE/tsa_chain.pem")
everify() { # everify [VAR=VALUE...] -- [picosign args]: verify js.json with the environment
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env "${vars[@]}" timeout 30 "$BIN" verify-blob --bundle js.json \
		--certificate-identity "$SAN" --certificate-oidc-issuer "$ISSUER" "$@" artifact.txt \
		>e.out 2>&1
}
everify "${E[@]}" --
rc=$?
check "only the four SIGSTORE_* variables: the bundle verifies ($(tail -n 1 e.out))" test $rc -eq 0
env "${E[@]}" timeout 30 "$BIN" trust >t.out 2>&1
check "trust names the four variables as the source" grep -q \
	"^  source:    SIGSTORE_ROOT_FILE=$SIGSTORE_STATE/fulcio_root.pem, SIGSTORE_REKOR_PUBLIC_KEY=.*SIGSTORE_TSA_CERTIFICATE_FILE=.* (SIGSTORE_\* variables)" t.out
check "... with one CA, one log, one CT log and one TSA" bash -c 'grep -q "^Certificate authorities (Fulcio): 1" "$1" &&
	grep -q "^Transparency logs (Rekor): 1" "$1" && grep -q "^Certificate transparency logs: 1" "$1" &&
	grep -q "^Timestamp authorities: 1" "$1"' _ t.out
everify "${E[@]}" -- --max-trust-root-age 720h
rc=$?
check "--max-trust-root-age refuses material of unknown age" bash -c \
	'[ $1 -eq 1 ] && grep -q "is unknown" "$2"' _ $rc e.out
# a wrong part fails verification: another Rekor key, another Fulcio root
openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null
openssl ec -in other.key -pubout -out other.pub 2>/dev/null
everify "${E[@]}" SIGSTORE_REKOR_PUBLIC_KEY=other.pub --
rc=$?
check "another Rekor key: refused ($(tail -n 1 e.out))" test $rc -eq 1
openssl req -x509 -new -key other.key -subj /CN=other -days 2 -out other.pem 2>/dev/null
everify "${E[@]}" SIGSTORE_ROOT_FILE=other.pem --
rc=$?
check "another Fulcio root: refused ($(tail -n 1 e.out))" test $rc -eq 1
# a part left out stays out: no CT key means no SCT can be checked
everify SIGSTORE_ROOT_FILE="$SIGSTORE_STATE/fulcio_root.pem" \
	SIGSTORE_REKOR_PUBLIC_KEY="$SIGSTORE_STATE/rekor.pub" \
	SIGSTORE_TSA_CERTIFICATE_FILE="$SIGSTORE_STATE/tsa_chain.pem" --
rc=$?
check "without SIGSTORE_CT_LOG_PUBLIC_KEY_FILE the SCT cannot verify (nothing from public-good fills in)" \
	test $rc -eq 1
# every error names the variable and the file
everify "${E[@]}" SIGSTORE_REKOR_PUBLIC_KEY=/nonexistent/rekor.pub --
rc=$?
check "a missing file: the error names the variable and the file" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: SIGSTORE_REKOR_PUBLIC_KEY=/nonexistent/rekor.pub: cannot read /nonexistent/rekor.pub" "$2"' \
	_ $rc e.out
everify "${E[@]}" SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=artifact.txt --
rc=$?
check "a file without a key: the error names the variable and the file" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=artifact.txt: " "$2"' _ $rc e.out
cat "$SIGSTORE_STATE/rekor.pub" other.pub >two.pub
everify "${E[@]}" SIGSTORE_REKOR_PUBLIC_KEY=two.pub --
rc=$?
check "two keys in one file: refused as cosign reads one" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: SIGSTORE_REKOR_PUBLIC_KEY=two.pub: .*holds 2 public keys" "$2"' _ $rc e.out
everify "${E[@]}" SIGSTORE_TSA_CERTIFICATE_FILE=other.pub --
rc=$?
check "a TSA file without certificates names SIGSTORE_TSA_CERTIFICATE_FILE" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: SIGSTORE_TSA_CERTIFICATE_FILE=other.pub: " "$2"' _ $rc e.out
# a trusted_root.json in SIGSTORE_ROOT_FILE, recognised by content
everify SIGSTORE_ROOT_FILE="$TRUSTED_ROOT" --
rc=$?
check "a trusted_root.json in SIGSTORE_ROOT_FILE verifies ($(tail -n 1 e.out))" test $rc -eq 0
everify SIGSTORE_ROOT_FILE="$TRUSTED_ROOT" SIGSTORE_REKOR_PUBLIC_KEY="$SIGSTORE_STATE/rekor.pub" --
rc=$?
check "... and cannot be combined with a PEM variable" bash -c \
	'[ $1 -eq 1 ] && grep -q "holds a trusted_root.json, which cannot be combined with SIGSTORE_REKOR_PUBLIC_KEY" "$2"' \
	_ $rc e.out
# --trusted-root wins over the environment
everify SIGSTORE_REKOR_PUBLIC_KEY=/nonexistent/rekor.pub -- --trusted-root "$TRUSTED_ROOT"
rc=$?
check "--trusted-root comes before the environment" test $rc -eq 0
finish
