/* vfj: vendor-free JSON. A strict RFC 8259 tokenizer, typed accessors, a compact writer and an
 * RFC 8785 (JCS) canonicalizer, in plain C11 with libc only. It never allocates: the caller
 * supplies the token array and every output buffer. docs/json.md has the full description.
 *
 * Strictness (all of RFC 8259, plus I-JSON / RFC 7493 rules a verifier needs):
 *   - exactly one top-level value, whitespace (SP, HT, LF, CR only) around it, nothing after;
 *   - no trailing commas, comments, bare words, single quotes, NaN/Infinity;
 *   - numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? exactly;
 *   - strings: no raw bytes below 0x20, only the nine RFC 8259 escapes, \u surrogates only as a
 *     high+low pair in that order, UTF-8 that is well-formed (no overlong forms, no encoded
 *     surrogates, nothing above U+10FFFF, no truncated sequence);
 *   - no duplicate keys in one object, compared after unescaping ("a" equals "\u0061");
 *   - no byte order mark.
 *
 * Token tree. Tokens are stored in document order. An object's children are its keys (STRING
 * tokens with VFJ_TOK_KEY set); each key has exactly one child, its value, stored right after
 * it. An array's children are its elements. Siblings are linked through `next`, so skipping a
 * subtree is O(1); `parent` points up (a value in an object has its key as parent).
 *
 * Lifetimes: a vfj_doc and the offsets in its tokens refer to the input bytes and the token
 * array passed to vfj_parse; both must stay alive and unmodified while the doc is used. */
#ifndef VFJ_H
#define VFJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define VFJ_MUST_USE __attribute__((warn_unused_result))
#else
#define VFJ_MUST_USE
#endif

/* "No token": end of a sibling list, no parent, key not found. */
#define VFJ_NONE SIZE_MAX

/* Default input size cap: the largest document picosign reads (style.md §5.4). */
#define VFJ_DEFAULT_MAX_LEN ((size_t)4 * 1024 * 1024)
/* Default nesting cap: Sigstore bundles and trusted roots nest fewer than 10 levels. */
#define VFJ_DEFAULT_MAX_DEPTH 32u
/* Hard nesting cap; larger vfj_limits.max_depth values are lowered to it. It sizes a 128-byte
 * bit stack on the parser's C stack. */
#define VFJ_MAX_DEPTH_CAP 1024u
/* Writer nesting cap: the writer keeps two 64-bit stacks (container kind, "has an item"). */
#define VFJ_W_MAX_DEPTH 64u

/* Expands to a string literal and its length, for the (key, keylen) parameters below:
 * vfj_obj_get(doc, obj, VFJ_LIT("logIndex")). */
#define VFJ_LIT(s) ("" s ""), (sizeof(s) - 1)

typedef enum vfj_err {
	VFJ_OK = 0,
	VFJ_ERR_SYNTAX,          /* a byte the grammar does not allow here */
	VFJ_ERR_TRUNCATED,       /* input ended inside a value */
	VFJ_ERR_TRAILING,        /* non-whitespace after the top-level value */
	VFJ_ERR_DEPTH,           /* nesting deeper than the limit */
	VFJ_ERR_TOO_MANY_TOKENS, /* more tokens than the caller's array holds */
	VFJ_ERR_TOO_LARGE,       /* input longer than the size limit */
	VFJ_ERR_UTF8,            /* ill-formed UTF-8 */
	VFJ_ERR_ESCAPE,          /* bad escape or unpaired/mis-ordered \u surrogate */
	VFJ_ERR_CONTROL_CHAR,    /* raw byte below 0x20 inside a string */
	VFJ_ERR_DUPLICATE_KEY,   /* two equal keys (after unescaping) in one object */
	VFJ_ERR_NUMBER,          /* malformed number (leading zero, "1.", "-", "1e+") */
	VFJ_ERR_TYPE,            /* accessor used on a token of another type */
	VFJ_ERR_NOT_FOUND,       /* object has no such key */
	VFJ_ERR_RANGE,           /* integer does not fit the requested type */
	VFJ_ERR_BUFFER,          /* output buffer too small */
	VFJ_ERR_NOT_RAW,         /* string contains escapes, so it has no zero-copy view */
	VFJ_ERR_UNSUPPORTED,     /* number the canonicalizer cannot format exactly */
	VFJ_ERR_STATE,           /* writer calls out of order, or nesting too deep */
	VFJ_ERR_ARG              /* invalid argument: NULL pointer or bad token index */
} vfj_err;

#define VFJ_ERR_COUNT 20

typedef enum vfj_type {
	VFJ_UNDEFINED = 0,
	VFJ_OBJECT,
	VFJ_ARRAY,
	VFJ_STRING,
	VFJ_NUMBER,
	VFJ_TRUE,
	VFJ_FALSE,
	VFJ_NULL
} vfj_type;

/* Token flags. */
#define VFJ_TOK_KEY 0x01u     /* STRING: an object key */
#define VFJ_TOK_ESCAPED 0x02u /* STRING: contains at least one backslash escape */
#define VFJ_TOK_NEG 0x04u     /* NUMBER: starts with '-' */
#define VFJ_TOK_FRAC 0x08u    /* NUMBER: has a fraction part */
#define VFJ_TOK_EXP 0x10u     /* NUMBER: has an exponent part */

typedef struct vfj_token {
	size_t start;  /* offset of the first byte; for strings, the byte after the opening quote */
	size_t end;    /* offset one past the last byte; for strings, the closing quote */
	size_t parent; /* parent token index, VFJ_NONE for the top-level value */
	size_t next;   /* next sibling index, VFJ_NONE for the last one (and for object values) */
	size_t size;   /* children: members of an object, elements of an array, 1 for a key */
	vfj_type type;
	unsigned flags; /* VFJ_TOK_* */
} vfj_token;

typedef struct vfj_doc {
	const uint8_t *json;    /* the input */
	size_t len;
	const vfj_token *toks;  /* toks[0] is the top-level value; NULL after a counting parse */
	size_t ntok;
} vfj_doc;

/* Limits. A zero field means the default. The token limit is the token array's capacity. */
typedef struct vfj_limits {
	size_t max_len;   /* default VFJ_DEFAULT_MAX_LEN */
	size_t max_depth; /* default VFJ_DEFAULT_MAX_DEPTH, at most VFJ_MAX_DEPTH_CAP */
} vfj_limits;

/* A static message for `e` ("unexpected byte", ...); "unknown error" for unknown values. */
const char *vfj_err_str(vfj_err e);

/* ---- parsing ---- */

/* Tokenize `json` (`len` bytes, no terminator needed) into `toks` (room for `cap` tokens) and
 * fill `doc`. `lim` may be NULL for the defaults. Single pass, linear in `len`, except the
 * duplicate-key check: each object's keys are merge-sorted when it closes, O(k log k) key
 * comparisons for k keys, each comparison at most the length of the shorter key; no extra
 * memory (the sort links keys through their `size` field and restores it).
 * Counting mode: with `toks` NULL (and `cap` ignored) the input is fully checked except for
 * duplicate keys, and `doc->ntok` says how many tokens a real parse needs.
 * Returns VFJ_OK or VFJ_ERR_SYNTAX, _TRUNCATED, _TRAILING, _DEPTH, _TOO_MANY_TOKENS,
 * _TOO_LARGE, _UTF8, _ESCAPE, _CONTROL_CHAR, _DUPLICATE_KEY, _NUMBER, _ARG. On failure `doc`
 * is zeroed, the token array holds garbage, and `*err_off` (if `err_off` is not NULL) is the
 * byte offset of the failure: the offending byte, the start of the bad escape, UTF-8 sequence
 * or number, the opening quote of the earliest key that repeats an earlier one, `len` for
 * truncation, or the size limit for VFJ_ERR_TOO_LARGE. On success `*err_off` is 0. */
VFJ_MUST_USE vfj_err vfj_parse(const uint8_t *json, size_t len, vfj_token *toks, size_t cap,
	const vfj_limits *lim, vfj_doc *doc, size_t *err_off);

/* ---- navigation (indices are token indices; VFJ_NONE in, VFJ_NONE out) ---- */

/* Type of token `t`, VFJ_UNDEFINED when `t` is out of range. */
vfj_type vfj_type_of(const vfj_doc *doc, size_t t);
/* True when token `t` exists and has type `type`. */
bool vfj_is(const vfj_doc *doc, size_t t, vfj_type type);
/* True for a NUMBER token without fraction or exponent (it may still be out of int64 range). */
bool vfj_is_integer(const vfj_doc *doc, size_t t);
/* Number of children: object members, array elements, 1 for a key, 0 otherwise. */
size_t vfj_count(const vfj_doc *doc, size_t t);
/* First child (first key of an object, first element of an array, value of a key). */
size_t vfj_first(const vfj_doc *doc, size_t t);
/* Next sibling: the next key of the object, or next element of the array. */
size_t vfj_next(const vfj_doc *doc, size_t t);
/* The value of key token `key` (VFJ_NONE if `key` is not a key). */
size_t vfj_value(const vfj_doc *doc, size_t key);
/* Index of the first token after the subtree of `t` (doc->ntok at the end). O(depth). */
size_t vfj_skip(const vfj_doc *doc, size_t t);
/* Element `i` of array `arr`: O(i). */
size_t vfj_array_get(const vfj_doc *doc, size_t arr, size_t i);
/* Value of member `key` (`keylen` bytes of UTF-8, compared with the unescaped key) of object
 * `obj`: O(members). VFJ_NONE when `obj` is not an object or has no such key. */
size_t vfj_obj_get(const vfj_doc *doc, size_t obj, const char *key, size_t keylen);

/* ---- typed access; all return VFJ_ERR_ARG for a bad index or NULL output, VFJ_ERR_TYPE for a
 * token of the wrong type; outputs are zeroed on failure ---- */

/* True when string token `t` unescapes to exactly the `len` bytes at `s`. */
bool vfj_str_eq(const vfj_doc *doc, size_t t, const char *s, size_t len);
/* Zero-copy view of string `t` (between the quotes): VFJ_ERR_NOT_RAW when it contains escapes
 * (then use vfj_str_unescape). The view lives as long as the input. */
VFJ_MUST_USE vfj_err vfj_str_span(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len);
/* Unescape string `t` into `out` (capacity `cap`) as UTF-8 without a terminator; `*out_len` is
 * the length. The result may contain NUL bytes (from \u0000). VFJ_ERR_BUFFER when `cap` is too
 * small: then `*out_len` is the length needed and `out` is zeroed. */
VFJ_MUST_USE vfj_err vfj_str_unescape(const vfj_doc *doc, size_t t, uint8_t *out, size_t cap,
	size_t *out_len);
/* Integer value of number `t`. VFJ_ERR_TYPE if it has a fraction or exponent ("1.0", "1e3"),
 * VFJ_ERR_RANGE if it does not fit. vfj_u64 rejects any '-' (also "-0") with VFJ_ERR_RANGE. */
VFJ_MUST_USE vfj_err vfj_i64(const vfj_doc *doc, size_t t, int64_t *out);
VFJ_MUST_USE vfj_err vfj_u64(const vfj_doc *doc, size_t t, uint64_t *out);
/* The number's text exactly as written. */
VFJ_MUST_USE vfj_err vfj_num_raw(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len);
/* true/false token value. */
VFJ_MUST_USE vfj_err vfj_bool(const vfj_doc *doc, size_t t, bool *out);
/* The JSON text of any value (strings include their quotes), e.g. to canonicalize a member. */
VFJ_MUST_USE vfj_err vfj_raw(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len);

/* Field shortcuts: look up `key` in object `obj`, then call the accessor above. They add
 * VFJ_ERR_NOT_FOUND for a missing key or when `obj` is VFJ_NONE (so lookups chain:
 * vfj_obj_i64(doc, vfj_obj_get(doc, 0, VFJ_LIT("Payload")), ...)), and VFJ_ERR_TYPE when `obj`
 * is not an object. */
VFJ_MUST_USE vfj_err vfj_obj_str_span(const vfj_doc *doc, size_t obj, const char *key,
	size_t keylen, const uint8_t **p, size_t *len);
VFJ_MUST_USE vfj_err vfj_obj_str(const vfj_doc *doc, size_t obj, const char *key, size_t keylen,
	uint8_t *out, size_t cap, size_t *out_len);
VFJ_MUST_USE vfj_err vfj_obj_i64(const vfj_doc *doc, size_t obj, const char *key, size_t keylen,
	int64_t *out);
VFJ_MUST_USE vfj_err vfj_obj_u64(const vfj_doc *doc, size_t obj, const char *key, size_t keylen,
	uint64_t *out);
VFJ_MUST_USE vfj_err vfj_obj_bool(const vfj_doc *doc, size_t obj, const char *key,
	size_t keylen, bool *out);

/* ---- writer: compact JSON into a caller buffer ---- */

/* Writer flags. With no flags, strings escape only '"', '\\' and bytes below 0x20 (\b \f \n
 * \r \t, others \u00xx in lowercase hex), which is exactly RFC 8785's string form; '/' and
 * non-ASCII are written as is. */
#define VFJ_W_ESCAPE_HTML 0x1u    /* also '<' '>' '&' as \u003c \u003e \u0026 */
#define VFJ_W_ESCAPE_LINESEP 0x2u /* also U+2028 U+2029 as \u2028 \u2029 */
/* Go encoding/json's default (json.Marshal), as cosign uses for the simple-signing payload. */
#define VFJ_W_GO (VFJ_W_ESCAPE_HTML | VFJ_W_ESCAPE_LINESEP)

/* Writer state; treat as opaque. The first error sticks: later calls do nothing. */
typedef struct vfj_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	vfj_err err;
	unsigned flags;
	unsigned depth;
	uint64_t is_obj;   /* bit d: level d+1 is an object */
	uint64_t has_item; /* bit d: level d+1 already holds a member or element */
	bool after_key;    /* a key was written, its value comes next */
	bool done;         /* the top-level value is complete */
} vfj_writer;

/* Start writing into `buf` (capacity `cap`) with VFJ_W_* `flags`. */
void vfj_w_init(vfj_writer *w, uint8_t *buf, size_t cap, unsigned flags);
void vfj_w_obj_begin(vfj_writer *w);
void vfj_w_obj_end(vfj_writer *w);
void vfj_w_arr_begin(vfj_writer *w);
void vfj_w_arr_end(vfj_writer *w);
/* A member key: `len` bytes of UTF-8 (VFJ_ERR_UTF8 otherwise). The writer does not check for
 * duplicate keys or key order; for canonical output, write keys in RFC 8785 order. */
void vfj_w_key(vfj_writer *w, const char *key, size_t len);
/* A string value: `len` bytes of UTF-8 (VFJ_ERR_UTF8 otherwise), escaped per the flags. */
void vfj_w_str(vfj_writer *w, const void *s, size_t len);
void vfj_w_i64(vfj_writer *w, int64_t v);
void vfj_w_u64(vfj_writer *w, uint64_t v);
/* A number given as text; it must match the JSON number grammar (VFJ_ERR_NUMBER otherwise). */
void vfj_w_num_raw(vfj_writer *w, const char *num, size_t len);
void vfj_w_bool(vfj_writer *w, bool v);
void vfj_w_null(vfj_writer *w);
/* One complete pre-serialized JSON value, copied as is after a strict check (vfj_parse in
 * counting mode, so duplicate keys inside it are not detected). */
void vfj_w_raw(vfj_writer *w, const void *json, size_t len);
/* The sticky error so far. */
vfj_err vfj_w_error(const vfj_writer *w);
/* Finish: VFJ_OK with `*out_len` set when exactly one complete value was written. Otherwise
 * the sticky error (VFJ_ERR_BUFFER when `cap` was too small, VFJ_ERR_STATE for calls out of
 * order or an unfinished value, VFJ_ERR_UTF8, VFJ_ERR_NUMBER, VFJ_ERR_ARG for a NULL string
 * with a nonzero length, or a vfj_parse error from vfj_w_raw); then the written bytes are
 * zeroed and `*out_len` is 0. */
VFJ_MUST_USE vfj_err vfj_w_finish(vfj_writer *w, size_t *out_len);

/* ---- RFC 8785 canonicalization ---- */

/* Parse `json` strictly (as vfj_parse, with `toks`/`tokcap` as scratch, clobbered) and write
 * its RFC 8785 canonical form into `out` (capacity `cap`), length in `*out_len`: object
 * members sorted by the UTF-16 code units of their unescaped keys, no whitespace, strings
 * escaped as with writer flags 0, numbers in ECMAScript Number::toString form.
 * Numbers supported (others give VFJ_ERR_UNSUPPORTED at the number's offset, so the output is
 * never an approximation): any integer of magnitude at most 2^53 in whatever notation, and any
 * number with at most 15 significant digits whose decimal exponent is within -307..307 (for
 * those the shortest round-trip digits are exactly the written digits, so no floating point is
 * involved). "-0" becomes "0", "1E30" becomes "1e+30", "4.50" becomes "4.5".
 * Returns VFJ_OK, any vfj_parse error, VFJ_ERR_UNSUPPORTED, or VFJ_ERR_BUFFER (output may be
 * longer than the input: "1e20" becomes 21 digits). On failure all `cap` bytes of `out` are
 * zeroed, `*out_len` is 0, and `*err_off` (if not NULL) is the input offset concerned. */
VFJ_MUST_USE vfj_err vfj_canonicalize(const uint8_t *json, size_t len, uint8_t *out, size_t cap,
	size_t *out_len, vfj_token *toks, size_t tokcap, const vfj_limits *lim, size_t *err_off);

#endif
