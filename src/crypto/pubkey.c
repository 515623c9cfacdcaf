/* pubkey: public keys and signature checks over BearSSL. See pubkey.h for the contract.
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
 *   - EC arithmetic: sg_ec_nist (crypto/ec.h: constant-time p256_m31 for P-256, prime_i31
 *     for P-384), the same on every platform, so tests and the static build exercise one code path.
 *   - Ed25519 (BearSSL has none): sg_pubkey_verify_message hands Ed25519 keys to ed25519.c, our own
 *     verifier with Go's acceptance rules; the digest entry point refuses them.
 *   - Randomness and private keys are not here: crypto/drbg.c and crypto/p256.c, the signing
 *     side, which the verify path cannot include (scripts/deps-check.sh). */
#include "crypto/pubkey.h"

#include <string.h>

#include <bearssl.h>

#include "base/limits.h"
#include "crypto/ec.h"
#include "crypto/ed25519.h"
#include "parse/der.h"
#include "parse/pem.h"

/* ---- constants ---- */

/* OID content octets; those other modules need are declared in pubkey.h. */
const uint8_t sg_oid_ec_public_key[7] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
const uint8_t sg_oid_prime256v1[8] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_SECP384R1[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
const uint8_t sg_oid_rsa_encryption[9] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
const uint8_t sg_oid_ed25519[3] = {0x2b, 0x65, 0x70};

/* Field primes and group orders, big-endian (FIPS 186-4 D.1.2.3, D.1.2.4). */
static const uint8_t P256_P[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff};
const uint8_t sg_p256_order[32] = {
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

/* sg_curve values are BearSSL's curve ids, passed straight through. */
_Static_assert(SG_CURVE_P256 == BR_EC_secp256r1 && SG_CURVE_P384 == BR_EC_secp384r1,
	"sg_curve must match BearSSL's curve ids");

/* ---- small helpers ---- */

/* 1 when the big-endian a[0..len) < b[0..len). Not constant time: public values only. */
static int
be_less(const uint8_t *a, const uint8_t *b, size_t len)
{
	return memcmp(a, b, len) < 0;
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
	return &sg_ec_nist;
}

/* ---- SubjectPublicKeyInfo ---- */

/* X, Y < p, in the uncompressed form: the cheap half of the point check. */
static int
ec_point_in_range(sg_curve curve, const uint8_t *pt, size_t len)
{
	size_t cl = coord_len_of(curve);
	const uint8_t *p = curve == SG_CURVE_P256 ? P256_P : P384_P;
	if (cl == 0 || len != 1 + 2 * cl || pt[0] != 0x04)
		return 0;
	return be_less(pt + 1, p, cl) && be_less(pt + 1 + cl, p, cl);
}

/* X, Y < p and the point on the curve. BearSSL's point decoder does the curve equation (a
 * multiplication by 1 decodes, checks and re-encodes: the expensive half, a field inversion
 * included); the range check is ours, explicit. */
static int
ec_point_valid(sg_curve curve, const uint8_t *pt, size_t len)
{
	if (!ec_point_in_range(curve, pt, len))
		return 0;
	uint8_t tmp[EC_MAX_POINT];
	memcpy(tmp, pt, len);
	static const uint8_t one[1] = {1};
	uint32_t ok = ec_impl()->mul(tmp, len, one, sizeof one, (int)curve);
	int same = ok == 1 && memcmp(tmp, pt, len) == 0;
	return same;
}

SG_MUST_USE static sg_err
parse_ec_key(sg_cur *alg, sg_slice key, int on_curve, sg_pubkey *out, sg_diag *d)
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
	if (sg_der_oid_eq(curve, sg_oid_prime256v1, sizeof sg_oid_prime256v1)) {
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
	if (on_curve ? !ec_point_valid(out->curve, key.p, key.len)
		     : !ec_point_in_range(out->curve, key.p, key.len))
		return sg_diag_failf(d, SG_ERR_X509_KEY, "EC public key",
			"point is not on the curve");
	out->type = SG_KEY_EC;
	out->point = key;
	out->point_deferred = !on_curve;
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
parse_spki(const uint8_t *spki, size_t len, int on_curve, sg_pubkey *out, sg_diag *d)
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

	if (sg_der_oid_eq(oid, sg_oid_ec_public_key, sizeof sg_oid_ec_public_key)) {
		SG_TRY(parse_ec_key(&alg, key, on_curve, out, d));
	} else if (sg_der_oid_eq(oid, sg_oid_rsa_encryption, sizeof sg_oid_rsa_encryption)) {
		/* RFC 3279 §2.3.1: the parameters MUST be present and NULL. */
		if (!sg_der_next_is(&alg, SG_DER_NULL))
			return sg_diag_failf(d, SG_ERR_X509_KEY, "RSA public key",
				"rsaEncryption parameters must be NULL");
		SG_TRY(sg_der_null(&alg, d));
		SG_TRY(parse_rsa_key(key, (size_t)(key.p - spki), out, d));
	} else if (sg_der_oid_eq(oid, sg_oid_ed25519, sizeof sg_oid_ed25519)) {
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

/* see pubkey.h */
sg_err
sg_pubkey_parse(const uint8_t *spki, size_t len, sg_pubkey *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_spki(spki, len, 1, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see pubkey.h */
sg_err
sg_pubkey_parse_deferred(const uint8_t *spki, size_t len, sg_pubkey *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_spki(spki, len, 0, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see pubkey.h */
int
sg_pubkey_point_ok(const sg_pubkey *k)
{
	return k->type != SG_KEY_EC || ec_point_valid(k->curve, k->point.p, k->point.len);
}

/* see pubkey.h */
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
	if (r.len == 0 || sg_all_zero(r.p, r.len) || s.len == 0 || sg_all_zero(s.p, s.len))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what, "r or s is zero");
	if (r.len > cl || s.len > cl)
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"r or s longer than the curve size");
	memset(raw, 0, 2 * cl);
	memcpy(raw + cl - r.len, r.p, r.len);
	memcpy(raw + 2 * cl - s.len, s.p, s.len);
	return SG_OK;
}

/* see pubkey.h */
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
	/* sg_pubkey_parse_deferred's key: the check the parser left, before its first use */
	if (k->point_deferred && !ec_point_valid(k->curve, k->point.p, k->point.len))
		return sg_diag_failf(d, SG_ERR_X509_KEY, what,
			"public key point is not on the curve");
	uint8_t raw[2 * EC_MAX_COORD];
	SG_TRY(der_sig_to_raw(sig, sig_len, cl, raw, what, d));
	/* 0 < r, s < n (SEC 1 §4.1.4 step 1). BearSSL checks it too; we do not rely on that. */
	const uint8_t *n = k->curve == SG_CURVE_P256 ? sg_p256_order : P384_N;
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

/* see pubkey.h */
sg_err
sg_pubkey_verify_digest(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *hash, size_t hash_len,
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
		 * callers use sg_pubkey_verify_message. */
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
			"Ed25519 signs the message, not a digest");
	case SG_KEY_NONE:
		break;
	}
	return sg_diag_fail(d, SG_ERR_ARG, what);
}

/* see pubkey.h */
sg_err
sg_pubkey_verify_message(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *msg, size_t msg_len,
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
	return sg_pubkey_verify_digest(k, alg, h, hl, sig, sig_len, what, d);
}
