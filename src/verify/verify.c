/* verify: the offline verification flow. See verify.h.
 *
 * sg_verify_entity is a coordinator of eight named steps, numbered as in verify.h. Each step
 * opens with the text of the Sigstore client specification it implements, quoted from
 * https://github.com/sigstore/architecture-docs/blob/main/client-spec.md §4 ("Verification");
 * where picosign is stricter than the text, the comment says so. The order is sigstore-go's
 * (trust material, log evidence, times, certificate, policy, SCT, signature), with cosign's
 * messages where cosign has one (protocol.md §7.2, §7.4). Every comparison between the log
 * entry and the bundle is done: some cosign versions skipped them when a trusted root was
 * loaded (protocol.md §13.15); we never do. */
#include "verify/verify.h"

#include <string.h>

#include "base/timeutil.h"
#include "parse/codec.h"
#include "parse/pem.h"
#include "pki/tsa.h"
#include "sigstore/dsse.h"
#include "sigstore/intoto.h"
#include "sigstore/tlog.h"

/* Scratch for one decoded PEM verifier from a log entry body (a certificate or a key). */
#define VERIFIER_MAX SG_MAX_CERT


/* The artifact digest for `alg`, or NULL when the artifact was given only as sha256:<hex>. */
static const uint8_t *
artifact_digest(const sg_artifact *a, sg_hash_alg alg)
{
	switch (alg) {
	case SG_HASH_SHA256:
		return a->sha256;
	case SG_HASH_SHA384:
		return a->has_sha384 ? a->sha384 : NULL;
	case SG_HASH_SHA512:
		return a->has_sha512 ? a->sha512 : NULL;
	}
	return NULL;
}

static const char *
hash_name(sg_hash_alg alg)
{
	switch (alg) {
	case SG_HASH_SHA256:
		return "sha256";
	case SG_HASH_SHA384:
		return "sha384";
	case SG_HASH_SHA512:
		return "sha512";
	}
	return "unknown";
}

/* The hash a signing key implies (sigstore-go: P-256 → SHA-256, P-384 → SHA-384). */
static sg_hash_alg
key_hash(const sg_pubkey *k)
{
	return k->type == SG_KEY_EC && k->curve == SG_CURVE_P384 ? SG_HASH_SHA384 : SG_HASH_SHA256;
}

SG_MUST_USE static sg_err
hex_text(const uint8_t *p, size_t n, char *out, size_t cap)
{
	sg_buf b;
	sg_buf_init(&b, out, cap - 1);
	sg_err e = sg_hex_encode(p, n, &b);
	out[e == SG_OK ? b.len : 0] = '\0';
	return e;
}

/* ---- step 1: the bundle's shape ---- */

/* Client spec §5: "a client MUST use the Protocol Buffers Bundle format [...] Clients SHOULD
 * NOT accept other variants"; the bundle carries exactly one content (a message signature or a
 * DSSE envelope) and the material its version allows (sigstore-go bundle.validate). */
/* "Signers must not include root certificates" (protobuf-specs bundle comments); a bundle
 * that does could smuggle its own anchor, so it is rejected rather than skipped. */
SG_MUST_USE static sg_err
check_shape(const sg_entity *e, const sg_verify_opts *o, sg_diag *d)
{
	if (e->content != SG_CONTENT_MESSAGE_SIGNATURE && e->content != SG_CONTENT_DSSE)
		return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle",
			"neither messageSignature nor dsseEnvelope is present");
	if (o->key != NULL) {
		if (e->material == SG_MATERIAL_CERTIFICATE || e->material == SG_MATERIAL_CHAIN)
			return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle",
				"the bundle is signed with a certificate, but --key was given");
		return SG_OK;
	}
	if (e->material == SG_MATERIAL_PUBLIC_KEY)
		return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle",
			"the bundle is signed with a public key (publicKey material), but no --key was "
			"given");
	if (e->material == SG_MATERIAL_NONE || e->n_certs == 0)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_BUNDLE, "no certificate found on signature");
	if (e->media_minor >= 3 && e->material == SG_MATERIAL_CHAIN)
		return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle",
			"bundle v0.3 must carry a single certificate, not x509CertificateChain");
	return SG_OK;
}

/* ---- step 3: transparency log entries (one entry) ---- */

/* Compare a log entry's verifier with the bundle's certificate or key. */
SG_MUST_USE static sg_err
verifier_matches(const sg_tlog_sig *s, sg_slice leaf_der, sg_slice key_spki, sg_arena *arena,
	sg_diag *d)
{
	sg_slice want = leaf_der.len > 0 ? leaf_der : key_spki;
	sg_slice got = s->verifier;
	if (s->form == SG_TLOG_VERIFIER_PEM) {
		uint8_t *buf = sg_arena_alloc(arena, VERIFIER_MAX);
		if (buf == NULL)
			return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		sg_cur c;
		sg_cur_init(&c, s->verifier.p, s->verifier.len);
		sg_pem_block blk;
		size_t n = 0;
		sg_diag scratch;
		sg_diag_init(&scratch, NULL);
		if (sg_pem_next(&c, &blk, &scratch) != SG_OK ||
			sg_pem_decode(&blk, buf, VERIFIER_MAX, &n, &scratch) != SG_OK)
			return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
				"the entry's public key is not valid PEM");
		got = sg_slice_make(buf, n);
	}
	if (!sg_slice_eq(got, want))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the %s in the log entry differs from the bundle's",
			leaf_der.len > 0 ? "certificate" : "public key");
	return SG_OK;
}

/* Rekor v2 hashedrekord 0.0.2 over a DSSE envelope: the logged signature is the envelope's,
 * the verifier the bundle's, and the digest that of the envelope's PAE. */
SG_MUST_USE static sg_err
check_hashedrekord_dsse(const sg_tlog_body *b, const sg_entity *e, sg_slice leaf_der,
	sg_slice key_spki, sg_arena *arena, sg_diag *d)
{
	if (e->dsse.n_sigs != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_DSSE, "DSSE envelope",
			"exactly one signature is required, found %zu", e->dsse.n_sigs);
	if (b->n_sigs != 1 || !sg_slice_eq(b->sigs[0].sig, e->dsse.sigs[0].sig))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the envelope's signature is not the one in the log entry");
	SG_TRY(verifier_matches(&b->sigs[0], leaf_der, key_spki, arena, d));
	if (b->data_hash.alg == 0 || b->data_hash.len != sg_hash_len(b->data_hash.alg))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the entry records no digest");
	uint8_t h[SG_HASH_MAX_LEN];
	sg_dsse_pae_hash(b->data_hash.alg, e->dsse.payload_type, e->dsse.payload, h);
	if (!sg_ct_equal(h, b->data_hash.value, b->data_hash.len))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the logged digest is not that of the envelope's PAE");
	return SG_OK;
}

/* hashedrekord: "the hashedrekord spec.signature.content must equal the signature, the public
 * key content must decode to the certificate, data.hash must equal the artifact digest"
 * (protocol.md §7.2 step 2a). */
SG_MUST_USE static sg_err
check_hashedrekord(const sg_tlog_body *b, const sg_entity *e, const sg_artifact *a,
	sg_slice leaf_der, sg_slice key_spki, sg_arena *arena, sg_diag *d)
{
	if (e->content == SG_CONTENT_DSSE) {
		/* Rekor v2 logs a DSSE envelope as hashedrekord 0.0.2 over its PAE: the digest is
		 * SHA-256(PAE) and the signature the envelope's one signature. Rekor v1 has its own
		 * dsse/intoto kinds for that. */
		if (!b->rekor_v2)
			return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
				"a hashedrekord 0.0.1 entry cannot log a DSSE envelope");
		return check_hashedrekord_dsse(b, e, leaf_der, key_spki, arena, d);
	}
	if (b->n_sigs != 1 || !sg_slice_eq(b->sigs[0].sig, e->signature))
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_BODY,
			"error verifying bundle: signature in bundle does not match signature being "
			"verified");
	SG_TRY(verifier_matches(&b->sigs[0], leaf_der, key_spki, arena, d));
	const uint8_t *want = artifact_digest(a, b->data_hash.alg);
	if (want == NULL)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the entry logs a %s digest; give the artifact file, not a sha256 digest",
			hash_name(b->data_hash.alg));
	if (!sg_ct_equal(want, b->data_hash.value, b->data_hash.len)) {
		char logged[2 * SG_HASH_MAX_LEN + 1], have[2 * SG_HASH_MAX_LEN + 1];
		SG_TRY(hex_text(b->data_hash.value, b->data_hash.len, logged, sizeof logged));
		SG_TRY(hex_text(want, b->data_hash.len, have, sizeof have));
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_BODY,
			"error verifying bundle: matching bundle to payload: bundle=\"%s\", "
			"payload=\"%s\"", logged, have);
	}
	return SG_OK;
}

/* dsse 0.0.1 / intoto 0.0.2: the payload hash must be that of the envelope's payload, and the
 * envelope's one signature must be among the logged ones, with the bundle's verifier. */
SG_MUST_USE static sg_err
check_dsse_entry(const sg_tlog_body *b, const sg_entity *e, sg_slice leaf_der, sg_slice key_spki,
	sg_arena *arena, sg_diag *d)
{
	if (e->content != SG_CONTENT_DSSE)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"a %.*s entry logs a DSSE envelope, but the bundle has a message signature",
			(int)b->kind_str.len, (const char *)b->kind_str.p);
	if (b->payload_hash.alg != 0) {
		uint8_t h[SG_HASH_MAX_LEN];
		char have[2 * SG_HASH_MAX_LEN + 1], logged[2 * SG_HASH_MAX_LEN + 1];
		sg_hash(b->payload_hash.alg, e->dsse.payload.p, e->dsse.payload.len, h);
		if (!sg_ct_equal(h, b->payload_hash.value, b->payload_hash.len)) {
			/* sigstore-go's text (pkg/verify/tlog.go), its argument order included. */
			SG_TRY(hex_text(h, b->payload_hash.len, have, sizeof have));
			SG_TRY(hex_text(b->payload_hash.value, b->payload_hash.len, logged,
				sizeof logged));
			return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_BODY,
				"transparency log dsse/intoto entry payload hash %s does not match "
				"envelope payload hash %s", have, logged);
		}
	} else if (b->has_payload) {
		if (!sg_slice_eq(b->payload, e->dsse.payload))
			return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
				"the logged payload differs from the envelope's payload");
	} else {
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"the entry records no payload hash");
	}
	if (e->dsse.n_sigs != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_DSSE, "DSSE envelope",
			"exactly one signature is required, found %zu", e->dsse.n_sigs);
	for (size_t i = 0; i < b->n_sigs; i++) {
		if (!sg_slice_eq(b->sigs[i].sig, e->dsse.sigs[0].sig))
			continue;
		return verifier_matches(&b->sigs[i], leaf_der, key_spki, arena, d);
	}
	return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
		"the envelope's signature is not the one in the log entry");
}

/* One log entry: key, SET and/or inclusion proof, then body consistency. Sets *trusted_time
 * when the SET verified (the SET signs integratedTime; a proof alone does not vouch for it). */
SG_MUST_USE static sg_err
check_tlog_entry(const sg_tlog_entry *t, const sg_entity *e, const sg_artifact *a,
	const sg_verify_opts *o, sg_slice leaf_der, sg_slice key_spki, sg_arena *arena,
	int *trusted_time, sg_diag *d)
{
	*trusted_time = 0;
	if (t->log_index < 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "transparency log entry",
			"negative logIndex %lld", (long long)t->log_index);
	const sg_trust_log *log = sg_tlog_find_log(o->trustroot, t);
	if (log == NULL) {
		/* Tell "unknown key" from "key not valid then", as sigstore-go does. */
		const sg_trust_log *any = sg_trustroot_find_log(o->trustroot->tlogs,
			o->trustroot->n_tlogs, t->log_id, t->log_id_len, INT64_MIN);
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_KEY, "%s",
			any == NULL ? "error verifying bundle: rekor log public key not found for "
				      "payload"
				    : "error verifying bundle: rekor log public key not valid at "
				      "payload integrated time");
	}
	/* Bundle v0.1 (and the legacy annotation) must carry the inclusion promise; v0.2 and later
	 * must carry an inclusion proof (protocol.md §8.1 version rules). */
	if ((e->legacy || e->media_minor <= 1) && t->set.len == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "transparency log entry",
			"bundle v0.1 entries need an inclusion promise (signed entry timestamp)");
	if (!e->legacy && e->media_minor >= 2 && !t->proof.present)
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_MISSING, "transparency log entry",
			"bundle v0.%d entries need an inclusion proof", e->media_minor);
	if (t->set.len > 0) {
		SG_TRY(sg_tlog_verify_set(t, log, arena, d));
		*trusted_time = t->has_integrated_time;
	}
	if (t->proof.present)
		SG_TRY(sg_tlog_verify_proof(t, log, arena, d));

	sg_tlog_body body;
	SG_TRY(sg_tlog_body_parse(t->body.p, t->body.len, arena, &body, d));
	/* kindVersion, when the bundle states it, must be what the body says. */
	if (t->kind.len > 0 && !sg_slice_eq(t->kind, body.kind_str))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"kindVersion.kind %.*s differs from the body's kind %.*s", (int)t->kind.len,
			(const char *)t->kind.p, (int)body.kind_str.len, (const char *)body.kind_str.p);
	if (t->version.len > 0 && !sg_slice_eq(t->version, body.api_version))
		return sg_diag_failf(d, SG_ERR_VERIFY_TLOG_BODY, "transparency log entry",
			"kindVersion.version differs from the body's apiVersion");
	switch (body.kind) {
	case SG_TLOG_HASHEDREKORD:
		return check_hashedrekord(&body, e, a, leaf_der, key_spki, arena, d);
	case SG_TLOG_DSSE:
	case SG_TLOG_INTOTO:
		return check_dsse_entry(&body, e, leaf_der, key_spki, arena, d);
	case SG_TLOG_KIND_UNKNOWN:
		break;
	}
	return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "transparency log entry",
		"unsupported entry kind %.*s", (int)body.kind_str.len, (const char *)body.kind_str.p);
}

/* ---- step 5: the certificate at each trusted time (helpers) ---- */

SG_MUST_USE static sg_err
check_leaf_time(const sg_x509_cert *leaf, int64_t t, sg_diag *d)
{
	char a[32], b[32];
	if (t > leaf->not_after) {
		SG_TRY(sg_time_format_rfc3339(leaf->not_after, a, sizeof a));
		SG_TRY(sg_time_format_rfc3339(t, b, sizeof b));
		return sg_diag_failmsg(d, SG_ERR_VERIFY_EXPIRED,
			"checking expiry on certificate with bundle: certificate expired before "
			"signatures were entered in log: %s is before %s", a, b);
	}
	if (t < leaf->not_before) {
		/* cosign prints NotAfter here by a known quirk; NotBefore is the value at issue. */
		SG_TRY(sg_time_format_rfc3339(leaf->not_before, a, sizeof a));
		SG_TRY(sg_time_format_rfc3339(t, b, sizeof b));
		return sg_diag_failmsg(d, SG_ERR_VERIFY_EXPIRED,
			"checking expiry on certificate with bundle: certificate was issued after "
			"signatures were entered in log: %s is after %s", a, b);
	}
	return SG_OK;
}

static int
is_self_issued(sg_slice der)
{
	sg_x509_cert c;
	sg_diag scratch;
	sg_diag_init(&scratch, NULL);
	if (sg_x509_parse(der.p, der.len, &c, &scratch) != SG_OK)
		return 0; /* the chain check reports it */
	return sg_slice_eq(c.issuer, c.subject);
}

/* ---- step 6: the identity policy ---- */

/* Client spec §4.3: "The Verifier MUST then check the certificate against the verification
 * policy. [...] the Verifier SHOULD check the Issuer X.509 extension (OID
 * 1.3.6.1.4.1.57264.1.8) at a minimum, and will in most cases check the
 * SubjectAlternativeName as well." cosign's legacy image path reads 1.1 only (issuer_mode). */
SG_MUST_USE static sg_err
check_policy(const sg_verify_opts *o, sg_verified *out, sg_arena *arena, sg_diag *d)
{
	const sg_x509_san *sans[SG_VERIFY_MAX_SANS];
	size_t n = sg_x509_sans_cosign(&out->leaf, sans, SG_VERIFY_MAX_SANS);
	for (size_t i = 0; i < n; i++) {
		char *txt = sg_arena_alloc(arena, SG_POLICY_MAX_VALUE + 1);
		size_t len;
		if (txt == NULL)
			return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		SG_TRY(sg_x509_san_text(sans[i], txt, SG_POLICY_MAX_VALUE + 1, &len));
		out->sans[out->n_sans++] = sg_slice_make(txt, len);
	}
	sg_slice v1 = sg_x509_issuer_v1(&out->leaf), v2;
	int has_v2 = sg_x509_fulcio_ext(&out->leaf, SG_FULCIO_ISSUER_V2, &v2);
	out->issuer = (o->issuer_mode == SG_ISSUER_BUNDLE && has_v2) ? v2 : v1;
	/* cosign checks the pinned extensions first (validateCertExtensions). */
	SG_TRY(sg_policy_check_ext(o->policy, &out->leaf, d));
	if (!o->sigstore_go)
		return sg_policy_check(o->policy, out->sans, out->n_sans, out->issuer, d);
	/* sigstore-go's certificate.Summary: the first URI SAN, else the first email, else the
	 * username otherName (pkg/fulcio/certificate/summarize.go). */
	static const sg_x509_san_type order[] = {SG_SAN_URI, SG_SAN_EMAIL, SG_SAN_OTHERNAME};
	sg_slice san = {NULL, 0};
	for (size_t k = 0; k < 3 && san.p == NULL; k++)
		for (size_t i = 0; i < out->leaf.n_sans && san.p == NULL; i++)
			if (out->leaf.sans[i].type == order[k] &&
				(order[k] != SG_SAN_OTHERNAME ||
					out->leaf.sans[i].fulcio_username) &&
				out->leaf.sans[i].value.len > 0)
				san = out->leaf.sans[i].value;
	if (san.p == NULL)
		return sg_diag_failmsg(d, SG_ERR_POLICY_IDENTITY,
			"failed to summarize certificate: no Subject Alternative Name found");
	return sg_policy_check_summary(o->policy, san, out->issuer, d);
}

/* ---- step 8: the signature ---- */

/* Client spec §4.5: "The Verifier now constructs the payload to be signed from the artifact
 * and the additional payload metadata [...] Using DSSE as an envelope for the payload with a
 * known DSSE payload type. The Verifier MUST verify the provided signature for the constructed
 * payload against the key in the leaf of the certificate chain." */

SG_MUST_USE static sg_err
check_message_signature(const sg_entity *e, const sg_artifact *a, const sg_pubkey *key,
	sg_diag *d)
{
	/* messageDigest is informational, but when present it must be the artifact's digest:
	 * a mismatch means the bundle was made for another artifact. */
	sg_hash_alg alg = e->has_digest ? e->digest_alg : key_hash(key);
	const uint8_t *digest = artifact_digest(a, alg);
	if (digest == NULL)
		return sg_diag_failf(d, SG_ERR_VERIFY_DIGEST, "artifact",
			"the signature is over a %s digest; give the artifact file, not a sha256 digest",
			hash_name(alg));
	if (e->has_digest && (e->digest_len != sg_hash_len(alg) ||
				     !sg_ct_equal(digest, e->digest, e->digest_len)))
		return sg_diag_failf(d, SG_ERR_VERIFY_DIGEST, "artifact",
			"the bundle's messageDigest is not the artifact's %s digest", hash_name(alg));
	sg_err err = sg_pubkey_verify_digest(key, alg, digest, sg_hash_len(alg), e->signature.p,
		e->signature.len, "message signature", NULL);
	if (err == SG_ERR_UNSUPPORTED)
		return sg_diag_failmsg(d, err, "unsupported: Ed25519 signatures (BearSSL has no "
					       "Ed25519)");
	if (err != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_SIGNATURE,
			"invalid signature when validating ASN.1 encoded signature");
	return SG_OK;
}

SG_MUST_USE static sg_err
check_dsse_signature(const sg_entity *e, const sg_artifact *a, const sg_pubkey *key,
	sg_arena *arena, sg_diag *d)
{
	const sg_dsse_envelope *env = &e->dsse;
	if (env->n_sigs != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_DSSE, "DSSE envelope",
			"exactly one signature is required, found %zu", env->n_sigs);
	size_t pae_len = sg_dsse_pae_len(env->payload_type.len, env->payload.len);
	uint8_t *mem = sg_arena_alloc(arena, pae_len);
	if (mem == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	sg_buf pae;
	sg_buf_init(&pae, mem, pae_len);
	SG_TRY(sg_dsse_pae(env->payload_type, env->payload, &pae));
	sg_err err = sg_pubkey_verify_message(key, key_hash(key), pae.p, pae.len, env->sigs[0].sig.p,
		env->sigs[0].sig.len, "DSSE signature", NULL);
	if (err == SG_ERR_UNSUPPORTED)
		return sg_diag_failmsg(d, err, "unsupported: Ed25519 signatures (BearSSL has no "
					       "Ed25519)");
	/* sigstore-go's text (pkg/verify/signature.go, go-securesystemslib's dsse verifier). */
	if (err != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_SIGNATURE, "could not verify envelope: "
			"accepted signatures do not match threshold, Found: 0, Expected 1");
	/* The artifact must be one of the statement's subjects. */
	if (!sg_slice_eq_str(env->payload_type, SG_DSSE_PAYLOAD_TYPE_INTOTO))
		return sg_diag_failf(d, SG_ERR_VERIFY_PAYLOAD, "DSSE envelope",
			"payload type %.*s is not in-toto, so the artifact cannot be matched",
			(int)(env->payload_type.len > 100 ? 100 : env->payload_type.len),
			(const char *)env->payload_type.p);
	sg_intoto_statement st;
	SG_TRY(sg_intoto_parse(env->payload.p, env->payload.len, arena, &st, d));
	if (!sg_intoto_has_digest(&st, SG_HASH_SHA256, a->sha256, SG_SHA256_LEN))
		return sg_diag_failmsg(d, SG_ERR_VERIFY_DIGEST,
			"provided artifact digest does not match any digest in statement");
	return SG_OK;
}

/* ---- step 2: the signing certificate or key ---- */

/* Parse the leaf, and refuse a chain that carries its own root. Client spec §4.6: "The
 * Verifier SHOULD require that intermediate certificates are distributed out-of-band as well.
 * In this case, the Verifier MUST remove certificates from the certificate chain that are not
 * also found in the out-of-band list of intermediate certificates." picosign is stricter than
 * removing: a bundle root is refused, and sg_chain_verify requires every intermediate to be a
 * byte copy of the trusted chain ("Signers must not include root certificates", protobuf-specs
 * bundle comments; a root in the bundle could smuggle its own anchor). */
SG_MUST_USE static sg_err
load_leaf(const sg_entity *e, sg_verified *out, sg_diag *d)
{
	SG_TRY(sg_x509_parse(e->certs[0].p, e->certs[0].len, &out->leaf, d));
	out->keyless = 1;
	for (size_t i = 1; i < e->n_certs; i++)
		if (is_self_issued(e->certs[i]))
			return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, "bundle",
				"the certificate chain includes a root certificate (#%zu); "
				"trust anchors must come from the trusted root", i + 1);
	return SG_OK;
}

/* ---- step 3: transparency log entries (the flow) ---- */

/* Client spec §4.2.2: "the Verifier MUST verify the signature on the Transparency Service
 * LogEntry [...] against the pre-distributed root key material from the transparency service.
 * [...] The Verifier MUST then parse the integratedTime as a Unix timestamp"; §4.4: "The
 * Verifier MUST parse body [...] Then, the Verifier MUST check [...] 1. The signature from the
 * parsed body is the same as the provided signature. 2. The key or certificate from the parsed
 * body is the same as in the input certificate. 3. The "subject" of the parsed body matches the
 * artifact." picosign requires at least one entry and verifies every entry (sigstore-go counts
 * entries against a threshold); a verified SET vouches for its integratedTime. */
SG_MUST_USE static sg_err
verify_tlog_entries(const sg_entity *e, const sg_artifact *a, const sg_verify_opts *o,
	sg_slice leaf_der, sg_slice key_spki, sg_arena *arena, int64_t *times, size_t *n_times,
	sg_verified *out, sg_diag *d)
{
	if (e->n_tlog == 0)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_MISSING,
			"offline verification failed: the bundle has no transparency log entry");
	for (size_t i = 0; i < e->n_tlog; i++) {
		int trusted = 0;
		SG_TRY(check_tlog_entry(&e->tlog[i], e, a, o, leaf_der, key_spki, arena, &trusted,
			d));
		if (trusted) {
			if (*n_times == 0)
				out->log_index = e->tlog[i].log_index;
			times[(*n_times)++] = e->tlog[i].integrated_time;
		}
		out->tlog_entries++;
	}
	out->has_tlog = 1;
	return SG_OK;
}

/* ---- step 4: RFC 3161 timestamps ---- */

/* Client spec §4.2.1: "the Verifier MUST verify the timestamping response using the
 * Timestamping Service root key material [...] with the raw bytes of the signature as the
 * timestamped data. The Verifier MUST then extract a timestamp from the timestamping response.
 * If verification or timestamp parsing fails, the Verifier MUST abort." Every timestamp must
 * verify: a bad one fails the bundle rather than being skipped (sigstore-go skips it and
 * counts the rest). For DSSE the signed bytes are the envelope's signature. */
SG_MUST_USE static sg_err
verify_timestamps(const sg_entity *e, const sg_verify_opts *o, int64_t *times, size_t *n_times,
	sg_diag *d)
{
	sg_slice signed_sig = e->content == SG_CONTENT_DSSE && e->dsse.n_sigs > 0
				      ? e->dsse.sigs[0].sig
				      : e->signature;
	for (size_t i = 0; i < e->n_timestamps; i++) {
		sg_tsa_result ts;
		SG_TRY(sg_tsa_verify(e->timestamps[i].p, e->timestamps[i].len, signed_sig.p,
			signed_sig.len, o->trustroot, &ts, d));
		times[(*n_times)++] = ts.gen_time;
	}
	return SG_OK;
}

/* ---- step 5: the certificate at each trusted time (the flow) ---- */

/* Client spec §4.3: "it must have a timestamp while every certificate in the chain up to the
 * root is valid [...] The Verifier MUST perform certification path validation (RFC 5280 §6)
 * of the certificate chain with the pre-distributed Fulcio root certificate(s) as a trust
 * anchor, but with a fake "current time." [...] If both are available, the Verifier performs
 * path validation twice. If either fails, verification fails." cosign's expiry message comes
 * first. With o->expiry_last, a leaf outside its window at time t is recorded in `expiry` and
 * the chain is checked at the leaf's notBefore instead, so the later steps still run and the
 * caller can report the failure cosign would report first. */
SG_MUST_USE static sg_err
check_certificate(const sg_entity *e, const sg_verify_opts *o, const int64_t *times,
	size_t n_times, sg_verified *out, sg_diag *expiry, sg_diag *d)
{
	for (size_t i = 0; i < n_times; i++) {
		int64_t t = times[i];
		sg_err te = check_leaf_time(&out->leaf, t, o->expiry_last ? expiry : d);
		if (te != SG_OK) {
			if (!o->expiry_last)
				return te;
			t = out->leaf.not_before;
		}
		SG_TRY(sg_chain_verify(&out->leaf, e->n_certs > 1 ? &e->certs[1] : NULL,
			e->n_certs > 1 ? e->n_certs - 1 : 0, o->trustroot, t, &out->chain, d));
	}
	return SG_OK;
}

/* ---- step 7: the embedded SCT ---- */

/* Client spec §4.3: "the Verifier MUST extract the SignedCertificateTimestamp embedded in the
 * leaf certificate, and verify it as in RFC 6962 §3.2, using the verification key from the
 * Certificate Transparency Log." (cosign runs the identity policy before it, step 6.) */
SG_MUST_USE static sg_err
check_sct(const sg_verify_opts *o, sg_verified *out, sg_diag *d)
{
	return sg_sct_verify_embedded(&out->leaf, out->chain.issuer_spki, o->trustroot->ctlogs,
		o->trustroot->n_ctlogs, o->insecure_ignore_sct ? SG_SCT_INSECURE_IGNORE : 0u,
		&out->sct, d);
}

/* ---- the coordinator ---- */

/* see verify.h */
sg_err
sg_verify_entity(const sg_entity *e, const sg_artifact *a, const sg_verify_opts *o,
	sg_arena *arena, sg_verified *out, sg_diag *d)
{
	sg_err err;
	int step = 0;
	int64_t times[SG_MAX_TLOG_ENTRIES + SG_MAX_TIMESTAMPS];
	size_t n_times = 0;
	sg_diag expiry;
	sg_diag_init(&expiry, d != NULL ? d->source : NULL);
	memset(out, 0, sizeof *out);
	if (o->trustroot == NULL || (o->policy == NULL) == (o->key == NULL)) {
		err = sg_diag_fail(d, SG_ERR_ARG, "verify options");
		goto fail;
	}
	/* 1. The bundle's shape. */
	step = 1;
	if ((err = check_shape(e, o, d)) != SG_OK)
		goto fail;
	/* 2. The signing certificate (keyless) or the given key. */
	step = 2;
	sg_slice leaf_der = {NULL, 0}, key_spki = {NULL, 0};
	if (o->key == NULL) {
		leaf_der = e->certs[0];
		if ((err = load_leaf(e, out, d)) != SG_OK)
			goto fail;
	} else {
		key_spki = o->key->spki;
	}
	/* 3. Transparency log entries (their SETs give trusted times). */
	step = 3;
	if (!o->insecure_ignore_tlog) {
		err = verify_tlog_entries(e, a, o, leaf_der, key_spki, arena, times, &n_times, out,
			d);
		if (err != SG_OK)
			goto fail;
	}
	/* 4. RFC 3161 timestamps (more trusted times). At least one trusted time is needed. */
	step = 4;
	if ((err = verify_timestamps(e, o, times, &n_times, d)) != SG_OK)
		goto fail;
	if (n_times == 0) {
		if (!o->insecure_ignore_tlog) {
			err = sg_diag_failmsg(d, SG_ERR_VERIFY_TIMESTAMP,
				"no trusted signing time: no log entry has a signed entry timestamp "
				"and the bundle has no RFC 3161 timestamp");
			goto fail;
		}
		times[n_times++] = o->now; /* --insecure-ignore-tlog: only the clock is left */
	}
	out->signing_time = times[0];
	const sg_pubkey *signer = o->key;
	if (o->key == NULL) {
		/* 5. The certificate at each trusted time. */
		step = 5;
		if ((err = check_certificate(e, o, times, n_times, out, &expiry, d)) != SG_OK)
			goto fail;
		/* 6. The identity policy (after the signature for sigstore-go's order). */
		step = 6;
		if (!o->sigstore_go && (err = check_policy(o, out, arena, d)) != SG_OK)
			goto fail;
		/* 7. The embedded SCT. */
		step = 7;
		if ((err = check_sct(o, out, d)) != SG_OK)
			goto fail;
		signer = &out->leaf.key;
	}
	/* 8. The signature. */
	step = 8;
	if (e->content == SG_CONTENT_MESSAGE_SIGNATURE)
		err = check_message_signature(e, a, signer, d);
	else
		err = check_dsse_signature(e, a, signer, arena, d);
	if (err != SG_OK)
		goto fail;
	step = 6;
	if (o->key == NULL && o->sigstore_go && (err = check_policy(o, out, arena, d)) != SG_OK)
		goto fail;
	if (expiry.code != SG_OK) {
		/* Everything but the certificate's window passed (o->expiry_last). */
		if (d != NULL && d->code == SG_OK)
			*d = expiry;
		err = expiry.code;
		memset(out, 0, sizeof *out);
		out->expired_only = 1;
		out->failed_step = 5;
		return err;
	}
	return SG_OK;
fail:
	memset(out, 0, sizeof *out);
	out->failed_step = step;
	return err;
}
