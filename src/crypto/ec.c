/* ec: P-256 and P-384/P-521 without Curve25519. See ec.h. */
#include "crypto/ec.h"

#define NIST_CURVES ((1u << BR_EC_secp256r1) | (1u << BR_EC_secp384r1) | (1u << BR_EC_secp521r1))

/* The implementation for `curve`: p256_m31 for P-256, prime_i31 for P-384 and P-521, NULL for
 * any other (prime_i31 would index its curve table with it; no caller passes one, as the
 * X.509 decoders map only these OIDs and TLS only negotiates supported_curves, but an engine
 * that fails closed costs a comparison). */
static const br_ec_impl *
pick(int curve)
{
	if (curve < 0 || curve > 31 || (NIST_CURVES & (1u << curve)) == 0)
		return NULL;
	return curve == BR_EC_secp256r1 ? &br_ec_p256_m31 : &br_ec_prime_i31;
}

static const unsigned char *
generator(int curve, size_t *len)
{
	const br_ec_impl *e = pick(curve);
	if (e == NULL) {
		*len = 0;
		return NULL;
	}
	return e->generator(curve, len);
}

static const unsigned char *
order(int curve, size_t *len)
{
	const br_ec_impl *e = pick(curve);
	if (e == NULL) {
		*len = 0;
		return NULL;
	}
	return e->order(curve, len);
}

static size_t
xoff(int curve, size_t *len)
{
	const br_ec_impl *e = pick(curve);
	if (e == NULL) {
		*len = 0;
		return 0;
	}
	return e->xoff(curve, len);
}

static uint32_t
mul(unsigned char *g, size_t glen, const unsigned char *x, size_t xlen, int curve)
{
	const br_ec_impl *e = pick(curve);
	return e == NULL ? 0 : e->mul(g, glen, x, xlen, curve);
}

static size_t
mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	const br_ec_impl *e = pick(curve);
	return e == NULL ? 0 : e->mulgen(r, x, xlen, curve);
}

static uint32_t
muladd(unsigned char *a, const unsigned char *b, size_t len, const unsigned char *x,
	size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
	const br_ec_impl *e = pick(curve);
	return e == NULL ? 0 : e->muladd(a, b, len, x, xlen, y, ylen, curve);
}

/* see ec.h */
const br_ec_impl sg_ec_nist = {
	NIST_CURVES, generator, order, xoff, mul, mulgen, muladd,
};
