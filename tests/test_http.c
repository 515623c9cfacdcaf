/* Unit tests for http, the client, over a scripted dialer: request format, keep-alive,
 * redirects (cap, https->http refused, Authorization dropped across origins), body caps,
 * truncation, timeouts, proxies. The parser it drives is tested in test_http1.c. */
#include <stdint.h>
#include <string.h>

#include "base/limits.h"
#include "guard.h"
#include "runner.h"
#include "crypto/drbg.h"
#include "sys/http.h"

/* ---- client over a scripted dialer ---- */

#define MAX_HOSTS 4
#define MAX_CONNS 16

struct host {
	const char *name;
	uint16_t port;
	const char *script[4]; /* what the server sends on its 1st, 2nd... connection */
	unsigned conns;
};

struct fconn {
	sg_transport t;
	struct fake *f;
	const char *resp;
	size_t resp_len, pos, seg_end; /* responses are separated by NEXT */
	char req[8192];
	size_t req_len;
	int open;
	int dead;        /* idle_ok says no */
	int tls;
	char name[64];
};

struct fake {
	struct host hosts[MAX_HOSTS];
	struct fconn conns[MAX_CONNS];
	unsigned nconns;
	size_t step;        /* bytes per read; 0 = as many as fit */
	uint64_t now;
	char tls_names[4][64];
	unsigned ntls;
	sg_err stall_err;   /* returned once the script is used up, instead of EOF */
};

/* A script holds one answer per request, separated by NEXT: the fake server sends the next
 * answer only once a request has been written, as a real one does. */
#define NEXT "\x01"

static void
seg_set(struct fconn *c)
{
	const char *m = memchr(c->resp + c->pos, 1, c->resp_len - c->pos);
	c->seg_end = m != NULL ? (size_t)(m - c->resp) : c->resp_len;
}

static sg_err
f_read(sg_transport *t, uint8_t *buf, size_t cap, size_t *got, sg_diag *d)
{
	struct fconn *c = (struct fconn *)t;
	size_t left = c->seg_end - c->pos;
	*got = 0;
	if (left == 0 && (c->f->stall_err != SG_OK || c->seg_end < c->resp_len))
		return sg_diag_fail(d, c->f->stall_err != SG_OK ? c->f->stall_err :
			SG_ERR_NET_TIMEOUT, "fake read");
	size_t k = left < cap ? left : cap;
	if (c->f->step != 0 && k > c->f->step)
		k = c->f->step;
	memcpy(buf, c->resp + c->pos, k);
	c->pos += k;
	*got = k;
	return SG_OK;
}

static sg_err
f_write(sg_transport *t, const uint8_t *p, size_t len, sg_diag *d)
{
	struct fconn *c = (struct fconn *)t;
	if (len > sizeof c->req - c->req_len)
		return sg_diag_fail(d, SG_ERR_NET_IO, "fake write");
	memcpy(c->req + c->req_len, p, len);
	c->req_len += len;
	if (c->pos == c->seg_end && c->seg_end < c->resp_len) {
		c->pos++;
		seg_set(c);
	}
	return SG_OK;
}

static int
f_idle_ok(sg_transport *t)
{
	return !((struct fconn *)t)->dead;
}

static void
f_close(sg_transport *t)
{
	((struct fconn *)t)->open = 0;
}

static sg_err
f_tcp(sg_net_dialer *dl, const char *host, uint16_t port, uint64_t deadline, sg_transport **out,
	sg_diag *d)
{
	struct fake *f = dl->ctx;
	(void)deadline;
	for (size_t i = 0; i < MAX_HOSTS; i++) {
		struct host *h = &f->hosts[i];
		if (h->name == NULL || strcmp(h->name, host) != 0 || h->port != port)
			continue;
		if (f->nconns == MAX_CONNS || h->conns >= 4 || h->script[h->conns] == NULL)
			return sg_diag_fail(d, SG_ERR_NET_CONNECT, "fake connect");
		struct fconn *c = &f->conns[f->nconns++];
		memset(c, 0, sizeof *c);
		c->t.read = f_read;
		c->t.write = f_write;
		c->t.idle_ok = f_idle_ok;
		c->t.close = f_close;
		c->f = f;
		c->resp = h->script[h->conns++];
		c->resp_len = strlen(c->resp);
		seg_set(c);
		c->open = 1;
		snprintf(c->name, sizeof c->name, "%s:%u", host, (unsigned)port);
		*out = &c->t;
		return SG_OK;
	}
	return sg_diag_failf(d, SG_ERR_NET_RESOLVE, "fake resolve", "%s", host);
}

static sg_err
f_tls(sg_net_dialer *dl, sg_transport *inner, const char *host, sg_transport **out, sg_diag *d)
{
	struct fake *f = dl->ctx;
	(void)d;
	if (f->ntls < 4)
		snprintf(f->tls_names[f->ntls++], 64, "%s", host);
	((struct fconn *)inner)->tls = 1;
	*out = inner;
	return SG_OK;
}

static uint64_t
f_now(sg_net_dialer *dl)
{
	return ((struct fake *)dl->ctx)->now;
}

static struct fake fk;
static sg_net_dialer dialer = {f_tcp, f_tls, f_now, &fk};
static sg_net_opts opts;
static uint8_t iobuf[SG_HTTP_IOBUF_SIZE];
static sg_http_client client;
static uint8_t body[1 << 16];

static void
reset(void)
{
	memset(&fk, 0, sizeof fk);
	memset(&opts, 0, sizeof opts);
	opts.connect_timeout_ms = 1000;
	opts.io_timeout_ms = 1000;
	opts.deadline_ms = 5000;
	sg_http_client_init(&client, &dialer, &opts, iobuf);
}

static sg_err
get_(const char *method, const char *url, const sg_http_header *hdrs, size_t nh,
	size_t cap, sg_http_plain plain, sg_http_response *r, sg_diag *d)
{
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.url = sg_slice_str(url);
	req.headers = hdrs;
	req.num_headers = nh;
	req.plain = plain;
	return sg_http_do(&client, &req, body, cap, r, d);
}

static sg_err
get(const char *url, sg_http_response *r)
{
	return get_("GET", url, NULL, 0, sizeof body, SG_HTTP_PLAIN_LOOPBACK, r, NULL);
}

static int
req_has(unsigned conn, const char *s)
{
	struct fconn *c = &fk.conns[conn];
	size_t n = strlen(s);
	if (n > c->req_len)
		return 0;
	for (size_t i = 0; i + n <= c->req_len; i++)
		if (memcmp(c->req + i, s, n) == 0)
			return 1;
	return 0;
}

static int
body_is(const sg_http_response *r, const char *s)
{
	return r->body_len == strlen(s) && memcmp(r->body, s, r->body_len) == 0;
}

#define OK200(b) "HTTP/1.1 200 OK\r\nContent-Length: " #b "\r\n\r\n"

static void
test_client_basic(void)
{
	reset();
	fk.hosts[0] = (struct host){"reg.example", 443,
		{OK200(5) "hello" NEXT "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n"}, 0};
	sg_http_header auth = {sg_slice_str("Authorization"), sg_slice_str("Bearer s3cret")};
	sg_http_response r;
	CHECK_OK(get_("GET", "https://reg.example/v2/?n=1", &auth, 1, sizeof body,
		SG_HTTP_PLAIN_DENY, &r, NULL));
	CHECK(r.status == 200 && body_is(&r, "hello") && !r.reused && r.redirects == 0);
	CHECK(fk.ntls == 1 && strcmp(fk.tls_names[0], "reg.example") == 0);
	static const char want[] = "GET /v2/?n=1 HTTP/1.1\r\nHost: reg.example\r\n"
		"User-Agent: picosign\r\nAuthorization: Bearer s3cret\r\n\r\n";
	CHECK(fk.conns[0].req_len == strlen(want) && memcmp(fk.conns[0].req, want,
		strlen(want)) == 0);
	/* The request head (with its credentials) does not stay in the client's buffer. */
	int found = 0;
	for (size_t i = 0; i + 6 <= sizeof iobuf; i++)
		if (memcmp(iobuf + i, "s3cret", 6) == 0)
			found = 1;
	CHECK(!found);
	/* Keep-alive: the second request goes over the same connection, chunked this time. */
	CHECK_OK(get("https://reg.example/b", &r));
	CHECK(r.status == 200 && body_is(&r, "abcde") && r.reused);
	CHECK(fk.nconns == 1 && client.connects == 1 && client.requests == 2);
	CHECK(r.final_url.len == strlen("https://reg.example/b"));
	sg_http_client_close(&client);
	CHECK(!fk.conns[0].open);

	/* POST with a body; Connection: close means a fresh connection next time. */
	reset();
	fk.hosts[0] = (struct host){"127.0.0.1", 8080,
		{"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
			OK200(0)}, 0};
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = sg_slice_str("http://127.0.0.1:8080/api");
	req.body = sg_slice_str("{\"a\":1}");
	req.plain = SG_HTTP_PLAIN_LOOPBACK;
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(r.status == 201 && body_is(&r, "ok"));
	CHECK(req_has(0, "POST /api HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
	CHECK(req_has(0, "Content-Length: 7\r\n\r\n{\"a\":1}"));
	CHECK(!fk.conns[0].open && fk.ntls == 0);
	req.body = sg_slice_make(NULL, 0);
	req.method = "PUT";
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(fk.nconns == 2 && req_has(1, "PUT /api HTTP/1.1") && req_has(1, "Content-Length: 0"));
	sg_http_client_close(&client);

	/* HTTP/1.0 close-delimited body, read one byte at a time; 1xx skipped. */
	reset();
	fk.step = 1;
	fk.hosts[0] = (struct host){"localhost", 80,
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close"}, 0};
	CHECK_OK(get("http://localhost/", &r));
	CHECK(r.status == 200 && body_is(&r, "until close") && r.head.num_headers == 1);
	CHECK(!fk.conns[0].open);

	/* A sink receives the body instead of the buffer. */
	sg_http_client_close(&client);
}

static size_t sunk;
static sg_err
sink(void *ctx, const uint8_t *p, size_t n, sg_diag *d)
{
	(void)ctx;
	(void)p;
	(void)d;
	sunk += n;
	return SG_OK;
}

static void
test_client_limits(void)
{
	sg_http_response r;
	sg_diag d;
	/* Content-Length above the cap fails before reading the body. */
	reset();
	fk.hosts[0] = (struct host){"h", 443,
		{"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\nxx"}, 0};
	sg_diag_init(&d, "test");
	CHECK_ERR(get_("GET", "https://h/", NULL, 0, 100, SG_HTTP_PLAIN_DENY, &r, &d),
		SG_ERR_HTTP_BODY_TOO_LARGE);
	CHECK(r.status == 0 && r.body_len == 0 && !fk.conns[0].open);
	CHECK(strstr(d.detail, "1000000000000") != NULL);
	/* Exactly at the cap is fine; one over is not (chunked). */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {OK200(4) "abcd",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"}, 0};
	CHECK_OK(get_("GET", "https://h/", NULL, 0, 4, SG_HTTP_PLAIN_DENY, &r, NULL));
	CHECK(body_is(&r, "abcd"));
	fk.conns[0].dead = 1; /* the server went away: the client must reconnect */
	CHECK_ERR(get_("GET", "https://h/", NULL, 0, 4, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_HTTP_BODY_TOO_LARGE);
	CHECK(fk.nconns == 2);
	/* Truncated bodies and heads. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {OK200(10) "short",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		"HTTP/1.1 200 OK\r\nContent-", ""}, 0};
	CHECK_ERR(get("https://h/", &r), SG_ERR_HTTP_TRUNCATED);
	CHECK_ERR(get("https://h/", &r), SG_ERR_HTTP_TRUNCATED);
	CHECK_ERR(get("https://h/", &r), SG_ERR_HTTP_TRUNCATED);
	CHECK_ERR(get("https://h/", &r), SG_ERR_NET_CLOSED);
	/* Bad framing is an error, not a guess. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
		"\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"}, 0};
	CHECK_ERR(get("https://h/", &r), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(get("https://h/", &r), SG_ERR_HTTP_STATUS_LINE);
	/* A stalled server: the transport's timeout comes through unchanged. */
	reset();
	fk.stall_err = SG_ERR_NET_TIMEOUT;
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"},
		0};
	CHECK_ERR(get("https://h/", &r), SG_ERR_NET_TIMEOUT);
	/* Sink */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {OK200(6) "abcdef"}, 0};
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = sg_slice_str("https://h/");
	req.sink = sink;
	sunk = 0;
	CHECK_OK(sg_http_do(&client, &req, NULL, 6, &r, NULL));
	CHECK(sunk == 6 && r.body_len == 0 && r.body_total == 6);
	/* Header injection and reserved headers are refused before anything is sent. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {OK200(0)}, 0};
	sg_http_header bad = {sg_slice_str("X-A"), sg_slice_str("v\r\nInjected: 1")};
	CHECK_ERR(get_("GET", "https://h/", &bad, 1, 10, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_ARG);
	bad = (sg_http_header){sg_slice_str("Host"), sg_slice_str("evil")};
	CHECK_ERR(get_("GET", "https://h/", &bad, 1, 10, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_ARG);
	bad = (sg_http_header){sg_slice_str("X Y"), sg_slice_str("v")};
	CHECK_ERR(get_("GET", "https://h/", &bad, 1, 10, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_ARG);
	CHECK_ERR(get_("GE T", "https://h/", NULL, 0, 10, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_ARG);
	CHECK(fk.nconns == 0);
}

static void
test_client_plain(void)
{
	sg_http_response r;
	reset();
	fk.hosts[0] = (struct host){"127.0.0.1", 80, {OK200(0)}, 0};
	fk.hosts[1] = (struct host){"10.1.2.3", 80, {OK200(0), OK200(0)}, 0};
	CHECK_ERR(get_("GET", "http://127.0.0.1/", NULL, 0, 10, SG_HTTP_PLAIN_DENY, &r, NULL),
		SG_ERR_HTTP_PLAINTEXT);
	CHECK_ERR(get_("GET", "http://10.1.2.3/", NULL, 0, 10, SG_HTTP_PLAIN_LOOPBACK, &r, NULL),
		SG_ERR_HTTP_PLAINTEXT);
	CHECK(fk.nconns == 0);
	CHECK_OK(get_("GET", "http://127.0.0.1/", NULL, 0, 10, SG_HTTP_PLAIN_LOOPBACK, &r, NULL));
	CHECK_OK(get_("GET", "http://10.1.2.3/", NULL, 0, 10, SG_HTTP_PLAIN_ANY, &r, NULL));
	CHECK_ERR(get_("GET", "ftp://10.1.2.3/", NULL, 0, 10, SG_HTTP_PLAIN_ANY, &r, NULL),
		SG_ERR_URL_SCHEME);
	sg_http_client_close(&client);
}

static void
test_client_redirects(void)
{
	sg_http_response r;
	sg_http_header hdrs[2] = {
		{sg_slice_str("Authorization"), sg_slice_str("Basic dTpw")},
		{sg_slice_str("Accept"), sg_slice_str("application/json")},
	};
	/* Same origin keeps Authorization; another host does not get it; relative Location. */
	reset();
	fk.hosts[0] = (struct host){"a.example", 443,
		{"HTTP/1.1 307 Temporary Redirect\r\nLocation: /two\r\nContent-Length: 3\r\n\r\nabc"
		 NEXT "HTTP/1.1 302 Found\r\nLocation: https://b.example:8443/three?x\r\n"
		 "Content-Length: 0\r\n\r\n"}, 0};
	fk.hosts[1] = (struct host){"b.example", 8443,
		{"HTTP/1.1 301 Moved\r\nLocation: four\r\nContent-Length: 0\r\n\r\n" NEXT OK200(4)
			"done"}, 0};
	sg_diag d;
	sg_diag_init(&d, "test");
	CHECK_OK(get_("GET", "https://a.example/one", hdrs, 2, sizeof body, SG_HTTP_PLAIN_DENY,
		&r, &d));
	if (d.code != SG_OK)
		fprintf(stderr, "  %s %s\n", d.what, d.detail);
	CHECK(r.status == 200 && body_is(&r, "done") && r.redirects == 3);
	CHECK(fk.nconns == 2);
	CHECK(req_has(0, "GET /one HTTP/1.1") && req_has(0, "GET /two HTTP/1.1"));
	CHECK(req_has(0, "Basic dTpw"));
	CHECK(req_has(1, "GET /three?x HTTP/1.1\r\nHost: b.example:8443\r\n"));
	CHECK(req_has(1, "GET /four HTTP/1.1"));
	CHECK(req_has(1, "Accept: application/json") && !req_has(1, "Authorization"));
	CHECK(r.final_url.len == strlen("https://b.example:8443/four") &&
		memcmp(r.final_url.p, "https://b.example:8443/four", r.final_url.len) == 0);
	CHECK(fk.ntls == 2 && strcmp(fk.tls_names[1], "b.example") == 0);
	sg_http_client_close(&client);

	/* https -> http is refused, even to loopback. */
	reset();
	fk.hosts[0] = (struct host){"localhost", 443, {"HTTP/1.1 302 Found\r\n"
		"Location: http://localhost/\r\nContent-Length: 0\r\n\r\n"}, 0};
	CHECK_ERR(get_("GET", "https://localhost/", NULL, 0, 10, SG_HTTP_PLAIN_ANY, &r, NULL),
		SG_ERR_HTTP_REDIRECT_DOWNGRADE);
	CHECK(r.status == 0 && fk.nconns == 1);
	sg_http_client_close(&client);

	/* A loop stops after SG_MAX_HTTP_REDIRECTS. */
	reset();
	static char loop[4096];
	loop[0] = '\0';
	for (int i = 0; i < 8; i++)
		strcat(loop, "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n"
			NEXT);
	fk.hosts[0] = (struct host){"h", 443, {loop}, 0};
	sg_diag_init(&d, "test");
	CHECK_ERR(get_("GET", "https://h/loop", NULL, 0, 10, SG_HTTP_PLAIN_DENY, &r, &d),
		SG_ERR_HTTP_REDIRECT);
	CHECK(client.requests == SG_MAX_HTTP_REDIRECTS + 1);
	sg_http_client_close(&client);

	/* no_redirects hands the 3xx back; 303 after POST becomes GET without a body. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 303 See Other\r\nLocation: /r\r\n"
		"Content-Length: 0\r\n\r\n" NEXT OK200(0) NEXT "HTTP/1.1 303 See Other\r\nLocation: /r\r\n"
		"Content-Length: 0\r\n\r\n"}, 0};
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = sg_slice_str("https://h/p");
	req.body = sg_slice_str("payload");
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(req_has(0, "POST /p HTTP/1.1") && req_has(0, "GET /r HTTP/1.1\r\nHost: h\r\n"
		"User-Agent: picosign\r\n\r\n"));
	req.no_redirects = 1;
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(r.status == 303 && client.requests == 3);
	/* A malformed Location is an error. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 302 Found\r\nLocation: https://u:p@x/"
		"\r\nContent-Length: 0\r\n\r\n"}, 0};
	CHECK_ERR(get("https://h/", &r), SG_ERR_URL);
	sg_http_client_close(&client);
}

/* A body that is a credential (secret_body) is never resent to another origin by a 307/308;
 * the same origin, and a 303 (which drops the body), are still followed. */
static void
test_client_secret_body(void)
{
	sg_http_response r;
	sg_http_request req;
	sg_diag d;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = sg_slice_str("https://a.example/token");
	req.body = sg_slice_str("refresh_token=s3cret");
	req.secret_body = 1;
	for (int code = 307; code <= 308; code++) {
		reset();
		char redir[256];
		snprintf(redir, sizeof redir, "HTTP/1.1 %d Moved\r\n"
			"Location: https://b.example/t\r\nContent-Length: 0\r\n\r\n", code);
		fk.hosts[0] = (struct host){"a.example", 443, {redir}, 0};
		fk.hosts[1] = (struct host){"b.example", 443, {OK200(2) "ok"}, 0};
		sg_diag_init(&d, "test");
		CHECK_ERR(sg_http_do(&client, &req, body, sizeof body, &r, &d),
			SG_ERR_HTTP_REDIRECT);
		CHECK(fk.nconns == 1 && r.status == 0);
		CHECK(strstr(d.detail, "b.example") != NULL && strstr(d.detail, "s3cret") == NULL);
		sg_http_client_close(&client);
	}
	/* same origin: followed, body resent */
	reset();
	fk.hosts[0] = (struct host){"a.example", 443, {"HTTP/1.1 307 Moved\r\nLocation: /t2\r\n"
		"Content-Length: 0\r\n\r\n" NEXT OK200(2) "ok"}, 0};
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(body_is(&r, "ok") && req_has(0, "POST /t2 HTTP/1.1") && fk.nconns == 1);
	sg_http_client_close(&client);
	/* 303 to another origin: a GET without the body */
	reset();
	fk.hosts[0] = (struct host){"a.example", 443, {"HTTP/1.1 303 See Other\r\n"
		"Location: https://b.example/t\r\nContent-Length: 0\r\n\r\n"}, 0};
	fk.hosts[1] = (struct host){"b.example", 443, {OK200(2) "ok"}, 0};
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(body_is(&r, "ok") && req_has(1, "GET /t HTTP/1.1") && !req_has(1, "s3cret"));
	sg_http_client_close(&client);
	/* without secret_body a cross-origin 307 resends as before */
	req.secret_body = 0;
	reset();
	fk.hosts[0] = (struct host){"a.example", 443, {"HTTP/1.1 307 Moved\r\n"
		"Location: https://b.example/t\r\nContent-Length: 0\r\n\r\n"}, 0};
	fk.hosts[1] = (struct host){"b.example", 443, {OK200(2) "ok"}, 0};
	CHECK_OK(sg_http_do(&client, &req, body, sizeof body, &r, NULL));
	CHECK(req_has(1, "POST /t HTTP/1.1"));
	sg_http_client_close(&client);
}

static void
test_client_proxy(void)
{
	sg_http_response r;
	/* https through CONNECT. */
	reset();
	opts.https_proxy = "proxy.corp:3128";
	opts.http_proxy = "http://proxy.corp:3128/";
	opts.no_proxy = "internal.example, .skip.example";
	fk.hosts[0] = (struct host){"proxy.corp", 3128,
		{"HTTP/1.1 200 Connection established\r\n\r\n" NEXT OK200(2) "ok",
			OK200(1) "p", "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"}, 0};
	fk.hosts[1] = (struct host){"internal.example", 443, {OK200(1) "i"}, 0};
	sg_http_header auth = {sg_slice_str("Authorization"), sg_slice_str("Bearer t")};
	CHECK_OK(get_("GET", "https://reg.example/v2/", &auth, 1, sizeof body,
		SG_HTTP_PLAIN_DENY, &r, NULL));
	CHECK(r.status == 200 && body_is(&r, "ok"));
	CHECK(req_has(0, "CONNECT reg.example:443 HTTP/1.1\r\nHost: reg.example:443\r\n"));
	CHECK(req_has(0, "GET /v2/ HTTP/1.1\r\nHost: reg.example\r\n"));
	CHECK(fk.ntls == 1 && strcmp(fk.tls_names[0], "reg.example") == 0);
	/* http through the proxy: absolute-form. */
	CHECK_OK(get_("GET", "http://plain.example:81/x", NULL, 0, sizeof body, SG_HTTP_PLAIN_ANY,
		&r, NULL));
	CHECK(body_is(&r, "p") && req_has(1, "GET http://plain.example:81/x HTTP/1.1\r\n"));
	/* NO_PROXY */
	CHECK_OK(get("https://internal.example/", &r));
	CHECK(body_is(&r, "i") && fk.nconns == 3);
	/* A refusing proxy. */
	sg_diag d;
	sg_diag_init(&d, "test");
	CHECK_ERR(get_("GET", "https://reg.example/", NULL, 0, 10, SG_HTTP_PLAIN_DENY, &r, &d),
		SG_ERR_HTTP_PROXY);
	CHECK(strstr(d.detail, "407") != NULL);
	opts.https_proxy = "https://proxy.corp:3128";
	CHECK_ERR(get("https://reg.example/", &r), SG_ERR_HTTP_PROXY);
	opts.https_proxy = "http://user:pw@proxy.corp:3128";
	CHECK_ERR(get("https://reg.example/", &r), SG_ERR_HTTP_PROXY);
	sg_http_client_close(&client);

	/* NO_PROXY matching. */
	static const struct {
		const char *list, *url;
		int match;
	} np[] = {
		{"*", "https://x.y/", 1},
		{"example.com", "https://example.com/", 1},
		{"example.com", "https://a.Example.COM/", 1},
		{"example.com", "https://badexample.com/", 0},
		{".example.com", "https://example.com/", 0},
		{".example.com", "https://a.example.com/", 1},
		{"a,b, example.com", "https://x.example.com/", 1},
		{"example.com:8443", "https://example.com:8443/", 1},
		{"example.com:8443", "https://example.com/", 0},
		{"10.0.0.1", "https://10.0.0.1/", 1},
		{"[::2]", "https://[::2]/", 1},
		{"", "https://x/", 0},
		{"", "https://localhost/", 0},
		{"localhost,127.0.0.1", "https://127.0.0.1/", 1},
	};
	for (size_t i = 0; i < sizeof np / sizeof np[0]; i++) {
		sg_url u;
		CHECK_OK(sg_url_parse((const uint8_t *)np[i].url, strlen(np[i].url), &u, NULL));
		int m = sg_http_no_proxy_match(np[i].list, &u);
		CHECK(m == np[i].match);
		if (m != np[i].match)
			fprintf(stderr, "  NO_PROXY %s vs %s\n", np[i].list, np[i].url);
	}
}

static void
test_client_stale(void)
{
	sg_http_response r;
	/* The kept-alive connection was closed by the server (EOF right away): one fresh retry. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {OK200(1) "a", OK200(1) "b"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK_OK(get("https://h/", &r));
	CHECK(body_is(&r, "b") && fk.nconns == 2 && !r.reused);
	sg_http_client_close(&client);
	/* The status helper. */
	r.status = 503;
	r.reason = sg_slice_str("Service Unavailable");
	sg_diag d;
	sg_diag_init(&d, "x");
	CHECK_ERR(sg_http_status_err(&r, "test request", &d), SG_ERR_HTTP_STATUS);
	CHECK(strstr(d.detail, "503 Service Unavailable") != NULL);
	r.status = 204;
	CHECK_OK(sg_http_status_err(&r, "test request", NULL));
}


/* ---- retries (sys/retry.h) ---- */

static char notes[8][800];
static unsigned nnotes;
static uint64_t slept;

static void
note_hook(void *ctx, const char *line)
{
	(void)ctx;
	if (nnotes < 8)
		snprintf(notes[nnotes], sizeof notes[0], "%s", line);
	nnotes++;
}

/* Waits advance the fake clock: no test sleeps. */
static void
sleep_hook(void *ctx, unsigned ms)
{
	(void)ctx;
	fk.now += ms;
	slept += ms;
}

static sg_retry policy;

static void
reset_retry(void)
{
	reset();
	sg_retry_init(&policy);
	policy.sleep = sleep_hook;
	policy.note = note_hook;
	client.retry = &policy;
	nnotes = 0;
	slept = 0;
}

static sg_err
post(const char *url, sg_http_replay replay, sg_http_response *r, sg_diag *d)
{
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = sg_slice_str(url);
	req.body = sg_slice_str("{}");
	req.plain = SG_HTTP_PLAIN_LOOPBACK;
	req.replay = replay;
	return sg_http_do(&client, &req, body, sizeof body, r, d);
}

#define ANS503 "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
#define ANS500 "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"

static void
test_retry_policy(void)
{
	sg_retry p;
	sg_retry_init(&p);
	/* Which answers and errors may pass. */
	CHECK(sg_retry_status(429) && sg_retry_status(503) && sg_retry_status(500) &&
		sg_retry_status(408) && sg_retry_status(599));
	CHECK(!sg_retry_status(501) && !sg_retry_status(505) && !sg_retry_status(404) &&
		!sg_retry_status(401) && !sg_retry_status(200) && !sg_retry_status(409));
	CHECK(sg_retry_error(SG_ERR_NET_CONNECT) && sg_retry_error(SG_ERR_NET_IO) &&
		sg_retry_error(SG_ERR_HTTP_TRUNCATED) && sg_retry_error(SG_ERR_NET_TIMEOUT) &&
		sg_retry_error(SG_ERR_NET_CLOSED) && sg_retry_error(SG_ERR_TLS_IO));
	CHECK(!sg_retry_error(SG_ERR_NET_RESOLVE) && !sg_retry_error(SG_ERR_TLS_UNKNOWN_CA));
	CHECK(!sg_retry_error(SG_ERR_HTTP_BODY_TOO_LARGE) && !sg_retry_error(SG_ERR_HTTP_HEADER));
	CHECK(!sg_retry_error(SG_ERR_HTTP_PLAINTEXT) && !sg_retry_error(SG_OK));
	/* Exponential, capped. */
	CHECK(sg_retry_backoff_ms(&p, 1) == 500 && sg_retry_backoff_ms(&p, 2) == 1000 &&
		sg_retry_backoff_ms(&p, 3) == 2000 && sg_retry_backoff_ms(&p, 6) == 10000 &&
		sg_retry_backoff_ms(&p, 60) == 10000);
	/* Jitter keeps at least half and never exceeds the step, and varies. */
	sg_drbg rng;
	sg_drbg_init_seed(&rng, "jitter", 6);
	p.rng = &rng;
	int in_range = 1, distinct = 0;
	unsigned first = sg_retry_backoff_ms(&p, 3);
	for (int i = 0; i < 200; i++) {
		unsigned w = sg_retry_backoff_ms(&p, 3);
		in_range &= w >= 1000 && w <= 2000;
		distinct |= w != first;
	}
	CHECK(in_range && distinct);
	sg_drbg_wipe(&rng);
	/* Bounds of a pause: the count, Retry-After above the cap, the deadline. */
	reset_retry();
	CHECK(!sg_retry_pause(&policy, 4, 3, 0, 0, "GET x", "y") && nnotes == 0);
	CHECK(!sg_retry_pause(&policy, 1, 3, 0, 61000, "GET http://h/p", "429 Too Many") &&
		nnotes == 1 && strstr(notes[0], "Not retrying GET http://h/p: 429 Too Many; the "
		"server asks to wait 61 s, more than 60 s") != NULL && slept == 0);
	policy.deadline_ms = 1000;
	CHECK(!sg_retry_pause(&policy, 1, 3, 600, 0, "GET http://h/p", "503 x") && slept == 0 &&
		strstr(notes[1], "would pass the deadline") != NULL);
	CHECK(sg_retry_pause(&policy, 1, 3, 0, 0, "GET http://h/p", "503 x") && slept == 500 &&
		policy.retries == 1);
	/* A server's text cannot put control bytes on the terminal. */
	CHECK(strcmp(notes[2], "Retrying GET http://h/p in 0.5 s (retry 1 of 3): 503 x") == 0);
	CHECK(sg_retry_pause(&policy, 1, 3, 0, 0, "GET \x1b[2J", "a\nb") &&
		strstr(notes[3], "GET ?[2J") != NULL && strstr(notes[3], "a?b") != NULL);
}

static void
test_retry_client(void)
{
	sg_http_response r;
	sg_diag d;

	/* 503 then success: one retry on the kept-alive connection, one line without the query. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {ANS503 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/v2/x/manifests/t?token=s3cret", &r));
	CHECK(r.status == 200 && body_is(&r, "ok") && r.retries == 1 && client.requests == 2);
	CHECK(slept == 500 && nnotes == 1 && strcmp(notes[0], "Retrying GET https://h/v2/x/"
		"manifests/t in 0.5 s (retry 1 of 3): 503 Service Unavailable") == 0);
	CHECK(strstr(notes[0], "s3cret") == NULL);

	/* 429 with Retry-After: the server's wait when longer than the backoff. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 429 Too Many Requests\r\n"
		"Retry-After: 2\r\nContent-Length: 0\r\n\r\n" NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 200 && r.retries == 1 && slept == 2000 &&
		strstr(notes[0], "in 2.0 s (retry 1 of 3): 429 Too Many Requests") != NULL);
	/* ...and refused when it asks for more than the cap: the 429 is the answer. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 429 Slow Down\r\nRetry-After: 3600\r\n"
		"Content-Length: 0\r\n\r\n" NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 429 && r.retries == 0 && slept == 0 && client.requests == 1 &&
		strstr(notes[0], "Not retrying GET https://h/: 429 Slow Down; the server asks to "
		"wait 3600 s") != NULL);

	/* 500 forever: the count bounds it; the last answer is returned to the caller. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {ANS500 NEXT ANS500 NEXT ANS500 NEXT ANS500 NEXT
		OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 500 && r.retries == 3 && client.requests == 4 && slept == 3500 &&
		nnotes == 3 && strstr(notes[2], "(retry 3 of 3)") != NULL && policy.retries == 3);
	/* ...and the command's deadline bounds it sooner. */
	reset_retry();
	policy.deadline_ms = 2000;
	fk.hosts[0] = (struct host){"h", 443, {ANS500 NEXT ANS500 NEXT ANS500 NEXT OK200(2) "ok"},
		0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 500 && r.retries == 2 && slept == 1500 && nnotes == 3 &&
		strstr(notes[2], "would pass the deadline") != NULL);
	/* Zero retries: one attempt. */
	reset_retry();
	policy.max_retries = 0;
	fk.hosts[0] = (struct host){"h", 443, {ANS503 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 503 && client.requests == 1 && nnotes == 0);
	/* 404 and 501 are answers, not failures that pass. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 501 Not Implemented\r\nContent-Length: "
		"0\r\n\r\n" NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 501 && client.requests == 1 && nnotes == 0);

	/* Reset mid-body: a fresh connection, and the error of the last attempt otherwise. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
		OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/blob", &r));
	CHECK(r.status == 200 && body_is(&r, "ok") && fk.nconns == 2 && r.retries == 1 &&
		strstr(notes[0], "HTTP response truncated") != NULL);
	reset_retry();
#define CUT "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"
	fk.hosts[0] = (struct host){"h", 443, {CUT, CUT, CUT, CUT "cd"}, 0};
	sg_diag_init(&d, "t");
	CHECK_ERR(get_("GET", "https://h/", NULL, 0, sizeof body, SG_HTTP_PLAIN_LOOPBACK, &r, &d),
		SG_ERR_HTTP_TRUNCATED);
	CHECK(d.code == SG_ERR_HTTP_TRUNCATED && strstr(d.detail, "after 4 body bytes") != NULL);
	CHECK(fk.nconns == 4 && r.status == 0 && nnotes == 3);

	/* Connection refused forever: retried, even for a POST (nothing was sent). */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {NULL}, 0};
	sg_diag_init(&d, "t");
	CHECK_ERR(post("https://h/api", SG_HTTP_REPLAY_DEFAULT, &r, &d), SG_ERR_NET_CONNECT);
	CHECK(d.code == SG_ERR_NET_CONNECT && nnotes == 3 && slept == 3500 &&
		strstr(notes[0], "Retrying POST https://h/api in 0.5 s (retry 1 of 3): ") != NULL);
	/* DNS failures are not retried. */
	reset_retry();
	CHECK_ERR(get_("GET", "https://nowhere/", NULL, 0, sizeof body, SG_HTTP_PLAIN_LOOPBACK,
		&r, NULL), SG_ERR_NET_RESOLVE);
	CHECK(nnotes == 0);

	/* A POST that reached the server is not replayed blindly... */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab",
		OK200(2) "ok"}, 0};
	CHECK_ERR(post("https://h/api", SG_HTTP_REPLAY_DEFAULT, &r, NULL), SG_ERR_HTTP_TRUNCATED);
	CHECK(client.requests == 1 && nnotes == 0);
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {ANS500 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(post("https://h/api", SG_HTTP_REPLAY_DEFAULT, &r, NULL));
	CHECK(r.status == 500 && client.requests == 1);
	/* ...unless the server says it did nothing (503, 429)... */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {ANS503 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(post("https://h/api", SG_HTTP_REPLAY_DEFAULT, &r, NULL));
	CHECK(r.status == 200 && client.requests == 2);
	/* ...or the caller vouches for it (Rekor resolves a repeat by its 409). */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab",
		OK200(2) "ok"}, 0};
	CHECK_OK(post("https://h/api", SG_HTTP_REPLAY_SAFE, &r, NULL));
	CHECK(r.status == 200 && body_is(&r, "ok") && client.requests == 2 &&
		req_has(1, "POST /api HTTP/1.1"));
	/* Never: one attempt. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {ANS503 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(post("https://h/api", SG_HTTP_REPLAY_NEVER, &r, NULL));
	CHECK(r.status == 503 && client.requests == 1);

	/* A sink that took bytes cannot take them back: no retry. */
	reset_retry();
	fk.hosts[0] = (struct host){"h", 443, {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
		OK200(2) "ok"}, 0};
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = sg_slice_str("https://h/");
	req.sink = sink;
	sunk = 0;
	CHECK_ERR(sg_http_do(&client, &req, NULL, 100, &r, NULL), SG_ERR_HTTP_TRUNCATED);
	CHECK(sunk == 3 && client.requests == 1 && nnotes == 0);
	/* Without a policy nothing changes. */
	reset();
	fk.hosts[0] = (struct host){"h", 443, {ANS503 NEXT OK200(2) "ok"}, 0};
	CHECK_OK(get("https://h/", &r));
	CHECK(r.status == 503 && client.requests == 1);
	sg_http_client_close(&client);
}

static void
test_client_parked(void)
{
	sg_http_response r;
	/* A registry, its token service, the registry again: the registry's connection waits
	 * parked while the token is fetched, and is used again (issue #15: no second dial). */
	reset();
	fk.hosts[0] = (struct host){"reg", 443, {OK200(1) "a" NEXT OK200(1) "c", OK200(1) "e"}, 0};
	fk.hosts[1] = (struct host){"auth", 443, {OK200(1) "b"}, 0};
	fk.hosts[2] = (struct host){"other", 443, {OK200(1) "d"}, 0};
	CHECK_OK(get("https://reg/a", &r));
	CHECK_OK(get("https://auth/token", &r));
	CHECK(body_is(&r, "b") && !r.reused && fk.conns[0].open);
	CHECK_OK(get("https://reg/c", &r));
	CHECK(body_is(&r, "c") && r.reused && fk.nconns == 2 && client.connects == 2);
	/* A third origin parks the registry's and closes the token service's. */
	CHECK_OK(get("https://other/d", &r));
	CHECK(body_is(&r, "d") && fk.nconns == 3 && fk.conns[0].open && !fk.conns[1].open);
	/* A parked connection the server closed meanwhile is dropped, and a fresh one dialed. */
	fk.conns[0].dead = 1;
	CHECK_OK(get("https://reg/e", &r));
	CHECK(body_is(&r, "e") && !r.reused && fk.nconns == 4 && !fk.conns[0].open &&
		fk.conns[2].open);
	sg_http_client_close(&client);
	CHECK(!fk.conns[2].open && !fk.conns[3].open);
}

int
main(void)
{
	test_client_basic();
	test_client_limits();
	test_client_plain();
	test_client_redirects();
	test_client_secret_body();
	test_client_proxy();
	test_client_stale();
	test_client_parked();
	test_retry_policy();
	test_retry_client();
	guard_release();
	return test_finish();
}
