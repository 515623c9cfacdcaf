#!/usr/bin/env bats
# The hooks against real peers: picosign itself, a local Sigstore, an OCI registry, and a fake
# of the agent's OIDC endpoint that mints Buildkite tokens for organization "acme", pipeline
# "app" (tests/integration/buildkite_plugin.sh in picosign's repository starts them and sets
# PICOSIGN_IT=1, PICOSIGN_BIN_DIR, REG, IT_*). Keyless sign after the command, then verify
# before a deploy: the right pipeline passes, the wrong pipeline and an unsigned image are
# refused; buildx metadata files; keys; downloading picosign with a pinned SHA-256; the token
# never appears in the output.

load helpers

setup() {
	[ "${PICOSIGN_IT:-}" = 1 ] || skip "needs the peers (run tests/integration/buildkite_plugin.sh)"
	common_setup
	export PATH="$PICOSIGN_BIN_DIR:$PATH"
	# What the agent gives a job.
	BUILDKITE_AGENT_ACCESS_TOKEN=$(cat "$IT_ACCESS_TOKEN_FILE")
	export BUILDKITE_AGENT_ACCESS_TOKEN
	export BUILDKITE_JOB_ID=01943a38-f93e-4355-abe8-90a30369c270
	export BUILDKITE_AGENT_ENDPOINT=$IT_AGENT_ENDPOINT
	export BUILDKITE_ORGANIZATION_SLUG=acme BUILDKITE_PIPELINE_SLUG=app
	opt TRUSTED_ROOT "$IT_TRUSTED_ROOT"
	opt ALLOW_HTTP_REGISTRY true
}

sign_opts() { # keyless against the local Sigstore
	opt MODE sign
	opt FULCIO_URL "$IT_FULCIO_URL"
	opt REKOR_URL "$IT_REKOR_URL"
}
verify_opts() { # verify IMAGE, signed by acme/PIPELINE
	opt MODE verify
	opt IMAGE "$1"
	opt PIPELINE "${2:-app}"
}
no_token_in_output() {
	refute_contains "$output" "$BUILDKITE_AGENT_ACCESS_TOKEN"
	refute_contains "$output" "eyJ" # a JWT's header, base64url of '{"'
}

@test "sign: keyless with the job's token; the annotation has image, digest, identity, log index, link" {
	sign_opts
	opt IMAGE "$REG/bk/app:v1"
	run_hook post-command
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$output" "tlog entry created with index:"
	no_token_in_output
	ann=$(cat "$BATS_TEST_TMPDIR/annotation.md")
	idx=$(sed -n 's/^tlog entry created with index: \([0-9]*\)$/\1/p' <<<"$output")
	assert_contains "$ann" "#### :closed_lock_with_key: Signed with picosign"
	assert_contains "$ann" "- image \`$REG/bk/app\`, digest \`$IT_APP_DIGEST\`"
	assert_contains "$ann" '  - identity `https://buildkite.com/acme/app`, issuer `https://agent.buildkite.com`'
	assert_contains "$ann" "  - Rekor log index [$idx]($IT_REKOR_URL/api/v1/log/entries?logIndex=$idx)"
	assert_contains "$ann" "  - check it: \`picosign verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer https://agent.buildkite.com $REG/bk/app@$IT_APP_DIGEST\`"
	grep -qx -- "--style success --context picosign-success --append" "$BATS_TEST_TMPDIR/annotate.args"
	# The link answers: the entry is in the log.
	curl -sf --max-time 5 "$IT_REKOR_URL/api/v1/log/entries?logIndex=$idx" >/dev/null
}

@test "verify: the signing pipeline passes and the digest goes to the command" {
	verify_opts "$REG/bk/app:v1"
	run bash -c "source '$PLUGIN_DIR/hooks/pre-command' 2>&1; echo \"verified=\$PICOSIGN_VERIFIED_IMAGE\""
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$output" "verified=$REG/bk/app@$IT_APP_DIGEST"
	ann=$(cat "$BATS_TEST_TMPDIR/annotation.md")
	assert_contains "$ann" "#### :white_check_mark: Verified with picosign"
	assert_contains "$ann" "- image \`$REG/bk/app\`, digest \`$IT_APP_DIGEST\`"
	assert_contains "$ann" '  - signed by `https://buildkite.com/acme/app`'
	# The image carries cosign v3's bundle (the default form), whose verify output holds the
	# predicate type and annotations only (cosign's); the log index is a legacy-form line.
	refute_contains "$ann" "  - Rekor log index "
}

@test "verify: the wrong pipeline is refused and the step fails" {
	verify_opts "$REG/bk/app:v1" other
	run_hook pre-command
	echo "$output"
	[ "$status" -eq 1 ]
	assert_contains "$output" 'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value "https://buildkite.com/acme/other"'
	assert_contains "$output" "is not signed by https://buildkite.com/acme/other: refusing to run this step"
	grep -qx -- "--style error --context picosign-error --append" "$BATS_TEST_TMPDIR/annotate.args"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "Not signed by \`https://buildkite.com/acme/other\`"
}

@test "verify: another organization with the same pipeline name is refused" {
	verify_opts "$REG/bk/app:v1"
	opt ORGANIZATION evil-corp
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "is not signed by https://buildkite.com/evil-corp/app"
}

@test "verify: an unsigned image is refused" {
	verify_opts "$REG/bk/unsigned:v1"
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "no signatures found"
	assert_contains "$output" "refusing to run this step"
}

@test "verify: any identity and issuer (certificate-identity, certificate-oidc-issuer-regexp)" {
	opt MODE verify
	opt IMAGE "$REG/bk/app:v1"
	opt CERTIFICATE_IDENTITY https://buildkite.com/acme/app
	opt CERTIFICATE_OIDC_ISSUER_REGEXP '^https://agent\.buildkite\.com$'
	run_hook pre-command
	echo "$output"
	[ "$status" -eq 0 ]
	opt CERTIFICATE_IDENTITY https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
	run_hook pre-command
	[ "$status" -eq 1 ]
}

@test "sign: from a docker buildx --metadata-file, then verify" {
	printf '{"containerimage.digest":"%s","image.name":"%s/bk/meta:v1,%s/bk/meta:latest"}' \
		"$IT_META_DIGEST" "$REG" "$REG" >"$BATS_TEST_TMPDIR/metadata.json"
	sign_opts
	opt METADATA_FILE "$BATS_TEST_TMPDIR/metadata.json"
	run_hook post-command
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^- image ' "$BATS_TEST_TMPDIR/annotation.md")" -eq 1 ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "- image \`$REG/bk/meta\`, digest \`$IT_META_DIGEST\`"
	unset BUILDKITE_PLUGIN_PICOSIGN_METADATA_FILE BUILDKITE_PLUGIN_PICOSIGN_FULCIO_URL BUILDKITE_PLUGIN_PICOSIGN_REKOR_URL
	verify_opts "$REG/bk/meta@$IT_META_DIGEST"
	run_hook pre-command
	[ "$status" -eq 0 ]
}

@test "sign and verify with a key (cosign.key / cosign.pub)" {
	(cd "$BATS_TEST_TMPDIR" && COSIGN_PASSWORD=pw picosign generate-key-pair >/dev/null 2>&1)
	opt MODE sign
	opt REKOR_URL "$IT_REKOR_URL"
	opt IMAGE "$REG/bk/app:v1"
	opt KEY "$BATS_TEST_TMPDIR/cosign.key"
	COSIGN_PASSWORD=pw run_hook post-command
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "identity \`the key $BATS_TEST_TMPDIR/cosign.key\`"
	unset BUILDKITE_PLUGIN_PICOSIGN_REKOR_URL
	opt MODE verify
	opt KEY "$BATS_TEST_TMPDIR/cosign.pub"
	run_hook pre-command
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "format: passed to a picosign that has --signature-format" {
	picosign sign --help | grep -q -- --signature-format ||
		skip "this picosign has no --signature-format yet (options.bats checks the clear error)"
	sign_opts
	opt IMAGE "$REG/bk/legacy:v1"
	opt FORMAT legacy
	run_hook post-command
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$output" "tlog entry created with index:"
	# Only the legacy .sig form is there, and its verify output carries the log entry.
	unset BUILDKITE_PLUGIN_PICOSIGN_FORMAT BUILDKITE_PLUGIN_PICOSIGN_FULCIO_URL \
		BUILDKITE_PLUGIN_PICOSIGN_REKOR_URL
	verify_opts "$REG/bk/legacy:v1"
	run_hook pre-command
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "  - Rekor log index "
}

@test "download-url: picosign fetched and run only with the pinned SHA-256" {
	url=${IT_AGENT_ENDPOINT%/v3}/download/picosign
	want=$(sha256sum "$PICOSIGN_BIN" | cut -d' ' -f1)
	verify_opts "$REG/bk/app:v1"
	opt DOWNLOAD_URL "$url"
	opt DOWNLOAD_SHA256 "$(printf '0%.0s' {1..64})"
	PATH=$BATS_TEST_TMPDIR/agent-bin:/usr/bin:/bin run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "has SHA-256 $want, not the pinned 0000"
	assert_contains "$output" "not running it"
	[ ! -e "$BATS_TEST_TMPDIR/annotate.args" ]
	opt DOWNLOAD_SHA256 "$want"
	PATH=$BATS_TEST_TMPDIR/agent-bin:/usr/bin:/bin run_hook pre-command
	echo "$output"
	[ "$status" -eq 0 ]
	assert_contains "$output" "downloading picosign from $url"
	assert_contains "$output" "/picosign-plugin."
}

@test "sign: a wrong agent access token fails with picosign's message, and no token is printed" {
	sign_opts
	opt IMAGE "$REG/bk/app:v1"
	BUILDKITE_AGENT_ACCESS_TOKEN=wrong-$BUILDKITE_AGENT_ACCESS_TOKEN run_hook post-command
	echo "$output"
	[ "$status" -eq 1 ]
	assert_contains "$output" "Buildkite agent API"
	assert_contains "$output" "signing $REG/bk/app@$IT_APP_DIGEST failed"
	no_token_in_output
	refute_contains "$output" "wrong-"
}
