/* sign_image: `picosign sign IMAGE` (cosign sign, with --key or keyless, one table as cosign
 * has it) and `picosign attest`. The forms:
 *   v3 (the default, as cosign v3): a Sigstore bundle over an in-toto statement, attached as
 *      an OCI 1.1 referrer (sign/image.h sg_sign_image_bundle; cosign-v3.md §1);
 *   legacy (--new-bundle-format=false, or --signature-format legacy): the `.sig` tag
 *      (protocol.md §1, §2.4, §2.5, §2.7, §6; sg_sign_image_payload, sg_sign_image);
 *   both (--signature-format both): the two in one run, with one key or certificate and two
 *      log entries, for fleets that still read `.sig` (cosign v2, podman, Harbor).
 * The services come from cli/signing.c (the signing config, or the URL flags). This file
 * parses the flags, loads the key (a file or env://VAR: cosign's encrypted format, PKCS#8 or
 * SEC1; COSIGN_PASSWORD or a prompt) or opens the keyless session (cli/keyless.c), prints
 * cosign's progress lines and reports what was kept on a failure; sign_forms runs the forms
 * for one manifest. -r/--recursive signs an index and every manifest it lists with the one
 * key or certificate, asking for consent once; --upload=false signs and writes the local
 * copies but pushes nothing; $COSIGN_REPOSITORY moves the legacy `.sig` tags (the referrers
 * stay with their subject). With --key --tlog-upload=false nothing is logged, with a
 * warning; verification then needs --insecure-ignore-tlog. Plain http:// to Rekor only for
 * loopback addresses (test services). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
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
	sg_registry *sig_reg;      /* where the legacy .sig tags go ($COSIGN_REPOSITORY) */
	const char *sig_repo;
	sg_slice sig_name;         /* "<registry>/<repository>" of those, for the progress line */
	int no_upload;             /* --upload=false */
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
		req.reg = j->sig_reg != NULL ? j->sig_reg : j->reg;
		req.repository = j->sig_repo != NULL ? j->sig_repo : j->ref->repository;
		req.digest = digest;
		req.payload = payload;
		req.repo_name = j->sig_name.len > 0 ? j->sig_name : rb;
		req.no_upload = j->no_upload;
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
	br.no_upload = j->no_upload;
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

/* The flags only the v3 form and the services add to both sign commands. */
#define SIGN_FORM_FLAG_ROWS(nbf, sfmt, svc) \
	{"--new-bundle-format", NULL, NULL, &(nbf), NULL, 0, NULL}, \
	{"--signature-format", NULL, &(sfmt), NULL, NULL, 0, NULL}, \
	{"--signing-config", NULL, &(svc).signing_config, NULL, NULL, 0, NULL}, \
	{"--timestamp-server-url", NULL, &(svc).tsa_url, NULL, NULL, 0, NULL}

/* What `sign` was told: the key-based and keyless flags in one table, as cosign has them. */
struct sign_opts {
	sg_cli_keyless_args k;
	sg_cli_services_args sa;
	sg_cli_oidc oidc;
	sg_cli_common common;
	sg_cli_registry_flags rf;
	const char *key_path, *out_sig, *bundle_path, *out_payload, *sfmt;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots;
	int yes, tlog_upload, upload, recursive, nbf;
};

/* The manifests one `sign` signs: the image's, then with -r every manifest of its index. */
struct targets {
	uint8_t digest[1 + SG_MAX_OCI_LAYERS][32];
	sg_slice payload[1 + SG_MAX_OCI_LAYERS];
	size_t n;
};

/* The digests and legacy payloads to sign (sign/image.h), the index's children with -r. */
SG_MUST_USE static sg_err
collect(const struct sign_opts *o, sg_registry *reg, const sg_ociref *ref,
	const sg_oci_annot *annots, size_t n_annots, sg_arena *arena, struct targets *t,
	sg_slice *repo_name, sg_diag *d)
{
	t->n = 0;
	SG_TRY(sg_sign_image_payload(reg, ref, annots, n_annots, arena, t->digest[0], repo_name,
		&t->payload[0], d));
	t->n = 1;
	if (!o->recursive)
		return SG_OK;
	const sg_oci_desc *kids;
	size_t nk;
	SG_TRY(sg_cli_index_children(reg, ref->repository, t->digest[0], arena, &kids, &nk, d));
	for (size_t i = 0; i < nk; i++) {
		sg_ociref child = *ref;
		sg_slice rb;
		sg_ociref_set_digest(&child, kids[i].digest);
		SG_TRY(sg_sign_image_payload(reg, &child, annots, n_annots, arena, t->digest[t->n],
			&rb, &t->payload[t->n], d));
		t->n++;
	}
	return SG_OK;
}

/* Sign `img` (and with -r every manifest of its index) with the key or keylessly; see the
 * top of the file. */
static int
sign_image(struct sign_opts *o, const char *img, sg_arena *arena)
{
	int keyed = o->key_path != NULL;
	int tlog = o->tlog_upload != 0;
	if (!keyed && !tlog)
		return sg_cli_usage_error("sign: keyless signing needs the transparency log "
					  "(--tlog-upload=false is for --key)");
	unsigned forms = forms_of(o->nbf, o->sfmt);
	if (forms == 0)
		return SG_EXIT_FAIL;
	if (!tlog && o->bundle_path != NULL && forms == FORM_LEGACY)
		return sg_cli_usage_error("sign: --bundle needs the transparency-log entry, which "
					  "--tlog-upload=false does not make");
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(o->annots_raw, o->n_annots, annots);
	if (bad != o->n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", o->annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_services svc;
	o->sa.no_tlog = !tlog;
	if (sg_cli_services_select(&o->sa, sg_os_now(), arena, &svc, &d) != SG_OK)
		return fail(&d);
	if (legacy_needs_v1(forms, svc.rekor_v2))
		return SG_EXIT_FAIL;
	o->k.svc = svc;
	sg_ociref ref, sref;
	if (sg_ociref_parse((const uint8_t *)img, strlen(img), &ref, &d) != SG_OK ||
		sg_cli_sig_repo(&ref, &sref, &d) != SG_OK)
		return fail(&d);
	struct sg_cli_reg *cr = NULL, *scr = NULL;
	sg_p256_key key;
	memset(&key, 0, sizeof key);
	sg_cli_keyed ts;
	memset(&ts, 0, sizeof ts);
	sg_cli_keyless k;
	memset(&k, 0, sizeof k);
	struct targets *t = NULL;
	struct sign_job j = {.image = img, .ref = &ref, .annots = annots,
		.n_annots = o->n_annots, .forms = forms, .rekor_url = svc.rekor_url,
		.out_sig = o->out_sig, .bundle_path = o->bundle_path, .yes = o->yes,
		.no_upload = !o->upload};
	int rc = SG_EXIT_FAIL;
	sg_err e;
	/* cosign loads the key before it touches a registry: a wrong --key fails first. */
	if (keyed && (e = sg_cli_load_private_key(o->key_path, arena, &key, &d)) != SG_OK)
		goto out;
	if ((e = sg_arena_get(arena, sizeof *t, (void **)&t, &d)) != SG_OK ||
		(e = sg_cli_registry_open(&o->rf, ref.registry, ref.repository, arena, &cr, &d)) !=
			SG_OK)
		goto out;
	j.reg = sg_cli_registry_get(cr);
	j.sig_reg = j.reg;
	j.sig_repo = sref.repository;
	/* $COSIGN_REPOSITORY on another registry: its own client (and credentials). */
	if (strcmp(sref.registry, ref.registry) != 0) {
		if ((e = sg_cli_registry_open(&o->rf, sref.registry, sref.repository, arena, &scr,
			     &d)) != SG_OK)
			goto out;
		j.sig_reg = sg_cli_registry_get(scr);
	}
	if (!ref.has_digest)
		sg_cli_warn_tag(img);
	if ((e = collect(o, j.reg, &ref, annots, o->n_annots, arena, t, &j.repo_name, &d)) !=
		SG_OK) {
		sg_cli_registry_hint(j.reg, &d);
		goto out;
	}
	if (o->out_payload != NULL &&
		(e = sg_os_write_file(o->out_payload, t->payload[0], &d)) != SG_OK)
		goto out;
	/* The legacy tags' repository, for cosign's "Pushing signature to:" line. */
	char sname[SG_OCI_REGISTRY_MAX + SG_OCI_REPO_MAX + 2];
	if (strcmp(sref.repository, ref.repository) != 0 || j.sig_reg != j.reg) {
		snprintf(sname, sizeof sname, "%s/%s", sref.registry, sref.repository);
		j.sig_name = sg_slice_str(sname);
		/* OCI referrers are listed by the repository of their subject. */
		if (forms & FORM_V3)
			fprintf(stderr,
				"WARNING: COSIGN_REPOSITORY moves the legacy .sig signatures only; the "
				"Sigstore bundle is attached to %.*s as an OCI referrer\n",
				(int)j.repo_name.len, (const char *)j.repo_name.p);
	}
	/* The signer, once for every manifest: the key (logged or not) or a Fulcio certificate. */
	if (keyed && !tlog && forms == FORM_LEGACY) {
		j.key = &key;
	} else if (keyed) {
		if ((e = sg_cli_keyed_begin(&ts, &key, &svc, o->common.timeout, o->k.root_path,
			     arena, &d)) != SG_OK)
			goto out;
		j.signer = ts.signer;
		if (!tlog)
			j.key = &key; /* the legacy form of "both" signs bare */
	} else {
		if ((e = sg_cli_keyless_begin(&k, &o->k, arena, &d)) != SG_OK)
			goto out;
		j.signer = k.signer;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t mark = sg_arena_mark(arena);
		memcpy(j.digest, t->digest[i], 32);
		j.payload = t->payload[i];
		/* One consent covers the run: cosign asks once. */
		j.yes = o->yes || i > 0;
		if ((e = sign_forms(&j, arena, &d)) != SG_OK)
			goto out;
		sg_arena_release(arena, mark);
	}
	rc = SG_EXIT_OK;
out:
	if (rc != SG_EXIT_OK && j.pushing)
		sg_cli_report_push_failure(&d, j.sig_written, k.cert_written, j.bundle_written);
	else if (rc != SG_EXIT_OK && keyed && j.stage != SG_SIGN_STAGE_NONE)
		sg_cli_print_stage_error(&d, j.stage);
	else if (rc != SG_EXIT_OK && keyed)
		(void)fail(&d);
	else if (rc != SG_EXIT_OK)
		sg_cli_report_keyless_failure(&d, j.stage != SG_SIGN_STAGE_NONE ? j.stage : k.stage,
			k.cert_written);
	sg_p256_key_wipe(&key);
	sg_cli_keyless_end(&k);
	sg_cli_keyed_end(&ts);
	sg_cli_registry_close(scr);
	sg_cli_registry_close(cr);
	return rc;
}

/* see cli.h */
int
sg_cmd_sign(int argc, char **argv, sg_arena *arena)
{
	struct sign_opts *o;
	if (sg_arena_get(arena, sizeof *o, (void **)&o, NULL) != SG_OK)
		return sg_cli_usage_error("out of memory");
	o->tlog_upload = -1;
	o->upload = 1;
	o->nbf = -1;
	const sg_cli_flag flags[] = {
		{"--key", NULL, &o->key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, o->annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&o->n_annots},
		{"--yes", "-y", NULL, &o->yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &o->tlog_upload, NULL, 0, NULL},
		{"--upload", NULL, NULL, &o->upload, NULL, 0, NULL},
		{"--recursive", "-r", NULL, &o->recursive, NULL, 0, NULL},
		{"--output-signature", NULL, &o->out_sig, NULL, NULL, 0, NULL},
		{"--output-certificate", NULL, &o->k.out_cert, NULL, NULL, 0, NULL},
		{"--output-payload", NULL, &o->out_payload, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &o->bundle_path, NULL, NULL, 0, NULL},
		SG_CLI_OIDC_FLAG_ROWS(o->oidc),
		{"--fulcio-url", NULL, &o->sa.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &o->sa.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &o->k.root_path, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &o->k.allow_http, NULL, 0, NULL},
		SIGN_FORM_FLAG_ROWS(o->nbf, o->sfmt, o->sa),
		SG_CLI_COMMON_FLAG_ROWS(o->common),
		SG_CLI_REGISTRY_FLAG_ROWS(o->rf),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0 ||
		sg_cli_common_apply(&o->common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign: usage: picosign sign [--key KEY] "
					  "[-a key=value]... IMAGE@sha256:<hex>");
	sg_cli_oidc_apply(&o->oidc, &o->k);
	o->k.timeout = o->common.timeout;
	o->rf.timeout = o->common.timeout;
	return sign_image(o, pos[0], arena);
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
	sg_cli_oidc oidc;
	memset(&oidc, 0, sizeof oidc);
	sg_cli_common common;
	memset(&common, 0, sizeof common);
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
		SG_CLI_OIDC_FLAG_ROWS(oidc),
		{"--fulcio-url", NULL, &sa.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &sa.rekor_url, NULL, NULL, 0, NULL},
		{"--signing-config", NULL, &sa.signing_config, NULL, NULL, 0, NULL},
		{"--timestamp-server-url", NULL, &sa.tsa_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &a.root_path, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &a.allow_http, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	sg_cli_oidc_apply(&oidc, &a);
	a.timeout = common.timeout;
	rf.timeout = common.timeout;
	if (n_pos != 1 || predicate == NULL)
		return sg_cli_usage_error("attest: usage: picosign attest --predicate FILE "
					  "[--type TYPE] [flags] IMAGE");
	if (tlog_upload == 0 && key_path == NULL)
		return sg_cli_usage_error("attest: keyless signing needs the transparency log "
					  "(--tlog-upload=false is for --key)");
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
	sg_cli_keyed ts;
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
		e = sg_cli_keyed_begin(&ts, &key, &svc, a.timeout, a.root_path, arena, &d);
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
	sg_cli_keyed_end(&ts);
	sg_cli_keyless_end(&k);
	sg_cli_registry_close(cr);
	return rc;
}
