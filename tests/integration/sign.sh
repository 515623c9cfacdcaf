#!/usr/bin/env bash
# sign: keyless `picosign sign-blob` / `sign-bundle` against the local Sigstore peer
# (tests/sigstore/server.mjs): a Buildkite-shaped token (iss https://agent.buildkite.com, sub
# organization:...:step:build) gives a certificate for https://buildkite.com/<org>/<pipeline>;
# the bundle is verified by picosign verify-blob and by sigstore-js; a sigstore-js bundle is
# verified by picosign; token sources (flag, file, SIGSTORE_ID_TOKEN, ambient off); the upload
# prompt (--yes, COSIGN_YES, stdin answer, declined); and faults through the peer's switches:
# Fulcio 500, Fulcio slower than the client timeout, a chain that does not verify, Rekor 500, a
# SET by an unknown key, an expired or malformed token, a wrong trusted root. Each fault: a
# clear message, exit 1, no bundle, the certificate file kept only when the failure came after
# Fulcio, and the token never printed. Inputs: SG_BIN. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}

[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in curl timeout openssl; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=../sigstore/lib.sh
source "$ROOT/tests/sigstore/lib.sh"
sigstore_available || skip "$SIGSTORE_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy
unset SIGSTORE_ID_TOKEN SIGSTORE_ROOT_FILE COSIGN_YES PICOSIGN_TIMEOUT
unset BUILDKITE_AGENT_ACCESS_TOKEN BUILDKITE_JOB_ID ACTIONS_ID_TOKEN_REQUEST_URL
unset ACTIONS_ID_TOKEN_REQUEST_TOKEN

T=$(mktemp -d)
cleanup() {
	sigstore_stop
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
S=$ROOT/tests/sigstore
if ! sigstore_start "$T/peer"; then
	bad "the Sigstore peer starts"
	echo "$pass passed, $fail failed"
	exit 1
fi
cd "$T" || exit 1
printf 'picosign keyless signing test\n' >artifact.txt

BK_SAN=https://buildkite.com/acme-inc/super-duper-app
BK_ISS=https://agent.buildkite.com
TOKEN=$(sigstore_mint_token '{}' preset=buildkite) || TOKEN=
check "mint a Buildkite-shaped token" test -n "$TOKEN"
SIG_PART=${TOKEN##*.}

# sign ARGS...: run sign-blob against the peer; stdout in out.txt, stderr in err.txt, exit in rc.
sign() {
	timeout 60 "$BIN" sign-blob --fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" \
		--trusted-root "$TRUSTED_ROOT" "$@" >out.txt 2>err.txt
	rc=$?
}
no_token_leak() { ! grep -qF -- "$SIG_PART" out.txt err.txt; }
verify() { # verify BUNDLE SAN ISSUER [ARTIFACT]
	timeout 60 "$BIN" verify-blob --bundle "$1" --certificate-identity "$2" \
		--certificate-oidc-issuer "$3" --trusted-root "$TRUSTED_ROOT" "${4:-artifact.txt}" \
		>/dev/null 2>verify.err
}
js_verify() { # js_verify BUNDLE SAN ISSUER
	timeout 60 node "$S/verify-bundle.mjs" --bundle "$1" --trusted-root "$TRUSTED_ROOT" \
		--artifact artifact.txt --identity "$2" --issuer "$3" >js.out 2>&1
}
rekor_count() { grep -c "rekor: logged" "$SIGSTORE_LOG"; }

# ---- the happy path: Buildkite token, bundle, certificate, signature ----
sign artifact.txt --identity-token "$TOKEN" --bundle b.json --output-certificate c.pem \
	--output-signature s.b64 --yes
check "sign-blob exits 0 ($(tail -n 1 err.txt))" test "$rc" -eq 0
check "progress: ephemeral keys" grep -qx "Generating ephemeral keys..." err.txt
check "progress: SCT verified" grep -qx "Successfully verified SCT..." err.txt
check "tlog index line" grep -qE "^tlog entry created with index: [0-9]+$" err.txt
check "no search link for a non-default Rekor" bash -c '! grep -q search.sigstore.dev err.txt'
check "wrote the bundle" grep -qx "Wrote bundle to file b.json" err.txt
check "stdout empty with --output-signature" test ! -s out.txt
check "the token is never printed" no_token_leak
check "certificate is PEM with the pipeline SAN" bash -c \
	"openssl x509 -in c.pem -noout -ext subjectAltName | grep -qF 'URI:$BK_SAN'"
check "certificate carries the Buildkite issuer" bash -c \
	"openssl x509 -in c.pem -noout -text | grep -qF '$BK_ISS'"
check "bundle is v0.3 with the certificate and a proof" bash -c \
	"grep -q '\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"' b.json &&
	 grep -q '\"inclusionProof\"' b.json && grep -q '\"inclusionPromise\"' b.json &&
	 grep -q '\"algorithm\":\"SHA2_256\"' b.json"
check "signature file matches the bundle" grep -qF "\"signature\":\"$(cat s.b64)\"" b.json
idx=$(sed -n 's/^tlog entry created with index: //p' err.txt)
check "bundle logIndex is the printed index" grep -qF "\"logIndex\":\"$idx\"" b.json
check "peer issued on the Buildkite path" grep -q "fulcio: issued (buildkite)" "$SIGSTORE_LOG"
verify b.json "$BK_SAN" "$BK_ISS"
rc=$?
check "picosign verify-blob accepts the bundle ($(tail -n 1 verify.err))" test "$rc" -eq 0
verify b.json "https://buildkite.com/acme-inc/other" "$BK_ISS"
check "verify-blob refuses another identity" test $? -ne 0
printf 'tampered\n' >other.txt
verify b.json "$BK_SAN" "$BK_ISS" other.txt
check "verify-blob refuses another artifact" test $? -ne 0
js_verify b.json "$BK_SAN" "$BK_ISS"
rc=$?
check "sigstore-js verifies picosign's bundle ($(tail -n 1 js.out))" test "$rc" -eq 0

# Without --output-signature the base64 signature goes to stdout.
sign artifact.txt --identity-token "$TOKEN" -y
check "signature on stdout" bash -c "[ \$rc -eq 0 ] 2>/dev/null; base64 -d out.txt | openssl asn1parse -inform DER >/dev/null"

# ---- token sources ----
printf '%s\n' "$TOKEN" >token.txt
sign artifact.txt --identity-token token.txt --bundle b2.json -y
check "--identity-token FILE" test "$rc" -eq 0
SIGSTORE_ID_TOKEN=$TOKEN sign artifact.txt --bundle b3.json -y
check "SIGSTORE_ID_TOKEN" test "$rc" -eq 0
verify b3.json "$BK_SAN" "$BK_ISS"
check "the SIGSTORE_ID_TOKEN bundle verifies" test $? -eq 0
SIGSTORE_ID_TOKEN=$TOKEN sign artifact.txt --oidc-disable-ambient-providers -y
check "ambient providers off: fails" test "$rc" -eq 1
check "ambient providers off: says so" grep -q "ambient providers are disabled" err.txt
sign artifact.txt --identity-token abc.def -y
check "malformed --identity-token fails" test "$rc" -eq 1
check "malformed token message" grep -q "neither a JWT nor a readable file" err.txt
check "malformed token not echoed" bash -c '! grep -q abc.def err.txt'
now=$(date +%s)
EXPIRED=$(sigstore_mint_token "{\"exp\":$((now - 60)),\"iat\":$((now - 400)),\"nbf\":$((now - 400))}" \
	preset=buildkite)
n_before=$(grep -c "POST /api/v2/signingCert" "$SIGSTORE_LOG")
sign artifact.txt --identity-token "$EXPIRED" --output-certificate exp.pem -y
check "expired token fails" test "$rc" -eq 1
check "expired token message" grep -q "reading the identity token: identity token: OIDC token has expired" err.txt
check "expired token: Fulcio not asked" test "$(grep -c "POST /api/v2/signingCert" "$SIGSTORE_LOG")" = "$n_before"
check "expired token: no certificate" test ! -e exp.pem
check "expired token not printed" bash -c "! grep -qF '${EXPIRED##*.}' err.txt out.txt"

# E-mail identities: the proof of possession signs the email claim.
ETOKEN=$(sigstore_mint_token '{}' preset=email)
sign artifact.txt --identity-token "$ETOKEN" --bundle be.json -y
check "e-mail token signs ($(tail -n 1 err.txt))" test "$rc" -eq 0
verify be.json signer@picosign.test "$OIDC_ISSUER"
check "e-mail bundle verifies" test $? -eq 0

# ---- the upload prompt ----
n_before=$(rekor_count)
sign artifact.txt --identity-token "$TOKEN" --output-certificate p.pem --bundle p.json </dev/null
check "no --yes and empty stdin: declined" test "$rc" -eq 1
check "declined message" grep -q "upload to tlog: user declined the prompt" err.txt
check "prompt shown" grep -q "Are you sure you would like to continue? \[y/N\]" err.txt
check "declined: nothing logged" test "$(rekor_count)" = "$n_before"
check "declined: no bundle" test ! -e p.json
check "declined: certificate kept" test -s p.pem
check "declined: says the certificate was kept" grep -q "certificate was already written to p.pem" err.txt
sign artifact.txt --identity-token "$TOKEN" --bundle p.json <<<"y"
check "answering y uploads" test "$rc" -eq 0 -a -s p.json
COSIGN_YES=true sign artifact.txt --identity-token "$TOKEN" </dev/null
check "COSIGN_YES=true skips the prompt" test "$rc" -eq 0
check "COSIGN_YES: no prompt" bash -c '! grep -q "Are you sure" err.txt'

# ---- sigstore-js signs, picosign verifies ----
timeout 60 node "$S/sign-blob.mjs" --artifact artifact.txt --out js.json --token "$TOKEN" \
	--url "$SIGSTORE_URL" >js.out 2>&1
rc=$?
check "sigstore-js signs ($(tail -n 1 js.out))" test "$rc" -eq 0
verify js.json "$BK_SAN" "$BK_ISS"
rc=$?
check "picosign verifies sigstore-js's bundle ($(tail -n 1 verify.err))" test "$rc" -eq 0

# ---- sign-bundle (the conformance protocol) ----
# The Rekor v2 log is not valid yet, so the valid v1 one is chosen (selection by validFor).
cat >signing_config.json <<EOF
{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json",
 "caUrls":[{"url":"$FULCIO_URL","majorApiVersion":1,"validFor":{"start":"2020-01-01T00:00:00Z"}}],
 "oidcUrls":[],
 "rekorTlogUrls":[{"url":"http://127.0.0.1:1","majorApiVersion":2,"validFor":{"start":"2099-01-01T00:00:00Z"}},
                  {"url":"$REKOR_URL","majorApiVersion":1,"validFor":{"start":"2020-01-01T00:00:00Z"}}],
 "tsaUrls":[],"rekorTlogConfig":{"selector":"ANY"},"tsaConfig":{"selector":"ANY"}}
EOF
timeout 60 "$BIN" sign-bundle --identity-token "$TOKEN" --bundle cb.json \
	--trusted-root "$TRUSTED_ROOT" --signing-config signing_config.json artifact.txt \
	>out.txt 2>err.txt
rc=$?
check "sign-bundle with a signing config ($(tail -n 1 err.txt))" test "$rc" -eq 0
timeout 60 "$BIN" verify-bundle --bundle cb.json --certificate-identity "$BK_SAN" \
	--certificate-oidc-issuer "$BK_ISS" --trusted-root "$TRUSTED_ROOT" artifact.txt \
	>/dev/null 2>&1
check "verify-bundle accepts the sign-bundle bundle" test $? -eq 0
timeout 60 "$BIN" sign-bundle --in-toto --identity-token "$TOKEN" --bundle ci.json \
	artifact.txt >/dev/null 2>err.txt
check "sign-bundle --in-toto: unsupported" bash -c "[ $? -eq 1 ] && grep -q unsupported err.txt"

# ---- faults ----
# fault NAME SETTINGS: switch faults on for one run; the peer is reset afterwards.
fault() { sigstore_control "$1" >/dev/null; }
unfault() { sigstore_control '{"reset":true}' >/dev/null; }
nothing_written() { test ! -e "$1.json"; }

fault '{"fulcio_status":500}'
sign artifact.txt --identity-token "$TOKEN" --bundle f1.json --output-certificate f1.pem -y
unfault
check "Fulcio 500: exit 1" test "$rc" -eq 1
check "Fulcio 500: message" grep -q "Error: getting a certificate from Fulcio: Fulcio returned 500 Internal Server Error: error communicating with CA backend" err.txt
check "Fulcio 500: no certificate, no bundle" test ! -e f1.pem -a ! -e f1.json
check "Fulcio 500: token not printed" no_token_leak

fault '{"fulcio_delay_ms":4000}'
t0=$(date +%s%N)
sign artifact.txt --identity-token "$TOKEN" --bundle f2.json --timeout 1 -y
t1=$(date +%s%N)
unfault
check "Fulcio slow: exit 1" test "$rc" -eq 1
check "Fulcio slow: timeout message ($(tail -n 1 err.txt))" grep -q "getting a certificate from Fulcio: .*timeout" err.txt
check "Fulcio slow: gave up after ~1 s" test $(((t1 - t0) / 1000000)) -lt 3500
check "Fulcio slow: no bundle" nothing_written f2
fault '{"fulcio_delay_ms":4000}'
PICOSIGN_TIMEOUT=1 sign artifact.txt --identity-token "$TOKEN" -y
unfault
check "PICOSIGN_TIMEOUT also bounds the request" grep -q "timeout" err.txt

fault '{"fulcio_bad_chain":true}'
sign artifact.txt --identity-token "$TOKEN" --bundle f3.json --output-certificate f3.pem -y
unfault
check "bad chain: exit 1" test "$rc" -eq 1
check "bad chain: message ($(tail -n 1 err.txt))" grep -q "Error: verifying the Fulcio certificate: .*certificate chain verification failed" err.txt
check "bad chain: certificate not written" test ! -e f3.pem
check "bad chain: no bundle" nothing_written f3

n_before=$(rekor_count)
fault '{"rekor_status":500}'
sign artifact.txt --identity-token "$TOKEN" --bundle f4.json --output-certificate f4.pem -y
unfault
check "Rekor 500: exit 1" test "$rc" -eq 1
check "Rekor 500: message" grep -q "Error: uploading to the Rekor transparency log: Rekor returned 500 Internal Server Error: unexpected result from transparency log" err.txt
check "Rekor 500: certificate kept" test -s f4.pem
check "Rekor 500: says so" grep -q "certificate was already written to f4.pem" err.txt
check "Rekor 500: no bundle" nothing_written f4
check "Rekor 500: nothing logged" test "$(rekor_count)" = "$n_before"

fault '{"rekor_delay_ms":4000}'
sign artifact.txt --identity-token "$TOKEN" --bundle f7.json --output-certificate f7.pem \
	--timeout 1 -y
unfault
check "Rekor slow: exit 1" test "$rc" -eq 1
check "Rekor slow: timeout message ($(tail -n 2 err.txt | head -n 1))" grep -q "uploading to the Rekor transparency log: .*timeout" err.txt
check "Rekor slow: certificate kept, no bundle" test -s f7.pem -a ! -e f7.json

fault '{"rekor_bad_set":true}'
sign artifact.txt --identity-token "$TOKEN" --bundle f5.json --output-certificate f5.pem \
	--output-signature f5.sig -y
unfault
check "unknown SET key: exit 1" test "$rc" -eq 1
check "unknown SET key: message ($(tail -n 1 err.txt))" grep -q "Error: verifying the Rekor entry: .*signed entry timestamp verification failed" err.txt
check "unknown SET key: certificate kept" test -s f5.pem
check "unknown SET key: no bundle, no signature" test ! -e f5.json -a ! -e f5.sig
check "unknown SET key: stdout empty" test ! -s out.txt

# A trusted root that does not hold the peer's CA (the public-good one, from the vectors).
PROD_ROOT=${SG_VECTORS:-$ROOT/../shared/vectors}/trust/production-trusted_root.sigstore-python.json
if [ -f "$PROD_ROOT" ]; then
	timeout 60 "$BIN" sign-blob --fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" \
		--trusted-root "$PROD_ROOT" --identity-token "$TOKEN" --bundle f6.json -y \
		artifact.txt >out.txt 2>err.txt
	check "wrong trusted root: exit 1" test $? -eq 1
	check "wrong trusted root: chain refused" grep -q "verifying the Fulcio certificate" err.txt
	check "wrong trusted root: no bundle" nothing_written f6
fi

# Plain http to a non-loopback address is refused before any connection.
timeout 20 "$BIN" sign-blob --fulcio-url http://fulcio.invalid --rekor-url "$REKOR_URL" \
	--trusted-root "$TRUSTED_ROOT" --identity-token "$TOKEN" -y artifact.txt >out.txt 2>err.txt
check "plain http to a remote Fulcio refused" grep -q "plain http is not allowed" err.txt

# Ambient token sources: the CI credential requests stay on https/loopback even with
# --allow-http, and a buildkite-agent that closes its output but never exits is bounded by
# --timeout (no --identity-token, so the ambient providers are asked).
ACTIONS_ID_TOKEN_REQUEST_URL=http://192.0.2.1/token ACTIONS_ID_TOKEN_REQUEST_TOKEN=ghsecret \
	timeout 30 "$BIN" sign-blob --fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" \
	--trusted-root "$TRUSTED_ROOT" --allow-http --timeout 5 -y artifact.txt >out.txt 2>err.txt
check "GitHub request over plain http to a remote host refused ($(tail -n 1 err.txt))" \
	grep -q "GitHub Actions: .*without TLS" err.txt
check "GitHub request token not printed" bash -c '! grep -q ghsecret out.txt err.txt'
mkdir -p bkbin
printf '#!/bin/sh\nexec >&-\nexec sleep 25\n' >bkbin/buildkite-agent
chmod +x bkbin/buildkite-agent
t0=$(date +%s%N)
BUILDKITE_JOB_ID=job-1 PATH="$T/bkbin:$PATH" timeout 15 "$BIN" sign-blob \
	--fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" --trusted-root "$TRUSTED_ROOT" \
	--timeout 2 -y artifact.txt >out.txt 2>err.txt
rc=$?
t1=$(date +%s%N)
check "hung buildkite-agent: exit 1 (rc $rc)" test "$rc" -eq 1
check "hung buildkite-agent: message ($(tail -n 1 err.txt))" \
	grep -q "buildkite-agent did not finish within 2000 ms" err.txt
check "hung buildkite-agent: gave up after ~2 s" test $(((t1 - t0) / 1000000)) -lt 6000

# ---- client CPU time of one sign-blob (informational) ----
if command -v gcc >/dev/null 2>&1 && gcc -O2 -o rss "$ROOT/bench/rss.c" 2>/dev/null; then
	./rss "$BIN" sign-blob --fulcio-url "$FULCIO_URL" --rekor-url "$REKOR_URL" \
		--trusted-root "$TRUSTED_ROOT" --identity-token "$TOKEN" --bundle t.json -y \
		artifact.txt 2>rss.txt >/dev/null
	echo "sign-blob cost: $(grep -v '^[A-Z]' rss.txt | tail -n 1)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
