/* Unit tests for bundle: every conformance bundle parses, or fails at parse time with the
 * expected named error; field extraction for v0.1/v0.2/v0.3, DSSE and public-key bundles;
 * the cosign legacy annotation from a real signature; mutations; every proper prefix fails. */
#include <stdlib.h>
#include <string.h>

#include "sigstore/bundle.h"
#include "guard.h"
#include "parse/json.h"
#include "runner.h"
#include "vectors.h"

static uint8_t arena_mem[8u << 20];
static sg_arena arena;
static sg_entity ent;

static sg_err
parse_bytes(const uint8_t *p, size_t n, sg_diag *d)
{
	sg_arena_reset(&arena);
	sg_diag_init(d, "bundle");
	return sg_bundle_parse(p, n, &arena, &ent, d);
}

/* Cases rejected by the parser itself, with the code and the field named. */
static const struct {
	const char *name;
	sg_err code;
	const char *what;
} parse_failures[] = {
	{"bundle-empty-certificate-chain_fail", SG_ERR_VERIFY_BUNDLE,
		"bundle verificationMaterial.x509CertificateChain.certificates"},
	{"bundle-invalid-base64-signature_fail", SG_ERR_B64_CHAR,
		"bundle messageSignature.signature"},
	{"bundle-malformed-json_fail", SG_ERR_TRUNCATED, "bundle"},
	{"bundle-negative-log-index_fail", SG_ERR_VERIFY_BUNDLE, "bundle tlogEntries[].logIndex"},
	{"bundle-unknown-version_fail", SG_ERR_VERIFY_BUNDLE, "bundle mediaType"},
	{"intoto-missing-inclusion-proof_fail", SG_ERR_VERIFY_BUNDLE,
		"bundle tlogEntries[].inclusionProof"},
	{"rekor2-no-inclusion-proof_fail", SG_ERR_VERIFY_BUNDLE,
		"bundle tlogEntries[].inclusionProof"},
};

static void
test_conformance(void)
{
	test_cases it;
	if (!test_cases_open(&it))
		return;
	size_t parsed = 0, rejected = 0, v2 = 0, dsse = 0;
	const char *name;
	while ((name = test_cases_next(&it)) != NULL) {
		size_t n;
		uint8_t *p = test_read_case(name, "bundle.sigstore.json", &n);
		if (p == NULL)
			continue;
		sg_diag d;
		sg_err e = parse_bytes(p, n, &d);
		size_t k;
		for (k = 0; k < sizeof parse_failures / sizeof parse_failures[0]; k++)
			if (strcmp(parse_failures[k].name, name) == 0)
				break;
		char msg[700];
		sg_diag_format(&d, msg, sizeof msg);
		if (k < sizeof parse_failures / sizeof parse_failures[0]) {
			int ok = e == parse_failures[k].code && d.what != NULL &&
				strcmp(d.what, parse_failures[k].what) == 0;
			if (!ok)
				fprintf(stderr, "%s: unexpected result: %s\n", name,
					e == SG_OK ? "accepted" : msg);
			CHECK(ok);
			CHECK(ent.n_tlog == 0 && ent.content == SG_CONTENT_NONE);
			rejected++;
		} else {
			if (e != SG_OK)
				fprintf(stderr, "%s: %s\n", name, msg);
			CHECK_OK(e);
			CHECK(ent.n_tlog == 1);
			CHECK(ent.content != SG_CONTENT_NONE && ent.material != SG_MATERIAL_NONE);
			CHECK(ent.media_minor >= 1 && ent.media_minor <= 3);
			for (size_t i = 0; i < ent.n_tlog; i++) {
				sg_tlog_entry *t = &ent.tlog[i];
				CHECK(t->body.len > 0 && t->log_id_len == 32);
				/* Each body parses as a known kind agreeing with kindVersion. */
				sg_tlog_body b;
				sg_diag bd;
				sg_diag_init(&bd, name);
				sg_err be =
					sg_tlog_body_parse(t->body.p, t->body.len, &arena, &b, &bd);
				CHECK_OK(be);
				if (be != SG_OK) {
					sg_diag_format(&bd, msg, sizeof msg);
					fprintf(stderr, "%s body: %s\n", name, msg);
				}
				CHECK(sg_slice_eq(b.kind_str, t->kind) &&
					sg_slice_eq(b.api_version, t->version));
				CHECK(b.rekor_v2 == t->rekor_v2);
				v2 += (size_t)t->rekor_v2;
			}
			dsse += ent.content == SG_CONTENT_DSSE;
			parsed++;
		}
		free(p);
	}
	printf("conformance bundles: %zu parsed (%zu Rekor v2, %zu DSSE), %zu rejected at parse "
	       "time as expected\n",
		parsed, v2, dsse, rejected);
	CHECK(parsed + rejected == 70);
	CHECK(rejected == sizeof parse_failures / sizeof parse_failures[0]);
}

static int
contains(sg_slice s, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= s.len; i++)
		if (memcmp(s.p + i, needle, k) == 0)
			return 1;
	return 0;
}

static void
test_fields(void)
{
	size_t n;
	uint8_t *p = test_read_case("happy-path-v0.1", "bundle.sigstore.json", &n);
	if (p == NULL) {
		TEST_SKIP("conformance vectors not found");
		return;
	}
	sg_diag d;
	CHECK_OK(parse_bytes(p, n, &d));
	CHECK(ent.media_minor == 1 && ent.material == SG_MATERIAL_CHAIN && ent.n_certs == 1);
	CHECK(ent.content == SG_CONTENT_MESSAGE_SIGNATURE && ent.signature.len == 70);
	CHECK(ent.has_digest && ent.digest_alg == SG_HASH_SHA256 && ent.digest_len == 32);
	CHECK(ent.digest[0] == 0xa0 && ent.digest[1] == 0xcf);
	sg_tlog_entry *t = &ent.tlog[0];
	CHECK(t->log_index == 27246492 && t->integrated_time == 1689177396 &&
		t->has_integrated_time);
	CHECK(t->log_id[0] == 0xc0 && t->log_id[1] == 0xd2);
	CHECK(sg_slice_eq_str(t->kind, "hashedrekord") && sg_slice_eq_str(t->version, "0.0.1"));
	CHECK(t->set.len > 60 && t->proof.present);
	CHECK(t->proof.log_index == 23083061 && t->proof.tree_size == 23083062);
	CHECK(t->proof.n_hashes == 10 && t->proof.root_hash[0] == 0x75);
	CHECK(t->proof.checkpoint.len > 100 &&
		t->proof.checkpoint.p[t->proof.checkpoint.len - 1] == '\n');
	/* The JSON escape \u2014 is unescaped to the em dash. */
	CHECK(contains(t->proof.checkpoint, "\xe2\x80\x94 rekor"));
	free(p);

	p = test_read_case("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json", &n);
	CHECK_OK(parse_bytes(p, n, &d));
	CHECK(ent.media_minor == 3 && ent.material == SG_MATERIAL_CERTIFICATE && ent.n_certs == 1);
	CHECK(ent.content == SG_CONTENT_DSSE && ent.dsse.n_sigs == 1);
	CHECK(sg_slice_eq_str(ent.dsse.payload_type, "application/vnd.in-toto+json"));
	CHECK(ent.dsse.payload.len > 100 && ent.dsse.payload.p[0] == '{');
	CHECK(sg_slice_eq_str(ent.tlog[0].kind, "dsse"));
	free(p);

	p = test_read_case("managed-key-happy-path", "bundle.sigstore.json", &n);
	CHECK_OK(parse_bytes(p, n, &d));
	CHECK(ent.material == SG_MATERIAL_PUBLIC_KEY && ent.n_certs == 0);
	CHECK(ent.key_hint.len == 44 && ent.n_timestamps == 1 && ent.timestamps[0].len > 100);
	free(p);

	p = test_read_case("rekor2-happy-path", "bundle.sigstore.json", &n);
	CHECK_OK(parse_bytes(p, n, &d));
	CHECK(ent.tlog[0].rekor_v2 && !ent.tlog[0].has_integrated_time && ent.tlog[0].set.len == 0);
	CHECK(ent.n_timestamps == 1);
	free(p);
}

static void
test_mutations(void)
{
	size_t n;
	uint8_t *p = test_read_case("happy-path-v0.3", "bundle.sigstore.json", &n);
	if (p == NULL)
		return;
	static const struct {
		const char *from, *to;
		sg_err want;
		const char *what;
	} cases[] = {
		{"\"certificate\": {", "\"x509CertificateChain\": {\"certificates\": []}, \"c\": {",
			SG_ERR_VERIFY_BUNDLE, "bundle verificationMaterial"},
		{"\"certificate\": {", "\"publicKey\": {}, \"certificate\": {",
			SG_ERR_VERIFY_BUNDLE, "bundle verificationMaterial"},
		{"\"messageSignature\": {", "\"dsseEnvelope\": {}, \"messageSignature\": {",
			SG_ERR_VERIFY_BUNDLE, "bundle"},
		{"\"messageSignature\": {", "\"x\": {", SG_ERR_VERIFY_BUNDLE, "bundle"},
		{"\"logIndex\": \"79571823\"", "\"logIndex\": \"079571823\"", SG_ERR_JSON_VALUE,
			"bundle tlogEntries[].logIndex"},
		{"\"logIndex\": \"79571823\"", "\"logIndex\": 79571823.5", SG_ERR_JSON_VALUE,
			"bundle tlogEntries[].logIndex"},
		{"\"integratedTime\": \"1710869186\"", "\"integratedTime\": \"-5\"",
			SG_ERR_VERIFY_BUNDLE, "bundle tlogEntries[].integratedTime"},
		{"\"rootHash\": \"Fnnj", "\"rootHash\": \"AAAA\", \"x\": \"Fnnj",
			SG_ERR_VERIFY_BUNDLE, "bundle tlogEntries[].inclusionProof.rootHash"},
		{"\"kindVersion\"", "\"kindVersionX\"", SG_ERR_JSON_MISSING,
			"bundle tlogEntries[].kindVersion"},
		{"\"envelope\": \"rekor", "\"envelope\": \"\", \"x\": \"rekor",
			SG_ERR_VERIFY_BUNDLE,
			"bundle tlogEntries[].inclusionProof.checkpoint.envelope"},
		{"\"inclusionProof\"", "\"inclusionProofX\"", SG_ERR_VERIFY_BUNDLE,
			"bundle tlogEntries[].inclusionProof"},
		{"\"algorithm\": \"SHA2_256\"", "\"algorithm\": \"MD5\"", SG_ERR_VERIFY_BUNDLE,
			"bundle messageSignature.messageDigest.algorithm"},
		{"\"canonicalizedBody\": \"eyJ", "\"canonicalizedBody\": \"e!J", SG_ERR_B64_CHAR,
			"bundle tlogEntries[].canonicalizedBody"},
		{"\"hashes\": [\"", "\"hashes\": [\"AAAA\", \"", SG_ERR_VERIFY_BUNDLE,
			"bundle tlogEntries[].inclusionProof.hashes"},
		{"\"logIndex\": \"79571823\"", "\"logIndex\": \"79571823\", \"logIndex\": \"1\"",
			SG_ERR_JSON_DUPLICATE_KEY, "bundle"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_mutation_rejected(p, n, i, cases[i].from, cases[i].to, parse_bytes,
			cases[i].want, cases[i].what);
	/* Accepted variants: numeric int64, URL-safe unpadded base64, unknown members, null. */
	static const struct {
		const char *from, *to;
	} oks[] = {
		{"\"logIndex\": \"79571823\"", "\"logIndex\": 79571823"},
		{"\"signature\": "
		 "\"MEUCICYFq/4bTEdlurgqVuNmwCcIWu3NKOCgveWAJBiezJ0uAiEA2i7U18+aRpFxLYk"
		 "sr5HKBQQy08zE050WIc0RzKunDIA=\"",
			"\"signature\": "
			"\"MEUCICYFq_4bTEdlurgqVuNmwCcIWu3NKOCgveWAJBiezJ0uAiEA2i7U18-aRpFxL"
			"Yksr5HKBQQy08zE050WIc0RzKunDIA\""},
		{"\"mediaType\"", "\"futureField\": [1, {\"a\": null}], \"mediaType\""},
		{"\"messageSignature\"", "\"dsseEnvelope\": null, \"messageSignature\""},
		{"+json;version=0.3", ".v0.3+json"},
	};
	for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++) {
		size_t mn;
		uint8_t *m = test_mutate(p, n, oks[i].from, oks[i].to, &mn);
		CHECK(m != NULL);
		if (m == NULL)
			continue;
		sg_diag d;
		sg_err e = parse_bytes(m, mn, &d);
		CHECK_OK(e);
		if (e != SG_OK) {
			char msg[600];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "ok variant %zu: %s\n", i, msg);
		}
		CHECK(ent.tlog[0].log_index == 79571823 && ent.signature.len == 71);
		free(m);
	}
	/* proto3 JSON leaves out a zero: an entry and a proof at index 0 carry no logIndex
	 * (sigstore-js writes none), which reads as 0. */
	{
		size_t mn0;
		uint8_t *m0 = test_mutate(p, n, "\"logIndex\": \"79571823\", ", "", &mn0);
		uint8_t *m1 = m0 ? test_mutate(m0, mn0, "\"logIndex\": \"75408392\", ", "", &mn0)
				 : NULL;
		CHECK(m1 != NULL);
		if (m1 != NULL) {
			sg_diag d;
			CHECK_OK(parse_bytes(m1, mn0, &d));
			CHECK(ent.tlog[0].log_index == 0 && ent.tlog[0].proof.log_index == 0);
		}
		free(m0);
		free(m1);
	}
	/* A v0.3 bundle may not carry x509CertificateChain. */
	size_t mn;
	uint8_t *m = test_mutate(p, n, "\"certificate\": {\"rawBytes\": \"",
		"\"x509CertificateChain\": {\"certificates\": [{\"rawBytes\": \"", &mn);
	uint8_t *m2 = m ? test_mutate(m, mn, "\"}, \"tlogEntries\"",
				  "\"}]}, \"tlogEntries\"", &mn)
			: NULL;
	CHECK(m2 != NULL);
	if (m2 != NULL) {
		sg_diag d;
		CHECK_ERR(parse_bytes(m2, mn, &d), SG_ERR_VERIFY_BUNDLE);
		/* ... but a v0.2 one may. */
		uint8_t *m3 = test_mutate(m2, mn, "version=0.3", "version=0.2", &mn);
		CHECK_OK(parse_bytes(m3, mn, &d));
		CHECK(ent.material == SG_MATERIAL_CHAIN && ent.n_certs == 1);
		free(m3);
	}
	free(m);
	free(m2);

	/* Every proper prefix fails, and never reads past the end. */
	size_t end = n;
	while (end > 0 && (p[end - 1] == '\n' || p[end - 1] == ' '))
		end--;
	size_t fails = 0;
	for (size_t k = 0; k < end; k += (k < 400 ? 1 : 7)) {
		const uint8_t *g = guard_put(p, k);
		sg_arena_reset(&arena);
		if (sg_bundle_parse(g, k, &arena, &ent, NULL) != SG_OK && ent.n_tlog == 0)
			fails++;
		else
			fprintf(stderr, "prefix %zu accepted\n", k);
	}
	guard_release();
	CHECK(fails == 400 + (end - 400 + 6) / 7);
	free(p);
}

static void
test_legacy(void)
{
	size_t n;
	uint8_t *p = test_read_vec(TEST_REAL_SIG, &n);
	if (p == NULL) {
		TEST_SKIP("real signature not found");
		return;
	}
	/* containers/image format: 0x00 "sigstore-json\n" then JSON with the annotations. */
	CHECK(n > 15 && p[0] == 0 && memcmp(p + 1, "sigstore-json\n", 14) == 0);
	sg_arena_reset(&arena);
	sg_json j;
	CHECK_OK(sg_json_parse(p + 15, n - 15, &arena, "sig", &j, NULL));
	size_t ann = sg_json_path(&j, 0, "annotations");
	sg_slice val;
	CHECK_OK(sg_json_get_str(&j, ann, "dev.sigstore.cosign/bundle", SG_JSON_REQUIRED, "ann",
		&arena, &val, NULL, NULL));
	sg_diag d;
	sg_diag_init(&d, "annotation");
	CHECK_OK(sg_bundle_parse_legacy(val.p, val.len, &arena, &ent, &d));
	CHECK(ent.legacy && ent.n_tlog == 1 && ent.content == SG_CONTENT_NONE);
	sg_tlog_entry *t = &ent.tlog[0];
	CHECK(t->log_index == 11605770 && t->integrated_time == 1674247893);
	CHECK(t->log_id_len == 32 && t->log_id[0] == 0xc0 && t->log_id[31] == 0x1d);
	CHECK(sg_slice_eq_str(t->kind, "hashedrekord") && sg_slice_eq_str(t->version, "0.0.1"));
	CHECK(!t->proof.present && t->set.len > 60);
	uint8_t leaf[32];
	sg_merkle_leaf_hash(t->body.p, t->body.len, leaf);
	CHECK(leaf[0] == 0x72 && leaf[1] == 0x36 && leaf[31] == 0x25);
	/* Broken legacy values. */
	static const char *const bad[] = {
		"{\"SignedEntryTimestamp\":\"AAAA\",\"Payload\":{\"body\":\"e30=\","
		"\"integratedTime\":1,\"logIndex\":1,\"logID\":\"XY\"}}",
		"{\"SignedEntryTimestamp\":\"AAAA\",\"Payload\":{\"body\":\"e30=\","
		"\"integratedTime\":1,\"logIndex\":-1,\"logID\":\"abcd\"}}",
		"{\"SignedEntryTimestamp\":\"AAAA\",\"Payload\":{\"body\":\"e30=\","
		"\"integratedTime\":1,\"logIndex\":1,\"logID\":\"abcd\"}}",
		"{\"Payload\":{\"body\":\"e30=\",\"integratedTime\":1,\"logIndex\":1,\"logID\":"
		"\"ab\"}}",
	};
	static const sg_err want[] = {
		SG_ERR_HEX, SG_ERR_VERIFY_BUNDLE, SG_ERR_JSON_MISSING, SG_ERR_JSON_MISSING};
	for (size_t i = 0; i < 4; i++) {
		CHECK_ERR(sg_bundle_parse_legacy(
				  (const uint8_t *)bad[i], strlen(bad[i]), &arena, &ent, NULL),
			want[i]);
		CHECK(ent.n_tlog == 0 && !ent.legacy);
	}
	free(p);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_conformance();
	test_fields();
	test_mutations();
	test_legacy();
	return test_finish();
}
