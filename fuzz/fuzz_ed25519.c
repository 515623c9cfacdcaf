/* Target functions: sg_ed25519_verify, sg_pubkey_verify_message (Ed25519 keys) */
/* Input: public key (32 bytes, zero-padded when the input is shorter), then up to 64 bytes of
 * signature (shorter when the input ends: exercises the length rule), then the message.
 * The low bit of the first byte picks the entry point (sg_ed25519_verify directly, or
 * sg_pubkey_verify_message on the RFC 8410 SPKI form of the key), so each run costs one verification
 * unless it passes. Invariants, checked with abort():
 *   - the only outcomes are SG_OK and SG_ERR_VERIFY_SIGNATURE;
 *   - an accepted signature is 64 bytes with S < L, passes again through the other entry point
 *     and from a copy, and S + L (the same scalar, non-canonical) is refused: no malleable
 *     second encoding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ed25519.h"
#include "crypto/pubkey.h"

static const uint8_t ORDER[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pub[32];
	memset(pub, 0, sizeof pub);
	memcpy(pub, data, size < 32 ? size : 32);
	size_t rest = size > 32 ? size - 32 : 0;
	size_t sig_len = rest < 64 ? rest : 64;
	const uint8_t *sig = rest > 0 ? data + 32 : NULL;
	const uint8_t *msg = rest > 64 ? data + 96 : NULL;
	size_t msg_len = rest > 64 ? rest - 64 : 0;

	uint8_t spki[44] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
	memcpy(spki + 12, pub, 32);
	sg_pubkey k;
	if (sg_pubkey_parse(spki, sizeof spki, &k, NULL) != SG_OK || k.type != SG_KEY_ED25519)
		abort();
	int direct = size == 0 || (data[0] & 1) == 0;
	sg_hash_alg alg = size > 0 && (data[0] & 2) ? SG_HASH_SHA384 : SG_HASH_SHA256;
	sg_err r1 = direct ? sg_ed25519_verify(pub, msg, msg_len, sig, sig_len, "fuzz", NULL)
			   : sg_pubkey_verify_message(&k, alg, msg, msg_len, sig, sig_len, "fuzz", NULL);
	if (r1 != SG_OK && r1 != SG_ERR_VERIFY_SIGNATURE)
		abort();

	if (r1 == SG_OK) {
		if (sig_len != 64 || (sig[63] & 0xe0) != 0)
			abort();
		uint8_t copy[64];
		memcpy(copy, sig, 64);
		if (sg_ed25519_verify(pub, msg, msg_len, copy, 64, "fuzz", NULL) != SG_OK ||
			sg_pubkey_verify_message(&k, alg, msg, msg_len, copy, 64, "fuzz", NULL) != SG_OK)
			abort();
		unsigned c = 0;
		for (size_t i = 0; i < 32; i++) {
			c += (unsigned)copy[32 + i] + ORDER[i];
			copy[32 + i] = (uint8_t)c;
			c >>= 8;
		}
		if (c == 0 && sg_ed25519_verify(pub, msg, msg_len, copy, 64, "fuzz", NULL) == SG_OK)
			abort();
	}
	return 0;
}
