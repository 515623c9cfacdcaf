/* Target functions: sg_verify_sig_layer (one cosign .sig layer for an image digest, whole
 * flow: sg_siglayer_entity, sg_bundle_parse_legacy, sg_verify_entity, the claims) */
/* Input: one flags byte (bit 0 --insecure-ignore-tlog, bit 1 --insecure-ignore-sct, bit 2
 * --check-claims=false, bit 3 the -a claim run=fuzz), then four fields, each a big-endian u16
 * length and its bytes: the layer's payload, and its signature, certificate and bundle
 * annotations. The trust root, identity, image digest and time are fixed (verify_fixture.h);
 * no network: the bytes a registry would serve are the input.
 * Invariants: on failure `out` is all zero; two runs from fresh arenas agree on the result and
 * the first failure's code; a success is keyless with a SAN, and verified the log unless it
 * was told to ignore it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "verify/image.h"
#include "verify_fixture.h"

#include "fuzz_image.h"

static uint8_t mem[2][4u << 20];
static sg_verified out[2];

/* The next u16-length-prefixed field; 0 when the input ends first. */
static int
field(sg_cur *c, sg_slice *f)
{
	uint16_t n;
	const uint8_t *p;
	if (sg_cur_u16(c, &n) != SG_OK || sg_cur_take(c, n, &p) != SG_OK)
		return 0;
	*f = sg_slice_make(p, n);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_image_setup();
	sg_cur c;
	sg_cur_init(&c, data, size);
	uint8_t flags;
	sg_sig_layer l;
	memset(&l, 0, sizeof l);
	if (sg_cur_u8(&c, &flags) != SG_OK || !field(&c, &l.payload) ||
		!field(&c, &l.signature_b64) || !field(&c, &l.certificate_pem) ||
		!field(&c, &l.bundle_json))
		return 0;
	l.has_signature = 1;
	sg_image_opts o;
	fuzz_image_opts(flags, &o);
	sg_err e[2], code[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		sg_diag d;
		sg_diag_init(&d, NULL);
		e[r] = sg_verify_sig_layer(&l, fuzz_image, &o, &a, &out[r], &d);
		code[r] = d.code;
		if (e[r] != SG_OK && !fuzz_all_zero(&out[r], sizeof out[r]))
			abort();
	}
	if (e[0] != e[1] || code[0] != code[1])
		abort();
	if (e[0] != SG_OK)
		return 0;
	if (!out[0].keyless || out[0].n_sans == 0 || out[0].n_sans != out[1].n_sans)
		abort();
	if (!o.verify.insecure_ignore_tlog && !out[0].has_tlog)
		abort();
	return 0;
}
