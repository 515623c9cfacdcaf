/* image: one cosign signature of a container image, verified end to end offline (rank 5):
 * a legacy `.sig` layer (below) or a cosign v3 bundle attached as an OCI 1.1 referrer (the
 * second half of this header).
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
#include "sigstore/bundle.h"
#include "sigstore/intoto.h"
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

/* ---- cosign v3: a Sigstore bundle attached as an OCI 1.1 referrer (cosign-v3.md §2) ----
 *
 * The online layer lists the referrers (the referrers API, else the fallback tag) and fetches
 * each manifest and its bundle blob; this half decides, in cosign's order:
 *   a. sg_referrer_bundle_layer: the manifest is a bundle referrer (exactly one layer whose
 *      media type starts with application/vnd.dev.sigstore.bundle; cosign's ociremote.Bundle)
 *      of a size worth fetching; anything else is not a candidate;
 *   b. sg_referrer_bundle_parse: the blob is a bundle of version v0.3 or later (cosign's
 *      MinVersion("v0.3")); else not a candidate either;
 *   c. sg_verify_referrer_bundle: a DSSE envelope ("bundle does not contain a DSSE
 *      envelope"), then sg_verify_entity in sigstore-go's order (sg_verify_opts.sigstore_go)
 *      with the image digest as the artifact, so the statement's subject must be the image;
 *      failures read as sigstore-go words them ("failed to verify signature: provided
 *      artifact digest does not match any digest in statement", "failed to verify certificate
 *      identity: ..."); then cosign's claims (the subject of this digest, its annotations
 *      against -a); then picosign's own rule: the statement's predicateType must be the one
 *      asked for (`verify` asks for https://sigstore.dev/cosign/sign/v1: stricter than
 *      cosign, docs/decisions.md). A bundle whose only log entries are Rekor v2 needs an RFC
 *      3161 timestamp: without a SET there is no other trusted time. */

/* a. The bundle layer of referrer manifest `m`: SG_OK with *layer set, else
 * SG_ERR_OCI_MANIFEST naming why it is not a bundle referrer (not an image manifest, no layer
 * or several, another media type) or SG_ERR_LIMIT (declared larger than SG_MAX_BUNDLE_BLOB). */
SG_MUST_USE sg_err sg_referrer_bundle_layer(const sg_oci_manifest *m, const sg_oci_desc **layer,
	sg_diag *d);

/* b. Parse a referrer's bundle blob into `out` (sg_bundle_parse), requiring v0.3 or later:
 * SG_ERR_VERIFY_BUNDLE "bundle version v0.N is older than v0.3" otherwise. */
SG_MUST_USE sg_err sg_referrer_bundle_parse(const uint8_t *blob, size_t len, sg_arena *arena,
	sg_entity *out, sg_diag *d);

typedef struct sg_referrer_result {
	sg_verified v;          /* what sg_verify_entity established */
	sg_intoto_statement st; /* the verified statement (views into the entity and the arena) */
	size_t subject;         /* the index of the subject that is the image */
} sg_referrer_result;

/* c. Verify bundle `e` for the image whose manifest digest is `image_digest` under `o`
 * (trust root, policy or key, escape hatches, -a claims, --check-claims), and require
 * `predicate_type` (NULL: any). On failure `out` is zeroed (but out->v.failed_step) and `d`
 * holds the message cosign v3 would print for this bundle (after "no matching attestations:
 * "), or picosign's for the predicate type (SG_ERR_VERIFY_PREDICATE). Errors: those of
 * sg_verify_entity, sg_intoto_parse, SG_ERR_VERIFY_DSSE (not a DSSE envelope),
 * SG_ERR_VERIFY_DIGEST ("no matching subject digest found"), SG_ERR_POLICY_ANNOTATION,
 * SG_ERR_VERIFY_PREDICATE. */
SG_MUST_USE sg_err sg_verify_referrer_bundle(const sg_entity *e, const uint8_t image_digest[32],
	const sg_image_opts *o, const char *predicate_type, sg_arena *arena,
	sg_referrer_result *out, sg_diag *d);

/* Append `verify`'s output element for verified referrer `r` of image `ref_name` (ggcr's
 * Name(), cosign-v3.md §2.4): critical.type is the predicate type, optional the subject's
 * annotations. Errors as sg_payload_write_element. */
SG_MUST_USE sg_err sg_referrer_write_element(const sg_referrer_result *r, sg_slice ref_name,
	sg_arena *arena, sg_buf *out, sg_diag *d);

#endif
