/* http: HTTP/1.1 for picosign (layer 5).
 *
 * Two parts:
 *  1. A pure response parser and chunked decoder, shaped like picohttpparser: bytes in, views
 *     out, three outcomes (done with the bytes consumed / SG_ERR_TRUNCATED "need more" / an
 *     error), no I/O, no memory of their own. Fuzzed by fuzz_http_response and
 *     fuzz_http_chunked.
 *  2. A client over sg_transport (net.h): request writer, framing (Content-Length, chunked with
 *     trailers, close-delimited), body caps chosen by the caller, keep-alive reuse of one
 *     connection, redirects (https only downward, Authorization dropped and credential bodies
 *     never resent across origins), and
 *     proxies (CONNECT for https, absolute-form for http).
 *
 * Strictness (RFC 9112): CRLF only (a bare LF is an error), no obs-fold, no whitespace before
 * the colon, header names are tokens, values hold only VCHAR/SP/HTAB/obs-text, one
 * Content-Length made only of digits, Transfer-Encoding exactly "chunked", never both. */
#ifndef SG_HTTP_H
#define SG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "parse/url.h"
#include "sys/net.h"

/* ---- 1. pure parser ---- */

typedef struct sg_http_header {
	sg_slice name;
	sg_slice value; /* without leading/trailing SP/HTAB */
} sg_http_header;

typedef struct sg_http_head {
	int minor;                /* HTTP/1.<minor>: 0 or 1 */
	int status;               /* 100..599 */
	sg_slice reason;
	sg_http_header *headers;  /* the caller's array */
	size_t num_headers;
} sg_http_head;

/* Parse a response status line and header block from p[0..len). `hdrs` has room for `cap`
 * headers (at most SG_MAX_HTTP_HEADERS are ever used). Returns:
 *   SG_OK              the head is complete; *consumed = its length including the empty line;
 *   SG_ERR_TRUNCATED   p holds a proper prefix of a valid head: read more and call again;
 *   SG_ERR_HTTP_STATUS_LINE, SG_ERR_HTTP_HEADER (with the offset),
 *   SG_ERR_HTTP_HEADERS_TOO_LARGE (more than SG_MAX_HTTP_HEADER_BLOCK bytes or `cap` headers).
 * Views point into p. On failure `out` is zeroed and *consumed is 0. */
SG_MUST_USE sg_err sg_http_parse_head(const uint8_t *p, size_t len, sg_http_header *hdrs,
	size_t cap, sg_http_head *out, size_t *consumed, sg_diag *d);

/* The first header named `name` (a constant; compared case-insensitively); 0 when absent. */
int sg_http_header_get(const sg_http_head *h, const char *name, sg_slice *value);
/* How many headers are named `name`. */
size_t sg_http_header_count(const sg_http_head *h, const char *name);

typedef enum sg_http_framing {
	SG_HTTP_BODY_NONE = 0,  /* HEAD, 1xx, 204, 304 */
	SG_HTTP_BODY_LENGTH,    /* Content-Length */
	SG_HTTP_BODY_CHUNKED,   /* Transfer-Encoding: chunked */
	SG_HTTP_BODY_CLOSE,     /* read until the server closes */
} sg_http_framing;

/* How the body after head `h` is delimited (RFC 9112 §6.3). `head_request` is 1 when the
 * request was HEAD. SG_ERR_HTTP_HEADER for a bad, repeated or conflicting Content-Length or
 * Transfer-Encoding (anything but exactly "chunked" is refused). */
SG_MUST_USE sg_err sg_http_framing_of(const sg_http_head *h, int head_request,
	sg_http_framing *f, uint64_t *length, sg_diag *d);

/* 1 when the connection may be reused after this response: HTTP/1.1 without a "close" token
 * in Connection. */
int sg_http_keep_alive(const sg_http_head *h);

/* Streaming in-place chunked decoder (RFC 9112 §7.1). Chunk extensions are skipped (at most
 * SG_MAX_HTTP_CHUNK_LINE bytes per size line); trailer fields are checked like header fields and
 * dropped (at most SG_MAX_HTTP_HEADER_BLOCK bytes). Errors are sticky. */
typedef struct sg_http_chunked {
	int state;
	uint64_t remaining;  /* data bytes left in the current chunk */
	unsigned digits;     /* hex digits read in the current size line */
	size_t line;         /* bytes of the current size or trailer line */
	size_t trailer;      /* trailer bytes so far */
	uint64_t total;      /* decoded body bytes so far */
	uint64_t off;        /* raw bytes consumed so far (for diagnostics) */
	sg_err err;          /* sticky error, SG_OK while none */
} sg_http_chunked;

void sg_http_chunked_init(sg_http_chunked *c);

/* Decode raw bytes buf[0..len) in place: the decoded data is moved to buf[0..*out_len).
 * Returns SG_OK when the terminating chunk, trailers and final CRLF are complete; *consumed
 * is then how many raw bytes belonged to the body (bytes after that belong to the connection).
 * SG_ERR_TRUNCATED when all `len` bytes were consumed and more are needed. SG_ERR_HTTP_CHUNK
 * on malformed input (also for every later call). After SG_OK, later calls consume nothing. */
SG_MUST_USE sg_err sg_http_chunked_decode(sg_http_chunked *c, uint8_t *buf, size_t len,
	size_t *out_len, size_t *consumed, sg_diag *d);

/* ---- 2. client ---- */

/* When plain http:// is allowed. */
typedef enum sg_http_plain {
	SG_HTTP_PLAIN_DENY = 0,     /* https only */
	SG_HTTP_PLAIN_LOOPBACK = 1, /* http to localhost, 127.0.0.0/8 and ::1 */
	SG_HTTP_PLAIN_ANY = 2,      /* an explicit flag such as --allow-http-registry */
} sg_http_plain;

/* Memory one client needs besides the caller's body buffer: read buffer, URLs, host names. */
#define SG_HTTP_IOBUF_SIZE (SG_MAX_HTTP_HEADER_BLOCK + 1024u)

typedef struct sg_http_client {
	sg_net_dialer *dialer;     /* opens connections (net's, or a scripted one in tests) */
	const sg_net_opts *opts;   /* timeouts, proxies */
	const char *user_agent;    /* a constant; "picosign" unless the CLI sets its version */
	uint8_t *iobuf;            /* SG_HTTP_IOBUF_SIZE bytes: request head, response head */
	/* The one kept-alive connection (NULL when none) and where it goes. */
	sg_transport *conn;
	char conn_key[SG_URL_MAX_HOST + 32];
	unsigned requests;         /* requests sent so far, for tests */
	unsigned connects;         /* connections opened so far, for tests */
	/* URL text of the current and next request (redirects). */
	uint8_t url[2][SG_MAX_URL];
	char hostz[SG_URL_MAX_HOST + 1];
	char proxyz[SG_URL_MAX_HOST + 1];
	sg_http_header hdrs[SG_MAX_HTTP_HEADERS];
} sg_http_client;

typedef struct sg_http_request {
	const char *method;           /* "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" */
	sg_slice url;                 /* absolute http(s) URL */
	const sg_http_header *headers; /* extra headers; Host, User-Agent, Content-Length are ours */
	size_t num_headers;
	sg_slice body;                /* sent with Content-Length (even 0 for POST/PUT/PATCH) */
	sg_http_plain plain;          /* whether http:// may be used */
	int no_redirects;             /* 1: return 3xx answers to the caller */
	/* 1: the body is a credential (an OAuth2 refresh token, an OIDC token): a 307/308 to
	 * another origin, which would resend it there, fails with SG_ERR_HTTP_REDIRECT. */
	int secret_body;
	/* Optional sink for the body instead of the buffer (e.g. streaming into SHA-256); the cap
	 * still applies. A non-OK return aborts the request with that error. */
	sg_err (*sink)(void *ctx, const uint8_t *p, size_t n, sg_diag *d);
	void *sink_ctx;
} sg_http_request;

typedef struct sg_http_response {
	int status;
	sg_slice reason;
	sg_http_head head;          /* views into client->iobuf, valid until the next request */
	uint8_t *body;              /* the caller's buffer */
	size_t body_len;
	uint64_t body_total;        /* bytes received (also with a sink) */
	sg_slice final_url;         /* after redirects; points into the client */
	unsigned redirects;
	int reused;                 /* the request went over a kept-alive connection */
} sg_http_response;

/* Set up a client. `iobuf` must hold SG_HTTP_IOBUF_SIZE bytes. Nothing is connected yet. */
void sg_http_client_init(sg_http_client *c, sg_net_dialer *dialer, const sg_net_opts *opts,
	uint8_t *iobuf);
/* Close the kept-alive connection, if any, and wipe the buffers (they held headers). */
void sg_http_client_close(sg_http_client *c);

/* Send one request and read the answer into body[0..body_cap) (or the sink). Follows
 * redirects (301, 302, 303, 307, 308; at most SG_MAX_HTTP_REDIRECTS) unless `no_redirects`.
 * The whole call, redirects included, has the deadline opts->deadline_ms. Any status is
 * SG_OK: the caller judges it (see sg_http_status_err). Errors: SG_ERR_URL*,
 * SG_ERR_HTTP_PLAINTEXT, SG_ERR_HTTP_REDIRECT(_DOWNGRADE), SG_ERR_HTTP_* framing errors,
 * SG_ERR_HTTP_BODY_TOO_LARGE, SG_ERR_HTTP_TRUNCATED, SG_ERR_HTTP_PROXY, and the SG_ERR_NET_* /
 * SG_ERR_TLS_* errors of the dialer. On failure `out` is zeroed. The request's header values
 * (Authorization) are never copied into `d`. */
SG_MUST_USE sg_err sg_http_do(sg_http_client *c, const sg_http_request *req, uint8_t *body,
	size_t body_cap, sg_http_response *out, sg_diag *d);

/* SG_OK for 2xx, else SG_ERR_HTTP_STATUS with detail "<status> <reason>" (`what` names the
 * request, e.g. "Rekor upload"). */
SG_MUST_USE sg_err sg_http_status_err(const sg_http_response *r, const char *what, sg_diag *d);

/* Whether `host` (not NUL-terminated) is excluded from proxying by a NO_PROXY list
 * ("*", "host", ".domain", "domain" matching subdomains too, "host:port"), as curl reads it:
 * loopback hosts are proxied too unless listed (NO_PROXY=localhost,127.0.0.1). */
int sg_http_no_proxy_match(const char *no_proxy, const sg_url *u);

#endif
