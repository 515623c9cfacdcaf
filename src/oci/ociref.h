/* ociref: container image references and digests (layer 3), parsed and normalised the way
 * docker and go-containerregistry (ggcr, cosign's registry library) do (protocol.md §1.2, §2.1).
 *
 *   [registry "/"] path [":" tag] ["@" digest]
 *
 * - registry: the first "/"-separated component when it contains '.' or ':' or is exactly
 *   "localhost" (docker's rule; ggcr alone would not treat a bare "localhost" as a host).
 *   Otherwise the registry is Docker Hub, written "index.docker.io"; "docker.io" is rewritten
 *   to "index.docker.io". Grammar (distribution/reference): host = label ("." label)* with
 *   label = [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9], or "[" IPv6 hex/colons "]",
 *   then an optional ":" port of 1-5 digits. At most 255 bytes.
 * - path: components joined by "/", each [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*; 2..255 bytes
 *   (ggcr's bounds). Docker Hub single-component paths get "library/" prepended.
 * - tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; "latest" when neither tag nor digest is given.
 * - digest: "sha256:" + 64 lowercase hex. Other well-formed algorithms ("sha512:...") are
 *   SG_ERR_UNSUPPORTED: ggcr's hash type accepts only sha256, so cosign cannot sign them either.
 *   With both a tag and a digest the digest wins and the tag is dropped from Name(), as ggcr.
 *
 * Everything is copied into fixed arrays inside sg_ociref, NUL-terminated (they hold only
 * validated ASCII), so a parsed reference does not depend on the input's lifetime. */
#ifndef SG_OCIREF_H
#define SG_OCIREF_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

#define SG_OCI_REGISTRY_MAX 255u
#define SG_OCI_REPO_MAX 255u
#define SG_OCI_TAG_MAX 128u
/* "sha256:" + 64 hex */
#define SG_OCI_DIGEST_STR_LEN 71u
/* "sha256-" + 64 hex + ".sig" */
#define SG_OCI_SIG_TAG_LEN 75u
/* Name() is at most registry "/" repository ("@" digest | ":" tag). */
#define SG_OCI_NAME_MAX (SG_OCI_REGISTRY_MAX + 1u + SG_OCI_REPO_MAX + 1u + SG_OCI_TAG_MAX)

#define SG_OCI_DOCKER_HUB "index.docker.io"

typedef struct sg_ociref {
	char registry[SG_OCI_REGISTRY_MAX + 1];   /* "index.docker.io", "localhost:5000" */
	size_t registry_len;
	char repository[SG_OCI_REPO_MAX + 1];     /* "library/alpine" (with implicit prefix) */
	size_t repository_len;
	char tag[SG_OCI_TAG_MAX + 1];             /* "" when a digest is given */
	size_t tag_len;
	int has_digest;
	uint8_t digest[32];                       /* sha256, valid when has_digest */
	char digest_str[SG_OCI_DIGEST_STR_LEN + 1]; /* "sha256:<hex>", "" when none */
} sg_ociref;

/* Parse image reference `s` (`len` bytes, at most SG_MAX_OCI_REF). Errors: SG_ERR_OCI_REF
 * (grammar, with a detail naming the part: registry, repository, tag), SG_ERR_OCI_DIGEST (a
 * malformed digest, e.g. wrong length or uppercase hex), SG_ERR_UNSUPPORTED (a well-formed
 * digest with another algorithm), SG_ERR_LIMIT (too long). `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_ociref_parse(const uint8_t *s, size_t len, sg_ociref *out, sg_diag *d);

/* Parse "sha256:<64 lowercase hex>" into `out`. Errors as the digest part above; `what`
 * names the field for the diagnostic. `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_oci_digest_parse(const uint8_t *s, size_t len, const char *what,
	uint8_t out[32], sg_diag *d);

/* Write "sha256:<hex>" and a terminating NUL into `out`. */
void sg_oci_digest_format(const uint8_t digest[32], char out[SG_OCI_DIGEST_STR_LEN + 1]);

/* SHA-256 of `p` as digest bytes (the digest of a manifest or blob is that of its exact
 * bytes). */
void sg_oci_digest_of(const void *p, size_t len, uint8_t out[32]);

/* Set (or replace) the digest of `ref`, e.g. after resolving a tag; the tag is kept for
 * callers that want it, but Name() now uses the digest form. */
void sg_ociref_set_digest(sg_ociref *ref, const uint8_t digest[32]);

/* Append ggcr's Name(): "registry/repository@sha256:<hex>" with a digest, else
 * "registry/repository:tag" (what cosign prints in "Verification for <name> --").
 * SG_ERR_LIMIT when `out` is full. */
SG_MUST_USE sg_err sg_ociref_name(const sg_ociref *ref, sg_buf *out);

/* Append the repository name "registry/repository": the simple-signing docker-reference. */
SG_MUST_USE sg_err sg_ociref_repo_name(const sg_ociref *ref, sg_buf *out);

/* Write the signature tag "sha256-<hex>.sig" for manifest digest `digest`, NUL-terminated. */
void sg_oci_sig_tag(const uint8_t digest[32], char out[SG_OCI_SIG_TAG_LEN + 1]);

/* Append cosign triangulate's answer "registry/repository:sha256-<hex>.sig". `ref` must have a
 * digest (SG_ERR_ARG otherwise: a tag needs a registry lookup first). SG_ERR_LIMIT when full. */
SG_MUST_USE sg_err sg_ociref_triangulate(const sg_ociref *ref, sg_buf *out);

/* 1 when ggcr would talk plain http to this registry by default: "localhost[:port]",
 * "*.localhost[:port]", "127.0.0.1[:port]", "::1" / "[::1][:port]", and RFC 1918 IPv4
 * addresses (10/8, 172.16/12, 192.168/16) with an optional port (protocol.md §2.5). */
int sg_ociref_default_plain_http(const sg_ociref *ref);

#endif
