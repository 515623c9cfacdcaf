/* scripted_net: a scripted sg_net_dialer with several connections, for the registry's unit test
 * and fuzz harness (tests/fakenet.h is the one-connection variant the other online clients use).
 *
 * Connections to any host share one script of answers. A connection takes the next answer when
 * a request starts on it (its first write, or the first write after it has read), so requests
 * get the answers in order whichever connection they use, and an exhausted script reads as
 * EOF. Connections stay reusable (idle_ok is 1), TLS is a pass-through that marks the
 * connection, and the clock stands at 1000 ms. Every host dialled is recorded in order.
 *
 * The includer watches the traffic through three optional hooks in `scripted`: on_request (a
 * request starts; c->cur is its answer), on_write (every byte written), on_close. Header-only;
 * include it once per binary. */
#ifndef SG_TEST_SCRIPTED_NET_H
#define SG_TEST_SCRIPTED_NET_H

#include <stdio.h>
#include <string.h>

#include "sys/net.h"

#define SCRIPTED_MAX 32  /* answers, and hosts recorded */
#define SCRIPTED_CONNS 8 /* connections open at once */

typedef struct scripted_conn {
	sg_transport t;
	const uint8_t *cur; /* this request's answer; NULL: the script ran out */
	size_t off, len;
	int need_next, in_use, tls;
	char host[64];
} scripted_conn;

static scripted_conn scripted_conns[SCRIPTED_CONNS];

static struct {
	const uint8_t *ans[SCRIPTED_MAX];
	size_t len[SCRIPTED_MAX];
	size_t n, next;
	char hosts[SCRIPTED_MAX][64];
	size_t nhosts;
	void (*on_request)(scripted_conn *c);
	void (*on_write)(scripted_conn *c, const uint8_t *p, size_t len);
	void (*on_close)(scripted_conn *c);
} scripted;

/* A request log for includers that check what was sent (scripted_log_on): request i's bytes
 * as written, head and body, cut at SCRIPTED_LOG_CAP - 1 and NUL-terminated. */
#define SCRIPTED_LOG_CAP 4096
static struct {
	char req[SCRIPTED_MAX][SCRIPTED_LOG_CAP];
	size_t n;
} scripted_log;

static inline void
scripted_log_request(scripted_conn *c)
{
	(void)c;
	if (scripted_log.n < SCRIPTED_MAX)
		scripted_log.req[scripted_log.n++][0] = '\0';
}

static inline void
scripted_log_write(scripted_conn *c, const uint8_t *p, size_t len)
{
	(void)c;
	if (scripted_log.n > 0) {
		char *l = scripted_log.req[scripted_log.n - 1];
		size_t have = strlen(l);
		size_t k = len < SCRIPTED_LOG_CAP - 1 - have ? len : SCRIPTED_LOG_CAP - 1 - have;
		memcpy(l + have, p, k);
		l[have + k] = '\0';
	}
}

/* Log every request from here on, from an empty log. */
static inline void
scripted_log_on(void)
{
	memset(&scripted_log, 0, sizeof scripted_log);
	scripted.on_request = scripted_log_request;
	scripted.on_write = scripted_log_write;
}

/* Forget the answers and the hosts dialled (the hooks stay). */
static void
scripted_clear(void)
{
	scripted.n = 0;
	scripted.next = 0;
	scripted.nhosts = 0;
}

/* Append an answer (raw HTTP/1.1 response bytes); ignored once the script is full. */
static void
scripted_add(const uint8_t *p, size_t len)
{
	if (scripted.n < SCRIPTED_MAX) {
		scripted.ans[scripted.n] = p;
		scripted.len[scripted.n++] = len;
	}
}

static sg_err
scripted_read(sg_transport *t, uint8_t *buf, size_t cap, size_t *got, sg_diag *d)
{
	scripted_conn *c = (scripted_conn *)t;
	(void)d;
	*got = 0;
	if (c->cur == NULL || c->off == c->len)
		return SG_OK;
	size_t k = c->len - c->off < cap ? c->len - c->off : cap;
	memcpy(buf, c->cur + c->off, k);
	c->off += k;
	*got = k;
	c->need_next = 1;
	return SG_OK;
}

static sg_err
scripted_write(sg_transport *t, const uint8_t *p, size_t len, sg_diag *d)
{
	scripted_conn *c = (scripted_conn *)t;
	(void)d;
	if (c->need_next) {
		c->need_next = 0;
		c->cur = NULL;
		c->len = 0;
		c->off = 0;
		if (scripted.next < scripted.n) {
			c->cur = scripted.ans[scripted.next];
			c->len = scripted.len[scripted.next++];
		}
		if (scripted.on_request != NULL)
			scripted.on_request(c);
	}
	if (scripted.on_write != NULL)
		scripted.on_write(c, p, len);
	return SG_OK;
}

static int
scripted_idle(sg_transport *t)
{
	(void)t;
	return 1;
}

static void
scripted_close(sg_transport *t)
{
	scripted_conn *c = (scripted_conn *)t;
	if (scripted.on_close != NULL)
		scripted.on_close(c);
	c->in_use = 0;
}

static sg_err
scripted_tcp(sg_net_dialer *dl, const char *host, uint16_t port, uint64_t deadline,
	sg_transport **out, sg_diag *d)
{
	(void)dl;
	(void)port;
	(void)deadline;
	for (size_t i = 0; i < SCRIPTED_CONNS; i++) {
		scripted_conn *c = &scripted_conns[i];
		if (c->in_use)
			continue;
		memset(c, 0, sizeof *c);
		c->in_use = 1;
		c->need_next = 1;
		c->t.read = scripted_read;
		c->t.write = scripted_write;
		c->t.idle_ok = scripted_idle;
		c->t.close = scripted_close;
		snprintf(c->host, sizeof c->host, "%s", host);
		if (scripted.nhosts < SCRIPTED_MAX)
			snprintf(scripted.hosts[scripted.nhosts++], 64, "%s", host);
		*out = &c->t;
		return SG_OK;
	}
	return sg_diag_fail(d, SG_ERR_NET_CONNECT, "scripted dialer");
}

static sg_err
scripted_tls(sg_net_dialer *dl, sg_transport *inner, const char *host, sg_transport **out,
	sg_diag *d)
{
	(void)dl;
	(void)host;
	(void)d;
	((scripted_conn *)inner)->tls = 1;
	*out = inner;
	return SG_OK;
}

static uint64_t
scripted_now(sg_net_dialer *dl)
{
	(void)dl;
	return 1000;
}

static sg_net_dialer scripted_dialer = {scripted_tcp, scripted_tls, scripted_now, NULL};

#endif
