/* dsse: DSSE envelope parsing and PAE. See dsse.h.
 *
 * Implementation notes.
 *   - Envelope: secure-systems-lab/dsse envelope.md; in a Sigstore bundle it is the protobuf
 *     io.intoto.Envelope in proto3 JSON (so base64 may be either alphabet, padded or not).
 *   - PAE: dsse protocol.md, "DSSEv1" + SP + LEN(type) + SP + type + SP + LEN(body) + SP + body,
 *     LEN as ASCII decimal without leading zeros. */
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

/* see dsse.h */
sg_err
sg_dsse_parse_json(const sg_json *j, size_t obj, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_env(j, obj, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see dsse.h */
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

/* see dsse.h */
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

/* see dsse.h */
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

/* see dsse.h */
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

/* see dsse.h */
sg_err
sg_dsse_write(sg_slice type, sg_slice payload, sg_slice sig, sg_arena *arena, sg_buf *out,
	sg_diag *d)
{
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, "DSSE envelope");
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("payload"));
	SG_TRY(sg_json_w_b64(&w, payload.p, payload.len, arena, d));
	vfj_w_key(&w, VFJ_LIT("payloadType"));
	vfj_w_str(&w, type.p, type.len);
	vfj_w_key(&w, VFJ_LIT("signatures"));
	vfj_w_arr_begin(&w);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("sig"));
	SG_TRY(sg_json_w_b64(&w, sig.p, sig.len, arena, d));
	vfj_w_obj_end(&w);
	vfj_w_arr_end(&w);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "DSSE envelope", d);
}
