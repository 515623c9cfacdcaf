/* Target functions: sg_payload_parse, sg_payload_write, sg_payload_write_verified,
 * sg_payload_check_digest */
/* Invariants: a failed parse leaves the output zeroed; parsing is deterministic; for an
 * accepted payload, the verify output element parses back as a payload with the same
 * critical fields, and re-writing the payload from its parsed reference and digest (when the
 * claim is a valid sha256 digest) gives a payload that parses to the same fields; the digest
 * check accepts exactly the claimed digest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"
#include "oci/payload.h"

static uint8_t arena_mem[8u << 20];
static uint8_t out_mem[1u << 20];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sg_payload zero;
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_payload p, p2;
	sg_err e = sg_payload_parse(data, size, &a, &p, NULL);
	sg_err e2 = sg_payload_parse(data, size, &a, &p2, NULL);
	if (e != e2)
		abort();
	if (e != SG_OK) {
		if (memcmp(&p, &zero, sizeof p) != 0)
			abort();
		return 0;
	}
	if (!sg_slice_eq(p.docker_reference, p2.docker_reference) ||
		!sg_slice_eq(p.digest_str, p2.digest_str))
		abort();

	/* the verify output element */
	sg_payload_extra x;
	memset(&x, 0, sizeof x);
	x.has_cert = 1;
	x.subject = sg_slice_str("a@b<c>");
	x.issuer = sg_slice_str("https://issuer");
	x.bundle = sg_slice_str("{\"SignedEntryTimestamp\":\"AAEC\",\"Payload\":{\"body\":\"e30=\","
				"\"integratedTime\":1,\"logIndex\":2,\"logID\":\"00\"}}");
	sg_buf b;
	sg_buf_init(&b, out_mem, sizeof out_mem);
	e = sg_payload_write_verified(data, size, &x, &a, &b, NULL);
	if (e == SG_OK) {
		sg_payload q;
		if (sg_payload_parse(b.p, b.len, &a, &q, NULL) != SG_OK)
			abort();
		if (!sg_slice_eq(q.docker_reference, p.docker_reference) ||
			!sg_slice_eq(q.digest_str, p.digest_str) || q.optional == SG_JSON_NONE)
			abort();
	} else if (e != SG_ERR_UNSUPPORTED && e != SG_ERR_LIMIT) {
		abort();
	}

	/* writer round trip */
	uint8_t dg[32];
	if (sg_oci_digest_parse(p.digest_str.p, p.digest_str.len, "fuzz", dg, NULL) == SG_OK) {
		if (sg_payload_check_digest(&p, dg, NULL) != SG_OK)
			abort();
		dg[0] ^= 1;
		if (sg_payload_check_digest(&p, dg, NULL) == SG_OK)
			abort();
		dg[0] ^= 1;
		sg_buf_init(&b, out_mem, sizeof out_mem);
		if (sg_payload_write(p.docker_reference, dg, NULL, 0, &b, NULL) != SG_OK)
			abort();
		sg_payload q;
		if (sg_payload_parse(b.p, b.len, &a, &q, NULL) != SG_OK ||
			!sg_slice_eq(q.docker_reference, p.docker_reference) ||
			!sg_slice_eq(q.digest_str, p.digest_str) || q.optional != SG_JSON_NONE)
			abort();
	}
	return 0;
}
