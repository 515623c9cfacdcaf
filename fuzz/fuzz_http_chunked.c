/* Target functions: sg_http_chunked_init, sg_http_chunked_decode */
/* Input: one byte choosing a piece size, then a chunked body. Invariants: decoding in pieces
 * gives the same status, decoded bytes and consumed count as decoding whole; decoded output
 * never exceeds the input consumed; errors are sticky; after the end nothing is consumed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/http1.h"

static uint8_t whole[1 << 17], piece[1 << 17], out[1 << 17];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size - 1 > sizeof whole)
		return 0;
	size_t step = (size_t)data[0] + 1;
	const uint8_t *in = data + 1;
	size_t n = size - 1;

	sg_http_chunked c;
	sg_http_chunked_init(&c);
	memcpy(whole, in, n);
	size_t dw, uw;
	sg_err ew = sg_http_chunked_decode(&c, whole, n, &dw, &uw, NULL);
	if (dw > uw || uw > n)
		abort();
	if (ew == SG_ERR_TRUNCATED && uw != n)
		abort();
	if (ew != SG_OK && ew != SG_ERR_TRUNCATED && ew != SG_ERR_HTTP_CHUNK)
		abort();
	size_t dx, ux;
	sg_err ex = sg_http_chunked_decode(&c, whole + uw, n - uw, &dx, &ux, NULL);
	if (ew == SG_ERR_HTTP_CHUNK && ex != SG_ERR_HTTP_CHUNK)
		abort();
	if (ew == SG_OK && (ex != SG_OK || ux != 0 || dx != 0))
		abort();

	sg_http_chunked p;
	sg_http_chunked_init(&p);
	size_t pos = 0, total = 0;
	sg_err ep = SG_ERR_TRUNCATED;
	while (pos < n) {
		size_t k = n - pos < step ? n - pos : step;
		memcpy(piece, in + pos, k);
		size_t dec, used;
		ep = sg_http_chunked_decode(&p, piece, k, &dec, &used, NULL);
		if (dec > used)
			abort();
		memcpy(out + total, piece, dec);
		total += dec;
		pos += used;
		if (ep != SG_ERR_TRUNCATED)
			break;
		if (used != k)
			abort();
	}
	if (n == 0)
		ep = ew;
	if (ep != ew)
		abort();
	if (ew != SG_ERR_HTTP_CHUNK && (total != dw || memcmp(out, whole, dw) != 0 || pos != uw))
		abort();
	return 0;
}
