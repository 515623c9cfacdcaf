/* codec: strict base64 (standard and URL alphabets) and lowercase hex (layer 1).
 *
 * base64 (RFC 4648 §4, §5): the caller says which alphabets and which padding it accepts.
 * Rejected always: characters outside the chosen alphabet(s), whitespace, mixing the two
 * alphabets in one input, '=' anywhere but the end, a lone final character (length % 4 == 1),
 * and non-zero unused bits in the last character (so each byte string has exactly one accepted
 * encoding per alphabet/padding choice). hex: even length, [0-9a-f] only on input (lowercase
 * is what every Sigstore and OCI producer writes); lowercase on output. */
#ifndef SG_CODEC_H
#define SG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

/* Flags for sg_b64_decode / sg_b64_encode. */
#define SG_B64_STD 0x01u       /* accept / write '+' '/' */
#define SG_B64_URL 0x02u       /* accept / write '-' '_' */
#define SG_B64_PAD 0x04u       /* accept / write '=' padding */
#define SG_B64_NOPAD 0x08u     /* accept unpadded input (decode only) */
/* Protobuf-JSON bytes fields (bundles, trusted roots): either alphabet, padded or not. */
#define SG_B64_ANY (SG_B64_STD | SG_B64_URL | SG_B64_PAD | SG_B64_NOPAD)

/* Upper bound of the decoded size of `len` input characters. */
size_t sg_b64_decoded_max(size_t len);
/* Exact encoded length of `n` bytes with the given flags (padding iff SG_B64_PAD). */
size_t sg_b64_encoded_len(size_t n, unsigned flags);

/* Decode `in` into out[0..cap). `flags` names at least one alphabet and at least one of
 * SG_B64_PAD / SG_B64_NOPAD (else SG_ERR_ARG). With SG_B64_PAD, padded input must be a whole
 * number of 4-character groups; with SG_B64_NOPAD, input whose length is not a multiple of 4
 * is accepted without '='; input of length 4k needs no padding either way. The empty input
 * decodes to 0 bytes. On success *out_len is the byte count. Errors: SG_ERR_B64_CHAR (bad or
 * mixed-alphabet character), SG_ERR_B64_PAD (missing, misplaced, excess or unwanted '='),
 * SG_ERR_B64_BITS, SG_ERR_B64_LENGTH (length % 4 == 1), all recorded with the offending offset,
 * SG_ERR_LIMIT when cap is too small (sg_b64_decoded_max(len) is always enough). The whole
 * input is validated before anything is written: on failure *out_len is 0 and nothing was
 * written (out[0..min(cap, sg_b64_decoded_max(len))) is zeroed). */
SG_MUST_USE sg_err sg_b64_decode(const uint8_t *in, size_t len, unsigned flags, uint8_t *out,
	size_t cap, size_t *out_len, sg_diag *d);
/* Append the encoding of `in` to `out` (exactly one of SG_B64_STD or SG_B64_URL, else
 * SG_ERR_ARG; with SG_B64_PAD or not). SG_ERR_LIMIT when it does not fit (nothing is written
 * and the buffer's sticky overflow flag is set). */
SG_MUST_USE sg_err sg_b64_encode(const uint8_t *in, size_t len, unsigned flags, sg_buf *out);

/* Decode lowercase hex into out[0..cap). SG_ERR_HEX (a character outside [0-9a-f], uppercase
 * included, or odd length; recorded with the offset) or SG_ERR_LIMIT when cap < len / 2.
 * Nothing is written on failure and *out_len is 0. */
SG_MUST_USE sg_err sg_hex_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
	size_t *out_len, sg_diag *d);
/* Append lowercase hex of `in` to `out`. SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_hex_encode(const uint8_t *in, size_t len, sg_buf *out);

#endif
