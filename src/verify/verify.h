/* verify: the offline verification flow (rank 5). Given a parsed entity (a Sigstore bundle or
 * a cosign legacy signature), the artifact's digest, a trusted root and a policy, it checks
 * everything a Sigstore verifier checks, with no network, no files and no clock (the current
 * time is a parameter, used only where no trusted time exists). The steps, one numbering in
 * this header, the banners of verify.c and its coordinator (docs/verification.md):
 *
 *   1. the bundle's shape (content, material, tlog entries required by its version);
 *   2. the signing certificate (parsed; a root in the bundle's chain is refused) or the key;
 *   3. each transparency log entry: a trusted log key by log id, the SET and/or the inclusion
 *      proof with its signed checkpoint, and the entry body agreeing with the signature, the
 *      certificate or key, and the artifact digest; verified SETs give trusted times;
 *   4. each RFC 3161 timestamp over the signature, against the trusted timestamp authorities
 *      (more trusted times; at least one trusted time is needed);
 *   5. the certificate valid at every trusted time, chained to a trusted CA, EKU codeSigning;
 *   6. the identity policy (SANs and OIDC issuer);
 *   7. the embedded SCT;
 *   8. the signature itself (message signature over the artifact digest, or DSSE over PAE with
 *      the artifact as an in-toto subject).
 *
 * `out` is filled only when every check passed, and zeroed otherwise (style.md §1.4), except
 * for `expired_only` (see sg_verify_opts.expiry_last) and `failed_step`. */
#ifndef SG_VERIFY_H
#define SG_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/pubkey.h"
#include "pki/chain.h"
#include "pki/sct.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"

/* The artifact, by digest. A file is hashed once with every algorithm; a "sha256:<hex>"
 * argument gives only SHA-256 (then signatures over other digests cannot be checked). */
typedef struct sg_artifact {
	uint8_t sha256[SG_SHA256_LEN];
	uint8_t sha384[SG_SHA384_LEN];
	uint8_t sha512[SG_SHA512_LEN];
	int has_sha384, has_sha512;
} sg_artifact;

/* Where the OIDC issuer is read from (protocol.md §7.2 step 5, §13.13). */
typedef enum sg_issuer_mode {
	/* sigstore-go (bundles): the V2 extension 1.8 when present, else the V1 extension 1.1. */
	SG_ISSUER_BUNDLE = 0,
	/* cosign's legacy image path: extension 1.1 only. */
	SG_ISSUER_LEGACY = 1,
} sg_issuer_mode;

typedef struct sg_verify_opts {
	const sg_trustroot *trustroot;
	/* Keyless: the identity policy. Exactly one of policy and key is set. */
	const sg_policy *policy;
	/* Keyed (--key): the signer's public key; the entity must carry publicKey material. */
	const sg_pubkey *key;
	sg_issuer_mode issuer_mode;
	/* Escape hatches; the CLI warns loudly when either is set. */
	int insecure_ignore_tlog;
	int insecure_ignore_sct;
	/* Unix seconds, used only when no log entry gives a time (--insecure-ignore-tlog). */
	int64_t now;
	/* cosign's order: its legacy image path checks the certificate's validity window last,
	 * after chain, identity, SCT, signature and claims. When set, a leaf outside its window
	 * at a trusted time does not stop the flow: the chain is checked at the leaf's notBefore
	 * and the remaining steps run; if one of them fails, its error is returned, else
	 * SG_ERR_VERIFY_EXPIRED with out->expired_only = 1 (everything else passed), so the
	 * caller can run its own later checks before reporting the expiry. */
	int expiry_last;
	/* sigstore-go's order and identity rule, which cosign v3 applies to bundles (cosign-v3.md
	 * §2.3): the identity policy (step 6) runs last, after the signature, on the certificate
	 * summary's one SAN with sigstore-go's messages (sg_policy_check_summary). */
	int sigstore_go;
} sg_verify_opts;

#define SG_VERIFY_MAX_SANS SG_MAX_SAN

typedef struct sg_verified {
	int64_t signing_time;      /* the first trusted time: a SET's integratedTime, else a
				    * timestamp's genTime (opts.now with --insecure-ignore-tlog and
				    * no timestamp) */
	int has_tlog;              /* a log entry was verified */
	int64_t log_index;         /* its global index */
	size_t tlog_entries;       /* entries verified */
	int keyless;               /* a certificate signed (else a key) */
	sg_x509_cert leaf;         /* views into the entity's certificate */
	sg_chain_result chain;
	sg_sct_result sct;
	sg_slice issuer;           /* the OIDC issuer used for the policy */
	sg_slice sans[SG_VERIFY_MAX_SANS]; /* cosign order, text form */
	size_t n_sans;
	/* Set, with everything else zeroed, when the one failing check was the certificate's
	 * validity window and opts.expiry_last was set. */
	int expired_only;
	/* On failure, the step (1-8, numbered as above) that failed, kept when `out` is zeroed,
	 * so a caller can name it (cosign v3 prefixes "failed to verify log inclusion: ", ...). */
	int failed_step;
} sg_verified;

/* Verify entity `e` for artifact `a` under `o`. Scratch memory comes from `arena`; views in
 * `out` point into `e`, the arena or the trust root. On failure the first failing check is in
 * `d` (its message names the check and why) and `out` is zeroed. Errors include
 * SG_ERR_VERIFY_* (bundle shape, tlog, chain, SCT, signature, digest, time),
 * SG_ERR_VERIFY_TIMESTAMP (a bad timestamp, or no trusted time at all),
 * SG_ERR_POLICY_IDENTITY, SG_ERR_UNSUPPORTED (an entry kind or key type picosign lacks). */
SG_MUST_USE sg_err sg_verify_entity(const sg_entity *e, const sg_artifact *a,
	const sg_verify_opts *o, sg_arena *arena, sg_verified *out, sg_diag *d);

#endif
