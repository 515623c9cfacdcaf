/* test_tuf: the pure TUF client checks (sigstore/tuf.h) and the OLPC canonical JSON they sign,
 * against the real public-good repository of ../shared/vectors/tuf/public-good-2026-08-21
 * (roots 1-15, timestamp v762, snapshot v165, targets v14 and every target, verified by an
 * independent implementation: see its README) with the clock inside its validity window, and
 * mutations of it. The attack matrix itself runs against picosign's binary in
 * tests/integration/tuf.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "crypto/hash.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "runner.h"
#include "sigstore/tuf.h"
#include "sigstore/tufcache.h"

static uint8_t arena_mem[8u << 20];
static sg_arena arena;

#define PG "tuf/public-good-2026-08-21"
/* 2026-08-22T00:00:00Z: inside [2026-08-21, 2026-08-28T19:25:56Z) */
#define PG_NOW 1787356800
/* the real clock of the "real clock": root v15 expired 2026-11-20 */
#define LATER 1796000000

static unsigned char *pg_file(const char *name, size_t *n)
{
	char rel[256];
	snprintf(rel, sizeof rel, PG "/%s", name);
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_vectors_dir(), rel);
	return test_read_file(path, n);
}

/* 1 when the public-good vector is there; else a skip notice. */
static int
have_pg(void)
{
	size_t n;
	unsigned char *probe = pg_file("1.root.json", &n);
	if (probe == NULL)
		TEST_SKIP("public-good TUF vector not found under %s", test_vectors_dir());
	free(probe);
	return probe != NULL;
}

/* Canonicalize JSON text; returns a malloc'd NUL-terminated copy or NULL on error (err set). */
static char *
olpc(const char *json, sg_err *err)
{
	sg_json j;
	sg_slice out;
	sg_arena_reset(&arena);
	*err = sg_json_parse((const uint8_t *)json, strlen(json), &arena, "t", &j, NULL);
	if (*err == SG_OK)
		*err = sg_json_canonical_olpc(&j, 0, &arena, &out, NULL);
	if (*err != SG_OK)
		return NULL;
	char *s = malloc(out.len + 1);
	memcpy(s, out.p, out.len);
	s[out.len] = '\0';
	return s;
}

static void
check_olpc(const char *in, const char *want)
{
	sg_err e;
	char *got = olpc(in, &e);
	CHECK(got != NULL && strcmp(got, want) == 0);
	if (got == NULL || strcmp(got, want) != 0)
		fprintf(stderr, "  olpc(%s) = %s, want %s\n", in, got ? got : "(error)", want);
	free(got);
}

static void
test_canonical(void)
{
	/* securesystemslib encode_canonical: sorted keys, no spaces, only " and \ escaped. */
	check_olpc("{\"b\": 1, \"a\": [true, false, null, -5, 0]}",
		"{\"a\":[true,false,null,-5,0],\"b\":1}");
	check_olpc("\"tab\\there \\\"q\\\" back\\\\ \\u00e9 \\n\"",
		"\"tab\there \\\"q\\\" back\\\\ \xc3\xa9 \n\"");
	check_olpc("\"/ \\/ <>&\"", "\"/ / <>&\"");
	check_olpc("-0", "0");
	check_olpc("{}", "{}");
	check_olpc("[]", "[]");
	check_olpc("{\"k\": {\"z\": {}, \"y\": []}}", "{\"k\":{\"y\":[],\"z\":{}}}");
	/* Keys sort by UTF-8 bytes (code points), not UTF-16 units as RFC 8785 does: U+FF61
	 * (EF BD A1) sorts before U+1F600 (F0 9F 98 80) here, after it in UTF-16. */
	check_olpc("{\"\\ud83d\\ude00\": 1, \"\\uff61\": 2}",
		"{\"\xef\xbd\xa1\":2,\"\xf0\x9f\x98\x80\":1}");
	/* A proper prefix first; escapes compared after unescaping. */
	check_olpc("{\"ab\": 1, \"a\": 2, \"\\u0061c\": 3}", "{\"a\":2,\"ab\":1,\"ac\":3}");
	check_olpc("9223372036854775807", "9223372036854775807");
	check_olpc("-9223372036854775808", "-9223372036854775808");
	sg_err e;
	CHECK(olpc("1.5", &e) == NULL && e == SG_ERR_UNSUPPORTED);
	CHECK(olpc("1e3", &e) == NULL && e == SG_ERR_UNSUPPORTED);
	CHECK(olpc("[1.0]", &e) == NULL && e == SG_ERR_UNSUPPORTED);
	CHECK(olpc("9223372036854775808", &e) == NULL && e == SG_ERR_UNSUPPORTED);
	/* Many members: the sort is not quadratic and stays ordered. */
	size_t n = 20000, cap = n * 16 + 16, k = 0;
	char *big = malloc(cap);
	big[k++] = '{';
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(big + k, cap - k, "%s\"%05zu\":%zu", i ? "," : "",
			(i * 7919) % n, i);
	big[k++] = '}';
	big[k] = '\0';
	char *c = olpc(big, &e);
	CHECK(c != NULL && strncmp(c, "{\"00000\":0,\"00001\":", 19) == 0);
	int sorted = c != NULL;
	for (size_t i = 1; c != NULL && i < n && sorted; i++) {
		char want[16];
		snprintf(want, sizeof want, "\"%05zu\":", i);
		sorted = strstr(c, want) != NULL;
	}
	CHECK(sorted);
	free(c);
	free(big);
}

/* The signed bytes of a real public-good file are what its signatures cover. */
static void
test_parse_pg(void)
{
	size_t n;
	unsigned char *p = pg_file("15.root.json", &n);
	if (p == NULL) {
		TEST_SKIP("public-good TUF vector not found under %s", test_vectors_dir());
		return;
	}
	sg_tuf_md m;
	sg_arena_reset(&arena);
	CHECK_OK(sg_tuf_parse(p, n, SG_TUF_ROOT, &arena, &m, NULL));
	CHECK(m.version == 15 && m.consistent_snapshot == 1);
	CHECK(m.roles[SG_TUF_ROOT].threshold == 3 && m.roles[SG_TUF_ROOT].n == 5);
	CHECK(m.roles[SG_TUF_TIMESTAMP].threshold == 1 && m.roles[SG_TUF_TIMESTAMP].n == 1);
	char when[32];
	CHECK_OK(sg_time_format_rfc3339(m.expires, when, sizeof when));
	CHECK(strcmp(when, "2026-11-20T13:58:18Z") == 0);
	/* 5 keyholder signatures, every key distinct: at least the threshold verify. */
	CHECK(sg_tuf_count_signatures(&m, &m, SG_TUF_ROOT) >= 3);
	/* As a timestamp it has the wrong _type. */
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_parse(p, n, SG_TUF_TIMESTAMP, &arena, &m, &d), SG_ERR_TUF_FORMAT);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "TUF timestamp: type: _type is \"root\"") == 0);
	free(p);
}

struct pg_state {
	sg_tuf_trusted st;
	unsigned char *files[32];
	size_t n;
};

static const unsigned char *
keep(struct pg_state *s, const char *name, size_t *n)
{
	unsigned char *p = pg_file(name, n);
	if (p != NULL && s->n < 32)
		s->files[s->n++] = p;
	return p;
}

static void
drop(struct pg_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i]);
	s->n = 0;
}

/* Walk public-good from root v1 at `now`; returns the first error. */
static sg_err
walk_pg(struct pg_state *s, int64_t now, sg_diag *d)
{
	size_t n;
	const unsigned char *p = keep(s, "1.root.json", &n);
	sg_arena_reset(&arena);
	SG_TRY(sg_tuf_trust_root(&s->st, p, n, now, 1, &arena, d));
	for (int v = 2;; v++) {
		char name[32];
		snprintf(name, sizeof name, "%d.root.json", v);
		p = keep(s, name, &n);
		if (p == NULL)
			break;
		SG_TRY(sg_tuf_update_root(&s->st, p, n, &arena, d));
	}
	SG_TRY(sg_tuf_roots_done(&s->st, NULL, d));
	p = keep(s, "timestamp.json", &n);
	SG_TRY(sg_tuf_update(&s->st, SG_TUF_TIMESTAMP, p, n, &arena, d));
	char path[64];
	SG_TRY(sg_tuf_meta_path(&s->st, SG_TUF_SNAPSHOT, path, sizeof path));
	p = keep(s, path, &n);
	SG_TRY(sg_tuf_update(&s->st, SG_TUF_SNAPSHOT, p, n, &arena, d));
	SG_TRY(sg_tuf_meta_path(&s->st, SG_TUF_TARGETS, path, sizeof path));
	p = keep(s, path, &n);
	SG_TRY(sg_tuf_update(&s->st, SG_TUF_TARGETS, p, n, &arena, d));
	return sg_tuf_check_fresh(&s->st, d);
}

static void
test_walk_pg(void)
{
	struct pg_state s = {0};
	sg_diag d;
	sg_diag_init(&d, NULL);
	size_t n;
	if (!have_pg())
		return;
	sg_err e = walk_pg(&s, PG_NOW, &d);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	if (e != SG_OK)
		fprintf(stderr, "  walk: %s\n", msg);
	CHECK_OK(e);
	CHECK(s.st.root.version == 15 && s.st.timestamp.version == 762);
	CHECK(s.st.snapshot.version == 165 && s.st.targets.version == 14);
	const char *want[] = {"trusted_root.json", "signing_config.v0.2.json",
		"signing_config_rekor_v2.v0.2.json", "rekor.pub", "ctfe.pub", "fulcio_v1.crt.pem"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const sg_tuf_file *f = NULL;
		CHECK_OK(sg_tuf_find_target(&s.st, want[i], &f, NULL));
		char path[256];
		CHECK_OK(sg_tuf_target_path(&s.st, f, path, sizeof path));
		unsigned char *t = pg_file(path, &n);
		CHECK(t != NULL);
		if (t != NULL)
			CHECK_OK(sg_tuf_check_file(f, t, n, "target", want[i], NULL));
		if (t != NULL && n > 1) {
			t[n / 2] ^= 1;
			CHECK_ERR(sg_tuf_check_file(f, t, n, "target", want[i], NULL),
				SG_ERR_TUF_HASH);
			CHECK_ERR(sg_tuf_check_file(f, t, n - 1, "target", want[i], NULL),
				SG_ERR_TUF_HASH);
		}
		free(t);
	}
	const sg_tuf_file *f;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_find_target(&s.st, "no-such-target.json", &f, &d), SG_ERR_TUF_MISSING);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "TUF targets v14: missing: no-such-target.json") == msg);
	drop(&s);

	/* At a later clock the same walk is refused: root v15 has expired. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(walk_pg(&s, LATER, &d), SG_ERR_TUF_EXPIRED);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "TUF root v15: expired: the final root expired 2026-11-20T13:58:18Z") ==
		msg);
	drop(&s);
	/* A week after the timestamp: the timestamp is refused. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(walk_pg(&s, 1787946357, &d), SG_ERR_TUF_EXPIRED);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "TUF timestamp v762: expired") == msg);
	drop(&s);
}

/* Mutations of real files: every change to "signed" breaks the threshold; changes outside
 * it (whitespace, member order, unknown top-level members) do not. */
static void
test_mutations(void)
{
	size_t n14, n15, mn;
	unsigned char *r14 = pg_file("14.root.json", &n14), *r15 = pg_file("15.root.json", &n15);
	if (r14 == NULL || r15 == NULL) {
		free(r14);
		free(r15);
		TEST_SKIP("public-good TUF vector not found");
		return;
	}
	sg_tuf_trusted st;
	sg_diag d;
	char msg[600];
	sg_arena_reset(&arena);
	CHECK_OK(sg_tuf_trust_root(&st, r14, n14, PG_NOW, 1, &arena, NULL));
	unsigned char *m = test_mutate(r15, n15, "\"version\": 15", "\"version\": 16", &mn);
	CHECK(m != NULL);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_update_root(&st, m, mn, &arena, &d), SG_ERR_TUF_SIGNATURE);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "TUF root v16: threshold: 0 of 3 required signatures by distinct root "
			  "keys of the trusted root v14 verify") == msg);
	free(m);
	/* Whitespace and order outside "signed" do not matter: the signature covers the tree. */
	/* (the trusted root keeps views into its bytes: `ws` lives until the end) */
	unsigned char *ws = test_mutate(r15, n15, "{", "{\n  \"x-unknown\": [1, 2],   ", &mn);
	CHECK_OK(sg_tuf_update_root(&st, ws, mn, &arena, NULL));
	/* 15 is trusted now: 15 again is not 16. */
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_update_root(&st, r15, n15, &arena, &d), SG_ERR_TUF_VERSION);
	/* The trusted root v14 given 15 as 15: fine; 14 again: "version". */
	sg_arena_reset(&arena);
	CHECK_OK(sg_tuf_trust_root(&st, r14, n14, PG_NOW, 1, &arena, NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_update_root(&st, r14, n14, &arena, &d), SG_ERR_TUF_VERSION);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "TUF root: version: 15.root.json holds version 14") == 0);
	/* A signature that is not hex. */
	m = test_mutate(r15, n15, "\"sig\": \"30", "\"sig\": \"3X", &mn);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_tuf_update_root(&st, m, mn, &arena, &d), SG_ERR_TUF_SIGNATURE);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "TUF root: signature: the signature by key ") == msg);
	free(m);
	free(ws);
	free(r14);
	free(r15);
}

/* The cache document: the public-good state written, read back, re-verified offline from
 * root v1 and from root v15 (older stored roots skipped), and refused when a byte changes or
 * a root is missing from the chain. */
static void
test_cache(void)
{
	struct pg_state s = {0};
	size_t n;
	if (!have_pg())
		return;
	static sg_tufcache c, back;
	memset(&c, 0, sizeof c);
	for (int v = 1; v <= 15; v++) {
		char name[32];
		snprintf(name, sizeof name, "%d.root.json", v);
		const unsigned char *p = keep(&s, name, &n);
		c.roots[c.n_roots++] = sg_slice_make(p, n);
	}
	const unsigned char *p = keep(&s, "timestamp.json", &n);
	c.timestamp = sg_slice_make(p, n);
	p = keep(&s, "165.snapshot.json", &n);
	c.snapshot = sg_slice_make(p, n);
	p = keep(&s, "14.targets.json", &n);
	c.targets = sg_slice_make(p, n);
	p = keep(&s, "targets/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66."
		     "trusted_root.json",
		&n);
	c.target_names[0] = sg_slice_str("trusted_root.json");
	c.target_files[0] = sg_slice_make(p, n);
	c.n_targets = 1;
	c.mirror = sg_slice_str("https://tuf-repo-cdn.sigstore.dev");
	c.fetched = PG_NOW;
	sg_arena_reset(&arena);
	static uint8_t doc[1u << 20];
	sg_buf b;
	sg_buf_init(&b, doc, sizeof doc);
	CHECK_OK(sg_tufcache_write(&c, &arena, &b, NULL));
	CHECK_OK(sg_tufcache_parse(b.p, b.len, &arena, &back, NULL));
	CHECK(back.n_roots == 15 && back.fetched == PG_NOW && back.n_targets == 1 &&
		sg_slice_eq(back.roots[14], c.roots[14]) && sg_slice_eq(back.targets, c.targets) &&
		sg_slice_eq(back.target_files[0], c.target_files[0]) &&
		sg_slice_eq(back.mirror, c.mirror));
	/* from root v1, expiry off (a cache read at the real clock) */
	sg_tuf_trusted st;
	sg_slice tr;
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[0].p, c.roots[0].len, LATER, 0, &arena, NULL));
	CHECK_OK(sg_tufcache_apply(&back, &st, &arena, NULL));
	CHECK(st.root.version == 15 && st.targets.version == 14);
	CHECK_OK(sg_tufcache_target(&back, &st, "trusted_root.json", &tr, NULL));
	CHECK(tr.len == 6787);
	CHECK_ERR(sg_tufcache_target(&back, &st, "signing_config.v0.2.json", &tr, NULL),
		SG_ERR_NOT_FOUND);
	/* from root v15: the older roots are skipped */
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[14].p, c.roots[14].len, LATER, 0, &arena, NULL));
	CHECK_OK(sg_tufcache_apply(&back, &st, &arena, NULL));
	CHECK(st.root.version == 15 && sg_tuf_current(&st, SG_TUF_TARGETS));
	/* with expiry on (a refresh at the real clock) the same state is refused */
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[0].p, c.roots[0].len, LATER, 1, &arena, NULL));
	CHECK_ERR(sg_tufcache_apply(&back, &st, &arena, NULL), SG_ERR_TUF_EXPIRED);
	/* a gap in the chain */
	sg_tufcache gap = back;
	memmove(&gap.roots[6], &gap.roots[7], 8 * sizeof gap.roots[0]);
	gap.n_roots = 14;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[0].p, c.roots[0].len, LATER, 0, &arena, NULL));
	CHECK_ERR(sg_tufcache_apply(&gap, &st, &arena, &d), SG_ERR_TUF_VERSION);
	char msg[600];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "TUF root: version: the cache has no 7.root.json") == 0);
	CHECK(st.root.version == 6);
	/* one changed byte of the trusted_root.json target */
	static uint8_t evil[8192];
	memcpy(evil, c.target_files[0].p, c.target_files[0].len);
	evil[100] ^= 1;
	sg_tufcache bad = back;
	bad.target_files[0] = sg_slice_make(evil, c.target_files[0].len);
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[14].p, c.roots[14].len, LATER, 0, &arena, NULL));
	CHECK_OK(sg_tufcache_apply(&bad, &st, &arena, NULL));
	CHECK_ERR(sg_tufcache_target(&bad, &st, "trusted_root.json", &tr, NULL), SG_ERR_TUF_HASH);
	/* timestamp and snapshot swapped: the role check refuses */
	bad = back;
	bad.timestamp = back.snapshot;
	CHECK_OK(sg_tuf_trust_root(&st, c.roots[14].p, c.roots[14].len, LATER, 0, &arena, NULL));
	CHECK_ERR(sg_tufcache_apply(&bad, &st, &arena, NULL), SG_ERR_TUF_FORMAT);
	/* parsing: wrong media type, no roots */
	static const char other[] = "{\"mediaType\":\"x\",\"roots\":[\"e30=\"]}";
	CHECK_ERR(sg_tufcache_parse((const uint8_t *)other, sizeof other - 1, &arena, &back, NULL),
		SG_ERR_TUF_FORMAT);
	static const char none[] = "{\"mediaType\":\"" SG_TUFCACHE_MEDIA_TYPE "\",\"roots\":[]}";
	CHECK_ERR(sg_tufcache_parse((const uint8_t *)none, sizeof none - 1, &arena, &back, NULL),
		SG_ERR_TUF_FORMAT);
	drop(&s);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_canonical();
	test_parse_pg();
	test_walk_pg();
	test_mutations();
	test_cache();
	return test_finish();
}
