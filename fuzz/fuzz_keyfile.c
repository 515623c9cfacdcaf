/* Target functions: sg_keys_load_private, sg_keys_read_pem, sg_keys_parse_envelope,
 * sg_keys_decrypt, sg_keys_parse_pkcs8, sg_keys_parse_sec1, sg_keys_write_pkcs8 */
/* Input: one mode byte, then the data. Mode % 4: 0 a whole key file (PEM), 1 PKCS#8 DER,
 * 2 SEC1 DER, 3 an encrypted-key envelope (JSON). Encrypted keys are tried with the password
 * "fuzz" and scrypt capped at N = 16 through the loaders' max_n parameter, so a run stays fast
 * (seed files are encrypted under that password, so decryption succeeds and the PKCS#8 inside
 * is reached).
 * Invariants: an accepted key's public point is the one its scalar derives, and its PKCS#8
 * encoding parses back to the same key; a rejected key is all zeros; the envelope parser and
 * the decrypter agree; scrypt hands its scratch back to the arena; a second run agrees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "sign/keys.h"

#define MAX_IN 16384
#define FUZZ_MAX_N 16u
#define ARENA_CAP (4u * 1024u * 1024u)

static uint8_t arena_mem[ARENA_CAP];
static const uint8_t password[] = "fuzz";

static int
is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
check_key(const sg_p256_key *k)
{
	sg_p256_key again;
	if (sg_p256_key_from_private(k->priv, sizeof k->priv, &again, NULL) != SG_OK)
		abort();
	if (memcmp(again.pub, k->pub, sizeof k->pub) != 0)
		abort();
	uint8_t der[SG_KEYS_PKCS8_LEN];
	sg_buf b;
	sg_buf_init(&b, der, sizeof der);
	if (sg_keys_write_pkcs8(k, &b) != SG_OK || b.len != sizeof der)
		abort();
	if (sg_keys_parse_pkcs8(der, b.len, &again, NULL) != SG_OK)
		abort();
	if (memcmp(&again, k, sizeof again) != 0)
		abort();
}

/* One pass; returns the result code and fills `key` / `plain` for comparison. */
static sg_err
run(unsigned mode, const uint8_t *p, size_t n, sg_p256_key *key, uint8_t *plain,
	size_t *plain_len)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_err e;
	*plain_len = 0;
	memset(key, 0x5a, sizeof *key);
	switch (mode) {
	case 0:
		e = sg_keys_load_private(p, n, password, sizeof password - 1, FUZZ_MAX_N, &a, key,
			NULL);
		break;
	case 1:
		e = sg_keys_parse_pkcs8(p, n, key, NULL);
		break;
	case 2:
		e = sg_keys_parse_sec1(p, n, key, NULL);
		break;
	default: {
		sg_keys_envelope env;
		sg_err pe = sg_keys_parse_envelope(p, n, FUZZ_MAX_N, &a, &env, NULL);
		if (pe != SG_OK && !is_zero(&env, sizeof env))
			abort();
		size_t before = a.used;
		e = sg_keys_decrypt(p, n, password, sizeof password - 1, FUZZ_MAX_N, &a, plain,
			SG_MAX_KEY_DER, plain_len, NULL);
		/* The decrypter parses exactly what the parser parses. */
		if (pe != SG_OK && e != pe)
			abort();
		if (pe == SG_OK && e != SG_OK && e != SG_ERR_KEY_PASSWORD)
			abort();
		if (e == SG_OK && *plain_len + SG_SECRETBOX_MAC != env.ciphertext.len)
			abort();
		/* Only the envelope's JSON tokens and decoded fields stay allocated. */
		if (a.used - before > 4 * n + 65536)
			abort();
		memset(key, 0, sizeof *key);
		if (e == SG_OK && sg_keys_parse_pkcs8(plain, *plain_len, key, NULL) == SG_OK)
			check_key(key);
		return e;
	}
	}
	if (e == SG_OK)
		check_key(key);
	else if (!is_zero(key, sizeof *key))
		abort();
	return e;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_IN)
		return 0;
	static uint8_t plain1[SG_MAX_KEY_DER], plain2[SG_MAX_KEY_DER];
	sg_p256_key k1, k2;
	size_t n1, n2;
	unsigned mode = data[0] % 4u;
	sg_err e1 = run(mode, data + 1, size - 1, &k1, plain1, &n1);
	sg_err e2 = run(mode, data + 1, size - 1, &k2, plain2, &n2);
	if (e1 != e2 || memcmp(&k1, &k2, sizeof k1) != 0 || n1 != n2 ||
		memcmp(plain1, plain2, n1) != 0)
		abort();
	sg_p256_key_wipe(&k1);
	sg_p256_key_wipe(&k2);
	return 0;
}
