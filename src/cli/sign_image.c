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
	const char *root_source;
	SG_TRY(sg_arena_get(arena, sizeof *t->tr, (void **)&t->tr, d));
	SG_TRY(sg_cli_trustroot_load(root_path, 0, arena, t->tr, &root_source, d));
	return sg_arena_get(arena, sizeof *t->signer, (void **)&t->signer, d);
}

static void
session_close(tlog_session *t)
{
	if (t->signer != NULL)
		sg_signer_end(t->signer);
	if (t->http != NULL)
		sg_http_client_close(t->http);
}

/* see cli.h */
int
sg_cmd_sign(int argc, char **argv, sg_arena *arena)
{
	const char *key_path = NULL, *rekor_url = NULL, *root_path = NULL, *timeout = NULL;
	const char *out_sig = NULL, *bundle_path = NULL;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots = 0;
	int yes = 0, tlog_upload = -1;
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&n_annots},
		{"--yes", "-y", NULL, &yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--rekor-url", NULL, &rekor_url, NULL, NULL, 0, NULL},
		{"--trusted-root", NULL, &root_path, NULL, NULL, 0, NULL},
		{"--timeout", NULL, &timeout, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &out_sig, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &bundle_path, NULL, NULL, 0, NULL},
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	/* Without --key, the keyless path (cli/sign_blob.c) parses its own flags. */
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
	if (!upload && bundle_path != NULL)
		return sg_cli_usage_error("sign: --bundle needs the transparency-log entry, which "
					  "--tlog-upload=false does not make");
	if (rekor_url == NULL)
		rekor_url = SG_REKOR_DEFAULT_URL;
	const char *y = getenv("COSIGN_YES");
	int yv;
	if (!yes && y != NULL && y[0] != '\0') {
		if (!sg_cli_parse_bool(y, &yv))
			return sg_cli_usage_error("COSIGN_YES: invalid boolean \"%s\"", y);
		yes = yv;
	}

	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t bad = sg_cli_parse_annotations(annots_raw, n_annots, annots);
	if (bad != n_annots)
		return sg_cli_usage_error("unable to parse annotation: %s", annots_raw[bad]);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK)
		return fail(&d);
	struct sg_cli_reg *cr = NULL;
	sg_p256_key key;
	memset(&key, 0, sizeof key);
	tlog_session ts;
	memset(&ts, 0, sizeof ts);
	int rc = SG_EXIT_FAIL;
	sg_err err = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
	if (err != SG_OK)
		return fail(&d);
	sg_registry *reg = sg_cli_registry_get(cr);

	/* The digest to sign and its payload (sign/image.h). */
	uint8_t digest[32];
	sg_slice rb, payload;
	if (!ref.has_digest)
		sg_cli_warn_tag(pos[0]);
	if ((err = sg_sign_image_payload(reg, &ref, annots, n_annots, arena, digest, &rb, &payload,
		     &d)) != SG_OK)
		goto out;
	/* The key, and the log session unless --tlog-upload=false. */
	if ((err = sg_cli_load_private_key(key_path, arena, &key, &d)) != SG_OK)
		goto out;
	sg_sign_image_req req;
	memset(&req, 0, sizeof req);
	req.reg = reg;
	req.repository = ref.repository;
	req.digest = digest;
	req.payload = payload;
	req.repo_name = rb;
	req.rekor_url = rekor_url;
	req.out_sig = out_sig;
	req.bundle_path = bundle_path;
	req.docker_types = sg_cli_docker_media_types();
	req.hooks.note = sg_cli_note;
	req.hooks.confirm = yes ? NULL : sg_cli_confirm_hook;
	if (upload) {
		if ((err = session_open(&ts, timeout, root_path, arena, &d)) != SG_OK)
			goto out;
		sg_signer_opts so;
		memset(&so, 0, sizeof so);
		so.rekor_url = rekor_url;
		so.plain = SG_HTTP_PLAIN_LOOPBACK;
		so.http = ts.http;
		so.trustroot = ts.tr;
		so.now = sg_os_now();
		err = sg_signer_begin_key(ts.signer, &so, &key, arena, &d);
		sg_p256_key_wipe(&key);
		if (err != SG_OK)
			goto out;
		req.signer = ts.signer;
	} else {
		req.key = &key;
	}
	sg_sign_image_result res;
	err = sg_sign_image(&req, arena, &res, &d);
	sg_p256_key_wipe(&key);
	if (err == SG_OK)
		rc = SG_EXIT_OK;
	else if (res.pushing)
		sg_cli_report_push_failure(&d, res.sig_written, NULL, res.bundle_written);
	else if (res.stage != SG_SIGN_STAGE_NONE)
		sg_cli_print_stage_error(&d, res.stage);
	else
		(void)fail(&d);
	goto done;
out:
	(void)fail(&d);
done:
	sg_p256_key_wipe(&key);
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
	const char *out_sig = NULL, *bundle_path = NULL;
	int yes = 0;
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
		{"--yes", "-y", NULL, &yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		{"--output-certificate", NULL, &a.out_cert, NULL, NULL, 0, NULL},
		{"--output-signature", NULL, &out_sig, NULL, NULL, 0, NULL},
		{"--bundle", NULL, &bundle_path, NULL, NULL, 0, NULL},
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
	if (!yes && y != NULL && y[0] != '\0') {
		if (!sg_cli_parse_bool(y, &yv))
			return sg_cli_usage_error("COSIGN_YES: invalid boolean \"%s\"", y);
		yes = yv;
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
	sg_cli_keyless k;
	memset(&k, 0, sizeof k);
	int rc = SG_EXIT_FAIL;
	sg_sign_image_result res;
	memset(&res, 0, sizeof res);
	sg_err e = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
	if (e != SG_OK)
		goto out;
	sg_registry *reg = sg_cli_registry_get(cr);

	/* The digest to sign and its payload (sign/image.h). */
	uint8_t digest[32];
	sg_slice rb, pb;
	if (!ref.has_digest)
		sg_cli_warn_tag(pos[0]);
	if ((e = sg_sign_image_payload(reg, &ref, annots, n_annots, arena, digest, &rb, &pb, &d)) !=
		SG_OK)
		goto out;
	/* The certificate (token, ephemeral key, Fulcio, all verified), then the signature,
	 * the Rekor entry, the local copies and the push. */
	if ((e = sg_cli_keyless_begin(&k, &a, arena, &d)) != SG_OK)
		goto out;
	sg_sign_image_req req;
	memset(&req, 0, sizeof req);
	req.reg = reg;
	req.repository = ref.repository;
	req.digest = digest;
	req.payload = pb;
	req.repo_name = rb;
	req.signer = k.signer;
	req.rekor_url = a.rekor_url;
	req.out_sig = out_sig;
	req.bundle_path = bundle_path;
	req.docker_types = sg_cli_docker_media_types();
	req.hooks.note = sg_cli_note;
	req.hooks.confirm = yes ? NULL : sg_cli_confirm_hook;
	e = sg_sign_image(&req, arena, &res, &d);
	if (e == SG_OK)
		rc = SG_EXIT_OK;
	else if (res.stage != SG_SIGN_STAGE_NONE)
		k.stage = res.stage;
out:
	if (e != SG_OK && res.pushing)
		sg_cli_report_push_failure(&d, res.sig_written, k.cert_written, res.bundle_written);
	else if (e != SG_OK)
		sg_cli_report_keyless_failure(&d, k.stage, k.cert_written);
	sg_cli_keyless_end(&k);
	sg_cli_registry_close(cr);
	return rc;
}
