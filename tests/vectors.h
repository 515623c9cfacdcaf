/* vectors: loading the shared third-party vectors (testing.md) in unit tests: the
 * conformance cases of conformance/bundle-verify (iteration, one file of a case), a file copied
 * into an arena, a trusted root, a case's bundle and the real signature of protocol.md §11.
 * The helpers are static inline, so a test that does not link trustroot, bundle, json or codec
 * may still include this. */
#ifndef SG_TEST_VECTORS_H
#define SG_TEST_VECTORS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "sigstore/bundle.h"
#include "runner.h"
#include "pki/trustroot.h"

/* The sigstore-conformance bundle-verify cases, one folder each, under the vectors. */
#define TEST_CASES_DIR "conformance/bundle-verify"

/* Read `rel` under the vectors folder and copy it into `a` (for parsers that keep views into
 * their input: the bytes then live as long as the arena); NULL when missing or no room. */
static inline const uint8_t *
test_read_vec_copy(sg_arena *a, const char *rel, size_t *len)
{
	size_t n;
	unsigned char *p = test_read_vec(rel, &n);
	if (p == NULL)
		return NULL;
	uint8_t *copy = sg_arena_alloc(a, n);
	if (copy != NULL) {
		memcpy(copy, p, n);
		*len = n;
	}
	free(p);
	return copy;
}

/* The path (relative to the vectors) of file `file` of conformance case `name`. */
static inline const char *
test_case_path(const char *name, const char *file, char *out, size_t cap)
{
	if (snprintf(out, cap, "%s/%s/%s", TEST_CASES_DIR, name, file) >= (int)cap)
		out[0] = '\0';
	return out;
}

/* Read file `file` of conformance case `name` into malloc'd memory; NULL when missing. */
static inline unsigned char *
test_read_case(const char *name, const char *file, size_t *len)
{
	char rel[512];
	return test_read_vec(test_case_path(name, file, rel, sizeof rel), len);
}

/* Iteration over the conformance case folders:
 *	test_cases it;
 *	if (test_cases_open(&it)) while ((name = test_cases_next(&it)) != NULL) ...
 * test_cases_next closes the folder when it returns NULL. */
typedef struct test_cases {
	DIR *dh;
} test_cases;

/* 0 (with a skip notice) when the conformance vectors are absent. */
static inline int
test_cases_open(test_cases *it)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/%s", test_vectors_dir(), TEST_CASES_DIR);
	it->dh = opendir(dir);
	if (it->dh == NULL) {
		TEST_SKIP("conformance vectors not found");
		return 0;
	}
	return 1;
}

/* The next case name (dot entries skipped); NULL at the end. */
static inline const char *
test_cases_next(test_cases *it)
{
	struct dirent *de;
	while (it->dh != NULL && (de = readdir(it->dh)) != NULL) {
		if (de->d_name[0] != '.')
			return de->d_name;
	}
	if (it->dh != NULL)
		closedir(it->dh);
	it->dh = NULL;
	return NULL;
}

/* Parse the trusted root `rel` (under the vectors) into `tr`; its JSON is copied into `a`,
 * since the root keeps views into it. 0 when missing or when it does not parse (reported on
 * stderr). */
static inline int
test_load_trustroot(const char *rel, sg_arena *a, sg_trustroot *tr)
{
	size_t n;
	const uint8_t *p = test_read_vec_copy(a, rel, &n);
	if (p == NULL)
		return 0;
	sg_diag d;
	sg_diag_init(&d, rel);
	if (sg_trustroot_parse(p, n, a, tr, &d) != SG_OK) {
		char msg[600];
		sg_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "trustroot: %s\n", msg);
		return 0;
	}
	return 1;
}

/* Reset `a`, then parse the bundle of conformance case `name` into `ent` (its bytes kept in
 * `a`). 0 when missing or when it does not parse; the failure is then in `d` (may be NULL). */
static inline int
test_load_case_bundle(const char *name, sg_arena *a, sg_entity *ent, sg_diag *d)
{
	char rel[512];
	size_t n;
	sg_arena_reset(a);
	test_case_path(name, "bundle.sigstore.json", rel, sizeof rel);
	const uint8_t *p = test_read_vec_copy(a, rel, &n);
	return p != NULL && sg_bundle_parse(p, n, a, ent, d) == SG_OK;
}

/* Mutation `i` of a table: replace the first `from` in doc by `to`, parse the result with
 * `parse` and check that it fails with `want`, naming `what` (three checks; the parse result is
 * gone on return). 0 when `from` does not occur in doc (then one failed check). */
static inline int
test_mutation_rejected(const uint8_t *doc, size_t n, size_t i, const char *from, const char *to,
	sg_err (*parse)(const uint8_t *, size_t, sg_diag *), sg_err want, const char *what)
{
	size_t mn;
	uint8_t *m = test_mutate(doc, n, from, to, &mn);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "case %zu: pattern not found\n", i);
		return 0;
	}
	sg_diag d;
	sg_err e = parse(m, mn, &d);
	CHECK_ERR(e, want);
	int ok = d.what != NULL && strcmp(d.what, what) == 0;
	if (!ok)
		fprintf(stderr, "case %zu: what = %s\n", i, d.what ? d.what : "(null)");
	CHECK(ok);
	free(m);
	return 1;
}

/* Decode the hex string `hex` (expected values copied from the vectors) into out, which has
 * room for strlen(hex) / 2 bytes; aborts on bad hex: the test itself is wrong. */
static inline void
test_hex_to(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	size_t got = 0;
	if (sg_hex_decode((const uint8_t *)hex, 2 * n, out, n, &got, NULL) != SG_OK || got != n)
		abort();
}

/* Open the real signature (TEST_REAL_SIG) in its containers/image form: byte 0,
 * "sigstore-json\n", then JSON, parsed into `j` (arena `a`), whose base64 "payload" is decoded
 * into payload. *file receives the malloc'd file, which `j` keeps views into: the caller frees
 * it, also on failure (NULL when missing). 0 when missing or on any failure. */
static inline int
test_real_sig_open(sg_arena *a, unsigned char **file, sg_json *j, uint8_t *payload, size_t cap,
	size_t *payload_len)
{
	static const char magic[] = "\0sigstore-json\n";
	size_t len;
	*file = test_read_vec(TEST_REAL_SIG, &len);
	if (*file == NULL || len < sizeof magic - 1 || memcmp(*file, magic, sizeof magic - 1) != 0)
		return 0;
	if (sg_json_parse(*file + 15, len - 15, a, "sig", j, NULL) != SG_OK)
		return 0;
	sg_slice b64;
	if (sg_json_get_str(j, sg_json_root(j), "payload", SG_JSON_REQUIRED, "payload", a, &b64,
		    NULL, NULL) != SG_OK)
		return 0;
	return sg_b64_decode(b64.p, b64.len, SG_B64_STD | SG_B64_PAD, payload, cap, payload_len,
		       NULL) == SG_OK;
}

#endif
