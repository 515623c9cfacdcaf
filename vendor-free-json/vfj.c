/* vfj.c: strict JSON tokenizer, accessors, writer and canonicalizer. See vfj.h.
 *
 * Implementation notes.
 * - Grammar: RFC 8259 §2 (one value, whitespace is SP HT LF CR), §4 objects, §5 arrays, §6
 *   numbers, §7 strings, §8.1 UTF-8. Well-formed UTF-8 is RFC 3629 §4 (Table 3-7 in Unicode):
 *   C0, C1 and F5..FF never appear; E0 needs A0..BF next (no overlong), ED needs 80..9F (no
 *   encoded surrogates), F0 needs 90..BF (no overlong), F4 needs 80..8F (nothing > U+10FFFF).
 * - Beyond RFC 8259 we apply I-JSON (RFC 7493): §2.1 no unpaired surrogates, §2.3 member names
 *   unique. The same text must mean the same thing to every verifier, so anything a lenient
 *   parser might read differently from a strict one is rejected.
 * - The parser is one loop over a six-state machine; nesting lives in a bit stack (object or
 *   array per level) and, when tokens are stored, in the tokens' parent links. No recursion.
 * - While a container is open its token's `end` field holds the index of its last child, so
 *   appending a sibling link is O(1); the real end offset replaces it when the container closes.
 * - Duplicate keys: when an object closes, its keys are linked through their `size` field
 *   (always 1 for a key) and merge-sorted as a linked list (bottom-up, O(1) extra memory,
 *   O(k log k) comparisons), then adjacent keys are compared and `size` is restored.
 * - RFC 8785 canonicalization re-parses into the caller's scratch tokens, sorts every object's
 *   keys by UTF-16 code units with the same list sort (relinking `next`), then walks the tree
 *   iteratively through parent/next links. Numbers are formatted from their decimal digits;
 *   see canon_number for why that is exact for the supported subset. */
#include "vfj.h"

#include <string.h>

/* ---- error messages ---- */

static const char *const err_msgs[VFJ_ERR_COUNT] = {
	"ok",
	"unexpected byte",
	"unexpected end of input",
	"trailing data after the JSON value",
	"nesting too deep",
	"too many tokens",
	"input too large",
	"invalid UTF-8",
	"invalid escape or unpaired surrogate",
	"unescaped control character in string",
	"duplicate object key",
	"malformed number",
	"wrong JSON type",
	"key not found",
	"number out of range",
	"output buffer too small",
	"string has escapes, no raw view",
	"number not supported by the canonicalizer",
	"writer call out of order",
	"invalid argument", /* keep in step with vfj_err: the last entry is VFJ_ERR_ARG */
};

_Static_assert(VFJ_ERR_ARG + 1 == VFJ_ERR_COUNT, "VFJ_ERR_COUNT must follow the last error");

/* see vfj.h */
const char *
vfj_err_str(vfj_err e)
{
	if ((unsigned)e >= VFJ_ERR_COUNT)
		return "unknown error";
	return err_msgs[e];
}

/* ---- byte-level helpers shared by the parser, accessors and writer ---- */

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* 0..15 for a hex digit, 16 otherwise. */
static uint32_t
hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return (uint32_t)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (uint32_t)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (uint32_t)(c - 'A' + 10);
	return 16;
}

/* Four hex digits at s[i..]: VFJ_ERR_TRUNCATED if the input ends first, VFJ_ERR_ESCAPE for a
 * non-hex byte. */
static vfj_err
hex4(const uint8_t *s, size_t n, size_t i, uint32_t *v)
{
	uint32_t acc = 0;
	for (size_t k = 0; k < 4; k++) {
		if (n - i <= k)
			return VFJ_ERR_TRUNCATED;
		uint32_t d = hex_val(s[i + k]);
		if (d > 15)
			return VFJ_ERR_ESCAPE;
		acc = (acc << 4) | d;
	}
	*v = acc;
	return VFJ_OK;
}

/* Check one UTF-8 sequence whose lead byte s[i] is >= 0x80 (i < n). On success `*adv` is its
 * length. VFJ_ERR_TRUNCATED when the input ends inside a sequence that is valid so far. */
static vfj_err
utf8_seq(const uint8_t *s, size_t n, size_t i, size_t *adv)
{
	uint8_t c = s[i];
	uint8_t lo = 0x80, hi = 0xBF;
	size_t need;
	if (c < 0xC2)
		return VFJ_ERR_UTF8; /* continuation byte as lead, or overlong 2-byte form */
	if (c < 0xE0) {
		need = 1;
	} else if (c < 0xF0) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0; /* overlong 3-byte form */
		else if (c == 0xED)
			hi = 0x9F; /* U+D800..U+DFFF */
	} else if (c < 0xF5) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90; /* overlong 4-byte form */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return VFJ_ERR_UTF8;
	}
	for (size_t k = 1; k <= need; k++) {
		if (n - i <= k)
			return VFJ_ERR_TRUNCATED;
		uint8_t b = s[i + k];
		if (b < lo || b > hi)
			return VFJ_ERR_UTF8;
		lo = 0x80;
		hi = 0xBF;
	}
	*adv = need + 1;
	return VFJ_OK;
}

/* Decode one already validated UTF-8 sequence at s. */
static uint32_t
utf8_decode(const uint8_t *s, size_t *adv)
{
	uint32_t c = s[0];
	if (c < 0x80) {
		*adv = 1;
		return c;
	}
	if (c < 0xE0) {
		*adv = 2;
		return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	}
	if (c < 0xF0) {
		*adv = 3;
		return ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
	}
	*adv = 4;
	return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
		(s[3] & 0x3Fu);
}

/* Encode code point `cp` (a scalar value) into out[0..3]; returns the length. */
static size_t
utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0u | (cp >> 6));
		out[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0u | (cp >> 12));
		out[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
		out[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
		return 3;
	}
	out[0] = (uint8_t)(0xF0u | (cp >> 18));
	out[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
	out[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
	out[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
	return 4;
}

/* One escape sequence starting at the backslash s[i]. RFC 8259 §7: the two-character escapes
 * \" \\ \/ \b \f \n \r \t and \uXXXX; a \u high surrogate must be followed at once by a \u low
 * surrogate (I-JSON §2.1), and a low surrogate may not appear alone. */
static vfj_err
scan_escape(const uint8_t *s, size_t n, size_t i, size_t *adv)
{
	uint32_t hi, lo;
	vfj_err e;
	if (n - i < 2)
		return VFJ_ERR_TRUNCATED;
	switch (s[i + 1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		*adv = 2;
		return VFJ_OK;
	case 'u':
		break;
	default:
		return VFJ_ERR_ESCAPE;
	}
	e = hex4(s, n, i + 2, &hi);
	if (e != VFJ_OK)
		return e;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return VFJ_ERR_ESCAPE;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*adv = 6;
		return VFJ_OK;
	}
	if (n - i < 7)
		return VFJ_ERR_TRUNCATED;
	if (s[i + 6] != '\\')
		return VFJ_ERR_ESCAPE;
	if (n - i < 8)
		return VFJ_ERR_TRUNCATED;
	if (s[i + 7] != 'u')
		return VFJ_ERR_ESCAPE;
	e = hex4(s, n, i + 8, &lo);
	if (e != VFJ_OK)
		return e;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return VFJ_ERR_ESCAPE;
	*adv = 12;
	return VFJ_OK;
}

/* Scan string contents from s[i] (just after the opening quote) to the closing quote, whose
 * offset goes to `*close`. Sets VFJ_TOK_ESCAPED in `*flags` when an escape is seen. */
static vfj_err
scan_string(const uint8_t *s, size_t n, size_t i, size_t *close, unsigned *flags,
	size_t *err_at)
{
	size_t adv;
	vfj_err e;
	for (;;) {
		/* Fast path: plain printable ASCII. */
		while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= n) {
			*err_at = n;
			return VFJ_ERR_TRUNCATED;
		}
		uint8_t c = s[i];
		if (c == '"') {
			*close = i;
			return VFJ_OK;
		}
		if (c == '\\') {
			e = scan_escape(s, n, i, &adv);
			*flags |= VFJ_TOK_ESCAPED;
		} else if (c < 0x20) {
			*err_at = i;
			return VFJ_ERR_CONTROL_CHAR;
		} else {
			e = utf8_seq(s, n, i, &adv);
		}
		if (e != VFJ_OK) {
			*err_at = e == VFJ_ERR_TRUNCATED ? n : i;
			return e;
		}
		i += adv;
	}
}

/* Scan a number starting at s[i] (a '-' or a digit) per RFC 8259 §6:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. The number ends at the first byte that
 * cannot continue it; the caller's state machine then judges that byte. */
static vfj_err
scan_number(const uint8_t *s, size_t n, size_t i, size_t *end, unsigned *flags, size_t *err_at)
{
	size_t start = i;
	unsigned f = 0;
	*err_at = start;
	if (s[i] == '-') {
		f |= VFJ_TOK_NEG;
		i++;
	}
	if (i >= n)
		goto truncated;
	if (s[i] == '0') {
		i++;
		if (i < n && is_digit(s[i]))
			return VFJ_ERR_NUMBER; /* leading zero */
	} else if (is_digit(s[i])) {
		while (i < n && is_digit(s[i]))
			i++;
	} else {
		return VFJ_ERR_NUMBER;
	}
	if (i < n && s[i] == '.') {
		f |= VFJ_TOK_FRAC;
		i++;
		if (i >= n)
			goto truncated;
		if (!is_digit(s[i]))
			return VFJ_ERR_NUMBER;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		f |= VFJ_TOK_EXP;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n)
			goto truncated;
		if (!is_digit(s[i]))
			return VFJ_ERR_NUMBER;
		while (i < n && is_digit(s[i]))
			i++;
	}
	*end = i;
	*flags = f;
	return VFJ_OK;
truncated:
	*err_at = n;
	return VFJ_ERR_TRUNCATED;
}

/* ---- decoding validated string tokens ---- */

/* Iterator over the code points of a string token that vfj_parse accepted. */
typedef struct cp_iter {
	const uint8_t *s;
	size_t i;
	size_t end;
} cp_iter;

static uint32_t
hex4_unchecked(const uint8_t *s)
{
	return (hex_val(s[0]) << 12) | (hex_val(s[1]) << 8) | (hex_val(s[2]) << 4) | hex_val(s[3]);
}

static bool
cp_next(cp_iter *it, uint32_t *cp)
{
	const uint8_t *s = it->s + it->i;
	size_t adv;
	if (it->i >= it->end)
		return false;
	if (s[0] != '\\') {
		*cp = utf8_decode(s, &adv);
		it->i += adv;
		return true;
	}
	it->i += 2;
	switch (s[1]) {
	case 'b':
		*cp = 0x08;
		break;
	case 'f':
		*cp = 0x0C;
		break;
	case 'n':
		*cp = 0x0A;
		break;
	case 'r':
		*cp = 0x0D;
		break;
	case 't':
		*cp = 0x09;
		break;
	case 'u': {
		uint32_t v = hex4_unchecked(s + 2);
		it->i += 4;
		if (v >= 0xD800 && v <= 0xDBFF) {
			uint32_t lo = hex4_unchecked(s + 8);
			v = 0x10000u + ((v - 0xD800u) << 10) + (lo - 0xDC00u);
			it->i += 6;
		}
		*cp = v;
		break;
	}
	default: /* '"', '\\', '/' */
		*cp = s[1];
		break;
	}
	return true;
}

/* Rank of a code point in UTF-16 code unit order (RFC 8785 §3.2.3): supplementary characters
 * (first unit D800..DBFF) sort after U+0000..U+D7FF and before U+E000..U+FFFF. */
static uint32_t
utf16_rank(uint32_t cp)
{
	if (cp < 0xE000)
		return cp;
	if (cp < 0x10000)
		return cp + 0x100000u;
	return cp - 0x2000u;
}

/* Compare two string tokens by their unescaped contents: code point order (which is UTF-8 byte
 * order) or, with `utf16`, UTF-16 code unit order. */
static int
str_cmp(const uint8_t *js, const vfj_token *a, const vfj_token *b, bool utf16)
{
	if (!utf16 && ((a->flags | b->flags) & VFJ_TOK_ESCAPED) == 0) {
		size_t la = a->end - a->start, lb = b->end - b->start;
		int r = memcmp(js + a->start, js + b->start, la < lb ? la : lb);
		if (r != 0)
			return r;
		return la < lb ? -1 : la > lb ? 1 : 0;
	}
	cp_iter ia = { js, a->start, a->end }, ib = { js, b->start, b->end };
	for (;;) {
		uint32_t ca = 0, cb = 0;
		bool ha = cp_next(&ia, &ca), hb = cp_next(&ib, &cb);
		if (!ha || !hb)
			return ha ? 1 : hb ? -1 : 0;
		if (ca != cb) {
			if (utf16) {
				ca = utf16_rank(ca);
				cb = utf16_rank(cb);
			}
			return ca < cb ? -1 : 1;
		}
	}
}

/* True when string token `t` unescapes to s[0..len). */
static bool
str_equals(const uint8_t *js, const vfj_token *t, const uint8_t *s, size_t len)
{
	size_t raw = t->end - t->start;
	if ((t->flags & VFJ_TOK_ESCAPED) == 0)
		return raw == len && (len == 0 || memcmp(js + t->start, s, len) == 0);
	if (len > raw)
		return false; /* unescaping never makes a string longer */
	cp_iter it = { js, t->start, t->end };
	size_t j = 0;
	uint32_t cp;
	while (cp_next(&it, &cp)) {
		uint8_t u[4];
		size_t k = utf8_encode(cp, u);
		if (len - j < k || memcmp(s + j, u, k) != 0)
			return false;
		j += k;
	}
	return j == len;
}

/* ---- linked-list merge sort of object keys ---- */

static size_t *
link_of(vfj_token *t, size_t i, bool via_next)
{
	return via_next ? &t[i].next : &t[i].size;
}

/* Sort the list of key tokens starting at `head`, linked through `next` or `size`, by
 * str_cmp. Bottom-up merge sort on a linked list: O(k log k) comparisons, O(1) memory, stable
 * (equal keys stay in document order). Returns the new head. */
static size_t
sort_keys(const uint8_t *js, vfj_token *t, size_t head, bool via_next, bool utf16)
{
	size_t run = 1;
	for (;;) {
		size_t p = head, tail = VFJ_NONE, merges = 0;
		head = VFJ_NONE;
		while (p != VFJ_NONE) {
			size_t q = p, psize = 0, qsize = run;
			merges++;
			while (psize < run && q != VFJ_NONE) {
				psize++;
				q = *link_of(t, q, via_next);
			}
			while (psize > 0 || (qsize > 0 && q != VFJ_NONE)) {
				size_t e;
				if (psize == 0) {
					e = q;
					q = *link_of(t, q, via_next);
					qsize--;
				} else if (qsize == 0 || q == VFJ_NONE ||
					str_cmp(js, &t[p], &t[q], utf16) <= 0) {
					e = p;
					p = *link_of(t, p, via_next);
					psize--;
				} else {
					e = q;
					q = *link_of(t, q, via_next);
					qsize--;
				}
				if (tail == VFJ_NONE)
					head = e;
				else
					*link_of(t, tail, via_next) = e;
				tail = e;
			}
			p = q;
		}
		*link_of(t, tail, via_next) = VFJ_NONE;
		if (merges <= 1)
			return head;
		run *= 2;
	}
}

/* ---- the parser ---- */

typedef struct parser {
	const uint8_t *js;
	size_t len;
	size_t pos;
	vfj_token *toks; /* NULL in counting mode */
	size_t cap;
	size_t ntok;
	size_t depth;
	size_t max_depth;
	size_t cont; /* innermost open container token (token mode), VFJ_NONE at top level */
	size_t err_off;
	uint8_t objbits[VFJ_MAX_DEPTH_CAP / 8]; /* bit d set: level d+1 is an object */
} parser;

enum {
	ST_VALUE,        /* a value: top level, after ',' in an array, after ':' */
	ST_VALUE_OR_END, /* after '[' */
	ST_KEY,          /* after ',' in an object */
	ST_KEY_OR_END,   /* after '{' */
	ST_COLON,        /* after a key */
	ST_AFTER         /* after a value: ',' or the closing bracket, or the end */
};

static vfj_err
fail(parser *p, vfj_err e, size_t off)
{
	p->err_off = off;
	return e;
}

static bool
in_object(const parser *p)
{
	size_t d = p->depth - 1;
	return ((unsigned)p->objbits[d / 8] >> (d % 8)) & 1u;
}

/* Append a token for a value or key at `off` whose parent is `parent`. */
static vfj_err
new_tok(parser *p, vfj_type type, size_t parent, size_t off, size_t *idx)
{
	size_t i = p->ntok;
	*idx = VFJ_NONE;
	if (p->toks == NULL) {
		p->ntok++; /* at most one token per input byte: cannot overflow */
		return VFJ_OK;
	}
	if (i >= p->cap)
		return fail(p, VFJ_ERR_TOO_MANY_TOKENS, off);
	vfj_token *t = &p->toks[i];
	t->start = off;
	t->end = off;
	t->parent = parent;
	t->next = VFJ_NONE;
	t->size = 0;
	t->type = type;
	t->flags = 0;
	if (parent != VFJ_NONE) {
		vfj_token *pt = &p->toks[parent];
		pt->size++;
		if (pt->type != VFJ_STRING) {
			/* An open container's `end` holds its last child. */
			if (pt->end != VFJ_NONE)
				p->toks[pt->end].next = i;
			pt->end = i;
		}
	}
	p->ntok = i + 1;
	*idx = i;
	return VFJ_OK;
}

static vfj_err
open_container(parser *p, bool obj, size_t parent, size_t *idx)
{
	size_t d = p->depth;
	vfj_err e;
	if (d >= p->max_depth)
		return fail(p, VFJ_ERR_DEPTH, p->pos);
	e = new_tok(p, obj ? VFJ_OBJECT : VFJ_ARRAY, parent, p->pos, idx);
	if (e != VFJ_OK)
		return e;
	if (p->toks != NULL) {
		p->toks[*idx].end = VFJ_NONE; /* no last child yet */
		p->cont = *idx;
	}
	if (obj)
		p->objbits[d / 8] = (uint8_t)(p->objbits[d / 8] | (1u << (d % 8)));
	else
		p->objbits[d / 8] = (uint8_t)(p->objbits[d / 8] & ~(1u << (d % 8)));
	p->depth = d + 1;
	p->pos++;
	return VFJ_OK;
}

/* RFC 7493 §2.3: member names must be unique. Runs when object `obj` closes. */
static vfj_err
check_duplicates(parser *p, size_t obj)
{
	vfj_token *t = p->toks;
	size_t head = obj + 1, dup = VFJ_NONE;
	for (size_t k = head; k != VFJ_NONE; k = t[k].next)
		t[k].size = t[k].next;
	head = sort_keys(p->js, t, head, false, false);
	for (size_t a = head; t[a].size != VFJ_NONE; a = t[a].size) {
		size_t b = t[a].size;
		/* Stable sort: in a run of equal keys, b comes later in the document. Report the
		 * earliest repeated key so the offset does not depend on the sort. */
		if (str_cmp(p->js, &t[a], &t[b], false) == 0 && (dup == VFJ_NONE || b < dup))
			dup = b;
	}
	for (size_t k = obj + 1; k != VFJ_NONE; k = t[k].next)
		t[k].size = 1;
	if (dup != VFJ_NONE)
		return fail(p, VFJ_ERR_DUPLICATE_KEY, t[dup].start - 1);
	return VFJ_OK;
}

static vfj_err
close_container(parser *p)
{
	if (p->toks != NULL) {
		size_t c = p->cont;
		vfj_token *t = &p->toks[c];
		t->end = p->pos + 1;
		if (t->type == VFJ_OBJECT && t->size > 1) {
			vfj_err e = check_duplicates(p, c);
			if (e != VFJ_OK)
				return e;
		}
		size_t up = t->parent;
		if (up != VFJ_NONE && p->toks[up].type == VFJ_STRING)
			up = p->toks[up].parent; /* from the key to its object */
		p->cont = up;
	}
	p->depth--;
	p->pos++;
	return VFJ_OK;
}

static vfj_err
parse_string(parser *p, size_t parent, bool key, size_t *idx)
{
	size_t q = p->pos, close = 0, at = 0;
	unsigned flags = key ? VFJ_TOK_KEY : 0;
	vfj_err e = new_tok(p, VFJ_STRING, parent, q, idx);
	if (e != VFJ_OK)
		return e;
	e = scan_string(p->js, p->len, q + 1, &close, &flags, &at);
	if (e != VFJ_OK)
		return fail(p, e, at);
	if (p->toks != NULL) {
		vfj_token *t = &p->toks[*idx];
		t->start = q + 1;
		t->end = close;
		t->flags = flags;
	}
	p->pos = close + 1;
	return VFJ_OK;
}

static vfj_err
parse_literal(parser *p, const char *word, size_t wlen, vfj_type type, size_t parent)
{
	size_t i = p->pos, idx;
	for (size_t k = 0; k < wlen; k++) {
		if (p->len - i <= k)
			return fail(p, VFJ_ERR_TRUNCATED, p->len);
		if (p->js[i + k] != (uint8_t)word[k])
			return fail(p, VFJ_ERR_SYNTAX, i);
	}
	vfj_err e = new_tok(p, type, parent, i, &idx);
	if (e != VFJ_OK)
		return e;
	if (p->toks != NULL)
		p->toks[idx].end = i + wlen;
	p->pos = i + wlen;
	return VFJ_OK;
}

static vfj_err
parse_scalar(parser *p, uint8_t c, size_t parent)
{
	size_t idx, end = 0, at = 0;
	unsigned flags = 0;
	vfj_err e;
	switch (c) {
	case '"':
		return parse_string(p, parent, false, &idx);
	case 't':
		return parse_literal(p, "true", 4, VFJ_TRUE, parent);
	case 'f':
		return parse_literal(p, "false", 5, VFJ_FALSE, parent);
	case 'n':
		return parse_literal(p, "null", 4, VFJ_NULL, parent);
	default:
		break;
	}
	if (c != '-' && !is_digit(c))
		return fail(p, VFJ_ERR_SYNTAX, p->pos);
	e = scan_number(p->js, p->len, p->pos, &end, &flags, &at);
	if (e != VFJ_OK)
		return fail(p, e, at);
	e = new_tok(p, VFJ_NUMBER, parent, p->pos, &idx);
	if (e != VFJ_OK)
		return e;
	if (p->toks != NULL) {
		p->toks[idx].end = end;
		p->toks[idx].flags = flags;
	}
	p->pos = end;
	return VFJ_OK;
}

static void
skip_ws(parser *p)
{
	while (p->pos < p->len) {
		uint8_t c = p->js[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		p->pos++;
	}
}

static vfj_err
parse_doc(parser *p)
{
	int st = ST_VALUE;
	size_t vparent = VFJ_NONE; /* parent token of the next value */
	size_t idx;
	vfj_err e;
	/* Each iteration consumes at least one byte or returns, so this loop is bounded by len. */
	for (;;) {
		skip_ws(p);
		if (p->pos == p->len) {
			if (st == ST_AFTER && p->depth == 0)
				return VFJ_OK;
			return fail(p, VFJ_ERR_TRUNCATED, p->len);
		}
		uint8_t c = p->js[p->pos];
		switch (st) {
		case ST_AFTER:
			if (p->depth == 0)
				return fail(p, VFJ_ERR_TRAILING, p->pos);
			if (c == ',') {
				p->pos++;
				st = in_object(p) ? ST_KEY : ST_VALUE;
				vparent = p->cont;
				continue;
			}
			if (c != (in_object(p) ? '}' : ']'))
				return fail(p, VFJ_ERR_SYNTAX, p->pos);
			e = close_container(p);
			if (e != VFJ_OK)
				return e;
			continue;
		case ST_COLON:
			if (c != ':')
				return fail(p, VFJ_ERR_SYNTAX, p->pos);
			p->pos++;
			st = ST_VALUE;
			continue;
		case ST_KEY_OR_END:
		case ST_KEY:
			if (st == ST_KEY_OR_END && c == '}') {
				e = close_container(p);
				st = ST_AFTER;
			} else if (c == '"') {
				e = parse_string(p, p->cont, true, &idx);
				vparent = idx;
				st = ST_COLON;
			} else {
				e = fail(p, VFJ_ERR_SYNTAX, p->pos);
			}
			if (e != VFJ_OK)
				return e;
			continue;
		default: /* ST_VALUE, ST_VALUE_OR_END */
			break;
		}
		if (st == ST_VALUE_OR_END && c == ']') {
			e = close_container(p);
			st = ST_AFTER;
		} else if (c == '{') {
			e = open_container(p, true, vparent, &idx);
			st = ST_KEY_OR_END;
		} else if (c == '[') {
			e = open_container(p, false, vparent, &idx);
			vparent = idx;
			st = ST_VALUE_OR_END;
		} else {
			e = parse_scalar(p, c, vparent);
			st = ST_AFTER;
		}
		if (e != VFJ_OK)
			return e;
	}
}

/* see vfj.h */
vfj_err
vfj_parse(const uint8_t *json, size_t len, vfj_token *toks, size_t cap, const vfj_limits *lim,
	vfj_doc *doc, size_t *err_off)
{
	parser p;
	size_t max_len = VFJ_DEFAULT_MAX_LEN, max_depth = VFJ_DEFAULT_MAX_DEPTH;
	vfj_err e;
	if (err_off != NULL)
		*err_off = 0;
	if (doc == NULL || (json == NULL && len > 0))
		return VFJ_ERR_ARG;
	memset(doc, 0, sizeof *doc);
	if (lim != NULL && lim->max_len != 0)
		max_len = lim->max_len;
	if (lim != NULL && lim->max_depth != 0)
		max_depth = lim->max_depth;
	if (max_depth > VFJ_MAX_DEPTH_CAP)
		max_depth = VFJ_MAX_DEPTH_CAP;
	/* Check the size before any work (style.md §1.2). */
	if (len > max_len) {
		if (err_off != NULL)
			*err_off = max_len;
		return VFJ_ERR_TOO_LARGE;
	}
	memset(&p, 0, sizeof p);
	p.js = json;
	p.len = len;
	p.toks = toks;
	p.cap = toks != NULL ? cap : 0;
	p.max_depth = max_depth;
	p.cont = VFJ_NONE;
	e = parse_doc(&p);
	if (e != VFJ_OK) {
		if (err_off != NULL)
			*err_off = p.err_off;
		return e;
	}
	doc->json = json;
	doc->len = len;
	doc->toks = toks;
	doc->ntok = p.ntok;
	return VFJ_OK;
}

/* ---- navigation ---- */

static const vfj_token *
tok_at(const vfj_doc *doc, size_t t)
{
	if (doc == NULL || doc->toks == NULL || t >= doc->ntok)
		return NULL;
	return &doc->toks[t];
}

/* see vfj.h */
vfj_type
vfj_type_of(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	return tk != NULL ? tk->type : VFJ_UNDEFINED;
}

/* see vfj.h */
bool
vfj_is(const vfj_doc *doc, size_t t, vfj_type type)
{
	const vfj_token *tk = tok_at(doc, t);
	return tk != NULL && tk->type == type;
}

/* see vfj.h */
bool
vfj_is_integer(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	return tk != NULL && tk->type == VFJ_NUMBER &&
		(tk->flags & (VFJ_TOK_FRAC | VFJ_TOK_EXP)) == 0;
}

/* see vfj.h */
size_t
vfj_count(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	return tk != NULL ? tk->size : 0;
}

/* see vfj.h */
size_t
vfj_first(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	/* The first child, if any, is always the next token in document order. */
	return tk != NULL && tk->size > 0 ? t + 1 : VFJ_NONE;
}

/* see vfj.h */
size_t
vfj_next(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	return tk != NULL ? tk->next : VFJ_NONE;
}

/* see vfj.h */
size_t
vfj_value(const vfj_doc *doc, size_t key)
{
	const vfj_token *tk = tok_at(doc, key);
	return tk != NULL && (tk->flags & VFJ_TOK_KEY) != 0 ? key + 1 : VFJ_NONE;
}

/* see vfj.h */
size_t
vfj_skip(const vfj_doc *doc, size_t t)
{
	const vfj_token *tk = tok_at(doc, t);
	if (tk == NULL)
		return VFJ_NONE;
	/* The subtree of a last child ends where its parent's does; climbing is bounded by twice
	 * the nesting depth (a key sits between an object and each value). */
	for (;;) {
		if (tk->next != VFJ_NONE)
			return tk->next;
		if (tk->parent == VFJ_NONE)
			return doc->ntok;
		tk = &doc->toks[tk->parent];
	}
}

/* see vfj.h */
size_t
vfj_array_get(const vfj_doc *doc, size_t arr, size_t i)
{
	if (!vfj_is(doc, arr, VFJ_ARRAY))
		return VFJ_NONE;
	size_t e = vfj_first(doc, arr);
	for (size_t k = 0; k < i && e != VFJ_NONE; k++)
		e = doc->toks[e].next;
	return e;
}

/* see vfj.h */
size_t
vfj_obj_get(const vfj_doc *doc, size_t obj, const char *key, size_t keylen)
{
	if (!vfj_is(doc, obj, VFJ_OBJECT) || (key == NULL && keylen > 0))
		return VFJ_NONE;
	for (size_t k = vfj_first(doc, obj); k != VFJ_NONE; k = doc->toks[k].next) {
		if (str_equals(doc->json, &doc->toks[k], (const uint8_t *)key, keylen))
			return k + 1;
	}
	return VFJ_NONE;
}

/* ---- typed access ---- */

/* Token `t` if it exists and has type `type`; else NULL with `*e` set. */
static const vfj_token *
typed(const vfj_doc *doc, size_t t, vfj_type type, vfj_err *e)
{
	const vfj_token *tk = tok_at(doc, t);
	if (tk == NULL) {
		*e = VFJ_ERR_ARG;
		return NULL;
	}
	if (tk->type != type) {
		*e = VFJ_ERR_TYPE;
		return NULL;
	}
	*e = VFJ_OK;
	return tk;
}

/* see vfj.h */
bool
vfj_str_eq(const vfj_doc *doc, size_t t, const char *s, size_t len)
{
	vfj_err e;
	const vfj_token *tk = typed(doc, t, VFJ_STRING, &e);
	if (tk == NULL || (s == NULL && len > 0))
		return false;
	return str_equals(doc->json, tk, (const uint8_t *)s, len);
}

/* see vfj.h */
vfj_err
vfj_str_span(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len)
{
	vfj_err e;
	if (p == NULL || len == NULL)
		return VFJ_ERR_ARG;
	*p = NULL;
	*len = 0;
	const vfj_token *tk = typed(doc, t, VFJ_STRING, &e);
	if (tk == NULL)
		return e;
	if (tk->flags & VFJ_TOK_ESCAPED)
		return VFJ_ERR_NOT_RAW;
	*p = doc->json + tk->start;
	*len = tk->end - tk->start;
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_str_unescape(const vfj_doc *doc, size_t t, uint8_t *out, size_t cap, size_t *out_len)
{
	vfj_err e;
	if (out_len == NULL || (out == NULL && cap > 0))
		return VFJ_ERR_ARG;
	*out_len = 0;
	const vfj_token *tk = typed(doc, t, VFJ_STRING, &e);
	if (tk == NULL) {
		if (cap > 0)
			memset(out, 0, cap);
		return e;
	}
	size_t n = 0;
	cp_iter it = { doc->json, tk->start, tk->end };
	uint32_t cp;
	while (cp_next(&it, &cp)) {
		uint8_t u[4];
		size_t k = utf8_encode(cp, u);
		if (n <= cap && cap - n >= k)
			memcpy(out + n, u, k);
		n += k; /* n <= raw length, so no overflow */
	}
	*out_len = n;
	if (n > cap) {
		if (cap > 0)
			memset(out, 0, cap);
		return VFJ_ERR_BUFFER;
	}
	return VFJ_OK;
}

/* Magnitude and sign of integer token `tk`. */
static vfj_err
int_parse(const vfj_doc *doc, size_t t, uint64_t *mag, bool *neg)
{
	vfj_err e;
	const vfj_token *tk = typed(doc, t, VFJ_NUMBER, &e);
	if (tk == NULL)
		return e;
	if (tk->flags & (VFJ_TOK_FRAC | VFJ_TOK_EXP))
		return VFJ_ERR_TYPE;
	size_t i = tk->start;
	uint64_t m = 0;
	*neg = (tk->flags & VFJ_TOK_NEG) != 0;
	if (*neg)
		i++;
	for (; i < tk->end; i++) {
		uint64_t d = (uint64_t)(doc->json[i] - '0');
		if (m > (UINT64_MAX - d) / 10)
			return VFJ_ERR_RANGE;
		m = m * 10 + d;
	}
	*mag = m;
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_i64(const vfj_doc *doc, size_t t, int64_t *out)
{
	uint64_t m = 0;
	bool neg = false;
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = 0;
	vfj_err e = int_parse(doc, t, &m, &neg);
	if (e != VFJ_OK)
		return e;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return VFJ_ERR_RANGE;
		*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return VFJ_ERR_RANGE;
		*out = (int64_t)m;
	}
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_u64(const vfj_doc *doc, size_t t, uint64_t *out)
{
	uint64_t m = 0;
	bool neg = false;
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = 0;
	vfj_err e = int_parse(doc, t, &m, &neg);
	if (e != VFJ_OK)
		return e;
	if (neg)
		return VFJ_ERR_RANGE; /* as Go's strconv.ParseUint, "-0" too */
	*out = m;
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_num_raw(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len)
{
	vfj_err e;
	if (p == NULL || len == NULL)
		return VFJ_ERR_ARG;
	*p = NULL;
	*len = 0;
	const vfj_token *tk = typed(doc, t, VFJ_NUMBER, &e);
	if (tk == NULL)
		return e;
	*p = doc->json + tk->start;
	*len = tk->end - tk->start;
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_bool(const vfj_doc *doc, size_t t, bool *out)
{
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = false;
	const vfj_token *tk = tok_at(doc, t);
	if (tk == NULL)
		return VFJ_ERR_ARG;
	if (tk->type != VFJ_TRUE && tk->type != VFJ_FALSE)
		return VFJ_ERR_TYPE;
	*out = tk->type == VFJ_TRUE;
	return VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_raw(const vfj_doc *doc, size_t t, const uint8_t **p, size_t *len)
{
	if (p == NULL || len == NULL)
		return VFJ_ERR_ARG;
	*p = NULL;
	*len = 0;
	const vfj_token *tk = tok_at(doc, t);
	if (tk == NULL)
		return VFJ_ERR_ARG;
	size_t s = tk->start, e = tk->end;
	if (tk->type == VFJ_STRING) {
		s--; /* the quotes */
		e++;
	}
	*p = doc->json + s;
	*len = e - s;
	return VFJ_OK;
}

/* Member lookup for the field shortcuts. */
static vfj_err
field(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, size_t *v)
{
	*v = VFJ_NONE;
	if (obj == VFJ_NONE && doc != NULL)
		return VFJ_ERR_NOT_FOUND; /* a missing parent from an earlier lookup */
	if (tok_at(doc, obj) == NULL || (key == NULL && keylen > 0))
		return VFJ_ERR_ARG;
	if (!vfj_is(doc, obj, VFJ_OBJECT))
		return VFJ_ERR_TYPE;
	*v = vfj_obj_get(doc, obj, key, keylen);
	return *v == VFJ_NONE ? VFJ_ERR_NOT_FOUND : VFJ_OK;
}

/* see vfj.h */
vfj_err
vfj_obj_str_span(const vfj_doc *doc, size_t obj, const char *key, size_t keylen,
	const uint8_t **p, size_t *len)
{
	size_t v;
	if (p == NULL || len == NULL)
		return VFJ_ERR_ARG;
	*p = NULL;
	*len = 0;
	vfj_err e = field(doc, obj, key, keylen, &v);
	return e != VFJ_OK ? e : vfj_str_span(doc, v, p, len);
}

/* see vfj.h */
vfj_err
vfj_obj_str(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, uint8_t *out,
	size_t cap, size_t *out_len)
{
	size_t v;
	if (out_len == NULL || (out == NULL && cap > 0))
		return VFJ_ERR_ARG;
	*out_len = 0;
	vfj_err e = field(doc, obj, key, keylen, &v);
	if (e != VFJ_OK) {
		if (cap > 0)
			memset(out, 0, cap);
		return e;
	}
	return vfj_str_unescape(doc, v, out, cap, out_len);
}

/* see vfj.h */
vfj_err
vfj_obj_i64(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, int64_t *out)
{
	size_t v;
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = 0;
	vfj_err e = field(doc, obj, key, keylen, &v);
	return e != VFJ_OK ? e : vfj_i64(doc, v, out);
}

/* see vfj.h */
vfj_err
vfj_obj_u64(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, uint64_t *out)
{
	size_t v;
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = 0;
	vfj_err e = field(doc, obj, key, keylen, &v);
	return e != VFJ_OK ? e : vfj_u64(doc, v, out);
}

/* see vfj.h */
vfj_err
vfj_obj_bool(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, bool *out)
{
	size_t v;
	if (out == NULL)
		return VFJ_ERR_ARG;
	*out = false;
	vfj_err e = field(doc, obj, key, keylen, &v);
	return e != VFJ_OK ? e : vfj_bool(doc, v, out);
}

/* ---- writer ---- */

static void
w_put(vfj_writer *w, const void *p, size_t n)
{
	if (w->err != VFJ_OK)
		return;
	if (n > w->cap - w->len) {
		w->err = VFJ_ERR_BUFFER;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
w_byte(vfj_writer *w, uint8_t c)
{
	w_put(w, &c, 1);
}

static void
w_fail(vfj_writer *w, vfj_err e)
{
	if (w->err == VFJ_OK)
		w->err = e;
}

static const char hex_digits[] = "0123456789abcdef";

/* \uXXXX in lowercase hex, as RFC 8785 §3.2.2.2 and Go write it. */
static void
w_uescape(vfj_writer *w, uint32_t cp)
{
	uint8_t e[6] = { '\\', 'u', (uint8_t)hex_digits[(cp >> 12) & 15],
		(uint8_t)hex_digits[(cp >> 8) & 15], (uint8_t)hex_digits[(cp >> 4) & 15],
		(uint8_t)hex_digits[cp & 15] };
	w_put(w, e, sizeof e);
}

/* Escape an ASCII character that needs it (see needs_escape). */
static void
w_escape_ascii(vfj_writer *w, uint8_t c)
{
	uint8_t e[2] = { '\\', 0 };
	switch (c) {
	case '"':
	case '\\':
		e[1] = c;
		break;
	case 0x08:
		e[1] = 'b';
		break;
	case 0x0C:
		e[1] = 'f';
		break;
	case 0x0A:
		e[1] = 'n';
		break;
	case 0x0D:
		e[1] = 'r';
		break;
	case 0x09:
		e[1] = 't';
		break;
	default:
		w_uescape(w, c);
		return;
	}
	w_put(w, e, 2);
}

static bool
needs_escape(uint8_t c, unsigned flags)
{
	if (c < 0x20 || c == '"' || c == '\\')
		return true;
	return (flags & VFJ_W_ESCAPE_HTML) != 0 && (c == '<' || c == '>' || c == '&');
}

/* A quoted string from `n` bytes of UTF-8 at `s`. */
static void
w_string(vfj_writer *w, const uint8_t *s, size_t n)
{
	size_t i, adv, run = 0;
	if (w->err != VFJ_OK)
		return;
	if (n == 0) {
		w_put(w, "\"\"", 2);
		return;
	}
	if (s == NULL) {
		w_fail(w, VFJ_ERR_ARG);
		return;
	}
	for (i = 0; i < n; i += adv) {
		adv = 1;
		if (s[i] >= 0x80 && utf8_seq(s, n, i, &adv) != VFJ_OK) {
			w_fail(w, VFJ_ERR_UTF8);
			return;
		}
	}
	w_byte(w, '"');
	for (i = 0; i < n;) {
		uint8_t c = s[i];
		if (c < 0x80 && !needs_escape(c, w->flags)) {
			i++;
			continue;
		}
		/* U+2028 and U+2029 are E2 80 A8 and E2 80 A9; the input is valid UTF-8, so a lead
		 * byte E2 has its two continuation bytes. */
		bool linesep = c == 0xE2 && (w->flags & VFJ_W_ESCAPE_LINESEP) != 0 &&
			s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9);
		if (c >= 0x80 && !linesep) {
			i++;
			continue;
		}
		w_put(w, s + run, i - run);
		if (linesep) {
			w_uescape(w, s[i + 2] == 0xA8 ? 0x2028u : 0x2029u);
			i += 3;
		} else {
			w_escape_ascii(w, c);
			i++;
		}
		run = i;
	}
	w_put(w, s + run, n - run);
	w_byte(w, '"');
}

static uint64_t
level_bit(unsigned level)
{
	return (uint64_t)1 << level;
}

/* Before any value: checks the position and writes the separating comma. */
static bool
w_begin_value(vfj_writer *w)
{
	if (w->err != VFJ_OK)
		return false;
	if (w->done) {
		w_fail(w, VFJ_ERR_STATE);
		return false;
	}
	if (w->depth == 0)
		return true;
	uint64_t bit = level_bit(w->depth - 1);
	if (w->is_obj & bit) {
		if (!w->after_key) {
			w_fail(w, VFJ_ERR_STATE);
			return false;
		}
		w->after_key = false;
		return true;
	}
	if (w->has_item & bit)
		w_byte(w, ',');
	w->has_item |= bit;
	return true;
}

static void
w_end_value(vfj_writer *w)
{
	if (w->depth == 0)
		w->done = true;
}

/* see vfj.h */
void
vfj_w_init(vfj_writer *w, uint8_t *buf, size_t cap, unsigned flags)
{
	if (w == NULL)
		return;
	memset(w, 0, sizeof *w);
	w->buf = buf;
	w->cap = buf != NULL ? cap : 0;
	w->flags = flags;
}

static void
w_open(vfj_writer *w, bool obj)
{
	if (!w_begin_value(w))
		return;
	if (w->depth >= VFJ_W_MAX_DEPTH) {
		w_fail(w, VFJ_ERR_STATE);
		return;
	}
	uint64_t bit = level_bit(w->depth);
	if (obj)
		w->is_obj |= bit;
	else
		w->is_obj &= ~bit;
	w->has_item &= ~bit;
	w->depth++;
	w_byte(w, obj ? '{' : '[');
}

static void
w_close(vfj_writer *w, bool obj)
{
	if (w->err != VFJ_OK)
		return;
	if (w->depth == 0 || w->after_key ||
		((w->is_obj & level_bit(w->depth - 1)) != 0) != obj) {
		w_fail(w, VFJ_ERR_STATE);
		return;
	}
	w->depth--;
	w_byte(w, obj ? '}' : ']');
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_obj_begin(vfj_writer *w)
{
	w_open(w, true);
}

/* see vfj.h */
void
vfj_w_obj_end(vfj_writer *w)
{
	w_close(w, true);
}

/* see vfj.h */
void
vfj_w_arr_begin(vfj_writer *w)
{
	w_open(w, false);
}

/* see vfj.h */
void
vfj_w_arr_end(vfj_writer *w)
{
	w_close(w, false);
}

/* see vfj.h */
void
vfj_w_key(vfj_writer *w, const char *key, size_t len)
{
	if (w->err != VFJ_OK)
		return;
	if (w->depth == 0 || w->after_key || (w->is_obj & level_bit(w->depth - 1)) == 0) {
		w_fail(w, VFJ_ERR_STATE);
		return;
	}
	uint64_t bit = level_bit(w->depth - 1);
	if (w->has_item & bit)
		w_byte(w, ',');
	w->has_item |= bit;
	w_string(w, (const uint8_t *)key, len);
	w_byte(w, ':');
	w->after_key = true;
}

/* see vfj.h */
void
vfj_w_str(vfj_writer *w, const void *s, size_t len)
{
	if (!w_begin_value(w))
		return;
	w_string(w, s, len);
	w_end_value(w);
}

static void
w_decimal(vfj_writer *w, bool neg, uint64_t m)
{
	uint8_t b[21];
	size_t k = sizeof b;
	do {
		b[--k] = (uint8_t)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (neg)
		b[--k] = '-';
	w_put(w, b + k, sizeof b - k);
}

/* see vfj.h */
void
vfj_w_i64(vfj_writer *w, int64_t v)
{
	if (!w_begin_value(w))
		return;
	/* 0 - (uint64_t)v is the magnitude of a negative v, INT64_MIN included. */
	w_decimal(w, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_u64(vfj_writer *w, uint64_t v)
{
	if (!w_begin_value(w))
		return;
	w_decimal(w, false, v);
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_num_raw(vfj_writer *w, const char *num, size_t len)
{
	size_t end = 0, at = 0;
	unsigned flags = 0;
	if (!w_begin_value(w))
		return;
	if (num == NULL || len == 0 ||
		scan_number((const uint8_t *)num, len, 0, &end, &flags, &at) != VFJ_OK ||
		end != len) {
		w_fail(w, VFJ_ERR_NUMBER);
		return;
	}
	w_put(w, num, len);
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_bool(vfj_writer *w, bool v)
{
	if (!w_begin_value(w))
		return;
	if (v)
		w_put(w, "true", 4);
	else
		w_put(w, "false", 5);
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_null(vfj_writer *w)
{
	if (!w_begin_value(w))
		return;
	w_put(w, "null", 4);
	w_end_value(w);
}

/* see vfj.h */
void
vfj_w_raw(vfj_writer *w, const void *json, size_t len)
{
	vfj_doc d;
	vfj_limits lim = { len > 0 ? len : 1, 0 };
	if (!w_begin_value(w))
		return;
	vfj_err e = vfj_parse(json, len, NULL, 0, &lim, &d, NULL);
	if (e != VFJ_OK) {
		w_fail(w, e);
		return;
	}
	w_put(w, json, len);
	w_end_value(w);
}

/* see vfj.h */
vfj_err
vfj_w_error(const vfj_writer *w)
{
	return w != NULL ? w->err : VFJ_ERR_ARG;
}

/* see vfj.h */
vfj_err
vfj_w_finish(vfj_writer *w, size_t *out_len)
{
	if (w == NULL || out_len == NULL)
		return VFJ_ERR_ARG;
	*out_len = 0;
	if (w->err == VFJ_OK && !w->done)
		w->err = VFJ_ERR_STATE;
	if (w->err != VFJ_OK) {
		if (w->len > 0)
			memset(w->buf, 0, w->len);
		w->len = 0;
		return w->err;
	}
	*out_len = w->len;
	return VFJ_OK;
}

/* ---- RFC 8785 canonicalization ---- */

/* A string token re-escaped per RFC 8785 §3.2.2.2: only '"', '\\' and U+0000..U+001F are
 * escaped (\b \f \n \r \t, else \u00xx); everything else is written as UTF-8. */
static void
canon_string(vfj_writer *w, const uint8_t *js, const vfj_token *t)
{
	cp_iter it = { js, t->start, t->end };
	uint32_t cp;
	w_byte(w, '"');
	if ((t->flags & VFJ_TOK_ESCAPED) == 0) {
		/* Raw bytes are already in canonical form: no controls, quotes or backslashes. */
		w_put(w, js + t->start, t->end - t->start);
	} else {
		while (cp_next(&it, &cp)) {
			if (cp < 0x80 && needs_escape((uint8_t)cp, 0)) {
				w_escape_ascii(w, (uint8_t)cp);
			} else {
				uint8_t u[4];
				w_put(w, u, utf8_encode(cp, u));
			}
		}
	}
	w_byte(w, '"');
}

static void
w_zeros(vfj_writer *w, int64_t count)
{
	for (int64_t k = 0; k < count; k++)
		w_byte(w, '0');
}

/* A number in ECMAScript Number::toString form (ECMA-262 §7.1.12.1 as RFC 8785 §3.2.2.3
 * requires), computed from the decimal digits without floating point.
 * Write the value as 0.d1..dk x 10^n with d1 != 0 and dk != 0. ES6 prints the shortest digit
 * string s that converts back to the same double. When k <= 15 and the value is a normal
 * double, that s is d1..dk itself: any two decimals of at most 15 significant digits map to
 * different doubles (DBL_DIG is 15), so no shorter string can reach the same double. Integers
 * of magnitude <= 2^53 are exact doubles and are printed in full, whatever k is. Anything else
 * would need correct double rounding and is refused with VFJ_ERR_UNSUPPORTED. */
static vfj_err
canon_number(vfj_writer *w, const uint8_t *s, size_t i, size_t end)
{
	uint8_t dig[16];
	size_t k = 0, zeros = 0, ndig = 0, nint = SIZE_MAX, first = SIZE_MAX;
	bool neg = false;
	int64_t ex = 0, n;
	if (s[i] == '-') {
		neg = true;
		i++;
	}
	for (; i < end && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			nint = ndig;
			continue;
		}
		ndig++;
		if (s[i] == '0') {
			if (first != SIZE_MAX)
				zeros++; /* kept only if a nonzero digit follows */
			continue;
		}
		if (first == SIZE_MAX)
			first = ndig - 1;
		if (zeros + 1 > sizeof dig - k)
			return VFJ_ERR_UNSUPPORTED; /* more than 16 significant digits */
		for (; zeros > 0; zeros--)
			dig[k++] = '0';
		dig[k++] = s[i];
	}
	if (nint == SIZE_MAX)
		nint = ndig;
	if (i < end) {
		bool eneg = false;
		i++;
		if (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-';
			i++;
		}
		/* Saturate: anything past 10^9 is far out of range anyway. */
		for (; i < end; i++) {
			if (ex < 1000000000)
				ex = ex * 10 + (s[i] - '0');
		}
		if (eneg)
			ex = -ex;
	}
	if (first == SIZE_MAX) {
		w_byte(w, '0'); /* 0, -0, 0.0e5: ES6 prints "0" */
		return VFJ_OK;
	}
	/* Inputs are at most 4 MiB... in any case far below 2^62, so this cannot overflow. */
	n = (int64_t)nint - (int64_t)first + ex;
	if (n >= (int64_t)k && n <= 16) {
		uint8_t ib[16];
		size_t len = (size_t)n;
		memcpy(ib, dig, k);
		memset(ib + k, '0', len - k);
		if (len < 16 || memcmp(ib, "9007199254740992", 16) <= 0) {
			if (neg)
				w_byte(w, '-');
			w_put(w, ib, len);
			return VFJ_OK;
		}
	}
	if (k > 15 || n - 1 < -307 || n - 1 > 307)
		return VFJ_ERR_UNSUPPORTED;
	if (neg)
		w_byte(w, '-');
	if ((int64_t)k <= n && n <= 21) {
		w_put(w, dig, k);
		w_zeros(w, n - (int64_t)k);
	} else if (0 < n && n <= 21) {
		w_put(w, dig, (size_t)n);
		w_byte(w, '.');
		w_put(w, dig + n, k - (size_t)n);
	} else if (-6 < n && n <= 0) {
		w_put(w, "0.", 2);
		w_zeros(w, -n);
		w_put(w, dig, k);
	} else {
		int64_t e = n - 1;
		w_byte(w, dig[0]);
		if (k > 1) {
			w_byte(w, '.');
			w_put(w, dig + 1, k - 1);
		}
		w_byte(w, 'e');
		w_byte(w, e < 0 ? '-' : '+');
		w_decimal(w, false, (uint64_t)(e < 0 ? -e : e));
	}
	return VFJ_OK;
}

/* Emit the scalar or container opening at token `t`; returns the next token to emit when `t`
 * is a non-empty container (its first child), else VFJ_NONE. */
static vfj_err
canon_emit(vfj_writer *w, const uint8_t *js, const vfj_token *toks, size_t t, size_t *down)
{
	const vfj_token *tk = &toks[t];
	*down = VFJ_NONE;
	switch (tk->type) {
	case VFJ_OBJECT:
		w_byte(w, '{');
		if (tk->size == 0) {
			w_byte(w, '}');
		} else {
			/* After sorting, an object's `end` holds its first key in canonical
			 * order. */
			canon_string(w, js, &toks[tk->end]);
			w_byte(w, ':');
			*down = tk->end + 1;
		}
		return VFJ_OK;
	case VFJ_ARRAY:
		w_byte(w, '[');
		if (tk->size == 0)
			w_byte(w, ']');
		else
			*down = t + 1;
		return VFJ_OK;
	case VFJ_STRING:
		canon_string(w, js, tk);
		return VFJ_OK;
	case VFJ_NUMBER:
		return canon_number(w, js, tk->start, tk->end);
	case VFJ_TRUE:
		w_put(w, "true", 4);
		return VFJ_OK;
	case VFJ_FALSE:
		w_put(w, "false", 5);
		return VFJ_OK;
	default:
		w_put(w, "null", 4);
		return VFJ_OK;
	}
}

/* see vfj.h */
vfj_err
vfj_canonicalize(const uint8_t *json, size_t len, uint8_t *out, size_t cap, size_t *out_len,
	vfj_token *toks, size_t tokcap, const vfj_limits *lim, size_t *err_off)
{
	vfj_doc d;
	vfj_writer w;
	size_t off = 0, t = 0;
	vfj_err e;
	if (err_off != NULL)
		*err_off = 0;
	if (out_len == NULL || toks == NULL || (out == NULL && cap > 0))
		return VFJ_ERR_ARG;
	*out_len = 0;
	e = vfj_parse(json, len, toks, tokcap, lim, &d, &off);
	if (e != VFJ_OK)
		goto out;
	/* RFC 8785 §3.2.3: sort each object's members by the UTF-16 code units of their names.
	 * The keys are relinked through `next`; the object's `end` takes the new first key. */
	for (size_t i = 0; i < d.ntok; i++) {
		if (toks[i].type != VFJ_OBJECT || toks[i].size == 0)
			continue;
		toks[i].end = toks[i].size > 1 ? sort_keys(json, toks, i + 1, true, true) : i + 1;
	}
	vfj_w_init(&w, out, cap, 0);
	/* Iterative pre-order walk: emit `t`, descend to its first child if any, otherwise climb
	 * through parents (closing containers) to the next sibling. Each token is emitted once and
	 * each container closed once. */
	for (;;) {
		size_t down;
		e = canon_emit(&w, json, toks, t, &down);
		if (e == VFJ_OK && w.err != VFJ_OK)
			e = w.err;
		if (e != VFJ_OK) {
			off = toks[t].type == VFJ_STRING ? toks[t].start - 1 : toks[t].start;
			goto out;
		}
		if (down != VFJ_NONE) {
			t = down;
			continue;
		}
		for (;;) {
			size_t elem = t, up = toks[t].parent;
			if (up == VFJ_NONE)
				goto done;
			if (toks[up].type == VFJ_STRING) {
				elem = up; /* a member value: its key is the list element */
				up = toks[up].parent;
			}
			size_t nx = toks[elem].next;
			if (nx != VFJ_NONE) {
				w_byte(&w, ',');
				if (toks[up].type == VFJ_OBJECT) {
					canon_string(&w, json, &toks[nx]);
					w_byte(&w, ':');
					nx++;
				}
				t = nx;
				break;
			}
			w_byte(&w, toks[up].type == VFJ_OBJECT ? '}' : ']');
			t = up;
		}
	}
done:
	if (w.err != VFJ_OK) {
		e = w.err;
		off = len;
		goto out;
	}
	*out_len = w.len;
	return VFJ_OK;
out:
	if (cap > 0)
		memset(out, 0, cap);
	if (err_off != NULL)
		*err_off = off;
	return e;
}
