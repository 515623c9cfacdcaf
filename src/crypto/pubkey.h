/* pubkey: public keys and signature checks through BearSSL (rank 2): SubjectPublicKeyInfo
 * parsing (EC P-256/P-384, RSA, Ed25519), strict DER ECDSA signatures, ECDSA and RSA PKCS#1
 * v1.5 verification of a digest, and Ed25519 verification of a message (through ed25519.h,
 * for Rekor v2 checkpoints). Everything here handles public data only; the signing side is
 * crypto/p256.h and crypto/drbg.h, which the offline set may not include. */
#ifndef SG_PUBKEY_H
#define SG_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/hash.h"

/* OID contents octets used by more than one module, defined once in pubkey.c:
 * id-ecPublicKey (1.2.840.10045.2.1) and prime256v1 (1.2.840.10045.3.1.7) of RFC 5480 §2.1.1,
 * rsaEncryption (1.2.840.113549.1.1.1, RFC 8017 App. C) and id-Ed25519 (1.3.101.112, RFC 8410
 * §3). */
extern const uint8_t sg_oid_ec_public_key[7];
extern const uint8_t sg_oid_prime256v1[8];
extern const uint8_t sg_oid_rsa_encryption[9];
extern const uint8_t sg_oid_ed25519[3];
/* The order n of the P-256 group, big-endian (FIPS 186-4 D.1.2.3). */
extern const uint8_t sg_p256_order[32];

/* ---- public keys ---- */
typedef enum sg_key_type {
	SG_KEY_NONE = 0,
	SG_KEY_EC = 1,
	SG_KEY_RSA = 2,
	SG_KEY_ED25519 = 3, /* verified by ed25519.c, through sg_pubkey_verify_message only */
} sg_key_type;

typedef enum sg_curve {
	SG_CURVE_NONE = 0,
	SG_CURVE_P256 = 23, /* TLS/BearSSL curve ids */
	SG_CURVE_P384 = 24,
} sg_curve;

/* A parsed SubjectPublicKeyInfo. Views point into the SPKI bytes given to the parser. */
typedef struct sg_pubkey {
	sg_key_type type;
	sg_curve curve;    /* EC only */
	sg_slice point;    /* EC: uncompressed point 04||X||Y */
	sg_slice n, e;     /* RSA: modulus and exponent magnitudes */
	sg_slice ed25519;  /* Ed25519: 32-byte key */
	sg_slice spki;     /* the whole SubjectPublicKeyInfo DER */
	int point_deferred; /* EC from sg_pubkey_parse_deferred: the on-curve check is made
			     * by the first signature check (every one: nothing is written) */
} sg_pubkey;

/* Parse a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), exactly `len` bytes with nothing after:
 *   - id-ecPublicKey with namedCurve prime256v1 or secp384r1 (RFC 5480). Explicit curve
 *     parameters, other curves and compressed points give SG_ERR_X509_KEY; the point must be
 *     04||X||Y of the curve's size, with X, Y < p and on the curve.
 *   - rsaEncryption with NULL parameters (RFC 3279 §2.3.1): modulus of SG_MIN_RSA_BITS to
 *     SG_MAX_RSA_BITS bits, odd exponent of 3 to 2^32-1; anything else SG_ERR_X509_KEY.
 *   - id-Ed25519 (RFC 8410) with absent parameters and a 32-byte key.
 * Other algorithms: SG_ERR_X509_KEY. Malformed DER: the SG_ERR_DER_* code from der.h.
 * On success the views in `out` point into `spki`; on failure `out` is zeroed. */
SG_MUST_USE sg_err sg_pubkey_parse(const uint8_t *spki, size_t len, sg_pubkey *out, sg_diag *d);
/* sg_pubkey_parse without the one expensive check: an EC point is checked for its form, size
 * and X, Y < p, but not for lying on the curve (a scalar multiplication and a field
 * inversion). For keys that are parsed and often never used: a certificate chain's root
 * (pki/x509.c), the trusted root's log keys (pki/trustroot.h). point_deferred is set, and
 * sg_pubkey_verify_* then check the point before any signature (SG_ERR_X509_KEY "point is
 * not on the curve"); a caller that keeps its own verdict (trustroot) clears it. */
SG_MUST_USE sg_err sg_pubkey_parse_deferred(const uint8_t *spki, size_t len, sg_pubkey *out,
	sg_diag *d);
/* 1 when `k` is not an EC key, or its point lies on its curve (what sg_pubkey_parse checks). */
int sg_pubkey_point_ok(const sg_pubkey *k);

/* Parse the first PEM "PUBLIC KEY" block (cosign.pub, rekor.pub) of `pem`. The SPKI DER is
 * written to der[0..cap) and `out` points into it. Errors: SG_ERR_PEM_NONE when there is no
 * such block, the sg_pem_decode_first errors, then those of sg_pubkey_parse. */
SG_MUST_USE sg_err sg_pubkey_parse_pem(const uint8_t *pem, size_t len, uint8_t *der, size_t cap,
	sg_pubkey *out, sg_diag *d);

/* ---- signature verification ---- */
/* Strictly parse an ECDSA-Sig-Value (RFC 5480 §2.2 / RFC 3279 §2.2.3: a DER SEQUENCE of two
 * minimal INTEGERs, nothing after it) into raw r||s, each left-padded to coord_len bytes, in
 * raw[0..2*coord_len). coord_len is 32 (P-256) or 48 (P-384), else SG_ERR_ARG. Rejected with
 * SG_ERR_VERIFY_SIGNATURE: any DER error (BER lengths, non-minimal or negative INTEGERs, wrong
 * tags, trailing bytes), r or s equal to 0, and r or s longer than coord_len bytes. The range
 * check against the curve order is done by sg_pubkey_verify_digest. On failure raw is zeroed. */
SG_MUST_USE sg_err sg_ecdsa_der_to_raw(const uint8_t *sig, size_t sig_len, size_t coord_len,
	uint8_t *raw, sg_diag *d);

/* Verify signature `sig` over the already-computed digest `hash` with key `k`:
 * EC keys: DER ECDSA signature (as sg_ecdsa_der_to_raw, plus 0 < r, s < n); the digest is
 * used as ECDSA prescribes (truncated to the order's bit length), so the curve/hash pairing
 * is the caller's policy. RSA keys: PKCS#1 v1.5 (RFC 8017 §8.2.2) by encode-and-compare: the
 * signature must be exactly the modulus length and decrypt to exactly 00 01 FF..FF 00
 * DigestInfo(alg, NULL parameters) hash, so the variant without the NULL is rejected.
 * hash_len must be sg_hash_len(alg) (SG_ERR_ARG otherwise). SG_ERR_VERIFY_SIGNATURE on any
 * mismatch or malformed signature, SG_ERR_UNSUPPORTED for Ed25519 keys (Ed25519 signs the
 * message, not a digest: use sg_pubkey_verify_message), SG_ERR_ARG for a key
 * of type SG_KEY_NONE. `what` names the check for the diagnostic ("certificate signature",
 * "SCT"...); it must outlive `d`. */
SG_MUST_USE sg_err sg_pubkey_verify_digest(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *hash,
	size_t hash_len, const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d);
/* Hash `msg` with `alg`, then sg_pubkey_verify_digest. Ed25519 keys instead verify the raw message
 * with sg_ed25519_verify (ed25519.h; `alg` is ignored): SG_ERR_VERIFY_SIGNATURE on any failure,
 * SG_ERR_ARG when the key is not 32 bytes. */
SG_MUST_USE sg_err sg_pubkey_verify_message(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *msg,
	size_t msg_len, const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d);

#endif
