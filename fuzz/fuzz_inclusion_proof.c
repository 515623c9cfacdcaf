/* Target functions: sg_merkle_verify_inclusion, sg_merkle_leaf_hash */
/* Input: byte 0 = tree size - 1 (mod 32), byte 1 = leaf index (mod size), byte 2 = mode, then
 * up to SG_MAX_PROOF_HASHES 32-byte hashes. Fixed trees of 1..32 leaves: leaf i is the leaf
 * hash of the bytes "leaf" i. Mode 0 uses the input hashes as the proof; mode 1 XORs them
 * onto the correct audit path (all zero = the right proof); mode 2 takes index and size as two
 * big-endian u64 from the input and checks only that nothing crashes.
 * Invariants: never crash; a proof that verifies verifies again; in a fixed tree a verified
 * proof is exactly the RFC 6962 audit path of the claimed leaf (no second preimage). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "sigstore/merkle.h"

#include "../tests/merkle_ref.h"

static uint8_t leaves[32][32];
static int ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		for (size_t i = 0; i < 32; i++) {
			uint8_t l[5] = {'l', 'e', 'a', 'f', (uint8_t)i};
			sg_merkle_leaf_hash(l, sizeof l, leaves[i]);
		}
		ready = 1;
	}
	if (size < 3)
		return 0;
	size_t tsize = (size_t)(data[0] % 32) + 1, idx = data[1] % tsize;
	unsigned mode = data[2] % 3;
	const uint8_t *rest = data + 3;
	size_t rn = size - 3;
	uint8_t root[32];
	merkle_ref_root(leaves, 0, tsize, root);
	static uint8_t proof[32 * (SG_MAX_PROOF_HASHES + 1)];
	if (mode == 2) {
		if (rn < 16)
			return 0;
		uint64_t i64 = 0, s64 = 0;
		for (int k = 0; k < 8; k++) {
			i64 = (i64 << 8) | rest[k];
			s64 = (s64 << 8) | rest[8 + k];
		}
		size_t n = (rn - 16) / 32;
		if (n > SG_MAX_PROOF_HASHES + 1)
			n = SG_MAX_PROOF_HASHES + 1;
		memcpy(proof, rest + 16, n * 32);
		sg_err e1 = sg_merkle_verify_inclusion(i64, s64, leaves[idx], proof, n, root, NULL);
		sg_err e2 = sg_merkle_verify_inclusion(i64, s64, leaves[idx], proof, n, root, NULL);
		if (e1 != e2)
			abort();
		return 0;
	}
	size_t n = rn / 32;
	if (n > SG_MAX_PROOF_HASHES + 1)
		n = SG_MAX_PROOF_HASHES + 1;
	uint8_t good[32 * 8];
	size_t gn = 0;
	merkle_ref_path(leaves, idx, 0, tsize, good, &gn);
	if (mode == 0) {
		memcpy(proof, rest, n * 32);
	} else {
		n = gn + (rn / 32 > gn ? 1 : 0); /* a longer input asks for one extra hash */
		memset(proof, 0, sizeof proof);
		memcpy(proof, good, gn * 32);
		for (size_t k = 0; k < n * 32 && k < rn; k++)
			proof[k] ^= rest[k];
	}
	sg_err e = sg_merkle_verify_inclusion(idx, tsize, leaves[idx], proof, n, root, NULL);
	if (e != SG_OK && e != SG_ERR_VERIFY_INCLUSION)
		abort();
	if (e == SG_OK) {
		if (sg_merkle_verify_inclusion(idx, tsize, leaves[idx], proof, n, root, NULL) !=
			SG_OK)
			abort();
		if (n != gn || (n > 0 && memcmp(proof, good, n * 32) != 0))
			abort();
	}
	return 0;
}
