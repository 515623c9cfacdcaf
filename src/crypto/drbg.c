/* drbg: randomness from getrandom(2) through BearSSL's HMAC-DRBG. See drbg.h.
 *
 * Implementation notes. getrandom(2) only, never /dev/urandom: scratch images may have no
 * /dev. The seed (entropy, nonce, personalization) is wiped after use; the DRBG state lives in
 * the caller's sg_drbg, which the caller wipes. */
#include "crypto/drbg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bearssl.h>

#include "base/bytes.h"

_Static_assert(sizeof(br_hmac_drbg_context) <= sizeof(((sg_drbg *)0)->opaque),
	"sg_drbg.opaque too small for br_hmac_drbg_context");
_Static_assert(_Alignof(br_hmac_drbg_context) <= _Alignof(uint64_t),
	"sg_drbg.opaque under-aligned for br_hmac_drbg_context");

static br_hmac_drbg_context *
drbg_ctx(sg_drbg *r)
{
	return (br_hmac_drbg_context *)(void *)r->opaque;
}

/* Fill buf from getrandom(2): blocks only until the kernel pool is initialised at boot,
 * retries EINTR and short reads, and gives up on any other error (ENOSYS under seccomp,
 * EFAULT) rather than fall back to a file. */
static int
os_random(uint8_t *buf, size_t len)
{
	size_t got = 0;
	unsigned spins = 0;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR && spins++ < 1000)
				continue;
			return 0;
		}
		if (n == 0) {
			if (spins++ >= 1000)
				return 0;
			continue;
		}
		got += (size_t)n;
	}
	return 1;
}

/* see drbg.h */
sg_err
sg_drbg_init(sg_drbg *r, sg_diag *d)
{
	/* 256 bits of entropy plus a 128-bit nonce (SP 800-90A §10.1.2.3, Table 2 for SHA-256),
	 * then a personalization string. */
	static const char pers[] = "picosign HMAC-DRBG SHA-256";
	uint8_t seed[48 + sizeof pers];
	memset(r, 0, sizeof *r);
	if (!os_random(seed, 48)) {
		sg_wipe(seed, sizeof seed);
		return sg_diag_fail(d, SG_ERR_RANDOM, "getrandom");
	}
	memcpy(seed + 48, pers, sizeof pers);
	br_hmac_drbg_init(drbg_ctx(r), &br_sha256_vtable, seed, sizeof seed);
	sg_wipe(seed, sizeof seed);
	r->seeded = 1;
	return SG_OK;
}

/* see drbg.h */
void
sg_drbg_init_seed(sg_drbg *r, const void *seed, size_t len)
{
	memset(r, 0, sizeof *r);
	br_hmac_drbg_init(drbg_ctx(r), &br_sha256_vtable, seed, len);
	r->seeded = 1;
}

/* see drbg.h */
void
sg_drbg_generate(sg_drbg *r, void *out, size_t len)
{
	if (!r->seeded)
		abort();
	br_hmac_drbg_generate(drbg_ctx(r), out, len);
}

/* see drbg.h */
void
sg_drbg_wipe(sg_drbg *r)
{
	sg_wipe(r, sizeof *r);
}

/* see drbg.h */
const struct br_prng_class_ **
sg_drbg_prng(sg_drbg *r)
{
	return &drbg_ctx(r)->vtable;
}
