/* url: strict http/https URL parsing and reference resolution. See url.h.
 *
 * Implementation notes
 * - Grammar: RFC 3986 §3 (scheme, authority, path-abempty, query), restricted as url.h says;
 *   IPv6address per RFC 3986 §3.2.2 (h16 groups, one "::", optional trailing IPv4 dotted quad).
 * - Resolution: RFC 3986 §5.2.2 (transform references) and §5.2.4 (remove_dot_segments).
 * - Why strict: URLs reach us from Location headers and registry answers. Refusing userinfo
 *   keeps credentials out of URLs, logs and diagnostics; refusing odd bytes means the request
 *   line we write can never be split (no CR, LF or space can reach it). */
#include "parse/url.h"

#include <string.h>

#include "base/limits.h"
#include "base/text.h"



/* unreserved / sub-delims / ":" / "@" (RFC 3986 §3.3 pchar, without pct-encoded). */
static int
is_pchar(uint8_t c)
{
	if (sg_is_alpha(c) || sg_is_digit(c))
		return 1;
	return strchr("-._~!$&'()*+,;=:@", c) != NULL && c != 0;
}

/* see url.h */
uint16_t
sg_url_default_port(sg_url_scheme s)
{
	return s == SG_URL_HTTPS ? 443 : 80;
}

/* Host name: dot-separated labels of [A-Za-z0-9_-], 1..63 bytes each, no leading or trailing
 * '-'. Digits-only labels make IPv4 literals valid here too. */
static int
valid_reg_name(const uint8_t *p, size_t n)
{
	if (n == 0 || n > SG_URL_MAX_HOST)
		return 0;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '.') {
			if (label == 0 || p[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!(sg_is_alpha(c) || sg_is_digit(c) || c == '-' || c == '_'))
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return label != 0 && p[n - 1] != '-';
}

/* IPv4 dotted quad: four decimal octets without leading zeros. */
static int
valid_ipv4(const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < n && sg_is_digit(p[i]) && i - start < 3) {
			v = v * 10 + (unsigned)(p[i] - '0');
			i++;
		}
		if (i == start || v > 255 || (i - start > 1 && p[start] == '0'))
			return 0;
	}
	return i == n;
}

/* IPv6address (RFC 3986 §3.2.2): up to 8 h16 groups, at most one "::", optionally ending in
 * an IPv4 dotted quad that counts as two groups. No zone id. */
static int
valid_ipv6(const uint8_t *p, size_t n)
{
	size_t i = 0, groups = 0;
	int gap = 0;
	if (n < 2)
		return 0;
	if (p[0] == ':') {
		if (p[1] != ':')
			return 0;
		gap = 1;
		i = 2;
		if (i == n)
			return 1;
	}
	for (;;) {
		size_t start = i;
		while (i < n && sg_hex_digit(p[i]) >= 0 && i - start < 5)
			i++;
		if (i < n && p[i] == '.') {
			/* The rest must be an IPv4 dotted quad. */
			if (!valid_ipv4(p + start, n - start))
				return 0;
			groups += 2;
			i = n;
			break;
		}
		if (i == start || i - start > 4)
			return 0;
		groups++;
		if (i == n)
			break;
		if (p[i] != ':')
			return 0;
		i++;
		if (i < n && p[i] == ':') {
			if (gap)
				return 0;
			gap = 1;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return 0; /* a trailing single ':' */
		}
		if (groups > 8)
			return 0;
	}
	return gap ? groups <= 7 : groups == 8;
}

/* Check a path or query span: pchar, pct-encoded, '/', and '?' when `query`. Returns the
 * offset of the first bad byte, or n. */
static size_t
check_pq(const uint8_t *p, size_t n, int query)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '%') {
			if (n - i < 3 || sg_hex_digit(p[i + 1]) < 0 || sg_hex_digit(p[i + 2]) < 0)
				return i;
			i += 2;
			continue;
		}
		if (is_pchar(c) || c == '/' || (query && c == '?'))
			continue;
		return i;
	}
	return n;
}

/* see url.h */
sg_err
sg_url_parse(const uint8_t *p, size_t len, sg_url *out, sg_diag *d)
{
	sg_url u;
	memset(&u, 0, sizeof u);
	memset(out, 0, sizeof *out);
	if (len > SG_MAX_URL)
		return sg_diag_failf(d, SG_ERR_LIMIT, "URL", "longer than %u bytes",
			(unsigned)SG_MAX_URL);
	/* scheme "://" */
	size_t i = 0;
	while (i < len && i < 16 && (sg_is_alpha(p[i]) || (i > 0 && (sg_is_digit(p[i]) ||
		p[i] == '+' || p[i] == '-' || p[i] == '.'))))
		i++;
	if (i == 0 || len - i < 3 || memcmp(p + i, "://", 3) != 0)
		return sg_diag_failf(d, SG_ERR_URL, "URL", "expected http:// or https://");
	sg_slice scheme = sg_slice_make(p, i);
	if (sg_slice_ieq_str(scheme, "https"))
		u.scheme = SG_URL_HTTPS;
	else if (sg_slice_ieq_str(scheme, "http"))
		u.scheme = SG_URL_HTTP;
	else
		return sg_diag_failf(d, SG_ERR_URL_SCHEME, "URL", "scheme \"%.*s\"", (int)i,
			(const char *)p);
	i += 3;
	/* authority: up to the first '/', '?' or '#' */
	size_t a0 = i;
	while (i < len && p[i] != '/' && p[i] != '?' && p[i] != '#')
		i++;
	const uint8_t *ap = p + a0;
	size_t an = i - a0;
	if (memchr(ap, '@', an) != NULL)
		return sg_diag_failf(d, SG_ERR_URL, "URL",
			"credentials in URLs are not supported");
	size_t hn; /* length of the host part incl. brackets */
	if (an > 0 && ap[0] == '[') {
		const uint8_t *close = memchr(ap, ']', an);
		if (close == NULL)
			return sg_diag_fail_at(d, SG_ERR_URL, "URL IPv6 literal", a0);
		hn = (size_t)(close - ap) + 1;
		if (!valid_ipv6(ap + 1, hn - 2))
			return sg_diag_fail_at(d, SG_ERR_URL, "URL IPv6 literal", a0);
		u.ipv6 = 1;
		u.host = sg_slice_make(ap + 1, hn - 2);
	} else {
		const uint8_t *colon = an > 0 ? memchr(ap, ':', an) : NULL;
		hn = colon != NULL ? (size_t)(colon - ap) : an;
		if (!valid_reg_name(ap, hn))
			return sg_diag_fail_at(d, SG_ERR_URL, "URL host", a0);
		u.host = sg_slice_make(ap, hn);
	}
	if (hn < an) {
		if (ap[hn] != ':')
			return sg_diag_fail_at(d, SG_ERR_URL, "URL authority", a0 + hn);
		size_t k = hn + 1;
		unsigned long v = 0;
		if (k == an || an - k > 5)
			return sg_diag_fail_at(d, SG_ERR_URL, "URL port", a0 + hn + 1);
		for (; k < an; k++) {
			if (!sg_is_digit(ap[k]))
				return sg_diag_fail_at(d, SG_ERR_URL, "URL port", a0 + k);
			v = v * 10 + (unsigned long)(ap[k] - '0');
		}
		if (v == 0 || v > 65535)
			return sg_diag_fail_at(d, SG_ERR_URL, "URL port", a0 + hn + 1);
		u.port = (uint16_t)v;
		u.port_explicit = 1;
	} else {
		u.port = sg_url_default_port(u.scheme);
	}
	/* path-abempty */
	size_t p0 = i;
	while (i < len && p[i] != '?' && p[i] != '#')
		i++;
	size_t bad = check_pq(p + p0, i - p0, 0);
	if (bad != i - p0)
		return sg_diag_fail_at(d, SG_ERR_URL, "URL path", p0 + bad);
	u.path = sg_slice_make(p + p0, i - p0);
	if (i < len && p[i] == '?') {
		size_t q0 = ++i;
		while (i < len && p[i] != '#')
			i++;
		bad = check_pq(p + q0, i - q0, 1);
		if (bad != i - q0)
			return sg_diag_fail_at(d, SG_ERR_URL, "URL query", q0 + bad);
		u.query = sg_slice_make(p + q0, i - q0);
		u.has_query = 1;
	}
	if (i < len)
		return sg_diag_failf(d, SG_ERR_URL, "URL", "fragments (#) are not allowed");
	*out = u;
	return SG_OK;
}

static void
put(sg_buf *b, const void *p, size_t n)
{
	sg_buf_put(b, p, n);
}

static void
puts_(sg_buf *b, const char *s)
{
	sg_buf_puts(b, s);
}

/* see url.h */
void
sg_url_write_authority(const sg_url *u, int always_port, sg_buf *out)
{
	if (u->ipv6)
		puts_(out, "[");
	put(out, u->host.p, u->host.len);
	if (u->ipv6)
		puts_(out, "]");
	if (always_port || u->port != sg_url_default_port(u->scheme)) {
		puts_(out, ":");
		sg_buf_put_dec(out, u->port);
	}
}

/* see url.h */
void
sg_url_write_target(const sg_url *u, sg_buf *out)
{
	if (u->path.len == 0)
		puts_(out, "/");
	else
		put(out, u->path.p, u->path.len);
	if (u->has_query) {
		puts_(out, "?");
		put(out, u->query.p, u->query.len);
	}
}

/* see url.h */
void
sg_url_write(const sg_url *u, sg_buf *out)
{
	puts_(out, u->scheme == SG_URL_HTTPS ? "https://" : "http://");
	sg_url_write_authority(u, 0, out);
	sg_url_write_target(u, out);
}

/* see url.h */
int
sg_url_is_loopback(const sg_url *u)
{
	if (u->ipv6)
		return sg_slice_ieq_str(u->host, "::1") || sg_slice_ieq_str(u->host, "0:0:0:0:0:0:0:1");
	if (sg_slice_ieq_str(u->host, "localhost"))
		return 1;
	return valid_ipv4(u->host.p, u->host.len) && u->host.len > 4 &&
		memcmp(u->host.p, "127.", 4) == 0;
}

/* see url.h */
int
sg_url_same_origin(const sg_url *a, const sg_url *b)
{
	if (a->scheme != b->scheme || a->port != b->port || a->ipv6 != b->ipv6 ||
		a->host.len != b->host.len)
		return 0;
	for (size_t i = 0; i < a->host.len; i++)
		if (sg_ascii_lower(a->host.p[i]) != sg_ascii_lower(b->host.p[i]))
			return 0;
	return 1;
}

/* RFC 3986 §5.2.4 remove_dot_segments, appending the result to `out`. The output buffer is
 * also the stack: removing the last segment truncates back to the previous '/'. */
static void
remove_dots(const uint8_t *in, size_t n, sg_buf *out, size_t floor)
{
	while (n > 0) {
		if (n >= 3 && memcmp(in, "../", 3) == 0) {
			in += 3, n -= 3;
		} else if (n >= 2 && memcmp(in, "./", 2) == 0) {
			in += 2, n -= 2;
		} else if (n >= 3 && memcmp(in, "/./", 3) == 0) {
			in += 2, n -= 2;
		} else if (n == 2 && memcmp(in, "/.", 2) == 0) {
			in = (const uint8_t *)"/", n = 1;
		} else if ((n >= 4 && memcmp(in, "/../", 4) == 0) ||
			(n == 3 && memcmp(in, "/..", 3) == 0)) {
			if (n == 3)
				in = (const uint8_t *)"/", n = 1;
			else
				in += 3, n -= 3;
			while (out->len > floor && out->p[out->len - 1] != '/')
				out->len--;
			if (out->len > floor)
				out->len--;
		} else if ((n == 1 && in[0] == '.') || (n == 2 && memcmp(in, "..", 2) == 0)) {
			n = 0;
		} else {
			size_t k = in[0] == '/' ? 1 : 0;
			while (k < n && in[k] != '/')
				k++;
			put(out, in, k);
			in += k, n -= k;
		}
	}
}

/* see url.h */
sg_err
sg_url_resolve(const sg_url *base, const uint8_t *ref, size_t len, sg_buf *out, sg_diag *d)
{
	if (len > SG_MAX_URL)
		return sg_diag_failf(d, SG_ERR_LIMIT, "redirect URL", "longer than %u bytes",
			(unsigned)SG_MAX_URL);
	for (size_t i = 0; i < len; i++)
		if (ref[i] <= 0x20 || ref[i] >= 0x7f || ref[i] == '\\')
			return sg_diag_fail_at(d, SG_ERR_URL, "redirect URL", i);
	const uint8_t *hash = memchr(ref, '#', len);
	if (hash != NULL)
		len = (size_t)(hash - ref);
	/* A scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any '/', '?'. */
	size_t i = 0;
	while (i < len && (sg_is_alpha(ref[i]) || (i > 0 && (sg_is_digit(ref[i]) || ref[i] == '+' ||
		ref[i] == '-' || ref[i] == '.'))))
		i++;
	if (i > 0 && i < len && ref[i] == ':') {
		/* Absolute: keep it as is, with dot segments removed from the path. */
		const uint8_t *auth = ref + i + 1;
		size_t rest = len - i - 1;
		if (rest < 2 || auth[0] != '/' || auth[1] != '/') {
			put(out, ref, len); /* sg_url_parse will reject it */
			return sg_buf_status(out);
		}
		size_t k = 2;
		while (k < rest && auth[k] != '/' && auth[k] != '?')
			k++;
		put(out, ref, i + 1 + k);
		ref = auth + k, len = rest - k;
		goto path_query;
	}
	puts_(out, base->scheme == SG_URL_HTTPS ? "https:" : "http:");
	if (len >= 2 && ref[0] == '/' && ref[1] == '/') {
		size_t k = 2;
		while (k < len && ref[k] != '/' && ref[k] != '?')
			k++;
		put(out, ref, k);
		ref += k, len -= k;
		goto path_query;
	}
	puts_(out, "//");
	sg_url_write_authority(base, 0, out);
	if (len == 0 || ref[0] == '?') {
		put(out, base->path.p, base->path.len);
		if (len > 0)
			put(out, ref, len);
		else if (base->has_query) {
			puts_(out, "?");
			put(out, base->query.p, base->query.len);
		}
		return sg_buf_status(out);
	}
	if (ref[0] != '/') {
		/* Merge (RFC 3986 §5.2.3): the base path up to its last '/', then the reference. */
		uint8_t merged[SG_MAX_URL * 2 + 1];
		size_t m = 0;
		if (base->path.len == 0) {
			merged[m++] = '/';
		} else {
			size_t keep = base->path.len;
			while (keep > 0 && base->path.p[keep - 1] != '/')
				keep--;
			memcpy(merged, base->path.p, keep);
			m = keep;
		}
		const uint8_t *q = memchr(ref, '?', len);
		size_t pl = q != NULL ? (size_t)(q - ref) : len;
		memcpy(merged + m, ref, pl);
		m += pl;
		size_t floor = out->len;
		remove_dots(merged, m, out, floor);
		if (q != NULL)
			put(out, q, len - pl);
		return sg_buf_status(out);
	}
path_query:;
	const uint8_t *q = memchr(ref, '?', len);
	size_t pl = q != NULL ? (size_t)(q - ref) : len;
	remove_dots(ref, pl, out, out->len);
	if (q != NULL)
		put(out, q, len - pl);
	return sg_buf_status(out);
}

/* Percent-encode everything outside RFC 3986 unreserved characters (Go url.QueryEscape
 * writes ' ' as '+'; %20 is equivalent for every server and simpler). */
/* see url.h */
void
sg_url_put_query_escaped(sg_buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~') {
			sg_buf_putc(b, c);
		} else {
			sg_buf_putc(b, '%');
			sg_buf_putc(b, (uint8_t)hex[c >> 4]);
			sg_buf_putc(b, (uint8_t)hex[c & 15]);
		}
	}
}

/* see url.h */
void
sg_url_put_endpoint(sg_buf *b, const char *base, const char *path)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	sg_buf_put(b, base, n);
	sg_buf_puts(b, path);
}
