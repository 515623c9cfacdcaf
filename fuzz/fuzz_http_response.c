/* Target functions: sg_http_parse_head, sg_http_framing_of, sg_http_keep_alive,
 * sg_http_chunked_decode, sg_http_retry_after, sg_http_do (over a scripted transport, with and
 * without a retry policy) */
/* Invariants: header views lie inside the input and names are non-empty; the head parses the
 * same with exactly `consumed` bytes and needs more with one byte less; a head that needs more
 * still needs more for any shorter prefix; a chunked body decodes the same whole and split;
 * the client over a scripted transport never exceeds the body cap and returns zeroed output
 * on failure, and under a retry policy retries at most max_retries times; a Retry-After wait
 * is 0 on failure and never above the saturation bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "sys/http.h"
#include "fuzz_common.h"
#include "fuzz_retry.h"

static sg_http_header hdrs[SG_MAX_HTTP_HEADERS];


/* ---- a scripted transport that answers every request with the fuzz input ---- */
struct fconn {
	sg_transport t;
	const uint8_t *p;
	size_t n, pos;
	size_t step;
};
static struct fconn conns[8];
static unsigned nconns;

static sg_err
f_read(sg_transport *t, uint8_t *buf, size_t cap, size_t *got, sg_diag *d)
{
	struct fconn *c = (struct fconn *)t;
	(void)d;
	size_t k = c->n - c->pos;
	if (k > cap)
		k = cap;
	if (k > c->step)
		k = c->step;
	memcpy(buf, c->p + c->pos, k);
	c->pos += k;
	*got = k;
	return SG_OK;
}

static sg_err
f_write(sg_transport *t, const uint8_t *p, size_t len, sg_diag *d)
{
	(void)t;
	(void)p;
	(void)len;
	(void)d;
	return SG_OK;
}

static void
f_close(sg_transport *t)
{
	(void)t;
}

static const uint8_t *in_p;
static size_t in_n, in_step;

static sg_err
f_tcp(sg_net_dialer *dl, const char *host, uint16_t port, uint64_t deadline, sg_transport **out,
	sg_diag *d)
{
	(void)dl;
	(void)host;
	(void)port;
	(void)deadline;
	if (nconns == 8)
		return sg_diag_fail(d, SG_ERR_NET_CONNECT, "fuzz connect");
	struct fconn *c = &conns[nconns++];
	memset(c, 0, sizeof *c);
	c->t.read = f_read;
	c->t.write = f_write;
	c->t.close = f_close;
	c->p = in_p;
	c->n = in_n;
	c->step = in_step;
	*out = &c->t;
	return SG_OK;
}

static sg_err
f_tls(sg_net_dialer *dl, sg_transport *inner, const char *host, sg_transport **out, sg_diag *d)
{
	(void)dl;
	(void)host;
	(void)d;
	*out = inner;
	return SG_OK;
}

static uint64_t
f_now(sg_net_dialer *dl)
{
	(void)dl;
	return 0;
}

static void
client_run(const uint8_t *data, size_t size)
{
	static sg_net_dialer dl = {f_tcp, f_tls, f_now, NULL};
	static sg_net_opts opts;
	static uint8_t iobuf[SG_HTTP_IOBUF_SIZE];
	static sg_http_client c;
	static uint8_t body[4096];
	opts.deadline_ms = 1000;
	sg_http_client_init(&c, &dl, &opts, iobuf);
	static sg_retry policy;
	fuzz_retry_policy(&policy);
	/* The retry policy on when the last byte has bit 1 set (the '\n' of most responses). */
	if (size > 0 && (data[size - 1] & 2))
		c.retry = &policy;
	in_p = data;
	in_n = size;
	in_step = size > 0 ? (size_t)(data[0] % 7) + 1 : 1;
	nconns = 0;
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = size > 1 && (data[1] & 1) ? "HEAD" : "GET";
	req.url = sg_slice_str("https://fuzz.example/start");
	size_t cap = size > 2 ? data[2] * 16u : 100;
	sg_http_response r;
	sg_diag d;
	sg_diag_init(&d, "fuzz");
	sg_err e = sg_http_do(&c, &req, body, cap, &r, &d);
	if (policy.retries > policy.max_retries)
		abort();
	if (e == SG_OK) {
		if (r.body_len > cap || r.body_total != r.body_len || r.status < 200 ||
			r.status > 599 || r.retries != policy.retries)
			abort();
	} else {
		if (r.status != 0 || r.body_len != 0 || d.code != e)
			abort();
	}
	sg_http_client_close(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t wait = 1;
	sg_err re = sg_http_retry_after(sg_slice_make(data, size), fuzz_retry_now(), &wait, NULL);
	if (re != SG_OK) {
		if (wait != 0)
			abort();
	} else if (wait > (uint64_t)SG_HTTP_RETRY_AFTER_MAX_S * 1000u) {
		abort();
	}
	sg_http_head h;
	size_t used = 0;
	sg_err e = sg_http_parse_head(data, size, hdrs, SG_MAX_HTTP_HEADERS, &h, &used, NULL);
	if (e == SG_OK) {
		if (used == 0 || used > size || used > SG_MAX_HTTP_HEADER_BLOCK)
			abort();
		if (h.status < 100 || h.status > 599 || h.num_headers > SG_MAX_HTTP_HEADERS)
			abort();
		for (size_t i = 0; i < h.num_headers; i++)
			if (h.headers[i].name.len == 0 || !fuzz_inside(h.headers[i].name, data, used) ||
				!fuzz_inside(h.headers[i].value, data, used))
				abort();
		sg_http_head h2;
		size_t used2;
		if (sg_http_parse_head(data, used, hdrs, SG_MAX_HTTP_HEADERS, &h2, &used2, NULL) !=
			SG_OK || used2 != used || h2.status != h.status)
			abort();
		if (sg_http_parse_head(data, used - 1, hdrs, SG_MAX_HTTP_HEADERS, &h2, &used2,
			NULL) != SG_ERR_TRUNCATED)
			abort();
		/* Re-parse: hdrs was overwritten with the same views. */
		if (sg_http_parse_head(data, size, hdrs, SG_MAX_HTTP_HEADERS, &h, &used, NULL) !=
			SG_OK)
			abort();
		sg_http_framing f;
		uint64_t length;
		(void)sg_http_keep_alive(&h);
		if (sg_http_framing_of(&h, 0, &f, &length, NULL) == SG_OK &&
			f == SG_HTTP_BODY_CHUNKED) {
			/* Decode the rest whole and in two pieces. */
			static uint8_t a[1 << 16], b[1 << 16];
			size_t n = size - used;
			if (n <= sizeof a) {
				memcpy(a, data + used, n);
				memcpy(b, data + used, n);
				sg_http_chunked c1, c2;
				sg_http_chunked_init(&c1);
				sg_http_chunked_init(&c2);
				size_t d1, u1, d2a, u2a, d2b = 0, u2b = 0;
				sg_err r1 = sg_http_chunked_decode(&c1, a, n, &d1, &u1, NULL);
				size_t half = n / 2;
				sg_err r2 = sg_http_chunked_decode(&c2, b, half, &d2a, &u2a, NULL);
				if (r2 == SG_ERR_TRUNCATED) {
					memmove(b + d2a, data + used + half, n - half);
					r2 = sg_http_chunked_decode(&c2, b + d2a, n - half, &d2b, &u2b,
						NULL);
				}
				if (r1 != r2 || d1 > u1)
					abort();
				if (r1 != SG_ERR_HTTP_CHUNK &&
					(d1 != d2a + d2b || memcmp(a, b, d1) != 0 || u1 != u2a + u2b))
					abort();
			}
		}
	} else if (e == SG_ERR_TRUNCATED) {
		if (used != 0 || h.num_headers != 0)
			abort();
		sg_http_head h2;
		size_t used2;
		if (size > 0 && sg_http_parse_head(data, size / 2, hdrs, SG_MAX_HTTP_HEADERS, &h2,
			&used2, NULL) != SG_ERR_TRUNCATED)
			abort();
	}
	client_run(data, size);
	return 0;
}
