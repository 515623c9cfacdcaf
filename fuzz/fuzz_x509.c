/* Target functions: sg_x509_parse, sg_x509_sans_cosign, sg_x509_subject_san, sg_x509_san_text,
 * sg_x509_name_text, sg_x509_name_cn, sg_x509_fulcio_ext, sg_x509_check_time, sg_x509_is_ca,
 * sg_x509_is_leaf */
/* Invariants: a rejected input leaves the view all zero; parsing twice gives identical views;
 * an accepted certificate's every view lies inside the input, the TBS lies inside the
 * certificate right after its header, extension and SAN counts stay within SG_MAX_EXTENSIONS
 * and SG_MAX_SAN, each extension's value lies inside its own TLV, and the SCT extension index
 * names a real extension. The helpers never fail in a way the header does not allow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "pki/x509.h"
#include "fuzz_common.h"

static const uint8_t *base;
static size_t base_len;

static void
inside(sg_slice s)
{
	if (!fuzz_inside(s, base, base_len))
		abort();
}

static void
within(sg_slice inner, sg_slice outer)
{
	if (!fuzz_inside(inner, outer.p, outer.len))
		abort();
}


static sg_x509_cert a, b;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	base = data;
	base_len = size;
	sg_err e1 = sg_x509_parse(data, size, &a, NULL);
	sg_err e2 = sg_x509_parse(data, size, &b, NULL);
	if (e1 != e2 || memcmp(&a, &b, sizeof a) != 0)
		abort();
	if (e1 != SG_OK) {
		if (!fuzz_all_zero(&a, sizeof a))
			abort();
		return 0;
	}
	if (a.der.p != data || a.der.len != size || a.tbs.p == NULL)
		abort();
	within(a.tbs, a.der);
	within(a.tbs_content, a.tbs);
	if (a.tbs.p <= data || a.tbs.p > data + 6)
		abort();
	sg_slice views[] = {a.serial, a.sig_alg_der, a.signature, a.issuer, a.subject, a.spki,
		a.key.point, a.key.n, a.key.e, a.key.ed25519, a.key.spki, a.ext_block, a.ext_seq,
		a.eku_seq, a.ski, a.aki, a.sct_list};
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		inside(views[i]);
	within(a.issuer, a.tbs_content);
	within(a.subject, a.tbs_content);
	within(a.spki, a.tbs_content);
	within(a.ext_block, a.tbs_content);
	within(a.ext_seq, a.ext_block);
	if (a.n_exts > SG_MAX_EXTENSIONS || a.n_sans > SG_MAX_SAN || a.version < 1 ||
		a.version > 3 || a.not_after < a.not_before || a.sig_alg == SG_SIGALG_NONE)
		abort();
	if (a.n_exts > 0 && a.version != 3)
		abort();
	for (size_t i = 0; i < a.n_exts; i++) {
		within(a.exts[i].whole, a.ext_seq);
		within(a.exts[i].oid, a.exts[i].whole);
		within(a.exts[i].value, a.exts[i].whole);
		for (size_t j = 0; j < i; j++) {
			if (sg_slice_eq(a.exts[i].oid, a.exts[j].oid))
				abort();
		}
	}
	if (a.has_sct && (a.sct_ext >= a.n_exts || a.exts[a.sct_ext].critical))
		abort();
	if (a.has_sct)
		within(a.sct_list, a.exts[a.sct_ext].value);
	for (size_t i = 0; i < a.n_sans; i++) {
		inside(a.sans[i].value);
		char txt[256];
		size_t tl;
		sg_err e = sg_x509_san_text(&a.sans[i], txt, sizeof txt, &tl);
		if (e != SG_OK && e != SG_ERR_LIMIT && e != SG_ERR_UNSUPPORTED)
			abort();
		if (e == SG_OK && (tl >= sizeof txt || strlen(txt) > tl))
			abort();
	}
	for (unsigned n = 0; n <= SG_X509_FULCIO_MAX + 1; n++) {
		sg_slice v;
		if (sg_x509_fulcio_ext(&a, n, &v))
			inside(v);
	}
	const sg_x509_san *order[SG_MAX_SAN];
	size_t k = sg_x509_sans_cosign(&a, order, SG_MAX_SAN);
	if (k > a.n_sans || (k > 0) != (sg_x509_subject_san(&a) != NULL))
		abort();
	char name[64];
	size_t nl = sg_x509_name_text(a.issuer, name, sizeof name);
	if (nl >= sizeof name || strlen(name) != nl)
		abort();
	sg_slice cn;
	if (sg_x509_name_cn(a.subject, &cn))
		within(cn, a.subject);
	if (sg_x509_check_time(&a, a.not_before, NULL, NULL) != SG_OK ||
		sg_x509_check_time(&a, a.not_after + 1, NULL, NULL) != SG_ERR_VERIFY_EXPIRED)
		abort();
	int v;
	sg_err ce = sg_x509_is_ca(&a, &v, NULL);
	if (ce != SG_OK && ce != SG_ERR_X509_EXTENSION && ce != SG_ERR_X509_VERSION)
		abort();
	ce = sg_x509_is_leaf(&a, &v, NULL);
	if (ce != SG_OK && ce != SG_ERR_X509_EXTENSION && ce != SG_ERR_X509_VERSION)
		abort();
	return 0;
}
