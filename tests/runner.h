/* runner: the tiny unit-test runner (style.md §6). CHECK counts each check and prints file,
 * line and expression on failure; test_finish() prints the closing "N passed, N failed" line
 * and gives the exit status. One binary per module, each a main() calling its test functions. */
#ifndef SG_TEST_RUNNER_H
#define SG_TEST_RUNNER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long test_passed_, test_failed_;

#define CHECK(cond) \
	do { \
		if (cond) { \
			test_passed_++; \
		} else { \
			test_failed_++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Check that an sg_err-returning expression gives exactly `code`. */
#define CHECK_ERR(expr, code) \
	do { \
		int got_ = (int)(expr); \
		if (got_ == (int)(code)) { \
			test_passed_++; \
		} else { \
			test_failed_++; \
			fprintf(stderr, "FAIL %s:%d: %s gave %d, want %d (%s)\n", __FILE__, __LINE__, \
				#expr, got_, (int)(code), #code); \
		} \
	} while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, 0)

static inline int
test_finish(void)
{
	printf("%lu passed, %lu failed\n", test_passed_, test_failed_);
	return test_failed_ == 0 ? 0 : 1;
}

/* The third-party vectors folder: $SG_VECTORS, else ../shared/vectors (from the repo root). */
static inline const char *
test_vectors_dir(void)
{
	const char *v = getenv("SG_VECTORS");
	return (v != NULL && v[0] != '\0') ? v : "../shared/vectors";
}

/* Read a whole file into malloc'd memory (tests only); NULL when missing or too large. */
static inline unsigned char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap >= (64u << 20)) {
			free(buf);
			buf = NULL;
			break;
		}
		unsigned char *nb = realloc(buf, cap * 2);
		if (nb == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf != NULL)
		*len = n;
	return buf;
}

/* The real cosign signature of protocol.md §11 (containers/image form), under the vectors. */
#define TEST_REAL_SIG "real/cosign-keyless-containers-image.sig.bin"
/* The public-good trusted roots (as shipped by sigstore-python), under the vectors. */
#define TEST_PROD_ROOT "trust/production-trusted_root.sigstore-python.json"
#define TEST_STAGING_ROOT "trust/staging-trusted_root.sigstore-python.json"

/* Read `rel` under the vectors folder into malloc'd memory; NULL when missing. */
static inline unsigned char *
test_read_vec(const char *rel, size_t *len)
{
	char path[1024];
	if (snprintf(path, sizeof path, "%s/%s", test_vectors_dir(), rel) >= (int)sizeof path)
		return NULL;
	return test_read_file(path, len);
}

/* Replace the first occurrence of `from` in doc by `to`; returns a malloc'd copy (its length in
 * *out_n), NULL (and 0) when `from` does not occur. */
static inline unsigned char *
test_mutate(const unsigned char *doc, size_t n, const char *from, const char *to, size_t *out_n)
{
	size_t fl = strlen(from), tl = strlen(to);
	*out_n = 0;
	for (size_t i = 0; i + fl <= n; i++) {
		if (memcmp(doc + i, from, fl) != 0)
			continue;
		unsigned char *o = malloc(n - fl + tl + 1);
		memcpy(o, doc, i);
		memcpy(o + i, to, tl);
		memcpy(o + i + tl, doc + i + fl, n - i - fl);
		*out_n = n - fl + tl;
		return o;
	}
	return NULL;
}

/* Print a skip notice in the form the suite driver reports. */
#define TEST_SKIP(...) \
	do { \
		printf("skipped: "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} while (0)

#endif
