/* regerr: the text of a failed registry answer (rank 7), as go-containerregistry (and so
 * cosign) prints it, shared by the registry client and its authentication. */
#ifndef SG_REGERR_H
#define SG_REGERR_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "sys/http.h"

/* Longest error text built (it ends up in the 512-byte diag detail). */
#define SG_REGERR_TEXT_MAX 600u

/* Decode a registry error body ({"errors":[{"code","message","detail"}]}) into ggcr's text:
 * "CODE: message" (with "; <detail>" when the detail is a string, or "; map[k:v ...]" for an
 * object of scalars, as Go's %v prints it), several joined as "multiple errors returned: a; b".
 * Returns 0 (and writes nothing) when the body is not such a document. Non-printable bytes
 * are written as '?'. Scratch from `arena` is handed back. out is NUL-terminated. */
size_t sg_regerr_text(const uint8_t *body, size_t len, sg_arena *arena, char *out,
	size_t cap);

/* Record a non-2xx answer to `method` `req_url` as ggcr words it: "<METHOD> <url>: <text>",
 * the URL without its query (upload URLs carry long state, some registries put tokens there),
 * <text> from sg_regerr_text, else "unexpected status code <n> <reason>[: <body>]". The code
 * is SG_ERR_OCI_AUTH for 401 and 403, SG_ERR_OCI_NOT_FOUND for 404, else
 * SG_ERR_OCI_REGISTRY; it is returned. */
SG_MUST_USE sg_err sg_regerr_fail(const char *method, sg_slice req_url,
	const sg_http_response *resp, sg_arena *arena, sg_diag *d);

/* Append printable ASCII of p[0..n) to b, other bytes as '?'. */
void sg_regerr_put_printable(sg_buf *b, const uint8_t *p, size_t n);

#endif
