/* crypto: picosign's only door to BearSSL's primitives (layer 2; only crypto.c and net.c
 * include BearSSL). SHA-2, ECDSA P-256/P-384 verify (strict DER signatures), RSA PKCS#1 v1.5
 * verify (for CT logs and TSAs with RSA keys), Ed25519 verify (through ed25519.h, for Rekor v2
 * checkpoints), P-256 key generation and signing, SPKI parsing and writing, and an HMAC-DRBG
 * seeded from getrandom(2).
 *
 * Secrets (private keys, DRBG state) live in caller-owned structs; call the matching _wipe
 * function on every exit path. */
#ifndef SG_CRYPTO_H
#define SG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

/* ---- hashing ---- */
typedef enum sg_hash_alg {
	SG_HASH_SHA256 = 1,
	SG_HASH_SHA384 = 2,
	SG_HASH_SHA512 = 3,
} sg_hash_alg;

#define SG_SHA256_LEN 32u
#define SG_SHA384_LEN 48u
#define SG_SHA512_LEN 64u
#define SG_HASH_MAX_LEN 64u

/* Digest length of `alg` (0 for an unknown value). */
size_t sg_hash_len(sg_hash_alg alg);
void sg_sha256(const void *p, size_t len, uint8_t out[SG_SHA256_LEN]);
void sg_sha384(const void *p, size_t len, uint8_t out[SG_SHA384_LEN]);
void sg_sha512(const void *p, size_t len, uint8_t out[SG_SHA512_LEN]);
/* One-shot hash with any algorithm; out must hold sg_hash_len(alg) bytes (nothing is written
 * for an unknown alg). */
void sg_hash(sg_hash_alg alg, const void *p, size_t len, uint8_t *out);

/* Streaming hash; the storage is sized for BearSSL's largest SHA-2 context (checked by a static
 * assertion in crypto.c). */
typedef struct sg_hash_ctx {
	uint64_t opaque[40];
	sg_hash_alg alg;
} sg_hash_ctx;
void sg_hash_init(sg_hash_ctx *h, sg_hash_alg alg);
void sg_hash_update(sg_hash_ctx *h, const void *p, size_t len);
/* Writes sg_hash_len(alg) bytes, then wipes the context (sg_hash_init it again to reuse). An
 * unknown alg given to sg_hash_init makes update a no-op and final write nothing. */
void sg_hash_final(sg_hash_ctx *h, uint8_t *out);

/* ---- public keys ---- */
typedef enum sg_key_type {
	SG_KEY_NONE = 0,
	SG_KEY_EC = 1,
	SG_KEY_RSA = 2,
	SG_KEY_ED25519 = 3, /* verified by ed25519.c, through sg_verify_message only */
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
 * check against the curve order is done by sg_verify_digest. On failure raw is zeroed. */
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
 * message, not a digest: use sg_verify_message), SG_ERR_ARG for a key
 * of type SG_KEY_NONE. `what` names the check for the diagnostic ("certificate signature",
 * "SCT"...); it must outlive `d`. */
SG_MUST_USE sg_err sg_verify_digest(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *hash,
	size_t hash_len, const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d);
/* Hash `msg` with `alg`, then sg_verify_digest. Ed25519 keys instead verify the raw message
 * with sg_ed25519_verify (ed25519.h; `alg` is ignored): SG_ERR_VERIFY_SIGNATURE on any failure,
 * SG_ERR_ARG when the key is not 32 bytes. */
SG_MUST_USE sg_err sg_verify_message(const sg_pubkey *k, sg_hash_alg alg, const uint8_t *msg,
	size_t msg_len, const uint8_t *sig, size_t sig_len, const char *what, sg_diag *d);

/* ---- randomness ---- */
/* HMAC-DRBG (SHA-256). Seeded from getrandom(2), never /dev/urandom: scratch images may have
 * no /dev. */
typedef struct sg_drbg {
	uint64_t opaque[24];
	int seeded;
} sg_drbg;
/* Seed from getrandom(2); SG_ERR_RANDOM when the kernel gives no entropy. */
SG_MUST_USE sg_err sg_drbg_init(sg_drbg *r, sg_diag *d);
/* Deterministic seeding, for tests and fuzzers only. */
void sg_drbg_init_seed(sg_drbg *r, const void *seed, size_t len);
/* Fill out[0..len). `r` must be seeded: generating from an unseeded DRBG is a programming
 * error and calls abort() rather than hand out predictable bytes. */
void sg_drbg_generate(sg_drbg *r, void *out, size_t len);
void sg_drbg_wipe(sg_drbg *r);

/* ---- P-256 signing keys ---- */
/* A DER ECDSA P-256 signature is at most 72 bytes; a P-256 SubjectPublicKeyInfo is 91. */
#define SG_P256_SIG_MAX 72u
#define SG_P256_SPKI_LEN 91u

typedef struct sg_p256_key {
	uint8_t priv[32];  /* secret: wipe with sg_p256_key_wipe */
	uint8_t pub[65];   /* uncompressed point 04||X||Y */
} sg_p256_key;

/* A fresh key pair from `r` (scalar uniform in [1, n-1] by rejection sampling).
 * SG_ERR_RANDOM if `r` is not seeded. On failure `key` is wiped. */
SG_MUST_USE sg_err sg_p256_keygen(sg_drbg *r, sg_p256_key *key, sg_diag *d);
/* Load a private scalar (e.g. from a PKCS#8/SEC1 file): a big-endian value of 1 to 32 bytes
 * (shorter ones are left-padded; RFC 5915 writes 32) that must lie in [1, n-1], else
 * SG_ERR_KEY. Derives the public point. On failure `key` is wiped. */
SG_MUST_USE sg_err sg_p256_key_from_private(const uint8_t *priv, size_t len, sg_p256_key *key,
	sg_diag *d);
/* Sign a SHA-256 digest, deterministically (RFC 6979, as BearSSL does); the minimal DER
 * ECDSA-Sig-Value goes into sig[0..cap) (SG_P256_SIG_MAX bytes always suffice, SG_ERR_LIMIT
 * otherwise). SG_ERR_KEY for an invalid key. */
SG_MUST_USE sg_err sg_p256_sign_digest(const sg_p256_key *key, const uint8_t hash[SG_SHA256_LEN],
	uint8_t *sig, size_t cap, size_t *sig_len, sg_diag *d);
/* Append the DER SubjectPublicKeyInfo of the key's public point (SG_P256_SPKI_LEN bytes).
 * SG_ERR_ARG unless pub starts with 04; SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_p256_write_spki(const uint8_t pub[65], sg_buf *out);
void sg_p256_key_wipe(sg_p256_key *key);

#endif
