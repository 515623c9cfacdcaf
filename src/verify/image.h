/* image: one cosign signature of a container image, verified end to end offline (rank 5).
 *
 * The sigstore-go move: the online layer fetches bytes (a `.sig` layer's payload and its
 * annotations), this module decides. For a legacy `.sig` layer it runs, in cosign's order
 * (protocol.md §7.2):
 *   a. the layer must carry the signature annotation, and a Rekor bundle annotation unless
 *      the log is knowingly skipped (cosign would search Rekor online; picosign never does);
 *   b. the entity from the layer (verify/siglayer.h) through sg_verify_entity with the payload
 *      as the artifact, cosign's legacy issuer rule (extension 1.1 only) and cosign's late
 *      certificate-expiry check (sg_verify_opts.expiry_last);
 *   c. the claims (step 8 of §7.2) against the exact payload bytes: the simple-signing
 *      payload's docker-manifest-digest must be the image digest, and every -a key=value
 *      must be among its optional annotations;
 *   d. last, a certificate outside its validity window at the logged time, with cosign's
 *      message; without a logged time (--insecure-ignore-tlog) cosign's "expected a signed
 *      timestamp to verify an expired certificate".
 * The outcome is decided in this one pass: no check runs twice. */
#ifndef SG_IMAGE_H
#define SG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "oci/manifest.h"
#include "verify/siglayer.h"
#include "verify/verify.h"

typedef struct sg_image_opts {
	/* trust root, policy or key, escape hatches, now; issuer_mode and expiry_last are set
	 * by sg_verify_sig_layer itself */
	sg_verify_opts verify;
	const sg_oci_annot *annots; /* -a key=value claims */
	size_t n_annots;
	int check_claims;           /* --check-claims (default on) */
	int offline;                /* --offline: cosign's "offline verification failed" text */
} sg_image_opts;

/* Verify one legacy `.sig` layer `l` for the image whose manifest digest is `image_digest`.
 * Scratch comes from `arena`; views in `out` point into `l`, the arena or the trust root. On
 * failure the first failing check, in cosign's order, is in `d`, and `out` is zeroed. Errors:
 * those of sg_siglayer_entity and sg_verify_entity, SG_ERR_VERIFY_BUNDLE (no signature
 * annotation), SG_ERR_VERIFY_TLOG_MISSING (no bundle annotation), SG_ERR_VERIFY_DIGEST and
 * SG_ERR_POLICY_ANNOTATION (claims), SG_ERR_VERIFY_PAYLOAD, SG_ERR_VERIFY_EXPIRED. */
SG_MUST_USE sg_err sg_verify_sig_layer(const sg_sig_layer *l, const uint8_t image_digest[32],
	const sg_image_opts *o, sg_arena *arena, sg_verified *out, sg_diag *d);

#endif
