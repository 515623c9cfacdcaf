/* Unit tests for cosign_bundle: cosign v2's sign-blob --bundle file. The three members and
 * their forms (cert as base64 of the PEM, or the PEM itself), rekorBundle kept as its exact
 * bytes, null and unknown members, the errors, and every proper prefix of a valid file failing
 * without reading past it (guard page). The entity a legacy layer makes of it is checked in
 * tests/integration/dropin.sh, with the real public-good signature made into such a file. */
#include <string.h>

#include "guard.h"
#include "runner.h"
#include "sigstore/cosign_bundle.h"

static uint8_t arena_mem[1u << 20];

/* "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n" in base64. */
#define CERT_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBPT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
static const char good[] =
	"{\"base64Signature\":\"MEUCIQ==\",\"cert\":\"" CERT_B64 "\",\"rekorBundle\":"
	"{\"SignedEntryTimestamp\":\"AA==\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":1,"
	"\"logIndex\":2,\"logID\":\"00\"}},\"unknown\":[1,{\"x\":null}]}";

static sg_err
parse(const char *json, size_t len, sg_cosign_bundle *b, sg_diag *d)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	return sg_cosign_bundle_parse((const uint8_t *)json, len, &a, b, d);
}

static void
test_members(void)
{
	sg_cosign_bundle b;
	CHECK_OK(parse(good, strlen(good), &b, NULL));
	CHECK(sg_slice_eq_str(b.signature_b64, "MEUCIQ=="));
	CHECK(sg_slice_eq_str(b.cert_pem,
		"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"));
	const char *rb = strstr(good, "{\"SignedEntryTimestamp\"");
	CHECK(b.rekor_bundle.p == (const uint8_t *)rb &&
		b.rekor_bundle.len == strlen(rb) - strlen(",\"unknown\":[1,{\"x\":null}]}"));
	/* A hand-made file with the PEM itself. */
	static const char pem[] =
		"{\"base64Signature\":\"MEUCIQ==\",\"cert\":\"-----BEGIN CERTIFICATE-----"
		"\\nAA==\\n-----END CERTIFICATE-----\\n\"}";
	CHECK_OK(parse(pem, strlen(pem), &b, NULL));
	CHECK(sg_slice_eq_str(b.cert_pem,
		"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"));
	CHECK(b.rekor_bundle.len == 0);
	/* Key-based: no cert; null counts as absent. */
	static const char keyed[] =
		"{\"base64Signature\":\"MEUCIQ==\",\"cert\":null,\"rekorBundle\":null}";
	CHECK_OK(parse(keyed, strlen(keyed), &b, NULL));
	CHECK(b.cert_pem.len == 0 && b.rekor_bundle.len == 0);
}

static void
test_errors(void)
{
	static const struct {
		const char *json;
		sg_err want;
	} bad[] = {
		{"{}", SG_ERR_JSON_MISSING},
		{"{\"base64Signature\":\"\"}", SG_ERR_VERIFY_BUNDLE},
		{"{\"base64Signature\":5}", SG_ERR_JSON_TYPE},
		{"{\"base64Signature\":\"x\",\"cert\":\"@@\"}", SG_ERR_B64_CHAR},
		{"{\"base64Signature\":\"x\",\"cert\":7}", SG_ERR_JSON_TYPE},
		{"{\"base64Signature\":\"x\",\"rekorBundle\":[]}", SG_ERR_JSON_TYPE},
		{"{\"base64Signature\":\"x\",\"base64Signature\":\"y\"}",
			SG_ERR_JSON_DUPLICATE_KEY},
		{"[\"base64Signature\"]", SG_ERR_JSON_TYPE},
		/* what a PEM file is to a JSON parser; verify-blob says what it is instead */
		{"-----BEGIN CERTIFICATE-----", SG_ERR_JSON_NUMBER},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_cosign_bundle b;
		sg_diag d;
		sg_diag_init(&d, NULL);
		sg_err e = parse(bad[i].json, strlen(bad[i].json), &b, &d);
		CHECK(e == bad[i].want);
		CHECK(b.signature_b64.len == 0 && b.cert_pem.len == 0 && b.rekor_bundle.len == 0);
	}
}

static void
test_prefixes(void)
{
	size_t n = strlen(good);
	for (size_t k = 0; k < n; k++) {
		const char *p = (const char *)guard_put(good, k);
		sg_cosign_bundle b;
		CHECK(parse(p, k, &b, NULL) != SG_OK);
	}
	guard_release();
}

int
main(void)
{
	test_members();
	test_errors();
	test_prefixes();
	return test_finish();
}
