/* tsa: RFC 3161 signed timestamps (see tsa.h).
 *
 * Implementation notes. Grammar (RFC 3161 §2.4.2, RFC 5652 §5, RFC 5035 §5.4):
 *
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }
 *   PKIStatusInfo ::= SEQUENCE { status INTEGER, statusString SEQUENCE OF UTF8String OPTIONAL,
 *                                failInfo BIT STRING OPTIONAL }
 *   ContentInfo   ::= SEQUENCE { contentType OID (signedData), content [0] EXPLICIT SignedData }
 *   SignedData    ::= SEQUENCE { version INTEGER, digestAlgorithms SET OF AlgorithmIdentifier,
 *                                encapContentInfo SEQUENCE { eContentType OID (id-ct-TSTInfo),
 *                                    eContent [0] EXPLICIT OCTET STRING },
 *                                certificates [0] IMPLICIT SET OF Certificate OPTIONAL,
 *                                crls [1] IMPLICIT ... OPTIONAL, signerInfos SET OF SignerInfo }
 *   SignerInfo    ::= SEQUENCE { version INTEGER, sid (IssuerAndSerialNumber | [0] SKI),
 *                                digestAlgorithm, signedAttrs [0] IMPLICIT SET OF Attribute,
 *                                signatureAlgorithm, signature OCTET STRING,
 *                                unsignedAttrs [1] IMPLICIT ... OPTIONAL }
 *   TSTInfo       ::= SEQUENCE { version INTEGER (1), policy OID, messageImprint SEQUENCE {
 *                                hashAlgorithm, hashedMessage OCTET STRING }, serialNumber
 *                                INTEGER, genTime GeneralizedTime, accuracy SEQUENCE OPTIONAL,
 *                                ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
 *                                tsa [0] GeneralName OPTIONAL, extensions [1] OPTIONAL }
 *   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL }
 *   ESSCertIDv2   ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING,
 *                                issuerSerial SEQUENCE { issuer GeneralNames, serial } OPTIONAL }
 *   (SigningCertificate v1: ESSCertID ::= SEQUENCE { certHash (SHA-1), issuerSerial OPT })
 *
 * The signature covers the DER of signedAttrs with its [0] tag replaced by SET (0x31)
 * (RFC 5652 §5.4), so it is hashed as 0x31 followed by the original length and contents.
 * The TSA signing certificate always comes from the trusted root (certChain[0]); certificates
 * embedded in the token are never a source of trust. Parsing is separate from verification
 * so the fuzzer can drive the grammar without a trust root. */
#include "pki/tsa.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "crypto/pubkey.h"
#include "parse/der.h"
#include "pki/x509.h"

/* OIDs as DER content octets. */
static const uint8_t oid_signed_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
static const uint8_t oid_tst_info[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04};
static const uint8_t oid_content_type[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03};
static const uint8_t oid_message_digest[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04};
static const uint8_t oid_signing_cert[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0c};
static const uint8_t oid_signing_cert_v2[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x2f};
/* 2.16.840.1.101.3.4.2.{1,2,3}: the last octet picks SHA-256/384/512. */
static const uint8_t oid_sha2_prefix[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
/* 1.2.840.10045.4.3.{2,3,4} ecdsa-with-SHA256/384/512. */
static const uint8_t oid_ecdsa_prefix[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03};
/* 1.2.840.113549.1.1.{1, 11, 12, 13} rsaEncryption, sha256/384/512WithRSAEncryption. */
static const uint8_t oid_pkcs1_prefix[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01};

/* The SHA-2 algorithm for the last arc of a prefixed OID, 0 for none. */
static sg_hash_alg
sha2_from_arc(uint8_t arc, uint8_t a256, uint8_t a384, uint8_t a512)
{
	if (arc == a256)
		return SG_HASH_SHA256;
	if (arc == a384)
		return SG_HASH_SHA384;
	if (arc == a512)
		return SG_HASH_SHA512;
	return (sg_hash_alg)0;
}

/* 1 when `oid` is prefix[0..plen) plus exactly one more octet, stored in *last. */
static int
oid_prefixed(sg_slice oid, const uint8_t *prefix, size_t plen, uint8_t *last)
{
	if (oid.len != plen + 1 || memcmp(oid.p, prefix, plen) != 0)
		return 0;
	*last = oid.p[plen];
	return 1;
}

#define OID_EQ(s, a) sg_der_oid_eq((s), (a), sizeof(a))

/* AlgorithmIdentifier: OID and parameters, which must be absent or NULL (all algorithms we
 * accept define either). */
SG_MUST_USE static sg_err
read_algid(sg_cur *c, sg_slice *oid, sg_diag *d)
{
	sg_cur a;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &a, d));
	SG_TRY(sg_der_oid(&a, oid, d));
	if (a.n > 0)
		SG_TRY(sg_der_null(&a, d));
	return sg_der_leave(&a, d);
}

/* An AlgorithmIdentifier naming SHA-256/384/512. */
SG_MUST_USE static sg_err
read_hash_algid(sg_cur *c, const char *what, sg_hash_alg *alg, sg_diag *d)
{
	sg_slice oid;
	uint8_t last;
	size_t at = c->off;
	SG_TRY(read_algid(c, &oid, d));
	sg_hash_alg h = (sg_hash_alg)0;
	if (oid_prefixed(oid, oid_sha2_prefix, sizeof oid_sha2_prefix, &last))
		h = sha2_from_arc(last, 1, 2, 3);
	if (h == 0)
		return sg_diag_fail_at(d, SG_ERR_UNSUPPORTED, what, at);
	*alg = h;
	return SG_OK;
}

/* ---- genTime ---- */


/* see tsa.h */
sg_err
sg_tsa_gen_time(const uint8_t *s, size_t len, int64_t *out)
{
	*out = 0;
	/* YYYYMMDDHHMMSS then either "Z" or "." 1-9 digits "Z". */
	if (len < 15 || s[len - 1] != 'Z')
		return SG_ERR_DER_TIME;
	if (len > 15) {
		size_t frac = len - 16; /* digits between '.' and 'Z' */
		if (s[14] != '.' || frac < 1 || frac > 9 || s[len - 2] == '0')
			return SG_ERR_DER_TIME;
		int64_t ignored;
		if (!sg_digits(s + 15, frac, &ignored))
			return SG_ERR_DER_TIME;
	}
	int64_t y, mo, da, h, mi, se;
	if (!sg_digits(s, 4, &y) || !sg_digits(s + 4, 2, &mo) || !sg_digits(s + 6, 2, &da) ||
		!sg_digits(s + 8, 2, &h) || !sg_digits(s + 10, 2, &mi) || !sg_digits(s + 12, 2, &se))
		return SG_ERR_DER_TIME;
	int64_t t;
	if (sg_time_from_fields((int)y, (int)mo, (int)da, (int)h, (int)mi, (int)se, &t) != SG_OK)
		return SG_ERR_DER_TIME;
	*out = t;
	return SG_OK;
}

/* ---- TSTInfo ---- */

SG_MUST_USE static sg_err
parse_accuracy(sg_cur *c, sg_diag *d)
{
	sg_cur a;
	int64_t v;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &a, d));
	if (sg_der_next_is(&a, SG_DER_INTEGER))
		SG_TRY(sg_der_int64(&a, &v, d));
	if (sg_der_next_is(&a, SG_DER_CTX_PRIM(0)))
		SG_TRY(sg_der_expect(&a, SG_DER_CTX_PRIM(0), NULL, NULL, d));
	if (sg_der_next_is(&a, SG_DER_CTX_PRIM(1)))
		SG_TRY(sg_der_expect(&a, SG_DER_CTX_PRIM(1), NULL, NULL, d));
	return sg_der_leave(&a, d);
}

SG_MUST_USE static sg_err
parse_tst_info(sg_slice der, size_t base_off, sg_tsa_token *t, sg_diag *d)
{
	sg_cur c, s, mi;
	sg_cur_init(&c, der.p, der.len);
	c.off = base_off;
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, &s, d));
	SG_TRY(sg_der_leave(&c, d));
	int64_t version;
	size_t at = s.off;
	SG_TRY(sg_der_int64(&s, &version, d));
	if (version != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, "TSTInfo", "version %lld",
			(long long)version);
	SG_TRY(sg_der_oid(&s, &t->policy, d));
	SG_TRY(sg_der_enter(&s, SG_DER_SEQUENCE, &mi, d));
	SG_TRY(read_hash_algid(&mi, "TSTInfo messageImprint hash algorithm", &t->imprint_alg, d));
	at = mi.off;
	SG_TRY(sg_der_octets(&mi, &t->imprint, d));
	if (t->imprint.len != sg_hash_len(t->imprint_alg))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"TSTInfo messageImprint length", at);
	SG_TRY(sg_der_leave(&mi, d));
	SG_TRY(sg_der_integer(&s, &t->serial, d));
	sg_slice gt;
	at = s.off;
	SG_TRY(sg_der_expect(&s, SG_DER_GENERALIZEDTIME, &gt, NULL, d));
	if (sg_tsa_gen_time(gt.p, gt.len, &t->gen_time) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_DER_TIME, "TSTInfo genTime", at);
	if (sg_der_next_is(&s, SG_DER_SEQUENCE))
		SG_TRY(parse_accuracy(&s, d));
	if (sg_der_next_is(&s, SG_DER_BOOLEAN)) {
		int ordering;
		SG_TRY(sg_der_bool(&s, &ordering, d));
	}
	if (sg_der_next_is(&s, SG_DER_INTEGER))
		SG_TRY(sg_der_integer(&s, &t->nonce, d));
	if (sg_der_next_is(&s, SG_DER_CTX(0)))
		SG_TRY(sg_der_expect(&s, SG_DER_CTX(0), NULL, NULL, d));
	if (sg_der_next_is(&s, SG_DER_CTX(1)))
		SG_TRY(sg_der_expect(&s, SG_DER_CTX(1), NULL, NULL, d));
	return sg_der_leave(&s, d);
}

/* ---- SignerInfo ---- */

/* One attribute value: the SET must hold exactly one element, returned as a cursor. */
SG_MUST_USE static sg_err
single_value(sg_cur *attr, const char *what, sg_cur *val, sg_diag *d)
{
	sg_cur set;
	size_t at = attr->off;
	SG_TRY(sg_der_enter(attr, SG_DER_SET, &set, d));
	sg_slice whole;
	SG_TRY(sg_der_any(&set, NULL, NULL, &whole, d));
	if (set.n != 0)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, what, at);
	sg_cur_init(val, whole.p, whole.len);
	val->off = set.off - whole.len;
	val->depth = set.depth;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_ess(sg_cur *val, int v2, sg_tsa_token *t, sg_diag *d)
{
	sg_cur sc, certs, id;
	SG_TRY(sg_der_enter(val, SG_DER_SEQUENCE, &sc, d));
	SG_TRY(sg_der_leave(val, d));
	SG_TRY(sg_der_enter(&sc, SG_DER_SEQUENCE, &certs, d));
	/* Only the first ESSCertID names the signing certificate (RFC 5035 §5.4); the others
	 * and the policies are left unread. */
	SG_TRY(sg_der_enter(&certs, SG_DER_SEQUENCE, &id, d));
	t->ess_v2 = v2;
	if (v2) {
		t->ess_alg = SG_HASH_SHA256;
		if (sg_der_next_is(&id, SG_DER_SEQUENCE))
			SG_TRY(read_hash_algid(&id, "ESSCertIDv2 hash algorithm", &t->ess_alg, d));
	}
	size_t at = id.off;
	SG_TRY(sg_der_octets(&id, &t->ess_hash, d));
	if (t->ess_hash.len != (v2 ? sg_hash_len(t->ess_alg) : 20u))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, "ESSCertID certHash length", at);
	if (id.n > 0) {
		sg_cur is;
		SG_TRY(sg_der_enter(&id, SG_DER_SEQUENCE, &is, d));
		SG_TRY(sg_der_expect(&is, SG_DER_SEQUENCE, NULL, NULL, d)); /* GeneralNames */
		SG_TRY(sg_der_integer(&is, &t->ess_serial, d));
		SG_TRY(sg_der_leave(&is, d));
	}
	SG_TRY(sg_der_leave(&id, d));
	t->has_ess = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_signed_attrs(sg_cur *si, sg_tsa_token *t, sg_diag *d)
{
	sg_cur attrs;
	size_t start = si->off;
	if (!sg_der_next_is(si, SG_DER_CTX(0)))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, "SignerInfo signedAttrs missing",
			start);
	const uint8_t *p = si->p;
	SG_TRY(sg_der_enter(si, SG_DER_CTX(0), &attrs, d));
	t->signed_attrs = sg_slice_make(p, si->off - start);
	int have_ct = 0, have_md = 0;
	while (attrs.n > 0) {
		sg_cur a, val;
		sg_slice type;
		size_t at = attrs.off;
		SG_TRY(sg_der_enter(&attrs, SG_DER_SEQUENCE, &a, d));
		SG_TRY(sg_der_oid(&a, &type, d));
		if (OID_EQ(type, oid_content_type)) {
			if (have_ct++)
				return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
					"duplicate content-type attribute", at);
			SG_TRY(single_value(&a, "content-type attribute", &val, d));
			sg_slice ct;
			SG_TRY(sg_der_oid(&val, &ct, d));
			if (!OID_EQ(ct, oid_tst_info))
				return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
					"content-type attribute is not id-ct-TSTInfo", at);
		} else if (OID_EQ(type, oid_message_digest)) {
			if (have_md++)
				return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
					"duplicate message-digest attribute", at);
			SG_TRY(single_value(&a, "message-digest attribute", &val, d));
			SG_TRY(sg_der_octets(&val, &t->message_digest, d));
		} else if (OID_EQ(type, oid_signing_cert) || OID_EQ(type, oid_signing_cert_v2)) {
			if (t->has_ess)
				return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
					"duplicate signing-certificate attribute", at);
			SG_TRY(single_value(&a, "signing-certificate attribute", &val, d));
			SG_TRY(parse_ess(&val, OID_EQ(type, oid_signing_cert_v2), t, d));
		} else {
			/* Other attributes (signingTime, ...) are signed but not interpreted. */
			SG_TRY(sg_der_expect(&a, SG_DER_SET, NULL, NULL, d));
		}
		SG_TRY(sg_der_leave(&a, d));
	}
	if (!have_ct || !have_md)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			have_ct ? "message-digest attribute missing" :
			"content-type attribute missing", start);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_sig_alg(sg_cur *si, sg_tsa_token *t, sg_diag *d)
{
	sg_slice oid;
	uint8_t last;
	size_t at = si->off;
	SG_TRY(read_algid(si, &oid, d));
	sg_hash_alg named = (sg_hash_alg)0;
	if (oid_prefixed(oid, oid_ecdsa_prefix, sizeof oid_ecdsa_prefix, &last)) {
		t->sig_kind = SG_TSA_SIG_ECDSA;
		named = sha2_from_arc(last, 2, 3, 4);
		if (named == 0)
			goto unsupported;
	} else if (OID_EQ(oid, sg_oid_ec_public_key)) {
		t->sig_kind = SG_TSA_SIG_ECDSA;
	} else if (oid_prefixed(oid, oid_pkcs1_prefix, sizeof oid_pkcs1_prefix, &last)) {
		t->sig_kind = SG_TSA_SIG_RSA;
		if (last != 1) {
			named = sha2_from_arc(last, 11, 12, 13);
			if (named == 0)
				goto unsupported;
		}
	} else {
		goto unsupported;
	}
	/* A signature algorithm that names a hash must agree with digestAlgorithm: the two
	 * hashes of RFC 5652 §5.4 are then one, and no verifier can read the token two ways. */
	if (named != 0 && named != t->digest_alg)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"signatureAlgorithm hash differs from digestAlgorithm", at);
	t->sig_hash = t->digest_alg;
	return SG_OK;
unsupported:
	t->sig_kind = SG_TSA_SIG_NONE;
	return sg_diag_fail_at(d, SG_ERR_UNSUPPORTED, "SignerInfo signatureAlgorithm", at);
}

SG_MUST_USE static sg_err
parse_signer_info(sg_cur *set, sg_tsa_token *t, sg_diag *d)
{
	sg_cur si;
	SG_TRY(sg_der_enter(set, SG_DER_SEQUENCE, &si, d));
	int64_t version;
	size_t at = si.off;
	SG_TRY(sg_der_int64(&si, &version, d));
	if (sg_der_next_is(&si, SG_DER_SEQUENCE)) {
		sg_cur ias;
		if (version != 1)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, "SignerInfo",
				"version %lld with issuerAndSerialNumber", (long long)version);
		SG_TRY(sg_der_enter(&si, SG_DER_SEQUENCE, &ias, d));
		SG_TRY(sg_der_expect(&ias, SG_DER_SEQUENCE, NULL, &t->sid_issuer, d));
		SG_TRY(sg_der_integer(&ias, &t->sid_serial, d));
		SG_TRY(sg_der_leave(&ias, d));
	} else if (sg_der_next_is(&si, SG_DER_CTX_PRIM(0))) {
		if (version != 3)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, "SignerInfo",
				"version %lld with subjectKeyIdentifier", (long long)version);
		SG_TRY(sg_der_expect(&si, SG_DER_CTX_PRIM(0), &t->sid_ski, NULL, d));
		t->sid_is_ski = 1;
	} else {
		return sg_diag_fail_at(d, SG_ERR_DER_TAG, "SignerInfo sid", at);
	}
	SG_TRY(read_hash_algid(&si, "SignerInfo digestAlgorithm", &t->digest_alg, d));
	SG_TRY(parse_signed_attrs(&si, t, d));
	if (t->message_digest.len != sg_hash_len(t->digest_alg))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"message-digest attribute length", at);
	SG_TRY(parse_sig_alg(&si, t, d));
	SG_TRY(sg_der_octets(&si, &t->signature, d));
	if (sg_der_next_is(&si, SG_DER_CTX(1)))
		SG_TRY(sg_der_expect(&si, SG_DER_CTX(1), NULL, NULL, d));
	return sg_der_leave(&si, d);
}

/* ---- SignedData ---- */

SG_MUST_USE static sg_err
parse_signed_data(sg_cur *sd, sg_tsa_token *t, sg_diag *d)
{
	int64_t version;
	size_t at = sd->off;
	SG_TRY(sg_der_int64(sd, &version, d));
	if (version != 1 && version != 3)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, "SignedData", "version %lld",
			(long long)version);
	/* digestAlgorithms: checked once the signer's algorithm is known. */
	sg_cur algs;
	SG_TRY(sg_der_enter(sd, SG_DER_SET, &algs, d));
	sg_cur ec, octw;
	SG_TRY(sg_der_enter(sd, SG_DER_SEQUENCE, &ec, d));
	sg_slice ctype;
	SG_TRY(sg_der_oid(&ec, &ctype, d));
	if (!OID_EQ(ctype, oid_tst_info))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"encapContentInfo eContentType is not id-ct-TSTInfo", at);
	SG_TRY(sg_der_enter(&ec, SG_DER_CTX(0), &octw, d));
	size_t tst_off = octw.off;
	SG_TRY(sg_der_octets(&octw, &t->tst_info, d));
	SG_TRY(sg_der_leave(&octw, d));
	SG_TRY(sg_der_leave(&ec, d));
	if (sg_der_next_is(sd, SG_DER_CTX(0))) {
		sg_cur certs;
		SG_TRY(sg_der_enter(sd, SG_DER_CTX(0), &certs, d));
		while (certs.n > 0) {
			if (t->n_certs == SG_MAX_CHAIN)
				return sg_diag_fail_at(d, SG_ERR_LIMIT, "embedded certificates",
					certs.off);
			SG_TRY(sg_der_expect(&certs, SG_DER_SEQUENCE, NULL, &t->certs[t->n_certs],
				d));
			t->n_certs++;
		}
	}
	/* crls [1]: no TSA sends them and nothing here would read them; refusing them also
	 * stops the unsigned certificates [0] from being re-tagged into an ignored field. */
	if (sg_der_next_is(sd, SG_DER_CTX(1)))
		return sg_diag_fail_at(d, SG_ERR_UNSUPPORTED, "SignedData crls", sd->off);
	sg_cur infos;
	at = sd->off;
	SG_TRY(sg_der_enter(sd, SG_DER_SET, &infos, d));
	if (infos.n == 0)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, "no SignerInfo", at);
	SG_TRY(parse_signer_info(&infos, t, d));
	if (infos.n != 0)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, "more than one SignerInfo", at);
	SG_TRY(sg_der_leave(sd, d));
	/* Every digestAlgorithms entry must be a hash we know, and the signer's among them. */
	int found = 0;
	while (algs.n > 0) {
		sg_hash_alg h;
		SG_TRY(read_hash_algid(&algs, "SignedData digestAlgorithms", &h, d));
		found |= h == t->digest_alg;
	}
	if (!found)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"digestAlgorithms lacks the signer's digest algorithm", at);
	/* The TSTInfo is DER inside the OCTET STRING; offsets continue the document's. */
	return parse_tst_info(t->tst_info, tst_off + sg_der_header_size(t->tst_info.len), t, d);
}

SG_MUST_USE static sg_err
parse_content_info(sg_cur *c, sg_tsa_token *t, sg_diag *d)
{
	sg_cur ci, sd, sdw;
	const uint8_t *p = c->p;
	size_t start = c->off;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &ci, d));
	t->content_info = sg_slice_make(p, c->off - start);
	sg_slice type;
	size_t at = ci.off;
	SG_TRY(sg_der_oid(&ci, &type, d));
	if (!OID_EQ(type, oid_signed_data))
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP,
			"timeStampToken content type is not signedData", at);
	SG_TRY(sg_der_enter(&ci, SG_DER_CTX(0), &sdw, d));
	SG_TRY(sg_der_leave(&ci, d));
	SG_TRY(sg_der_enter(&sdw, SG_DER_SEQUENCE, &sd, d));
	SG_TRY(sg_der_leave(&sdw, d));
	return parse_signed_data(&sd, t, d);
}

SG_MUST_USE static sg_err
parse_inner(const uint8_t *der, size_t len, sg_tsa_token *t, sg_diag *d)
{
	if (len > SG_MAX_TIMESTAMP_DER)
		return sg_diag_failf(d, SG_ERR_LIMIT, "timestamp", "%zu bytes (limit %u)", len,
			SG_MAX_TIMESTAMP_DER);
	sg_cur c, top;
	sg_cur_init(&c, der, len);
	/* A TimeStampResp starts with the PKIStatusInfo SEQUENCE, a ContentInfo with its OID. */
	sg_cur peek = c;
	SG_TRY(sg_der_enter(&peek, SG_DER_SEQUENCE, &top, d));
	if (!sg_der_next_is(&top, SG_DER_SEQUENCE)) {
		SG_TRY(parse_content_info(&c, t, d));
		return sg_cur_end(&c) == SG_OK ? SG_OK :
			sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "timestamp", c.off);
	}
	t->is_response = 1;
	c = peek;
	if (c.n != 0)
		return sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "timestamp", c.off);
	sg_cur st;
	SG_TRY(sg_der_enter(&top, SG_DER_SEQUENCE, &st, d));
	size_t at = st.off;
	SG_TRY(sg_der_int64(&st, &t->status, d));
	if (sg_der_next_is(&st, SG_DER_SEQUENCE))
		SG_TRY(sg_der_expect(&st, SG_DER_SEQUENCE, NULL, NULL, d)); /* statusString */
	if (sg_der_next_is(&st, SG_DER_BIT_STRING))
		SG_TRY(sg_der_expect(&st, SG_DER_BIT_STRING, NULL, NULL, d)); /* failInfo */
	SG_TRY(sg_der_leave(&st, d));
	if (t->status != 0 && t->status != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"the TSA refused the request (PKIStatus %lld)", (long long)t->status);
	if (top.n == 0)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TIMESTAMP, "TimeStampResp has no token",
			at);
	SG_TRY(parse_content_info(&top, t, d));
	return sg_der_leave(&top, d);
}

/* see tsa.h */
sg_err
sg_tsa_parse(const uint8_t *der, size_t len, sg_tsa_token *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_inner(der, len, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- verification ---- */

/* "TSA certificate 'sigstore-tsa'" style label for messages. */
static void
cert_label(const sg_x509_cert *c, const char *kind, char *out, size_t cap)
{
	sg_slice cn;
	if (sg_x509_name_cn(c->subject, &cn) && cn.len < 80) {
		(void)snprintf(out, cap, "%s '%.*s'", kind, (int)cn.len, (const char *)cn.p);
	} else {
		(void)snprintf(out, cap, "%s", kind);
	}
}

static void
fmt_time(int64_t t, char *out, size_t cap)
{
	if (sg_time_format_rfc3339(t, out, cap) != SG_OK)
		(void)snprintf(out, cap, "%lld", (long long)t);
}

/* An INTEGER content (two's complement) equals a certificate serial magnitude. */
static int
serial_eq(sg_slice content, sg_slice magnitude)
{
	if (content.len == 0 || (content.p[0] & 0x80u) != 0)
		return 0; /* negative serials never match a parsed certificate */
	if (content.len > 1 && content.p[0] == 0)
		content = sg_slice_make(content.p + 1, content.len - 1);
	return sg_slice_eq(content, magnitude);
}

static int
sid_matches(const sg_tsa_token *t, const sg_x509_cert *leaf)
{
	if (t->sid_is_ski)
		return leaf->ski.len > 0 && sg_slice_eq(t->sid_ski, leaf->ski);
	return sg_slice_eq(t->sid_issuer, leaf->issuer) && serial_eq(t->sid_serial, leaf->serial);
}

/* The critical flag of the certificate's extKeyUsage extension (2.5.29.37). */
static int
eku_critical(const sg_x509_cert *c)
{
	static const uint8_t oid_eku[] = {0x55, 0x1d, 0x25};
	for (size_t i = 0; i < c->n_exts; i++)
		if (OID_EQ(c->exts[i].oid, oid_eku))
			return c->exts[i].critical;
	return 0;
}

SG_MUST_USE static sg_err
check_validity(const sg_x509_cert *c, const char *label, int64_t t, sg_diag *d)
{
	if (t >= c->not_before && t <= c->not_after)
		return SG_OK;
	char ts[32], bound[32];
	int after = t > c->not_after;
	fmt_time(t, ts, sizeof ts);
	fmt_time(after ? c->not_after : c->not_before, bound, sizeof bound);
	return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
		"time %s is outside the validity of %s (%s %s)", ts, label,
		after ? "NotAfter" : "NotBefore", bound);
}

/* The signature over the signed attributes, re-tagged as SET OF (RFC 5652 §5.4). */
SG_MUST_USE static sg_err
check_signature(const sg_tsa_token *t, const sg_x509_cert *leaf, const char *label, sg_diag *d)
{
	int ok_type = (t->sig_kind == SG_TSA_SIG_ECDSA && leaf->key.type == SG_KEY_EC) ||
		(t->sig_kind == SG_TSA_SIG_RSA && leaf->key.type == SG_KEY_RSA);
	if (!ok_type)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"the signature algorithm does not fit the key of %s", label);
	uint8_t h[SG_HASH_MAX_LEN];
	const uint8_t set_tag = SG_DER_SET;
	sg_hash_ctx ctx;
	sg_hash_init(&ctx, t->sig_hash);
	sg_hash_update(&ctx, &set_tag, 1);
	sg_hash_update(&ctx, t->signed_attrs.p + 1, t->signed_attrs.len - 1);
	sg_hash_final(&ctx, h);
	sg_diag sd;
	sg_diag_init(&sd, NULL);
	if (sg_pubkey_verify_digest(&leaf->key, t->sig_hash, h, sg_hash_len(t->sig_hash),
		    t->signature.p, t->signature.len, "timestamp signature", &sd) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"the signature does not verify under %s", label);
	return SG_OK;
}

SG_MUST_USE static sg_err
check_ess(const sg_tsa_token *t, const sg_x509_cert *leaf, const char *label, sg_diag *d)
{
	if (!t->has_ess)
		return SG_OK;
	/* v1 hashes with SHA-1, which picosign does not implement: only its serial is compared
	 * (the signature check above already pins the key). */
	if (t->ess_v2) {
		uint8_t h[SG_HASH_MAX_LEN];
		sg_hash(t->ess_alg, leaf->der.p, leaf->der.len, h);
		if (!sg_ct_equal(h, t->ess_hash.p, t->ess_hash.len))
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"the signing-certificate attribute does not name %s", label);
	}
	if (t->ess_serial.len > 0 && !serial_eq(t->ess_serial, leaf->serial))
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"the signing-certificate attribute serial does not match %s", label);
	return SG_OK;
}

/* Outcome of trying one TSA: SG_ERR_NOT_FOUND (not recorded) when its certificate is not the
 * signer named by the sid, so the next TSA is tried. */
SG_MUST_USE static sg_err
try_tsa(const sg_tsa_token *t, const sg_trust_ca *tsa, sg_diag *d)
{
	if (tsa->n_certs == 0)
		return SG_ERR_NOT_FOUND;
	sg_x509_cert certs[2];
	sg_x509_cert *leaf = &certs[0];
	sg_diag pd;
	sg_diag_init(&pd, NULL);
	if (sg_x509_parse(tsa->certs[0].p, tsa->certs[0].len, leaf, &pd) != SG_OK)
		return SG_ERR_NOT_FOUND; /* an unusable trusted-root entry vouches for nothing */
	if (!sid_matches(t, leaf))
		return SG_ERR_NOT_FOUND;
	char label[128];
	cert_label(leaf, "TSA certificate", label, sizeof label);
	if (t->n_certs > 0) {
		int found = 0;
		for (size_t i = 0; i < t->n_certs; i++)
			found |= sg_slice_eq(t->certs[i], leaf->der);
		if (!found)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"the certificates embedded in the timestamp do not include "
				"the trusted %s", label);
	}
	SG_TRY(check_signature(t, leaf, label, d));
	SG_TRY(check_ess(t, leaf, label, d));
	if (!leaf->has_eku || leaf->eku != SG_EKU_TIME_STAMPING || leaf->eku_other != 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"%s must have exactly one extended key usage, timeStamping", label);
	if (!eku_critical(leaf))
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"%s must mark its extended key usage critical (RFC 3161 §2.3)", label);
	if (leaf->has_basic_constraints && leaf->is_ca)
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL, "%s is a CA", label);
	if (!sg_time_range_contains(&tsa->valid, t->gen_time)) {
		char ts[32], a[32], b[32];
		fmt_time(t->gen_time, ts, sizeof ts);
		fmt_time(tsa->valid.start, a, sizeof a);
		if (tsa->valid.end == INT64_MAX)
			(void)snprintf(b, sizeof b, "(open)");
		else
			fmt_time(tsa->valid.end, b, sizeof b);
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"time %s is outside the TSA's validity %s to %s", ts, a, b);
	}
	SG_TRY(check_validity(leaf, label, t->gen_time, d));
	/* Walk up the trusted chain: each certificate issued by the next, all valid at genTime. */
	size_t cur = 0;
	for (size_t k = 1; k < tsa->n_certs; k++) {
		sg_x509_cert *child = &certs[cur], *parent = &certs[cur ^ 1u];
		char clabel[128], plabel[128];
		cert_label(child, k == 1 ? "TSA certificate" : "TSA CA", clabel, sizeof clabel);
		if (sg_x509_parse(tsa->certs[k].p, tsa->certs[k].len, parent, &pd) != SG_OK)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"cannot parse TSA chain certificate %zu", k);
		cert_label(parent, "TSA CA", plabel, sizeof plabel);
		if (!parent->has_basic_constraints || !parent->is_ca)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL, "%s is not a CA",
				plabel);
		if (parent->has_eku && (parent->eku & (SG_EKU_TIME_STAMPING | SG_EKU_ANY)) == 0)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"%s's extended key usage does not allow timeStamping", plabel);
		if (!sg_slice_eq(child->issuer, parent->subject))
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"%s is not issued by %s", clabel, plabel);
		if (sg_x509_verify_signed_by(child, &parent->key, "TSA chain", &pd) != SG_OK)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
				"the signature of %s does not verify under %s", clabel, plabel);
		SG_TRY(check_validity(parent, plabel, t->gen_time, d));
		cur ^= 1u;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
verify_inner(const uint8_t *ts, size_t len, const uint8_t *signed_data, size_t signed_len,
	const sg_trustroot *tr, sg_tsa_result *out, sg_diag *d)
{
	sg_tsa_token t;
	sg_diag pd;
	sg_diag_init(&pd, NULL);
	if (sg_tsa_parse(ts, len, &t, &pd) != SG_OK) {
		if (pd.code == SG_ERR_LIMIT)
			return sg_diag_failf(d, SG_ERR_LIMIT, "timestamp", "%s", pd.detail);
		if (pd.code == SG_ERR_VERIFY_TIMESTAMP && pd.what == NULL)
			return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL, "%s", pd.detail);
		/* "malformed timestamp: <what>[: <generic message>][: <detail>] at byte N", without
		 * repeating "timestamp verification failed". */
		char off[32] = "";
		if (pd.has_offset)
			(void)snprintf(off, sizeof off, " at byte %zu", pd.offset);
		int generic = pd.code != SG_ERR_VERIFY_TIMESTAMP;
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"malformed timestamp: %s%s%s%s%s%s", pd.what != NULL ? pd.what : "token",
			generic ? ": " : "", generic ? sg_err_str(pd.code) : "",
			pd.detail[0] != '\0' ? ": " : "", pd.detail, off);
	}
	uint8_t h[SG_HASH_MAX_LEN];
	sg_hash(t.imprint_alg, signed_data, signed_len, h);
	if (!sg_ct_equal(h, t.imprint.p, t.imprint.len))
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"message imprint does not match the signature");
	sg_hash(t.digest_alg, t.tst_info.p, t.tst_info.len, h);
	if (!sg_ct_equal(h, t.message_digest.p, t.message_digest.len))
		return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
			"the message-digest attribute does not match the TSTInfo");
	sg_diag first;
	sg_diag_init(&first, NULL);
	int matched = 0;
	for (size_t i = 0; i < tr->n_tsas; i++) {
		sg_diag td;
		sg_diag_init(&td, NULL);
		sg_err e = try_tsa(&t, &tr->tsas[i], &td);
		if (e == SG_OK) {
			out->gen_time = t.gen_time;
			out->tsa_index = i;
			out->tsa = &tr->tsas[i];
			out->imprint_alg = t.imprint_alg;
			out->serial = t.serial;
			out->policy = t.policy;
			out->nonce = t.nonce;
			out->is_response = t.is_response;
			return SG_OK;
		}
		if (e != SG_ERR_NOT_FOUND && !matched) {
			matched = 1;
			first = td;
		}
	}
	if (matched) {
		if (d != NULL && d->code == SG_OK) {
			const char *src = d->source;
			*d = first;
			d->source = src;
		}
		return first.code;
	}
	return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, NULL,
		"not signed by a trusted timestamp authority");
}

/* see tsa.h */
sg_err
sg_tsa_verify(const uint8_t *ts, size_t len, const uint8_t *signed_data, size_t signed_len,
	const sg_trustroot *tr, sg_tsa_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = verify_inner(ts, len, signed_data, signed_len, tr, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- the client side ---- */

/* The last octet of oid_sha2_prefix's arc for each hash (2.16.840.1.101.3.4.2.N). */
static uint8_t
sha2_arc(sg_hash_alg alg)
{
	return alg == SG_HASH_SHA512 ? 3 : alg == SG_HASH_SHA384 ? 2 : 1;
}

/* see tsa.h */
void
sg_tsa_request_write(sg_hash_alg alg, const uint8_t *digest, const uint8_t *nonce,
	size_t nonce_len, int cert_req, sg_buf *out)
{
	/* Built inner to outer in a scratch buffer: the lengths come first in DER. */
	uint8_t mem[256], oid[sizeof oid_sha2_prefix + 1];
	static const uint8_t one = 1, yes = 0xff;
	sg_buf in;
	sg_buf_init(&in, mem, sizeof mem);
	size_t hl = sg_hash_len(alg);
	memcpy(oid, oid_sha2_prefix, sizeof oid_sha2_prefix);
	oid[sizeof oid_sha2_prefix] = sha2_arc(alg);
	size_t alg_len = 2 + sizeof oid + 2;
	sg_der_write(&in, SG_DER_INTEGER, &one, 1);
	sg_der_write_header(&in, SG_DER_SEQUENCE,
		sg_der_header_size(alg_len) + alg_len + sg_der_header_size(hl) + hl);
	sg_der_write_header(&in, SG_DER_SEQUENCE, alg_len);
	sg_der_write(&in, SG_DER_OID, oid, sizeof oid);
	sg_der_write(&in, SG_DER_NULL, NULL, 0);
	sg_der_write(&in, SG_DER_OCTET_STRING, digest, hl);
	if (nonce_len > 0)
		sg_der_write_uint(&in, nonce, nonce_len);
	if (cert_req)
		sg_der_write(&in, SG_DER_BOOLEAN, &yes, 1);
	if (in.overflow) {
		out->overflow = 1;
		return;
	}
	sg_der_write(out, SG_DER_SEQUENCE, in.p, in.len);
}

/* The magnitude of an unsigned big-endian integer: its bytes without leading zeros. */
static sg_slice
magnitude(sg_slice v)
{
	while (v.len > 0 && v.p[0] == 0) {
		v.p++;
		v.len--;
	}
	return v;
}

/* see tsa.h */
sg_err
sg_tsa_check_response(const uint8_t *resp, size_t len, const uint8_t *nonce, size_t nonce_len,
	const uint8_t *signed_data, size_t signed_len, const sg_trustroot *tr, sg_tsa_result *out,
	sg_diag *d)
{
	SG_TRY(sg_tsa_verify(resp, len, signed_data, signed_len, tr, out, d));
	const char *why = NULL;
	if (!out->is_response)
		why = "a bare token, not a TimeStampResp";
	/* RFC 3161 §2.4.2: "the nonce ... MUST be present if the nonce field was present in the
	 * TimeStampReq" and equal to it; a replayed or mixed-up answer fails here. */
	else if (!sg_slice_eq(magnitude(out->nonce), magnitude(sg_slice_make(nonce, nonce_len))) ||
		(nonce_len > 0 && out->nonce.len == 0))
		why = "its nonce is not the one sent";
	if (why == NULL)
		return SG_OK;
	memset(out, 0, sizeof *out);
	return sg_diag_failf(d, SG_ERR_VERIFY_TIMESTAMP, "timestamp authority answer", "%s", why);
}
