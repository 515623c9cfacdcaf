/* http1: strict HTTP/1.1 response parsing and chunked decoding. See http1.h.
 *
 * Implementation notes
 * - Response head: RFC 9112 §4 (status-line), §5 (field lines; obs-fold rejected per §5.2),
 *   RFC 9110 §5.1 (field names are tokens), §5.5 (field values: VCHAR / obs-text / SP / HTAB).
 *   Only CRLF ends a line: a bare LF or CR is an error (RFC 9112 §2.2 allows leniency; we do
 *   not, so no two parsers on the path can disagree about where the head ends).
 *   One documented leniency: "HTTP/1.1 200" + CRLF without the SP before an empty reason.
 * - Message body length: RFC 9112 §6.3. Transfer-Encoding other than exactly "chunked" is
 *   refused, as is Transfer-Encoding together with Content-Length (request smuggling, §6.3
 *   item 3) and a repeated Content-Length.
 * - Chunked transfer coding: RFC 9112 §7.1; extensions (§7.1.1) are skipped, trailer fields
 *   (§7.1.2) validated as field lines and dropped.
 * - Every "need more" outcome is decided only when the input ends inside a valid prefix, so
 *   every proper prefix of a valid response is SG_ERR_TRUNCATED (tests check this). */
#include "parse/http1.h"

#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "base/timeutil.h"

/* ---- character classes ---- */


/* see http1.h */
int
sg_http_is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || sg_is_digit(c))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* see http1.h */
int
sg_http_is_field_char(uint8_t c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80 || c == ' ' || c == '\t';
}

/* ---- 1. response head ---- */

enum { P_OK = 0, P_NEED = 1, P_BAD = 2 };

/* Parse one field line starting at p[*i] (not at CR): name ":" OWS value OWS CRLF. */
static int
field_line(const uint8_t *p, size_t len, size_t *i, sg_http_header *h, size_t *bad)
{
	size_t k = *i, n0 = k;
	while (k < len && sg_http_is_tchar(p[k]))
		k++;
	if (k == len)
		return P_NEED;
	if (k == n0 || p[k] != ':') {
		*bad = k;
		return P_BAD;
	}
	size_t n1 = k++;
	while (k < len && (p[k] == ' ' || p[k] == '\t'))
		k++;
	size_t v0 = k;
	while (k < len && sg_http_is_field_char(p[k]))
		k++;
	if (k == len)
		return P_NEED;
	if (p[k] != '\r') {
		*bad = k;
		return P_BAD;
	}
	size_t v1 = k;
	while (v1 > v0 && (p[v1 - 1] == ' ' || p[v1 - 1] == '\t'))
		v1--;
	if (k + 1 == len)
		return P_NEED;
	if (p[k + 1] != '\n') {
		*bad = k + 1;
		return P_BAD;
	}
	h->name = sg_slice_make(p + n0, n1 - n0);
	h->value = sg_slice_make(p + v0, v1 - v0);
	*i = k + 2;
	return P_OK;
}

SG_MUST_USE static sg_err
head_need_more(size_t len, sg_diag *d)
{
	if (len >= SG_MAX_HTTP_HEADER_BLOCK)
		return sg_diag_failf(d, SG_ERR_HTTP_HEADERS_TOO_LARGE, "HTTP response",
			"no end of headers within %u bytes", (unsigned)SG_MAX_HTTP_HEADER_BLOCK);
	return SG_ERR_TRUNCATED;
}

SG_MUST_USE static sg_err
parse_head(const uint8_t *p, size_t len, sg_http_header *hdrs, size_t cap, sg_http_head *out,
	size_t *consumed, sg_diag *d)
{
	static const char ver[] = "HTTP/1.";
	size_t i = 0;
	for (; i < 7; i++) {
		if (i == len)
			return head_need_more(len, d);
		if (p[i] != (uint8_t)ver[i])
			return sg_diag_fail_at(d, SG_ERR_HTTP_STATUS_LINE, "HTTP response", i);
	}
	if (i == len)
		return SG_ERR_TRUNCATED;
	if (p[i] != '0' && p[i] != '1')
		return sg_diag_failf(d, SG_ERR_HTTP_STATUS_LINE, "HTTP response",
			"unsupported HTTP version");
	out->minor = p[i++] - '0';
	if (i == len)
		return SG_ERR_TRUNCATED;
	if (p[i++] != ' ')
		return sg_diag_fail_at(d, SG_ERR_HTTP_STATUS_LINE, "HTTP response", i - 1);
	int status = 0;
	for (int k = 0; k < 3; k++, i++) {
		if (i == len)
			return SG_ERR_TRUNCATED;
		if (!sg_is_digit(p[i]))
			return sg_diag_fail_at(d, SG_ERR_HTTP_STATUS_LINE, "HTTP status code", i);
		status = status * 10 + (p[i] - '0');
	}
	if (status < 100 || status > 599)
		return sg_diag_failf(d, SG_ERR_HTTP_STATUS_LINE, "HTTP response",
			"status code %d out of range", status);
	out->status = status;
	if (i == len)
		return SG_ERR_TRUNCATED;
	if (p[i] == ' ') {
		i++;
		size_t r0 = i;
		while (i < len && i <= SG_MAX_HTTP_STATUS_LINE && sg_http_is_field_char(p[i]))
			i++;
		if (i > SG_MAX_HTTP_STATUS_LINE)
			return sg_diag_failf(d, SG_ERR_HTTP_STATUS_LINE, "HTTP response",
				"status line longer than %u bytes", (unsigned)SG_MAX_HTTP_STATUS_LINE);
		if (i == len)
			return SG_ERR_TRUNCATED;
		out->reason = sg_slice_make(p + r0, i - r0);
	}
	if (p[i] != '\r')
		return sg_diag_fail_at(d, SG_ERR_HTTP_STATUS_LINE, "HTTP status line", i);
	if (++i == len)
		return SG_ERR_TRUNCATED;
	if (p[i++] != '\n')
		return sg_diag_fail_at(d, SG_ERR_HTTP_STATUS_LINE, "HTTP status line", i - 1);
	if (cap > SG_MAX_HTTP_HEADERS)
		cap = SG_MAX_HTTP_HEADERS;
	out->headers = hdrs;
	for (;;) {
		if (i > SG_MAX_HTTP_HEADER_BLOCK)
			break;
		if (i == len)
			return head_need_more(len, d);
		if (p[i] == '\r') {
			if (i + 1 == len)
				return head_need_more(len, d);
			if (p[i + 1] != '\n')
				return sg_diag_fail_at(d, SG_ERR_HTTP_HEADER, "HTTP header", i + 1);
			i += 2;
			break;
		}
		if (p[i] == ' ' || p[i] == '\t')
			return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP header",
				"obsolete line folding at byte %zu", i);
		if (out->num_headers == cap)
			return sg_diag_failf(d, SG_ERR_HTTP_HEADERS_TOO_LARGE, "HTTP response",
				"more than %zu header fields", cap);
		size_t bad = 0;
		int r = field_line(p, len, &i, &hdrs[out->num_headers], &bad);
		if (r == P_NEED)
			return head_need_more(len, d);
		if (r == P_BAD)
			return sg_diag_fail_at(d, SG_ERR_HTTP_HEADER, "HTTP header", bad);
		out->num_headers++;
	}
	if (i > SG_MAX_HTTP_HEADER_BLOCK)
		return sg_diag_failf(d, SG_ERR_HTTP_HEADERS_TOO_LARGE, "HTTP response",
			"header block longer than %u bytes", (unsigned)SG_MAX_HTTP_HEADER_BLOCK);
	*consumed = i;
	return SG_OK;
}

/* see http1.h */
sg_err
sg_http_parse_head(const uint8_t *p, size_t len, sg_http_header *hdrs, size_t cap,
	sg_http_head *out, size_t *consumed, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	*consumed = 0;
	sg_err e = parse_head(p, len, hdrs, cap, out, consumed, d);
	if (e != SG_OK) {
		memset(out, 0, sizeof *out);
		*consumed = 0;
	}
	return e;
}

/* see http1.h */
int
sg_http_header_get(const sg_http_head *h, const char *name, sg_slice *value)
{
	for (size_t i = 0; i < h->num_headers; i++) {
		if (sg_slice_ieq_str(h->headers[i].name, name)) {
			*value = h->headers[i].value;
			return 1;
		}
	}
	return 0;
}

/* see http1.h. IMF-fixdate is RFC 9110 §5.6.7: day-name "," SP 2DIGIT SP month SP 4DIGIT SP
 * 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT", exactly 29 bytes. The day name is checked for its
 * spelling only (a wrong weekday does not change the instant). */
sg_err
sg_http_retry_after(sg_slice v, int64_t now, uint64_t *ms, sg_diag *d)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	*ms = 0;
	if (v.len > 0 && sg_is_digit(v.p[0])) {
		uint64_t s = 0;
		for (size_t i = 0; i < v.len; i++) {
			if (!sg_is_digit(v.p[i]))
				return sg_diag_fail(d, SG_ERR_HTTP_HEADER, "Retry-After");
			s = s * 10u + (uint64_t)(v.p[i] - '0');
			/* Any larger wait means "not soon". */
			if (s > SG_HTTP_RETRY_AFTER_MAX_S)
				s = SG_HTTP_RETRY_AFTER_MAX_S;
		}
		*ms = s * 1000u;
		return SG_OK;
	}
	const uint8_t *p = v.p;
	if (v.len != 29 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' || p[11] != ' ' ||
		p[16] != ' ' || p[19] != ':' || p[22] != ':' || p[25] != ' ' ||
		memcmp(p + 26, "GMT", 3) != 0)
		return sg_diag_fail(d, SG_ERR_HTTP_HEADER, "Retry-After");
	int day_ok = 0, month = 0;
	for (int i = 0; i < 7; i++)
		day_ok |= memcmp(p, days + 3 * i, 3) == 0;
	for (int i = 0; i < 12 && month == 0; i++)
		if (memcmp(p + 8, months + 3 * i, 3) == 0)
			month = i + 1;
	int64_t dd, yy, hh, mi, ss, t;
	if (!day_ok || month == 0 || !sg_digits(p + 5, 2, &dd) || !sg_digits(p + 12, 4, &yy) ||
		!sg_digits(p + 17, 2, &hh) || !sg_digits(p + 20, 2, &mi) ||
		!sg_digits(p + 23, 2, &ss) ||
		sg_time_from_fields((int)yy, month, (int)dd, (int)hh, (int)mi, (int)ss, &t) !=
		SG_OK)
		return sg_diag_fail(d, SG_ERR_HTTP_HEADER, "Retry-After");
	if (t > now) {
		uint64_t s = (uint64_t)(t - now);
		*ms = (s > SG_HTTP_RETRY_AFTER_MAX_S ? SG_HTTP_RETRY_AFTER_MAX_S : s) * 1000u;
	}
	return SG_OK;
}

/* see http1.h */
size_t
sg_http_header_count(const sg_http_head *h, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < h->num_headers; i++)
		if (sg_slice_ieq_str(h->headers[i].name, name))
			n++;
	return n;
}

/* see http1.h */
sg_err
sg_http_framing_of(const sg_http_head *h, int head_request, sg_http_framing *f,
	uint64_t *length, sg_diag *d)
{
	*f = SG_HTTP_BODY_NONE;
	*length = 0;
	size_t te = sg_http_header_count(h, "Transfer-Encoding");
	size_t cl = sg_http_header_count(h, "Content-Length");
	if (te > 0 && cl > 0)
		return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP response",
			"both Transfer-Encoding and Content-Length");
	if (te > 1 || cl > 1)
		return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP response",
			"repeated %s", te > 1 ? "Transfer-Encoding" : "Content-Length");
	if (head_request || h->status < 200 || h->status == 204 || h->status == 304)
		return SG_OK;
	sg_slice v;
	if (te == 1) {
		(void)sg_http_header_get(h, "Transfer-Encoding", &v);
		if (!sg_slice_ieq_str(v, "chunked") || h->minor == 0)
			return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP response",
				"unsupported Transfer-Encoding");
		*f = SG_HTTP_BODY_CHUNKED;
		return SG_OK;
	}
	if (cl == 1) {
		(void)sg_http_header_get(h, "Content-Length", &v);
		uint64_t n = 0;
		/* 19 digits always fit in 64 bits. */
		if (v.len == 0 || v.len > 19)
			return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP response",
				"invalid Content-Length");
		for (size_t i = 0; i < v.len; i++) {
			if (!sg_is_digit(v.p[i]))
				return sg_diag_failf(d, SG_ERR_HTTP_HEADER, "HTTP response",
					"invalid Content-Length");
			n = n * 10 + (uint64_t)(v.p[i] - '0');
		}
		*f = SG_HTTP_BODY_LENGTH;
		*length = n;
		return SG_OK;
	}
	*f = SG_HTTP_BODY_CLOSE;
	return SG_OK;
}

/* see http1.h */
int
sg_http_keep_alive(const sg_http_head *h)
{
	if (h->minor == 0)
		return 0;
	for (size_t i = 0; i < h->num_headers; i++) {
		if (!sg_slice_ieq_str(h->headers[i].name, "Connection"))
			continue;
		/* A comma-separated list of tokens. */
		sg_slice v = h->headers[i].value;
		size_t k = 0;
		while (k < v.len) {
			while (k < v.len && (v.p[k] == ' ' || v.p[k] == '\t' || v.p[k] == ','))
				k++;
			size_t t0 = k;
			while (k < v.len && v.p[k] != ',' && v.p[k] != ' ' && v.p[k] != '\t')
				k++;
			if (sg_slice_ieq_str(sg_slice_make(v.p + t0, k - t0), "close"))
				return 0;
		}
	}
	return 1;
}

/* ---- chunked decoder ---- */

enum {
	CH_SIZE = 0,  /* hex digits */
	CH_EXT,       /* after ';' up to CR */
	CH_SIZE_LF,   /* LF after the size line */
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER,   /* at the start of a trailer line (or the final CRLF) */
	CH_TNAME,
	CH_TVALUE,
	CH_TLF,
	CH_FINAL_LF,
	CH_DONE,
};

/* see http1.h */
void
sg_http_chunked_init(sg_http_chunked *c)
{
	memset(c, 0, sizeof *c);
}

SG_MUST_USE static sg_err
chunk_fail(sg_http_chunked *c, uint64_t off, const char *why, sg_diag *d)
{
	c->err = SG_ERR_HTTP_CHUNK;
	return sg_diag_failf(d, SG_ERR_HTTP_CHUNK, "HTTP chunked body", "%s at body byte %llu",
		why, (unsigned long long)off);
}

/* see http1.h */
sg_err
sg_http_chunked_decode(sg_http_chunked *c, uint8_t *buf, size_t len, size_t *out_len,
	size_t *consumed, sg_diag *d)
{
	size_t i = 0, o = 0;
	*out_len = 0;
	*consumed = 0;
	if (c->err != SG_OK)
		return c->err;
	while (i < len && c->state != CH_DONE) {
		uint8_t b = buf[i];
		uint64_t at = c->off + i;
		switch (c->state) {
		case CH_SIZE:
			if (sg_hex_digit(b) >= 0) {
				if (c->digits == SG_MAX_HTTP_CHUNK_DIGITS)
					return chunk_fail(c, at, "chunk size too long", d);
				c->remaining = (c->remaining << 4) | (uint64_t)sg_hex_digit(b);
				c->digits++;
			} else if (c->digits == 0) {
				return chunk_fail(c, at, "bad chunk size", d);
			} else if (b == ';') {
				c->state = CH_EXT;
			} else if (b == '\r') {
				c->state = CH_SIZE_LF;
			} else {
				return chunk_fail(c, at, "bad chunk size", d);
			}
			c->line++;
			i++;
			break;
		case CH_EXT:
			if (b == '\r')
				c->state = CH_SIZE_LF;
			else if (!sg_http_is_field_char(b))
				return chunk_fail(c, at, "bad chunk extension", d);
			if (++c->line > SG_MAX_HTTP_CHUNK_LINE)
				return chunk_fail(c, at, "chunk size line too long", d);
			i++;
			break;
		case CH_SIZE_LF:
			if (b != '\n')
				return chunk_fail(c, at, "missing LF after chunk size", d);
			c->state = c->remaining == 0 ? CH_TRAILER : CH_DATA;
			c->line = 0;
			c->digits = 0;
			i++;
			break;
		case CH_DATA: {
			size_t k = len - i;
			if ((uint64_t)k > c->remaining)
				k = (size_t)c->remaining;
			memmove(buf + o, buf + i, k);
			o += k;
			i += k;
			c->remaining -= k;
			c->total += k;
			if (c->remaining == 0)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (b != '\r')
				return chunk_fail(c, at, "missing CRLF after chunk data", d);
			c->state = CH_DATA_LF;
			i++;
			break;
		case CH_DATA_LF:
			if (b != '\n')
				return chunk_fail(c, at, "missing CRLF after chunk data", d);
			c->state = CH_SIZE;
			i++;
			break;
		case CH_TRAILER:
			if (b == '\r') {
				c->state = CH_FINAL_LF;
			} else if (sg_http_is_tchar(b)) {
				c->state = CH_TNAME;
			} else {
				return chunk_fail(c, at, "bad trailer field", d);
			}
			c->trailer++;
			i++;
			break;
		case CH_TNAME:
			if (b == ':')
				c->state = CH_TVALUE;
			else if (!sg_http_is_tchar(b))
				return chunk_fail(c, at, "bad trailer field", d);
			c->trailer++;
			i++;
			break;
		case CH_TVALUE:
			if (b == '\r')
				c->state = CH_TLF;
			else if (!sg_http_is_field_char(b))
				return chunk_fail(c, at, "bad trailer field", d);
			c->trailer++;
			i++;
			break;
		case CH_TLF:
			if (b != '\n')
				return chunk_fail(c, at, "bad trailer field", d);
			c->state = CH_TRAILER;
			c->trailer++;
			i++;
			break;
		case CH_FINAL_LF:
			if (b != '\n')
				return chunk_fail(c, at, "missing final CRLF", d);
			c->state = CH_DONE;
			i++;
			break;
		default:
			return chunk_fail(c, at, "internal state", d);
		}
		if (c->trailer > SG_MAX_HTTP_HEADER_BLOCK)
			return chunk_fail(c, at, "trailer section too large", d);
	}
	c->off += i;
	*out_len = o;
	*consumed = i;
	return c->state == CH_DONE ? SG_OK : SG_ERR_TRUNCATED;
}
