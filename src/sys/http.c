/* http: the HTTP/1.1 client. See http.h.
 *
 * Implementation notes
 * - Redirects per RFC 9110 §15.4 (303 and 301/302 after POST become GET); the
 *   Authorization header is not sent to another origin; https never redirects to http;
 *   proxies per the de-facto curl/Go conventions (HTTPS_PROXY with CONNECT, RFC 9110 §9.3.6). */
#include "sys/http.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "sys/os.h"

/* see http.h */
void
sg_http_client_init(sg_http_client *c, sg_net_dialer *dialer, const sg_net_opts *opts,
	uint8_t *iobuf)
{
	memset(c, 0, sizeof *c);
	c->dialer = dialer;
	c->opts = opts;
	c->iobuf = iobuf;
	c->user_agent = "picosign";
}

static void
drop_conn(sg_http_client *c)
{
	if (c->conn != NULL)
		c->conn->close(c->conn);
	c->conn = NULL;
	c->conn_key[0] = '\0';
}

static void
drop_parked(sg_http_client *c)
{
	if (c->parked != NULL)
		c->parked->close(c->parked);
	c->parked = NULL;
	c->parked_key[0] = '\0';
}

/* Make the connection to `key` current: the current one when it goes there, else the parked
 * one; a current one to another origin is parked (closing the one parked before). 1 when the
 * connection found is still usable, 0 when the caller must drop it (if any) and dial. */
static int
take_conn(sg_http_client *c, const char *key)
{
	if (c->conn != NULL && strcmp(c->conn_key, key) == 0)
		return c->conn->idle_ok == NULL || c->conn->idle_ok(c->conn);
	sg_transport *back = NULL;
	char back_key[sizeof c->parked_key];
	if (c->parked != NULL && strcmp(c->parked_key, key) == 0) {
		back = c->parked;
		memcpy(back_key, c->parked_key, sizeof back_key);
		c->parked = NULL;
		c->parked_key[0] = '\0';
	}
	if (c->conn != NULL) {
		drop_parked(c);
		c->parked = c->conn;
		memcpy(c->parked_key, c->conn_key, sizeof c->parked_key);
	}
	c->conn = back;
	c->conn_key[0] = '\0';
	if (back == NULL)
		return 0;
	memcpy(c->conn_key, back_key, sizeof c->conn_key);
	return back->idle_ok == NULL || back->idle_ok(back);
}

/* see http.h */
void
sg_http_client_close(sg_http_client *c)
{
	drop_conn(c);
	drop_parked(c);
	if (c->iobuf != NULL)
		sg_wipe(c->iobuf, SG_HTTP_IOBUF_SIZE);
}

/* see http.h */
sg_err
sg_http_status_err(const sg_http_response *r, const char *what, sg_diag *d)
{
	if (r->status >= 200 && r->status <= 299)
		return SG_OK;
	return sg_diag_failf(d, SG_ERR_HTTP_STATUS, what, "server answered %d %.*s", r->status,
		(int)(r->reason.len > 100 ? 100 : r->reason.len), (const char *)r->reason.p);
}

static int
host_matches_suffix(sg_slice host, const char *pat, size_t pn)
{
	if (pn == 0 || pn > host.len)
		return 0;
	for (size_t i = 0; i < pn; i++)
		if (sg_ascii_lower(host.p[host.len - pn + i]) != sg_ascii_lower((uint8_t)pat[i]))
			return 0;
	if (pn == host.len)
		return 1;
	/* "example.com" also covers "a.example.com", but not "badexample.com". */
	return pat[0] == '.' || host.p[host.len - pn - 1] == '.';
}

/* see http.h */
int
sg_http_no_proxy_match(const char *no_proxy, const sg_url *u)
{
	if (no_proxy == NULL)
		return 0;
	const char *s = no_proxy;
	while (*s != '\0') {
		while (*s == ',' || *s == ' ')
			s++;
		const char *e = s;
		while (*e != '\0' && *e != ',' && *e != ' ')
			e++;
		size_t n = (size_t)(e - s);
		if (n == 1 && s[0] == '*')
			return 1;
		/* An optional ":port" limits the entry to that port. */
		const char *colon = NULL;
		for (const char *k = s; k < e; k++)
			if (*k == ':')
				colon = k;
		size_t hn = n;
		int port_ok = 1;
		if (colon != NULL && s[0] != '[') {
			hn = (size_t)(colon - s);
			unsigned long port = 0;
			for (const char *k = colon + 1; k < e; k++)
				port = port < 100000 && *k >= '0' && *k <= '9'
					? port * 10 + (unsigned long)(*k - '0') : 100000;
			port_ok = port == u->port;
		}
		if (n > 0 && port_ok) {
			const char *h = s;
			if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']')
				h++, hn -= 2;
			if (hn > 0 && host_matches_suffix(u->host, h, hn))
				return 1;
		}
		s = e;
	}
	return 0;
}

/* Request header names we write ourselves; a caller may not set them. */
static int
reserved_header(sg_slice name)
{
	return sg_slice_ieq_str(name, "Host") || sg_slice_ieq_str(name, "Content-Length") ||
		sg_slice_ieq_str(name, "Transfer-Encoding") || sg_slice_ieq_str(name, "Connection");
}

SG_MUST_USE static sg_err
check_req_header(const sg_http_header *h, sg_diag *d)
{
	if (h->name.len == 0 || reserved_header(h->name))
		return sg_diag_fail(d, SG_ERR_ARG, "HTTP request header name");
	for (size_t i = 0; i < h->name.len; i++)
		if (!sg_http_is_tchar(h->name.p[i]))
			return sg_diag_fail(d, SG_ERR_ARG, "HTTP request header name");
	/* No CR, LF or NUL can reach the wire (header injection). Values are never echoed into
	 * the diagnostic: they may be credentials. */
	for (size_t i = 0; i < h->value.len; i++)
		if (!sg_http_is_field_char(h->value.p[i]))
			return sg_diag_fail(d, SG_ERR_ARG, "HTTP request header value");
	return SG_OK;
}

/* Copy a URL host into a NUL-terminated buffer of SG_URL_MAX_HOST + 1 bytes. */
static void
host_z(const sg_url *u, char *z)
{
	size_t n = u->host.len > SG_URL_MAX_HOST ? SG_URL_MAX_HOST : u->host.len;
	memcpy(z, u->host.p, n);
	z[n] = '\0';
}

/* One exchange on one connection: state shared by the helpers below. */
struct xfer {
	sg_http_client *c;
	const sg_http_request *req;
	sg_transport *t;
	uint64_t deadline;
	uint8_t *body;
	size_t body_cap;
	sg_http_response *out;
	int got_bytes;       /* any response byte arrived */
	int reusable;
	const char *hostport; /* "host:port" for messages */
};

SG_MUST_USE static sg_err
xread(struct xfer *x, uint8_t *buf, size_t cap, size_t *got, sg_diag *d)
{
	x->t->deadline_ms = x->deadline;
	sg_err e = x->t->read(x->t, buf, cap, got, d);
	if (e == SG_OK && *got > 0)
		x->got_bytes = 1;
	return e;
}

/* Deliver body bytes to the buffer or the sink, within the cap. */
SG_MUST_USE static sg_err
emit(struct xfer *x, const uint8_t *p, size_t n, sg_diag *d)
{
	sg_http_response *r = x->out;
	if ((uint64_t)n > (uint64_t)x->body_cap - r->body_total)
		return sg_diag_failf(d, SG_ERR_HTTP_BODY_TOO_LARGE, "HTTP response",
			"body larger than the limit of %zu bytes", x->body_cap);
	if (x->req->sink != NULL) {
		x->c->sunk += n;
		SG_TRY(x->req->sink(x->req->sink_ctx, p, n, d));
	} else if (n > 0) {
		memcpy(x->body + r->body_len, p, n);
		r->body_len += n;
	}
	r->body_total += n;
	return SG_OK;
}

SG_MUST_USE static sg_err
truncated(struct xfer *x, sg_err e, const char *what, sg_diag *d)
{
	/* A timeout stays a timeout; an early end of stream is a truncated response. */
	if (e == SG_OK || e == SG_ERR_NET_CLOSED)
		return sg_diag_failf(d, SG_ERR_HTTP_TRUNCATED, "HTTP response",
			"%s: connection closed after %llu body bytes", what,
			(unsigned long long)x->out->body_total);
	return e;
}

/* Read the body framed by `f`; `extra` holds bytes already read after the head. */
SG_MUST_USE static sg_err
read_body(struct xfer *x, sg_http_framing f, uint64_t length, uint8_t *extra, size_t extra_n,
	uint8_t *scratch, size_t scratch_cap, sg_diag *d)
{
	size_t got;
	sg_err e;
	switch (f) {
	case SG_HTTP_BODY_NONE:
		if (extra_n > 0)
			x->reusable = 0;
		return SG_OK;
	case SG_HTTP_BODY_LENGTH: {
		if (length > (uint64_t)x->body_cap)
			return sg_diag_failf(d, SG_ERR_HTTP_BODY_TOO_LARGE, "HTTP response",
				"Content-Length %llu exceeds the limit of %zu bytes",
				(unsigned long long)length, x->body_cap);
		size_t want = (size_t)length;
		size_t k = extra_n < want ? extra_n : want;
		SG_TRY(emit(x, extra, k, d));
		if (extra_n > want)
			x->reusable = 0; /* bytes beyond the body: do not trust this stream */
		while (x->out->body_total < want) {
			size_t left = want - (size_t)x->out->body_total;
			uint8_t *dst = x->req->sink != NULL ? scratch : x->body + x->out->body_len;
			size_t cap = x->req->sink != NULL && left > scratch_cap ? scratch_cap : left;
			e = xread(x, dst, cap, &got, d);
			if (e != SG_OK || got == 0)
				return truncated(x, e, "Content-Length body", d);
			if (x->req->sink != NULL) {
				SG_TRY(emit(x, dst, got, d));
			} else {
				x->out->body_len += got;
				x->out->body_total += got;
			}
		}
		return SG_OK;
	}
	case SG_HTTP_BODY_CHUNKED: {
		sg_http_chunked ch;
		sg_http_chunked_init(&ch);
		uint8_t *raw = extra;
		size_t n = extra_n;
		for (;;) {
			size_t dec, used;
			e = sg_http_chunked_decode(&ch, raw, n, &dec, &used, d);
			if (e != SG_OK && e != SG_ERR_TRUNCATED)
				return e;
			SG_TRY(emit(x, raw, dec, d));
			/* A chunk announced beyond the cap fails now, not after reading it. */
			if (ch.remaining > (uint64_t)x->body_cap - x->out->body_total)
				return sg_diag_failf(d, SG_ERR_HTTP_BODY_TOO_LARGE, "HTTP response",
					"a chunk of %llu bytes exceeds the limit of %zu bytes",
					(unsigned long long)ch.remaining, x->body_cap);
			if (e == SG_OK) {
				if (used < n)
					x->reusable = 0;
				return SG_OK;
			}
			raw = scratch;
			e = xread(x, scratch, scratch_cap, &n, d);
			if (e != SG_OK || n == 0)
				return truncated(x, e, "chunked body", d);
		}
	}
	case SG_HTTP_BODY_CLOSE:
		x->reusable = 0;
		SG_TRY(emit(x, extra, extra_n, d));
		for (;;) {
			e = xread(x, scratch, scratch_cap, &got, d);
			if (e == SG_ERR_NET_CLOSED)
				return truncated(x, e, "body without length", d);
			if (e != SG_OK)
				return e;
			if (got == 0)
				return SG_OK;
			SG_TRY(emit(x, scratch, got, d));
		}
	}
	return sg_diag_fail(d, SG_ERR_INTERNAL, "HTTP framing");
}

/* Read a response head into iobuf[0..have) (skipping 1xx interim answers). On success the
 * head occupies iobuf[0..*head_len) and iobuf[*head_len..*have) are early body bytes. */
SG_MUST_USE static sg_err
read_head(struct xfer *x, sg_http_head *h, size_t *head_len, size_t *have, sg_diag *d)
{
	sg_http_client *c = x->c;
	size_t n = 0;
	for (;;) {
		size_t consumed;
		sg_err e = sg_http_parse_head(c->iobuf, n, c->hdrs, SG_MAX_HTTP_HEADERS, h,
			&consumed, d);
		if (e == SG_OK && h->status >= 100 && h->status <= 199) {
			/* 1xx interim response (e.g. 100 Continue): drop it, keep reading. */
			memmove(c->iobuf, c->iobuf + consumed, n - consumed);
			n -= consumed;
			continue;
		}
		if (e == SG_OK) {
			*head_len = consumed;
			*have = n;
			return SG_OK;
		}
		if (e != SG_ERR_TRUNCATED)
			return e;
		if (n >= SG_HTTP_IOBUF_SIZE)
			return sg_diag_fail(d, SG_ERR_HTTP_HEADERS_TOO_LARGE, "HTTP response");
		size_t got;
		e = xread(x, c->iobuf + n, SG_HTTP_IOBUF_SIZE - n, &got, d);
		if (e != SG_OK)
			return e;
		if (got == 0) {
			if (n == 0)
				return sg_diag_failf(d, SG_ERR_NET_CLOSED, "HTTP response",
					"%s closed the connection without answering", x->hostport);
			return sg_diag_failf(d, SG_ERR_HTTP_TRUNCATED, "HTTP response",
				"connection closed inside the response headers");
		}
		n += got;
	}
}

/* Write the request head for `u` into iobuf and send it with the body. */
SG_MUST_USE static sg_err
send_request(struct xfer *x, const sg_url *u, const char *method, int absolute_form,
	int with_auth, sg_slice body, sg_diag *d)
{
	sg_http_client *c = x->c;
	const sg_http_request *req = x->req;
	sg_buf b;
	sg_buf_init(&b, c->iobuf, SG_HTTP_IOBUF_SIZE);
	sg_buf_puts(&b, method);
	sg_buf_puts(&b, " ");
	if (absolute_form)
		sg_url_write(u, &b);
	else
		sg_url_write_target(u, &b);
	sg_buf_puts(&b, " HTTP/1.1\r\nHost: ");
	sg_url_write_authority(u, 0, &b);
	sg_buf_puts(&b, "\r\nUser-Agent: ");
	sg_buf_puts(&b, c->user_agent);
	sg_buf_puts(&b, "\r\n");
	for (size_t i = 0; i < req->num_headers; i++) {
		const sg_http_header *h = &req->headers[i];
		if (!with_auth && sg_slice_ieq_str(h->name, "Authorization"))
			continue;
		sg_buf_put(&b, h->name.p, h->name.len);
		sg_buf_puts(&b, ": ");
		sg_buf_put(&b, h->value.p, h->value.len);
		sg_buf_puts(&b, "\r\n");
	}
	/* A body only with methods that carry one; POST/PUT/PATCH always say how long. */
	int has_body = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
		(body.len > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
		strcmp(method, "PATCH") == 0);
	if (has_body) {
		sg_buf_puts(&b, "Content-Length: ");
		sg_buf_put_dec(&b, body.len);
		sg_buf_puts(&b, "\r\n");
	}
	sg_buf_puts(&b, "\r\n");
	sg_err e = sg_buf_status(&b);
	if (e != SG_OK) {
		sg_wipe(c->iobuf, SG_HTTP_IOBUF_SIZE);
		return sg_diag_fail(d, SG_ERR_LIMIT, "HTTP request head");
	}
	x->t->deadline_ms = x->deadline;
	e = x->t->write(x->t, b.p, b.len, d);
	/* The head may hold an Authorization header: do not leave it in memory. */
	sg_wipe(c->iobuf, b.len);
	if (e == SG_OK && has_body && body.len > 0)
		e = x->t->write(x->t, body.p, body.len, d);
	c->requests++;
	return e;
}

/* Open a connection for `u`, directly or through a proxy. */
SG_MUST_USE static sg_err
dial(sg_http_client *c, const sg_url *u, uint64_t deadline, int *absolute_form, sg_diag *d)
{
	sg_net_dialer *dl = c->dialer;
	const sg_net_opts *o = c->opts;
	const char *proxy = u->scheme == SG_URL_HTTPS ? o->https_proxy : o->http_proxy;
	sg_transport *t = NULL;
	*absolute_form = 0;
	host_z(u, c->hostz);
	if (proxy != NULL && proxy[0] != '\0' && !sg_http_no_proxy_match(o->no_proxy, u)) {
		/* "host:port" without a scheme means an http proxy, as curl reads it. */
		uint8_t pbuf[512];
		sg_buf pb;
		sg_buf_init(&pb, pbuf, sizeof pbuf);
		if (strstr(proxy, "://") == NULL)
			sg_buf_puts(&pb, "http://");
		sg_buf_puts(&pb, proxy);
		sg_url pu;
		sg_diag pd;
		sg_diag_init(&pd, NULL);
		if (sg_buf_status(&pb) != SG_OK ||
			sg_url_parse(pb.p, pb.len, &pu, &pd) != SG_OK)
			return sg_diag_failf(d, SG_ERR_HTTP_PROXY, "proxy",
				"cannot parse the proxy URL (%s)", sg_err_str(pd.code));
		if (pu.scheme != SG_URL_HTTP)
			return sg_diag_failf(d, SG_ERR_HTTP_PROXY, "proxy",
				"only http:// proxies are supported");
		host_z(&pu, c->proxyz);
		sg_diag td;
		sg_diag_init(&td, d != NULL ? d->source : NULL);
		sg_err te = dl->tcp(dl, c->proxyz, pu.port, deadline, &t, &td);
		if (te != SG_OK) {
			/* Say that it was the proxy that failed, not the server. */
			td.what = "connecting to proxy";
			if (d != NULL && d->code == SG_OK)
				*d = td;
			return te;
		}
		c->connects++;
		if (u->scheme == SG_URL_HTTP) {
			*absolute_form = 1;
			c->conn = t;
			return SG_OK;
		}
		/* CONNECT host:port (RFC 9110 §9.3.6), then TLS inside the tunnel. */
		sg_buf b;
		sg_buf_init(&b, c->iobuf, SG_HTTP_IOBUF_SIZE);
		sg_buf_puts(&b, "CONNECT ");
		sg_url_write_authority(u, 1, &b);
		sg_buf_puts(&b, " HTTP/1.1\r\nHost: ");
		sg_url_write_authority(u, 1, &b);
		sg_buf_puts(&b, "\r\nUser-Agent: ");
		sg_buf_puts(&b, c->user_agent);
		sg_buf_puts(&b, "\r\n\r\n");
		t->deadline_ms = deadline;
		sg_err e = sg_buf_status(&b);
		if (e == SG_OK)
			e = t->write(t, b.p, b.len, d);
		sg_http_head h;
		size_t head_len = 0, have = 0;
		if (e == SG_OK) {
			sg_http_request dummy;
			memset(&dummy, 0, sizeof dummy);
			dummy.method = "CONNECT";
			sg_http_response r;
			memset(&r, 0, sizeof r);
			struct xfer x = {c, &dummy, t, deadline, NULL, 0, &r, 0, 0, c->proxyz};
			e = read_head(&x, &h, &head_len, &have, d);
		}
		if (e == SG_OK && (h.status < 200 || h.status > 299))
			e = sg_diag_failf(d, SG_ERR_HTTP_PROXY, "proxy", "CONNECT answered %d %.*s",
				h.status, (int)(h.reason.len > 100 ? 100 : h.reason.len),
				(const char *)h.reason.p);
		else if (e == SG_OK && have != head_len)
			e = sg_diag_failf(d, SG_ERR_HTTP_PROXY, "proxy",
				"data after the CONNECT answer");
		if (e != SG_OK) {
			t->close(t);
			return e;
		}
		t->deadline_ms = deadline; /* the handshake counts against the request */
		SG_TRY(dl->tls(dl, t, c->hostz, &c->conn, d));
		return SG_OK;
	}
	SG_TRY(dl->tcp(dl, c->hostz, u->port, deadline, &t, d));
	c->connects++;
	t->deadline_ms = deadline; /* the handshake counts against the request */
	if (u->scheme == SG_URL_HTTPS)
		SG_TRY(dl->tls(dl, t, c->hostz, &t, d));
	c->conn = t;
	return SG_OK;
}

static void
conn_key(const sg_url *u, char *key, size_t cap)
{
	sg_buf b;
	sg_buf_init(&b, key, cap - 1);
	sg_buf_puts(&b, u->scheme == SG_URL_HTTPS ? "https://" : "http://");
	sg_url_write_authority(u, 1, &b);
	for (size_t i = 0; i < b.len; i++)
		key[i] = (char)sg_ascii_lower((uint8_t)key[i]);
	key[b.len] = '\0';
}

/* One request/response on a (possibly reused) connection. */
SG_MUST_USE static sg_err
exchange(sg_http_client *c, const sg_http_request *req, const sg_url *u, const char *method,
	int with_auth, sg_slice body, uint64_t deadline, uint8_t *bodybuf, size_t body_cap,
	sg_http_response *out, sg_diag *d)
{
	char key[sizeof c->conn_key];
	char hostport[SG_URL_MAX_HOST + 16];
	conn_key(u, key, sizeof key);
	{
		sg_buf hb;
		sg_buf_init(&hb, hostport, sizeof hostport - 1);
		sg_url_write_authority(u, 1, &hb);
		hostport[hb.len] = '\0';
	}
	int idempotent = strcmp(method, "POST") != 0 && strcmp(method, "PATCH") != 0;
	for (int attempt = 0;; attempt++) {
		int reused = 0, absolute_form = 0;
		if (take_conn(c, key)) {
			reused = 1;
			absolute_form = u->scheme == SG_URL_HTTP && c->opts->http_proxy != NULL &&
				c->opts->http_proxy[0] != '\0' &&
				!sg_http_no_proxy_match(c->opts->no_proxy, u);
		} else {
			drop_conn(c);
			SG_TRY(dial(c, u, deadline, &absolute_form, d));
			memcpy(c->conn_key, key, sizeof key);
		}
		memset(out, 0, sizeof *out);
		out->body = bodybuf;
		out->reused = reused;
		struct xfer x = {c, req, c->conn, deadline, bodybuf, body_cap, out, 0, 1, hostport};
		/* A retry on a stale kept-alive connection must not record the first failure. */
		sg_diag scratch;
		sg_diag_init(&scratch, d != NULL ? d->source : NULL);
		sg_diag *dd = reused && idempotent && attempt == 0 ? &scratch : d;
		sg_err e = send_request(&x, u, method, absolute_form, with_auth, body, dd);
		sg_http_head h;
		size_t head_len = 0, have = 0;
		if (e == SG_OK)
			e = read_head(&x, &h, &head_len, &have, dd);
		if (e != SG_OK && dd == &scratch && !x.got_bytes &&
			(e == SG_ERR_NET_CLOSED || e == SG_ERR_NET_IO || e == SG_ERR_TLS_IO)) {
			drop_conn(c);
			continue; /* the server dropped the idle connection: once more, fresh */
		}
		if (e != SG_OK) {
			if (dd == &scratch && d != NULL && d->code == SG_OK)
				*d = scratch;
			drop_conn(c);
			return e;
		}
		sg_http_framing f;
		uint64_t length;
		e = sg_http_framing_of(&h, strcmp(method, "HEAD") == 0, &f, &length, d);
		out->status = h.status;
		out->reason = h.reason;
		out->head = h;
		if (e == SG_OK) {
			x.reusable = sg_http_keep_alive(&h);
			uint8_t *scratch_buf = c->iobuf + head_len;
			e = read_body(&x, f, length, c->iobuf + head_len, have - head_len,
				scratch_buf, SG_HTTP_IOBUF_SIZE - head_len, d);
		}
		if (e != SG_OK || !x.reusable)
			drop_conn(c);
		return e;
	}
}

static int
is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 ||
		status == 308;
}

SG_MUST_USE static sg_err
check_plain(const sg_url *u, sg_http_plain plain, sg_diag *d)
{
	if (u->scheme == SG_URL_HTTPS)
		return SG_OK;
	if (plain == SG_HTTP_PLAIN_ANY || (plain == SG_HTTP_PLAIN_LOOPBACK &&
		sg_url_is_loopback(u)))
		return SG_OK;
	return sg_diag_failf(d, SG_ERR_HTTP_PLAINTEXT, "HTTP request",
		"refusing http://%.*s without TLS%s", (int)u->host.len, (const char *)u->host.p,
		plain == SG_HTTP_PLAIN_LOOPBACK ? " (only loopback hosts may use plain http)" : "");
}

/* One attempt: the request and its redirects, until `deadline`. */
SG_MUST_USE static sg_err
do_once(sg_http_client *c, const sg_http_request *req, uint8_t *body, size_t body_cap,
	uint64_t deadline, sg_http_response *out, sg_diag *d)
{
	int cur = 0, with_auth = 1;
	size_t url_len = req->url.len;
	memcpy(c->url[0], req->url.p, url_len);
	const char *method = req->method;
	sg_slice send_body = req->body;
	sg_err e;
	for (unsigned hop = 0;; hop++) {
		sg_url u;
		SG_TRY(sg_url_parse(c->url[cur], url_len, &u, d));
		SG_TRY(check_plain(&u, req->plain, d));
		e = exchange(c, req, &u, method, with_auth, send_body, deadline, body, body_cap,
			out, d);
		if (e != SG_OK)
			break;
		out->final_url = sg_slice_make(c->url[cur], url_len);
		out->redirects = hop;
		sg_slice loc;
		if (req->no_redirects || !is_redirect(out->status) ||
			!sg_http_header_get(&out->head, "Location", &loc))
			return SG_OK;
		if (hop == SG_MAX_HTTP_REDIRECTS) {
			e = sg_diag_failf(d, SG_ERR_HTTP_REDIRECT, "HTTP request",
				"stopped after %u redirects", (unsigned)SG_MAX_HTTP_REDIRECTS);
			break;
		}
		sg_buf nb;
		sg_buf_init(&nb, c->url[1 - cur], SG_MAX_URL);
		e = sg_url_resolve(&u, loc.p, loc.len, &nb, d);
		if (e != SG_OK)
			break;
		sg_url nu;
		e = sg_url_parse(nb.p, nb.len, &nu, d);
		if (e != SG_OK)
			break;
		if (u.scheme == SG_URL_HTTPS && nu.scheme == SG_URL_HTTP) {
			e = sg_diag_failf(d, SG_ERR_HTTP_REDIRECT_DOWNGRADE, "HTTP redirect",
				"to http://%.*s", (int)nu.host.len, (const char *)nu.host.p);
			break;
		}
		if (out->status == 303 || ((out->status == 301 || out->status == 302) &&
			strcmp(method, "POST") == 0)) {
			if (strcmp(method, "HEAD") != 0)
				method = "GET";
			send_body = sg_slice_make(NULL, 0);
		}
		/* Credentials are for the origin they were given for (RFC 9110 §15.4): the
		 * Authorization header is dropped, and a body that is a credential is not resent. */
		if (!sg_url_same_origin(&u, &nu)) {
			with_auth = 0;
			if (req->secret_body && send_body.len > 0) {
				e = sg_diag_failf(d, SG_ERR_HTTP_REDIRECT, "HTTP redirect",
					"%d to another origin (%.*s) would resend credentials",
					out->status, (int)nu.host.len, (const char *)nu.host.p);
				break;
			}
		}
		cur = 1 - cur;
		url_len = nb.len;
	}
	memset(out, 0, sizeof *out);
	return e;
}

/* "METHOD scheme://host[:port]/path" of the request, the query and fragment left out (they may
 * hold upload state or signed parameters); for retry lines. */
static void
request_name(const sg_http_request *req, char *out, size_t cap)
{
	size_t n = 0, m = strlen(req->method);
	for (size_t i = 0; i < m && n + 2 < cap; i++)
		out[n++] = req->method[i];
	out[n++] = ' ';
	for (size_t i = 0; i < req->url.len && n + 1 < cap; i++) {
		uint8_t ch = req->url.p[i];
		if (ch == '?' || ch == '#')
			break;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
}

/* Whether a failed attempt may be made again: by the method and what reached the server.
 * `sent` is 1 when request bytes were written (the server may have acted on them). */
static int
replayable(const sg_http_request *req, int sent, int status)
{
	if (req->replay == SG_HTTP_REPLAY_SAFE)
		return 1;
	if (strcmp(req->method, "POST") != 0 && strcmp(req->method, "PATCH") != 0)
		return 1;
	/* A POST the server did not see, or one it says it did not act on. */
	return !sent || status == 429 || status == 503;
}

/* see http.h */
sg_err
sg_http_do(sg_http_client *c, const sg_http_request *req, uint8_t *body, size_t body_cap,
	sg_http_response *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (req->method == NULL || req->method[0] == '\0' || strlen(req->method) > 16 ||
		(body == NULL && body_cap > 0 && req->sink == NULL))
		return sg_diag_fail(d, SG_ERR_ARG, "HTTP request");
	for (const char *m = req->method; *m != '\0'; m++)
		if (!sg_http_is_tchar((uint8_t)*m))
			return sg_diag_fail(d, SG_ERR_ARG, "HTTP method");
	for (size_t i = 0; i < req->num_headers; i++)
		SG_TRY(check_req_header(&req->headers[i], d));
	if (req->url.len > SG_MAX_URL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "URL");
	sg_retry *p = c->retry;
	uint64_t deadline = c->dialer->now_ms(c->dialer) + c->opts->deadline_ms;
	if (p == NULL || req->replay == SG_HTTP_REPLAY_NEVER)
		return do_once(c, req, body, body_cap, deadline, out, d);
	for (unsigned retry = 1;; retry++) {
		/* Each attempt records into its own diag: the error reported is the last one. */
		sg_diag ad;
		sg_diag_init(&ad, d != NULL ? d->source : NULL);
		unsigned sent0 = c->requests;
		uint64_t sunk0 = c->sunk;
		sg_err e = do_once(c, req, body, body_cap, deadline, out, &ad);
		int status = e == SG_OK ? out->status : 0;
		uint64_t after = 0;
		char why[SG_DIAG_DETAIL_MAX + 64];
		int again = e == SG_OK ? sg_retry_status(status) : sg_retry_error(e);
		again = again && c->sunk == sunk0 &&
			replayable(req, c->requests != sent0 || e == SG_OK, status);
		if (again && e == SG_OK) {
			sg_slice ra;
			if (sg_http_header_get(&out->head, "Retry-After", &ra) &&
				sg_http_retry_after(ra, p->wall_now != NULL ? p->wall_now() :
				sg_os_now(), &after, NULL) != SG_OK)
				after = 0; /* unreadable: our own backoff */
			snprintf(why, sizeof why, "%d %.*s", status,
				(int)(out->reason.len > 100 ? 100 : out->reason.len),
				(const char *)out->reason.p);
		} else if (again) {
			/* The failure without the caller's source name (it may be a URL with a
			 * query): the line names the request itself. */
			sg_diag shown = ad;
			shown.source = NULL;
			sg_diag_format(&shown, why, sizeof why);
		}
		char name[SG_MAX_URL / 4];
		if (again)
			request_name(req, name, sizeof name);
		if (!again || !sg_retry_pause(p, retry, p->max_retries,
				      c->dialer->now_ms(c->dialer), after, name, why)) {
			if (e != SG_OK && d != NULL && d->code == SG_OK)
				*d = ad;
			if (e == SG_OK)
				out->retries = retry - 1;
			return e;
		}
		/* The next attempt has its own deadline, cut to the command's. */
		deadline = c->dialer->now_ms(c->dialer) + c->opts->deadline_ms;
		if (p->deadline_ms != 0 && deadline > p->deadline_ms)
			deadline = p->deadline_ms;
	}
}
