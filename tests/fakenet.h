/* fakenet: a scripted sg_net_dialer for unit tests of the online clients (oidc, fulcio, rekor).
 *
 * Every connection, to any host and port, answers from one script: the answers to successive
 * requests, separated by FAKENET_NEXT. The next answer is released only after a request has
 * been written, as a real server does. Everything written is recorded in `req`, so tests can
 * assert on the exact request bytes. Header-only; include it once per test binary. */
#ifndef SG_TEST_FAKENET_H
#define SG_TEST_FAKENET_H

#include <stdio.h>
#include <string.h>

#include "sys/http.h"
#include "sys/net.h"

#define FAKENET_NEXT "\x01"

typedef struct fakenet {
	sg_transport t;
	const char *script;
	size_t len, pos, seg_end;
	char req[65536]; /* every request written, all connections */
	size_t req_len;
	unsigned connects;
	char host[64];
	unsigned port;
} fakenet;

static fakenet fakenet_;

static void
fakenet_seg(fakenet *f)
{
	const char *m = memchr(f->script + f->pos, 1, f->len - f->pos);
	f->seg_end = m != NULL ? (size_t)(m - f->script) : f->len;
}

static sg_err
fakenet_read(sg_transport *t, uint8_t *buf, size_t cap, size_t *got, sg_diag *d)
{
	fakenet *f = (fakenet *)t;
	size_t left = f->seg_end - f->pos;
	*got = 0;
	if (left == 0 && f->seg_end < f->len)
		return sg_diag_fail(d, SG_ERR_NET_TIMEOUT, "fake read");
	size_t k = left < cap ? left : cap;
	memcpy(buf, f->script + f->pos, k);
	f->pos += k;
	*got = k;
	return SG_OK;
}

static sg_err
fakenet_write(sg_transport *t, const uint8_t *p, size_t len, sg_diag *d)
{
	fakenet *f = (fakenet *)t;
	if (len > sizeof f->req - f->req_len)
		return sg_diag_fail(d, SG_ERR_NET_IO, "fake write");
	memcpy(f->req + f->req_len, p, len);
	f->req_len += len;
	if (f->pos == f->seg_end && f->seg_end < f->len) {
		f->pos++;
		fakenet_seg(f);
	}
	return SG_OK;
}

static void
fakenet_close(sg_transport *t)
{
	(void)t;
}

static sg_err
fakenet_tcp(sg_net_dialer *dl, const char *host, uint16_t port, uint64_t deadline,
	sg_transport **out, sg_diag *d)
{
	fakenet *f = dl->ctx;
	(void)deadline;
	(void)d;
	f->connects++;
	snprintf(f->host, sizeof f->host, "%s", host);
	f->port = port;
	f->t.read = fakenet_read;
	f->t.write = fakenet_write;
	f->t.idle_ok = NULL;
	f->t.close = fakenet_close;
	*out = &f->t;
	return SG_OK;
}

static sg_err
fakenet_tls(sg_net_dialer *dl, sg_transport *inner, const char *host, sg_transport **out,
	sg_diag *d)
{
	(void)dl;
	(void)host;
	(void)d;
	*out = inner;
	return SG_OK;
}

static uint64_t
fakenet_now(sg_net_dialer *dl)
{
	(void)dl;
	return 1000;
}

static sg_net_dialer fakenet_dialer = {fakenet_tcp, fakenet_tls, fakenet_now, &fakenet_};
static sg_net_opts fakenet_opts;
static uint8_t fakenet_iobuf[SG_HTTP_IOBUF_SIZE];
static sg_http_client fakenet_client;

/* Reset and load `script`; returns the client to use. */
static sg_http_client *
fakenet_start(const char *script)
{
	sg_http_client_close(&fakenet_client);
	memset(&fakenet_, 0, sizeof fakenet_);
	fakenet_.script = script;
	fakenet_.len = strlen(script);
	fakenet_seg(&fakenet_);
	sg_net_opts_default(&fakenet_opts);
	sg_http_client_init(&fakenet_client, &fakenet_dialer, &fakenet_opts, fakenet_iobuf);
	return &fakenet_client;
}

/* 1 when the recorded requests contain `s`. */
static int
fakenet_sent(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= fakenet_.req_len; i++)
		if (memcmp(fakenet_.req + i, s, n) == 0)
			return 1;
	return 0;
}

#endif
