/* registry: an OCI distribution (registry API v2) client (rank 7; protocol.md §2.5, §2.6,
 * distribution-spec "Pulling", "Pushing", "Error codes").
 *
 * What it does, in the order a request goes through it:
 *   1. ping and 2. auth (regauth.h): GET /v2/ once, then Basic or a Bearer token per scope.
 *      A 401 from the registry's own origin (token expired, or a
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
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/regauth.h"
#include "sys/http.h"

typedef struct sg_registry {
	sg_http_client *http;
	sg_arena *arena;
	sg_http_plain plain;
	char host[SG_OCI_REGISTRY_MAX + 1];  /* "localhost:5000" */
	char base[SG_REGISTRY_BASE_MAX + 1]; /* "https://localhost:5000" */
	size_t base_len;
	sg_regauth auth;                     /* credentials, challenge, tokens, counters */
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
/* The ping's answer for this registry's host, kept by the caller across clients (one per
 * image): a kept answer is taken as this client's ping, so its first request does not ask
 * again; with none kept, this client's own ping fills `m` (which must outlive `r`). Errors: a
 * kept challenge sg_regauth_learn refuses. */
SG_MUST_USE sg_err sg_registry_use_memo(sg_registry *r, sg_regauth_memo *m, sg_diag *d);
/* Use the token cache `s`, kept by the caller for this registry's host and credentials (one
 * thread), instead of this client's own: clients opened one after another reuse each other's
 * tokens. The caller wipes `s` (sg_regauth_tokens_wipe) when it is done with the host. */
void sg_registry_share_tokens(sg_registry *r, sg_regauth_tokens *s);

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

/* HEAD `reference` (a digest) for the descriptor of the manifest there, as ggcr's
 * headManifest takes it (cosign-v3.md §1.7): media type from Content-Type (without
 * parameters), size from Content-Length and Docker-Content-Digest, all three required, the
 * digest equal to the one asked for. The media type lives in the arena. Errors: those of a
 * HEAD (SG_ERR_OCI_NOT_FOUND for 404), SG_ERR_OCI_REGISTRY (a header missing or malformed),
 * SG_ERR_OCI_DIGEST_MISMATCH. */
SG_MUST_USE sg_err sg_registry_head_descriptor(sg_registry *r, const char *repo,
	const uint8_t digest[32], sg_oci_desc *out, sg_diag *d);

/* One page of the OCI 1.1 referrers API (distribution-spec "Listing Referrers"). */
typedef struct sg_registry_referrers {
	int supported;        /* 200 with Content-Type application/vnd.oci.image.index.v1+json */
	sg_slice body;        /* the index (arena), when supported */
	uint8_t digest[32];   /* its sha256 */
	sg_slice next;        /* the Link rel="next" URL, absolute and on the registry (arena);
			       * empty when none */
} sg_registry_referrers;

/* GET /v2/<repo>/referrers/sha256:<hex> (or the `next` URL of a previous page, which must be
 * on the registry's origin) with Accept: the OCI index type, no artifactType filter (cosign
 * sends none). A 200 with the index type is an answer; a 404, 400 or 406, or a 200 of another
 * type, means the registry has no referrers API (supported = 0, SG_OK), as ggcr decides it.
 * Any other answer fails, named as ggcr names a failed request ("GET <url>: TOOMANYREQUESTS:
 * ..."): a throttled, broken or refused lookup is never "no referrers". Bodies up to `max`
 * bytes. */
SG_MUST_USE sg_err sg_registry_get_referrers(sg_registry *r, const char *repo,
	const uint8_t digest[32], sg_slice next, size_t max, sg_registry_referrers *out,
	sg_diag *d);

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
 * `digest` (may be NULL) receives their sha256; a Docker-Content-Digest answer must agree. A
 * 400 MANIFEST_BLOB_UNKNOWN is sent again under the client's retry policy (announced): callers
 * upload what the manifest names first, so the registry has not settled yet (registry.c). */
SG_MUST_USE sg_err sg_registry_put_manifest(sg_registry *r, const char *repo,
	const char *reference, const char *media_type, const uint8_t *p, size_t len,
	uint8_t digest[32], sg_diag *d);

#endif
