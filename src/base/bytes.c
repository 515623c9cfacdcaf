/* bytes: slices, bounded cursors, writers, the arena, and small helpers. See bytes.h.
 * Every cursor read compares the wanted length with the bytes remaining before touching
 * memory and never forms p + k first, since that arithmetic could itself overflow. */
#include "base/bytes.h"

#include <string.h>

/* see bytes.h */
sg_slice
sg_slice_make(const void *p, size_t len)
{
	sg_slice s = {(const uint8_t *)p, len};
	return s;
}

/* see bytes.h */
sg_slice
sg_slice_str(const char *s)
{
	return sg_slice_make(s, strlen(s));
}

/* see bytes.h */
int
sg_slice_eq(sg_slice a, sg_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* see bytes.h */
int
sg_slice_eq_str(sg_slice a, const char *s)
{
	return sg_slice_eq(a, sg_slice_str(s));
}

/* see bytes.h */
int
sg_slice_ieq(sg_slice a, sg_slice b)
{
	if (a.len != b.len)
		return 0;
	for (size_t i = 0; i < a.len; i++)
		if (sg_ascii_lower(a.p[i]) != sg_ascii_lower(b.p[i]))
			return 0;
	return 1;
}

/* see bytes.h */
int
sg_slice_ieq_str(sg_slice a, const char *s)
{
	return sg_slice_ieq(a, sg_slice_str(s));
}

/* see bytes.h */
int
sg_slice_less(sg_slice a, sg_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n != 0 ? memcmp(a.p, b.p, n) : 0;
	return c < 0 || (c == 0 && a.len < b.len);
}

/* see bytes.h */
int
sg_kv_order(const sg_kv *a, size_t n, size_t *idx)
{
	/* insertion sort of indices: n is small and bounded by the callers */
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k > 0 && sg_slice_less(a[i].key, a[idx[k - 1]].key)) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
	}
	for (size_t i = 1; i < n; i++)
		if (sg_slice_eq(a[idx[i - 1]].key, a[idx[i]].key))
			return 0;
	return 1;
}

/* see bytes.h */
uint8_t
sg_ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* see bytes.h */
int
sg_hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* see bytes.h */
void
sg_cur_init(sg_cur *c, const void *p, size_t len)
{
	c->p = (const uint8_t *)p;
	c->n = len;
	c->off = 0;
	c->depth = 0;
}

/* see bytes.h */
sg_err
sg_cur_take(sg_cur *c, size_t k, const uint8_t **out)
{
	if (k > c->n)
		return SG_ERR_TRUNCATED;
	*out = c->p;
	c->p += k;
	c->n -= k;
	c->off += k;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_sub(sg_cur *c, size_t k, sg_cur *sub)
{
	size_t off = c->off;
	const uint8_t *p;
	SG_TRY(sg_cur_take(c, k, &p));
	sub->p = p;
	sub->n = k;
	sub->off = off;
	sub->depth = c->depth;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_skip(sg_cur *c, size_t k)
{
	const uint8_t *p;
	return sg_cur_take(c, k, &p);
}

SG_MUST_USE static sg_err
read_be(sg_cur *c, size_t k, uint64_t *v)
{
	const uint8_t *p;
	SG_TRY(sg_cur_take(c, k, &p));
	uint64_t x = 0;
	for (size_t i = 0; i < k; i++)
		x = (x << 8) | p[i];
	*v = x;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_u8(sg_cur *c, uint8_t *v)
{
	uint64_t x;
	SG_TRY(read_be(c, 1, &x));
	*v = (uint8_t)x;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_u16(sg_cur *c, uint16_t *v)
{
	uint64_t x;
	SG_TRY(read_be(c, 2, &x));
	*v = (uint16_t)x;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_u24(sg_cur *c, uint32_t *v)
{
	uint64_t x;
	SG_TRY(read_be(c, 3, &x));
	*v = (uint32_t)x;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_u32(sg_cur *c, uint32_t *v)
{
	uint64_t x;
	SG_TRY(read_be(c, 4, &x));
	*v = (uint32_t)x;
	return SG_OK;
}

/* see bytes.h */
sg_err
sg_cur_u64(sg_cur *c, uint64_t *v)
{
	return read_be(c, 8, v);
}

/* see bytes.h */
sg_err
sg_cur_vec16(sg_cur *c, sg_cur *sub)
{
	sg_cur save = *c;
	uint16_t len;
	SG_TRY(sg_cur_u16(c, &len));
	sg_err e = sg_cur_sub(c, len, sub);
	if (e != SG_OK)
		*c = save; /* a failed read does not move the cursor */
	return e;
}

/* see bytes.h */
sg_err
sg_cur_end(const sg_cur *c)
{
	return c->n == 0 ? SG_OK : SG_ERR_TRAILING;
}

/* see bytes.h */
void
sg_buf_init(sg_buf *b, void *mem, size_t cap)
{
	b->p = (uint8_t *)mem;
	b->len = 0;
	b->cap = cap;
	b->overflow = 0;
}

/* see bytes.h */
void
sg_buf_put(sg_buf *b, const void *p, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* see bytes.h */
void
sg_buf_putc(sg_buf *b, uint8_t c)
{
	sg_buf_put(b, &c, 1);
}

/* see bytes.h */
void
sg_buf_puts(sg_buf *b, const char *s)
{
	sg_buf_put(b, s, strlen(s));
}

/* see bytes.h */
void
sg_buf_put_u16(sg_buf *b, uint16_t v)
{
	uint8_t t[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	sg_buf_put(b, t, 2);
}

/* see bytes.h */
void
sg_buf_put_u64(sg_buf *b, uint64_t v)
{
	uint8_t t[8];
	for (int i = 7; i >= 0; i--) {
		t[i] = (uint8_t)v;
		v >>= 8;
	}
	sg_buf_put(b, t, 8);
}

/* see bytes.h */
void
sg_buf_put_dec(sg_buf *b, uint64_t v)
{
	char t[20];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sg_buf_put(b, t + i, sizeof t - i);
}

/* see bytes.h */
sg_err
sg_buf_status(const sg_buf *b)
{
	return b->overflow ? SG_ERR_LIMIT : SG_OK;
}

/* see bytes.h */
sg_slice
sg_buf_slice(const sg_buf *b)
{
	return sg_slice_make(b->p, b->len);
}

/* see bytes.h */
void
sg_arena_init(sg_arena *a, void *mem, size_t cap)
{
	a->base = (uint8_t *)mem;
	a->cap = cap;
	a->used = 0;
}

/* see bytes.h */
void *
sg_arena_alloc_uninit(sg_arena *a, size_t n)
{
	size_t start, end;
	/* Align the start to 16 bytes relative to the (aligned) base. */
	if (!sg_add_ok(a->used, 15, &start))
		return NULL;
	start &= ~(size_t)15;
	if (!sg_add_ok(start, n, &end) || end > a->cap)
		return NULL;
	a->used = end;
	return a->base + start;
}

/* see bytes.h */
void *
sg_arena_alloc(sg_arena *a, size_t n)
{
	void *p = sg_arena_alloc_uninit(a, n);
	if (p != NULL && n > 0)
		memset(p, 0, n);
	return p;
}

/* see bytes.h */
sg_err
sg_arena_get(sg_arena *a, size_t n, void **out, sg_diag *d)
{
	void *p = sg_arena_alloc(a, n);
	if (p == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	*out = p;
	return SG_OK;
}

/* see bytes.h */
void
sg_arena_reset(sg_arena *a)
{
	sg_wipe(a->base, a->used);
	a->used = 0;
}

/* see bytes.h */
void
sg_arena_wipe(sg_arena *a)
{
	/* Only [0, used) was ever handed out since the last reset, and reset wipes before it
	 * lowers `used`, so this covers every byte that held data without touching (and so
	 * faulting in) the untouched rest of a large arena. */
	sg_wipe(a->base, a->used);
	a->used = 0;
}

/* see bytes.h */
size_t
sg_arena_mark(const sg_arena *a)
{
	return a->used;
}

/* see bytes.h */
void
sg_arena_release(sg_arena *a, size_t mark)
{
	if (a->used > mark) {
		sg_wipe(a->base + mark, a->used - mark);
		a->used = mark;
	}
}

/* see bytes.h */
void
sg_arena_forget(sg_arena *a, size_t mark)
{
	if (a->used > mark)
		a->used = mark;
}

/* see bytes.h */
size_t
sg_arena_avail(const sg_arena *a)
{
	size_t start = (a->used + 15) & ~(size_t)15;
	if (start < a->used || start > a->cap)
		return 0;
	return a->cap - start;
}

/* see bytes.h */
void
sg_arena_trim(sg_arena *a, const void *buf, size_t n)
{
	const uint8_t *b = (const uint8_t *)buf;
	if (b < a->base || b > a->base + a->used)
		return;
	size_t end = (size_t)(b - a->base);
	if (n <= a->used - end)
		a->used = end + n;
}

/* see bytes.h */
int
sg_add_ok(size_t a, size_t b, size_t *r)
{
	if (a > SIZE_MAX - b)
		return 0;
	*r = a + b;
	return 1;
}

/* see bytes.h */
int
sg_mul_ok(size_t a, size_t b, size_t *r)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	*r = a * b;
	return 1;
}

/* see bytes.h */
int
sg_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = (const volatile uint8_t *)a;
	const volatile uint8_t *y = (const volatile uint8_t *)b;
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc = (uint8_t)(acc | (x[i] ^ y[i]));
	return acc == 0;
}

/* see bytes.h */
int
sg_all_zero(const void *p, size_t n)
{
	const volatile uint8_t *b = (const volatile uint8_t *)p;
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc = (uint8_t)(acc | b[i]);
	return acc == 0;
}

/* see bytes.h */
void
sg_wipe(void *p, size_t n)
{
	/* memset through a volatile function pointer: the compiler cannot know which function
	 * it calls, so it may not drop the stores as dead (explicit_bzero is not in C11, and
	 * musl and glibc expose it only under _DEFAULT_SOURCE). One call, not a byte loop: the
	 * 32 KiB of registry token slots are wiped after every request. */
	static void *(*const volatile zero_fn)(void *, int, size_t) = memset;
	if (n != 0)
		zero_fn(p, 0, n);
}
