/* Target functions: sg_pem_next, sg_pem_decode, sg_pem_write */
/* Invariants: every block's views lie inside the input and in order; the cursor only moves
 * forward on success and not at all on failure; a block sg_pem_next returns always decodes;
 * writing the decoded bytes back as PEM and reading that gives the same label and bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/codec.h"
#include "parse/pem.h"

#define MAX_IN 65536

static uint8_t der[MAX_IN], der2[MAX_IN], text[2 * MAX_IN];

static int
inside(sg_slice s, const uint8_t *data, size_t size)
{
	return s.p != NULL && s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len;
}

static void
rewrite(const sg_pem_block *b, size_t n)
{
	/* Labels are printable ASCII: copy to a NUL-terminated string for the writer. */
	char label[256];
	if (b->label.len >= sizeof label)
		return;
	memcpy(label, b->label.p, b->label.len);
	label[b->label.len] = '\0';
	sg_buf w;
	sg_buf_init(&w, text, sizeof text);
	if (sg_pem_write(&w, label, der, n) != SG_OK)
		abort();
	sg_cur c;
	sg_cur_init(&c, text, w.len);
	sg_pem_block b2;
	size_t n2;
	if (sg_pem_next(&c, &b2, NULL) != SG_OK || c.n != 0)
		abort();
	if (!sg_slice_eq(b2.label, b->label))
		abort();
	if (sg_pem_decode(&b2, der2, sizeof der2, &n2, NULL) != SG_OK || n2 != n ||
		memcmp(der, der2, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_IN)
		return 0;
	sg_cur c;
	sg_cur_init(&c, data, size);
	size_t last_end = 0;
	for (size_t i = 0; i <= SG_MAX_PEM_OBJECTS; i++) {
		sg_cur before = c;
		sg_pem_block b;
		sg_err e = sg_pem_next(&c, &b, NULL);
		if (e == SG_ERR_PEM_NONE) {
			if (c.n != 0 || c.off != size)
				abort();
			break;
		}
		if (e != SG_OK) {
			if (c.p != before.p || c.n != before.n || c.off != before.off)
				abort();
			if (b.label.p != NULL || b.body.p != NULL)
				abort();
			break;
		}
		if (c.n >= before.n || !inside(b.label, data, size) || !inside(b.body, data, size))
			abort();
		if (b.offset < last_end || b.offset >= c.off || b.body_offset <= b.offset ||
			(size_t)(b.body.p - data) != b.body_offset ||
			b.body_offset + b.body.len > c.off)
			abort();
		last_end = c.off;
		size_t n;
		if (sg_pem_decode(&b, der, sizeof der, &n, NULL) != SG_OK)
			abort();
		if (n == 0 || n > sg_b64_decoded_max(b.body.len))
			abort();
		rewrite(&b, n);
	}
	return 0;
}
