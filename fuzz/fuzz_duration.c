/* Target functions: sg_duration_parse, sg_duration_format, sg_net_parse_timeout */
/* Invariants: parsing is deterministic and never negative; an accepted duration written back
 * by sg_duration_format parses to the same seconds; --timeout's parser accepts exactly the
 * durations of 1 s to 24 h (ms = seconds * 1000) when the text ends in a unit, and otherwise
 * a number of seconds between 1 ms and 24 h. */
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
	int64_t s1, s2;
	sg_err e1 = sg_duration_parse(data, size, &s1);
	sg_err e2 = sg_duration_parse(data, size, &s2);
	if (e1 != e2 || (e1 == SG_OK && (s1 != s2 || s1 < 0)))
		abort();
	if (e1 == SG_OK) {
		char buf[32];
		int64_t back;
		if (sg_duration_format(s1, buf, sizeof buf) != SG_OK ||
			sg_duration_parse((const uint8_t *)buf, strlen(buf), &back) != SG_OK ||
			back != s1)
			abort();
	}
	/* The flag's text is NUL-terminated: inputs with a NUL stop there. */
	char z[257];
	memcpy(z, data, size);
	z[size] = '\0';
	size_t n = strlen(z);
	unsigned ms = 7;
	sg_err t = sg_net_parse_timeout(z, &ms, NULL);
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
