/* rekor: Rekor v1 hashedrekord upload and entry answers. See rekor.h.
 *
 * Implementation notes.
 *   - Request: the hashedrekord v0.0.1 schema (rekor pkg/types/hashedrekord/v0.0.1), members
 *     in RFC 8785 order. Every value is a constant, lowercase hex or standard base64, so no JSON
 *     escaping is ever needed and the bytes are written directly.
 *   - Answer: the LogEntry map of rekor's openapi.yaml (one member, keyed by the entry id) and
 *     LogEntryAnon; protocol.md §6.1. The API writes logID, rootHash and hashes as lowercase
 *     hex and integers as JSON numbers (unlike bundles: base64 and decimal strings), so they
 *     are decoded here into the sg_tlog_entry the offline checks of tlog.h expect.
 *   - Strict where a disagreement could matter: one member only, integers without fractions,
 *     non-negative, hex exactly 64 characters, the id bound to the body by its leaf hash
 *     (RFC 6962 §2.1: SHA-256(0x00 || body)), proof index inside the tree. */
#include "online/rekor.h"

#include <string.h>

#include "base/limits.h"
#include "online/fulcio.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/url.h"
#include "sigstore/bundle.h"

/* see rekor.h */
sg_err
sg_rekor_build_hashedrekord(const uint8_t digest[SG_SHA256_LEN], const uint8_t *sig,
	size_t sig_len, sg_slice pem, sg_buf *out, sg_diag *d)
{
	/* The writers are sticky on overflow, so one status check at the end covers them. */
	sg_buf_puts(out, "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{"
			       "\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"");
	sg_err e = sg_hex_encode(digest, SG_SHA256_LEN, out);
	sg_buf_puts(out, "\"}},\"signature\":{\"content\":\"");
	if (e == SG_OK)
		e = sg_b64_encode(sig, sig_len, SG_B64_STD | SG_B64_PAD, out);
	sg_buf_puts(out, "\",\"publicKey\":{\"content\":\"");
	if (e == SG_OK)
		e = sg_b64_encode(pem.p, pem.len, SG_B64_STD | SG_B64_PAD, out);
	sg_buf_puts(out, "\"}}}}");
	if (e != SG_OK && e != SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "Rekor request");
	if (sg_buf_status(out) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor request");
	return SG_OK;
}

static int
is_lower_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

#define BAD(d, ...) sg_diag_failf((d), SG_ERR_REKOR, "Rekor answer", __VA_ARGS__)

/* A non-negative JSON integer member. */
SG_MUST_USE static sg_err
get_uint(const sg_json *j, size_t obj, const char *key, int64_t *out, sg_diag *d)
{
	size_t t = sg_json_get(j, obj, key);
	if (t == SG_JSON_NONE)
		return BAD(d, "%s is missing", key);
	if (!vfj_is_integer(&j->doc, t) || vfj_i64(&j->doc, t, out) != VFJ_OK || *out < 0)
		return BAD(d, "%s is not a non-negative integer", key);
	return SG_OK;
}

/* A string member that is exactly 64 lowercase hex characters, decoded to 32 bytes. */
SG_MUST_USE static sg_err
get_hex32(const sg_json *j, size_t t, const char *key, uint8_t out[32], sg_diag *d)
{
	const uint8_t *p;
	size_t n, got;
	if (t == SG_JSON_NONE)
		return BAD(d, "%s is missing", key);
	if (sg_json_type(j, t) != VFJ_STRING || vfj_str_span(&j->doc, t, &p, &n) != VFJ_OK ||
		n != 64 || !is_lower_hex(p, n) || sg_hex_decode(p, n, out, 32, &got, NULL) != SG_OK)
		return BAD(d, "%s is not 64 lowercase hex characters", key);
	return SG_OK;
}

/* A string member holding standard padded base64, decoded into the arena. */
SG_MUST_USE static sg_err
get_b64(const sg_json *j, size_t obj, const char *key, sg_arena *arena, sg_slice *raw,
	sg_slice *out, sg_diag *d)
{
	size_t t = sg_json_get(j, obj, key);
	const uint8_t *p;
	size_t n;
	if (t == SG_JSON_NONE)
		return BAD(d, "%s is missing", key);
	if (sg_json_type(j, t) != VFJ_STRING || vfj_str_span(&j->doc, t, &p, &n) != VFJ_OK ||
		n == 0)
		return BAD(d, "%s is not a non-empty base64 string", key);
	size_t cap = sg_b64_decoded_max(n);
	uint8_t *buf;
	SG_TRY(sg_arena_get(arena, cap, (void **)&buf, d));
	size_t got;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_b64_decode(p, n, SG_B64_STD | SG_B64_PAD, buf, cap, &got, &ld);
	if (e != SG_OK)
		return BAD(d, "%s: %s at byte %zu", key, sg_err_str(e), ld.offset);
	if (raw != NULL)
		*raw = sg_slice_make(p, n);
	*out = sg_slice_make(buf, got);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_proof(const sg_json *j, size_t pr, sg_arena *arena, sg_tlog_proof *p, sg_diag *d)
{
	if (sg_json_type(j, pr) != VFJ_OBJECT)
		return BAD(d, "inclusionProof is not an object");
	SG_TRY(get_uint(j, pr, "logIndex", &p->log_index, d));
	SG_TRY(get_uint(j, pr, "treeSize", &p->tree_size, d));
	if (p->log_index >= p->tree_size)
		return BAD(d, "inclusionProof.logIndex %lld is not below treeSize %lld",
			(long long)p->log_index, (long long)p->tree_size);
	SG_TRY(get_hex32(j, sg_json_get(j, pr, "rootHash"), "inclusionProof.rootHash",
		p->root_hash, d));
	size_t hs = sg_json_get(j, pr, "hashes");
	if (hs == SG_JSON_NONE || sg_json_type(j, hs) != VFJ_ARRAY)
		return BAD(d, "inclusionProof.hashes is not a list");
	size_t n = sg_json_count(j, hs);
	if (n > SG_MAX_PROOF_HASHES)
		return sg_diag_failf(d, SG_ERR_LIMIT, "Rekor answer",
			"%zu proof hashes (at most %u)", n, (unsigned)SG_MAX_PROOF_HASHES);
	uint8_t *h;
	SG_TRY(sg_arena_get(arena, n == 0 ? 1 : n * 32u, (void **)&h, d));
	size_t i = 0;
	for (size_t t = sg_json_first(j, hs); t != SG_JSON_NONE; t = sg_json_next(j, t), i++)
		SG_TRY(get_hex32(j, t, "inclusionProof.hashes[]", h + 32u * i, d));
	p->hashes = h;
	p->n_hashes = n;
	size_t cp = sg_json_get(j, pr, "checkpoint");
	if (cp == SG_JSON_NONE || sg_json_type(j, cp) != VFJ_STRING)
		return BAD(d, "inclusionProof.checkpoint is not a string");
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_json_str(j, cp, "checkpoint", arena, &p->checkpoint, &ld);
	if (e == SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "arena");
	if (e != SG_OK || p->checkpoint.len == 0 || p->checkpoint.len > SG_MAX_CHECKPOINT)
		return BAD(d, "inclusionProof.checkpoint is empty or too long");
	p->present = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_entry(const uint8_t *json, size_t len, sg_arena *arena, sg_rekor_entry *out, sg_diag *d)
{
	if (len > SG_MAX_SERVICE_REPLY)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor answer");
	sg_json j;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_json_parse(json, len, arena, "Rekor answer", &j, &ld);
	if (e == SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "arena");
	if (e != SG_OK)
		return BAD(d, "not JSON (%s at byte %zu)", sg_err_str(e), ld.offset);
	size_t root = sg_json_root(&j);
	if (sg_json_type(&j, root) != VFJ_OBJECT || sg_json_count(&j, root) != 1)
		return BAD(d, "not an object with exactly one entry");
	size_t key = sg_json_first(&j, root);
	const uint8_t *id;
	size_t idn;
	if (vfj_str_span(&j.doc, key, &id, &idn) != VFJ_OK || (idn != 64 && idn != 80) ||
		!is_lower_hex(id, idn))
		return BAD(d, "the entry id is not 64 or 80 lowercase hex characters");
	memcpy(out->uuid, id, idn);
	out->uuid[idn] = '\0';
	size_t v = vfj_value(&j.doc, key);
	if (sg_json_type(&j, v) != VFJ_OBJECT)
		return BAD(d, "the entry is not an object");

	sg_tlog_entry *t = &out->tle;
	SG_TRY(get_b64(&j, v, "body", arena, &out->body_b64, &t->body, d));
	SG_TRY(get_uint(&j, v, "integratedTime", &t->integrated_time, d));
	t->has_integrated_time = 1;
	SG_TRY(get_uint(&j, v, "logIndex", &t->log_index, d));
	size_t lid = sg_json_get(&j, v, "logID");
	SG_TRY(get_hex32(&j, lid, "logID", t->log_id, d));
	t->log_id_len = 32;
	const uint8_t *lp;
	size_t ln;
	if (vfj_str_span(&j.doc, lid, &lp, &ln) == VFJ_OK && ln == 64) {
		memcpy(out->log_id_hex, lp, 64);
		out->log_id_hex[64] = '\0';
	}
	size_t ver = sg_json_get(&j, v, "verification");
	if (ver == SG_JSON_NONE || sg_json_type(&j, ver) != VFJ_OBJECT)
		return BAD(d, "verification is missing");
	SG_TRY(get_b64(&j, ver, "signedEntryTimestamp", arena, NULL, &t->set, d));
	size_t pr = sg_json_get(&j, ver, "inclusionProof");
	if (pr != SG_JSON_NONE && sg_json_type(&j, pr) != VFJ_NULL) {
		SG_TRY(parse_proof(&j, pr, arena, &t->proof, d));
		out->has_proof = 1;
	}

	/* The id names the leaf: its last 64 hex must be the leaf hash of this body. */
	uint8_t leaf[SG_TLOG_HASH_LEN];
	sg_merkle_leaf_hash(t->body.p, t->body.len, leaf);
	uint8_t idh[32];
	size_t got;
	if (sg_hex_decode(id + idn - 64, 64, idh, sizeof idh, &got, NULL) != SG_OK ||
		!sg_ct_equal(idh, leaf, 32))
		return BAD(d, "the entry id does not match the leaf hash of its body");
	return SG_OK;
}

/* see rekor.h */
sg_err
sg_rekor_parse_entry(const uint8_t *json, size_t len, sg_arena *arena, sg_rekor_entry *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_entry(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see rekor.h */
sg_err
sg_rekor_parse_upload(int status, const uint8_t *body, size_t len, sg_arena *arena,
	sg_rekor_entry *out, int *conflict, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	*conflict = 0;
	if (status == 201)
		return sg_rekor_parse_entry(body, len, arena, out, d);
	if (status == 409)
		*conflict = 1;
	return sg_service_error(d, SG_ERR_REKOR, "Rekor", status, body, len, arena);
}

/* The entry id in a 409 message "...with UUID <id>". */
static size_t
uuid_from_message(const uint8_t *body, size_t len, char out[SG_REKOR_UUID_MAX + 1])
{
	static const char marker[] = "UUID ";
	for (size_t i = 0; i + sizeof marker - 1 <= len; i++) {
		if (memcmp(body + i, marker, sizeof marker - 1) != 0)
			continue;
		size_t s = i + sizeof marker - 1, n = 0;
		while (s + n < len && n <= SG_REKOR_UUID_MAX && is_lower_hex(body + s + n, 1))
			n++;
		if (n != 64 && n != 80)
			return 0;
		memcpy(out, body + s, n);
		out[n] = '\0';
		return n;
	}
	return 0;
}

SG_MUST_USE static sg_err
post(sg_http_client *http, sg_slice url, const char *method, sg_slice body, sg_http_plain plain,
	uint8_t *reply, sg_http_response *resp, sg_diag *d)
{
	sg_http_header h[2] = {
		{sg_slice_str("Content-Type"), sg_slice_str("application/json")},
		{sg_slice_str("Accept"), sg_slice_str("application/json")},
	};
	sg_http_request r;
	memset(&r, 0, sizeof r);
	r.method = method;
	r.url = url;
	r.headers = h;
	r.num_headers = body.len > 0 ? 2 : 1;
	if (body.len == 0)
		r.headers = h + 1;
	r.body = body;
	r.plain = plain;
	r.no_redirects = 1;
	/* Sending an upload again is not blind: an upload that reached the log before the
	 * connection failed (or before a 5xx) is answered 409 with the entry's location, and
	 * sg_rekor_upload fetches that entry instead of creating a second one. */
	r.replay = SG_HTTP_REPLAY_SAFE;
	return sg_http_do(http, &r, reply, SG_MAX_SERVICE_REPLY, resp, d);
}

/* see rekor.h */
sg_err
sg_rekor_upload(sg_http_client *http, const char *base_url, sg_http_plain plain,
	sg_slice proposed, sg_arena *arena, sg_rekor_entry *out, int *existed, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	*existed = 0;
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_url_put_endpoint(&url, base_url, "/api/v1/log/entries");
	if (sg_buf_status(&url) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor URL");
	uint8_t *reply;
	SG_TRY(sg_arena_get(arena, SG_MAX_SERVICE_REPLY, (void **)&reply, d));
	sg_http_response resp;
	SG_TRY(post(http, sg_buf_slice(&url), "POST", proposed, plain, reply, &resp, d));
	int conflict;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_rekor_parse_upload(resp.status, reply, resp.body_len, arena, out, &conflict,
		&ld);
	if (e == SG_OK)
		return e;
	if (!conflict) {
		/* Hand the failure to the caller's diag, keeping its source name. */
		if (d != NULL && d->code == SG_OK) {
			const char *src = d->source;
			*d = ld;
			d->source = src;
		}
		return e;
	}

	/* 409: fetch the existing entry (cosign: "Signature already exists. Fetching and
	 * verifying inclusion proof."). */
	char uuid[SG_REKOR_UUID_MAX + 1];
	uint8_t getmem[SG_MAX_URL];
	sg_buf get;
	sg_buf_init(&get, getmem, sizeof getmem);
	sg_slice loc;
	sg_url base;
	if (sg_http_header_get(&resp.head, "Location", &loc) &&
		sg_url_parse(sg_buf_slice(&url).p, url.len, &base, d) == SG_OK) {
		SG_TRY(sg_url_resolve(&base, loc.p, loc.len, &get, d));
		sg_url target;
		SG_TRY(sg_url_parse(get.p, get.len, &target, d));
		if (!sg_url_same_origin(&base, &target))
			return sg_diag_fail(d, SG_ERR_REKOR,
				"Rekor answer: the 409 Location points to another server");
		size_t pn = target.path.len, k = 0;
		while (k < pn && k < SG_REKOR_UUID_MAX && target.path.p[pn - 1 - k] != '/')
			k++;
		memcpy(uuid, target.path.p + pn - k, k);
		uuid[k] = '\0';
	} else if (uuid_from_message(reply, resp.body_len, uuid) != 0) {
		sg_buf_put(&get, url.p, url.len);
		sg_buf_putc(&get, '/');
		sg_buf_puts(&get, uuid);
		if (sg_buf_status(&get) != SG_OK)
			return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor URL");
	} else {
		return sg_diag_fail(d, SG_ERR_REKOR,
			"Rekor answered 409 (entry exists) without saying which entry");
	}
	SG_TRY(post(http, sg_buf_slice(&get), "GET", sg_slice_make(NULL, 0), plain, reply, &resp,
		d));
	if (resp.status != 200)
		return sg_service_error(d, SG_ERR_REKOR, "Rekor", resp.status, reply,
			resp.body_len, arena);
	SG_TRY(sg_rekor_parse_entry(reply, resp.body_len, arena, out, d));
	size_t un = strlen(uuid), on = strlen(out->uuid);
	/* The answer must be the entry we asked for: ids compare on their common suffix (the
	 * leaf hash), as one side may carry the tree id and the other not. */
	size_t m = un < on ? un : on;
	if (m < 64 || memcmp(uuid + un - m, out->uuid + on - m, m) != 0) {
		memset(out, 0, sizeof *out);
		return sg_diag_fail(d, SG_ERR_REKOR,
			"Rekor answer: the existing entry has another id than the one asked for");
	}
	*existed = 1;
	return SG_OK;
}

/* see rekor.h */
sg_err
sg_rekor_build_dsse(sg_slice envelope, sg_slice pem, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor request");
	vfj_writer w;
	sg_json_w_start(&w, out, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("apiVersion"));
	vfj_w_str(&w, VFJ_LIT("0.0.1"));
	vfj_w_key(&w, VFJ_LIT("kind"));
	vfj_w_str(&w, VFJ_LIT("dsse"));
	vfj_w_key(&w, VFJ_LIT("spec"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("proposedContent"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("envelope"));
	vfj_w_str(&w, envelope.p, envelope.len);
	vfj_w_key(&w, VFJ_LIT("verifiers"));
	vfj_w_arr_begin(&w);
	SG_TRY(sg_json_w_b64(&w, pem.p, pem.len, arena, d));
	vfj_w_arr_end(&w);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "Rekor request", d);
}

/* see rekor.h */
sg_err
sg_rekor2_upload(sg_http_client *http, const char *base_url, sg_http_plain plain,
	const uint8_t digest[SG_SHA256_LEN], sg_slice sig, sg_slice verifier, int is_cert,
	sg_arena *arena, sg_tlog_entry *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_url_put_endpoint(&url, base_url, "/api/v2/log/entries");
	size_t cap = 2 * (sig.len + verifier.len) + 512;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf req;
	sg_buf_init(&req, mem, cap);
	if (sg_buf_status(&url) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor URL");
	/* protojson of CreateEntryRequest, in the field order of cosign-v3.md §3.4 */
	vfj_writer w;
	sg_json_w_start(&w, &req, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("hashedRekordRequestV002"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("digest"));
	SG_TRY(sg_json_w_b64(&w, digest, SG_SHA256_LEN, arena, d));
	vfj_w_key(&w, VFJ_LIT("signature"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("content"));
	SG_TRY(sg_json_w_b64(&w, sig.p, sig.len, arena, d));
	vfj_w_key(&w, VFJ_LIT("verifier"));
	vfj_w_obj_begin(&w);
	if (is_cert)
		vfj_w_key(&w, VFJ_LIT("x509Certificate"));
	else
		vfj_w_key(&w, VFJ_LIT("publicKey"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("rawBytes"));
	SG_TRY(sg_json_w_b64(&w, verifier.p, verifier.len, arena, d));
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("keyDetails"));
	vfj_w_str(&w, VFJ_LIT("PKIX_ECDSA_P256_SHA_256"));
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	SG_TRY(sg_json_w_finish(&w, &req, "Rekor request", d));
	uint8_t *reply;
	SG_TRY(sg_arena_get(arena, SG_MAX_SERVICE_REPLY, (void **)&reply, d));
	sg_http_response resp;
	SG_TRY(post(http, sg_buf_slice(&url), "POST", sg_buf_slice(&req), plain, reply, &resp, d));
	if (resp.status != 201)
		return sg_service_error(d, SG_ERR_REKOR, "Rekor", resp.status, reply, resp.body_len,
			arena);
	return sg_bundle_parse_tlog_entry(reply, resp.body_len, arena, out, d);
}

/* see rekor.h */
sg_err
sg_rekor_search(sg_http_client *http, const char *base_url, sg_http_plain plain,
	sg_slice proposed, sg_arena *arena, sg_rekor_entry *out, size_t cap, size_t *n, sg_diag *d)
{
	*n = 0;
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_url_put_endpoint(&url, base_url, "/api/v1/log/entries/retrieve");
	uint8_t *query, *reply;
	SG_TRY(sg_arena_get(arena, proposed.len + 32, (void **)&query, d));
	SG_TRY(sg_arena_get(arena, SG_MAX_SERVICE_REPLY, (void **)&reply, d));
	sg_buf q;
	sg_buf_init(&q, query, proposed.len + 32);
	sg_buf_puts(&q, "{\"entries\":[");
	sg_buf_put(&q, proposed.p, proposed.len);
	sg_buf_puts(&q, "]}");
	if (sg_buf_status(&url) != SG_OK || sg_buf_status(&q) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Rekor search");
	sg_http_response resp;
	SG_TRY(post(http, sg_buf_slice(&url), "POST", sg_buf_slice(&q), plain, reply, &resp, d));
	if (resp.status != 200)
		return sg_service_error(d, SG_ERR_REKOR, "Rekor", resp.status, reply, resp.body_len,
			arena);
	sg_json j;
	if (sg_json_parse(reply, resp.body_len, arena, "Rekor search answer", &j, d) != SG_OK ||
		sg_json_expect(&j, sg_json_root(&j), VFJ_ARRAY, "Rekor search answer", d) != SG_OK)
		return sg_diag_fail(d, SG_ERR_REKOR,
			"Rekor search answer: not an array of entries");
	for (size_t t = sg_json_first(&j, sg_json_root(&j)); t != SG_JSON_NONE;
		t = sg_json_next(&j, t)) {
		if (*n >= cap || *n >= SG_REKOR_SEARCH_MAX)
			break;
		const vfj_token *tok = &j.doc.toks[t];
		if (tok->type != VFJ_OBJECT)
			return sg_diag_fail(d, SG_ERR_REKOR, "Rekor search answer: not an entry");
		SG_TRY(sg_rekor_parse_entry(reply + tok->start, tok->end - tok->start, arena,
			&out[*n], d));
		(*n)++;
	}
	return SG_OK;
}
