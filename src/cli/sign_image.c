/* sign_image: `picosign sign --key KEY [-a key=value]... [--yes] IMAGE[@DIGEST|:tag]`, cosign
 * sign with a key file, in the legacy `.sig` format (protocol.md §1, §2.4, §2.5, §2.7, §6):
 *
 *   1. resolve the image to its manifest digest (a tag is resolved, with cosign's warning;
 *      a digest is fetched once to make sure the image exists and hashes to it);
 *   2. load the key (cosign's encrypted format, PKCS#8 or SEC1; COSIGN_PASSWORD or a prompt);
 *   3. write the simple-signing payload for "<registry>/<repository>" and the digest, with the
 *      -a annotations in "optional";
 *   4. unless --tlog-upload=false: cosign's privacy statement and prompt (--yes, COSIGN_YES),
 *      then sign.h's key-based signer: ECDSA P-256 over SHA-256 of the payload, a hashedrekord
 *      entry whose publicKey.content is base64 of the PUBLIC KEY PEM, and Rekor's answer
 *      checked before use (body = what was sent, SET by a Rekor key of the trusted root valid
 *      at integratedTime, inclusion proof and checkpoint when given); with
 *      --tlog-upload=false the payload is only signed, with a warning;
 *   5. --output-signature (base64, no newline, as cosign) and --bundle (Sigstore bundle v0.3,
 *      publicKey hint; needs the log entry) are written before the push, so a registry that
 *      refuses it loses nothing;
 *   6. attach the layer (signature annotation, and the dev.sigstore.cosign/bundle annotation
 *      when logged) to sha256-<hex>.sig through sg_cosign_sig_attach (append, dedupe,
 *      race-checked push), the call the keyless path (cli/sign_blob.c) makes too.
 *
 * Without --key the keyless path parses its own flags. Plain http:// to Rekor only for
 * loopback addresses (test services). */
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
#include "sign/sign.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"

/* cosign's warning for a tag (ui.TagReferenceMessage, printed through ui.Warnf). */
static void
warn_tag(const char *img)
{
	fprintf(stderr,
		"WARNING: Image reference %s uses a tag, not a digest, to identify the image to "
		"sign.\n"
		"    This can lead you to sign a different image than the intended one. Please use "
		"a\n"
		"    digest (example.com/ubuntu@sha256:abc123...) rather than tag\n"
		"    (example.com/ubuntu:latest) for the input to cosign. The ability to refer to\n"
		"    images by tag will be removed in a future release.\n\n",
		img);
}

/* see cli.h */
sg_err
sg_cli_sign_payload(sg_registry *reg, const sg_ociref *ref, const char *arg,
	const sg_oci_annot *annots, size_t n_annots, sg_arena *arena, uint8_t digest[32],
	sg_slice *repo_name, sg_slice *payload, sg_diag *d)
{
	if (!ref->has_digest) {
		warn_tag(arg);
		SG_TRY(sg_registry_resolve(reg, ref, digest, d));
	} else {
		/* cosign fetches the image (remote.Get) before signing: it must exist. */
		size_t mark = sg_arena_mark(arena);
		sg_registry_manifest m;
		sg_err err = sg_registry_get_manifest(reg, ref->repository, ref->digest_str,
			SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &m, d);
		sg_arena_release(arena, mark);
		SG_TRY(err);
		memcpy(digest, ref->digest, 32);
	}
	/* The payload (protocol.md §1): sized for the name, the digest and the annotations with
	 * worst-case JSON escaping. */
	uint8_t *name;
	SG_TRY(sg_arena_get(arena, SG_OCI_NAME_MAX + 1, (void **)&name, d));
	sg_buf rb;
	sg_buf_init(&rb, name, SG_OCI_NAME_MAX);
	sg_err err = sg_ociref_repo_name(ref, &rb);
	if (err != SG_OK)
		return sg_diag_fail(d, err, "image reference");
	*repo_name = sg_buf_slice(&rb);
	size_t pcap = 1024 + SG_OCI_NAME_MAX * 6;
	for (size_t i = 0; i < n_annots; i++)
		pcap += 6 * (annots[i].key.len + annots[i].value.len) + 8;
	uint8_t *pmem;
	SG_TRY(sg_arena_get(arena, pcap, (void **)&pmem, d));
	sg_buf pb;
	sg_buf_init(&pb, pmem, pcap);
	SG_TRY(sg_payload_write(sg_buf_slice(&rb), digest, annots, n_annots, &pb, d));
	*payload = sg_buf_slice(&pb);
	return SG_OK;
}

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
	sg_cli_trust_opts topts;
	memset(&topts, 0, sizeof topts);
	topts.root_path = root_path;
	SG_TRY(sg_arena_get(arena, sizeof *t->tr, (void **)&t->tr, d));
	SG_TRY(sg_cli_trustroot_load(&topts, arena, t->tr, NULL, d));
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
	sg_sign_stage stage = SG_SIGN_STAGE_NONE;
	int rc = SG_EXIT_FAIL, pushing = 0;
	const char *sig_written = NULL, *bundle_written = NULL;
	sg_err err = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
	if (err != SG_OK)
		return fail(&d);
	sg_registry *reg = sg_cli_registry_get(cr);

	/* 1. The digest to sign, and 3. its payload. */
	uint8_t digest[32];
	sg_slice rb, payload;
	if ((err = sg_cli_sign_payload(reg, &ref, pos[0], annots, n_annots, arena, digest, &rb,
		     &payload, &d)) != SG_OK)
		goto out;

	/* 2. The key. */
	if ((err = sg_cli_load_private_key(key_path, arena, &key, &d)) != SG_OK)
		goto out;

	/* The signer's public key, for cosign's duplicate check. */
	uint8_t spki_mem[SG_P256_SPKI_LEN + 16];
	sg_buf sb;
	sg_buf_init(&sb, spki_mem, sizeof spki_mem);
	sg_pubkey pub;
	if ((err = sg_p256_write_spki(key.pub, &sb)) != SG_OK ||
		(err = sg_pubkey_parse(sb.p, sb.len, &pub, &d)) != SG_OK) {
		err = sg_diag_fail(&d, err, "public key");
		goto out;
	}

	/* 4. The signature over SHA-256 of the exact payload bytes (§1.4), logged unless
	 *    --tlog-upload=false. */
	uint8_t h[SG_SHA256_LEN], sig_mem[SG_P256_SIG_MAX];
	sg_sha256(payload.p, payload.len, h);
	sg_slice sig = {NULL, 0}, bundle_ann = {NULL, 0};
	sg_sign_result *res = NULL;
	if (upload) {
		if ((err = session_open(&ts, timeout, root_path, arena, &d)) != SG_OK ||
			(err = sg_arena_get(arena, sizeof *res, (void **)&res, &d)) != SG_OK)
			goto out;
		if (!yes && (err = sg_cli_confirm_tlog_upload(&d)) != SG_OK)
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
		if ((err = sg_signer_sign_digest(ts.signer, h, arena, res, &d)) != SG_OK) {
			stage = ts.signer->stage;
			goto out;
		}
		sg_signer_end(ts.signer);
		if (res->existed)
			fprintf(stderr, "Signature already exists. Fetching and verifying inclusion "
					"proof.\n");
		fprintf(stderr, "tlog entry created with index: %lld\n",
			(long long)res->entry.tle.log_index);
		if (strcmp(rekor_url, SG_REKOR_DEFAULT_URL) == 0)
			fprintf(stderr, "https://search.sigstore.dev/?logIndex=%lld\n",
				(long long)res->entry.tle.log_index);
		sig = sg_slice_make(res->sig, res->sig_len);
		bundle_ann = res->annotation;
	} else {
		size_t sig_len;
		err = sg_p256_sign_digest(&key, h, sig_mem, sizeof sig_mem, &sig_len, &d);
		sg_p256_key_wipe(&key);
		if (err != SG_OK)
			goto out;
		sig = sg_slice_make(sig_mem, sig_len);
		fprintf(stderr, "WARNING: --tlog-upload=false: the signature is not uploaded to a "
				"transparency log, so verifying it needs --insecure-ignore-tlog.\n");
	}
	uint8_t b64[128];
	sg_buf bb;
	sg_buf_init(&bb, b64, sizeof b64);
	if ((err = sg_b64_encode(sig.p, sig.len, SG_B64_STD | SG_B64_PAD, &bb)) != SG_OK) {
		err = sg_diag_fail(&d, err, "signature");
		goto out;
	}

	/* 5. The local copies, before the push (as cosign's signDigest). */
	if (out_sig != NULL) {
		/* cosign writes the base64 text with no newline. */
		if ((err = sg_os_write_file(out_sig, sg_buf_slice(&bb), &d)) != SG_OK)
			goto out;
		fprintf(stderr, "Wrote signature to file %s\n", out_sig);
		sig_written = out_sig;
	}
	if (bundle_path != NULL) {
		sg_slice json;
		stage = SG_SIGN_STAGE_BUNDLE;
		if ((err = sg_sign_bundle_json(ts.signer, res, arena, &json, &d)) != SG_OK ||
			(err = sg_os_write_file(bundle_path, json, &d)) != SG_OK)
			goto out;
		stage = SG_SIGN_STAGE_NONE;
		fprintf(stderr, "Wrote bundle to file %s\n", bundle_path);
		bundle_written = bundle_path;
	}

	/* 6. Attach. */
	sg_oci_annot layer_annots[2] = {
		{sg_slice_str(SG_ANN_SIGNATURE), sg_buf_slice(&bb)},
		{sg_slice_str(SG_ANN_BUNDLE), bundle_ann},
	};
	size_t n_layer = bundle_ann.len > 0 ? 2 : 1;
	const char *docker_env = getenv("COSIGN_DOCKER_MEDIA_TYPES");
	int docker_types = 0;
	if (docker_env != NULL && !sg_cli_parse_bool(docker_env, &docker_types))
		docker_types = 0;
	fprintf(stderr, "Pushing signature to: %.*s\n", (int)rb.len, (const char *)rb.p);
	sg_cosign_attach_result att;
	pushing = 1;
	err = sg_cosign_sig_attach(reg, ref.repository, digest, payload.p, payload.len, layer_annots,
		n_layer, &pub, docker_types, arena, &att, &d);
	if (err != SG_OK)
		goto out;
	if (att.duplicate)
		fprintf(stderr, "The image already carries this signature; nothing was pushed.\n");
	rc = SG_EXIT_OK;
out:
	sg_p256_key_wipe(&key);
	if (rc != SG_EXIT_OK) {
		if (pushing) {
			sg_cli_report_push_failure(&d, sig_written, NULL, bundle_written);
		} else if (stage != SG_SIGN_STAGE_NONE) {
			char msg[1024];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "Error: %s: %s\n", sg_sign_stage_name(stage), msg);
		} else {
			(void)fail(&d);
		}
	}
	session_close(&ts);
	sg_cli_registry_close(cr);
	return rc;
}
