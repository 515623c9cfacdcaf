/* ociref: image references and digests. See ociref.h.
 *
 * Implementation notes. Grammar: distribution/reference (reference.go, regexp.go) for the
 * character classes, ggcr pkg/name (ref.go, tag.go, digest.go, repository.go, registry.go)
 * for the splitting order and the normalisation, protocol.md §1.2 and §2.1.
 * Splitting follows ggcr so that we accept the same strings and name them the same way:
 *   1. "@" splits off the digest (exactly one "@" allowed);
 *   2. the last ":" splits off a tag, unless the text after it contains "/" (then the ":" is
 *      a registry port: "localhost:5000/x");
 *   3. the first "/" splits off a registry when the part before it looks like a host.
 * Each part is then checked against its grammar with hand-written ASCII classes (no
 * <ctype.h>: locale-dependent). All loops are bounded by the input length, itself capped by
 * SG_MAX_OCI_REF before anything else happens. */
#include "oci/ociref.h"

#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "crypto/hash.h"
#include "parse/codec.h"

static int
is_lower_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum(uint8_t c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}


static int
is_lower_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int
is_hex(uint8_t c)
{
	return is_lower_hex(c) || (c >= 'A' && c <= 'F');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static int
valid_component(const uint8_t *p, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(p[0]))
		return 0;
	while (i < n) {
		while (i < n && is_lower_alnum(p[i]))
			i++;
		if (i == n)
			return 1;
		/* a separator, then at least one alphanumeric */
		if (p[i] == '.') {
			i++;
		} else if (p[i] == '_') {
			i++;
			if (i < n && p[i] == '_')
				i++;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n || !is_lower_alnum(p[i]))
			return 0;
	}
	return 1;
}

static int
valid_path(const uint8_t *p, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (!valid_component(p + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* label = [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9] */
static int
valid_label(const uint8_t *p, size_t n)
{
	if (n == 0 || !is_alnum(p[0]) || !is_alnum(p[n - 1]))
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_alnum(p[i]) && p[i] != '-')
			return 0;
	return 1;
}

/* host [":" port], host = label ("." label)* | "[" [0-9A-Fa-f:]+ "]", port = 1*5DIGIT */
static int
valid_registry(const uint8_t *p, size_t n)
{
	size_t hostlen = n, i;
	if (n == 0 || n > SG_OCI_REGISTRY_MAX)
		return 0;
	if (p[0] == '[') {
		for (i = 1; i < n && p[i] != ']'; i++)
			if (!is_hex(p[i]) && p[i] != ':')
				return 0;
		if (i == n || i == 1)
			return 0;
		hostlen = i + 1;
	} else {
		for (i = 0; i < n && p[i] != ':'; i++)
			;
		hostlen = i;
		size_t start = 0;
		for (i = 0; i <= hostlen; i++) {
			if (i == hostlen || p[i] == '.') {
				if (!valid_label(p + start, i - start))
					return 0;
				start = i + 1;
			}
		}
	}
	if (hostlen == n)
		return 1;
	if (p[hostlen] != ':' || n - hostlen - 1 < 1 || n - hostlen - 1 > 5)
		return 0;
	for (i = hostlen + 1; i < n; i++)
		if (!sg_is_digit(p[i]))
			return 0;
	return 1;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static int
valid_tag(const uint8_t *p, size_t n)
{
	if (n == 0 || n > SG_OCI_TAG_MAX || !(is_alnum(p[0]) || p[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-')
			return 0;
	return 1;
}

/* algorithm = [a-z0-9]+ ([+._-] [a-z0-9]+)* (OCI image-spec descriptor.md) */
static int
valid_algorithm(const uint8_t *p, size_t n)
{
	if (n == 0 || !is_lower_alnum(p[0]) || !is_lower_alnum(p[n - 1]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		int sep = p[i] == '+' || p[i] == '.' || p[i] == '_' || p[i] == '-';
		if (!is_lower_alnum(p[i]) && !sep)
			return 0;
		if (sep && !is_lower_alnum(p[i - 1]))
			return 0;
	}
	return 1;
}

/* see ociref.h */
sg_err
sg_oci_digest_parse(const uint8_t *s, size_t len, const char *what, uint8_t out[32], sg_diag *d)
{
	memset(out, 0, 32);
	size_t colon = 0;
	while (colon < len && s[colon] != ':')
		colon++;
	if (colon == len)
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST, what,
			"a digest is <algorithm>:<hex>, e.g. sha256:<64 hex digits>");
	const uint8_t *enc = s + colon + 1;
	size_t enclen = len - colon - 1;
	if (colon == 6 && memcmp(s, "sha256", 6) == 0) {
		if (enclen != 64)
			return sg_diag_failf(d, SG_ERR_OCI_DIGEST, what,
				"a sha256 digest has 64 hex digits, got %zu", enclen);
		for (size_t i = 0; i < 64; i++)
			if (!is_lower_hex(enc[i]))
				return sg_diag_failf(d, SG_ERR_OCI_DIGEST, what,
					"a sha256 digest is lowercase hex");
		size_t n = 0;
		sg_err e = sg_hex_decode(enc, 64, out, 32, &n, NULL);
		if (e != SG_OK || n != 32) {
			memset(out, 0, 32);
			return sg_diag_fail(d, SG_ERR_OCI_DIGEST, what);
		}
		return SG_OK;
	}
	/* encoded = [a-zA-Z0-9=_-]+ */
	int enc_ok = enclen > 0;
	for (size_t i = 0; i < enclen && enc_ok; i++)
		enc_ok = is_alnum(enc[i]) || enc[i] == '=' || enc[i] == '_' || enc[i] == '-';
	if (valid_algorithm(s, colon) && enc_ok && colon <= 32)
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
			"digest algorithm \"%.*s\" is not supported (only sha256)", (int)colon, s);
	return sg_diag_failf(d, SG_ERR_OCI_DIGEST, what,
		"a digest is <algorithm>:<hex>, e.g. sha256:<64 hex digits>");
}

/* see ociref.h */
void
sg_oci_digest_format(const uint8_t digest[32], char out[SG_OCI_DIGEST_STR_LEN + 1])
{
	static const char hexd[] = "0123456789abcdef";
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < 32; i++) {
		out[7 + 2 * i] = hexd[digest[i] >> 4];
		out[8 + 2 * i] = hexd[digest[i] & 15];
	}
	out[SG_OCI_DIGEST_STR_LEN] = '\0';
}

/* see ociref.h */
void
sg_oci_digest_of(const void *p, size_t len, uint8_t out[32])
{
	sg_sha256(p, len, out);
}

/* see ociref.h */
void
sg_ociref_set_digest(sg_ociref *ref, const uint8_t digest[32])
{
	memcpy(ref->digest, digest, 32);
	ref->has_digest = 1;
	sg_oci_digest_format(digest, ref->digest_str);
}

static int
looks_like_host(const uint8_t *p, size_t n)
{
	if (n == 9 && memcmp(p, "localhost", 9) == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '.' || p[i] == ':')
			return 1;
	return 0;
}

SG_MUST_USE static sg_err
parse(const uint8_t *s, size_t len, sg_ociref *out, sg_diag *d)
{
	static const char what[] = "image reference";
	if (len == 0)
		return sg_diag_failf(d, SG_ERR_OCI_REF, what, "empty reference");
	if (len > SG_MAX_OCI_REF)
		return sg_diag_failf(d, SG_ERR_LIMIT, what, "longer than %u bytes", SG_MAX_OCI_REF);

	/* 1. digest */
	size_t base_len = len, at = len;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '@')
			continue;
		if (at != len)
			return sg_diag_failf(d, SG_ERR_OCI_REF, what, "more than one '@'");
		at = i;
	}
	if (at != len) {
		SG_TRY(sg_oci_digest_parse(s + at + 1, len - at - 1, "image reference digest",
			out->digest, d));
		sg_ociref_set_digest(out, out->digest);
		base_len = at;
	}

	/* 2. tag: after the last ':' unless a '/' follows it (then it is a port) */
	size_t tag_at = base_len;
	for (size_t i = base_len; i > 0; i--) {
		if (s[i - 1] == '/')
			break;
		if (s[i - 1] == ':') {
			tag_at = i - 1;
			break;
		}
	}
	if (tag_at != base_len) {
		const uint8_t *t = s + tag_at + 1;
		size_t tn = base_len - tag_at - 1;
		if (!valid_tag(t, tn))
			return sg_diag_failf(d, SG_ERR_OCI_REF, what, "%s",
				tn > SG_OCI_TAG_MAX
					? "tag longer than 128 characters"
					: "invalid tag (allowed: [A-Za-z0-9_][A-Za-z0-9_.-]*)");
		/* ggcr keeps a tag given together with a digest only in the original string */
		if (!out->has_digest) {
			memcpy(out->tag, t, tn);
			out->tag_len = tn;
		}
		base_len = tag_at;
	} else if (!out->has_digest) {
		memcpy(out->tag, "latest", 6);
		out->tag_len = 6;
	}

	/* 3. registry */
	const uint8_t *path = s;
	size_t path_len = base_len;
	size_t slash = 0;
	while (slash < base_len && s[slash] != '/')
		slash++;
	if (slash < base_len && looks_like_host(s, slash)) {
		if (!valid_registry(s, slash))
			return sg_diag_failf(d, SG_ERR_OCI_REF, what, "invalid registry host");
		if (slash == 9 && memcmp(s, "docker.io", 9) == 0) {
			memcpy(out->registry, SG_OCI_DOCKER_HUB, sizeof SG_OCI_DOCKER_HUB - 1);
			out->registry_len = sizeof SG_OCI_DOCKER_HUB - 1;
		} else {
			memcpy(out->registry, s, slash);
			out->registry_len = slash;
		}
		path = s + slash + 1;
		path_len = base_len - slash - 1;
	} else {
		memcpy(out->registry, SG_OCI_DOCKER_HUB, sizeof SG_OCI_DOCKER_HUB - 1);
		out->registry_len = sizeof SG_OCI_DOCKER_HUB - 1;
	}

	/* 4. repository path */
	if (path_len < 2 || path_len > SG_OCI_REPO_MAX)
		return sg_diag_failf(d, SG_ERR_OCI_REF, what,
			"repository must be 2 to 255 characters, got %zu", path_len);
	if (!valid_path(path, path_len))
		return sg_diag_failf(d, SG_ERR_OCI_REF, what,
			"invalid repository (lowercase [a-z0-9] components separated by '/', "
			"with '.', '_', '__' or '-' inside a component)");
	int implicit = strcmp(out->registry, SG_OCI_DOCKER_HUB) == 0 &&
		memchr(path, '/', path_len) == NULL;
	size_t pre = implicit ? 8 : 0;
	if (path_len + pre > SG_OCI_REPO_MAX)
		return sg_diag_failf(d, SG_ERR_OCI_REF, what,
			"repository must be 2 to 255 characters, got %zu", path_len + pre);
	if (implicit)
		memcpy(out->repository, "library/", 8);
	memcpy(out->repository + pre, path, path_len);
	out->repository_len = path_len + pre;
	return SG_OK;
}

/* see ociref.h */
sg_err
sg_ociref_parse(const uint8_t *s, size_t len, sg_ociref *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse(s, len, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see ociref.h */
sg_err
sg_ociref_repo_name(const sg_ociref *ref, sg_buf *out)
{
	sg_buf_put(out, ref->registry, ref->registry_len);
	sg_buf_putc(out, '/');
	sg_buf_put(out, ref->repository, ref->repository_len);
	return sg_buf_status(out);
}

/* see ociref.h */
sg_err
sg_ociref_name(const sg_ociref *ref, sg_buf *out)
{
	SG_TRY(sg_ociref_repo_name(ref, out));
	if (ref->has_digest) {
		sg_buf_putc(out, '@');
		sg_buf_put(out, ref->digest_str, SG_OCI_DIGEST_STR_LEN);
	} else {
		sg_buf_putc(out, ':');
		sg_buf_put(out, ref->tag, ref->tag_len);
	}
	return sg_buf_status(out);
}

/* see ociref.h */
void
sg_oci_sig_tag(const uint8_t digest[32], char out[SG_OCI_SIG_TAG_LEN + 1])
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	ds[6] = '-'; /* "sha256:" becomes "sha256-" */
	memcpy(out, ds, SG_OCI_DIGEST_STR_LEN);
	memcpy(out + SG_OCI_DIGEST_STR_LEN, ".sig", 5);
}

/* see ociref.h */
sg_err
sg_ociref_triangulate(const sg_ociref *ref, sg_buf *out)
{
	if (!ref->has_digest)
		return SG_ERR_ARG;
	char tag[SG_OCI_SIG_TAG_LEN + 1];
	sg_oci_sig_tag(ref->digest, tag);
	SG_TRY(sg_ociref_repo_name(ref, out));
	sg_buf_putc(out, ':');
	sg_buf_put(out, tag, SG_OCI_SIG_TAG_LEN);
	return sg_buf_status(out);
}

/* Parse a dotted-quad IPv4 address exactly (no leading zeros beyond "0"), as Go's
 * net.ParseIP accepts it. */
static int
parse_ipv4(const char *p, size_t n, uint8_t ip[4])
{
	size_t i = 0;
	for (int k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < n && i - start < 3 && sg_is_digit((uint8_t)p[i]))
			v = v * 10 + (unsigned)(p[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && p[start] == '0'))
			return 0;
		ip[k] = (uint8_t)v;
	}
	return i == n;
}

/* see ociref.h */
int
sg_ociref_default_plain_http(const sg_ociref *ref)
{
	const char *r = ref->registry;
	size_t n = ref->registry_len, host = n;
	if (n > 0 && r[0] == '[') {
		/* "[::1]" with an optional port */
		return n >= 5 && memcmp(r, "[::1]", 5) == 0;
	}
	if (n == 3 && memcmp(r, "::1", 3) == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (r[i] == ':') {
			host = i;
			break;
		}
	if (host == 9 && memcmp(r, "localhost", 9) == 0)
		return 1;
	if (host >= 10 && memcmp(r + host - 10, ".localhost", 10) == 0)
		return 1;
	uint8_t ip[4];
	if (!parse_ipv4(r, host, ip))
		return 0;
	return (ip[0] == 127 && ip[1] == 0 && ip[2] == 0 && ip[3] == 1) || ip[0] == 10 ||
		(ip[0] == 172 && (ip[1] & 0xf0) == 16) || (ip[0] == 192 && ip[1] == 168);
}
