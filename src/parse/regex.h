/* regex: RE2-syntax regular expressions with a linear-time matcher (layer 1).
 *
 * cosign compiles --certificate-identity-regexp / --certificate-oidc-issuer-regexp with Go's
 * regexp package (RE2 syntax, flags syntax.Perl) and matches them unanchored (MatchString).
 * This module accepts the same syntax, reports Go's error messages, and answers the same
 * match / no-match question, by a Thompson-NFA simulation without captures: time
 * O(text length x program size), no backtracking, no recursion, no allocation.
 *
 * Syntax (Go regexp/syntax): literals; "." (any character but \n; with (?s) any);
 * [...] / [^...] classes with ranges, escapes, [:alpha:]-style POSIX classes and \d \s \w;
 * \d \D \s \S \w \W; escapes \a \f \t \n \r \v, \x41, \x{41}, octal \0 / \012, \ before any
 * ASCII punctuation, \Q...\E; anchors ^ $ (start/end of text; of a line with (?m)), \A \z,
 * \b \B (ASCII word characters); groups ( ), (?: ), (?P<name> ), (?<name> ); | ; * + ? {n}
 * {n,} {n,m} and their lazy forms (same match / no-match answer); counts at most 1000, also as a
 * product of nested counts; flags i m s U as (?flags) and (?flags:re), with - to clear.
 * Rejected, as in RE2: backreferences (\1), lookaround, \C, \Z, possessive/stacked
 * quantifiers (a**), invalid UTF-8 in the pattern.
 *
 * Text is bytes, read as UTF-8 the way Go does: "." and classes consume one UTF-8 sequence, and
 * each byte of an invalid sequence is one character U+FFFD.
 *
 * Differences from Go (docs/policy.md): \p{...} / \pL Unicode classes are rejected (error);
 * (?i) folds ASCII letters, plus U+017F and U+212A which fold to s and k, but no other non-ASCII
 * letters; a pattern is at most SG_MAX_REGEX_PATTERN bytes and SG_MAX_REGEX_INST
 * instructions ("expression too large" where Go's limits are far higher). */
#ifndef SG_REGEX_H
#define SG_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"

/* One NFA instruction; the meaning of x and y depends on op (regex.c). */
typedef struct sg_regex_inst {
	uint8_t op;
	uint8_t arg;
	uint16_t x;
	uint32_t y;
} sg_regex_inst;

/* A compiled pattern: a fixed-size program (about 48 KiB) that holds no pointers, so it can be
 * copied. n == 0 (a zeroed or failed compile) never matches. */
typedef struct sg_regex {
	sg_regex_inst inst[SG_MAX_REGEX_INST];
	uint32_t ranges[SG_MAX_REGEX_RANGES][2]; /* class ranges [lo, hi] of code points */
	uint16_t n;                              /* instructions in use */
	uint16_t nranges;
} sg_regex;

/* Compile pattern[0..len) (UTF-8; NUL bytes are literals). On failure `re` is zeroed and `d`
 * gets SG_ERR_POLICY_REGEX with Go's message as its verbatim detail, e.g.
 *   error parsing regexp: missing closing ): `(a`
 * Codes: missing closing ) / ], unexpected ), invalid escape sequence, invalid character class,
 * invalid character class range, invalid nested repetition operator, invalid repeat count,
 * missing argument to repetition operator, trailing backslash at end of expression, invalid
 * named capture, invalid or unsupported Perl syntax, invalid UTF-8, expression too large,
 * expression nests too deeply. */
SG_MUST_USE sg_err sg_regex_compile(const char *pattern, size_t len, sg_regex *re, sg_diag *d);

/* 1 when some substring of text[0..len) matches (Go's MatchString: unanchored; use ^...$ to
 * anchor), else 0. Time O(len x re->n); the caller bounds len. Uses about 25 KiB of stack. */
int sg_regex_search(const sg_regex *re, const uint8_t *text, size_t len);

#endif
