/* trust: where a command's trusted root comes from, and how old it may be (rank 9; see cli.h,
 * docs/trustroot.md).
 *
 * Order, first match wins (the order; cosign's where cosign has one):
 *   1. --trusted-root FILE;
 *   2. cosign's environment: SIGSTORE_ROOT_FILE holding a trusted_root.json (recognised by
 *      its first byte, '{'), else the PEM variables SIGSTORE_ROOT_FILE (Fulcio roots and
 *      intermediates), SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and
 *      SIGSTORE_TSA_CERTIFICATE_FILE, as cosign reads each (pkg/cosign: GetFulcioCerts,
 *      GetRekorPubs, GetCTLogPubs, GetTSACerts), together one root. Unlike cosign, a part
 *      not given stays empty instead of coming from TUF: a private deployment must not end up
 *      trusting public-good CAs because one variable was missing;
 *   3. the TUF cache of `picosign initialize` for the current mirror, re-verified from the
 *      embedded TUF root ($TUF_ROOT_JSON for a private repository) on every read, and used
 *      only when it is at least as new as the embedded state (so a cache cannot roll the
 *      material back below what this binary shipped with);
 *   4. the embedded material (trust/, pinned in the Makefile).
 * A cache that fails its re-verification is a warning and falls back to 4; with
 * $TUF_ROOT_JSON it is an error, since the embedded public-good material is then not what
 * the user trusts. Nothing here opens a connection unless --refresh-trust (or
 * PICOSIGN_REFRESH_TRUST) asks for a refresh first, whose failure is a warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "online/tuf.h"
#include "pki/trustroot.h"
#include "sys/net.h"
#include "sys/os.h"

/* see cli.h */
void
sg_cli_go_offline(void)
{
	sg_net_forbid("--offline was given, so picosign opens no network connection");
}

/* Record "<prefix>: <inner's message>" with inner's code. */
SG_MUST_USE static sg_err
wrap(sg_diag *d, const sg_diag *inner, const char *prefix)
{
	char msg[SG_DIAG_DETAIL_MAX];
	sg_diag_format(inner, msg, sizeof msg);
	return sg_diag_failmsg(d, inner->code != SG_OK ? inner->code : SG_ERR_INTERNAL, "%s: %s",
		prefix, msg);
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Append " <what>" to the note (what is worth a warning), keeping it NUL-terminated. */
static void
note(sg_cli_trust *info, const char *what)
{
	size_t n = strlen(info->note);
	(void)snprintf(info->note + n, sizeof info->note - n, "%s%s", n ? "; " : "", what);
}

/* 2. The environment. *used = 0 when none of the four variables is set. */
SG_MUST_USE static sg_err
from_env(sg_arena *arena, sg_trustroot *out, sg_cli_trust *info, int *used, sg_diag *d)
{
	static const char *const vars[4] = {"SIGSTORE_ROOT_FILE", "SIGSTORE_REKOR_PUBLIC_KEY",
		"SIGSTORE_CT_LOG_PUBLIC_KEY_FILE", "SIGSTORE_TSA_CERTIFICATE_FILE"};
	static const sg_trustroot_part parts[4] = {SG_TRUST_PART_FULCIO, SG_TRUST_PART_REKOR,
		SG_TRUST_PART_CTLOG, SG_TRUST_PART_TSA};
	const char *val[4];
	*used = 0;
	for (int i = 0; i < 4; i++)
		*used |= (val[i] = env(vars[i])) != NULL;
	if (!*used)
		return SG_OK;
	info->kind = SG_TRUST_ENV_PEM;
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		if (val[i] == NULL)
			continue;
		char prefix[4200];
		(void)snprintf(prefix, sizeof prefix, "%s=%s", vars[i], val[i]);
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_slice in;
		if (sg_os_read_file(val[i], i == 0 ? SG_MAX_JSON : SG_MAX_PEM_FILE, arena, &in,
			    &inner) != SG_OK)
			return wrap(d, &inner, prefix);
		size_t k = 0;
		while (k < in.len && (in.p[k] == ' ' || in.p[k] == '\t' || in.p[k] == '\r' ||
					     in.p[k] == '\n'))
			k++;
		if (i == 0 && k < in.len && in.p[k] == '{') {
			/* A trusted_root.json: picosign's reading of SIGSTORE_ROOT_FILE before the
			 * PEM variables existed, kept; it is a whole root by itself. */
			for (int o = 1; o < 4; o++)
				if (val[o] != NULL)
					return sg_diag_failmsg(d, SG_ERR_USAGE,
						"%s holds a trusted_root.json, which cannot be "
						"combined with %s (%s): unset one of them",
						prefix, vars[o], val[o]);
			if (sg_trustroot_parse(in.p, in.len, arena, out, &inner) != SG_OK)
				return wrap(d, &inner, prefix);
			info->kind = SG_TRUST_ENV_JSON;
			info->trusted_root = in;
			(void)snprintf(info->source, sizeof info->source,
				"%.4096s (trusted_root.json)", prefix);
			return SG_OK;
		}
		if (sg_trustroot_add_pem(out, parts[i], in.p, in.len, arena, &inner) != SG_OK)
			return wrap(d, &inner, prefix);
		int w = snprintf(info->source + n, sizeof info->source - n, "%s%s", n ? ", " : "",
			prefix);
		if (w > 0 && (size_t)w < sizeof info->source - n)
			n += (size_t)w;
	}
	return SG_OK;
}

/* 3 and 4. TUF material: the cache (refreshed first when asked), else the embedded state. */
SG_MUST_USE static sg_err
from_tuf(const sg_cli_trust_opts *o, sg_arena *arena, sg_trustroot *out, sg_cli_trust *info,
	sg_diag *d)
{
	char dir[4096];
	int have_dir = sg_cli_tuf_dir(dir, sizeof dir);
	const char *custom = env("TUF_ROOT_JSON");
	sg_slice anchor = sg_slice_make(NULL, 0);
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (custom != NULL) {
		char prefix[4200];
		(void)snprintf(prefix, sizeof prefix, "TUF_ROOT_JSON=%s", custom);
		if (sg_os_read_file(custom, SG_MAX_TUF_ROOT, arena, &anchor, &inner) != SG_OK)
			return wrap(d, &inner, prefix);
	} else if (!o->staging) {
		anchor = sg_slice_make(sg_embedded_tuf_root, sg_embedded_tuf_root_len);
	}
	const char *mirror = sg_cli_tuf_mirror(have_dir ? dir : NULL, o->staging, arena);
	info->mirror = mirror;
	sg_cli_tuf *cache = NULL, *emb = NULL;

	if (o->refresh) {
		sg_cli_refresh r = {dir, mirror, anchor, custom == NULL, NULL, 0};
		char why[SG_DIAG_DETAIL_MAX + 64] = "";
		if (!have_dir)
			(void)snprintf(why, sizeof why,
				"no cache directory (set TUF_ROOT or HOME)");
		else if (anchor.len == 0)
			(void)snprintf(why, sizeof why,
				"this build embeds no staging TUF root (set TUF_ROOT_JSON)");
		else if (sg_cli_tuf_refresh(&r, arena, &cache, &inner) != SG_OK)
			sg_diag_format(&inner, why, sizeof why);
		if (why[0] != '\0') {
			char msg[sizeof why + 200];
			(void)snprintf(msg, sizeof msg,
				"refreshing trust from %s failed (%s); using what is already there",
				mirror, why);
			note(info, msg);
			cache = NULL;
		}
	}
	if (cache == NULL && have_dir && anchor.len != 0) {
		int absent = 0;
		sg_diag_init(&inner, NULL);
		sg_err e = sg_cli_tuf_read(dir, mirror, anchor, arena, &cache, &absent, &inner);
		if (e != SG_OK || absent) {
			char why[SG_DIAG_DETAIL_MAX], path[4200];
			if (!sg_cli_tuf_file(dir, mirror, path, sizeof path))
				path[0] = '\0';
			if (custom != NULL) {
				if (absent)
					return sg_diag_failmsg(d, SG_ERR_NO_TRUST_ROOT,
						"TUF_ROOT_JSON is set but there is no TUF cache "
						"for %s (%s): run `picosign initialize --mirror "
						"%s --root %s`",
						mirror, path, mirror, custom);
				char prefix[4300];
				(void)snprintf(prefix, sizeof prefix, "TUF cache %s (anchored at "
								     "TUF_ROOT_JSON=%s)",
					path, custom);
				return wrap(d, &inner, prefix);
			}
			if (e != SG_OK) {
				char msg[sizeof why + sizeof path + 100];
				sg_diag_format(&inner, why, sizeof why);
				(void)snprintf(msg, sizeof msg,
					"ignoring the TUF cache %s: it does not verify from the "
					"embedded TUF root: %s",
					path, why);
				note(info, msg);
			}
			cache = NULL;
		}
	}
	if (custom == NULL && !o->staging) {
		sg_diag_init(&inner, NULL);
		if (sg_cli_tuf_embedded(arena, &emb, &inner) != SG_OK)
			return wrap(d, &inner, "the embedded TUF state");
		if (cache != NULL && !sg_cli_tuf_newer_or_same(cache, emb)) {
			note(info, "the TUF cache is older than the material this picosign embeds; "
				   "using the embedded material");
			cache = NULL;
		}
	}
	if (cache != NULL || emb != NULL) {
		sg_cli_tuf_describe(cache != NULL ? cache : emb, info);
		info->mirror = mirror;
	} else {
		/* --staging without a cache: the embedded staging trusted root, no TUF. */
		if (sg_embedded_staging_root_len == 0)
			return sg_diag_failmsg(d, SG_ERR_NO_TRUST_ROOT,
				"no trusted root: pass --trusted-root or set SIGSTORE_ROOT_FILE "
				"(this build has no embedded staging root)");
		info->kind = SG_TRUST_EMBEDDED;
		info->trusted_root = sg_slice_make(sg_embedded_staging_root,
			sg_embedded_staging_root_len);
		(void)snprintf(info->source, sizeof info->source, "embedded staging trusted root");
	}
	sg_diag_init(&inner, NULL);
	if (sg_trustroot_parse(info->trusted_root.p, info->trusted_root.len, arena, out,
		    &inner) != SG_OK)
		return wrap(d, &inner, info->source);
	return SG_OK;
}

/* The age policy: warn past SG_CLI_TRUST_WARN_AGE, refuse past --max-trust-root-age. */
SG_MUST_USE static sg_err
age_policy(const sg_cli_trust_opts *o, const sg_cli_trust *info, sg_diag *d)
{
	int64_t max = -1;
	if (o->max_age != NULL &&
		sg_duration_parse((const uint8_t *)o->max_age, strlen(o->max_age), &max) != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--max-trust-root-age: \"%.64s\" is not a duration (Go syntax: 72h, 30m, "
			"1h30m)",
			o->max_age);
	if (!info->has_age) {
		if (max < 0)
			return SG_OK;
		return sg_diag_failmsg(d, SG_ERR_TRUST_AGE,
			"--max-trust-root-age %s: the age of %s is unknown (only TUF material has "
			"one): drop the flag or use the TUF cache (picosign initialize)",
			o->max_age, info->source);
	}
	char when[32], age[32];
	if (sg_time_format_rfc3339(info->fetched, when, sizeof when) != SG_OK ||
		sg_duration_format(info->age, age, sizeof age) != SG_OK)
		return sg_diag_fail(d, SG_ERR_INTERNAL, "trust age");
	if (max >= 0 && info->age > max)
		return sg_diag_failmsg(d, SG_ERR_TRUST_AGE,
			"trust material too old: %s was fetched %s, %s ago (%lld days), more than "
			"--max-trust-root-age %s: refresh it with `picosign initialize` (or "
			"--refresh-trust)",
			info->source, when, age, (long long)(info->age / 86400), o->max_age);
	if (info->age > SG_CLI_TRUST_WARN_AGE && !o->quiet)
		fprintf(stderr,
			"WARNING: the trust material in use (%s) was fetched %s, %lld days ago; "
			"refresh it with `picosign initialize` (docs/trustroot.md)\n",
			info->source, when, (long long)(info->age / 86400));
	return SG_OK;
}

SG_MUST_USE static sg_err
load(const sg_cli_trust_opts *opts, sg_arena *arena, sg_trustroot *out, sg_cli_trust *info,
	sg_diag *d)
{
	sg_cli_trust_opts o = *opts;
	int on;
	const char *v = env("PICOSIGN_REFRESH_TRUST");
	if (v != NULL && sg_cli_parse_bool(v, &on) && on)
		o.refresh = 1;
	if (o.refresh && sg_net_forbidden())
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--offline and a trust refresh (--refresh-trust, PICOSIGN_REFRESH_TRUST) "
			"exclude each other");
	/* 1. the flag */
	if (o.root_path != NULL) {
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		char prefix[4200];
		(void)snprintf(prefix, sizeof prefix, "--trusted-root %s", o.root_path);
		if (sg_os_read_file(o.root_path, SG_MAX_JSON, arena, &info->trusted_root,
			    &inner) != SG_OK ||
			sg_trustroot_parse(info->trusted_root.p, info->trusted_root.len, arena, out,
				&inner) != SG_OK)
			return wrap(d, &inner, prefix);
		info->kind = SG_TRUST_FLAG;
		(void)snprintf(info->source, sizeof info->source, "%s", o.root_path);
	} else {
		/* 2. the environment, else 3-4. TUF */
		int used;
		SG_TRY(from_env(arena, out, info, &used, d));
		if (!used)
			SG_TRY(from_tuf(&o, arena, out, info, d));
	}
	if (info->note[0] != '\0' && !o.quiet)
		fprintf(stderr, "WARNING: %s\n", info->note);
	return age_policy(&o, info, d);
}

/* see cli.h */
sg_err
sg_cli_trustroot_load(const sg_cli_trust_opts *o, sg_arena *arena, sg_trustroot *out,
	sg_cli_trust *info, sg_diag *d)
{
	if (info == NULL)
		SG_TRY(sg_arena_get(arena, sizeof *info, (void **)&info, d));
	memset(info, 0, sizeof *info);
	memset(out, 0, sizeof *out);
	sg_err e = load(o, arena, out, info, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}
