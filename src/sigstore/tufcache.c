/* tufcache: the TUF cache document. See tufcache.h.
 *
 * Implementation notes.
 *   - Grammar: RFC 8259 JSON (vfj: no duplicate members) holding RFC 4648 base64 strings (either
 *     alphabet, as protobuf JSON bytes) and one RFC 3339 time. The files inside are TUF 1.0.34
 *     metadata, checked only by sigstore/tuf.h, never here.
 *   - Re-verification is TUF's own workflow (§5.3-5.6) run over stored bytes: the same code that
 *     checked them when they were fetched checks them again, with the anchor the caller trusts
 *     rather than anything the cache says about itself. */
#include "sigstore/tufcache.h"

#include <string.h>

#include "base/timeutil.h"
#include "parse/codec.h"
#include "parse/json.h"

SG_MUST_USE static sg_err
bad(sg_diag *d, const char *why)
{
	return sg_diag_failmsg(d, SG_ERR_TUF_FORMAT, "TUF cache: %s", why);
}

SG_MUST_USE static sg_err
parse_doc(const uint8_t *p, size_t len, sg_arena *arena, sg_tufcache *out, sg_diag *d)
{
	sg_json j;
	sg_slice mt;
	size_t arr, n, files;
	int present;
	SG_TRY(sg_json_parse(p, len, arena, "TUF cache", &j, d));
	size_t top = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, top, VFJ_OBJECT, "TUF cache", d));
	SG_TRY(sg_json_get_str(&j, top, "mediaType", SG_JSON_REQUIRED, "TUF cache mediaType",
		arena, &mt, NULL, d));
	if (!sg_slice_eq_str(mt, SG_TUFCACHE_MEDIA_TYPE))
		return bad(d, "unknown mediaType");
	SG_TRY(sg_json_get_str(&j, top, "mirror", SG_JSON_OPTIONAL, "TUF cache mirror", arena,
		&out->mirror, NULL, d));
	SG_TRY(sg_json_get_time(&j, top, "fetched", SG_JSON_OPTIONAL, "TUF cache fetched",
		&out->fetched, NULL, d));
	SG_TRY(sg_json_get_arr(&j, top, "roots", SG_JSON_REQUIRED, "TUF cache roots", &arr, &n, d));
	if (n == 0 || n > SG_MAX_TUF_ROOT_ROTATIONS)
		return bad(d, "roots must hold 1 to 64 files");
	for (size_t e = sg_json_first(&j, arr); e != SG_JSON_NONE; e = sg_json_next(&j, e))
		SG_TRY(sg_json_b64(&j, e, "TUF cache roots[]", arena, &out->roots[out->n_roots++],
			d));
	static const char *const keys[3] = {"timestamp", "snapshot", "targets"};
	sg_slice *dst[3] = {&out->timestamp, &out->snapshot, &out->targets};
	for (size_t i = 0; i < 3; i++)
		SG_TRY(sg_json_get_b64(&j, top, keys[i], SG_JSON_OPTIONAL, "TUF cache file", arena,
			dst[i], &present, d));
	SG_TRY(sg_json_get_obj(&j, top, "targetFiles", SG_JSON_OPTIONAL, "TUF cache targetFiles",
		&files, d));
	if (files == SG_JSON_NONE)
		return SG_OK;
	if (sg_json_count(&j, files) > SG_TUFCACHE_MAX_TARGETS)
		return bad(d, "more than 8 targetFiles");
	for (size_t k = sg_json_first(&j, files); k != SG_JSON_NONE; k = sg_json_next(&j, k)) {
		size_t i = out->n_targets++;
		SG_TRY(sg_json_str(&j, k, "TUF cache targetFiles name", arena,
			&out->target_names[i], d));
		SG_TRY(sg_json_b64(&j, sg_json_first(&j, k), "TUF cache targetFiles[]", arena,
			&out->target_files[i], d));
	}
	return SG_OK;
}

/* see tufcache.h */
sg_err
sg_tufcache_parse(const uint8_t *p, size_t len, sg_arena *arena, sg_tufcache *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_doc(p, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* A base64 string member (the writer escapes nothing in base64). */
SG_MUST_USE static sg_err
put_b64(vfj_writer *w, sg_slice s, sg_arena *arena, sg_diag *d)
{
	size_t n = sg_b64_encoded_len(s.len, SG_B64_STD | SG_B64_PAD);
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, n + 1, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, n + 1);
	SG_TRY(sg_b64_encode(s.p, s.len, SG_B64_STD | SG_B64_PAD, &b));
	vfj_w_str(w, b.p, b.len);
	return SG_OK;
}

/* The document with roots[first..n_roots). */
SG_MUST_USE static sg_err
write_from(const sg_tufcache *c, size_t first, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	vfj_writer w;
	sg_json_w_start(&w, out, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("mediaType"));
	vfj_w_str(&w, SG_TUFCACHE_MEDIA_TYPE, sizeof SG_TUFCACHE_MEDIA_TYPE - 1);
	if (c->mirror.len != 0) {
		vfj_w_key(&w, VFJ_LIT("mirror"));
		vfj_w_str(&w, c->mirror.p, c->mirror.len);
	}
	if (c->fetched != 0) {
		char t[32];
		SG_TRY(sg_time_format_rfc3339(c->fetched, t, sizeof t));
		vfj_w_key(&w, VFJ_LIT("fetched"));
		vfj_w_str(&w, t, strlen(t));
	}
	vfj_w_key(&w, VFJ_LIT("roots"));
	vfj_w_arr_begin(&w);
	for (size_t i = first; i < c->n_roots; i++)
		SG_TRY(put_b64(&w, c->roots[i], arena, d));
	vfj_w_arr_end(&w);
	static const char *const keys[3] = {"timestamp", "snapshot", "targets"};
	const sg_slice *src[3] = {&c->timestamp, &c->snapshot, &c->targets};
	for (size_t i = 0; i < 3; i++) {
		if (src[i]->len == 0)
			continue;
		vfj_w_key(&w, keys[i], strlen(keys[i]));
		SG_TRY(put_b64(&w, *src[i], arena, d));
	}
	if (c->n_targets != 0) {
		vfj_w_key(&w, VFJ_LIT("targetFiles"));
		vfj_w_obj_begin(&w);
		for (size_t i = 0; i < c->n_targets; i++) {
			vfj_w_key(&w, (const char *)c->target_names[i].p, c->target_names[i].len);
			SG_TRY(put_b64(&w, c->target_files[i], arena, d));
		}
		vfj_w_obj_end(&w);
	}
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "TUF cache", d);
}

/* see tufcache.h */
sg_err
sg_tufcache_write(const sg_tufcache *c, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	if (c->n_roots == 0 || c->n_roots > SG_MAX_TUF_ROOT_ROTATIONS ||
		c->n_targets > SG_TUFCACHE_MAX_TARGETS)
		return sg_diag_fail(d, SG_ERR_ARG, "TUF cache");
	size_t start = out->len, mark = sg_arena_mark(arena);
	for (size_t first = 0; first < c->n_roots; first++) {
		sg_diag scratch;
		sg_diag_init(&scratch, NULL);
		out->len = start;
		out->overflow = 0;
		sg_err e = write_from(c, first, arena, out, &scratch);
		sg_arena_release(arena, mark);
		if (e == SG_OK)
			return SG_OK;
		if (e != SG_ERR_LIMIT || scratch.what == NULL || strcmp(scratch.what, "arena") == 0)
			return sg_diag_fail(d, e, "TUF cache");
	}
	return sg_diag_fail(d, SG_ERR_LIMIT, "TUF cache");
}

/* see tufcache.h */
sg_err
sg_tufcache_apply(const sg_tufcache *c, sg_tuf_trusted *st, sg_arena *arena, sg_diag *d)
{
	for (size_t i = 0; i < c->n_roots; i++) {
		sg_tuf_md r;
		SG_TRY(sg_tuf_parse(c->roots[i].p, c->roots[i].len, SG_TUF_ROOT, arena, &r, d));
		if (r.version <= st->root.version)
			continue;
		if (r.version != st->root.version + 1)
			return sg_diag_failmsg(d, SG_ERR_TUF_VERSION,
				"TUF root: version: the cache has no %lld.root.json",
				(long long)st->root.version + 1);
		SG_TRY(sg_tuf_update_root(st, c->roots[i].p, c->roots[i].len, arena, d));
	}
	SG_TRY(sg_tuf_roots_done(st, NULL, d));
	if (c->timestamp.len == 0)
		return SG_OK;
	SG_TRY(sg_tuf_update(st, SG_TUF_TIMESTAMP, c->timestamp.p, c->timestamp.len, arena, d));
	if (c->snapshot.len == 0)
		return SG_OK;
	SG_TRY(sg_tuf_update(st, SG_TUF_SNAPSHOT, c->snapshot.p, c->snapshot.len, arena, d));
	if (c->targets.len == 0)
		return SG_OK;
	return sg_tuf_update(st, SG_TUF_TARGETS, c->targets.p, c->targets.len, arena, d);
}

/* see tufcache.h */
sg_err
sg_tufcache_target(const sg_tufcache *c, const sg_tuf_trusted *st, const char *name,
	sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	size_t i = 0;
	while (i < c->n_targets && !sg_slice_eq_str(c->target_names[i], name))
		i++;
	if (i == c->n_targets)
		return sg_diag_failmsg(d, SG_ERR_NOT_FOUND, "TUF cache: no %s", name);
	const sg_tuf_file *f;
	SG_TRY(sg_tuf_find_target(st, name, &f, d));
	SG_TRY(sg_tuf_check_file(f, c->target_files[i].p, c->target_files[i].len, "target", name,
		d));
	*out = c->target_files[i];
	return SG_OK;
}
