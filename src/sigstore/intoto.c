/* intoto: in-toto statements. See intoto.h.
 *
 * Implementation notes.
 *   - in-toto Statement v1 (and v0.1, which has the same subject shape): subjects are matched
 *     by digest only; names are informational. Digest values are lowercase hex (the spec's
 *     DigestSet uses hex for the sha2 family). */
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
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "in-toto statement", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "in-toto statement", d));
	SG_TRY(sg_json_get_str(&j, root, "_type", SG_JSON_REQUIRED, "in-toto statement _type",
		arena, &out->type, NULL, d));
	if (!sg_slice_eq_str(out->type, "https://in-toto.io/Statement/v1") &&
		!sg_slice_eq_str(out->type, "https://in-toto.io/Statement/v0.1"))
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
int
sg_intoto_has_digest(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len)
{
	if (len != sg_hash_len(alg) || len == 0)
		return 0;
	for (size_t i = 0; i < st->n_subjects; i++) {
		sg_intoto_subject *s = &st->subjects[i];
		if ((s->has & (1u << alg)) == 0)
			continue;
		if (sg_ct_equal(subject_slot(s, alg), digest, len))
			return 1;
	}
	return 0;
}
