/* tuf: the TUF cache of `picosign initialize` (rank 9; see cli.h, docs/trustroot.md).
 *
 * Layout of the cache directory ($TUF_ROOT, else $XDG_CACHE_HOME/picosign/tuf, else
 * ~/.cache/picosign/tuf; never cosign's ~/.sigstore, whose layout differs):
 *   <name>.json   one sigstore/tufcache.h document per mirror: the whole trusted state, so
 *                 it is replaced in one rename (sg_os_replace_file) and a reader sees the old
 *                 state or the new one, never a mix;
 *   <name>.lock   held by a refresh from reading the old state to renaming the new one, so
 *                 16 parallel `initialize` runs queue up instead of one undoing another;
 *   remote.json   {"mirror": URL}: the mirror the last `initialize` used (cosign's file of
 *                 that name has this form).
 * <name> is the mirror URL as sigstore-go names its cache folders (without "https://", every
 * other byte outside [A-Za-z0-9._-] as '-').
 *
 * Nothing read from the directory is trusted: sg_cli_tuf_read re-verifies the whole chain and
 * every file from an anchor the caller gives (the embedded root, or $TUF_ROOT_JSON), with
 * TUF's own checks, on every read. Files are read without following links and only when
 * regular (sg_os_read_regular). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "online/tuf.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "pki/trustroot.h"
#include "sigstore/tuf.h"
#include "sigstore/tufcache.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"

/* The targets picosign keeps: the first is required. */
static const char *const wanted[2] = {"trusted_root.json", "signing_config.v0.2.json"};

struct sg_cli_tuf {
	sg_tuf_trusted st;
	sg_tufcache cache;       /* the stored files, as read or as written */
	sg_slice trusted_root, signing_config;
	int64_t fetched;         /* as claimed, bounded by the signed timestamp expiry */
	int64_t walked_from, walked_to;
	char mirror[SG_MAX_URL];
	char path[4096];         /* the cache file; "" for the embedded state */
};

/* see cli.h */
int
sg_cli_tuf_dir(char *out, size_t cap)
{
	const char *v = getenv("TUF_ROOT");
	int n = -1;
	if (v != NULL && v[0] != '\0')
		n = snprintf(out, cap, "%s", v);
	else if ((v = getenv("XDG_CACHE_HOME")) != NULL && v[0] == '/')
		n = snprintf(out, cap, "%s/picosign/tuf", v);
	else if ((v = getenv("HOME")) != NULL && v[0] != '\0')
		n = snprintf(out, cap, "%s/.cache/picosign/tuf", v);
	return n > 0 && (size_t)n < cap;
}

/* see cli.h */
int
sg_cli_tuf_file(const char *dir, const char *mirror, char *out, size_t cap)
{
	static const char https[] = "https://";
	const char *m = strncmp(mirror, https, sizeof https - 1) == 0 ? mirror + sizeof https - 1
								     : mirror;
	size_t ml = strlen(m);
	while (ml > 0 && m[ml - 1] == '/')
		ml--;
	char name[256];
	if (ml == 0 || ml >= 200) {
		/* a name that long (or empty) would not make a file name: its digest does */
		uint8_t h[SG_SHA256_LEN];
		sg_sha256(mirror, strlen(mirror), h);
		sg_buf b;
		sg_buf_init(&b, name, sizeof name);
		if (sg_hex_encode(h, sizeof h, &b) != SG_OK)
			return 0;
		ml = b.len;
	} else {
		for (size_t i = 0; i < ml; i++) {
			char c = m[i];
			int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
			name[i] = ok ? c : '-';
		}
		if (name[0] == '.')
			name[0] = '-'; /* never ".", ".." or a hidden file */
	}
	int n = snprintf(out, cap, "%s/%.*s.json", dir, (int)ml, name);
	return n > 0 && (size_t)n < cap;
}

/* path with ".json" replaced by `ext`. */
static int
sibling(const char *path, const char *ext, char *out, size_t cap)
{
	size_t n = strlen(path);
	if (n < 5)
		return 0;
	int k = snprintf(out, cap, "%.*s%s", (int)(n - 5), path, ext);
	return k > 0 && (size_t)k < cap;
}

/* see cli.h */
const char *
sg_cli_tuf_mirror(const char *dir, int staging, sg_arena *arena)
{
	if (staging)
		return SG_TUF_STAGING_MIRROR;
	const char *v = getenv("TUF_MIRROR");
	if (v != NULL && v[0] != '\0')
		return v;
	char path[4200];
	sg_slice doc, m;
	sg_json j;
	int absent;
	size_t mark = sg_arena_mark(arena);
	if (dir != NULL && snprintf(path, sizeof path, "%s/remote.json", dir) < (int)sizeof path &&
		sg_os_read_regular(path, 64 * 1024, arena, &doc, &absent, NULL) == SG_OK &&
		!absent && sg_json_parse(doc.p, doc.len, arena, "remote.json", &j, NULL) == SG_OK &&
		sg_json_get_str(&j, sg_json_root(&j), "mirror", SG_JSON_REQUIRED, "mirror", arena,
			&m, NULL, NULL) == SG_OK &&
		m.len > 0 && m.len < SG_MAX_URL && memchr(m.p, 0, m.len) == NULL) {
		char *s = sg_arena_alloc(arena, m.len + 1);
		if (s != NULL) {
			memcpy(s, m.p, m.len);
			s[m.len] = '\0';
			if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0)
				return s;
		}
	}
	sg_arena_release(arena, mark);
	return SG_TUF_DEFAULT_MIRROR;
}

/* Record the failure held in `inner` in `d` as it reads. */
SG_MUST_USE static sg_err
relay(sg_diag *d, const sg_diag *inner)
{
	char msg[SG_DIAG_DETAIL_MAX];
	sg_diag_format(inner, msg, sizeof msg);
	return sg_diag_failmsg(d, inner->code, "%s", msg);
}

/* Re-verify t->cache from `anchor` at the current time with expiry off: the whole chain,
 * the metadata, and the targets picosign reads (the first one required). */
SG_MUST_USE static sg_err
verify_state(sg_cli_tuf *t, sg_slice anchor, sg_arena *arena, sg_diag *d)
{
	SG_TRY(sg_tuf_trust_root(&t->st, anchor.p, anchor.len, sg_os_now(), 0, arena, d));
	SG_TRY(sg_tufcache_apply(&t->cache, &t->st, arena, d));
	if (!sg_tuf_current(&t->st, SG_TUF_TARGETS))
		return sg_diag_failmsg(d, SG_ERR_TUF_MISSING,
			"TUF cache: incomplete (no timestamp, snapshot or targets)");
	SG_TRY(sg_tufcache_target(&t->cache, &t->st, wanted[0], &t->trusted_root, d));
	sg_diag sd;
	sg_diag_init(&sd, NULL);
	if (sg_tufcache_target(&t->cache, &t->st, wanted[1], &t->signing_config, &sd) != SG_OK) {
		/* optional, but present and wrong is an attack, not an absence */
		if (sd.code != SG_ERR_NOT_FOUND && sd.code != SG_ERR_TUF_MISSING)
			return relay(d, &sd);
		t->signing_config = sg_slice_make(NULL, 0);
	}
	t->walked_from = t->walked_to = t->st.root.version;
	return SG_OK;
}

/* The fetch time a reader may believe: never later than now, nor than the expiry of the
 * signed timestamp (a refresh refuses an expired one, so it was fetched before that). */
static int64_t
bounded_fetch(const sg_cli_tuf *t, int64_t claimed)
{
	int64_t f = claimed, now = sg_os_now();
	if (t->st.has_timestamp && f > t->st.timestamp.expires)
		f = t->st.timestamp.expires;
	return f > now ? now : f;
}

/* see cli.h */
sg_err
sg_cli_tuf_read(const char *dir, const char *mirror, sg_slice anchor, sg_arena *arena,
	sg_cli_tuf **out, int *absent, sg_diag *d)
{
	sg_cli_tuf *t;
	sg_slice doc;
	*out = NULL;
	SG_TRY(sg_arena_get(arena, sizeof *t, (void **)&t, d));
	if (!sg_cli_tuf_file(dir, mirror, t->path, sizeof t->path))
		return sg_diag_failmsg(d, SG_ERR_IO, "TUF cache path too long");
	SG_TRY(sg_os_read_regular(t->path, SG_MAX_JSON, arena, &doc, absent, d));
	if (*absent)
		return SG_OK;
	SG_TRY(sg_tufcache_parse(doc.p, doc.len, arena, &t->cache, d));
	SG_TRY(verify_state(t, anchor, arena, d));
	t->fetched = bounded_fetch(t, t->cache.fetched);
	(void)snprintf(t->mirror, sizeof t->mirror, "%.*s", (int)t->cache.mirror.len,
		(const char *)t->cache.mirror.p);
	if (t->mirror[0] == '\0')
		(void)snprintf(t->mirror, sizeof t->mirror, "%s", mirror);
	*out = t;
	return SG_OK;
}

/* The embedded state as a cache document would hold it. */
static void
embedded_cache(sg_tufcache *c)
{
	memset(c, 0, sizeof *c);
	c->roots[0] = sg_slice_make(sg_embedded_tuf_root, sg_embedded_tuf_root_len);
	c->n_roots = 1;
	c->timestamp = sg_slice_make(sg_embedded_tuf_timestamp, sg_embedded_tuf_timestamp_len);
	c->snapshot = sg_slice_make(sg_embedded_tuf_snapshot, sg_embedded_tuf_snapshot_len);
	c->targets = sg_slice_make(sg_embedded_tuf_targets, sg_embedded_tuf_targets_len);
	c->target_names[0] = sg_slice_str(wanted[0]);
	c->target_files[0] = sg_slice_make(sg_embedded_trusted_root, sg_embedded_trusted_root_len);
	c->target_names[1] = sg_slice_str(wanted[1]);
	c->target_files[1] =
		sg_slice_make(sg_embedded_signing_config, sg_embedded_signing_config_len);
	c->n_targets = 2;
	c->mirror = sg_slice_str(SG_TUF_DEFAULT_MIRROR);
	c->fetched = sg_embedded_trust_fetched;
}

/* see cli.h */
sg_err
sg_cli_tuf_embedded(sg_arena *arena, sg_cli_tuf **out, sg_diag *d)
{
	sg_cli_tuf *t;
	*out = NULL;
	SG_TRY(sg_arena_get(arena, sizeof *t, (void **)&t, d));
	embedded_cache(&t->cache);
	if (sg_embedded_tuf_targets_len != 0) {
		SG_TRY(verify_state(t, t->cache.roots[0], arena, d));
	} else {
		/* The static build embeds the root and trusted_root.json only (its size budget):
		 * the trusted root is pinned by the build, the root still checked. */
		SG_TRY(sg_tuf_trust_root(&t->st, t->cache.roots[0].p, t->cache.roots[0].len,
			sg_os_now(), 0, arena, d));
		t->trusted_root = t->cache.target_files[0];
		t->walked_from = t->walked_to = t->st.root.version;
	}
	t->fetched = sg_embedded_trust_fetched;
	(void)snprintf(t->mirror, sizeof t->mirror, "%s", SG_TUF_DEFAULT_MIRROR);
	*out = t;
	return SG_OK;
}

/* see cli.h */
int
sg_cli_tuf_newer_or_same(const sg_cli_tuf *a, const sg_cli_tuf *b)
{
	return a->st.root.version >= b->st.root.version &&
	       a->st.timestamp.version >= b->st.timestamp.version &&
	       a->st.snapshot.version >= b->st.snapshot.version &&
	       a->st.targets.version >= b->st.targets.version;
}

/* see cli.h */
void
sg_cli_tuf_walked(const sg_cli_tuf *t, int64_t *from, int64_t *to)
{
	*from = t->walked_from;
	*to = t->walked_to;
}

/* see cli.h */
void
sg_cli_tuf_describe(const sg_cli_tuf *t, sg_cli_trust *info)
{
	info->kind = t->path[0] != '\0' ? SG_TRUST_CACHE : SG_TRUST_EMBEDDED;
	if (t->path[0] != '\0')
		(void)snprintf(info->source, sizeof info->source, "TUF cache %s", t->path);
	else
		(void)snprintf(info->source, sizeof info->source,
			"embedded public-good trust material");
	info->trusted_root = t->trusted_root;
	info->signing_config = t->signing_config;
	info->mirror = t->mirror;
	info->tuf = 1;
	info->v_root = t->st.root.version;
	info->v_timestamp = t->st.timestamp.version;
	info->v_snapshot = t->st.snapshot.version;
	info->v_targets = t->st.targets.version;
	info->root_expires = t->st.root.expires;
	info->timestamp_expires = t->st.timestamp.expires;
	info->has_age = 1;
	info->fetched = t->fetched;
	info->age = sg_os_now() - t->fetched;
	if (info->age < 0)
		info->age = 0;
	info->state = t;
}

/* ---- refreshing ---- */

/* see cli.h */
sg_err
sg_cli_tuf_remote(const char *url, const char *timeout, sg_arena *arena, sg_tuf_remote *r,
	sg_diag *d)
{
	sg_net_opts *nopts;
	sg_net_dialer *dialer;
	uint8_t *iobuf;
	memset(r, 0, sizeof *r);
	SG_TRY(sg_arena_get(arena, sizeof *nopts, (void **)&nopts, d));
	SG_TRY(sg_arena_get(arena, sizeof *dialer, (void **)&dialer, d));
	SG_TRY(sg_net_opts_from_env(nopts, d));
	if (timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(timeout, &ms, d));
		sg_net_opts_set_timeout(nopts, ms);
	}
	SG_TRY(sg_net_dialer_init(dialer, nopts, arena, d));
	SG_TRY(sg_arena_get(arena, sizeof *r->http, (void **)&r->http, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, d));
	sg_http_client_init(r->http, dialer, nopts, iobuf);
	r->http->user_agent = "picosign/" SG_VERSION;
	r->mirror = url;
	/* TUF metadata is signed: plain http costs privacy, not integrity (cosign allows it). */
	r->plain = SG_HTTP_PLAIN_ANY;
	return SG_OK;
}

/* The chain a new cache keeps: the anchor, the cached roots the start state verified through
 * (up to `upto`), the roots the refresh added; the newest SG_MAX_TUF_ROOT_ROTATIONS. */
static void
build_chain(sg_tufcache *out, sg_slice anchor, int64_t anchor_version, const sg_tufcache *old,
	int64_t upto, const sg_slice *fresh, size_t n_fresh, sg_arena *arena)
{
	sg_slice all[2 * SG_MAX_TUF_ROOT_ROTATIONS + 1];
	size_t n = 0;
	all[n++] = anchor;
	int64_t v = anchor_version;
	for (size_t i = 0; old != NULL && i < old->n_roots && v < upto; i++) {
		sg_tuf_md r;
		size_t mark = sg_arena_mark(arena);
		int ok = sg_tuf_parse(old->roots[i].p, old->roots[i].len, SG_TUF_ROOT, arena, &r,
				 NULL) == SG_OK &&
			 r.version == v + 1;
		sg_arena_release(arena, mark);
		if (ok) {
			all[n++] = old->roots[i];
			v++;
		}
	}
	for (size_t i = 0; i < n_fresh; i++)
		all[n++] = fresh[i];
	size_t first = n > SG_MAX_TUF_ROOT_ROTATIONS ? n - SG_MAX_TUF_ROOT_ROTATIONS : 0;
	out->n_roots = n - first;
	memcpy(out->roots, all + first, out->n_roots * sizeof all[0]);
}

/* Start from the anchor and the best earlier state: the cache when it verifies from the
 * anchor, else (anchor = the embedded root) the embedded state, whichever is newer. The
 * start state's problems are warnings, never failures: the refresh redoes every check. */
SG_MUST_USE static sg_err
start_state(const sg_cli_refresh *r, sg_cli_tuf *t, sg_tufcache *old, int *have_old,
	sg_arena *arena, sg_diag *d)
{
	sg_slice doc;
	int absent;
	sg_diag cd;
	sg_diag_init(&cd, NULL);
	*have_old = 0;
	SG_TRY(sg_tuf_trust_root(&t->st, r->anchor.p, r->anchor.len, sg_os_now(), 0, arena, d));
	sg_err e = sg_os_read_regular(t->path, SG_MAX_JSON, arena, &doc, &absent, &cd);
	if (e == SG_OK && !absent)
		e = sg_tufcache_parse(doc.p, doc.len, arena, old, &cd);
	if (e == SG_OK && !absent) {
		*have_old = 1;
		if (sg_tufcache_apply(old, &t->st, arena, &cd) != SG_OK) {
			char msg[512];
			sg_diag_format(&cd, msg, sizeof msg);
			fprintf(stderr, "WARNING: the cached TUF state in %s does not verify (%s); "
					"starting from the root it verified up to\n",
				t->path, msg);
		}
	} else if (e != SG_OK) {
		char msg[512];
		sg_diag_format(&cd, msg, sizeof msg);
		fprintf(stderr, "WARNING: ignoring the TUF cache %s: %s\n", t->path, msg);
	}
	if (!r->anchor_embedded)
		return SG_OK;
	sg_tuf_trusted emb;
	sg_tufcache ec;
	embedded_cache(&ec);
	if (sg_tuf_trust_root(&emb, r->anchor.p, r->anchor.len, sg_os_now(), 0, arena, NULL) ==
			SG_OK &&
		sg_tufcache_apply(&ec, &emb, arena, NULL) == SG_OK &&
		(!t->st.has_timestamp || t->st.timestamp.version < emb.timestamp.version) &&
		t->st.root.version <= emb.root.version) {
		t->st = emb;
		*have_old = 0;
	}
	return SG_OK;
}

/* A target for the new state: the cached copy (or, from the embedded root, the embedded
 * one) when the trusted targets still list exactly it, else a download (§5.7.3; go-tuf's
 * FindCachedTarget does the same). */
SG_MUST_USE static sg_err
target(sg_tuf_remote *rem, sg_cli_tuf *t, const sg_tufcache *old, int have_old,
	int from_embedded, const char *name, sg_slice *out, sg_arena *arena, sg_diag *d)
{
	if (have_old && sg_tufcache_target(old, &t->st, name, out, NULL) == SG_OK)
		return SG_OK;
	if (from_embedded) {
		sg_tufcache ec;
		embedded_cache(&ec);
		if (sg_tufcache_target(&ec, &t->st, name, out, NULL) == SG_OK)
			return SG_OK;
	}
	return sg_tuf_fetch_target(rem, &t->st, name, arena, out, d);
}

SG_MUST_USE static sg_err
refresh_locked(const sg_cli_refresh *r, sg_cli_tuf *t, sg_arena *arena, sg_diag *d)
{
	sg_tufcache *old;
	int have_old;
	SG_TRY(sg_arena_get(arena, sizeof *old, (void **)&old, d));
	SG_TRY(start_state(r, t, old, &have_old, arena, d));
	int64_t anchor_version;
	{
		sg_tuf_md a;
		SG_TRY(sg_tuf_parse(r->anchor.p, r->anchor.len, SG_TUF_ROOT, arena, &a, d));
		anchor_version = a.version;
	}
	int64_t start_version = t->st.root.version;
	t->walked_from = anchor_version;

	sg_tuf_remote rem;
	SG_TRY(sg_cli_tuf_remote(r->mirror, r->timeout, arena, &rem, d));

	t->st.now = sg_os_now();
	t->st.check_expiry = 1;
	sg_slice fresh[SG_MAX_TUF_ROOT_ROTATIONS];
	size_t n_fresh;
	sg_err e = sg_tuf_refresh(&rem, &t->st, arena, fresh, SG_MAX_TUF_ROOT_ROTATIONS, &n_fresh,
		d);
	if (e == SG_OK)
		e = target(&rem, t, old, have_old, r->anchor_embedded, wanted[0],
			&t->trusted_root, arena, d);
	if (e == SG_OK) {
		sg_diag sd;
		sg_diag_init(&sd, NULL);
		sg_err se = target(&rem, t, old, have_old, r->anchor_embedded, wanted[1],
			&t->signing_config, arena, &sd);
		if (se == SG_ERR_TUF_MISSING)
			t->signing_config = sg_slice_make(NULL, 0);
		else if (se != SG_OK)
			e = relay(d, &sd);
	}
	sg_http_client_close(rem.http);
	SG_TRY(e);
	/* A target that passed TUF but is no trusted root would fail every later command. */
	{
		sg_trustroot *tr;
		sg_diag pd;
		sg_diag_init(&pd, NULL);
		size_t mark = sg_arena_mark(arena);
		SG_TRY(sg_arena_get(arena, sizeof *tr, (void **)&tr, d));
		e = sg_trustroot_parse(t->trusted_root.p, t->trusted_root.len, arena, tr, &pd);
		sg_arena_release(arena, mark);
		if (e != SG_OK) {
			char msg[400];
			sg_diag_format(&pd, msg, sizeof msg);
			return sg_diag_failmsg(d, e, "TUF target trusted_root.json: format: %s",
				msg);
		}
	}

	/* The new state, in one document. */
	sg_tufcache *c = &t->cache;
	memset(c, 0, sizeof *c);
	c->mirror = sg_slice_str(t->mirror);
	c->fetched = t->st.now;
	build_chain(c, r->anchor, anchor_version, have_old ? old : NULL, start_version, fresh,
		n_fresh, arena);
	c->timestamp = t->st.timestamp.raw;
	c->snapshot = t->st.snapshot.raw;
	c->targets = t->st.targets.raw;
	c->target_names[0] = sg_slice_str(wanted[0]);
	c->target_files[0] = t->trusted_root;
	c->n_targets = 1;
	if (t->signing_config.len != 0) {
		c->target_names[1] = sg_slice_str(wanted[1]);
		c->target_files[1] = t->signing_config;
		c->n_targets = 2;
	}
	uint8_t *mem;
	sg_buf doc;
	SG_TRY(sg_arena_get(arena, SG_MAX_JSON, (void **)&mem, d));
	sg_buf_init(&doc, mem, SG_MAX_JSON);
	SG_TRY(sg_tufcache_write(c, arena, &doc, d));
	SG_TRY(sg_os_replace_file(t->path, sg_buf_slice(&doc), d));
	t->fetched = t->st.now;
	t->walked_to = t->st.root.version;
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_tuf_refresh(const sg_cli_refresh *r, sg_arena *arena, sg_cli_tuf **out, sg_diag *d)
{
	sg_cli_tuf *t;
	*out = NULL;
	SG_TRY(sg_arena_get(arena, sizeof *t, (void **)&t, d));
	(void)snprintf(t->mirror, sizeof t->mirror, "%s", r->mirror);
	char lock[4200];
	if (!sg_cli_tuf_file(r->dir, r->mirror, t->path, sizeof t->path) ||
		!sibling(t->path, ".lock", lock, sizeof lock))
		return sg_diag_failmsg(d, SG_ERR_IO, "TUF cache path too long: %s", r->dir);
	SG_TRY(sg_os_mkdir_p(r->dir, d));
	int fd;
	SG_TRY(sg_os_lock(lock, SG_TUF_LOCK_WAIT_MS, &fd, d));
	sg_err e = refresh_locked(r, t, arena, d);
	if (e == SG_OK && r->set_remote) {
		char remote[4200], body[SG_MAX_URL + 32];
		vfj_writer w;
		sg_buf b;
		sg_buf_init(&b, body, sizeof body);
		sg_json_w_start(&w, &b, 0);
		vfj_w_obj_begin(&w);
		vfj_w_key(&w, VFJ_LIT("mirror"));
		vfj_w_str(&w, r->mirror, strlen(r->mirror));
		vfj_w_obj_end(&w);
		e = sg_json_w_finish(&w, &b, "remote.json", d);
		if (e == SG_OK && snprintf(remote, sizeof remote, "%s/remote.json", r->dir) <
					   (int)sizeof remote)
			e = sg_os_replace_file(remote, sg_buf_slice(&b), d);
	}
	sg_os_unlock(fd);
	SG_TRY(e);
	*out = t;
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_tuf_export(const sg_cli_tuf *t, const char *dir, sg_arena *arena, sg_diag *d)
{
	(void)arena;
	SG_TRY(sg_os_mkdir_p(dir, d));
	const struct {
		const char *name;
		sg_slice data;
	} files[] = {
		{"root.json", t->st.root.raw},
		{"timestamp.json", t->st.timestamp.raw},
		{"snapshot.json", t->st.snapshot.raw},
		{"targets.json", t->st.targets.raw},
		{wanted[0], t->trusted_root},
		{wanted[1], t->signing_config},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4200];
		if (files[i].data.len == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, files[i].name) >= (int)sizeof path)
			return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: path too long", dir);
		SG_TRY(sg_os_replace_file(path, files[i].data, d));
	}
	return SG_OK;
}
