/* fuzz_common: the invariant checks several harnesses share (header-only). */
#ifndef SG_FUZZ_COMMON_H
#define SG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/bytes.h"

/* 1 when the view `s` lies inside p[0..n) (an empty view is inside anything). The arithmetic
 * never forms an out-of-range pointer. */
static inline int
fuzz_inside(sg_slice s, const uint8_t *p, size_t n)
{
	if (s.len == 0)
		return 1;
	return s.p != NULL && s.p >= p && s.len <= n && (size_t)(s.p - p) <= n - s.len;
}

/* 1 when n bytes at p are all zero (outputs must be zeroed on failure, secrets after use).
 * memcmp against a zero block, not a byte loop: the harness is instrumented like the code it
 * drives, and tracing a comparison per byte was most of a run where the checked buffers are
 * large (the registry client's 32 KiB of token slots). */
static inline int
fuzz_all_zero(const void *p, size_t n)
{
	static const uint8_t zeros[4096];
	const uint8_t *b = (const uint8_t *)p;
	for (size_t off = 0; off < n; off += sizeof zeros) {
		size_t k = n - off < sizeof zeros ? n - off : sizeof zeros;
		if (memcmp(b + off, zeros, k) != 0)
			return 0;
	}
	return 1;
}

#endif
