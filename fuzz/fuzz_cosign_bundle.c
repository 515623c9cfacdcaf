/* Target functions: sg_cosign_bundle_parse, then sg_siglayer_entity on what it found */
/* Invariants: parsing is deterministic; a failed parse leaves the output zeroed; on success
 * the signature and the rekorBundle views lie inside the input (the certificate may be
 * decoded into the arena), rekorBundle is exactly one JSON object, and building the legacy
 * entity from the three members is deterministic too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parse/json.h"
#include "sigstore/cosign_bundle.h"
#include "verify/siglayer.h"

static uint8_t arena_mem[16u << 20];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sg_cosign_bundle zero;
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_cosign_bundle b, b2;
	sg_err e = sg_cosign_bundle_parse(data, size, &a, &b, NULL);
	sg_err e2 = sg_cosign_bundle_parse(data, size, &a, &b2, NULL);
	if (e != e2)
		abort();
	if (e != SG_OK) {
		if (memcmp(&b, &zero, sizeof b) != 0)
			abort();
		return 0;
	}
	if (!sg_slice_eq(b.signature_b64, b2.signature_b64) ||
		!sg_slice_eq(b.cert_pem, b2.cert_pem) ||
		!sg_slice_eq(b.rekor_bundle, b2.rekor_bundle))
		abort();
	if (b.signature_b64.len == 0 || !fuzz_inside(b.rekor_bundle, data, size))
		abort();
	if (b.rekor_bundle.len > 0) {
		sg_json j;
		if (b.rekor_bundle.p[0] != '{' || b.rekor_bundle.p[b.rekor_bundle.len - 1] != '}' ||
			sg_json_parse(b.rekor_bundle.p, b.rekor_bundle.len, &a, "rekorBundle", &j,
				NULL) != SG_OK)
			abort();
	}
	sg_sig_layer l;
	memset(&l, 0, sizeof l);
	l.has_signature = 1;
	l.signature_b64 = b.signature_b64;
	l.certificate_pem = b.cert_pem;
	l.bundle_json = b.rekor_bundle;
	sg_entity *en1 = sg_arena_alloc(&a, sizeof *en1), *en2 = sg_arena_alloc(&a, sizeof *en2);
	if (en1 == NULL || en2 == NULL)
		return 0;
	sg_err x1 = sg_siglayer_entity(&l, &a, en1, NULL);
	sg_err x2 = sg_siglayer_entity(&l, &a, en2, NULL);
	if (x1 != x2 ||
		(x1 == SG_OK &&
			(!sg_slice_eq(en1->signature, en2->signature) ||
				en1->n_tlog != en2->n_tlog)))
		abort();
	return 0;
}
