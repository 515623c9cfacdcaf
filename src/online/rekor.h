/* rekor: the Rekor clients (layer 6): Rekor v1 hashedrekord and dsse entries (protocol.md
 * §6.1, cosign-v3.md §1.5) and Rekor v2 hashedrekord 0.0.2 entries (cosign-v3.md §3.4).
 *
 *   POST <base>/api/v1/log/entries
 *   {"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256",
 *    "value":"<hex>"}},"signature":{"content":"<b64 DER sig>","publicKey":{"content":
 *    "<b64 of the PEM certificate>"}}}}
 *
 * written in RFC 8785 canonical member order, which is also the body Rekor stores for it.
 * The answer (201) is {"<entry id>":{"body":b64,"integratedTime":N,"logID":"<hex>",
 * "logIndex":N,"verification":{"inclusionProof":{...hex...},"signedEntryTimestamp":b64}}};
 * it is read into an sg_tlog_entry (hex logID, rootHash and hashes decoded to bytes) so that
 * tlog.h's sg_tlog_verify_set / sg_tlog_verify_proof check it. A 409 (the entry exists) is
 * followed by a GET of the existing entry, as cosign does.
 *
 * Nothing here verifies the SET or the proof: the sign flow does, before anything is used. */
#ifndef SG_REKOR_H
#define SG_REKOR_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/hash.h"
#include "sigstore/tlog.h"
#include "sys/http.h"

#define SG_REKOR_DEFAULT_URL "https://rekor.sigstore.dev"
#define SG_REKOR_STAGING_URL "https://rekor.sigstage.dev"
/* An entry id: 16 hex of the tree id and 64 hex of the leaf hash, or the 64 alone. */
#define SG_REKOR_UUID_MAX 80u

/* Write the hashedrekord 0.0.1 proposal for a SHA-256 `digest`, a DER signature and the
 * signer's PEM (certificate or public key) into `out`. SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_rekor_build_hashedrekord(const uint8_t digest[SG_SHA256_LEN],
	const uint8_t *sig, size_t sig_len, sg_slice pem, sg_buf *out, sg_diag *d);

/* One log entry as the Rekor API returned it. */
typedef struct sg_rekor_entry {
	char uuid[SG_REKOR_UUID_MAX + 1]; /* the entry id, NUL-terminated */
	sg_slice body_b64;     /* "body" exactly as returned (a view into the answer) */
	char log_id_hex[65];   /* "logID", NUL-terminated */
	int has_proof;         /* verification.inclusionProof was present */
	sg_tlog_entry tle;     /* log_index, log_id (32 bytes), integrated_time, body (decoded),
	                        * set, proof (decoded; checkpoint unescaped); kind and version
	                        * are left empty: they come from the body */
} sg_rekor_entry;

/* Parse an entry answer: a JSON object with exactly one member whose name is the entry id (64
 * or 80 lowercase hex) and whose value has body (standard padded base64, non-empty),
 * integratedTime, logIndex (JSON integers >= 0), logID (64 lowercase hex) and verification
 * with signedEntryTimestamp (standard base64) and, optionally, inclusionProof (checkpoint
 * string, hashes: up to SG_MAX_PROOF_HASHES 64-hex strings, logIndex, rootHash: 64 hex,
 * treeSize; logIndex < treeSize). The last 64 hex of the id must equal the RFC 6962 leaf hash
 * of the decoded body. Unknown members are ignored. Decoded bytes live in the arena; views
 * point into `json`. Errors: SG_ERR_REKOR (shape, with the member named), SG_ERR_LIMIT. `out`
 * is zeroed on failure. */
SG_MUST_USE sg_err sg_rekor_parse_entry(
	const uint8_t *json, size_t len, sg_arena *arena, sg_rekor_entry *out, sg_diag *d);

/* Interpret an upload answer of status `status`: 201 gives sg_rekor_parse_entry; 409 gives
 * SG_ERR_REKOR with *conflict = 1 (the caller fetches the existing entry); anything else
 * SG_ERR_REKOR "Rekor returned <status> <reason>: <message>". */
SG_MUST_USE sg_err sg_rekor_parse_upload(int status, const uint8_t *body, size_t len,
	sg_arena *arena, sg_rekor_entry *out, int *conflict, sg_diag *d);

/* The whole exchange: POST `proposed` (from sg_rekor_build_hashedrekord) to
 * <base_url>/api/v1/log/entries and parse the answer. On 409, GET the existing entry named by
 * the Location header (resolved against base_url, same origin only) or, without one, by the
 * UUID in the message; it must answer 200 with an entry whose id matches; *existed is then 1.
 * Errors: those of sg_http_do, SG_ERR_REKOR, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_rekor_upload(sg_http_client *http, const char *base_url,
	sg_http_plain plain, sg_slice proposed, sg_arena *arena, sg_rekor_entry *out,
	int *existed, sg_diag *d);

/* Write the Rekor v1 dsse 0.0.1 proposal (cosign-v3.md §1.5; rekor pkg/types/dsse/v0.0.1):
 * {"apiVersion":"0.0.1","kind":"dsse","spec":{"proposedContent":{"envelope":"<the envelope
 * JSON, as a string>","verifiers":["<base64 of the PEM certificate or public key>"]}}}.
 * Rekor stores sha256 of the envelope string as envelopeHash, which no verifier recomputes,
 * so its exact bytes are free. Scratch from `arena`. SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_rekor_build_dsse(sg_slice envelope, sg_slice pem, sg_arena *arena,
	sg_buf *out, sg_diag *d);

/* Rekor v2 (rekor-tiles): POST <base_url>/api/v2/log/entries with a hashedRekordRequestV002
 * for a SHA-256 `digest` (the artifact's, or for DSSE the PAE's) signed by `sig`, with the
 * verifier a DER certificate (`is_cert`) or a DER SubjectPublicKeyInfo, key details
 * PKIX_ECDSA_P256_SHA_256 (cosign-v3.md §3.4). The answer (201) is a TransparencyLogEntry,
 * parsed into `out` (sg_bundle_parse_tlog_entry: inclusion proof with checkpoint, no SET);
 * nothing here verifies it. Errors: those of sg_http_do; SG_ERR_REKOR "Rekor returned <status>
 * <reason>: <message>" for any other status (409 included: v2 has no lookup of an existing
 * entry); those of the parser. */
SG_MUST_USE sg_err sg_rekor2_upload(sg_http_client *http, const char *base_url,
	sg_http_plain plain, const uint8_t digest[SG_SHA256_LEN], sg_slice sig, sg_slice verifier,
	int is_cert, sg_arena *arena, sg_tlog_entry *out, sg_diag *d);

/* Entries one search keeps: Rekor answers at most 10 per query. */
#define SG_REKOR_SEARCH_MAX 10u

/* Find the entries Rekor holds for `proposed` (from sg_rekor_build_hashedrekord: the same
 * digest, signature and key), as cosign v2 does for a signature without a bundle: POST
 * <base_url>/api/v1/log/entries/retrieve {"entries":[<proposed>]}, answered by a JSON array of
 * entry objects (sg_rekor_parse_entry each; at most `cap`, and SG_REKOR_SEARCH_MAX). *n is 0
 * when Rekor knows none. Nothing here is trusted: the caller verifies each entry (body, SET,
 * inclusion proof) as it would a bundle's. Errors: those of sg_http_do, SG_ERR_REKOR (a status
 * other than 200, or an answer of another shape), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_rekor_search(sg_http_client *http, const char *base_url,
	sg_http_plain plain, sg_slice proposed, sg_arena *arena, sg_rekor_entry *out, size_t cap,
	size_t *n, sg_diag *d);

#endif
