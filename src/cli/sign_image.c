/* sign_image: `picosign sign IMAGE`, cosign sign in the legacy `.sig` format (protocol.md
 * §1, §2.4, §2.5, §2.7, §6), with a key file (sg_cmd_sign) or keyless (sg_cmd_sign_keyless,
 * where sg_cmd_sign hands over when no --key is given). The flow is sign/image.h's: the
 * digest and payload (sg_sign_image_payload), then the signature with a verified Rekor entry,
 * the local copies and the push (sg_sign_image). This file parses the flags, loads the key
 * (cosign's encrypted format, PKCS#8 or SEC1; COSIGN_PASSWORD or a prompt) or opens the keyless
 * session (cli/keyless.c), prints cosign's progress lines and reports what was kept on a
 * failure. With --key --tlog-upload=false the payload is only signed, with a warning; its
 * verification then needs --insecure-ignore-tlog. Plain http:// to Rekor only for loopback
 * addresses (test services). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "base/limits.h"
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
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"



static int
fail(const sg_diag *d)
{
	sg_cli_print_error(d);
	return SG_EXIT_FAIL;
}

/* What `sign` was told: the key-based and keyless flags in one table, as cosign has them. */
struct sign_opts {
	sg_cli_keyless_args k;
	sg_cli_oidc oidc;
	sg_cli_common common;
	sg_cli_registry_flags rf;
	const char *key_path, *out_sig, *bundle_path, *out_payload;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots;
	int yes, tlog_upload, upload, recursive;
};

/* The manifests one `sign` signs: the image's, then with -r every manifest of its index. */
struct targets {
	uint8_t digest[1 + SG_MAX_OCI_LAYERS][32];
	sg_slice payload[1 + SG_MAX_OCI_LAYERS];
	size_t n;
};

/* The digests and payloads to sign (sign/image.h), the index's children with -r. */
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
	if (!tlog && o->bundle_path != NULL)
		return sg_cli_usage_error("sign: --bundle needs the transparency-log entry, which "
					  "--tlog-upload=false does not make");
	if (o->k.fulcio_url == NULL)
		o->k.fulcio_url = SG_FULCIO_DEFAULT_URL;
	if (o->k.rekor_url == NULL)
		o->k.rekor_url = SG_REKOR_DEFAULT_URL;
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(o->annots_raw, o->n_annots, annots);
	if (bad != o->n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", o->annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
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
	sg_sign_image_result res;
	memset(&res, 0, sizeof res);
	struct targets *t = NULL;
	int rc = SG_EXIT_FAIL;
	sg_err e;
	/* cosign loads the key before it touches a registry: a wrong --key fails first. */
	if (keyed && (e = sg_cli_load_private_key(o->key_path, arena, &key, &d)) != SG_OK)
		goto out;
	if ((e = sg_arena_get(arena, sizeof *t, (void **)&t, &d)) != SG_OK ||
		(e = sg_cli_registry_open(&o->rf, ref.registry, ref.repository, arena, &cr, &d)) !=
			SG_OK)
		goto out;
	sg_registry *reg = sg_cli_registry_get(cr), *sreg = reg;
	/* $COSIGN_REPOSITORY on another registry: its own client (and credentials). */
	if (strcmp(sref.registry, ref.registry) != 0) {
		if ((e = sg_cli_registry_open(&o->rf, sref.registry, sref.repository, arena, &scr,
			     &d)) != SG_OK)
			goto out;
		sreg = sg_cli_registry_get(scr);
	}
	if (!ref.has_digest)
		sg_cli_warn_tag(img);
	sg_slice rb;
	if ((e = collect(o, reg, &ref, annots, o->n_annots, arena, t, &rb, &d)) != SG_OK) {
		sg_cli_registry_hint(sg_cli_registry_get(cr), &d);
		goto out;
	}
	if (o->out_payload != NULL &&
		(e = sg_os_write_file(o->out_payload, t->payload[0], &d)) != SG_OK)
		goto out;
	/* The signer, once for every manifest: the key (logged or not) or a Fulcio certificate. */
	sg_signer *signer = NULL;
	if (keyed && tlog) {
		e = sg_cli_keyed_begin(&ts, &key, o->k.rekor_url, o->common.timeout, o->k.root_path,
			arena, &d);
		sg_p256_key_wipe(&key);
		if (e != SG_OK)
			goto out;
		signer = ts.signer;
	} else if (!keyed) {
		if ((e = sg_cli_keyless_begin(&k, &o->k, arena, &d)) != SG_OK)
			goto out;
		signer = k.signer;
	}
	/* The repository the signatures go to, for cosign's "Pushing signature to:" line. */
	char sname[SG_OCI_REGISTRY_MAX + SG_OCI_REPO_MAX + 2];
	snprintf(sname, sizeof sname, "%s/%s", sref.registry, sref.repository);
	if (strcmp(sref.repository, ref.repository) == 0 && sreg == reg)
		snprintf(sname, sizeof sname, "%.*s", (int)rb.len, (const char *)rb.p);
	for (size_t i = 0; i < t->n; i++) {
		size_t mark = sg_arena_mark(arena);
		sg_sign_image_req req;
		memset(&req, 0, sizeof req);
		req.reg = sreg;
		req.repository = sref.repository;
		req.digest = t->digest[i];
		req.payload = t->payload[i];
		req.repo_name = sg_slice_str(sname);
		req.signer = signer;
		req.key = signer == NULL ? &key : NULL;
		req.rekor_url = o->k.rekor_url;
		req.out_sig = o->out_sig;
		req.bundle_path = o->bundle_path;
		req.docker_types = sg_cli_docker_media_types();
		req.no_upload = !o->upload;
		req.hooks.note = sg_cli_note;
		/* One consent covers the run: cosign asks once. */
		req.hooks.confirm = o->yes || i > 0 ? NULL : sg_cli_confirm_hook;
		if ((e = sg_sign_image(&req, arena, &res, &d)) != SG_OK) {
			if (res.stage != SG_SIGN_STAGE_NONE)
				k.stage = res.stage;
			goto out;
		}
		sg_arena_release(arena, mark);
	}
	rc = SG_EXIT_OK;
out:
	if (rc != SG_EXIT_OK && res.pushing)
		sg_cli_report_push_failure(&d, res.sig_written, k.cert_written, res.bundle_written);
	else if (rc != SG_EXIT_OK)
		sg_cli_report_keyless_failure(&d, k.stage, k.cert_written);
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
		{"--fulcio-url", NULL, &o->k.fulcio_url, NULL, NULL, 0, NULL},
		{"--rekor-url", NULL, &o->k.rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &o->k.root_path, NULL, NULL, 0, NULL},
		{"--allow-http", NULL, NULL, &o->k.allow_http, NULL, 0, NULL},
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
	o->k.token_flag = o->oidc.token;
	o->k.disable_ambient = o->oidc.disable_ambient;
	o->k.provider = o->oidc.provider;
	o->k.oidc_issuer = o->oidc.issuer;
	o->k.timeout = o->common.timeout;
	o->rf.timeout = o->common.timeout;
	return sign_image(o, pos[0], arena);
}
