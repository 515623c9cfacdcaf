/* sign_image: `picosign sign IMAGE`, cosign sign, with a key file (sg_cmd_sign) or keyless
 * (sg_cmd_sign_keyless, where sg_cmd_sign hands over when no --key is given). The forms:
 *   v3 (the default, as cosign v3): a Sigstore bundle over an in-toto statement, attached as
 *      an OCI 1.1 referrer (sign/image.h sg_sign_image_bundle; cosign-v3.md §1);
 *   legacy (--new-bundle-format=false, or --signature-format legacy): the `.sig` tag
 *      (protocol.md §1, §2.4, §2.5, §2.7, §6; sg_sign_image_payload, sg_sign_image);
 *   both (--signature-format both): the two in one run, with one key or certificate and two
 *      log entries, for fleets that still read `.sig` (cosign v2, podman, Harbor).
 * The services come from cli/signing.c (the signing config, or the URL flags). This file
 * parses the flags, loads the key (cosign's encrypted format, PKCS#8 or SEC1; COSIGN_PASSWORD
 * or a prompt) or opens the keyless session (cli/keyless.c), prints cosign's progress lines
 * and reports what was kept on a failure; sign_forms runs the forms for one image. With --key
 * --tlog-upload=false nothing is logged, with a warning; verification then needs
 * --insecure-ignore-tlog. Plain http:// to Rekor only for loopback addresses (test
 * services). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "online/cosign_sig.h"
#include "online/registry.h"
#include "online/rekor.h"
#include "parse/codec.h"
#include "pki/trustroot.h"
#include "sign/image.h"
#include "sign/sign.h"
#include "sigstore/intoto.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"



static int
fail(const sg_diag *d)
{
	sg_cli_print_error(d);
	return SG_EXIT_FAIL;
}

/* The pieces the transparency-log upload needs: network, trusted root, the key-based signer. */
typedef struct tlog_session {
	sg_net_opts nopts;
	sg_net_dialer dialer;
	sg_http_client *http;
	sg_trustroot *tr;
	sg_signer *signer;
} tlog_session;

SG_MUST_USE static sg_err
session_open(tlog_session *t, const char *timeout, const char *root_path, sg_arena *arena,
	sg_diag *d)
{
	uint8_t *iobuf;
	SG_TRY(sg_net_opts_from_env(&t->nopts, d));
	if (timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(timeout, &ms, d));
		sg_net_opts_set_timeout(&t->nopts, ms);
	}
	SG_TRY(sg_net_dialer_init(&t->dialer, &t->nopts, arena, d));
	SG_TRY(sg_arena_get(arena, sizeof *t->http, (void **)&t->http, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, d));
	sg_http_client_init(t->http, &t->dialer, &t->nopts, iobuf);
	t->http->user_agent = "picosign/" SG_VERSION;
	SG_TRY(sg_cli_retry(&t->nopts, &t->http->retry, d));
	sg_cli_trust_opts topts;
	memset(&topts, 0, sizeof topts);
	topts.root_path = root_path;
	SG_TRY(sg_arena_get(arena, sizeof *t->tr, (void **)&t->tr, d));
	SG_TRY(sg_cli_trustroot_load(&topts, arena, t->tr, NULL, d));
	return sg_arena_get(arena, sizeof *t->signer, (void **)&t->signer, d);
}

/* A signer for `key` with the services' session when anything goes to a log or a TSA. */
SG_MUST_USE static sg_err
key_signer(tlog_session *ts, sg_drbg *rng, const sg_p256_key *key, const sg_cli_services *svc,
	const char *timeout, const char *root_path, sg_arena *arena, sg_diag *d)
{
	if (svc->rekor_url != NULL || svc->tsa_url != NULL)
		SG_TRY(session_open(ts, timeout, root_path, arena, d));
	else
		SG_TRY(sg_arena_get(arena, sizeof *ts->signer, (void **)&ts->signer, d));
	SG_TRY(sg_drbg_init(rng, d));
	sg_signer_opts so;
	memset(&so, 0, sizeof so);
	so.rekor_url = svc->rekor_url;
	so.rekor_v2 = svc->rekor_v2;
	so.tsa_url = svc->tsa_url;
	so.rng = rng;
	so.plain = SG_HTTP_PLAIN_LOOPBACK;
	so.http = ts->http;
	so.trustroot = ts->tr;
	so.now = sg_os_now();
	return sg_signer_begin_key(ts->signer, &so, key, arena, d);
}

static void
session_close(tlog_session *t)
{
	if (t->signer != NULL)
		sg_signer_end(t->signer);
	if (t->http != NULL)
		sg_http_client_close(t->http);
}

/* The signature forms (--new-bundle-format, --signature-format). */
enum { FORM_V3 = 1, FORM_LEGACY = 2 };

/* The forms asked for; 0 after printing a usage error. */
static unsigned
forms_of(int new_bundle_format, const char *format)
{
	unsigned f = new_bundle_format == 0 ? FORM_LEGACY : FORM_V3;
	if (format == NULL)
		return f;
	unsigned want = strcmp(format, "v3") == 0 ? FORM_V3
		: strcmp(format, "legacy") == 0 ? FORM_LEGACY
		: strcmp(format, "both") == 0 ? FORM_V3 | FORM_LEGACY : 0u;
	if (want == 0) {
		(void)sg_cli_usage_error("invalid --signature-format \"%s\": v3, legacy or both",
			format);
		return 0;
	}
	if (new_bundle_format >= 0 && (new_bundle_format == 0) != (want == FORM_LEGACY)) {
		(void)sg_cli_usage_error("--new-bundle-format=%s contradicts --signature-format %s",
			new_bundle_format ? "true" : "false", format);
		return 0;
	}
	return want;
}

/* One image to sign, and what happened to it. */
struct sign_job {
	sg_registry *reg;
	const char *image;         /* as given */
	const sg_ociref *ref;
	uint8_t digest[32];        /* sign_open: the manifest digest, */
	sg_slice repo_name;        /* "<registry>/<repository>", */
	sg_slice payload;          /* the legacy simple-signing payload */
	const sg_oci_annot *annots;
	size_t n_annots;
	unsigned forms;
	sg_signer *signer;         /* logs (or, v3 without a log, only signs) */
	const sg_p256_key *key;    /* legacy --tlog-upload=false: the bare key */
	const char *rekor_url;     /* for the public-good search link */
	const char *out_sig, *bundle_path;
	int yes;
	sg_slice statement;        /* attest: its statement (else sign's is made) */
	const char *predicate_type; /* attest: its predicate type */
	/* what happened */
	sg_sign_stage stage;
	int pushing;
	const char *sig_written, *bundle_written;
};

/* Open the image's registry (*cr, closed by the caller), then its digest (a tag resolved, with
 * cosign's warning; the manifest fetched, so it must exist) and its legacy payload: before any
 * key or certificate is used. */
SG_MUST_USE static sg_err
sign_open(struct sign_job *j, const sg_cli_registry_flags *rf, sg_arena *arena,
	struct sg_cli_reg **cr, sg_diag *d)
{
	SG_TRY(sg_cli_registry_open(rf, j->ref->registry, j->ref->repository, arena, cr, d));
	j->reg = sg_cli_registry_get(*cr);
	if (!j->ref->has_digest)
		sg_cli_warn_tag(j->image);
	return sg_sign_image_payload(j->reg, j->ref, j->annots, j->n_annots, arena, j->digest,
		&j->repo_name, &j->payload, d);
}

/* Sign one prepared image in the forms asked for: the legacy .sig first (its prompt is
 * cosign's), then the v3 referrer. */
SG_MUST_USE static sg_err
sign_forms(struct sign_job *j, sg_arena *arena, sg_diag *d)
{
	const uint8_t *digest = j->digest;
	sg_slice rb = j->repo_name, payload = j->payload;
	sg_sign_image_hooks hooks = {NULL, sg_cli_note, j->yes ? NULL : sg_cli_confirm_hook};
	if (j->forms & FORM_LEGACY) {
		sg_sign_image_req req;
		memset(&req, 0, sizeof req);
		req.reg = j->reg;
		req.repository = j->ref->repository;
		req.digest = digest;
		req.payload = payload;
		req.repo_name = rb;
		req.signer = j->key == NULL ? j->signer : NULL;
		req.key = j->key;
		req.rekor_url = j->rekor_url;
		req.out_sig = j->out_sig;
		req.bundle_path = (j->forms & FORM_V3) ? NULL : j->bundle_path;
		req.docker_types = sg_cli_docker_media_types();
		req.hooks = hooks;
		sg_sign_image_result res;
		sg_err e = sg_sign_image(&req, arena, &res, d);
		j->stage = res.stage;
		j->pushing = res.pushing;
		j->sig_written = res.sig_written;
		j->bundle_written = res.bundle_written;
		SG_TRY(e);
		hooks.confirm = NULL; /* asked once per run */
	} else if (j->out_sig != NULL) {
		fprintf(stderr, "WARNING: --output-signature is deprecated when using "
				"--new-bundle-format and will be ignored\n");
	}
	if (!(j->forms & FORM_V3))
		return SG_OK;
	sg_sign_bundle_req br;
	memset(&br, 0, sizeof br);
	br.reg = j->reg;
	br.repository = j->ref->repository;
	br.digest = digest;
	br.repo_name = rb;
	br.predicate_type = sg_slice_str(j->predicate_type != NULL ? j->predicate_type
								   : SG_INTOTO_COSIGN_SIGN);
	br.signer = j->signer;
	br.bundle_path = j->bundle_path;
	br.now = sg_os_now();
	br.hooks = hooks;
	br.statement = j->statement;
	if (j->statement.len == 0)
		SG_TRY(sg_sign_image_statement(digest, j->annots, j->n_annots, arena, &br.statement,
			d));
	if (j->signer->o.rekor_url == NULL)
		fprintf(stderr,
			"WARNING: --tlog-upload=false: the signature is not uploaded to a "
			"transparency log, so verifying it needs --insecure-ignore-tlog.\n");
	sg_sign_bundle_result res;
	sg_err e = sg_sign_image_bundle(&br, arena, &res, d);
	j->stage = res.stage;
	j->pushing = res.pushing;
	if (res.bundle_written != NULL)
		j->bundle_written = res.bundle_written;
	return e;
}

/* The legacy form logs a Rekor v1 bundle annotation (a SET): Rekor v2 has none to give. */
static int
legacy_needs_v1(unsigned forms, int rekor_v2)
{
	if ((forms & FORM_LEGACY) && rekor_v2) {
		(void)sg_cli_usage_error("the legacy .sig format needs a Rekor v1 log (for its "
					 "SET), and the signing config selects Rekor v2");
		return 1;
	}
	return 0;
}

/* COSIGN_YES, when no --yes was given; -1 after printing a usage error. */
static int
yes_from_env(int yes)
{
	const char *y = getenv("COSIGN_YES");
	int yv;
	if (yes || y == NULL || y[0] == '\0')
		return yes;
	if (!sg_cli_parse_bool(y, &yv)) {
		(void)sg_cli_usage_error("COSIGN_YES: invalid boolean \"%s\"", y);
		return -1;
	}
	return yv;
}

/* The flags only the v3 form and the services add to both sign commands. */
#define SIGN_FORM_FLAG_ROWS(nbf, sfmt, svc) \
	{"--new-bundle-format", NULL, NULL, &(nbf), NULL, 0, NULL}, \
	{"--signature-format", NULL, &(sfmt), NULL, NULL, 0, NULL}, \
	{"--signing-config", NULL, &(svc).signing_config, NULL, NULL, 0, NULL}, \
	{"--timestamp-server-url", NULL, &(svc).tsa_url, NULL, NULL, 0, NULL}

/* see cli.h */
int
sg_cmd_sign(int argc, char **argv, sg_arena *arena)
{
	const char *key_path = NULL, *root_path = NULL, *timeout = NULL;
	const char *out_sig = NULL, *bundle_path = NULL, *sfmt = NULL;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots = 0;
	int yes = 0, tlog_upload = -1, nbf = -1;
	sg_cli_services_args sa;
	memset(&sa, 0, sizeof sa);
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&n_annots},
		{"--yes", "-y", NULL, &yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--rekor-url", NULL, &sa.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &root_path, NULL, NULL, 0, NULL},
		{"--timeout", NULL, &timeout, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &out_sig, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &bundle_path, NULL, NULL, 0, NULL},
		SIGN_FORM_FLAG_ROWS(nbf, sfmt, sa),
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	/* Without --key, the keyless path parses its own flags. */
	int has_key = 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		has_key |= strcmp(argv[i], "--key") == 0 || strncmp(argv[i], "--key=", 6) == 0;
	if (!has_key)
		return sg_cmd_sign_keyless(argc, argv, arena);
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign: usage: picosign sign --key KEY [-a key=value]... "
					  "IMAGE@sha256:<hex>");
	if (key_path == NULL)
		return sg_cli_usage_error("sign: --key needs a key file");
	int upload = tlog_upload != 0;
	unsigned forms = forms_of(nbf, sfmt);
	if (forms == 0 || (yes = yes_from_env(yes)) < 0)
		return SG_EXIT_FAIL;
	if (!upload && bundle_path != NULL && forms == FORM_LEGACY)
		return sg_cli_usage_error("sign: --bundle needs the transparency-log entry, which "
					  "--tlog-upload=false does not make");
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(annots_raw, n_annots, annots);
	if (bad != n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_services svc;
	sa.no_tlog = !upload;
	if (sg_cli_services_select(&sa, sg_os_now(), arena, &svc, &d) != SG_OK)
		return fail(&d);
	if (legacy_needs_v1(forms, svc.rekor_v2))
		return SG_EXIT_FAIL;
	sg_ociref ref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK)
		return fail(&d);
	struct sg_cli_reg *cr = NULL;
	sg_p256_key key;
	memset(&key, 0, sizeof key);
	tlog_session ts;
	memset(&ts, 0, sizeof ts);
	sg_drbg rng;
	memset(&rng, 0, sizeof rng);
	int rc = SG_EXIT_FAIL;
	struct sign_job j = {.image = pos[0], .ref = &ref, .annots = annots, .n_annots = n_annots,
		.forms = forms, .rekor_url = svc.rekor_url, .out_sig = out_sig,
		.bundle_path = bundle_path, .yes = yes};
	sg_err err;
	/* The image, the key, and the services' session when anything goes to a log or a TSA. */
	if ((err = sign_open(&j, &rf, arena, &cr, &d)) != SG_OK ||
		(err = sg_cli_load_private_key(key_path, arena, &key, &d)) != SG_OK)
		goto out;
	if (!upload && forms == FORM_LEGACY) {
		j.key = &key;
	} else {
		if ((err = key_signer(&ts, &rng, &key, &svc, timeout, root_path, arena, &d)) !=
			SG_OK)
			goto out;
		j.signer = ts.signer;
		if (!upload)
			j.key = &key; /* the legacy form of "both" signs bare */
	}
	err = sign_forms(&j, arena, &d);
	if (err == SG_OK)
		rc = SG_EXIT_OK;
	else if (j.pushing)
		sg_cli_report_push_failure(&d, j.sig_written, NULL, j.bundle_written);
	else if (j.stage != SG_SIGN_STAGE_NONE)
		sg_cli_print_stage_error(&d, j.stage);
	else
		(void)fail(&d);
	goto done;
out:
	(void)fail(&d);
done:
	sg_p256_key_wipe(&key);
	sg_drbg_wipe(&rng);
	session_close(&ts);
	sg_cli_registry_close(cr);
	return rc;
}

/* see cli.h */
int
sg_cmd_sign_keyless(int argc, char **argv, sg_arena *arena)
{
	sg_cli_keyless_args a;
	memset(&a, 0, sizeof a);
	const char *out_sig = NULL, *bundle_path = NULL, *sfmt = NULL;
	int yes = 0, nbf = -1;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots = 0;
	int tlog_upload = -1;
	const char *key_path = NULL;
	sg_cli_services_args sa;
	memset(&sa, 0, sizeof sa);
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&n_annots},
		{"--yes", "-y", NULL, &yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--output-certificate", NULL, &a.out_cert, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &out_sig, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &bundle_path, NULL, NULL, 0, NULL},
		{"--identity-token", NULL, &a.token_flag, NULL, NULL, 0, NULL},
		{"--oidc-disable-ambient-providers", NULL, NULL, &a.disable_ambient, NULL, 0, NULL},
		{"--fulcio-url", NULL, &sa.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &sa.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.root_path, NULL, NULL, 0, NULL},
		{"--timeout", NULL, &a.timeout, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &a.allow_http, NULL, 0, NULL},
		SIGN_FORM_FLAG_ROWS(nbf, sfmt, sa),
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
	unsigned forms = forms_of(nbf, sfmt);
	if (forms == 0 || (yes = yes_from_env(yes)) < 0)
		return SG_EXIT_FAIL;
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(annots_raw, n_annots, annots);
	if (bad != n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_services svc;
	if (sg_cli_services_select(&sa, sg_os_now(), arena, &svc, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	if (legacy_needs_v1(forms, svc.rekor_v2))
		return SG_EXIT_FAIL;
	a.svc = svc;
	sg_ociref ref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	struct sg_cli_reg *cr = NULL;
	sg_cli_keyless k;
	memset(&k, 0, sizeof k);
	int rc = SG_EXIT_FAIL;
	struct sign_job j = {.image = pos[0], .ref = &ref, .annots = annots, .n_annots = n_annots,
		.forms = forms, .rekor_url = svc.rekor_url, .out_sig = out_sig,
		.bundle_path = bundle_path, .yes = yes};
	sg_err e;
	/* The image first, so a missing one costs no certificate; then the certificate (token,
	 * ephemeral key, Fulcio, all verified), then the forms. */
	if ((e = sign_open(&j, &rf, arena, &cr, &d)) != SG_OK ||
		(e = sg_cli_keyless_begin(&k, &a, arena, &d)) != SG_OK)
		goto out;
	j.signer = k.signer;
	e = sign_forms(&j, arena, &d);
	if (e == SG_OK)
		rc = SG_EXIT_OK;
	else if (j.stage != SG_SIGN_STAGE_NONE)
		k.stage = j.stage;
out:
	if (e != SG_OK && j.pushing)
		sg_cli_report_push_failure(&d, j.sig_written, k.cert_written, j.bundle_written);
	else if (e != SG_OK)
		sg_cli_report_keyless_failure(&d, k.stage, k.cert_written);
	sg_cli_keyless_end(&k);
	sg_cli_registry_close(cr);
	return rc;
}

/* ---- attest ---- */

/* The statement cosign attest signs (pkg/cosign/attestation GenerateStatement): Statement
 * v0.1, one subject named by the repository with the image's sha256, the predicate of
 * --type made from the file (sigstore/intoto.h sg_intoto_cosign_predicate). */
SG_MUST_USE static sg_err
attest_statement(const char *type, const char *uri, const char *path, sg_slice repo_name,
	const uint8_t digest[32], sg_arena *arena, sg_slice *out, sg_diag *d)
{
	sg_slice file, predicate;
	char now[32];
	d->source = path;
	SG_TRY(sg_os_read_file(path, SG_MAX_JSON, arena, &file, d));
	d->source = NULL;
	SG_TRY(sg_time_format_rfc3339(sg_os_now(), now, sizeof now));
	SG_TRY(sg_intoto_cosign_predicate(type, file, sg_slice_str(now), arena, &predicate, d));
	sg_intoto_spec s;
	memset(&s, 0, sizeof s);
	s.type = SG_INTOTO_STATEMENT_V01;
	s.name = repo_name;
	memcpy(s.sha256, digest, 32);
	s.predicate_type = sg_slice_str(uri);
	s.predicate = predicate;
	return sg_intoto_make(&s, arena, out, d);
}

/* see commands.h */
int
sg_cmd_attest(int argc, char **argv, sg_arena *arena)
{
	sg_cli_keyless_args a;
	memset(&a, 0, sizeof a);
	const char *key_path = NULL, *predicate = NULL, *type = "custom";
	int tlog_upload = -1;
	struct sign_job j;
	memset(&j, 0, sizeof j);
	sg_cli_services_args sa;
	memset(&sa, 0, sizeof sa);
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--predicate", NULL, &predicate, NULL, NULL, 0, NULL},
		{"--type", NULL, &type, NULL, NULL, 0, NULL},
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--yes", "-y", NULL, &j.yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--bundle", NULL, &j.bundle_path, NULL, NULL, 0, NULL},
		{"--identity-token", NULL, &a.token_flag, NULL, NULL, 0, NULL},
		{"--oidc-disable-ambient-providers", NULL, NULL, &a.disable_ambient, NULL, 0, NULL},
		{"--fulcio-url", NULL, &sa.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &sa.rekor_url, NULL, NULL, 0, NULL},
		{"--signing-config", NULL, &sa.signing_config, NULL, NULL, 0, NULL},
		{"--timestamp-server-url", NULL, &sa.tsa_url, NULL, NULL, 0, NULL},
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
	if (n_pos != 1 || predicate == NULL)
		return sg_cli_usage_error("attest: usage: picosign attest --predicate FILE "
					  "[--type TYPE] [flags] IMAGE");
	if (tlog_upload == 0 && key_path == NULL)
		return sg_cli_usage_error("attest: keyless signing needs the transparency log "
					  "(--tlog-upload=false is for --key)");
	if ((j.yes = yes_from_env(j.yes)) < 0)
		return SG_EXIT_FAIL;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_services svc;
	sg_ociref ref;
	sa.no_tlog = tlog_upload == 0;
	if (sg_intoto_predicate_type(type, &j.predicate_type, &d) != SG_OK ||
		sg_cli_services_select(&sa, sg_os_now(), arena, &svc, &d) != SG_OK ||
		sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK)
		return fail(&d);
	a.svc = svc;
	struct sg_cli_reg *cr = NULL;
	sg_cli_keyless k;
	memset(&k, 0, sizeof k);
	tlog_session ts;
	memset(&ts, 0, sizeof ts);
	sg_p256_key key;
	memset(&key, 0, sizeof key);
	int rc = SG_EXIT_FAIL;
	j.image = pos[0];
	j.ref = &ref;
	j.forms = FORM_V3;
	sg_err e;
	if ((e = sign_open(&j, &rf, arena, &cr, &d)) != SG_OK ||
		(e = attest_statement(type, j.predicate_type, predicate, j.repo_name, j.digest,
			 arena, &j.statement, &d)) != SG_OK)
		goto out;
	if (key_path == NULL)
		e = sg_cli_keyless_begin(&k, &a, arena, &d);
	else if ((e = sg_cli_load_private_key(key_path, arena, &key, &d)) == SG_OK)
		e = key_signer(&ts, &k.rng, &key, &svc, a.timeout, a.root_path, arena, &d);
	if (e != SG_OK)
		goto out;
	j.signer = key_path == NULL ? k.signer : ts.signer;
	e = sign_forms(&j, arena, &d);
	if (e == SG_OK)
		rc = SG_EXIT_OK;
	else if (j.stage != SG_SIGN_STAGE_NONE)
		k.stage = j.stage;
out:
	if (e != SG_OK && j.pushing)
		sg_cli_report_push_failure(&d, NULL, k.cert_written, j.bundle_written);
	else if (e != SG_OK)
		sg_cli_report_keyless_failure(&d, k.stage, k.cert_written);
	sg_p256_key_wipe(&key);
	session_close(&ts);
	sg_cli_keyless_end(&k);
	sg_cli_registry_close(cr);
	return rc;
}
