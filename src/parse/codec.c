/* codec: strict base64 and lowercase hex. See codec.h.
 *
 * Implementation notes.
 *   base64: RFC 4648 §4 (standard alphabet "+/") and §5 (URL alphabet "-_"), with padding
 *   per §3.2. Canonical form (§3.5): the unused low bits of the last character must be zero,
 *   so every byte string has one accepted encoding per alphabet/padding choice. Parsers that
 *   disagree on which strings decode to which bytes let a signed value be re-encoded past a
 *   check, hence no whitespace, no mixing of the alphabets and no stray '='.
 *   The decoder validates the whole input first (pass 1), checks the output capacity against
 *   the exact decoded length, and only then writes (pass 2), so a rejected input never leaves
 *   partial output behind.
 *   hex: RFC 4648 §8 "base16", restricted to lowercase because every producer we read (OCI
 *   digests, Rekor, Sigstore) writes lowercase and two spellings of one digest must not exist. */
#include "parse/codec.h"

#include <string.h>

static const char b64_std[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The 6-bit value of c in the alphabet(s) allowed by `flags`, or -1. `seen` accumulates which
 * alphabet-specific characters appeared, to reject mixing. */
static int
b64_value(uint8_t c, unsigned flags, unsigned *seen)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if ((c == '+' || c == '/') && (flags & SG_B64_STD)) {
		*seen |= SG_B64_STD;
		return c == '+' ? 62 : 63;
	}
	if ((c == '-' || c == '_') && (flags & SG_B64_URL)) {
		*seen |= SG_B64_URL;
		return c == '-' ? 62 : 63;
	}
	return -1;
}

/* see codec.h */
size_t
sg_b64_decoded_max(size_t len)
{
	/* Each full group of 4 gives 3 bytes, a partial group of k (2 or 3) gives k - 1. */
	size_t r = len % 4;
	return (len / 4) * 3 + (r > 1 ? r - 1 : 0);
}

/* see codec.h */
size_t
sg_b64_encoded_len(size_t n, unsigned flags)
{
	size_t full = n / 3, rem = n % 3, out;
	if (!sg_mul_ok(full, 4, &out))
		return SIZE_MAX;
	if (rem != 0) {
		size_t tail = (flags & SG_B64_PAD) ? 4 : rem + 1;
		if (!sg_add_ok(out, tail, &out))
			return SIZE_MAX;
	}
	return out;
}

/* Structural checks: padding position and count, length. On success *data_len is the number of
 * data characters (without '='). */
SG_MUST_USE static sg_err
b64_structure(const uint8_t *in, size_t len, unsigned flags, size_t *data_len, sg_diag *d)
{
	size_t pad = 0;
	while (pad < len && pad < 3 && in[len - 1 - pad] == '=')
		pad++;
	size_t n = len - pad;
	if (pad == 3)
		return sg_diag_fail_at(d, SG_ERR_B64_PAD, "base64", n);
	/* '=' anywhere before the trailing run (including a run of 3) is misplaced padding. */
	const uint8_t *eq = n > 0 ? memchr(in, '=', n) : NULL;
	if (eq != NULL)
		return sg_diag_fail_at(d, SG_ERR_B64_PAD, "base64", (size_t)(eq - in));
	if (n % 4 == 1)
		return sg_diag_fail_at(d, SG_ERR_B64_LENGTH, "base64", n - 1);
	if (pad > 0) {
		/* Padding must complete the last group exactly: "xx==" or "xxx=". */
		if (!(flags & SG_B64_PAD) || len % 4 != 0 || (n % 4) + pad != 4)
			return sg_diag_fail_at(d, SG_ERR_B64_PAD, "base64", n);
	} else if (n % 4 != 0 && !(flags & SG_B64_NOPAD)) {
		return sg_diag_fail_at(d, SG_ERR_B64_PAD, "base64", n);
	}
	*data_len = n;
	return SG_OK;
}

/* see codec.h */
sg_err
sg_b64_decode(const uint8_t *in, size_t len, unsigned flags, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d)
{
	*out_len = 0;
	if (!(flags & (SG_B64_STD | SG_B64_URL)) || !(flags & (SG_B64_PAD | SG_B64_NOPAD)))
		return sg_diag_fail(d, SG_ERR_ARG, "base64 flags");
	/* Pass 1: every character and alphabet mixing ('=' is left to the structure check), then
	 * padding and length, then the trailing bits. */
	sg_err e = SG_OK;
	unsigned seen = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '=')
			continue;
		if (b64_value(in[i], flags, &seen) < 0 || seen == (SG_B64_STD | SG_B64_URL)) {
			e = sg_diag_fail_at(d, SG_ERR_B64_CHAR, "base64", i);
			goto fail;
		}
	}
	size_t n = 0;
	e = b64_structure(in, len, flags, &n, d);
	if (e != SG_OK)
		goto fail;
	int v = n > 0 ? b64_value(in[n - 1], flags, &seen) : 0;
	/* The last character of a partial group carries 2 (k=3) or 4 (k=2) unused bits. */
	if (n % 4 == 2 && (v & 0x0f) != 0) {
		e = sg_diag_fail_at(d, SG_ERR_B64_BITS, "base64", n - 1);
		goto fail;
	}
	if (n % 4 == 3 && (v & 0x03) != 0) {
		e = sg_diag_fail_at(d, SG_ERR_B64_BITS, "base64", n - 1);
		goto fail;
	}
	size_t total = sg_b64_decoded_max(n);
	if (total > cap) {
		e = sg_diag_fail(d, SG_ERR_LIMIT, "base64 output");
		goto fail;
	}

	/* Pass 2: everything is valid, write. */
	uint32_t acc = 0;
	size_t bits = 0, w = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 6) | (uint32_t)b64_value(in[i], flags, &seen);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[w++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1u;
		}
	}
	*out_len = w;
	return SG_OK;
fail:
	if (out != NULL && cap > 0)
		memset(out, 0, cap < sg_b64_decoded_max(len) ? cap : sg_b64_decoded_max(len));
	return e;
}

/* see codec.h */
sg_err
sg_b64_encode(const uint8_t *in, size_t len, unsigned flags, sg_buf *out)
{
	unsigned alpha = flags & (SG_B64_STD | SG_B64_URL);
	if (alpha != SG_B64_STD && alpha != SG_B64_URL)
		return SG_ERR_ARG;
	const char *tab = alpha == SG_B64_STD ? b64_std : b64_url;
	size_t need = sg_b64_encoded_len(len, flags);
	if (out->overflow || need > out->cap - out->len) {
		out->overflow = 1;
		return SG_ERR_LIMIT;
	}
	uint8_t *w = out->p + out->len;
	size_t i = 0;
	for (; len - i >= 3; i += 3) {
		uint32_t x = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*w++ = (uint8_t)tab[x >> 18];
		*w++ = (uint8_t)tab[(x >> 12) & 63];
		*w++ = (uint8_t)tab[(x >> 6) & 63];
		*w++ = (uint8_t)tab[x & 63];
	}
	if (len - i > 0) {
		uint32_t x = (uint32_t)in[i] << 16;
		if (len - i == 2)
			x |= (uint32_t)in[i + 1] << 8;
		*w++ = (uint8_t)tab[x >> 18];
		*w++ = (uint8_t)tab[(x >> 12) & 63];
		if (len - i == 2)
			*w++ = (uint8_t)tab[(x >> 6) & 63];
		else if (flags & SG_B64_PAD)
			*w++ = '=';
		if (flags & SG_B64_PAD)
			*w++ = '=';
	}
	out->len += need;
	return SG_OK;
}

static int
hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* see codec.h */
sg_err
sg_hex_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len,
	sg_diag *d)
{
	*out_len = 0;
	if (len % 2 != 0)
		return sg_diag_fail_at(d, SG_ERR_HEX, "hex", len);
	for (size_t i = 0; i < len; i++) {
		if (hex_value(in[i]) < 0)
			return sg_diag_fail_at(d, SG_ERR_HEX, "hex", i);
	}
	if (len / 2 > cap)
		return sg_diag_fail(d, SG_ERR_LIMIT, "hex output");
	for (size_t i = 0; i < len; i += 2)
		out[i / 2] = (uint8_t)(hex_value(in[i]) << 4 | hex_value(in[i + 1]));
	*out_len = len / 2;
	return SG_OK;
}

/* see codec.h */
sg_err
sg_hex_encode(const uint8_t *in, size_t len, sg_buf *out)
{
	static const char digits[17] = "0123456789abcdef";
	size_t need;
	if (!sg_mul_ok(len, 2, &need) || out->overflow || need > out->cap - out->len) {
		out->overflow = 1;
		return SG_ERR_LIMIT;
	}
	uint8_t *w = out->p + out->len;
	for (size_t i = 0; i < len; i++) {
		*w++ = (uint8_t)digits[in[i] >> 4];
		*w++ = (uint8_t)digits[in[i] & 15];
	}
	out->len += need;
	return SG_OK;
}
