/* Unit tests for intoto: the statement cosign v3 signs (cosign-v3.md §1.2, the real capture's
 * whitespace included), subject annotations and cosign's claim check, the bounds sigstore-go
 * applies (2,000 subjects, 33 digests), the writer's exact bytes and its round trip, and every
 * proper prefix of a statement failing cleanly. Links the offline archive alone. */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "runner.h"
#include "sigstore/intoto.h"

static uint8_t arena_mem[8u << 20];

static sg_arena
fresh_arena(void)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	return a;
}

#define HEX "5099b89d7666cc2186cad769ddc262ddc7c335b33f5fe79f9ffe50a01282b23e"

/* The start of a Statement v1 document. */
#define ST_V1 "{\"_type\":\"https://in-toto.io/Statement/v1\","
/* The real cosign v3 statement (cosign-v3.md §1.2: protojson's ", " included). */
static const char real[] =
	"{\"_type\":\"https://in-toto.io/Statement/v1\", \"subject\":[{\"digest\":{\"sha256\":"
	"\"" HEX "\"}, \"annotations\":{}}], \"predicateType\":"
	"\"https://sigstore.dev/cosign/sign/v1\", \"predicate\":{}}";

static void
digest_of_hex(uint8_t out[32])
{
	for (size_t i = 0; i < 32; i++) {
		unsigned v;
		sscanf(HEX + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void
test_real(void)
{
	sg_arena a = fresh_arena();
	sg_intoto_statement st;
	uint8_t dg[32];
	digest_of_hex(dg);
	const uint8_t *in = guard_put(real, sizeof real - 1);
	CHECK_OK(sg_intoto_parse(in, sizeof real - 1, &a, &st, NULL));
	CHECK(sg_slice_eq_str(st.type, SG_INTOTO_STATEMENT_V1));
	CHECK(sg_slice_eq_str(st.predicate_type, SG_INTOTO_COSIGN_SIGN));
	CHECK(st.n_subjects == 1 && st.subjects[0].annotations != SG_JSON_NONE);
	CHECK(sg_intoto_find_subject(&st, SG_HASH_SHA256, dg, 32) == 0);
	dg[0] ^= 1;
	CHECK(sg_intoto_find_subject(&st, SG_HASH_SHA256, dg, 32) == -1);
	/* No annotations asked: passes; one asked: cosign's message. */
	CHECK_OK(sg_intoto_check_annotations(&st, 0, NULL, 0, &a, NULL));
	sg_kv want = {sg_slice_str("build"), sg_slice_str("42")};
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_intoto_check_annotations(&st, 0, &want, 1, &a, &d), SG_ERR_POLICY_ANNOTATION);
	char msg[256];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "missing or incorrect annotation") == 0);
	/* Every proper prefix fails and never reads past its end. */
	size_t bad = 0;
	for (size_t n = 0; n < sizeof real - 1; n++) {
		sg_arena b = fresh_arena();
		in = guard_put(real, n);
		bad += sg_intoto_parse(in, n, &b, &st, NULL) == SG_OK;
	}
	CHECK(bad == 0);
}

static void
test_annotations(void)
{
	static const char doc[] =
		ST_V1 "\"subject\":[{\"digest\":{\"sha256\":"
		"\"" HEX "\"},\"annotations\":{\"build\":\"42\",\"n\":42,\"esc\":\"a\\u0062\"}}],"
		"\"predicateType\":\"x\",\"predicate\":{}}";
	sg_arena a = fresh_arena();
	sg_intoto_statement st;
	CHECK_OK(sg_intoto_parse((const uint8_t *)doc, sizeof doc - 1, &a, &st, NULL));
	sg_kv ok[2] = {{sg_slice_str("build"), sg_slice_str("42")},
		{sg_slice_str("esc"), sg_slice_str("ab")}};
	CHECK_OK(sg_intoto_check_annotations(&st, 0, ok, 2, &a, NULL));
	/* A number never equals the string given on the command line (cosign compares values). */
	sg_kv num = {sg_slice_str("n"), sg_slice_str("42")};
	CHECK_ERR(sg_intoto_check_annotations(&st, 0, &num, 1, &a, NULL),
		SG_ERR_POLICY_ANNOTATION);
	sg_kv wrong = {sg_slice_str("build"), sg_slice_str("43")};
	CHECK_ERR(sg_intoto_check_annotations(&st, 0, &wrong, 1, &a, NULL),
		SG_ERR_POLICY_ANNOTATION);
	/* annotations must be an object */
	static const char arr[] =
		ST_V1 "\"subject\":[{\"digest\":{\"sha256\":"
		"\"" HEX "\"},\"annotations\":[]}],\"predicateType\":\"x\"}";
	CHECK_ERR(sg_intoto_parse((const uint8_t *)arr, sizeof arr - 1, &a, &st, NULL),
		SG_ERR_JSON_TYPE);
	/* a digest value that is not a string */
	static const char num_digest[] =
		ST_V1 "\"subject\":[{\"digest\":{\"md5\":1}}],"
		"\"predicateType\":\"x\"}";
	CHECK_ERR(sg_intoto_parse((const uint8_t *)num_digest, sizeof num_digest - 1, &a, &st,
		NULL), SG_ERR_JSON_TYPE);
}

/* A statement with `subjects` subjects of `digests` digests each. */
static size_t
big_statement(char *buf, size_t cap, size_t subjects, size_t digests)
{
	size_t n = (size_t)snprintf(buf, cap,
		ST_V1 "\"predicateType\":\"x\",\"subject\":[");
	for (size_t i = 0; i < subjects && n < cap; i++) {
		n += (size_t)snprintf(buf + n, cap - n, "%s{\"digest\":{", i ? "," : "");
		for (size_t k = 0; k < digests && n < cap; k++)
			n += (size_t)snprintf(buf + n, cap - n, "%s\"a%zu\":\"00\"", k ? "," : "",
				k);
		n += (size_t)snprintf(buf + n, cap - n, "}}");
	}
	n += (size_t)snprintf(buf + n, cap - n, "]}");
	return n;
}

static void
test_bounds(void)
{
	static char buf[1u << 20];
	sg_arena a = fresh_arena();
	sg_intoto_statement st;
	size_t n = big_statement(buf, sizeof buf, 1024, 1);
	CHECK_OK(sg_intoto_parse((const uint8_t *)buf, n, &a, &st, NULL));
	a = fresh_arena();
	n = big_statement(buf, sizeof buf, 2000, 1);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_intoto_parse((const uint8_t *)buf, n, &a, &st, &d), SG_ERR_LIMIT);
	CHECK(strstr(d.detail, "2000 subjects") != NULL);
	a = fresh_arena();
	n = big_statement(buf, sizeof buf, 1, 32);
	CHECK_OK(sg_intoto_parse((const uint8_t *)buf, n, &a, &st, NULL));
	n = big_statement(buf, sizeof buf, 1, 33);
	CHECK_ERR(sg_intoto_parse((const uint8_t *)buf, n, &a, &st, NULL), SG_ERR_LIMIT);
}

static void
test_write(void)
{
	uint8_t mem[1024];
	sg_buf b;
	sg_intoto_spec s;
	memset(&s, 0, sizeof s);
	s.type = SG_INTOTO_STATEMENT_V1;
	digest_of_hex(s.sha256);
	s.with_annotations = 1;
	s.predicate_type = sg_slice_str(SG_INTOTO_COSIGN_SIGN);
	s.predicate = sg_slice_str("{}");
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_OK(sg_intoto_write(&s, &b, NULL));
	static const char want[] =
		ST_V1 "\"subject\":[{\"digest\":{\"sha256\":"
		"\"" HEX "\"},\"annotations\":{}}],\"predicateType\":"
		"\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}";
	CHECK(b.len == sizeof want - 1 && memcmp(b.p, want, b.len) == 0);

	/* Annotations sorted by key; a name for attest; an arbitrary predicate; round trip. */
	sg_kv an[2] = {{sg_slice_str("z"), sg_slice_str("\"q\"")}, {sg_slice_str("a"),
		sg_slice_str("1")}};
	s.annots = an;
	s.n_annots = 2;
	s.type = SG_INTOTO_STATEMENT_V01;
	s.name = sg_slice_str("localhost:5000/app");
	s.predicate = sg_slice_str("{\"Data\":\"x\",\"Timestamp\":\"t\"}");
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_OK(sg_intoto_write(&s, &b, NULL));
	CHECK(strstr((const char *)mem, "\"annotations\":{\"a\":\"1\",\"z\":\"\\\"q\\\"\"}") !=
		NULL);
	sg_arena a = fresh_arena();
	sg_intoto_statement st;
	CHECK_OK(sg_intoto_parse(b.p, b.len, &a, &st, NULL));
	CHECK(sg_slice_eq_str(st.subjects[0].name, "localhost:5000/app"));
	CHECK_OK(sg_intoto_check_annotations(&st, 0, an, 2, &a, NULL));

	/* Refusals: duplicate keys, a predicate that is not JSON, a full buffer. */
	an[1].key = sg_slice_str("z");
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_ERR(sg_intoto_write(&s, &b, NULL), SG_ERR_ARG);
	an[1].key = sg_slice_str("a");
	s.predicate = sg_slice_str("{");
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_ERR(sg_intoto_write(&s, &b, NULL), SG_ERR_ARG);
	s.predicate = sg_slice_str("{}");
	sg_buf_init(&b, mem, 40);
	CHECK_ERR(sg_intoto_write(&s, &b, NULL), SG_ERR_LIMIT);

	/* sg_intoto_make sizes for the worst escapes: names and values of control bytes. */
	static const char ctl[] = "\x01<>&\x02\x03\x04\x05\x06\x07\x08";
	an[0].value = sg_slice_str(ctl);
	an[1].value = sg_slice_str(ctl);
	s.name = sg_slice_str(ctl);
	s.predicate_type = sg_slice_str(ctl);
	sg_slice made;
	CHECK_OK(sg_intoto_make(&s, &a, &made, NULL));
	CHECK_OK(sg_intoto_parse(made.p, made.len, &a, &st, NULL));
	CHECK(sg_slice_eq_str(st.subjects[0].name, ctl) && sg_slice_eq_str(st.predicate_type, ctl));
}

int
main(void)
{
	test_real();
	test_annotations();
	test_bounds();
	test_write();
	guard_release();
	return test_finish();
}
