/* Unit tests for Rekor v2 checkpoints in tlog (Ed25519 signed notes, protocol.md §8.4): the
 * inclusion proof and checkpoint of every rekor2-* conformance bundle against its own
 * trusted_root.json (cosigned, witness lines first, foreign signers claiming the log's name:
 * pass; missing origin/size/root/log signature, unknown name: fail), plus synthetic notes
 * signed at development time with a throwaway key (Python cryptography, seed 00 01 .. 1f) for
 * the rules the real bundles cannot show: the origin must be the log's baseUrl host, and the
 * log's first signature line is the one that must verify. */
#include <string.h>

#include "sigstore/bundle.h"
#include "runner.h"
#include "sigstore/tlog.h"

static uint8_t arena_mem[8u << 20];
static sg_arena arena;
static uint8_t root_mem[1u << 20];
static sg_arena root_arena;
static sg_entity ent;

/* Parse <case>/trusted_root.json and <case>/bundle.sigstore.json. 0 when absent or when
 * either does not parse (reported on stderr unless `quiet`). */
static int
load_case_q(const char *name, sg_trustroot *tr, int quiet)
{
	char path[1024];
	size_t n;
	snprintf(path, sizeof path, "%s/conformance/bundle-verify/%s/trusted_root.json",
		test_vectors_dir(), name);
	uint8_t *p = test_read_file(path, &n);
	if (p == NULL)
		return 0;
	sg_arena_reset(&root_arena);
	void *copy = sg_arena_alloc(&root_arena, n);
	memcpy(copy, p, n);
	free(p);
	if (sg_trustroot_parse(copy, n, &root_arena, tr, NULL) != SG_OK) {
		fprintf(stderr, "%s: trusted root does not parse\n", name);
		return 0;
	}
	snprintf(path, sizeof path, "%s/conformance/bundle-verify/%s/bundle.sigstore.json",
		test_vectors_dir(), name);
	p = test_read_file(path, &n);
	if (p == NULL)
		return 0;
	sg_arena_reset(&arena);
	copy = sg_arena_alloc(&arena, n);
	memcpy(copy, p, n);
	free(p);
	sg_diag d;
	sg_diag_init(&d, name);
	if (sg_bundle_parse(copy, n, &arena, &ent, &d) != SG_OK) {
		if (quiet)
			return 0;
		char msg[600];
		sg_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "%s: %s\n", name, msg);
		return 0;
	}
	return 1;
}

static int
load_case(const char *name, sg_trustroot *tr)
{
	return load_case_q(name, tr, 0);
}

typedef struct v2case {
	const char *name;
	sg_err want;
} v2case;

/* The checkpoint cases of CASES.md and every other Rekor v2 bundle (whose checkpoints are
 * valid: they fail, if at all, for reasons outside the log evidence). */
static const v2case CASES[] = {
	{"rekor2-happy-path", SG_OK},
	{"rekor2-checkpoint-cosigned", SG_OK},
	{"rekor2-checkpoint-multiple-cosigs", SG_OK},
	{"rekor2-checkpoint-origin-not-first", SG_OK},
	{"rekor2-checkpoint-two-sigs-cosigned", SG_OK},
	{"rekor2-checkpoint-two-sigs-from-origin", SG_OK},
	{"rekor2-checkpoint-missing-log-signature_fail", SG_ERR_VERIFY_CHECKPOINT},
	{"rekor2-checkpoint-missing-origin_fail", SG_ERR_VERIFY_CHECKPOINT},
	{"rekor2-checkpoint-missing-root-hash_fail", SG_ERR_VERIFY_CHECKPOINT},
	{"rekor2-checkpoint-missing-size_fail", SG_ERR_VERIFY_CHECKPOINT},
	{"rekor2-checkpoint-no-matching-signature_fail", SG_ERR_VERIFY_CHECKPOINT},
	{"rekor2-dsse-happy-path", SG_OK},
	{"rekor2-dsse-invalid-sig_fail", SG_OK},
	{"rekor2-dsse-mismatch-envelope_fail", SG_OK},
	{"rekor2-dsse-mismatch-sig_fail", SG_OK},
	{"rekor2-no-timestamp_fail", SG_OK},
	{"rekor2-timestamp-with-embedded-cert", SG_OK},
	{"rekor2-timestamp-without-embedded-cert", SG_OK},
	{"rekor2-timestamp-with-expired-cert-chain", SG_OK},
	{"rekor2-timestamp-with-incorrect-time_fail", SG_OK},
	{"rekor2-timestamp-outside-trust-root-tsa-validity_fail", SG_OK},
	{"rekor2-timestamp-outside-tsa-cert-validity_fail", SG_OK},
	{"rekor2-timestamp-payload-mismatch_fail", SG_OK},
	{"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", SG_OK},
	{"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", SG_OK},
	/* A custom root whose Rekor v2 log is "http://rekor-local". */
	{"bundle-with-sct-with-extensions", SG_OK},
};

/* Evidence that verifies fails once any part of it changes or another log is asked. */
static void
check_tampered(const sg_tlog_entry *e, const sg_trust_log *log, const sg_trustroot *tr)
{
	sg_diag d;
	sg_tlog_entry m = *e;
	m.proof.log_index = e->log_index + 1;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, &d), SG_ERR_VERIFY_INCLUSION);
	CHECK(strstr(d.detail, "logIndex") != NULL);
	m = *e;
	m.log_index = e->log_index + 1;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = *e;
	m.proof.root_hash[0] ^= 1;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	/* Another log of the same root (other key or name) does not vouch for it. */
	for (size_t k = 0; k < tr->n_tlogs; k++)
		if (&tr->tlogs[k] != log)
			CHECK(sg_tlog_verify_proof(e, &tr->tlogs[k], &arena, NULL) != SG_OK);
	/* The log under another host name, or none, signs nothing here. */
	sg_trust_log renamed = *log;
	renamed.base_url = sg_slice_make((const uint8_t *)"https://log.example", 19);
	CHECK_ERR(sg_tlog_verify_proof(e, &renamed, &arena, NULL), SG_ERR_VERIFY_CHECKPOINT);
	renamed.base_url = sg_slice_make(NULL, 0);
	CHECK_ERR(sg_tlog_verify_proof(e, &renamed, &arena, NULL), SG_ERR_VERIFY_CHECKPOINT);
}

static void
test_conformance(void)
{
	sg_trustroot *tr = malloc(sizeof *tr);
	size_t seen = 0, right = 0;
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
		if (!load_case(CASES[i].name, tr))
			continue;
		seen++;
		sg_tlog_entry *e = &ent.tlog[0];
		CHECK(ent.n_tlog == 1 && e->rekor_v2 && !e->has_integrated_time && e->set.len == 0);
		const sg_trust_log *log = sg_tlog_find_log(tr, e);
		CHECK(log != NULL && log->key.type == SG_KEY_ED25519);
		if (log == NULL)
			continue;
		/* The trusted root's log id is the full C2SP key id under the baseUrl host. */
		uint8_t hint[4];
		sg_checkpoint_key_hint(log, hint);
		CHECK(log->key_id_len == 32 && memcmp(hint, log->key_id, 4) == 0);
		sg_diag d;
		sg_diag_init(&d, CASES[i].name);
		sg_err r = sg_tlog_verify_proof(e, log, &arena, &d);
		if (r != CASES[i].want) {
			char msg[600];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "  %s: got %s (%s)\n", CASES[i].name, sg_err_name(r), msg);
		} else {
			right++;
		}
		CHECK_ERR(r, CASES[i].want);
		static const char nomatch[] =
			"no signature by log log2025-alpha1.rekor.sigstage.dev";
		if (strcmp(CASES[i].name, "rekor2-checkpoint-no-matching-signature_fail") == 0)
			CHECK(strstr(d.detail, nomatch) != NULL);
		if (r == SG_OK)
			check_tampered(e, log, tr);
	}
	/* No inclusion proof: the v0.3 bundle itself is refused (protocol.md §8.1), and no online
	 * lookup is attempted. */
	if (load_case("rekor2-happy-path", tr)) {
		sg_tlog_entry m = ent.tlog[0];
		m.proof.present = 0;
		CHECK_ERR(sg_tlog_verify_proof(&m, sg_tlog_find_log(tr, &m), &arena, NULL),
			SG_ERR_VERIFY_TLOG_MISSING);
		CHECK(!load_case_q("rekor2-no-inclusion-proof_fail", tr, 1));
	}
	if (seen == 0) {
		TEST_SKIP("rekor2 conformance cases not found (set SG_VECTORS)");
	} else {
		printf("Rekor v2 conformance checkpoints: %zu/%zu as expected\n", right, seen);
		CHECK(seen == sizeof CASES / sizeof CASES[0]);
	}
	free(tr);
}

/* ---- synthetic notes (throwaway key; see the file comment) ---- */

/* RFC 8410 SPKI of the Ed25519 key whose seed is 00 01 .. 1f. */
static const uint8_t TEST_SPKI[44] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x03, 0xa1, 0x07,
	0xbf, 0xf3, 0xce, 0x10, 0xbe, 0x1d, 0x70, 0xdd, 0x18, 0xe7, 0x4b, 0xc0, 0x99, 0x67, 0xe4,
	0xd6, 0x30, 0x9b, 0xa5, 0x0d, 0x5f, 0x1d, 0xdc, 0x86, 0x64, 0x12, 0x55, 0x31, 0xb8,
};

/* Signed by "example.log", with a witness line first. */
static const char NOTE_GOOD[] =
	"example.log\n"
	"7\n"
	"SBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n"
	"\n"
	"\xe2\x80\x94 witness.example AQIDBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	"\xe2\x80\x94 example.log 9tENic9RD213NKOfg0vm0tTCbMOvOSoXV/vNQkc2xiRnseupaDtvkaqivli"
	"s6O95NSSiU/ALH4JmBaIdPCtDIzGZfwc=\n";
/* A valid signature by "example.log" over a note whose origin is another name. */
static const char NOTE_OTHER_ORIGIN[] =
	"other.origin\n"
	"7\n"
	"SBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n"
	"\n"
	"\xe2\x80\x94 example.log 9tENiUlp53p3pXSqK928s4/sXMgoQV3SRcLeVHQ/DGfJJJq2aKc5ZDSmRLB"
	"U2CKYldBy3V9XoltHk5P0wI47xMnIkwg=\n";

static void
make_log(sg_trust_log *log, const char *url)
{
	memset(log, 0, sizeof *log);
	log->spki = sg_slice_make(TEST_SPKI, sizeof TEST_SPKI);
	CHECK_OK(sg_pubkey_parse(TEST_SPKI, sizeof TEST_SPKI, &log->key, NULL));
	log->base_url = sg_slice_make((const uint8_t *)url, strlen(url));
}

static sg_err
verify_note(const char *note, const sg_trust_log *log, sg_checkpoint *cp, sg_diag *d)
{
	sg_arena_reset(&arena);
	SG_TRY(sg_checkpoint_parse((const uint8_t *)note, strlen(note), &arena, cp, d));
	return sg_checkpoint_verify(cp, log, d);
}

static void
test_synthetic(void)
{
	sg_trust_log log;
	sg_checkpoint cp;
	sg_diag d;
	make_log(&log, "https://example.log");
	CHECK_OK(verify_note(NOTE_GOOD, &log, &cp, NULL));
	CHECK(cp.n_sigs == 2 && cp.size == 7);
	uint8_t hint[4];
	sg_checkpoint_key_hint(&log, hint);
	CHECK(hint[0] == 0xf6 && hint[1] == 0xd1 && hint[2] == 0x0d && hint[3] == 0x89);

	/* The host is what Go's url.Hostname() gives: userinfo, port, path and query dropped. */
	static const char *const same_host[] = {
		"https://example.log/", "https://example.log:443",
		"http://u:p@example.log:80/x?y#z", "https://example.log?q", "https://example.log#f",
	};
	for (size_t i = 0; i < sizeof same_host / sizeof same_host[0]; i++) {
		make_log(&log, same_host[i]);
		CHECK_OK(verify_note(NOTE_GOOD, &log, &cp, NULL));
	}
	/* No usable host: no name to look for. */
	static const char *const no_host[] = {
		"", "example.log", "https://", "https:///path", "https://[example.log",
		"https://:443",
	};
	for (size_t i = 0; i < sizeof no_host / sizeof no_host[0]; i++) {
		make_log(&log, no_host[i]);
		sg_diag_init(&d, NULL);
		CHECK_ERR(verify_note(NOTE_GOOD, &log, &cp, &d), SG_ERR_VERIFY_CHECKPOINT);
		CHECK(strstr(d.detail, "baseUrl host") != NULL);
	}
	/* Another host: the name (and so the Ed25519 key id) differs; nothing signed by it. */
	make_log(&log, "https://example.org");
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_note(NOTE_GOOD, &log, &cp, &d), SG_ERR_VERIFY_CHECKPOINT);
	CHECK(strstr(d.detail, "no signature by log example.org") != NULL);

	/* The origin must be the log's name even under a good signature (formats'
	 * ParseCheckpoint). */
	make_log(&log, "https://example.log");
	sg_diag_init(&d, NULL);
	CHECK_ERR(verify_note(NOTE_OTHER_ORIGIN, &log, &cp, &d), SG_ERR_VERIFY_CHECKPOINT);
	CHECK(strstr(d.detail, "origin other.origin is not the log's name example.log") != NULL);

	/* A bad signature on the log's line fails, even with a witness line around. */
	CHECK_OK(verify_note(NOTE_GOOD, &log, &cp, NULL));
	uint8_t bad_sig[64];
	CHECK(cp.sigs[1].sig.len == 64);
	memcpy(bad_sig, cp.sigs[1].sig.p, 64);
	bad_sig[10] ^= 0x04;
	sg_checkpoint m = cp;
	m.sigs[1].sig = sg_slice_make(bad_sig, 64);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_checkpoint_verify(&m, &log, &d), SG_ERR_VERIFY_CHECKPOINT);
	CHECK(strstr(d.detail, "does not verify") != NULL);
	/* sumdb note.Open: the log's first line decides; a later repeat is skipped. */
	m = cp;
	m.sigs[0] = cp.sigs[1];
	m.sigs[0].sig = sg_slice_make(bad_sig, 64);
	CHECK_ERR(sg_checkpoint_verify(&m, &log, NULL), SG_ERR_VERIFY_CHECKPOINT);
	m.sigs[0] = cp.sigs[1];
	m.sigs[1].sig = sg_slice_make(bad_sig, 64);
	CHECK_OK(sg_checkpoint_verify(&m, &log, NULL));
	/* A signature of the wrong length, and the right line under another name. */
	m = cp;
	m.sigs[1].sig.len = 63;
	CHECK_ERR(sg_checkpoint_verify(&m, &log, NULL), SG_ERR_VERIFY_CHECKPOINT);
	m = cp;
	m.sigs[1].name = sg_slice_make((const uint8_t *)"example.lo", 10);
	CHECK_ERR(sg_checkpoint_verify(&m, &log, NULL), SG_ERR_VERIFY_CHECKPOINT);
	/* Only the witness line: no log signature. */
	m = cp;
	m.n_sigs = 1;
	CHECK_ERR(sg_checkpoint_verify(&m, &log, NULL), SG_ERR_VERIFY_CHECKPOINT);
	/* The text is what is signed: any change breaks it. */
	uint8_t text[128];
	CHECK(cp.text.len < sizeof text);
	memcpy(text, cp.text.p, cp.text.len);
	text[12] = '8';
	m = cp;
	m.text = sg_slice_make(text, cp.text.len);
	CHECK_ERR(sg_checkpoint_verify(&m, &log, NULL), SG_ERR_VERIFY_CHECKPOINT);
	CHECK_ERR(sg_checkpoint_verify(&cp, NULL, NULL), SG_ERR_VERIFY_TLOG_KEY);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	sg_arena_init(&root_arena, root_mem, sizeof root_mem);
	test_conformance();
	test_synthetic();
	return test_finish();
}
