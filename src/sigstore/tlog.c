/* tlog: Rekor evidence checks and entry-body parsing. See tlog.h. The Merkle proof is
 * merkle.c, the signed checkpoint checkpoint.c.
 *
 * Implementation notes.
 *   - SET (protocol.md §6.2; rekor pkg/api/entries.go signEntry, sigstore-go VerifySET): the
 *     signed bytes are the RFC 8785 form of a four-member object. All values are ASCII
 *     base64/hex strings or integers, so canonical output is printed directly: members in the
 *     order body, integratedTime, logID, logIndex, integers in plain decimal. The body string
 *     is the standard padded base64 of the body bytes (what Rekor returned; bundles may carry
 *     other base64 forms of the same bytes, so it is re-encoded, as sigstore-go does).
 *   - Bodies (rekor pkg/types/{hashedrekord,dsse,intoto}, rekor-tiles hashedrekord 0.0.2): only
 *     the members the verify flow compares are read; unknown members are ignored. */
#include "sigstore/tlog.h"

#include <string.h>

#include "base/text.h"
#include "parse/codec.h"
#include "parse/json.h"

/* ---- log selection and the SET ---- */

/* see tlog.h */
const sg_trust_log *
sg_tlog_find_log(const sg_trustroot *tr, const sg_tlog_entry *e)
{
	return sg_trustroot_find_log(tr->tlogs, tr->n_tlogs, e->log_id, e->log_id_len,
		e->has_integrated_time ? e->integrated_time : INT64_MIN);
}

static void
put_i64(sg_buf *b, int64_t v)
{
	if (v < 0) {
		sg_buf_putc(b, '-');
		sg_buf_put_dec(b, (uint64_t)(-(v + 1)) + 1u);
	} else {
		sg_buf_put_dec(b, (uint64_t)v);
	}
}

/* see tlog.h */
sg_err
sg_tlog_set_message(const sg_tlog_entry *e, sg_buf *out)
{
	sg_buf_puts(out, "{\"body\":\"");
	if (sg_b64_encode(e->body.p, e->body.len, SG_B64_STD | SG_B64_PAD, out) != SG_OK)
		return SG_ERR_LIMIT;
	sg_buf_puts(out, "\",\"integratedTime\":");
	put_i64(out, e->integrated_time);
	sg_buf_puts(out, ",\"logID\":\"");
	if (sg_hex_encode(e->log_id, e->log_id_len, out) != SG_OK)
		return SG_ERR_LIMIT;
	sg_buf_puts(out, "\",\"logIndex\":");
	put_i64(out, e->log_index);
	sg_buf_putc(out, '}');
	return sg_buf_status(out);
}

/* see tlog.h */
sg_err
sg_tlog_verify_set(const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d)
{
	if (e->set.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "signed entry timestamp",
			"the entry has no inclusion promise");
	if (!e->has_integrated_time)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "signed entry timestamp",
			"the entry has no integrated time");
	if (log == NULL)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_KEY, "signed entry timestamp");
	size_t cap = sg_b64_encoded_len(e->body.len, SG_B64_STD | SG_B64_PAD);
	if (!sg_add_ok(cap, 2 * SG_MAX_KEY_ID + 128, &cap))
		return sg_diag_fail(d, SG_ERR_LIMIT, "signed entry timestamp");
	void *mem;
	SG_TRY(sg_arena_get(arena, cap, &mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	if (sg_tlog_set_message(e, &b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signed entry timestamp");
	return sg_trustroot_log_verify(log, b.p, b.len, e->set.p, e->set.len, SG_ERR_VERIFY_SET,
		"signed entry timestamp", d);
}

/* ---- the proof of an entry ---- */

/* see tlog.h */
sg_err
sg_tlog_verify_proof(const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d)
{
	const sg_tlog_proof *pr = &e->proof;
	if (!pr->present)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "inclusion proof",
			"the entry has no inclusion proof");
	if (pr->log_index < 0 || pr->tree_size <= 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, "inclusion proof",
			"negative index or empty tree");
	/* Rekor v2 has one tree per log, and sigstore-go proves the entry's own logIndex; the
	 * proof's copy must be the same number. */
	if (e->rekor_v2 && pr->log_index != e->log_index)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, "inclusion proof",
			"inclusionProof.logIndex %lld differs from the entry's logIndex %lld",
			(long long)pr->log_index, (long long)e->log_index);
	uint8_t leaf[SG_TLOG_HASH_LEN];
	sg_merkle_leaf_hash(e->body.p, e->body.len, leaf);
	SG_TRY(sg_merkle_verify_inclusion((uint64_t)pr->log_index, (uint64_t)pr->tree_size, leaf,
		pr->hashes, pr->n_hashes, pr->root_hash, d));
	/* Without a signed checkpoint the root hash is only the bundle's word. */
	if (pr->checkpoint.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "inclusion proof",
			"the inclusion proof has no checkpoint");
	sg_checkpoint cp;
	SG_TRY(sg_checkpoint_parse(pr->checkpoint.p, pr->checkpoint.len, arena, &cp, d));
	if (cp.size != (uint64_t)pr->tree_size)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint",
			"tree size %llu differs from the inclusion proof's %lld",
			(unsigned long long)cp.size, (long long)pr->tree_size);
	if (!sg_ct_equal(cp.root, pr->root_hash, SG_TLOG_HASH_LEN))
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint",
			"root hash does not match the inclusion proof");
	return sg_checkpoint_verify(&cp, log, d);
}

/* ---- entry bodies ---- */

SG_MUST_USE static sg_err
hash_alg_lower(sg_slice s, sg_hash_alg *alg)
{
	if (sg_slice_eq_str(s, "sha256"))
		*alg = SG_HASH_SHA256;
	else if (sg_slice_eq_str(s, "sha384"))
		*alg = SG_HASH_SHA384;
	else if (sg_slice_eq_str(s, "sha512"))
		*alg = SG_HASH_SHA512;
	else
		return SG_ERR_VERIFY_TLOG_BODY;
	return SG_OK;
}

/* {"algorithm":"sha256","value":"<hex>"} */
SG_MUST_USE static sg_err
get_hex_hash(const sg_json *j, size_t obj, const char *key, const char *what, sg_arena *arena,
	sg_tlog_hash *out, sg_diag *d)
{
	size_t h;
	SG_TRY(sg_json_get_obj(j, obj, key, SG_JSON_REQUIRED, what, &h, d));
	sg_slice alg, val;
	SG_TRY(sg_json_get_str(j, h, "algorithm", SG_JSON_REQUIRED, what, arena, &alg, NULL, d));
	SG_TRY(sg_json_get_str(j, h, "value", SG_JSON_REQUIRED, what, arena, &val, NULL, d));
	if (hash_alg_lower(alg, &out->alg) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, what, "unknown hash algorithm");
	SG_TRY(sg_hex_decode(val.p, val.len, out->value, sizeof out->value, &out->len, d));
	if (out->len != sg_hash_len(out->alg))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, what,
			"hash value has %zu bytes, not %zu", out->len, sg_hash_len(out->alg));
	return SG_OK;
}

/* Decode a base64 string member, then once more when the result is itself standard base64:
 * Rekor's intoto 0.0.2 stores the envelope's base64 payload and signatures base64-encoded
 * again (strfmt.Base64 of the base64 text), but hand-made entries carry single encodings. */
SG_MUST_USE static sg_err
get_b64_twice(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	sg_arena *arena, sg_slice *out, int *present, sg_diag *d)
{
	sg_slice once;
	SG_TRY(sg_json_get_b64(j, obj, key, required, what, arena, &once, present, d));
	*out = once;
	if (once.p == NULL || once.len == 0)
		return SG_OK;
	size_t cap = sg_b64_decoded_max(once.len);
	void *mem;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &mem, d));
	size_t n = 0;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_b64_decode(once.p, once.len, SG_B64_STD | SG_B64_PAD, mem, cap, &n, &inner) == SG_OK)
		*out = sg_slice_make(mem, n);
	return SG_OK;
}

SG_MUST_USE static sg_err
body_hashedrekord_v1(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	size_t sig, pk, data;
	SG_TRY(sg_json_get_obj(
		j, spec, "signature", SG_JSON_REQUIRED, "hashedrekord spec.signature", &sig, d));
	SG_TRY(sg_json_get_b64(j, sig, "content", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.content", arena, &out->sigs[0].sig, NULL, d));
	SG_TRY(sg_json_get_obj(j, sig, "publicKey", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.publicKey", &pk, d));
	SG_TRY(sg_json_get_b64(j, pk, "content", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.publicKey.content", arena, &out->sigs[0].verifier,
		NULL, d));
	out->sigs[0].form = SG_TLOG_VERIFIER_PEM;
	out->n_sigs = 1;
	SG_TRY(sg_json_get_obj(
		j, spec, "data", SG_JSON_REQUIRED, "hashedrekord spec.data", &data, d));
	return get_hex_hash(
		j, data, "hash", "hashedrekord spec.data.hash", arena, &out->data_hash, d);
}

SG_MUST_USE static sg_err
body_hashedrekord_v2(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	static const char w[] = "hashedrekord spec.hashedRekordV002";
	size_t h, data, sig, ver, x;
	SG_TRY(sg_json_get_obj(j, spec, "hashedRekordV002", SG_JSON_REQUIRED, w, &h, d));
	SG_TRY(sg_json_get_obj(j, h, "data", SG_JSON_REQUIRED, "hashedRekordV002.data", &data, d));
	sg_slice alg, dig;
	SG_TRY(sg_json_get_str(j, data, "algorithm", SG_JSON_REQUIRED,
		"hashedRekordV002.data.algorithm", arena, &alg, NULL, d));
	if (sg_slice_eq_str(alg, "SHA2_256"))
		out->data_hash.alg = SG_HASH_SHA256;
	else if (sg_slice_eq_str(alg, "SHA2_384"))
		out->data_hash.alg = SG_HASH_SHA384;
	else if (sg_slice_eq_str(alg, "SHA2_512"))
		out->data_hash.alg = SG_HASH_SHA512;
	else
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "hashedRekordV002.data.algorithm",
			"unknown hash algorithm");
	SG_TRY(sg_json_get_b64(j, data, "digest", SG_JSON_REQUIRED, "hashedRekordV002.data.digest",
		arena, &dig, NULL, d));
	if (dig.len != sg_hash_len(out->data_hash.alg))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "hashedRekordV002.data.digest",
			"digest has %zu bytes", dig.len);
	memcpy(out->data_hash.value, dig.p, dig.len);
	out->data_hash.len = dig.len;
	SG_TRY(sg_json_get_obj(
		j, h, "signature", SG_JSON_REQUIRED, "hashedRekordV002.signature", &sig, d));
	SG_TRY(sg_json_get_b64(j, sig, "content", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.content", arena, &out->sigs[0].sig, NULL, d));
	SG_TRY(sg_json_get_obj(j, sig, "verifier", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.verifier", &ver, d));
	SG_TRY(sg_json_get_str(j, ver, "keyDetails", SG_JSON_OPTIONAL,
		"hashedRekordV002.signature.verifier.keyDetails", arena, &out->key_details, NULL,
		d));
	SG_TRY(sg_json_get_obj(j, ver, "x509Certificate", SG_JSON_OPTIONAL,
		"hashedRekordV002.signature.verifier.x509Certificate", &x, d));
	if (x != SG_JSON_NONE) {
		out->sigs[0].form = SG_TLOG_VERIFIER_DER_CERT;
	} else {
		SG_TRY(sg_json_get_obj(j, ver, "publicKey", SG_JSON_REQUIRED,
			"hashedRekordV002.signature.verifier.publicKey", &x, d));
		out->sigs[0].form = SG_TLOG_VERIFIER_DER_SPKI;
	}
	SG_TRY(sg_json_get_b64(j, x, "rawBytes", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.verifier rawBytes", arena, &out->sigs[0].verifier, NULL,
		d));
	out->n_sigs = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
body_dsse(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	SG_TRY(get_hex_hash(
		j, spec, "envelopeHash", "dsse spec.envelopeHash", arena, &out->envelope_hash, d));
	SG_TRY(get_hex_hash(
		j, spec, "payloadHash", "dsse spec.payloadHash", arena, &out->payload_hash, d));
	size_t arr, n;
	SG_TRY(sg_json_get_arr(
		j, spec, "signatures", SG_JSON_REQUIRED, "dsse spec.signatures", &arr, &n, d));
	if (n == 0 || n > SG_MAX_DSSE_SIGS)
		return sg_diag_failf(
			d, SG_ERR_VERIFY_TLOG_BODY, "dsse spec.signatures", "%zu signatures", n);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_tlog_sig *s = &out->sigs[out->n_sigs++];
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "dsse spec.signatures[]", d));
		SG_TRY(sg_json_get_b64(j, t, "signature", SG_JSON_REQUIRED,
			"dsse spec.signatures[].signature", arena, &s->sig, NULL, d));
		SG_TRY(sg_json_get_b64(j, t, "verifier", SG_JSON_REQUIRED,
			"dsse spec.signatures[].verifier", arena, &s->verifier, NULL, d));
		s->form = SG_TLOG_VERIFIER_PEM;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
body_intoto(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	size_t content, env, arr, n;
	SG_TRY(sg_json_get_obj(
		j, spec, "content", SG_JSON_REQUIRED, "intoto spec.content", &content, d));
	SG_TRY(get_hex_hash(
		j, content, "hash", "intoto spec.content.hash", arena, &out->envelope_hash, d));
	SG_TRY(get_hex_hash(j, content, "payloadHash", "intoto spec.content.payloadHash", arena,
		&out->payload_hash, d));
	SG_TRY(sg_json_get_obj(
		j, content, "envelope", SG_JSON_REQUIRED, "intoto spec.content.envelope", &env, d));
	SG_TRY(sg_json_get_str(j, env, "payloadType", SG_JSON_OPTIONAL,
		"intoto envelope.payloadType", arena, &out->payload_type, NULL, d));
	SG_TRY(get_b64_twice(j, env, "payload", SG_JSON_OPTIONAL, "intoto envelope.payload", arena,
		&out->payload, &out->has_payload, d));
	SG_TRY(sg_json_get_arr(
		j, env, "signatures", SG_JSON_REQUIRED, "intoto envelope.signatures", &arr, &n, d));
	if (n == 0 || n > SG_MAX_DSSE_SIGS)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "intoto envelope.signatures",
			"%zu signatures", n);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_tlog_sig *s = &out->sigs[out->n_sigs++];
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "intoto envelope.signatures[]", d));
		SG_TRY(get_b64_twice(j, t, "sig", SG_JSON_REQUIRED,
			"intoto envelope.signatures[].sig", arena, &s->sig, NULL, d));
		SG_TRY(sg_json_get_b64(j, t, "publicKey", SG_JSON_REQUIRED,
			"intoto envelope.signatures[].publicKey", arena, &s->verifier, NULL, d));
		s->form = SG_TLOG_VERIFIER_PEM;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_body(const uint8_t *body, size_t len, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	sg_json j;
	SG_TRY(sg_json_parse(body, len, arena, "tlog entry body", &j, d));
	size_t root = sg_json_root(&j), spec;
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "tlog entry body", d));
	SG_TRY(sg_json_get_str(&j, root, "kind", SG_JSON_REQUIRED, "tlog entry body kind", arena,
		&out->kind_str, NULL, d));
	SG_TRY(sg_json_get_str(&j, root, "apiVersion", SG_JSON_REQUIRED,
		"tlog entry body apiVersion", arena, &out->api_version, NULL, d));
	SG_TRY(sg_json_get_obj(
		&j, root, "spec", SG_JSON_REQUIRED, "tlog entry body spec", &spec, d));
	sg_slice k = out->kind_str, v = out->api_version;
	if (sg_slice_eq_str(k, "hashedrekord") && sg_slice_eq_str(v, "0.0.1")) {
		out->kind = SG_TLOG_HASHEDREKORD;
		return body_hashedrekord_v1(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "hashedrekord") && sg_slice_eq_str(v, "0.0.2")) {
		out->kind = SG_TLOG_HASHEDREKORD;
		out->rekor_v2 = 1;
		return body_hashedrekord_v2(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "dsse") && sg_slice_eq_str(v, "0.0.1")) {
		out->kind = SG_TLOG_DSSE;
		return body_dsse(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "intoto") && sg_slice_eq_str(v, "0.0.2")) {
		out->kind = SG_TLOG_INTOTO;
		return body_intoto(&j, spec, arena, out, d);
	}
	return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "tlog entry body", "kind %.*s version %.*s",
		(int)(k.len > 40 ? 40 : k.len), (const char *)k.p, (int)(v.len > 20 ? 20 : v.len),
		(const char *)v.p);
}

/* see tlog.h */
sg_err
sg_tlog_body_parse(const uint8_t *body, size_t len, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_body(body, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}
