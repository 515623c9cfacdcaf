/* sct: embedded Signed Certificate Timestamps (layer 3; uses der, x509, crypto, trustroot).
 *
 * RFC 6962 §3.2-§3.3 as Fulcio and sigstore-go use it (protocol.md §5): the TLS-encoded SCT
 * list from the certificate's 1.3.6.1.4.1.11129.2.4.2 extension, the precertificate TBS
 * (the leaf's TBS without that extension, lengths re-encoded), the digitally-signed structure
 * with entry_type precert_entry and the issuer key hash, and the CT log key chosen by log id
 * and validity window from the trusted root. */
#ifndef SG_SCT_H
#define SG_SCT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/pubkey.h"
#include "pki/trustroot.h"
#include "pki/x509.h"

#define SG_SCT_LOG_ID_LEN 32u
/* TLS HashAlgorithm / SignatureAlgorithm values (RFC 5246 §7.4.1.4.1). */
#define SG_SCT_HASH_SHA256 4u
#define SG_SCT_SIG_RSA 1u
#define SG_SCT_SIG_ECDSA 3u

/* One SCT, views into the list bytes. For a version other than v1 (0) only `version` and
 * `whole` are set: RFC 6962 §3.3 says unknown versions are skipped, not fatal. */
typedef struct sg_sct {
	uint8_t version;
	const uint8_t *log_id;  /* SG_SCT_LOG_ID_LEN bytes */
	uint64_t timestamp_ms;  /* milliseconds since the Unix epoch */
	sg_slice extensions;    /* CtExtensions, normally empty */
	uint8_t hash_alg, sig_alg;
	sg_slice signature;     /* DER ECDSA signature or RSA block */
	sg_slice whole;         /* the serialized SCT */
} sg_sct;

typedef struct sg_sct_list {
	sg_sct scts[SG_MAX_SCTS];
	size_t n;
} sg_sct_list;

/* Parse a SignedCertificateTimestampList (uint16 total length, then uint16-prefixed SCTs;
 * at least one, at most SG_MAX_SCTS, nothing trailing). `out` holds views into p[0..len).
 * Errors: SG_ERR_TRUNCATED / SG_ERR_TRAILING / SG_ERR_LIMIT / SG_ERR_VERIFY_SCT (empty list or
 * entry, malformed v1 SCT). On failure `out` is zeroed. */
SG_MUST_USE sg_err sg_sct_list_parse(const uint8_t *p, size_t len, sg_sct_list *out, sg_diag *d);

/* Reconstruct the precertificate TBSCertificate of `leaf` (protocol.md §5.2): the TBS with the
 * SCT extension removed and the three enclosing lengths re-encoded; every other byte is kept.
 * Writes to out[0..cap) and sets *out_len. Errors: SG_ERR_VERIFY_SCT (no SCT extension, or it
 * is the only extension, which would leave an invalid empty SEQUENCE), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_sct_precert_tbs(const sg_x509_cert *leaf, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d);

/* Verify one v1 SCT against `log_key` (SHA-256; ECDSA or RSA PKCS#1 v1.5 to match the key).
 * The signed structure (RFC 6962 §3.2, precert_entry) is hashed piecewise from the leaf
 * without building the precertificate in memory. `issuer_key_hash` = SHA-256 of the issuer's
 * DER SubjectPublicKeyInfo. SG_ERR_VERIFY_SCT on any mismatch. */
SG_MUST_USE sg_err sg_sct_verify_one(const sg_sct *sct, const sg_x509_cert *leaf,
	const uint8_t issuer_key_hash[SG_SHA256_LEN], const sg_pubkey *log_key, sg_diag *d);

/* Skip the check entirely (--insecure-ignore-sct); the caller prints the warning. */
#define SG_SCT_INSECURE_IGNORE 0x1u

typedef struct sg_sct_result {
	size_t verified;       /* SCTs that verified (distinct logs) */
	size_t total;          /* SCTs in the list */
	int skipped;           /* 1 when SG_SCT_INSECURE_IGNORE was given */
} sg_sct_result;

/* Verify the leaf's embedded SCTs against the CT logs of the trusted root: each SCT's key is
 * the log whose key id equals the SCT's log id and whose validFor contains the SCT timestamp;
 * SCTs of unknown logs, outside a window, or of unknown versions are skipped; at least one
 * must verify (sigstore-go's threshold of 1). `issuer_spki` is the DER SPKI of the leaf's
 * issuer (chain.h gives it). Errors (first reason in the diag detail):
 *   SG_ERR_VERIFY_SCT, verbatim "certificate does not include required embedded SCT and no
 *     detached SCT was set" when the leaf has no SCT extension;
 *   SG_ERR_VERIFY_CT_KEY / SG_ERR_VERIFY_SCT with what = "only able to verify 0 SCT entries;
 *     unable to meet threshold of 1" and a detail naming why the first SCT failed ("log id
 *     <hex>", "SCT signature does not verify", ...);
 *   SG_ERR_VERIFY_SCT / SG_ERR_TRUNCATED ... for a malformed list.
 * `out` may be NULL; it is zeroed on failure. */
SG_MUST_USE sg_err sg_sct_verify_embedded(const sg_x509_cert *leaf, sg_slice issuer_spki,
	const sg_trust_log *logs, size_t n_logs, unsigned flags, sg_sct_result *out, sg_diag *d);

#endif
