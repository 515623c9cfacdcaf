#!/usr/bin/env bash
# gen-cli-doc.sh BIN [OUT]: write docs/cli.md (or OUT) from the binary: every command's --help,
# and for each command cosign has, the table of cosign's flags (tests/cosign-flags.tsv) with
# what picosign does with each, read from `BIN COMMAND --list-flags`; then the flags picosign
# has that cosign lacks. tests/integration/cli_flags.sh regenerates it and fails on a
# difference, so the document cannot drift from the binary.
set -u
BIN=${1:?usage: gen-cli-doc.sh BIN [OUT]}
OUT=${2:-docs/cli.md}
cd "$(dirname "$0")/.." || exit 1
FLAGS=tests/cosign-flags.tsv
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.l"' EXIT

# shellcheck source=cosign-commands.sh
source scripts/cosign-commands.sh

{
	cat <<'INTRO'
# picosign command reference

This file is generated from the binary by `scripts/gen-cli-doc.sh build/release/picosign`;
`tests/integration/cli_flags.sh` regenerates it and fails when it differs, and checks every
row of the flag tables against the binary. Do not edit it by hand: change the help texts
(`src/cli/main.c`), the flag tables of the commands, the refusals (`src/cli/refused.c`) or
cosign's flag list (`tests/cosign-flags.tsv`), then regenerate.

Every command answers `-h`/`--help` (anywhere among its arguments, before a `--`) with the text
below, on stdout, exit 0; `picosign help COMMAND` is the same. `picosign COMMAND --list-flags`
(hidden) prints the command's flag table as the parser has it.

Exit codes, as cosign's: 0 success, 1 failure (including a usage error: an unknown command or
flag prints `Error: ...`), and for `verify` 10 no signatures, 11 image tag not found (also
`triangulate`), 12 no signature matched. `verify` of several images exits with the code of the
first image that failed, in argument order.

## The environment

- Every flag of every command can also be given as `COSIGN_<FLAG>`: the flag's long name in
  upper case with `-` as `_` (`COSIGN_CERTIFICATE_IDENTITY`, `COSIGN_ALLOW_HTTP_REGISTRY=true`,
  `COSIGN_ANNOTATIONS=a=1,b=2`), as cosign's viper binding does; the command line wins, and an
  empty variable counts as unset. A boolean that is not one of Go's ParseBool spellings is an
  error naming the variable (cosign drops it silently). The variable of a flag picosign
  refuses is refused the same way (`COSIGN_SK=true`), unless it holds cosign's default.
- `COSIGN_PASSWORD`: the password of an encrypted key (else the terminal).
- `COSIGN_REPOSITORY`: where signatures (and attestations) are written and read, instead of
  the image's own repository; it may be on another registry.
- `COSIGN_DOCKER_MEDIA_TYPES`: Docker media types for a new signature manifest.
- `SIGSTORE_ID_TOKEN`, `BUILDKITE_AGENT_ACCESS_TOKEN` + `BUILDKITE_JOB_ID`
  (+ `BUILDKITE_AGENT_ENDPOINT`), `ACTIONS_ID_TOKEN_REQUEST_URL` + `..._TOKEN`: identity token
  sources (`--oidc-provider` picks one).
- `SIGSTORE_ROOT_FILE`: a trusted_root.json when there is no `--trusted-root`.
- `DOCKER_CONFIG`, `REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`: where registry
  credentials are found, in go-containerregistry's order (docs/registry.md).
- `PICOSIGN_TIMEOUT`, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `HTTPS_PROXY`, `HTTP_PROXY`,
  `NO_PROXY`: the transport (docs/transport.md).
- Keys: `--key env://VAR` reads the key (private or public, PEM) from variable VAR.

## picosign --help

```text
INTRO
	"$BIN" --help
	printf '```\n\n'
	for c in $("$BIN" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
		printf '## %s\n\n```text\n' "$c"
		"$BIN" "$c" --help
		printf '```\n\n'
	done

	cat <<'TABLE'
## cosign's flags, and what picosign does with each

For each command picosign shares with cosign, every flag of cosign v2.6 and v3.1 (their
generated references; flags v3 hides or deprecates are listed under v2.6). "supported": the
flag works as in cosign (see the command's help); "refused": picosign stops with `Error: --flag
is not supported by picosign: <why>` and exit 1, never "unknown flag" and never a silent no-op;
"refused unless X": cosign's default value X, which changes nothing, is accepted. Flags after
the table are picosign's own.

TABLE
	for cmd in $COSIGN_COMMANDS; do
		pc=$(pico_of "$cmd")
		printf '### %s\n\n' "$pc"
		if ! has_cmd "$pc"; then
			printf 'Not in this build: `%s` is being built with the cosign v3 formats. Its flag\n' "$pc"
			printf 'rows reuse the shared groups of `src/cli/options.h` and the refusals of\n'
			printf '`src/cli/refused.c`, which already name it.\n\n'
			continue
		fi
		# shellcheck disable=SC2086
		"$BIN" $pc --list-flags >"$tmp.l" 2>/dev/null
		printf '| flag | cosign | picosign |\n| --- | --- | --- |\n'
		awk -F'\t' -v cmd="$cmd" -v L="$tmp.l" '
			BEGIN { while ((getline line < L) > 0) { split(line, f, "\t"); st[f[1]] = f[5]; if (f[2] != "-") st[f[2]] = f[5]; } }
			/^#/ || $1 != cmd { next }
			{
				name = $2; a = ($3 != "-") ? $3 ", " : "";
				s = (name in st) ? st[name] : "MISSING (tests/integration/cli_flags.sh fails)";
				if (s == "ok") s = "supported";
				gsub(/\|/, "\\|", s);
				v = $5; gsub(/ /, ", ", v);
				printf "| `%s%s` | %s | %s |\n", a, name, v, s;
			}' "$FLAGS"
		own=$(awk -F'\t' -v cmd="$cmd" -v L="$tmp.l" '
			BEGIN { while ((getline line < L) > 0) { split(line, f, "\t"); if (f[5] == "ok") own[f[1]] = 1; } }
			!/^#/ && $1 == cmd { delete own[$2] }
			END { for (k in own) print k }' "$FLAGS" | sort | sed 's/.*/`&`/' | paste -sd, - |
			sed 's/,/, /g')
		printf '\n'
		[ -n "$own" ] && printf 'picosign only: %s.\n\n' "$own"
	done
} >"$tmp"
mv "$tmp" "$OUT"
