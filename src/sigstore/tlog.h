/* tlog: Rekor transparency-log evidence, all offline (layer 3; protocol.md §6, §8.4).
 *
 *   - sg_tlog_entry: one log entry as a bundle (tlogEntries[]) or the cosign legacy annotation
 *     carries it; filled by bundle.c, checked here.
 *   - The Signed Entry Timestamp (SET): ECDSA over the RFC 8785 canonical JSON of
 *     {body, integratedTime, logID, logIndex}, with the log key chosen by logID and validFor.
 *   - The RFC 6962 / RFC 9162 §2.1.3.2 inclusion proof of the entry's leaf against a root hash.
 *   - The checkpoint: a C2SP signed note ("origin\nsize\nroot\n[ext\n]\n— name sig\n"), parsed
 *     and verified with the log key; its size and root must equal the proof's.
 *   - Entry bodies (canonicalizedBody JSON) of kinds hashedrekord 0.0.1/0.0.2, dsse 0.0.1 and
 *     intoto 0.0.2, exposing the fields the verify flow compares with the bundle.
 *
 * Rekor v2 (hashedrekord 0.0.2, Ed25519 log keys, protocol.md §8.4): checkpoints are C2SP
 * signed notes verified with ed25519.h under the log's baseUrl host name, as sigstore-go does.
 * A v2 entry has no SET; its time must come from an RFC 3161 timestamp (not this module). */
#ifndef SG_TLOG_H
#define SG_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "pki/trustroot.h"
#include "sigstore/checkpoint.h"
#include "sigstore/merkle.h"

#define SG_TLOG_HASH_LEN SG_MERKLE_HASH_LEN

/* The inclusion proof of a bundle entry (InclusionProof). */
typedef struct sg_tlog_proof {
	int present;
	int64_t log_index; /* index within the tree (shard-local for Rekor v1) */
	int64_t tree_size;
	uint8_t root_hash[SG_TLOG_HASH_LEN];
	const uint8_t *hashes; /* n_hashes * 32 bytes, the audit path from the leaf upwards */
	size_t n_hashes;
	sg_slice checkpoint; /* checkpoint.envelope, the note text (unescaped); len 0 if none */
} sg_tlog_proof;

/* One transparency-log entry (TransparencyLogEntry). Views point into the document or the
 * arena the bundle parser was given. */
typedef struct sg_tlog_entry {
	int64_t log_index;             /* the global index (the one the SET signs) */
	uint8_t log_id[SG_MAX_KEY_ID]; /* logId.keyId (legacy: the hex logID, decoded) */
	size_t log_id_len;
	sg_slice kind;           /* kindVersion.kind, e.g. "hashedrekord" */
	sg_slice version;        /* kindVersion.version, e.g. "0.0.1" */
	int64_t integrated_time; /* Unix seconds; meaningful when has_integrated_time */
	int has_integrated_time; /* 0 for Rekor v2 ("0" or absent) */
	sg_slice body;           /* canonicalizedBody, base64-decoded */
	sg_slice set;            /* inclusionPromise.signedEntryTimestamp (DER); len 0 if none */
	sg_tlog_proof proof;
	int rekor_v2; /* kind hashedrekord version 0.0.2 */
} sg_tlog_entry;

/* The trusted log for an entry: logId equal to the entry's, and, when the entry has an
 * integrated time, a validFor window containing it (sigstore-go: "rekor log public key not
 * valid at payload integrated time"). NULL when none. */
const sg_trust_log *sg_tlog_find_log(const sg_trustroot *tr, const sg_tlog_entry *e);

/* ---- SET ---- */

/* Write the SET message, {"body":"<std base64 of body>","integratedTime":N,"logID":"<hex>",
 * "logIndex":N} (RFC 8785 canonical: members in that order, no whitespace), into `out`.
 * SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_tlog_set_message(const sg_tlog_entry *e, sg_buf *out);

/* Verify the entry's SET with `log` (normally sg_tlog_find_log's answer). The message buffer
 * comes from `arena`. Errors: SG_ERR_VERIFY_TLOG_MISSING (no SET or no integrated time),
 * SG_ERR_VERIFY_SET (bad signature), SG_ERR_UNSUPPORTED (the log key cannot verify),
 * SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_tlog_verify_set(
	const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d);

/* ---- the proof of an entry ---- */

/* The whole proof check of an entry: leaf hash of the body, inclusion proof to the proof's
 * root hash, checkpoint parsed, signed by `log`, and with size and root equal to the proof's.
 * For Rekor v2 entries the proof's logIndex must also equal the entry's (sigstore-go proves
 * the entry's logIndex). The inclusion is checked before the signature.
 * Errors: SG_ERR_VERIFY_TLOG_MISSING (no proof or no checkpoint), SG_ERR_VERIFY_INCLUSION,
 * SG_ERR_VERIFY_CHECKPOINT, SG_ERR_UNSUPPORTED, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_tlog_verify_proof(
	const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d);

/* ---- entry bodies ---- */

typedef enum sg_tlog_kind {
	SG_TLOG_KIND_UNKNOWN = 0,
	SG_TLOG_HASHEDREKORD = 1, /* 0.0.1 (Rekor v1) or 0.0.2 (Rekor v2) */
	SG_TLOG_DSSE = 2,         /* 0.0.1 */
	SG_TLOG_INTOTO = 3,       /* 0.0.2 */
} sg_tlog_kind;

/* How a verifier is encoded in a body. */
typedef enum sg_tlog_verifier_form {
	SG_TLOG_VERIFIER_NONE = 0,
	SG_TLOG_VERIFIER_PEM = 1,      /* PEM text: CERTIFICATE or PUBLIC KEY (v1 kinds) */
	SG_TLOG_VERIFIER_DER_CERT = 2, /* DER certificate (hashedrekord 0.0.2 x509Certificate) */
	SG_TLOG_VERIFIER_DER_SPKI = 3, /* DER SPKI (hashedrekord 0.0.2 publicKey) */
} sg_tlog_verifier_form;

typedef struct sg_tlog_sig {
	sg_slice sig;      /* signature bytes (decoded) */
	sg_slice verifier; /* key or certificate bytes (decoded), in `form` */
	sg_tlog_verifier_form form;
} sg_tlog_sig;

typedef struct sg_tlog_hash {
	sg_hash_alg alg; /* 0 when absent */
	uint8_t value[SG_HASH_MAX_LEN];
	size_t len;
} sg_tlog_hash;

/* A parsed canonicalizedBody. Which members are filled depends on the kind:
 *   hashedrekord 0.0.1: sigs[0] (signature.content, publicKey.content as PEM), data_hash
 *     (data.hash, hex).
 *   hashedrekord 0.0.2: sigs[0] (signature.content, verifier DER cert or SPKI), data_hash
 *     (data.digest, base64; algorithm SHA2_256/384/512), key_details.
 *   dsse 0.0.1: sigs[] (signature, verifier PEM), payload_hash, envelope_hash.
 *   intoto 0.0.2: sigs[] (envelope sig, decoded twice when Rekor double-encoded it, and
 *     publicKey PEM), payload_hash, envelope_hash (spec.content.hash), payload_type and
 *     payload (envelope.payload, decoded the same way) when present. */
typedef struct sg_tlog_body {
	sg_tlog_kind kind;
	sg_slice kind_str;    /* "kind" */
	sg_slice api_version; /* "apiVersion" */
	int rekor_v2;
	sg_tlog_sig sigs[SG_MAX_DSSE_SIGS];
	size_t n_sigs;
	sg_tlog_hash data_hash;
	sg_tlog_hash payload_hash;
	sg_tlog_hash envelope_hash;
	sg_slice key_details;
	sg_slice payload_type;
	sg_slice payload;
	int has_payload;
} sg_tlog_body;

/* Parse an entry body (JSON, at most SG_MAX_JSON bytes). Kinds other than the four above give
 * SG_ERR_UNSUPPORTED; a body that lacks a field its kind needs SG_ERR_JSON_MISSING / _TYPE, bad
 * hex/base64 SG_ERR_HEX / SG_ERR_B64_*, an unknown hash algorithm SG_ERR_VERIFY_TLOG_BODY.
 * Decoded bytes live in `arena`; `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_tlog_body_parse(
	const uint8_t *body, size_t len, sg_arena *arena, sg_tlog_body *out, sg_diag *d);

#endif
