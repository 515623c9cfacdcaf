/* commands: the entry points main.c dispatches to, one per command (rank 9). Each takes the
 * command's argv (argv[0] is the command name) and a fresh arena that main.c wipes after it,
 * and returns the process exit code (cli.h: cosign's codes). */
#ifndef SG_COMMANDS_H
#define SG_COMMANDS_H

#include "base/bytes.h"

/* cli/verify_image.c: `verify IMAGE` and `verify-attestation IMAGE`. */
int sg_cmd_verify(int argc, char **argv, sg_arena *arena);
int sg_cmd_verify_attestation(int argc, char **argv, sg_arena *arena);
/* cli/verify_blob.c: `verify-blob` and the conformance client's `verify-bundle`. */
int sg_cmd_verify_blob(int argc, char **argv, sg_arena *arena);
int sg_cmd_verify_bundle(int argc, char **argv, sg_arena *arena);
/* cli/sign_image.c: `sign IMAGE`, with --key or keyless (one flag table for both). */
int sg_cmd_sign(int argc, char **argv, sg_arena *arena);
/* cli/sign_blob.c: keyless `sign-blob` and the conformance client's `sign-bundle`. */
int sg_cmd_sign_blob(int argc, char **argv, sg_arena *arena);
int sg_cmd_sign_bundle(int argc, char **argv, sg_arena *arena);
/* cli/keys.c: `generate-key-pair`, `public-key`. */
int sg_cmd_generate_key_pair(int argc, char **argv, sg_arena *arena);
int sg_cmd_public_key(int argc, char **argv, sg_arena *arena);
/* cli/cert.c: `cert`. */
int sg_cmd_cert(int argc, char **argv, sg_arena *arena);
/* cli/download.c: `download signature IMAGE`, `download attestation IMAGE`. */
int sg_cmd_download(int argc, char **argv, sg_arena *arena);
/* cli/sign_image.c: `attest --predicate FILE --type TYPE IMAGE`. */
int sg_cmd_attest(int argc, char **argv, sg_arena *arena);
/* cli/save.c: `save IMAGE --dir DIR`, an OCI layout for verify --local-image. */
int sg_cmd_save(int argc, char **argv, sg_arena *arena);
/* cli/tree.c: `tree IMAGE`. */
int sg_cmd_tree(int argc, char **argv, sg_arena *arena);
/* cli/triangulate.c: `triangulate IMAGE`. */
int sg_cmd_triangulate(int argc, char **argv, sg_arena *arena);
/* cli/initialize.c: `initialize`, refresh the TUF cache; cli/trust_show.c: `trust`, what
 * verification trusts and which endpoints picosign contacts. */
int sg_cmd_initialize(int argc, char **argv, sg_arena *arena);
int sg_cmd_trust(int argc, char **argv, sg_arena *arena);
/* cli/debug.c: `debug PARSER FILE`; cli/debug_http.c: `debug http-get [flags] URL`, one GET
 * through net + http. */
int sg_cmd_debug(int argc, char **argv, sg_arena *arena);
int sg_cmd_debug_http_get(int argc, char **argv, sg_arena *arena);

#endif
