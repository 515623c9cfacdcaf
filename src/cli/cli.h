/* cli: what the command-line layer shares (rank 9): exit codes, flag parsing, error output,
 * where a command's trusted root, password, private key and registry connection come from.
 * The command entry points are in commands.h, the `debug` rows in debug.h. Files and the
 * terminal are reached through sys/os.h, never directly. */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/p256.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/registry.h"
#include "crypto/drbg.h"
#include "pki/trustroot.h"
#include "sign/sign.h"
#include "sys/http.h"
#include "sys/net.h"

/* Exit codes, as cosign uses them so scripts written for cosign keep working. */
enum {
	SG_EXIT_OK = 0,
	SG_EXIT_FAIL = 1,
	SG_EXIT_NO_SIGNATURES = 10,
	SG_EXIT_NO_TAG = 11,
	SG_EXIT_NO_MATCH = 12,
};

#define SG_VERSION "0.1.0"

/* A command: argv[0] is the command name. The arena is fresh and is wiped after the command. */
typedef int (*sg_cli_cmd_fn)(int argc, char **argv, sg_arena *arena);

/* ---- flags (cli/flags.c) ---- */

/* A command-line flag: a string flag stores its value (NULL when absent); a boolean flag
 * (value == NULL) sets *on. Both spellings "--name value" and "--name=value" are accepted, and
 * "--name=true|false" for booleans. `multi`, when not NULL, collects repeated values (-a k=v)
 * up to `multi_cap`, counting them in *multi_n. */
typedef struct sg_cli_flag {
	const char *name;       /* "--bundle", or a short alias such as "-a" in `alias` */
	const char *alias;      /* NULL or another spelling */
	const char **value;
	int *on;
	const char **multi;
	size_t multi_cap;
	size_t *multi_n;
} sg_cli_flag;

/* Parse argv[1..argc) against flags[0..n): positional arguments go to pos[0..pos_cap) with
 * their count in *n_pos. "--" ends the flags. Prints "Error: ..." and returns SG_EXIT_FAIL for
 * an unknown flag, a missing value or too many positional arguments; 0 on success. */
int sg_cli_parse_flags(int argc, char **argv, const sg_cli_flag *flags, size_t n,
	const char **pos, size_t pos_cap, size_t *n_pos);
/* Go's strconv.ParseBool (COSIGN_YES, --tlog-upload=...): 1 and *out set when `s` is one of
 * its spellings, else 0. */
int sg_cli_parse_bool(const char *s, int *out);
/* cosign's "-a key=value" annotations (sign and verify): splits raw[0..n) into out[0..n),
 * views into raw[]. Each must hold exactly one '='. Returns n, or the index of the first one
 * that does not (the caller prints cosign's message for its command). */
size_t sg_cli_parse_annotations(const char **raw, size_t n, sg_oci_annot *out);
/* COSIGN_DOCKER_MEDIA_TYPES as a boolean (unset or unparsable: 0). */
int sg_cli_docker_media_types(void);
/* The command's retry policy (sys/retry.h) for an HTTP client using `o`: the defaults of
 * limits.h, PICOSIGN_MAX_RETRIES (0 to SG_RETRY_MAX_RETRIES_LIMIT) when set, jitter from a
 * DRBG, retry lines on stderr, and the command's deadline (o->deadline_ms from the first
 * call). SG_ERR_USAGE for a bad PICOSIGN_MAX_RETRIES. */
SG_MUST_USE sg_err sg_cli_retry(const sg_net_opts *o, sg_retry **out, sg_diag *d);

/* ---- output (cli/output.c) ---- */

/* Print "Error: <diag>" to stderr. */
void sg_cli_print_error(const sg_diag *d);
/* Print "Error: <printf text>" to stderr and return SG_EXIT_FAIL. */
int sg_cli_usage_error(const char *fmt, ...) SG_PRINTF(1, 2);
/* Print untrusted bytes to stdout with every control, non-ASCII and backslash byte written as
 * "\xNN", so the input cannot drive the terminal. */
void sg_cli_put_safe(const uint8_t *p, size_t n);
/* "Error: pushing the signature failed: <d>; the signature, certificate and bundle were
 * written to <files> and are not lost" (naming only the files given, non-NULL ones). */
void sg_cli_report_push_failure(const sg_diag *d, const char *sig_file, const char *cert_file,
	const char *bundle_file);
/* "Error: <stage name>: <d>", or "Error: <d>" for SG_SIGN_STAGE_NONE. */
void sg_cli_print_stage_error(const sg_diag *d, sg_sign_stage stage);
/* cosign's warning for an image named by tag (ui.TagReferenceMessage). */
void sg_cli_warn_tag(const char *img);
/* A sign/image.h note hook: the line and a newline on stderr. */
void sg_cli_note(void *ctx, const char *line);

/* ---- trust (cli/trust.c) ---- */

/* The trusted root for a verify command, by precedence: `flag_path` (--trusted-root) when not
 * NULL, else the file named by $SIGSTORE_ROOT_FILE when set and non-empty, else the root
 * embedded at build time (the staging one when `staging`). `*source` says which ("embedded
 * public-good root", "embedded staging root" or the path). Errors: those of sg_os_read_file
 * and sg_trustroot_parse, and SG_ERR_NO_TRUST_ROOT ("no trusted root: pass --trusted-root or
 * set SIGSTORE_ROOT_FILE (this build has no embedded public-good root)") when nothing is
 * available. `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_cli_trustroot_load(const char *flag_path, int staging, sg_arena *arena,
	sg_trustroot *out, const char **source, sg_diag *d);

/* ---- prompts (cli/prompt.c) ---- */

/* The password for an encrypted key: $COSIGN_PASSWORD when set (even empty), else typed at
 * the terminal on standard input without echo (twice when `confirm`; SG_ERR_KEY_PASSWORD
 * "passwords do not match" when they differ), else SG_ERR_USAGE "COSIGN_PASSWORD is not set
 * and stdin is not a terminal". At most SG_MAX_PASSWORD bytes go to buf[0..cap); the caller
 * wipes buf. */
SG_MUST_USE sg_err sg_cli_read_password(int confirm, uint8_t *buf, size_t cap, size_t *len,
	sg_diag *d);
/* cosign's privacy statement and "[y/N]" on stderr, the answer from stdin; SG_OK for y/Y,
 * else SG_ERR_SIGN_DECLINED "upload to tlog: ...". */
SG_MUST_USE sg_err sg_cli_confirm_tlog_upload(sg_diag *d);
/* The same as a sign/image.h confirm hook. */
SG_MUST_USE sg_err sg_cli_confirm_hook(void *ctx, sg_diag *d);

/* ---- keys (cli/keys.c) ---- */

/* Load the private key file at `path` (cosign encrypted, PKCS#8 or SEC1 EC P-256; see keys.h),
 * asking for the password only when the key is encrypted. `out` is wiped on failure; the
 * caller wipes it after use (sg_p256_key_wipe). */
SG_MUST_USE sg_err sg_cli_load_private_key(const char *path, sg_arena *arena, sg_p256_key *out,
	sg_diag *d);

/* ---- keyless sessions (cli/keyless.c) ---- */

/* What a keyless command was told. */
typedef struct sg_cli_keyless_args {
	const char *token_flag;   /* --identity-token */
	int disable_ambient;      /* --oidc-disable-ambient-providers */
	const char *fulcio_url, *rekor_url;
	const char *root_path;    /* --trusted-root */
	int staging;
	const char *timeout;      /* --timeout */
	int allow_http;           /* --allow-http */
	const char *out_cert;     /* --output-certificate */
} sg_cli_keyless_args;

/* One keyless session: the network, the trusted root, the token and a certified key. */
typedef struct sg_cli_keyless {
	sg_net_opts nopts;
	sg_net_dialer dialer;
	sg_http_client *http;
	uint8_t *token;
	sg_trustroot *tr;
	sg_drbg rng;
	sg_signer *signer;
	sg_sign_stage stage;     /* where a failure happened */
	const char *cert_written; /* --output-certificate, once written */
	sg_http_plain plain;
} sg_cli_keyless;


/* Set up the network and trusted root, find the token (cosign's sources, oidc.h), and get a
 * certificate verified against the trusted root; it is written to a->out_cert at once (and
 * k->cert_written set). On failure k->stage says where. Call sg_cli_keyless_end on every
 * path. */
SG_MUST_USE sg_err sg_cli_keyless_begin(sg_cli_keyless *k, const sg_cli_keyless_args *a,
	sg_arena *arena, sg_diag *d);
/* Wipe the key and token, close the connection. */
void sg_cli_keyless_end(sg_cli_keyless *k);
/* "Error: <stage>: <d>", and what was kept when the certificate had been written already. */
void sg_cli_report_keyless_failure(const sg_diag *d, sg_sign_stage stage,
	const char *cert_written);

/* ---- registry access (cli/registry.c) ---- */

/* The registry flags every image command takes. */
typedef struct sg_cli_registry_flags {
	const char *username;  /* --registry-username */
	const char *password;  /* --registry-password (secret) */
	const char *token;     /* --registry-token (secret) */
	int allow_http;        /* --allow-http-registry: plain http:// */
	int allow_insecure;    /* --allow-insecure-registry: TLS without certificate checks */
} sg_cli_registry_flags;
#define SG_CLI_REGISTRY_FLAG_ROWS(f) \
	{"--registry-username", NULL, &(f).username, NULL, NULL, 0, NULL}, \
	{"--registry-password", NULL, &(f).password, NULL, NULL, 0, NULL}, \
	{"--registry-token", NULL, &(f).token, NULL, NULL, 0, NULL}, \
	{"--allow-http-registry", NULL, NULL, &(f).allow_http, NULL, 0, NULL}, \
	{"--allow-insecure-registry", NULL, NULL, &(f).allow_insecure, NULL, 0, NULL}
/* Network stack plus credentials (flags, else the docker config and its credential helpers,
 * else anonymous) for `registry`, looked up for `repository`. Memory from the arena. */
typedef struct sg_cli_reg sg_cli_reg;
SG_MUST_USE sg_err sg_cli_registry_open(const sg_cli_registry_flags *f, const char *registry,
	const char *repository, sg_arena *arena, sg_cli_reg **out, sg_diag *d);
sg_registry *sg_cli_registry_get(sg_cli_reg *c);
/* Close the connection and wipe credentials and tokens (NULL allowed). */
void sg_cli_registry_close(sg_cli_reg *c);

#endif
