/* sct: embedded SCT list parsing, precertificate reconstruction and verification. See sct.h.
 *
 * Implementation notes.
 *   SignedCertificateTimestampList (RFC 6962 §3.3): opaque SerializedSCT<1..2^16-1>;
 *   struct { SerializedSCT sct_list<1..2^16-1>; }. One v1 SCT (§3.2):
 *     Version sct_version (u8 = 0); LogID id (32 bytes); uint64 timestamp;
 *     CtExtensions extensions (u16 length + bytes); DigitallySigned (RFC 5246 §4.7):
 *     u8 hash, u8 signature, u16 length + signature bytes.
 *   The signed structure for an embedded SCT (§3.2, precert_entry):
 *     u8 version, u8 signature_type = 0 (certificate_timestamp), u64 timestamp,
 *     u16 entry_type = 1 (precert_entry), opaque issuer_key_hash[32],
 *     opaque tbs_certificate<1..2^24-1>, CtExtensions extensions (u16 length + bytes).
 *   Precertificate TBS (§3.2, protocol.md §5.2): the leaf's TBS with the SCT-list extension
 *   removed; only the lengths of the SEQUENCE OF Extension, of the [3] wrapper and of the
 *   TBS SEQUENCE change (they may shrink to a shorter length form). The extensions are the
 *   last TBS field, so the rebuilt TBS is: new TBS header, the unchanged TBS prefix up to
 *   [3], new [3] header, new SEQUENCE header, the extensions before and after the SCT one.
 *   Those pieces are hashed in place (no copy) for verification, and copied out only by
 *   sg_sct_precert_tbs. */
#include "pki/sct.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"

/* ---- list parsing ---- */

SG_MUST_USE static sg_err
parse_one(sg_cur *c, sg_sct *s, sg_diag *d)
{
	static const char what[] = "SCT";
	memset(s, 0, sizeof *s);
	s->whole = sg_slice_make(c->p, c->n);
	SG_TRY(sg_cur_u8(c, &s->version));
	if (s->version != 0) {
		/* Unknown version: the rest has an unknown layout; keep it opaque. */
		return sg_cur_skip(c, c->n);
	}
	if (sg_cur_take(c, SG_SCT_LOG_ID_LEN, &s->log_id) != SG_OK ||
		sg_cur_u64(c, &s->timestamp_ms) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_TRUNCATED, what, c->off);
	sg_cur ext, sig;
	if (sg_cur_vec16(c, &ext) != SG_OK || sg_cur_u8(c, &s->hash_alg) != SG_OK ||
		sg_cur_u8(c, &s->sig_alg) != SG_OK || sg_cur_vec16(c, &sig) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_TRUNCATED, what, c->off);
	s->extensions = sg_slice_make(ext.p, ext.n);
	s->signature = sg_slice_make(sig.p, sig.n);
	if (s->signature.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "empty signature");
	if (c->n != 0)
		return sg_diag_fail_at(d, SG_ERR_TRAILING, what, c->off);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_list(const uint8_t *p, size_t len, sg_sct_list *out, sg_diag *d)
{
	static const char what[] = "SCT list";
	sg_cur c, list;
	sg_cur_init(&c, p, len);
	if (sg_cur_vec16(&c, &list) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_TRUNCATED, what, c.off);
	if (c.n != 0)
		return sg_diag_fail_at(d, SG_ERR_TRAILING, what, c.off);
	if (list.n == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "empty list");
	while (list.n > 0) {
		if (out->n >= SG_MAX_SCTS)
			return sg_diag_failf(d, SG_ERR_LIMIT, what, "more than %u SCTs",
				(unsigned)SG_MAX_SCTS);
		sg_cur one;
		size_t off = list.off;
		if (sg_cur_vec16(&list, &one) != SG_OK)
			return sg_diag_fail_at(d, SG_ERR_TRUNCATED, what, off);
		if (one.n == 0)
			return sg_diag_fail_at(d, SG_ERR_VERIFY_SCT, what, off);
		SG_TRY(parse_one(&one, &out->scts[out->n], d));
		out->n++;
	}
	return SG_OK;
}

/* see sct.h */
sg_err
sg_sct_list_parse(const uint8_t *p, size_t len, sg_sct_list *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_list(p, len, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- precertificate TBS ---- */

/* The rebuilt TBS as pieces: three DER headers and three spans of the original. */
typedef struct precert {
	uint8_t h_tbs[6], h_a3[6], h_seq[6];
	size_t h_tbs_len, h_a3_len, h_seq_len;
	sg_slice prefix, before, after;
	size_t total;
} precert;

/* DER header of `tag` and a length < 2^32 into h; returns its size. */
static size_t
der_header(uint8_t h[6], uint8_t tag, size_t len)
{
	h[0] = tag;
	if (len < 0x80) {
		h[1] = (uint8_t)len;
		return 2;
	}
	size_t k = 0;
	for (size_t v = len; v != 0; v >>= 8)
		k++;
	h[1] = (uint8_t)(0x80u | k);
	for (size_t i = 0; i < k; i++)
		h[2 + i] = (uint8_t)(len >> (8 * (k - 1 - i)));
	return 2 + k;
}

SG_MUST_USE static sg_err
precert_build(const sg_x509_cert *leaf, precert *pc, sg_diag *d)
{
	static const char what[] = "SCT precertificate";
	memset(pc, 0, sizeof *pc);
	if (!leaf->has_sct || leaf->sct_ext >= leaf->n_exts)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "no SCT extension");
	const sg_x509_ext *e = &leaf->exts[leaf->sct_ext];
	const uint8_t *tc = leaf->tbs_content.p, *eb = leaf->ext_block.p, *es = leaf->ext_seq.p;
	/* Defensive: the views must nest as the parser guarantees (extensions last in the TBS,
	 * the SCT extension inside the SEQUENCE OF Extension). */
	if (tc == NULL || eb == NULL || es == NULL || eb < tc ||
		(size_t)(eb - tc) > leaf->tbs_content.len ||
		leaf->ext_block.len != leaf->tbs_content.len - (size_t)(eb - tc) ||
		es < eb || e->whole.p < es ||
		(size_t)(e->whole.p - es) > leaf->ext_seq.len ||
		e->whole.len > leaf->ext_seq.len - (size_t)(e->whole.p - es))
		return sg_diag_fail(d, SG_ERR_INTERNAL, what);
	size_t seq_len = leaf->ext_seq.len - e->whole.len;
	if (seq_len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "SCT list is the only extension");
	pc->prefix = sg_slice_make(tc, (size_t)(eb - tc));
	pc->before = sg_slice_make(es, (size_t)(e->whole.p - es));
	pc->after = sg_slice_make(e->whole.p + e->whole.len,
		leaf->ext_seq.len - pc->before.len - e->whole.len);
	pc->h_seq_len = der_header(pc->h_seq, 0x30, seq_len);
	size_t a3_len = pc->h_seq_len + seq_len;
	pc->h_a3_len = der_header(pc->h_a3, 0xa3, a3_len);
	size_t tbs_len = pc->prefix.len + pc->h_a3_len + a3_len;
	pc->h_tbs_len = der_header(pc->h_tbs, 0x30, tbs_len);
	pc->total = pc->h_tbs_len + tbs_len;
	return SG_OK;
}

/* see sct.h */
sg_err
sg_sct_precert_tbs(const sg_x509_cert *leaf, uint8_t *out, size_t cap, size_t *out_len,
	sg_diag *d)
{
	*out_len = 0;
	precert pc;
	SG_TRY(precert_build(leaf, &pc, d));
	sg_buf b;
	sg_buf_init(&b, out, cap);
	sg_buf_put(&b, pc.h_tbs, pc.h_tbs_len);
	sg_buf_put(&b, pc.prefix.p, pc.prefix.len);
	sg_buf_put(&b, pc.h_a3, pc.h_a3_len);
	sg_buf_put(&b, pc.h_seq, pc.h_seq_len);
	sg_buf_put(&b, pc.before.p, pc.before.len);
	sg_buf_put(&b, pc.after.p, pc.after.len);
	if (sg_buf_status(&b) != SG_OK) {
		if (cap > 0)
			memset(out, 0, cap);
		return sg_diag_failf(d, SG_ERR_LIMIT, "SCT precertificate", "needs %zu bytes",
			pc.total);
	}
	*out_len = b.len;
	return SG_OK;
}

/* ---- verification ---- */

static void
put_be(sg_hash_ctx *h, uint64_t v, size_t n)
{
	uint8_t b[8];
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	sg_hash_update(h, b, n);
}

/* see sct.h */
sg_err
sg_sct_verify_one(const sg_sct *sct, const sg_x509_cert *leaf,
	const uint8_t issuer_key_hash[SG_SHA256_LEN], const sg_pubkey *log_key, sg_diag *d)
{
	static const char what[] = "SCT";
	if (sct->version != 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "unsupported SCT version %u",
			sct->version);
	if (sct->hash_alg != SG_SCT_HASH_SHA256 ||
		!((sct->sig_alg == SG_SCT_SIG_ECDSA && log_key->type == SG_KEY_EC) ||
			(sct->sig_alg == SG_SCT_SIG_RSA && log_key->type == SG_KEY_RSA)))
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what,
			"signature algorithm %u/%u does not fit the CT log key", sct->hash_alg,
			sct->sig_alg);
	if (sct->extensions.len > 0xffffu)
		return sg_diag_fail(d, SG_ERR_VERIFY_SCT, what);
	precert pc;
	SG_TRY(precert_build(leaf, &pc, d));
	if (pc.total > 0xffffffu)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "TBS too large");
	sg_hash_ctx h;
	sg_hash_init(&h, SG_HASH_SHA256);
	put_be(&h, 0, 1);               /* sct_version v1 */
	put_be(&h, 0, 1);               /* signature_type certificate_timestamp */
	put_be(&h, sct->timestamp_ms, 8);
	put_be(&h, 1, 2);               /* entry_type precert_entry */
	sg_hash_update(&h, issuer_key_hash, SG_SHA256_LEN);
	put_be(&h, pc.total, 3);
	sg_hash_update(&h, pc.h_tbs, pc.h_tbs_len);
	sg_hash_update(&h, pc.prefix.p, pc.prefix.len);
	sg_hash_update(&h, pc.h_a3, pc.h_a3_len);
	sg_hash_update(&h, pc.h_seq, pc.h_seq_len);
	sg_hash_update(&h, pc.before.p, pc.before.len);
	sg_hash_update(&h, pc.after.p, pc.after.len);
	put_be(&h, sct->extensions.len, 2);
	sg_hash_update(&h, sct->extensions.p, sct->extensions.len);
	uint8_t digest[SG_SHA256_LEN];
	sg_hash_final(&h, digest);
	if (sg_pubkey_verify_digest(log_key, SG_HASH_SHA256, digest, sizeof digest, sct->signature.p,
		    sct->signature.len, what, NULL) != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_SCT, what, "SCT signature does not verify");
	return SG_OK;
}

static void
hex32(const uint8_t *p, char out[65])
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[64] = '\0';
}

#define SCT_THRESHOLD_MSG "only able to verify 0 SCT entries; unable to meet threshold of 1"

SG_MUST_USE static sg_err
verify_embedded(const sg_x509_cert *leaf, sg_slice issuer_spki, const sg_trust_log *logs,
	size_t n_logs, sg_sct_result *res, sg_diag *d)
{
	if (!leaf->has_sct)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_SCT,
			"certificate does not include required embedded SCT and no detached SCT "
			"was set");
	sg_sct_list list;
	SG_TRY(sg_sct_list_parse(leaf->sct_list.p, leaf->sct_list.len, &list, d));
	res->total = list.n;
	uint8_t ikh[SG_SHA256_LEN];
	sg_sha256(issuer_spki.p, issuer_spki.len, ikh);
	/* The first SCT's failure is the one reported if none verifies. */
	sg_diag first;
	sg_diag_init(&first, NULL);
	sg_err last = SG_ERR_VERIFY_SCT; /* the latest SCT's failure; `first` keeps the first */
	const sg_trust_log *done[SG_MAX_SCTS];
	size_t n_done = 0;
	for (size_t i = 0; i < list.n; i++) {
		const sg_sct *s = &list.scts[i];
		char hex[65];
		if (s->version != 0) {
			last = sg_diag_failf(&first, SG_ERR_VERIFY_SCT, SCT_THRESHOLD_MSG,
				"unsupported SCT version %u", s->version);
			continue;
		}
		hex32(s->log_id, hex);
		int64_t t = (int64_t)(s->timestamp_ms / 1000u);
		const sg_trust_log *log =
			sg_trustroot_find_log(logs, n_logs, s->log_id, SG_SCT_LOG_ID_LEN, t);
		if (log == NULL) {
			if (sg_trustroot_find_log(logs, n_logs, s->log_id, SG_SCT_LOG_ID_LEN,
				    INT64_MIN) == NULL) {
				last = sg_diag_failf(&first, SG_ERR_VERIFY_CT_KEY, SCT_THRESHOLD_MSG,
					"no CT log key with id %s", hex);
			} else {
				char ts[32];
				if (sg_time_format_rfc3339(t, ts, sizeof ts) != SG_OK)
					ts[0] = '\0';
				last = sg_diag_failf(&first, SG_ERR_VERIFY_CT_KEY, SCT_THRESHOLD_MSG,
					"CT log key %s is not valid at the SCT time %s", hex, ts);
			}
			continue;
		}
		sg_diag one;
		sg_diag_init(&one, NULL);
		if (sg_trustroot_log_key_ready(log, "CT log key", &one) != SG_OK ||
			sg_sct_verify_one(s, leaf, ikh, &log->key, &one) != SG_OK) {
			last = sg_diag_failf(&first, one.code, SCT_THRESHOLD_MSG, "%s (log %s)",
				one.detail[0] != '\0' ? one.detail : sg_err_str(one.code), hex);
			continue;
		}
		/* Count distinct logs, as sigstore-go's threshold does. */
		int seen = 0;
		for (size_t k = 0; k < n_done; k++)
			seen |= done[k] == log;
		if (!seen)
			done[n_done++] = log;
	}
	res->verified = n_done;
	if (n_done >= 1)
		return SG_OK;
	if (d != NULL && d->code == SG_OK && first.code != SG_OK) {
		const char *src = d->source;
		*d = first;
		d->source = src;
	}
	return first.code != SG_OK ? first.code : last;
}

/* see sct.h */
sg_err
sg_sct_verify_embedded(const sg_x509_cert *leaf, sg_slice issuer_spki, const sg_trust_log *logs,
	size_t n_logs, unsigned flags, sg_sct_result *out, sg_diag *d)
{
	sg_sct_result r;
	memset(&r, 0, sizeof r);
	if ((flags & SG_SCT_INSECURE_IGNORE) != 0) {
		r.skipped = 1;
		if (out != NULL)
			*out = r;
		return SG_OK;
	}
	sg_err e = verify_embedded(leaf, issuer_spki, logs, n_logs, &r, d);
	if (e != SG_OK)
		memset(&r, 0, sizeof r);
	if (out != NULL)
		*out = r;
	return e;
}
