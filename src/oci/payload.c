/* payload: the simple-signing payload. See payload.h.
 *
 * Implementation notes. Shape: protocol.md §1.1 (sigstore pkg/signature/payload types
 * SimpleContainerImage, Critical, Identity, Image); parser strictness after containers/image
 * signature/internal/sigstore_payload.go (§1.3); claim checks after cosign's
 * SimpleClaimVerifier (§7.2 step 8); output after cosign's PrintVerification (§7.3).
 * Go's encoding/json is reproduced by: struct members in declaration order, map keys sorted
 * bytewise, VFJ_W_GO string escaping, and numbers printed from their float64 value. For the
 * last, the RFC 8785 number form of vfj_canonicalize is used: ECMAScript's Number::toString
 * and Go's float64 encoder both print the shortest round-trip digits and switch to exponent
 * form outside [1e-6, 1e21), with the same "e+21"/"e-7" spelling. */
#include "oci/payload.h"

#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "parse/codec.h"

static void
w_critical(vfj_writer *w, sg_slice ref, sg_slice digest_str, sg_slice type)
{
	vfj_w_key(w, VFJ_LIT("critical"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("identity"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("docker-reference"));
	vfj_w_str(w, ref.p, ref.len);
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("image"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("docker-manifest-digest"));
	vfj_w_str(w, digest_str.p, digest_str.len);
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("type"));
	vfj_w_str(w, type.p, type.len);
	vfj_w_obj_end(w);
}

/* see payload.h */
sg_err
sg_payload_write(sg_slice ref, const uint8_t digest[32], const sg_oci_annot *opt, size_t n,
	sg_buf *out, sg_diag *d)
{
	static const char what[] = "simple-signing payload";
	size_t idx[SG_MAX_PAYLOAD_ANNOTATIONS];
	if (n > SG_MAX_PAYLOAD_ANNOTATIONS)
		return sg_diag_failf(d, SG_ERR_ARG, what, "more than %u annotations",
			SG_MAX_PAYLOAD_ANNOTATIONS);
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	if (!sg_kv_order(opt, n, idx))
		return sg_diag_failf(d, SG_ERR_ARG, what, "duplicate annotation key");
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);

	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	w_critical(&w, ref, sg_slice_make(ds, SG_OCI_DIGEST_STR_LEN),
		sg_slice_str(SG_PAYLOAD_TYPE));
	vfj_w_key(&w, VFJ_LIT("optional"));
	if (n == 0) {
		vfj_w_null(&w);
	} else {
		vfj_w_obj_begin(&w);
		for (size_t i = 0; i < n; i++) {
			vfj_w_key(&w, (const char *)opt[idx[i]].key.p, opt[idx[i]].key.len);
			vfj_w_str(&w, opt[idx[i]].value.p, opt[idx[i]].value.len);
		}
		vfj_w_obj_end(&w);
	}
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, what, d);
}

/* ---- parsing ---- */

SG_MUST_USE static sg_err
bad(const sg_json *j, size_t t, sg_diag *d, const char *detail)
{
	(void)j;
	(void)t;
	return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD, "simple-signing payload", "%s", detail);
}

/* Object `obj` must have only members named in keys[0..n). */
SG_MUST_USE static sg_err
only_keys(const sg_json *j, size_t obj, const char *const *keys, size_t n, const char *where,
	sg_diag *d)
{
	for (size_t k = sg_json_first(j, obj); k != SG_JSON_NONE; k = sg_json_next(j, k)) {
		int ok = 0;
		for (size_t i = 0; i < n && !ok; i++)
			ok = vfj_str_eq(&j->doc, k, keys[i], strlen(keys[i]));
		if (!ok)
			return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD, "simple-signing payload",
				"unknown member in %s", where);
	}
	return SG_OK;
}

/* The string member `key` of object `obj` (required). */
SG_MUST_USE static sg_err
req_str(const sg_json *j, size_t obj, const char *key, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	size_t t = sg_json_get(j, obj, key);
	if (t == SG_JSON_NONE || sg_json_type(j, t) != VFJ_STRING)
		return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD, "simple-signing payload",
			"\"%s\" must be a string", key);
	return sg_json_str(j, t, "simple-signing payload", arena, out, d);
}

static size_t
req_obj(const sg_json *j, size_t obj, const char *key)
{
	size_t t = sg_json_get(j, obj, key);
	return sg_json_type(j, t) == VFJ_OBJECT ? t : SG_JSON_NONE;
}

SG_MUST_USE static sg_err
parse(const uint8_t *p, size_t len, sg_arena *arena, sg_payload *out, sg_diag *d)
{
	static const char *const top_keys[] = {"critical", "optional"};
	static const char *const crit_keys[] = {"identity", "image", "type"};
	static const char *const id_keys[] = {"docker-reference"};
	static const char *const img_keys[] = {"docker-manifest-digest"};
	sg_json *j = &out->json;
	SG_TRY(sg_json_parse(p, len, arena, "simple-signing payload", j, d));
	size_t root = sg_json_root(j);
	if (sg_json_type(j, root) != VFJ_OBJECT)
		return bad(j, root, d, "not a JSON object");
	SG_TRY(only_keys(j, root, top_keys, 2, "the payload", d));
	size_t crit = req_obj(j, root, "critical");
	if (crit == SG_JSON_NONE)
		return bad(j, root, d, "\"critical\" must be an object");
	SG_TRY(only_keys(j, crit, crit_keys, 3, "critical", d));
	size_t id = req_obj(j, crit, "identity");
	size_t img = req_obj(j, crit, "image");
	if (id == SG_JSON_NONE || img == SG_JSON_NONE)
		return bad(j, crit, d,
			"\"critical.identity\" and \"critical.image\" must be objects");
	SG_TRY(only_keys(j, id, id_keys, 1, "critical.identity", d));
	SG_TRY(only_keys(j, img, img_keys, 1, "critical.image", d));
	SG_TRY(req_str(j, id, "docker-reference", arena, &out->docker_reference, d));
	SG_TRY(req_str(j, img, "docker-manifest-digest", arena, &out->digest_str, d));
	SG_TRY(req_str(j, crit, "type", arena, &out->type, d));
	if (!sg_slice_eq_str(out->type, SG_PAYLOAD_TYPE))
		return bad(j, crit, d, "\"critical.type\" is not \"" SG_PAYLOAD_TYPE "\"");
	out->optional = SG_JSON_NONE;
	size_t opt = sg_json_get(j, root, "optional");
	if (opt != SG_JSON_NONE) {
		vfj_type t = sg_json_type(j, opt);
		if (t == VFJ_OBJECT)
			out->optional = opt;
		else if (t != VFJ_NULL)
			return bad(j, opt, d, "\"optional\" must be an object or null");
	}
	return SG_OK;
}

/* see payload.h */
sg_err
sg_payload_parse(const uint8_t *p, size_t len, sg_arena *arena, sg_payload *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse(p, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see payload.h */
sg_err
sg_payload_check_digest(const sg_payload *p, const uint8_t digest[32], sg_diag *d)
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	if (sg_slice_eq_str(p->digest_str, ds))
		return SG_OK;
	/* The claim is attacker-chosen text about to reach a terminal: print it bounded and
	 * with anything but printable ASCII replaced. */
	char shown[160];
	size_t n = p->digest_str.len < sizeof shown - 1 ? p->digest_str.len : sizeof shown - 1;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p->digest_str.p[i];
		shown[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	shown[n] = '\0';
	return sg_diag_failmsg(d, SG_ERR_VERIFY_DIGEST, "invalid or missing digest in claim: %s",
		shown);
}

/* see payload.h */
sg_err
sg_payload_check_annotations(const sg_payload *p, const sg_oci_annot *a, size_t n,
	sg_arena *arena, sg_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		if (p->optional != SG_JSON_NONE) {
			size_t t = vfj_obj_get(&p->json.doc, p->optional, (const char *)a[i].key.p,
				a[i].key.len);
			sg_slice v;
			if (t != SG_JSON_NONE && sg_json_type(&p->json, t) == VFJ_STRING) {
				SG_TRY(sg_json_str(&p->json, t, "payload annotation", arena, &v,
					d));
				ok = sg_slice_eq(v, a[i].value);
			}
		}
		if (!ok)
			return sg_diag_failmsg(d, SG_ERR_POLICY_ANNOTATION,
				"missing or incorrect annotation");
	}
	return SG_OK;
}

/* ---- the verify output element ---- */

/* Write JSON value `t` of `j` as Go would re-marshal it after decoding into interface{}. */
SG_MUST_USE static sg_err
w_value(vfj_writer *w, const sg_json *j, size_t t, sg_arena *arena, sg_diag *d)
{
	static const char what[] = "verify output";
	switch (sg_json_type(j, t)) {
	case VFJ_OBJECT: {
		size_t n = sg_json_count(j, t);
		sg_slice *keys = NULL;
		size_t *idx = NULL;
		if (n > 0) {
			void *m1, *m2;
			SG_TRY(sg_arena_get(arena, n * sizeof(sg_slice), &m1, d));
			SG_TRY(sg_arena_get(arena, n * sizeof(size_t), &m2, d));
			keys = m1;
			idx = m2;
		}
		size_t i = 0;
		for (size_t k = sg_json_first(j, t); k != SG_JSON_NONE;
			k = sg_json_next(j, k), i++) {
			SG_TRY(sg_json_str(j, k, what, arena, &keys[i], d));
			size_t q = i;
			while (q > 0 && sg_slice_less(keys[i], keys[idx[q - 1]])) {
				idx[q] = idx[q - 1];
				q--;
			}
			idx[q] = i;
		}
		/* map the sorted positions back to tokens: walk once per key (n is bounded by
		 * the token count; objects in payloads are small) */
		vfj_w_obj_begin(w);
		for (size_t s = 0; s < n; s++) {
			size_t k = sg_json_first(j, t);
			for (size_t m = 0; m < idx[s]; m++)
				k = sg_json_next(j, k);
			vfj_w_key(w, (const char *)keys[idx[s]].p, keys[idx[s]].len);
			SG_TRY(w_value(w, j, sg_json_first(j, k), arena, d));
		}
		vfj_w_obj_end(w);
		return SG_OK;
	}
	case VFJ_ARRAY:
		vfj_w_arr_begin(w);
		for (size_t e = sg_json_first(j, t); e != SG_JSON_NONE; e = sg_json_next(j, e))
			SG_TRY(w_value(w, j, e, arena, d));
		vfj_w_arr_end(w);
		return SG_OK;
	case VFJ_STRING: {
		sg_slice s;
		SG_TRY(sg_json_str(j, t, what, arena, &s, d));
		vfj_w_str(w, s.p, s.len);
		return SG_OK;
	}
	case VFJ_NUMBER: {
		const uint8_t *raw;
		size_t rawlen, n = 0;
		uint8_t num[64];
		vfj_token scratch[1];
		if (vfj_num_raw(&j->doc, t, &raw, &rawlen) != VFJ_OK)
			return sg_diag_fail(d, SG_ERR_INTERNAL, what);
		vfj_err e = vfj_canonicalize(raw, rawlen, num, sizeof num, &n, scratch, 1, NULL,
			NULL);
		if (e != VFJ_OK)
			return sg_diag_fail_at(d, SG_ERR_UNSUPPORTED, "number in payload optional",
				sg_json_offset(j, t));
		/* the one difference: Go keeps the sign of a negative zero, ECMAScript drops it */
		if (n == 1 && num[0] == '0' && rawlen > 0 && raw[0] == '-')
			vfj_w_num_raw(w, "-0", 2);
		else
			vfj_w_num_raw(w, (const char *)num, n);
		return SG_OK;
	}
	case VFJ_TRUE:
		vfj_w_bool(w, true);
		return SG_OK;
	case VFJ_FALSE:
		vfj_w_bool(w, false);
		return SG_OK;
	case VFJ_NULL:
		vfj_w_null(w);
		return SG_OK;
	default:
		return sg_diag_fail(d, SG_ERR_INTERNAL, what);
	}
}

/* A base64 string member re-encoded as Go's []byte / strfmt.Base64 would print it. Go decodes
 * with the padded standard alphabet; our decoder is stricter (canonical only), so a string
 * that decodes re-encodes to itself and is written as is. */
SG_MUST_USE static sg_err
w_b64_member(vfj_writer *w, const sg_json *j, size_t obj, const char *key, sg_arena *arena,
	sg_diag *d)
{
	static const char what[] = "bundle annotation";
	size_t t = sg_json_get(j, obj, key);
	sg_slice s = sg_slice_make("", 0);
	if (t != SG_JSON_NONE) {
		if (sg_json_type(j, t) != VFJ_STRING)
			return sg_diag_fail_at(d, SG_ERR_VERIFY_BUNDLE, what, sg_json_offset(j, t));
		SG_TRY(sg_json_str(j, t, what, arena, &s, d));
		size_t cap = sg_b64_decoded_max(s.len), n;
		void *mem;
		SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &mem, d));
		if (sg_b64_decode(s.p, s.len, SG_B64_STD | SG_B64_PAD, mem, cap, &n, NULL) != SG_OK)
			return sg_diag_fail_at(d, SG_ERR_VERIFY_BUNDLE, what, sg_json_offset(j, t));
	}
	vfj_w_key(w, key, strlen(key));
	vfj_w_str(w, s.p, s.len);
	return SG_OK;
}

SG_MUST_USE static sg_err
w_int_member(vfj_writer *w, const sg_json *j, size_t obj, const char *key, sg_diag *d)
{
	size_t t = sg_json_get(j, obj, key);
	int64_t v = 0;
	if (t != SG_JSON_NONE && vfj_i64(&j->doc, t, &v) != VFJ_OK)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_BUNDLE, "bundle annotation",
			sg_json_offset(j, t));
	vfj_w_key(w, key, strlen(key));
	vfj_w_i64(w, v);
	return SG_OK;
}

/* Parse an annotation value that must hold a JSON object; *root is that object. */
SG_MUST_USE static sg_err
parse_object(sg_slice text, sg_arena *arena, const char *what, sg_json *j, size_t *root,
	sg_diag *d)
{
	SG_TRY(sg_json_parse(text.p, text.len, arena, what, j, d));
	*root = sg_json_root(j);
	if (sg_json_type(j, *root) != VFJ_OBJECT)
		return sg_diag_fail(d, SG_ERR_VERIFY_BUNDLE, what);
	return SG_OK;
}

/* RekorBundle{SignedEntryTimestamp strfmt.Base64; Payload RekorPayload{Body interface{}
 * `body`; IntegratedTime int64 `integratedTime`; LogIndex int64 `logIndex`; LogID string
 * `logID`}}: absent members print as Go zero values, unknown members are dropped. */
SG_MUST_USE static sg_err
w_bundle(vfj_writer *w, sg_slice text, sg_arena *arena, sg_diag *d)
{
	static const char what[] = "bundle annotation";
	sg_json j;
	size_t root;
	SG_TRY(parse_object(text, arena, what, &j, &root, d));
	vfj_w_obj_begin(w);
	SG_TRY(w_b64_member(w, &j, root, "SignedEntryTimestamp", arena, d));
	vfj_w_key(w, VFJ_LIT("Payload"));
	size_t pl = sg_json_get(&j, root, "Payload");
	if (pl != SG_JSON_NONE && sg_json_type(&j, pl) != VFJ_OBJECT)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_BUNDLE, what, sg_json_offset(&j, pl));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("body"));
	size_t body = pl != SG_JSON_NONE ? sg_json_get(&j, pl, "body") : SG_JSON_NONE;
	if (body == SG_JSON_NONE)
		vfj_w_null(w);
	else
		SG_TRY(w_value(w, &j, body, arena, d));
	if (pl != SG_JSON_NONE) {
		SG_TRY(w_int_member(w, &j, pl, "integratedTime", d));
		SG_TRY(w_int_member(w, &j, pl, "logIndex", d));
		size_t id = sg_json_get(&j, pl, "logID");
		sg_slice s = sg_slice_make("", 0);
		if (id != SG_JSON_NONE) {
			if (sg_json_type(&j, id) != VFJ_STRING)
				return sg_diag_fail_at(d, SG_ERR_VERIFY_BUNDLE, what,
					sg_json_offset(&j, id));
			SG_TRY(sg_json_str(&j, id, what, arena, &s, d));
		}
		vfj_w_key(w, VFJ_LIT("logID"));
		vfj_w_str(w, s.p, s.len);
	} else {
		vfj_w_key(w, VFJ_LIT("integratedTime"));
		vfj_w_i64(w, 0);
		vfj_w_key(w, VFJ_LIT("logIndex"));
		vfj_w_i64(w, 0);
		vfj_w_key(w, VFJ_LIT("logID"));
		vfj_w_str(w, "", 0);
	}
	vfj_w_obj_end(w);
	vfj_w_obj_end(w);
	return SG_OK;
}

/* RFC3161Timestamp{SignedRFC3161Timestamp []byte}. */
SG_MUST_USE static sg_err
w_rfc3161(vfj_writer *w, sg_slice text, sg_arena *arena, sg_diag *d)
{
	static const char what[] = "timestamp annotation";
	sg_json j;
	size_t root;
	SG_TRY(parse_object(text, arena, what, &j, &root, d));
	vfj_w_obj_begin(w);
	SG_TRY(w_b64_member(w, &j, root, "SignedRFC3161Timestamp", arena, d));
	vfj_w_obj_end(w);
	return SG_OK;
}

enum { ENT_TOKEN, ENT_STRING, ENT_BUNDLE, ENT_RFC3161 };

struct entry {
	sg_slice key;
	int kind;
	size_t tok;
	sg_slice str;
};

/* Set `key` in the entry table, replacing an existing one as a Go map assignment does. */
static void
put(struct entry *e, size_t *n, const char *key, int kind, sg_slice str)
{
	sg_slice k = sg_slice_str(key);
	for (size_t i = 0; i < *n; i++)
		if (sg_slice_eq(e[i].key, k)) {
			e[i].kind = kind;
			e[i].str = str;
			return;
		}
	e[*n].key = k;
	e[*n].kind = kind;
	e[*n].str = str;
	e[*n].tok = SG_JSON_NONE;
	(*n)++;
}

SG_MUST_USE static sg_err
write_verified(const uint8_t *payload, size_t len, const sg_payload_extra *x, sg_arena *arena,
	vfj_writer *w, sg_diag *d)
{
	/* OID keys of the GitHub extensions, then cosign's readable names, in 1.2..1.6 order */
	static const char *const gh_oid[5] = {"1.3.6.1.4.1.57264.1.2", "1.3.6.1.4.1.57264.1.3",
		"1.3.6.1.4.1.57264.1.4", "1.3.6.1.4.1.57264.1.5", "1.3.6.1.4.1.57264.1.6"};
	static const char *const gh_name[5] = {"githubWorkflowTrigger", "githubWorkflowSha",
		"githubWorkflowName", "githubWorkflowRepository", "githubWorkflowRef"};
	sg_payload p;
	SG_TRY(sg_payload_parse(payload, len, arena, &p, d));
	size_t norig = p.optional != SG_JSON_NONE ? sg_json_count(&p.json, p.optional) : 0;
	size_t cap = norig + 16, n = 0;
	void *mem;
	SG_TRY(sg_arena_get(arena, cap * sizeof(struct entry), &mem, d));
	struct entry *e = mem;
	if (p.optional != SG_JSON_NONE) {
		for (size_t k = sg_json_first(&p.json, p.optional); k != SG_JSON_NONE;
			k = sg_json_next(&p.json, k), n++) {
			SG_TRY(sg_json_str(&p.json, k, "payload optional", arena, &e[n].key, d));
			e[n].kind = ENT_TOKEN;
			e[n].tok = sg_json_first(&p.json, k);
			e[n].str = sg_slice_make(NULL, 0);
		}
	}
	if (x != NULL && x->has_cert) {
		put(e, &n, "Subject", ENT_STRING,
			x->subject.p != NULL ? x->subject : sg_slice_make("", 0));
		if (x->issuer.len > 0) {
			put(e, &n, "Issuer", ENT_STRING, x->issuer);
			put(e, &n, "1.3.6.1.4.1.57264.1.1", ENT_STRING, x->issuer);
		}
		for (size_t i = 0; i < 5; i++)
			if (x->github[i].len > 0) {
				put(e, &n, gh_oid[i], ENT_STRING, x->github[i]);
				put(e, &n, gh_name[i], ENT_STRING, x->github[i]);
			}
	}
	if (x != NULL && x->bundle.p != NULL)
		put(e, &n, "Bundle", ENT_BUNDLE, x->bundle);
	if (x != NULL && x->rfc3161.p != NULL)
		put(e, &n, "RFC3161Timestamp", ENT_RFC3161, x->rfc3161);

	/* sort entries bytewise by key (insertion sort; duplicates were impossible: vfj refuses
	 * duplicate keys and put() replaces) */
	for (size_t i = 1; i < n; i++) {
		struct entry t = e[i];
		size_t k = i;
		while (k > 0 && sg_slice_less(t.key, e[k - 1].key)) {
			e[k] = e[k - 1];
			k--;
		}
		e[k] = t;
	}

	vfj_w_obj_begin(w);
	w_critical(w, p.docker_reference, p.digest_str, sg_slice_str(SG_PAYLOAD_TYPE));
	vfj_w_key(w, VFJ_LIT("optional"));
	if (n == 0 && p.optional == SG_JSON_NONE) {
		vfj_w_null(w);
	} else {
		vfj_w_obj_begin(w);
		for (size_t i = 0; i < n; i++) {
			vfj_w_key(w, (const char *)e[i].key.p, e[i].key.len);
			switch (e[i].kind) {
			case ENT_TOKEN:
				SG_TRY(w_value(w, &p.json, e[i].tok, arena, d));
				break;
			case ENT_STRING:
				vfj_w_str(w, e[i].str.p, e[i].str.len);
				break;
			case ENT_BUNDLE:
				SG_TRY(w_bundle(w, e[i].str, arena, d));
				break;
			default:
				SG_TRY(w_rfc3161(w, e[i].str, arena, d));
				break;
			}
		}
		vfj_w_obj_end(w);
	}
	vfj_w_obj_end(w);
	return SG_OK;
}

/* see payload.h */
sg_err
sg_payload_write_verified(const uint8_t *payload, size_t len, const sg_payload_extra *x,
	sg_arena *arena, sg_buf *out, sg_diag *d)
{
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, "verify output");
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	sg_err e = write_verified(payload, len, x, arena, &w, d);
	if (e != SG_OK) {
		size_t ignored;
		vfj_err fe = vfj_w_finish(&w, &ignored); /* zeroes what was written */
		(void)fe;
		return e;
	}
	return sg_json_w_finish(&w, out, "verify output", d);
}

/* see payload.h */
sg_err
sg_payload_write_element(sg_slice ref, sg_slice digest, sg_slice type, const sg_json *j,
	size_t optional, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	if (out->overflow)
		return sg_diag_fail(d, SG_ERR_LIMIT, "verify output");
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	w_critical(&w, ref, digest, type);
	vfj_w_key(&w, VFJ_LIT("optional"));
	if (optional == SG_JSON_NONE) {
		/* AsMap() of a nil Struct is an empty map, marshaled as {} */
		vfj_w_obj_begin(&w);
		vfj_w_obj_end(&w);
	} else {
		sg_err e = w_value(&w, j, optional, arena, d);
		if (e != SG_OK) {
			size_t ignored;
			vfj_err fe = vfj_w_finish(&w, &ignored); /* zeroes what was written */
			(void)fe;
			return e;
		}
	}
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "verify output", d);
}
