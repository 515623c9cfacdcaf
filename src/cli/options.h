/* options: the flag rows several commands share, in cosign's spelling, with cosign's defaults
 * and the reasons picosign refuses the rest (rank 9). cosign groups its flags the same way
 * (cmd/cosign/cli/options: RootOptions, CertVerifyOptions, OIDCOptions, SecurityKeyOptions,
 * RegistryOptions...); a command's table is its own rows plus these macros, and every row also
 * reads COSIGN_<FLAG> (cli/env.c). The attest and verify-attestation commands reuse them.
 *
 * docs/cli.md carries the table of every cosign flag of sign, verify, sign-blob, verify-blob,
 * attest and verify-attestation with what picosign does with it, generated from the binary
 * (`picosign COMMAND --list-flags`, scripts/gen-cli-doc.sh). */
#ifndef SG_CLI_OPTIONS_H
#define SG_CLI_OPTIONS_H

#include <stddef.h>

#include "base/err.h"
#include "cli/cli.h"
#include "sigstore/policy.h"

/* Rows of a string flag and of a boolean flag without an alias (cli.h sg_cli_flag). */
#define SG_CLI_STR(name, v) {name, NULL, &(v), NULL, NULL, 0, NULL}
#define SG_CLI_BOOL(name, v) {name, NULL, NULL, &(v), NULL, 0, NULL}

/* ---- cosign's root flags (RootOptions), taken by every command ---- */
typedef struct sg_cli_common {
	const char *timeout;     /* -t, --timeout: a Go duration ("3m", cosign's default 3m0s) or
	                          * picosign's seconds ("30"); bounds each request */
	const char *output_file; /* --output-file: standard output goes to this file */
} sg_cli_common;
#define SG_CLI_COMMON_FLAG_ROWS(o) \
	{"--timeout", "-t", &(o).timeout, NULL, NULL, 0, NULL}, \
	SG_CLI_STR("--output-file", (o).output_file)
/* Apply the root flags that act at once: --output-file (standard output is replaced by the
 * file, created or truncated, as cosign does) and a syntax check of --timeout, so a bad value
 * fails before any work. Prints "Error: ..." and returns SG_EXIT_FAIL on failure. */
int sg_cli_common_apply(const sg_cli_common *o);

/* ---- who signed: cosign's CertVerifyOptions plus picosign's extension matchers ---- */
typedef struct sg_cli_identity {
	const char *identity, *identity_re, *issuer, *issuer_re;
	/* the deprecated GitHub extensions 1.2-1.6, exact (cosign) */
	const char *gh_trigger, *gh_sha, *gh_name, *gh_repository, *gh_ref;
	/* Buildkite: the pipeline URL SAN and the agent issuer (protocol.md §4.4) */
	const char *bk_org, *bk_pipeline;
	/* any CI issuer: Fulcio extensions 1.13, 1.20, 1.11, 1.21, exact */
	const char *source_digest, *build_trigger, *runner_env, *run_invocation;
	/* storage for the Buildkite identity built from the two flags */
	char bk_buf[600];
} sg_cli_identity;
#define SG_CLI_IDENTITY_FLAG_ROWS(o) \
	SG_CLI_STR("--certificate-identity", (o).identity), \
	SG_CLI_STR("--certificate-identity-regexp", (o).identity_re), \
	SG_CLI_STR("--certificate-oidc-issuer", (o).issuer), \
	SG_CLI_STR("--certificate-oidc-issuer-regexp", (o).issuer_re), \
	SG_CLI_STR("--certificate-github-workflow-trigger", (o).gh_trigger), \
	SG_CLI_STR("--certificate-github-workflow-sha", (o).gh_sha), \
	SG_CLI_STR("--certificate-github-workflow-name", (o).gh_name), \
	SG_CLI_STR("--certificate-github-workflow-repository", (o).gh_repository), \
	SG_CLI_STR("--certificate-github-workflow-ref", (o).gh_ref), \
	SG_CLI_STR("--buildkite-org", (o).bk_org), \
	SG_CLI_STR("--buildkite-pipeline", (o).bk_pipeline), \
	SG_CLI_STR("--certificate-source-repository-digest", (o).source_digest), \
	SG_CLI_STR("--certificate-build-trigger", (o).build_trigger), \
	SG_CLI_STR("--certificate-runner-environment", (o).runner_env), \
	SG_CLI_STR("--certificate-run-invocation-uri", (o).run_invocation)
/* 1 when any identity flag was given (--key excludes them). */
int sg_cli_identity_given(const sg_cli_identity *o);
/* Build the policy: SAN and issuer (exact or regexp, sigstore/policy.h), where
 * --buildkite-org ORG [--buildkite-pipeline P] stands for the identity
 * https://buildkite.com/ORG/P (ORG alone: any pipeline of ORG) and the issuer
 * https://agent.buildkite.com; then the extension matchers. Errors: SG_ERR_USAGE for a
 * Buildkite flag combined with another identity or issuer flag, or --buildkite-pipeline
 * without --buildkite-org; those of sg_policy_init and sg_policy_require_ext. */
SG_MUST_USE sg_err sg_cli_identity_policy(sg_cli_identity *o, sg_policy *p, sg_diag *d);

/* ---- the OIDC token of keyless signing: cosign's OIDCOptions ---- */
typedef struct sg_cli_oidc {
	const char *token;    /* --identity-token */
	const char *provider; /* --oidc-provider: one ambient source only */
	const char *issuer;   /* --oidc-issuer: cosign's interactive flows only; compared */
	int disable_ambient;  /* --oidc-disable-ambient-providers */
} sg_cli_oidc;
#define SG_CLI_OIDC_FLAG_ROWS(o) \
	SG_CLI_STR("--identity-token", (o).token), \
	SG_CLI_STR("--oidc-provider", (o).provider), \
	SG_CLI_STR("--oidc-issuer", (o).issuer), \
	SG_CLI_BOOL("--oidc-disable-ambient-providers", (o).disable_ambient)
/* Hand the OIDC flags to a keyless session's arguments (cli.h sg_cli_keyless_args). */
void sg_cli_oidc_apply(const sg_cli_oidc *o, sg_cli_keyless_args *k);

/* ---- --max-workers ---- */
/* cosign's default. */
#define SG_CLI_DEFAULT_WORKERS 10u
/* Parse --max-workers (a positive decimal integer; NULL: the default) into *out, lowered to
 * SG_MAX_WORKERS. Prints "Error: ..." and returns SG_EXIT_FAIL when malformed. */
int sg_cli_parse_workers(const char *s, unsigned *out);

#endif
