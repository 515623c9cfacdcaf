/* layout: an OCI image layout on disk. See layout.h.
 *
 * Implementation notes
 * - Paths: "<dir>/<name>" with a name made here ("oci-layout", "index.json",
 *   "blobs/sha256/<64 hex>" from a parsed digest), never from text in the layout; so nothing
 *   read can point a path elsewhere. The directory itself is the user's, links included.
 * - cosign v3.1.2 `save` lists its bundle referrers nowhere: it writes each referrer as an
 *   image into the layout, then rewrites index.json for the next one, so only their blobs
 *   remain; its verify --local-image (pkg/cosign/verify.go getLocalBundleDescriptors) reads
 *   every blob and keeps the manifests whose subject is the image. picosign lists them in
 *   index.json and reads that; the blob scan is kept for layouts cosign wrote. */
#include "online/layout.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "sys/os.h"

/* "<dir>/<name>" into out[0..cap); SG_ERR_IO when it does not fit. */
SG_MUST_USE static sg_err
join(const char *dir, const char *name, char *out, size_t cap, sg_diag *d)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= cap)
		return sg_diag_failmsg(d, SG_ERR_IO, "%s: path too long", dir);
	return SG_OK;
}

/* Read `name` in the layout (a regular file, no link, at most SG_MAX_JSON bytes). */
SG_MUST_USE static sg_err
read_meta(const char *dir, const char *name, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	char path[4096];
	int absent;
	SG_TRY(join(dir, name, path, sizeof path, d));
	SG_TRY(sg_os_read_regular(path, SG_MAX_JSON, arena, out, &absent, d));
	if (absent)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: no such file (not an OCI "
			"layout from save)", path);
	return SG_OK;
}

/* see layout.h */
sg_err
sg_layout_open(const char *dir, sg_arena *arena, sg_layout_dir *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	out->dir = dir;
	sg_slice f;
	size_t mark = sg_arena_mark(arena);
	SG_TRY(read_meta(dir, "oci-layout", arena, &f, d));
	SG_TRY(sg_layout_check_version(f.p, f.len, arena, d));
	sg_arena_release(arena, mark);
	SG_TRY(read_meta(dir, "index.json", arena, &f, d));
	return sg_layout_parse(f.p, f.len, arena, &out->lay, d);
}

/* see layout.h */
sg_err
sg_layout_get(const sg_layout_dir *l, const uint8_t digest[32], int64_t size, size_t max,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	char rel[SG_LAYOUT_BLOB_PATH_LEN + 1], path[4096];
	int absent;
	sg_layout_blob_path(digest, rel);
	SG_TRY(join(l->dir, rel, path, sizeof path, d));
	size_t mark = sg_arena_mark(arena);
	SG_TRY(sg_os_read_regular(path, max, arena, out, &absent, d));
	if (absent)
		return sg_diag_failmsg(d, SG_ERR_OCI_NOT_FOUND, "%s: the layout lists this blob "
			"but does not have it", path);
	sg_err e = sg_layout_blob_check(l->dir, digest, size, *out, d);
	if (e != SG_OK) {
		sg_arena_release(arena, mark);
		*out = sg_slice_make(NULL, 0);
	}
	return e;
}

/* The manifest `digest` of the layout, when it is a referrer of the image: *is = 1. */
SG_MUST_USE static sg_err
referrer_of_image(const sg_layout_dir *l, const uint8_t digest[32], int64_t size,
	sg_arena *arena, int *is, sg_diag *d)
{
	sg_slice body;
	sg_oci_manifest m;
	size_t mark = sg_arena_mark(arena);
	*is = 0;
	SG_TRY(sg_layout_get(l, digest, size, SG_MAX_JSON, arena, &body, d));
	/* not a manifest (a layer, a config): not a referrer */
	if (sg_oci_manifest_parse(body.p, body.len, arena, &m, NULL) == SG_OK)
		*is = m.kind == SG_OCI_MANIFEST && m.has_subject &&
			memcmp(m.subject.digest, l->lay.image->digest, 32) == 0;
	sg_arena_release(arena, mark);
	return SG_OK;
}

struct scan {
	const sg_layout_dir *l;
	sg_arena *arena;
	sg_oci_desc *all;
	sg_referrers *out;
	size_t files;
};

/* One file of blobs/sha256/ (sg_os_list_dir): a manifest whose subject is the image joins
 * the list, in digest order (readdir's order is the file system's). */
SG_MUST_USE static sg_err
scan_one(void *ctx, const char *path, const char *name, sg_diag *d)
{
	struct scan *s = ctx;
	uint8_t digest[32];
	if (++s->files > SG_MAX_LAYOUT_BLOBS)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "%s: more than %u files", path,
			SG_MAX_LAYOUT_BLOBS);
	int is = 0;
	/* Whatever cannot be read as a manifest of at most SG_MAX_JSON bytes that hashes to its
	 * name (a layer, a directory, a link, damaged bytes) is no referrer; whoever needs that
	 * blob by digest reports it by name. */
	if (!sg_layout_blob_name(name, digest) ||
		referrer_of_image(s->l, digest, -1, s->arena, &is, NULL) != SG_OK || !is)
		return SG_OK;
	if (s->out->n >= SG_MAX_REFERRERS)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "more than %u referrers in the layout",
			SG_MAX_REFERRERS);
	size_t pos = s->out->n++;
	while (pos > 0 && memcmp(digest, s->all[pos - 1].digest, 32) < 0) {
		s->all[pos] = s->all[pos - 1];
		pos--;
	}
	memset(&s->all[pos], 0, sizeof s->all[pos]);
	s->all[pos].media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	s->all[pos].size = -1;
	memcpy(s->all[pos].digest, digest, 32);
	return SG_OK;
}

SG_MUST_USE static sg_err
referrers(const sg_layout_dir *l, sg_arena *arena, sg_referrers *out, sg_diag *d)
{
	sg_oci_desc *all;
	SG_TRY(sg_arena_get(arena, SG_MAX_REFERRERS * sizeof *all, (void **)&all, d));
	out->entries = all;
	size_t listed = 0;
	for (size_t i = 0; i < l->lay.index.ndescs; i++) {
		const sg_oci_desc *e = &l->lay.index.descs[i];
		if (!sg_layout_maybe_referrer(&l->lay, e))
			continue;
		listed++;
		int is;
		SG_TRY(referrer_of_image(l, e->digest, e->size, arena, &is, d));
		if (!is)
			continue;
		if (out->n >= SG_MAX_REFERRERS)
			return sg_diag_failmsg(d, SG_ERR_LIMIT, "%s/index.json: more than %u "
				"referrers", l->dir, SG_MAX_REFERRERS);
		all[out->n++] = *e;
	}
	out->source = SG_REFERRERS_LAYOUT;
	if (listed > 0)
		return SG_OK;
	char dir[4096];
	SG_TRY(join(l->dir, "blobs/sha256", dir, sizeof dir, d));
	struct scan s = {l, arena, all, out, 0};
	out->source = SG_REFERRERS_BLOBS;
	return sg_os_list_dir(dir, "reading the layout's blobs", scan_one, &s, d);
}

/* see layout.h */
sg_err
sg_layout_referrers(const sg_layout_dir *l, sg_arena *arena, sg_referrers *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = referrers(l, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see layout.h */
sg_err
sg_layout_sigs(const sg_layout_dir *l, sg_arena *arena, sg_cosign_sigs *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	const sg_oci_desc *e = l->lay.sigs;
	if (e == NULL)
		return SG_OK;
	SG_TRY(sg_layout_get(l, e->digest, e->size, SG_MAX_JSON, arena, &out->manifest, d));
	memcpy(out->manifest_digest, e->digest, 32);
	sg_err err = sg_oci_manifest_parse(out->manifest.p, out->manifest.len, arena, &out->parsed,
		d);
	if (err != SG_OK) {
		memset(out, 0, sizeof *out);
		return err;
	}
	out->found = 1;
	return SG_OK;
}

/* ---- writing ---- */

/* see layout.h */
sg_err
sg_layout_create(sg_layout_writer *w, const char *dir, size_t max_entries, sg_arena *arena,
	sg_diag *d)
{
	char path[4096];
	memset(w, 0, sizeof *w);
	w->dir = dir;
	w->cap = max_entries;
	SG_TRY(sg_arena_get(arena, max_entries * sizeof *w->entries, (void **)&w->entries, d));
	SG_TRY(join(dir, "blobs/sha256", path, sizeof path, d));
	SG_TRY(sg_os_mkdir_p(path, d));
	SG_TRY(join(dir, "oci-layout", path, sizeof path, d));
	return sg_os_replace_file(path, sg_slice_str(SG_LAYOUT_VERSION_FILE), d);
}

/* see layout.h */
sg_err
sg_layout_put(sg_layout_writer *w, sg_slice blob, sg_diag *d)
{
	uint8_t digest[32];
	char rel[SG_LAYOUT_BLOB_PATH_LEN + 1], path[4096];
	if (++w->blobs > SG_MAX_LAYOUT_BLOBS)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "%s: more than %u blobs", w->dir,
			SG_MAX_LAYOUT_BLOBS);
	sg_oci_digest_of(blob.p, blob.len, digest);
	sg_layout_blob_path(digest, rel);
	SG_TRY(join(w->dir, rel, path, sizeof path, d));
	return sg_os_replace_file(path, blob, d);
}

/* see layout.h */
sg_err
sg_layout_add(sg_layout_writer *w, const sg_oci_desc *entry, sg_diag *d)
{
	if (w->n >= w->cap)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "%s/index.json: more than %zu entries",
			w->dir, w->cap);
	w->entries[w->n++] = entry;
	return SG_OK;
}

/* see layout.h */
sg_err
sg_layout_commit(sg_layout_writer *w, sg_arena *arena, sg_diag *d)
{
	char path[4096];
	size_t cap = 4096;
	for (size_t i = 0; i < w->n; i++) {
		/* every annotation byte may grow sixfold when escaped */
		cap += 512;
		for (size_t k = 0; k < w->entries[i]->nannots; k++)
			cap += 6 * (w->entries[i]->annots[k].key.len +
				w->entries[i]->annots[k].value.len) + 8;
	}
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	SG_TRY(sg_oci_index_write(w->entries, w->n, "index.json", &b, d));
	SG_TRY(join(w->dir, "index.json", path, sizeof path, d));
	return sg_os_replace_file(path, sg_slice_make(b.p, b.len), d);
}
