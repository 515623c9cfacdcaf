#!/usr/bin/env bash
# deps_check: the house rules catch what they say they catch. scripts/deps-check.sh must pass
# on the tree as it is, and fail, naming the rule, on a scratch copy of src/ with one planted
# violation of each rule: an unknown folder, an upward include, a same-rank include, a cycle
# inside a folder, the signing side on the verify path, a system header outside sys/, a clock,
# file, socket and randomness call outside its seam, and an sg_err function without
# SG_MUST_USE. scripts/offline-symbols.sh must pass on the offline archive and fail on an
# archive that calls time(). Inputs: SG_BUILD (for the archive). Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$PWD
BUILD=${SG_BUILD:-$ROOT/build/release}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

check "deps-check passes on the tree" bash scripts/deps-check.sh >/dev/null

# plant RULE FILE SED-OR-APPEND...: copy src/, change one file, expect "FAIL deps-check RULE".
plant() {
	local rule=$1 what=$2
	shift 2
	rm -rf "$T/src" && cp -r src "$T/src"
	(cd "$T" && "$@") || { bad "planting: $what"; return; }
	local out
	out=$(bash scripts/deps-check.sh "$T/src" 2>&1)
	local rc=$?
	if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q "^FAIL deps-check $rule "; then
		ok "$rule: $what is caught"
	else
		bad "$rule: $what is caught (exit $rc: $(printf '%s\n' "$out" | grep FAIL | head -n 2))"
	fi
}
add_line() { # add_line FILE LINE: after the file's first #include
	sed -i "0,/^#include/s||$2\n#include|" "$1"
}

plant folder "a folder missing from the rank table" bash -c \
	'mkdir -p src/extra && printf "int x;\n" >src/extra/x.c'
plant folder "an include without its folder" add_line src/parse/der.c '#include "bytes.h"'
plant rank "parse/ including cli/" add_line src/parse/der.c '#include "cli/cli.h"'
plant rank "verify/ including sys/" add_line src/verify/verify.c '#include "sys/os.h"'
plant same-rank "sigstore/ including oci/" add_line src/sigstore/bundle.c '#include "oci/manifest.h"'
plant cycle "hash.h including pubkey.h (pubkey includes hash)" \
	add_line src/crypto/hash.h '#include "crypto/pubkey.h"'
plant signing "the verify path including the signing side" \
	add_line src/verify/verify.c '#include "crypto/p256.h"'
plant syshdr "a socket header in pki/" add_line src/pki/x509.c '#include <sys/socket.h>'
plant syshdr "BearSSL outside crypto/ and sys/net.c" add_line src/sigstore/tlog.c '#include <bearssl.h>'
plant effect "time() in the chain check" bash -c \
	'printf "\nint sg_chain_now_(void);\nint\nsg_chain_now_(void)\n{\n\treturn (int)time(NULL);\n}\n" >>src/pki/chain.c'
plant effect "fopen() in the CLI" bash -c \
	'printf "\nvoid *sg_cli_open_(void);\nvoid *\nsg_cli_open_(void)\n{\n\treturn fopen(\"x\", \"r\");\n}\n" >>src/cli/output.c'
plant effect "connect() in online/" bash -c \
	'printf "\nint sg_rekor_c_(int s);\nint\nsg_rekor_c_(int s)\n{\n\treturn connect(s, 0, 0);\n}\n" >>src/online/rekor.c'
plant effect "getrandom() outside crypto/drbg.c" bash -c \
	'printf "\nlong sg_sign_r_(void *p);\nlong\nsg_sign_r_(void *p)\n{\n\treturn getrandom(p, 1, 0);\n}\n" >>src/sign/sign.c'
plant must-use "a static sg_err function without SG_MUST_USE" bash -c \
	'printf "\nstatic sg_err\nnot_checked_(void)\n{\n\treturn SG_OK;\n}\n" >>src/parse/pem.c'
plant must-use "an sg_err prototype without SG_MUST_USE" bash -c \
	'sed -i "0,/^SG_MUST_USE sg_err/s//sg_err/" src/parse/pem.h'

# A word in a comment or a string is not a call.
rm -rf "$T/src" && cp -r src "$T/src"
printf '\n/* time(NULL) and fopen("x") in a comment are not calls */\n' >>"$T/src/pki/chain.c"
check "a comment mentioning time() is not an effect" bash scripts/deps-check.sh "$T/src" >/dev/null

# ---- the link-level proof ----
if [ -f "$BUILD/libpicosign-offline.a" ] && command -v ar >/dev/null && command -v gcc >/dev/null; then
	check "offline-symbols passes on libpicosign-offline.a" \
		bash scripts/offline-symbols.sh "$BUILD/libpicosign-offline.a" >/dev/null
	printf '#include <time.h>\nlong sg_x_now(void) { return (long)time(0); }\n' >"$T/bad.c"
	gcc -c -o "$T/bad.o" "$T/bad.c" && cp "$BUILD/libpicosign-offline.a" "$T/bad.a" &&
		ar rcs "$T/bad.a" "$T/bad.o"
	out=$(bash scripts/offline-symbols.sh "$T/bad.a" 2>&1)
	rc=$?
	check "offline-symbols fails on an archive that calls time()" \
		bash -c "[ $rc -ne 0 ] && printf '%s\n' \"\$1\" | grep -q 'references time'" _ "$out"
else
	echo "skipped: no $BUILD/libpicosign-offline.a (build first) for the offline-symbols checks"
fi
finish
