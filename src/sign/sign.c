/* sign: the keyless sign flow (and its key-based variant). See sign.h.
 *
 * Implementation notes. The steps follow cosign's keyless signer (protocol.md §2.7: cosign
 * cmd/cosign/cli/sign, internal/pkg/cosign/{fulcio,rekor}) with the checks sigstore-go's
 * signer and verifier make, done here before anything is handed out:
 *   - the token is decoded only to choose the proof-of-possession name and to fail early on an
 *     expired token; Fulcio verifies it;
 *   - the certificate must be for our key, chain to a Fulcio CA of the trusted root at its own
 *     NotBefore and carry an SCT of a trusted CT log (protocol.md §5, §7.2 step 4);
 *   - Rekor's entry must hold exactly what we sent, carry a SET by a trusted log key valid at
 *     its integratedTime, have that time inside the certificate's 10 minutes, and, when a proof
 *     is given, an inclusion proof and checkpoint that verify (protocol.md §6.1-§6.5, §13.12).
 * With a long-lived key (sg_signer_begin_key, cosign sign --key) steps 1-4 do not exist: Rekor
 * logs the PUBLIC KEY PEM, the entry body must hold that key, and the certificate-validity
 * check on integratedTime has nothing to apply to.
 * The private key lives only in the sg_signer and is wiped on every failure and by
 * sg_signer_end. */
#include "sign/sign.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "parse/codec.h"
#include "parse/pem.h"
#include "pki/chain.h"
#include "pki/sct.h"
#include "sigstore/bundle.h"
#include "sigstore/tlog.h"
#include "vfj.h"

/* see sign.h */
const char *
sg_sign_stage_name(sg_sign_stage s)
{
	switch (s) {
	case SG_SIGN_STAGE_TOKEN:
		return "reading the identity token";
	case SG_SIGN_STAGE_KEY:
		return "generating the ephemeral key";
	case SG_SIGN_STAGE_FULCIO:
		return "getting a certificate from Fulcio";
	case SG_SIGN_STAGE_CERT:
		return "verifying the Fulcio certificate";
	case SG_SIGN_STAGE_SIGN:
		return "signing";
	case SG_SIGN_STAGE_REKOR:
		return "uploading to the Rekor transparency log";
	case SG_SIGN_STAGE_TLOG:
		return "verifying the Rekor entry";
	case SG_SIGN_STAGE_BUNDLE:
		return "writing the bundle";
	case SG_SIGN_STAGE_NONE:
		break;
	}
	return "signing";
}

/* PEM of one DER certificate, appended to `out`. */
SG_MUST_USE static sg_err
append_pem(sg_buf *out, sg_slice der, sg_diag *d)
{
	if (sg_pem_write(out, "CERTIFICATE", der.p, der.len) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "certificate PEM");
	return SG_OK;
}

static size_t
pem_cap(size_t der_len)
{
	/* base64 (4/3), a newline per 64 characters, and the two armor lines. */
	return der_len / 3 * 4 + der_len / 48 + 128;
}

SG_MUST_USE static sg_err
begin(sg_signer *s, const sg_signer_opts *o, sg_drbg *rng, sg_arena *arena, sg_diag *d)
{
	/* 1. "Obtain the OIDC token" (protocol.md §9) and read its claims. */
	s->stage = SG_SIGN_STAGE_TOKEN;
	SG_TRY(sg_jwt_decode(o->token.p, o->token.len, arena, &s->claims, d));
	SG_TRY(sg_jwt_check_expiry(&s->claims, o->now, d));
	SG_TRY(sg_jwt_principal(&s->claims, &s->principal, d));

	/* 2. "Generate the ephemeral P-256 key" (§1.4). */
	s->stage = SG_SIGN_STAGE_KEY;
	SG_TRY(sg_p256_keygen(rng, &s->key, d));
	s->have_key = 1;

	/* 3. "Call Fulcio" with the proof of possession over email or sub (§3.1). */
	s->stage = SG_SIGN_STAGE_FULCIO;
	SG_TRY(sg_fulcio_get_cert(o->http, o->fulcio_url, o->plain, o->token, &s->key,
		s->principal, arena, &s->chain, d));

	/* 4. "Verify the new certificate's SCT" (§2.7 step 2) and, before that, that it is ours
	 *    and chains to the trusted root at its issuance time. */
	s->stage = SG_SIGN_STAGE_CERT;
	SG_TRY(sg_x509_parse(s->chain.der[0].p, s->chain.der[0].len, &s->leaf, d));
	uint8_t spki_mem[SG_P256_SPKI_LEN];
	sg_buf spki;
	sg_buf_init(&spki, spki_mem, sizeof spki_mem);
	SG_TRY(sg_p256_write_spki(s->key.pub, &spki));
	if (!sg_slice_eq(s->leaf.spki, sg_buf_slice(&spki)))
		return sg_diag_fail(d, SG_ERR_FULCIO,
			"Fulcio answer: the certificate is for another key than the one sent");
	sg_chain_result cr;
	SG_TRY(sg_chain_verify(&s->leaf, s->chain.n > 1 ? &s->chain.der[1] : NULL,
		s->chain.n - 1, o->trustroot, s->leaf.not_before, &cr, d));
	SG_TRY(sg_sct_verify_embedded(&s->leaf, cr.issuer_spki, o->trustroot->ctlogs,
		o->trustroot->n_ctlogs, 0, NULL, d));

	size_t cap = pem_cap(s->chain.der[0].len);
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	SG_TRY(append_pem(&b, s->chain.der[0], d));
	s->cert_pem = sg_buf_slice(&b);
	cap = 1;
	for (size_t i = 1; i < s->chain.n; i++)
		cap += pem_cap(s->chain.der[i].len);
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf_init(&b, mem, cap);
	for (size_t i = 1; i < s->chain.n; i++)
		SG_TRY(append_pem(&b, s->chain.der[i], d));
	s->chain_pem = sg_buf_slice(&b);
	s->stage = SG_SIGN_STAGE_NONE;
	s->have_cert = 1;
	return SG_OK;
}

/* see sign.h */
sg_err
sg_signer_begin(sg_signer *s, const sg_signer_opts *o, sg_drbg *rng, sg_arena *arena,
	sg_diag *d)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	sg_err e = begin(s, o, rng, arena, d);
	if (e != SG_OK) {
		sg_sign_stage st = s->stage;
		sg_signer_end(s);
		memset(s, 0, sizeof *s);
		s->stage = st;
	}
	return e;
}

/* see sign.h */
sg_err
sg_signer_begin_key(sg_signer *s, const sg_signer_opts *o, const sg_p256_key *key,
	sg_arena *arena, sg_diag *d)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	s->o.token = sg_slice_make(NULL, 0);
	s->stage = SG_SIGN_STAGE_KEY;
	uint8_t *spki_mem, *pem_mem;
	size_t pem_len = pem_cap(SG_P256_SPKI_LEN);
	sg_err e = sg_arena_get(arena, SG_P256_SPKI_LEN, (void **)&spki_mem, d);
	if (e == SG_OK)
		e = sg_arena_get(arena, pem_len, (void **)&pem_mem, d);
	if (e != SG_OK)
		goto fail;
	sg_buf spki, pem;
	sg_buf_init(&spki, spki_mem, SG_P256_SPKI_LEN);
	sg_buf_init(&pem, pem_mem, pem_len);
	if ((e = sg_p256_write_spki(key->pub, &spki)) != SG_OK) {
		e = sg_diag_fail(d, e, "public key");
		goto fail;
	}
	if ((e = sg_pem_write(&pem, "PUBLIC KEY", spki.p, spki.len)) != SG_OK) {
		e = sg_diag_fail(d, SG_ERR_LIMIT, "public key PEM");
		goto fail;
	}
	s->key = *key;
	s->have_key = 1;
	s->keyed = 1;
	s->key_spki = sg_buf_slice(&spki);
	s->key_pem = sg_buf_slice(&pem);
	s->stage = SG_SIGN_STAGE_NONE;
	return SG_OK;
fail:
	memset(s, 0, sizeof *s);
	s->stage = SG_SIGN_STAGE_KEY;
	return e;
}

/* The entry must be a hashedrekord 0.0.1 of exactly our digest, signature and certificate:
 * a log that answered with another entry (or a SET for one) must not pass. */
SG_MUST_USE static sg_err
check_body(const sg_signer *s, sg_sign_result *r, sg_arena *arena, sg_diag *d)
{
	sg_tlog_entry *t = &r->entry.tle;
	sg_tlog_body body;
	SG_TRY(sg_tlog_body_parse(t->body.p, t->body.len, arena, &body, d));
	if (body.kind != SG_TLOG_HASHEDREKORD || body.rekor_v2 ||
		!sg_slice_eq_str(body.api_version, "0.0.1"))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "Rekor entry",
			"kind %.*s %.*s, want hashedrekord 0.0.1", (int)body.kind_str.len,
			(const char *)body.kind_str.p, (int)body.api_version.len,
			(const char *)body.api_version.p);
	t->kind = body.kind_str;
	t->version = body.api_version;
	if (body.data_hash.alg != SG_HASH_SHA256 || body.data_hash.len != SG_SHA256_LEN ||
		memcmp(body.data_hash.value, r->digest, SG_SHA256_LEN) != 0)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_BODY,
			"Rekor entry: the logged digest is not the one signed");
	if (body.n_sigs != 1 ||
		!sg_slice_eq(body.sigs[0].sig, sg_slice_make(r->sig, r->sig_len)))
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_BODY,
			"Rekor entry: the logged signature is not ours");
	/* Rekor re-encodes the PEM it stores, so compare the certificate (or, signing with a
	 * key, the DER public key), not the text. */
	sg_slice v = body.sigs[0].verifier;
	uint8_t *der;
	size_t n;
	size_t cap = v.len;
	SG_TRY(sg_arena_get(arena, cap == 0 ? 1 : cap, (void **)&der, d));
	const char *label = s->keyed ? "PUBLIC KEY" : "CERTIFICATE";
	sg_slice want = s->keyed ? s->key_spki : s->chain.der[0];
	if (body.sigs[0].form != SG_TLOG_VERIFIER_PEM ||
		sg_pem_decode_first(v.p, v.len, label, der, cap, &n, NULL) != SG_OK ||
		!sg_slice_eq(sg_slice_make(der, n), want))
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_BODY,
			s->keyed ? "Rekor entry: the logged public key is not ours"
				 : "Rekor entry: the logged certificate is not ours");
	return SG_OK;
}

SG_MUST_USE static sg_err
check_entry(const sg_signer *s, sg_sign_result *r, sg_arena *arena, sg_diag *d)
{
	SG_TRY(check_body(s, r, arena, d));
	sg_tlog_entry *t = &r->entry.tle;
	const sg_trust_log *log = sg_tlog_find_log(s->o.trustroot, t);
	if (log == NULL)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_KEY,
			"Rekor entry: log id %s is not a transparency log of the trusted root at "
			"integrated time %lld",
			r->entry.log_id_hex, (long long)t->integrated_time);
	SG_TRY(sg_tlog_verify_set(t, log, arena, d));
	/* §13.12: the entry must have been integrated while the certificate was valid (a
	 * long-lived key has no such window). */
	if (!s->keyed &&
		(t->integrated_time < s->leaf.not_before || t->integrated_time > s->leaf.not_after))
		return sg_diag_failf(d, SG_ERR_VERIFY_TIME, "Rekor entry",
			"integratedTime %lld is outside the certificate's validity %lld..%lld",
			(long long)t->integrated_time, (long long)s->leaf.not_before,
			(long long)s->leaf.not_after);
	if (r->entry.has_proof)
		SG_TRY(sg_tlog_verify_proof(t, log, arena, d));
	return SG_OK;
}

/* {"SignedEntryTimestamp":"<b64>","Payload":{"body":"<b64>","integratedTime":N,
 *  "logIndex":N,"logID":"<hex>"}} in cosign's field order (protocol.md §6.3). */
SG_MUST_USE static sg_err
annotation(const sg_sign_result *r, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	const sg_tlog_entry *t = &r->entry.tle;
	size_t cap = r->entry.body_b64.len + sg_b64_encoded_len(t->set.len, SG_B64_PAD) + 256;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	sg_buf_puts(&b, "{\"SignedEntryTimestamp\":\"");
	sg_err e = sg_b64_encode(t->set.p, t->set.len, SG_B64_STD | SG_B64_PAD, &b);
	sg_buf_puts(&b, "\",\"Payload\":{\"body\":\"");
	sg_buf_put(&b, r->entry.body_b64.p, r->entry.body_b64.len);
	sg_buf_puts(&b, "\",\"integratedTime\":");
	sg_buf_put_dec(&b, (uint64_t)t->integrated_time);
	sg_buf_puts(&b, ",\"logIndex\":");
	sg_buf_put_dec(&b, (uint64_t)t->log_index);
	sg_buf_puts(&b, ",\"logID\":\"");
	sg_buf_puts(&b, r->entry.log_id_hex);
	sg_buf_puts(&b, "\"}}");
	if (e != SG_OK || sg_buf_status(&b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "bundle annotation");
	*out = sg_buf_slice(&b);
	return SG_OK;
}

SG_MUST_USE static sg_err
sign_digest(sg_signer *s, sg_sign_result *out, sg_arena *arena, sg_diag *d)
{
	/* 5. "Sign the payload" (§1.4): ECDSA P-256 over its SHA-256, DER. */
	s->stage = SG_SIGN_STAGE_SIGN;
	SG_TRY(sg_p256_sign_digest(&s->key, out->digest, out->sig, sizeof out->sig, &out->sig_len,
		d));

	/* 6. "POST /api/v1/log/entries" (§6.1). */
	s->stage = SG_SIGN_STAGE_REKOR;
	/* publicKey.content: the certificate PEM, or the PUBLIC KEY PEM with --key. */
	sg_slice signer_pem = s->keyed ? s->key_pem : s->cert_pem;
	size_t cap = sg_b64_encoded_len(signer_pem.len, SG_B64_PAD) + 512;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf req;
	sg_buf_init(&req, mem, cap);
	SG_TRY(sg_rekor_build_hashedrekord(out->digest, out->sig, out->sig_len, signer_pem, &req,
		d));
	SG_TRY(sg_rekor_upload(s->o.http, s->o.rekor_url, s->o.plain, sg_buf_slice(&req), arena,
		&out->entry, &out->existed, d));

	/* 7. Verify what the log answered before anyone uses it (§6.2, §6.4). */
	s->stage = SG_SIGN_STAGE_TLOG;
	SG_TRY(check_entry(s, out, arena, d));
	SG_TRY(annotation(out, arena, &out->annotation, d));
	s->stage = SG_SIGN_STAGE_NONE;
	return SG_OK;
}

/* see sign.h */
sg_err
sg_signer_sign_digest(sg_signer *s, const uint8_t digest[SG_SHA256_LEN], sg_arena *arena,
	sg_sign_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	if ((!s->have_cert && !s->keyed) || !s->have_key)
		return sg_diag_fail(d, SG_ERR_ARG, "signer has no certificate or key");
	memcpy(out->digest, digest, SG_SHA256_LEN);
	sg_err e = sign_digest(s, out, arena, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- bundle v0.3 ---- */

SG_MUST_USE static sg_err
w_b64(vfj_writer *w, const uint8_t *p, size_t n, sg_arena *arena, sg_diag *d)
{
	size_t cap = sg_b64_encoded_len(n, SG_B64_PAD) + 1;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	if (sg_b64_encode(p, n, SG_B64_STD | SG_B64_PAD, &b) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "bundle");
	vfj_w_str(w, b.p, b.len);
	return SG_OK;
}

/* proto3 JSON writes int64 as a decimal string. */
static void
w_int64_str(vfj_writer *w, int64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof s, "%lld", (long long)v);
	vfj_w_str(w, s, n > 0 ? (size_t)n : 0);
}

SG_MUST_USE static sg_err
write_bundle(const sg_signer *s, const sg_sign_result *r, vfj_writer *w, sg_arena *arena,
	sg_diag *d)
{
	const sg_tlog_entry *t = &r->entry.tle;
	const sg_tlog_proof *p = &t->proof;
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("mediaType"));
	vfj_w_str(w, VFJ_LIT(SG_BUNDLE_MEDIA_TYPE_V03));
	vfj_w_key(w, VFJ_LIT("verificationMaterial"));
	vfj_w_obj_begin(w);
	if (s->keyed) {
		/* The hint only names the key; the verifier brings the key itself. */
		uint8_t h[SG_SHA256_LEN];
		sg_sha256(s->key_spki.p, s->key_spki.len, h);
		vfj_w_key(w, VFJ_LIT("publicKey"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("hint"));
		SG_TRY(w_b64(w, h, sizeof h, arena, d));
		vfj_w_obj_end(w);
	} else {
		vfj_w_key(w, VFJ_LIT("certificate"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("rawBytes"));
		SG_TRY(w_b64(w, s->chain.der[0].p, s->chain.der[0].len, arena, d));
		vfj_w_obj_end(w);
	}
	vfj_w_key(w, VFJ_LIT("tlogEntries"));
	vfj_w_arr_begin(w);
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("logIndex"));
	w_int64_str(w, t->log_index);
	vfj_w_key(w, VFJ_LIT("logId"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("keyId"));
	SG_TRY(w_b64(w, t->log_id, t->log_id_len, arena, d));
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("kindVersion"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("kind"));
	vfj_w_str(w, t->kind.p, t->kind.len);
	vfj_w_key(w, VFJ_LIT("version"));
	vfj_w_str(w, t->version.p, t->version.len);
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("integratedTime"));
	w_int64_str(w, t->integrated_time);
	vfj_w_key(w, VFJ_LIT("inclusionPromise"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("signedEntryTimestamp"));
	SG_TRY(w_b64(w, t->set.p, t->set.len, arena, d));
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("inclusionProof"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("logIndex"));
	w_int64_str(w, p->log_index);
	vfj_w_key(w, VFJ_LIT("rootHash"));
	SG_TRY(w_b64(w, p->root_hash, SG_TLOG_HASH_LEN, arena, d));
	vfj_w_key(w, VFJ_LIT("treeSize"));
	w_int64_str(w, p->tree_size);
	vfj_w_key(w, VFJ_LIT("hashes"));
	vfj_w_arr_begin(w);
	for (size_t i = 0; i < p->n_hashes; i++)
		SG_TRY(w_b64(w, p->hashes + i * SG_TLOG_HASH_LEN, SG_TLOG_HASH_LEN, arena, d));
	vfj_w_arr_end(w);
	vfj_w_key(w, VFJ_LIT("checkpoint"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("envelope"));
	vfj_w_str(w, p->checkpoint.p, p->checkpoint.len);
	vfj_w_obj_end(w);
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("canonicalizedBody"));
	SG_TRY(w_b64(w, t->body.p, t->body.len, arena, d));
	vfj_w_obj_end(w);
	vfj_w_arr_end(w);
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("messageSignature"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("messageDigest"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("algorithm"));
	vfj_w_str(w, VFJ_LIT("SHA2_256"));
	vfj_w_key(w, VFJ_LIT("digest"));
	SG_TRY(w_b64(w, r->digest, SG_SHA256_LEN, arena, d));
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("signature"));
	SG_TRY(w_b64(w, r->sig, r->sig_len, arena, d));
	vfj_w_obj_end(w);
	vfj_w_obj_end(w);
	return SG_OK;
}

/* see sign.h */
sg_err
sg_sign_bundle_json(const sg_signer *s, const sg_sign_result *r, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	const sg_tlog_entry *t = &r->entry.tle;
	if ((!s->have_cert && !s->keyed) || t->body.len == 0)
		return sg_diag_fail(d, SG_ERR_ARG, "bundle: no verified signature");
	if (!r->entry.has_proof)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_MISSING,
			"bundle: Rekor returned no inclusion proof, which a v0.3 bundle requires");
	/* Every piece grows by at most 4/3 (base64) or 6x (a JSON-escaped checkpoint byte). */
	size_t cap = 2 * (s->chain.der[0].len + s->key_spki.len + t->body.len + t->set.len) +
		6 * t->proof.checkpoint.len + 64 * t->proof.n_hashes + 4096;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	vfj_writer w;
	vfj_w_init(&w, mem, cap, 0);
	SG_TRY(write_bundle(s, r, &w, arena, d));
	size_t n;
	vfj_err ve = vfj_w_finish(&w, &n);
	if (ve != VFJ_OK)
		return sg_diag_failf(d, ve == VFJ_ERR_BUFFER ? SG_ERR_LIMIT : SG_ERR_INTERNAL,
			"bundle", "%s", vfj_err_str(ve));
	*out = sg_slice_make(mem, n);
	return SG_OK;
}

/* see sign.h */
void
sg_signer_end(sg_signer *s)
{
	sg_p256_key_wipe(&s->key);
	s->have_key = 0;
	s->o.token = sg_slice_make(NULL, 0);
}
