/* keys: private key files for `sign --key` and `generate-key-pair` (layer 3).
 *
 * Read (the first PEM block whose label names a private key; other blocks, such as the
 * "EC PARAMETERS" block `openssl ecparam -genkey` writes first, are skipped):
 *   - "ENCRYPTED SIGSTORE PRIVATE KEY" (what cosign writes today) and "ENCRYPTED COSIGN PRIVATE
 *     KEY" (older cosign): the body is go-securesystemslib's `encrypted` JSON envelope
 *       {"kdf":{"name":"scrypt","params":{"N":N,"r":r,"p":p},"salt":B64},
 *        "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
 *     with standard padded base64; the secretbox key is scrypt(password, salt, N, r, p, 32)
 *     and the plaintext is a PKCS#8 private key. Read strictly: exactly these members (no
 *     others, no duplicates), integers for N, r, p within sg_scrypt_check's bounds and the
 *     caller's max_n, a 24-byte nonce, at most SG_MAX_SCRYPT_SALT salt bytes.
 *   - "PRIVATE KEY": PKCS#8 PrivateKeyInfo (RFC 5208 §5), version 0, no attributes,
 *     algorithm id-ecPublicKey with namedCurve prime256v1 (RFC 5480), wrapping an RFC 5915
 *     ECPrivateKey whose parameters, if present, name prime256v1.
 *   - "EC PRIVATE KEY": a bare RFC 5915 ECPrivateKey, version 1, parameters required and
 *     prime256v1.
 *   In both DER forms a publicKey field, when present, must equal the point derived from the
 *   private scalar. RSA, Ed25519, other curves and "RSA PRIVATE KEY" / "ENCRYPTED PRIVATE KEY"
 *   files give SG_ERR_UNSUPPORTED.
 *
 * Write: the key PKCS#8-encoded as Go's x509.MarshalPKCS8PrivateKey does (138 bytes, the
 * inner ECPrivateKey without parameters, with the public key), sealed as above with a random
 * 32-byte salt and 24-byte nonce, the JSON laid out byte for byte as Go's json.Marshal writes
 * it, armored as "ENCRYPTED SIGSTORE PRIVATE KEY"; the public key as a "PUBLIC KEY" PEM of its
 * SubjectPublicKeyInfo (cosign.pub). */
#ifndef SG_KEYS_H
#define SG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/nacl.h"
#include "crypto/p256.h"

#define SG_KEYS_LABEL_SIGSTORE "ENCRYPTED SIGSTORE PRIVATE KEY"
#define SG_KEYS_LABEL_COSIGN "ENCRYPTED COSIGN PRIVATE KEY"
#define SG_KEYS_LABEL_PKCS8 "PRIVATE KEY"
#define SG_KEYS_LABEL_SEC1 "EC PRIVATE KEY"
#define SG_KEYS_LABEL_PUBLIC "PUBLIC KEY"

/* The scrypt parameters cosign writes (go-securesystemslib's "Standard" set: 64 MiB). */
#define SG_KEYS_SCRYPT_N 65536u
#define SG_KEYS_SCRYPT_R 8u
#define SG_KEYS_SCRYPT_P 1u
#define SG_KEYS_SALT_LEN 32u
/* An EC P-256 key as PKCS#8 DER. */
#define SG_KEYS_PKCS8_LEN 138u

typedef enum sg_keys_format {
	SG_KEYS_NONE = 0,
	SG_KEYS_ENCRYPTED = 1, /* either ENCRYPTED ... PRIVATE KEY label */
	SG_KEYS_PKCS8 = 2,
	SG_KEYS_SEC1 = 3,
} sg_keys_format;

/* A parsed encrypted-key envelope; salt and ciphertext are decoded into the arena. */
typedef struct sg_keys_envelope {
	sg_scrypt_params params;
	sg_slice salt;
	uint8_t nonce[SG_SECRETBOX_NONCE];
	sg_slice ciphertext; /* tag || box, SG_SECRETBOX_MAC to SG_SECRETBOX_MAC+SG_MAX_KEY_DER */
} sg_keys_envelope;

/* Find the first private-key PEM block in pem[0..len) (at most SG_MAX_PEM_FILE bytes) and
 * decode its body into the arena (`body`; the JSON for encrypted keys, DER otherwise).
 * Errors: SG_ERR_PEM_NONE (no private key block), SG_ERR_UNSUPPORTED (a private key label we
 * do not read), the sg_pem_next errors, SG_ERR_LIMIT (body above SG_MAX_KEY_DER, or the
 * arena). On failure *fmt is SG_KEYS_NONE and `body` is empty. */
SG_MUST_USE sg_err sg_keys_read_pem(const uint8_t *pem, size_t len, sg_arena *arena,
	sg_keys_format *fmt, sg_slice *body, sg_diag *d);

/* Parse the envelope JSON (not decrypting). Errors: the sg_json_parse errors,
 * SG_ERR_JSON_MISSING / _TYPE / _VALUE (an unknown or missing member, a bad base64 string or
 * nonce size), SG_ERR_UNSUPPORTED (kdf other than "scrypt", cipher other than
 * "nacl/secretbox"), SG_ERR_KEY_SCRYPT (parameters out of bounds or above max_n),
 * SG_ERR_LIMIT. On failure `out` is zeroed. */
SG_MUST_USE sg_err sg_keys_parse_envelope(const uint8_t *json, size_t len, uint64_t max_n,
	sg_arena *arena, sg_keys_envelope *out, sg_diag *d);

/* Parse the envelope, derive the key and open the box into plain[0..cap) (cap >=
 * ciphertext - 16, SG_ERR_LIMIT otherwise). A wrong password or altered box gives
 * SG_ERR_KEY_PASSWORD with cosign's text "decrypt: encrypted: decryption failed". scrypt
 * scratch comes from the arena and is handed back. On failure plain is wiped and
 * *plain_len is 0. */
SG_MUST_USE sg_err sg_keys_decrypt(const uint8_t *json, size_t len, const uint8_t *pw,
	size_t pw_len, uint64_t max_n, sg_arena *arena, uint8_t *plain, size_t cap,
	size_t *plain_len, sg_diag *d);

/* Parse PKCS#8 / SEC1 DER (exactly `len` bytes) into a P-256 key. Errors: the SG_ERR_DER_*
 * codes, SG_ERR_UNSUPPORTED (another algorithm or curve), SG_ERR_KEY (version, scalar out
 * of range or mismatched public key). On failure `out` is wiped. */
SG_MUST_USE sg_err sg_keys_parse_pkcs8(const uint8_t *der, size_t len, sg_p256_key *out,
	sg_diag *d);
SG_MUST_USE sg_err sg_keys_parse_sec1(const uint8_t *der, size_t len, sg_p256_key *out,
	sg_diag *d);

/* Load the private key of a key file: sg_keys_read_pem, then decrypt with pw[0..pw_len)
 * (encrypted keys only; the password is ignored for plain ones) and parse. max_n caps scrypt's
 * N (SG_MAX_SCRYPT_N for real use; fuzzers pass less). Errors: any of the above. On failure
 * `out` is wiped. Every intermediate (derived key, plaintext DER) is wiped. */
SG_MUST_USE sg_err sg_keys_load_private(const uint8_t *pem, size_t len, const uint8_t *pw,
	size_t pw_len, uint64_t max_n, sg_arena *arena, sg_p256_key *out, sg_diag *d);

/* Append the key as PKCS#8 DER (SG_KEYS_PKCS8_LEN bytes). SG_ERR_LIMIT when it does not
 * fit, SG_ERR_ARG for a public point not starting 04. */
SG_MUST_USE sg_err sg_keys_write_pkcs8(const sg_p256_key *key, sg_buf *out);

/* Append the encrypted PEM of `key` under pw[0..pw_len) with parameters `prm` (NULL: cosign's
 * SG_KEYS_SCRYPT_*), salt and nonce from `rng`. Errors: SG_ERR_KEY_SCRYPT, SG_ERR_LIMIT (out
 * or the arena), SG_ERR_ARG. */
SG_MUST_USE sg_err sg_keys_write_encrypted(const sg_p256_key *key, const uint8_t *pw,
	size_t pw_len, const sg_scrypt_params *prm, sg_drbg *rng, sg_arena *arena, sg_buf *out,
	sg_diag *d);

/* Append the "PUBLIC KEY" PEM of the key's SubjectPublicKeyInfo. SG_ERR_LIMIT / SG_ERR_ARG. */
SG_MUST_USE sg_err sg_keys_write_public_pem(const sg_p256_key *key, sg_buf *out);

#endif
