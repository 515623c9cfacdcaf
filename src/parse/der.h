/* der: a strict, bounded DER reader over sg_cur and a small writer (layer 1).
 *
 * X.690 DER as RFC 5280 uses it: single-byte tags (low tag numbers only; universal tag 0 and a
 * constructed bit that does not match the universal type are refused), definite lengths in
 * minimal form (at most 4 length bytes), minimal two's-complement INTEGERs, BOOLEAN 00/FF only,
 * BIT STRING with a valid unused-bit count and zero unused bits, OIDs in minimal base-128,
 * UTCTime YYMMDDHHMMSSZ and GeneralizedTime YYYYMMDDHHMMSSZ only. Nesting is capped at
 * SG_MAX_DER_DEPTH through sg_cur.depth.
 *
 * Every reader takes the cursor by pointer, checks before reading, and on failure leaves the
 * cursor unchanged and records the failure (with the cursor's offset) in `d`. Views point into
 * the input. */
#ifndef SG_DER_H
#define SG_DER_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

/* Universal tags. */
#define SG_DER_BOOLEAN 0x01u
#define SG_DER_INTEGER 0x02u
#define SG_DER_BIT_STRING 0x03u
#define SG_DER_OCTET_STRING 0x04u
#define SG_DER_NULL 0x05u
#define SG_DER_OID 0x06u
#define SG_DER_ENUMERATED 0x0au
#define SG_DER_UTF8STRING 0x0cu
#define SG_DER_PRINTABLESTRING 0x13u
#define SG_DER_T61STRING 0x14u
#define SG_DER_IA5STRING 0x16u
#define SG_DER_UTCTIME 0x17u
#define SG_DER_GENERALIZEDTIME 0x18u
#define SG_DER_BMPSTRING 0x1eu
#define SG_DER_SEQUENCE 0x30u
#define SG_DER_SET 0x31u
/* Context-specific tags [n]: constructed (EXPLICIT or constructed IMPLICIT) and primitive. */
#define SG_DER_CTX(n) ((uint8_t)(0xa0u | (n)))
#define SG_DER_CTX_PRIM(n) ((uint8_t)(0x80u | (n)))

/* The tag of the next element without consuming it (the byte only, not validated; *tag is 0
 * at the end). SG_ERR_DER_TRUNCATED at the end, not recorded: it is how callers test for
 * "no more elements". */
SG_MUST_USE sg_err sg_der_peek(const sg_cur *c, uint8_t *tag);
/* 1 when an element remains and its tag is `tag`. */
int sg_der_next_is(const sg_cur *c, uint8_t tag);

/* Read one element of any tag: its tag, its value, and the whole encoding (header + value).
 * Any of tag/value/whole may be NULL. Errors: SG_ERR_DER_TRUNCATED (header or contents run
 * past the cursor), SG_ERR_DER_TAG (high tag number form, tag 0, wrong constructed bit),
 * SG_ERR_DER_LENGTH (indefinite, more than 4 length octets, non-minimal). Outputs zeroed on
 * failure. */
SG_MUST_USE sg_err sg_der_any(sg_cur *c, uint8_t *tag, sg_slice *value, sg_slice *whole,
	sg_diag *d);
/* Read one element that must have tag `tag`; SG_ERR_DER_TAG otherwise (SG_ERR_DER_TRUNCATED
 * when nothing is left). `value` and `whole` may be NULL. */
SG_MUST_USE sg_err sg_der_expect(sg_cur *c, uint8_t tag, sg_slice *value, sg_slice *whole,
	sg_diag *d);

/* Enter an element with tag `tag`: `inner` covers its value, with depth + 1 (SG_ERR_DER_DEPTH
 * beyond SG_MAX_DER_DEPTH) and offsets continuing the parent's. Any tag may be entered,
 * including OCTET STRING to parse DER wrapped in it (extension values). The outer cursor moves
 * past the whole element at once, so the inner reads can never pass its end. */
SG_MUST_USE sg_err sg_der_enter(sg_cur *c, uint8_t tag, sg_cur *inner, sg_diag *d);
/* Close an inner cursor: SG_ERR_DER_TRAILING unless it was fully consumed. */
SG_MUST_USE sg_err sg_der_leave(const sg_cur *inner, sg_diag *d);
/* Enter the element only if the next tag is `tag`: *present says whether it was there (when
 * absent, `inner` is an empty cursor and SG_OK is returned). */
SG_MUST_USE sg_err sg_der_enter_optional(sg_cur *c, uint8_t tag, sg_cur *inner, int *present,
	sg_diag *d);

/* INTEGER as its minimal two's-complement content octets (sign-aware minimality check). */
SG_MUST_USE sg_err sg_der_integer(sg_cur *c, sg_slice *content, sg_diag *d);
/* A non-negative INTEGER's magnitude, without the leading 0x00 sign octet (serial numbers,
 * ECDSA r and s, RSA moduli); zero gives the one octet 00. Negative: SG_ERR_DER_INTEGER. */
SG_MUST_USE sg_err sg_der_uint(sg_cur *c, sg_slice *magnitude, sg_diag *d);
/* A small INTEGER that fits int64_t (at most 8 content octets, else SG_ERR_DER_INTEGER). */
SG_MUST_USE sg_err sg_der_int64(sg_cur *c, int64_t *v, sg_diag *d);
/* BIT STRING with zero unused bits (keys, signatures): the bytes after the count octet. */
SG_MUST_USE sg_err sg_der_bitstring(sg_cur *c, sg_slice *bytes, sg_diag *d);
/* BIT STRING as named bits (keyUsage): bits[0] is bit 0 (the MSB of the first byte); DER
 * requires trailing zero bits to be dropped, which is checked. At most 32 bits. */
SG_MUST_USE sg_err sg_der_bitstring_flags(sg_cur *c, uint32_t *bits, sg_diag *d);
SG_MUST_USE sg_err sg_der_octets(sg_cur *c, sg_slice *v, sg_diag *d);
SG_MUST_USE sg_err sg_der_null(sg_cur *c, sg_diag *d);
SG_MUST_USE sg_err sg_der_bool(sg_cur *c, int *v, sg_diag *d);
/* OBJECT IDENTIFIER content octets, validated (non-empty, minimal base-128 arcs, last octet
 * ends an arc); SG_ERR_DER_OID otherwise. */
SG_MUST_USE sg_err sg_der_oid(sg_cur *c, sg_slice *oid, sg_diag *d);
/* 1 when `oid` (content octets) equals the encoded constant enc[0..len). */
int sg_der_oid_eq(sg_slice oid, const uint8_t *enc, size_t len);
/* Dotted text of OID content octets ("1.3.6.1.4.1.57264.1.1"), NUL-terminated in out[0..cap).
 * SG_ERR_LIMIT if cap is too small, SG_ERR_DER_OID for invalid contents or an arc over 64 bits;
 * `out` is zeroed on failure. Not recorded in a diag (formatting only). */
SG_MUST_USE sg_err sg_der_oid_text(sg_slice oid, char *out, size_t cap);
/* A string of the given tag, with its character set checked: UTF8String valid UTF-8 (no
 * overlongs, surrogates or code points above U+10FFFF), PrintableString its X.680 set,
 * IA5String 7-bit ASCII; a NUL byte is refused in all three (null-prefix names).
 * SG_ERR_DER_STRING otherwise, including any other tag. */
SG_MUST_USE sg_err sg_der_string(sg_cur *c, uint8_t tag, sg_slice *s, sg_diag *d);
/* Check an already-read string value against the rules of `tag` (for SAN/DN values). */
SG_MUST_USE sg_err sg_der_check_string(uint8_t tag, sg_slice s, sg_diag *d);
/* UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5: UTCTime years 50-99 are 19xx) to Unix
 * seconds. Exactly YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ; month, day (leap years included),
 * hour < 24, minute < 60, second < 60 checked: SG_ERR_DER_TIME otherwise, SG_ERR_DER_TAG for
 * another tag. */
SG_MUST_USE sg_err sg_der_time(sg_cur *c, int64_t *unix_seconds, sg_diag *d);

/* ---- writer ---- */
/* Bytes of the identifier and length octets for contents of `len` bytes (2 to 6), so a caller
 * can size a SEQUENCE before writing it. */
size_t sg_der_header_size(size_t len);
/* Append tag, minimal length and value. The writers return nothing, as sg_buf_put: a full
 * buffer, or a length above 2^32 - 1 that the reader would refuse, sets the buffer's sticky
 * overflow flag, so a sequence of writes is checked once with sg_buf_status(). */
void sg_der_write(sg_buf *b, uint8_t tag, const uint8_t *value, size_t len);
/* Append just a tag and minimal length (the caller appends `len` value bytes after). */
void sg_der_write_header(sg_buf *b, uint8_t tag, size_t len);
/* Append a non-negative INTEGER from a big-endian magnitude (leading zeros stripped, a 0x00
 * sign octet added when the top bit is set; an empty or all-zero magnitude writes 0). */
void sg_der_write_uint(sg_buf *b, const uint8_t *mag, size_t len);

#endif
