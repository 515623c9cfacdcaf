/* merkle: RFC 6962 §2.1 / RFC 9162 §2.1.3.2 Merkle inclusion proofs (rank 4, offline): the
 * leaf hash of an entry and the audit-path walk to a root. Every Rekor tree uses SHA-256. */
#ifndef SG_MERKLE_H
#define SG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

#define SG_MERKLE_HASH_LEN 32u

/* SHA-256(0x00 || body). */
void sg_merkle_leaf_hash(const uint8_t *body, size_t len, uint8_t out[SG_MERKLE_HASH_LEN]);

/* Check that `leaf` is at `index` in a tree of `size` leaves with root `root`, given the audit
 * path hashes[0..n) (32 bytes each, leaf upwards). Requires index < size, n <=
 * SG_MAX_PROOF_HASHES and exactly the number of hashes the tree shape needs.
 * SG_ERR_VERIFY_INCLUSION (detail says why) otherwise. */
SG_MUST_USE sg_err sg_merkle_verify_inclusion(uint64_t index, uint64_t size,
	const uint8_t leaf[SG_MERKLE_HASH_LEN], const uint8_t *hashes, size_t n,
	const uint8_t root[SG_MERKLE_HASH_LEN], sg_diag *d);

#endif
