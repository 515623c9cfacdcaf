/* Target functions: sg_referrer_bundle_layer, sg_referrer_bundle_parse,
 * sg_verify_referrer_bundle, sg_referrer_write_element (one cosign v3 bundle referrer for an
 * image digest, whole flow: the manifest's layer rule, the v0.3 minimum, DSSE, sg_verify_entity
 * in sigstore-go's order, the statement's subject and annotations, the predicate type, the
 * output element) */
/* Input: one flags byte (bit 0 --insecure-ignore-tlog, bit 1 --insecure-ignore-sct, bit 2
 * --check-claims=false, bit 3 the -a claim run=fuzz, bit 4 verify-attestation --type
 * slsaprovenance1, else verify's https://sigstore.dev/cosign/sign/v1), a big-endian u16 length
 * and the referrer manifest (may be empty), then the bundle blob. The trust root (with a TSA
 * and a Rekor v2 log), identity, image digest and time are fixed (verify_referrer_fixture.h);
 * no network: the bytes a registry would serve are the input.
 * Invariants: a rejected manifest or bundle leaves its output zeroed, and a failed verification
 * leaves only the failed step; two runs from fresh arenas agree on the result, the first
 * failure's code and message; a layer accepted is the manifest's only layer, of a bundle media
 * type, within SG_MAX_BUNDLE_BLOB; a success is keyless with a SAN, of a statement one of whose
 * subjects is the image (the chosen one, when the claims are checked), of the predicate type
 * asked for, with a verified log entry or timestamp unless the log was ignored, and its output
 * element is JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parse/json.h"
#include "sigstore/intoto.h"
#include "verify/image.h"
#include "verify_referrer_fixture.h"

#include "fuzz_image.h"

static uint8_t mem[2][4u << 20];
static uint8_t out_mem[1u << 16];
static sg_referrer_result out[2];

/* The manifest part: its layer rule, with the zeroing and shape invariants. */
static void
check_manifest(sg_slice man)
{
	static uint8_t amem[1u << 20];
	sg_arena a;
	sg_arena_init(&a, amem, sizeof amem);
	sg_oci_manifest m;
	if (sg_oci_manifest_parse(man.p, man.len, &a, &m, NULL) != SG_OK)
		return;
	const sg_oci_desc *layer = NULL;
	if (sg_referrer_bundle_layer(&m, &layer, NULL) != SG_OK)
		return;
	if (m.kind != SG_OCI_MANIFEST || m.ndescs != 1 || layer != &m.descs[0] ||
		layer->size > (int64_t)SG_MAX_BUNDLE_BLOB || layer->media_type.len < 33 ||
		memcmp(layer->media_type.p, "application/vnd.dev.sigstore.bundle", 33) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_image_setup();
	sg_cur c;
	sg_cur_init(&c, data, size);
	uint8_t flags;
	uint16_t mlen;
	const uint8_t *mp;
	if (sg_cur_u8(&c, &flags) != SG_OK || sg_cur_u16(&c, &mlen) != SG_OK ||
		sg_cur_take(&c, mlen, &mp) != SG_OK)
		return 0;
	check_manifest(sg_slice_make(mp, mlen));
	const uint8_t *blob = c.p;
	size_t blob_len = c.n;

	sg_image_opts o;
	fuzz_image_opts(flags, &o);
	const char *want =
		(flags >> 4) & 1 ? "https://slsa.dev/provenance/v1" : SG_INTOTO_COSIGN_SIGN;
	sg_err e[2], code[2];
	char msg[2][SG_DIAG_DETAIL_MAX];
	sg_arena a[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		sg_diag d;
		sg_diag_init(&d, NULL);
		sg_entity ent;
		e[r] = sg_referrer_bundle_parse(blob, blob_len, &a[r], &ent, &d);
		if (e[r] != SG_OK) {
			if (!fuzz_all_zero(&ent, sizeof ent))
				abort();
			memset(&out[r], 0, sizeof out[r]);
		} else {
			if (ent.media_minor < 3)
				abort();
			e[r] = sg_verify_referrer_bundle(&ent, fuzz_image, &o, want, &a[r], &out[r], &d);
			if (e[r] != SG_OK) {
				int step = out[r].v.failed_step;
				out[r].v.failed_step = 0;
				if (step < 0 || step > 8 || !fuzz_all_zero(&out[r], sizeof out[r]))
					abort();
			}
		}
		code[r] = d.code;
		sg_diag_format(&d, msg[r], sizeof msg[r]);
	}
	if (e[0] != e[1] || code[0] != code[1] || strcmp(msg[0], msg[1]) != 0)
		abort();
	if (e[0] != SG_OK)
		return 0;
	const sg_referrer_result *r = &out[0];
	if (!r->v.keyless || r->v.n_sans == 0 || r->v.n_sans != out[1].v.n_sans)
		abort();
	if (!o.verify.insecure_ignore_tlog && !r->v.has_tlog)
		abort();
	if (!sg_intoto_has_digest(&r->st, SG_HASH_SHA256, fuzz_image, 32) ||
		r->subject >= r->st.n_subjects || !sg_slice_eq_str(r->st.predicate_type, want))
		abort();
	if (o.check_claims && memcmp(r->st.subjects[r->subject].sha256, fuzz_image, 32) != 0)
		abort();
	sg_buf b;
	sg_buf_init(&b, out_mem, sizeof out_mem);
	sg_json j;
	if (sg_referrer_write_element(r, sg_slice_str("registry.test/app"), &a[0], &b, NULL) ==
			SG_OK &&
		sg_json_parse(b.p, b.len, &a[0], "element", &j, NULL) != SG_OK)
		abort();
	return 0;
}
