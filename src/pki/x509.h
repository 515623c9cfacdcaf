/* x509: a zero-copy view of one DER X.509 certificate (layer 2; uses der and crypto).
 *
 * sg_x509_parse checks the RFC 5280 grammar strictly and fills an sg_x509_cert whose slices
 * point into the caller's DER bytes (no copies; the view lives while the bytes do). What is
 * accepted, beyond the plain grammar:
 *   - versions 1 to 3 (an explicit v1 [0] is not DER and is refused); extensions only in v3;
 *   - signature algorithms ecdsa-with-SHA256/384/512 (parameters absent) and
 *     sha256/384/512WithRSAEncryption (parameters NULL or absent); the outer and the TBS
 *     AlgorithmIdentifier must be byte-identical; RSA-PSS and anything else is refused;
 *   - public keys as sg_pubkey_parse accepts them: EC P-256/P-384 on named curves (explicit
 *     curve parameters are refused), RSA, Ed25519 (parsed, not verifiable);
 *   - extensions: basicConstraints, keyUsage, extKeyUsage, subjectKeyIdentifier,
 *     authorityKeyIdentifier, subjectAltName, the CT SCT list and every Fulcio extension
 *     1.3.6.1.4.1.57264.1.1-1.24 are decoded and checked; other extensions are kept as raw
 *     views when non-critical, and refused when critical (SG_ERR_X509_CRITICAL). A critical
 *     subjectAltName is accepted whatever it holds (Fulcio marks it critical, cosign accepts
 *     an otherName in it). A repeated extension OID is refused (SG_ERR_X509_DUPLICATE_EXT).
 *
 * Nothing here checks a signature or a time: see sg_x509_verify_signed_by, sg_x509_check_time
 * and chain.h. */
#ifndef SG_X509_H
#define SG_X509_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/pubkey.h"

/* Highest Fulcio extension arc 1.3.6.1.4.1.57264.1.N we decode by name (fulcio oid-info.md). */
#define SG_X509_FULCIO_MAX 24u
/* The Fulcio OID prefix 1.3.6.1.4.1.57264.1 as DER content octets; append one byte N < 128. */
#define SG_OID_FULCIO_PREFIX "\x2b\x06\x01\x04\x01\x83\xbf\x30\x01"
#define SG_OID_FULCIO_PREFIX_LEN 9u
/* Fulcio issuer extensions: 1.1 (legacy raw string, what cosign's legacy path compares) and
 * 1.8 (DER UTF8String). */
#define SG_FULCIO_ISSUER_V1 1u
#define SG_FULCIO_ISSUER_V2 8u
/* The deprecated GitHub Workflow extensions 1.2 to 1.6 (trigger, sha, name, repository, ref),
 * which cosign's legacy output still prints: SG_FULCIO_GITHUB_FIRST + k for k in 0..4. */
#define SG_FULCIO_GITHUB_FIRST 2u
#define SG_FULCIO_GITHUB_COUNT 5u

typedef enum sg_x509_sigalg {
	SG_SIGALG_NONE = 0,
	SG_SIGALG_ECDSA_SHA256,
	SG_SIGALG_ECDSA_SHA384,
	SG_SIGALG_ECDSA_SHA512,
	SG_SIGALG_RSA_SHA256,
	SG_SIGALG_RSA_SHA384,
	SG_SIGALG_RSA_SHA512,
} sg_x509_sigalg;

/* keyUsage bits (RFC 5280 §4.2.1.3), bit n = 1u << n. */
#define SG_KU_DIGITAL_SIGNATURE (1u << 0)
#define SG_KU_NON_REPUDIATION (1u << 1)
#define SG_KU_KEY_ENCIPHERMENT (1u << 2)
#define SG_KU_DATA_ENCIPHERMENT (1u << 3)
#define SG_KU_KEY_AGREEMENT (1u << 4)
#define SG_KU_KEY_CERT_SIGN (1u << 5)
#define SG_KU_CRL_SIGN (1u << 6)
#define SG_KU_ENCIPHER_ONLY (1u << 7)
#define SG_KU_DECIPHER_ONLY (1u << 8)

/* extKeyUsage purposes we name; others only count in eku_other. */
#define SG_EKU_ANY (1u << 0)
#define SG_EKU_SERVER_AUTH (1u << 1)
#define SG_EKU_CLIENT_AUTH (1u << 2)
#define SG_EKU_CODE_SIGNING (1u << 3)
#define SG_EKU_EMAIL_PROTECTION (1u << 4)
#define SG_EKU_TIME_STAMPING (1u << 5)
#define SG_EKU_OCSP_SIGNING (1u << 6)

/* GeneralName kinds (the value is the context tag number). */
typedef enum sg_x509_san_type {
	SG_SAN_OTHERNAME = 0, /* otherName; value set only for Fulcio's 1.3.6.1.4.1.57264.1.7 */
	SG_SAN_EMAIL = 1,     /* rfc822Name, IA5String */
	SG_SAN_DNS = 2,       /* dNSName, IA5String */
	SG_SAN_X400 = 3,
	SG_SAN_DIRNAME = 4,
	SG_SAN_EDIPARTY = 5,
	SG_SAN_URI = 6,       /* uniformResourceIdentifier, IA5String */
	SG_SAN_IP = 7,        /* iPAddress: 4 or 16 raw octets */
	SG_SAN_RID = 8,       /* registeredID */
} sg_x509_san_type;

typedef struct sg_x509_san {
	sg_x509_san_type type;
	/* EMAIL/DNS/URI: the string; IP: the octets; OTHERNAME with type-id 57264.1.7: the
	 * UTF8String; other kinds (and other otherNames): the raw element contents. */
	sg_slice value;
	int fulcio_username; /* 1 for the Fulcio username otherName (1.3.6.1.4.1.57264.1.7) */
} sg_x509_san;

typedef struct sg_x509_ext {
	sg_slice oid;   /* content octets */
	int critical;
	sg_slice value; /* the contents of the extnValue OCTET STRING */
	sg_slice whole; /* the whole Extension TLV, as it appears in the TBS */
} sg_x509_ext;

typedef struct sg_x509_cert {
	sg_slice der;           /* the whole Certificate */
	sg_slice tbs;           /* the whole TBSCertificate TLV: the signed bytes */
	sg_slice tbs_content;   /* its contents */
	unsigned version;       /* 1, 2 or 3 */
	sg_slice serial;        /* INTEGER magnitude (non-negative) */
	sg_x509_sigalg sig_alg; /* the TBS and outer algorithm (identical) */
	sg_slice sig_alg_der;   /* the AlgorithmIdentifier TLV */
	sg_slice signature;     /* signatureValue bits (DER ECDSA-Sig-Value or RSA block) */
	sg_slice issuer;        /* Name TLV, compared bytewise for chain links */
	sg_slice subject;       /* Name TLV; an empty SEQUENCE for Fulcio leaves */
	int64_t not_before, not_after; /* Unix seconds */
	sg_slice spki;          /* SubjectPublicKeyInfo TLV */
	sg_pubkey key;          /* parsed from spki */

	sg_x509_ext exts[SG_MAX_EXTENSIONS];
	size_t n_exts;
	sg_slice ext_block;     /* the whole [3] element (empty when absent) */
	sg_slice ext_seq;       /* the SEQUENCE OF Extension contents */

	int has_basic_constraints, bc_critical, is_ca;
	int path_len;           /* -1 when absent */
	int has_key_usage;
	uint32_t key_usage;     /* SG_KU_* */
	int has_eku;
	uint32_t eku;           /* SG_EKU_* */
	size_t eku_other;       /* purposes not in SG_EKU_* */
	sg_slice eku_seq;       /* the SEQUENCE OF KeyPurposeId contents, for listing */
	sg_slice ski;           /* subjectKeyIdentifier (empty when absent) */
	sg_slice aki;           /* authorityKeyIdentifier keyIdentifier (empty when absent) */
	sg_x509_san sans[SG_MAX_SAN];
	size_t n_sans;          /* in certificate order */
	int has_san, san_critical;
	int has_sct;
	sg_slice sct_list;      /* TLS SignedCertificateTimestampList (inner OCTET STRING) */
	size_t sct_ext;         /* index in exts[] of the SCT extension when has_sct */
	/* Fulcio extensions, index N for 1.3.6.1.4.1.57264.1.N: 1-6 the raw bytes, 8 and up
	 * the UTF8String contents. fulcio_present bit N says whether it is there. */
	sg_slice fulcio[SG_X509_FULCIO_MAX + 1];
	uint32_t fulcio_present;
} sg_x509_cert;

/* Parse one DER certificate of at most SG_MAX_CERT bytes (exactly one Certificate, nothing
 * after it). `out` holds views into `der`, valid while `der` is alive and unmodified.
 * Returns SG_OK, SG_ERR_LIMIT (too large, too many extensions/SANs), SG_ERR_DER_* (grammar),
 * SG_ERR_X509_VERSION, SG_ERR_X509_ALGORITHM (unsupported, or outer and TBS differ),
 * SG_ERR_X509_KEY, SG_ERR_X509_NAME, SG_ERR_X509_VALIDITY (NotAfter before NotBefore),
 * SG_ERR_X509_EXTENSION, SG_ERR_X509_CRITICAL, SG_ERR_X509_DUPLICATE_EXT, SG_ERR_X509_SAN.
 * On failure `out` is zeroed. */
SG_MUST_USE sg_err sg_x509_parse(const uint8_t *der, size_t len, sg_x509_cert *out, sg_diag *d);

/* The hash a signature algorithm uses (SHA-256 for NONE, never used). */
sg_hash_alg sg_x509_sigalg_hash(sg_x509_sigalg a);
/* "ecdsa-with-SHA384", "sha256WithRSAEncryption", ... ("unknown" for NONE). */
const char *sg_x509_sigalg_name(sg_x509_sigalg a);

/* Verify that `issuer_key` signed `cert` (its TBS, with the certificate's algorithm). The key
 * type must fit the algorithm (EC for ecdsa-with-*, RSA for *WithRSAEncryption).
 * SG_ERR_VERIFY_SIGNATURE on mismatch, SG_ERR_UNSUPPORTED for an Ed25519 key. `what` names
 * the check in the diagnostic. */
SG_MUST_USE sg_err sg_x509_verify_signed_by(const sg_x509_cert *cert, const sg_pubkey *issuer_key,
	const char *what, sg_diag *d);

/* Check NotBefore <= t <= NotAfter. SG_ERR_VERIFY_EXPIRED otherwise, with a detail such as
 * "2024-05-01T10:10:00Z is after NotAfter 2024-05-01T10:09:00Z" (prefixed by `who` and ": "
 * when `who` is not NULL, e.g. "CA 'sigstore-intermediate'"). */
SG_MUST_USE sg_err sg_x509_check_time(const sg_x509_cert *cert, int64_t t, const char *who,
	sg_diag *d);

/* Fulcio extension 1.3.6.1.4.1.57264.1.N (1 <= N <= SG_X509_FULCIO_MAX): 1 and the value when
 * present, else 0 and an empty slice. */
int sg_x509_fulcio_ext(const sg_x509_cert *cert, unsigned n, sg_slice *value);
/* The display name of Fulcio extension N ("Issuer (V1)", "Build Signer URI", ...), or NULL
 * for an N without one (7 and out of range). */
const char *sg_x509_fulcio_name(unsigned n);
/* The OIDC issuer as cosign's legacy path reads it (protocol.md §7.2 step 5): extension 1.1,
 * raw bytes; an empty slice when absent. Compare 1.8 with sg_x509_fulcio_ext(cert, 8, ...). */
sg_slice sg_x509_issuer_v1(const sg_x509_cert *cert);

/* SANs in cosign's order (DNS names, emails, IPs, URIs, then Fulcio username otherNames),
 * written as pointers into `cert` to out[0..cap); returns how many were written (other SAN
 * kinds are left out, as cosign does). */
size_t sg_x509_sans_cosign(const sg_x509_cert *cert, const sg_x509_san **out, size_t cap);
/* The cosign "Subject": the first SAN in that order, NULL when none. */
const sg_x509_san *sg_x509_subject_san(const sg_x509_cert *cert);
/* Text of a SAN for display and matching: the string itself for EMAIL/DNS/URI/username, the
 * Go net.IP text for IP ("192.0.2.1", "2001:db8::1"), NUL-terminated in out[0..cap).
 * SG_ERR_LIMIT when it does not fit, SG_ERR_UNSUPPORTED for other kinds. */
SG_MUST_USE sg_err sg_x509_san_text(const sg_x509_san *san, char *out, size_t cap,
	size_t *out_len);

/* Printable one-line form of a Name TLV in certificate order, "O=sigstore.dev,
 * CN=sigstore-intermediate" (short names for CN O OU C L ST DC emailAddress serialNumber,
 * dotted OIDs otherwise; bytes outside printable ASCII as \xNN). NUL-terminated;
 * truncated with "..." when cap is too small. Returns the length written. */
size_t sg_x509_name_text(sg_slice name, char *out, size_t cap);
/* The value of the last commonName in a Name TLV; 0 when none. */
int sg_x509_name_cn(sg_slice name, sg_slice *cn);

/* sigstore-python's certificate classes (test/unit/test_utils.py), for audits and tests:
 * is_ca: basicConstraints must be critical when present; cA and keyCertSign must agree
 * (SG_ERR_X509_EXTENSION otherwise); no basicConstraints means not a CA; a CA without
 * keyUsage is an error. is_root_ca: a CA that verifies its own signature. is_leaf: not a CA,
 * keyUsage digitalSignature and extKeyUsage present (SG_ERR_X509_EXTENSION otherwise), and
 * codeSigning among the purposes. All require version 3 (SG_ERR_X509_VERSION). */
SG_MUST_USE sg_err sg_x509_is_ca(const sg_x509_cert *cert, int *is_ca, sg_diag *d);
SG_MUST_USE sg_err sg_x509_is_root_ca(const sg_x509_cert *cert, int *is_root, sg_diag *d);
SG_MUST_USE sg_err sg_x509_is_leaf(const sg_x509_cert *cert, int *is_leaf, sg_diag *d);

#endif
