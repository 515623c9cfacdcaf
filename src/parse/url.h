/* url: strict parser for the http and https URLs picosign talks to (layer 1; pure).
 *
 * Accepted grammar (a subset of RFC 3986 §3 as used by HTTP, RFC 9110 §4.2):
 *
 *   url       = scheme "://" authority path-abempty [ "?" query ]
 *   scheme    = "http" / "https"                 (case-insensitive)
 *   authority = host [ ":" port ]                 (no userinfo: credentials never go in URLs)
 *   host      = "[" IPv6address "]" / reg-name    (reg-name: LDH labels, '_' allowed, 1..63
 *                                                  chars each, dot-separated, <= 253 in all)
 *   port      = 1*5DIGIT, 1..65535                (an empty port is rejected)
 *   path      = *( "/" *pchar )                   (pct-encoding must be %HH)
 *   query     = *( pchar / "/" / "?" )
 *
 * Rejected: fragments, userinfo, IPv6 zone ids, percent-encoded hosts, spaces, controls,
 * non-ASCII bytes, backslashes, anything longer than SG_MAX_URL. Outputs are views into the
 * input and live as long as it. */
#ifndef SG_URL_H
#define SG_URL_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

typedef enum sg_url_scheme {
	SG_URL_NONE = 0,
	SG_URL_HTTP = 1,
	SG_URL_HTTPS = 2,
} sg_url_scheme;

/* Longest host name (RFC 1035 §2.3.4 text form), also the IPv6 literal bound. */
#define SG_URL_MAX_HOST 253u

typedef struct sg_url {
	sg_url_scheme scheme;
	sg_slice host;      /* reg-name or IPv4 text, or the IPv6 literal without brackets */
	int ipv6;           /* host was a bracketed IPv6 literal */
	uint16_t port;      /* the explicit port, else 80 or 443 */
	int port_explicit;
	sg_slice path;      /* empty or starting with '/' */
	sg_slice query;     /* without the '?' */
	int has_query;
} sg_url;

/* Parse `p[0..len)`. SG_OK with `out` filled; SG_ERR_URL_SCHEME for a scheme other than http
 * or https; SG_ERR_URL for anything else malformed (with the byte offset); SG_ERR_LIMIT when
 * longer than SG_MAX_URL. On failure `out` is zeroed. */
SG_MUST_USE sg_err sg_url_parse(const uint8_t *p, size_t len, sg_url *out, sg_diag *d);

/* Resolve a reference (e.g. a Location header value) against `base` (RFC 3986 §5.2) and write
 * the absolute URL text to `out`: absolute URLs, "//authority...", "/path", "?query" and
 * relative paths; dot segments are removed and a fragment is dropped (RFC 9110 §10.2.2).
 * The result is not validated: parse it with sg_url_parse. SG_ERR_URL when `ref` is not a
 * URI reference at all (spaces, controls), SG_ERR_LIMIT when `out` is full. */
SG_MUST_USE sg_err sg_url_resolve(const sg_url *base, const uint8_t *ref, size_t len,
	sg_buf *out, sg_diag *d);

/* Append "host" or "host:port" ("[v6]" bracketed). With `always_port` 0 the port is written
 * only when it is not the scheme's default (the Host header form, RFC 9110 §7.2). */
void sg_url_write_authority(const sg_url *u, int always_port, sg_buf *out);
/* Append the request target: path (or "/") and "?query" when present. */
void sg_url_write_target(const sg_url *u, sg_buf *out);
/* Append the whole URL in normal form (lowercase scheme, default port omitted). */
void sg_url_write(const sg_url *u, sg_buf *out);

/* 1 when the host is "localhost", an IPv4 literal in 127.0.0.0/8, or the IPv6 literal ::1. */
int sg_url_is_loopback(const sg_url *u);
/* 1 when scheme, host (case-insensitively) and port are the same. */
int sg_url_same_origin(const sg_url *a, const sg_url *b);
/* The scheme's default port: 80 or 443. */
uint16_t sg_url_default_port(sg_url_scheme s);

/* Append p[0..n) percent-encoded for a query component: everything outside RFC 3986
 * unreserved characters becomes %XX (upper-case hex). Go's url.QueryEscape writes ' ' as '+';
 * %20 is equivalent for every server and simpler. Overflow is the buffer's sticky flag. */
void sg_url_put_query_escaped(sg_buf *b, const uint8_t *p, size_t n);

/* Append a service's endpoint: `base` (a configured service URL) without its trailing slashes,
 * then `path` ("/api/v1/log/entries"), so "https://rekor.example/" does not give "//api". The
 * URL is not parsed here (the HTTP client does). Overflow is the buffer's sticky flag. */
void sg_url_put_endpoint(sg_buf *b, const char *base, const char *path);

#endif
