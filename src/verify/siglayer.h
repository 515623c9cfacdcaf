/* siglayer: a cosign legacy signature layer (one layer of a `sha256-<hex>.sig` manifest) as a
 * verifiable entity (layer 3; protocol.md §2.3, §6.3, §8.5). The layer's blob is the signed
 * simple-signing payload; its annotations carry the signature (base64 DER), the Fulcio
 * certificate (PEM), the chain (PEM, untrusted and unused: trust comes from the trusted root)
 * and the Rekor bundle ({"SignedEntryTimestamp", "Payload"}). */
#ifndef SG_SIGLAYER_H
#define SG_SIGLAYER_H

#include <stddef.h>

#include "base/bytes.h"
#include "base/err.h"
#include "sigstore/bundle.h"

typedef struct sg_sig_layer {
	uint8_t digest[32];       /* the layer's descriptor digest (sha256 of the payload) */
	int has_signature;        /* the SG_ANN_SIGNATURE annotation is present (maybe empty) */
	sg_slice payload;         /* the layer blob: the exact signed bytes */
	sg_slice signature_b64;   /* SG_ANN_SIGNATURE */
	sg_slice certificate_pem; /* SG_ANN_CERTIFICATE; empty for key-based signatures */
	sg_slice chain_pem;       /* SG_ANN_CHAIN; kept for output, never trusted */
	sg_slice bundle_json;     /* SG_ANN_BUNDLE; empty when the layer has none */
	sg_slice rfc3161_json;    /* SG_ANN_RFC3161; empty when absent */
} sg_sig_layer;

/* Build the entity: a message signature over the payload, the certificate as the only
 * verification material (or none for key signatures), and the Rekor entry from the bundle
 * annotation. Decoded bytes come from `arena`. Errors: SG_ERR_VERIFY_BUNDLE "no signature
 * annotation", SG_ERR_B64_* for the signature, SG_ERR_PEM_* for the certificate, and those of
 * sg_bundle_parse_legacy. `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_siglayer_entity(const sg_sig_layer *l, sg_arena *arena, sg_entity *out,
	sg_diag *d);

#endif
