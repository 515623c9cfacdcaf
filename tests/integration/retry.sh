#!/usr/bin/env bash
# retry: the retry policy (sys/retry.h, docs/transport.md "Retries") against real peers behind a
# fault-injecting proxy (servers/faultproxy.js) on loopback: Debian's docker-registry and the
# local Sigstore peer. For each fault, the command's outcome, the retry lines on stderr (method,
# URL without its query, the status or failure, the wait), the bound in count and time, and
# what reached the peer:
#   registry: 503 twice on a blob upload, 429 with Retry-After: 1, a reset in the middle of a
#     blob's body, a manifest PUT whose answer is lost (sent again, one layer), a blob PUT whose
#     answer is lost (the closed session is recognised), a slow drip past the deadline, 500
#     forever on the .sig manifest (gives up after 3 retries, no .sig pushed), and
#     PICOSIGN_MAX_RETRIES (0: no retry; a bad value: usage error);
#   Sigstore: a Rekor upload whose answer is lost (sent again, resolved by the 409 into the
#     existing entry: one entry in the log, and the signature verifies), Fulcio 503 then
#     success, and a GitHub Actions token endpoint answering 503 once.
# Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout node sha256sum tar gzip; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SIGSTORE_ID_TOKEN \
	SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT DOCKER_CONFIG COSIGN_DOCKER_MEDIA_TYPES \
	PICOSIGN_MAX_RETRIES ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
	BUILDKITE_AGENT_ACCESS_TOKEN BUILDKITE_JOB_ID

# shellcheck source=../lib/oci.sh
source "$ROOT/tests/lib/oci.sh"
oci_scratch

# start_proxy NAME UPSTREAM_PORT: the fault proxy in front of a peer; sets PPORT.
start_proxy() {
	timeout -k 5 300 node "$ROOT/tests/integration/servers/faultproxy.js" "$T/$1.ready" \
		"$T/$1.log" 290 2000 "$2" >"$T/$1.out" 2>&1 &
	pids+=($!)
	PPORT=
	for _ in $(seq 200); do
		[ -s "$T/$1.ready" ] && PPORT=$(cat "$T/$1.ready") && break
		sleep 0.05
	done
	[ -n "$PPORT" ] || { echo "proxy $1 did not start:"; cat "$T/$1.out"; return 1; }
}
# faults PORT JSON: replace the proxy's rules (an empty list passes everything through).
faults() {
	curl -s -f --max-time 5 -X PUT --data-binary "{\"rules\":$2}" "http://127.0.0.1:$1/__faults"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
retry_lines() { grep -c '^Retrying ' "$1"; }

start_registry reg || { bad "registry starts"; finish; exit 1; }
start_proxy regp "$PORT" || { bad "proxy starts"; finish; exit 1; }
DIRECT=http://127.0.0.1:$PORT
RP=$PPORT
R=127.0.0.1:$RP
for n in 1 2 3 4 5; do
	make_image "$T/img$n" "retry image $n"
	push_image "$DIRECT" "retry/app$n" v1 "$T/img$n" || bad "pushing image $n"
done
dig() { digest_of "$T/img$1/manifest.json"; }
sigtag() { local d; d=$(dig "$1"); echo "sha256-${d#sha256:}.sig"; }
layers() { # N: layers of image N's .sig manifest (direct, no faults), or "none"
	local m
	m=$(curl -s -f --max-time 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"$DIRECT/v2/retry/app$1/manifests/$(sigtag "$1")") || { echo none; return; }
	jq '.layers | length' <<<"$m"
}

cd "$T" || exit 1
export COSIGN_PASSWORD=pw
timeout 20 "$BIN" generate-key-pair --output-key-prefix k >/dev/null 2>&1
[ -f k.key ] || bad "generate-key-pair"
sign() { # N [ENV...]: sign image N by key, no tlog, through the proxy; err in err.txt, rc
	local n=$1
	shift
	env "$@" timeout 60 "$BIN" sign --allow-http-registry --key k.key --tlog-upload=false -y \
		--new-bundle-format=false \
		"$R/retry/app$n@$(dig "$n")" >out.txt 2>err.txt
	rc=$?
}
verify() { # N [ENV...]
	local n=$1
	shift
	env "$@" timeout 60 "$BIN" verify --allow-http-registry --key k.pub --insecure-ignore-tlog \
		"$R/retry/app$n@$(dig "$n")" >vout.txt 2>err.txt
	rc=$?
}

# ---- registry: 503 twice on the blob upload PUT, then success ----
faults "$RP" '[{"method":"PUT","path":"/blobs/uploads/","fault":"status","status":503,"times":2}]'
t0=$(date +%s%N)
sign 1
el=$(ms_since "$t0")
check "503 twice: sign exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "503 twice: two retry lines" test "$(retry_lines err.txt)" = 2
check "503 twice: the line names method, URL, retry and status" grep -qE \
	"^Retrying PUT http://$R/v2/retry/app1/blobs/uploads/[^ ?]+ in [0-9]+\.[0-9] s \(retry 1 of 3\): 503 Service Unavailable$" err.txt
check "503 twice: no query string (upload state, digest) in the lines" \
	bash -c "! grep '^Retrying' err.txt | grep -qE '_state|digest=|\?'"
check "503 twice: waited at least 0.75 s in backoff (took ${el} ms)" test "$el" -ge 750 -a "$el" -lt 6000
check "503 twice: the signature is there" test "$(layers 1)" = 1
verify 1
check "503 twice: and verifies" test "$rc" -eq 0

# ---- 429 with Retry-After: 1 on the .sig manifest GET ----
faults "$RP" "[{\"method\":\"GET\",\"path\":\"/manifests/$(sigtag 1)\",\"fault\":\"status\",\"status\":429,\"retry_after\":\"1\",\"times\":1}]"
t0=$(date +%s%N)
verify 1
el=$(ms_since "$t0")
check "429: verify exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "429: one line, the server's wait" grep -qE \
	"^Retrying GET http://$R/v2/retry/app1/manifests/$(sigtag 1) in 1\.0 s \(retry 1 of 3\): 429 Too Many Requests$" err.txt
check "429: waited Retry-After (${el} ms)" test "$el" -ge 1000 -a "$el" -lt 4000

# ---- reset in the middle of the payload blob's body ----
faults "$RP" '[{"method":"GET","path":"/blobs/sha256:","fault":"reset_body","times":1}]'
verify 1
check "reset mid-body: verify exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "reset mid-body: one retry, says truncated" bash -c \
	"[ \$(grep -c '^Retrying GET http://$R/v2/retry/app1/blobs/sha256:' err.txt) = 1 ] &&
	grep -q 'HTTP response truncated' err.txt"

# ---- answers lost after the registry acted: manifest PUT, blob PUT ----
faults "$RP" "[{\"method\":\"PUT\",\"path\":\"/manifests/$(sigtag 2)\",\"fault\":\"lost_answer\",\"times\":1},
	{\"method\":\"PUT\",\"path\":\"/blobs/uploads/\",\"fault\":\"lost_answer\",\"times\":1}]"
sign 2
check "lost answers: sign exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
# (A PUT on a kept-alive connection that dies before any answer byte is also sent again by the
# client's stale-connection rule, without a retry line; either way it goes out twice.)
check "lost answers: both PUTs sent again" test \
	"$(grep -c "PUT /v2/retry/app2/manifests/$(sigtag 2)" "$T/regp.log"):$(grep -c \
	'PUT /v2/retry/app2/blobs/uploads/.* status=404' "$T/regp.log")" = 2:1
check "lost answers: the closed upload session was recognised (HEAD found the blob)" \
	test "$(grep -c 'HEAD /v2/retry/app2/blobs/.* status=200' "$T/regp.log")" -ge 1
check "lost answers: one layer, not two" test "$(layers 2)" = 1
verify 2
check "lost answers: verifies" test "$rc" -eq 0

# ---- 500 forever on the .sig manifest PUT: bounded, loud, nothing half-done pushed ----
faults "$RP" "[{\"method\":\"PUT\",\"path\":\"/manifests/\",\"fault\":\"status\",\"status\":500,\"times\":-1}]"
t0=$(date +%s%N)
sign 3
el=$(ms_since "$t0")
check "500 forever: exit 1" test "$rc" -eq 1
check "500 forever: three retries, the last 3 of 3" bash -c \
	"[ \$(grep -c '^Retrying PUT' err.txt) = 3 ] && grep -q '(retry 3 of 3): 500 Internal Server Error' err.txt"
check "500 forever: four PUTs reached the proxy" test \
	"$(grep -c "PUT /v2/retry/app3/manifests/$(sigtag 3) fault=status" "$T/regp.log")" = 4
check "500 forever: the error names the failure ($(grep Error: err.txt))" \
	grep -qE '^Error: .*500' err.txt
check "500 forever: bounded, 1.75-3.5 s of backoff (took ${el} ms)" test "$el" -ge 1700 -a "$el" -lt 6000
check "500 forever: no .sig manifest was pushed" test "$(layers 3)" = none
check "500 forever: the command did not say it pushed" bash -c '! grep -q "^Pushing signature" out.txt'

# ---- a slow drip: the deadline bounds the request and its retries ----
faults "$RP" "[{\"method\":\"GET\",\"path\":\"/manifests/$(sigtag 1)\",\"fault\":\"drip\",\"interval_ms\":100,\"times\":-1}]"
t0=$(date +%s%N)
verify 1 PICOSIGN_TIMEOUT=1.5
el=$(ms_since "$t0")
check "drip: exit 1" test "$rc" -eq 1
check "drip: a deadline message ($(grep Error: err.txt))" grep -q "did not finish within its deadline" err.txt
check "drip: no retry past the command's deadline" bash -c \
	"[ \$(grep -c '^Retrying' err.txt) = 0 ] && grep -q '^Not retrying GET .*would pass the deadline' err.txt"
check "drip: bounded by the deadline (took ${el} ms)" test "$el" -lt 3500

# ---- PICOSIGN_MAX_RETRIES ----
faults "$RP" "[{\"method\":\"GET\",\"path\":\"/manifests/$(sigtag 1)\",\"fault\":\"status\",\"status\":503,\"times\":1}]"
verify 1 PICOSIGN_MAX_RETRIES=0
check "no retries: fails at once" bash -c "[ $rc = 1 ] && ! grep -q '^Retrying' err.txt"
check "no retries: the registry's answer" grep -qE '^Error: .*503' err.txt
verify 1 PICOSIGN_MAX_RETRIES=eleven
check "bad PICOSIGN_MAX_RETRIES: usage error" bash -c \
	"[ $rc = 1 ] && grep -q 'PICOSIGN_MAX_RETRIES.*not a number of retries from 0 to 10' err.txt"
faults "$RP" '[]'

# ---- Sigstore: Rekor, Fulcio, an OIDC token endpoint ----
# shellcheck source=../sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
if ! sigstore_available; then
	echo "skipped: Sigstore faults: $SIGSTORE_SKIP_REASON"
	finish
	exit
fi
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	finish
	exit 1
fi
SPORT=${SIGSTORE_URL##*:}
start_proxy sigp "$SPORT" || { bad "proxy starts"; finish; exit 1; }
SP=http://127.0.0.1:$PPORT
rekor_count() { grep -c "rekor: logged" "$SIGSTORE_LOG"; }

# A Rekor upload that reached the log, whose answer was lost: sent again, answered 409, the
# existing entry fetched and verified; one entry in the log.
faults "$PPORT" '[{"method":"POST","path":"^/api/v1/log/entries$","fault":"lost_answer","times":1}]'
n0=$(rekor_count)
timeout 60 "$BIN" sign --allow-http-registry --key k.key --rekor-url "$SP" \
	--new-bundle-format=false --trusted-root "$TRUSTED_ROOT" -y "$R/retry/app4@$(dig 4)" \
	>out.txt 2>err.txt
rc=$?
check "Rekor answer lost: sign exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "Rekor answer lost: the upload was sent again" grep -qE \
	"^Retrying POST $SP/api/v1/log/entries in [0-9.]+ s \(retry 1 of 3\): .*connection" err.txt
check "Rekor answer lost: the second upload was answered 409" \
	grep -q "POST /api/v1/log/entries fault=pass status=409" "$T/sigp.log"
check "Rekor answer lost: then the existing entry was fetched" \
	grep -q "GET /api/v1/log/entries/[0-9a-f]* fault=pass status=200" "$T/sigp.log"
check "Rekor answer lost: one entry in the log, not two" test "$(rekor_count)" = $((n0 + 1))
timeout 60 "$BIN" verify --allow-http-registry --key k.pub --trusted-root "$TRUSTED_ROOT" \
	"$R/retry/app4@$(dig 4)" >/dev/null 2>verr.txt
check "Rekor answer lost: the signature and its entry verify ($(tail -n 1 verr.txt))" test $? -eq 0

# Fulcio 503 once, and a GitHub Actions token endpoint 503 once (keyless sign-blob).
TOKEN=$(sigstore_mint_token '{}') || TOKEN=
faults "$PPORT" "[{\"method\":\"GET\",\"path\":\"^/gh-token$\",\"fault\":\"status\",\"status\":503,\"times\":1},
	{\"method\":\"GET\",\"path\":\"^/gh-token$\",\"fault\":\"reply\",\"status\":200,\"body\":\"{\\\"value\\\":\\\"$TOKEN\\\"}\",\"times\":-1},
	{\"method\":\"POST\",\"path\":\"^/api/v2/signingCert$\",\"fault\":\"status\",\"status\":503,\"times\":1}]"
printf 'retry artifact\n' >artifact.txt
ACTIONS_ID_TOKEN_REQUEST_URL="$SP/gh-token?api-version=2.0" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gh-secret \
	timeout 60 "$BIN" sign-blob --fulcio-url "$SP" --rekor-url "$SIGSTORE_URL" \
	--trusted-root "$TRUSTED_ROOT" --bundle b.json -y artifact.txt >out.txt 2>err.txt
rc=$?
check "token and Fulcio 503: sign-blob exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "token endpoint retried, query left out" grep -qE \
	"^Retrying GET $SP/gh-token in [0-9.]+ s \(retry 1 of 3\): 503 Service Unavailable$" err.txt
check "Fulcio retried" grep -qE \
	"^Retrying POST $SP/api/v2/signingCert in [0-9.]+ s \(retry 1 of 3\): 503 Service Unavailable$" err.txt
check "no secret in the output (request token, identity token)" bash -c \
	"! grep -qF -e gh-secret -e '${TOKEN##*.}' out.txt err.txt"
check "the bundle was written" test -s b.json
finish
