/* nacl: Salsa20, XSalsa20, Poly1305, secretbox, HMAC-SHA256, PBKDF2 and scrypt. See nacl.h.
 *
 * Implementation notes.
 *   - Salsa20: D. J. Bernstein, "Salsa20 specification" (quarterround, rowround, columnround,
 *     doubleround, the hash with feed-forward, the expansion with "expand 32-byte k").
 *   - HSalsa20 / XSalsa20: D. J. Bernstein, "Extending the Salsa20 nonce" §2: the output words
 *     0, 5, 10, 15, 6, 7, 8, 9 of 20 rounds without feed-forward become the subkey.
 *   - secretbox: "Cryptography in NaCl" §9: keystream bytes 0..31 are the Poly1305 key, the
 *     message is XORed with the keystream from byte 32; the tag covers the ciphertext.
 *   - Poly1305: RFC 8439 §2.5, computed in five 26-bit limbs with 64-bit products; the final
 *     reduction selects h or h - p by a mask, so timing does not depend on the key or data.
 *   - scrypt: RFC 7914 §3 (Salsa20/8), §4 (BlockMix), §5 (ROMix), §6 (scrypt); Integerify
 *     reads the low 32 bits of the last 64-byte block, enough because N <= 2^20.
 *   - HMAC (RFC 2104) precomputes the inner and outer SHA-256 states once per key, so each
 *     PBKDF2 iteration costs two compressions. */
#include "crypto/nacl.h"

#include <string.h>

#include "base/limits.h"
#include "crypto/hash.h"

static uint32_t
ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32u - n));
}

/* quarterround(y0, y1, y2, y3) of the spec, on words a, b, c, d of x. */
static void
qr(uint32_t *x, unsigned a, unsigned b, unsigned c, unsigned d)
{
	x[b] ^= rotl(x[a] + x[d], 7);
	x[c] ^= rotl(x[b] + x[a], 9);
	x[d] ^= rotl(x[c] + x[b], 13);
	x[a] ^= rotl(x[d] + x[c], 18);
}

/* rounds/2 doublerounds (columnround then rowround) in place, no feed-forward. */
static void
salsa_rounds(uint32_t x[16], unsigned rounds)
{
	for (unsigned i = 0; i < rounds; i += 2) {
		qr(x, 0, 4, 8, 12);
		qr(x, 5, 9, 13, 1);
		qr(x, 10, 14, 2, 6);
		qr(x, 15, 3, 7, 11);
		qr(x, 0, 1, 2, 3);
		qr(x, 5, 6, 7, 4);
		qr(x, 10, 11, 8, 9);
		qr(x, 15, 12, 13, 14);
	}
}

/* see nacl.h */
void
sg_salsa20_core(uint8_t out[64], const uint8_t in[64], unsigned rounds)
{
	uint32_t x[16], y[16];
	for (unsigned i = 0; i < 16; i++)
		x[i] = y[i] = ld32(in + 4 * i);
	salsa_rounds(x, rounds);
	for (unsigned i = 0; i < 16; i++)
		st32(out + 4 * i, x[i] + y[i]);
	sg_wipe(x, sizeof x);
	sg_wipe(y, sizeof y);
}

/* "expand 32-byte k" */
static const uint32_t sigma[4] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u};

/* The Salsa20 input block: constants on the diagonal, key in words 1-4 and 11-14, and the 16
 * bytes of nonce+counter (or HSalsa20 input) in words 6-9. */
static void
salsa_setup(uint32_t x[16], const uint8_t key[32], const uint8_t in[16])
{
	x[0] = sigma[0];
	x[5] = sigma[1];
	x[10] = sigma[2];
	x[15] = sigma[3];
	for (unsigned i = 0; i < 4; i++) {
		x[1 + i] = ld32(key + 4 * i);
		x[11 + i] = ld32(key + 16 + 4 * i);
		x[6 + i] = ld32(in + 4 * i);
	}
}

/* see nacl.h */
void
sg_hsalsa20(uint8_t out[32], const uint8_t in[16], const uint8_t key[SG_SALSA20_KEY])
{
	static const unsigned pick[8] = {0, 5, 10, 15, 6, 7, 8, 9};
	uint32_t x[16];
	salsa_setup(x, key, in);
	salsa_rounds(x, 20);
	for (unsigned i = 0; i < 8; i++)
		st32(out + 4 * i, x[pick[i]]);
	sg_wipe(x, sizeof x);
}

/* XOR len bytes of the Salsa20/20 keystream, starting `skip` bytes into block `counter`, into
 * out (in NULL: write the keystream itself). */
static void
stream_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[8],
	uint64_t counter, size_t skip, const uint8_t key[32])
{
	uint8_t block_in[16], ks[64];
	uint32_t x[16], y[16];
	memcpy(block_in, nonce, 8);
	while (len > 0) {
		for (unsigned i = 0; i < 8; i++)
			block_in[8 + i] = (uint8_t)(counter >> (8 * i));
		salsa_setup(x, key, block_in);
		memcpy(y, x, sizeof y);
		salsa_rounds(x, 20);
		for (unsigned i = 0; i < 16; i++)
			st32(ks + 4 * i, x[i] + y[i]);
		size_t n = 64 - skip < len ? 64 - skip : len;
		for (size_t i = 0; i < n; i++)
			out[i] = (uint8_t)((in != NULL ? in[i] : 0) ^ ks[skip + i]);
		out += n;
		if (in != NULL)
			in += n;
		len -= n;
		skip = 0;
		counter++;
	}
	sg_wipe(ks, sizeof ks);
	sg_wipe(x, sizeof x);
	sg_wipe(y, sizeof y);
}

/* see nacl.h */
void
sg_salsa20_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[8],
	uint64_t counter, const uint8_t key[SG_SALSA20_KEY])
{
	stream_xor(out, in, len, nonce, counter, 0, key);
}

/* see nacl.h */
void
sg_xsalsa20_xor(uint8_t *out, const uint8_t *in, size_t len,
	const uint8_t nonce[SG_XSALSA20_NONCE], const uint8_t key[SG_SALSA20_KEY])
{
	uint8_t sub[32];
	sg_hsalsa20(sub, nonce, key);
	stream_xor(out, in, len, nonce + 16, 0, 0, sub);
	sg_wipe(sub, sizeof sub);
}

/* ---- Poly1305 ---- */

/* see nacl.h */
void
sg_poly1305(uint8_t tag[SG_POLY1305_TAG], const uint8_t *m, size_t len,
	const uint8_t key[SG_POLY1305_KEY])
{
	const uint32_t M26 = 0x3ffffffu;
	/* r clamped as RFC 8439 §2.5.1 prescribes, split into 26-bit limbs. */
	uint32_t r0 = ld32(key + 0) & 0x3ffffffu;
	uint32_t r1 = (ld32(key + 3) >> 2) & 0x3ffff03u;
	uint32_t r2 = (ld32(key + 6) >> 4) & 0x3ffc0ffu;
	uint32_t r3 = (ld32(key + 9) >> 6) & 0x3f03fffu;
	uint32_t r4 = (ld32(key + 12) >> 8) & 0x00fffffu;
	/* 2^130 = 5 mod p, so limb products that overflow 2^130 fold back times 5. */
	uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
	uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;
	uint8_t last[16];

	while (len > 0) {
		const uint8_t *b = m;
		uint32_t hibit = 1u << 24; /* the 2^128 bit appended to each full block */
		size_t n = len < 16 ? len : 16;
		if (n < 16) {
			/* A short final block gets a 0x01 byte and zero padding, no high bit. */
			memset(last, 0, sizeof last);
			memcpy(last, m, n);
			last[n] = 1;
			b = last;
			hibit = 0;
		}
		h0 += ld32(b + 0) & M26;
		h1 += (ld32(b + 3) >> 2) & M26;
		h2 += (ld32(b + 6) >> 4) & M26;
		h3 += (ld32(b + 9) >> 6) & M26;
		h4 += (ld32(b + 12) >> 8) | hibit;

		uint64_t d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 +
			(uint64_t)h3 * s2 + (uint64_t)h4 * s1;
		uint64_t d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 +
			(uint64_t)h3 * s3 + (uint64_t)h4 * s2;
		uint64_t d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 +
			(uint64_t)h3 * s4 + (uint64_t)h4 * s3;
		uint64_t d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 +
			(uint64_t)h3 * r0 + (uint64_t)h4 * s4;
		uint64_t d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 +
			(uint64_t)h3 * r1 + (uint64_t)h4 * r0;

		uint64_t c = d0 >> 26;
		h0 = (uint32_t)d0 & M26;
		d1 += c;
		c = d1 >> 26;
		h1 = (uint32_t)d1 & M26;
		d2 += c;
		c = d2 >> 26;
		h2 = (uint32_t)d2 & M26;
		d3 += c;
		c = d3 >> 26;
		h3 = (uint32_t)d3 & M26;
		d4 += c;
		c = d4 >> 26;
		h4 = (uint32_t)d4 & M26;
		h0 += (uint32_t)c * 5;
		h1 += h0 >> 26;
		h0 &= M26;

		m += n;
		len -= n;
	}

	/* Fully carry h, then compute g = h + 5 - 2^130 and keep g when it is non-negative
	 * (h >= p), h otherwise. */
	uint32_t c = h1 >> 26;
	h1 &= M26;
	h2 += c;
	c = h2 >> 26;
	h2 &= M26;
	h3 += c;
	c = h3 >> 26;
	h3 &= M26;
	h4 += c;
	c = h4 >> 26;
	h4 &= M26;
	h0 += c * 5;
	c = h0 >> 26;
	h0 &= M26;
	h1 += c;

	uint32_t g0 = h0 + 5;
	c = g0 >> 26;
	g0 &= M26;
	uint32_t g1 = h1 + c;
	c = g1 >> 26;
	g1 &= M26;
	uint32_t g2 = h2 + c;
	c = g2 >> 26;
	g2 &= M26;
	uint32_t g3 = h3 + c;
	c = g3 >> 26;
	g3 &= M26;
	uint32_t g4 = h4 + c - (1u << 26);

	uint32_t mask = (g4 >> 31) - 1u; /* all ones when g4 did not borrow */
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	h2 = (h2 & ~mask) | (g2 & mask);
	h3 = (h3 & ~mask) | (g3 & mask);
	h4 = (h4 & ~mask) | (g4 & mask);

	/* h mod 2^128 as four 32-bit words, plus s. */
	uint32_t w0 = h0 | (h1 << 26);
	uint32_t w1 = (h1 >> 6) | (h2 << 20);
	uint32_t w2 = (h2 >> 12) | (h3 << 14);
	uint32_t w3 = (h3 >> 18) | (h4 << 8);
	uint64_t f = (uint64_t)w0 + ld32(key + 16);
	st32(tag + 0, (uint32_t)f);
	f = (uint64_t)w1 + ld32(key + 20) + (f >> 32);
	st32(tag + 4, (uint32_t)f);
	f = (uint64_t)w2 + ld32(key + 24) + (f >> 32);
	st32(tag + 8, (uint32_t)f);
	f = (uint64_t)w3 + ld32(key + 28) + (f >> 32);
	st32(tag + 12, (uint32_t)f);

	/* The limbs live in registers; the one buffer that held message bytes is wiped. */
	sg_wipe(last, sizeof last);
}

/* ---- secretbox ---- */

/* see nacl.h */
void
sg_secretbox_seal(uint8_t *c, const uint8_t *m, size_t len,
	const uint8_t nonce[SG_SECRETBOX_NONCE], const uint8_t key[SG_SECRETBOX_KEY])
{
	uint8_t sub[32], polykey[32];
	sg_hsalsa20(sub, nonce, key);
	stream_xor(polykey, NULL, sizeof polykey, nonce + 16, 0, 0, sub);
	stream_xor(c + SG_SECRETBOX_MAC, m, len, nonce + 16, 0, 32, sub);
	sg_poly1305(c, c + SG_SECRETBOX_MAC, len, polykey);
	sg_wipe(sub, sizeof sub);
	sg_wipe(polykey, sizeof polykey);
}

/* see nacl.h */
sg_err
sg_secretbox_open(uint8_t *m, const uint8_t *c, size_t clen,
	const uint8_t nonce[SG_SECRETBOX_NONCE], const uint8_t key[SG_SECRETBOX_KEY], sg_diag *d)
{
	if (clen < SG_SECRETBOX_MAC)
		return sg_diag_fail(d, SG_ERR_TRUNCATED, "secretbox");
	uint8_t sub[32], polykey[32], tag[SG_POLY1305_TAG];
	sg_err err = SG_OK;
	sg_hsalsa20(sub, nonce, key);
	stream_xor(polykey, NULL, sizeof polykey, nonce + 16, 0, 0, sub);
	sg_poly1305(tag, c + SG_SECRETBOX_MAC, clen - SG_SECRETBOX_MAC, polykey);
	/* Authenticate before decrypting: an altered box never yields plaintext. */
	if (!sg_ct_equal(tag, c, SG_POLY1305_TAG)) {
		err = sg_diag_fail(d, SG_ERR_DECRYPT, "secretbox");
		goto out;
	}
	stream_xor(m, c + SG_SECRETBOX_MAC, clen - SG_SECRETBOX_MAC, nonce + 16, 0, 32, sub);
out:
	sg_wipe(sub, sizeof sub);
	sg_wipe(polykey, sizeof polykey);
	sg_wipe(tag, sizeof tag);
	return err;
}

/* ---- HMAC-SHA256 and PBKDF2 ---- */

/* SHA-256 states after absorbing key^ipad and key^opad. */
typedef struct hmac_key {
	sg_hash_ctx inner, outer;
} hmac_key;

static void
hmac_init(hmac_key *k, const uint8_t *key, size_t key_len)
{
	uint8_t block[64], kh[SG_SHA256_LEN];
	memset(block, 0, sizeof block);
	if (key_len > sizeof block) {
		sg_sha256(key, key_len, kh);
		memcpy(block, kh, sizeof kh);
	} else if (key_len > 0) {
		memcpy(block, key, key_len);
	}
	for (size_t i = 0; i < sizeof block; i++)
		block[i] ^= 0x36;
	sg_hash_init(&k->inner, SG_HASH_SHA256);
	sg_hash_update(&k->inner, block, sizeof block);
	for (size_t i = 0; i < sizeof block; i++)
		block[i] ^= 0x36 ^ 0x5c;
	sg_hash_init(&k->outer, SG_HASH_SHA256);
	sg_hash_update(&k->outer, block, sizeof block);
	sg_wipe(block, sizeof block);
	sg_wipe(kh, sizeof kh);
}

/* HMAC of the concatenation a || b (b may be empty) with a prepared key. */
static void
hmac_run(const hmac_key *k, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
	uint8_t out[SG_SHA256_LEN])
{
	sg_hash_ctx h = k->inner;
	uint8_t ih[SG_SHA256_LEN];
	/* Zero-length pieces are skipped: an empty password or salt may come as NULL. */
	if (a_len > 0)
		sg_hash_update(&h, a, a_len);
	if (b_len > 0)
		sg_hash_update(&h, b, b_len);
	sg_hash_final(&h, ih);
	h = k->outer;
	sg_hash_update(&h, ih, sizeof ih);
	sg_hash_final(&h, out);
	sg_wipe(ih, sizeof ih);
}

static void
hmac_wipe(hmac_key *k)
{
	sg_wipe(k, sizeof *k);
}

/* see nacl.h */
void
sg_hmac_sha256(uint8_t out[SG_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len,
	const uint8_t *m, size_t len)
{
	hmac_key k;
	hmac_init(&k, key, key_len);
	hmac_run(&k, m, len, NULL, 0, out);
	hmac_wipe(&k);
}

/* see nacl.h */
void
sg_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
	uint32_t iterations, uint8_t *out, size_t out_len)
{
	hmac_key k;
	uint8_t u[SG_SHA256_LEN], t[SG_SHA256_LEN], ctr[4];
	hmac_init(&k, pw, pw_len);
	for (uint32_t block = 1; out_len > 0; block++) {
		st32(ctr, 0); /* INT(i) is big-endian */
		ctr[0] = (uint8_t)(block >> 24);
		ctr[1] = (uint8_t)(block >> 16);
		ctr[2] = (uint8_t)(block >> 8);
		ctr[3] = (uint8_t)block;
		hmac_run(&k, salt, salt_len, ctr, sizeof ctr, u);
		memcpy(t, u, sizeof t);
		for (uint32_t i = 1; i < iterations; i++) {
			hmac_run(&k, u, sizeof u, NULL, 0, u);
			for (size_t j = 0; j < sizeof t; j++)
				t[j] ^= u[j];
		}
		size_t n = out_len < sizeof t ? out_len : sizeof t;
		memcpy(out, t, n);
		out += n;
		out_len -= n;
	}
	sg_wipe(u, sizeof u);
	sg_wipe(t, sizeof t);
	hmac_wipe(&k);
}

/* ---- scrypt ---- */

/* Salsa20/8 core on words, in place: b = salsa20/8(b) (RFC 7914 §3). */
static void
salsa8_words(uint32_t b[16])
{
	uint32_t x[16];
	memcpy(x, b, sizeof x);
	salsa_rounds(x, 8);
	for (unsigned i = 0; i < 16; i++)
		b[i] += x[i];
}

/* scryptBlockMix (RFC 7914 §4): y = BlockMix(b), both 32*r words; even-indexed outputs go to
 * the first half of y, odd-indexed ones to the second. */
static void
blockmix(const uint32_t *b, uint32_t *y, uint32_t r)
{
	uint32_t x[16];
	memcpy(x, b + (2 * (size_t)r - 1) * 16, sizeof x);
	for (size_t i = 0; i < 2 * (size_t)r; i++) {
		for (unsigned j = 0; j < 16; j++)
			x[j] ^= b[i * 16 + j];
		salsa8_words(x);
		size_t dst = (i % 2 == 0 ? i / 2 : r + i / 2) * 16;
		memcpy(y + dst, x, sizeof x);
	}
	sg_wipe(x, sizeof x);
}

/* scryptROMix (RFC 7914 §5) on one 128*r-byte block `blk`, with v (32*r*N words) and xy
 * (64*r words) as scratch. */
static void
romix(uint8_t *blk, uint32_t r, uint64_t n, uint32_t *v, uint32_t *xy)
{
	size_t words = 32 * (size_t)r;
	uint32_t *x = xy, *y = xy + words;
	for (size_t i = 0; i < words; i++)
		x[i] = ld32(blk + 4 * i);
	for (uint64_t i = 0; i < n; i++) {
		memcpy(v + (size_t)i * words, x, words * sizeof *x);
		blockmix(x, y, r);
		memcpy(x, y, words * sizeof *x);
	}
	for (uint64_t i = 0; i < n; i++) {
		/* Integerify: the first word of the last 64-byte block, mod N (a power of two). */
		size_t j = (size_t)(x[(2 * (size_t)r - 1) * 16] & (uint32_t)(n - 1));
		const uint32_t *vj = v + j * words;
		for (size_t k = 0; k < words; k++)
			x[k] ^= vj[k];
		blockmix(x, y, r);
		memcpy(x, y, words * sizeof *x);
	}
	for (size_t i = 0; i < words; i++)
		st32(blk + 4 * i, x[i]);
}

/* Arena bytes for the three scratch areas, each padded for the arena's 16-byte alignment. */
static int
scrypt_mem(const sg_scrypt_params *prm, size_t *v_len, size_t *xy_len, size_t *b_len,
	size_t *total)
{
	size_t rn, v, xy, b, t;
	if (!sg_mul_ok((size_t)prm->r, (size_t)prm->n, &rn) || !sg_mul_ok(rn, 128, &v))
		return 0;
	if (!sg_mul_ok((size_t)prm->r, 256, &xy))
		return 0;
	if (!sg_mul_ok((size_t)prm->r * 128, (size_t)prm->p, &b))
		return 0;
	if (!sg_add_ok(v, xy, &t) || !sg_add_ok(t, b, &t) || !sg_add_ok(t, 48, &t))
		return 0;
	*v_len = v;
	*xy_len = xy;
	*b_len = b;
	*total = t;
	return 1;
}

/* see nacl.h */
sg_err
sg_scrypt_check(const sg_scrypt_params *prm, uint64_t max_n, size_t *mem, sg_diag *d)
{
	if (mem != NULL)
		*mem = 0;
	uint64_t cap_n = max_n < SG_MAX_SCRYPT_N ? max_n : SG_MAX_SCRYPT_N;
	if (prm->n < 2 || (prm->n & (prm->n - 1)) != 0)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt",
			"N must be a power of two, at least 2");
	if (prm->n > cap_n)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt", "N above %llu",
			(unsigned long long)cap_n);
	if (prm->r < 1 || prm->r > SG_MAX_SCRYPT_R)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt", "r outside 1..%u",
			SG_MAX_SCRYPT_R);
	if (prm->p < 1 || prm->p > SG_MAX_SCRYPT_P)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt", "p outside 1..%u",
			SG_MAX_SCRYPT_P);
	size_t v, xy, b, total;
	if (!scrypt_mem(prm, &v, &xy, &b, &total) || v > SG_MAX_SCRYPT_MEM)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt",
			"128*r*N above %u bytes", SG_MAX_SCRYPT_MEM);
	if (mem != NULL)
		*mem = total;
	return SG_OK;
}

/* see nacl.h */
sg_err
sg_scrypt(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
	const sg_scrypt_params *prm, uint64_t max_n, sg_arena *arena, uint8_t *out, size_t out_len,
	sg_diag *d)
{
	if (out_len == 0 || out_len > 1024) {
		if (out_len > 0)
			memset(out, 0, out_len);
		return sg_diag_fail(d, SG_ERR_ARG, "scrypt output length");
	}
	memset(out, 0, out_len);
	SG_TRY(sg_scrypt_check(prm, max_n, NULL, d));
	size_t v_len, xy_len, b_len, total;
	if (!scrypt_mem(prm, &v_len, &xy_len, &b_len, &total))
		return sg_diag_fail(d, SG_ERR_KEY_SCRYPT, "scrypt");
	/* Everything allocated below is wiped and given back at `out`. */
	size_t mark = sg_arena_mark(arena);
	void *vm, *xym, *bm;
	sg_err err = sg_arena_get(arena, v_len, &vm, d);
	if (err == SG_OK)
		err = sg_arena_get(arena, xy_len, &xym, d);
	if (err == SG_OK)
		err = sg_arena_get(arena, b_len, &bm, d);
	if (err != SG_OK)
		goto out;

	uint8_t *b = bm;
	sg_pbkdf2_sha256(pw, pw_len, salt, salt_len, 1, b, b_len);
	for (uint32_t i = 0; i < prm->p; i++)
		romix(b + (size_t)i * 128 * prm->r, prm->r, prm->n, vm, xym);
	sg_pbkdf2_sha256(pw, pw_len, b, b_len, 1, out, out_len);
out:
	sg_arena_release(arena, mark);
	return err;
}
