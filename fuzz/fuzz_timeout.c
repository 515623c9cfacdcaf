/* Target functions: sg_net_parse_timeout (over sg_duration_parse, which fuzz_duration covers
 * alone) */
/* Invariants: --timeout's parser is deterministic, leaves 0 on failure, accepts exactly the
 * Go durations of 1 s to 24 h (ms = seconds * 1000) when the text ends in a unit, and
 * otherwise a number of seconds between 1 ms and 24 h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "sys/net.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	/* The flag's text is NUL-terminated: inputs with a NUL stop there. */
	char z[257];
	memcpy(z, data, size);
	z[size] = '\0';
	size_t n = strlen(z);
	unsigned ms = 7;
	unsigned ms2 = 9;
	sg_err t = sg_net_parse_timeout(z, &ms, NULL);
	if (t != sg_net_parse_timeout(z, &ms2, NULL) || ms != ms2)
		abort();
	if (t != SG_OK) {
		if (ms != 0)
			abort();
		return 0;
	}
	if (ms == 0 || ms > 86400000u)
		abort();
	if (n > 0 && !(z[n - 1] >= '0' && z[n - 1] <= '9')) {
		int64_t secs;
		if (sg_duration_parse((const uint8_t *)z, n, &secs) != SG_OK ||
			(uint64_t)secs * 1000u != ms)
			abort();
	}
	return 0;
}
