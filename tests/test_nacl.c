/* Tests for nacl: Salsa20, HSalsa20, XSalsa20, Poly1305, secretbox, HMAC, PBKDF2, scrypt.
 * Every expected value is a published vector; each block names its source. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "base/limits.h"
#include "crypto/nacl.h"
#include "runner.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (s[0] != '\0' && s[1] != '\0' && n < cap) {
		unsigned v = 0;
		for (int i = 0; i < 2; i++) {
			char c = s[i];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
		}
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static int
eq_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t buf[512];
	size_t n = unhex(want, buf, sizeof buf);
	return n == len && memcmp(got, buf, len) == 0;
}

/* RFC 7914 §8: the Salsa20/8 core test vector. */
static void
test_salsa20_8_core(void)
{
	uint8_t in[64], out[64];
	unhex("7e879a214f3ec9867ca940e641718f26baee555b8c61c1b50df846116dcd3b1d"
	      "ee24f319df9b3d8514121e4b5ac5aa3276021d2909c74829edebc68db8b8c25e",
		in, sizeof in);
	sg_salsa20_core(out, in, 8);
	CHECK(eq_hex(out, 64,
		"a41f859c6608cc993b81cacb020cef05044b2181a2fd337dfd7b1c6396682f29"
		"b4393168e3c9e6bcfe6bc5b7a06d96bae424cc102c91745c24ad673dc7618f81"));
	/* In place gives the same. */
	sg_salsa20_core(in, in, 8);
	CHECK(memcmp(in, out, 64) == 0);
	/* Salsa20 spec §8 example: the zero block hashes to zero. */
	uint8_t z[64] = {0};
	sg_salsa20_core(out, z, 20);
	CHECK(memcmp(out, z, 64) == 0);
}

/* eSTREAM Salsa20/20 256-bit key, Set 1, vector# 0 (verified.test-vectors of the eSTREAM
 * submission): key 80 00..00, IV 0, keystream bytes 0..63 and 192..255. */
static void
test_salsa20_stream(void)
{
	uint8_t key[32] = {0x80}, nonce[8] = {0}, ks[256];
	sg_salsa20_xor(ks, NULL, sizeof ks, nonce, 0, key);
	CHECK(eq_hex(ks, 64,
		"E3BE8FDD8BECA2E3EA8EF9475B29A6E7003951E1097A5C38D23B7A5FAD9F6844"
		"B22C97559E2723C7CBBD3FE4FC8D9A0744652A83E72A9C461876AF4D7EF1A117"));
	CHECK(eq_hex(ks + 192, 64,
		"57BE81F47B17D9AE7C4FF15429A73E10ACF250ED3A90A93C711308A74C6216A9"
		"ED84CD126DA7F28E8ABF8BB63517E1CA98E712F4FB2E1A6AED9FDC73291FAA17"));
	/* Starting at block 3 gives bytes 192.. of the same stream. */
	uint8_t part[64];
	sg_salsa20_xor(part, NULL, sizeof part, nonce, 3, key);
	CHECK(memcmp(part, ks + 192, 64) == 0);
	/* XOR is its own inverse, also in place and at odd lengths. */
	uint8_t msg[100], buf[100];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7);
	memcpy(buf, msg, sizeof buf);
	sg_salsa20_xor(buf, buf, 77, nonce, 0, key);
	CHECK(memcmp(buf, msg, 77) != 0);
	for (size_t i = 0; i < 77; i++)
		CHECK((buf[i] ^ ks[i]) == msg[i]);
	sg_salsa20_xor(buf, buf, 77, nonce, 0, key);
	CHECK(memcmp(buf, msg, sizeof msg) == 0);
}

/* NaCl's tests core1 and core2 (also libsodium test/default/core1.c, core2.c): HSalsa20 of the
 * box example's shared secret gives `firstkey`, the secretbox key below; HSalsa20 of firstkey
 * with the nonce prefix gives `secondkey`. */
static const char *const firstkey =
	"1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
static const char *const box_nonce = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";

static void
test_hsalsa20(void)
{
	uint8_t shared[32], zero[16] = {0}, out[32], key[32], prefix[16];
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", shared,
		sizeof shared);
	sg_hsalsa20(out, zero, shared);
	CHECK(eq_hex(out, 32, firstkey));
	unhex(firstkey, key, sizeof key);
	unhex(box_nonce, prefix, sizeof prefix);
	sg_hsalsa20(out, prefix, key);
	CHECK(eq_hex(out, 32, "dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4"));
}

/* NaCl's secretbox test (libsodium test/default/secretbox.c and secretbox_easy.exp): the
 * 131-byte message of the box example under firstkey and the 24-byte nonce. */
static const char *const box_msg =
	"be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d4"
	"5e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a"
	"024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
static const char *const box_out =
	"f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c5"
	"31a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8a"
	"b932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622"
	"a43d14a6599b1f654cb45a74e355a5";

static void
test_secretbox(void)
{
	uint8_t key[32], nonce[24], m[131], c[147], back[131];
	unhex(firstkey, key, sizeof key);
	unhex(box_nonce, nonce, sizeof nonce);
	CHECK(unhex(box_msg, m, sizeof m) == 131);
	sg_secretbox_seal(c, m, sizeof m, nonce, key);
	CHECK(eq_hex(c, sizeof c, box_out));

	memset(back, 0xaa, sizeof back);
	CHECK_OK(sg_secretbox_open(back, c, sizeof c, nonce, key, NULL));
	CHECK(memcmp(back, m, sizeof m) == 0);

	/* The XSalsa20 keystream from byte 32 is what encrypted the message. */
	uint8_t ks[32 + 131];
	sg_xsalsa20_xor(ks, NULL, sizeof ks, nonce, key);
	int same = 1;
	for (size_t i = 0; i < sizeof m; i++)
		same &= (m[i] ^ ks[32 + i]) == c[16 + i];
	CHECK(same);

	/* Any flipped bit (tag or ciphertext), a wrong key or nonce: SG_ERR_DECRYPT, nothing
	 * written. */
	int all_fail = 1, untouched = 1;
	for (size_t i = 0; i < sizeof c; i++) {
		for (unsigned bit = 0; bit < 8; bit += 3) {
			c[i] ^= (uint8_t)(1u << bit);
			memset(back, 0x55, sizeof back);
			sg_diag d;
			sg_diag_init(&d, "t");
			sg_err e = sg_secretbox_open(back, c, sizeof c, nonce, key, &d);
			if (e != SG_ERR_DECRYPT || d.code != SG_ERR_DECRYPT)
				all_fail = 0;
			for (size_t k = 0; k < sizeof back; k++)
				untouched &= back[k] == 0x55;
			c[i] ^= (uint8_t)(1u << bit);
		}
	}
	CHECK(all_fail);
	CHECK(untouched);
	key[5] ^= 1;
	CHECK_ERR(sg_secretbox_open(back, c, sizeof c, nonce, key, NULL), SG_ERR_DECRYPT);
	key[5] ^= 1;
	nonce[23] ^= 0x80;
	CHECK_ERR(sg_secretbox_open(back, c, sizeof c, nonce, key, NULL), SG_ERR_DECRYPT);
	nonce[23] ^= 0x80;

	/* Every proper prefix fails (shorter than the tag: truncated), never over-reads. */
	int prefixes_fail = 1;
	for (size_t n = 0; n < sizeof c; n++) {
		const uint8_t *g = guard_put(c, n);
		sg_err e = sg_secretbox_open(back, g, n, nonce, key, NULL);
		if (e != (n < 16 ? SG_ERR_TRUNCATED : SG_ERR_DECRYPT))
			prefixes_fail = 0;
	}
	CHECK(prefixes_fail);
	/* The whole box through the guard page still opens. */
	const uint8_t *g = guard_put(c, sizeof c);
	CHECK_OK(sg_secretbox_open(back, g, sizeof c, nonce, key, NULL));
	guard_release();

	/* Empty message: just a tag; round trip. */
	uint8_t t[16];
	sg_secretbox_seal(t, NULL, 0, nonce, key);
	CHECK_OK(sg_secretbox_open(back, t, sizeof t, nonce, key, NULL));
	t[0] ^= 1;
	CHECK_ERR(sg_secretbox_open(back, t, sizeof t, nonce, key, NULL), SG_ERR_DECRYPT);

	/* Round trips at every length up to 200 (block boundaries of Salsa20 and Poly1305). */
	uint8_t big[200], bc[216], bb[200];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 13 + 1);
	int rt = 1;
	for (size_t n = 0; n <= sizeof big; n++) {
		sg_secretbox_seal(bc, big, n, nonce, key);
		if (sg_secretbox_open(bb, bc, n + 16, nonce, key, NULL) != SG_OK ||
			(n > 0 && memcmp(bb, big, n) != 0))
			rt = 0;
	}
	CHECK(rt);
}

/* RFC 8439 §2.5.2 and, for edge cases, §A.3 test vectors #1 (all zero) and #11 style
 * wrap-around checked by the p-subtraction. */
static void
test_poly1305(void)
{
	uint8_t key[32], tag[16];
	const char *msg = "Cryptographic Forum Research Group";
	unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key,
		sizeof key);
	sg_poly1305(tag, (const uint8_t *)msg, strlen(msg), key);
	CHECK(eq_hex(tag, 16, "a8061dc1305136c6c22b8baf0c0127a9"));

	/* §A.3 #1: zero key, 64 zero bytes: zero tag. */
	uint8_t zk[32] = {0}, zm[64] = {0};
	sg_poly1305(tag, zm, sizeof zm, zk);
	CHECK(eq_hex(tag, 16, "00000000000000000000000000000000"));

	/* §A.3 #5: r = 2, s = 0, m = FF..FF (16 bytes): tag 03 00..00 (h wraps past p). */
	uint8_t k5[32] = {0x02}, m5[16];
	memset(m5, 0xff, sizeof m5);
	sg_poly1305(tag, m5, sizeof m5, k5);
	CHECK(eq_hex(tag, 16, "03000000000000000000000000000000"));

	/* §A.3 #6: r = 2, s = FF..FF, m = 02 00..00: tag 03 00..00 (s addition wraps). */
	uint8_t k6[32] = {0x02}, m6[16] = {0x02};
	memset(k6 + 16, 0xff, 16);
	sg_poly1305(tag, m6, sizeof m6, k6);
	CHECK(eq_hex(tag, 16, "03000000000000000000000000000000"));

	/* §A.3 #7: r = 1, s = 0, m = FF..FF F0FF..FF 11 00..00: tag 05 00..00. */
	uint8_t k7[32] = {0x01}, m7[48];
	unhex("ffffffffffffffffffffffffffffffffF0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	      "11000000000000000000000000000000",
		m7, sizeof m7);
	sg_poly1305(tag, m7, sizeof m7, k7);
	CHECK(eq_hex(tag, 16, "05000000000000000000000000000000"));
}

/* RFC 4231 §4.2 test case 1 and §4.7 test case 6 (a key longer than the block). */
static void
test_hmac(void)
{
	uint8_t key[131], out[32];
	memset(key, 0x0b, 20);
	sg_hmac_sha256(out, key, 20, (const uint8_t *)"Hi There", 8);
	CHECK(eq_hex(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	memset(key, 0xaa, sizeof key);
	const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
	sg_hmac_sha256(out, key, sizeof key, (const uint8_t *)m, strlen(m));
	CHECK(eq_hex(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
}

/* RFC 7914 §11: PBKDF2-HMAC-SHA256 test vectors. */
static void
test_pbkdf2(void)
{
	uint8_t out[64];
	sg_pbkdf2_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, out, 64);
	CHECK(eq_hex(out, 64,
		"55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
		"49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"));
	sg_pbkdf2_sha256((const uint8_t *)"Password", 8, (const uint8_t *)"NaCl", 4, 80000, out,
		64);
	CHECK(eq_hex(out, 64,
		"4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
		"a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"));
	/* A shorter output is a prefix of the longer one. */
	uint8_t short_out[20];
	sg_pbkdf2_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, short_out,
		sizeof short_out);
	CHECK(eq_hex(short_out, 20, "55ac046e56e3089fec1691c22544b605f9418521"));
}

static uint8_t *arena_mem;
#define ARENA_CAP (24u * 1024u * 1024u)

/* RFC 7914 §12: scrypt test vectors (the N = 1048576 one needs 1 GiB, above our bound). */
static void
test_scrypt(void)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, ARENA_CAP);
	uint8_t out[64];
	sg_scrypt_params p1 = {16, 1, 1};
	CHECK_OK(sg_scrypt(NULL, 0, NULL, 0, &p1, SG_MAX_SCRYPT_N, &a, out, 64, NULL));
	CHECK(eq_hex(out, 64,
		"77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
		"fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"));
	CHECK(a.used == 0); /* scratch handed back */

	sg_scrypt_params p2 = {1024, 8, 16};
	CHECK_OK(sg_scrypt((const uint8_t *)"password", 8, (const uint8_t *)"NaCl", 4, &p2,
		SG_MAX_SCRYPT_N, &a, out, 64, NULL));
	CHECK(eq_hex(out, 64,
		"fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
		"2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"));

	sg_scrypt_params p3 = {16384, 8, 1};
	CHECK_OK(sg_scrypt((const uint8_t *)"pleaseletmein", 13, (const uint8_t *)"SodiumChloride",
		14, &p3, SG_MAX_SCRYPT_N, &a, out, 64, NULL));
	CHECK(eq_hex(out, 64,
		"7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
		"d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"));
	CHECK(a.used == 0);

	/* The scratch is wiped when handed back. */
	int zero = 1;
	for (size_t i = 0; i < 128u * 8u * 16384u; i += 4093)
		zero &= arena_mem[i] == 0;
	CHECK(zero);

	/* Parameter bounds, checked before any memory is taken. */
	sg_scrypt_params bad[] = {
		{0, 8, 1}, {1, 8, 1}, {3, 8, 1}, {1000, 8, 1}, {(uint64_t)1 << 21, 1, 1},
		{16, 0, 1}, {16, 33, 1}, {16, 8, 0}, {16, 8, 17},
		{(uint64_t)1 << 20, 8, 1}, /* 1 GiB of scratch */
		{(uint64_t)1 << 63, 1, 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_diag d;
		sg_diag_init(&d, "t");
		memset(out, 0xaa, sizeof out);
		CHECK_ERR(sg_scrypt((const uint8_t *)"x", 1, NULL, 0, &bad[i], SG_MAX_SCRYPT_N, &a,
			out, 32, &d), SG_ERR_KEY_SCRYPT);
		CHECK(d.code == SG_ERR_KEY_SCRYPT);
		CHECK(out[0] == 0 && out[31] == 0);
	}
	/* The caller's max_n bound. */
	CHECK_ERR(sg_scrypt_check(&p2, 512, NULL, NULL), SG_ERR_KEY_SCRYPT);
	size_t mem = 0;
	CHECK_OK(sg_scrypt_check(&p2, 1024, &mem, NULL));
	CHECK(mem >= 128u * 8u * 1024u + 128u * 8u * 16u);
	/* Cosign's parameter sets all pass: N = 2^15, 2^16, 2^17 with r = 8, p = 1. */
	for (unsigned lg = 15; lg <= 17; lg++) {
		sg_scrypt_params cp = {(uint64_t)1 << lg, 8, 1};
		CHECK_OK(sg_scrypt_check(&cp, SG_MAX_SCRYPT_N, NULL, NULL));
	}
	/* Output length bounds. */
	CHECK_ERR(sg_scrypt(NULL, 0, NULL, 0, &p1, SG_MAX_SCRYPT_N, &a, out, 0, NULL), SG_ERR_ARG);
	/* An arena too small: SG_ERR_LIMIT, arena unchanged, output zeroed. */
	sg_arena small;
	sg_arena_init(&small, arena_mem, 1000);
	memset(out, 0xaa, sizeof out);
	CHECK_ERR(sg_scrypt(NULL, 0, NULL, 0, &p1, SG_MAX_SCRYPT_N, &small, out, 64, NULL),
		SG_ERR_LIMIT);
	CHECK(small.used == 0);
	CHECK(out[0] == 0 && out[63] == 0);
}

int
main(void)
{
	arena_mem = malloc(ARENA_CAP);
	if (arena_mem == NULL)
		return 2;
	test_salsa20_8_core();
	test_salsa20_stream();
	test_hsalsa20();
	test_secretbox();
	test_poly1305();
	test_hmac();
	test_pbkdf2();
	test_scrypt();
	free(arena_mem);
	return test_finish();
}
