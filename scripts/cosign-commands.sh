# shellcheck shell=bash
# cosign-commands.sh: what scripts/gen-cli-doc.sh and tests/integration/cli_flags.sh share
# about the commands of tests/cosign-flags.tsv. Source it with BIN set to the binary.

# The commands of the flag table, in the order docs/cli.md lists them.
COSIGN_COMMANDS="sign verify sign-blob verify-blob attest verify-attestation download-signature
download-attestation public-key"
# The picosign command (and subcommand) for a cosign command of the table.
pico_of() {
	case $1 in
	download-signature) echo "download signature" ;;
	download-attestation) echo "download attestation" ;;
	*) echo "$1" ;;
	esac
}
# Success when the binary has the command.
has_cmd() { "$BIN" --help | grep -qE "^  ${1%% *} "; }
