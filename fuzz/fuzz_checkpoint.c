/* Target functions: sg_checkpoint_parse, sg_checkpoint_verify, sg_checkpoint_key_hint */
/* Invariants: two runs agree; a failure leaves the checkpoint zeroed; on success the signed
 * text is a proper prefix of the input ending in '\n' and followed by '\n', the origin lies in
 * it, there are 1..SG_MAX_NOTE_SIGS signature lines whose names lie in the input, and
 * verifying against the fixed public-good Rekor key never crashes (it fails unless the input
 * is a genuine checkpoint). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstore/checkpoint.h"

static uint8_t mem[2][64u * 1024u];
static sg_checkpoint cp[2];

/* The public-good Rekor v1 key (protocol.md §10), DER SPKI. */
static const uint8_t rekor_spki[] = {
	0x30,
	0x59,
	0x30,
	0x13,
	0x06,
	0x07,
	0x2a,
	0x86,
	0x48,
	0xce,
	0x3d,
	0x02,
	0x01,
	0x06,
	0x08,
	0x2a,
	0x86,
	0x48,
	0xce,
	0x3d,
	0x03,
	0x01,
	0x07,
	0x03,
	0x42,
	0x00,
	0x04,
	0xd8,
	0x6d,
	0x98,
	0xfb,
	0x6b,
	0x5a,
	0x6d,
	0xd4,
	0xd5,
	0xe4,
	0x17,
	0x06,
	0x88,
	0x12,
	0x31,
	0xd1,
	0xaf,
	0x5f,
	0x00,
	0x5c,
	0x2b,
	0x90,
	0x16,
	0xe6,
	0x2d,
	0x21,
	0xad,
	0x92,
	0xce,
	0x0b,
	0xde,
	0xa5,
	0xfa,
	0xc9,
	0x86,
	0x34,
	0xce,
	0xe7,
	0xc1,
	0x9e,
	0x10,
	0xbc,
	0x52,
	0xbf,
	0xe2,
	0xcb,
	0x9e,
	0x46,
	0x85,
	0x63,
	0xff,
	0xf4,
	0x0f,
	0xdb,
	0x63,
	0x62,
	0xe1,
	0x0b,
	0x7d,
	0x0c,
	0xf7,
	0xe4,
	0x58,
	0xb7,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		e[r] = sg_checkpoint_parse(data, size, &a, &cp[r], NULL);
	}
	if (e[0] != e[1] || cp[0].n_sigs != cp[1].n_sigs || cp[0].size != cp[1].size ||
		memcmp(cp[0].root, cp[1].root, sizeof cp[0].root) != 0)
		abort();
	const sg_checkpoint *c = &cp[0];
	if (e[0] != SG_OK) {
		if (c->n_sigs != 0 || c->text.len != 0 || c->size != 0)
			abort();
		return 0;
	}
	if (c->text.p != data || c->text.len + 1 >= size || data[c->text.len - 1] != '\n' ||
		data[c->text.len] != '\n')
		abort();
	if (c->origin.len == 0 || c->origin.p != data || c->origin.len >= c->text.len)
		abort();
	if (c->n_sigs == 0 || c->n_sigs > SG_MAX_NOTE_SIGS)
		abort();
	for (size_t i = 0; i < c->n_sigs; i++) {
		sg_slice n = c->sigs[i].name;
		if (n.len == 0 || n.p < data + c->text.len || n.p + n.len > data + size)
			abort();
	}
	sg_trust_log log;
	memset(&log, 0, sizeof log);
	log.spki = sg_slice_make(rekor_spki, sizeof rekor_spki);
	if (sg_pubkey_parse(rekor_spki, sizeof rekor_spki, &log.key, NULL) != SG_OK)
		abort();
	log.sig_hash = SG_HASH_SHA256;
	uint8_t hint[4];
	sg_checkpoint_key_hint(&log, hint);
	if (hint[0] != 0xc0 || hint[1] != 0xd2)
		abort();
	sg_err v1 = sg_checkpoint_verify(c, &log, NULL);
	sg_err v2 = sg_checkpoint_verify(c, &log, NULL);
	if (v1 != v2 || (v1 != SG_OK && v1 != SG_ERR_VERIFY_CHECKPOINT))
		abort();
	return 0;
}
