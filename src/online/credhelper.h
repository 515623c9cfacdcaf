/* credhelper: docker credential helpers (rank 7): `docker-credential-<name> get`, run with a
 * deadline, and the JSON it prints. */
#ifndef SG_CREDHELPER_H
#define SG_CREDHELPER_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

/* What a helper returned. Username "<token>" means Secret is an identity token. Views into
 * the helper's output (secret; the caller wipes it). */
typedef struct sg_cred_helper_reply {
	sg_slice username;
	sg_slice secret;
	int identity_token;
} sg_cred_helper_reply;

/* Parse the JSON a helper prints for "get": {"ServerURL":..,"Username":..,"Secret":..}.
 * Errors: SG_ERR_JSON_*, SG_ERR_OCI_AUTH (missing or empty Secret). */
SG_MUST_USE sg_err sg_cred_helper_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_cred_helper_reply *out, sg_diag *d);

/* Run `docker-credential-<helper> get` (found through PATH), write `server` to its standard
 * input, read at most SG_MAX_CRED_HELPER_OUTPUT bytes of standard output into out[0..cap).
 * The helper has `timeout_ms` (0: SG_CRED_HELPER_TIMEOUT_MS) to answer and exit, whether or
 * not it closed its output; then it is killed. *found = 0 when the helper answers
 * "credentials not found". The helper name must be [A-Za-z0-9._-]+. The output is the
 * caller's to wipe. Errors: SG_ERR_OCI_AUTH (cannot run, timeout, failure; its stderr is not
 * shown since it may echo secrets), SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_cred_helper_run(sg_slice helper, sg_slice server, unsigned timeout_ms,
	uint8_t *out, size_t cap, size_t *out_len, int *found, sg_diag *d);

#endif
