/* err: the one error convention of picosign (style.md §5.5).
 *
 * Every fallible function returns an sg_err (SG_OK = 0) and records the first failure in an
 * optional sg_diag: the code, what was being parsed, a byte offset, the caller's source name
 * and an optional detail sentence. Outer layers never overwrite the first failure, so the
 * message names the innermost thing that was wrong. Library code never prints; the CLI renders
 * the diag with sg_diag_format(). */
#ifndef SG_ERR_H
#define SG_ERR_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define SG_MUST_USE __attribute__((warn_unused_result))
#define SG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SG_MUST_USE
#define SG_PRINTF(f, a)
#endif

typedef enum sg_err {
	SG_OK = 0,
#define X(name, num, msg) name = num,
#include "base/err_list.h"
#undef X
} sg_err;

/* Room for one detail sentence, e.g. "got subjects [x] with issuer y". Details never hold
 * secrets (tokens, passwords, keys): callers pass only public data. */
#define SG_DIAG_DETAIL_MAX 512

typedef struct sg_diag {
	sg_err code;            /* first failure, SG_OK while none */
	const char *what;       /* static text: what was being parsed or checked */
	size_t offset;          /* byte offset into the source, valid when has_offset */
	int has_offset;
	const char *source;     /* set by the caller: a file name, "bundle", a URL... */
	char detail[SG_DIAG_DETAIL_MAX]; /* optional; empty when none */
	int verbatim;           /* detail is the whole message (cosign-compatible texts) */
	const char *file;       /* __FILE__/__LINE__ of the failure under SG_DEBUG */
	int line;
} sg_diag;

/* The message table entry for `e`, e.g. "trailing bytes after element"; never NULL. */
const char *sg_err_str(sg_err e);
/* The enum name, e.g. "SG_ERR_DER_TRAILING"; never NULL. */
const char *sg_err_name(sg_err e);

/* Clear `d` (NULL allowed) and set its source name (static or caller-owned string). */
void sg_diag_init(sg_diag *d, const char *source);

/* Record a failure unless one is recorded already, and return `code`. `d` may be NULL.
 * `what` must be a string that outlives `d` (normally a literal). */
SG_MUST_USE sg_err sg_diag_fail(sg_diag *d, sg_err code, const char *what);
/* The same, at byte `offset` of the input named by d->source. */
SG_MUST_USE sg_err sg_diag_fail_at(sg_diag *d, sg_err code, const char *what, size_t offset);
/* Like sg_diag_fail(_at), and also set the detail sentence (printf-style, truncated to fit)
 * when this is the first failure. */
SG_MUST_USE sg_err sg_diag_failf(sg_diag *d, sg_err code, const char *what, const char *fmt,
	...) SG_PRINTF(4, 5);
SG_MUST_USE sg_err sg_diag_failf_at(sg_diag *d, sg_err code, const char *what, size_t offset,
	const char *fmt, ...) SG_PRINTF(5, 6);
/* Record a failure whose message must read exactly as given (e.g. cosign's "none of the
 * expected identities matched ..."): sg_diag_format renders the detail alone. */
SG_MUST_USE sg_err sg_diag_failmsg(sg_diag *d, sg_err code, const char *fmt, ...)
	SG_PRINTF(3, 4);

/* Debug builds also record where a failure was raised: each macro below hands its call site
 * to sg_diag_here, which notes it in a diag that has no failure yet, before the function
 * runs. Release builds pass no site at all: some 900 call sites, two arguments fewer each,
 * are a few KB of the static binary's budget. */
sg_diag *sg_diag_here(sg_diag *d, const char *file, int line);
#ifdef SG_DEBUG
#define sg_diag_fail(d, code, what) sg_diag_fail(sg_diag_here((d), __FILE__, __LINE__), code, what)
#define sg_diag_fail_at(d, code, what, off) \
	sg_diag_fail_at(sg_diag_here((d), __FILE__, __LINE__), code, what, off)
#define sg_diag_failf(d, code, ...) \
	sg_diag_failf(sg_diag_here((d), __FILE__, __LINE__), code, __VA_ARGS__)
#define sg_diag_failf_at(d, code, ...) \
	sg_diag_failf_at(sg_diag_here((d), __FILE__, __LINE__), code, __VA_ARGS__)
#define sg_diag_failmsg(d, code, ...) \
	sg_diag_failmsg(sg_diag_here((d), __FILE__, __LINE__), code, __VA_ARGS__)
#endif

/* Render "what: message: detail (source byte N)" into `out` (always NUL-terminated when
 * cap > 0). Returns the length written, truncating if needed. The message is the same in
 * every build; under SG_DEBUG the CLI prints d->file:d->line on a line of its own. */
size_t sg_diag_format(const sg_diag *d, char *out, size_t cap);

/* Propagate a failure. */
#define SG_TRY(expr) \
	do { \
		sg_err sg_try_e_ = (expr); \
		if (sg_try_e_ != SG_OK) \
			return sg_try_e_; \
	} while (0)

/* Record a failure and return it when `cond` does not hold. */
#define SG_ENSURE(d, cond, code, what) \
	do { \
		if (!(cond)) \
			return sg_diag_fail((d), (code), (what)); \
	} while (0)

#endif
