/* crypto: the BearSSL wrapper (layer 2). See crypto.h for the contract.
 *
 * Implementation notes.
 *   - Grammars parsed here, strictly, with our own DER reader (der.h):
 *       SubjectPublicKeyInfo  RFC 5280 §4.1.2.7: SEQUENCE { AlgorithmIdentifier, BIT STRING }
 *       EC keys               RFC 5480 §2.1.1 (namedCurve only; §2.1.1.1 forbids explicit
 *                             parameters in PKIX, so we reject them), point per SEC 1 §2.3.3
 *       RSA keys              RFC 3279 §2.3.1: parameters NULL, RSAPublicKey SEQUENCE { n, e }
 *       Ed25519 keys          RFC 8410 §3: parameters absent, 32-byte key
 *       ECDSA-Sig-Value       RFC 3279 §2.2.3 / RFC 5480 §2.2: SEQUENCE { r INTEGER, s INTEGER }
 *     BearSSL gets only raw values (r||s, n, e, points): its own ASN.1 signature decoder is
 *     more lenient than DER and is never used, so the bytes we accept are the bytes we parse.
 *   - RSA PKCS#1 v1.5 (RFC 8017 §8.2.2) is checked by encode-and-compare: BearSSL's unpadder
 *     also accepts a DigestInfo without the NULL parameters, a second encoding of one
 *     signature that Go's verifier (sigstore-go) rejects. So we run only the public-key
 *     operation in BearSSL and compare the whole encoded message with the one we build.
 *   - EC arithmetic: br_ec_all_m31 (constant-time p256_m31 for P-256, prime_i31 for P-384),
 *     the same on every platform, so tests and the static build exercise one code path.
 *   - Ed25519 (BearSSL has none): sg_verify_message hands Ed25519 keys to ed25519.c, our own
 *     verifier with Go's acceptance rules; the digest entry point refuses them.
 *   - Randomness: getrandom(2) only (scratch images may have no /dev). Secrets (DRBG state,
 *     private scalars, BearSSL structures and buffers that held them) are wiped with sg_wipe
 *     on every path. */
#include "crypto/crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bearssl.h>

#include "base/limits.h"
#include "crypto/ed25519.h"
#include "parse/der.h"
#include "parse/pem.h"

/* ---- constants ---- */

/* OID content octets. */
static const uint8_t OID_EC_PUBLIC_KEY[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t OID_PRIME256V1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_SECP384R1[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
static const uint8_t OID_RSA_ENCRYPTION[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x01};
static const uint8_t OID_ED25519[] = {0x2b, 0x65, 0x70};

/* Field primes and group orders, big-endian (FIPS 186-4 D.1.2.3, D.1.2.4). */
static const uint8_t P256_P[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff};
static const uint8_t P256_N[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
	0x25, 0x51};
static const uint8_t P384_P[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff};
static const uint8_t P384_N[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37,
	0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc,
	0xc5, 0x29, 0x73};

/* DER DigestInfo prefixes (RFC 8017 §9.2 note 1), each followed by the digest. */
static const uint8_t DI_SHA256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const uint8_t DI_SHA384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const uint8_t DI_SHA512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

#define RSA_MAX_BYTES (SG_MAX_RSA_BITS / 8u)
#define EC_MAX_COORD 48u
#define EC_MAX_POINT (1u + 2u * EC_MAX_COORD)

/* ---- hashing ---- */

typedef union hash_state {
	br_sha256_context s256;
	br_sha384_context s384;
	br_sha512_context s512;
} hash_state;

_Static_assert(sizeof(hash_state) <= sizeof(((sg_hash_ctx *)0)->opaque),
	"sg_hash_ctx.opaque too small for BearSSL's SHA-2 contexts");
_Static_assert(_Alignof(hash_state) <= _Alignof(uint64_t),
	"sg_hash_ctx.opaque under-aligned for BearSSL's SHA-2 contexts");
_Static_assert(sizeof(br_hmac_drbg_context) <= sizeof(((sg_drbg *)0)->opaque),
	"sg_drbg.opaque too small for br_hmac_drbg_context");
_Static_assert(_Alignof(br_hmac_drbg_context) <= _Alignof(uint64_t),
	"sg_drbg.opaque under-aligned for br_hmac_drbg_context");

/* sg_curve values are BearSSL's curve ids, passed straight through. */
_Static_assert(SG_CURVE_P256 == BR_EC_secp256r1 && SG_CURVE_P384 == BR_EC_secp384r1,
	"sg_curve must match BearSSL's curve ids");

static hash_state *
hstate(sg_hash_ctx *h)
{
	return (hash_state *)(void *)h->opaque;
}

size_t
sg_hash_len(sg_hash_alg alg)
{
	switch (alg) {
	case SG_HASH_SHA256:
		return SG_SHA256_LEN;
	case SG_HASH_SHA384:
		return SG_SHA384_LEN;
	case SG_HASH_SHA512:
		return SG_SHA512_LEN;
	}
	return 0;
}

void
sg_hash_init(sg_hash_ctx *h, sg_hash_alg alg)
{
	memset(h, 0, sizeof *h);
	h->alg = alg;
	switch (alg) {
	case SG_HASH_SHA256:
		br_sha256_init(&hstate(h)->s256);
		break;
	case SG_HASH_SHA384:
		br_sha384_init(&hstate(h)->s384);
		break;
	case SG_HASH_SHA512:
		br_sha512_init(&hstate(h)->s512);
		break;
	}
}

void
sg_hash_update(sg_hash_ctx *h, const void *p, size_t len)
{
	if (len == 0)
		return;
	switch (h->alg) {
	case SG_HASH_SHA256:
		br_sha256_update(&hstate(h)->s256, p, len);
		break;
	case SG_HASH_SHA384:
		br_sha384_update(&hstate(h)->s384, p, len);
		break;
	case SG_HASH_SHA512:
		br_sha512_update(&hstate(h)->s512, p, len);
		break;
	}
}

void
sg_hash_final(sg_hash_ctx *h, uint8_t *out)
{
	switch (h->alg) {
	case SG_HASH_SHA256:
		br_sha256_out(&hstate(h)->s256, out);
		break;
	case SG_HASH_SHA384:
		br_sha384_out(&hstate(h)->s384, out);
		break;
	case SG_HASH_SHA512:
		br_sha512_out(&hstate(h)->s512, out);
		break;
	}
	/* The state may have absorbed secret input (a key being fingerprinted, a token). */
	sg_wipe(h, sizeof *h);
}

void
sg_hash(sg_hash_alg alg, const void *p, size_t len, uint8_t *out)
{
	sg_hash_ctx h;
	sg_hash_init(&h, alg);
	sg_hash_update(&h, p, len);
	sg_hash_final(&h, out);
}

void
sg_sha256(const void *p, size_t len, uint8_t out[SG_SHA256_LEN])
{
	sg_hash(SG_HASH_SHA256, p, len, out);
}

void
sg_sha384(const void *p, size_t len, uint8_t out[SG_SHA384_LEN])
{
	sg_hash(SG_HASH_SHA384, p, len, out);
}

void
sg_sha512(const void *p, size_t len, uint8_t out[SG_SHA512_LEN])
{
	sg_hash(SG_HASH_SHA512, p, len, out);
}

/* ---- small helpers ---- */

/* 1 when the big-endian a[0..len) < b[0..len). Not constant time: public values only. */
static int
be_less(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, len) < 0;
}

static int
is_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

static size_t
coord_len_of(sg_curve c)
{
	switch (c) {
	case SG_CURVE_P256:
		return 32;
	case SG_CURVE_P384:
		return 48;
	case SG_CURVE_NONE:
		break;
	}
	return 0;
}

/* The EC engine for both curves; see the notes at the top. */
static const br_ec_impl *
ec_impl(void)
{
	return &br_ec_all_m31;
}

/* ---- SubjectPublicKeyInfo ---- */

/* X, Y < p and the point on the curve. BearSSL's point decoder does the curve equation (a
 * multiplication by 1 decodes, checks and re-encodes); the range check is ours, explicit. */
static int
ec_point_valid(sg_curve curve, const uint8_t *pt, size_t len)
{
	size_t cl = coord_len_of(curve);
	const uint8_t *p = curve == SG_CURVE_P256 ? P256_P : P384_P;
	if (cl == 0 || len != 1 + 2 * cl || pt[0] != 0x04)
		return 0;
	if (!be_less(pt + 1, p, cl) || !be_less(pt + 1 + cl, p, cl))
		return 0;
	uint8_t tmp[EC_MAX_POINT];
	memcpy(tmp, pt, len);
	static const uint8_t one[1] = {1};
	uint32_t ok = ec_impl()->mul(tmp, len, one, sizeof one, (int)curve);
	int same = ok == 1 && memcmp(tmp, pt, len) == 0;
	return same;
}

SG_MUST_USE static sg_err
parse_ec_key(sg_cur *alg, sg_slice key, sg_pubkey *out, sg_diag *d)
{
	if (sg_der_next_is(alg, SG_DER_SEQUENCE))
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"explicit curve parameters are not allowed (RFC 5480 §2.1.1)");
	/* Absent parameters or implicitCurve (NULL) are refused the same way: PKIX requires a
	 * namedCurve. */
	if (!sg_der_next_is(alg, SG_DER_OID))
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"parameters must be a namedCurve OID");
	sg_slice curve;
	SG_TRY(sg_der_oid(alg, &curve, d));
	if (sg_der_oid_eq(curve, OID_PRIME256V1, sizeof OID_PRIME256V1)) {
		out->curve = SG_CURVE_P256;
	} else if (sg_der_oid_eq(curve, OID_SECP384R1, sizeof OID_SECP384R1)) {
		out->curve = SG_CURVE_P384;
	} else {
		char txt[64];
		if (sg_der_oid_text(curve, txt, sizeof txt) != SG_OK)
			txt[0] = '\0';
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"unsupported curve %s (want P-256 or P-384)", txt);
	}
	size_t cl = coord_len_of(out->curve);
	if (key.len == 0 || key.p[0] != 0x04)
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"point is not in uncompressed form");
	if (key.len != 1 + 2 * cl)
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"point has %zu bytes, want %zu", key.len, 1 + 2 * cl);
	if (!ec_point_valid(out->curve, key.p, key.len))
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"point is not on the curve");
	out->type = SG_KEY_EC;
	out->point = key;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_rsa_key(sg_slice key, size_t key_off, sg_pubkey *out, sg_diag *d)
{
	sg_cur c, seq;
	/* The BIT STRING holds a DER document of its own; offsets continue the SPKI's. */
	sg_cur_init(&c, key.p, key.len);
	c.off = key_off;
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, &seq, d));
	sg_slice n, e;
	SG_TRY(sg_der_uint(&seq, &n, d));
	SG_TRY(sg_der_uint(&seq, &e, d));
	SG_TRY(sg_der_leave(&seq, d));
	if (c.n != 0)
		return sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "RSA public key", c.off);
	/* sg_der_uint gives the minimal magnitude, so n.p[0] != 0 unless n is 0. */
	if (n.len == 0 || n.p[0] == 0)
		return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key", "zero modulus");
	size_t bits = 8 * (n.len - 1);
	for (uint8_t top = n.p[0]; top != 0; top = (uint8_t)(top >> 1))
		bits++;
	if (bits < SG_MIN_RSA_BITS || bits > SG_MAX_RSA_BITS)
		return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key",
			"modulus of %zu bits (want %u to %u)", bits, SG_MIN_RSA_BITS,
			SG_MAX_RSA_BITS);
	if ((n.p[n.len - 1] & 1u) == 0)
		return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key", "even modulus");
	if (e.len == 0 || e.p[0] == 0 || e.len > 4 || (e.p[e.len - 1] & 1u) == 0 ||
		(e.len == 1 && e.p[0] < 3))
		return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key",
			"exponent must be odd, at least 3 and at most 32 bits");
	out->type = SG_KEY_RSA;
	out->n = n;
	out->e = e;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_spki(const uint8_t *spki, size_t len, sg_pubkey *out, sg_diag *d)
{
	sg_cur top, seq, alg;
	sg_cur_init(&top, spki, len);
	sg_slice whole, value;
	/* Read the outer element whole first: `spki` then covers exactly what was parsed, and
	 * bytes after it are refused before any work on the inside. */
	sg_cur probe = top;
	SG_TRY(sg_der_expect(&probe, SG_DER_SEQUENCE, &value, &whole, d));
	if (probe.n != 0)
		return sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "SubjectPublicKeyInfo", probe.off);
	SG_TRY(sg_der_enter(&top, SG_DER_SEQUENCE, &seq, d));
	SG_TRY(sg_der_enter(&seq, SG_DER_SEQUENCE, &alg, d));
	sg_slice oid;
	SG_TRY(sg_der_oid(&alg, &oid, d));
	/* The key BIT STRING comes after the AlgorithmIdentifier; read it before interpreting
	 * the parameters so that a structural error is reported the same for every algorithm. */
	sg_slice key;
	SG_TRY(sg_der_bitstring(&seq, &key, d));
	SG_TRY(sg_der_leave(&seq, d));

	if (sg_der_oid_eq(oid, OID_EC_PUBLIC_KEY, sizeof OID_EC_PUBLIC_KEY)) {
		SG_TRY(parse_ec_key(&alg, key, out, d));
	} else if (sg_der_oid_eq(oid, OID_RSA_ENCRYPTION, sizeof OID_RSA_ENCRYPTION)) {
		/* RFC 3279 §2.3.1: the parameters MUST be present and NULL. */
		if (!sg_der_next_is(&alg, SG_DER_NULL))
			return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key",
				"rsaEncryption parameters must be NULL");
		SG_TRY(sg_der_null(&alg, d));
		SG_TRY(parse_rsa_key(key, (size_t)(key.p - spki), out, d));
	} else if (sg_der_oid_eq(oid, OID_ED25519, sizeof OID_ED25519)) {
		/* RFC 8410 §3: the parameters MUST be absent. */
		if (alg.n != 0)
			return sg_diag_failf(d, SG_ERR_X509_KEY, "Ed25519 public key",
				"parameters must be absent (RFC 8410 §3)");
		if (key.len != 32)
			return sg_diag_failf(d, SG_ERR_X509_KEY, "Ed25519 public key",
				"key has %zu bytes, want 32", key.len);
		out->type = SG_KEY_ED25519;
		out->ed25519 = key;
	} else {
		char txt[64];
		if (sg_der_oid_text(oid, txt, sizeof txt) != SG_OK)
			txt[0] = '\0';
		return sg_diag_failf(d, SG_ERR_X509_KEY, "SubjectPublicKeyInfo",
			"unsupported key algorithm %s", txt);
	}
	SG_TRY(sg_der_leave(&alg, d));
	out->spki = whole;
	return SG_OK;
}

/* see crypto.h */
sg_err
sg_pubkey_parse(const uint8_t *spki, size_t len, sg_pubkey *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_spki(spki, len, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see crypto.h */
sg_err
sg_pubkey_parse_pem(const uint8_t *pem, size_t len, uint8_t *der, size_t cap, sg_pubkey *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	size_t n = 0;
	SG_TRY(sg_pem_decode_first(pem, len, "PUBLIC KEY", der, cap, &n, d));
	return sg_pubkey_parse(der, n, out, d);
}

/* ---- ECDSA signatures ---- */

SG_MUST_USE static sg_err
der_sig_to_raw(const uint8_t *sig, size_t sig_len, size_t cl, uint8_t *raw, const char *what,
	sg_diag *d)
{
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	sg_cur c, seq;
	sg_slice r, s;
	sg_cur_init(&c, sig, sig_len);
	sg_err e = sg_der_enter(&c, SG_DER_SEQUENCE, &seq, &inner);
	if (e == SG_OK)
		e = sg_der_uint(&seq, &r, &inner);
	if (e == SG_OK)
		e = sg_der_uint(&seq, &s, &inner);
	if (e == SG_OK)
		e = sg_der_leave(&seq, &inner);
	if (e == SG_OK && c.n != 0)
		e = sg_diag_fail_at(&inner, SG_ERR_DER_TRAILING, what, c.off);
	if (e != SG_OK) {
		/* Keep the DER reader's reason and offset, under the one verification code. */
		if (inner.has_offset)
			return sg_diag_failf_at(d, SG_ERR_VERIFY_SIGNATURE, what, inner.offset,
				"malformed DER signature: %s", sg_err_str(inner.code));
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what, "malformed DER signature: %s",
			sg_err_str(inner.code));
	}
	/* sg_der_uint strips the sign octet; a minimal magnitude has no leading zero byte, so
	 * only 0 itself can start with 00 (or be empty). */
	if (r.len == 0 || is_zero(r.p, r.len) || s.len == 0 || is_zero(s.p, s.len))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what, "r or s is zero");
	if (r.len > cl || s.len > cl)
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"r or s longer than the curve size");
	memset(raw, 0, 2 * cl);
	memcpy(raw + cl - r.len, r.p, r.len);
	memcpy(raw + 2 * cl - s.len, s.p, s.len);
	return SG_OK;
}

/* see crypto.h */
sg_err
sg_ecdsa_der_to_raw(const uint8_t *sig, size_t sig_len, size_t coord_len, uint8_t *raw,
	sg_diag *d)
{
	if (coord_len != 32 && coord_len != 48)
		return sg_diag_fail(d, SG_ERR_ARG, "ECDSA signature");
	sg_err e = der_sig_to_raw(sig, sig_len, coord_len, raw, "ECDSA signature", d);
	if (e != SG_OK)
		memset(raw, 0, 2 * coord_len);
	return e;
}

SG_MUST_USE static sg_err
verify_ecdsa(const sg_pubkey *k, const uint8_t *hash, size_t hash_len, const uint8_t *sig,
	size_t sig_len, const char *what, sg_diag *d)
{
	size_t cl = coord_len_of(k->curve);
	if (cl == 0 || k->point.len != 1 + 2 * cl)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	uint8_t raw[2 * EC_MAX_COORD];
	SG_TRY(der_sig_to_raw(sig, sig_len, cl, raw, what, d));
	/* 0 < r, s < n (SEC 1 §4.1.4 step 1). BearSSL checks it too; we do not rely on that. */
	const uint8_t *n = k->curve == SG_CURVE_P256 ? P256_N : P384_N;
	if (!be_less(raw, n, cl) || !be_less(raw + cl, n, cl))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"r or s not below the curve order");
	uint8_t q[EC_MAX_POINT];
	memcpy(q, k->point.p, k->point.len);
	br_ec_public_key pk = {(int)k->curve, q, k->point.len};
	uint32_t ok = br_ecdsa_i31_vrfy_raw(ec_impl(), hash, hash_len, &pk, raw, 2 * cl);
	if (ok != 1)
		return sg_diag_fail(d, SG_ERR_VERIFY_SIGNATURE, what);
	return SG_OK;
}

SG_MUST_USE static sg_err
verify_rsa(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *hash, size_t hash_len,
	const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d)
{
	const uint8_t *di;
	size_t di_len;
	switch (alg) {
	case SG_HASH_SHA256:
		di = DI_SHA256;
		di_len = sizeof DI_SHA256;
		break;
	case SG_HASH_SHA384:
		di = DI_SHA384;
		di_len = sizeof DI_SHA384;
		break;
	case SG_HASH_SHA512:
		di = DI_SHA512;
		di_len = sizeof DI_SHA512;
		break;
	default:
		return sg_diag_fail(d, SG_ERR_ARG, what);
	}
	size_t klen = k->n.len;
	if (klen == 0 || klen > RSA_MAX_BYTES || k->e.len == 0 || k->e.len > 4)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	/* RFC 8017 §8.2.2 step 1: the signature is exactly k octets. */
	if (sig_len != klen)
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"RSA signature has %zu bytes, modulus %zu", sig_len, klen);
	/* Step 3 (EMSA-PKCS1-v1_5-ENCODE): 00 01 PS 00 T with |PS| >= 8. */
	size_t t_len = di_len + hash_len;
	if (klen < t_len + 11)
		return sg_diag_fail(d, SG_ERR_VERIFY_SIGNATURE, what);
	uint8_t em[RSA_MAX_BYTES];
	size_t ps = klen - t_len - 3;
	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xff, ps);
	em[2 + ps] = 0x00;
	memcpy(em + 3 + ps, di, di_len);
	memcpy(em + 3 + ps + di_len, hash, hash_len);

	uint8_t x[RSA_MAX_BYTES], n[RSA_MAX_BYTES], e[4];
	memcpy(x, sig, klen);
	memcpy(n, k->n.p, klen);
	memcpy(e, k->e.p, k->e.len);
	br_rsa_public_key pk = {n, klen, e, k->e.len};
	/* Step 2 (RSAVP1): fails for s >= n. */
	if (br_rsa_i31_public(x, klen, &pk) != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"RSA signature out of range");
	if (!sg_ct_equal(x, em, klen))
		return sg_diag_fail(d, SG_ERR_VERIFY_SIGNATURE, what);
	return SG_OK;
}

/* see crypto.h */
sg_err
sg_verify_digest(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *hash, size_t hash_len,
	const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d)
{
	size_t want = sg_hash_len(alg);
	if (want == 0 || hash_len != want)
		return sg_diag_failf(d, SG_ERR_ARG, what, "digest of %zu bytes for algorithm %d",
			hash_len, (int)alg);
	switch (k->type) {
	case SG_KEY_EC:
		return verify_ecdsa(k, hash, hash_len, sig, sig_len, what, d);
	case SG_KEY_RSA:
		return verify_rsa(k, alg, hash, hash_len, sig, sig_len, what, d);
	case SG_KEY_ED25519:
		/* Ed25519 signs the message itself (RFC 8032 §5.1.6), so no digest can be checked:
		 * callers use sg_verify_message. */
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
			"Ed25519 signs the message, not a digest");
	case SG_KEY_NONE:
		break;
	}
	return sg_diag_fail(d, SG_ERR_ARG, what);
}

/* see crypto.h */
sg_err
sg_verify_message(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *msg, size_t msg_len,
	const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d)
{
	/* Ed25519 hashes internally (SHA-512 of R || A || M): pass the raw message, ignore alg. */
	if (k->type == SG_KEY_ED25519) {
		if (k->ed25519.len != SG_ED25519_PUBLIC_LEN)
			return sg_diag_fail(d, SG_ERR_ARG, what);
		return sg_ed25519_verify(k->ed25519.p, msg, msg_len, sig, sig_len, what, d);
	}
	uint8_t h[SG_HASH_MAX_LEN];
	size_t hl = sg_hash_len(alg);
	if (hl == 0)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	sg_hash(alg, msg, msg_len, h);
	return sg_verify_digest(k, alg, h, hl, sig, sig_len, what, d);
}

/* ---- randomness ---- */

static br_hmac_drbg_context *
drbg_ctx(sg_drbg *r)
{
	return (br_hmac_drbg_context *)(void *)r->opaque;
}

/* Fill buf from getrandom(2): blocks only until the kernel pool is initialised at boot,
 * retries EINTR and short reads, and gives up on any other error (ENOSYS under seccomp,
 * EFAULT) rather than fall back to a file. */
static int
os_random(uint8_t *buf, size_t len)
{
	size_t got = 0;
	unsigned spins = 0;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR && spins++ < 1000)
				continue;
			return 0;
		}
		if (n == 0) {
			if (spins++ >= 1000)
				return 0;
			continue;
		}
		got += (size_t)n;
	}
	return 1;
}

/* see crypto.h */
sg_err
sg_drbg_init(sg_drbg *r, sg_diag *d)
{
	/* 256 bits of entropy plus a 128-bit nonce (SP 800-90A §10.1.2.3, Table 2 for SHA-256),
	 * then a personalization string. */
	static const char pers[] = "picosign HMAC-DRBG SHA-256";
	uint8_t seed[48 + sizeof pers];
	memset(r, 0, sizeof *r);
	if (!os_random(seed, 48)) {
		sg_wipe(seed, sizeof seed);
		return sg_diag_fail(d, SG_ERR_RANDOM, "getrandom");
	}
	memcpy(seed + 48, pers, sizeof pers);
	br_hmac_drbg_init(drbg_ctx(r), &br_sha256_vtable, seed, sizeof seed);
	sg_wipe(seed, sizeof seed);
	r->seeded = 1;
	return SG_OK;
}

/* see crypto.h */
void
sg_drbg_init_seed(sg_drbg *r, const void *seed, size_t len)
{
	memset(r, 0, sizeof *r);
	br_hmac_drbg_init(drbg_ctx(r), &br_sha256_vtable, seed, len);
	r->seeded = 1;
}

/* see crypto.h */
void
sg_drbg_generate(sg_drbg *r, void *out, size_t len)
{
	if (!r->seeded)
		abort();
	br_hmac_drbg_generate(drbg_ctx(r), out, len);
}

/* see crypto.h */
void
sg_drbg_wipe(sg_drbg *r)
{
	sg_wipe(r, sizeof *r);
}

/* ---- P-256 keys ---- */

/* see crypto.h */
sg_err
sg_p256_keygen(sg_drbg *r, sg_p256_key *key, sg_diag *d)
{
	sg_err err = SG_OK;
	uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
	br_ec_private_key sk;
	memset(&sk, 0, sizeof sk);
	memset(key, 0, sizeof *key);
	if (!r->seeded) {
		err = sg_diag_fail(d, SG_ERR_RANDOM, "P-256 key generation");
		goto out;
	}
	/* br_ec_keygen draws order-length strings from the DRBG, masks them to the order's bit
	 * length and rejects 0 and values >= n, so the scalar is uniform in [1, n-1]. */
	size_t kl = br_ec_keygen(&drbg_ctx(r)->vtable, ec_impl(), &sk, kbuf, BR_EC_secp256r1);
	if (kl != sizeof key->priv) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 key generation");
		goto out;
	}
	memcpy(key->priv, kbuf, kl);
	if (br_ec_compute_pub(ec_impl(), NULL, key->pub, &sk) != sizeof key->pub) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 key generation");
		goto out;
	}
out:
	sg_wipe(kbuf, sizeof kbuf);
	sg_wipe(&sk, sizeof sk);
	if (err != SG_OK)
		sg_p256_key_wipe(key);
	return err;
}

/* see crypto.h */
sg_err
sg_p256_key_from_private(const uint8_t *priv, size_t len, sg_p256_key *key, sg_diag *d)
{
	sg_err err = SG_OK;
	br_ec_private_key sk;
	memset(&sk, 0, sizeof sk);
	memset(key, 0, sizeof *key);
	if (len == 0 || len > sizeof key->priv) {
		err = sg_diag_failf(d, SG_ERR_KEY, "P-256 private key",
			"scalar has %zu bytes, want 1 to 32", len);
		goto out;
	}
	memcpy(key->priv + sizeof key->priv - len, priv, len);
	/* 1 <= d <= n-1, without branching on secret bytes: borrow of d - n, and an OR. */
	uint32_t borrow = 0;
	uint8_t acc = 0;
	for (size_t i = sizeof key->priv; i-- > 0;) {
		uint32_t diff = (uint32_t)key->priv[i] - (uint32_t)P256_N[i] - borrow;
		borrow = (diff >> 31) & 1u;
		acc |= key->priv[i];
	}
	if (borrow == 0 || acc == 0) {
		err = sg_diag_failf(d, SG_ERR_KEY, "P-256 private key",
			"scalar is not in [1, n-1]");
		goto out;
	}
	sk.curve = BR_EC_secp256r1;
	sk.x = key->priv;
	sk.xlen = sizeof key->priv;
	if (br_ec_compute_pub(ec_impl(), NULL, key->pub, &sk) != sizeof key->pub)
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 private key");
out:
	sg_wipe(&sk, sizeof sk);
	if (err != SG_OK)
		sg_p256_key_wipe(key);
	return err;
}

/* see crypto.h */
sg_err
sg_p256_sign_digest(const sg_p256_key *key, const uint8_t hash[SG_SHA256_LEN], uint8_t *sig,
	size_t cap, size_t *sig_len, sg_diag *d)
{
	sg_err err = SG_OK;
	uint8_t x[32], raw[64], inner[2 * (2 + 33)];
	br_ec_private_key sk = {BR_EC_secp256r1, x, sizeof x};
	*sig_len = 0;
	memcpy(x, key->priv, sizeof x);
	if (is_zero(x, sizeof x)) {
		err = sg_diag_fail(d, SG_ERR_KEY, "P-256 signing");
		goto out;
	}
	/* Raw r||s, then our own minimal DER: BearSSL's asn1 encoder is not our DER writer, and
	 * what we emit must be exactly what our strict parser (and cosign's) accept. */
	if (br_ecdsa_i31_sign_raw(ec_impl(), &br_sha256_vtable, hash, &sk, raw) != sizeof raw) {
		err = sg_diag_fail(d, SG_ERR_KEY, "P-256 signing");
		goto out;
	}
	sg_buf b, o;
	sg_buf_init(&b, inner, sizeof inner);
	sg_der_write_uint(&b, raw, 32);
	sg_der_write_uint(&b, raw + 32, 32);
	if (sg_buf_status(&b) != SG_OK) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 signing");
		goto out;
	}
	sg_buf_init(&o, sig, cap);
	sg_der_write(&o, SG_DER_SEQUENCE, inner, b.len);
	if (sg_buf_status(&o) != SG_OK) {
		memset(sig, 0, cap);
		err = sg_diag_fail(d, SG_ERR_LIMIT, "P-256 signature buffer");
		goto out;
	}
	*sig_len = o.len;
out:
	sg_wipe(x, sizeof x);
	sg_wipe(&sk, sizeof sk);
	return err;
}

/* see crypto.h */
sg_err
sg_p256_write_spki(const uint8_t pub[65], sg_buf *out)
{
	if (pub[0] != 0x04)
		return SG_ERR_ARG;
	/* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 00 04 X Y } } */
	const size_t alg_len = (2 + sizeof OID_EC_PUBLIC_KEY) + (2 + sizeof OID_PRIME256V1);
	const size_t key_len = 1 + 65;
	const size_t body = (2 + alg_len) + (2 + key_len);
	size_t start = out->len;
	sg_der_write_header(out, SG_DER_SEQUENCE, body);
	sg_der_write_header(out, SG_DER_SEQUENCE, alg_len);
	sg_der_write(out, SG_DER_OID, OID_EC_PUBLIC_KEY, sizeof OID_EC_PUBLIC_KEY);
	sg_der_write(out, SG_DER_OID, OID_PRIME256V1, sizeof OID_PRIME256V1);
	sg_der_write_header(out, SG_DER_BIT_STRING, key_len);
	sg_buf_putc(out, 0x00);
	sg_buf_put(out, pub, 65);
	SG_TRY(sg_buf_status(out));
	return out->len - start == SG_P256_SPKI_LEN ? SG_OK : SG_ERR_INTERNAL;
}

/* see crypto.h */
void
sg_p256_key_wipe(sg_p256_key *key)
{
	sg_wipe(key, sizeof *key);
}
