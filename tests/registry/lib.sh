# shellcheck shell=bash
# Shell helpers for tests that put the referrers front (tests/registry/referrers_front.mjs) before a
# docker-registry started with tests/lib/oci.sh. Source it from bash; see docs/test-peers.md.
#
#   front_start UPSTREAM_URL STATE_DIR [FLAGS]  start the front (background, `timeout -k 5`, lifetime
#                             ${FRONT_LIFETIME:-$PEER_LIFETIME} s) and wait <= 10 s for its ready file; sets
#                             FRONT_PID, FRONT_URL (http://127.0.0.1:PORT), FRONT_HOSTPORT, FRONT_LOG.
#                             Call it in the test's own shell (not in $(...)).
#   front_control JSON        POST /_front/control (e.g. '{"referrers_status":500}'); prints settings
#   front_stop                TERM the recorded PID and wait for it
# Needs node (the caller checks sigstore_available or node itself).

FRONT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

front_start() {
	local up=$1 dir=$2
	shift 2
	mkdir -p "$dir" || return 1
	rm -f "$dir/ready"
	FRONT_LOG=$dir/front.log
	local lifetime=${FRONT_LIFETIME:-$PEER_LIFETIME}
	timeout -k 5 "$lifetime" node "$FRONT_DIR/referrers_front.mjs" --upstream "$up" --state-dir "$dir" \
		--max-lifetime "$lifetime" "$@" >"$FRONT_LOG" 2>&1 &
	FRONT_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$dir/ready" ] && break
		kill -0 "$FRONT_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$dir/ready" ]; then
		echo "front_start: not ready after 10 s; log:" >&2
		sed 's/^/  /' "$FRONT_LOG" >&2
		front_stop
		return 1
	fi
	FRONT_URL=$(cat "$dir/url")
	FRONT_HOSTPORT=${FRONT_URL#http://}
	export FRONT_PID FRONT_URL FRONT_HOSTPORT FRONT_LOG
}

front_control() {
	curl -sS --fail-with-body --max-time 5 -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$FRONT_URL/_front/control"
}

front_stop() {
	if [ -n "${FRONT_PID:-}" ]; then
		kill -TERM "$FRONT_PID" 2>/dev/null
		wait "$FRONT_PID" 2>/dev/null
		FRONT_PID=
	fi
	return 0
}
