/* image: a cosign `.sig` layer verified for an image digest. See image.h.
 *
 * Implementation notes. cosign's check order for a legacy signature (protocol.md §7.2) puts
 * the claims and the certificate's validity window after the chain, identity, SCT and
 * signature checks, while the Sigstore client spec (and verify.c) establishes trusted times
 * first. sg_verify_entity's expiry_last mode runs every other step at a time the certificate
 * was valid and reports, through sg_verified.expired_only, whether the window was the only
 * failure; the claims are then checked before that failure is reported. So the message a user
 * sees is cosign's, and each check runs exactly once.
 *
 * The referrer half follows cosign v3.1.2 pkg/oci/remote (Bundle: one layer, the bundle media
 * type prefix, MinVersion v0.3), pkg/cosign/verify.go (verifyImageAttestationsSigstoreBundle:
 * VerifyNewBundle, then "bundle does not contain a DSSE envelope", then the claim verifier)
 * and sigstore-go v1.2.1 pkg/verify/signed_entity.go for the failure texts: each step's error
 * is wrapped as Verify wraps it ("failed to verify log inclusion: %w", ...). */
#include "verify/image.h"

#include <string.h>

#include "base/limits.h"
#include "crypto/hash.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "parse/codec.h"
#include "sigstore/dsse.h"

/* §7.2 step 8: the claims, against the exact payload bytes. */
SG_MUST_USE static sg_err
check_claims(const sg_sig_layer *l, const uint8_t image_digest[32], const sg_image_opts *o,
	sg_arena *arena, sg_diag *d)
{
	if (!o->check_claims)
		return SG_OK;
	sg_payload p;
	SG_TRY(sg_payload_parse(l->payload.p, l->payload.len, arena, &p, d));
	SG_TRY(sg_payload_check_digest(&p, image_digest, d));
	if (o->n_annots > 0)
		SG_TRY(sg_payload_check_annotations(&p, o->annots, o->n_annots, arena, d));
	return SG_OK;
}

/* a. What cosign requires of the layer before it verifies anything. */
SG_MUST_USE static sg_err
check_layer_annotations(const sg_sig_layer *l, const sg_image_opts *o, sg_diag *d)
{
	if (!l->has_signature) {
		char dg[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(l->digest, dg);
		return sg_diag_failmsg(d, SG_ERR_VERIFY_BUNDLE,
			"signature layer %s is missing \"%s\" annotation", dg, SG_ANN_SIGNATURE);
	}
	/* §7.2 step 2b: without a bundle cosign searches Rekor online, or fails offline. */
	if (!o->verify.insecure_ignore_tlog && l->bundle_json.len == 0) {
		if (o->offline)
			return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_MISSING,
				"offline verification failed");
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_MISSING,
			"signature has no transparency log bundle, and picosign does not search "
			"Rekor online (pass --insecure-ignore-tlog to skip the log)");
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
verify_layer(const sg_sig_layer *l, const uint8_t image_digest[32], const sg_image_opts *o,
	sg_arena *arena, sg_verified *out, sg_diag *d)
{
	SG_TRY(check_layer_annotations(l, o, d));
	sg_entity *e;
	SG_TRY(sg_arena_get(arena, sizeof *e, (void **)&e, d));
	SG_TRY(sg_siglayer_entity(l, arena, e, d));
	/* b. The payload is the artifact; cosign's legacy issuer rule and expiry order. */
	sg_artifact art;
	memset(&art, 0, sizeof art);
	sg_sha256(l->payload.p, l->payload.len, art.sha256);
	sg_verify_opts vo = o->verify;
	vo.issuer_mode = SG_ISSUER_LEGACY;
	vo.expiry_last = 1;
	sg_diag expired;
	sg_diag_init(&expired, d != NULL ? d->source : NULL);
	sg_err err = sg_verify_entity(e, &art, &vo, arena, out, &expired);
	if (err != SG_OK && !out->expired_only) {
		if (d != NULL && d->code == SG_OK)
			*d = expired;
		return err;
	}
	/* c. The claims. */
	SG_TRY(check_claims(l, image_digest, o, arena, d));
	if (err == SG_OK)
		return SG_OK;
	/* d. Only the certificate's window failed. Without a logged time cosign checks against
	 * "now", and says so in its own words. */
	if (o->verify.insecure_ignore_tlog)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_EXPIRED,
			"expected a signed timestamp to verify an expired certificate");
	if (d != NULL && d->code == SG_OK)
		*d = expired;
	return SG_ERR_VERIFY_EXPIRED;
}

/* see image.h */
sg_err
sg_verify_sig_layer(const sg_sig_layer *l, const uint8_t image_digest[32], const sg_image_opts *o,
	sg_arena *arena, sg_verified *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err err = verify_layer(l, image_digest, o, arena, out, d);
	if (err != SG_OK)
		memset(out, 0, sizeof *out);
	return err;
}

/* ---- cosign v3: bundles on referrers ---- */

/* cosign's ociremote.Bundle: the layer media type prefix of every bundle version. */
static const char bundle_mt_prefix[] = "application/vnd.dev.sigstore.bundle";

/* see image.h */
sg_err
sg_referrer_bundle_layer(const sg_oci_manifest *m, const sg_oci_desc **layer, sg_diag *d)
{
	static const char what[] = "referrer manifest";
	*layer = NULL;
	if (m->kind != SG_OCI_MANIFEST)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "not an image manifest");
	if (m->ndescs != 1)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"%zu layers, a bundle referrer has exactly one", m->ndescs);
	const sg_oci_desc *l = &m->descs[0];
	size_t pl = sizeof bundle_mt_prefix - 1;
	if (l->media_type.len < pl || memcmp(l->media_type.p, bundle_mt_prefix, pl) != 0)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"the layer's media type %.*s is not a Sigstore bundle",
			(int)(l->media_type.len > 100 ? 100 : l->media_type.len),
			(const char *)l->media_type.p);
	if (l->size > (int64_t)SG_MAX_BUNDLE_BLOB)
		return sg_diag_failf(d, SG_ERR_LIMIT, what,
			"the bundle layer is %lld bytes, above the limit of %u", (long long)l->size,
			(unsigned)SG_MAX_BUNDLE_BLOB);
	*layer = l;
	return SG_OK;
}

/* see image.h */
sg_err
sg_referrer_bundle_parse(const uint8_t *blob, size_t len, sg_arena *arena, sg_entity *out,
	sg_diag *d)
{
	SG_TRY(sg_bundle_parse(blob, len, arena, out, d));
	if (out->media_minor >= 3)
		return SG_OK;
	int minor = out->media_minor;
	memset(out, 0, sizeof *out);
	return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle",
		"bundle version v0.%d is older than v0.3, which cosign requires of referrers",
		minor);
}

/* sigstore-go's wrapping of each step's error in Verify (pkg/verify/signed_entity.go). */
static const char *
step_prefix(int step)
{
	switch (step) {
	case 3:
		return "failed to verify log inclusion: ";
	case 4:
		return "failed to verify timestamps: ";
	case 5:
		return "failed to verify leaf certificate: ";
	case 6:
		return "failed to verify certificate identity: ";
	case 7:
		return "failed to verify signed certificate timestamp: ";
	case 8:
		return "failed to verify signature: ";
	default:
		return "";
	}
}

SG_MUST_USE static sg_err
verify_referrer(const sg_entity *e, const uint8_t image_digest[32], const sg_image_opts *o,
	const char *predicate_type, sg_arena *arena, sg_referrer_result *out, sg_diag *d)
{
	if (e->content != SG_CONTENT_DSSE)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_DSSE,
			"bundle does not contain a DSSE envelope");
	sg_artifact art;
	memset(&art, 0, sizeof art);
	memcpy(art.sha256, image_digest, SG_SHA256_LEN);
	sg_verify_opts vo = o->verify;
	vo.issuer_mode = SG_ISSUER_BUNDLE;
	vo.expiry_last = 0;
	vo.sigstore_go = 1;
	sg_diag ld;
	sg_diag_init(&ld, d != NULL ? d->source : NULL);
	sg_err err = sg_verify_entity(e, &art, &vo, arena, &out->v, &ld);
	if (err != SG_OK) {
		char msg[SG_DIAG_DETAIL_MAX];
		sg_diag_format(&ld, msg, sizeof msg);
		return sg_diag_failmsg(d, err, "%s%s", step_prefix(out->v.failed_step), msg);
	}
	SG_TRY(sg_intoto_parse(e->dsse.payload.p, e->dsse.payload.len, arena, &out->st, d));
	long sub = sg_intoto_find_subject(&out->st, SG_HASH_SHA256, image_digest, SG_SHA256_LEN);
	if (o->check_claims) {
		/* cosign's IntotoSubjectClaimVerifier */
		if (sub < 0)
			return sg_diag_failmsg(d, SG_ERR_VERIFY_DIGEST,
				"no matching subject digest found");
		SG_TRY(sg_intoto_check_annotations(&out->st, (size_t)sub, o->annots, o->n_annots,
			arena, d));
	}
	out->subject = sub < 0 ? 0 : (size_t)sub;
	if (predicate_type != NULL && !sg_slice_eq_str(out->st.predicate_type, predicate_type)) {
		sg_slice pt = out->st.predicate_type;
		return sg_diag_failmsg(d, SG_ERR_VERIFY_PREDICATE,
			"predicate type \"%.*s\" is not \"%s\"", (int)(pt.len > 200 ? 200 : pt.len),
			(const char *)pt.p, predicate_type);
	}
	return SG_OK;
}

/* see image.h */
sg_err
sg_verify_referrer_bundle(const sg_entity *e, const uint8_t image_digest[32],
	const sg_image_opts *o, const char *predicate_type, sg_arena *arena,
	sg_referrer_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err err = verify_referrer(e, image_digest, o, predicate_type, arena, out, d);
	if (err != SG_OK) {
		int step = out->v.failed_step;
		memset(out, 0, sizeof *out);
		out->v.failed_step = step;
	}
	return err;
}

/* see image.h */
sg_err
sg_referrer_write_element(const sg_referrer_result *r, sg_slice ref_name, sg_arena *arena,
	sg_buf *out, sg_diag *d)
{
	/* transformOutput: "<alg>:<hex>" of subject[0]'s digest, its annotations. */
	const sg_intoto_subject *s = &r->st.subjects[0];
	char digest[8 + 2 * SG_HASH_MAX_LEN + 1] = "sha256:";
	sg_buf db;
	sg_buf_init(&db, digest + 7, sizeof digest - 8);
	if (sg_hex_encode(s->sha256, SG_SHA256_LEN, &db) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "verify output");
	return sg_payload_write_element(ref_name, sg_slice_make(digest, 7 + db.len),
		r->st.predicate_type, &r->st.json, s->annotations, arena, out, d);
}
