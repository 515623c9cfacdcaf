/* Unit tests for payload: the writer reproduces the real cosign payload of protocol.md §11
 * byte for byte, annotations and Go escaping, the strict parser (real payload, bad shapes,
 * every proper prefix), cosign's claim checks and messages, and the verify output element
 * (§7.3) for the real signature. */
#include <string.h>

#include "parse/codec.h"
#include "guard.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "parse/json.h"
#include "runner.h"
#include "vectors.h"

static uint8_t arena_mem[1u << 20];

static sg_arena
fresh_arena(void)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	return a;
}

#define HEX64 "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"
#define REAL_REF "192.168.64.2:5000/cosign-signed/fulcio-rekor-1"
#define CRIT(ref, dg) \
	"{\"critical\":{\"identity\":{\"docker-reference\":\"" ref "\"},\"image\":{\"docker-" \
	"manifest-digest\":\"" dg "\"},\"type\":\"cosign container image signature\"}"

static const char real_text[] = CRIT(REAL_REF, "sha256:" HEX64) ",\"optional\":null}";

struct real_sig {
	unsigned char *file;
	uint8_t payload[1024];
	size_t payload_len;
	sg_slice bundle;
};

static int
load_real(struct real_sig *rs, sg_arena *a)
{
	sg_json j;
	if (!test_real_sig_open(a, &rs->file, &j, rs->payload, sizeof rs->payload, &rs->payload_len))
		return 0;
	size_t an = sg_json_get(&j, sg_json_root(&j), "annotations");
	return sg_json_get_str(&j, an, "dev.sigstore.cosign/bundle", SG_JSON_REQUIRED, "b", a,
		       &rs->bundle, NULL, NULL) == SG_OK;
}

static void
test_writer(void)
{
	uint8_t dg[32];
	CHECK_OK(sg_oci_digest_parse((const uint8_t *)"sha256:" HEX64, 71, "d", dg, NULL));
	/* the docker-reference comes from the parsed image reference */
	sg_ociref r;
	static const char ref[] = REAL_REF "@sha256:" HEX64;
	CHECK_OK(sg_ociref_parse((const uint8_t *)ref, sizeof ref - 1, &r, NULL));
	char rn[600];
	sg_buf rb;
	sg_buf_init(&rb, rn, sizeof rn);
	CHECK_OK(sg_ociref_repo_name(&r, &rb));

	uint8_t out[1024];
	sg_buf b;
	sg_buf_init(&b, out, sizeof out);
	CHECK_OK(sg_payload_write(sg_buf_slice(&rb), dg, NULL, 0, &b, NULL));
	CHECK(b.len == 262 && b.len == sizeof real_text - 1);
	CHECK(memcmp(out, real_text, sizeof real_text - 1) == 0);

	/* byte-identical to the real cosign payload */
	sg_arena a = fresh_arena();
	struct real_sig rs;
	if (load_real(&rs, &a)) {
		CHECK(rs.payload_len == b.len && memcmp(rs.payload, out, b.len) == 0);
	} else {
		TEST_SKIP("vectors/real absent");
	}
	free(rs.file);

	/* annotations: sorted bytewise, Go escaping; Docker Hub normalisation in the reference */
	static const char hub[] = "alpine:3.19";
	CHECK_OK(sg_ociref_parse((const uint8_t *)hub, sizeof hub - 1, &r, NULL));
	sg_buf_init(&rb, rn, sizeof rn);
	CHECK_OK(sg_ociref_repo_name(&r, &rb));
	sg_oci_annot an[3] = {{sg_slice_str("sha"), sg_slice_str("<a&b>")},
		{sg_slice_str("Build"), sg_slice_str("x\"y\\z")},
		{sg_slice_str("run"), sg_slice_str("1")}};
	sg_buf_init(&b, out, sizeof out);
	CHECK_OK(sg_payload_write(sg_buf_slice(&rb), dg, an, 3, &b, NULL));
	static const char want[] = CRIT("index.docker.io/library/alpine", "sha256:" HEX64)
		",\"optional\":{\"Build\":\"x\\\"y\\\\z\",\"run\":\"1\",\"sha\":"
		"\"\\u003ca\\u0026b\\u003e\"}}";
	CHECK(b.len == sizeof want - 1 && memcmp(out, want, b.len) == 0);
	if (b.len != sizeof want - 1 || memcmp(out, want, b.len) != 0)
		fprintf(stderr, "  got %.*s\n", (int)b.len, out);

	/* duplicates, too small a buffer, invalid UTF-8 */
	sg_oci_annot dup[2] = {{sg_slice_str("k"), sg_slice_str("1")},
		{sg_slice_str("k"), sg_slice_str("2")}};
	sg_buf_init(&b, out, sizeof out);
	CHECK_ERR(sg_payload_write(sg_buf_slice(&rb), dg, dup, 2, &b, NULL), SG_ERR_ARG);
	CHECK(b.len == 0);
	sg_buf_init(&b, out, 100);
	CHECK_ERR(sg_payload_write(sg_buf_slice(&rb), dg, NULL, 0, &b, NULL), SG_ERR_LIMIT);
	CHECK(b.len == 0);
	sg_buf_init(&b, out, sizeof out);
	CHECK_ERR(sg_payload_write(sg_slice_make("\xff", 1), dg, NULL, 0, &b, NULL), SG_ERR_ARG);
}

static sg_err
parse_str(const char *s, sg_payload *p)
{
	static uint8_t mem[1 << 16];
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_payload_parse(g, strlen(s), &a, p, NULL);
}

static void
test_parser(void)
{
	sg_payload p;
	CHECK_OK(parse_str(real_text, &p));
	CHECK(sg_slice_eq_str(p.docker_reference, REAL_REF));
	CHECK(sg_slice_eq_str(p.digest_str, "sha256:" HEX64));
	CHECK(sg_slice_eq_str(p.type, "cosign container image signature"));
	CHECK(p.optional == SG_JSON_NONE);

	/* escapes are undone; optional objects and a missing optional are fine */
	CHECK_OK(parse_str(CRIT("a\\u002fb", "sha256:" HEX64) ",\"optional\":{\"k\":[1,{}]}}", &p));
	CHECK(sg_slice_eq_str(p.docker_reference, "a/b") && p.optional != SG_JSON_NONE);
	CHECK_OK(parse_str(CRIT("a", "x") "}", &p));
	CHECK(p.optional == SG_JSON_NONE && sg_slice_eq_str(p.digest_str, "x"));
	/* containers/image's optional is accepted */
	CHECK_OK(parse_str(CRIT("a", "x") ",\"optional\":{\"creator\":\"containers/image 5\","
					  "\"timestamp\":1674247893}}", &p));

	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"critical\":null}",
		CRIT("a", "x") ",\"optional\":\"s\"}",
		CRIT("a", "x") ",\"optional\":[]}",
		CRIT("a", "x") ",\"extra\":1}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\"},\"image\":{\"docker-m"
			"anifest-"
		"digest\":\"x\"},\"type\":\"cosign container image signature\",\"x\":1}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\",\"x\":1},\"image\":{\""
			"docker-"
		"manifest-digest\":\"x\"},\"type\":\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\"},\"image\":{\"docker-m"
			"anifest-"
		"digest\":\"x\",\"y\":2},\"type\":\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":1},\"image\":{\"docker-manifest-"
		"digest\":\"x\"},\"type\":\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{},\"image\":{\"docker-manifest-digest\":\"x\"},\""
			"type\":"
		"\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\"},\"image\":{\"docker-m"
			"anifest-"
		"digest\":null},\"type\":\"cosign container image signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\"},\"image\":{\"docker-m"
			"anifest-"
		"digest\":\"x\"},\"type\":\"atomic container signature\"}}",
		"{\"critical\":{\"identity\":{\"docker-reference\":\"a\"},\"image\":{\"docker-m"
			"anifest-"
		"digest\":\"x\"}}}",
		"{\"critical\":{\"identity\":\"a\",\"image\":{\"docker-manifest-digest\":\"x\"},"
		"\"type\":\"cosign container image signature\"}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_err e = parse_str(bad[i], &p);
		CHECK(e == SG_ERR_VERIFY_PAYLOAD);
		if (e != SG_ERR_VERIFY_PAYLOAD)
			fprintf(stderr, "  case %zu gave %d\n", i, (int)e);
		CHECK(p.docker_reference.p == NULL && p.optional == 0);
	}
	CHECK_ERR(parse_str(CRIT("a", "x") ",\"optional\":null,\"optional\":null}", &p),
		SG_ERR_JSON_DUPLICATE_KEY);
	CHECK_ERR(parse_str(CRIT("a", "x") "}\n", &p), SG_OK);
	CHECK_ERR(parse_str(CRIT("a", "x") "}x", &p), SG_ERR_TRAILING);

	/* every proper prefix fails */
	size_t n = sizeof real_text - 1, fails = 0;
	for (size_t i = 0; i < n; i++) {
		static uint8_t mem[1 << 16];
		sg_arena a;
		sg_arena_init(&a, mem, sizeof mem);
		const uint8_t *g = guard_put(real_text, i);
		if (sg_payload_parse(g, i, &a, &p, NULL) != SG_OK)
			fails++;
	}
	CHECK(fails == n);
}

static void
test_claims(void)
{
	sg_payload p;
	uint8_t dg[32];
	CHECK_OK(sg_oci_digest_parse((const uint8_t *)"sha256:" HEX64, 71, "d", dg, NULL));
	CHECK_OK(parse_str(real_text, &p));
	CHECK_OK(sg_payload_check_digest(&p, dg, NULL));
	uint8_t other[32];
	memcpy(other, dg, 32);
	other[5] ^= 1;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_payload_check_digest(&p, other, &d), SG_ERR_VERIFY_DIGEST);
	char msg[700];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "invalid or missing digest in claim: sha256:" HEX64) == 0);
	/* an uppercase claim is a different string for cosign */
	CHECK_OK(parse_str(CRIT("a", "sha256:0489474DA8EA22426ECE86ACE6C1C0026AB2FD3CDFBBD62B7E9"
				     "4650266C37D9A") "}", &p));
	CHECK_ERR(sg_payload_check_digest(&p, dg, NULL), SG_ERR_VERIFY_DIGEST);
	/* a claim with control characters is shown sanitised */
	CHECK_OK(parse_str(CRIT("a", "\\u001b[31m") "}", &p));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_payload_check_digest(&p, dg, &d), SG_ERR_VERIFY_DIGEST);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "invalid or missing digest in claim: ?[31m") == 0);

	/* annotations */
	CHECK_OK(parse_str(CRIT("a", "x") ",\"optional\":{\"k\":\"v\",\"n\":1,\"e\":\"\\u0041\"}}",
		&p));
	static uint8_t mem[4096];
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	sg_oci_annot ok[2] = {{sg_slice_str("k"), sg_slice_str("v")},
		{sg_slice_str("e"), sg_slice_str("A")}};
	CHECK_OK(sg_payload_check_annotations(&p, ok, 2, &a, NULL));
	CHECK_OK(sg_payload_check_annotations(&p, NULL, 0, &a, NULL));
	sg_oci_annot wrong[1] = {{sg_slice_str("k"), sg_slice_str("w")}};
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_payload_check_annotations(&p, wrong, 1, &a, &d), SG_ERR_POLICY_ANNOTATION);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "missing or incorrect annotation") == 0);
	sg_oci_annot num[1] = {{sg_slice_str("n"), sg_slice_str("1")}};
	CHECK_ERR(sg_payload_check_annotations(&p, num, 1, &a, NULL), SG_ERR_POLICY_ANNOTATION);
	sg_oci_annot missing[1] = {{sg_slice_str("z"), sg_slice_str("1")}};
	CHECK_ERR(sg_payload_check_annotations(&p, missing, 1, &a, NULL),
		SG_ERR_POLICY_ANNOTATION);
	CHECK_OK(parse_str(real_text, &p));
	CHECK_ERR(sg_payload_check_annotations(&p, ok, 1, &a, NULL), SG_ERR_POLICY_ANNOTATION);
}

static void
check_output(const char *payload, const sg_payload_extra *x, const char *want)
{
	sg_arena a = fresh_arena();
	static uint8_t out[1 << 16];
	sg_buf b;
	sg_buf_init(&b, out, sizeof out);
	sg_err e = sg_payload_write_verified((const uint8_t *)payload, strlen(payload), x, &a, &b,
		NULL);
	CHECK_OK(e);
	CHECK(b.len == strlen(want) && memcmp(out, want, b.len) == 0);
	if (e != SG_OK || b.len != strlen(want) || memcmp(out, want, b.len) != 0)
		fprintf(stderr, "  got  %.*s\n  want %s\n", (int)b.len, out, want);
}

static void
test_verify_output(void)
{
	/* keyless with the real bundle: Bundle prints exactly as the annotation (Go struct
	 * order), then Issuer, its OID and Subject in bytewise key order */
	sg_arena a = fresh_arena();
	struct real_sig rs;
	if (load_real(&rs, &a)) {
		sg_payload_extra x;
		memset(&x, 0, sizeof x);
		x.has_cert = 1;
		x.subject = sg_slice_str("mitr@redhat.com");
		x.issuer = sg_slice_str("https://github.com/login/oauth");
		static char payload[1024], want[8192];
		memcpy(payload, rs.payload, rs.payload_len);
		payload[rs.payload_len] = '\0';
		/* the bundle text is copied out of the arena that check_output resets */
		static char bundle[6000];
		memcpy(bundle, rs.bundle.p, rs.bundle.len);
		x.bundle = sg_slice_make(bundle, rs.bundle.len);
		snprintf(want, sizeof want,
			"%.*s{\"1.3.6.1.4.1.57264.1.1\":\"https://github.com/login/oauth\",\"Bu"
				"ndle\":%.*s,"
			"\"Issuer\":\"https://github.com/login/oauth\",\"Subject\":\"mitr@redha"
				"t.com\"}}",
			(int)(sizeof real_text - 1 - 5), real_text, (int)rs.bundle.len, bundle);
		check_output(payload, &x, want);
	} else {
		TEST_SKIP("vectors/real absent");
	}
	free(rs.file);

	/* no extras: "optional" stays null */
	check_output(real_text, NULL, real_text);
	/* a certificate without SANs or issuer: Subject is "" */
	sg_payload_extra x;
	memset(&x, 0, sizeof x);
	x.has_cert = 1;
	check_output(real_text, &x,
		CRIT(REAL_REF, "sha256:" HEX64) ",\"optional\":{\"Subject\":\"\"}}");
	/* GitHub values, original keys (replaced where cosign's keys collide), Go numbers,
	 * nested sorting, HTML escaping, RFC 3161 */
	x.subject = sg_slice_str("https://github.com/o/r/.github/workflows/w.yml@refs/heads/main");
	x.issuer = sg_slice_str("https://token.actions.githubusercontent.com");
	x.github[0] = sg_slice_str("push");
	x.github[1] = sg_slice_str("abc");
	x.github[4] = sg_slice_str("refs/heads/main");
	x.rfc3161 = sg_slice_str("{\"SignedRFC3161Timestamp\":\"AAEC\",\"ignored\":1}");
	check_output(CRIT("a<b", "x") ",\"optional\":{\"z\":[1.50,-0,1e21,1E-7,true,null,"
		"100000000000000000000,0.000001],\"a\":{\"y\":\"<x>\",\"b\":2},"
		"\"Subject\":\"orig\",\"\\u00e9\":\"\\u2028\"}}",
		&x,
		CRIT("a\\u003cb", "x") ",\"optional\":{"
		"\"1.3.6.1.4.1.57264.1.1\":\"https://token.actions.githubusercontent.com\","
		"\"1.3.6.1.4.1.57264.1.2\":\"push\","
		"\"1.3.6.1.4.1.57264.1.3\":\"abc\","
		"\"1.3.6.1.4.1.57264.1.6\":\"refs/heads/main\","
		"\"Issuer\":\"https://token.actions.githubusercontent.com\","
		"\"RFC3161Timestamp\":{\"SignedRFC3161Timestamp\":\"AAEC\"},"
		"\"Subject\":\"https://github.com/o/r/.github/workflows/w.yml@refs/heads/main\","
		"\"a\":{\"b\":2,\"y\":\"\\u003cx\\u003e\"},"
		"\"githubWorkflowRef\":\"refs/heads/main\",\"githubWorkflowSha\":\"abc\","
		"\"githubWorkflowTrigger\":\"push\","
		"\"z\":[1.5,-0,1e+21,1e-7,true,null,100000000000000000000,0.000001],"
		"\"\xc3\xa9\":\"\\u2028\"}}");

	/* errors: bad payload, bad bundle, full buffer */
	static uint8_t out[64];
	sg_buf b;
	a = fresh_arena();
	sg_buf_init(&b, out, sizeof out);
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)"{}", 2, NULL, &a, &b, NULL),
		SG_ERR_VERIFY_PAYLOAD);
	CHECK(b.len == 0);
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)real_text, sizeof real_text - 1, NULL,
		&a, &b, NULL), SG_ERR_LIMIT);
	CHECK(b.len == 0);
	static uint8_t big[4096];
	memset(&x, 0, sizeof x);
	x.bundle = sg_slice_str("{\"SignedEntryTimestamp\":\"not base64!\"}");
	sg_buf_init(&b, big, sizeof big);
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)real_text, sizeof real_text - 1, &x,
		&a, &b, NULL), SG_ERR_VERIFY_BUNDLE);
	x.bundle = sg_slice_str("{\"Payload\":{\"integratedTime\":\"1\"}}");
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)real_text, sizeof real_text - 1, &x,
		&a, &b, NULL), SG_ERR_VERIFY_BUNDLE);
	x.bundle = sg_slice_str("[]");
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)real_text, sizeof real_text - 1, &x,
		&a, &b, NULL), SG_ERR_VERIFY_BUNDLE);
	/* absent bundle members print as Go zero values */
	x.bundle = sg_slice_str("{}");
	check_output(real_text, &x,
		CRIT(REAL_REF, "sha256:" HEX64) ",\"optional\":{\"Bundle\":{\"SignedEntryTimest"
			"amp\":"
		"\"\",\"Payload\":{\"body\":null,\"integratedTime\":0,\"logIndex\":0,\"logID\":"
			"\"\"}}}}");
	/* a number Go would round cannot be reproduced exactly: refused, not approximated */
	CHECK_ERR(sg_payload_write_verified((const uint8_t *)CRIT("a", "x") ",\"optional\":{\"n\":"
		"0.12345678901234567}}", strlen(CRIT("a", "x") ",\"optional\":{\"n\":"
		"0.12345678901234567}}"), NULL, &a, &b, NULL), SG_ERR_UNSUPPORTED);
}

int
main(void)
{
	test_writer();
	test_parser();
	test_claims();
	test_verify_output();
	guard_release();
	return test_finish();
}
