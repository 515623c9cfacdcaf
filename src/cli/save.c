/* save: `picosign save IMAGE --dir DIR`, cosign save (cmd/cosign/cli/save.go): the image and
 * what is attached to it, copied from its registry into an OCI image layout (oci/layout.h)
 * that `verify --local-image DIR` and `verify-attestation --local-image DIR` read with no
 * network (docs/oci.md "Air gap"):
 *   1. the image: its manifest (an index with its manifests, down to two nested indexes),
 *      configs and layers, listed in index.json with cosign's kind (image or imageIndex) and
 *      the name as given (org.opencontainers.image.ref.name);
 *   2. the legacy `.sig` image (sha256-<hex>.sig), its config and payloads, kind sigs;
 *   3. every OCI 1.1 referrer (the referrers API, else the fallback tag: cosign v3's bundles
 *      and attestations, and anything else attached), each manifest with its config and
 *      layers, listed with its artifactType (cosign lists them nowhere; docs/decisions.md).
 * The legacy `.att` tag is not read (nor anywhere else in picosign).
 *
 * Every failure names the request and exits 1, and nothing says the layout was written until
 * index.json was: the blobs go first, index.json last by one rename (online/layout.h). Bounds:
 * SG_MAX_LAYOUT_BLOB per blob (held in memory while copied), SG_MAX_LAYOUT_BLOBS blobs,
 * SG_MAX_REFERRERS referrers, SG_MAX_JSON per manifest; every blob is checked against its
 * digest and size on the way in. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "oci/layout.h"
#include "oci/ociref.h"
#include "online/layout.h"
#include "online/referrers.h"
#include "online/registry.h"

struct save {
	sg_registry *reg;
	const char *repo;
	sg_arena *arena;
	sg_layout_writer w;
};

/* Copy the blob `desc` names into the layout; its memory is handed back after the write. */
SG_MUST_USE static sg_err
copy_blob(struct save *s, const sg_oci_desc *desc, sg_diag *d)
{
	if (desc->size < 0)
		return sg_diag_fail(d, SG_ERR_OCI_MANIFEST, "descriptor size");
	size_t mark = sg_arena_mark(s->arena);
	sg_slice b;
	sg_err e = sg_registry_get_blob(s->reg, s->repo, desc->digest, (uint64_t)desc->size,
		SG_MAX_LAYOUT_BLOB, &b, d);
	if (e == SG_OK)
		e = sg_layout_put(&s->w, b, d);
	sg_arena_release(s->arena, mark);
	return e;
}

/* GET the manifest `digest` (its bytes hash to it: sg_registry_get_manifest). */
SG_MUST_USE static sg_err
get_manifest(struct save *s, const uint8_t digest[32], sg_registry_manifest *m, sg_diag *d)
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	return sg_registry_get_manifest(s->reg, s->repo, ds, SG_OCI_ACCEPT_ALL, SG_MAX_JSON, m, d);
}

/* Copy manifest `body` and all it names into the layout: an image's config and layers, an
 * index's manifests (at most two nested indexes below the first). `m` is `body` parsed. */
SG_MUST_USE static sg_err
copy_tree(struct save *s, sg_slice body, unsigned depth, sg_oci_manifest *m, sg_diag *d)
{
	SG_TRY(sg_oci_manifest_parse(body.p, body.len, s->arena, m, d));
	SG_TRY(sg_layout_put(&s->w, body, d));
	if (m->kind == SG_OCI_MANIFEST) {
		SG_TRY(copy_blob(s, &m->config, d));
		for (size_t i = 0; i < m->ndescs; i++)
			SG_TRY(copy_blob(s, &m->descs[i], d));
		return SG_OK;
	}
	if (depth >= 2)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "an index nested more than three deep");
	for (size_t i = 0; i < m->ndescs; i++) {
		size_t mark = sg_arena_mark(s->arena);
		sg_registry_manifest child;
		sg_oci_manifest cm;
		SG_TRY(get_manifest(s, m->descs[i].digest, &child, d));
		SG_TRY(copy_tree(s, child.body, depth + 1, &cm, d));
		sg_arena_release(s->arena, mark);
	}
	return SG_OK;
}

/* An index.json entry for manifest `body` (from the arena, so it lives until the commit). */
SG_MUST_USE static sg_err
add_entry(struct save *s, const sg_oci_manifest *m, sg_slice body, sg_slice media_type,
	const char *kind, const char *ref_name, sg_diag *d)
{
	sg_oci_desc *e;
	sg_oci_annot *a;
	SG_TRY(sg_arena_get(s->arena, sizeof *e, (void **)&e, d));
	SG_TRY(sg_arena_get(s->arena, 2 * sizeof *a, (void **)&a, d));
	e->media_type = m->media_type.len > 0 ? m->media_type : media_type;
	if (e->media_type.len == 0) /* neither the document nor the registry said */
		e->media_type = sg_slice_str(m->kind == SG_OCI_INDEX ? SG_MT_OCI_INDEX
								     : SG_MT_OCI_MANIFEST);
	e->size = (int64_t)body.len;
	sg_oci_digest_of(body.p, body.len, e->digest);
	e->annots = a;
	if (kind != NULL) {
		a[e->nannots].key = sg_slice_str(SG_LAYOUT_KIND);
		a[e->nannots++].value = sg_slice_str(kind);
	}
	if (ref_name != NULL) {
		a[e->nannots].key = sg_slice_str(SG_ANN_REF_NAME);
		a[e->nannots++].value = sg_slice_str(ref_name);
	}
	/* A referrer: its artifactType (ggcr: else its config's media type), never its
	 * annotations, so a registry cannot plant a `kind` in index.json. */
	if (kind == NULL)
		e->artifact_type = m->artifact_type.len > 0 ? m->artifact_type
							    : m->config.media_type;
	return sg_layout_add(&s->w, e, d);
}

/* "<what>: <the error>", exit 1. */
static int
fail(const char *what, const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	fprintf(stderr, "Error: %s: %s\n", what, msg);
	return SG_EXIT_FAIL;
}

/* Steps 1-3 of the top into the open layout; the exit code. */
static int
save(struct save *s, const sg_ociref *ref, const char *name, const uint8_t digest[32])
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_registry_manifest im;
	sg_oci_manifest m;
	if (get_manifest(s, digest, &im, &d) != SG_OK ||
		copy_tree(s, im.body, 0, &m, &d) != SG_OK ||
		add_entry(s, &m, im.body, im.media_type, m.kind == SG_OCI_INDEX ?
			SG_LAYOUT_KIND_INDEX : SG_LAYOUT_KIND_IMAGE, name, &d) != SG_OK)
		return fail("saving the image", &d);

	sg_cosign_sigs sigs;
	if (sg_cosign_sigs_fetch(s->reg, s->repo, digest, s->arena, &sigs, &d) != SG_OK ||
		(sigs.found && (copy_tree(s, sigs.manifest, 0, &m, &d) != SG_OK ||
			add_entry(s, &m, sigs.manifest, sg_slice_make(NULL, 0),
				SG_LAYOUT_KIND_SIGS, NULL, &d) != SG_OK)))
		return fail("saving the .sig signatures", &d);

	sg_referrers refs;
	if (sg_referrers_list(s->reg, s->repo, digest, s->arena, &refs, &d) != SG_OK)
		return fail("getting referrers", &d);
	for (size_t i = 0; i < refs.n; i++) {
		sg_registry_manifest rm;
		if (get_manifest(s, refs.entries[i].digest, &rm, &d) != SG_OK ||
			copy_tree(s, rm.body, 0, &m, &d) != SG_OK ||
			add_entry(s, &m, rm.body, refs.entries[i].media_type, NULL, NULL,
				&d) != SG_OK)
			return fail("saving a referrer", &d); /* the request names its digest */
	}
	if (sg_layout_commit(&s->w, s->arena, &d) != SG_OK)
		return fail("writing index.json", &d);
	fprintf(stderr, "Saved %s (%s) to %s: %s, %zu referrer(s), %zu blobs\n", name,
		ref->digest_str, s->w.dir, sigs.found ? "a .sig" : "no .sig", refs.n, s->w.blobs);
	return SG_EXIT_OK;
}

/* see commands.h */
int
sg_cmd_save(int argc, char **argv, sg_arena *arena)
{
	sg_cli_registry_flags rf;
	const char *dir = NULL;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--dir", NULL, &dir, NULL, NULL, 0, NULL},
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1 || dir == NULL || dir[0] == '\0')
		return sg_cli_usage_error("save: usage: picosign save [flags] IMAGE --dir DIR");
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	char name[SG_CLI_NAME_CAP];
	if (sg_cli_image_ref((const uint8_t *)pos[0], strlen(pos[0]), &ref, name, &d) != SG_OK)
		return fail("parsing reference", &d);
	struct sg_cli_reg *cr = NULL;
	if (sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d) != SG_OK)
		return fail("opening the registry", &d);
	struct save s = {sg_cli_registry_get(cr), ref.repository, arena, {0}};
	uint8_t digest[32];
	int rc;
	if (sg_registry_resolve(s.reg, &ref, digest, &d) != SG_OK) {
		rc = fail("resolving the image", &d);
	} else {
		sg_ociref_set_digest(&ref, digest);
		rc = sg_layout_create(&s.w, dir, 2 + SG_MAX_REFERRERS, arena, &d) != SG_OK
			? fail("creating the layout", &d) : save(&s, &ref, name, digest);
	}
	sg_cli_registry_close(cr);
	return rc;
}
