/* Target functions: sg_tsa_check_response, sg_tsa_request_write */
/* Input: one byte k, then min(k mod 21, rest) bytes of the nonce the request sent, then a
 * TSA's answer (a TimeStampResp, as the timestamp client receives it).
 * Invariants: a rejected answer leaves the result all zero; checking twice gives the same
 * answer; an accepted answer is a whole TimeStampResp that sg_tsa_verify accepts too (same
 * genTime and TSA), whose nonce has the magnitude of the one sent (and none when none was
 * sent); the request for the answer's imprint and that nonce is DER that reads back as RFC 3161
 * §2.4.1 says: version 1, SHA-256 with NULL parameters, the digest, the nonce as an unsigned
 * INTEGER of the same magnitude (absent when none), certReq TRUE, nothing else.
 *
 * The fixed trust root is the test PKI of fuzz_tsa (tests/tsa_fixtures.h); the seeds are that
 * harness's openssl answers, prefixed with the nonce they carry or with another. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crypto/hash.h"
#include "parse/der.h"
#include "pki/trustroot.h"
#include "pki/tsa.h"

#include "../tests/tsa_fixtures.h"
#include "fuzz_common.h"

static sg_trustroot tr;

static sg_slice
magnitude(sg_slice v)
{
	while (v.len > 0 && v.p[0] == 0) {
		v.p++;
		v.len--;
	}
	return v;
}

/* The request reads back field by field. */
static void
check_request(const uint8_t digest[32], const uint8_t *nonce, size_t nonce_len)
{
	uint8_t mem[256];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	sg_tsa_request_write(SG_HASH_SHA256, digest, nonce, nonce_len, 1, &b);
	if (b.overflow)
		abort();
	sg_cur c, req, imp, alg;
	sg_slice v, oid;
	int64_t version;
	int cert_req = 0;
	sg_cur_init(&c, b.p, b.len);
	if (sg_der_enter(&c, SG_DER_SEQUENCE, &req, NULL) != SG_OK || c.n != 0 ||
		sg_der_int64(&req, &version, NULL) != SG_OK || version != 1 ||
		sg_der_enter(&req, SG_DER_SEQUENCE, &imp, NULL) != SG_OK ||
		sg_der_enter(&imp, SG_DER_SEQUENCE, &alg, NULL) != SG_OK ||
		sg_der_oid(&alg, &oid, NULL) != SG_OK || sg_der_null(&alg, NULL) != SG_OK ||
		sg_der_leave(&alg, NULL) != SG_OK || sg_der_octets(&imp, &v, NULL) != SG_OK ||
		v.len != 32 || memcmp(v.p, digest, 32) != 0 || sg_der_leave(&imp, NULL) != SG_OK)
		abort();
	static const uint8_t sha256_oid[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
	if (!sg_slice_eq(oid, sg_slice_make(sha256_oid, sizeof sha256_oid)))
		abort();
	if (nonce_len > 0) {
		/* sg_der_uint gives zero as the one octet 00 */
		if (sg_der_uint(&req, &v, NULL) != SG_OK ||
			!sg_slice_eq(magnitude(v), magnitude(sg_slice_make(nonce, nonce_len))))
			abort();
	}
	if (sg_der_bool(&req, &cert_req, NULL) != SG_OK || !cert_req ||
		sg_der_leave(&req, NULL) != SG_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t signed_data[] = "picosign test signature";
	if (tr.n_tsas == 0)
		tsa_fixture_root(&tr, 1);
	if (size == 0)
		return 0;
	size_t k = data[0] % 21u;
	if (k > size - 1)
		k = size - 1;
	const uint8_t *nonce = data + 1, *resp = data + 1 + k;
	size_t resp_len = size - 1 - k;

	sg_tsa_result r1, r2;
	sg_err e1 = sg_tsa_check_response(resp, resp_len, nonce, k, signed_data,
		sizeof signed_data - 1, &tr, &r1, NULL);
	sg_err e2 = sg_tsa_check_response(resp, resp_len, nonce, k, signed_data,
		sizeof signed_data - 1, &tr, &r2, NULL);
	if (e1 != e2 || memcmp(&r1, &r2, sizeof r1) != 0)
		abort();
	if (e1 != SG_OK) {
		if (!fuzz_all_zero(&r1, sizeof r1))
			abort();
	} else {
		sg_tsa_result v;
		if (!r1.is_response ||
			sg_tsa_verify(resp, resp_len, signed_data, sizeof signed_data - 1, &tr, &v,
				NULL) != SG_OK ||
			v.gen_time != r1.gen_time || v.tsa != r1.tsa ||
			!sg_slice_eq(magnitude(r1.nonce), magnitude(sg_slice_make(nonce, k))) ||
			(k > 0 && r1.nonce.len == 0) || !fuzz_inside(r1.nonce, resp, resp_len))
			abort();
	}
	uint8_t digest[32];
	sg_sha256(signed_data, sizeof signed_data - 1, digest);
	check_request(digest, nonce, k);
	return 0;
}
