/* dsse: DSSE envelope parsing, PAE, in-toto statements. See dsse.h.
 *
 * Implementation notes.
 *   - Envelope: secure-systems-lab/dsse envelope.md; in a Sigstore bundle it is the protobuf
 *     io.intoto.Envelope in proto3 JSON (so base64 may be either alphabet, padded or not).
 *   - PAE: dsse protocol.md, "DSSEv1" + SP + LEN(type) + SP + type + SP + LEN(body) + SP + body,
 *     LEN as ASCII decimal without leading zeros.
 *   - in-toto Statement v1 (and v0.1, which has the same subject shape): subjects are matched
 *     by digest only; names are informational. Digest values are lowercase hex (the spec's
 *     DigestSet uses hex for the sha2 family). */
#include "sigstore/dsse.h"

#include <string.h>

#include "parse/codec.h"

SG_MUST_USE static sg_err
parse_env(const sg_json *j, size_t obj, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d)
{
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, "DSSE envelope", d));
	SG_TRY(sg_json_get_b64(j, obj, "payload", SG_JSON_REQUIRED, "DSSE envelope payload", arena,
		&out->payload, NULL, d));
	SG_TRY(sg_json_get_str(j, obj, "payloadType", SG_JSON_REQUIRED, "DSSE envelope payloadType",
		arena, &out->payload_type, NULL, d));
	size_t arr, n;
	SG_TRY(sg_json_get_arr(
		j, obj, "signatures", SG_JSON_REQUIRED, "DSSE envelope signatures", &arr, &n, d));
	if (n == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_DSSE, "DSSE envelope signatures", "none");
	if (n > SG_MAX_DSSE_SIGS)
		return sg_diag_failf(d, SG_ERR_LIMIT, "DSSE envelope signatures", "%zu, at most %u",
			n, SG_MAX_DSSE_SIGS);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_dsse_sig *s = &out->sigs[out->n_sigs++];
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "DSSE envelope signatures[]", d));
		SG_TRY(sg_json_get_b64(j, t, "sig", SG_JSON_REQUIRED,
			"DSSE envelope signatures[].sig", arena, &s->sig, NULL, d));
		if (s->sig.len == 0)
			return sg_diag_failf(d, SG_ERR_VERIFY_DSSE,
				"DSSE envelope signatures[].sig", "empty signature");
		SG_TRY(sg_json_get_str(j, t, "keyid", SG_JSON_OPTIONAL,
			"DSSE envelope signatures[].keyid", arena, &s->keyid, NULL, d));
	}
	return SG_OK;
}

sg_err
sg_dsse_parse_json(const sg_json *j, size_t obj, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_env(j, obj, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

sg_err
sg_dsse_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "DSSE envelope", &j, d));
	return sg_dsse_parse_json(&j, sg_json_root(&j), arena, out, d);
}

static size_t
dec_len(size_t v)
{
	size_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

size_t
sg_dsse_pae_len(size_t type_len, size_t payload_len)
{
	/* "DSSEv1" SP LEN SP type SP LEN SP body */
	size_t n = 6 + 4, r;
	if (!sg_add_ok(n, dec_len(type_len), &r) || !sg_add_ok(r, dec_len(payload_len), &r) ||
		!sg_add_ok(r, type_len, &r) || !sg_add_ok(r, payload_len, &r))
		return 0;
	return r;
}

sg_err
sg_dsse_pae(sg_slice type, sg_slice payload, sg_buf *out)
{
	sg_buf_puts(out, "DSSEv1 ");
	sg_buf_put_dec(out, type.len);
	sg_buf_putc(out, ' ');
	sg_buf_put(out, type.p, type.len);
	sg_buf_putc(out, ' ');
	sg_buf_put_dec(out, payload.len);
	sg_buf_putc(out, ' ');
	sg_buf_put(out, payload.p, payload.len);
	return sg_buf_status(out);
}

/* Hash the decimal text of v followed by a space. */
static void
hash_dec_sp(sg_hash_ctx *h, size_t v)
{
	uint8_t num[24];
	sg_buf b;
	sg_buf_init(&b, num, sizeof num);
	sg_buf_put_dec(&b, v);
	sg_buf_putc(&b, ' ');
	sg_hash_update(h, num, b.len);
}

void
sg_dsse_pae_hash(sg_hash_alg alg, sg_slice type, sg_slice payload, uint8_t *out)
{
	sg_hash_ctx h;
	sg_hash_init(&h, alg);
	sg_hash_update(&h, "DSSEv1 ", 7);
	hash_dec_sp(&h, type.len);
	sg_hash_update(&h, type.p, type.len);
	sg_hash_update(&h, " ", 1);
	hash_dec_sp(&h, payload.len);
	sg_hash_update(&h, payload.p, payload.len);
	sg_hash_final(&h, out);
}

/* ---- in-toto ---- */

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
