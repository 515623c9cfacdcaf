/* registry: OCI registry API v2 client. See registry.h.
 *
 * Implementation notes
 * - Sources: distribution-spec (pull, push, error codes), protocol.md §2.5 (ggcr's request
 *   order and Accept lists) and §2.6 (auth: ping, Basic, the Bearer token flow, scopes), the
 *   docker credential-helper protocol ("get": server URL on stdin, JSON on stdout).
 * - One request path (reg_do): ping once, add the Authorization for the request's scope when
 *   the URL is the registry's own origin, send, and on a 401 learn the challenge, fetch a new
 *   token and retry exactly once. Everything that held a secret is wiped right after use.
 * - Bodies are read into arena buffers of the largest size allowed; the unused tail is handed
 *   back to the arena at once (the buffer is always the last allocation), so a 4 MiB cap costs
 *   only what was received.
 * - Error texts follow ggcr's transport.Error so messages read like cosign's. */
#include "online/registry.h"

#include <string.h>

#include "oci/manifest.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/url.h"
#include "sys/os.h"

/* Room for a request URL: base, repository, a tag or digest, and an upload Location. */
#define URL_CAP (SG_MAX_URL + 1u)
/* Longest error text we build (it ends up in the 512-byte diag detail). */
#define ERRTEXT_MAX 600u
/* Authorization value: "Bearer " + token, or "Basic " + base64 of user:password. */
#define AUTHZ_CAP (SG_MAX_REGISTRY_TOKEN + 16u)

/* ---- small helpers ---- */

/* Percent-encode everything outside RFC 3986 unreserved characters (Go url.QueryEscape
 * writes ' ' as '+'; %20 is equivalent for every server and simpler). */
static void
put_query_escaped(sg_buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~') {
			sg_buf_putc(b, c);
		} else {
			sg_buf_putc(b, '%');
			sg_buf_putc(b, (uint8_t)hex[c >> 4]);
			sg_buf_putc(b, (uint8_t)hex[c & 15]);
		}
	}
}

/* Copy printable ASCII of p[0..n) to b, other bytes as '?' (text from a server must not
 * drive the terminal). */
static void
put_printable(sg_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sg_buf_putc(b, p[i] >= 0x20 && p[i] < 0x7f ? p[i] : (uint8_t)'?');
}

static void
scope_of(const char *repo, sg_registry_action action, char out[SG_REGISTRY_SCOPE_MAX + 1])
{
	sg_buf b;
	sg_buf_init(&b, out, SG_REGISTRY_SCOPE_MAX);
	sg_buf_puts(&b, "repository:");
	sg_buf_puts(&b, repo);
	sg_buf_puts(&b, action == SG_REGISTRY_PUSH ? ":push,pull" : ":pull");
	out[sg_buf_status(&b) == SG_OK ? b.len : 0] = '\0';
}

/* ---- init / close ---- */

/* see registry.h */
sg_err
sg_registry_init(sg_registry *r, sg_http_client *http, const char *host, int allow_http,
	const sg_registry_creds *creds, sg_arena *arena, sg_diag *d)
{
	memset(r, 0, sizeof *r);
	size_t n = strlen(host);
	if (n == 0 || n > SG_OCI_REGISTRY_MAX)
		return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)host[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' ||
			c == ']' || c == '_';
		if (!ok)
			return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	}
	memcpy(r->host, host, n + 1);
	sg_buf b;
	sg_buf_init(&b, r->base, SG_REGISTRY_BASE_MAX);
	sg_buf_puts(&b, allow_http ? "http://" : "https://");
	sg_buf_puts(&b, host);
	if (sg_buf_status(&b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	r->base_len = b.len;
	r->base[b.len] = '\0';
	r->http = http;
	r->arena = arena;
	r->plain = allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_DENY;
	if (creds != NULL)
		r->creds = *creds;
	SG_TRY(sg_arena_get(arena, AUTHZ_CAP, (void **)&r->authz, d));
	r->authz_cap = AUTHZ_CAP;
	SG_TRY(sg_arena_get(arena, SG_MAX_TOKEN_REPLY, (void **)&r->small, d));
	r->small_cap = SG_MAX_TOKEN_REPLY;
	/* Token buffers now, so callers may hand back later arena scratch freely. */
	for (size_t i = 0; i < SG_REGISTRY_MAX_SCOPES; i++)
		SG_TRY(sg_arena_get(arena, SG_MAX_REGISTRY_TOKEN, (void **)&r->tokens[i].token, d));
	return SG_OK;
}

/* see registry.h */
void
sg_registry_close(sg_registry *r)
{
	for (size_t i = 0; i < SG_REGISTRY_MAX_SCOPES; i++)
		if (r->tokens[i].token != NULL)
			sg_wipe(r->tokens[i].token, SG_MAX_REGISTRY_TOKEN);
	if (r->authz != NULL)
		sg_wipe(r->authz, r->authz_cap);
	if (r->small != NULL)
		sg_wipe(r->small, r->small_cap);
	r->ntokens = 0;
	memset(&r->creds, 0, sizeof r->creds);
}

/* ---- error texts ---- */

static void put_value(sg_buf *b, const sg_json *j, size_t t, sg_arena *arena, unsigned depth);

/* Go's %v of a JSON value decoded into interface{}: strings bare, maps as map[k:v ...] with
 * sorted keys, arrays as [a b], null as <nil>. Numbers are written as received (Go would
 * reformat floats; registries send none in practice). */
static void
put_value(sg_buf *b, const sg_json *j, size_t t, sg_arena *arena, unsigned depth)
{
	const vfj_token *tok = &j->doc.toks[t];
	if (depth > 4) {
		sg_buf_puts(b, "...");
		return;
	}
	switch (sg_json_type(j, t)) {
	case VFJ_STRING: {
		sg_slice s;
		if (sg_json_str(j, t, "registry error", arena, &s, NULL) == SG_OK)
			put_printable(b, s.p, s.len);
		return;
	}
	case VFJ_NULL:
		sg_buf_puts(b, "<nil>");
		return;
	case VFJ_ARRAY: {
		sg_buf_putc(b, '[');
		int first = 1;
		for (size_t e = sg_json_first(j, t); e != SG_JSON_NONE; e = sg_json_next(j, e)) {
			if (!first)
				sg_buf_putc(b, ' ');
			first = 0;
			put_value(b, j, e, arena, depth + 1);
		}
		sg_buf_putc(b, ']');
		return;
	}
	case VFJ_OBJECT: {
		/* Keys sorted bytewise, as fmt prints maps. */
		enum { MAXK = 32 };
		size_t keys[MAXK];
		sg_slice names[MAXK];
		size_t n = 0;
		for (size_t k = sg_json_first(j, t); k != SG_JSON_NONE && n < MAXK;
			k = sg_json_next(j, k)) {
			if (sg_json_str(j, k, "registry error", arena, &names[n], NULL) != SG_OK)
				return;
			keys[n++] = k;
		}
		for (size_t i = 1; i < n; i++) {
			for (size_t m = i; m > 0; m--) {
				sg_slice a = names[m - 1], c = names[m];
				size_t l = a.len < c.len ? a.len : c.len;
				int cmp = l > 0 ? memcmp(a.p, c.p, l) : 0;
				if (cmp < 0 || (cmp == 0 && a.len <= c.len))
					break;
				names[m - 1] = c;
				names[m] = a;
				size_t tk = keys[m - 1];
				keys[m - 1] = keys[m];
				keys[m] = tk;
			}
		}
		sg_buf_puts(b, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				sg_buf_putc(b, ' ');
			put_printable(b, names[i].p, names[i].len);
			sg_buf_putc(b, ':');
			/* In vfj a key's value is the key's child. */
			size_t v = sg_json_first(j, keys[i]);
			if (v == SG_JSON_NONE)
				break;
			put_value(b, j, v, arena, depth + 1);
		}
		sg_buf_putc(b, ']');
		return;
	}
	default:
		put_printable(b, j->json + tok->start, tok->end - tok->start);
		return;
	}
}

/* see registry.h */
size_t
sg_registry_error_text(const uint8_t *body, size_t len, sg_arena *arena, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (len == 0 || len > SG_MAX_TOKEN_REPLY)
		return 0;
	size_t mark = sg_arena_mark(arena);
	sg_json j;
	size_t written = 0;
	if (sg_json_parse(body, len, arena, "registry error", &j, NULL) != SG_OK)
		goto out;
	size_t root = sg_json_root(&j);
	size_t errs = sg_json_get(&j, root, "errors");
	if (errs == SG_JSON_NONE || sg_json_type(&j, errs) != VFJ_ARRAY ||
		sg_json_count(&j, errs) == 0)
		goto out;
	sg_buf b;
	sg_buf_init(&b, out, cap - 1);
	size_t count = sg_json_count(&j, errs);
	if (count > 1)
		sg_buf_puts(&b, "multiple errors returned: ");
	size_t i = 0;
	for (size_t e = sg_json_first(&j, errs); e != SG_JSON_NONE; e = sg_json_next(&j, e), i++) {
		if (sg_json_type(&j, e) != VFJ_OBJECT)
			goto out;
		if (i > 0)
			sg_buf_puts(&b, "; ");
		sg_slice code = {NULL, 0}, msg = {NULL, 0};
		if (sg_json_get_str(&j, e, "code", SG_JSON_OPTIONAL, "registry error", arena, &code,
			    NULL, NULL) != SG_OK ||
			sg_json_get_str(&j, e, "message", SG_JSON_OPTIONAL, "registry error", arena,
				&msg, NULL, NULL) != SG_OK)
			goto out;
		put_printable(&b, code.p, code.len);
		sg_buf_puts(&b, ": ");
		put_printable(&b, msg.p, msg.len);
		size_t det = sg_json_get(&j, e, "detail");
		if (det != SG_JSON_NONE && sg_json_type(&j, det) != VFJ_NULL) {
			sg_buf_puts(&b, "; ");
			put_value(&b, &j, det, arena, 0);
		}
	}
	/* A text cut by the buffer is still useful: keep what fit. */
	written = b.overflow ? b.len : b.len;
	out[written] = '\0';
out:
	if (written == 0)
		out[0] = '\0';
	sg_arena_release(arena, mark);
	return written;
}

struct req {
	const char *method;
	const char *repo;       /* the scope's repository; NULL for the ping */
	sg_registry_action action;
	sg_slice url;
	const char *accept;
	const char *content_type;
	sg_slice body;
	uint8_t *resp;          /* body buffer */
	size_t resp_cap;
};

/* A request with nothing set but its method and the scope it needs. */
static void
req_init(struct req *q, const char *method, const char *repo, sg_registry_action action)
{
	memset(q, 0, sizeof *q);
	q->method = method;
	q->repo = repo;
	q->action = action;
}

/* Record a failed answer as ggcr words it: "<METHOD> <url>: <text>". */
SG_MUST_USE static sg_err
status_fail(sg_registry *r, const struct req *q, const sg_http_response *resp, sg_diag *d)
{
	char text[ERRTEXT_MAX];
	char url[ERRTEXT_MAX];
	sg_buf ub;
	sg_buf_init(&ub, url, sizeof url - 1);
	/* No query: upload URLs carry long state, and some registries put tokens there. */
	size_t ulen = q->url.len;
	for (size_t i = 0; i < q->url.len; i++) {
		if (q->url.p[i] == '?') {
			ulen = i;
			break;
		}
	}
	put_printable(&ub, q->url.p, ulen);
	url[ub.len] = '\0';
	size_t n = sg_registry_error_text(resp->body, resp->body_len, r->arena, text, sizeof text);
	if (n == 0) {
		sg_buf tb;
		sg_buf_init(&tb, text, sizeof text - 1);
		sg_buf_puts(&tb, "unexpected status code ");
		sg_buf_put_dec(&tb, (uint64_t)resp->status);
		sg_buf_putc(&tb, ' ');
		put_printable(&tb, resp->reason.p, resp->reason.len > 64 ? 64 : resp->reason.len);
		if (strcmp(q->method, "HEAD") == 0) {
			sg_buf_puts(&tb, " (HEAD responses have no body, use GET for details)");
		} else if (resp->body_len > 0) {
			/* A plain-text body usually ends with a newline: show the text, not a '?'. */
			size_t blen = resp->body_len > 200 ? 200 : resp->body_len;
			while (blen > 0 && (resp->body[blen - 1] == '\n' || resp->body[blen - 1] == '\r' ||
						   resp->body[blen - 1] == ' ' || resp->body[blen - 1] == '\t'))
				blen--;
			sg_buf_puts(&tb, ": ");
			put_printable(&tb, resp->body, blen);
		}
		text[tb.len] = '\0';
	}
	sg_err code = SG_ERR_OCI_REGISTRY;
	if (resp->status == 401 || resp->status == 403)
		code = SG_ERR_OCI_AUTH;
	else if (resp->status == 404)
		code = SG_ERR_OCI_NOT_FOUND;
	return sg_diag_failmsg(d, code, "%s %s: %s", q->method, url, text);
}

/* ---- auth ---- */

/* Parse every WWW-Authenticate header of `resp` and pick the challenge to answer. The chosen
 * challenge's realm and service are copied into `r`; its scope into `scope_out` (may be
 * empty). *scheme is SG_AUTH_NONE when the answer carried no usable challenge. */
SG_MUST_USE static sg_err
learn_challenge(sg_registry *r, const sg_http_response *resp, sg_auth_scheme *scheme,
	char scope_out[SG_REGISTRY_SCOPE_MAX + 1], sg_diag *d)
{
	sg_wwwauth_challenge ch[SG_MAX_WWWAUTH_CHALLENGES];
	size_t n = 0;
	size_t mark = sg_arena_mark(r->arena);
	sg_err err = SG_OK;
	*scheme = SG_AUTH_NONE;
	scope_out[0] = '\0';
	for (size_t i = 0; i < resp->head.num_headers; i++) {
		const sg_http_header *h = &resp->head.headers[i];
		if (!sg_slice_ieq_str(h->name, "WWW-Authenticate"))
			continue;
		size_t got = 0;
		err = sg_wwwauth_parse(h->value.p, h->value.len, r->arena, ch + n,
			SG_MAX_WWWAUTH_CHALLENGES - n, &got, d);
		if (err != SG_OK)
			goto out;
		n += got;
		if (n == SG_MAX_WWWAUTH_CHALLENGES)
			break;
	}
	if (n == 0)
		goto out;
	sg_wwwauth w;
	sg_diag scratch;
	sg_diag_init(&scratch, NULL);
	err = sg_wwwauth_select(ch, n, &w, &scratch);
	if (err == SG_ERR_UNSUPPORTED) {
		err = SG_OK; /* e.g. only Negotiate: nothing we can answer */
		goto out;
	}
	if (err != SG_OK) {
		err = sg_diag_failf(d, err, "registry challenge", "%s", sg_err_str(err));
		goto out;
	}
	if (w.scheme == SG_AUTH_BEARER) {
		if (w.realm.len > SG_MAX_URL || w.service.len > SG_REGISTRY_SERVICE_MAX) {
			err = sg_diag_fail(d, SG_ERR_LIMIT, "registry challenge");
			goto out;
		}
		memcpy(r->realm, w.realm.p, w.realm.len);
		r->realm[w.realm.len] = '\0';
		r->realm_len = w.realm.len;
		r->has_service = w.service.p != NULL;
		if (w.service.len > 0)
			memcpy(r->service, w.service.p, w.service.len);
		r->service[w.service.len] = '\0';
		r->service_len = w.service.len;
		if (w.scope.len > 0 && w.scope.len <= SG_REGISTRY_SCOPE_MAX) {
			memcpy(scope_out, w.scope.p, w.scope.len);
			scope_out[w.scope.len] = '\0';
		}
	}
	*scheme = w.scheme;
out:
	sg_arena_release(r->arena, mark);
	return err;
}

/* GET /v2/ without credentials (protocol.md §2.6). */
SG_MUST_USE static sg_err
ping(sg_registry *r, sg_diag *d)
{
	uint8_t url[SG_REGISTRY_BASE_MAX + 8];
	sg_buf b;
	sg_buf_init(&b, url, sizeof url);
	sg_buf_put(&b, r->base, r->base_len);
	sg_buf_puts(&b, "/v2/");
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = sg_buf_slice(&b);
	req.plain = r->plain;
	sg_http_response resp;
	r->pings++;
	r->requests++;
	SG_TRY(sg_http_do(r->http, &req, r->small, r->small_cap, &resp, d));
	if (resp.status == 200) {
		r->scheme = SG_AUTH_NONE;
		r->pinged = 1;
		return SG_OK;
	}
	if (resp.status == 401) {
		char scope[SG_REGISTRY_SCOPE_MAX + 1];
		SG_TRY(learn_challenge(r, &resp, &r->scheme, scope, d));
		r->pinged = 1;
		return SG_OK;
	}
	struct req q;
	req_init(&q, "GET", NULL, SG_REGISTRY_PULL);
	q.url = req.url;
	return status_fail(r, &q, &resp, d);
}

static sg_registry_token *
token_slot(sg_registry *r, const char *scope, int create)
{
	for (size_t i = 0; i < r->ntokens; i++)
		if (strcmp(r->tokens[i].scope, scope) == 0)
			return &r->tokens[i];
	if (!create)
		return NULL;
	sg_registry_token *t;
	if (r->ntokens < SG_REGISTRY_MAX_SCOPES) {
		t = &r->tokens[r->ntokens++];
	} else {
		/* Full: reuse the oldest slot. */
		t = &r->tokens[0];
	}
	if (t->token == NULL)
		return NULL;
	sg_wipe(t->token, SG_MAX_REGISTRY_TOKEN);
	t->len = 0;
	size_t n = strlen(scope);
	memcpy(t->scope, scope, n + 1);
	return t;
}

/* "Basic " + base64(user ":" password) into r->authz. */
SG_MUST_USE static sg_err
basic_authz(sg_registry *r, size_t *len, sg_diag *d)
{
	const sg_registry_creds *c = &r->creds;
	size_t raw_len;
	if (!sg_add_ok(c->username.len, c->password.len, &raw_len) ||
		!sg_add_ok(raw_len, 1, &raw_len) || raw_len > SG_MAX_REGISTRY_TOKEN / 2)
		return sg_diag_fail(d, SG_ERR_LIMIT, "registry credentials");
	uint8_t raw[SG_MAX_REGISTRY_TOKEN / 2];
	memcpy(raw, c->username.p, c->username.len);
	raw[c->username.len] = ':';
	if (c->password.len > 0)
		memcpy(raw + c->username.len + 1, c->password.p, c->password.len);
	sg_buf b;
	sg_buf_init(&b, r->authz, r->authz_cap);
	sg_buf_puts(&b, "Basic ");
	sg_err e = sg_b64_encode(raw, raw_len, SG_B64_STD | SG_B64_PAD, &b);
	sg_wipe(raw, raw_len);
	if (e != SG_OK || sg_buf_status(&b) != SG_OK) {
		sg_wipe(r->authz, r->authz_cap);
		return sg_diag_fail(d, SG_ERR_LIMIT, "registry credentials");
	}
	*len = b.len;
	return SG_OK;
}

static int
have_password(const sg_registry *r)
{
	return r->creds.username.len > 0 || r->creds.password.len > 0;
}

/* Fetch a token for `scope` (and `extra`, a scope a challenge asked for, may be empty) into
 * slot `t` (protocol.md §2.6). */
SG_MUST_USE static sg_err
fetch_token(sg_registry *r, const char *scope, const char *extra, sg_registry_token *t,
	sg_diag *d)
{
	size_t mark = sg_arena_mark(r->arena);
	uint8_t *url = NULL, *form = NULL;
	size_t authz_len = 0;
	sg_err err;
	int post = r->creds.identity_token.len > 0;
	if ((err = sg_arena_get(r->arena, URL_CAP, (void **)&url, d)) != SG_OK)
		goto out;
	r->token_fetches++;
	for (int attempt = 0; attempt < 2; attempt++) {
		sg_buf ub;
		sg_buf_init(&ub, url, URL_CAP - 1);
		sg_buf_put(&ub, r->realm, r->realm_len);
		sg_http_header hdr[2];
		size_t nh = 0;
		sg_http_request req;
		memset(&req, 0, sizeof req);
		req.plain = r->plain;
		if (post) {
			/* OAuth2 refresh-token grant, as ggcr (form keys sorted). */
			size_t cap = 2 * SG_MAX_REGISTRY_TOKEN + 4 * SG_REGISTRY_SCOPE_MAX + 1024;
			if (form == NULL &&
				(err = sg_arena_get(r->arena, cap, (void **)&form, d)) != SG_OK)
				goto out;
			sg_buf fb;
			sg_buf_init(&fb, form, cap);
			sg_buf_puts(&fb, "client_id=picosign&grant_type=refresh_token&refresh_token=");
			put_query_escaped(&fb, r->creds.identity_token.p, r->creds.identity_token.len);
			sg_buf_puts(&fb, "&scope=");
			put_query_escaped(&fb, (const uint8_t *)scope, strlen(scope));
			if (extra[0] != '\0') {
				sg_buf_puts(&fb, "%20");
				put_query_escaped(&fb, (const uint8_t *)extra, strlen(extra));
			}
			sg_buf_puts(&fb, "&service=");
			put_query_escaped(&fb, (const uint8_t *)r->service, r->service_len);
			if (sg_buf_status(&fb) != SG_OK) {
				err = sg_diag_fail(d, SG_ERR_LIMIT, "token request");
				goto out;
			}
			req.method = "POST";
			req.body = sg_buf_slice(&fb);
			req.secret_body = 1; /* the refresh token: never resent to another origin */
			hdr[nh].name = sg_slice_str("Content-Type");
			hdr[nh++].value = sg_slice_str("application/x-www-form-urlencoded");
		} else {
			int q = memchr(r->realm, '?', r->realm_len) != NULL;
			sg_buf_putc(&ub, q ? '&' : '?');
			sg_buf_puts(&ub, "scope=");
			put_query_escaped(&ub, (const uint8_t *)scope, strlen(scope));
			if (extra[0] != '\0' && strcmp(extra, scope) != 0) {
				sg_buf_puts(&ub, "&scope=");
				put_query_escaped(&ub, (const uint8_t *)extra, strlen(extra));
			}
			if (r->has_service) {
				sg_buf_puts(&ub, "&service=");
				put_query_escaped(&ub, (const uint8_t *)r->service, r->service_len);
			}
			req.method = "GET";
			if (have_password(r)) {
				if ((err = basic_authz(r, &authz_len, d)) != SG_OK)
					goto out;
				hdr[nh].name = sg_slice_str("Authorization");
				hdr[nh++].value = sg_slice_make(r->authz, authz_len);
			}
		}
		if (sg_buf_status(&ub) != SG_OK) {
			err = sg_diag_fail(d, SG_ERR_LIMIT, "token URL");
			goto out;
		}
		req.url = sg_buf_slice(&ub);
		req.headers = hdr;
		req.num_headers = nh;
		sg_http_response resp;
		r->requests++;
		err = sg_http_do(r->http, &req, r->small, r->small_cap, &resp, d);
		sg_wipe(r->authz, authz_len);
		authz_len = 0;
		if (form != NULL)
			sg_wipe(form, 2 * SG_MAX_REGISTRY_TOKEN + 4 * SG_REGISTRY_SCOPE_MAX + 1024);
		if (err != SG_OK)
			goto out;
		if (post && (resp.status == 404 || resp.status == 405) && attempt == 0) {
			/* ggcr falls back to the GET form when the server has no OAuth2 endpoint. */
			post = 0;
			continue;
		}
		if (resp.status != 200) {
			struct req q;
			req_init(&q, req.method, NULL, SG_REGISTRY_PULL);
			q.url = sg_slice_make(r->realm, r->realm_len);
			err = status_fail(r, &q, &resp, d);
			/* Whatever the token server said, this is an authentication failure. */
			if (d != NULL && d->code == SG_ERR_OCI_NOT_FOUND)
				d->code = SG_ERR_OCI_AUTH;
			if (err == SG_ERR_OCI_NOT_FOUND || err == SG_ERR_OCI_REGISTRY)
				err = SG_ERR_OCI_AUTH;
			sg_wipe(r->small, resp.body_len);
			goto out;
		}
		err = sg_registry_parse_token(resp.body, resp.body_len, r->arena, t->token,
			SG_MAX_REGISTRY_TOKEN, &t->len, d);
		sg_wipe(r->small, resp.body_len);
		goto out;
	}
	err = sg_diag_fail(d, SG_ERR_OCI_AUTH, "token request");
out:
	if (authz_len > 0)
		sg_wipe(r->authz, authz_len);
	/* The reply (whole, cut short, or refused) may hold a token: in our answer buffer and,
	 * with the response head, in the client's read buffer. Nothing there is needed any more
	 * (a diagnostic was formatted already). */
	sg_wipe(r->small, r->small_cap);
	if (r->http->iobuf != NULL)
		sg_wipe(r->http->iobuf, SG_HTTP_IOBUF_SIZE);
	sg_arena_release(r->arena, mark);
	if (err != SG_OK && t != NULL) {
		sg_wipe(t->token, SG_MAX_REGISTRY_TOKEN);
		t->len = 0;
	}
	return err;
}

/* Put the Authorization value for `scope` into r->authz (*len = 0: send none). `fresh`
 * forces a new token. */
SG_MUST_USE static sg_err
make_authz(sg_registry *r, const char *scope, const char *extra, int fresh, size_t *len,
	sg_diag *d)
{
	*len = 0;
	switch (r->scheme) {
	case SG_AUTH_NONE:
		return SG_OK;
	case SG_AUTH_BASIC:
		if (!have_password(r))
			return SG_OK;
		return basic_authz(r, len, d);
	case SG_AUTH_BEARER:
		break;
	}
	const uint8_t *tok;
	size_t tok_len;
	if (r->creds.registry_token.len > 0) {
		tok = r->creds.registry_token.p;
		tok_len = r->creds.registry_token.len;
	} else {
		sg_registry_token *t = token_slot(r, scope, 0);
		if (t == NULL || t->len == 0 || fresh) {
			if (t == NULL)
				t = token_slot(r, scope, 1);
			if (t == NULL)
				return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
			SG_TRY(fetch_token(r, scope, extra, t, d));
		}
		tok = t->token;
		tok_len = t->len;
	}
	if (tok_len + 7 > r->authz_cap)
		return sg_diag_fail(d, SG_ERR_LIMIT, "registry token");
	memcpy(r->authz, "Bearer ", 7);
	memcpy(r->authz + 7, tok, tok_len);
	*len = tok_len + 7;
	return SG_OK;
}

/* 1 when `url` has the registry's scheme, host and port. */
static int
is_registry_origin(const sg_registry *r, sg_slice url)
{
	sg_url a, b;
	if (sg_url_parse(url.p, url.len, &a, NULL) != SG_OK ||
		sg_url_parse((const uint8_t *)r->base, r->base_len, &b, NULL) != SG_OK)
		return 0;
	return sg_url_same_origin(&a, &b);
}

/* One request with auth: ping first, Authorization for the scope, one retry after a 401. */
SG_MUST_USE static sg_err
reg_do(sg_registry *r, const struct req *q, sg_http_response *resp, sg_diag *d)
{
	if (!r->pinged)
		SG_TRY(ping(r, d));
	char scope[SG_REGISTRY_SCOPE_MAX + 1] = "";
	char extra[SG_REGISTRY_SCOPE_MAX + 1] = "";
	if (q->repo != NULL)
		scope_of(q->repo, q->action, scope);
	int own = is_registry_origin(r, q->url);
	for (int attempt = 0;; attempt++) {
		size_t authz_len = 0;
		if (own && q->repo != NULL)
			SG_TRY(make_authz(r, scope, extra, attempt > 0, &authz_len, d));
		sg_http_header hdr[3];
		size_t nh = 0;
		if (q->accept != NULL) {
			hdr[nh].name = sg_slice_str("Accept");
			hdr[nh++].value = sg_slice_str(q->accept);
		}
		if (q->content_type != NULL) {
			hdr[nh].name = sg_slice_str("Content-Type");
			hdr[nh++].value = sg_slice_str(q->content_type);
		}
		if (authz_len > 0) {
			hdr[nh].name = sg_slice_str("Authorization");
			hdr[nh++].value = sg_slice_make(r->authz, authz_len);
		}
		sg_http_request req;
		memset(&req, 0, sizeof req);
		req.method = q->method;
		req.url = q->url;
		req.headers = hdr;
		req.num_headers = nh;
		req.body = q->body;
		req.plain = r->plain;
		r->requests++;
		sg_err err = sg_http_do(r->http, &req, q->resp, q->resp_cap, resp, d);
		sg_wipe(r->authz, authz_len);
		if (err != SG_OK)
			return err;
		if (resp->status != 401 || attempt > 0 || !own || q->repo == NULL)
			return SG_OK;
		/* A 401 from another origin (a blob redirect to a storage host) is that host's
		 * answer: its challenge must not choose the realm our password is sent to, nor
		 * the scope of our next token (ggcr never takes a realm from a later challenge). */
		if (!is_registry_origin(r, resp->final_url))
			return SG_OK;
		/* 401: the token expired, the registry wants another scope, or auth is needed
		 * beyond the ping. Learn the challenge and try once more when that can help. */
		sg_auth_scheme before = r->scheme, now;
		SG_TRY(learn_challenge(r, resp, &now, extra, d));
		if (strcmp(extra, scope) == 0)
			extra[0] = '\0';
		int retry = 0;
		if (now == SG_AUTH_BEARER && r->creds.registry_token.len == 0)
			retry = 1;
		else if (now == SG_AUTH_BASIC && have_password(r) && before != SG_AUTH_BASIC)
			retry = 1;
		if (now != SG_AUTH_NONE)
			r->scheme = now;
		if (!retry)
			return SG_OK;
	}
}

/* ---- URLs ---- */

SG_MUST_USE static sg_err
api_url(const sg_registry *r, const char *repo, const char *kind, const char *ref, uint8_t *buf,
	size_t cap, sg_slice *out, sg_diag *d)
{
	sg_buf b;
	sg_buf_init(&b, buf, cap);
	sg_buf_put(&b, r->base, r->base_len);
	sg_buf_puts(&b, "/v2/");
	sg_buf_puts(&b, repo);
	sg_buf_putc(&b, '/');
	sg_buf_puts(&b, kind);
	sg_buf_putc(&b, '/');
	sg_buf_puts(&b, ref);
	if (sg_buf_status(&b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "registry URL");
	*out = sg_buf_slice(&b);
	return SG_OK;
}

/* The repository and reference come from sg_ociref (validated); still refuse anything that
 * could change the URL's shape, since callers may pass other strings. */
SG_MUST_USE static sg_err
check_name(const char *s, int allow_colon_slash, sg_diag *d)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > SG_OCI_REPO_MAX + 8)
		return sg_diag_fail(d, SG_ERR_ARG, "repository or reference");
	for (const char *c = s; *c != '\0'; c++) {
		uint8_t ch = (uint8_t)*c;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
			(allow_colon_slash && (ch == ':' || ch == '/'));
		if (!ok)
			return sg_diag_fail(d, SG_ERR_ARG, "repository or reference");
	}
	return SG_OK;
}

/* Check a Docker-Content-Digest header against `want` when it names sha256. */
SG_MUST_USE static sg_err
check_dcd(const sg_http_response *resp, const uint8_t want[32], const char *what, sg_diag *d)
{
	sg_slice v;
	if (!sg_http_header_get(&resp->head, "Docker-Content-Digest", &v))
		return SG_OK;
	if (v.len < 7 || memcmp(v.p, "sha256:", 7) != 0)
		return SG_OK; /* another algorithm: nothing we can compare */
	uint8_t got[32];
	sg_diag scratch;
	sg_diag_init(&scratch, NULL);
	if (sg_oci_digest_parse(v.p, v.len, "Docker-Content-Digest", got, &scratch) != SG_OK)
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, what,
			"malformed Docker-Content-Digest header");
	if (!sg_ct_equal(got, want, 32)) {
		char a[SG_OCI_DIGEST_STR_LEN + 1], b[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(got, a);
		sg_oci_digest_format(want, b);
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, what,
			"Docker-Content-Digest says %s but the content hashes to %s", a, b);
	}
	return SG_OK;
}

/* ---- the request shapes every operation uses ---- */

/* Send `q` with a body buffer of `cap` bytes from the arena; any answer but a 2xx fails. On
 * failure the buffer goes back to the arena; on success it is q->resp (the caller trims it). */
SG_MUST_USE static sg_err
reg_get(sg_registry *r, struct req *q, size_t cap, sg_http_response *resp, sg_diag *d)
{
	size_t mark = sg_arena_mark(r->arena);
	uint8_t *buf = sg_arena_alloc_uninit(r->arena, cap);
	if (buf == NULL && cap > 0)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	q->resp = buf;
	q->resp_cap = cap;
	sg_err err = reg_do(r, q, resp, d);
	if (err == SG_OK && (resp->status < 200 || resp->status > 299))
		err = status_fail(r, q, resp, d);
	if (err != SG_OK)
		sg_arena_release(r->arena, mark);
	return err;
}

/* HEAD <repo>/<kind>/<ref>: *exists = 0 on a 404 and 1 on a 2xx; any other answer fails.
 * The answer's headers stay readable in *resp until the next request. */
SG_MUST_USE static sg_err
reg_head(sg_registry *r, const char *repo, const char *kind, const char *ref,
	sg_registry_action act, const char *accept, int *exists, sg_http_response *resp, sg_diag *d)
{
	uint8_t url[URL_CAP];
	struct req q;
	*exists = 0;
	req_init(&q, "HEAD", repo, act);
	q.accept = accept;
	SG_TRY(api_url(r, repo, kind, ref, url, sizeof url, &q.url, d));
	SG_TRY(reg_do(r, &q, resp, d));
	if (resp->status == 404)
		return SG_OK;
	if (resp->status < 200 || resp->status > 299)
		return status_fail(r, &q, resp, d);
	*exists = 1;
	return SG_OK;
}

/* Send the upload `q` (its answer body goes to r->small) and accept 200, 201 or `also_ok`;
 * a Docker-Content-Digest in the answer must name `digest`. */
SG_MUST_USE static sg_err
reg_upload(sg_registry *r, struct req *q, int also_ok, const uint8_t digest[32], const char *what,
	sg_diag *d)
{
	q->resp = r->small;
	q->resp_cap = r->small_cap;
	sg_http_response resp;
	SG_TRY(reg_do(r, q, &resp, d));
	if (resp.status != 201 && resp.status != 200 && resp.status != also_ok)
		return status_fail(r, q, &resp, d);
	return check_dcd(&resp, digest, what, d);
}

/* ---- manifests ---- */

/* see registry.h */
sg_err
sg_registry_get_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *accept, size_t max, sg_registry_manifest *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	int by_digest = strncmp(reference, "sha256:", 7) == 0;
	uint8_t want[32];
	if (by_digest)
		SG_TRY(sg_oci_digest_parse((const uint8_t *)reference, strlen(reference),
			"manifest reference", want, d));
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "GET", repo, SG_REGISTRY_PULL);
	q.accept = accept;
	SG_TRY(api_url(r, repo, "manifests", reference, url, sizeof url, &q.url, d));
	size_t mark = sg_arena_mark(r->arena);
	sg_http_response resp;
	SG_TRY(reg_get(r, &q, max, &resp, d));
	sg_err err;
	sg_oci_digest_of(resp.body, resp.body_len, out->digest);
	if (by_digest && !sg_ct_equal(out->digest, want, 32)) {
		char got[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(out->digest, got);
		err = sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, "manifest",
			"manifest digest %s does not match requested digest %s", got, reference);
		goto fail;
	}
	if ((err = check_dcd(&resp, out->digest, "manifest", d)) != SG_OK)
		goto fail;
	size_t body_len = resp.body_len;
	sg_slice ct = {NULL, 0};
	(void)sg_http_header_get(&resp.head, "Content-Type", &ct);
	size_t ct_len = 0;
	while (ct_len < ct.len && ct.p[ct_len] != ';' && ct.p[ct_len] != ' ')
		ct_len++;
	sg_arena_trim(r->arena, q.resp, body_len);
	out->body = sg_slice_make(q.resp, body_len);
	if (ct_len > 0 && ct_len <= 256) {
		uint8_t *m = sg_arena_alloc(r->arena, ct_len);
		if (m == NULL) {
			err = sg_diag_fail(d, SG_ERR_LIMIT, "arena");
			goto fail;
		}
		memcpy(m, ct.p, ct_len);
		out->media_type = sg_slice_make(m, ct_len);
	}
	return SG_OK;
fail:
	sg_arena_release(r->arena, mark);
	memset(out, 0, sizeof *out);
	return err;
}

/* see registry.h */
sg_err
sg_registry_head_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *accept, int *exists, uint8_t digest[32], sg_diag *d)
{
	*exists = 0;
	memset(digest, 0, 32);
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	int found;
	sg_http_response resp;
	SG_TRY(reg_head(r, repo, "manifests", reference, SG_REGISTRY_PULL, accept, &found, &resp,
		d));
	if (!found)
		return SG_OK;
	sg_slice v;
	if (!sg_http_header_get(&resp.head, "Docker-Content-Digest", &v))
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "manifest HEAD",
			"the registry sent no Docker-Content-Digest");
	SG_TRY(sg_oci_digest_parse(v.p, v.len, "Docker-Content-Digest", digest, d));
	*exists = 1;
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_resolve(sg_registry *r, const sg_ociref *ref, uint8_t digest[32], sg_diag *d)
{
	if (ref->has_digest) {
		memcpy(digest, ref->digest, 32);
		return SG_OK;
	}
	size_t mark = sg_arena_mark(r->arena);
	sg_registry_manifest m;
	sg_err err = sg_registry_get_manifest(r, ref->repository, ref->tag, SG_OCI_ACCEPT_ALL,
		SG_MAX_JSON, &m, d);
	if (err == SG_OK)
		memcpy(digest, m.digest, 32);
	sg_arena_release(r->arena, mark);
	return err;
}

/* ---- blobs ---- */

SG_MUST_USE static sg_err
blob_head(sg_registry *r, const char *repo, const uint8_t digest[32], sg_registry_action act,
	int *exists, sg_diag *d)
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	*exists = 0;
	SG_TRY(check_name(repo, 1, d));
	sg_oci_digest_format(digest, ds);
	sg_http_response resp;
	return reg_head(r, repo, "blobs", ds, act, NULL, exists, &resp, d);
}

/* see registry.h */
sg_err
sg_registry_blob_exists(sg_registry *r, const char *repo, const uint8_t digest[32], int *exists,
	sg_diag *d)
{
	return blob_head(r, repo, digest, SG_REGISTRY_PULL, exists, d);
}

/* see registry.h */
sg_err
sg_registry_get_blob(sg_registry *r, const char *repo, const uint8_t digest[32], uint64_t size,
	size_t max, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	SG_TRY(check_name(repo, 1, d));
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	if (size > (uint64_t)max)
		return sg_diag_failf(d, SG_ERR_LIMIT, "blob", "%s is %llu bytes, above the limit of "
			"%zu", ds, (unsigned long long)size, max);
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "GET", repo, SG_REGISTRY_PULL);
	SG_TRY(api_url(r, repo, "blobs", ds, url, sizeof url, &q.url, d));
	/* Room for an error body too, so a 404 reads as the registry's message. */
	size_t cap = (size_t)size < 4096 ? 4096 : (size_t)size;
	size_t mark = sg_arena_mark(r->arena);
	sg_http_response resp;
	SG_TRY(reg_get(r, &q, cap, &resp, d));
	uint8_t got[32];
	sg_oci_digest_of(resp.body, resp.body_len, got);
	if (resp.body_len != size || !sg_ct_equal(got, digest, 32)) {
		sg_arena_release(r->arena, mark);
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, "blob",
			"%s: received %zu bytes that do not match the expected size %llu and digest",
			ds, resp.body_len, (unsigned long long)size);
	}
	sg_arena_trim(r->arena, q.resp, resp.body_len);
	*out = sg_slice_make(q.resp, resp.body_len);
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_put_blob(sg_registry *r, const char *repo, const uint8_t *p, size_t len,
	int *uploaded, sg_diag *d)
{
	uint8_t digest[32];
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	int exists;
	if (uploaded != NULL)
		*uploaded = 0;
	sg_oci_digest_of(p, len, digest);
	sg_oci_digest_format(digest, ds);
	SG_TRY(blob_head(r, repo, digest, SG_REGISTRY_PUSH, &exists, d));
	if (exists)
		return SG_OK;

	/* POST /v2/<repo>/blobs/uploads/ -> 202 + Location */
	uint8_t url[URL_CAP], loc[URL_CAP];
	struct req q;
	req_init(&q, "POST", repo, SG_REGISTRY_PUSH);
	q.resp = r->small;
	q.resp_cap = r->small_cap;
	SG_TRY(api_url(r, repo, "blobs", "uploads/", url, sizeof url, &q.url, d));
	sg_http_response resp;
	SG_TRY(reg_do(r, &q, &resp, d));
	if (resp.status == 201) {
		/* Created already (a mount or a single-POST upload). */
		if (uploaded != NULL)
			*uploaded = 1;
		return SG_OK;
	}
	if (resp.status != 202)
		return status_fail(r, &q, &resp, d);
	sg_slice lv;
	if (!sg_http_header_get(&resp.head, "Location", &lv))
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "blob upload",
			"POST %.*s answered 202 without a Location", (int)q.url.len,
			(const char *)q.url.p);
	/* The Location may be relative; it may carry a query (e.g. "?_state=") to keep. */
	sg_url base;
	SG_TRY(sg_url_parse(q.url.p, q.url.len, &base, d));
	sg_buf lb;
	sg_buf_init(&lb, loc, sizeof loc - 1);
	SG_TRY(sg_url_resolve(&base, lv.p, lv.len, &lb, d));
	sg_url lu;
	SG_TRY(sg_url_parse(lb.p, lb.len, &lu, d));
	sg_buf_putc(&lb, lu.has_query ? '&' : '?');
	sg_buf_puts(&lb, "digest=");
	put_query_escaped(&lb, (const uint8_t *)ds, strlen(ds));
	if (sg_buf_status(&lb) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "upload URL");

	/* PUT <Location>&digest=... with the bytes -> 201 */
	req_init(&q, "PUT", repo, SG_REGISTRY_PUSH);
	q.url = sg_buf_slice(&lb);
	q.content_type = "application/octet-stream";
	q.body = sg_slice_make(p, len);
	SG_TRY(reg_upload(r, &q, 204, digest, "blob upload", d));
	if (uploaded != NULL)
		*uploaded = 1;
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_put_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *media_type, const uint8_t *p, size_t len, uint8_t digest[32], sg_diag *d)
{
	uint8_t dg[32];
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	sg_oci_digest_of(p, len, dg);
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "PUT", repo, SG_REGISTRY_PUSH);
	q.content_type = media_type;
	q.body = sg_slice_make(p, len);
	SG_TRY(api_url(r, repo, "manifests", reference, url, sizeof url, &q.url, d));
	SG_TRY(reg_upload(r, &q, 202, dg, "manifest upload", d));
	if (digest != NULL)
		memcpy(digest, dg, 32);
	return SG_OK;
}

/* ---- token replies ---- */

/* see registry.h */
sg_err
sg_registry_parse_token(const uint8_t *json, size_t len, sg_arena *arena, uint8_t *tok,
	size_t cap, size_t *tok_len, sg_diag *d)
{
	*tok_len = 0;
	if (len > SG_MAX_TOKEN_REPLY)
		return sg_diag_fail(d, SG_ERR_LIMIT, "token reply");
	size_t mark = sg_arena_mark(arena);
	sg_json j;
	sg_slice t = {NULL, 0}, at = {NULL, 0};
	sg_err err = sg_json_parse(json, len, arena, "token reply", &j, d);
	if (err == SG_OK)
		err = sg_json_expect(&j, sg_json_root(&j), VFJ_OBJECT, "token reply", d);
	if (err == SG_OK)
		err = sg_json_get_str(&j, sg_json_root(&j), "token", SG_JSON_OPTIONAL,
			"token reply token", arena, &t, NULL, d);
	if (err == SG_OK)
		err = sg_json_get_str(&j, sg_json_root(&j), "access_token", SG_JSON_OPTIONAL,
			"token reply access_token", arena, &at, NULL, d);
	if (err != SG_OK)
		goto out;
	if (t.len == 0)
		t = at;
	if (t.len == 0) {
		err = sg_diag_failf(d, SG_ERR_OCI_AUTH, "token reply",
			"neither \"token\" nor \"access_token\" is set");
		goto out;
	}
	if (t.len > cap || t.len > SG_MAX_REGISTRY_TOKEN) {
		err = sg_diag_fail(d, SG_ERR_LIMIT, "token reply token");
		goto out;
	}
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] < 0x21 || t.p[i] > 0x7e) {
			err = sg_diag_failf(d, SG_ERR_OCI_AUTH, "token reply",
				"the token holds a byte that cannot go in a header");
			goto out;
		}
	}
	memcpy(tok, t.p, t.len);
	*tok_len = t.len;
out:
	sg_arena_release(arena, mark);
	return err;
}

/* ---- credential helpers ---- */

/* see registry.h */
sg_err
sg_cred_helper_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_cred_helper_reply *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "credential helper output", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "credential helper output", d));
	sg_slice user = {NULL, 0}, secret = {NULL, 0};
	SG_TRY(sg_json_get_str(&j, root, "Username", SG_JSON_OPTIONAL,
		"credential helper Username", arena, &user, NULL, d));
	SG_TRY(sg_json_get_str(&j, root, "Secret", SG_JSON_OPTIONAL, "credential helper Secret",
		arena, &secret, NULL, d));
	if (secret.len == 0)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"the helper returned no Secret");
	out->username = user;
	out->secret = secret;
	out->identity_token = sg_slice_eq_str(user, "<token>");
	return SG_OK;
}

static int
contains(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

/* see registry.h */
sg_err
sg_cred_helper_run(sg_slice helper, sg_slice server, unsigned timeout_ms, uint8_t *out,
	size_t cap, size_t *out_len, int *found, sg_diag *d)
{
	char prog[128];
	*out_len = 0;
	*found = 0;
	if (helper.len == 0 || helper.len > sizeof prog - 20)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper", "invalid helper name");
	for (size_t i = 0; i < helper.len; i++) {
		uint8_t c = helper.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '-'))
			return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
				"invalid helper name");
	}
	memcpy(prog, "docker-credential-", 18);
	memcpy(prog + 18, helper.p, helper.len);
	prog[18 + helper.len] = '\0';
	if (cap > SG_MAX_CRED_HELPER_OUTPUT)
		cap = SG_MAX_CRED_HELPER_OUTPUT;
	if (timeout_ms == 0)
		timeout_ms = SG_CRED_HELPER_TIMEOUT_MS;
	/* stdin: the server; stderr discarded (a helper may print secrets there on failure). */
	const char *const argv[] = {prog, "get", NULL};
	size_t n = 0;
	int code;
	sg_err err = sg_os_run(argv, server, 1, timeout_ms, "credential helper", out, cap, &n,
		&code, d);
	if (err == SG_ERR_TIMEOUT)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"%s did not answer within %u ms", prog, timeout_ms);
	if (err == SG_ERR_LIMIT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "credential helper",
			"%s printed more than %zu bytes", prog, cap);
	if (err == SG_ERR_NOT_FOUND)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"cannot run %s (is it in PATH?)", prog);
	if (err != SG_OK)
		return err;
	if (code == 0) {
		*found = 1;
		*out_len = n;
		return SG_OK;
	}
	if (contains(out, n, "credentials not found"))
		err = SG_OK; /* the helper knows nothing for this server */
	else
		err = sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper", "%s get failed", prog);
	sg_wipe(out, n);
	return err;
}
