/* Unit tests for regex: match / no-match cases from Go's regexp tests (find_test.go) and
 * regexp/syntax (parse_test.go), Go's exact error messages, UTF-8 handling, the size and count
 * limits, linear time on inputs that make backtracking matchers explode, every prefix of
 * valid patterns, and a differential test against glibc's POSIX regexec on random patterns of
 * the syntax both share. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "parse/regex.h"
#include "runner.h"

/* <regex.h> would find src/regex.h (-Isrc comes first), so name the C library's by path; the
 * differential test is skipped where it is elsewhere. */
#if defined(__has_include)
#if __has_include("/usr/include/regex.h")
#include "/usr/include/regex.h"
#define HAVE_POSIX_REGEX 1
#endif
#endif

static sg_regex re; /* about 48 KiB: static, not on the stack */

/* Compile pat (from a guarded copy, so over-reads crash); SG_OK or the error. */
static sg_err
compile_n(const char *pat, size_t n, sg_diag *d)
{
	const uint8_t *g = guard_put(pat, n);
	return sg_regex_compile((const char *)g, n, &re, d);
}

static int
search_n(const char *text, size_t n)
{
	const uint8_t *g = guard_put(text, n);
	return sg_regex_search(&re, g, n);
}

/* 1 match, 0 no match, -1 compile error. */
static int
match(const char *pat, const char *text)
{
	if (compile_n(pat, strlen(pat), NULL) != SG_OK)
		return -1;
	return search_n(text, strlen(text));
}

typedef struct mcase {
	const char *pat, *text;
	int want;
} mcase;

static const mcase match_cases[] = {
	/* Go find_test.go findTests (match or not). */
	{"", "", 1},
	{"^abcdefg", "abcdefg", 1},
	{"a+", "baaab", 1},
	{"a", "bababaab", 1},
	{"abcd..", "abcdef", 1},
	{"a", "a", 1},
	{"x", "y", 0},
	{"b", "abc", 1},
	{".", "a", 1},
	{".*", "abcdef", 1},
	{"^", "abcde", 1},
	{"$", "abcde", 1},
	{"^abcd$", "abcd", 1},
	{"^bcd'", "abcdef", 0},
	{"^abcd$", "abcde", 0},
	{"a*", "baaab", 1},
	{"[a-z]+", "abcd", 1},
	{"[^a-z]+", "ab1234cd", 1},
	{"[a\\-\\]z]+", "az]-bcz", 1},
	{"[^\\n]+", "abcd\n", 1},
	{"[日本語]+", "日本語日本語", 1},
	{"日本語+", "日本語", 1},
	{"日本語+", "日本語語語語", 1},
	{"()", "", 1},
	{"(a)", "a", 1},
	{"(.)(.)", "日a", 1},
	{"(.*)", "", 1},
	{"(..)(..)", "abcd", 1},
	{"(([^xyz]*)(d))", "abcd", 1},
	{"((a|b|c)*(d))", "abcd", 1},
	{"(((a|b|c)*)(d))", "abcd", 1},
	{"\\a\\f\\n\\r\\t\\v", "\a\f\n\r\t\v", 1},
	{"[\\a\\f\\n\\r\\t\\v]+", "\a\f\n\r\t\v", 1},
	{"a*(|(b))c*", "aacc", 1},
	{"(.*).*", "ab", 1},
	{"[.]", ".", 1},
	{"/$", "/abc/", 1},
	{"/$", "/abc", 0},
	{"ab$", "cab", 1},
	{"axxb$", "axxcb", 0},
	{"data", "daXY data", 1},
	{"da(.)a$", "daXY data", 1},
	{"zx+", "zzx", 1},
	{"ab$", "abcab", 1},
	{"(aa)*$", "a", 1},
	{"(?:.|(?:.a))", "", 0},
	{"(?:A(?:A|a))", "Aa", 1},
	{"(?:A|(?:A|a))", "a", 1},
	{"(a){0}", "", 1},
	{"(?-s)(?:(?:^).)", "\n", 0},
	{"(?s)(?:(?:^).)", "\n", 1},
	{"(?:(?:^).)", "\n", 0},
	{"\\b", "x", 1},
	{"\\b", "x y", 1},
	{"\\B", "x", 0},
	{"\\B", "xx", 1},
	{"\\B", "x y", 0},
	{"\\B", "xx yy", 1},
	{"(|a)*", "aa", 1},
	{"0A|0[aA]", "0a", 1},
	{"0[aA]|0A", "0a", 1},
	{"[a-c]*", "\xe6\x97\xa5", 1},
	{"[^\xe6\x97\xa5]", "abc\xe6\x97\xa5" "def", 1},
	{"[^\\S\\s]", "abcd", 0},
	{"[^\\S[:space:]]", "abcd", 0},
	{"[^\\D\\d]", "abcd", 0},
	{"[^\\D[:digit:]]", "abcd", 0},
	{"(?i)\\W", "x", 0},
	{"(?i)\\W", "k", 0},
	{"(?i)\\W", "s", 0},
	{"\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\{\\|"
	 "\\}\\~",
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_{|}~", 1},
	{"[\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\{"
	 "\\|\\}\\~]+",
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_{|}~", 1},
	{"\\`", "`", 1},
	{"[\\`]+", "`", 1},
	{"\xef\xbf\xbd", "\xff", 1},
	{"\xef\xbf\xbd", "hello\xffworld", 1},
	{".*", "hello\xffworld", 1},
	{"[\xef\xbf\xbd]", "\xff", 1},
	/* Go parse_test.go: forms that parse, checked by what they match. */
	{"a|^", "b", 1},
	{"^x{1001", "x{1001", 1},
	{"^x{9876543210$", "x{9876543210", 1},
	{"^x{2,1$", "x{2,1", 1},
	{"^a{,2}$", "a{,2}", 1},
	{"^a*{$", "aa{", 1},
	{"^|x|$", "y", 1},
	{"[[:lower:]]", "A", 0},
	{"(?i)[[:lower:]]", "A", 1},
	{"(?i)[[:lower:]]", "\xe2\x84\xaa", 1}, /* U+212A Kelvin sign */
	{"(?i)[a-z]", "\xc5\xbf", 1},           /* U+017F long s */
	{"(?i)[^[:lower:]]", "\xe2\x84\xaa", 0},
	{"(?i)[[:^lower:]]", "\xc5\xbf", 0},
	{"[[:^lower:]]", "\xc5\xbf", 1},
	{"\\D", "\n", 1},
	{"\\s", "\v", 0}, /* Go's \s is [\t\n\f\r ]: no \v */
	{"[[:space:]]", "\v", 1},
	{"\\S", "\v", 1},
	{"\\w", "_", 1},
	{"\\W", "_", 0},
	{"(?i)\\w", "\xe2\x84\xaa", 1},
	{"[^\\\\]", "\\", 0},
	{"^[\\012-\\234]\\141$", "\na", 1},
	{"^[\\x{41}-\\x7a]\\x61$", "za", 1},
	{"^[\\x{41}-\\x7a]\\x61$", "{a", 0},
	{"^\\.\\^\\$\\\\$", ".^$\\", 1},
	{"^[a-zABC]$", "D", 0},
	{"^[α-ε☺]+$", "βγ☺", 1},
	{"^(?:ab)*$", "ababab", 1},
	{"^(ab)*$", "aba", 0},
	{"^a(b|c)d$", "acd", 1},
	{"^(?:a+|b+)|(?:c+|d+)$", "ddd", 1},
	{"^\\Q+|*?{[\\E$", "+|*?{[", 1},
	{"^\\Q+\\E+$", "+++", 1},
	{"^\\Qab\\E+$", "abbb", 1},
	{"^\\Qab\\E+$", "abab", 0},
	{"^\\Q\\\\E$", "\\", 1},
	{"^\\Q\\\\\\E$", "\\\\", 1},
	{"^\\Qab", "abc", 1},
	{"(?m)^a$", "b\na\nc", 1},
	{"^a$", "b\na\nc", 0},
	{"(?m)\\Aa", "b\na", 0},
	{"(?m)a\\z", "a\nb", 0},
	{"(?-m)^a", "b\na", 0},
	{"(?P<name>a)", "a", 1},
	{"(?<name>a)", "a", 1},
	{"[Aa]", "A", 1},
	{"^[Aa][Bb]cd$", "aBcd", 1},
	{"^[Aa][Bb]cd$", "aBCd", 0},
	{"abc|abd|aef|bcx|bcy", "xbcyx", 1},
	{"ax+y|ax+z|ay+w", "axxz", 1},
	{"^(?:x|(?:xa))$", "xa", 1},
	{"^[\\s\\S]a$", "\na", 1},
	{"^x{2}y|x{2}[0-9]y$", "xx5y", 1},
	{"^a.*?c|a.*?b$", "azzb", 1},
	/* Anchors without (?m): ^ and $ are the ends of the text ($ is \z, not "before a final
	 * newline" as in Perl and POSIX). */
	{"a$", "a\n", 0},
	{"a\\z", "a\n", 0},
	{"\\Aa", "ba", 0},
	{"(?m)a$", "a\nb", 1},
	{"(?m)^b", "a\nb", 1},
	{"^$", "", 1},
	{"^$", "a", 0},
	{"\\b", "", 0},
	{"\\B", "", 1},
	{"\\bfoo\\b", "a foo b", 1},
	{"\\bfoo\\b", "afoob", 0},
	{"\\Bfoo", "afoo", 1},
	{"^\\b$", "", 0},
	/* "." is one UTF-8 character; invalid bytes are one U+FFFD each (Go's decoding). */
	{".", "\n", 0},
	{"(?s).", "\n", 1},
	{"(?s:.)", "\n", 1},
	{"(?s:a).", "a\n", 0},
	{"[^a]", "\n", 1},
	{"a.c", "a\nc", 0},
	{"^.$", "\xe6\x97\xa5", 1},
	{"^...$", "\xe6\x97\xa5", 0},
	{"^[^a]$", "\xe6\x97\xa5", 1},
	{"^.$", "\xff\xfe", 0},
	{"^..$", "\xff\xfe", 1},
	{"^..$", "\xe6\x97", 1},       /* a cut sequence: two invalid bytes */
	{"^..$", "\xc0\x80", 1},       /* overlong */
	{"^...$", "\xed\xa0\x80", 1},  /* surrogate */
	{"^.$", "\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF */
	{"^....$", "\xf4\x90\x80\x80", 1},
	{"\\x{10FFFF}", "\xf4\x8f\xbf\xbf", 1},
	{"\\x{1F600}", "\xf0\x9f\x98\x80", 1},
	{"^\\xe6$", "\xc3\xa6", 1},
	{"^\\xe6$", "\xe6", 0},
	{"^\\x{fffd}$", "\xe6", 1},
	/* Case folding. */
	{"(?i)hello", "HeLLo", 1},
	{"hello", "HeLLo", 0},
	{"(?i)k", "\xe2\x84\xaa", 1},
	{"(?i)\xe2\x84\xaa", "K", 1},
	{"(?i)S", "\xc5\xbf", 1},
	{"(?i:a)b", "AB", 0},
	{"(?i:a)b", "Ab", 1},
	{"a(?i)b", "aB", 1},
	{"a(?i)b", "AB", 0},
	{"(?i)a(?-i)b", "Ab", 1},
	{"(?i)a(?-i)b", "AB", 0},
	{"(?i)a|b", "B", 1},
	{"(a(?i)b)c", "aBC", 0},
	{"(a(?i)b)c", "aBc", 1},
	{"(?i)[k]", "\xe2\x84\xaa", 1},
	{"(?i)[^k]", "\xe2\x84\xaa", 0},
	{"(?i)1", "1", 1},
	/* Documented difference: Go folds non-ASCII letters too (e and E with acute accent). */
	{"(?i)\xc3\xa9", "\xc3\x89", 0},
	/* Classes. */
	{"\\d+", "abc123", 1},
	{"^\\d+$", "12a", 0},
	{"\\w+@\\w+\\.com", "me@example.com", 1},
	{"[[:alpha:]]+", "abc", 1},
	{"[[:^alpha:]]", "abc", 0},
	{"[[:word:]]", "_", 1},
	{"[[:punct:]]", "~", 1},
	{"[[:xdigit:]]", "g", 0},
	{"[a[:digit:]]", "5", 1},
	{"[]a]", "]", 1},
	{"[^]a]", "]", 0},
	{"[^]a]", "b", 1},
	{"[a-]", "-", 1},
	{"[-a]", "-", 1},
	{"[a-b-c]", "-", 1},
	{"[\\d]", "5", 1},
	{"[\\-]", "-", 1},
	{"[[]", "[", 1},
	{"[[:]]", ":]", 1},
	{"^[^\\x00-\\x{10FFFF}]", "a", 0},
	{"[\\x00-\\x{10FFFF}]", "\xff", 1},
	/* Escapes. */
	{"\\x41", "A", 1},
	{"\\x{41}", "A", 1},
	{"\\101", "A", 1},
	{"\\012", "\n", 1},
	{"\\_", "_", 1},
	{"\\/", "/", 1},
	{"\\Q.*\\E", ".*", 1},
	{"\\Q.*\\E", "ab", 0},
	{"a\\Q*\\E", "a*", 1},
	{"a\\Q\\E*", "aaa", 1}, /* * applies to a */
	{"a(?i)*", "", 1},      /* and here too */
	/* Repetition. */
	{"a{2}", "a", 0},
	{"a{2}", "aa", 1},
	{"^a{2,3}$", "aaaa", 0},
	{"^a{2,3}$", "aaa", 1},
	{"^a{2,}$", "a", 0},
	{"^a{2,}$", "aaaaa", 1},
	{"^a{0}$", "", 1},
	{"^a{0}$", "a", 0},
	{"^a{0,2}$", "aa", 1},
	{"^a{0,2}$", "aaa", 0},
	{"^(ab){1,2}$", "abab", 1},
	{"^(ab){1,2}$", "ababab", 0},
	{"^(a|b){3}$", "aba", 1},
	{"^(?:a*){2,}$", "aaa", 1},
	{"^(?:\\b){2}x", "x", 1},
	{"x{", "x{", 1},
	{"^(?:a|b)*?c$", "ababc", 1},
	{"a+?", "a", 1},
	{"^a??b$", "b", 1},
	{"^a{2}?$", "aa", 1},
	{"(?U)a+", "a", 1},
	{"^(a|ab)(c|bcd)(d*)$", "abcd", 1},
	{"(a*)*b", "aaaa", 0},
	{"(a*)*b", "aaab", 1},
	{"(a|a)*b", "aaaa", 0},
	{"^(?:(?:a*)*)*$", "aaa", 1},
	{"^(?:a|)$", "", 1},
	{"(|)", "", 1},
	{"^\\^\\$$", "^$", 1},
	{"a|b|c", "c", 1},
	{"^(?:a|b|c)$", "d", 0},
	{"^(a(b(c)))$", "abc", 1},
	{"^(?:$|a)b", "ab", 1},
	{"^(?:$|a)b", "b", 0},
	/* A typical identity policy. */
	{"^https://github\\.com/sigstore/[^/]+/\\.github/workflows/.+@refs/heads/main$",
		"https://github.com/sigstore/cosign/.github/workflows/release.yml@refs/heads/main", 1},
	{"^https://github\\.com/sigstore/[^/]+/\\.github/workflows/.+@refs/heads/main$",
		"https://github.com/sigstore/cosign/x/.github/workflows/r.yml@refs/heads/main", 0},
	{"^https://github\\.com/sigstore/[^/]+/\\.github/workflows/.+@refs/heads/main$",
		"https://github.com/sigstore/cosign/.github/workflows/r.yml@refs/heads/main\n", 0},
	{"@example\\.com$", "alice@example.com", 1},
	{"@example\\.com$", "alice@example.com.evil", 0},
	{"example\\.com", "https://evil.example/example.com", 1},
};

static void
test_matches(void)
{
	for (size_t i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
		const mcase *c = &match_cases[i];
		int got = match(c->pat, c->text);
		CHECK(got == c->want);
		if (got != c->want)
			fprintf(stderr, "  pattern %s on \"%s\": got %d, want %d\n", c->pat, c->text,
				got, c->want);
	}
	/* Bytes with NUL inside: they are ordinary characters. */
	CHECK_OK(compile_n("\\x{fffd}", 8, NULL));
	CHECK(search_n("\xc2\x00", 2) == 1); /* Go: C2 before 00 is an invalid byte */
	CHECK_OK(compile_n("^a\\x00b$", 8, NULL));
	CHECK(search_n("a\0b", 3) == 1);
	CHECK(search_n("a\0c", 3) == 0);
	CHECK_OK(compile_n("^a.b$", 5, NULL));
	CHECK(search_n("a\0b", 3) == 1);
	CHECK_OK(compile_n("a\0b", 3, NULL)); /* a NUL in the pattern is a literal */
	CHECK(search_n("xa\0b", 4) == 1);
	CHECK(search_n("ab", 2) == 0);
	CHECK_OK(compile_n("^abc$", 5, NULL));
	CHECK(search_n("abc\0", 4) == 0); /* a NUL does not end the text */
	CHECK_OK(compile_n("^\\08$", 5, NULL)); /* octal \0, then "8" */
	CHECK(search_n("\0" "8", 2) == 1);
	/* Go parse_test.go: ten nested {2} make 2^9 = 512 copies of x (and 2^10 is too many). */
	static const char nest[] = "^((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))$";
	static char xs[513];
	memset(xs, 'x', 512);
	CHECK_OK(compile_n(nest, strlen(nest), NULL));
	CHECK(search_n(xs, 512) == 1 && search_n(xs, 511) == 0);
	/* A zeroed (never compiled or failed) program never matches. */
	memset(&re, 0, sizeof re);
	CHECK(sg_regex_search(&re, (const uint8_t *)"", 0) == 0);
	CHECK(sg_regex_search(&re, (const uint8_t *)"a", 1) == 0);
	/* NULL text of length 0 is the empty text. */
	CHECK_OK(compile_n("^$", 2, NULL));
	CHECK(sg_regex_search(&re, NULL, 0) == 1);
}

typedef struct ecase {
	const char *pat;
	const char *msg; /* Go's Error.Error() */
} ecase;

static const ecase error_cases[] = {
	/* Go parse_test.go invalidRegexps, with the messages Go gives for them. */
	{"(", "missing closing ): `(`"},
	{")", "unexpected ): `)`"},
	{"(a", "missing closing ): `(a`"},
	{"a)", "unexpected ): `a)`"},
	{"(a))", "unexpected ): `(a))`"},
	{"(a|b|", "missing closing ): `(a|b|`"},
	{"a|b|)", "unexpected ): `a|b|)`"},
	{"(a|b|))", "unexpected ): `(a|b|))`"},
	{"(a|b", "missing closing ): `(a|b`"},
	{"a|b)", "unexpected ): `a|b)`"},
	{"(a|b))", "unexpected ): `(a|b))`"},
	{"[a-z", "missing closing ]: `[a-z`"},
	{"([a-z)", "missing closing ]: `[a-z)`"},
	{"[a-z)", "missing closing ]: `[a-z)`"},
	{"([a-z]))", "unexpected ): `([a-z]))`"},
	{"x{1001}", "invalid repeat count: `{1001}`"},
	{"x{9876543210}", "invalid repeat count: `{9876543210}`"},
	{"x{2,1}", "invalid repeat count: `{2,1}`"},
	{"x{1,9876543210}", "invalid repeat count: `{1,9876543210}`"},
	{"\xff", "invalid UTF-8: `\xff`"},
	{"[\xff]", "invalid UTF-8: `\xff]`"},
	{"[\\\xff]", "invalid UTF-8: `\xff]`"},
	{"\\\xff", "invalid UTF-8: `\xff`"},
	{"(?P<name>a", "missing closing ): `(?P<name>a`"},
	{"(?P<name>", "missing closing ): `(?P<name>`"},
	{"(?P<name", "invalid named capture: `(?P<name`"},
	{"(?P<x y>a)", "invalid named capture: `(?P<x y>`"},
	{"(?P<>a)", "invalid named capture: `(?P<>`"},
	{"(?<name>a", "missing closing ): `(?<name>a`"},
	{"(?<name>", "missing closing ): `(?<name>`"},
	{"(?<name", "invalid named capture: `(?<name`"},
	{"(?<x y>a)", "invalid named capture: `(?<x y>`"},
	{"(?<>a)", "invalid named capture: `(?<>`"},
	{"[a-Z]", "invalid character class range: `a-Z`"},
	{"(?i)[a-Z]", "invalid character class range: `a-Z`"},
	{"\\Q\\E*", "missing argument to repetition operator: `*`"},
	{"a{100000}", "invalid repeat count: `{100000}`"},
	{"a{100000,}", "invalid repeat count: `{100000,}`"},
	{"((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})", "invalid repeat count: `{2}`"},
	/* Go parse_test.go onlyPOSIX: stacked repetition is an error in Perl mode. */
	{"a++", "invalid nested repetition operator: `++`"},
	{"a**", "invalid nested repetition operator: `**`"},
	{"a?*", "invalid nested repetition operator: `?*`"},
	{"a+*", "invalid nested repetition operator: `+*`"},
	{"a{1}*", "invalid nested repetition operator: `{1}*`"},
	{".{1}{2}.{3}", "invalid nested repetition operator: `{1}{2}`"},
	{"a*??", "invalid nested repetition operator: `*??`"},
	/* More of Go's rules. */
	{"*", "missing argument to repetition operator: `*`"},
	{"*?", "missing argument to repetition operator: `*?`"},
	{"**", "missing argument to repetition operator: `*`"},
	{"(*)", "missing argument to repetition operator: `*`"},
	{"a|*", "missing argument to repetition operator: `*`"},
	{"(?i)*", "missing argument to repetition operator: `*`"},
	{"{2}", "missing argument to repetition operator: `{2}`"},
	{"(a{2}){600}", "invalid repeat count: `{600}`"},
	{"(?:a{2}?){501}?", "invalid repeat count: `{501}?`"},
	{"\\1", "invalid escape sequence: `\\1`"},
	{"(a)\\1", "invalid escape sequence: `\\1`"},
	{"\\8", "invalid escape sequence: `\\8`"},
	{"\\C", "invalid escape sequence: `\\C`"},
	{"\\Z", "invalid escape sequence: `\\Z`"},
	{"\\q", "invalid escape sequence: `\\q`"},
	{"\\\xc3\xa9", "invalid escape sequence: `\\\xc3\xa9`"},
	{"a\\", "trailing backslash at end of expression: ``"},
	{"\\x", "invalid escape sequence: `\\x`"},
	{"\\xZ1", "invalid escape sequence: `\\xZ1`"},
	{"\\x1", "invalid escape sequence: `\\x1`"},
	{"\\x{", "invalid escape sequence: `\\x{`"},
	{"\\x{}", "invalid escape sequence: `\\x{}`"},
	{"\\x{12", "invalid escape sequence: `\\x{12`"},
	{"\\x{1g}", "invalid escape sequence: `\\x{1g`"},
	{"\\x{110000}", "invalid escape sequence: `\\x{110000`"},
	{"[\\b]", "invalid escape sequence: `\\b`"},
	{"[\\A]", "invalid escape sequence: `\\A`"},
	{"(?=a)", "invalid or unsupported Perl syntax: `(?=`"},
	{"(?!a)", "invalid or unsupported Perl syntax: `(?!`"},
	{"(?<=a)", "invalid named capture: `(?<=a)`"},
	{"(?<!a)", "invalid named capture: `(?<!a)`"},
	{"(?z)", "invalid or unsupported Perl syntax: `(?z`"},
	{"(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"},
	{"(?-)", "invalid or unsupported Perl syntax: `(?-)`"},
	{"(?--i)", "invalid or unsupported Perl syntax: `(?--`"},
	{"(?P=n)", "invalid or unsupported Perl syntax: `(?P`"},
	{"(?P>n)", "invalid or unsupported Perl syntax: `(?P`"},
	{"(?", "invalid or unsupported Perl syntax: `(?`"},
	{"(?i", "invalid or unsupported Perl syntax: `(?i`"},
	{"(?#c)", "invalid or unsupported Perl syntax: `(?#`"},
	{"\\p{Foo}", "invalid character class range: `\\p{Foo}`"},
	{"\\p{Foo", "invalid character class range: `\\p{Foo`"},
	{"\\p", "invalid character class range: `\\p`"},
	{"[[:foo:]]", "invalid character class range: `[:foo:]`"},
	{"[[:^foo:]]", "invalid character class range: `[:^foo:]`"},
	{"[z-a]", "invalid character class range: `z-a`"},
	{"[a", "missing closing ]: `[a`"},
	{"[]", "missing closing ]: `[]`"},
	{"[^]", "missing closing ]: `[^]`"},
	{"[a-", "missing closing ]: `[a-`"},
	{"[[:alpha:]", "missing closing ]: `[[:alpha:]`"},
	{"x{2}{3}", "invalid nested repetition operator: `{2}{3}`"},
	/* Our difference: no Unicode classes (Go accepts \pL; it fails closed here). */
	{"\\pL", "invalid character class range: `\\pL`"},
	{"[\\p{Greek}]", "invalid character class range: `\\p{Greek}`"},
	/* Our size bound (Go's is far higher): counted repetitions are expanded. */
	{"(?:abcde){1000}", "expression too large: `(?:abcde){1000}`"},
	{"[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}",
		"expression too large: `[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}`"},
};

static void
test_errors(void)
{
	for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
		const ecase *c = &error_cases[i];
		sg_diag d;
		char want[SG_DIAG_DETAIL_MAX];
		sg_diag_init(&d, NULL);
		snprintf(want, sizeof want, "error parsing regexp: %s", c->msg);
		CHECK_ERR(compile_n(c->pat, strlen(c->pat), &d), SG_ERR_POLICY_REGEX);
		CHECK(strcmp(d.detail, want) == 0);
		if (strcmp(d.detail, want) != 0)
			fprintf(stderr, "  pattern %s: got \"%s\", want \"%s\"\n", c->pat, d.detail,
				want);
		/* Failure leaves a program that never matches. */
		CHECK(re.n == 0 && sg_regex_search(&re, (const uint8_t *)"", 0) == 0);
	}
	/* The message reads as Go's when formatted. */
	sg_diag d;
	char msg[SG_DIAG_DETAIL_MAX];
	sg_diag_init(&d, NULL);
	CHECK_ERR(compile_n("(a", 2, &d), SG_ERR_POLICY_REGEX);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "error parsing regexp: missing closing ): `(a`") == 0);
	/* A NUL cannot end the pattern early: "(" then NUL is still an open group. */
	CHECK_ERR(compile_n("(\0)", 2, NULL), SG_ERR_POLICY_REGEX);
	CHECK_OK(compile_n("(\0)", 3, NULL));
	/* NULL pattern of length 0 is the empty pattern. */
	CHECK_OK(sg_regex_compile(NULL, 0, &re, NULL));
	CHECK(sg_regex_search(&re, (const uint8_t *)"x", 1) == 1);
}

static void
test_limits(void)
{
	static char pat[SG_MAX_REGEX_PATTERN + 2];
	sg_diag d;
	/* Pattern length. */
	memset(pat, 'a', sizeof pat);
	CHECK_OK(compile_n(pat, SG_MAX_REGEX_PATTERN, NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(compile_n(pat, SG_MAX_REGEX_PATTERN + 1, &d), SG_ERR_POLICY_REGEX);
	CHECK(strncmp(d.detail, "error parsing regexp: expression too large: `aaaa", 48) == 0);
	/* Repeat counts: 1000 is the largest, also as a product of nested counts. */
	CHECK_OK(compile_n("a{1000}", 7, NULL));
	CHECK(search_n(pat, 1000) == 1 && search_n(pat, 999) == 0);
	CHECK_OK(compile_n("^a{1000}$", 9, NULL));
	CHECK(search_n(pat, 1000) == 1 && search_n(pat, 1001) == 0);
	CHECK_OK(compile_n("(a{2}){500}", 11, NULL));
	CHECK_ERR(compile_n("(?:a{0}){1000}{0}", 17, NULL), SG_ERR_POLICY_REGEX);
	CHECK_OK(compile_n("(?:(?:a){1000}){0}", 18, NULL));
	CHECK_OK(compile_n("(?:(?:a){1000})*", 16, NULL));
	CHECK_OK(compile_n("(?:(?:a){1000}){1}", 18, NULL));
	CHECK_OK(compile_n("(?:(?:a){1000}){0,}", 19, NULL));
	CHECK_ERR(compile_n("(?:(?:a){1000}){0,2}", 20, NULL), SG_ERR_POLICY_REGEX);
	CHECK_ERR(compile_n("(?:(?:a){1000}){2,}", 19, NULL), SG_ERR_POLICY_REGEX);
	/* The instruction bound: a{1000} four times fits, five times does not. */
	CHECK_OK(compile_n("a{1000}b{1000}c{1000}d{1000}", 28, NULL));
	CHECK_ERR(compile_n("a{1000}b{1000}c{1000}d{1000}e{1000}", 35, NULL),
		SG_ERR_POLICY_REGEX);
	/* Deep nesting: as deep as the length allows (512 groups in 1024 bytes). */
	for (size_t i = 0; i < 512; i++) {
		pat[i] = '(';
		pat[512 + i] = ')';
	}
	CHECK_OK(compile_n(pat, 1024, NULL));
	CHECK(search_n("", 0) == 1);
	pat[1023] = 'b';
	sg_diag_init(&d, NULL);
	CHECK_ERR(compile_n(pat, 1024, &d), SG_ERR_POLICY_REGEX);
	CHECK(strncmp(d.detail, "error parsing regexp: missing closing ): `((((", 42) == 0);
	pat[0] = 'a';
	pat[1023] = ')';
	sg_diag_init(&d, NULL);
	CHECK_ERR(compile_n(pat, 1024, &d), SG_ERR_POLICY_REGEX);
	CHECK(strncmp(d.detail, "error parsing regexp: unexpected ): `a(((", 41) == 0);
	/* Many classes: the range table holds them (each pattern byte adds at most ~2). */
	size_t n = 0;
	while (n + 8 <= SG_MAX_REGEX_PATTERN) {
		memcpy(pat + n, "(?i)[ak]", 8);
		n += 8;
	}
	CHECK_OK(compile_n(pat, n, NULL));
	static char ks[128 * 3];
	for (size_t k = 0; k < 128; k++)
		memcpy(ks + 3 * k, "\xe2\x84\xaa", 3);
	CHECK(search_n(ks, n / 8 * 3) == 1 && search_n(ks, n / 8 * 3 - 3) == 0);
	/* One class with many single characters, folded: still fits. */
	n = 0;
	memcpy(pat, "(?i)[", 5);
	n = 5;
	for (unsigned c = 0x100; n + 4 < SG_MAX_REGEX_PATTERN; c += 2) {
		pat[n++] = (char)(0xC0 | (c >> 6));
		pat[n++] = (char)(0x80 | (c & 0x3F));
		if (c >= 0x7FE)
			break;
	}
	pat[n++] = ']';
	CHECK_OK(compile_n(pat, n, NULL));
	CHECK(search_n("\xc4\x82", 2) == 1 && search_n("\xc4\x81", 2) == 0);
}

/* Inputs that take exponential time in a backtracking matcher; here each is one pass. */
static void
test_linear(void)
{
	static char text[4097];
	memset(text, 'a', 4096);
	static const char *const pats[] = {"(a*)*b", "(a|a)*b", "(a+)+b", "(a|aa)*c",
		"^(a?){100}a{100}$", "(.*)*x", "(?:a*)*(?:a*)*(?:a*)*$b", "(x+x+)+y",
		"^(\\w+\\s?)*!$", "(?:(?:(?:a*)*)*)*b"};
	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		CHECK_OK(compile_n(pats[i], strlen(pats[i]), NULL));
		CHECK(search_n(text, 4096) == 0);
	}
	CHECK_OK(compile_n("^(a?){100}a{100}$", 17, NULL));
	CHECK(search_n(text, 100) == 1 && search_n(text, 200) == 1 && search_n(text, 201) == 0);
	/* A large program on a long text: 4096 x ~3000 steps, still quick. */
	CHECK_OK(compile_n("[a-q][^u-z]{1000}x", 18, NULL));
	CHECK(search_n(text, 4096) == 0);
	text[4095] = 'x';
	CHECK(search_n(text, 4096) == 1);
}

/* Every prefix of a valid pattern compiles or fails cleanly, twice the same way. */
static void
test_prefixes(void)
{
	static const char *const pats[] = {
		"^https://github\\.com/(?P<org>[^/]+)/\\.github/workflows/.+@refs/(?:heads|tags)/v\\d+$",
		"(?i:[[:alpha:]\\d_-]{2,5}?)\\x{263a}\\Q*+\\E|\\bx\\B(?s:.)*$",
		"[^\\x00-\\x1f\\\\\\]a-]\\012\\0\\x41(?m)^$(?U)a+?(?-m)\\A\\z",
	};
	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		size_t len = strlen(pats[i]);
		for (size_t k = 0; k <= len; k++) {
			sg_err e1 = compile_n(pats[i], k, NULL);
			int m1 = search_n("https://github.com/x/.github/workflows/a@refs/heads/v1", 53);
			sg_err e2 = compile_n(pats[i], k, NULL);
			int m2 = search_n("https://github.com/x/.github/workflows/a@refs/heads/v1", 53);
			CHECK(e1 == e2 && m1 == m2 && (e1 == SG_OK || e1 == SG_ERR_POLICY_REGEX));
		}
		CHECK_OK(compile_n(pats[i], len, NULL));
	}
}

/* ---- differential test against glibc POSIX ERE ---- */

static uint32_t rng_state = 0x12345678u;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state % n;
}

static void gen_alt(char *out, size_t *n, int depth);

/* An atom of the syntax RE2 and POSIX ERE share with the same meaning on text without
 * newlines: no empty groups, no repeated anchors, no backreferences. */
static void
gen_atom(char *out, size_t *n, int depth, int *anchor)
{
	static const char *const atoms[] = {"a", "b", "c", ".", "[ab]", "[^a]", "[a-c]", "[^bc]",
		"\\.", "ab", "[[:alpha:]]", "[[:digit:]]", "d"};
	*anchor = 0;
	uint32_t k = rnd(16);
	if (k < 13) {
		const char *a = atoms[k];
		memcpy(out + *n, a, strlen(a));
		*n += strlen(a);
	} else if (k < 15 && depth < 3) {
		out[(*n)++] = '(';
		gen_alt(out, n, depth + 1);
		out[(*n)++] = ')';
	} else if (depth == 0) {
		/* glibc mishandles anchors inside repeated groups ("d(aa|^){2}" matches "daa"),
		 * so anchors stay at the top level. */
		out[(*n)++] = rnd(2) ? '^' : '$';
		*anchor = 1;
	} else {
		out[(*n)++] = 'c';
	}
}

static void
gen_piece(char *out, size_t *n, int depth)
{
	static const char *const quants[] = {"", "", "", "*", "+", "?", "{2}", "{1,2}", "{0,1}",
		"{2,}"};
	int anchor;
	gen_atom(out, n, depth, &anchor);
	if (anchor)
		return;
	const char *q = quants[rnd(10)];
	memcpy(out + *n, q, strlen(q));
	*n += strlen(q);
}

static void
gen_alt(char *out, size_t *n, int depth)
{
	uint32_t branches = 1 + rnd(depth == 0 ? 3 : 2);
	for (uint32_t b = 0; b < branches; b++) {
		if (b > 0)
			out[(*n)++] = '|';
		uint32_t pieces = 1 + rnd(3);
		for (uint32_t i = 0; i < pieces; i++)
			gen_piece(out, n, depth);
	}
}

#ifdef HAVE_POSIX_REGEX
static void
test_differential_posix(void)
{
	static const char *const fixed[] = {"^https://[a-z.]+/acme/(app|lib)$", "x(a|ab)(c|bcd)d",
		"^(a+|b)*c?$", "[[:space:]]", "[^[:alnum:]_.-]", "a{2,3}b{0,1}$", "(^|/)\\.\\./"};
	static const char *const texts[] = {"https://ci.example/acme/app", "xabcdd", "aabbc",
		"a b", "a.b-c_d", "aaab", "x/../y", "", "abc", "ca"};
	char pat[512];
	size_t agree = 0, total = 0;
	for (int round = 0; round < 2500; round++) {
		size_t n = 0;
		if (round < (int)(sizeof fixed / sizeof fixed[0])) {
			n = strlen(fixed[round]);
			memcpy(pat, fixed[round], n);
		} else {
			gen_alt(pat, &n, 0);
		}
		pat[n] = '\0';
		regex_t posix;
		if (regcomp(&posix, pat, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		CHECK_OK(compile_n(pat, n, NULL));
		for (int t = 0; t < 12; t++) {
			char text[16];
			const char *tx;
			if (t < 4) {
				tx = texts[rnd(sizeof texts / sizeof texts[0])];
			} else {
				size_t len = rnd(8);
				for (size_t k = 0; k < len; k++)
					text[k] = "abcd.1 "[rnd(7)];
				text[len] = '\0';
				tx = text;
			}
			int want = regexec(&posix, tx, 0, NULL, 0) == 0;
			int got = search_n(tx, strlen(tx));
			total++;
			agree += got == want;
			if (got != want)
				fprintf(stderr, "  differs from POSIX: pattern %s on \"%s\": %d vs %d\n",
					pat, tx, got, want);
		}
		regfree(&posix);
	}
	CHECK(total > 20000);
	CHECK(agree == total);
}
#else
static void
test_differential_posix(void)
{
	TEST_SKIP("no /usr/include/regex.h");
}
#endif

int
main(void)
{
	test_matches();
	test_errors();
	test_limits();
	test_linear();
	test_prefixes();
	test_differential_posix();
	guard_release();
	return test_finish();
}
