/* options: what the shared flag groups do once parsed (rank 9; see options.h). */
#include "cli/options.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "sys/net.h"
#include "sys/os.h"

/* The issuer and SAN a Buildkite job's certificate carries (protocol.md §4.4). */
#define BUILDKITE_ISSUER "https://agent.buildkite.com"
#define BUILDKITE_URL "https://buildkite.com/"

/* see options.h */
int
sg_cli_common_apply(const sg_cli_common *o)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	unsigned ms;
	if (o->timeout != NULL && sg_net_parse_timeout(o->timeout, &ms, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	if (o->output_file != NULL && o->output_file[0] != '\0' &&
		sg_os_redirect_stdout(o->output_file, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	return 0;
}

static int
set(const char *v)
{
	return v != NULL && v[0] != '\0';
}

/* see options.h */
int
sg_cli_identity_given(const sg_cli_identity *o)
{
	const char *const all[] = {o->identity, o->identity_re, o->issuer, o->issuer_re,
		o->gh_trigger, o->gh_sha, o->gh_name, o->gh_repository, o->gh_ref, o->bk_org,
		o->bk_pipeline, o->source_digest, o->build_trigger, o->runner_env,
		o->run_invocation};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (set(all[i]))
			return 1;
	return 0;
}

/* A Buildkite organization or pipeline slug: what Buildkite allows in one (lower-case letters,
 * digits, '-' and '_'), so the value can go into a URL and a regexp as is. */
static int
slug_ok(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 200)
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '_'))
			return 0;
	return 1;
}

/* see options.h */
sg_err
sg_cli_identity_policy(sg_cli_identity *o, sg_policy *p, sg_diag *d)
{
	const char *identity = o->identity, *identity_re = o->identity_re;
	const char *issuer = o->issuer, *issuer_re = o->issuer_re;
	if (set(o->bk_pipeline) && !set(o->bk_org))
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--buildkite-pipeline needs --buildkite-org");
	if (set(o->bk_org)) {
		if (set(identity) || set(identity_re) || set(issuer) || set(issuer_re))
			return sg_diag_failmsg(d, SG_ERR_USAGE,
				"--buildkite-org sets the identity and the issuer; do not "
				"combine it with --certificate-identity* or "
				"--certificate-oidc-issuer*");
		if (!slug_ok(o->bk_org) || (set(o->bk_pipeline) && !slug_ok(o->bk_pipeline)))
			return sg_diag_failmsg(d, SG_ERR_USAGE,
				"--buildkite-org and --buildkite-pipeline take slugs (a-z, "
				"0-9, '-', '_'), as in https://buildkite.com/ORG/PIPELINE");
		int n;
		if (set(o->bk_pipeline)) {
			/* The SAN Fulcio writes for a job of that pipeline, exactly. */
			n = snprintf(o->bk_buf, sizeof o->bk_buf, BUILDKITE_URL "%s/%s", o->bk_org,
				o->bk_pipeline);
			identity = o->bk_buf;
		} else {
			/* Any pipeline of the organization: one more path segment, anchored. */
			n = snprintf(o->bk_buf, sizeof o->bk_buf,
				"^https://buildkite\\.com/%s/[a-z0-9_-]+$", o->bk_org);
			identity_re = o->bk_buf;
		}
		if (n < 0 || (size_t)n >= sizeof o->bk_buf)
			return sg_diag_fail(d, SG_ERR_LIMIT, "--buildkite-org");
		issuer = BUILDKITE_ISSUER;
	}
	SG_TRY(sg_policy_init(p, identity, identity_re, issuer, issuer_re, d));
	const struct {
		unsigned n;
		const char *v;
	} ext[] = {
		{2, o->gh_trigger},
		{3, o->gh_sha},
		{4, o->gh_name},
		{5, o->gh_repository},
		{6, o->gh_ref},
		{13, o->source_digest},
		{20, o->build_trigger},
		{11, o->runner_env},
		{21, o->run_invocation},
	};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		SG_TRY(sg_policy_require_ext(p, ext[i].n, ext[i].v, d));
	return SG_OK;
}

/* see options.h */
int
sg_cli_parse_workers(const char *s, unsigned *out)
{
	*out = SG_CLI_DEFAULT_WORKERS;
	if (s != NULL) {
		unsigned long v = 0;
		size_t i = 0;
		for (; s[i] >= '0' && s[i] <= '9' && v <= 1000000; i++)
			v = v * 10 + (unsigned long)(s[i] - '0');
		if (i == 0 || s[i] != '\0' || v == 0 || v > 1000000)
			return sg_cli_usage_error("--max-workers: \"%s\" is not a positive number",
				s);
		*out = (unsigned)v;
	}
	if (*out > SG_MAX_WORKERS)
		*out = SG_MAX_WORKERS;
	return 0;
}

/* see options.h */
void
sg_cli_oidc_apply(const sg_cli_oidc *o, sg_cli_keyless_args *k)
{
	k->token_flag = o->token;
	k->disable_ambient = o->disable_ambient;
	k->provider = o->provider;
	k->oidc_issuer = o->issuer;
}
