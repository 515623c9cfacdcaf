/* keys: cosign's encrypted private keys and plain PKCS#8 / SEC1 EC keys. See keys.h.
 *
 * Implementation notes.
 *   - Envelope: secure-systems-lab/go-securesystemslib `encrypted` (the package cosign's
 *     pkg/cosign/keys.go uses): JSON of {kdf:{name,params:{N,r,p},salt}, cipher:{name,nonce},
 *     ciphertext}, []byte fields as standard padded base64 (Go encoding/json), scrypt with a
 *     32-byte key, NaCl secretbox with a 24-byte nonce. Go's decoder is lenient (unknown and
 *     case-folded member names, duplicates); we accept only the exact shape Go writes.
 *   - PKCS#8: RFC 5208 §5 PrivateKeyInfo; the EC algorithm identifier per RFC 5480 §2.1.1;
 *     the inner key per RFC 5915 §3 (its parameters may be omitted inside PKCS#8, RFC 5915 §3
 *     last paragraph). SEC1: RFC 5915 §3 on its own, where the curve must be named.
 *   - Grammar (DER, read with der.h's running limits, nothing trailing at any level):
 *       PrivateKeyInfo ::= SEQUENCE { version INTEGER (0), AlgorithmIdentifier, OCTET STRING }
 *       AlgorithmIdentifier ::= SEQUENCE { OID id-ecPublicKey, OID namedCurve }
 *       ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
 *                                   [0] EXPLICIT OID OPTIONAL, [1] EXPLICIT BIT STRING OPTIONAL }
 *   - Secrets: the derived secretbox key, the decrypted DER and intermediate key structs are
 *     wiped on every path; the arena copy of decrypted DER is wiped before returning. */
#include "sign/keys.h"

#include <string.h>

#include "base/limits.h"
#include "crypto/pubkey.h"
#include "parse/codec.h"
#include "parse/der.h"
#include "parse/json.h"
#include "parse/pem.h"

/* ---- PEM ---- */

static int
is_private_label(sg_slice label)
{
	static const char suffix[] = "PRIVATE KEY";
	size_t n = sizeof suffix - 1;
	return label.len >= n && memcmp(label.p + label.len - n, suffix, n) == 0;
}

/* see keys.h */
sg_err
sg_keys_read_pem(const uint8_t *pem, size_t len, sg_arena *arena, sg_keys_format *fmt,
	sg_slice *body, sg_diag *d)
{
	*fmt = SG_KEYS_NONE;
	*body = sg_slice_make(NULL, 0);
	if (len > SG_MAX_PEM_FILE)
		return sg_diag_fail(d, SG_ERR_LIMIT, "key file");
	sg_cur c;
	sg_cur_init(&c, pem, len);
	for (size_t i = 0; i < SG_MAX_PEM_OBJECTS; i++) {
		sg_pem_block b;
		sg_err e = sg_pem_next(&c, &b, d);
		if (e == SG_ERR_PEM_NONE)
			return sg_diag_failf(d, SG_ERR_PEM_NONE, "key file",
				"no private key PEM block");
		SG_TRY(e);
		if (!is_private_label(b.label))
			continue;
		sg_keys_format f;
		if (sg_slice_eq_str(b.label, SG_KEYS_LABEL_SIGSTORE) ||
			sg_slice_eq_str(b.label, SG_KEYS_LABEL_COSIGN))
			f = SG_KEYS_ENCRYPTED;
		else if (sg_slice_eq_str(b.label, SG_KEYS_LABEL_PKCS8))
			f = SG_KEYS_PKCS8;
		else if (sg_slice_eq_str(b.label, SG_KEYS_LABEL_SEC1))
			f = SG_KEYS_SEC1;
		else
			return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "key file",
				"unsupported private key type \"%.*s\"", (int)b.label.len,
				(const char *)b.label.p);
		/* The envelope JSON is about 4/3 of the DER plus ~250 bytes of framing. */
		size_t max_body = SG_MAX_KEY_DER;
		if (f == SG_KEYS_ENCRYPTED)
			max_body = 2 * SG_MAX_KEY_DER + 1024;
		size_t cap = sg_b64_decoded_max(b.body.len);
		if (cap > max_body)
			return sg_diag_fail_at(d, SG_ERR_LIMIT, "private key PEM block", b.offset);
		void *buf;
		SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &buf, d));
		size_t n;
		SG_TRY(sg_pem_decode(&b, buf, cap, &n, d));
		*fmt = f;
		*body = sg_slice_make(buf, n);
		return SG_OK;
	}
	return sg_diag_fail(d, SG_ERR_LIMIT, "PEM objects in key file");
}

/* ---- envelope ---- */

/* An object member that must be an object with exactly `members` members. */
SG_MUST_USE static sg_err
get_exact_obj(const sg_json *j, size_t obj, const char *key, size_t members, const char *what,
	size_t *out, sg_diag *d)
{
	SG_TRY(sg_json_get_obj(j, obj, key, SG_JSON_REQUIRED, what, out, d));
	if (sg_json_count(j, *out) != members)
		return sg_diag_fail_at(d, SG_ERR_JSON_VALUE, what, sg_json_offset(j, *out));
	return SG_OK;
}

/* A string member that must equal `want`. */
SG_MUST_USE static sg_err
expect_name(const sg_json *j, size_t obj, const char *want, const char *what, sg_arena *arena,
	sg_diag *d)
{
	sg_slice s;
	SG_TRY(sg_json_get_str(j, obj, "name", SG_JSON_REQUIRED, what, arena, &s, NULL, d));
	if (!sg_slice_eq_str(s, want))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, what, "want \"%s\"", want);
	return SG_OK;
}

/* A JSON integer member (a number token without sign, fraction or exponent). */
SG_MUST_USE static sg_err
get_uint(const sg_json *j, size_t obj, const char *key, const char *what, uint64_t *out,
	sg_diag *d)
{
	size_t t = sg_json_get(j, obj, key);
	*out = 0;
	if (t == SG_JSON_NONE)
		return sg_diag_fail(d, SG_ERR_JSON_MISSING, what);
	SG_TRY(sg_json_expect(j, t, VFJ_NUMBER, what, d));
	int64_t v;
	SG_TRY(sg_json_int64(j, t, what, &v, d));
	if (v < 0)
		return sg_diag_fail_at(d, SG_ERR_JSON_RANGE, what, sg_json_offset(j, t));
	*out = (uint64_t)v;
	return SG_OK;
}

/* A standard padded base64 string member, decoded into the arena; at most `max` bytes. */
SG_MUST_USE static sg_err
get_b64(const sg_json *j, size_t obj, const char *key, size_t max, const char *what,
	sg_arena *arena, sg_slice *out, sg_diag *d)
{
	sg_slice s;
	*out = sg_slice_make(NULL, 0);
	SG_TRY(sg_json_get_str(j, obj, key, SG_JSON_REQUIRED, what, arena, &s, NULL, d));
	size_t cap = sg_b64_decoded_max(s.len);
	if (cap > max + 2) /* decoded_max overestimates by up to 2 for padded input */
		return sg_diag_fail_at(d, SG_ERR_LIMIT, what, sg_json_offset(j, sg_json_get(j, obj,
			key)));
	void *buf;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &buf, d));
	size_t n;
	sg_err e = sg_b64_decode(s.p, s.len, SG_B64_STD | SG_B64_PAD, buf, cap, &n, NULL);
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_JSON_VALUE, what, "invalid base64 (%s)",
			sg_err_str(e));
	if (n > max)
		return sg_diag_fail(d, SG_ERR_LIMIT, what);
	*out = sg_slice_make(buf, n);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_envelope(const uint8_t *json, size_t len, uint64_t max_n, sg_arena *arena,
	sg_keys_envelope *out, sg_diag *d)
{
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "encrypted private key", &j, d));
	size_t root = sg_json_root(&j), kdf, params, cipher;
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "encrypted private key", d));
	if (sg_json_count(&j, root) != 3)
		return sg_diag_fail_at(d, SG_ERR_JSON_VALUE, "encrypted private key members", 0);

	SG_TRY(get_exact_obj(&j, root, "kdf", 3, "encrypted private key kdf", &kdf, d));
	SG_TRY(expect_name(&j, kdf, "scrypt", "encrypted private key kdf.name", arena, d));
	SG_TRY(get_exact_obj(&j, kdf, "params", 3, "encrypted private key kdf.params", &params,
		d));
	uint64_t n, r, p;
	SG_TRY(get_uint(&j, params, "N", "encrypted private key kdf.params.N", &n, d));
	SG_TRY(get_uint(&j, params, "r", "encrypted private key kdf.params.r", &r, d));
	SG_TRY(get_uint(&j, params, "p", "encrypted private key kdf.params.p", &p, d));
	if (r > SG_MAX_SCRYPT_R || p > SG_MAX_SCRYPT_P)
		return sg_diag_failf(d, SG_ERR_KEY_SCRYPT, "scrypt", "r or p out of range");
	out->params.n = n;
	out->params.r = (uint32_t)r;
	out->params.p = (uint32_t)p;
	/* Bounds before anything else is decoded: a hostile file cannot ask for more. */
	SG_TRY(sg_scrypt_check(&out->params, max_n, NULL, d));
	SG_TRY(get_b64(&j, kdf, "salt", SG_MAX_SCRYPT_SALT, "encrypted private key kdf.salt",
		arena, &out->salt, d));

	SG_TRY(get_exact_obj(&j, root, "cipher", 2, "encrypted private key cipher", &cipher, d));
	SG_TRY(expect_name(&j, cipher, "nacl/secretbox", "encrypted private key cipher.name",
		arena, d));
	sg_slice nonce;
	SG_TRY(get_b64(&j, cipher, "nonce", 64, "encrypted private key cipher.nonce", arena,
		&nonce, d));
	if (nonce.len != SG_SECRETBOX_NONCE)
		return sg_diag_failf(d, SG_ERR_JSON_VALUE, "encrypted private key cipher.nonce",
			"incorrect nonce size");
	memcpy(out->nonce, nonce.p, SG_SECRETBOX_NONCE);

	SG_TRY(get_b64(&j, root, "ciphertext", SG_SECRETBOX_MAC + SG_MAX_KEY_DER,
		"encrypted private key ciphertext", arena, &out->ciphertext, d));
	if (out->ciphertext.len < SG_SECRETBOX_MAC)
		return sg_diag_fail(d, SG_ERR_TRUNCATED, "encrypted private key ciphertext");
	return SG_OK;
}

/* see keys.h */
sg_err
sg_keys_parse_envelope(const uint8_t *json, size_t len, uint64_t max_n, sg_arena *arena,
	sg_keys_envelope *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e = parse_envelope(json, len, max_n, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see keys.h */
sg_err
sg_keys_decrypt(const uint8_t *json, size_t len, const uint8_t *pw, size_t pw_len,
	uint64_t max_n, sg_arena *arena, uint8_t *plain, size_t cap, size_t *plain_len, sg_diag *d)
{
	sg_keys_envelope env;
	uint8_t key[SG_SECRETBOX_KEY];
	*plain_len = 0;
	SG_TRY(sg_keys_parse_envelope(json, len, max_n, arena, &env, d));
	size_t n = env.ciphertext.len - SG_SECRETBOX_MAC;
	if (n > cap)
		return sg_diag_fail(d, SG_ERR_LIMIT, "decrypted private key");
	sg_err err = sg_scrypt(pw, pw_len, env.salt.p, env.salt.len, &env.params, max_n, arena,
		key, sizeof key, d);
	if (err != SG_OK)
		goto out;
	/* The box's own error is not recorded: the message is cosign's. */
	if (sg_secretbox_open(plain, env.ciphertext.p, env.ciphertext.len, env.nonce, key,
		    NULL) != SG_OK) {
		err = sg_diag_failmsg(d, SG_ERR_KEY_PASSWORD,
			"decrypt: encrypted: decryption failed");
		goto out;
	}
	*plain_len = n;
out:
	sg_wipe(key, sizeof key);
	if (err != SG_OK && cap > 0)
		sg_wipe(plain, n < cap ? n : cap);
	return err;
}

/* ---- PKCS#8 and SEC1 ---- */

/* The body of an ECPrivateKey (RFC 5915 §3) in `seq`. `need_curve`: the parameters must be
 * present (a bare SEC1 file); otherwise they are optional but must name P-256. */
SG_MUST_USE static sg_err
parse_ec_private(sg_cur *seq, int need_curve, sg_p256_key *out, sg_diag *d)
{
	int64_t version;
	SG_TRY(sg_der_int64(seq, &version, d));
	if (version != 1)
		return sg_diag_fail(d, SG_ERR_KEY, "ECPrivateKey version");
	sg_slice priv;
	SG_TRY(sg_der_octets(seq, &priv, d));
	if (priv.len == 0 || priv.len > 32)
		return sg_diag_fail(d, SG_ERR_KEY, "ECPrivateKey privateKey length");

	sg_cur params;
	int present;
	SG_TRY(sg_der_enter_optional(seq, SG_DER_CTX(0), &params, &present, d));
	if (present) {
		sg_slice curve;
		SG_TRY(sg_der_oid(&params, &curve, d));
		SG_TRY(sg_der_leave(&params, d));
		if (!sg_der_oid_eq(curve, sg_oid_prime256v1, sizeof sg_oid_prime256v1))
			return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "EC private key",
				"only the P-256 curve is supported");
	} else if (need_curve) {
		return sg_diag_fail(d, SG_ERR_KEY, "ECPrivateKey parameters missing");
	}
	sg_cur pubc;
	sg_slice pub = {NULL, 0};
	SG_TRY(sg_der_enter_optional(seq, SG_DER_CTX(1), &pubc, &present, d));
	if (present) {
		SG_TRY(sg_der_bitstring(&pubc, &pub, d));
		SG_TRY(sg_der_leave(&pubc, d));
	}
	SG_TRY(sg_der_leave(seq, d));
	SG_TRY(sg_p256_key_from_private(priv.p, priv.len, out, d));
	/* A stored public key must be the one the scalar gives: a file whose halves disagree
	 * would sign with one key and advertise another. */
	if (present && (pub.len != sizeof out->pub || !sg_ct_equal(pub.p, out->pub, pub.len)))
		return sg_diag_fail(d, SG_ERR_KEY, "ECPrivateKey publicKey does not match");
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_sec1(const uint8_t *der, size_t len, int need_curve, sg_p256_key *out, sg_diag *d)
{
	sg_cur c, seq;
	sg_cur_init(&c, der, len);
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, &seq, d));
	SG_TRY(parse_ec_private(&seq, need_curve, out, d));
	return sg_cur_end(&c) == SG_OK ? SG_OK
				       : sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "EC private key",
					       c.off);
}

SG_MUST_USE static sg_err
parse_pkcs8(const uint8_t *der, size_t len, sg_p256_key *out, sg_diag *d)
{
	sg_cur c, pki, alg;
	sg_cur_init(&c, der, len);
	SG_TRY(sg_der_enter(&c, SG_DER_SEQUENCE, &pki, d));
	if (sg_cur_end(&c) != SG_OK)
		return sg_diag_fail_at(d, SG_ERR_DER_TRAILING, "PKCS#8 private key", c.off);
	int64_t version;
	SG_TRY(sg_der_int64(&pki, &version, d));
	if (version != 0)
		return sg_diag_fail(d, SG_ERR_KEY, "PKCS#8 version");
	SG_TRY(sg_der_enter(&pki, SG_DER_SEQUENCE, &alg, d));
	sg_slice oid;
	SG_TRY(sg_der_oid(&alg, &oid, d));
	if (sg_der_oid_eq(oid, sg_oid_rsa_encryption, sizeof sg_oid_rsa_encryption))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "PKCS#8 private key",
			"RSA keys are not supported; use an ECDSA P-256 key");
	if (sg_der_oid_eq(oid, sg_oid_ed25519, sizeof sg_oid_ed25519))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "PKCS#8 private key",
			"Ed25519 keys are not supported; use an ECDSA P-256 key");
	if (!sg_der_oid_eq(oid, sg_oid_ec_public_key, sizeof sg_oid_ec_public_key))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "PKCS#8 private key",
			"unsupported key algorithm");
	sg_slice curve;
	SG_TRY(sg_der_oid(&alg, &curve, d));
	SG_TRY(sg_der_leave(&alg, d));
	if (!sg_der_oid_eq(curve, sg_oid_prime256v1, sizeof sg_oid_prime256v1))
		return sg_diag_failf(d, SG_ERR_UNSUPPORTED, "PKCS#8 private key",
			"only the P-256 curve is supported");
	sg_cur inner, seq;
	SG_TRY(sg_der_enter(&pki, SG_DER_OCTET_STRING, &inner, d));
	/* No attributes: none of the producers we interoperate with writes them. */
	SG_TRY(sg_der_leave(&pki, d));
	SG_TRY(sg_der_enter(&inner, SG_DER_SEQUENCE, &seq, d));
	SG_TRY(sg_der_leave(&inner, d));
	return parse_ec_private(&seq, 0, out, d);
}

/* see keys.h */
sg_err
sg_keys_parse_pkcs8(const uint8_t *der, size_t len, sg_p256_key *out, sg_diag *d)
{
	sg_err e = parse_pkcs8(der, len, out, d);
	if (e != SG_OK)
		sg_p256_key_wipe(out);
	return e;
}

/* see keys.h */
sg_err
sg_keys_parse_sec1(const uint8_t *der, size_t len, sg_p256_key *out, sg_diag *d)
{
	sg_err e = parse_sec1(der, len, 1, out, d);
	if (e != SG_OK)
		sg_p256_key_wipe(out);
	return e;
}

/* see keys.h */
sg_err
sg_keys_load_private(const uint8_t *pem, size_t len, const uint8_t *pw, size_t pw_len,
	uint64_t max_n, sg_arena *arena, sg_p256_key *out, sg_diag *d)
{
	sg_keys_format fmt;
	sg_slice body = {NULL, 0};
	uint8_t plain[SG_MAX_KEY_DER];
	size_t plain_len = 0;
	sg_p256_key_wipe(out);
	sg_err err = sg_keys_read_pem(pem, len, arena, &fmt, &body, d);
	if (err != SG_OK)
		goto out;
	switch (fmt) {
	case SG_KEYS_ENCRYPTED:
		err = sg_keys_decrypt(body.p, body.len, pw, pw_len, max_n, arena, plain,
			sizeof plain, &plain_len, d);
		if (err == SG_OK)
			err = sg_keys_parse_pkcs8(plain, plain_len, out, d);
		break;
	case SG_KEYS_PKCS8:
		err = sg_keys_parse_pkcs8(body.p, body.len, out, d);
		break;
	case SG_KEYS_SEC1:
		err = sg_keys_parse_sec1(body.p, body.len, out, d);
		break;
	case SG_KEYS_NONE:
	default:
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "key file");
		break;
	}
out:
	sg_wipe(plain, sizeof plain);
	/* The decoded body of a plain key is the secret itself. */
	if (body.len > 0)
		sg_wipe((void *)(uintptr_t)body.p, body.len);
	if (err != SG_OK)
		sg_p256_key_wipe(out);
	return err;
}

/* ---- writing ---- */

/* see keys.h */
sg_err
sg_keys_write_pkcs8(const sg_p256_key *key, sg_buf *out)
{
	if (key->pub[0] != 0x04)
		return SG_ERR_ARG;
	/* Fixed sizes for P-256 (the numbers in parentheses are value lengths):
	 *   30 81 87 (135) { 02 01 00, 30 13 (19) { OID ecPublicKey, OID prime256v1 },
	 *     04 6d (109) { 30 6b (107) { 02 01 01, 04 20 priv,
	 *       a1 44 (68) { 03 42 00 pub } } } } */
	static const uint8_t one = 1, zero = 0;
	sg_der_write_header(out, SG_DER_SEQUENCE, 135);
	sg_der_write(out, SG_DER_INTEGER, &zero, 1);
	sg_der_write_header(out, SG_DER_SEQUENCE, 19);
	sg_der_write(out, SG_DER_OID, sg_oid_ec_public_key, sizeof sg_oid_ec_public_key);
	sg_der_write(out, SG_DER_OID, sg_oid_prime256v1, sizeof sg_oid_prime256v1);
	sg_der_write_header(out, SG_DER_OCTET_STRING, 109);
	sg_der_write_header(out, SG_DER_SEQUENCE, 107);
	sg_der_write(out, SG_DER_INTEGER, &one, 1);
	sg_der_write(out, SG_DER_OCTET_STRING, key->priv, sizeof key->priv);
	sg_der_write_header(out, SG_DER_CTX(1), 68);
	sg_der_write_header(out, SG_DER_BIT_STRING, 66);
	sg_buf_putc(out, 0);
	sg_buf_put(out, key->pub, sizeof key->pub);
	return sg_buf_status(out);
}

/* Append base64; a failure sets the buffer's sticky overflow flag, checked once at the end. */
static void
put_b64(sg_buf *b, const uint8_t *p, size_t n)
{
	if (sg_b64_encode(p, n, SG_B64_STD | SG_B64_PAD, b) != SG_OK)
		b->overflow = 1;
}

/* see keys.h */
sg_err
sg_keys_write_encrypted(const sg_p256_key *key, const uint8_t *pw, size_t pw_len,
	const sg_scrypt_params *prm, sg_drbg *rng, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	static const sg_scrypt_params cosign = {SG_KEYS_SCRYPT_N, SG_KEYS_SCRYPT_R,
		SG_KEYS_SCRYPT_P};
	uint8_t der[SG_KEYS_PKCS8_LEN], box[SG_KEYS_PKCS8_LEN + SG_SECRETBOX_MAC];
	uint8_t salt[SG_KEYS_SALT_LEN], nonce[SG_SECRETBOX_NONCE], k[SG_SECRETBOX_KEY];
	char json[1024];
	sg_buf db, jb;
	if (prm == NULL)
		prm = &cosign;
	sg_buf_init(&db, der, sizeof der);
	sg_err err = sg_keys_write_pkcs8(key, &db);
	if (err != SG_OK || db.len != sizeof der) {
		err = sg_diag_fail(d, err != SG_OK ? err : SG_ERR_INTERNAL, "PKCS#8 encoding");
		goto out;
	}
	sg_drbg_generate(rng, salt, sizeof salt);
	sg_drbg_generate(rng, nonce, sizeof nonce);
	err = sg_scrypt(pw, pw_len, salt, sizeof salt, prm, SG_MAX_SCRYPT_N, arena, k, sizeof k,
		d);
	if (err != SG_OK)
		goto out;
	sg_secretbox_seal(box, der, sizeof der, nonce, k);

	/* Byte for byte what Go's json.Marshal writes for go-securesystemslib's struct. */
	sg_buf_init(&jb, json, sizeof json);
	sg_buf_puts(&jb, "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":");
	sg_buf_put_dec(&jb, prm->n);
	sg_buf_puts(&jb, ",\"r\":");
	sg_buf_put_dec(&jb, prm->r);
	sg_buf_puts(&jb, ",\"p\":");
	sg_buf_put_dec(&jb, prm->p);
	sg_buf_puts(&jb, "},\"salt\":\"");
	put_b64(&jb, salt, sizeof salt);
	sg_buf_puts(&jb, "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"");
	put_b64(&jb, nonce, sizeof nonce);
	sg_buf_puts(&jb, "\"},\"ciphertext\":\"");
	put_b64(&jb, box, sizeof box);
	sg_buf_puts(&jb, "\"}");
	err = sg_buf_status(&jb);
	if (err != SG_OK) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "encrypted key JSON");
		goto out;
	}
	err = sg_pem_write(out, SG_KEYS_LABEL_SIGSTORE, (const uint8_t *)json, jb.len);
	if (err != SG_OK)
		err = sg_diag_fail(d, err, "encrypted key PEM");
out:
	sg_wipe(der, sizeof der);
	sg_wipe(k, sizeof k);
	sg_wipe(box, sizeof box);
	sg_wipe(json, sizeof json);
	return err;
}

/* see keys.h */
sg_err
sg_keys_write_public_pem(const sg_p256_key *key, sg_buf *out)
{
	uint8_t spki[SG_P256_SPKI_LEN];
	sg_buf b;
	sg_buf_init(&b, spki, sizeof spki);
	SG_TRY(sg_p256_write_spki(key->pub, &b));
	return sg_pem_write(out, SG_KEYS_LABEL_PUBLIC, spki, b.len);
}
