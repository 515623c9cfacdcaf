/* hash: SHA-2 through BearSSL (rank 2), one-shot and streaming. Hashing is public-data only:
 * nothing here is secret, so nothing needs wiping beyond what sg_hash_final does. */
#ifndef SG_HASH_H
#define SG_HASH_H

#include <stddef.h>
#include <stdint.h>

/* ---- hashing ---- */
typedef enum sg_hash_alg {
	SG_HASH_SHA256 = 1,
	SG_HASH_SHA384 = 2,
	SG_HASH_SHA512 = 3,
} sg_hash_alg;

#define SG_SHA256_LEN 32u
#define SG_SHA384_LEN 48u
#define SG_SHA512_LEN 64u
#define SG_HASH_MAX_LEN 64u

/* Digest length of `alg` (0 for an unknown value). */
size_t sg_hash_len(sg_hash_alg alg);
void sg_sha256(const void *p, size_t len, uint8_t out[SG_SHA256_LEN]);
void sg_sha384(const void *p, size_t len, uint8_t out[SG_SHA384_LEN]);
void sg_sha512(const void *p, size_t len, uint8_t out[SG_SHA512_LEN]);
/* One-shot hash with any algorithm; out must hold sg_hash_len(alg) bytes (nothing is written
 * for an unknown alg). */
void sg_hash(sg_hash_alg alg, const void *p, size_t len, uint8_t *out);

/* Streaming hash; the storage is sized for BearSSL's largest SHA-2 context (checked by a static
 * assertion in hash.c). */
typedef struct sg_hash_ctx {
	uint64_t opaque[40];
	sg_hash_alg alg;
} sg_hash_ctx;
void sg_hash_init(sg_hash_ctx *h, sg_hash_alg alg);
void sg_hash_update(sg_hash_ctx *h, const void *p, size_t len);
/* Writes sg_hash_len(alg) bytes, then wipes the context (sg_hash_init it again to reuse). An
 * unknown alg given to sg_hash_init makes update a no-op and final write nothing. */
void sg_hash_final(sg_hash_ctx *h, uint8_t *out);

#endif
