/* drbg: the randomness seam (rank 2, signing side). An HMAC-DRBG (SHA-256, BearSSL's) seeded
 * from getrandom(2): crypto/drbg.c is the one place randomness enters picosign. The verify path
 * never includes this header (scripts/deps-check.sh), so verification cannot draw randomness.
 *
 * The state is secret: call sg_drbg_wipe on every exit path. */
#ifndef SG_DRBG_H
#define SG_DRBG_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* ---- randomness ---- */
/* HMAC-DRBG (SHA-256). Seeded from getrandom(2), never /dev/urandom: scratch images may have
 * no /dev. */
typedef struct sg_drbg {
	uint64_t opaque[24];
	int seeded;
} sg_drbg;
/* Seed from getrandom(2); SG_ERR_RANDOM when the kernel gives no entropy. */
SG_MUST_USE sg_err sg_drbg_init(sg_drbg *r, sg_diag *d);
/* Deterministic seeding, for tests and fuzzers only. */
void sg_drbg_init_seed(sg_drbg *r, const void *seed, size_t len);
/* Fill out[0..len). `r` must be seeded: generating from an unseeded DRBG is a programming
 * error and calls abort() rather than hand out predictable bytes. */
void sg_drbg_generate(sg_drbg *r, void *out, size_t len);
void sg_drbg_wipe(sg_drbg *r);

/* BearSSL's view of the DRBG (a br_prng_class pointer), for crypto/p256.c's key generation;
 * nothing outside crypto/ needs it. */
struct br_prng_class_;
const struct br_prng_class_ **sg_drbg_prng(sg_drbg *r);

#endif
