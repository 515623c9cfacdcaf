/* signing_config: which Sigstore services a signer uses (rank 4, offline; cosign-v3.md §3):
 * the SigningConfig v0.2 document (protobuf-specs sigstore_trustroot.proto, media type
 * application/vnd.dev.sigstore.signingconfig.v0.2+json) and the selection rules of sigstore-go
 * (pkg/root/signing_config.go SelectService / SelectServices), at a given time:
 *   - a service is valid when start <= now <= end (a missing end is open);
 *   - CA and OIDC: the one valid service of the highest API version the client supports,
 *     the newest `start` first;
 *   - transparency logs and TSAs: only the highest supported API version that has a valid
 *     service, at most one service per operator (the newest), then the config's selector:
 *     ALL takes them all, ANY one, EXACT `count` (too few is an error), UNDEFINED is an
 *     error. Services of several API versions are never mixed.
 * ANY takes the first candidate (newest start, then document order) where sigstore-go draws
 * one at random: this module has no randomness, and a deterministic choice is reproducible
 * (docs/decisions.md). */
#ifndef SG_SIGNING_CONFIG_H
#define SG_SIGNING_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"

#define SG_SIGNING_CONFIG_MEDIA_TYPE "application/vnd.dev.sigstore.signingconfig.v0.2+json"

typedef enum sg_sc_kind {
	SG_SC_CA = 0,   /* caUrls: Fulcio */
	SG_SC_OIDC = 1, /* oidcUrls */
	SG_SC_TLOG = 2, /* rekorTlogUrls */
	SG_SC_TSA = 3,  /* tsaUrls */
	SG_SC_KINDS = 4,
} sg_sc_kind;

typedef enum sg_sc_selector {
	SG_SC_SEL_UNDEFINED = 0,
	SG_SC_SEL_ALL,
	SG_SC_SEL_ANY,
	SG_SC_SEL_EXACT,
} sg_sc_selector;

/* One Service. Views point into the parsed document, or into the arena for strings that held
 * escapes: valid while both live. */
typedef struct sg_sc_service {
	sg_slice url;
	uint32_t major;     /* majorApiVersion */
	int64_t start, end; /* validFor; INT64_MIN / INT64_MAX when absent */
	sg_slice operator;  /* may be empty */
} sg_sc_service;

typedef struct sg_signing_config {
	sg_sc_service services[SG_SC_KINDS][SG_MAX_SC_SERVICES];
	size_t n[SG_SC_KINDS];
	sg_sc_selector selector[SG_SC_KINDS]; /* TLOG and TSA only (rekorTlogConfig, tsaConfig) */
	uint32_t count[SG_SC_KINDS];          /* EXACT's count */
} sg_signing_config;

/* Parse a SigningConfig v0.2 (at most SG_MAX_JSON bytes). The media type must be exactly
 * SG_SIGNING_CONFIG_MEDIA_TYPE (SG_ERR_UNSUPPORTED otherwise, as sigstore-go); each service
 * needs a non-empty url; majorApiVersion and validFor.start/end are optional. Errors: SG_ERR_JSON_*, SG_ERR_UNSUPPORTED, SG_ERR_LIMIT (more than
 * SG_MAX_SC_SERVICES services of a kind). `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_signing_config_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_signing_config *out, sg_diag *d);

/* The CA or OIDC service to use at `now` (the rule above), among API versions supported[0..n)
 * (e.g. {1}). SG_ERR_NOT_FOUND when none is valid at `now` with a supported version; then
 * *other_version says a service of another version was valid. */
SG_MUST_USE sg_err sg_signing_config_select_one(const sg_signing_config *sc, sg_sc_kind kind,
	int64_t now, const uint32_t *supported, size_t n_supported, const sg_sc_service **out,
	int *other_version, sg_diag *d);

/* The transparency logs or TSAs to use at `now` (the rule above): up to `cap` services into
 * out[0..*n_out). SG_ERR_NOT_FOUND when none is valid with a supported version (then
 * *other_version says one of another version was), SG_ERR_UNSUPPORTED for an UNDEFINED
 * selector, SG_ERR_LIMIT when EXACT asks for more than are valid or than `cap`. */
SG_MUST_USE sg_err sg_signing_config_select(const sg_signing_config *sc, sg_sc_kind kind,
	int64_t now, const uint32_t *supported, size_t n_supported, const sg_sc_service **out,
	size_t cap, size_t *n_out, int *other_version, sg_diag *d);

#endif
