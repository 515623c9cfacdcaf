/* debug: the rows of `picosign debug PARSER FILE` (rank 9). Each row runs one parser on the
 * bytes of FILE and prints what it understood, so an audit or a fuzz finding can be replayed
 * from the command line; it returns SG_OK when the parser accepted the input, else the
 * parser's error (recorded in `d`). `canonical` is set by --canonical (json only). cli/debug.c
 * holds the one table of rows and the base64, hex, pem and der rows. */
#ifndef SG_DEBUG_H
#define SG_DEBUG_H

#include <stdio.h>

#include "base/bytes.h"
#include "base/err.h"

/* The `debug` parsers, one "  NAME  what it prints" line each; `debug --help` lists them. */
void sg_cli_debug_parsers(FILE *f);

/* cli/cert.c: x509, sct. */
SG_MUST_USE sg_err sg_debug_x509(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_sct(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
/* cli/debug_http.c: url, http-response. */
SG_MUST_USE sg_err sg_debug_url(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_http_response(sg_slice in, int canonical, sg_arena *arena,
	sg_diag *d);
/* cli/debug_sigstore.c: json, trustroot, bundle, checkpoint, dsse. */
SG_MUST_USE sg_err sg_debug_json(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_trustroot(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_bundle(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_checkpoint(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_dsse(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
/* cli/debug_oci.c: ociref, manifest, payload, wwwauth, docker-config. */
SG_MUST_USE sg_err sg_debug_ociref(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_manifest(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_payload(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_wwwauth(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);
SG_MUST_USE sg_err sg_debug_docker_config(sg_slice in, int canonical, sg_arena *arena,
	sg_diag *d);
/* cli/keys.c: keyfile (the key file's format; plain keys are parsed, encrypted ones only up
 * to their envelope: no password is asked). */
SG_MUST_USE sg_err sg_debug_keyfile(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);

#endif
