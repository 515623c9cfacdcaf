/* ec: the one elliptic-curve engine picosign hands to BearSSL (rank 2).
 *
 * BearSSL's br_ec_all_m31 bundles P-256 (p256_m31), P-384/P-521 (prime_i31) and Curve25519
 * (c25519_m31). picosign verifies and signs on the NIST curves only, and with this engine
 * TLS offers them alone for ECDHE (secp256r1 first), so Curve25519's code is never linked:
 * about 4 KB of the static binary's budget. Every server a TLS 1.2 client meets supports
 * P-256 key exchange. Included only by crypto/ and sys/net.c (it brings <bearssl.h>). */
#ifndef SG_CRYPTO_EC_H
#define SG_CRYPTO_EC_H

#include <bearssl.h>

/* P-256 through p256_m31 (constant time, the fast path of every ECDSA check), P-384 and
 * P-521 through prime_i31. */
extern const br_ec_impl sg_ec_nist;

#endif
