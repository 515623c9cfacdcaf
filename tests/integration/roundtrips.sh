#!/usr/bin/env bash
# roundtrips: how many HTTP requests and TCP connections `picosign verify IMAGE` makes for each
# storage form (issue #15; docs/performance.md "Round trips"), counted at the peer: a counting
# proxy (servers/faultproxy.js with FAULTPROXY_LOG_CONNECTIONS=1, no faults) in front of
# Debian's docker-registry (Basic auth; no referrers API) and in front of the referrers front
# (tests/registry/referrers_front.mjs: the OCI 1.1 API). Signed with --key and no log, so no
# Sigstore is needed. For each form (legacy .sig, v3 bundle on the fallback tag, v3 bundle on
# the referrers API) and each reference (tag, digest): verify passes, and the requests (method
# and path, in order) and connections are exactly the ones docs/performance.md lists. Also:
# three images in one run (one ping), a Bearer registry (one token, the registry's connection
# kept while it is fetched; two images, still one token) and a TLS registry (the scheme probe
# is the ping), the last counted in the registry's access log. A count that grows fails here.
# Set SG_RTT_SHOW=1 to print every request.
# Inputs: SG_BIN. Last line "N passed, N failed"; skips when node or the registry is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry htpasswd curl jq timeout node sha256sum tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES \
	PICOSIGN_MAX_RETRIES COSIGN_REPOSITORY

# shellcheck source=../lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
# shellcheck source=../registry/lib.sh
source "$ROOT/tests/registry/lib.sh"
oci_scratch
trap 'front_stop; oci_scratch_cleanup' EXIT

# shellcheck source=../lib/rtt.sh
source "$ROOT/tests/lib/rtt.sh"
rtt_setup || { finish; exit 1; }

# norm: the image's digest as <d>, any other (a signature's manifest or blob) as <x>.
norm() { sed -e "s/${D#sha256:}/<d>/g" -e 's/sha256:[0-9a-f]\{64\}/sha256:<x>/g'; }

# measure NAME PROXYLOG PORT REPO REF [ARGS...]: one verify through the proxy (ARGS, flags or
# more images, come before 127.0.0.1:PORT/REPO REF); leaves the requests in $T/NAME.req (one
# "METHOD PATH status=N" a line, through norm) and sets REQS, CONNS (counted at the proxy) and
# SELF (picosign's own connection count).
measure() {
	local name=$1 log=$2 port=$3 repo=$4 ref=$5
	shift 5
	: >"$log"
	PICOSIGN_DEBUG_CONNECTIONS=1 PS verify "${RF[@]}" --key "$T/k.pub" --insecure-ignore-tlog \
		"$@" "127.0.0.1:$port/$repo$ref" >"$T/$name.out" 2>"$T/$name.err"
	local rc=$?
	sleep 0.2 # the proxy logs a request once its answer is sent
	grep -v '^CONNECT ' "$log" | sed -e 's/ fault=pass//' | norm >"$T/$name.req"
	REQS=$(wc -l <"$T/$name.req")
	CONNS=$(grep -c '^CONNECT ' "$log")
	SELF=$(sed -n 's/^picosign: \([0-9]*\) connection(s) to registries$/\1/p' "$T/$name.err")
	echo "# $name: $REQS requests, $CONNS connection(s) at the peer, $SELF by picosign's count"
	[ "${SG_RTT_SHOW:-0}" = 1 ] && sed 's/^/#   /' "$T/$name.req"
	return "$rc"
}

# expect NAME CONNS[/ALL] REQUEST...: the requests, in order, and the connections: CONNS at
# the peer, and ALL (default CONNS) by picosign's count, which includes a token service's.
expect() {
	local name=$1 conns=${2%/*} all=${2#*/}
	shift 2
	printf '%s\n' "$@" >"$T/$name.want"
	check "$name: verify passes" grep -q '"critical"' "$T/$name.out"
	if diff "$T/$name.want" "$T/$name.req" >"$T/$name.diff"; then
		ok "$name: exactly the $# requests docs/performance.md lists"
	else
		bad "$name: the requests differ from docs/performance.md (- listed, + made):"
		sed -n 's/^\([<>]\)/#   \1/p' "$T/$name.diff" | sed -e 's/^#   </#   -/' -e 's/^#   >/#   +/'
	fi
	if [ "$conns" = "$all" ]; then
		check "$name: $conns connection(s) at the peer, and picosign counts the same" \
			test "$CONNS:$SELF" = "$conns:$conns"
	else
		check "$name: $conns connection(s) at the peer, $all by picosign's count" \
			test "$CONNS:$SELF" = "$conns:$all"
	fi
}

# The requests of each form, by digest; a tag adds its manifest GET after the ping. Over
# plain http the peer sees two connections: ggcr's scheme rule tries TLS first (a handshake the
# proxy answers with nothing), then the one plain connection every request shares.
PING='GET /v2/ status=401'
tagget() { echo "GET /v2/$1/manifests/v1 status=200"; }
LEGACY=('GET /v2/rtt/legacy/referrers/sha256:<d> status=404'
	'GET /v2/rtt/legacy/manifests/sha256-<d> status=404'
	'GET /v2/rtt/legacy/manifests/sha256-<d>.sig status=200'
	'GET /v2/rtt/legacy/blobs/sha256:<x> status=200')
FALLBACK=('GET /v2/rtt/fallback/referrers/sha256:<d> status=404'
	'GET /v2/rtt/fallback/manifests/sha256-<d> status=200'
	'GET /v2/rtt/fallback/manifests/sha256:<x> status=200'
	'GET /v2/rtt/fallback/blobs/sha256:<x> status=200')
API=('GET /v2/rtt/api/referrers/sha256:<d> status=200'
	'GET /v2/rtt/api/manifests/sha256:<x> status=200'
	'GET /v2/rtt/api/blobs/sha256:<x> status=200')

echo "# legacy .sig (cosign v3's order: bundles first, then the .sig tag)"
measure legacy-tag "$T/regp.log" "$REGP" rtt/legacy :v1
expect legacy-tag 2 "$PING" "$(tagget rtt/legacy)" "${LEGACY[@]}"
measure legacy-digest "$T/regp.log" "$REGP" rtt/legacy "@$D"
expect legacy-digest 2 "$PING" "${LEGACY[@]}"
measure legacy-only "$T/regp.log" "$REGP" rtt/legacy "@$D" --new-bundle-format=false
expect legacy-only 2 "$PING" "${LEGACY[@]:2}"

echo "# v3 bundle, registry without the referrers API (the fallback tag)"
measure fallback-tag "$T/regp.log" "$REGP" rtt/fallback :v1
expect fallback-tag 2 "$PING" "$(tagget rtt/fallback)" "${FALLBACK[@]}"
measure fallback-digest "$T/regp.log" "$REGP" rtt/fallback "@$D"
expect fallback-digest 2 "$PING" "${FALLBACK[@]}"

echo "# v3 bundle, registry with the referrers API"
measure api-tag "$T/frontp.log" "$FRONTP" rtt/api :v1
expect api-tag 2 "$PING" "$(tagget rtt/api)" "${API[@]}"
measure api-digest "$T/frontp.log" "$FRONTP" rtt/api "@$D"
expect api-digest 2 "$PING" "${API[@]}"

# Several images in one run (one worker, so in order): the ping's answer is kept for the host,
# so one GET /v2/ for the three, all on the one connection.
echo "# three images in one verify"
measure three "$T/regp.log" "$REGP" rtt/legacy "@$D" --max-workers 1 \
	"127.0.0.1:$REGP/rtt/fallback@$D" "127.0.0.1:$REGP/rtt/fallback:v1"
expect three 2 "$PING" "${FALLBACK[@]}" "$(tagget rtt/fallback)" "${FALLBACK[@]}" "${LEGACY[@]}"
check "three: the three verified" test "$(grep -c '"critical"' "$T/three.out")" = 3

# A Bearer registry (tests/integration/registry/token_server.js, which logs each token it
# issues): one token for the repository's pull scope, fetched after the ping and sent with
# every request; the registry sees the same requests as with Basic, and its connection waits
# while the token is fetched (2 at the registry, 3 with the token service's).
echo "# v3 bundle on the fallback tag, Bearer tokens"
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 30 \
	-subj "/CN=test token signer" -keyout "$T/token.key" -out "$T/token.pem" >/dev/null 2>&1
timeout -k 5 300 node "$ROOT/tests/integration/registry/token_server.js" "$T/token.key" \
	"$T/token.pem" "$T/token.port" "$T/token.log" 280 2000 >"$T/token.out" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [ -s "$T/token.port" ] && break; sleep 0.05; done
TOKP=$(cat "$T/token.port" 2>/dev/null)
[ -n "$TOKP" ] || { bad "token server starts"; finish; exit 1; }
start_registry tokreg "auth:" "  token:" "    realm: http://127.0.0.1:$TOKP/token" \
	"    service: test-registry" "    issuer: test-token-issuer" \
	"    rootcertbundle: $T/token.pem" || { bad "token registry starts"; finish; exit 1; }
TOKRP=$PORT
start_proxy tokp "$TOKRP" || { bad "proxy before the token registry starts"; finish; exit 1; }
TOKPP=$PPORT
tok=$(curl -s --max-time 10 -u testuser:testpass \
	"http://127.0.0.1:$TOKP/token?service=test-registry&scope=repository:rtt/fallback:pull,push" |
	jq -r .token)
CURL_AUTH=(-H "Authorization: Bearer $tok")
push_image "http://127.0.0.1:$TOKRP" rtt/fallback v1 "$T/img" || bad "push to the token registry"
RF=(--allow-http-registry --registry-username testuser --registry-password testpass)
SIGN "127.0.0.1:$TOKRP/rtt/fallback@$D" || bad "sign v3 on the token registry"
: >"$T/token.log"
measure bearer-digest "$T/tokp.log" "$TOKPP" rtt/fallback "@$D"
expect bearer-digest 2/3 "$PING" "${FALLBACK[@]}"
check "bearer-digest: one token, for the repository's pull scope ($(wc -l <"$T/token.log"))" \
	grep -qx 'GET user=testuser scopes=repository:rtt/fallback:pull' "$T/token.log"
check "bearer-digest: ... and no other" test "$(wc -l <"$T/token.log")" = 1
# Two images of the repository in one run (one worker): the ping's answer and the token are
# kept for the host, so one of each for both.
: >"$T/token.log"
measure bearer-two "$T/tokp.log" "$TOKPP" rtt/fallback :v1 --max-workers 1 \
	"127.0.0.1:$TOKPP/rtt/fallback@$D"
expect bearer-two 2/3 "$PING" "${FALLBACK[@]}" "$(tagget rtt/fallback)" "${FALLBACK[@]}"
check "bearer-two: one token for both images ($(wc -l <"$T/token.log"))" \
	test "$(wc -l <"$T/token.log")" = 1
RF=(--allow-http-registry --registry-username tester --registry-password secret)

# Over TLS (a loopback registry is tried over https first, as ggcr does): the probe's GET /v2/
# is the ping, so one GET /v2/ and one connection. Counted in the registry's access log (the
# proxy cannot see into TLS): requests from its lines, connections as distinct client ports.
echo "# v3 bundle on the fallback tag, over TLS"
make_tls_pki "$T/tls" || bad "test CA"
start_registry tlsreg "  tls: {certificate: $T/tls/server-chain.pem, key: $T/tls/server.key}" ||
	{ bad "TLS registry starts"; finish; exit 1; }
TLSP=$PORT
CURL_AUTH=()
CURL_TLS=(--cacert "$T/tls/ca.pem")
push_image "https://localhost:$TLSP" rtt/fallback v1 "$T/img" || bad "push to the TLS registry"
export SSL_CERT_FILE=$T/tls/ca.pem
SIGN "localhost:$TLSP/rtt/fallback@$D" || bad "sign v3 over TLS"
sleep 0.3
from=$(($(wc -l <"$T/tlsreg/log") + 1))
PICOSIGN_DEBUG_CONNECTIONS=1 PS verify --key "$T/k.pub" --insecure-ignore-tlog \
	"localhost:$TLSP/rtt/fallback@$D" >"$T/tls-digest.out" 2>"$T/tls-digest.err"
sleep 0.3
tail -n +"$from" "$T/tlsreg/log" >"$T/tls-digest.log"
# the access log's lines: 127.0.0.1 - - [date] "GET /v2/ HTTP/1.1" 200 2 "" "picosign/..."
access='s/^127\.0\.0\.1 - - \[[^]]*\] "\([A-Z]*\) \([^ ]*\) HTTP\/1\.1" \([0-9]*\) .*/'
access+='\1 \2 status=\3/p'
sed -n "$access" "$T/tls-digest.log" | norm >"$T/tls-digest.req"
REQS=$(wc -l <"$T/tls-digest.req")
CONNS=$(grep -o 'http.request.remoteaddr="[^"]*"' "$T/tls-digest.log" | sort -u | wc -l)
SELF=$(sed -n 's/^picosign: \([0-9]*\) connection(s) to registries$/\1/p' "$T/tls-digest.err")
echo "# tls-digest: $REQS requests, $CONNS connection(s) at the peer, $SELF by picosign's count"
[ "${SG_RTT_SHOW:-0}" = 1 ] && sed 's/^/#   /' "$T/tls-digest.req"
expect tls-digest 1 'GET /v2/ status=200' "${FALLBACK[@]}"
finish
