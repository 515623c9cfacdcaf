/* cosign_bundle: the bundle file cosign v2 writes with `sign-blob --bundle` (rank 4), before
 * the Sigstore bundle became its default (cosign v2 pkg/cosign/fetch.go LocalSignedPayload):
 *
 *   {"base64Signature": "<standard base64 of the DER signature>",
 *    "cert": "<standard base64 of the PEM certificate>",      (keyless only)
 *    "rekorBundle": {"SignedEntryTimestamp": "...", "Payload": {"body": "...",
 *                    "integratedTime": N, "logIndex": N, "logID": "<hex>"}}}  (when logged)
 *
 * It carries exactly what a legacy `.sig` layer's annotations carry, so verify-blob turns it
 * into an sg_sig_layer (verify/siglayer.h) and verifies it as cosign's legacy path does.
 *
 * Grammar as Go's encoding/json reads it, made strict where that costs no real file: one
 * JSON object (vfj: RFC 8259, no duplicate keys); base64Signature a non-empty string; cert,
 * when present, a string holding standard padded base64 of the PEM (cosign) or the PEM itself
 * (what a hand-made file would hold); rekorBundle, when present, an object, kept as its exact
 * bytes for sg_bundle_parse_legacy; other members ignored (Go ignores unknown fields); null
 * counts as absent. */
#ifndef SG_COSIGN_BUNDLE_H
#define SG_COSIGN_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

typedef struct sg_cosign_bundle {
	sg_slice signature_b64; /* base64Signature, as written (a view into the input) */
	sg_slice cert_pem;      /* the PEM certificate (decoded into the arena); empty if none */
	sg_slice rekor_bundle;  /* the rekorBundle object's bytes (a view); empty if none */
} sg_cosign_bundle;

/* Parse `json` (at most SG_MAX_JSON bytes). Errors: SG_ERR_JSON_* (syntax, a missing or
 * mistyped member, named "cosign bundle base64Signature" etc.), SG_ERR_B64_* (cert),
 * SG_ERR_VERIFY_BUNDLE (an empty base64Signature), SG_ERR_LIMIT. `out` is zeroed on
 * failure. */
SG_MUST_USE sg_err sg_cosign_bundle_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_cosign_bundle *out, sg_diag *d);

#endif
