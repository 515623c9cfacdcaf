/* Unit tests for trustroot: every shared trusted_root.json parses with the right entry counts,
 * key ids equal SHA-256 of the SPKI for the public-good v1/CT logs (and not for the Rekor v2
 * log, whose id is opaque), validity windows, lookups, named errors for broken roots, every
 * proper prefix fails, and cli_trust's flag > env > embedded precedence. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/pubkey.h"
#include "guard.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "runner.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "vectors.h"

static uint8_t arena_mem[4u << 20];
static sg_arena arena;
static sg_trustroot tr;

static sg_err
parse_buf(const uint8_t *p, size_t n, sg_diag *d)
{
	sg_arena_reset(&arena);
	sg_diag_init(d, "test");
	return sg_trustroot_parse(p, n, &arena, &tr, d);
}

/* Count the elements of a top-level array member with the plain JSON adapter. */
static size_t
count_member(const uint8_t *p, size_t n, const char *key)
{
	static uint8_t mem[1 << 20];
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	sg_json j;
	if (sg_json_parse(p, n, &a, "t", &j, NULL) != SG_OK)
		return (size_t)-1;
	size_t t = sg_json_get(&j, 0, key);
	return t == SG_JSON_NONE ? 0 : sg_json_count(&j, t);
}

static void
check_counts(const char *path, const uint8_t *p, size_t n)
{
	int ok = tr.n_cas == count_member(p, n, "certificateAuthorities") &&
		tr.n_tlogs == count_member(p, n, "tlogs") &&
		tr.n_ctlogs == count_member(p, n, "ctlogs") &&
		tr.n_tsas == count_member(p, n, "timestampAuthorities");
	if (!ok)
		fprintf(stderr, "counts differ: %s\n", path);
	CHECK(ok);
}

static void
test_trust_files(void)
{
	static const struct {
		const char *file;
		size_t cas, tlogs, ctlogs, tsas;
	} files[] = {
		{"trust/production-trusted_root.sigstore-python.json", 2, 2, 2, 1},
		{"trust/production-trusted_root.sigstore-go-examples.json", 2, 1, 2, 1},
		{"trust/production-trusted_root.sigstore-rs.json", 2, 1, 2, 0},
		{"trust/staging-trusted_root.sigstore-python.json", 1, 4, 4, 1},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		size_t n;
		uint8_t *p = test_read_vec(files[i].file, &n);
		if (p == NULL) {
			TEST_SKIP("%s not found", files[i].file);
			continue;
		}
		sg_diag d;
		sg_err e = parse_buf(p, n, &d);
		CHECK_OK(e);
		if (e != SG_OK) {
			char msg[600];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "%s: %s\n", files[i].file, msg);
		}
		CHECK(tr.n_cas == files[i].cas && tr.n_tlogs == files[i].tlogs &&
			tr.n_ctlogs == files[i].ctlogs && tr.n_tsas == files[i].tsas);
		check_counts(files[i].file, p, n);
		free(p);
	}
	/* Files that are not trusted roots are rejected by media type. */
	static const char *const others[] = {
		"trust/production-signing_config.v0.2.sigstore-python.json",
		"trust/production-tuf-root.sigstore-python.json",
	};
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		uint8_t *p = test_read_vec(others[i], &n);
		if (p == NULL)
			continue;
		sg_diag d;
		sg_err e = parse_buf(p, n, &d);
		CHECK(e == SG_ERR_VERIFY_TRUST_ROOT || e == SG_ERR_JSON_MISSING);
		CHECK(tr.n_tlogs == 0 && tr.n_cas == 0);
		free(p);
	}
}

static void
test_conformance_roots(void)
{
	test_cases it;
	if (!test_cases_open(&it))
		return;
	size_t parsed = 0, rejected = 0;
	const char *name;
	while ((name = test_cases_next(&it)) != NULL) {
		char path[512];
		test_case_path(name, "trusted_root.json", path, sizeof path);
		size_t n;
		uint8_t *p = test_read_vec(path, &n);
		if (p == NULL)
			continue;
		sg_diag d;
		sg_err e = parse_buf(p, n, &d);
		if (strcmp(name, "trust-root-tlog-missing-validity-start_fail") == 0) {
			CHECK_ERR(e, SG_ERR_JSON_MISSING);
			CHECK(d.what != NULL &&
				strcmp(d.what, "trusted root tlogs[].publicKey.validFor.start") ==
					0);
			rejected++;
		} else {
			CHECK_OK(e);
			check_counts(path, p, n);
			parsed++;
		}
		free(p);
	}
	CHECK(parsed >= 30 && rejected == 1);
	printf("conformance trusted roots: %zu parsed, %zu rejected as expected\n", parsed,
		rejected);
}

static void
test_production_details(void)
{
	size_t n;
	uint8_t *p = test_read_vec("trust/production-trusted_root.sigstore-python.json", &n);
	if (p == NULL) {
		TEST_SKIP("production trusted root not found");
		return;
	}
	sg_diag d;
	CHECK_OK(parse_buf(p, n, &d));
	uint8_t rekor_id[32], ct2022_id[32], h[32];
	test_hex_to("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", rekor_id);
	test_hex_to("dd3d306ac6c7113263191e1c99673702a24a5eb8de3cadff878a72802f29ee8e", ct2022_id);

	/* Rekor v1: key id = SHA-256(SPKI), P-256, window from 2021-01-12T11:53:27Z. */
	const sg_trust_log *rk =
		sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 32, INT64_MIN);
	CHECK(rk != NULL);
	if (rk != NULL) {
		sg_sha256(rk->spki.p, rk->spki.len, h);
		CHECK(memcmp(h, rk->key_id, 32) == 0);
		CHECK(rk->key.type == SG_KEY_EC && rk->key.curve == SG_CURVE_P256);
		CHECK(rk->hash == SG_HASH_SHA256 && rk->sig_hash == SG_HASH_SHA256);
		CHECK(rk->valid.start == 1610452407 && rk->valid.end == INT64_MAX);
		CHECK(sg_slice_eq_str(rk->base_url, "https://rekor.sigstore.dev"));
		CHECK(sg_slice_eq_str(rk->key_details, "PKIX_ECDSA_P256_SHA_256"));
	}
	CHECK(sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 32, 1674247893) == rk);
	CHECK(sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 32, 1610452406) == NULL);
	CHECK(sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 31, INT64_MIN) == NULL);
	CHECK(sg_trustroot_find_log(tr.ctlogs, tr.n_ctlogs, rekor_id, 32, INT64_MIN) == NULL);
	/* Every ECDSA log and CT log: key id = SHA-256(SPKI). The Ed25519 Rekor v2 log: opaque. */
	size_t ed = 0;
	for (size_t i = 0; i < tr.n_tlogs + tr.n_ctlogs; i++) {
		const sg_trust_log *l = i < tr.n_tlogs ? &tr.tlogs[i] : &tr.ctlogs[i - tr.n_tlogs];
		sg_sha256(l->spki.p, l->spki.len, h);
		if (l->key.type == SG_KEY_ED25519) {
			ed++;
			CHECK(memcmp(h, l->key_id, 32) != 0);
			CHECK(l->key_id[0] == 0xcf && l->key_id[1] == 0x11);
		} else {
			CHECK(l->key.type == SG_KEY_EC);
			CHECK(l->key_id_len == 32 && memcmp(h, l->key_id, 32) == 0);
		}
	}
	CHECK(ed == 1);
	const sg_trust_log *ct =
		sg_trustroot_find_log(tr.ctlogs, tr.n_ctlogs, ct2022_id, 32, 1674247891);
	CHECK(ct != NULL);
	/* The old CT log ended 2022-10-31T23:59:59.999Z: inclusive at second granularity. */
	CHECK(tr.ctlogs[0].valid.end == 1667260799 || tr.ctlogs[1].valid.end == 1667260799);
	/* Checkpoint key hint: first 4 bytes of the log id. */
	static const uint8_t hint[4] = {0xc0, 0xd2, 0x3d, 0x6a};
	size_t k = sg_trustroot_find_log_by_hint(tr.tlogs, tr.n_tlogs, 0, hint);
	CHECK(k < tr.n_tlogs && &tr.tlogs[k] == rk);
	CHECK(sg_trustroot_find_log_by_hint(tr.tlogs, tr.n_tlogs, k + 1, hint) == tr.n_tlogs);
	static const uint8_t nohint[4] = {1, 2, 3, 4};
	CHECK(sg_trustroot_find_log_by_hint(tr.tlogs, tr.n_tlogs, 0, nohint) == tr.n_tlogs);
	/* Fulcio CAs: the 2021 root alone (ends 2022-12-31T23:59:59Z), then intermediate+root. */
	CHECK(tr.cas[0].n_certs == 1 && tr.cas[0].valid.end == 1672531199);
	CHECK(tr.cas[1].n_certs == 2 && tr.cas[1].valid.end == INT64_MAX);
	CHECK(sg_slice_eq_str(tr.cas[1].uri, "https://fulcio.sigstore.dev"));
	CHECK(tr.tsas[0].n_certs == 2);
	CHECK(tr.cas[1].certs[0].len > 500 && tr.cas[1].certs[0].p[0] == 0x30);

	/* Every proper prefix fails (and never reads past its end), except those that only drop
	 * trailing whitespace. */
	size_t end = n;
	while (end > 0 && (p[end - 1] == '\n' || p[end - 1] == ' '))
		end--;
	size_t fails = 0;
	for (size_t m = 0; m < end; m++) {
		const uint8_t *g = guard_put(p, m);
		sg_arena_reset(&arena);
		if (sg_trustroot_parse(g, m, &arena, &tr, NULL) != SG_OK && tr.n_tlogs == 0)
			fails++;
	}
	guard_release();
	CHECK(fails == end);
	free(p);
}

static void
test_bad_roots(void)
{
	size_t n;
	uint8_t *p = test_read_vec("trust/production-trusted_root.sigstore-python.json", &n);
	if (p == NULL) {
		TEST_SKIP("production trusted root not found");
		return;
	}
	static const struct {
		const char *from, *to;
		sg_err want;
		const char *what;
	} cases[] = {
		{"trustedroot+json;version=0.1", "trustedroot+json;version=9.9",
			SG_ERR_VERIFY_TRUST_ROOT, "trusted root mediaType"},
		{"\"mediaType\"", "\"mediaTypo\"", SG_ERR_JSON_MISSING, "trusted root mediaType"},
		{"\"rawBytes\": \"MFkw", "\"rawBytes\": \"M$kw", SG_ERR_B64_CHAR,
			"trusted root tlogs[].publicKey.rawBytes"},
		{"\"logId\"", "\"logIdent\"", SG_ERR_JSON_MISSING, "trusted root tlogs[].logId"},
		{"\"keyId\": \"wNI9", "\"keyId\": 7, \"x\": \"wNI9", SG_ERR_JSON_TYPE,
			"trusted root tlogs[].logId.keyId"},
		{"\"start\": \"2021-01-12T11:53:27Z\"", "\"begin\": \"2021-01-12T11:53:27Z\"",
			SG_ERR_JSON_MISSING, "trusted root tlogs[].publicKey.validFor.start"},
		{"\"start\": \"2021-01-12T11:53:27Z\"", "\"start\": \"2021-01-12 11:53:27\"",
			SG_ERR_JSON_VALUE, "trusted root tlogs[].publicKey.validFor.start"},
		{"\"keyDetails\": \"PKIX_ECDSA_P256_SHA_256\"",
			"\"keyDetails\": \"PKIX_ECDSA_P384_SHA_384\"", SG_ERR_VERIFY_TRUST_ROOT,
			"trusted root tlogs[].publicKey.rawBytes"},
		{"\"hashAlgorithm\": \"SHA2_256\"", "\"hashAlgorithm\": \"MD5\"",
			SG_ERR_VERIFY_TRUST_ROOT, "trusted root tlogs[].hashAlgorithm"},
		{"\"certificates\": [", "\"certificates\": [], \"x\": [", SG_ERR_VERIFY_TRUST_ROOT,
			"trusted root certificateAuthorities[].certChain.certificates"},
		{"\"certChain\"", "\"certChian\"", SG_ERR_JSON_MISSING,
			"trusted root certificateAuthorities[].certChain"},
		{"\"tlogs\": [", "\"tlogs\": {\"a\":1}, \"x\": [", SG_ERR_JSON_TYPE,
			"trusted root tlogs"},
		{"\"rawBytes\": \"MIIB9zCC", "\"rawBytes\": \"AAAA\", \"y\": \"MIIB9zCC",
			SG_ERR_VERIFY_TRUST_ROOT,
			"trusted root certificateAuthorities[].certChain.certificates[].rawBytes"},
		{"\"validFor\": {\n          \"start\": \"2021-01-12T11:53:27Z\"\n",
			"\"validFor\": {\n          \"start\": \"2021-01-12T11:53:27Z\", \"end\": "
			"\"2020-01-01T00:00:00Z\"\n",
			SG_ERR_VERIFY_TRUST_ROOT, "trusted root tlogs[].publicKey.validFor.end"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (test_mutation_rejected(p, n, i, cases[i].from, cases[i].to, parse_buf,
			    cases[i].want, cases[i].what))
			CHECK(tr.n_tlogs == 0 && tr.n_cas == 0 && tr.n_ctlogs == 0);
	}
	/* Newer media types are accepted; unknown members are ignored. */
	static const char *const ok_mt[] = {
		"\"application/vnd.dev.sigstore.trustedroot.v0.1+json\"",
		"\"application/vnd.dev.sigstore.trustedroot.v0.2+json\"",
	};
	for (size_t i = 0; i < 2; i++) {
		size_t mn;
		uint8_t *m = test_mutate(p, n,
			"\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"", ok_mt[i],
			&mn);
		sg_diag d;
		CHECK_OK(parse_buf(m, mn, &d));
		free(m);
	}
	size_t mn;
	uint8_t *m =
		test_mutate(p, n, "\"tlogs\"", "\"futureField\": {\"x\": [1]}, \"tlogs\"", &mn);
	sg_diag d;
	CHECK_OK(parse_buf(m, mn, &d));
	CHECK(tr.n_tlogs == 2);
	free(m);
	/* A checkpointKeyId (v0.2) is kept. */
	m = test_mutate(p, n, "\"logId\"",
		"\"checkpointKeyId\": {\"keyId\": \"AQIDBA==\"}, \"logId\"", &mn);
	CHECK_OK(parse_buf(m, mn, &d));
	CHECK(tr.tlogs[0].checkpoint_key_id_len == 4 && tr.tlogs[0].checkpoint_key_id[3] == 4);
	static const uint8_t hint[4] = {1, 2, 3, 4};
	CHECK(sg_trustroot_find_log_by_hint(tr.tlogs, tr.n_tlogs, 0, hint) == 0);
	free(m);
	free(p);
}

/* Read two PEM files of production-pem/ into one malloc'd buffer (the second may be NULL). */
static unsigned char *
pem_pair(const char *a, const char *b, size_t *n)
{
	char ra[256], rb[256];
	size_t na = 0, nb = 0;
	snprintf(ra, sizeof ra, "trust/production-pem/%s", a);
	unsigned char *pa = test_read_vec(ra, &na), *pb = NULL;
	if (b != NULL) {
		snprintf(rb, sizeof rb, "trust/production-pem/%s", b);
		pb = test_read_vec(rb, &nb);
	}
	if (pa == NULL || (b != NULL && pb == NULL)) {
		free(pa);
		free(pb);
		return NULL;
	}
	unsigned char *o = malloc(na + nb + 1);
	memcpy(o, pa, na);
	if (nb)
		memcpy(o + na, pb, nb);
	*n = na + nb;
	free(pa);
	free(pb);
	return o;
}

/* cosign's PEM variables against the real public-good material: the PEM export of the
 * production trusted root must give the same logs (key ids = SHA-256 of the SPKI, which the
 * trusted root states independently) and the same CA and TSA chains. */
static void
test_pem_parts(void)
{
	size_t n, rn;
	unsigned char *root = test_read_vec(TEST_PROD_ROOT, &rn);
	unsigned char *p = pem_pair("fulcio-ca1-1-sigstore.crt.pem",
		"fulcio-ca1-0-sigstore-intermediate.crt.pem", &n);
	if (p == NULL || root == NULL) {
		free(p);
		free(root);
		TEST_SKIP("production-pem vectors not found");
		return;
	}
	static sg_trustroot ref;
	sg_arena_reset(&arena);
	CHECK_OK(sg_trustroot_parse(root, rn, &arena, &ref, NULL));
	sg_trustroot t;
	memset(&t, 0, sizeof t);
	/* root first, intermediate after: linked leaf-most first whatever the file order */
	CHECK_OK(sg_trustroot_add_pem(&t, SG_TRUST_PART_FULCIO, p, n, &arena, NULL));
	CHECK(t.n_cas == 1 && t.cas[0].n_certs == 2);
	CHECK(sg_slice_eq(t.cas[0].certs[0], ref.cas[1].certs[0]) &&
		sg_slice_eq(t.cas[0].certs[1], ref.cas[1].certs[1]));
	CHECK(t.cas[0].valid.start == INT64_MIN && t.cas[0].valid.end == INT64_MAX);
	free(p);
	/* an intermediate alone is linked to no root: refused */
	p = pem_pair("fulcio-ca1-0-sigstore-intermediate.crt.pem", NULL, &n);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_trustroot_add_pem(&t, SG_TRUST_PART_FULCIO, p, n, &arena, &d),
		SG_ERR_VERIFY_TRUST_ROOT);
	CHECK(t.n_cas == 1);
	free(p);
	/* More authorities than the list holds: refused, and the list is as it was (found by
	 * make fuzz-long, fuzz/regress/trustroot_pem/). A copy of the root is an authority of its
	 * own, never a link under the first copy. */
	size_t rootn;
	unsigned char *one = pem_pair("fulcio-ca1-1-sigstore.crt.pem", NULL, &rootn);
	unsigned char *many = malloc(rootn * SG_MAX_TRUST_ENTRIES);
	for (size_t i = 0; i < SG_MAX_TRUST_ENTRIES; i++)
		memcpy(many + i * rootn, one, rootn);
	CHECK_ERR(sg_trustroot_add_pem(&t, SG_TRUST_PART_FULCIO, many, rootn * SG_MAX_TRUST_ENTRIES,
			  &arena, NULL),
		SG_ERR_VERIFY_TRUST_ROOT);
	CHECK(t.n_cas == 1);
	CHECK_OK(sg_trustroot_add_pem(&t, SG_TRUST_PART_FULCIO, many, rootn * 2, &arena, NULL));
	CHECK(t.n_cas == 3 && t.cas[1].n_certs == 1 && t.cas[2].n_certs == 1);
	t.n_cas = 1;
	free(many);
	free(one);
	/* Rekor and CT keys: the key ids the trusted root lists */
	p = pem_pair("rekor-rekor.sigstore.dev.pub.pem", NULL, &n);
	CHECK_OK(sg_trustroot_add_pem(&t, SG_TRUST_PART_REKOR, p, n, &arena, NULL));
	CHECK(t.n_tlogs == 1 && t.tlogs[0].key_id_len == 32 &&
		memcmp(t.tlogs[0].key_id, ref.tlogs[0].key_id, 32) == 0);
	CHECK(t.tlogs[0].key.type == SG_KEY_EC && t.tlogs[0].sig_hash == SG_HASH_SHA256);
	free(p);
	p = pem_pair("ctfe-ctfe.sigstore.dev_2022.pub.pem", NULL, &n);
	CHECK_OK(sg_trustroot_add_pem(&t, SG_TRUST_PART_CTLOG, p, n, &arena, NULL));
	CHECK(t.n_ctlogs == 1 && memcmp(t.ctlogs[0].key_id, ref.ctlogs[1].key_id, 32) == 0);
	free(p);
	p = pem_pair("ctfe-ctfe.sigstore.dev_2022.pub.pem", "ctfe-ctfe.sigstore.dev_test.pub.pem",
		&n);
	CHECK_ERR(sg_trustroot_add_pem(&t, SG_TRUST_PART_CTLOG, p, n, &arena, NULL),
		SG_ERR_VERIFY_TRUST_ROOT);
	CHECK(t.n_ctlogs == 1);
	free(p);
	/* the TSA chain: signing certificate, then the self-signed root */
	p = pem_pair("tsa-1-sigstore-tsa-selfsigned.crt.pem", "tsa-0-sigstore-tsa.crt.pem", &n);
	CHECK_OK(sg_trustroot_add_pem(&t, SG_TRUST_PART_TSA, p, n, &arena, NULL));
	CHECK(t.n_tsas == 1 && t.tsas[0].n_certs == 2 &&
		sg_slice_eq(t.tsas[0].certs[0], ref.tsas[0].certs[0]) &&
		sg_slice_eq(t.tsas[0].certs[1], ref.tsas[0].certs[1]));
	free(p);
	/* a key file given as certificates, and garbage */
	CHECK_ERR(sg_trustroot_add_pem(&t, SG_TRUST_PART_REKOR, (const uint8_t *)"junk", 4, &arena,
			  NULL),
		SG_ERR_PEM_NONE);
	free(root);
}

/* The loader's order (cli/trust.c): flag, environment, then the embedded material (no
 * TUF_ROOT cache here: tests/integration/tuf.sh covers the cache). */
static void
test_load_default(void)
{
	sg_diag d;
	sg_cli_trust info;
	sg_cli_trust_opts o;
	char path[1024];
	snprintf(path, sizeof path, "%s/trust/staging-trusted_root.sigstore-python.json",
		test_vectors_dir());
	unsetenv("SIGSTORE_ROOT_FILE");
	setenv("TUF_ROOT", "/nonexistent/picosign-test-cache", 1);
	memset(&o, 0, sizeof o);
	o.quiet = 1;
	/* The flag wins over everything. */
	sg_arena_reset(&arena);
	sg_diag_init(&d, NULL);
	o.root_path = path;
	sg_err e = sg_cli_trustroot_load(&o, &arena, &tr, &info, &d);
	if (e == SG_ERR_IO) {
		TEST_SKIP("staging trusted root not found");
	} else {
		CHECK_OK(e);
		CHECK(info.kind == SG_TRUST_FLAG && strcmp(info.source, path) == 0 &&
			tr.n_tlogs == 4 && !info.has_age);
		/* Then the environment: a trusted_root.json in SIGSTORE_ROOT_FILE, by content. */
		setenv("SIGSTORE_ROOT_FILE", path, 1);
		o.root_path = NULL;
		sg_arena_reset(&arena);
		CHECK_OK(sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL));
		CHECK(info.kind == SG_TRUST_ENV_JSON && strstr(info.source, path) != NULL &&
			tr.n_tlogs == 4);
		/* ... which no PEM variable may join. */
		setenv("SIGSTORE_REKOR_PUBLIC_KEY", path, 1);
		sg_arena_reset(&arena);
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_cli_trustroot_load(&o, &arena, &tr, &info, &d), SG_ERR_USAGE);
		unsetenv("SIGSTORE_REKOR_PUBLIC_KEY");
		unsetenv("SIGSTORE_ROOT_FILE");
		/* An age limit on material of unknown age is refused. */
		o.root_path = path;
		o.max_age = "720h";
		sg_arena_reset(&arena);
		CHECK_ERR(sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL), SG_ERR_TRUST_AGE);
		o.max_age = NULL;
		o.root_path = NULL;
	}
	/* A missing file named by the flag is an I/O error naming the flag, never a fallback. */
	o.root_path = "/nonexistent/root.json";
	sg_arena_reset(&arena);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_trustroot_load(&o, &arena, &tr, &info, &d), SG_ERR_IO);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "--trusted-root /nonexistent/root.json: cannot read") == msg);
	o.root_path = NULL;
	/* The embedded material: always there, from trust/ (the pins hold in every build). */
	sg_arena_reset(&arena);
	CHECK_OK(sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL));
	CHECK(info.kind == SG_TRUST_EMBEDDED && info.tuf && info.v_root >= 15 &&
		info.v_targets >= 14 && info.has_age);
	CHECK(tr.n_tlogs >= 2 && tr.n_cas >= 2);
	uint8_t h[32], pin[32];
	test_hex_to("6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66", pin);
	sg_sha256(sg_embedded_trusted_root, sg_embedded_trusted_root_len, h);
	CHECK(sg_embedded_trusted_root_len == 0 || memcmp(h, pin, 32) == 0 || info.v_targets > 14);
	/* Age limits: far enough, and too close. */
	o.max_age = "876000h";
	sg_arena_reset(&arena);
	CHECK_OK(sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL));
	o.max_age = "1s";
	sg_arena_reset(&arena);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_trustroot_load(&o, &arena, &tr, &info, &d), SG_ERR_TRUST_AGE);
	o.max_age = "3 days";
	sg_arena_reset(&arena);
	CHECK_ERR(sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL), SG_ERR_USAGE);
	o.max_age = NULL;
	/* The staging root (not in the static build, which this test never is). */
	o.staging = 1;
	sg_arena_reset(&arena);
	e = sg_cli_trustroot_load(&o, &arena, &tr, &info, NULL);
	if (sg_embedded_staging_root_len == 0) {
		CHECK_ERR(e, SG_ERR_NO_TRUST_ROOT);
	} else {
		CHECK_OK(e);
		CHECK(strcmp(info.source, "embedded staging trusted root") == 0 && tr.n_tlogs == 4);
	}
	unsetenv("TUF_ROOT");
}

/* Lazy keys (issue #15): the on-curve check of a trusted_root.json EC key waits for the key's
 * first use, is remembered, and a key off its curve still fails, by name, when used. */
static void
test_lazy_keys(void)
{
	size_t n;
	uint8_t *p = test_read_vec("trust/production-trusted_root.sigstore-python.json", &n);
	if (p == NULL) {
		TEST_SKIP("production trusted root not found");
		return;
	}
	sg_diag d;
	CHECK_OK(parse_buf(p, n, &d));
	size_t ec = 0;
	for (size_t i = 0; i < tr.n_tlogs + tr.n_ctlogs; i++) {
		const sg_trust_log *l = i < tr.n_tlogs ? &tr.tlogs[i] : &tr.ctlogs[i - tr.n_tlogs];
		if (l->key.type == SG_KEY_EC) {
			ec++;
			CHECK(l->key_state != NULL && *l->key_state == SG_TRUST_KEY_UNCHECKED);
		} else {
			CHECK(l->key_state == NULL);
		}
	}
	CHECK(ec == 3);
	uint8_t rekor_id[32];
	test_hex_to("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", rekor_id);
	const sg_trust_log *rk =
		sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 32, INT64_MIN);
	CHECK(rk != NULL);
	if (rk == NULL) {
		free(p);
		return;
	}
	/* A good key: checked on first use, once; the other keys stay unchecked. */
	sg_diag_init(&d, "test");
	CHECK_OK(sg_trustroot_log_key_ready(rk, "test", &d));
	CHECK(*rk->key_state == SG_TRUST_KEY_GOOD);
	CHECK_OK(sg_trustroot_log_key_ready(rk, "test", &d));
	CHECK(*tr.ctlogs[0].key_state == SG_TRUST_KEY_UNCHECKED);
	sg_pubkey full;
	CHECK_OK(sg_pubkey_parse(rk->spki.p, rk->spki.len, &full, NULL));
	/* a good key parsed deferred: a bad signature is just that */
	{
		sg_pubkey gk;
		uint8_t h[32] = {0};
		static const uint8_t bad[8] = {0x30, 6, 2, 1, 1, 2, 1, 1};
		CHECK_OK(sg_pubkey_parse_deferred(rk->spki.p, rk->spki.len, &gk, NULL));
		CHECK(gk.point_deferred == 1 && sg_pubkey_point_ok(&gk));
		sg_diag_init(&d, "test");
		CHECK(sg_pubkey_verify_digest(&gk, SG_HASH_SHA256, h, 32, bad, sizeof bad, "sig",
			&d) == SG_ERR_VERIFY_SIGNATURE);
		CHECK(rk->key.point_deferred == 0);
	}

	/* The last byte of Rekor's Y changed: the root still parses (the point is in range and
	 * of the right form), the eager parser refuses the key, and its first use fails with the
	 * key named, before any signature is looked at. */
	size_t mn;
	uint8_t *m = test_mutate(p, n, "C30M9+RYtw==", "C30M9+RYtA==", &mn);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_OK(parse_buf(m, mn, &d));
		rk = sg_trustroot_find_log(tr.tlogs, tr.n_tlogs, rekor_id, 32, INT64_MIN);
		CHECK(rk != NULL && rk->key.type == SG_KEY_EC);
		if (rk != NULL) {
			CHECK(sg_pubkey_parse(rk->spki.p, rk->spki.len, &full, NULL) ==
				SG_ERR_X509_KEY);
			for (int k = 0; k < 2; k++) {
				sg_diag_init(&d, "test");
				CHECK(sg_trustroot_log_key_ready(rk, "SET", &d) ==
					SG_ERR_VERIFY_TRUST_ROOT);
				CHECK(strstr(d.detail, "c0d23d6ad406973f") != NULL &&
					strstr(d.detail, "https://rekor.sigstore.dev") != NULL &&
					strstr(d.detail, "not on the curve") != NULL);
				CHECK(*rk->key_state == SG_TRUST_KEY_BAD);
			}
			static const uint8_t msg[] = "m", sig[8] = {0x30, 6, 2, 1, 1, 2, 1, 1};
			sg_diag_init(&d, "test");
			CHECK(sg_trustroot_log_verify(rk, msg, 1, sig, sizeof sig,
				SG_ERR_VERIFY_SET, "SET", &d) == SG_ERR_VERIFY_TRUST_ROOT);
			/* The same key as a certificate's (x509.c parses deferred): it parses, and
			 * its first signature check refuses it before looking at the signature. */
			sg_pubkey dk;
			uint8_t h[32] = {0};
			CHECK_OK(sg_pubkey_parse_deferred(rk->spki.p, rk->spki.len, &dk, NULL));
			CHECK(dk.point_deferred == 1 && !sg_pubkey_point_ok(&dk));
			sg_diag_init(&d, "test");
			CHECK(sg_pubkey_verify_digest(&dk, SG_HASH_SHA256, h, 32, sig, sizeof sig,
				"leaf", &d) == SG_ERR_X509_KEY);
			CHECK(strstr(d.detail, "not on the curve") != NULL);
			/* the other keys are not affected */
			sg_diag_init(&d, "test");
			CHECK_OK(sg_trustroot_log_key_ready(&tr.ctlogs[0], "test", &d));
		}
		free(m);
	}
	/* Keys from PEM files and keys built by hand (key_state NULL) were checked in full. */
	sg_trust_log hand;
	memset(&hand, 0, sizeof hand);
	CHECK_OK(sg_trustroot_log_key_ready(&hand, "test", &d));
	free(p);
}

/* The CA certificates' key verdicts (issue #15): Fulcio's intermediate is checked on the curve
 * once per process, not once per bundle; a rearranged copy of the root keeps no verdicts. */
static void
test_ca_key_memo(void)
{
	size_t n;
	uint8_t *p = test_read_vec("trust/production-trusted_root.sigstore-python.json", &n);
	if (p == NULL) {
		TEST_SKIP("production trusted root not found");
		return;
	}
	sg_diag d;
	CHECK_OK(parse_buf(p, n, &d));
	const sg_trust_ca *ca = &tr.cas[1];
	CHECK(ca->n_certs == 2 && ca->key_memo != NULL);
	if (ca->n_certs != 2 || ca->key_memo == NULL) {
		free(p);
		return;
	}
	CHECK(ca->key_memo[0].state == SG_TRUST_KEY_UNCHECKED &&
		ca->key_memo[1].state == SG_TRUST_KEY_UNCHECKED);
	static sg_x509_cert c;
	for (int round = 0; round < 2; round++) {
		CHECK_OK(sg_x509_parse(ca->certs[0].p, ca->certs[0].len, &c, NULL));
		CHECK(c.key.type == SG_KEY_EC && c.key.point_deferred == 1);
		sg_diag_init(&d, "test");
		CHECK_OK(sg_trustroot_ca_key_ready(ca, 0, &c.key, "CA", &d));
		CHECK(c.key.point_deferred == 0 && ca->key_memo[0].state == SG_TRUST_KEY_GOOD);
	}
	CHECK(ca->key_memo[1].state == SG_TRUST_KEY_UNCHECKED);
	/* certs[] rearranged in a copy: the slot's verdict is not about this certificate */
	sg_trust_ca copy = *ca;
	copy.certs[0] = ca->certs[1];
	CHECK_OK(sg_x509_parse(copy.certs[0].p, copy.certs[0].len, &c, NULL));
	CHECK_OK(sg_trustroot_ca_key_ready(&copy, 0, &c.key, "CA", &d));
	CHECK(c.key.point_deferred == 1);
	/* a key found off its curve stays refused, by the CA's name */
	ca->key_memo[1].state = SG_TRUST_KEY_BAD;
	CHECK_OK(sg_x509_parse(ca->certs[1].p, ca->certs[1].len, &c, NULL));
	sg_diag_init(&d, "test");
	CHECK(sg_trustroot_ca_key_ready(ca, 1, &c.key, "CA sigstore", &d) == SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "CA sigstore") != NULL && strstr(d.detail, "curve") != NULL);
	/* PEM-built CAs keep no verdicts: the key checks itself when used */
	sg_trust_ca hand;
	memset(&hand, 0, sizeof hand);
	hand.certs[0] = ca->certs[0];
	hand.n_certs = 1;
	CHECK_OK(sg_x509_parse(hand.certs[0].p, hand.certs[0].len, &c, NULL));
	CHECK_OK(sg_trustroot_ca_key_ready(&hand, 0, &c.key, "CA", &d));
	CHECK(c.key.point_deferred == 1);
	free(p);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_trust_files();
	test_conformance_roots();
	test_production_details();
	test_bad_roots();
	test_lazy_keys();
	test_ca_key_memo();
	test_pem_parts();
	test_load_default();
	return test_finish();
}
