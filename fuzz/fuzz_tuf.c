/* Target functions: sg_tuf_parse, sg_json_canonical_olpc, sg_tuf_count_signatures,
 * sg_tuf_check_threshold, sg_tuf_trust_root, sg_tuf_file_find, sg_tuf_check_file */
/* fuzz_tuf: TUF metadata (sigstore/tuf.h) and the OLPC canonical JSON its signatures cover.
 * The first byte picks the role (mod 4), the rest is the file (and, when it is JSON but no
 * metadata, the canonicalizer's input). Invariants, with abort():
 *   - a second parse gives the same result, version, expiry, counts and canonical bytes;
 *   - on failure the metadata is zeroed;
 *   - on success: version >= 1; keys, signatures and files within their SG_MAX_TUF_* bounds;
 *     every view (key ids, names, signatures, canonical bytes) inside the input or the arena;
 *     every root role has a threshold >= 1 and key indices below n_keys; the canonical form
 *     is never longer than the input and, when it holds no control character (OLPC writes
 *     them raw, which JSON forbids), re-parses and canonicalizes to the same bytes; a
 *     root's signature count never exceeds its distinct keys, and trusting it agrees with
 *     its own threshold check; each listed file is found by name.
 * No clock, files, randomness or network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parse/json.h"
#include "sigstore/tuf.h"

static uint8_t mem[2][4u << 20];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(sg_slice s, const uint8_t *in, size_t n, const sg_arena *a)
{
	return fuzz_inside(s, in, n) || fuzz_inside(s, a->base, a->used);
}

static void
check_md(const sg_tuf_md *m, const uint8_t *in, size_t n, const sg_arena *a)
{
	if (m->version < 1 || m->n_keys > SG_MAX_TUF_KEYS || m->n_sigs > SG_MAX_TUF_SIGS ||
		m->n_files > SG_MAX_TUF_ENTRIES || m->canonical.len > n)
		abort();
	if (!inside(m->canonical, in, n, a) || !fuzz_inside(m->raw, in, n))
		abort();
	for (size_t i = 0; i < m->n_sigs; i++)
		if (!inside(m->sigs[i].keyid, in, n, a) || !inside(m->sigs[i].sig, in, n, a))
			abort();
	for (size_t i = 0; i < m->n_keys; i++)
		if (!inside(m->keys[i].id, in, n, a) || m->keys[i].spki_len > SG_TUF_SPKI_MAX)
			abort();
	for (size_t i = 0; i < m->n_files; i++) {
		if (!inside(m->files[i].name, in, n, a))
			abort();
		/* a name with a NUL cannot be looked up as a C string */
		if (memchr(m->files[i].name.p, 0, m->files[i].name.len) == NULL &&
			m->files[i].name.len < 512) {
			char name[512];
			memcpy(name, m->files[i].name.p, m->files[i].name.len);
			name[m->files[i].name.len] = '\0';
			if (sg_tuf_file_find(m, name) == NULL)
				abort();
		}
		sg_err ce = sg_tuf_check_file(&m->files[i], in, n, "fuzz", "file", NULL);
		if (ce == SG_OK && m->files[i].has_length && m->files[i].length != n)
			abort();
	}
	if (m->type == SG_TUF_ROOT) {
		for (int r = 0; r < SG_TUF_N_ROLES; r++) {
			if (m->roles[r].threshold < 1 || m->roles[r].n > SG_MAX_TUF_KEYS)
				abort();
			for (size_t k = 0; k < m->roles[r].n; k++)
				if (m->roles[r].keys[k] >= m->n_keys)
					abort();
		}
		size_t c = sg_tuf_count_signatures(m, m, SG_TUF_ROOT);
		if (c > m->roles[SG_TUF_ROOT].n)
			abort();
		int met = sg_tuf_check_threshold(m, m, SG_TUF_ROOT, "itself", NULL) == SG_OK;
		if (met != ((int64_t)c >= m->roles[SG_TUF_ROOT].threshold))
			abort();
	}
}

/* OLPC canonical JSON of any document: never longer than its input, and a fixed point when
 * it holds no control character (OLPC writes them raw, which JSON forbids). */
static void
check_olpc(const uint8_t *in, size_t n, sg_arena *a)
{
	sg_json j, j2;
	sg_slice c, again;
	if (sg_json_parse(in, n, a, "in", &j, NULL) != SG_OK)
		return;
	sg_err e = sg_json_canonical_olpc(&j, sg_json_root(&j), a, &c, NULL);
	if (e != SG_OK) {
		if (e != SG_ERR_UNSUPPORTED && e != SG_ERR_LIMIT)
			abort();
		return;
	}
	if (c.len > n)
		abort();
	int ctl = 0;
	for (size_t i = 0; i < c.len; i++)
		ctl |= c.p[i] < 0x20;
	if (ctl)
		return;
	if (sg_json_parse(c.p, c.len, a, "c", &j2, NULL) != SG_OK ||
		sg_json_canonical_olpc(&j2, sg_json_root(&j2), a, &again, NULL) != SG_OK ||
		!sg_slice_eq(again, c))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sg_tuf_role role = (sg_tuf_role)(data[0] % 4u);
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	sg_arena a[2];
	sg_tuf_md m[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], mem[r], sizeof mem[r]);
		e[r] = sg_tuf_parse(in, n, role, &a[r], &m[r], NULL);
	}
	if (e[0] != e[1] || m[0].version != m[1].version || m[0].expires != m[1].expires ||
		m[0].n_keys != m[1].n_keys || m[0].n_sigs != m[1].n_sigs ||
		m[0].n_files != m[1].n_files || !sg_slice_eq(m[0].canonical, m[1].canonical))
		abort();
	if (e[0] != SG_OK) {
		if (!fuzz_all_zero(&m[0], sizeof m[0]))
			abort();
		sg_arena_init(&a[1], mem[1], sizeof mem[1]);
		check_olpc(in, n, &a[1]);
		return 0;
	}
	check_md(&m[0], in, n, &a[0]);
	/* OLPC canonical form: a fixed point. It writes control characters raw, which JSON
	 * forbids, so only a form without them parses again. */
	int ctl = 0;
	for (size_t i = 0; i < m[0].canonical.len; i++)
		ctl |= m[0].canonical.p[i] < 0x20;
	sg_json j;
	sg_slice again;
	const sg_slice cm = m[0].canonical;
	if (!ctl && (sg_json_parse(cm.p, cm.len, &a[1], "c", &j, NULL) != SG_OK ||
			    sg_json_canonical_olpc(&j, sg_json_root(&j), &a[1], &again, NULL) !=
				    SG_OK ||
			    !sg_slice_eq(again, cm)))
		abort();
	if (role == SG_TUF_ROOT) {
		sg_tuf_trusted st;
		sg_arena_init(&a[1], mem[1], sizeof mem[1]);
		sg_err t = sg_tuf_trust_root(&st, in, n, 0, 1, &a[1], NULL);
		if ((t == SG_OK) != (sg_tuf_check_threshold(&m[0], &m[0], SG_TUF_ROOT, "itself",
					     NULL) == SG_OK))
			abort();
	}
	return 0;
}
