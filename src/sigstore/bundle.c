/* bundle: Sigstore bundle and legacy annotation reader. See bundle.h.
 *
 * Implementation notes.
 *   - Schema: protobuf-specs sigstore_bundle.proto (Bundle, VerificationMaterial,
 *     TimestampVerificationData), sigstore_rekor.proto (TransparencyLogEntry, KindVersion,
 *     InclusionPromise, InclusionProof, Checkpoint), sigstore_common.proto (MessageSignature,
 *     HashOutput, X509CertificateChain, PublicKeyIdentifier, LogId), envelope.proto (DSSE), in
 *     proto3 JSON (protocol.md §8.1): int64 as decimal strings (numbers accepted), bytes as
 *     base64 in either alphabet, enums by name.
 *   - Version rules follow sigstore-go pkg/bundle/bundle.go (validate): see bundle.h.
 *   - Legacy: cosign pkg/cosign/bundle/rekor.go (RekorBundle / RekorPayload), protocol.md §6.3;
 *     the field correspondence with bundles is protocol.md §8.5.
 *   - An integratedTime of 0 (Rekor v2) or none means "no trusted time from the log". */
#include "sigstore/bundle.h"

#include <stdio.h>
#include <string.h>

#include "parse/codec.h"
#include "parse/json.h"

/* Media type → minor version, 0 when unknown. */
static int
media_minor(sg_slice mt)
{
	static const struct {
		const char *s;
		int minor;
	} types[] = {
		{"application/vnd.dev.sigstore.bundle+json;version=0.1", 1},
		{"application/vnd.dev.sigstore.bundle+json;version=0.2", 2},
		{"application/vnd.dev.sigstore.bundle+json;version=0.3", 3},
		{"application/vnd.dev.sigstore.bundle.v0.1+json", 1},
		{"application/vnd.dev.sigstore.bundle.v0.2+json", 2},
		{SG_BUNDLE_MEDIA_TYPE_V03, 3},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (sg_slice_eq_str(mt, types[i].s))
			return types[i].minor;
	return 0;
}

/* A member that is present and not null (proto3 JSON: null means unset). */
static size_t
member(const sg_json *j, size_t obj, const char *key)
{
	size_t t = sg_json_get(j, obj, key);
	return sg_json_type(j, t) == VFJ_NULL ? SG_JSON_NONE : t;
}

SG_MUST_USE static sg_err
fail_bundle_at(const sg_json *j, size_t t, sg_diag *d, const char *what, const char *why)
{
	int first = d != NULL && d->code == SG_OK;
	sg_err e = sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, what, "%s", why);
	if (first && t != SG_JSON_NONE) {
		d->offset = sg_json_offset(j, t);
		d->has_offset = 1;
	}
	return e;
}

/* A required bytes member holding exactly `want` bytes, copied into out. */
SG_MUST_USE static sg_err
get_fixed(const sg_json *j, size_t obj, const char *key, const char *what, size_t want,
	sg_arena *arena, uint8_t *out, sg_diag *d)
{
	sg_slice s;
	SG_TRY(sg_json_get_b64(j, obj, key, SG_JSON_REQUIRED, what, arena, &s, NULL, d));
	if (s.len != want)
		return fail_bundle_at(j, sg_json_get(j, obj, key), d, what, "wrong length");
	memcpy(out, s.p, want);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_proof(const sg_json *j, size_t obj, sg_arena *arena, sg_tlog_proof *pr, sg_diag *d)
{
	static const char w_idx[] = "bundle tlogEntries[].inclusionProof.logIndex";
	static const char w_size[] = "bundle tlogEntries[].inclusionProof.treeSize";
	static const char w_hashes[] = "bundle tlogEntries[].inclusionProof.hashes";
	pr->present = 1;
	/* proto3 JSON leaves out fields at their default: an entry at index 0 has no logIndex
	 * (sigstore-js writes none), and protojson reads that as 0, as sigstore-go does. */
	SG_TRY(sg_json_get_int64(
		j, obj, "logIndex", SG_JSON_OPTIONAL, w_idx, &pr->log_index, NULL, d));
	if (pr->log_index < 0)
		return fail_bundle_at(j, sg_json_get(j, obj, "logIndex"), d, w_idx, "negative");
	SG_TRY(sg_json_get_int64(
		j, obj, "treeSize", SG_JSON_REQUIRED, w_size, &pr->tree_size, NULL, d));
	if (pr->tree_size < 0)
		return fail_bundle_at(j, sg_json_get(j, obj, "treeSize"), d, w_size, "negative");
	SG_TRY(get_fixed(j, obj, "rootHash", "bundle tlogEntries[].inclusionProof.rootHash",
		SG_TLOG_HASH_LEN, arena, pr->root_hash, d));
	size_t arr, n;
	SG_TRY(sg_json_get_arr(j, obj, "hashes", SG_JSON_OPTIONAL, w_hashes, &arr, &n, d));
	if (n > SG_MAX_PROOF_HASHES)
		return sg_diag_failf(d, SG_ERR_LIMIT, w_hashes, "%zu hashes, at most %u", n,
			SG_MAX_PROOF_HASHES);
	if (n > 0) {
		void *mem;
		SG_TRY(sg_arena_get(arena, n * SG_TLOG_HASH_LEN, &mem, d));
		uint8_t *h = mem;
		for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
			sg_slice s;
			SG_TRY(sg_json_b64(j, t, w_hashes, arena, &s, d));
			if (s.len != SG_TLOG_HASH_LEN)
				return fail_bundle_at(j, t, d, w_hashes, "hash is not 32 bytes");
			memcpy(h + pr->n_hashes * SG_TLOG_HASH_LEN, s.p, SG_TLOG_HASH_LEN);
			pr->n_hashes++;
		}
		pr->hashes = h;
	}
	/* The checkpoint is required by the spec, but v0.1/v0.2 producers omitted it; its
	 * absence is reported by sg_tlog_verify_proof, so a v0.1 bundle can still rely on its
	 * SET. */
	size_t cp;
	SG_TRY(sg_json_get_obj(j, obj, "checkpoint", SG_JSON_OPTIONAL,
		"bundle tlogEntries[].inclusionProof.checkpoint", &cp, d));
	if (cp == SG_JSON_NONE)
		return SG_OK;
	SG_TRY(sg_json_get_str(j, cp, "envelope", SG_JSON_REQUIRED,
		"bundle tlogEntries[].inclusionProof.checkpoint.envelope", arena, &pr->checkpoint,
		NULL, d));
	if (pr->checkpoint.len == 0)
		return fail_bundle_at(j, sg_json_get(j, cp, "envelope"), d,
			"bundle tlogEntries[].inclusionProof.checkpoint.envelope", "empty");
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_entry(const sg_json *j, size_t obj, int minor, sg_arena *arena, sg_tlog_entry *e, sg_diag *d)
{
	static const char w_idx[] = "bundle tlogEntries[].logIndex";
	static const char w_time[] = "bundle tlogEntries[].integratedTime";
	static const char w_keyid[] = "bundle tlogEntries[].logId.keyId";
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, "bundle tlogEntries[]", d));
	/* Optional for the same proto3 reason as inclusionProof.logIndex: 0 is left out. */
	SG_TRY(sg_json_get_int64(
		j, obj, "logIndex", SG_JSON_OPTIONAL, w_idx, &e->log_index, NULL, d));
	if (e->log_index < 0)
		return fail_bundle_at(j, sg_json_get(j, obj, "logIndex"), d, w_idx, "negative");

	size_t lid, kv, t;
	SG_TRY(sg_json_get_obj(
		j, obj, "logId", SG_JSON_REQUIRED, "bundle tlogEntries[].logId", &lid, d));
	sg_slice id;
	SG_TRY(sg_json_get_b64(j, lid, "keyId", SG_JSON_REQUIRED, w_keyid, arena, &id, NULL, d));
	if (id.len == 0 || id.len > SG_MAX_KEY_ID)
		return fail_bundle_at(j, sg_json_get(j, lid, "keyId"), d, w_keyid, "bad length");
	memcpy(e->log_id, id.p, id.len);
	e->log_id_len = id.len;

	SG_TRY(sg_json_get_obj(j, obj, "kindVersion", SG_JSON_REQUIRED,
		"bundle tlogEntries[].kindVersion", &kv, d));
	SG_TRY(sg_json_get_str(j, kv, "kind", SG_JSON_REQUIRED,
		"bundle tlogEntries[].kindVersion.kind", arena, &e->kind, NULL, d));
	SG_TRY(sg_json_get_str(j, kv, "version", SG_JSON_REQUIRED,
		"bundle tlogEntries[].kindVersion.version", arena, &e->version, NULL, d));
	e->rekor_v2 =
		sg_slice_eq_str(e->kind, "hashedrekord") && sg_slice_eq_str(e->version, "0.0.2");

	SG_TRY(sg_json_get_int64(
		j, obj, "integratedTime", SG_JSON_OPTIONAL, w_time, &e->integrated_time, NULL, d));
	if (e->integrated_time < 0)
		return fail_bundle_at(
			j, sg_json_get(j, obj, "integratedTime"), d, w_time, "negative");
	e->has_integrated_time = e->integrated_time > 0;

	SG_TRY(sg_json_get_obj(j, obj, "inclusionPromise", SG_JSON_OPTIONAL,
		"bundle tlogEntries[].inclusionPromise", &t, d));
	if (t != SG_JSON_NONE) {
		SG_TRY(sg_json_get_b64(j, t, "signedEntryTimestamp", SG_JSON_REQUIRED,
			"bundle tlogEntries[].inclusionPromise.signedEntryTimestamp", arena,
			&e->set, NULL, d));
		if (e->set.len == 0)
			return fail_bundle_at(j, t, d,
				"bundle tlogEntries[].inclusionPromise.signedEntryTimestamp",
				"empty");
	} else if (minor == 1) {
		return fail_bundle_at(j, obj, d, "bundle tlogEntries[].inclusionPromise",
			"a v0.1 bundle needs an inclusion promise");
	}

	SG_TRY(sg_json_get_obj(j, obj, "inclusionProof", SG_JSON_OPTIONAL,
		"bundle tlogEntries[].inclusionProof", &t, d));
	if (t != SG_JSON_NONE)
		SG_TRY(parse_proof(j, t, arena, &e->proof, d));
	else if (minor >= 2)
		return fail_bundle_at(j, obj, d, "bundle tlogEntries[].inclusionProof",
			"a v0.2+ bundle needs an inclusion proof");

	SG_TRY(sg_json_get_b64(j, obj, "canonicalizedBody", SG_JSON_REQUIRED,
		"bundle tlogEntries[].canonicalizedBody", arena, &e->body, NULL, d));
	if (e->body.len == 0)
		return fail_bundle_at(j, sg_json_get(j, obj, "canonicalizedBody"), d,
			"bundle tlogEntries[].canonicalizedBody", "empty");
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_cert(
	const sg_json *j, size_t obj, const char *what, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, what, d));
	SG_TRY(sg_json_get_b64(j, obj, "rawBytes", SG_JSON_REQUIRED, what, arena, out, NULL, d));
	if (out->len == 0)
		return fail_bundle_at(j, obj, d, what, "empty certificate");
	if (out->len > SG_MAX_CERT)
		return sg_diag_failf(d, SG_ERR_LIMIT, what, "certificate of %zu bytes", out->len);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_material(const sg_json *j, size_t vm, int minor, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	static const char w_vm[] = "bundle verificationMaterial";
	size_t cert = member(j, vm, "certificate");
	size_t chain = member(j, vm, "x509CertificateChain");
	size_t pk = member(j, vm, "publicKey");
	int n = (cert != SG_JSON_NONE) + (chain != SG_JSON_NONE) + (pk != SG_JSON_NONE);
	if (n != 1)
		return fail_bundle_at(j, vm, d, w_vm,
			"needs exactly one of certificate, x509CertificateChain, publicKey");
	if (cert != SG_JSON_NONE) {
		out->material = SG_MATERIAL_CERTIFICATE;
		SG_TRY(parse_cert(j, cert, "bundle verificationMaterial.certificate.rawBytes",
			arena, &out->certs[0], d));
		out->n_certs = 1;
	} else if (chain != SG_JSON_NONE) {
		static const char w[] =
			"bundle verificationMaterial.x509CertificateChain.certificates";
		if (minor >= 3)
			return fail_bundle_at(j, chain, d, "bundle verificationMaterial",
				"x509CertificateChain is not allowed in a v0.3 bundle");
		out->material = SG_MATERIAL_CHAIN;
		SG_TRY(sg_json_expect(j, chain, VFJ_OBJECT,
			"bundle verificationMaterial.x509CertificateChain", d));
		size_t arr, cnt;
		SG_TRY(sg_json_get_arr(
			j, chain, "certificates", SG_JSON_REQUIRED, w, &arr, &cnt, d));
		if (cnt == 0)
			return fail_bundle_at(j, arr, d, w, "empty certificate chain");
		if (cnt > SG_MAX_CHAIN)
			return sg_diag_failf(d, SG_ERR_LIMIT, w, "%zu certificates, at most %u",
				cnt, SG_MAX_CHAIN);
		for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t))
			SG_TRY(parse_cert(j, t,
				"bundle "
				"verificationMaterial.x509CertificateChain.certificates[].rawBytes",
				arena, &out->certs[out->n_certs++], d));
	} else {
		out->material = SG_MATERIAL_PUBLIC_KEY;
		SG_TRY(sg_json_expect(
			j, pk, VFJ_OBJECT, "bundle verificationMaterial.publicKey", d));
		SG_TRY(sg_json_get_str(j, pk, "hint", SG_JSON_OPTIONAL,
			"bundle verificationMaterial.publicKey.hint", arena, &out->key_hint, NULL,
			d));
	}

	size_t arr, cnt;
	SG_TRY(sg_json_get_arr(j, vm, "tlogEntries", SG_JSON_OPTIONAL,
		"bundle verificationMaterial.tlogEntries", &arr, &cnt, d));
	if (cnt > SG_MAX_TLOG_ENTRIES)
		return sg_diag_failf(d, SG_ERR_LIMIT, "bundle verificationMaterial.tlogEntries",
			"%zu entries, at most %u", cnt, SG_MAX_TLOG_ENTRIES);
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t))
		SG_TRY(parse_entry(j, t, minor, arena, &out->tlog[out->n_tlog++], d));

	size_t tvd;
	SG_TRY(sg_json_get_obj(j, vm, "timestampVerificationData", SG_JSON_OPTIONAL,
		"bundle verificationMaterial.timestampVerificationData", &tvd, d));
	if (tvd != SG_JSON_NONE) {
		static const char w[] = "bundle timestampVerificationData.rfc3161Timestamps";
		SG_TRY(sg_json_get_arr(
			j, tvd, "rfc3161Timestamps", SG_JSON_OPTIONAL, w, &arr, &cnt, d));
		if (cnt > SG_MAX_TIMESTAMPS)
			return sg_diag_failf(d, SG_ERR_LIMIT, w, "%zu timestamps, at most %u", cnt,
				SG_MAX_TIMESTAMPS);
		for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
			sg_slice *ts = &out->timestamps[out->n_timestamps++];
			SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, w, d));
			SG_TRY(sg_json_get_b64(j, t, "signedTimestamp", SG_JSON_REQUIRED,
				"bundle "
				"timestampVerificationData.rfc3161Timestamps[].signedTimestamp",
				arena, ts, NULL, d));
			if (ts->len == 0)
				return fail_bundle_at(j, t, d, w, "empty timestamp");
		}
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_message_signature(const sg_json *j, size_t ms, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	static const char w_sig[] = "bundle messageSignature.signature";
	static const char w_dig[] = "bundle messageSignature.messageDigest";
	SG_TRY(sg_json_expect(j, ms, VFJ_OBJECT, "bundle messageSignature", d));
	out->content = SG_CONTENT_MESSAGE_SIGNATURE;
	SG_TRY(sg_json_get_b64(
		j, ms, "signature", SG_JSON_REQUIRED, w_sig, arena, &out->signature, NULL, d));
	if (out->signature.len == 0)
		return fail_bundle_at(j, sg_json_get(j, ms, "signature"), d, w_sig, "empty");
	size_t md;
	SG_TRY(sg_json_get_obj(j, ms, "messageDigest", SG_JSON_OPTIONAL, w_dig, &md, d));
	if (md == SG_JSON_NONE)
		return SG_OK;
	sg_slice alg, dig;
	SG_TRY(sg_json_get_str(j, md, "algorithm", SG_JSON_REQUIRED,
		"bundle messageSignature.messageDigest.algorithm", arena, &alg, NULL, d));
	if (sg_slice_eq_str(alg, "SHA2_256"))
		out->digest_alg = SG_HASH_SHA256;
	else if (sg_slice_eq_str(alg, "SHA2_384"))
		out->digest_alg = SG_HASH_SHA384;
	else if (sg_slice_eq_str(alg, "SHA2_512"))
		out->digest_alg = SG_HASH_SHA512;
	else
		return fail_bundle_at(j, sg_json_get(j, md, "algorithm"), d,
			"bundle messageSignature.messageDigest.algorithm",
			"unsupported hash algorithm");
	SG_TRY(sg_json_get_b64(j, md, "digest", SG_JSON_REQUIRED,
		"bundle messageSignature.messageDigest.digest", arena, &dig, NULL, d));
	if (dig.len != sg_hash_len(out->digest_alg))
		return fail_bundle_at(j, sg_json_get(j, md, "digest"), d,
			"bundle messageSignature.messageDigest.digest",
			"wrong length for the algorithm");
	memcpy(out->digest, dig.p, dig.len);
	out->digest_len = dig.len;
	out->has_digest = 1;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_bundle(const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "bundle", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "bundle", d));
	sg_slice mt;
	SG_TRY(sg_json_get_str(
		&j, root, "mediaType", SG_JSON_REQUIRED, "bundle mediaType", arena, &mt, NULL, d));
	out->media_minor = media_minor(mt);
	if (out->media_minor == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_BUNDLE, "bundle mediaType",
			"unsupported bundle media type \"%.*s\"",
			(int)(mt.len > 100 ? 100 : mt.len), (const char *)mt.p);
	size_t vm;
	SG_TRY(sg_json_get_obj(&j, root, "verificationMaterial", SG_JSON_REQUIRED,
		"bundle verificationMaterial", &vm, d));
	SG_TRY(parse_material(&j, vm, out->media_minor, arena, out, d));

	size_t ms = member(&j, root, "messageSignature");
	size_t env = member(&j, root, "dsseEnvelope");
	if ((ms != SG_JSON_NONE) == (env != SG_JSON_NONE))
		return fail_bundle_at(&j, root, d, "bundle",
			"needs exactly one of messageSignature and dsseEnvelope");
	if (ms != SG_JSON_NONE)
		return parse_message_signature(&j, ms, arena, out, d);
	out->content = SG_CONTENT_DSSE;
	SG_TRY(sg_dsse_parse_json(&j, env, arena, &out->dsse, d));
	if (out->dsse.n_sigs != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_DSSE, "bundle dsseEnvelope.signatures",
			"a bundle's envelope has exactly one signature, not %zu", out->dsse.n_sigs);
	return SG_OK;
}

/* see bundle.h */
sg_err
sg_bundle_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_bundle(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see bundle.h */
sg_err
sg_bundle_parse_tlog_entry(
	const uint8_t *json, size_t len, sg_arena *arena, sg_tlog_entry *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_json j;
	sg_err e = sg_json_parse(json, len, arena, "transparency log entry", &j, d);
	if (e == SG_OK)
		e = parse_entry(&j, sg_json_root(&j), 3, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* ---- writing ---- */

/* proto3 JSON writes int64 as a decimal string. */
static void
w_int64_str(vfj_writer *w, int64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof s, "%lld", (long long)v);
	vfj_w_str(w, s, n > 0 ? (size_t)n : 0);
}

SG_MUST_USE static sg_err
w_entry(vfj_writer *w, const sg_tlog_entry *t, sg_arena *arena, sg_diag *d)
{
	const sg_tlog_proof *p = &t->proof;
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("logIndex"));
	w_int64_str(w, t->log_index);
	vfj_w_key(w, VFJ_LIT("logId"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("keyId"));
	SG_TRY(sg_json_w_b64(w, t->log_id, t->log_id_len, arena, d));
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("kindVersion"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("kind"));
	vfj_w_str(w, t->kind.p, t->kind.len);
	vfj_w_key(w, VFJ_LIT("version"));
	vfj_w_str(w, t->version.p, t->version.len);
	vfj_w_obj_end(w);
	if (t->has_integrated_time) {
		vfj_w_key(w, VFJ_LIT("integratedTime"));
		w_int64_str(w, t->integrated_time);
	}
	if (t->set.len > 0) {
		vfj_w_key(w, VFJ_LIT("inclusionPromise"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("signedEntryTimestamp"));
		SG_TRY(sg_json_w_b64(w, t->set.p, t->set.len, arena, d));
		vfj_w_obj_end(w);
	}
	if (p->present) {
		vfj_w_key(w, VFJ_LIT("inclusionProof"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("logIndex"));
		w_int64_str(w, p->log_index);
		vfj_w_key(w, VFJ_LIT("rootHash"));
		SG_TRY(sg_json_w_b64(w, p->root_hash, SG_TLOG_HASH_LEN, arena, d));
		vfj_w_key(w, VFJ_LIT("treeSize"));
		w_int64_str(w, p->tree_size);
		vfj_w_key(w, VFJ_LIT("hashes"));
		vfj_w_arr_begin(w);
		for (size_t i = 0; i < p->n_hashes; i++)
			SG_TRY(sg_json_w_b64(w, p->hashes + i * SG_TLOG_HASH_LEN, SG_TLOG_HASH_LEN,
				arena, d));
		vfj_w_arr_end(w);
		vfj_w_key(w, VFJ_LIT("checkpoint"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("envelope"));
		vfj_w_str(w, p->checkpoint.p, p->checkpoint.len);
		vfj_w_obj_end(w);
		vfj_w_obj_end(w);
	}
	vfj_w_key(w, VFJ_LIT("canonicalizedBody"));
	SG_TRY(sg_json_w_b64(w, t->body.p, t->body.len, arena, d));
	vfj_w_obj_end(w);
	return SG_OK;
}

SG_MUST_USE static sg_err
w_material(vfj_writer *w, const sg_bundle_spec *s, sg_arena *arena, sg_diag *d)
{
	vfj_w_obj_begin(w);
	if (s->key_hint != NULL) {
		/* The hint only names the key; the verifier brings the key itself. */
		vfj_w_key(w, VFJ_LIT("publicKey"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("hint"));
		SG_TRY(sg_json_w_b64(w, s->key_hint, SG_SHA256_LEN, arena, d));
		vfj_w_obj_end(w);
	} else {
		vfj_w_key(w, VFJ_LIT("certificate"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("rawBytes"));
		SG_TRY(sg_json_w_b64(w, s->cert_der.p, s->cert_der.len, arena, d));
		vfj_w_obj_end(w);
	}
	vfj_w_key(w, VFJ_LIT("tlogEntries"));
	vfj_w_arr_begin(w);
	for (size_t i = 0; i < s->n_tlog; i++)
		SG_TRY(w_entry(w, &s->tlog[i], arena, d));
	vfj_w_arr_end(w);
	if (s->n_timestamps > 0) {
		vfj_w_key(w, VFJ_LIT("timestampVerificationData"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("rfc3161Timestamps"));
		vfj_w_arr_begin(w);
		for (size_t i = 0; i < s->n_timestamps; i++) {
			vfj_w_obj_begin(w);
			vfj_w_key(w, VFJ_LIT("signedTimestamp"));
			SG_TRY(sg_json_w_b64(w, s->timestamps[i].p, s->timestamps[i].len, arena,
				d));
			vfj_w_obj_end(w);
		}
		vfj_w_arr_end(w);
		vfj_w_obj_end(w);
	}
	vfj_w_obj_end(w);
	return SG_OK;
}

SG_MUST_USE static sg_err
w_content(vfj_writer *w, const sg_bundle_spec *s, sg_arena *arena, sg_diag *d)
{
	if (s->dsse) {
		vfj_w_key(w, VFJ_LIT("dsseEnvelope"));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("payload"));
		SG_TRY(sg_json_w_b64(w, s->payload.p, s->payload.len, arena, d));
		vfj_w_key(w, VFJ_LIT("payloadType"));
		vfj_w_str(w, s->payload_type.p, s->payload_type.len);
		vfj_w_key(w, VFJ_LIT("signatures"));
		vfj_w_arr_begin(w);
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("sig"));
		SG_TRY(sg_json_w_b64(w, s->signature.p, s->signature.len, arena, d));
		vfj_w_obj_end(w);
		vfj_w_arr_end(w);
		vfj_w_obj_end(w);
		return SG_OK;
	}
	static const char *const alg_names[] = {
		[SG_HASH_SHA256] = "SHA2_256", [SG_HASH_SHA384] = "SHA2_384",
		[SG_HASH_SHA512] = "SHA2_512"};
	vfj_w_key(w, VFJ_LIT("messageSignature"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("messageDigest"));
	vfj_w_obj_begin(w);
	vfj_w_key(w, VFJ_LIT("algorithm"));
	vfj_w_str(w, alg_names[s->digest_alg], strlen(alg_names[s->digest_alg]));
	vfj_w_key(w, VFJ_LIT("digest"));
	SG_TRY(sg_json_w_b64(w, s->digest, sg_hash_len(s->digest_alg), arena, d));
	vfj_w_obj_end(w);
	vfj_w_key(w, VFJ_LIT("signature"));
	SG_TRY(sg_json_w_b64(w, s->signature.p, s->signature.len, arena, d));
	vfj_w_obj_end(w);
	return SG_OK;
}

/* see bundle.h */
sg_err
sg_bundle_write(const sg_bundle_spec *s, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	if ((s->cert_der.len > 0) == (s->key_hint != NULL) ||
		(!s->dsse && (s->digest == NULL || sg_hash_len(s->digest_alg) == 0)))
		return sg_diag_fail(d, SG_ERR_ARG, "bundle: no signature material");
	/* Every piece grows by at most 4/3 (base64) or 6x (a JSON-escaped byte); the counts are
	 * bounded by the parser's limits, so the sum cannot overflow. */
	size_t cap = 4096 + 2 * (s->cert_der.len + s->payload.len + s->signature.len) +
		6 * s->payload_type.len;
	for (size_t i = 0; i < s->n_tlog; i++)
		cap += 2 * (s->tlog[i].body.len + s->tlog[i].set.len) + 512 +
			6 * (s->tlog[i].proof.checkpoint.len + s->tlog[i].kind.len +
				s->tlog[i].version.len) + 64 * s->tlog[i].proof.n_hashes;
	for (size_t i = 0; i < s->n_timestamps; i++)
		cap += 2 * s->timestamps[i].len + 64;
	uint8_t *mem;
	SG_TRY(sg_arena_get(arena, cap, (void **)&mem, d));
	sg_buf b;
	sg_buf_init(&b, mem, cap);
	vfj_writer w;
	sg_json_w_start(&w, &b, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("mediaType"));
	vfj_w_str(&w, VFJ_LIT(SG_BUNDLE_MEDIA_TYPE_V03));
	vfj_w_key(&w, VFJ_LIT("verificationMaterial"));
	SG_TRY(w_material(&w, s, arena, d));
	SG_TRY(w_content(&w, s, arena, d));
	vfj_w_obj_end(&w);
	SG_TRY(sg_json_w_finish(&w, &b, "bundle", d));
	*out = sg_buf_slice(&b);
	return SG_OK;
}

/* ---- legacy annotation ---- */

SG_MUST_USE static sg_err
parse_legacy(const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	static const char w_time[] = "cosign bundle Payload.integratedTime";
	static const char w_idx[] = "cosign bundle Payload.logIndex";
	static const char w_id[] = "cosign bundle Payload.logID";
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "cosign bundle", &j, d));
	size_t root = sg_json_root(&j), pl;
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "cosign bundle", d));
	out->legacy = 1;
	out->n_tlog = 1;
	sg_tlog_entry *e = &out->tlog[0];
	SG_TRY(sg_json_get_b64(&j, root, "SignedEntryTimestamp", SG_JSON_REQUIRED,
		"cosign bundle SignedEntryTimestamp", arena, &e->set, NULL, d));
	if (e->set.len == 0)
		return fail_bundle_at(&j, root, d, "cosign bundle SignedEntryTimestamp", "empty");
	SG_TRY(sg_json_get_obj(
		&j, root, "Payload", SG_JSON_REQUIRED, "cosign bundle Payload", &pl, d));
	SG_TRY(sg_json_get_b64(&j, pl, "body", SG_JSON_REQUIRED, "cosign bundle Payload.body",
		arena, &e->body, NULL, d));
	if (e->body.len == 0)
		return fail_bundle_at(&j, pl, d, "cosign bundle Payload.body", "empty");
	SG_TRY(sg_json_get_int64(
		&j, pl, "integratedTime", SG_JSON_REQUIRED, w_time, &e->integrated_time, NULL, d));
	if (e->integrated_time <= 0)
		return fail_bundle_at(
			&j, sg_json_get(&j, pl, "integratedTime"), d, w_time, "not positive");
	e->has_integrated_time = 1;
	SG_TRY(sg_json_get_int64(
		&j, pl, "logIndex", SG_JSON_REQUIRED, w_idx, &e->log_index, NULL, d));
	if (e->log_index < 0)
		return fail_bundle_at(&j, sg_json_get(&j, pl, "logIndex"), d, w_idx, "negative");
	sg_slice hex;
	SG_TRY(sg_json_get_str(&j, pl, "logID", SG_JSON_REQUIRED, w_id, arena, &hex, NULL, d));
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_hex_decode(hex.p, hex.len, e->log_id, sizeof e->log_id, &e->log_id_len, &inner) !=
			SG_OK ||
		e->log_id_len == 0)
		return sg_diag_fail_at(
			d, SG_ERR_HEX, w_id, sg_json_offset(&j, sg_json_get(&j, pl, "logID")));

	/* kind and apiVersion from the body itself: the annotation does not carry them. */
	sg_json b;
	SG_TRY(sg_json_parse(e->body.p, e->body.len, arena, "cosign bundle Payload.body", &b, d));
	SG_TRY(sg_json_get_str(&b, sg_json_root(&b), "kind", SG_JSON_REQUIRED,
		"cosign bundle Payload.body kind", arena, &e->kind, NULL, d));
	SG_TRY(sg_json_get_str(&b, sg_json_root(&b), "apiVersion", SG_JSON_REQUIRED,
		"cosign bundle Payload.body apiVersion", arena, &e->version, NULL, d));
	e->rekor_v2 =
		sg_slice_eq_str(e->kind, "hashedrekord") && sg_slice_eq_str(e->version, "0.0.2");
	return SG_OK;
}

/* see bundle.h */
sg_err
sg_bundle_parse_legacy(const uint8_t *json, size_t len, sg_arena *arena, sg_entity *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_legacy(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}
