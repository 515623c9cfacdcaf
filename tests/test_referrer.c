/* Unit tests for verify/image.c's referrer half (cosign v3 bundles on OCI 1.1 referrers): a
 * key-signed DSSE bundle is built here from the writers (intoto, bundle) and a P-256 key, then
 * checked offline without a log (--key with --insecure-ignore-tlog): the bundle layer rules,
 * the v0.3 minimum, the subject digest, a tampered statement, a wrong key, the predicate type,
 * -a annotations, a message-signature bundle, a second signature, the output element, and
 * every single-byte change of the bundle failing or leaving the verdict unchanged. Links the
 * full archive (it signs its own fixtures). */
#include <stdio.h>
#include <string.h>

#include "crypto/drbg.h"
#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "runner.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/intoto.h"
#include "verify/image.h"

/* The empty blob's digest, as any valid digest. */
#define EMPTY_DG "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

static uint8_t arena_mem[16u << 20];
static sg_arena arena;
static sg_p256_key key, other;
static sg_pubkey pub, other_pub;
static uint8_t spki[SG_P256_SPKI_LEN], other_spki[SG_P256_SPKI_LEN];
static const sg_trustroot empty_root;
static uint8_t image[32];

static void
make_key(sg_drbg *rng, sg_p256_key *k, uint8_t *mem, sg_pubkey *pk)
{
	sg_buf b;
	sg_buf_init(&b, mem, SG_P256_SPKI_LEN);
	CHECK_OK(sg_p256_keygen(rng, k, NULL));
	CHECK_OK(sg_p256_write_spki(k->pub, &b));
	CHECK_OK(sg_pubkey_parse(mem, b.len, pk, NULL));
}

/* A bundle over a statement with the given predicate type and subject digest. */
static sg_slice
make_bundle(const char *predicate_type, const uint8_t subject[32], const sg_kv *annots, size_t n,
	int dsse, const char *media_type)
{
	static uint8_t stmt_mem[4096];
	sg_buf st;
	sg_buf_init(&st, stmt_mem, sizeof stmt_mem);
	sg_intoto_spec s;
	memset(&s, 0, sizeof s);
	s.type = SG_INTOTO_STATEMENT_V1;
	memcpy(s.sha256, subject, 32);
	s.with_annotations = 1;
	s.annots = annots;
	s.n_annots = n;
	s.predicate_type = sg_slice_str(predicate_type);
	s.predicate = sg_slice_str("{}");
	CHECK_OK(sg_intoto_write(&s, &st, NULL));
	sg_slice type = sg_slice_str(SG_DSSE_PAYLOAD_TYPE_INTOTO);
	uint8_t h[32], sig[SG_P256_SIG_MAX], hint[32];
	size_t sl;
	sg_dsse_pae_hash(SG_HASH_SHA256, type, sg_buf_slice(&st), h);
	if (!dsse)
		sg_sha256(st.p, st.len, h);
	CHECK_OK(sg_p256_sign_digest(&key, h, sig, sizeof sig, &sl, NULL));
	sg_sha256(spki, SG_P256_SPKI_LEN, hint);
	sg_bundle_spec b;
	memset(&b, 0, sizeof b);
	b.key_hint = hint;
	b.dsse = dsse;
	b.payload_type = type;
	b.payload = sg_buf_slice(&st);
	b.digest_alg = SG_HASH_SHA256;
	b.digest = h;
	b.signature = sg_slice_make(sig, sl);
	sg_slice out;
	CHECK_OK(sg_bundle_write(&b, &arena, &out, NULL));
	if (media_type == NULL)
		return out;
	/* swap the media type for another version's */
	static char swapped[1u << 16];
	const char *at = strstr((const char *)out.p, SG_BUNDLE_MEDIA_TYPE_V03);
	size_t pre = (size_t)(at - (const char *)out.p), ml = strlen(SG_BUNDLE_MEDIA_TYPE_V03);
	size_t nl = strlen(media_type);
	memcpy(swapped, out.p, pre);
	memcpy(swapped + pre, media_type, nl);
	memcpy(swapped + pre + nl, out.p + pre + ml, out.len - pre - ml);
	return sg_slice_make(swapped, out.len - ml + nl);
}

static sg_image_opts
opts_for(const sg_pubkey *k)
{
	sg_image_opts o;
	memset(&o, 0, sizeof o);
	o.verify.trustroot = &empty_root;
	o.verify.key = k;
	o.verify.insecure_ignore_tlog = 1;
	o.verify.now = 1767225600;
	o.check_claims = 1;
	return o;
}

/* Parse and verify; the message of a failure in msg. */
static sg_err
run(sg_slice bundle, const sg_image_opts *o, const char *type, sg_referrer_result *r, char *msg,
	size_t cap)
{
	sg_entity *e = sg_arena_alloc(&arena, sizeof *e);
	sg_diag d;
	sg_diag_init(&d, NULL);
	msg[0] = '\0';
	sg_err err = sg_referrer_bundle_parse(bundle.p, bundle.len, &arena, e, &d);
	if (err == SG_OK)
		err = sg_verify_referrer_bundle(e, image, o, type, &arena, r, &d);
	if (err != SG_OK)
		sg_diag_format(&d, msg, cap);
	return err;
}

static void
test_layer_rules(void)
{
	static const char ok[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,"
		"\"digest\":\"" EMPTY_DG "\"},"
		"\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
		"\"size\":SIZE,\"digest\":\"" EMPTY_DG "\"}LAYER2]}";
	char doc[2048];
	const struct {
		const char *size, *layer2;
		sg_err want;
	} cases[] = {
		{"100", "", SG_OK},
		{"4194304", "", SG_OK},
		{"104857600", "", SG_ERR_LIMIT}, /* a 100 MB bundle is not fetched */
		{"100", ",{\"mediaType\":\"a/b\",\"size\":1,\"digest\":\"" EMPTY_DG "\"}",
			SG_ERR_OCI_MANIFEST},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *s = strstr(ok, "SIZE"), *l = strstr(ok, "LAYER2");
		int n = snprintf(doc, sizeof doc, "%.*s%s%.*s%s%s", (int)(s - ok), ok,
			cases[i].size, (int)(l - s - 4), s + 4, cases[i].layer2, l + 6);
		sg_oci_manifest m;
		const sg_oci_desc *layer;
		CHECK_OK(sg_oci_manifest_parse((const uint8_t *)doc, (size_t)n, &arena, &m, NULL));
		CHECK_ERR(sg_referrer_bundle_layer(&m, &layer, NULL), cases[i].want);
		CHECK((layer != NULL) == (cases[i].want == SG_OK));
	}
	/* another layer media type, an index */
	static const char simple[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"size\":2,\"digest\":"
		"\"" EMPTY_DG "\"},"
		"\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
		"\"size\":1,\"digest\":\"" EMPTY_DG "\"}]}";
	static const char index[] = "{\"schemaVersion\":2,\"manifests\":[]}";
	sg_oci_manifest m;
	const sg_oci_desc *layer;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_oci_manifest_parse((const uint8_t *)simple, sizeof simple - 1, &arena, &m,
		NULL));
	CHECK_ERR(sg_referrer_bundle_layer(&m, &layer, &d), SG_ERR_OCI_MANIFEST);
	CHECK(strstr(d.detail, "simplesigning") != NULL);
	CHECK_OK(sg_oci_manifest_parse((const uint8_t *)index, sizeof index - 1, &arena, &m, NULL));
	CHECK_ERR(sg_referrer_bundle_layer(&m, &layer, NULL), SG_ERR_OCI_MANIFEST);
}

static void
test_verify(void)
{
	char msg[1024];
	sg_referrer_result r;
	sg_image_opts o = opts_for(&pub);
	sg_kv an = {sg_slice_str("build"), sg_slice_str("42")};
	sg_slice b = make_bundle(SG_INTOTO_COSIGN_SIGN, image, &an, 1, 1, NULL);

	CHECK_OK(run(b, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg));
	CHECK(r.subject == 0 && sg_slice_eq_str(r.st.predicate_type, SG_INTOTO_COSIGN_SIGN));
	/* the output element */
	uint8_t outm[1024];
	sg_buf out;
	sg_buf_init(&out, outm, sizeof outm);
	CHECK_OK(sg_referrer_write_element(&r, sg_slice_str("reg.test/app:v1"), &arena, &out,
		NULL));
	char want[512];
	snprintf(want, sizeof want,
		"{\"critical\":{\"identity\":{\"docker-reference\":\"reg.test/app:v1\"},\"image\":"
		"{\"docker-manifest-digest\":\"sha256:%s\"},\"type\":"
		"\"https://sigstore.dev/cosign/sign/v1\"},\"optional\":{\"build\":\"42\"}}",
		"1111111111111111111111111111111111111111111111111111111111111111");
	CHECK(out.len == strlen(want) && memcmp(out.p, want, out.len) == 0);

	/* -a: the right one, a wrong one; --check-claims=false skips them */
	o.annots = &an;
	o.n_annots = 1;
	CHECK_OK(run(b, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg));
	sg_kv bad = {sg_slice_str("build"), sg_slice_str("43")};
	o.annots = &bad;
	CHECK_ERR(run(b, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg),
		SG_ERR_POLICY_ANNOTATION);
	CHECK(strcmp(msg, "missing or incorrect annotation") == 0);
	o.check_claims = 0;
	CHECK_OK(run(b, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg));
	o = opts_for(&pub);

	/* an attestation offered as a signature; verify-attestation's "any" accepts it */
	sg_slice att = make_bundle("https://slsa.dev/provenance/v1", image, NULL, 0, 1, NULL);
	CHECK_ERR(run(att, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg),
		SG_ERR_VERIFY_PREDICATE);
	CHECK(strstr(msg, "predicate type \"https://slsa.dev/provenance/v1\" is not") != NULL);
	CHECK_OK(run(att, &o, NULL, &r, msg, sizeof msg));

	/* the subject is another image */
	uint8_t other_image[32];
	memset(other_image, 0x22, 32);
	sg_slice wrong = make_bundle(SG_INTOTO_COSIGN_SIGN, other_image, NULL, 0, 1, NULL);
	CHECK_ERR(run(wrong, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg),
		SG_ERR_VERIFY_DIGEST);
	CHECK(strcmp(msg, "failed to verify signature: provided artifact digest does not match "
			  "any digest in statement") == 0);
	CHECK(r.v.failed_step == 8);

	/* another key */
	sg_image_opts oo = opts_for(&other_pub);
	CHECK_ERR(run(b, &oo, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg),
		SG_ERR_VERIFY_SIGNATURE);
	CHECK(strcmp(msg, "failed to verify signature: could not verify envelope: accepted "
			  "signatures do not match threshold, Found: 0, Expected 1") == 0);

	/* a message signature, an old bundle version */
	sg_slice ms = make_bundle(SG_INTOTO_COSIGN_SIGN, image, NULL, 0, 0, NULL);
	CHECK_ERR(run(ms, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg), SG_ERR_VERIFY_DSSE);
	CHECK(strcmp(msg, "bundle does not contain a DSSE envelope") == 0);
	sg_slice v1 = make_bundle(SG_INTOTO_COSIGN_SIGN, image, NULL, 0, 1,
		"application/vnd.dev.sigstore.bundle+json;version=0.1");
	CHECK_ERR(run(v1, &o, SG_INTOTO_COSIGN_SIGN, &r, msg, sizeof msg), SG_ERR_VERIFY_BUNDLE);
	CHECK(strstr(msg, "v0.1 is older than v0.3") != NULL);

	/* a second signature in the envelope */
	static char two[1u << 16];
	const char *at = strstr((const char *)b.p, "\"signatures\":[{");
	size_t pre = (size_t)(at - (const char *)b.p) + strlen("\"signatures\":[");
	int n = snprintf(two, sizeof two, "%.*s{\"sig\":\"MEUCIQD0\"},%.*s", (int)pre,
		(const char *)b.p, (int)(b.len - pre), (const char *)b.p + pre);
	CHECK_ERR(run(sg_slice_make(two, (size_t)n), &o, NULL, &r, msg, sizeof msg),
		SG_ERR_VERIFY_DSSE);

	/* every single-byte change either fails or leaves a bundle that still verifies (only
	 * changes the signature does not cover, such as the hint, may pass) */
	static char work[1u << 16];
	size_t wrongly = 0;
	for (size_t i = 0; i < b.len; i++) {
		size_t mark = sg_arena_mark(&arena);
		memcpy(work, b.p, b.len);
		work[i] ^= 0x01;
		sg_err e = run(sg_slice_make(work, b.len), &o, SG_INTOTO_COSIGN_SIGN, &r, msg,
			sizeof msg);
		/* a passing mutant must carry the same statement */
		if (e == SG_OK && r.st.json.len != 0 &&
			!sg_intoto_has_digest(&r.st, SG_HASH_SHA256, image, 32))
			wrongly++;
		sg_arena_release(&arena, mark);
	}
	CHECK(wrongly == 0);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	sg_drbg rng;
	sg_drbg_init_seed(&rng, "test_referrer", 13);
	make_key(&rng, &key, spki, &pub);
	make_key(&rng, &other, other_spki, &other_pub);
	memset(image, 0x11, sizeof image);
	test_layer_rules();
	test_verify();
	sg_p256_key_wipe(&key);
	sg_p256_key_wipe(&other);
	sg_drbg_wipe(&rng);
	return test_finish();
}
