/* fuzz_retry: a retry policy (sys/retry.h) for the harnesses that drive the HTTP client: the
 * defaults, waits skipped and a fixed wall clock, so a run is fast and repeatable. */
#ifndef SG_FUZZ_RETRY_H
#define SG_FUZZ_RETRY_H

#include "sys/retry.h"

static inline void
fuzz_retry_no_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

static inline int64_t
fuzz_retry_now(void)
{
	return 1700000000;
}

/* Reset `p` to the defaults with waits skipped and the clock fixed. */
static inline void
fuzz_retry_policy(sg_retry *p)
{
	sg_retry_init(p);
	p->sleep = fuzz_retry_no_sleep;
	p->wall_now = fuzz_retry_now;
}

#endif
