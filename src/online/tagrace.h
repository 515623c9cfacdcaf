/* tagrace: writing to a tag that concurrent writers share (rank 7): cosign's `.sig` and `.att`
 * tags (cosign_sig.c) and the referrers fallback tag sha256-<hex> (referrers.c). Each writer
 * reads the manifest at the tag, adds its entry and PUTs the result; a registry has no
 * conditional PUT, so of two writers that read the same manifest the later PUT silently drops
 * the earlier one's entry (cosign and go-containerregistry lose signatures this way). One
 * policy for both tags, so that they cannot drift apart:
 *   1. the caller's step reads the tag, builds its extension, HEADs the tag once more and
 *      reports "moved" when it changed since the read, else PUTs and confirms;
 *   2. sg_tagrace_confirm: the tag is read back at once and again after a settle time, about
 *      twice the step's own HEAD-to-PUT time (SG_TAG_SETTLE_MIN_MS..SG_TAG_SETTLE_MAX_MS,
 *      jittered): a writer that HEADed the tag just before our PUT landed needs about that long
 *      to land its own, which replaces ours; our entry missing at either look is "moved";
 *   3. sg_tagrace_run: a moved step is redone from a fresh read, after a jittered backoff (the
 *      registry client's retry policy, sys/retry.h, which announces it in one "Retrying ..."
 *      line and keeps within the command's deadline), at most SG_TAG_WRITE_TRIES attempts in
 *      all, the step's arena scratch released between attempts.
 * A writer slower than twice our round trip can still win unseen; only a compare-and-swap in
 * the registry would close that. Without a retry policy (unit tests) nothing waits: only the
 * re-reads happen. */
#ifndef SG_TAGRACE_H
#define SG_TAGRACE_H

#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "online/registry.h"

/* One attempt at the read-modify-write; *moved = 1 when another writer got in the way and the
 * attempt is to be redone. Its arena use is released before a redo. */
typedef sg_err (*sg_tagrace_step)(void *ctx, sg_arena *arena, int *moved, sg_diag *d);

/* One look at the tag after our PUT: *present = 1 while it still holds our entry. */
typedef sg_err (*sg_tagrace_look)(void *ctx, sg_arena *arena, int *present, sg_diag *d);

/* Milliseconds on `r`'s dialer clock: the step times its HEAD-to-PUT gap with it. */
uint64_t sg_tagrace_now(const sg_registry *r);

/* After a PUT that took `gap_ms` from the HEAD before it: `look` at once, then after the settle
 * time (see the top) once more. *present = 0 as soon as a look misses our entry. Errors: those
 * of `look`. */
SG_MUST_USE sg_err sg_tagrace_confirm(sg_registry *r, uint64_t gap_ms, sg_tagrace_look look,
	void *ctx, sg_arena *arena, int *present, sg_diag *d);

/* Run `step` until it does not report "moved", at most SG_TAG_WRITE_TRIES times, with a
 * jittered backoff before each redo; `what` names the write in the retry line ("the signature
 * append to host/repo:tag"). *attempts counts the steps run. *settled = 0 when the last step
 * still moved, or when the command's deadline left no time for another: the caller reports
 * that with the tag's name (its entry may be missing). Errors: those of `step`. */
SG_MUST_USE sg_err sg_tagrace_run(sg_registry *r, const char *what, sg_tagrace_step step, void *ctx,
	sg_arena *arena, unsigned *attempts, int *settled, sg_diag *d);

#endif
