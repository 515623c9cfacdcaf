/* Unit tests for manifest: the real image manifest of protocol.md §11 (parse, digest), the
 * emulated cosign .sig packaging of §11 (config 233 bytes and manifest 5634 bytes, both
 * digests), indexes, Docker types, strictness, every proper prefix, appending and cosign's
 * duplicate detection with a real P-256 signature. */
#include <string.h>

#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "guard.h"
#include "base/limits.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "parse/json.h"
#include "runner.h"
#include "vectors.h"

static uint8_t arena_mem[4u << 20];

static sg_arena
fresh_arena(void)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	return a;
}

static int
digest_is(const uint8_t d[32], const char *hex)
{
	char s[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(d, s);
	return strcmp(s + 7, hex) == 0;
}

static void
test_real_manifest(void)
{
	size_t len;
	unsigned char *m = test_read_vec("real/cosign-keyless-containers-image.manifest.json", &len);
	if (m == NULL) {
		TEST_SKIP("vectors/real absent");
		return;
	}
	uint8_t dg[32];
	sg_oci_digest_of(m, len, dg);
	CHECK(digest_is(dg, "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"));
	sg_arena a = fresh_arena();
	sg_oci_manifest man;
	CHECK_OK(sg_oci_manifest_parse(m, len, &a, &man, NULL));
	CHECK(man.kind == SG_OCI_MANIFEST);
	CHECK(sg_slice_eq_str(man.media_type, SG_MT_DOCKER_MANIFEST));
	CHECK(sg_slice_eq_str(man.config.media_type, SG_MT_DOCKER_CONFIG));
	CHECK(man.config.size == 1508);
	CHECK(digest_is(man.config.digest,
		"3b0f78b718417dfa432fd8da26d0e3ac4ca3566d0825b0d2b056ccc4dd29e644"));
	CHECK(man.ndescs == 1);
	if (man.ndescs == 1) {
		CHECK(man.descs[0].size == 2568440);
		CHECK(sg_slice_eq_str(man.descs[0].media_type,
			"application/vnd.docker.image.rootfs.diff.tar.gzip"));
		CHECK(digest_is(man.descs[0].digest,
			"1df32bae7504a32024616c66017cd5df04dd98eaf150f8df45fffef2547a3c54"));
	}
	/* every proper prefix fails, never reads past the end */
	size_t bad = 0;
	for (size_t i = 0; i < len; i++) {
		const uint8_t *g = guard_put(m, i);
		a = fresh_arena();
		if (sg_oci_manifest_parse(g, i, &a, &man, NULL) != SG_OK)
			bad++;
	}
	CHECK(bad == len);
	free(m);
}

/* The real signature of §11 in containers/image's form: 0x00 "sigstore-json\n" {json}. */
struct real_sig {
	unsigned char *file;
	uint8_t payload[1024];
	size_t payload_len;
	sg_oci_annot annots[8];
	size_t nannots;
};

static int
load_real_sig(struct real_sig *rs, sg_arena *a)
{
	sg_json j;
	if (!test_real_sig_open(a, &rs->file, &j, rs->payload, sizeof rs->payload, &rs->payload_len))
		return 0;
	size_t an = sg_json_get(&j, sg_json_root(&j), "annotations");
	rs->nannots = 0;
	for (size_t k = sg_json_first(&j, an); k != SG_JSON_NONE && rs->nannots < 8;
		k = sg_json_next(&j, k)) {
		if (sg_json_str(&j, k, "k", a, &rs->annots[rs->nannots].key, NULL) != SG_OK ||
			sg_json_str(&j, sg_json_first(&j, k), "v", a,
				&rs->annots[rs->nannots].value, NULL) != SG_OK)
			return 0;
		rs->nannots++;
	}
	return 1;
}

static void
test_emulated_sig_manifest(void)
{
	sg_arena a = fresh_arena();
	struct real_sig rs;
	if (!load_real_sig(&rs, &a)) {
		TEST_SKIP("vectors/real absent");
		free(rs.file);
		return;
	}
	CHECK(rs.payload_len == 262);
	CHECK(rs.nannots == 4);
	sg_oci_desc layer;
	sg_oci_sig_layer(rs.payload, rs.payload_len, rs.annots, rs.nannots, &layer);
	CHECK(digest_is(layer.digest,
		"2dcf9e65b95efb54d936085b0b4519b22fb2e9ab47312ded0ec0fa45384701ed"));

	static uint8_t cfg_mem[4096], man_mem[16384];
	sg_buf cfg, man;
	sg_buf_init(&cfg, cfg_mem, sizeof cfg_mem);
	CHECK_OK(sg_oci_sig_config_write(&layer, 1, &cfg));
	CHECK(cfg.len == 233);
	uint8_t dg[32];
	sg_oci_digest_of(cfg.p, cfg.len, dg);
	CHECK(digest_is(dg, "01a531578f178acdc9d25691f09cf339d1c3aa8c756d4d0e73ef018f288f6bb3"));
	static const char want_cfg[] =
		"{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"cr"
			"eated\":"
		"\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_"
			"ids\":"
		"[\"sha256:2dcf9e65b95efb54d936085b0b4519b22fb2e9ab47312ded0ec0fa45384701ed\"]},"
		"\"config\":{}}";
	CHECK(cfg.len == sizeof want_cfg - 1 && memcmp(cfg.p, want_cfg, cfg.len) == 0);

	sg_buf_init(&man, man_mem, sizeof man_mem);
	CHECK_OK(sg_oci_sig_manifest_write(&layer, 1, sg_buf_slice(&cfg), 0, &man, NULL));
	CHECK(man.len == 5634);
	sg_oci_digest_of(man.p, man.len, dg);
	CHECK(digest_is(dg, "1edc720502eb1f82fdfc972c9c943185fb3b99c29208af238e0df8feeb62a2e1"));

	/* the same through sg_oci_sig_append on an empty .sig */
	sg_buf cfg2, man2;
	static uint8_t cfg2_mem[4096], man2_mem[16384];
	sg_buf_init(&cfg2, cfg2_mem, sizeof cfg2_mem);
	sg_buf_init(&man2, man2_mem, sizeof man2_mem);
	CHECK_OK(sg_oci_sig_append(NULL, &layer, 0, &a, &cfg2, &man2, NULL));
	CHECK(man2.len == man.len && memcmp(man2.p, man.p, man.len) == 0);

	/* it parses back, with the annotations intact and in bytewise order */
	sg_oci_manifest pm;
	CHECK_OK(sg_oci_manifest_parse(man.p, man.len, &a, &pm, NULL));
	CHECK(pm.kind == SG_OCI_MANIFEST && pm.ndescs == 1);
	if (pm.ndescs == 1) {
		CHECK(pm.descs[0].nannots == 4);
		CHECK(sg_slice_eq_str(pm.descs[0].annots[0].key, SG_ANN_SIGNATURE));
		CHECK(sg_slice_eq_str(pm.descs[0].annots[1].key, SG_ANN_BUNDLE));
		CHECK(sg_slice_eq_str(pm.descs[0].annots[2].key, SG_ANN_CERTIFICATE));
		CHECK(sg_slice_eq_str(pm.descs[0].annots[3].key, SG_ANN_CHAIN));
		int present = 0;
		sg_slice v = sg_oci_desc_annotation(&pm.descs[0], SG_ANN_BUNDLE, &present);
		CHECK(present && v.len > 0 && v.p[0] == '{');
		CHECK(sg_slice_eq(v, sg_oci_desc_annotation(&layer, SG_ANN_BUNDLE, NULL)));
		sg_oci_desc_annotation(&pm.descs[0], "nope", &present);
		CHECK(!present);
		CHECK(pm.config.size == 233);
	}

	/* appending a second signature keeps the first descriptor byte for byte */
	static const uint8_t p2[] = "{\"x\":1}";
	sg_oci_annot a2[1] = {{sg_slice_str(SG_ANN_SIGNATURE), sg_slice_str("AAAA")}};
	sg_oci_desc l2;
	sg_oci_sig_layer(p2, sizeof p2 - 1, a2, 1, &l2);
	sg_buf_init(&cfg2, cfg2_mem, sizeof cfg2_mem);
	sg_buf_init(&man2, man2_mem, sizeof man2_mem);
	CHECK_OK(sg_oci_sig_append(&pm, &l2, 1, &a, &cfg2, &man2, NULL));
	sg_oci_manifest pm2;
	CHECK_OK(sg_oci_manifest_parse(man2.p, man2.len, &a, &pm2, NULL));
	CHECK(pm2.ndescs == 2);
	/* media type follows the existing manifest (OCI), not the docker flag */
	CHECK(sg_slice_eq_str(pm2.media_type, SG_MT_OCI_MANIFEST));
	if (pm2.ndescs == 2) {
		CHECK(memcmp(pm2.descs[0].digest, layer.digest, 32) == 0);
		CHECK(memcmp(pm2.descs[1].digest, l2.digest, 32) == 0);
		CHECK(pm2.descs[1].nannots == 1);
	}
	/* the old layers array (minus its closing "]}") reappears unchanged in the new one */
	const char *cut = strstr((const char *)man.p, "\"layers\":[");
	const char *cut2 = strstr((const char *)man2.p, "\"layers\":[");
	CHECK(cut != NULL && cut2 != NULL);
	if (cut != NULL && cut2 != NULL) {
		size_t pre = (size_t)(cut - (const char *)man.p);
		size_t pre2 = (size_t)(cut2 - (const char *)man2.p);
		size_t body = man.len - pre - 2;
		CHECK(man2.len > pre2 + body && memcmp(man2.p + pre2, man.p + pre, body) == 0);
		CHECK(man2.p[pre2 + body] == ',');
	}
	CHECK(cfg2.len > 233 && strstr((const char *)cfg2.p, "\"history\":[{\"created\":"
		"\"0001-01-01T00:00:00Z\"},{\"created\":\"0001-01-01T00:00:00Z\"}]") != NULL);

	/* a too-small buffer is SG_ERR_LIMIT */
	sg_buf small;
	uint8_t smem[100];
	sg_buf_init(&small, smem, sizeof smem);
	CHECK_ERR(sg_oci_sig_manifest_write(&layer, 1, sg_buf_slice(&cfg), 0, &small, NULL),
		SG_ERR_LIMIT);
	sg_buf_init(&small, smem, sizeof smem);
	CHECK_ERR(sg_oci_sig_config_write(&layer, 1, &small), SG_ERR_LIMIT);
	free(rs.file);
}

static void
test_docker_types_and_escaping(void)
{
	static const uint8_t payload[] = "p";
	sg_oci_annot an[3] = {
		{sg_slice_str("z"), sg_slice_str("<&>\xe2\x80\xa8")},
		{sg_slice_str("B"), sg_slice_str("line\n\"q\"")},
		{sg_slice_str("a"), sg_slice_str("")},
	};
	sg_oci_desc l;
	sg_oci_sig_layer(payload, 1, an, 3, &l);
	uint8_t cmem[1024], mmem[2048];
	sg_buf c, m;
	sg_buf_init(&c, cmem, sizeof cmem);
	sg_buf_init(&m, mmem, sizeof mmem);
	CHECK_OK(sg_oci_sig_config_write(&l, 1, &c));
	CHECK_OK(sg_oci_sig_manifest_write(&l, 1, sg_buf_slice(&c), 1, &m, NULL));
	static const char want_prefix[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manif"
			"est.v2+"
		"json\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+j"
			"son\","
		"\"size\":233,\"digest\":\"sha256:";
	CHECK(m.len > sizeof want_prefix && memcmp(m.p, want_prefix, sizeof want_prefix - 1) == 0);
	static const char want_annots[] =
		"\"annotations\":{\"B\":\"line\\n\\\"q\\\"\",\"a\":\"\",\"z\":"
		"\"\\u003c\\u0026\\u003e\\u2028\"}}]}";
	CHECK(m.len > sizeof want_annots &&
		memcmp(m.p + m.len - (sizeof want_annots - 1), want_annots,
			sizeof want_annots - 1) == 0);
	/* duplicate annotation keys are refused */
	sg_oci_annot dup[2] = {{sg_slice_str("k"), sg_slice_str("1")},
		{sg_slice_str("k"), sg_slice_str("2")}};
	sg_oci_sig_layer(payload, 1, dup, 2, &l);
	sg_buf_init(&m, mmem, sizeof mmem);
	CHECK_ERR(sg_oci_sig_manifest_write(&l, 1, sg_buf_slice(&c), 0, &m, NULL), SG_ERR_ARG);
}

static sg_err
parse_str(const char *s)
{
	static uint8_t mem[1 << 16];
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	sg_oci_manifest m;
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_oci_manifest_parse(g, strlen(s), &a, &m, NULL);
}

#define D64 "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"
#define DESC(mt) "{\"mediaType\":\"" mt "\",\"size\":12,\"digest\":\"" D64 "\"}"

static void
test_index_and_strictness(void)
{
	static const char idx[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		"\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"size\":7143,\"digest\":\"" D64 "\",\"platform\":{\"architecture\":\"arm64\","
		"\"os\":\"linux\",\"variant\":\"v8\"}},"
		DESC("application/vnd.oci.image.manifest.v1+json") "],"
		"\"annotations\":{\"org.opencontainers.image.created\":\"2024\"}}";
	sg_arena a = fresh_arena();
	sg_oci_manifest m;
	CHECK_OK(sg_oci_manifest_parse((const uint8_t *)idx, sizeof idx - 1, &a, &m, NULL));
	CHECK(m.kind == SG_OCI_INDEX && m.ndescs == 2 && m.nannots == 1);
	if (m.ndescs == 2) {
		CHECK(sg_slice_eq_str(m.descs[0].architecture, "arm64"));
		CHECK(sg_slice_eq_str(m.descs[0].os, "linux"));
		CHECK(sg_slice_eq_str(m.descs[0].variant, "v8"));
		CHECK(m.descs[0].size == 7143);
		CHECK(m.descs[1].os.p == NULL);
	}
	/* appending to an index is refused */
	sg_oci_desc l;
	sg_oci_sig_layer((const uint8_t *)"x", 1, NULL, 0, &l);
	uint8_t cm[1024], mm[1024];
	sg_buf c, mb;
	sg_buf_init(&c, cm, sizeof cm);
	sg_buf_init(&mb, mm, sizeof mm);
	CHECK_ERR(sg_oci_sig_append(&m, &l, 0, &a, &c, &mb, NULL), SG_ERR_OCI_MANIFEST);

	/* no mediaType: kind from the fields */
	CHECK_OK(parse_str("{\"schemaVersion\":2,\"manifests\":[]}"));
	CHECK_OK(parse_str("{\"schemaVersion\":2,\"config\":" DESC("a/b") ",\"layers\":[]}"));
	CHECK_OK(parse_str("{\"schemaVersion\":2,\"config\":" DESC("a/b") ",\"layers\":[],"
			   "\"subject\":" DESC("a/b") ",\"artifactType\":\"x/y\",\"extra\":[1]}"));
	CHECK_OK(parse_str("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"size\":0,"
			   "\"digest\":\"" D64 "\",\"urls\":[\"u\"],\"annotations\":{}},\"layer"
				"s\":[]}"));

	static const struct {
		const char *json;
		sg_err code;
	} bad[] = {
		{"[]", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":1,\"fsLayers\":[]}", SG_ERR_UNSUPPORTED},
		{"{\"schemaVersion\":\"2\",\"layers\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2.0,\"layers\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":3,\"layers\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
			SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"layers\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"config\":" DESC("a/b") "}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"config\":" DESC("a/b") ",\"layers\":[],\"manifests\":[]}",
			SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		 "\"config\":" DESC("a/b") ",\"layers\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+js"
			"on\","
		 "\"manifests\":[]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"mediaType\":\"text/plain\",\"manifests\":[]}",
			SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.mani"
			"fest."
		 "v1+prettyjws\",\"manifests\":[]}", SG_ERR_UNSUPPORTED},
		{"{\"schemaVersion\":2,\"manifests\":{}}", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2,\"manifests\":[1]}", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2,\"manifests\":[{\"size\":1,\"digest\":\"" D64 "\"}]}",
			SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"\",\"size\":1,\"digest\""
			":\"" D64
		 "\"}]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":-1,\"digest"
			"\":\""
		 D64 "\"}]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":\"1\",\"dig"
			"est\":\""
		 D64 "\"}]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1.5,\"diges"
			"t\":\""
		 D64 "\"}]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":"
		 "9223372036854775808,\"digest\":\"" D64 "\"}]}", SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1}]}",
			SG_ERR_OCI_MANIFEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1,\"digest\":"
		 "\"sha256:abc\"}]}", SG_ERR_OCI_DIGEST},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1,\"digest\":"
		 "\"sha512:" "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"
		 "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a\"}]}",
			SG_ERR_UNSUPPORTED},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1,\"digest\":\""
		 D64 "\",\"annotations\":{\"k\":1}}]}", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1,\"digest\":\""
		 D64 "\",\"annotations\":[]}]}", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"size\":1,\"digest\":\""
		 D64 "\",\"platform\":{\"os\":7}}]}", SG_ERR_JSON_TYPE},
		{"{\"schemaVersion\":2,\"manifests\":[],\"manifests\":[]"
			"}", SG_ERR_JSON_DUPLICATE_KEY},
		{"{\"schemaVersion\":2,\"manifests\":[]} x", SG_ERR_TRAILING},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_err e = parse_str(bad[i].json);
		CHECK_ERR(e, bad[i].code);
		if (e != bad[i].code)
			fprintf(stderr, "  case %zu: %s\n", i, bad[i].json);
	}

	/* limits: 1001 descriptors */
	static char big[1001 * 120 + 100];
	sg_buf b;
	sg_buf_init(&b, big, sizeof big - 1);
	sg_buf_puts(&b, "{\"schemaVersion\":2,\"manifests\":[");
	for (int i = 0; i < 1001; i++)
		sg_buf_puts(&b, i ? "," DESC("a") : DESC("a"));
	sg_buf_puts(&b, "]}");
	CHECK_OK(sg_buf_status(&b));
	a = fresh_arena();
	CHECK_ERR(sg_oci_manifest_parse(b.p, b.len, &a, &m, NULL), SG_ERR_LIMIT);

	/* media-type kinds */
	CHECK(sg_oci_media_kind(sg_slice_str(SG_MT_DOCKER_LIST)) == SG_OCI_INDEX);
	CHECK(sg_oci_media_kind(sg_slice_str(SG_MT_OCI_MANIFEST)) == SG_OCI_MANIFEST);
	CHECK(sg_oci_media_kind(sg_slice_str(SG_MT_OCI_CONFIG)) == SG_OCI_UNKNOWN);
}

static void
test_duplicates(void)
{
	sg_arena a = fresh_arena();
	static const uint8_t payload[] =
		"{\"critical\":{\"identity\":{\"docker-reference\":\"ghcr.io/o/r\"},\"image\":{"
		"\"docker-manifest-digest\":\"" D64 "\"},\"type\":\"cosign container image sign"
			"ature"
		"\"},\"optional\":null}";
	size_t plen = sizeof payload - 1;
	uint8_t priv[32];
	for (int i = 0; i < 32; i++)
		priv[i] = (uint8_t)(i + 1);
	sg_p256_key key, other;
	CHECK_OK(sg_p256_key_from_private(priv, 32, &key, NULL));
	priv[0] ^= 0x40;
	CHECK_OK(sg_p256_key_from_private(priv, 32, &other, NULL));
	uint8_t h[32], sig[SG_P256_SIG_MAX];
	size_t siglen = 0;
	sg_sha256(payload, plen, h);
	CHECK_OK(sg_p256_sign_digest(&key, h, sig, sizeof sig, &siglen, NULL));
	uint8_t b64m[128];
	sg_buf b64;
	sg_buf_init(&b64, b64m, sizeof b64m);
	CHECK_OK(sg_b64_encode(sig, siglen, SG_B64_STD | SG_B64_PAD, &b64));

	sg_oci_annot an[2] = {{sg_slice_str(SG_ANN_SIGNATURE), sg_buf_slice(&b64)},
		{sg_slice_str(SG_ANN_CERTIFICATE), sg_slice_str("CERT")}};
	sg_oci_desc l;
	sg_oci_sig_layer(payload, plen, an, 2, &l);
	static uint8_t cm[4096], mm[8192];
	sg_buf c, m;
	sg_buf_init(&c, cm, sizeof cm);
	sg_buf_init(&m, mm, sizeof mm);
	CHECK_OK(sg_oci_sig_append(NULL, &l, 0, &a, &c, &m, NULL));
	sg_oci_manifest ex;
	CHECK_OK(sg_oci_manifest_parse(m.p, m.len, &a, &ex, NULL));

	uint8_t spki_mem[SG_P256_SPKI_LEN];
	sg_buf spki;
	sg_pubkey pk, pk_other;
	sg_buf_init(&spki, spki_mem, sizeof spki_mem);
	CHECK_OK(sg_p256_write_spki(key.pub, &spki));
	CHECK_OK(sg_pubkey_parse(spki.p, spki.len, &pk, NULL));
	static uint8_t spki2_mem[SG_P256_SPKI_LEN];
	sg_buf_init(&spki, spki2_mem, sizeof spki2_mem);
	CHECK_OK(sg_p256_write_spki(other.pub, &spki));
	CHECK_OK(sg_pubkey_parse(spki.p, spki.len, &pk_other, NULL));

	int found = -1;
	size_t idx = 99;
	/* the same payload re-signed by the same key, same certificate: a duplicate */
	sg_oci_annot an2[2] = {{sg_slice_str(SG_ANN_SIGNATURE), sg_slice_str("ignored")},
		{sg_slice_str(SG_ANN_CERTIFICATE), sg_slice_str("CERT")}};
	sg_oci_desc l2;
	sg_oci_sig_layer(payload, plen, an2, 2, &l2);
	CHECK_OK(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen, &pk, &found, &idx, NULL));
	CHECK(found == 1 && idx == 0);
	/* another signer: the old signature does not verify */
	CHECK_OK(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen, &pk_other, &found, &idx,
		NULL));
	CHECK(found == 0);
	/* a new annotation value (keyless: a new certificate every time): not a duplicate */
	an2[1].value = sg_slice_str("CERT2");
	CHECK_OK(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen, &pk, &found, &idx, NULL));
	CHECK(found == 0);
	/* a new annotation the old layer lacks: not a duplicate */
	sg_oci_annot an3[3] = {an[0], an[1], {sg_slice_str(SG_ANN_BUNDLE), sg_slice_str("{}")}};
	sg_oci_sig_layer(payload, plen, an3, 3, &l2);
	CHECK_OK(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen, &pk, &found, &idx, NULL));
	CHECK(found == 0);
	/* fewer annotations than the old layer still match (only the new ones are compared) */
	sg_oci_sig_layer(payload, plen, an, 1, &l2);
	CHECK_OK(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen, &pk, &found, &idx, NULL));
	CHECK(found == 1);
	/* a layer that does not describe the payload is a caller error */
	CHECK_ERR(sg_oci_sig_find_duplicate(&ex, &l2, payload, plen - 1, &pk, &found, &idx, NULL),
		SG_ERR_ARG);
	/* no existing manifest */
	CHECK_OK(sg_oci_sig_find_duplicate(NULL, &l, payload, plen, &pk, &found, &idx, NULL));
	CHECK(found == 0);
	sg_p256_key_wipe(&key);
	sg_p256_key_wipe(&other);
}

/* ---- OCI 1.1 referrers (cosign-v3.md §1.7, §1.8) ---- */

#define BUNDLE_MT "application/vnd.dev.sigstore.bundle.v0.3+json"
#define HEX_A "5099b89d7666cc2186cad769ddc262ddc7c335b33f5fe79f9ffe50a01282b23e"

static void
fill_digest(uint8_t d[32], uint8_t v)
{
	memset(d, v, 32);
}

static void
test_referrer_manifest(void)
{
	uint8_t buf[4096];
	sg_buf b;
	sg_oci_referrer r;
	memset(&r, 0, sizeof r);
	r.bundle_media_type = sg_slice_str(BUNDLE_MT);
	fill_digest(r.layer_digest, 0x11);
	r.layer_size = 4242;
	r.predicate_type = sg_slice_str("https://sigstore.dev/cosign/sign/v1");
	r.created = sg_slice_str("2026-07-14T09:12:33Z");
	r.subject.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	r.subject.size = 527;
	CHECK_OK(sg_oci_digest_parse((const uint8_t *)"sha256:" HEX_A, 71, "x", r.subject.digest,
		NULL));
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_oci_referrer_write(&r, &b, NULL));
	/* Composed by hand from cosign v3.1.2's struct order (cosign-v3.md §1.7). */
	static const char want[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,"
		"\"digest\":\"sha256:"
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
		"\"artifactType\":\"" BUNDLE_MT "\"},"
		"\"layers\":[{\"mediaType\":\"" BUNDLE_MT "\",\"size\":4242,\"digest\":\"sha256:"
		"1111111111111111111111111111111111111111111111111111111111111111\"}],"
		"\"annotations\":{\"dev.sigstore.bundle.content\":\"dsse-envelope\","
		"\"dev.sigstore.bundle.predicateType\":\"https://sigstore.dev/cosign/sign/v1\","
		"\"org.opencontainers.image.created\":\"2026-07-14T09:12:33Z\"},"
		"\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"size\":527,\"digest\":\"sha256:" HEX_A "\"},"
		"\"artifactType\":\"" BUNDLE_MT "\"}";
	CHECK(b.len == sizeof want - 1 && memcmp(b.p, want, b.len) == 0);
	/* It parses back with its subject, artifactType and the layer. */
	sg_arena a = fresh_arena();
	sg_oci_manifest m;
	CHECK_OK(sg_oci_manifest_parse(b.p, b.len, &a, &m, NULL));
	CHECK(m.kind == SG_OCI_MANIFEST && m.has_subject && m.subject.size == 527);
	CHECK(sg_slice_eq_str(m.artifact_type, BUNDLE_MT));
	CHECK(sg_slice_eq_str(m.config.artifact_type, BUNDLE_MT));
	CHECK(m.ndescs == 1 && m.descs[0].size == 4242 && m.nannots == 3);
	/* Too small a buffer. */
	sg_buf_init(&b, buf, 100);
	CHECK_ERR(sg_oci_referrer_write(&r, &b, NULL), SG_ERR_LIMIT);
	r.layer_size = -1;
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_ERR(sg_oci_referrer_write(&r, &b, NULL), SG_ERR_ARG);
}

static void
test_fallback_index(void)
{
	char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
	uint8_t d[32];
	fill_digest(d, 0xab);
	sg_oci_fallback_tag(d, tag);
	static const char want_tag[] =
		"sha256-abababababababababababababababababababababababababababababababab";
	CHECK(strcmp(tag, want_tag) == 0);

	uint8_t buf[4096];
	sg_buf b;
	sg_arena a = fresh_arena();
	sg_oci_annot ann[2] = {{sg_slice_str("z"), sg_slice_str("1")},
		{sg_slice_str("a"), sg_slice_str("<&>")}};
	sg_oci_desc e;
	memset(&e, 0, sizeof e);
	e.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	e.size = 10;
	fill_digest(e.digest, 0x22);
	e.annots = ann;
	e.nannots = 2;
	e.artifact_type = sg_slice_str(BUNDLE_MT);
	int already = -1;
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_oci_index_add(NULL, &e, &a, &b, &already, NULL));
	CHECK(already == 0);
	static const char want1[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		"\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"size\":10,\"digest\":\"sha256:"
		"2222222222222222222222222222222222222222222222222222222222222222\","
		"\"annotations\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"},"
		"\"artifactType\":\"" BUNDLE_MT "\"}]}";
	CHECK(b.len == sizeof want1 - 1 && memcmp(b.p, want1, b.len) == 0);

	/* A second entry sorts before the first; the first keeps its fields; a repeat is seen. */
	sg_oci_manifest idx;
	CHECK_OK(sg_oci_manifest_parse(b.p, b.len, &a, &idx, NULL));
	CHECK(sg_slice_eq_str(idx.descs[0].artifact_type, BUNDLE_MT));
	uint8_t buf2[4096];
	sg_buf b2;
	sg_oci_desc e2 = e;
	fill_digest(e2.digest, 0x01);
	e2.nannots = 0;
	e2.artifact_type = sg_slice_make(NULL, 0);
	sg_buf_init(&b2, buf2, sizeof buf2);
	CHECK_OK(sg_oci_index_add(&idx, &e2, &a, &b2, &already, NULL));
	sg_oci_manifest idx2;
	CHECK_OK(sg_oci_manifest_parse(b2.p, b2.len, &a, &idx2, NULL));
	CHECK(idx2.ndescs == 2 && idx2.descs[0].digest[0] == 0x01 &&
		idx2.descs[1].digest[0] == 0x22 && idx2.descs[1].nannots == 2);
	sg_buf_init(&b2, buf2, sizeof buf2);
	CHECK_OK(sg_oci_index_add(&idx2, &e, &a, &b2, &already, NULL));
	CHECK(already == 1 && b2.len == 0);

	/* Not an OCI index at the tag: refused as ggcr refuses it. */
	sg_oci_manifest man;
	static const char docker_list[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest."
		"list.v2+json\",\"manifests\":[]}";
	CHECK_OK(sg_oci_manifest_parse((const uint8_t *)docker_list, sizeof docker_list - 1, &a,
		&man, NULL));
	sg_diag dg;
	sg_diag_init(&dg, NULL);
	CHECK_ERR(sg_oci_index_add(&man, &e, &a, &b2, &already, &dg), SG_ERR_OCI_MANIFEST);
	CHECK(strstr(dg.detail, "not an OCI image index") != NULL);

	/* Lookup checks: an index, not the subject itself, of the OCI type. */
	uint8_t self[32], other[32];
	fill_digest(self, 0x33);
	fill_digest(other, 0x44);
	CHECK_OK(sg_oci_referrers_check(&idx2, other, self, 1, NULL));
	CHECK_OK(sg_oci_referrers_check(&idx2, self, self, 0, NULL));
	CHECK_ERR(sg_oci_referrers_check(&idx2, self, self, 1, NULL), SG_ERR_OCI_MANIFEST);
	CHECK_ERR(sg_oci_referrers_check(&man, other, self, 1, NULL), SG_ERR_OCI_MANIFEST);
	sg_oci_manifest img;
	static const char img_json[] =
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"size\":1,\"digest\":"
		"\"sha256:" HEX_A "\"},\"layers\":[]}";
	CHECK_OK(sg_oci_manifest_parse((const uint8_t *)img_json, sizeof img_json - 1, &a, &img,
		NULL));
	CHECK_ERR(sg_oci_referrers_check(&img, other, self, 0, NULL), SG_ERR_OCI_MANIFEST);
}

int
main(void)
{
	test_real_manifest();
	test_emulated_sig_manifest();
	test_docker_types_and_escaping();
	test_index_and_strictness();
	test_duplicates();
	test_referrer_manifest();
	test_fallback_index();
	guard_release();
	return test_finish();
}
