/* Target functions: sg_tlog_body_parse */
/* Invariants: two runs agree (kind, signature count, hashes); a failure leaves the body
 * zeroed; an accepted body has a known kind, 1..SG_MAX_DSSE_SIGS signatures each with a form,
 * hash values of exactly the algorithm's length, and rekor_v2 only for hashedrekord 0.0.2. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstore/tlog.h"

static uint8_t mem[2][1u << 20];

static void
check_hash(const sg_tlog_hash *h)
{
	if (h->alg != 0 && h->len != sg_hash_len(h->alg))
		abort();
	if (h->alg == 0 && h->len != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_tlog_body b[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		e[r] = sg_tlog_body_parse(data, size, &a, &b[r], NULL);
	}
	if (e[0] != e[1] || b[0].kind != b[1].kind || b[0].n_sigs != b[1].n_sigs ||
		memcmp(&b[0].data_hash, &b[1].data_hash, sizeof b[0].data_hash) != 0 ||
		memcmp(&b[0].payload_hash, &b[1].payload_hash, sizeof b[0].payload_hash) != 0)
		abort();
	const sg_tlog_body *v = &b[0];
	if (e[0] != SG_OK) {
		if (v->kind != SG_TLOG_KIND_UNKNOWN || v->n_sigs != 0 || v->data_hash.len != 0)
			abort();
		return 0;
	}
	if (v->kind == SG_TLOG_KIND_UNKNOWN || v->n_sigs == 0 || v->n_sigs > SG_MAX_DSSE_SIGS)
		abort();
	for (size_t i = 0; i < v->n_sigs; i++)
		if (v->sigs[i].form == SG_TLOG_VERIFIER_NONE)
			abort();
	if (v->rekor_v2 &&
		!(v->kind == SG_TLOG_HASHEDREKORD && sg_slice_eq_str(v->api_version, "0.0.2")))
		abort();
	if (v->kind == SG_TLOG_HASHEDREKORD && v->data_hash.alg == 0)
		abort();
	check_hash(&v->data_hash);
	check_hash(&v->payload_hash);
	check_hash(&v->envelope_hash);
	return 0;
}
