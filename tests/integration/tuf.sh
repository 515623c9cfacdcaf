#!/usr/bin/env bash
# tuf: picosign's TUF client (`picosign initialize`) and the cache it writes, against the
# peers of tests/tuf/ (docs/test-peers.md, "TUF repositories"):
#   1. the attack matrix (gen-repos.mjs, 61 cases served by serve.mjs): picosign reaches every
#      case's expected verdict (TUF 1.0.34, also where tuf-js 5.0.1 differs); a refusal names
#      the case's role and check; a refused update leaves the cache byte for byte as it was;
#      an accepted one ends at the case's versions with the expected target bytes; tuf-js
#      agrees on every case where it follows the spec; what picosign fetched (consistent
#      snapshot names, no probing past a missing root, no delegation);
#   2. the real public-good repository (../shared/vectors/tuf/public-good-2026-08-21) under
#      faketime 2026-08-22: initialize walks roots 1 -> 15 and caches trusted_root.json
#      6494e21e...; `picosign trust` and verify-blob then use the cache; at the real clock the
#      same refresh is refused as expired and the cache stays as it was;
#   3. 16 parallel initialize runs into one cache all succeed and leave a cache that verifies;
#   4. the cache is no way in: tampered content, a symbolic link, a FIFO, a lie about the
#      fetch time, another repository's state; HOME unset, a read-only HOME and a read-only
#      cache directory; --refresh-trust against a dead mirror;
#   5. the age policy: a warning past 30 days, --max-trust-root-age refuses.
# Inputs: SG_BIN. Skips without node >= 20.17 and tests/npm/node_modules (tuf-js), jq, the
# vectors (part 2-5) or faketime (part 2-5). Last line "N passed, N failed".
# shellcheck disable=SC2016 # single quotes hold jq programs on purpose
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in jq timeout base64 sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=tests/tuf/lib.sh
source "$ROOT/tests/tuf/lib.sh"
tuf_available || skip "$TUF_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy PICOSIGN_TIMEOUT
unset SIGSTORE_ROOT_FILE SIGSTORE_REKOR_PUBLIC_KEY SIGSTORE_CT_LOG_PUBLIC_KEY_FILE
unset SIGSTORE_TSA_CERTIFICATE_FILE TUF_ROOT TUF_MIRROR TUF_ROOT_JSON PICOSIGN_REFRESH_TRUST
unset XDG_CACHE_HOME
# a faked wall clock, but deadlines and lock waits on the real monotonic clock
export FAKETIME_DONT_FAKE_MONOTONIC=1
# faketime preloads its library, which AddressSanitizer (make sanitize) must be told to accept
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

T=$(mktemp -d)
cleanup() {
	tuf_stop
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
MOUNTS=()
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE
export TUF_LIFETIME=${TUF_LIFETIME:-300}
M=$T/matrix
tuf_gen "$M" || { bad "gen-repos.mjs writes the matrix"; finish; exit 1; }
tuf_serve "$M" || { bad "serve.mjs starts"; finish; exit 1; }
mapfile -t CASES < <(tuf_cases "$M")
check "the matrix has at least 12 cases (${#CASES[@]})" test "${#CASES[@]}" -ge 12

# The cache file of a mirror, as cli/tuf.c names it (sigstore-go's naming).
cache_file() { printf '%s/%s.json' "$1" "$(printf '%s' "$2" | sed -E 's#^https://##; s#[^A-Za-z0-9._-]#-#g')"; }
# Seed a cache with a case's trusted/ files (what an earlier update left), as one document.
seed() { # seed CASE_DIR CACHE_DIR MIRROR
	local d=$1 c=$2 m=$3 f args=()
	mkdir -p "$c"
	[ "$(ls "$d/trusted")" = root.json ] && return 0
	args+=(--arg mirror "$m" --arg root "$(base64 -w0 "$d/trusted/root.json")")
	for f in timestamp snapshot targets; do
		if [ -f "$d/trusted/$f.json" ]; then
			args+=(--arg "$f" "$(base64 -w0 "$d/trusted/$f.json")")
		else args+=(--arg "$f" ""); fi
	done
	jq -n "${args[@]}" '{mediaType: "application/vnd.dev.picosign.tuf-cache.v1+json",
		mirror: $mirror, roots: [$root]}
		+ (if $timestamp != "" then {timestamp: $timestamp} else {} end)
		+ (if $snapshot != "" then {snapshot: $snapshot} else {} end)
		+ (if $targets != "" then {targets: $targets} else {} end)' >"$(cache_file "$c" "$m")"
}
digest_dir() { (cd "$1" && find . -type f ! -name '*.lock' -print0 | sort -z | xargs -0r sha256sum); }

# ---- 1. the attack matrix ----
declare -A GOT
t0=$(date +%s)
for c in "${CASES[@]}"; do
	d=$M/$c
	url=$(tuf_case_url "$c")
	cache=$T/cache/$c
	seed "$d" "$cache" "$url"
	before=$(digest_dir "$cache")
	lines=$(wc -l <"$TUF_LOG")
	to=$(tuf_field "$M" "$c" '.client_timeout_s // 10')
	if TUF_ROOT=$cache PICOSIGN_TIMEOUT=$to timeout -k 5 90 "$BIN" initialize --mirror "$url" \
		--root "$d/trusted/root.json" \
		--root-checksum "$(tuf_field "$M" "$c" .trusted_root_sha256)" >"$T/$c.out" 2>"$T/$c.err"
	then got=accept; else got=refuse; fi
	tail -n +"$((lines + 1))" "$TUF_LOG" >"$T/$c.log"
	GOT[$c]=$got
	want=$(tuf_expect "$M" "$c")
	role=$(tuf_field "$M" "$c" .role)
	chk=$(tuf_field "$M" "$c" .check)
	msg=$(tail -n 1 "$T/$c.err")
	if [ "$got" != "$want" ]; then
		bad "$c: picosign ${got}s, the case expects $want: $msg"
		continue
	fi
	if [ "$want" = refuse ]; then
		# the role (timestamp, snapshot, targets, root, target) and the check by name
		case $msg in
		"Error: TUF $role"*"$chk"*) ok "$c: refused, $msg" ;;
		*"$chk"*) bad "$c: refused, but the message does not start with TUF $role: $msg" ;;
		*) bad "$c: refused, but the message does not name the check $chk: $msg" ;;
		esac
		check "$c: the cache is untouched" test "$before" = "$(digest_dir "$cache")"
		continue
	fi
	# accepted: the versions the case names, the expected bytes of both targets
	fin=$(tuf_field "$M" "$c" '.final | "root \(.root) (walked \(.root)), timestamp \(.timestamp), snapshot \(.snapshot), targets \(.targets)"')
	vers=$(sed -n 's/^TUF versions: //p' "$T/$c.out" | sed -E 's/walked [0-9]+ -> /walked /')
	check "$c: accepted at $vers" test "$vers" = "$fin"
	rm -rf "$T/export"
	TUF_ROOT=$cache TUF_ROOT_JSON=$d/trusted/root.json TUF_MIRROR=$url \
		timeout 30 "$BIN" trust --export "$T/export" >"$T/$c.trust" 2>&1
	same=1
	for f in trusted_root.json signing_config.v0.2.json; do
		cmp -s "$T/export/$f" "$d/expected/$f" || same=0
	done
	check "$c: the cache holds the expected trusted_root.json and signing config" test $same = 1
	check "$c: trust reads the cache back, re-verified from TUF_ROOT_JSON" \
		grep -q '^  source:    TUF cache ' "$T/$c.trust"
done
echo "# matrix: ${#CASES[@]} cases in $(($(date +%s) - t0)) s"

# What picosign fetched: versioned names, the 404 that ends the root loop, no delegation.
for p in $(jq -r '.fetched[]' "$M/good/case.json"); do
	grep -q "^tuf-serve: #[0-9]* GET /good$p -> " "$T/good.log" || bad "good: did not fetch $p"
done
check "good: 3.root.json was asked for (404) and ended the root loop" \
	grep -q 'GET /good/3.root.json -> 404' "$T/good.log"
check "good: no delegated role fetched" bash -c '! grep -q registry.npmjs.org "$1"' _ "$T/good.log"
check "root-gap: stopped at 2.root.json (404), never asked for 3.root.json" \
	bash -c 'grep -q "GET /root-gap/2.root.json -> 404" "$1" && ! grep -q "/root-gap/3.root.json" "$1"' \
	_ "$T/root-gap.log"
check "good-cached-current: the equal timestamp ended the update (no snapshot fetched)" \
	bash -c '! grep -q "snapshot.json" "$1"' _ "$T/good-cached-current.log"

# tuf-js on the same server: the same verdict wherever it follows the spec.
timeout -k 5 120 node "$ROOT/tests/tuf/tufjs-client.mjs" --cases "$M" --url "$TUF_URL" \
	--cache "$T/tufjs" >"$T/tufjs.jsonl" 2>"$T/tufjs.err"
agree=0 differ=()
for c in "${CASES[@]}"; do
	tj=$(jq -r --arg c "$c" 'select(.case == $c) | .verdict' "$T/tufjs.jsonl")
	known=$(tuf_field "$M" "$c" '.tufjs.verdict // ""')
	if [ -n "$known" ]; then
		[ "$tj" = "$known" ] || bad "$c: tuf-js says $tj, docs/test-peers.md says it says $known"
		differ+=("$c")
	elif [ "$tj" = "${GOT[$c]}" ]; then
		agree=$((agree + 1))
	else
		bad "$c: tuf-js ${tj}s, picosign ${GOT[$c]}s"
	fi
done
check "tuf-js agrees on every spec-conformant case ($agree; known deviations: ${differ[*]})" \
	test $((agree + ${#differ[@]})) -eq "${#CASES[@]}"

# ---- 2. the public-good repository ----
PG=$(tuf_pg_dir) || PG=
VEC=${SG_VECTORS:-$ROOT/../shared/vectors}
B=$VEC/conformance/bundle-verify/happy-path-v0.3
ID='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
ISS=https://token.actions.githubusercontent.com
if [ -z "$PG" ] || [ ! -f "$B/bundle.sigstore.json" ]; then
	echo "skipped: public-good vector or conformance bundle not found (parts 2-5)"
	finish
	exit $?
fi
if ! command -v faketime >/dev/null 2>&1; then
	echo "skipped: faketime is not installed (parts 2-5)"
	finish
	exit $?
fi
PGURL=$TUF_URL/public-good
FT=(faketime '2026-08-22 00:00:00')
verify() { # verify [picosign args...]: verify-blob of the public-good conformance bundle
	timeout 30 "$BIN" verify-blob --bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$@" "$B/../a.txt"
}
C=$T/pg
TUF_ROOT=$C timeout 60 "${FT[@]}" "$BIN" initialize --mirror "$PGURL" --root "$PG/1.root.json" \
	>"$T/pg.out" 2>"$T/pg.err"
rc=$?
check "public-good at 2026-08-22: initialize succeeds ($(tail -n 1 "$T/pg.err"))" test $rc -eq 0
check "it walks roots 1 -> 15, timestamp 762, snapshot 165, targets 14" grep -qx \
	'TUF versions: root 15 (walked 1 -> 15), timestamp 762, snapshot 165, targets 14' "$T/pg.out"
check "it caches trusted_root.json 6494e21e...0b66" grep -qx \
	'trusted_root.json: sha256 6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66' \
	"$T/pg.out"
PGC=$(cache_file "$C" "$PGURL")
check "one cache document, a lock and remote.json; no temporary file left" test \
	"$(cd "$C" && ls | tr '\n' ' ')" = "$(basename "${PGC%.json}").json $(basename "${PGC%.json}").lock remote.json "
TUF_ROOT=$C timeout 30 "$BIN" trust >"$T/trust.out" 2>&1
check "trust shows the cache as the source" grep -qF "  source:    TUF cache $PGC (TUF cache)" "$T/trust.out"
check "trust shows the TUF versions" grep -qx \
	'  TUF:       root v15, timestamp v762, snapshot v165, targets v14' "$T/trust.out"
check "trust shows the mirror" grep -qx "  mirror:    $PGURL" "$T/trust.out"
check "trust shows the fetch time" grep -q '^  fetched:   2026-08-22T00:00:00Z' "$T/trust.out"
check "trust lists the CAs, logs and TSA with windows" bash -c 'grep -q "^Certificate authorities (Fulcio): 2" "$1" &&
	grep -q "^Transparency logs (Rekor): 2" "$1" && grep -q "^Timestamp authorities: 1" "$1" &&
	grep -q "valid 2022-04-13T20:06:15Z .. (open)  https://fulcio.sigstore.dev" "$1"' _ "$T/trust.out"
check "trust names the endpoints for an allow-list" grep -q \
	"egress allow-list (host:port): 127.0.0.1:${TUF_URL##*:} fulcio.sigstore.dev:443 rekor.sigstore.dev:443 timestamp.sigstore.dev:443" \
	"$T/trust.out"
TUF_ROOT=$C timeout 30 "$BIN" version >"$T/version.out" 2>&1
check "version has one trust line naming the cache" grep -q "^trust: TUF cache $PGC, trusted_root.json sha256 6494e21e" "$T/version.out"
TUF_ROOT=$C verify >"$T/v.out" 2>&1
rc=$?
check "verify-blob verifies with the cache ($(tail -n 1 "$T/v.out"))" test $rc -eq 0
check "... and warns that it is 100+ days old" grep -q "WARNING: the trust material in use (TUF cache $PGC) was fetched 2026-08-22T00:00:00Z, 1[0-9][0-9] days ago" "$T/v.out"
before=$(digest_dir "$C")
TUF_ROOT=$C timeout 60 "$BIN" initialize --mirror "$PGURL" --root "$PG/1.root.json" >"$T/pg2.out" 2>&1
rc=$?
check "at the real clock the same refresh is refused" test $rc -ne 0
check "... as an expired root ($(tail -n 1 "$T/pg2.out"))" grep -q \
	'^Error: TUF root v15: expired: the final root expired 2026-11-20T13:58:18Z' "$T/pg2.out"
check "... and the cache is untouched" test "$before" = "$(digest_dir "$C")"
TUF_ROOT=$C timeout 60 "${FT[@]}" "$BIN" initialize --mirror "$PGURL" >"$T/pg3.out" 2>&1
check "initialize from the embedded root (no --root) is up to date at once" grep -qx \
	'TUF versions: root 15 (walked 15 -> 15), timestamp 762, snapshot 165, targets 14' "$T/pg3.out"

# ---- 3. 16 parallel runs into one cache ----
P=$T/parallel
pids=()
for i in $(seq 1 16); do
	TUF_ROOT=$P timeout -k 5 120 "${FT[@]}" "$BIN" initialize --mirror "$PGURL" \
		--root "$PG/1.root.json" >"$T/par$i.out" 2>&1 &
	pids+=($!)
done
okn=0
for p in "${pids[@]}"; do wait "$p" && okn=$((okn + 1)); done
check "16 parallel initialize runs all end cleanly ($okn)" test "$okn" -eq 16
check "... and leave no temporary file" test -z "$(find "$P" -name '*.tmp*')"
TUF_ROOT=$P timeout 30 "$BIN" trust >"$T/ptrust.out" 2>&1
check "... and a cache that verifies" grep -q "^  source:    TUF cache $P/" "$T/ptrust.out"
TUF_ROOT=$P verify >/dev/null 2>&1
rc=$?
check "... and verifies a bundle" test $rc -eq 0

# ---- 4. the cache is no way in ----
tamper() { # tamper DIR JQ: rewrite the cache document of the public-good mirror
	local f
	f=$(cache_file "$1" "$PGURL")
	jq "$2" "$f" >"$f.new" && mv "$f.new" "$f"
}
X=$T/x
# a trusted_root.json of the attacker's (a valid JSON document, another hash)
cp -r "$C" "$X"
evil=$(jq -c '.tlogs = []' "$PG/targets/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json" | base64 -w0)
tamper "$X" ".targetFiles[\"trusted_root.json\"] = \"$evil\""
TUF_ROOT=$X timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a swapped trusted_root.json is ignored: the embedded material is used" \
	grep -q '^  source:    embedded public-good trust material' "$T/x.out"
check "... and trust says why" grep -q 'note:      ignoring the TUF cache .* TUF target trusted_root.json: ' "$T/x.out"
TUF_ROOT=$X verify >"$T/xv.out" 2>&1
rc=$?
check "verification then works from the embedded material, with a warning" bash -c \
	'[ $1 -eq 0 ] && grep -q "^WARNING: ignoring the TUF cache" "$2"' _ $rc "$T/xv.out"
# a targets file of its own (re-signing is impossible; the threshold fails)
rm -rf "$X" && cp -r "$C" "$X"
tgt=$(jq -r .targets "$(cache_file "$X" "$PGURL")" | base64 -d | sed 's/"version": 14/"version": 15/' | base64 -w0)
tamper "$X" ".targets = \"$tgt\""
TUF_ROOT=$X timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a re-versioned targets.json is ignored (signature)" grep -q \
	'note:      ignoring the TUF cache .*TUF targets v15: \(threshold\|mix-and-match\)' "$T/x.out"
# another repository's state (a matrix case's root) is no anchor for public-good
rm -rf "$X" && mkdir -p "$X"
seed "$M/good-cached-current" "$X" "$PGURL"
TUF_ROOT=$X TUF_MIRROR=$PGURL timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a foreign repository's state does not verify from the embedded root" grep -q \
	'note:      ignoring the TUF cache .*TUF root' "$T/x.out"
# a lie about the fetch time is bounded by the signed timestamp's expiry
rm -rf "$X" && cp -r "$C" "$X"
tamper "$X" '.fetched = "2030-01-01T00:00:00Z"'
TUF_ROOT=$X timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a fetch time in the future counts as the timestamp's expiry" grep -q \
	'^  fetched:   2026-08-28T19:25:56Z' "$T/x.out"
# a symbolic link and a FIFO in place of the document
rm -rf "$X" && mkdir -p "$X"
ln -s "$PGC" "$(cache_file "$X" "$PGURL")"
echo "{\"mirror\":\"$PGURL\"}" >"$X/remote.json"
TUF_ROOT=$X timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a symbolic link is not followed" grep -q 'note:      ignoring the TUF cache .*symbolic link' "$T/x.out"
rm -f "$(cache_file "$X" "$PGURL")"
mkfifo "$(cache_file "$X" "$PGURL")"
TUF_ROOT=$X timeout 10 "$BIN" trust >"$T/x.out" 2>&1
rc=$?
check "a FIFO does not block the reader" bash -c '[ $1 -ne 124 ] && grep -q "not a regular file" "$2"' _ $rc "$T/x.out"
# a private repository's cache needs its anchor named outside the cache
G=$T/good
seed "$M/good" "$G" "$(tuf_case_url good)" # (only root.json: nothing written)
TUF_ROOT=$G timeout 30 "$BIN" initialize --mirror "$(tuf_case_url good)" --root "$M/good/trusted/root.json" >/dev/null 2>&1
TUF_ROOT=$G timeout 30 "$BIN" trust >"$T/x.out" 2>&1
check "a private repository's cache without TUF_ROOT_JSON is not trusted" grep -q \
	'note:      ignoring the TUF cache' "$T/x.out"
TUF_ROOT=$G TUF_ROOT_JSON=$M/matrix-no-such-root.json timeout 30 "$BIN" trust >"$T/x.out" 2>&1
rc=$?
check "a TUF_ROOT_JSON that cannot be read is an error naming it" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: TUF_ROOT_JSON=$2: cannot read" "$3"' _ $rc "$M/matrix-no-such-root.json" "$T/x.out"
TUF_ROOT=$G TUF_ROOT_JSON=$PG/1.root.json timeout 30 "$BIN" trust >"$T/x.out" 2>&1
rc=$?
check "a cache that does not verify from TUF_ROOT_JSON is an error, not a fallback" \
	bash -c '[ $1 -eq 1 ] && grep -q "^Error: TUF cache .* (anchored at TUF_ROOT_JSON=" "$2"' _ $rc "$T/x.out"

# no HOME, a read-only HOME, a read-only cache
env -u HOME -u TUF_ROOT -u XDG_CACHE_HOME "$BIN" verify-blob --bundle "$B/bundle.sigstore.json" \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/nohome.out" 2>&1
rc=$?
check "HOME unset: verification passes (embedded material)" test $rc -eq 0
env -u HOME -u TUF_ROOT -u XDG_CACHE_HOME "$BIN" initialize >"$T/nohome2.out" 2>&1
rc=$?
check "HOME unset: initialize says where a cache could go" bash -c \
	'[ $1 -eq 1 ] && grep -q "no cache directory: set TUF_ROOT, XDG_CACHE_HOME or HOME" "$2"' _ $rc "$T/nohome2.out"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	RO=$T/rohome
	mkdir -p "$RO/.cache/picosign"
	cp -r "$C" "$RO/.cache/picosign/tuf"
	# a read-only bind of HOME in a private mount namespace (root ignores mode bits)
	ro() { # ro DIR COMMAND...: run COMMAND with DIR mounted read-only
		local dir=$1
		shift
		unshare --mount sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
			_ "$dir" "$@"
	}
	ro "$RO" env -u TUF_ROOT HOME="$RO" "$BIN" verify-blob --bundle "$B/bundle.sigstore.json" \
		--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/ro.out" 2>&1
	rc=$?
	check "read-only HOME holding the cache: verification passes ($(tail -n 1 "$T/ro.out"))" test $rc -eq 0
	ro "$RO" env -u TUF_ROOT HOME="$RO" "$BIN" trust >"$T/ro.out" 2>&1
	check "... from the cache" grep -q "^  source:    TUF cache $RO/.cache/picosign/tuf/" "$T/ro.out"
	ro "$RO" env -u TUF_ROOT HOME="$RO" "${FT[@]}" "$BIN" initialize --mirror "$PGURL" >"$T/ro.out" 2>&1
	rc=$?
	check "read-only cache: initialize fails cleanly ($(tail -n 1 "$T/ro.out"))" bash -c \
		'[ $1 -eq 1 ] && grep -q "^Error: cannot lock .*Read-only file system" "$2"' _ $rc "$T/ro.out"
	ro "$C" env TUF_ROOT="$C" "$BIN" verify-blob --bundle "$B/bundle.sigstore.json" \
		--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/ro.out" 2>&1
	rc=$?
	check "read-only TUF_ROOT: verification passes" test $rc -eq 0
	mkdir -p "$T/emptyhome"
	ro "$T/emptyhome" env -u TUF_ROOT HOME="$T/emptyhome" "$BIN" verify-blob \
		--bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$B/../a.txt" >"$T/ro.out" 2>&1
	rc=$?
	check "read-only HOME without a cache: verification passes (embedded)" test $rc -eq 0
else
	echo "skipped: read-only HOME and cache checks need root and unshare"
fi

# --refresh-trust: a dead mirror is a warning, a live one refreshes
TUF_ROOT=$C TUF_MIRROR=http://127.0.0.1:9 verify --refresh-trust >"$T/r.out" 2>&1
rc=$?
check "--refresh-trust with a dead mirror: verification still passes" test $rc -eq 0
check "... with a warning naming the mirror" grep -q \
	'^WARNING: refreshing trust from http://127.0.0.1:9 failed (TUF root: unavailable: ' "$T/r.out"
R=$T/refresh
TUF_ROOT=$R TUF_MIRROR=$PGURL PICOSIGN_REFRESH_TRUST=1 "${FT[@]}" timeout 60 "$BIN" trust >"$T/r.out" 2>&1
check "PICOSIGN_REFRESH_TRUST=1 refreshes the cache first" grep -q "^  source:    TUF cache $R/" "$T/r.out"

# ---- 5. the age policy ----
TUF_ROOT=$C verify --max-trust-root-age 72h >"$T/age.out" 2>&1
rc=$?
check "--max-trust-root-age 72h refuses 100-day-old material" bash -c \
	'[ $1 -eq 1 ] && grep -q "^Error: trust material too old: TUF cache .* was fetched 2026-08-22T00:00:0[0-9]Z, .* more than --max-trust-root-age 72h" "$2"' \
	_ $rc "$T/age.out"
TUF_ROOT=$C verify --max-trust-root-age 8760h >"$T/age.out" 2>&1
rc=$?
check "--max-trust-root-age 8760h passes" test $rc -eq 0
TUF_ROOT=$C faketime '2026-08-23 00:00:00' timeout 30 "$BIN" verify-blob \
	--bundle "$B/bundle.sigstore.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" \
	--max-trust-root-age 48h "$B/../a.txt" >"$T/age.out" 2>&1
rc=$?
check "a day-old cache passes 48h, without a warning" bash -c \
	'[ $1 -eq 0 ] && ! grep -q WARNING "$2"' _ $rc "$T/age.out"
TUF_ROOT=$C verify --max-trust-root-age 30 >"$T/age.out" 2>&1
check "a duration without a unit is a usage error" grep -q \
	'is not a duration (Go syntax: 72h, 30m, 1h30m)' "$T/age.out"
verify --trusted-root "$PG/targets/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json" \
	--max-trust-root-age 8760h >"$T/age.out" 2>&1
rc=$?
check "--max-trust-root-age with --trusted-root: the age is unknown, refused" bash -c \
	'[ $1 -eq 1 ] && grep -q "the age of .* is unknown" "$2"' _ $rc "$T/age.out"
finish
