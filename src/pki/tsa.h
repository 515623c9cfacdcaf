/* tsa: RFC 3161 signed timestamps, parsed and verified against the trusted root's timestamp
 * authorities (layer 3; uses der, x509, crypto, trustroot, timeutil). protocol.md §8.6,
 * RFC 3161 §2.4.2, RFC 5652 §5 (SignedData), RFC 5035 / RFC 2634 (ESS signing certificate);
 * behaviour as sigstore-go pkg/root/timestamping_authority.go with the timestamp-authority
 * verifier. See docs/tsa.md for the list of checks.
 *
 * Input: a bundle's timestampVerificationData.rfc3161Timestamps[].signedTimestamp, which is
 * a DER TimeStampResp (status granted or grantedWithMods, with a token) or, from some
 * producers, the bare TimeStampToken ContentInfo. The token is a CMS SignedData with exactly
 * one SignerInfo over an id-ct-TSTInfo eContent.
 *
 * Accepted variants (real producers differ): SignedData version 1 or 3; SignerInfo sid as
 * issuerAndSerialNumber (version 1) or subjectKeyIdentifier (version 3); AlgorithmIdentifier
 * parameters absent or NULL; an empty certificates [0] set; genTime with a fraction of 1 to 9
 * digits (no trailing zero, as DER requires), which is dropped; ordering encoded even when
 * FALSE; unsignedAttrs [1], TSTInfo tsa [0] and extensions [1] skipped unread. SignedData
 * crls [1] are refused (SG_ERR_UNSUPPORTED): no TSA sends them.
 * Signature algorithms: ecdsa-with-SHA256/384/512, sha256/384/512WithRSAEncryption (their
 * hash must equal the SignerInfo digestAlgorithm), or the bare id-ecPublicKey / rsaEncryption
 * (the digestAlgorithm is then used). Hashes: SHA-256/384/512 only (SHA-1 is refused). */
#ifndef SG_TSA_H
#define SG_TSA_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "pki/trustroot.h"

typedef enum sg_tsa_sigkind {
	SG_TSA_SIG_NONE = 0,
	SG_TSA_SIG_ECDSA = 1,
	SG_TSA_SIG_RSA = 2,
} sg_tsa_sigkind;

/* A parsed timestamp: views into the bytes given to sg_tsa_parse (valid while they are). */
typedef struct sg_tsa_token {
	int is_response;        /* a TimeStampResp (else a bare token) */
	int64_t status;         /* PKIStatus: 0 granted or 1 grantedWithMods (0 for a bare token) */
	sg_slice content_info;  /* the TimeStampToken ContentInfo TLV */
	/* SignedData */
	sg_slice certs[SG_MAX_CHAIN]; /* certificates [0]: untrusted, compared bytewise only */
	size_t n_certs;
	sg_slice tst_info;      /* the eContent octets: the DER TSTInfo */
	/* TSTInfo */
	sg_slice policy;        /* OID content octets */
	sg_hash_alg imprint_alg;
	sg_slice imprint;       /* messageImprint.hashedMessage, sg_hash_len(imprint_alg) bytes */
	sg_slice serial;        /* serialNumber INTEGER content octets (may be negative) */
	int64_t gen_time;       /* Unix seconds, any fraction dropped */
	sg_slice nonce;         /* INTEGER content octets; empty when absent */
	/* SignerInfo */
	int sid_is_ski;
	sg_slice sid_issuer;    /* issuerAndSerialNumber: issuer Name TLV */
	sg_slice sid_serial;    /* ... and serialNumber INTEGER content octets */
	sg_slice sid_ski;       /* subjectKeyIdentifier octets */
	sg_hash_alg digest_alg; /* SignerInfo digestAlgorithm */
	sg_slice signed_attrs;  /* the whole signedAttrs [0] TLV (signed re-tagged as SET) */
	sg_slice message_digest; /* the message-digest attribute value */
	int has_ess;            /* a signing-certificate(-v2) attribute is present */
	int ess_v2;             /* 1: SigningCertificateV2, 0: SigningCertificate (SHA-1) */
	sg_hash_alg ess_alg;    /* v2: hashAlgorithm (default SHA-256); v1: 0 (SHA-1, unchecked) */
	sg_slice ess_hash;      /* first ESSCertID(v2) certHash */
	sg_slice ess_serial;    /* its issuerSerial.serialNumber content octets; empty if absent */
	sg_tsa_sigkind sig_kind;
	sg_hash_alg sig_hash;   /* the hash the signature is computed with */
	sg_slice signature;     /* SignerInfo signature octets */
} sg_tsa_token;

/* Parse a TimeStampResp or bare TimeStampToken of at most SG_MAX_TIMESTAMP_DER bytes, exactly
 * `len` bytes. Checks the grammar, the status (granted/grantedWithMods), the content types
 * (signedData, id-ct-TSTInfo), exactly one SignerInfo with a content-type attribute equal to
 * id-ct-TSTInfo and one message-digest attribute (each once, single-valued), the algorithms
 * named above, and that every digestAlgorithms entry is a supported hash and includes the
 * signer's. No signature, hash or trust check. Errors: SG_ERR_DER_* (grammar, with offset),
 * SG_ERR_LIMIT (too large, too many embedded certificates), SG_ERR_VERIFY_TIMESTAMP (status,
 * content type, attribute or version rule), SG_ERR_UNSUPPORTED (hash or signature algorithm).
 * `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_tsa_parse(const uint8_t *der, size_t len, sg_tsa_token *out, sg_diag *d);

/* Parse a GeneralizedTime value as RFC 3161 §2.4.2 allows it: YYYYMMDDHHMMSS, an optional
 * fraction "." + 1-9 digits without a trailing zero, then "Z". The fraction is dropped.
 * SG_ERR_DER_TIME otherwise (not recorded: callers add context). */
SG_MUST_USE sg_err sg_tsa_gen_time(const uint8_t *s, size_t len, int64_t *out);

typedef struct sg_tsa_result {
	int64_t gen_time;       /* the verified genTime, Unix seconds (fraction dropped) */
	size_t tsa_index;       /* index into tr->tsas of the authority that verified */
	const sg_trust_ca *tsa; /* &tr->tsas[tsa_index] */
	sg_hash_alg imprint_alg;
	sg_slice serial;        /* TSTInfo serialNumber content octets (view into `ts`) */
	sg_slice policy;        /* TSTInfo policy OID content octets (view into `ts`) */
	sg_slice nonce;         /* TSTInfo nonce INTEGER content octets; empty when absent */
	int is_response;        /* a whole TimeStampResp (else a bare token) */
} sg_tsa_result;

/* Verify a signed timestamp over `signed_data` (for Sigstore bundles: the signature bytes,
 * messageSignature.signature or the DSSE envelope's signatures[0].sig) against the timestamp
 * authorities of `tr`. Parses as sg_tsa_parse, then:
 *   - messageImprint.hashedMessage == hash(signed_data) with the imprint's algorithm;
 *   - the message-digest attribute == digestAlgorithm hash of the TSTInfo;
 *   - for each TSA of tr in order, whose certChain[0] (the signing certificate) the SignerInfo
 *     sid names (issuer + serial, or subjectKeyIdentifier): the signature over the signed
 *     attributes re-tagged as SET verifies under that certificate's key; embedded
 *     certificates, if any, include that certificate byte for byte (they are never trusted
 *     otherwise); the ESS signing-certificate-v2 hash (v1: only the serial) names it; it has
 *     exactly one extKeyUsage, timeStamping, in a critical extension, and is not a CA;
 *     genTime lies within the TSA's validFor (inclusive) and within every chain
 *     certificate's validity; each chain certificate is issued (DN and signature) by the
 *     next, which is a CA whose extKeyUsage, if any, allows timeStamping.
 * The first TSA that passes wins. On failure `out` is zeroed and `d` holds
 * SG_ERR_VERIFY_TIMESTAMP with a detail naming the check ("message imprint does not match
 * the signature", "not signed by a trusted timestamp authority", "time 2025-06-12T12:02:21Z
 * is outside the TSA's validity ...", "malformed timestamp: ..."), or SG_ERR_LIMIT. When
 * several TSAs name the signer, the first one's failure is reported. */
SG_MUST_USE sg_err sg_tsa_verify(const uint8_t *ts, size_t len, const uint8_t *signed_data,
	size_t signed_len, const sg_trustroot *tr, sg_tsa_result *out, sg_diag *d);

/* ---- the client side (RFC 3161 §2.4.1): request and answer ---- */

/* Append the DER TimeStampReq for `digest` (the `alg` hash of the data to timestamp; for
 * Sigstore the signature bytes): version 1, messageImprint {hashAlgorithm {OID, NULL},
 * hashedMessage}, nonce (nonce[0..nonce_len) as an unsigned INTEGER) when nonce_len > 0, and
 * certReq TRUE when `cert_req` (cosign's legacy client sends both; openssl ts -query too).
 * The sticky overflow of `out` reports a full buffer. */
void sg_tsa_request_write(sg_hash_alg alg, const uint8_t *digest, const uint8_t *nonce,
	size_t nonce_len, int cert_req, sg_buf *out);

/* Check a TSA's answer to such a request before it goes into a bundle: a whole TimeStampResp
 * (status granted), verified as sg_tsa_verify does over `signed_data` (imprint, signature,
 * trusted TSA chain, validity), whose TSTInfo nonce equals the request's nonce[0..nonce_len)
 * as an unsigned integer (absent when nonce_len is 0). Errors: those of sg_tsa_verify, and
 * SG_ERR_VERIFY_TIMESTAMP "timestamp authority answer: ...: its nonce is not the one sent" /
 * "a bare token, not a TimeStampResp". `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_tsa_check_response(const uint8_t *resp, size_t len, const uint8_t *nonce,
	size_t nonce_len, const uint8_t *signed_data, size_t signed_len, const sg_trustroot *tr,
	sg_tsa_result *out, sg_diag *d);

#endif
