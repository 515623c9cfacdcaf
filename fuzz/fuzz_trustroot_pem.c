/* Target functions: sg_trustroot_add_pem */
/* fuzz_trustroot_pem: the PEM files of cosign's environment (SIGSTORE_ROOT_FILE,
 * SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, SIGSTORE_TSA_CERTIFICATE_FILE)
 * as pki/trustroot.h builds a trusted root from them. The first byte picks the part (mod 4),
 * the rest is the file. Invariants, with abort():
 *   - two runs agree on the result and the counts;
 *   - on failure the root is unchanged (here: empty);
 *   - on success exactly one list grew, within SG_MAX_TRUST_ENTRIES; every authority has
 *     1..SG_MAX_CHAIN certificates inside the arena, leaf-most first and a self-issued last;
 *     a log has a 32-byte key id equal to SHA-256 of its SPKI and an open window.
 * No clock, files, randomness or network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hash.h"
#include "fuzz_common.h"
#include "pki/trustroot.h"
#include "pki/x509.h"

static uint8_t mem[2][2u << 20];
static sg_trustroot tr[2];
static sg_x509_cert cert;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
total(const sg_trustroot *t)
{
	return t->n_cas + t->n_tlogs + t->n_ctlogs + t->n_tsas;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sg_trustroot_part part = (sg_trustroot_part)(data[0] % 4u);
	sg_arena a[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		memset(&tr[r], 0, sizeof tr[r]);
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_trustroot_add_pem(&tr[r], part, data + 1, size - 1, &a[r], NULL);
	}
	if (e[0] != e[1] || total(&tr[0]) != total(&tr[1]))
		abort();
	const sg_trustroot *t = &tr[0];
	if (e[0] != SG_OK) {
		if (total(t) != 0)
			abort();
		return 0;
	}
	if (total(t) == 0 || t->n_cas > SG_MAX_TRUST_ENTRIES || t->n_tsas > SG_MAX_TRUST_ENTRIES)
		abort();
	const sg_trust_ca *cas = part == SG_TRUST_PART_TSA ? t->tsas : t->cas;
	size_t n_cas = part == SG_TRUST_PART_TSA ? t->n_tsas : t->n_cas;
	for (size_t i = 0; i < n_cas; i++) {
		const sg_trust_ca *c = &cas[i];
		if (c->n_certs == 0 || c->n_certs > SG_MAX_CHAIN)
			abort();
		for (size_t k = 0; k < c->n_certs; k++)
			if (!fuzz_inside(c->certs[k], a[0].base, a[0].used))
				abort();
		const sg_slice last = c->certs[c->n_certs - 1];
		if (sg_x509_parse(last.p, last.len, &cert, NULL) != SG_OK ||
			!sg_slice_eq(cert.subject, cert.issuer))
			abort();
	}
	const sg_trust_log *logs = part == SG_TRUST_PART_CTLOG ? t->ctlogs : t->tlogs;
	size_t n_logs = part == SG_TRUST_PART_CTLOG ? t->n_ctlogs : t->n_tlogs;
	for (size_t i = 0; i < n_logs; i++) {
		uint8_t h[SG_SHA256_LEN];
		sg_sha256(logs[i].spki.p, logs[i].spki.len, h);
		if (logs[i].key_id_len != SG_SHA256_LEN || memcmp(h, logs[i].key_id, 32) != 0 ||
			logs[i].valid.start != INT64_MIN || logs[i].valid.end != INT64_MAX)
			abort();
	}
	return 0;
}
