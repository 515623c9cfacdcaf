/* image: a cosign `.sig` layer verified for an image digest. See image.h.
 *
 * Implementation notes. cosign's check order for a legacy signature (protocol.md §7.2) puts
 * the claims and the certificate's validity window after the chain, identity, SCT and
 * signature checks, while the Sigstore client spec (and verify.c) establishes trusted times
 * first. sg_verify_entity's expiry_last mode runs every other step at a time the certificate
 * was valid and reports, through sg_verified.expired_only, whether the window was the only
 * failure; the claims are then checked before that failure is reported. So the message a user
 * sees is cosign's, and each check runs exactly once. */
#include "verify/image.h"

#include <string.h>

#include "crypto/hash.h"
#include "oci/ociref.h"
#include "oci/payload.h"

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
