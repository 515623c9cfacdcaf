/* Target functions: sg_rekor_parse_entry */
/* Invariants: two runs agree; a failure leaves the entry zeroed; an accepted entry has a 64
 * or 80 hex id whose last 64 digits are the leaf hash of the decoded body, the body re-encodes
 * to exactly the base64 text it came from (a view into the input), a 32-byte log id, and a
 * proof (when present) with index < size, at most SG_MAX_PROOF_HASHES hashes and a checkpoint. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "online/rekor.h"
#include "parse/codec.h"
#include "sigstore/tlog.h"

static uint8_t mem[2][1u << 21];
static uint8_t enc[1u << 21];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_rekor_entry x[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		e[r] = sg_rekor_parse_entry(data, size, &a, &x[r], NULL);
	}
	const sg_rekor_entry *v = &x[0];
	if (e[0] != e[1] || strcmp(x[0].uuid, x[1].uuid) != 0 ||
		x[0].tle.log_index != x[1].tle.log_index ||
		x[0].tle.integrated_time != x[1].tle.integrated_time ||
		!sg_slice_eq(x[0].tle.body, x[1].tle.body) || x[0].has_proof != x[1].has_proof)
		abort();
	if (e[0] != SG_OK) {
		if (v->uuid[0] != '\0' || v->tle.body.len != 0 || v->body_b64.len != 0 ||
			v->has_proof || v->tle.log_id_len != 0)
			abort();
		return 0;
	}
	size_t n = strlen(v->uuid);
	if ((n != 64 && n != 80) || v->tle.log_id_len != 32 || strlen(v->log_id_hex) != 64)
		abort();
	uint8_t leaf[32], id[32];
	size_t got;
	sg_merkle_leaf_hash(v->tle.body.p, v->tle.body.len, leaf);
	if (sg_hex_decode((const uint8_t *)v->uuid + n - 64, 64, id, 32, &got, NULL) != SG_OK ||
		memcmp(id, leaf, 32) != 0)
		abort();
	if (v->body_b64.p < data || v->body_b64.p + v->body_b64.len > data + size)
		abort();
	sg_buf b;
	sg_buf_init(&b, enc, sizeof enc);
	if (sg_b64_encode(v->tle.body.p, v->tle.body.len, SG_B64_STD | SG_B64_PAD, &b) != SG_OK ||
		!sg_slice_eq(sg_buf_slice(&b), v->body_b64))
		abort();
	if (v->tle.log_index < 0 || v->tle.integrated_time < 0 || v->tle.set.len == 0)
		abort();
	if (v->has_proof) {
		const sg_tlog_proof *p = &v->tle.proof;
		if (!p->present || p->log_index < 0 || p->log_index >= p->tree_size ||
			p->n_hashes > SG_MAX_PROOF_HASHES || p->checkpoint.len == 0)
			abort();
	}
	return 0;
}
