/* nacl: the primitives behind cosign's encrypted private keys (layer 2), written here because
 * BearSSL has none of them: the Salsa20 core (20 and 8 rounds), HSalsa20 and XSalsa20
 * (Bernstein, "Extending the Salsa20 nonce"), Poly1305 (RFC 8439 §2.5), NaCl's secretbox
 * (XSalsa20-Poly1305, "Cryptography in NaCl" §9), HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256
 * (RFC 8018 §5.2) over crypto.h's SHA-256, and scrypt (RFC 7914).
 *
 * Everything is pure: no I/O, no randomness, no globals. Memory comes from the caller: scrypt
 * takes its 128*r*N bytes of scratch from an sg_arena and wipes and returns them before it
 * returns. Secrets (keys, passwords, keystreams) are wiped from the stack on every path. */
#ifndef SG_NACL_H
#define SG_NACL_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

#define SG_SALSA20_KEY 32u
#define SG_XSALSA20_NONCE 24u
#define SG_POLY1305_KEY 32u
#define SG_POLY1305_TAG 16u
#define SG_SECRETBOX_KEY 32u
#define SG_SECRETBOX_NONCE 24u
/* secretbox output is the 16-byte Poly1305 tag followed by the ciphertext (NaCl's "easy"
 * layout, which Go's golang.org/x/crypto/nacl/secretbox also uses). */
#define SG_SECRETBOX_MAC 16u
#define SG_HMAC_SHA256_LEN 32u

/* The Salsa20 hash function (Salsa20 spec §8) with `rounds` rounds (8 or 20; any even
 * number works): out = in + doubleround^(rounds/2)(in), words little-endian. in and out may
 * be the same buffer. */
void sg_salsa20_core(uint8_t out[64], const uint8_t in[64], unsigned rounds);

/* HSalsa20: 20 rounds over (constants, key, in) without the final addition; out is words 0,
 * 5, 10, 15, 6, 7, 8, 9. */
void sg_hsalsa20(uint8_t out[32], const uint8_t in[16], const uint8_t key[SG_SALSA20_KEY]);

/* Salsa20/20 stream cipher: out = in XOR keystream(key, nonce) starting at block `counter`.
 * `in` and `out` may be the same buffer; `in` NULL means zeros (the raw keystream). */
void sg_salsa20_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[8],
	uint64_t counter, const uint8_t key[SG_SALSA20_KEY]);

/* XSalsa20: Salsa20 with key HSalsa20(key, nonce[0..16)) and nonce nonce[16..24), from block
 * 0. Same aliasing rules as sg_salsa20_xor. */
void sg_xsalsa20_xor(uint8_t *out, const uint8_t *in, size_t len,
	const uint8_t nonce[SG_XSALSA20_NONCE], const uint8_t key[SG_SALSA20_KEY]);

/* Poly1305 one-time authenticator (RFC 8439 §2.5) of m[0..len) under a one-time key. */
void sg_poly1305(uint8_t tag[SG_POLY1305_TAG], const uint8_t *m, size_t len,
	const uint8_t key[SG_POLY1305_KEY]);

/* secretbox seal: c[0..16) = Poly1305 tag, c[16..16+len) = m XOR XSalsa20 keystream from
 * byte 32 (the first 32 bytes key Poly1305). c must hold len + SG_SECRETBOX_MAC bytes and must
 * not overlap m. */
void sg_secretbox_seal(uint8_t *c, const uint8_t *m, size_t len,
	const uint8_t nonce[SG_SECRETBOX_NONCE], const uint8_t key[SG_SECRETBOX_KEY]);

/* secretbox open: checks the tag (in constant time) before decrypting anything; m receives
 * clen - SG_SECRETBOX_MAC bytes and must not overlap c. Returns SG_OK, SG_ERR_TRUNCATED when
 * clen < SG_SECRETBOX_MAC, or SG_ERR_DECRYPT when the tag does not match (wrong key or
 * altered box); on failure nothing is written to m. */
SG_MUST_USE sg_err sg_secretbox_open(uint8_t *m, const uint8_t *c, size_t clen,
	const uint8_t nonce[SG_SECRETBOX_NONCE], const uint8_t key[SG_SECRETBOX_KEY], sg_diag *d);

/* HMAC-SHA256 (RFC 2104; keys longer than 64 bytes are hashed first). */
void sg_hmac_sha256(uint8_t out[SG_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len,
	const uint8_t *m, size_t len);

/* PBKDF2 with HMAC-SHA256 (RFC 8018 §5.2): out[0..out_len) from `iterations` >= 1 rounds
 * (0 is treated as 1). out_len may be anything up to (2^32 - 1) * 32. */
void sg_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
	uint32_t iterations, uint8_t *out, size_t out_len);

/* scrypt cost parameters (RFC 7914 §2). */
typedef struct sg_scrypt_params {
	uint64_t n; /* CPU/memory cost: a power of two, >= 2 */
	uint32_t r; /* block size */
	uint32_t p; /* parallelization */
} sg_scrypt_params;

/* Check parameters against RFC 7914 §2 and our bounds before any work: N a power of two with
 * 2 <= N <= min(max_n, SG_MAX_SCRYPT_N), 1 <= r <= SG_MAX_SCRYPT_R, 1 <= p <= SG_MAX_SCRYPT_P,
 * and scratch memory 128*r*N <= SG_MAX_SCRYPT_MEM. *mem (may be NULL) receives the total
 * arena bytes sg_scrypt will take. SG_ERR_KEY_SCRYPT otherwise (detail names the bound). */
SG_MUST_USE sg_err sg_scrypt_check(const sg_scrypt_params *prm, uint64_t max_n, size_t *mem,
	sg_diag *d);

/* scrypt(pw, salt, N, r, p, out_len) (RFC 7914 §6) into out[0..out_len), 1 <= out_len <=
 * 1024. Parameters are checked as sg_scrypt_check(prm, max_n). Scratch memory comes from
 * `arena` and is wiped and handed back before returning, so the arena's use is unchanged.
 * Errors: SG_ERR_KEY_SCRYPT, SG_ERR_ARG (out_len), SG_ERR_LIMIT ("arena"). On failure `out`
 * is zeroed. */
SG_MUST_USE sg_err sg_scrypt(const uint8_t *pw, size_t pw_len, const uint8_t *salt,
	size_t salt_len, const sg_scrypt_params *prm, uint64_t max_n, sg_arena *arena,
	uint8_t *out, size_t out_len, sg_diag *d);

#endif
