/* timestamp: the RFC 3161 client. See timestamp.h.
 *
 * Implementation notes. The request is RFC 3161 §3.4 "Time-Stamp Protocol via HTTP": POST with
 * Content-Type application/timestamp-query; the answer's type is not checked (the DER is).
 * sigstore-go (pkg/sign/timestamping.go) sends no nonce and certReq FALSE; cosign's legacy
 * client (and this one, as issue #10 asks) sends both: a nonce binds the answer to this
 * request, and certReq lets a verifier without the trusted root see the TSA certificate
 * (picosign itself never trusts an embedded certificate). No redirects: the TSA URL comes
 * from the signing config or the command line. */
#include "online/timestamp.h"

#include <string.h>

#include "crypto/hash.h"
#include "online/fulcio.h"

/* see timestamp.h */
sg_err
sg_timestamp_get(sg_http_client *http, const char *url, sg_http_plain plain, sg_slice signature,
	const uint8_t nonce[SG_TSA_NONCE_LEN], const sg_trustroot *tr, sg_arena *arena,
	sg_slice *resp, sg_tsa_result *out, sg_diag *d)
{
	*resp = sg_slice_make(NULL, 0);
	memset(out, 0, sizeof *out);
	uint8_t h[SG_SHA256_LEN], req_mem[256];
	sg_sha256(signature.p, signature.len, h);
	sg_buf req;
	sg_buf_init(&req, req_mem, sizeof req_mem);
	sg_tsa_request_write(SG_HASH_SHA256, h, nonce, SG_TSA_NONCE_LEN, 1, &req);
	if (sg_buf_status(&req) != SG_OK)
		return sg_diag_fail(d, SG_ERR_INTERNAL, "timestamp request");
	sg_http_header hdr[1] = {
		{sg_slice_str("Content-Type"), sg_slice_str("application/timestamp-query")},
	};
	sg_http_request r;
	memset(&r, 0, sizeof r);
	r.method = "POST";
	r.url = sg_slice_str(url);
	r.headers = hdr;
	r.num_headers = 1;
	r.body = sg_buf_slice(&req);
	r.plain = plain;
	r.no_redirects = 1;
	uint8_t *body;
	SG_TRY(sg_arena_get(arena, SG_MAX_TIMESTAMP_DER, (void **)&body, d));
	sg_http_response hr;
	SG_TRY(sg_http_do(http, &r, body, SG_MAX_TIMESTAMP_DER, &hr, d));
	if (hr.status != 200 && hr.status != 201)
		return sg_service_error(d, SG_ERR_TSA, "Timestamp authority", hr.status, body,
			hr.body_len, arena);
	SG_TRY(sg_tsa_check_response(body, hr.body_len, nonce, SG_TSA_NONCE_LEN, signature.p,
		signature.len, tr, out, d));
	*resp = sg_slice_make(body, hr.body_len);
	return SG_OK;
}
