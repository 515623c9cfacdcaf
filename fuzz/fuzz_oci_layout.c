/* Target functions: sg_layout_parse (an OCI layout's index.json), sg_layout_check_version
 * (its oci-layout file), sg_layout_blob_name, sg_layout_blob_path, sg_layout_blob_check,
 * sg_oci_index_write */
/* Input: a file a layout directory holds: index.json or oci-layout (anyone who can write the
 * directory chose it); the first line also as a blobs/sha256/ file name.
 * Invariants: parsing is deterministic and a failure leaves the output zeroed; on success
 * exactly one entry is the image (kind image with a manifest media type, or imageIndex with
 * an index), at most one the .sig, both inside the parsed entries, and no referrer
 * candidate is either; every entry's blob path is "blobs/sha256/" and 64 lowercase hex that
 * reads back as its digest (no name can leave the directory); index.json written back from
 * the entries parses to the same layout; a file name is a blob name exactly when it is 64
 * lowercase hex; blob bytes pass the check under their own digest and size only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz_common.h"
#include "oci/layout.h"
#include "oci/ociref.h"

static uint8_t arena_mem[16u << 20];
static uint8_t out_mem[1u << 20];

static int
is_hex64(const char *s)
{
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* The first line of the input, at most 80 bytes, as a file name. */
static void
check_name(const uint8_t *data, size_t size)
{
	char name[81];
	size_t n = 0;
	while (n < size && n < 80 && data[n] != '\n' && data[n] != '\0') {
		name[n] = (char)data[n];
		n++;
	}
	name[n] = '\0';
	uint8_t dg[32];
	char path[SG_LAYOUT_BLOB_PATH_LEN + 1];
	int ok = sg_layout_blob_name(name, dg);
	if (ok != (n == 64 && is_hex64(name)))
		abort();
	if (ok) {
		sg_layout_blob_path(dg, path);
		if (strcmp(path + 13, name) != 0)
			abort();
	}
}

static void
check_blob(const uint8_t *data, size_t size)
{
	uint8_t dg[32];
	sg_oci_digest_of(data, size, dg);
	if (sg_layout_blob_check("d", dg, (int64_t)size, sg_slice_make(data, size), NULL) != SG_OK ||
		sg_layout_blob_check("d", dg, -1, sg_slice_make(data, size), NULL) != SG_OK ||
		sg_layout_blob_check("d", dg, (int64_t)size + 1, sg_slice_make(data, size), NULL) ==
			SG_OK)
		abort();
	dg[size % 32] ^= 1;
	if (sg_layout_blob_check("d", dg, -1, sg_slice_make(data, size), NULL) == SG_OK)
		abort();
}

/* The parts of a parsed layout the two parses must agree on. */
static int
same(const sg_layout *a, const sg_layout *b)
{
	if (a->index.ndescs != b->index.ndescs ||
		a->image - a->index.descs != b->image - b->index.descs ||
		(a->sigs == NULL) != (b->sigs == NULL) || !sg_slice_eq(a->ref_name, b->ref_name) ||
		(a->sigs != NULL && a->sigs - a->index.descs != b->sigs - b->index.descs))
		return 0;
	for (size_t i = 0; i < a->index.ndescs; i++)
		if (memcmp(a->index.descs[i].digest, b->index.descs[i].digest, 32) != 0 ||
			a->index.descs[i].size != b->index.descs[i].size ||
			!sg_slice_eq(a->index.descs[i].media_type, b->index.descs[i].media_type))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	check_name(data, size);
	check_blob(data, size);
	sg_err v1 = sg_layout_check_version(data, size, &a, NULL);
	if (sg_layout_check_version(data, size, &a, NULL) != v1)
		abort();

	sg_layout l, l2;
	sg_err e = sg_layout_parse(data, size, &a, &l, NULL);
	if (sg_layout_parse(data, size, &a, &l2, NULL) != e)
		abort();
	if (e != SG_OK) {
		if (!fuzz_all_zero(&l, sizeof l))
			abort();
		return 0;
	}
	if (!same(&l, &l2) || l.image == NULL || l.image < l.index.descs ||
		l.image >= l.index.descs + l.index.ndescs ||
		(l.sigs != NULL && (l.sigs < l.index.descs ||
			l.sigs >= l.index.descs + l.index.ndescs || l.sigs == l.image)))
		abort();
	int index = sg_slice_eq_str(sg_oci_desc_annotation(l.image, SG_LAYOUT_KIND, NULL),
		SG_LAYOUT_KIND_INDEX);
	if (sg_oci_media_kind(l.image->media_type) != (index ? SG_OCI_INDEX : SG_OCI_MANIFEST) ||
		sg_layout_maybe_referrer(&l, l.image) ||
		(l.sigs != NULL && sg_layout_maybe_referrer(&l, l.sigs)))
		abort();
	const sg_oci_desc **all;
	if (sg_arena_get(&a, (l.index.ndescs + 1) * sizeof *all, (void **)&all, NULL) != SG_OK)
		abort();
	for (size_t i = 0; i < l.index.ndescs; i++) {
		char path[SG_LAYOUT_BLOB_PATH_LEN + 1];
		uint8_t back[32];
		sg_layout_blob_path(l.index.descs[i].digest, path);
		if (strncmp(path, "blobs/sha256/", 13) != 0 || !is_hex64(path + 13) ||
			!sg_layout_blob_name(path + 13, back) ||
			memcmp(back, l.index.descs[i].digest, 32) != 0)
			abort();
		all[i] = &l.index.descs[i];
	}
	/* index.json written back (as save writes it) is the same layout */
	sg_buf b;
	sg_buf_init(&b, out_mem, sizeof out_mem);
	sg_err w = sg_oci_index_write(all, l.index.ndescs, "index.json", &b, NULL);
	if (w == SG_ERR_LIMIT || w == SG_ERR_ARG)
		return 0; /* too large, or annotations that are no UTF-8 */
	if (w != SG_OK || sg_layout_parse(b.p, b.len, &a, &l2, NULL) != SG_OK || !same(&l, &l2))
		abort();
	return 0;
}
