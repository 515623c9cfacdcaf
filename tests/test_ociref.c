/* Unit tests for ociref: docker/ggcr normalisation, Name(), triangulation, the grammar's
 * rejections (uppercase, empty components, long tags, bad digests), every proper prefix of a
 * reference, and the plain-http registry rule. */
#include <string.h>

#include "guard.h"
#include "base/limits.h"
#include "oci/ociref.h"
#include "runner.h"

#define HEX64 "0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"

static sg_err
parse_str(const char *s, sg_ociref *r, sg_diag *d)
{
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_ociref_parse(g, strlen(s), r, d);
}

/* Parse `in` and compare Name() and the repository name. */
static void
check_name(const char *in, const char *name, const char *repo)
{
	sg_ociref r;
	char buf[600];
	sg_buf b;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_err e = parse_str(in, &r, &d);
	CHECK_OK(e);
	if (e != SG_OK) {
		fprintf(stderr, "  input: %s\n", in);
		return;
	}
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_ociref_name(&r, &b));
	CHECK(b.len == strlen(name) && memcmp(buf, name, b.len) == 0);
	if (b.len != strlen(name) || memcmp(buf, name, b.len) != 0)
		fprintf(stderr, "  %s: got %.*s want %s\n", in, (int)b.len, buf, name);
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_ociref_repo_name(&r, &b));
	CHECK(b.len == strlen(repo) && memcmp(buf, repo, b.len) == 0);
}

static void
test_normalise(void)
{
	check_name("alpine", "index.docker.io/library/alpine:latest",
		"index.docker.io/library/alpine");
	check_name("alpine:3.19", "index.docker.io/library/alpine:3.19",
		"index.docker.io/library/alpine");
	check_name("docker.io/alpine", "index.docker.io/library/alpine:latest",
		"index.docker.io/library/alpine");
	check_name("docker.io/library/alpine:3", "index.docker.io/library/alpine:3",
		"index.docker.io/library/alpine");
	check_name("index.docker.io/bitnami/redis", "index.docker.io/bitnami/redis:latest",
		"index.docker.io/bitnami/redis");
	check_name("bitnami/redis:7.2", "index.docker.io/bitnami/redis:7.2",
		"index.docker.io/bitnami/redis");
	check_name("ghcr.io/o/r@sha256:" HEX64, "ghcr.io/o/r@sha256:" HEX64, "ghcr.io/o/r");
	check_name("ghcr.io/o/r:v1@sha256:" HEX64, "ghcr.io/o/r@sha256:" HEX64, "ghcr.io/o/r");
	check_name("localhost:5000/x1", "localhost:5000/x1:latest", "localhost:5000/x1");
	check_name("localhost/foo", "localhost/foo:latest", "localhost/foo");
	check_name("192.168.64.2:5000/cosign-signed/fulcio-rekor-1@sha256:" HEX64,
		"192.168.64.2:5000/cosign-signed/fulcio-rekor-1@sha256:" HEX64,
		"192.168.64.2:5000/cosign-signed/fulcio-rekor-1");
	check_name("[::1]:5000/a/b:t", "[::1]:5000/a/b:t", "[::1]:5000/a/b");
	check_name("Registry.Example.COM/a__b/c-d--e.f_g:_Tag.-x",
		"Registry.Example.COM/a__b/c-d--e.f_g:_Tag.-x", "Registry.Example.COM/a__b/c-d-"
			"-e.f_g");
	/* a registry-only first component without '/' is a Docker Hub name with a tag */
	check_name("localhost:5000", "index.docker.io/library/localhost:5000",
		"index.docker.io/library/localhost");

	sg_ociref r;
	CHECK_OK(parse_str("ghcr.io/o/r:v1@sha256:" HEX64, &r, NULL));
	CHECK(r.has_digest && r.tag_len == 0 && r.digest[0] == 0x04 && r.digest[31] == 0x9a);
	CHECK(strcmp(r.registry, "ghcr.io") == 0 && r.registry_len == 7);
	CHECK(strcmp(r.repository, "o/r") == 0 && r.repository_len == 3);
	CHECK(strcmp(r.digest_str, "sha256:" HEX64) == 0);
	CHECK_OK(parse_str("alpine", &r, NULL));
	CHECK(!r.has_digest && strcmp(r.tag, "latest") == 0 && r.digest_str[0] == '\0');
}

static void
expect_bad(const char *in, sg_err code)
{
	sg_ociref r;
	memset(&r, 0x55, sizeof r);
	sg_err e = parse_str(in, &r, NULL);
	CHECK_ERR(e, code);
	if (e != code)
		fprintf(stderr, "  input: %s\n", in);
	/* outputs are zeroed on failure */
	static const sg_ociref zero;
	CHECK(memcmp(&r, &zero, sizeof r) == 0);
}

static void
test_invalid(void)
{
	char tag129[200], repo256[300];
	expect_bad("", SG_ERR_OCI_REF);
	expect_bad("Alpine", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/Owner/repo", SG_ERR_OCI_REF);
	expect_bad("ghcr.io//repo", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/", SG_ERR_OCI_REF);
	expect_bad("/alpine", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r:", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r:.x", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r:-x", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r:a b", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/-r", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r-", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r..s", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r___s", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r._s", SG_ERR_OCI_REF);
	expect_bad("a", SG_ERR_OCI_REF); /* ggcr: repository of at least 2 characters */
	expect_bad("-bad.io/x", SG_ERR_OCI_REF);
	expect_bad("bad-.io/x", SG_ERR_OCI_REF);
	expect_bad("bad..io/x", SG_ERR_OCI_REF);
	expect_bad("host.io:/x", SG_ERR_OCI_REF);
	expect_bad("host.io:123456/x", SG_ERR_OCI_REF);
	expect_bad("host.io:12a/x", SG_ERR_OCI_REF);
	expect_bad("[zz]:5000/x", SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r@sha256:" HEX64 "@sha256:" HEX64, SG_ERR_OCI_REF);
	expect_bad("ghcr.io/o/r@", SG_ERR_OCI_DIGEST);
	expect_bad("ghcr.io/o/r@sha256:abc", SG_ERR_OCI_DIGEST);
	expect_bad("ghcr.io/o/r@sha256:" HEX64 "0", SG_ERR_OCI_DIGEST);
	expect_bad("ghcr.io/o/r@sha256:0489474DA8EA22426ECE86ACE6C1C0026AB2FD3CDFBBD62B7E946502"
		"66C37D9A",
		SG_ERR_OCI_DIGEST);
	expect_bad("ghcr.io/o/r@sha512:" HEX64 HEX64, SG_ERR_UNSUPPORTED);
	expect_bad("ghcr.io/o/r@SHA256:" HEX64, SG_ERR_OCI_DIGEST);
	expect_bad("ghcr.io/o/r@" HEX64, SG_ERR_OCI_DIGEST);

	memset(tag129, 'a', 129);
	memcpy(tag129, "ab:", 3);
	tag129[3 + 129] = '\0';
	memset(tag129 + 3, 't', 129);
	expect_bad(tag129, SG_ERR_OCI_REF);
	tag129[3 + 128] = '\0'; /* 128 characters is the maximum */
	sg_ociref r;
	CHECK_OK(parse_str(tag129, &r, NULL));
	CHECK(r.tag_len == 128);

	memcpy(repo256, "ghcr.io/", 8);
	memset(repo256 + 8, 'r', 256);
	repo256[8 + 256] = '\0';
	expect_bad(repo256, SG_ERR_OCI_REF);
	repo256[8 + 255] = '\0';
	CHECK_OK(parse_str(repo256, &r, NULL));
	/* the implicit "library/" counts against the 255 */
	expect_bad(repo256 + 8 + 5, SG_ERR_OCI_REF);

	/* the diagnostic names the unsupported algorithm */
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(parse_str("x.io/a/b@sha512:" HEX64 HEX64, &r, &d), SG_ERR_UNSUPPORTED);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "\"sha512\" is not supported") != NULL);

	/* too long overall */
	static char big[SG_MAX_OCI_REF + 10];
	memset(big, 'a', sizeof big - 1);
	CHECK_ERR(sg_ociref_parse((const uint8_t *)big, sizeof big - 1, &r, NULL), SG_ERR_LIMIT);
}

static void
test_prefixes(void)
{
	/* every proper prefix either parses or fails cleanly; never reads past the end */
	static const char *full[] = {
		"192.168.64.2:5000/cosign-signed/fulcio-rekor-1@sha256:" HEX64,
		"ghcr.io/o/r:v1@sha256:" HEX64,
		"[::1]:5000/a/b:t",
	};
	for (size_t f = 0; f < sizeof full / sizeof full[0]; f++) {
		size_t n = strlen(full[f]);
		size_t ok = 0;
		for (size_t i = 0; i < n; i++) {
			sg_ociref r;
			const uint8_t *g = guard_put(full[f], i);
			if (sg_ociref_parse(g, i, &r, NULL) == SG_OK)
				ok++;
		}
		/* digest references: no proper prefix that cuts the digest can succeed */
		CHECK(ok < n);
	}
	size_t n = strlen(full[0]);
	for (size_t i = n - 71; i < n; i++) {
		sg_ociref r;
		const uint8_t *g = guard_put(full[0], i);
		sg_err e = sg_ociref_parse(g, i, &r, NULL);
		CHECK(e == SG_ERR_OCI_DIGEST || e == SG_ERR_OCI_REF);
	}
}

static void
test_digest_and_tags(void)
{
	uint8_t dg[32];
	CHECK_OK(sg_oci_digest_parse((const uint8_t *)"sha256:" HEX64, 71, "t", dg, NULL));
	char s[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(dg, s);
	CHECK(strcmp(s, "sha256:" HEX64) == 0);
	char tag[SG_OCI_SIG_TAG_LEN + 1];
	sg_oci_sig_tag(dg, tag);
	CHECK(strcmp(tag, "sha256-" HEX64 ".sig") == 0);
	CHECK(strlen(tag) == SG_OCI_SIG_TAG_LEN);

	/* triangulation (protocol.md §2.1): same repository, tag sha256-<hex>.sig */
	sg_ociref r;
	char buf[600];
	sg_buf b;
	CHECK_OK(parse_str("ghcr.io/o/r@sha256:" HEX64, &r, NULL));
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_ociref_triangulate(&r, &b));
	CHECK(b.len == strlen("ghcr.io/o/r:sha256-" HEX64 ".sig") &&
		memcmp(buf, "ghcr.io/o/r:sha256-" HEX64 ".sig", b.len) == 0);
	CHECK_OK(parse_str("alpine@sha256:" HEX64, &r, NULL));
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_ociref_triangulate(&r, &b));
	const char *want = "index.docker.io/library/alpine:sha256-" HEX64 ".sig";
	CHECK(b.len == strlen(want) && memcmp(buf, want, b.len) == 0);
	/* a tag needs a registry lookup first */
	CHECK_OK(parse_str("alpine:3", &r, NULL));
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_ERR(sg_ociref_triangulate(&r, &b), SG_ERR_ARG);
	/* ... after which the digest form is used */
	sg_ociref_set_digest(&r, dg);
	sg_buf_init(&b, buf, sizeof buf);
	CHECK_OK(sg_ociref_name(&r, &b));
	want = "index.docker.io/library/alpine@sha256:" HEX64;
	CHECK(b.len == strlen(want) && memcmp(buf, want, b.len) == 0);
	/* a too-small buffer */
	sg_buf_init(&b, buf, 10);
	CHECK_ERR(sg_ociref_triangulate(&r, &b), SG_ERR_LIMIT);

	/* sha256 of the bytes */
	uint8_t h[32];
	sg_oci_digest_of("abc", 3, h);
	CHECK(h[0] == 0xba && h[31] == 0xad);
}

static void
test_plain_http(void)
{
	static const struct {
		const char *ref;
		int http;
	} cases[] = {
		{"localhost/x1", 1}, {"localhost:5000/x1", 1}, {"reg.localhost:1/x1", 1},
		{"127.0.0.1:5000/x1", 1}, {"[::1]:5000/x1", 1}, {"10.1.2.3/x1", 1},
		{"172.16.0.1:80/x1", 1}, {"172.31.255.255/x1", 1}, {"192.168.64.2:5000/x1", 1},
		{"172.32.0.1/x1", 0}, {"127.0.0.2/x1", 0}, {"ghcr.io/x1", 0}, {"alpine", 0},
		{"localhost.example.com/x1", 0}, {"010.1.2.3/x1", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sg_ociref r;
		CHECK_OK(parse_str(cases[i].ref, &r, NULL));
		CHECK(sg_ociref_default_plain_http(&r) == cases[i].http);
		if (sg_ociref_default_plain_http(&r) != cases[i].http)
			fprintf(stderr, "  %s\n", cases[i].ref);
	}
}

int
main(void)
{
	test_normalise();
	test_invalid();
	test_prefixes();
	test_digest_and_tags();
	test_plain_http();
	guard_release();
	return test_finish();
}
