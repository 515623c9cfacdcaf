/* Unit tests for tlog: the real signature's SET verifies with the production Rekor key and any
 * one-field change breaks it; inclusion proofs and checkpoints of conformance bundles verify and
 * their tampered forms fail with the right code; RFC 9162 verification against every leaf of
 * synthetic trees of 1..33 leaves, proofs too long / too short; checkpoint grammar; entry
 * bodies of each kind. */
#include <string.h>

#include "sigstore/bundle.h"
#include "guard.h"
#include "parse/json.h"
#include "merkle_ref.h"
#include "runner.h"
#include "sigstore/tlog.h"

static uint8_t arena_mem[8u << 20];
static sg_arena arena;
static uint8_t root_mem[1u << 20];
static sg_arena root_arena;
static sg_trustroot prod;
static int have_prod;
static sg_entity ent;

static void
load_root(const char *rel_path, sg_trustroot *tr, int *ok)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_vectors_dir(), rel_path);
	size_t n;
	uint8_t *p = test_read_file(path, &n);
	*ok = 0;
	if (p == NULL)
		return;
	/* The root's views point into its JSON: keep a copy in the root arena. */
	void *copy = sg_arena_alloc(&root_arena, n);
	if (copy == NULL) {
		free(p);
		return;
	}
	memcpy(copy, p, n);
	free(p);
	*ok = sg_trustroot_parse(copy, n, &root_arena, tr, NULL) == SG_OK;
}

/* Read a conformance bundle into `ent` (bytes kept in the arena); 0 when missing. */
static int
load_bundle(const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/conformance/bundle-verify/%s/bundle.sigstore.json",
		test_vectors_dir(), name);
	size_t n;
	uint8_t *p = test_read_file(path, &n);
	if (p == NULL)
		return 0;
	sg_arena_reset(&arena);
	void *copy = sg_arena_alloc(&arena, n);
	memcpy(copy, p, n);
	free(p);
	sg_diag d;
	sg_diag_init(&d, name);
	if (sg_bundle_parse(copy, n, &arena, &ent, &d) != SG_OK) {
		char msg[600];
		sg_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "%s: %s\n", name, msg);
		return 0;
	}
	return 1;
}

/* ---- SET ---- */

static int
load_legacy(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/real/cosign-keyless-containers-image.sig.bin",
		test_vectors_dir());
	size_t n;
	uint8_t *p = test_read_file(path, &n);
	if (p == NULL || n < 16)
		return 0;
	sg_arena_reset(&arena);
	uint8_t *copy = sg_arena_alloc(&arena, n);
	memcpy(copy, p, n);
	free(p);
	sg_json j;
	if (sg_json_parse(copy + 15, n - 15, &arena, "sig", &j, NULL) != SG_OK)
		return 0;
	sg_slice val;
	if (sg_json_get_str(&j, sg_json_path(&j, 0, "annotations"), "dev.sigstore.cosign/bundle",
		    SG_JSON_REQUIRED, "ann", &arena, &val, NULL, NULL) != SG_OK)
		return 0;
	return sg_bundle_parse_legacy(val.p, val.len, &arena, &ent, NULL) == SG_OK;
}

static void
test_set_real(void)
{
	if (!have_prod || !load_legacy()) {
		TEST_SKIP("real signature or production root not found");
		return;
	}
	sg_tlog_entry e = ent.tlog[0];
	const sg_trust_log *log = sg_tlog_find_log(&prod, &e);
	CHECK(log != NULL);
	/* The signed message, as protocol.md §11 shows it. */
	static uint8_t msg[16384];
	sg_buf b;
	sg_buf_init(&b, msg, sizeof msg);
	CHECK_OK(sg_tlog_set_message(&e, &b));
	static const char tail[] =
		"\",\"integratedTime\":1674247893,\"logID\":\"c0d23d6ad406973f9559"
		"f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d\",\"logIndex\":11605770}";
	CHECK(b.len > sizeof tail && memcmp(msg, "{\"body\":\"eyJhcGlWZXJz", 21) == 0);
	CHECK(memcmp(msg + b.len - (sizeof tail - 1), tail, sizeof tail - 1) == 0);
	sg_buf small;
	uint8_t tiny[32];
	sg_buf_init(&small, tiny, sizeof tiny);
	CHECK_ERR(sg_tlog_set_message(&e, &small), SG_ERR_LIMIT);

	sg_diag d;
	sg_diag_init(&d, "set");
	CHECK_OK(sg_tlog_verify_set(&e, log, &arena, &d));

	/* Each one-field change breaks it. */
	sg_tlog_entry m = e;
	uint8_t *body = sg_arena_alloc(&arena, e.body.len);
	memcpy(body, e.body.p, e.body.len);
	body[40] ^= 1;
	m.body = sg_slice_make(body, e.body.len);
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_SET);
	m = e;
	m.integrated_time++;
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_SET);
	m = e;
	m.log_index++;
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_SET);
	m = e;
	uint8_t *set = sg_arena_alloc(&arena, e.set.len);
	memcpy(set, e.set.p, e.set.len);
	set[e.set.len - 1] ^= 1;
	m.set = sg_slice_make(set, e.set.len);
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_SET);
	m = e;
	m.set.len = 0;
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_TLOG_MISSING);
	m = e;
	m.has_integrated_time = 0;
	CHECK_ERR(sg_tlog_verify_set(&m, log, &arena, NULL), SG_ERR_VERIFY_TLOG_MISSING);
	/* Another log id finds no key; a time before the key's window neither. */
	m = e;
	m.log_id[5] ^= 1;
	CHECK(sg_tlog_find_log(&prod, &m) == NULL);
	CHECK_ERR(sg_tlog_verify_set(&m, NULL, &arena, NULL), SG_ERR_VERIFY_TLOG_KEY);
	m = e;
	m.integrated_time = 1600000000;
	CHECK(sg_tlog_find_log(&prod, &m) == NULL);

	/* The body is a hashedrekord 0.0.1 matching protocol.md §11. */
	sg_tlog_body tb;
	CHECK_OK(sg_tlog_body_parse(e.body.p, e.body.len, &arena, &tb, NULL));
	CHECK(tb.kind == SG_TLOG_HASHEDREKORD && !tb.rekor_v2 && tb.n_sigs == 1);
	CHECK(tb.data_hash.alg == SG_HASH_SHA256 && tb.data_hash.len == 32);
	CHECK(tb.data_hash.value[0] == 0x2d && tb.data_hash.value[31] == 0xed);
	CHECK(tb.sigs[0].sig.len == 70 && tb.sigs[0].sig.p[0] == 0x30);
	CHECK(tb.sigs[0].form == SG_TLOG_VERIFIER_PEM && tb.sigs[0].verifier.len > 27 &&
		memcmp(tb.sigs[0].verifier.p, "-----BEGIN CERTIFICATE-----", 27) == 0);
}

/* ---- inclusion proofs and checkpoints of real bundles ---- */

static void
test_conformance_proofs(void)
{
	if (!have_prod) {
		TEST_SKIP("production root not found");
		return;
	}
	static const char *const good[] = {
		"happy-path-v0.1", "happy-path-v0.2", "happy-path-v0.3",
		"happy-path-v0.3-new-mediaType", "happy-path-intoto-in-dsse-v3",
		"managed-key-happy-path",
		"wrong-hashedrekord-entry_fail", /* a valid entry, just for another artifact */
	};
	size_t verified = 0;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (!load_bundle(good[i]))
			continue;
		sg_tlog_entry *e = &ent.tlog[0];
		const sg_trust_log *log = sg_tlog_find_log(&prod, e);
		CHECK(log != NULL);
		sg_diag d;
		sg_diag_init(&d, good[i]);
		sg_err r = sg_tlog_verify_proof(e, log, &arena, &d);
		CHECK_OK(r);
		if (r != SG_OK) {
			char msg[600];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "%s: %s\n", good[i], msg);
		}
		CHECK_OK(sg_tlog_verify_set(e, log, &arena, NULL));
		verified++;
	}
	printf("conformance proofs verified: %zu\n", verified);

	/* Tampering with a good one. */
	if (!load_bundle("happy-path-v0.3"))
		return;
	sg_tlog_entry e = ent.tlog[0];
	const sg_trust_log *log = sg_tlog_find_log(&prod, &e);
	sg_tlog_entry m = e;
	uint8_t *h = sg_arena_alloc(&arena, e.proof.n_hashes * 32);
	memcpy(h, e.proof.hashes, e.proof.n_hashes * 32);
	h[3 * 32 + 7] ^= 0x80;
	m.proof.hashes = h;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.log_index++;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.tree_size++;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.root_hash[0] ^= 1;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.n_hashes--;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.log_index = m.proof.tree_size;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
	m = e;
	m.proof.present = 0;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_TLOG_MISSING);
	m = e;
	m.proof.checkpoint.len = 0;
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_TLOG_MISSING);
	/* Checkpoint text changed: the signature no longer verifies (extension line added). */
	uint8_t *cp = sg_arena_alloc(&arena, e.proof.checkpoint.len + 16);
	const uint8_t *split = NULL;
	for (size_t i = 0; i + 1 < e.proof.checkpoint.len; i++)
		if (e.proof.checkpoint.p[i] == '\n' && e.proof.checkpoint.p[i + 1] == '\n')
			split = e.proof.checkpoint.p + i + 1;
	CHECK(split != NULL);
	size_t head = (size_t)(split - e.proof.checkpoint.p);
	memcpy(cp, e.proof.checkpoint.p, head);
	memcpy(cp + head, "Extra: 1\n", 9);
	memcpy(cp + head + 9, split, e.proof.checkpoint.len - head);
	m = e;
	m.proof.checkpoint = sg_slice_make(cp, e.proof.checkpoint.len + 9);
	sg_diag d;
	sg_diag_init(&d, "cp");
	CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, &d), SG_ERR_VERIFY_CHECKPOINT);
	CHECK(strstr(d.detail, "does not verify") != NULL);
	/* The wrong log key: no line with its hint. */
	sg_trust_log other = *log;
	other.spki = prod.ctlogs[0].spki;
	other.key = prod.ctlogs[0].key;
	sg_diag_init(&d, "cp");
	CHECK_ERR(sg_tlog_verify_proof(&e, &other, &arena, &d), SG_ERR_VERIFY_CHECKPOINT);
	CHECK(strstr(d.detail, "key hint") != NULL);

	/* Conformance cases that must fail here, with the expected code. */
	static const struct {
		const char *name;
		int set; /* check the SET instead of the proof */
		sg_err want;
	} bad[] = {
		{"checkpoint-bad-keyhint_fail", 0, SG_ERR_VERIFY_CHECKPOINT},
		{"checkpoint-wrong-roothash_fail", 0, SG_ERR_VERIFY_CHECKPOINT},
		{"inclusion-proof-corrupted-hash_fail", 0, SG_ERR_VERIFY_INCLUSION},
		{"invalid-inclusion-proof_fail", 0, SG_ERR_VERIFY_INCLUSION},
		{"invalid-checkpoint-signature_fail", 0, SG_ERR_VERIFY_CHECKPOINT},
		{"set-invalid-signature_fail", 1, SG_ERR_VERIFY_SET},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (!load_bundle(bad[i].name))
			continue;
		const sg_trust_log *l = sg_tlog_find_log(&prod, &ent.tlog[0]);
		CHECK(l != NULL);
		sg_err r = bad[i].set ? sg_tlog_verify_set(&ent.tlog[0], l, &arena, NULL)
				      : sg_tlog_verify_proof(&ent.tlog[0], l, &arena, NULL);
		if (r != bad[i].want)
			fprintf(stderr, "%s: got %s\n", bad[i].name, sg_err_name(r));
		CHECK_ERR(r, bad[i].want);
	}
}

/* A custom root: tree of size 1 (index 0, no hashes), and Rekor v2 (Ed25519). */
static void
test_custom_roots(void)
{
	sg_trustroot *tr = malloc(sizeof *tr);
	int ok;
	load_root("conformance/bundle-verify/intoto-with-custom-trust-root/trusted_root.json", tr,
		&ok);
	if (ok && load_bundle("intoto-with-custom-trust-root")) {
		sg_tlog_entry *e = &ent.tlog[0];
		CHECK(e->proof.tree_size == 1 && e->proof.n_hashes == 0);
		const sg_trust_log *log = sg_tlog_find_log(tr, e);
		CHECK(log != NULL);
		CHECK_OK(sg_tlog_verify_proof(e, log, &arena, NULL));
		CHECK_OK(sg_tlog_verify_set(e, log, &arena, NULL));
		/* One extra hash for a one-leaf tree is too many. */
		sg_tlog_entry m = *e;
		static const uint8_t extra[32];
		m.proof.hashes = extra;
		m.proof.n_hashes = 1;
		CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
		sg_tlog_body b;
		CHECK_OK(sg_tlog_body_parse(e->body.p, e->body.len, &arena, &b, NULL));
		CHECK(b.kind == SG_TLOG_INTOTO && b.n_sigs == 1 && b.has_payload);
		CHECK(b.sigs[0].sig.len > 60 && b.sigs[0].sig.p[0] == 0x30);
		/* The stored payload is the envelope's. */
		CHECK(sg_slice_eq(b.payload, ent.dsse.payload));
		uint8_t h[32];
		sg_sha256(ent.dsse.payload.p, ent.dsse.payload.len, h);
		CHECK(b.payload_hash.len == 32 && memcmp(h, b.payload_hash.value, 32) == 0);
	} else {
		TEST_SKIP("custom-root conformance case not found");
	}
	load_root("conformance/bundle-verify/rekor2-happy-path/trusted_root.json", tr, &ok);
	if (ok && load_bundle("rekor2-happy-path")) {
		sg_tlog_entry *e = &ent.tlog[0];
		CHECK(e->rekor_v2 && !e->has_integrated_time);
		const sg_trust_log *log = sg_tlog_find_log(tr, e);
		CHECK(log != NULL && log->key.type == SG_KEY_ED25519);
		/* Ed25519 checkpoint (more Rekor v2 cases in test_tlog_v2). */
		CHECK_OK(sg_tlog_verify_proof(e, log, &arena, NULL));
		/* A tampered v2 proof still fails as an inclusion failure. */
		sg_tlog_entry m = *e;
		m.proof.root_hash[5] ^= 1;
		CHECK_ERR(sg_tlog_verify_proof(&m, log, &arena, NULL), SG_ERR_VERIFY_INCLUSION);
		sg_tlog_body b;
		CHECK_OK(sg_tlog_body_parse(e->body.p, e->body.len, &arena, &b, NULL));
		CHECK(b.rekor_v2 && b.sigs[0].form == SG_TLOG_VERIFIER_DER_CERT);
		CHECK(b.data_hash.alg == SG_HASH_SHA256 && b.data_hash.value[0] == 0xa0);
		CHECK(sg_slice_eq_str(b.key_details, "PKIX_ECDSA_P256_SHA_256"));
		CHECK(sg_slice_eq(b.sigs[0].verifier, ent.certs[0]));
		CHECK(sg_slice_eq(b.sigs[0].sig, ent.signature));
	} else {
		TEST_SKIP("rekor2 conformance case not found");
	}
	/* Broken Rekor v2 checkpoints fail to parse. */
	static const char *const v2bad[] = {
		"rekor2-checkpoint-missing-origin_fail",
		"rekor2-checkpoint-missing-root-hash_fail",
		"rekor2-checkpoint-missing-size_fail",
		"rekor2-checkpoint-missing-log-signature_fail",
	};
	for (size_t i = 0; i < 4; i++) {
		if (!load_bundle(v2bad[i]))
			continue;
		sg_checkpoint cp;
		sg_err r = sg_checkpoint_parse(ent.tlog[0].proof.checkpoint.p,
			ent.tlog[0].proof.checkpoint.len, &arena, &cp, NULL);
		if (i < 3) {
			CHECK_ERR(r, SG_ERR_VERIFY_CHECKPOINT);
		} else {
			/* Witness lines only: parses, but no line from the log. */
			CHECK(r == SG_OK || r == SG_ERR_VERIFY_CHECKPOINT);
		}
		load_root("conformance/bundle-verify/rekor2-happy-path/trusted_root.json", tr, &ok);
		const sg_trust_log *log = sg_tlog_find_log(tr, &ent.tlog[0]);
		CHECK(sg_tlog_verify_proof(&ent.tlog[0], log, &arena, NULL) != SG_OK);
	}
	free(tr);
}

/* ---- RFC 9162 on synthetic trees ---- */

static uint8_t leaves[40][32];

static void
test_rfc9162(void)
{
	for (size_t i = 0; i < 40; i++) {
		uint8_t data[8] = {'l', 'e', 'a', 'f', (uint8_t)i, 0, 0, 0};
		sg_merkle_leaf_hash(data, sizeof data, leaves[i]);
	}
	size_t good = 0, bad_ok = 1;
	for (size_t size = 1; size <= 33; size++) {
		uint8_t root[32];
		merkle_ref_root(leaves, 0, size, root);
		for (size_t idx = 0; idx < size; idx++) {
			uint8_t path[32 * 70];
			size_t n = 0;
			merkle_ref_path(leaves, idx, 0, size, path, &n);
			if (sg_merkle_verify_inclusion(idx, size, leaves[idx], path, n, root, NULL) ==
				SG_OK)
				good++;
			/* Wrong leaf, wrong index, too long, too short, wrong root. */
			size_t other = (idx + 1) % size;
			if (size > 1 &&
				sg_merkle_verify_inclusion(idx, size, leaves[other], path, n, root,
					NULL) != SG_ERR_VERIFY_INCLUSION)
				bad_ok = 0;
			if (size > 1 &&
				sg_merkle_verify_inclusion(other, size, leaves[idx], path, n, root,
					NULL) != SG_ERR_VERIFY_INCLUSION)
				bad_ok = 0;
			memcpy(path + 32 * n, root, 32);
			if (sg_merkle_verify_inclusion(idx, size, leaves[idx], path, n + 1, root,
				    NULL) != SG_ERR_VERIFY_INCLUSION)
				bad_ok = 0;
			if (n > 0 &&
				sg_merkle_verify_inclusion(idx, size, leaves[idx], path, n - 1, root,
					NULL) != SG_ERR_VERIFY_INCLUSION)
				bad_ok = 0;
			uint8_t r2[32];
			memcpy(r2, root, 32);
			r2[31] ^= 1;
			if (sg_merkle_verify_inclusion(idx, size, leaves[idx], path, n, r2, NULL) !=
				SG_ERR_VERIFY_INCLUSION)
				bad_ok = 0;
			/* The proof for a bigger tree does not prove the leaf in a smaller one. */
			if (idx + 1 < size &&
				sg_merkle_verify_inclusion(
					idx, idx + 1, leaves[idx], path, n, root, NULL) == SG_OK)
				bad_ok = 0;
		}
	}
	CHECK(good == 33 * 34 / 2);
	CHECK(bad_ok);
	/* Edge cases named in RFC 9162: size 1 (root = leaf, no hashes), index = size - 1,
	 * index = size, size 0. */
	CHECK_OK(sg_merkle_verify_inclusion(0, 1, leaves[0], NULL, 0, leaves[0], NULL));
	CHECK_ERR(sg_merkle_verify_inclusion(1, 1, leaves[0], NULL, 0, leaves[0], NULL),
		SG_ERR_VERIFY_INCLUSION);
	CHECK_ERR(sg_merkle_verify_inclusion(0, 0, leaves[0], NULL, 0, leaves[0], NULL),
		SG_ERR_VERIFY_INCLUSION);
	uint8_t root[32], path[32 * 8];
	size_t n = 0;
	merkle_ref_root(leaves, 0, 7, root);
	merkle_ref_path(leaves, 6, 0, 7, path, &n);
	CHECK(n == 2);
	CHECK_OK(sg_merkle_verify_inclusion(6, 7, leaves[6], path, n, root, NULL));
	/* More than SG_MAX_PROOF_HASHES hashes is refused before any work. */
	static uint8_t many[32 * 65];
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_merkle_verify_inclusion(0, UINT64_MAX, leaves[0], many, 65, root, &d),
		SG_ERR_VERIFY_INCLUSION);
	/* A 64-level proof of a maximal tree runs (and fails on the root). */
	CHECK_ERR(sg_merkle_verify_inclusion(
			  UINT64_MAX - 1, UINT64_MAX, leaves[0], many, 64, root, NULL),
		SG_ERR_VERIFY_INCLUSION);
}

/* ---- checkpoint grammar ---- */

static const char good_note[] = "rekor.sigstore.dev - 2605736670972794746\n"
				"23083062\n"
				"dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=\n"
				"Timestamp: 1689177396617352539\n"
				"\n"
				"\xe2\x80\x94 rekor.sigstore.dev "
				"wNI9ajBFAiBxaGyEtxkzFLkaCSEJqFuSS3dJjEZCNiyByVs1CNVQ8gIhAOoN"
				"nXtmMtTctV2oRnSRUZAo4EWUYPK/vBsqOzAU6TMs\n";

static sg_err
cp_parse(const char *s, size_t n, sg_checkpoint *cp)
{
	sg_arena_reset(&arena);
	const uint8_t *g = guard_put(s, n);
	return sg_checkpoint_parse(g, n, &arena, cp, NULL);
}

static void
test_checkpoint(void)
{
	sg_checkpoint cp;
	size_t len = strlen(good_note);
	CHECK_OK(cp_parse(good_note, len, &cp));
	CHECK(sg_slice_eq_str(cp.origin, "rekor.sigstore.dev - 2605736670972794746"));
	CHECK(cp.size == 23083062 && cp.n_ext == 1 && cp.n_sigs == 1);
	CHECK(cp.root[0] == 0x75 && cp.root[1] == 0xab);
	CHECK(cp.text.len == strlen(good_note) - strlen(strstr(good_note, "\n\n")) + 1);
	CHECK(sg_slice_eq_str(cp.sigs[0].name, "rekor.sigstore.dev"));
	CHECK(cp.sigs[0].hint[0] == 0xc0 && cp.sigs[0].hint[3] == 0x6a);
	CHECK(cp.sigs[0].sig.len == 71 && cp.sigs[0].sig.p[0] == 0x30);
	if (have_prod) {
		uint8_t hint[4];
		sg_checkpoint_key_hint(&prod.tlogs[0], hint);
		CHECK(memcmp(hint, cp.sigs[0].hint, 4) == 0);
		CHECK_OK(sg_checkpoint_verify(&cp, &prod.tlogs[0], NULL));
	}
	/* Every proper prefix fails. */
	size_t fails = 0;
	for (size_t k = 0; k < len; k++)
		fails += cp_parse(good_note, k, &cp) != SG_OK;
	CHECK(fails == len);
	guard_release();

	static const struct {
		const char *from, *to;
	} muts[] = {
		{"23083062\n", "023083062\n"},
		{"23083062\n", "2308306x\n"},
		{"23083062\n", "99999999999999999999999\n"},
		{"dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=",
			"dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bw"},
		{"dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=",
			"dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI"},
		{"\n\n\xe2\x80\x94", "\n\n- "},
		{"\n\n", "\n"},
		{"rekor.sigstore.dev wNI9", "rekor.sigstore.devwNI9"},
		{"\xe2\x80\x94 rekor.sigstore.dev", "\xe2\x80\x94  rekor.sigstore.dev"},
		{"\xe2\x80\x94 rekor.sigstore.dev", "\xe2\x80\x94 rekor+sigstore.dev"},
		{"wNI9ajBFAiBx", "wNI9a$BFAiBx"},
		{"Timestamp", "Time\x01stamp"},
		{"Timestamp", "Time\xc0\xafstamp"},
		{"rekor.sigstore.dev - 2605736670972794746\n", ""},
		{"23083062\ndauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=\nTimestamp: "
		 "1689177396617352539\n",
			"23083062\n"},
		{"6TMs\n", "6TMs"},
		{"6TMs\n", "6TMs\nextra"},
		{" wNI9ajBFAiBxaGyEtxkzFLkaCSEJqFuSS3dJjEZCNiyByVs1CNVQ8gIhAOoNnXtmMtTctV2oRnSRUZAo"
		 "4EWUYPK/"
		 "vBsqOzAU6TMs\n",
			" wNI9\n"},
	};
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		const char *at = strstr(good_note, muts[i].from);
		CHECK(at != NULL);
		if (at == NULL)
			continue;
		char buf[1024];
		size_t pre = (size_t)(at - good_note), fl = strlen(muts[i].from),
		       tl = strlen(muts[i].to);
		memcpy(buf, good_note, pre);
		memcpy(buf + pre, muts[i].to, tl);
		memcpy(buf + pre + tl, at + fl, len - pre - fl);
		sg_err r = cp_parse(buf, len - fl + tl, &cp);
		if (r != SG_ERR_VERIFY_CHECKPOINT)
			fprintf(stderr, "checkpoint mutation %zu: %s\n", i, sg_err_name(r));
		CHECK_ERR(r, SG_ERR_VERIFY_CHECKPOINT);
		CHECK(cp.n_sigs == 0 && cp.size == 0);
	}
	guard_release();
	/* Extra witness lines are kept; the log's line is found among them. */
	char multi[2048];
	size_t ml = 0;
	memcpy(multi, good_note, len - 1);
	ml = len;
	multi[ml - 1] = '\n';
	static const char wit[] = "\xe2\x80\x94 witness.example AQIDBAUGBwg=\n";
	memcpy(multi + ml, wit, sizeof wit - 1);
	ml += sizeof wit - 1;
	CHECK_OK(cp_parse(multi, ml, &cp));
	CHECK(cp.n_sigs == 2 && sg_slice_eq_str(cp.sigs[1].name, "witness.example"));
	if (have_prod)
		CHECK_OK(sg_checkpoint_verify(&cp, &prod.tlogs[0], NULL));
	/* Too large. */
	static char big[SG_MAX_CHECKPOINT + 2];
	memset(big, 'a', sizeof big);
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_arena_reset(&arena);
	CHECK_ERR(sg_checkpoint_parse((const uint8_t *)big, sizeof big, &arena, &cp, &d),
		SG_ERR_LIMIT);
	guard_release();
}

static void
test_bodies(void)
{
	static const char *const bad[] = {
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"rekord\",\"spec\":{}}",
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{}}",
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
		"{\"algorithm\":\"md5\",\"value\":\"00\"}},\"signature\":{\"content\":\"AA==\","
		"\"publicKey\":{\"content\":\"AA==\"}}}}",
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
		"{\"algorithm\":\"sha256\",\"value\":\"00\"}},\"signature\":{\"content\":\"AA==\","
		"\"publicKey\":{\"content\":\"AA==\"}}}}",
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"envelopeHash\":{"
		"\"algorithm\":"
		"\"sha256\",\"value\":\""
		"0000000000000000000000000000000000000000000000000000000000000000"
		"\"},\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\"},"
		"\"signatures\":[]}}",
		"[]",
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\"}",
	};
	static const sg_err want[] = {SG_ERR_UNSUPPORTED, SG_ERR_JSON_MISSING,
		SG_ERR_VERIFY_TLOG_BODY, SG_ERR_VERIFY_TLOG_BODY, SG_ERR_VERIFY_TLOG_BODY,
		SG_ERR_JSON_TYPE, SG_ERR_JSON_MISSING};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_tlog_body b;
		sg_arena_reset(&arena);
		sg_err r = sg_tlog_body_parse(
			(const uint8_t *)bad[i], strlen(bad[i]), &arena, &b, NULL);
		if (r != want[i])
			fprintf(stderr, "body %zu: %s\n", i, sg_err_name(r));
		CHECK_ERR(r, want[i]);
		CHECK(b.kind == SG_TLOG_KIND_UNKNOWN && b.n_sigs == 0);
	}
	/* dsse 0.0.1 from a real bundle: the payload hash is SHA-256 of the envelope payload. */
	if (load_bundle("happy-path-intoto-in-dsse-v3")) {
		sg_tlog_body b;
		CHECK_OK(sg_tlog_body_parse(
			ent.tlog[0].body.p, ent.tlog[0].body.len, &arena, &b, NULL));
		CHECK(b.kind == SG_TLOG_DSSE && b.n_sigs == 1);
		uint8_t h[32];
		sg_sha256(ent.dsse.payload.p, ent.dsse.payload.len, h);
		CHECK(b.payload_hash.alg == SG_HASH_SHA256 &&
			memcmp(h, b.payload_hash.value, 32) == 0);
		CHECK(sg_slice_eq(b.sigs[0].sig, ent.dsse.sigs[0].sig));
		CHECK(b.envelope_hash.len == 32);
	}
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	sg_arena_init(&root_arena, root_mem, sizeof root_mem);
	load_root("trust/production-trusted_root.sigstore-python.json", &prod, &have_prod);
	test_set_real();
	test_conformance_proofs();
	test_custom_roots();
	test_rfc9162();
	test_checkpoint();
	test_bodies();
	return test_finish();
}
