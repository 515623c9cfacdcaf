/* Target functions: sg_fulcio_parse_response */
/* Input: the first byte picks the HTTP status (200, 201, 400, 500), the rest is the body.
 * Invariants: two runs agree; a failure leaves the chain empty; an accepted chain has 1 to
 * SG_MAX_CHAIN certificates of 1 to SG_MAX_CERT bytes, decoded into the arena (never views of
 * the input), and only a 200 or 201 is ever accepted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "online/fulcio.h"

static uint8_t mem[2][1u << 21];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[4] = {200, 201, 400, 500};
	if (size == 0)
		return 0;
	int status = statuses[data[0] % 4];
	const uint8_t *body = data + 1;
	size_t len = size - 1;
	sg_fulcio_chain c[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		e[r] = sg_fulcio_parse_response(status, body, len, &a, &c[r], NULL);
	}
	if (e[0] != e[1] || c[0].n != c[1].n)
		abort();
	if (e[0] != SG_OK) {
		if (c[0].n != 0)
			abort();
		return 0;
	}
	if (status != 200 && status != 201)
		abort();
	if (c[0].n == 0 || c[0].n > SG_MAX_CHAIN)
		abort();
	for (size_t i = 0; i < c[0].n; i++) {
		sg_slice s = c[0].der[i];
		if (s.len == 0 || s.len > SG_MAX_CERT || !sg_slice_eq(s, c[1].der[i]))
			abort();
		if (s.p < mem[0] || s.p + s.len > mem[0] + sizeof mem[0])
			abort();
	}
	return 0;
}
