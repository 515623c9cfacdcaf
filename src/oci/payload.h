/* payload: the cosign simple-signing payload (layer 3; protocol.md §1, §7.2 step 8, §7.3).
 *
 * Writer: exactly the bytes cosign signs (sigstore pkg/signature/payload, Go json.Marshal):
 *   {"critical":{"identity":{"docker-reference":"<REF>"},"image":{"docker-manifest-digest":
 *   "sha256:<hex>"},"type":"cosign container image signature"},"optional":null}
 * compact, no trailing newline, '<' '>' '&' U+2028 U+2029 escaped as Go does; with
 * annotations `optional` is an object of strings with keys sorted bytewise.
 *
 * Parser (verification): strict. The top level holds "critical" (required) and "optional"
 * (absent, null or an object of any values) and nothing else; "critical" holds exactly
 * "identity", "image" and "type"; "identity" exactly a string "docker-reference"; "image"
 * exactly a string "docker-manifest-digest"; "type" must be "cosign container image
 * signature". This is containers/image's rule; cosign itself (Go json.Unmarshal) also accepts
 * unknown members and never checks "type", so picosign refuses a few payloads cosign would
 * accept, never the reverse. The digest claim is kept as the string claimed: cosign compares
 * strings (sg_payload_check_digest).
 *
 * Output element of `verify` (§7.3): the payload re-marshaled as cosign prints it, with
 * "optional" gaining Subject / Issuer / the 1.3.6.1.4.1.57264.1.x keys / Bundle /
 * RFC3161Timestamp, keys sorted bytewise, Go escaping, numbers in Go's float64 form. */
#ifndef SG_PAYLOAD_H
#define SG_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "oci/manifest.h"
#include "parse/json.h"

#define SG_PAYLOAD_TYPE "cosign container image signature"

typedef struct sg_payload {
	sg_json json;
	sg_slice docker_reference; /* unescaped */
	sg_slice digest_str;       /* the claimed "sha256:<hex>", unescaped, unvalidated */
	sg_slice type;
	size_t optional;           /* the "optional" object's token; SG_JSON_NONE if null/absent */
} sg_payload;

/* Write the payload for repository name `docker_reference` (sg_ociref_repo_name) and manifest
 * digest `digest`, with `n` optional annotations (n = 0 gives "optional":null). Errors:
 * SG_ERR_ARG (duplicate annotation key, n > SG_MAX_PAYLOAD_ANNOTATIONS, invalid UTF-8),
 * SG_ERR_LIMIT (buffer full). On failure nothing is added to `out`'s length. */
SG_MUST_USE sg_err sg_payload_write(sg_slice docker_reference, const uint8_t digest[32],
	const sg_oci_annot *optional, size_t n, sg_buf *out, sg_diag *d);

/* Parse `len` bytes of payload (tokens and unescaped strings from `arena`; views live as long
 * as the input and the arena). Errors: SG_ERR_JSON_* for bad JSON, SG_ERR_VERIFY_PAYLOAD (with
 * a detail) for a valid JSON that is not a simple-signing payload. `out` zeroed on failure. */
SG_MUST_USE sg_err sg_payload_parse(const uint8_t *p, size_t len, sg_arena *arena,
	sg_payload *out, sg_diag *d);

/* cosign's claim check: the claimed digest string must equal "sha256:<hex of digest>", else
 * SG_ERR_VERIFY_DIGEST with the message "invalid or missing digest in claim: <claimed>". */
SG_MUST_USE sg_err sg_payload_check_digest(const sg_payload *p, const uint8_t digest[32],
	sg_diag *d);

/* cosign's -a check: every annotation must be present in "optional" as a string with the same
 * value, else SG_ERR_POLICY_ANNOTATION "missing or incorrect annotation". */
SG_MUST_USE sg_err sg_payload_check_annotations(const sg_payload *p, const sg_oci_annot *a,
	size_t n, sg_arena *arena, sg_diag *d);

/* What verification adds to "optional" in the JSON output (§7.3). Slices with p == NULL are
 * absent; `subject`, `issuer` and `github` are used only when has_cert is set (Subject is
 * always written then, "" when empty; Issuer and the GitHub values only when non-empty). */
typedef struct sg_payload_extra {
	int has_cert;
	sg_slice subject;   /* first SAN in cosign's order */
	sg_slice issuer;    /* extension 1.3.6.1.4.1.57264.1.1 */
	sg_slice github[5]; /* 1.2 trigger, 1.3 sha, 1.4 name, 1.5 repository, 1.6 ref */
	sg_slice bundle;    /* the raw dev.sigstore.cosign/bundle annotation text */
	sg_slice rfc3161;   /* the raw dev.sigstore.cosign/rfc3161timestamp annotation text */
} sg_payload_extra;

/* Append one element of cosign verify's JSON array for `payload` (the exact layer bytes) and
 * `x`. Scratch from `arena`. Errors: those of sg_payload_parse, SG_ERR_VERIFY_BUNDLE for a
 * bundle/timestamp annotation that does not have RekorBundle's shape, SG_ERR_UNSUPPORTED for a
 * number in "optional" that cannot be printed exactly as Go would (more than 15 significant
 * digits and not an integer up to 2^53), SG_ERR_LIMIT when `out` is full. */
SG_MUST_USE sg_err sg_payload_write_verified(const uint8_t *payload, size_t len,
	const sg_payload_extra *x, sg_arena *arena, sg_buf *out, sg_diag *d);

/* Append the element cosign v3 prints for a verified bundle (cosign-v3.md §2.4, cosign's
 * transformOutput): {"critical":{"identity":{"docker-reference":<ref>},"image":
 * {"docker-manifest-digest":<digest>},"type":<type>},"optional":<the object `optional` of
 * `j` re-marshaled as Go does, or {} for SG_JSON_NONE>}. Errors as
 * sg_payload_write_verified. */
SG_MUST_USE sg_err sg_payload_write_element(sg_slice ref, sg_slice digest, sg_slice type,
	const sg_json *j, size_t optional, sg_arena *arena, sg_buf *out, sg_diag *d);

#endif
