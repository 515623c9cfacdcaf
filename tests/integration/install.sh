#!/usr/bin/env bash
# install: `make install PREFIX=<temp>` puts exactly the binary, the man page picosign.1 and the
# bash, zsh and fish completions there; `man -l` renders the page without warnings, and every
# line of every command's --help is on it (the page is generated from the binary's help, so
# it cannot drift: regenerating it from the installed binary gives the same bytes); each
# completion script loads in its shell and offers the commands and each command's flags (zsh
# and fish only where installed); `make uninstall` removes every file again.
# Inputs: SG_BUILD (build/<variant>, so the variant already built is the one installed).
# Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
V=$(basename "${SG_BUILD:-build/release}")
for tool in man groff install; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (scripts/deps.sh installs man-db and groff-base)"
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P=$T/prefix

if make --no-print-directory install V="$V" PREFIX="$P" >"$T/install.log" 2>&1; then
	ok "make install PREFIX=$P"
else
	bad "make install: $(tail -n 5 "$T/install.log")"
	finish
	exit 1
fi
want="bin/picosign
share/bash-completion/completions/picosign
share/fish/vendor_completions.d/picosign.fish
share/man/man1/picosign.1
share/zsh/site-functions/_picosign"
got=$(cd "$P" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
check "exactly the binary, the page and three completions are installed" test "$got" = "$want"
BIN=$P/bin/picosign
check "the installed binary runs" bash -c "'$BIN' version | grep -q '^picosign '"
check "modes: 0755 binary, 0644 page" test "$(stat -c %a "$BIN") $(stat -c %a "$P/share/man/man1/picosign.1")" = "755 644"

# ---- the man page ----
PAGE=$P/share/man/man1/picosign.1
bash scripts/gen-help.sh man "$BIN" >"$T/regen.1"
check "the page is what the installed binary's --help generates (no drift)" cmp -s "$T/regen.1" "$PAGE"
LANG=C.UTF-8 LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -l "$PAGE" >"$T/page.txt" 2>"$T/page.err"
rc=$?
check "man -l renders the page (exit $rc, no warnings: $(head -c 200 "$T/page.err"))" \
	test "$rc" -eq 0 -a ! -s "$T/page.err"
col -bx <"$T/page.txt" | sed 's/^ *//' >"$T/page.flat"
check "NAME section" grep -qx 'picosign - a small Sigstore client' "$T/page.flat"
commands=$("$BIN" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p')
check "the commands are listed" test "$(echo "$commands" | wc -w)" -ge 12
missing=
for c in $commands; do
	# Every non-empty line of the help, trimmed, is a line of the rendered page.
	while IFS= read -r line; do
		line=$(printf '%s' "$line" | sed 's/^ *//; s/ *$//')
		[ -z "$line" ] && continue
		grep -qxF -- "$line" "$T/page.flat" || missing="$missing [$c] $line;"
	done < <("$BIN" "$c" --help)
done
check "every line of every command's --help is on the page${missing:+: missing$missing}" test -z "$missing"

# ---- completions ----
# The flags each command's help lists ("  -a, --annotations ...", "  --key KEY ..."), long
# forms, read independently of gen-help.sh.
help_flags() { "$BIN" "$1" --help | grep -oE '^  (-[A-Za-z], )?--[a-z][-a-z0-9]*' | grep -oE -- '--[a-z][-a-z0-9]*'; }

BASHC=$P/share/bash-completion/completions/picosign
out=$(bash -c "source '$BASHC' && complete -p picosign" 2>&1)
check "bash: the script loads and registers _picosign" grep -q -- '-F _picosign picosign' <<<"$out"
bash_complete() { # bash_complete WORD... : the candidates for the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _picosign; printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHC" "$@"
}
check "bash: 'picosign si' offers sign, sign-blob, sign-bundle" test \
	"$(bash_complete picosign si | paste -sd ' ')" = "sign sign-blob sign-bundle"
gaps=
for c in $commands; do
	cands=$(bash_complete picosign "$c" --)
	for f in $(help_flags "$c"); do
		grep -qxE -- "$f=?" <<<"$cands" || gaps="$gaps $c:$f"
	done
done
check "bash: every flag in each command's help is offered${gaps:+ (missing:$gaps)}" test -z "$gaps"
check "bash: flag values and operands fall back to file names" \
	test -z "$(bash_complete picosign sign --key '')"

if command -v zsh >/dev/null 2>&1; then
	check "zsh: the script parses" zsh -n "$P/share/zsh/site-functions/_picosign"
	out=$(zsh -fc "fpath=('$P/share/zsh/site-functions' \$fpath); autoload -Uz compinit;
		compinit -u -d '$T/zcompdump'; print -r -- \${_comps[picosign]}; autoload -Uz +X _picosign && print loaded" 2>&1)
	check "zsh: compinit binds picosign to _picosign and it loads ($out)" test "$out" = "_picosign
loaded"
else
	echo "skipped: zsh completion (zsh not installed)"
fi

if command -v fish >/dev/null 2>&1; then
	FISHC=$P/share/fish/vendor_completions.d/picosign.fish
	out=$(fish -c "source '$FISHC'; complete -C'picosign si'" 2>&1 | cut -f1 | paste -sd ' ')
	check "fish: the script loads; 'picosign si' offers sign, sign-blob, sign-bundle ($out)" \
		test "$out" = "sign sign-blob sign-bundle"
	gaps=
	for c in $commands; do
		cands=$(fish -c "source '$FISHC'; complete -C'picosign $c --'" 2>/dev/null | cut -f1)
		for f in $(help_flags "$c"); do
			grep -qxF -- "$f" <<<"$cands" || gaps="$gaps $c:$f"
		done
	done
	check "fish: every flag in each command's help is offered${gaps:+ (missing:$gaps)}" test -z "$gaps"
else
	echo "skipped: fish completion (fish not installed)"
fi

# ---- uninstall ----
if make --no-print-directory uninstall V="$V" PREFIX="$P" >"$T/uninstall.log" 2>&1; then
	ok "make uninstall"
else
	bad "make uninstall: $(tail -n 5 "$T/uninstall.log")"
fi
check "make uninstall removes every installed file" test -z "$(find "$P" -type f)"
finish
