/* cosign_sig: the .sig manifest in a registry. See cosign_sig.h.
 *
 * Implementation notes
 * - protocol.md §2.4 (append, duplicates), §2.5 steps 4-8 (request order), §13.18.
 * - The race guard (HEAD before PUT, read back after PUT) narrows cosign's "last PUT wins"
 *   window to the time between one HEAD and one PUT, and detects the rest: a registry has no
 *   conditional PUT, so two signers can still interleave there, but the read-back then sees
 *   the lost layer and the append is redone. The read-backs, the settle time and the redos
 *   are online/tagrace.c's, shared with the referrers fallback tag. */
#include "online/cosign_sig.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "online/tagrace.h"

/* see cosign_sig.h */
sg_err
sg_cosign_sigs_fetch(sg_registry *r, const char *repo, const uint8_t image_digest[32],
	sg_arena *arena, sg_cosign_sigs *out, sg_diag *d)
{
	return sg_cosign_tag_fetch(r, repo, image_digest, ".sig", arena, out, d);
}

/* see cosign_sig.h */
sg_err
sg_cosign_tag_fetch(sg_registry *r, const char *repo, const uint8_t image_digest[32],
	const char *suffix, sg_arena *arena, sg_cosign_sigs *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	char tag[SG_OCI_SIG_TAG_LEN + 1];
	sg_oci_sig_tag(image_digest, tag);
	if (strlen(suffix) != 4 || suffix[0] != '.')
		return sg_diag_fail(d, SG_ERR_ARG, "cosign tag suffix");
	memcpy(tag + SG_OCI_SIG_TAG_LEN - 4, suffix, 4);
	sg_registry_manifest m;
	sg_diag scratch;
	sg_diag_init(&scratch, d != NULL ? d->source : NULL);
	sg_err err = sg_registry_get_manifest(r, repo, tag, SG_OCI_ACCEPT_SIG, SG_MAX_JSON, &m,
		&scratch);
	if (err == SG_ERR_OCI_NOT_FOUND)
		return SG_OK; /* no signatures yet */
	if (err != SG_OK) {
		if (d != NULL && d->code == SG_OK)
			*d = scratch;
		return err;
	}
	SG_TRY(sg_oci_manifest_parse(m.body.p, m.body.len, arena, &out->parsed, d));
	if (out->parsed.kind != SG_OCI_MANIFEST) {
		memset(out, 0, sizeof *out);
		return sg_diag_failf(d, SG_ERR_OCI_MANIFEST, "signature manifest",
			"%s is an index, not an image manifest", tag);
	}
	out->found = 1;
	out->manifest = m.body;
	memcpy(out->manifest_digest, m.digest, 32);
	return SG_OK;
}

/* see cosign_sig.h */
void
sg_cosign_sig_layer(const sg_oci_desc *layer, sg_slice payload, sg_sig_layer *out)
{
	int present;
	memset(out, 0, sizeof *out);
	memcpy(out->digest, layer->digest, sizeof out->digest);
	out->payload = payload;
	out->signature_b64 = sg_oci_desc_annotation(layer, SG_ANN_SIGNATURE, &out->has_signature);
	out->certificate_pem = sg_oci_desc_annotation(layer, SG_ANN_CERTIFICATE, &present);
	out->chain_pem = sg_oci_desc_annotation(layer, SG_ANN_CHAIN, &present);
	out->bundle_json = sg_oci_desc_annotation(layer, SG_ANN_BUNDLE, &present);
	out->rfc3161_json = sg_oci_desc_annotation(layer, SG_ANN_RFC3161, &present);
}

/* 1 when `have` carries exactly the annotations `want` (same keys, same values). */
static int
same_annotations(const sg_oci_desc *have, const sg_oci_annot *want, size_t n)
{
	if (have->nannots != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t k = 0; k < have->nannots && !found; k++)
			found = sg_slice_eq(have->annots[k].key, want[i].key) &&
				sg_slice_eq(have->annots[k].value, want[i].value);
		if (!found)
			return 0;
	}
	return 1;
}

/* Index of a layer of `m` identical to `layer` (digest, media type, annotations), or -1. */
static long
find_identical(const sg_oci_manifest *m, const sg_oci_desc *layer)
{
	for (size_t i = 0; i < m->ndescs; i++) {
		const sg_oci_desc *e = &m->descs[i];
		if (memcmp(e->digest, layer->digest, 32) == 0 &&
			sg_slice_eq(e->media_type, layer->media_type) && e->size == layer->size &&
			same_annotations(e, layer->annots, layer->nannots))
			return (long)i;
	}
	return -1;
}

/* 1 when `m` holds a layer with `layer`'s digest and signature annotation: ours survived. */
static int
holds_layer(const sg_oci_manifest *m, const sg_oci_desc *layer)
{
	int p1, p2;
	sg_slice want = sg_oci_desc_annotation(layer, SG_ANN_SIGNATURE, &p1);
	for (size_t i = 0; i < m->ndescs; i++) {
		const sg_oci_desc *e = &m->descs[i];
		if (memcmp(e->digest, layer->digest, 32) != 0)
			continue;
		sg_slice got = sg_oci_desc_annotation(e, SG_ANN_SIGNATURE, &p2);
		if (p1 == p2 && sg_slice_eq(got, want))
			return 1;
	}
	return 0;
}

/* What one append needs, for the tagrace steps. */
struct append {
	sg_registry *r;
	const char *repo, *tag;
	const uint8_t *image_digest;
	const uint8_t *payload;
	size_t payload_len;
	const sg_oci_desc *layer;
	const sg_pubkey *signer;
	int docker_types;
	sg_cosign_attach_result *out;
	sg_cosign_sigs after; /* the last look at the tag */
	uint8_t pushed[32];   /* the digest of our PUT */
	int put_done;         /* an earlier attempt PUT our layer */
};

/* A look after our PUT: ours is still the manifest there, or what replaced it kept our layer. */
SG_MUST_USE static sg_err
look(void *ctx, sg_arena *arena, int *present, sg_diag *d)
{
	struct append *a = ctx;
	SG_TRY(sg_cosign_sigs_fetch(a->r, a->repo, a->image_digest, arena, &a->after, d));
	*present = a->after.found && (memcmp(a->after.manifest_digest, a->pushed, 32) == 0 ||
					     holds_layer(&a->after.parsed, a->layer));
	return SG_OK;
}

/* One append attempt (sg_tagrace_step). *moved = 1 when the tag changed under us (redo). */
SG_MUST_USE static sg_err
attach_once(void *ctx, sg_arena *arena, int *moved, sg_diag *d)
{
	struct append *a = ctx;
	sg_registry *r = a->r;
	const sg_oci_desc *layer = a->layer;
	sg_cosign_attach_result *out = a->out;
	*moved = 0;
	sg_cosign_sigs cur;
	SG_TRY(sg_cosign_sigs_fetch(r, a->repo, a->image_digest, arena, &cur, d));
	if (cur.found) {
		int dup = find_identical(&cur.parsed, layer) >= 0;
		if (!dup && a->signer != NULL) {
			size_t idx;
			SG_TRY(sg_oci_sig_find_duplicate(&cur.parsed, layer, a->payload,
				a->payload_len, a->signer, &dup, &idx, d));
		}
		if (dup) {
			/* After a redo, the layer found may be our own earlier PUT, kept by the
			 * signer whose PUT replaced ours: pushed, not a duplicate. */
			out->duplicate = !a->put_done;
			out->layers = cur.parsed.ndescs;
			return SG_OK;
		}
	}
	/* The new config and manifest: existing layers, then ours. */
	size_t n_old = cur.found ? cur.parsed.ndescs : 0;
	size_t cfg_cap = 512 + (n_old + 1) * 128;
	/* Re-serialized old layers may grow (Go escapes '<' '>' '&'); twice is ample. */
	size_t man_cap = 2 * cur.manifest.len + 1024;
	for (size_t i = 0; i < layer->nannots; i++) {
		/* Annotation values are escaped: at most 6 output bytes per input byte. */
		size_t v;
		if (!sg_mul_ok(layer->annots[i].value.len + layer->annots[i].key.len, 6, &v) ||
			!sg_add_ok(man_cap, v + 16, &man_cap))
			return sg_diag_fail(d, SG_ERR_LIMIT, "signature manifest");
	}
	uint8_t *cfg_mem, *man_mem;
	SG_TRY(sg_arena_get(arena, cfg_cap, (void **)&cfg_mem, d));
	SG_TRY(sg_arena_get(arena, man_cap, (void **)&man_mem, d));
	sg_buf cfg, man;
	sg_buf_init(&cfg, cfg_mem, cfg_cap);
	sg_buf_init(&man, man_mem, man_cap);
	SG_TRY(sg_oci_sig_append(cur.found ? &cur.parsed : NULL, layer, a->docker_types, arena,
		&cfg, &man, d));
	int use_docker = a->docker_types;
	if (cur.found && cur.parsed.media_type.len > 0)
		use_docker = sg_slice_eq_str(cur.parsed.media_type, SG_MT_DOCKER_MANIFEST);
	const char *mt = use_docker ? SG_MT_DOCKER_MANIFEST : SG_MT_OCI_MANIFEST;

	/* Blobs first (the registry refuses a manifest naming unknown blobs): the config and
	 * our payload; existing layers are already in this repository. */
	int up;
	SG_TRY(sg_registry_put_blob(r, a->repo, cfg.p, cfg.len, &up, d));
	out->blobs_uploaded += (unsigned)up;
	SG_TRY(sg_registry_put_blob(r, a->repo, a->payload, a->payload_len, &up, d));
	out->blobs_uploaded += (unsigned)up;

	/* Did someone push to the tag since we read it? Then redo on top of theirs. */
	int exists;
	uint8_t now[32];
	uint64_t t_head = sg_tagrace_now(r);
	SG_TRY(sg_registry_head_manifest(r, a->repo, a->tag, SG_OCI_ACCEPT_SIG, &exists, now, d));
	if (exists != cur.found || (exists && memcmp(now, cur.manifest_digest, 32) != 0)) {
		*moved = 1;
		return SG_OK;
	}
	SG_TRY(sg_registry_put_manifest(r, a->repo, a->tag, mt, man.p, man.len, a->pushed, d));
	a->put_done = 1;

	/* Read back: our layer must be there (a concurrent PUT may have replaced ours). */
	int present;
	SG_TRY(sg_tagrace_confirm(r, sg_tagrace_now(r) - t_head, look, a, arena, &present, d));
	if (!present) {
		*moved = 1;
		return SG_OK;
	}
	memcpy(out->manifest_digest, a->pushed, 32);
	out->layers = a->after.parsed.ndescs;
	return SG_OK;
}

/* see cosign_sig.h */
sg_err
sg_cosign_sig_attach(sg_registry *r, const char *repo, const uint8_t image_digest[32],
	const uint8_t *payload, size_t payload_len, const sg_oci_annot *annots, size_t nannots,
	const sg_pubkey *signer, int docker_types, sg_arena *arena, sg_cosign_attach_result *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	int present = 0;
	for (size_t i = 0; i < nannots; i++)
		present |= sg_slice_eq_str(annots[i].key, SG_ANN_SIGNATURE);
	if (!present)
		return sg_diag_failf(d, SG_ERR_ARG, "signature layer", "no %s annotation",
			SG_ANN_SIGNATURE);
	char tag[SG_OCI_SIG_TAG_LEN + 1];
	sg_oci_sig_tag(image_digest, tag);
	sg_oci_desc layer;
	sg_oci_sig_layer(payload, payload_len, annots, nannots, &layer);
	char what[SG_OCI_REGISTRY_MAX + SG_OCI_REPO_MAX + SG_OCI_SIG_TAG_LEN + 64];
	snprintf(what, sizeof what, "the signature append to %s/%s:%s", r->host, repo, tag);
	struct append a;
	memset(&a, 0, sizeof a);
	a.r = r;
	a.repo = repo;
	a.tag = tag;
	a.image_digest = image_digest;
	a.payload = payload;
	a.payload_len = payload_len;
	a.layer = &layer;
	a.signer = signer;
	a.docker_types = docker_types;
	a.out = out;
	unsigned tries;
	int settled;
	SG_TRY(sg_tagrace_run(r, what, attach_once, &a, arena, &tries, &settled, d));
	out->attempts = tries;
	if (settled)
		return SG_OK;
	memset(out, 0, sizeof *out);
	out->attempts = tries;
	return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "signature upload",
		"the signature tag %s kept changing under concurrent signers (%u attempts): the "
		"signature may be missing; check with verify, or sign again", tag, tries);
}
