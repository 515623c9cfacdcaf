/* p256: P-256 signing keys over BearSSL. See p256.h for the contract.
 *
 * Implementation notes. The EC engine is sg_ec_nist (crypto/ec.h), the same one pubkey.c verifies with
 * (constant-time p256_m31 for P-256). Signatures are produced raw (r||s) by BearSSL and encoded
 * with our own minimal DER writer, so what we emit is exactly what our strict parser accepts.
 * Private scalars, and every BearSSL structure and buffer that held one, are wiped with
 * sg_wipe on every path. */
#include "crypto/p256.h"

#include <string.h>

#include <bearssl.h>

#include "crypto/ec.h"
#include "crypto/pubkey.h"
#include "parse/der.h"

/* see p256.h */
sg_err
sg_p256_keygen(sg_drbg *r, sg_p256_key *key, sg_diag *d)
{
	sg_err err = SG_OK;
	uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
	br_ec_private_key sk;
	memset(&sk, 0, sizeof sk);
	memset(key, 0, sizeof *key);
	if (!r->seeded) {
		err = sg_diag_fail(d, SG_ERR_RANDOM, "P-256 key generation");
		goto out;
	}
	/* br_ec_keygen draws order-length strings from the DRBG, masks them to the order's bit
	 * length and rejects 0 and values >= n, so the scalar is uniform in [1, n-1]. */
	size_t kl = br_ec_keygen(sg_drbg_prng(r), &sg_ec_nist, &sk, kbuf, BR_EC_secp256r1);
	if (kl != sizeof key->priv) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 key generation");
		goto out;
	}
	memcpy(key->priv, kbuf, kl);
	if (br_ec_compute_pub(&sg_ec_nist, NULL, key->pub, &sk) != sizeof key->pub) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 key generation");
		goto out;
	}
out:
	sg_wipe(kbuf, sizeof kbuf);
	sg_wipe(&sk, sizeof sk);
	if (err != SG_OK)
		sg_p256_key_wipe(key);
	return err;
}

/* see p256.h */
sg_err
sg_p256_key_from_private(const uint8_t *priv, size_t len, sg_p256_key *key, sg_diag *d)
{
	sg_err err = SG_OK;
	br_ec_private_key sk;
	memset(&sk, 0, sizeof sk);
	memset(key, 0, sizeof *key);
	if (len == 0 || len > sizeof key->priv) {
		err = sg_diag_failf(d, SG_ERR_KEY, "P-256 private key",
			"scalar has %zu bytes, want 1 to 32", len);
		goto out;
	}
	memcpy(key->priv + sizeof key->priv - len, priv, len);
	/* 1 <= d <= n-1, without branching on secret bytes: borrow of d - n, and an OR. */
	uint32_t borrow = 0;
	uint8_t acc = 0;
	for (size_t i = sizeof key->priv; i-- > 0;) {
		uint32_t diff = (uint32_t)key->priv[i] - (uint32_t)sg_p256_order[i] - borrow;
		borrow = (diff >> 31) & 1u;
		acc |= key->priv[i];
	}
	if (borrow == 0 || acc == 0) {
		err = sg_diag_failf(d, SG_ERR_KEY, "P-256 private key",
			"scalar is not in [1, n-1]");
		goto out;
	}
	sk.curve = BR_EC_secp256r1;
	sk.x = key->priv;
	sk.xlen = sizeof key->priv;
	if (br_ec_compute_pub(&sg_ec_nist, NULL, key->pub, &sk) != sizeof key->pub)
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 private key");
out:
	sg_wipe(&sk, sizeof sk);
	if (err != SG_OK)
		sg_p256_key_wipe(key);
	return err;
}

/* see p256.h */
sg_err
sg_p256_sign_digest(const sg_p256_key *key, const uint8_t hash[SG_SHA256_LEN], uint8_t *sig,
	size_t cap, size_t *sig_len, sg_diag *d)
{
	sg_err err = SG_OK;
	uint8_t x[32], raw[64], inner[2 * (2 + 33)];
	br_ec_private_key sk = {BR_EC_secp256r1, x, sizeof x};
	*sig_len = 0;
	memcpy(x, key->priv, sizeof x);
	if (sg_all_zero(x, sizeof x)) {
		err = sg_diag_fail(d, SG_ERR_KEY, "P-256 signing");
		goto out;
	}
	/* Raw r||s, then our own minimal DER: BearSSL's asn1 encoder is not our DER writer, and
	 * what we emit must be exactly what our strict parser (and cosign's) accept. */
	if (br_ecdsa_i31_sign_raw(&sg_ec_nist, &br_sha256_vtable, hash, &sk, raw) != sizeof raw) {
		err = sg_diag_fail(d, SG_ERR_KEY, "P-256 signing");
		goto out;
	}
	sg_buf b, o;
	sg_buf_init(&b, inner, sizeof inner);
	sg_der_write_uint(&b, raw, 32);
	sg_der_write_uint(&b, raw + 32, 32);
	if (sg_buf_status(&b) != SG_OK) {
		err = sg_diag_fail(d, SG_ERR_INTERNAL, "P-256 signing");
		goto out;
	}
	sg_buf_init(&o, sig, cap);
	sg_der_write(&o, SG_DER_SEQUENCE, inner, b.len);
	if (sg_buf_status(&o) != SG_OK) {
		memset(sig, 0, cap);
		err = sg_diag_fail(d, SG_ERR_LIMIT, "P-256 signature buffer");
		goto out;
	}
	*sig_len = o.len;
out:
	sg_wipe(x, sizeof x);
	sg_wipe(&sk, sizeof sk);
	return err;
}

/* see p256.h */
sg_err
sg_p256_write_spki(const uint8_t pub[65], sg_buf *out)
{
	if (pub[0] != 0x04)
		return SG_ERR_ARG;
	/* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 00 04 X Y } } */
	const size_t alg_len = (2 + sizeof sg_oid_ec_public_key) + (2 + sizeof sg_oid_prime256v1);
	const size_t key_len = 1 + 65;
	const size_t body = (2 + alg_len) + (2 + key_len);
	size_t start = out->len;
	sg_der_write_header(out, SG_DER_SEQUENCE, body);
	sg_der_write_header(out, SG_DER_SEQUENCE, alg_len);
	sg_der_write(out, SG_DER_OID, sg_oid_ec_public_key, sizeof sg_oid_ec_public_key);
	sg_der_write(out, SG_DER_OID, sg_oid_prime256v1, sizeof sg_oid_prime256v1);
	sg_der_write_header(out, SG_DER_BIT_STRING, key_len);
	sg_buf_putc(out, 0x00);
	sg_buf_put(out, pub, 65);
	SG_TRY(sg_buf_status(out));
	return out->len - start == SG_P256_SPKI_LEN ? SG_OK : SG_ERR_INTERNAL;
}

/* see p256.h */
void
sg_p256_key_wipe(sg_p256_key *key)
{
	sg_wipe(key, sizeof *key);
}
