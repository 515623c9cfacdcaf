/* registry: an OCI distribution (registry API v2) client (layer 6; protocol.md §2.5, §2.6,
 * distribution-spec "Pulling", "Pushing", "Error codes").
 *
 * What it does, in the order a request goes through it:
 *   1. ping: GET /v2/ once, without credentials. 200 means anonymous access; 401 carries the
 *      WWW-Authenticate challenge (wwwauth.h): Bearer (token flow) is preferred over Basic.
 *   2. auth: Basic sends "Authorization: Basic base64(user:password)" on every request to
 *      the registry. Bearer fetches a token per scope ("repository:<repo>:pull" for reads,
 *      "repository:<repo>:push,pull" for writes, as ggcr) from the realm with
 *      GET realm?scope=..&service=.. (Basic auth when credentials exist) or, with an identity
 *      (refresh) token, the OAuth2 POST form; "token", else "access_token", of the JSON reply
 *      is used and cached per scope. A 401 from the registry's own origin (token expired, or a
 *      challenge naming another scope) fetches a new token once and retries once; a 401 from
 *      a host a redirect led to is returned as is (its challenge never picks our realm).
 *   3. the request itself, with the full Accept list for manifests, Content-Type on uploads.
 *      Authorization goes only to the registry's own origin: an upload Location or a blob
 *      redirect to another host never sees it (http.c drops it across origins on redirects;
 *      this module does not add it to a first request elsewhere).
 *   4. checks: a manifest's bytes are hashed; by digest they must hash to that digest, and a
 *      Docker-Content-Digest header, when it names sha256, must agree with them (by tag too:
 *      a registry that says one digest and serves other bytes is refused). Blobs must have
 *      the expected size and digest.
 *   5. errors: a non-2xx answer becomes SG_ERR_OCI_AUTH (401/403), SG_ERR_OCI_NOT_FOUND (404)
 *      or SG_ERR_OCI_REGISTRY, with ggcr's message text: "<METHOD> <url>: <CODE>: <message>
 *      [; <detail>]" decoded from the {"errors":[...]} body, else "unexpected status code
 *      <n> <reason>[: <body>]".
 *
 * Plain http is used only when the caller allows it (--allow-http-registry); the token realm
 * is held to the same rule. Unverified TLS is a dialer setting (sg_net_opts.insecure_tls).
 *
 * Secrets (passwords, identity and bearer tokens, Authorization values) live in the arena and
 * in the registry struct; every buffer that held one is wiped right after use, and
 * sg_registry_close wipes the token cache. They never reach sg_diag.
 *
 * Memory: the struct itself plus, from the arena at init, the Authorization buffer and a
 * 64 KiB buffer for small answers (errors, token replies); bodies the caller keeps (manifests,
 * blobs) are allocated from the arena per call. */
#ifndef SG_REGISTRY_H
#define SG_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "oci/ociref.h"
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

typedef struct sg_registry_token {
	char scope[SG_REGISTRY_SCOPE_MAX + 1];
	uint8_t *token; /* SG_MAX_REGISTRY_TOKEN bytes from the arena */
	size_t len;
} sg_registry_token;

typedef struct sg_registry {
	sg_http_client *http;
	sg_arena *arena;
	sg_http_plain plain;
	char host[SG_OCI_REGISTRY_MAX + 1];  /* "localhost:5000" */
	char base[SG_REGISTRY_BASE_MAX + 1]; /* "https://localhost:5000" */
	size_t base_len;
	sg_registry_creds creds;
	/* what the ping found */
	int pinged;
	sg_auth_scheme scheme;
	char realm[SG_MAX_URL + 1];
	size_t realm_len;
	char service[SG_REGISTRY_SERVICE_MAX + 1];
	size_t service_len;
	int has_service;
	/* token cache */
	sg_registry_token tokens[SG_REGISTRY_MAX_SCOPES];
	size_t ntokens;
	/* scratch: the Authorization header value (secret) and small answers */
	uint8_t *authz;
	size_t authz_cap;
	uint8_t *small;
	size_t small_cap;
	/* counters, for tests */
	unsigned requests;
	unsigned token_fetches;
	unsigned pings;
} sg_registry;

/* Set up a client for registry `host` ("ghcr.io", "localhost:5000", "[::1]:5000") over `http`.
 * `allow_http` selects http:// (and allows an http:// token realm); otherwise https only.
 * `creds` may be NULL (anonymous); it is copied (the views, not the bytes). Scratch buffers
 * come from `arena`. Nothing is sent yet. Errors: SG_ERR_ARG (host too long or not a registry
 * name), SG_ERR_LIMIT (arena). */
SG_MUST_USE sg_err sg_registry_init(sg_registry *r, sg_http_client *http, const char *host,
	int allow_http, const sg_registry_creds *creds, sg_arena *arena, sg_diag *d);

/* Wipe the token cache and scratch buffers. The http client is the caller's to close. */
void sg_registry_close(sg_registry *r);

/* A manifest as fetched. */
typedef struct sg_registry_manifest {
	sg_slice body;        /* the exact bytes, in the arena */
	sg_slice media_type;  /* Content-Type without parameters, in the arena; may be empty */
	uint8_t digest[32];   /* sha256 of body */
} sg_registry_manifest;

/* GET /v2/<repo>/manifests/<reference> with Accept `accept` (SG_OCI_ACCEPT_ALL, ...). The
 * reference is a tag or "sha256:<hex>"; by digest the bytes must hash to it. Bodies up to
 * `max` bytes. Errors: SG_ERR_OCI_NOT_FOUND (404), SG_ERR_OCI_AUTH, SG_ERR_OCI_REGISTRY,
 * SG_ERR_OCI_DIGEST_MISMATCH, SG_ERR_HTTP_BODY_TOO_LARGE, network and TLS errors. `out` is
 * zeroed on failure. */
SG_MUST_USE sg_err sg_registry_get_manifest(sg_registry *r, const char *repo,
	const char *reference, const char *accept, size_t max, sg_registry_manifest *out,
	sg_diag *d);

/* HEAD the same; *exists = 0 on 404 (not an error). With *exists = 1, `digest` holds the
 * Docker-Content-Digest the registry announced (SG_ERR_OCI_REGISTRY when it sends none or a
 * malformed one). */
SG_MUST_USE sg_err sg_registry_head_manifest(sg_registry *r, const char *repo,
	const char *reference, const char *accept, int *exists, uint8_t digest[32], sg_diag *d);

/* The digest of `ref`: its own when it has one (no request, as ggcr), else the sha256 of the
 * manifest the tag names (GET with SG_OCI_ACCEPT_ALL). Errors as sg_registry_get_manifest. */
SG_MUST_USE sg_err sg_registry_resolve(sg_registry *r, const sg_ociref *ref, uint8_t digest[32],
	sg_diag *d);

/* GET /v2/<repo>/blobs/<digest> into the arena, following redirects (without the
 * registry's Authorization on another host). The blob must be exactly `size` bytes (at most
 * `max`) and hash to `digest`: SG_ERR_OCI_DIGEST_MISMATCH otherwise. */
SG_MUST_USE sg_err sg_registry_get_blob(sg_registry *r, const char *repo,
	const uint8_t digest[32], uint64_t size, size_t max, sg_slice *out, sg_diag *d);

/* HEAD /v2/<repo>/blobs/<digest>: *exists = 1 for 200, 0 for 404, an error otherwise. */
SG_MUST_USE sg_err sg_registry_blob_exists(sg_registry *r, const char *repo,
	const uint8_t digest[32], int *exists, sg_diag *d);

/* Upload `p[0..len)` as a blob unless HEAD says it exists: POST /v2/<repo>/blobs/uploads/,
 * then PUT <Location>[?&]digest=sha256:<hex> with the bytes (the monolithic "POST then PUT"
 * of the distribution spec; the Location keeps its query). *uploaded says which happened
 * (may be NULL). */
SG_MUST_USE sg_err sg_registry_put_blob(sg_registry *r, const char *repo, const uint8_t *p,
	size_t len, int *uploaded, sg_diag *d);

/* PUT /v2/<repo>/manifests/<reference> with Content-Type `media_type` and the bytes as given.
 * `digest` (may be NULL) receives their sha256; a Docker-Content-Digest answer must agree. */
SG_MUST_USE sg_err sg_registry_put_manifest(sg_registry *r, const char *repo,
	const char *reference, const char *media_type, const uint8_t *p, size_t len,
	uint8_t digest[32], sg_diag *d);

/* ---- pure helpers (fuzzed through fuzz_registry) ---- */

/* Decode a registry error body ({"errors":[{"code","message","detail"}]}) into ggcr's text:
 * "CODE: message" (with "; <detail>" when the detail is a string, or "; map[k:v ...]" for an
 * object of scalars, as Go's %v prints it), several joined as "multiple errors returned: a; b".
 * Returns 0 (and writes nothing) when the body is not such a document. Non-printable bytes
 * are written as '?'. Scratch from `arena` is handed back. out is NUL-terminated. */
size_t sg_registry_error_text(const uint8_t *body, size_t len, sg_arena *arena, char *out,
	size_t cap);

/* Parse a token endpoint reply: the "token" member, else "access_token"; it must be
 * non-empty, at most SG_MAX_REGISTRY_TOKEN bytes and made of visible ASCII (it goes into a
 * header). Copied into tok[0..cap). Errors: SG_ERR_OCI_AUTH, SG_ERR_JSON_*, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_registry_parse_token(const uint8_t *json, size_t len, sg_arena *arena,
	uint8_t *tok, size_t cap, size_t *tok_len, sg_diag *d);

/* ---- docker credential helpers ---- */

/* What a helper returned. Username "<token>" means Secret is an identity token. Views into
 * the helper's output (secret; the caller wipes it). */
typedef struct sg_cred_helper_reply {
	sg_slice username;
	sg_slice secret;
	int identity_token;
} sg_cred_helper_reply;

/* Parse the JSON a helper prints for "get": {"ServerURL":..,"Username":..,"Secret":..}.
 * Errors: SG_ERR_JSON_*, SG_ERR_OCI_AUTH (missing or empty Secret). */
SG_MUST_USE sg_err sg_cred_helper_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_cred_helper_reply *out, sg_diag *d);

/* Run `docker-credential-<helper> get` (found through PATH), write `server` to its standard
 * input, read at most SG_MAX_CRED_HELPER_OUTPUT bytes of standard output into out[0..cap).
 * The helper has `timeout_ms` (0: SG_CRED_HELPER_TIMEOUT_MS) to answer and exit, whether or
 * not it closed its output; then it is killed. *found = 0 when the helper answers
 * "credentials not found". The helper name must be [A-Za-z0-9._-]+. The output is the
 * caller's to wipe. Errors: SG_ERR_OCI_AUTH (cannot run, timeout, failure; its stderr is not
 * shown since it may echo secrets), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_cred_helper_run(sg_slice helper, sg_slice server, unsigned timeout_ms,
	uint8_t *out, size_t cap, size_t *out_len, int *found, sg_diag *d);

#endif
