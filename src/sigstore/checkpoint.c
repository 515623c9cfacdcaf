/* checkpoint: signed tree heads as C2SP signed notes. See checkpoint.h.
 *
 * Implementation notes.
   - Checkpoint (C2SP signed-note and tlog-checkpoint; protocol.md §6.5, §8.4): text/signature
 *     split at the last "\n\n"; signature lines "— name base64(hint||sig)"; Rekor v1 signs with
 *     ECDSA P-256 over SHA-256 of the text; the key hint of an ECDSA key is the first four bytes
 *     of SHA-256(SPKI), of an Ed25519 key the first four of SHA-256(name||0x0A||0x01||key).
 *     Rekor v2 (Ed25519, ed25519.h) follows sigstore-go: the note name is the host of the log's
 *     baseUrl, witness lines are ignored, the origin must be that name (verify_c2sp_note).
 * */
#include "sigstore/checkpoint.h"

#include <string.h>

#include "base/text.h"
#include "crypto/hash.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"

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
				got != SG_MERKLE_HASH_LEN)
				return cp_fail(d, pos, "root hash is not base64 of 32 bytes");
			memcpy(out->root, tmp, SG_MERKLE_HASH_LEN);
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

/* see checkpoint.h */
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

/* see checkpoint.h */
void
sg_checkpoint_key_hint(const sg_trust_log *log, uint8_t hint[4])
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
		sg_checkpoint_key_hint(log, hint);
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

/* see checkpoint.h */
sg_err
sg_checkpoint_verify(const sg_checkpoint *cp, const sg_trust_log *log, sg_diag *d)
{
	if (log == NULL)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_KEY, "checkpoint");
	SG_TRY(sg_trustroot_log_key_ready(log, "checkpoint signature", d));
	if (log->key.type == SG_KEY_ED25519 || !rekor_v1_origin(cp->origin))
		return verify_c2sp_note(cp, log, d);
	/* Rekor v1 (rekor pkg/util VerifyCheckpointSignature, as sigstore-go uses it for v1
	 * origins): any line with the log's hint that verifies. */
	uint8_t hint[4];
	sg_checkpoint_key_hint(log, hint);
	int matched = 0;
	for (size_t i = 0; i < cp->n_sigs; i++) {
		const sg_note_sig *s = &cp->sigs[i];
		if (memcmp(hint, s->hint, 4) != 0)
			continue;
		matched = 1;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_err e = sg_trustroot_log_verify(log, cp->text.p, cp->text.len, s->sig.p, s->sig.len,
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
