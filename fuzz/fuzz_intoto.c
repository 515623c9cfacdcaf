/* Target functions: sg_intoto_parse, sg_intoto_find_subject, sg_intoto_has_digest,
 * sg_intoto_check_annotations, sg_intoto_write (through sg_intoto_make) */
/* Input: an in-toto statement (a DSSE payload).
 * Invariants: a failed parse leaves the statement zeroed; parsing is deterministic; an
 * accepted statement has one of the two Statement types, 1..SG_MAX_INTOTO_SUBJECTS subjects
 * each with a digest bit set, and views inside the input or the arena; every subject's sha256
 * is found, at or before it; no claims always pass, and a subject's own string annotations
 * pass as claims (any one of them; a missing key fails); the statement written from the first
 * subject (name, sha256, string annotations) and the predicate (when it is an object) fits
 * the room sg_intoto_make gives it and parses back with the same type, predicate type, name, digest and annotations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz_common.h"
#include "parse/json.h"
#include "sigstore/intoto.h"

static uint8_t arena_mem[2][8u << 20];

static int
view_ok(sg_slice s, const uint8_t *data, size_t size, const sg_arena *a)
{
	return fuzz_inside(s, data, size) || fuzz_inside(s, a->base, a->used);
}

/* The subject's annotations whose values are strings (the claims cosign's -a can ask for),
 * unescaped; at most `cap`. */
static size_t
string_annotations(const sg_intoto_statement *st, size_t subject, sg_arena *a, sg_kv *kv,
	size_t cap)
{
	size_t obj = st->subjects[subject].annotations, n = 0;
	if (obj == SG_JSON_NONE)
		return 0;
	for (size_t k = sg_json_first(&st->json, obj); k != SG_JSON_NONE && n < cap;
		k = sg_json_next(&st->json, k)) {
		size_t v = sg_json_first(&st->json, k);
		if (sg_json_type(&st->json, v) != VFJ_STRING)
			continue;
		if (sg_json_str(&st->json, k, "key", a, &kv[n].key, NULL) != SG_OK ||
			sg_json_str(&st->json, v, "value", a, &kv[n].value, NULL) != SG_OK)
			abort();
		n++;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sg_intoto_statement zero;
	sg_arena a[2];
	sg_intoto_statement st[2];
	sg_err e[2];
	for (int r = 0; r < 2; r++) {
		sg_arena_init(&a[r], arena_mem[r], sizeof arena_mem[r]);
		e[r] = sg_intoto_parse(data, size, &a[r], &st[r], NULL);
	}
	if (e[0] != e[1])
		abort();
	if (e[0] != SG_OK) {
		if (memcmp(&st[0], &zero, sizeof st[0]) != 0)
			abort();
		return 0;
	}
	const sg_intoto_statement *s = &st[0];
	if (!sg_slice_eq_str(s->type, SG_INTOTO_STATEMENT_V1) &&
		!sg_slice_eq_str(s->type, SG_INTOTO_STATEMENT_V01))
		abort();
	if (s->n_subjects == 0 || s->n_subjects > SG_MAX_INTOTO_SUBJECTS ||
		s->n_subjects != st[1].n_subjects ||
		!sg_slice_eq(s->predicate_type, st[1].predicate_type) ||
		!view_ok(s->predicate_type, data, size, &a[0]))
		abort();
	for (size_t i = 0; i < s->n_subjects; i++) {
		const sg_intoto_subject *sub = &s->subjects[i];
		if (!view_ok(sub->name, data, size, &a[0]) ||
			!sg_slice_eq(sub->name, st[1].subjects[i].name) ||
			memcmp(sub->sha256, st[1].subjects[i].sha256, 32) != 0 ||
			sub->has != st[1].subjects[i].has)
			abort();
		if (!(sub->has & (1u << SG_HASH_SHA256)))
			continue;
		long f = sg_intoto_find_subject(s, SG_HASH_SHA256, sub->sha256, 32);
		if (f < 0 || (size_t)f > i ||
			!sg_intoto_has_digest(s, SG_HASH_SHA256, sub->sha256, 32) ||
			memcmp(s->subjects[f].sha256, sub->sha256, 32) != 0)
			abort();
	}
	if (sg_intoto_check_annotations(s, 0, NULL, 0, &a[0], NULL) != SG_OK)
		abort();
	sg_kv kv[SG_MAX_INTOTO_ANNOTATIONS];
	size_t n = string_annotations(s, 0, &a[0], kv, SG_MAX_INTOTO_ANNOTATIONS);
	/* Duplicate keys: which value counts is the parser's choice; check unique ones only. */
	int dup = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i; k++)
			dup |= sg_slice_eq(kv[i].key, kv[k].key);
	if (!dup && n > 0) {
		if (sg_intoto_check_annotations(s, 0, &kv[n - 1], 1, &a[0], NULL) != SG_OK)
			abort();
		sg_kv missing = {sg_slice_str("fuzz.invalid/missing-key\x01"), kv[0].value};
		int there = 0;
		for (size_t i = 0; i < n; i++)
			there |= sg_slice_eq(kv[i].key, missing.key);
		if (!there && sg_intoto_check_annotations(s, 0, &missing, 1, &a[0], NULL) == SG_OK)
			abort();
	}
	if (dup || !(s->subjects[0].has & (1u << SG_HASH_SHA256)))
		return 0;

	/* Write the first subject back (as sign/attest would) and parse it again. */
	sg_intoto_spec sp;
	memset(&sp, 0, sizeof sp);
	sp.type = sg_slice_eq_str(s->type, SG_INTOTO_STATEMENT_V1) ? SG_INTOTO_STATEMENT_V1
								   : SG_INTOTO_STATEMENT_V01;
	sp.name = s->subjects[0].name;
	memcpy(sp.sha256, s->subjects[0].sha256, 32);
	sp.with_annotations = n > 0;
	sp.annots = kv;
	sp.n_annots = n;
	sp.predicate_type = s->predicate_type;
	sp.predicate = sg_slice_str("{}");
	size_t pred = sg_json_get(&s->json, sg_json_root(&s->json), "predicate");
	if (pred != SG_JSON_NONE && sg_json_type(&s->json, pred) == VFJ_OBJECT) {
		const vfj_token *t = &s->json.doc.toks[pred];
		sp.predicate = sg_slice_make(data + t->start, t->end - t->start);
	}
	/* sg_intoto_make sizes its buffer from the spec: it must never run out. */
	sg_slice b;
	sg_err w = sg_intoto_make(&sp, &a[1], &b, NULL);
	if (w == SG_ERR_ARG)
		return 0; /* not UTF-8 */
	if (w != SG_OK)
		abort();
	sg_intoto_statement back;
	if (sg_intoto_parse(b.p, b.len, &a[1], &back, NULL) != SG_OK || back.n_subjects != 1 ||
		!sg_slice_eq(back.type, s->type) ||
		!sg_slice_eq(back.predicate_type, s->predicate_type) ||
		!sg_slice_eq(back.subjects[0].name, sp.name) ||
		memcmp(back.subjects[0].sha256, sp.sha256, 32) != 0)
		abort();
	if (n > 0 && sg_intoto_check_annotations(&back, 0, kv, n, &a[1], NULL) != SG_OK)
		abort();
	return 0;
}
