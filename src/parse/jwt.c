/* jwt: JWT claim decoding. See jwt.h.
 *
 * Implementation notes.
 *   - Grammar: RFC 7515 §7.1 compact serialization, BASE64URL(header) "." BASE64URL(payload)
 *     "." BASE64URL(signature), base64url as RFC 7515 §2 defines it (RFC 4648 §5 without '=');
 *     header and payload are UTF-8 JSON objects (RFC 7519 §7.2 steps 2-10). Claims per RFC 7519
 *     §4.1 (iss, sub, exp as a NumericDate: a JSON number, possibly with a fraction) and OpenID
 *     Connect Core §5.1 (email, email_verified).
 *   - Nothing here checks the signature or the issuer: Fulcio does. We decode only to pick the
 *     proof-of-possession name and to fail early (expired, malformed) with a clear message.
 *   - The token is a bearer credential: the detail of a failure says which part is wrong,
 *     never the token. */
#include "parse/jwt.h"

#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "parse/codec.h"
#include "parse/json.h"

static int
is_b64url_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_';
}

/* see jwt.h */
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

/* see jwt.h */
sg_err
sg_jwt_decode(const uint8_t *tok, size_t len, sg_arena *arena, sg_jwt_claims *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = jwt_decode(tok, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see jwt.h */
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

/* see jwt.h */
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
