/* Unit tests for signing_config: the public-good SigningConfig v0.2 (and its Rekor v2 variant)
 * from the shared vectors, and sigstore-go's selection rules one by one: validity windows
 * (inclusive, open end), the highest supported API version, never mixing versions, newest
 * start first, one service per operator, ALL/ANY/EXACT/UNDEFINED, and the strict media type. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "runner.h"
#include "sigstore/signing_config.h"

static uint8_t mem[1u << 20];
static sg_arena arena;
static sg_signing_config sc;

static sg_err
parse(const char *json)
{
	sg_arena_init(&arena, mem, sizeof mem);
	return sg_signing_config_parse((const uint8_t *)json, strlen(json), &arena, &sc, NULL);
}

static int64_t
at(const char *rfc3339)
{
	int64_t t = 0;
	if (sg_time_parse_rfc3339((const uint8_t *)rfc3339, strlen(rfc3339), &t, NULL) != SG_OK)
		abort();
	return t;
}

static const uint32_t V1[] = {1}, V12[] = {1, 2};

#define SVC(url, major, start, end, op) \
	"{\"url\":\"" url "\",\"majorApiVersion\":" #major ",\"validFor\":{\"start\":\"" start \
	"\"" end "},\"operator\":\"" op "\"}"
#define CFG(tlogs, sel) \
	"{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\"," \
	"\"caUrls\":[" SVC("https://ca-old", 1, "2020-01-01T00:00:00Z", "", "a") "," \
	SVC("https://ca-new", 1, "2023-01-01T00:00:00Z", "", "a") "]," \
	"\"rekorTlogUrls\":[" tlogs "],\"rekorTlogConfig\":{" sel "}}"

static void
test_public_good(void)
{
	size_t n;
	unsigned char *p = test_read_vec("tuf/public-good-2026-08-21/targets/"
					 "9711a6d5375706957a4859af31c5866a4474f81f0544f9f4b76c9c4f4c8a539c"
					 ".signing_config.v0.2.json",
		&n);
	if (p == NULL)
		return;
	sg_arena_init(&arena, mem, sizeof mem);
	CHECK_OK(sg_signing_config_parse(p, n, &arena, &sc, NULL));
	CHECK(sc.n[SG_SC_CA] == 1 && sc.n[SG_SC_OIDC] == 1 && sc.n[SG_SC_TLOG] == 1 &&
		sc.n[SG_SC_TSA] == 1);
	CHECK(sc.selector[SG_SC_TLOG] == SG_SC_SEL_ANY && sc.selector[SG_SC_TSA] == SG_SC_SEL_ANY);
	const sg_sc_service *s, *list[4];
	int other;
	size_t k;
	int64_t now = at("2026-08-22T00:00:00Z");
	CHECK_OK(sg_signing_config_select_one(&sc, SG_SC_CA, now, V1, 1, &s, &other, NULL));
	CHECK(sg_slice_eq_str(s->url, "https://fulcio.sigstore.dev"));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, now, V12, 2, list, 4, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url, "https://rekor.sigstore.dev"));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TSA, now, V1, 1, list, 4, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url,
				"https://timestamp.sigstore.dev/api/v1/timestamp"));
	/* The TSA entry starts 2025-07-04: before that there is none. */
	CHECK_ERR(sg_signing_config_select(&sc, SG_SC_TSA, at("2025-07-03T23:59:59Z"), V1, 1, list,
			  4, &k, &other, NULL),
		SG_ERR_NOT_FOUND);
	free(p);
}

static void
test_selection(void)
{
	const sg_sc_service *s, *list[8];
	int other;
	size_t k;
	/* A selector spelt with escapes is the same selector (it was unescaped through a NULL
	 * arena until make fuzz-long found it; fuzz/regress/signing_config keeps that input). */
	CHECK_OK(parse(CFG("", "\"selector\":\"\\u0041LL\"")));
	CHECK(sc.selector[SG_SC_TLOG] == SG_SC_SEL_ALL);
	CHECK_OK(parse(CFG("", "\"selector\":\"AN\\u0059\"")));
	CHECK(sc.selector[SG_SC_TLOG] == SG_SC_SEL_ANY);
	/* CA: the newest start of the valid ones. */
	CHECK_OK(parse(CFG("", "\"selector\":\"ANY\"")));
	CHECK_OK(sg_signing_config_select_one(&sc, SG_SC_CA, at("2024-01-01T00:00:00Z"), V1, 1, &s,
		&other, NULL));
	CHECK(sg_slice_eq_str(s->url, "https://ca-new"));
	CHECK_OK(sg_signing_config_select_one(&sc, SG_SC_CA, at("2022-01-01T00:00:00Z"), V1, 1, &s,
		&other, NULL));
	CHECK(sg_slice_eq_str(s->url, "https://ca-old"));
	/* Logs: v2 wins for a v1+v2 client once valid; a v1-only client keeps v1 and is told a
	 * v2 log exists; versions never mix. */
	CHECK_OK(parse(CFG(SVC("https://v2", 2, "2026-01-01T00:00:00Z", "", "x") ","
			       SVC("https://v1", 1, "2021-01-01T00:00:00Z", "", "x"),
		"\"selector\":\"ALL\"")));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2026-06-01T00:00:00Z"), V12, 2,
		list, 8, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url, "https://v2"));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2026-06-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url, "https://v1") && other == 1);
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2025-06-01T00:00:00Z"), V12, 2,
		list, 8, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url, "https://v1"));
	/* Windows are inclusive at both ends; past the end the service is gone. */
	CHECK_OK(parse(CFG(SVC("https://e", 1, "2021-01-01T00:00:00Z",
				   ",\"end\":\"2022-01-01T00:00:00Z\"", "x"),
		"\"selector\":\"ANY\"")));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2022-01-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2021-01-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK_ERR(sg_signing_config_select(&sc, SG_SC_TLOG, at("2022-01-01T00:00:01Z"), V1, 1, list,
			  8, &k, &other, NULL),
		SG_ERR_NOT_FOUND);
	/* One per operator (the newest); ALL takes the rest; EXACT counts; ANY takes the newest. */
	const char *three = SVC("https://a1", 1, "2021-01-01T00:00:00Z", "", "a") ","
		SVC("https://a2", 1, "2022-01-01T00:00:00Z", "", "a") ","
		SVC("https://b1", 1, "2021-06-01T00:00:00Z", "", "b");
	char buf[2048];
	snprintf(buf, sizeof buf, CFG("%s", "\"selector\":\"ALL\""), three);
	CHECK_OK(parse(buf));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2023-01-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK(k == 2 && sg_slice_eq_str(list[0]->url, "https://a2") &&
		sg_slice_eq_str(list[1]->url, "https://b1"));
	snprintf(buf, sizeof buf, CFG("%s", "\"selector\":\"ANY\""), three);
	CHECK_OK(parse(buf));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2023-01-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK(k == 1 && sg_slice_eq_str(list[0]->url, "https://a2"));
	snprintf(buf, sizeof buf, CFG("%s", "\"selector\":\"EXACT\",\"count\":2"), three);
	CHECK_OK(parse(buf));
	CHECK_OK(sg_signing_config_select(&sc, SG_SC_TLOG, at("2023-01-01T00:00:00Z"), V1, 1, list,
		8, &k, &other, NULL));
	CHECK(k == 2);
	snprintf(buf, sizeof buf, CFG("%s", "\"selector\":\"EXACT\",\"count\":3"), three);
	CHECK_OK(parse(buf));
	CHECK_ERR(sg_signing_config_select(&sc, SG_SC_TLOG, at("2023-01-01T00:00:00Z"), V1, 1,
			  list, 8, &k, &other, NULL),
		SG_ERR_LIMIT);
	snprintf(buf, sizeof buf, CFG("%s", ""), three);
	CHECK_OK(parse(buf));
	CHECK_ERR(sg_signing_config_select(&sc, SG_SC_TLOG, at("2023-01-01T00:00:00Z"), V1, 1,
			  list, 8, &k, &other, NULL),
		SG_ERR_UNSUPPORTED);
}

static void
test_malformed(void)
{
	CHECK_ERR(parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.1+json\"}"),
		SG_ERR_UNSUPPORTED);
	CHECK_ERR(parse("{}"), SG_ERR_JSON_MISSING);
	CHECK_ERR(parse("[]"), SG_ERR_JSON_TYPE);
	CHECK(sc.n[SG_SC_CA] == 0);
	CHECK_ERR(parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
			"\"caUrls\":[{\"majorApiVersion\":1}]}"),
		SG_ERR_JSON_MISSING);
	CHECK_ERR(parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
			"\"caUrls\":[{\"url\":\"\"}]}"),
		SG_ERR_JSON_TYPE);
	CHECK_ERR(parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
			"\"caUrls\":[{\"url\":\"u\",\"majorApiVersion\":-1}]}"),
		SG_ERR_JSON_TYPE);
	CHECK_ERR(parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
			"\"caUrls\":[{\"url\":\"u\",\"validFor\":{\"start\":\"yesterday\"}}]}"),
		SG_ERR_JSON_VALUE);
	/* More services of a kind than the limit. */
	char big[8192];
	size_t off = (size_t)snprintf(big, sizeof big, "{\"mediaType\":\"application/vnd.dev."
						       "sigstore.signingconfig.v0.2+json\",\"tsaUrls\":[");
	for (unsigned i = 0; i <= SG_MAX_SC_SERVICES; i++)
		off += (size_t)snprintf(big + off, sizeof big - off, "%s{\"url\":\"u%u\"}",
			i ? "," : "", i);
	snprintf(big + off, sizeof big - off, "]}");
	CHECK_ERR(parse(big), SG_ERR_LIMIT);
}

int
main(void)
{
	test_public_good();
	test_selection();
	test_malformed();
	return test_finish();
}
