/* Target functions: sg_der_any, sg_der_enter, sg_der_leave, sg_der_integer, sg_der_uint,
 * sg_der_int64, sg_der_bitstring, sg_der_bitstring_flags, sg_der_bool, sg_der_null,
 * sg_der_oid, sg_der_oid_text, sg_der_string, sg_der_time, sg_der_write_header,
 * sg_der_write_uint */
/* Walks the input as a sequence of DER elements, entering constructed ones (and OCTET STRING
 * contents when they parse) down to the depth cap. Invariants: DER is canonical, so each
 * element's header re-encodes to exactly the input bytes, an accepted non-negative INTEGER
 * re-encodes to the whole element, and an OID's dotted text encodes back to its bytes; every
 * typed reader either consumes exactly the element sg_der_any saw or leaves the cursor alone;
 * inner cursors stay inside their parent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/der.h"

static const uint8_t *base;
static size_t base_len;

static int
same(const sg_cur *a, const sg_cur *b)
{
	return a->p == b->p && a->n == b->n && a->off == b->off && a->depth == b->depth;
}

/* A typed reader's result at `at`: success consumes exactly up to `after`, failure nothing. */
static void
check_reader(sg_err e, const sg_cur *c, const sg_cur *at, const sg_cur *after)
{
	if (e == SG_OK ? !same(c, after) : !same(c, at))
		abort();
}

/* Dotted text back to content octets, compared with the original. */
static void
check_oid_text(sg_slice oid)
{
	char text[1024];
	if (sg_der_oid_text(oid, text, sizeof text) != SG_OK)
		return; /* an arc above 64 bits or too long: nothing to compare */
	uint64_t arcs[512];
	size_t na = 0;
	uint64_t v = 0;
	for (const char *p = text;; p++) {
		if (*p == '.' || *p == '\0') {
			if (na == 512)
				abort();
			arcs[na++] = v;
			v = 0;
			if (*p == '\0')
				break;
		} else {
			v = v * 10 + (uint64_t)(*p - '0');
		}
	}
	if (na < 2 || arcs[0] > 2)
		abort();
	uint8_t enc[1024];
	size_t w = 0;
	for (size_t i = 1; i < na; i++) {
		uint64_t x = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t tmp[10];
		size_t k = 0;
		do {
			tmp[k++] = (uint8_t)(x & 0x7f);
			x >>= 7;
		} while (x != 0);
		while (k > 0) {
			if (w == sizeof enc)
				abort();
			k--;
			enc[w++] = (uint8_t)(tmp[k] | (k > 0 ? 0x80u : 0u));
		}
	}
	if (w != oid.len || memcmp(enc, oid.p, w) != 0)
		abort();
}

static void walk(sg_cur *c);

static void
typed(uint8_t tag, const sg_cur *at, const sg_cur *after, sg_slice whole)
{
	sg_cur c = *at;
	sg_slice s;
	int64_t v;
	int b;
	uint32_t bits;
	switch (tag) {
	case SG_DER_INTEGER: {
		check_reader(sg_der_integer(&c, &s, NULL), &c, at, after);
		c = *at;
		check_reader(sg_der_int64(&c, &v, NULL), &c, at, after);
		c = *at;
		sg_err e = sg_der_uint(&c, &s, NULL);
		check_reader(e, &c, at, after);
		if (e == SG_OK) {
			/* Big magnitudes do not fit the buffer; the writer must then say so. */
			uint8_t buf[64];
			sg_buf w;
			sg_buf_init(&w, buf, sizeof buf);
			sg_der_write_uint(&w, s.p, s.len);
			e = sg_buf_status(&w);
			if (e == SG_OK ? (w.len != whole.len || memcmp(buf, whole.p, w.len) != 0)
				       : (e != SG_ERR_LIMIT || whole.len <= sizeof buf))
				abort();
		}
		break;
	}
	case SG_DER_BIT_STRING:
		check_reader(sg_der_bitstring(&c, &s, NULL), &c, at, after);
		c = *at;
		check_reader(sg_der_bitstring_flags(&c, &bits, NULL), &c, at, after);
		break;
	case SG_DER_BOOLEAN:
		check_reader(sg_der_bool(&c, &b, NULL), &c, at, after);
		break;
	case SG_DER_NULL:
		check_reader(sg_der_null(&c, NULL), &c, at, after);
		break;
	case SG_DER_OID:
		if (sg_der_oid(&c, &s, NULL) == SG_OK) {
			check_reader(SG_OK, &c, at, after);
			check_oid_text(s);
		} else {
			check_reader(SG_ERR_DER_OID, &c, at, after);
		}
		break;
	case SG_DER_UTF8STRING:
	case SG_DER_PRINTABLESTRING:
	case SG_DER_IA5STRING:
		check_reader(sg_der_string(&c, tag, &s, NULL), &c, at, after);
		break;
	case SG_DER_UTCTIME:
	case SG_DER_GENERALIZEDTIME:
		check_reader(sg_der_time(&c, &v, NULL), &c, at, after);
		break;
	default:
		break;
	}
}

static void
walk(sg_cur *c)
{
	/* Each iteration consumes at least 2 bytes, so this ends. */
	while (c->n > 0) {
		sg_cur at = *c;
		uint8_t tag;
		sg_slice v, w;
		if (sg_der_any(c, &tag, &v, &w, NULL) != SG_OK) {
			if (!same(c, &at))
				abort();
			return;
		}
		/* Views inside the parent; header re-encodes to the input bytes. */
		if (w.p != at.p || w.len > at.n || v.p + v.len != w.p + w.len || v.len > w.len ||
			c->n != at.n - w.len || c->off != at.off + w.len)
			abort();
		if (w.p < base || (size_t)(w.p - base) + w.len > base_len)
			abort();
		uint8_t hdr[8];
		sg_buf hb;
		sg_buf_init(&hb, hdr, sizeof hdr);
		sg_der_write_header(&hb, tag, v.len);
		if (sg_buf_status(&hb) != SG_OK || hb.len != w.len - v.len ||
			hb.len != sg_der_header_size(v.len) || memcmp(hdr, w.p, hb.len) != 0)
			abort();
		typed(tag, &at, c, w);
		if ((tag & 0x20) || tag == SG_DER_OCTET_STRING) {
			sg_cur t = at, in;
			sg_err e = sg_der_enter(&t, tag, &in, NULL);
			if (e == SG_ERR_DER_DEPTH) {
				if (!same(&t, &at) || at.depth < SG_MAX_DER_DEPTH)
					abort();
				continue;
			}
			if (e != SG_OK || !same(&t, c) || in.p != v.p || in.n != v.len ||
				in.depth != at.depth + 1 || in.off != at.off + (w.len - v.len))
				abort();
			walk(&in);
			if ((sg_der_leave(&in, NULL) == SG_OK) != (in.n == 0))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	base = data;
	base_len = size;
	sg_cur c;
	sg_cur_init(&c, data, size);
	walk(&c);
	return 0;
}
