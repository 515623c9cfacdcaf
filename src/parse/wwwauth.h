/* wwwauth: the WWW-Authenticate challenge parser (layer 3; RFC 7235 §2.1 and §4.1, list rules
 * of RFC 7230 §7, token and quoted-string of RFC 7230 §3.2.6; protocol.md §2.6).
 *
 *   WWW-Authenticate = *( "," OWS ) challenge *( OWS "," [ OWS challenge ] )
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *   token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * Strict: every byte must fit the grammar (no bare words after params, no unterminated
 * quotes, no control characters, no duplicate parameter names within one challenge), at most
 * SG_MAX_HTTP_HEADER_BLOCK bytes, SG_MAX_WWWAUTH_PARAMS params per challenge. Empty list
 * elements (",,") are skipped as RFC 7230 §7 requires. Scheme and parameter names are
 * case-insensitive; values are case-sensitive. A header sent several times is parsed once
 * per line by the caller, appending to the same array.
 * Views point into the input, or into the arena for quoted strings with escapes. */
#ifndef SG_WWWAUTH_H
#define SG_WWWAUTH_H

#include <stddef.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"

typedef struct sg_wwwauth_param {
	sg_slice name;
	sg_slice value; /* unquoted and unescaped */
} sg_wwwauth_param;

typedef struct sg_wwwauth_challenge {
	sg_slice scheme;
	sg_slice token68; /* p == NULL when the challenge has auth-params (or nothing) */
	sg_wwwauth_param params[SG_MAX_WWWAUTH_PARAMS];
	size_t nparams;
} sg_wwwauth_challenge;

/* Parse one header value into out[0..cap); *n is the number of challenges. Errors:
 * SG_ERR_OCI_CHALLENGE (with the offset of the offending byte), SG_ERR_LIMIT (value too long,
 * more than `cap` challenges or too many params, arena exhausted). On failure *n is 0 and
 * `out` is zeroed. An empty value (or only commas and spaces) gives SG_ERR_OCI_CHALLENGE. */
SG_MUST_USE sg_err sg_wwwauth_parse(const uint8_t *v, size_t len, sg_arena *arena,
	sg_wwwauth_challenge *out, size_t cap, size_t *n, sg_diag *d);

/* The value of parameter `name` (a constant; compared case-insensitively), or an empty slice
 * with p == NULL and *present = 0 (present may be NULL). */
sg_slice sg_wwwauth_param_get(const sg_wwwauth_challenge *c, const char *name, int *present);

typedef enum sg_auth_scheme {
	SG_AUTH_NONE = 0,
	SG_AUTH_BASIC,
	SG_AUTH_BEARER,
} sg_auth_scheme;

/* The challenge a registry client answers (protocol.md §2.6): the first Bearer challenge,
 * else the first Basic one. Slices with p == NULL are absent. */
typedef struct sg_wwwauth {
	sg_auth_scheme scheme;
	sg_slice realm;
	sg_slice service; /* Bearer */
	sg_slice scope;   /* Bearer; may hold several space-separated scopes */
	sg_slice error;   /* Bearer: "invalid_token", "insufficient_scope" (RFC 6750 §3) */
} sg_wwwauth;

/* Choose from challenges[0..n). Errors: SG_ERR_UNSUPPORTED when there is neither a Bearer nor
 * a Basic challenge, SG_ERR_OCI_CHALLENGE for a Bearer challenge without a non-empty realm.
 * `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_wwwauth_select(const sg_wwwauth_challenge *challenges, size_t n,
	sg_wwwauth *out, sg_diag *d);

#endif
