/* Target functions: sg_tufcache_parse, sg_tufcache_write, sg_tufcache_apply, sg_tufcache_target */
/* fuzz_tufcache: the TUF cache document (sigstore/tufcache.h), which anyone able to write the
 * cache directory controls. Invariants, with abort():
 *   - a second parse gives the same result and the same files;
 *   - on failure the cache is zeroed;
 *   - on success: 1..SG_MAX_TUF_ROOT_ROTATIONS roots and at most SG_TUFCACHE_MAX_TARGETS
 *     targets, every file inside the input or the arena; writing it and parsing that gives
 *     the same mirror, fetch time and files (a round trip); re-verifying it from the first
 *     stored root never crashes, and what it accepts holds a trusted root.
 * No clock, files, randomness or network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "sigstore/tufcache.h"

static uint8_t mem[3][4u << 20];
static uint8_t out[1u << 20];
static sg_tufcache c[3];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_files(const sg_tufcache *a, const sg_tufcache *b)
{
	if (a->n_roots != b->n_roots || a->n_targets != b->n_targets || a->fetched != b->fetched ||
		!sg_slice_eq(a->mirror, b->mirror) || !sg_slice_eq(a->timestamp, b->timestamp) ||
		!sg_slice_eq(a->snapshot, b->snapshot) || !sg_slice_eq(a->targets, b->targets))
		return 0;
	for (size_t i = 0; i < a->n_roots; i++)
		if (!sg_slice_eq(a->roots[i], b->roots[i]))
			return 0;
	for (size_t i = 0; i < a->n_targets; i++)
		if (!sg_slice_eq(a->target_names[i], b->target_names[i]) ||
			!sg_slice_eq(a->target_files[i], b->target_files[i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_arena a[3];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_tufcache_parse(data, size, &a[r], &c[r], NULL);
	}
	if (e[0] != e[1] || (e[0] == SG_OK && !same_files(&c[0], &c[1])))
		abort();
	if (e[0] != SG_OK) {
		if (!fuzz_all_zero(&c[0], sizeof c[0]))
			abort();
		return 0;
	}
	if (c[0].n_roots == 0 || c[0].n_roots > SG_MAX_TUF_ROOT_ROTATIONS ||
		c[0].n_targets > SG_TUFCACHE_MAX_TARGETS)
		abort();
	for (size_t i = 0; i < c[0].n_roots; i++)
		if (!fuzz_inside(c[0].roots[i], a[0].base, a[0].used))
			abort();
	/* round trip (a name holding bytes the writer refuses, such as bad UTF-8, cannot) */
	sg_buf b;
	sg_buf_init(&b, out, sizeof out);
	sg_arena_init(&a[2], mem[2], sizeof mem[2]);
	if (sg_tufcache_write(&c[0], &a[2], &b, NULL) == SG_OK) {
		if (sg_tufcache_parse(b.p, b.len, &a[2], &c[2], NULL) != SG_OK)
			abort();
		if (c[2].n_roots == c[0].n_roots && !same_files(&c[0], &c[2]))
			abort();
	}
	/* re-verification from the first stored root, as a reader with that anchor would */
	sg_tuf_trusted st;
	if (sg_tuf_trust_root(&st, c[0].roots[0].p, c[0].roots[0].len, 0, 0, &a[1], NULL) ==
		SG_OK) {
		sg_err ae = sg_tufcache_apply(&c[0], &st, &a[1], NULL);
		if (st.root.version < 1)
			abort();
		sg_slice t;
		if (ae == SG_OK && sg_tufcache_target(&c[0], &st, "trusted_root.json", &t, NULL) ==
					   SG_OK &&
			!fuzz_inside(t, a[0].base, a[0].used))
			abort();
	}
	return 0;
}
