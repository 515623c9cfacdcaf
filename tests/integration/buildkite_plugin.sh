#!/usr/bin/env bash
# buildkite_plugin: the Buildkite plugin's bats suite (buildkite-plugin/tests/*.bats). Starts
# the peers its pipeline tests need, all on 127.0.0.1 with time limits: the local Sigstore
# (tests/sigstore/lib.sh), Debian's docker-registry with two images (bk/app:v1 to sign,
# bk/unsigned:v1 never signed), and buildkite-plugin/tests/fake-agent.mjs, the agent's OIDC
# endpoint minting tokens from the Sigstore peer's issuer for organization "acme", pipeline
# "app". Runs `bats --tap` and turns its TAP into "N passed, N failed" (a skipped test counts
# as neither and is listed as "skipped: ..."). Without the peers the option tests still run
# and the pipeline tests skip. Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
if ! command -v bats >/dev/null 2>&1; then
	echo "skipped: bats is not installed (scripts/deps.sh installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG BUILDKITE_AGENT_ACCESS_TOKEN \
	BUILDKITE_JOB_ID BUILDKITE_AGENT_ENDPOINT ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
# shellcheck source=tests/sigstore/lib.sh
source tests/sigstore/lib.sh
# shellcheck source=tests/lib/oci.sh
source tests/lib/oci.sh # registries, images, stop_servers
T=$(mktemp -d)
pids=()
trap 'sigstore_stop; stop_servers; rm -rf "$T"' EXIT
export HOME=$T/home
mkdir -p "$HOME"

peers() { # start everything the pipeline tests use; prints why not on failure
	[ -x "$BIN" ] || { echo "no picosign binary at $BIN"; return 1; }
	command -v docker-registry >/dev/null 2>&1 || { echo "docker-registry is not installed"; return 1; }
	command -v jq >/dev/null 2>&1 || { echo "jq is not installed"; return 1; }
	sigstore_available || { echo "$SIGSTORE_SKIP_REASON"; return 1; }
	start_registry reg >/dev/null || { echo "the registry did not start"; return 1; }
	REG=127.0.0.1:$PORT
	local img
	for img in app unsigned meta legacy; do
		if ! { make_image "$T/$img" "plugin test $img" && push_image "http://$REG" "bk/$img" v1 "$T/$img"; }; then
			echo "pushing the test images failed"
			return 1
		fi
	done
	sigstore_start "$T/peer" >/dev/null 2>&1 || { echo "the Sigstore peer did not start"; return 1; }
	# The access token the fake agent expects: random, handed over in a file, never printed.
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/access-token"
	mkdir -p "$T/agent"
	timeout -k 5 300 node buildkite-plugin/tests/fake-agent.mjs --state-dir "$T/agent" \
		--mint-url "$SIGSTORE_URL/mint" --access-token-file "$T/access-token" \
		--organization acme --pipeline app --serve-file "$BIN" >"$T/agent/log" 2>&1 &
	pids+=($!)
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$T/agent/ready" ] && break
		sleep 0.05
	done
	[ -s "$T/agent/ready" ] || { echo "the fake agent did not start: $(cat "$T/agent/log")"; return 1; }
	mkdir -p "$T/bin"
	ln -s "$BIN" "$T/bin/picosign"
	export PICOSIGN_IT=1 PICOSIGN_BIN_DIR=$T/bin PICOSIGN_BIN=$BIN REG
	IT_AGENT_ENDPOINT="http://127.0.0.1:$(cat "$T/agent/ready")/v3"
	export IT_AGENT_ENDPOINT
	export IT_ACCESS_TOKEN_FILE=$T/access-token IT_FULCIO_URL=$FULCIO_URL IT_REKOR_URL=$REKOR_URL
	export IT_TRUSTED_ROOT=$TRUSTED_ROOT IT_APP_DIGEST IT_META_DIGEST \
		IT_LEGACY_DIGEST
	IT_APP_DIGEST=$(digest_of "$T/app/manifest.json")
	IT_META_DIGEST=$(digest_of "$T/meta/manifest.json")
	IT_LEGACY_DIGEST=$(digest_of "$T/legacy/manifest.json")
}
# In this shell (not in $(...)), so the servers it starts are ours to stop.
if ! peers >"$T/peers.log" 2>&1; then
	echo "skipped: the plugin's pipeline tests ($(tail -n 1 "$T/peers.log"))"
fi

start=$(date +%s)
bats --tap buildkite-plugin/tests >"$T/tap" 2>&1
rc=$?
pass=$(grep -cE '^ok [0-9]+ ' "$T/tap" | head -n 1)
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$T/tap")
fail=$(grep -cE '^not ok [0-9]+ ' "$T/tap")
pass=$((pass - skipped))
grep -E '^ok [0-9]+ .*# skip' "$T/tap" | sed -E 's/^ok [0-9]+ (.*) # skip ?(.*)$/skipped: \1 (\2)/'
# Failures with bats's explanation lines after them.
awk '/^not ok /{ show = 1; print; next } /^(ok|not ok) /{ show = 0 } show' "$T/tap"
grep -qE '^1\.\.[0-9]+' "$T/tap" || { echo "bats gave no plan:"; tail -n 20 "$T/tap"; fail=$((fail + 1)); }
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
grep -q 'fake-agent: .*-> 200 (token for acme/app)' "$T/agent/log" 2>/dev/null &&
	echo "# the fake agent minted tokens: $(grep -c -- '-> 200 (token' "$T/agent/log")"
echo "# bats: $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
