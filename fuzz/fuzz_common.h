/* fuzz_common: the invariant checks several harnesses share (header-only). */
#ifndef SG_FUZZ_COMMON_H
#define SG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

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

/* 1 when n bytes at p are all zero (outputs must be zeroed on failure). */
static inline int
fuzz_all_zero(const void *p, size_t n)
{
	const uint8_t *b = (const uint8_t *)p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

#endif
