/* Target functions: sg_oci_manifest_parse (of a referrers list), sg_oci_referrers_check,
 * sg_oci_index_add, sg_oci_referrer_write */
/* Input: the body a referrers lookup returns (the referrers API's image index, or the
 * manifest at the fallback tag sha256-<hex>).
 * Invariants: the lookup check accepts only image indexes, from the fallback tag only an OCI
 * one whose digest is not the subject's; adding a referrer either finds its digest among the
 * entries (and writes nothing) or writes an index that parses back with one more entry, every
 * old entry unchanged (digest, size, media type, artifactType, platform, annotations), sorted
 * by digest, and adding the same referrer to it again finds it; the referrer manifest written
 * for a predicate type taken from the input (any bytes a registry could send) parses back with
 * that type, the subject and the bundle layer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crypto/hash.h"
#include "oci/manifest.h"

static uint8_t arena_mem[8u << 20];
static uint8_t out_mem[1u << 20], out2_mem[1u << 20];

static int
same_entry(const sg_oci_desc *a, const sg_oci_desc *b)
{
	if (memcmp(a->digest, b->digest, 32) != 0 || a->size != b->size ||
		!sg_slice_eq(a->media_type, b->media_type) ||
		!sg_slice_eq(a->artifact_type, b->artifact_type) || !sg_slice_eq(a->os, b->os) ||
		!sg_slice_eq(a->architecture, b->architecture) ||
		!sg_slice_eq(a->variant, b->variant) || a->nannots != b->nannots)
		return 0;
	for (size_t i = 0; i < a->nannots; i++) {
		int present = 0;
		for (size_t k = 0; k < b->nannots && !present; k++)
			present = sg_slice_eq(a->annots[i].key, b->annots[k].key) &&
				sg_slice_eq(a->annots[i].value, b->annots[k].value);
		if (!present)
			return 0;
	}
	return 1;
}

/* The referrer manifest for predicate type `pt` parses back with it. */
static void
check_referrer_write(sg_slice pt, sg_arena *a)
{
	sg_oci_referrer r;
	memset(&r, 0, sizeof r);
	r.bundle_media_type = sg_slice_str("application/vnd.dev.sigstore.bundle.v0.3+json");
	memset(r.layer_digest, 0x5a, 32);
	r.layer_size = 1234;
	r.predicate_type = pt;
	r.created = sg_slice_str("2025-01-02T03:04:05Z");
	r.subject.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	r.subject.size = 567;
	memset(r.subject.digest, 0xa5, 32);
	sg_buf b;
	sg_buf_init(&b, out2_mem, sizeof out2_mem);
	sg_err e = sg_oci_referrer_write(&r, &b, NULL);
	if (e == SG_ERR_LIMIT || e == SG_ERR_ARG)
		return; /* too big, or not UTF-8 */
	if (e != SG_OK)
		abort();
	sg_oci_manifest m;
	if (sg_oci_manifest_parse(b.p, b.len, a, &m, NULL) != SG_OK || m.kind != SG_OCI_MANIFEST ||
		m.ndescs != 1 || !m.has_subject || m.subject.size != 567 ||
		memcmp(m.subject.digest, r.subject.digest, 32) != 0 ||
		memcmp(m.descs[0].digest, r.layer_digest, 32) != 0 ||
		!sg_slice_eq(m.artifact_type, r.bundle_media_type))
		abort();
	sg_oci_desc holder = {.annots = m.annots, .nannots = m.nannots};
	int has = 0;
	sg_slice got = sg_oci_desc_annotation(&holder, SG_ANN_BUNDLE_PREDICATE_TYPE, &has);
	if (!has || !sg_slice_eq(got, pt))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_oci_manifest m;
	if (sg_oci_manifest_parse(data, size, &a, &m, NULL) != SG_OK)
		return 0;
	uint8_t digest[32], subject[32];
	sg_sha256(data, size, digest);
	memset(subject, 0xa5, 32);
	sg_err api = sg_oci_referrers_check(&m, digest, subject, 0, NULL);
	sg_err tag = sg_oci_referrers_check(&m, digest, subject, 1, NULL);
	sg_err self = sg_oci_referrers_check(&m, digest, digest, 1, NULL);
	if ((api == SG_OK) != (m.kind == SG_OCI_INDEX) || (tag == SG_OK && api != SG_OK) ||
		self == SG_OK)
		abort();
	if (tag == SG_OK && !sg_slice_eq_str(m.media_type, SG_MT_OCI_INDEX))
		abort();
	if (m.ndescs > 0) {
		const sg_oci_desc *first = &m.descs[0];
		check_referrer_write(first->artifact_type.len > 0 ? first->artifact_type
								  : first->media_type,
			&a);
	}
	if (tag != SG_OK)
		return 0;

	/* A referrer entry: a new digest, or (when the input has entries) the first one's. */
	sg_oci_desc entry;
	memset(&entry, 0, sizeof entry);
	entry.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	entry.size = 900;
	entry.artifact_type = sg_slice_str("application/vnd.dev.sigstore.bundle.v0.3+json");
	memset(entry.digest, 0x11, 32);
	if (size > 0 && (data[size - 1] & 1) && m.ndescs > 0)
		memcpy(entry.digest, m.descs[0].digest, 32);
	int already = 0;
	sg_buf b;
	sg_buf_init(&b, out_mem, sizeof out_mem);
	sg_err e = sg_oci_index_add(&m, &entry, &a, &b, &already, NULL);
	if (e == SG_ERR_LIMIT || e == SG_ERR_ARG)
		return 0;
	if (e != SG_OK)
		abort();
	int known = 0;
	for (size_t i = 0; i < m.ndescs; i++)
		known |= memcmp(m.descs[i].digest, entry.digest, 32) == 0;
	if (already != known)
		abort();
	if (already)
		return 0;
	sg_oci_manifest out;
	if (sg_oci_manifest_parse(b.p, b.len, &a, &out, NULL) != SG_OK ||
		sg_oci_referrers_check(&out, digest, subject, 1, NULL) != SG_OK ||
		out.ndescs != m.ndescs + 1)
		abort();
	/* Every old entry and the new one, once each, sorted by digest. */
	for (size_t i = 0; i + 1 < out.ndescs; i++)
		if (memcmp(out.descs[i].digest, out.descs[i + 1].digest, 32) > 0)
			abort();
	for (size_t i = 0; i < m.ndescs; i++) {
		int found = 0;
		for (size_t k = 0; k < out.ndescs && !found; k++)
			found = same_entry(&m.descs[i], &out.descs[k]);
		if (!found)
			abort();
	}
	int again = 0;
	sg_buf b2;
	sg_buf_init(&b2, out2_mem, sizeof out2_mem);
	if (sg_oci_index_add(&out, &entry, &a, &b2, &again, NULL) != SG_OK || !again)
		abort();
	return 0;
}
