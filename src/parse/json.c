/* json: adapter over vfj. See json.h.
 *
 * Implementation notes.
 *   - Grammar: RFC 8259 as enforced by vfj (no duplicate keys, strict UTF-8, strict numbers).
 *   - Tokens: a counting pass (vfj_parse with toks NULL) sizes the array exactly, so a document
 *     never needs more arena than it uses; the count is capped at SG_MAX_JSON_TOKENS before any
 *     allocation.
 *   - proto3 JSON mapping (protobuf.dev "ProtoJSON Format"): int64/uint64 are written as
 *     decimal strings and parsers also accept numbers; bytes are base64 (standard or URL-safe,
 *     with or without padding); Timestamp is RFC 3339 with 'Z' or an offset; null means unset.
 *     We accept exactly that, and nothing looser: "+1", "01", " 1", "1.0" are rejected as
 *     int64 strings because two parsers disagreeing on a log index is an attack surface. */
#include "parse/json.h"

#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "parse/codec.h"

/* see json.h */
sg_err
sg_json_err(vfj_err e)
{
	switch (e) {
	case VFJ_OK:
		return SG_OK;
	case VFJ_ERR_SYNTAX:
	case VFJ_ERR_CONTROL_CHAR:
		return SG_ERR_JSON_SYNTAX;
	case VFJ_ERR_TRUNCATED:
		return SG_ERR_TRUNCATED;
	case VFJ_ERR_TRAILING:
		return SG_ERR_TRAILING;
	case VFJ_ERR_DEPTH:
		return SG_ERR_JSON_DEPTH;
	case VFJ_ERR_TOO_MANY_TOKENS:
		return SG_ERR_JSON_TOKENS;
	case VFJ_ERR_TOO_LARGE:
		return SG_ERR_JSON_TOO_LARGE;
	case VFJ_ERR_UTF8:
		return SG_ERR_JSON_UTF8;
	case VFJ_ERR_ESCAPE:
		return SG_ERR_JSON_ESCAPE;
	case VFJ_ERR_DUPLICATE_KEY:
		return SG_ERR_JSON_DUPLICATE_KEY;
	case VFJ_ERR_NUMBER:
		return SG_ERR_JSON_NUMBER;
	case VFJ_ERR_TYPE:
		return SG_ERR_JSON_TYPE;
	case VFJ_ERR_NOT_FOUND:
		return SG_ERR_JSON_MISSING;
	case VFJ_ERR_RANGE:
		return SG_ERR_JSON_RANGE;
	case VFJ_ERR_BUFFER:
		return SG_ERR_LIMIT;
	case VFJ_ERR_UNSUPPORTED:
		return SG_ERR_UNSUPPORTED;
	case VFJ_ERR_NOT_RAW:
	case VFJ_ERR_STATE:
	case VFJ_ERR_ARG:
	default:
		return SG_ERR_INTERNAL;
	}
}

/* Record a vfj failure at byte `off` with vfj's message as the detail. */
SG_MUST_USE static sg_err
fail_vfj(sg_diag *d, vfj_err e, const char *what, size_t off)
{
	int first = d != NULL && d->code == SG_OK;
	sg_err r = sg_diag_failf(d, sg_json_err(e), what, "%s", vfj_err_str(e));
	if (first) {
		d->offset = off;
		d->has_offset = 1;
	}
	return r;
}

static const vfj_limits json_limits = {SG_MAX_JSON, SG_MAX_JSON_DEPTH};
/* vfj wants a non-NULL pointer even for an empty document. */
static const uint8_t empty_doc[1] = {0};

/* see json.h */
sg_err
sg_json_parse_into(const uint8_t *json, size_t len, vfj_token *toks, size_t cap, const char *what,
	sg_json *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (len > SG_MAX_JSON)
		return sg_diag_failf(
			d, SG_ERR_JSON_TOO_LARGE, what, "%zu bytes, at most %u", len, SG_MAX_JSON);
	if (json == NULL && len != 0)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	if (cap > SG_MAX_JSON_TOKENS)
		cap = SG_MAX_JSON_TOKENS;
	size_t off = 0;
	const uint8_t *in = json != NULL ? json : empty_doc;
	vfj_err e = vfj_parse(in, len, toks, cap, &json_limits, &out->doc, &off);
	if (e != VFJ_OK) {
		memset(out, 0, sizeof *out);
		return fail_vfj(d, e, what, off);
	}
	out->json = in;
	out->len = len;
	return SG_OK;
}

/* Count the tokens of `json` (full validation except duplicate keys) and allocate an array
 * of exactly that many from the arena. */
SG_MUST_USE static sg_err
alloc_tokens(const uint8_t *json, size_t len, sg_arena *arena, const char *what, vfj_token **toks,
	size_t *ntok, sg_diag *d)
{
	*toks = NULL;
	*ntok = 0;
	if (len > SG_MAX_JSON)
		return sg_diag_failf(
			d, SG_ERR_JSON_TOO_LARGE, what, "%zu bytes, at most %u", len, SG_MAX_JSON);
	if (json == NULL && len != 0)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	vfj_doc count;
	size_t off = 0;
	vfj_err e = vfj_parse(
		json != NULL ? json : empty_doc, len, NULL, 0, &json_limits, &count, &off);
	if (e != VFJ_OK)
		return fail_vfj(d, e, what, off);
	if (count.ntok > SG_MAX_JSON_TOKENS)
		return sg_diag_failf(d, SG_ERR_JSON_TOKENS, what, "%zu tokens, at most %u",
			count.ntok, SG_MAX_JSON_TOKENS);
	size_t n = count.ntok != 0 ? count.ntok : 1;
	size_t bytes;
	if (!sg_mul_ok(n, sizeof(vfj_token), &bytes))
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	void *mem;
	SG_TRY(sg_arena_get(arena, bytes, &mem, d));
	*toks = mem;
	*ntok = n;
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_parse(const uint8_t *json, size_t len, sg_arena *arena, const char *what, sg_json *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	vfj_token *toks;
	size_t ntok;
	SG_TRY(alloc_tokens(json, len, arena, what, &toks, &ntok, d));
	return sg_json_parse_into(json, len, toks, ntok, what, out, d);
}

/* see json.h */
sg_err
sg_json_canonicalize(const uint8_t *json, size_t len, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	vfj_token *toks;
	size_t ntok;
	SG_TRY(alloc_tokens(json, len, arena, "JSON", &toks, &ntok, d));
	/* RFC 8785 output can be longer than the input only through numbers ("1e20" becomes 21
	 * digits; no supported number grows by more than ~25 bytes) and through control
	 * characters written as "\u001f" (6 bytes for a 6-byte escape, never more). 2x + 64 is
	 * a safe bound. */
	size_t cap;
	if (!sg_mul_ok(len, 2, &cap) || !sg_add_ok(cap, 64, &cap))
		return sg_diag_fail(d, SG_ERR_LIMIT, "JSON canonical form");
	void *buf;
	SG_TRY(sg_arena_get(arena, cap, &buf, d));
	size_t n = 0, off = 0;
	vfj_err e = vfj_canonicalize(
		json != NULL ? json : empty_doc, len, buf, cap, &n, toks, ntok, &json_limits, &off);
	if (e != VFJ_OK)
		return fail_vfj(d, e, "JSON canonical form", off);
	*out = sg_slice_make(buf, n);
	return SG_OK;
}

/* ---- navigation ---- */

/* see json.h */
size_t
sg_json_root(const sg_json *j)
{
	return j->doc.ntok > 0 ? 0 : SG_JSON_NONE;
}

/* see json.h */
vfj_type
sg_json_type(const sg_json *j, size_t t)
{
	return vfj_type_of(&j->doc, t);
}

/* see json.h */
size_t
sg_json_get(const sg_json *j, size_t obj, const char *key)
{
	if (!vfj_is(&j->doc, obj, VFJ_OBJECT))
		return SG_JSON_NONE;
	return vfj_obj_get(&j->doc, obj, key, strlen(key));
}

/* see json.h */
size_t
sg_json_path(const sg_json *j, size_t obj, const char *path)
{
	size_t t = obj;
	const char *p = path;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (!vfj_is(&j->doc, t, VFJ_OBJECT))
			return SG_JSON_NONE;
		t = vfj_obj_get(&j->doc, t, p, n);
		if (t == SG_JSON_NONE || dot == NULL)
			return t;
		p = dot + 1;
	}
}

/* see json.h */
size_t
sg_json_first(const sg_json *j, size_t t)
{
	return vfj_first(&j->doc, t);
}

/* see json.h */
size_t
sg_json_next(const sg_json *j, size_t t)
{
	return vfj_next(&j->doc, t);
}

/* see json.h */
size_t
sg_json_count(const sg_json *j, size_t t)
{
	return vfj_count(&j->doc, t);
}

/* see json.h */
size_t
sg_json_offset(const sg_json *j, size_t t)
{
	if (t >= j->doc.ntok || j->doc.toks == NULL)
		return 0;
	size_t s = j->doc.toks[t].start;
	/* A string's start is after its opening quote; point at the quote. */
	if (j->doc.toks[t].type == VFJ_STRING && s > 0)
		s--;
	return s;
}

/* ---- typed access ---- */

static const char *
type_name(vfj_type t)
{
	switch (t) {
	case VFJ_OBJECT:
		return "object";
	case VFJ_ARRAY:
		return "array";
	case VFJ_STRING:
		return "string";
	case VFJ_NUMBER:
		return "number";
	case VFJ_TRUE:
	case VFJ_FALSE:
		return "boolean";
	case VFJ_NULL:
		return "null";
	case VFJ_UNDEFINED:
	default:
		return "nothing";
	}
}

/* see json.h */
sg_err
sg_json_expect(const sg_json *j, size_t t, vfj_type type, const char *what, sg_diag *d)
{
	vfj_type got = vfj_type_of(&j->doc, t);
	if (got == type)
		return SG_OK;
	int first = d != NULL && d->code == SG_OK;
	sg_err e = sg_diag_failf(
		d, SG_ERR_JSON_TYPE, what, "expected %s, got %s", type_name(type), type_name(got));
	if (first && t != SG_JSON_NONE) {
		d->offset = sg_json_offset(j, t);
		d->has_offset = 1;
	}
	return e;
}

SG_MUST_USE static sg_err
fail_at(const sg_json *j, size_t t, sg_diag *d, sg_err code, const char *what)
{
	return sg_diag_fail_at(d, code, what, sg_json_offset(j, t));
}

/* see json.h */
sg_err
sg_json_str(
	const sg_json *j, size_t t, const char *what, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	SG_TRY(sg_json_expect(j, t, VFJ_STRING, what, d));
	const uint8_t *p;
	size_t n;
	vfj_err e = vfj_str_span(&j->doc, t, &p, &n);
	if (e == VFJ_OK) {
		*out = sg_slice_make(p, n);
		return SG_OK;
	}
	if (e != VFJ_ERR_NOT_RAW)
		return fail_at(j, t, d, sg_json_err(e), what);
	/* A string with escapes needs room to be unescaped into; a caller without an arena gets
	 * an error, never a write through NULL. */
	if (arena == NULL)
		return fail_at(j, t, d, SG_ERR_ARG, what);
	/* Unescaping never lengthens a string: the raw span bounds the output. */
	const vfj_token *tok = &j->doc.toks[t];
	size_t cap = tok->end - tok->start;
	void *buf;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &buf, d));
	e = vfj_str_unescape(&j->doc, t, buf, cap, &n);
	if (e != VFJ_OK)
		return fail_at(j, t, d, sg_json_err(e), what);
	*out = sg_slice_make(buf, n);
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_b64(
	const sg_json *j, size_t t, const char *what, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	sg_slice s;
	SG_TRY(sg_json_str(j, t, what, arena, &s, d));
	/* Go's base64 decoder (behind protojson) skips '\r' and '\n', and real bundles carry
	 * line-wrapped values (e.g. `base64` output pasted into a timestamp field): drop them,
	 * and nothing else. */
	size_t nl = 0;
	for (size_t i = 0; i < s.len; i++)
		nl += s.p[i] == '\n' || s.p[i] == '\r';
	if (nl != 0) {
		void *flat;
		SG_TRY(sg_arena_get(arena, s.len - nl, &flat, d));
		uint8_t *w = flat;
		for (size_t i = 0; i < s.len; i++)
			if (s.p[i] != '\n' && s.p[i] != '\r')
				*w++ = s.p[i];
		s = sg_slice_make(flat, s.len - nl);
	}
	size_t cap = sg_b64_decoded_max(s.len);
	void *buf;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &buf, d));
	size_t n = 0;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	sg_err e = sg_b64_decode(s.p, s.len, SG_B64_ANY, buf, cap, &n, &inner);
	if (e != SG_OK) {
		/* Report the field, with the codec's reason and the offset inside the document. */
		size_t off = sg_json_offset(j, t) + 1 + (inner.has_offset ? inner.offset : 0);
		return sg_diag_fail_at(d, e, what, off);
	}
	*out = sg_slice_make(buf, n);
	return SG_OK;
}

/* Parse a decimal int64 string strictly: -?(0|[1-9][0-9]*), within int64. */
SG_MUST_USE static sg_err
parse_dec_i64(const uint8_t *p, size_t n, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	if (n > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i >= n)
		return SG_ERR_JSON_VALUE;
	if (p[i] == '0' && (n - i > 1 || neg))
		return SG_ERR_JSON_VALUE;
	/* Accumulate as a negative number so INT64_MIN fits. */
	int64_t v = 0;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return SG_ERR_JSON_VALUE;
		int64_t digit = (int64_t)(p[i] - '0');
		if (v < (INT64_MIN + digit) / 10)
			return SG_ERR_JSON_RANGE;
		v = v * 10 - digit;
	}
	if (!neg) {
		if (v == INT64_MIN)
			return SG_ERR_JSON_RANGE;
		v = -v;
	}
	*out = v;
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_int64(const sg_json *j, size_t t, const char *what, int64_t *out, sg_diag *d)
{
	*out = 0;
	vfj_type ty = vfj_type_of(&j->doc, t);
	if (ty == VFJ_NUMBER) {
		int64_t v;
		vfj_err e = vfj_i64(&j->doc, t, &v);
		if (e != VFJ_OK)
			return fail_at(j, t, d,
				e == VFJ_ERR_TYPE ? SG_ERR_JSON_VALUE : sg_json_err(e), what);
		*out = v;
		return SG_OK;
	}
	if (ty != VFJ_STRING)
		return sg_json_expect(j, t, VFJ_STRING, what, d);
	const uint8_t *p;
	size_t n;
	/* Digits never need escapes; an escaped integer string is not one a producer writes. */
	if (vfj_str_span(&j->doc, t, &p, &n) != VFJ_OK)
		return fail_at(j, t, d, SG_ERR_JSON_VALUE, what);
	int64_t v = 0;
	sg_err e = parse_dec_i64(p, n, &v);
	if (e != SG_OK)
		return fail_at(j, t, d, e, what);
	*out = v;
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_time(const sg_json *j, size_t t, const char *what, int64_t *out, sg_diag *d)
{
	*out = 0;
	SG_TRY(sg_json_expect(j, t, VFJ_STRING, what, d));
	const uint8_t *p;
	size_t n;
	if (vfj_str_span(&j->doc, t, &p, &n) != VFJ_OK)
		return fail_at(j, t, d, SG_ERR_JSON_VALUE, what);
	int64_t v;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_time_parse_rfc3339(p, n, &v, &inner) != SG_OK)
		return fail_at(j, t, d, SG_ERR_JSON_VALUE, what);
	*out = v;
	return SG_OK;
}

/* ---- member getters ---- */

/* Look up a member; null counts as absent. */
SG_MUST_USE static sg_err
member(const sg_json *j, size_t obj, const char *key, int required, const char *what, size_t *out,
	sg_diag *d)
{
	*out = SG_JSON_NONE;
	if (!vfj_is(&j->doc, obj, VFJ_OBJECT))
		return sg_json_expect(j, obj, VFJ_OBJECT, what, d);
	size_t t = vfj_obj_get(&j->doc, obj, key, strlen(key));
	if (t != SG_JSON_NONE && vfj_is(&j->doc, t, VFJ_NULL))
		t = SG_JSON_NONE;
	if (t == SG_JSON_NONE && required)
		return sg_diag_fail_at(d, SG_ERR_JSON_MISSING, what, sg_json_offset(j, obj));
	*out = t;
	return SG_OK;
}

/* member() for the typed getters with a `present` flag (may be NULL): cleared here, set by
 * present_if_ok() once the value converted. */
SG_MUST_USE static sg_err
member_p(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	size_t *out, int *present, sg_diag *d)
{
	if (present != NULL)
		*present = 0;
	return member(j, obj, key, required, what, out, d);
}

SG_MUST_USE static sg_err
present_if_ok(sg_err e, int *present)
{
	if (e == SG_OK && present != NULL)
		*present = 1;
	return e;
}

/* see json.h */
sg_err
sg_json_get_obj(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	size_t *out, sg_diag *d)
{
	SG_TRY(member(j, obj, key, required, what, out, d));
	if (*out == SG_JSON_NONE)
		return SG_OK;
	sg_err e = sg_json_expect(j, *out, VFJ_OBJECT, what, d);
	if (e != SG_OK)
		*out = SG_JSON_NONE;
	return e;
}

/* see json.h */
sg_err
sg_json_get_arr(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	size_t *out, size_t *count, sg_diag *d)
{
	*count = 0;
	SG_TRY(member(j, obj, key, required, what, out, d));
	if (*out == SG_JSON_NONE)
		return SG_OK;
	sg_err e = sg_json_expect(j, *out, VFJ_ARRAY, what, d);
	if (e != SG_OK) {
		*out = SG_JSON_NONE;
		return e;
	}
	*count = vfj_count(&j->doc, *out);
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_get_str(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	sg_arena *arena, sg_slice *out, int *present, sg_diag *d)
{
	size_t t;
	*out = sg_slice_make(NULL, 0);
	SG_TRY(member_p(j, obj, key, required, what, &t, present, d));
	if (t == SG_JSON_NONE)
		return SG_OK;
	return present_if_ok(sg_json_str(j, t, what, arena, out, d), present);
}

/* see json.h */
sg_err
sg_json_get_b64(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	sg_arena *arena, sg_slice *out, int *present, sg_diag *d)
{
	size_t t;
	*out = sg_slice_make(NULL, 0);
	SG_TRY(member_p(j, obj, key, required, what, &t, present, d));
	if (t == SG_JSON_NONE)
		return SG_OK;
	return present_if_ok(sg_json_b64(j, t, what, arena, out, d), present);
}

/* see json.h */
sg_err
sg_json_get_int64(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	int64_t *out, int *present, sg_diag *d)
{
	size_t t;
	*out = 0;
	SG_TRY(member_p(j, obj, key, required, what, &t, present, d));
	if (t == SG_JSON_NONE)
		return SG_OK;
	return present_if_ok(sg_json_int64(j, t, what, out, d), present);
}

/* see json.h */
sg_err
sg_json_get_time(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	int64_t *out, int *present, sg_diag *d)
{
	size_t t;
	*out = 0;
	SG_TRY(member_p(j, obj, key, required, what, &t, present, d));
	if (t == SG_JSON_NONE)
		return SG_OK;
	return present_if_ok(sg_json_time(j, t, what, out, d), present);
}

/* see json.h */
void
sg_json_w_start(vfj_writer *w, sg_buf *out, unsigned flags)
{
	/* callers checked out->overflow, so len <= cap */
	vfj_w_init(w, out->p + out->len, out->cap - out->len, flags);
}

/* see json.h */
sg_err
sg_json_w_finish(vfj_writer *w, sg_buf *out, const char *what, sg_diag *d)
{
	size_t n = 0;
	vfj_err e = vfj_w_finish(w, &n);
	if (e == VFJ_ERR_BUFFER) {
		out->overflow = 1;
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	}
	if (e != VFJ_OK)
		return sg_diag_failf(d, SG_ERR_ARG, what, "%s", vfj_err_str(e));
	out->len += n;
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_w_b64(vfj_writer *w, const uint8_t *p, size_t n, sg_arena *arena, sg_diag *d)
{
	size_t cap = sg_b64_encoded_len(n, SG_B64_PAD) + 1;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	if (sg_b64_encode(p, n, SG_B64_STD | SG_B64_PAD, &b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "base64");
	vfj_w_str(w, b.p, b.len);
	return SG_OK;
}

/* ---- OLPC canonical JSON (TUF) ---- */

/* One object member while its object is written: the unescaped key and the value token. */
struct olpc_member {
	sg_slice key;
	size_t value;
};

/* Sort members by key bytes, a proper prefix first (bottom-up merge sort through `tmp`, so
 * the time is n log n whatever the input: a hostile object may have tens of thousands of
 * members). Keys are unique (vfj refuses duplicates), so stability does not matter. */
static void
olpc_sort(struct olpc_member *m, struct olpc_member *tmp, size_t n)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = mid + w < n ? mid + w : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = sg_slice_less(m[b].key, m[a].key) ? m[b++] : m[a++];
			while (a < mid)
				tmp[k++] = m[a++];
			while (b < hi)
				tmp[k++] = m[b++];
		}
		memcpy(m, tmp, n * sizeof *m);
	}
}

/* A string in OLPC form: '"', the bytes with '"' and '\' escaped, '"'. */
static void
olpc_string(sg_buf *b, sg_slice s)
{
	sg_buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] != '"' && s.p[i] != '\\')
			continue;
		sg_buf_put(b, s.p + run, i - run);
		sg_buf_putc(b, '\\');
		run = i;
	}
	sg_buf_put(b, s.p + run, s.len - run);
	sg_buf_putc(b, '"');
}

SG_MUST_USE static sg_err
olpc_value(const sg_json *j, size_t t, sg_arena *arena, sg_buf *b, sg_diag *d)
{
	static const char what[] = "TUF canonical JSON";
	sg_slice s;
	switch (sg_json_type(j, t)) {
	case VFJ_STRING:
		SG_TRY(sg_json_str(j, t, what, arena, &s, d));
		olpc_string(b, s);
		return SG_OK;
	case VFJ_NUMBER: {
		int64_t v;
		if (vfj_i64(&j->doc, t, &v) != VFJ_OK)
			return sg_diag_failf_at(d, SG_ERR_UNSUPPORTED, what, sg_json_offset(j, t),
				"only integers within int64 are allowed");
		if (v < 0)
			sg_buf_putc(b, '-');
		sg_buf_put_dec(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
		return SG_OK;
	}
	case VFJ_TRUE:
		sg_buf_puts(b, "true");
		return SG_OK;
	case VFJ_FALSE:
		sg_buf_puts(b, "false");
		return SG_OK;
	case VFJ_NULL:
		sg_buf_puts(b, "null");
		return SG_OK;
	case VFJ_ARRAY:
		sg_buf_putc(b, '[');
		for (size_t e = sg_json_first(j, t); e != SG_JSON_NONE; e = sg_json_next(j, e)) {
			SG_TRY(olpc_value(j, e, arena, b, d));
			if (sg_json_next(j, e) != SG_JSON_NONE)
				sg_buf_putc(b, ',');
		}
		sg_buf_putc(b, ']');
		return SG_OK;
	case VFJ_OBJECT:
		break;
	default:
		return fail_at(j, t, d, SG_ERR_ARG, what);
	}
	size_t n = sg_json_count(j, t), bytes;
	struct olpc_member *m, *tmp;
	if (!sg_mul_ok(n != 0 ? n : 1, sizeof *m, &bytes))
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	SG_TRY(sg_arena_get(arena, bytes, (void **)&m, d));
	SG_TRY(sg_arena_get(arena, bytes, (void **)&tmp, d));
	size_t i = 0;
	for (size_t k = sg_json_first(j, t); k != SG_JSON_NONE && i < n; k = sg_json_next(j, k)) {
		SG_TRY(sg_json_str(j, k, what, arena, &m[i].key, d));
		m[i++].value = sg_json_first(j, k);
	}
	olpc_sort(m, tmp, i);
	sg_buf_putc(b, '{');
	for (size_t k = 0; k < i; k++) {
		if (k != 0)
			sg_buf_putc(b, ',');
		olpc_string(b, m[k].key);
		sg_buf_putc(b, ':');
		SG_TRY(olpc_value(j, m[k].value, arena, b, d));
	}
	sg_buf_putc(b, '}');
	return SG_OK;
}

/* see json.h */
sg_err
sg_json_canonical_olpc(const sg_json *j, size_t t, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	const uint8_t *raw;
	size_t len;
	if (vfj_raw(&j->doc, t, &raw, &len) != VFJ_OK)
		return sg_diag_fail(d, SG_ERR_ARG, "TUF canonical JSON");
	/* Nothing grows: an unescaped character is never longer than its escape, '"' and '\'
	 * keep their two-byte escapes, and integers are written as they must be read (JSON
	 * forbids leading zeros; "-0" shrinks). So the value's text bounds the output. */
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, len + 1, (void **)&mem, d));
	size_t mark = sg_arena_mark(arena);
	sg_buf b;
	sg_buf_init(&b, mem, len + 1);
	sg_err e = olpc_value(j, t, arena, &b, d);
	sg_arena_release(arena, mark);
	if (e == SG_OK && sg_buf_status(&b) != SG_OK)
		e = sg_diag_fail(d, SG_ERR_LIMIT, "TUF canonical JSON");
	if (e != SG_OK)
		return e;
	sg_arena_trim(arena, mem, b.len);
	*out = sg_buf_slice(&b);
	return SG_OK;
}
