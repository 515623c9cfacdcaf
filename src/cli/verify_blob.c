/* verify_blob: `picosign verify-blob` and `picosign verify-bundle` (the sigstore-conformance
 * client protocol, ../shared/vectors/conformance/CASES.md). Both verify a signature offline
 * against a trusted root for an artifact given as a file, as "-" (standard input) or as
 * sha256:<hex>.
 *
 *   verify-blob (--bundle F | --signature S (--certificate C [--certificate-chain CH] | --key K))
 *       (identity flags | --key PUB) [--trusted-root F] [--max-trust-root-age D]
 *       [--refresh-trust] [--offline] [--rekor-url U] [--insecure-ignore-tlog]
 *       [--insecure-ignore-sct] FILE|-|sha256:HEX
 *   verify-bundle [--staging] ... (the same flags)
 *
 * What is verified comes from cli/blobsig.c: a Sigstore bundle, a cosign v2 bundle file, or a
 * detached signature whose log entry is looked up in Rekor. --offline switches the network off
 * for the whole process (sg_net_forbid) before anything is read: a lookup would then fail
 * with "offline verification failed", as in cosign.
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
#include "cli/options.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"
#include "sys/os.h"
#include "online/rekor.h"
#include "verify/verify.h"

/* A "sha256:<64 lowercase hex>" argument that names no existing file is a digest (the
 * conformance protocol's rule); anything else is a path. 1: a digest; 0: a path; -1: it has
 * the digest prefix, names no file and is not a well-formed digest. */
static int
parse_digest_arg(const char *arg, uint8_t out[SG_SHA256_LEN])
{
	static const char prefix[] = "sha256:";
	size_t n = strlen(arg);
	if (strncmp(arg, prefix, sizeof prefix - 1) != 0 || sg_os_exists(arg))
		return 0;
	size_t len;
	if (n != sizeof prefix - 1 + 2 * SG_SHA256_LEN ||
		sg_hex_decode((const uint8_t *)arg + sizeof prefix - 1, 2 * SG_SHA256_LEN, out,
			SG_SHA256_LEN, &len, NULL) != SG_OK)
		return -1;
	for (size_t i = sizeof prefix - 1; i < n; i++)
		if (arg[i] >= 'A' && arg[i] <= 'F')
			return -1;
	return 1;
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
	sg_cli_identity id;
	sg_cli_common common;
	sg_cli_blob_args ba;
	sg_cli_trust_opts topts;
	memset(&id, 0, sizeof id);
	memset(&common, 0, sizeof common);
	memset(&ba, 0, sizeof ba);
	memset(&topts, 0, sizeof topts);
	const char *key_path = NULL, *chain = NULL, *workers = NULL;
	int ignore_tlog = 0, ignore_sct = 0, private_infra = 0, new_format = 0;
	const sg_cli_flag flags[] = {
		{"--bundle", NULL, &ba.bundle, NULL, NULL, 0, NULL},
		{"--signature", NULL, &ba.signature, NULL, NULL, 0, NULL},
		{"--certificate", NULL, &ba.certificate, NULL, NULL, 0, NULL},
		{"--certificate-chain", NULL, &chain, NULL, NULL, 0, NULL},
		SG_CLI_IDENTITY_FLAG_ROWS(id),
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		SG_CLI_TRUST_FLAG_ROWS(topts),
		{"--offline", NULL, NULL, &ba.offline, NULL, 0, NULL},
		{"--rekor-url", NULL, &ba.rekor_url, NULL, NULL, 0, NULL},
		{"--insecure-ignore-tlog", NULL, NULL, &ignore_tlog, NULL, 0, NULL},
		{"--private-infrastructure", NULL, NULL, &private_infra, NULL, 0, NULL},
		{"--insecure-ignore-sct", NULL, NULL, &ignore_sct, NULL, 0, NULL},
		{"--new-bundle-format", NULL, NULL, &new_format, NULL, 0, NULL},
		{"--max-workers", NULL, &workers, NULL, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
		/* last: verify-blob drops it (n_flags) */
		{"--staging", NULL, NULL, &topts.staging, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	size_t n_flags = sizeof flags / sizeof flags[0] - (allow_staging ? 0 : 1);
	if (sg_cli_parse_flags(argc, argv, flags, n_flags, pos, 1, &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("%s: give exactly one artifact (a file, - for standard "
					  "input, or sha256:<hex>)", argv[0]);
	if (ba.bundle == NULL && ba.signature == NULL)
		return sg_cli_usage_error("%s: give --bundle FILE, or --signature with "
					  "--certificate or --key", argv[0]);
	if (key_path != NULL && sg_cli_identity_given(&id))
		return sg_cli_usage_error("%s: --key cannot be combined with identity flags",
			argv[0]);
	unsigned nw;
	/* --max-workers: cosign's knob for parallel checks; one blob needs one worker. */
	if (sg_cli_parse_workers(workers, &nw) != 0)
		return SG_EXIT_FAIL;
	if (ba.offline && topts.refresh)
		return sg_cli_usage_error("%s: --offline and --refresh-trust exclude each other",
			argv[0]);
	/* Before anything else runs: from here on no socket can be opened in this process. */
	if (ba.offline)
		sg_cli_go_offline();
	ba.ignore_tlog = ignore_tlog || private_infra;
	ba.key_ref = key_path;
	ba.timeout = common.timeout;
	if (ba.rekor_url == NULL)
		ba.rekor_url = SG_REKOR_DEFAULT_URL;

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_policy *policy = NULL;
	sg_pubkey key;
	sg_err err = SG_OK;
	sg_trustroot *tr = NULL;
	sg_verified *out = NULL;
	sg_artifact artifact;
	memset(&artifact, 0, sizeof artifact);

	if (key_path == NULL) {
		if ((err = sg_arena_get(arena, sizeof *policy, (void **)&policy, &d)) != SG_OK ||
			(err = sg_cli_identity_policy(&id, policy, &d)) != SG_OK)
			goto out;
	} else if ((err = sg_cli_load_public_key(key_path, arena, &key, &d)) != SG_OK) {
		goto out;
	}
	warn_insecure(ba.ignore_tlog, ignore_sct);

	/* With --key and --insecure-ignore-tlog no CA, log or TSA is consulted: nothing to warn
	 * about the trust material's age (a limit asked for still applies). */
	topts.quiet = key_path != NULL && ba.ignore_tlog;
	if ((err = sg_arena_get(arena, sizeof *tr, (void **)&tr, &d)) != SG_OK ||
		(err = sg_cli_trustroot_load(&topts, arena, tr, NULL, &d)) != SG_OK)
		goto out;
	if (chain != NULL && (err = sg_cli_chain_as_ca(chain, tr, arena, &d)) != SG_OK)
		goto out;

	int dg = parse_digest_arg(pos[0], artifact.sha256);
	if (dg < 0) {
		err = sg_diag_failmsg(&d, SG_ERR_USAGE, "%.200s: not a digest (sha256: and 64 "
			"lowercase hex digits), and no file has that name", pos[0]);
		goto out;
	}
	if (dg == 0 && (err = hash_file(pos[0], &artifact, &d)) != SG_OK)
		goto out;
	ba.sha256 = artifact.sha256;

	sg_entity *ents;
	size_t n_ents;
	int legacy;
	if ((err = sg_cli_blob_entities(&ba, arena, &ents, &n_ents, &legacy, &d)) != SG_OK)
		goto out;

	sg_verify_opts opts;
	memset(&opts, 0, sizeof opts);
	opts.trustroot = tr;
	opts.policy = policy;
	opts.key = key_path != NULL ? &key : NULL;
	opts.issuer_mode = legacy ? SG_ISSUER_LEGACY : SG_ISSUER_BUNDLE;
	opts.insecure_ignore_tlog = ba.ignore_tlog;
	opts.insecure_ignore_sct = ignore_sct;
	opts.now = sg_os_now();
	if ((err = sg_arena_get(arena, sizeof *out, (void **)&out, &d)) != SG_OK)
		goto out;
	/* Candidates (several only from a Rekor search): the first that verifies wins; when
	 * none does, the first one's failure is reported. */
	for (size_t i = 0; i < n_ents; i++) {
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		err = sg_verify_entity(&ents[i], &artifact, &opts, arena, out, &ld);
		if (err == SG_OK)
			break;
		if (i == 0)
			d = ld;
	}
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
