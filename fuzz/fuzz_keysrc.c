/* Target functions: sg_cli_read_ref (env://), sg_cli_describe, then what the key loaders run
 * on env:// material: sg_keys_read_pem and sg_pubkey_parse_pem */
/* Invariants: the env:// reader returns exactly the variable's bytes (the input up to its
 * first NUL; an empty value is an error); the description is deterministic and one of the
 * documented phrases; the parsers do not crash on it and a private key body, when decoded,
 * lies in the arena. The input is a variable's value, so it may be anything a CI secret
 * store holds. */
#define _XOPEN_SOURCE 700 /* putenv */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "crypto/pubkey.h"
#include "sign/keys.h"

static uint8_t arena_mem[8u << 20];
/* The variable as putenv takes it, NAME=value in one buffer that stays ours: setenv copies
 * every value and glibc never frees the copies (a caller may still hold one), which after a
 * few million runs was 2 GB and an out-of-memory stop (make fuzz-long). */
#define VAR_NAME "PICOSIGN_FUZZ_KEY"
static char var[sizeof VAR_NAME + SG_MAX_PEM_FILE + 1] = VAR_NAME "=";
static char *const value = var + sizeof VAR_NAME;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = {"empty", "a PEM certificate", "a PEM public key",
		"an encrypted cosign private key", "a PEM private key", "a cosign v2 bundle",
		"a Sigstore bundle", "a Rekor bundle (cosign's bundle annotation)",
		"a trusted root", "JSON", "a base64 signature", "text", "binary data"};
	if (size > SG_MAX_PEM_FILE)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	size_t n = strlen(value);
	if (putenv(var) != 0)
		return 0;
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_slice got;
	sg_err e = sg_cli_read_ref("env://PICOSIGN_FUZZ_KEY", "--key", SG_MAX_PEM_FILE, &a, &got,
		NULL);
	if ((n == 0) != (e != SG_OK))
		abort();
	if (e != SG_OK)
		return 0;
	if (got.len != n || memcmp(got.p, value, n) != 0)
		abort();
	const char *w1 = sg_cli_describe(got), *w2 = sg_cli_describe(got);
	if (w1 != w2)
		abort();
	size_t k = 0;
	while (k < sizeof known / sizeof known[0] && strcmp(known[k], w1) != 0)
		k++;
	if (k == sizeof known / sizeof known[0])
		abort();
	sg_keys_format fmt;
	sg_slice body;
	if (sg_keys_read_pem(got.p, got.len, &a, &fmt, &body, NULL) == SG_OK) {
		if (body.len == 0 || body.p < arena_mem ||
			body.p + body.len > arena_mem + sizeof arena_mem)
			abort();
		sg_wipe((void *)(uintptr_t)body.p, body.len);
	}
	uint8_t der[SG_MAX_CERT];
	sg_pubkey key;
	sg_err pk = sg_pubkey_parse_pem(got.p, got.len, der, sizeof der, &key, NULL);
	(void)pk;
	return 0;
}
