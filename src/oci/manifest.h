/* manifest: OCI image manifests and indexes, Docker schema 2 manifests and manifest lists
 * (layer 3), and the cosign ".sig" signature manifest builder (protocol.md §2.2-§2.4).
 *
 * Reading (sg_oci_manifest_parse) is strict where a verifier needs it and follows the
 * image-spec's "ignore unknown fields" rule elsewhere:
 *   - a JSON object (vfj: strict RFC 8259, no duplicate keys) of at most SG_MAX_JSON bytes;
 *   - schemaVersion must be the integer 2 (schema 1 is SG_ERR_UNSUPPORTED);
 *   - mediaType, when present, must be one of the four types below; the document is an index
 *     when the media type says so or, without one, when it has "manifests"; a document with
 *     both "manifests" and "layers"/"config", or whose fields contradict its media type, is
 *     rejected (an ambiguous document could be read differently by two clients);
 *   - descriptors: "mediaType" (non-empty string), "digest" (sha256:<64 lowercase hex>; other
 *     algorithms SG_ERR_UNSUPPORTED as in ggcr), "size" (integer 0..2^63-1), optional
 *     "annotations" (an object of strings); other members ("urls", "platform" except the
 *     three fields we read, "artifactType", "data") are ignored;
 *   - at most SG_MAX_OCI_LAYERS descriptors, SG_MAX_OCI_ANNOTATIONS annotations each.
 * All views (media types, annotation keys and values) point into the input, or into the arena
 * when the JSON string had escapes; they live as long as both.
 *
 * Writing produces exactly the bytes ggcr (and so cosign) produces: Go encoding/json, compact,
 * struct fields in declaration order, annotation maps with keys sorted bytewise, strings with
 * '<' '>' '&' U+2028 U+2029 escaped. */
#ifndef SG_MANIFEST_H
#define SG_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/pubkey.h"

#define SG_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define SG_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define SG_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define SG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define SG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define SG_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define SG_MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define SG_MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define SG_MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"

/* The Accept list cosign sends when resolving an image (protocol.md §2.5 step 3). */
#define SG_OCI_ACCEPT_ALL \
	SG_MT_DOCKER_SCHEMA1 "," SG_MT_DOCKER_SCHEMA1_SIGNED "," SG_MT_DOCKER_MANIFEST "," \
	SG_MT_OCI_MANIFEST "," SG_MT_DOCKER_LIST "," SG_MT_OCI_INDEX
/* The Accept list for reading a .sig manifest (protocol.md §2.5 step 4). */
#define SG_OCI_ACCEPT_SIG SG_MT_DOCKER_MANIFEST "," SG_MT_OCI_MANIFEST

/* OCI 1.1 (image-spec manifest.md "Guidance for an Empty Descriptor"): the empty config
 * blob "{}" of artifact manifests, and its digest. */
#define SG_MT_OCI_EMPTY "application/vnd.oci.empty.v1+json"
#define SG_OCI_EMPTY_BLOB "{}"
/* The Accept list for a referrers answer or the fallback tag: an OCI image index only. */
#define SG_OCI_ACCEPT_INDEX SG_MT_OCI_INDEX

/* Manifest annotations of a cosign v3 referrer (cosign-v3.md §1.7). */
#define SG_ANN_BUNDLE_CONTENT "dev.sigstore.bundle.content"
#define SG_ANN_BUNDLE_PREDICATE_TYPE "dev.sigstore.bundle.predicateType"
#define SG_ANN_CREATED "org.opencontainers.image.created"

/* Layer annotations written by cosign (protocol.md §2.3). */
#define SG_ANN_SIGNATURE "dev.cosignproject.cosign/signature"
#define SG_ANN_CERTIFICATE "dev.sigstore.cosign/certificate"
#define SG_ANN_CHAIN "dev.sigstore.cosign/chain"
#define SG_ANN_BUNDLE "dev.sigstore.cosign/bundle"
#define SG_ANN_RFC3161 "dev.sigstore.cosign/rfc3161timestamp"

typedef enum sg_oci_kind {
	SG_OCI_UNKNOWN = 0,
	SG_OCI_MANIFEST,      /* OCI image manifest or Docker schema 2 manifest */
	SG_OCI_INDEX,         /* OCI image index or Docker manifest list */
} sg_oci_kind;

/* The kind a media type names: SG_OCI_MANIFEST, SG_OCI_INDEX, or SG_OCI_UNKNOWN. */
sg_oci_kind sg_oci_media_kind(sg_slice media_type);

/* An annotation: the key/value pair of base/bytes.h. */
typedef sg_kv sg_oci_annot;

typedef struct sg_oci_desc {
	sg_slice media_type;
	int64_t size;
	uint8_t digest[32];      /* sha256 */
	const sg_oci_annot *annots; /* in document order on parse; any order for the writer */
	size_t nannots;
	/* index entries only (empty slices when absent) */
	sg_slice os, architecture, variant;
	sg_slice artifact_type;  /* "artifactType" (OCI 1.1), empty when absent */
} sg_oci_desc;

typedef struct sg_oci_manifest {
	sg_oci_kind kind;
	sg_slice media_type;      /* empty when the document has none */
	sg_slice artifact_type;   /* empty when absent */
	sg_oci_desc config;       /* manifests only */
	const sg_oci_desc *descs; /* layers (manifest) or manifests (index) */
	size_t ndescs;
	int has_subject;
	sg_oci_desc subject;
	const sg_oci_annot *annots; /* manifest-level annotations */
	size_t nannots;
} sg_oci_manifest;

/* Parse a manifest or index of `len` bytes. Descriptor arrays come from `arena`. Errors:
 * SG_ERR_JSON_* (syntax), SG_ERR_OCI_MANIFEST (structure, with a detail), SG_ERR_OCI_DIGEST,
 * SG_ERR_UNSUPPORTED (schema 1, non-sha256 digests), SG_ERR_LIMIT (too many descriptors or
 * annotations, arena). `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_oci_manifest_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_oci_manifest *out, sg_diag *d);

/* The value of annotation `key` (a constant of ours) on `desc`, or an empty slice with
 * *present = 0. */
sg_slice sg_oci_desc_annotation(const sg_oci_desc *desc, const char *key, int *present);

/* ---- the cosign .sig manifest ---- */

/* Build one signature layer descriptor for `payload`: media type SG_MT_SIMPLESIGNING, size and
 * sha256 of the payload, and the given annotations (views copied, not the bytes). */
void sg_oci_sig_layer(const uint8_t *payload, size_t payload_len, const sg_oci_annot *annots,
	size_t nannots, sg_oci_desc *out);

/* Write the ggcr config of a signature image with these layers into `out`:
 * {"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":...}...],"os":"",
 *  "rootfs":{"type":"layers","diff_ids":["sha256:<layer digest>",...]},"config":{}}
 * (one history entry and one diff_id per layer, in layer order). SG_ERR_LIMIT when full. */
SG_MUST_USE sg_err sg_oci_sig_config_write(const sg_oci_desc *layers, size_t n, sg_buf *out);

/* Write the signature manifest: config descriptor for the config bytes `config`, then the
 * layers in the given order, each with its annotations sorted bytewise. `docker_types` selects
 * Docker schema 2 media types (COSIGN_DOCKER_MEDIA_TYPES) instead of OCI. Errors:
 * SG_ERR_LIMIT (buffer, or more than SG_MAX_OCI_LAYERS layers / SG_MAX_OCI_ANNOTATIONS
 * annotations), SG_ERR_ARG (duplicate annotation key, negative size, invalid UTF-8). */
SG_MUST_USE sg_err sg_oci_sig_manifest_write(const sg_oci_desc *layers, size_t n,
	sg_slice config, int docker_types, sg_buf *out, sg_diag *d);

/* cosign's duplicate check (protocol.md §2.4): index of the first layer of `existing` that
 * (a) has every annotation of `layer` except the signature with an identical value, (b) has
 * the same digest and (c) media type, and (d) whose signature annotation (standard base64 of
 * a DER ECDSA signature) verifies over `payload` with `signer`. *found = 1 and *index set when
 * one exists, else *found = 0. Only SG_ERR_ARG (payload does not match `layer`) fails; layers
 * that do not verify are simply not duplicates. */
SG_MUST_USE sg_err sg_oci_sig_find_duplicate(const sg_oci_manifest *existing,
	const sg_oci_desc *layer, const uint8_t *payload, size_t payload_len,
	const sg_pubkey *signer, int *found, size_t *index, sg_diag *d);

/* Append `layer` after the layers of `existing` (NULL: a new, empty signature image) and write
 * the new config (into `config_out`) and manifest (into `manifest_out`), keeping the existing
 * descriptors and annotation values unchanged and in order. The manifest media type follows
 * `existing` when it has one, else `docker_types`. The existing config blob is regenerated
 * from the layer list rather than edited (verifiers never read it). Errors as the writers,
 * plus SG_ERR_OCI_MANIFEST when `existing` is an index, SG_ERR_LIMIT at SG_MAX_OCI_LAYERS. */
SG_MUST_USE sg_err sg_oci_sig_append(const sg_oci_manifest *existing, const sg_oci_desc *layer,
	int docker_types, sg_arena *arena, sg_buf *config_out, sg_buf *manifest_out, sg_diag *d);

/* ---- OCI 1.1 referrers (cosign v3, cosign-v3.md §1.7, §1.8) ---- */

/* "sha256-" + 64 hex: the referrers tag schema's fallback tag (distribution-spec "Referrers
 * Tag Schema"; ggcr fallbackTag). */
#define SG_OCI_FALLBACK_TAG_LEN 71u

/* Write the fallback tag "sha256-<hex>" for subject `digest`, NUL-terminated. */
void sg_oci_fallback_tag(const uint8_t digest[32], char out[SG_OCI_FALLBACK_TAG_LEN + 1]);

/* What a cosign v3 referrer manifest says; views, owned by the caller. */
typedef struct sg_oci_referrer {
	sg_slice bundle_media_type; /* the layer's media type, config.artifactType and
				     * artifactType: the bundle's media type */
	uint8_t layer_digest[32];   /* sha256 of the bundle blob */
	int64_t layer_size;
	sg_slice predicate_type;    /* dev.sigstore.bundle.predicateType */
	sg_slice created;           /* org.opencontainers.image.created, RFC 3339 in seconds */
	sg_oci_desc subject;        /* media type, size and digest of the signed manifest */
} sg_oci_referrer;

/* Append the referrer manifest cosign v3.1.2 pushes, byte for byte (Go encoding/json of its
 * struct, compact): schemaVersion, mediaType (OCI manifest), config (the 2-byte empty blob with
 * artifactType), one layer (no annotations), the three manifest annotations sorted
 * (dev.sigstore.bundle.content = "dsse-envelope", predicateType, created), subject, then
 * artifactType. Errors: SG_ERR_ARG (a negative size), SG_ERR_LIMIT (buffer). */
SG_MUST_USE sg_err sg_oci_referrer_write(const sg_oci_referrer *r, sg_buf *out, sg_diag *d);

/* The referrers fallback index after adding `entry`: the entries of `existing` (NULL: none;
 * else it must be an OCI image index, SG_ERR_OCI_MANIFEST "fallback tag manifest is not an OCI
 * image index" otherwise, as ggcr refuses it) with their known fields (mediaType, size,
 * digest, annotations, platform os/architecture/variant, artifactType), plus `entry`, sorted by
 * digest string as ggcr sorts them, written as ggcr writes an IndexManifest. When an entry of
 * that digest is there already, *already = 1 and nothing is written. Errors: SG_ERR_LIMIT
 * (SG_MAX_OCI_LAYERS entries, buffer), SG_ERR_ARG (duplicate annotation keys). */
SG_MUST_USE sg_err sg_oci_index_add(const sg_oci_manifest *existing, const sg_oci_desc *entry,
	sg_arena *arena, sg_buf *out, int *already, sg_diag *d);

/* Check what a referrers lookup returned for subject `subject` before its entries are used:
 * an image index (SG_ERR_OCI_MANIFEST otherwise), and, for the fallback tag
 * (`from_tag`), an OCI image index whose own digest `digest` differs from the subject's (some
 * registries resolve the tag sha256-<hex> to the subject manifest itself, cosign-v3.md §1.9). */
SG_MUST_USE sg_err sg_oci_referrers_check(const sg_oci_manifest *index, const uint8_t digest[32],
	const uint8_t subject[32], int from_tag, sg_diag *d);

#endif
