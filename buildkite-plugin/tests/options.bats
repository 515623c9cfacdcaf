#!/usr/bin/env bats
# Option checking and how the hooks call picosign, against a stub `picosign` that records its
# arguments (no registry, no Sigstore): every bad option fails with a clear message before
# anything runs; the storage form reaches picosign as --signature-format only when set; the
# annotation; the modes' hooks; plugin.yml and the code list the same options.

load helpers

setup() {
	common_setup
	mkdir -p "$BATS_TEST_TMPDIR/stub-bin"
	export STUB_LOG=$BATS_TEST_TMPDIR/stub.log
	cat >"$BATS_TEST_TMPDIR/stub-bin/picosign" <<'STUB'
#!/bin/bash
# stub picosign: logs its arguments; answers what the plugin asks.
echo "$*" >>"$STUB_LOG"
D=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
case $1 in
version) echo "picosign 0.0.0-stub" ;;
triangulate) echo "${*: -1}" | sed "s/:[^:/]*\$//; s/\$/@$D/" ;;
cert) printf '    Subject Alternative Name (critical):\n        URI:https://buildkite.com/acme/app\n        Issuer (V2) [1.3.6.1.4.1.57264.1.8]: https://agent.buildkite.com\n' ;;
sign)
	if [ "$2" = --help ]; then
		[ -n "${STUB_HAS_FORMAT:-}" ] && echo "  --signature-format FORMAT   v3, legacy or both"
		exit 0
	fi
	echo "tlog entry created with index: 4242" >&2 ;;
verify)
	[ -n "${STUB_VERIFY_FAIL:-}" ] && { echo "Error: no matching signatures: none of the expected identities matched" >&2; exit 12; }
	echo '[{"optional":{"Bundle":{"Payload":{"logIndex":4242}}}}]' ;;
esac
exit 0
STUB
	chmod +x "$BATS_TEST_TMPDIR/stub-bin/picosign"
	export PATH="$BATS_TEST_TMPDIR/stub-bin:$PATH"
}

@test "mode is required" {
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "mode is required: sign"
}

@test "mode must be sign or verify" {
	opt MODE deploy
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "mode must be sign or verify, not 'deploy'"
}

@test "an unknown option is refused by name" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt IMAGEE reg.example/app:1
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "unknown option 'imagee'"
	[ ! -e "$STUB_LOG" ]
}

@test "sign: a missing image option is refused clearly" {
	opt MODE sign
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "sign mode needs the image to sign: set image (a tag or digest) or metadata-file"
	[ ! -e "$STUB_LOG" ]
}

@test "image: not a reference (spaces, a leading dash) is refused" {
	opt MODE sign
	opt IMAGE "reg.example/app:1 --key x"
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "is not an image reference"
	opt IMAGE "--allow-insecure-registry"
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "is not an image reference"
}

@test "booleans must be true or false" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt ALLOW_HTTP_REGISTRY yes
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "allow-http-registry must be true or false, not 'yes'"
}

@test "format must be v3, legacy or both" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt FORMAT v4
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "format must be v3, legacy or both, not 'v4'"
}

@test "download-url needs download-sha256, an http(s) URL and 64 hex digits" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt DOWNLOAD_URL https://example.com/picosign
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "download-url needs download-sha256 (picosign is never run unchecked)"
	opt DOWNLOAD_SHA256 1234
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "download-sha256 must be 64 hex digits"
	opt DOWNLOAD_SHA256 "$(printf '0%.0s' {1..64})"
	opt DOWNLOAD_URL ftp://example.com/picosign
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "download-url must be an http(s) URL"
}

@test "key and trusted-root must be readable files" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt KEY "$BATS_TEST_TMPDIR/nope.key"
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "key: no readable file"
	unset BUILDKITE_PLUGIN_PICOSIGN_KEY
	opt TRUSTED_ROOT "$BATS_TEST_TMPDIR/nope.json"
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "trusted-root: no readable file"
}

@test "annotations must be KEY=VALUE" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt ANNOTATIONS_0 build=42
	opt ANNOTATIONS_1 oops
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "annotations: 'oops' is not KEY=VALUE"
}

@test "options of the other mode are refused" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt PIPELINE app
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "pipeline is an option of verify mode only"
	opt MODE verify
	unset BUILDKITE_PLUGIN_PICOSIGN_PIPELINE
	opt CERTIFICATE_IDENTITY x
	opt CERTIFICATE_OIDC_ISSUER y
	opt FORMAT v3
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "format is an option of sign mode only"
}

@test "verify: the signer must be given" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "verify mode needs the signer: pipeline"
}

@test "verify: an image is required" {
	opt MODE verify
	opt PIPELINE app
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "verify mode needs image"
}

@test "verify: pipeline and certificate-identity are alternatives" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt PIPELINE app
	opt CERTIFICATE_IDENTITY https://example.com/x
	opt CERTIFICATE_OIDC_ISSUER https://issuer.example
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "organization/pipeline and certificate-*/key are alternatives"
}

@test "verify: an identity needs exactly one issuer option" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt CERTIFICATE_IDENTITY https://example.com/x
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "exactly one of certificate-oidc-issuer and certificate-oidc-issuer-regexp"
}

@test "verify: slugs are checked, and the organization needs a value" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt PIPELINE "My App"
	export BUILDKITE_ORGANIZATION_SLUG=acme
	run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "pipeline must be a Buildkite slug"
	opt PIPELINE app
	BUILDKITE_ORGANIZATION_SLUG='' run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "organization is not set and BUILDKITE_ORGANIZATION_SLUG is empty"
}

@test "no picosign on PATH: a clear error" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt PIPELINE app
	opt ORGANIZATION acme
	PATH=$BATS_TEST_TMPDIR/agent-bin:/usr/bin:/bin run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "picosign is not on PATH: install it (see the README) or set download-url and download-sha256"
}

@test "sign: the hook calls picosign sign with the digest, -y and the flags; the annotation" {
	opt MODE sign
	opt IMAGE reg.example:5000/team/app:1.0
	opt ANNOTATIONS_0 build=42
	opt REKOR_URL https://rekor.example
	run_hook post-command
	[ "$status" -eq 0 ]
	grep -q "^triangulate --type digest reg.example:5000/team/app:1.0$" "$STUB_LOG"
	grep -Eq "^sign -y -a build=42 --output-certificate .*/cert.pem --rekor-url https://rekor.example reg.example:5000/team/app@sha256:a{64}$" "$STUB_LOG"
	refute_contains "$(cat "$STUB_LOG")" "--signature-format"
	ann=$(cat "$BATS_TEST_TMPDIR/annotation.md")
	assert_contains "$ann" 'image `reg.example:5000/team/app`, digest `sha256:aaaa'
	assert_contains "$ann" 'identity `https://buildkite.com/acme/app`, issuer `https://agent.buildkite.com`'
	assert_contains "$ann" 'Rekor log index [4242](https://rekor.example/api/v1/log/entries?logIndex=4242)'
	assert_contains "$ann" 'check it: `picosign verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer https://agent.buildkite.com reg.example:5000/team/app@sha256:aaaa'
	grep -qx -- "--style success --context picosign-success --append" "$BATS_TEST_TMPDIR/annotate.args"
}

@test "sign: the public-good log links to search.sigstore.dev" {
	opt MODE sign
	opt IMAGE "reg.example/app@sha256:$(printf 'b%.0s' {1..64})"
	run_hook post-command
	[ "$status" -eq 0 ]
	refute_contains "$(cat "$STUB_LOG")" "triangulate"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "[4242](https://search.sigstore.dev/?logIndex=4242)"
}

@test "format: passed as --signature-format only when set, and only to a picosign that has it" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt FORMAT both
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "format is set, but this picosign has no --signature-format"
	STUB_HAS_FORMAT=1 run_hook post-command
	[ "$status" -eq 0 ]
	grep -Eq -- "^sign -y --signature-format both .*reg.example/app@sha256:a{64}$" "$STUB_LOG"
}

@test "sign: nothing is signed when the command failed" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	export BUILDKITE_COMMAND_EXIT_STATUS=2
	run_hook post-command
	[ "$status" -eq 0 ]
	assert_contains "$output" "the command failed (exit 2): nothing is signed"
	refute_contains "$(cat "$STUB_LOG" 2>/dev/null)" "sign -y"
}

@test "each mode acts in its own hook only" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	run_hook pre-command
	[ "$status" -eq 0 ]
	[ ! -e "$STUB_LOG" ]
	opt MODE verify
	opt PIPELINE app
	opt ORGANIZATION acme
	run_hook post-command
	[ "$status" -eq 0 ]
	[ ! -e "$STUB_LOG" ]
}

@test "sign: metadata-file gives the digest and the names (tags dropped, one per repository)" {
	command -v jq >/dev/null || skip "jq not installed"
	D=sha256:$(printf 'c%.0s' {1..64})
	printf '{"containerimage.digest":"%s","image.name":"reg.example:5000/app:1.0,reg.example:5000/app:latest,other.example/app:1.0"}' \
		"$D" >"$BATS_TEST_TMPDIR/md.json"
	opt MODE sign
	opt METADATA_FILE "$BATS_TEST_TMPDIR/md.json"
	run_hook post-command
	[ "$status" -eq 0 ]
	[ "$(grep -c '^sign -y' "$STUB_LOG")" -eq 2 ]
	grep -q "^sign -y .* reg.example:5000/app@$D$" "$STUB_LOG"
	grep -q "^sign -y .* other.example/app@$D$" "$STUB_LOG"
	echo '{"image.name":"x/y:1"}' >"$BATS_TEST_TMPDIR/md.json"
	run_hook post-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "has no containerimage.digest"
}

@test "verify: the right signer passes, the digest is exported, the annotation says so" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt PIPELINE app
	export BUILDKITE_ORGANIZATION_SLUG=acme
	run bash -c "source '$PLUGIN_DIR/hooks/pre-command' >/dev/null 2>&1; echo \"verified=\$PICOSIGN_VERIFIED_IMAGE\""
	[ "$status" -eq 0 ]
	assert_contains "$output" "verified=reg.example/app@sha256:aaaa"
	grep -Eq "^verify --certificate-identity https://buildkite.com/acme/app --certificate-oidc-issuer https://agent.buildkite.com reg.example/app@sha256:a{64}$" "$STUB_LOG"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" 'signed by `https://buildkite.com/acme/app`'
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "Rekor log index 4242"
}

@test "verify: a refusal fails the step and annotates the error" {
	opt MODE verify
	opt IMAGE reg.example/app:1
	opt PIPELINE app
	opt ORGANIZATION acme
	STUB_VERIFY_FAIL=1 run_hook pre-command
	[ "$status" -eq 1 ]
	assert_contains "$output" "is not signed by https://buildkite.com/acme/app: refusing to run this step"
	grep -qx -- "--style error --context picosign-error --append" "$BATS_TEST_TMPDIR/annotate.args"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/annotation.md")" "none of the expected identities matched"
}

@test "annotate: false, or no buildkite-agent: no annotation" {
	opt MODE sign
	opt IMAGE reg.example/app:1
	opt ANNOTATE false
	run_hook post-command
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/annotate.args" ]
	unset BUILDKITE_PLUGIN_PICOSIGN_ANNOTATE
	PATH=$BATS_TEST_TMPDIR/stub-bin:/usr/bin:/bin run_hook post-command
	[ "$status" -eq 0 ]
	assert_contains "$output" "buildkite-agent not found: no annotation"
	[ ! -e "$BATS_TEST_TMPDIR/annotate.args" ]
}

@test "plugin.yml and lib/plugin.bash know the same options" {
	command -v python3 >/dev/null || skip "python3 not installed"
	yml=$(/usr/bin/python3 -c 'import sys, yaml; print(" ".join(sorted(yaml.safe_load(open(sys.argv[1]))["configuration"]["properties"])))' \
		"$PLUGIN_DIR/plugin.yml" 2>/dev/null) || skip "python3-yaml not installed"
	code=$(sed -n '/^PICOSIGN_PLUGIN_OPTIONS="/,/"$/p' "$PLUGIN_DIR/lib/plugin.bash" | tr -d '"' | sed 's/PICOSIGN_PLUGIN_OPTIONS=//' |
		tr -s ' \t\n' '\n' | grep . | tr 'A-Z_' 'a-z-' | sort | paste -sd ' ')
	[ "$yml" = "$code" ]
}

@test "hooks: executable, strict mode, shellcheck-clean" {
	for h in pre-command post-command; do
		[ -x "$PLUGIN_DIR/hooks/$h" ]
		grep -qx 'set -euo pipefail' "$PLUGIN_DIR/hooks/$h"
	done
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	(cd "$PLUGIN_DIR" && shellcheck -x hooks/pre-command hooks/post-command lib/plugin.bash tests/helpers.bash)
}
