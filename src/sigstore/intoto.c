/* intoto: in-toto statements. See intoto.h.
 *
 * Implementation notes.
 *   - in-toto Statement v1 (and v0.1, which has the same subject shape): subjects are matched
 *     by digest only; names are informational. Digest values are lowercase hex (the spec's
 *     DigestSet uses hex for the sha2 family).
 *   - Bounds are sigstore-go's (pkg/verify/signature.go limitSubjects: 1024 subjects, 32
 *     digests each), so a statement sigstore-go refuses is refused here too.
 *   - Annotations are protobuf Struct values (ResourceDescriptor.annotations); cosign's claim
 *     check (pkg/cosign/verifiers.go IntotoSubjectClaimVerifier, correctAnnotations) compares
 *     `have[k] != v` with v a string, so only a string value can match. */
#include "sigstore/intoto.h"

#include <string.h>

#include "parse/codec.h"

static const struct {
	const char *name;
	sg_hash_alg alg;
} digest_names[] = {
	{"sha256", SG_HASH_SHA256},
	{"sha384", SG_HASH_SHA384},
	{"sha512", SG_HASH_SHA512},
};

static uint8_t *
subject_slot(sg_intoto_subject *s, sg_hash_alg alg)
{
	switch (alg) {
	case SG_HASH_SHA256:
		return s->sha256;
	case SG_HASH_SHA384:
		return s->sha384;
	case SG_HASH_SHA512:
		return s->sha512;
	default:
		return NULL;
	}
}

SG_MUST_USE static sg_err
parse_subject(const sg_json *j, size_t t, sg_arena *arena, sg_intoto_subject *s, sg_diag *d)
{
	SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "in-toto subject", d));
	SG_TRY(sg_json_get_str(
		j, t, "name", SG_JSON_OPTIONAL, "in-toto subject name", arena, &s->name, NULL, d));
	size_t dg;
	SG_TRY(sg_json_get_obj(j, t, "digest", SG_JSON_REQUIRED, "in-toto subject digest", &dg, d));
	size_t nd = sg_json_count(j, dg);
	if (nd > SG_MAX_INTOTO_DIGESTS)
		return sg_diag_failf(d, SG_ERR_LIMIT, "in-toto subject digest", "%zu digests", nd);
	for (size_t k = sg_json_first(j, dg); k != SG_JSON_NONE; k = sg_json_next(j, k))
		SG_TRY(sg_json_expect(
			j, sg_json_first(j, k), VFJ_STRING, "in-toto subject digest value", d));
	SG_TRY(sg_json_get_obj(j, t, "annotations", SG_JSON_OPTIONAL,
		"in-toto subject annotations", &s->annotations, d));
	if (s->annotations != SG_JSON_NONE &&
		sg_json_count(j, s->annotations) > SG_MAX_INTOTO_ANNOTATIONS)
		return sg_diag_failf(d, SG_ERR_LIMIT, "in-toto subject annotations",
			"%zu annotations", sg_json_count(j, s->annotations));
	for (size_t i = 0; i < sizeof digest_names / sizeof digest_names[0]; i++) {
		sg_slice hex;
		int present = 0;
		SG_TRY(sg_json_get_str(j, dg, digest_names[i].name, SG_JSON_OPTIONAL,
			"in-toto subject digest value", arena, &hex, &present, d));
		if (!present)
			continue;
		sg_hash_alg alg = digest_names[i].alg;
		size_t n = 0;
		uint8_t tmp[SG_HASH_MAX_LEN];
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_err e = sg_hex_decode(hex.p, hex.len, tmp, sizeof tmp, &n, &inner);
		if (e == SG_ERR_LIMIT)
			n = 0;
		else if (e != SG_OK)
			return sg_diag_fail(d, e, "in-toto subject digest value");
		memcpy(subject_slot(s, alg), tmp, sg_hash_len(alg));
		if (n != sg_hash_len(alg))
			return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD,
				"in-toto subject digest value", "%s digest of %zu bytes",
				digest_names[i].name, n);
		s->has |= 1u << alg;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_statement(
	const uint8_t *json, size_t len, sg_arena *arena, sg_intoto_statement *out, sg_diag *d)
{
	sg_json *jp = &out->json;
	SG_TRY(sg_json_parse(json, len, arena, "in-toto statement", jp, d));
	const sg_json j = *jp;
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "in-toto statement", d));
	SG_TRY(sg_json_get_str(&j, root, "_type", SG_JSON_REQUIRED, "in-toto statement _type",
		arena, &out->type, NULL, d));
	if (!sg_slice_eq_str(out->type, SG_INTOTO_STATEMENT_V1) &&
		!sg_slice_eq_str(out->type, SG_INTOTO_STATEMENT_V01))
		return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD, "in-toto statement _type",
			"not an in-toto Statement");
	SG_TRY(sg_json_get_str(&j, root, "predicateType", SG_JSON_REQUIRED,
		"in-toto statement predicateType", arena, &out->predicate_type, NULL, d));
	size_t arr, n;
	SG_TRY(sg_json_get_arr(
		&j, root, "subject", SG_JSON_REQUIRED, "in-toto statement subject", &arr, &n, d));
	if (n == 0)
		return sg_diag_failf(
			d, SG_ERR_VERIFY_PAYLOAD, "in-toto statement subject", "empty");
	if (n > SG_MAX_INTOTO_SUBJECTS)
		return sg_diag_failf(
			d, SG_ERR_LIMIT, "in-toto statement subject", "%zu subjects", n);
	void *mem;
	SG_TRY(sg_arena_get(arena, n * sizeof(sg_intoto_subject), &mem, d));
	out->subjects = mem;
	for (size_t t = sg_json_first(&j, arr); t != SG_JSON_NONE; t = sg_json_next(&j, t))
		SG_TRY(parse_subject(&j, t, arena, &out->subjects[out->n_subjects++], d));
	return SG_OK;
}

/* see intoto.h */
sg_err
sg_intoto_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_intoto_statement *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_statement(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see intoto.h */
long
sg_intoto_find_subject(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len)
{
	if (len != sg_hash_len(alg) || len == 0)
		return -1;
	for (size_t i = 0; i < st->n_subjects; i++) {
		sg_intoto_subject *s = &st->subjects[i];
		if ((s->has & (1u << alg)) == 0)
			continue;
		if (sg_ct_equal(subject_slot(s, alg), digest, len))
			return (long)i;
	}
	return -1;
}

/* see intoto.h */
int
sg_intoto_has_digest(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len)
{
	return sg_intoto_find_subject(st, alg, digest, len) >= 0;
}

/* see intoto.h */
sg_err
sg_intoto_check_annotations(const sg_intoto_statement *st, size_t subject, const sg_kv *want,
	size_t n, sg_arena *arena, sg_diag *d)
{
	const sg_json *j = &st->json;
	size_t obj = subject < st->n_subjects ? st->subjects[subject].annotations : SG_JSON_NONE;
	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		for (size_t k = obj == SG_JSON_NONE ? SG_JSON_NONE : sg_json_first(j, obj);
			k != SG_JSON_NONE && !ok; k = sg_json_next(j, k)) {
			sg_slice key, val;
			size_t v = sg_json_first(j, k);
			if (sg_json_str(j, k, "in-toto annotation", arena, &key, NULL) != SG_OK ||
				!sg_slice_eq(key, want[i].key))
				continue;
			if (sg_json_type(j, v) == VFJ_STRING &&
				sg_json_str(j, v, "in-toto annotation", arena, &val, NULL) == SG_OK)
				ok = sg_slice_eq(val, want[i].value);
			break;
		}
		if (!ok)
			return sg_diag_failmsg(d, SG_ERR_POLICY_ANNOTATION,
				"missing or incorrect annotation");
	}
	return SG_OK;
}

/* see intoto.h */
sg_err
sg_intoto_write(const sg_intoto_spec *s, sg_buf *out, sg_diag *d)
{
	static const char what[] = "in-toto statement";
	size_t idx[SG_MAX_INTOTO_ANNOTATIONS];
	if (s->n_annots > SG_MAX_INTOTO_ANNOTATIONS || !sg_kv_order(s->annots, s->n_annots, idx))
		return sg_diag_failf(d, SG_ERR_ARG, what, "too many or duplicate annotations");
	char hex[2 * SG_SHA256_LEN + 1];
	sg_buf hb;
	sg_buf_init(&hb, hex, sizeof hex);
	if (sg_hex_encode(s->sha256, SG_SHA256_LEN, &hb) != SG_OK || out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	vfj_writer w;
	sg_json_w_start(&w, out, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("_type"));
	vfj_w_str(&w, s->type, strlen(s->type));
	vfj_w_key(&w, VFJ_LIT("subject"));
	vfj_w_arr_begin(&w);
	vfj_w_obj_begin(&w);
	if (s->name.len > 0) {
		vfj_w_key(&w, VFJ_LIT("name"));
		vfj_w_str(&w, s->name.p, s->name.len);
	}
	vfj_w_key(&w, VFJ_LIT("digest"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("sha256"));
	vfj_w_str(&w, hb.p, hb.len);
	vfj_w_obj_end(&w);
	if (s->with_annotations) {
		vfj_w_key(&w, VFJ_LIT("annotations"));
		vfj_w_obj_begin(&w);
		for (size_t i = 0; i < s->n_annots; i++) {
			const sg_kv *a = &s->annots[idx[i]];
			vfj_w_key(&w, (const char *)a->key.p, a->key.len);
			vfj_w_str(&w, a->value.p, a->value.len);
		}
		vfj_w_obj_end(&w);
	}
	vfj_w_obj_end(&w);
	vfj_w_arr_end(&w);
	vfj_w_key(&w, VFJ_LIT("predicateType"));
	vfj_w_str(&w, s->predicate_type.p, s->predicate_type.len);
	vfj_w_key(&w, VFJ_LIT("predicate"));
	vfj_w_raw(&w, s->predicate.p, s->predicate.len);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, what, d);
}

/* see intoto.h */
sg_err
sg_intoto_make(const sg_intoto_spec *s, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	/* \u00XX is the longest escape: 6 bytes for one; the rest is the fixed frame */
	size_t cap = 512 + s->predicate.len + 6 * (s->name.len + s->predicate_type.len);
	for (size_t i = 0; i < s->n_annots; i++)
		cap += 6 * (s->annots[i].key.len + s->annots[i].value.len) + 8;
	uint8_t *mem;
	*out = sg_slice_make(NULL, 0);
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	SG_TRY(sg_intoto_write(s, &b, d));
	*out = sg_buf_slice(&b);
	return SG_OK;
}

/* ---- cosign attest's predicates ---- */

static const struct {
	const char *name, *uri;
} predicate_types[] = {
	{"custom", "https://cosign.sigstore.dev/attestation/v1"},
	{"slsaprovenance", "https://slsa.dev/provenance/v0.2"},
	{"slsaprovenance02", "https://slsa.dev/provenance/v0.2"},
	{"slsaprovenance1", "https://slsa.dev/provenance/v1"},
	{"spdx", "https://spdx.dev/Document"},
	{"spdxjson", "https://spdx.dev/Document"},
	{"cyclonedx", "https://cyclonedx.org/bom"},
	{"link", "https://in-toto.io/Link/v1"},
	{"vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"},
	{"openvex", "https://openvex.dev/ns"},
};

/* url.ParseRequestURI's acceptance, near enough: printable, and "/path" or "scheme:rest" with
 * a scheme of a letter and then letters, digits, '+', '-' or '.'. */
static int
is_request_uri(const char *t)
{
	size_t i = 0, scheme = 0;
	for (; t[i] != '\0'; i++) {
		uint8_t c = (uint8_t)t[i];
		if (c <= 0x20 || c >= 0x7f)
			return 0;
		if (c == ':' && scheme == 0)
			scheme = i;
		if (scheme == 0 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
			(i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))
			scheme = SIZE_MAX; /* not a scheme: only a path is left */
	}
	return t[0] == '/' || (scheme > 0 && scheme != SIZE_MAX && scheme + 1 < i);
}

/* see intoto.h */
sg_err
sg_intoto_predicate_type(const char *type, const char **uri, sg_diag *d)
{
	*uri = NULL;
	for (size_t i = 0; i < sizeof predicate_types / sizeof predicate_types[0]; i++)
		if (strcmp(type, predicate_types[i].name) == 0) {
			*uri = predicate_types[i].uri;
			return SG_OK;
		}
	if (!is_request_uri(type))
		return sg_diag_failmsg(d, SG_ERR_USAGE, "invalid predicate type: %.200s", type);
	*uri = type;
	return SG_OK;
}

/* see intoto.h */
sg_err
sg_intoto_cosign_predicate(const char *type, sg_slice file, sg_slice timestamp, sg_arena *arena,
	sg_slice *out, sg_diag *d)
{
	static const char what[] = "predicate";
	*out = sg_slice_make(NULL, 0);
	/* customType(): the name, or its URI given as the type, wraps the file */
	int custom = strcmp(type, "custom") == 0 || strcmp(type, predicate_types[0].uri) == 0;
	int spdx = strcmp(type, "spdx") == 0;
	if (custom || spdx) {
		/* a string escapes to at most 6 bytes per byte */
		size_t cap;
		if (!sg_mul_ok(file.len, 6, &cap) || !sg_add_ok(cap, timestamp.len + 64, &cap))
			return sg_diag_fail(d, SG_ERR_LIMIT, what);
		uint8_t *mem;
		SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
		sg_buf b;
		sg_buf_init(&b, mem, cap);
		vfj_writer w;
		sg_json_w_start(&w, &b, 0);
		if (custom) {
			vfj_w_obj_begin(&w);
			vfj_w_key(&w, VFJ_LIT("Data"));
			vfj_w_str(&w, file.p, file.len);
			vfj_w_key(&w, VFJ_LIT("Timestamp"));
			vfj_w_str(&w, timestamp.p, timestamp.len);
			vfj_w_obj_end(&w);
		} else {
			vfj_w_str(&w, file.p, file.len);
		}
		SG_TRY(sg_json_w_finish(&w, &b, "predicate (the file must be UTF-8 text)", d));
		*out = sg_buf_slice(&b);
		return SG_OK;
	}
	sg_json j;
	SG_TRY(sg_json_parse(file.p, file.len, arena, what, &j, d));
	if (sg_json_type(&j, sg_json_root(&j)) != VFJ_OBJECT)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_PAYLOAD,
			"invalid JSON payload for predicate type %.200s: not a JSON object", type);
	return sg_json_canonicalize(file.p, file.len, arena, out, d);
}
