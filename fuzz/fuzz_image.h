/* fuzz_image: the fixed world of the two image harnesses, fuzz_verify_image (a legacy .sig
 * layer) and fuzz_verify_referrer (a cosign v3 bundle referrer), header-only. Include it after
 * the harness's fixture header (verify_fixture.h or verify_referrer_fixture.h), whose trust
 * root, identity, issuer, image digest and time it reads. */
#ifndef SG_FUZZ_IMAGE_H
#define SG_FUZZ_IMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/codec.h"
#include "pki/trustroot.h"
#include "sigstore/policy.h"
#include "verify/image.h"

static uint8_t fuzz_root_mem[1u << 20];
static sg_trustroot fuzz_tr;
static sg_policy fuzz_policy;
static uint8_t fuzz_image[32];

/* Parse the fixture once (the first input). */
static void
fuzz_image_setup(void)
{
	static int ready;
	sg_arena a;
	size_t n;
	if (ready)
		return;
	sg_arena_init(&a, fuzz_root_mem, sizeof fuzz_root_mem);
	if (sg_trustroot_parse(fixture_trusted_root, sizeof fixture_trusted_root, &a, &fuzz_tr,
		    NULL) != SG_OK ||
		sg_policy_init(&fuzz_policy, fixture_identity, NULL, fixture_issuer, NULL, NULL) !=
			SG_OK ||
		sg_hex_decode((const uint8_t *)fixture_image_sha256_hex, 64, fuzz_image, 32, &n,
			NULL) != SG_OK)
		abort();
	ready = 1;
}

/* The options of a flags byte: bit 0 --insecure-ignore-tlog, bit 1 --insecure-ignore-sct, bit
 * 2 --check-claims=false, bit 3 the -a claim run=fuzz. */
static void
fuzz_image_opts(uint8_t flags, sg_image_opts *o)
{
	static const sg_oci_annot claim = {{(const uint8_t *)"run", 3},
		{(const uint8_t *)"fuzz", 4}};
	memset(o, 0, sizeof *o);
	o->verify.trustroot = &fuzz_tr;
	o->verify.policy = &fuzz_policy;
	o->verify.insecure_ignore_tlog = flags & 1;
	o->verify.insecure_ignore_sct = (flags >> 1) & 1;
	o->verify.now = FIXTURE_NOW;
	o->check_claims = !((flags >> 2) & 1);
	if ((flags >> 3) & 1) {
		o->annots = &claim;
		o->n_annots = 1;
	}
}

#endif
