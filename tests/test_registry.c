/* Unit tests for registry: the OCI client over a scripted dialer (each request gets the next
 * scripted answer; every request head is logged), and its pure helpers.
 *   - anonymous GET with the full Accept list; digest of the bytes; Docker-Content-Digest and
 *     by-digest mismatches refused;
 *   - Bearer: challenge -> token (scope, service, no credentials) -> retry; the token cached per
 *     scope; a 401 later fetches a new one once; Basic credentials to the realm; push scope;
 *   - Basic auth on every request; a cross-host blob redirect and an upload Location on
 *     another host never see the Authorization header;
 *   - blob upload: HEAD, POST, PUT to the Location with its query kept and the digest added;
 *   - registry error bodies decoded into ggcr's text; token replies and credential-helper
 *     output (every proper prefix fails); secrets never reach the diagnostic;
 *   - review fixes: a 401 from a redirect target never picks the realm (the password would
 *     follow it); token replies are wiped from every buffer on every path; the refresh-token
 *     POST is not resent across origins; a credential helper that closes its output but
 *     never exits is killed at the deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "oci/manifest.h"
#include "online/credhelper.h"
#include "online/registry.h"
#include "runner.h"
#include "scripted_net.h"

/* ---- scripted dialer (scripted_net.h); every request is logged in scripted_log ---- */

static sg_net_opts nopts;
static uint8_t iobuf[SG_HTTP_IOBUF_SIZE];
static sg_http_client http;
static unsigned char arena_mem[16u << 20] __attribute__((aligned(16)));
static sg_arena arena;
static sg_registry reg;

static void
script(const char *const *r, size_t n)
{
	memset(&scripted_log, 0, sizeof scripted_log);
	scripted_clear();
	for (size_t i = 0; i < n; i++)
		scripted_add((const uint8_t *)r[i], strlen(r[i]));
}

static sg_err
setup(const char *host, const sg_registry_creds *creds)
{
	sg_http_client_close(&http);
	memset(scripted_conns, 0, sizeof scripted_conns);
	scripted.on_request = scripted_log_request;
	scripted.on_write = scripted_log_write;
	sg_net_opts_default(&nopts);
	sg_http_client_init(&http, &scripted_dialer, &nopts, iobuf);
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	return sg_registry_init(&reg, &http, host, 0, creds, &arena, NULL);
}

static int
logged(size_t i, const char *needle)
{
	return i < scripted_log.n && strstr(scripted_log.req[i], needle) != NULL;
}

/* A manifest and its digest. */
static const char MAN[] = "{\"schemaVersion\":2}";
static char man_digest[SG_OCI_DIGEST_STR_LEN + 1];

static char resp_buf[16][2048];

static const char *
ok_manifest(int idx, const char *dcd)
{
	snprintf(resp_buf[idx], sizeof resp_buf[idx],
		"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
		"%s%s%sContent-Length: %zu\r\n\r\n%s",
		dcd ? "Docker-Content-Digest: " : "", dcd ? dcd : "", dcd ? "\r\n" : "",
		sizeof MAN - 1, MAN);
	return resp_buf[idx];
}

/* An answer with `head` (status line and headers, each ending in CRLF) and `body`. */
static char ans_buf[16][2048];
static const char *
ans(int idx, const char *head, const char *body)
{
	snprintf(ans_buf[idx], sizeof ans_buf[idx], "%sContent-Length: %zu\r\n\r\n%s", head,
		strlen(body), body);
	return ans_buf[idx];
}

#define R200 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
#define R401_BEARER \
	"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"https://auth.example/token\"," \
	"service=\"reg.example\"\r\nContent-Length: 0\r\n\r\n"
#define JSON200 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

static void
test_anonymous(void)
{
	CHECK_OK(setup("reg.example", NULL));
	const char *r[] = {R200, ok_manifest(0, man_digest)};
	script(r, 2);
	sg_registry_manifest m;
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &m,
		NULL));
	CHECK(m.body.len == sizeof MAN - 1 && memcmp(m.body.p, MAN, m.body.len) == 0);
	CHECK(sg_slice_eq_str(m.media_type, SG_MT_OCI_MANIFEST));
	uint8_t want[32];
	sg_oci_digest_of(MAN, sizeof MAN - 1, want);
	CHECK(memcmp(m.digest, want, 32) == 0);
	CHECK(logged(0, "GET /v2/ HTTP/1.1"));
	CHECK(logged(1, "GET /v2/lib/x/manifests/v1 HTTP/1.1"));
	CHECK(logged(1, "Accept: " SG_OCI_ACCEPT_ALL "\r\n"));
	CHECK(!logged(1, "Authorization"));
	CHECK(reg.auth.pings == 1);

	/* by digest: checked; the ping is not repeated */
	const char *r2[] = {ok_manifest(1, NULL)};
	script(r2, 1);
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", man_digest, SG_OCI_ACCEPT_ALL, 4096, &m,
		NULL));
	CHECK(reg.auth.pings == 1);

	/* a Docker-Content-Digest that disagrees with the bytes */
	const char *bad = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
	const char *r3[] = {ok_manifest(2, bad)};
	script(r3, 1);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, &d),
		SG_ERR_OCI_DIGEST_MISMATCH);
	CHECK(m.body.p == NULL);
	/* by digest, other bytes */
	const char *r4[] = {ok_manifest(3, NULL)};
	script(r4, 1);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", bad, SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_OCI_DIGEST_MISMATCH);
	/* a too-large body */
	const char *r5[] = {ok_manifest(4, NULL)};
	script(r5, 1);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4, &m, NULL),
		SG_ERR_HTTP_BODY_TOO_LARGE);
	/* names that would change the URL's shape */
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x?y", "v1", SG_OCI_ACCEPT_ALL, 4, &m, NULL),
		SG_ERR_ARG);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v 1", SG_OCI_ACCEPT_ALL, 4, &m, NULL),
		SG_ERR_ARG);
}

static void
test_errors(void)
{
	CHECK_OK(setup("reg.example", NULL));
	const char *r[] = {R200,
		ans(0, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n",
			"{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
			"unknown\",\"detail\":{\"Tag\":\"nope\"}}]}")};
	script(r, 2);
	sg_registry_manifest m;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "nope", SG_OCI_ACCEPT_ALL, 4096, &m, &d),
		SG_ERR_OCI_NOT_FOUND);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "GET https://reg.example/v2/lib/x/manifests/nope: MANIFEST_UNKNOWN: "
			  "manifest unknown; map[Tag:nope]") == 0);

	char out[512];
	static const struct {
		const char *body, *want;
	} cases[] = {
		{"{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\"}]}", "DENIED: no"},
		{"{\"errors\":[{\"code\":\"A\",\"message\":\"a\",\"detail\":\"x\"},{\"code\":\"B\","
		 "\"message\":\"b\",\"detail\":null}]}",
			"multiple errors returned: A: a; x; B: b"},
		{"{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\","
		 "\"detail\":[{\"Type\":\"repository\",\"Name\":\"a/b\",\"Action\":\"pull\","
		 "\"Class\":\"\"}]}]}",
			"UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:a/b "
			"Type:repository]]"},
		{"{\"errors\":[{\"code\":\"X\",\"message\":\"bell\\u0007\",\"detail\":{\"n\":1,"
		 "\"b\":true,\"z\":{\"k\":\"v\"}}}]}",
			"X: bell?; map[b:true n:1 z:map[k:v]]"},
		{"<html>oops</html>", ""},
		{"{\"errors\":[]}", ""},
		{"{\"errors\":[1]}", ""},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = sg_regerr_text((const uint8_t *)cases[i].body,
			strlen(cases[i].body), &arena, out, sizeof out);
		CHECK(n == strlen(cases[i].want) && strcmp(out, cases[i].want) == 0);
	}
	/* A body that is not the error document: the status and the (printable) body. */
	const char *r2[] = {"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nboom\n"};
	script(r2, 1);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, &d),
		SG_ERR_OCI_REGISTRY);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "GET https://reg.example/v2/lib/x/manifests/v1: unexpected status code "
			  "500 Internal Server Error: boom") == 0);
	/* HEAD: no body to decode */
	const char *r3[] = {"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"};
	script(r3, 1);
	int exists;
	uint8_t dg[32];
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_head_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_SIG, &exists, dg,
		&d), SG_ERR_OCI_AUTH);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "HEAD responses have no body") != NULL);
	/* A ping that is neither 200 nor 401 */
	CHECK_OK(setup("reg.example", NULL));
	const char *r4[] = {"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"};
	script(r4, 1);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_OCI_REGISTRY);
}

static void
test_bearer(void)
{
	CHECK_OK(setup("reg.example", NULL));
	const char *r[] = {
		R401_BEARER,
		ans(9, JSON200, "{\"token\":\"tok1\"}"),
		ok_manifest(0, man_digest),
		ok_manifest(1, man_digest),
		/* the token expired: 401 with a scope, a new token, the retry */
		"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"https://auth.example/"
		"token\",service=\"reg.example\",scope=\"repository:lib/x:pull\",error="
		"\"invalid_token\"\r\nContent-Length: 0\r\n\r\n",
		ans(10, JSON200, "{\"access_token\":\"tok2\"}"),
		ok_manifest(2, man_digest),
	};
	script(r, 7);
	sg_registry_manifest m;
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL));
	CHECK(logged(1, "GET /token?scope=repository%3Alib%2Fx%3Apull&service=reg.example "));
	CHECK(!logged(1, "Authorization"));
	CHECK(strcmp(scripted.hosts[1], "auth.example") == 0);
	CHECK(logged(2, "Authorization: Bearer tok1\r\n"));
	/* cached */
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL));
	CHECK(logged(3, "Authorization: Bearer tok1\r\n"));
	CHECK(reg.auth.token_fetches == 1);
	/* refreshed once after a 401 */
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL));
	CHECK(reg.auth.token_fetches == 2);
	CHECK(logged(6, "Authorization: Bearer tok2\r\n"));
	/* the Authorization buffer is wiped after use */
	int clean = 1;
	for (size_t i = 0; i < reg.auth.authz_cap; i++)
		clean &= reg.auth.authz[i] == 0;
	CHECK(clean);

	/* A 401 that persists after the refresh is reported, not retried forever. */
	const char *r2[] = {R401_BEARER, ans(11, JSON200, "{\"token\":\"tok3\"}"), R401_BEARER};
	script(r2, 3);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, &d),
		SG_ERR_OCI_AUTH);
	CHECK(scripted.next == 3);

	/* With credentials: Basic to the realm; push scope separate from pull. */
	static const char user[] = "alice", pass[] = "s3cret-pw";
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	cr.username = sg_slice_str(user);
	cr.password = sg_slice_str(pass);
	CHECK_OK(setup("reg.example", &cr));
	const char *r3[] = {
		R401_BEARER,
		ans(12, JSON200, "{\"token\":\"tokP\"}"),
		"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
	};
	script(r3, 3);
	uint8_t dg[32];
	CHECK_OK(sg_registry_put_manifest(&reg, "lib/x", "v1", SG_MT_OCI_MANIFEST,
		(const uint8_t *)MAN, sizeof MAN - 1, dg, NULL));
	CHECK(logged(1, "scope=repository%3Alib%2Fx%3Apush%2Cpull&service=reg.example "));
	CHECK(logged(1, "Authorization: Basic YWxpY2U6czNjcmV0LXB3\r\n"));
	CHECK(logged(2, "PUT /v2/lib/x/manifests/v1 HTTP/1.1"));
	CHECK(logged(2, "Content-Type: " SG_MT_OCI_MANIFEST "\r\n"));
	CHECK(logged(2, "Authorization: Bearer tokP\r\n"));
	/* The realm refuses the password: an auth error without the secret in it. */
	CHECK_OK(setup("reg.example", &cr));
	const char *r4[] = {R401_BEARER,
		ans(1, "HTTP/1.1 401 Unauthorized\r\n", "{\"details\":\"s3cret-pw is bad\"}")};
	script(r4, 2);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, &d),
		SG_ERR_OCI_AUTH);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "https://auth.example/token") != NULL);
	/* (the server echoed the password in its body: that is the server's text, shown as is;
	 * picosign itself never writes it) */
	CHECK(strstr(msg, "YWxpY2U6") == NULL);

	/* A realm over plain http is refused for an https registry. */
	CHECK_OK(setup("reg.example", NULL));
	const char *r5[] = {"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer "
			    "realm=\"http://auth.example/token\"\r\nContent-Length: 0\r\n\r\n"};
	script(r5, 1);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_HTTP_PLAINTEXT);
	/* A malformed challenge */
	CHECK_OK(setup("reg.example", NULL));
	const char *r6[] = {"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"x\r\n"
			    "Content-Length: 0\r\n\r\n"};
	script(r6, 1);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_OCI_CHALLENGE);
}

static void
test_basic_and_redirect(void)
{
	static const char user[] = "bob", pass[] = "pw";
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	cr.username = sg_slice_str(user);
	cr.password = sg_slice_str(pass);
	CHECK_OK(setup("reg.example:5000", &cr));
	static const char blob[] = "payload bytes";
	uint8_t dg[32];
	sg_oci_digest_of(blob, sizeof blob - 1, dg);
	char redirect[512];
	snprintf(redirect, sizeof redirect,
		"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://storage.example/b?sig=1\r\n"
		"Content-Length: 0\r\n\r\n");
	char body[256];
	snprintf(body, sizeof body, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		sizeof blob - 1, blob);
	const char *r[] = {
		"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
		"Content-Length: 0\r\n\r\n",
		redirect, body};
	script(r, 3);
	sg_slice got;
	CHECK_OK(sg_registry_get_blob(&reg, "lib/x", dg, sizeof blob - 1, 1024, &got, NULL));
	CHECK(got.len == sizeof blob - 1 && memcmp(got.p, blob, got.len) == 0);
	CHECK(logged(1, "Authorization: Basic Ym9iOnB3\r\n"));
	CHECK(logged(1, "Host: reg.example:5000\r\n"));
	CHECK(logged(2, "GET /b?sig=1 HTTP/1.1"));
	CHECK(!logged(2, "Authorization"));
	/* wrong size or digest */
	script(r + 1, 2);
	CHECK_ERR(sg_registry_get_blob(&reg, "lib/x", dg, sizeof blob, 1024, &got, NULL),
		SG_ERR_OCI_DIGEST_MISMATCH);
	uint8_t other[32] = {1};
	script(r + 1, 2);
	CHECK_ERR(sg_registry_get_blob(&reg, "lib/x", other, sizeof blob - 1, 1024, &got, NULL),
		SG_ERR_OCI_DIGEST_MISMATCH);
	CHECK_ERR(sg_registry_get_blob(&reg, "lib/x", dg, 5000, 1024, &got, NULL), SG_ERR_LIMIT);

	/* Upload: HEAD 404, POST 202 with a relative Location carrying a query, PUT there. */
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(dg, ds);
	char created[256];
	snprintf(created, sizeof created,
		"HTTP/1.1 201 Created\r\nDocker-Content-Digest: %s\r\nContent-Length: 0\r\n\r\n", ds);
	const char *u[] = {
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 202 Accepted\r\nLocation: /v2/lib/x/blobs/uploads/u1?_state=abc\r\n"
		"Content-Length: 0\r\n\r\n",
		created};
	script(u, 3);
	int up = 0;
	CHECK_OK(sg_registry_put_blob(&reg, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up,
		NULL));
	CHECK(up == 1);
	CHECK(logged(0, "HEAD /v2/lib/x/blobs/sha256:"));
	CHECK(logged(1, "POST /v2/lib/x/blobs/uploads/ HTTP/1.1"));
	CHECK(logged(1, "Content-Length: 0\r\n"));
	CHECK(logged(2, "PUT /v2/lib/x/blobs/uploads/u1?_state=abc&digest=sha256%3A"));
	CHECK(logged(2, "Content-Type: application/octet-stream\r\n"));
	CHECK(logged(2, "Authorization: Basic"));
	CHECK(logged(2, "\r\n\r\npayload bytes"));
	/* present already: nothing uploaded */
	const char *u2[] = {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"};
	script(u2, 1);
	CHECK_OK(sg_registry_put_blob(&reg, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up,
		NULL));
	CHECK(up == 0 && scripted_log.n == 1);
	/* an upload Location on another host gets no Authorization */
	const char *u3[] = {
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 202 Accepted\r\nLocation: https://upload.example/u?x=1\r\n"
		"Content-Length: 0\r\n\r\n",
		created};
	script(u3, 3);
	CHECK_OK(sg_registry_put_blob(&reg, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up,
		NULL));
	CHECK(logged(2, "PUT /u?x=1&digest=sha256%3A"));
	CHECK(!logged(2, "Authorization"));
	/* a 202 without Location, and a PUT answered with the wrong digest */
	const char *u4[] = {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"};
	script(u4, 2);
	CHECK_ERR(sg_registry_put_blob(&reg, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up,
		NULL), SG_ERR_OCI_REGISTRY);
	const char *u5[] = {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", u[1],
		"HTTP/1.1 201 Created\r\nDocker-Content-Digest: sha256:00000000000000000000000000"
		"00000000000000000000000000000000000000\r\nContent-Length: 0\r\n\r\n"};
	script(u5, 3);
	CHECK_ERR(sg_registry_put_blob(&reg, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up,
		NULL), SG_ERR_OCI_DIGEST_MISMATCH);

	/* HEAD manifest: exists with its digest; 404 is not an error */
	const char *h[] = {created, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"};
	script(h, 2);
	int exists;
	uint8_t hd[32];
	CHECK_OK(sg_registry_head_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_SIG, &exists, hd,
		NULL));
	CHECK(exists == 1 && memcmp(hd, dg, 32) == 0);
	CHECK_OK(sg_registry_head_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_SIG, &exists, hd,
		NULL));
	CHECK(exists == 0);

	/* A registry token from the config is sent as is, without a token request. */
	memset(&cr, 0, sizeof cr);
	cr.registry_token = sg_slice_str("static-tok");
	CHECK_OK(setup("reg.example", &cr));
	const char *t[] = {R401_BEARER, ok_manifest(5, NULL)};
	script(t, 2);
	sg_registry_manifest m;
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL));
	CHECK(logged(1, "Authorization: Bearer static-tok\r\n") && reg.auth.token_fetches == 0);

	/* An identity token: the OAuth2 refresh-token POST. */
	memset(&cr, 0, sizeof cr);
	cr.identity_token = sg_slice_str("refresh-me");
	CHECK_OK(setup("reg.example", &cr));
	const char *o[] = {R401_BEARER, ans(13, JSON200, "{\"token\":\"tokO\"}"), ok_manifest(6, NULL)};
	script(o, 3);
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL));
	CHECK(logged(1, "POST /token HTTP/1.1"));
	CHECK(logged(1, "Content-Type: application/x-www-form-urlencoded\r\n"));
	CHECK(logged(1, "grant_type=refresh_token&refresh_token=refresh-me&scope=repository%3A"
			"lib%2Fx%3Apull&service=reg.example"));
	CHECK(logged(2, "Authorization: Bearer tokO\r\n"));
}

/* 1 when `needle` occurs in p[0..n). */
static int
mem_has(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

/* A blob GET redirected to a storage host that answers 401 with its own challenge: that is
 * the storage host's answer, not the registry's. Its realm must not become ours (the token
 * request carries the password), and no retry goes anywhere it names. */
static void
test_foreign_challenge(void)
{
	static const char user[] = "carol", pass[] = "hunter2";
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	cr.username = sg_slice_str(user);
	cr.password = sg_slice_str(pass);
	CHECK_OK(setup("reg.example", &cr));
	static const char blob[] = "sig payload";
	uint8_t dg[32];
	sg_oci_digest_of(blob, sizeof blob - 1, dg);
	char body[256];
	snprintf(body, sizeof body, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		sizeof blob - 1, blob);
	const char *r[] = {
		R401_BEARER,
		ans(0, JSON200, "{\"token\":\"tokA\"}"),
		"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://storage.example/b?sig=1\r\n"
		"Content-Length: 0\r\n\r\n",
		"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"https://evil.example/"
		"steal\",service=\"evil\",scope=\"repository:other/repo:push\"\r\n"
		"Content-Length: 0\r\n\r\n",
		/* what the unfixed client would go on to receive */
		ans(1, JSON200, "{\"token\":\"tokEvil\"}"),
		body,
	};
	script(r, 6);
	sg_slice got;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_get_blob(&reg, "lib/x", dg, sizeof blob - 1, 1024, &got, &d),
		SG_ERR_OCI_AUTH);
	CHECK(got.p == NULL);
	int evil = 0;
	for (size_t i = 0; i < scripted.nhosts; i++)
		evil |= strcmp(scripted.hosts[i], "evil.example") == 0;
	CHECK(!evil);
	/* Basic credentials went to the registry's own realm, once, and nowhere else */
	size_t basic = 0;
	for (size_t i = 0; i < scripted_log.n; i++)
		basic += strstr(scripted_log.req[i], "Authorization: Basic") != NULL;
	CHECK(basic == 1 && logged(1, "Host: auth.example\r\n"));
	CHECK(logged(3, "Host: storage.example\r\n") && !logged(3, "Authorization"));
	CHECK(strcmp(reg.auth.realm, "https://auth.example/token") == 0);
	CHECK(reg.auth.token_fetches == 1);

	/* The same challenge from the registry itself is honoured (a new scope, a new token). */
	CHECK_OK(setup("reg.example", &cr));
	const char *r2[] = {
		R401_BEARER,
		ans(2, JSON200, "{\"token\":\"tokA\"}"),
		"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"https://auth.example/"
		"token\",service=\"reg.example\",error=\"invalid_token\"\r\nContent-Length: 0\r\n\r\n",
		ans(3, JSON200, "{\"token\":\"tokB\"}"),
		body,
	};
	script(r2, 5);
	CHECK_OK(sg_registry_get_blob(&reg, "lib/x", dg, sizeof blob - 1, 1024, &got, NULL));
	CHECK(reg.auth.token_fetches == 2 && logged(4, "Authorization: Bearer tokB\r\n"));
}

/* Token replies are secrets: a reply cut short leaves nothing of the token in the registry's
 * answer buffer or the http client's read buffer. */
static void
test_token_reply_wiped(void)
{
	CHECK_OK(setup("reg.example", NULL));
	const char *r[] = {
		R401_BEARER,
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"
		"{\"token\":\"leaky-secret-token\"",
	};
	script(r, 2);
	sg_registry_manifest m;
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_HTTP_TRUNCATED);
	CHECK(!mem_has(reg.auth.small, reg.auth.small_cap, "leaky-secret"));
	CHECK(!mem_has(iobuf, sizeof iobuf, "leaky-secret"));
	/* and after a reply the registry refused (not 200) */
	CHECK_OK(setup("reg.example", NULL));
	const char *r2[] = {
		R401_BEARER,
		ans(4, "HTTP/1.1 500 Oops\r\n", "{\"token\":\"leaky-secret-token\"}"),
	};
	script(r2, 2);
	CHECK_ERR(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m, NULL),
		SG_ERR_OCI_AUTH);
	CHECK(!mem_has(reg.auth.small, reg.auth.small_cap, "leaky-secret"));
	CHECK(!mem_has(iobuf, sizeof iobuf, "leaky-secret"));
}

/* The OAuth2 refresh-token POST carries the identity token in its body: a 307/308 to another
 * origin would resend it there, so it is not followed. */
static void
test_identity_token_redirect(void)
{
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	cr.identity_token = sg_slice_str("refresh-me-secret");
	CHECK_OK(setup("reg.example", &cr));
	const char *r[] = {
		R401_BEARER,
		"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://elsewhere.example/t\r\n"
		"Content-Length: 0\r\n\r\n",
		ans(5, JSON200, "{\"token\":\"tokX\"}"),
		ok_manifest(7, NULL),
	};
	script(r, 4);
	sg_registry_manifest m;
	sg_err e = sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &m,
		NULL);
	CHECK(e != SG_OK);
	int leaked = 0;
	for (size_t i = 0; i < scripted_log.n; i++)
		leaked |= strstr(scripted_log.req[i], "refresh-me-secret") != NULL &&
			strstr(scripted_log.req[i], "Host: elsewhere.example") != NULL;
	CHECK(!leaked);
	for (size_t i = 0; i < scripted.nhosts; i++)
		CHECK(strcmp(scripted.hosts[i], "elsewhere.example") != 0);
}

/* Write an executable shell script `name` into `dir`. */
static int
write_script(const char *dir, const char *name, const char *body)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return 0;
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	return chmod(path, 0755) == 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Credential helpers: a normal answer, "credentials not found", and one that closes its output
 * but never exits (it must be killed at the deadline, not waited for forever). */
static void
test_cred_helper_exec(void)
{
	char dir[] = "/tmp/picosign-helper-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		TEST_SKIP("mkdtemp");
		return;
	}
	CHECK(write_script(dir, "docker-credential-pst-ok",
		"read s\n"
		"printf '{\"ServerURL\":\"%s\",\"Username\":\"u\",\"Secret\":\"s\"}' \"$s\"\n"));
	CHECK(write_script(dir, "docker-credential-pst-none",
		"echo 'credentials not found in native keychain'\nexit 1\n"));
	CHECK(write_script(dir, "docker-credential-pst-hang", "exec 1>&-\nexec sleep 60\n"));
	const char *old = getenv("PATH");
	char path[4096];
	snprintf(path, sizeof path, "%s:%s", dir, old != NULL ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);

	uint8_t out[256];
	size_t n;
	int found;
	CHECK_OK(sg_cred_helper_run(sg_slice_str("pst-ok"), sg_slice_str("reg.example"), 0, out,
		sizeof out, &n, &found, NULL));
	static const char want[] =
		"{\"ServerURL\":\"reg.example\",\"Username\":\"u\",\"Secret\":\"s\"}";
	CHECK(found == 1 && n == sizeof want - 1 && memcmp(out, want, n) == 0);
	CHECK_OK(sg_cred_helper_run(sg_slice_str("pst-none"), sg_slice_str("reg.example"), 0, out,
		sizeof out, &n, &found, NULL));
	CHECK(found == 0 && n == 0);
	uint64_t t0 = now_ms();
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cred_helper_run(sg_slice_str("pst-hang"), sg_slice_str("reg.example"), 500,
		out, sizeof out, &n, &found, &d), SG_ERR_OCI_AUTH);
	uint64_t took = now_ms() - t0;
	CHECK(found == 0 && n == 0);
	CHECK(took >= 500 && took < 5000);
	CHECK(strstr(d.detail, "did not answer") != NULL);

	if (old != NULL)
		setenv("PATH", old, 1);
	static const char *const names[] = {"docker-credential-pst-ok", "docker-credential-pst-none",
		"docker-credential-pst-hang"};
	for (size_t i = 0; i < 3; i++) {
		char f[512];
		snprintf(f, sizeof f, "%s/%s", dir, names[i]);
		unlink(f);
	}
	rmdir(dir);
}

static void
test_pure(void)
{
	uint8_t tok[SG_MAX_REGISTRY_TOKEN];
	size_t n;
	static const struct {
		const char *json;
		sg_err want;
		const char *tok;
	} cases[] = {
		{"{\"token\":\"abc\",\"expires_in\":300}", SG_OK, "abc"},
		{"{\"token\":\"\",\"access_token\":\"def\"}", SG_OK, "def"},
		{"{\"token\":\"abc\",\"access_token\":\"def\"}", SG_OK, "abc"},
		{"{\"expires_in\":300}", SG_ERR_OCI_AUTH, NULL},
		{"{\"token\":\"a b\"}", SG_ERR_OCI_AUTH, NULL},
		{"{\"token\":\"a\\r\\nX-Evil: 1\"}", SG_ERR_OCI_AUTH, NULL},
		{"{\"token\":7}", SG_ERR_JSON_TYPE, NULL},
		{"[\"token\"]", SG_ERR_JSON_TYPE, NULL},
		{"{\"token\":\"a\",\"token\":\"b\"}", SG_ERR_JSON_DUPLICATE_KEY, NULL},
	};
	CHECK_OK(setup("reg.example", NULL));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sg_err e = sg_regauth_parse_token((const uint8_t *)cases[i].json,
			strlen(cases[i].json), &arena, tok, sizeof tok, &n, NULL);
		CHECK(e == cases[i].want);
		if (cases[i].tok != NULL)
			CHECK(n == strlen(cases[i].tok) && memcmp(tok, cases[i].tok, n) == 0);
		else
			CHECK(n == 0);
	}
	/* every proper prefix fails, never crashes */
	const char *full = cases[0].json;
	int all_fail = 1;
	for (size_t k = 0; k < strlen(full); k++) {
		const uint8_t *p = guard_put(full, k);
		all_fail &= sg_regauth_parse_token(p, k, &arena, tok, sizeof tok, &n, NULL) != SG_OK;
	}
	CHECK(all_fail);

	sg_cred_helper_reply rep;
	const char *h1 = "{\"ServerURL\":\"r\",\"Username\":\"u\",\"Secret\":\"s\"}";
	CHECK_OK(sg_cred_helper_parse((const uint8_t *)h1, strlen(h1), &arena, &rep, NULL));
	CHECK(sg_slice_eq_str(rep.username, "u") && sg_slice_eq_str(rep.secret, "s") &&
		!rep.identity_token);
	const char *h2 = "{\"ServerURL\":\"r\",\"Username\":\"<token>\",\"Secret\":\"rt\"}";
	CHECK_OK(sg_cred_helper_parse((const uint8_t *)h2, strlen(h2), &arena, &rep, NULL));
	CHECK(rep.identity_token);
	const char *h3 = "{\"ServerURL\":\"r\",\"Username\":\"u\"}";
	CHECK_ERR(sg_cred_helper_parse((const uint8_t *)h3, strlen(h3), &arena, &rep, NULL),
		SG_ERR_OCI_AUTH);
	all_fail = 1;
	for (size_t k = 0; k < strlen(h1); k++)
		all_fail &= sg_cred_helper_parse(guard_put(h1, k), k, &arena, &rep, NULL) != SG_OK;
	CHECK(all_fail);

	/* helper names that could escape "docker-credential-" are refused before exec */
	uint8_t out[64];
	int found;
	CHECK_ERR(sg_cred_helper_run(sg_slice_str("../x"), sg_slice_str("r"), 0, out, sizeof out, &n,
		&found, NULL), SG_ERR_OCI_AUTH);
	CHECK_ERR(sg_cred_helper_run(sg_slice_str(""), sg_slice_str("r"), 0, out, sizeof out, &n,
		&found, NULL), SG_ERR_OCI_AUTH);
	CHECK_ERR(sg_cred_helper_run(sg_slice_str("picosign-test-no-such-helper"),
		sg_slice_str("r"), 0, out, sizeof out, &n, &found, NULL), SG_ERR_OCI_AUTH);

	/* init refuses hosts that are not registry names */
	CHECK_ERR(setup("reg.example/x", NULL), SG_ERR_ARG);
	CHECK_ERR(setup("", NULL), SG_ERR_ARG);
	CHECK_OK(setup("[::1]:5000", NULL));
	CHECK(strcmp(reg.base, "https://[::1]:5000") == 0);
}

/* The ping's answer kept across clients of one host (sg_registry_use_memo): the first client
 * pings and fills the memo, the next takes it and sends its first request at once, with the
 * credentials the kept challenge asks for; an answer other than 200/401 is not kept. */
static void
test_ping_memo(void)
{
	static const char user[] = "bob", pass[] = "pw";
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	cr.username = sg_slice_str(user);
	cr.password = sg_slice_str(pass);
	sg_regauth_memo m;
	memset(&m, 0, sizeof m);
	CHECK_OK(setup("reg.example", &cr));
	CHECK_OK(sg_registry_use_memo(&reg, &m, NULL));
	const char *r[] = {"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
			   "Content-Length: 0\r\n\r\n", ok_manifest(0, man_digest)};
	script(r, 2);
	sg_registry_manifest man;
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, SG_MAX_JSON,
		&man, NULL));
	CHECK(logged(0, "GET /v2/ HTTP/1.1") && reg.auth.pings == 1);
	CHECK(m.status == 401 && m.n_chal == 1 && m.chal_len[0] == strlen("Basic realm=\"r\""));
	sg_registry_close(&reg);

	CHECK_OK(setup("reg.example", &cr));
	CHECK_OK(sg_registry_use_memo(&reg, &m, NULL));
	const char *r2[] = {ok_manifest(1, man_digest)};
	script(r2, 1);
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, SG_MAX_JSON,
		&man, NULL));
	CHECK(logged(0, "GET /v2/lib/x/manifests/v1 HTTP/1.1") &&
		logged(0, "Authorization: Basic Ym9iOnB3\r\n") && reg.auth.pings == 0);
	sg_registry_close(&reg);

	sg_regauth_memo m2;
	memset(&m2, 0, sizeof m2);
	CHECK_OK(setup("reg.example", NULL));
	CHECK_OK(sg_registry_use_memo(&reg, &m2, NULL));
	const char *r3[] = {ans(0, "HTTP/1.1 404 Not Found\r\n", "")};
	script(r3, 1);
	CHECK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &man,
		NULL) != SG_OK);
	CHECK(m2.status == 0);
	sg_registry_close(&reg);

	/* A Bearer registry with the ping's answer and the token cache kept across clients:
	 * the second client sends its request at once, with the first one's token; closing a
	 * client leaves the shared cache to its keeper, who wipes it. */
	static uint8_t store_mem[SG_REGISTRY_MAX_SCOPES * SG_MAX_REGISTRY_TOKEN + 256];
	sg_arena store_arena;
	sg_arena_init(&store_arena, store_mem, sizeof store_mem);
	sg_regauth_tokens store;
	CHECK_OK(sg_regauth_tokens_init(&store, &store_arena, NULL));
	sg_regauth_memo m3;
	memset(&m3, 0, sizeof m3);
	CHECK_OK(setup("reg.example", NULL));
	CHECK_OK(sg_registry_use_memo(&reg, &m3, NULL));
	sg_registry_share_tokens(&reg, &store);
	const char *r4[] = {R401_BEARER, ans(12, JSON200, "{\"token\":\"tok9\"}"),
		ok_manifest(2, man_digest)};
	script(r4, 3);
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &man,
		NULL));
	CHECK(reg.auth.token_fetches == 1 && m3.status == 401 && store.n == 1);
	sg_registry_close(&reg);
	CHECK(store.n == 1 && store.t[0].len == 4 && memcmp(store.t[0].token, "tok9", 4) == 0);
	CHECK_OK(setup("reg.example", NULL));
	CHECK_OK(sg_registry_use_memo(&reg, &m3, NULL));
	sg_registry_share_tokens(&reg, &store);
	const char *r5[] = {ok_manifest(3, man_digest)};
	script(r5, 1);
	CHECK_OK(sg_registry_get_manifest(&reg, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 4096, &man,
		NULL));
	CHECK(logged(0, "GET /v2/lib/x/manifests/v1 HTTP/1.1") &&
		logged(0, "Authorization: Bearer tok9\r\n"));
	CHECK(reg.auth.pings == 0 && reg.auth.token_fetches == 0);
	sg_registry_close(&reg);
	sg_regauth_tokens_wipe(&store);
	int clean = store.n == 0;
	for (size_t i = 0; i < SG_MAX_REGISTRY_TOKEN; i++)
		clean &= store.t[0].token[i] == 0;
	CHECK(clean);
}

int
main(void)
{
	uint8_t dg[32];
	sg_oci_digest_of(MAN, sizeof MAN - 1, dg);
	sg_oci_digest_format(dg, man_digest);
	test_anonymous();
	test_ping_memo();
	test_errors();
	test_bearer();
	test_basic_and_redirect();
	test_foreign_challenge();
	test_token_reply_wiped();
	test_identity_token_redirect();
	test_cred_helper_exec();
	test_pure();
	sg_http_client_close(&http);
	return test_finish();
}
