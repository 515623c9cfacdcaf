/* intoto: in-toto statements (rank 4; github.com/in-toto/attestation, spec/v1/statement.md):
 * {"_type": "https://in-toto.io/Statement/v1" (or v0.1), "subject": [{"name", "digest":
 * {alg: hex}, "annotations": {...}}], "predicateType": str, "predicate": {...}}. What matching
 * needs is exposed: the subjects' sha256/sha384/sha512 digests, their annotations (cosign v3
 * puts `-a key=value` there, cosign-v3.md §1.2) and the predicate type.
 *
 * The writer makes the statements cosign signs: `sign IMAGE` (Statement v1, one subject with
 * only a sha256 digest and its annotations, predicateType https://sigstore.dev/cosign/sign/v1,
 * predicate {}) and `attest` (Statement v0.1, the subject named by its repository). cosign
 * marshals with protojson, whose whitespace varies by build (cosign-v3.md §1.2): verifiers
 * parse, so picosign writes compact JSON. */
#ifndef SG_INTOTO_H
#define SG_INTOTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "parse/json.h"

#define SG_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define SG_INTOTO_STATEMENT_V01 "https://in-toto.io/Statement/v0.1"
/* cosign v3's image signature (cosign pkg/types CosignSignPredicateType). */
#define SG_INTOTO_COSIGN_SIGN "https://sigstore.dev/cosign/sign/v1"

typedef struct sg_intoto_subject {
	sg_slice name; /* may be empty */
	size_t annotations; /* token of its "annotations" object in st->json, or SG_JSON_NONE */
	uint8_t sha256[SG_SHA256_LEN];
	uint8_t sha384[SG_SHA384_LEN];
	uint8_t sha512[SG_SHA512_LEN];
	unsigned has; /* bit 1 << SG_HASH_SHA256 etc. for each digest present */
} sg_intoto_subject;

typedef struct sg_intoto_statement {
	sg_json json;  /* the parsed document (tokens in the arena), for the annotation values */
	sg_slice type; /* _type */
	sg_slice predicate_type;
	sg_intoto_subject *subjects; /* in the arena */
	size_t n_subjects;
} sg_intoto_statement;

/* Parse an in-toto statement (the DSSE payload, at most SG_MAX_JSON bytes). Required: _type
 * one of the two Statement URIs, subject (1..SG_MAX_INTOTO_SUBJECTS objects each with a
 * "digest" object of 1..SG_MAX_INTOTO_DIGESTS string values), predicateType. Digest values
 * for sha256/sha384/sha512 must be lowercase hex of the right length; other algorithms are
 * ignored. "annotations", when present, must be an object of at most
 * SG_MAX_INTOTO_ANNOTATIONS members (any JSON values, as protobuf's Struct). Errors:
 * SG_ERR_JSON_*, SG_ERR_HEX, SG_ERR_VERIFY_PAYLOAD, SG_ERR_LIMIT. `out` zeroed on failure;
 * views live as long as `json` and the arena. */
SG_MUST_USE sg_err sg_intoto_parse(
	const uint8_t *json, size_t len, sg_arena *arena, sg_intoto_statement *out, sg_diag *d);

/* 1 when some subject has digest `alg` equal to digest[0..len). */
int sg_intoto_has_digest(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len);

/* The index of the first subject whose `alg` digest is digest[0..len), or -1. */
long sg_intoto_find_subject(
	const sg_intoto_statement *st, sg_hash_alg alg, const uint8_t *digest, size_t len);

/* cosign's claim check on subject `subject` (IntotoSubjectClaimVerifier): every want[i].key
 * must be among its annotations with a string value equal to want[i].value. SG_OK, or
 * SG_ERR_POLICY_ANNOTATION with cosign's message "missing or incorrect annotation"
 * (verbatim). Scratch (unescaped strings) from `arena`. */
SG_MUST_USE sg_err sg_intoto_check_annotations(const sg_intoto_statement *st, size_t subject,
	const sg_kv *want, size_t n, sg_arena *arena, sg_diag *d);

/* What sg_intoto_write writes. */
typedef struct sg_intoto_spec {
	const char *type;        /* SG_INTOTO_STATEMENT_V1 or _V01 */
	sg_slice name;           /* the subject's name; empty: no "name" member */
	uint8_t sha256[SG_SHA256_LEN];
	int with_annotations;    /* write "annotations" (cosign sign always does, even {}) */
	const sg_kv *annots;     /* its members (string values), written in key order */
	size_t n_annots;
	sg_slice predicate_type;
	sg_slice predicate;      /* one complete JSON value, e.g. "{}" */
} sg_intoto_spec;

/* ---- cosign attest's predicates (cosign pkg/cosign/attestation, options/predicate.go) ---- */

/* The predicate type for cosign's --type `type`: one of its names (slsaprovenance,
 * slsaprovenance02, slsaprovenance1, link, spdx, spdxjson, cyclonedx, vuln, openvex, custom)
 * or, as Go's url.ParseRequestURI accepts it, a URI with a scheme or an absolute path.
 * SG_ERR_USAGE "invalid predicate type: <type>" otherwise (cosign's message). */
SG_MUST_USE sg_err sg_intoto_predicate_type(const char *type, const char **uri, sg_diag *d);

/* The predicate cosign attest makes of predicate file `file` for --type `type`: custom (the
 * default) wraps it as {"Data":"<file>","Timestamp":"<timestamp>"} (the file must be UTF-8);
 * spdx makes it a JSON string; every other type takes the file as a JSON object, written in
 * RFC 8785 form (keys sorted, as protobuf's Struct marshals them). JSON in the arena. Errors:
 * SG_ERR_ARG (not UTF-8), SG_ERR_VERIFY_PAYLOAD ("invalid JSON payload for predicate type
 * T"), SG_ERR_JSON_*, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_intoto_cosign_predicate(const char *type, sg_slice file, sg_slice timestamp,
	sg_arena *arena, sg_slice *out, sg_diag *d);

/* Append the statement `s` to `out` as compact JSON: _type, subject (one: name, digest
 * {"sha256": hex}, annotations), predicateType, predicate. Errors: SG_ERR_ARG (a predicate
 * that is not one JSON value, duplicate annotation keys, more than SG_MAX_INTOTO_ANNOTATIONS,
 * invalid UTF-8), SG_ERR_LIMIT (buffer). */
SG_MUST_USE sg_err sg_intoto_write(const sg_intoto_spec *s, sg_buf *out, sg_diag *d);

/* The same into the arena, sized from `s` (every string escaped at worst, the predicate as
 * is): *out views it. Errors as sg_intoto_write, and SG_ERR_LIMIT when the arena is full. */
SG_MUST_USE sg_err sg_intoto_make(const sg_intoto_spec *s, sg_arena *arena, sg_slice *out,
	sg_diag *d);

#endif
