/* err: message table and first-failure diagnostics. See err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct entry {
	sg_err code;
	const char *msg;
};

static const struct entry table[] = {
	{SG_OK, "success"},
#define X(name, num, msg) {name, msg},
#include "base/err_list.h"
#undef X
};

/* The enum names, in table order: a table of their own, so a binary that never asks for a
 * name (the static build) drops them with sg_err_name (--gc-sections). */
static const char *const names[] = {
	"SG_OK",
#define X(name, num, msg) #name,
#include "base/err_list.h"
#undef X
};

/* The index of `e` in the tables, or -1. */
static long
find(sg_err e)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == e)
			return (long)i;
	return -1;
}

/* see err.h */
const char *
sg_err_str(sg_err e)
{
	long i = find(e);
	return i >= 0 ? table[i].msg : "unknown error";
}

/* see err.h */
const char *
sg_err_name(sg_err e)
{
	long i = find(e);
	return i >= 0 ? names[i] : "SG_ERR_UNKNOWN";
}

/* see err.h */
void
sg_diag_init(sg_diag *d, const char *source)
{
	if (d == NULL)
		return;
	memset(d, 0, sizeof *d);
	d->source = source;
}

/* see err.h */
sg_diag *
sg_diag_here(sg_diag *d, const char *file, int line)
{
	if (d != NULL && d->code == SG_OK) {
		d->file = file;
		d->line = line;
	}
	return d;
}

/* The first failure: record it (1), or leave `d` as it is (0). The call site, if any, was
 * noted by sg_diag_here. */
static int
record(sg_diag *d, sg_err code, const char *what, int has_offset, size_t offset)
{
	if (d == NULL || d->code != SG_OK || code == SG_OK)
		return 0;
	d->code = code;
	d->what = what;
	d->has_offset = has_offset;
	d->offset = offset;
	d->detail[0] = '\0';
	d->verbatim = 0;
	return 1;
}

/* The printf text of the failure just recorded in `d`. */
static void set_detail(sg_diag *d, const char *fmt, va_list ap) SG_PRINTF(2, 0);

static void
set_detail(sg_diag *d, const char *fmt, va_list ap)
{
	int n = vsnprintf(d->detail, sizeof d->detail, fmt, ap);
	if (n < 0)
		d->detail[0] = '\0';
}

/* The functions are defined under their own names: the parentheses keep the debug macros of
 * err.h from expanding here. */

/* see err.h */
sg_err
(sg_diag_fail)(sg_diag *d, sg_err code, const char *what)
{
	record(d, code, what, 0, 0);
	return code;
}

/* see err.h */
sg_err
(sg_diag_fail_at)(sg_diag *d, sg_err code, const char *what, size_t offset)
{
	record(d, code, what, 1, offset);
	return code;
}

/* see err.h */
sg_err
(sg_diag_failf)(sg_diag *d, sg_err code, const char *what, const char *fmt, ...)
{
	if (record(d, code, what, 0, 0)) {
		va_list ap;
		va_start(ap, fmt);
		set_detail(d, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* see err.h */
sg_err
(sg_diag_failf_at)(sg_diag *d, sg_err code, const char *what, size_t offset,
	const char *fmt, ...)
{
	if (record(d, code, what, 1, offset)) {
		va_list ap;
		va_start(ap, fmt);
		set_detail(d, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* see err.h */
sg_err
(sg_diag_failmsg)(sg_diag *d, sg_err code, const char *fmt, ...)
{
	if (record(d, code, NULL, 0, 0)) {
		d->verbatim = 1;
		va_list ap;
		va_start(ap, fmt);
		set_detail(d, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* see err.h */
size_t
sg_diag_format(const sg_diag *d, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (d == NULL || d->code == SG_OK)
		return 0;
	size_t used = 0;
	int n;
	/* Each piece is appended only if the previous one fitted; snprintf results are checked. */
#define APPEND(...) \
	do { \
		if (used < cap) { \
			n = snprintf(out + used, cap - used, __VA_ARGS__); \
			if (n < 0) \
				return used; \
			used += (size_t)n < cap - used ? (size_t)n : cap - used - 1; \
		} \
	} while (0)
	if (d->verbatim) {
		APPEND("%s", d->detail);
	} else {
		if (d->what != NULL && d->what[0] != '\0')
			APPEND("%s: ", d->what);
		APPEND("%s", sg_err_str(d->code));
		if (d->detail[0] != '\0')
			APPEND(": %s", d->detail);
	}
	if (d->verbatim)
		; /* a verbatim message stands alone, as the tool it mirrors prints it */
	else if (d->source != NULL && d->has_offset)
		APPEND(" (%s byte %zu)", d->source, d->offset);
	else if (d->source != NULL)
		APPEND(" (%s)", d->source);
	else if (d->has_offset)
		APPEND(" (byte %zu)", d->offset);
#undef APPEND
	return used;
}
