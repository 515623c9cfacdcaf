/* x509: zero-copy X.509 certificate view. See x509.h.
 *
 * Implementation notes. Grammar (RFC 5280 §4.1):
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version DEFAULT v1, serialNumber INTEGER,
 *       signature AlgorithmIdentifier, issuer Name, validity SEQUENCE { notBefore, notAfter },
 *       subject Name, subjectPublicKeyInfo, [1] IMPLICIT issuerUniqueID OPTIONAL,
 *       [2] IMPLICIT subjectUniqueID OPTIONAL, [3] EXPLICIT extensions OPTIONAL }
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * Extensions: §4.2.1.1 AKI, §4.2.1.2 SKI, §4.2.1.3 keyUsage, §4.2.1.6 subjectAltName,
 * §4.2.1.9 basicConstraints, §4.2.1.12 extKeyUsage; RFC 6962 §3.3 the SCT list (an OCTET
 * STRING inside extnValue); Fulcio docs/oid-info.md for 1.3.6.1.4.1.57264.1.N (1-6 raw bytes,
 * 8 and up a DER UTF8String; protocol.md §4.2). Algorithms: RFC 5758 §3.2 (ECDSA, parameters
 * absent), RFC 4055 §5 (RSA PKCS#1 v1.5, NULL parameters; absent tolerated as Go does).
 *
 * Single pass, no copies: every field is a slice into the input. DER rules that matter for
 * signatures are enforced by der.c (minimal lengths, BOOLEAN TRUE only as FF); here a DEFAULT
 * value encoded explicitly (version v1, critical FALSE, cA FALSE) is refused, since DER omits
 * defaults (X.690 §11.5). Duplicate extensions are refused (§4.2: "MUST NOT include more than
 * one instance of a particular extension"): two parsers picking different copies is a classic
 * verification bypass. */
#include "pki/x509.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "parse/der.h"

/* ---- OIDs as DER content octets ---- */
static const uint8_t OID_ECDSA_SHA256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t OID_ECDSA_SHA384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
static const uint8_t OID_ECDSA_SHA512[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
static const uint8_t OID_RSA_SHA256[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
static const uint8_t OID_RSA_SHA384[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
static const uint8_t OID_RSA_SHA512[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};

static const uint8_t OID_EXT_SKI[] = {0x55, 0x1d, 0x0e};
static const uint8_t OID_EXT_KU[] = {0x55, 0x1d, 0x0f};
static const uint8_t OID_EXT_SAN[] = {0x55, 0x1d, 0x11};
static const uint8_t OID_EXT_BC[] = {0x55, 0x1d, 0x13};
static const uint8_t OID_EXT_AKI[] = {0x55, 0x1d, 0x23};
static const uint8_t OID_EXT_EKU[] = {0x55, 0x1d, 0x25};
static const uint8_t OID_EXT_SCT[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02};

static const uint8_t OID_EKU_ANY[] = {0x55, 0x1d, 0x25, 0x00};
/* id-kp 1.3.6.1.5.5.7.3.N */
static const uint8_t OID_KP_PREFIX[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03};

/* ---- small helpers ---- */

static int
oid_is(sg_slice oid, const uint8_t *enc, size_t len)
{
	return sg_der_oid_eq(oid, enc, len);
}

/* Attach an offset to a failure this call just recorded (sg_diag_failf has no offset form). */

/* N when `oid` is 1.3.6.1.4.1.57264.1.N with 1 <= N < 128, else 0. */
static unsigned
fulcio_arc(sg_slice oid)
{
	if (oid.len != SG_OID_FULCIO_PREFIX_LEN + 1 ||
		memcmp(oid.p, SG_OID_FULCIO_PREFIX, SG_OID_FULCIO_PREFIX_LEN) != 0)
		return 0;
	uint8_t n = oid.p[SG_OID_FULCIO_PREFIX_LEN];
	return n < 0x80 ? n : 0;
}

/* see x509.h */
sg_hash_alg
sg_x509_sigalg_hash(sg_x509_sigalg a)
{
	switch (a) {
	case SG_SIGALG_ECDSA_SHA384:
	case SG_SIGALG_RSA_SHA384:
		return SG_HASH_SHA384;
	case SG_SIGALG_ECDSA_SHA512:
	case SG_SIGALG_RSA_SHA512:
		return SG_HASH_SHA512;
	default:
		return SG_HASH_SHA256;
	}
}

/* see x509.h */
const char *
sg_x509_sigalg_name(sg_x509_sigalg a)
{
	switch (a) {
	case SG_SIGALG_ECDSA_SHA256:
		return "ecdsa-with-SHA256";
	case SG_SIGALG_ECDSA_SHA384:
		return "ecdsa-with-SHA384";
	case SG_SIGALG_ECDSA_SHA512:
		return "ecdsa-with-SHA512";
	case SG_SIGALG_RSA_SHA256:
		return "sha256WithRSAEncryption";
	case SG_SIGALG_RSA_SHA384:
		return "sha384WithRSAEncryption";
	case SG_SIGALG_RSA_SHA512:
		return "sha512WithRSAEncryption";
	default:
		return "unknown";
	}
}

static int
sigalg_is_ecdsa(sg_x509_sigalg a)
{
	return a == SG_SIGALG_ECDSA_SHA256 || a == SG_SIGALG_ECDSA_SHA384 ||
		a == SG_SIGALG_ECDSA_SHA512;
}

/* AlgorithmIdentifier for a signature. */
SG_MUST_USE static sg_err
parse_sigalg(sg_cur *c, sg_x509_sigalg *alg, sg_slice *whole, sg_diag *d)
{
	static const char what[] = "x509 signature algorithm";
	sg_cur a;
	size_t start_n = c->n;
	const uint8_t *start = c->p;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &a, d));
	*whole = sg_slice_make(start, start_n - c->n);
	sg_slice oid;
	SG_TRY(sg_der_oid(&a, &oid, d));
	if (oid_is(oid, OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256))
		*alg = SG_SIGALG_ECDSA_SHA256;
	else if (oid_is(oid, OID_ECDSA_SHA384, sizeof OID_ECDSA_SHA384))
		*alg = SG_SIGALG_ECDSA_SHA384;
	else if (oid_is(oid, OID_ECDSA_SHA512, sizeof OID_ECDSA_SHA512))
		*alg = SG_SIGALG_ECDSA_SHA512;
	else if (oid_is(oid, OID_RSA_SHA256, sizeof OID_RSA_SHA256))
		*alg = SG_SIGALG_RSA_SHA256;
	else if (oid_is(oid, OID_RSA_SHA384, sizeof OID_RSA_SHA384))
		*alg = SG_SIGALG_RSA_SHA384;
	else if (oid_is(oid, OID_RSA_SHA512, sizeof OID_RSA_SHA512))
		*alg = SG_SIGALG_RSA_SHA512;
	else {
		char txt[64];
		if (sg_der_oid_text(oid, txt, sizeof txt) != SG_OK)
			txt[0] = '\0';
		return sg_diag_failf(d, SG_ERR_X509_ALGORITHM, what, "%s%s", txt,
			strcmp(txt, "1.2.840.113549.1.1.10") == 0 ? " (RSA-PSS)" : "");
	}
	if (sigalg_is_ecdsa(*alg)) {
		/* RFC 5758 §3.2: the parameters field MUST be absent. */
		if (a.n != 0)
			return sg_diag_failf(d, SG_ERR_X509_ALGORITHM, what,
				"ECDSA parameters must be absent");
	} else if (a.n != 0) {
		SG_TRY(sg_der_null(&a, d));
	}
	return sg_der_leave(&a, d);
}

/* Name ::= SEQUENCE OF RelativeDistinguishedName (SET SIZE (1..MAX) OF
 * AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }). Only the structure and the
 * string values are checked; names are compared bytewise. */
SG_MUST_USE static sg_err
parse_name(sg_cur *c, sg_slice *whole, sg_diag *d)
{
	static const char what[] = "x509 distinguished name";
	const uint8_t *start = c->p;
	size_t start_n = c->n;
	sg_cur name;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &name, d));
	*whole = sg_slice_make(start, start_n - c->n);
	while (name.n > 0) {
		sg_cur rdn;
		SG_TRY(sg_der_enter(&name, SG_DER_SET, &rdn, d));
		if (rdn.n == 0)
			return sg_diag_fail_at(d, SG_ERR_X509_NAME, what, rdn.off);
		while (rdn.n > 0) {
			sg_cur atv;
			SG_TRY(sg_der_enter(&rdn, SG_DER_SEQUENCE, &atv, d));
			sg_slice oid, v;
			uint8_t tag;
			SG_TRY(sg_der_oid(&atv, &oid, d));
			size_t voff = atv.off;
			SG_TRY(sg_der_any(&atv, &tag, &v, NULL, d));
			SG_TRY(sg_der_leave(&atv, d));
			switch (tag) {
			case SG_DER_UTF8STRING:
			case SG_DER_PRINTABLESTRING:
			case SG_DER_IA5STRING:
				if (sg_der_check_string(tag, v, NULL) != SG_OK)
					return sg_diag_fail_at(d, SG_ERR_X509_NAME, what, voff);
				break;
			default:
				/* TeletexString, BMPString and friends: kept raw, but a NUL
				 * would let two readers see different names. */
				if (v.len > 0 && memchr(v.p, 0, v.len) != NULL &&
					tag != SG_DER_BMPSTRING)
					return sg_diag_fail_at(d, SG_ERR_X509_NAME, what, voff);
				break;
			}
		}
	}
	return SG_OK;
}

/* ---- extensions ---- */

/* An extension value that is one SEQUENCE with nothing after it; *s gets its contents. */
SG_MUST_USE static sg_err
ext_seq(const sg_x509_ext *e, sg_cur *s, sg_diag *d)
{
	sg_cur c;
	sg_cur_init(&c, e->value.p, e->value.len);
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, s, d));
	return sg_der_leave(&c, d);
}

SG_MUST_USE static sg_err
ext_basic_constraints(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	static const char what[] = "x509 basicConstraints";
	sg_cur s;
	SG_TRY(ext_seq(e, &s, d));
	out->is_ca = 0;
	out->path_len = -1;
	if (sg_der_next_is(&s, SG_DER_BOOLEAN)) {
		int v;
		SG_TRY(sg_der_bool(&s, &v, d));
		if (!v)
			return sg_diag_failf(d, SG_ERR_X509_EXTENSION, what,
				"cA FALSE must be omitted in DER");
		out->is_ca = 1;
	}
	if (sg_der_next_is(&s, SG_DER_INTEGER)) {
		int64_t pl;
		SG_TRY(sg_der_int64(&s, &pl, d));
		if (pl < 0 || pl > 255)
			return sg_diag_failf(d, SG_ERR_X509_EXTENSION, what,
				"bad pathLenConstraint");
		out->path_len = (int)pl;
	}
	SG_TRY(sg_der_leave(&s, d));
	out->has_basic_constraints = 1;
	out->bc_critical = e->critical;
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_key_usage(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	sg_cur c;
	sg_cur_init(&c, e->value.p, e->value.len);
	uint32_t bits;
	SG_TRY(sg_der_bitstring_flags(&c, &bits, d));
	SG_TRY(sg_der_leave(&c, d));
	/* No bit set violates RFC 5280 §4.2.1.3, but Go and pyca accept it; the classes and
	 * the chain checks then see no usage at all. */
	out->has_key_usage = 1;
	out->key_usage = bits;
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_eku(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	sg_cur s;
	SG_TRY(ext_seq(e, &s, d));
	out->eku_seq = sg_slice_make(s.p, s.n);
	if (s.n == 0)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 extKeyUsage", "empty");
	while (s.n > 0) {
		sg_slice oid;
		SG_TRY(sg_der_oid(&s, &oid, d));
		uint32_t bit = 0;
		if (oid_is(oid, OID_EKU_ANY, sizeof OID_EKU_ANY)) {
			bit = SG_EKU_ANY;
		} else if (oid.len == sizeof OID_KP_PREFIX + 1 &&
			memcmp(oid.p, OID_KP_PREFIX, sizeof OID_KP_PREFIX) == 0) {
			switch (oid.p[sizeof OID_KP_PREFIX]) {
			case 1: bit = SG_EKU_SERVER_AUTH; break;
			case 2: bit = SG_EKU_CLIENT_AUTH; break;
			case 3: bit = SG_EKU_CODE_SIGNING; break;
			case 4: bit = SG_EKU_EMAIL_PROTECTION; break;
			case 8: bit = SG_EKU_TIME_STAMPING; break;
			case 9: bit = SG_EKU_OCSP_SIGNING; break;
			default: break;
			}
		}
		if (bit == 0)
			out->eku_other++;
		out->eku |= bit;
	}
	out->has_eku = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_ski(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	sg_cur c;
	sg_cur_init(&c, e->value.p, e->value.len);
	SG_TRY(sg_der_octets(&c, &out->ski, d));
	SG_TRY(sg_der_leave(&c, d));
	if (out->ski.len == 0)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 subjectKeyIdentifier",
			"empty");
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_aki(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	sg_cur s, x;
	int present;
	SG_TRY(ext_seq(e, &s, d));
	if (sg_der_next_is(&s, SG_DER_CTX_PRIM(0))) {
		SG_TRY(sg_der_expect(&s, SG_DER_CTX_PRIM(0), &out->aki, NULL, d));
		if (out->aki.len == 0)
			return sg_diag_failf(d, SG_ERR_X509_EXTENSION,
				"x509 authorityKeyIdentifier", "empty keyIdentifier");
	}
	/* authorityCertIssuer and authorityCertSerialNumber: structure only. */
	SG_TRY(sg_der_enter_optional(&s, SG_DER_CTX(1), &x, &present, d));
	if (sg_der_next_is(&s, SG_DER_CTX_PRIM(2)))
		SG_TRY(sg_der_expect(&s, SG_DER_CTX_PRIM(2), NULL, NULL, d));
	return sg_der_leave(&s, d);
}

static const uint8_t OID_FULCIO_USERNAME[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30,
	0x01, 0x07};

SG_MUST_USE static sg_err
ext_san(sg_x509_cert *out, const sg_x509_ext *e, sg_diag *d)
{
	static const char what[] = "x509 subjectAltName";
	sg_cur s;
	SG_TRY(ext_seq(e, &s, d));
	if (s.n == 0)
		return sg_diag_failf(d, SG_ERR_X509_SAN, what, "empty");
	while (s.n > 0) {
		if (out->n_sans >= SG_MAX_SAN)
			return sg_diag_failf(d, SG_ERR_LIMIT, what, "more than %u names",
				(unsigned)SG_MAX_SAN);
		size_t off = s.off;
		uint8_t tag;
		sg_slice v;
		SG_TRY(sg_der_any(&s, &tag, &v, NULL, d));
		sg_x509_san *san = &out->sans[out->n_sans];
		memset(san, 0, sizeof *san);
		san->value = v;
		switch (tag) {
		case SG_DER_CTX(0): {
			/* otherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } */
			sg_cur on, ex;
			sg_slice oid;
			sg_cur_init(&on, v.p, v.len);
			on.off = off;
			on.depth = s.depth + 1;
			SG_TRY(sg_der_oid(&on, &oid, d));
			SG_TRY(sg_der_enter(&on, SG_DER_CTX(0), &ex, d));
			SG_TRY(sg_der_leave(&on, d));
			san->type = SG_SAN_OTHERNAME;
			if (oid_is(oid, OID_FULCIO_USERNAME, sizeof OID_FULCIO_USERNAME)) {
				sg_err se = sg_der_string(&ex, SG_DER_UTF8STRING, &san->value,
					NULL);
				if (se != SG_OK || ex.n != 0)
					return sg_diag_fail_at(d, SG_ERR_X509_SAN, what, off);
				san->fulcio_username = 1;
			} else {
				sg_slice any;
				SG_TRY(sg_der_any(&ex, NULL, &any, NULL, d));
				SG_TRY(sg_der_leave(&ex, d));
			}
			break;
		}
		case SG_DER_CTX_PRIM(1):
		case SG_DER_CTX_PRIM(2):
		case SG_DER_CTX_PRIM(6):
			/* IA5String (RFC 5280 §4.2.1.6); empty names are not allowed. */
			if (v.len == 0 || sg_der_check_string(SG_DER_IA5STRING, v, NULL) != SG_OK)
				return sg_diag_fail_at(d, SG_ERR_X509_SAN, what, off);
			san->type = (sg_x509_san_type)(tag & 0x1fu);
			break;
		case SG_DER_CTX_PRIM(7):
			if (v.len != 4 && v.len != 16)
				return sg_diag_fail_at(d, SG_ERR_X509_SAN, what, off);
			san->type = SG_SAN_IP;
			break;
		case SG_DER_CTX(3):
		case SG_DER_CTX(4):
		case SG_DER_CTX(5):
		case SG_DER_CTX_PRIM(8):
			san->type = (sg_x509_san_type)(tag & 0x1fu);
			break;
		default:
			return sg_diag_failf(d, SG_ERR_X509_SAN, what,
				"unknown GeneralName tag 0x%02x", tag);
		}
		out->n_sans++;
	}
	out->has_san = 1;
	out->san_critical = e->critical;
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_sct(sg_x509_cert *out, const sg_x509_ext *e, size_t index, sg_diag *d)
{
	/* RFC 6962 §3.3: extnValue holds an OCTET STRING whose contents are the TLS list. */
	sg_cur c;
	sg_cur_init(&c, e->value.p, e->value.len);
	SG_TRY(sg_der_octets(&c, &out->sct_list, d));
	SG_TRY(sg_der_leave(&c, d));
	out->has_sct = 1;
	out->sct_ext = index;
	return SG_OK;
}

SG_MUST_USE static sg_err
ext_fulcio(sg_x509_cert *out, const sg_x509_ext *e, unsigned n, sg_diag *d)
{
	sg_slice v = e->value;
	if (n >= SG_FULCIO_ISSUER_V2) {
		/* 1.8 and later: a DER UTF8String filling the extnValue. */
		sg_cur c;
		sg_cur_init(&c, e->value.p, e->value.len);
		if (sg_der_string(&c, SG_DER_UTF8STRING, &v, NULL) != SG_OK || c.n != 0)
			return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 Fulcio extension",
				"1.3.6.1.4.1.57264.1.%u is not a DER UTF8String", n);
	}
	out->fulcio[n] = v;
	out->fulcio_present |= 1u << n;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_extensions(sg_cur *tbs, sg_x509_cert *out, sg_diag *d)
{
	static const char what[] = "x509 extensions";
	const uint8_t *start = tbs->p;
	size_t start_n = tbs->n;
	sg_cur wrap, seq;
	SG_TRY(sg_der_enter(tbs, SG_DER_CTX(3), &wrap, d));
	out->ext_block = sg_slice_make(start, start_n - tbs->n);
	SG_TRY(sg_der_enter(&wrap, SG_DER_SEQUENCE, &seq, d));
	SG_TRY(sg_der_leave(&wrap, d));
	out->ext_seq = sg_slice_make(seq.p, seq.n);
	if (seq.n == 0)
		return sg_diag_fail_at(d, SG_ERR_X509_EXTENSION, what, seq.off);
	while (seq.n > 0) {
		if (out->n_exts >= SG_MAX_EXTENSIONS)
			return sg_diag_failf(d, SG_ERR_LIMIT, what, "more than %u extensions",
				(unsigned)SG_MAX_EXTENSIONS);
		size_t off = seq.off;
		const uint8_t *ext_start = seq.p;
		size_t ext_n = seq.n;
		sg_cur ec;
		SG_TRY(sg_der_enter(&seq, SG_DER_SEQUENCE, &ec, d));
		sg_x509_ext *e = &out->exts[out->n_exts];
		memset(e, 0, sizeof *e);
		e->whole = sg_slice_make(ext_start, ext_n - seq.n);
		SG_TRY(sg_der_oid(&ec, &e->oid, d));
		if (sg_der_next_is(&ec, SG_DER_BOOLEAN)) {
			SG_TRY(sg_der_bool(&ec, &e->critical, d));
			if (!e->critical)
				return sg_diag_failf(d, SG_ERR_X509_EXTENSION, what,
					"critical FALSE must be omitted in DER");
		}
		SG_TRY(sg_der_octets(&ec, &e->value, d));
		SG_TRY(sg_der_leave(&ec, d));
		for (size_t i = 0; i < out->n_exts; i++) {
			if (sg_slice_eq(out->exts[i].oid, e->oid)) {
				char txt[64];
				if (sg_der_oid_text(e->oid, txt, sizeof txt) != SG_OK)
					txt[0] = '\0';
				return sg_diag_failf_at(d, SG_ERR_X509_DUPLICATE_EXT, what, off, "%s",
					txt);
			}
		}
		size_t index = out->n_exts++;
		unsigned fa = fulcio_arc(e->oid);
		if (oid_is(e->oid, OID_EXT_BC, sizeof OID_EXT_BC))
			SG_TRY(ext_basic_constraints(out, e, d));
		else if (oid_is(e->oid, OID_EXT_KU, sizeof OID_EXT_KU))
			SG_TRY(ext_key_usage(out, e, d));
		else if (oid_is(e->oid, OID_EXT_EKU, sizeof OID_EXT_EKU))
			SG_TRY(ext_eku(out, e, d));
		else if (oid_is(e->oid, OID_EXT_SKI, sizeof OID_EXT_SKI))
			SG_TRY(ext_ski(out, e, d));
		else if (oid_is(e->oid, OID_EXT_AKI, sizeof OID_EXT_AKI))
			SG_TRY(ext_aki(out, e, d));
		else if (oid_is(e->oid, OID_EXT_SAN, sizeof OID_EXT_SAN))
			SG_TRY(ext_san(out, e, d));
		else if (oid_is(e->oid, OID_EXT_SCT, sizeof OID_EXT_SCT) && !e->critical)
			SG_TRY(ext_sct(out, e, index, d));
		else if (fa >= 1 && fa <= SG_X509_FULCIO_MAX && fa != 7 && !e->critical)
			SG_TRY(ext_fulcio(out, e, fa, d));
		else if (e->critical) {
			char txt[64];
			if (sg_der_oid_text(e->oid, txt, sizeof txt) != SG_OK)
				txt[0] = '\0';
			return sg_diag_failf_at(d, SG_ERR_X509_CRITICAL, what, off, "%s", txt);
		}
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_tbs(sg_cur *c, sg_x509_cert *out, sg_diag *d)
{
	sg_cur tbs;
	const uint8_t *start = c->p;
	size_t start_n = c->n;
	SG_TRY(sg_der_enter(c, SG_DER_SEQUENCE, &tbs, d));
	out->tbs = sg_slice_make(start, start_n - c->n);
	out->tbs_content = sg_slice_make(tbs.p, tbs.n);

	out->version = 1;
	if (sg_der_next_is(&tbs, SG_DER_CTX(0))) {
		sg_cur v;
		int64_t ver;
		size_t off = tbs.off;
		SG_TRY(sg_der_enter(&tbs, SG_DER_CTX(0), &v, d));
		SG_TRY(sg_der_int64(&v, &ver, d));
		SG_TRY(sg_der_leave(&v, d));
		/* v1 is the DEFAULT and must not be encoded (X.690 §11.5). */
		if (ver != 1 && ver != 2)
			return sg_diag_fail_at(d, SG_ERR_X509_VERSION, "x509 version", off);
		out->version = (unsigned)ver + 1;
	}
	SG_TRY(sg_der_uint(&tbs, &out->serial, d));
	sg_x509_sigalg inner;
	sg_slice inner_der;
	SG_TRY(parse_sigalg(&tbs, &inner, &inner_der, d));
	out->sig_alg = inner;
	out->sig_alg_der = inner_der;
	SG_TRY(parse_name(&tbs, &out->issuer, d));
	sg_cur val;
	size_t voff = tbs.off;
	SG_TRY(sg_der_enter(&tbs, SG_DER_SEQUENCE, &val, d));
	SG_TRY(sg_der_time(&val, &out->not_before, d));
	SG_TRY(sg_der_time(&val, &out->not_after, d));
	SG_TRY(sg_der_leave(&val, d));
	if (out->not_after < out->not_before)
		return sg_diag_fail_at(d, SG_ERR_X509_VALIDITY, "x509 validity", voff);
	SG_TRY(parse_name(&tbs, &out->subject, d));
	size_t koff = tbs.off;
	SG_TRY(sg_der_expect(&tbs, SG_DER_SEQUENCE, NULL, &out->spki, d));
	sg_diag kd;
	sg_diag_init(&kd, NULL);
	/* The on-curve check waits for the key's first signature check (pubkey.h): a chain's root
	 * key is never used, the trusted root vouches for its link (issue #15). */
	if (sg_pubkey_parse_deferred(out->spki.p, out->spki.len, &out->key, &kd) != SG_OK) {
		return sg_diag_failf_at(d, SG_ERR_X509_KEY, "x509 subjectPublicKeyInfo", koff,
			"%s%s%s", kd.what != NULL ? kd.what : "", kd.what != NULL ? ": " : "",
			sg_err_str(kd.code));
	}
	if (out->version >= 2 && sg_der_next_is(&tbs, SG_DER_CTX_PRIM(1)))
		SG_TRY(sg_der_expect(&tbs, SG_DER_CTX_PRIM(1), NULL, NULL, d));
	if (out->version >= 2 && sg_der_next_is(&tbs, SG_DER_CTX_PRIM(2)))
		SG_TRY(sg_der_expect(&tbs, SG_DER_CTX_PRIM(2), NULL, NULL, d));
	if (out->version == 3 && sg_der_next_is(&tbs, SG_DER_CTX(3)))
		SG_TRY(parse_extensions(&tbs, out, d));
	return sg_der_leave(&tbs, d);
}

SG_MUST_USE static sg_err
parse_cert(const uint8_t *der, size_t len, sg_x509_cert *out, sg_diag *d)
{
	if (len > SG_MAX_CERT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "x509 certificate", "%zu bytes, limit %u",
			len, (unsigned)SG_MAX_CERT);
	sg_cur top, cert;
	sg_cur_init(&top, der, len);
	SG_TRY(sg_der_enter(&top, SG_DER_SEQUENCE, &cert, d));
	SG_TRY(sg_der_leave(&top, d));
	out->der = sg_slice_make(der, len);
	out->path_len = -1;
	SG_TRY(parse_tbs(&cert, out, d));
	sg_x509_sigalg outer;
	sg_slice outer_der;
	size_t off = cert.off;
	SG_TRY(parse_sigalg(&cert, &outer, &outer_der, d));
	/* RFC 5280 §4.1.1.2: MUST contain the same algorithm identifier as the TBS field. */
	if (!sg_slice_eq(outer_der, out->sig_alg_der)) {
		return sg_diag_failf_at(d, SG_ERR_X509_ALGORITHM, "x509 signature algorithm", off,
			"outer %s differs from TBS %s", sg_x509_sigalg_name(outer),
			sg_x509_sigalg_name(out->sig_alg));
	}
	SG_TRY(sg_der_bitstring(&cert, &out->signature, d));
	if (out->signature.len == 0)
		return sg_diag_fail_at(d, SG_ERR_DER_BITSTRING, "x509 signature", cert.off);
	return sg_der_leave(&cert, d);
}

/* see x509.h */
sg_err
sg_x509_parse(const uint8_t *der, size_t len, sg_x509_cert *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_cert(der, len, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- signatures and time ---- */

/* see x509.h */
sg_err
sg_x509_verify_signed_by(const sg_x509_cert *cert, const sg_pubkey *issuer_key, const char *what,
	sg_diag *d)
{
	int ecdsa = sigalg_is_ecdsa(cert->sig_alg);
	if (cert->sig_alg == SG_SIGALG_NONE ||
		(ecdsa && issuer_key->type != SG_KEY_EC) ||
		(!ecdsa && issuer_key->type != SG_KEY_RSA))
		return sg_diag_failf(d, SG_ERR_VERIFY_SIGNATURE, what,
			"%s signature with a key of another type",
			sg_x509_sigalg_name(cert->sig_alg));
	return sg_pubkey_verify_message(issuer_key, sg_x509_sigalg_hash(cert->sig_alg), cert->tbs.p,
		cert->tbs.len, cert->signature.p, cert->signature.len, what, d);
}

/* see x509.h */
sg_err
sg_x509_check_time(const sg_x509_cert *cert, int64_t t, const char *who, sg_diag *d)
{
	if (t >= cert->not_before && t <= cert->not_after)
		return SG_OK;
	char ts[32], bound[32];
	int after = t > cert->not_after;
	if (sg_time_format_rfc3339(t, ts, sizeof ts) != SG_OK)
		(void)snprintf(ts, sizeof ts, "%lld", (long long)t);
	int64_t b = after ? cert->not_after : cert->not_before;
	if (sg_time_format_rfc3339(b, bound, sizeof bound) != SG_OK)
		(void)snprintf(bound, sizeof bound, "%lld", (long long)b);
	return sg_diag_failf(d, SG_ERR_VERIFY_EXPIRED, NULL, "%s%s%s is %s %s %s",
		who != NULL ? who : "", who != NULL ? ": " : "", ts, after ? "after" : "before",
		after ? "NotAfter" : "NotBefore", bound);
}

/* ---- Fulcio and identity helpers ---- */

static const char *const fulcio_names[SG_X509_FULCIO_MAX + 1] = {
	NULL,
	"Issuer (V1)",
	"GitHub Workflow Trigger",
	"GitHub Workflow SHA",
	"GitHub Workflow Name",
	"GitHub Workflow Repository",
	"GitHub Workflow Ref",
	NULL, /* 1.7 is the otherName SAN type-id, not an extension */
	"Issuer (V2)",
	"Build Signer URI",
	"Build Signer Digest",
	"Runner Environment",
	"Source Repository URI",
	"Source Repository Digest",
	"Source Repository Ref",
	"Source Repository Identifier",
	"Source Repository Owner URI",
	"Source Repository Owner Identifier",
	"Build Config URI",
	"Build Config Digest",
	"Build Trigger",
	"Run Invocation URI",
	"Source Repository Visibility At Signing",
	"Deployment Environment",
	"Token Subject",
};

/* see x509.h */
const char *
sg_x509_fulcio_name(unsigned n)
{
	return n <= SG_X509_FULCIO_MAX ? fulcio_names[n] : NULL;
}

/* see x509.h */
int
sg_x509_fulcio_ext(const sg_x509_cert *cert, unsigned n, sg_slice *value)
{
	if (n >= 1 && n <= SG_X509_FULCIO_MAX && (cert->fulcio_present & (1u << n)) != 0) {
		*value = cert->fulcio[n];
		return 1;
	}
	*value = sg_slice_make(NULL, 0);
	return 0;
}

/* see x509.h */
sg_slice
sg_x509_issuer_v1(const sg_x509_cert *cert)
{
	sg_slice v;
	(void)sg_x509_fulcio_ext(cert, SG_FULCIO_ISSUER_V1, &v);
	return v;
}

/* see x509.h */
size_t
sg_x509_sans_cosign(const sg_x509_cert *cert, const sg_x509_san **out, size_t cap)
{
	/* cosign's GetSubjectAlternateNames: DNSNames, EmailAddresses, IPAddresses, URIs, then
	 * the otherName username. */
	static const sg_x509_san_type order[] = {SG_SAN_DNS, SG_SAN_EMAIL, SG_SAN_IP, SG_SAN_URI,
		SG_SAN_OTHERNAME};
	size_t n = 0;
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (size_t i = 0; i < cert->n_sans && n < cap; i++) {
			const sg_x509_san *s = &cert->sans[i];
			if (s->type != order[k])
				continue;
			if (s->type == SG_SAN_OTHERNAME && !s->fulcio_username)
				continue;
			out[n++] = s;
		}
	}
	return n;
}

/* see x509.h */
const sg_x509_san *
sg_x509_subject_san(const sg_x509_cert *cert)
{
	const sg_x509_san *first = NULL;
	return sg_x509_sans_cosign(cert, &first, 1) == 1 ? first : NULL;
}

/* Append to out[*w..cap) keeping room for the NUL. */
static int
put_text(char *out, size_t cap, size_t *w, const char *s, size_t n)
{
	if (*w >= cap || n > cap - *w - 1)
		return 0;
	memcpy(out + *w, s, n);
	*w += n;
	out[*w] = '\0';
	return 1;
}

/* Go's net.IP.String for 16 bytes: RFC 5952 (longest run of >= 2 zero groups compressed,
 * first such run on ties, lowercase hex without leading zeros); IPv4-mapped as dotted. */
static int
ip_text(sg_slice ip, char *out, size_t cap, size_t *w)
{
	char tmp[64];
	int n;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *p = ip.p;
	if (ip.len == 16 && memcmp(p, mapped, 12) == 0)
		p += 12;
	if (ip.len == 4 || p != ip.p) {
		n = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		return n > 0 && put_text(out, cap, w, tmp, (size_t)n);
	}
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = ((unsigned)p[2 * i] << 8) | p[2 * i + 1];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	size_t t = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			tmp[t++] = ':';
			tmp[t++] = ':';
			i += best_len - 1;
			continue;
		}
		if (t > 0 && tmp[t - 1] != ':')
			tmp[t++] = ':';
		n = snprintf(tmp + t, sizeof tmp - t, "%x", g[i]);
		if (n < 0)
			return 0;
		t += (size_t)n;
	}
	return put_text(out, cap, w, tmp, t);
}

/* see x509.h */
sg_err
sg_x509_san_text(const sg_x509_san *san, char *out, size_t cap, size_t *out_len)
{
	size_t w = 0;
	if (cap > 0)
		out[0] = '\0';
	*out_len = 0;
	int ok;
	switch (san->type) {
	case SG_SAN_EMAIL:
	case SG_SAN_DNS:
	case SG_SAN_URI:
		ok = put_text(out, cap, &w, (const char *)san->value.p, san->value.len);
		break;
	case SG_SAN_OTHERNAME:
		if (!san->fulcio_username)
			return SG_ERR_UNSUPPORTED;
		ok = put_text(out, cap, &w, (const char *)san->value.p, san->value.len);
		break;
	case SG_SAN_IP:
		ok = ip_text(san->value, out, cap, &w);
		break;
	default:
		return SG_ERR_UNSUPPORTED;
	}
	if (!ok) {
		if (cap > 0)
			out[0] = '\0';
		return SG_ERR_LIMIT;
	}
	*out_len = w;
	return SG_OK;
}

/* ---- names ---- */

static const struct {
	uint8_t oid[10];
	size_t len;
	const char *name;
} attr_names[] = {
	{{0x55, 0x04, 0x03}, 3, "CN"},
	{{0x55, 0x04, 0x05}, 3, "serialNumber"},
	{{0x55, 0x04, 0x06}, 3, "C"},
	{{0x55, 0x04, 0x07}, 3, "L"},
	{{0x55, 0x04, 0x08}, 3, "ST"},
	{{0x55, 0x04, 0x0a}, 3, "O"},
	{{0x55, 0x04, 0x0b}, 3, "OU"},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, 9, "emailAddress"},
	{{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, 10, "DC"},
};

/* Walk the attributes of a Name (already validated by the parser, but this may be called on
 * any bytes, so every step is checked). cb returns 0 to stop. */
typedef int (*attr_fn)(void *ctx, sg_slice oid, sg_slice value);

static int
walk_name(sg_slice name, attr_fn cb, void *ctx)
{
	sg_cur top, seq;
	sg_cur_init(&top, name.p, name.len);
	if (sg_der_enter(&top, SG_DER_SEQUENCE, &seq, NULL) != SG_OK)
		return 0;
	while (seq.n > 0) {
		sg_cur rdn;
		if (sg_der_enter(&seq, SG_DER_SET, &rdn, NULL) != SG_OK)
			return 0;
		while (rdn.n > 0) {
			sg_cur atv;
			sg_slice oid, v;
			if (sg_der_enter(&rdn, SG_DER_SEQUENCE, &atv, NULL) != SG_OK ||
				sg_der_oid(&atv, &oid, NULL) != SG_OK ||
				sg_der_any(&atv, NULL, &v, NULL, NULL) != SG_OK)
				return 0;
			if (!cb(ctx, oid, v))
				return 1;
		}
	}
	return 1;
}

struct name_text_ctx {
	char *out;
	size_t cap, w;
	int first, truncated;
};

static void
nt_put(struct name_text_ctx *c, const char *s, size_t n)
{
	if (c->truncated)
		return;
	if (!put_text(c->out, c->cap, &c->w, s, n)) {
		c->truncated = 1;
		/* Mark the cut with "..." when there is room for it. */
		if (c->cap >= 4) {
			size_t at = c->w + 3 < c->cap ? c->w : c->cap - 4;
			memcpy(c->out + at, "...", 4);
			c->w = at + 3;
		}
	}
}

static int
nt_attr(void *ctx, sg_slice oid, sg_slice v)
{
	struct name_text_ctx *c = ctx;
	if (!c->first)
		nt_put(c, ", ", 2);
	c->first = 0;
	const char *nm = NULL;
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
		if (oid_is(oid, attr_names[i].oid, attr_names[i].len))
			nm = attr_names[i].name;
	}
	char buf[96];
	if (nm == NULL) {
		if (sg_der_oid_text(oid, buf, sizeof buf) != SG_OK)
			memcpy(buf, "?", 2);
		nm = buf;
	}
	nt_put(c, nm, strlen(nm));
	nt_put(c, "=", 1);
	for (size_t i = 0; i < v.len && !c->truncated; i++) {
		uint8_t ch = v.p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			nt_put(c, (const char *)&v.p[i], 1);
		} else {
			char esc[8];
			int n = snprintf(esc, sizeof esc, "\\x%02x", ch);
			if (n > 0)
				nt_put(c, esc, (size_t)n);
		}
	}
	return !c->truncated;
}

/* see x509.h */
size_t
sg_x509_name_text(sg_slice name, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	out[0] = '\0';
	struct name_text_ctx c = {out, cap, 0, 1, 0};
	(void)walk_name(name, nt_attr, &c);
	return c.w;
}

struct cn_ctx {
	sg_slice cn;
	int found;
};

static int
cn_attr(void *ctx, sg_slice oid, sg_slice v)
{
	struct cn_ctx *c = ctx;
	if (oid_is(oid, attr_names[0].oid, attr_names[0].len)) {
		c->cn = v;
		c->found = 1;
	}
	return 1;
}

/* see x509.h */
int
sg_x509_name_cn(sg_slice name, sg_slice *cn)
{
	struct cn_ctx c = {{NULL, 0}, 0};
	(void)walk_name(name, cn_attr, &c);
	*cn = c.cn;
	return c.found;
}

/* ---- sigstore-python classes ---- */

/* see x509.h */
sg_err
sg_x509_is_ca(const sg_x509_cert *cert, int *is_ca, sg_diag *d)
{
	*is_ca = 0;
	if (cert->version != 3)
		return sg_diag_fail(d, SG_ERR_X509_VERSION, "x509 certificate class");
	if (!cert->has_basic_constraints)
		return SG_OK;
	if (!cert->bc_critical)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 certificate class",
			"non-critical basicConstraints");
	if (!cert->has_key_usage)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 certificate class",
			"missing keyUsage");
	int kcs = (cert->key_usage & SG_KU_KEY_CERT_SIGN) != 0;
	if (kcs != cert->is_ca)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 certificate class",
			"keyCertSign=%d but cA=%d", kcs, cert->is_ca);
	*is_ca = cert->is_ca;
	return SG_OK;
}

/* see x509.h */
sg_err
sg_x509_is_root_ca(const sg_x509_cert *cert, int *is_root, sg_diag *d)
{
	*is_root = 0;
	int ca;
	SG_TRY(sg_x509_is_ca(cert, &ca, d));
	if (!ca)
		return SG_OK;
	*is_root = sg_slice_eq(cert->issuer, cert->subject) &&
		sg_x509_verify_signed_by(cert, &cert->key, "self-signature", NULL) == SG_OK;
	return SG_OK;
}

/* see x509.h */
sg_err
sg_x509_is_leaf(const sg_x509_cert *cert, int *is_leaf, sg_diag *d)
{
	*is_leaf = 0;
	int ca;
	SG_TRY(sg_x509_is_ca(cert, &ca, d));
	if (ca)
		return SG_OK;
	if (!cert->has_key_usage || (cert->key_usage & SG_KU_DIGITAL_SIGNATURE) == 0)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 certificate class",
			"missing digitalSignature key usage");
	if (!cert->has_eku)
		return sg_diag_failf(d, SG_ERR_X509_EXTENSION, "x509 certificate class",
			"missing extKeyUsage");
	*is_leaf = (cert->eku & SG_EKU_CODE_SIGNING) != 0;
	return SG_OK;
}
