/* sign_blob: `picosign sign-blob` (cosign sign-blob, keyless) and `picosign sign-bundle`
 * (the sigstore-conformance client protocol, ../shared/vectors/conformance/CASES.md).
 *
 *   sign-blob FILE [--bundle OUT] [--output-certificate F] [--output-signature F]
 *       [--identity-token T|PATH] [--oidc-disable-ambient-providers] [--fulcio-url U]
 *       [--rekor-url U] [--trusted-root F] [--timeout SECS] [--allow-http] [--yes|-y]
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
 * The bundle is a Sigstore bundle v0.3 (cosign --new-bundle-format writes v0.1); it needs an
 * inclusion proof, and without one the command fails as sigstore-go does.
 *
 * `picosign sign IMAGE` without --key comes here too (sg_cmd_sign_keyless): the same session,
 * then the simple-signing payload is signed and pushed as a cosign `.sig` layer with the
 * signature, certificate, chain and bundle annotations (protocol.md §2.3, §2.7) through
 * sg_cosign_sig_attach, the push cli/sign_image.c's key-based path uses. --output-certificate,
 * --output-signature (base64, no newline, as cosign) and --bundle (v0.3 over the payload) are
 * all written before the push, so a registry that refuses it loses nothing; the error then
 * names the files (sg_cli_report_push_failure, shared with cli/sign_image.c like the prompt).
 *
 * Plain http:// is allowed only to loopback addresses (test services) unless --allow-http. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
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
#include "sign/sign.h"
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

/* A NUL-terminated copy of a JSON string value in the arena. */
SG_MUST_USE static sg_err
arena_cstr(sg_slice s, sg_arena *arena, const char **out, sg_diag *d)
{
	char *p;
	SG_TRY(sg_arena_get(arena, s.len + 1, (void **)&p, d));
	memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	*out = p;
	return SG_OK;
}

/* The first service of `list` (caUrls / rekorTlogUrls) with majorApiVersion 1 whose validFor
 * contains `now`. *seen_other says an entry of another major version was skipped. */
SG_MUST_USE static sg_err
pick_service(const sg_json *j, size_t root, const char *key, int64_t now, sg_arena *arena,
	const char **out, int *seen_other, sg_diag *d)
{
	size_t arr, n;
	*out = NULL;
	*seen_other = 0;
	SG_TRY(sg_json_get_arr(j, root, key, SG_JSON_OPTIONAL, key, &arr, &n, d));
	for (size_t t = n ? sg_json_first(j, arr) : SG_JSON_NONE; t != SG_JSON_NONE;
		t = sg_json_next(j, t)) {
		sg_slice url;
		int64_t major = 0, start = INT64_MIN, end = INT64_MAX;
		int has;
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, key, d));
		SG_TRY(sg_json_get_str(j, t, "url", SG_JSON_REQUIRED, "signing config url", arena,
			&url, NULL, d));
		SG_TRY(sg_json_get_int64(j, t, "majorApiVersion", SG_JSON_OPTIONAL,
			"signing config majorApiVersion", &major, NULL, d));
		size_t vf;
		SG_TRY(sg_json_get_obj(j, t, "validFor", SG_JSON_OPTIONAL,
			"signing config validFor", &vf, d));
		if (vf != SG_JSON_NONE) {
			SG_TRY(sg_json_get_time(j, vf, "start", SG_JSON_OPTIONAL,
				"signing config validFor.start", &start, &has, d));
			if (!has)
				start = INT64_MIN;
			SG_TRY(sg_json_get_time(j, vf, "end", SG_JSON_OPTIONAL,
				"signing config validFor.end", &end, &has, d));
			if (!has)
				end = INT64_MAX;
		}
		if (now < start || now > end)
			continue;
		if (major != 1) {
			*seen_other = 1;
			continue;
		}
		return arena_cstr(url, arena, out, d);
	}
	return SG_OK;
}

/* --signing-config: a SigningConfig v0.2 (protobuf-specs sigstore_trustroot.proto); only the
 * Fulcio and Rekor v1 URLs are used (no TSA: the Rekor entry is the signing time). */
SG_MUST_USE static sg_err
read_signing_config(const char *path, int64_t now, sg_arena *arena, const char **fulcio,
	const char **rekor, sg_diag *d)
{
	sg_slice in, mt;
	sg_json j;
	d->source = path;
	SG_TRY(sg_os_read_file(path, SG_MAX_JSON, arena, &in, d));
	SG_TRY(sg_json_parse(in.p, in.len, arena, "signing config", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "signing config", d));
	SG_TRY(sg_json_get_str(&j, root, "mediaType", SG_JSON_REQUIRED, "signing config mediaType",
		arena, &mt, NULL, d));
	if (!sg_slice_eq_str(mt, "application/vnd.dev.sigstore.signingconfig.v0.2+json"))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "signing config mediaType", "%.*s",
			(int)(mt.len > 100 ? 100 : mt.len), (const char *)mt.p);
	int other;
	SG_TRY(pick_service(&j, root, "caUrls", now, arena, fulcio, &other, d));
	if (*fulcio == NULL)
		return sg_diag_fail(d, SG_ERR_UNSUPPORTED,
			"signing config: no Fulcio v1 service valid now");
	SG_TRY(pick_service(&j, root, "rekorTlogUrls", now, arena, rekor, &other, d));
	if (*rekor == NULL)
		return sg_diag_fail(d, SG_ERR_UNSUPPORTED,
			other ? "signing config: only Rekor v2 services (not supported yet)"
			      : "signing config: no Rekor v1 service valid now");
	d->source = NULL;
	return SG_OK;
}

typedef struct sign_args {
	const char *payload;
	const char *bundle, *out_cert, *out_sig;
	const char *token_flag;
	int disable_ambient;
	const char *fulcio_url, *rekor_url;
	const char *root_path;
	int staging;
	const char *timeout;
	int allow_http;
	int yes;
	int conformance; /* sign-bundle: no prompt, no stdout signature */
} sign_args;

/* Print the failure with the stage it happened in, and what was kept. */
static void
report(const sg_diag *d, sg_sign_stage stage, const char *cert_written)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	if (stage != SG_SIGN_STAGE_NONE)
		fprintf(stderr, "Error: %s: %s\n", sg_sign_stage_name(stage), msg);
	else
		fprintf(stderr, "Error: %s\n", msg);
	if (cert_written == NULL)
		return;
	const char *why = "nothing was uploaded to the transparency log";
	if (stage == SG_SIGN_STAGE_REKOR)
		why = "no transparency-log entry was created, so no bundle or signature was "
		      "written";
	else if (stage == SG_SIGN_STAGE_TLOG)
		why = "Rekor's answer did not verify, so no bundle or signature was written";
	else if (stage == SG_SIGN_STAGE_BUNDLE)
		why = "the signature is in the transparency log, but the bundle was not written";
	fprintf(stderr, "The certificate was already written to %s; %s.\n", cert_written, why);
}

/* One keyless session: the network, the trusted root, the token and a certified key. */
typedef struct keyless {
	sg_net_opts nopts;
	sg_net_dialer dialer;
	sg_http_client *http;
	uint8_t *token;
	sg_trustroot *tr;
	sg_drbg rng;
	sg_signer *signer;
	sg_sign_stage stage;     /* where a failure happened */
	const char *cert_written; /* --output-certificate, once written */
	sg_http_plain plain;
} keyless;

/* Set up the network and trusted root, find the token, and get a verified certificate; the
 * certificate is written to a->out_cert at once. The token is wiped as soon as Fulcio has
 * seen it. */
SG_MUST_USE static sg_err
keyless_begin(keyless *k, const sign_args *a, sg_arena *arena, sg_diag *d)
{
	memset(k, 0, sizeof *k);
	k->plain = a->allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_LOOPBACK;
	uint8_t *iobuf;
	SG_TRY(sg_net_opts_from_env(&k->nopts, d));
	if (a->timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(a->timeout, &ms, d));
		sg_net_opts_set_timeout(&k->nopts, ms);
	}
	if (a->allow_http)
		fprintf(stderr, "WARNING: --allow-http: the identity token may be sent in clear "
				"text\n");
	SG_TRY(sg_net_dialer_init(&k->dialer, &k->nopts, arena, d));
	SG_TRY(sg_arena_get(arena, sizeof *k->http, (void **)&k->http, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, d));
	sg_http_client_init(k->http, &k->dialer, &k->nopts, iobuf);
	k->http->user_agent = "picosign/" SG_VERSION;

	sg_cli_trust_opts topts;
	memset(&topts, 0, sizeof topts);
	topts.root_path = a->root_path;
	topts.staging = a->staging;
	SG_TRY(sg_arena_get(arena, sizeof *k->tr, (void **)&k->tr, d));
	SG_TRY(sg_cli_trustroot_load(&topts, arena, k->tr, NULL, d));

	/* The token: read just before Fulcio, since CI tokens live about five minutes. */
	k->stage = SG_SIGN_STAGE_TOKEN;
	sg_oidc_env env;
	sg_oidc_env_system(&env, k->http, arena);
	env.plain = k->plain;
	sg_oidc_source src;
	size_t token_len;
	SG_TRY(sg_arena_get(arena, SG_MAX_JWT, (void **)&k->token, d));
	SG_TRY(sg_oidc_get_token(&env, a->token_flag, a->disable_ambient, k->token, SG_MAX_JWT,
		&token_len, &src, d));
	k->stage = SG_SIGN_STAGE_NONE;

	SG_TRY(sg_drbg_init(&k->rng, d));
	SG_TRY(sg_arena_get(arena, sizeof *k->signer, (void **)&k->signer, d));
	sg_signer_opts so;
	memset(&so, 0, sizeof so);
	so.fulcio_url = a->fulcio_url;
	so.rekor_url = a->rekor_url;
	so.plain = k->plain;
	so.http = k->http;
	so.trustroot = k->tr;
	so.token = sg_slice_make(k->token, token_len);
	so.now = sg_os_now();
	fprintf(stderr, "Generating ephemeral keys...\nRetrieving signed certificate...\n");
	sg_err e = sg_signer_begin(k->signer, &so, &k->rng, arena, d);
	/* The token has done its job (Fulcio was the only one to see it). */
	sg_wipe(k->token, SG_MAX_JWT);
	if (e != SG_OK) {
		k->stage = k->signer->stage;
		return e;
	}
	fprintf(stderr, "Successfully verified SCT...\n");
	if (a->out_cert != NULL) {
		SG_TRY(sg_os_write_file(a->out_cert, k->signer->cert_pem, d));
		fprintf(stderr, "Wrote certificate to file %s\n", a->out_cert);
		k->cert_written = a->out_cert;
	}
	return SG_OK;
}

/* Sign one digest and print the log index as cosign does (and the search link for the
 * public-good Rekor only). */
SG_MUST_USE static sg_err
keyless_sign(keyless *k, const sign_args *a, const uint8_t digest[SG_SHA256_LEN],
	sg_arena *arena, sg_sign_result *res, sg_diag *d)
{
	if (!a->conformance && !a->yes)
		SG_TRY(sg_cli_confirm_tlog_upload(d));
	sg_err e = sg_signer_sign_digest(k->signer, digest, arena, res, d);
	if (e != SG_OK) {
		k->stage = k->signer->stage;
		return e;
	}
	if (res->existed)
		fprintf(stderr, "Signature already exists. Fetching and verifying inclusion "
				"proof.\n");
	fprintf(stderr, "tlog entry created with index: %lld\n",
		(long long)res->entry.tle.log_index);
	if (strcmp(a->rekor_url, SG_REKOR_DEFAULT_URL) == 0)
		fprintf(stderr, "https://search.sigstore.dev/?logIndex=%lld\n",
			(long long)res->entry.tle.log_index);
	return SG_OK;
}

static void
keyless_end(keyless *k)
{
	if (k->signer != NULL)
		sg_signer_end(k->signer);
	if (k->token != NULL)
		sg_wipe(k->token, SG_MAX_JWT);
	sg_drbg_wipe(&k->rng);
	if (k->http != NULL)
		sg_http_client_close(k->http);
}

static int
run_sign(const sign_args *a, sg_arena *arena)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	keyless k;
	memset(&k, 0, sizeof k);
	sg_sign_result *res = NULL;
	int rc = SG_EXIT_FAIL;
	sg_err e;

	uint8_t digest[SG_SHA256_LEN];
	if (!a->conformance && strcmp(a->payload, "-") != 0)
		fprintf(stderr, "Using payload from: %s\n", a->payload);
	if ((e = hash_file(a->payload, digest, &d)) != SG_OK ||
		(e = sg_arena_get(arena, sizeof *res, (void **)&res, &d)) != SG_OK ||
		(e = keyless_begin(&k, a, arena, &d)) != SG_OK ||
		(e = keyless_sign(&k, a, digest, arena, res, &d)) != SG_OK)
		goto out;

	if (a->bundle != NULL) {
		sg_slice json;
		k.stage = SG_SIGN_STAGE_BUNDLE;
		if ((e = sg_sign_bundle_json(k.signer, res, arena, &json, &d)) != SG_OK ||
			(e = sg_os_write_file(a->bundle, json, &d)) != SG_OK)
			goto out;
		k.stage = SG_SIGN_STAGE_NONE;
		fprintf(stderr, "Wrote bundle to file %s\n", a->bundle);
	}
	uint8_t b64mem[SG_P256_SIG_MAX * 2];
	sg_buf b64;
	sg_buf_init(&b64, b64mem, sizeof b64mem);
	if ((e = sg_b64_encode(res->sig, res->sig_len, SG_B64_STD | SG_B64_PAD, &b64)) != SG_OK)
		goto out;
	if (a->out_sig != NULL) {
		if ((e = sg_os_write_file(a->out_sig, sg_buf_slice(&b64), &d)) != SG_OK)
			goto out;
		fprintf(stderr, "Wrote signature to file %s\n", a->out_sig);
	} else if (!a->conformance) {
		printf("%.*s\n", (int)b64.len, (const char *)b64.p);
	}
	rc = SG_EXIT_OK;
out:
	if (e != SG_OK)
		report(&d, k.stage, k.cert_written);
	keyless_end(&k);
	return rc;
}

static int
sign_blob_usage(void)
{
	fprintf(stderr,
		"Usage: picosign sign-blob [flags] FILE\n\n"
		"Sign FILE keylessly: an identity token, a Fulcio certificate for an ephemeral\n"
		"key, and a Rekor transparency-log entry, each verified against the trusted\n"
		"root.\n\n"
		"Flags:\n"
		"  --bundle FILE                   write a Sigstore bundle (v0.3)\n"
		"  --output-certificate FILE       write the signing certificate (PEM)\n"
		"  --output-signature FILE         write the signature (base64), not to stdout\n"
		"  --identity-token TOKEN|FILE     the OIDC token, or a file holding it\n"
		"  --oidc-disable-ambient-providers  only use --identity-token\n"
		"  --fulcio-url URL                default %s\n"
		"  --rekor-url URL                 default %s\n"
		"  --trusted-root FILE             default $SIGSTORE_ROOT_FILE, else embedded\n"
		"  --timeout SECS                  per request (also $PICOSIGN_TIMEOUT)\n"
		"  --allow-http                    allow plain http:// to non-loopback hosts\n"
		"  -y, --yes                       skip the confirmation (also COSIGN_YES=true)\n",
		SG_FULCIO_DEFAULT_URL, SG_REKOR_DEFAULT_URL);
	return SG_EXIT_FAIL;
}

/* see cli.h */
int
sg_cmd_sign_blob(int argc, char **argv, sg_arena *arena)
{
	sign_args a;
	memset(&a, 0, sizeof a);
	int help = 0;
	const sg_cli_flag flags[] = {
		{"--bundle", NULL, &a.bundle, NULL, NULL, 0, NULL},
		{"--output-certificate", NULL, &a.out_cert, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &a.out_sig, NULL, NULL, 0, NULL},
		{"--identity-token", NULL, &a.token_flag, NULL, NULL, 0, NULL},
		{"--oidc-disable-ambient-providers", NULL, NULL, &a.disable_ambient, NULL, 0, NULL},
		{"--fulcio-url", NULL, &a.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &a.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.root_path, NULL, NULL, 0, NULL},
		{"--timeout", NULL, &a.timeout, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &a.allow_http, NULL, 0, NULL},
		{"--yes", "-y", NULL, &a.yes, NULL, 0, NULL},
		{"--help", "-h", NULL, &help, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1, &n_pos) !=
		0)
		return SG_EXIT_FAIL;
	if (help)
		return sign_blob_usage();
	if (n_pos != 1) {
		sign_blob_usage();
		return sg_cli_usage_error("sign-blob: give exactly one file to sign");
	}
	a.payload = pos[0];
	if (a.fulcio_url == NULL)
		a.fulcio_url = SG_FULCIO_DEFAULT_URL;
	if (a.rekor_url == NULL)
		a.rekor_url = SG_REKOR_DEFAULT_URL;
	const char *y = getenv("COSIGN_YES");
	int yv;
	if (!a.yes && y != NULL && y[0] != '\0') {
		if (!sg_cli_parse_bool(y, &yv))
			return sg_cli_usage_error("COSIGN_YES: invalid boolean \"%s\"", y);
		a.yes = yv;
	}
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
		{"--staging", NULL, NULL, &a.staging, NULL, 0, NULL},
		{"--in-toto", NULL, NULL, &in_toto, NULL, 0, NULL},
		{"--identity-token", NULL, &a.token_flag, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &a.bundle, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.root_path, NULL, NULL, 0, NULL},
		{"--signing-config", NULL, &config, NULL, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1, &n_pos) !=
		0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign-bundle: give exactly one file to sign");
	if (a.token_flag == NULL || a.bundle == NULL)
		return sg_cli_usage_error(
			"sign-bundle: --identity-token and --bundle are required");
	if (in_toto)
		return sg_cli_usage_error("sign-bundle --in-toto: unsupported (picosign signs "
					  "message signatures only)");
	a.payload = pos[0];
	a.conformance = 1;
	a.disable_ambient = 1;
	a.fulcio_url = a.staging ? SG_FULCIO_STAGING_URL : SG_FULCIO_DEFAULT_URL;
	a.rekor_url = a.staging ? SG_REKOR_STAGING_URL : SG_REKOR_DEFAULT_URL;
	if (config != NULL) {
		sg_diag d;
		sg_diag_init(&d, NULL);
		if (read_signing_config(config, sg_os_now(), arena, &a.fulcio_url,
			    &a.rekor_url, &d) != SG_OK) {
			sg_cli_print_error(&d);
			return SG_EXIT_FAIL;
		}
	}
	return run_sign(&a, arena);
}


/* see cli.h */
int
sg_cmd_sign_keyless(int argc, char **argv, sg_arena *arena)
{
	sign_args a;
	memset(&a, 0, sizeof a);
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots = 0;
	int tlog_upload = -1;
	const char *key_path = NULL;
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&n_annots},
		{"--yes", "-y", NULL, &a.yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--output-certificate", NULL, &a.out_cert, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &a.out_sig, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &a.bundle, NULL, NULL, 0, NULL},
		{"--identity-token", NULL, &a.token_flag, NULL, NULL, 0, NULL},
		{"--oidc-disable-ambient-providers", NULL, NULL, &a.disable_ambient, NULL, 0, NULL},
		{"--fulcio-url", NULL, &a.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &a.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.root_path, NULL, NULL, 0, NULL},
		{"--timeout", NULL, &a.timeout, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &a.allow_http, NULL, 0, NULL},
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign: usage: picosign sign [--identity-token T] "
					  "[-a key=value]... IMAGE@sha256:<hex>");
	if (key_path != NULL)
		return sg_cli_usage_error("sign: --key is the key-based path");
	if (tlog_upload == 0)
		return sg_cli_usage_error("sign: keyless signing needs the transparency log "
					  "(--tlog-upload=false is for --key)");
	if (a.fulcio_url == NULL)
		a.fulcio_url = SG_FULCIO_DEFAULT_URL;
	if (a.rekor_url == NULL)
		a.rekor_url = SG_REKOR_DEFAULT_URL;
	const char *y = getenv("COSIGN_YES");
	int yv;
	if (!a.yes && y != NULL && y[0] != '\0') {
		if (!sg_cli_parse_bool(y, &yv))
			return sg_cli_usage_error("COSIGN_YES: invalid boolean \"%s\"", y);
		a.yes = yv;
	}
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(annots_raw, n_annots, annots);
	if (bad != n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	struct sg_cli_reg *cr = NULL;
	keyless k;
	memset(&k, 0, sizeof k);
	sg_sign_result *res = NULL;
	int rc = SG_EXIT_FAIL, pushing = 0;
	const char *sig_written = NULL, *bundle_written = NULL;
	sg_err e = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
	if (e != SG_OK)
		goto out;
	sg_registry *reg = sg_cli_registry_get(cr);

	/* 1-2. The digest to sign (a tag is resolved, with cosign's warning) and the payload
	 *      (protocol.md §1). */
	uint8_t digest[32];
	sg_slice rb, pb;
	if ((e = sg_cli_sign_payload(reg, &ref, pos[0], annots, n_annots, arena, digest, &rb, &pb,
		     &d)) != SG_OK)
		goto out;
	uint8_t pdigest[SG_SHA256_LEN];
	sg_sha256(pb.p, pb.len, pdigest);

	/* 3-6. Certificate, signature, Rekor entry, all verified. */
	if ((e = sg_arena_get(arena, sizeof *res, (void **)&res, &d)) != SG_OK ||
		(e = keyless_begin(&k, &a, arena, &d)) != SG_OK ||
		(e = keyless_sign(&k, &a, pdigest, arena, res, &d)) != SG_OK)
		goto out;

	uint8_t b64mem[SG_P256_SIG_MAX * 2];
	sg_buf b64;
	sg_buf_init(&b64, b64mem, sizeof b64mem);
	if ((e = sg_b64_encode(res->sig, res->sig_len, SG_B64_STD | SG_B64_PAD, &b64)) != SG_OK) {
		e = sg_diag_fail(&d, e, "signature");
		goto out;
	}
	/* The local copies come before the push (as cosign's signDigest writes them), so a
	 * registry that refuses the push loses nothing: the certificate, bundle and signature
	 * are already logged and on disk. */
	if (a.out_sig != NULL) {
		/* cosign writes the base64 text with no newline. */
		if ((e = sg_os_write_file(a.out_sig, sg_buf_slice(&b64), &d)) != SG_OK)
			goto out;
		fprintf(stderr, "Wrote signature to file %s\n", a.out_sig);
		sig_written = a.out_sig;
	}
	if (a.bundle != NULL) {
		sg_slice json;
		k.stage = SG_SIGN_STAGE_BUNDLE;
		if ((e = sg_sign_bundle_json(k.signer, res, arena, &json, &d)) != SG_OK ||
			(e = sg_os_write_file(a.bundle, json, &d)) != SG_OK)
			goto out;
		k.stage = SG_SIGN_STAGE_NONE;
		fprintf(stderr, "Wrote bundle to file %s\n", a.bundle);
		bundle_written = a.bundle;
	}

	/* 7. The layer annotations (protocol.md §2.3) and the push. */
	sg_oci_annot layer[4] = {
		{sg_slice_str(SG_ANN_SIGNATURE), sg_buf_slice(&b64)},
		{sg_slice_str(SG_ANN_CERTIFICATE), k.signer->cert_pem},
		{sg_slice_str(SG_ANN_BUNDLE), res->annotation},
		{sg_slice_str(SG_ANN_CHAIN), k.signer->chain_pem},
	};
	size_t nlayer = k.signer->chain_pem.len > 0 ? 4 : 3;
	const char *docker_env = getenv("COSIGN_DOCKER_MEDIA_TYPES");
	int docker_types = 0;
	if (docker_env != NULL && !sg_cli_parse_bool(docker_env, &docker_types))
		docker_types = 0;
	fprintf(stderr, "Pushing signature to: %.*s\n", (int)rb.len, (const char *)rb.p);
	sg_cosign_attach_result ar;
	pushing = 1;
	if ((e = sg_cosign_sig_attach(reg, ref.repository, digest, pb.p, pb.len, layer, nlayer,
		     &k.signer->leaf.key, docker_types, arena, &ar, &d)) != SG_OK)
		goto out;
	if (ar.duplicate)
		fprintf(stderr, "The image already carries this signature; nothing was pushed.\n");
	rc = SG_EXIT_OK;
out:
	if (e != SG_OK && pushing)
		sg_cli_report_push_failure(&d, sig_written, k.cert_written, bundle_written);
	else if (e != SG_OK)
		report(&d, k.stage, k.cert_written);
	keyless_end(&k);
	sg_cli_registry_close(cr);
	return rc;
}
