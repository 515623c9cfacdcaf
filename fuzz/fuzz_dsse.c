/* Target functions: sg_dsse_parse, sg_dsse_pae, sg_dsse_pae_len, sg_dsse_pae_hash,
 * sg_intoto_parse, sg_intoto_has_digest */
/* Invariants: two runs agree; a failure leaves the envelope (statement) zeroed; an accepted
 * envelope has 1..SG_MAX_DSSE_SIGS non-empty signatures; its PAE has exactly sg_dsse_pae_len
 * bytes, starts with "DSSEv1 " and ends with the payload, and the streaming PAE hash equals the
 * hash of the built PAE. The input is also tried as an in-toto statement (directly, and as the
 * envelope payload); every subject with a sha256 digest is found by sg_intoto_has_digest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstore/dsse.h"
#include "sigstore/intoto.h"

static uint8_t mem[2][1u << 20];
static uint8_t pae[1u << 17];

static void
check_statement(const uint8_t *p, size_t n, sg_arena *a)
{
	sg_intoto_statement st, st2;
	size_t used = a->used;
	sg_err e = sg_intoto_parse(p, n, a, &st, NULL);
	sg_err e2 = sg_intoto_parse(p, n, a, &st2, NULL);
	if (e != e2 || st.n_subjects != st2.n_subjects)
		abort();
	if (e != SG_OK) {
		if (st.n_subjects != 0 || st.subjects != NULL)
			abort();
	} else {
		if (st.n_subjects == 0 || st.n_subjects > SG_MAX_INTOTO_SUBJECTS)
			abort();
		for (size_t i = 0; i < st.n_subjects; i++)
			if ((st.subjects[i].has & (1u << SG_HASH_SHA256)) &&
				!sg_intoto_has_digest(
					&st, SG_HASH_SHA256, st.subjects[i].sha256, 32))
				abort();
	}
	a->used = used;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_dsse_envelope env[2];
	sg_arena a[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_dsse_parse(data, size, &a[r], &env[r], NULL);
	}
	if (e[0] != e[1] || env[0].n_sigs != env[1].n_sigs ||
		!sg_slice_eq(env[0].payload, env[1].payload))
		abort();
	check_statement(data, size, &a[1]);
	if (e[0] != SG_OK) {
		if (env[0].n_sigs != 0 || env[0].payload.p != NULL)
			abort();
		return 0;
	}
	const sg_dsse_envelope *v = &env[0];
	if (v->n_sigs == 0 || v->n_sigs > SG_MAX_DSSE_SIGS)
		abort();
	for (size_t i = 0; i < v->n_sigs; i++)
		if (v->sigs[i].sig.len == 0)
			abort();
	size_t want = sg_dsse_pae_len(v->payload_type.len, v->payload.len);
	sg_buf b;
	sg_buf_init(&b, pae, sizeof pae);
	if (sg_dsse_pae(v->payload_type, v->payload, &b) == SG_OK) {
		if (b.len != want || memcmp(pae, "DSSEv1 ", 7) != 0 ||
			(v->payload.len > 0 &&
				memcmp(pae + b.len - v->payload.len, v->payload.p,
					v->payload.len) != 0))
			abort();
		uint8_t h1[32], h2[32];
		sg_sha256(pae, b.len, h1);
		sg_dsse_pae_hash(SG_HASH_SHA256, v->payload_type, v->payload, h2);
		if (memcmp(h1, h2, 32) != 0)
			abort();
	} else if (want <= sizeof pae) {
		abort();
	}
	check_statement(v->payload.p, v->payload.len, &a[0]);
	return 0;
}
