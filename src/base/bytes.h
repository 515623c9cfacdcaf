/* bytes: the foundation types every module uses (style.md §5.1-5.3, §5.7).
 *
 *   sg_slice  a read-only view: pointer + length.
 *   sg_cur    a bounded read cursor: a failed read never moves it.
 *   sg_buf    a bounded writer into caller memory with a sticky overflow flag.
 *   sg_arena  a bump allocator over caller memory, 16-byte aligned, no frees.
 *
 * Plus checked size arithmetic, constant-time comparison and secret wiping. */
#ifndef SG_BYTES_H
#define SG_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct sg_slice {
	const uint8_t *p;
	size_t len;
} sg_slice;

/* A key and its value (annotations, -a key=value pairs): views, no ownership. */
typedef struct sg_kv {
	sg_slice key;
	sg_slice value;
} sg_kv;

typedef struct sg_cur {
	const uint8_t *p; /* next unread byte */
	size_t n;         /* bytes remaining */
	size_t off;       /* offset of p from the start of the document, for diagnostics */
	unsigned depth;   /* nesting depth, maintained by nested readers such as sg_der_enter */
} sg_cur;

typedef struct sg_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int overflow; /* sticky: set by the first write that did not fit */
} sg_buf;

typedef struct sg_arena {
	uint8_t *base;
	size_t cap;
	size_t used;
} sg_arena;

/* ---- slices ---- */
sg_slice sg_slice_make(const void *p, size_t len);
/* A slice over a NUL-terminated string we own (a constant); never for untrusted input. */
sg_slice sg_slice_str(const char *s);
/* 1 when both have the same length and bytes (not constant time). */
int sg_slice_eq(sg_slice a, sg_slice b);
/* 1 when `a` equals the NUL-terminated constant `s`. */
int sg_slice_eq_str(sg_slice a, const char *s);
/* The same, ASCII case-insensitively (header names, URL schemes, auth schemes). */
int sg_slice_ieq(sg_slice a, sg_slice b);
int sg_slice_ieq_str(sg_slice a, const char *s);
/* 1 when `a` sorts before `b` bytewise, a proper prefix first (Go's order of map keys). */
int sg_slice_less(sg_slice a, sg_slice b);

/* ---- key/value lists ---- */
/* The order of a[0..n) with keys bytewise, as Go sorts map keys (how the writers emit
 * annotation maps): idx[0..n) receives the indices in that order (the caller bounds n).
 * 0 when two keys are equal. */
int sg_kv_order(const sg_kv *a, size_t n, size_t *idx);

/* ---- ASCII (locale-free, unlike <ctype.h>) ---- */
/* `c` with A-Z mapped to a-z; every other byte unchanged. */
uint8_t sg_ascii_lower(uint8_t c);
/* The value of a hex digit of either case (0-15), -1 for any other byte. */
int sg_hex_digit(uint8_t c);

/* ---- cursor ---- */
void sg_cur_init(sg_cur *c, const void *p, size_t len);
/* Take `k` bytes as a view; SG_ERR_TRUNCATED (cursor unchanged) if fewer remain. */
SG_MUST_USE sg_err sg_cur_take(sg_cur *c, size_t k, const uint8_t **out);
/* Take `k` bytes as a sub-cursor whose offsets continue the parent's. */
SG_MUST_USE sg_err sg_cur_sub(sg_cur *c, size_t k, sg_cur *sub);
SG_MUST_USE sg_err sg_cur_skip(sg_cur *c, size_t k);
SG_MUST_USE sg_err sg_cur_u8(sg_cur *c, uint8_t *v);
/* Big-endian integers, as in TLS/CT structures. */
SG_MUST_USE sg_err sg_cur_u16(sg_cur *c, uint16_t *v);
SG_MUST_USE sg_err sg_cur_u24(sg_cur *c, uint32_t *v);
SG_MUST_USE sg_err sg_cur_u32(sg_cur *c, uint32_t *v);
SG_MUST_USE sg_err sg_cur_u64(sg_cur *c, uint64_t *v);
/* A u16-length-prefixed span as a sub-cursor (e.g. TLS opaque<0..2^16-1>). */
SG_MUST_USE sg_err sg_cur_vec16(sg_cur *c, sg_cur *sub);
/* SG_OK when nothing is left, else SG_ERR_TRAILING. */
SG_MUST_USE sg_err sg_cur_end(const sg_cur *c);

/* ---- writer ---- */
void sg_buf_init(sg_buf *b, void *mem, size_t cap);
/* Append bytes. The writers return nothing: on overflow nothing is written and the sticky
 * `overflow` flag is set, after which every later write is dropped too, so a writer runs its
 * whole sequence and checks sg_buf_status once at the end (BearSSL's sticky-error pattern). */
void sg_buf_put(sg_buf *b, const void *p, size_t n);
void sg_buf_putc(sg_buf *b, uint8_t c);
/* Append a NUL-terminated constant. */
void sg_buf_puts(sg_buf *b, const char *s);
void sg_buf_put_u16(sg_buf *b, uint16_t v);
void sg_buf_put_u64(sg_buf *b, uint64_t v);
/* Append the decimal text of v. */
void sg_buf_put_dec(sg_buf *b, uint64_t v);
/* SG_OK unless any write overflowed. */
SG_MUST_USE sg_err sg_buf_status(const sg_buf *b);
sg_slice sg_buf_slice(const sg_buf *b);

/* ---- arena ---- */
void sg_arena_init(sg_arena *a, void *mem, size_t cap);
/* `n` bytes, 16-byte aligned, zeroed; NULL when the arena is exhausted. */
void *sg_arena_alloc(sg_arena *a, size_t n);
/* Like sg_arena_alloc but not zeroed: for buffers about to be filled (file reads), where
 * zeroing a large reservation would fault in every page of it. */
void *sg_arena_alloc_uninit(sg_arena *a, size_t n);
/* Like sg_arena_alloc, but records SG_ERR_LIMIT ("arena") in `d` on exhaustion. */
SG_MUST_USE sg_err sg_arena_get(sg_arena *a, size_t n, void **out, sg_diag *d);
/* Forget every allocation (memory is wiped first: it may have held secrets). */
void sg_arena_reset(sg_arena *a);
/* Wipe everything handed out since the last reset, then reset. */
void sg_arena_wipe(sg_arena *a);
/* A position to come back to: sg_arena_release(a, mark) hands back everything allocated after
 * sg_arena_mark(a) returned `mark`, wiping it first (scratch may have held secrets). A mark
 * above the current use is ignored. */
size_t sg_arena_mark(const sg_arena *a);
void sg_arena_release(sg_arena *a, size_t mark);
/* Hand back everything after `mark` WITHOUT wiping it: only for memory that is known to be
 * wiped already, such as sub-arenas carved from `a` and each wiped with sg_arena_wipe, whose
 * untouched pages a second wipe would only fault in. */
void sg_arena_forget(sg_arena *a, size_t mark);
/* The largest `n` sg_arena_alloc could hand out now (0 when full), for reading input of
 * unknown size into the free tail and trimming it after. */
size_t sg_arena_avail(const sg_arena *a);
/* Keep the first `n` bytes of the allocation at `buf`, which must be the most recent one (or
 * the start of a run of the most recent ones, moved down by the caller), and give back the
 * rest. Nothing is wiped: the bytes given back were never written or are moved copies. */
void sg_arena_trim(sg_arena *a, const void *buf, size_t n);

/* ---- arithmetic, comparison, wiping ---- */
/* 1 and *r = a+b (a*b) when it does not overflow size_t, else 0. */
int sg_add_ok(size_t a, size_t b, size_t *r);
int sg_mul_ok(size_t a, size_t b, size_t *r);
/* 1 when equal; time depends only on n. */
int sg_ct_equal(const void *a, const void *b, size_t n);
/* 1 when p[0..n) is all zero bytes (n == 0 included), in constant time. */
int sg_all_zero(const void *p, size_t n);
/* Zero memory in a way the compiler cannot drop. */
void sg_wipe(void *p, size_t n);

#endif
