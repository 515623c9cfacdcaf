/* http1: a strict HTTP/1.1 response parser and chunked decoder (rank 1), shaped like
 * picohttpparser: bytes in, views out, three outcomes (done with the bytes consumed / SG_ERR_TRUNCATED
 * "need more" / an error), no I/O, no memory of their own. Fuzzed by fuzz_http_response and
 * fuzz_http_chunked. The client that drives it is sys/http.h.
 *
 * Strictness (RFC 9112): CRLF only (a bare LF is an error), no obs-fold, no whitespace before
 * the colon, header names are tokens, values hold only VCHAR/SP/HTAB/obs-text, one
 * Content-Length made only of digits, Transfer-Encoding exactly "chunked", never both. */
#ifndef SG_HTTP1_H
#define SG_HTTP1_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"

/* RFC 9110 character classes, for checking header lines in either direction: a tchar
 * (§5.6.2, the bytes of a header name) and a field-vchar / SP / HTAB (§5.5, a header value). */
int sg_http_is_tchar(uint8_t c);
int sg_http_is_field_char(uint8_t c);

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

/* The wait a Retry-After value asks for (RFC 9110 §10.2.3), in milliseconds: delta-seconds
 * (1*DIGIT, saturating at SG_HTTP_RETRY_AFTER_MAX_S) or an IMF-fixdate ("Sun, 06 Nov 1994
 * 08:49:37 GMT"; the two obsolete date forms are not accepted) taken relative to `now` (Unix
 * seconds; a date in the past asks for no wait). SG_ERR_HTTP_HEADER for anything else, with
 * *ms = 0: the caller then keeps its own backoff. */
SG_MUST_USE sg_err sg_http_retry_after(sg_slice value, int64_t now, uint64_t *ms, sg_diag *d);

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

#endif
