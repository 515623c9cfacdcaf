/* fulcio: the Fulcio v2 client (layer 6; protocol.md §3.1).
 *
 *   POST <base>/api/v2/signingCert
 *   {"credentials":{"oidcIdentityToken":"<JWT>"},
 *    "publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":"<SPKI PEM>"},
 *                        "proofOfPossession":"<base64 DER ECDSA over the principal>"}}
 *
 * The answer (200, or 201 from test services) is {"signedCertificateEmbeddedSct":{"chain":
 * {"certificates":["<PEM>",...]}}}: leaf first, each string one PEM CERTIFICATE block. The
 * detached-SCT form is refused (the public-good Fulcio embeds SCTs and sigstore-go requires
 * them). Errors are the grpc-gateway body {"code":N,"message":"...","details":[]}, turned into
 * "Fulcio returned <status>: <message>".
 *
 * Nothing here verifies the chain: the sign flow does, against the trusted root, before use. */
#ifndef SG_FULCIO_H
#define SG_FULCIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/p256.h"
#include "sys/http.h"

#define SG_FULCIO_DEFAULT_URL "https://fulcio.sigstore.dev"
#define SG_FULCIO_STAGING_URL "https://fulcio.sigstage.dev"

/* Write the signingCert request body for `key` into `out`: the token, the key's SPKI as PEM,
 * and the proof of possession (ECDSA P-256 SHA-256 over the bytes of `principal`, which the
 * caller chose with sg_jwt_principal). The body holds the token: the caller wipes it.
 * SG_ERR_LIMIT when `out` is too small, SG_ERR_KEY for a bad key. */
SG_MUST_USE sg_err sg_fulcio_build_request(sg_slice token, const sg_p256_key *key,
	sg_slice principal, sg_buf *out, sg_diag *d);

/* A certificate chain as Fulcio returned it. */
typedef struct sg_fulcio_chain {
	sg_slice der[SG_MAX_CHAIN]; /* DER, leaf first (in the arena) */
	size_t n;
} sg_fulcio_chain;

/* Interpret a Fulcio answer of HTTP status `status` with body[0..len).
 * 200/201: the JSON above; each certificate string must hold exactly one PEM CERTIFICATE
 * block (1..SG_MAX_CHAIN of them, each at most SG_MAX_CERT bytes of DER), decoded into the
 * arena. Errors: SG_ERR_FULCIO (anything else: an error status, with the grpc message when the
 * body has one, or a printable excerpt of a plain-text body; a malformed success body),
 * SG_ERR_UNSUPPORTED (a detached SCT), SG_ERR_LIMIT. Messages never quote more than 200 bytes
 * of the body. `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_fulcio_parse_response(int status, const uint8_t *body, size_t len,
	sg_arena *arena, sg_fulcio_chain *out, sg_diag *d);

/* The whole exchange: build the request, POST it to <base_url>/api/v2/signingCert with
 * `http` (plain http allowed as `plain` says), parse the answer. Transport errors are those of
 * sg_http_do. The request buffer (it held the token) is wiped before returning. */
SG_MUST_USE sg_err sg_fulcio_get_cert(sg_http_client *http, const char *base_url,
	sg_http_plain plain, sg_slice token, const sg_p256_key *key, sg_slice principal,
	sg_arena *arena, sg_fulcio_chain *out, sg_diag *d);

/* Shared by fulcio and rekor: the message of an error answer, "<Service> returned <status>
 * <reason phrase>: <message>". The message is the JSON "message" member when the body is a
 * JSON object that has one, else the body's first line with anything unprintable replaced, cut
 * at 200 bytes; a message containing "eyJ" (how every JWT starts) is withheld. `arena` (may
 * be NULL) is scratch for the JSON parse. Records `code` with that verbatim text. */
SG_MUST_USE sg_err sg_service_error(sg_diag *d, sg_err code, const char *service, int status,
	const uint8_t *body, size_t len, sg_arena *arena);

#endif
