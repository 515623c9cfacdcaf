/* oidc: OIDC token sources and JWT claim decoding. See oidc.h.
 *
 * Implementation notes.
 *   - Grammar: RFC 7515 §7.1 compact serialization, BASE64URL(header) "." BASE64URL(payload)
 *     "." BASE64URL(signature), base64url as RFC 7515 §2 defines it (RFC 4648 §5 without '=');
 *     header and payload are UTF-8 JSON objects (RFC 7519 §7.2 steps 2-10). Claims per RFC 7519
 *     §4.1 (iss, sub, exp as a NumericDate: a JSON number, possibly with a fraction) and OpenID
 *     Connect Core §5.1 (email, email_verified).
 *   - Nothing here checks the signature or the issuer: Fulcio does. We decode only to pick the
 *     proof-of-possession name and to fail early (expired, malformed) with a clear message.
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

extern char **environ;

/* ---- JWT ---- */

static int
is_b64url_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_';
}

/* see oidc.h */
int
sg_jwt_looks_like(const uint8_t *p, size_t len)
{
	size_t dots = 0, seg = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '.') {
			if (seg == 0 && dots < 2)
				return 0; /* empty header or payload */
			dots++;
			seg = 0;
		} else if (is_b64url_char(p[i])) {
			seg++;
		} else {
			return 0;
		}
	}
	return dots == 2;
}

/* Decode one segment (base64url, no padding) and parse it as a JSON object. Failures go to a
 * local diag whose text becomes the detail of one SG_ERR_OIDC_TOKEN, so callers see a single
 * code for "the token is malformed". Local diags hold offsets, never token bytes. */
SG_MUST_USE static sg_err
decode_segment(const uint8_t *p, size_t len, const char *name, sg_arena *arena, sg_json *out,
	sg_diag *d)
{
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	uint8_t *buf;
	size_t n;
	size_t cap = sg_b64_decoded_max(len) + 1;
	SG_TRY(sg_arena_get(arena, cap, (void **)&buf, d));
	sg_err e = sg_b64_decode(p, len, SG_B64_URL | SG_B64_NOPAD, buf, cap, &n, &ld);
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"the %s is not base64url (%s at byte %zu)", name, sg_err_str(e), ld.offset);
	e = sg_json_parse(buf, n, arena, name, out, &ld);
	if (e == SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "arena");
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"the %s is not JSON (%s at byte %zu)", name, sg_err_str(e), ld.offset);
	if (sg_json_type(out, sg_json_root(out)) != VFJ_OBJECT)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"the %s is not a JSON object", name);
	return SG_OK;
}

SG_MUST_USE static sg_err
claim_str(const sg_json *j, const char *key, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	size_t t = sg_json_get(j, sg_json_root(j), key);
	if (t == SG_JSON_NONE || sg_json_type(j, t) == VFJ_NULL)
		return SG_OK;
	if (sg_json_type(j, t) != VFJ_STRING)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"claim %s is not a string", key);
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_json_str(j, t, key, arena, out, &ld);
	if (e == SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "arena");
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token", "claim %s: %s", key,
			sg_err_str(e));
	return SG_OK;
}

/* A NumericDate (RFC 7519 §2): a JSON number of seconds, a fraction allowed and dropped. An
 * exponent or a negative value is refused: no issuer writes one. */
SG_MUST_USE static sg_err
claim_numeric_date(const sg_json *j, const char *key, int *has, int64_t *out, sg_diag *d)
{
	*has = 0;
	*out = 0;
	size_t t = sg_json_get(j, sg_json_root(j), key);
	if (t == SG_JSON_NONE || sg_json_type(j, t) == VFJ_NULL)
		return SG_OK;
	const uint8_t *p;
	size_t n;
	if (sg_json_type(j, t) != VFJ_NUMBER || vfj_num_raw(&j->doc, t, &p, &n) != VFJ_OK)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"claim %s is not a number", key);
	int64_t v = 0;
	size_t i = 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
				"claim %s is out of range", key);
		v = v * 10 + (p[i] - '0');
	}
	if (i == 0)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"claim %s is negative", key);
	if (i < n && p[i] == '.') {
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	}
	if (i != n)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"claim %s has an exponent", key);
	*has = 1;
	*out = v;
	return SG_OK;
}

SG_MUST_USE static sg_err
jwt_decode(const uint8_t *tok, size_t len, sg_arena *arena, sg_jwt_claims *out, sg_diag *d)
{
	if (len > SG_MAX_JWT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "identity token",
			"the identity token is larger than %u bytes", (unsigned)SG_MAX_JWT);
	size_t dot[2], nd = 0;
	for (size_t i = 0; i < len; i++) {
		if (tok[i] != '.')
			continue;
		if (nd == 2)
			return sg_diag_fail(d, SG_ERR_OIDC_TOKEN,
				"identity token: not a JWT (more than three segments)");
		dot[nd++] = i;
	}
	if (nd != 2)
		return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
			"not a JWT: %zu segments, want 3", nd + 1);
	if (dot[0] == 0 || dot[1] == dot[0] + 1)
		return sg_diag_fail(d, SG_ERR_OIDC_TOKEN,
			"identity token: not a JWT (empty header or payload)");
	/* The signature is not checked here, but it must still be base64url. */
	for (size_t i = dot[1] + 1; i < len; i++)
		if (!is_b64url_char(tok[i]))
			return sg_diag_failf(d, SG_ERR_OIDC_TOKEN, "identity token",
				"the signature is not base64url (byte %zu)", i);
	sg_json hdr, pay;
	SG_TRY(decode_segment(tok, dot[0], "JWT header", arena, &hdr, d));
	SG_TRY(decode_segment(tok + dot[0] + 1, dot[1] - dot[0] - 1, "JWT payload", arena, &pay,
		d));
	SG_TRY(claim_str(&pay, "iss", arena, &out->iss, d));
	SG_TRY(claim_str(&pay, "sub", arena, &out->sub, d));
	SG_TRY(claim_str(&pay, "email", arena, &out->email, d));
	size_t t = sg_json_get(&pay, sg_json_root(&pay), "email_verified");
	vfj_type ty = sg_json_type(&pay, t);
	if (ty == VFJ_TRUE) {
		out->email_verified = 1;
	} else if (ty == VFJ_STRING) {
		/* sigstore's oauthflow accepts the strings some issuers send. */
		out->email_verified = vfj_str_eq(&pay.doc, t, "true", 4) ||
			vfj_str_eq(&pay.doc, t, "True", 4);
	}
	SG_TRY(claim_numeric_date(&pay, "exp", &out->has_exp, &out->exp, d));
	return SG_OK;
}

/* see oidc.h */
sg_err
sg_jwt_decode(const uint8_t *tok, size_t len, sg_arena *arena, sg_jwt_claims *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = jwt_decode(tok, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see oidc.h */
sg_err
sg_jwt_principal(const sg_jwt_claims *c, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	if (c->email.len > 0) {
		if (!c->email_verified)
			return sg_diag_fail(d, SG_ERR_OIDC_TOKEN,
				"identity token: email not verified by identity provider");
		*out = c->email;
		return SG_OK;
	}
	if (c->sub.len == 0)
		return sg_diag_fail(d, SG_ERR_OIDC_TOKEN,
			"identity token: no subject found in claims");
	*out = c->sub;
	return SG_OK;
}

/* see oidc.h */
sg_err
sg_jwt_check_expiry(const sg_jwt_claims *c, int64_t now, sg_diag *d)
{
	if (!c->has_exp)
		return sg_diag_fail(d, SG_ERR_OIDC_TOKEN, "identity token: no exp claim");
	if (c->exp <= now) {
		char at[32], cur[32];
		if (sg_time_format_rfc3339(c->exp, at, sizeof at) != SG_OK)
			at[0] = '\0';
		if (sg_time_format_rfc3339(now, cur, sizeof cur) != SG_OK)
			cur[0] = '\0';
		return sg_diag_failf(d, SG_ERR_OIDC_EXPIRED, "identity token",
			"it expired at %s (now %s); get a fresh token", at, cur);
	}
	return SG_OK;
}

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

	const char *v = env_get(env, "SIGSTORE_ID_TOKEN");
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
	int bk_done = 0;
	if (access != NULL && access[0] != '\0' && job != NULL && job[0] != '\0') {
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
	if (gurl != NULL && gurl[0] != '\0' && gtok != NULL && gtok[0] != '\0') {
		*src = SG_OIDC_SRC_GITHUB;
		sg_diag_init(&last, NULL);
		e = github(env, gurl, gtok, buf, cap, len, &last);
		if (e == SG_OK)
			return SG_OK;
		last_src = SG_OIDC_SRC_GITHUB;
	}

	if (env->read_file != NULL) {
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
