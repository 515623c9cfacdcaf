/* retry: backoff, jitter, Retry-After and the retry line. See retry.h.
 *
 * Implementation notes
 * - Which answers: RFC 9110 §15.5.9 (408), RFC 6585 §4 (429), §15.6 (5xx; 501 and 505 name a
 *   permanent property of the request). ggcr retries 408, 429, 500, 502, 503, 504 and
 *   temporary network errors; go-retryablehttp every 5xx but 501. We take the union.
 * - Backoff: "equal jitter" (AWS architecture blog, "Exponential Backoff And Jitter"): half of
 *   the exponential step is kept, the other half drawn, so a wait is never near zero (a
 *   throttled registry gets a real pause) and signers that failed together spread out.
 * - Retry-After (RFC 9110 §10.2.3) is a floor, not a replacement: we wait the longer of it and
 *   our backoff, and refuse (fail now) when it asks for more than max_after_ms. */
#include "sys/retry.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "sys/os.h"

/* see retry.h */
void
sg_retry_init(sg_retry *p)
{
	memset(p, 0, sizeof *p);
	p->max_retries = SG_RETRY_MAX_RETRIES;
	p->base_ms = SG_RETRY_BASE_MS;
	p->max_backoff_ms = SG_RETRY_MAX_BACKOFF_MS;
	p->max_after_ms = SG_RETRY_MAX_AFTER_MS;
}

/* see retry.h */
int
sg_retry_status(int status)
{
	if (status == 408 || status == 429)
		return 1;
	return status >= 500 && status <= 599 && status != 501 && status != 505;
}

/* see retry.h */
int
sg_retry_error(sg_err e)
{
	return e == SG_ERR_NET_CONNECT || e == SG_ERR_NET_TIMEOUT || e == SG_ERR_NET_CLOSED ||
		e == SG_ERR_NET_IO || e == SG_ERR_TLS_IO || e == SG_ERR_HTTP_TRUNCATED;
}

/* Equal jitter: keep half of `ms`, draw the other half. */
static uint64_t
jitter(sg_retry *p, uint64_t ms)
{
	if (p->rng == NULL || ms <= 1)
		return ms;
	uint8_t r[4];
	sg_drbg_generate(p->rng, r, sizeof r);
	uint32_t x = (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 |
		(uint32_t)r[3] << 24;
	uint64_t half = ms / 2u;
	return ms - half + (uint64_t)x % (half + 1u);
}

static void
sleep_ms(sg_retry *p, unsigned ms)
{
	if (p->sleep != NULL)
		p->sleep(p->sleep_ctx, ms);
	else
		sg_os_sleep_ms(ms);
}

/* see retry.h */
unsigned
sg_retry_backoff_ms(sg_retry *p, unsigned retry)
{
	uint64_t ms = p->base_ms;
	for (unsigned i = 1; i < retry && ms < p->max_backoff_ms; i++)
		ms *= 2u;
	if (ms > p->max_backoff_ms)
		ms = p->max_backoff_ms;
	return (unsigned)jitter(p, ms);
}

/* see retry.h */
void
sg_retry_sleep(sg_retry *p, unsigned ms)
{
	sleep_ms(p, (unsigned)jitter(p, ms));
}

/* Copy `s` into the line, printable ASCII only (a reason phrase is the server's text). */
static void
put_clean(char *line, size_t cap, size_t *n, const char *s)
{
	for (; *s != '\0' && *n + 1 < cap; s++)
		line[(*n)++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	line[*n] = '\0';
}

static void
say(sg_retry *p, const char *a, const char *what, const char *b)
{
	if (p->note == NULL)
		return;
	char line[768];
	size_t n = 0;
	line[0] = '\0';
	put_clean(line, sizeof line, &n, a);
	put_clean(line, sizeof line, &n, what);
	put_clean(line, sizeof line, &n, b);
	p->note(p->note_ctx, line);
}

/* see retry.h */
int
sg_retry_pause(sg_retry *p, unsigned retry, unsigned of, uint64_t now, uint64_t after_ms,
	const char *what, const char *why)
{
	if (retry == 0 || retry > of)
		return 0;
	char tail[320];
	if (after_ms > p->max_after_ms) {
		snprintf(tail, sizeof tail, ": %s; the server asks to wait %llu s, more than %u s",
			why, (unsigned long long)(after_ms / 1000u), p->max_after_ms / 1000u);
		say(p, "Not retrying ", what, tail);
		return 0;
	}
	uint64_t wait = sg_retry_backoff_ms(p, retry);
	if (after_ms > wait)
		wait = after_ms;
	/* Seconds with one decimal; a wait is at most max_after_ms here, so it fits. */
	unsigned ws = (unsigned)(wait / 1000u), wd = (unsigned)(wait % 1000u / 100u);
	if (p->deadline_ms != 0 && now + wait >= p->deadline_ms) {
		snprintf(tail, sizeof tail, ": %s; waiting %u.%u s would pass the deadline", why,
			ws, wd);
		say(p, "Not retrying ", what, tail);
		return 0;
	}
	snprintf(tail, sizeof tail, " in %u.%u s (retry %u of %u): %s", ws, wd, retry, of, why);
	say(p, "Retrying ", what, tail);
	p->retries++;
	sleep_ms(p, (unsigned)wait);
	return 1;
}
