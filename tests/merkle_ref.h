/* merkle_ref: the RFC 6962 §2.1 definitions, written as literally as the RFC states them, to
 * check sg_merkle_verify_inclusion against in the tlog unit test and the inclusion-proof fuzz
 * harness. `leaves` holds the leaf hashes (already domain-separated). Header-only. */
#ifndef SG_TEST_MERKLE_REF_H
#define SG_TEST_MERKLE_REF_H

#include <stdint.h>
#include <string.h>

#include "crypto/hash.h"

/* The largest power of two below n (n >= 2). */
static size_t
merkle_ref_split(size_t n)
{
	size_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[lo..hi)) (RFC 6962 §2.1), hi > lo. */
static void
merkle_ref_root(uint8_t (*leaves)[32], size_t lo, size_t hi, uint8_t out[32])
{
	if (hi - lo == 1) {
		memcpy(out, leaves[lo], 32);
		return;
	}
	size_t k = merkle_ref_split(hi - lo);
	uint8_t buf[65];
	buf[0] = 1;
	merkle_ref_root(leaves, lo, lo + k, buf + 1);
	merkle_ref_root(leaves, lo + k, hi, buf + 33);
	sg_sha256(buf, 65, out);
}

/* PATH(m, D[lo..hi)) (RFC 6962 §2.1.1), appended to path (*n hashes so far). */
static void
merkle_ref_path(uint8_t (*leaves)[32], size_t m, size_t lo, size_t hi, uint8_t *path,
	size_t *n)
{
	if (hi - lo <= 1)
		return;
	size_t k = merkle_ref_split(hi - lo);
	if (m < k) {
		merkle_ref_path(leaves, m, lo, lo + k, path, n);
		merkle_ref_root(leaves, lo + k, hi, path + 32 * (*n)++);
	} else {
		merkle_ref_path(leaves, m - k, lo + k, hi, path, n);
		merkle_ref_root(leaves, lo, lo + k, path + 32 * (*n)++);
	}
}

#endif
