/* manifest: OCI/Docker manifests and indexes, and the cosign .sig manifest. See manifest.h.
 *
 * Implementation notes. Grammar: OCI image-spec manifest.md, image-index.md, descriptor.md
 * (v1.1); Docker "Image Manifest V2, Schema 2"; protocol.md §2.2 (signature manifest and
 * config bytes), §2.3 (annotations), §2.4 (append and duplicate detection).
 * The parser walks the vfj token tree of the whole document; every member is looked up by
 * name, so member order does not matter and duplicates were already refused by vfj. Counts
 * are checked against the limits before any array is allocated.
 * The writers use the vfj writer with Go's escaping (VFJ_W_GO) and emit members in the
 * declaration order of ggcr's structs (v1.Manifest, v1.Descriptor, v1.ConfigFile), so the
 * bytes, and therefore the digests, are those cosign would push. */
#include "oci/manifest.h"

#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "parse/codec.h"
#include "parse/json.h"

/* see manifest.h */
sg_oci_kind
sg_oci_media_kind(sg_slice mt)
{
	if (sg_slice_eq_str(mt, SG_MT_OCI_MANIFEST) || sg_slice_eq_str(mt, SG_MT_DOCKER_MANIFEST))
		return SG_OCI_MANIFEST;
	if (sg_slice_eq_str(mt, SG_MT_OCI_INDEX) || sg_slice_eq_str(mt, SG_MT_DOCKER_LIST))
		return SG_OCI_INDEX;
	return SG_OCI_UNKNOWN;
}

/* ---- parsing ---- */

SG_MUST_USE static sg_err
fail_tok(const sg_json *j, size_t t, sg_diag *d, sg_err code, const char *what)
{
	return sg_diag_fail_at(d, code, what, sg_json_offset(j, t));
}

SG_MUST_USE static sg_err
parse_annotations(const sg_json *j, size_t obj, sg_arena *arena, const sg_oci_annot **out,
	size_t *n, sg_diag *d)
{
	static const char what[] = "manifest annotations";
	*out = NULL;
	*n = 0;
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, what, d));
	size_t count = sg_json_count(j, obj);
	if (count == 0)
		return SG_OK;
	if (count > SG_MAX_OCI_ANNOTATIONS)
		return fail_tok(j, obj, d, SG_ERR_LIMIT, what);
	void *mem;
	SG_TRY(sg_arena_get(arena, count * sizeof(sg_oci_annot), &mem, d));
	sg_oci_annot *a = mem;
	size_t i = 0;
	for (size_t k = sg_json_first(j, obj); k != SG_JSON_NONE; k = sg_json_next(j, k), i++) {
		SG_TRY(sg_json_str(j, k, what, arena, &a[i].key, d));
		SG_TRY(sg_json_str(j, sg_json_first(j, k), "manifest annotation value", arena,
			&a[i].value, d));
	}
	*out = a;
	*n = count;
	return SG_OK;
}

SG_MUST_USE static sg_err
opt_str(const sg_json *j, size_t obj, const char *key, const char *what, sg_arena *arena,
	sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	size_t t = sg_json_get(j, obj, key);
	if (t == SG_JSON_NONE)
		return SG_OK;
	return sg_json_str(j, t, what, arena, out, d);
}

SG_MUST_USE static sg_err
parse_desc(const sg_json *j, size_t t, sg_arena *arena, sg_oci_desc *out, sg_diag *d)
{
	static const char what[] = "manifest descriptor";
	memset(out, 0, sizeof *out);
	SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, what, d));

	size_t mt = sg_json_get(j, t, "mediaType");
	if (mt == SG_JSON_NONE)
		return fail_tok(j, t, d, SG_ERR_OCI_MANIFEST, "manifest descriptor mediaType");
	SG_TRY(sg_json_str(j, mt, "manifest descriptor mediaType", arena, &out->media_type, d));
	if (out->media_type.len == 0)
		return fail_tok(j, mt, d, SG_ERR_OCI_MANIFEST, "manifest descriptor mediaType");

	size_t dg = sg_json_get(j, t, "digest");
	if (dg == SG_JSON_NONE)
		return fail_tok(j, t, d, SG_ERR_OCI_MANIFEST, "manifest descriptor digest");
	sg_slice ds;
	SG_TRY(sg_json_str(j, dg, "manifest descriptor digest", arena, &ds, d));
	sg_err e = sg_oci_digest_parse(ds.p, ds.len, "manifest descriptor digest", out->digest, d);
	if (e != SG_OK) {
		if (d != NULL && d->code == e && !d->has_offset) {
			d->has_offset = 1;
			d->offset = sg_json_offset(j, dg);
		}
		return e;
	}

	size_t sz = sg_json_get(j, t, "size");
	if (sz == SG_JSON_NONE)
		return fail_tok(j, t, d, SG_ERR_OCI_MANIFEST, "manifest descriptor size");
	/* A JSON integer only (not a string, not 1.0), non-negative int64. */
	if (vfj_i64(&j->doc, sz, &out->size) != VFJ_OK || out->size < 0)
		return fail_tok(j, sz, d, SG_ERR_OCI_MANIFEST, "manifest descriptor size");

	size_t an = sg_json_get(j, t, "annotations");
	if (an != SG_JSON_NONE)
		SG_TRY(parse_annotations(j, an, arena, &out->annots, &out->nannots, d));

	size_t pf = sg_json_get(j, t, "platform");
	if (pf != SG_JSON_NONE) {
		SG_TRY(sg_json_expect(j, pf, VFJ_OBJECT, "manifest descriptor platform", d));
		SG_TRY(opt_str(j, pf, "os", "platform os", arena, &out->os, d));
		SG_TRY(opt_str(j, pf, "architecture", "platform architecture", arena,
			&out->architecture, d));
		SG_TRY(opt_str(j, pf, "variant", "platform variant", arena, &out->variant, d));
	}
	return opt_str(j, t, "artifactType", "manifest descriptor artifactType", arena,
		&out->artifact_type, d);
}

SG_MUST_USE static sg_err
parse_desc_array(const sg_json *j, size_t arr, sg_arena *arena, const sg_oci_desc **out,
	size_t *n, sg_diag *d)
{
	static const char what[] = "manifest descriptor list";
	*out = NULL;
	*n = 0;
	SG_TRY(sg_json_expect(j, arr, VFJ_ARRAY, what, d));
	size_t count = sg_json_count(j, arr);
	if (count > SG_MAX_OCI_LAYERS)
		return sg_diag_failf(d, SG_ERR_LIMIT, what, "more than %u descriptors",
			SG_MAX_OCI_LAYERS);
	if (count == 0)
		return SG_OK;
	void *mem;
	SG_TRY(sg_arena_get(arena, count * sizeof(sg_oci_desc), &mem, d));
	sg_oci_desc *ds = mem;
	size_t i = 0;
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t), i++)
		SG_TRY(parse_desc(j, t, arena, &ds[i], d));
	*out = ds;
	*n = count;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_manifest(const uint8_t *json, size_t len, sg_arena *arena, sg_oci_manifest *out,
	sg_diag *d)
{
	static const char what[] = "manifest";
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, what, &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, what, d));

	size_t sv = sg_json_get(&j, root, "schemaVersion");
	int64_t version = 0;
	if (sv == SG_JSON_NONE)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "no schemaVersion");
	if (vfj_i64(&j.doc, sv, &version) != VFJ_OK)
		return fail_tok(&j, sv, d, SG_ERR_OCI_MANIFEST, "manifest schemaVersion");
	if (version == 1)
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what, "Docker schema 1 manifests");
	if (version != 2)
		return fail_tok(&j, sv, d, SG_ERR_OCI_MANIFEST, "manifest schemaVersion");

	SG_TRY(opt_str(&j, root, "mediaType", "manifest mediaType", arena, &out->media_type, d));
	int has_index_fields = sg_json_get(&j, root, "manifests") != SG_JSON_NONE;
	int has_image_fields = sg_json_get(&j, root, "layers") != SG_JSON_NONE ||
		sg_json_get(&j, root, "config") != SG_JSON_NONE;
	if (has_index_fields && has_image_fields)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"both \"manifests\" and \"layers\"/\"config\": ambiguous document");
	if (out->media_type.p != NULL) {
		out->kind = sg_oci_media_kind(out->media_type);
		if (sg_slice_eq_str(out->media_type, SG_MT_DOCKER_SCHEMA1) ||
			sg_slice_eq_str(out->media_type, SG_MT_DOCKER_SCHEMA1_SIGNED))
			return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
				"Docker schema 1 manifests");
		if (out->kind == SG_OCI_UNKNOWN)
			return fail_tok(&j, sg_json_get(&j, root, "mediaType"), d,
				SG_ERR_OCI_MANIFEST, "manifest mediaType");
		if ((out->kind == SG_OCI_INDEX && has_image_fields) ||
			(out->kind == SG_OCI_MANIFEST && has_index_fields))
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
				"fields do not match the mediaType");
	} else if (has_index_fields) {
		out->kind = SG_OCI_INDEX;
	} else if (has_image_fields) {
		out->kind = SG_OCI_MANIFEST;
	} else {
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"neither an image manifest nor an index");
	}

	if (out->kind == SG_OCI_MANIFEST) {
		size_t cfg = sg_json_get(&j, root, "config");
		if (cfg == SG_JSON_NONE)
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "no config");
		SG_TRY(parse_desc(&j, cfg, arena, &out->config, d));
		size_t layers = sg_json_get(&j, root, "layers");
		if (layers == SG_JSON_NONE)
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "no layers");
		SG_TRY(parse_desc_array(&j, layers, arena, &out->descs, &out->ndescs, d));
	} else {
		size_t ms = sg_json_get(&j, root, "manifests");
		if (ms == SG_JSON_NONE)
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "no manifests");
		SG_TRY(parse_desc_array(&j, ms, arena, &out->descs, &out->ndescs, d));
	}

	size_t sub = sg_json_get(&j, root, "subject");
	if (sub != SG_JSON_NONE) {
		SG_TRY(parse_desc(&j, sub, arena, &out->subject, d));
		out->has_subject = 1;
	}
	SG_TRY(opt_str(&j, root, "artifactType", "manifest artifactType", arena,
		&out->artifact_type, d));
	size_t an = sg_json_get(&j, root, "annotations");
	if (an != SG_JSON_NONE)
		SG_TRY(parse_annotations(&j, an, arena, &out->annots, &out->nannots, d));
	return SG_OK;
}

/* see manifest.h */
sg_err
sg_oci_manifest_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_oci_manifest *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_manifest(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see manifest.h */
sg_slice
sg_oci_desc_annotation(const sg_oci_desc *desc, const char *key, int *present)
{
	for (size_t i = 0; i < desc->nannots; i++) {
		if (sg_slice_eq_str(desc->annots[i].key, key)) {
			if (present != NULL)
				*present = 1;
			return desc->annots[i].value;
		}
	}
	if (present != NULL)
		*present = 0;
	return sg_slice_make(NULL, 0);
}

/* ---- writing ---- */

static void
w_digest(vfj_writer *w, const uint8_t digest[32])
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	vfj_w_str(w, ds, SG_OCI_DIGEST_STR_LEN);
}

SG_MUST_USE static sg_err
w_annotations(vfj_writer *w, const sg_oci_annot *a, size_t n, sg_diag *d)
{
	size_t idx[SG_MAX_OCI_ANNOTATIONS];
	if (n > SG_MAX_OCI_ANNOTATIONS)
		return sg_diag_fail(d, SG_ERR_LIMIT, "manifest annotations");
	if (!sg_kv_order(a, n, idx))
		return sg_diag_fail(d, SG_ERR_ARG, "duplicate manifest annotation");
	vfj_w_key(w, VFJ_LIT("annotations"));
	vfj_w_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		vfj_w_key(w, (const char *)a[idx[i]].key.p, a[idx[i]].key.len);
		vfj_w_str(w, a[idx[i]].value.p, a[idx[i]].value.len);
	}
	vfj_w_obj_end(w);
	return SG_OK;
}

/* v1.Descriptor's first fields, the object left open for the caller's optional ones: mediaType,
 * size, digest, then annotations (omitempty). */
SG_MUST_USE static sg_err
w_desc_open(vfj_writer *w, sg_slice media_type, int64_t size, const uint8_t digest[32],
	const sg_oci_annot *a, size_t n, sg_diag *d)
{
	if (size < 0)
		return sg_diag_fail(d, SG_ERR_ARG, "manifest descriptor size");
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("mediaType"));
	vfj_w_str(w, media_type.p, media_type.len);
	vfj_w_key(w, VFJ_LIT("size"));
	vfj_w_i64(w, size);
	vfj_w_key(w, VFJ_LIT("digest"));
	w_digest(w, digest);
	if (n > 0)
		SG_TRY(w_annotations(w, a, n, d));
	return SG_OK;
}

/* v1.Descriptor: mediaType, size, digest, then annotations (omitempty). */
SG_MUST_USE static sg_err
w_desc(vfj_writer *w, sg_slice media_type, int64_t size, const uint8_t digest[32],
	const sg_oci_annot *a, size_t n, sg_diag *d)
{
	SG_TRY(w_desc_open(w, media_type, size, digest, a, n, d));
	vfj_w_obj_end(w);
	return SG_OK;
}

/* A manifest's or index's first members, ggcr's field order: schemaVersion 2, mediaType, then
 * the key of the next member. */
static void
w_head(vfj_writer *w, sg_slice media_type, const char *next)
{
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("schemaVersion"));
	vfj_w_i64(w, 2);
	vfj_w_key(w, VFJ_LIT("mediaType"));
	vfj_w_str(w, media_type.p, media_type.len);
	vfj_w_key(w, next, strlen(next));
}

/* see manifest.h */
void
sg_oci_sig_layer(const uint8_t *payload, size_t payload_len, const sg_oci_annot *annots,
	size_t nannots, sg_oci_desc *out)
{
	memset(out, 0, sizeof *out);
	out->media_type = sg_slice_str(SG_MT_SIMPLESIGNING);
	out->size = (int64_t)payload_len;
	sg_oci_digest_of(payload, payload_len, out->digest);
	out->annots = annots;
	out->nannots = nannots;
}

/* see manifest.h */
sg_err
sg_oci_sig_config_write(const sg_oci_desc *layers, size_t n, sg_buf *out)
{
	static const char zero_time[] = "0001-01-01T00:00:00Z";
	if (n > SG_MAX_OCI_LAYERS || out->overflow)
		return SG_ERR_LIMIT;
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	/* v1.ConfigFile field order: architecture, created, history, os, rootfs, config. */
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("architecture"));
	vfj_w_str(&w, "", 0);
	vfj_w_key(&w, VFJ_LIT("created"));
	vfj_w_str(&w, zero_time, sizeof zero_time - 1);
	vfj_w_key(&w, VFJ_LIT("history"));
	vfj_w_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		vfj_w_obj_begin(&w);
		vfj_w_key(&w, VFJ_LIT("created"));
		vfj_w_str(&w, zero_time, sizeof zero_time - 1);
		vfj_w_obj_end(&w);
	}
	vfj_w_arr_end(&w);
	vfj_w_key(&w, VFJ_LIT("os"));
	vfj_w_str(&w, "", 0);
	vfj_w_key(&w, VFJ_LIT("rootfs"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("type"));
	vfj_w_str(&w, "layers", 6);
	vfj_w_key(&w, VFJ_LIT("diff_ids"));
	vfj_w_arr_begin(&w);
	/* uncompressed layers: the diff_id is the layer digest */
	for (size_t i = 0; i < n; i++)
		w_digest(&w, layers[i].digest);
	vfj_w_arr_end(&w);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("config"));
	vfj_w_obj_begin(&w);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "signature config", NULL);
}

/* see manifest.h */
sg_err
sg_oci_sig_manifest_write(const sg_oci_desc *layers, size_t n, sg_slice config,
	int docker_types, sg_buf *out, sg_diag *d)
{
	static const char what[] = "signature manifest";
	if (n > SG_MAX_OCI_LAYERS)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	uint8_t cfg_digest[32];
	sg_oci_digest_of(config.p, config.len, cfg_digest);
	sg_slice mt = sg_slice_str(docker_types ? SG_MT_DOCKER_MANIFEST : SG_MT_OCI_MANIFEST);
	sg_slice cmt = sg_slice_str(docker_types ? SG_MT_DOCKER_CONFIG : SG_MT_OCI_CONFIG);

	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	/* v1.Manifest field order: schemaVersion, mediaType, config, layers. */
	w_head(&w, mt, "config");
	SG_TRY(w_desc(&w, cmt, (int64_t)config.len, cfg_digest, NULL, 0, d));
	vfj_w_key(&w, VFJ_LIT("layers"));
	vfj_w_arr_begin(&w);
	for (size_t i = 0; i < n; i++)
		SG_TRY(w_desc(&w, layers[i].media_type, layers[i].size, layers[i].digest,
			layers[i].annots, layers[i].nannots, d));
	vfj_w_arr_end(&w);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, what, d);
}

/* see manifest.h */
sg_err
sg_oci_sig_find_duplicate(const sg_oci_manifest *existing, const sg_oci_desc *layer,
	const uint8_t *payload, size_t payload_len, const sg_pubkey *signer, int *found,
	size_t *index, sg_diag *d)
{
	*found = 0;
	*index = 0;
	uint8_t digest[32];
	sg_oci_digest_of(payload, payload_len, digest);
	if (memcmp(digest, layer->digest, 32) != 0 || layer->size != (int64_t)payload_len)
		return sg_diag_fail(d, SG_ERR_ARG, "signature layer does not match its payload");
	if (existing == NULL || existing->kind != SG_OCI_MANIFEST)
		return SG_OK;
	for (size_t i = 0; i < existing->ndescs; i++) {
		const sg_oci_desc *old = &existing->descs[i];
		int same = 1;
		/* (a) every new annotation but the signature is on the old layer, same value */
		for (size_t k = 0; k < layer->nannots && same; k++) {
			if (sg_slice_eq_str(layer->annots[k].key, SG_ANN_SIGNATURE))
				continue;
			same = 0;
			for (size_t m = 0; m < old->nannots; m++)
				if (sg_slice_eq(old->annots[m].key, layer->annots[k].key)) {
					same = sg_slice_eq(old->annots[m].value,
						layer->annots[k].value);
					break;
				}
		}
		/* (b) digest, (c) media type */
		if (!same || memcmp(old->digest, layer->digest, 32) != 0 ||
			!sg_slice_eq(old->media_type, layer->media_type))
			continue;
		/* (d) the old signature verifies with the new signer over the new payload */
		int has = 0;
		sg_slice b64 = sg_oci_desc_annotation(old, SG_ANN_SIGNATURE, &has);
		uint8_t sig[512];
		size_t siglen = 0;
		if (!has || b64.len == 0 || sg_b64_decoded_max(b64.len) > sizeof sig)
			continue;
		if (sg_b64_decode(b64.p, b64.len, SG_B64_STD | SG_B64_PAD, sig, sizeof sig, &siglen,
			    NULL) != SG_OK)
			continue;
		if (sg_pubkey_verify_message(signer, SG_HASH_SHA256, payload, payload_len, sig, siglen,
			    "signature", NULL) == SG_OK) {
			*found = 1;
			*index = i;
			return SG_OK;
		}
	}
	return SG_OK;
}

/* see manifest.h */
sg_err
sg_oci_sig_append(const sg_oci_manifest *existing, const sg_oci_desc *layer, int docker_types,
	sg_arena *arena, sg_buf *config_out, sg_buf *manifest_out, sg_diag *d)
{
	static const char what[] = "signature manifest";
	size_t n = 0;
	if (existing != NULL) {
		if (existing->kind != SG_OCI_MANIFEST)
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
				"the existing .sig object is not an image manifest");
		n = existing->ndescs;
		if (existing->media_type.len != 0)
			docker_types = sg_slice_eq_str(existing->media_type, SG_MT_DOCKER_MANIFEST);
	}
	if (n >= SG_MAX_OCI_LAYERS)
		return sg_diag_failf(d, SG_ERR_LIMIT, what, "already %zu signatures", n);
	void *mem;
	SG_TRY(sg_arena_get(arena, (n + 1) * sizeof(sg_oci_desc), &mem, d));
	sg_oci_desc *all = mem;
	if (n > 0)
		memcpy(all, existing->descs, n * sizeof(sg_oci_desc));
	all[n] = *layer;

	size_t cfg_start = config_out->len;
	if (sg_oci_sig_config_write(all, n + 1, config_out) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signature config");
	sg_slice cfg = sg_slice_make(config_out->p + cfg_start, config_out->len - cfg_start);
	return sg_oci_sig_manifest_write(all, n + 1, cfg, docker_types, manifest_out, d);
}

/* ---- OCI 1.1 referrers ---- */

/* see manifest.h */
void
sg_oci_fallback_tag(const uint8_t digest[32], char out[SG_OCI_FALLBACK_TAG_LEN + 1])
{
	sg_oci_digest_format(digest, out);
	out[6] = '-'; /* ggcr: strings.Replace(digest, ":", "-", 1) */
}

/* see manifest.h */
sg_err
sg_oci_referrer_write(const sg_oci_referrer *r, sg_buf *out, sg_diag *d)
{
	static const char what[] = "referrer manifest";
	static const char content[] = "dsse-envelope";
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	uint8_t empty[32];
	sg_oci_digest_of(SG_OCI_EMPTY_BLOB, sizeof SG_OCI_EMPTY_BLOB - 1, empty);
	const sg_oci_annot ann[3] = {
		{sg_slice_str(SG_ANN_BUNDLE_CONTENT), sg_slice_make(content, sizeof content - 1)},
		{sg_slice_str(SG_ANN_BUNDLE_PREDICATE_TYPE), r->predicate_type},
		{sg_slice_str(SG_ANN_CREATED), r->created},
	};
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	/* cosign's referrerManifest: ggcr's v1.Manifest fields (schemaVersion, mediaType,
	 * config, layers, annotations, subject), then its own artifactType. */
	w_head(&w, sg_slice_str(SG_MT_OCI_MANIFEST), "config");
	/* v1.Descriptor: mediaType, size, digest, ..., artifactType (cosign sets it here too). */
	SG_TRY(w_desc_open(&w, sg_slice_str(SG_MT_OCI_EMPTY),
		(int64_t)(sizeof SG_OCI_EMPTY_BLOB - 1), empty, NULL, 0, d));
	vfj_w_key(&w, VFJ_LIT("artifactType"));
	vfj_w_str(&w, r->bundle_media_type.p, r->bundle_media_type.len);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("layers"));
	vfj_w_arr_begin(&w);
	SG_TRY(w_desc(&w, r->bundle_media_type, r->layer_size, r->layer_digest, NULL, 0, d));
	vfj_w_arr_end(&w);
	SG_TRY(w_annotations(&w, ann, 3, d));
	vfj_w_key(&w, VFJ_LIT("subject"));
	SG_TRY(w_desc(&w, r->subject.media_type, r->subject.size, r->subject.digest, NULL, 0, d));
	vfj_w_key(&w, VFJ_LIT("artifactType"));
	vfj_w_str(&w, r->bundle_media_type.p, r->bundle_media_type.len);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, what, d);
}

/* One index entry as ggcr's v1.Descriptor writes it: mediaType, size, digest, annotations,
 * platform, artifactType (the fields a referrer entry can have; urls and data are dropped). */
SG_MUST_USE static sg_err
w_index_entry(vfj_writer *w, const sg_oci_desc *e, sg_diag *d)
{
	SG_TRY(w_desc_open(w, e->media_type, e->size, e->digest, e->annots, e->nannots, d));
	if (e->os.len > 0 || e->architecture.len > 0) {
		/* v1.Platform: architecture, os, ..., variant (omitempty) */
		vfj_w_key(w, VFJ_LIT("platform"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("architecture"));
		vfj_w_str(w, e->architecture.p, e->architecture.len);
		vfj_w_key(w, VFJ_LIT("os"));
		vfj_w_str(w, e->os.p, e->os.len);
		if (e->variant.len > 0) {
			vfj_w_key(w, VFJ_LIT("variant"));
			vfj_w_str(w, e->variant.p, e->variant.len);
		}
		vfj_w_obj_end(w);
	}
	if (e->artifact_type.len > 0) {
		vfj_w_key(w, VFJ_LIT("artifactType"));
		vfj_w_str(w, e->artifact_type.p, e->artifact_type.len);
	}
	vfj_w_obj_end(w);
	return SG_OK;
}

/* see manifest.h */
sg_err
sg_oci_index_add(const sg_oci_manifest *existing, const sg_oci_desc *entry, sg_arena *arena,
	sg_buf *out, int *already, sg_diag *d)
{
	static const char what[] = "referrers fallback index";
	*already = 0;
	size_t n = 0;
	if (existing != NULL) {
		/* ggcr commitSubjectReferrers refuses anything else at the tag. */
		if (existing->kind != SG_OCI_INDEX ||
			!sg_slice_eq_str(existing->media_type, SG_MT_OCI_INDEX))
			return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
				"fallback tag manifest is not an OCI image index");
		n = existing->ndescs;
		for (size_t i = 0; i < n; i++)
			if (memcmp(existing->descs[i].digest, entry->digest, 32) == 0) {
				*already = 1;
				return SG_OK;
			}
	}
	if (n >= SG_MAX_OCI_LAYERS)
		return sg_diag_failf(d, SG_ERR_LIMIT, what, "already %zu entries", n);
	const sg_oci_desc **all;
	SG_TRY(sg_arena_get(arena, (n + 1) * sizeof *all, (void **)&all, d));
	/* Insertion by digest string: "sha256:<hex>" strings sort as their digest bytes. */
	size_t k = 0;
	for (size_t i = 0; i <= n; i++) {
		const sg_oci_desc *e = i < n ? &existing->descs[i] : entry;
		size_t pos = k++;
		while (pos > 0 && memcmp(e->digest, all[pos - 1]->digest, 32) < 0) {
			all[pos] = all[pos - 1];
			pos--;
		}
		all[pos] = e;
	}
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	w_head(&w, sg_slice_str(SG_MT_OCI_INDEX), "manifests");
	vfj_w_arr_begin(&w);
	for (size_t i = 0; i <= n; i++)
		SG_TRY(w_index_entry(&w, all[i], d));
	vfj_w_arr_end(&w);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, what, d);
}

/* see manifest.h */
sg_err
sg_oci_referrers_check(const sg_oci_manifest *index, const uint8_t digest[32],
	const uint8_t subject[32], int from_tag, sg_diag *d)
{
	static const char what[] = "referrers index";
	if (index->kind != SG_OCI_INDEX)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what, "%s is not an image index",
			from_tag ? "the fallback tag" : "the referrers answer");
	if (!from_tag)
		return SG_OK;
	if (memcmp(digest, subject, 32) == 0)
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"the fallback tag resolves to the image itself, not to a referrers index");
	if (!sg_slice_eq_str(index->media_type, SG_MT_OCI_INDEX))
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, what,
			"the fallback tag is not an OCI image index");
	return SG_OK;
}
