/* regauth: how picosign authenticates to a registry. See regauth.h.
 *
 * Implementation notes
 * - Sources: protocol.md §2.6 (ping, Basic, the Bearer token flow, scopes), the distribution
 *   "token authentication" specification (GET realm?scope=..&service=..) and its OAuth2 form
 *   (POST grant_type=refresh_token), and ggcr's transport package for the details cosign users
 *   see (form keys sorted, the GET fallback when the OAuth2 endpoint is absent, "token" else
 *   "access_token").
 * - Secrets (password, identity token, bearer tokens, the Authorization value) live in the
 *   struct's buffers and the caller's views; every buffer that held one is wiped right after
 *   use, and so is the HTTP client's read buffer after a token reply. They never reach a diag.
 * - The realm comes only from the registry's own challenges (the ping, or a 401 from the
 *   registry's origin): a storage host a redirect led to never chooses where our password
 *   goes (sg_registry's request path enforces the origin check). */
#include "online/regauth.h"

#include <string.h>

#include "parse/codec.h"
#include "parse/json.h"
#include "parse/url.h"

/* Room for a token URL: the realm and its query. */
#define SG_REGAUTH_URL_CAP (SG_MAX_URL + 1u)
/* Authorization value: "Bearer " + token, or "Basic " + base64 of user:password. */
#define AUTHZ_CAP (SG_MAX_REGISTRY_TOKEN + 16u)

/* see regauth.h */
sg_err
sg_regauth_init(sg_regauth *r, sg_http_client *http, const char *base, sg_http_plain plain,
	const sg_registry_creds *creds, sg_arena *arena, sg_diag *d)
{
	memset(r, 0, sizeof *r);
	size_t n = strlen(base);
	if (n > SG_REGISTRY_BASE_MAX)
		return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	memcpy(r->base, base, n + 1);
	r->base_len = n;
	r->http = http;
	r->arena = arena;
	r->plain = plain;
	if (creds != NULL)
		r->creds = *creds;
	SG_TRY(sg_arena_get(arena, AUTHZ_CAP, (void **)&r->authz, d));
	r->authz_cap = AUTHZ_CAP;
	SG_TRY(sg_arena_get(arena, SG_MAX_TOKEN_REPLY, (void **)&r->small, d));
	r->small_cap = SG_MAX_TOKEN_REPLY;
	/* Token buffers now, so callers may hand back later arena scratch freely. */
	SG_TRY(sg_regauth_tokens_init(&r->own, arena, d));
	r->tokens = &r->own;
	return SG_OK;
}

/* see regauth.h */
sg_err
sg_regauth_tokens_init(sg_regauth_tokens *s, sg_arena *arena, sg_diag *d)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < SG_REGISTRY_MAX_SCOPES; i++)
		SG_TRY(sg_arena_get(arena, SG_MAX_REGISTRY_TOKEN, (void **)&s->t[i].token, d));
	return SG_OK;
}

/* see regauth.h */
void
sg_regauth_tokens_wipe(sg_regauth_tokens *s)
{
	for (size_t i = 0; i < SG_REGISTRY_MAX_SCOPES; i++) {
		if (s->t[i].token != NULL)
			sg_wipe(s->t[i].token, SG_MAX_REGISTRY_TOKEN);
		s->t[i].len = 0;
		s->t[i].scope[0] = '\0';
	}
	s->n = 0;
}

/* see regauth.h */
void
sg_regauth_share_tokens(sg_regauth *r, sg_regauth_tokens *s)
{
	r->tokens = s;
}

/* see regauth.h */
void
sg_regauth_close(sg_regauth *r)
{
	sg_regauth_tokens_wipe(&r->own);
	r->tokens = &r->own;
	if (r->authz != NULL)
		sg_wipe(r->authz, r->authz_cap);
	if (r->small != NULL)
		sg_wipe(r->small, r->small_cap);
	memset(&r->creds, 0, sizeof r->creds);
}

/* see regauth.h */
sg_err
sg_regauth_learn(sg_regauth *r, const sg_http_response *resp, sg_auth_scheme *scheme,
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

/* see regauth.h */
sg_err
sg_regauth_ping(sg_regauth *r, sg_diag *d)
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
	int taken;
	SG_TRY(sg_regauth_take_ping(r, &resp, &taken, d));
	if (!taken)
		return sg_regerr_fail("GET", req.url, &resp, r->arena, d);
	if (r->memo != NULL)
		sg_regauth_memo_keep(r->memo, &resp);
	return SG_OK;
}

/* see regauth.h */
void
sg_regauth_memo_keep(sg_regauth_memo *m, const sg_http_response *resp)
{
	m->status = 0;
	m->n_chal = 0;
	if (resp->status != 200 && resp->status != 401)
		return;
	size_t used = 0;
	for (size_t i = 0; i < resp->head.num_headers; i++) {
		const sg_http_header *h = &resp->head.headers[i];
		if (!sg_slice_ieq_str(h->name, "WWW-Authenticate"))
			continue;
		if (m->n_chal == SG_REGAUTH_MEMO_CHALS || h->value.len > SG_REGAUTH_MEMO_CAP - used)
			return; /* not kept whole: the next client pings itself */
		memcpy(m->chal + used, h->value.p, h->value.len);
		m->chal_len[m->n_chal++] = h->value.len;
		used += h->value.len;
	}
	m->status = resp->status;
}

/* see regauth.h */
sg_err
sg_regauth_memo_use(sg_regauth *r, sg_regauth_memo *m, sg_diag *d)
{
	if (m->status == 0) {
		r->memo = m;
		return SG_OK;
	}
	sg_http_header hs[SG_REGAUTH_MEMO_CHALS];
	size_t at = 0;
	for (size_t k = 0; k < m->n_chal; k++) {
		hs[k].name = sg_slice_str("WWW-Authenticate");
		hs[k].value = sg_slice_make(m->chal + at, m->chal_len[k]);
		at += m->chal_len[k];
	}
	sg_http_response resp;
	memset(&resp, 0, sizeof resp);
	resp.status = m->status;
	resp.head.minor = 1;
	resp.head.status = m->status;
	resp.head.headers = hs;
	resp.head.num_headers = m->n_chal;
	int taken;
	return sg_regauth_take_ping(r, &resp, &taken, d);
}

/* see regauth.h */
sg_err
sg_regauth_take_ping(sg_regauth *r, const sg_http_response *resp, int *taken, sg_diag *d)
{
	*taken = 0;
	if (resp->status == 200) {
		r->scheme = SG_AUTH_NONE;
	} else if (resp->status == 401) {
		char scope[SG_REGISTRY_SCOPE_MAX + 1];
		SG_TRY(sg_regauth_learn(r, resp, &r->scheme, scope, d));
	} else {
		return SG_OK;
	}
	r->pinged = 1;
	*taken = 1;
	return SG_OK;
}

static sg_regauth_token *
token_slot(sg_regauth *r, const char *scope, int create)
{
	sg_regauth_tokens *c = r->tokens;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->t[i].scope, scope) == 0)
			return &c->t[i];
	if (!create)
		return NULL;
	sg_regauth_token *t;
	if (c->n < SG_REGISTRY_MAX_SCOPES) {
		t = &c->t[c->n++];
	} else {
		/* Full: reuse the oldest slot. */
		t = &c->t[0];
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
basic_authz(sg_regauth *r, size_t *len, sg_diag *d)
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

/* see regauth.h */
int
sg_regauth_has_password(const sg_regauth *r)
{
	return r->creds.username.len > 0 || r->creds.password.len > 0;
}

/* Fetch a token for `scope` (and `extra`, a scope a challenge asked for, may be empty) into
 * slot `t` (protocol.md §2.6). */
SG_MUST_USE static sg_err
fetch_token(sg_regauth *r, const char *scope, const char *extra, sg_regauth_token *t,
	sg_diag *d)
{
	size_t mark = sg_arena_mark(r->arena);
	uint8_t *url = NULL, *form = NULL;
	size_t authz_len = 0;
	sg_err err;
	int post = r->creds.identity_token.len > 0;
	if ((err = sg_arena_get(r->arena, SG_REGAUTH_URL_CAP, (void **)&url, d)) != SG_OK)
		goto out;
	r->token_fetches++;
	for (int attempt = 0; attempt < 2; attempt++) {
		sg_buf ub;
		sg_buf_init(&ub, url, SG_REGAUTH_URL_CAP - 1);
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
			sg_url_put_query_escaped(&fb, r->creds.identity_token.p, r->creds.identity_token.len);
			sg_buf_puts(&fb, "&scope=");
			sg_url_put_query_escaped(&fb, (const uint8_t *)scope, strlen(scope));
			if (extra[0] != '\0') {
				sg_buf_puts(&fb, "%20");
				sg_url_put_query_escaped(&fb, (const uint8_t *)extra, strlen(extra));
			}
			sg_buf_puts(&fb, "&service=");
			sg_url_put_query_escaped(&fb, (const uint8_t *)r->service, r->service_len);
			if (sg_buf_status(&fb) != SG_OK) {
				err = sg_diag_fail(d, SG_ERR_LIMIT, "token request");
				goto out;
			}
			req.method = "POST";
			req.body = sg_buf_slice(&fb);
			req.secret_body = 1; /* the refresh token: never resent to another origin */
			req.replay = SG_HTTP_REPLAY_SAFE; /* a token grant changes nothing */
			hdr[nh].name = sg_slice_str("Content-Type");
			hdr[nh++].value = sg_slice_str("application/x-www-form-urlencoded");
		} else {
			int q = memchr(r->realm, '?', r->realm_len) != NULL;
			sg_buf_putc(&ub, q ? '&' : '?');
			sg_buf_puts(&ub, "scope=");
			sg_url_put_query_escaped(&ub, (const uint8_t *)scope, strlen(scope));
			if (extra[0] != '\0' && strcmp(extra, scope) != 0) {
				sg_buf_puts(&ub, "&scope=");
				sg_url_put_query_escaped(&ub, (const uint8_t *)extra, strlen(extra));
			}
			if (r->has_service) {
				sg_buf_puts(&ub, "&service=");
				sg_url_put_query_escaped(&ub, (const uint8_t *)r->service, r->service_len);
			}
			req.method = "GET";
			if (sg_regauth_has_password(r)) {
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
			err = sg_regerr_fail(req.method, sg_slice_make(r->realm, r->realm_len), &resp,
				r->arena, d);
			/* Whatever the token server said, this is an authentication failure. */
			if (d != NULL && d->code == SG_ERR_OCI_NOT_FOUND)
				d->code = SG_ERR_OCI_AUTH;
			if (err == SG_ERR_OCI_NOT_FOUND || err == SG_ERR_OCI_REGISTRY)
				err = SG_ERR_OCI_AUTH;
			sg_wipe(r->small, resp.body_len);
			goto out;
		}
		err = sg_regauth_parse_token(resp.body, resp.body_len, r->arena, t->token,
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

/* see regauth.h */
sg_err
sg_regauth_authorize(sg_regauth *r, const char *scope, const char *extra, int fresh, size_t *len,
	sg_diag *d)
{
	*len = 0;
	switch (r->scheme) {
	case SG_AUTH_NONE:
		return SG_OK;
	case SG_AUTH_BASIC:
		if (!sg_regauth_has_password(r))
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
		sg_regauth_token *t = token_slot(r, scope, 0);
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

/* see regauth.h */
sg_err
sg_regauth_parse_token(const uint8_t *json, size_t len, sg_arena *arena, uint8_t *tok,
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
