/* Tests for the offline verification flow, against third-party data only:
 *  - the real keyless cosign signature of protocol.md §11 (every value it lists, then a
 *    one-byte change to the payload, signature, certificate, SET or body, each failing with the
 *    right message);
 *  - a table of tampered or inconsistent inputs built from a real public-good bundle
 *    (sigstore-conformance happy-path-v0.3) and other conformance cases, each with the error
 *    code and the message it must produce.
 * Links only layers 0-4: a verifier module that started using the network would not link. */
#include <stdio.h>
#include <string.h>

#include "crypto/hash.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"
#include "runner.h"
#include "oci/manifest.h"
#include "pki/trustroot.h"
#include "sigstore/tlog.h"
#include "verify/siglayer.h"
#include "vectors.h"
#include "verify/image.h"
#include "verify/verify.h"

#define ARENA_SIZE (8u << 20)
static unsigned char arena_mem[ARENA_SIZE] __attribute__((aligned(16)));
static sg_arena arena;

static char vec[512];
/* The trusted roots keep views into their JSON, which lives in root_mem for the whole run. */
static uint8_t root_mem[1u << 20];
static sg_arena root_arena;
static sg_trustroot prod, staging;

static const char *DEFAULT_ID = "https://github.com/sigstore-conformance/extremely-dangerous-public-"
				"oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@"
				"refs/heads/main";
static const char *GHA = "https://token.actions.githubusercontent.com";

static unsigned char *
read_vec(const char *rel, size_t *len)
{
	unsigned char *p = test_read_vec(rel, len);
	if (p == NULL)
		fprintf(stderr, "cannot read %s/%s\n", test_vectors_dir(), rel);
	return p;
}

static void
artifact_of(const unsigned char *p, size_t len, sg_artifact *a)
{
	memset(a, 0, sizeof *a);
	sg_sha256(p, len, a->sha256);
	sg_sha384(p, len, a->sha384);
	sg_sha512(p, len, a->sha512);
	a->has_sha384 = a->has_sha512 = 1;
}

/* ---- the §11 worked example ---- */

typedef struct legacy_sig {
	unsigned char *file;
	sg_sig_layer layer;
	uint8_t payload[1024];
	size_t payload_len;
	/* owned, mutable copies of the annotations */
	char sig[256], cert[4096], bundle[8192];
} legacy_sig;

static int
json_string_field(const sg_json *j, size_t obj, const char *key, char *out, size_t cap)
{
	sg_slice v;
	if (sg_json_get_str(j, obj, key, SG_JSON_REQUIRED, "test", &arena, &v, NULL, NULL) != SG_OK ||
		v.len >= cap)
		return 0;
	memcpy(out, v.p, v.len);
	out[v.len] = '\0';
	return 1;
}

static int
load_legacy(legacy_sig *s)
{
	memset(s, 0, sizeof *s);
	sg_json j;
	size_t ann;
	if (!test_real_sig_open(&arena, &s->file, &j, s->payload, sizeof s->payload,
		    &s->payload_len) ||
		sg_json_get_obj(&j, 0, "annotations", SG_JSON_REQUIRED, "test", &ann, NULL) != SG_OK ||
		!json_string_field(&j, ann, SG_ANN_SIGNATURE, s->sig, sizeof s->sig) ||
		!json_string_field(&j, ann, SG_ANN_CERTIFICATE, s->cert, sizeof s->cert) ||
		!json_string_field(&j, ann, SG_ANN_BUNDLE, s->bundle, sizeof s->bundle))
		return 0;
	return 1;
}

static sg_err
verify_legacy(legacy_sig *s, const char *identity, const char *issuer, sg_verified *out,
	sg_diag *d)
{
	sg_arena_reset(&arena);
	s->layer.payload = sg_slice_make(s->payload, s->payload_len);
	s->layer.signature_b64 = sg_slice_str(s->sig);
	s->layer.certificate_pem = sg_slice_str(s->cert);
	s->layer.bundle_json = sg_slice_str(s->bundle);
	static sg_entity e;
	sg_err err = sg_siglayer_entity(&s->layer, &arena, &e, d);
	if (err != SG_OK)
		return err;
	sg_artifact a;
	artifact_of(s->payload, s->payload_len, &a);
	sg_policy pol;
	err = sg_policy_init(&pol, identity, NULL, issuer, NULL, d);
	if (err == SG_OK) {
		sg_verify_opts o;
		memset(&o, 0, sizeof o);
		o.trustroot = &prod;
		o.policy = &pol;
		o.issuer_mode = SG_ISSUER_LEGACY;
		err = sg_verify_entity(&e, &a, &o, &arena, out, d);
	}
	return err;
}

static void
hex_of(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Flip one character of a base64 text at `pos` to another valid base64 character. */
static void
flip_b64(char *s, size_t pos)
{
	s[pos] = s[pos] == 'A' ? 'B' : 'A';
}

static void
test_worked_example(void)
{
	static legacy_sig s;
	if (!load_legacy(&s)) {
		CHECK(0);
		return;
	}
	static sg_verified v;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_err err = verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d);
	if (err != SG_OK) {
		char msg[600];
		sg_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "worked example: %s\n", msg);
	}
	CHECK_OK(err);
	/* Every value protocol.md §11 lists. */
	char hex[129];
	uint8_t h[32];
	CHECK(s.payload_len == 262);
	sg_sha256(s.payload, s.payload_len, h);
	hex_of(h, 32, hex);
	CHECK(strcmp(hex, "2dcf9e65b95efb54d936085b0b4519b22fb2e9ab47312ded0ec0fa45384701ed") == 0);
	CHECK(v.signing_time == 1674247893);
	CHECK(v.log_index == 11605770);
	CHECK(v.leaf.not_before == 1674247891 && v.leaf.not_after == 1674248491);
	CHECK(v.n_sans == 1 && sg_slice_eq_str(v.sans[0], "mitr@redhat.com"));
	CHECK(sg_slice_eq_str(v.issuer, "https://github.com/login/oauth"));
	CHECK(!sg_x509_fulcio_ext(&v.leaf, 8, &(sg_slice){0}));
	CHECK(v.leaf.san_critical);
	CHECK(v.sct.verified == 1 && v.sct.total == 1);
	char name[128];
	sg_x509_name_text(v.leaf.issuer, name, sizeof name);
	CHECK(strcmp(name, "O=sigstore.dev, CN=sigstore-intermediate") == 0);
	hex_of(v.leaf.serial.p, v.leaf.serial.len > 64 ? 64 : v.leaf.serial.len, hex);
	CHECK(strncmp(hex, "633786d5", 8) == 0 && hex[strlen(hex) - 2] == '3' &&
	      hex[strlen(hex) - 1] == 'c');
	/* The SCT's log is the 2022 CT log dd3d306a...ee8e. */
	sg_sct_list sl;
	CHECK_OK(sg_sct_list_parse(v.leaf.sct_list.p, v.leaf.sct_list.len, &sl, NULL));
	hex_of(sl.scts[0].log_id, 32, hex);
	CHECK(strncmp(hex, "dd3d306a", 8) == 0 && strcmp(hex + 60, "ee8e") == 0);
	CHECK(sl.scts[0].timestamp_ms == 1674247891374ull);
	/* Leaf hash (the entry UUID). */
	sg_entity e;
	CHECK_OK(sg_bundle_parse_legacy((const uint8_t *)s.bundle, strlen(s.bundle), &arena, &e,
		NULL));
	sg_merkle_leaf_hash(e.tlog[0].body.p, e.tlog[0].body.len, h);
	hex_of(h, 32, hex);
	CHECK(strcmp(hex, "72364a51af3c5debc8c8c7f550da8102b71306c57b74a10224cea8fac6044c25") == 0);
	hex_of(e.tlog[0].log_id, e.tlog[0].log_id_len, hex);
	CHECK(strcmp(hex, "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d") == 0);

	/* Identity and issuer are checked exactly. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.co", "https://github.com/login/oauth", &v, &d),
		SG_ERR_POLICY_IDENTITY);
	CHECK(strcmp(d.detail, "none of the expected identities matched what was in the "
			       "certificate, got subjects [mitr@redhat.com] with issuer "
			       "https://github.com/login/oauth") == 0);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://accounts.google.com", &v, NULL),
		SG_ERR_POLICY_IDENTITY);

	/* One byte changed in each element. */
	s.payload[100] ^= 1;
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d),
		SG_ERR_VERIFY_TLOG_BODY);
	CHECK(strstr(d.detail, "matching bundle to payload: bundle=\"2dcf9e65") != NULL);
	s.payload[100] ^= 1;

	char saved[8192];
	memcpy(saved, s.sig, sizeof s.sig);
	flip_b64(s.sig, 20);
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d),
		SG_ERR_VERIFY_TLOG_BODY);
	CHECK(strstr(d.detail, "signature in bundle does not match signature being verified") !=
	      NULL);
	memcpy(s.sig, saved, sizeof s.sig);

	memcpy(saved, s.cert, sizeof s.cert);
	flip_b64(s.cert, 50); /* the serial number: the certificate still parses */
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d),
		SG_ERR_VERIFY_TLOG_BODY);
	CHECK(strstr(d.detail, "certificate in the log entry differs") != NULL);
	memcpy(s.cert, saved, sizeof s.cert);

	memcpy(saved, s.bundle, sizeof s.bundle);
	char *set = strstr(s.bundle, "\"SignedEntryTimestamp\":\"");
	CHECK(set != NULL);
	if (set != NULL)
		flip_b64(set, 40);
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d),
		SG_ERR_VERIFY_SET);
	memcpy(s.bundle, saved, sizeof s.bundle);

	/* The body: decode it, change one byte of the logged hash, encode it again, so the body
	 * stays well-formed and only the SET can tell. */
	char *body = strstr(s.bundle, "\"body\":\"");
	CHECK(body != NULL);
	if (body != NULL) {
		char *b64 = body + 8, *end = strchr(b64, '"');
		static uint8_t raw[4096];
		size_t raw_len = 0;
		CHECK_OK(sg_b64_decode((const uint8_t *)b64, (size_t)(end - b64),
			SG_B64_STD | SG_B64_PAD, raw, sizeof raw, &raw_len, NULL));
		char *hit = strstr((char *)raw, "2dcf9e65");
		CHECK(hit != NULL && raw_len < sizeof raw);
		if (hit != NULL)
			hit[0] = '3';
		sg_buf out;
		sg_buf_init(&out, b64, (size_t)(end - b64));
		CHECK_OK(sg_b64_encode(raw, raw_len, SG_B64_STD | SG_B64_PAD, &out));
		CHECK(out.len == (size_t)(end - b64));
	}
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, &d),
		SG_ERR_VERIFY_SET);
	memcpy(s.bundle, saved, sizeof s.bundle);

	/* And back to green: the mutations were undone. */
	CHECK_OK(verify_legacy(&s, "mitr@redhat.com", "https://github.com/login/oauth", &v, NULL));
	free(s.file);
}

/* ---- the negative-case table ---- */

enum trust { PROD, STAGING, PROD_NO_CTLOGS, PROD_NO_CAS };

typedef struct neg_case {
	const char *name;
	const char *bundle;   /* conformance case directory */
	const char *from;     /* substring to replace (NULL: none) */
	const char *to;
	const char *identity; /* NULL: default; prefix "re:" for a regexp */
	const char *issuer;
	enum trust trust;
	int artifact_flip;    /* flip a bit of the artifact digest */
	int ignore_tlog, ignore_sct;
	sg_err want;
	const char *want_text; /* substring of the rendered message */
} neg_case;

#define HP "happy-path-v0.3"
static const neg_case cases[] = {
	{"untouched bundle verifies", HP, NULL, NULL, NULL, NULL, PROD, 0, 0, 0, SG_OK, ""},
	{"regexp identity verifies", HP, NULL, NULL,
		"re:^https://github\\.com/sigstore-conformance/", NULL, PROD, 0, 0, 0, SG_OK, ""},
	{"--insecure-ignore-sct with no CT logs verifies", HP, NULL, NULL, NULL, NULL,
		PROD_NO_CTLOGS, 0, 0, 1, SG_OK, ""},
	{"wrong identity", HP, NULL, NULL, "https://github.com/evil/x", NULL, PROD, 0, 0, 0,
		SG_ERR_POLICY_IDENTITY, "none of the expected identities matched"},
	{"wrong issuer", HP, NULL, NULL, NULL, "https://accounts.google.com", PROD, 0, 0, 0,
		SG_ERR_POLICY_IDENTITY, "with issuer https://token.actions.githubusercontent.com"},
	{"identity regexp that does not match", HP, NULL, NULL, "re:^https://gitlab\\.com/", NULL,
		PROD, 0, 0, 0, SG_ERR_POLICY_IDENTITY, "got subjects [https://github.com/"},
	{"identity prefix only", HP, NULL, NULL,
		"https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon", NULL,
		PROD, 0, 0, 0, SG_ERR_POLICY_IDENTITY, "none of the expected identities"},
	{"other artifact", HP, NULL, NULL, NULL, NULL, PROD, 1, 0, 0, SG_ERR_VERIFY_TLOG_BODY,
		"matching bundle to payload"},
	{"SET signature changed", HP, "MEYCIQDMNM49", "MEYCIQDMNM48", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_SET, ""},
	{"integratedTime changed", HP, "\"1710869186\"", "\"1710869187\"", NULL, NULL, PROD, 0, 0,
		0, SG_ERR_VERIFY_SET, ""},
	{"logIndex changed", HP, "\"79571823\"", "\"79571824\"", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_SET, ""},
	{"log id unknown", HP, "wNI9atQG", "xNI9atQG", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_TLOG_KEY, "rekor log public key not found for payload"},
	{"staging trust root", HP, NULL, NULL, NULL, NULL, STAGING, 0, 0, 0,
		SG_ERR_VERIFY_TLOG_KEY, "rekor log public key not found"},
	{"tree size changed", HP, "\"75408393\"", "\"75408394\"", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_INCLUSION, ""},
	{"proof index changed", HP, "\"logIndex\": \"75408392\"", "\"logIndex\": \"75408391\"", NULL,
		NULL, PROD, 0, 0, 0, SG_ERR_VERIFY_INCLUSION, ""},
	{"proof hash changed", HP, "1J7hRIEG", "2J7hRIEG", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_INCLUSION, ""},
	{"proof root changed", HP, "\"rootHash\": \"Fnnj", "\"rootHash\": \"Gnnj", NULL, NULL, PROD,
		0, 0, 0, SG_ERR_VERIFY_INCLUSION, ""},
	{"kindVersion kind differs from body", HP, "\"kind\": \"hashedrekord\"",
		"\"kind\": \"intoto\"", NULL, NULL, PROD, 0, 0, 0, SG_ERR_VERIFY_TLOG_BODY,
		"kindVersion.kind"},
	{"message signature changed", HP, "MEUCICYFq/4b", "MEUCICYFq/4c", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_TLOG_BODY, "signature in bundle does not match"},
	{"messageDigest for another artifact", HP, "oM/HEnHW", "pM/HEnHW", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_DIGEST, "messageDigest"},
	{"unknown bundle version", HP, "version=0.3", "version=0.9", NULL, NULL, PROD, 0, 0, 0,
		SG_ERR_VERIFY_BUNDLE, ""},
	{"duplicate JSON key", HP, "{\"mediaType\": ", "{\"mediaType\": \"x\", \"mediaType\": ", NULL,
		NULL, PROD, 0, 0, 0, SG_ERR_JSON_DUPLICATE_KEY, ""},
	{"truncated JSON", HP, "\"messageSignature\"", "\"messageSignature", NULL, NULL, PROD, 0, 0,
		0, SG_ERR_JSON_SYNTAX, ""},
	{"certificate DER damaged", HP, "\"rawBytes\": \"MIIIMTCC", "\"rawBytes\": \"MIIIMTCD", NULL,
		NULL, PROD, 0, 0, 0, SG_ERR_DER_TRUNCATED, ""},
	{"certificate not base64", HP, "\"rawBytes\": \"MIIIMTCC", "\"rawBytes\": \"MIIIMTC*", NULL,
		NULL, PROD, 0, 0, 0, SG_ERR_B64_CHAR, ""},
	{"no inclusion proof in v0.3", HP, "\"inclusionProof\"", "\"inclusionProofX\"", NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_BUNDLE, ""},
	{"no CT logs in the trust root", HP, NULL, NULL, NULL, NULL, PROD_NO_CTLOGS, 0, 0, 0,
		SG_ERR_VERIFY_CT_KEY, "only able to verify 0 SCT entries"},
	{"no CAs in the trust root", HP, NULL, NULL, NULL, NULL, PROD_NO_CAS, 0, 0, 0,
		SG_ERR_VERIFY_CHAIN, ""},
	{"tlog ignored: certificate expired now", HP, NULL, NULL, NULL, NULL, PROD, 0, 1, 0,
		SG_ERR_VERIFY_EXPIRED, "certificate expired before signatures were entered in log"},
	{"integrated time after the certificate", "integrated-time-in-future_fail", NULL, NULL,
		"untrusted-sa@sigstore-conformance.iam.gserviceaccount.com",
		"https://accounts.google.com", PROD, 0, 0, 0, SG_ERR_VERIFY_EXPIRED,
		"checking expiry on certificate with bundle"},
	{"chain includes the root", "bundle-with-root-cert_fail", NULL, NULL, NULL, NULL, PROD, 0, 0,
		0, SG_ERR_VERIFY_CHAIN, "includes a root certificate"},
	{"SET over another entry", "set-invalid-signature_fail", NULL, NULL, NULL, NULL, PROD, 0, 0,
		0, SG_ERR_VERIFY_SET, ""},
	{"checkpoint signature invalid", "invalid-checkpoint-signature_fail", NULL, NULL, NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_CHECKPOINT, ""},
	{"checkpoint key hint of another log", "checkpoint-bad-keyhint_fail", NULL, NULL, NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_CHECKPOINT, ""},
	/* The SET covers the body, so an edited body fails there first. */
	{"public key in the body differs", "incorrect-public-key_fail", NULL, NULL, NULL, NULL, PROD,
		0, 0, 0, SG_ERR_VERIFY_SET, ""},
	{"certificate and signature of another entry", "wrong-hashedrekord-cert-and-sig_fail", NULL,
		NULL, NULL, NULL, PROD, 0, 0, 0, SG_ERR_VERIFY_TLOG_BODY, ""},
	{"log entry for another artifact", "wrong-hashedrekord-artifact_fail", NULL, NULL, NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_TLOG_BODY, ""},
	{"DSSE envelope differs from the log", "dsse-mismatch-envelope_fail", NULL, NULL, NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_TLOG_BODY, ""},
	{"DSSE signature differs from the log", "dsse-mismatch-sig_fail", NULL, NULL, NULL, NULL,
		PROD, 0, 0, 0, SG_ERR_VERIFY_TLOG_BODY, ""},
	{"DSSE subject is not the artifact", "happy-path-intoto-in-dsse-v3", NULL, NULL, NULL, NULL,
		PROD, 1, 0, 0, SG_ERR_VERIFY_DIGEST,
		"provided artifact digest does not match any digest in statement"},
	{"public-key bundle without --key", "managed-key-no-key_fail", NULL, NULL, NULL, NULL, PROD,
		0, 0, 0, SG_ERR_VERIFY_BUNDLE, "no --key was given"},
};

/* Return a malloc'd copy of `s` with the first `from` replaced by `to`, or NULL. */
static char *
replace_once(const char *s, size_t len, const char *from, const char *to, size_t *out_len)
{
	const char *hit = from != NULL ? strstr(s, from) : NULL;
	if (from != NULL && hit == NULL)
		return NULL;
	size_t fl = from != NULL ? strlen(from) : 0, tl = to != NULL ? strlen(to) : 0;
	char *r = malloc(len + tl + 1);
	size_t pre = hit != NULL ? (size_t)(hit - s) : len;
	memcpy(r, s, pre);
	size_t n = pre;
	if (hit != NULL) {
		memcpy(r + n, to, tl);
		n += tl;
		memcpy(r + n, hit + fl, len - pre - fl);
		n += len - pre - fl;
	}
	r[n] = '\0';
	*out_len = n;
	return r;
}

static int
run_case(const neg_case *c, const sg_trustroot *no_ct, const sg_trustroot *no_ca)
{
	char rel[256];
	size_t len, mlen;
	test_case_path(c->bundle, "bundle.sigstore.json", rel, sizeof rel);
	unsigned char *raw = read_vec(rel, &len);
	if (raw == NULL)
		return 0;
	char *text = malloc(len + 1);
	memcpy(text, raw, len);
	text[len] = '\0';
	free(raw);
	char *json = replace_once(text, len, c->from, c->to, &mlen);
	free(text);
	if (json == NULL) {
		fprintf(stderr, "case '%s': substring not found\n", c->name);
		return 0;
	}
	size_t alen;
	snprintf(rel, sizeof rel, "conformance/bundle-verify/a.txt");
	unsigned char *art = read_vec(rel, &alen);
	sg_artifact a;
	artifact_of(art, alen, &a);
	free(art);
	if (c->artifact_flip)
		a.sha256[5] ^= 0x10;

	sg_arena_reset(&arena);
	sg_diag d;
	sg_diag_init(&d, NULL);
	static sg_entity e;
	static sg_verified v;
	sg_policy pol;
	const char *id = c->identity != NULL ? c->identity : DEFAULT_ID;
	const char *iss = c->issuer != NULL ? c->issuer : GHA;
	sg_err err = sg_bundle_parse((const uint8_t *)json, mlen, &arena, &e, &d);
	if (err == SG_OK) {
		int re = strncmp(id, "re:", 3) == 0;
		err = sg_policy_init(&pol, re ? NULL : id, re ? id + 3 : NULL, iss, NULL, &d);
	}
	if (err == SG_OK) {
		sg_verify_opts o;
		memset(&o, 0, sizeof o);
		o.trustroot = c->trust == STAGING ? &staging
			    : c->trust == PROD_NO_CTLOGS ? no_ct
			    : c->trust == PROD_NO_CAS ? no_ca
						      : &prod;
		o.policy = &pol;
		o.insecure_ignore_tlog = c->ignore_tlog;
		o.insecure_ignore_sct = c->ignore_sct;
		o.now = 1764000000; /* 2025-11-24: long after every certificate expired */
		err = sg_verify_entity(&e, &a, &o, &arena, &v, &d);
	}
	free(json);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	int ok = err == c->want && strstr(msg, c->want_text) != NULL;
	if (!ok)
		fprintf(stderr, "case '%s': got %s \"%s\", want %s \"%s\"\n", c->name,
			sg_err_name(err), msg, sg_err_name(c->want), c->want_text);
	/* On failure nothing is exposed. */
	if (err != SG_OK && (v.n_sans != 0 || v.signing_time != 0 || v.leaf.der.len != 0))
		ok = 0;
	return ok;
}

static void
test_negative_table(void)
{
	/* Trust roots with one kind of material removed: the copy keeps views into the original. */
	static sg_trustroot no_ct, no_ca;
	no_ct = prod;
	no_ct.n_ctlogs = 0;
	no_ca = prod;
	no_ca.n_cas = 0;
	size_t n = sizeof cases / sizeof cases[0], passed = 0, negatives = 0;
	for (size_t i = 0; i < n; i++) {
		int ok = run_case(&cases[i], &no_ct, &no_ca);
		CHECK(ok);
		passed += (size_t)ok;
		negatives += cases[i].want != SG_OK;
	}
	CHECK(negatives >= 30);
	printf("negative table: %zu/%zu cases as expected (%zu must fail)\n", passed, n, negatives);
}

/* ---- verify/image.c: one .sig layer for an image digest, in cosign's order ---- */

static const char *REAL_IMAGE = "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";

static sg_err
verify_image_layer(legacy_sig *s, const char *identity, const char *image_hex, int ignore_tlog,
	int64_t now, const sg_oci_annot *annots, size_t n_annots, sg_verified *out, sg_diag *d)
{
	sg_arena_reset(&arena);
	s->layer.payload = sg_slice_make(s->payload, s->payload_len);
	sg_sha256(s->payload, s->payload_len, s->layer.digest);
	uint8_t image[32];
	size_t n;
	if (sg_hex_decode((const uint8_t *)image_hex, 64, image, 32, &n, NULL) != SG_OK)
		return SG_ERR_ARG;
	sg_policy pol;
	sg_err err = sg_policy_init(&pol, identity, NULL, "https://github.com/login/oauth", NULL, d);
	if (err != SG_OK)
		return err;
	sg_image_opts o;
	memset(&o, 0, sizeof o);
	o.verify.trustroot = &prod;
	o.verify.policy = &pol;
	o.verify.insecure_ignore_tlog = ignore_tlog;
	o.verify.now = now;
	o.annots = annots;
	o.n_annots = n_annots;
	o.check_claims = 1;
	err = sg_verify_sig_layer(&s->layer, image, &o, &arena, out, d);
	return err;
}

static int
verified_is_zero(const sg_verified *v)
{
	static const sg_verified zero;
	return memcmp(v, &zero, sizeof zero) == 0;
}

static void
test_image_layer(void)
{
	legacy_sig *s = calloc(1, sizeof *s);
	CHECK(s != NULL && load_legacy(s));
	if (s == NULL)
		return;
	static sg_verified v;
	sg_diag d;
	char msg[1024];
	const char *id = "mitr@redhat.com";
	const int64_t later = 1900000000; /* 2030: long after the certificate expired */
	s->layer.has_signature = 1;
	s->layer.signature_b64 = sg_slice_str(s->sig);
	s->layer.certificate_pem = sg_slice_str(s->cert);
	s->layer.bundle_json = sg_slice_str(s->bundle);
	sg_diag_init(&d, NULL);
	CHECK_OK(verify_image_layer(s, id, REAL_IMAGE, 0, 0, NULL, 0, &v, &d));
	CHECK(v.keyless && v.has_tlog && v.log_index == 11605770);
	/* The claims: another image digest, an annotation the payload lacks. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id,
			  "1111111111111111111111111111111111111111111111111111111111111111", 0, 0, NULL,
			  0, &v, &d),
		SG_ERR_VERIFY_DIGEST);
	CHECK(verified_is_zero(&v));
	sg_oci_annot a = {sg_slice_str("env"), sg_slice_str("prod")};
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id, REAL_IMAGE, 0, 0, &a, 1, &v, &d),
		SG_ERR_POLICY_ANNOTATION);
	/* cosign's order with an expired certificate and no logged time: identity first, then
	 * the claims, and only then the expiry, in cosign's words. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, "bob@example.com", REAL_IMAGE, 1, later, NULL, 0, &v, &d),
		SG_ERR_POLICY_IDENTITY);
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id,
			  "1111111111111111111111111111111111111111111111111111111111111111", 1, later,
			  NULL, 0, &v, &d),
		SG_ERR_VERIFY_DIGEST);
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id, REAL_IMAGE, 1, later, NULL, 0, &v, &d),
		SG_ERR_VERIFY_EXPIRED);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "expected a signed timestamp to verify an expired certificate") == 0);
	CHECK(verified_is_zero(&v));
	/* The layer's own requirements: the signature annotation, the bundle annotation. */
	s->layer.bundle_json = sg_slice_make(NULL, 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id, REAL_IMAGE, 0, 0, NULL, 0, &v, &d),
		SG_ERR_VERIFY_TLOG_MISSING);
	s->layer.bundle_json = sg_slice_str(s->bundle);
	s->layer.has_signature = 0;
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_image_layer(s, id, REAL_IMAGE, 0, 0, NULL, 0, &v, &d),
		SG_ERR_VERIFY_BUNDLE);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "is missing \"dev.cosignproject.cosign/signature\" annotation") != NULL);
	free(s->file);
	free(s);
}

int
main(void)
{
	snprintf(vec, sizeof vec, "%s", test_vectors_dir());
	char probe[600];
	snprintf(probe, sizeof probe, "%s/%s", vec, TEST_REAL_SIG);
	FILE *f = fopen(probe, "rb");
	if (f == NULL) {
		TEST_SKIP("vectors not found at %s", vec);
		return test_finish();
	}
	fclose(f);
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	sg_arena_init(&root_arena, root_mem, sizeof root_mem);
	CHECK(test_load_trustroot(TEST_PROD_ROOT, &root_arena, &prod));
	CHECK(test_load_trustroot(TEST_STAGING_ROOT, &root_arena, &staging));
	test_worked_example();
	test_negative_table();
	test_image_layer();
	return test_finish();
}
