/* text: ASCII digits and UTF-8. See text.h.
 *
 * Implementation notes. The UTF-8 decoder follows RFC 3629 §4's byte-sequence table (the
 * "Unicode Standard Table 3-7" form): the first byte fixes the length and the range allowed
 * for the second byte, which is how shortest form (E0 A0.., F0 90..), the surrogate gap
 * (ED ..9F) and the U+10FFFF ceiling (F4 ..8F) are enforced without decoding first. */
#include "base/text.h"

/* see text.h */
int
sg_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* see text.h */
int
sg_is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* see text.h */
int
sg_digits(const uint8_t *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	*v = 0;
	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!sg_is_digit(p[i]))
			return 0;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 1;
}

/* see text.h */
size_t
sg_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t b = p[0], lo = 0x80, hi = 0xbf;
	size_t w;
	uint32_t c;
	*cp = 0xfffd;
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		w = 2;
		c = b & 0x1fu;
	} else if (b >= 0xe0 && b <= 0xef) {
		w = 3;
		c = b & 0x0fu;
		lo = b == 0xe0 ? 0xa0 : 0x80; /* shortest form */
		hi = b == 0xed ? 0x9f : 0xbf; /* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		w = 4;
		c = b & 0x07u;
		lo = b == 0xf0 ? 0x90 : 0x80; /* shortest form */
		hi = b == 0xf4 ? 0x8f : 0xbf; /* at most U+10FFFF */
	} else {
		return 0; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
	}
	if (n < w || p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3fu);
	for (size_t k = 2; k < w; k++) {
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
		c = (c << 6) | (p[k] & 0x3fu);
	}
	*cp = c;
	return w;
}

/* see text.h */
int
sg_utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t w = sg_utf8_decode(p + i, n - i, &cp);
		if (w == 0)
			return 0;
		i += w;
	}
	return 1;
}
