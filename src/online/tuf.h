/* tuf: fetching TUF metadata and targets from a mirror (rank 7; TUF 1.0.34 §5.3-5.7, file
 * names as cosign-v3.md §4.2 lists them: "<N>.root.json", "timestamp.json",
 * "<V>.snapshot.json", "<V>.targets.json", "targets/<sha256>.<name>" with consistent
 * snapshots). Every check is sigstore/tuf.h's; this module only decides what to download, and
 * how much of it: every request is bounded by the length the parent lists or the role's
 * SG_MAX_TUF_* bound, and by the request deadline of the client's sg_net_opts.
 *
 * Failures name the role and the check, as sigstore/tuf.h's do: "TUF timestamp: unavailable:
 * GET <url>: HTTP 503", "... length: more than 16384 bytes", "... slow-retrieval: <why>"
 * (SG_ERR_TUF_FETCH). A 404 or 403 for N+1.root.json ends the root loop (§5.3.3: "not
 * available"); any other failure there aborts the update, as tuf-js does, so a mirror that
 * answers 503 cannot hide a rotation. Transport errors and 5xx answers are retried once. */
#ifndef SG_ONLINE_TUF_H
#define SG_ONLINE_TUF_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "sigstore/tuf.h"
#include "sys/http.h"

#define SG_TUF_DEFAULT_MIRROR "https://tuf-repo-cdn.sigstore.dev"
#define SG_TUF_STAGING_MIRROR "https://tuf-repo-cdn.sigstage.dev"

/* Where and how to fetch. */
typedef struct sg_tuf_remote {
	sg_http_client *http;
	const char *mirror;  /* base URL, NUL-terminated; a trailing '/' is ignored */
	sg_http_plain plain; /* TUF metadata is signed, so plain http may be allowed */
	unsigned requests;   /* requests sent so far (for tests and messages) */
	uint8_t *scratch;    /* NULL at first: the download buffer, from the arena */
} sg_tuf_remote;

/* Bring `st` (holding a trusted root and, optionally, the timestamp, snapshot and targets of
 * an earlier update; st->now and st->check_expiry set by the caller) up to date from the
 * mirror: the root loop (at most SG_MAX_TUF_ROOT_ROTATIONS new roots, each appended to
 * new_roots[0..cap) as it is trusted, *n_new counting them), §5.3.10-11, then the timestamp
 * and, unless the ones held are current, the snapshot and the targets; finally every file
 * held must be fresh. Memory from the arena (the trusted files live there). */
SG_MUST_USE sg_err sg_tuf_refresh(sg_tuf_remote *r, sg_tuf_trusted *st, sg_arena *arena,
	sg_slice *new_roots, size_t cap, size_t *n_new, sg_diag *d);

/* §5.7: download top-level target `name` (a constant) of the trusted targets, at most its
 * listed length (and at most SG_MAX_JSON: picosign reads its targets as JSON), and check its
 * length and hashes. *out views the bytes in the arena. */
SG_MUST_USE sg_err sg_tuf_fetch_target(sg_tuf_remote *r, const sg_tuf_trusted *st,
	const char *name, sg_arena *arena, sg_slice *out, sg_diag *d);

/* GET `url` (absolute) into the arena, at most `max` bytes, 200 only: for `initialize --root
 * URL` (whose bytes the caller pins with --root-checksum). `what` names it in messages. */
SG_MUST_USE sg_err sg_tuf_fetch_url(sg_tuf_remote *r, const char *url, size_t max,
	const char *what, sg_arena *arena, sg_slice *out, sg_diag *d);

#endif
