/* tagrace: writing to a tag that concurrent writers share. See tagrace.h.
 *
 * Implementation notes
 * - Measured with 16 signers on one image (tests/integration/concurrent.sh, concurrent_v3.sh,
 *   docs/decisions.md "Reliability at the edges"): without the second look, 2-7 of 16
 *   signatures were lost while every signer exited 0; the immediate read-back alone sees a PUT
 *   that landed before ours, not one that lands just after.
 * - The backoff between redos is the registry client's retry policy (sys/retry.h): its jitter
 *   keeps writers that collided from coming back in step, and its deadline bounds the redos
 *   with every other wait of the command. */
#include "online/tagrace.h"

#include "base/limits.h"
#include "sys/retry.h"

/* see tagrace.h */
uint64_t
sg_tagrace_now(const sg_registry *r)
{
	sg_net_dialer *clk = r->http->dialer;
	return clk->now_ms(clk);
}

/* see tagrace.h */
sg_err
sg_tagrace_confirm(sg_registry *r, uint64_t gap_ms, sg_tagrace_look look, void *ctx,
	sg_arena *arena, int *present, sg_diag *d)
{
	*present = 0;
	for (int i = 0; i < 2; i++) {
		if (i == 1 && r->http->retry != NULL) {
			uint64_t settle = 2u * gap_ms + 50u;
			if (settle < SG_TAG_SETTLE_MIN_MS)
				settle = SG_TAG_SETTLE_MIN_MS;
			if (settle > SG_TAG_SETTLE_MAX_MS)
				settle = SG_TAG_SETTLE_MAX_MS;
			sg_retry_sleep(r->http->retry, (unsigned)settle);
		}
		SG_TRY(look(ctx, arena, present, d));
		if (!*present)
			return SG_OK;
	}
	return SG_OK;
}

/* see tagrace.h */
sg_err
sg_tagrace_run(sg_registry *r, const char *what, sg_tagrace_step step, void *ctx, sg_arena *arena,
	unsigned *attempts, int *settled, sg_diag *d)
{
	*settled = 0;
	*attempts = 0;
	for (unsigned attempt = 1; attempt <= SG_TAG_WRITE_TRIES; attempt++) {
		size_t mark = sg_arena_mark(arena);
		int moved;
		*attempts = attempt;
		SG_TRY(step(ctx, arena, &moved, d));
		if (!moved) {
			*settled = 1;
			return SG_OK;
		}
		/* Start over from what is at the tag now; drop this attempt's scratch. */
		sg_arena_release(arena, mark);
		sg_retry *p = r->http->retry;
		if (attempt < SG_TAG_WRITE_TRIES && p != NULL &&
			!sg_retry_pause(p, attempt, SG_TAG_WRITE_TRIES - 1, sg_tagrace_now(r), 0,
				what, "another signer replaced the tag"))
			return SG_OK;
	}
	return SG_OK;
}
