/* cert: `picosign cert [FILE|-]`, a readable dump of X.509 certificates (PEM, several
 * per file, or one DER), like `openssl x509 -text` but with every Sigstore extension decoded
 * by name, the SANs, key usages, validity in RFC 3339, the SHA-256 fingerprint and the
 * embedded SCTs. Also the `debug x509` and `debug sct` parser rows.
 *
 * Certificate contents are untrusted: every byte printed from them goes through
 * sg_cli_put_safe, which escapes control and non-ASCII bytes so a certificate cannot drive the
 * terminal. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"
#include "crypto/pubkey.h"
#include "parse/der.h"
#include "parse/pem.h"
#include "pki/sct.h"
#include "pki/x509.h"
#include "sys/os.h"

static void
put_hex_colon(sg_slice s, int upper)
{
	for (size_t i = 0; i < s.len; i++)
		printf(upper ? "%s%02X" : "%s%02x", i ? ":" : "", s.p[i]);
}

static void
put_time(int64_t t)
{
	char buf[32];
	if (sg_time_format_rfc3339(t, buf, sizeof buf) == SG_OK)
		fputs(buf, stdout);
	else
		printf("%lld", (long long)t);
}

static void
put_oid(sg_slice oid)
{
	char txt[128];
	if (sg_der_oid_text(oid, txt, sizeof txt) == SG_OK)
		fputs(txt, stdout);
	else
		fputs("(invalid OID)", stdout);
}

static void
put_key(const sg_pubkey *k)
{
	switch (k->type) {
	case SG_KEY_EC:
		printf("ECDSA %s", k->curve == SG_CURVE_P384 ? "P-384" : "P-256");
		break;
	case SG_KEY_RSA: {
		size_t bits = k->n.len * 8;
		if (k->n.len > 0) {
			for (uint8_t top = k->n.p[0]; top < 0x80; top = (uint8_t)(top << 1))
				bits--;
		}
		printf("RSA %zu bits", bits);
		break;
	}
	case SG_KEY_ED25519:
		fputs("Ed25519", stdout);
		break;
	default:
		fputs("unknown", stdout);
		break;
	}
}

static void
put_key_usage(uint32_t ku)
{
	static const char *const names[] = {"Digital Signature", "Non Repudiation",
		"Key Encipherment", "Data Encipherment", "Key Agreement", "Certificate Sign",
		"CRL Sign", "Encipher Only", "Decipher Only"};
	int first = 1;
	for (unsigned b = 0; b < 9; b++) {
		if ((ku & (1u << b)) == 0)
			continue;
		printf("%s%s", first ? "" : ", ", names[b]);
		first = 0;
	}
	if (first)
		fputs("(none)", stdout);
}

static void
put_eku(const sg_x509_cert *c)
{
	static const char *const kp[] = {NULL, "TLS Web Server Authentication",
		"TLS Web Client Authentication", "Code Signing", "E-mail Protection", NULL, NULL,
		NULL, "Time Stamping", "OCSP Signing"};
	static const uint8_t any[] = {0x55, 0x1d, 0x25, 0x00};
	static const uint8_t prefix[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03};
	sg_cur s;
	sg_cur_init(&s, c->eku_seq.p, c->eku_seq.len);
	int first = 1;
	while (s.n > 0) {
		sg_slice oid;
		if (sg_der_oid(&s, &oid, NULL) != SG_OK)
			break;
		fputs(first ? "" : ", ", stdout);
		first = 0;
		const char *nm = NULL;
		if (sg_der_oid_eq(oid, any, sizeof any))
			nm = "Any Extended Key Usage";
		else if (oid.len == sizeof prefix + 1 &&
			memcmp(oid.p, prefix, sizeof prefix) == 0 &&
			oid.p[sizeof prefix] < sizeof kp / sizeof kp[0])
			nm = kp[oid.p[sizeof prefix]];
		if (nm != NULL)
			fputs(nm, stdout);
		else
			put_oid(oid);
	}
}

static void
put_san(const sg_x509_san *s)
{
	static const char *const kinds[] = {"othername", "email", "DNS", "X400Name", "DirName",
		"EdiPartyName", "URI", "IP Address", "Registered ID"};
	printf("%s:", kinds[s->type]);
	char txt[64];
	size_t tl;
	if (s->type == SG_SAN_OTHERNAME && s->fulcio_username) {
		fputs("1.3.6.1.4.1.57264.1.7 (username):", stdout);
		sg_cli_put_safe(s->value.p, s->value.len);
	} else if (s->type == SG_SAN_IP && sg_x509_san_text(s, txt, sizeof txt, &tl) == SG_OK) {
		fputs(txt, stdout);
	} else if (s->type == SG_SAN_EMAIL || s->type == SG_SAN_DNS || s->type == SG_SAN_URI) {
		sg_cli_put_safe(s->value.p, s->value.len);
	} else {
		printf("<%zu bytes>", s->value.len);
	}
}

static void
put_scts(const sg_x509_cert *c)
{
	sg_sct_list list;
	sg_diag d;
	sg_diag_init(&d, NULL);
	if (sg_sct_list_parse(c->sct_list.p, c->sct_list.len, &list, &d) != SG_OK) {
		char msg[SG_DIAG_DETAIL_MAX + 128];
		sg_diag_format(&d, msg, sizeof msg);
		printf("            (unparseable: %s)\n", msg);
		return;
	}
	for (size_t i = 0; i < list.n; i++) {
		const sg_sct *s = &list.scts[i];
		printf("            SCT %zu:\n", i + 1);
		if (s->version != 0) {
			printf("                Version: %u (unknown, %zu bytes)\n",
				s->version + 1u, s->whole.len);
			continue;
		}
		printf("                Version: v1\n                Log ID: ");
		for (size_t k = 0; k < SG_SCT_LOG_ID_LEN; k++)
			printf("%02x", s->log_id[k]);
		printf("\n                Timestamp: ");
		char ts[32];
		if (sg_time_format_rfc3339((int64_t)(s->timestamp_ms / 1000u), ts, sizeof ts) ==
			SG_OK && strlen(ts) == 20) {
			ts[19] = '\0';
			printf("%s.%03uZ", ts, (unsigned)(s->timestamp_ms % 1000u));
		}
		printf(" (%llu ms)\n", (unsigned long long)s->timestamp_ms);
		printf("                Extensions: %s\n", s->extensions.len ? "present" : "none");
		const char *alg = NULL;
		if (s->hash_alg == SG_SCT_HASH_SHA256 && s->sig_alg == SG_SCT_SIG_ECDSA)
			alg = "ecdsa-with-SHA256";
		else if (s->hash_alg == SG_SCT_HASH_SHA256 && s->sig_alg == SG_SCT_SIG_RSA)
			alg = "sha256WithRSAEncryption";
		if (alg != NULL)
			printf("                Signature: %s, %zu bytes\n", alg, s->signature.len);
		else
			printf("                Signature: hash %u / signature %u, %zu bytes\n",
				s->hash_alg, s->sig_alg, s->signature.len);
	}
}

static const uint8_t OID_BC[] = {0x55, 0x1d, 0x13};
static const uint8_t OID_KU[] = {0x55, 0x1d, 0x0f};
static const uint8_t OID_EKU[] = {0x55, 0x1d, 0x25};
static const uint8_t OID_SKI[] = {0x55, 0x1d, 0x0e};
static const uint8_t OID_AKI[] = {0x55, 0x1d, 0x23};
static const uint8_t OID_SAN[] = {0x55, 0x1d, 0x11};

static void
put_extension(const sg_x509_cert *c, size_t i)
{
	const sg_x509_ext *e = &c->exts[i];
	const char *crit = e->critical ? " (critical)" : "";
	unsigned fa = 0;
	if (e->oid.len == SG_OID_FULCIO_PREFIX_LEN + 1 &&
		memcmp(e->oid.p, SG_OID_FULCIO_PREFIX, SG_OID_FULCIO_PREFIX_LEN) == 0)
		fa = e->oid.p[SG_OID_FULCIO_PREFIX_LEN];
	sg_slice v;
	printf("        ");
	if (sg_der_oid_eq(e->oid, OID_BC, sizeof OID_BC)) {
		printf("Basic Constraints%s: CA:%s", crit, c->is_ca ? "TRUE" : "FALSE");
		if (c->path_len >= 0)
			printf(", pathlen:%d", c->path_len);
		putchar('\n');
	} else if (sg_der_oid_eq(e->oid, OID_KU, sizeof OID_KU)) {
		printf("Key Usage%s: ", crit);
		put_key_usage(c->key_usage);
		putchar('\n');
	} else if (sg_der_oid_eq(e->oid, OID_EKU, sizeof OID_EKU)) {
		printf("Extended Key Usage%s: ", crit);
		put_eku(c);
		putchar('\n');
	} else if (sg_der_oid_eq(e->oid, OID_SKI, sizeof OID_SKI)) {
		printf("Subject Key Identifier%s: ", crit);
		put_hex_colon(c->ski, 1);
		putchar('\n');
	} else if (sg_der_oid_eq(e->oid, OID_AKI, sizeof OID_AKI)) {
		printf("Authority Key Identifier%s: ", crit);
		put_hex_colon(c->aki, 1);
		putchar('\n');
	} else if (sg_der_oid_eq(e->oid, OID_SAN, sizeof OID_SAN)) {
		printf("Subject Alternative Name%s:\n", crit);
		for (size_t k = 0; k < c->n_sans; k++) {
			printf("            ");
			put_san(&c->sans[k]);
			putchar('\n');
		}
	} else if (c->has_sct && i == c->sct_ext) {
		printf("CT Precertificate SCTs [1.3.6.1.4.1.11129.2.4.2]%s:\n", crit);
		put_scts(c);
	} else if (fa != 0 && sg_x509_fulcio_ext(c, fa, &v)) {
		printf("%s [1.3.6.1.4.1.57264.1.%u]%s: ", sg_x509_fulcio_name(fa), fa, crit);
		sg_cli_put_safe(v.p, v.len);
		putchar('\n');
	} else {
		put_oid(e->oid);
		printf("%s: %zu bytes: ", crit, e->value.len);
		size_t show = e->value.len < 32 ? e->value.len : 32;
		put_hex_colon(sg_slice_make(e->value.p, show), 0);
		printf("%s\n", show < e->value.len ? "..." : "");
	}
}

static void
dump(const sg_x509_cert *c)
{
	char name[1024];
	printf("Certificate:\n    Version: %u\n    Serial Number: ", c->version);
	put_hex_colon(c->serial, 0);
	printf("\n    Signature Algorithm: %s\n    Issuer: ", sg_x509_sigalg_name(c->sig_alg));
	sg_x509_name_text(c->issuer, name, sizeof name);
	printf("%s\n    Validity:\n        Not Before: ", name);
	put_time(c->not_before);
	printf("\n        Not After:  ");
	put_time(c->not_after);
	sg_x509_name_text(c->subject, name, sizeof name);
	printf("\n    Subject: %s\n    Subject Public Key: ", name[0] ? name : "(empty)");
	put_key(&c->key);
	uint8_t fp[SG_SHA256_LEN];
	sg_sha256(c->der.p, c->der.len, fp);
	printf("\n    SHA-256 Fingerprint: ");
	put_hex_colon(sg_slice_make(fp, sizeof fp), 1);
	putchar('\n');
	if (c->n_exts > 0) {
		printf("    Extensions:\n");
		for (size_t i = 0; i < c->n_exts; i++)
			put_extension(c, i);
	}
	const sg_x509_san *subj = sg_x509_subject_san(c);
	if (subj != NULL || c->fulcio_present != 0) {
		printf("    Sigstore identity:\n        Subject: ");
		char txt[1024];
		size_t tl;
		if (subj != NULL && sg_x509_san_text(subj, txt, sizeof txt, &tl) == SG_OK)
			sg_cli_put_safe((const uint8_t *)txt, tl);
		/* cosign's legacy issuer is 1.1; fall back to 1.8 for display only. */
		sg_slice iss = sg_x509_issuer_v1(c), iss2;
		if (iss.len == 0 && sg_x509_fulcio_ext(c, SG_FULCIO_ISSUER_V2, &iss2))
			iss = iss2;
		printf("\n        Issuer: ");
		sg_cli_put_safe(iss.p, iss.len);
		putchar('\n');
	}
}

SG_MUST_USE static sg_err
dump_der(const uint8_t *der, size_t len, sg_diag *d)
{
	static sg_x509_cert c;
	SG_TRY(sg_x509_parse(der, len, &c, d));
	dump(&c);
	return SG_OK;
}

static int
has_pem(sg_slice in)
{
	static const char begin[] = "-----BEGIN ";
	for (size_t i = 0; i + sizeof begin - 1 <= in.len; i++) {
		if (memcmp(in.p + i, begin, sizeof begin - 1) == 0)
			return 1;
	}
	return 0;
}

SG_MUST_USE static sg_err
cert_main(sg_slice in, sg_arena *arena, sg_diag *d)
{
	if (!has_pem(in))
		return dump_der(in.p, in.len, d);
	sg_cur c;
	sg_cur_init(&c, in.p, in.len);
	size_t count = 0;
	sg_slice der;
	sg_err e;
	while ((e = sg_pem_next_der(&c, "CERTIFICATE", arena, &der, d)) == SG_OK) {
		if (count >= SG_MAX_PEM_OBJECTS)
			return sg_diag_failf(d, SG_ERR_LIMIT, "cert", "more than %u certificates",
				(unsigned)SG_MAX_PEM_OBJECTS);
		if (count > 0)
			putchar('\n');
		SG_TRY(dump_der(der.p, der.len, d));
		count++;
	}
	if (e != SG_ERR_PEM_NONE)
		return e;
	if (count == 0)
		return sg_diag_failf(d, SG_ERR_PEM_NONE, "cert", "no CERTIFICATE block");
	return SG_OK;
}

/* see commands.h */
int
sg_cmd_cert(int argc, char **argv, sg_arena *arena)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("Usage: picosign cert [FILE|-]\n\nPrint the certificates in FILE "
			       "(PEM, several allowed, or one DER; default standard input).\n");
			return SG_EXIT_OK;
		}
		if (path != NULL)
			return sg_cli_usage_error("cert: unexpected argument \"%s\"", argv[i]);
		path = argv[i];
	}
	if (path == NULL)
		path = "-";
	sg_diag d;
	sg_diag_init(&d, strcmp(path, "-") == 0 ? "stdin" : path);
	sg_slice in;
	sg_err e = sg_os_read_file(path, SG_MAX_PEM_FILE, arena, &in, &d);
	if (e == SG_OK)
		e = cert_main(in, arena, &d);
	fflush(stdout);
	if (e != SG_OK) {
		e = sg_diag_fail(&d, e, "cert");
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	return SG_EXIT_OK;
}

/* `debug x509`: one DER certificate; prints the counts the fuzz invariants talk about. */
sg_err
sg_debug_x509(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	(void)arena;
	static sg_x509_cert c;
	SG_TRY(sg_x509_parse(in.p, in.len, &c, d));
	printf("version %u, %s, tbs %zu bytes, %zu extensions, %zu SANs, %s\n", c.version,
		sg_x509_sigalg_name(c.sig_alg), c.tbs.len, c.n_exts, c.n_sans,
		c.has_sct ? "embedded SCTs" : "no SCTs");
	return SG_OK;
}

/* `debug sct`: a TLS SignedCertificateTimestampList. */
sg_err
sg_debug_sct(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	(void)arena;
	sg_sct_list l;
	SG_TRY(sg_sct_list_parse(in.p, in.len, &l, d));
	for (size_t i = 0; i < l.n; i++) {
		const sg_sct *s = &l.scts[i];
		printf("SCT %zu: version %u", i + 1, s->version + 1u);
		if (s->version == 0) {
			printf(", log ");
			put_hex_colon(sg_slice_make(s->log_id, 4), 0);
			printf("..., timestamp %llu ms, signature %zu bytes",
				(unsigned long long)s->timestamp_ms, s->signature.len);
		}
		putchar('\n');
	}
	return SG_OK;
}
