/* policy: identity and issuer matching. See policy.h.
 * Regular expressions need NUL-terminated text, so each value is copied into a bounded stack
 * buffer; a value that contains a control byte (NUL, newline...) or is longer than
 * SG_POLICY_MAX_VALUE never matches a regexp, so an embedded NUL cannot hide a suffix from the
 * pattern and a newline cannot make POSIX "." differ from RE2's. */
#include "policy.h"

#include <string.h>

void
sg_policy_free(sg_policy *p)
{
	if (p->has_identity_re)
		regfree(&p->identity_re);
	if (p->has_issuer_re)
		regfree(&p->issuer_re);
	p->has_identity_re = p->has_issuer_re = 0;
}

static sg_err
compile(regex_t *re, const char *src, const char *kind, sg_diag *d)
{
	int rc = regcomp(re, src, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[128];
		regerror(rc, re, why, sizeof why);
		return sg_diag_failmsg(d, SG_ERR_POLICY_REGEX, "malformed %s in identity: %s : %s",
			kind, src, why);
	}
	return SG_OK;
}

/* NULL for an absent or empty flag value. */
static const char *
given(const char *v)
{
	return v != NULL && v[0] != '\0' ? v : NULL;
}

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
regex_matches(const regex_t *re, sg_slice v)
{
	char buf[SG_POLICY_MAX_VALUE + 1];
	if (v.len > SG_POLICY_MAX_VALUE)
		return 0;
	/* Control bytes never match a regexp: a NUL would end the C string early, and POSIX "."
	 * matches a newline where RE2's (cosign's) does not, so "^a.*b$" could span lines of a
	 * crafted SAN that RE2 would refuse. */
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < 0x20 || v.p[i] == 0x7f)
			return 0;
	if (v.len > 0)
		memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	return regexec(re, buf, 0, NULL, 0) == 0;
}

static int
value_matches(const char *exact, const regex_t *re, int has_re, sg_slice v)
{
	if (has_re)
		return regex_matches(re, v);
	return exact != NULL && sg_slice_eq_str(v, exact);
}

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
