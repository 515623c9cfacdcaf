/* der: strict bounded DER reader and small writer. See der.h.
 *
 * Implementation notes (ITU-T X.690 08/2015, as profiled by RFC 5280):
 *   - Identifier octets (§8.1.2): only the low-tag-number form; a tag number of 31 announces
 *     the high-tag-number form, which no certificate field uses, so it is rejected. Universal
 *     tag 0 (end-of-contents) only occurs in indefinite encodings and is rejected too.
 *     DER encodes strings primitively (§10.2) and SEQUENCE/SET constructed (§8.9, §8.11), so the
 *     constructed bit of a universal tag must match its type.
 *   - Length octets (§8.1.3, §10.1): definite form only (0x80, indefinite, is rejected), the
 *     short form for lengths below 128, and the long form without leading zero octets. At most
 *     4 length octets: nothing we parse comes near 4 GiB.
 *   - Contents: INTEGER minimal two's complement (§8.3.2); BOOLEAN 0x00/0xFF (§11.1); BIT STRING
 *     unused bits 0-7 and zero (§11.2.1), named-bit lists without trailing zero bits (§11.2.2);
 *     NULL empty (§8.8); OBJECT IDENTIFIER subidentifiers minimal base-128 (§8.19.2); UTCTime
 *     and GeneralizedTime in the exact RFC 5280 §4.1.2.5.1/§4.1.2.5.2 forms (seconds present,
 *     'Z', no fractions; UTCTime YY >= 50 is 19YY).
 *   - The running-limit discipline (after BearSSL): sg_der_enter carves the inner length out of
 *     the outer cursor, so an inner read can never pass the enclosing element, and
 *     sg_der_leave requires the inner cursor to be empty.
 *   - Every reader works on a copy of the cursor and commits it only on success. */
#include "parse/der.h"

#include "base/timeutil.h"

#include <string.h>

#include "base/limits.h"
#include "base/text.h"

/* One parsed header. */
typedef struct der_hdr {
	uint8_t tag;
	size_t hdr_len; /* identifier + length octets */
	size_t len;     /* contents length */
} der_hdr;

SG_MUST_USE static sg_err
fail_at(sg_diag *d, sg_err code, const char *what, const sg_cur *c)
{
	return sg_diag_fail_at(d, code, what, c->off);
}

/* Parse the identifier and length octets at the cursor without moving it, and check that the
 * contents fit in what remains. */
SG_MUST_USE static sg_err
read_header(const sg_cur *c, der_hdr *h, sg_diag *d)
{
	if (c->n < 2)
		return fail_at(d, SG_ERR_DER_TRUNCATED, "DER header", c);
	uint8_t tag = c->p[0];
	if ((tag & 0x1fu) == 0x1fu)
		return fail_at(d, SG_ERR_DER_TAG, "DER high tag number form", c);
	if ((tag & 0xc0u) == 0) {
		unsigned num = tag & 0x1fu;
		int constructed = (tag & 0x20u) != 0;
		/* EXTERNAL, EMBEDDED PDV, SEQUENCE, SET and CHARACTER STRING are constructed. */
		int must = num == 8 || num == 11 || num == 16 || num == 17 || num == 29;
		if (num == 0 || constructed != must)
			return fail_at(d, SG_ERR_DER_TAG, "DER tag", c);
	}
	uint8_t l0 = c->p[1];
	size_t len, hl;
	if (l0 < 0x80) {
		len = l0;
		hl = 2;
	} else {
		size_t k = l0 & 0x7fu;
		if (k == 0)
			return fail_at(d, SG_ERR_DER_LENGTH, "DER indefinite length", c);
		if (k > 4)
			return fail_at(d, SG_ERR_DER_LENGTH, "DER length too long", c);
		if (c->n - 2 < k)
			return fail_at(d, SG_ERR_DER_TRUNCATED, "DER length", c);
		if (c->p[2] == 0)
			return fail_at(d, SG_ERR_DER_LENGTH, "DER non-minimal length", c);
		uint64_t v = 0;
		for (size_t i = 0; i < k; i++)
			v = (v << 8) | c->p[2 + i];
		if (v < 0x80)
			return fail_at(d, SG_ERR_DER_LENGTH, "DER non-minimal length", c);
		if (v > SIZE_MAX)
			return fail_at(d, SG_ERR_DER_TRUNCATED, "DER contents", c);
		len = (size_t)v;
		hl = 2 + k;
	}
	if (len > c->n - hl)
		return fail_at(d, SG_ERR_DER_TRUNCATED, "DER contents", c);
	h->tag = tag;
	h->hdr_len = hl;
	h->len = len;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_peek(const sg_cur *c, uint8_t *tag)
{
	if (c->n == 0) {
		*tag = 0;
		return SG_ERR_DER_TRUNCATED;
	}
	*tag = c->p[0];
	return SG_OK;
}

/* see der.h */
int
sg_der_next_is(const sg_cur *c, uint8_t tag)
{
	return c->n > 0 && c->p[0] == tag;
}

/* Read one element and advance. */
SG_MUST_USE static sg_err
read_elem(sg_cur *c, der_hdr *h, sg_slice *value, sg_slice *whole, sg_diag *d)
{
	SG_TRY(read_header(c, h, d));
	if (value != NULL)
		*value = sg_slice_make(c->p + h->hdr_len, h->len);
	if (whole != NULL)
		*whole = sg_slice_make(c->p, h->hdr_len + h->len);
	c->p += h->hdr_len + h->len;
	c->n -= h->hdr_len + h->len;
	c->off += h->hdr_len + h->len;
	return SG_OK;
}

static void
zero_slice(sg_slice *s)
{
	if (s != NULL) {
		s->p = NULL;
		s->len = 0;
	}
}

/* see der.h */
sg_err
sg_der_any(sg_cur *c, uint8_t *tag, sg_slice *value, sg_slice *whole, sg_diag *d)
{
	der_hdr h;
	sg_err e = read_elem(c, &h, value, whole, d);
	if (e != SG_OK) {
		if (tag != NULL)
			*tag = 0;
		zero_slice(value);
		zero_slice(whole);
		return e;
	}
	if (tag != NULL)
		*tag = h.tag;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_expect(sg_cur *c, uint8_t tag, sg_slice *value, sg_slice *whole, sg_diag *d)
{
	zero_slice(value);
	zero_slice(whole);
	if (c->n == 0)
		return fail_at(d, SG_ERR_DER_TRUNCATED, "DER element", c);
	if (c->p[0] != tag) {
		return sg_diag_failf_at(d, SG_ERR_DER_TAG, "DER element", c->off,
			"expected tag 0x%02x, got 0x%02x", tag, c->p[0]);
	}
	der_hdr h;
	sg_cur t = *c;
	sg_err e = read_elem(&t, &h, value, whole, d);
	if (e != SG_OK) {
		zero_slice(value);
		zero_slice(whole);
		return e;
	}
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_enter(sg_cur *c, uint8_t tag, sg_cur *inner, sg_diag *d)
{
	memset(inner, 0, sizeof *inner);
	if (c->depth >= SG_MAX_DER_DEPTH)
		return fail_at(d, SG_ERR_DER_DEPTH, "DER nesting", c);
	sg_cur t = *c;
	sg_slice v, w;
	SG_TRY(sg_der_expect(&t, tag, &v, &w, d));
	inner->p = v.p;
	inner->n = v.len;
	inner->off = c->off + (w.len - v.len);
	inner->depth = c->depth + 1;
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_leave(const sg_cur *inner, sg_diag *d)
{
	if (inner->n != 0)
		return fail_at(d, SG_ERR_DER_TRAILING, "DER element", inner);
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_enter_optional(sg_cur *c, uint8_t tag, sg_cur *inner, int *present, sg_diag *d)
{
	*present = 0;
	if (!sg_der_next_is(c, tag)) {
		memset(inner, 0, sizeof *inner);
		inner->off = c->off;
		inner->depth = c->depth;
		return SG_OK;
	}
	SG_TRY(sg_der_enter(c, tag, inner, d));
	*present = 1;
	return SG_OK;
}

/* Read an element of a fixed primitive tag on a copy of the cursor; the caller validates the
 * contents and commits with *c = t. */
SG_MUST_USE static sg_err
prim(const sg_cur *c, sg_cur *t, uint8_t tag, sg_slice *v, sg_diag *d)
{
	*t = *c;
	return sg_der_expect(t, tag, v, NULL, d);
}

/* see der.h */
sg_err
sg_der_integer(sg_cur *c, sg_slice *content, sg_diag *d)
{
	sg_cur t;
	sg_slice v;
	zero_slice(content);
	SG_TRY(prim(c, &t, SG_DER_INTEGER, &v, d));
	if (v.len == 0)
		return fail_at(d, SG_ERR_DER_INTEGER, "DER INTEGER empty", c);
	/* Minimal: the first 9 bits are neither all zero nor all one (X.690 §8.3.2). */
	if (v.len > 1 && ((v.p[0] == 0x00 && !(v.p[1] & 0x80)) ||
				 (v.p[0] == 0xff && (v.p[1] & 0x80))))
		return fail_at(d, SG_ERR_DER_INTEGER, "DER INTEGER not minimal", c);
	*content = v;
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_uint(sg_cur *c, sg_slice *magnitude, sg_diag *d)
{
	sg_cur t = *c;
	sg_slice v;
	zero_slice(magnitude);
	SG_TRY(sg_der_integer(&t, &v, d));
	if (v.p[0] & 0x80)
		return fail_at(d, SG_ERR_DER_INTEGER, "DER INTEGER negative", c);
	if (v.len > 1 && v.p[0] == 0) {
		v.p++;
		v.len--;
	}
	*magnitude = v;
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_int64(sg_cur *c, int64_t *out, sg_diag *d)
{
	sg_cur t = *c;
	sg_slice v;
	*out = 0;
	SG_TRY(sg_der_integer(&t, &v, d));
	if (v.len > 8)
		return fail_at(d, SG_ERR_DER_INTEGER, "DER INTEGER too large", c);
	/* Sign-extend from the first octet, then shift in the rest, all in unsigned arithmetic. */
	uint64_t x = (v.p[0] & 0x80) ? UINT64_MAX : 0;
	for (size_t i = 0; i < v.len; i++)
		x = (x << 8) | v.p[i];
	*out = (x > (uint64_t)INT64_MAX) ? -(int64_t)(UINT64_MAX - x) - 1 : (int64_t)x;
	*c = t;
	return SG_OK;
}

/* BIT STRING contents: the unused-bit count (0-7, 0 when empty) and zero unused bits. */
SG_MUST_USE static sg_err
bitstring(sg_cur *c, sg_cur *t, sg_slice *bytes, unsigned *unused, sg_diag *d)
{
	sg_slice v;
	SG_TRY(prim(c, t, SG_DER_BIT_STRING, &v, d));
	if (v.len == 0 || v.p[0] > 7 || (v.len == 1 && v.p[0] != 0))
		return fail_at(d, SG_ERR_DER_BITSTRING, "DER BIT STRING", c);
	unsigned u = v.p[0];
	if (v.len > 1 && (v.p[v.len - 1] & ((1u << u) - 1u)) != 0)
		return fail_at(d, SG_ERR_DER_BITSTRING, "DER BIT STRING unused bits", c);
	*bytes = sg_slice_make(v.p + 1, v.len - 1);
	*unused = u;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_bitstring(sg_cur *c, sg_slice *bytes, sg_diag *d)
{
	sg_cur t;
	sg_slice b;
	unsigned u;
	zero_slice(bytes);
	SG_TRY(bitstring(c, &t, &b, &u, d));
	if (u != 0)
		return fail_at(d, SG_ERR_DER_BITSTRING, "DER BIT STRING not octet-aligned", c);
	*bytes = b;
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_bitstring_flags(sg_cur *c, uint32_t *bits, sg_diag *d)
{
	sg_cur t;
	sg_slice b;
	unsigned u;
	*bits = 0;
	SG_TRY(bitstring(c, &t, &b, &u, d));
	if (b.len > 4)
		return fail_at(d, SG_ERR_DER_BITSTRING, "DER BIT STRING too many bits", c);
	/* X.690 §11.2.2: trailing 0 bits of a named-bit list are dropped, so the last used bit
	 * is a one. */
	if (b.len > 0 && !(b.p[b.len - 1] & (1u << u)))
		return fail_at(d, SG_ERR_DER_BITSTRING, "DER BIT STRING trailing zero bits", c);
	uint32_t x = 0;
	for (size_t i = 0; i < b.len * 8; i++) {
		if (b.p[i / 8] & (0x80u >> (i % 8)))
			x |= 1u << i;
	}
	*bits = x;
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_octets(sg_cur *c, sg_slice *v, sg_diag *d)
{
	sg_cur t;
	zero_slice(v);
	SG_TRY(prim(c, &t, SG_DER_OCTET_STRING, v, d));
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_null(sg_cur *c, sg_diag *d)
{
	sg_cur t;
	sg_slice v;
	SG_TRY(prim(c, &t, SG_DER_NULL, &v, d));
	if (v.len != 0)
		return fail_at(d, SG_ERR_DER_LENGTH, "DER NULL", c);
	*c = t;
	return SG_OK;
}

/* see der.h */
sg_err
sg_der_bool(sg_cur *c, int *out, sg_diag *d)
{
	sg_cur t;
	sg_slice v;
	*out = 0;
	SG_TRY(prim(c, &t, SG_DER_BOOLEAN, &v, d));
	if (v.len != 1 || (v.p[0] != 0x00 && v.p[0] != 0xff))
		return fail_at(d, SG_ERR_DER_BOOLEAN, "DER BOOLEAN", c);
	*out = v.p[0] == 0xff;
	*c = t;
	return SG_OK;
}

/* OID contents: non-empty, each subidentifier minimal (no leading 0x80) and complete. */
static int
oid_valid(sg_slice o)
{
	if (o.len == 0 || (o.p[o.len - 1] & 0x80))
		return 0;
	int start = 1;
	for (size_t i = 0; i < o.len; i++) {
		if (start && o.p[i] == 0x80)
			return 0;
		start = !(o.p[i] & 0x80);
	}
	return 1;
}

/* see der.h */
sg_err
sg_der_oid(sg_cur *c, sg_slice *oid, sg_diag *d)
{
	sg_cur t;
	sg_slice v;
	zero_slice(oid);
	SG_TRY(prim(c, &t, SG_DER_OID, &v, d));
	if (!oid_valid(v))
		return fail_at(d, SG_ERR_DER_OID, "DER OBJECT IDENTIFIER", c);
	*oid = v;
	*c = t;
	return SG_OK;
}

/* see der.h */
int
sg_der_oid_eq(sg_slice oid, const uint8_t *enc, size_t len)
{
	return oid.len == len && (len == 0 || memcmp(oid.p, enc, len) == 0);
}

/* Append the decimal text of v to out[*w..cap); 0 when it does not fit (room kept for NUL). */
static int
put_dec(char *out, size_t cap, size_t *w, uint64_t v)
{
	char tmp[20];
	size_t k = sizeof tmp;
	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	size_t n = sizeof tmp - k;
	if (cap - *w <= n)
		return 0;
	memcpy(out + *w, tmp + k, n);
	*w += n;
	return 1;
}

/* see der.h */
sg_err
sg_der_oid_text(sg_slice oid, char *out, size_t cap)
{
	sg_err e = SG_ERR_LIMIT;
	size_t w = 0;
	if (cap == 0)
		return SG_ERR_LIMIT;
	out[0] = '\0';
	if (!oid_valid(oid))
		return SG_ERR_DER_OID;
	uint64_t v = 0;
	int first = 1;
	for (size_t i = 0; i < oid.len; i++) {
		if (v > (UINT64_MAX >> 7)) {
			e = SG_ERR_DER_OID;
			goto fail;
		}
		v = (v << 7) | (oid.p[i] & 0x7fu);
		if (oid.p[i] & 0x80)
			continue;
		if (first) {
			/* X.690 §8.19.4: the first subidentifier packs the first two arcs. */
			uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
			if (!put_dec(out, cap, &w, a) || cap - w <= 1)
				goto fail;
			out[w++] = '.';
			if (!put_dec(out, cap, &w, v - a * 40))
				goto fail;
			first = 0;
		} else {
			if (cap - w <= 1)
				goto fail;
			out[w++] = '.';
			if (!put_dec(out, cap, &w, v))
				goto fail;
		}
		v = 0;
	}
	out[w] = '\0';
	return SG_OK;
fail:
	memset(out, 0, cap);
	return e;
}

/* X.680 §41.4 PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
static int
printable_char(uint8_t ch)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
		return 1;
	return ch != 0 && memchr(" '()+,-./:=?", ch, 12) != NULL;
}

/* see der.h */
sg_err
sg_der_check_string(uint8_t tag, sg_slice s, sg_diag *d)
{
	/* NUL is refused in every kind: a name with an embedded NUL reads differently to code
	 * that stops at the first NUL (the "null prefix" certificate attack). */
	if (s.len > 0 && memchr(s.p, 0, s.len) != NULL)
		return sg_diag_fail(d, SG_ERR_DER_STRING, "DER string contains NUL");
	switch (tag) {
	case SG_DER_UTF8STRING:
		if (!sg_utf8_valid(s.p, s.len))
			return sg_diag_fail(d, SG_ERR_DER_STRING, "DER UTF8String");
		return SG_OK;
	case SG_DER_PRINTABLESTRING:
		for (size_t i = 0; i < s.len; i++) {
			if (!printable_char(s.p[i]))
				return sg_diag_fail(d, SG_ERR_DER_STRING, "DER PrintableString");
		}
		return SG_OK;
	case SG_DER_IA5STRING:
		for (size_t i = 0; i < s.len; i++) {
			if (s.p[i] >= 0x80)
				return sg_diag_fail(d, SG_ERR_DER_STRING, "DER IA5String");
		}
		return SG_OK;
	default:
		return sg_diag_fail(d, SG_ERR_DER_STRING, "DER string type not supported");
	}
}

/* see der.h */
sg_err
sg_der_string(sg_cur *c, uint8_t tag, sg_slice *s, sg_diag *d)
{
	sg_cur t;
	sg_slice v;
	zero_slice(s);
	SG_TRY(prim(c, &t, tag, &v, d));
	sg_err e = sg_der_check_string(tag, v, NULL);
	if (e != SG_OK)
		return fail_at(d, e, "DER string", c);
	*s = v;
	*c = t;
	return SG_OK;
}

/* `n` decimal digits at p as a number, or -1. */

/* Parse YYYYMMDDHHMMSS (or YYMMDDHHMMSS when ylen is 2) followed by 'Z'. */
static int
parse_time(sg_slice v, size_t ylen, int64_t *out)
{
	if (v.len != ylen + 11 || v.p[v.len - 1] != 'Z')
		return 0;
	int64_t y, mo, dd, hh, mi, ss;
	if (!sg_digits(v.p, ylen, &y) || !sg_digits(v.p + ylen, 2, &mo) ||
		!sg_digits(v.p + ylen + 2, 2, &dd) || !sg_digits(v.p + ylen + 4, 2, &hh) ||
		!sg_digits(v.p + ylen + 6, 2, &mi) || !sg_digits(v.p + ylen + 8, 2, &ss))
		return 0;
	if (ylen == 2)
		y += y >= 50 ? 1900 : 2000; /* RFC 5280 §4.1.2.5.1 */
	/* Range checks (month, day of month with leap years, hour, minute, second < 60: RFC 5280
	 * times carry no leap seconds) live in timeutil. */
	if (sg_time_from_fields((int)y, (int)mo, (int)dd, (int)hh, (int)mi, (int)ss, out) != SG_OK)
		return 0;
	return 1;
}

/* see der.h */
sg_err
sg_der_time(sg_cur *c, int64_t *unix_seconds, sg_diag *d)
{
	*unix_seconds = 0;
	uint8_t tag;
	if (sg_der_peek(c, &tag) != SG_OK)
		return fail_at(d, SG_ERR_DER_TRUNCATED, "DER time", c);
	if (tag != SG_DER_UTCTIME && tag != SG_DER_GENERALIZEDTIME)
		return fail_at(d, SG_ERR_DER_TAG, "DER time", c);
	sg_cur t;
	sg_slice v;
	SG_TRY(prim(c, &t, tag, &v, d));
	int64_t s;
	if (!parse_time(v, tag == SG_DER_UTCTIME ? 2 : 4, &s))
		return fail_at(d, SG_ERR_DER_TIME, tag == SG_DER_UTCTIME ? "DER UTCTime"
			: "DER GeneralizedTime", c);
	*unix_seconds = s;
	*c = t;
	return SG_OK;
}

/* ---- writer ---- */

/* see der.h */
size_t
sg_der_header_size(size_t len)
{
	size_t k = 0;
	if (len >= 0x80) {
		for (size_t x = len; x != 0; x >>= 8)
			k++;
	}
	return 2 + k;
}

/* see der.h */
void
sg_der_write_header(sg_buf *b, uint8_t tag, size_t len)
{
	uint8_t h[6];
	size_t n = 0;
	if (len > 0xffffffffu) {
		b->overflow = 1;
		return;
	}
	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else {
		size_t k = sg_der_header_size(len) - 2;
		h[n++] = (uint8_t)(0x80u | k);
		for (size_t i = k; i > 0; i--)
			h[n++] = (uint8_t)(len >> (8 * (i - 1)));
	}
	sg_buf_put(b, h, n);
}

/* see der.h */
void
sg_der_write(sg_buf *b, uint8_t tag, const uint8_t *value, size_t len)
{
	sg_der_write_header(b, tag, len);
	sg_buf_put(b, value, len);
}

/* see der.h */
void
sg_der_write_uint(sg_buf *b, const uint8_t *mag, size_t len)
{
	while (len > 0 && mag[0] == 0) {
		mag++;
		len--;
	}
	static const uint8_t zero = 0;
	if (len == 0) {
		sg_der_write(b, SG_DER_INTEGER, &zero, 1);
		return;
	}
	int sign = (mag[0] & 0x80) != 0;
	sg_der_write_header(b, SG_DER_INTEGER, len + (size_t)sign);
	if (sign)
		sg_buf_putc(b, 0);
	sg_buf_put(b, mag, len);
}
