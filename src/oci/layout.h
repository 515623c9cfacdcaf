/* layout: the OCI image layout (image-spec image-layout.md) as `cosign save` writes it and
 * `cosign verify --local-image` reads it (rank 4, pure: the files are read and written by
 * online/layout.c through sys/os.c; docs/oci.md "Air gap").
 *
 * A layout is a directory: `oci-layout` ({"imageLayoutVersion":"1.0.0"}), `index.json` (an
 * OCI image index) and `blobs/sha256/<64 lowercase hex>`, each blob named by the SHA-256 of
 * its bytes. cosign (pkg/oci/layout) marks what each index.json entry is with the annotation
 * `kind`: the image (dev.cosignproject.cosign/image, or .../imageIndex for an index), its
 * `.sig` image (.../sigs) and its `.att` image (.../atts). picosign adds, for cosign v3's
 * bundles, one entry per OCI 1.1 referrer manifest (no `kind`, the manifest's annotations and
 * artifactType, as in the referrers fallback index); a reader finds them by the `subject`
 * inside each manifest, which the manifest's digest covers.
 *
 * Reading is strict where a file name is made from the document: every digest is sha256 and
 * 64 lowercase hex (sg_oci_manifest_parse), so a blob path is always
 * "blobs/sha256/<hex>" and can never leave the directory; index.json is at most SG_MAX_JSON
 * bytes with at most SG_MAX_OCI_LAYERS entries; exactly one entry names the image. */
#ifndef SG_LAYOUT_H
#define SG_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "oci/manifest.h"

/* cosign's index.json annotation and its values (pkg/oci/layout/index.go). */
#define SG_LAYOUT_KIND "kind"
#define SG_LAYOUT_KIND_IMAGE "dev.cosignproject.cosign/image"
#define SG_LAYOUT_KIND_INDEX "dev.cosignproject.cosign/imageIndex"
#define SG_LAYOUT_KIND_SIGS "dev.cosignproject.cosign/sigs"
#define SG_LAYOUT_KIND_ATTS "dev.cosignproject.cosign/atts"
/* image-spec annotations.md: the name of a reference in a layout. picosign save puts the
 * image's name as given (ggcr Name()) there, for the output's docker-reference. */
#define SG_ANN_REF_NAME "org.opencontainers.image.ref.name"
/* The oci-layout file picosign writes (ggcr writes the same member, indented). */
#define SG_LAYOUT_VERSION_FILE "{\"imageLayoutVersion\":\"1.0.0\"}\n"
/* "blobs/sha256/" and 64 hex digits. */
#define SG_LAYOUT_BLOB_PATH_LEN 77u

typedef struct sg_layout {
	sg_oci_manifest index;     /* index.json (views into it and the arena) */
	const sg_oci_desc *image;  /* the entry of kind image or imageIndex */
	const sg_oci_desc *sigs;   /* the entry of kind sigs, NULL when none */
	sg_slice ref_name;         /* the image entry's SG_ANN_REF_NAME, empty when none */
} sg_layout;

/* Check the oci-layout file: a JSON object whose "imageLayoutVersion" is "1.0.0" (the only
 * version). Errors: SG_ERR_JSON_*, SG_ERR_OCI_LAYOUT (no or another version). */
SG_MUST_USE sg_err sg_layout_check_version(const uint8_t *json, size_t len, sg_arena *arena,
	sg_diag *d);

/* Parse index.json (`len` bytes, at most SG_MAX_JSON): an image index (sg_oci_manifest_parse)
 * with exactly one entry of kind image (an image manifest) or imageIndex (an index), and at
 * most one of kind sigs (an image manifest). Errors: those of sg_oci_manifest_parse (a digest
 * that is not sha256:<64 lowercase hex> among them), SG_ERR_OCI_LAYOUT naming what is wrong.
 * `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_layout_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_layout *out, sg_diag *d);

/* 1 when entry `e` of `l` may be a referrer manifest: an OCI image manifest that carries no
 * `kind` (the image, its .sig and .att images carry one). Its `subject` decides. */
int sg_layout_maybe_referrer(const sg_layout *l, const sg_oci_desc *e);

/* The path of blob `digest` relative to the layout: "blobs/sha256/<hex>", NUL-terminated. */
void sg_layout_blob_path(const uint8_t digest[32], char out[SG_LAYOUT_BLOB_PATH_LEN + 1]);

/* A file name in blobs/sha256/ that names a blob: exactly 64 lowercase hex digits (1, and
 * `digest` set), else 0 (temporary files, anything planted). */
int sg_layout_blob_name(const char *name, uint8_t digest[32]);

/* Check blob bytes read from the layout in `dir` against their name `digest` and, when `size`
 * is not negative, the size a descriptor declares: SG_ERR_OCI_DIGEST_MISMATCH naming the blob
 * ("<dir>/blobs/sha256/<hex>", tampered or corrupt) otherwise. */
SG_MUST_USE sg_err sg_layout_blob_check(const char *dir, const uint8_t digest[32], int64_t size,
	sg_slice blob, sg_diag *d);

#endif
