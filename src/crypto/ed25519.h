/* ed25519: Ed25519 signature verification (RFC 8032 §5.1.7), layer 2. Verification only: picosign
 * never signs with Ed25519; it needs the verifier for Rekor v2 checkpoints, whose log keys are
 * Ed25519 (BearSSL has none). Hashing goes through crypto.h (SHA-512); no BearSSL here.
 *
 * Acceptance rules are those of Go's crypto/ed25519 Verify (the verifier sigstore-go and
 * rekor-tiles use), so picosign and the Go clients agree on every signature:
 *   - the signature is exactly 64 bytes R || S;
 *   - S is canonical: S < L (the group order), checked as Go does (top three bits clear, then
 *     S < L); S >= L is rejected (malleability, RFC 8032 §5.1.7 step 1);
 *   - the public key A is decoded as RFC 8032 §5.1.3 but, like Go (filippo.io/edwards25519
 *     Point.SetBytes), a y coordinate >= p and the encoding of x = 0 with the sign bit set are
 *     accepted; a y with no x on the curve is rejected; small-order keys are accepted;
 *   - R is never decoded: [S]B - [k]A is computed and its canonical encoding must equal the 32
 *     bytes of R, so a non-canonical R encoding never verifies;
 *   - the cofactorless equation [S]B = R + [k]A with k = SHA-512(R || A || M) mod L.
 * All inputs are public; the arithmetic is variable-time on purpose. See docs/ed25519.md. */
#ifndef SG_ED25519_H
#define SG_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SG_ED25519_PUBLIC_LEN 32u
#define SG_ED25519_SIG_LEN 64u

/* Verify the Ed25519 signature sig[0..sig_len) over msg[0..msg_len) (the message itself:
 * Ed25519 hashes internally; msg may be NULL when msg_len is 0) with the 32-byte public key
 * `pub`, under the rules above. Returns SG_OK, or SG_ERR_VERIFY_SIGNATURE with a detail
 * ("Ed25519 signature is not 64 bytes", "Ed25519 S is not below the group order", "Ed25519
 * public key is not a curve point", or none for a plain mismatch). `what` names the check for
 * the diagnostic and must outlive `d`; `d` may be NULL. Needs no memory beyond the stack
 * (a few KiB) and about 0.2 ms on a current x86-64 core. */
SG_MUST_USE sg_err sg_ed25519_verify(const uint8_t pub[SG_ED25519_PUBLIC_LEN],
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, const char *what,
	sg_diag *d);

#endif
