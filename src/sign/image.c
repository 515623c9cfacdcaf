/* image: signing a container image, in cosign v3's form or the legacy `.sig` form. See
 * image.h.
 *
 * Implementation notes. The legacy order is cosign's signDigest (protocol.md §2.7): payload,
 * key, signature and log entry, the local copies, then the push. The v3 order is cosign
 * v3.1.2's signDigestBundle (cmd/cosign/cli/sign/sign.go) and WriteAttestationNewBundleFormat
 * (pkg/oci/remote/write.go): statement, bundle, "Wrote bundle to file", "Pushing signature
 * to: <repository>", then the referrer; the subject HEAD comes first here so that a missing
 * image fails before anything reaches the transparency log. The progress lines are cosign's
 * texts, formatted here and handed to the caller's note hook. The simple-signing payload is
 * written by oci/payload.c; the .sig manifest append by online/cosign_sig.c. */
#include "sign/image.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "crypto/hash.h"
#include "oci/payload.h"
#include "online/rekor.h"
#include "parse/codec.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/intoto.h"
#include "sys/os.h"

/* see image.h */
sg_err
sg_sign_image_payload(sg_registry *reg, const sg_ociref *ref, const sg_oci_annot *annots,
	size_t n_annots, sg_arena *arena, uint8_t digest[32], sg_slice *repo_name,
	sg_slice *payload, sg_diag *d)
{
	if (!ref->has_digest) {
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

/* Format one progress line and hand it to the note hook. */
static void note(const sg_sign_image_hooks *hooks, const char *fmt, ...) SG_PRINTF(2, 3);

static void
note(const sg_sign_image_hooks *hooks, const char *fmt, ...)
{
	if (hooks->note == NULL)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n >= 0)
		hooks->note(hooks->ctx, line);
}

/* cosign's lines for a log entry: scripts (and the Buildkite plugin) read the index. */
static void
note_logged(const sg_sign_image_hooks *hooks, const char *rekor_url, const sg_sign_result *r)
{
	if (r->existed)
		note(hooks, "Signature already exists. Fetching and verifying inclusion proof.");
	note(hooks, "tlog entry created with index: %lld", (long long)r->entry.tle.log_index);
	if (rekor_url != NULL && strcmp(rekor_url, SG_REKOR_DEFAULT_URL) == 0)
		note(hooks, "https://search.sigstore.dev/?logIndex=%lld",
			(long long)r->entry.tle.log_index);
}

/* see image.h */
sg_err
sg_sign_logged(sg_signer *s, const sg_sign_image_hooks *hooks, const char *rekor_url,
	const uint8_t digest[SG_SHA256_LEN], sg_arena *arena, sg_sign_result *out, sg_diag *d)
{
	if (hooks->confirm != NULL)
		SG_TRY(hooks->confirm(hooks->ctx, d));
	SG_TRY(sg_signer_sign_digest(s, digest, arena, out, d));
	note_logged(hooks, rekor_url, out);
	return SG_OK;
}

/* The signature over the payload: logged through the signer, or bare with the key. */
SG_MUST_USE static sg_err
sign_payload(const sg_sign_image_req *req, sg_arena *arena, sg_sign_image_result *res,
	uint8_t *bare, size_t bare_cap, sg_slice *sig, sg_diag *d)
{
	uint8_t h[SG_SHA256_LEN];
	sg_sha256(req->payload.p, req->payload.len, h);
	if (req->signer == NULL) {
		size_t n;
		SG_TRY(sg_p256_sign_digest(req->key, h, bare, bare_cap, &n, d));
		*sig = sg_slice_make(bare, n);
		note(&req->hooks, "WARNING: --tlog-upload=false: the signature is not uploaded to "
				  "a transparency log, so verifying it needs --insecure-ignore-tlog.");
		return SG_OK;
	}
	SG_TRY(sg_arena_get(arena, sizeof *res->signed_entry, (void **)&res->signed_entry, d));
	sg_err e = sg_sign_logged(req->signer, &req->hooks, req->rekor_url, h, arena,
		res->signed_entry, d);
	if (e != SG_OK) {
		res->stage = req->signer->stage;
		res->signed_entry = NULL;
		return e;
	}
	*sig = sg_slice_make(res->signed_entry->sig, res->signed_entry->sig_len);
	return SG_OK;
}

/* The local copies, before the push (as cosign's signDigest writes them). */
SG_MUST_USE static sg_err
write_copies(const sg_sign_image_req *req, sg_slice sig_b64, sg_arena *arena,
	sg_sign_image_result *res, sg_diag *d)
{
	if (req->out_sig != NULL) {
		/* cosign writes the base64 text with no newline. */
		SG_TRY(sg_os_write_file(req->out_sig, sig_b64, d));
		note(&req->hooks, "Wrote signature to file %s", req->out_sig);
		res->sig_written = req->out_sig;
	}
	if (req->bundle_path != NULL) {
		sg_slice json;
		res->stage = SG_SIGN_STAGE_BUNDLE;
		SG_TRY(sg_sign_bundle_json(req->signer, res->signed_entry, arena, &json, d));
		SG_TRY(sg_os_write_file(req->bundle_path, json, d));
		res->stage = SG_SIGN_STAGE_NONE;
		note(&req->hooks, "Wrote bundle to file %s", req->bundle_path);
		res->bundle_written = req->bundle_path;
	}
	return SG_OK;
}

/* see image.h */
sg_err
sg_sign_image(const sg_sign_image_req *req, sg_arena *arena, sg_sign_image_result *res,
	sg_diag *d)
{
	memset(res, 0, sizeof *res);
	if ((req->signer == NULL) == (req->key == NULL) ||
		(req->bundle_path != NULL && req->signer == NULL))
		return sg_diag_fail(d, SG_ERR_ARG, "sign request");
	uint8_t bare[SG_P256_SIG_MAX];
	sg_slice sig;
	SG_TRY(sign_payload(req, arena, res, bare, sizeof bare, &sig, d));
	uint8_t b64mem[SG_P256_SIG_MAX * 2];
	sg_buf b64;
	sg_buf_init(&b64, b64mem, sizeof b64mem);
	sg_err e = sg_b64_encode(sig.p, sig.len, SG_B64_STD | SG_B64_PAD, &b64);
	if (e != SG_OK)
		return sg_diag_fail(d, e, "signature");
	SG_TRY(write_copies(req, sg_buf_slice(&b64), arena, res, d));
	if (req->no_upload)
		return SG_OK;

	/* The layer annotations (protocol.md §2.3): the signature; for keyless signatures the
	 * certificate and its chain; the Rekor bundle when the signature was logged. */
	sg_oci_annot layer[4];
	size_t n = 0;
	const sg_signer *s = req->signer;
	int keyless = s != NULL && !s->keyed;
	layer[n].key = sg_slice_str(SG_ANN_SIGNATURE);
	layer[n++].value = sg_buf_slice(&b64);
	if (keyless) {
		layer[n].key = sg_slice_str(SG_ANN_CERTIFICATE);
		layer[n++].value = s->cert_pem;
	}
	if (res->signed_entry != NULL) {
		layer[n].key = sg_slice_str(SG_ANN_BUNDLE);
		layer[n++].value = res->signed_entry->annotation;
	}
	if (keyless && s->chain_pem.len > 0) {
		layer[n].key = sg_slice_str(SG_ANN_CHAIN);
		layer[n++].value = s->chain_pem;
	}
	/* The signer's public key, for cosign's duplicate check. */
	sg_pubkey pub;
	const sg_pubkey *signer_key = &pub;
	if (keyless) {
		signer_key = &s->leaf.key;
	} else if (s != NULL) {
		SG_TRY(sg_pubkey_parse(s->key_spki.p, s->key_spki.len, &pub, d));
	} else {
		/* sg_pubkey_parse keeps views into its input, so the SPKI lives in the arena. */
		uint8_t *spki;
		SG_TRY(sg_arena_get(arena, SG_P256_SPKI_LEN, (void **)&spki, d));
		sg_buf sb;
		sg_buf_init(&sb, spki, SG_P256_SPKI_LEN);
		if ((e = sg_p256_write_spki(req->key->pub, &sb)) != SG_OK ||
			(e = sg_pubkey_parse(sb.p, sb.len, &pub, d)) != SG_OK)
			return sg_diag_fail(d, e, "public key");
	}
	note(&req->hooks, "Pushing signature to: %.*s", (int)req->repo_name.len,
		(const char *)req->repo_name.p);
	res->pushing = 1;
	SG_TRY(sg_cosign_sig_attach(req->reg, req->repository, req->digest, req->payload.p,
		req->payload.len, layer, n, signer_key, req->docker_types, arena, &res->attach, d));
	res->pushing = 0;
	if (res->attach.duplicate)
		note(&req->hooks, "The image already carries this signature; nothing was pushed.");
	return SG_OK;
}

/* ---- cosign v3 ---- */

/* see image.h */
sg_err
sg_sign_image_statement(const uint8_t digest[32], const sg_oci_annot *annots, size_t n,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	sg_intoto_spec s;
	memset(&s, 0, sizeof s);
	s.type = SG_INTOTO_STATEMENT_V1;
	memcpy(s.sha256, digest, 32);
	s.with_annotations = 1; /* structpb.NewStruct(nil) is {}, and protojson writes it */
	s.annots = annots;
	s.n_annots = n;
	s.predicate_type = sg_slice_str(SG_INTOTO_COSIGN_SIGN);
	s.predicate = sg_slice_str("{}");
	return sg_intoto_make(&s, arena, out, d);
}

/* The referrer manifest for the signed bundle of `res`. */
SG_MUST_USE static sg_err
referrer_manifest(const sg_sign_bundle_req *req, const sg_oci_desc *subject, sg_slice bundle,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	char created[32];
	SG_TRY(sg_time_format_rfc3339(req->now, created, sizeof created));
	sg_oci_referrer r;
	memset(&r, 0, sizeof r);
	r.bundle_media_type = sg_slice_str(SG_BUNDLE_MEDIA_TYPE_V03);
	sg_oci_digest_of(bundle.p, bundle.len, r.layer_digest);
	r.layer_size = (int64_t)bundle.len;
	r.predicate_type = req->predicate_type;
	r.created = sg_slice_str(created);
	r.subject = *subject;
	size_t cap = 2048 + 6 * (req->predicate_type.len + subject->media_type.len);
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	SG_TRY(sg_oci_referrer_write(&r, &b, d));
	*out = sg_buf_slice(&b);
	return SG_OK;
}

/* see image.h */
sg_err
sg_sign_image_bundle(const sg_sign_bundle_req *req, sg_arena *arena, sg_sign_bundle_result *res,
	sg_diag *d)
{
	memset(res, 0, sizeof *res);
	/* ggcr's headManifest gives the subject descriptor; the image must be there. */
	sg_oci_desc subject;
	SG_TRY(sg_registry_head_descriptor(req->reg, req->repository, req->digest, &subject, d));
	if (req->hooks.confirm != NULL && req->signer->o.rekor_url != NULL)
		SG_TRY(req->hooks.confirm(req->hooks.ctx, d));
	SG_TRY(sg_arena_get(arena, sizeof *res->signed_entry, (void **)&res->signed_entry, d));
	sg_err e = sg_signer_sign_dsse(req->signer, sg_slice_str(SG_DSSE_PAYLOAD_TYPE_INTOTO),
		req->statement, arena, res->signed_entry, d);
	if (e != SG_OK) {
		res->stage = req->signer->stage;
		res->signed_entry = NULL;
		return e;
	}
	if (res->signed_entry->logged)
		note_logged(&req->hooks, req->signer->o.rekor_url, res->signed_entry);
	res->stage = SG_SIGN_STAGE_BUNDLE;
	SG_TRY(sg_sign_bundle_json(req->signer, res->signed_entry, arena, &res->bundle, d));
	if (req->bundle_path != NULL) {
		SG_TRY(sg_os_write_file(req->bundle_path, res->bundle, d));
		note(&req->hooks, "Wrote bundle to file %s", req->bundle_path);
		res->bundle_written = req->bundle_path;
	}
	res->stage = SG_SIGN_STAGE_NONE;
	if (req->no_upload)
		return SG_OK;
	sg_slice manifest;
	SG_TRY(referrer_manifest(req, &subject, res->bundle, arena, &manifest, d));
	note(&req->hooks, "Pushing signature to: %.*s", (int)req->repo_name.len,
		(const char *)req->repo_name.p);
	res->pushing = 1;
	SG_TRY(sg_referrers_attach(req->reg, req->repository, req->digest, manifest, res->bundle,
		arena, &res->attach, d));
	res->pushing = 0;
	return SG_OK;
}
