/* Unit tests for der: a real certificate (made with openssl for this test; certificates are
 * public data) walked element by element and as every proper prefix, the header rules (lengths
 * in minimal definite form, low tag numbers, constructed bits), nesting bounds and the depth
 * cap, each content helper with good and bad encodings, time conversion at the edges, and the
 * writer cross-checked against the certificate's own SPKI and ECDSA signature encodings. Every
 * input sits just before a guard page, and every failure is checked to leave the cursor alone. */
#include <stdint.h>
#include <string.h>

#include "parse/der.h"
#include "guard.h"
#include "base/limits.h"
#include "runner.h"

/* openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=t -days 1
 * -outform DER: notBefore 261125002350Z, notAfter 261126002350Z, basicConstraints CA:TRUE. */
static const uint8_t cert_der[] = {
	0x30, 0x82, 0x01, 0x6e, 0x30, 0x82, 0x01, 0x13, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x14, 0x11, 0x82, 0xc6, 0x19, 0x08, 0xfd, 0x93, 0x47, 0x11,
	0xf8, 0xb0, 0x7b, 0x17, 0xa1, 0x54, 0x40, 0x6b, 0x03, 0xfe, 0xb9, 0x30,
	0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30,
	0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01,
	0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x35, 0x30,
	0x30, 0x32, 0x33, 0x35, 0x30, 0x5a, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31,
	0x32, 0x36, 0x30, 0x30, 0x32, 0x33, 0x35, 0x30, 0x5a, 0x30, 0x0c, 0x31,
	0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x74, 0x30,
	0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42,
	0x00, 0x04, 0xa9, 0xd8, 0x3a, 0x40, 0x6f, 0xba, 0x31, 0xba, 0x17, 0x17,
	0x18, 0xf3, 0x5a, 0x7d, 0x3d, 0x9f, 0xeb, 0x25, 0x31, 0xc5, 0x47, 0xcf,
	0x97, 0xdb, 0x0a, 0x21, 0xec, 0x94, 0x34, 0x97, 0x4a, 0xa0, 0x42, 0x9e,
	0xf8, 0x6e, 0x75, 0xa8, 0xcb, 0xc4, 0x08, 0x46, 0x17, 0x7d, 0x36, 0x68,
	0x87, 0xfd, 0x7d, 0xed, 0x1b, 0x91, 0xe6, 0x07, 0xb6, 0xe9, 0x85, 0xcb,
	0x1b, 0x2e, 0x6b, 0x40, 0xbd, 0x2b, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d,
	0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x1c, 0xa5, 0x95,
	0xcb, 0xc7, 0x25, 0x86, 0x6d, 0xd6, 0xbb, 0xb0, 0x02, 0x22, 0x69, 0x14,
	0xf3, 0x45, 0x89, 0xc5, 0x82, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23,
	0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x1c, 0xa5, 0x95, 0xcb, 0xc7, 0x25,
	0x86, 0x6d, 0xd6, 0xbb, 0xb0, 0x02, 0x22, 0x69, 0x14, 0xf3, 0x45, 0x89,
	0xc5, 0x82, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff,
	0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46,
	0x02, 0x21, 0x00, 0x9f, 0xe4, 0xd7, 0xb6, 0x7a, 0x1b, 0x92, 0x5e, 0x15,
	0xe4, 0x0f, 0xc0, 0x37, 0xc0, 0xc4, 0xba, 0x06, 0xed, 0x74, 0x97, 0xff,
	0xf1, 0x80, 0x92, 0xd5, 0x87, 0xd9, 0x72, 0x11, 0x3c, 0xe7, 0x93, 0x02,
	0x21, 0x00, 0xfa, 0xc5, 0xd9, 0x43, 0x61, 0x46, 0xbb, 0x66, 0x49, 0x77,
	0x5f, 0x22, 0xe7, 0x06, 0x4b, 0x52, 0x25, 0xdd, 0x89, 0x78, 0xa1, 0x8c,
	0x70, 0x52, 0x8f, 0x31, 0xba, 0x83, 0xdf, 0x3c, 0x60, 0x2f
};


/* Place `len` bytes before a guard page and point a fresh cursor at them. */
static sg_cur
cur(const void *p, size_t len)
{
	sg_cur c;
	sg_cur_init(&c, guard_put(p, len), len);
	return c;
}

#define CUR(arr) cur((arr), sizeof(arr))

static int
same(const sg_cur *a, const sg_cur *b)
{
	return a->p == b->p && a->n == b->n && a->off == b->off && a->depth == b->depth;
}

/* Walk every element, entering constructed ones. */
static sg_err
walk(sg_cur *c, size_t *count)
{
	while (c->n > 0) {
		uint8_t tag;
		SG_TRY(sg_der_peek(c, &tag));
		if (tag & 0x20) {
			sg_cur in;
			SG_TRY(sg_der_enter(c, tag, &in, NULL));
			SG_TRY(walk(&in, count));
			SG_TRY(sg_der_leave(&in, NULL));
		} else {
			SG_TRY(sg_der_any(c, NULL, NULL, NULL, NULL));
		}
		(*count)++;
	}
	return SG_OK;
}

static sg_err
parse_cert(sg_cur *c, size_t *count)
{
	sg_cur in;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &in, NULL));
	SG_TRY(walk(&in, count));
	SG_TRY(sg_der_leave(&in, NULL));
	return sg_cur_end(c);
}

static const uint8_t oid_ecdsa_sha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t oid_ec_pub[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t oid_p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

static void
test_certificate(void)
{
	sg_cur c = CUR(cert_der);
	size_t count = 0;
	CHECK_OK(parse_cert(&c, &count));
	CHECK(count == 39); /* elements below the outer SEQUENCE: openssl asn1parse lists 40 */

	/* Field by field, as x509 will read it. */
	c = CUR(cert_der);
	sg_cur cert, tbs, x, y;
	sg_slice s, tbs_whole;
	int64_t v;
	int b, present;
	CHECK_OK(sg_der_enter(&c, SG_DER_SEQUENCE, &cert, NULL));
	CHECK(cert.off == 4 && cert.depth == 1);
	sg_cur peek = cert;
	CHECK_OK(sg_der_expect(&peek, SG_DER_SEQUENCE, NULL, &tbs_whole, NULL));
	CHECK(tbs_whole.p == cert.p && tbs_whole.len == 279);
	CHECK_OK(sg_der_enter(&cert, SG_DER_SEQUENCE, &tbs, NULL));
	CHECK_OK(sg_der_enter_optional(&tbs, SG_DER_CTX(0), &x, &present, NULL));
	CHECK(present == 1);
	CHECK_OK(sg_der_int64(&x, &v, NULL));
	CHECK(v == 2);
	CHECK_OK(sg_der_leave(&x, NULL));
	CHECK_OK(sg_der_uint(&tbs, &s, NULL));
	CHECK(s.len == 20 && s.p[0] == 0x11 && s.p[19] == 0xb9);
	CHECK_OK(sg_der_enter(&tbs, SG_DER_SEQUENCE, &x, NULL));
	CHECK_OK(sg_der_oid(&x, &s, NULL));
	CHECK(sg_der_oid_eq(s, oid_ecdsa_sha256, sizeof oid_ecdsa_sha256));
	CHECK(!sg_der_oid_eq(s, oid_ec_pub, sizeof oid_ec_pub));
	CHECK_OK(sg_der_leave(&x, NULL));
	/* issuer: SET { SEQUENCE { OID cn, UTF8String "t" } } */
	CHECK_OK(sg_der_enter(&tbs, SG_DER_SEQUENCE, &x, NULL));
	CHECK_OK(sg_der_enter(&x, SG_DER_SET, &y, NULL));
	sg_cur z;
	CHECK_OK(sg_der_enter(&y, SG_DER_SEQUENCE, &z, NULL));
	CHECK(z.depth == 5);
	CHECK_OK(sg_der_oid(&z, &s, NULL));
	CHECK_OK(sg_der_string(&z, SG_DER_UTF8STRING, &s, NULL));
	CHECK(s.len == 1 && s.p[0] == 't');
	CHECK_OK(sg_der_leave(&z, NULL));
	CHECK_OK(sg_der_leave(&y, NULL));
	CHECK_OK(sg_der_leave(&x, NULL));
	CHECK_OK(sg_der_enter(&tbs, SG_DER_SEQUENCE, &x, NULL));
	CHECK_OK(sg_der_time(&x, &v, NULL));
	CHECK(v == 1795566230);
	CHECK_OK(sg_der_time(&x, &v, NULL));
	CHECK(v == 1795652630);
	CHECK_OK(sg_der_leave(&x, NULL));
	CHECK_OK(sg_der_any(&tbs, NULL, NULL, NULL, NULL)); /* subject */
	CHECK_OK(sg_der_enter(&tbs, SG_DER_SEQUENCE, &x, NULL)); /* SPKI */
	CHECK_OK(sg_der_enter(&x, SG_DER_SEQUENCE, &y, NULL));
	CHECK_OK(sg_der_oid(&y, &s, NULL));
	CHECK(sg_der_oid_eq(s, oid_ec_pub, sizeof oid_ec_pub));
	CHECK_OK(sg_der_oid(&y, &s, NULL));
	CHECK(sg_der_oid_eq(s, oid_p256, sizeof oid_p256));
	CHECK_OK(sg_der_leave(&y, NULL));
	CHECK_OK(sg_der_bitstring(&x, &s, NULL));
	CHECK(s.len == 65 && s.p[0] == 0x04);
	CHECK_OK(sg_der_leave(&x, NULL));
	/* Optional fields: [1] and [2] absent, [3] extensions present. */
	CHECK_OK(sg_der_enter_optional(&tbs, SG_DER_CTX_PRIM(1), &x, &present, NULL));
	CHECK(present == 0 && x.n == 0);
	CHECK_OK(sg_der_enter_optional(&tbs, SG_DER_CTX(3), &x, &present, NULL));
	CHECK(present == 1);
	CHECK_OK(sg_der_enter(&x, SG_DER_SEQUENCE, &y, NULL));
	CHECK_OK(sg_der_any(&y, NULL, NULL, NULL, NULL));
	CHECK_OK(sg_der_any(&y, NULL, NULL, NULL, NULL));
	CHECK_OK(sg_der_enter(&y, SG_DER_SEQUENCE, &z, NULL)); /* basicConstraints */
	CHECK_OK(sg_der_oid(&z, &s, NULL));
	CHECK_OK(sg_der_bool(&z, &b, NULL));
	CHECK(b == 1);
	/* The extension value is DER inside an OCTET STRING: enter it. */
	sg_cur ev, bc;
	CHECK_OK(sg_der_enter(&z, SG_DER_OCTET_STRING, &ev, NULL));
	CHECK_OK(sg_der_enter(&ev, SG_DER_SEQUENCE, &bc, NULL));
	CHECK_OK(sg_der_bool(&bc, &b, NULL));
	CHECK(b == 1);
	CHECK_OK(sg_der_leave(&bc, NULL));
	CHECK_OK(sg_der_leave(&ev, NULL));
	CHECK_OK(sg_der_leave(&z, NULL));
	CHECK_OK(sg_der_leave(&y, NULL));
	CHECK_OK(sg_der_leave(&x, NULL));
	CHECK_OK(sg_der_leave(&tbs, NULL));
	CHECK_OK(sg_der_enter(&cert, SG_DER_SEQUENCE, &x, NULL));
	CHECK_OK(sg_der_oid(&x, &s, NULL));
	CHECK_OK(sg_der_leave(&x, NULL));
	CHECK_OK(sg_der_bitstring(&cert, &s, NULL));
	CHECK(s.len == 72);
	CHECK_OK(sg_der_leave(&cert, NULL));
	CHECK_OK(sg_cur_end(&c));
}

static void
test_every_prefix(void)
{
	int all_failed = 1, all_truncated = 1, none_moved = 1;
	for (size_t len = 0; len < sizeof cert_der; len++) {
		sg_cur c = cur(cert_der, len);
		sg_cur before = c;
		size_t count = 0;
		sg_err e = parse_cert(&c, &count);
		if (e == SG_OK)
			all_failed = 0;
		if (e != SG_ERR_DER_TRUNCATED)
			all_truncated = 0;
		if (!same(&c, &before))
			none_moved = 0;
	}
	CHECK(all_failed);
	CHECK(all_truncated);
	CHECK(none_moved);
	/* One byte more is trailing data after the certificate. */
	uint8_t longer[sizeof cert_der + 1];
	memcpy(longer, cert_der, sizeof cert_der);
	longer[sizeof cert_der] = 0;
	sg_cur c = CUR(longer);
	size_t count = 0;
	CHECK_ERR(parse_cert(&c, &count), SG_ERR_TRAILING);
}

/* sg_der_any on `p` must fail with `want` and leave the cursor alone. */
static int
any_fails(const void *p, size_t len, sg_err want)
{
	sg_cur c = cur(p, len), before = c;
	uint8_t tag = 0x55;
	sg_slice v = {(const uint8_t *)"x", 1}, w = v;
	sg_diag d;
	sg_diag_init(&d, "t");
	sg_err e = sg_der_any(&c, &tag, &v, &w, &d);
	return e == want && same(&c, &before) && tag == 0 && v.p == NULL && v.len == 0 &&
		w.p == NULL && d.code == want && d.has_offset && d.offset == 0;
}

#define ANY_FAILS(arr, code) CHECK(any_fails((arr), sizeof(arr), (code)))

static void
test_headers(void)
{
	static const uint8_t long_small[] = {0x04, 0x81, 0x05, 1, 2, 3, 4, 5};
	static const uint8_t lead_zero[] = {0x04, 0x82, 0x00, 0x80};
	static const uint8_t indefinite[] = {0x30, 0x80, 0x04, 0x00, 0x00, 0x00};
	static const uint8_t five[] = {0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
	static const uint8_t huge[] = {0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00};
	static const uint8_t len_trunc[] = {0x04, 0x82, 0x01};
	static const uint8_t one[] = {0x04};
	static const uint8_t short_val[] = {0x04, 0x03, 0x01, 0x02};
	static const uint8_t high_tag[] = {0x1f, 0x01, 0x00};
	static const uint8_t high_ctx[] = {0xbf, 0x81, 0x00, 0x00};
	static const uint8_t eoc[] = {0x00, 0x00};
	static const uint8_t cons_octets[] = {0x24, 0x02, 0x04, 0x00};
	static const uint8_t prim_seq[] = {0x10, 0x00};
	static const uint8_t prim_set[] = {0x11, 0x00};
	ANY_FAILS(long_small, SG_ERR_DER_LENGTH);
	ANY_FAILS(lead_zero, SG_ERR_DER_LENGTH);
	ANY_FAILS(indefinite, SG_ERR_DER_LENGTH);
	ANY_FAILS(five, SG_ERR_DER_LENGTH);
	ANY_FAILS(huge, SG_ERR_DER_TRUNCATED);
	ANY_FAILS(len_trunc, SG_ERR_DER_TRUNCATED);
	ANY_FAILS(one, SG_ERR_DER_TRUNCATED);
	ANY_FAILS(short_val, SG_ERR_DER_TRUNCATED);
	ANY_FAILS(high_tag, SG_ERR_DER_TAG);
	ANY_FAILS(high_ctx, SG_ERR_DER_TAG);
	ANY_FAILS(eoc, SG_ERR_DER_TAG);
	ANY_FAILS(cons_octets, SG_ERR_DER_TAG);
	ANY_FAILS(prim_seq, SG_ERR_DER_TAG);
	ANY_FAILS(prim_set, SG_ERR_DER_TAG);
	CHECK(any_fails("", 0, SG_ERR_DER_TRUNCATED));

	/* Lengths at the short/long boundaries, read and written. */
	static const size_t lens[] = {0, 1, 127, 128, 255, 256, 65535, 65536};
	static uint8_t buf[65536 + 8];
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		sg_buf b;
		sg_buf_init(&b, buf, sizeof buf);
		memset(buf, 0x5a, sizeof buf);
		sg_der_write_header(&b, SG_DER_OCTET_STRING, lens[i]);
		CHECK_OK(sg_buf_status(&b));
		CHECK(b.len == sg_der_header_size(lens[i]));
		size_t total = b.len + lens[i];
		sg_cur c = cur(buf, total);
		uint8_t tag;
		sg_slice v, w;
		CHECK_OK(sg_der_any(&c, &tag, &v, &w, NULL));
		CHECK(tag == SG_DER_OCTET_STRING && v.len == lens[i] && w.len == total && c.n == 0);
	}
	CHECK(sg_der_header_size(0) == 2 && sg_der_header_size(127) == 2);
	CHECK(sg_der_header_size(128) == 3 && sg_der_header_size(256) == 4);
	CHECK(sg_der_header_size(0x1000000) == 6);
	/* Exact bytes of a few headers. */
	sg_buf b;
	sg_buf_init(&b, buf, sizeof buf);
	sg_der_write_header(&b, 0x30, 128);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write_header(&b, 0x04, 0x10000);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == 8 && memcmp(buf, "\x30\x81\x80\x04\x83\x01\x00\x00", 8) == 0);
#if SIZE_MAX > 0xffffffffu
	sg_buf_init(&b, buf, sizeof buf);
	sg_der_write_header(&b, 0x04, (size_t)0x100000000u);
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
#endif

	/* A 4-byte length that fits is accepted. */
	static uint8_t big[6 + 0x1000000];
	big[0] = 0x04;
	big[1] = 0x84;
	big[2] = 0x01;
	big[3] = 0x00;
	big[4] = 0x00;
	big[5] = 0x00;
	sg_cur c;
	sg_cur_init(&c, big, 6 + 0x1000000 - 1);
	CHECK_ERR(sg_der_any(&c, NULL, NULL, NULL, NULL), SG_ERR_DER_TRUNCATED);
	sg_cur_init(&c, big, sizeof big);
	CHECK_OK(sg_der_any(&c, NULL, NULL, NULL, NULL));
	CHECK(c.n == 0);
	big[2] = 0x00;
	big[3] = 0xff;
	sg_cur_init(&c, big, 6 + 0xff0000);
	CHECK_ERR(sg_der_any(&c, NULL, NULL, NULL, NULL), SG_ERR_DER_LENGTH); /* not minimal */
	big[1] = 0x83;
	big[2] = 0xff;
	big[3] = 0x00;
	sg_cur_init(&c, big, 5 + 0xff0000);
	CHECK_OK(sg_der_any(&c, NULL, NULL, NULL, NULL));
	CHECK(c.n == 0);
}

static void
test_nesting(void)
{
	/* The inner OCTET STRING claims 5 bytes; the input has them, the SEQUENCE does not. */
	static const uint8_t over[] = {0x30, 0x03, 0x04, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05};
	sg_cur c = CUR(over), in;
	sg_slice s;
	CHECK_OK(sg_der_enter(&c, SG_DER_SEQUENCE, &in, NULL));
	CHECK(in.n == 3 && in.off == 2 && c.n == 4 && c.off == 5);
	sg_cur before = in;
	CHECK_ERR(sg_der_octets(&in, &s, NULL), SG_ERR_DER_TRUNCATED);
	CHECK(same(&in, &before) && s.p == NULL && s.len == 0);
	sg_diag d;
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_der_leave(&in, &d), SG_ERR_DER_TRAILING);
	CHECK(d.has_offset && d.offset == 2);

	/* Wrong tag: nothing moves; the diag names both tags. */
	c = CUR(over);
	before = c;
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_der_enter(&c, SG_DER_SET, &in, &d), SG_ERR_DER_TAG);
	CHECK(same(&c, &before) && d.has_offset && d.offset == 0 && d.detail[0] != '\0');
	CHECK_ERR(sg_der_expect(&c, SG_DER_INTEGER, &s, NULL, NULL), SG_ERR_DER_TAG);
	CHECK(same(&c, &before));
	int present = 7;
	CHECK_OK(sg_der_enter_optional(&c, SG_DER_CTX(0), &in, &present, NULL));
	CHECK(present == 0 && same(&c, &before) && in.n == 0);
	sg_cur empty = cur("", 0);
	CHECK_OK(sg_der_enter_optional(&empty, SG_DER_CTX(0), &in, &present, NULL));
	CHECK(present == 0);
	uint8_t tag = 9;
	CHECK_ERR(sg_der_peek(&empty, &tag), SG_ERR_DER_TRUNCATED);
	CHECK(tag == 0 && !sg_der_next_is(&empty, 0));

	/* Depth: SG_MAX_DER_DEPTH nested SEQUENCEs enter, one more does not. */
	uint8_t nest[2 * (SG_MAX_DER_DEPTH + 1)];
	size_t k = SG_MAX_DER_DEPTH + 1;
	for (size_t i = 0; i < k; i++) {
		nest[2 * i] = SG_DER_SEQUENCE;
		nest[2 * i + 1] = (uint8_t)(2 * (k - 1 - i));
	}
	c = CUR(nest);
	sg_cur levels[SG_MAX_DER_DEPTH + 2];
	levels[0] = c;
	int ok = 1;
	for (size_t i = 0; i < SG_MAX_DER_DEPTH; i++) {
		if (sg_der_enter(&levels[i], SG_DER_SEQUENCE, &levels[i + 1], NULL) != SG_OK)
			ok = 0;
	}
	CHECK(ok && levels[SG_MAX_DER_DEPTH].depth == SG_MAX_DER_DEPTH);
	before = levels[SG_MAX_DER_DEPTH];
	CHECK_ERR(sg_der_enter(&levels[SG_MAX_DER_DEPTH], SG_DER_SEQUENCE,
			&levels[SG_MAX_DER_DEPTH + 1], NULL), SG_ERR_DER_DEPTH);
	CHECK(same(&levels[SG_MAX_DER_DEPTH], &before));
	size_t count = 0;
	c = CUR(nest);
	CHECK_ERR(walk(&c, &count), SG_ERR_DER_DEPTH);
}

static void
test_integers(void)
{
	static const uint8_t zero[] = {0x02, 0x01, 0x00};
	static const uint8_t empty[] = {0x02, 0x00};
	static const uint8_t nm_pos[] = {0x02, 0x02, 0x00, 0x7f};
	static const uint8_t nm_neg[] = {0x02, 0x02, 0xff, 0x80};
	static const uint8_t p128[] = {0x02, 0x02, 0x00, 0x80};
	static const uint8_t m128[] = {0x02, 0x01, 0x80};
	static const uint8_t m129[] = {0x02, 0x02, 0xff, 0x7f};
	static const uint8_t max64[] = {0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t min64[] = {0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t over64[] = {0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t not_int[] = {0x04, 0x01, 0x00};
	sg_cur c, before;
	sg_slice s;
	int64_t v;

	c = CUR(zero);
	CHECK_OK(sg_der_uint(&c, &s, NULL));
	CHECK(s.len == 1 && s.p[0] == 0 && c.n == 0);
	c = CUR(zero);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == 0);

	c = CUR(empty);
	before = c;
	CHECK_ERR(sg_der_integer(&c, &s, NULL), SG_ERR_DER_INTEGER);
	CHECK(same(&c, &before));
	c = CUR(nm_pos);
	CHECK_ERR(sg_der_integer(&c, &s, NULL), SG_ERR_DER_INTEGER);
	c = CUR(nm_pos);
	CHECK_ERR(sg_der_uint(&c, &s, NULL), SG_ERR_DER_INTEGER);
	c = CUR(nm_neg);
	before = c;
	CHECK_ERR(sg_der_int64(&c, &v, NULL), SG_ERR_DER_INTEGER);
	CHECK(same(&c, &before));

	c = CUR(p128);
	CHECK_OK(sg_der_integer(&c, &s, NULL));
	CHECK(s.len == 2);
	c = CUR(p128);
	CHECK_OK(sg_der_uint(&c, &s, NULL));
	CHECK(s.len == 1 && s.p[0] == 0x80);
	c = CUR(p128);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == 128);

	c = CUR(m128);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == -128);
	c = CUR(m128);
	before = c;
	CHECK_ERR(sg_der_uint(&c, &s, NULL), SG_ERR_DER_INTEGER);
	CHECK(same(&c, &before) && s.p == NULL);
	c = CUR(m129);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == -129);
	c = CUR(max64);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == INT64_MAX);
	c = CUR(min64);
	CHECK_OK(sg_der_int64(&c, &v, NULL));
	CHECK(v == INT64_MIN);
	c = CUR(over64);
	v = 5;
	CHECK_ERR(sg_der_int64(&c, &v, NULL), SG_ERR_DER_INTEGER);
	CHECK(v == 0 && c.n == sizeof over64);
	c = CUR(over64);
	CHECK_OK(sg_der_uint(&c, &s, NULL));
	CHECK(s.len == 8 && s.p[0] == 0x80);
	c = CUR(not_int);
	CHECK_ERR(sg_der_integer(&c, &s, NULL), SG_ERR_DER_TAG);
}

static void
test_simple_types(void)
{
	static const uint8_t t[] = {0x01, 0x01, 0xff};
	static const uint8_t f[] = {0x01, 0x01, 0x00};
	static const uint8_t b1[] = {0x01, 0x01, 0x01};
	static const uint8_t b2[] = {0x01, 0x02, 0xff, 0xff};
	static const uint8_t b0[] = {0x01, 0x00};
	static const uint8_t null_ok[] = {0x05, 0x00};
	static const uint8_t null_bad[] = {0x05, 0x01, 0x00};
	static const uint8_t oct[] = {0x04, 0x03, 'a', 'b', 'c'};
	sg_cur c, before;
	int v;
	sg_slice s;
	c = CUR(t);
	CHECK_OK(sg_der_bool(&c, &v, NULL));
	CHECK(v == 1 && c.n == 0);
	c = CUR(f);
	CHECK_OK(sg_der_bool(&c, &v, NULL));
	CHECK(v == 0);
	c = CUR(b1);
	before = c;
	CHECK_ERR(sg_der_bool(&c, &v, NULL), SG_ERR_DER_BOOLEAN);
	CHECK(same(&c, &before));
	c = CUR(b2);
	CHECK_ERR(sg_der_bool(&c, &v, NULL), SG_ERR_DER_BOOLEAN);
	c = CUR(b0);
	CHECK_ERR(sg_der_bool(&c, &v, NULL), SG_ERR_DER_BOOLEAN);
	c = CUR(null_ok);
	CHECK_OK(sg_der_null(&c, NULL));
	c = CUR(null_bad);
	before = c;
	CHECK_ERR(sg_der_null(&c, NULL), SG_ERR_DER_LENGTH);
	CHECK(same(&c, &before));
	c = CUR(oct);
	CHECK_OK(sg_der_octets(&c, &s, NULL));
	CHECK(s.len == 3 && memcmp(s.p, "abc", 3) == 0);
}

static void
test_bitstrings(void)
{
	static const uint8_t ok[] = {0x03, 0x02, 0x00, 0xaa};
	static const uint8_t empty[] = {0x03, 0x01, 0x00};
	static const uint8_t nocount[] = {0x03, 0x00};
	static const uint8_t empty_unused[] = {0x03, 0x01, 0x01};
	static const uint8_t unused8[] = {0x03, 0x02, 0x08, 0x00};
	static const uint8_t unused_set[] = {0x03, 0x02, 0x01, 0xab};
	static const uint8_t unaligned[] = {0x03, 0x02, 0x01, 0xaa};
	static const uint8_t ku_ds[] = {0x03, 0x02, 0x07, 0x80};
	static const uint8_t ku_trailing0[] = {0x03, 0x02, 0x06, 0x80};
	static const uint8_t ku_zero_byte[] = {0x03, 0x03, 0x07, 0x80, 0x00};
	static const uint8_t ku_two[] = {0x03, 0x03, 0x07, 0x04, 0x80};
	static const uint8_t ku_big[] = {0x03, 0x06, 0x00, 1, 1, 1, 1, 1};
	sg_cur c, before;
	sg_slice s;
	uint32_t bits;
	c = CUR(ok);
	CHECK_OK(sg_der_bitstring(&c, &s, NULL));
	CHECK(s.len == 1 && s.p[0] == 0xaa);
	c = CUR(empty);
	CHECK_OK(sg_der_bitstring(&c, &s, NULL));
	CHECK(s.len == 0);
	c = CUR(empty);
	CHECK_OK(sg_der_bitstring_flags(&c, &bits, NULL));
	CHECK(bits == 0);
	c = CUR(nocount);
	CHECK_ERR(sg_der_bitstring(&c, &s, NULL), SG_ERR_DER_BITSTRING);
	c = CUR(empty_unused);
	CHECK_ERR(sg_der_bitstring(&c, &s, NULL), SG_ERR_DER_BITSTRING);
	c = CUR(unused8);
	CHECK_ERR(sg_der_bitstring_flags(&c, &bits, NULL), SG_ERR_DER_BITSTRING);
	c = CUR(unused_set);
	before = c;
	CHECK_ERR(sg_der_bitstring_flags(&c, &bits, NULL), SG_ERR_DER_BITSTRING);
	CHECK(same(&c, &before));
	c = CUR(unaligned);
	before = c;
	CHECK_ERR(sg_der_bitstring(&c, &s, NULL), SG_ERR_DER_BITSTRING);
	CHECK(same(&c, &before) && s.p == NULL);
	c = CUR(unaligned);
	CHECK_OK(sg_der_bitstring_flags(&c, &bits, NULL));
	CHECK(bits == 0x55);
	c = CUR(ku_ds);
	CHECK_OK(sg_der_bitstring_flags(&c, &bits, NULL));
	CHECK(bits == 1);
	c = CUR(ku_two);
	CHECK_OK(sg_der_bitstring_flags(&c, &bits, NULL));
	CHECK(bits == ((1u << 5) | (1u << 8)));
	c = CUR(ku_trailing0);
	CHECK_ERR(sg_der_bitstring_flags(&c, &bits, NULL), SG_ERR_DER_BITSTRING);
	c = CUR(ku_zero_byte);
	CHECK_ERR(sg_der_bitstring_flags(&c, &bits, NULL), SG_ERR_DER_BITSTRING);
	c = CUR(ku_big);
	CHECK_ERR(sg_der_bitstring_flags(&c, &bits, NULL), SG_ERR_DER_BITSTRING);
}

/* Read an OID element and render it. */
static int
oid_text_is(const uint8_t *p, size_t len, const char *want)
{
	sg_cur c = cur(p, len);
	sg_slice o;
	char text[96];
	if (sg_der_oid(&c, &o, NULL) != SG_OK || c.n != 0)
		return 0;
	if (sg_der_oid_text(o, text, sizeof text) != SG_OK)
		return 0;
	return strcmp(text, want) == 0;
}

#define OID_IS(arr, s) CHECK(oid_text_is((arr), sizeof(arr), (s)))

static void
test_oids(void)
{
	static const uint8_t fulcio[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30,
		0x01, 0x01};
	static const uint8_t san[] = {0x06, 0x03, 0x55, 0x1d, 0x11};
	static const uint8_t ecdsa[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
	static const uint8_t two999[] = {0x06, 0x03, 0x88, 0x37, 0x03};
	static const uint8_t zero[] = {0x06, 0x01, 0x00};
	static const uint8_t max_arc[] = {0x06, 0x0b, 0x2a, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0x7f};
	static const uint8_t big_arc[] = {0x06, 0x0c, 0x2a, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 0x80, 0x80, 0x80, 0x00};
	static const uint8_t empty[] = {0x06, 0x00};
	static const uint8_t lead80[] = {0x06, 0x02, 0x80, 0x01};
	static const uint8_t lead80_mid[] = {0x06, 0x03, 0x2a, 0x80, 0x01};
	static const uint8_t open_end[] = {0x06, 0x02, 0x2a, 0x86};
	OID_IS(fulcio, "1.3.6.1.4.1.57264.1.1");
	OID_IS(san, "2.5.29.17");
	OID_IS(ecdsa, "1.2.840.10045.4.3.2");
	OID_IS(two999, "2.999.3");
	OID_IS(zero, "0.0");
	OID_IS(max_arc, "1.2.18446744073709551615");

	sg_cur c = CUR(big_arc), before;
	sg_slice o;
	char text[64];
	CHECK_OK(sg_der_oid(&c, &o, NULL)); /* valid DER, just too big to print */
	memset(text, 'x', sizeof text);
	CHECK_ERR(sg_der_oid_text(o, text, sizeof text), SG_ERR_DER_OID);
	CHECK(text[0] == '\0' && text[63] == '\0');
	static const uint8_t *const bad[] = {empty, lead80, lead80_mid, open_end};
	static const size_t bad_len[] = {sizeof empty, sizeof lead80, sizeof lead80_mid,
		sizeof open_end};
	for (size_t i = 0; i < 4; i++) {
		c = cur(bad[i], bad_len[i]);
		before = c;
		CHECK_ERR(sg_der_oid(&c, &o, NULL), SG_ERR_DER_OID);
		CHECK(same(&c, &before) && o.p == NULL);
		CHECK_ERR(sg_der_oid_text(sg_slice_make(bad[i] + 2, bad_len[i] - 2), text,
				sizeof text), SG_ERR_DER_OID);
	}

	/* Capacity: "2.5.29.17" needs 10 bytes with the NUL. */
	o = sg_slice_make(san + 2, 3);
	CHECK_OK(sg_der_oid_text(o, text, 10));
	CHECK(strcmp(text, "2.5.29.17") == 0);
	for (size_t cap = 0; cap < 10; cap++)
		CHECK_ERR(sg_der_oid_text(o, text, cap), SG_ERR_LIMIT);
	CHECK(sg_der_oid_eq(o, san + 2, 3) && !sg_der_oid_eq(o, san + 2, 2));
}

static void
test_strings(void)
{
	static const uint8_t utf8[] = {0x0c, 0x06, 'h', 0xc3, 0xa9, 0xe2, 0x82, 0xac};
	static const uint8_t utf8_4[] = {0x0c, 0x04, 0xf0, 0x9f, 0x98, 0x80};
	static const uint8_t overlong[] = {0x0c, 0x02, 0xc0, 0x80};
	static const uint8_t overlong3[] = {0x0c, 0x03, 0xe0, 0x80, 0xaf};
	static const uint8_t surrogate[] = {0x0c, 0x03, 0xed, 0xa0, 0x80};
	static const uint8_t too_big[] = {0x0c, 0x04, 0xf4, 0x90, 0x80, 0x80};
	static const uint8_t cut[] = {0x0c, 0x02, 0xe2, 0x82};
	static const uint8_t lone_cont[] = {0x0c, 0x01, 0x80};
	static const uint8_t nul[] = {0x0c, 0x03, 'a', 0x00, 'b'};
	static const uint8_t printable[] = {0x13, 0x0d, 'S', 'i', 'g', 's', 't', 'o', 'r', 'e', ' ',
		'(', '1', ')', '.'};
	static const uint8_t printable_at[] = {0x13, 0x03, 'a', '@', 'b'};
	static const uint8_t printable_star[] = {0x13, 0x02, '*', '.'};
	static const uint8_t ia5[] = {0x16, 0x05, 'a', '@', 'b', '.', 'c'};
	static const uint8_t ia5_high[] = {0x16, 0x02, 'a', 0xe9};
	sg_cur c, before;
	sg_slice s;
	c = CUR(utf8);
	CHECK_OK(sg_der_string(&c, SG_DER_UTF8STRING, &s, NULL));
	CHECK(s.len == 6);
	c = CUR(utf8_4);
	CHECK_OK(sg_der_string(&c, SG_DER_UTF8STRING, &s, NULL));
	static const uint8_t *const bad_utf8[] = {overlong, overlong3, surrogate, too_big, cut,
		lone_cont, nul};
	static const size_t bad_utf8_len[] = {sizeof overlong, sizeof overlong3, sizeof surrogate,
		sizeof too_big, sizeof cut, sizeof lone_cont, sizeof nul};
	for (size_t i = 0; i < 7; i++) {
		c = cur(bad_utf8[i], bad_utf8_len[i]);
		before = c;
		sg_diag d;
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_der_string(&c, SG_DER_UTF8STRING, &s, &d), SG_ERR_DER_STRING);
		CHECK(same(&c, &before) && s.p == NULL && d.code == SG_ERR_DER_STRING);
	}
	c = CUR(printable);
	CHECK_OK(sg_der_string(&c, SG_DER_PRINTABLESTRING, &s, NULL));
	c = CUR(printable_at);
	CHECK_ERR(sg_der_string(&c, SG_DER_PRINTABLESTRING, &s, NULL), SG_ERR_DER_STRING);
	c = CUR(printable_star);
	CHECK_ERR(sg_der_string(&c, SG_DER_PRINTABLESTRING, &s, NULL), SG_ERR_DER_STRING);
	c = CUR(ia5);
	CHECK_OK(sg_der_string(&c, SG_DER_IA5STRING, &s, NULL));
	c = CUR(ia5_high);
	CHECK_ERR(sg_der_string(&c, SG_DER_IA5STRING, &s, NULL), SG_ERR_DER_STRING);
	/* A tag mismatch is a tag error, not a string error. */
	c = CUR(ia5);
	CHECK_ERR(sg_der_string(&c, SG_DER_UTF8STRING, &s, NULL), SG_ERR_DER_TAG);
	CHECK_OK(sg_der_check_string(SG_DER_IA5STRING, sg_slice_make("x@y", 3), NULL));
	CHECK_ERR(sg_der_check_string(SG_DER_BMPSTRING, sg_slice_make("\0x", 2), NULL),
		SG_ERR_DER_STRING);
	CHECK_ERR(sg_der_check_string(SG_DER_T61STRING, sg_slice_make("x", 1), NULL),
		SG_ERR_DER_STRING);
}

/* Parse a time element built from `tag` and the text `s`. */
static sg_err
time_of(uint8_t tag, const char *s, int64_t *v)
{
	uint8_t buf[64];
	size_t n = strlen(s);
	buf[0] = tag;
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, s, n);
	sg_cur c = cur(buf, n + 2), before = c;
	sg_err e = sg_der_time(&c, v, NULL);
	if (e != SG_OK && (!same(&c, &before) || *v != 0))
		return SG_ERR_INTERNAL;
	if (e == SG_OK && c.n != 0)
		return SG_ERR_INTERNAL;
	return e;
}

#define UTC SG_DER_UTCTIME
#define GEN SG_DER_GENERALIZEDTIME

static void
test_times(void)
{
	int64_t v;
	CHECK_OK(time_of(UTC, "491231235959Z", &v));
	CHECK(v == 2524607999);
	CHECK_OK(time_of(UTC, "500101000000Z", &v));
	CHECK(v == -631152000);
	CHECK_OK(time_of(UTC, "700101000000Z", &v));
	CHECK(v == 0);
	CHECK_OK(time_of(GEN, "19700101000000Z", &v));
	CHECK(v == 0);
	CHECK_OK(time_of(GEN, "20240229120000Z", &v));
	CHECK(v == 1709208000);
	CHECK_OK(time_of(GEN, "20000229000000Z", &v));
	CHECK(v == 951782400);
	CHECK_OK(time_of(UTC, "000229000000Z", &v));
	CHECK(v == 951782400);
	CHECK_OK(time_of(GEN, "99991231235959Z", &v));
	CHECK(v == 253402300799);
	CHECK_OK(time_of(GEN, "00010101000000Z", &v));
	CHECK(v == -62135596800);
	CHECK_OK(time_of(UTC, "261125002350Z", &v));
	CHECK(v == 1795566230);
	CHECK_OK(time_of(GEN, "20241231235959Z", &v));
	CHECK(v == 1735689599);
	CHECK_OK(time_of(GEN, "00000301000000Z", &v)); /* year 0 is a leap year */
	CHECK(v == -62162035200);

	static const char *const bad_gen[] = {
		"20230229000000Z", /* not a leap year */
		"19000229000000Z", /* century, not a leap year */
		"20240230000000Z", "20240431000000Z", "20240132000000Z", "20240100000000Z",
		"20240001000000Z", "20241301000000Z", "20240101240000Z", "20240101006000Z",
		"20240101000060Z", "20240101000000z", "20240101000000", "2024010100000Z",
		"202401010000000Z", "20240101000000.5Z", "20240101000000+0000", "2024-1010000000Z",
		"2024010100000 Z", "202401010000Z",
	};
	for (size_t i = 0; i < sizeof bad_gen / sizeof bad_gen[0]; i++)
		CHECK_ERR(time_of(GEN, bad_gen[i], &v), SG_ERR_DER_TIME);
	static const char *const bad_utc[] = {
		"230229000000Z", "240101240000Z", "2401010000Z", "240101000000",
		"240101000000+0000",
		"20240101000000Z", "2401010000000Z", "24010100000aZ",
	};
	for (size_t i = 0; i < sizeof bad_utc / sizeof bad_utc[0]; i++)
		CHECK_ERR(time_of(UTC, bad_utc[i], &v), SG_ERR_DER_TIME);
	CHECK_ERR(time_of(SG_DER_PRINTABLESTRING, "240101000000Z", &v), SG_ERR_DER_TAG);
	sg_cur c = cur("", 0);
	CHECK_ERR(sg_der_time(&c, &v, NULL), SG_ERR_DER_TRUNCATED);
}

static void
test_writer(void)
{
	uint8_t mem[256];
	sg_buf b;
	static const uint8_t m0[] = {0x00, 0x00, 0x80};
	static const uint8_t m1[] = {0x7f};
	static const uint8_t m2[] = {0x01, 0x00};
	static const uint8_t mz[] = {0x00, 0x00};
	sg_buf_init(&b, mem, sizeof mem);
	sg_der_write_uint(&b, m0, sizeof m0);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write_uint(&b, m1, sizeof m1);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write_uint(&b, m2, sizeof m2);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write_uint(&b, mz, sizeof mz);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write_uint(&b, NULL, 0);
	CHECK_OK(sg_buf_status(&b));
	static const uint8_t want[] = {0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x7f, 0x02, 0x02, 0x01,
		0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
	CHECK(b.len == sizeof want && memcmp(mem, want, sizeof want) == 0);
	/* What was written reads back as minimal INTEGERs. */
	sg_cur c = cur(mem, b.len);
	sg_slice s;
	int ok = 1;
	while (c.n > 0) {
		if (sg_der_uint(&c, &s, NULL) != SG_OK)
			ok = 0, c.n = 0;
	}
	CHECK(ok);

	/* The certificate's P-256 SPKI, rebuilt with the writer, byte for byte. */
	const uint8_t *spki = cert_der + 107;
	const size_t spki_len = 91;
	const uint8_t *point = spki + 26;
	uint8_t alg[64], bits[66];
	sg_buf a;
	sg_buf_init(&a, alg, sizeof alg);
	sg_der_write(&a, SG_DER_OID, oid_ec_pub, sizeof oid_ec_pub);
	CHECK_OK(sg_buf_status(&a));
	sg_der_write(&a, SG_DER_OID, oid_p256, sizeof oid_p256);
	CHECK_OK(sg_buf_status(&a));
	bits[0] = 0;
	memcpy(bits + 1, point, 65);
	sg_buf_init(&b, mem, sizeof mem);
	sg_der_write_header(&b, SG_DER_SEQUENCE,
		sg_der_header_size(a.len) + a.len + sg_der_header_size(66) + 66);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write(&b, SG_DER_SEQUENCE, alg, a.len);
	CHECK_OK(sg_buf_status(&b));
	sg_der_write(&b, SG_DER_BIT_STRING, bits, 66);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == spki_len && memcmp(mem, spki, spki_len) == 0);

	/* The certificate's ECDSA signature: read r and s, write them back, compare. */
	const uint8_t *sig = cert_der + 298;
	const size_t sig_len = 72;
	sg_cur sc = cur(sig, sig_len), seq;
	sg_slice r, ss;
	CHECK_OK(sg_der_enter(&sc, SG_DER_SEQUENCE, &seq, NULL));
	CHECK_OK(sg_der_uint(&seq, &r, NULL));
	CHECK_OK(sg_der_uint(&seq, &ss, NULL));
	CHECK_OK(sg_der_leave(&seq, NULL));
	uint8_t ints[80];
	sg_buf ib;
	sg_buf_init(&ib, ints, sizeof ints);
	sg_der_write_uint(&ib, r.p, r.len);
	CHECK_OK(sg_buf_status(&ib));
	sg_der_write_uint(&ib, ss.p, ss.len);
	CHECK_OK(sg_buf_status(&ib));
	sg_buf_init(&b, mem, sizeof mem);
	sg_der_write(&b, SG_DER_SEQUENCE, ints, ib.len);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == sig_len && memcmp(mem, sig, sig_len) == 0);

	/* Overflow is sticky and reported. */
	sg_buf_init(&b, mem, 3);
	sg_der_write(&b, SG_DER_OCTET_STRING, (const uint8_t *)"abcd", 4);
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
	sg_der_write_header(&b, SG_DER_NULL, 0);
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
}

int
main(void)
{
	test_certificate();
	test_every_prefix();
	test_headers();
	test_nesting();
	test_integers();
	test_simple_types();
	test_bitstrings();
	test_oids();
	test_strings();
	test_times();
	test_writer();
	guard_release();
	return test_finish();
}
