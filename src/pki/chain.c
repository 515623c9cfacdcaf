/* chain: certificate chain verification against the trusted root. See chain.h.
 *
 * Implementation notes. RFC 5280 §6.1 path validation, reduced to what Sigstore needs and
 * to what cosign/sigstore-go (Go crypto/x509 Verify with KeyUsages = [codeSigning]) enforce:
 * name chaining (§6.1.3 (a)(4)), validity at a given time (§6.1.3 (a)(2)), basicConstraints
 * cA and pathLenConstraint (§6.1.4 (k), (m)), keyUsage keyCertSign (§6.1.4 (n)), and Go's
 * EKU rule (every certificate in the path that carries an EKU must allow the requested
 * purpose). AKI/SKI must agree when both are present (§4.2.1.1, used by Go to pick parents).
 * Revocation, name constraints and policies are out of scope (Fulcio uses none).
 *
 * Cost: one signature verification, the leaf's (bundle intermediates are only compared with
 * the trusted chain, never verified or trusted). Links among the trusted root's own
 * certificates are not re-verified: the root file itself is the trust decision, and a P-384
 * verification per run would be waste.
 * At most two certificate views live at a time (~5 KiB each on the stack). */
#include "pki/chain.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"

/* "CA 'sigstore-intermediate'" from the subject CN (or the whole DN when there is none). */
static void
label(const char *kind, const sg_x509_cert *c, char *out, size_t cap)
{
	char name[96];
	sg_slice cn;
	if (sg_x509_name_cn(c->subject, &cn)) {
		size_t k = 0;
		for (size_t i = 0; i < cn.len && k + 1 < sizeof name; i++) {
			uint8_t ch = cn.p[i];
			name[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		name[k] = '\0';
	} else {
		(void)sg_x509_name_text(c->subject, name, sizeof name);
	}
	if (snprintf(out, cap, "%s '%s'", kind, name) < 0 && cap > 0)
		out[0] = '\0';
}

/* Flags, path length, EKU and time of a CA certificate with `below` CA certificates between
 * it and the leaf. */
SG_MUST_USE static sg_err
check_ca(const sg_x509_cert *ca, size_t below, int64_t t, const char *lbl, sg_diag *d)
{
	if (ca->version != 3)
		return sg_diag_failf(d, SG_ERR_VERIFY_CA, NULL, "%s is not a version 3 certificate",
			lbl);
	if (!ca->has_basic_constraints || !ca->is_ca)
		return sg_diag_failf(d, SG_ERR_VERIFY_CA, NULL,
			"%s: basicConstraints cA is not set", lbl);
	if (!ca->has_key_usage || (ca->key_usage & SG_KU_KEY_CERT_SIGN) == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_CA, NULL, "%s: keyUsage lacks keyCertSign",
			lbl);
	if (ca->path_len >= 0 && below > (size_t)ca->path_len)
		return sg_diag_failf(d, SG_ERR_VERIFY_CA, NULL,
			"%s: pathLenConstraint %d exceeded", lbl, ca->path_len);
	if (ca->has_eku && (ca->eku & (SG_EKU_CODE_SIGNING | SG_EKU_ANY)) == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_EKU, NULL, "%s", lbl);
	return sg_x509_check_time(ca, t, lbl, d);
}

/* Does `parent` name-chain to `child`: issuer DN bytes equal, key ids equal when both set. */
static int
names_link(const sg_x509_cert *child, const sg_x509_cert *parent)
{
	if (!sg_slice_eq(child->issuer, parent->subject))
		return 0;
	if (child->aki.len > 0 && parent->ski.len > 0 && !sg_slice_eq(child->aki, parent->ski))
		return 0;
	return 1;
}

SG_MUST_USE static sg_err
check_leaf(const sg_x509_cert *leaf, int64_t t, sg_diag *d)
{
	if (leaf->version != 3)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"leaf is not a version 3 certificate");
	/* A signing certificate is an end entity: Fulcio never issues cA=TRUE, and a CA
	 * certificate of the trusted chain must not be usable as a signer (sigstore-python's
	 * is_leaf). */
	if (leaf->has_basic_constraints && leaf->is_ca)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"leaf is a CA certificate (basicConstraints cA is set)");
	if (!leaf->has_eku || (leaf->eku & SG_EKU_CODE_SIGNING) == 0)
		return sg_diag_fail(d, SG_ERR_VERIFY_EKU, NULL);
	if (leaf->has_key_usage && (leaf->key_usage & SG_KU_DIGITAL_SIGNATURE) == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"leaf keyUsage lacks digitalSignature");
	return sg_x509_check_time(leaf, t, NULL, d);
}

SG_MUST_USE static sg_err
parse_member(sg_slice der, const char *kind, sg_x509_cert *out, sg_diag *d)
{
	sg_diag pd;
	sg_diag_init(&pd, NULL);
	if (sg_x509_parse(der.p, der.len, out, &pd) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL, "cannot parse %s: %s%s%s", kind,
			pd.what != NULL ? pd.what : "", pd.what != NULL ? ": " : "",
			sg_err_str(pd.code));
	return SG_OK;
}

/* Try one CA. cert buffers: two views, swapped as the path climbs. */
SG_MUST_USE static sg_err
try_ca(const sg_x509_cert *leaf, const sg_slice *inter, size_t n_inter, const sg_trust_ca *ca,
	int64_t t, sg_chain_result *res, sg_diag *d)
{
	sg_x509_cert bufs[2];
	int cur = 0;
	const sg_x509_cert *child = leaf;
	const char *child_lbl = "leaf";
	char lbl[128];
	size_t below = 0;
	size_t p = SIZE_MAX; /* position in ca->certs of child's issuer */
	if (ca->n_certs == 0 || ca->n_certs > SG_MAX_CHAIN)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL, "empty certificate authority");

	/* Bundle intermediates are never trusted and never build a path of their own: each must
	 * be a byte-identical copy of a certificate of this CA's chain, and the first one names
	 * the leaf's issuer. A CA certificate outside the chain, even one a trusted root signed
	 * (an intermediate the trusted root has retired, or one for another validFor window),
	 * would otherwise let its key issue leaves (sigstore-go and cosign use only the trusted
	 * root's chain). */
	for (size_t m = 0; m < n_inter; m++) {
		size_t q = 0;
		while (q < ca->n_certs && !sg_slice_eq(inter[m], ca->certs[q]))
			q++;
		if (q == ca->n_certs)
			return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
				"bundle intermediate #%zu is not a certificate of the trusted root's "
				"certificate authority", m + 1);
		if (m == 0)
			p = q;
	}

	/* The child's issuer within the CA's chain. */
	sg_x509_cert *pc = &bufs[cur];
	if (p != SIZE_MAX) {
		SG_TRY(parse_member(ca->certs[p], "trusted root certificate", pc, d));
		label("CA", pc, lbl, sizeof lbl);
		if (!names_link(child, pc))
			return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL, "%s is not issued by %s",
				child_lbl, lbl);
	} else {
		for (size_t q = 0; q < ca->n_certs && p == SIZE_MAX; q++) {
			SG_TRY(parse_member(ca->certs[q], "trusted root certificate", pc, d));
			if (names_link(child, pc))
				p = q;
		}
		if (p == SIZE_MAX) {
			SG_TRY(parse_member(ca->certs[0], "trusted root certificate", pc, d));
			label("CA", pc, lbl, sizeof lbl);
			return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
				"%s is not issued by %s (issuer name or key id differs)", child_lbl,
				lbl);
		}
		label("CA", pc, lbl, sizeof lbl);
	}
	SG_TRY(check_ca(pc, below, t, lbl, d));
	SG_TRY(sg_trustroot_ca_key_ready(ca, p, &pc->key, lbl, d));
	if (sg_x509_verify_signed_by(child, &pc->key, "certificate signature", NULL) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"%s signature does not verify under %s", child_lbl, lbl);
	res->issuer_der = ca->certs[p];
	res->issuer_spki = pc->spki;

	/* The trusted part: flags, names and times only. */
	for (size_t q = p + 1; q < ca->n_certs; q++) {
		sg_x509_cert *up = &bufs[cur ^ 1];
		SG_TRY(parse_member(ca->certs[q], "trusted root certificate", up, d));
		char up_lbl[128];
		label("CA", up, up_lbl, sizeof up_lbl);
		below++;
		if (!names_link(pc, up))
			return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL, "%s is not issued by %s",
				lbl, up_lbl);
		SG_TRY(check_ca(up, below, t, up_lbl, d));
		memcpy(lbl, up_lbl, sizeof lbl);
		pc = up;
		cur ^= 1;
	}
	return SG_OK;
}

/* see chain.h */
sg_err
sg_chain_verify(const sg_x509_cert *leaf, const sg_slice *intermediates, size_t n_intermediates,
	const sg_trustroot *tr, int64_t t, sg_chain_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (n_intermediates >= SG_MAX_CHAIN) /* not n + 1 > max: that wraps for SIZE_MAX */
		return sg_diag_failf(d, SG_ERR_LIMIT, "certificate chain", "%zu intermediates",
			n_intermediates);
	SG_TRY(check_leaf(leaf, t, d));
	sg_diag first;
	sg_diag_init(&first, NULL);
	size_t eligible = 0;
	for (size_t i = 0; i < tr->n_cas && i < SG_MAX_TRUST_ENTRIES; i++) {
		const sg_trust_ca *ca = &tr->cas[i];
		if (!sg_time_range_contains(&ca->valid, leaf->not_before))
			continue;
		eligible++;
		sg_chain_result r;
		memset(&r, 0, sizeof r);
		sg_diag att;
		sg_diag_init(&att, NULL);
		if (try_ca(leaf, intermediates, n_intermediates, ca, t, &r, &att) == SG_OK) {
			r.ca_index = i;
			r.ca = ca;
			*out = r;
			return SG_OK;
		}
		if (first.code == SG_OK)
			first = att;
	}
	if (eligible == 0) {
		char ts[32];
		if (sg_time_format_rfc3339(leaf->not_before, ts, sizeof ts) != SG_OK)
			ts[0] = '\0';
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"no certificate authority in the trusted root is valid at %s", ts);
	}
	if (d != NULL && d->code == SG_OK) {
		const char *src = d->source;
		*d = first;
		d->source = src;
	}
	return first.code;
}
