/* tuf: fetching from a TUF mirror. See online/tuf.h.
 *
 * Implementation notes.
 *   - TUF 1.0.34 §5.3.3 (W bytes for a root), §5.4.1 (X for the timestamp), §5.5.1 and §5.6.1
 *     (the listed length, else Y/Z), §5.7.3 (a target: up to its listed length). The cap is
 *     given to the HTTP client, which stops reading past it (SG_ERR_HTTP_BODY_TOO_LARGE), so
 *     an endless or lying server costs at most the cap and the deadline.
 *   - Each download lands in one scratch buffer (SG_MAX_JSON, the largest cap; allocated once,
 *     before the first connection) and is then copied into an arena block of exactly its
 *     size: the trusted metadata keeps views into those bytes for the rest of the command.
 *     (Trimming a larger block instead would hand back the connection memory the dialer takes
 *     from the same arena during the request.)
 *   - Retries: one more attempt after a transport failure or a 5xx status, half a second
 *     later; never after a timeout (a slow-retrieval attack would double its effect) or a
 *     length violation. */
#include "online/tuf.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "sys/os.h"

/* How one failed download reads: "TUF <role>: <check>: <detail>". */
SG_MUST_USE static sg_err
fetch_fail(sg_diag *d, const char *role, const char *url, size_t max, sg_err e,
	const sg_diag *inner, int status)
{
	if (e == SG_ERR_NET_OFFLINE)
		return sg_diag_failmsg(d, e, "TUF %s: unavailable: %s", role, inner->detail);
	if (e == SG_OK)
		return sg_diag_failmsg(d, SG_ERR_TUF_FETCH, "TUF %s: unavailable: GET %s: HTTP %d",
			role, url, status);
	if (e == SG_ERR_HTTP_BODY_TOO_LARGE)
		return sg_diag_failmsg(d, SG_ERR_TUF_FETCH,
			"TUF %s: length: GET %s: more than %zu bytes", role, url, max);
	char msg[400];
	sg_diag_format(inner, msg, sizeof msg);
	return sg_diag_failmsg(d, SG_ERR_TUF_FETCH, "TUF %s: %s: GET %s: %s", role,
		e == SG_ERR_NET_TIMEOUT || e == SG_ERR_TIMEOUT ? "slow-retrieval" : "unavailable",
		url, msg);
}

/* GET url into a fresh arena block of `max` bytes. SG_OK with *status set for any answer;
 * the caller judges the status. */
SG_MUST_USE static sg_err
get(sg_tuf_remote *r, const char *url, size_t max, const char *role, sg_arena *arena,
	sg_slice *out, int *status, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	*status = 0;
	if (max > SG_MAX_JSON)
		max = SG_MAX_JSON;
	if (r->scratch == NULL)
		SG_TRY(sg_arena_get(arena, SG_MAX_JSON, (void **)&r->scratch, d));
	for (unsigned attempt = 0;; attempt++) {
		uint8_t *buf = r->scratch, *copy;
		sg_http_request req;
		sg_http_response resp;
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.url = sg_slice_str(url);
		req.plain = r->plain;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		r->requests++;
		sg_err e = sg_http_do(r->http, &req, buf, max, &resp, &inner);
		int transient = (e != SG_OK && e != SG_ERR_HTTP_BODY_TOO_LARGE &&
					e != SG_ERR_NET_TIMEOUT && e != SG_ERR_NET_OFFLINE &&
					e != SG_ERR_LIMIT) ||
				(e == SG_OK && resp.status >= 500);
		if (transient && attempt == 0) {
			sg_os_sleep_ms(500);
			continue;
		}
		if (e == SG_ERR_LIMIT && inner.what != NULL && strcmp(inner.what, "arena") == 0)
			return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		if (e != SG_OK)
			return fetch_fail(d, role, url, max, e, &inner, 0);
		SG_TRY(sg_arena_get(arena, resp.body_len + 1, (void **)&copy, d));
		memcpy(copy, buf, resp.body_len);
		*status = resp.status;
		*out = sg_slice_make(copy, resp.body_len);
		return SG_OK;
	}
}

/* mirror + "/" + path into url[0..cap). */
SG_MUST_USE static sg_err
url_of(const sg_tuf_remote *r, const char *path, char *url, size_t cap, sg_diag *d)
{
	size_t m = strlen(r->mirror);
	while (m > 0 && r->mirror[m - 1] == '/')
		m--;
	int n = snprintf(url, cap, "%.*s/%s", (int)m, r->mirror, path);
	if (n < 0 || (size_t)n >= cap)
		return sg_diag_failmsg(d, SG_ERR_LIMIT, "TUF mirror URL too long");
	return SG_OK;
}

/* GET a metadata file that must be there (200). */
SG_MUST_USE static sg_err
get_required(sg_tuf_remote *r, const char *path, size_t max, const char *role,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	char url[SG_MAX_URL];
	int status;
	SG_TRY(url_of(r, path, url, sizeof url, d));
	SG_TRY(get(r, url, max, role, arena, out, &status, d));
	if (status != 200)
		return fetch_fail(d, role, url, max, SG_OK, NULL, status);
	return SG_OK;
}

/* see online/tuf.h */
sg_err
sg_tuf_refresh(sg_tuf_remote *r, sg_tuf_trusted *st, sg_arena *arena, sg_slice *new_roots,
	size_t cap, size_t *n_new, sg_diag *d)
{
	*n_new = 0;
	/* §5.3.2-5.3.9: N+1.root.json until the mirror has none. */
	for (size_t k = 0; k < SG_MAX_TUF_ROOT_ROTATIONS; k++) {
		char path[48], url[SG_MAX_URL];
		(void)snprintf(path, sizeof path, "%lld.root.json",
			(long long)st->root.version + 1);
		SG_TRY(url_of(r, path, url, sizeof url, d));
		sg_slice body;
		int status;
		SG_TRY(get(r, url, SG_MAX_TUF_ROOT, "root", arena, &body, &status, d));
		if (status == 404 || status == 403)
			break;
		if (status != 200)
			return fetch_fail(d, "root", url, SG_MAX_TUF_ROOT, SG_OK, NULL, status);
		SG_TRY(sg_tuf_update_root(st, body.p, body.len, arena, d));
		if (*n_new < cap)
			new_roots[(*n_new)++] = body;
	}
	/* §5.3.10-5.3.11 */
	SG_TRY(sg_tuf_roots_done(st, NULL, d));
	/* §5.4 */
	sg_slice body;
	SG_TRY(get_required(r, "timestamp.json", SG_MAX_TUF_TIMESTAMP, "timestamp", arena, &body,
		d));
	SG_TRY(sg_tuf_update(st, SG_TUF_TIMESTAMP, body.p, body.len, arena, d));
	/* §5.5, §5.6: only what the held files do not already answer. */
	static const sg_tuf_role next[2] = {SG_TUF_SNAPSHOT, SG_TUF_TARGETS};
	for (size_t i = 0; i < 2; i++) {
		if (sg_tuf_current(st, next[i]))
			continue;
		char path[64];
		if (sg_tuf_meta_path(st, next[i], path, sizeof path) != SG_OK)
			return sg_diag_fail(d, SG_ERR_LIMIT, "TUF metadata path");
		SG_TRY(get_required(r, path, sg_tuf_max_length(st, next[i]),
			sg_tuf_role_name(next[i]), arena, &body, d));
		SG_TRY(sg_tuf_update(st, next[i], body.p, body.len, arena, d));
	}
	return sg_tuf_check_fresh(st, d);
}

/* see online/tuf.h */
sg_err
sg_tuf_fetch_target(sg_tuf_remote *r, const sg_tuf_trusted *st, const char *name,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	const sg_tuf_file *f;
	SG_TRY(sg_tuf_find_target(st, name, &f, d));
	char role[SG_MAX_TUF_NAME + 16], path[SG_MAX_URL / 2];
	(void)snprintf(role, sizeof role, "target %s", name);
	if (f->length > SG_MAX_JSON)
		return sg_diag_failmsg(d, SG_ERR_TUF_FETCH,
			"TUF %s: length: %llu bytes listed, picosign reads at most %u", role,
			(unsigned long long)f->length, SG_MAX_JSON);
	if (sg_tuf_target_path(st, f, path, sizeof path) != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_TUF_FORMAT, "TUF %s: format: no usable path",
			role);
	SG_TRY(get_required(r, path, (size_t)f->length, role, arena, out, d));
	sg_err e = sg_tuf_check_file(f, out->p, out->len, "target", name, d);
	if (e != SG_OK)
		*out = sg_slice_make(NULL, 0);
	return e;
}

/* see online/tuf.h */
sg_err
sg_tuf_fetch_url(sg_tuf_remote *r, const char *url, size_t max, const char *what,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	int status;
	SG_TRY(get(r, url, max, what, arena, out, &status, d));
	if (status != 200) {
		*out = sg_slice_make(NULL, 0);
		return fetch_fail(d, what, url, max, SG_OK, NULL, status);
	}
	return SG_OK;
}
