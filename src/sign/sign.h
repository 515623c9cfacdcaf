/* sign: the keyless sign flow (layer 7; protocol.md §2.7, §3, §5, §6; cosign-v3.md §1.3-§1.6,
 * §3.4, §3.5).
 *
 *   sg_signer_begin        identity token -> ephemeral P-256 key -> proof of possession ->
 *                          Fulcio certificate -> chain and SCT verified against the trusted
 *                          root at the certificate's NotBefore (done once per command);
 *   sg_signer_sign_digest  ECDSA over a SHA-256 digest (a message signature) ->
 *   sg_signer_sign_dsse    or over the DSSE PAE of a payload (cosign v3) ->
 *                          an RFC 3161 timestamp of the signature when a TSA is configured
 *                          (request with a nonce, answer checked against the trusted root's
 *                          TSAs) -> a Rekor entry: v1 hashedrekord (message) or dsse (DSSE), or
 *                          v2 hashedrekord 0.0.2 over the digest or SHA-256 of the PAE -> the
 *                          entry checked (body = what was signed; v1: SET by a trusted log key,
 *                          integratedTime inside the certificate's validity, the proof when
 *                          present; v2: the inclusion proof to a checkpoint signed by the
 *                          trusted log) -> for v1 message signatures, the cosign bundle
 *                          annotation (may be called once per payload);
 *   sg_sign_bundle_json    the Sigstore bundle v0.3 of one signature;
 *   sg_signer_end          wipes the key (and must be called on every path).
 * Rekor v2 gives no signing time, so a TSA is required with it (cosign: "a timestamp
 * authority must be provided ..."). Without a Rekor URL (--key --tlog-upload=false) nothing is
 * logged.
 *
 * Nothing leaves the flow unverified: a result is filled only when every check passed. The
 * library prints nothing; `stage` says where a failure happened so the CLI can say so. */
#ifndef SG_SIGN_H
#define SG_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/drbg.h"
#include "crypto/p256.h"
#include "online/fulcio.h"
#include "online/oidc.h"
#include "online/rekor.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sys/http.h"

typedef enum sg_sign_stage {
	SG_SIGN_STAGE_NONE = 0,
	SG_SIGN_STAGE_TOKEN,  /* reading the identity token */
	SG_SIGN_STAGE_KEY,    /* the ephemeral key */
	SG_SIGN_STAGE_FULCIO, /* the certificate request */
	SG_SIGN_STAGE_CERT,   /* verifying Fulcio's certificate */
	SG_SIGN_STAGE_SIGN,   /* signing */
	SG_SIGN_STAGE_REKOR,  /* the transparency-log upload */
	SG_SIGN_STAGE_TLOG,   /* verifying Rekor's answer */
	SG_SIGN_STAGE_BUNDLE, /* writing the bundle */
	SG_SIGN_STAGE_TSA,    /* the RFC 3161 timestamp */
} sg_sign_stage;

/* "getting a certificate from Fulcio", ... for messages. */
const char *sg_sign_stage_name(sg_sign_stage s);

typedef struct sg_signer_opts {
	const char *fulcio_url;          /* base URL, e.g. SG_FULCIO_DEFAULT_URL */
	const char *rekor_url;           /* base URL, e.g. SG_REKOR_DEFAULT_URL; NULL: no log */
	int rekor_v2;                    /* the log speaks Rekor v2 (rekor-tiles) */
	const char *tsa_url;             /* RFC 3161 timestamp URL; NULL: no timestamp */
	sg_drbg *rng;                    /* nonces for the TSA (needed with tsa_url) */
	sg_http_plain plain;             /* whether http:// may be used */
	sg_http_client *http;
	const sg_trustroot *trustroot;   /* Fulcio CAs, CT logs and Rekor keys to check against */
	sg_slice token;                  /* the identity token; the caller owns and wipes it */
	int64_t now;                     /* Unix seconds, for the token's expiry */
} sg_signer_opts;

typedef struct sg_signer {
	sg_signer_opts o;
	sg_sign_stage stage;     /* where the last failure happened */
	sg_p256_key key;         /* secret: wiped by sg_signer_end and on every failure */
	int have_key;
	sg_jwt_claims claims;    /* iss, sub, email of the token */
	sg_slice principal;      /* what the proof of possession signed */
	sg_fulcio_chain chain;   /* DER, leaf first */
	sg_x509_cert leaf;       /* parsed view of chain.der[0] */
	sg_slice cert_pem;       /* the leaf as PEM (arena) */
	sg_slice chain_pem;      /* chain.der[1..n) as PEM, concatenated (arena; may be empty) */
	int have_cert;           /* the certificate passed every check */
	/* Key-based signing (sg_signer_begin_key): no certificate; Rekor logs the public key. */
	int keyed;
	sg_slice key_spki;       /* DER SubjectPublicKeyInfo of key (arena) */
	sg_slice key_pem;        /* the same as a "PUBLIC KEY" PEM (arena) */
} sg_signer;

/* Run the first half of the flow; see the top. `rng` must be seeded (sg_drbg_init). On
 * success s->have_cert is 1 and cert_pem/chain_pem can be written out. On failure s->stage
 * names the stage and the key is wiped. Errors: those of sg_jwt_decode, sg_jwt_check_expiry,
 * sg_jwt_principal (stage TOKEN), sg_p256_keygen (KEY), sg_fulcio_get_cert and the transport
 * (FULCIO), and (CERT) SG_ERR_VERIFY_CHAIN / _EKU / _EXPIRED / _CA, SG_ERR_VERIFY_SCT /
 * _CT_KEY, SG_ERR_X509_*, SG_ERR_FULCIO "the certificate is for another key". */
SG_MUST_USE sg_err sg_signer_begin(sg_signer *s, const sg_signer_opts *o, sg_drbg *rng,
	sg_arena *arena, sg_diag *d);

/* Key-based signing (cosign sign --key, uploading to the log): no token and no Fulcio. The
 * signer copies `key` (wiped by sg_signer_end; the caller wipes its own copy). What
 * sg_signer_sign_digest then logs is the public key as PEM (hashedrekord
 * spec.signature.publicKey.content, protocol.md §6.1), the entry body must hold that key, and
 * no certificate validity applies to integratedTime; sg_sign_bundle_json writes
 * verificationMaterial.publicKey.hint (base64 of SHA-256 of the DER SPKI, as sigstore-go's
 * keypairs do) instead of a certificate. o->fulcio_url and o->token are not used.
 * Errors: SG_ERR_ARG (not an uncompressed point), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_signer_begin_key(sg_signer *s, const sg_signer_opts *o,
	const sg_p256_key *key, sg_arena *arena, sg_diag *d);

typedef struct sg_sign_result {
	uint8_t digest[SG_SHA256_LEN]; /* what was signed: the message digest, or SHA-256(PAE) */
	uint8_t sig[SG_P256_SIG_MAX]; /* DER ECDSA signature over digest */
	size_t sig_len;
	int dsse;                    /* a DSSE envelope (sg_signer_sign_dsse) */
	sg_slice payload_type, payload; /* its payload type and payload (the caller's bytes) */
	int logged;                  /* entry holds a verified log entry */
	sg_rekor_entry entry;        /* the verified log entry (kind/version from its body; for
				      * Rekor v2 only entry.tle and has_proof are set) */
	int existed;                 /* Rekor answered 409 and the existing entry was used */
	sg_slice annotation;         /* dev.sigstore.cosign/bundle JSON (arena; v1 messages) */
	sg_slice timestamp;          /* the verified DER TimeStampResp (arena); empty if none */
	int64_t timestamp_time;      /* its genTime */
} sg_sign_result;

/* Sign `digest` (SHA-256 of the payload) with the certified key, timestamp it, log it and
 * check the entry; see the top. Needs a successful sg_signer_begin or sg_signer_begin_key.
 * `out` is filled only on success (zeroed otherwise). Errors: SG_ERR_ARG (no certificate or
 * key; Rekor v2 without a TSA), those of sg_timestamp_get (stage TSA), the sg_rekor_upload /
 * sg_rekor2_upload errors (stage REKOR), and (stage TLOG) SG_ERR_VERIFY_TLOG_BODY (the entry
 * is not what was sent), SG_ERR_VERIFY_TLOG_KEY (no trusted Rekor key for its logID and
 * time), SG_ERR_VERIFY_SET, SG_ERR_VERIFY_TIME, SG_ERR_VERIFY_INCLUSION / _CHECKPOINT /
 * _TLOG_MISSING. */
SG_MUST_USE sg_err sg_signer_sign_digest(sg_signer *s, const uint8_t digest[SG_SHA256_LEN],
	sg_arena *arena, sg_sign_result *out, sg_diag *d);

/* The same for a DSSE envelope of `payload_type` and `payload` (both must outlive `out`): the
 * signature over the PAE, the timestamp over that signature, then a Rekor v1 dsse 0.0.1 entry
 * (the envelope and the certificate or key PEM) or a Rekor v2 hashedrekord 0.0.2 over
 * SHA-256(PAE), checked as above. No bundle annotation (cosign v3 stores a bundle). */
SG_MUST_USE sg_err sg_signer_sign_dsse(sg_signer *s, sg_slice payload_type, sg_slice payload,
	sg_arena *arena, sg_sign_result *out, sg_diag *d);

/* The Sigstore bundle v0.3 (media type application/vnd.dev.sigstore.bundle.v0.3+json) for
 * result `r` (sigstore/bundle.h sg_bundle_write): verificationMaterial.certificate = the leaf
 * DER (publicKey.hint when keyed), the tlog entry (inclusionPromise for Rekor v1, and the
 * inclusionProof), the RFC 3161 timestamp, then messageSignature with messageDigest SHA2_256
 * or the dsseEnvelope. v0.3 requires an inclusion proof; when Rekor gave none this fails with
 * SG_ERR_VERIFY_TLOG_MISSING, as sigstore-go does, rather than silently writing another
 * version. JSON in the arena. */
SG_MUST_USE sg_err sg_sign_bundle_json(const sg_signer *s, const sg_sign_result *r,
	sg_arena *arena, sg_slice *out, sg_diag *d);

/* Wipe the private key and forget the token. Safe to call more than once. */
void sg_signer_end(sg_signer *s);

#endif
