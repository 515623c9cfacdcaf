/* trust: where a command's trusted root comes from (rank 9; see cli.h).
 *
 * Precedence, as cosign and sigstore-go do it: the --trusted-root flag, then the
 * SIGSTORE_ROOT_FILE environment variable, then the root embedded at build time
 * (scripts/embed-trust-root.sh; docs/trustroot.md). The embedded public-good root is the file
 * whose SHA-256 the repository pins; the staging root is embedded unpinned for --staging.
 * This file is the only one that touches the embedded arrays, so every other module (and every
 * fuzz harness) links without the generated file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "parse/json.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/tlog.h"
#include "sys/os.h"

/* see cli.h */
sg_err
sg_cli_trustroot_load(const char *flag_path, int staging, sg_arena *arena,
	struct sg_trustroot *out, const char **source, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	*source = NULL;
	const char *path = flag_path;
	if (path == NULL) {
		const char *env = getenv("SIGSTORE_ROOT_FILE");
		if (env != NULL && env[0] != '\0')
			path = env;
	}
	if (path != NULL) {
		sg_slice in;
		SG_TRY(sg_os_read_file(path, SG_MAX_JSON, arena, &in, d));
		/* A parse error names the file. */
		const char *src = d != NULL ? d->source : NULL;
		if (d != NULL)
			d->source = path;
		SG_TRY(sg_trustroot_parse(in.p, in.len, arena, out, d));
		if (d != NULL)
			d->source = src;
		*source = path;
		return SG_OK;
	}
	const uint8_t *p = staging ? sg_embedded_staging_root : sg_embedded_trusted_root;
	size_t len = staging ? sg_embedded_staging_root_len : sg_embedded_trusted_root_len;
	if (len == 0)
		return sg_diag_failmsg(d, SG_ERR_NO_TRUST_ROOT,
			"no trusted root: pass --trusted-root or set SIGSTORE_ROOT_FILE (this "
			"build has "
			"no embedded %s root)",
			staging ? "staging" : "public-good");
	*source = staging ? "embedded staging root" : "embedded public-good root";
	return sg_trustroot_parse(p, len, arena, out, d);
}
