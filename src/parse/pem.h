/* pem: the RFC 7468 armor reader and writer (layer 1).
 *
 * Reading iterates the blocks of a file in order. Tolerated as openssl tolerates: text before,
 * between and after blocks (any line not starting with "-----BEGIN "), CRLF line ends, blank
 * lines outside blocks, spaces or tabs after the closing "-----" of an armor line, a missing
 * final newline, and body lines of any non-zero length (sigstore-js writes one long line). Rejected
 * (SG_ERR_PEM_MALFORMED unless noted): a line starting with "-----BEGIN " that is not a
 * well-formed BEGIN line, a label outside RFC 7468 §3, an END label that differs from its
 * BEGIN (SG_ERR_PEM_LABEL), a BEGIN without END (including a second BEGIN inside a block),
 * headers ("Proc-Type:" style) or blank lines inside the body, an empty body, and a body that
 * is not canonical padded standard base64 once line breaks are removed. */
#ifndef SG_PEM_H
#define SG_PEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

typedef struct sg_pem_block {
	sg_slice label;  /* e.g. "CERTIFICATE"; a view into the input */
	sg_slice body;   /* the base64 text between the armor lines, line breaks included */
	size_t offset;   /* offset of "-----BEGIN" in the input */
	size_t body_offset; /* offset of the body in the input (for diagnostics) */
} sg_pem_block;

/* Find the next block at or after the cursor and advance past its END line. Returns SG_OK with
 * `out` filled (the body already checked to decode), SG_ERR_PEM_NONE when no BEGIN line remains
 * (the cursor is then at the end; not recorded in `d`, it is the normal end of iteration),
 * SG_ERR_PEM_MALFORMED / SG_ERR_PEM_LABEL for a broken block (cursor unchanged), or
 * SG_ERR_LIMIT when more than SG_MAX_PEM_FILE bytes remain. On failure `out` is zeroed.
 * Views live as long as the input. */
SG_MUST_USE sg_err sg_pem_next(sg_cur *c, sg_pem_block *out, sg_diag *d);

/* Decode a block's body into out[0..cap). SG_ERR_PEM_MALFORMED for a bad body, SG_ERR_LIMIT
 * when cap is too small (sg_b64_decoded_max(b->body.len) is always enough). On failure
 * *out_len is 0 and what was written is wiped (bodies may be private keys). */
SG_MUST_USE sg_err sg_pem_decode(const sg_pem_block *b, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d);

/* The next block labelled `label` (a constant) at or after the cursor, decoded into the arena:
 * *der views the bytes. Blocks with other labels are skipped. Returns SG_ERR_PEM_NONE (not
 * recorded) when no such block remains; else the errors of sg_pem_next and sg_pem_decode,
 * and SG_ERR_LIMIT when the arena is full. On failure *der is empty. */
SG_MUST_USE sg_err sg_pem_next_der(sg_cur *c, const char *label, sg_arena *arena, sg_slice *der,
	sg_diag *d);

/* Decode the first block labelled `label` (a constant) in `in` (at most SG_MAX_PEM_FILE bytes).
 * SG_ERR_PEM_NONE when there is none; any malformed block before it is an error; SG_ERR_LIMIT
 * after SG_MAX_PEM_OBJECTS blocks without a match. */
SG_MUST_USE sg_err sg_pem_decode_first(const uint8_t *in, size_t len, const char *label,
	uint8_t *out, size_t cap, size_t *out_len, sg_diag *d);

/* Append "-----BEGIN label-----\n", the base64 body in 64-column lines, and the END line (LF
 * line ends). SG_ERR_ARG for an empty `der` or a label outside RFC 7468 §3, SG_ERR_LIMIT when
 * `out` is full. */
SG_MUST_USE sg_err sg_pem_write(sg_buf *out, const char *label, const uint8_t *der, size_t len);

#endif
