# shellcheck shell=bash
# Shell helpers for TUF tests: the attack matrix (gen-repos.mjs), the mirror (serve.mjs) and the
# reference client (tufjs-client.mjs). Source it from bash: `source tests/tuf/lib.sh`.
# See docs/test-peers.md, "TUF repositories".
#
#   tuf_available                 0 if node >= 20.17 and tests/npm/node_modules has tuf-js and
#                                 @tufjs/models; else 1 with the reason in TUF_SKIP_REASON
#   tuf_pg_dir                    print the public-good vector directory (../shared/vectors/tuf/
#                                 public-good-2026-08-21, or $SG_VECTORS/tuf/...); 1 if absent
#   tuf_gen MATRIX_DIR            write the matrix (public-good's trusted_root.json and
#                                 signing_config.v0.2.json as target bytes when the vector is
#                                 there, synthetic ones otherwise)
#   tuf_cases MATRIX_DIR          the case names, one per line (sorted)
#   tuf_expect MATRIX_DIR CASE    accept | refuse (what a correct client must do)
#   tuf_field MATRIX_DIR CASE JQ  a field of case.json (jq -r), e.g. tuf_field "$M" good .final.root
#   tuf_serve MATRIX_DIR [ARGS]   start serve.mjs for every case at /<case>/ and the public-good
#                                 vector at /public-good/ (when present), time-limited
#                                 (TUF_LIFETIME, default 300 s; TUF_MAX_REQUESTS, default 5000),
#                                 and wait <= 10 s for its ready file; exports TUF_PID, TUF_URL,
#                                 TUF_LOG, TUF_STATE (= MATRIX_DIR.serve, or $TUF_STATE_DIR: keep
#                                 the matrix in the test's temp dir and so is this). Call it in
#                                 the test's own shell (not in $(...)) so tuf_stop can `wait`.
#                                 ARGS go to serve.mjs (e.g. --tls-cert F --tls-key F).
#   tuf_case_url CASE             $TUF_URL/CASE: the --mirror for that case
#   tuf_seed CASE_DIR DEST        copy CASE_DIR/trusted/*.json (root.json and any cached
#                                 timestamp/snapshot/targets) into DEST, the client's cache
#   tuf_fetched CASE              the requests for that case so far, "METHOD /path STATUS" per
#                                 line, paths relative to the case (from TUF_LOG)
#   tuf_tufjs MATRIX_DIR CASE [ARGS]  run tuf-js on one case; prints its JSON line
#   tuf_stop                      TERM the recorded PID and wait for it
#
# The picosign side (issue #11) is meant to look like:
#   tuf_serve "$M"
#   for c in $(tuf_cases "$M"); do
#       d=$M/$c; cache=$T/cache-$c; tuf_seed "$d" "$cache"
#       PICOSIGN_TIMEOUT=$(tuf_field "$M" "$c" '.client_timeout_s // 10') \
#           picosign initialize --mirror "$(tuf_case_url "$c")" --root "$d/trusted/root.json" ...
#       verdict=accept|refuse from its exit status; compare with "$(tuf_expect "$M" "$c")"
#   done
# Every server runs under `timeout -k 5` with its own lifetime and request limits.

TUF_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TUF_NPM_DIR=${SG_NPM_DIR:-$TUF_LIB_DIR/../npm}

tuf_available() {
	export TUF_SKIP_REASON=
	if ! command -v node >/dev/null 2>&1; then
		TUF_SKIP_REASON="node not found (need Node >= 20.17)"
		return 1
	fi
	local v major minor
	v=$(node -p 'process.versions.node' 2>/dev/null) || v=0.0.0
	major=${v%%.*}
	minor=${v#*.}; minor=${minor%%.*}
	if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 17 ]; }; then
		TUF_SKIP_REASON="node $v too old (need >= 20.17)"
		return 1
	fi
	if [ ! -d "$TUF_NPM_DIR/node_modules/tuf-js" ] || [ ! -d "$TUF_NPM_DIR/node_modules/@tufjs/models" ] ||
		[ ! -d "$TUF_NPM_DIR/node_modules/@tufjs/canonical-json" ]; then
		TUF_SKIP_REASON="tests/npm/node_modules missing tuf-js/@tufjs (run scripts/deps.sh or npm ci in tests/npm)"
		return 1
	fi
	return 0
}

tuf_pg_dir() {
	local d=${SG_VECTORS:-$TUF_LIB_DIR/../../../shared/vectors}/tuf/public-good-2026-08-21
	[ -f "$d/1.root.json" ] || return 1
	printf '%s\n' "$d"
}

tuf_gen() {
	local out=$1 pg tr sc
	if [ -z "$out" ]; then
		echo "tuf_gen: MATRIX_DIR required" >&2
		return 2
	fi
	local extra=()
	if pg=$(tuf_pg_dir); then
		tr=$(find "$pg/targets" -maxdepth 1 -name '*.trusted_root.json' | head -n 1)
		sc=$(find "$pg/targets" -maxdepth 1 -name '*.signing_config.v0.2.json' | head -n 1)
		[ -n "$tr" ] && extra+=(--trusted-root "$tr")
		[ -n "$sc" ] && extra+=(--signing-config "$sc")
	fi
	timeout -k 5 60 node "$TUF_LIB_DIR/gen-repos.mjs" --out "$out" "${extra[@]}" >/dev/null
}

tuf_cases() {
	local m=$1 d
	for d in "$m"/*/; do
		[ -f "$d/case.json" ] && basename "$d"
	done | sort
}

tuf_field() {
	jq -r "$3" "$1/$2/case.json"
}

tuf_expect() {
	tuf_field "$1" "$2" .expect
}

tuf_serve() {
	local m=$1
	shift
	if [ -z "$m" ] || [ ! -d "$m" ]; then
		echo "tuf_serve: MATRIX_DIR required" >&2
		return 2
	fi
	# state (ready file, log) beside the matrix, i.e. in the caller's temp dir
	TUF_STATE=${TUF_STATE_DIR:-$m.serve}
	mkdir -p "$TUF_STATE" || return 1
	rm -f "$TUF_STATE/ready"
	TUF_LOG=$TUF_STATE/serve.log
	local lifetime=${TUF_LIFETIME:-300} pg extra=()
	if pg=$(tuf_pg_dir); then extra+=(--mount "/public-good=$pg"); fi
	timeout -k 5 "$lifetime" node "$TUF_LIB_DIR/serve.mjs" --cases "$m" "${extra[@]}" \
		--ready "$TUF_STATE/ready" --max-lifetime "$lifetime" \
		--max-requests "${TUF_MAX_REQUESTS:-5000}" "$@" 2>"$TUF_LOG" &
	TUF_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$TUF_STATE/ready" ] && break
		kill -0 "$TUF_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$TUF_STATE/ready" ]; then
		echo "tuf_serve: server not ready after 10 s; log:" >&2
		sed 's/^/  /' "$TUF_LOG" >&2
		tuf_stop
		return 1
	fi
	local scheme=http
	case " $* " in *" --tls-cert "*) scheme=https ;; esac
	TUF_URL=$scheme://127.0.0.1:$(tr -d '\n' <"$TUF_STATE/ready")
	export TUF_PID TUF_URL TUF_LOG TUF_STATE
	return 0
}

tuf_case_url() {
	printf '%s/%s\n' "$TUF_URL" "$1"
}

tuf_seed() {
	local d=$1 dest=$2
	mkdir -p "$dest" && cp "$d"/trusted/*.json "$dest"/
}

tuf_fetched() {
	# "tuf-serve: #N GET /case/path -> 200 ..." -> "GET /path 200"
	sed -n "s|^tuf-serve: #[0-9]* \([A-Z]*\) /$1\(/[^ ]*\) -> \([0-9]*\) .*|\1 \2 \3|p" "$TUF_LOG"
}

tuf_tufjs() {
	local m=$1 c=$2
	shift 2
	timeout -k 5 60 node "$TUF_LIB_DIR/tufjs-client.mjs" --case "$m/$c" --url "$(tuf_case_url "$c")" "$@"
}

tuf_stop() {
	if [ -n "${TUF_PID:-}" ]; then
		kill -TERM "$TUF_PID" 2>/dev/null
		wait "$TUF_PID" 2>/dev/null
		TUF_PID=
	fi
	return 0
}
