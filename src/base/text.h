/* text: ASCII digits and UTF-8, defined once for every parser (rank 0, libc only).
 *
 * UTF-8 is RFC 3629 §4 exactly: shortest form only, no surrogates (U+D800-U+DFFF), nothing
 * above U+10FFFF. Three parsers used to carry their own copy of this grammar (DER strings,
 * checkpoint notes, regexps); one copy cannot disagree with itself. vendor-free-json keeps its
 * own, since it stands alone. */
#ifndef SG_TEXT_H
#define SG_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 for '0'..'9'. Classified by hand, never by locale-dependent isdigit(). */
int sg_is_digit(uint8_t c);
/* 1 for 'A'..'Z' and 'a'..'z'. */
int sg_is_alpha(uint8_t c);

/* The value of exactly `n` ASCII digits at p[0..n) (1 <= n <= 18, so it cannot overflow) into
 * *v; 0 (and *v = 0) when n is out of range or any byte is not a digit. No sign, no spaces. */
int sg_digits(const uint8_t *p, size_t n, int64_t *v);

/* The well-formed UTF-8 sequence at p[0..n) (n > 0): returns its length, 1 to 4, and the code
 * point in *cp. Returns 0 and *cp = U+FFFD when the bytes there are not a complete well-formed
 * sequence (the caller decides whether that is an error or, as Go's DecodeRune does, a
 * replacement character of width 1). */
size_t sg_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/* 1 when all of p[0..n) is well-formed UTF-8 (n == 0 included). */
int sg_utf8_valid(const uint8_t *p, size_t n);

#endif
