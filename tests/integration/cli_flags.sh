#!/usr/bin/env bash
# cli_flags: the flag table of docs/cli.md against the binary (no network).
#   - docs/cli.md is what scripts/gen-cli-doc.sh makes from this binary (no drift);
#   - every flag the binary's parsers have (`COMMAND --list-flags`, accepted or refused) is in
#     docs/cli.md;
#   - every cosign flag of tests/cosign-flags.tsv, for each command the binary has, is either
#     accepted (no "unknown flag", no refusal) or refused by name ("Error: --x is not supported
#     by picosign: <why>", exit 1) as the table says; a value cosign uses by default is accepted;
#   - the COSIGN_<FLAG> variable of every refused flag is refused naming the variable.
# Inputs: SG_BIN. Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$(pwd)
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

bash scripts/gen-cli-doc.sh "$BIN" "$T/cli.md"
check "docs/cli.md is generated from this binary (scripts/gen-cli-doc.sh)" cmp -s "$T/cli.md" docs/cli.md
check "docs/cli.md lists no flag as MISSING" bash -c "! grep -q MISSING docs/cli.md"

# shellcheck source=../../scripts/cosign-commands.sh
source scripts/cosign-commands.sh
# An argument that makes each command stop right after its flags, before any network or file
# write: a reference that does not parse, a file that does not exist.
operand_of() {
	case $1 in
	sign-blob | verify-blob) echo "$T/no-such-file" ;;
	public-key) echo "" ;;
	*) echo "not a reference!" ;;
	esac
}

cd "$T" || exit 1
listed=0 tried=0
for cmd in $COSIGN_COMMANDS; do
	pc=$(pico_of "$cmd")
	has_cmd "$pc" || continue
	# shellcheck disable=SC2086
	"$BIN" $pc --list-flags >"$T/list" 2>/dev/null
	# Every flag of the parser is documented.
	while IFS=$'\t' read -r name alias kind env status; do
		listed=$((listed + 1))
		if grep -qF -- "\`$name\`" "$ROOT/docs/cli.md" || grep -qF -- " $name\`" "$ROOT/docs/cli.md" ||
			grep -qF -- "$name " "$ROOT/docs/cli.md"; then ok; else bad "$pc $name is not in docs/cli.md"; fi
	done <"$T/list"
	op=$(operand_of "$cmd")
	while IFS=$'\t' read -r c name alias kind vers; do
		[ "$c" = "$cmd" ] || continue
		tried=$((tried + 1))
		f0=$fail
		status=$(awk -F'\t' -v n="$name" '$1 == n { print $5 }' "$T/list")
		# A boolean is refused when true, or when false where true is what picosign does.
		on=true off=false
		case $status in "refused unless true:"*) on=false off=true ;; esac
		if [ "$kind" = bool ]; then args=("$name=$on"); else args=("$name" v); fi
		# shellcheck disable=SC2086
		timeout 10 "$BIN" $pc "${args[@]}" ${op:+"$op"} >/dev/null 2>"$T/err" </dev/null
		rc=$?
		if grep -q 'unknown flag' "$T/err"; then
			bad "$pc $name: unknown flag ($(head -n 1 "$T/err"))"
			continue
		fi
		case $status in
		ok)
			grep -qF -- "$name is not supported" "$T/err" && bad "$pc $name: accepted in the table, refused by the binary"
			;;
		refused*)
			if [ "$rc" -ne 1 ] || ! grep -qF -- "Error: $name is not supported by picosign: " "$T/err"; then
				bad "$pc $name: not refused by name (rc $rc: $(head -n 1 "$T/err"))"
				continue
			fi
			# The variable too.
			var=$(awk -F'\t' -v n="$name" '$1 == n { print $4 }' "$T/list")
			if [ "$kind" = bool ]; then val=$on; else val=v; fi
			# shellcheck disable=SC2086
			env "$var=$val" timeout 10 "$BIN" $pc ${op:+"$op"} >/dev/null 2>"$T/err" </dev/null
			grep -qF -- "Error: $var ($name) is not supported by picosign" "$T/err" ||
				bad "$pc $var: not refused by name ($(head -n 1 "$T/err"))"
			# cosign's default passes.
			case $status in
			"refused unless "*)
				dflt=${status#refused unless }
				dflt=${dflt%%: *}
				[ "$dflt" = '""' ] && dflt=
				# shellcheck disable=SC2086
				timeout 10 "$BIN" $pc "$name=$dflt" ${op:+"$op"} >/dev/null 2>"$T/err" </dev/null
				grep -qF -- "$name is not supported" "$T/err" &&
					bad "$pc $name=$dflt (cosign's default) refused"
				;;
			esac
			if [ "$kind" = bool ]; then
				# shellcheck disable=SC2086
				timeout 10 "$BIN" $pc "$name=$off" ${op:+"$op"} >/dev/null 2>"$T/err" </dev/null
				grep -qF -- "$name is not supported" "$T/err" && bad "$pc $name=$off refused"
			fi
			;;
		*) bad "$pc $name: not in the binary's table (status '$status')" ;;
		esac
		[ "$fail" -eq "$f0" ] && ok
	done < <(grep -v '^#' "$ROOT/tests/cosign-flags.tsv")
done
check "the binary listed flags ($listed)" test "$listed" -gt 150
check "cosign flags were tried ($tried)" test "$tried" -gt 200
[ "$fail" -eq 0 ] && ok "every cosign flag of the table is accepted or refused by name"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
