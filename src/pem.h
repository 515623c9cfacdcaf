/* pem: the RFC 7468 armor reader and writer (layer 1).
 *
 * Reading iterates the blocks of a file in order. Tolerated as openssl tolerates: text before,
 * between and after blocks, CRLF line ends, blank lines, a missing final newline, and body
 * lines of any length up to 76 characters. Rejected: an END label that differs from its BEGIN,
 * a BEGIN without END, headers ("Proc-Type:" style) inside the body, and a body that is not
 * canonical padded standard base64 once line breaks are removed. */
#ifndef SG_PEM_H
#define SG_PEM_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "err.h"

typedef struct sg_pem_block {
	sg_slice label;  /* e.g. "CERTIFICATE"; a view into the input */
	sg_slice body;   /* the base64 text between the armor lines, line breaks included */
	size_t offset;   /* offset of "-----BEGIN" in the input */
} sg_pem_block;

/* Find the next block at or after the cursor and advance past its END line. Returns SG_OK with
 * `out` filled, SG_ERR_PEM_NONE when no BEGIN line remains (the cursor is then at the end), or
 * SG_ERR_PEM_MALFORMED / SG_ERR_PEM_LABEL for a broken block. Views live as long as the input. */
SG_MUST_USE sg_err sg_pem_next(sg_cur *c, sg_pem_block *out, sg_diag *d);

/* Decode a block's body into out[0..cap). SG_ERR_PEM_MALFORMED for a bad body, SG_ERR_LIMIT
 * when cap is too small. */
SG_MUST_USE sg_err sg_pem_decode(const sg_pem_block *b, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d);

/* Decode the first block labelled `label` (a constant) in `in`. SG_ERR_PEM_NONE when there is
 * none. */
SG_MUST_USE sg_err sg_pem_decode_first(const uint8_t *in, size_t len, const char *label,
	uint8_t *out, size_t cap, size_t *out_len, sg_diag *d);

/* Append "-----BEGIN label-----\n", the base64 body in 64-column lines, and the END line. */
SG_MUST_USE sg_err sg_pem_write(sg_buf *out, const char *label, const uint8_t *der, size_t len);

#endif
