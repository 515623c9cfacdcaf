/* test_vfj: unit tests for vfj, plus the JSONTestSuite conformance run.
 *
 * Usage: test_vfj [DIR]             run everything; DIR is JSONTestSuite's test_parsing folder
 *                                   (default $SG_VECTORS/JSONTestSuite/test_parsing, else
 *                                   ../shared/vectors/JSONTestSuite/test_parsing)
 *        test_vfj --i-table [DIR]   print the docs/json.md table of i_ file outcomes
 *
 * The last line of output is "N passed, N failed"; the exit status is non-zero on any failure.
 * Inputs are placed just before a PROT_NONE page, so any over-read crashes. */
#include "vfj.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the tiny runner (style.md §6; this library may not use tests/runner.h) ---- */

static unsigned long passed, failed;

#define CHECK(cond) \
	do { \
		if (cond) { \
			passed++; \
		} else { \
			failed++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_ERR(expr, want) \
	do { \
		vfj_err got_ = (expr); \
		if (got_ == (want)) { \
			passed++; \
		} else { \
			failed++; \
			fprintf(stderr, "FAIL %s:%d: %s gave %d (%s), want %s\n", __FILE__, \
				__LINE__, #expr, (int)got_, vfj_err_str(got_), #want); \
		} \
	} while (0)

/* A string literal as (bytes, length), embedded NULs included. */
#define L(s) (const uint8_t *)("" s ""), (sizeof(s) - 1)
/* A string literal copied before the guard page, as (bytes, length). */
#define G(s) guarded(L(s)), (sizeof(s) - 1)
/* A static char array holding a string, as (bytes, length). */
#define A(a) (const uint8_t *)(a), (sizeof(a) - 1)
#define GA(a) guarded(A(a)), (sizeof(a) - 1)

/* ---- guarded input ---- */

#define GUARD_MAX ((size_t)1 << 20)

static uint8_t *guard_region; /* GUARD_MAX readable bytes followed by a PROT_NONE page */

static int
guard_init(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/dev/zero", O_RDWR);
	if (pg <= 0 || fd < 0)
		return -1;
	size_t page = (size_t)pg;
	void *m = mmap(NULL, GUARD_MAX + page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	guard_region = m;
	if (mprotect(guard_region + GUARD_MAX, page, PROT_NONE) != 0)
		return -1;
	return 0;
}

/* Copy `n` bytes so that they end right at the guard page. */
static const uint8_t *
guarded(const uint8_t *p, size_t n)
{
	if (n > GUARD_MAX) {
		fprintf(stderr, "guarded: input too large\n");
		exit(2);
	}
	uint8_t *dst = guard_region + GUARD_MAX - n;
	if (n > 0)
		memmove(dst, p, n);
	return dst;
}

/* ---- helpers ---- */

#define NTOKS 70000
static vfj_token toks[NTOKS];
static vfj_token toks2[NTOKS];
static uint8_t obuf[1 << 20];
static uint8_t obuf2[1 << 20];

static vfj_err
parse(const uint8_t *s, size_t n, vfj_doc *d, size_t *off)
{
	return vfj_parse(guarded(s, n), n, toks, NTOKS, NULL, d, off);
}

/* Parse and report only the error; `*off` gets the error offset. */
static vfj_err
perr(const uint8_t *s, size_t n, size_t *off)
{
	vfj_doc d;
	size_t o = 0;
	vfj_err e = parse(s, n, &d, &o);
	if (off != NULL)
		*off = o;
	return e;
}

static vfj_err
perr0(const uint8_t *s, size_t n)
{
	return perr(s, n, NULL);
}

/* Canonicalize into obuf; returns the error, the text in obuf[0..*len). */
static vfj_err
canon(const uint8_t *s, size_t n, size_t *len)
{
	return vfj_canonicalize(guarded(s, n), n, obuf, sizeof obuf, len, toks, NTOKS, NULL, NULL);
}

/* True when canonicalizing `in` gives exactly `want`. */
static bool
canon_is(const uint8_t *in, size_t n, const uint8_t *want, size_t wn)
{
	size_t len = 0;
	vfj_err e = canon(in, n, &len);
	if (e != VFJ_OK) {
		fprintf(stderr, "  canonicalize: %s\n", vfj_err_str(e));
		return false;
	}
	if (len != wn || memcmp(obuf, want, wn) != 0) {
		fprintf(stderr, "  canonical: got %.*s\n", (int)len, (const char *)obuf);
		return false;
	}
	return true;
}

/* Writer output as a comparison: finish and compare with `want`. */
static bool
w_is(vfj_writer *w, const char *want)
{
	size_t len = 0;
	vfj_err e = vfj_w_finish(w, &len);
	if (e != VFJ_OK) {
		fprintf(stderr, "  writer: %s\n", vfj_err_str(e));
		return false;
	}
	if (len != strlen(want) || memcmp(w->buf, want, len) != 0) {
		fprintf(stderr, "  writer: got %.*s\n", (int)len, (const char *)w->buf);
		return false;
	}
	return true;
}

/* ---- tests ---- */

static void
test_err_str(void)
{
	for (int i = 0; i < VFJ_ERR_COUNT; i++) {
		const char *m = vfj_err_str((vfj_err)i);
		CHECK(m != NULL && strcmp(m, "unknown error") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(m, vfj_err_str((vfj_err)j)) != 0);
	}
	CHECK(strcmp(vfj_err_str((vfj_err)VFJ_ERR_COUNT), "unknown error") == 0);
	CHECK(strcmp(vfj_err_str((vfj_err)-1), "unknown error") == 0);
}

static void
test_accept(void)
{
	static const char *const ok[] = {
		"{}", "[]", "0", "-0", "1", "-1", "1.5", "-1.5e10", "1E+2", "1e-2", "0.0", "0e0",
		"true", "false", "null", "\"\"", " \t\r\n[ 1 , 2 ]\n", "{\"a\":[{\"b\":null}]}",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\uFFFF\\ud83d\\ude00\"", "\"\x7f\"",
		"\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"",
		"\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"", "[[[]]]", "{\"\":0}",
		"12345678901234567890123456789012345678901234567890",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		size_t off = 99;
		vfj_err e = perr((const uint8_t *)ok[i], strlen(ok[i]), &off);
		CHECK_ERR(e, VFJ_OK);
		CHECK(off == 0);
		if (e != VFJ_OK)
			fprintf(stderr, "  input: %s\n", ok[i]);
	}
}

struct bad {
	const char *in;
	size_t len;
	vfj_err want;
	size_t off;
};

#define BAD(s, e, o) { s, sizeof(s) - 1, e, o }

static void
test_reject(void)
{
	static const struct bad bad[] = {
		/* syntax */
		BAD("[1,]", VFJ_ERR_SYNTAX, 3),
		BAD("{\"a\":1,}", VFJ_ERR_SYNTAX, 7),
		BAD("[,1]", VFJ_ERR_SYNTAX, 1),
		BAD("[1 2]", VFJ_ERR_SYNTAX, 3),
		BAD("{\"a\" 1}", VFJ_ERR_SYNTAX, 5),
		BAD("{\"a\"::1}", VFJ_ERR_SYNTAX, 5),
		BAD("{1:1}", VFJ_ERR_SYNTAX, 1),
		BAD("{'a':1}", VFJ_ERR_SYNTAX, 1),
		BAD("['a']", VFJ_ERR_SYNTAX, 1),
		BAD("[+1]", VFJ_ERR_SYNTAX, 1),
		BAD("+1", VFJ_ERR_SYNTAX, 0),
		BAD(".5", VFJ_ERR_SYNTAX, 0),
		BAD("[.5]", VFJ_ERR_SYNTAX, 1),
		BAD("[True]", VFJ_ERR_SYNTAX, 1),
		BAD("[nul]", VFJ_ERR_SYNTAX, 1),
		BAD("[truefalse]", VFJ_ERR_SYNTAX, 5),
		BAD("[NaN]", VFJ_ERR_SYNTAX, 1),
		BAD("[Infinity]", VFJ_ERR_SYNTAX, 1),
		BAD("abc", VFJ_ERR_SYNTAX, 0),
		BAD("[1,/*c*/2]", VFJ_ERR_SYNTAX, 3),
		BAD("\xef\xbb\xbf{}", VFJ_ERR_SYNTAX, 0),
		BAD("[\f]", VFJ_ERR_SYNTAX, 1),
		BAD("[1}", VFJ_ERR_SYNTAX, 2),
		BAD("{\"a\":1]", VFJ_ERR_SYNTAX, 6),
		BAD("]", VFJ_ERR_SYNTAX, 0),
		BAD("[\x00]", VFJ_ERR_SYNTAX, 1),
		/* truncated */
		BAD("", VFJ_ERR_TRUNCATED, 0),
		BAD("  \n", VFJ_ERR_TRUNCATED, 3),
		BAD("[", VFJ_ERR_TRUNCATED, 1),
		BAD("{\"a\":", VFJ_ERR_TRUNCATED, 5),
		BAD("\"abc", VFJ_ERR_TRUNCATED, 4),
		BAD("tru", VFJ_ERR_TRUNCATED, 3),
		BAD("-", VFJ_ERR_TRUNCATED, 1),
		BAD("1.", VFJ_ERR_TRUNCATED, 2),
		BAD("1e", VFJ_ERR_TRUNCATED, 2),
		BAD("1e+", VFJ_ERR_TRUNCATED, 3),
		BAD("\"\\u12", VFJ_ERR_TRUNCATED, 5),
		BAD("\"\\ud800\\", VFJ_ERR_TRUNCATED, 8),
		BAD("\"\xe2\x82", VFJ_ERR_TRUNCATED, 3),
		/* trailing */
		BAD("{} x", VFJ_ERR_TRAILING, 3),
		BAD("1 2", VFJ_ERR_TRAILING, 2),
		BAD("[]]", VFJ_ERR_TRAILING, 2),
		BAD("null\x00", VFJ_ERR_TRAILING, 4),
		BAD("[1]//c", VFJ_ERR_TRAILING, 3),
		BAD("{}{}", VFJ_ERR_TRAILING, 2),
		BAD("0x1", VFJ_ERR_TRAILING, 1),
		/* UTF-8 */
		BAD("[\"\xc0\xaf\"]", VFJ_ERR_UTF8, 2),           /* overlong '/' */
		BAD("[\"\xc1\xbf\"]", VFJ_ERR_UTF8, 2),           /* overlong */
		BAD("[\"\xe0\x80\xaf\"]", VFJ_ERR_UTF8, 2),       /* overlong 3-byte */
		BAD("[\"\xf0\x80\x80\xaf\"]", VFJ_ERR_UTF8, 2),   /* overlong 4-byte */
		BAD("[\"\xed\xa0\x80\"]", VFJ_ERR_UTF8, 2),       /* U+D800 encoded */
		BAD("[\"\xed\xbf\xbf\"]", VFJ_ERR_UTF8, 2),       /* U+DFFF encoded */
		BAD("[\"\xf4\x90\x80\x80\"]", VFJ_ERR_UTF8, 2),   /* U+110000 */
		BAD("[\"\xf5\x80\x80\x80\"]", VFJ_ERR_UTF8, 2),
		BAD("[\"\xff\"]", VFJ_ERR_UTF8, 2),
		BAD("[\"\x80\"]", VFJ_ERR_UTF8, 2),               /* lone continuation */
		BAD("[\"\xc3\x28\"]", VFJ_ERR_UTF8, 2),           /* bad continuation */
		BAD("[\"\xe2\x82\"]", VFJ_ERR_UTF8, 2),           /* truncated sequence */
		BAD("[\"a\xf0\x9f\x98\"]", VFJ_ERR_UTF8, 3),
		BAD("[\"\xfc\x83\xbf\xbf\xbf\xbf\"]", VFJ_ERR_UTF8, 2), /* 6-byte form */
		/* escapes */
		BAD("[\"\\x41\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"\\'\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"\\U0041\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"\\u12\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"\\u12G4\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"\\ud800\"]", VFJ_ERR_ESCAPE, 2),          /* lone high */
		BAD("[\"\\udc00\"]", VFJ_ERR_ESCAPE, 2),          /* lone low */
		BAD("[\"\\udc00\\ud800\"]", VFJ_ERR_ESCAPE, 2),   /* mis-ordered */
		BAD("[\"\\ud800\\ud800\"]", VFJ_ERR_ESCAPE, 2),   /* high, high */
		BAD("[\"\\ud800\\u0041\"]", VFJ_ERR_ESCAPE, 2),   /* high, BMP */
		BAD("[\"\\ud800\\n\"]", VFJ_ERR_ESCAPE, 2),       /* high, other escape */
		BAD("[\"\\ud800x\"]", VFJ_ERR_ESCAPE, 2),
		BAD("[\"a\\\xc3\xa9\"]", VFJ_ERR_ESCAPE, 3),
		BAD("{\"\\udfaa\":0}", VFJ_ERR_ESCAPE, 2),
		/* control characters */
		BAD("[\"a\tb\"]", VFJ_ERR_CONTROL_CHAR, 3),
		BAD("[\"a\nb\"]", VFJ_ERR_CONTROL_CHAR, 3),
		BAD("[\"\x00\"]", VFJ_ERR_CONTROL_CHAR, 2),
		BAD("[\"\x1f\"]", VFJ_ERR_CONTROL_CHAR, 2),
		BAD("{\"a\x01\":1}", VFJ_ERR_CONTROL_CHAR, 3),
		/* numbers */
		BAD("01", VFJ_ERR_NUMBER, 0),
		BAD("[-01]", VFJ_ERR_NUMBER, 1),
		BAD("[00]", VFJ_ERR_NUMBER, 1),
		BAD("[-]", VFJ_ERR_NUMBER, 1),
		BAD("[-a]", VFJ_ERR_NUMBER, 1),
		BAD("[1.]", VFJ_ERR_NUMBER, 1),
		BAD("[1.e5]", VFJ_ERR_NUMBER, 1),
		BAD("[1e]", VFJ_ERR_NUMBER, 1),
		BAD("[1e+]", VFJ_ERR_NUMBER, 1),
		BAD("[1E-x]", VFJ_ERR_NUMBER, 1),
		BAD("[-.5]", VFJ_ERR_NUMBER, 1),
		BAD("[- 1]", VFJ_ERR_NUMBER, 1),
		/* duplicate keys */
		BAD("{\"a\":1,\"a\":2}", VFJ_ERR_DUPLICATE_KEY, 7),
		BAD("{\"a\":1,\"\\u0061\":2}", VFJ_ERR_DUPLICATE_KEY, 7),
		BAD("{\"\\u0061\":1,\"a\":2}", VFJ_ERR_DUPLICATE_KEY, 12),
		BAD("{\"/\":1,\"\\/\":2}", VFJ_ERR_DUPLICATE_KEY, 7),
		BAD("{\"\xc3\xa9\":1,\"\\u00E9\":2}", VFJ_ERR_DUPLICATE_KEY, 8),
		BAD("{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}", VFJ_ERR_DUPLICATE_KEY, 10),
		BAD("{\"\\n\":1,\"\\u000a\":2}", VFJ_ERR_DUPLICATE_KEY, 8),
		BAD("{\"\":1,\"\":2}", VFJ_ERR_DUPLICATE_KEY, 6),
		BAD("{\"a\":{\"b\":1,\"b\":2}}", VFJ_ERR_DUPLICATE_KEY, 12),
		BAD("{\"x\":1,\"y\":2,\"x\":3,\"y\":4}", VFJ_ERR_DUPLICATE_KEY, 13),
		BAD("{\"y\":1,\"x\":2,\"x\":3,\"y\":4}", VFJ_ERR_DUPLICATE_KEY, 13),
		BAD("{\"a\":1,\"b\":2,\"c\":3,\"a\":4}", VFJ_ERR_DUPLICATE_KEY, 19),
		BAD("[{\"k\":[],\"k\":{}}]", VFJ_ERR_DUPLICATE_KEY, 9),
		/* depth (the default limit is 32) */
		BAD("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
			VFJ_ERR_DEPTH, 32),
		BAD("{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":["
		    "{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":["
		    "{\"a\":1}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]}",
			VFJ_ERR_DEPTH, 96),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t off = 0;
		vfj_err e = perr((const uint8_t *)bad[i].in, bad[i].len, &off);
		CHECK(e == bad[i].want && off == bad[i].off);
		if (e != bad[i].want || off != bad[i].off)
			fprintf(stderr, "  case %zu (%s): got %s at %zu, want %s at %zu\n", i,
				bad[i].in, vfj_err_str(e), off, vfj_err_str(bad[i].want),
				bad[i].off);
	}
	/* Distinct keys that only look alike. */
	CHECK_ERR(perr0(L("{\"a\":1,\"A\":2,\"a \":3,\"\\u0000\":4,\"\":5}")), VFJ_OK);
	CHECK_ERR(perr0(L("{\"a\":1,\"b\":{\"a\":2},\"c\":[{\"a\":3}]}")), VFJ_OK);
	CHECK_ERR(perr0(L("{\"\\uffff\":1,\"\\ud800\\udc00\":2,\"\\ue000\":3}")), VFJ_OK);
	/* 32 levels is exactly the default limit. */
	CHECK_ERR(perr0(L("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")),
		VFJ_OK);
}

static void
test_limits(void)
{
	vfj_doc d;
	size_t off = 0;
	vfj_limits lim = { 4, 2 };
	CHECK_ERR(vfj_parse(G("[[]]"), toks, NTOKS, &lim, &d, &off), VFJ_OK);
	CHECK_ERR(vfj_parse(G("[[[]]]"), toks, NTOKS, &lim, &d, &off), VFJ_ERR_TOO_LARGE);
	CHECK(off == 4 && d.toks == NULL && d.ntok == 0);
	lim.max_len = 0;
	CHECK_ERR(vfj_parse(G("[[[]]]"), toks, NTOKS, &lim, &d, &off), VFJ_ERR_DEPTH);
	CHECK(off == 2);
	lim.max_depth = 100000; /* clamped to VFJ_MAX_DEPTH_CAP */
	{
		size_t n = 2 * (VFJ_MAX_DEPTH_CAP + 1);
		uint8_t *b = malloc(n);
		CHECK(b != NULL);
		if (b != NULL) {
			memset(b, '[', n / 2);
			memset(b + n / 2, ']', n / 2);
			CHECK_ERR(vfj_parse(guarded(b, n), n, toks, NTOKS, &lim, &d, &off),
				VFJ_ERR_DEPTH);
			CHECK(off == VFJ_MAX_DEPTH_CAP);
			CHECK_ERR(vfj_parse(guarded(b + 1, n - 2), n - 2, toks, NTOKS, &lim, &d,
					  &off),
				VFJ_OK);
			CHECK(d.ntok == VFJ_MAX_DEPTH_CAP);
			free(b);
		}
	}
	/* Default size limit: 4 MiB. */
	{
		size_t n = VFJ_DEFAULT_MAX_LEN + 1;
		uint8_t *b = malloc(n);
		CHECK(b != NULL);
		if (b != NULL) {
			memset(b, ' ', n);
			b[0] = '0';
			CHECK_ERR(vfj_parse(b, n, toks, NTOKS, NULL, &d, &off), VFJ_ERR_TOO_LARGE);
			CHECK(off == VFJ_DEFAULT_MAX_LEN);
			CHECK_ERR(vfj_parse(b, n - 1, toks, NTOKS, NULL, &d, &off), VFJ_OK);
			free(b);
		}
	}
	/* Token cap. */
	CHECK_ERR(vfj_parse(G("[1,2,3]"), toks, 3, NULL, &d, &off),
		VFJ_ERR_TOO_MANY_TOKENS);
	CHECK(off == 5);
	CHECK_ERR(vfj_parse(G("[1,2,3]"), toks, 4, NULL, &d, &off), VFJ_OK);
	CHECK(d.ntok == 4);
	CHECK_ERR(vfj_parse(G("{\"a\":\"b\"}"), toks, 2, NULL, &d, &off),
		VFJ_ERR_TOO_MANY_TOKENS);
	CHECK(off == 5);
	CHECK_ERR(vfj_parse(G("1"), toks, 0, NULL, &d, &off), VFJ_ERR_TOO_MANY_TOKENS);
	CHECK_ERR(vfj_parse(G("[[]]"), toks, 1, NULL, &d, &off), VFJ_ERR_TOO_MANY_TOKENS);
	CHECK(off == 1);
	CHECK_ERR(vfj_parse(G("[true]"), toks, 1, NULL, &d, &off), VFJ_ERR_TOO_MANY_TOKENS);
	CHECK(off == 1);
	CHECK_ERR(vfj_parse(G("[\"x\"]"), toks, 1, NULL, &d, &off), VFJ_ERR_TOO_MANY_TOKENS);
	CHECK(off == 1);
	/* Arguments. */
	CHECK_ERR(vfj_parse(NULL, 1, toks, NTOKS, NULL, &d, &off), VFJ_ERR_ARG);
	CHECK_ERR(vfj_parse(G("1"), toks, NTOKS, NULL, NULL, &off), VFJ_ERR_ARG);
	CHECK_ERR(vfj_parse(NULL, 0, toks, NTOKS, NULL, &d, NULL), VFJ_ERR_TRUNCATED);
}

static void
test_count_mode(void)
{
	static const char *const docs[] = {
		"{}", "[1,2,[3,{\"a\":null}]]", "{\"a\":{\"b\":[true,false]},\"c\":\"d\"}", "\"x\"",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		vfj_doc d, c;
		size_t n = strlen(docs[i]);
		CHECK_ERR(vfj_parse(guarded((const uint8_t *)docs[i], n), n, toks, NTOKS, NULL, &d,
				  NULL),
			VFJ_OK);
		CHECK_ERR(vfj_parse(guarded((const uint8_t *)docs[i], n), n, NULL, 0, NULL, &c,
				  NULL),
			VFJ_OK);
		CHECK(c.ntok == d.ntok && c.toks == NULL);
	}
	/* Counting mode skips only the duplicate check; a later error is still found. */
	vfj_doc c;
	size_t off;
	CHECK_ERR(vfj_parse(G("{\"a\":1,\"a\":2}"), NULL, 0, NULL, &c, NULL), VFJ_OK);
	CHECK(c.ntok == 5);
	CHECK_ERR(vfj_parse(G("{\"a\":1,}"), NULL, 0, NULL, &c, &off), VFJ_ERR_SYNTAX);
	CHECK(off == 7);
}

static void
test_tokens(void)
{
	/* 0 {  1 "a"  2 [  3 1  4 {}  5 "b"  6 "x\n"  7 "c"  8 null */
	static const char js[] = "{\"a\":[1,{}],\"b\":\"x\\n\",\"c\":null}";
	vfj_doc d;
	CHECK_ERR(parse(A(js), &d, NULL), VFJ_OK);
	CHECK(d.ntok == 9);
	if (d.ntok != 9)
		return;
	const vfj_token *t = d.toks;
	CHECK(t[0].type == VFJ_OBJECT && t[0].start == 0 && t[0].end == sizeof js - 1);
	CHECK(t[0].size == 3 && t[0].parent == VFJ_NONE && t[0].next == VFJ_NONE);
	CHECK(t[1].type == VFJ_STRING && (t[1].flags & VFJ_TOK_KEY) && t[1].start == 2 &&
		t[1].end == 3);
	CHECK(t[1].parent == 0 && t[1].next == 5 && t[1].size == 1);
	CHECK(t[2].type == VFJ_ARRAY && t[2].parent == 1 && t[2].size == 2 && t[2].start == 5 &&
		t[2].end == 11);
	CHECK(t[2].next == VFJ_NONE);
	CHECK(t[3].type == VFJ_NUMBER && t[3].parent == 2 && t[3].next == 4);
	CHECK(t[4].type == VFJ_OBJECT && t[4].parent == 2 && t[4].next == VFJ_NONE &&
		t[4].size == 0);
	CHECK(t[5].next == 7 && t[5].parent == 0);
	CHECK(t[6].type == VFJ_STRING && (t[6].flags & VFJ_TOK_ESCAPED) &&
		!(t[6].flags & VFJ_TOK_KEY));
	CHECK(t[7].next == VFJ_NONE);
	CHECK(t[8].type == VFJ_NULL && t[8].parent == 7);
	/* navigation */
	CHECK(vfj_first(&d, 0) == 1 && vfj_next(&d, 1) == 5 && vfj_value(&d, 1) == 2);
	CHECK(vfj_value(&d, 2) == VFJ_NONE && vfj_value(&d, 6) == VFJ_NONE);
	CHECK(vfj_first(&d, 4) == VFJ_NONE && vfj_first(&d, 3) == VFJ_NONE);
	CHECK(vfj_first(&d, 1) == 2);
	CHECK(vfj_count(&d, 0) == 3 && vfj_count(&d, 2) == 2 && vfj_count(&d, 1) == 1);
	CHECK(vfj_skip(&d, 0) == 9 && vfj_skip(&d, 2) == 5 && vfj_skip(&d, 1) == 5);
	CHECK(vfj_skip(&d, 4) == 5 && vfj_skip(&d, 3) == 4 && vfj_skip(&d, 8) == 9);
	CHECK(vfj_skip(&d, 9) == VFJ_NONE && vfj_first(&d, 99) == VFJ_NONE);
	CHECK(vfj_array_get(&d, 2, 0) == 3 && vfj_array_get(&d, 2, 1) == 4 &&
		vfj_array_get(&d, 2, 2) == VFJ_NONE && vfj_array_get(&d, 0, 0) == VFJ_NONE);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("a")) == 2 && vfj_obj_get(&d, 0, VFJ_LIT("c")) == 8);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("d")) == VFJ_NONE);
	CHECK(vfj_obj_get(&d, 2, VFJ_LIT("a")) == VFJ_NONE);
	CHECK(vfj_type_of(&d, 0) == VFJ_OBJECT && vfj_type_of(&d, 9) == VFJ_UNDEFINED);
	CHECK(vfj_type_of(NULL, 0) == VFJ_UNDEFINED);
	CHECK(vfj_is(&d, 8, VFJ_NULL) && !vfj_is(&d, 8, VFJ_FALSE) && vfj_is_integer(&d, 3));
	CHECK(!vfj_is_integer(&d, 2));
	const uint8_t *p;
	size_t n;
	CHECK_ERR(vfj_raw(&d, 2, &p, &n), VFJ_OK);
	CHECK(n == 6 && memcmp(p, "[1,{}]", 6) == 0);
	CHECK_ERR(vfj_raw(&d, 6, &p, &n), VFJ_OK);
	CHECK(n == 5 && memcmp(p, "\"x\\n\"", 5) == 0);
	CHECK_ERR(vfj_raw(&d, 9, &p, &n), VFJ_ERR_ARG);
	CHECK(p == NULL && n == 0);
}

/* vfj_skip against a brute-force definition on a bigger document. */
static void
test_skip_bruteforce(void)
{
	static const char js[] = "{\"a\":[1,[2,[3,{\"b\":{\"c\":[]}}]],{}],\"d\":{\"e\":[[],[[]]]},"
				 "\"f\":[{\"g\":1,\"h\":[2,3]},4],\"i\":{}}";
	vfj_doc d;
	CHECK_ERR(parse(A(js), &d, NULL), VFJ_OK);
	bool all = true;
	for (size_t t = 0; t < d.ntok; t++) {
		size_t u = t + 1;
		/* The first token after t that does not descend from t. */
		for (; u < d.ntok; u++) {
			size_t a = d.toks[u].parent;
			while (a != VFJ_NONE && a != t)
				a = d.toks[a].parent;
			if (a != t)
				break;
		}
		if (vfj_skip(&d, t) != u)
			all = false;
		/* Every token lies inside its container's span (a value's parent is its key). */
		size_t par = d.toks[t].parent;
		if (par != VFJ_NONE && d.toks[par].type == VFJ_STRING)
			par = d.toks[par].parent;
		if (par != VFJ_NONE &&
			(d.toks[t].start <= d.toks[par].start || d.toks[t].end >= d.toks[par].end))
			all = false;
	}
	CHECK(all);
}

static void
test_strings(void)
{
	vfj_doc d;
	uint8_t out[64];
	size_t n = 0;
	const uint8_t *p;
	CHECK_ERR(parse(L("[\"\\ud83d\\ude00\",\"\\uD834\\uDD1E\",\"\\uDBFF\\uDFFF\","
			  "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\"\\u0000x\",\"plain\","
			  "\"\\u00e9\\u20AC\"]"),
			 &d, NULL),
		VFJ_OK);
	CHECK_ERR(vfj_str_unescape(&d, 1, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 4 && memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
	CHECK_ERR(vfj_str_unescape(&d, 2, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 4 && memcmp(out, "\xf0\x9d\x84\x9e", 4) == 0);
	CHECK_ERR(vfj_str_unescape(&d, 3, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 4 && memcmp(out, "\xf4\x8f\xbf\xbf", 4) == 0);
	CHECK_ERR(vfj_str_unescape(&d, 4, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 12 && memcmp(out, "a\"b\\c/d\b\f\n\r\t", 12) == 0);
	CHECK_ERR(vfj_str_unescape(&d, 5, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 2 && out[0] == 0 && out[1] == 'x');
	CHECK_ERR(vfj_str_unescape(&d, 7, out, sizeof out, &n), VFJ_OK);
	CHECK(n == 5 && memcmp(out, "\xc3\xa9\xe2\x82\xac", 5) == 0);
	/* Buffer too small: the needed length comes back and the output is zeroed. */
	memset(out, 'z', sizeof out);
	CHECK_ERR(vfj_str_unescape(&d, 4, out, 11, &n), VFJ_ERR_BUFFER);
	CHECK(n == 12 && out[0] == 0 && out[10] == 0 && out[11] == 'z');
	CHECK_ERR(vfj_str_unescape(&d, 4, NULL, 0, &n), VFJ_ERR_BUFFER);
	CHECK(n == 12);
	CHECK_ERR(vfj_str_unescape(&d, 4, out, 12, &n), VFJ_OK);
	CHECK_ERR(vfj_str_unescape(&d, 0, out, sizeof out, &n), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_str_unescape(&d, 99, out, sizeof out, &n), VFJ_ERR_ARG);
	CHECK_ERR(vfj_str_unescape(&d, 4, out, sizeof out, NULL), VFJ_ERR_ARG);
	/* Zero-copy spans. */
	CHECK_ERR(vfj_str_span(&d, 6, &p, &n), VFJ_OK);
	CHECK(n == 5 && memcmp(p, "plain", 5) == 0);
	CHECK_ERR(vfj_str_span(&d, 4, &p, &n), VFJ_ERR_NOT_RAW);
	CHECK(p == NULL && n == 0);
	CHECK_ERR(vfj_str_span(&d, 0, &p, &n), VFJ_ERR_TYPE);
	/* Equality after unescaping. */
	CHECK(vfj_str_eq(&d, 1, "\xf0\x9f\x98\x80", 4));
	CHECK(!vfj_str_eq(&d, 1, "\xf0\x9f\x98", 3));
	CHECK(!vfj_str_eq(&d, 1, "\xf0\x9f\x98\x80!", 5));
	CHECK(vfj_str_eq(&d, 5, "\0x", 2));
	CHECK(vfj_str_eq(&d, 6, "plain", 5) && !vfj_str_eq(&d, 6, "plai", 4));
	CHECK(!vfj_str_eq(&d, 0, "", 0));
}

/* Escaped keys are found by their unescaped text. */
static void
test_lookup(void)
{
	vfj_doc d;
	uint8_t out[32];
	size_t n;
	int64_t i64;
	uint64_t u64;
	bool b;
	const uint8_t *p;
	CHECK_ERR(parse(L("{\"\\u0062ody\":\"Ym9keQ==\",\"integratedTime\":1674247893,"
			  "\"log\\/ID\":\"c0d2\",\"neg\":-5,\"f\":1.5,\"t\":true,\"n\":null,"
			  "\"esc\":\"a\\u0041\",\"\xc3\xa9\":1}"),
			 &d, NULL),
		VFJ_OK);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("body")) == 2);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("\\u0062ody")) == VFJ_NONE);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("log/ID")) != VFJ_NONE);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("\xc3\xa9")) != VFJ_NONE);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("bod")) == VFJ_NONE);
	CHECK_ERR(vfj_obj_str_span(&d, 0, VFJ_LIT("body"), &p, &n), VFJ_OK);
	CHECK(n == 8 && memcmp(p, "Ym9keQ==", 8) == 0);
	CHECK_ERR(vfj_obj_str_span(&d, 0, VFJ_LIT("esc"), &p, &n), VFJ_ERR_NOT_RAW);
	CHECK_ERR(vfj_obj_str(&d, 0, VFJ_LIT("esc"), out, sizeof out, &n), VFJ_OK);
	CHECK(n == 2 && memcmp(out, "aA", 2) == 0);
	CHECK_ERR(vfj_obj_str(&d, 0, VFJ_LIT("nope"), out, sizeof out, &n), VFJ_ERR_NOT_FOUND);
	CHECK_ERR(vfj_obj_str(&d, 0, VFJ_LIT("neg"), out, sizeof out, &n), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_obj_i64(&d, 0, VFJ_LIT("integratedTime"), &i64), VFJ_OK);
	CHECK(i64 == 1674247893);
	CHECK_ERR(vfj_obj_u64(&d, 0, VFJ_LIT("integratedTime"), &u64), VFJ_OK);
	CHECK(u64 == 1674247893u);
	CHECK_ERR(vfj_obj_i64(&d, 0, VFJ_LIT("neg"), &i64), VFJ_OK);
	CHECK(i64 == -5);
	CHECK_ERR(vfj_obj_u64(&d, 0, VFJ_LIT("neg"), &u64), VFJ_ERR_RANGE);
	CHECK_ERR(vfj_obj_i64(&d, 0, VFJ_LIT("f"), &i64), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_obj_i64(&d, 0, VFJ_LIT("body"), &i64), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_obj_i64(&d, 0, VFJ_LIT("missing"), &i64), VFJ_ERR_NOT_FOUND);
	CHECK_ERR(vfj_obj_bool(&d, 0, VFJ_LIT("t"), &b), VFJ_OK);
	CHECK(b);
	CHECK_ERR(vfj_obj_bool(&d, 0, VFJ_LIT("n"), &b), VFJ_ERR_TYPE);
	CHECK(!b);
	CHECK_ERR(vfj_obj_bool(&d, 2, VFJ_LIT("t"), &b), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_obj_bool(&d, 999, VFJ_LIT("t"), &b), VFJ_ERR_ARG);
	CHECK_ERR(vfj_obj_bool(&d, VFJ_NONE, VFJ_LIT("t"), &b), VFJ_ERR_NOT_FOUND);
	CHECK_ERR(vfj_obj_i64(&d, vfj_obj_get(&d, 0, VFJ_LIT("x")), VFJ_LIT("y"), &i64),
		VFJ_ERR_NOT_FOUND);
	CHECK_ERR(vfj_obj_bool(NULL, VFJ_NONE, VFJ_LIT("t"), &b), VFJ_ERR_ARG);
	CHECK_ERR(vfj_obj_bool(&d, 0, VFJ_LIT("t"), NULL), VFJ_ERR_ARG);
	CHECK_ERR(vfj_bool(&d, vfj_obj_get(&d, 0, VFJ_LIT("t")), &b), VFJ_OK);
	CHECK_ERR(vfj_num_raw(&d, vfj_obj_get(&d, 0, VFJ_LIT("f")), &p, &n), VFJ_OK);
	CHECK(n == 3 && memcmp(p, "1.5", 3) == 0);
	CHECK_ERR(vfj_num_raw(&d, 2, &p, &n), VFJ_ERR_TYPE);
}

struct intcase {
	const char *in;
	vfj_err e64;
	int64_t v64;
	vfj_err eu;
	uint64_t vu;
};

static void
test_integers(void)
{
	static const struct intcase c[] = {
		{ "0", VFJ_OK, 0, VFJ_OK, 0 },
		{ "-0", VFJ_OK, 0, VFJ_ERR_RANGE, 0 },
		{ "9223372036854775807", VFJ_OK, INT64_MAX, VFJ_OK, 9223372036854775807u },
		{ "9223372036854775808", VFJ_ERR_RANGE, 0, VFJ_OK, 9223372036854775808u },
		{ "-9223372036854775808", VFJ_OK, INT64_MIN, VFJ_ERR_RANGE, 0 },
		{ "-9223372036854775809", VFJ_ERR_RANGE, 0, VFJ_ERR_RANGE, 0 },
		{ "18446744073709551615", VFJ_ERR_RANGE, 0, VFJ_OK, UINT64_MAX },
		{ "18446744073709551616", VFJ_ERR_RANGE, 0, VFJ_ERR_RANGE, 0 },
		{ "99999999999999999999999", VFJ_ERR_RANGE, 0, VFJ_ERR_RANGE, 0 },
		{ "-1", VFJ_OK, -1, VFJ_ERR_RANGE, 0 },
		{ "1.0", VFJ_ERR_TYPE, 0, VFJ_ERR_TYPE, 0 },
		{ "1e3", VFJ_ERR_TYPE, 0, VFJ_ERR_TYPE, 0 },
		{ "1E+0", VFJ_ERR_TYPE, 0, VFJ_ERR_TYPE, 0 },
		{ "\"1\"", VFJ_ERR_TYPE, 0, VFJ_ERR_TYPE, 0 },
		{ "true", VFJ_ERR_TYPE, 0, VFJ_ERR_TYPE, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		vfj_doc d;
		int64_t v = 77;
		uint64_t u = 77;
		CHECK_ERR(parse((const uint8_t *)c[i].in, strlen(c[i].in), &d, NULL), VFJ_OK);
		CHECK_ERR(vfj_i64(&d, 0, &v), c[i].e64);
		CHECK(v == c[i].v64);
		CHECK_ERR(vfj_u64(&d, 0, &u), c[i].eu);
		CHECK(u == c[i].vu);
	}
	vfj_doc d;
	int64_t v;
	CHECK_ERR(parse(L("1"), &d, NULL), VFJ_OK);
	CHECK_ERR(vfj_i64(&d, 1, &v), VFJ_ERR_ARG);
	CHECK_ERR(vfj_i64(&d, 0, NULL), VFJ_ERR_ARG);
	CHECK_ERR(vfj_i64(NULL, 0, &v), VFJ_ERR_ARG);
}

/* Writer output parses back to the same bytes (unescape round trip). */
static void
roundtrip(const uint8_t *s, size_t n, unsigned flags)
{
	vfj_writer w;
	vfj_doc d;
	size_t len = 0, ulen = 0;
	static uint8_t u[4096];
	vfj_w_init(&w, obuf2, sizeof obuf2, flags);
	vfj_w_str(&w, s, n);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_OK);
	CHECK_ERR(parse(obuf2, len, &d, NULL), VFJ_OK);
	CHECK_ERR(vfj_str_unescape(&d, 0, u, sizeof u, &ulen), VFJ_OK);
	CHECK(ulen == n && memcmp(u, s, n) == 0);
	/* The same text as a key. */
	vfj_w_init(&w, obuf2, sizeof obuf2, flags);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, (const char *)s, n);
	vfj_w_null(&w);
	vfj_w_obj_end(&w);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_OK);
	CHECK_ERR(parse(obuf2, len, &d, NULL), VFJ_OK);
	CHECK(vfj_obj_get(&d, 0, (const char *)s, n) == 2);
}

static void
test_roundtrip(void)
{
	static const char *const samples[] = {
		"", "plain", "a/b", "<tag>&amp;", "quote\"back\\slash", "\xc3\xa9t\xc3\xa9",
		"\xe2\x80\xa8\xe2\x80\xa9", "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", "\x7f\x01\x1f",
	};
	for (unsigned f = 0; f < 4; f++) {
		for (unsigned c = 0; c < 128; c++) {
			uint8_t s[3] = { 'a', (uint8_t)c, 'b' };
			roundtrip(s, 3, f);
		}
		for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
			roundtrip((const uint8_t *)samples[i], strlen(samples[i]), f);
		roundtrip((const uint8_t *)"\0", 1, f);
	}
}

static void
test_writer(void)
{
	vfj_writer w;
	uint8_t buf[512];
	size_t len;

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, L("a/b<>&\xe2\x80\xa8\"\\\b\f\n\r\t\x01\x1f\x7f\xc3\xa9"));
	CHECK(w_is(&w, "\"a/b<>&\xe2\x80\xa8\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9\""));

	vfj_w_init(&w, buf, sizeof buf, VFJ_W_ESCAPE_HTML);
	vfj_w_str(&w, "a/b<>&\xe2\x80\xa8", 9);
	CHECK(w_is(&w, "\"a/b\\u003c\\u003e\\u0026\xe2\x80\xa8\""));

	vfj_w_init(&w, buf, sizeof buf, VFJ_W_GO);
	vfj_w_str(&w, L("<\xe2\x80\xa8|\xe2\x80\xa9|\xe2\x80\xaa"));
	CHECK(w_is(&w, "\"\\u003c\\u2028|\\u2029|\xe2\x80\xaa\""));

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, "\0", 1);
	CHECK(w_is(&w, "\"\\u0000\""));

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, NULL, 0);
	CHECK(w_is(&w, "\"\""));
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, NULL, 3);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_ARG);

	/* Structure, commas and every value kind. */
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("a"));
	vfj_w_arr_begin(&w);
	vfj_w_i64(&w, INT64_MIN);
	vfj_w_i64(&w, INT64_MAX);
	vfj_w_i64(&w, 0);
	vfj_w_u64(&w, UINT64_MAX);
	vfj_w_num_raw(&w, VFJ_LIT("-1.5e+10"));
	vfj_w_bool(&w, true);
	vfj_w_bool(&w, false);
	vfj_w_null(&w);
	vfj_w_arr_begin(&w);
	vfj_w_arr_end(&w);
	vfj_w_obj_begin(&w);
	vfj_w_obj_end(&w);
	vfj_w_raw(&w, "{\"x\":[1]}", 9);
	vfj_w_arr_end(&w);
	vfj_w_key(&w, VFJ_LIT("b"));
	vfj_w_str(&w, "c", 1);
	vfj_w_obj_end(&w);
	CHECK(w_is(&w, "{\"a\":[-9223372036854775808,9223372036854775807,0,18446744073709551615,"
		       "-1.5e+10,true,false,null,[],{},{\"x\":[1]}],\"b\":\"c\"}"));

	/* Go's json.Marshal of cosign's simple-signing payload (protocol.md §1.1). */
	vfj_w_init(&w, buf, sizeof buf, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("critical"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("identity"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("docker-reference"));
	vfj_w_str(&w, "ghcr.io/a/b", 11);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("image"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("docker-manifest-digest"));
	vfj_w_str(&w, "sha256:00", 9);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("type"));
	vfj_w_str(&w, "cosign container image signature", 32);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("optional"));
	vfj_w_null(&w);
	vfj_w_obj_end(&w);
	CHECK(w_is(&w, "{\"critical\":{\"identity\":{\"docker-reference\":\"ghcr.io/a/b\"},"
		       "\"image\":{\"docker-manifest-digest\":\"sha256:00\"},"
		       "\"type\":\"cosign container image signature\"},\"optional\":null}"));

	/* Misuse is sticky VFJ_ERR_STATE, and the output is wiped. */
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_obj_begin(&w);
	vfj_w_null(&w); /* value without a key */
	CHECK_ERR(vfj_w_error(&w), VFJ_ERR_STATE);
	vfj_w_obj_end(&w);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);
	CHECK(len == 0 && buf[0] == 0);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_arr_begin(&w);
	vfj_w_key(&w, VFJ_LIT("k")); /* key in an array */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("k"));
	vfj_w_key(&w, VFJ_LIT("k")); /* key after key */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("k"));
	vfj_w_obj_end(&w); /* key without a value */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_arr_begin(&w);
	vfj_w_obj_end(&w); /* mismatched close */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_arr_end(&w); /* close with nothing open */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_null(&w);
	vfj_w_null(&w); /* two top-level values */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_arr_begin(&w); /* unfinished */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0); /* nothing written */
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_STATE);

	vfj_w_init(&w, buf, sizeof buf, 0);
	for (unsigned i = 0; i < VFJ_W_MAX_DEPTH; i++)
		vfj_w_arr_begin(&w);
	CHECK_ERR(vfj_w_error(&w), VFJ_OK);
	vfj_w_arr_begin(&w);
	CHECK_ERR(vfj_w_error(&w), VFJ_ERR_STATE);

	/* Content errors. */
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, "\xc0\xaf", 2);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_UTF8);
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_str(&w, "\xe2\x80", 2);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_UTF8);
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, "\xed\xa0\x80", 3);
	CHECK_ERR(vfj_w_error(&w), VFJ_ERR_UTF8);
	static const char *const badnum[] = { "", "01", "1.", "+1", ".5", "1e", "1 ", "-", "NaN",
		"0x10" };
	for (size_t i = 0; i < sizeof badnum / sizeof badnum[0]; i++) {
		vfj_w_init(&w, buf, sizeof buf, 0);
		vfj_w_num_raw(&w, badnum[i], strlen(badnum[i]));
		CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_NUMBER);
	}
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_raw(&w, "[1,]", 4);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_SYNTAX);
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_raw(&w, "", 0);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_TRUNCATED);
	vfj_w_init(&w, buf, sizeof buf, 0);
	vfj_w_raw(&w, "1 2", 3);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_TRAILING);

	/* Buffer overflow at every size is sticky and wipes what was written. */
	static const char full[] = "{\"k\":[\"v\\n\",1,null]}";
	size_t need = sizeof full - 1;
	for (size_t cap = 0; cap <= need; cap++) {
		memset(buf, 'z', sizeof buf);
		vfj_w_init(&w, buf, cap, 0);
		vfj_w_obj_begin(&w);
		vfj_w_key(&w, VFJ_LIT("k"));
		vfj_w_arr_begin(&w);
		vfj_w_str(&w, "v\n", 2);
		vfj_w_i64(&w, 1);
		vfj_w_null(&w);
		vfj_w_arr_end(&w);
		vfj_w_obj_end(&w);
		vfj_err e = vfj_w_finish(&w, &len);
		if (cap < need) {
			CHECK(e == VFJ_ERR_BUFFER && len == 0 && (cap == 0 || buf[0] == 0) &&
				buf[cap] == 'z');
		} else {
			CHECK(e == VFJ_OK && len == need && memcmp(buf, full, need) == 0);
		}
	}
	CHECK_ERR(vfj_w_finish(&w, NULL), VFJ_ERR_ARG);
	vfj_w_init(&w, NULL, 100, 0);
	vfj_w_null(&w);
	CHECK_ERR(vfj_w_finish(&w, &len), VFJ_ERR_BUFFER);
}

struct canon_case {
	const char *in;
	const char *out; /* NULL: expect `err` */
	vfj_err err;
};

static void
test_canonical(void)
{
	size_t len;
	/* RFC 8785 §3.2.3, sorting example: keys compared as UTF-16 code units. */
	CHECK(canon_is(L("{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n"
			 "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"1\": \"One\",\n"
			 "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
			 "  \"\\u0080\": \"Control\",\n"
			 "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n}"),
		L("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
		  "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		  "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		  "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}")));
	/* The same with raw UTF-8 keys: U+10000 sorts before U+E000 and U+FFFF in UTF-16 even
	 * though its UTF-8 bytes sort after theirs. */
	CHECK(canon_is(L("{\"\xef\xbf\xbf\":3,\"\xee\x80\x80\":2,\"\xf0\x90\x80\x80\":1,"
			 "\"\xed\x9f\xbf\":0}"),
		L("{\"\xed\x9f\xbf\":0,\"\xf0\x90\x80\x80\":1,\"\xee\x80\x80\":2,"
		  "\"\xef\xbf\xbf\":3}")));
	/* RFC 8785 §3.2.2 example, without its 17-digit number (which needs double rounding). */
	CHECK(canon_is(L("{\n  \"numbers\": [1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
			 "  \"string\": "
			 "\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
			 "  \"literals\": [null, true, false]\n}"),
		L("{\"literals\":[null,true,false],\"numbers\":[1e+30,4.5,0.002,1e-27],"
		  "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}")));
	CHECK_ERR(canon(L("[333333333.33333329]"), &len), VFJ_ERR_UNSUPPORTED);
	/* Rekor's SET payload: canonical member order body, integratedTime, logID, logIndex. */
	CHECK(canon_is(L("{\"logIndex\": 11605770, \"logID\":"
			 "\"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d\",\n"
			 "\"integratedTime\":1674247893,"
			 "\"body\":\"eyJhcGlWZXJzaW9uIjoiMC4wLjEifQ==\"}"),
		L("{\"body\":\"eyJhcGlWZXJzaW9uIjoiMC4wLjEifQ==\",\"integratedTime\":1674247893,"
		  "\"logID\":\"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d\","
		  "\"logIndex\":11605770}")));
	/* Nested sorting, arrays keep their order, whitespace everywhere. */
	CHECK(canon_is(L(" { \"b\" : [ 3 , { \"z\":1, \"a\":2 } ] , \"a\" : { } , \"c\": [ ] } "),
		L("{\"a\":{},\"b\":[3,{\"a\":2,\"z\":1}],\"c\":[]}")));
	CHECK(canon_is(L("\"\\u0041\\/\\u00e9\\u001F\\t\\u007f\\u2028<>&\""),
		L("\"A/\xc3\xa9\\u001f\\t\x7f\xe2\x80\xa8<>&\"")));
	static const struct canon_case nums[] = {
		{ "0", "0", VFJ_OK },
		{ "-0", "0", VFJ_OK },
		{ "-0.0e-5", "0", VFJ_OK },
		{ "1", "1", VFJ_OK },
		{ "-1", "-1", VFJ_OK },
		{ "100", "100", VFJ_OK },
		{ "1E30", "1e+30", VFJ_OK },
		{ "4.50", "4.5", VFJ_OK },
		{ "2e-3", "0.002", VFJ_OK },
		{ "1e21", "1e+21", VFJ_OK },
		{ "1e20", "100000000000000000000", VFJ_OK },
		{ "123e-2", "1.23", VFJ_OK },
		{ "0.000001", "0.000001", VFJ_OK },
		{ "0.0000001", "1e-7", VFJ_OK },
		{ "-0.0000001234", "-1.234e-7", VFJ_OK },
		{ "100e-2", "1", VFJ_OK },
		{ "12.340e1", "123.4", VFJ_OK },
		{ "1.5e300", "1.5e+300", VFJ_OK },
		{ "1e-307", "1e-307", VFJ_OK },
		{ "999999999999999e293", "9.99999999999999e+307", VFJ_OK },
		{ "123456789012345", "123456789012345", VFJ_OK },
		{ "1234567890123456", "1234567890123456", VFJ_OK },
		{ "9007199254740992", "9007199254740992", VFJ_OK },
		{ "-9007199254740992", "-9007199254740992", VFJ_OK },
		{ "9007199254740991.0", "9007199254740991", VFJ_OK },
		{ "90071992547409.91e2", "9007199254740991", VFJ_OK },
		{ "0.1", "0.1", VFJ_OK },
		{ "123456.789", "123456.789", VFJ_OK },
		{ "1e-6", "0.000001", VFJ_OK },
		{ "00", NULL, VFJ_ERR_NUMBER },
		{ "9007199254740993", NULL, VFJ_ERR_UNSUPPORTED },
		{ "12345678901234567", NULL, VFJ_ERR_UNSUPPORTED },
		{ "0.1234567890123456", NULL, VFJ_ERR_UNSUPPORTED },
		{ "1e308", NULL, VFJ_ERR_UNSUPPORTED },
		{ "1e-308", NULL, VFJ_ERR_UNSUPPORTED },
		{ "1e999999999999999999999", NULL, VFJ_ERR_UNSUPPORTED },
		{ "1e-999999999999999999999", NULL, VFJ_ERR_UNSUPPORTED },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		len = 0;
		vfj_err e = canon((const uint8_t *)nums[i].in, strlen(nums[i].in), &len);
		if (nums[i].out != NULL) {
			bool ok = e == VFJ_OK && len == strlen(nums[i].out) &&
				memcmp(obuf, nums[i].out, len) == 0;
			CHECK(ok);
			if (!ok)
				fprintf(stderr, "  %s -> %s %.*s\n", nums[i].in, vfj_err_str(e),
					(int)len, (const char *)obuf);
		} else {
			CHECK(e == nums[i].err && len == 0);
			if (e != nums[i].err)
				fprintf(stderr, "  %s -> %s\n", nums[i].in, vfj_err_str(e));
		}
	}
	/* Errors: parse errors with their offset, unsupported numbers with theirs, buffer. */
	size_t off = 0;
	vfj_err e = vfj_canonicalize(G("{\"a\":1,\"\\u0061\":2}"), obuf, sizeof obuf,
		&len, toks, NTOKS, NULL, &off);
	CHECK(e == VFJ_ERR_DUPLICATE_KEY && off == 7 && len == 0);
	e = vfj_canonicalize(G("[1, 1e400]"), obuf, sizeof obuf, &len, toks, NTOKS, NULL,
		&off);
	CHECK(e == VFJ_ERR_UNSUPPORTED && off == 4 && len == 0 && obuf[0] == 0);
	static const char cin[] = "{\"b\":[1,\"x\"],\"a\":true}";
	static const char cout[] = "{\"a\":true,\"b\":[1,\"x\"]}";
	for (size_t cap = 0; cap < sizeof cout - 1; cap++) {
		e = vfj_canonicalize(GA(cin), obuf, cap, &len, toks, NTOKS, NULL, &off);
		CHECK(e == VFJ_ERR_BUFFER && len == 0);
	}
	e = vfj_canonicalize(GA(cin), obuf, sizeof cout - 1, &len, toks, NTOKS, NULL, &off);
	CHECK(e == VFJ_OK && len == sizeof cout - 1 && memcmp(obuf, cout, len) == 0);
	CHECK_ERR(vfj_canonicalize(GA(cin), obuf, sizeof obuf, NULL, toks, NTOKS, NULL,
			  NULL),
		VFJ_ERR_ARG);
	CHECK_ERR(vfj_canonicalize(GA(cin), obuf, sizeof obuf, &len, NULL, 0, NULL, NULL),
		VFJ_ERR_ARG);
	CHECK_ERR(vfj_canonicalize(GA(cin), obuf, sizeof obuf, &len, toks, 3, NULL, NULL),
		VFJ_ERR_TOO_MANY_TOKENS);
	/* A member's raw text can be canonicalized on its own (the SET payload inside a bundle). */
	vfj_doc d;
	const uint8_t *p;
	size_t n;
	static const char bundle[] = "{\"SignedEntryTimestamp\":\"MEUC\",\"Payload\":"
				     "{\"body\":\"e30=\",\"integratedTime\":1,\"logIndex\":2,"
				     "\"logID\":\"ab\"}}";
	CHECK_ERR(parse(A(bundle), &d, NULL), VFJ_OK);
	CHECK_ERR(vfj_raw(&d, vfj_obj_get(&d, 0, VFJ_LIT("Payload")), &p, &n), VFJ_OK);
	CHECK_ERR(vfj_canonicalize(p, n, obuf, sizeof obuf, &len, toks2, NTOKS, NULL, NULL),
		VFJ_OK);
	static const char set[] = "{\"body\":\"e30=\",\"integratedTime\":1,\"logID\":\"ab\","
				  "\"logIndex\":2}";
	CHECK(len == sizeof set - 1 && memcmp(obuf, set, len) == 0);
	/* Idempotent on a varied document. */
	static const char varied[] = "{\"z\":[{\"y\":\"\\u00e9\\n\",\"x\":-0.5e1},[],{}],"
				     "\"\xc3\xa9\":1,\"\\u00e8\":2.50,"
				     "\"a\":[true,false,null,\"\\ud83d\\ude00\"]}";
	CHECK_ERR(canon(A(varied), &len), VFJ_OK);
	memcpy(obuf2, obuf, len);
	size_t len2 = 0;
	CHECK_ERR(canon(obuf2, len, &len2), VFJ_OK);
	CHECK(len2 == len && memcmp(obuf, obuf2, len) == 0);
}

/* Every proper prefix of a valid document fails as truncated, and never over-reads. */
static void
test_prefixes(void)
{
	static const char *const docs[] = {
		("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
		"\"verificationMaterial\":{\"certificate\":{\"rawBytes\":\"MIIC\"},"
		"\"tlogEntries\":[{\"logIndex\":\"25915956\",\"logId\":{\"keyId\":\"wNI9\"},"
		"\"kindVersion\":{\"kind\":\"hashedrekord\",\"version\":\"0.0.1\"},"
		"\"integratedTime\":\"1712085549\",\"inclusionPromise\":{\"signedEntryTimestamp\":"
		"\"MEUC\"},\"inclusionProof\":{\"hashes\":[\"a\",\"b\"],\"treeSize\":\"1\"}}]},"
		"\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":"
		"\"x\"},\"signature\":\"MEQC\"}}"),
		("[1,-2.5e-3,true,false,null,\"\\ud83d\\ude00\\u00e9\\n\","
		 "\"\xf0\x9f\x98\x80\xc3\xa9\","
		"{},[],[[0]],{\"a\":{\"b\":[1E+2]}}]"),
		"\"\\u0041\\\\\\/\xe2\x82\xac\"",
		"{\"a\":-0,\"b\":0.5,\"c\":1e5,\"d\":12}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		size_t n = strlen(docs[i]);
		bool all = true;
		CHECK_ERR(perr0((const uint8_t *)docs[i], n), VFJ_OK);
		for (size_t k = 0; k < n; k++) {
			vfj_doc d;
			size_t off = 0;
			vfj_err e = perr((const uint8_t *)docs[i], k, &off);
			const uint8_t *g = guarded((const uint8_t *)docs[i], k);
			vfj_err c = vfj_parse(g, k, NULL, 0, NULL, &d, NULL);
			if (e != VFJ_ERR_TRUNCATED || off != k || c != VFJ_ERR_TRUNCATED) {
				all = false;
				fprintf(stderr, "  doc %zu prefix %zu: %s at %zu\n", i, k,
					vfj_err_str(e), off);
			}
		}
		CHECK(all);
	}
}

/* Many keys: the duplicate check stays fast and still finds a duplicate at either end. */
static void
test_many_keys(void)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *b = malloc(cap);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	b[n++] = '{';
	for (unsigned i = 0; i < 30000; i++) {
		n += (size_t)snprintf((char *)b + n, cap - n, "%s\"k%u\":%u", i ? "," : "",
			(i * 7919u) % 30000u, i);
	}
	b[n++] = '}';
	vfj_doc d;
	CHECK_ERR(parse(b, n, &d, NULL), VFJ_OK);
	CHECK(d.ntok == 60001);
	CHECK(vfj_obj_get(&d, 0, VFJ_LIT("k29999")) != VFJ_NONE);
	/* Repeat the first key at the end. */
	n--;
	memcpy(b + n, ",\"k0\":1}", 8);
	n += 8;
	size_t off = 0;
	CHECK_ERR(perr(b, n, &off), VFJ_ERR_DUPLICATE_KEY);
	CHECK(off == n - 7);
	free(b);
}

static void
test_args(void)
{
	vfj_doc d;
	const uint8_t *p;
	size_t n;
	bool b;
	CHECK_ERR(parse(L("[1]"), &d, NULL), VFJ_OK);
	CHECK(vfj_count(NULL, 0) == 0 && vfj_next(NULL, 0) == VFJ_NONE);
	CHECK(vfj_skip(NULL, 0) == VFJ_NONE && vfj_value(&d, VFJ_NONE) == VFJ_NONE);
	CHECK(vfj_obj_get(NULL, 0, "a", 1) == VFJ_NONE);
	CHECK(!vfj_str_eq(&d, 1, NULL, 1));
	CHECK_ERR(vfj_str_span(&d, 1, NULL, &n), VFJ_ERR_ARG);
	CHECK_ERR(vfj_num_raw(&d, 1, &p, NULL), VFJ_ERR_ARG);
	CHECK_ERR(vfj_bool(&d, 1, &b), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_bool(&d, 5, &b), VFJ_ERR_ARG);
	CHECK_ERR(vfj_obj_str_span(&d, 0, VFJ_LIT("a"), &p, &n), VFJ_ERR_TYPE);
	CHECK_ERR(vfj_w_error(NULL), VFJ_ERR_ARG);
}

/* ---- JSONTestSuite ---- */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of regular file names in `dir`; NULL when the folder is missing. */
static char **
list_dir(const char *dir, size_t *count)
{
	DIR *dh = opendir(dir);
	size_t n = 0, cap = 512;
	char **names;
	struct dirent *de;
	if (dh == NULL)
		return NULL;
	names = malloc(cap * sizeof *names);
	while (names != NULL && (de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, 2 * cap * sizeof *names);
			if (nn == NULL)
				break;
			names = nn;
			cap *= 2;
		}
		size_t len = strlen(de->d_name) + 1;
		names[n] = malloc(len);
		if (names[n] == NULL)
			break;
		memcpy(names[n], de->d_name, len);
		n++;
	}
	closedir(dh);
	if (names != NULL)
		qsort(names, n, sizeof *names, cmp_names);
	*count = n;
	return names;
}

/* Read a file into an exact-size heap block (so ASan sees over-reads). */
static uint8_t *
read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	static uint8_t tmp[1 << 21];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t n = fread(tmp, 1, sizeof tmp, f);
	fclose(f);
	uint8_t *b = malloc(n > 0 ? n : 1);
	if (b != NULL && n > 0)
		memcpy(b, tmp, n);
	*len = n;
	return b;
}

/* y_ files vfj rejects on purpose: RFC 8259 §4 only says names SHOULD be unique, but vfj
 * follows I-JSON (RFC 7493 §2.3) and style.md §1.3 and rejects duplicates. */
static vfj_err
y_expected(const char *name)
{
	if (strcmp(name, "y_object_duplicated_key.json") == 0 ||
		strcmp(name, "y_object_duplicated_key_and_value.json") == 0)
		return VFJ_ERR_DUPLICATE_KEY;
	return VFJ_OK;
}

/* Parse, count-parse and canonicalize one input; check the invariants that must hold for
 * any input. Returns the parse result and offset. */
static vfj_err
suite_one(const uint8_t *b, size_t n, size_t *off, vfj_err *cerr)
{
	vfj_doc d, c;
	size_t len = 0, len2 = 0;
	vfj_err e = vfj_parse(b, n, toks, NTOKS, NULL, &d, off);
	vfj_err ce = vfj_parse(b, n, NULL, 0, NULL, &c, NULL);
	if (e == VFJ_OK)
		CHECK(ce == VFJ_OK && c.ntok == d.ntok);
	else if (e != VFJ_ERR_DUPLICATE_KEY)
		CHECK(ce == e);
	*cerr = vfj_canonicalize(b, n, obuf, sizeof obuf, &len, toks2, NTOKS, NULL, NULL);
	if (e != VFJ_OK)
		CHECK(*cerr == e);
	if (*cerr == VFJ_OK) {
		memcpy(obuf2, obuf, len);
		CHECK_ERR(vfj_canonicalize(obuf2, len, obuf, sizeof obuf, &len2, toks2, NTOKS, NULL,
				  NULL),
			VFJ_OK);
		CHECK(len2 == len && memcmp(obuf, obuf2, len) == 0);
	}
	return e;
}

static void
run_suite(const char *dir)
{
	size_t count = 0, ny = 0, nn = 0, yok = 0, yacc = 0, nok = 0, ni = 0;
	char **names = list_dir(dir, &count);
	if (names == NULL) {
		printf("skipped: JSONTestSuite not found at %s\n", dir);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const char *nm = names[i];
		size_t n = 0, off = 0;
		vfj_err ce;
		if (strlen(nm) < 2 || nm[1] != '_')
			continue;
		if (nm[0] != 'y' && nm[0] != 'n' && nm[0] != 'i')
			continue;
		uint8_t *b = read_file(dir, nm, &n);
		CHECK(b != NULL);
		if (b == NULL)
			continue;
		vfj_err e = suite_one(b, n, &off, &ce);
		if (nm[0] == 'y') {
			ny++;
			bool good = e == y_expected(nm);
			yok += good;
			yacc += e == VFJ_OK;
			CHECK(good);
			if (!good)
				fprintf(stderr, "  %s: %s at %zu\n", nm, vfj_err_str(e), off);
		} else if (nm[0] == 'n') {
			nn++;
			nok += e != VFJ_OK;
			CHECK(e != VFJ_OK);
			if (e == VFJ_OK)
				fprintf(stderr, "  %s: accepted\n", nm);
		} else {
			ni++; /* handled without crashing; outcomes are in docs/json.md */
		}
		free(b);
	}
	printf("JSONTestSuite y/n: %zu/%zu as expected (y_ accepted %zu/%zu plus %zu rejected by"
	       " design: duplicate keys; n_ rejected %zu/%zu); i_ handled: %zu\n",
		yok + nok, ny + nn, yacc, ny, yok - yacc, nok, nn, ni);
	CHECK(ny == 95 && nn == 188);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static const char *
err_name(vfj_err e)
{
	static const char *const names[VFJ_ERR_COUNT] = { "VFJ_OK", "VFJ_ERR_SYNTAX",
		"VFJ_ERR_TRUNCATED", "VFJ_ERR_TRAILING", "VFJ_ERR_DEPTH", "VFJ_ERR_TOO_MANY_TOKENS",
		"VFJ_ERR_TOO_LARGE", "VFJ_ERR_UTF8", "VFJ_ERR_ESCAPE", "VFJ_ERR_CONTROL_CHAR",
		"VFJ_ERR_DUPLICATE_KEY", "VFJ_ERR_NUMBER", "VFJ_ERR_TYPE", "VFJ_ERR_NOT_FOUND",
		"VFJ_ERR_RANGE", "VFJ_ERR_BUFFER", "VFJ_ERR_NOT_RAW", "VFJ_ERR_UNSUPPORTED",
		"VFJ_ERR_STATE", "VFJ_ERR_ARG" };
	return (unsigned)e < VFJ_ERR_COUNT ? names[e] : "?";
}

/* The docs/json.md table: what vfj does with each i_ file. */
static int
print_i_table(const char *dir)
{
	size_t count = 0;
	char **names = list_dir(dir, &count);
	if (names == NULL) {
		printf("skipped: JSONTestSuite not found at %s\n", dir);
		return 0;
	}
	printf("| file | vfj_parse | vfj_i64 on the number | vfj_canonicalize |\n");
	printf("| --- | --- | --- | --- |\n");
	for (size_t i = 0; i < count; i++) {
		size_t n = 0, off = 0;
		vfj_err ce;
		if (strncmp(names[i], "i_", 2) != 0)
			continue;
		uint8_t *b = read_file(dir, names[i], &n);
		if (b == NULL)
			continue;
		vfj_err e = suite_one(b, n, &off, &ce);
		if (e != VFJ_OK) {
			printf("| `%s` | reject `%s` at byte %zu | - | same as parse |\n",
				names[i], err_name(e), off);
		} else {
			vfj_doc d;
			int64_t v = 0;
			const char *num = "n/a";
			if (vfj_parse(b, n, toks, NTOKS, NULL, &d, NULL) == VFJ_OK &&
				vfj_is(&d, 1, VFJ_NUMBER)) {
				vfj_err ie = vfj_i64(&d, 1, &v);
				num = err_name(ie);
			}
			printf("| `%s` | accept | `%s` | `%s` |\n", names[i], num, err_name(ce));
		}
		free(b);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return 0;
}

int
main(int argc, char **argv)
{
	static char def[4096];
	const char *dir = "../shared/vectors/JSONTestSuite/test_parsing";
	const char *env = getenv("SG_VECTORS");
	bool table = argc > 1 && strcmp(argv[1], "--i-table") == 0;
	int argi = table ? 2 : 1;
	if (env != NULL && env[0] != '\0') {
		int k = snprintf(def, sizeof def, "%s/JSONTestSuite/test_parsing", env);
		if (k > 0 && (size_t)k < sizeof def)
			dir = def;
	}
	if (argc > argi)
		dir = argv[argi];
	if (guard_init() != 0) {
		fprintf(stderr, "cannot set up the guard page\n");
		return 2;
	}
	if (table)
		return print_i_table(dir);

	test_err_str();
	test_accept();
	test_reject();
	test_limits();
	test_count_mode();
	test_tokens();
	test_skip_bruteforce();
	test_strings();
	test_lookup();
	test_integers();
	test_roundtrip();
	test_writer();
	test_canonical();
	test_prefixes();
	test_many_keys();
	test_args();
	run_suite(dir);

	printf("%lu passed, %lu failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
