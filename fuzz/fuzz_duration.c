/* Target functions: sg_duration_parse, sg_duration_format */
/* fuzz_duration: Go duration text (base/timeutil.h), the --max-trust-root-age flag's grammar.
 * Invariants, with abort(): two runs agree; a failure leaves 0; a success is >= 0 and at most
 * 100 years; formatting it and parsing that gives the same number of seconds.
 * No clock, files, randomness or network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t a = -1, b = -1;
	sg_err e1 = sg_duration_parse(data, size, &a);
	sg_err e2 = sg_duration_parse(data, size, &b);
	if (e1 != e2 || a != b)
		abort();
	if (e1 != SG_OK) {
		if (a != 0)
			abort();
		return 0;
	}
	if (a < 0 || a > 100LL * 366 * 86400)
		abort();
	char text[32];
	int64_t c = -1;
	if (sg_duration_format(a, text, sizeof text) != SG_OK ||
		sg_duration_parse((const uint8_t *)text, strlen(text), &c) != SG_OK || c != a)
		abort();
	return 0;
}
