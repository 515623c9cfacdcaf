/* hash: SHA-2 over BearSSL's engines. See hash.h for the contract.
 *
 * Implementation notes. BearSSL's SHA-2 contexts live inside the caller's sg_hash_ctx (sized
 * and aligned by the static assertions below), so hashing allocates nothing; sg_hash_final
 * wipes the context because a streaming context over a key file is the one case where the
 * state is derived from secret-adjacent data. */
#include "crypto/hash.h"

#include <string.h>

#include <bearssl.h>

#include "base/bytes.h"

/* ---- hashing ---- */

typedef union hash_state {
	br_sha256_context s256;
	br_sha384_context s384;
	br_sha512_context s512;
} hash_state;

_Static_assert(sizeof(hash_state) <= sizeof(((sg_hash_ctx *)0)->opaque),
	"sg_hash_ctx.opaque too small for BearSSL's SHA-2 contexts");
_Static_assert(_Alignof(hash_state) <= _Alignof(uint64_t),
	"sg_hash_ctx.opaque under-aligned for BearSSL's SHA-2 contexts");
static hash_state *
hstate(sg_hash_ctx *h)
{
	return (hash_state *)(void *)h->opaque;
}

/* see hash.h */
size_t
sg_hash_len(sg_hash_alg alg)
{
	switch (alg) {
	case SG_HASH_SHA256:
		return SG_SHA256_LEN;
	case SG_HASH_SHA384:
		return SG_SHA384_LEN;
	case SG_HASH_SHA512:
		return SG_SHA512_LEN;
	}
	return 0;
}

/* see hash.h */
void
sg_hash_init(sg_hash_ctx *h, sg_hash_alg alg)
{
	memset(h, 0, sizeof *h);
	h->alg = alg;
	switch (alg) {
	case SG_HASH_SHA256:
		br_sha256_init(&hstate(h)->s256);
		break;
	case SG_HASH_SHA384:
		br_sha384_init(&hstate(h)->s384);
		break;
	case SG_HASH_SHA512:
		br_sha512_init(&hstate(h)->s512);
		break;
	}
}

/* see hash.h */
void
sg_hash_update(sg_hash_ctx *h, const void *p, size_t len)
{
	if (len == 0)
		return;
	switch (h->alg) {
	case SG_HASH_SHA256:
		br_sha256_update(&hstate(h)->s256, p, len);
		break;
	case SG_HASH_SHA384:
		br_sha384_update(&hstate(h)->s384, p, len);
		break;
	case SG_HASH_SHA512:
		br_sha512_update(&hstate(h)->s512, p, len);
		break;
	}
}

/* see hash.h */
void
sg_hash_final(sg_hash_ctx *h, uint8_t *out)
{
	switch (h->alg) {
	case SG_HASH_SHA256:
		br_sha256_out(&hstate(h)->s256, out);
		break;
	case SG_HASH_SHA384:
		br_sha384_out(&hstate(h)->s384, out);
		break;
	case SG_HASH_SHA512:
		br_sha512_out(&hstate(h)->s512, out);
		break;
	}
	/* The state may have absorbed secret input (a key being fingerprinted, a token). */
	sg_wipe(h, sizeof *h);
}

/* see hash.h */
void
sg_hash(sg_hash_alg alg, const void *p, size_t len, uint8_t *out)
{
	sg_hash_ctx h;
	sg_hash_init(&h, alg);
	sg_hash_update(&h, p, len);
	sg_hash_final(&h, out);
}

/* see hash.h */
void
sg_sha256(const void *p, size_t len, uint8_t out[SG_SHA256_LEN])
{
	sg_hash(SG_HASH_SHA256, p, len, out);
}

/* see hash.h */
void
sg_sha384(const void *p, size_t len, uint8_t out[SG_SHA384_LEN])
{
	sg_hash(SG_HASH_SHA384, p, len, out);
}

/* see hash.h */
void
sg_sha512(const void *p, size_t len, uint8_t out[SG_SHA512_LEN])
{
	sg_hash(SG_HASH_SHA512, p, len, out);
}
