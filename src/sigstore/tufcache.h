/* tufcache: the TUF cache document `picosign initialize` writes, and its offline re-check
 * (rank 4, pure; docs/trustroot.md "The cache").
 *
 * One JSON document per mirror holds a whole trusted state, so that replacing it by rename is
 * one atomic step (16 parallel `initialize` runs leave one complete state, never a mix):
 *
 *   {"mediaType": "application/vnd.dev.picosign.tuf-cache.v1+json",
 *    "mirror": "https://tuf-repo-cdn.sigstore.dev",
 *    "fetched": "2026-08-22T00:00:00Z",          when the timestamp was fetched (a claim)
 *    "roots": ["<base64 of N.root.json>", ...],  the verified chain, oldest first; the last
 *                                                 one is the trusted root
 *    "timestamp": "<base64>", "snapshot": "<base64>", "targets": "<base64>",
 *    "targetFiles": {"trusted_root.json": "<base64>", ...}}
 *
 * Files are kept byte for byte (base64), since snapshots and targets may be pinned by hash.
 * Everything but mediaType and roots is optional: a seeded or partial cache is still a
 * starting state for a refresh. Unknown members are ignored.
 *
 * The document is never trusted: whoever can write the cache directory can write it. Its
 * content counts only after sg_tufcache_apply re-verified it, offline, from an anchor root
 * that does not come from the cache (the embedded root, or one the user names). What such a
 * writer can still do is limited to replaying genuine older states (the caller compares the
 * versions with the embedded ones), deleting the cache, and lying in "fetched" (the caller
 * bounds the age by the signed timestamp expiry). */
#ifndef SG_TUFCACHE_H
#define SG_TUFCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "sigstore/tuf.h"

#define SG_TUFCACHE_MEDIA_TYPE "application/vnd.dev.picosign.tuf-cache.v1+json"
/* Target files one cache keeps (picosign reads two). */
#define SG_TUFCACHE_MAX_TARGETS 8u

typedef struct sg_tufcache {
	sg_slice mirror;             /* the mirror URL (unescaped) */
	int64_t fetched;             /* Unix seconds; 0 when absent */
	sg_slice roots[SG_MAX_TUF_ROOT_ROTATIONS];
	size_t n_roots;
	sg_slice timestamp, snapshot, targets; /* length 0 when absent */
	sg_slice target_names[SG_TUFCACHE_MAX_TARGETS];
	sg_slice target_files[SG_TUFCACHE_MAX_TARGETS];
	size_t n_targets;
} sg_tufcache;

/* Parse a cache document (at most SG_MAX_JSON bytes); decoded files go to the arena. Errors:
 * SG_ERR_JSON_*, SG_ERR_B64_*, SG_ERR_TUF_FORMAT "TUF cache: ..." (wrong mediaType, no roots,
 * too many roots or target files), SG_ERR_LIMIT. On failure `out` is zeroed. */
SG_MUST_USE sg_err sg_tufcache_parse(const uint8_t *p, size_t len, sg_arena *arena,
	sg_tufcache *out, sg_diag *d);

/* Write `c` as a cache document into `out`, dropping the oldest roots (never the last) until
 * it fits: SG_ERR_LIMIT only when even one root does not. Scratch memory from the arena. */
SG_MUST_USE sg_err sg_tufcache_write(const sg_tufcache *c, sg_arena *arena, sg_buf *out,
	sg_diag *d);

/* Re-verify `c` on top of `st`, which holds the anchor (sg_tuf_trust_root): each stored root
 * newer than the trusted one, in order (older ones are skipped), then sg_tuf_roots_done,
 * then the timestamp, snapshot and targets with the checks of sg_tuf_update (expiry as `st`
 * says). Stops at the first failure and returns it; `st` then holds what verified up to there
 * (a refresh may start from it). A chain that does not reach past a gap is a failure:
 * SG_ERR_TUF_VERSION "TUF root: version: the cache has no N.root.json". */
SG_MUST_USE sg_err sg_tufcache_apply(const sg_tufcache *c, sg_tuf_trusted *st, sg_arena *arena,
	sg_diag *d);

/* The cached bytes of target `name` (a constant), checked against the trusted targets of
 * `st` (length and hashes): *out views them. SG_ERR_NOT_FOUND when the cache does not hold
 * the file; the errors of sg_tuf_find_target and sg_tuf_check_file. */
SG_MUST_USE sg_err sg_tufcache_target(const sg_tufcache *c, const sg_tuf_trusted *st,
	const char *name, sg_slice *out, sg_diag *d);

#endif
