/* policy: identity and issuer matching. See policy.h.
 * Regexps are regex.h's RE2 syntax, matched over the value's bytes with its length, so nothing
 * needs a NUL terminator and control bytes get no special treatment: a NUL is an ordinary
 * character (it cannot end a value early), and "." and $ treat a newline as RE2 does. A value
 * longer than SG_POLICY_MAX_VALUE never matches a regexp, which bounds the matching time. */
#include "sigstore/policy.h"

#include <string.h>

/* cosign: fmt.Errorf("malformed %s in identity: %s : %w", ..., err) around Go's regexp error. */
SG_MUST_USE static sg_err
compile(sg_regex *re, const char *src, const char *kind, sg_diag *d)
{
	sg_diag why;
	sg_diag_init(&why, NULL);
	/* Bounded: one byte past the limit is enough for "expression too large". */
	size_t len = strnlen(src, SG_MAX_REGEX_PATTERN + 1u);
	if (sg_regex_compile(src, len, re, &why) != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_POLICY_REGEX, "malformed %s in identity: %s : %s",
			kind, src, why.detail);
	return SG_OK;
}

/* NULL for an absent or empty flag value. */
static const char *
given(const char *v)
{
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* see policy.h */
sg_err
sg_policy_init(sg_policy *p, const char *identity, const char *identity_regexp,
	const char *issuer, const char *issuer_regexp, sg_diag *d)
{
	memset(p, 0, sizeof *p);
	/* An empty flag value is no value, as in cosign (Go's "" means unset): otherwise an empty
	 * pattern, e.g. from an unset shell variable, would match every identity or issuer. */
	identity = given(identity);
	identity_regexp = given(identity_regexp);
	issuer = given(issuer);
	issuer_regexp = given(issuer_regexp);
	if (identity == NULL && identity_regexp == NULL)
		return sg_diag_failmsg(d, SG_ERR_POLICY_EMPTY,
			"--certificate-identity or --certificate-identity-regexp is required for "
			"verification in keyless mode");
	if (issuer == NULL && issuer_regexp == NULL)
		return sg_diag_failmsg(d, SG_ERR_POLICY_EMPTY,
			"--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required for "
			"verification in keyless mode");
	p->identity = identity;
	p->issuer = issuer;
	p->identity_regexp = identity_regexp;
	p->issuer_regexp = issuer_regexp;
	/* cosign: the regexp flag wins when both forms are given. */
	if (identity_regexp != NULL) {
		SG_TRY(compile(&p->identity_re, identity_regexp, "subject", d));
		p->has_identity_re = 1;
	}
	if (issuer_regexp != NULL) {
		SG_TRY(compile(&p->issuer_re, issuer_regexp, "issuer", d));
		p->has_issuer_re = 1;
	}
	return SG_OK;
}

static int
regex_matches(const sg_regex *re, sg_slice v)
{
	if (v.len > SG_POLICY_MAX_VALUE)
		return 0;
	return sg_regex_search(re, v.p, v.len);
}

static int
value_matches(const char *exact, const sg_regex *re, int has_re, sg_slice v)
{
	if (has_re)
		return regex_matches(re, v);
	return exact != NULL && sg_slice_eq_str(v, exact);
}

/* see policy.h */
sg_err
sg_policy_check(const sg_policy *p, const sg_slice *sans, size_t n, sg_slice issuer, sg_diag *d)
{
	int issuer_ok = value_matches(p->issuer, &p->issuer_re, p->has_issuer_re, issuer);
	int identity_ok = 0;
	for (size_t i = 0; i < n && !identity_ok; i++)
		identity_ok = value_matches(p->identity, &p->identity_re, p->has_identity_re,
			sans[i]);
	if (issuer_ok && identity_ok && (p->identity != NULL || p->has_identity_re) &&
		(p->issuer != NULL || p->has_issuer_re))
		return SG_OK;
	/* cosign joins the SANs with ", " inside brackets (protocol.md §7.2 step 5); the list is
	 * cut at a whole SAN when it would not fit the detail buffer. */
	char list[SG_DIAG_DETAIL_MAX];
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : ", ";
		size_t seplen = strlen(sep);
		if (used + seplen + sans[i].len + 1 >= sizeof list)
			break;
		memcpy(list + used, sep, seplen);
		used += seplen;
		if (sans[i].len > 0)
			memcpy(list + used, sans[i].p, sans[i].len);
		used += sans[i].len;
	}
	list[used] = '\0';
	return sg_diag_failmsg(d, SG_ERR_POLICY_IDENTITY,
		"none of the expected identities matched what was in the certificate, got subjects "
		"[%s] with issuer %.*s",
		list, (int)(issuer.len > 256 ? 256 : issuer.len), (const char *)issuer.p);
}

/* see policy.h */
sg_err
sg_policy_require_ext(sg_policy *p, unsigned n, const char *value, sg_diag *d)
{
	if (given(value) == NULL)
		return SG_OK;
	if (n == SG_FULCIO_ISSUER_V1 || n == SG_FULCIO_ISSUER_V2 || sg_x509_fulcio_name(n) == NULL)
		return sg_diag_fail(d, SG_ERR_ARG, "policy extension");
	if (p->n_ext >= SG_POLICY_MAX_EXT)
		return sg_diag_fail(d, SG_ERR_LIMIT, "policy extensions");
	p->ext[p->n_ext].n = n;
	p->ext[p->n_ext].value = value;
	p->n_ext++;
	return SG_OK;
}

/* One matcher of sg_policy_check_summary: SG_OK, or sigstore-go's ErrValueMismatch /
 * ErrValueRegexMismatch text for `object` ("SAN" or "issuer"). */
SG_MUST_USE static sg_err
summary_match(const char *exact, const char *pattern, const sg_regex *re, int has_re,
	const char *object, sg_slice v, sg_err code, sg_diag *d)
{
	if (value_matches(exact, re, has_re, v))
		return SG_OK;
	int n = (int)(v.len > 256 ? 256 : v.len);
	if (has_re)
		return sg_diag_failmsg(d, code,
			"no matching CertificateIdentity found, last error: expected %s value to "
			"match regex \"%s\", got \"%.*s\"", object, pattern, n, (const char *)v.p);
	return sg_diag_failmsg(d, code,
		"no matching CertificateIdentity found, last error: expected %s value \"%s\", "
		"got \"%.*s\"", object, exact != NULL ? exact : "", n, (const char *)v.p);
}

/* see policy.h */
sg_err
sg_policy_check_ext(const sg_policy *p, const sg_x509_cert *leaf, sg_diag *d)
{
	for (size_t i = 0; i < p->n_ext; i++) {
		sg_slice v;
		if (!sg_x509_fulcio_ext(leaf, p->ext[i].n, &v) ||
			!sg_slice_eq_str(v, p->ext[i].value))
			return sg_diag_failmsg(d, SG_ERR_POLICY_EXTENSION,
				"expected %s not found in certificate",
				sg_x509_fulcio_name(p->ext[i].n));
	}
	return SG_OK;
}

/* see policy.h */
sg_err
sg_policy_check_summary(const sg_policy *p, sg_slice san, sg_slice issuer, sg_diag *d)
{
	SG_TRY(summary_match(p->identity, p->identity_regexp, &p->identity_re, p->has_identity_re,
		"SAN", san, SG_ERR_POLICY_IDENTITY, d));
	return summary_match(p->issuer, p->issuer_regexp, &p->issuer_re, p->has_issuer_re,
		"issuer", issuer, SG_ERR_POLICY_ISSUER, d);
}
