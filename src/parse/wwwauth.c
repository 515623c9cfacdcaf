/* wwwauth: WWW-Authenticate challenges. See wwwauth.h.
 *
 * Implementation notes. Grammar: RFC 7235 §2.1 (challenge, auth-param, token68), RFC 7230
 * §3.2.3 (OWS/BWS), §3.2.6 (token, quoted-string, quoted-pair), §7 (#list with empty
 * elements); RFC 6750 §3 (Bearer realm/scope/error), RFC 7617 §2 (Basic realm).
 * The one ambiguity of the grammar is a comma: after "a=b," the next item is either another
 * auth-param of the same challenge or a new challenge. It is a parameter iff it is a token
 * followed by BWS "="; otherwise it must be a new challenge's scheme. Likewise a token68 is
 * told from an auth-param by what follows its '=' run: nothing (or a comma) for token68.
 * The cursor `i` only moves forward and every loop is bounded by `len`. */
#include "parse/wwwauth.h"

#include <string.h>

static int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_t68char(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

static int
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static size_t
skip_ows(const uint8_t *v, size_t len, size_t i)
{
	while (i < len && is_ows(v[i]))
		i++;
	return i;
}

static size_t
scan_token(const uint8_t *v, size_t len, size_t i)
{
	while (i < len && is_tchar(v[i]))
		i++;
	return i;
}

SG_MUST_USE static sg_err
fail(sg_diag *d, size_t off)
{
	return sg_diag_fail_at(d, SG_ERR_OCI_CHALLENGE, "WWW-Authenticate", off);
}

/* quoted-string at v[*i] == '"'; the unescaped content goes to *out. */
SG_MUST_USE static sg_err
quoted(const uint8_t *v, size_t len, size_t *i, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	size_t start = *i + 1, k = start;
	int escaped = 0;
	for (;;) {
		if (k >= len)
			return fail(d, len);
		uint8_t c = v[k];
		if (c == '"')
			break;
		if (c == '\\') {
			if (k + 1 >= len)
				return fail(d, len);
			uint8_t e = v[k + 1];
			if (!(e == '\t' || (e >= 0x20 && e != 0x7f)))
				return fail(d, k + 1);
			escaped = 1;
			k += 2;
			continue;
		}
		/* qdtext: HTAB, SP, VCHAR except '"' and '\', obs-text */
		if (!(c == '\t' || (c >= 0x20 && c != 0x7f)))
			return fail(d, k);
		k++;
	}
	size_t rawlen = k - start;
	*i = k + 1;
	if (!escaped) {
		*out = sg_slice_make(v + start, rawlen);
		return SG_OK;
	}
	void *mem;
	SG_TRY(sg_arena_get(arena, rawlen, &mem, d));
	uint8_t *o = mem;
	size_t n = 0;
	for (size_t q = start; q < k; q++) {
		if (v[q] == '\\')
			q++;
		o[n++] = v[q];
	}
	*out = sg_slice_make(o, n);
	return SG_OK;
}

/* One auth-param at v[*i] (a token start). */
SG_MUST_USE static sg_err
param(const uint8_t *v, size_t len, size_t *i, sg_arena *arena, sg_wwwauth_challenge *c,
	sg_diag *d)
{
	size_t s = *i, e = scan_token(v, len, s);
	if (e == s)
		return fail(d, s);
	size_t k = skip_ows(v, len, e);
	if (k >= len || v[k] != '=')
		return fail(d, k);
	k = skip_ows(v, len, k + 1);
	sg_slice val;
	if (k < len && v[k] == '"') {
		SG_TRY(quoted(v, len, &k, arena, &val, d));
	} else {
		size_t ve = scan_token(v, len, k);
		if (ve == k)
			return fail(d, k);
		val = sg_slice_make(v + k, ve - k);
		k = ve;
	}
	sg_slice name = sg_slice_make(v + s, e - s);
	for (size_t q = 0; q < c->nparams; q++)
		if (sg_slice_ieq(c->params[q].name, name))
			return fail(d, s);
	if (c->nparams >= SG_MAX_WWWAUTH_PARAMS)
		return sg_diag_fail_at(d, SG_ERR_LIMIT, "WWW-Authenticate", s);
	c->params[c->nparams].name = name;
	c->params[c->nparams].value = val;
	c->nparams++;
	*i = k;
	return SG_OK;
}

/* Is there an auth-param (token BWS "=") at v[i], rather than a new challenge? A token68
 * ending in '=' is not a param: the '=' run would be followed by the end or a comma. */
static int
param_ahead(const uint8_t *v, size_t len, size_t i)
{
	size_t e = scan_token(v, len, i);
	if (e == i)
		return 0;
	size_t k = skip_ows(v, len, e);
	return k < len && v[k] == '=';
}

SG_MUST_USE static sg_err
parse(const uint8_t *v, size_t len, sg_arena *arena, sg_wwwauth_challenge *out, size_t cap,
	size_t *n, sg_diag *d)
{
	if (len > SG_MAX_HTTP_HEADER_BLOCK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "WWW-Authenticate");
	size_t i = 0;
	for (;;) {
		/* empty list elements */
		while (i < len && (v[i] == ',' || is_ows(v[i])))
			i++;
		if (i >= len)
			break;
		/* auth-scheme */
		size_t s = i, e = scan_token(v, len, i);
		if (e == s)
			return fail(d, s);
		if (*n >= cap)
			return sg_diag_fail_at(d, SG_ERR_LIMIT, "WWW-Authenticate", s);
		sg_wwwauth_challenge *c = &out[*n];
		(*n)++;
		c->scheme = sg_slice_make(v + s, e - s);
		i = e;
		if (i >= len || v[i] == ',')
			continue;
		if (v[i] != ' ')
			return fail(d, i);
		while (i < len && v[i] == ' ')
			i++;
		if (i >= len)
			break;
		if (v[i] == ',')
			continue;
		/* token68? */
		size_t t = i;
		while (t < len && is_t68char(v[t]))
			t++;
		size_t eq = t;
		while (eq < len && v[eq] == '=')
			eq++;
		size_t after = skip_ows(v, len, eq);
		if (t > i && (after >= len || v[after] == ',')) {
			c->token68 = sg_slice_make(v + i, eq - i);
			i = after;
			continue;
		}
		/* #auth-param */
		SG_TRY(param(v, len, &i, arena, c, d));
		for (;;) {
			size_t k = skip_ows(v, len, i);
			if (k >= len) {
				i = k;
				break;
			}
			if (v[k] != ',')
				return fail(d, k);
			/* skip empty elements, then decide: param of this challenge or a new one */
			while (k < len && (v[k] == ',' || is_ows(v[k])))
				k++;
			if (k >= len) {
				i = k;
				break;
			}
			if (!param_ahead(v, len, k)) {
				i = k;
				break;
			}
			i = k;
			SG_TRY(param(v, len, &i, arena, c, d));
		}
	}
	if (*n == 0)
		return sg_diag_failf(d, SG_ERR_OCI_CHALLENGE, "WWW-Authenticate", "no challenge");
	return SG_OK;
}

/* see wwwauth.h */
sg_err
sg_wwwauth_parse(const uint8_t *v, size_t len, sg_arena *arena, sg_wwwauth_challenge *out,
	size_t cap, size_t *n, sg_diag *d)
{
	*n = 0;
	if (cap > 0)
		memset(out, 0, cap * sizeof *out);
	sg_err e = parse(v, len, arena, out, cap, n, d);
	if (e != SG_OK) {
		if (cap > 0)
			memset(out, 0, cap * sizeof *out);
		*n = 0;
	}
	return e;
}

/* see wwwauth.h */
sg_slice
sg_wwwauth_param_get(const sg_wwwauth_challenge *c, const char *name, int *present)
{
	for (size_t i = 0; i < c->nparams; i++)
		if (sg_slice_ieq_str(c->params[i].name, name)) {
			if (present != NULL)
				*present = 1;
			return c->params[i].value;
		}
	if (present != NULL)
		*present = 0;
	return sg_slice_make(NULL, 0);
}

/* see wwwauth.h */
sg_err
sg_wwwauth_select(const sg_wwwauth_challenge *chs, size_t n, sg_wwwauth *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	const sg_wwwauth_challenge *pick = NULL;
	sg_auth_scheme scheme = SG_AUTH_NONE;
	for (size_t i = 0; i < n && scheme != SG_AUTH_BEARER; i++) {
		if (sg_slice_ieq_str(chs[i].scheme, "bearer")) {
			pick = &chs[i];
			scheme = SG_AUTH_BEARER;
		} else if (scheme == SG_AUTH_NONE && sg_slice_ieq_str(chs[i].scheme, "basic")) {
			pick = &chs[i];
			scheme = SG_AUTH_BASIC;
		}
	}
	if (pick == NULL)
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "WWW-Authenticate",
			"no Bearer or Basic challenge");
	out->realm = sg_wwwauth_param_get(pick, "realm", NULL);
	if (scheme == SG_AUTH_BEARER) {
		if (out->realm.len == 0) {
			memset(out, 0, sizeof *out);
			return sg_diag_failf(d, SG_ERR_OCI_CHALLENGE, "WWW-Authenticate",
				"Bearer challenge without a realm");
		}
		out->service = sg_wwwauth_param_get(pick, "service", NULL);
		out->scope = sg_wwwauth_param_get(pick, "scope", NULL);
		out->error = sg_wwwauth_param_get(pick, "error", NULL);
	}
	out->scheme = scheme;
	return SG_OK;
}
