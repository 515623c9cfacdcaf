/* trustroot: trusted_root.json parser. See trustroot.h.
 *
 * Implementation notes.
 *   - Schema: protobuf-specs sigstore_trustroot.proto (TrustedRoot, TransparencyLogInstance,
 *     CertificateAuthority) and sigstore_common.proto (PublicKey, LogId, TimeRange,
 *     X509CertificateChain, PublicKeyDetails, HashAlgorithm), in proto3 JSON form
 *     (protocol.md §8.2): bytes as base64, Timestamp as RFC 3339, enums by name.
 *   - Unknown members are ignored (proto3 JSON rule), but every member we use is type-checked.
 *   - logId.keyId is opaque: for Rekor v1 and CT logs it equals SHA-256 of the SPKI, for Rekor
 *     v2 it is the C2SP note key id (§8.4). We never recompute it.
 *   - validFor is inclusive at both ends, at one-second granularity (fractions are dropped by
 *     the RFC 3339 parser, so "…23:59:59.999Z" ends at 23:59:59). */
#include "pki/trustroot.h"

#include <string.h>

#include "crypto/hash.h"
#include "parse/codec.h"
#include "parse/der.h"
#include "parse/json.h"
#include "parse/pem.h"
#include "pki/x509.h"

/* see trustroot.h */
int
sg_time_range_contains(const sg_time_range *r, int64_t t)
{
	return r->start <= t && t <= r->end;
}

/* Media types accepted (protocol.md §8.2); the public-good file uses the first. */
static const char *const media_types[] = {
	"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
	"application/vnd.dev.sigstore.trustedroot.v0.1+json",
	"application/vnd.dev.sigstore.trustedroot.v0.2+json",
};

SG_MUST_USE static sg_err
parse_hash_alg(sg_slice s, sg_hash_alg *out)
{
	if (sg_slice_eq_str(s, "SHA2_256"))
		*out = SG_HASH_SHA256;
	else if (sg_slice_eq_str(s, "SHA2_384"))
		*out = SG_HASH_SHA384;
	else if (sg_slice_eq_str(s, "SHA2_512"))
		*out = SG_HASH_SHA512;
	else
		return SG_ERR_UNSUPPORTED;
	return SG_OK;
}

/* How keyDetails says the key is encoded and used. */
enum key_form { KF_SPKI_EC256, KF_SPKI_EC384, KF_SPKI_RSA, KF_PKCS1_RSA, KF_ED25519, KF_OTHER };

static enum key_form
key_form_of(sg_slice kd)
{
	if (sg_slice_eq_str(kd, "PKIX_ECDSA_P256_SHA_256"))
		return KF_SPKI_EC256;
	if (sg_slice_eq_str(kd, "PKIX_ECDSA_P384_SHA_384"))
		return KF_SPKI_EC384;
	if (sg_slice_eq_str(kd, "PKIX_RSA_PKCS1V15_2048_SHA256") ||
		sg_slice_eq_str(kd, "PKIX_RSA_PKCS1V15_3072_SHA256") ||
		sg_slice_eq_str(kd, "PKIX_RSA_PKCS1V15_4096_SHA256") ||
		sg_slice_eq_str(kd, "PKIX_RSA_PKCS1V5"))
		return KF_SPKI_RSA;
	if (sg_slice_eq_str(kd, "PKCS1_RSA_PKCS1V5"))
		return KF_PKCS1_RSA;
	if (sg_slice_eq_str(kd, "PKIX_ED25519") || sg_slice_eq_str(kd, "PKIX_ED25519_PH"))
		return KF_ED25519;
	/* P-521, RSA-PSS and anything newer: kept, unusable. */
	return KF_OTHER;
}

/* RFC 8017 A.1.1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
SG_MUST_USE static sg_err
parse_pkcs1_rsa(sg_slice raw, sg_pubkey *k, sg_diag *d)
{
	sg_cur c, seq;
	sg_cur_init(&c, raw.p, raw.len);
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, &seq, d));
	SG_TRY(sg_der_uint(&seq, &k->n, d));
	SG_TRY(sg_der_uint(&seq, &k->e, d));
	SG_TRY(sg_der_leave(&seq, d));
	if (sg_cur_end(&c) != SG_OK)
		return sg_diag_fail(d, SG_ERR_DER_TRAILING, "trusted root PKCS#1 RSA key");
	k->type = SG_KEY_RSA;
	k->spki = raw;
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_key(sg_slice raw, sg_slice kd, sg_trust_log *log, const char *what, sg_arena *arena,
	sg_diag *d)
{
	enum key_form f = key_form_of(kd);
	sg_pubkey *k = &log->key;
	memset(k, 0, sizeof *k);
	log->key_state = NULL;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	sg_err e;
	if (f == KF_PKCS1_RSA)
		e = parse_pkcs1_rsa(raw, k, &inner);
	else if (f == KF_SPKI_EC256 || f == KF_SPKI_EC384)
		/* the on-curve check waits for the key's first use (issue #15) */
		e = sg_pubkey_parse_deferred(raw.p, raw.len, k, &inner);
	else
		e = sg_pubkey_parse(raw.p, raw.len, k, &inner);
	if (f == KF_OTHER) {
		/* Unusable for us whatever it is; keep the bytes, never the guess. */
		memset(k, 0, sizeof *k);
		k->spki = raw;
		log->sig_hash = (sg_hash_alg)0;
		return SG_OK;
	}
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, what,
			"cannot parse %.*s public key: %s", (int)(kd.len > 64 ? 64 : kd.len),
			(const char *)kd.p, sg_err_str(e));
	int ok = 0;
	switch (f) {
	case KF_SPKI_EC256:
		ok = k->type == SG_KEY_EC && k->curve == SG_CURVE_P256;
		log->sig_hash = SG_HASH_SHA256;
		break;
	case KF_SPKI_EC384:
		ok = k->type == SG_KEY_EC && k->curve == SG_CURVE_P384;
		log->sig_hash = SG_HASH_SHA384;
		break;
	case KF_SPKI_RSA:
	case KF_PKCS1_RSA:
		ok = k->type == SG_KEY_RSA;
		log->sig_hash = SG_HASH_SHA256;
		break;
	case KF_ED25519:
		ok = k->type == SG_KEY_ED25519;
		log->sig_hash = SG_HASH_SHA512;
		break;
	case KF_OTHER:
	default:
		break;
	}
	if (!ok) {
		memset(k, 0, sizeof *k);
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, what,
			"public key does not match keyDetails %.*s",
			(int)(kd.len > 64 ? 64 : kd.len), (const char *)kd.p);
	}
	if (k->type == SG_KEY_EC) {
		/* the verdict is kept in key_state, once for the process (trustroot.h) */
		k->point_deferred = 0;
		/* zeroed: SG_TRUST_KEY_UNCHECKED */
		void *st;
		SG_TRY(sg_arena_get(arena, sizeof *log->key_state, &st, d));
		log->key_state = st;
	}
	return SG_OK;
}

/* Parse a TimeRange object. `need_start`: a missing start is an error (tlog/ctlog keys). */
SG_MUST_USE static sg_err
parse_range(const sg_json *j, size_t obj, int need_start, const char *what_start,
	const char *what_end, sg_time_range *out, sg_diag *d)
{
	int has_start = 0, has_end = 0;
	out->start = INT64_MIN;
	out->end = INT64_MAX;
	SG_TRY(sg_json_get_time(
		j, obj, "start", need_start, what_start, &out->start, &has_start, d));
	if (!has_start)
		out->start = INT64_MIN;
	SG_TRY(sg_json_get_time(j, obj, "end", SG_JSON_OPTIONAL, what_end, &out->end, &has_end, d));
	if (!has_end)
		out->end = INT64_MAX;
	if (out->start > out->end)
		return sg_diag_fail_at(
			d, SG_ERR_VERIFY_TRUST_ROOT, what_end, sg_json_offset(j, obj));
	return SG_OK;
}

SG_MUST_USE static sg_err
copy_key_id(sg_slice id, uint8_t *dst, size_t *dst_len, const char *what, sg_diag *d)
{
	if (id.len == 0 || id.len > SG_MAX_KEY_ID)
		return sg_diag_failf(
			d, SG_ERR_VERIFY_TRUST_ROOT, what, "key id of %zu bytes", id.len);
	memcpy(dst, id.p, id.len);
	*dst_len = id.len;
	return SG_OK;
}

/* The `what` strings name the kind of list ("trusted root tlogs[]" / "ctlogs[]"). */
struct log_names {
	const char *entry, *base_url, *hash, *pubkey, *raw, *details, *valid, *start, *end, *log_id,
		*key_id, *cp_id;
};

static const struct log_names tlog_names = {
	"trusted root tlogs[]",
	"trusted root tlogs[].baseUrl",
	"trusted root tlogs[].hashAlgorithm",
	"trusted root tlogs[].publicKey",
	"trusted root tlogs[].publicKey.rawBytes",
	"trusted root tlogs[].publicKey.keyDetails",
	"trusted root tlogs[].publicKey.validFor",
	"trusted root tlogs[].publicKey.validFor.start",
	"trusted root tlogs[].publicKey.validFor.end",
	"trusted root tlogs[].logId",
	"trusted root tlogs[].logId.keyId",
	"trusted root tlogs[].checkpointKeyId.keyId",
};

static const struct log_names ctlog_names = {
	"trusted root ctlogs[]",
	"trusted root ctlogs[].baseUrl",
	"trusted root ctlogs[].hashAlgorithm",
	"trusted root ctlogs[].publicKey",
	"trusted root ctlogs[].publicKey.rawBytes",
	"trusted root ctlogs[].publicKey.keyDetails",
	"trusted root ctlogs[].publicKey.validFor",
	"trusted root ctlogs[].publicKey.validFor.start",
	"trusted root ctlogs[].publicKey.validFor.end",
	"trusted root ctlogs[].logId",
	"trusted root ctlogs[].logId.keyId",
	"trusted root ctlogs[].checkpointKeyId.keyId",
};

SG_MUST_USE static sg_err
parse_log(const sg_json *j, size_t obj, const struct log_names *nm, sg_arena *arena,
	sg_trust_log *log, sg_diag *d)
{
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, nm->entry, d));
	SG_TRY(sg_json_get_str(
		j, obj, "baseUrl", SG_JSON_OPTIONAL, nm->base_url, arena, &log->base_url, NULL, d));

	sg_slice s;
	SG_TRY(sg_json_get_str(
		j, obj, "hashAlgorithm", SG_JSON_REQUIRED, nm->hash, arena, &s, NULL, d));
	if (parse_hash_alg(s, &log->hash) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TRUST_ROOT, nm->hash,
			sg_json_offset(j, sg_json_get(j, obj, "hashAlgorithm")));

	size_t pk, vf, lid;
	SG_TRY(sg_json_get_obj(j, obj, "publicKey", SG_JSON_REQUIRED, nm->pubkey, &pk, d));
	sg_slice raw;
	SG_TRY(sg_json_get_b64(j, pk, "rawBytes", SG_JSON_REQUIRED, nm->raw, arena, &raw, NULL, d));
	if (raw.len == 0)
		return sg_diag_fail_at(d, SG_ERR_VERIFY_TRUST_ROOT, nm->raw,
			sg_json_offset(j, sg_json_get(j, pk, "rawBytes")));
	log->spki = raw;
	SG_TRY(sg_json_get_str(j, pk, "keyDetails", SG_JSON_REQUIRED, nm->details, arena,
		&log->key_details, NULL, d));
	/* validFor with a start is required for log keys: the SET/checkpoint check needs a
	 * window (sigstore-go: "tlog missing public key validity period start time"). */
	SG_TRY(sg_json_get_obj(j, pk, "validFor", SG_JSON_REQUIRED, nm->valid, &vf, d));
	SG_TRY(parse_range(j, vf, 1, nm->start, nm->end, &log->valid, d));
	SG_TRY(parse_key(raw, log->key_details, log, nm->raw, arena, d));

	SG_TRY(sg_json_get_obj(j, obj, "logId", SG_JSON_REQUIRED, nm->log_id, &lid, d));
	SG_TRY(sg_json_get_b64(j, lid, "keyId", SG_JSON_REQUIRED, nm->key_id, arena, &s, NULL, d));
	SG_TRY(copy_key_id(s, log->key_id, &log->key_id_len, nm->key_id, d));

	size_t cp;
	SG_TRY(sg_json_get_obj(j, obj, "checkpointKeyId", SG_JSON_OPTIONAL, nm->cp_id, &cp, d));
	if (cp != SG_JSON_NONE) {
		SG_TRY(sg_json_get_b64(
			j, cp, "keyId", SG_JSON_REQUIRED, nm->cp_id, arena, &s, NULL, d));
		SG_TRY(copy_key_id(
			s, log->checkpoint_key_id, &log->checkpoint_key_id_len, nm->cp_id, d));
	}
	return SG_OK;
}

struct ca_names {
	const char *entry, *uri, *chain, *certs, *raw, *valid, *start, *end;
};

static const struct ca_names ca_names_fulcio = {
	"trusted root certificateAuthorities[]",
	"trusted root certificateAuthorities[].uri",
	"trusted root certificateAuthorities[].certChain",
	"trusted root certificateAuthorities[].certChain.certificates",
	"trusted root certificateAuthorities[].certChain.certificates[].rawBytes",
	"trusted root certificateAuthorities[].validFor",
	"trusted root certificateAuthorities[].validFor.start",
	"trusted root certificateAuthorities[].validFor.end",
};

static const struct ca_names ca_names_tsa = {
	"trusted root timestampAuthorities[]",
	"trusted root timestampAuthorities[].uri",
	"trusted root timestampAuthorities[].certChain",
	"trusted root timestampAuthorities[].certChain.certificates",
	"trusted root timestampAuthorities[].certChain.certificates[].rawBytes",
	"trusted root timestampAuthorities[].validFor",
	"trusted root timestampAuthorities[].validFor.start",
	"trusted root timestampAuthorities[].validFor.end",
};

SG_MUST_USE static sg_err
parse_ca(const sg_json *j, size_t obj, const struct ca_names *nm, sg_arena *arena, sg_trust_ca *ca,
	sg_diag *d)
{
	SG_TRY(sg_json_expect(j, obj, VFJ_OBJECT, nm->entry, d));
	SG_TRY(sg_json_get_str(j, obj, "uri", SG_JSON_OPTIONAL, nm->uri, arena, &ca->uri, NULL, d));
	size_t chain, arr, n;
	SG_TRY(sg_json_get_obj(j, obj, "certChain", SG_JSON_REQUIRED, nm->chain, &chain, d));
	SG_TRY(sg_json_get_arr(j, chain, "certificates", SG_JSON_REQUIRED, nm->certs, &arr, &n, d));
	if (n == 0)
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, nm->certs, "empty chain");
	if (n > SG_MAX_CHAIN)
		return sg_diag_failf(d, SG_ERR_LIMIT, nm->certs, "%zu certificates, at most %u", n,
			SG_MAX_CHAIN);
	size_t i = 0;
	for (size_t t = sg_json_first(j, arr); t != SG_JSON_NONE; t = sg_json_next(j, t)) {
		sg_slice der;
		SG_TRY(sg_json_expect(j, t, VFJ_OBJECT, nm->certs, d));
		SG_TRY(sg_json_get_b64(
			j, t, "rawBytes", SG_JSON_REQUIRED, nm->raw, arena, &der, NULL, d));
		if (der.len > SG_MAX_CERT)
			return sg_diag_failf(
				d, SG_ERR_LIMIT, nm->raw, "certificate of %zu bytes", der.len);
		/* Only the outer shape here; the x509 module parses it when it is used. */
		sg_cur c;
		sg_slice v;
		sg_diag inner;
		sg_diag_init(&inner, NULL);
		sg_cur_init(&c, der.p, der.len);
		if (sg_der_expect(&c, SG_DER_SEQUENCE, &v, NULL, &inner) != SG_OK ||
			sg_cur_end(&c) != SG_OK)
			return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, nm->raw,
				"certificate %zu is not one DER SEQUENCE", i);
		ca->certs[i++] = der;
	}
	ca->n_certs = i;
	/* zeroed: SG_TRUST_KEY_UNCHECKED for every certificate's key */
	void *memo;
	SG_TRY(sg_arena_get(arena, i * sizeof *ca->key_memo, &memo, d));
	ca->key_memo = memo;
	for (size_t k = 0; k < i; k++)
		ca->key_memo[k].der = ca->certs[k];
	size_t vf;
	SG_TRY(sg_json_get_obj(j, obj, "validFor", SG_JSON_OPTIONAL, nm->valid, &vf, d));
	if (vf != SG_JSON_NONE) {
		SG_TRY(parse_range(j, vf, 0, nm->start, nm->end, &ca->valid, d));
	} else {
		ca->valid.start = INT64_MIN;
		ca->valid.end = INT64_MAX;
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
list_of(const sg_json *j, size_t root, const char *key, const char *what, size_t *arr, size_t *n,
	sg_diag *d)
{
	SG_TRY(sg_json_get_arr(j, root, key, SG_JSON_OPTIONAL, what, arr, n, d));
	if (*n > SG_MAX_TRUST_ENTRIES)
		return sg_diag_failf(
			d, SG_ERR_LIMIT, what, "%zu entries, at most %u", *n, SG_MAX_TRUST_ENTRIES);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_root(const uint8_t *json, size_t len, sg_arena *arena, sg_trustroot *out, sg_diag *d)
{
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "trusted root", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "trusted root", d));

	sg_slice mt;
	SG_TRY(sg_json_get_str(&j, root, "mediaType", SG_JSON_REQUIRED, "trusted root mediaType",
		arena, &mt, NULL, d));
	int known = 0;
	for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++)
		known |= sg_slice_eq_str(mt, media_types[i]);
	if (!known)
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, "trusted root mediaType",
			"unsupported media type \"%.*s\"", (int)(mt.len > 100 ? 100 : mt.len),
			(const char *)mt.p);

	size_t arr, n;
	SG_TRY(list_of(&j, root, "tlogs", "trusted root tlogs", &arr, &n, d));
	for (size_t t = sg_json_first(&j, arr); t != SG_JSON_NONE; t = sg_json_next(&j, t))
		SG_TRY(parse_log(&j, t, &tlog_names, arena, &out->tlogs[out->n_tlogs++], d));
	SG_TRY(list_of(&j, root, "ctlogs", "trusted root ctlogs", &arr, &n, d));
	for (size_t t = sg_json_first(&j, arr); t != SG_JSON_NONE; t = sg_json_next(&j, t))
		SG_TRY(parse_log(&j, t, &ctlog_names, arena, &out->ctlogs[out->n_ctlogs++], d));
	SG_TRY(list_of(&j, root, "certificateAuthorities", "trusted root certificateAuthorities",
		&arr, &n, d));
	for (size_t t = sg_json_first(&j, arr); t != SG_JSON_NONE; t = sg_json_next(&j, t))
		SG_TRY(parse_ca(&j, t, &ca_names_fulcio, arena, &out->cas[out->n_cas++], d));
	SG_TRY(list_of(&j, root, "timestampAuthorities", "trusted root timestampAuthorities", &arr,
		&n, d));
	for (size_t t = sg_json_first(&j, arr); t != SG_JSON_NONE; t = sg_json_next(&j, t))
		SG_TRY(parse_ca(&j, t, &ca_names_tsa, arena, &out->tsas[out->n_tsas++], d));
	return SG_OK;
}

/* see trustroot.h */
sg_err
sg_trustroot_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_trustroot *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_root(json, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see trustroot.h */
const sg_trust_log *
sg_trustroot_find_log(
	const sg_trust_log *logs, size_t n, const uint8_t *key_id, size_t len, int64_t t)
{
	for (size_t i = 0; i < n; i++) {
		const sg_trust_log *l = &logs[i];
		if (l->key_id_len != len || memcmp(l->key_id, key_id, len) != 0)
			continue;
		if (t != INT64_MIN && !sg_time_range_contains(&l->valid, t))
			continue;
		return l;
	}
	return NULL;
}

/* see trustroot.h */
size_t
sg_trustroot_find_log_by_hint(
	const sg_trust_log *logs, size_t n, size_t start, const uint8_t hint[4])
{
	for (size_t i = start; i < n; i++) {
		const sg_trust_log *l = &logs[i];
		if (l->checkpoint_key_id_len >= 4 && memcmp(l->checkpoint_key_id, hint, 4) == 0)
			return i;
		if (l->key_id_len >= 4 && memcmp(l->key_id, hint, 4) == 0)
			return i;
	}
	return n;
}

/* see trustroot.h */
sg_err
sg_trustroot_log_key_ready(const sg_trust_log *log, const char *what, sg_diag *d)
{
	if (log->key_state == NULL)
		return SG_OK;
	int st = *log->key_state;
	if (st == SG_TRUST_KEY_UNCHECKED) {
		st = sg_pubkey_point_ok(&log->key) ? SG_TRUST_KEY_GOOD : SG_TRUST_KEY_BAD;
		*log->key_state = st;
	}
	if (st == SG_TRUST_KEY_GOOD)
		return SG_OK;
	static const char hx[] = "0123456789abcdef";
	char id[2 * 8 + 1];
	size_t n = log->key_id_len < 8 ? log->key_id_len : 8;
	for (size_t i = 0; i < n; i++) {
		id[2 * i] = hx[log->key_id[i] >> 4];
		id[2 * i + 1] = hx[log->key_id[i] & 15];
	}
	id[2 * n] = '\0';
	return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, what,
		"trusted root key %s... (%.*s, %.*s): the point is not on the curve", id,
		(int)(log->base_url.len > 200 ? 200 : log->base_url.len),
		(const char *)log->base_url.p,
		(int)(log->key_details.len > 64 ? 64 : log->key_details.len),
		(const char *)log->key_details.p);
}

/* see trustroot.h */
sg_err
sg_trustroot_ca_key_ready(const sg_trust_ca *ca, size_t i, sg_pubkey *key, const char *what,
	sg_diag *d)
{
	if (ca->key_memo == NULL || i >= ca->n_certs || key->type != SG_KEY_EC ||
		!key->point_deferred)
		return SG_OK;
	sg_trust_key_memo *m = &ca->key_memo[i];
	if (m->der.p != ca->certs[i].p || m->der.len != ca->certs[i].len)
		return SG_OK;
	int st = m->state;
	if (st == SG_TRUST_KEY_UNCHECKED) {
		st = sg_pubkey_point_ok(key) ? SG_TRUST_KEY_GOOD : SG_TRUST_KEY_BAD;
		m->state = st;
	}
	if (st != SG_TRUST_KEY_GOOD)
		return sg_diag_failf(d, SG_ERR_VERIFY_CHAIN, NULL,
			"the public key of %s is not on its curve", what);
	key->point_deferred = 0;
	return SG_OK;
}

/* see trustroot.h */
sg_err
sg_trustroot_log_verify(const sg_trust_log *log, const uint8_t *msg, size_t len, const uint8_t *sig,
	size_t sig_len, sg_err code, const char *what, sg_diag *d)
{
	if (log->key.type != SG_KEY_EC && log->key.type != SG_KEY_RSA)
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what,
			"log key %.*s cannot be used by this build",
			(int)(log->key_details.len > 64 ? 64 : log->key_details.len),
			(const char *)log->key_details.p);
	SG_TRY(sg_trustroot_log_key_ready(log, what, d));
	sg_hash_alg alg = log->sig_hash != 0 ? log->sig_hash : SG_HASH_SHA256;
	sg_diag inner;
	sg_diag_init(&inner, NULL);
	if (sg_pubkey_verify_message(&log->key, alg, msg, len, sig, sig_len, what, &inner) != SG_OK)
		return sg_diag_fail(d, code, what);
	return SG_OK;
}

/* ---- the cosign environment form (PEM files) ---- */

/* Every CERTIFICATE of `pem` decoded into the arena and parsed; *n counts them. */
SG_MUST_USE static sg_err
pem_certs(const uint8_t *pem, size_t len, sg_arena *arena, sg_slice *der, sg_x509_cert *certs,
	size_t cap, size_t *n, sg_diag *d)
{
	sg_cur c;
	sg_slice one;
	sg_err e;
	sg_cur_init(&c, pem, len);
	for (*n = 0; (e = sg_pem_next_der(&c, "CERTIFICATE", arena, &one, d)) == SG_OK;) {
		if (*n == cap)
			return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, "PEM certificates",
				"more than %zu", cap);
		der[*n] = one;
		SG_TRY(sg_x509_parse(one.p, one.len, &certs[(*n)++], d));
	}
	if (e != SG_ERR_PEM_NONE)
		return e;
	if (*n == 0)
		return sg_diag_fail(d, SG_ERR_PEM_NONE, "PEM certificates");
	return SG_OK;
}

SG_MUST_USE static sg_err
add_cas(sg_trust_ca *list, size_t *n_list, const uint8_t *pem, size_t len, sg_arena *arena,
	sg_diag *d)
{
	sg_slice der[SG_MAX_CHAIN * 4];
	sg_x509_cert *certs;
	size_t n, linked = 0, cap = sizeof der / sizeof der[0];
	SG_TRY(sg_arena_get(arena, cap * sizeof *certs, (void **)&certs, d));
	SG_TRY(pem_certs(pem, len, arena, der, certs, cap, &n, d));
	uint8_t used[SG_MAX_CHAIN * 4] = {0};
	size_t first = *n_list;
	for (size_t r = 0; r < n; r++) {
		if (!sg_slice_eq(certs[r].subject, certs[r].issuer))
			continue;
		if (*n_list == SG_MAX_TRUST_ENTRIES) {
			*n_list = first; /* a failure leaves the list as it was */
			return sg_diag_fail(d, SG_ERR_VERIFY_TRUST_ROOT, "too many authorities");
		}
		/* From the anchor down: each next certificate is one the current one issued. A
		 * self-signed certificate is an anchor of its own, never a link below another (a
		 * second copy of the root would otherwise be chained under the first and counted
		 * twice). */
		size_t chain[SG_MAX_CHAIN], k = 0, cur = r;
		chain[k++] = r;
		used[r] = 1;
		for (int more = 1; more && k < SG_MAX_CHAIN;) {
			more = 0;
			for (size_t c = 0; c < n && !more; c++) {
				if (used[c] || sg_slice_eq(certs[c].subject, certs[c].issuer) ||
					!sg_slice_eq(certs[c].issuer, certs[cur].subject))
					continue;
				chain[k++] = cur = c;
				used[c] = 1;
				more = 1;
			}
		}
		sg_trust_ca *ca = &list[(*n_list)++];
		memset(ca, 0, sizeof *ca);
		for (size_t i = 0; i < k; i++)
			ca->certs[i] = der[chain[k - 1 - i]];
		ca->n_certs = k;
		ca->valid.start = INT64_MIN;
		ca->valid.end = INT64_MAX;
		linked += k;
	}
	if (*n_list == first)
		return sg_diag_fail(d, SG_ERR_VERIFY_TRUST_ROOT, "no self-signed root certificate");
	if (linked != n) {
		*n_list = first;
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, "PEM certificates",
			"%zu of %zu certificates are not linked to a self-signed root in the file",
			n - linked, n);
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
add_log(sg_trust_log *list, size_t *n_list, const uint8_t *pem, size_t len, sg_arena *arena,
	sg_diag *d)
{
	sg_cur c;
	sg_slice key, extra;
	sg_err e;
	sg_cur_init(&c, pem, len);
	if ((e = sg_pem_next_der(&c, "PUBLIC KEY", arena, &key, d)) != SG_OK)
		return e == SG_ERR_PEM_NONE ? sg_diag_fail(d, e, "PUBLIC KEY") : e;
	size_t keys = 1;
	while ((e = sg_pem_next_der(&c, "PUBLIC KEY", arena, &extra, d)) == SG_OK)
		keys++;
	if (e != SG_ERR_PEM_NONE)
		return e;
	if (keys != 1)
		return sg_diag_failf(d, SG_ERR_VERIFY_TRUST_ROOT, "PEM public keys",
			"the file holds %zu public keys; cosign reads one", keys);
	if (*n_list == SG_MAX_TRUST_ENTRIES)
		return sg_diag_fail(d, SG_ERR_VERIFY_TRUST_ROOT, "too many logs");
	sg_trust_log *l = &list[*n_list];
	memset(l, 0, sizeof *l);
	SG_TRY(sg_pubkey_parse(key.p, key.len, &l->key, d));
	l->spki = key;
	sg_sha256(key.p, key.len, l->key_id);
	l->key_id_len = SG_SHA256_LEN;
	l->hash = SG_HASH_SHA256;
	l->sig_hash = l->key.type == SG_KEY_ED25519 ? SG_HASH_SHA512
		      : l->key.curve == SG_CURVE_P384 ? SG_HASH_SHA384
						      : SG_HASH_SHA256;
	l->valid.start = INT64_MIN;
	l->valid.end = INT64_MAX;
	(*n_list)++;
	return SG_OK;
}

/* see trustroot.h */
sg_err
sg_trustroot_add_pem(sg_trustroot *tr, sg_trustroot_part part, const uint8_t *pem, size_t len,
	sg_arena *arena, sg_diag *d)
{
	if (len > SG_MAX_PEM_FILE)
		return sg_diag_failf(d, SG_ERR_LIMIT, "PEM file", "larger than %u bytes",
			SG_MAX_PEM_FILE);
	switch (part) {
	case SG_TRUST_PART_FULCIO:
		return add_cas(tr->cas, &tr->n_cas, pem, len, arena, d);
	case SG_TRUST_PART_REKOR:
		return add_log(tr->tlogs, &tr->n_tlogs, pem, len, arena, d);
	case SG_TRUST_PART_CTLOG:
		return add_log(tr->ctlogs, &tr->n_ctlogs, pem, len, arena, d);
	case SG_TRUST_PART_TSA:
		return add_cas(tr->tsas, &tr->n_tsas, pem, len, arena, d);
	default:
		return sg_diag_fail(d, SG_ERR_ARG, "trusted root part");
	}
}
