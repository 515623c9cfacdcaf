/* Unit tests for url: strict parsing (each rejected form once), IPv6 literals, the write
 * helpers, loopback and origin checks, and reference resolution (RFC 3986 §5.4 examples). */
#include <stdint.h>
#include <string.h>

#include "guard.h"
#include "base/limits.h"
#include "runner.h"
#include "parse/url.h"

static sg_err
parse(const char *s, sg_url *u)
{
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_url_parse(g, strlen(s), u, NULL);
}

static int
slice_is(sg_slice s, const char *lit)
{
	return s.len == strlen(lit) && (s.len == 0 || memcmp(s.p, lit, s.len) == 0);
}

static void
test_valid(void)
{
	sg_url u;
	CHECK_OK(parse("https://example.com", &u));
	CHECK(u.scheme == SG_URL_HTTPS && slice_is(u.host, "example.com") && u.port == 443);
	CHECK(!u.port_explicit && u.path.len == 0 && !u.has_query && !u.ipv6);

	CHECK_OK(parse("HTTP://Reg.Example:5000/v2/a/b?x=1&y=%2F", &u));
	CHECK(u.scheme == SG_URL_HTTP && u.port == 5000 && u.port_explicit);
	CHECK(slice_is(u.host, "Reg.Example") && slice_is(u.path, "/v2/a/b"));
	CHECK(u.has_query && slice_is(u.query, "x=1&y=%2F"));

	CHECK_OK(parse("http://[::1]:8080/", &u));
	CHECK(u.ipv6 && slice_is(u.host, "::1") && u.port == 8080 && slice_is(u.path, "/"));
	CHECK_OK(parse("https://[2001:db8::7]/x", &u));
	CHECK(u.ipv6 && slice_is(u.host, "2001:db8::7"));
	CHECK_OK(parse("https://[::ffff:192.0.2.1]/", &u));
	CHECK_OK(parse("https://[1:2:3:4:5:6:7:8]/", &u));
	CHECK_OK(parse("https://[1:2:3:4:5:6::]/", &u));
	CHECK_OK(parse("https://[::]/", &u));
	CHECK_OK(parse("https://127.0.0.1:65535?", &u));
	CHECK(u.has_query && u.query.len == 0 && u.path.len == 0 && u.port == 65535);
	CHECK_OK(parse("https://my_host-1.internal/a:b@c!$&'()*+,;=-._~", &u));
	CHECK_OK(parse("https://h/p?q/?x", &u));
	CHECK(slice_is(u.query, "q/?x"));
}

static void
test_invalid(void)
{
	sg_url u;
	CHECK_ERR(parse("ftp://example.com/", &u), SG_ERR_URL_SCHEME);
	CHECK_ERR(parse("file:///etc/passwd", &u), SG_ERR_URL_SCHEME);
	CHECK_ERR(parse("example.com/x", &u), SG_ERR_URL);
	CHECK_ERR(parse("https:/example.com", &u), SG_ERR_URL);
	CHECK_ERR(parse("", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://", &u), SG_ERR_URL);
	CHECK_ERR(parse("https:///path", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://user:pass@example.com/", &u), SG_ERR_URL);
	CHECK(u.scheme == SG_URL_NONE && u.host.p == NULL); /* zeroed on failure */
	CHECK_ERR(parse("https://example.com:/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com:0/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com:65536/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com:008080/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com:8a/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com:1:2/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/#frag", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/a b", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/a\r\nX: y", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/%zz", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/%4", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/a\\b", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://example.com/\xc3\xa9", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://exa mple.com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://ex%41mple.com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://-a.com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://a-.com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://a..com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://a.com./", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://.a.com/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://a.com?x#y", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://a.com/?x y", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[::1/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[::1]x/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[1:2:3:4:5:6:7:8:9]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[1:2:3:4:5:6:7]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[1::2::3]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[12345::]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[fe80::1%25eth0]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[:1]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[1:]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[::1.2.3.256]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[]/", &u), SG_ERR_URL);
	CHECK_ERR(parse("https://[g::1]/", &u), SG_ERR_URL);
	/* A label of 64 bytes. */
	CHECK_ERR(parse("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
		&u), SG_ERR_URL);
	CHECK_OK(parse("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/", &u));

	/* Length limit. */
	static char big[SG_MAX_URL + 2];
	memcpy(big, "https://a/", 10);
	memset(big + 10, 'x', sizeof big - 11);
	big[sizeof big - 1] = '\0';
	CHECK_ERR(parse(big, &u), SG_ERR_LIMIT);
	big[SG_MAX_URL] = '\0';
	CHECK_OK(parse(big, &u));
}

/* Every prefix of a valid URL parses or fails cleanly, never reading past its end. */
static void
test_prefixes(void)
{
	static const char *const urls[] = {
		"https://[2001:db8::1]:8443/v2/repo/manifests/latest?n=1",
		"http://127.0.0.1:5000/a%20b?c=d",
		"https://registry-1.docker.io/v2/",
	};
	for (size_t k = 0; k < sizeof urls / sizeof urls[0]; k++) {
		size_t n = strlen(urls[k]);
		int crashed = 0;
		for (size_t i = 0; i <= n; i++) {
			sg_url u;
			sg_err e = sg_url_parse(guard_put(urls[k], i), i, &u, NULL);
			if (e != SG_OK && e != SG_ERR_URL && e != SG_ERR_URL_SCHEME)
				crashed = 1;
			if (i < 8 && e == SG_OK)
				crashed = 1;
		}
		CHECK(!crashed);
		sg_url u;
		CHECK_OK(sg_url_parse(guard_put(urls[k], n), n, &u, NULL));
	}
}

static int
write_is(void (*fn)(const sg_url *, sg_buf *), const char *in, const char *want)
{
	sg_url u;
	if (parse(in, &u) != SG_OK)
		return 0;
	uint8_t mem[256];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	fn(&u, &b);
	return b.len == strlen(want) && memcmp(mem, want, b.len) == 0;
}

static void
authority_host(const sg_url *u, sg_buf *b)
{
	sg_url_write_authority(u, 0, b);
}

static void
authority_port(const sg_url *u, sg_buf *b)
{
	sg_url_write_authority(u, 1, b);
}

static void
test_write(void)
{
	CHECK(write_is(sg_url_write_target, "https://a.b", "/"));
	CHECK(write_is(sg_url_write_target, "https://a.b?x", "/?x"));
	CHECK(write_is(sg_url_write_target, "https://a.b/c/d?e=f", "/c/d?e=f"));
	CHECK(write_is(authority_host, "https://a.b:443/", "a.b"));
	CHECK(write_is(authority_host, "http://a.b:443/", "a.b:443"));
	CHECK(write_is(authority_port, "https://a.b/", "a.b:443"));
	CHECK(write_is(authority_host, "http://[::1]:80/", "[::1]"));
	CHECK(write_is(authority_port, "http://[::1]/", "[::1]:80"));
	CHECK(write_is(sg_url_write, "HTTPS://A.b:443/x?y", "https://A.b/x?y"));
	CHECK(write_is(sg_url_write, "http://[::1]:5000", "http://[::1]:5000/"));
}

static void
test_predicates(void)
{
	sg_url a, b;
	CHECK_OK(parse("http://localhost:1/", &a));
	CHECK(sg_url_is_loopback(&a));
	CHECK_OK(parse("http://LocalHost/", &a));
	CHECK(sg_url_is_loopback(&a));
	CHECK_OK(parse("http://127.3.2.1/", &a));
	CHECK(sg_url_is_loopback(&a));
	CHECK_OK(parse("http://[::1]/", &a));
	CHECK(sg_url_is_loopback(&a));
	CHECK_OK(parse("http://127.example.com/", &a));
	CHECK(!sg_url_is_loopback(&a));
	CHECK_OK(parse("http://localhost.example.com/", &a));
	CHECK(!sg_url_is_loopback(&a));
	CHECK_OK(parse("http://10.0.0.1/", &a));
	CHECK(!sg_url_is_loopback(&a));

	static const char s1[] = "https://Example.com/a", s2[] = "https://example.COM:443/b";
	CHECK_OK(sg_url_parse((const uint8_t *)s1, strlen(s1), &a, NULL));
	CHECK_OK(sg_url_parse((const uint8_t *)s2, strlen(s2), &b, NULL));
	CHECK(sg_url_same_origin(&a, &b));
	static const char s3[] = "http://example.com:443/", s4[] = "https://example.com:8443/";
	CHECK_OK(sg_url_parse((const uint8_t *)s3, strlen(s3), &b, NULL));
	CHECK(!sg_url_same_origin(&a, &b));
	CHECK_OK(sg_url_parse((const uint8_t *)s4, strlen(s4), &b, NULL));
	CHECK(!sg_url_same_origin(&a, &b));
}

static int
resolves(const char *base, const char *ref, const char *want)
{
	sg_url u;
	if (sg_url_parse((const uint8_t *)base, strlen(base), &u, NULL) != SG_OK)
		return 0;
	uint8_t mem[SG_MAX_URL];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	const uint8_t *g = guard_put(ref, strlen(ref));
	if (sg_url_resolve(&u, g, strlen(ref), &b, NULL) != SG_OK)
		return 0;
	if (b.len != strlen(want) || memcmp(mem, want, b.len) != 0) {
		fprintf(stderr, "resolve %s + %s = %.*s, want %s\n", base, ref, (int)b.len,
			(const char *)mem, want);
		return 0;
	}
	sg_url r;
	return sg_url_parse(mem, b.len, &r, NULL) == SG_OK;
}

static void
test_resolve(void)
{
	/* RFC 3986 §5.4.1 and §5.4.2, base "http://a/b/c/d;p?q". */
	static const char *const cases[][2] = {
		{"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"},
		{"/g", "http://a/g"}, {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"},
		{"g?y", "http://a/b/c/g?y"}, {"#s", "http://a/b/c/d;p?q"},
		{"g#s", "http://a/b/c/g"}, {"g?y#s", "http://a/b/c/g?y"},
		{";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"},
		{"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"},
		{"..", "http://a/b/"}, {"../", "http://a/b/"}, {"../g", "http://a/b/g"},
		{"../..", "http://a/"}, {"../../", "http://a/"}, {"../../g", "http://a/g"},
		{"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"},
		{"/./g", "http://a/g"}, {"/../g", "http://a/g"}, {"g.", "http://a/b/c/g."},
		{".g", "http://a/b/c/.g"}, {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"},
		{"./../g", "http://a/b/g"}, {"./g/.", "http://a/b/c/g/"},
		{"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
		{"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
		{"g?y/./x", "http://a/b/c/g?y/./x"},
		{"https://other.example:8443/x/../y?z", "https://other.example:8443/y?z"},
		{"HTTP://h/", "HTTP://h/"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(resolves("http://a/b/c/d;p?q", cases[i][0], cases[i][1]));
	CHECK(resolves("https://r.example:5000", "v2/x", "https://r.example:5000/v2/x"));
	CHECK(resolves("https://[::1]:5000/a/b", "/c?d", "https://[::1]:5000/c?d"));

	sg_url u;
	CHECK_OK(parse("https://a/", &u));
	uint8_t mem[64];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_ERR(sg_url_resolve(&u, (const uint8_t *)"/a b", 4, &b, NULL), SG_ERR_URL);
	CHECK_ERR(sg_url_resolve(&u, (const uint8_t *)"/a\nb", 4, &b, NULL), SG_ERR_URL);
	sg_buf_init(&b, mem, 8);
	CHECK_ERR(sg_url_resolve(&u, (const uint8_t *)"/abcdefgh", 9, &b, NULL), SG_ERR_LIMIT);
	/* A reference with another scheme resolves to text sg_url_parse then refuses. */
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_OK(sg_url_resolve(&u, (const uint8_t *)"ftp://x/", 8, &b, NULL));
	CHECK_ERR(sg_url_parse(mem, b.len, &u, NULL), SG_ERR_URL_SCHEME);
}

/* A service's endpoint: the configured URL's trailing slashes dropped, overflow sticky. */
static void
test_endpoint(void)
{
	uint8_t mem[64];
	sg_buf b;
	static const char *const bases[] = {"https://rekor.test", "https://rekor.test/",
		"https://rekor.test///"};
	for (size_t i = 0; i < 3; i++) {
		sg_buf_init(&b, mem, sizeof mem);
		sg_url_put_endpoint(&b, bases[i], "/api/v1/log/entries");
		CHECK(sg_buf_status(&b) == SG_OK && b.len == 37 &&
			memcmp(mem, "https://rekor.test/api/v1/log/entries", 37) == 0);
	}
	sg_buf_init(&b, mem, 20);
	sg_url_put_endpoint(&b, bases[0], "/api/v1/log/entries");
	CHECK(sg_buf_status(&b) != SG_OK);
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_prefixes();
	test_write();
	test_predicates();
	test_resolve();
	test_endpoint();
	guard_release();
	return test_finish();
}
