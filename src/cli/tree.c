/* tree: `picosign tree IMAGE`, cosign tree: what is stored about an image in each of the places
 * cosign writes to (cosign v3.1.2 cmd/cosign/cli/tree.go, its lines and symbols):
 *   the legacy tags sha256-<hex>.sig, .att and .sbom (one line per tag, one per layer);
 *   the OCI 1.1 referrers (one line per referrer manifest, one per layer), which cosign shows
 *   only with --experimental-oci11 and picosign always, after a line saying where the list
 *   came from: the registry's referrers API or the fallback tag sha256-<hex>.
 * A referrer's type is its manifest's dev.sigstore.bundle.predicateType annotation when there
 * is one (as cosign), else its artifactType. Nothing is verified: this is an inventory. A
 * lookup that fails names the request and exits 1; it never reads as "nothing found". */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/referrers.h"
#include "online/registry.h"

static void
print_layers(const sg_oci_manifest *m)
{
	for (size_t i = 0; i < m->ndescs; i++) {
		char dg[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(m->descs[i].digest, dg);
		printf("%s 🍒 %s\n", i + 1 == m->ndescs ? "   └──" : "   ├──", dg);
	}
}

/* One legacy tag: its layers, or nothing on 404; *any set when it has layers. */
SG_MUST_USE static sg_err
legacy_tag(sg_registry *reg, const sg_ociref *ref, const char *suffix, const char *label,
	sg_arena *arena, int *any, sg_diag *d)
{
	char tag[SG_OCI_FALLBACK_TAG_LEN + 8];
	sg_oci_fallback_tag(ref->digest, tag);
	memcpy(tag + SG_OCI_FALLBACK_TAG_LEN, suffix, strlen(suffix) + 1); /* ".sig" and such */
	sg_registry_manifest m;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_registry_get_manifest(reg, ref->repository, tag, SG_OCI_ACCEPT_SIG,
		SG_MAX_JSON, &m, &ld);
	if (e == SG_ERR_OCI_NOT_FOUND)
		return SG_OK;
	if (e != SG_OK) {
		*d = ld;
		return e;
	}
	sg_oci_manifest man;
	SG_TRY(sg_oci_manifest_parse(m.body.p, m.body.len, arena, &man, d));
	if (man.ndescs == 0)
		return SG_OK;
	*any = 1;
	printf("└── %s for an image tag: %s/%s:%s\n", label, ref->registry, ref->repository,
		tag);
	print_layers(&man);
	return SG_OK;
}

SG_MUST_USE static sg_err
referrers(sg_registry *reg, const sg_ociref *ref, sg_arena *arena, int *any, sg_diag *d)
{
	sg_referrers refs;
	SG_TRY(sg_referrers_list(reg, ref->repository, ref->digest, arena, &refs, d));
	if (refs.source == SG_REFERRERS_NONE)
		return SG_OK;
	*any = 1;
	char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
	sg_oci_fallback_tag(ref->digest, tag);
	if (refs.source == SG_REFERRERS_API)
		printf("└── 📇 Referrers listed by the registry's referrers API: %zu\n",
			refs.n);
	else
		printf("└── 🏷️ Referrers listed in the fallback tag %s/%s:%s: %zu\n",
			ref->registry, ref->repository, tag, refs.n);
	for (size_t i = 0; i < refs.n; i++) {
		const sg_oci_desc *e = &refs.entries[i];
		char dg[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(e->digest, dg);
		sg_registry_manifest m;
		sg_oci_manifest man;
		SG_TRY(sg_registry_get_manifest(reg, ref->repository, dg, SG_OCI_ACCEPT_ALL,
			SG_MAX_JSON, &m, d));
		SG_TRY(sg_oci_manifest_parse(m.body.p, m.body.len, arena, &man, d));
		int has;
		sg_oci_desc mann = {.annots = man.annots, .nannots = man.nannots};
		sg_slice type = sg_oci_desc_annotation(&mann, SG_ANN_BUNDLE_PREDICATE_TYPE, &has);
		if (!has)
			type = e->artifact_type.len > 0 ? e->artifact_type : man.artifact_type;
		printf("└── 🔗 ");
		sg_cli_put_safe(type.p, type.len);
		printf(" artifacts via OCI referrer: %s/%s@%s\n", ref->registry, ref->repository,
			dg);
		print_layers(&man);
	}
	return SG_OK;
}

/* see commands.h */
int
sg_cmd_tree(int argc, char **argv, sg_arena *arena)
{
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("tree: usage: picosign tree [flags] IMAGE");
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	char name[SG_OCI_NAME_MAX + 8];
	sg_buf nb;
	sg_buf_init(&nb, name, sizeof name - 1);
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK ||
		sg_ociref_name(&ref, &nb) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	name[nb.len] = '\0';
	struct sg_cli_reg *cr = NULL;
	int rc = SG_EXIT_FAIL, any = 0;
	if (sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	sg_registry *reg = sg_cli_registry_get(cr);
	uint8_t digest[32];
	if (sg_registry_resolve(reg, &ref, digest, &d) != SG_OK)
		goto out;
	sg_ociref_set_digest(&ref, digest);
	printf("📦 Supply Chain Security Related artifacts for an image: %s\n", name);
	if (legacy_tag(reg, &ref, ".sig", "🔐 Signatures", arena, &any, &d) != SG_OK ||
		legacy_tag(reg, &ref, ".att", "💾 Attestations", arena, &any, &d) != SG_OK ||
		legacy_tag(reg, &ref, ".sbom", "📦 SBOMs", arena, &any, &d) != SG_OK ||
		referrers(reg, &ref, arena, &any, &d) != SG_OK)
		goto out;
	if (!any)
		printf("No Supply Chain Security Related Artifacts found for image %s,\n start "
		       "creating one with simply running $ picosign sign <img>\n", name);
	rc = SG_EXIT_OK;
out:
	if (rc != SG_EXIT_OK)
		sg_cli_print_error(&d);
	fflush(stdout);
	sg_cli_registry_close(cr);
	return rc;
}
