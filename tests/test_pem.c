/* Unit tests for pem: openssl's output for a real certificate read and written byte for byte,
 * the tolerances (CRLF, text around and between blocks, trailing whitespace on armor lines, a
 * missing final newline), the rejections (label mismatch, missing END, nested BEGIN, headers,
 * blank or over-long body lines, empty and non-canonical bodies, malformed armor lines), every
 * prefix of a block, and the object limit. Inputs sit just before a guard page. */
#include <stdint.h>
#include <string.h>

#include "guard.h"
#include "base/limits.h"
#include "parse/pem.h"
#include "runner.h"

/* openssl x509 -outform PEM of the certificate also embedded in test_der.c. */
static const char cert_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBbjCCAROgAwIBAgIUEYLGGQj9k0cR+LB7F6FUQGsD/rkwCgYIKoZIzj0EAwIw\n"
	"DDEKMAgGA1UEAwwBdDAeFw0yNjExMjUwMDIzNTBaFw0yNjExMjYwMDIzNTBaMAwx\n"
	"CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASp2DpAb7oxuhcX\n"
	"GPNafT2f6yUxxUfPl9sKIeyUNJdKoEKe+G51qMvECEYXfTZoh/197RuR5ge26YXL\n"
	"Gy5rQL0ro1MwUTAdBgNVHQ4EFgQUHKWVy8clhm3Wu7ACImkU80WJxYIwHwYDVR0j\n"
	"BBgwFoAUHKWVy8clhm3Wu7ACImkU80WJxYIwDwYDVR0TAQH/BAUwAwEB/zAKBggq\n"
	"hkjOPQQDAgNJADBGAiEAn+TXtnobkl4V5A/AN8DEugbtdJf/8YCS1YfZchE855MC\n"
	"IQD6xdlDYUa7Zkl3XyLnBktSJd2JeKGMcFKPMbqD3zxgLw==\n"
	"-----END CERTIFICATE-----\n";

/* The first and last bytes of the DER and its length. */
#define CERT_LEN 370u

static uint8_t out[4096];

static sg_cur
cur_str(const char *s, size_t len)
{
	sg_cur c;
	sg_cur_init(&c, guard_put(s, len), len);
	return c;
}

/* Read one block from `s` and return the error; *label and *n describe it. */
static sg_err
one(const char *s, char *label, size_t *n)
{
	size_t len = strlen(s);
	sg_cur c = cur_str(s, len), before = c;
	sg_pem_block b;
	*n = 0;
	label[0] = '\0';
	sg_err e = sg_pem_next(&c, &b, NULL);
	if (e != SG_OK) {
		if (e != SG_ERR_PEM_NONE && (c.p != before.p || c.n != before.n))
			return SG_ERR_INTERNAL; /* a failed read moved the cursor */
		if (b.label.p != NULL || b.body.len != 0)
			return SG_ERR_INTERNAL; /* output not zeroed */
		return e;
	}
	memcpy(label, b.label.p, b.label.len);
	label[b.label.len] = '\0';
	return sg_pem_decode(&b, out, sizeof out, n, NULL);
}

static void
test_openssl_cert(void)
{
	char label[80];
	size_t n;
	CHECK_OK(one(cert_pem, label, &n));
	CHECK(strcmp(label, "CERTIFICATE") == 0 && n == CERT_LEN);
	CHECK(out[0] == 0x30 && out[1] == 0x82 && out[CERT_LEN - 1] == 0x2f);

	size_t len = strlen(cert_pem);
	const uint8_t *g = guard_put(cert_pem, len);
	CHECK_OK(sg_pem_decode_first(g, len, "CERTIFICATE", out, sizeof out, &n, NULL));
	CHECK(n == CERT_LEN);
	uint8_t der[CERT_LEN];
	memcpy(der, out, CERT_LEN);

	/* The writer reproduces openssl's text exactly. */
	uint8_t text[1024];
	sg_buf b;
	sg_buf_init(&b, text, sizeof text);
	CHECK_OK(sg_pem_write(&b, "CERTIFICATE", der, CERT_LEN));
	CHECK(b.len == len && memcmp(text, cert_pem, len) == 0);
	sg_buf_init(&b, text, 100);
	CHECK_ERR(sg_pem_write(&b, "CERTIFICATE", der, CERT_LEN), SG_ERR_LIMIT);
	sg_buf_init(&b, text, sizeof text);
	CHECK_ERR(sg_pem_write(&b, "CERTIFICATE", der, 0), SG_ERR_ARG);
	CHECK_ERR(sg_pem_write(&b, "BAD  LABEL", der, 1), SG_ERR_ARG);

	/* CRLF everywhere. */
	char crlf[1024];
	size_t w = 0;
	for (size_t i = 0; i < len; i++) {
		if (cert_pem[i] == '\n')
			crlf[w++] = '\r';
		crlf[w++] = cert_pem[i];
	}
	crlf[w] = '\0';
	CHECK_OK(one(crlf, label, &n));
	CHECK(n == CERT_LEN && memcmp(out, der, CERT_LEN) == 0);

	/* No final newline. */
	char nofinal[1024];
	memcpy(nofinal, cert_pem, len - 1);
	nofinal[len - 1] = '\0';
	CHECK_OK(one(nofinal, label, &n));
	CHECK(n == CERT_LEN);

	/* Capacity. */
	sg_cur c = cur_str(cert_pem, len);
	sg_pem_block blk;
	CHECK_OK(sg_pem_next(&c, &blk, NULL));
	CHECK(c.n == 0 && blk.offset == 0 && blk.body_offset == 28);
	memset(out, 0xaa, sizeof out);
	CHECK_ERR(sg_pem_decode(&blk, out, CERT_LEN - 1, &n, NULL), SG_ERR_LIMIT);
	CHECK(n == 0 && out[0] == 0 && out[100] == 0);
	CHECK_OK(sg_pem_decode(&blk, out, CERT_LEN, &n, NULL));
}

static void
test_text_and_blocks(void)
{
	static const char two[] =
		"Subject: some text openssl prints\n"
		"\n"
		"-----BEGIN EC PRIVATE KEY----- \t\n"
		"Zm9v\n"
		"Zg==\n"
		"-----END EC PRIVATE KEY-----\n"
		"text between -----BEGIN X-----\n"
		"-----END NOTHING----- outside a block is text\n"
		"\r\n"
		"-----BEGIN X509 CRL-----\r\n"
		"Zm9vYmFy\r\n"
		"-----END X509 CRL-----\r\n"
		"trailing text";
	size_t len = strlen(two), n;
	sg_cur c = cur_str(two, len);
	sg_pem_block b;
	CHECK_OK(sg_pem_next(&c, &b, NULL));
	CHECK(sg_slice_eq_str(b.label, "EC PRIVATE KEY") && b.offset == 35);
	CHECK_OK(sg_pem_decode(&b, out, sizeof out, &n, NULL));
	CHECK(n == 4 && memcmp(out, "foof", 4) == 0);
	CHECK_OK(sg_pem_next(&c, &b, NULL));
	CHECK(sg_slice_eq_str(b.label, "X509 CRL"));
	CHECK_OK(sg_pem_decode(&b, out, sizeof out, &n, NULL));
	CHECK(n == 6 && memcmp(out, "foobar", 6) == 0);
	CHECK_ERR(sg_pem_next(&c, &b, NULL), SG_ERR_PEM_NONE);
	CHECK(c.n == 0 && c.off == len);
	CHECK_ERR(sg_pem_next(&c, &b, NULL), SG_ERR_PEM_NONE);

	const uint8_t *g = guard_put(two, len);
	CHECK_OK(sg_pem_decode_first(g, len, "X509 CRL", out, sizeof out, &n, NULL));
	CHECK(n == 6);
	sg_diag d;
	sg_diag_init(&d, "f");
	CHECK_ERR(sg_pem_decode_first(g, len, "CERTIFICATE", out, sizeof out, &n, &d),
		SG_ERR_PEM_NONE);
	CHECK(d.code == SG_ERR_PEM_NONE);

	/* No blocks at all, and the empty input. */
	char label[80];
	CHECK_ERR(one("just text\nx-----BEGIN CERTIFICATE-----\nZm9v\n", label, &n),
		SG_ERR_PEM_NONE);
	CHECK_ERR(one("", label, &n), SG_ERR_PEM_NONE);
	CHECK_ERR(one("-----BEGI", label, &n), SG_ERR_PEM_NONE);
}

static void
test_malformed(void)
{
	static const struct {
		const char *in;
		sg_err want;
	} cases[] = {
		{"-----BEGIN A-----\nZm9v\n-----END B-----\n", SG_ERR_PEM_LABEL},
		{"-----BEGIN A-----\nZm9v\n-----END A B-----\n", SG_ERR_PEM_LABEL},
		{"-----BEGIN A-----\nZm9v\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\n-----BEGIN A-----\nZm9v\n-----END A-----\n",
			SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\n-----END A----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\n-----END A-----x\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\n-----END -----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A\nZm9v\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN -----\nZm9v\n-----END -----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A  B-----\nZm9v\n-----END A  B-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A--B-----\nZm9v\n-----END A--B-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN -A-----\nZm9v\n-----END -A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A\x01-----\nZm9v\n-----END A\x01-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nZm9v\n-----END A-----\n",
			SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\n\nZm9v\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm 9v\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9*\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v \n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9v\r\r\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZh==\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZg\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZm9vY\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZg==\nZg==\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\nZg==Zg==\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\n====\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		{"-----BEGIN A-----\n-_-_\n-----END A-----\n", SG_ERR_PEM_MALFORMED},
		/* Tolerated. A body line longer than 76 columns, as sigstore-js writes PEM in
		 * Rekor intoto entries (one line) and Go's pem.Decode accepts. */
		{"-----BEGIN A-----\n"
		 "Zm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9v"
		 "Zm9v\n"
		 "-----END A-----\n", SG_OK},
		{"-----BEGIN A-----\nZm\n9v\n-----END A-----\n", SG_OK},
		{"-----BEGIN A-----\n"
		 "Zm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9v\n"
		 "-----END A-----\n", SG_OK},
		{"-----BEGIN A B-C-----\nZm9v\n-----END A B-C-----\t \n", SG_OK},
		{"-----BEGIN A-----\nZm9v\n-----END A-----", SG_OK},
		{"x\n-----BEGIN A-----\r\nZm9v\n-----END A-----\r\n", SG_OK},
	};
	int all = 1;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char label[80];
		size_t n;
		sg_err e = one(cases[i].in, label, &n);
		if (e != cases[i].want) {
			fprintf(stderr, "case %zu: got %d want %d\n", i, (int)e,
				(int)cases[i].want);
			all = 0;
		}
	}
	CHECK(all);

	/* A diag names the offending offset. */
	static const char bad[] = "x\n-----BEGIN A-----\nZm9v\nZm*v\n-----END A-----\n";
	sg_cur c = cur_str(bad, strlen(bad));
	sg_pem_block b;
	sg_diag d;
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_pem_next(&c, &b, &d), SG_ERR_PEM_MALFORMED);
	CHECK(d.has_offset && d.offset == 27);
	static const char mism[] = "-----BEGIN A-----\nZm9v\n-----END B-----\n";
	c = cur_str(mism, strlen(mism));
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_pem_next(&c, &b, &d), SG_ERR_PEM_LABEL);
	CHECK(d.has_offset && d.offset == 23);
	static const char missing[] = "abc\n-----BEGIN A-----\nZm9v\n";
	c = cur_str(missing, strlen(missing));
	sg_diag_init(&d, "t");
	CHECK_ERR(sg_pem_next(&c, &b, &d), SG_ERR_PEM_MALFORMED);
	CHECK(d.has_offset && d.offset == 4);
}

static void
test_prefixes(void)
{
	/* Every prefix of a block fails (until only the final newline is missing), without
	 * crashing and without moving the cursor on error. */
	size_t len = strlen(cert_pem);
	int ok = 1;
	for (size_t k = 0; k < len - 1; k++) {
		sg_cur c = cur_str(cert_pem, k), before = c;
		sg_pem_block b;
		sg_err e = sg_pem_next(&c, &b, NULL);
		if (e == SG_OK)
			ok = 0;
		if (e != SG_ERR_PEM_NONE && (c.p != before.p || c.n != before.n))
			ok = 0;
		if (e == SG_ERR_PEM_NONE && k >= strlen("-----BEGIN "))
			ok = 0;
	}
	CHECK(ok);
	sg_cur c = cur_str(cert_pem, len - 1);
	sg_pem_block b;
	CHECK_OK(sg_pem_next(&c, &b, NULL));
}

static void
test_object_limit(void)
{
	/* SG_MAX_PEM_OBJECTS blocks of another label, then the wanted one: too many. */
	static char many[(SG_MAX_PEM_OBJECTS + 1) * 40];
	size_t w = 0;
	static const char other[] = "-----BEGIN B-----\nZm9v\n-----END B-----\n";
	static const char want[] = "-----BEGIN A-----\nZm9v\n-----END A-----\n";
	for (size_t i = 0; i < SG_MAX_PEM_OBJECTS; i++) {
		memcpy(many + w, other, strlen(other));
		w += strlen(other);
	}
	memcpy(many + w, want, strlen(want));
	w += strlen(want);
	size_t n;
	const uint8_t *g = guard_put(many, w);
	CHECK_ERR(sg_pem_decode_first(g, w, "A", out, sizeof out, &n, NULL), SG_ERR_LIMIT);
	/* One fewer is fine. */
	g = guard_put(many + strlen(other), w - strlen(other));
	CHECK_OK(sg_pem_decode_first(g, w - strlen(other), "A", out, sizeof out, &n, NULL));
	CHECK(n == 3);
}

int
main(void)
{
	test_openssl_cert();
	test_text_and_blocks();
	test_malformed();
	test_prefixes();
	test_object_limit();
	guard_release();
	return test_finish();
}
