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

# ---- flag names, from the binary ----
# Commands that parse with sg_cli_parse_flags list their table with the hidden --list-flags
# ("NAME ALIAS KIND ENV STATUS"; STATUS "ok" for a flag picosign accepts, "refused: why" for a
# cosign flag it refuses by name). The three with parsers of their own (version, cert,
# debug) are read from their sources: string literals that spell a flag.
func_body() { sed -n "/^$2(/,/^}/p" "src/$1"; }
src_flags() { # src_flags FILE FUNCTION
	func_body "$1" "$2" | grep -oE '"--?[A-Za-z][-A-Za-z]*[="]' | sed -E 's/^"//; s/[="]$//'
}
list_flags() { # list_flags COMMAND [SUBCOMMAND]: the rows, as the binary prints them
	timeout 10 "$BIN" "$@" --list-flags 2>/dev/null
}
accepted() { # the accepted flag names and aliases of a command, one per line
	case $1 in
	version) src_flags cli/main.c cmd_version ;;
	cert) src_flags cli/cert.c sg_cmd_cert ;;
	debug) src_flags cli/debug.c sg_cmd_debug; src_flags cli/debug_http.c sg_cmd_debug_http_get ;;
	download) { list_flags download signature; list_flags download attestation; } |
		awk -F'\t' '$5 == "ok" { print $1; if ($2 != "-") print $2 }' ;;
	*) list_flags "$1" | awk -F'\t' '$5 == "ok" { print $1; if ($2 != "-") print $2 }' ;;
	esac
}
expected_flags() { accepted "$1" | grep -v -x -- '--help' | grep -v -x -- '-h' | sort -u; }
# "-a" is mentioned when it stands as a word: "  -a, --annotations", "--check-claims=BOOL".
mentions() { grep -qE -- "(^|[ ,])$2([ =,]|\$)" "$1"; }

# The commands, from main.c's table.
commands=$(sed -n '/^static const struct command commands\[\] = {/,/^};/p' src/cli/main.c |
	sed -n 's/^\t{"\([a-z-]*\)", .*/\1/p')
check "main.c's table lists the commands" test "$(echo "$commands" | wc -w)" -ge 12

# The extraction itself finds what is known to be there, so it cannot pass vacuously.
has() { expected_flags "$1" | grep -qx -- "$2"; }
check "extraction: sign has --key" has sign --key
check "extraction: sign has --identity-token (keyless)" has sign --identity-token
check "extraction: sign has the registry flags" has sign --registry-token
check "extraction: verify has -o" has verify -o
check "extraction: verify has the Buildkite flags" has verify --buildkite-pipeline
check "extraction: generate-key-pair has --output-key-prefix" has generate-key-pair \
	--output-key-prefix
check "extraction: debug has http-get's -H" has debug -H
check "extraction: verify-bundle has --staging" has verify-bundle --staging
check "extraction: download attestation has --predicate-type" has download --predicate-type
check "extraction: verify-blob has the trust rows (--max-trust-root-age)" has verify-blob \
	--max-trust-root-age
check "extraction: verify has --refresh-trust" has verify --refresh-trust
check "extraction: initialize has --root-checksum" has initialize --root-checksum
check "extraction: verify-blob has no --staging" test -z "$(expected_flags verify-blob |
	grep -x -- --staging)"
check "extraction: --list-flags of every parser command exits 0" bash -c \
	"for c in verify sign verify-blob sign-blob public-key; do '$BIN' \$c --list-flags >/dev/null || exit 1; done"
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
	if [ -z "$(expected_flags "$c")" ] && [ "$c" != version ] && [ "$c" != cert ]; then
		bad "$c: no flags found (--list-flags, or its sources in tests/integration/cli.sh)"
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
