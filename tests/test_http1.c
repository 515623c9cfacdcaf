/* Unit tests for http1: the pure response parser (every prefix needs more, each strictness rule
 * once), framing, and the chunked decoder (split input equals whole input). */
#include <stdint.h>
#include <string.h>

#include "guard.h"
#include "base/limits.h"
#include "parse/http1.h"
#include "runner.h"

/* ---- pure parser ---- */

static sg_err
head(const char *s, sg_http_head *h, size_t *consumed)
{
	static sg_http_header hdrs[SG_MAX_HTTP_HEADERS];
	size_t n = strlen(s);
	return sg_http_parse_head(guard_put(s, n), n, hdrs, SG_MAX_HTTP_HEADERS, h, consumed, NULL);
}

static int
slice_is(sg_slice s, const char *lit)
{
	return s.len == strlen(lit) && (s.len == 0 || memcmp(s.p, lit, s.len) == 0);
}

static const char *const valid_responses[] = {
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
	"HTTP/1.0 404 Not Found\r\n\r\n",
	"HTTP/1.1 204\r\nX-Empty:\r\nX-Tab:\t v \t\r\n\r\n",
	"HTTP/1.1 302 Found\r\nLocation: https://x.example/a?b\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\nObs: caf\xc3\xa9\r\n\r\n",
};

static void
test_head_valid(void)
{
	sg_http_head h;
	size_t used;
	CHECK_OK(head(valid_responses[0], &h, &used));
	CHECK(h.minor == 1 && h.status == 200 && slice_is(h.reason, "OK"));
	CHECK(h.num_headers == 2 && used == strlen(valid_responses[0]) - 2);
	CHECK(slice_is(h.headers[0].name, "Content-Type"));
	CHECK(slice_is(h.headers[0].value, "application/json"));
	sg_slice v;
	CHECK(sg_http_header_get(&h, "content-length", &v) && slice_is(v, "2"));
	CHECK(!sg_http_header_get(&h, "Location", &v));

	CHECK_OK(head(valid_responses[2], &h, &used));
	CHECK(h.status == 204 && h.reason.len == 0 && h.num_headers == 2);
	CHECK(slice_is(h.headers[0].value, "") && slice_is(h.headers[1].value, "v"));
	CHECK_OK(head(valid_responses[1], &h, &used));
	CHECK(h.minor == 0 && h.num_headers == 0 && used == strlen(valid_responses[1]));

	/* Every proper prefix of each valid head asks for more and never over-reads. */
	for (size_t k = 0; k < sizeof valid_responses / sizeof valid_responses[0]; k++) {
		size_t full;
		CHECK_OK(head(valid_responses[k], &h, &full));
		int bad = 0;
		for (size_t i = 0; i < full; i++) {
			static sg_http_header hdrs[SG_MAX_HTTP_HEADERS];
			size_t c = 99;
			sg_err e = sg_http_parse_head(guard_put(valid_responses[k], i), i, hdrs,
				SG_MAX_HTTP_HEADERS, &h, &c, NULL);
			if (e != SG_ERR_TRUNCATED || c != 0 || h.status != 0)
				bad = 1;
		}
		CHECK(!bad);
	}
}

static void
test_head_invalid(void)
{
	sg_http_head h;
	size_t used;
	sg_diag d;
	CHECK_ERR(head("HTTP/1.1 200 OK\nX: y\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: y\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: y\r\n\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: y\r\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\n: y\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX(y): z\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: a\x01" "b\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n", &h, &used), SG_ERR_HTTP_HEADER);
	CHECK_ERR(head("HTTP/2.0 200 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.2 200 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("http/1.1 200 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1  200 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 20x OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 099 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 600 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 2000 OK\r\n\r\n", &h, &used), SG_ERR_HTTP_STATUS_LINE);
	CHECK_ERR(head("HTTP/1.1 200 O\x00K\r\n\r\n", &h, &used), SG_ERR_TRUNCATED);
	CHECK(h.status == 0 && h.num_headers == 0 && used == 0);

	/* A long status line, and a head that never ends within the limit. */
	static char big[SG_MAX_HTTP_HEADER_BLOCK + 64];
	memcpy(big, "HTTP/1.1 200 ", 13);
	memset(big + 13, 'a', SG_MAX_HTTP_STATUS_LINE);
	big[13 + SG_MAX_HTTP_STATUS_LINE] = '\0';
	CHECK_ERR(head(big, &h, &used), SG_ERR_HTTP_STATUS_LINE);
	size_t n = 0;
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	n = 17;
	while (n + 12 < sizeof big - 1) {
		memcpy(big + n, "X-Pad: abc\r\n", 12);
		n += 12;
	}
	big[n] = '\0';
	sg_diag_init(&d, "test");
	static sg_http_header many[SG_MAX_HTTP_HEADERS];
	CHECK_ERR(sg_http_parse_head(guard_put(big, n), n, many, SG_MAX_HTTP_HEADERS, &h, &used,
		&d), SG_ERR_HTTP_HEADERS_TOO_LARGE);
	/* More header lines than the caller's array holds. */
	static sg_http_header four[4];
	static const char five[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
	CHECK_ERR(sg_http_parse_head(guard_put(five, strlen(five)), strlen(five), four, 4, &h,
		&used, NULL), SG_ERR_HTTP_HEADERS_TOO_LARGE);
	CHECK_OK(sg_http_parse_head(guard_put(five, strlen(five)), strlen(five), many, 5, &h,
		&used, NULL));
	/* A complete head just under the limit is fine; the block limit counts the whole head. */
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'v', SG_MAX_HTTP_HEADER_BLOCK - 24);
	memcpy(big + SG_MAX_HTTP_HEADER_BLOCK - 4, "\r\n\r\n", 4);
	CHECK_OK(sg_http_parse_head(guard_put(big, SG_MAX_HTTP_HEADER_BLOCK),
		SG_MAX_HTTP_HEADER_BLOCK, many, SG_MAX_HTTP_HEADERS, &h, &used, NULL));
	CHECK(used == SG_MAX_HTTP_HEADER_BLOCK);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'v', SG_MAX_HTTP_HEADER_BLOCK - 23);
	memcpy(big + SG_MAX_HTTP_HEADER_BLOCK - 3, "\r\n\r\n", 4);
	CHECK_ERR(sg_http_parse_head(guard_put(big, SG_MAX_HTTP_HEADER_BLOCK + 1),
		SG_MAX_HTTP_HEADER_BLOCK + 1, many, SG_MAX_HTTP_HEADERS, &h, &used, NULL),
		SG_ERR_HTTP_HEADERS_TOO_LARGE);
}

static sg_err
framing(const char *s, int head_req, sg_http_framing *f, uint64_t *len)
{
	sg_http_head h;
	size_t used;
	sg_err e = head(s, &h, &used);
	if (e != SG_OK)
		return e;
	return sg_http_framing_of(&h, head_req, f, len, NULL);
}

static void
test_framing(void)
{
	sg_http_framing f;
	uint64_t n;
	CHECK_OK(framing("HTTP/1.1 200 OK\r\nContent-Length: 0012\r\n\r\n", 0, &f, &n));
	CHECK(f == SG_HTTP_BODY_LENGTH && n == 12);
	CHECK_OK(framing("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n", 0, &f,
		&n));
	CHECK(n == 9999999999999999999ull);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 0,
		&f, &n), SG_ERR_HTTP_HEADER);
	CHECK_OK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", 0, &f, &n));
	CHECK(f == SG_HTTP_BODY_CHUNKED);
	CHECK_OK(framing("HTTP/1.1 200 OK\r\n\r\n", 0, &f, &n));
	CHECK(f == SG_HTTP_BODY_CLOSE);
	CHECK_OK(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 1, &f, &n));
	CHECK(f == SG_HTTP_BODY_NONE);
	CHECK_OK(framing("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", 0, &f, &n));
	CHECK(f == SG_HTTP_BODY_NONE);
	CHECK_OK(framing("HTTP/1.1 204 No Content\r\n\r\n", 0, &f, &n));
	CHECK(f == SG_HTTP_BODY_NONE);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
		"\r\n", 0, &f, &n), SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 0,
		&f, &n), SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", 0, &f, &n),
		SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, &f, &n),
		SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, &f, &n),
		SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0, &f,
		&n), SG_ERR_HTTP_HEADER);
	CHECK_ERR(framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, &f, &n),
		SG_ERR_HTTP_HEADER);

	sg_http_head h;
	size_t used;
	CHECK_OK(head("HTTP/1.1 200 OK\r\n\r\n", &h, &used));
	CHECK(sg_http_keep_alive(&h));
	CHECK_OK(head("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n", &h, &used));
	CHECK(!sg_http_keep_alive(&h));
	CHECK_OK(head("HTTP/1.1 200 OK\r\nConnection: closed\r\n\r\n", &h, &used));
	CHECK(sg_http_keep_alive(&h));
	CHECK_OK(head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", &h, &used));
	CHECK(!sg_http_keep_alive(&h));
}

/* Decode `in` fed in pieces of `step` bytes (0: all at once); returns the decode status and
 * the decoded text in out. */
static sg_err
dechunk(const char *in, size_t len, size_t step, char *out, size_t *out_len, size_t *rest)
{
	static uint8_t buf[4096];
	sg_http_chunked c;
	sg_http_chunked_init(&c);
	size_t pos = 0;
	*out_len = 0;
	*rest = 0;
	sg_err e = SG_ERR_TRUNCATED;
	while (pos < len) {
		size_t k = step == 0 || len - pos < step ? len - pos : step;
		memcpy(buf, in + pos, k);
		size_t dec, used;
		e = sg_http_chunked_decode(&c, buf, k, &dec, &used, NULL);
		memcpy(out + *out_len, buf, dec);
		*out_len += dec;
		pos += used;
		if (e != SG_ERR_TRUNCATED) {
			*rest = len - pos;
			return e;
		}
	}
	return e;
}

static void
test_chunked(void)
{
	static const char msg[] = "4\r\nWiki\r\n6;name=val;x\r\npedia \r\nE\r\nin \r\n\r\nchunks."
		"\r\n0\r\nExpires: never\r\nX-T: a b\r\n\r\nNEXT";
	static const char want[] = "Wikipedia in \r\n\r\nchunks.";
	char out[256];
	size_t n, rest;
	size_t len = strlen(msg);
	CHECK_OK(dechunk(msg, len, 0, out, &n, &rest));
	CHECK(n == strlen(want) && memcmp(out, want, n) == 0 && rest == 4);
	/* Split input equals whole input, for every piece size. */
	int same = 1;
	for (size_t step = 1; step < len; step++) {
		sg_err e = dechunk(msg, len, step, out, &n, &rest);
		if (e != SG_OK || n != strlen(want) || memcmp(out, want, n) != 0 || rest != 4)
			same = 0;
	}
	CHECK(same);
	/* Every proper prefix of the body needs more. */
	size_t body_len = len - 4;
	int need = 1;
	for (size_t i = 0; i < body_len; i++) {
		static uint8_t b[256];
		memcpy(b, msg, i);
		sg_http_chunked c;
		sg_http_chunked_init(&c);
		size_t dec, used;
		const uint8_t *g = guard_put(msg, i);
		memcpy(b, g, i);
		if (sg_http_chunked_decode(&c, b, i, &dec, &used, NULL) != SG_ERR_TRUNCATED ||
			used != i)
			need = 0;
	}
	CHECK(need);

	CHECK_OK(dechunk("0\r\n\r\n", 5, 0, out, &n, &rest));
	CHECK(n == 0 && rest == 0);
	CHECK_OK(dechunk("000\r\n\r\n", 7, 0, out, &n, &rest));
	CHECK_OK(dechunk("a\r\n0123456789\r\n0\r\n\r\n", 20, 0, out, &n, &rest));
	CHECK(n == 10);
	CHECK_ERR(dechunk("z\r\n", 3, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("\r\n", 2, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("-1\r\n", 4, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk(" 1\r\n", 4, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("1 \r\n", 4, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("1\nx\r\n", 5, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("1\r\nxy\r\n", 7, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("1\r\nx\n0\r\n\r\n", 10, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("1;a\x01\r\nx\r\n", 9, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("00000000000000001\r\n", 19, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("0\r\nBad Name: x\r\n\r\n", 18, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("0\r\n x\r\n\r\n", 9, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	CHECK_ERR(dechunk("0\r\n\n", 4, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	/* 16 hex digits are allowed (the caller's body cap stops a huge size). */
	CHECK_ERR(dechunk("ffffffffffffffff\r\nab", 20, 0, out, &n, &rest), SG_ERR_TRUNCATED);
	/* A long extension. */
	static char ext[SG_MAX_HTTP_CHUNK_LINE + 16];
	memset(ext, 'e', sizeof ext);
	memcpy(ext, "1;", 2);
	CHECK_ERR(dechunk(ext, sizeof ext, 0, out, &n, &rest), SG_ERR_HTTP_CHUNK);
	/* Errors are sticky. */
	sg_http_chunked c;
	sg_http_chunked_init(&c);
	uint8_t b[16];
	size_t dec, used;
	memcpy(b, "x\r\n", 3);
	CHECK_ERR(sg_http_chunked_decode(&c, b, 3, &dec, &used, NULL), SG_ERR_HTTP_CHUNK);
	memcpy(b, "0\r\n\r\n", 5);
	CHECK_ERR(sg_http_chunked_decode(&c, b, 5, &dec, &used, NULL), SG_ERR_HTTP_CHUNK);
	/* After the end, nothing more is consumed. */
	sg_http_chunked_init(&c);
	CHECK_OK(sg_http_chunked_decode(&c, b, 5, &dec, &used, NULL));
	CHECK_OK(sg_http_chunked_decode(&c, b, 5, &dec, &used, NULL));
	CHECK(used == 0 && dec == 0);
}


static void
test_retry_after(void)
{
	uint64_t ms;
	/* 1994-11-06T08:49:37Z, RFC 9110's example instant. */
	const int64_t t0 = 784111777;
	CHECK_OK(sg_http_retry_after(sg_slice_str("0"), t0, &ms, NULL));
	CHECK(ms == 0);
	CHECK_OK(sg_http_retry_after(sg_slice_str("120"), t0, &ms, NULL));
	CHECK(ms == 120000);
	CHECK_OK(sg_http_retry_after(sg_slice_str("99999999999999999999999"), t0, &ms, NULL));
	CHECK(ms == (uint64_t)SG_HTTP_RETRY_AFTER_MAX_S * 1000u);
	CHECK_OK(sg_http_retry_after(sg_slice_str("Sun, 06 Nov 1994 08:49:37 GMT"), t0 - 5, &ms,
		NULL));
	CHECK(ms == 5000);
	CHECK_OK(sg_http_retry_after(sg_slice_str("Sun, 06 Nov 1994 08:49:37 GMT"), t0 + 5, &ms,
		NULL));
	CHECK(ms == 0);
	CHECK_OK(sg_http_retry_after(sg_slice_str("Mon, 01 Jan 2024 00:00:00 GMT"), t0, &ms,
		NULL));
	CHECK(ms == (uint64_t)SG_HTTP_RETRY_AFTER_MAX_S * 1000u);
	static const char *bad[] = {"", "-1", "1.5", " 1", "1 ", "0x10", "soon",
		"Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
		"Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMTX"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ms = 7;
		CHECK_ERR(sg_http_retry_after(sg_slice_str(bad[i]), t0, &ms, NULL),
			SG_ERR_HTTP_HEADER);
		CHECK(ms == 0);
	}
}

int
main(void)
{
	test_head_valid();
	test_head_invalid();
	test_framing();
	test_chunked();
	test_retry_after();
	guard_release();
	return test_finish();
}
