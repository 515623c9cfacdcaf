/* Unit tests for x509: the third-party vectors of shared/vectors/x509 (README expectations),
 * the real Fulcio leaf of protocol.md §11, a generated Fulcio-v2-shaped leaf (every SAN kind,
 * raw and UTF8String Fulcio extensions), and DER edits that must be refused: every proper
 * prefix, an unknown critical extension, a duplicate extension, mismatched algorithms,
 * RSA-PSS, explicit curves, a negative serial.
 *
 * The generated certificates are those of tests/testpki.h. */
#include <stdio.h>
#include <string.h>

#include "crypto/pubkey.h"
#include "parse/der.h"
#include "guard.h"
#include "parse/pem.h"
#include "runner.h"
#include "testpki.h"
#include "base/timeutil.h"
#include "pki/x509.h"

static unsigned vec_total, vec_ok;

/* Record one README expectation. */
static void
expect(int ok, const char *what)
{
	vec_total++;
	if (ok)
		vec_ok++;
	else
		fprintf(stderr, "vector not as expected: %s\n", what);
	CHECK(ok);
}

#define MAX_PEM_CERTS 8
typedef struct pem_certs {
	uint8_t der[MAX_PEM_CERTS][8192];
	size_t len[MAX_PEM_CERTS];
	size_t n;
} pem_certs;

/* Decode every CERTIFICATE block of a PEM file (0 when the file is missing). */
static int
load_pem(const char *rel, pem_certs *out)
{
	size_t len;
	uint8_t *buf = test_read_vec(rel, &len);
	out->n = 0;
	if (buf == NULL)
		return 0;
	sg_cur c;
	sg_cur_init(&c, buf, len);
	sg_pem_block b;
	while (out->n < MAX_PEM_CERTS && sg_pem_next(&c, &b, NULL) == SG_OK) {
		if (sg_pem_decode(&b, out->der[out->n], sizeof out->der[0], &out->len[out->n],
			    NULL) == SG_OK)
			out->n++;
	}
	free(buf);
	return 1;
}

static int64_t
ts(int y, int mo, int d, int h, int mi, int s)
{
	int64_t t = 0;
	if (sg_time_from_fields(y, mo, d, h, mi, s, &t) != SG_OK)
		return -1;
	return t;
}

static int
slice_is(sg_slice s, const char *str)
{
	return sg_slice_eq_str(s, str);
}

/* Find `pat` in buf after `from`; returns its offset or SIZE_MAX. */
static size_t
find(const uint8_t *buf, size_t len, size_t from, const uint8_t *pat, size_t plen)
{
	for (size_t i = from; i + plen <= len; i++) {
		if (memcmp(buf + i, pat, plen) == 0)
			return i;
	}
	return SIZE_MAX;
}

static sg_err
parse_copy(const uint8_t *der, size_t len, sg_x509_cert *c)
{
	return sg_x509_parse(der, len, c, NULL);
}

/* ---- shared/vectors/x509 ---- */

static void
test_limbo(void)
{
	static pem_certs pc;
	static sg_x509_cert c[3];
	if (!load_pem("x509/limbo/explicit_curve_ca.pem", &pc)) {
		TEST_SKIP("x509 vectors not found under %s", test_vectors_dir());
		return;
	}
	sg_diag d;
	sg_diag_init(&d, "explicit_curve_ca.pem");
	expect(pc.n == 1 && sg_x509_parse(pc.der[0], pc.len[0], &c[0], &d) == SG_ERR_X509_KEY,
		"explicit_curve_ca rejected (explicit curve)");
	CHECK(c[0].der.p == NULL); /* zeroed on failure */
	CHECK(load_pem("x509/limbo/explicit_curve_leaf.pem", &pc) && pc.n == 1);
	expect(parse_copy(pc.der[0], pc.len[0], &c[0]) == SG_ERR_X509_KEY,
		"explicit_curve_leaf rejected (explicit curve)");

	CHECK(load_pem("x509/limbo/negative_serial.pem", &pc) && pc.n == 1);
	expect(parse_copy(pc.der[0], pc.len[0], &c[0]) == SG_ERR_DER_INTEGER,
		"negative_serial rejected");

	CHECK(load_pem("x509/limbo/cryptography.io.pem", &pc) && pc.n == 3);
	int ok = pc.n == 3;
	for (size_t i = 0; ok && i < 3; i++)
		ok = parse_copy(pc.der[i], pc.len[i], &c[i]) == SG_OK;
	/* PASS at 2023-07-10: leaf <- R3 <- ISRG Root X1, all valid, RSA signatures verify. */
	int64_t when = ts(2023, 7, 10, 0, 0, 0);
	if (ok) {
		ok = c[0].n_sans == 1 && c[0].sans[0].type == SG_SAN_DNS &&
			slice_is(c[0].sans[0].value, "cryptography.io") &&
			c[0].sig_alg == SG_SIGALG_RSA_SHA256 && c[0].key.type == SG_KEY_RSA &&
			sg_slice_eq(c[0].issuer, c[1].subject) &&
			sg_slice_eq(c[1].issuer, c[2].subject) &&
			sg_slice_eq(c[2].issuer, c[2].subject) && c[0].has_sct && !c[0].is_ca &&
			c[1].is_ca && c[2].is_ca && c[1].path_len == 0;
		for (size_t i = 0; ok && i < 3; i++) {
			ok = sg_x509_check_time(&c[i], when, NULL, NULL) == SG_OK &&
				sg_x509_verify_signed_by(&c[i], &c[i < 2 ? i + 1 : 2].key, "sig",
					NULL) == SG_OK;
		}
	}
	expect(ok, "cryptography.io chain verifies at 2023-07-10");
	/* ... and not with the links swapped or outside the validity. */
	CHECK_ERR(sg_x509_verify_signed_by(&c[0], &c[2].key, "sig", NULL), SG_ERR_VERIFY_SIGNATURE);
	CHECK_ERR(sg_x509_check_time(&c[0], ts(2023, 8, 28, 0, 0, 0), NULL, NULL),
		SG_ERR_VERIFY_EXPIRED);
	char name[128];
	sg_x509_name_text(c[1].subject, name, sizeof name);
	CHECK(strcmp(name, "C=US, O=Let's Encrypt, CN=R3") == 0);

	/* RSA-PSS: the leaf's algorithm OIDs (TBS and outer) turned into id-RSASSA-PSS. */
	static uint8_t pss[8192];
	memcpy(pss, pc.der[0], pc.len[0]);
	static const uint8_t rsa256[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
	size_t at = find(pss, pc.len[0], 0, rsa256, sizeof rsa256);
	size_t at2 = at == SIZE_MAX ? SIZE_MAX
				    : find(pss, pc.len[0], at + 1, rsa256, sizeof rsa256);
	CHECK(at != SIZE_MAX && at2 != SIZE_MAX);
	if (at2 != SIZE_MAX) {
		pss[at + 8] = 0x0a;
		pss[at2 + 8] = 0x0a;
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_x509_parse(pss, pc.len[0], &c[0], &d), SG_ERR_X509_ALGORITHM);
		CHECK(strstr(d.detail, "RSA-PSS") != NULL);
	}

	CHECK(load_pem("x509/limbo/cryptography.io_mismatched.pem", &pc) && pc.n == 3);
	sg_diag_init(&d, NULL);
	expect(sg_x509_parse(pc.der[0], pc.len[0], &c[0], &d) == SG_ERR_X509_ALGORITHM,
		"cryptography.io_mismatched leaf rejected (outer/TBS algorithm)");
	CHECK(strstr(d.detail, "sha512WithRSAEncryption") != NULL);
	expect(parse_copy(pc.der[1], pc.len[1], &c[1]) == SG_OK,
		"mismatched file: R3 still parses");
}

/* sigstore-python expectations: 1 true, 0 false, -1 error, 2 untested. */
static int
classify(sg_err (*fn)(const sg_x509_cert *, int *, sg_diag *), const sg_x509_cert *c)
{
	int v;
	if (fn(c, &v, NULL) != SG_OK)
		return -1;
	return v;
}

static void
test_sigstore_python(void)
{
	static const struct {
		const char *file;
		int is_ca, is_root, is_leaf;
	} cases[] = {
		{"bogus-root.pem", 1, 1, 0},
		{"bogus-intermediate.pem", 1, 0, 0},
		{"bogus-intermediate-with-eku.pem", 2, 2, 0},
		{"bogus-leaf.pem", 0, 0, 1},
		{"bogus-leaf-invalid-eku.pem", 2, 2, 0},
		{"bogus-leaf-invalid-ku.pem", 2, 0, -1},
		{"bogus-leaf-missing-eku.pem", 2, 2, -1},
		{"bogus-root-noncritical-bc.pem", -1, 2, 2},
		{"bogus-root-invalid-ku.pem", -1, 2, -1},
		{"bogus-root-missing-ku.pem", -1, 2, -1},
	};
	static pem_certs pc;
	static sg_x509_cert c;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char rel[256], what[300];
		snprintf(rel, sizeof rel, "x509/sigstore-python/%s", cases[i].file);
		if (!load_pem(rel, &pc)) {
			TEST_SKIP("%s missing", rel);
			continue;
		}
		int parsed = pc.n == 1 && parse_copy(pc.der[0], pc.len[0], &c) == SG_OK;
		snprintf(what, sizeof what, "%s parses", cases[i].file);
		expect(parsed, what);
		if (!parsed)
			continue;
		if (cases[i].is_ca != 2) {
			snprintf(what, sizeof what, "%s cert_is_ca", cases[i].file);
			expect(classify(sg_x509_is_ca, &c) == cases[i].is_ca, what);
		}
		if (cases[i].is_root != 2) {
			snprintf(what, sizeof what, "%s cert_is_root_ca", cases[i].file);
			expect(classify(sg_x509_is_root_ca, &c) == cases[i].is_root, what);
		}
		if (cases[i].is_leaf != 2) {
			snprintf(what, sizeof what, "%s cert_is_leaf", cases[i].file);
			expect(classify(sg_x509_is_leaf, &c) == cases[i].is_leaf, what);
		}
	}
}

/* ---- the real Fulcio leaf (protocol.md §11) ---- */

static void
test_real_leaf(void)
{
	static uint8_t der[4096];
	size_t len = 0;
	if (!testpki_real_leaf(der, sizeof der, &len, NULL)) {
		TEST_SKIP("real signature vector not found");
		return;
	}
	static sg_x509_cert c;
	sg_diag d;
	sg_diag_init(&d, "real leaf");
	CHECK_OK(sg_x509_parse(der, len, &c, &d));
	CHECK(len == 674);
	CHECK(c.version == 3);
	static const uint8_t serial[] = {0x63, 0x37, 0x86, 0xd5, 0x30, 0x74, 0x08, 0xaa, 0x20,
		0x16, 0xf8, 0x65, 0x22, 0x53, 0xaa, 0xda, 0x9a, 0x82, 0xdc, 0x3c};
	CHECK(c.serial.len == sizeof serial && memcmp(c.serial.p, serial, sizeof serial) == 0);
	CHECK(c.sig_alg == SG_SIGALG_ECDSA_SHA384);
	CHECK(strcmp(sg_x509_sigalg_name(c.sig_alg), "ecdsa-with-SHA384") == 0);
	char name[128];
	sg_x509_name_text(c.issuer, name, sizeof name);
	CHECK(strcmp(name, "O=sigstore.dev, CN=sigstore-intermediate") == 0);
	sg_slice cn;
	CHECK(sg_x509_name_cn(c.issuer, &cn) && slice_is(cn, "sigstore-intermediate"));
	CHECK(c.subject.len == 2 && c.subject.p[0] == 0x30 && c.subject.p[1] == 0);
	CHECK(sg_x509_name_text(c.subject, name, sizeof name) == 0);
	CHECK(c.not_before == ts(2023, 1, 20, 20, 51, 31));
	CHECK(c.not_after == ts(2023, 1, 20, 21, 1, 31));
	CHECK(c.not_after - c.not_before == 600);
	CHECK(c.key.type == SG_KEY_EC && c.key.curve == SG_CURVE_P256);
	CHECK(c.tbs.len == 553 && c.tbs.p == der + 4);
	CHECK(c.has_key_usage && c.key_usage == SG_KU_DIGITAL_SIGNATURE);
	CHECK(c.has_eku && c.eku == SG_EKU_CODE_SIGNING && c.eku_other == 0);
	CHECK(!c.has_basic_constraints && c.path_len == -1);
	CHECK(c.ski.len == 20 && c.ski.p[0] == 0x81 && c.ski.p[19] == 0x76);
	CHECK(c.aki.len == 20 && c.aki.p[0] == 0xdf && c.aki.p[19] == 0x3f);
	CHECK(c.has_san && c.san_critical && c.n_sans == 1);
	CHECK(c.sans[0].type == SG_SAN_EMAIL && slice_is(c.sans[0].value, "mitr@redhat.com"));
	const sg_x509_san *subj = sg_x509_subject_san(&c);
	CHECK(subj == &c.sans[0]);
	CHECK(slice_is(sg_x509_issuer_v1(&c), "https://github.com/login/oauth"));
	sg_slice v;
	CHECK(!sg_x509_fulcio_ext(&c, SG_FULCIO_ISSUER_V2, &v) && v.len == 0);
	CHECK(c.fulcio_present == (1u << 1));
	CHECK(c.has_sct && c.sct_ext == c.n_exts - 1 && c.n_exts == 7);
	CHECK(c.sct_list.len == 0x79 + 2 && c.sct_list.p[0] == 0x00 && c.sct_list.p[1] == 0x79);
	CHECK(c.signature.len == 102);
	CHECK_OK(sg_x509_check_time(&c, ts(2023, 1, 20, 20, 51, 33), NULL, NULL));
	CHECK_OK(sg_x509_check_time(&c, c.not_before, NULL, NULL));
	CHECK_OK(sg_x509_check_time(&c, c.not_after, NULL, NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_x509_check_time(&c, c.not_after + 1, NULL, &d), SG_ERR_VERIFY_EXPIRED);
	CHECK(strcmp(d.detail, "2023-01-20T21:01:32Z is after NotAfter 2023-01-20T21:01:31Z") == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_x509_check_time(&c, c.not_before - 1, "CA 'x'", &d), SG_ERR_VERIFY_EXPIRED);
	CHECK(strcmp(d.detail, "CA 'x': 2023-01-20T20:51:30Z is before NotBefore "
			       "2023-01-20T20:51:31Z") == 0);
	int leaf;
	CHECK_OK(sg_x509_is_leaf(&c, &leaf, NULL));
	CHECK(leaf == 1);
	/* Views lie inside the input. */
	CHECK(c.sct_list.p > der && c.sct_list.p + c.sct_list.len <= der + len);

	/* Parse twice: same result. */
	static sg_x509_cert c2;
	CHECK_OK(sg_x509_parse(der, len, &c2, NULL));
	CHECK(memcmp(&c, &c2, sizeof c) == 0);

	/* Every proper prefix fails, never reading past its end (guard page). */
	int prefix_ok = 1;
	for (size_t n = 0; n < len; n++) {
		const uint8_t *g = guard_put(der, n);
		if (g == NULL || sg_x509_parse(g, n, &c2, NULL) == SG_OK)
			prefix_ok = 0;
	}
	CHECK(prefix_ok);
	/* One trailing byte is refused too. */
	static uint8_t longer[4097];
	memcpy(longer, der, len);
	longer[len] = 0;
	CHECK_ERR(sg_x509_parse(longer, len + 1, &c2, NULL), SG_ERR_DER_TRAILING);
	guard_release();

	/* Edits. keyUsage OID 55 1d 0f -> 55 1d 7f: an unknown critical extension. */
	static uint8_t ed[4096];
	static const uint8_t ku_ext[] = {0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff};
	memcpy(ed, der, len);
	size_t at = find(ed, len, 0, ku_ext, sizeof ku_ext);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at + 4] = 0x7f;
		sg_diag_init(&d, "edited");
		CHECK_ERR(sg_x509_parse(ed, len, &c2, &d), SG_ERR_X509_CRITICAL);
		CHECK(strcmp(d.detail, "2.5.29.127") == 0 && d.has_offset);
		CHECK(c2.der.p == NULL && c2.n_exts == 0);
	}
	/* The same edit on a non-critical one (EKU 55 1d 25 -> 55 1d 7e) is accepted. */
	static const uint8_t eku_ext[] = {0x06, 0x03, 0x55, 0x1d, 0x25, 0x04};
	memcpy(ed, der, len);
	at = find(ed, len, 0, eku_ext, sizeof eku_ext);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at + 4] = 0x7e;
		CHECK_OK(sg_x509_parse(ed, len, &c2, NULL));
		CHECK(!c2.has_eku && c2.n_exts == 7);
	}
	/* AKI OID 55 1d 23 -> 55 1d 0e: a second subjectKeyIdentifier. */
	static const uint8_t aki_ext[] = {0x06, 0x03, 0x55, 0x1d, 0x23, 0x04};
	memcpy(ed, der, len);
	at = find(ed, len, 0, aki_ext, sizeof aki_ext);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at + 4] = 0x0e;
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_x509_parse(ed, len, &c2, &d), SG_ERR_X509_DUPLICATE_EXT);
		CHECK(strcmp(d.detail, "2.5.29.14") == 0);
	}
	/* Outer algorithm ecdsa-with-SHA384 -> SHA256 while the TBS says SHA384. */
	static const uint8_t alg384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
	memcpy(ed, der, len);
	at = find(ed, len, 0, alg384, sizeof alg384);
	size_t at2 = at == SIZE_MAX ? SIZE_MAX : find(ed, len, at + 1, alg384, sizeof alg384);
	CHECK(at2 != SIZE_MAX && at2 > c.tbs.len);
	if (at2 != SIZE_MAX) {
		ed[at2 + 7] = 0x02;
		CHECK_ERR(sg_x509_parse(ed, len, &c2, NULL), SG_ERR_X509_ALGORITHM);
		/* Both changed: consistent again, accepted (the signature is not checked here). */
		ed[at + 7] = 0x02;
		CHECK_OK(sg_x509_parse(ed, len, &c2, NULL));
		CHECK(c2.sig_alg == SG_SIGALG_ECDSA_SHA256);
	}
	/* An explicit critical FALSE is not DER: turn keyUsage's FF into 00. */
	memcpy(ed, der, len);
	at = find(ed, len, 0, ku_ext, sizeof ku_ext);
	if (at != SIZE_MAX) {
		ed[at + 7] = 0x00;
		CHECK_ERR(sg_x509_parse(ed, len, &c2, NULL), SG_ERR_X509_EXTENSION);
	}
	/* The email SAN with a byte >= 0x80 is not an IA5String. */
	memcpy(ed, der, len);
	at = find(ed, len, 0, (const uint8_t *)"mitr@", 5);
	if (at != SIZE_MAX) {
		ed[at] = 0xe9;
		CHECK_ERR(sg_x509_parse(ed, len, &c2, NULL), SG_ERR_X509_SAN);
	}
	/* The key's curve OID prime256v1 (…03 01 07) turned into an unknown curve. */
	static const uint8_t p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	memcpy(ed, der, len);
	at = find(ed, len, 0, p256, sizeof p256);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at + 7] = 0x05;
		CHECK_ERR(sg_x509_parse(ed, len, &c2, NULL), SG_ERR_X509_KEY);
	}
}

/* ---- the generated Fulcio-v2-shaped leaf ---- */

static void
test_generated_leaf(void)
{
	static sg_x509_cert c, ic, rc;
	sg_diag d;
	sg_diag_init(&d, "test_leaf");
	CHECK_OK(sg_x509_parse(test_leaf, sizeof test_leaf, &c, &d));
	CHECK_OK(sg_x509_parse(test_inter, sizeof test_inter, &ic, NULL));
	CHECK_OK(sg_x509_parse(test_root, sizeof test_root, &rc, NULL));
	CHECK(c.serial.len == 1 && c.serial.p[0] == 0x42);
	CHECK(c.sig_alg == SG_SIGALG_ECDSA_SHA256 && ic.sig_alg == SG_SIGALG_ECDSA_SHA384);
	CHECK(rc.key.curve == SG_CURVE_P384 && ic.key.curve == SG_CURVE_P256);
	CHECK_OK(sg_x509_verify_signed_by(&c, &ic.key, "leaf", NULL));
	CHECK_OK(sg_x509_verify_signed_by(&ic, &rc.key, "inter", NULL));
	CHECK_OK(sg_x509_verify_signed_by(&rc, &rc.key, "root", NULL));
	CHECK_ERR(sg_x509_verify_signed_by(&c, &rc.key, "leaf", NULL), SG_ERR_VERIFY_SIGNATURE);
	CHECK(ic.is_ca && ic.path_len == 0 && rc.path_len == 1 && ic.has_eku);
	CHECK(sg_slice_eq(c.aki, ic.ski) && sg_slice_eq(ic.aki, rc.ski));
	int r;
	CHECK_OK(sg_x509_is_root_ca(&rc, &r, NULL));
	CHECK(r == 1);
	CHECK_OK(sg_x509_is_root_ca(&ic, &r, NULL));
	CHECK(r == 0);

	/* SANs in certificate order, and in cosign's order. */
	CHECK(c.n_sans == 6);
	CHECK(c.sans[0].type == SG_SAN_DNS && slice_is(c.sans[0].value, "build.example.com"));
	CHECK(c.sans[1].type == SG_SAN_URI &&
		slice_is(c.sans[1].value, "https://buildkite.com/acme/app"));
	CHECK(c.sans[2].type == SG_SAN_EMAIL && slice_is(c.sans[2].value, "dev@example.com"));
	CHECK(c.sans[3].type == SG_SAN_IP && c.sans[3].value.len == 16);
	CHECK(c.sans[4].type == SG_SAN_IP && c.sans[4].value.len == 4);
	CHECK(c.sans[5].type == SG_SAN_OTHERNAME && c.sans[5].fulcio_username &&
		slice_is(c.sans[5].value, "alice"));
	const sg_x509_san *order[8];
	size_t n = sg_x509_sans_cosign(&c, order, 8);
	CHECK(n == 6);
	const char *want[] = {"build.example.com", "dev@example.com", "2001:db8::1", "192.0.2.7",
		"https://buildkite.com/acme/app", "alice"};
	for (size_t i = 0; i < n && i < 6; i++) {
		char txt[128];
		size_t tl;
		CHECK_OK(sg_x509_san_text(order[i], txt, sizeof txt, &tl));
		CHECK(strcmp(txt, want[i]) == 0 && tl == strlen(want[i]));
	}
	CHECK(sg_x509_sans_cosign(&c, order, 2) == 2);
	CHECK(sg_x509_subject_san(&c) == &c.sans[0]);
	char small[4];
	size_t tl;
	CHECK_ERR(sg_x509_san_text(&c.sans[0], small, sizeof small, &tl), SG_ERR_LIMIT);

	/* Fulcio extensions: 1.1 raw, 1.8+ UTF8String contents. */
	sg_slice v;
	CHECK(slice_is(sg_x509_issuer_v1(&c), "https://agent.buildkite.com"));
	CHECK(sg_x509_fulcio_ext(&c, 8, &v) && slice_is(v, "https://agent.buildkite.com"));
	CHECK(sg_x509_fulcio_ext(&c, 11, &v) && slice_is(v, "self-hosted"));
	CHECK(sg_x509_fulcio_ext(&c, 13, &v) && slice_is(v, "078a6dd4"));
	CHECK(sg_x509_fulcio_ext(&c, 20, &v) && slice_is(v, "ui"));
	CHECK(sg_x509_fulcio_ext(&c, 24, &v) && slice_is(v, "organization:acme:pipeline:app"));
	CHECK(!sg_x509_fulcio_ext(&c, 9, &v) && !sg_x509_fulcio_ext(&c, 25, &v));
	CHECK(!sg_x509_fulcio_ext(&c, 0, &v));
	CHECK(strcmp(sg_x509_fulcio_name(8), "Issuer (V2)") == 0);
	CHECK(strcmp(sg_x509_fulcio_name(12), "Source Repository URI") == 0);
	CHECK(strcmp(sg_x509_fulcio_name(24), "Token Subject") == 0);
	CHECK(sg_x509_fulcio_name(7) == NULL && sg_x509_fulcio_name(25) == NULL);
	CHECK(c.n_exts == 12 && !c.has_sct);
	/* The unknown non-critical 1.2.3.4.5 is kept raw. */
	CHECK(c.exts[11].oid.len == 4 && c.exts[11].value.len == 2 && !c.exts[11].critical);

	/* 1.8 that is not a DER UTF8String: tag 0c -> 16 (IA5String). */
	static uint8_t ed[2048];
	memcpy(ed, test_leaf, sizeof test_leaf);
	static const uint8_t v2[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30,
		0x01, 0x08, 0x04};
	size_t at = find(ed, sizeof test_leaf, 0, v2, sizeof v2);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at + sizeof v2 + 1] = 0x16;
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_x509_parse(ed, sizeof test_leaf, &c, &d), SG_ERR_X509_EXTENSION);
		CHECK(strstr(d.detail, "57264.1.8") != NULL);
	}
	/* otherName username 1.7 with an IA5String value is refused. */
	memcpy(ed, test_leaf, sizeof test_leaf);
	static const uint8_t alice[] = {0x0c, 0x05, 'a', 'l', 'i', 'c', 'e'};
	at = find(ed, sizeof test_leaf, 0, alice, sizeof alice);
	CHECK(at != SIZE_MAX);
	if (at != SIZE_MAX) {
		ed[at] = 0x16;
		CHECK_ERR(sg_x509_parse(ed, sizeof test_leaf, &c, NULL), SG_ERR_X509_SAN);
	}
	/* Every proper prefix fails. */
	int prefix_ok = 1;
	for (size_t k = 0; k < sizeof test_leaf; k++) {
		const uint8_t *g = guard_put(test_leaf, k);
		if (g == NULL || sg_x509_parse(g, k, &c, NULL) == SG_OK)
			prefix_ok = 0;
	}
	guard_release();
	CHECK(prefix_ok);
}

static void
test_san_ip_text(void)
{
	static const struct {
		uint8_t b[16];
		size_t n;
		const char *txt;
	} ips[] = {
		{{192, 0, 2, 1}, 4, "192.0.2.1"},
		{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16, "2001:db8::1"},
		{{0}, 16, "::"},
		{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16, "::1"},
		{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}, 16, "10.0.0.1"},
		{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 16,
			"2001:db8:0:1::1"},
		{{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 16,
			"2001:db8:1:0:1::1"},
		{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, "fe80::"},
		{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 16,
			"2001:db8::1:0:0:1"},
	};
	for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
		sg_x509_san s;
		memset(&s, 0, sizeof s);
		s.type = SG_SAN_IP;
		s.value = sg_slice_make(ips[i].b, ips[i].n);
		char txt[64];
		size_t tl;
		CHECK_OK(sg_x509_san_text(&s, txt, sizeof txt, &tl));
		if (strcmp(txt, ips[i].txt) != 0)
			fprintf(stderr, "ip text %s, want %s\n", txt, ips[i].txt);
		CHECK(strcmp(txt, ips[i].txt) == 0);
	}
}

static void
test_garbage(void)
{
	static sg_x509_cert c;
	static const uint8_t empty_seq[] = {0x30, 0x00};
	CHECK(sg_x509_parse(empty_seq, sizeof empty_seq, &c, NULL) != SG_OK);
	CHECK(sg_x509_parse(empty_seq, 0, &c, NULL) != SG_OK);
	static uint8_t big[SG_MAX_CERT + 1];
	CHECK_ERR(sg_x509_parse(big, sizeof big, &c, NULL), SG_ERR_LIMIT);
	char name[8];
	/* Name text truncates with "...". */
	static const uint8_t nm[] = {0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x0c, 0x06, 'a', 'b', 'c', 'd', 'e', 'f'};
	CHECK(sg_x509_name_text(sg_slice_make(nm, sizeof nm), name, sizeof name) == 7);
	CHECK(strcmp(name, "CN=a...") == 0);
}

int
main(void)
{
	test_limbo();
	test_sigstore_python();
	test_real_leaf();
	test_generated_leaf();
	test_san_ip_text();
	test_garbage();
	printf("x509 vectors: %u/%u as expected\n", vec_ok, vec_total);
	return test_finish();
}
