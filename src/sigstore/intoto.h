/* intoto: in-toto statements (rank 4; github.com/in-toto/attestation, spec/v1/statement.md):
 * {"_type": "https://in-toto.io/Statement/v1" (or v0.1), "subject": [{"name", "digest":
 * {alg: hex}}], "predicateType": str, "predicate": {...}}. Only what matching needs is
 * exposed: the subjects' sha256/sha384/sha512 digests and the predicate type. */
#ifndef SG_INTOTO_H
#define SG_INTOTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "parse/json.h"

typedef struct sg_intoto_subject {
	sg_slice name; /* may be empty */
	uint8_t sha256[SG_SHA256_LEN];
	uint8_t sha384[SG_SHA384_LEN];
	uint8_t sha512[SG_SHA512_LEN];
	unsigned has; /* bit 1 << SG_HASH_SHA256 etc. for each digest present */
} sg_intoto_subject;

typedef struct sg_intoto_statement {
	sg_slice type; /* _type */
	sg_slice predicate_type;
	sg_intoto_subject *subjects; /* in the arena */
	size_t n_subjects;
} sg_intoto_statement;

/* Parse an in-toto statement (the DSSE payload, at most SG_MAX_JSON bytes). Required: _type
 * one of the two Statement URIs, subject (1..SG_MAX_INTOTO_SUBJECTS objects each with a
 * "digest" object), predicateType. Digest values for sha256/sha384/sha512 must be lowercase
 * hex of the right length; other algorithms are ignored. Errors: SG_ERR_JSON_*, SG_ERR_HEX,
 * SG_ERR_VERIFY_PAYLOAD, SG_ERR_LIMIT. `out` zeroed on failure. */
SG_MUST_USE sg_err sg_intoto_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_intoto_statement *out, sg_diag *d);

/* 1 when some subject has digest `alg` equal to digest[0..len). */
int sg_intoto_has_digest(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len);

#endif
