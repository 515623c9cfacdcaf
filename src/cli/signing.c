/* signing: which Sigstore services a sign command talks to (rank 9; see cli.h).
 *
 * cosign v3 signs through a signing config (cosign-v3.md §3): the TUF target
 * signing_config.v0.2.json by default, or --signing-config; it refuses service URL flags next
 * to one. picosign keeps the URL flags working (scripts and the test services use them) and
 * lets them replace single services of a given config; docs/decisions.md records the rules.
 * The selection itself is sigstore/signing_config.c's (sigstore-go's rules, pure). */
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "online/fulcio.h"
#include "online/rekor.h"
#include "sys/os.h"

/* see cli.h */
sg_err
sg_cli_signing_config_load(const char *path, sg_arena *arena, sg_signing_config *out,
	const char **source, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (path != NULL) {
		sg_slice in;
		d->source = path;
		SG_TRY(sg_os_read_file(path, SG_MAX_JSON, arena, &in, d));
		SG_TRY(sg_signing_config_parse(in.p, in.len, arena, out, d));
		d->source = NULL;
		*source = path;
		return SG_OK;
	}
	/* The TUF state a verify command would use (the cache of `picosign initialize` when it
	 * is at least as new as the embedded one) carries the signing config of the same
	 * repository; a trust source without one (a file, the environment) falls back to the
	 * embedded config. */
	sg_cli_trust *info;
	sg_trustroot *tr;
	SG_TRY(sg_arena_get(arena, sizeof *info, (void **)&info, d));
	SG_TRY(sg_arena_get(arena, sizeof *tr, (void **)&tr, d));
	sg_cli_trust_opts o;
	memset(&o, 0, sizeof o);
	o.quiet = 1;
	sg_diag td;
	sg_diag_init(&td, NULL);
	if (sg_cli_trustroot_load(&o, arena, tr, info, &td) == SG_OK &&
		info->kind == SG_TRUST_CACHE && info->signing_config.len != 0) {
		*source = "signing config of the TUF cache";
		return sg_signing_config_parse(info->signing_config.p, info->signing_config.len,
			arena, out, d);
	}
	if (sg_embedded_signing_config_len == 0)
		return sg_diag_failmsg(d, SG_ERR_NO_TRUST_ROOT,
			"no signing config: pass --signing-config or the service URLs (this build "
			"embeds no public-good signing config)");
	*source = "embedded public-good signing config";
	return sg_signing_config_parse(sg_embedded_signing_config, sg_embedded_signing_config_len,
		arena, out, d);
}

/* A NUL-terminated copy of `s` in the arena. */
SG_MUST_USE static sg_err
cstr(sg_slice s, sg_arena *arena, const char **out, sg_diag *d)
{
	char *p;
	SG_TRY(sg_arena_get(arena, s.len + 1, (void **)&p, d));
	memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	*out = p;
	return SG_OK;
}

/* The config's choice of one kind of service, as a C string; *v2 for Rekor v2. */
SG_MUST_USE static sg_err
pick(const sg_signing_config *sc, sg_sc_kind kind, int64_t now, const char *source,
	sg_arena *arena, const char **url, int *v2, sg_diag *d)
{
	static const uint32_t versions[] = {1, 2};
	static const char *const names[] = {"Fulcio", "OIDC", "Rekor", "timestamp authority"};
	const sg_sc_service *svc = NULL;
	int other = 0;
	size_t n = 0;
	/* sigstore-go's client versions: Fulcio [1], Rekor [1, 2], TSA [1] */
	sg_err e = kind == SG_SC_CA
		? sg_signing_config_select_one(sc, kind, now, versions, 1, &svc, &other, NULL)
		: sg_signing_config_select(sc, kind, now, versions, kind == SG_SC_TLOG ? 2 : 1,
			  &svc, 1, &n, &other, NULL);
	if (e == SG_ERR_NOT_FOUND && kind == SG_SC_TSA && !other) {
		*url = NULL; /* a config without a TSA: none */
		return SG_OK;
	}
	if (e != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_UNSUPPORTED, "%s: %s service: %s", source,
			names[kind], e == SG_ERR_NOT_FOUND
				? "none of a supported API version is valid now"
				: "the selector cannot be met");
	if (v2 != NULL)
		*v2 = svc->major == 2;
	return cstr(svc->url, arena, url, d);
}

/* see cli.h */
sg_err
sg_cli_services_select(const sg_cli_services_args *a, int64_t now, sg_arena *arena,
	sg_cli_services *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	int flags = a->fulcio_url != NULL || a->rekor_url != NULL || a->tsa_url != NULL;
	if (a->signing_config == NULL && (flags || a->no_tlog)) {
		/* URL flags alone: as before signing configs (no TSA unless one is given) */
		out->fulcio_url = a->fulcio_url != NULL ? a->fulcio_url : SG_FULCIO_DEFAULT_URL;
		out->rekor_url = a->rekor_url != NULL ? a->rekor_url : SG_REKOR_DEFAULT_URL;
		out->tsa_url = a->tsa_url;
	} else {
		sg_signing_config *sc;
		const char *source;
		SG_TRY(sg_arena_get(arena, sizeof *sc, (void **)&sc, d));
		SG_TRY(sg_cli_signing_config_load(a->signing_config, arena, sc, &source, d));
		if (a->fulcio_url != NULL)
			out->fulcio_url = a->fulcio_url;
		else
			SG_TRY(pick(sc, SG_SC_CA, now, source, arena, &out->fulcio_url, NULL, d));
		if (a->rekor_url != NULL)
			out->rekor_url = a->rekor_url;
		else if (!a->no_tlog)
			SG_TRY(pick(sc, SG_SC_TLOG, now, source, arena, &out->rekor_url,
				&out->rekor_v2, d));
		if (a->tsa_url != NULL)
			out->tsa_url = a->tsa_url;
		else
			SG_TRY(pick(sc, SG_SC_TSA, now, source, arena, &out->tsa_url, NULL, d));
	}
	if (a->no_tlog) {
		out->rekor_url = NULL;
		out->rekor_v2 = 0;
	}
	return SG_OK;
}
