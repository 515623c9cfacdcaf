/* Target functions: sg_trustroot_parse, sg_trustroot_find_log, sg_trustroot_find_log_by_hint */
/* Invariants: two runs agree (result, counts, key ids); a failure leaves the root zeroed;
 * on success every list is within SG_MAX_TRUST_ENTRIES, every CA has 1..SG_MAX_CHAIN
 * certificates inside the arena, every log has a key id of 1..SG_MAX_KEY_ID bytes and a window
 * with start <= end, and looking each log up by its own key id finds a log with that id. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pki/trustroot.h"

static uint8_t mem[2][1u << 20];
static sg_trustroot tr[2];

static void
check_log(const sg_trust_log *l, const sg_trust_log *all, size_t n, const sg_arena *a)
{
	if (l->key_id_len == 0 || l->key_id_len > SG_MAX_KEY_ID || l->valid.start > l->valid.end)
		abort();
	if (l->spki.len == 0 || l->spki.p < a->base || l->spki.p + l->spki.len > a->base + a->used)
		abort();
	const sg_trust_log *f = sg_trustroot_find_log(all, n, l->key_id, l->key_id_len, INT64_MIN);
	if (f == NULL || f->key_id_len != l->key_id_len ||
		memcmp(f->key_id, l->key_id, l->key_id_len) != 0)
		abort();
	if (l->key_id_len >= 4 && sg_trustroot_find_log_by_hint(all, n, 0, l->key_id) >= n)
		abort();
}

static void
check_ca(const sg_trust_ca *c, const sg_arena *a)
{
	if (c->n_certs == 0 || c->n_certs > SG_MAX_CHAIN || c->valid.start > c->valid.end)
		abort();
	for (size_t i = 0; i < c->n_certs; i++)
		if (c->certs[i].p < a->base || c->certs[i].p + c->certs[i].len > a->base + a->used)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_err e[2];
	sg_arena a[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_trustroot_parse(data, size, &a[r], &tr[r], NULL);
	}
	if (e[0] != e[1] || tr[0].n_tlogs != tr[1].n_tlogs || tr[0].n_cas != tr[1].n_cas ||
		tr[0].n_ctlogs != tr[1].n_ctlogs || tr[0].n_tsas != tr[1].n_tsas)
		abort();
	const sg_trustroot *t = &tr[0];
	if (e[0] != SG_OK) {
		if (t->n_tlogs || t->n_cas || t->n_ctlogs || t->n_tsas)
			abort();
		return 0;
	}
	if (t->n_tlogs > SG_MAX_TRUST_ENTRIES || t->n_ctlogs > SG_MAX_TRUST_ENTRIES ||
		t->n_cas > SG_MAX_TRUST_ENTRIES || t->n_tsas > SG_MAX_TRUST_ENTRIES)
		abort();
	for (size_t i = 0; i < t->n_tlogs; i++) {
		check_log(&t->tlogs[i], t->tlogs, t->n_tlogs, &a[0]);
		if (memcmp(t->tlogs[i].key_id, tr[1].tlogs[i].key_id, SG_MAX_KEY_ID) != 0)
			abort();
	}
	for (size_t i = 0; i < t->n_ctlogs; i++)
		check_log(&t->ctlogs[i], t->ctlogs, t->n_ctlogs, &a[0]);
	for (size_t i = 0; i < t->n_cas; i++)
		check_ca(&t->cas[i], &a[0]);
	for (size_t i = 0; i < t->n_tsas; i++)
		check_ca(&t->tsas[i], &a[0]);
	return 0;
}
