/* timestamp: the RFC 3161 client (rank 7; cosign-v3.md §1.6, §3.5; protocol.md §8.6).
 *
 *   POST <tsa url>   Content-Type: application/timestamp-query
 *   body: DER TimeStampReq over SHA-256 of the signature bytes, with a nonce and certReq
 *
 * The answer (200 or 201, as sigstore-go accepts both; at most SG_MAX_TIMESTAMP_DER bytes)
 * is checked before anyone uses it (pki/tsa.h sg_tsa_check_response): a TimeStampResp
 * granted, its imprint the signature's, its nonce the one sent, signed by a timestamp
 * authority of the trusted root and valid then. Only then is it handed out, whole, for a
 * bundle's rfc3161Timestamps[].signedTimestamp. */
#ifndef SG_TIMESTAMP_H
#define SG_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "pki/trustroot.h"
#include "pki/tsa.h"
#include "sys/http.h"

/* Timestamp `signature` at the TSA `url` with `nonce` (SG_TSA_NONCE_LEN bytes, random: the
 * caller draws them) and check the answer against `tr`. On success *resp is the DER
 * TimeStampResp (arena) and `out` its verified facts (genTime, the TSA). Errors: those of
 * sg_http_do; SG_ERR_TSA "Timestamp authority returned <status> ..." for another status;
 * SG_ERR_LIMIT (a larger answer); those of sg_tsa_check_response. */
SG_MUST_USE sg_err sg_timestamp_get(sg_http_client *http, const char *url, sg_http_plain plain,
	sg_slice signature, const uint8_t nonce[SG_TSA_NONCE_LEN], const sg_trustroot *tr,
	sg_arena *arena, sg_slice *resp, sg_tsa_result *out, sg_diag *d);

#endif
