/* Unit tests for chain: the real Fulcio leaf of protocol.md §11 against the production and
 * staging trusted roots at its logged time, and a generated test PKI (P-384 root, P-256
 * intermediate with codeSigning EKU, leaves with and without codeSigning) in hand-built
 * trusted roots, including bundle-supplied (untrusted) intermediates and a CA as the leaf.
 *
 * The test PKI is in tests/testpki.h; the leaf without codeSigning below was generated with it
 * (Python `cryptography`, deterministic keys, fixed dates; no private key is embedded). */
#include <stdio.h>
#include <string.h>

#include "parse/pem.h"
#include "pki/chain.h"
#include "runner.h"
#include "testpki.h"
#include "base/timeutil.h"
#include "pki/trustroot.h"
#include "vectors.h"
#include "pki/x509.h"

static const uint8_t test_leaf_noeku[] = {
	0x30, 0x82, 0x02, 0x39, 0x30, 0x82, 0x01, 0xe0, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01,
	0x43, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x34,
	0x31, 0x16, 0x30, 0x14, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x0d, 0x70, 0x69, 0x63, 0x6f,
	0x73, 0x69, 0x67, 0x6e, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x31, 0x1a, 0x30, 0x18, 0x06, 0x03,
	0x55, 0x04, 0x03, 0x0c, 0x11, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x69, 0x6e, 0x74, 0x65, 0x72,
	0x6d, 0x65, 0x64, 0x69, 0x61, 0x74, 0x65, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x34, 0x30, 0x35,
	0x30, 0x31, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x32, 0x34, 0x30, 0x35,
	0x30, 0x31, 0x31, 0x30, 0x31, 0x30, 0x30, 0x30, 0x5a, 0x30, 0x00, 0x30, 0x59, 0x30, 0x13,
	0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xea, 0x11, 0x0d, 0xf7, 0x21, 0x56, 0x6b,
	0xce, 0x18, 0x76, 0x24, 0x23, 0x3c, 0x8b, 0x52, 0xff, 0x01, 0x2b, 0x72, 0x1c, 0xf5, 0xc3,
	0xa4, 0x22, 0x6b, 0x6f, 0x68, 0xd7, 0x2e, 0x00, 0xae, 0x19, 0x78, 0x74, 0xfa, 0xf4, 0x44,
	0x1d, 0x8a, 0xf8, 0x1f, 0xcd, 0x10, 0x1d, 0x4c, 0x15, 0x43, 0xac, 0x0a, 0x56, 0x32, 0x84,
	0xb0, 0xc9, 0x13, 0x5d, 0x48, 0x96, 0x5a, 0x84, 0xb4, 0x04, 0x69, 0xf4, 0xa3, 0x82, 0x01,
	0x15, 0x30, 0x82, 0x01, 0x11, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff,
	0x04, 0x04, 0x03, 0x02, 0x07, 0x80, 0x30, 0x13, 0x06, 0x03, 0x55, 0x1d, 0x25, 0x04, 0x0c,
	0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x30, 0x1d, 0x06,
	0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xaa, 0xe9, 0x8a, 0xe5, 0xb5, 0xa6, 0x4f,
	0x0a, 0xe2, 0xe9, 0x02, 0x13, 0x0e, 0x3a, 0xa5, 0x74, 0x3f, 0x3f, 0xd4, 0x42, 0x30, 0x1f,
	0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x34, 0x6e, 0xd5, 0xf2,
	0xab, 0xb0, 0x6c, 0x95, 0xb3, 0xf9, 0x5f, 0x3c, 0x85, 0x5f, 0x0a, 0x3b, 0xb9, 0xe8, 0xa5,
	0x30, 0x30, 0x7f, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x01, 0x01, 0xff, 0x04, 0x75, 0x30, 0x73,
	0x82, 0x11, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x2e, 0x63, 0x6f, 0x6d, 0x86, 0x1e, 0x68, 0x74, 0x74, 0x70, 0x73, 0x3a, 0x2f, 0x2f, 0x62,
	0x75, 0x69, 0x6c, 0x64, 0x6b, 0x69, 0x74, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x2f, 0x61, 0x63,
	0x6d, 0x65, 0x2f, 0x61, 0x70, 0x70, 0x81, 0x0f, 0x64, 0x65, 0x76, 0x40, 0x65, 0x78, 0x61,
	0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x87, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x87, 0x04, 0xc0, 0x00,
	0x02, 0x07, 0xa0, 0x15, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01,
	0x07, 0xa0, 0x07, 0x0c, 0x05, 0x61, 0x6c, 0x69, 0x63, 0x65, 0x30, 0x29, 0x06, 0x0a, 0x2b,
	0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x01, 0x04, 0x1b, 0x68, 0x74, 0x74, 0x70,
	0x73, 0x3a, 0x2f, 0x2f, 0x61, 0x67, 0x65, 0x6e, 0x74, 0x2e, 0x62, 0x75, 0x69, 0x6c, 0x64,
	0x6b, 0x69, 0x74, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00, 0x30, 0x44, 0x02, 0x20, 0x19, 0xb6, 0x64,
	0xd3, 0xe5, 0x12, 0x38, 0x25, 0x48, 0x59, 0x6d, 0x40, 0x70, 0x95, 0xf5, 0xa8, 0xa3, 0xb7,
	0x6d, 0x70, 0xaa, 0xec, 0xab, 0xbf, 0xd3, 0xc9, 0x1f, 0x40, 0x81, 0x4d, 0x74, 0x74, 0x02,
	0x20, 0x56, 0xab, 0x2f, 0xf7, 0xb7, 0x8e, 0x67, 0xe3, 0x28, 0xc8, 0xa9, 0xd7, 0xc5, 0x5d,
	0xfa, 0xac, 0x8a, 0x0b, 0x32, 0x5a, 0xa2, 0xb5, 0xad, 0xcd, 0x92, 0xdb, 0x53, 0x6c, 0x2b,
	0x57, 0xc5, 0xf0,
};

static uint8_t real_der[4096];
static size_t real_len;
static int64_t real_time;

static int
load_real(void)
{
	return testpki_real_leaf(real_der, sizeof real_der, &real_len, &real_time) &&
		real_time > 0;
}

static uint8_t arena_mem[1 << 20];

static void
format(const sg_diag *d, char *out, size_t cap)
{
	sg_diag_format(d, out, cap);
}

static void
test_real(void)
{
	if (!load_real()) {
		TEST_SKIP("real signature vector not found");
		return;
	}
	static sg_trustroot prod, staging;
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	int have_prod = test_load_trustroot(TEST_PROD_ROOT, &a, &prod);
	int have_staging = test_load_trustroot(TEST_STAGING_ROOT, &a, &staging);
	CHECK(have_prod && have_staging);
	if (!have_prod || !have_staging)
		return;
	CHECK(real_time == 1674247893);
	static sg_x509_cert leaf;
	CHECK_OK(sg_x509_parse(real_der, real_len, &leaf, NULL));

	sg_chain_result r;
	sg_diag d;
	sg_diag_init(&d, "real");
	CHECK_OK(sg_chain_verify(&leaf, NULL, 0, &prod, real_time, &r, &d));
	/* CA 0 (2021) ended 2022-12-31; the 2022 CA (intermediate + root) matched. */
	CHECK(r.ca_index == 1 && r.ca == &prod.cas[1] && r.n_intermediates == 0);
	CHECK(r.issuer_der.p == prod.cas[1].certs[0].p);
	static sg_x509_cert inter;
	CHECK_OK(sg_x509_parse(r.issuer_der.p, r.issuer_der.len, &inter, NULL));
	CHECK(sg_slice_eq(r.issuer_spki, inter.spki));
	/* Valid at both ends of the leaf's validity. */
	CHECK_OK(sg_chain_verify(&leaf, NULL, 0, &prod, leaf.not_before, &r, NULL));
	CHECK_OK(sg_chain_verify(&leaf, NULL, 0, &prod, leaf.not_after, &r, NULL));

	/* One second after NotAfter. */
	char msg[700];
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &prod, leaf.not_after + 1, &r, &d),
		SG_ERR_VERIFY_EXPIRED);
	format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "certificate not valid at signing time: 2023-01-20T21:01:32Z is after "
			  "NotAfter 2023-01-20T21:01:31Z") == 0);
	CHECK(r.ca == NULL && r.issuer_spki.p == NULL);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &prod, leaf.not_before - 1, &r, &d),
		SG_ERR_VERIFY_EXPIRED);

	/* A flipped byte in the leaf's signature. */
	static uint8_t bad[4096];
	memcpy(bad, real_der, real_len);
	bad[real_len - 1] ^= 0x01;
	static sg_x509_cert bleaf;
	CHECK_OK(sg_x509_parse(bad, real_len, &bleaf, NULL));
	sg_diag_init(&d, "bundle.json");
	CHECK_ERR(sg_chain_verify(&bleaf, NULL, 0, &prod, real_time, &r, &d), SG_ERR_VERIFY_CHAIN);
	format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "certificate chain verification failed: leaf signature does not verify "
			  "under CA 'sigstore-intermediate' (bundle.json)") == 0);
	/* A flipped byte in the signed TBS (inside the email SAN). */
	memcpy(bad, real_der, real_len);
	for (size_t i = 0; i + 4 < real_len; i++) {
		if (memcmp(bad + i, "mitr", 4) == 0) {
			bad[i] = 'n';
			break;
		}
	}
	CHECK_OK(sg_x509_parse(bad, real_len, &bleaf, NULL));
	CHECK_ERR(sg_chain_verify(&bleaf, NULL, 0, &prod, real_time, &r, NULL),
		SG_ERR_VERIFY_CHAIN);

	/* The staging root does not vouch for a production certificate. */
	sg_diag_init(&d, NULL);
	CHECK(sg_chain_verify(&leaf, NULL, 0, &staging, real_time, &r, &d) != SG_OK);
	CHECK(d.code == SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "(issuer name or key id differs)") != NULL);
	/* A root whose only CA window ended before the leaf was issued. */
	static sg_trustroot old;
	old = prod;
	old.n_cas = 1;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &old, real_time, &r, &d), SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "no certificate authority") != NULL &&
		strstr(d.detail, "2023-01-20T20:51:31Z") != NULL);
	/* The 2022 CA with only its root: the leaf's issuer is missing, so it fails by name. */
	old = prod;
	old.cas[1].certs[0] = old.cas[1].certs[1];
	old.cas[1].n_certs = 1;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &old, real_time, &r, &d), SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "leaf is not issued by CA 'sigstore'") != NULL);
	/* ... even when the bundle supplies the intermediate: a CA certificate the trusted root
	 * signed but does not list (retired, or another window's) must not vouch for leaves. */
	sg_slice inter_der = prod.cas[1].certs[0];
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, &inter_der, 1, &old, real_time, &r, &d),
		SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "bundle intermediate #1 is not a certificate of the trusted root") !=
		NULL);
	CHECK(r.ca == NULL && r.issuer_spki.p == NULL);
	/* The intermediate alone, as the trusted root lists it: joins the trusted chain. */
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_chain_verify(&leaf, &inter_der, 1, &prod, real_time, &r, &d));
	CHECK(r.ca_index == 1 && r.n_intermediates == 0 && sg_slice_eq(r.issuer_spki, inter.spki));
	/* The intermediate and root both supplied while the root lists both: joins the trust. */
	sg_slice both[2] = {prod.cas[1].certs[0], prod.cas[1].certs[1]};
	CHECK_OK(sg_chain_verify(&leaf, both, 2, &prod, real_time, &r, NULL));
	CHECK(r.ca_index == 1 && r.n_intermediates == 0);
}

/* The generated PKI. */
static sg_trustroot *
test_root_with(sg_trustroot *tr, const uint8_t *const *certs, const size_t *lens, size_t n)
{
	memset(tr, 0, sizeof *tr);
	tr->n_cas = 1;
	tr->cas[0].n_certs = n;
	for (size_t i = 0; i < n; i++)
		tr->cas[0].certs[i] = sg_slice_make(certs[i], lens[i]);
	tr->cas[0].valid.start = 0;
	tr->cas[0].valid.end = INT64_MAX;
	return tr;
}

static void
test_generated(void)
{
	static sg_trustroot tr;
	static sg_x509_cert leaf, noeku;
	const uint8_t *both[2] = {test_inter, test_root};
	size_t both_len[2] = {sizeof test_inter, sizeof test_root};
	int64_t t = 0;
	CHECK_OK(sg_time_from_fields(2024, 5, 1, 10, 5, 0, &t));
	CHECK_OK(sg_x509_parse(test_leaf, sizeof test_leaf, &leaf, NULL));
	CHECK_OK(sg_x509_parse(test_leaf_noeku, sizeof test_leaf_noeku, &noeku, NULL));

	sg_chain_result r;
	sg_diag d;
	char msg[700];
	test_root_with(&tr, both, both_len, 2);
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_chain_verify(&leaf, NULL, 0, &tr, t, &r, &d));
	CHECK(r.issuer_der.p == test_inter);

	/* Without codeSigning. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&noeku, NULL, 0, &tr, t, &r, &d), SG_ERR_VERIFY_EKU);
	format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "certificate lacks the codeSigning extended key usage") == 0);

	/* Trust only the root; the intermediate comes from the bundle. */
	test_root_with(&tr, both + 1, both_len + 1, 1);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &tr, t, &r, &d), SG_ERR_VERIFY_CHAIN);
	CHECK(strstr(d.detail, "leaf is not issued by CA 'test-root'") != NULL);
	/* A valid CA certificate signed by the trusted root, codeSigning EKU, in validity: still
	 * refused, because the trusted root does not list it (only its chain vouches). */
	sg_slice inter = sg_slice_make(test_inter, sizeof test_inter);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, &d), SG_ERR_VERIFY_CHAIN);
	format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "certificate chain verification failed: bundle intermediate #1 is not a "
			  "certificate of the trusted root's certificate authority") == 0);
	/* A tampered intermediate, a non-CA "intermediate" and an unparseable one: the same. */
	static uint8_t bad[1024];
	memcpy(bad, test_inter, sizeof test_inter);
	bad[sizeof test_inter - 1] ^= 0x01;
	inter = sg_slice_make(bad, sizeof test_inter);
	CHECK_ERR(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
	inter = sg_slice_make(test_leaf_noeku, sizeof test_leaf_noeku);
	CHECK_ERR(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
	inter = sg_slice_make(test_inter, 10);
	CHECK_ERR(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
	/* Copies of the trusted chain are harmless: [intermediate] and [intermediate, root]. */
	test_root_with(&tr, both, both_len, 2);
	inter = sg_slice_make(test_inter, sizeof test_inter);
	CHECK_OK(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, NULL));
	CHECK(r.issuer_der.p == test_inter && r.n_intermediates == 0);
	sg_slice pair[2] = {inter, sg_slice_make(test_root, sizeof test_root)};
	CHECK_OK(sg_chain_verify(&leaf, pair, 2, &tr, t, &r, NULL));
	/* ... but a foreign certificate after them is not, and the first copy names the issuer:
	 * [root] claims the root issued the leaf, which it did not. */
	pair[1] = sg_slice_make(test_leaf_noeku, sizeof test_leaf_noeku);
	CHECK_ERR(sg_chain_verify(&leaf, pair, 2, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
	inter = sg_slice_make(test_root, sizeof test_root);
	CHECK_ERR(sg_chain_verify(&leaf, &inter, 1, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
	test_root_with(&tr, both + 1, both_len + 1, 1);

	/* A CA certificate as the signing certificate: test-intermediate has codeSigning,
	 * digitalSignature and a valid chain to the trusted root, but cA is set. */
	static sg_x509_cert ca_leaf;
	CHECK_OK(sg_x509_parse(test_inter, sizeof test_inter, &ca_leaf, NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_chain_verify(&ca_leaf, NULL, 0, &tr, t, &r, &d), SG_ERR_VERIFY_CHAIN);
	format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "certificate chain verification failed: leaf is a CA certificate "
			  "(basicConstraints cA is set)") == 0);
	/* Too many intermediates. */
	sg_slice many[SG_MAX_CHAIN];
	for (size_t i = 0; i < SG_MAX_CHAIN; i++)
		many[i] = sg_slice_make(test_inter, sizeof test_inter);
	CHECK_ERR(sg_chain_verify(&leaf, many, SG_MAX_CHAIN, &tr, t, &r, NULL), SG_ERR_LIMIT);
	CHECK_ERR(sg_chain_verify(&leaf, many, SIZE_MAX, &tr, t, &r, NULL), SG_ERR_LIMIT);

	/* The root alone in the CA's chain as if it had issued the leaf: wrong names. */
	/* The intermediate listed as the only trusted certificate: its flags and time are
	 * checked although its signature is not. */
	test_root_with(&tr, both, both_len, 1);
	CHECK_OK(sg_chain_verify(&leaf, NULL, 0, &tr, t, &r, NULL));
	/* The trusted intermediate's validity ends 2033-12-28; the leaf's first. A time check
	 * on a CA: use a leaf-valid time but a trust root whose CA is the other leaf (no cA). */
	const uint8_t *fake[1] = {test_leaf_noeku};
	size_t fake_len[1] = {sizeof test_leaf_noeku};
	test_root_with(&tr, fake, fake_len, 1);
	CHECK_ERR(sg_chain_verify(&leaf, NULL, 0, &tr, t, &r, NULL), SG_ERR_VERIFY_CHAIN);
}

int
main(void)
{
	test_real();
	test_generated();
	return test_finish();
}
