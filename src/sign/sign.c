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
#include "online/timestamp.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/tlog.h"

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
	case SG_SIGN_STAGE_TSA:
		return "getting an RFC 3161 timestamp";
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

/* 1 when the verifier `v` of a log entry body is the signer's certificate or key. Rekor v1
 * re-encodes the PEM it stores, so the DER inside is compared, not the text. */
static int
verifier_is_ours(const sg_signer *s, const sg_tlog_sig *v, sg_arena *arena)
{
	sg_slice want = s->keyed ? s->key_spki : s->chain.der[0];
	if (v->form == SG_TLOG_VERIFIER_DER_CERT || v->form == SG_TLOG_VERIFIER_DER_SPKI)
		return (v->form == SG_TLOG_VERIFIER_DER_SPKI) == s->keyed &&
			sg_slice_eq(v->verifier, want);
	uint8_t *der;
	size_t n, cap = v->verifier.len;
	if (v->form != SG_TLOG_VERIFIER_PEM ||
		sg_arena_get(arena, cap == 0 ? 1 : cap, (void **)&der, NULL) != SG_OK)
		return 0;
	return sg_pem_decode_first(v->verifier.p, v->verifier.len,
		       s->keyed ? "PUBLIC KEY" : "CERTIFICATE", der, cap, &n, NULL) == SG_OK &&
		sg_slice_eq(sg_slice_make(der, n), want);
}

/* The entry must hold exactly what we sent: a hashedrekord 0.0.1 (Rekor v1, message) or
 * 0.0.2 (Rekor v2) of our digest, or a dsse 0.0.1 of our payload; our signature; our
 * certificate or key. A log that answered with another entry (or a SET for one) must not
 * pass. */
SG_MUST_USE static sg_err
check_body(const sg_signer *s, sg_sign_result *r, sg_arena *arena, sg_diag *d)
{
	sg_tlog_entry *t = &r->entry.tle;
	sg_tlog_body body;
	SG_TRY(sg_tlog_body_parse(t->body.p, t->body.len, arena, &body, d));
	int v2 = s->o.rekor_v2;
	int want_dsse = r->dsse && !v2;
	const char *want = want_dsse ? "dsse 0.0.1" : "hashedrekord 0.0.1";
	if (v2)
		want = "hashedrekord 0.0.2";
	if (body.kind != (want_dsse ? SG_TLOG_DSSE : SG_TLOG_HASHEDREKORD) ||
		body.rekor_v2 != v2 ||
		!sg_slice_eq_str(body.api_version, v2 ? "0.0.2" : "0.0.1"))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "Rekor entry",
			"kind %.*s %.*s, want %s", (int)body.kind_str.len,
			(const char *)body.kind_str.p, (int)body.api_version.len,
			(const char *)body.api_version.p, want);
	t->kind = body.kind_str;
	t->version = body.api_version;
	uint8_t ph[SG_SHA256_LEN];
	const sg_tlog_hash *h = &body.data_hash;
	const uint8_t *hv = r->digest;
	if (want_dsse) {
		/* dsse 0.0.1 logs the payload's hash (envelopeHash covers our string, unread) */
		sg_sha256(r->payload.p, r->payload.len, ph);
		h = &body.payload_hash;
		hv = ph;
	}
	if (h->alg != SG_HASH_SHA256 || h->len != SG_SHA256_LEN ||
		memcmp(h->value, hv, SG_SHA256_LEN) != 0)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_BODY,
			"Rekor entry: the logged digest is not the one signed");
	sg_slice sig = sg_slice_make(r->sig, r->sig_len);
	for (size_t i = 0; i < body.n_sigs; i++) {
		if (!sg_slice_eq(body.sigs[i].sig, sig))
			continue;
		if (body.n_sigs == 1 && verifier_is_ours(s, &body.sigs[i], arena))
			return SG_OK;
		break;
	}
	return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_BODY,
		s->keyed ? "Rekor entry: the logged signature or public key is not ours"
			 : "Rekor entry: the logged signature or certificate is not ours");
}

SG_MUST_USE static sg_err
check_entry(const sg_signer *s, sg_sign_result *r, sg_arena *arena, sg_diag *d)
{
	SG_TRY(check_body(s, r, arena, d));
	sg_tlog_entry *t = &r->entry.tle;
	const sg_trust_log *log = sg_tlog_find_log(s->o.trustroot, t);
	if (log == NULL)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_KEY,
			"Rekor entry: its log id is not a transparency log of the trusted root%s",
			s->o.rekor_v2 ? "" : " at its integrated time");
	if (s->o.rekor_v2) {
		/* v2: no SET; the proof to a checkpoint signed by the log is the evidence. */
		if (!r->entry.has_proof)
			return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_MISSING,
				"Rekor v2 entry: no inclusion proof");
		return sg_tlog_verify_proof(t, log, arena, d);
	}
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

/* The Rekor v1 proposal for `r`: hashedrekord for a message, dsse for an envelope. */
SG_MUST_USE static sg_err
v1_proposal(const sg_signer *s, const sg_sign_result *r, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	/* publicKey.content / verifiers[0]: the certificate PEM, or the PUBLIC KEY PEM (--key) */
	sg_slice signer_pem = s->keyed ? s->key_pem : s->cert_pem;
	size_t cap = 2 * sg_b64_encoded_len(signer_pem.len, SG_B64_PAD) + 512;
	sg_buf env;
	if (r->dsse) {
		size_t ecap = 2 * r->payload.len + 6 * r->payload_type.len + 256;
		uint8_t *emem;
		SG_TRY(sg_arena_get(arena, ecap, (void **)&emem, d));
		sg_buf_init(&env, emem, ecap);
		SG_TRY(sg_dsse_write(r->payload_type, r->payload, sg_slice_make(r->sig, r->sig_len),
			arena, &env, d));
		cap += 2 * env.len;
	}
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf req;
	sg_buf_init(&req, mem, cap);
	if (r->dsse)
		SG_TRY(sg_rekor_build_dsse(sg_buf_slice(&env), signer_pem, arena, &req, d));
	else
		SG_TRY(sg_rekor_build_hashedrekord(r->digest, r->sig, r->sig_len, signer_pem, &req,
			d));
	*out = sg_buf_slice(&req);
	return SG_OK;
}

/* The steps after the digest is known: sign, timestamp, log, check. */
SG_MUST_USE static sg_err
sign_and_log(sg_signer *s, sg_sign_result *out, sg_arena *arena, sg_diag *d)
{
	/* 5. "Sign the payload" (§1.4): ECDSA P-256 over its SHA-256 (or the PAE's), DER. */
	s->stage = SG_SIGN_STAGE_SIGN;
	SG_TRY(sg_p256_sign_digest(&s->key, out->digest, out->sig, sizeof out->sig, &out->sig_len,
		d));
	sg_slice sig = sg_slice_make(out->sig, out->sig_len);

	/* 6. The timestamp over the signature bytes (cosign-v3.md §1.6), checked first. */
	if (s->o.tsa_url != NULL) {
		s->stage = SG_SIGN_STAGE_TSA;
		uint8_t nonce[SG_TSA_NONCE_LEN];
		sg_drbg_generate(s->o.rng, nonce, sizeof nonce);
		sg_tsa_result ts;
		SG_TRY(sg_timestamp_get(s->o.http, s->o.tsa_url, s->o.plain, sig, nonce,
			s->o.trustroot, arena, &out->timestamp, &ts, d));
		out->timestamp_time = ts.gen_time;
	}
	if (s->o.rekor_url == NULL) {
		s->stage = SG_SIGN_STAGE_NONE;
		return SG_OK;
	}

	/* 7. The log: "POST /api/v1/log/entries" (§6.1) or Rekor v2's "/api/v2/log/entries". */
	s->stage = SG_SIGN_STAGE_REKOR;
	if (s->o.rekor_v2) {
		sg_slice verifier = s->keyed ? s->key_spki : s->chain.der[0];
		SG_TRY(sg_rekor2_upload(s->o.http, s->o.rekor_url, s->o.plain, out->digest, sig,
			verifier, !s->keyed, arena, &out->entry.tle, d));
		out->entry.has_proof = out->entry.tle.proof.present;
	} else {
		sg_slice req;
		SG_TRY(v1_proposal(s, out, arena, &req, d));
		SG_TRY(sg_rekor_upload(s->o.http, s->o.rekor_url, s->o.plain, req, arena,
			&out->entry, &out->existed, d));
	}

	/* 8. Verify what the log answered before anyone uses it (§6.2, §6.4; §3.4). */
	s->stage = SG_SIGN_STAGE_TLOG;
	SG_TRY(check_entry(s, out, arena, d));
	out->logged = 1;
	if (!out->dsse && !s->o.rekor_v2)
		SG_TRY(annotation(out, arena, &out->annotation, d));
	s->stage = SG_SIGN_STAGE_NONE;
	return SG_OK;
}

/* Common entry checks of both sign calls. */
SG_MUST_USE static sg_err
ready(const sg_signer *s, sg_diag *d)
{
	if ((!s->have_cert && !s->keyed) || !s->have_key)
		return sg_diag_fail(d, SG_ERR_ARG, "signer has no certificate or key");
	if (s->o.tsa_url != NULL && s->o.rng == NULL)
		return sg_diag_fail(d, SG_ERR_ARG, "signer has a TSA but no randomness for nonces");
	/* Rekor v2 has no integrated time: a short-lived certificate (and a key) then needs a
	 * timestamp (cosign pkg/cosign/bundle/sign.go; docs/decisions.md for --key). */
	if (s->o.rekor_url != NULL && s->o.rekor_v2 && s->o.tsa_url == NULL)
		return sg_diag_failmsg(d, SG_ERR_ARG,
			"a timestamp authority must be provided to "
			"request a short-lived certificate that will be "
			"logged to Rekor");
	return SG_OK;
}

/* see sign.h */
sg_err
sg_signer_sign_digest(sg_signer *s, const uint8_t digest[SG_SHA256_LEN], sg_arena *arena,
	sg_sign_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	SG_TRY(ready(s, d));
	memcpy(out->digest, digest, SG_SHA256_LEN);
	sg_err e = sign_and_log(s, out, arena, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see sign.h */
sg_err
sg_signer_sign_dsse(sg_signer *s, sg_slice payload_type, sg_slice payload, sg_arena *arena,
	sg_sign_result *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	SG_TRY(ready(s, d));
	out->dsse = 1;
	out->payload_type = payload_type;
	out->payload = payload;
	/* cosign-v3.md §1.3: the signature is over PAE(type, payload); Rekor v2 logs its hash. */
	sg_dsse_pae_hash(SG_HASH_SHA256, payload_type, payload, out->digest);
	sg_err e = sign_and_log(s, out, arena, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- bundle v0.3 ---- */

/* see sign.h */
sg_err
sg_sign_bundle_json(const sg_signer *s, const sg_sign_result *r, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	if ((!s->have_cert && !s->keyed) || r->sig_len == 0)
		return sg_diag_fail(d, SG_ERR_ARG, "bundle: no verified signature");
	if (r->logged && !r->entry.has_proof)
		return sg_diag_fail(d, SG_ERR_VERIFY_TLOG_MISSING,
			"bundle: Rekor returned no inclusion proof, which a v0.3 bundle requires");
	uint8_t hint[SG_SHA256_LEN];
	sg_bundle_spec b;
	memset(&b, 0, sizeof b);
	if (s->keyed) {
		/* sigstore-go's keypair hint: base64(SHA-256(DER SPKI)) */
		sg_sha256(s->key_spki.p, s->key_spki.len, hint);
		b.key_hint = hint;
	} else {
		b.cert_der = s->chain.der[0];
	}
	b.tlog = &r->entry.tle;
	b.n_tlog = r->logged ? 1 : 0;
	b.timestamps = &r->timestamp;
	b.n_timestamps = r->timestamp.len > 0 ? 1 : 0;
	b.dsse = r->dsse;
	b.payload_type = r->payload_type;
	b.payload = r->payload;
	b.digest_alg = SG_HASH_SHA256;
	b.digest = r->digest;
	b.signature = sg_slice_make(r->sig, r->sig_len);
	return sg_bundle_write(&b, arena, out, d);
}

/* see sign.h */
void
sg_signer_end(sg_signer *s)
{
	sg_p256_key_wipe(&s->key);
	s->have_key = 0;
	s->o.token = sg_slice_make(NULL, 0);
}
