/* Unit tests for wwwauth: the challenges registries send (testing.md §3.4/§3.6, protocol.md
 * §2.6), RFC 7235 corner cases (several challenges, token68, quoted-pair escapes, BWS, empty
 * list elements, case-insensitivity), malformed values, limits and every proper prefix. */
#include <string.h>

#include "guard.h"
#include "runner.h"
#include "parse/wwwauth.h"

static uint8_t mem[1 << 16];
static sg_wwwauth_challenge ch[SG_MAX_WWWAUTH_CHALLENGES];

static sg_err
parse(const char *s, size_t *n)
{
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_wwwauth_parse(g, strlen(s), &a, ch, SG_MAX_WWWAUTH_CHALLENGES, n, NULL);
}

static int
param_is(size_t c, const char *name, const char *value)
{
	int present = 0;
	sg_slice v = sg_wwwauth_param_get(&ch[c], name, &present);
	return present && sg_slice_eq_str(v, value);
}

static void
test_registries(void)
{
	size_t n = 0;
	sg_wwwauth w;
	CHECK_OK(parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker"
		".io\","
		       "scope=\"repository:library/ubuntu:pull\"", &n));
	CHECK(n == 1 && ch[0].nparams == 3);
	CHECK(sg_slice_eq_str(ch[0].scheme, "Bearer"));
	CHECK(param_is(0, "realm", "https://auth.docker.io/token"));
	CHECK(param_is(0, "SERVICE", "registry.docker.io"));
	CHECK_OK(sg_wwwauth_select(ch, n, &w, NULL));
	CHECK(w.scheme == SG_AUTH_BEARER);
	CHECK(sg_slice_eq_str(w.realm, "https://auth.docker.io/token"));
	CHECK(sg_slice_eq_str(w.service, "registry.docker.io"));
	CHECK(sg_slice_eq_str(w.scope, "repository:library/ubuntu:pull"));
	CHECK(w.error.p == NULL);

	CHECK_OK(parse("Bearer realm=\"http://127.0.0.1:5001/token\",service=\"test-registry\","
		       "scope=\"repository:other/repo:pull,push\",error=\"insufficient_scope"
			"\"", &n));
	CHECK_OK(sg_wwwauth_select(ch, n, &w, NULL));
	CHECK(sg_slice_eq_str(w.scope, "repository:other/repo:pull,push"));
	CHECK(sg_slice_eq_str(w.error, "insufficient_scope"));

	CHECK_OK(parse("Basic realm=\"test-registry\"", &n));
	CHECK_OK(sg_wwwauth_select(ch, n, &w, NULL));
	CHECK(w.scheme == SG_AUTH_BASIC && sg_slice_eq_str(w.realm, "test-registry"));
	CHECK(w.service.p == NULL);

	/* several challenges: Bearer is preferred wherever it is */
	CHECK_OK(parse("Basic realm=\"r1\", Negotiate abc123==, Bearer realm=\"https://r2/t\", "
		       "scope=\"s\"", &n));
	CHECK(n == 3);
	CHECK(sg_slice_eq_str(ch[1].scheme, "Negotiate") && sg_slice_eq_str(ch[1].token68,
									"abc123=="));
	CHECK(ch[2].nparams == 2);
	CHECK_OK(sg_wwwauth_select(ch, n, &w, NULL));
	CHECK(w.scheme == SG_AUTH_BEARER && sg_slice_eq_str(w.realm, "https://r2/t"));
	CHECK(sg_slice_eq_str(w.scope, "s"));

	/* case-insensitive scheme, tokens as values, BWS around '=', empty elements */
	CHECK_OK(parse(" , bEaReR realm = x.y ,, service=svc , ", &n));
	CHECK(n == 1 && param_is(0, "realm", "x.y") && param_is(0, "service", "svc"));
	CHECK_OK(sg_wwwauth_select(ch, n, &w, NULL));
	CHECK(w.scheme == SG_AUTH_BEARER);
	/* a bare token value cannot hold ':' or '/' */
	CHECK_ERR(parse("Bearer realm=https://x/t", &n), SG_ERR_OCI_CHALLENGE);

	/* quoted-pair escapes are undone; commas and '=' inside quotes are data */
	CHECK_OK(parse("Bearer realm=\"a\\\"b\\\\c, d=e\",scope=\"\"", &n));
	CHECK(param_is(0, "realm", "a\"b\\c, d=e") && param_is(0, "scope", ""));

	/* schemes without parameters */
	CHECK_OK(parse("Basic, Bearer", &n));
	CHECK(n == 2 && ch[0].nparams == 0 && ch[1].nparams == 0);
	/* ...but a Bearer challenge needs a realm */
	CHECK_ERR(sg_wwwauth_select(ch, n, &w, NULL), SG_ERR_OCI_CHALLENGE);
	CHECK(w.scheme == SG_AUTH_NONE);
	CHECK_OK(parse("Negotiate, NTLM", &n));
	CHECK_ERR(sg_wwwauth_select(ch, n, &w, NULL), SG_ERR_UNSUPPORTED);
	CHECK_OK(parse("Bearer realm=\"\"", &n));
	CHECK_ERR(sg_wwwauth_select(ch, n, &w, NULL), SG_ERR_OCI_CHALLENGE);
	/* obs-text in a quoted string is kept as bytes */
	CHECK_OK(parse("Basic realm=\"caf\xc3\xa9\"", &n));
	CHECK(param_is(0, "realm", "caf\xc3\xa9"));
}

static void
test_malformed(void)
{
	static const char *const bad[] = {
		"",
		" , ,",
		"Bearer realm=\"x",
		"Bearer realm=\"x\\",
		"Bearer realm=\"x\" junk",
		"Bearer realm=x y",
		"Bearer =x",
		"Bearer\trealm=x",
		"Bearer realm=\"a\x01\"",
		"Bearer realm=\"a\\\x7f\"",
		"Bearer realm=x, realm=y",
		"Bearer realm=x, REALM=y",
		"Bearer realm=\"x\"scope=y",
		"Bear(er realm=x",
		"Bearer r\xc3\xa9" "alm=x",
		"\"Bearer\"",
		"Bearer realm=x,,service=\"",
		"Basic realm=\"x\" , \"y\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = 99;
		sg_err e = parse(bad[i], &n);
		CHECK(e == SG_ERR_OCI_CHALLENGE);
		if (e != SG_ERR_OCI_CHALLENGE)
			fprintf(stderr, "  case %zu gave %d\n", i, (int)e);
		CHECK(n == 0);
	}
	/* "Bearer realm=" ends in '=' with nothing after: grammatically a token68 */
	size_t n;
	CHECK_OK(parse("Bearer realm=", &n));
	CHECK(n == 1 && sg_slice_eq_str(ch[0].token68, "realm=") && ch[0].nparams == 0);
	CHECK_OK(parse("Bearer realm=,Basic", &n));
	CHECK(n == 2 && sg_slice_eq_str(ch[0].token68, "realm="));

	/* limits */
	char many[2048];
	sg_buf b;
	sg_buf_init(&b, many, sizeof many - 1);
	sg_buf_puts(&b, "Bearer p0=1");
	for (int i = 1; i <= (int)SG_MAX_WWWAUTH_PARAMS; i++) {
		sg_buf_puts(&b, ",p");
		sg_buf_put_dec(&b, (uint64_t)i);
		sg_buf_puts(&b, "=1");
	}
	many[b.len] = '\0';
	CHECK_ERR(parse(many, &n), SG_ERR_LIMIT);
	sg_buf_init(&b, many, sizeof many - 1);
	for (int i = 0; i <= (int)SG_MAX_WWWAUTH_CHALLENGES; i++)
		sg_buf_puts(&b, "Basic, ");
	many[b.len] = '\0';
	CHECK_ERR(parse(many, &n), SG_ERR_LIMIT);
	static char huge[SG_MAX_HTTP_HEADER_BLOCK + 2];
	memset(huge, 'a', sizeof huge - 1);
	CHECK_ERR(parse(huge, &n), SG_ERR_LIMIT);
}

static void
test_prefixes(void)
{
	static const char full[] = "Bearer realm=\"https://auth.example/token\",service=\"reg\","
				   "scope=\"repository:a/b:pull\", Basic realm=\"x\\\"y\"";
	size_t len = sizeof full - 1;
	for (size_t i = 0; i < len; i++) {
		sg_arena a;
		sg_arena_init(&a, mem, sizeof mem);
		const uint8_t *g = guard_put(full, i);
		size_t n;
		sg_err e = sg_wwwauth_parse(g, i, &a, ch, SG_MAX_WWWAUTH_CHALLENGES, &n, NULL);
		/* prefixes that end inside a quoted string or after '=' must fail */
		CHECK(e == SG_OK || e == SG_ERR_OCI_CHALLENGE);
		if (i > 14 && i < 40)
			CHECK(e == SG_ERR_OCI_CHALLENGE);
	}
}

int
main(void)
{
	test_registries();
	test_malformed();
	test_prefixes();
	guard_release();
	return test_finish();
}
