/* sign_blob: `picosign sign-blob` (cosign sign-blob, keyless or with --key) and
 * `picosign sign-bundle` (the sigstore-conformance client protocol,
 * ../shared/vectors/conformance/CASES.md).
 *
 *   sign-blob FILE [--key KEY [--tlog-upload=false]] [--bundle OUT] [--output-certificate F]
 *       [--output-signature F | --output F] [--b64=false] [--identity-token T|PATH]
 *       [--oidc-provider P] [--oidc-disable-ambient-providers] [--fulcio-url U]
 *       [--rekor-url U] [--signing-config F] [--timestamp-server-url U] [--trusted-root F]
 *       [--timeout D] [--allow-http] [--yes|-y]
 *   sign-bundle [--staging] [--in-toto] --identity-token T --bundle F [--trusted-root F]
 *       [--signing-config F] FILE
 *
 * Behaviour follows cosign v2 sign-blob (cmd/cosign/cli/sign/sign_blob.go) where it applies:
 * progress on stderr, the base64 signature on stdout unless --output-signature, the privacy
 * statement and "Are you sure you would like to continue? [y/N] " before the upload unless
 * --yes or COSIGN_YES; like cosign, a non-terminal stdin is read for the answer too, so an
 * empty stdin declines ("user declined the prompt"). Differences: --output-certificate holds
 * the PEM (cosign writes base64 of the PEM by default), and it is written as soon as the
 * certificate has been verified, so it survives a later Rekor failure (the error says so).
 * The bundle is a Sigstore bundle v0.3 (cosign v3's default; cosign v2 wrote its own format
 * without --new-bundle-format, which verify-blob reads too); it needs an inclusion proof, and
 * without one the command fails as sigstore-go does.
 *
 * With --key the key is loaded first (a file or env://VAR, cli/keysrc.c), the signature is
 * logged in Rekor and checked against the trusted root as `sign --key` does, unless
 * --tlog-upload=false (then no bundle can be written). The keyless session is cli/keyless.c's,
 * shared with keyless `sign IMAGE`. Plain http:// is allowed only to loopback addresses (test
 * services) unless --allow-http. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "crypto/p256.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "online/cosign_sig.h"
#include "online/fulcio.h"
#include "online/oidc.h"
#include "online/registry.h"
#include "online/rekor.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "pki/trustroot.h"
#include "sign/image.h"
#include "sign/sign.h"
#include "sigstore/signing_config.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"


SG_MUST_USE static sg_err
hash_file(const char *path, uint8_t out[SG_SHA256_LEN], sg_diag *d)
{
	sg_hash_ctx h;
	sg_hash_ctx *const hs[] = {&h};
	sg_hash_init(&h, SG_HASH_SHA256);
	sg_err e = sg_os_hash_file(path, "reading payload", hs, 1, d);
	sg_hash_final(&h, out);
	return e;
}

/* What sign-blob and sign-bundle were told. */
typedef struct sign_args {
	const char *payload;
	const char *bundle, *out_sig;
	const char *key_path;   /* --key: sign with this key instead of keylessly */
	int yes;
	int tlog_upload;        /* --tlog-upload (with --key; -1 when not given) */
	int b64;                /* --b64 (default): the signature as base64, else raw DER */
	int conformance; /* sign-bundle: no prompt, no stdout signature */
	sg_cli_keyless_args k;
	sg_cli_services_args svc;
} sign_args;

/* The services (cli/signing.c) into the keyless arguments; prints the error and returns
 * SG_EXIT_FAIL when they cannot be chosen. */
static int
choose_services(sign_args *a, sg_arena *arena)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	if (sg_cli_services_select(&a->svc, sg_os_now(), arena, &a->k.svc, &d) == SG_OK)
		return 0;
	sg_cli_print_error(&d);
	return SG_EXIT_FAIL;
}

static int
run_sign(const sign_args *a, sg_arena *arena)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_keyless k;
	memset(&k, 0, sizeof k);
	sg_sign_result *res = NULL;
	int rc = SG_EXIT_FAIL;
	sg_err e;
	sg_sign_image_hooks hooks = {NULL, sg_cli_note,
		a->conformance || a->yes ? NULL : sg_cli_confirm_hook};

	uint8_t digest[SG_SHA256_LEN];
	sg_p256_key key;
	sg_cli_keyed ks;
	memset(&key, 0, sizeof key);
	memset(&ks, 0, sizeof ks);
	sg_signer *signer = NULL;
	/* cosign loads the key before anything else: a wrong --key fails first. */
	if (a->key_path != NULL &&
		(e = sg_cli_load_private_key(a->key_path, arena, &key, &d)) != SG_OK)
		goto out;
	if (!a->conformance && strcmp(a->payload, "-") != 0)
		fprintf(stderr, "Using payload from: %s\n", a->payload);
	if ((e = hash_file(a->payload, digest, &d)) != SG_OK ||
		(e = sg_arena_get(arena, sizeof *res, (void **)&res, &d)) != SG_OK)
		goto out;
	if (a->key_path != NULL && a->tlog_upload == 0) {
		/* Signed, not logged (cosign: --tlog-upload=false). */
		memset(res, 0, sizeof *res);
		if ((e = sg_p256_sign_digest(&key, digest, res->sig, sizeof res->sig, &res->sig_len,
			     &d)) != SG_OK)
			goto out;
		fprintf(stderr, "WARNING: --tlog-upload=false: the signature is not uploaded to "
				"the transparency log; verify it with --insecure-ignore-tlog\n");
	} else {
		if (a->key_path != NULL) {
			e = sg_cli_keyed_begin(&ks, &key, &a->k.svc, a->k.timeout, a->k.root_path,
				arena, &d);
			signer = ks.signer;
		} else {
			e = sg_cli_keyless_begin(&k, &a->k, arena, &d);
			signer = k.signer;
		}
		sg_p256_key_wipe(&key);
		if (e != SG_OK)
			goto out;
		if ((e = sg_sign_logged(signer, &hooks, a->k.svc.rekor_url, digest, arena, res,
			     &d)) != SG_OK) {
			k.stage = signer->stage;
			goto out;
		}
	}

	if (a->bundle != NULL) {
		sg_slice json;
		k.stage = SG_SIGN_STAGE_BUNDLE;
		if ((e = sg_sign_bundle_json(signer, res, arena, &json, &d)) != SG_OK ||
			(e = sg_os_write_file(a->bundle, json, &d)) != SG_OK)
			goto out;
		k.stage = SG_SIGN_STAGE_NONE;
		fprintf(stderr, "Wrote bundle to file %s\n", a->bundle);
	}
	uint8_t b64mem[SG_P256_SIG_MAX * 2];
	sg_buf b64;
	sg_buf_init(&b64, b64mem, sizeof b64mem);
	if (a->b64)
		e = sg_b64_encode(res->sig, res->sig_len, SG_B64_STD | SG_B64_PAD, &b64);
	else
		sg_buf_put(&b64, res->sig, res->sig_len);
	if (e != SG_OK)
		goto out;
	if (a->out_sig != NULL) {
		if ((e = sg_os_write_file(a->out_sig, sg_buf_slice(&b64), &d)) != SG_OK)
			goto out;
		fprintf(stderr, "Wrote signature to file %s\n", a->out_sig);
	} else if (!a->conformance && a->b64) {
		printf("%.*s\n", (int)b64.len, (const char *)b64.p);
	} else if (!a->conformance) {
		sg_slice raw = sg_buf_slice(&b64);
		if ((e = sg_os_write_file("-", raw, &d)) != SG_OK)
			goto out;
	}
	rc = SG_EXIT_OK;
out:
	if (e != SG_OK)
		sg_cli_report_keyless_failure(&d, k.stage, k.cert_written);
	sg_p256_key_wipe(&key);
	sg_cli_keyed_end(&ks);
	sg_cli_keyless_end(&k);
	return rc;
}

/* see cli.h */
int
sg_cmd_sign_blob(int argc, char **argv, sg_arena *arena)
{
	sign_args a;
	sg_cli_oidc oidc;
	sg_cli_common common;
	memset(&a, 0, sizeof a);
	memset(&oidc, 0, sizeof oidc);
	memset(&common, 0, sizeof common);
	a.tlog_upload = -1;
	a.b64 = 1;
	const char *output = NULL;
	int new_format = 0;
	const sg_cli_flag flags[] = {
		{"--key", NULL, &a.key_path, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &a.bundle, NULL, NULL, 0, NULL},
		{"--new-bundle-format", NULL, NULL, &new_format, NULL, 0, NULL},
		{"--output-certificate", NULL, &a.k.out_cert, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &a.out_sig, NULL, NULL, 0, NULL},
		{"--output", NULL, &output, NULL, NULL, 0, NULL},
		{"--b64", NULL, NULL, &a.b64, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &a.tlog_upload, NULL, 0, NULL},
		SG_CLI_OIDC_FLAG_ROWS(oidc),
		{"--fulcio-url", NULL, &a.svc.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &a.svc.rekor_url, NULL, NULL, 0, NULL},
		{"--signing-config", NULL, &a.svc.signing_config, NULL, NULL, 0, NULL},
		{"--timestamp-server-url", NULL, &a.svc.tsa_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.k.root_path, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &a.k.allow_http, NULL, 0, NULL},
		{"--yes", "-y", NULL, &a.yes, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1, &n_pos) !=
			0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign-blob: give exactly one file to sign (- for "
					  "standard input)");
	/* cosign registers --output as another name of --output-signature. */
	if (a.out_sig == NULL)
		a.out_sig = output;
	if (a.tlog_upload == 0 && a.key_path == NULL)
		return sg_cli_usage_error("sign-blob: keyless signing needs the transparency log "
					  "(--tlog-upload=false is for --key)");
	if (a.tlog_upload == 0 && a.bundle != NULL)
		return sg_cli_usage_error("sign-blob: --bundle needs the transparency-log entry, "
					  "which --tlog-upload=false does not make");
	a.payload = pos[0];
	sg_cli_oidc_apply(&oidc, &a.k);
	a.k.timeout = common.timeout;
	a.svc.no_tlog = a.tlog_upload == 0;
	if (choose_services(&a, arena) != 0)
		return SG_EXIT_FAIL;
	return run_sign(&a, arena);
}

/* see cli.h */
int
sg_cmd_sign_bundle(int argc, char **argv, sg_arena *arena)
{
	sign_args a;
	memset(&a, 0, sizeof a);
	int in_toto = 0;
	const char *config = NULL;
	const sg_cli_flag flags[] = {
		{"--staging", NULL, NULL, &a.k.staging, NULL, 0, NULL},
		{"--in-toto", NULL, NULL, &in_toto, NULL, 0, NULL},
		{"--identity-token", NULL, &a.k.token_flag, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &a.bundle, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.k.root_path, NULL, NULL, 0, NULL},
		{"--signing-config", NULL, &config, NULL, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1, &n_pos) !=
		0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign-bundle: give exactly one file to sign");
	if (a.k.token_flag == NULL || a.bundle == NULL)
		return sg_cli_usage_error(
			"sign-bundle: --identity-token and --bundle are required");
	if (in_toto)
		return sg_cli_usage_error("sign-bundle --in-toto: unsupported (picosign signs "
					  "message signatures only)");
	a.payload = pos[0];
	a.conformance = 1;
	a.b64 = 1;
	a.k.disable_ambient = 1;
	a.k.svc.fulcio_url = a.k.staging ? SG_FULCIO_STAGING_URL : SG_FULCIO_DEFAULT_URL;
	a.k.svc.rekor_url = a.k.staging ? SG_REKOR_STAGING_URL : SG_REKOR_DEFAULT_URL;
	/* the config's services: Fulcio, Rekor v1 or v2, a TSA (cli/signing.c) */
	a.svc.signing_config = config;
	if (config != NULL && choose_services(&a, arena) != 0)
		return SG_EXIT_FAIL;
	return run_sign(&a, arena);
}
