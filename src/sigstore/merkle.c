/* merkle: RFC 6962 / RFC 9162 Merkle inclusion proofs. See merkle.h.
 *
 * Implementation notes.
   - Inclusion (RFC 9162 §2.1.3.2, RFC 6962 §2.1): leaf = SHA-256(0x00||body), node =
 *     SHA-256(0x01||left||right); the loop below is the RFC's algorithm step for step.
 * *   - Every index and size is checked before it is used: a proof longer than the tree's
 *     height, an index outside the tree or a path that ends early is refused, never walked. */
#include "sigstore/merkle.h"

#include <string.h>

#include "base/bytes.h"
#include "base/limits.h"
#include "crypto/hash.h"

/* see merkle.h */
void
sg_merkle_leaf_hash(const uint8_t *body, size_t len, uint8_t out[SG_MERKLE_HASH_LEN])
{
	sg_hash_ctx h;
	static const uint8_t zero = 0x00;
	sg_hash_init(&h, SG_HASH_SHA256);
	sg_hash_update(&h, &zero, 1);
	sg_hash_update(&h, body, len);
	sg_hash_final(&h, out);
}

static void
node_hash(const uint8_t *l, const uint8_t *r, uint8_t out[SG_MERKLE_HASH_LEN])
{
	uint8_t buf[1 + 2 * SG_MERKLE_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, l, SG_MERKLE_HASH_LEN);
	memcpy(buf + 1 + SG_MERKLE_HASH_LEN, r, SG_MERKLE_HASH_LEN);
	sg_sha256(buf, sizeof buf, out);
}

/* see merkle.h */
sg_err
sg_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[SG_MERKLE_HASH_LEN],
	const uint8_t *hashes, size_t n, const uint8_t root[SG_MERKLE_HASH_LEN], sg_diag *d)
{
	static const char what[] = "inclusion proof";
	if (index >= size)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
			"index %llu is not below the tree size %llu", (unsigned long long)index,
			(unsigned long long)size);
	if (n > SG_MAX_PROOF_HASHES)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what, "%zu hashes, at most %u", n,
			SG_MAX_PROOF_HASHES);
	uint64_t fn = index, sn = size - 1;
	uint8_t r[SG_MERKLE_HASH_LEN];
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = hashes + i * SG_MERKLE_HASH_LEN;
		if (sn == 0)
			return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
				"proof has %zu hashes, more than the tree needs", n);
		if ((fn & 1u) != 0 || fn == sn) {
			node_hash(p, r, r);
			while ((fn & 1u) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(r, p, r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
			"proof has %zu hashes, fewer than the tree needs", n);
	if (!sg_ct_equal(r, root, SG_MERKLE_HASH_LEN))
		return sg_diag_failf(
			d, SG_ERR_VERIFY_INCLUSION, what, "computed root hash does not match");
	return SG_OK;
}
