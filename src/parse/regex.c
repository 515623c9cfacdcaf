/* regex: RE2-syntax regular expressions, matched by a Thompson-NFA simulation. See regex.h.
 *
 * Implementation notes.
 * Grammar and error texts: Go's regexp/syntax parse.go with the flags regexp.Compile passes
 * (syntax.Perl = ClassNL | OneLine | PerlX | UnicodeGroups), which is what cosign uses. Error
 * messages are Go's Error.Error(): "error parsing regexp: <code>: `<expr>`", with the same
 * <expr> span of the pattern Go reports.
 *
 * The parser is iterative like Go's (a stack of open groups, no recursion) and emits code in
 * one pass:
 *   - an atom is appended to the program; a following operator rewrites that tail: * and ?
 *     insert a SPLIT in front of it, + appends a loop back, {n,m} appends copies of it;
 *   - | wraps the branch just finished in SPLIT(branch, next branch) and appends a JMP to the
 *     group's end; the JMPs of one group are chained through their target field and patched
 *     at ")" or at the end of the pattern.
 * Targets are absolute. An insertion at `at` moves only one finished atom or branch, whose own
 * targets all lie in [at, end], so only those shift; nothing before `at` points past it
 * (pending JMP chains live before the current branch).
 *
 * Go accepts a counted repetition only when the product of the counts along any nesting path
 * is at most 1000 (repeatIsValid); each atom carries that product ("rp") so the check costs
 * nothing. Go also lets a repetition operator follow a flag group or an empty \Q\E and apply
 * to the atom before it ("a(?i)*" is "a*"); keeping the last atom across those does the same.
 *
 * Matching (sg_regex_search): Pike's simulation without captures. The current list holds the
 * instructions that consume a character; stepping over one character adds the epsilon closure
 * of each successor to the next list, guarded by a bitmap so each instruction is added once
 * per position, then restarts the program there (the unanchored search). Closures use an
 * explicit stack of at most SG_MAX_REGEX_INST entries. Text is decoded as UTF-8 exactly as
 * Go's utf8.DecodeRune does, so an invalid byte is the one character U+FFFD. */
#include "parse/regex.h"

#include <string.h>

#include "base/text.h"

enum {
	OP_MATCH = 1,  /* 0 stays unused: a zeroed program is not a valid one */
	OP_RUNE,       /* y: the code point */
	OP_RUNE_FOLD,  /* y: fold() of the code point; matches any r with fold(r) == y */
	OP_CLASS,      /* y ranges from ranges[x], sorted and disjoint */
	OP_ANY,        /* any character */
	OP_ANY_NOT_NL, /* any character but \n */
	OP_ASSERT,     /* empty-width: arg is one EMPTY_* bit that must hold here */
	OP_SPLIT,      /* continue at x and at y */
	OP_JMP         /* continue at x */
};

enum {
	EMPTY_BEGIN_TEXT = 1,
	EMPTY_END_TEXT = 2,
	EMPTY_BEGIN_LINE = 4,
	EMPTY_END_LINE = 8,
	EMPTY_WORD = 16,
	EMPTY_NOT_WORD = 32
};

/* Parse flags: Go's FoldCase, DotNL, !OneLine (m) and NonGreedy (U, no effect on matching). */
enum { F_FOLD = 1, F_DOTNL = 2, F_MULTI = 4, F_UNGREEDY = 8 };

#define NONE 0xFFFFu
#define NO_RUNE 0xFFFFFFFFu /* before the start or past the end of the text */
#define MAX_RUNE 0x10FFFFu
#define REPEAT_MAX 1000u /* Go's maxRepeat */
/* Open groups at once. Every group needs "(" and ")", so a pattern of SG_MAX_REGEX_PATTERN
 * bytes cannot nest deeper; Go's limit (1000 tree levels) is likewise out of reach. */
#define MAX_DEPTH (SG_MAX_REGEX_PATTERN / 2u)

#define E_MISSING_PAREN "missing closing )"
#define E_UNEXPECTED_PAREN "unexpected )"
#define E_MISSING_BRACKET "missing closing ]"
#define E_ESCAPE "invalid escape sequence"
#define E_RANGE "invalid character class range"
#define E_NESTED "invalid nested repetition operator"
#define E_REPEAT_SIZE "invalid repeat count"
#define E_MISSING_ARG "missing argument to repetition operator"
#define E_TRAILING "trailing backslash at end of expression"
#define E_NAMED "invalid named capture"
#define E_PERL "invalid or unsupported Perl syntax"
#define E_UTF8 "invalid UTF-8"
#define E_LARGE "expression too large"
#define E_DEEP "expression nests too deeply"

_Static_assert(SG_MAX_REGEX_INST < NONE, "instruction indexes must fit uint16_t below NONE");
_Static_assert(SG_MAX_REGEX_RANGES < NONE, "range indexes must fit uint16_t");
_Static_assert(SG_MAX_REGEX_INST % 64u == 0, "bitmap words");

/* ---- characters ---- */

/* Decode the UTF-8 sequence at s[0..n), n > 0, as Go's utf8.DecodeRune: anything but a
 * complete, shortest-form, non-surrogate sequence up to U+10FFFF is U+FFFD of width 1, and
 * *bad says so (a pattern must be valid UTF-8; text need not be). */
static size_t
decode_rune(const uint8_t *s, size_t n, uint32_t *r, int *bad)
{
	size_t w = sg_utf8_decode(s, n, r);
	*bad = w == 0;
	return w == 0 ? 1 : w;
}

/* The (?i) equivalence we implement: ASCII letters, and the two non-ASCII characters whose
 * Unicode simple folding orbit contains one (U+017F long s, U+212A Kelvin sign). */
static uint32_t
fold(uint32_t r)
{
	if (r >= 'A' && r <= 'Z')
		return r + 32u;
	if (r == 0x17F)
		return 's';
	if (r == 0x212A)
		return 'k';
	return r;
}

static int
is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* \b's notion of a word character: ASCII only, as in Go (syntax.IsWordChar). */
static int
is_word(uint32_t c)
{
	return is_alnum(c) || c == '_';
}

static int
unhex(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* ---- named character groups (Go's perl_groups.go), as [lo, hi] byte pairs ---- */

typedef struct cgroup {
	char name[7]; /* "alpha" in [:alpha:], or "d" for \d */
	uint8_t npairs;
	uint8_t neg;
	uint8_t r[8];
} cgroup;

static const cgroup perl_groups[] = {
	{"d", 1, 0, {'0', '9'}},
	{"D", 1, 1, {'0', '9'}},
	{"s", 3, 0, {'\t', '\n', '\f', '\r', ' ', ' '}},
	{"S", 3, 1, {'\t', '\n', '\f', '\r', ' ', ' '}},
	{"w", 4, 0, {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}},
	{"W", 4, 1, {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}},
};

static const cgroup posix_groups[] = {
	{"alnum", 3, 0, {'0', '9', 'A', 'Z', 'a', 'z'}},
	{"alpha", 2, 0, {'A', 'Z', 'a', 'z'}},
	{"ascii", 1, 0, {0x00, 0x7F}},
	{"blank", 2, 0, {'\t', '\t', ' ', ' '}},
	{"cntrl", 2, 0, {0x00, 0x1F, 0x7F, 0x7F}},
	{"digit", 1, 0, {'0', '9'}},
	{"graph", 1, 0, {0x21, 0x7E}},
	{"lower", 1, 0, {'a', 'z'}},
	{"print", 1, 0, {0x20, 0x7E}},
	{"punct", 4, 0, {0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E}},
	{"space", 2, 0, {0x09, 0x0D, ' ', ' '}},
	{"upper", 1, 0, {'A', 'Z'}},
	{"word", 4, 0, {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}},
	{"xdigit", 3, 0, {'0', '9', 'A', 'F', 'a', 'f'}},
};

/* ---- range sets: sorted, merged [lo, hi] lists in caller storage ---- */

typedef struct rset {
	uint32_t (*r)[2];
	size_t n, cap;
} rset;

/* Sort by lo (insertion sort: sets are small) and merge overlapping or adjacent ranges. */
static void
rs_clean(rset *s)
{
	for (size_t i = 1; i < s->n; i++) {
		uint32_t lo = s->r[i][0], hi = s->r[i][1];
		size_t j = i;
		while (j > 0 && s->r[j - 1][0] > lo) {
			s->r[j][0] = s->r[j - 1][0];
			s->r[j][1] = s->r[j - 1][1];
			j--;
		}
		s->r[j][0] = lo;
		s->r[j][1] = hi;
	}
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w > 0 && s->r[i][0] <= s->r[w - 1][1] + 1u) {
			if (s->r[i][1] > s->r[w - 1][1])
				s->r[w - 1][1] = s->r[i][1];
			continue;
		}
		s->r[w][0] = s->r[i][0];
		s->r[w][1] = s->r[i][1];
		w++;
	}
	s->n = w;
}

/* Add one range; when full, merge what is there first. -1 when still full. */
static int
rs_add(rset *s, uint32_t lo, uint32_t hi)
{
	if (s->n == s->cap) {
		rs_clean(s);
		if (s->n == s->cap)
			return -1;
	}
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
	s->n++;
	return 0;
}

static int
contains(uint32_t lo, uint32_t hi, uint32_t c)
{
	return lo <= c && c <= hi;
}

/* Add [lo, hi] and, under (?i), everything that folds to the same as a member (fold()). */
static int
rs_add_folded(rset *s, uint32_t lo, uint32_t hi)
{
	int rc = rs_add(s, lo, hi);
	if (lo <= 'z' && hi >= 'a')
		rc |= rs_add(s, (lo > 'a' ? lo : 'a') - 32u, (hi < 'z' ? hi : 'z') - 32u);
	if (lo <= 'Z' && hi >= 'A')
		rc |= rs_add(s, (lo > 'A' ? lo : 'A') + 32u, (hi < 'Z' ? hi : 'Z') + 32u);
	/* The two orbits with a non-ASCII member: add all of an orbit when one member is in. */
	static const uint32_t orbits[2][3] = {{'K', 'k', 0x212A}, {'S', 's', 0x17F}};
	for (size_t o = 0; o < 2; o++) {
		const uint32_t *m = orbits[o];
		if (contains(lo, hi, m[0]) || contains(lo, hi, m[1]) || contains(lo, hi, m[2]))
			for (size_t k = 0; k < 3; k++)
				rc |= rs_add(s, m[k], m[k]);
	}
	return rc;
}

/* Complement over [0, U+10FFFF] of a clean set, in place (Go's negateClass). */
static int
rs_negate(rset *s)
{
	uint32_t next = 0;
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t lo = s->r[i][0], hi = s->r[i][1];
		if (lo > next) {
			s->r[w][0] = next;
			s->r[w][1] = lo - 1u;
			w++;
		}
		next = hi + 1u;
	}
	s->n = w;
	if (next <= MAX_RUNE)
		return rs_add(s, next, MAX_RUNE);
	return 0;
}

/* ---- parser state ---- */

typedef struct branch {
	uint16_t start;   /* first instruction of the branch */
	uint16_t atom;    /* first instruction of the last atom; NONE before the first */
	uint16_t rp;      /* repeat-count product (Go's repeatIsValid) of the earlier atoms */
	uint16_t atom_rp; /* ... and of the last atom */
} branch;

typedef struct group {
	uint16_t start; /* first instruction of the group */
	uint16_t chain; /* last pending JMP to the group's end, linked through x; NONE */
	uint16_t rp;    /* largest repeat-count product of the finished branches */
} group;

typedef struct frame {
	group g;       /* the enclosing group ... */
	branch b;      /* ... its current branch ... */
	uint8_t flags; /* ... and its flags, restored at ")" */
} frame;

typedef struct parser {
	const uint8_t *s;
	size_t n;
	sg_regex *re;
	const char *code; /* Go's ErrorCode text of the first error, NULL while none */
	/* Where \d, \D ... (without and with (?i)) already are in the range table: repeated
	 * Perl classes share their ranges, so "\w\w\w..." cannot fill the table. */
	uint8_t perl_done[6][2];
	uint16_t perl_base[6][2], perl_n[6][2];
	size_t eoff, elen; /* Go's Error.Expr, as a span of the pattern */
} parser;

static int
fail(parser *p, const char *code, size_t from, size_t to)
{
	if (p->code == NULL) {
		p->code = code;
		p->eoff = from;
		p->elen = to - from;
	}
	return -1;
}

static int
too_large(parser *p)
{
	return fail(p, E_LARGE, 0, p->n);
}

/* The rune at s[i] (i < n) and its width; invalid UTF-8 is Go's ErrInvalidUTF8, whose Expr is
 * the rest of the pattern. */
static int
next_rune(parser *p, size_t i, uint32_t *r, size_t *w)
{
	int bad;
	*w = decode_rune(p->s + i, p->n - i, r, &bad);
	return bad ? fail(p, E_UTF8, i, p->n) : 0;
}

/* Go's checkUTF8 over s[from..to). */
static int
check_utf8(parser *p, size_t from, size_t to)
{
	while (from < to) {
		uint32_t r;
		int bad;
		size_t w = decode_rune(p->s + from, to - from, &r, &bad);
		if (bad)
			return fail(p, E_UTF8, from, to);
		from += w;
	}
	return 0;
}

/* ---- code emission ---- */

static int
emit(parser *p, uint8_t op, uint8_t arg, uint32_t x, uint32_t y)
{
	sg_regex *re = p->re;
	/* One slot stays free for the final MATCH. */
	if (re->n + 1u >= SG_MAX_REGEX_INST)
		return too_large(p);
	re->inst[re->n].op = op;
	re->inst[re->n].arg = arg;
	re->inst[re->n].x = (uint16_t)x;
	re->inst[re->n].y = y;
	re->n++;
	return 0;
}

/* Add `by` to the targets of `in` that are >= from. */
static void
shift_targets(sg_regex_inst *in, uint32_t from, uint32_t by)
{
	if ((in->op == OP_SPLIT || in->op == OP_JMP) && in->x >= from)
		in->x = (uint16_t)(in->x + by);
	if (in->op == OP_SPLIT && in->y >= from)
		in->y += by;
}

/* Insert SPLIT(x, y) at `at`, moving [at, n) up by one; x and y are final positions. */
static int
insert_split(parser *p, uint32_t at, uint32_t x, uint32_t y)
{
	sg_regex *re = p->re;
	if (re->n + 1u >= SG_MAX_REGEX_INST)
		return too_large(p);
	memmove(&re->inst[at + 1u], &re->inst[at], (re->n - at) * sizeof re->inst[0]);
	re->n++;
	for (uint32_t k = at + 1u; k < re->n; k++)
		shift_targets(&re->inst[k], at, 1);
	re->inst[at].op = OP_SPLIT;
	re->inst[at].arg = 0;
	re->inst[at].x = (uint16_t)x;
	re->inst[at].y = y;
	return 0;
}

/* Append a copy of the finished fragment [from, from + len), its targets moved along. */
static int
copy_fragment(parser *p, uint32_t from, uint32_t len)
{
	sg_regex *re = p->re;
	if (re->n + len + 1u > SG_MAX_REGEX_INST)
		return too_large(p);
	uint32_t delta = re->n - from;
	for (uint32_t k = 0; k < len; k++) {
		sg_regex_inst in = re->inst[from + k];
		shift_targets(&in, 0, delta);
		re->inst[re->n + k] = in;
	}
	re->n = (uint16_t)(re->n + len);
	return 0;
}

/* Append SPLIT(next, after) + a copy of [from, from + len): one optional copy. */
static int
optional_copy(parser *p, uint32_t from, uint32_t len)
{
	uint32_t s = p->re->n;
	if (emit(p, OP_SPLIT, 0, s + 1u, 0) != 0 || copy_fragment(p, from, len) != 0)
		return -1;
	p->re->inst[s].y = p->re->n;
	return 0;
}

/* Repeat the atom [a, n) min..max times (max < 0: unbounded), as Go's simplify does:
 * x* = L: SPLIT(body, out) body JMP L; x+ = body SPLIT(body, out); x{n,m} = n copies, then
 * m-n optional ones. */
static int
repeat(parser *p, uint32_t a, long min, long max)
{
	sg_regex *re = p->re;
	uint32_t len = re->n - a;
	if (max == 0) {
		re->n = (uint16_t)a;
		return 0;
	}
	if (min == 0) {
		if (insert_split(p, a, a + 1u, 0) != 0)
			return -1;
		if (max < 0) {
			if (emit(p, OP_JMP, 0, a, 0) != 0)
				return -1;
			re->inst[a].y = re->n;
			return 0;
		}
		re->inst[a].y = re->n;
		for (long k = 1; k < max; k++)
			if (optional_copy(p, a + 1u, len) != 0)
				return -1;
		return 0;
	}
	for (long k = 1; k < min; k++)
		if (copy_fragment(p, a, len) != 0)
			return -1;
	if (max < 0)
		return emit(p, OP_SPLIT, 0, re->n - len, re->n + 1u);
	for (long k = min; k < max; k++)
		if (optional_copy(p, a, len) != 0)
			return -1;
	return 0;
}

/* A new atom starts at `at`: the previous one is final. */
static void
begin_atom(branch *b, uint32_t at)
{
	if (b->atom != NONE && b->atom_rp > b->rp)
		b->rp = b->atom_rp;
	b->atom = (uint16_t)at;
	b->atom_rp = 1;
}

static int
atom(parser *p, branch *b, uint8_t op, uint8_t arg, uint32_t x, uint32_t y)
{
	begin_atom(b, p->re->n);
	return emit(p, op, arg, x, y);
}

static int
literal(parser *p, branch *b, uint8_t flags, uint32_t r)
{
	if ((flags & F_FOLD) != 0 && (fold(r) != r || (r >= 'a' && r <= 'z')))
		return atom(p, b, OP_RUNE_FOLD, 0, 0, fold(r));
	return atom(p, b, OP_RUNE, 0, 0, r);
}

/* The branch ends: fold its product into the group's. */
static void
end_branch(group *g, branch *b)
{
	begin_atom(b, NONE);
	if (b->rp > g->rp)
		g->rp = b->rp;
}

/* Point every pending JMP of the group at its end. */
static void
close_group(parser *p, group *g, branch *b)
{
	end_branch(g, b);
	for (uint32_t k = g->chain; k != NONE;) {
		uint32_t next = p->re->inst[k].x;
		p->re->inst[k].x = p->re->n;
		k = next;
	}
	g->chain = NONE;
}

/* ---- escapes and classes ---- */

/* An escape at s[*ip] == '\\' that stands for one character (Go's parseEscape). */
static int
parse_escape(parser *p, size_t *ip, uint32_t *out)
{
	const uint8_t *s = p->s;
	static const char c_escapes[] = "a\af\fn\nr\rt\tv\v";
	const char *q;
	size_t n = p->n, start = *ip, i = start + 1, w;
	uint32_t c, r;
	if (i >= n)
		return fail(p, E_TRAILING, n, n);
	if (next_rune(p, i, &c, &w) != 0)
		return -1;
	i += w;
	if (c < 0x80 && !is_alnum(c)) {
		/* Escaped punctuation is itself. */
		*out = c;
	} else if (c == '0' || (c >= '1' && c <= '7' && i < n && s[i] >= '0' && s[i] <= '7')) {
		/* Octal, up to three digits; a lone \1-\7 is a backreference, rejected below. */
		r = c - '0';
		for (int k = 1; k < 3 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
			r = r * 8u + (uint32_t)(s[i++] - '0');
		*out = r;
	} else if (c == 'x' && i < n) {
		if (next_rune(p, i, &c, &w) != 0)
			return -1;
		i += w;
		if (c == '{') {
			/* \x{hex}: one or more digits, at most U+10FFFF. */
			int nhex = 0;
			r = 0;
			for (;;) {
				if (i >= n)
					return fail(p, E_ESCAPE, start, i);
				if (next_rune(p, i, &c, &w) != 0)
					return -1;
				i += w;
				if (c == '}')
					break;
				int v = unhex(c);
				if (v < 0)
					return fail(p, E_ESCAPE, start, i);
				r = r * 16u + (uint32_t)v;
				if (r > MAX_RUNE)
					return fail(p, E_ESCAPE, start, i);
				nhex++;
			}
			if (nhex == 0)
				return fail(p, E_ESCAPE, start, i);
			*out = r;
		} else {
			int hi = unhex(c), lo = -1;
			if (i < n) {
				if (next_rune(p, i, &c, &w) != 0)
					return -1;
				i += w;
				lo = unhex(c);
			}
			if (hi < 0 || lo < 0)
				return fail(p, E_ESCAPE, start, i);
			*out = (uint32_t)(hi * 16 + lo);
		}
	} else if (c < 0x80 && (q = memchr(c_escapes, (int)c, sizeof c_escapes - 1)) != NULL &&
		((q - c_escapes) & 1) == 0) {
		/* C escapes; no \b, which is the word boundary. */
		*out = (uint8_t)q[1];
	} else {
		return fail(p, E_ESCAPE, start, i);
	}
	*ip = i;
	return 0;
}

/* \p and \P name Unicode classes, which we do not carry: report them as Go reports an unknown
 * name, with the same span (the letter after \p, or up to the closing brace). */
static int
unicode_class(parser *p, size_t i)
{
	size_t j = i + 2, w;
	uint32_t c;
	if (j >= p->n)
		return fail(p, E_RANGE, i, j);
	if (next_rune(p, j, &c, &w) != 0)
		return -1;
	if (c != '{')
		return fail(p, E_RANGE, i, j + w);
	size_t end = i;
	while (end < p->n && p->s[end] != '}')
		end++;
	if (end == p->n) {
		if (check_utf8(p, i, p->n) != 0)
			return -1;
		return fail(p, E_RANGE, i, p->n);
	}
	if (check_utf8(p, i + 3, end) != 0)
		return -1;
	return fail(p, E_RANGE, i, end + 1);
}

/* Add a Perl or POSIX group to the class, folded and negated as Go's appendGroup does. */
static int
add_group(parser *p, rset *cls, const cgroup *g, int neg, uint8_t flags)
{
	uint32_t buf[24][2];
	rset t = {buf, 0, 24};
	for (size_t k = 0; k < g->npairs; k++) {
		uint32_t lo = g->r[2 * k], hi = g->r[2 * k + 1];
		/* At most 4 pairs x 7 ranges each: never full after merging. */
		if (((flags & F_FOLD) != 0 ? rs_add_folded(&t, lo, hi) : rs_add(&t, lo, hi)) != 0)
			return too_large(p);
	}
	rs_clean(&t);
	if ((neg ^ g->neg) != 0 && rs_negate(&t) != 0)
		return too_large(p);
	for (size_t k = 0; k < t.n; k++)
		if (rs_add(cls, t.r[k][0], t.r[k][1]) != 0)
			return too_large(p);
	return 0;
}

static const cgroup *
perl_group(parser *p, size_t i)
{
	if (i + 1 >= p->n || p->s[i] != '\\')
		return NULL;
	for (size_t k = 0; k < sizeof perl_groups / sizeof perl_groups[0]; k++)
		if (perl_groups[k].name[0] == (char)p->s[i + 1])
			return &perl_groups[k];
	return NULL;
}

/* One character of a class: an escape or a rune; the end of the pattern is a missing ]. */
static int
class_char(parser *p, size_t *ip, size_t open, uint32_t *r)
{
	size_t w;
	if (*ip >= p->n)
		return fail(p, E_MISSING_BRACKET, open, p->n);
	if (p->s[*ip] == '\\')
		return parse_escape(p, ip, r);
	if (next_rune(p, *ip, r, &w) != 0)
		return -1;
	*ip += w;
	return 0;
}

/* A [:name:] or [:^name:] at s[i]; 0 with *g NULL when there is none (then "[" is literal). */
static int
posix_group(parser *p, size_t i, const cgroup **g, int *neg, size_t *end)
{
	const uint8_t *s = p->s;
	*g = NULL;
	size_t k = i + 2;
	while (k + 1 < p->n && !(s[k] == ':' && s[k + 1] == ']'))
		k++;
	if (k + 1 >= p->n)
		return 0;
	*end = k + 2;
	size_t name = i + 2;
	*neg = s[name] == '^';
	name += (size_t)*neg;
	for (size_t q = 0; q < sizeof posix_groups / sizeof posix_groups[0]; q++) {
		size_t len = strlen(posix_groups[q].name);
		if (k - name == len && memcmp(s + name, posix_groups[q].name, len) == 0) {
			*g = &posix_groups[q];
			return 0;
		}
	}
	return fail(p, E_RANGE, i, *end);
}

/* [...] at s[*ip] (Go's parseClass), emitted as one OP_CLASS atom. */
static int
parse_class(parser *p, size_t *ip, uint8_t flags, branch *b)
{
	sg_regex *re = p->re;
	const uint8_t *s = p->s;
	size_t n = p->n, open = *ip, i = open + 1;
	rset cls = {&re->ranges[re->nranges], 0, SG_MAX_REGEX_RANGES - re->nranges};
	int neg = 0, first = 1;
	if (i < n && s[i] == '^') {
		neg = 1;
		i++;
	}
	/* "]" right after "[" or "[^" is a literal. */
	while (i >= n || s[i] != ']' || first) {
		const cgroup *g;
		int gneg;
		size_t end, rng = i;
		uint32_t lo, hi;
		first = 0;
		if (n - i > 2 && s[i] == '[' && s[i + 1] == ':') {
			if (posix_group(p, i, &g, &gneg, &end) != 0)
				return -1;
			if (g != NULL) {
				if (add_group(p, &cls, g, gneg, flags) != 0)
					return -1;
				i = end;
				continue;
			}
		}
		if (i + 1 < n && s[i] == '\\' && (s[i + 1] == 'p' || s[i + 1] == 'P'))
			return unicode_class(p, i);
		if ((g = perl_group(p, i)) != NULL) {
			if (add_group(p, &cls, g, 0, flags) != 0)
				return -1;
			i += 2;
			continue;
		}
		if (class_char(p, &i, open, &lo) != 0)
			return -1;
		hi = lo;
		/* "a-]" is "a" and "-". */
		if (n - i >= 2 && s[i] == '-' && s[i + 1] != ']') {
			i++;
			if (class_char(p, &i, open, &hi) != 0)
				return -1;
			if (hi < lo)
				return fail(p, E_RANGE, rng, i);
		}
		if (((flags & F_FOLD) != 0 ? rs_add_folded(&cls, lo, hi) : rs_add(&cls, lo, hi)) != 0)
			return too_large(p);
	}
	*ip = i + 1;
	rs_clean(&cls);
	if (neg && rs_negate(&cls) != 0)
		return too_large(p);
	uint32_t base = re->nranges;
	re->nranges = (uint16_t)(re->nranges + cls.n);
	return atom(p, b, OP_CLASS, 0, base, (uint32_t)cls.n);
}

/* A Perl class escape outside brackets, e.g. \d. */
static int
perl_class(parser *p, const cgroup *g, uint8_t flags, branch *b)
{
	sg_regex *re = p->re;
	size_t gi = (size_t)(g - perl_groups), fi = (flags & F_FOLD) != 0;
	if (!p->perl_done[gi][fi]) {
		rset cls = {&re->ranges[re->nranges], 0, SG_MAX_REGEX_RANGES - re->nranges};
		if (add_group(p, &cls, g, 0, flags) != 0)
			return -1;
		p->perl_done[gi][fi] = 1;
		p->perl_base[gi][fi] = re->nranges;
		p->perl_n[gi][fi] = (uint16_t)cls.n;
		re->nranges = (uint16_t)(re->nranges + cls.n);
	}
	return atom(p, b, OP_CLASS, 0, p->perl_base[gi][fi], p->perl_n[gi][fi]);
}

/* ---- groups, flags, repetition ---- */

/* (?...) at s[*ip]: a named group, or flags with or without a group (Go's parsePerlFlags).
 * *open says whether a group opens; *flags gets the flags in force after it. */
static int
perl_flags(parser *p, size_t *ip, uint8_t *flags, int *open)
{
	const uint8_t *s = p->s;
	size_t n = p->n, start = *ip, i = start + 2, w;
	int with_p = n - start > 4 && s[start + 2] == 'P' && s[start + 3] == '<';
	int with_name = n - start > 3 && s[start + 2] == '<';
	if (with_p || with_name) {
		size_t name = start + (with_p ? 4u : 3u), end = start;
		while (end < n && s[end] != '>')
			end++;
		if (end == n) {
			if (check_utf8(p, start, n) != 0)
				return -1;
			return fail(p, E_NAMED, start, n);
		}
		if (check_utf8(p, name, end) != 0)
			return -1;
		int ok = end > name;
		for (size_t k = name; k < end; k++)
			ok = ok && (is_alnum(s[k]) || s[k] == '_');
		if (!ok)
			return fail(p, E_NAMED, start, end + 1);
		*ip = end + 1;
		*open = 1;
		return 0;
	}
	uint8_t f = *flags;
	int neg = 0, saw = 0;
	while (i < n) {
		uint32_t c;
		uint8_t bit = 0;
		if (next_rune(p, i, &c, &w) != 0)
			return -1;
		i += w;
		if (c == 'i')
			bit = F_FOLD;
		else if (c == 'm')
			bit = F_MULTI;
		else if (c == 's')
			bit = F_DOTNL;
		else if (c == 'U')
			bit = F_UNGREEDY;
		if (bit != 0) {
			f = neg ? (uint8_t)(f & ~bit) : (uint8_t)(f | bit);
			saw = 1;
		} else if (c == '-' && !neg) {
			neg = 1;
			saw = 0;
		} else if ((c == ':' || c == ')') && (!neg || saw)) {
			*open = c == ':';
			*flags = f;
			*ip = i;
			return 0;
		} else {
			break;
		}
	}
	return fail(p, E_PERL, start, i);
}

/* Go's parseInt: digits without a leading zero; -1 when the value is too big. */
static int
parse_int(const uint8_t *s, size_t n, size_t *ip, long *v)
{
	size_t i = *ip;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return 0;
	if (s[i] == '0' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
		return 0;
	*v = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (*v >= 0)
			*v = *v >= 100000000L ? -1 : *v * 10 + (s[i] - '0');
	*ip = i;
	return 1;
}

/* {n}, {n,} or {n,m} at s[i] (Go's parseRepeat). 0 when not of that form ("{" is literal). */
static int
parse_repeat(const uint8_t *s, size_t n, size_t i, long *min, long *max, size_t *after)
{
	i++;
	if (!parse_int(s, n, &i, min) || i >= n)
		return 0;
	if (s[i] != ',') {
		*max = *min;
	} else {
		i++;
		if (i >= n)
			return 0;
		if (s[i] == '}')
			*max = -1;
		else if (!parse_int(s, n, &i, max))
			return 0;
		else if (*max < 0)
			*min = -1;
	}
	if (i >= n || s[i] != '}')
		return 0;
	*after = i + 1;
	return 1;
}

/* A repetition operator s[op..i) applies to the branch's last atom (Go's parser.repeat). */
static int
apply_repeat(parser *p, branch *b, size_t last_rep, size_t op, size_t i, long min, long max,
	int counted)
{
	if (last_rep != NONE)
		return fail(p, E_NESTED, last_rep, i);
	if (b->atom == NONE)
		return fail(p, E_MISSING_ARG, op, i);
	if (counted) {
		/* Go's repeatIsValid: nested counts multiply; a {0} subtree counts for nothing. */
		uint32_t f = (uint32_t)(max < 0 ? min : max), prod = b->atom_rp;
		if (max == 0)
			prod = 1;
		else if (f > 0)
			prod *= f;
		if ((min >= 2 || max >= 2) && prod > REPEAT_MAX)
			return fail(p, E_REPEAT_SIZE, op, i);
		b->atom_rp = (uint16_t)prod;
	}
	return repeat(p, b->atom, min, max);
}

/* One escape outside a class. */
static int
parse_backslash(parser *p, size_t *ip, uint8_t flags, branch *b)
{
	const uint8_t *s = p->s;
	size_t n = p->n, i = *ip;
	static const uint8_t empties[] = {'A', EMPTY_BEGIN_TEXT, 'z', EMPTY_END_TEXT, 'b',
		EMPTY_WORD, 'B', EMPTY_NOT_WORD};
	const cgroup *g;
	uint32_t r;
	if (i + 1 < n) {
		for (size_t k = 0; k < sizeof empties; k += 2) {
			if (s[i + 1] == empties[k]) {
				*ip = i + 2;
				return atom(p, b, OP_ASSERT, empties[k + 1], 0, 0);
			}
		}
		if (s[i + 1] == 'C') /* any byte: RE2 rejects it too */
			return fail(p, E_ESCAPE, i, i + 2);
		if (s[i + 1] == 'p' || s[i + 1] == 'P')
			return unicode_class(p, i);
		if ((g = perl_group(p, i)) != NULL) {
			*ip = i + 2;
			return perl_class(p, g, flags, b);
		}
	}
	if (parse_escape(p, ip, &r) != 0)
		return -1;
	return literal(p, b, flags, r);
}

/* \Q...\E at s[*ip]: literal text up to \E or the end. */
static int
parse_quoted(parser *p, size_t *ip, uint8_t flags, branch *b)
{
	const uint8_t *s = p->s;
	size_t n = p->n, i = *ip + 2, end = i, w;
	while (end < n && !(s[end] == '\\' && end + 1 < n && s[end + 1] == 'E'))
		end++;
	while (i < end) {
		uint32_t r;
		int bad;
		w = decode_rune(s + i, end - i, &r, &bad);
		if (bad)
			return fail(p, E_UTF8, i, end);
		if (literal(p, b, flags, r) != 0)
			return -1;
		i += w;
	}
	*ip = end < n ? end + 2 : n;
	return 0;
}

static int
parse(parser *p)
{
	frame stack[MAX_DEPTH];
	sg_regex *re = p->re;
	const uint8_t *s = p->s;
	size_t n = p->n, i = 0, depth = 0, last_rep = NONE;
	group g = {0, NONE, 1};
	branch b = {0, NONE, 1, 1};
	uint8_t flags = 0;
	while (i < n) {
		size_t rep = NONE, op = i, after, w;
		long min, max;
		uint32_t r;
		int rc = 0, open = 1;
		uint8_t nflags = flags;
		switch (s[i]) {
		case '(':
			after = i + 1;
			if (i + 1 < n && s[i + 1] == '?') {
				after = i;
				if (perl_flags(p, &after, &nflags, &open) != 0)
					return -1;
			}
			i = after;
			if (!open) {
				/* (?i) changes the flags until the end of the group. */
				flags = nflags;
				break;
			}
			if (depth == MAX_DEPTH)
				return fail(p, E_DEEP, 0, n);
			begin_atom(&b, re->n);
			stack[depth].g = g;
			stack[depth].b = b;
			stack[depth].flags = flags;
			depth++;
			g.start = re->n;
			g.chain = NONE;
			g.rp = 1;
			b.start = re->n;
			b.atom = NONE;
			b.rp = b.atom_rp = 1;
			flags = nflags;
			break;
		case '|':
			end_branch(&g, &b);
			rc = insert_split(p, b.start, b.start + 1u, 0);
			if (rc == 0)
				rc = emit(p, OP_JMP, 0, g.chain, 0);
			if (rc != 0)
				return -1;
			g.chain = (uint16_t)(re->n - 1u);
			re->inst[b.start].y = re->n;
			b.start = re->n;
			b.atom = NONE;
			b.rp = b.atom_rp = 1;
			i++;
			break;
		case ')':
			if (depth == 0)
				return fail(p, E_UNEXPECTED_PAREN, 0, n);
			close_group(p, &g, &b);
			depth--;
			r = g.rp;
			g = stack[depth].g;
			b = stack[depth].b;
			flags = stack[depth].flags;
			b.atom_rp = (uint16_t)r;
			i++;
			break;
		case '^':
			rc = atom(p, &b, OP_ASSERT,
				(flags & F_MULTI) != 0 ? EMPTY_BEGIN_LINE : EMPTY_BEGIN_TEXT, 0, 0);
			i++;
			break;
		case '$':
			rc = atom(p, &b, OP_ASSERT,
				(flags & F_MULTI) != 0 ? EMPTY_END_LINE : EMPTY_END_TEXT, 0, 0);
			i++;
			break;
		case '.':
			rc = atom(p, &b, (flags & F_DOTNL) != 0 ? OP_ANY : OP_ANY_NOT_NL, 0, 0, 0);
			i++;
			break;
		case '[':
			rc = parse_class(p, &i, flags, &b);
			break;
		case '*':
		case '+':
		case '?':
			min = s[i] == '+' ? 1 : 0;
			max = s[i] == '?' ? 1 : -1;
			i++;
			if (i < n && s[i] == '?') /* lazy: same match / no-match answer */
				i++;
			rc = apply_repeat(p, &b, last_rep, op, i, min, max, 0);
			rep = op;
			break;
		case '{':
			if (!parse_repeat(s, n, i, &min, &max, &after)) {
				rc = literal(p, &b, flags, '{');
				i++;
				break;
			}
			if (min < 0 || min > (long)REPEAT_MAX || max > (long)REPEAT_MAX ||
				(max >= 0 && min > max))
				return fail(p, E_REPEAT_SIZE, i, after);
			i = after;
			if (i < n && s[i] == '?')
				i++;
			rc = apply_repeat(p, &b, last_rep, op, i, min, max, 1);
			rep = op;
			break;
		case '\\':
			if (i + 1 < n && s[i + 1] == 'Q')
				rc = parse_quoted(p, &i, flags, &b);
			else
				rc = parse_backslash(p, &i, flags, &b);
			break;
		default:
			if (next_rune(p, i, &r, &w) != 0)
				return -1;
			rc = literal(p, &b, flags, r);
			i += w;
			break;
		}
		if (rc != 0)
			return -1;
		last_rep = rep;
	}
	if (depth > 0)
		return fail(p, E_MISSING_PAREN, 0, n);
	close_group(p, &g, &b);
	/* emit() kept this slot free. */
	re->inst[re->n].op = OP_MATCH;
	re->n++;
	return 0;
}

/* see regex.h */
sg_err
sg_regex_compile(const char *pattern, size_t len, sg_regex *re, sg_diag *d)
{
	parser p;
	memset(re, 0, sizeof *re);
	memset(&p, 0, sizeof p);
	p.s = (const uint8_t *)(pattern != NULL ? pattern : "");
	p.n = pattern != NULL ? len : 0;
	p.re = re;
	if ((len > SG_MAX_REGEX_PATTERN ? too_large(&p) : parse(&p)) == 0)
		return SG_OK;
	memset(re, 0, sizeof *re);
	return sg_diag_failmsg(d, SG_ERR_POLICY_REGEX, "error parsing regexp: %s: `%.*s`", p.code,
		(int)(p.elen > SG_MAX_REGEX_PATTERN ? SG_MAX_REGEX_PATTERN : p.elen),
		(const char *)p.s + p.eoff);
}

/* ---- matching ---- */

static uint8_t
context(uint32_t before, uint32_t after)
{
	uint8_t f = 0;
	if (before == NO_RUNE)
		f |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
	else if (before == '\n')
		f |= EMPTY_BEGIN_LINE;
	if (after == NO_RUNE)
		f |= EMPTY_END_TEXT | EMPTY_END_LINE;
	else if (after == '\n')
		f |= EMPTY_END_LINE;
	f |= is_word(before) != is_word(after) ? EMPTY_WORD : EMPTY_NOT_WORD;
	return f;
}

static int
in_class(const sg_regex *re, const sg_regex_inst *in, uint32_t r)
{
	size_t lo = in->x, hi = (size_t)in->x + in->y;
	if (hi > re->nranges)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r < re->ranges[mid][0])
			hi = mid;
		else if (r > re->ranges[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
consumes(const sg_regex *re, const sg_regex_inst *in, uint32_t r)
{
	switch (in->op) {
	case OP_RUNE:
		return r == in->y;
	case OP_RUNE_FOLD:
		return fold(r) == in->y;
	case OP_CLASS:
		return in_class(re, in, r);
	case OP_ANY:
		return 1;
	case OP_ANY_NOT_NL:
		return r != '\n';
	default:
		return 0;
	}
}

typedef struct vm {
	const sg_regex *re;
	uint64_t seen[SG_MAX_REGEX_INST / 64]; /* added at this position */
	uint16_t stack[SG_MAX_REGEX_INST];    /* each instruction is pushed at most once */
} vm;

static void
mark_push(vm *m, size_t *sp, uint32_t t)
{
	uint64_t bit = (uint64_t)1 << (t & 63u);
	if (t < m->re->n && (m->seen[t >> 6] & bit) == 0) {
		m->seen[t >> 6] |= bit;
		m->stack[(*sp)++] = (uint16_t)t;
	}
}

/* Add pc's epsilon closure under context ctx to list; 1 when it reaches MATCH. */
static int
add_thread(vm *m, uint16_t *list, size_t *count, uint32_t pc, uint8_t ctx)
{
	size_t sp = 0;
	mark_push(m, &sp, pc);
	while (sp > 0) {
		pc = m->stack[--sp];
		const sg_regex_inst *in = &m->re->inst[pc];
		switch (in->op) {
		case OP_MATCH:
			return 1;
		case OP_JMP:
			mark_push(m, &sp, in->x);
			break;
		case OP_SPLIT:
			mark_push(m, &sp, in->y);
			mark_push(m, &sp, in->x);
			break;
		case OP_ASSERT:
			if ((ctx & in->arg) != 0)
				mark_push(m, &sp, pc + 1u);
			break;
		default:
			list[(*count)++] = (uint16_t)pc;
			break;
		}
	}
	return 0;
}

static uint32_t
rune_at(const uint8_t *text, size_t len, size_t pos, size_t *w)
{
	uint32_t r;
	int bad;
	if (pos >= len) {
		*w = 0;
		return NO_RUNE;
	}
	*w = decode_rune(text + pos, len - pos, &r, &bad);
	return r;
}

/* see regex.h */
int
sg_regex_search(const sg_regex *re, const uint8_t *text, size_t len)
{
	vm m;
	uint16_t lists[2][SG_MAX_REGEX_INST];
	uint16_t *cur = lists[0], *next = lists[1], *tmp;
	size_t ncur = 0, nnext, w, nw, pos = 0;
	if (re->n == 0 || re->n > SG_MAX_REGEX_INST || (text == NULL && len > 0))
		return 0;
	size_t words = ((size_t)re->n + 63u) / 64u;
	m.re = re;
	uint32_t c = rune_at(text, len, 0, &w);
	memset(m.seen, 0, words * sizeof m.seen[0]);
	if (add_thread(&m, cur, &ncur, 0, context(NO_RUNE, c)))
		return 1;
	while (pos < len) {
		uint32_t nc = rune_at(text, len, pos + w, &nw);
		uint8_t ctx = context(c, nc);
		memset(m.seen, 0, words * sizeof m.seen[0]);
		nnext = 0;
		for (size_t k = 0; k < ncur; k++)
			if (consumes(re, &re->inst[cur[k]], c) &&
				add_thread(&m, next, &nnext, cur[k] + 1u, ctx))
				return 1;
		/* Unanchored: a match may also start after this character. */
		if (add_thread(&m, next, &nnext, 0, ctx))
			return 1;
		tmp = cur;
		cur = next;
		next = tmp;
		ncur = nnext;
		pos += w;
		c = nc;
		w = nw;
	}
	return 0;
}
