/* policy: who may have signed (layer 3). Matches the certificate's identity (its SANs) and OIDC
 * issuer against what the user asked for, as cosign's CheckCertificatePolicy does
 * (protocol.md §7.2 step 5):
 *   - exact string equality by default (--certificate-identity, --certificate-oidc-issuer);
 *   - with a -regexp flag, an RE2-syntax regular expression (regex.h, the syntax of cosign's Go
 *     regexp), matched unanchored like Go's MatchString: write ^...$ to anchor. Values are
 *     matched as the bytes they are (a NUL or newline is an ordinary character; "." excludes
 *     newline as in RE2), in time linear in the value. The regexp flag wins when both are
 *     given; docs/policy.md lists the few differences from Go;
 *   - the identity matches when any SAN matches; both identity and issuer must match.
 * An empty policy fails closed: both an identity and an issuer are required, and an empty
 * string counts as not given (cosign), so an empty pattern never matches everything.
 *
 * Beyond the SAN, a policy may pin Fulcio extensions exactly (protocol.md §4.2): cosign's
 * --certificate-github-workflow-* flags pin the deprecated raw 1.2-1.6, and picosign adds the
 * CI-neutral ones a Buildkite certificate carries too (1.11 runner environment, 1.13 source
 * digest, 1.20 build trigger, 1.21 run invocation URI). As in cosign (validateCertExtensions),
 * they are checked before the identity, and an absent extension never matches. */
#ifndef SG_POLICY_H
#define SG_POLICY_H

#include <stddef.h>

#include "base/bytes.h"
#include "base/err.h"
#include "parse/regex.h"
#include "pki/x509.h"

/* Longest SAN or issuer value a regular expression is matched against; a longer value never
 * matches a regexp (exact matching has no such bound). */
#define SG_POLICY_MAX_VALUE 4096u

/* Extensions one policy can pin: the five GitHub ones and four CI-neutral ones, plus room. */
#define SG_POLICY_MAX_EXT 12u

/* Fulcio extension 1.3.6.1.4.1.57264.1.<n> must equal `value` (bytes, exactly). */
typedef struct sg_policy_ext {
	unsigned n;
	const char *value;
} sg_policy_ext;

/* About 100 KiB (two compiled patterns): keep it in static or long-lived storage, or on a
 * main-thread stack. */
typedef struct sg_policy {
	const char *identity;        /* exact, or NULL */
	const char *issuer;          /* exact, or NULL */
	const char *identity_regexp; /* source text, or NULL */
	const char *issuer_regexp;
	sg_regex identity_re;
	sg_regex issuer_re;
	int has_identity_re, has_issuer_re;
	sg_policy_ext ext[SG_POLICY_MAX_EXT];
	size_t n_ext;
} sg_policy;

/* Set up a policy from the four flags (NULL when not given; strings must outlive the policy).
 * Errors, in cosign's words (verbatim messages):
 *   SG_ERR_POLICY_EMPTY "--certificate-identity or --certificate-identity-regexp is required
 *   for verification in keyless mode" (likewise the issuer);
 *   SG_ERR_POLICY_REGEX "malformed subject in identity: <re> : <reason>" / "malformed issuer
 *   in identity: ...", where <reason> is Go's, e.g. "error parsing regexp: missing closing ):
 *   `(a`". Nothing is allocated: a policy needs no cleanup. */
SG_MUST_USE sg_err sg_policy_init(sg_policy *p, const char *identity, const char *identity_regexp,
	const char *issuer, const char *issuer_regexp, sg_diag *d);

/* Also require extension 1.<n> (a Fulcio extension with a name: 2-6, 9-24) to equal `value`;
 * an empty or NULL value adds nothing (an unset flag). `value` must outlive the policy.
 * SG_ERR_ARG for another n, SG_ERR_LIMIT past SG_POLICY_MAX_EXT. */
SG_MUST_USE sg_err sg_policy_require_ext(sg_policy *p, unsigned n, const char *value, sg_diag *d);

/* Check the pinned extensions of `leaf`, in the order they were required. On a mismatch or an
 * absent extension SG_ERR_POLICY_EXTENSION with cosign's message "expected <name> not found
 * in certificate" (e.g. "expected GitHub Workflow Trigger not found in certificate"). */
SG_MUST_USE sg_err sg_policy_check_ext(const sg_policy *p, const sg_x509_cert *leaf, sg_diag *d);

/* Check SANs sans[0..n) and the issuer. On mismatch SG_ERR_POLICY_IDENTITY with cosign's
 * message "none of the expected identities matched what was in the certificate, got subjects
 * [a, b] with issuer i" (verbatim). */
SG_MUST_USE sg_err sg_policy_check(const sg_policy *p, const sg_slice *sans, size_t n,
	sg_slice issuer, sg_diag *d);

/* sigstore-go's identity check (pkg/verify/certificate_identity.go), which cosign v3 applies
 * to bundles: the certificate summary's one SAN `san` (the first URI, else the first email,
 * else Fulcio's username otherName) against the identity, then `issuer` (extension 1.8, else
 * 1.1). On mismatch SG_ERR_POLICY_IDENTITY or SG_ERR_POLICY_ISSUER with sigstore-go's message,
 * verbatim: "no matching CertificateIdentity found, last error: expected SAN value \"X\", got
 * \"Y\"" ("expected SAN value to match regex \"R\", got ...", "expected issuer value ...").
 * As sg_policy_check, a regexp flag wins over the exact one. */
SG_MUST_USE sg_err sg_policy_check_summary(const sg_policy *p, sg_slice san, sg_slice issuer,
	sg_diag *d);

#endif
