/* dsse: DSSE envelopes (rank 4).
 *
 * DSSE (github.com/secure-systems-lab/dsse, envelope.md and protocol.md): an envelope
 * {"payload": b64, "payloadType": str, "signatures": [{"sig": b64, "keyid": str}]}; each
 * signature is over PAE(payloadType, payload) =
 *   "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * with LEN the ASCII decimal byte count, no leading zeros, and body the decoded payload. The statement a DSSE payload usually carries is intoto.h. */
#ifndef SG_DSSE_H
#define SG_DSSE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "parse/json.h"

#define SG_DSSE_PAYLOAD_TYPE_INTOTO "application/vnd.in-toto+json"

typedef struct sg_dsse_sig {
	sg_slice sig;   /* decoded signature bytes */
	sg_slice keyid; /* may be empty */
} sg_dsse_sig;

typedef struct sg_dsse_envelope {
	sg_slice payload_type;
	sg_slice payload; /* decoded payload bytes */
	sg_dsse_sig sigs[SG_MAX_DSSE_SIGS];
	size_t n_sigs;
} sg_dsse_envelope;

/* Parse the envelope object at token `obj` of a parsed document (a bundle's dsseEnvelope).
 * Required: payload (base64), payloadType (string), signatures (1..SG_MAX_DSSE_SIGS objects
 * with a non-empty base64 "sig"; "keyid" optional). Decoded bytes live in `arena`.
 * Errors: SG_ERR_JSON_*, SG_ERR_B64_*, SG_ERR_VERIFY_DSSE (no signatures, empty signature),
 * SG_ERR_LIMIT. `out` zeroed on failure. */
SG_MUST_USE sg_err sg_dsse_parse_json(
	const sg_json *j, size_t obj, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d);

/* The same for a standalone envelope document of at most SG_MAX_JSON bytes. */
SG_MUST_USE sg_err sg_dsse_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_dsse_envelope *out, sg_diag *d);

/* Byte length of PAE(type, payload); 0 when it would overflow size_t. */
size_t sg_dsse_pae_len(size_t type_len, size_t payload_len);
/* Append PAE(type, payload) to `out`; SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_dsse_pae(sg_slice type, sg_slice payload, sg_buf *out);
/* Hash PAE(type, payload) with `alg` without building it; out holds sg_hash_len(alg) bytes. */
void sg_dsse_pae_hash(sg_hash_alg alg, sg_slice type, sg_slice payload, uint8_t *out);

/* Append the envelope with one signature as Go's encoding/json writes the protobuf-specs
 * struct (cosign-v3.md §1.5): {"payload":"<b64>","payloadType":"<type>","signatures":
 * [{"sig":"<b64>"}]}, compact (no keyid: it is empty). These are the bytes sigstore-go submits
 * to Rekor's dsse kind and cosign verify-attestation prints. Scratch from `arena`. Errors:
 * SG_ERR_LIMIT, SG_ERR_ARG (a payload type that is not UTF-8). */
SG_MUST_USE sg_err sg_dsse_write(sg_slice type, sg_slice payload, sg_slice sig, sg_arena *arena,
	sg_buf *out, sg_diag *d);

#endif
