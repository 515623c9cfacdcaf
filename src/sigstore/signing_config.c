/* signing_config: SigningConfig v0.2 parsing and service selection. See signing_config.h.
 *
 * Implementation notes.
 *   - Grammar: protobuf-specs sigstore_trustroot.proto in proto3 JSON: SigningConfig
 *     {mediaType, caUrls, oidcUrls, rekorTlogUrls, tsaUrls: [Service], rekorTlogConfig,
 *     tsaConfig: ServiceConfiguration}; Service {url, majorApiVersion, validFor: TimeRange,
 *     operator}; ServiceConfiguration {selector: "ALL" | "ANY" | "EXACT", count}. Unknown
 *     members are ignored, as proto3 JSON allows.
 *   - Selection follows sigstore-go v1.2.1 pkg/root/signing_config.go (cosign-v3.md §3.2).
 *     Candidates are ordered by validFor.start, newest first; ties keep document order. */
#include "sigstore/signing_config.h"

#include <string.h>

#include "parse/json.h"

static const char *const kind_keys[SG_SC_KINDS] = {"caUrls", "oidcUrls", "rekorTlogUrls",
	"tsaUrls"};
static const char *const kind_names[SG_SC_KINDS] = {"Fulcio", "OIDC", "transparency log",
	"timestamp authority"};

SG_MUST_USE static sg_err
parse_service(const sg_json *j, size_t t, sg_arena *arena, sg_sc_service *s, sg_diag *d)
{
	int has;
	int64_t major = 0;
	s->start = INT64_MIN;
	s->end = INT64_MAX;
	SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "signing config service", d));
	SG_TRY(sg_json_get_str(j, t, "url", SG_JSON_REQUIRED, "signing config url", arena, &s->url,
		NULL, d));
	if (s->url.len == 0)
		return sg_diag_fail(d, SG_ERR_JSON_TYPE, "signing config url");
	SG_TRY(sg_json_get_int64(j, t, "majorApiVersion", SG_JSON_OPTIONAL,
		"signing config majorApiVersion", &major, NULL, d));
	if (major < 0 || major > UINT32_MAX)
		return sg_diag_fail(d, SG_ERR_JSON_TYPE, "signing config majorApiVersion");
	s->major = (uint32_t)major;
	SG_TRY(sg_json_get_str(j, t, "operator", SG_JSON_OPTIONAL, "signing config operator",
		arena, &s->operator, NULL, d));
	size_t vf;
	SG_TRY(sg_json_get_obj(j, t, "validFor", SG_JSON_OPTIONAL, "signing config validFor", &vf,
		d));
	if (vf != SG_JSON_NONE) {
		SG_TRY(sg_json_get_time(j, vf, "start", SG_JSON_OPTIONAL,
			"signing config validFor.start", &s->start, &has, d));
		if (!has)
			s->start = INT64_MIN;
		SG_TRY(sg_json_get_time(j, vf, "end", SG_JSON_OPTIONAL,
			"signing config validFor.end", &s->end, &has, d));
		if (!has)
			s->end = INT64_MAX;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_selector(const sg_json *j, size_t root, const char *key, sg_arena *arena,
	sg_sc_selector *sel, uint32_t *count, sg_diag *d)
{
	size_t obj;
	sg_slice name = {NULL, 0};
	int64_t n = 0;
	*sel = SG_SC_SEL_UNDEFINED;
	*count = 0;
	SG_TRY(sg_json_get_obj(j, root, key, SG_JSON_OPTIONAL, key, &obj, d));
	if (obj == SG_JSON_NONE)
		return SG_OK;
	/* The arena: a selector spelt with escapes ("\u0041LL") is unescaped there. */
	SG_TRY(sg_json_get_str(j, obj, "selector", SG_JSON_OPTIONAL, "signing config selector",
		arena, &name, NULL, d));
	SG_TRY(sg_json_get_int64(j, obj, "count", SG_JSON_OPTIONAL, "signing config count", &n,
		NULL, d));
	if (n < 0 || n > (int64_t)SG_MAX_SC_SERVICES)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signing config count");
	*count = (uint32_t)n;
	if (sg_slice_eq_str(name, "ALL"))
		*sel = SG_SC_SEL_ALL;
	else if (sg_slice_eq_str(name, "ANY"))
		*sel = SG_SC_SEL_ANY;
	else if (sg_slice_eq_str(name, "EXACT"))
		*sel = SG_SC_SEL_EXACT;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_config(const uint8_t *json, size_t len, sg_arena *arena, sg_signing_config *out,
	sg_diag *d)
{
	sg_json j;
	sg_slice mt;
	SG_TRY(sg_json_parse(json, len, arena, "signing config", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "signing config", d));
	SG_TRY(sg_json_get_str(&j, root, "mediaType", SG_JSON_REQUIRED, "signing config mediaType",
		arena, &mt, NULL, d));
	if (!sg_slice_eq_str(mt, SG_SIGNING_CONFIG_MEDIA_TYPE))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "signing config mediaType", "%.*s",
			(int)(mt.len > 100 ? 100 : mt.len), (const char *)mt.p);
	for (int k = 0; k < SG_SC_KINDS; k++) {
		size_t arr, n;
		SG_TRY(sg_json_get_arr(&j, root, kind_keys[k], SG_JSON_OPTIONAL, kind_keys[k], &arr,
			&n, d));
		if (n > SG_MAX_SC_SERVICES)
			return sg_diag_failf(d, SG_ERR_LIMIT, kind_keys[k], "%zu services, limit %u",
				n, (unsigned)SG_MAX_SC_SERVICES);
		size_t i = 0;
		for (size_t t = n ? sg_json_first(&j, arr) : SG_JSON_NONE; t != SG_JSON_NONE;
			t = sg_json_next(&j, t))
			SG_TRY(parse_service(&j, t, arena, &out->services[k][i++], d));
		out->n[k] = i;
	}
	SG_TRY(parse_selector(&j, root, "rekorTlogConfig", arena, &out->selector[SG_SC_TLOG],
		&out->count[SG_SC_TLOG], d));
	SG_TRY(parse_selector(&j, root, "tsaConfig", arena, &out->selector[SG_SC_TSA],
		&out->count[SG_SC_TSA], d));
	return SG_OK;
}

/* see signing_config.h */
sg_err
sg_signing_config_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_signing_config *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (len > SG_MAX_JSON)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signing config");
	sg_err e = parse_config(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

static int
valid_at(const sg_sc_service *s, int64_t now)
{
	return s->start <= now && now <= s->end;
}

static int
supported_version(uint32_t major, const uint32_t *supported, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (supported[i] == major)
			return 1;
	return 0;
}

/* The highest supported version with a service valid at `now`; 0 when none. */
static uint32_t
best_version(const sg_signing_config *sc, sg_sc_kind kind, int64_t now,
	const uint32_t *supported, size_t n_supported, int *other_version)
{
	uint32_t best = 0;
	*other_version = 0;
	for (size_t i = 0; i < sc->n[kind]; i++) {
		const sg_sc_service *s = &sc->services[kind][i];
		if (!valid_at(s, now))
			continue;
		if (!supported_version(s->major, supported, n_supported))
			*other_version = 1;
		else if (s->major > best)
			best = s->major;
	}
	return best;
}

/* Candidates of version `major` valid at `now`, newest start first (a stable insertion sort:
 * ties keep document order), into idx[0..*n). */
static void
candidates(const sg_signing_config *sc, sg_sc_kind kind, int64_t now, uint32_t major,
	size_t idx[SG_MAX_SC_SERVICES], size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < sc->n[kind]; i++) {
		const sg_sc_service *s = &sc->services[kind][i];
		if (!valid_at(s, now) || s->major != major)
			continue;
		size_t k = (*n)++;
		while (k > 0 && sc->services[kind][idx[k - 1]].start < s->start) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
	}
}

/* see signing_config.h */
sg_err
sg_signing_config_select_one(const sg_signing_config *sc, sg_sc_kind kind, int64_t now,
	const uint32_t *supported, size_t n_supported, const sg_sc_service **out,
	int *other_version, sg_diag *d)
{
	*out = NULL;
	uint32_t v = best_version(sc, kind, now, supported, n_supported, other_version);
	if (v == 0)
		return sg_diag_failf(d, SG_ERR_NOT_FOUND, "signing config",
			"no %s service of a supported API version is valid now", kind_names[kind]);
	size_t idx[SG_MAX_SC_SERVICES], n;
	candidates(sc, kind, now, v, idx, &n);
	*out = &sc->services[kind][idx[0]];
	return SG_OK;
}

/* see signing_config.h */
sg_err
sg_signing_config_select(const sg_signing_config *sc, sg_sc_kind kind, int64_t now,
	const uint32_t *supported, size_t n_supported, const sg_sc_service **out, size_t cap,
	size_t *n_out, int *other_version, sg_diag *d)
{
	*n_out = 0;
	uint32_t v = best_version(sc, kind, now, supported, n_supported, other_version);
	if (v == 0)
		return sg_diag_failf(d, SG_ERR_NOT_FOUND, "signing config",
			"no %s service of a supported API version is valid now", kind_names[kind]);
	size_t idx[SG_MAX_SC_SERVICES], n, kept = 0;
	candidates(sc, kind, now, v, idx, &n);
	/* At most one service per operator: the newest, which comes first. An empty operator
	 * counts as its own. */
	for (size_t i = 0; i < n; i++) {
		const sg_sc_service *s = &sc->services[kind][idx[i]];
		int dup = 0;
		for (size_t k = 0; k < kept && s->operator.len > 0; k++)
			dup |= sg_slice_eq(sc->services[kind][idx[k]].operator, s->operator);
		if (!dup)
			idx[kept++] = idx[i];
	}
	size_t want;
	switch (sc->selector[kind]) {
	case SG_SC_SEL_ALL:
		want = kept;
		break;
	case SG_SC_SEL_ANY:
		want = 1;
		break;
	case SG_SC_SEL_EXACT:
		want = sc->count[kind];
		if (want == 0 || want > kept)
			return sg_diag_failf(d, SG_ERR_LIMIT, "signing config",
				"EXACT selects %u %s services but %zu are valid", sc->count[kind],
				kind_names[kind], kept);
		break;
	default:
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "signing config",
			"the %s selector is undefined", kind_names[kind]);
	}
	if (want > cap)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signing config services");
	for (size_t i = 0; i < want; i++)
		out[i] = &sc->services[kind][idx[i]];
	*n_out = want;
	return SG_OK;
}
