/* ed25519: Ed25519 signature verification. See ed25519.h.
 *
 * Implementation notes.
 *   - Curve (RFC 8032 §5.1; RFC 7748 §4.1): edwards25519, -x^2 + y^2 = 1 + d x^2 y^2 over GF(p),
 *     p = 2^255 - 19, d = -121665/121666; base point B with y = 4/5 and x even; group order
 *     L = 2^252 + 27742317777372353535851937790883648493. Constants are kept as 32-byte
 *     little-endian values and loaded per call, so there is no mutable global state.
 *   - Field elements: 10 signed 64-bit limbs in radix 2^25.5 (limb i has weight 2^W[i],
 *     W = 0, 26, 51, ..., 230: 26 bits for even i, 25 for odd), value = sum v[i] 2^W[i]. C11
 *     with -pedantic has no 128-bit type; with limbs of about 2^26 every product fits in 64
 *     bits. Bounds:
 *       * every fe is kept "carried", |limb| <= 2^26 + 38: products are carried twice, sums
 *         and differences once (so inputs to a product never exceed that);
 *       * a product term is < 2^52 * 2 * 19 < 2^58, a column of 10 terms < 2^61 < 2^63.
 *     Products are summed in uint64_t (wrapping, so no signed overflow is even possible) and
 *     read back as signed; carries divide by 2^25 or 2^26 rounding down, shifting only
 *     non-negative values because >> on a negative value is implementation-defined in C. The
 *     carry out of the top limb wraps into limb 0 times 19 (2^255 = 19 mod p).
 *   - Canonical output (RFC 8032 §5.1.2): carry until every limb is in [0, 2^bits) (value
 *     below 2^255 = p + 19), then subtract p once if the value is still >= p.
 *   - Powers: z^(p-2) (inversion) and z^((p-5)/8) (square roots) by the usual addition chain
 *     through z^(2^250 - 1): 254 squarings and 11 or 12 products.
 *   - Points: extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x*y = T/Z (Hisil, Wong, Carter,
 *     Dawson, "Twisted Edwards curves revisited", 2008, §3.1-3.3): the unified addition
 *     "add-2008-hwcd-3" (complete for a = -1 and non-square d, so it needs no special cases)
 *     and the doubling "dbl-2008-hwcd". The base point's coordinates are constants.
 *   - Decoding (RFC 8032 §5.1.3): x = u v^3 (u v^7)^((p-5)/8) with u = y^2 - 1, v = d y^2 + 1;
 *     if v x^2 = -u multiply by sqrt(-1); no root: reject. As Go's Point.SetBytes, y >= p and
 *     "x = 0 with sign bit 1" are accepted (step 1's and step 4's checks are not applied);
 *     ed25519.h explains why we follow Go.
 *   - Verification (RFC 8032 §5.1.7, as Go's crypto/ed25519 verifyWithDom): length, S < L,
 *     decode A, k = SHA-512(R || A || M) mod L, then [S]B + [k](-A) computed by a joint
 *     double-and-add (Straus/Shamir) over the 253 bits of both scalars with the table
 *     {B, -A, B - A}, encoded canonically and compared with the 32 bytes of R. Cofactorless,
 *     and R is never decoded, so only its one canonical encoding can match. Everything here is
 *     public data, so the code is variable-time.
 *   - k mod L: bit-serial long division of the 512-bit hash (shift in a bit, subtract L when
 *     the remainder reaches it); cheap next to the point arithmetic and plainly correct. */
#include "crypto/ed25519.h"

#include <string.h>

#include "base/bytes.h"
#include "crypto/hash.h"

typedef struct fe {
	int64_t v[10];
} fe;

/* A point in extended coordinates. */
typedef struct ge {
	fe x, y, z, t;
} ge;

/* d = -121665/121666 mod p (RFC 8032 §5.1). */
static const uint8_t D_BYTES[32] = {
	0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70,
	0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c,
	0x03, 0x52,
};
/* sqrt(-1) = 2^((p-1)/4) mod p (RFC 8032 §5.1.3 step 3). */
static const uint8_t SQRTM1_BYTES[32] = {
	0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43,
	0x2f, 0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24,
	0x83, 0x2b,
};
/* B in affine coordinates, little-endian: y = 4/5 (its encoding, 58 66 .. 66), x the even
 * root (RFC 8032 §5.1), and t = x * y for the extended form. ge_decode(58 66 .. 66) gives the
 * same point; test_ed25519 checks through the RFC vectors that these are right. */
static const uint8_t BASE_X[32] = {
	0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c,
	0x69, 0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36,
	0x69, 0x21,
};
static const uint8_t BASE_Y[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66,
};
static const uint8_t BASE_T[32] = {
	0xa3, 0xdd, 0xb7, 0xa5, 0xb3, 0x8a, 0xde, 0x6d, 0xf5, 0x52, 0x51, 0x77, 0x80, 0x9f, 0xf0,
	0x20, 0x7d, 0xe3, 0xab, 0x64, 0x8e, 0x4e, 0xea, 0x66, 0x65, 0x76, 0x8b, 0xd7, 0x0f, 0x5f,
	0x87, 0x67,
};
/* L, little-endian. */
static const uint8_t ORDER_L[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10,
};
/* ---- GF(2^255 - 19) ---- */

/* Limb i holds bits [W[i], W[i] + BITS[i]) of the value: radix 2^25.5. */
static const unsigned LIMB_W[10] = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230};
static const unsigned LIMB_BITS[10] = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};

static void
fe_set_small(fe *o, int64_t x)
{
	memset(o, 0, sizeof *o);
	o->v[0] = x;
}

/* 32 little-endian bytes; bit 255 is ignored and values >= p are kept as they are (they are
 * congruent to their reduction, and the arithmetic below works modulo p). */
static void
fe_from_bytes(fe *o, const uint8_t in[32])
{
	for (size_t i = 0; i < 10; i++) {
		unsigned w = LIMB_W[i], first = w / 8, last = (w + LIMB_BITS[i] - 1) / 8;
		uint64_t acc = 0;
		for (unsigned k = last + 1; k-- > first;)
			acc = (acc << 8) | in[k];
		acc >>= w % 8;
		o->v[i] = (int64_t)(acc & ((1u << LIMB_BITS[i]) - 1u));
	}
}

/* floor(x / 2^bits), shifting only non-negative values (>> of a negative value is
 * implementation-defined in C). |x| < 2^62. */
static int64_t
floor_shift(int64_t x, unsigned bits)
{
	if (x >= 0)
		return x >> bits;
	return -((-x + (((int64_t)1 << bits) - 1)) >> bits);
}

/* One carry pass: limbs 0..9 end in [0, 2^BITS[i]), then the carry out of limb 9 wraps into
 * limb 0 times 19 (2^255 = 19 mod p), which may leave limb 0 slightly out of range. */
static void
fe_carry(fe *o)
{
	int64_t c = 0;
	for (size_t i = 0; i < 10; i++) {
		unsigned bits = (i & 1u) ? 25u : 26u; /* LIMB_BITS[i] */
		o->v[i] += c;
		c = floor_shift(o->v[i], bits);
		o->v[i] -= c * ((int64_t)1 << bits);
	}
	o->v[0] += 19 * c;
}

/* Sums and differences are carried at once, so every fe stays "carried" (|limb| <= 2^26 +
 * 38) and products keep their wide margin. */
static void
fe_add(fe *o, const fe *a, const fe *b)
{
	for (size_t i = 0; i < 10; i++)
		o->v[i] = a->v[i] + b->v[i];
	fe_carry(o);
}

static void
fe_sub(fe *o, const fe *a, const fe *b)
{
	for (size_t i = 0; i < 10; i++)
		o->v[i] = a->v[i] - b->v[i];
	fe_carry(o);
}

static void
fe_neg(fe *o, const fe *a)
{
	for (size_t i = 0; i < 10; i++)
		o->v[i] = -a->v[i];
}

/* The int64_t whose two's-complement bits are u (a plain cast is implementation-defined for
 * u >= 2^63). */
static int64_t
to_signed(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* o = a * b; o may alias a or b. Column k collects a_i b_j with i + j = k, and times 19 those
 * with i + j = k + 10 (2^255 = 19); a product of two odd limbs counts twice, because
 * W[i] + W[j] = W[i + j] + 1 when i and j are both odd (so even columns use d). Written out
 * term by term (generated from that rule) so the operands stay in registers. The sums are
 * formed in uint64_t,
 * which wraps modulo 2^64 instead of overflowing; the true column values are below 2^61 in
 * magnitude (see the notes), so reading them back as signed is exact. */
static void
fe_mul(fe *o, const fe *a, const fe *b)
{
	uint64_t a0 = (uint64_t)a->v[0], a1 = (uint64_t)a->v[1], a2 = (uint64_t)a->v[2];
	uint64_t a3 = (uint64_t)a->v[3], a4 = (uint64_t)a->v[4], a5 = (uint64_t)a->v[5];
	uint64_t a6 = (uint64_t)a->v[6], a7 = (uint64_t)a->v[7], a8 = (uint64_t)a->v[8];
	uint64_t a9 = (uint64_t)a->v[9];
	uint64_t b0 = (uint64_t)b->v[0], b1 = (uint64_t)b->v[1], b2 = (uint64_t)b->v[2];
	uint64_t b3 = (uint64_t)b->v[3], b4 = (uint64_t)b->v[4], b5 = (uint64_t)b->v[5];
	uint64_t b6 = (uint64_t)b->v[6], b7 = (uint64_t)b->v[7], b8 = (uint64_t)b->v[8];
	uint64_t b9 = (uint64_t)b->v[9];
	/* d: odd limbs of a doubled; c: limbs of b times 19. */
	uint64_t d1 = 2u * a1, d3 = 2u * a3, d5 = 2u * a5, d7 = 2u * a7, d9 = 2u * a9;
	uint64_t c1 = 19u * b1, c2 = 19u * b2, c3 = 19u * b3, c4 = 19u * b4, c5 = 19u * b5;
	uint64_t c6 = 19u * b6, c7 = 19u * b7, c8 = 19u * b8, c9 = 19u * b9;
	uint64_t t[10];
	t[0] = a0 * b0 + d1 * c9 + a2 * c8 + d3 * c7 + a4 * c6 + d5 * c5 + a6 * c4 + d7 * c3 +
		a8 * c2 + d9 * c1;
	t[1] = a0 * b1 + a1 * b0 + a2 * c9 + a3 * c8 + a4 * c7 + a5 * c6 + a6 * c5 + a7 * c4 +
		a8 * c3 + a9 * c2;
	t[2] = a0 * b2 + d1 * b1 + a2 * b0 + d3 * c9 + a4 * c8 + d5 * c7 + a6 * c6 + d7 * c5 +
		a8 * c4 + d9 * c3;
	t[3] = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * c9 + a5 * c8 + a6 * c7 + a7 * c6 +
		a8 * c5 + a9 * c4;
	t[4] = a0 * b4 + d1 * b3 + a2 * b2 + d3 * b1 + a4 * b0 + d5 * c9 + a6 * c8 + d7 * c7 +
		a8 * c6 + d9 * c5;
	t[5] = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + a6 * c9 + a7 * c8 +
		a8 * c7 + a9 * c6;
	t[6] = a0 * b6 + d1 * b5 + a2 * b4 + d3 * b3 + a4 * b2 + d5 * b1 + a6 * b0 + d7 * c9 +
		a8 * c8 + d9 * c7;
	t[7] = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0 +
		a8 * c9 + a9 * c8;
	t[8] = a0 * b8 + d1 * b7 + a2 * b6 + d3 * b5 + a4 * b4 + d5 * b3 + a6 * b2 + d7 * b1 +
		a8 * b0 + d9 * c9;
	t[9] = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 +
		a8 * b1 + a9 * b0;
	for (size_t i = 0; i < 10; i++)
		o->v[i] = to_signed(t[i]);
	fe_carry(o);
	fe_carry(o);
}

static void
fe_sq_n(fe *o, const fe *a, int n)
{
	*o = *a;
	for (int i = 0; i < n; i++)
		fe_mul(o, o, o);
}

/* z^(2^250 - 1), and z^11 on the side: the common part of the inversion and square-root
 * exponents (the usual addition chain: 2^5 - 1, 2^10 - 1, ..., 2^250 - 1 by doubling runs). */
static void
fe_pow_2_250_1(fe *o, fe *z11, const fe *z)
{
	fe z2, z9, t, z5, z10, z20, z40, z50, z100, z200;
	fe_mul(&z2, z, z);           /* 2 */
	fe_sq_n(&t, &z2, 2);         /* 8 */
	fe_mul(&z9, &t, z);          /* 9 */
	fe_mul(z11, &z9, &z2);       /* 11 */
	fe_mul(&t, z11, z11);        /* 22 */
	fe_mul(&z5, &t, &z9);        /* 31 = 2^5 - 1 */
	fe_sq_n(&t, &z5, 5);
	fe_mul(&z10, &t, &z5);       /* 2^10 - 1 */
	fe_sq_n(&t, &z10, 10);
	fe_mul(&z20, &t, &z10);      /* 2^20 - 1 */
	fe_sq_n(&t, &z20, 20);
	fe_mul(&z40, &t, &z20);      /* 2^40 - 1 */
	fe_sq_n(&t, &z40, 10);
	fe_mul(&z50, &t, &z10);      /* 2^50 - 1 */
	fe_sq_n(&t, &z50, 50);
	fe_mul(&z100, &t, &z50);     /* 2^100 - 1 */
	fe_sq_n(&t, &z100, 100);
	fe_mul(&z200, &t, &z100);    /* 2^200 - 1 */
	fe_sq_n(&t, &z200, 50);
	fe_mul(o, &t, &z50);         /* 2^250 - 1 */
}

/* o = z^(p - 2) = z^(2^255 - 21) = 1/z (Fermat). */
static void
fe_invert(fe *o, const fe *z)
{
	fe t, z11;
	fe_pow_2_250_1(&t, &z11, z);
	fe_sq_n(&t, &t, 5);          /* 2^255 - 32 */
	fe_mul(o, &t, &z11);         /* 2^255 - 21 */
}

/* o = z^((p - 5) / 8) = z^(2^252 - 3). */
static void
fe_pow_p58(fe *o, const fe *z)
{
	fe t, z11;
	fe_pow_2_250_1(&t, &z11, z);
	fe_sq_n(&t, &t, 2);          /* 2^252 - 4 */
	fe_mul(o, &t, z);            /* 2^252 - 3 */
}

static int
fe_limbs_normal(const fe *a)
{
	for (size_t i = 0; i < 10; i++)
		if (a->v[i] < 0 || a->v[i] >= ((int64_t)1 << LIMB_BITS[i]))
			return 0;
	return 1;
}

/* The canonical encoding of a (the unique value in [0, p)), little-endian. */
static void
fe_to_bytes(uint8_t out[32], const fe *a)
{
	fe t = *a;
	/* Terminates: after one pass only limb 0 can be out of range, by 19 times a carry of -1,
	 * 0 or 1 once the others are normal, and a carry wraps around only when limbs 1..9 are
	 * all 0 or all at their maximum, after which limb 0 lands in range. */
	do
		fe_carry(&t);
	while (!fe_limbs_normal(&t));
	/* Now 0 <= t < 2^255 = p + 19: subtract p once when t >= p. */
	int64_t m[10], borrow = 0;
	for (size_t i = 0; i < 10; i++) {
		int64_t full = ((int64_t)1 << LIMB_BITS[i]) - 1;
		int64_t x = t.v[i] - (i == 0 ? full - 18 : full) - borrow;
		borrow = x < 0;
		m[i] = borrow ? x + ((int64_t)1 << LIMB_BITS[i]) : x;
	}
	if (!borrow)
		memcpy(t.v, m, sizeof m);
	uint64_t acc = 0;
	unsigned have = 0;
	size_t n = 0;
	for (size_t i = 0; i < 10; i++) {
		acc |= (uint64_t)t.v[i] << have;
		have += LIMB_BITS[i];
		while (have >= 8) {
			out[n++] = (uint8_t)(acc & 0xff);
			acc >>= 8;
			have -= 8;
		}
	}
	out[n] = (uint8_t)acc; /* the last 7 bits (255 = 31 * 8 + 7) */
}

static int
fe_equal(const fe *a, const fe *b)
{
	uint8_t x[32], y[32];
	fe_to_bytes(x, a);
	fe_to_bytes(y, b);
	return memcmp(x, y, 32) == 0;
}

/* The "sign" of a field element: the low bit of its canonical encoding (RFC 8032 §5.1.2). */
static int
fe_is_odd(const fe *a)
{
	uint8_t x[32];
	fe_to_bytes(x, a);
	return x[0] & 1;
}

/* ---- the group ---- */

typedef struct curve {
	fe d, d2, sqrtm1;
	ge base;
} curve;

static void
ge_identity(ge *p)
{
	fe_set_small(&p->x, 0);
	fe_set_small(&p->y, 1);
	fe_set_small(&p->z, 1);
	fe_set_small(&p->t, 0);
}

/* r = p + q (add-2008-hwcd-3, a = -1; complete, so p == q is fine). r may alias p or q. */
static void
ge_add(ge *r, const ge *p, const ge *q, const curve *c)
{
	fe a, b, cc, dd, e, f, g, h, t1, t2;
	fe_sub(&t1, &p->y, &p->x);
	fe_sub(&t2, &q->y, &q->x);
	fe_mul(&a, &t1, &t2);
	fe_add(&t1, &p->y, &p->x);
	fe_add(&t2, &q->y, &q->x);
	fe_mul(&b, &t1, &t2);
	fe_mul(&cc, &p->t, &q->t);
	fe_mul(&cc, &cc, &c->d2);
	fe_mul(&dd, &p->z, &q->z);
	fe_add(&dd, &dd, &dd);
	fe_sub(&e, &b, &a);
	fe_sub(&f, &dd, &cc);
	fe_add(&g, &dd, &cc);
	fe_add(&h, &b, &a);
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

/* r = 2p (dbl-2008-hwcd, a = -1): four squarings and four products instead of nine. */
static void
ge_double(ge *r, const ge *p)
{
	fe a, b, c, e, f, g, h, t;
	fe_mul(&a, &p->x, &p->x);
	fe_mul(&b, &p->y, &p->y);
	fe_mul(&c, &p->z, &p->z);
	fe_add(&c, &c, &c);          /* C = 2 Z^2 */
	fe_add(&t, &p->x, &p->y);
	fe_mul(&t, &t, &t);
	fe_add(&e, &a, &b);
	fe_neg(&h, &e);              /* H = aA - B = -A - B */
	fe_sub(&e, &t, &e);          /* E = (X + Y)^2 - A - B */
	fe_sub(&g, &b, &a);          /* G = aA + B = B - A */
	fe_sub(&f, &g, &c);          /* F = G - C */
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

static void
ge_neg(ge *r, const ge *p)
{
	fe_neg(&r->x, &p->x);
	r->y = p->y;
	r->z = p->z;
	fe_neg(&r->t, &p->t);
}

/* Decode a 32-byte point encoding (RFC 8032 §5.1.3, with Go's leniency: see the notes).
 * Returns 1 on success, 0 when no x satisfies the curve equation. `c->base` is not used. */
static int
ge_decode(ge *r, const uint8_t s[32], const curve *c)
{
	fe one, y, y2, u, v, v3, x, vx2, t;
	fe_set_small(&one, 1);
	fe_from_bytes(&y, s);
	fe_mul(&y2, &y, &y);
	fe_sub(&u, &y2, &one);    /* u = y^2 - 1 */
	fe_mul(&v, &y2, &c->d);
	fe_add(&v, &v, &one);     /* v = d y^2 + 1 */
	fe_mul(&v3, &v, &v);
	fe_mul(&v3, &v3, &v);     /* v^3 */
	fe_mul(&x, &v3, &v3);
	fe_mul(&x, &x, &v);       /* v^7 */
	fe_mul(&x, &x, &u);       /* u v^7 */
	fe_pow_p58(&x, &x);       /* (u v^7)^((p-5)/8) */
	fe_mul(&x, &x, &v3);
	fe_mul(&x, &x, &u);       /* candidate root u v^3 (u v^7)^((p-5)/8) */
	fe_mul(&vx2, &x, &x);
	fe_mul(&vx2, &vx2, &v);
	if (!fe_equal(&vx2, &u)) {
		fe_neg(&t, &u);
		if (!fe_equal(&vx2, &t))
			return 0;
		fe_mul(&x, &x, &c->sqrtm1);
	}
	/* Step 4: pick the root whose parity is the sign bit. For x = 0 the sign bit is ignored
	 * (-0 = 0), as Go does. */
	if (fe_is_odd(&x) != (s[31] >> 7))
		fe_neg(&x, &x);
	r->x = x;
	r->y = y;
	fe_set_small(&r->z, 1);
	fe_mul(&r->t, &x, &y);
	return 1;
}

/* The canonical encoding: y with the parity of x in bit 255 (RFC 8032 §5.1.2). */
static void
ge_encode(uint8_t out[32], const ge *p)
{
	fe zi, x, y;
	fe_invert(&zi, &p->z);
	fe_mul(&x, &p->x, &zi);
	fe_mul(&y, &p->y, &zi);
	fe_to_bytes(out, &y);
	out[31] = (uint8_t)(out[31] | (fe_is_odd(&x) << 7));
}

static void
curve_init(curve *c)
{
	fe_from_bytes(&c->d, D_BYTES);
	fe_add(&c->d2, &c->d, &c->d);
	fe_from_bytes(&c->sqrtm1, SQRTM1_BYTES);
	fe_from_bytes(&c->base.x, BASE_X);
	fe_from_bytes(&c->base.y, BASE_Y);
	fe_set_small(&c->base.z, 1);
	fe_from_bytes(&c->base.t, BASE_T);
}

/* ---- scalars mod L ---- */

/* 1 when the little-endian s is below L. */
static int
scalar_is_canonical(const uint8_t s[32])
{
	for (int i = 31; i >= 0; i--) {
		if (s[i] < ORDER_L[i])
			return 1;
		if (s[i] > ORDER_L[i])
			return 0;
	}
	return 0; /* s == L */
}

static void
words_from_le(uint32_t w[8], const uint8_t b[32])
{
	for (size_t i = 0; i < 8; i++)
		w[i] = (uint32_t)b[4 * i] | ((uint32_t)b[4 * i + 1] << 8) |
			((uint32_t)b[4 * i + 2] << 16) | ((uint32_t)b[4 * i + 3] << 24);
}

/* out = h mod L for a 512-bit little-endian h. */
static void
scalar_reduce(uint8_t out[32], const uint8_t h[64])
{
	uint32_t r[8], l[8];
	memset(r, 0, sizeof r);
	words_from_le(l, ORDER_L);
	for (int bit = 511; bit >= 0; bit--) {
		/* r < L < 2^253, so 2r + 1 < 2^254 fits in 256 bits. */
		uint32_t carry = (uint32_t)(h[bit / 8] >> (bit % 8)) & 1u;
		for (size_t j = 0; j < 8; j++) {
			uint32_t next = r[j] >> 31;
			r[j] = (r[j] << 1) | carry;
			carry = next;
		}
		int ge_l = 1; /* r >= L ? */
		for (int j = 7; j >= 0; j--) {
			if (r[j] != l[j]) {
				ge_l = r[j] > l[j];
				break;
			}
		}
		if (ge_l) {
			uint64_t borrow = 0;
			for (size_t j = 0; j < 8; j++) {
				uint64_t x = (uint64_t)r[j] - l[j] - borrow;
				r[j] = (uint32_t)x;
				borrow = (x >> 32) & 1u;
			}
		}
	}
	for (size_t i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)r[i];
		out[4 * i + 1] = (uint8_t)(r[i] >> 8);
		out[4 * i + 2] = (uint8_t)(r[i] >> 16);
		out[4 * i + 3] = (uint8_t)(r[i] >> 24);
	}
}

static int
scalar_bit(const uint8_t s[32], int i)
{
	return (s[i / 8] >> (i % 8)) & 1;
}

/* ---- verification ---- */

/* see ed25519.h */
sg_err
sg_ed25519_verify(const uint8_t pub[SG_ED25519_PUBLIC_LEN], const uint8_t *msg, size_t msg_len,
	const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d)
{
	if (sig == NULL || sig_len != SG_ED25519_SIG_LEN)
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"Ed25519 signature is not 64 bytes");
	/* RFC 8032 §5.1.7 step 1 / Go: S must be below L (the top-bits test first, as Go). */
	const uint8_t *s = sig + 32;
	if ((s[31] & 0xe0) != 0 || !scalar_is_canonical(s))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"Ed25519 S is not below the group order");
	curve c;
	curve_init(&c);
	ge a;
	if (!ge_decode(&a, pub, &c))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"Ed25519 public key is not a curve point");

	/* Step 2: k = SHA-512(dom2(F, C) || R || A || PH(M)); for pure Ed25519 dom2 is empty and
	 * PH the identity. */
	uint8_t hram[SG_SHA512_LEN], k[32];
	sg_hash_ctx h;
	sg_hash_init(&h, SG_HASH_SHA512);
	sg_hash_update(&h, sig, 32);
	sg_hash_update(&h, pub, SG_ED25519_PUBLIC_LEN);
	if (msg_len > 0)
		sg_hash_update(&h, msg, msg_len);
	sg_hash_final(&h, hram);
	scalar_reduce(k, hram);

	/* Step 3, cofactorless as Go: [S]B + [k](-A) must encode to exactly R. */
	ge tab[3], q;
	tab[0] = c.base;
	ge_neg(&tab[1], &a);
	ge_add(&tab[2], &tab[0], &tab[1], &c);
	ge_identity(&q);
	for (int i = 252; i >= 0; i--) {
		ge_double(&q, &q);
		int sb = scalar_bit(s, i), kb = scalar_bit(k, i);
		if (sb && kb)
			ge_add(&q, &q, &tab[2], &c);
		else if (sb)
			ge_add(&q, &q, &tab[0], &c);
		else if (kb)
			ge_add(&q, &q, &tab[1], &c);
	}
	uint8_t r[32];
	ge_encode(r, &q);
	if (!sg_ct_equal(r, sig, 32))
		return sg_diag_fail(d, SG_ERR_VERIFY_SIGNATURE, what);
	return SG_OK;
}
