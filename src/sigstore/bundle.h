/* bundle: Sigstore bundles v0.1-v0.3 and the cosign legacy bundle annotation, read into one
 * sg_entity (layer 3; protocol.md §8.1, §6.3, §8.5).
 *
 * An sg_entity is what the verify flow checks: the signed content (a message signature over
 * an artifact digest, or a DSSE envelope), the verification material (a leaf certificate and
 * optional chain, or a public-key hint), the transparency-log entries and the RFC 3161
 * timestamps. The parser checks shape and the per-version rules of the bundle spec; it never
 * verifies a signature, a certificate or a proof (that is verify's job, with tlog and x509).
 *
 * Accepted media types: application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3 and
 * application/vnd.dev.sigstore.bundle.v0.1|v0.2|v0.3+json. Rules enforced (sigstore-go
 * bundle.validate, protobuf-specs comments):
 *   - exactly one of messageSignature / dsseEnvelope; a DSSE envelope has exactly 1 signature;
 *   - exactly one of certificate / x509CertificateChain (non-empty) / publicKey;
 *     x509CertificateChain is not allowed in v0.3;
 *   - v0.1: every tlog entry has an inclusionPromise; v0.2+: every entry has an inclusionProof
 *     (its checkpoint may be missing in old bundles: proof.checkpoint is then empty and
 *     sg_tlog_verify_proof fails with SG_ERR_VERIFY_TLOG_MISSING);
 *   - logIndex, inclusionProof.logIndex/treeSize and integratedTime are not negative;
 *     logId.keyId is 1..SG_MAX_KEY_ID bytes; root and audit-path hashes are 32 bytes.
 * Unknown members are ignored (proto3 JSON). */
#ifndef SG_BUNDLE_H
#define SG_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

/* The media type picosign writes (bundle v0.3; the verifier also reads the v0.1 and v0.2
 * names and the older "+json;version=0.N" spellings). */
#define SG_BUNDLE_MEDIA_TYPE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "sigstore/dsse.h"
#include "sigstore/tlog.h"

typedef enum sg_content_kind {
	SG_CONTENT_NONE = 0, /* legacy annotation: the content comes from the layer */
	SG_CONTENT_MESSAGE_SIGNATURE = 1,
	SG_CONTENT_DSSE = 2,
} sg_content_kind;

typedef enum sg_material_kind {
	SG_MATERIAL_NONE = 0,
	SG_MATERIAL_CERTIFICATE = 1, /* v0.3 "certificate": the leaf only */
	SG_MATERIAL_CHAIN = 2,       /* v0.1/v0.2 "x509CertificateChain": leaf first */
	SG_MATERIAL_PUBLIC_KEY = 3,  /* "publicKey": a hint only; the key comes from the user */
} sg_material_kind;

typedef struct sg_entity {
	int media_minor; /* bundle v0.<media_minor>; 0 for the legacy annotation */
	int legacy;      /* parsed from the dev.sigstore.cosign/bundle annotation */
	sg_content_kind content;
	/* SG_CONTENT_MESSAGE_SIGNATURE */
	sg_slice signature; /* DER signature bytes */
	int has_digest;     /* messageDigest present (informational) */
	sg_hash_alg digest_alg;
	uint8_t digest[SG_HASH_MAX_LEN];
	size_t digest_len;
	/* SG_CONTENT_DSSE */
	sg_dsse_envelope dsse;
	/* verification material */
	sg_material_kind material;
	sg_slice certs[SG_MAX_CHAIN]; /* DER, leaf first */
	size_t n_certs;
	sg_slice key_hint; /* publicKey.hint (may be empty) */
	/* transparency log */
	sg_tlog_entry tlog[SG_MAX_TLOG_ENTRIES];
	size_t n_tlog;
	/* timestampVerificationData.rfc3161Timestamps[].signedTimestamp (DER TimeStampResp or
	 * token); parsed for presence only, verification lives elsewhere */
	sg_slice timestamps[SG_MAX_TIMESTAMPS];
	size_t n_timestamps;
} sg_entity;

/* Parse a Sigstore bundle (at most SG_MAX_JSON bytes). Decoded bytes live in `arena`; views
 * into `json` stay valid while it is alive. Errors: SG_ERR_JSON_* (syntax, missing or
 * mistyped fields, with the field named in `what`, e.g. "bundle
 * verificationMaterial.certificate.rawBytes"), SG_ERR_B64_*, SG_ERR_VERIFY_BUNDLE (media type,
 * version rules, one-of violations, negative indices), SG_ERR_VERIFY_DSSE, SG_ERR_LIMIT.
 * `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_bundle_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d);

/* Parse one TransparencyLogEntry document as a bundle's tlogEntries[] item (the v0.3 rules:
 * an inclusion proof is required): what Rekor v2 answers to an upload (cosign-v3.md §3.4:
 * "integratedTime":"0" and "inclusionPromise":null read as absent). Errors as
 * sg_bundle_parse; `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_bundle_parse_tlog_entry(
	const uint8_t *json, size_t len, sg_arena *arena, sg_tlog_entry *out, sg_diag *d);

/* What sg_bundle_write writes. Exactly one of `cert_der` and `key_hint`, and the content
 * `dsse` selects. */
typedef struct sg_bundle_spec {
	sg_slice cert_der;             /* verificationMaterial.certificate.rawBytes (keyless) */
	const uint8_t *key_hint;       /* 32 bytes: publicKey.hint = base64(SHA-256(SPKI)) */
	const sg_tlog_entry *tlog;     /* tlogEntries, kindVersion from kind/version */
	size_t n_tlog;
	const sg_slice *timestamps;    /* rfc3161Timestamps[].signedTimestamp (DER) */
	size_t n_timestamps;
	int dsse;                      /* 1: dsseEnvelope, 0: messageSignature */
	sg_slice payload_type, payload; /* dsse */
	sg_hash_alg digest_alg;        /* messageSignature.messageDigest */
	const uint8_t *digest;
	sg_slice signature;            /* the one signature (DER) */
} sg_bundle_spec;

/* Write a bundle v0.3 (SG_BUNDLE_MEDIA_TYPE_V03) in protojson's field order (cosign-v3.md
 * §1.4): mediaType, verificationMaterial {certificate | publicKey, tlogEntries,
 * timestampVerificationData}, then messageSignature or dsseEnvelope. int64 as decimal strings,
 * bytes as standard base64; an entry's integratedTime and inclusionPromise are left out when it
 * has none (Rekor v2), as protojson leaves out zero values. The JSON lives in `arena`. Errors:
 * SG_ERR_ARG (no or two kinds of material), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_bundle_write(const sg_bundle_spec *s, sg_arena *arena, sg_slice *out,
	sg_diag *d);

/* Parse the cosign legacy annotation value {"SignedEntryTimestamp": b64, "Payload": {"body":
 * b64, "integratedTime": N, "logIndex": N, "logID": "hex"}} into out->tlog[0] (n_tlog = 1,
 * legacy = 1, content SG_CONTENT_NONE, material SG_MATERIAL_NONE: the caller adds the layer's
 * signature and certificate). kind/version come from the body's "kind"/"apiVersion".
 * Errors as sg_bundle_parse, plus SG_ERR_HEX for logID. */
SG_MUST_USE sg_err sg_bundle_parse_legacy(
	const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d);

#endif
