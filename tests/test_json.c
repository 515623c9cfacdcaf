/* Unit tests for the json adapter: error mapping with offsets, typed getters (strings, base64,
 * proto3 int64 strings, timestamps), null-as-absent, paths, canonical form, prefixes. */
#include <string.h>

#include "guard.h"
#include "parse/json.h"
#include "runner.h"

static uint8_t arena_mem[1 << 20];
static sg_arena arena;

static sg_err
parse(const char *s, sg_json *j, sg_diag *d)
{
	sg_arena_reset(&arena);
	sg_diag_init(d, "test");
	return sg_json_parse((const uint8_t *)s, strlen(s), &arena, "doc", j, d);
}

static void
test_errors(void)
{
	sg_json j;
	sg_diag d;
	CHECK_OK(parse("{\"a\":1}", &j, &d));
	CHECK(sg_json_type(&j, sg_json_root(&j)) == VFJ_OBJECT);
	CHECK_ERR(parse("{\"a\":1,}", &j, &d), SG_ERR_JSON_SYNTAX);
	CHECK(d.has_offset && d.offset == 7);
	CHECK(strcmp(d.what, "doc") == 0);
	CHECK(j.doc.toks == NULL);
	CHECK_ERR(parse("{\"a\":1", &j, &d), SG_ERR_TRUNCATED);
	CHECK_ERR(parse("{} x", &j, &d), SG_ERR_TRAILING);
	CHECK_ERR(parse("{\"a\":1,\"\\u0061\":2}", &j, &d), SG_ERR_JSON_DUPLICATE_KEY);
	CHECK_ERR(parse("[01]", &j, &d), SG_ERR_JSON_NUMBER);
	CHECK_ERR(parse("[\"\\x\"]", &j, &d), SG_ERR_JSON_ESCAPE);
	CHECK_ERR(parse("[\"\xc0\xaf\"]", &j, &d), SG_ERR_JSON_UTF8);
	CHECK_ERR(parse("", &j, &d), SG_ERR_TRUNCATED);
	/* Depth limit from limits.h. */
	char deep[200];
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	CHECK_ERR(parse(deep, &j, &d), SG_ERR_JSON_DEPTH);
	deep[30] = '\0';
	memset(deep, '[', 15);
	memset(deep + 15, ']', 15);
	CHECK_OK(parse(deep, &j, &d));
	/* Caller token array too small. */
	vfj_token toks[2];
	CHECK_ERR(sg_json_parse_into((const uint8_t *)"[1,2,3]", 7, toks, 2, "doc", &j, NULL),
		SG_ERR_JSON_TOKENS);
	CHECK_OK(sg_json_parse_into((const uint8_t *)"[1]", 3, toks, 2, "doc", &j, NULL));
	/* An arena too small for the tokens. */
	uint8_t small[32];
	sg_arena a2;
	sg_arena_init(&a2, small, sizeof small);
	CHECK_ERR(sg_json_parse((const uint8_t *)"[1,2,3,4,5]", 11, &a2, "doc", &j, NULL),
		SG_ERR_LIMIT);
}

static void
test_getters(void)
{
	sg_json j;
	sg_diag d;
	const char *doc =
		"{\"s\":\"plain\",\"e\":\"a\\nb\\u00e9\",\"b\":\"aGVsbG8=\","
		"\"u\":\"-_8\",\"bad\":\"aGVsbG8\",\"bad2\":\"a$==\",\"i\":\"123\",\"n\":-7,"
		"\"f\":1.5,\"big\":\"9223372036854775808\","
		"\"min\":\"-9223372036854775808\",\"z\":null,"
		"\"t\":\"2022-12-31T23:59:59.999Z\",\"o\":{\"p\":{\"q\":\"deep\"}},"
		"\"arr\":[1,2,3]}";
	CHECK_OK(parse(doc, &j, &d));
	size_t r = sg_json_root(&j);
	sg_slice s;
	int present = 7;
	CHECK_OK(sg_json_get_str(&j, r, "s", SG_JSON_REQUIRED, "s", &arena, &s, &present, &d));
	CHECK(present == 1 && sg_slice_eq_str(s, "plain"));
	/* Zero-copy: points into the input. */
	CHECK(s.p > (const uint8_t *)doc && s.p < (const uint8_t *)doc + strlen(doc));
	CHECK_OK(sg_json_get_str(&j, r, "e", SG_JSON_REQUIRED, "e", &arena, &s, NULL, &d));
	CHECK(sg_slice_eq_str(s, "a\nb\xc3\xa9"));
	CHECK_OK(sg_json_get_b64(&j, r, "b", SG_JSON_REQUIRED, "b", &arena, &s, NULL, &d));
	CHECK(sg_slice_eq_str(s, "hello"));
	CHECK_OK(sg_json_get_b64(&j, r, "u", SG_JSON_REQUIRED, "u", &arena, &s, NULL, &d));
	CHECK(s.len == 2 && s.p[0] == 0xfb && s.p[1] == 0xff);
	CHECK_OK(sg_json_get_b64(&j, r, "bad", SG_JSON_REQUIRED, "bad", &arena, &s, NULL, &d));
	CHECK(sg_slice_eq_str(s, "hello")); /* unpadded is accepted (proto3 JSON) */
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_json_get_b64(
			  &j, r, "bad2", SG_JSON_REQUIRED, "field bad2", &arena, &s, NULL, &d),
		SG_ERR_B64_CHAR);
	CHECK(strcmp(d.what, "field bad2") == 0 && d.has_offset);
	CHECK(s.p == NULL && s.len == 0);

	int64_t v;
	CHECK_OK(sg_json_get_int64(&j, r, "i", SG_JSON_REQUIRED, "i", &v, NULL, &d));
	CHECK(v == 123);
	CHECK_OK(sg_json_get_int64(&j, r, "n", SG_JSON_REQUIRED, "n", &v, NULL, &d));
	CHECK(v == -7);
	CHECK_ERR(sg_json_get_int64(&j, r, "f", SG_JSON_REQUIRED, "f", &v, NULL, NULL),
		SG_ERR_JSON_VALUE);
	CHECK_ERR(sg_json_get_int64(&j, r, "big", SG_JSON_REQUIRED, "big", &v, NULL, NULL),
		SG_ERR_JSON_RANGE);
	CHECK(v == 0);
	CHECK_OK(sg_json_get_int64(&j, r, "min", SG_JSON_REQUIRED, "min", &v, NULL, &d));
	CHECK(v == INT64_MIN);
	CHECK_ERR(sg_json_get_int64(&j, r, "s", SG_JSON_REQUIRED, "s", &v, NULL, NULL),
		SG_ERR_JSON_VALUE);
	CHECK_ERR(sg_json_get_int64(&j, r, "o", SG_JSON_REQUIRED, "o", &v, NULL, NULL),
		SG_ERR_JSON_TYPE);
	/* null is absent. */
	present = 7;
	CHECK_OK(sg_json_get_int64(&j, r, "z", SG_JSON_OPTIONAL, "z", &v, &present, &d));
	CHECK(present == 0);
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_json_get_str(&j, r, "z", SG_JSON_REQUIRED, "field z", &arena, &s, NULL, &d),
		SG_ERR_JSON_MISSING);
	CHECK(d.code == SG_ERR_JSON_MISSING && strcmp(d.what, "field z") == 0);
	CHECK_ERR(sg_json_get_str(&j, r, "nope", SG_JSON_REQUIRED, "nope", &arena, &s, NULL, NULL),
		SG_ERR_JSON_MISSING);
	CHECK_OK(sg_json_get_str(
		&j, r, "nope", SG_JSON_OPTIONAL, "nope", &arena, &s, &present, NULL));
	CHECK(present == 0 && s.p == NULL);
	CHECK_ERR(sg_json_get_str(&j, r, "n", SG_JSON_REQUIRED, "n", &arena, &s, NULL, NULL),
		SG_ERR_JSON_TYPE);

	int64_t t;
	CHECK_OK(sg_json_get_time(&j, r, "t", SG_JSON_REQUIRED, "t", &t, NULL, &d));
	CHECK(t == 1672531199);
	CHECK_ERR(sg_json_get_time(&j, r, "s", SG_JSON_REQUIRED, "s", &t, NULL, NULL),
		SG_ERR_JSON_VALUE);

	size_t o, arr, n;
	CHECK_OK(sg_json_get_obj(&j, r, "o", SG_JSON_REQUIRED, "o", &o, &d));
	CHECK_ERR(
		sg_json_get_obj(&j, r, "arr", SG_JSON_REQUIRED, "arr", &o, NULL), SG_ERR_JSON_TYPE);
	CHECK(o == SG_JSON_NONE);
	CHECK_OK(sg_json_get_arr(&j, r, "arr", SG_JSON_REQUIRED, "arr", &arr, &n, &d));
	CHECK(n == 3 && sg_json_count(&j, arr) == 3);
	size_t k = 0;
	for (size_t e = sg_json_first(&j, arr); e != SG_JSON_NONE; e = sg_json_next(&j, e)) {
		CHECK_OK(sg_json_int64(&j, e, "elem", &v, NULL));
		CHECK(v == (int64_t)++k);
	}
	CHECK(k == 3);
	CHECK_ERR(sg_json_get_arr(&j, r, "o", SG_JSON_REQUIRED, "o", &arr, &n, NULL),
		SG_ERR_JSON_TYPE);

	size_t q = sg_json_path(&j, r, "o.p.q");
	CHECK(q != SG_JSON_NONE);
	CHECK_OK(sg_json_str(&j, q, "q", &arena, &s, NULL));
	CHECK(sg_slice_eq_str(s, "deep"));
	CHECK(sg_json_path(&j, r, "o.x.q") == SG_JSON_NONE);
	CHECK(sg_json_path(&j, r, "s.x") == SG_JSON_NONE);
	CHECK(sg_json_get(&j, arr, "x") == SG_JSON_NONE);
	/* A member getter on a non-object. */
	CHECK_ERR(sg_json_get_str(&j, arr, "x", SG_JSON_OPTIONAL, "x", &arena, &s, NULL, NULL),
		SG_ERR_JSON_TYPE);
}

static void
test_int64_strings(void)
{
	static const struct {
		const char *json;
		sg_err want;
		int64_t v;
	} cases[] = {
		{"[\"0\"]", SG_OK, 0},
		{"[\"1\"]", SG_OK, 1},
		{"[\"-1\"]", SG_OK, -1},
		{"[\"9223372036854775807\"]", SG_OK, INT64_MAX},
		{"[\"01\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"-0\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"+1\"]", SG_ERR_JSON_VALUE, 0},
		{"[\" 1\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"1 \"]", SG_ERR_JSON_VALUE, 0},
		{"[\"\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"-\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"1e3\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"\\u0031\"]", SG_ERR_JSON_VALUE, 0},
		{"[\"-9223372036854775809\"]", SG_ERR_JSON_RANGE, 0},
		{"[\"99999999999999999999\"]", SG_ERR_JSON_RANGE, 0},
		{"[9223372036854775808]", SG_ERR_JSON_RANGE, 0},
		{"[1e3]", SG_ERR_JSON_VALUE, 0},
		{"[true]", SG_ERR_JSON_TYPE, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sg_json j;
		sg_diag d;
		CHECK_OK(parse(cases[i].json, &j, &d));
		int64_t v = 42;
		CHECK_ERR(sg_json_int64(&j, sg_json_first(&j, 0), "v", &v, NULL), cases[i].want);
		CHECK(v == cases[i].v);
	}
}

static void
test_canonical(void)
{
	const char *in = "{ \"b\" : [1, 2.50, 1E3, -0], \"a\":\"\\u00e9\\/\", \"c\": {\"z\":1,"
			 "\"y\":null}}";
	sg_slice out;
	sg_arena_reset(&arena);
	CHECK_OK(sg_json_canonicalize((const uint8_t *)in, strlen(in), &arena, &out, NULL));
	CHECK(sg_slice_eq_str(out,
		"{\"a\":\"\xc3\xa9/\",\"b\":[1,2.5,1000,0],\"c\":{\"y\":null,"
		"\"z\":1}}"));
	sg_diag d;
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_json_canonicalize((const uint8_t *)"{\"a\":}", 6, &arena, &out, &d),
		SG_ERR_JSON_SYNTAX);
	CHECK(out.p == NULL && d.has_offset && d.offset == 5);
}

/* Every proper prefix of a document fails, placed before a guard page; none crashes. */
static void
test_prefixes(void)
{
	const char *doc = "{\"mediaType\":\"x\",\"list\":[{\"k\":\"v\\u00e9\"},1.5e3,true,null],"
			  "\"n\":\"123\"}";
	size_t len = strlen(doc);
	size_t fails = 0;
	for (size_t n = 0; n < len; n++) {
		const uint8_t *p = guard_put(doc, n);
		sg_json j;
		sg_arena_reset(&arena);
		if (sg_json_parse(p, n, &arena, "doc", &j, NULL) != SG_OK)
			fails++;
	}
	CHECK(fails == len);
	const uint8_t *p = guard_put(doc, len);
	sg_json j;
	sg_arena_reset(&arena);
	CHECK_OK(sg_json_parse(p, len, &arena, "doc", &j, NULL));
	guard_release();
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_errors();
	test_getters();
	test_int64_strings();
	test_canonical();
	test_prefixes();
	return test_finish();
}
