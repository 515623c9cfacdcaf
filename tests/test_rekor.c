/* test_rekor: the hashedrekord request bytes, the entry answer parser (hex logID, rootHash and
 * hashes decoded; the id bound to the body; strict shapes; every prefix), SET and inclusion
 * proof of a parsed answer verified with tlog.h, error answers and the 409 path over a
 * scripted transport. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "fakenet.h"
#include "guard.h"
#include "base/limits.h"
#include "online/rekor.h"
#include "parse/json.h"
#include "parse/pem.h"
#include "runner.h"
#include "pki/trustroot.h"
#include "sigstore/tlog.h"

static uint8_t arena_mem[1 << 23];
static sg_arena arena;

static void
reset(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
}

static sg_p256_key signer, logkey;
static uint8_t log_spki[SG_P256_SPKI_LEN];
static sg_trust_log tlog;
static uint8_t digest[32];
static uint8_t sig[SG_P256_SIG_MAX];
static size_t sig_len;
static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";

static void
hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void
b64(const uint8_t *p, size_t n, char *out, size_t cap)
{
	sg_buf b;
	sg_buf_init(&b, out, cap - 1);
	if (sg_b64_encode(p, n, SG_B64_STD | SG_B64_PAD, &b) != SG_OK)
		abort();
	out[b.len] = '\0';
}

static void
setup(void)
{
	sg_drbg r;
	sg_drbg_init_seed(&r, "rekor-test", 10);
	if (sg_p256_keygen(&r, &signer, NULL) != SG_OK ||
		sg_p256_keygen(&r, &logkey, NULL) != SG_OK)
		abort();
	sg_drbg_wipe(&r);
	sg_buf b;
	sg_buf_init(&b, log_spki, sizeof log_spki);
	if (sg_p256_write_spki(logkey.pub, &b) != SG_OK)
		abort();
	memset(&tlog, 0, sizeof tlog);
	sg_sha256(log_spki, sizeof log_spki, tlog.key_id);
	tlog.key_id_len = 32;
	tlog.spki = sg_slice_make(log_spki, sizeof log_spki);
	if (sg_pubkey_parse(log_spki, sizeof log_spki, &tlog.key, NULL) != SG_OK)
		abort();
	tlog.hash = SG_HASH_SHA256;
	tlog.sig_hash = SG_HASH_SHA256;
	tlog.valid.start = 0;
	tlog.valid.end = INT64_MAX;
	sg_sha256("payload", 7, digest);
	if (sg_p256_sign_digest(&signer, digest, sig, sizeof sig, &sig_len, NULL) != SG_OK)
		abort();
}

static void
test_request(void)
{
	uint8_t mem[4096];
	sg_buf out;
	sg_buf_init(&out, mem, sizeof mem);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_rekor_build_hashedrekord(digest, sig, sig_len, sg_slice_str(cert_pem), &out,
		&d));
	char dh[65], sb[200], pb[200], want[1024];
	hex(digest, 32, dh);
	b64(sig, sig_len, sb, sizeof sb);
	b64((const uint8_t *)cert_pem, strlen(cert_pem), pb, sizeof pb);
	snprintf(want, sizeof want,
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{"
		"\"algorithm\":\"sha256\",\"value\":\"%s\"}},\"signature\":{\"content\":\"%s\","
		"\"publicKey\":{\"content\":\"%s\"}}}}",
		dh, sb, pb);
	CHECK(out.len == strlen(want) && memcmp(mem, want, out.len) == 0);
	/* It is already canonical (RFC 8785), the form Rekor stores. */
	sg_slice canon;
	reset();
	CHECK_OK(sg_json_canonicalize(mem, out.len, &arena, &canon, &d));
	CHECK(sg_slice_eq(canon, sg_buf_slice(&out)));
	/* Too small. */
	for (size_t cap = 0; cap < out.len; cap += 37) {
		sg_buf small;
		sg_buf_init(&small, mem, cap);
		CHECK_ERR(sg_rekor_build_hashedrekord(digest, sig, sig_len, sg_slice_str(cert_pem),
				  &small, NULL),
			SG_ERR_LIMIT);
	}
}

/* A complete, validly signed answer: body, SET, a 2-leaf proof and a signed checkpoint. */
static char body_json[4096];
static size_t body_len;
static char entry_id[81];

static size_t
make_entry(char *out, size_t cap, int64_t log_index, int64_t itime, int with_proof)
{
	sg_buf bb;
	sg_buf_init(&bb, body_json, sizeof body_json);
	if (sg_rekor_build_hashedrekord(digest, sig, sig_len, sg_slice_str(cert_pem), &bb, NULL) !=
		SG_OK)
		abort();
	body_len = bb.len;
	uint8_t leaf[32], other[32], node[65], root[32];
	sg_merkle_leaf_hash((const uint8_t *)body_json, body_len, leaf);
	memcpy(entry_id, "24296fb24b8ad77a", 16);
	hex(leaf, 32, entry_id + 16);
	char lid[65];
	hex(tlog.key_id, 32, lid);

	/* SET over {"body","integratedTime","logID","logIndex"}. */
	sg_tlog_entry e;
	memset(&e, 0, sizeof e);
	e.body = sg_slice_make(body_json, body_len);
	e.integrated_time = itime;
	e.has_integrated_time = 1;
	e.log_index = log_index;
	memcpy(e.log_id, tlog.key_id, 32);
	e.log_id_len = 32;
	uint8_t msg[8192];
	sg_buf mb;
	sg_buf_init(&mb, msg, sizeof msg);
	if (sg_tlog_set_message(&e, &mb) != SG_OK)
		abort();
	uint8_t h[32], set[SG_P256_SIG_MAX];
	size_t set_len;
	sg_sha256(msg, mb.len, h);
	if (sg_p256_sign_digest(&logkey, h, set, sizeof set, &set_len, NULL) != SG_OK)
		abort();
	char bodyb64[8192], setb64[200];
	b64((const uint8_t *)body_json, body_len, bodyb64, sizeof bodyb64);
	b64(set, set_len, setb64, sizeof setb64);

	size_t k = (size_t)snprintf(out, cap,
		"{\"%s\":{\"body\":\"%s\",\"integratedTime\":%lld,\"logID\":\"%s\","
		"\"logIndex\":%lld,\"verification\":{",
		entry_id, bodyb64, (long long)itime, lid, (long long)log_index);
	if (with_proof) {
		memset(other, 0xab, 32);
		node[0] = 1;
		memcpy(node + 1, leaf, 32);
		memcpy(node + 33, other, 32);
		sg_sha256(node, 65, root);
		char rh[65], oh[65], rb64[64];
		hex(root, 32, rh);
		hex(other, 32, oh);
		b64(root, 32, rb64, sizeof rb64);
		char text[256];
		int tn = snprintf(text, sizeof text, "rekor.test - 123\n2\n%s\n", rb64);
		uint8_t th[32], cs[SG_P256_SIG_MAX + 4];
		size_t cs_len;
		sg_sha256(text, (size_t)tn, th);
		uint8_t spkih[32];
		sg_sha256(log_spki, sizeof log_spki, spkih);
		memcpy(cs, spkih, 4);
		if (sg_p256_sign_digest(&logkey, th, cs + 4, sizeof cs - 4, &cs_len, NULL) != SG_OK)
			abort();
		char csb64[200];
		b64(cs, cs_len + 4, csb64, sizeof csb64);
		/* The note as JSON: newlines escaped, the em dash as \u2014. */
		k += (size_t)snprintf(out + k, cap - k,
			"\"inclusionProof\":{\"checkpoint\":\"rekor.test - 123\\n2\\n%s\\n\\n"
			"\\u2014 rekor.test %s\\n\",\"hashes\":[\"%s\"],\"logIndex\":0,"
			"\"rootHash\":\"%s\",\"treeSize\":2},",
			rb64, csb64, oh, rh);
	}
	k += (size_t)snprintf(out + k, cap - k, "\"signedEntryTimestamp\":\"%s\"}}}", setb64);
	return k;
}

static sg_err
parse(const char *json, size_t len, sg_rekor_entry *e, sg_diag *d)
{
	reset();
	sg_diag_init(d, NULL);
	const uint8_t *p = guard_put(json, len);
	return sg_rekor_parse_entry(p, len, &arena, e, d);
}

static void
test_parse(void)
{
	static char buf[16384];
	size_t n = make_entry(buf, sizeof buf, 31821305, 1674247893, 1);
	sg_rekor_entry e;
	sg_diag d;
	CHECK_OK(parse(buf, n, &e, &d));
	CHECK(strcmp(e.uuid, entry_id) == 0);
	CHECK(e.tle.log_index == 31821305 && e.tle.integrated_time == 1674247893);
	CHECK(e.tle.has_integrated_time);
	CHECK(e.tle.log_id_len == 32 && memcmp(e.tle.log_id, tlog.key_id, 32) == 0);
	CHECK(sg_slice_eq(e.tle.body, sg_slice_make(body_json, body_len)));
	CHECK(e.has_proof && e.tle.proof.present);
	CHECK(e.tle.proof.tree_size == 2 && e.tle.proof.log_index == 0);
	CHECK(e.tle.proof.n_hashes == 1 && e.tle.proof.hashes[0] == 0xab);
	CHECK(e.tle.proof.checkpoint.len > 0 &&
		memcmp(e.tle.proof.checkpoint.p, "rekor.test - 123\n2\n", 19) == 0);
	char lid[65];
	hex(tlog.key_id, 32, lid);
	CHECK(strcmp(e.log_id_hex, lid) == 0);

	/* What the sign flow then checks: SET and proof, with tlog.h. */
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_tlog_verify_set(&e.tle, &tlog, &arena, &d));
	CHECK_OK(sg_tlog_verify_proof(&e.tle, &tlog, &arena, &d));
	/* Tampering with the index breaks the SET. */
	e.tle.log_index++;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tlog_verify_set(&e.tle, &tlog, &arena, &d), SG_ERR_VERIFY_SET);

	/* Every proper prefix fails and reads nothing past its end. */
	size_t bad = 0;
	for (size_t k = 0; k < n; k++)
		bad += parse(buf, k, &e, &d) != SG_OK && e.tle.body.len == 0;
	CHECK(bad == n);

	/* Without a proof. */
	n = make_entry(buf, sizeof buf, 7, 1674247893, 0);
	CHECK_OK(parse(buf, n, &e, &d));
	CHECK(!e.has_proof && !e.tle.proof.present);
	CHECK_OK(sg_tlog_verify_set(&e.tle, &tlog, &arena, &d));
}

/* Replace the first occurrence of `from` with `to` in buf. */
static size_t
subst(char *buf, size_t n, size_t cap, const char *from, const char *to)
{
	char *p = strstr(buf, from);
	if (p == NULL)
		abort();
	size_t fl = strlen(from), tl = strlen(to);
	if (n - fl + tl >= cap)
		abort();
	memmove(p + tl, p + fl, n - (size_t)(p - buf) - fl + 1);
	memcpy(p, to, tl);
	return n - fl + tl;
}

static void
test_bad(void)
{
	static char good[16384], buf[16384];
	size_t gn = make_entry(good, sizeof good, 5, 1674247893, 1);
	sg_rekor_entry e;
	sg_diag d;
	struct {
		const char *from, *to;
		sg_err want;
	} cases[] = {
		{"\"integratedTime\":1674247893", "\"integratedTime\":-1", SG_ERR_REKOR},
		{"\"integratedTime\":1674247893", "\"integratedTime\":1674247893.0", SG_ERR_REKOR},
		{"\"integratedTime\":1674247893", "\"integratedTime\":\"1674247893\"",
			SG_ERR_REKOR},
		{"\"integratedTime\":1674247893,", "", SG_ERR_REKOR},
		{"\"logIndex\":5,", "\"logIndex\":5e0,", SG_ERR_REKOR},
		{"\"logID\":\"", "\"logID\":\"A", SG_ERR_REKOR},
		{"\"body\":\"", "\"body\":\"!", SG_ERR_REKOR},
		{"\"body\":\"", "\"body\":\"eyJ9", SG_ERR_REKOR}, /* other body: id mismatch */
		{"\"verification\":{", "\"verification\":[],\"x\":{", SG_ERR_REKOR},
		{"\"signedEntryTimestamp\":\"", "\"signedEntryTimestamp\":\"$", SG_ERR_REKOR},
		{"\"treeSize\":2", "\"treeSize\":0", SG_ERR_REKOR},
		{"\"hashes\":[\"", "\"hashes\":[\"zz", SG_ERR_REKOR},
		{"\"hashes\":[", "\"hashes\":{\"a\":", SG_ERR_REKOR},
		{"\"rootHash\":\"", "\"rootHash\":\"00", SG_ERR_REKOR},
		{"\"checkpoint\":\"", "\"checkpoint\":1,\"c\":\"", SG_ERR_REKOR},
		{"{\"24296fb24b8ad77a", "{\"x\":{},\"24296fb24b8ad77a", SG_ERR_REKOR},
		{"{\"24296fb24b8ad77a", "{\"24296FB24B8AD77A", SG_ERR_REKOR},
		{"{\"24296fb24b8ad77a", "{\"4296fb24b8ad77a", SG_ERR_REKOR},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(buf, good, gn + 1);
		size_t n = subst(buf, gn, sizeof buf, cases[i].from, cases[i].to);
		sg_err got = parse(buf, n, &e, &d);
		CHECK_ERR(got, cases[i].want);
		if (got == SG_OK)
			fprintf(stderr, "  case %zu accepted\n", i);
		CHECK(e.tle.body.len == 0 && e.uuid[0] == '\0');
	}
	/* The 64-hex id alone (no tree id) is fine; unknown members are ignored. */
	memcpy(buf, good, gn + 1);
	size_t n = subst(buf, gn, sizeof buf, "{\"24296fb24b8ad77a", "{\"");
	n = subst(buf, n, sizeof buf, "\"verification\":{",
		"\"attestation\":{},\"verification\":{");
	CHECK_OK(parse(buf, n, &e, &d));
	CHECK(strlen(e.uuid) == 64);
	/* Too many hashes. */
	static char many[SG_MAX_PROOF_HASHES * 70 + 64];
	size_t k = 0;
	for (size_t i = 0; i <= SG_MAX_PROOF_HASHES; i++)
		k += (size_t)snprintf(many + k, sizeof many - k, "%s\"%064x\"", i ? "," : "", 0);
	memcpy(buf, good, gn + 1);
	char *hs = strstr(buf, "\"hashes\":[") + 10;
	char *end = strchr(hs, ']');
	memmove(hs + k, end, strlen(end) + 1);
	memcpy(hs, many, k);
	CHECK_ERR(parse(buf, strlen(buf), &e, &d), SG_ERR_LIMIT);
	static const char *const junk[] = {"", "[]", "{}", "null", "{\"a\":1}"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		CHECK_ERR(parse(junk[i], strlen(junk[i]), &e, &d), SG_ERR_REKOR);
}

static int
msg_is(const sg_diag *d, const char *want)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	if (strcmp(msg, want) != 0) {
		fprintf(stderr, "  got:  %s\n  want: %s\n", msg, want);
		return 0;
	}
	return 1;
}

static void
test_upload_answers(void)
{
	sg_rekor_entry e;
	sg_diag d;
	int conflict;
	const char *b = "{\"code\":400,\"message\":\"error processing entry: verifying signature: "
			"invalid signature when validating ASN.1 encoded signature\"}";
	reset();
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_rekor_parse_upload(400, (const uint8_t *)b, strlen(b), &arena, &e, &conflict,
			  &d),
		SG_ERR_REKOR);
	CHECK(!conflict);
	CHECK(msg_is(&d, "Rekor returned 400 Bad Request: error processing entry: verifying "
			 "signature: invalid signature when validating ASN.1 encoded signature"));
	b = "{\"code\":500,\"message\":\"unexpected result from transparency log\"}";
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_rekor_parse_upload(500, (const uint8_t *)b, strlen(b), &arena, &e, &conflict,
			  &d),
		SG_ERR_REKOR);
	CHECK(msg_is(&d, "Rekor returned 500 Internal Server Error: unexpected result from "
			 "transparency log"));
	b = "{\"code\":409,\"message\":\"an equivalent entry already exists in the transparency "
	    "log with UUID abc\"}";
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_rekor_parse_upload(409, (const uint8_t *)b, strlen(b), &arena, &e, &conflict,
			  &d),
		SG_ERR_REKOR);
	CHECK(conflict);
	/* 200 is not what a create answers. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_rekor_parse_upload(200, (const uint8_t *)"{}", 2, &arena, &e, &conflict, &d),
		SG_ERR_REKOR);
}

static void
test_exchange(void)
{
	static char entry[16384], script[40000];
	size_t n = make_entry(entry, sizeof entry, 9, 1674247893, 1);
	snprintf(script, sizeof script,
		"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
		"Content-Length: %zu\r\n\r\n%s",
		n, entry);
	sg_http_client *h = fakenet_start(script);
	sg_rekor_entry e;
	int existed;
	sg_diag d;
	sg_diag_init(&d, NULL);
	reset();
	CHECK_OK(sg_rekor_upload(h, "http://127.0.0.1:3000", SG_HTTP_PLAIN_LOOPBACK,
		sg_slice_make(body_json, body_len), &arena, &e, &existed, &d));
	CHECK(!existed && e.tle.log_index == 9);
	CHECK(fakenet_sent("POST /api/v1/log/entries HTTP/1.1\r\n"));
	CHECK(fakenet_sent("\r\n\r\n{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\""));

	/* 409, then the GET of the Location. */
	static char conflict[1024];
	int cn = snprintf(conflict, sizeof conflict,
		"{\"code\":409,\"message\":\"an equivalent entry already exists in the "
		"transparency log with UUID %s\"}",
		entry_id);
	snprintf(script, sizeof script,
		"HTTP/1.1 409 Conflict\r\nLocation: /api/v1/log/entries/%s\r\n"
		"Content-Length: %d\r\n\r\n%s" FAKENET_NEXT
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		"Content-Length: %zu\r\n\r\n%s",
		entry_id, cn, conflict, n, entry);
	h = fakenet_start(script);
	sg_diag_init(&d, NULL);
	reset();
	CHECK_OK(sg_rekor_upload(h, "http://127.0.0.1:3000/", SG_HTTP_PLAIN_LOOPBACK,
		sg_slice_make(body_json, body_len), &arena, &e, &existed, &d));
	CHECK(existed && e.tle.log_index == 9);
	char get[256];
	snprintf(get, sizeof get, "GET /api/v1/log/entries/%s HTTP/1.1\r\n", entry_id);
	CHECK(fakenet_sent(get));

	/* 409 without Location: the UUID of the message. */
	snprintf(script, sizeof script,
		"HTTP/1.1 409 Conflict\r\nContent-Length: %d\r\n\r\n%s" FAKENET_NEXT
		"HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		cn, conflict, n, entry);
	h = fakenet_start(script);
	sg_diag_init(&d, NULL);
	reset();
	CHECK_OK(sg_rekor_upload(h, "http://127.0.0.1:3000", SG_HTTP_PLAIN_LOOPBACK,
		sg_slice_make(body_json, body_len), &arena, &e, &existed, &d));
	CHECK(existed && fakenet_sent(get));

	/* A Location on another server is not followed. */
	snprintf(script, sizeof script,
		"HTTP/1.1 409 Conflict\r\nLocation: http://127.0.0.2:3000/api/v1/log/entries/%s\r\n"
		"Content-Length: %d\r\n\r\n%s",
		entry_id, cn, conflict);
	h = fakenet_start(script);
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_rekor_upload(h, "http://127.0.0.1:3000", SG_HTTP_PLAIN_LOOPBACK,
			  sg_slice_make(body_json, body_len), &arena, &e, &existed, &d),
		SG_ERR_REKOR);
	CHECK(!existed && e.tle.body.len == 0);

	/* The existing entry must be the one named. */
	snprintf(script, sizeof script,
		"HTTP/1.1 409 Conflict\r\nLocation: /api/v1/log/entries/%064x\r\n"
		"Content-Length: %d\r\n\r\n%s" FAKENET_NEXT
		"HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		7, cn, conflict, n, entry);
	h = fakenet_start(script);
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_rekor_upload(h, "http://127.0.0.1:3000", SG_HTTP_PLAIN_LOOPBACK,
			  sg_slice_make(body_json, body_len), &arena, &e, &existed, &d),
		SG_ERR_REKOR);
	CHECK(!existed && e.tle.body.len == 0);

	/* A 5xx. */
	h = fakenet_start("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 64\r\n\r\n"
			  "{\"code\":503,\"message\":\"unexpected result from transparency log\"}");
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_rekor_upload(h, "http://127.0.0.1:3000", SG_HTTP_PLAIN_LOOPBACK,
			  sg_slice_make(body_json, body_len), &arena, &e, &existed, &d),
		SG_ERR_REKOR);
	CHECK(msg_is(&d, "Rekor returned 503 Service Unavailable: unexpected result from "
			 "transparency log"));
}

int
main(void)
{
	setup();
	test_request();
	test_parse();
	test_bad();
	test_upload_answers();
	test_exchange();
	sg_p256_key_wipe(&signer);
	sg_p256_key_wipe(&logkey);
	sg_http_client_close(&fakenet_client);
	return test_finish();
}
