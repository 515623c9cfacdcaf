/* verify_blob: `picosign verify-blob` and `picosign verify-bundle` (the sigstore-conformance
 * client protocol, ../shared/vectors/conformance/CASES.md). Both verify a Sigstore bundle
 * offline against a trusted root for an artifact given as a file or as sha256:<hex>.
 *
 *   verify-blob --bundle F (--certificate-identity I | --certificate-identity-regexp R)
 *       (--certificate-oidc-issuer U | --certificate-oidc-issuer-regexp R) [--key PUB.pem]
 *       [--trusted-root F] [--max-trust-root-age D] [--refresh-trust] [--offline]
 *       [--insecure-ignore-tlog] [--insecure-ignore-sct] FILE|sha256:HEX
 *   verify-bundle [--staging] ... (the same flags)
 *
 * Success prints "Verified OK" to stderr and exits 0; failure prints "Error: <which check
 * failed and why>" and exits 1. --offline switches the network off for the whole process
 * (sg_cli_go_offline) before anything is read: verification never needs it, and a trust
 * source that would try (--refresh-trust) is refused, not silently skipped. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"
#include "sys/os.h"
#include "verify/verify.h"

/* A "sha256:<64 lowercase hex>" argument that names no existing file is a digest (the
 * conformance protocol's rule); anything else is a path. */
static int
parse_digest_arg(const char *arg, uint8_t out[SG_SHA256_LEN])
{
	static const char prefix[] = "sha256:";
	size_t n = strlen(arg);
	if (n != sizeof prefix - 1 + 2 * SG_SHA256_LEN || strncmp(arg, prefix, sizeof prefix - 1))
		return 0;
	if (sg_os_exists(arg))
		return 0;
	size_t len;
	return sg_hex_decode((const uint8_t *)arg + sizeof prefix - 1, 2 * SG_SHA256_LEN, out,
		       SG_SHA256_LEN, &len, NULL) == SG_OK;
}

/* Hash a file of any size with SHA-256, SHA-384 and SHA-512 in one streaming pass, so the
 * artifact is never held in memory. */
SG_MUST_USE static sg_err
hash_file(const char *path, sg_artifact *a, sg_diag *d)
{
	sg_hash_ctx h256, h384, h512;
	sg_hash_ctx *const h[] = {&h256, &h384, &h512};
	sg_hash_init(&h256, SG_HASH_SHA256);
	sg_hash_init(&h384, SG_HASH_SHA384);
	sg_hash_init(&h512, SG_HASH_SHA512);
	sg_err e = sg_os_hash_file(path, "reading artifact", h, 3, d);
	sg_hash_final(&h256, a->sha256);
	sg_hash_final(&h384, a->sha384);
	sg_hash_final(&h512, a->sha512);
	a->has_sha384 = a->has_sha512 = 1;
	return e;
}

static void
warn_insecure(int ignore_tlog, int ignore_sct)
{
	if (ignore_tlog)
		fprintf(stderr, "WARNING: --insecure-ignore-tlog: the transparency log is NOT "
				"checked, so nothing proves when, or that publicly, this was signed\n");
	if (ignore_sct)
		fprintf(stderr, "WARNING: --insecure-ignore-sct: the certificate's SCT is NOT "
				"checked, so nothing proves the certificate was publicly logged\n");
}

static int
verify_common(int argc, char **argv, sg_arena *arena, int allow_staging)
{
	const char *bundle_path = NULL, *identity = NULL, *identity_re = NULL, *issuer = NULL;
	const char *issuer_re = NULL, *key_path = NULL;
	int ignore_tlog = 0, ignore_sct = 0, offline = 0;
	sg_cli_trust_opts topts;
	memset(&topts, 0, sizeof topts);
	const sg_cli_flag flags[] = {
		{"--bundle", NULL, &bundle_path, NULL, NULL, 0, NULL},
		{"--certificate-identity", NULL, &identity, NULL, NULL, 0, NULL},
		{"--certificate-identity-regexp", NULL, &identity_re, NULL, NULL, 0, NULL},
		{"--certificate-oidc-issuer", NULL, &issuer, NULL, NULL, 0, NULL},
		{"--certificate-oidc-issuer-regexp", NULL, &issuer_re, NULL, NULL, 0, NULL},
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		SG_CLI_TRUST_FLAG_ROWS(topts),
		{"--offline", NULL, NULL, &offline, NULL, 0, NULL},
		{"--insecure-ignore-tlog", NULL, NULL, &ignore_tlog, NULL, 0, NULL},
		{"--insecure-ignore-sct", NULL, NULL, &ignore_sct, NULL, 0, NULL},
		/* last: verify-blob drops it (n_flags) */
		{"--staging", NULL, NULL, &topts.staging, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	size_t n_flags = sizeof flags / sizeof flags[0] - (allow_staging ? 0 : 1);
	if (sg_cli_parse_flags(argc, argv, flags, n_flags, pos, 1, &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("%s: give exactly one artifact (a file or sha256:<hex>)",
			argv[0]);
	if (bundle_path == NULL)
		return sg_cli_usage_error("%s: --bundle is required", argv[0]);
	if (key_path != NULL && (identity || identity_re || issuer || issuer_re))
		return sg_cli_usage_error("%s: --key cannot be combined with identity flags",
			argv[0]);
	if (offline && topts.refresh)
		return sg_cli_usage_error("%s: --offline and --refresh-trust exclude each other",
			argv[0]);
	/* Before anything else runs: from here on no socket can be opened in this process. */
	if (offline)
		sg_cli_go_offline();

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_policy policy;
	sg_pubkey key;
	sg_err err = SG_OK;
	sg_trustroot *tr = NULL;
	sg_entity *entity = NULL;
	sg_verified *out = NULL;
	sg_artifact artifact;
	memset(&artifact, 0, sizeof artifact);

	if (key_path == NULL) {
		err = sg_policy_init(&policy, identity, identity_re, issuer, issuer_re, &d);
		if (err != SG_OK)
			goto out;
	} else {
		sg_slice pem;
		uint8_t *der;
		d.source = key_path;
		if ((err = sg_os_read_file(key_path, SG_MAX_PEM_FILE, arena, &pem, &d)) != SG_OK ||
			(err = sg_arena_get(arena, SG_MAX_CERT, (void **)&der, &d)) != SG_OK ||
			(err = sg_pubkey_parse_pem(pem.p, pem.len, der, SG_MAX_CERT, &key, &d)) !=
				SG_OK)
			goto out;
		d.source = NULL;
	}
	warn_insecure(ignore_tlog, ignore_sct);

	/* With --key and --insecure-ignore-tlog no CA, log or TSA is consulted: nothing to warn
	 * about the trust material's age (a limit asked for still applies). */
	topts.quiet = key_path != NULL && ignore_tlog;
	if ((err = sg_arena_get(arena, sizeof *tr, (void **)&tr, &d)) != SG_OK ||
		(err = sg_cli_trustroot_load(&topts, arena, tr, NULL, &d)) != SG_OK)
		goto out;

	sg_slice json;
	d.source = bundle_path;
	if ((err = sg_os_read_file(bundle_path, SG_MAX_JSON, arena, &json, &d)) != SG_OK ||
		(err = sg_arena_get(arena, sizeof *entity, (void **)&entity, &d)) != SG_OK ||
		(err = sg_bundle_parse(json.p, json.len, arena, entity, &d)) != SG_OK)
		goto out;
	d.source = NULL;

	if (parse_digest_arg(pos[0], artifact.sha256)) {
		/* only SHA-256 is known */
	} else if ((err = hash_file(pos[0], &artifact, &d)) != SG_OK) {
		goto out;
	}

	sg_verify_opts opts;
	memset(&opts, 0, sizeof opts);
	opts.trustroot = tr;
	opts.policy = key_path == NULL ? &policy : NULL;
	opts.key = key_path != NULL ? &key : NULL;
	opts.issuer_mode = SG_ISSUER_BUNDLE;
	opts.insecure_ignore_tlog = ignore_tlog;
	opts.insecure_ignore_sct = ignore_sct;
	opts.now = sg_os_now();
	if ((err = sg_arena_get(arena, sizeof *out, (void **)&out, &d)) != SG_OK)
		goto out;
	err = sg_verify_entity(entity, &artifact, &opts, arena, out, &d);
out:
	if (err != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	fprintf(stderr, "Verified OK\n");
	return SG_EXIT_OK;
}

/* see commands.h */
int
sg_cmd_verify_blob(int argc, char **argv, sg_arena *arena)
{
	return verify_common(argc, argv, arena, 0);
}

/* see commands.h */
int
sg_cmd_verify_bundle(int argc, char **argv, sg_arena *arena)
{
	return verify_common(argc, argv, arena, 1);
}
