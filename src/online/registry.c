/* registry: OCI registry API v2 client. See registry.h.
 *
 * Implementation notes
 * - Sources: distribution-spec (pull, push, error codes), protocol.md §2.5 (ggcr's request
 *   order and Accept lists) and §2.6 (auth: ping, Basic, the Bearer token flow, scopes), the
 *   docker credential-helper protocol ("get": server URL on stdin, JSON on stdout).
 * - One request path (reg_do): ping once, add the Authorization for the request's scope when
 *   the URL is the registry's own origin, send, and on a 401 learn the challenge, fetch a new
 *   token and retry exactly once. Everything that held a secret is wiped right after use.
 * - Bodies are read into arena buffers of the largest size allowed; the unused tail is handed
 *   back to the arena at once (the buffer is always the last allocation), so a 4 MiB cap costs
 *   only what was received.
 * - Error texts follow ggcr's transport.Error (regerr.c) so messages read like cosign's;
 *   authentication is regauth.c, credential helpers credhelper.c. */
#include "online/registry.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "oci/manifest.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/url.h"
#include "sys/retry.h"

/* Room for a request URL: base, repository, a tag or digest, and an upload Location. */
#define URL_CAP (SG_MAX_URL + 1u)

/* ---- small helpers ---- */

static void
scope_of(const char *repo, sg_registry_action action, char out[SG_REGISTRY_SCOPE_MAX + 1])
{
	sg_buf b;
	sg_buf_init(&b, out, SG_REGISTRY_SCOPE_MAX);
	sg_buf_puts(&b, "repository:");
	sg_buf_puts(&b, repo);
	sg_buf_puts(&b, action == SG_REGISTRY_PUSH ? ":push,pull" : ":pull");
	out[sg_buf_status(&b) == SG_OK ? b.len : 0] = '\0';
}

/* ---- init / close ---- */

/* see registry.h */
sg_err
sg_registry_init(sg_registry *r, sg_http_client *http, const char *host, int allow_http,
	const sg_registry_creds *creds, sg_arena *arena, sg_diag *d)
{
	memset(r, 0, sizeof *r);
	size_t n = strlen(host);
	if (n == 0 || n > SG_OCI_REGISTRY_MAX)
		return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)host[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' ||
			c == ']' || c == '_';
		if (!ok)
			return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	}
	memcpy(r->host, host, n + 1);
	sg_buf b;
	sg_buf_init(&b, r->base, SG_REGISTRY_BASE_MAX);
	sg_buf_puts(&b, allow_http ? "http://" : "https://");
	sg_buf_puts(&b, host);
	if (sg_buf_status(&b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_ARG, "registry host");
	r->base_len = b.len;
	r->base[b.len] = '\0';
	r->http = http;
	r->arena = arena;
	r->plain = allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_DENY;
	return sg_regauth_init(&r->auth, http, r->base, r->plain, creds, arena, d);
}

/* see registry.h */
void
sg_registry_close(sg_registry *r)
{
	sg_regauth_close(&r->auth);
}

struct req {
	const char *method;
	const char *repo;       /* the scope's repository; NULL for the ping */
	sg_registry_action action;
	sg_slice url;
	const char *accept;
	const char *content_type;
	sg_slice body;
	uint8_t *resp;          /* body buffer */
	size_t resp_cap;
	sg_http_replay replay;  /* retries (sys/http.h) */
};

/* A request with nothing set but its method and the scope it needs. */
static void
req_init(struct req *q, const char *method, const char *repo, sg_registry_action action)
{
	memset(q, 0, sizeof *q);
	q->method = method;
	q->repo = repo;
	q->action = action;
}

/* 1 when `url` has the registry's scheme, host and port. */
static int
is_registry_origin(const sg_registry *r, sg_slice url)
{
	sg_url a, b;
	if (sg_url_parse(url.p, url.len, &a, NULL) != SG_OK ||
		sg_url_parse((const uint8_t *)r->base, r->base_len, &b, NULL) != SG_OK)
		return 0;
	return sg_url_same_origin(&a, &b);
}

/* see registry.h */
sg_err
sg_registry_use_memo(sg_registry *r, sg_regauth_memo *m, sg_diag *d)
{
	return sg_regauth_memo_use(&r->auth, m, d);
}

/* see registry.h */
void
sg_registry_share_tokens(sg_registry *r, sg_regauth_tokens *s)
{
	sg_regauth_share_tokens(&r->auth, s);
}

/* One request with auth: ping first, Authorization for the scope, one retry after a 401. */
SG_MUST_USE static sg_err
reg_do(sg_registry *r, const struct req *q, sg_http_response *resp, sg_diag *d)
{
	if (!r->auth.pinged)
		SG_TRY(sg_regauth_ping(&r->auth, d));
	char scope[SG_REGISTRY_SCOPE_MAX + 1] = "";
	char extra[SG_REGISTRY_SCOPE_MAX + 1] = "";
	if (q->repo != NULL)
		scope_of(q->repo, q->action, scope);
	int own = is_registry_origin(r, q->url);
	for (int attempt = 0;; attempt++) {
		size_t authz_len = 0;
		if (own && q->repo != NULL)
			SG_TRY(sg_regauth_authorize(&r->auth, scope, extra, attempt > 0, &authz_len, d));
		sg_http_header hdr[3];
		size_t nh = 0;
		if (q->accept != NULL) {
			hdr[nh].name = sg_slice_str("Accept");
			hdr[nh++].value = sg_slice_str(q->accept);
		}
		if (q->content_type != NULL) {
			hdr[nh].name = sg_slice_str("Content-Type");
			hdr[nh++].value = sg_slice_str(q->content_type);
		}
		if (authz_len > 0) {
			hdr[nh].name = sg_slice_str("Authorization");
			hdr[nh++].value = sg_slice_make(r->auth.authz, authz_len);
		}
		sg_http_request req;
		memset(&req, 0, sizeof req);
		req.method = q->method;
		req.url = q->url;
		req.headers = hdr;
		req.num_headers = nh;
		req.body = q->body;
		req.plain = r->plain;
		req.replay = q->replay;
		r->auth.requests++;
		sg_err err = sg_http_do(r->http, &req, q->resp, q->resp_cap, resp, d);
		sg_wipe(r->auth.authz, authz_len);
		if (err != SG_OK)
			return err;
		if (resp->status != 401 || attempt > 0 || !own || q->repo == NULL)
			return SG_OK;
		/* A 401 from another origin (a blob redirect to a storage host) is that host's
		 * answer: its challenge must not choose the realm our password is sent to, nor
		 * the scope of our next token (ggcr never takes a realm from a later challenge). */
		if (!is_registry_origin(r, resp->final_url))
			return SG_OK;
		/* 401: the token expired, the registry wants another scope, or auth is needed
		 * beyond the ping. Learn the challenge and try once more when that can help. */
		sg_auth_scheme before = r->auth.scheme, now;
		SG_TRY(sg_regauth_learn(&r->auth, resp, &now, extra, d));
		if (strcmp(extra, scope) == 0)
			extra[0] = '\0';
		int retry = 0;
		if (now == SG_AUTH_BEARER && r->auth.creds.registry_token.len == 0)
			retry = 1;
		else if (now == SG_AUTH_BASIC && sg_regauth_has_password(&r->auth) && before != SG_AUTH_BASIC)
			retry = 1;
		if (now != SG_AUTH_NONE)
			r->auth.scheme = now;
		if (!retry)
			return SG_OK;
	}
}

/* ---- URLs ---- */

SG_MUST_USE static sg_err
api_url(const sg_registry *r, const char *repo, const char *kind, const char *ref, uint8_t *buf,
	size_t cap, sg_slice *out, sg_diag *d)
{
	sg_buf b;
	sg_buf_init(&b, buf, cap);
	sg_buf_put(&b, r->base, r->base_len);
	sg_buf_puts(&b, "/v2/");
	sg_buf_puts(&b, repo);
	sg_buf_putc(&b, '/');
	sg_buf_puts(&b, kind);
	sg_buf_putc(&b, '/');
	sg_buf_puts(&b, ref);
	if (sg_buf_status(&b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "registry URL");
	*out = sg_buf_slice(&b);
	return SG_OK;
}

/* The repository and reference come from sg_ociref (validated); still refuse anything that
 * could change the URL's shape, since callers may pass other strings. */
SG_MUST_USE static sg_err
check_name(const char *s, int allow_colon_slash, sg_diag *d)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > SG_OCI_REPO_MAX + 8)
		return sg_diag_fail(d, SG_ERR_ARG, "repository or reference");
	for (const char *c = s; *c != '\0'; c++) {
		uint8_t ch = (uint8_t)*c;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
			(allow_colon_slash && (ch == ':' || ch == '/'));
		if (!ok)
			return sg_diag_fail(d, SG_ERR_ARG, "repository or reference");
	}
	return SG_OK;
}

/* Check a Docker-Content-Digest header against `want` when it names sha256. */
SG_MUST_USE static sg_err
check_dcd(const sg_http_response *resp, const uint8_t want[32], const char *what, sg_diag *d)
{
	sg_slice v;
	if (!sg_http_header_get(&resp->head, "Docker-Content-Digest", &v))
		return SG_OK;
	if (v.len < 7 || memcmp(v.p, "sha256:", 7) != 0)
		return SG_OK; /* another algorithm: nothing we can compare */
	uint8_t got[32];
	sg_diag scratch;
	sg_diag_init(&scratch, NULL);
	if (sg_oci_digest_parse(v.p, v.len, "Docker-Content-Digest", got, &scratch) != SG_OK)
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, what,
			"malformed Docker-Content-Digest header");
	if (!sg_ct_equal(got, want, 32)) {
		char a[SG_OCI_DIGEST_STR_LEN + 1], b[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(got, a);
		sg_oci_digest_format(want, b);
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, what,
			"Docker-Content-Digest says %s but the content hashes to %s", a, b);
	}
	return SG_OK;
}

/* ---- the request shapes every operation uses ---- */

/* Send `q` with a body buffer of `cap` bytes from the arena; any answer but a 2xx fails. On
 * failure the buffer goes back to the arena; on success it is q->resp (the caller trims it). */
SG_MUST_USE static sg_err
reg_get(sg_registry *r, struct req *q, size_t cap, sg_http_response *resp, sg_diag *d)
{
	size_t mark = sg_arena_mark(r->arena);
	uint8_t *buf = sg_arena_alloc_uninit(r->arena, cap);
	if (buf == NULL && cap > 0)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	q->resp = buf;
	q->resp_cap = cap;
	sg_err err = reg_do(r, q, resp, d);
	if (err == SG_OK && (resp->status < 200 || resp->status > 299))
		err = sg_regerr_fail(q->method, q->url, resp, r->arena, d);
	if (err != SG_OK)
		sg_arena_release(r->arena, mark);
	return err;
}

/* HEAD <repo>/<kind>/<ref>: *exists = 0 on a 404 and 1 on a 2xx; any other answer fails.
 * The answer's headers stay readable in *resp until the next request. */
SG_MUST_USE static sg_err
reg_head(sg_registry *r, const char *repo, const char *kind, const char *ref,
	sg_registry_action act, const char *accept, int *exists, sg_http_response *resp, sg_diag *d)
{
	uint8_t url[URL_CAP];
	struct req q;
	*exists = 0;
	req_init(&q, "HEAD", repo, act);
	q.accept = accept;
	SG_TRY(api_url(r, repo, kind, ref, url, sizeof url, &q.url, d));
	SG_TRY(reg_do(r, &q, resp, d));
	if (resp->status == 404)
		return SG_OK;
	if (resp->status < 200 || resp->status > 299)
		return sg_regerr_fail(q.method, q.url, resp, r->arena, d);
	*exists = 1;
	return SG_OK;
}

/* Send the upload `q` (its answer body goes to r->auth.small) and accept 200, 201 or `also_ok`;
 * a Docker-Content-Digest in the answer must name `digest`. */
SG_MUST_USE static sg_err
reg_upload(sg_registry *r, struct req *q, int also_ok, const uint8_t digest[32], const char *what,
	sg_diag *d)
{
	q->resp = r->auth.small;
	q->resp_cap = r->auth.small_cap;
	sg_http_response resp;
	SG_TRY(reg_do(r, q, &resp, d));
	if (resp.status != 201 && resp.status != 200 && resp.status != also_ok)
		return sg_regerr_fail(q->method, q->url, &resp, r->arena, d);
	return check_dcd(&resp, digest, what, d);
}

/* ---- manifests ---- */

/* see registry.h */
sg_err
sg_registry_get_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *accept, size_t max, sg_registry_manifest *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	int by_digest = strncmp(reference, "sha256:", 7) == 0;
	uint8_t want[32];
	if (by_digest)
		SG_TRY(sg_oci_digest_parse((const uint8_t *)reference, strlen(reference),
			"manifest reference", want, d));
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "GET", repo, SG_REGISTRY_PULL);
	q.accept = accept;
	SG_TRY(api_url(r, repo, "manifests", reference, url, sizeof url, &q.url, d));
	size_t mark = sg_arena_mark(r->arena);
	sg_http_response resp;
	SG_TRY(reg_get(r, &q, max, &resp, d));
	sg_err err;
	sg_oci_digest_of(resp.body, resp.body_len, out->digest);
	if (by_digest && !sg_ct_equal(out->digest, want, 32)) {
		char got[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(out->digest, got);
		err = sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, "manifest",
			"manifest digest %s does not match requested digest %s", got, reference);
		goto fail;
	}
	if ((err = check_dcd(&resp, out->digest, "manifest", d)) != SG_OK)
		goto fail;
	size_t body_len = resp.body_len;
	sg_slice ct = {NULL, 0};
	(void)sg_http_header_get(&resp.head, "Content-Type", &ct);
	size_t ct_len = 0;
	while (ct_len < ct.len && ct.p[ct_len] != ';' && ct.p[ct_len] != ' ')
		ct_len++;
	sg_arena_trim(r->arena, q.resp, body_len);
	out->body = sg_slice_make(q.resp, body_len);
	if (ct_len > 0 && ct_len <= 256) {
		uint8_t *m = sg_arena_alloc(r->arena, ct_len);
		if (m == NULL) {
			err = sg_diag_fail(d, SG_ERR_LIMIT, "arena");
			goto fail;
		}
		memcpy(m, ct.p, ct_len);
		out->media_type = sg_slice_make(m, ct_len);
	}
	return SG_OK;
fail:
	sg_arena_release(r->arena, mark);
	memset(out, 0, sizeof *out);
	return err;
}

/* see registry.h */
sg_err
sg_registry_head_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *accept, int *exists, uint8_t digest[32], sg_diag *d)
{
	*exists = 0;
	memset(digest, 0, 32);
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	int found;
	sg_http_response resp;
	SG_TRY(reg_head(r, repo, "manifests", reference, SG_REGISTRY_PULL, accept, &found, &resp,
		d));
	if (!found)
		return SG_OK;
	sg_slice v;
	if (!sg_http_header_get(&resp.head, "Docker-Content-Digest", &v))
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "manifest HEAD",
			"the registry sent no Docker-Content-Digest");
	SG_TRY(sg_oci_digest_parse(v.p, v.len, "Docker-Content-Digest", digest, d));
	*exists = 1;
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_resolve(sg_registry *r, const sg_ociref *ref, uint8_t digest[32], sg_diag *d)
{
	if (ref->has_digest) {
		memcpy(digest, ref->digest, 32);
		return SG_OK;
	}
	size_t mark = sg_arena_mark(r->arena);
	sg_registry_manifest m;
	sg_err err = sg_registry_get_manifest(r, ref->repository, ref->tag, SG_OCI_ACCEPT_ALL,
		SG_MAX_JSON, &m, d);
	if (err == SG_OK)
		memcpy(digest, m.digest, 32);
	sg_arena_release(r->arena, mark);
	return err;
}

/* ---- blobs ---- */

SG_MUST_USE static sg_err
blob_head(sg_registry *r, const char *repo, const uint8_t digest[32], sg_registry_action act,
	int *exists, sg_diag *d)
{
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	*exists = 0;
	SG_TRY(check_name(repo, 1, d));
	sg_oci_digest_format(digest, ds);
	sg_http_response resp;
	return reg_head(r, repo, "blobs", ds, act, NULL, exists, &resp, d);
}

/* see registry.h */
sg_err
sg_registry_blob_exists(sg_registry *r, const char *repo, const uint8_t digest[32], int *exists,
	sg_diag *d)
{
	return blob_head(r, repo, digest, SG_REGISTRY_PULL, exists, d);
}

/* see registry.h */
sg_err
sg_registry_get_blob(sg_registry *r, const char *repo, const uint8_t digest[32], uint64_t size,
	size_t max, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	SG_TRY(check_name(repo, 1, d));
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	if (size > (uint64_t)max)
		return sg_diag_failf(d, SG_ERR_LIMIT, "blob", "%s is %llu bytes, above the limit of "
			"%zu", ds, (unsigned long long)size, max);
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "GET", repo, SG_REGISTRY_PULL);
	SG_TRY(api_url(r, repo, "blobs", ds, url, sizeof url, &q.url, d));
	/* Room for an error body too, so a 404 reads as the registry's message. */
	size_t cap = (size_t)size < 4096 ? 4096 : (size_t)size;
	size_t mark = sg_arena_mark(r->arena);
	sg_http_response resp;
	SG_TRY(reg_get(r, &q, cap, &resp, d));
	uint8_t got[32];
	sg_oci_digest_of(resp.body, resp.body_len, got);
	if (resp.body_len != size || !sg_ct_equal(got, digest, 32)) {
		sg_arena_release(r->arena, mark);
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, "blob",
			"%s: received %zu bytes that do not match the expected size %llu and digest",
			ds, resp.body_len, (unsigned long long)size);
	}
	sg_arena_trim(r->arena, q.resp, resp.body_len);
	*out = sg_slice_make(q.resp, resp.body_len);
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_put_blob(sg_registry *r, const char *repo, const uint8_t *p, size_t len,
	int *uploaded, sg_diag *d)
{
	uint8_t digest[32];
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	int exists;
	if (uploaded != NULL)
		*uploaded = 0;
	sg_oci_digest_of(p, len, digest);
	sg_oci_digest_format(digest, ds);
	SG_TRY(blob_head(r, repo, digest, SG_REGISTRY_PUSH, &exists, d));
	if (exists)
		return SG_OK;

	/* POST /v2/<repo>/blobs/uploads/ -> 202 + Location */
	uint8_t url[URL_CAP], loc[URL_CAP];
	struct req q;
	req_init(&q, "POST", repo, SG_REGISTRY_PUSH);
	q.resp = r->auth.small;
	q.resp_cap = r->auth.small_cap;
	/* A second POST opens a second upload session; the first one, if it was opened, is
	 * abandoned and purged by the registry. Nothing becomes visible either way. */
	q.replay = SG_HTTP_REPLAY_SAFE;
	SG_TRY(api_url(r, repo, "blobs", "uploads/", url, sizeof url, &q.url, d));
	sg_http_response resp;
	SG_TRY(reg_do(r, &q, &resp, d));
	if (resp.status == 201) {
		/* Created already (a mount or a single-POST upload). */
		if (uploaded != NULL)
			*uploaded = 1;
		return SG_OK;
	}
	if (resp.status != 202)
		return sg_regerr_fail(q.method, q.url, &resp, r->arena, d);
	sg_slice lv;
	if (!sg_http_header_get(&resp.head, "Location", &lv))
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "blob upload",
			"POST %.*s answered 202 without a Location", (int)q.url.len,
			(const char *)q.url.p);
	/* The Location may be relative; it may carry a query (e.g. "?_state=") to keep. */
	sg_url base;
	SG_TRY(sg_url_parse(q.url.p, q.url.len, &base, d));
	sg_buf lb;
	sg_buf_init(&lb, loc, sizeof loc - 1);
	SG_TRY(sg_url_resolve(&base, lv.p, lv.len, &lb, d));
	sg_url lu;
	SG_TRY(sg_url_parse(lb.p, lb.len, &lu, d));
	sg_buf_putc(&lb, lu.has_query ? '&' : '?');
	sg_buf_puts(&lb, "digest=");
	sg_url_put_query_escaped(&lb, (const uint8_t *)ds, strlen(ds));
	if (sg_buf_status(&lb) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "upload URL");

	/* PUT <Location>&digest=... with the bytes -> 201 */
	req_init(&q, "PUT", repo, SG_REGISTRY_PUSH);
	q.url = sg_buf_slice(&lb);
	q.content_type = "application/octet-stream";
	q.body = sg_slice_make(p, len);
	sg_diag ud;
	sg_diag_init(&ud, d != NULL ? d->source : NULL);
	sg_err err = reg_upload(r, &q, 204, digest, "blob upload", &ud);
	/* A PUT sent again after its answer was lost finds the session closed (404
	 * BLOB_UPLOAD_UNKNOWN) when the first one completed it: the blob is then there. */
	if (err != SG_OK && (blob_head(r, repo, digest, SG_REGISTRY_PUSH, &exists, NULL) != SG_OK ||
		!exists)) {
		if (d != NULL && d->code == SG_OK)
			*d = ud;
		return err;
	}
	if (uploaded != NULL)
		*uploaded = 1;
	return SG_OK;
}

/* 1 when an error answer carries the distribution spec's MANIFEST_BLOB_UNKNOWN code. */
static int
names_blob_unknown(const sg_http_response *resp)
{
	static const char code[] = "\"MANIFEST_BLOB_UNKNOWN\"";
	size_t n = sizeof code - 1;
	for (size_t i = 0; i + n <= resp->body_len; i++)
		if (memcmp(resp->body + i, code, n) == 0)
			return 1;
	return 0;
}

/* see registry.h */
sg_err
sg_registry_put_manifest(sg_registry *r, const char *repo, const char *reference,
	const char *media_type, const uint8_t *p, size_t len, uint8_t digest[32], sg_diag *d)
{
	uint8_t dg[32];
	SG_TRY(check_name(repo, 1, d));
	SG_TRY(check_name(reference, 1, d));
	sg_oci_digest_of(p, len, dg);
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "PUT", repo, SG_REGISTRY_PUSH);
	q.content_type = media_type;
	q.body = sg_slice_make(p, len);
	SG_TRY(api_url(r, repo, "manifests", reference, url, sizeof url, &q.url, d));
	q.resp = r->auth.small;
	q.resp_cap = r->auth.small_cap;
	sg_retry *p_retry = r->http->retry;
	for (unsigned retry = 1;; retry++) {
		sg_http_response resp;
		SG_TRY(reg_do(r, &q, &resp, d));
		if (resp.status == 201 || resp.status == 200 || resp.status == 202) {
			SG_TRY(check_dcd(&resp, dg, "manifest upload", d));
			break;
		}
		/* Every manifest picosign pushes follows the upload of what it names, so "blob
		 * unknown" is a registry that has not settled: docker-registry 2.8 rewrites a
		 * repository's blob link in place (truncate, then write) when two clients upload
		 * the same blob at once (the empty config of every v3 referrer), and a manifest
		 * check reading the link in between finds none. Sent again under the retry
		 * policy (announced); a blob that is really missing still fails, later. */
		char name[SG_MAX_URL / 4];
		snprintf(name, sizeof name, "PUT %.*s", (int)q.url.len, (const char *)q.url.p);
		if (resp.status != 400 || p_retry == NULL || !names_blob_unknown(&resp) ||
			!sg_retry_pause(p_retry, retry, p_retry->max_retries,
				r->http->dialer->now_ms(r->http->dialer), 0, name,
				"400 MANIFEST_BLOB_UNKNOWN right after the blob upload"))
			return sg_regerr_fail(q.method, q.url, &resp, r->arena, d);
	}
	if (digest != NULL)
		memcpy(digest, dg, 32);
	return SG_OK;
}

/* ---- OCI 1.1: subject descriptors and the referrers API ---- */

/* Content-Type without parameters, copied into the arena (NULL slice when absent). */
SG_MUST_USE static sg_err
media_type_of(sg_registry *r, const sg_http_response *resp, sg_slice *out, sg_diag *d)
{
	sg_slice ct = {NULL, 0};
	*out = ct;
	if (!sg_http_header_get(&resp->head, "Content-Type", &ct))
		return SG_OK;
	size_t n = 0;
	while (n < ct.len && ct.p[n] != ';' && ct.p[n] != ' ')
		n++;
	if (n == 0 || n > 256)
		return SG_OK;
	uint8_t *m;
	SG_TRY(sg_arena_get(r->arena, n, (void **)&m, d));
	memcpy(m, ct.p, n);
	*out = sg_slice_make(m, n);
	return SG_OK;
}

/* see registry.h */
sg_err
sg_registry_head_descriptor(sg_registry *r, const char *repo, const uint8_t digest[32],
	sg_oci_desc *out, sg_diag *d)
{
	static const char what[] = "manifest HEAD";
	memset(out, 0, sizeof *out);
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	SG_TRY(check_name(repo, 1, d));
	int found;
	sg_http_response resp;
	SG_TRY(reg_head(r, repo, "manifests", ds, SG_REGISTRY_PULL, SG_OCI_ACCEPT_ALL, &found,
		&resp, d));
	if (!found)
		return sg_diag_failf(d, SG_ERR_OCI_NOT_FOUND, what, "%s: manifest unknown", ds);
	sg_slice v, len;
	int64_t size = 0;
	if (!sg_http_header_get(&resp.head, "Docker-Content-Digest", &v) ||
		!sg_http_header_get(&resp.head, "Content-Length", &len) || len.len == 0 ||
		len.len > 18 || !sg_digits(len.p, len.len, &size))
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, what,
			"the registry sent no Docker-Content-Digest or Content-Length for %s", ds);
	uint8_t got[32];
	SG_TRY(sg_oci_digest_parse(v.p, v.len, "Docker-Content-Digest", got, d));
	if (!sg_ct_equal(got, digest, 32))
		return sg_diag_failf(d, SG_ERR_OCI_DIGEST_MISMATCH, what,
			"the registry answered for another digest than %s", ds);
	SG_TRY(media_type_of(r, &resp, &out->media_type, d));
	if (out->media_type.len == 0)
		return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, what,
			"the registry sent no Content-Type for %s", ds);
	memcpy(out->digest, digest, 32);
	out->size = size;
	return SG_OK;
}

/* The target of a Link header's rel="next" entry (RFC 8288: <uri-reference>; param=value).
 * An empty slice when there is none. */
static sg_slice
link_next(sg_slice v)
{
	size_t i = 0;
	while (i < v.len) {
		while (i < v.len && (v.p[i] == ' ' || v.p[i] == ','))
			i++;
		if (i >= v.len || v.p[i] != '<')
			break;
		size_t start = ++i;
		while (i < v.len && v.p[i] != '>')
			i++;
		if (i >= v.len)
			break;
		sg_slice target = sg_slice_make(v.p + start, i - start);
		size_t pend = ++i;
		while (pend < v.len && v.p[pend] != ',')
			pend++;
		/* rel="next" or rel=next among this entry's parameters */
		sg_slice params = sg_slice_make(v.p + i, pend - i);
		for (size_t k = 0; k + 8 <= params.len; k++)
			if (memcmp(params.p + k, "rel=\"next\"", 10) == 0 ||
				(memcmp(params.p + k, "rel=next", 8) == 0 &&
					(k + 8 == params.len || params.p[k + 8] == ';' ||
						params.p[k + 8] == ' ')))
				return target;
		i = pend;
	}
	return sg_slice_make(NULL, 0);
}

/* see registry.h */
sg_err
sg_registry_get_referrers(sg_registry *r, const char *repo, const uint8_t digest[32],
	sg_slice next, size_t max, sg_registry_referrers *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	SG_TRY(check_name(repo, 1, d));
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, ds);
	uint8_t url[URL_CAP];
	struct req q;
	req_init(&q, "GET", repo, SG_REGISTRY_PULL);
	q.accept = SG_OCI_ACCEPT_INDEX;
	if (next.len == 0) {
		SG_TRY(api_url(r, repo, "referrers", ds, url, sizeof url, &q.url, d));
	} else {
		if (next.len > SG_MAX_URL || !is_registry_origin(r, next))
			return sg_diag_failf(d, SG_ERR_OCI_REGISTRY, "referrers",
				"the next page's link leaves the registry");
		q.url = next;
	}
	size_t mark = sg_arena_mark(r->arena);
	uint8_t *buf = sg_arena_alloc_uninit(r->arena, max);
	if (buf == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	q.resp = buf;
	q.resp_cap = max;
	sg_http_response resp;
	sg_err err = reg_do(r, &q, &resp, d);
	sg_slice ct = {NULL, 0};
	if (err == SG_OK)
		(void)sg_http_header_get(&resp.head, "Content-Type", &ct);
	/* ggcr fetchReferrers: these mean "no API here" (and so does a 200 of another type). */
	if (err == SG_OK &&
		(resp.status == 404 || resp.status == 400 || resp.status == 406 ||
			(resp.status == 200 && !sg_slice_eq_str(ct, SG_MT_OCI_INDEX)))) {
		sg_arena_release(r->arena, mark);
		return SG_OK;
	}
	if (err == SG_OK && resp.status != 200)
		err = sg_regerr_fail(q.method, q.url, &resp, r->arena, d);
	if (err != SG_OK) {
		sg_arena_release(r->arena, mark);
		return err;
	}
	/* Keep the Link target before the arena moves: resolve it against this page's URL. */
	sg_slice link = {NULL, 0};
	(void)sg_http_header_get(&resp.head, "Link", &link);
	sg_slice target = link_next(link);
	size_t body_len = resp.body_len;
	sg_arena_trim(r->arena, buf, body_len);
	out->supported = 1;
	out->body = sg_slice_make(buf, body_len);
	sg_oci_digest_of(buf, body_len, out->digest);
	if (target.len > 0) {
		sg_url base;
		uint8_t *nm;
		SG_TRY(sg_arena_get(r->arena, URL_CAP, (void **)&nm, d));
		sg_buf nb;
		sg_buf_init(&nb, nm, URL_CAP);
		SG_TRY(sg_url_parse(q.url.p, q.url.len, &base, d));
		SG_TRY(sg_url_resolve(&base, target.p, target.len, &nb, d));
		out->next = sg_buf_slice(&nb);
	}
	return SG_OK;
}
