/* tuf: TUF 1.0.34 client checks. See tuf.h.
 *
 * Implementation notes.
 *   - Grammar: TUF 1.0.34 §4 (file formats) over RFC 8259 JSON as vfj reads it (duplicate
 *     members refused, so "keys", "meta" and "targets" cannot name one thing twice). Every
 *     list is bounded before it is walked (SG_MAX_TUF_KEYS, SG_MAX_TUF_SIGS,
 *     SG_MAX_TUF_ENTRIES).
 *   - What is signed is recomputed from the parsed tree (sg_json_canonical_olpc), never taken
 *     from the file's bytes, so the signature covers exactly what the code then reads.
 *   - Distinct keys (§5.3.4, go-tuf metadata.go VerifyDelegate): a key is its DER SPKI; the
 *     hex point and PEM forms of one P-256 key give the same 91 bytes, so a key listed twice
 *     in two encodings still counts once.
 *   - Workflow: TUF 1.0.34 "Detailed client workflow" §5.2-5.7, in the order of the spec's
 *     steps; python-tuf's TrustedMetadataSet and go-tuf's trustedmetadata.go have the same
 *     shape (a set of trusted files, each update checked against the ones held).
 *   - Messages read "TUF <role>[ vN]: <check>: <detail>" with the check words of the attack
 *     matrix (tests/tuf/gen-repos.mjs): format, type, spec-version, signature, threshold,
 *     version, rollback, mix-and-match, length, hash, expired, missing. */
#include "sigstore/tuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/pem.h"

static const char *const role_names[SG_TUF_N_ROLES] = {"root", "timestamp", "snapshot",
	"targets"};

/* see tuf.h */
const char *
sg_tuf_role_name(sg_tuf_role r)
{
	return (unsigned)r < SG_TUF_N_ROLES ? role_names[r] : "?";
}

/* Record "TUF <role>[ vN]: <check>: <detail>" (version 0: no " vN"). */
SG_MUST_USE static sg_err
fail(sg_diag *d, sg_err code, const char *role, int64_t version, const char *check,
	const char *fmt, ...) SG_PRINTF(6, 7);

SG_MUST_USE static sg_err
fail(sg_diag *d, sg_err code, const char *role, int64_t version, const char *check,
	const char *fmt, ...)
{
	char detail[SG_DIAG_DETAIL_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (n < 0)
		detail[0] = '\0';
	char v[32] = "";
	if (version > 0)
		(void)snprintf(v, sizeof v, " v%lld", (long long)version);
	return sg_diag_failmsg(d, code, "TUF %s%s: %s: %s", role, v, check, detail);
}

/* ---- parsing ---- */

/* What one parse needs at hand. */
struct pc {
	const sg_json *j;
	const char *role;
	sg_arena *arena;
	sg_diag *d;
};

static const char *
type_name(vfj_type t)
{
	switch (t) {
	case VFJ_OBJECT:
		return "an object";
	case VFJ_ARRAY:
		return "an array";
	case VFJ_STRING:
		return "a string";
	case VFJ_NUMBER:
		return "an integer";
	default:
		return "a boolean";
	}
}

/* Member `key` of object `obj` with JSON type `type`; *out = SG_JSON_NONE when absent and
 * not required. */
SG_MUST_USE static sg_err
member(const struct pc *c, size_t obj, const char *key, vfj_type type, int required,
	size_t *out)
{
	*out = sg_json_get(c->j, obj, key);
	if (*out == SG_JSON_NONE)
		return required ? fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
					  "\"%s\" is missing", key)
				: SG_OK;
	vfj_type t = sg_json_type(c->j, *out);
	if (t == type || (type == VFJ_TRUE && t == VFJ_FALSE))
		return SG_OK;
	return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format", "\"%s\" is not %s", key,
		type_name(type));
}

/* A string value (unescaped) of at most `max` bytes. */
SG_MUST_USE static sg_err
string_at(const struct pc *c, size_t t, const char *what, size_t max, sg_slice *out)
{
	if (sg_json_type(c->j, t) != VFJ_STRING ||
		sg_json_str(c->j, t, what, c->arena, out, NULL) != SG_OK || out->len > max)
		return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
			"%s is not a string of at most %zu bytes", what, max);
	return SG_OK;
}

SG_MUST_USE static sg_err
string_member(const struct pc *c, size_t obj, const char *key, size_t max, sg_slice *out)
{
	size_t t;
	SG_TRY(member(c, obj, key, VFJ_STRING, 1, &t));
	return string_at(c, t, key, max, out);
}

/* An integer value in [min, INT64_MAX]. */
SG_MUST_USE static sg_err
int_at(const struct pc *c, size_t t, const char *what, int64_t min, int64_t *out)
{
	if (sg_json_type(c->j, t) != VFJ_NUMBER || vfj_i64(&c->j->doc, t, out) != VFJ_OK ||
		*out < min)
		return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
			"%s is not an integer >= %lld", what, (long long)min);
	return SG_OK;
}

SG_MUST_USE static sg_err
int_member(const struct pc *c, size_t obj, const char *key, int64_t min, int64_t *out)
{
	size_t t;
	SG_TRY(member(c, obj, key, VFJ_NUMBER, 1, &t));
	return int_at(c, t, key, min, out);
}

/* A count of children that must not exceed `max`. */
SG_MUST_USE static sg_err
bounded(const struct pc *c, size_t t, const char *what, size_t max, size_t *n)
{
	*n = sg_json_count(c->j, t);
	if (*n > max)
		return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format", "%zu %s, at most %zu",
			*n, what, max);
	return SG_OK;
}

SG_MUST_USE static sg_err
alloc_array(const struct pc *c, size_t n, size_t size, void **out)
{
	size_t bytes;
	if (!sg_mul_ok(n != 0 ? n : 1, size, &bytes))
		return sg_diag_fail(c->d, SG_ERR_LIMIT, "TUF metadata");
	return sg_arena_get(c->arena, bytes, out, c->d);
}

/* Exactly `n` bytes of lowercase hex into out[0..n). */
static int
hex_exact(sg_slice s, uint8_t *out, size_t n)
{
	size_t got;
	return s.len == 2 * n && sg_hex_decode(s.p, s.len, out, n, &got, NULL) == SG_OK &&
	       got == n;
}

/* The DER SubjectPublicKeyInfo prefixes of RFC 5480 (P-256, uncompressed point follows) and
 * RFC 8410 (Ed25519, 32-byte key follows). */
static const uint8_t p256_prefix[26] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00};
static const uint8_t ed25519_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
	0x70, 0x03, 0x21, 0x00};

/* One entry of a root's "keys" (TUF 1.0.34 §4.2; public-good's three forms). */
SG_MUST_USE static sg_err
parse_key(const struct pc *c, size_t v, sg_tuf_key *k)
{
	size_t keyval;
	sg_slice keytype, scheme, pub;
	SG_TRY(string_member(c, v, "keytype", SG_MAX_TUF_NAME, &keytype));
	SG_TRY(string_member(c, v, "scheme", SG_MAX_TUF_NAME, &scheme));
	SG_TRY(member(c, v, "keyval", VFJ_OBJECT, 1, &keyval));
	SG_TRY(string_member(c, keyval, "public", SG_MAX_PEM_FILE, &pub));
	int ecdsa = (sg_slice_eq_str(keytype, "ecdsa") ||
			    sg_slice_eq_str(keytype, "ecdsa-sha2-nistp256")) &&
		    sg_slice_eq_str(scheme, "ecdsa-sha2-nistp256");
	int ed = sg_slice_eq_str(keytype, "ed25519") && sg_slice_eq_str(scheme, "ed25519");
	if (!ecdsa && !ed)
		return SG_OK; /* kept, never counts */
	static const char pem_begin[] = "-----BEGIN";
	if (ed) {
		memcpy(k->spki, ed25519_prefix, sizeof ed25519_prefix);
		if (!hex_exact(pub, k->spki + sizeof ed25519_prefix, 32))
			goto bad;
		k->spki_len = sizeof ed25519_prefix + 32;
	} else if (pub.len >= sizeof pem_begin - 1 &&
		   memcmp(pub.p, pem_begin, sizeof pem_begin - 1) == 0) {
		uint8_t der[256];
		sg_pubkey tmp;
		if (sg_pubkey_parse_pem(pub.p, pub.len, der, sizeof der, &tmp, NULL) != SG_OK ||
			tmp.spki.len != sizeof p256_prefix + 65 ||
			memcmp(tmp.spki.p, p256_prefix, sizeof p256_prefix) != 0)
			goto bad;
		memcpy(k->spki, tmp.spki.p, tmp.spki.len);
		k->spki_len = tmp.spki.len;
	} else {
		memcpy(k->spki, p256_prefix, sizeof p256_prefix);
		if (!hex_exact(pub, k->spki + sizeof p256_prefix, 65))
			goto bad;
		k->spki_len = sizeof p256_prefix + 65;
	}
	/* Parsing the SPKI checks the point is on the curve (or the Ed25519 length). */
	if (sg_pubkey_parse(k->spki, k->spki_len, &k->pub, NULL) == SG_OK)
		return SG_OK;
bad:
	k->spki_len = 0;
	return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
		"key %.*s: keyval.public is not a %s key", (int)(k->id.len < 80 ? k->id.len : 80),
		(const char *)k->id.p, ed ? "hex Ed25519" : "PEM or hex P-256");
}

SG_MUST_USE static sg_err
parse_root(const struct pc *c, size_t sgn, sg_tuf_md *m)
{
	size_t keys, roles, t;
	SG_TRY(member(c, sgn, "consistent_snapshot", VFJ_TRUE, 0, &t));
	m->consistent_snapshot = t != SG_JSON_NONE && sg_json_type(c->j, t) == VFJ_TRUE;
	SG_TRY(member(c, sgn, "keys", VFJ_OBJECT, 1, &keys));
	SG_TRY(member(c, sgn, "roles", VFJ_OBJECT, 1, &roles));
	SG_TRY(bounded(c, keys, "keys", SG_MAX_TUF_KEYS, &m->n_keys));
	SG_TRY(alloc_array(c, m->n_keys, sizeof *m->keys, (void **)&m->keys));
	size_t i = 0;
	for (size_t k = sg_json_first(c->j, keys); k != SG_JSON_NONE && i < m->n_keys;
		k = sg_json_next(c->j, k), i++) {
		SG_TRY(string_at(c, k, "a key id", SG_MAX_TUF_NAME, &m->keys[i].id));
		size_t v = sg_json_first(c->j, k);
		if (sg_json_type(c->j, v) != VFJ_OBJECT)
			return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
				"a key is not an object");
		SG_TRY(parse_key(c, v, &m->keys[i]));
	}
	for (int r = 0; r < SG_TUF_N_ROLES; r++) {
		size_t role, ids, n;
		sg_tuf_keyset *ks = &m->roles[r];
		SG_TRY(member(c, roles, role_names[r], VFJ_OBJECT, 1, &role));
		SG_TRY(int_member(c, role, "threshold", 1, &ks->threshold));
		SG_TRY(member(c, role, "keyids", VFJ_ARRAY, 1, &ids));
		SG_TRY(bounded(c, ids, "key ids", SG_MAX_TUF_KEYS, &n));
		for (size_t e = sg_json_first(c->j, ids); e != SG_JSON_NONE;
			e = sg_json_next(c->j, e)) {
			sg_slice id;
			SG_TRY(string_at(c, e, "a role key id", SG_MAX_TUF_NAME, &id));
			size_t k = 0;
			while (k < m->n_keys && !sg_slice_eq(m->keys[k].id, id))
				k++;
			int dup = 0;
			for (size_t x = 0; x < ks->n; x++)
				dup |= ks->keys[x] == k;
			if (k == m->n_keys || dup)
				return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
					"role %s: key id %.*s is %s", role_names[r],
					(int)(id.len < 80 ? id.len : 80), (const char *)id.p,
					dup ? "listed twice" : "not in \"keys\"");
			ks->keys[ks->n++] = (uint16_t)k;
		}
	}
	return SG_OK;
}

/* "hashes": {"sha256": hex, "sha512": hex, other: string}. */
SG_MUST_USE static sg_err
parse_hashes(const struct pc *c, size_t h, sg_tuf_file *f)
{
	size_t n;
	SG_TRY(bounded(c, h, "hashes", 16, &n));
	for (size_t k = sg_json_first(c->j, h); k != SG_JSON_NONE; k = sg_json_next(c->j, k)) {
		sg_slice alg, hex;
		SG_TRY(string_at(c, k, "a hash algorithm", SG_MAX_TUF_NAME, &alg));
		SG_TRY(string_at(c, sg_json_first(c->j, k), "a hash", 1024, &hex));
		if (sg_slice_eq_str(alg, "sha256")) {
			f->has_sha256 = hex_exact(hex, f->sha256, sizeof f->sha256);
			if (!f->has_sha256)
				goto bad;
		} else if (sg_slice_eq_str(alg, "sha512")) {
			f->has_sha512 = hex_exact(hex, f->sha512, sizeof f->sha512);
			if (!f->has_sha512)
				goto bad;
		} else {
			f->has_other_hash = 1;
		}
		continue;
	bad:
		return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
			"%.*s: the %.*s hash is not lowercase hex of the right length",
			(int)(f->name.len < 80 ? f->name.len : 80), (const char *)f->name.p,
			(int)alg.len, (const char *)alg.p);
	}
	return SG_OK;
}

/* "meta" (timestamp, snapshot) or "targets" (targets): name -> file info. */
SG_MUST_USE static sg_err
parse_files(const struct pc *c, size_t sgn, sg_tuf_md *m)
{
	int targets = m->type == SG_TUF_TARGETS;
	size_t obj, t;
	SG_TRY(member(c, sgn, targets ? "targets" : "meta", VFJ_OBJECT, 1, &obj));
	SG_TRY(bounded(c, obj, "entries", SG_MAX_TUF_ENTRIES, &m->n_files));
	SG_TRY(alloc_array(c, m->n_files, sizeof *m->files, (void **)&m->files));
	size_t i = 0;
	for (size_t k = sg_json_first(c->j, obj); k != SG_JSON_NONE && i < m->n_files;
		k = sg_json_next(c->j, k), i++) {
		sg_tuf_file *f = &m->files[i];
		size_t v = sg_json_first(c->j, k);
		SG_TRY(string_at(c, k, "a file name", SG_MAX_TUF_NAME, &f->name));
		if (sg_json_type(c->j, v) != VFJ_OBJECT)
			return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
				"an entry is not an object");
		if (!targets)
			SG_TRY(int_member(c, v, "version", 1, &f->version));
		SG_TRY(member(c, v, "length", VFJ_NUMBER, targets, &t));
		if (t != SG_JSON_NONE) {
			int64_t len;
			SG_TRY(int_at(c, t, "length", 0, &len));
			f->has_length = 1;
			f->length = (uint64_t)len;
		}
		SG_TRY(member(c, v, "hashes", VFJ_OBJECT, targets, &t));
		if (t != SG_JSON_NONE)
			SG_TRY(parse_hashes(c, t, f));
		int n = (int)(f->name.len < 80 ? f->name.len : 80);
		if (targets && !f->has_sha256 && !f->has_sha512 && !f->has_other_hash)
			return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
				"target %.*s lists no hash", n, (const char *)f->name.p);
	}
	static const char *const need[SG_TUF_N_ROLES] = {NULL, "snapshot.json", "targets.json",
		NULL};
	if (need[m->type] != NULL && sg_tuf_file_find(m, need[m->type]) == NULL)
		return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format", "meta lists no %s",
			need[m->type]);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_sigs(const struct pc *c, size_t arr, sg_tuf_md *m)
{
	SG_TRY(bounded(c, arr, "signatures", SG_MAX_TUF_SIGS, &m->n_sigs));
	SG_TRY(alloc_array(c, m->n_sigs, sizeof *m->sigs, (void **)&m->sigs));
	size_t i = 0;
	for (size_t e = sg_json_first(c->j, arr); e != SG_JSON_NONE && i < m->n_sigs;
		e = sg_json_next(c->j, e), i++) {
		sg_slice hex;
		if (sg_json_type(c->j, e) != VFJ_OBJECT)
			return fail(c->d, SG_ERR_TUF_FORMAT, c->role, 0, "format",
				"a signature is not an object");
		SG_TRY(string_member(c, e, "keyid", SG_MAX_TUF_NAME, &m->sigs[i].keyid));
		SG_TRY(string_member(c, e, "sig", 2 * 1024, &hex));
		uint8_t *raw;
		size_t n = 0;
		SG_TRY(sg_arena_get(c->arena, hex.len / 2 + 1, (void **)&raw, c->d));
		if (hex.len != 0 &&
			sg_hex_decode(hex.p, hex.len, raw, hex.len / 2 + 1, &n, NULL) != SG_OK)
			return fail(c->d, SG_ERR_TUF_SIGNATURE, c->role, 0, "signature",
				"the signature by key %.*s is not lowercase hex",
				(int)(m->sigs[i].keyid.len < 80 ? m->sigs[i].keyid.len : 80),
				(const char *)m->sigs[i].keyid.p);
		m->sigs[i].sig = sg_slice_make(raw, n);
	}
	return SG_OK;
}

/* spec_version "1", "1.0", "1.0.34"...: major version 1 (the spec leaves the match rule to
 * clients; python-tuf and go-tuf compare the major version). */
static int
spec_major_1(sg_slice v)
{
	return v.len >= 1 && v.p[0] == '1' && (v.len == 1 || v.p[1] == '.');
}

SG_MUST_USE static sg_err
parse_md(const uint8_t *p, size_t len, sg_tuf_role type, sg_arena *arena, sg_tuf_md *out,
	sg_diag *d)
{
	const char *role = sg_tuf_role_name(type);
	sg_json j;
	sg_diag jd;
	sg_diag_init(&jd, NULL);
	if (sg_json_parse(p, len, arena, "JSON", &j, &jd) != SG_OK) {
		if (jd.code == SG_ERR_LIMIT)
			return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		char msg[256];
		sg_diag_format(&jd, msg, sizeof msg);
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "format", "%s", msg);
	}
	struct pc c = {&j, role, arena, d};
	size_t top = sg_json_root(&j), sgn, sigs, t;
	if (sg_json_type(&j, top) != VFJ_OBJECT)
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "format", "not a JSON object");
	SG_TRY(member(&c, top, "signed", VFJ_OBJECT, 1, &sgn));
	SG_TRY(member(&c, top, "signatures", VFJ_ARRAY, 1, &sigs));
	out->type = type;
	out->raw = sg_slice_make(p, len);
	sg_slice s;
	SG_TRY(string_member(&c, sgn, "_type", SG_MAX_TUF_NAME, &s));
	if (!sg_slice_eq_str(s, role))
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "type", "_type is \"%.*s\"",
			(int)(s.len < 40 ? s.len : 40), (const char *)s.p);
	SG_TRY(string_member(&c, sgn, "spec_version", SG_MAX_TUF_NAME, &s));
	if (!spec_major_1(s))
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "spec-version",
			"spec_version \"%.*s\" is not 1.x", (int)(s.len < 40 ? s.len : 40),
			(const char *)s.p);
	SG_TRY(int_member(&c, sgn, "version", 1, &out->version));
	SG_TRY(member(&c, sgn, "expires", VFJ_STRING, 1, &t));
	SG_TRY(string_at(&c, t, "expires", 64, &s));
	if (sg_time_parse_rfc3339(s.p, s.len, &out->expires, NULL) != SG_OK)
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "format",
			"expires \"%.*s\" is not an RFC 3339 time", (int)s.len, (const char *)s.p);
	if (type == SG_TUF_ROOT)
		SG_TRY(parse_root(&c, sgn, out));
	else
		SG_TRY(parse_files(&c, sgn, out));
	SG_TRY(parse_sigs(&c, sigs, out));
	/* What the signatures sign: the canonical form of the tree just read. */
	if (sg_json_canonical_olpc(&j, sgn, arena, &out->canonical, &jd) != SG_OK) {
		if (jd.code == SG_ERR_LIMIT)
			return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		char msg[256];
		sg_diag_format(&jd, msg, sizeof msg);
		return fail(d, SG_ERR_TUF_FORMAT, role, 0, "format", "%s", msg);
	}
	sg_sha256(out->canonical.p, out->canonical.len, out->digest);
	return SG_OK;
}

/* see tuf.h */
sg_err
sg_tuf_parse(const uint8_t *p, size_t len, sg_tuf_role type, sg_arena *arena, sg_tuf_md *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)type >= SG_TUF_N_ROLES)
		return sg_diag_fail(d, SG_ERR_ARG, "TUF role");
	sg_err e = parse_md(p, len, type, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- signatures ---- */

/* see tuf.h */
size_t
sg_tuf_count_signatures(const sg_tuf_md *m, const sg_tuf_md *root, sg_tuf_role role)
{
	const sg_tuf_keyset *ks = &root->roles[role];
	const sg_tuf_key *counted[SG_MAX_TUF_KEYS];
	size_t n = 0;
	for (size_t s = 0; s < m->n_sigs; s++) {
		const sg_tuf_sig *sig = &m->sigs[s];
		const sg_tuf_key *k = NULL;
		for (size_t i = 0; i < ks->n && k == NULL; i++)
			if (sg_slice_eq(root->keys[ks->keys[i]].id, sig->keyid))
				k = &root->keys[ks->keys[i]];
		if (k == NULL || k->spki_len == 0 || sig->sig.len == 0)
			continue;
		int seen = 0;
		for (size_t i = 0; i < n && !seen; i++)
			seen = counted[i]->spki_len == k->spki_len &&
			       memcmp(counted[i]->spki, k->spki, k->spki_len) == 0;
		if (seen || n == SG_MAX_TUF_KEYS)
			continue;
		/* Ed25519 signs the canonical bytes, ECDSA their SHA-256 */
		sg_err e;
		if (k->pub.type == SG_KEY_ED25519)
			e = sg_pubkey_verify_message(&k->pub, SG_HASH_SHA256, m->canonical.p,
				m->canonical.len, sig->sig.p, sig->sig.len, "TUF signature", NULL);
		else
			e = sg_pubkey_verify_digest(&k->pub, SG_HASH_SHA256, m->digest,
				sizeof m->digest, sig->sig.p, sig->sig.len, "TUF signature", NULL);
		if (e == SG_OK)
			counted[n++] = k;
	}
	return n;
}

/* see tuf.h */
sg_err
sg_tuf_check_threshold(const sg_tuf_md *m, const sg_tuf_md *root, sg_tuf_role role,
	const char *whose, sg_diag *d)
{
	size_t n = sg_tuf_count_signatures(m, root, role);
	int64_t need = root->roles[role].threshold;
	if ((int64_t)n >= need)
		return SG_OK;
	return fail(d, SG_ERR_TUF_SIGNATURE, sg_tuf_role_name(m->type), m->version, "threshold",
		"%zu of %lld required signatures by distinct %s keys of %s verify", n,
		(long long)need, sg_tuf_role_name(role), whose);
}

/* ---- files ---- */

/* see tuf.h */
const sg_tuf_file *
sg_tuf_file_find(const sg_tuf_md *m, const char *name)
{
	for (size_t i = 0; i < m->n_files; i++)
		if (sg_slice_eq_str(m->files[i].name, name))
			return &m->files[i];
	return NULL;
}

/* see tuf.h */
sg_err
sg_tuf_check_file(const sg_tuf_file *f, const uint8_t *p, size_t len, const char *role,
	const char *what, sg_diag *d)
{
	char who[128];
	(void)snprintf(who, sizeof who, "%s %s", role, what);
	if (f->has_length && len != f->length)
		return fail(d, SG_ERR_TUF_HASH, who, 0, "length",
			"%zu bytes, %llu listed", len, (unsigned long long)f->length);
	if (f->has_other_hash)
		return fail(d, SG_ERR_TUF_HASH, who, 0, "hash",
			"a listed hash algorithm is not sha256 or sha512");
	uint8_t h[SG_SHA512_LEN];
	if (f->has_sha256) {
		sg_sha256(p, len, h);
		if (!sg_ct_equal(h, f->sha256, SG_SHA256_LEN))
			return fail(d, SG_ERR_TUF_HASH, who, 0, "hash", "sha256 does not match");
	}
	if (f->has_sha512) {
		sg_sha512(p, len, h);
		if (!sg_ct_equal(h, f->sha512, SG_SHA512_LEN))
			return fail(d, SG_ERR_TUF_HASH, who, 0, "hash", "sha512 does not match");
	}
	return SG_OK;
}

/* ---- the trusted set ---- */

static int
expired(const sg_tuf_trusted *st, const sg_tuf_md *m)
{
	return st->check_expiry && m->expires <= st->now;
}

SG_MUST_USE static sg_err
fail_expired(sg_diag *d, const sg_tuf_md *m, const char *which)
{
	char when[32];
	if (sg_time_format_rfc3339(m->expires, when, sizeof when) != SG_OK)
		(void)snprintf(when, sizeof when, "%lld", (long long)m->expires);
	return fail(d, SG_ERR_TUF_EXPIRED, sg_tuf_role_name(m->type), m->version, "expired",
		"%sexpired %s (freeze attack?)", which, when);
}

/* see tuf.h */
sg_err
sg_tuf_trust_root(sg_tuf_trusted *st, const uint8_t *p, size_t len, int64_t now,
	int check_expiry, sg_arena *arena, sg_diag *d)
{
	memset(st, 0, sizeof *st);
	st->now = now;
	st->check_expiry = check_expiry;
	sg_tuf_md r;
	SG_TRY(sg_tuf_parse(p, len, SG_TUF_ROOT, arena, &r, d));
	SG_TRY(sg_tuf_check_threshold(&r, &r, SG_TUF_ROOT, "itself (the trusted root)", d));
	st->root = r;
	st->start_root = r;
	return SG_OK;
}

/* see tuf.h */
sg_err
sg_tuf_update_root(sg_tuf_trusted *st, const uint8_t *p, size_t len, sg_arena *arena,
	sg_diag *d)
{
	sg_tuf_md r;
	SG_TRY(sg_tuf_parse(p, len, SG_TUF_ROOT, arena, &r, d));
	/* §5.3.4: a threshold of the trusted root's keys, then of its own. */
	char whose[48];
	(void)snprintf(whose, sizeof whose, "the trusted root v%lld", (long long)st->root.version);
	SG_TRY(sg_tuf_check_threshold(&r, &st->root, SG_TUF_ROOT, whose, d));
	SG_TRY(sg_tuf_check_threshold(&r, &r, SG_TUF_ROOT, "itself", d));
	/* §5.3.5: exactly N+1. */
	if (r.version != st->root.version + 1)
		return fail(d, SG_ERR_TUF_VERSION, "root", 0, "version",
			"%lld.root.json holds version %lld", (long long)st->root.version + 1,
			(long long)r.version);
	st->root = r;
	return SG_OK;
}

/* 1 when two roots give role `r` the same distinct keys and threshold. */
static int
same_keyset(const sg_tuf_md *a, const sg_tuf_md *b, sg_tuf_role r)
{
	const sg_tuf_keyset *x = &a->roles[r], *y = &b->roles[r];
	if (x->threshold != y->threshold)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		const sg_tuf_md *m = pass ? b : a, *o = pass ? a : b;
		const sg_tuf_keyset *ks = pass ? y : x, *os = pass ? x : y;
		for (size_t i = 0; i < ks->n; i++) {
			const sg_tuf_key *k = &m->keys[ks->keys[i]];
			int found = 0;
			for (size_t j = 0; j < os->n && !found; j++) {
				const sg_tuf_key *q = &o->keys[os->keys[j]];
				/* the same key material; a key picosign cannot read, by id */
				found = k->spki_len != 0
						? q->spki_len == k->spki_len &&
							  memcmp(q->spki, k->spki, k->spki_len) == 0
						: sg_slice_eq(q->id, k->id);
			}
			if (!found)
				return 0;
		}
	}
	return 1;
}

/* see tuf.h */
sg_err
sg_tuf_roots_done(sg_tuf_trusted *st, int *rotated, sg_diag *d)
{
	if (rotated != NULL)
		*rotated = 0;
	/* §5.3.10 */
	if (expired(st, &st->root))
		return fail_expired(d, &st->root, "the final root ");
	/* §5.3.11: keys rotated away from fast-forwarded metadata. */
	if (!same_keyset(&st->start_root, &st->root, SG_TUF_TIMESTAMP) ||
		!same_keyset(&st->start_root, &st->root, SG_TUF_SNAPSHOT)) {
		st->has_timestamp = st->has_snapshot = 0;
		if (rotated != NULL)
			*rotated = 1;
	}
	/* What the new root's keys no longer sign is not trusted any more. */
	if (st->has_timestamp &&
		sg_tuf_count_signatures(&st->timestamp, &st->root, SG_TUF_TIMESTAMP) <
			(size_t)st->root.roles[SG_TUF_TIMESTAMP].threshold)
		st->has_timestamp = 0;
	if (st->has_snapshot &&
		sg_tuf_count_signatures(&st->snapshot, &st->root, SG_TUF_SNAPSHOT) <
			(size_t)st->root.roles[SG_TUF_SNAPSHOT].threshold)
		st->has_snapshot = 0;
	if (st->has_targets &&
		sg_tuf_count_signatures(&st->targets, &st->root, SG_TUF_TARGETS) <
			(size_t)st->root.roles[SG_TUF_TARGETS].threshold)
		st->has_targets = 0;
	if (!st->has_timestamp)
		st->has_snapshot = 0;
	if (!st->has_snapshot)
		st->has_targets = 0;
	st->start_root = st->root;
	st->timestamp_unchanged = 0;
	return SG_OK;
}

/* The file info the parent of `role` lists for it (NULL without a parent held). */
static const sg_tuf_file *
listed(const sg_tuf_trusted *st, sg_tuf_role role)
{
	if (role == SG_TUF_SNAPSHOT && st->has_timestamp)
		return sg_tuf_file_find(&st->timestamp, "snapshot.json");
	if (role == SG_TUF_TARGETS && st->has_snapshot)
		return sg_tuf_file_find(&st->snapshot, "targets.json");
	return NULL;
}

SG_MUST_USE static sg_err
update_timestamp(sg_tuf_trusted *st, const sg_tuf_md *m, sg_diag *d)
{
	st->timestamp_unchanged = 0;
	if (st->has_timestamp) {
		/* §5.4.3.1 */
		if (m->version < st->timestamp.version)
			return fail(d, SG_ERR_TUF_VERSION, "timestamp", m->version, "rollback",
				"lower than the trusted version %lld",
				(long long)st->timestamp.version);
		if (m->version == st->timestamp.version) {
			st->timestamp_unchanged = 1;
			return SG_OK;
		}
		/* §5.4.3.2 */
		const sg_tuf_file *old = sg_tuf_file_find(&st->timestamp, "snapshot.json");
		const sg_tuf_file *neu = sg_tuf_file_find(m, "snapshot.json");
		if (neu->version < old->version)
			return fail(d, SG_ERR_TUF_VERSION, "timestamp", m->version, "rollback",
				"it lists snapshot v%lld, lower than the trusted v%lld",
				(long long)neu->version, (long long)old->version);
	}
	/* §5.4.4 */
	if (expired(st, m))
		return fail_expired(d, m, "");
	st->timestamp = *m;
	st->has_timestamp = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
update_snapshot(sg_tuf_trusted *st, const sg_tuf_md *m, const sg_tuf_file *want, sg_diag *d)
{
	/* §5.5.4 */
	if (m->version != want->version)
		return fail(d, SG_ERR_TUF_VERSION, "snapshot", m->version, "mix-and-match",
			"the timestamp lists version %lld", (long long)want->version);
	/* §5.5.5: every targets file the trusted snapshot listed, still listed, not lower. */
	for (size_t i = 0; st->has_snapshot && i < st->snapshot.n_files; i++) {
		const sg_tuf_file *old = &st->snapshot.files[i], *neu = NULL;
		for (size_t k = 0; k < m->n_files && neu == NULL; k++)
			if (sg_slice_eq(m->files[k].name, old->name))
				neu = &m->files[k];
		if (neu == NULL || neu->version < old->version)
			return fail(d, SG_ERR_TUF_VERSION, "snapshot", m->version, "rollback",
				"%.*s %s (the trusted snapshot v%lld lists v%lld)",
				(int)(old->name.len < 80 ? old->name.len : 80),
				(const char *)old->name.p, neu == NULL ? "is no longer listed"
								      : "has a lower version",
				(long long)st->snapshot.version, (long long)old->version);
	}
	/* §5.5.6 */
	if (expired(st, m))
		return fail_expired(d, m, "");
	st->snapshot = *m;
	st->has_snapshot = 1;
	return SG_OK;
}

/* see tuf.h */
sg_err
sg_tuf_update(sg_tuf_trusted *st, sg_tuf_role role, const uint8_t *p, size_t len,
	sg_arena *arena, sg_diag *d)
{
	if (role == SG_TUF_ROOT || (unsigned)role >= SG_TUF_N_ROLES)
		return sg_diag_fail(d, SG_ERR_ARG, "TUF role");
	const sg_tuf_file *want = listed(st, role);
	if (role != SG_TUF_TIMESTAMP && want == NULL)
		return sg_diag_fail(d, SG_ERR_ARG, "TUF update out of order");
	const char *name = sg_tuf_role_name(role);
	/* §5.5.1-2, §5.6.1-2: the parent's length and hashes, before the signatures. */
	if (want != NULL)
		SG_TRY(sg_tuf_check_file(want, p, len, name, "file", d));
	sg_tuf_md m;
	SG_TRY(sg_tuf_parse(p, len, role, arena, &m, d));
	/* §5.4.2, §5.5.3, §5.6.3 */
	SG_TRY(sg_tuf_check_threshold(&m, &st->root, role, "the trusted root", d));
	if (role == SG_TUF_TIMESTAMP)
		return update_timestamp(st, &m, d);
	if (role == SG_TUF_SNAPSHOT)
		return update_snapshot(st, &m, want, d);
	/* §5.6.4 */
	if (m.version != want->version)
		return fail(d, SG_ERR_TUF_VERSION, "targets", m.version, "mix-and-match",
			"the snapshot lists version %lld", (long long)want->version);
	/* §5.6.5 */
	if (expired(st, &m))
		return fail_expired(d, &m, "");
	st->targets = m;
	st->has_targets = 1;
	return SG_OK;
}

/* see tuf.h */
int
sg_tuf_current(const sg_tuf_trusted *st, sg_tuf_role role)
{
	if (role == SG_TUF_ROOT || role == SG_TUF_TIMESTAMP)
		return role == SG_TUF_ROOT || st->has_timestamp;
	const sg_tuf_file *want = listed(st, role);
	const sg_tuf_md *m = role == SG_TUF_SNAPSHOT ? &st->snapshot : &st->targets;
	int held = role == SG_TUF_SNAPSHOT ? st->has_snapshot : st->has_targets;
	if (!held || want == NULL || m->version != want->version)
		return 0;
	if (role == SG_TUF_TARGETS && !sg_tuf_current(st, SG_TUF_SNAPSHOT))
		return 0;
	return sg_tuf_check_file(want, m->raw.p, m->raw.len, "", "", NULL) == SG_OK;
}

/* see tuf.h */
sg_err
sg_tuf_check_fresh(const sg_tuf_trusted *st, sg_diag *d)
{
	if (expired(st, &st->root))
		return fail_expired(d, &st->root, "the final root ");
	if (st->has_timestamp && expired(st, &st->timestamp))
		return fail_expired(d, &st->timestamp, "");
	if (st->has_snapshot && expired(st, &st->snapshot))
		return fail_expired(d, &st->snapshot, "");
	if (st->has_targets && expired(st, &st->targets))
		return fail_expired(d, &st->targets, "");
	return SG_OK;
}

/* see tuf.h */
sg_err
sg_tuf_find_target(const sg_tuf_trusted *st, const char *name, const sg_tuf_file **out,
	sg_diag *d)
{
	*out = NULL;
	if (!sg_tuf_current(st, SG_TUF_TARGETS))
		return sg_diag_fail(d, SG_ERR_ARG, "TUF targets not current");
	*out = sg_tuf_file_find(&st->targets, name);
	if (*out == NULL)
		return fail(d, SG_ERR_TUF_MISSING, "targets", st->targets.version, "missing",
			"%s is not listed (picosign reads top-level targets only)", name);
	return SG_OK;
}

/* see tuf.h */
size_t
sg_tuf_max_length(const sg_tuf_trusted *st, sg_tuf_role role)
{
	static const size_t bound[SG_TUF_N_ROLES] = {SG_MAX_TUF_ROOT, SG_MAX_TUF_TIMESTAMP,
		SG_MAX_TUF_SNAPSHOT, SG_MAX_TUF_TARGETS};
	const sg_tuf_file *f = listed(st, role);
	if (f != NULL && f->has_length && f->length < bound[role])
		return (size_t)f->length;
	return bound[role];
}

/* see tuf.h */
sg_err
sg_tuf_meta_path(const sg_tuf_trusted *st, sg_tuf_role role, char *out, size_t cap)
{
	const sg_tuf_file *f = listed(st, role);
	int n;
	if (f == NULL)
		return SG_ERR_ARG;
	if (st->root.consistent_snapshot)
		n = snprintf(out, cap, "%lld.%s.json", (long long)f->version,
			sg_tuf_role_name(role));
	else
		n = snprintf(out, cap, "%s.json", sg_tuf_role_name(role));
	return n >= 0 && (size_t)n < cap ? SG_OK : SG_ERR_LIMIT;
}

/* see tuf.h */
sg_err
sg_tuf_target_path(const sg_tuf_trusted *st, const sg_tuf_file *f, char *out, size_t cap)
{
	sg_buf b;
	if (st->root.consistent_snapshot && !f->has_sha256 && !f->has_sha512)
		return SG_ERR_UNSUPPORTED;
	sg_buf_init(&b, out, cap);
	sg_buf_puts(&b, "targets/");
	if (!st->root.consistent_snapshot) {
		sg_buf_put(&b, f->name.p, f->name.len);
	} else {
		size_t dir = f->name.len;
		while (dir > 0 && f->name.p[dir - 1] != '/')
			dir--;
		sg_buf_put(&b, f->name.p, dir);
		if (f->has_sha256 ? sg_hex_encode(f->sha256, SG_SHA256_LEN, &b) != SG_OK
				  : sg_hex_encode(f->sha512, SG_SHA512_LEN, &b) != SG_OK)
			return SG_ERR_LIMIT;
		sg_buf_putc(&b, '.');
		sg_buf_put(&b, f->name.p + dir, f->name.len - dir);
	}
	sg_buf_putc(&b, '\0');
	return sg_buf_status(&b);
}
