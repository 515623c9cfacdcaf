/* test_oidc: JWT claim decoding (valid, expired, malformed segments, bad base64url, non-object
 * payloads, oversize, every prefix) and the token-source order with scripted environment,
 * files, programs and HTTP (Buildkite agent API, buildkite-agent, GitHub Actions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"
#include "fakenet.h"
#include "guard.h"
#include "base/limits.h"
#include "online/oidc.h"
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

/* ---- sources ---- */

struct fake_env {
	const char *vars[16][2];
	const char *files[4][2]; /* path, content */
	int agent_present;
	const char *agent_out;
	int agent_fail;
	char agent_argv[256];
	unsigned runs;
};

static const char *
f_get_env(void *ctx, const char *name)
{
	struct fake_env *f = ctx;
	for (size_t i = 0; i < 16 && f->vars[i][0] != NULL; i++)
		if (strcmp(f->vars[i][0], name) == 0)
			return f->vars[i][1];
	return NULL;
}

static sg_err
f_read_file(void *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	struct fake_env *f = ctx;
	for (size_t i = 0; i < 4 && f->files[i][0] != NULL; i++) {
		if (strcmp(f->files[i][0], path) != 0)
			continue;
		size_t n = strlen(f->files[i][1]);
		if (n > cap)
			return sg_diag_fail(d, SG_ERR_LIMIT, "fake file");
		memcpy(buf, f->files[i][1], n);
		*len = n;
		return SG_OK;
	}
	return sg_diag_fail(d, SG_ERR_NOT_FOUND, "fake file");
}

static sg_err
f_run(void *ctx, const char *const *argv, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	struct fake_env *f = ctx;
	f->runs++;
	f->agent_argv[0] = '\0';
	for (size_t i = 0; argv[i] != NULL; i++) {
		strncat(f->agent_argv, argv[i], sizeof f->agent_argv - strlen(f->agent_argv) - 2);
		strncat(f->agent_argv, " ", sizeof f->agent_argv - strlen(f->agent_argv) - 1);
	}
	if (!f->agent_present)
		return SG_ERR_NOT_FOUND;
	if (f->agent_fail)
		return sg_diag_fail(d, SG_ERR_OIDC_SOURCE, "buildkite-agent failed (exit 1)");
	size_t n = strlen(f->agent_out);
	if (n > cap)
		return SG_ERR_LIMIT;
	memcpy(buf, f->agent_out, n);
	*len = n;
	return SG_OK;
}

static struct fake_env fe;
static sg_oidc_env env;
static uint8_t tokbuf[SG_MAX_JWT];

static void
env_reset(const char *script)
{
	memset(&fe, 0, sizeof fe);
	memset(&env, 0, sizeof env);
	reset();
	env.get_env = f_get_env;
	env.read_file = f_read_file;
	env.run = f_run;
	env.ctx = &fe;
	env.http = fakenet_start(script != NULL ? script : "");
	env.plain = SG_HTTP_PLAIN_LOOPBACK;
	env.arena = &arena;
}

static void
setvar(const char *k, const char *v)
{
	for (size_t i = 0; i < 16; i++) {
		if (fe.vars[i][0] == NULL) {
			fe.vars[i][0] = k;
			fe.vars[i][1] = v;
			return;
		}
	}
	abort();
}

static sg_err
get(const char *flag, int disable, sg_oidc_source *src, size_t *len, sg_diag *d)
{
	sg_diag_init(d, NULL);
	return sg_oidc_get_token(&env, flag, disable, tokbuf, sizeof tokbuf, len, src, d);
}

static int
tok_is(size_t len, const char *want)
{
	return len == strlen(want) && memcmp(tokbuf, want, len) == 0;
}

static int
msg_has(const sg_diag *d, const char *s)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	return strstr(msg, s) != NULL;
}

#define T1 "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbmUifQ.c2ln"
#define T2 "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0d28ifQ.c2ln"
#define T3 "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0aHJlZSJ9.c2ln"

static void
test_sources(void)
{
	sg_oidc_source src;
	size_t len;
	sg_diag d;

	/* 1. --identity-token wins over everything, as a value or a file. */
	env_reset(NULL);
	setvar("SIGSTORE_ID_TOKEN", T2);
	CHECK_OK(get(T1, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_FLAG && tok_is(len, T1));
	fe.files[0][0] = "/tmp/tok";
	fe.files[0][1] = "  " T3 "\n";
	CHECK_OK(get("/tmp/tok", 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_FLAG_FILE && tok_is(len, T3));
	/* Neither a token nor a file: the value is not printed. */
	CHECK_ERR(get("eyJhbGciOiJSUzI1NiJ9.oops", 0, &src, &len, &d), SG_ERR_USAGE);
	CHECK(len == 0 && src == SG_OIDC_SRC_NONE);
	CHECK(!msg_has(&d, "oops") && msg_has(&d, "neither a JWT nor a readable file"));

	/* Ambient providers off: only the flag counts. */
	CHECK_ERR(get(NULL, 1, &src, &len, &d), SG_ERR_OIDC_NONE);
	CHECK(msg_has(&d, "ambient providers are disabled"));

	/* 2. SIGSTORE_ID_TOKEN before Buildkite, GitHub and the file. */
	env_reset(NULL);
	setvar("SIGSTORE_ID_TOKEN", T2 "\n");
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?x=1");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	fe.files[0][0] = SG_OIDC_TOKEN_FILE;
	fe.files[0][1] = T3;
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_ENV && tok_is(len, T2));
	CHECK(fakenet_.connects == 0);

	/* An empty SIGSTORE_ID_TOKEN is enabled but fails; the file still answers. */
	env_reset(NULL);
	setvar("SIGSTORE_ID_TOKEN", "");
	fe.files[0][0] = SG_OIDC_TOKEN_FILE;
	fe.files[0][1] = T3;
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_FILE && tok_is(len, T3));
	env_reset(NULL);
	setvar("SIGSTORE_ID_TOKEN", " \n");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(msg_has(&d, "SIGSTORE_ID_TOKEN"));

	/* Nothing at all. */
	env_reset(NULL);
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_NONE);
	CHECK(fe.runs == 0);
}

static void
test_buildkite(void)
{
	sg_oidc_source src;
	size_t len;
	sg_diag d;
	env_reset("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 56\r\n\r\n"
		  "{\"token\":\"" T1 "\"}");
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "01943a38-f93e-4355-abe8-90a30369c270");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:8080/v3/");
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_BUILDKITE_API && tok_is(len, T1));
	CHECK(fakenet_sent("POST /v3/jobs/01943a38-f93e-4355-abe8-90a30369c270/oidc/tokens "
			   "HTTP/1.1\r\n"));
	CHECK(fakenet_sent("\r\nAuthorization: Token bksecret\r\n"));
	CHECK(fakenet_sent("\r\nContent-Type: application/json\r\n"));
	CHECK(fakenet_sent("\r\n\r\n{\"audience\":\"sigstore\"}"));
	CHECK(fakenet_.port == 8080 && strcmp(fakenet_.host, "127.0.0.1") == 0);
	CHECK(fe.runs == 0);

	/* The API refuses (401); GitHub is not answering either (script used up): the failure
	 * names the last source and never the secrets. */
	env_reset("HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\n\r\n"
		  "{\"message\":\"bksecret!!\"}");
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:8080/v3");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(msg_has(&d, "Buildkite agent API") && msg_has(&d, "401"));
	CHECK(!msg_has(&d, "bksecret"));
	/* ... but a later source still answers. */
	env_reset("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:8080/v3");
	fe.files[0][0] = SG_OIDC_TOKEN_FILE;
	fe.files[0][1] = T3;
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_FILE && tok_is(len, T3));
	/* The default endpoint is https://agent.buildkite.com/v3; a strange job id is refused
	 * before any request. */
	env_reset(NULL);
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "../../x");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(fakenet_.connects == 0);
	/* Plain http to a non-loopback endpoint is refused. */
	env_reset(NULL);
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://agent.example.com/v3");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(fakenet_.connects == 0);

	/* No access token, inside a job: the buildkite-agent program. */
	env_reset(NULL);
	setvar("BUILDKITE_JOB_ID", "job-1");
	fe.agent_present = 1;
	fe.agent_out = T2 "\n";
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_BUILDKITE_AGENT && tok_is(len, T2));
	CHECK(strcmp(fe.agent_argv, "buildkite-agent oidc request-token --audience sigstore ") ==
		0);
	/* Not on PATH: skipped; failing: reported. */
	env_reset(NULL);
	setvar("BUILDKITE_JOB_ID", "job-1");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_NONE);
	CHECK(fe.runs == 1);
	fe.agent_present = 1;
	fe.agent_fail = 1;
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(msg_has(&d, "buildkite-agent"));
	/* Outside a Buildkite job the program is never run. */
	env_reset(NULL);
	fe.agent_present = 1;
	fe.agent_out = T2;
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_NONE);
	CHECK(fe.runs == 0);
}

static void
test_github(void)
{
	sg_oidc_source src;
	size_t len;
	sg_diag d;
	env_reset("HTTP/1.1 200 OK\r\nContent-Length: 68\r\n\r\n"
		  "{\"count\":1,\"value\":\"" T3 "\"}");
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:8081/token?api-version=2.0");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	fe.files[0][0] = SG_OIDC_TOKEN_FILE;
	fe.files[0][1] = T1;
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(src == SG_OIDC_SRC_GITHUB && tok_is(len, T3));
	CHECK(fakenet_sent("GET /token?api-version=2.0&audience=sigstore HTTP/1.1\r\n"));
	CHECK(fakenet_sent("\r\nAuthorization: bearer ghsecret\r\n"));
	/* Only one of the two variables: not enabled. */
	env_reset(NULL);
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:8081/token");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_NONE);
	/* A reply without "value". */
	env_reset("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"token\":\"\"}");
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:8081/token");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(msg_has(&d, "GitHub Actions") && !msg_has(&d, "ghsecret"));
	CHECK(fakenet_sent("GET /token?audience=sigstore HTTP/1.1\r\n"));
}

/* How many requests the fake peer saw (each starts with a method at a line start). */
static unsigned
requests_sent(void)
{
	unsigned n = 0;
	for (size_t i = 0; i + 4 <= fakenet_.req_len; i++)
		if ((i == 0 || fakenet_.req[i - 1] == '\n') &&
			(memcmp(fakenet_.req + i, "GET ", 4) == 0 ||
				memcmp(fakenet_.req + i, "POST", 4) == 0))
			n++;
	return n;
}

static int
arena_has(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= sizeof arena_mem; i++)
		if (memcmp(arena_mem + i, s, n) == 0)
			return 1;
	return 0;
}

/* The CI credentials go to the configured endpoint only: no redirect is followed (to another
 * origin the token would come from a stranger; to the same origin the credential would be
 * resent to another path), and no plain http to a remote host even when the caller allows
 * plain http for Fulcio and Rekor. */
static void
test_token_request_confinement(void)
{
	sg_oidc_source src;
	size_t len;
	sg_diag d;
	env_reset("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:8082/steal\r\n"
		  "Content-Length: 0\r\n\r\n" FAKENET_NEXT
		  "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"token\":\"" T1 "\"}");
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:8080/v3");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(len == 0 && msg_has(&d, "302"));
	CHECK(requests_sent() == 1 && !fakenet_sent("/steal"));

	env_reset("HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere\r\n"
		  "Content-Length: 0\r\n\r\n" FAKENET_NEXT
		  "HTTP/1.1 200 OK\r\nContent-Length: 68\r\n\r\n"
		  "{\"count\":1,\"value\":\"" T3 "\"}");
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:8081/token");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(requests_sent() == 1 && !fakenet_sent("/elsewhere"));

	/* --allow-http reaches the token sources as SG_HTTP_PLAIN_ANY: still loopback only. */
	env_reset("HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"token\":\"" T1 "\"}");
	env.plain = SG_HTTP_PLAIN_ANY;
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://agent.example.com/v3");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(fakenet_.connects == 0 && fakenet_.req_len == 0);
	env_reset("HTTP/1.1 200 OK\r\nContent-Length: 68\r\n\r\n"
		  "{\"count\":1,\"value\":\"" T3 "\"}");
	env.plain = SG_HTTP_PLAIN_ANY;
	setvar("ACTIONS_ID_TOKEN_REQUEST_URL", "http://token.example.com/token");
	setvar("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghsecret");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(fakenet_.connects == 0 && fakenet_.req_len == 0);

	/* A reply cut short after the token arrived: the part received is wiped too. */
	memset(arena_mem, 0, sizeof arena_mem);
	env_reset("HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{\"token\":\"" T1 "\"");
	setvar("BUILDKITE_AGENT_ACCESS_TOKEN", "bksecret");
	setvar("BUILDKITE_JOB_ID", "job-1");
	setvar("BUILDKITE_AGENT_ENDPOINT", "http://127.0.0.1:8080/v3");
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_OIDC_SOURCE);
	CHECK(!arena_has(T1));
}

static void
test_source_limits(void)
{
	sg_oidc_source src;
	size_t len;
	sg_diag d;
	static char big[SG_MAX_JWT + 2];
	memset(big, 'a', SG_MAX_JWT + 1);
	big[SG_MAX_JWT + 1] = '\0';
	env_reset(NULL);
	setvar("SIGSTORE_ID_TOKEN", big);
	CHECK_ERR(get(NULL, 0, &src, &len, &d), SG_ERR_LIMIT);
	CHECK(len == 0);
	/* Exactly SG_MAX_JWT bytes is accepted by the source (decoding judges it later). */
	big[SG_MAX_JWT] = '\0';
	CHECK_OK(get(NULL, 0, &src, &len, &d));
	CHECK(len == SG_MAX_JWT);
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
	test_sources();
	test_buildkite();
	test_github();
	test_token_request_confinement();
	test_source_limits();
	sg_http_client_close(&fakenet_client);
	return test_finish();
}
