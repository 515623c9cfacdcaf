/* initialize: `picosign initialize`, cosign initialize's flags (rank 9; docs/trustroot.md).
 *
 *   initialize [--mirror URL] [--root FILE|URL] [--root-checksum [sha256:|sha512:]HEX]
 *              [--staging] [--timeout SECS]
 *
 * Refreshes the TUF cache for the mirror (cli/tuf.c) from a root that does not come from the
 * cache: --root (a file, or an http(s) URL whose checksum --root-checksum must give, as
 * cosign requires), else $TUF_ROOT_JSON, else the embedded public-good root. The mirror
 * becomes the cache's default for later commands (cosign's remote.json). A failure names the
 * role and the check ("TUF snapshot v6: rollback: ...") and leaves the cache as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "crypto/hash.h"
#include "online/tuf.h"
#include "parse/codec.h"
#include "sys/http.h"
#include "sys/os.h"

/* --root-checksum: "sha256:HEX", "sha512:HEX" or bare sha256 HEX, against `root`. */
SG_MUST_USE static sg_err
check_checksum(const char *spec, sg_slice root, sg_diag *d)
{
	sg_hash_alg alg = SG_HASH_SHA256;
	const char *hex = spec;
	if (strncmp(spec, "sha256:", 7) == 0) {
		hex = spec + 7;
	} else if (strncmp(spec, "sha512:", 7) == 0) {
		alg = SG_HASH_SHA512;
		hex = spec + 7;
	}
	uint8_t want[SG_HASH_MAX_LEN], got[SG_HASH_MAX_LEN];
	size_t n;
	if (sg_hex_decode((const uint8_t *)hex, strlen(hex), want, sizeof want, &n, NULL) !=
			SG_OK ||
		n != sg_hash_len(alg))
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--root-checksum: \"%.140s\" is not %s hex of %zu bytes", spec,
			alg == SG_HASH_SHA512 ? "sha512" : "sha256", sg_hash_len(alg));
	sg_hash(alg, root.p, root.len, got);
	if (!sg_ct_equal(want, got, n))
		return sg_diag_failmsg(d, SG_ERR_TUF_HASH,
			"--root-checksum: the initial root does not have the checksum given");
	return SG_OK;
}

/* The initial root: a URL needs a checksum (cosign: "required if root is downloaded via
 * http(s)"). */
SG_MUST_USE static sg_err
initial_root(const char *root, const char *checksum, const char *timeout, sg_arena *arena,
	sg_slice *out, sg_diag *d)
{
	int url = strncmp(root, "https://", 8) == 0 || strncmp(root, "http://", 7) == 0;
	if (url && checksum == NULL)
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--root %s is a URL: --root-checksum is required to pin it", root);
	if (!url) {
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		if (sg_os_read_file(root, SG_MAX_TUF_ROOT, arena, out, &inner) != SG_OK) {
			char msg[SG_DIAG_DETAIL_MAX];
			sg_diag_format(&inner, msg, sizeof msg);
			return sg_diag_failmsg(d, inner.code, "--root: %s", msg);
		}
	} else {
		sg_tuf_remote rem;
		SG_TRY(sg_cli_tuf_remote(root, timeout, arena, &rem, d));
		sg_err e = sg_tuf_fetch_url(&rem, root, SG_MAX_TUF_ROOT, "initial root", arena,
			out, d);
		sg_http_client_close(rem.http);
		SG_TRY(e);
	}
	if (checksum != NULL)
		SG_TRY(check_checksum(checksum, *out, d));
	return SG_OK;
}

/* see commands.h */
int
sg_cmd_initialize(int argc, char **argv, sg_arena *arena)
{
	const char *mirror = NULL, *root = NULL, *checksum = NULL, *timeout = NULL;
	int staging = 0;
	const sg_cli_flag flags[] = {
		{"--mirror", NULL, &mirror, NULL, NULL, 0, NULL},
		{"--root", NULL, &root, NULL, NULL, 0, NULL},
		{"--root-checksum", NULL, &checksum, NULL, NULL, 0, NULL},
		{"--staging", NULL, NULL, &staging, NULL, 0, NULL},
		{"--timeout", NULL, &timeout, NULL, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 0, &n_pos) !=
		0)
		return SG_EXIT_FAIL;
	char dir[4096];
	if (!sg_cli_tuf_dir(dir, sizeof dir))
		return sg_cli_usage_error("initialize: no cache directory: set TUF_ROOT, "
					  "XDG_CACHE_HOME or HOME");
	if (mirror == NULL)
		mirror = staging ? SG_TUF_STAGING_MIRROR : SG_TUF_DEFAULT_MIRROR;
	if (strncmp(mirror, "https://", 8) != 0 && strncmp(mirror, "http://", 7) != 0)
		return sg_cli_usage_error("initialize: --mirror %s is not an http(s) URL", mirror);
	if (checksum != NULL && root == NULL)
		return sg_cli_usage_error("initialize: --root-checksum needs --root");
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_refresh r;
	memset(&r, 0, sizeof r);
	r.dir = dir;
	r.mirror = mirror;
	r.timeout = timeout;
	r.set_remote = 1;
	const char *custom = getenv("TUF_ROOT_JSON");
	sg_err e = SG_OK;
	if (root != NULL) {
		e = initial_root(root, checksum, timeout, arena, &r.anchor, &d);
	} else if (custom != NULL && custom[0] != '\0') {
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		if ((e = sg_os_read_file(custom, SG_MAX_TUF_ROOT, arena, &r.anchor, &inner)) !=
			SG_OK) {
			char msg[SG_DIAG_DETAIL_MAX];
			sg_diag_format(&inner, msg, sizeof msg);
			e = sg_diag_failmsg(&d, e, "TUF_ROOT_JSON=%s: %s", custom, msg);
		}
	} else if (staging) {
		return sg_cli_usage_error("initialize --staging: this build embeds no staging TUF "
					  "root; give it with --root FILE (and --root-checksum)");
	} else {
		r.anchor = sg_slice_make(sg_embedded_tuf_root, sg_embedded_tuf_root_len);
		r.anchor_embedded = 1;
	}
	/* The embedded root given back as --root is still the embedded one. */
	if (e == SG_OK && !r.anchor_embedded && r.anchor.len == sg_embedded_tuf_root_len &&
		memcmp(r.anchor.p, sg_embedded_tuf_root, r.anchor.len) == 0)
		r.anchor_embedded = 1;
	sg_cli_tuf *t = NULL;
	if (e == SG_OK)
		e = sg_cli_tuf_refresh(&r, arena, &t, &d);
	if (e != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	sg_cli_trust info;
	memset(&info, 0, sizeof info);
	sg_cli_tuf_describe(t, &info);
	int64_t from, to;
	sg_cli_tuf_walked(t, &from, &to);
	uint8_t h[SG_SHA256_LEN];
	char hex[2 * SG_SHA256_LEN + 1];
	sg_buf b;
	sg_sha256(info.trusted_root.p, info.trusted_root.len, h);
	sg_buf_init(&b, hex, sizeof hex);
	if (sg_hex_encode(h, sizeof h, &b) != SG_OK)
		hex[0] = '\0';
	else
		hex[b.len] = '\0';
	printf("TUF mirror: %s\n", mirror);
	printf("TUF versions: root %lld (walked %lld -> %lld), timestamp %lld, snapshot %lld, "
	       "targets %lld\n",
		(long long)info.v_root, (long long)from, (long long)to, (long long)info.v_timestamp,
		(long long)info.v_snapshot, (long long)info.v_targets);
	printf("trusted_root.json: sha256 %s\n", hex);
	printf("signing_config.v0.2.json: %s\n",
		info.signing_config.len != 0 ? "cached" : "not listed by the repository");
	printf("cache: %s\n", info.source + strlen("TUF cache "));
	return SG_EXIT_OK;
}
