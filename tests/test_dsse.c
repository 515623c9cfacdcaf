/* Unit tests for dsse: PAE known answers (DSSE spec example, empty values), streaming PAE hash
 * equals the hash of the built PAE, envelope parsing and rejections, in-toto subject digests
 * from real bundles, and the Rekor v2 rule "hashedrekord digest = SHA-256(PAE)". */
#include <string.h>

#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "guard.h"
#include "parse/codec.h"
#include "sigstore/intoto.h"
#include "runner.h"
#include "vectors.h"

static uint8_t arena_mem[4u << 20];
static sg_arena arena;
static sg_entity ent;

static void
test_pae(void)
{
	/* The example in the DSSE protocol document. */
	uint8_t mem[256];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	sg_slice type = sg_slice_str("http://example.com/HelloWorld");
	sg_slice body = sg_slice_str("hello world");
	CHECK_OK(sg_dsse_pae(type, body, &b));
	CHECK(sg_slice_eq_str(sg_buf_slice(&b),
		"DSSEv1 29 http://example.com/HelloWorld 11 hello "
		"world"));
	CHECK(sg_dsse_pae_len(type.len, body.len) == b.len);
	uint8_t h1[32], h2[32];
	sg_sha256(b.p, b.len, h1);
	sg_dsse_pae_hash(SG_HASH_SHA256, type, body, h2);
	CHECK(memcmp(h1, h2, 32) == 0);
	/* Empty type and body. */
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_OK(sg_dsse_pae(sg_slice_make(NULL, 0), sg_slice_make(NULL, 0), &b));
	CHECK(sg_slice_eq_str(sg_buf_slice(&b), "DSSEv1 0  0 "));
	CHECK(sg_dsse_pae_len(0, 0) == 12);
	/* A body of 1000 bytes: the length is written in decimal, not padded. */
	static uint8_t big[1000];
	memset(big, 'x', sizeof big);
	static uint8_t out[1100];
	sg_buf_init(&b, out, sizeof out);
	CHECK_OK(sg_dsse_pae(sg_slice_str("t"), sg_slice_make(big, sizeof big), &b));
	CHECK(memcmp(out, "DSSEv1 1 t 1000 x", 17) == 0 && b.len == 1016);
	uint8_t h3[64], h4[64];
	sg_sha512(out, b.len, h3);
	sg_dsse_pae_hash(SG_HASH_SHA512, sg_slice_str("t"), sg_slice_make(big, sizeof big), h4);
	CHECK(memcmp(h3, h4, 64) == 0);
	/* Not enough room. */
	sg_buf_init(&b, out, 20);
	CHECK_ERR(sg_dsse_pae(sg_slice_str("t"), sg_slice_make(big, sizeof big), &b), SG_ERR_LIMIT);
	CHECK(sg_dsse_pae_len(SIZE_MAX, 1) == 0);
}

static void
test_envelope(void)
{
	const char *env =
		"{\"payloadType\":\"text/plain\",\"payload\":\"aGVsbG8=\","
		"\"signatures\":[{\"keyid\":\"k1\",\"sig\":\"MEUC\"},{\"sig\":\"AQID\"}]}";
	sg_dsse_envelope e;
	sg_arena_reset(&arena);
	CHECK_OK(sg_dsse_parse((const uint8_t *)env, strlen(env), &arena, &e, NULL));
	CHECK(sg_slice_eq_str(e.payload_type, "text/plain") && sg_slice_eq_str(e.payload, "hello"));
	CHECK(e.n_sigs == 2 && sg_slice_eq_str(e.sigs[0].keyid, "k1") && e.sigs[1].keyid.len == 0);
	CHECK(e.sigs[1].sig.len == 3 && e.sigs[1].sig.p[2] == 3);
	static const struct {
		const char *json;
		sg_err want;
	} bad[] = {
		{"{\"payloadType\":\"t\",\"payload\":\"aGVsbG8=\",\"signatures\":[]}",
			SG_ERR_VERIFY_DSSE},
		{"{\"payloadType\":\"t\",\"payload\":\"aGVsbG8=\",\"signatures\":[{\"sig\":\"\"}]}",
			SG_ERR_VERIFY_DSSE},
		{"{\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AA==\"}]}",
			SG_ERR_JSON_MISSING},
		{"{\"payload\":\"aGVsbG8=\",\"signatures\":[{\"sig\":\"AA==\"}]}",
			SG_ERR_JSON_MISSING},
		{"{\"payloadType\":\"t\",\"payload\":\"a*VsbG8=\",\"signatures\":[{\"sig\":\"AA=="
		 "\"}]}",
			SG_ERR_B64_CHAR},
		{"{\"payloadType\":1,\"payload\":\"aGVsbG8=\",\"signatures\":[{\"sig\":\"AA==\"}]}",
			SG_ERR_JSON_TYPE},
		{"{\"payloadType\":\"t\",\"payload\":\"aGVsbG8=\",\"signatures\":[\"AA==\"]}",
			SG_ERR_JSON_TYPE},
		{"{\"payloadType\":\"t\",\"payload\":\"aGVsbG8=\",\"signatures\":[{\"sig\":\"AA=="
		 "\"},"
		 "{\"sig\":\"AA==\"},{\"sig\":\"AA==\"},{\"sig\":\"AA==\"},{\"sig\":\"AA==\"},{"
		 "\"sig\":"
		 "\"AA==\"},{\"sig\":\"AA==\"},{\"sig\":\"AA==\"},{\"sig\":\"AA==\"}]}",
			SG_ERR_LIMIT},
		{"[1]", SG_ERR_JSON_TYPE},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_arena_reset(&arena);
		sg_err r = sg_dsse_parse(
			(const uint8_t *)bad[i].json, strlen(bad[i].json), &arena, &e, NULL);
		CHECK_ERR(r, bad[i].want);
		CHECK(e.n_sigs == 0 && e.payload.p == NULL);
	}
	/* Every proper prefix fails. */
	size_t len = strlen(env), fails = 0;
	for (size_t k = 0; k < len; k++) {
		sg_arena_reset(&arena);
		const uint8_t *g = guard_put(env, k);
		fails += sg_dsse_parse(g, k, &arena, &e, NULL) != SG_OK;
	}
	guard_release();
	CHECK(fails == len);
}

static void
test_intoto(void)
{
	uint8_t a_txt[32];
	test_hex_to("a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf", a_txt);
	if (!test_load_case_bundle("happy-path-intoto-in-dsse-v3", &arena, &ent, NULL)) {
		TEST_SKIP("conformance vectors not found");
		return;
	}
	CHECK(sg_slice_eq_str(ent.dsse.payload_type, SG_DSSE_PAYLOAD_TYPE_INTOTO));
	sg_intoto_statement st;
	CHECK_OK(sg_intoto_parse(ent.dsse.payload.p, ent.dsse.payload.len, &arena, &st, NULL));
	CHECK(st.n_subjects == 1 && sg_slice_eq_str(st.subjects[0].name, "a.txt"));
	CHECK(sg_slice_eq_str(st.predicate_type, "https://slsa.dev/provenance/v1"));
	CHECK(sg_intoto_has_digest(&st, SG_HASH_SHA256, a_txt, 32));
	a_txt[31] ^= 1;
	CHECK(!sg_intoto_has_digest(&st, SG_HASH_SHA256, a_txt, 32));
	CHECK(!sg_intoto_has_digest(&st, SG_HASH_SHA512, a_txt, 32));

	/* The dsse 0.0.1 body's payload hash is SHA-256 of the payload. */
	sg_tlog_body b;
	CHECK_OK(sg_tlog_body_parse(ent.tlog[0].body.p, ent.tlog[0].body.len, &arena, &b, NULL));
	uint8_t h[32];
	sg_sha256(ent.dsse.payload.p, ent.dsse.payload.len, h);
	CHECK(memcmp(h, b.payload_hash.value, 32) == 0);

	/* Rekor v2 logs DSSE as a hashedrekord whose digest is SHA-256 of the PAE. */
	if (test_load_case_bundle("rekor2-dsse-happy-path", &arena, &ent, NULL)) {
		CHECK_OK(sg_tlog_body_parse(
			ent.tlog[0].body.p, ent.tlog[0].body.len, &arena, &b, NULL));
		sg_dsse_pae_hash(SG_HASH_SHA256, ent.dsse.payload_type, ent.dsse.payload, h);
		CHECK(b.rekor_v2 && b.data_hash.len == 32 && memcmp(h, b.data_hash.value, 32) == 0);
		CHECK(sg_slice_eq(b.sigs[0].sig, ent.dsse.sigs[0].sig));
	}
	/* A custom-root case has a pretty-printed v1 statement for d.txt. */
	if (test_load_case_bundle("intoto-with-custom-trust-root", &arena, &ent, NULL)) {
		CHECK_OK(sg_intoto_parse(
			ent.dsse.payload.p, ent.dsse.payload.len, &arena, &st, NULL));
		uint8_t d_txt[32];
		test_hex_to("330a043220fa13e01d68a7db39c89e12b0c4c3b6a0346fe624b0903f1303b5b2", d_txt);
		CHECK(sg_intoto_has_digest(&st, SG_HASH_SHA256, d_txt, 32));
	}

	static const struct {
		const char *json;
		sg_err want;
	} cases[] = {
		{"{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"p\","
		 "\"subject\":[{\"digest\":{\"sha256\":"
		 "\"a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4c"
		 "bb190a30d56efa01bf\",\"gitCommit\":\"abc\"}}]}",
			SG_OK},
		{"{\"_type\":\"https://example.com/Statement\",\"predicateType\":\"p\","
		 "\"subject\":[{\"digest\":{}}]}",
			SG_ERR_VERIFY_PAYLOAD},
		{"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"p\","
		 "\"subject\":[]}",
			SG_ERR_VERIFY_PAYLOAD},
		{"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"p\","
		 "\"subject\":[{\"name\":\"x\"}]}",
			SG_ERR_JSON_MISSING},
		{"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"p\","
		 "\"subject\":[{\"digest\":{\"sha256\":\"abcd\"}}]}",
			SG_ERR_VERIFY_PAYLOAD},
		{"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"p\","
		 "\"subject\":[{\"digest\":{\"sha256\":"
		 "\"A0CFC71271D6E278E57CD332FF957C3F7043FDDA354C4C"
		 "BB190A30D56EFA01BF\"}}]}",
			SG_ERR_HEX},
		{"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{}}]}",
			SG_ERR_JSON_MISSING},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sg_arena_reset(&arena);
		sg_err r = sg_intoto_parse(
			(const uint8_t *)cases[i].json, strlen(cases[i].json), &arena, &st, NULL);
		if (r != cases[i].want)
			fprintf(stderr, "in-toto case %zu: %s\n", i, sg_err_name(r));
		CHECK_ERR(r, cases[i].want);
		if (r == SG_OK) {
			a_txt[31] ^= 1;
			CHECK(sg_intoto_has_digest(&st, SG_HASH_SHA256, a_txt, 32));
			a_txt[31] ^= 1;
		} else {
			CHECK(st.n_subjects == 0);
		}
	}
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_pae();
	test_envelope();
	test_intoto();
	return test_finish();
}
