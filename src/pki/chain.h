/* chain: Fulcio certificate chain verification against the trusted root (layer 3; uses x509,
 * crypto, trustroot). protocol.md §7.2 step 4, sigstore-go pkg/verify/certificate.go.
 *
 * For each certificate authority of the trusted root whose validFor contains the leaf's
 * NotBefore (in order; the first that works wins):
 *   - bundle intermediates (if any) are untrusted and never extend the path: each must be a
 *     byte-identical copy of a certificate of the CA's chain (else this CA fails), and the
 *     first one, when given, is the leaf's issuer; as in sigstore-go and cosign, only the
 *     trusted root's chain can vouch for a leaf;
 *   - the leaf must be issued by a certificate of the CA's chain (issuer DN == subject DN,
 *     bytewise; AKI == SKI when both are present) and its signature must verify under that
 *     certificate's key;
 *   - the CA's own certificates from there up are trust anchors: their signatures are not
 *     checked (the trusted root vouches for them) but their CA flags, DN links and validity
 *     are;
 *   - the leaf must not be a CA and needs extKeyUsage codeSigning (and digitalSignature if it
 *     has keyUsage); every CA certificate that has an extKeyUsage must allow codeSigning (or
 *     anyExtendedKeyUsage); pathLenConstraint is honoured; every certificate, leaf included,
 *     must be valid at `t`.
 * All certificates must be version 3. */
#ifndef SG_CHAIN_H
#define SG_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "pki/trustroot.h"
#include "pki/x509.h"

typedef struct sg_chain_result {
	size_t ca_index;        /* index into trustroot->cas of the CA that matched */
	const sg_trust_ca *ca;  /* &trustroot->cas[ca_index] */
	sg_slice issuer_der;    /* DER of the certificate that issued the leaf */
	sg_slice issuer_spki;   /* its SubjectPublicKeyInfo (for the SCT issuer key hash) */
	size_t n_intermediates; /* always 0: bundle intermediates never extend the path */
} sg_chain_result;

/* Verify `leaf` (parsed) up to a certificate authority of `tr`, at time `t` (Unix seconds;
 * the signing time: integratedTime or a verified timestamp). `intermediates` (DER, leaf-most
 * first; may be NULL when n_intermediates is 0) come from the bundle and are not trusted.
 * Views in `out` point into `tr`. On failure `out` is zeroed and the diag
 * holds the first CA's failure:
 *   SG_ERR_VERIFY_CHAIN  "certificate chain verification failed: <which check>", e.g.
 *                        "leaf signature does not verify under CA 'sigstore-intermediate'",
 *                        or no CA valid at the leaf's NotBefore;
 *   SG_ERR_VERIFY_EKU    "certificate lacks the codeSigning extended key usage";
 *   SG_ERR_VERIFY_EXPIRED "certificate not valid at signing time: <t> is after NotAfter <x>";
 *   SG_ERR_VERIFY_CA     a chain certificate is not a CA (flags, path length);
 *   SG_ERR_LIMIT         too many intermediates; SG_ERR_X509_* an unparseable certificate. */
SG_MUST_USE sg_err sg_chain_verify(const sg_x509_cert *leaf, const sg_slice *intermediates,
	size_t n_intermediates, const sg_trustroot *tr, int64_t t, sg_chain_result *out,
	sg_diag *d);

#endif
