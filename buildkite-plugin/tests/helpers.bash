# Shared by the plugin's bats files. Each test starts with no plugin option set, TMPDIR in its
# own directory, and a fake `buildkite-agent` on PATH that records annotations:
#   $BATS_TEST_TMPDIR/annotate.args   the arguments of each call, one line per call
#   $BATS_TEST_TMPDIR/annotation.md   the bodies (stdin), appended
# opt NAME VALUE sets BUILDKITE_PLUGIN_PICOSIGN_<NAME>; run_hook HOOK runs hooks/HOOK with
# `run` (status and combined output in $status and $output).
PLUGIN_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

common_setup() {
	local v
	for v in $(compgen -v BUILDKITE_PLUGIN_PICOSIGN_ || true); do unset "$v"; done
	unset BUILDKITE_COMMAND_EXIT_STATUS PICOSIGN_VERIFIED_IMAGE SIGSTORE_ID_TOKEN
	export TMPDIR=$BATS_TEST_TMPDIR
	mkdir -p "$BATS_TEST_TMPDIR/agent-bin"
	cat >"$BATS_TEST_TMPDIR/agent-bin/buildkite-agent" <<'AGENT'
#!/bin/bash
# fake buildkite-agent: records `annotate` calls; anything else fails.
[ "${1:-}" = annotate ] || { echo "fake buildkite-agent: $1 not supported" >&2; exit 1; }
shift
echo "$*" >>"$BATS_TEST_TMPDIR/annotate.args"
cat >>"$BATS_TEST_TMPDIR/annotation.md"
AGENT
	chmod +x "$BATS_TEST_TMPDIR/agent-bin/buildkite-agent"
	export PATH="$BATS_TEST_TMPDIR/agent-bin:$PATH"
}

opt() { export "BUILDKITE_PLUGIN_PICOSIGN_$1=$2"; }

run_hook() { run "$PLUGIN_DIR/hooks/$1"; }

# assert_contains TEXT WANT: WANT is a substring of TEXT (prints both when not).
assert_contains() {
	[[ $1 == *"$2"* ]] && return 0
	printf 'expected to find:\n  %s\nin:\n%s\n' "$2" "$1" >&2
	return 1
}
refute_contains() {
	[[ $1 != *"$2"* ]] && return 0
	printf 'expected NOT to find:\n  %s\nin:\n%s\n' "$2" "$1" >&2
	return 1
}
