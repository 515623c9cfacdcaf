/* test_oidc: the token-source order with scripted environment, files, programs and HTTP
 * (Buildkite agent API, buildkite-agent, GitHub Actions). JWT decoding is test_jwt.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fakenet.h"
#include "online/oidc.h"
#include "runner.h"

static uint8_t arena_mem[1 << 22];
static sg_arena arena;

static void
reset(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
}

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
	test_sources();
	test_buildkite();
	test_github();
	test_token_request_confinement();
	test_source_limits();
	sg_http_client_close(&fakenet_client);
	return test_finish();
}
