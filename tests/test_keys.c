/* Tests for keys: cosign's encrypted key envelope, PKCS#8 and SEC1 EC keys, the writers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"
#include "guard.h"
#include "base/limits.h"
#include "crypto/pubkey.h"
#include "parse/pem.h"
#include "sign/keys.h"
#include "runner.h"

static uint8_t *arena_mem;
#define ARENA_CAP (SG_MAX_SCRYPT_MEM + 8u * 1024u * 1024u)
static sg_arena arena;

static void
fresh_arena(void)
{
	sg_arena_init(&arena, arena_mem, ARENA_CAP);
}

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* A P-256 key made with `openssl ecparam -name prime256v1 -genkey` (test data of ours), in the
 * three shapes OpenSSL writes, and its public key from `openssl ec -pubout`. */
static const char sec1_pem[] =
	"-----BEGIN EC PARAMETERS-----\n"
	"BggqhkjOPQMBBw==\n"
	"-----END EC PARAMETERS-----\n"
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIPMMhilusW2NvQYV1ED/uoBSi16JrMiF2I2dLR/WAe4uoAoGCCqGSM49\n"
	"AwEHoUQDQgAENdolIQ0NoSaa8e54xa/nxFkNCwW6yTbthfxMTOW8IaQ/YXmyBbbS\n"
	"vQI5vax5cZCq3y8oUP32Q1rnpjo6MWmhmQ==\n"
	"-----END EC PRIVATE KEY-----\n";
static const char sec1_nopub_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MDECAQEEIPMMhilusW2NvQYV1ED/uoBSi16JrMiF2I2dLR/WAe4uoAoGCCqGSM49\n"
	"AwEH\n"
	"-----END EC PRIVATE KEY-----\n";
static const char pkcs8_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8wyGKW6xbY29BhXU\n"
	"QP+6gFKLXomsyIXYjZ0tH9YB7i6hRANCAAQ12iUhDQ2hJprx7njFr+fEWQ0LBbrJ\n"
	"Nu2F/ExM5bwhpD9hebIFttK9Ajm9rHlxkKrfLyhQ/fZDWuemOjoxaaGZ\n"
	"-----END PRIVATE KEY-----\n";
static const char pub_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENdolIQ0NoSaa8e54xa/nxFkNCwW6\n"
	"yTbthfxMTOW8IaQ/YXmyBbbSvQI5vax5cZCq3y8oUP32Q1rnpjo6MWmhmQ==\n"
	"-----END PUBLIC KEY-----\n";
/* `openssl genpkey` P-384 and Ed25519 keys: well-formed, not supported. */
static const char p384_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDA1mY6EYwWVRiAuM6Z6\n"
	"VsMXtQ2puFBG6VoRD5ZGqlKPGeRRKdN+BesyIbmM8QKV+EihZANiAARoIadxv0d9\n"
	"a8HjcVYTWlQso5nCGDT0uaKhdA4fq7PGMP09Pq5lCCbRoWkFo74UVpcxuHxw+CNY\n"
	"NyQLKHqquU62oScCqptfYUOppaXaPRF0kSsJULYGl/S44kEGLof6jjk=\n"
	"-----END PRIVATE KEY-----\n";
static const char ed25519_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MC4CAQAwBQYDK2VwBCIEIDP+QtzOXnTaDseJdIekTQmov8ptOuB8oEDbnOxs2scJ\n"
	"-----END PRIVATE KEY-----\n";

/* go-securesystemslib encrypted/encrypted_test.go (TestDecrypt and kdfVectors): envelopes
 * written by the Go package cosign uses, password "supersecret". TestDecrypt's plaintext is
 * "reallyimportant"; kdfVectors (one per parameter set it accepts: Legacy N=2^15, Standard
 * 2^16, OWASP 2^17) hold the JSON encoding of that []byte, a quoted base64 string. */
static const char gss_decrypt[] =
	"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},\"salt\":"
	"\"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g=\"},\"cipher\":{\"name\":"
	"\"nacl/secretbox\",\"nonce\":\"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik\"},\"ciphertext\":"
	"\"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ==\"}";
static const char *const gss_vectors[] = {
	"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},\"salt\":"
	"\"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA=\"},\"cipher\":{\"name\":"
	"\"nacl/secretbox\",\"nonce\":\"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX\"},\"ciphertext\":"
	"\"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw=\"}",
	"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":65536,\"r\":8,\"p\":1},\"salt\":"
	"\"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs=\"},\"cipher\":{\"name\":"
	"\"nacl/secretbox\",\"nonce\":\"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE\"},\"ciphertext\":"
	"\"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8=\"}",
	"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":131072,\"r\":8,\"p\":1},\"salt\":"
	"\"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k=\"},\"cipher\":{\"name\":"
	"\"nacl/secretbox\",\"nonce\":\"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc\"},\"ciphertext\":"
	"\"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI=\"}",
};

static size_t
pem_der(const char *pem, const char *label, uint8_t *out, size_t cap)
{
	size_t n = 0;
	if (sg_pem_decode_first((const uint8_t *)pem, strlen(pem), label, out, cap, &n, NULL) !=
		SG_OK)
		return 0;
	return n;
}

static int
pub_pem_of(const sg_p256_key *k, const char *want)
{
	char buf[512];
	sg_buf b;
	sg_buf_init(&b, buf, sizeof buf);
	if (sg_keys_write_public_pem(k, &b) != SG_OK)
		return 0;
	return b.len == strlen(want) && memcmp(buf, want, b.len) == 0;
}

/* 1 when needle occurs in hay[0..n). */
static int
contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

static int
key_is_zero(const sg_p256_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	for (size_t i = 0; i < sizeof *k; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
test_plain_keys(void)
{
	sg_p256_key a, b, c;
	sg_diag d;
	fresh_arena();
	CHECK_OK(sg_keys_load_private(S(sec1_pem), NULL, 0, SG_MAX_SCRYPT_N, &arena, &a, NULL));
	CHECK_OK(sg_keys_load_private(S(pkcs8_pem), NULL, 0, SG_MAX_SCRYPT_N, &arena, &b, NULL));
	CHECK_OK(sg_keys_load_private(S(sec1_nopub_pem), NULL, 0, SG_MAX_SCRYPT_N, &arena, &c,
		NULL));
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	CHECK(memcmp(&a, &c, sizeof a) == 0);
	CHECK(pub_pem_of(&a, pub_pem));
	/* A password given for a plain key is ignored. */
	CHECK_OK(sg_keys_load_private(S(pkcs8_pem), S("pw"), SG_MAX_SCRYPT_N, &arena, &c, NULL));
	CHECK(memcmp(&a, &c, sizeof a) == 0);

	/* Our PKCS#8 writer gives the bytes OpenSSL (and Go) write. */
	uint8_t want[256], got[256];
	size_t wn = pem_der(pkcs8_pem, "PRIVATE KEY", want, sizeof want);
	sg_buf gb;
	sg_buf_init(&gb, got, sizeof got);
	CHECK_OK(sg_keys_write_pkcs8(&a, &gb));
	CHECK(wn == SG_KEYS_PKCS8_LEN && gb.len == wn && memcmp(got, want, wn) == 0);
	sg_buf_init(&gb, got, 137);
	CHECK_ERR(sg_keys_write_pkcs8(&a, &gb), SG_ERR_LIMIT);

	/* read_pem reports the format and skips the EC PARAMETERS block. */
	sg_keys_format f;
	sg_slice body;
	CHECK_OK(sg_keys_read_pem(S(sec1_pem), &arena, &f, &body, NULL));
	CHECK(f == SG_KEYS_SEC1 && body.len == 121);
	CHECK_OK(sg_keys_read_pem(S(pkcs8_pem), &arena, &f, &body, NULL));
	CHECK(f == SG_KEYS_PKCS8 && body.len == 138);
	CHECK_ERR(sg_keys_read_pem(S(pub_pem), &arena, &f, &body, NULL), SG_ERR_PEM_NONE);
	CHECK(f == SG_KEYS_NONE && body.len == 0);
	CHECK_ERR(sg_keys_read_pem(S("no pem here\n"), &arena, &f, &body, NULL), SG_ERR_PEM_NONE);
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_keys_read_pem(S("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
				     "-----END RSA PRIVATE KEY-----\n"),
			  &arena, &f, &body, &d),
		SG_ERR_UNSUPPORTED);
	CHECK(strstr(d.detail, "RSA PRIVATE KEY") != NULL);
	CHECK_ERR(sg_keys_read_pem(S("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
				     "-----END ENCRYPTED PRIVATE KEY-----\n"),
			  &arena, &f, &body, NULL),
		SG_ERR_UNSUPPORTED);
	CHECK_ERR(sg_keys_read_pem(S("-----BEGIN PRIVATE KEY-----\nAA=\n"
				     "-----END PRIVATE KEY-----\n"),
			  &arena, &f, &body, NULL),
		SG_ERR_PEM_MALFORMED);

	/* Other algorithms and curves are named, not misparsed. */
	memset(&c, 0xaa, sizeof c);
	CHECK_ERR(sg_keys_load_private(S(p384_pem), NULL, 0, SG_MAX_SCRYPT_N, &arena, &c, NULL),
		SG_ERR_UNSUPPORTED);
	CHECK(key_is_zero(&c));
	CHECK_ERR(sg_keys_load_private(S(ed25519_pem), NULL, 0, SG_MAX_SCRYPT_N, &arena, &c, NULL),
		SG_ERR_UNSUPPORTED);
	/* PKCS#8 with rsaEncryption: refused at the algorithm, before the key body. */
	static const uint8_t rsa8[] = {0x30, 0x16, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a,
		0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x02, 0x30, 0x00};
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_keys_parse_pkcs8(rsa8, sizeof rsa8, &c, &d), SG_ERR_UNSUPPORTED);
	CHECK(strstr(d.detail, "RSA") != NULL);
}

/* Mutations of the DER forms; every proper prefix fails and never reads past the end. */
static void
test_der_strictness(void)
{
	uint8_t p8[256], s1[256], buf[256];
	size_t p8n = pem_der(pkcs8_pem, "PRIVATE KEY", p8, sizeof p8);
	size_t s1n = pem_der(sec1_pem, "EC PRIVATE KEY", s1, sizeof s1);
	CHECK(p8n == 138 && s1n == 121);
	sg_p256_key k;

	int prefixes = 1;
	for (size_t n = 0; n < p8n; n++) {
		const uint8_t *g = guard_put(p8, n);
		memset(&k, 0x55, sizeof k);
		if (sg_keys_parse_pkcs8(g, n, &k, NULL) == SG_OK || !key_is_zero(&k))
			prefixes = 0;
	}
	for (size_t n = 0; n < s1n; n++) {
		const uint8_t *g = guard_put(s1, n);
		if (sg_keys_parse_sec1(g, n, &k, NULL) == SG_OK)
			prefixes = 0;
	}
	CHECK(prefixes);
	const uint8_t *g = guard_put(p8, p8n);
	CHECK_OK(sg_keys_parse_pkcs8(g, p8n, &k, NULL));
	g = guard_put(s1, s1n);
	CHECK_OK(sg_keys_parse_sec1(g, s1n, &k, NULL));
	guard_release();

	/* A trailing byte after either. */
	memcpy(buf, p8, p8n);
	buf[p8n] = 0;
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n + 1, &k, NULL), SG_ERR_DER_TRAILING);
	memcpy(buf, s1, s1n);
	buf[s1n] = 0;
	CHECK_ERR(sg_keys_parse_sec1(buf, s1n + 1, &k, NULL), SG_ERR_DER_TRAILING);
	/* The two forms are not interchangeable. */
	CHECK(sg_keys_parse_pkcs8(s1, s1n, &k, NULL) != SG_OK);
	CHECK(sg_keys_parse_sec1(p8, p8n, &k, NULL) != SG_OK);

	/* PKCS#8 version 1 (offset 5 holds the version INTEGER's value). */
	memcpy(buf, p8, p8n);
	CHECK(buf[3] == 0x02 && buf[4] == 0x01 && buf[5] == 0x00);
	buf[5] = 1;
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n, &k, NULL), SG_ERR_KEY);
	/* ECPrivateKey version 2 (PKCS#8 inner at 29: 30 6b 02 01 01). */
	memcpy(buf, p8, p8n);
	CHECK(buf[33] == 0x01);
	buf[33] = 2;
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n, &k, NULL), SG_ERR_KEY);
	/* A public key that is not the scalar's (last byte of the point). */
	memcpy(buf, p8, p8n);
	buf[p8n - 1] ^= 1;
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n, &k, NULL), SG_ERR_KEY);
	memcpy(buf, s1, s1n);
	buf[s1n - 1] ^= 1;
	CHECK_ERR(sg_keys_parse_sec1(buf, s1n, &k, NULL), SG_ERR_KEY);
	/* Scalar 0 and scalar >= n (the 32 scalar bytes start at 36). */
	memcpy(buf, p8, p8n);
	memset(buf + 36, 0, 32);
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n, &k, NULL), SG_ERR_KEY);
	memset(buf + 36, 0xff, 32);
	CHECK_ERR(sg_keys_parse_pkcs8(buf, p8n, &k, NULL), SG_ERR_KEY);
	/* A different curve OID inside SEC1 (prime256v1's last arc 07 -> 08). */
	memcpy(buf, s1, s1n);
	CHECK(buf[50] == 0x07);
	buf[50] = 0x08;
	CHECK_ERR(sg_keys_parse_sec1(buf, s1n, &k, NULL), SG_ERR_UNSUPPORTED);
	/* SEC1 without parameters: fine inside PKCS#8, refused on its own. */
	static const uint8_t nocurve[] = {0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20, 1, 2, 3, 4, 5,
		6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
		27, 28, 29, 30, 31, 32};
	CHECK_ERR(sg_keys_parse_sec1(nocurve, sizeof nocurve, &k, NULL), SG_ERR_KEY);
	/* Every single-byte change to the PKCS#8 DER is rejected or yields the same or another
	 * valid key, never a crash; count that most are rejected. */
	size_t rejected = 0;
	for (size_t i = 0; i < p8n; i++) {
		memcpy(buf, p8, p8n);
		buf[i] ^= 0x41;
		if (sg_keys_parse_pkcs8(buf, p8n, &k, NULL) != SG_OK)
			rejected++;
	}
	CHECK(rejected == p8n); /* the public key check catches even scalar changes */
}

/* Building blocks of small envelopes for the strictness cases. */
#define P16 "{\"N\":16,\"r\":8,\"p\":1}"
#define NONCE0 "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""
#define CT16 "\"AAAAAAAAAAAAAAAAAAAAAA==\""
#define CIPHER "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":" NONCE0 "}"
#define KDF(params, salt) "\"kdf\":{\"name\":\"scrypt\",\"params\":" params ",\"salt\":" salt "}"
#define ENVELOPE(params, salt, cipher, ct) \
	"{" KDF(params, salt) "," cipher ",\"ciphertext\":" ct "}"

static const struct {
	const char *json;
	sg_err want;
} bad_envelopes[] = {
	{"[]", SG_ERR_JSON_TYPE},
	{"{" KDF(P16, "\"\"") "," CIPHER ",\"ciphertext\":" CT16 ",\"extra\":1}",
		SG_ERR_JSON_VALUE},
	{"{" KDF(P16, "\"\"") "," CIPHER ",\"kdf\":1}", SG_ERR_JSON_DUPLICATE_KEY},
	{"{" KDF(P16, "\"\"") "," CIPHER ",\"Ciphertext\":" CT16 "}", SG_ERR_JSON_MISSING},
	{"{\"kdf\":{\"name\":\"argon2\",\"params\":" P16 ",\"salt\":\"\"}," CIPHER
	 ",\"ciphertext\":" CT16 "}",
		SG_ERR_UNSUPPORTED},
	{ENVELOPE(P16, "\"\"", "\"cipher\":{\"name\":\"aes-gcm\",\"nonce\":" NONCE0 "}", CT16),
		SG_ERR_UNSUPPORTED},
	{ENVELOPE("{\"N\":\"16\",\"r\":8,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_JSON_TYPE},
	{ENVELOPE("{\"N\":-16,\"r\":8,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_JSON_RANGE},
	{ENVELOPE("{\"N\":16.5,\"r\":8,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_JSON_VALUE},
	{ENVELOPE("{\"N\":24,\"r\":8,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_KEY_SCRYPT},
	{ENVELOPE("{\"N\":1073741824,\"r\":8,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_KEY_SCRYPT},
	{ENVELOPE("{\"N\":16,\"r\":4294967304,\"p\":1}", "\"\"", CIPHER, CT16), SG_ERR_KEY_SCRYPT},
	{ENVELOPE("{\"N\":16,\"r\":8,\"p\":17}", "\"\"", CIPHER, CT16), SG_ERR_KEY_SCRYPT},
	{ENVELOPE("{\"N\":16,\"r\":8,\"p\":1,\"q\":1}", "\"\"", CIPHER, CT16), SG_ERR_JSON_VALUE},
	/* a 23-byte nonce */
	{ENVELOPE(P16, "\"\"",
		 "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":"
		 "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"}",
		 CT16),
		SG_ERR_JSON_VALUE},
	/* the URL-safe alphabet and unpadded base64: Go's StdEncoding rejects both */
	{ENVELOPE(P16, "\"_w==\"", CIPHER, CT16), SG_ERR_JSON_VALUE},
	{ENVELOPE(P16, "\"\"", CIPHER, "\"AAAAAAAAAAAAAAAAAAAAAA\""), SG_ERR_JSON_VALUE},
	/* a ciphertext shorter than the tag */
	{ENVELOPE(P16, "\"\"", CIPHER, "\"AAAAAAAAAAAAAAAAAAAA\""), SG_ERR_TRUNCATED},
};

static void
test_envelope(void)
{
	uint8_t plain[256];
	size_t n = 99;
	sg_diag d;
	fresh_arena();
	CHECK_OK(sg_keys_decrypt(S(gss_decrypt), S("supersecret"), SG_MAX_SCRYPT_N, &arena, plain,
		sizeof plain, &n, NULL));
	CHECK(n == 15 && memcmp(plain, "reallyimportant", 15) == 0);
	for (size_t i = 0; i < sizeof gss_vectors / sizeof gss_vectors[0]; i++) {
		fresh_arena();
		n = 0;
		CHECK_OK(sg_keys_decrypt((const uint8_t *)gss_vectors[i], strlen(gss_vectors[i]),
			S("supersecret"), SG_MAX_SCRYPT_N, &arena, plain, sizeof plain, &n, NULL));
		CHECK(n == 22 && memcmp(plain, "\"cmVhbGx5aW1wb3J0YW50\"", 22) == 0);
		CHECK(arena.used < 64 * 1024); /* scrypt's scratch was handed back */
	}
	/* Wrong password: cosign's message, output wiped. */
	fresh_arena();
	sg_diag_init(&d, "cosign.key");
	memset(plain, 0x77, sizeof plain);
	CHECK_ERR(sg_keys_decrypt(S(gss_decrypt), S("supersecreT"), SG_MAX_SCRYPT_N, &arena, plain,
		sizeof plain, &n, &d), SG_ERR_KEY_PASSWORD);
	CHECK(n == 0 && plain[0] == 0 && plain[14] == 0);
	char msg[256];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "decrypt: encrypted: decryption failed") == 0);
	/* The caller's N cap. */
	CHECK_ERR(sg_keys_decrypt(S(gss_decrypt), S("supersecret"), 16384, &arena, plain,
		sizeof plain, &n, NULL), SG_ERR_KEY_SCRYPT);
	/* Output too small. */
	CHECK_ERR(sg_keys_decrypt(S(gss_decrypt), S("supersecret"), SG_MAX_SCRYPT_N, &arena, plain,
		14, &n, NULL), SG_ERR_LIMIT);

	/* Strict shape: each variant of a valid envelope with one thing wrong. */
	for (size_t i = 0; i < sizeof bad_envelopes / sizeof bad_envelopes[0]; i++) {
		sg_keys_envelope env;
		const char *j = bad_envelopes[i].json;
		fresh_arena();
		sg_err e = sg_keys_parse_envelope((const uint8_t *)j, strlen(j), SG_MAX_SCRYPT_N,
			&arena, &env, NULL);
		if (e != bad_envelopes[i].want)
			fprintf(stderr, "envelope case %zu: got %s\n", i, sg_err_name(e));
		CHECK(e == bad_envelopes[i].want);
		CHECK(env.params.n == 0 && env.ciphertext.len == 0);
	}
	/* The well-formed base of those cases parses (so each failure is its own mutation). */
	static const char good[] = ENVELOPE(P16, "\"\"", CIPHER, CT16);
	sg_keys_envelope env;
	fresh_arena();
	CHECK_OK(sg_keys_parse_envelope(S(good), SG_MAX_SCRYPT_N, &arena, &env, NULL));
	CHECK(env.params.n == 16 && env.params.r == 8 && env.params.p == 1);
	CHECK(env.salt.len == 0 && env.ciphertext.len == 16);
	/* ...and decrypting it fails only at the tag. */
	CHECK_ERR(sg_keys_decrypt(S(good), NULL, 0, SG_MAX_SCRYPT_N, &arena, plain, sizeof plain,
		&n, NULL), SG_ERR_KEY_PASSWORD);

	/* Every proper prefix of a real envelope fails. */
	int prefixes = 1;
	for (size_t k = 0; k < sizeof gss_decrypt - 1; k++) {
		fresh_arena();
		const uint8_t *g = guard_put(gss_decrypt, k);
		if (sg_keys_parse_envelope(g, k, SG_MAX_SCRYPT_N, &arena, &env, NULL) == SG_OK)
			prefixes = 0;
	}
	guard_release();
	CHECK(prefixes);
}

static void
test_write_encrypted(void)
{
	sg_drbg rng;
	sg_drbg_init_seed(&rng, "test_keys", 9);
	sg_p256_key key, back;
	CHECK_OK(sg_p256_keygen(&rng, &key, NULL));
	static char pem[2048];
	sg_buf b;

	/* Small parameters for speed; N goes into the file and is honoured on reading. */
	sg_scrypt_params small = {1024, 8, 1};
	fresh_arena();
	sg_buf_init(&b, pem, sizeof pem);
	CHECK_OK(sg_keys_write_encrypted(&key, S("hunter2"), &small, &rng, &arena, &b, NULL));
	CHECK(arena.used == 0);
	const char *begin = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
	CHECK(b.len > strlen(begin) && memcmp(pem, begin, strlen(begin)) == 0);
	/* The body is exactly Go's json.Marshal layout. */
	sg_keys_format f;
	sg_slice body;
	CHECK_OK(sg_keys_read_pem((const uint8_t *)pem, b.len, &arena, &f, &body, NULL));
	CHECK(f == SG_KEYS_ENCRYPTED);
	const char *prefix =
		"{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":8,\"p\":1},\"salt\":\"";
	CHECK(body.len > strlen(prefix) && memcmp(body.p, prefix, strlen(prefix)) == 0);
	CHECK(contains(body.p, body.len,
		"\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\""));
	CHECK(body.p[body.len - 1] == '}' && body.p[body.len - 2] == '"');
	/* 32-byte salt (44 base64 chars) and 24-byte nonce (32 chars) and 154-byte box. */
	sg_keys_envelope env;
	CHECK_OK(sg_keys_parse_envelope(body.p, body.len, SG_MAX_SCRYPT_N, &arena, &env, NULL));
	CHECK(env.salt.len == 32 && env.ciphertext.len == 154);

	fresh_arena();
	CHECK_OK(sg_keys_load_private((const uint8_t *)pem, b.len, S("hunter2"), SG_MAX_SCRYPT_N,
		&arena, &back, NULL));
	CHECK(memcmp(&key, &back, sizeof key) == 0);
	fresh_arena();
	memset(&back, 0x33, sizeof back);
	CHECK_ERR(sg_keys_load_private((const uint8_t *)pem, b.len, S("hunter3"), SG_MAX_SCRYPT_N,
		&arena, &back, NULL), SG_ERR_KEY_PASSWORD);
	CHECK(key_is_zero(&back));
	CHECK_ERR(sg_keys_load_private((const uint8_t *)pem, b.len, NULL, 0, SG_MAX_SCRYPT_N,
		&arena, &back, NULL), SG_ERR_KEY_PASSWORD);
	/* The older label reads the same. */
	static char old[2048];
	const char *bl = "ENCRYPTED SIGSTORE", *cl = "ENCRYPTED COSIGN";
	size_t on = 0;
	for (size_t i = 0; i < b.len;) {
		if (b.len - i >= strlen(bl) && memcmp(pem + i, bl, strlen(bl)) == 0) {
			memcpy(old + on, cl, strlen(cl));
			on += strlen(cl);
			i += strlen(bl);
		} else {
			old[on++] = pem[i++];
		}
	}
	fresh_arena();
	CHECK_OK(sg_keys_load_private((const uint8_t *)old, on, S("hunter2"), SG_MAX_SCRYPT_N,
		&arena, &back, NULL));
	CHECK(memcmp(&key, &back, sizeof key) == 0);
	/* An empty password is allowed (cosign accepts COSIGN_PASSWORD=""). */
	fresh_arena();
	sg_buf_init(&b, pem, sizeof pem);
	CHECK_OK(sg_keys_write_encrypted(&key, NULL, 0, &small, &rng, &arena, &b, NULL));
	CHECK_OK(sg_keys_load_private((const uint8_t *)pem, b.len, NULL, 0, SG_MAX_SCRYPT_N,
		&arena, &back, NULL));
	CHECK(memcmp(&key, &back, sizeof key) == 0);
	/* Two writes use fresh salt and nonce. */
	static char pem2[2048];
	sg_buf b2;
	sg_buf_init(&b2, pem2, sizeof pem2);
	CHECK_OK(sg_keys_write_encrypted(&key, NULL, 0, &small, &rng, &arena, &b2, NULL));
	CHECK(b2.len == b.len && memcmp(pem, pem2, b.len) != 0);
	/* Output buffer too small. */
	sg_buf_init(&b2, pem2, 100);
	CHECK(sg_keys_write_encrypted(&key, NULL, 0, &small, &rng, &arena, &b2, NULL) ==
		SG_ERR_LIMIT);

	/* cosign's own parameters (NULL): N = 65536, 64 MiB of scratch. */
	fresh_arena();
	sg_buf_init(&b, pem, sizeof pem);
	CHECK_OK(sg_keys_write_encrypted(&key, S("pw"), NULL, &rng, &arena, &b, NULL));
	CHECK_OK(sg_keys_read_pem((const uint8_t *)pem, b.len, &arena, &f, &body, NULL));
	CHECK(contains(body.p, body.len, "\"N\":65536,\"r\":8,\"p\":1"));
	fresh_arena();
	CHECK_OK(sg_keys_load_private((const uint8_t *)pem, b.len, S("pw"), SG_MAX_SCRYPT_N,
		&arena, &back, NULL));
	CHECK(memcmp(&key, &back, sizeof key) == 0);
	/* A reader capped below 65536 refuses it before any work. */
	fresh_arena();
	CHECK_ERR(sg_keys_load_private((const uint8_t *)pem, b.len, S("pw"), 32768, &arena, &back,
		NULL), SG_ERR_KEY_SCRYPT);

	/* The public key PEM round-trips through crypto's parser. */
	char pub[512];
	sg_buf pb;
	sg_buf_init(&pb, pub, sizeof pub);
	CHECK_OK(sg_keys_write_public_pem(&key, &pb));
	uint8_t der[128];
	sg_pubkey pk;
	CHECK_OK(sg_pubkey_parse_pem((const uint8_t *)pub, pb.len, der, sizeof der, &pk, NULL));
	CHECK(pk.type == SG_KEY_EC && pk.curve == SG_CURVE_P256 && pk.point.len == 65 &&
		memcmp(pk.point.p, key.pub, 65) == 0);
	sg_p256_key_wipe(&key);
	sg_p256_key_wipe(&back);
	sg_drbg_wipe(&rng);
}

int
main(void)
{
	arena_mem = malloc(ARENA_CAP);
	if (arena_mem == NULL)
		return 2;
	test_plain_keys();
	test_der_strictness();
	test_envelope();
	test_write_encrypted();
	free(arena_mem);
	return test_finish();
}
