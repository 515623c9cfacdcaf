#!/usr/bin/env bash
# The command line's self-documentation (no network): every command answers -h/--help anywhere
# in its arguments with its usage on stdout and exit 0; that help names every flag the
# command's parser accepts, with the flag names read from the C sources here (a flag added to a
# parser without help text fails this test); docs/cli.md carries every synopsis; --version;
# unknown commands and flags fail with "Error: ..." and exit 1.
# Inputs: SG_BIN (the binary under test). Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$(pwd)
BIN=${SG_BIN:-$ROOT/build/release/picosign}

if [ ! -x "$BIN" ]; then
	echo "skipped: no picosign binary at $BIN"
	echo "0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Run picosign with a time limit: stdout to $T/out, stderr to $T/err, exit code in $rc.
run() {
	timeout 20 "$BIN" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# ---- flag names from the sources ----
# The body of a C function (K&R: the name starts its line, the body ends at "}").
func_body() { sed -n "/^$2(/,/^}/p" "src/$1"; }
# Flag names a function accepts: string literals that spell a flag ("--name", "-a", and
# "--name=" as strncmp checks it), plus the shared registry rows when it uses them.
flags_of() { # flags_of FILE FUNCTION
	local body
	body=$(func_body "$1" "$2")
	printf '%s\n' "$body" | grep -oE '"--?[A-Za-z][-A-Za-z]*[="]' | sed -E 's/^"//; s/[="]$//'
	# rows shared through a macro (SG_CLI_REGISTRY_FLAG_ROWS in cli.h, SIGN_FORM_FLAG_ROWS)
	local m
	for m in $(printf '%s\n' "$body" | grep -oE '[A-Z_]+_FLAG_ROWS' | sort -u); do
		sed -n "/^#define $m/,/[^\\]\$/p" src/cli/*.h src/cli/*.c |
			grep -oE '"--?[A-Za-z][-A-Za-z]*"' | tr -d '"'
	done
}
# Where each command's parser lives: "FILE FUNCTION" pairs (sign has two: --key and keyless;
# debug has its parser and http-get's).
sources_of() {
	case $1 in
	version) echo "cli/main.c cmd_version" ;;
	generate-key-pair) echo "cli/keys.c sg_cmd_generate_key_pair" ;;
	public-key) echo "cli/keys.c sg_cmd_public_key" ;;
	triangulate) echo "cli/triangulate.c sg_cmd_triangulate" ;;
	verify | verify-attestation) echo "cli/verify_image.c verify_main" ;;
	initialize) echo "cli/initialize.c sg_cmd_initialize" ;;
	trust) echo "cli/trust_show.c sg_cmd_trust" ;;
	tree) echo "cli/tree.c sg_cmd_tree" ;;
	attest) echo "cli/sign_image.c sg_cmd_attest" ;;
	sign) echo "cli/sign_image.c sg_cmd_sign cli/sign_image.c sg_cmd_sign_keyless" ;;
	debug) echo "cli/debug.c sg_cmd_debug cli/debug_http.c sg_cmd_debug_http_get" ;;
	cert) echo "cli/cert.c sg_cmd_cert" ;;
	verify-blob | verify-bundle) echo "cli/verify_blob.c verify_common" ;;
	sign-blob) echo "cli/sign_blob.c sg_cmd_sign_blob" ;;
	sign-bundle) echo "cli/sign_blob.c sg_cmd_sign_bundle" ;;
	esac
}
expected_flags() { # the flag names of a command, one per line, sorted
	local cmd=$1 src i
	read -r -a src <<<"$(sources_of "$cmd")"
	for ((i = 0; i + 1 < ${#src[@]}; i += 2)); do
		flags_of "${src[i]}" "${src[i + 1]}"
	done | sort -u | {
		# verify_common drops its last row (--staging) for verify-blob; verify_main's last
		# row is --new-bundle-format for verify and --type for verify-attestation.
		case $cmd in
		verify-blob) grep -vx -- '--staging' ;;
		verify) grep -vx -- '--type' ;;
		verify-attestation) grep -vx -- '--new-bundle-format' ;;
		*) cat ;;
		esac
	} | sort -u
}
# "-a" is mentioned when it stands as a word: "  -a, --annotations", "--check-claims=BOOL".
mentions() { grep -qE -- "(^|[ ,])$2([ =,]|\$)" "$1"; }

# The commands, from main.c's table.
commands=$(sed -n '/^static const struct command commands\[\] = {/,/^};/p' src/cli/main.c |
	sed -n 's/^\t{"\([a-z-]*\)", .*/\1/p')
check "main.c's table lists the commands" test "$(echo "$commands" | wc -w)" -ge 12

# The extraction itself finds what is known to be there, so it cannot pass vacuously.
has() { expected_flags "$1" | grep -qx -- "$2"; }
check "extraction: sign has --key (cli/sign_image.c)" has sign --key
check "extraction: sign has --identity-token (keyless)" has sign --identity-token
check "extraction: sign has the registry flags" has sign --registry-token
check "extraction: verify has -o" has verify -o
check "extraction: generate-key-pair has --output-key-prefix" has generate-key-pair \
	--output-key-prefix
check "extraction: debug has http-get's -H" has debug -H
check "extraction: verify-bundle has --staging" has verify-bundle --staging
check "extraction: verify-blob has the trust rows (--max-trust-root-age)" has verify-blob \
	--max-trust-root-age
check "extraction: verify has --refresh-trust" has verify --refresh-trust
check "extraction: initialize has --root-checksum" has initialize --root-checksum
check "extraction: verify-blob has no --staging" test -z "$(expected_flags verify-blob |
	grep -x -- --staging)"
run verify-blob --staging
check "verify-blob refuses --staging (exit 1)" test "$rc" -eq 1

# ---- picosign --help, --version ----
run --help
check "--help exits 0" test "$rc" -eq 0
cp "$T/out" "$T/top"
for c in $commands; do
	check "--help lists $c" grep -qE "^  $c +[a-z]" "$T/top"
done
check "--help points at COMMAND --help" grep -q 'picosign COMMAND --help' "$T/top"
check "sign's one-line description is current" grep -q \
	'sign an image keylessly (Fulcio + Rekor) or with --key' "$T/top"
run -h
check "-h is --help" cmp -s "$T/out" "$T/top"
run
check "no command: exit 1" test "$rc" -eq 1
check "no command: usage on stderr" grep -q '^Commands:' "$T/err"
run --version
check "--version exits 0" test "$rc" -eq 0
check "--version output" grep -qxE 'picosign [0-9]+\.[0-9]+\.[0-9]+' "$T/out"
run version
check "version = --version" grep -qxE 'picosign [0-9]+\.[0-9]+\.[0-9]+' "$T/out"

# ---- COMMAND --help ----
for c in $commands; do
	if [ -z "$(sources_of "$c")" ]; then
		bad "$c: no parser sources known to tests/integration/cli.sh (add it to sources_of)"
		continue
	fi
	run "$c" --help
	check "$c --help exits 0" test "$rc" -eq 0
	check "$c --help: nothing on stderr" test ! -s "$T/err"
	cp "$T/out" "$T/help-$c"
	check "$c --help: synopsis first" grep -qE "^Usage: picosign $c( |\$)" \
		<(head -n 1 "$T/help-$c")
	check "$c --help: has Flags" grep -qx 'Flags:' "$T/help-$c"
	check "$c --help: has Examples" grep -qE "^  picosign $c( |\$)" \
		<(sed -n '/^Examples:$/,$p' "$T/help-$c")
	for f in $(expected_flags "$c"); do
		check "$c --help mentions $f" mentions "$T/help-$c" "$f"
	done
	# The same text for -h, for help anywhere in the arguments, and for `help COMMAND`.
	run "$c" -h
	check "$c -h = --help" cmp -s "$T/out" "$T/help-$c"
	run "$c" some-arg --help
	check "$c ARG --help = --help" cmp -s "$T/out" "$T/help-$c"
	run help "$c"
	check "help $c = $c --help" cmp -s "$T/out" "$T/help-$c"
	# docs/cli.md carries the synopsis (all of its lines).
	while IFS= read -r line; do
		check "docs/cli.md has: $line" grep -qxF -- "$line" docs/cli.md
	done < <(sed -n '1,/^$/p' "$T/help-$c" | sed '/^$/d')
done
check "verify-blob --help does not offer --staging" test -z "$(grep -- --staging \
	"$T/help-verify-blob" 2>/dev/null)"
# Help wins over everything else, even a flag the parser would refuse.
run sign reg.example/app@sha256:0000 --no-such-flag -h
check "help before the parser: sign ... --no-such-flag -h exits 0" test "$rc" -eq 0
# debug's help lists every parser of its table.
while IFS= read -r p; do
	check "debug --help lists the $p parser" grep -qE "^  $p +[a-zA-Z]" "$T/help-debug"
done < <(sed -n '/^static const struct debug_parser parsers\[\] = {/,/^};/p' src/cli/debug.c |
	sed -n 's/^\t{"\([a-z0-9-]*\)", .*/\1/p')
# After "--", -h is an operand: the command runs (and fails here: no identity flags).
run verify-blob --bundle "$T/none.json" -- -h
check "-- -h is an operand: no help" test "$rc" -eq 1 -a ! -s "$T/out"

# ---- unknown commands and flags ----
run no-such-command
check "unknown command: exit 1" test "$rc" -eq 1
check "unknown command: message" grep -q '^Error: unknown command "no-such-command"' "$T/err"
run help no-such-command
check "help of an unknown command: exit 1" test "$rc" -eq 1
check "help of an unknown command: message" grep -q '^Error: unknown command' "$T/err"
for c in version triangulate verify sign verify-blob verify-bundle sign-blob sign-bundle; do
	run "$c" --no-such-flag x
	check "$c --no-such-flag: exit 1" test "$rc" -eq 1
	check "$c --no-such-flag: message" grep -qx 'Error: unknown flag: --no-such-flag' "$T/err"
done
run sign --key k.key --no-such-flag x
check "sign --key --no-such-flag: exit 1" test "$rc" -eq 1
check "sign --key --no-such-flag: message" grep -qx 'Error: unknown flag: --no-such-flag' \
	"$T/err"
for c in generate-key-pair public-key cert debug; do
	run "$c" --no-such-flag x
	check "$c --no-such-flag: exit 1" test "$rc" -eq 1
	check "$c --no-such-flag: Error" grep -q '^Error: ' "$T/err"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
