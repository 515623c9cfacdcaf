/* cosign_bundle: cosign v2's sign-blob --bundle file. See cosign_bundle.h.
 *
 * Implementation notes. The rekorBundle member is returned as the exact bytes of its object
 * (vfj token span), not re-serialized: sg_bundle_parse_legacy reads it as it reads a layer's
 * bundle annotation, so there is one parser for that shape. */
#include "sigstore/cosign_bundle.h"

#include <string.h>

#include "base/limits.h"
#include "parse/codec.h"
#include "parse/json.h"

/* see cosign_bundle.h */
sg_err
sg_cosign_bundle_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_cosign_bundle *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_json j;
	sg_err e = sg_json_parse(json, len, arena, "cosign bundle", &j, d);
	if (e != SG_OK)
		goto fail;
	size_t root = sg_json_root(&j);
	if ((e = sg_json_expect(&j, root, VFJ_OBJECT, "cosign bundle", d)) != SG_OK)
		goto fail;
	if ((e = sg_json_get_str(&j, root, "base64Signature", SG_JSON_REQUIRED,
		     "cosign bundle base64Signature", arena, &out->signature_b64, NULL, d)) !=
		SG_OK)
		goto fail;
	if (out->signature_b64.len == 0) {
		e = sg_diag_fail(d, SG_ERR_VERIFY_BUNDLE, "cosign bundle base64Signature: empty");
		goto fail;
	}
	sg_slice cert;
	int has_cert = 0;
	if ((e = sg_json_get_str(&j, root, "cert", SG_JSON_OPTIONAL, "cosign bundle cert", arena,
		     &cert, &has_cert, d)) != SG_OK)
		goto fail;
	static const char begin[] = "-----BEGIN";
	if (has_cert && cert.len >= sizeof begin - 1 &&
		memcmp(cert.p, begin, sizeof begin - 1) == 0) {
		out->cert_pem = cert;
	} else if (has_cert && cert.len > 0) {
		uint8_t *pem;
		size_t pem_len;
		size_t cap = cert.len / 4 * 3 + 3;
		if ((e = sg_arena_get(arena, cap, (void **)&pem, d)) != SG_OK)
			goto fail;
		if ((e = sg_b64_decode(cert.p, cert.len, SG_B64_STD | SG_B64_PAD, pem, cap,
			     &pem_len, d)) != SG_OK) {
			e = sg_diag_fail(d, e, "cosign bundle cert");
			goto fail;
		}
		out->cert_pem = sg_slice_make(pem, pem_len);
	}
	size_t rb;
	if ((e = sg_json_get_obj(&j, root, "rekorBundle", SG_JSON_OPTIONAL,
		     "cosign bundle rekorBundle", &rb, d)) != SG_OK)
		goto fail;
	if (rb != SG_JSON_NONE) {
		const vfj_token *t = &j.doc.toks[rb];
		out->rekor_bundle = sg_slice_make(json + t->start, t->end - t->start);
	}
	return SG_OK;
fail:
	memset(out, 0, sizeof *out);
	return e;
}
