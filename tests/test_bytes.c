/* Unit tests for err and bytes: cursors never move on failure, writers overflow stickily,
 * the arena aligns and bounds, checked arithmetic catches overflow, diagnostics keep the first
 * failure. */
#include <stdint.h>
#include <string.h>

#include "base/bytes.h"
#include "guard.h"
#include "runner.h"

static void
test_cursor(void)
{
	static const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
	const uint8_t *g = guard_put(data, sizeof data);
	sg_cur c;
	sg_cur_init(&c, g, sizeof data);
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	CHECK_OK(sg_cur_u8(&c, &u8));
	CHECK(u8 == 1 && c.off == 1 && c.n == 8);
	CHECK_OK(sg_cur_u16(&c, &u16));
	CHECK(u16 == 0x0203);
	CHECK_OK(sg_cur_u24(&c, &u32));
	CHECK(u32 == 0x040506);
	/* 3 bytes left: a u32 read fails and leaves the cursor where it was. */
	sg_cur before = c;
	CHECK_ERR(sg_cur_u32(&c, &u32), SG_ERR_TRUNCATED);
	CHECK(c.p == before.p && c.n == before.n && c.off == before.off);
	CHECK_ERR(sg_cur_u64(&c, &u64), SG_ERR_TRUNCATED);
	CHECK_ERR(sg_cur_end(&c), SG_ERR_TRAILING);
	sg_cur sub;
	CHECK_OK(sg_cur_sub(&c, 2, &sub));
	CHECK(sub.n == 2 && sub.off == 6 && sub.p[0] == 7);
	CHECK_ERR(sg_cur_skip(&c, 2), SG_ERR_TRUNCATED);
	CHECK_OK(sg_cur_skip(&c, 1));
	CHECK_OK(sg_cur_end(&c));
	/* A huge length never wraps around. */
	sg_cur_init(&c, g, sizeof data);
	CHECK_ERR(sg_cur_skip(&c, SIZE_MAX), SG_ERR_TRUNCATED);
	CHECK(c.n == sizeof data);

	/* vec16: a length prefix longer than the data fails without moving. */
	static const uint8_t v[] = {0x00, 0x03, 'a', 'b'};
	sg_cur_init(&c, guard_put(v, sizeof v), sizeof v);
	CHECK_ERR(sg_cur_vec16(&c, &sub), SG_ERR_TRUNCATED);
	CHECK(c.n == 4 && c.off == 0);
	static const uint8_t v2[] = {0x00, 0x02, 'a', 'b', 'c'};
	sg_cur_init(&c, guard_put(v2, sizeof v2), sizeof v2);
	CHECK_OK(sg_cur_vec16(&c, &sub));
	CHECK(sub.n == 2 && sub.off == 2 && c.n == 1);
	guard_release();
}

static void
test_buf(void)
{
	uint8_t mem[8];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	sg_buf_puts(&b, "abc");
	CHECK_OK(sg_buf_status(&b));
	sg_buf_put_u16(&b, 0x4142);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == 5 && memcmp(mem, "abcAB", 5) == 0);
	sg_buf_puts(&b, "defg");
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
	CHECK(b.len == 5);
	/* Sticky: even a write that would fit fails once overflowed. */
	sg_buf_putc(&b, 'x');
	CHECK_ERR(sg_buf_status(&b), SG_ERR_LIMIT);
	CHECK(b.len == 5);
	sg_buf_init(&b, mem, sizeof mem);
	sg_buf_put_dec(&b, 0);
	CHECK_OK(sg_buf_status(&b));
	sg_buf_put_dec(&b, 1234567);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == 8 && memcmp(mem, "01234567", 8) == 0);
	uint8_t big[20];
	sg_buf_init(&b, big, sizeof big);
	sg_buf_put_dec(&b, UINT64_MAX);
	CHECK_OK(sg_buf_status(&b));
	CHECK(b.len == 20 && memcmp(big, "18446744073709551615", 20) == 0);
	sg_buf_init(&b, big, sizeof big);
	sg_buf_put_u64(&b, 0x0102030405060708u);
	CHECK_OK(sg_buf_status(&b));
	CHECK(big[0] == 1 && big[7] == 8);
}

static void
test_arena(void)
{
	_Alignas(16) uint8_t mem[100];
	sg_arena a;
	sg_arena_init(&a, mem, sizeof mem);
	uint8_t *p1 = sg_arena_alloc(&a, 3);
	uint8_t *p2 = sg_arena_alloc(&a, 5);
	CHECK(p1 == mem && p2 == mem + 16);
	memset(p2, 0xAA, 5);
	CHECK(sg_arena_alloc(&a, 80) == NULL);
	CHECK(sg_arena_alloc(&a, SIZE_MAX) == NULL);
	void *q;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_arena_get(&a, 1000, &q, &d), SG_ERR_LIMIT);
	CHECK(d.code == SG_ERR_LIMIT && strcmp(d.what, "arena") == 0);
	sg_arena_reset(&a);
	CHECK(a.used == 0 && mem[16] == 0);
	uint8_t *p3 = sg_arena_alloc(&a, 100);
	CHECK(p3 == mem);
}

static void
test_arith(void)
{
	size_t r;
	CHECK(sg_add_ok(1, 2, &r) && r == 3);
	CHECK(!sg_add_ok(SIZE_MAX, 1, &r));
	CHECK(sg_mul_ok(0, SIZE_MAX, &r) && r == 0);
	CHECK(!sg_mul_ok(SIZE_MAX / 2 + 1, 2, &r));
	CHECK(sg_ct_equal("abc", "abc", 3));
	CHECK(!sg_ct_equal("abc", "abd", 3));
	uint8_t secret[4] = {1, 2, 3, 4};
	sg_wipe(secret, sizeof secret);
	CHECK(secret[0] == 0 && secret[3] == 0);
	CHECK(sg_slice_eq_str(sg_slice_str("x"), "x"));
	CHECK(!sg_slice_eq_str(sg_slice_str("x"), "xy"));
}

static void
test_diag(void)
{
	sg_diag d;
	sg_diag_init(&d, "bundle.json");
	CHECK_ERR(sg_diag_fail_at(&d, SG_ERR_DER_TRAILING, "x509 SubjectAltName", 812),
		SG_ERR_DER_TRAILING);
	/* The first failure wins. */
	CHECK_ERR(sg_diag_fail(&d, SG_ERR_VERIFY_CHAIN, "outer"), SG_ERR_VERIFY_CHAIN);
	char msg[256];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "x509 SubjectAltName: trailing bytes after element (bundle.json byte 812)")
		== 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_diag_failf(&d, SG_ERR_VERIFY_NO_MATCH, "identity", "got %s", "x"),
		SG_ERR_VERIFY_NO_MATCH);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "identity: no matching signatures: got x") == 0);
	/* Truncation keeps a terminated string. */
	char small[10];
	size_t n = sg_diag_format(&d, small, sizeof small);
	CHECK(n == 9 && small[9] == '\0');
	CHECK_ERR(sg_diag_fail(NULL, SG_ERR_IO, "nothing"), SG_ERR_IO);
	/* A verbatim message renders alone, without the code's text or the source. */
	sg_diag_init(&d, "image");
	CHECK_ERR(sg_diag_failmsg(&d, SG_ERR_POLICY_IDENTITY, "none matched, got %d", 2),
		SG_ERR_POLICY_IDENTITY);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg, "none matched, got 2") == 0);
	CHECK(strcmp(sg_err_name(SG_ERR_HEX), "SG_ERR_HEX") == 0);
	CHECK(strcmp(sg_err_str(SG_ERR_LIMIT), "size limit exceeded") == 0);
	CHECK(strcmp(sg_err_str((sg_err)99999), "unknown error") == 0);
}

/* sg_wipe zeroes exactly the bytes it is given; an empty wipe touches nothing. */
static void
test_wipe(void)
{
	uint8_t b[64];
	memset(b, 0xa5, sizeof b);
	sg_wipe(b + 8, 40);
	int ok = 1;
	for (size_t i = 0; i < sizeof b; i++)
		ok &= (i >= 8 && i < 48) ? b[i] == 0 : b[i] == 0xa5;
	CHECK(ok);
	sg_wipe(NULL, 0);
	sg_wipe(b, 0);
	CHECK(b[0] == 0xa5);
}

int
main(void)
{
	test_cursor();
	test_buf();
	test_arena();
	test_arith();
	test_diag();
	test_wipe();
	return test_finish();
}
