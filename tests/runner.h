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

/* Print a skip notice in the form the suite driver reports. */
#define TEST_SKIP(...) \
	do { \
		printf("skipped: "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} while (0)

#endif
