/* pem: RFC 7468 armor reader and writer. See pem.h.
 *
 * Implementation notes (RFC 7468 §2-§3, with the tolerances of openssl's PEM_read_bio):
 *   file      = *( text-line / block )
 *   block     = begin-line 1*body-line end-line
 *   begin-line = "-----BEGIN " label "-----" *WSP eol     ; at the start of a line
 *   end-line  = "-----END " label "-----" *WSP (eol / end of input)
 *   label     = labelchar *( ["-" / SP] labelchar )       ; §3, non-empty here
 *   body-line = 1*base64char eol                        ; standard alphabet and '='
 *   eol       = [CR] LF
 * Text lines are anything that does not start with "-----BEGIN ". A line that does, but is not
 * a well-formed begin-line, is an error rather than text: silently skipping a damaged block
 * would hand the caller the next one instead. Inside a block, every line must be base64, so
 * RFC 1421 headers ("Proc-Type:") and blank lines are rejected, and so is a second BEGIN
 * before the END. The body, line breaks removed, must be canonical padded base64 (RFC 4648 §4,
 * zero trailing bits, '=' only at the very end); sg_pem_next checks this already, so iteration
 * never returns a block that sg_pem_decode would refuse. */
#include "parse/pem.h"

#include <string.h>

#include "base/limits.h"
#include "parse/codec.h"

#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "
#define PEM_DASHES "-----"

/* The line at p[0..n): its length without [CR] LF, and in *adv the bytes up to and including
 * the LF (all of n when there is none). */
static size_t
line_at(const uint8_t *p, size_t n, size_t *adv)
{
	const uint8_t *lf = n > 0 ? memchr(p, '\n', n) : NULL;
	size_t len = lf != NULL ? (size_t)(lf - p) : n;
	*adv = lf != NULL ? len + 1 : n;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

static int
starts_with(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(p, s, k) == 0;
}

/* RFC 7468 §3: printable ASCII except '-', with single spaces or hyphens between. */
static int
label_valid(sg_slice l)
{
	if (l.len == 0)
		return 0;
	for (size_t i = 0; i < l.len; i++) {
		uint8_t ch = l.p[i];
		int sep = ch == ' ' || ch == '-';
		if (!sep && (ch < 0x21 || ch > 0x7e))
			return 0;
		if (sep && (i == 0 || i + 1 == l.len || l.p[i - 1] == ' ' || l.p[i - 1] == '-'))
			return 0;
	}
	return 1;
}

/* Parse an armor line that starts with `prefix`; 1 with the label, 0 when malformed. */
static int
armor_label(const uint8_t *p, size_t n, const char *prefix, sg_slice *label)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	size_t k = strlen(prefix), t = strlen(PEM_DASHES);
	if (n < k + t || memcmp(p + n - t, PEM_DASHES, t) != 0)
		return 0;
	*label = sg_slice_make(p + k, n - k - t);
	return label_valid(*label);
}

static int
b64_char(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		ch == '+' || ch == '/' || ch == '=';
}

/* Decode a body (line breaks skipped) into out[0..cap), or only validate it when out is NULL.
 * Groups of 4 are decoded one at a time so no copy of the whole body is needed; a group with
 * padding must be the last. base_off is the body's offset in the document. */
SG_MUST_USE static sg_err
body_decode(sg_slice body, size_t base_off, uint8_t *out, size_t cap, size_t *out_len,
	sg_diag *d)
{
	uint8_t q[4], tmp[3];
	size_t k = 0, w = 0, gstart = 0, m;
	int ended = 0;
	sg_err e = SG_OK;
	*out_len = 0;
	for (size_t i = 0; i < body.len; i++) {
		uint8_t ch = body.p[i];
		if (ch == '\r' || ch == '\n')
			continue;
		if (ended) {
			e = sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM body after padding",
				base_off + i);
			goto out;
		}
		if (k == 0)
			gstart = i;
		q[k++] = ch;
		if (k < 4)
			continue;
		k = 0;
		sg_err de = sg_b64_decode(q, 4, SG_B64_STD | SG_B64_PAD, tmp, sizeof tmp, &m, NULL);
		if (de != SG_OK) {
			e = sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM base64 body",
				base_off + gstart);
			goto out;
		}
		ended = m < 3;
		if (out != NULL) {
			if (cap - w < m) {
				e = sg_diag_fail(d, SG_ERR_LIMIT, "PEM output");
				goto out;
			}
			memcpy(out + w, tmp, m);
		}
		w += m;
	}
	if (k != 0) {
		e = sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM base64 body length",
			base_off + gstart);
		goto out;
	}
	*out_len = w;
out:
	/* The body may be a private key. */
	sg_wipe(q, sizeof q);
	sg_wipe(tmp, sizeof tmp);
	if (e != SG_OK && out != NULL)
		sg_wipe(out, w);
	return e;
}

/* see pem.h */
sg_err
sg_pem_next(sg_cur *c, sg_pem_block *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if (c->n > SG_MAX_PEM_FILE)
		return sg_diag_fail_at(d, SG_ERR_LIMIT, "PEM file", c->off);
	sg_cur t = *c;
	size_t len, adv;
	sg_slice label;
	/* Skip text lines up to a BEGIN line. */
	for (;;) {
		if (t.n == 0) {
			*c = t; /* nothing left but text: the cursor moves to the end */
			return SG_ERR_PEM_NONE;
		}
		len = line_at(t.p, t.n, &adv);
		if (starts_with(t.p, len, PEM_BEGIN))
			break;
		SG_TRY(sg_cur_skip(&t, adv));
	}
	size_t begin_off = t.off;
	if (!armor_label(t.p, len, PEM_BEGIN, &label))
		return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM BEGIN line", begin_off);
	SG_TRY(sg_cur_skip(&t, adv));
	const uint8_t *body_p = t.p;
	size_t body_off = t.off;
	/* Body lines up to the END line. */
	for (;;) {
		if (t.n == 0)
			return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM block without END",
				begin_off);
		len = line_at(t.p, t.n, &adv);
		if (starts_with(t.p, len, PEM_END))
			break;
		if (starts_with(t.p, len, PEM_DASHES))
			return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM block without END",
				begin_off);
		/* Any line length: RFC 7468 generators wrap at 64 columns, but Go's pem.Decode and
		 * openssl read longer lines, and sigstore-js writes the whole body on one line in
		 * Rekor intoto entries. The canonical-base64 check still applies to the body. */
		if (len == 0)
			return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM body line", t.off);
		for (size_t i = 0; i < len; i++) {
			if (!b64_char(t.p[i]))
				return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM body",
					t.off + i);
		}
		SG_TRY(sg_cur_skip(&t, adv));
	}
	sg_slice body = sg_slice_make(body_p, (size_t)(t.p - body_p));
	sg_slice end_label;
	if (!armor_label(t.p, len, PEM_END, &end_label))
		return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM END line", t.off);
	if (!sg_slice_eq(label, end_label))
		return sg_diag_fail_at(d, SG_ERR_PEM_LABEL, "PEM END label differs from BEGIN",
			t.off);
	if (body.len == 0)
		return sg_diag_fail_at(d, SG_ERR_PEM_MALFORMED, "PEM empty body", body_off);
	size_t n;
	SG_TRY(body_decode(body, body_off, NULL, 0, &n, d));
	SG_TRY(sg_cur_skip(&t, adv));
	out->label = label;
	out->body = body;
	out->offset = begin_off;
	out->body_offset = body_off;
	*c = t;
	return SG_OK;
}

/* see pem.h */
sg_err
sg_pem_decode(const sg_pem_block *b, uint8_t *out, size_t cap, size_t *out_len, sg_diag *d)
{
	return body_decode(b->body, b->body_offset, out, cap, out_len, d);
}

/* see pem.h */
sg_err
sg_pem_decode_first(const uint8_t *in, size_t len, const char *label, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d)
{
	*out_len = 0;
	if (len > SG_MAX_PEM_FILE)
		return sg_diag_fail(d, SG_ERR_LIMIT, "PEM file");
	sg_cur c;
	sg_cur_init(&c, in, len);
	for (size_t i = 0; i < SG_MAX_PEM_OBJECTS; i++) {
		sg_pem_block b;
		sg_err e = sg_pem_next(&c, &b, d);
		if (e == SG_ERR_PEM_NONE)
			return sg_diag_failf(d, SG_ERR_PEM_NONE, "PEM", "no \"%s\" block", label);
		SG_TRY(e);
		if (sg_slice_eq_str(b.label, label))
			return sg_pem_decode(&b, out, cap, out_len, d);
	}
	return sg_diag_fail(d, SG_ERR_LIMIT, "PEM objects in file");
}

/* see pem.h */
sg_err
sg_pem_write(sg_buf *out, const char *label, const uint8_t *der, size_t len)
{
	/* An empty body is not a block the reader accepts. */
	if (len == 0 || !label_valid(sg_slice_str(label)))
		return SG_ERR_ARG;
	sg_buf_puts(out, PEM_BEGIN);
	sg_buf_puts(out, label);
	sg_buf_puts(out, PEM_DASHES "\n");
	/* 48 bytes encode to one 64-column line. */
	for (size_t i = 0; i < len; i += 48) {
		size_t k = len - i < 48 ? len - i : 48;
		if (sg_b64_encode(der + i, k, SG_B64_STD | SG_B64_PAD, out) != SG_OK)
			break; /* the overflow flag is set and sticky */
		sg_buf_putc(out, '\n');
	}
	sg_buf_puts(out, PEM_END);
	sg_buf_puts(out, label);
	sg_buf_puts(out, PEM_DASHES "\n");
	return sg_buf_status(out);
}

/* see pem.h */
sg_err
sg_pem_next_der(sg_cur *c, const char *label, sg_arena *arena, sg_slice *der, sg_diag *d)
{
	*der = sg_slice_make(NULL, 0);
	for (;;) {
		sg_pem_block b;
		sg_err e = sg_pem_next(c, &b, d);
		if (e != SG_OK)
			return e;
		if (!sg_slice_eq_str(b.label, label))
			continue;
		size_t got, max = sg_b64_decoded_max(b.body.len);
		uint8_t *buf;
		SG_TRY(sg_arena_get(arena, max != 0 ? max : 1, (void **)&buf, d));
		SG_TRY(sg_pem_decode(&b, buf, max, &got, d));
		*der = sg_slice_make(buf, got);
		return SG_OK;
	}
}
