/* cosign_sig: cosign's signature storage in a registry (layer 6; protocol.md §2.1-§2.5):
 * the `sha256-<hex>.sig` tag next to the image, whose manifest has one layer per signature
 * (the simple-signing payload as the blob, the signature, certificate, chain and Rekor bundle
 * as layer annotations).
 *
 * Reading: sg_cosign_sigs_fetch gets the .sig manifest (404 = no signatures) and
 * sg_cosign_sig_layer makes one layer and its payload (checked against its digest and size by
 * whoever fetched it) an sg_sig_layer ready for sg_siglayer_entity (siglayer.h).
 *
 * Writing: sg_cosign_sig_attach is the one entry point every signer uses (key-based today,
 * keyless later): given a prepared layer (payload bytes and its annotations) it
 *   1. reads the current .sig manifest (404: start from an empty signature image);
 *   2. stops when the layer is already there: the same payload digest, media type and
 *      identical annotations, or cosign's duplicate rule (every annotation but the signature
 *      equal and the existing signature verifying with the signer's key, manifest.h);
 *   3. appends the layer after the existing ones (which are kept byte for byte in their
 *      annotations), uploads the new config and the payload blob (HEAD first), HEADs the tag
 *      once more and starts over if it moved since step 1, then PUTs the manifest;
 *   4. reads the tag back, at once and again after a short settle time (about twice our own
 *      HEAD-to-PUT time, SG_TAG_SETTLE_MIN_MS..SG_TAG_SETTLE_MAX_MS, jittered): if the
 *      manifest there no longer holds the new layer, another signer's PUT won a race, and the
 *      whole append is redone on top of theirs after a jittered backoff (the registry
 *      client's retry policy, sys/retry.h), at most SG_TAG_WRITE_TRIES times (limits.h),
 *      so neither signature is silently dropped. Steps 3-4 follow online/tagrace.h, the
 *      policy the referrers fallback tag shares. Without a retry policy (unit tests) there is
 *      no waiting, only the re-reads. */
#ifndef SG_COSIGN_SIG_H
#define SG_COSIGN_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "online/registry.h"
#include "verify/siglayer.h"

/* A payload blob we download: simple-signing payloads are ~300 bytes; cosign refuses more than
 * 128 MiB, we hold them in memory and keep to a JSON document's bound. */
#define SG_COSIGN_MAX_PAYLOAD SG_MAX_JSON

typedef struct sg_cosign_sigs {
	int found;                 /* 0: the .sig tag does not exist */
	sg_slice manifest;         /* its bytes (arena) */
	uint8_t manifest_digest[32];
	sg_oci_manifest parsed;    /* views into `manifest` and the arena */
} sg_cosign_sigs;

/* GET <repo>:sha256-<hex of image_digest>.sig (Accept: the two manifest types). 404 gives
 * found = 0 and SG_OK. Errors: those of sg_registry_get_manifest except NOT_FOUND, and of
 * sg_oci_manifest_parse (an index there is SG_ERR_OCI_MANIFEST). */
SG_MUST_USE sg_err sg_cosign_sigs_fetch(sg_registry *r, const char *repo,
	const uint8_t image_digest[32], sg_arena *arena, sg_cosign_sigs *out, sg_diag *d);

/* Fill `out` with layer `layer`'s payload, fetched by the caller from wherever the .sig lives
 * (the registry, at most SG_COSIGN_MAX_PAYLOAD bytes, its size and digest checked; or an OCI
 * layout), and the layer's annotations (views into the manifest). A missing signature
 * annotation is left empty: sg_siglayer_entity reports it. */
void sg_cosign_sig_layer(const sg_oci_desc *layer, sg_slice payload, sg_sig_layer *out);

/* The same for cosign's other tags next to the image: `suffix` ".att" (attestations, one DSSE
 * envelope per layer) or ".sig"; SG_ERR_ARG for another form. */
SG_MUST_USE sg_err sg_cosign_tag_fetch(sg_registry *r, const char *repo,
	const uint8_t image_digest[32], const char *suffix, sg_arena *arena, sg_cosign_sigs *out,
	sg_diag *d);

typedef struct sg_cosign_attach_result {
	int duplicate;               /* nothing pushed: the signature was there already */
	size_t layers;               /* layers in the manifest now at the tag */
	uint8_t manifest_digest[32]; /* of the manifest we pushed (zero when duplicate, or
				      * when a redo found our layer in another's manifest) */
	unsigned attempts;           /* 1 unless a concurrent signer forced a redo */
	unsigned blobs_uploaded;
} sg_cosign_attach_result;

/* Attach one signature layer to the image `image_digest` in `repo` (see the header comment).
 * `annots` are the layer's annotations (SG_ANN_SIGNATURE required); `signer` (may be NULL)
 * enables cosign's duplicate check; `docker_types` writes Docker media types for a new .sig
 * (COSIGN_DOCKER_MEDIA_TYPES). Scratch from `arena`. Errors: registry and manifest errors,
 * SG_ERR_OCI_REGISTRY "the signature tag kept changing ... the signature may be missing" after
 * SG_TAG_WRITE_TRIES, or when the command's deadline leaves no time for another round. */
SG_MUST_USE sg_err sg_cosign_sig_attach(sg_registry *r, const char *repo,
	const uint8_t image_digest[32], const uint8_t *payload, size_t payload_len,
	const sg_oci_annot *annots, size_t nannots, const sg_pubkey *signer, int docker_types,
	sg_arena *arena, sg_cosign_attach_result *out, sg_diag *d);

#endif
