/* siglayer: a cosign `.sig` layer as an sg_entity. See siglayer.h.
 * cosign compares the signature annotation as base64 text with the Rekor body's
 * spec.signature.content; decoding both strictly (canonical base64 only) and comparing bytes
 * is equivalent and keeps one comparison path for bundles and layers. */
#include "verify/siglayer.h"

#include <string.h>

#include "base/limits.h"
#include "oci/manifest.h"
#include "parse/codec.h"
#include "parse/pem.h"

/* A DER ECDSA signature is at most 139 bytes (P-521); RSA-4096 is 512. */
#define SIGNATURE_MAX 1024u

/* see siglayer.h */
sg_err
sg_siglayer_entity(const sg_sig_layer *l, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	sg_err err;
	memset(out, 0, sizeof *out);
	if (l->bundle_json.len > 0) {
		err = sg_bundle_parse_legacy(l->bundle_json.p, l->bundle_json.len, arena, out, d);
		if (err != SG_OK)
			goto fail;
	}
	out->legacy = 1;
	if (l->signature_b64.len == 0) {
		err = sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "signature layer",
			"no %s annotation", SG_ANN_SIGNATURE);
		goto fail;
	}
	uint8_t *sig;
	size_t sig_len;
	if ((err = sg_arena_get(arena, SIGNATURE_MAX, (void **)&sig, d)) != SG_OK)
		goto fail;
	err = sg_b64_decode(l->signature_b64.p, l->signature_b64.len, SG_B64_STD | SG_B64_PAD, sig,
		SIGNATURE_MAX, &sig_len, d);
	if (err != SG_OK) {
		err = sg_diag_fail(d, err, "signature annotation");
		goto fail;
	}
	out->content = SG_CONTENT_MESSAGE_SIGNATURE;
	out->signature = sg_slice_make(sig, sig_len);
	if (l->certificate_pem.len > 0) {
		uint8_t *der;
		size_t der_len;
		if ((err = sg_arena_get(arena, SG_MAX_CERT, (void **)&der, d)) != SG_OK)
			goto fail;
		err = sg_pem_decode_first(l->certificate_pem.p, l->certificate_pem.len,
			"CERTIFICATE", der, SG_MAX_CERT, &der_len, d);
		if (err != SG_OK) {
			err = sg_diag_fail(d, err, "certificate annotation");
			goto fail;
		}
		out->material = SG_MATERIAL_CERTIFICATE;
		out->certs[0] = sg_slice_make(der, der_len);
		out->n_certs = 1;
	}
	return SG_OK;
fail:
	memset(out, 0, sizeof *out);
	return err;
}
