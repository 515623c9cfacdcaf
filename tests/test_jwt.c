/* test_jwt: JWT claim decoding (valid, expired, malformed segments, bad base64url, non-object
 * payloads, oversize, every prefix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"
#include "guard.h"
#include "base/limits.h"
#include "parse/jwt.h"
#include "runner.h"

static uint8_t arena_mem[1 << 22];
static sg_arena arena;

static void
reset(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
}

/* base64url without padding of a constant. */
static void
b64u(const char *s, sg_buf *out)
{
	if (sg_b64_encode((const uint8_t *)s, strlen(s), SG_B64_URL, out) != SG_OK)
		abort();
}

/* "<b64u(header)>.<b64u(payload)>.c2ln" in buf (NUL-terminated). */
static const char *
jwt(const char *header, const char *payload, char *buf, size_t cap)
{
	sg_buf b;
	sg_buf_init(&b, buf, cap - 1);
	b64u(header, &b);
	sg_buf_putc(&b, '.');
	b64u(payload, &b);
	sg_buf_puts(&b, ".c2ln");
	if (sg_buf_status(&b) != SG_OK)
		abort();
	buf[b.len] = '\0';
	return buf;
}

#define HDR "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
#define NOW 1700000000

static sg_err
decode(const char *tok, sg_jwt_claims *c, sg_diag *d)
{
	reset();
	sg_diag_init(d, NULL);
	return sg_jwt_decode((const uint8_t *)tok, strlen(tok), &arena, c, d);
}

/* The diag text must never quote the token. */
static int
diag_clean(const sg_diag *d, const char *tok)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	const char *dot = strchr(tok, '.');
	if (dot == NULL || strlen(dot + 1) < 8)
		return 1;
	char probe[9];
	memcpy(probe, dot + 1, 8);
	probe[8] = '\0';
	return strstr(msg, probe) == NULL;
}

static void
test_valid(void)
{
	char buf[4096];
	sg_jwt_claims c;
	sg_diag d;
	const char *t = jwt(HDR,
		"{\"iss\":\"https://agent.buildkite.com\",\"sub\":\"organization:acme:pipeline:"
		"app:ref:refs/heads/main:commit:abc:step:build\",\"aud\":\"sigstore\","
		"\"exp\":1700000300,\"iat\":1700000000,\"build_number\":52}",
		buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK(sg_slice_eq_str(c.iss, "https://agent.buildkite.com"));
	CHECK(sg_slice_eq_str(c.sub,
		"organization:acme:pipeline:app:ref:refs/heads/main:commit:abc:step:build"));
	CHECK(c.email.len == 0);
	CHECK(c.has_exp && c.exp == 1700000300);
	sg_slice p;
	CHECK_OK(sg_jwt_principal(&c, &p, &d));
	CHECK(sg_slice_eq(p, c.sub));
	CHECK_OK(sg_jwt_check_expiry(&c, NOW, &d));
	CHECK(sg_jwt_looks_like((const uint8_t *)t, strlen(t)));

	/* Escaped strings are unescaped; a fractional exp is truncated. */
	t = jwt(HDR, "{\"sub\":\"a\\u0062c\",\"exp\":1700000300.75}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK(sg_slice_eq_str(c.sub, "abc"));
	CHECK(c.exp == 1700000300);

	/* alg none: an empty signature segment is fine for decoding. */
	sg_buf b;
	sg_buf_init(&b, buf, sizeof buf - 1);
	b64u("{\"alg\":\"none\"}", &b);
	sg_buf_putc(&b, '.');
	b64u("{\"sub\":\"x\",\"exp\":1700000300}", &b);
	sg_buf_putc(&b, '.');
	buf[b.len] = '\0';
	CHECK_OK(decode(buf, &c, &d));
	CHECK(sg_jwt_looks_like((const uint8_t *)buf, strlen(buf)));
}

static void
test_email(void)
{
	char buf[4096];
	sg_jwt_claims c;
	sg_diag d;
	sg_slice p;
	const char *t = jwt(HDR,
		"{\"sub\":\"123\",\"email\":\"a@b.c\",\"email_verified\":true,"
		"\"exp\":1700000300}",
		buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_OK(sg_jwt_principal(&c, &p, &d));
	CHECK(sg_slice_eq_str(p, "a@b.c"));
	t = jwt(HDR, "{\"sub\":\"123\",\"email\":\"a@b.c\",\"email_verified\":\"True\"}", buf,
		sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_OK(sg_jwt_principal(&c, &p, &d));
	t = jwt(HDR, "{\"sub\":\"123\",\"email\":\"a@b.c\",\"email_verified\":false}", buf,
		sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_ERR(sg_jwt_principal(&c, &p, &d), SG_ERR_OIDC_TOKEN);
	CHECK(p.len == 0);
	char msg[512];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "not verified by identity provider") != NULL);
	t = jwt(HDR, "{\"sub\":\"123\",\"email\":\"a@b.c\"}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_ERR(sg_jwt_principal(&c, &p, &d), SG_ERR_OIDC_TOKEN);
	t = jwt(HDR, "{\"iss\":\"x\"}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_ERR(sg_jwt_principal(&c, &p, &d), SG_ERR_OIDC_TOKEN);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "no subject found in claims") != NULL);
	/* An empty email falls back to sub. */
	t = jwt(HDR, "{\"sub\":\"s\",\"email\":\"\"}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_OK(sg_jwt_principal(&c, &p, &d));
	CHECK(sg_slice_eq_str(p, "s"));
}

static void
test_expiry(void)
{
	char buf[4096];
	sg_jwt_claims c;
	sg_diag d;
	const char *t = jwt(HDR, "{\"sub\":\"s\",\"exp\":1699999999}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_ERR(sg_jwt_check_expiry(&c, NOW, &d), SG_ERR_OIDC_EXPIRED);
	char msg[512];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "2023-11-14T22:13:19Z") != NULL);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_jwt_check_expiry(&c, 1699999999, &d), SG_ERR_OIDC_EXPIRED); /* exp == now */
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_jwt_check_expiry(&c, 1699999998, &d));
	t = jwt(HDR, "{\"sub\":\"s\"}", buf, sizeof buf);
	CHECK_OK(decode(t, &c, &d));
	CHECK_ERR(sg_jwt_check_expiry(&c, NOW, &d), SG_ERR_OIDC_TOKEN);
}

static void
test_malformed(void)
{
	char buf[4096], tmp[4096];
	sg_jwt_claims c;
	sg_diag d;
	static const char *const bad[] = {
		"", "abc", "a.b", "a.b.c.d", ".eyJ9.c", "eyJ9..c", "eyJ9.eyJ9.c+d",
		"eyJ9=.eyJ9.c", "eyJ9.eyJ9.c=", "e yJ9.eyJ9.c",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_ERR(decode(bad[i], &c, &d), SG_ERR_OIDC_TOKEN);
		CHECK(c.sub.len == 0 && !c.has_exp);
	}
	/* Bad base64url in the payload, and padding. */
	snprintf(tmp, sizeof tmp, "%s", jwt(HDR, "{\"sub\":\"s\"}", buf, sizeof buf));
	char *dot = strchr(tmp, '.');
	dot[1] = '*';
	CHECK_ERR(decode(tmp, &c, &d), SG_ERR_OIDC_TOKEN);
	char msg[512];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "payload is not base64url") != NULL);
	/* A payload of length 4k+1 characters cannot be base64. */
	CHECK_ERR(decode("eyJ9.eyJ9a.c", &c, &d), SG_ERR_OIDC_TOKEN);
	/* Non-canonical trailing bits ("e30" is "{}"; "e31" has stray bits). */
	CHECK_OK(decode("e30.e30.c", &c, &d));
	CHECK_ERR(decode("e30.e31.c", &c, &d), SG_ERR_OIDC_TOKEN);
	/* Header and payload must be JSON objects. */
	static const char *const payloads[] = {
		"[1,2]", "42", "\"str\"", "null", "{\"sub\":", "{\"sub\":\"a\",\"sub\":\"b\"}",
		"{\"sub\":1}", "{\"iss\":[]}", "{\"email\":{}}", "{\"exp\":\"1700000000\"}",
		"{\"exp\":1e9}", "{\"exp\":-5}", "{\"exp\":99999999999999999999}", "{} x",
		"{\"sub\":\"\xff\"}",
	};
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		const char *t = jwt(HDR, payloads[i], buf, sizeof buf);
		CHECK_ERR(decode(t, &c, &d), SG_ERR_OIDC_TOKEN);
		CHECK(diag_clean(&d, t));
	}
	CHECK_ERR(decode(jwt("[]", "{}", buf, sizeof buf), &c, &d), SG_ERR_OIDC_TOKEN);
	CHECK_ERR(decode(jwt("nope", "{}", buf, sizeof buf), &c, &d), SG_ERR_OIDC_TOKEN);
	/* null claims count as absent. */
	CHECK_OK(decode(jwt(HDR, "{\"sub\":null,\"exp\":null}", buf, sizeof buf), &c, &d));
	CHECK(c.sub.len == 0 && !c.has_exp);
	/* looks_like */
	CHECK(!sg_jwt_looks_like((const uint8_t *)"/tmp/token", 10));
	CHECK(!sg_jwt_looks_like((const uint8_t *)"a.b", 3));
	CHECK(!sg_jwt_looks_like((const uint8_t *)"a..c", 4));
	CHECK(sg_jwt_looks_like((const uint8_t *)"a.b.", 4));
}

static void
test_huge(void)
{
	/* A token one byte over SG_MAX_JWT, otherwise well formed. */
	static char big[SG_MAX_JWT + 64];
	static char payload[SG_MAX_JWT];
	size_t n = 0;
	n += (size_t)snprintf(payload + n, sizeof payload - n, "{\"sub\":\"");
	while (n < SG_MAX_JWT * 3 / 4 - 8)
		payload[n++] = 'a';
	memcpy(payload + n, "\"}", 3);
	jwt(HDR, payload, big, sizeof big);
	size_t len = strlen(big);
	CHECK(len > SG_MAX_JWT);
	sg_jwt_claims c;
	sg_diag d;
	reset();
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_jwt_decode((const uint8_t *)big, len, &arena, &c, &d), SG_ERR_LIMIT);
	CHECK(diag_clean(&d, big));
	/* Cut to exactly SG_MAX_JWT bytes it is in range again (and still decodes, since the
	 * cut lands in the signature segment... or fails cleanly). */
	reset();
	sg_err e = sg_jwt_decode((const uint8_t *)big, SG_MAX_JWT, &arena, &c, &d);
	CHECK(e != SG_ERR_LIMIT);
}

static void
test_prefixes(void)
{
	char buf[4096];
	const char *t =
		jwt(HDR, "{\"iss\":\"i\",\"sub\":\"s\",\"exp\":1700000300}", buf, sizeof buf);
	size_t len = strlen(t);
	size_t failed = 0, ok = 0;
	for (size_t k = 0; k < len; k++) {
		const uint8_t *p = guard_put((const uint8_t *)t, k);
		sg_jwt_claims c;
		reset();
		sg_err e = sg_jwt_decode(p, k, &arena, &c, NULL);
		/* Cutting inside the signature leaves a well-formed token. */
		if (e == SG_OK)
			ok++;
		else
			failed++;
	}
	size_t sig_start = (size_t)(strrchr(t, '.') - t) + 1;
	CHECK(ok == len - sig_start);
	CHECK(failed == sig_start);
}

int
main(void)
{
	test_valid();
	test_email();
	test_expiry();
	test_malformed();
	test_huge();
	test_prefixes();
	guard_release();
	return test_finish();
}
