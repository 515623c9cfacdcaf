# shellcheck shell=bash
# Shell helpers for tests that use the local Sigstore peer (tests/sigstore/server.mjs).
# Source it from bash: `source tests/sigstore/lib.sh`. See docs/test-peers.md.
#
#   sigstore_available                 0 if node >= 20.17 and tests/npm/node_modules exist; else 1
#                                      with the reason in SIGSTORE_SKIP_REASON
#   sigstore_start STATE_DIR [FLAGS]   start the peer (background, time-limited) and wait <= 10 s
#                                      for its ready file; exports SIGSTORE_PID, SIGSTORE_URL,
#                                      FULCIO_URL, REKOR_URL, TSA_URL, OIDC_ISSUER, TRUSTED_ROOT,
#                                      SIGSTORE_STATE, SIGSTORE_LOG, and for cosign v3 tests
#                                      REKOR2_URL (empty with --no-rekor-v2), SIGNING_CONFIG,
#                                      SIGNING_CONFIG_V1ONLY, SIGNING_CONFIG_V2 (empty with
#                                      --no-rekor-v2). Call it in the test's own shell (not in
#                                      $(...)) so sigstore_stop can `wait` for the PID.
#   sigstore_mint_token [CLAIMS] [QUERY]  print a JWT from POST /mint (QUERY e.g. preset=buildkite,
#                                      key=unrelated, alg=none); CLAIMS override the defaults
#   sigstore_mint_token_openssl CLAIMS print a JWT signed with openssl and the issuer key (CLAIMS
#                                      is the complete claims JSON; nothing is added)
#   sigstore_control JSON              POST /control (fault switches); prints the new settings
#   sigstore_stop                      TERM the recorded PID and wait for it
#
# Every curl call has --max-time; the server has its own lifetime and request-count limits and
# runs under `timeout -k 5`.

SIGSTORE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIGSTORE_NPM_DIR=${SG_NPM_DIR:-$SIGSTORE_DIR/../npm}

sigstore_available() {
	export SIGSTORE_SKIP_REASON=
	if ! command -v node >/dev/null 2>&1; then
		SIGSTORE_SKIP_REASON="node not found (need Node >= 20.17)"
		return 1
	fi
	local v major minor
	v=$(node -p 'process.versions.node' 2>/dev/null) || v=0.0.0
	major=${v%%.*}
	minor=${v#*.}; minor=${minor%%.*}
	if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 17 ]; }; then
		SIGSTORE_SKIP_REASON="node $v too old (need >= 20.17)"
		return 1
	fi
	if [ ! -d "$SIGSTORE_NPM_DIR/node_modules/@sigstore/mock" ] ||
		[ ! -d "$SIGSTORE_NPM_DIR/node_modules/sigstore" ]; then
		SIGSTORE_SKIP_REASON="tests/npm/node_modules missing (run scripts/deps.sh or npm ci in tests/npm)"
		return 1
	fi
	return 0
}

sigstore_start() {
	local dir=$1
	shift
	if [ -z "$dir" ]; then
		echo "sigstore_start: STATE_DIR required" >&2
		return 2
	fi
	mkdir -p "$dir" || return 1
	rm -f "$dir/ready" "$dir/signing_config_v2.json"
	SIGSTORE_STATE=$dir
	SIGSTORE_LOG=$dir/server.log
	local lifetime=${SIGSTORE_LIFETIME:-${SG_PEER_LIFETIME:-300}}
	timeout -k 5 "$lifetime" node "$SIGSTORE_DIR/server.mjs" --state-dir "$dir" \
		--max-lifetime "$lifetime" "$@" >"$SIGSTORE_LOG" 2>&1 &
	SIGSTORE_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$dir/ready" ] && break
		if ! kill -0 "$SIGSTORE_PID" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	if [ ! -s "$dir/ready" ]; then
		echo "sigstore_start: peer not ready after 10 s; log:" >&2
		sed 's/^/  /' "$SIGSTORE_LOG" >&2
		sigstore_stop
		return 1
	fi
	SIGSTORE_URL=$(cat "$dir/url")
	FULCIO_URL=$SIGSTORE_URL
	REKOR_URL=$SIGSTORE_URL
	TSA_URL=$SIGSTORE_URL/api/v1/timestamp
	OIDC_ISSUER=$(cat "$dir/issuer_url")
	TRUSTED_ROOT=$dir/trusted_root.json
	SIGNING_CONFIG=$dir/signing_config.json
	SIGNING_CONFIG_V1ONLY=$dir/signing_config_v1only.json
	SIGNING_CONFIG_V2=
	REKOR2_URL=
	if [ -e "$dir/signing_config_v2.json" ]; then
		SIGNING_CONFIG_V2=$dir/signing_config_v2.json
		REKOR2_URL=$SIGSTORE_URL
	fi
	export SIGSTORE_PID SIGSTORE_URL FULCIO_URL REKOR_URL TSA_URL OIDC_ISSUER TRUSTED_ROOT \
		SIGSTORE_STATE SIGSTORE_LOG REKOR2_URL SIGNING_CONFIG SIGNING_CONFIG_V1ONLY SIGNING_CONFIG_V2
	return 0
}

sigstore_mint_token() {
	local claims=${1:-'{}'} query=${2:-}
	curl -sS --fail-with-body --max-time 5 -X POST -H 'Content-Type: application/json' \
		--data-binary "$claims" "$SIGSTORE_URL/mint${query:+?$query}"
}

# base64url without padding, from stdin.
sigstore_b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

sigstore_mint_token_openssl() {
	local claims=$1 kid header input sig
	kid=$(tr -d '\n' <"$SIGSTORE_STATE/issuer_kid")
	header=$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' "$kid" | sigstore_b64url)
	input="$header.$(printf '%s' "$claims" | sigstore_b64url)"
	sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$SIGSTORE_STATE/issuer.key" -binary |
		sigstore_b64url) || return 1
	printf '%s.%s' "$input" "$sig"
}

sigstore_control() {
	curl -sS --fail-with-body --max-time 5 -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$SIGSTORE_URL/control"
}

sigstore_stop() {
	if [ -n "${SIGSTORE_PID:-}" ]; then
		kill -TERM "$SIGSTORE_PID" 2>/dev/null
		wait "$SIGSTORE_PID" 2>/dev/null
		SIGSTORE_PID=
	fi
	return 0
}
