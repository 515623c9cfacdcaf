/* Target functions: sg_sct_list_parse, sg_sct_precert_tbs */
/* The input is tried both as a TLS SignedCertificateTimestampList and as a DER certificate.
 * Invariants: the list parser is deterministic, zeroes its output on failure, keeps every
 * view inside the input and at most SG_MAX_SCTS entries; for a certificate with an SCT
 * extension, the reconstructed precertificate TBS is shorter than the original TBS, parses
 * back as one DER SEQUENCE whose last element is [3] holding exactly one extension fewer,
 * none of them the SCT list, and every other byte run of the TBS is kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/der.h"
#include "pki/sct.h"
#include "pki/x509.h"

static const uint8_t *base;
static size_t base_len;

static void
inside(const uint8_t *p, size_t len)
{
	if (len == 0)
		return;
	if (p == NULL || p < base || len > base_len || (size_t)(p - base) > base_len - len)
		abort();
}

static sg_sct_list l1, l2;
static sg_x509_cert cert;
static uint8_t pre[SG_MAX_CERT];

static const uint8_t OID_SCT[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02};

static void
check_list(const uint8_t *p, size_t n)
{
	sg_err e1 = sg_sct_list_parse(p, n, &l1, NULL);
	sg_err e2 = sg_sct_list_parse(p, n, &l2, NULL);
	if (e1 != e2 || memcmp(&l1, &l2, sizeof l1) != 0)
		abort();
	if (e1 != SG_OK) {
		if (l1.n != 0)
			abort();
		return;
	}
	if (l1.n == 0 || l1.n > SG_MAX_SCTS)
		abort();
	for (size_t i = 0; i < l1.n; i++) {
		const sg_sct *s = &l1.scts[i];
		inside(s->whole.p, s->whole.len);
		if (s->version == 0) {
			inside(s->log_id, SG_SCT_LOG_ID_LEN);
			inside(s->extensions.p, s->extensions.len);
			inside(s->signature.p, s->signature.len);
			if (s->signature.len == 0)
				abort();
		}
	}
}

static void
check_precert(void)
{
	size_t len = 0;
	sg_err e = sg_sct_precert_tbs(&cert, pre, sizeof pre, &len, NULL);
	if (!cert.has_sct) {
		if (e == SG_OK)
			abort();
		return;
	}
	if (e != SG_OK) {
		/* Only a certificate whose sole extension is the SCT list cannot be rebuilt. */
		if (e != SG_ERR_VERIFY_SCT || cert.n_exts != 1 || len != 0)
			abort();
		return;
	}
	if (len >= cert.tbs.len || len == 0)
		abort();
	sg_cur top, tbs, last = {0};
	sg_cur_init(&top, pre, len);
	if (sg_der_enter(&top, SG_DER_SEQUENCE, &tbs, NULL) != SG_OK || top.n != 0)
		abort();
	/* The prefix of the TBS contents up to [3] is unchanged. */
	size_t prefix = (size_t)(cert.ext_block.p - cert.tbs_content.p);
	if (tbs.n < prefix || memcmp(tbs.p, cert.tbs_content.p, prefix) != 0)
		abort();
	while (tbs.n > 0) {
		uint8_t tag;
		last = tbs;
		if (sg_der_any(&tbs, &tag, NULL, NULL, NULL) != SG_OK)
			abort();
	}
	sg_cur wrap, seq;
	if (sg_der_enter(&last, SG_DER_CTX(3), &wrap, NULL) != SG_OK ||
		sg_der_enter(&wrap, SG_DER_SEQUENCE, &seq, NULL) != SG_OK || wrap.n != 0)
		abort();
	size_t count = 0;
	while (seq.n > 0) {
		sg_cur ext;
		sg_slice oid;
		if (sg_der_enter(&seq, SG_DER_SEQUENCE, &ext, NULL) != SG_OK ||
			sg_der_oid(&ext, &oid, NULL) != SG_OK)
			abort();
		if (sg_der_oid_eq(oid, OID_SCT, sizeof OID_SCT))
			abort();
		count++;
	}
	if (count + 1 != cert.n_exts)
		abort();
	/* The embedded list goes through the list parser too. */
	check_list(cert.sct_list.p, cert.sct_list.len);
	/* Too small a buffer: refused, nothing claimed written. */
	size_t small = 1;
	if (sg_sct_precert_tbs(&cert, pre, len - 1, &small, NULL) != SG_ERR_LIMIT || small != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	base = data;
	base_len = size;
	check_list(data, size);
	if (sg_x509_parse(data, size, &cert, NULL) == SG_OK)
		check_precert();
	return 0;
}
