/* tlog: Rekor evidence checks and entry-body parsing. See tlog.h.
 *
 * Implementation notes.
 *   - SET (protocol.md §6.2; rekor pkg/api/entries.go signEntry, sigstore-go VerifySET): the
 *     signed bytes are the RFC 8785 form of a four-member object. All values are ASCII
 *     base64/hex strings or integers, so canonical output is printed directly: members in the
 *     order body, integratedTime, logID, logIndex, integers in plain decimal. The body string
 *     is the standard padded base64 of the body bytes (what Rekor returned; bundles may carry
 *     other base64 forms of the same bytes, so it is re-encoded, as sigstore-go does).
 *   - Inclusion (RFC 9162 §2.1.3.2, RFC 6962 §2.1): leaf = SHA-256(0x00||body), node =
 *     SHA-256(0x01||left||right); the loop below is the RFC's algorithm step for step.
 *   - Checkpoint (C2SP signed-note and tlog-checkpoint; protocol.md §6.5, §8.4): text/signature
 *     split at the last "\n\n"; signature lines "— name base64(hint||sig)"; Rekor v1 signs with
 *     ECDSA P-256 over SHA-256 of the text; the key hint of an ECDSA key is the first four bytes
 *     of SHA-256(SPKI), of an Ed25519 key the first four of SHA-256(name||0x0A||0x01||key).
 *     Rekor v2 (Ed25519, ed25519.h) follows sigstore-go: the note name is the host of the log's
 *     baseUrl, witness lines are ignored, the origin must be that name (verify_c2sp_note).
 *   - Bodies (rekor pkg/types/{hashedrekord,dsse,intoto}, rekor-tiles hashedrekord 0.0.2): only
 *     the members the verify flow compares are read; unknown members are ignored. */
#include "sigstore/tlog.h"

#include <string.h>

#include "base/text.h"
#include "parse/codec.h"
#include "parse/json.h"

/* ---- log selection and the SET ---- */

const sg_trust_log *
sg_tlog_find_log(const sg_trustroot *tr, const sg_tlog_entry *e)
{
	return sg_trustroot_find_log(tr->tlogs, tr->n_tlogs, e->log_id, e->log_id_len,
		e->has_integrated_time ? e->integrated_time : INT64_MIN);
}

static void
put_i64(sg_buf *b, int64_t v)
{
	if (v < 0) {
		sg_buf_putc(b, '-');
		sg_buf_put_dec(b, (uint64_t)(-(v + 1)) + 1u);
	} else {
		sg_buf_put_dec(b, (uint64_t)v);
	}
}

sg_err
sg_tlog_set_message(const sg_tlog_entry *e, sg_buf *out)
{
	sg_buf_puts(out, "{\"body\":\"");
	if (sg_b64_encode(e->body.p, e->body.len, SG_B64_STD | SG_B64_PAD, out) != SG_OK)
		return SG_ERR_LIMIT;
	sg_buf_puts(out, "\",\"integratedTime\":");
	put_i64(out, e->integrated_time);
	sg_buf_puts(out, ",\"logID\":\"");
	if (sg_hex_encode(e->log_id, e->log_id_len, out) != SG_OK)
		return SG_ERR_LIMIT;
	sg_buf_puts(out, "\",\"logIndex\":");
	put_i64(out, e->log_index);
	sg_buf_putc(out, '}');
	return sg_buf_status(out);
}

/* Verify `sig` over `msg` with a log key; map any failure onto `code`. */
SG_MUST_USE static sg_err
verify_with_log(const sg_trust_log *log, const uint8_t *msg, size_t len, const uint8_t *sig,
	size_t sig_len, sg_err code, const char *what, sg_diag *d)
{
	if (log->key.type != SG_KEY_EC && log->key.type != SG_KEY_RSA)
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
			"log key %.*s cannot be used by this build",
			(int)(log->key_details.len > 64 ? 64 : log->key_details.len),
			(const char *)log->key_details.p);
	sg_hash_alg alg = log->sig_hash != 0 ? log->sig_hash : SG_HASH_SHA256;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_pubkey_verify_message(&log->key, alg, msg, len, sig, sig_len, what, &inner) != SG_OK)
		return sg_diag_fail(d, code, what);
	return SG_OK;
}

sg_err
sg_tlog_verify_set(const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d)
{
	if (e->set.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "signed entry timestamp",
			"the entry has no inclusion promise");
	if (!e->has_integrated_time)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "signed entry timestamp",
			"the entry has no integrated time");
	if (log == NULL)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_KEY, "signed entry timestamp");
	size_t cap = sg_b64_encoded_len(e->body.len, SG_B64_STD | SG_B64_PAD);
	if (!sg_add_ok(cap, 2 * SG_MAX_KEY_ID + 128, &cap))
		return sg_diag_fail(d, SG_ERR_LIMIT, "signed entry timestamp");
	void *mem;
	SG_TRY(sg_arena_get(arena, cap, &mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	if (sg_tlog_set_message(e, &b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "signed entry timestamp");
	return verify_with_log(log, b.p, b.len, e->set.p, e->set.len, SG_ERR_VERIFY_SET,
		"signed entry timestamp", d);
}

/* ---- Merkle inclusion ---- */

void
sg_tlog_leaf_hash(const uint8_t *body, size_t len, uint8_t out[SG_TLOG_HASH_LEN])
{
	sg_hash_ctx h;
	static const uint8_t zero = 0x00;
	sg_hash_init(&h, SG_HASH_SHA256);
	sg_hash_update(&h, &zero, 1);
	sg_hash_update(&h, body, len);
	sg_hash_final(&h, out);
}

static void
node_hash(const uint8_t *l, const uint8_t *r, uint8_t out[SG_TLOG_HASH_LEN])
{
	uint8_t buf[1 + 2 * SG_TLOG_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, l, SG_TLOG_HASH_LEN);
	memcpy(buf + 1 + SG_TLOG_HASH_LEN, r, SG_TLOG_HASH_LEN);
	sg_sha256(buf, sizeof buf, out);
}

sg_err
sg_tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[SG_TLOG_HASH_LEN],
	const uint8_t *hashes, size_t n, const uint8_t root[SG_TLOG_HASH_LEN], sg_diag *d)
{
	static const char what[] = "inclusion proof";
	if (index >= size)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
			"index %llu is not below the tree size %llu", (unsigned long long)index,
			(unsigned long long)size);
	if (n > SG_MAX_PROOF_HASHES)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what, "%zu hashes, at most %u", n,
			SG_MAX_PROOF_HASHES);
	uint64_t fn = index, sn = size - 1;
	uint8_t r[SG_TLOG_HASH_LEN];
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = hashes + i * SG_TLOG_HASH_LEN;
		if (sn == 0)
			return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
				"proof has %zu hashes, more than the tree needs", n);
		if ((fn & 1u) != 0 || fn == sn) {
			node_hash(p, r, r);
			while ((fn & 1u) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(r, p, r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, what,
			"proof has %zu hashes, fewer than the tree needs", n);
	if (!sg_ct_equal(r, root, SG_TLOG_HASH_LEN))
		return sg_diag_failf(
			d, SG_ERR_VERIFY_INCLUSION, what, "computed root hash does not match");
	return SG_OK;
}

/* ---- checkpoints ---- */

SG_MUST_USE static sg_err
cp_fail(sg_diag *d, size_t off, const char *why)
{
	int first = d != NULL && d->code == SG_OK;
	sg_err e = sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint", "%s", why);
	if (first) {
		d->offset = off;
		d->has_offset = 1;
	}
	return e;
}

/* Parse a decimal uint64 without sign or leading zeros. */
static int
parse_u64(const uint8_t *p, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20 || (p[0] == '0' && n > 1))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		uint64_t dgt = (uint64_t)(p[i] - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return 0;
		v = v * 10 + dgt;
	}
	*out = v;
	return 1;
}

SG_MUST_USE static sg_err
parse_checkpoint(const uint8_t *p, size_t len, sg_arena *arena, sg_checkpoint *out, sg_diag *d)
{
	if (len > SG_MAX_CHECKPOINT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "checkpoint", "%zu bytes, at most %u", len,
			SG_MAX_CHECKPOINT);
	/* The whole note is UTF-8 without control characters other than '\n'. */
	for (size_t i = 0; i < len;) {
		if (p[i] == '\n') {
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f)
			return cp_fail(d, i, "control character");
		uint32_t cp;
		size_t k = sg_utf8_decode(p + i, len - i, &cp);
		if (k == 0)
			return cp_fail(d, i, "invalid UTF-8");
		i += k;
	}
	/* Split at the last "\n\n": text keeps its final '\n'. */
	size_t split = len;
	for (size_t i = len; i >= 2; i--) {
		if (p[i - 2] == '\n' && p[i - 1] == '\n') {
			split = i - 2;
			break;
		}
	}
	if (split == len)
		return cp_fail(d, 0, "no blank line before the signatures");
	out->text = sg_slice_make(p, split + 1);

	/* Text lines: origin, size, root hash, extensions; none empty. */
	size_t line = 0, pos = 0;
	while (pos < out->text.len) {
		size_t end = pos;
		while (p[end] != '\n')
			end++;
		const uint8_t *s = p + pos;
		size_t n = end - pos;
		if (n == 0)
			return cp_fail(d, pos, "empty line in the note text");
		if (line == 0) {
			out->origin = sg_slice_make(s, n);
		} else if (line == 1) {
			if (!parse_u64(s, n, &out->size))
				return cp_fail(d, pos, "tree size is not a decimal number");
		} else if (line == 2) {
			size_t got = 0;
			uint8_t tmp[48];
			sg_diag inner;
			sg_diag_init(&inner, NULL);
			if (sg_b64_decode(s, n, SG_B64_STD | SG_B64_PAD, tmp, sizeof tmp, &got,
				    &inner) != SG_OK ||
				got != SG_TLOG_HASH_LEN)
				return cp_fail(d, pos, "root hash is not base64 of 32 bytes");
			memcpy(out->root, tmp, SG_TLOG_HASH_LEN);
		} else {
			out->n_ext++;
		}
		line++;
		pos = end + 1;
	}
	if (line < 3)
		return cp_fail(d, pos, "the note text needs origin, size and root hash lines");

	/* Signature lines. */
	static const uint8_t dash[4] = {0xe2, 0x80, 0x94, 0x20}; /* U+2014 EM DASH, space */
	pos = split + 2;
	if (pos >= len)
		return cp_fail(d, pos, "no signature lines");
	while (pos < len) {
		size_t end = pos;
		while (end < len && p[end] != '\n')
			end++;
		if (end == len)
			return cp_fail(d, pos, "signature line does not end in a newline");
		if (end - pos < sizeof dash || memcmp(p + pos, dash, sizeof dash) != 0)
			return cp_fail(d, pos, "signature line does not start with an em dash");
		size_t ns = pos + sizeof dash, ne = ns;
		while (ne < end && p[ne] != ' ')
			ne++;
		if (ne == ns || ne == end)
			return cp_fail(d, ns, "signature line needs a key name and a signature");
		for (size_t i = ns; i < ne; i++)
			if (p[i] == '+')
				return cp_fail(d, i, "key name contains '+'");
		if (out->n_sigs >= SG_MAX_NOTE_SIGS)
			return sg_diag_failf(d, SG_ERR_LIMIT, "checkpoint",
				"more than %u signatures", SG_MAX_NOTE_SIGS);
		const uint8_t *b = p + ne + 1;
		size_t bn = end - ne - 1;
		size_t cap = sg_b64_decoded_max(bn);
		void *mem;
		SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &mem, d));
		size_t got = 0;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		if (sg_b64_decode(b, bn, SG_B64_STD | SG_B64_PAD, mem, cap, &got, &inner) !=
				SG_OK ||
			got < 5)
			return cp_fail(
				d, ne + 1, "signature is not base64 of a key hint and signature");
		sg_note_sig *sg = &out->sigs[out->n_sigs++];
		sg->name = sg_slice_make(p + ns, ne - ns);
		memcpy(sg->hint, mem, 4);
		sg->sig = sg_slice_make((const uint8_t *)mem + 4, got - 4);
		pos = end + 1;
	}
	return SG_OK;
}

sg_err
sg_checkpoint_parse(
	const uint8_t *note, size_t len, sg_arena *arena, sg_checkpoint *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_checkpoint(note, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* The host of an absolute URL "scheme://[userinfo@]host[:port][/...]", as Go's
 * url.URL.Hostname() gives it (an IPv6 literal without its brackets). 0 when there is none. */
static int
url_host(sg_slice url, sg_slice *host)
{
	const uint8_t *p = url.p;
	size_t n = url.len, i = 0;
	while (i + 2 < n && !(p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/'))
		i++;
	if (i + 2 >= n)
		return 0;
	size_t a = i + 3, e = a;
	while (e < n && p[e] != '/' && p[e] != '?' && p[e] != '#')
		e++;
	for (size_t j = a; j < e; j++)
		if (p[j] == '@')
			a = j + 1;
	size_t he = a;
	if (a < e && p[a] == '[') {
		a++;
		he = a;
		while (he < e && p[he] != ']')
			he++;
		if (he == e)
			return 0;
	} else {
		while (he < e && p[he] != ':')
			he++;
	}
	if (he == a)
		return 0;
	*host = sg_slice_make(p + a, he - a);
	return 1;
}

/* C2SP Ed25519 note key id: SHA-256(name || '\n' || 0x01 || 32-byte key). */
static void
ed25519_hint(const sg_trust_log *log, sg_slice name, uint8_t hint[4])
{
	static const uint8_t sep[2] = {0x0a, 0x01};
	uint8_t h[SG_SHA256_LEN];
	sg_hash_ctx c;
	sg_hash_init(&c, SG_HASH_SHA256);
	sg_hash_update(&c, name.p, name.len);
	sg_hash_update(&c, sep, 2);
	sg_hash_update(&c, log->key.ed25519.p, log->key.ed25519.len);
	sg_hash_final(&c, h);
	memcpy(hint, h, 4);
}

void
sg_tlog_key_hint(const sg_trust_log *log, uint8_t hint[4])
{
	sg_slice host;
	if (log->key.type == SG_KEY_EC || log->key.type == SG_KEY_RSA) {
		uint8_t h[SG_SHA256_LEN];
		sg_sha256(log->spki.p, log->spki.len, h);
		memcpy(hint, h, 4);
	} else if (log->key.type == SG_KEY_ED25519 && url_host(log->base_url, &host)) {
		ed25519_hint(log, host, hint);
	} else if (log->key_id_len >= 4) {
		memcpy(hint, log->key_id, 4);
	} else {
		memset(hint, 0, 4);
	}
}

/* A Rekor v1 signed tree head: origin "<host> - <decimal tree id>" (sigstore-go
 * hasRekorV1STH: ".* - [0-9]+$"). Other checkpoints follow the C2SP rules below. */
static int
rekor_v1_origin(sg_slice o)
{
	size_t i = o.len;
	while (i > 0 && o.p[i - 1] >= '0' && o.p[i - 1] <= '9')
		i--;
	return i < o.len && i >= 3 && o.p[i - 1] == ' ' && o.p[i - 2] == '-' && o.p[i - 3] == ' ';
}

/* Rekor v2 / C2SP signed note (sigstore-go VerifyCheckpointAndInclusion: rekor-tiles
 * NewNoteVerifier, transparency-dev formats ParseCheckpoint, x/mod sumdb note.Open):
 *   - the log's note name is the host of its baseUrl (the trusted root has no other name);
 *   - its key hint: Ed25519 SHA-256(name || 0x0A || 0x01 || key)[:4]; ECDSA SHA-256(SPKI)[:4]
 *     (rekor-tiles' non-conformant ECDSA id, as Rekor v1);
 *   - a line is the log's when both name and hint match; all others (witness cosignatures,
 *     other keys claiming the same name) are ignored;
 *   - the log's first line must verify (note.Open rejects a note with a bad signature by a
 *     known key), repeats are skipped; no line of the log fails;
 *   - the checkpoint origin must equal the name. */
SG_MUST_USE static sg_err
verify_c2sp_note(const sg_checkpoint *cp, const sg_trust_log *log, sg_diag *d)
{
	sg_slice name;
	if (!url_host(log->base_url, &name))
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature",
			"the trusted log has no baseUrl host to name its checkpoints");
	uint8_t hint[4];
	if (log->key.type == SG_KEY_ED25519)
		ed25519_hint(log, name, hint);
	else if (log->key.type == SG_KEY_EC)
		sg_tlog_key_hint(log, hint);
	else /* RSA note key ids have another form (0xFF "PKIX-RSA-PKCS#1v1.5"); no log uses it */
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "checkpoint signature",
			"signed-note checkpoints with %s log keys",
			log->key.type == SG_KEY_RSA ? "RSA" : "unknown");
	int nl = (int)(name.len > 100 ? 100 : name.len);
	for (size_t i = 0; i < cp->n_sigs; i++) {
		const sg_note_sig *s = &cp->sigs[i];
		if (!sg_slice_eq(s->name, name) || memcmp(s->hint, hint, 4) != 0)
			continue;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_hash_alg alg = log->sig_hash != 0 ? log->sig_hash : SG_HASH_SHA256;
		if (sg_pubkey_verify_message(&log->key, alg, cp->text.p, cp->text.len, s->sig.p,
			s->sig.len, "checkpoint signature", &inner) != SG_OK)
			return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature",
				"signature by log %.*s does not verify", nl, (const char *)name.p);
		if (!sg_slice_eq(cp->origin, name))
			return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint",
				"origin %.*s is not the log's name %.*s",
				(int)(cp->origin.len > 100 ? 100 : cp->origin.len),
				(const char *)cp->origin.p, nl, (const char *)name.p);
		return SG_OK;
	}
	return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature",
		"no signature by log %.*s (key hint %02x%02x%02x%02x)", nl, (const char *)name.p,
		hint[0], hint[1], hint[2], hint[3]);
}

sg_err
sg_checkpoint_verify(const sg_checkpoint *cp, const sg_trust_log *log, sg_diag *d)
{
	if (log == NULL)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_KEY, "checkpoint");
	if (log->key.type == SG_KEY_ED25519 || !rekor_v1_origin(cp->origin))
		return verify_c2sp_note(cp, log, d);
	/* Rekor v1 (rekor pkg/util VerifyCheckpointSignature, as sigstore-go uses it for v1
	 * origins): any line with the log's hint that verifies. */
	uint8_t hint[4];
	sg_tlog_key_hint(log, hint);
	int matched = 0;
	for (size_t i = 0; i < cp->n_sigs; i++) {
		const sg_note_sig *s = &cp->sigs[i];
		if (memcmp(hint, s->hint, 4) != 0)
			continue;
		matched = 1;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_err e = verify_with_log(log, cp->text.p, cp->text.len, s->sig.p, s->sig.len,
			SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature", &inner);
		if (e == SG_OK)
			return SG_OK;
		if (e == SG_ERR_UNSUPPORTED)
			return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "checkpoint signature", "%s",
				inner.detail);
	}
	if (matched)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature",
			"signature by the log key does not verify");
	return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint signature",
		"no signature with the log's key hint %02x%02x%02x%02x", hint[0], hint[1], hint[2],
		hint[3]);
}

sg_err
sg_tlog_verify_proof(const sg_tlog_entry *e, const sg_trust_log *log, sg_arena *arena, sg_diag *d)
{
	const sg_tlog_proof *pr = &e->proof;
	if (!pr->present)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "inclusion proof",
			"the entry has no inclusion proof");
	if (pr->log_index < 0 || pr->tree_size <= 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, "inclusion proof",
			"negative index or empty tree");
	/* Rekor v2 has one tree per log, and sigstore-go proves the entry's own logIndex; the
	 * proof's copy must be the same number. */
	if (e->rekor_v2 && pr->log_index != e->log_index)
		return sg_diag_failf(d, SG_ERR_VERIFY_INCLUSION, "inclusion proof",
			"inclusionProof.logIndex %lld differs from the entry's logIndex %lld",
			(long long)pr->log_index, (long long)e->log_index);
	uint8_t leaf[SG_TLOG_HASH_LEN];
	sg_tlog_leaf_hash(e->body.p, e->body.len, leaf);
	SG_TRY(sg_tlog_verify_inclusion((uint64_t)pr->log_index, (uint64_t)pr->tree_size, leaf,
		pr->hashes, pr->n_hashes, pr->root_hash, d));
	/* Without a signed checkpoint the root hash is only the bundle's word. */
	if (pr->checkpoint.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "inclusion proof",
			"the inclusion proof has no checkpoint");
	sg_checkpoint cp;
	SG_TRY(sg_checkpoint_parse(pr->checkpoint.p, pr->checkpoint.len, arena, &cp, d));
	if (cp.size != (uint64_t)pr->tree_size)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint",
			"tree size %llu differs from the inclusion proof's %lld",
			(unsigned long long)cp.size, (long long)pr->tree_size);
	if (!sg_ct_equal(cp.root, pr->root_hash, SG_TLOG_HASH_LEN))
		return sg_diag_failf(d, SG_ERR_VERIFY_CHECKPOINT, "checkpoint",
			"root hash does not match the inclusion proof");
	return sg_checkpoint_verify(&cp, log, d);
}

/* ---- entry bodies ---- */

SG_MUST_USE static sg_err
hash_alg_lower(sg_slice s, sg_hash_alg *alg)
{
	if (sg_slice_eq_str(s, "sha256"))
		*alg = SG_HASH_SHA256;
	else if (sg_slice_eq_str(s, "sha384"))
		*alg = SG_HASH_SHA384;
	else if (sg_slice_eq_str(s, "sha512"))
		*alg = SG_HASH_SHA512;
	else
		return SG_ERR_VERIFY_TLOG_BODY;
	return SG_OK;
}

/* {"algorithm":"sha256","value":"<hex>"} */
SG_MUST_USE static sg_err
get_hex_hash(const sg_json *j, size_t obj, const char *key, const char *what, sg_arena *arena,
	sg_tlog_hash *out, sg_diag *d)
{
	size_t h;
	SG_TRY(sg_json_get_obj(j, obj, key, SG_JSON_REQUIRED, what, &h, d));
	sg_slice alg, val;
	SG_TRY(sg_json_get_str(j, h, "algorithm", SG_JSON_REQUIRED, what, arena, &alg, NULL, d));
	SG_TRY(sg_json_get_str(j, h, "value", SG_JSON_REQUIRED, what, arena, &val, NULL, d));
	if (hash_alg_lower(alg, &out->alg) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, what, "unknown hash algorithm");
	SG_TRY(sg_hex_decode(val.p, val.len, out->value, sizeof out->value, &out->len, d));
	if (out->len != sg_hash_len(out->alg))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, what,
			"hash value has %zu bytes, not %zu", out->len, sg_hash_len(out->alg));
	return SG_OK;
}

/* Decode a base64 string member, then once more when the result is itself standard base64:
 * Rekor's intoto 0.0.2 stores the envelope's base64 payload and signatures base64-encoded
 * again (strfmt.Base64 of the base64 text), but hand-made entries carry single encodings. */
SG_MUST_USE static sg_err
get_b64_twice(const sg_json *j, size_t obj, const char *key, int required, const char *what,
	sg_arena *arena, sg_slice *out, int *present, sg_diag *d)
{
	sg_slice once;
	SG_TRY(sg_json_get_b64(j, obj, key, required, what, arena, &once, present, d));
	*out = once;
	if (once.p == NULL || once.len == 0)
		return SG_OK;
	size_t cap = sg_b64_decoded_max(once.len);
	void *mem;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &mem, d));
	size_t n = 0;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_b64_decode(once.p, once.len, SG_B64_STD | SG_B64_PAD, mem, cap, &n, &inner) == SG_OK)
		*out = sg_slice_make(mem, n);
	return SG_OK;
}

SG_MUST_USE static sg_err
body_hashedrekord_v1(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	size_t sig, pk, data;
	SG_TRY(sg_json_get_obj(
		j, spec, "signature", SG_JSON_REQUIRED, "hashedrekord spec.signature", &sig, d));
	SG_TRY(sg_json_get_b64(j, sig, "content", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.content", arena, &out->sigs[0].sig, NULL, d));
	SG_TRY(sg_json_get_obj(j, sig, "publicKey", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.publicKey", &pk, d));
	SG_TRY(sg_json_get_b64(j, pk, "content", SG_JSON_REQUIRED,
		"hashedrekord spec.signature.publicKey.content", arena, &out->sigs[0].verifier,
		NULL, d));
	out->sigs[0].form = SG_TLOG_VERIFIER_PEM;
	out->n_sigs = 1;
	SG_TRY(sg_json_get_obj(
		j, spec, "data", SG_JSON_REQUIRED, "hashedrekord spec.data", &data, d));
	return get_hex_hash(
		j, data, "hash", "hashedrekord spec.data.hash", arena, &out->data_hash, d);
}

SG_MUST_USE static sg_err
body_hashedrekord_v2(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	static const char w[] = "hashedrekord spec.hashedRekordV002";
	size_t h, data, sig, ver, x;
	SG_TRY(sg_json_get_obj(j, spec, "hashedRekordV002", SG_JSON_REQUIRED, w, &h, d));
	SG_TRY(sg_json_get_obj(j, h, "data", SG_JSON_REQUIRED, "hashedRekordV002.data", &data, d));
	sg_slice alg, dig;
	SG_TRY(sg_json_get_str(j, data, "algorithm", SG_JSON_REQUIRED,
		"hashedRekordV002.data.algorithm", arena, &alg, NULL, d));
	if (sg_slice_eq_str(alg, "SHA2_256"))
		out->data_hash.alg = SG_HASH_SHA256;
	else if (sg_slice_eq_str(alg, "SHA2_384"))
		out->data_hash.alg = SG_HASH_SHA384;
	else if (sg_slice_eq_str(alg, "SHA2_512"))
		out->data_hash.alg = SG_HASH_SHA512;
	else
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "hashedRekordV002.data.algorithm",
			"unknown hash algorithm");
	SG_TRY(sg_json_get_b64(j, data, "digest", SG_JSON_REQUIRED, "hashedRekordV002.data.digest",
		arena, &dig, NULL, d));
	if (dig.len != sg_hash_len(out->data_hash.alg))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "hashedRekordV002.data.digest",
			"digest has %zu bytes", dig.len);
	memcpy(out->data_hash.value, dig.p, dig.len);
	out->data_hash.len = dig.len;
	SG_TRY(sg_json_get_obj(
		j, h, "signature", SG_JSON_REQUIRED, "hashedRekordV002.signature", &sig, d));
	SG_TRY(sg_json_get_b64(j, sig, "content", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.content", arena, &out->sigs[0].sig, NULL, d));
	SG_TRY(sg_json_get_obj(j, sig, "verifier", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.verifier", &ver, d));
	SG_TRY(sg_json_get_str(j, ver, "keyDetails", SG_JSON_OPTIONAL,
		"hashedRekordV002.signature.verifier.keyDetails", arena, &out->key_details, NULL,
		d));
	SG_TRY(sg_json_get_obj(j, ver, "x509Certificate", SG_JSON_OPTIONAL,
		"hashedRekordV002.signature.verifier.x509Certificate", &x, d));
	if (x != SG_JSON_NONE) {
		out->sigs[0].form = SG_TLOG_VERIFIER_DER_CERT;
	} else {
		SG_TRY(sg_json_get_obj(j, ver, "publicKey", SG_JSON_REQUIRED,
			"hashedRekordV002.signature.verifier.publicKey", &x, d));
		out->sigs[0].form = SG_TLOG_VERIFIER_DER_SPKI;
	}
	SG_TRY(sg_json_get_b64(j, x, "rawBytes", SG_JSON_REQUIRED,
		"hashedRekordV002.signature.verifier rawBytes", arena, &out->sigs[0].verifier, NULL,
		d));
	out->n_sigs = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
body_dsse(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	SG_TRY(get_hex_hash(
		j, spec, "envelopeHash", "dsse spec.envelopeHash", arena, &out->envelope_hash, d));
	SG_TRY(get_hex_hash(
		j, spec, "payloadHash", "dsse spec.payloadHash", arena, &out->payload_hash, d));
	size_t arr, n;
	SG_TRY(sg_json_get_arr(
		j, spec, "signatures", SG_JSON_REQUIRED, "dsse spec.signatures", &arr, &n, d));
	if (n == 0 || n > SG_MAX_DSSE_SIGS)
		return sg_diag_failf(
			d, SG_ERR_VERIFY_TLOG_BODY, "dsse spec.signatures", "%zu signatures", n);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_tlog_sig *s = &out->sigs[out->n_sigs++];
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "dsse spec.signatures[]", d));
		SG_TRY(sg_json_get_b64(j, t, "signature", SG_JSON_REQUIRED,
			"dsse spec.signatures[].signature", arena, &s->sig, NULL, d));
		SG_TRY(sg_json_get_b64(j, t, "verifier", SG_JSON_REQUIRED,
			"dsse spec.signatures[].verifier", arena, &s->verifier, NULL, d));
		s->form = SG_TLOG_VERIFIER_PEM;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
body_intoto(const sg_json *j, size_t spec, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	size_t content, env, arr, n;
	SG_TRY(sg_json_get_obj(
		j, spec, "content", SG_JSON_REQUIRED, "intoto spec.content", &content, d));
	SG_TRY(get_hex_hash(
		j, content, "hash", "intoto spec.content.hash", arena, &out->envelope_hash, d));
	SG_TRY(get_hex_hash(j, content, "payloadHash", "intoto spec.content.payloadHash", arena,
		&out->payload_hash, d));
	SG_TRY(sg_json_get_obj(
		j, content, "envelope", SG_JSON_REQUIRED, "intoto spec.content.envelope", &env, d));
	SG_TRY(sg_json_get_str(j, env, "payloadType", SG_JSON_OPTIONAL,
		"intoto envelope.payloadType", arena, &out->payload_type, NULL, d));
	SG_TRY(get_b64_twice(j, env, "payload", SG_JSON_OPTIONAL, "intoto envelope.payload", arena,
		&out->payload, &out->has_payload, d));
	SG_TRY(sg_json_get_arr(
		j, env, "signatures", SG_JSON_REQUIRED, "intoto envelope.signatures", &arr, &n, d));
	if (n == 0 || n > SG_MAX_DSSE_SIGS)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "intoto envelope.signatures",
			"%zu signatures", n);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_tlog_sig *s = &out->sigs[out->n_sigs++];
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, "intoto envelope.signatures[]", d));
		SG_TRY(get_b64_twice(j, t, "sig", SG_JSON_REQUIRED,
			"intoto envelope.signatures[].sig", arena, &s->sig, NULL, d));
		SG_TRY(sg_json_get_b64(j, t, "publicKey", SG_JSON_REQUIRED,
			"intoto envelope.signatures[].publicKey", arena, &s->verifier, NULL, d));
		s->form = SG_TLOG_VERIFIER_PEM;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_body(const uint8_t *body, size_t len, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	sg_json j;
	SG_TRY(sg_json_parse(body, len, arena, "tlog entry body", &j, d));
	size_t root = sg_json_root(&j), spec;
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "tlog entry body", d));
	SG_TRY(sg_json_get_str(&j, root, "kind", SG_JSON_REQUIRED, "tlog entry body kind", arena,
		&out->kind_str, NULL, d));
	SG_TRY(sg_json_get_str(&j, root, "apiVersion", SG_JSON_REQUIRED,
		"tlog entry body apiVersion", arena, &out->api_version, NULL, d));
	SG_TRY(sg_json_get_obj(
		&j, root, "spec", SG_JSON_REQUIRED, "tlog entry body spec", &spec, d));
	sg_slice k = out->kind_str, v = out->api_version;
	if (sg_slice_eq_str(k, "hashedrekord") && sg_slice_eq_str(v, "0.0.1")) {
		out->kind = SG_TLOG_HASHEDREKORD;
		return body_hashedrekord_v1(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "hashedrekord") && sg_slice_eq_str(v, "0.0.2")) {
		out->kind = SG_TLOG_HASHEDREKORD;
		out->rekor_v2 = 1;
		return body_hashedrekord_v2(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "dsse") && sg_slice_eq_str(v, "0.0.1")) {
		out->kind = SG_TLOG_DSSE;
		return body_dsse(&j, spec, arena, out, d);
	}
	if (sg_slice_eq_str(k, "intoto") && sg_slice_eq_str(v, "0.0.2")) {
		out->kind = SG_TLOG_INTOTO;
		return body_intoto(&j, spec, arena, out, d);
	}
	return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "tlog entry body", "kind %.*s version %.*s",
		(int)(k.len > 40 ? 40 : k.len), (const char *)k.p, (int)(v.len > 20 ? 20 : v.len),
		(const char *)v.p);
}

sg_err
sg_tlog_body_parse(const uint8_t *body, size_t len, sg_arena *arena, sg_tlog_body *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_body(body, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}
