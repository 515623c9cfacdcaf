/* Target functions: sg_pubkey_parse, sg_ecdsa_der_to_raw, sg_pubkey_verify_digest */
/* The whole input is tried both as a SubjectPublicKeyInfo and as a DER ECDSA signature (for
 * P-256 and P-384 sizes). Invariants, checked with abort():
 *   - an accepted key's views lie inside the input, the SPKI view is the whole input, the
 *     sizes match the key type, and a P-256 key re-encodes to exactly the input bytes;
 *     a refused key leaves the output zeroed; a second parse gives the same result;
 *   - an accepted signature has r, s != 0, and re-encoding raw r||s as two minimal INTEGERs
 *     in a SEQUENCE gives back exactly the input (so one signature has one encoding); a
 *     refused one leaves raw zeroed;
 *   - verification with a fixed key never accepts what the DER parser refused, and a parsed
 *     key used on a fixed signature never crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "parse/der.h"

static int
inside(sg_slice s, const uint8_t *p, size_t n)
{
	if (s.p == NULL)
		return s.len == 0;
	return s.p >= p && s.len <= n && (size_t)(s.p - p) <= n - s.len;
}

static int
zero_key(const sg_pubkey *k)
{
	sg_pubkey z;
	memset(&z, 0, sizeof z);
	return memcmp(k, &z, sizeof z) == 0;
}

static void
check_key(const uint8_t *data, size_t size)
{
	sg_pubkey k, k2;
	sg_err e = sg_pubkey_parse(data, size, &k, NULL);
	sg_err e2 = sg_pubkey_parse(data, size, &k2, NULL);
	if (e != e2 || memcmp(&k, &k2, sizeof k) != 0)
		abort();
	if (e != SG_OK) {
		if (!zero_key(&k))
			abort();
		return;
	}
	if (k.spki.p != data || k.spki.len != size)
		abort();
	if (!inside(k.point, data, size) || !inside(k.n, data, size) ||
		!inside(k.e, data, size) || !inside(k.ed25519, data, size))
		abort();
	static const uint8_t fixed_hash[SG_SHA256_LEN] = {1, 2, 3};
	static const uint8_t fixed_sig[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	switch (k.type) {
	case SG_KEY_EC: {
		size_t want = k.curve == SG_CURVE_P256 ? 65 : k.curve == SG_CURVE_P384 ? 97 : 0;
		if (want == 0 || k.point.len != want || k.point.p[0] != 0x04)
			abort();
		if (k.curve == SG_CURVE_P256) {
			uint8_t w[SG_P256_SPKI_LEN];
			sg_buf b;
			sg_buf_init(&b, w, sizeof w);
			if (sg_p256_write_spki(k.point.p, &b) != SG_OK || b.len != size ||
				memcmp(w, data, size) != 0)
				abort();
		}
		if (sg_pubkey_verify_digest(&k, SG_HASH_SHA256, fixed_hash, sizeof fixed_hash,
			fixed_sig, sizeof fixed_sig, "fuzz", NULL) == SG_OK)
			abort();
		break;
	}
	case SG_KEY_RSA: {
		if (k.n.len < 256 || k.n.len > 512 || k.e.len < 1 || k.e.len > 4)
			abort();
		/* An all-0x01 signature of the modulus length: runs the RSA operation. */
		static uint8_t rsa_sig[512];
		memset(rsa_sig, 0x01, sizeof rsa_sig);
		if (sg_pubkey_verify_digest(&k, SG_HASH_SHA256, fixed_hash, sizeof fixed_hash, rsa_sig,
			k.n.len, "fuzz", NULL) == SG_OK)
			abort();
		break;
	}
	case SG_KEY_ED25519:
		if (k.ed25519.len != 32)
			abort();
		if (sg_pubkey_verify_digest(&k, SG_HASH_SHA256, fixed_hash, sizeof fixed_hash, fixed_sig,
			sizeof fixed_sig, "fuzz", NULL) != SG_ERR_UNSUPPORTED)
			abort();
		break;
	case SG_KEY_NONE:
		abort();
	}
}

static void
check_sig(const uint8_t *data, size_t size, size_t cl)
{
	uint8_t raw[96];
	memset(raw, 0xee, sizeof raw);
	sg_err e = sg_ecdsa_der_to_raw(data, size, cl, raw, NULL);
	if (e != SG_OK) {
		for (size_t i = 0; i < 2 * cl; i++)
			if (raw[i] != 0)
				abort();
		return;
	}
	int rz = 1, sz = 1;
	for (size_t i = 0; i < cl; i++) {
		rz &= raw[i] == 0;
		sz &= raw[cl + i] == 0;
	}
	if (rz || sz)
		abort();
	uint8_t inner[2 * (2 + 49)], again[2 + sizeof inner];
	sg_buf ib, ob;
	sg_buf_init(&ib, inner, sizeof inner);
	sg_buf_init(&ob, again, sizeof again);
	sg_der_write_uint(&ib, raw, cl);
	sg_der_write_uint(&ib, raw + cl, cl);
	sg_der_write(&ob, SG_DER_SEQUENCE, inner, ib.len);
	if (sg_buf_status(&ib) != SG_OK || sg_buf_status(&ob) != SG_OK)
		abort();
	if (ob.len != size || memcmp(again, data, size) != 0)
		abort();
}

/* A fixed P-256 key (the RFC 6979 A.2.5 one) to run the input through verification. */
static const uint8_t P256_KEY[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00, 0x04, 0x60, 0xfe, 0xd4, 0xba, 0x25, 0x5a, 0x9d, 0x31, 0xc9, 0x61, 0xeb, 0x74,
	0xc6, 0x35, 0x6d, 0x68, 0xc0, 0x49, 0xb8, 0x92, 0x3b, 0x61, 0xfa, 0x6c, 0xe6, 0x69, 0x62,
	0x2e, 0x60, 0xf2, 0x9f, 0xb6, 0x79, 0x03, 0xfe, 0x10, 0x08, 0xb8, 0xbc, 0x99, 0xa4, 0x1a,
	0xe9, 0xe9, 0x56, 0x28, 0xbc, 0x64, 0xf2, 0xf1, 0xb2, 0x0c, 0x2d, 0x7e, 0x9f, 0x51, 0x77,
	0xa3, 0xc2, 0x94, 0xd4, 0x46, 0x22, 0x99};

static void
check_verify(const uint8_t *data, size_t size)
{
	sg_pubkey k;
	if (sg_pubkey_parse(P256_KEY, sizeof P256_KEY, &k, NULL) != SG_OK)
		abort();
	uint8_t h[SG_SHA256_LEN], raw[64];
	sg_sha256("sample", 6, h);
	sg_err v = sg_pubkey_verify_digest(&k, SG_HASH_SHA256, h, sizeof h, data, size, "fuzz", NULL);
	if (v == SG_OK && sg_ecdsa_der_to_raw(data, size, 32, raw, NULL) != SG_OK)
		abort();
	if (v != SG_OK && v != SG_ERR_VERIFY_SIGNATURE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_key(data, size);
	check_sig(data, size, 32);
	check_sig(data, size, 48);
	check_verify(data, size);
	return 0;
}
