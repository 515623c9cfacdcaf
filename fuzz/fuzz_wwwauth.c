/* Target functions: sg_wwwauth_parse, sg_wwwauth_param_get, sg_wwwauth_select */
/* Invariants: a failed parse leaves no challenges and zeroed output; parsing is deterministic;
 * schemes and parameter names are non-empty views inside the input; values lie inside the
 * input or the arena; no challenge repeats a parameter name; each parameter is found by
 * sg_wwwauth_param_get; a selected Bearer challenge has a non-empty realm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/wwwauth.h"

static uint8_t arena_mem[1u << 18];
static sg_wwwauth_challenge ch[SG_MAX_WWWAUTH_CHALLENGES], ch2[SG_MAX_WWWAUTH_CHALLENGES];

static int
inside(sg_slice s, const uint8_t *base, size_t size)
{
	return s.p != NULL && s.p >= base && s.len <= size && (size_t)(s.p - base) <= size - s.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	size_t n = 99, n2 = 99;
	sg_err e = sg_wwwauth_parse(data, size, &a, ch, SG_MAX_WWWAUTH_CHALLENGES, &n, NULL);
	sg_err e2 = sg_wwwauth_parse(data, size, &a, ch2, SG_MAX_WWWAUTH_CHALLENGES, &n2, NULL);
	if (e != e2 || n != n2)
		abort();
	if (e != SG_OK) {
		static const sg_wwwauth_challenge zero;
		if (n != 0 || memcmp(&ch[0], &zero, sizeof zero) != 0)
			abort();
		return 0;
	}
	if (n == 0 || n > SG_MAX_WWWAUTH_CHALLENGES)
		abort();
	for (size_t i = 0; i < n; i++) {
		const sg_wwwauth_challenge *c = &ch[i];
		if (c->scheme.len == 0 || !inside(c->scheme, data, size))
			abort();
		if (c->token68.p != NULL && (c->nparams != 0 || !inside(c->token68, data, size)))
			abort();
		for (size_t k = 0; k < c->nparams; k++) {
			sg_slice nm = c->params[k].name, v = c->params[k].value;
			if (nm.len == 0 || !inside(nm, data, size))
				abort();
			if (v.len > 0 && !inside(v, data, size) &&
				!inside(v, arena_mem, sizeof arena_mem))
				abort();
			if (!sg_slice_eq(v, ch2[i].params[k].value))
				abort();
			char name[64];
			if (nm.len < sizeof name) {
				memcpy(name, nm.p, nm.len);
				name[nm.len] = '\0';
				int present = 0;
				sg_slice got = sg_wwwauth_param_get(c, name, &present);
				/* names are unique (case-insensitively), so this is the same one */
				if (!present || got.p != v.p || got.len != v.len)
					abort();
			}
		}
	}
	sg_wwwauth w;
	if (sg_wwwauth_select(ch, n, &w, NULL) == SG_OK) {
		if (w.scheme == SG_AUTH_BEARER && w.realm.len == 0)
			abort();
		if (w.scheme != SG_AUTH_BEARER && w.scheme != SG_AUTH_BASIC)
			abort();
	} else if (w.scheme != SG_AUTH_NONE) {
		abort();
	}
	return 0;
}
