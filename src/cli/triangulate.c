/* triangulate: `picosign triangulate IMAGE`, cosign triangulate's offline part: print
 * where the signatures of IMAGE@sha256:<hex> live ("<registry>/<repo>:sha256-<hex>.sig", in
 * $COSIGN_REPOSITORY when it is set). A tag is first resolved to its digest through the
 * registry (registry flags as `verify`). */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "oci/dockercfg.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "online/registry.h"
#include "parse/wwwauth.h"

/* see commands.h */
int
sg_cmd_triangulate(int argc, char **argv, sg_arena *arena)
{
	const char *type = NULL;
	const char *pos[1];
	size_t n_pos = 0;
	sg_cli_registry_flags rf;
	sg_cli_common common;
	memset(&rf, 0, sizeof rf);
	memset(&common, 0, sizeof common);
	const sg_cli_flag flags[] = {
		{"--type", NULL, &type, NULL, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	rf.timeout = common.timeout;
	if (n_pos != 1)
		return sg_cli_usage_error("triangulate: usage: picosign triangulate [--type "
					  "signature|attestation|sbom|digest] IMAGE");
	const char *suffix = ".sig";
	if (type == NULL || strcmp(type, "signature") == 0)
		suffix = ".sig";
	else if (strcmp(type, "attestation") == 0)
		suffix = ".att";
	else if (strcmp(type, "sbom") == 0)
		suffix = ".sbom";
	else if (strcmp(type, "digest") == 0)
		suffix = NULL;
	else
		return sg_cli_usage_error("triangulate: unknown --type \"%s\" (signature, "
					  "attestation, sbom or digest)", type);

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	sg_err e = sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d);
	if (e != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	if (!ref.has_digest) {
		/* A tag names whatever manifest it points at now: ask the registry (as cosign's
		 * ociremote.ResolveDigest does). */
		struct sg_cli_reg *cr = NULL;
		uint8_t digest[32];
		e = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
		if (e == SG_OK)
			e = sg_registry_resolve(sg_cli_registry_get(cr), &ref, digest, &d);
		sg_cli_registry_close(cr);
		if (e != SG_OK) {
			sg_cli_print_error(&d);
			return d.code == SG_ERR_OCI_NOT_FOUND ? SG_EXIT_NO_TAG : SG_EXIT_FAIL;
		}
		sg_ociref_set_digest(&ref, digest);
	}
	char out[SG_OCI_NAME_MAX + 16];
	sg_buf b;
	sg_buf_init(&b, out, sizeof out);
	if (suffix == NULL) {
		e = sg_ociref_name(&ref, &b);
	} else {
		/* "sha256-<hex>" plus the attachment suffix, in the same repository (or
		 * $COSIGN_REPOSITORY's) */
		char tag[SG_OCI_SIG_TAG_LEN + 1];
		sg_ociref sref;
		sg_oci_sig_tag(ref.digest, tag);
		if (sg_cli_sig_repo(&ref, &sref, &d) != SG_OK) {
			sg_cli_print_error(&d);
			return SG_EXIT_FAIL;
		}
		e = sg_ociref_repo_name(&sref, &b);
		sg_buf_putc(&b, ':');
		sg_buf_put(&b, tag, SG_OCI_SIG_TAG_LEN - 4);
		sg_buf_puts(&b, suffix);
		if (e == SG_OK)
			e = sg_buf_status(&b);
	}
	if (e != SG_OK) {
		e = sg_diag_fail(&d, e, "triangulate");
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	printf("%.*s\n", (int)b.len, out);
	return SG_EXIT_OK;
}

/* ---- debug rows ---- */
