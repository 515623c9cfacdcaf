/* debug_sigstore: the `picosign debug` rows of the Sigstore document parsers: json,
 * trustroot, bundle, checkpoint, dsse. See debug.h. */
#include "cli/debug.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "parse/json.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/intoto.h"
#include "sigstore/tlog.h"

static void
print_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void
print_time(const char *label, int64_t t)
{
	char buf[32];
	if (t == INT64_MIN || t == INT64_MAX || sg_time_format_rfc3339(t, buf, sizeof buf) != SG_OK)
		printf("%s-", label);
	else
		printf("%s%s", label, buf);
}

/* see debug.h */
sg_err
sg_debug_json(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	if (canonical) {
		sg_slice out;
		SG_TRY(sg_json_canonicalize(in.p, in.len, arena, &out, d));
		/* Exactly the canonical bytes (no newline), so the output can be hashed. */
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			return sg_diag_fail(d, SG_ERR_IO, "writing the canonical form");
		return SG_OK;
	}
	sg_json j;
	SG_TRY(sg_json_parse(in.p, in.len, arena, "JSON", &j, d));
	printf("%zu tokens\n", j.doc.ntok);
	return SG_OK;
}

static void
print_logs(const char *kind, const sg_trust_log *logs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const sg_trust_log *l = &logs[i];
		printf("%s[%zu] %.*s key id ", kind, i, (int)l->base_url.len,
			(const char *)l->base_url.p);
		print_hex(l->key_id, l->key_id_len);
		printf(" %.*s%s", (int)l->key_details.len, (const char *)l->key_details.p,
			l->key.type == SG_KEY_EC || l->key.type == SG_KEY_RSA ? "" : " (unusable)");
		print_time(" from ", l->valid.start);
		print_time(" to ", l->valid.end);
		printf("\n");
	}
}

static void
print_cas(const char *kind, const sg_trust_ca *cas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s[%zu] %.*s, %zu certificates", kind, i, (int)cas[i].uri.len,
			(const char *)cas[i].uri.p, cas[i].n_certs);
		print_time(" from ", cas[i].valid.start);
		print_time(" to ", cas[i].valid.end);
		printf("\n");
	}
}

/* see debug.h */
sg_err
sg_debug_trustroot(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_trustroot *tr;
	SG_TRY(sg_arena_get(arena, sizeof *tr, (void **)&tr, d));
	SG_TRY(sg_trustroot_parse(in.p, in.len, arena, tr, d));
	print_logs("tlog", tr->tlogs, tr->n_tlogs);
	print_logs("ctlog", tr->ctlogs, tr->n_ctlogs);
	print_cas("ca", tr->cas, tr->n_cas);
	print_cas("tsa", tr->tsas, tr->n_tsas);
	return SG_OK;
}

/* A bundle, or (when it has the SignedEntryTimestamp member) a legacy annotation value. */
sg_err
sg_debug_bundle(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_entity *e;
	SG_TRY(sg_arena_get(arena, sizeof *e, (void **)&e, d));
	int legacy = 0;
	for (size_t i = 0; i + 22 <= in.len && !legacy; i++)
		legacy = memcmp(in.p + i, "\"SignedEntryTimestamp\"", 22) == 0;
	if (legacy)
		SG_TRY(sg_bundle_parse_legacy(in.p, in.len, arena, e, d));
	else
		SG_TRY(sg_bundle_parse(in.p, in.len, arena, e, d));
	static const char *const content[] = {"none (legacy)", "message signature", "DSSE"};
	static const char *const material[] = {
		"none", "certificate", "certificate chain", "public key"};
	if (e->legacy)
		printf("cosign legacy bundle annotation\n");
	else
		printf("bundle v0.%d\n", e->media_minor);
	printf("content: %s\nmaterial: %s (%zu certificates)\n", content[e->content],
		material[e->material], e->n_certs);
	for (size_t i = 0; i < e->n_tlog; i++) {
		const sg_tlog_entry *t = &e->tlog[i];
		printf("tlog[%zu] %.*s %.*s index %lld, log id ", i, (int)t->kind.len,
			(const char *)t->kind.p, (int)t->version.len, (const char *)t->version.p,
			(long long)t->log_index);
		print_hex(t->log_id, t->log_id_len);
		if (t->has_integrated_time)
			print_time(", integrated ", t->integrated_time);
		printf(", body %zu bytes%s", t->body.len, t->set.len ? ", SET" : "");
		if (t->proof.present)
			printf(", proof %lld/%lld (%zu hashes)%s", (long long)t->proof.log_index,
				(long long)t->proof.tree_size, t->proof.n_hashes,
				t->proof.checkpoint.len ? ", checkpoint" : "");
		printf("%s\n", t->rekor_v2 ? " [Rekor v2]" : "");
	}
	printf("rfc3161 timestamps: %zu\n", e->n_timestamps);
	return SG_OK;
}

/* see debug.h */
sg_err
sg_debug_checkpoint(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_checkpoint cp;
	SG_TRY(sg_checkpoint_parse(in.p, in.len, arena, &cp, d));
	printf("origin: %.*s\nsize: %llu\nroot: ", (int)cp.origin.len, (const char *)cp.origin.p,
		(unsigned long long)cp.size);
	print_hex(cp.root, sizeof cp.root);
	printf("\nextension lines: %zu\n", cp.n_ext);
	for (size_t i = 0; i < cp.n_sigs; i++) {
		printf("signature %.*s hint ", (int)cp.sigs[i].name.len,
			(const char *)cp.sigs[i].name.p);
		print_hex(cp.sigs[i].hint, 4);
		printf(", %zu bytes\n", cp.sigs[i].sig.len);
	}
	return SG_OK;
}

/* see debug.h */
sg_err
sg_debug_dsse(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_dsse_envelope env;
	SG_TRY(sg_dsse_parse(in.p, in.len, arena, &env, d));
	printf("payloadType: %.*s\npayload: %zu bytes\nsignatures: %zu\n",
		(int)env.payload_type.len, (const char *)env.payload_type.p, env.payload.len,
		env.n_sigs);
	if (sg_slice_eq_str(env.payload_type, SG_DSSE_PAYLOAD_TYPE_INTOTO)) {
		sg_intoto_statement st;
		SG_TRY(sg_intoto_parse(env.payload.p, env.payload.len, arena, &st, d));
		printf("in-toto predicateType: %.*s\n", (int)st.predicate_type.len,
			(const char *)st.predicate_type.p);
		for (size_t i = 0; i < st.n_subjects; i++) {
			printf("subject %.*s", (int)st.subjects[i].name.len,
				(const char *)st.subjects[i].name.p);
			if (st.subjects[i].has & (1u << SG_HASH_SHA256)) {
				printf(" sha256:");
				print_hex(st.subjects[i].sha256, 32);
			}
			printf("\n");
		}
	}
	return SG_OK;
}
