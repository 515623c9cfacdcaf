/* Target functions: sg_jwt_decode, sg_jwt_principal, sg_jwt_looks_like */
/* Invariants: two runs agree; a failure leaves the claims zeroed; an accepted token has the
 * shape sg_jwt_looks_like recognises and is at most SG_MAX_JWT bytes; claim views never point
 * into the input (they are decoded copies); exp is never negative; the principal is the email
 * when there is one, else the sub. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/jwt.h"

static uint8_t mem[2][1u << 20];

static int
inside(sg_slice s, const uint8_t *p, size_t n)
{
	return s.len > 0 && s.p >= p && s.p < p + n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_jwt_claims c[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		e[r] = sg_jwt_decode(data, size, &a, &c[r], NULL);
	}
	if (e[0] != e[1] || c[0].has_exp != c[1].has_exp || c[0].exp != c[1].exp ||
		c[0].email_verified != c[1].email_verified ||
		!sg_slice_eq(c[0].iss, c[1].iss) || !sg_slice_eq(c[0].sub, c[1].sub) ||
		!sg_slice_eq(c[0].email, c[1].email))
		abort();
	const sg_jwt_claims *v = &c[0];
	if (e[0] != SG_OK) {
		if (v->iss.len || v->sub.len || v->email.len || v->has_exp || v->exp ||
			v->email_verified)
			abort();
		return 0;
	}
	if (size > SG_MAX_JWT || !sg_jwt_looks_like(data, size))
		abort();
	if (inside(v->iss, data, size) || inside(v->sub, data, size) ||
		inside(v->email, data, size))
		abort();
	if (v->has_exp && v->exp < 0)
		abort();
	sg_slice p;
	sg_err pe = sg_jwt_principal(v, &p, NULL);
	if (pe == SG_OK) {
		if (v->email.len > 0 ? !sg_slice_eq(p, v->email) : !sg_slice_eq(p, v->sub))
			abort();
		if (p.len == 0)
			abort();
	} else if (p.len != 0) {
		abort();
	}
	return 0;
}
