/* retry: the one retry policy of picosign's requests (rank 6; docs/transport.md "Retries").
 *
 * Registries, Fulcio, Rekor, TSA, TUF repositories and OIDC token endpoints throttle, fail
 * and restart. A request that failed for a reason that may pass is sent again, with an
 * exponential backoff and jitter, honouring the server's Retry-After, bounded by a count and
 * by the command's deadline, and each retry is announced in one line through a hook (the
 * library never prints). What may pass:
 *   - the answers 408, 429, and 5xx but 501 (Not Implemented) and 505 (HTTP Version Not
 *     Supported), which say something permanent about the request;
 *   - connection failures: refused, reset, closed without an answer, a response cut short,
 *     a timeout. Not: DNS failures, TLS certificate or handshake failures, body caps, bad
 *     framing, plain-http refusals, redirect errors: retrying cannot change those.
 *
 * sys/http.c applies it to every request of a client whose `retry` points here (see
 * sg_http_request.replay for POST and PATCH); online/tagrace.c also uses sg_retry_pause
 * between the redos of a write that concurrent signers raced. One policy serves a whole command: its counters and deadline are
 * the command's. */
#ifndef SG_RETRY_H
#define SG_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "crypto/drbg.h"

typedef struct sg_retry {
	unsigned max_retries;    /* retries after the first attempt (SG_RETRY_MAX_RETRIES) */
	unsigned base_ms;        /* the first backoff (SG_RETRY_BASE_MS); each later one doubles */
	unsigned max_backoff_ms; /* cap on one backoff (SG_RETRY_MAX_BACKOFF_MS) */
	unsigned max_after_ms;   /* the longest Retry-After honoured (SG_RETRY_MAX_AFTER_MS) */
	/* The command's deadline on the dialer's clock (now_ms), 0 for none: no wait ends past it,
	 * and a retried request's own deadline is cut to it. */
	uint64_t deadline_ms;
	/* Jitter: a uniform draw between half and all of each backoff. NULL: no jitter (the full
	 * backoff), for tests that count milliseconds. */
	sg_drbg *rng;
	/* Waits go through here; NULL: sg_os_sleep_ms. Tests advance a fake clock instead. */
	void (*sleep)(void *ctx, unsigned ms);
	void *sleep_ctx;
	/* The wall clock (Unix seconds) a Retry-After date is read against; NULL: sg_os_now. */
	int64_t (*wall_now)(void);
	/* One line per retry (and one when a retry is refused for its wait), without a newline:
	 * the method, the URL without its query, what went wrong and the wait. Never headers,
	 * bodies, queries or credentials. NULL: silent. */
	void (*note)(void *ctx, const char *line);
	void *note_ctx;
	unsigned retries;        /* retries made so far, all requests together (reports, tests) */
} sg_retry;

/* The defaults of limits.h: SG_RETRY_MAX_RETRIES retries from SG_RETRY_BASE_MS, no deadline,
 * no jitter, no hooks. */
void sg_retry_init(sg_retry *p);

/* 1 when an answer with this status may be worth another try (408, 429, 5xx but 501, 505). */
int sg_retry_status(int status);
/* 1 when a request that failed with `e` may succeed if sent again (connection failures). */
int sg_retry_error(sg_err e);

/* The backoff before retry number `retry` (1 for the first): base_ms * 2^(retry-1), at most
 * max_backoff_ms, then jittered when `rng` is set. */
unsigned sg_retry_backoff_ms(sg_retry *p, unsigned retry);

/* Sleep about `ms` through the policy's hook: a uniform draw between half and all of it when
 * the policy has a rng (a pause that concurrent writers must not take in step). */
void sg_retry_sleep(sg_retry *p, unsigned ms);

/* Wait before retry number `retry` of at most `of`, at clock time `now`: the backoff, or the
 * server's Retry-After `after_ms` when that is longer. Returns 1 after the wait (send again),
 * or 0 without waiting when `retry` > `of`, when `after_ms` exceeds max_after_ms, or when the
 * wait would end past deadline_ms. `what` is "METHOD URL" (or another short name of what is
 * retried, without secrets) and `why` the failure ("503 Service Unavailable"); the line that
 * announces the retry, or the refusal of a wait, goes to `note`. Counts `retries`. */
int sg_retry_pause(sg_retry *p, unsigned retry, unsigned of, uint64_t now, uint64_t after_ms,
	const char *what, const char *why);

#endif
