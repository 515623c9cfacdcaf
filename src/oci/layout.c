/* layout: an OCI image layout's index.json and blob names. See layout.h.
 *
 * Implementation notes
 * - image-spec v1.1 image-layout.md: "oci-layout" holds imageLayoutVersion (1.0.0);
 *   "index.json" is an image index; "blobs/<alg>/<encoded>" holds content addressed by its
 *   digest, and a reader MUST NOT trust it without checking (sg_layout_blob_check).
 * - cosign v3.1.2 pkg/oci/layout/index.go: the `kind` annotation and its four values; cosign
 *   takes the first entry of a kind, picosign refuses a second image entry (two images in one
 *   layout: which one was meant cannot be told). */
#include "oci/layout.h"

#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "parse/codec.h"
#include "parse/json.h"

/* see layout.h */
sg_err
sg_layout_check_version(const uint8_t *json, size_t len, sg_arena *arena, sg_diag *d)
{
	static const char what[] = "oci-layout";
	sg_json j;
	size_t mark = sg_arena_mark(arena);
	sg_err e = sg_json_parse(json, len, arena, what, &j, d);
	sg_slice v = {NULL, 0};
	if (e == SG_OK)
		e = sg_json_expect(&j, sg_json_root(&j), VFJ_OBJECT, what, d);
	if (e == SG_OK)
		e = sg_json_get_str(&j, sg_json_root(&j), "imageLayoutVersion", SG_JSON_REQUIRED,
			"oci-layout imageLayoutVersion", arena, &v, NULL, d);
	if (e == SG_OK && !sg_slice_eq_str(v, "1.0.0"))
		e = sg_diag_failf(d, SG_ERR_OCI_LAYOUT, what, "imageLayoutVersion %.*s is not "
			"1.0.0", (int)(v.len > 32 ? 32 : v.len), (const char *)v.p);
	sg_arena_release(arena, mark);
	return e;
}

/* The kind annotation of `e` ("" when it has none). */
static sg_slice
kind_of(const sg_oci_desc *e)
{
	return sg_oci_desc_annotation(e, SG_LAYOUT_KIND, NULL);
}

SG_MUST_USE static sg_err
parse(const uint8_t *json, size_t len, sg_arena *arena, sg_layout *out, sg_diag *d)
{
	static const char what[] = "index.json";
	SG_TRY(sg_oci_manifest_parse(json, len, arena, &out->index, d));
	if (out->index.kind != SG_OCI_INDEX)
		return sg_diag_failf(d, SG_ERR_OCI_LAYOUT, what, "not an image index");
	for (size_t i = 0; i < out->index.ndescs; i++) {
		const sg_oci_desc *e = &out->index.descs[i];
		sg_slice k = kind_of(e);
		sg_oci_kind mk = sg_oci_media_kind(e->media_type);
		int image = sg_slice_eq_str(k, SG_LAYOUT_KIND_IMAGE);
		int index = sg_slice_eq_str(k, SG_LAYOUT_KIND_INDEX);
		const sg_oci_desc **slot = image || index ? &out->image
			: sg_slice_eq_str(k, SG_LAYOUT_KIND_SIGS) ? &out->sigs : NULL;
		if (slot == NULL)
			continue;
		/* one of each; the media type must be the kind's (a manifest, or an index) */
		if (*slot != NULL || mk != (index ? SG_OCI_INDEX : SG_OCI_MANIFEST))
			return sg_diag_failf(d, SG_ERR_OCI_LAYOUT, what, "entry %zu: a second %.*s "
				"entry, or another media type", i + 1, (int)k.len, (const char *)k.p);
		*slot = e;
	}
	if (out->image == NULL)
		return sg_diag_failf(d, SG_ERR_OCI_LAYOUT, what, "no entry of kind %s or %s",
			SG_LAYOUT_KIND_IMAGE, SG_LAYOUT_KIND_INDEX);
	out->ref_name = sg_oci_desc_annotation(out->image, SG_ANN_REF_NAME, NULL);
	return SG_OK;
}

/* see layout.h */
sg_err
sg_layout_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_layout *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see layout.h */
int
sg_layout_maybe_referrer(const sg_layout *l, const sg_oci_desc *e)
{
	(void)l;
	return kind_of(e).len == 0 && sg_slice_eq_str(e->media_type, SG_MT_OCI_MANIFEST);
}

/* see layout.h */
void
sg_layout_blob_path(const uint8_t digest[32], char out[SG_LAYOUT_BLOB_PATH_LEN + 1])
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	memcpy(out, "blobs/sha256/", 13);
	memcpy(out + 13, ds + 7, 65); /* the hex and its NUL */
}

/* see layout.h */
int
sg_layout_blob_name(const char *name, uint8_t digest[32])
{
	size_t n = strnlen(name, 65), got = 0;
	return n == 64 && sg_hex_decode((const uint8_t *)name, n, digest, 32, &got, NULL) == SG_OK;
}

/* see layout.h */
sg_err
sg_layout_blob_check(const char *dir, const uint8_t digest[32], int64_t size, sg_slice blob,
	sg_diag *d)
{
	uint8_t got[32];
	sg_oci_digest_of(blob.p, blob.len, got);
	if (sg_ct_equal(got, digest, 32) && (size < 0 || (uint64_t)size == blob.len))
		return SG_OK;
	char path[SG_LAYOUT_BLOB_PATH_LEN + 1];
	sg_layout_blob_path(digest, path);
	return sg_diag_failmsg(d, SG_ERR_OCI_DIGEST_MISMATCH, "%s/%s: does not match its digest "
		"and size (tampered with or corrupt)", dir, path);
}
