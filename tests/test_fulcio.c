/* test_fulcio: the signingCert v2 request bytes (token, PEM key, proof of possession that
 * verifies over the principal), the answer parser (chains, 200/201, detached SCT refused, bad
 * PEM strings, limits, every prefix) and error bodies turned into messages, and one exchange
 * over a scripted transport. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/p256.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "fakenet.h"
#include "online/fulcio.h"
#include "guard.h"
#include "base/limits.h"
#include "parse/json.h"
#include "parse/pem.h"
#include "runner.h"

static uint8_t arena_mem[1 << 23];
static sg_arena arena;

static void
reset(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
}

static sg_p256_key key;

static void
make_key(void)
{
	sg_drbg r;
	sg_drbg_init_seed(&r, "fulcio-test", 11);
	if (sg_p256_keygen(&r, &key, NULL) != SG_OK)
		abort();
	sg_drbg_wipe(&r);
}

#define TOKEN "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln"
#define SUB "organization:acme:pipeline:app:ref:refs/heads/main:commit:abc:step:build"

static void
test_request(void)
{
	static uint8_t mem[8192];
	sg_buf out;
	sg_buf_init(&out, mem, sizeof mem);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_fulcio_build_request(sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &out, &d));

	/* The expected bytes, piece by piece: the PEM key with its newlines escaped. */
	uint8_t spki[SG_P256_SPKI_LEN], pem[256];
	sg_buf sb, pb;
	sg_buf_init(&sb, spki, sizeof spki);
	CHECK_OK(sg_p256_write_spki(key.pub, &sb));
	sg_buf_init(&pb, pem, sizeof pem);
	CHECK_OK(sg_pem_write(&pb, "PUBLIC KEY", spki, sizeof spki));
	char want_prefix[1024];
	size_t k = (size_t)snprintf(want_prefix, sizeof want_prefix,
		"{\"credentials\":{\"oidcIdentityToken\":\"" TOKEN "\"},\"publicKeyRequest\":{"
		"\"publicKey\":{\"algorithm\":\"ECDSA\",\"content\":\"");
	for (size_t i = 0; i < pb.len; i++) {
		if (pem[i] == '\n') {
			want_prefix[k++] = '\\';
			want_prefix[k++] = 'n';
		} else {
			want_prefix[k++] = (char)pem[i];
		}
	}
	k += (size_t)snprintf(want_prefix + k, sizeof want_prefix - k,
		"\"},\"proofOfPossession\":\"");
	CHECK(out.len > k && memcmp(out.p, want_prefix, k) == 0);
	CHECK(memcmp(out.p + out.len - 3, "\"}}", 3) == 0);

	/* The proof of possession verifies over exactly the principal's bytes. */
	sg_json j;
	reset();
	CHECK_OK(sg_json_parse(out.p, out.len, &arena, "request", &j, &d));
	sg_slice pop;
	CHECK_OK(sg_json_get_b64(&j, sg_json_path(&j, sg_json_root(&j), "publicKeyRequest"),
		"proofOfPossession", SG_JSON_REQUIRED, "pop", &arena, &pop, NULL, &d));
	sg_pubkey pk;
	CHECK_OK(sg_pubkey_parse(spki, sizeof spki, &pk, &d));
	CHECK_OK(sg_pubkey_verify_message(&pk, SG_HASH_SHA256, (const uint8_t *)SUB, strlen(SUB), pop.p,
		pop.len, "pop", &d));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_pubkey_verify_message(&pk, SG_HASH_SHA256, (const uint8_t *)SUB "\n",
			  strlen(SUB) + 1, pop.p, pop.len, "pop", &d),
		SG_ERR_VERIFY_SIGNATURE);
	/* Deterministic (RFC 6979): the same inputs give the same bytes. */
	static uint8_t mem2[8192];
	sg_buf out2;
	sg_buf_init(&out2, mem2, sizeof mem2);
	CHECK_OK(sg_fulcio_build_request(sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &out2, &d));
	CHECK(out2.len == out.len && memcmp(mem, mem2, out.len) == 0);

	/* Too small a buffer. */
	for (size_t cap = 0; cap < out.len; cap += 97) {
		sg_buf small;
		sg_buf_init(&small, mem2, cap);
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_fulcio_build_request(sg_slice_str(TOKEN), &key, sg_slice_str(SUB),
				  &small, &d),
			SG_ERR_LIMIT);
	}
}

/* A JSON answer whose chain holds `n` PEM strings of fake DER bodies. */
static size_t
answer(char *buf, size_t cap, size_t n, const char *member)
{
	size_t k = (size_t)snprintf(buf, cap, "{\"%s\":{\"chain\":{\"certificates\":[", member);
	for (size_t i = 0; i < n; i++) {
		uint8_t der[40];
		memset(der, (int)(0x30 + i), sizeof der);
		uint8_t pem[256];
		sg_buf pb;
		sg_buf_init(&pb, pem, sizeof pem);
		if (sg_pem_write(&pb, "CERTIFICATE", der, sizeof der) != SG_OK)
			abort();
		k += (size_t)snprintf(buf + k, cap - k, "%s\"", i ? "," : "");
		for (size_t m = 0; m < pb.len; m++) {
			if (pem[m] == '\n')
				k += (size_t)snprintf(buf + k, cap - k, "\\n");
			else
				buf[k++] = (char)pem[m];
		}
		buf[k++] = '"';
	}
	k += (size_t)snprintf(buf + k, cap - k, "]}}}");
	return k;
}

static sg_err
parse(int status, const char *body, size_t len, sg_fulcio_chain *c, sg_diag *d)
{
	reset();
	sg_diag_init(d, NULL);
	const uint8_t *p = guard_put(body, len);
	return sg_fulcio_parse_response(status, p, len, &arena, c, d);
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

static int
msg_has(const sg_diag *d, const char *s)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	return strstr(msg, s) != NULL;
}

static void
test_parse(void)
{
	static char buf[65536];
	sg_fulcio_chain c;
	sg_diag d;
	size_t n = answer(buf, sizeof buf, 3, "signedCertificateEmbeddedSct");
	CHECK_OK(parse(200, buf, n, &c, &d));
	CHECK(c.n == 3);
	for (size_t i = 0; i < 3 && c.n == 3; i++) {
		uint8_t want[40];
		memset(want, (int)(0x30 + i), sizeof want);
		CHECK(c.der[i].len == 40 && memcmp(c.der[i].p, want, 40) == 0);
	}
	CHECK_OK(parse(201, buf, n, &c, &d)); /* test services answer 201 */
	CHECK(c.n == 3);

	/* Every proper prefix fails, without reading past the input. */
	size_t bad = 0;
	for (size_t k = 0; k < n; k++)
		bad += parse(200, buf, k, &c, &d) != SG_OK && c.n == 0;
	CHECK(bad == n);

	n = answer(buf, sizeof buf, 1, "signedCertificateDetachedSct");
	CHECK_ERR(parse(200, buf, n, &c, &d), SG_ERR_UNSUPPORTED);
	n = answer(buf, sizeof buf, 0, "signedCertificateEmbeddedSct");
	CHECK_ERR(parse(200, buf, n, &c, &d), SG_ERR_FULCIO);
	CHECK(msg_has(&d, "empty certificate chain"));
	n = answer(buf, sizeof buf, SG_MAX_CHAIN + 1, "signedCertificateEmbeddedSct");
	CHECK_ERR(parse(200, buf, n, &c, &d), SG_ERR_LIMIT);
	n = answer(buf, sizeof buf, SG_MAX_CHAIN, "signedCertificateEmbeddedSct");
	CHECK_OK(parse(200, buf, n, &c, &d));

	static const char *const bodies[] = {
		"",
		"[]",
		"{}",
		"{\"signedCertificateEmbeddedSct\":{}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":{}}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[1]}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"junk\"]}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"-----BEGIN "
		"PUBLIC KEY-----\\nMAA=\\n-----END PUBLIC KEY-----\\n\"]}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"-----BEGIN "
		"CERTIFICATE-----\\nMAA=\\n-----END CERTIFICATE-----\\nextra\"]}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"-----BEGIN "
		"CERTIFICATE-----\\nMAA=\\n-----END CERTIFICATE-----\\n-----BEGIN "
		"CERTIFICATE-----\\nMAA=\\n-----END CERTIFICATE-----\\n\"]}}}",
		"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"-----BEGIN "
		"CERTIFICATE-----\\nM!A=\\n-----END CERTIFICATE-----\\n\"]}}}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		CHECK_ERR(parse(200, bodies[i], strlen(bodies[i]), &c, &d), SG_ERR_FULCIO);
		CHECK(c.n == 0);
	}
	/* One block, whitespace around it, CRLF, unknown members: accepted. */
	const char *okb = "{\"x\":1,\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":"
			  "[\"\\r\\n-----BEGIN CERTIFICATE-----\\r\\nMAA=\\r\\n-----END "
			  "CERTIFICATE-----\\r\\n\\n\"]},\"y\":[]}}";
	CHECK_OK(parse(200, okb, strlen(okb), &c, &d));
	CHECK(c.n == 1 && c.der[0].len == 2 && c.der[0].p[0] == 0x30);
}

static void
test_errors(void)
{
	sg_fulcio_chain c;
	sg_diag d;
	const char *b = "{\"code\":3,\"message\":\"There was an error processing the identity "
			"token\",\"details\":[]}";
	CHECK_ERR(parse(400, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_is(&d, "Fulcio returned 400 Bad Request: There was an error processing the "
			 "identity token"));
	b = "{\"code\":13,\"message\":\"error communicating with CA backend\",\"details\":[]}";
	CHECK_ERR(parse(500, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_is(&d,
		"Fulcio returned 500 Internal Server Error: error communicating with CA backend"));
	b = "Key info doesn't have required parameters\nsecond line";
	CHECK_ERR(parse(400, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_is(&d, "Fulcio returned 400 Bad Request: Key info doesn't have required "
			 "parameters"));
	CHECK_ERR(parse(503, "", 0, &c, &d), SG_ERR_FULCIO);
	CHECK(msg_is(&d, "Fulcio returned 503 Service Unavailable"));
	CHECK_ERR(parse(418, "\x1b[31mred\x07", 9, &c, &d), SG_ERR_FULCIO);
	CHECK(msg_is(&d, "Fulcio returned 418: ?[31mred?"));
	/* A 200 that is not JSON, and a 204. */
	CHECK_ERR(parse(204, "", 0, &c, &d), SG_ERR_FULCIO);
	/* Long messages are cut; token-looking ones withheld. */
	static char longmsg[1000];
	memset(longmsg, 'x', sizeof longmsg - 1);
	CHECK_ERR(parse(400, longmsg, strlen(longmsg), &c, &d), SG_ERR_FULCIO);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strlen(msg) == strlen("Fulcio returned 400 Bad Request: ") + 200 + 3);
	b = "{\"message\":\"bad token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln\"}";
	CHECK_ERR(parse(401, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_has(&d, "withheld") && !msg_has(&d, "eyJ"));
	/* A token whose header does not start with '{"' ("{\n \"alg\"..." is "ewog..."), echoed
	 * in a plain-text body: withheld by its shape. Ordinary dotted text is still shown. */
	b = "invalid credentials ewogImFsZyI6IlJTMjU2In0.ewogInN1YiI6ICJzZWNyZXQifQ.c2lnbmF0dXJl";
	CHECK_ERR(parse(401, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_has(&d, "withheld") && !msg_has(&d, "ewogInN1YiI6"));
	b = "{\"message\":\"see fulcio.sigstore.dev and oauth2.sigstore.dev/auth for details\"}";
	CHECK_ERR(parse(400, b, strlen(b), &c, &d), SG_ERR_FULCIO);
	CHECK(msg_has(&d, "oauth2.sigstore.dev/auth"));
}

static void
test_exchange(void)
{
	static char body[16384], script[20000];
	size_t n = answer(body, sizeof body, 2, "signedCertificateEmbeddedSct");
	snprintf(script, sizeof script,
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		"\r\n%s",
		n, body);
	sg_http_client *h = fakenet_start(script);
	sg_fulcio_chain c;
	sg_diag d;
	sg_diag_init(&d, NULL);
	reset();
	CHECK_OK(sg_fulcio_get_cert(h, "http://127.0.0.1:3000/", SG_HTTP_PLAIN_LOOPBACK,
		sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &arena, &c, &d));
	CHECK(c.n == 2);
	CHECK(fakenet_sent("POST /api/v2/signingCert HTTP/1.1\r\n"));
	CHECK(fakenet_sent("\r\nContent-Type: application/json\r\n"));
	CHECK(fakenet_sent("\r\n\r\n{\"credentials\":{\"oidcIdentityToken\":\"" TOKEN "\"}"));
	/* The token travels only in the body, never in a header. */
	CHECK(!fakenet_sent("Authorization"));

	/* https is required for a non-loopback host. */
	h = fakenet_start(script);
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_fulcio_get_cert(h, "http://fulcio.example.com", SG_HTTP_PLAIN_LOOPBACK,
			  sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &arena, &c, &d),
		SG_ERR_HTTP_PLAINTEXT);
	CHECK(fakenet_.connects == 0);
	/* An error status. */
	h = fakenet_start("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}");
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_fulcio_get_cert(h, "https://fulcio.example.com", SG_HTTP_PLAIN_DENY,
			  sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &arena, &c, &d),
		SG_ERR_FULCIO);
	CHECK(msg_is(&d, "Fulcio returned 401 Unauthorized"));
	/* A 307 to another origin would resend the body, which holds the token: refused, and
	 * the token is sent once only (to the first host). */
	h = fakenet_start("HTTP/1.1 307 Temporary Redirect\r\nLocation: https://evil.example/x\r\n"
			  "Content-Length: 0\r\n\r\n" FAKENET_NEXT "HTTP/1.1 200 OK\r\n"
			  "Content-Length: 2\r\n\r\n{}");
	sg_diag_init(&d, NULL);
	reset();
	CHECK_ERR(sg_fulcio_get_cert(h, "https://fulcio.example.com", SG_HTTP_PLAIN_DENY,
			  sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &arena, &c, &d),
		SG_ERR_HTTP_REDIRECT);
	CHECK(fakenet_.connects == 1);
	/* No answer at all (the server hangs up). */
	h = fakenet_start("");
	sg_diag_init(&d, NULL);
	reset();
	CHECK(sg_fulcio_get_cert(h, "https://fulcio.example.com", SG_HTTP_PLAIN_DENY,
		      sg_slice_str(TOKEN), &key, sg_slice_str(SUB), &arena, &c, &d) != SG_OK);
	CHECK(c.n == 0);
}

int
main(void)
{
	make_key();
	test_request();
	test_parse();
	test_errors();
	test_exchange();
	sg_p256_key_wipe(&key);
	sg_http_client_close(&fakenet_client);
	return test_finish();
}
