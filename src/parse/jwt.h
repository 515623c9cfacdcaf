/* jwt: the claims of an OIDC identity token (rank 1), decoded, not verified: Fulcio checks
 * the signature and the issuer. The payload is decoded for the claims the client needs (iss,
 * sub, email, email_verified, exp), strictly: three segments, base64url without padding, a
 * header and a payload that are JSON objects, claims of the right types. */
#ifndef SG_JWT_H
#define SG_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

typedef struct sg_jwt_claims {
	sg_slice iss;       /* empty when absent; views into the arena */
	sg_slice sub;
	sg_slice email;
	int email_verified; /* true, "true" or "True" */
	int has_exp;
	int64_t exp;        /* Unix seconds; a fraction is dropped */
} sg_jwt_claims;

/* Decode the claims of a compact JWS `tok` (at most SG_MAX_JWT bytes, nothing around it).
 * Decoded bytes live in `arena`. Errors: SG_ERR_LIMIT (too long, or the arena is full),
 * SG_ERR_OIDC_TOKEN (not three segments, a segment that is not base64url, a header or payload
 * that is not a JSON object, a claim of the wrong type; the detail says which, never the
 * token). `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_jwt_decode(
	const uint8_t *tok, size_t len, sg_arena *arena, sg_jwt_claims *out, sg_diag *d);

/* The name the proof of possession signs (protocol.md §3.1): the email claim when it is
 * non-empty (then email_verified must hold: SG_ERR_OIDC_TOKEN "email ... not verified by
 * identity provider"), else the sub claim (SG_ERR_OIDC_TOKEN "no subject found in claims"). */
SG_MUST_USE sg_err sg_jwt_principal(const sg_jwt_claims *c, sg_slice *out, sg_diag *d);

/* SG_ERR_OIDC_EXPIRED when the token has expired at `now` (exp <= now) and SG_ERR_OIDC_TOKEN
 * when it has no exp claim (Fulcio refuses such tokens too). The detail gives the times. */
SG_MUST_USE sg_err sg_jwt_check_expiry(const sg_jwt_claims *c, int64_t now, sg_diag *d);

/* 1 when `p[0..len)` has the shape of a compact JWS: two dots, base64url characters only, a
 * non-empty header and payload (the signature may be empty, as with alg "none"). */
int sg_jwt_looks_like(const uint8_t *p, size_t len);

#endif
