/* Unit tests for codec: RFC 4648 §10 vectors in both alphabets and both padding modes, the
 * strictness rules (characters, padding, trailing bits, alphabet mixing, length), capacity
 * handling, hex round trips and rejection of uppercase/odd input. Inputs sit before a guard
 * page, so any over-read crashes. */
#include <stdint.h>
#include <string.h>

#include "parse/codec.h"
#include "guard.h"
#include "runner.h"

/* Decode a string constant placed before a guard page. */
static sg_err
dec(const char *s, unsigned flags, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(s);
	const uint8_t *g = guard_put(s, len);
	return sg_b64_decode(g, len, flags, out, cap, n, NULL);
}

static int
dec_is(const char *s, unsigned flags, const char *want)
{
	uint8_t out[128];
	size_t n = 99;
	if (dec(s, flags, out, sizeof out, &n) != SG_OK)
		return 0;
	return n == strlen(want) && memcmp(out, want, n) == 0;
}

static int
enc_is(const char *in, unsigned flags, const char *want)
{
	uint8_t mem[128];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	if (sg_b64_encode((const uint8_t *)in, strlen(in), flags, &b) != SG_OK)
		return 0;
	return b.len == strlen(want) && b.len == sg_b64_encoded_len(strlen(in), flags) &&
		memcmp(mem, want, b.len) == 0;
}

static void
test_rfc4648_vectors(void)
{
	/* RFC 4648 §10. */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const padded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
		"Zm9vYmFy"};
	static const char *const unpadded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE",
		"Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) {
		CHECK(enc_is(plain[i], SG_B64_STD | SG_B64_PAD, padded[i]));
		CHECK(enc_is(plain[i], SG_B64_URL, unpadded[i]));
		CHECK(dec_is(padded[i], SG_B64_STD | SG_B64_PAD, plain[i]));
		CHECK(dec_is(unpadded[i], SG_B64_URL | SG_B64_NOPAD, plain[i]));
		CHECK(dec_is(padded[i], SG_B64_ANY, plain[i]));
		CHECK(dec_is(unpadded[i], SG_B64_ANY, plain[i]));
		CHECK(sg_b64_decoded_max(strlen(padded[i])) >= strlen(plain[i]));
		CHECK(sg_b64_decoded_max(strlen(unpadded[i])) == strlen(plain[i]));
	}
}

static void
test_padding_flags(void)
{
	uint8_t out[16];
	size_t n;
	/* Padding required: unpadded partial groups are refused. */
	CHECK_ERR(dec("Zg", SG_B64_STD | SG_B64_PAD, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zm8", SG_B64_STD | SG_B64_PAD, out, sizeof out, &n), SG_ERR_B64_PAD);
	/* Padding refused. */
	CHECK_ERR(dec("Zg==", SG_B64_STD | SG_B64_NOPAD, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zm8=", SG_B64_URL | SG_B64_NOPAD, out, sizeof out, &n), SG_ERR_B64_PAD);
	/* Full groups need no padding in either mode. */
	CHECK(dec_is("Zm9v", SG_B64_STD | SG_B64_PAD, "foo"));
	CHECK(dec_is("Zm9v", SG_B64_STD | SG_B64_NOPAD, "foo"));
	/* Wrong amount or place of '='. */
	CHECK_ERR(dec("Zg=", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zg===", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zm8==", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zm9v=", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Zg==Zg==", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Z=g=", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("====", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("=", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	CHECK_ERR(dec("Z===", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_PAD);
	/* A lone final character cannot encode a byte. */
	CHECK_ERR(dec("Z", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_LENGTH);
	CHECK_ERR(dec("Zm9vY", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_LENGTH);
	/* Flags naming no alphabet or no padding mode. */
	CHECK_ERR(dec("Zm9v", SG_B64_PAD, out, sizeof out, &n), SG_ERR_ARG);
	CHECK_ERR(dec("Zm9v", SG_B64_STD, out, sizeof out, &n), SG_ERR_ARG);
}

static void
test_strictness(void)
{
	uint8_t out[16];
	size_t n;
	/* Trailing bits: "Zg==" is 'f', "Zh==" has a non-zero unused bit. */
	CHECK(dec_is("Zg==", SG_B64_ANY, "f"));
	CHECK_ERR(dec("Zh==", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_BITS);
	CHECK_ERR(dec("Zh", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_BITS);
	CHECK_ERR(dec("Zm9=", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_BITS);
	CHECK(dec_is("Zm8=", SG_B64_ANY, "fo"));
	/* Characters outside the chosen alphabet; whitespace; NUL. */
	CHECK_ERR(dec("Zm9v\n", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(dec("Zm 9", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(dec("Zm9*", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(dec("+/+/", SG_B64_URL | SG_B64_PAD, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(dec("-_-_", SG_B64_STD | SG_B64_PAD, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(sg_b64_decode((const uint8_t *)"Zm\0v", 4, SG_B64_ANY, out, sizeof out, &n,
			NULL), SG_ERR_B64_CHAR);
	/* The two alphabets: 0xfb 0xff 0xbf is "+/+/" or "-_-_", never a mix of both. */
	CHECK(dec_is("+/+/", SG_B64_STD | SG_B64_PAD, "\xfb\xff\xbf"));
	CHECK(dec_is("-_-_", SG_B64_URL | SG_B64_PAD, "\xfb\xff\xbf"));
	CHECK(dec_is("-_-_", SG_B64_ANY, "\xfb\xff\xbf"));
	CHECK_ERR(dec("+_-/", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK_ERR(dec("-/", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_CHAR);
	CHECK(enc_is("\xfb\xff\xbf", SG_B64_STD, "+/+/"));
	CHECK(enc_is("\xfb\xff\xbf", SG_B64_URL, "-_-_"));
	CHECK(enc_is("\xfb\xff", SG_B64_URL | SG_B64_PAD, "-_8="));

	/* The diag carries the offset of the offending character. */
	sg_diag d;
	sg_diag_init(&d, "t");
	const uint8_t *g = guard_put("Zm9vY*==", 8);
	CHECK_ERR(sg_b64_decode(g, 8, SG_B64_ANY, out, sizeof out, &n, &d), SG_ERR_B64_CHAR);
	CHECK(d.code == SG_ERR_B64_CHAR && d.has_offset && d.offset == 5);

	/* Failure leaves *out_len 0 and the output zeroed. */
	memset(out, 0xaa, sizeof out);
	n = 7;
	CHECK_ERR(dec("Zm9vYh==", SG_B64_ANY, out, sizeof out, &n), SG_ERR_B64_BITS);
	CHECK(n == 0 && out[0] == 0 && out[3] == 0);
}

static void
test_capacity(void)
{
	uint8_t out[8];
	size_t n;
	CHECK_ERR(dec("Zm9vYmFy", SG_B64_ANY, out, 5, &n), SG_ERR_LIMIT);
	CHECK(n == 0);
	CHECK_OK(dec("Zm9vYmFy", SG_B64_ANY, out, 6, &n));
	CHECK(n == 6);
	CHECK_OK(dec("Zm9vYg==", SG_B64_ANY, out, 4, &n));
	CHECK(n == 4);
	/* Encoding that does not fit writes nothing and stays failed. */
	uint8_t mem[7];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_ERR(sg_b64_encode((const uint8_t *)"foobar", 6, SG_B64_STD | SG_B64_PAD, &b),
		SG_ERR_LIMIT);
	CHECK(b.len == 0 && b.overflow);
	CHECK_ERR(sg_b64_encode((const uint8_t *)"f", 1, SG_B64_STD, &b), SG_ERR_LIMIT);
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_ERR(sg_b64_encode((const uint8_t *)"f", 1, SG_B64_STD | SG_B64_URL, &b), SG_ERR_ARG);
	CHECK(sg_b64_encoded_len(SIZE_MAX, SG_B64_PAD) == SIZE_MAX);
}

static void
test_roundtrip_all_lengths(void)
{
	/* Every length 0..64 of a varied byte pattern round-trips in all four modes. */
	uint8_t in[64], out[64], mem[128];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)(i * 37 + 250);
	static const unsigned modes[4] = {SG_B64_STD | SG_B64_PAD, SG_B64_STD,
		SG_B64_URL | SG_B64_PAD, SG_B64_URL};
	int ok = 1;
	for (size_t m = 0; m < 4; m++) {
		for (size_t len = 0; len <= sizeof in; len++) {
			sg_buf b;
			sg_buf_init(&b, mem, sizeof mem);
			size_t n;
			const uint8_t *g;
			if (sg_b64_encode(in, len, modes[m], &b) != SG_OK)
				ok = 0;
			g = guard_put(mem, b.len);
			unsigned df = modes[m] | ((modes[m] & SG_B64_PAD) ? 0 : SG_B64_NOPAD);
			if (sg_b64_decode(g, b.len, df, out, sizeof out, &n, NULL) != SG_OK ||
				n != len || memcmp(in, out, len) != 0)
				ok = 0;
		}
	}
	CHECK(ok);
}

static void
test_hex(void)
{
	uint8_t out[8], mem[32];
	size_t n;
	const uint8_t *g = guard_put("00ff7a10", 8);
	CHECK_OK(sg_hex_decode(g, 8, out, sizeof out, &n, NULL));
	CHECK(n == 4 && out[0] == 0x00 && out[1] == 0xff && out[2] == 0x7a && out[3] == 0x10);
	CHECK_OK(sg_hex_decode(guard_put("", 0), 0, out, sizeof out, &n, NULL));
	CHECK(n == 0);
	g = guard_put("00FF", 4);
	CHECK_ERR(sg_hex_decode(g, 4, out, sizeof out, &n, NULL), SG_ERR_HEX);
	g = guard_put("abc", 3);
	CHECK_ERR(sg_hex_decode(g, 3, out, sizeof out, &n, NULL), SG_ERR_HEX);
	g = guard_put("0g", 2);
	CHECK_ERR(sg_hex_decode(g, 2, out, sizeof out, &n, NULL), SG_ERR_HEX);
	g = guard_put(" 0", 2);
	CHECK_ERR(sg_hex_decode(g, 2, out, sizeof out, &n, NULL), SG_ERR_HEX);
	g = guard_put("0011", 4);
	CHECK_ERR(sg_hex_decode(g, 4, out, 1, &n, NULL), SG_ERR_LIMIT);
	CHECK(n == 0);
	sg_diag d;
	sg_diag_init(&d, NULL);
	g = guard_put("00112x", 6);
	CHECK_ERR(sg_hex_decode(g, 6, out, sizeof out, &n, &d), SG_ERR_HEX);
	CHECK(d.has_offset && d.offset == 5);

	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	CHECK_OK(sg_hex_encode((const uint8_t *)"\x00\xab\xcd\xef\x09", 5, &b));
	CHECK(b.len == 10 && memcmp(mem, "00abcdef09", 10) == 0);
	sg_buf_init(&b, mem, 3);
	CHECK_ERR(sg_hex_encode((const uint8_t *)"\x01\x02", 2, &b), SG_ERR_LIMIT);
	CHECK(b.len == 0);

	/* Round trip of every byte value. */
	uint8_t all[256], back[256], text[512];
	for (size_t i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	sg_buf_init(&b, text, sizeof text);
	CHECK_OK(sg_hex_encode(all, 256, &b));
	g = guard_put(text, b.len);
	CHECK_OK(sg_hex_decode(g, b.len, back, sizeof back, &n, NULL));
	CHECK(n == 256 && memcmp(all, back, 256) == 0);
}

int
main(void)
{
	test_rfc4648_vectors();
	test_padding_flags();
	test_strictness();
	test_capacity();
	test_roundtrip_all_lengths();
	test_hex();
	guard_release();
	return test_finish();
}
