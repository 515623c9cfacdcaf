/* Target functions: sg_oci_manifest_parse, sg_oci_desc_annotation, sg_oci_sig_append,
 * sg_oci_sig_config_write, sg_oci_sig_manifest_write */
/* Invariants: a failed parse leaves the output zeroed; parsing is deterministic; every view
 * lies inside the input or the arena; sizes are non-negative; for an image manifest,
 * appending a signature layer writes a manifest that parses back with one more descriptor,
 * the old descriptors (digest, size, media type, annotations) unchanged and in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "oci/manifest.h"
#include "oci/ociref.h"

static uint8_t arena_mem[8u << 20];
static uint8_t cfg_mem[1u << 18], man_mem[1u << 20];

static int
inside(sg_slice s, const uint8_t *base, size_t size)
{
	if (s.len == 0)
		return 1;
	return s.p >= base && s.len <= size && (size_t)(s.p - base) <= size - s.len;
}

static int
view_ok(sg_slice s, const uint8_t *data, size_t size)
{
	return inside(s, data, size) || inside(s, arena_mem, sizeof arena_mem);
}

static void
check_desc(const sg_oci_desc *ds, const uint8_t *data, size_t size)
{
	if (ds->size < 0 || ds->media_type.len == 0 || !view_ok(ds->media_type, data, size))
		abort();
	if (ds->nannots > SG_MAX_OCI_ANNOTATIONS)
		abort();
	for (size_t i = 0; i < ds->nannots; i++) {
		if (!view_ok(ds->annots[i].key, data, size) ||
			!view_ok(ds->annots[i].value, data, size))
			abort();
		int present = 0;
		char key[256];
		if (ds->annots[i].key.len < sizeof key && memchr(ds->annots[i].key.p, 0,
								 ds->annots[i].key.len) == NULL) {
			memcpy(key, ds->annots[i].key.p, ds->annots[i].key.len);
			key[ds->annots[i].key.len] = '\0';
			sg_slice v = sg_oci_desc_annotation(ds, key, &present);
			if (!present || !sg_slice_eq(v, ds->annots[i].value))
				abort();
		}
	}
}

static int
same_desc(const sg_oci_desc *a, const sg_oci_desc *b)
{
	if (memcmp(a->digest, b->digest, 32) != 0 || a->size != b->size ||
		!sg_slice_eq(a->media_type, b->media_type) || a->nannots != b->nannots)
		return 0;
	/* the writer sorts annotations: compare as sets */
	for (size_t i = 0; i < a->nannots; i++) {
		int found = 0;
		for (size_t k = 0; k < b->nannots && !found; k++)
			found = sg_slice_eq(a->annots[i].key, b->annots[k].key) &&
				sg_slice_eq(a->annots[i].value, b->annots[k].value);
		if (!found)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sg_oci_manifest zero;
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_oci_manifest m, m2;
	sg_err e = sg_oci_manifest_parse(data, size, &a, &m, NULL);
	sg_err e2 = sg_oci_manifest_parse(data, size, &a, &m2, NULL);
	if (e != e2)
		abort();
	if (e != SG_OK) {
		if (memcmp(&m, &zero, sizeof m) != 0)
			abort();
		return 0;
	}
	if (m.kind != m2.kind || m.ndescs != m2.ndescs || m.ndescs > SG_MAX_OCI_LAYERS)
		abort();
	if (m.kind == SG_OCI_MANIFEST)
		check_desc(&m.config, data, size);
	else if (m.kind != SG_OCI_INDEX)
		abort();
	for (size_t i = 0; i < m.ndescs; i++) {
		check_desc(&m.descs[i], data, size);
		if (!same_desc(&m.descs[i], &m2.descs[i]))
			abort();
	}
	if (m.kind != SG_OCI_MANIFEST || m.ndescs >= SG_MAX_OCI_LAYERS)
		return 0;

	static const uint8_t payload[] = "{\"critical\":{}}";
	sg_oci_annot an[1] = {{sg_slice_str(SG_ANN_SIGNATURE), sg_slice_str("AAAA")}};
	sg_oci_desc layer;
	sg_oci_sig_layer(payload, sizeof payload - 1, an, 1, &layer);
	sg_buf cfg, man;
	sg_buf_init(&cfg, cfg_mem, sizeof cfg_mem);
	sg_buf_init(&man, man_mem, sizeof man_mem);
	e = sg_oci_sig_append(&m, &layer, 0, &a, &cfg, &man, NULL);
	if (e == SG_ERR_LIMIT || e == SG_ERR_ARG)
		return 0; /* too big for our buffers, or duplicate/invalid annotations */
	if (e != SG_OK)
		abort();
	sg_oci_manifest out;
	if (sg_oci_manifest_parse(man.p, man.len, &a, &out, NULL) != SG_OK)
		abort();
	if (out.kind != SG_OCI_MANIFEST || out.ndescs != m.ndescs + 1)
		abort();
	for (size_t i = 0; i < m.ndescs; i++)
		if (!same_desc(&m.descs[i], &out.descs[i]))
			abort();
	if (!same_desc(&layer, &out.descs[m.ndescs]))
		abort();
	uint8_t dg[32];
	sg_oci_digest_of(cfg.p, cfg.len, dg);
	if (memcmp(dg, out.config.digest, 32) != 0 || out.config.size != (int64_t)cfg.len)
		abort();
	return 0;
}
