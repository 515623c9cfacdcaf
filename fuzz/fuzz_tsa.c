/* Target functions: sg_tsa_parse, sg_tsa_verify, sg_tsa_gen_time */
/* Invariants: a rejected token leaves the view all zero and a failed verification leaves the
 * result all zero; parsing twice gives identical views; an accepted token's views all lie
 * inside the input, with imprint and message-digest lengths matching their algorithms, the
 * signed attributes starting with their [0] tag and at most SG_MAX_CHAIN embedded
 * certificates; a verified token must also parse, with the same genTime, and name a TSA of
 * the fixed trust root; verifying twice gives the same answer.
 *
 * The fixed trust root is a test PKI made once with openssl (public certificates only; see
 * tests/tsa_fixtures.h): two TSAs, an RSA and a P-256 leaf under one P-256 root, open validity.
 * Seeds signed by these TSAs over "picosign test signature" verify completely, so mutations
 * reach every check after the signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "pki/trustroot.h"
#include "pki/tsa.h"

#include "../tests/tsa_fixtures.h"
#include "fuzz_common.h"

static const uint8_t *base;
static size_t base_len;

static void
inside(sg_slice s)
{
	if (!fuzz_inside(s, base, base_len))
		abort();
}


static sg_trustroot tr;
static sg_tsa_token a, b;

static void
init_root(void)
{
	if (tr.n_tsas == 0)
		tsa_fixture_root(&tr, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t signed_data[] = "picosign test signature";
	init_root();
	base = data;
	base_len = size;

	sg_err e1 = sg_tsa_parse(data, size, &a, NULL);
	sg_err e2 = sg_tsa_parse(data, size, &b, NULL);
	if (e1 != e2 || memcmp(&a, &b, sizeof a) != 0)
		abort();
	if (e1 != SG_OK) {
		if (!fuzz_all_zero(&a, sizeof a))
			abort();
	} else {
		inside(a.content_info);
		inside(a.tst_info);
		inside(a.policy);
		inside(a.imprint);
		inside(a.serial);
		inside(a.nonce);
		inside(a.sid_issuer);
		inside(a.sid_serial);
		inside(a.sid_ski);
		inside(a.signed_attrs);
		inside(a.message_digest);
		inside(a.ess_hash);
		inside(a.ess_serial);
		inside(a.signature);
		if (a.n_certs > SG_MAX_CHAIN)
			abort();
		for (size_t i = 0; i < a.n_certs; i++)
			inside(a.certs[i]);
		if (a.imprint.len != sg_hash_len(a.imprint_alg) || a.imprint.len == 0)
			abort();
		if (a.message_digest.len != sg_hash_len(a.digest_alg))
			abort();
		if (a.signed_attrs.len < 2 || a.signed_attrs.p[0] != 0xa0)
			abort();
		if (a.sig_kind == SG_TSA_SIG_NONE || (a.status != 0 && a.status != 1))
			abort();
	}

	sg_tsa_result r1, r2;
	sg_err v1 = sg_tsa_verify(data, size, signed_data, sizeof signed_data - 1, &tr, &r1, NULL);
	sg_err v2 = sg_tsa_verify(data, size, signed_data, sizeof signed_data - 1, &tr, &r2, NULL);
	if (v1 != v2 || memcmp(&r1, &r2, sizeof r1) != 0)
		abort();
	if (v1 != SG_OK) {
		if (!fuzz_all_zero(&r1, sizeof r1))
			abort();
	} else {
		if (e1 != SG_OK || r1.gen_time != a.gen_time || r1.tsa_index >= tr.n_tsas ||
			r1.tsa != &tr.tsas[r1.tsa_index])
			abort();
		inside(r1.serial);
		inside(r1.policy);
	}

	if (size <= 32) {
		int64_t t;
		if (sg_tsa_gen_time(data, size, &t) == SG_OK) {
			/* Years 0000-9999 only. */
			if (t < -62167219200LL || t > 253402300799LL)
				abort();
		} else if (t != 0) {
			abort();
		}
	}
	return 0;
}
