/* Target functions: vfj_parse, vfj_canonicalize, vfj_str_unescape, vfj_obj_get, vfj_w_str */
/* fuzz_json: strict JSON tokenizer and RFC 8785 canonicalizer (vendor-free-json/vfj.c).
 * Invariants, each checked with abort():
 *   - a second parse gives the same result, error offset and tokens; counting mode agrees;
 *   - on failure the doc is zeroed and the offset lies within the input;
 *   - on success every token lies inside the input, links point forward/up consistently,
 *     child counts match, strings sit between quotes, containers between their brackets;
 *   - every string unescapes, compares equal to its unescaped bytes, and survives a writer
 *     round trip; every key is found by vfj_obj_get; integers survive a writer round trip;
 *   - canonical output re-parses with the same token count, and canonicalizing it again gives
 *     identical bytes; the only canonicalization failure of a valid document is an
 *     unsupported number.
 * Also exercised: vfj_str_eq, vfj_str_span, vfj_skip, vfj_i64, vfj_u64, vfj_w_i64.
 * No clock, files, randomness or network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vfj.h"

#define MAX_TOKS 16384
/* max_len is 64 KiB (json.options); canonical text is at most about 6x its input (a 4-byte
 * "1e20" becomes 21 digits), and an escaped string at most 6x plus quotes. Larger replayed
 * inputs may see VFJ_ERR_BUFFER, which is then tolerated. */
#define MAX_IN 65536
#define OUT_CAP (8 * MAX_IN + 64)

static vfj_token t1[MAX_TOKS], t2[MAX_TOKS], t3[MAX_TOKS];
static size_t counts[MAX_TOKS];
static uint8_t c1[OUT_CAP], c2[OUT_CAP];
static uint8_t sbuf[(1 << 20) + 16], sbuf2[(1 << 20) + 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_tokens(const vfj_token *a, const vfj_token *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
			a[i].parent != b[i].parent || a[i].next != b[i].next ||
			a[i].size != b[i].size || a[i].type != b[i].type ||
			a[i].flags != b[i].flags)
			abort();
	}
}

static void
check_tokens(const vfj_doc *d, const uint8_t *data, size_t size)
{
	const vfj_token *t = d->toks;
	size_t n = d->ntok;
	if (n == 0 || n > MAX_TOKS || d->json != data || d->len != size)
		abort();
	memset(counts, 0, n * sizeof counts[0]);
	for (size_t i = 0; i < n; i++) {
		if (t[i].start > t[i].end || t[i].end > size)
			abort();
		if ((t[i].parent == VFJ_NONE) != (i == 0))
			abort();
		if (i > 0) {
			if (t[i].parent >= i)
				abort();
			counts[t[i].parent]++;
		}
		if (t[i].next != VFJ_NONE &&
			(t[i].next <= i || t[i].next >= n || t[t[i].next].parent != t[i].parent))
			abort();
		if (vfj_skip(d, i) <= i || vfj_skip(d, i) > n)
			abort();
		switch (t[i].type) {
		case VFJ_STRING:
			if (t[i].start == 0 || t[i].end >= size || data[t[i].start - 1] != '"' ||
				data[t[i].end] != '"')
				abort();
			if ((t[i].flags & VFJ_TOK_KEY) &&
				(i == 0 || t[t[i].parent].type != VFJ_OBJECT || i + 1 >= n ||
					t[i + 1].parent != i))
				abort();
			break;
		case VFJ_OBJECT:
		case VFJ_ARRAY:
			if (t[i].end - t[i].start < 2 ||
				data[t[i].start] != (t[i].type == VFJ_OBJECT ? '{' : '[') ||
				data[t[i].end - 1] != (t[i].type == VFJ_OBJECT ? '}' : ']'))
				abort();
			break;
		case VFJ_NUMBER: {
			uint8_t c = t[i].end > t[i].start ? data[t[i].start] : 0;
			if (c != '-' && (c < '0' || c > '9'))
				abort();
			break;
		}
		case VFJ_TRUE:
		case VFJ_FALSE:
		case VFJ_NULL:
			if (t[i].end - t[i].start != (t[i].type == VFJ_FALSE ? 5u : 4u))
				abort();
			break;
		default:
			abort();
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (counts[i] != t[i].size)
			abort();
	}
	if (vfj_skip(d, 0) != n)
		abort();
}

/* Strings: unescape, compare, look keys up, and round-trip through the writer. */
static void
check_strings(const vfj_doc *d, size_t size)
{
	for (size_t i = 0; i < d->ntok; i++) {
		const vfj_token *t = &d->toks[i];
		size_t len = 0, len2 = 0, wlen = 0;
		if (t->type != VFJ_STRING)
			continue;
		/* Unescaping never lengthens a string. */
		if (vfj_str_unescape(d, i, sbuf, size + 1, &len) != VFJ_OK ||
			len > t->end - t->start)
			abort();
		if (!vfj_str_eq(d, i, (const char *)sbuf, len))
			abort();
		const uint8_t *p;
		size_t pn;
		vfj_err se = vfj_str_span(d, i, &p, &pn);
		bool raw_ok = se == VFJ_OK && pn == len && memcmp(p, sbuf, len) == 0;
		if ((t->flags & VFJ_TOK_ESCAPED) ? se != VFJ_ERR_NOT_RAW : !raw_ok)
			abort();
		if ((t->flags & VFJ_TOK_KEY) &&
			vfj_obj_get(d, t->parent, (const char *)sbuf, len) != i + 1)
			abort();
		vfj_writer w;
		vfj_w_init(&w, c2, sizeof c2, (unsigned)i & 3u);
		vfj_w_str(&w, sbuf, len);
		vfj_err we = vfj_w_finish(&w, &wlen);
		if (we == VFJ_ERR_BUFFER && 6 * len + 2 > sizeof c2)
			continue;
		if (we != VFJ_OK)
			abort();
		vfj_doc rd;
		if (vfj_parse(c2, wlen, t3, MAX_TOKS, NULL, &rd, NULL) != VFJ_OK || rd.ntok != 1)
			abort();
		if (vfj_str_unescape(&rd, 0, sbuf2, sizeof sbuf2, &len2) != VFJ_OK || len2 != len ||
			memcmp(sbuf, sbuf2, len) != 0)
			abort();
	}
}

/* Integers: the two accessors agree, and the writer reproduces the value. */
static void
check_numbers(const vfj_doc *d)
{
	for (size_t i = 0; i < d->ntok; i++) {
		int64_t v = 0, v2 = 0;
		uint64_t u = 0;
		size_t wlen = 0;
		if (d->toks[i].type != VFJ_NUMBER)
			continue;
		vfj_err ei = vfj_i64(d, i, &v), eu = vfj_u64(d, i, &u);
		if (!vfj_is_integer(d, i)) {
			if (ei != VFJ_ERR_TYPE || eu != VFJ_ERR_TYPE)
				abort();
			continue;
		}
		if (ei == VFJ_OK && eu == VFJ_OK && (v < 0 || (uint64_t)v != u))
			abort();
		if (ei != VFJ_OK)
			continue;
		vfj_writer w;
		vfj_doc rd;
		vfj_w_init(&w, c2, sizeof c2, 0);
		vfj_w_i64(&w, v);
		if (vfj_w_finish(&w, &wlen) != VFJ_OK)
			abort();
		if (vfj_parse(c2, wlen, t3, MAX_TOKS, NULL, &rd, NULL) != VFJ_OK ||
			vfj_i64(&rd, 0, &v2) != VFJ_OK || v2 != v)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vfj_doc d, d2, dc, cd;
	size_t off1 = 0, off2 = 0, offc = 0, coff = 0, l1 = 0, l2 = 0;
	vfj_err e1 = vfj_parse(data, size, t1, MAX_TOKS, NULL, &d, &off1);
	vfj_err e2 = vfj_parse(data, size, t2, MAX_TOKS, NULL, &d2, &off2);
	vfj_err ec = vfj_parse(data, size, NULL, 0, NULL, &dc, &offc);
	vfj_err ce = vfj_canonicalize(data, size, c1, sizeof c1, &l1, t3, MAX_TOKS, NULL, &coff);
	if (e1 != e2 || off1 != off2)
		abort();
	if (e1 != VFJ_OK) {
		if (d.toks != NULL || d.ntok != 0 || d.json != NULL)
			abort();
		if (off1 > size)
			abort();
		/* Counting mode differs only where tokens matter. */
		if (e1 != VFJ_ERR_DUPLICATE_KEY && e1 != VFJ_ERR_TOO_MANY_TOKENS &&
			(ec != e1 || offc != off1))
			abort();
		if (ce != e1 || coff != off1 || l1 != 0)
			abort();
		return 0;
	}
	if (d2.ntok != d.ntok || ec != VFJ_OK || dc.ntok != d.ntok || dc.toks != NULL)
		abort();
	same_tokens(t1, t2, d.ntok);
	check_tokens(&d, data, size);
	check_strings(&d, size);
	check_numbers(&d);

	if (ce == VFJ_ERR_UNSUPPORTED) {
		if (coff >= size || l1 != 0)
			abort();
		return 0;
	}
	if (ce == VFJ_ERR_BUFFER && size > MAX_IN)
		return 0;
	if (ce != VFJ_OK)
		abort();
	/* Canonical text re-parses to the same shape, and is a fixed point. */
	if (vfj_parse(c1, l1, t3, MAX_TOKS, NULL, &cd, NULL) != VFJ_OK || cd.ntok != d.ntok)
		abort();
	if (vfj_canonicalize(c1, l1, c2, sizeof c2, &l2, t3, MAX_TOKS, NULL, NULL) != VFJ_OK ||
		l2 != l1 || memcmp(c1, c2, l1) != 0)
		abort();
	return 0;
}
