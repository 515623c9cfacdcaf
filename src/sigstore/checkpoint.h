/* checkpoint: a log's signed tree head (rank 4, offline; protocol.md §6.5, §8.4), a C2SP
 * signed note ("origin\nsize\nroot\n[ext\n]\n— name sig\n") parsed strictly and verified with
 * the log key: ECDSA for Rekor v1, Ed25519 for Rekor v2. */
#ifndef SG_CHECKPOINT_H
#define SG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "pki/trustroot.h"
#include "sigstore/merkle.h"

typedef struct sg_note_sig {
	sg_slice name;   /* key name, e.g. "rekor.sigstore.dev" */
	uint8_t hint[4]; /* key hint (ECDSA: first 4 bytes of SHA-256 of the SPKI) */
	sg_slice sig;    /* the signature after the hint (DER ECDSA, or 64-byte Ed25519) */
} sg_note_sig;

typedef struct sg_checkpoint {
	sg_slice text;   /* the signed text: everything up to and including the last body '\n' */
	sg_slice origin; /* first line */
	uint64_t size;   /* second line */
	uint8_t root[SG_MERKLE_HASH_LEN]; /* third line, base64 */
	size_t n_ext;                   /* extension lines after the root line */
	sg_note_sig sigs[SG_MAX_NOTE_SIGS];
	size_t n_sigs;
} sg_checkpoint;

/* Parse a checkpoint of at most SG_MAX_CHECKPOINT bytes. Grammar: a text of at least three
 * non-empty lines (origin; decimal size without leading zeros; standard padded base64 of a
 * 32-byte root hash; then non-empty extension lines), each ending in '\n' and free of other
 * control characters, then an empty line, then one or more lines
 * "\u2014 <name> <std base64 of hint(4) || signature>\n" (name non-empty, no spaces; base64
 * decoding to at least 5 bytes), nothing after. The text/signature split is the last "\n\n"
 * (as Go's note package). Signature bytes are views into `note`, decoded into the arena.
 * Errors: SG_ERR_VERIFY_CHECKPOINT (detail names the rule), SG_ERR_LIMIT. `out` zeroed on
 * failure. */
SG_MUST_USE sg_err sg_checkpoint_parse(
	const uint8_t *note, size_t len, sg_arena *arena, sg_checkpoint *out, sg_diag *d);

/* The 4-byte key hint under which `log` signs notes: for ECDSA and RSA keys the first bytes of
 * SHA-256(SPKI) (Rekor v1, protocol.md §6.5); for Ed25519 the C2SP key id SHA-256(name ||
 * 0x0A || 0x01 || key) (§8.4) with name = the host of log->base_url (the first bytes of the
 * log id when there is no host). */
void sg_checkpoint_key_hint(const sg_trust_log *log, uint8_t hint[4]);

/* Verify that `cp` carries a valid signature by `log`, following sigstore-go's two paths:
 *   - Rekor v1 (origin "<host> - <tree id>", ECDSA/RSA key): some line whose hint is `log`'s
 *     key hint verifies over cp->text (ECDSA over SHA-256);
 *   - otherwise, and always for Ed25519 keys (Rekor v2, C2SP signed note): the log's note name
 *     is the host of log->base_url; the first line with that name and the log's key hint must
 *     verify over cp->text (Ed25519 over the text itself), and cp->origin must equal the name.
 * Lines of other keys or names (witness cosignatures) are ignored. Errors:
 * SG_ERR_VERIFY_CHECKPOINT (no line by the log, a bad signature, wrong origin, no baseUrl
 * host), SG_ERR_VERIFY_TLOG_KEY (log NULL), SG_ERR_UNSUPPORTED (an unusable log key). */
SG_MUST_USE sg_err sg_checkpoint_verify(
	const sg_checkpoint *cp, const sg_trust_log *log, sg_diag *d);

#endif
