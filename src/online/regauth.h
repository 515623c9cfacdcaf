/* regauth: authentication to an OCI registry (rank 7; protocol.md §2.6): the ping, the
 * WWW-Authenticate challenge, Basic credentials and the Bearer token flow with a per-scope
 * token cache. sg_registry (registry.h) owns one and asks it for the Authorization of each
 * request:
 *   1. ping: GET /v2/ once, without credentials. 200 means anonymous access; 401 carries the
 *      challenge (wwwauth.h): Bearer (token flow) is preferred over Basic.
 *   2. Basic sends "Authorization: Basic base64(user:password)". Bearer fetches a token per
 *      scope ("repository:<repo>:pull" for reads, "repository:<repo>:push,pull" for writes, as
 *      ggcr) from the realm with GET realm?scope=..&service=.. (Basic auth when credentials
 *      exist) or, with an identity (refresh) token, the OAuth2 POST form; "token", else
 *      "access_token", of the JSON reply is used and cached per scope.
 * Plain http is used for the realm only when the registry may use it too.
 *
 * Secrets live in the struct's buffers (from the arena) and in the caller's credential views;
 * sg_regauth_close wipes the cache. */
#ifndef SG_REGAUTH_H
#define SG_REGAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "oci/ociref.h"
#include "online/regerr.h"
#include "parse/wwwauth.h"
#include "sys/http.h"

/* Scopes whose tokens are cached at once: pull and push,pull of one repository, plus room. */
#define SG_REGISTRY_MAX_SCOPES 4u
/* "repository:" + repository + ":push,pull" */
#define SG_REGISTRY_SCOPE_MAX (SG_OCI_REPO_MAX + 24u)
/* The token service name (a host name in practice). */
#define SG_REGISTRY_SERVICE_MAX 512u
/* "https://" + registry + "/v2/" */
#define SG_REGISTRY_BASE_MAX (SG_OCI_REGISTRY_MAX + 16u)

typedef enum sg_registry_action {
	SG_REGISTRY_PULL = 0,
	SG_REGISTRY_PUSH = 1,
} sg_registry_action;

/* Credentials for one registry. All are secrets except the user name. The slices are views:
 * they must outlive the sg_registry, and the caller wipes them. */
typedef struct sg_registry_creds {
	sg_slice username;
	sg_slice password;
	sg_slice identity_token; /* an OAuth2 refresh token (docker config "identitytoken") */
	sg_slice registry_token; /* a bearer token sent as is ("registrytoken", --registry-token) */
} sg_registry_creds;

typedef struct sg_regauth_token {
	char scope[SG_REGISTRY_SCOPE_MAX + 1];
	uint8_t *token; /* SG_MAX_REGISTRY_TOKEN bytes from the arena */
	size_t len;
} sg_regauth_token;

/* The token cache: a client's own, or one the caller keeps for a host so the clients it opens
 * there one after another (one per image) reuse each other's tokens. */
typedef struct sg_regauth_tokens {
	sg_regauth_token t[SG_REGISTRY_MAX_SCOPES];
	size_t n;
} sg_regauth_tokens;

/* A registry's answer to the ping, kept so that another client of the same host takes it
 * instead of asking again (docs/performance.md, "Round trips"): the status (200 or 401; 0 when
 * nothing is kept) and the WWW-Authenticate values, which a registry sends one or two of,
 * about 80 bytes each. More, or longer, and nothing is kept. */
#define SG_REGAUTH_MEMO_CHALS 4u
#define SG_REGAUTH_MEMO_CAP 512u
typedef struct sg_regauth_memo {
	int status;
	uint8_t chal[SG_REGAUTH_MEMO_CAP];
	size_t chal_len[SG_REGAUTH_MEMO_CHALS];
	size_t n_chal;
} sg_regauth_memo;

typedef struct sg_regauth {
	sg_http_client *http;
	sg_arena *arena;
	sg_http_plain plain;
	char base[SG_REGISTRY_BASE_MAX + 1]; /* "https://localhost:5000", for the ping */
	size_t base_len;
	sg_registry_creds creds;
	/* what the ping found; `memo` (the caller's, may be NULL) receives the ping's answer */
	sg_regauth_memo *memo;
	int pinged;
	sg_auth_scheme scheme;
	char realm[SG_MAX_URL + 1];
	size_t realm_len;
	char service[SG_REGISTRY_SERVICE_MAX + 1];
	size_t service_len;
	int has_service;
	/* token cache: `own`, or the caller's (sg_regauth_share_tokens) */
	sg_regauth_tokens own;
	sg_regauth_tokens *tokens;
	/* scratch: the Authorization header value (secret) and small answers */
	uint8_t *authz;
	size_t authz_cap;
	uint8_t *small;
	size_t small_cap;
	/* counters, for tests: every request the registry client made (its own and these) */
	unsigned requests;
	unsigned token_fetches;
	unsigned pings;
} sg_regauth;

/* Set up authentication for the registry at `base` ("https://host:port") over `http`.
 * `creds` may be NULL (anonymous); it is copied (the views, not the bytes). Buffers come
 * from `arena`. Nothing is sent yet. Errors: SG_ERR_ARG, SG_ERR_LIMIT (arena). */
SG_MUST_USE sg_err sg_regauth_init(sg_regauth *a, sg_http_client *http, const char *base,
	sg_http_plain plain, const sg_registry_creds *creds, sg_arena *arena, sg_diag *d);
/* Wipe the client's own token cache and scratch buffers (a shared cache is its keeper's). */
void sg_regauth_close(sg_regauth *a);
/* A token cache for sg_regauth_share_tokens: buffers from `arena`, which must live as long as
 * the cache. Errors: SG_ERR_LIMIT (arena). */
SG_MUST_USE sg_err sg_regauth_tokens_init(sg_regauth_tokens *s, sg_arena *arena, sg_diag *d);
/* Wipe every token in `s` and empty it. */
void sg_regauth_tokens_wipe(sg_regauth_tokens *s);
/* Use `s` (kept by the caller for this client's host, with the same credentials, and used by
 * one thread) as this client's token cache from now on. */
void sg_regauth_share_tokens(sg_regauth *a, sg_regauth_tokens *s);

/* GET /v2/ without credentials and learn the challenge; sets a->pinged. Errors: network,
 * and the answer's sg_regerr_fail text for anything but 200 and 401. */
SG_MUST_USE sg_err sg_regauth_ping(sg_regauth *a, sg_diag *d);
/* Take `resp`, an answer to GET <base>/v2/ without credentials that the caller already has, as
 * the ping: a 200 or a 401 (its challenge learnt as sg_regauth_ping does) sets a->pinged and
 * *taken = 1; any other status leaves `a` unpinged (*taken = 0), for sg_regauth_ping to ask
 * and report. Counts no request. Errors: those of sg_regauth_learn. */
SG_MUST_USE sg_err sg_regauth_take_ping(sg_regauth *a, const sg_http_response *resp,
	int *taken, sg_diag *d);
/* Keep `resp` (an answer to GET /v2/ without credentials) in `m` when it is a 200 or 401 whose
 * challenges fit; else m->status = 0. */
void sg_regauth_memo_keep(sg_regauth_memo *m, const sg_http_response *resp);
/* Take the answer kept in `m` as the ping (sg_regauth_take_ping), when there is one; else let
 * the ping that `a` sends fill `m`. `m` must outlive `a`. Counts no request. */
SG_MUST_USE sg_err sg_regauth_memo_use(sg_regauth *a, sg_regauth_memo *m, sg_diag *d);
/* Parse every WWW-Authenticate header of `resp` and pick the challenge to answer. The chosen
 * challenge's realm and service are kept; its scope is copied into `scope_out` (may be
 * empty). *scheme is SG_AUTH_NONE when the answer carried no usable challenge. */
SG_MUST_USE sg_err sg_regauth_learn(sg_regauth *a, const sg_http_response *resp,
	sg_auth_scheme *scheme, char scope_out[SG_REGISTRY_SCOPE_MAX + 1], sg_diag *d);
/* Put the Authorization value for `scope` (and `extra`, a scope a challenge asked for, may be
 * empty) into a->authz[0..*len) (*len = 0: send none); `fresh` forces a new token. The value
 * is a secret: the caller wipes it after the request. */
SG_MUST_USE sg_err sg_regauth_authorize(sg_regauth *a, const char *scope, const char *extra,
	int fresh, size_t *len, sg_diag *d);
/* 1 when a user name or password was given. */
int sg_regauth_has_password(const sg_regauth *a);

/* Parse a token endpoint reply: the "token" member, else "access_token"; it must be
 * non-empty, at most SG_MAX_REGISTRY_TOKEN bytes and made of visible ASCII (it goes into a
 * header). Copied into tok[0..cap). Errors: SG_ERR_OCI_AUTH, SG_ERR_JSON_*, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_regauth_parse_token(const uint8_t *json, size_t len, sg_arena *arena,
	uint8_t *tok, size_t cap, size_t *tok_len, sg_diag *d);

#endif
