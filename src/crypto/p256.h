/* p256: P-256 signing keys (rank 2, signing side): key generation from the DRBG, loading a
 * private scalar, deterministic ECDSA signing (RFC 6979) and writing the public key as an SPKI.
 * The verify path never includes this header (scripts/deps-check.sh).
 *
 * Private keys live in caller-owned sg_p256_key structs; call sg_p256_key_wipe on every exit
 * path. */
#ifndef SG_P256_H
#define SG_P256_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/drbg.h"
#include "crypto/hash.h"

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
