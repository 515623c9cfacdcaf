/* trustroot: the parsed trusted_root.json (layer 3): Fulcio CAs, Rekor logs, CT logs and TSAs,
 * each with its validity window (protocol.md §8.2, protobuf-specs sigstore_trustroot.proto).
 * Media types accepted: application/vnd.dev.sigstore.trustedroot+json;version=0.1,
 * application/vnd.dev.sigstore.trustedroot.v0.1+json and ...v0.2+json.
 *
 * Decoded bytes (certificates, keys) live in the arena given to the parser; the struct holds
 * views into it. Lists are multi-valued with overlapping windows (key rotation).
 *
 * Keys: publicKey.rawBytes is a DER SubjectPublicKeyInfo, except for keyDetails
 * PKCS1_RSA_PKCS1V5 (an old CT log form, seen in the staging root) where it is a PKCS#1
 * RSAPublicKey; both give an sg_pubkey. Keys we cannot verify with (Ed25519, P-521, RSA-PSS,
 * unknown keyDetails) are kept with key.type SG_KEY_ED25519 / SG_KEY_NONE so lookups by key id
 * still find them and the verifier can say "unsupported" instead of "unknown log".
 * Strictness (as sigstore-go): tlogs and ctlogs need publicKey.validFor.start; CA/TSA validFor
 * is optional (an absent start is open-ended); a certificate chain needs 1..SG_MAX_CHAIN
 * certificates, each a single DER SEQUENCE. */
#ifndef SG_TRUSTROOT_H
#define SG_TRUSTROOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/pubkey.h"

/* An inclusive time window in Unix seconds; `end` is INT64_MAX when open-ended. */
typedef struct sg_time_range {
	int64_t start;
	int64_t end;
} sg_time_range;

/* 1 when start <= t <= end. */
int sg_time_range_contains(const sg_time_range *r, int64_t t);

#define SG_MAX_KEY_ID 64u

/* A transparency log or CT log instance (TransparencyLogInstance). */
typedef struct sg_trust_log {
	uint8_t key_id[SG_MAX_KEY_ID]; /* logId.keyId, opaque (= SHA-256 of the SPKI for v1/CT) */
	size_t key_id_len;
	uint8_t checkpoint_key_id[SG_MAX_KEY_ID]; /* v0.2 checkpointKeyId, when present */
	size_t checkpoint_key_id_len;
	sg_slice spki;        /* publicKey.rawBytes, decoded (in the arena) */
	sg_pubkey key;        /* parsed from spki; type SG_KEY_ED25519 is kept but unusable */
	/* An EC key from trusted_root.json is checked to lie on its curve only when first used
	 * (sg_trustroot_log_key_ready): SG_TRUST_KEY_* in the arena, shared by the threads that
	 * share the root. NULL: checked in full when parsed (PEM keys, keys built by hand). */
	_Atomic int *key_state;
	sg_slice key_details; /* e.g. "PKIX_ECDSA_P256_SHA_256", a view into the JSON */
	sg_hash_alg hash;     /* hashAlgorithm: the Merkle tree hash (SHA2_256 for every log) */
	sg_hash_alg sig_hash; /* the signature digest implied by keyDetails (0 when unusable) */
	sg_time_range valid;  /* publicKey.validFor */
	sg_slice base_url;    /* a view into the JSON */
} sg_trust_log;

/* A certificate authority or timestamp authority (CertificateAuthority). */
typedef struct sg_trust_ca {
	sg_slice certs[SG_MAX_CHAIN]; /* DER, leaf-most first; the last one is the trust anchor */
	size_t n_certs;
	sg_time_range valid; /* validFor */
	sg_slice uri;        /* a view into the JSON */
	/* certs[i]'s key: its on-curve verdict for the process, n_certs of them in the arena, or
	 * NULL (PEM files): see sg_trustroot_ca_key_ready. */
	struct sg_trust_key_memo *key_memo;
} sg_trust_ca;

/* One CA certificate's key verdict. `der` is the certificate it is about, as parsed from the
 * root: a copy of the root whose certs[] were rearranged finds its slices differ and keeps no
 * verdict for them. */
typedef struct sg_trust_key_memo {
	sg_slice der;
	_Atomic int state; /* SG_TRUST_KEY_* */
} sg_trust_key_memo;

typedef struct sg_trustroot {
	sg_trust_ca cas[SG_MAX_TRUST_ENTRIES];
	size_t n_cas;
	sg_trust_log tlogs[SG_MAX_TRUST_ENTRIES];
	size_t n_tlogs;
	sg_trust_log ctlogs[SG_MAX_TRUST_ENTRIES];
	size_t n_ctlogs;
	sg_trust_ca tsas[SG_MAX_TRUST_ENTRIES];
	size_t n_tsas;
} sg_trustroot;

/* Parse trusted_root.json (at most SG_MAX_JSON bytes). Decoded material is allocated from
 * `arena`; views into `json` stay valid while `json` is alive. On failure `out` is zeroed.
 * Errors: SG_ERR_JSON_*, SG_ERR_B64_*, SG_ERR_VERIFY_TRUST_ROOT (wrong media type, bad key or
 * certificate, inconsistent entry), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_trustroot_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_trustroot *out, sg_diag *d);

/* The log in logs[0..n) whose key id equals key_id[0..len) and whose window contains `t`
 * (pass INT64_MIN to ignore time). NULL when none. */
const sg_trust_log *sg_trustroot_find_log(
	const sg_trust_log *logs, size_t n, const uint8_t *key_id, size_t len, int64_t t);

/* Like sg_trustroot_find_log, but matching the 4-byte signed-note key hint against the first
 * bytes of checkpoint_key_id (v0.2) or else key_id. `start` is the index to search from, so
 * callers can try every candidate: returns the index found, or n when none. */
size_t sg_trustroot_find_log_by_hint(
	const sg_trust_log *logs, size_t n, size_t start, const uint8_t hint[4]);

/* The parts of a trusted root cosign's environment can give as PEM files (cosign
 * pkg/cosign/env: SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY,
 * SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, SIGSTORE_TSA_CERTIFICATE_FILE). */
typedef enum sg_trustroot_part {
	SG_TRUST_PART_FULCIO = 0, /* CERTIFICATEs: self-signed roots and their intermediates */
	SG_TRUST_PART_REKOR = 1,  /* one PUBLIC KEY: a Rekor v1 log */
	SG_TRUST_PART_CTLOG = 2,  /* one PUBLIC KEY: a CT log */
	SG_TRUST_PART_TSA = 3,    /* CERTIFICATEs: the TSA's signing certificate, any
				   * intermediates and the root */
} sg_trustroot_part;

/* Add PEM material `pem` (at most SG_MAX_PEM_FILE bytes) to `tr` as `part`, as cosign reads
 * these files:
 *   - certificates: every CERTIFICATE block; a self-issued one (subject = issuer) is a trust
 *     anchor, and the others are linked below it by issuer = subject into one authority per
 *     anchor, leaf-most first (cosign puts self-signed certificates in its root pool and the
 *     rest in its intermediate pool). A certificate linked to no anchor, or no anchor, is an
 *     error. Validity windows are open: the certificates' own validity still applies.
 *   - keys: exactly one PUBLIC KEY block (cosign reads one); its log id is SHA-256 of the
 *     DER SPKI (RFC 6962 §3.2, as cosign's GetTransparencyLogID), its window open, its Merkle
 *     hash SHA-256 (every Rekor v1 tree).
 * Decoded bytes go to the arena. Errors: SG_ERR_PEM_*, SG_ERR_DER_*, SG_ERR_X509_*,
 * SG_ERR_VERIFY_TRUST_ROOT ("no self-signed root certificate", "holds N public keys", a
 * list full at SG_MAX_TRUST_ENTRIES), SG_ERR_LIMIT. On failure `tr` is unchanged. */
SG_MUST_USE sg_err sg_trustroot_add_pem(sg_trustroot *tr, sg_trustroot_part part,
	const uint8_t *pem, size_t len, sg_arena *arena, sg_diag *d);

enum { SG_TRUST_KEY_UNCHECKED = 0, SG_TRUST_KEY_GOOD = 1, SG_TRUST_KEY_BAD = 2 };

/* Finish the check of a log's key before its first use: a trusted root has keys for every log
 * and CT log that ever signed, a bundle uses one or two, and the on-curve check of an EC key is
 * a scalar multiplication (about 8% of a verify-blob). The verdict is remembered in the
 * root, for every later image of the process; two threads may both compute it, and store the
 * same value. SG_ERR_VERIFY_TRUST_ROOT under `what`, naming the key (its id and log URL), when
 * the point is not on its curve. sg_trustroot_log_verify and the SCT and checkpoint checks
 * call it; a caller using log->key itself must too. */
SG_MUST_USE sg_err sg_trustroot_log_key_ready(const sg_trust_log *log, const char *what,
	sg_diag *d);

/* The key of certs[i] of `ca`, parsed by sg_x509_parse (the on-curve check deferred), made
 * ready before it verifies a signature: the verdict on certs[i]'s key is computed once per
 * process and kept in the root, like a log key's (when certs[i] is still the certificate the
 * root was parsed with), and `key`'s own deferred check is then cleared. The intermediate
 * that issues every Fulcio leaf is so checked once per process instead of once per bundle
 * (issue #15: what repeats across images). SG_ERR_VERIFY_CHAIN under `what` when the point is
 * not on its curve; SG_OK, leaving the check to the key's first use, when the CA keeps no
 * verdicts. */
SG_MUST_USE sg_err sg_trustroot_ca_key_ready(const sg_trust_ca *ca, size_t i, sg_pubkey *key,
	const char *what, sg_diag *d);

/* Verify `sig` over `msg` with a log's key (ECDSA or RSA, hashed with the log's signature
 * hash, SHA-256 by default): a SET or a Rekor v1 checkpoint. Any verification failure is
 * recorded as `code` under `what`; SG_ERR_UNSUPPORTED for a key this build cannot use. */
SG_MUST_USE sg_err sg_trustroot_log_verify(const sg_trust_log *log, const uint8_t *msg,
	size_t len, const uint8_t *sig, size_t sig_len, sg_err code, const char *what, sg_diag *d);

#endif
