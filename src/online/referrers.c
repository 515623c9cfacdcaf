/* referrers: listing and attaching OCI 1.1 referrers. See referrers.h.
 *
 * Implementation notes
 * - Sources: ggcr v0.21.7 pkg/v1/remote/referrers.go (fetchReferrers: the API, else the
 *   fallback tag, a 404 there meaning none), write.go (commitSubjectReferrers: the probe, the
 *   read-modify-write of the index, sorted by digest), cosign v3.1.2 pkg/oci/remote/write.go
 *   (WriteReferrer: config blob, layer blob, manifest by digest); distribution-spec
 *   967efdc "Listing Referrers" (Link pagination) and "Pushing Manifests with Subject" (the
 *   annotations belong in the fallback descriptor: ggcr v0.22.1 copies them).
 * - The probe after the PUT reads the answer the way the reader does (a 200 of another type
 *   means no API), so a writer never trusts an API that its own readers would skip.
 * - Race guard on the fallback index, as on the .sig tag (cosign_sig.c): HEAD before PUT,
 *   read back after it, at once and after a settle time, redone after a jittered backoff;
 *   the policy is online/tagrace.c's, shared by both tags. A registry has no conditional
 *   PUT, so two writers can still interleave between the HEAD and the PUT; the read-backs
 *   see the lost entry and redo. Without the settle look, 16 concurrent signers lost 1-7
 *   entries with every one exiting 0 (cosign itself has no guard: ggcr's last PUT wins). */
#include "online/referrers.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "online/tagrace.h"

/* Append the entries of one page or index to `out` (at most SG_MAX_REFERRERS in all). */
SG_MUST_USE static sg_err
take_entries(const sg_oci_manifest *idx, sg_oci_desc *all, sg_referrers *out, sg_diag *d)
{
	if (idx->ndescs > SG_MAX_REFERRERS - out->n)
		return sg_diag_failf(d, SG_ERR_LIMIT, "referrers",
			"more than %u referrers listed for the image", SG_MAX_REFERRERS);
	if (idx->ndescs > 0)
		memcpy(all + out->n, idx->descs, idx->ndescs * sizeof *all);
	out->n += idx->ndescs;
	return SG_OK;
}

/* The referrers API, page by page; *supported = 0 when the registry has none. */
SG_MUST_USE static sg_err
list_api(sg_registry *r, const char *repo, const uint8_t subject[32], sg_arena *arena,
	sg_oci_desc *all, sg_referrers *out, int *supported, sg_diag *d)
{
	sg_slice next = {NULL, 0};
	*supported = 0;
	for (;;) {
		sg_registry_referrers page;
		SG_TRY(sg_registry_get_referrers(r, repo, subject, next, SG_MAX_JSON, &page, d));
		if (!page.supported) {
			/* a registry that answers the first page but not the next is broken */
			if (out->pages > 0)
				return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "referrers",
					"page %u of the referrers answer is not an index",
					out->pages + 1);
			return SG_OK;
		}
		*supported = 1;
		if (++out->pages > SG_MAX_REFERRER_PAGES)
			return sg_diag_failf(d, SG_ERR_LIMIT, "referrers",
				"more than %u pages of referrers", SG_MAX_REFERRER_PAGES);
		sg_oci_manifest idx;
		SG_TRY(sg_oci_manifest_parse(page.body.p, page.body.len, arena, &idx, d));
		SG_TRY(sg_oci_referrers_check(&idx, page.digest, subject, 0, d));
		SG_TRY(take_entries(&idx, all, out, d));
		if (page.next.len == 0)
			return SG_OK;
		next = page.next;
	}
}

/* GET the fallback tag: *found = 0 on 404. Every manifest type is accepted, not the index
 * alone as ggcr asks: a registry that honours Accept would answer 404 for a manifest at the
 * tag and the anomaly would read as "no referrers"; taken whole, it is refused by name. */
SG_MUST_USE static sg_err
get_fallback(sg_registry *r, const char *repo, const char *tag, sg_arena *arena,
	sg_registry_manifest *m, sg_oci_manifest *idx, int *found, sg_diag *d)
{
	sg_diag scratch;
	sg_diag_init(&scratch, d != NULL ? d->source : NULL);
	*found = 0;
	sg_err err = sg_registry_get_manifest(r, repo, tag, SG_OCI_ACCEPT_ALL, SG_MAX_JSON, m,
		&scratch);
	if (err == SG_ERR_OCI_NOT_FOUND)
		return SG_OK;
	if (err != SG_OK) {
		if (d != NULL && d->code == SG_OK)
			*d = scratch;
		return err;
	}
	SG_TRY(sg_oci_manifest_parse(m->body.p, m->body.len, arena, idx, d));
	*found = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
list(sg_registry *r, const char *repo, const uint8_t subject[32], sg_arena *arena,
	sg_referrers *out, sg_diag *d)
{
	sg_oci_desc *all;
	SG_TRY(sg_arena_get(arena, SG_MAX_REFERRERS * sizeof *all, (void **)&all, d));
	out->entries = all;
	int supported;
	SG_TRY(list_api(r, repo, subject, arena, all, out, &supported, d));
	if (supported) {
		out->source = SG_REFERRERS_API;
		return SG_OK;
	}
	char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
	sg_oci_fallback_tag(subject, tag);
	sg_registry_manifest m;
	sg_oci_manifest idx;
	int found;
	SG_TRY(get_fallback(r, repo, tag, arena, &m, &idx, &found, d));
	if (!found)
		return SG_OK;
	SG_TRY(sg_oci_referrers_check(&idx, m.digest, subject, 1, d));
	out->source = SG_REFERRERS_TAG;
	memcpy(out->tag_digest, m.digest, 32);
	return take_entries(&idx, all, out, d);
}

/* see referrers.h */
sg_err
sg_referrers_list(sg_registry *r, const char *repo, const uint8_t subject[32], sg_arena *arena,
	sg_referrers *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err err = list(r, repo, subject, arena, out, d);
	if (err != SG_OK)
		memset(out, 0, sizeof *out);
	return err;
}

/* 1 when `idx` lists `digest`. */
static int
lists(const sg_oci_manifest *idx, const uint8_t digest[32])
{
	for (size_t i = 0; i < idx->ndescs; i++)
		if (memcmp(idx->descs[i].digest, digest, 32) == 0)
			return 1;
	return 0;
}

/* What one fallback index update needs, for the tagrace steps. */
struct update {
	sg_registry *r;
	const char *repo, *tag;
	const sg_oci_desc *entry;
	sg_referrers_attach_result *out;
	int put_done; /* an earlier attempt PUT an index listing our entry */
};

/* A look after our PUT: the index at the tag still lists our manifest. */
SG_MUST_USE static sg_err
look(void *ctx, sg_arena *arena, int *present, sg_diag *d)
{
	struct update *u = ctx;
	sg_registry_manifest after;
	sg_oci_manifest aidx;
	int found;
	SG_TRY(get_fallback(u->r, u->repo, u->tag, arena, &after, &aidx, &found, d));
	*present = found && lists(&aidx, u->entry->digest);
	return SG_OK;
}

/* One read-modify-write of the fallback index (sg_tagrace_step); *moved = 1 when another
 * writer got between our read and our write, or replaced our PUT (redo). */
SG_MUST_USE static sg_err
update_fallback(void *ctx, sg_arena *arena, int *moved, sg_diag *d)
{
	struct update *u = ctx;
	sg_registry *r = u->r;
	const sg_oci_desc *entry = u->entry;
	*moved = 0;
	sg_registry_manifest cur;
	sg_oci_manifest idx;
	int found;
	SG_TRY(get_fallback(r, u->repo, u->tag, arena, &cur, &idx, &found, d));
	size_t cap = (found ? 2 * cur.body.len : 0) + 4096;
	for (size_t i = 0; i < entry->nannots; i++)
		cap += 6 * (entry->annots[i].key.len + entry->annots[i].value.len) + 8;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	int already;
	SG_TRY(sg_oci_index_add(found ? &idx : NULL, entry, arena, &b, &already, d));
	if (already) {
		/* after a redo, possibly our own entry, kept by the writer who replaced us */
		u->out->already_indexed = !u->put_done;
		return SG_OK;
	}
	int exists;
	uint8_t now[32];
	uint64_t t_head = sg_tagrace_now(r);
	SG_TRY(sg_registry_head_manifest(r, u->repo, u->tag, SG_OCI_ACCEPT_INDEX, &exists, now,
		d));
	if (exists != found || (exists && memcmp(now, cur.digest, 32) != 0)) {
		*moved = 1;
		return SG_OK;
	}
	SG_TRY(sg_registry_put_manifest(r, u->repo, u->tag, SG_MT_OCI_INDEX, b.p, b.len, NULL,
		d));
	u->put_done = 1;
	int present;
	SG_TRY(sg_tagrace_confirm(r, sg_tagrace_now(r) - t_head, look, u, arena, &present, d));
	*moved = !present;
	return SG_OK;
}

/* see referrers.h */
sg_err
sg_referrers_attach(sg_registry *r, const char *repo, const uint8_t subject[32],
	sg_slice manifest, sg_slice blob, sg_arena *arena, sg_referrers_attach_result *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_oci_manifest m;
	SG_TRY(sg_oci_manifest_parse(manifest.p, manifest.len, arena, &m, d));
	/* Blobs first: a registry refuses a manifest naming blobs it lacks. */
	SG_TRY(sg_registry_put_blob(r, repo, (const uint8_t *)SG_OCI_EMPTY_BLOB,
		sizeof SG_OCI_EMPTY_BLOB - 1, NULL, d));
	SG_TRY(sg_registry_put_blob(r, repo, blob.p, blob.len, NULL, d));
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_of(manifest.p, manifest.len, out->manifest_digest);
	sg_oci_digest_format(out->manifest_digest, ds);
	SG_TRY(sg_registry_put_manifest(r, repo, ds, SG_MT_OCI_MANIFEST, manifest.p, manifest.len,
		NULL, d));

	/* The probe: the API answers, or we keep the fallback index ourselves. */
	size_t mark = sg_arena_mark(arena);
	sg_registry_referrers page;
	SG_TRY(sg_registry_get_referrers(r, repo, subject, sg_slice_make(NULL, 0), SG_MAX_JSON,
		&page, d));
	sg_arena_release(arena, mark);
	if (page.supported) {
		out->where = SG_REFERRERS_API;
		return SG_OK;
	}
	out->where = SG_REFERRERS_TAG;
	sg_oci_desc entry;
	memset(&entry, 0, sizeof entry);
	entry.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	entry.size = (int64_t)manifest.len;
	memcpy(entry.digest, out->manifest_digest, 32);
	entry.annots = m.annots;
	entry.nannots = m.nannots;
	/* ggcr: the manifest's artifactType, else its config's media type */
	entry.artifact_type = m.artifact_type.len > 0 ? m.artifact_type : m.config.media_type;
	char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
	sg_oci_fallback_tag(subject, tag);
	char what[SG_OCI_REGISTRY_MAX + SG_OCI_REPO_MAX + SG_OCI_FALLBACK_TAG_LEN + 64];
	snprintf(what, sizeof what, "the referrers index update of %s/%s:%s", r->host, repo, tag);
	struct update u = {r, repo, tag, &entry, out, 0};
	int settled;
	SG_TRY(sg_tagrace_run(r, what, update_fallback, &u, arena, &out->attempts, &settled, d));
	if (settled)
		return SG_OK;
	/* The referrer manifest is in the repository, but a reader without the referrers API
	 * finds it only through the index: the signature may be missing, and we must not say
	 * otherwise. */
	return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "referrers fallback index",
		"the fallback tag %s kept changing under concurrent signers (%u attempts): the "
		"signature may be missing from the image's referrers; check with verify, or sign "
		"again", tag, out->attempts);
}
