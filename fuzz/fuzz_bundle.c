/* Target functions: sg_bundle_parse, sg_bundle_parse_legacy, sg_tlog_body_parse */
/* Invariants: two runs agree; a failure leaves the entity zeroed; on success the counts are
 * within their limits, the content and material kinds agree with what is filled in, Rekor v1
 * v0.1 entries have a SET and v0.2+ entries a proof, proof hashes and bodies lie in the arena
 * or the input, and each entry body can be handed to the body parser without harm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstore/bundle.h"

static uint8_t mem[2][4u << 20];
static sg_entity ent[2];

static int
inside(sg_slice s, const uint8_t *data, size_t size, const sg_arena *a)
{
	if (s.len == 0)
		return 1;
	int in_data = s.p >= data && s.p + s.len <= data + size;
	int in_arena = s.p >= a->base && s.p + s.len <= a->base + a->used;
	return in_data || in_arena;
}

static void
check(const sg_entity *e, int legacy, const uint8_t *data, size_t size, sg_arena *a)
{
	if (e->n_tlog > SG_MAX_TLOG_ENTRIES || e->n_certs > SG_MAX_CHAIN ||
		e->n_timestamps > SG_MAX_TIMESTAMPS || e->legacy != legacy)
		abort();
	if (legacy && (e->n_tlog != 1 || e->content != SG_CONTENT_NONE))
		abort();
	if (!legacy) {
		if (e->media_minor < 1 || e->media_minor > 3 || e->content == SG_CONTENT_NONE)
			abort();
		if (e->content == SG_CONTENT_DSSE && e->dsse.n_sigs != 1)
			abort();
		if (e->content == SG_CONTENT_MESSAGE_SIGNATURE && e->signature.len == 0)
			abort();
		if (e->material == SG_MATERIAL_NONE ||
			(e->material == SG_MATERIAL_CHAIN && e->n_certs == 0) ||
			(e->material == SG_MATERIAL_CERTIFICATE && e->n_certs != 1) ||
			(e->material == SG_MATERIAL_PUBLIC_KEY && e->n_certs != 0))
			abort();
	}
	for (size_t i = 0; i < e->n_tlog; i++) {
		const sg_tlog_entry *t = &e->tlog[i];
		if (t->log_id_len == 0 || t->log_id_len > SG_MAX_KEY_ID || t->log_index < 0 ||
			t->body.len == 0 || !inside(t->body, data, size, a))
			abort();
		if (!legacy && e->media_minor == 1 && t->set.len == 0)
			abort();
		if (!legacy && e->media_minor >= 2 && !t->proof.present)
			abort();
		if (t->proof.n_hashes > SG_MAX_PROOF_HASHES)
			abort();
		sg_tlog_body b;
		size_t used = a->used;
		sg_err be = sg_tlog_body_parse(t->body.p, t->body.len, a, &b, NULL);
		if (be != SG_OK && (b.n_sigs != 0 || b.kind != SG_TLOG_KIND_UNKNOWN))
			abort();
		a->used = used;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int legacy = 0; legacy < 2; legacy++) {
		sg_err e[2];
		sg_arena a[2];
		for (int r = 0; r < 2; r++) {
			sg_arena_init(&a[r], mem[r], sizeof mem[r]);
			e[r] = legacy ? sg_bundle_parse_legacy(data, size, &a[r], &ent[r], NULL)
				      : sg_bundle_parse(data, size, &a[r], &ent[r], NULL);
		}
		if (e[0] != e[1] || ent[0].n_tlog != ent[1].n_tlog ||
			ent[0].content != ent[1].content)
			abort();
		if (e[0] != SG_OK) {
			if (ent[0].n_tlog != 0 || ent[0].content != SG_CONTENT_NONE ||
				ent[0].legacy)
				abort();
			continue;
		}
		check(&ent[0], legacy, data, size, &a[0]);
	}
	return 0;
}
