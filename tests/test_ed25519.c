/* Unit tests for ed25519: the RFC 8032 §7.1 vectors (TEST 1, 2, 3 and TEST 1024), the
 * strictness rules shared with Go's crypto/ed25519 (canonical S, lenient A, encoded-R compare,
 * cofactorless), the crypto.h wiring (sg_pubkey_verify_message on an Ed25519 SPKI), and every
 * Wycheproof Ed25519 vector. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ed25519.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "guard.h"
#include "runner.h"
#include "vfj.h"
#include "wycheproof.h"

/* RFC 8032 §7.1, TEST 1024: the 1023-byte message (checked against an independent
 * implementation when the vectors were transcribed). */
static const char RFC_1024_MSG[] =
	"08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12"
	"ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe57"
	"38829adb26c81b37c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338b"
	"bd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
	"ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e06203b33890cc9b8"
	"32f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10"
	"3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53"
	"f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
	"d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6"
	"079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c65adb7553"
	"878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
	"cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
	"b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae078"
	"4504df543af8969be3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8"
	"fcffead94f3c7ca495e056a9b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301"
	"651339e22904cc8c42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
	"ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34dff7310fdc82aebfd9"
	"04b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7"
	"984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a"
	"3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
	"2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a4"
	"3dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
	"e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d9"
	"0d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
	"b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef"
	"68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0";

typedef struct rfc_vec {
	const char *name;
	const char *pub;
	const char *msg; /* hex */
	const char *sig;
} rfc_vec;

static const rfc_vec RFC[] = {
	{"TEST 1", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"TEST 2", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"TEST 3", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
		"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
		"18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	{"TEST 1024", "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
		RFC_1024_MSG,
		"0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
		"aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
};

/* The group order L, little-endian. */
static const uint8_t ORDER[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10,
};

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	if (sg_hex_decode((const uint8_t *)s, strlen(s), out, cap, &n, NULL) != SG_OK) {
		fprintf(stderr, "bad test hex\n");
		exit(2);
	}
	return n;
}

static int
ok(const uint8_t pub[32], const uint8_t *m, size_t ml, const uint8_t *sig, size_t sl)
{
	return sg_ed25519_verify(pub, m, ml, sig, sl, "ed25519 test", NULL) == SG_OK;
}

static void
test_rfc8032(void)
{
	uint8_t pub[32], sig[64], msg[1024], t[64];
	/* The "one byte more" check below reads msg[ml]: it must be a defined byte (valgrind). */
	memset(msg, 0, sizeof msg);
	for (size_t v = 0; v < sizeof RFC / sizeof RFC[0]; v++) {
		CHECK(unhex(RFC[v].pub, pub, sizeof pub) == 32);
		CHECK(unhex(RFC[v].sig, sig, sizeof sig) == 64);
		size_t ml = unhex(RFC[v].msg, msg, sizeof msg);
		int good = ok(pub, msg, ml, sig, 64);
		if (!good)
			fprintf(stderr, "  %s does not verify\n", RFC[v].name);
		CHECK(good);
		/* Each input in turn placed before an unmapped page: no over-read. */
		CHECK(ok(guard_put(pub, 32), msg, ml, sig, 64));
		CHECK(ok(pub, msg, ml, guard_put(sig, 64), 64));
		CHECK(ok(pub, guard_put(msg, ml), ml, sig, 64));
		/* A changed message, R, S or key fails. */
		if (ml > 0) {
			msg[ml - 1] ^= 1;
			CHECK(!ok(pub, msg, ml, sig, 64));
			msg[ml - 1] ^= 1;
			CHECK(!ok(pub, msg, ml - 1, sig, 64));
		}
		CHECK(!ok(pub, msg, ml + 1, sig, 64));
		for (size_t i = 0; i < 64; i += 7) {
			memcpy(t, sig, 64);
			t[i] ^= 0x01;
			CHECK(!ok(pub, msg, ml, t, 64));
		}
		uint8_t p2[32];
		memcpy(p2, pub, 32);
		p2[3] ^= 0x40;
		CHECK(!ok(p2, msg, ml, sig, 64));
		/* Every proper prefix of the signature (and one byte more) fails, never crashes. */
		for (size_t n = 0; n < 64; n++)
			CHECK(!ok(pub, msg, ml, guard_put(sig, n), n));
		memcpy(t, sig, 64);
		uint8_t longer[65];
		memcpy(longer, sig, 64);
		longer[64] = 0;
		CHECK(!ok(pub, msg, ml, longer, 65));
	}
	/* The other keys' signatures do not cross over. */
	uint8_t p1[32], s2[64];
	unhex(RFC[0].pub, p1, 32);
	unhex(RFC[1].sig, s2, 64);
	CHECK(!ok(p1, (const uint8_t *)"\x72", 1, s2, 64));
	/* NULL message with length 0 is the empty message. */
	unhex(RFC[0].sig, sig, 64);
	CHECK(ok(p1, NULL, 0, sig, 64));
	CHECK(!ok(p1, NULL, 0, NULL, 0));
}

/* out = a + b (256-bit little-endian, carry dropped). */
static void
add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
	unsigned c = 0;
	for (size_t i = 0; i < 32; i++) {
		c += (unsigned)a[i] + b[i];
		out[i] = (uint8_t)c;
		c >>= 8;
	}
}

static void
test_strictness(void)
{
	uint8_t pub[32], sig[64], t[64];
	unhex(RFC[0].pub, pub, 32);
	unhex(RFC[0].sig, sig, 64);
	sg_diag d;
	char m[256];

	/* S + L is the same scalar mod L but not canonical: rejected (malleability). */
	memcpy(t, sig, 64);
	add256(t + 32, sig + 32, ORDER);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_ed25519_verify(pub, NULL, 0, t, 64, "sig", &d), SG_ERR_VERIFY_SIGNATURE);
	sg_diag_format(&d, m, sizeof m);
	CHECK(strstr(m, "S is not below the group order") != NULL);
	/* S = L exactly, and any of the three top bits set. */
	memcpy(t + 32, ORDER, 32);
	CHECK(!ok(pub, NULL, 0, t, 64));
	for (int b = 5; b < 8; b++) {
		memcpy(t, sig, 64);
		t[63] = (uint8_t)(t[63] | (1u << b));
		CHECK(!ok(pub, NULL, 0, t, 64));
	}

	/* A public key with no curve point (y = 2) is refused as such. */
	uint8_t bad[32] = {2};
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_ed25519_verify(bad, NULL, 0, sig, 64, "sig", &d), SG_ERR_VERIFY_SIGNATURE);
	sg_diag_format(&d, m, sizeof m);
	CHECK(strstr(m, "public key is not a curve point") != NULL);
	/* Wrong length detail. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_ed25519_verify(pub, NULL, 0, sig, 63, "sig", &d), SG_ERR_VERIFY_SIGNATURE);
	sg_diag_format(&d, m, sizeof m);
	CHECK(strstr(m, "not 64 bytes") != NULL);

	/* Go's leniency for A: the identity point (small order) as a key, with R = identity and
	 * S = 0, satisfies [S]B = R + [k]A for every message; Go accepts it, so do we. Its
	 * non-canonical encodings (y = p + 1; x = 0 with the sign bit) are accepted too. */
	uint8_t ident[32] = {1}, ident_nc[32], ident_neg0[32] = {1};
	memset(ident_nc, 0xff, 32);
	ident_nc[0] = 0xee;
	ident_nc[31] = 0x7f;
	ident_neg0[31] = 0x80;
	uint8_t s0[64];
	memset(s0, 0, 64);
	s0[0] = 1; /* R = canonical identity, S = 0 */
	CHECK(ok(ident, (const uint8_t *)"any", 3, s0, 64));
	CHECK(ok(ident_nc, (const uint8_t *)"any", 3, s0, 64));
	CHECK(ok(ident_neg0, (const uint8_t *)"other", 5, s0, 64));
	/* R is compared by encoding, never decoded: the non-canonical identity encodings as R
	 * do not verify although they name the same point. */
	memcpy(t, s0, 64);
	memcpy(t, ident_nc, 32);
	CHECK(!ok(ident, (const uint8_t *)"any", 3, t, 64));
	memcpy(t, ident_neg0, 32);
	CHECK(!ok(ident, (const uint8_t *)"any", 3, t, 64));
	/* The same forged triple under a real key fails. */
	CHECK(!ok(pub, (const uint8_t *)"any", 3, s0, 64));
}

/* ---- crypto.h wiring ---- */

static void
test_crypto_wiring(void)
{
	/* RFC TEST 2's key as an RFC 8410 SubjectPublicKeyInfo. */
	uint8_t spki[44] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
	uint8_t sig[64];
	unhex(RFC[1].pub, spki + 12, 32);
	unhex(RFC[1].sig, sig, 64);
	sg_pubkey k;
	CHECK_OK(sg_pubkey_parse(spki, sizeof spki, &k, NULL));
	CHECK(k.type == SG_KEY_ED25519);
	const uint8_t msg[1] = {0x72};
	/* The message itself is signed; `alg` does not matter for Ed25519. */
	CHECK_OK(sg_pubkey_verify_message(&k, SG_HASH_SHA256, msg, 1, sig, 64, "sig", NULL));
	CHECK_OK(sg_pubkey_verify_message(&k, SG_HASH_SHA512, msg, 1, sig, 64, "sig", NULL));
	const uint8_t other[1] = {0x73};
	CHECK_ERR(sg_pubkey_verify_message(&k, SG_HASH_SHA256, other, 1, sig, 64, "sig", NULL),
		SG_ERR_VERIFY_SIGNATURE);
	CHECK_ERR(sg_pubkey_verify_message(&k, SG_HASH_SHA256, msg, 1, sig, 63, "sig", NULL),
		SG_ERR_VERIFY_SIGNATURE);
	/* An Ed25519 signature is over the message, never a digest: the digest entry point
	 * refuses Ed25519 keys. */
	uint8_t h[32];
	sg_sha256(msg, 1, h);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_pubkey_verify_digest(&k, SG_HASH_SHA256, h, 32, sig, 64, "sig", &d),
		SG_ERR_UNSUPPORTED);
}

/* ---- Wycheproof ---- */


/* Every test of the Wycheproof EddsaVerify file: "valid" must verify, "invalid" must be
 * rejected (the file has no "acceptable" results). Also checks, for each group, that the
 * SPKI form of the key gives the same answers through sg_pubkey_verify_message. */
static void
test_wycheproof(void)
{
	char path[512];
	int pn = snprintf(path, sizeof path, "%s/wycheproof/testvectors_v1/ed25519_test.json",
		test_vectors_dir());
	CHECK(pn > 0 && (size_t)pn < sizeof path);
	size_t len = 0;
	uint8_t *json = test_read_file(path, &len);
	if (json == NULL) {
		TEST_SKIP("%s not found (set SG_VECTORS)", path);
		return;
	}
	vfj_doc doc;
	size_t off = 0;
	vfj_limits lim = {64u << 20, 0};
	CHECK(vfj_parse(json, len, NULL, 0, &lim, &doc, &off) == VFJ_OK);
	size_t ntok = doc.ntok;
	vfj_token *toks = malloc(ntok * sizeof *toks);
	if (toks == NULL || vfj_parse(json, len, toks, ntok, &lim, &doc, &off) != VFJ_OK) {
		CHECK(0);
		free(toks);
		free(json);
		return;
	}
	uint64_t declared = 0;
	CHECK(vfj_obj_u64(&doc, 0, VFJ_LIT("numberOfTests"), &declared) == VFJ_OK);
	size_t total = 0, correct = 0, agree = 0;
	size_t groups = vfj_obj_get(&doc, 0, VFJ_LIT("testGroups"));
	for (size_t g = vfj_first(&doc, groups); g != VFJ_NONE; g = vfj_next(&doc, g)) {
		size_t pklen = 0, derlen = 0;
		size_t pko = vfj_obj_get(&doc, g, VFJ_LIT("publicKey"));
		uint8_t *pk = pko != VFJ_NONE ? wp_hex(&doc, pko, VFJ_LIT("pk"), &pklen) : NULL;
		uint8_t *der = wp_hex(&doc, g, VFJ_LIT("publicKeyDer"), &derlen);
		CHECK(pk != NULL && pklen == 32);
		sg_pubkey k;
		sg_err ke = der ? sg_pubkey_parse(der, derlen, &k, NULL) : SG_ERR_INTERNAL;
		CHECK_OK(ke);
		size_t tests = vfj_obj_get(&doc, g, VFJ_LIT("tests"));
		for (size_t t = vfj_first(&doc, tests); t != VFJ_NONE; t = vfj_next(&doc, t)) {
			size_t ml, sl;
			uint8_t *msg = wp_hex(&doc, t, VFJ_LIT("msg"), &ml);
			uint8_t *sig = wp_hex(&doc, t, VFJ_LIT("sig"), &sl);
			int want = vfj_str_eq(&doc, vfj_obj_get(&doc, t, VFJ_LIT("result")),
				VFJ_LIT("valid"));
			int got = 0, via_crypto = 0;
			if (pk != NULL && pklen == 32 && msg != NULL && sig != NULL) {
				got = ok(pk, msg, ml, sig, sl);
				via_crypto = ke == SG_OK &&
					sg_pubkey_verify_message(&k, SG_HASH_SHA256, msg, ml, sig, sl,
						"wycheproof", NULL) == SG_OK;
			}
			total++;
			if (got == want) {
				correct++;
			} else {
				int64_t id = -1;
				if (vfj_obj_i64(&doc, t, VFJ_LIT("tcId"), &id) != VFJ_OK)
					id = -1;
				fprintf(stderr, "  ed25519 tcId %lld: want %s\n", (long long)id,
					want ? "valid" : "invalid");
			}
			if (via_crypto == got)
				agree++;
			free(msg);
			free(sig);
		}
		free(pk);
		free(der);
	}
	printf("Wycheproof Ed25519: %zu/%zu correct\n", correct, total);
	CHECK(total == declared);
	CHECK(correct == total);
	CHECK(agree == total);
	/* The pinned file holds 151 tests (88 valid, 63 invalid). */
	CHECK(total == 151);
	free(toks);
	free(json);
}

int
main(void)
{
	test_rfc8032();
	test_strictness();
	test_crypto_wiring();
	test_wycheproof();
	return test_finish();
}
