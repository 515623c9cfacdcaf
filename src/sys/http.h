/* http: the HTTP/1.1 client (rank 6) over sg_transport (net.h): request writer, framing
 * (through parse/http1.h: Content-Length, chunked with trailers, close-delimited), body caps
 * chosen by the caller, keep-alive reuse of one connection, redirects (https only downward,
 * Authorization dropped and credential bodies never resent across origins), and proxies
 * (CONNECT for https, absolute-form for http). */
#ifndef SG_HTTP_H
#define SG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "parse/http1.h"
#include "parse/url.h"
#include "sys/net.h"
#include "sys/retry.h"

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
	/* The kept-alive connection in use (NULL when none) and where it goes. */
	sg_transport *conn;
	char conn_key[SG_URL_MAX_HOST + 32];
	/* The one before it, kept while the client talks to another origin (a registry's token
	 * service): a request to its origin takes it back instead of dialing again. */
	sg_transport *parked;
	char parked_key[SG_URL_MAX_HOST + 32];
	unsigned requests;         /* requests sent so far, for tests */
	unsigned connects;         /* connections opened so far, for tests */
	uint64_t sunk;             /* body bytes handed to sinks so far */
	/* The retry policy (retry.h), NULL for one attempt per request: the CLI sets the
	 * command's policy on the clients of the online commands; `debug http-get` shows one
	 * exchange and sets none. Several clients may share one policy. */
	sg_retry *retry;
	/* URL text of the current and next request (redirects). */
	uint8_t url[2][SG_MAX_URL];
	char hostz[SG_URL_MAX_HOST + 1];
	char proxyz[SG_URL_MAX_HOST + 1];
	sg_http_header hdrs[SG_MAX_HTTP_HEADERS];
} sg_http_client;

/* Whether a request may be sent again under the client's retry policy. */
typedef enum sg_http_replay {
	/* GET, HEAD, PUT, DELETE (idempotent, RFC 9110 §9.2.2) are retried; POST and PATCH only
	 * when nothing was sent (the connection failed first) or the answer says nothing was
	 * done (429, 503). */
	SG_HTTP_REPLAY_DEFAULT = 0,
	/* The caller vouches that sending this POST again is harmless (a token request, a Fulcio
	 * certificate request, an upload session) or resolved by the caller (Rekor answers a
	 * repeated upload with 409 and the existing entry): retried like a GET. */
	SG_HTTP_REPLAY_SAFE,
	/* One attempt, whatever the policy. */
	SG_HTTP_REPLAY_NEVER,
} sg_http_replay;

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
	sg_http_replay replay;        /* retries under the client's policy; see above */
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
	unsigned retries;           /* times the request was sent again (retry policy) */
} sg_http_response;

/* Set up a client. `iobuf` must hold SG_HTTP_IOBUF_SIZE bytes. Nothing is connected yet. */
void sg_http_client_init(sg_http_client *c, sg_net_dialer *dialer, const sg_net_opts *opts,
	uint8_t *iobuf);
/* Close the kept-alive connection, if any, and wipe the buffers (they held headers). */
void sg_http_client_close(sg_http_client *c);

/* Send one request and read the answer into body[0..body_cap) (or the sink). Follows
 * redirects (301, 302, 303, 307, 308; at most SG_MAX_HTTP_REDIRECTS) unless `no_redirects`.
 * One attempt, redirects included, has the deadline opts->deadline_ms. With a retry policy
 * on the client (c->retry), an attempt that failed in a way that may pass (retry.h) is made
 * again after a backoff, as `req->replay` allows, within the policy's count and deadline; a
 * request whose sink has taken bytes is not retried (the sink cannot take them back). The
 * answer and error are the last attempt's. Any status is SG_OK: the caller judges it (see
 * sg_http_status_err). Errors: SG_ERR_URL*,
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
