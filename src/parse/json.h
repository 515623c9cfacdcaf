/* json: picosign's thin adapter over vfj (layer 1).
 *
 * vfj (vendor-free-json/) is a standalone strict RFC 8259 tokenizer with its own error enum and
 * no knowledge of sg_*. This module gives the rest of picosign one way to use it:
 *   - parsing with the limits of limits.h (SG_MAX_JSON bytes, SG_MAX_JSON_TOKENS tokens,
 *     SG_MAX_JSON_DEPTH levels), token arrays from an sg_arena or from the caller;
 *   - vfj errors mapped onto SG_ERR_JSON_* with the byte offset in sg_diag;
 *   - typed field getters for protobuf-JSON documents (bundles, trusted roots) that name the
 *     field in the diagnostic ("bundle verificationMaterial.certificate.rawBytes"): strings
 *     (unescaped into the arena when they contain escapes, else zero-copy), base64 bytes,
 *     int64 from a JSON number or from a decimal string (proto3 JSON writes int64 as strings),
 *     RFC 3339 timestamps, arrays and objects, and dotted-path lookup.
 *
 * Token indices are size_t; SG_JSON_NONE (= VFJ_NONE) means "absent". Every getter takes the
 * containing object, a key (a NUL-terminated constant of ours, never untrusted input), whether
 * the field is required, and a static `what` string for diagnostics. A missing required field
 * gives SG_ERR_JSON_MISSING; a value of the wrong JSON type SG_ERR_JSON_TYPE. Optional getters
 * report absence through `*present` (may be NULL) and leave outputs zeroed.
 *
 * Lifetimes: an sg_json refers to the input bytes and the token array; views returned by the
 * getters point into the input or into the arena and live as long as both. */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "vfj.h"

#define SG_JSON_NONE VFJ_NONE

typedef struct sg_json {
	vfj_doc doc;
	const uint8_t *json; /* the input */
	size_t len;
} sg_json;

/* Required / optional flag for the getters. */
#define SG_JSON_REQUIRED 1
#define SG_JSON_OPTIONAL 0

/* Map a vfj error onto the sg_err space (VFJ_OK gives SG_OK). */
SG_MUST_USE sg_err sg_json_err(vfj_err e);

/* Parse `json` (at most SG_MAX_JSON bytes) with a token array sized exactly by a counting pass
 * and allocated from `arena` (at most SG_MAX_JSON_TOKENS tokens). On failure `out` is zeroed
 * and `d` holds the SG_ERR_JSON_* code (SG_ERR_TRUNCATED for input that ends inside a value,
 * SG_ERR_TRAILING for bytes after the value) with the byte offset; `what` names the document
 * ("bundle", "trusted root"). SG_ERR_LIMIT when the arena is exhausted. */
SG_MUST_USE sg_err sg_json_parse(const uint8_t *json, size_t len, sg_arena *arena, const char *what,
	sg_json *out, sg_diag *d);

/* The same with a caller-supplied token array of `cap` tokens (SG_ERR_JSON_TOKENS when it is
 * too small). */
SG_MUST_USE sg_err sg_json_parse_into(const uint8_t *json, size_t len, vfj_token *toks, size_t cap,
	const char *what, sg_json *out, sg_diag *d);

/* Write the RFC 8785 canonical form of `json` into the arena (`out` views it). Errors as
 * sg_json_parse, plus SG_ERR_UNSUPPORTED for a number that cannot be canonicalized exactly. */
SG_MUST_USE sg_err sg_json_canonicalize(
	const uint8_t *json, size_t len, sg_arena *arena, sg_slice *out, sg_diag *d);

/* Write the canonical JSON of value `t` of `j` as TUF signs it into the arena (`out` views
 * it): the OLPC "Canonical JSON" dialect of securesystemslib's encode_canonical and
 * go-securesystemslib's cjson, which differs from RFC 8785 in every point that matters:
 *   - object members sorted by the bytes of their unescaped UTF-8 keys (code point order, as
 *     Python's sorted() and Go's sort.Strings give; RFC 8785 sorts by UTF-16 code units);
 *   - strings escape only '"' and '\' (each with a backslash); every other character, control
 *     characters included, is written raw;
 *   - numbers must be integers (no fraction, no exponent) within int64, written in shortest
 *     decimal form ("-0" becomes "0"); anything else is SG_ERR_UNSUPPORTED, as
 *     securesystemslib refuses floats;
 *   - true, false, null as themselves; no whitespace anywhere.
 * The output is never longer than the value's text. Errors: SG_ERR_UNSUPPORTED (a
 * non-integer number), SG_ERR_LIMIT (arena), SG_ERR_ARG (a bad token). */
SG_MUST_USE sg_err sg_json_canonical_olpc(const sg_json *j, size_t t, sg_arena *arena,
	sg_slice *out, sg_diag *d);

/* ---- navigation ---- */
/* The top-level value (token 0). */
size_t sg_json_root(const sg_json *j);
vfj_type sg_json_type(const sg_json *j, size_t t);
/* Value of member `key` of object `obj`, SG_JSON_NONE when absent or `obj` is not an object. */
size_t sg_json_get(const sg_json *j, size_t obj, const char *key);
/* Follow a dotted path of member names ("verificationMaterial.certificate.rawBytes") from
 * `obj`; SG_JSON_NONE when any step is missing or not an object. Member names containing '.'
 * cannot be addressed this way. */
size_t sg_json_path(const sg_json *j, size_t obj, const char *path);
/* Children: the first element of an array / first key of an object, and the next sibling. */
size_t sg_json_first(const sg_json *j, size_t t);
size_t sg_json_next(const sg_json *j, size_t t);
size_t sg_json_count(const sg_json *j, size_t t);
/* Byte offset of token `t` in the input, for diagnostics (0 for SG_JSON_NONE). */
size_t sg_json_offset(const sg_json *j, size_t t);

/* ---- typed access to a value token ---- */
/* A string value: zero-copy when it has no escapes, else unescaped into the arena. */
SG_MUST_USE sg_err sg_json_str(
	const sg_json *j, size_t t, const char *what, sg_arena *arena, sg_slice *out, sg_diag *d);
/* A string holding base64 (either alphabet, padded or not: proto3 JSON bytes) decoded into
 * the arena. Line breaks (CR, LF) inside the value are skipped, as Go's decoder behind
 * protojson does; any other non-alphabet byte is an error. */
SG_MUST_USE sg_err sg_json_b64(
	const sg_json *j, size_t t, const char *what, sg_arena *arena, sg_slice *out, sg_diag *d);
/* An integer written as a JSON integer or as a decimal string ("123", "-5"; no sign '+', no
 * leading zeros, no spaces, no fraction). SG_ERR_JSON_RANGE when it does not fit, else
 * SG_ERR_JSON_TYPE / SG_ERR_JSON_VALUE. */
SG_MUST_USE sg_err sg_json_int64(
	const sg_json *j, size_t t, const char *what, int64_t *out, sg_diag *d);
/* An RFC 3339 timestamp string (google.protobuf.Timestamp) as Unix seconds. */
SG_MUST_USE sg_err sg_json_time(
	const sg_json *j, size_t t, const char *what, int64_t *out, sg_diag *d);
/* Check that token `t` has type `type` (SG_ERR_JSON_TYPE otherwise). */
SG_MUST_USE sg_err sg_json_expect(
	const sg_json *j, size_t t, vfj_type type, const char *what, sg_diag *d);

/* ---- member getters: look up `key` in `obj`, then as above ----
 * `required` is SG_JSON_REQUIRED or SG_JSON_OPTIONAL; `present` (may be NULL) is set to 1 when
 * the member exists. A JSON null member counts as absent (proto3 JSON allows null for unset
 * fields). */
SG_MUST_USE sg_err sg_json_get_obj(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, size_t *out, sg_diag *d);
/* An array member: `*out` is its token, `*count` its element count (0 when absent). */
SG_MUST_USE sg_err sg_json_get_arr(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, size_t *out, size_t *count, sg_diag *d);
SG_MUST_USE sg_err sg_json_get_str(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, sg_arena *arena, sg_slice *out, int *present, sg_diag *d);
SG_MUST_USE sg_err sg_json_get_b64(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, sg_arena *arena, sg_slice *out, int *present, sg_diag *d);
SG_MUST_USE sg_err sg_json_get_int64(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, int64_t *out, int *present, sg_diag *d);
SG_MUST_USE sg_err sg_json_get_time(const sg_json *j, size_t obj, const char *key, int required,
	const char *what, int64_t *out, int *present, sg_diag *d);

/* ---- writing into an sg_buf ----
 * sg_json_w_start starts a vfj writer over the free room of `out` (the caller checked that
 * out->overflow is clear); sg_json_w_finish finishes it and appends what was written to
 * out->len. A full buffer sets out->overflow and gives SG_ERR_LIMIT (`what`), any other
 * writer error SG_ERR_ARG with vfj's message. */
void sg_json_w_start(vfj_writer *w, sg_buf *out, unsigned flags);
SG_MUST_USE sg_err sg_json_w_finish(vfj_writer *w, sg_buf *out, const char *what, sg_diag *d);
/* Write p[0..n) as a standard, padded base64 string value (proto3 JSON bytes, Go's []byte),
 * encoded through a scratch buffer from `arena`. SG_ERR_LIMIT when the arena is full. */
SG_MUST_USE sg_err sg_json_w_b64(vfj_writer *w, const uint8_t *p, size_t n, sg_arena *arena,
	sg_diag *d);

#endif
