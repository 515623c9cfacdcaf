/* Target functions: sg_regex_compile, sg_regex_search */
/* Input: the pattern, then "\n", then the text (no "\n": an empty text; a pattern spells a
 * newline as \n). Invariants: compiling is deterministic (same result, same program); a failed
 * compile leaves a zeroed program and Go's "error parsing regexp: " message; a compiled
 * program's class ranges are valid code point ranges; searching twice gives the same 0/1;
 * "(?s:.*)(?:P)" finds a match exactly when P does (the search is unanchored), unless it is
 * too large; "\QP" (P without \E or U+FFFD) matches exactly when P's bytes occur in the
 * text; a pattern without special characters matches exactly where it occurs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/regex.h"

static sg_regex re1, re2; /* about 48 KiB each */

static int
occurs(const uint8_t *text, size_t tlen, const uint8_t *pat, size_t plen)
{
	if (plen == 0)
		return 1;
	for (size_t i = 0; i + plen <= tlen; i++)
		if (memcmp(text + i, pat, plen) == 0)
			return 1;
	return 0;
}

static int
plain(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			    (p[i] >= '0' && p[i] <= '9') || p[i] == ' ' || p[i] == '/' || p[i] == '@'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl != NULL ? (size_t)(nl - data) : size;
	const uint8_t *text = nl != NULL ? nl + 1 : data + size;
	size_t tlen = size - plen - (nl != NULL);
	const char *pat = (const char *)data;
	sg_diag d1, d2;
	sg_diag_init(&d1, NULL);
	sg_diag_init(&d2, NULL);

	sg_err e1 = sg_regex_compile(pat, plen, &re1, &d1);
	sg_err e2 = sg_regex_compile(pat, plen, &re2, &d2);
	if (e1 != e2 || re1.n != re2.n || re1.nranges != re2.nranges ||
		memcmp(re1.inst, re2.inst, re1.n * sizeof re1.inst[0]) != 0 ||
		memcmp(re1.ranges, re2.ranges, re1.nranges * sizeof re1.ranges[0]) != 0 ||
		strcmp(d1.detail, d2.detail) != 0)
		abort();
	if (e1 != SG_OK) {
		if (e1 != SG_ERR_POLICY_REGEX || re1.n != 0 || re1.nranges != 0 ||
			strncmp(d1.detail, "error parsing regexp: ", 22) != 0)
			abort();
		if (sg_regex_search(&re1, text, tlen) != 0)
			abort();
		return 0;
	}
	if (re1.n == 0 || re1.n > SG_MAX_REGEX_INST || re1.nranges > SG_MAX_REGEX_RANGES)
		abort();
	for (size_t k = 0; k < re1.nranges; k++)
		if (re1.ranges[k][0] > re1.ranges[k][1] || re1.ranges[k][1] > 0x10FFFF)
			abort();

	int m = sg_regex_search(&re1, text, tlen);
	if ((m != 0 && m != 1) || sg_regex_search(&re1, text, tlen) != m)
		abort();
	if (plain(data, plen) && m != occurs(text, tlen, data, plen))
		abort();

	/* The search is unanchored: a leading (?s:.*) changes nothing. \Q would swallow the ")". */
	static char wrapped[SG_MAX_REGEX_PATTERN + 32];
	if (plen + 12 <= SG_MAX_REGEX_PATTERN && !occurs(data, plen, (const uint8_t *)"\\Q", 2)) {
		memcpy(wrapped, "(?s:.*)(?:", 10);
		memcpy(wrapped + 10, pat, plen);
		wrapped[10 + plen] = ')';
		sg_diag_init(&d2, NULL);
		if (sg_regex_compile(wrapped, plen + 11, &re2, &d2) == SG_OK) {
			if (sg_regex_search(&re2, text, tlen) != m)
				abort();
		} else if (strstr(d2.detail, "expression too large") == NULL) {
			abort();
		}
	}

	/* \Q...: the pattern's bytes as a literal (it compiled, so it is valid UTF-8). A literal
	 * U+FFFD also matches an invalid byte of the text, so such patterns are left out. */
	if (plen + 2 <= SG_MAX_REGEX_PATTERN && !occurs(data, plen, (const uint8_t *)"\\E", 2) &&
		!occurs(data, plen, (const uint8_t *)"\xef\xbf\xbd", 3)) {
		memcpy(wrapped, "\\Q", 2);
		memcpy(wrapped + 2, pat, plen);
		if (sg_regex_compile(wrapped, plen + 2, &re2, NULL) == SG_OK) {
			if (sg_regex_search(&re2, text, tlen) != occurs(text, tlen, data, plen))
				abort();
		} else if (plen + 2 <= 1000) {
			/* Only the instruction bound can refuse a short literal. */
			abort();
		}
	}
	return 0;
}
