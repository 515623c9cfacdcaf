/* Target functions: sg_hex_decode, sg_hex_encode */
/* Invariants: accepted hex re-encodes to the same bytes; any bytes encode and decode back;
 * rejected input leaves *out_len 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"

#define MAX_IN 8192

static uint8_t out[MAX_IN], back[MAX_IN], text[2 * MAX_IN];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_IN)
		return 0;
	size_t n = 7;
	sg_buf b;
	sg_err e = sg_hex_decode(data, size, out, sizeof out, &n, NULL);
	if (e != SG_OK) {
		if (n != 0)
			abort();
	} else {
		if (n * 2 != size)
			abort();
		sg_buf_init(&b, text, sizeof text);
		if (sg_hex_encode(out, n, &b) != SG_OK || b.len != size)
			abort();
		if (size > 0 && memcmp(text, data, size) != 0)
			abort();
	}
	/* The input as bytes: encode, then decode back. */
	sg_buf_init(&b, text, sizeof text);
	if (sg_hex_encode(data, size, &b) != SG_OK || b.len != 2 * size)
		abort();
	if (sg_hex_decode(text, b.len, back, sizeof back, &n, NULL) != SG_OK || n != size)
		abort();
	if (size > 0 && memcmp(back, data, size) != 0)
		abort();
	return 0;
}
