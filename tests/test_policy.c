/* Unit tests for policy: exact and regexp (RE2 syntax) identity/issuer matching, cosign's
 * messages with Go's regexp errors, failing closed on an empty policy, and NUL bytes that must
 * not shorten a value. */
#include <string.h>

#include "sigstore/policy.h"
#include "runner.h"

static sg_slice
S(const char *s)
{
	return sg_slice_str(s);
}

static void
test_exact(void)
{
	sg_policy p;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_policy_init(&p, "https://buildkite.com/acme/app", NULL,
		"https://agent.buildkite.com", NULL, &d));
	sg_slice sans[2] = {S("other@example.com"), S("https://buildkite.com/acme/app")};
	CHECK_OK(sg_policy_check(&p, sans, 2, S("https://agent.buildkite.com"), NULL));
	/* Wrong issuer: cosign has no separate issuer message. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_check(&p, sans, 2, S("https://token.actions.githubusercontent.com"), &d),
		SG_ERR_POLICY_IDENTITY);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "none of the expected identities matched what was in the certificate, got "
			  "subjects [other@example.com, https://buildkite.com/acme/app] with issuer "
			  "https://token.actions.githubusercontent.com") == 0);
	/* Exact means exact: no prefix, no case folding, no trailing slash. */
	sg_slice near[3] = {S("https://buildkite.com/acme/app/"), S("https://buildkite.com/acme/ap"),
		S("HTTPS://buildkite.com/acme/app")};
	CHECK_ERR(sg_policy_check(&p, near, 3, S("https://agent.buildkite.com"), NULL),
		SG_ERR_POLICY_IDENTITY);
	/* A NUL byte inside a value does not make it equal to its prefix. */
	static const char nul[] = "https://buildkite.com/acme/app\0evil";
	sg_slice withnul = sg_slice_make(nul, sizeof nul - 1);
	CHECK_ERR(sg_policy_check(&p, &withnul, 1, S("https://agent.buildkite.com"), NULL),
		SG_ERR_POLICY_IDENTITY);
	/* No SANs at all. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_check(&p, NULL, 0, S("https://agent.buildkite.com"), &d),
		SG_ERR_POLICY_IDENTITY);
	CHECK(strstr(d.detail, "got subjects [] with issuer https://agent.buildkite.com") != NULL);
}

static void
test_regexp(void)
{
	sg_policy p;
	CHECK_OK(sg_policy_init(&p, "ignored-when-regexp-given", "^https://buildkite\\.com/acme/",
		NULL, "agent\\.buildkite", NULL));
	sg_slice sans[1] = {S("https://buildkite.com/acme/app")};
	CHECK_OK(sg_policy_check(&p, sans, 1, S("https://agent.buildkite.com"), NULL));
	/* Unanchored like cosign: the issuer pattern matches inside the value. */
	CHECK_OK(sg_policy_check(&p, sans, 1, S("https://evil.example/agent.buildkite"), NULL));
	sg_slice other[1] = {S("https://buildkite.com/other/app")};
	CHECK_ERR(sg_policy_check(&p, other, 1, S("https://agent.buildkite.com"), NULL),
		SG_ERR_POLICY_IDENTITY);
	/* A NUL byte cannot cut a value short before a regexp sees it. */
	CHECK_OK(sg_policy_init(&p, NULL, "^https://buildkite\\.com/acme/app$", NULL, ".*", NULL));
	static const char nul[] = "https://buildkite.com/acme/app\0/evil";
	sg_slice withnul = sg_slice_make(nul, sizeof nul - 1);
	CHECK_ERR(sg_policy_check(&p, &withnul, 1, S("x"), NULL), SG_ERR_POLICY_IDENTITY);
	/* A newline cannot be spanned by "." (RE2's "." excludes it; POSIX's would not). */
	CHECK_OK(sg_policy_init(&p, NULL, "^https://a\\.example/.*/x$", NULL, ".*", NULL));
	sg_slice ok_v = S("https://a.example/p/x");
	CHECK_OK(sg_policy_check(&p, &ok_v, 1, S("i"), NULL));
	sg_slice nl = S("https://a.example/p\nq/x");
	CHECK_ERR(sg_policy_check(&p, &nl, 1, S("i"), NULL), SG_ERR_POLICY_IDENTITY);
	/* Nor can $ match before a final newline (RE2's $ is the end of the text). */
	sg_slice nl_end = S("https://a.example/p/x\n");
	CHECK_ERR(sg_policy_check(&p, &nl_end, 1, S("i"), NULL), SG_ERR_POLICY_IDENTITY);
	/* A NUL is an ordinary byte, as in cosign: unanchored "evil" finds it after the NUL. */
	CHECK_OK(sg_policy_init(&p, NULL, "evil", NULL, ".*", NULL));
	CHECK_OK(sg_policy_check(&p, &withnul, 1, S("x"), NULL));
	/* RE2 syntax that POSIX ERE lacks: \d, \w, (?i), lazy quantifiers, \x{..}, (?:..). */
	CHECK_OK(sg_policy_init(&p, NULL,
		"(?i)^https://GITHUB\\.com/\\w+/[\\w.-]+?/\\.github/workflows/"
		"(?:release|ci)\\.ya?ml@refs/tags/v\\d+\\.\\d+\\.\\d+$",
		NULL, "^https://token\\.actions\\.githubusercontent\\.com\\z", NULL));
	sg_slice gh = S("https://github.com/acme/app.x/.github/workflows/release.yml@refs/tags/v1.2.3");
	sg_slice gh_iss = S("https://token.actions.githubusercontent.com");
	CHECK_OK(sg_policy_check(&p, &gh, 1, gh_iss, NULL));
	sg_slice gh_bad = S("https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2");
	CHECK_ERR(sg_policy_check(&p, &gh_bad, 1, gh_iss, NULL), SG_ERR_POLICY_IDENTITY);
	/* Linear time: a pattern that makes backtracking matchers explode, on a 4096-byte value. */
	static char as[SG_POLICY_MAX_VALUE + 1];
	memset(as, 'a', SG_POLICY_MAX_VALUE);
	CHECK_OK(sg_policy_init(&p, NULL, "^(a*)*b$", NULL, "(a|a)*b", NULL));
	sg_slice av = sg_slice_make(as, SG_POLICY_MAX_VALUE);
	CHECK_ERR(sg_policy_check(&p, &av, 1, av, NULL), SG_ERR_POLICY_IDENTITY);
	as[SG_POLICY_MAX_VALUE - 1] = 'b';
	CHECK_OK(sg_policy_check(&p, &av, 1, av, NULL));
	/* Over-long values never match a regexp. */
	static char longv[SG_POLICY_MAX_VALUE + 2];
	memset(longv, 'a', sizeof longv - 1);
	CHECK_OK(sg_policy_init(&p, NULL, "a", NULL, "a", NULL));
	sg_slice lv = sg_slice_str(longv);
	CHECK_ERR(sg_policy_check(&p, &lv, 1, S("a"), NULL), SG_ERR_POLICY_IDENTITY);
}

static void
test_init_errors(void)
{
	sg_policy p;
	sg_diag d;
	char msg[300];
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, NULL, NULL, "https://x", NULL, &d), SG_ERR_POLICY_EMPTY);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "--certificate-identity or --certificate-identity-regexp is required for "
			  "verification in keyless mode") == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, "a", NULL, NULL, NULL, &d), SG_ERR_POLICY_EMPTY);
	CHECK(strstr(d.detail, "--certificate-oidc-issuer or") == d.detail);
	/* Empty values are not given (cosign): an empty regexp would otherwise match anything,
	 * e.g. --certificate-identity-regexp "$UNSET_VARIABLE". */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, NULL, "", "https://x", NULL, &d), SG_ERR_POLICY_EMPTY);
	CHECK_ERR(sg_policy_init(&p, "", NULL, "https://x", NULL, NULL), SG_ERR_POLICY_EMPTY);
	CHECK_ERR(sg_policy_init(&p, "a", NULL, "", "", NULL), SG_ERR_POLICY_EMPTY);
	/* An empty regexp next to an exact value leaves the exact value in force. */
	CHECK_OK(sg_policy_init(&p, "a", "", "https://x", "", NULL));
	sg_slice san = sg_slice_str("b");
	CHECK_ERR(sg_policy_check(&p, &san, 1, sg_slice_str("https://x"), NULL),
		SG_ERR_POLICY_IDENTITY);
	CHECK_ERR(sg_policy_check(&p, &san, 1, sg_slice_str("https://evil"), NULL),
		SG_ERR_POLICY_IDENTITY);
	san = sg_slice_str("a");
	CHECK_OK(sg_policy_check(&p, &san, 1, sg_slice_str("https://x"), NULL));
	CHECK_ERR(sg_policy_check(&p, &san, 1, sg_slice_str("https://evil"), NULL),
		SG_ERR_POLICY_IDENTITY);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, NULL, "(unclosed", "i", NULL, &d), SG_ERR_POLICY_REGEX);
	sg_diag_format(&d, msg, sizeof msg);
	/* cosign's wrapping around Go's regexp error, verbatim. */
	CHECK(strcmp(msg, "malformed subject in identity: (unclosed : error parsing regexp: "
			  "missing closing ): `(unclosed`") == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, "a", NULL, NULL, "[z-a]", &d), SG_ERR_POLICY_REGEX);
	CHECK(strcmp(d.detail, "malformed issuer in identity: [z-a] : error parsing regexp: "
			       "invalid character class range: `z-a`") == 0);
	/* RE2 rejects what POSIX engines accept: backreferences, lookaround, stacked quantifiers. */
	static const char *const bad[] = {"(a)\\1", "(?=a)", "a**", "\\Z", "a{1001}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_policy_init(&p, NULL, bad[i], "i", NULL, &d), SG_ERR_POLICY_REGEX);
		CHECK(strstr(d.detail, " : error parsing regexp: ") != NULL);
	}
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_init(&p, NULL, "(a)\\1", "i", NULL, &d), SG_ERR_POLICY_REGEX);
	CHECK(strcmp(d.detail, "malformed subject in identity: (a)\\1 : error parsing regexp: "
			       "invalid escape sequence: `\\1`") == 0);
}

/* Pinned Fulcio extensions: checked exactly, an absent one never matches, the first mismatch
 * in the order required is reported in cosign's words, and only named extensions qualify. */
static void
test_extensions(void)
{
	static sg_policy p;
	sg_x509_cert leaf;
	sg_diag d;
	memset(&leaf, 0, sizeof leaf);
	leaf.fulcio[2] = S("push");
	leaf.fulcio[13] = S("9f3182061f1e2cca4702c368cbc039b7dc9d4485");
	leaf.fulcio[20] = S("ui");
	leaf.fulcio_present = (1u << 2) | (1u << 13) | (1u << 20);
	CHECK_OK(sg_policy_init(&p, "i", NULL, "u", NULL, NULL));
	CHECK_OK(sg_policy_check_ext(&p, &leaf, NULL)); /* nothing pinned */
	CHECK_OK(sg_policy_require_ext(&p, 13, "9f3182061f1e2cca4702c368cbc039b7dc9d4485", NULL));
	CHECK_OK(sg_policy_require_ext(&p, 20, "ui", NULL));
	CHECK_OK(sg_policy_require_ext(&p, 21, NULL, NULL)); /* unset flags add nothing */
	CHECK_OK(sg_policy_require_ext(&p, 21, "", NULL));
	CHECK(p.n_ext == 2);
	CHECK_OK(sg_policy_check_ext(&p, &leaf, NULL));
	CHECK_OK(sg_policy_require_ext(&p, 2, "pull_request", NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_check_ext(&p, &leaf, &d), SG_ERR_POLICY_EXTENSION);
	CHECK(strcmp(d.detail, "expected GitHub Workflow Trigger not found in certificate") == 0);
	/* Absent: the runner environment (1.11) is not in this leaf. */
	CHECK_OK(sg_policy_init(&p, "i", NULL, "u", NULL, NULL));
	CHECK_OK(sg_policy_require_ext(&p, 11, "self-hosted", NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_policy_check_ext(&p, &leaf, &d), SG_ERR_POLICY_EXTENSION);
	CHECK(strcmp(d.detail, "expected Runner Environment not found in certificate") == 0);
	/* Exactly: no prefix or case folding. */
	CHECK_OK(sg_policy_init(&p, "i", NULL, "u", NULL, NULL));
	CHECK_OK(sg_policy_require_ext(&p, 20, "U", NULL));
	CHECK_ERR(sg_policy_check_ext(&p, &leaf, NULL), SG_ERR_POLICY_EXTENSION);
	CHECK_OK(sg_policy_init(&p, "i", NULL, "u", NULL, NULL));
	CHECK_OK(sg_policy_require_ext(&p, 13, "9f31", NULL));
	CHECK_ERR(sg_policy_check_ext(&p, &leaf, NULL), SG_ERR_POLICY_EXTENSION);
	/* The issuers are the identity's business; 7 is not an extension; 25 is out of range. */
	CHECK_ERR(sg_policy_require_ext(&p, 1, "x", NULL), SG_ERR_ARG);
	CHECK_ERR(sg_policy_require_ext(&p, 8, "x", NULL), SG_ERR_ARG);
	CHECK_ERR(sg_policy_require_ext(&p, 7, "x", NULL), SG_ERR_ARG);
	CHECK_ERR(sg_policy_require_ext(&p, 25, "x", NULL), SG_ERR_ARG);
	for (unsigned i = 0; i < SG_POLICY_MAX_EXT - 1; i++)
		CHECK_OK(sg_policy_require_ext(&p, 9, "x", NULL));
	CHECK_ERR(sg_policy_require_ext(&p, 9, "x", NULL), SG_ERR_LIMIT);
}

int
main(void)
{
	test_extensions();
	test_exact();
	test_regexp();
	test_init_errors();
	return test_finish();
}
