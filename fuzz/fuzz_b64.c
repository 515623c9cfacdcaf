/* Target functions: sg_b64_decode, sg_b64_encode, sg_b64_decoded_max, sg_b64_encoded_len */
/* Invariants: an accepted input re-encodes, with the alphabet and padding it used, to exactly
 * the same bytes (base64 here is canonical); a stricter flag set never accepts what SG_B64_ANY
 * rejects and agrees on the bytes; rejected inputs leave *out_len 0; a second run agrees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"

#define MAX_IN 8192

static uint8_t out[MAX_IN], out2[MAX_IN], re[MAX_IN + 4];

static void
check_reencode(const uint8_t *data, size_t size, const uint8_t *dec, size_t n)
{
	unsigned alpha = (memchr(data, '-', size) || memchr(data, '_', size)) ? SG_B64_URL
									     : SG_B64_STD;
	/* Unpadded input of length 4k has no padding to show; padded encoding writes none. */
	unsigned pad = size % 4 == 0 ? SG_B64_PAD : 0;
	sg_buf b;
	sg_buf_init(&b, re, sizeof re);
	if (sg_b64_encode(dec, n, alpha | pad, &b) != SG_OK)
		abort();
	if (b.len != size || b.len != sg_b64_encoded_len(n, alpha | pad))
		abort();
	if (size > 0 && memcmp(re, data, size) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_IN)
		return 0;
	static const unsigned strict[] = {SG_B64_STD | SG_B64_PAD, SG_B64_STD | SG_B64_NOPAD,
		SG_B64_URL | SG_B64_PAD, SG_B64_URL | SG_B64_NOPAD};
	size_t n = 7, n2 = 7;
	sg_err e = sg_b64_decode(data, size, SG_B64_ANY, out, sizeof out, &n, NULL);
	sg_err e2 = sg_b64_decode(data, size, SG_B64_ANY, out2, sizeof out2, &n2, NULL);
	if (e != e2 || n != n2 || (e == SG_OK && n > 0 && memcmp(out, out2, n) != 0))
		abort();
	if (e != SG_OK) {
		if (n != 0)
			abort();
	} else {
		if (n > sg_b64_decoded_max(size))
			abort();
		check_reencode(data, size, out, n);
	}
	for (size_t i = 0; i < sizeof strict / sizeof strict[0]; i++) {
		sg_err es = sg_b64_decode(data, size, strict[i], out2, sizeof out2, &n2, NULL);
		if (es == SG_OK && (e != SG_OK || n2 != n || (n > 0 && memcmp(out, out2, n) != 0)))
			abort();
	}
	/* A capacity one short of the decoded size must be refused. */
	if (e == SG_OK && n > 0) {
		if (sg_b64_decode(data, size, SG_B64_ANY, out2, n - 1, &n2, NULL) != SG_ERR_LIMIT)
			abort();
	}
	return 0;
}
