/* oidc: where the OIDC identity token comes from, and what the client reads from it (layer 6;
 * protocol.md §9).
 *
 * Token sources, in cosign's order (the first one that is enabled and answers wins; when an
 * enabled source fails the next one is tried, and the last failure is reported, as cosign's
 * providers.Provide does):
 *   1. --identity-token: the value itself when it has the shape of a JWS (three base64url
 *      segments), else the path of a file holding the token;
 *   then, unless ambient providers are disabled (--oidc-disable-ambient-providers):
 *   2. SIGSTORE_ID_TOKEN, enabled when set (even empty: an empty value is an error);
 *   3. Buildkite: with BUILDKITE_AGENT_ACCESS_TOKEN and BUILDKITE_JOB_ID set, the agent API
 *      POST <BUILDKITE_AGENT_ENDPOINT or https://agent.buildkite.com/v3>/jobs/<id>/oidc/tokens
 *      ({"audience":"sigstore"} -> {"token":...}, 200 only); else, inside a Buildkite job
 *      (BUILDKITE_JOB_ID set), `buildkite-agent oidc request-token --audience sigstore` when
 *      that program is on PATH;
 *   4. GitHub Actions: with ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN
 *      set, GET <url>&audience=sigstore with "Authorization: bearer <token>" -> {"value":...};
 *   5. the file /var/run/sigstore/cosign/oidc-token, enabled when it exists.
 * Whitespace around a token (the newline buildkite-agent prints) is removed.
 *
 * Secrets: the token, the Buildkite access token and the GitHub request token never reach a
 * diag, a message or an output; reply buffers that held a token are wiped. Messages say "the
 * identity token", never its value. */
#ifndef SG_OIDC_H
#define SG_OIDC_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "parse/jwt.h"
#include "sys/http.h"

/* The audience every public-good Sigstore issuer is configured with. */
#define SG_OIDC_AUDIENCE "sigstore"
/* cosign's filesystem provider. */
#define SG_OIDC_TOKEN_FILE "/var/run/sigstore/cosign/oidc-token"
#define SG_BUILDKITE_AGENT_ENDPOINT "https://agent.buildkite.com/v3"

/* ---- token sources ---- */

typedef enum sg_oidc_source {
	SG_OIDC_SRC_NONE = 0,
	SG_OIDC_SRC_FLAG,            /* --identity-token value */
	SG_OIDC_SRC_FLAG_FILE,       /* --identity-token naming a file */
	SG_OIDC_SRC_ENV,             /* SIGSTORE_ID_TOKEN */
	SG_OIDC_SRC_BUILDKITE_API,   /* the Buildkite agent API */
	SG_OIDC_SRC_BUILDKITE_AGENT, /* the buildkite-agent program */
	SG_OIDC_SRC_GITHUB,          /* GitHub Actions */
	SG_OIDC_SRC_FILE,            /* SG_OIDC_TOKEN_FILE */
} sg_oidc_source;

/* "SIGSTORE_ID_TOKEN", "Buildkite agent API", ... */
const char *sg_oidc_source_name(sg_oidc_source s);

/* The effects the sources need, so tests can script them. */
typedef struct sg_oidc_env {
	/* The value of environment variable `name`, NULL when unset. */
	const char *(*get_env)(void *ctx, const char *name);
	/* Read the whole file `path` into buf[0..cap). SG_ERR_NOT_FOUND when it does not exist,
	 * SG_ERR_LIMIT when it is larger than cap, SG_ERR_IO otherwise. */
	sg_err (*read_file)(void *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len,
		sg_diag *d);
	/* Run argv[0] (searched on PATH) with the arguments argv[1..] (NULL-terminated) and
	 * collect its standard output into buf[0..cap). SG_ERR_NOT_FOUND when the program is not
	 * on PATH; SG_ERR_OIDC_SOURCE when it fails (non-zero exit, time limit). */
	sg_err (*run)(void *ctx, const char *const *argv, uint8_t *buf, size_t cap, size_t *len,
		sg_diag *d);
	void *ctx;
	/* The HTTP client for the Buildkite and GitHub sources; NULL disables them. */
	sg_http_client *http;
	sg_http_plain plain;
	/* Scratch memory for replies. */
	sg_arena *arena;
	/* How long the real `run` lets a program take, output and exit included (0: 60 s). */
	unsigned run_limit_ms;
	/* --oidc-provider: only this ambient source, by cosign's provider name ("envvar",
	 * "buildkite-agent", "github-actions", "filesystem"); NULL tries them all. */
	const char *provider;
} sg_oidc_env;

/* The real effects: getenv(3), open(2)/read(2), posix_spawnp(3) with a pipe and a time limit:
 * 60 s, or the HTTP client's request deadline when that is shorter (--timeout). env->ctx is
 * env itself, so `env` must stay where it is while it is used. */
void sg_oidc_env_system(sg_oidc_env *env, sg_http_client *http, sg_arena *arena);

/* Find the token as described at the top. `flag` is --identity-token (NULL or "" when not
 * given); `disable_ambient` turns sources 2-5 off. The token (trimmed) goes to buf[0..cap)
 * (cap >= SG_MAX_JWT; the caller wipes buf) and *src says where it came from. Errors:
 * SG_ERR_OIDC_NONE (no source enabled), SG_ERR_OIDC_SOURCE (the enabled sources failed; the
 * detail names the last one and why), SG_ERR_LIMIT (a token larger than SG_MAX_JWT),
 * SG_ERR_USAGE (--identity-token neither a token nor a readable file). On failure *len is 0
 * and buf is wiped. */
SG_MUST_USE sg_err sg_oidc_get_token(const sg_oidc_env *env, const char *flag,
	int disable_ambient, uint8_t *buf, size_t cap, size_t *len, sg_oidc_source *src,
	sg_diag *d);

#endif
