/* Target functions: sg_signing_config_parse, sg_signing_config_select_one,
 * sg_signing_config_select */
/* Invariants: two runs agree; a failure leaves the config zeroed; on success every kind holds
 * at most SG_MAX_SC_SERVICES services with non-empty URLs inside the arena; selection at a few
 * fixed times returns services of one API version only, each valid at that time, at most one
 * per non-empty operator, and never more than the caller's room. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstore/signing_config.h"

static uint8_t mem[2][1u << 20];
static sg_signing_config sc[2];

/* A view lies in the input or, for an unescaped string, in the arena. */
static int
inside(sg_slice s, const uint8_t *in, size_t n, const sg_arena *a)
{
	return s.len == 0 || (s.p >= in && s.p + s.len <= in + n) ||
		(s.p >= a->base && s.p + s.len <= a->base + a->used);
}

static void
check_select(const sg_signing_config *c, sg_sc_kind kind, int64_t now)
{
	static const uint32_t v[] = {1, 2};
	const sg_sc_service *out[4], *one;
	size_t n = 0;
	int other;
	sg_err e = sg_signing_config_select(c, kind, now, v, 2, out, 4, &n, &other, NULL);
	if (e != SG_OK) {
		if (n != 0)
			abort();
	} else {
		if (n == 0 || n > 4)
			abort();
		for (size_t i = 0; i < n; i++) {
			if (out[i]->major != out[0]->major || out[i]->start > now ||
				out[i]->end < now)
				abort();
			for (size_t k = 0; k < i; k++)
				if (out[i] == out[k] || (out[i]->operator.len > 0 &&
								sg_slice_eq(out[i]->operator,
									out[k]->operator)))
					abort();
		}
	}
	e = sg_signing_config_select_one(c, kind, now, v, 2, &one, &other, NULL);
	if ((e == SG_OK) != (one != NULL))
		abort();
	if (one != NULL && (one->start > now || one->end < now))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_err e[2];
	sg_arena a[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_signing_config_parse(data, size, &a[r], &sc[r], NULL);
	}
	if (e[0] != e[1])
		abort();
	const sg_signing_config *c = &sc[0];
	if (e[0] != SG_OK) {
		static const sg_signing_config zero;
		if (memcmp(c, &zero, sizeof zero) != 0)
			abort();
		return 0;
	}
	for (int k = 0; k < SG_SC_KINDS; k++) {
		if (c->n[k] > SG_MAX_SC_SERVICES || c->n[k] != sc[1].n[k])
			abort();
		for (size_t i = 0; i < c->n[k]; i++)
			if (c->services[k][i].url.len == 0 ||
				!inside(c->services[k][i].url, data, size, &a[0]) ||
				!inside(c->services[k][i].operator, data, size, &a[0]))
				abort();
	}
	static const int64_t times[] = {0, 1700000000, 1800000000, INT64_MAX};
	for (size_t t = 0; t < sizeof times / sizeof times[0]; t++)
		for (int k = 0; k < SG_SC_KINDS; k++)
			check_select(c, (sg_sc_kind)k, times[t]);
	return 0;
}
