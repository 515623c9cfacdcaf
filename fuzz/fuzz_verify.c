/* Target functions: sg_verify_entity (whole flow), with sg_bundle_parse and
 * sg_trustroot_parse */
/* Input: one flags byte (bit 0 --insecure-ignore-tlog, bit 1 --insecure-ignore-sct, bit 2
 * cosign's legacy issuer rule, bit 3 expiry_last), then a Sigstore bundle. The trust root,
 * the identity policy, the artifact digest and the time are fixed (verify_fixture.h, made by
 * make-verify-fixtures.sh from picosign's own signature against the local Sigstore peer), so
 * the seeds verify and the fuzzer starts from a passing bundle.
 * Invariants: on failure `out` is all zero (but the failed step, 0-8, and expired_only, set only
 * with expiry_last); two runs from fresh arenas agree on the result, the first failure's code and
 * every field of a success; a success has a trusted signing time and, keyless, a leaf and at
 * least one SAN. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parse/codec.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"
#include "verify/verify.h"
#include "verify_fixture.h"

static uint8_t root_mem[1u << 20];
static uint8_t mem[2][4u << 20];
static sg_trustroot tr;
static sg_policy policy;
static sg_artifact artifact;
static sg_verified out[2];
static sg_entity ent[2];
static int ready;

static void
setup(void)
{
	sg_arena a;
	size_t n;
	sg_arena_init(&a, root_mem, sizeof root_mem);
	if (sg_trustroot_parse(fixture_trusted_root, sizeof fixture_trusted_root, &a, &tr,
		    NULL) != SG_OK ||
		sg_policy_init(&policy, fixture_identity, NULL, fixture_issuer, NULL, NULL) !=
			SG_OK ||
		sg_hex_decode((const uint8_t *)fixture_blob_sha256_hex, 64, artifact.sha256, 32, &n,
			NULL) != SG_OK)
		abort();
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready)
		setup();
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	sg_verify_opts o;
	memset(&o, 0, sizeof o);
	o.trustroot = &tr;
	o.policy = &policy;
	o.insecure_ignore_tlog = flags & 1;
	o.insecure_ignore_sct = (flags >> 1) & 1;
	o.issuer_mode = (flags >> 2) & 1 ? SG_ISSUER_LEGACY : SG_ISSUER_BUNDLE;
	o.expiry_last = (flags >> 3) & 1;
	o.now = FIXTURE_NOW;
	sg_err e[2], code[2];
	for (int r = 0; r < 2; r++) {
		sg_arena a;
		sg_arena_init(&a, mem[r], sizeof mem[r]);
		sg_diag d;
		sg_diag_init(&d, NULL);
		e[r] = sg_bundle_parse(data + 1, size - 1, &a, &ent[r], &d);
		if (e[r] == SG_OK)
			e[r] = sg_verify_entity(&ent[r], &artifact, &o, &a, &out[r], &d);
		else
			memset(&out[r], 0, sizeof out[r]);
		code[r] = d.code;
		if (e[r] != SG_OK) {
			sg_verified z = out[r];
			if (z.expired_only && !(o.expiry_last && e[r] == SG_ERR_VERIFY_EXPIRED))
				abort();
			z.expired_only = 0;
			if (z.failed_step < 0 || z.failed_step > 8)
				abort();
			z.failed_step = 0;
			if (!fuzz_all_zero(&z, sizeof z))
				abort();
		}
	}
	if (e[0] != e[1] || code[0] != code[1] || out[0].expired_only != out[1].expired_only ||
		out[0].failed_step != out[1].failed_step)
		abort();
	if (e[0] != SG_OK)
		return 0;
	const sg_verified *v = &out[0], *w = &out[1];
	if (v->signing_time != w->signing_time || v->has_tlog != w->has_tlog ||
		v->log_index != w->log_index || v->tlog_entries != w->tlog_entries ||
		v->keyless != w->keyless || v->n_sans != w->n_sans)
		abort();
	if (!o.insecure_ignore_tlog && (!v->has_tlog || v->tlog_entries == 0))
		abort();
	if (v->keyless && (v->leaf.der.len == 0 || v->n_sans == 0))
		abort();
	for (size_t i = 0; i < v->n_sans; i++)
		if (!sg_slice_eq(v->sans[i], w->sans[i]))
			abort();
	return 0;
}
