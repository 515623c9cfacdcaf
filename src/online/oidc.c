/* oidc: OIDC token sources. See oidc.h.
 *
 * Implementation notes.
 *   - Sources follow cosign@HEAD pkg/providers/{envvar,filesystem,buildkite,github} and
 *     protocol.md §9. A source's failure is kept in a local diag and reported only when no
 *     later source answers, so one broken ambient provider does not hide a working one.
 *   - The token is a bearer credential: it is copied only into the caller's buffer; reply
 *     bodies that held it are wiped; diags get source names and HTTP statuses, never values. */
#include "online/oidc.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "sys/os.h"

/* ---- sources ---- */

/* see oidc.h */
const char *
sg_oidc_source_name(sg_oidc_source s)
{
	switch (s) {
	case SG_OIDC_SRC_FLAG:
		return "--identity-token";
	case SG_OIDC_SRC_FLAG_FILE:
		return "--identity-token file";
	case SG_OIDC_SRC_ENV:
		return "SIGSTORE_ID_TOKEN";
	case SG_OIDC_SRC_BUILDKITE_API:
		return "Buildkite agent API";
	case SG_OIDC_SRC_BUILDKITE_AGENT:
		return "buildkite-agent oidc request-token";
	case SG_OIDC_SRC_GITHUB:
		return "GitHub Actions";
	case SG_OIDC_SRC_FILE:
		return SG_OIDC_TOKEN_FILE;
	case SG_OIDC_SRC_NONE:
		break;
	}
	return "none";
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim p[0..len) and move it to buf[0..cap). The source bytes are wiped when they are not buf
 * itself (reply bodies, environment copies are not ours to wipe). */
SG_MUST_USE static sg_err
put_token(const uint8_t *p, size_t len, uint8_t *buf, size_t cap, size_t *out_len,
	const char *from, sg_diag *d)
{
	while (len > 0 && is_space(p[0])) {
		p++;
		len--;
	}
	while (len > 0 && is_space(p[len - 1]))
		len--;
	if (len == 0)
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s gave an empty token", from);
	if (len > SG_MAX_JWT || len > cap)
		return sg_diag_failf(d, SG_ERR_LIMIT, "identity token",
			"the token from %s is larger than %u bytes", from, (unsigned)SG_MAX_JWT);
	memmove(buf, p, len);
	*out_len = len;
	return SG_OK;
}

static const char *
env_get(const sg_oidc_env *env, const char *name)
{
	return env->get_env != NULL ? env->get_env(env->ctx, name) : NULL;
}

/* The JSON string member `key` of a reply, moved into buf. */
SG_MUST_USE static sg_err
reply_token(const uint8_t *body, size_t n, const char *key, const char *from, sg_arena *arena,
	uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	sg_json j;
	sg_slice v;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	if (sg_json_parse(body, n, arena, "token reply", &j, &ld) != SG_OK ||
		sg_json_type(&j, sg_json_root(&j)) != VFJ_OBJECT ||
		sg_json_get_str(&j, sg_json_root(&j), key, SG_JSON_REQUIRED, key, arena, &v, NULL,
			&ld) != SG_OK)
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s: the reply has no \"%s\" string", from, key);
	sg_err e = put_token(v.p, v.len, buf, cap, len, from, d);
	/* An escaped value was unescaped into the arena: wipe that copy too. */
	if (v.p < body || v.p >= body + n)
		sg_wipe((void *)(uintptr_t)v.p, v.len);
	return e;
}

/* One HTTP token request. `auth` is the whole Authorization value (a secret: wiped by the
 * caller). */
SG_MUST_USE static sg_err
http_token(const sg_oidc_env *env, const char *method, sg_slice url, sg_slice auth,
	sg_slice body, const char *key, const char *from, uint8_t *buf, size_t cap, size_t *len,
	sg_diag *d)
{
	if (env->http == NULL || env->arena == NULL)
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s: no HTTP client", from);
	uint8_t *reply;
	SG_TRY(sg_arena_get(env->arena, SG_MAX_SERVICE_REPLY, (void **)&reply, d));
	sg_http_header h[3] = {
		{sg_slice_str("Authorization"), auth},
		{sg_slice_str("Accept"), sg_slice_str("application/json")},
		{sg_slice_str("Content-Type"), sg_slice_str("application/json")},
	};
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.url = url;
	req.headers = h;
	req.num_headers = body.len > 0 ? 3 : 2;
	req.body = body;
	/* The request carries a CI bearer credential: plain http only to loopback (a local
	 * agent), whatever a caller allows for Fulcio and Rekor (--allow-http). */
	req.plain = env->plain == SG_HTTP_PLAIN_DENY ? SG_HTTP_PLAIN_DENY : SG_HTTP_PLAIN_LOOPBACK;
	/* The credential goes to the configured endpoint and nowhere else, and the token comes
	 * only from there: a redirect is a failure, not a hop. */
	req.no_redirects = 1;
	/* A token request changes nothing on the server but mints a token: asking again is
	 * harmless. */
	req.replay = SG_HTTP_REPLAY_SAFE;
	sg_http_response r;
	sg_err e = sg_http_do(env->http, &req, reply, SG_MAX_SERVICE_REPLY, &r, d);
	if (e == SG_OK && r.status != 200)
		e = sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s request failed with status: %d", from, r.status);
	if (e == SG_OK)
		e = reply_token(reply, r.body_len, key, from, env->arena, buf, cap, len, d);
	/* All of it: a failed read (truncated, too large) leaves r zeroed but the part of the
	 * reply that arrived, token included, in the buffer. */
	sg_wipe(reply, SG_MAX_SERVICE_REPLY);
	return e;
}

static int
safe_job_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '-'))
			return 0;
	}
	return 1;
}

SG_MUST_USE static sg_err
buildkite_api(const sg_oidc_env *env, const char *access, const char *job, uint8_t *buf,
	size_t cap, size_t *len, sg_diag *d)
{
	const char *from = sg_oidc_source_name(SG_OIDC_SRC_BUILDKITE_API);
	if (!safe_job_id(job))
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s: BUILDKITE_JOB_ID is not a job id", from);
	const char *ep = env_get(env, "BUILDKITE_AGENT_ENDPOINT");
	if (ep == NULL || ep[0] == '\0')
		ep = SG_BUILDKITE_AGENT_ENDPOINT;
	size_t eplen = strlen(ep);
	while (eplen > 0 && ep[eplen - 1] == '/')
		eplen--;
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_buf_put(&url, ep, eplen);
	sg_buf_puts(&url, "/jobs/");
	sg_buf_puts(&url, job);
	sg_buf_puts(&url, "/oidc/tokens");
	uint8_t authmem[SG_MAX_JWT + 16];
	sg_buf auth;
	sg_buf_init(&auth, authmem, sizeof authmem);
	sg_buf_puts(&auth, "Token ");
	sg_buf_puts(&auth, access);
	sg_err e;
	if (sg_buf_status(&url) != SG_OK || sg_buf_status(&auth) != SG_OK)
		e = sg_diag_failf(d, SG_ERR_LIMIT, "identity token",
			"%s: endpoint or access token too long", from);
	else
		e = http_token(env, "POST", sg_buf_slice(&url), sg_buf_slice(&auth),
			sg_slice_str("{\"audience\":\"" SG_OIDC_AUDIENCE "\"}"), "token", from, buf,
			cap, len, d);
	sg_wipe(authmem, sizeof authmem);
	return e;
}

SG_MUST_USE static sg_err
github(const sg_oidc_env *env, const char *rurl, const char *rtok, uint8_t *buf, size_t cap,
	size_t *len, sg_diag *d)
{
	const char *from = sg_oidc_source_name(SG_OIDC_SRC_GITHUB);
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_buf_puts(&url, rurl);
	/* The request URL already carries a query string; cosign appends "&audience=". */
	sg_buf_puts(&url, strchr(rurl, '?') != NULL ? "&" : "?");
	sg_buf_puts(&url, "audience=" SG_OIDC_AUDIENCE);
	uint8_t authmem[SG_MAX_JWT + 16];
	sg_buf auth;
	sg_buf_init(&auth, authmem, sizeof authmem);
	sg_buf_puts(&auth, "bearer ");
	sg_buf_puts(&auth, rtok);
	sg_err e;
	if (sg_buf_status(&url) != SG_OK || sg_buf_status(&auth) != SG_OK)
		e = sg_diag_failf(d, SG_ERR_LIMIT, "identity token",
			"%s: request URL or request token too long", from);
	else
		e = http_token(env, "GET", sg_buf_slice(&url), sg_buf_slice(&auth),
			sg_slice_make(NULL, 0), "value", from, buf, cap, len, d);
	sg_wipe(authmem, sizeof authmem);
	return e;
}

SG_MUST_USE static sg_err
flag_token(const sg_oidc_env *env, const char *flag, uint8_t *buf, size_t cap, size_t *len,
	sg_oidc_source *src, sg_diag *d)
{
	size_t n = strlen(flag);
	if (sg_jwt_looks_like((const uint8_t *)flag, n)) {
		*src = SG_OIDC_SRC_FLAG;
		return put_token((const uint8_t *)flag, n, buf, cap, len, "--identity-token", d);
	}
	/* Not a token, so a path; the value is still never printed, in case it was a token
	 * with a typo. */
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	size_t got = 0;
	sg_err e = env->read_file != NULL ? env->read_file(env->ctx, flag, buf, cap, &got, &ld)
					  : SG_ERR_NOT_FOUND;
	if (e == SG_ERR_LIMIT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "identity token",
			"the --identity-token file is larger than %zu bytes", cap);
	if (e != SG_OK)
		return sg_diag_fail(d, SG_ERR_USAGE,
			"--identity-token is neither a JWT nor a readable file");
	*src = SG_OIDC_SRC_FLAG_FILE;
	return put_token(buf, got, buf, cap, len, "the --identity-token file", d);
}

/* Whether source `name` (cosign's provider name) may be tried: all of them unless
 * --oidc-provider chose one. */
static int
want(const sg_oidc_env *env, const char *name)
{
	return env->provider == NULL || strcmp(env->provider, name) == 0;
}

SG_MUST_USE static sg_err
get_token(const sg_oidc_env *env, const char *flag, int disable_ambient, uint8_t *buf,
	size_t cap, size_t *len, sg_oidc_source *src, sg_diag *d)
{
	if (flag != NULL && flag[0] != '\0')
		return flag_token(env, flag, buf, cap, len, src, d);
	if (disable_ambient)
		return sg_diag_fail(d, SG_ERR_OIDC_NONE,
			"identity token: pass --identity-token (ambient providers are disabled)");

	/* Each enabled source is tried in order; `last` keeps the latest failure. */
	sg_diag last;
	sg_diag_init(&last, NULL);
	sg_oidc_source last_src = SG_OIDC_SRC_NONE;
	sg_err e;

	const char *v = want(env, "envvar") ? env_get(env, "SIGSTORE_ID_TOKEN") : NULL;
	if (v != NULL) {
		*src = SG_OIDC_SRC_ENV;
		sg_diag_init(&last, NULL);
		e = put_token((const uint8_t *)v, strlen(v), buf, cap, len, "SIGSTORE_ID_TOKEN",
			&last);
		if (e == SG_OK)
			return SG_OK;
		last_src = SG_OIDC_SRC_ENV;
	}

	const char *access = env_get(env, "BUILDKITE_AGENT_ACCESS_TOKEN");
	const char *job = env_get(env, "BUILDKITE_JOB_ID");
	int bk_done = !want(env, "buildkite-agent");
	if (!bk_done && access != NULL && access[0] != '\0' && job != NULL && job[0] != '\0') {
		*src = SG_OIDC_SRC_BUILDKITE_API;
		sg_diag_init(&last, NULL);
		e = buildkite_api(env, access, job, buf, cap, len, &last);
		if (e == SG_OK)
			return SG_OK;
		last_src = SG_OIDC_SRC_BUILDKITE_API;
		bk_done = 1;
	}
	if (!bk_done && job != NULL && job[0] != '\0' && env->run != NULL) {
		static const char *const argv[] = {"buildkite-agent", "oidc", "request-token",
			"--audience", SG_OIDC_AUDIENCE, NULL};
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		size_t got = 0;
		e = env->run(env->ctx, argv, buf, cap, &got, &ld);
		if (e == SG_OK) {
			*src = SG_OIDC_SRC_BUILDKITE_AGENT;
			sg_diag_init(&last, NULL);
			e = put_token(buf, got, buf, cap, len, "buildkite-agent", &last);
			if (e == SG_OK)
				return SG_OK;
			last_src = SG_OIDC_SRC_BUILDKITE_AGENT;
		} else if (e != SG_ERR_NOT_FOUND) {
			last = ld;
			last_src = SG_OIDC_SRC_BUILDKITE_AGENT;
		}
	}

	const char *gurl = env_get(env, "ACTIONS_ID_TOKEN_REQUEST_URL");
	const char *gtok = env_get(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
	if (want(env, "github-actions") && gurl != NULL && gurl[0] != '\0' && gtok != NULL &&
		gtok[0] != '\0') {
		*src = SG_OIDC_SRC_GITHUB;
		sg_diag_init(&last, NULL);
		e = github(env, gurl, gtok, buf, cap, len, &last);
		if (e == SG_OK)
			return SG_OK;
		last_src = SG_OIDC_SRC_GITHUB;
	}

	if (want(env, "filesystem") && env->read_file != NULL) {
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		size_t got = 0;
		e = env->read_file(env->ctx, SG_OIDC_TOKEN_FILE, buf, cap, &got, &ld);
		if (e == SG_OK) {
			*src = SG_OIDC_SRC_FILE;
			sg_diag_init(&last, NULL);
			e = put_token(buf, got, buf, cap, len, SG_OIDC_TOKEN_FILE, &last);
			if (e == SG_OK)
				return SG_OK;
			last_src = SG_OIDC_SRC_FILE;
		} else if (e != SG_ERR_NOT_FOUND) {
			last = ld;
			last_src = SG_OIDC_SRC_FILE;
		}
	}

	*src = SG_OIDC_SRC_NONE;
	if (last_src == SG_OIDC_SRC_NONE && env->provider != NULL)
		return sg_diag_failf(d, SG_ERR_OIDC_NONE, "identity token",
			"the %s provider (--oidc-provider) has no token here", env->provider);
	if (last_src == SG_OIDC_SRC_NONE)
		return sg_diag_fail(d, SG_ERR_OIDC_NONE,
			"identity token: none found (pass --identity-token, set SIGSTORE_ID_TOKEN, "
			"or run in a Buildkite job or GitHub Actions with id-token permission)");
	char why[SG_DIAG_DETAIL_MAX];
	sg_diag_format(&last, why, sizeof why);
	sg_err code = last.code == SG_ERR_LIMIT ? SG_ERR_LIMIT : SG_ERR_OIDC_SOURCE;
	return sg_diag_failf(d, code, "identity token", "%s: %s", sg_oidc_source_name(last_src),
		why);
}

/* see oidc.h */
sg_err
sg_oidc_get_token(const sg_oidc_env *env, const char *flag, int disable_ambient, uint8_t *buf,
	size_t cap, size_t *len, sg_oidc_source *src, sg_diag *d)
{
	*len = 0;
	*src = SG_OIDC_SRC_NONE;
	sg_err e = get_token(env, flag, disable_ambient, buf, cap, len, src, d);
	if (e != SG_OK) {
		sg_wipe(buf, cap);
		*len = 0;
		*src = SG_OIDC_SRC_NONE;
	}
	return e;
}

/* ---- the real effects ---- */

static const char *
sys_get_env(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

SG_MUST_USE static sg_err
sys_read_file(void *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	(void)ctx;
	return sg_os_read_small(path, "reading the token file", buf, cap, len, NULL, d);
}

/* How long buildkite-agent may take; its own retries (5, exponential) stay well inside. */
#define RUN_LIMIT_MS 60000u

SG_MUST_USE static sg_err
sys_run(void *ctx, const char *const *argv, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	const sg_oidc_env *env = ctx;
	unsigned limit = env != NULL && env->run_limit_ms > 0 ? env->run_limit_ms : RUN_LIMIT_MS;
	int code;
	sg_err e = sg_os_run(argv, sg_slice_make(NULL, 0), 0, limit, "identity token", buf, cap,
		len, &code, d);
	if (e == SG_ERR_TIMEOUT)
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token",
			"%s did not finish within %u ms", argv[0], limit);
	if (e == SG_ERR_LIMIT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "identity token", "%s printed too much",
			argv[0]);
	if (e != SG_OK)
		return e;
	if (code != 0) {
		sg_wipe(buf, cap);
		*len = 0;
		return sg_diag_failf(d, SG_ERR_OIDC_SOURCE, "identity token", "%s failed (exit %d)",
			argv[0], code);
	}
	return SG_OK;
}

/* see oidc.h */
void
sg_oidc_env_system(sg_oidc_env *env, sg_http_client *http, sg_arena *arena)
{
	memset(env, 0, sizeof *env);
	env->get_env = sys_get_env;
	env->read_file = sys_read_file;
	env->run = sys_run;
	env->http = http;
	env->plain = SG_HTTP_PLAIN_LOOPBACK;
	env->arena = arena;
	env->run_limit_ms = RUN_LIMIT_MS;
	if (http != NULL && http->opts != NULL && http->opts->deadline_ms > 0 &&
		http->opts->deadline_ms < RUN_LIMIT_MS)
		env->run_limit_ms = http->opts->deadline_ms;
	env->ctx = env;
}
