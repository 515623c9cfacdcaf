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
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/registry.h"
#include "crypto/drbg.h"
#include "pki/trustroot.h"
#include "sign/sign.h"
#include "sigstore/bundle.h"
#include "sigstore/signing_config.h"
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
 * "--name=BOOL" for booleans (Go's ParseBool spellings). `multi`, when not NULL, collects
 * repeated values (-a k=v) up to `multi_cap`, counting them in *multi_n. */
typedef struct sg_cli_flag {
	const char *name;       /* "--bundle", or a short alias such as "-a" in `alias` */
	const char *alias;      /* NULL or another spelling */
	const char **value;
	int *on;
	const char **multi;
	size_t multi_cap;
	size_t *multi_n;
} sg_cli_flag;

/* The most rows one command's table may have (the per-row "given" marks live on the stack). */
#define SG_CLI_MAX_FLAGS 128u

/* Parse argv[1..argc) against flags[0..n): positional arguments go to pos[0..pos_cap) with
 * their count in *n_pos. "--" ends the flags. A flag that is not a row but that cosign has for
 * command argv[0] is refused by name with picosign's reason (cli/refused.c), never taken for
 * a typo. Then every row the command line did not set is taken from the environment as
 * cosign's viper binding does (cli/env.c: COSIGN_<FLAG>, the command line wins), and the
 * variables of refused flags are refused too. Prints "Error: ..." and returns SG_EXIT_FAIL for
 * an unknown or refused flag (or variable), a missing value, an invalid boolean or too many
 * positional arguments; 0 on success. In --list-flags mode (sg_cli_list_flags) it prints the
 * rows and the refused flags instead and returns SG_EXIT_FAIL, so the command stops there. */
int sg_cli_parse_flags(int argc, char **argv, const sg_cli_flag *flags, size_t n,
	const char **pos, size_t pos_cap, size_t *n_pos);
/* Set by main.c for `picosign COMMAND --list-flags` (hidden; scripts/gen-cli-doc.sh reads it):
 * sg_cli_parse_flags prints one line per flag, "NAME<TAB>ALIAS<TAB>KIND<TAB>ENV<TAB>STATUS"
 * (ALIAS "-" when none; KIND bool, value or multi; ENV the COSIGN_ variable; STATUS "ok",
 * "refused: WHY" or "refused unless VALUE: WHY"). */
extern int sg_cli_list_flags;

/* ---- cosign flags picosign refuses (cli/refused.c) ---- */

/* A cosign flag picosign does not support, for the commands that cosign gives it to. A
 * boolean one is refused only when true (or, with `harmless` "true", only when false: the
 * other value is what picosign does anyway); a valued one is accepted when its value is
 * `harmless` (cosign's default, which changes nothing). */
typedef struct sg_cli_refusal {
	unsigned commands;    /* the commands it applies to (bits, cli/refused.c) */
	const char *name;     /* "--sk" */
	const char *alias;    /* NULL or "-d" */
	int is_bool;
	const char *harmless; /* NULL: any value is refused; "true" on a boolean: false is */
	const char *why;
} sg_cli_refusal;
/* The refusal of flag `name` (n bytes; the long name or the alias) for `command`, or NULL. */
const sg_cli_refusal *sg_cli_refusal_find(const char *command, const char *name, size_t n);
/* The i-th refusal that applies to `command` (i from 0), or NULL past the last. */
const sg_cli_refusal *sg_cli_refusal_at(const char *command, size_t i);
/* Refuse flag `r` given as `given_as` ("--sk", or "COSIGN_SK (--sk)") with value `v` (NULL
 * for a boolean without one): prints "Error: <given_as> is not supported by picosign: <why>"
 * and returns SG_EXIT_FAIL, or returns 0 when the value is harmless. */
int sg_cli_refuse(const sg_cli_refusal *r, const char *v, const char *given_as);

/* ---- the environment (cli/env.c) ---- */

/* cosign's COSIGN_<FLAG> binding (options/root.go BindViper): for each row whose flag the
 * command line did not give (given[i] == 0), a non-empty COSIGN_<NAME> (upper case, '-' as
 * '_') is used as if it had been passed: a string as is, a boolean through Go's ParseBool, a
 * repeated flag split at commas (pflag's string slices). The variables of the flags refused
 * for `command` are refused the same way, unless harmless. Unlike cosign, which drops a value
 * it cannot parse, an invalid boolean is an error naming the variable. Prints "Error: ..."
 * and returns SG_EXIT_FAIL on failure, 0 on success. */
int sg_cli_flags_from_env(const char *command, const sg_cli_flag *flags, size_t n,
	const unsigned char *given);
/* The variable of flag `name` ("--certificate-identity" -> "COSIGN_CERTIFICATE_IDENTITY") into
 * out[0..cap); 0 when it does not fit. */
int sg_cli_env_name(const char *name, char *out, size_t cap);

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

/* ---- trust (cli/trust.c, cli/tuf.c; docs/trustroot.md) ---- */

/* The embedded trust material (build/gen/embedded_trust.c, written by scripts/embed-trust.sh
 * from trust/ and the pins of the Makefile): the public-good TUF root, timestamp, snapshot
 * and targets, the two targets picosign reads, and the staging trusted root (length 0 in the
 * static build). sg_embedded_trust_fetched: when the embedded timestamp was fetched. Only
 * cli/ refers to these, so parsers, tests and fuzzers of lower ranks link without them. */
extern const uint8_t sg_embedded_tuf_root[], sg_embedded_tuf_timestamp[],
	sg_embedded_tuf_snapshot[], sg_embedded_tuf_targets[], sg_embedded_trusted_root[],
	sg_embedded_signing_config[], sg_embedded_staging_root[];
extern const size_t sg_embedded_tuf_root_len, sg_embedded_tuf_timestamp_len,
	sg_embedded_tuf_snapshot_len, sg_embedded_tuf_targets_len, sg_embedded_trusted_root_len,
	sg_embedded_signing_config_len, sg_embedded_staging_root_len;
extern const int64_t sg_embedded_trust_fetched;

/* Trust material older than this gets a warning (30 days: Sigstore publishes a new key in
 * trusted_root.json before it signs with it, so material younger than a month verifies
 * what is signed today; past that a rotation may have been missed). */
#define SG_CLI_TRUST_WARN_AGE (30 * 86400)

/* Where a command's trusted root came from, in the order they are tried. */
typedef enum sg_cli_trust_kind {
	SG_TRUST_NONE = 0,
	SG_TRUST_FLAG,     /* --trusted-root FILE */
	SG_TRUST_ENV_JSON, /* a trusted_root.json named by SIGSTORE_ROOT_FILE */
	SG_TRUST_ENV_PEM,  /* cosign's SIGSTORE_* PEM variables */
	SG_TRUST_CACHE,    /* the TUF cache `picosign initialize` wrote, re-verified */
	SG_TRUST_EMBEDDED, /* built in */
} sg_cli_trust_kind;

/* What a command asks of its trust material. Verify commands take SG_CLI_TRUST_FLAG_ROWS. */
typedef struct sg_cli_trust_opts {
	const char *root_path; /* --trusted-root FILE */
	const char *max_age;   /* --max-trust-root-age DURATION (Go syntax), NULL: no limit */
	int refresh;           /* --refresh-trust (or PICOSIGN_REFRESH_TRUST): refresh first */
	int staging;           /* --staging: the staging instance */
	int quiet;             /* no warnings (the trust command reports them itself) */
} sg_cli_trust_opts;
#define SG_CLI_TRUST_FLAG_ROWS(o) \
	{"--trusted-root", NULL, &(o).root_path, NULL, NULL, 0, NULL}, \
	{"--max-trust-root-age", NULL, &(o).max_age, NULL, NULL, 0, NULL}, \
	{"--refresh-trust", NULL, NULL, &(o).refresh, NULL, 0, NULL}

/* What is in use, for `picosign trust`, `version` and the messages. */
typedef struct sg_cli_trust {
	sg_cli_trust_kind kind;
	char source[4200];       /* e.g. "TUF cache /root/.cache/picosign/tuf/x.json" */
	sg_slice trusted_root;   /* the trusted_root.json bytes; length 0 for the PEM form */
	sg_slice signing_config; /* signing_config.v0.2.json when the TUF state has one */
	const char *mirror;      /* TUF: where it came from / a refresh would go */
	int tuf;                 /* the TUF fields below are set */
	int64_t v_root, v_timestamp, v_snapshot, v_targets;
	int64_t root_expires, timestamp_expires;
	int has_age;
	int64_t fetched, age;    /* Unix seconds; seconds (TUF material only) */
	char note[600];          /* why a cache was not used, or a refresh failed ("" if none) */
	const struct sg_cli_tuf *state; /* the TUF state (cache, embedded), else NULL */
} sg_cli_trust;

/* The trusted root for a command, from the first source that applies: `o->root_path`
 * (--trusted-root); cosign's environment (SIGSTORE_ROOT_FILE holding a trusted_root.json,
 * recognised by its content, else SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY,
 * SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and SIGSTORE_TSA_CERTIFICATE_FILE as PEM, together one
 * root); the TUF cache of `picosign initialize`, re-verified from the embedded TUF root (or
 * $TUF_ROOT_JSON) on every read and used only when at least as new as the embedded state;
 * else the embedded material (the staging root with o->staging). With o->refresh the cache
 * is refreshed first (a failure is a warning). Then the age policy: material older than
 * SG_CLI_TRUST_WARN_AGE is warned about on stderr, and with o->max_age material older than
 * that, or of unknown age, is SG_ERR_TRUST_AGE. `info` (may be NULL) says what is in use.
 * Errors name the flag or variable and the file. `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_cli_trustroot_load(const sg_cli_trust_opts *o, sg_arena *arena,
	sg_trustroot *out, sg_cli_trust *info, sg_diag *d);

/* One line for `picosign version`: the trust material a verify command would use now (its
 * source, trusted_root.json SHA-256, TUF versions and age), or why none is available. */
void sg_cli_trust_line(sg_arena *arena);

/* --offline: switch the process's network off below the transport (sg_net_forbid), so no
 * socket can be opened from here on, whatever a later step would try. */
void sg_cli_go_offline(void);

/* The TUF cache (cli/tuf.c). */
typedef struct sg_cli_tuf sg_cli_tuf;
/* The cache directory: $TUF_ROOT, else $XDG_CACHE_HOME/picosign/tuf, else
 * $HOME/.cache/picosign/tuf; 0 when none can be named (no HOME). */
int sg_cli_tuf_dir(char *out, size_t cap);
/* The mirror reading and refreshing use: --staging's, else $TUF_MIRROR, else the one the
 * last `initialize` recorded in the cache (remote.json), else public-good's. */
const char *sg_cli_tuf_mirror(const char *dir, int staging, sg_arena *arena);
/* What refreshing needs. */
typedef struct sg_cli_refresh {
	const char *dir;     /* the cache directory (created when missing) */
	const char *mirror;  /* the TUF repository */
	sg_slice anchor;     /* the root to start from (never read from the cache) */
	int anchor_embedded; /* anchor is the embedded root: the embedded state is a floor */
	const char *timeout; /* --timeout SECS, or NULL */
	int set_remote;      /* record the mirror as the cache's default (initialize) */
} sg_cli_refresh;
/* Refresh the cache for r->mirror through TUF (sigstore/tuf.h, online/tuf.h): under the
 * cache's lock, start from the anchor and the cached state (re-verified; one that does not
 * verify is reported in `t` and ignored), update from the mirror, fetch trusted_root.json
 * (and signing_config.v0.2.json when listed) unless cached, then replace the cache file in
 * one rename. A failure leaves the cache as it was. `t` (allocated from the arena) describes
 * the new state. */
SG_MUST_USE sg_err sg_cli_tuf_refresh(const sg_cli_refresh *r, sg_arena *arena,
	sg_cli_tuf **t, sg_diag *d);
/* The state `t` holds, as sg_cli_trust fields (kind, source, versions, bytes, fetched). */
void sg_cli_tuf_describe(const sg_cli_tuf *t, sg_cli_trust *info);
/* The cache for `mirror` in `dir`, re-verified from `anchor`; *absent when there is none. */
SG_MUST_USE sg_err sg_cli_tuf_read(const char *dir, const char *mirror, sg_slice anchor,
	sg_arena *arena, sg_cli_tuf **t, int *absent, sg_diag *d);
/* The embedded public-good state, verified like a cache (it always is, unless a build broke
 * the pins' consistency). */
SG_MUST_USE sg_err sg_cli_tuf_embedded(sg_arena *arena, sg_cli_tuf **t, sg_diag *d);
/* 1 when state `a` is at least as new as `b` (root, timestamp, snapshot, targets). */
int sg_cli_tuf_newer_or_same(const sg_cli_tuf *a, const sg_cli_tuf *b);
/* The roots `t` walked through during its refresh: first and last version. */
void sg_cli_tuf_walked(const sg_cli_tuf *t, int64_t *from, int64_t *to);
/* Write t's metadata and targets as plain files into directory `dir` (created): root.json,
 * timestamp.json, snapshot.json, targets.json and each target under its name. */
SG_MUST_USE sg_err sg_cli_tuf_export(const sg_cli_tuf *t, const char *dir, sg_arena *arena,
	sg_diag *d);
/* A TUF remote for `url` (r->mirror): a client with the environment's network settings
 * (PICOSIGN_TIMEOUT, proxies, CA files) and `timeout` (--timeout, may be NULL), memory from
 * the arena; plain http allowed (TUF metadata is signed). Close with sg_http_client_close. */
struct sg_tuf_remote;
SG_MUST_USE sg_err sg_cli_tuf_remote(const char *url, const char *timeout, sg_arena *arena,
	struct sg_tuf_remote *r, sg_diag *d);
/* The path of the cache file for `mirror` in `dir` into out[0..cap) (0 when too long). */
int sg_cli_tuf_file(const char *dir, const char *mirror, char *out, size_t cap);

/* ---- signing services (cli/signing.c) ---- */

/* The signing config a sign command uses: the file `path` when not NULL, else the one of the
 * TUF cache a verify command would use (`picosign initialize`), else the embedded public-good
 * one (*source says which). The one place that decides where the default comes from. Errors: those of sg_os_read_file and sg_signing_config_parse, and
 * SG_ERR_NO_TRUST_ROOT when this build embeds none. */
SG_MUST_USE sg_err sg_cli_signing_config_load(const char *path, sg_arena *arena,
	struct sg_signing_config *out, const char **source, sg_diag *d);

/* What a sign command was told about services. */
typedef struct sg_cli_services_args {
	const char *signing_config;  /* --signing-config */
	const char *fulcio_url;      /* --fulcio-url */
	const char *rekor_url;       /* --rekor-url (a Rekor v1 log) */
	const char *tsa_url;         /* --timestamp-server-url */
	int no_tlog;                 /* --tlog-upload=false */
} sg_cli_services_args;

/* The services a sign command uses. */
typedef struct sg_cli_services {
	const char *fulcio_url;
	const char *rekor_url;       /* NULL: no transparency log */
	int rekor_v2;
	const char *tsa_url;         /* NULL: no timestamp */
} sg_cli_services;

/* Choose the services at `now` (docs/decisions.md, "Signing services"): with --signing-config
 * the file's selection (sigstore/signing_config.h: CA v1, Rekor v1 or v2, TSA v1), each URL
 * flag replacing its service; without it, URL flags alone (Fulcio and Rekor default to
 * public-good, no TSA) as before signing configs existed; with neither, the embedded
 * public-good config. --tlog-upload=false drops the log, and the embedded config with it.
 * Errors: those of sg_cli_signing_config_load, SG_ERR_UNSUPPORTED naming a kind of service
 * the config has none of at `now`. */
SG_MUST_USE sg_err sg_cli_services_select(const sg_cli_services_args *a, int64_t now,
	sg_arena *arena, sg_cli_services *out, sg_diag *d);

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

/* Load the private key `ref` names (sg_cli_read_ref: a file or env://VAR; cosign encrypted,
 * PKCS#8 or SEC1 EC P-256, see keys.h), asking for the password only when the key is
 * encrypted. Every copy of the key material is wiped before return; `out` is wiped on
 * failure, and the caller wipes it after use (sg_p256_key_wipe). Errors name `ref`. */
SG_MUST_USE sg_err sg_cli_load_private_key(const char *ref, sg_arena *arena, sg_p256_key *out,
	sg_diag *d);
/* Load the public key (PEM "PUBLIC KEY") `ref` names, for verify --key: a file, env://VAR or
 * "-". Errors name `ref` and, for a PEM of another kind, say what it is ("this is a PEM
 * certificate; --key expects a public key"). */
SG_MUST_USE sg_err sg_cli_load_public_key(const char *ref, sg_arena *arena, sg_pubkey *out,
	sg_diag *d);

/* ---- files, variables and what they hold (cli/keysrc.c) ---- */

/* Read what a key or certificate flag names, as cosign's blob.LoadFileOrURL and key
 * references do: "env://VAR" is the content of variable VAR (cosign's "loading URL: env var
 * $VAR not found" when it is unset; empty is an error too), "-" is standard input, a path is a
 * file. The schemes of KMS and hardware keys (awskms://, gcpkms://, azurekms://,
 * hashivault://, k8s://, gitlab://, pkcs11:) and http(s):// downloads are SG_ERR_UNSUPPORTED
 * with a message naming the scheme; another "x://" is cosign's "loading URL: unrecognized
 * scheme: x://". At most `max` bytes, copied into the arena (the caller wipes a secret).
 * `flag` names the flag in messages ("--key"). */
SG_MUST_USE sg_err sg_cli_read_ref(const char *ref, const char *flag, size_t max, sg_arena *arena,
	sg_slice *out, sg_diag *d);
/* What `in` looks like, for messages about a file given to the wrong flag: "a PEM certificate",
 * "a PEM public key", "a PEM private key", "an encrypted cosign private key", "a Sigstore
 * bundle", "a cosign v2 bundle", "a base64 signature", "JSON", "binary data" or "text". */
const char *sg_cli_describe(sg_slice in);
/* The DER of each CERTIFICATE block of `pem`, in order, into out[0..cap) (decoded into the
 * arena): *n of them. Other blocks are skipped. SG_ERR_LIMIT past `cap` certificates; the
 * sg_pem_next errors for a broken block. */
SG_MUST_USE sg_err sg_cli_pem_certs(sg_slice pem, sg_arena *arena, sg_slice *out, size_t cap,
	size_t *n, sg_diag *d);
/* Replace the failure in `d` by "FLAG NAME: this is WHAT; FLAG expects EXPECTED" (keeping
 * `code`) and return `code`: for a file given to the wrong flag, where the parser's own
 * message ("invalid JSON number") would not say so. */
SG_MUST_USE sg_err sg_cli_wrong_input(sg_diag *d, sg_err code, const char *flag,
	const char *name, const char *what, const char *expected);

/* ---- keyless sessions (cli/keyless.c) ---- */

/* One HTTP client and what it needs: network options from the environment (and --timeout
 * when not NULL), a dialer with an arena of its own (sg_cli_dialer_init) and the client, with
 * picosign's User-Agent. Close it with sg_http_client_close(h->http). */
typedef struct sg_cli_http {
	sg_arena net_arena;
	sg_net_opts nopts;
	sg_net_dialer dialer;
	sg_http_client *http;
} sg_cli_http;
SG_MUST_USE sg_err sg_cli_http_open(sg_cli_http *h, const char *timeout, sg_arena *arena,
	sg_diag *d);

/* What a keyless command was told. */
typedef struct sg_cli_keyless_args {
	const char *token_flag;   /* --identity-token */
	int disable_ambient;      /* --oidc-disable-ambient-providers */
	sg_cli_services svc;      /* Fulcio, the log (v1 or v2), the TSA (NULL for none) */
	const char *root_path;    /* --trusted-root */
	int staging;
	const char *timeout;      /* --timeout */
	int allow_http;           /* --allow-http */
	const char *out_cert;     /* --output-certificate */
	const char *provider;     /* --oidc-provider: one ambient token source (cosign's names) */
	const char *oidc_issuer;  /* --oidc-issuer: cosign's interactive flows; compared with
				   * the token's issuer, a difference is reported */
} sg_cli_keyless_args;

/* One keyless session: the network, the trusted root, the token and a certified key. */
typedef struct sg_cli_keyless {
	sg_cli_http net;
	sg_http_client *http;     /* net.http */
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

/* A key-based session (sign --key, sign-blob --key, attest --key): a signer holding a copy of
 * `key` (sg_signer_begin_key) for the services chosen (cli/signing.c); when they include a log
 * or a TSA, also the network and the trusted root their answers are checked against. Call
 * sg_cli_keyed_end on every path. */
typedef struct sg_cli_keyed {
	sg_cli_http net;
	sg_http_client *http;     /* net.http; NULL without a log or TSA */
	sg_trustroot *tr;
	sg_drbg rng;              /* the TSA's nonces */
	sg_signer *signer;
} sg_cli_keyed;
SG_MUST_USE sg_err sg_cli_keyed_begin(sg_cli_keyed *t, const sg_p256_key *key,
	const sg_cli_services *svc, const char *timeout, const char *root_path, sg_arena *arena,
	sg_diag *d);
/* Wipe the signer's key and the generator, close the connection. */
void sg_cli_keyed_end(sg_cli_keyed *t);
/* "Error: <stage>: <d>", and what was kept when the certificate had been written already. */
void sg_cli_report_keyless_failure(const sg_diag *d, sg_sign_stage stage,
	const char *cert_written);

/* ---- registry access (cli/registry.c) ---- */

/* The registry flags every image command takes. */
typedef struct sg_cli_registry_flags {
	const char *username;  /* --registry-username */
	const char *password;  /* --registry-password (secret) */
	const char *token;     /* --registry-token (secret) */
	const char *cacert;    /* --registry-cacert: the registry's CA certificates (PEM) */
	int allow_http;        /* --allow-http-registry: plain http:// */
	int allow_insecure;    /* --allow-insecure-registry: TLS without certificate checks */
	const char *timeout;   /* not a row: the command's --timeout, set before opening */
} sg_cli_registry_flags;
#define SG_CLI_REGISTRY_FLAG_ROWS(f) \
	{"--registry-username", NULL, &(f).username, NULL, NULL, 0, NULL}, \
	{"--registry-password", NULL, &(f).password, NULL, NULL, 0, NULL}, \
	{"--registry-token", NULL, &(f).token, NULL, NULL, 0, NULL}, \
	{"--registry-cacert", NULL, &(f).cacert, NULL, NULL, 0, NULL}, \
	{"--allow-http-registry", NULL, NULL, &(f).allow_http, NULL, 0, NULL}, \
	{"--allow-insecure-registry", NULL, NULL, &(f).allow_insecure, NULL, 0, NULL}

/* A dialer with a sub-arena of its own (in `net_arena`, carved from `arena`): a dialer takes
 * connection memory lazily, so a connection first opened while the caller's scratch is in use
 * must not live in that scratch, which the caller hands back. */
SG_MUST_USE sg_err sg_cli_dialer_init(sg_net_dialer *dl, const sg_net_opts *o,
	sg_arena *net_arena, sg_arena *arena, sg_diag *d);

/* A network stack for registries (dialer, HTTP client, the schemes found per host), kept
 * across the images one worker handles so its connection is reused (cli/registry.c). Memory
 * from the arena, which must outlive it. */
typedef struct sg_cli_net sg_cli_net;
SG_MUST_USE sg_err sg_cli_net_open(const sg_cli_registry_flags *f, sg_arena *arena,
	sg_cli_net **out, sg_diag *d);
/* Close the kept-alive connection (NULL allowed). */
void sg_cli_net_close(sg_cli_net *n);
/* Connections the stack has opened so far. */
unsigned sg_cli_net_connects(const sg_cli_net *n);
/* Find out now whether `registry` speaks https or (loopback, --allow-http-registry) plain
 * http, and remember it (see registry.c); nothing for a registry that may only use https. */
void sg_cli_net_learn(sg_cli_net *n, const char *registry, int allow_http);
/* Give `to` what `from` has learned, so workers do not each probe the same registry. */
void sg_cli_net_share(sg_cli_net *to, const sg_cli_net *from);

/* Credentials (flags, else the auth file and its credential helpers, else anonymous) and a
 * registry client for `registry`, looked up for `repository`, over `net`. Plain http as
 * go-containerregistry: https first, then http for a loopback registry or with
 * --allow-http-registry (see registry.c). Memory from the arena. */
typedef struct sg_cli_reg sg_cli_reg;
SG_MUST_USE sg_err sg_cli_registry_open_on(sg_cli_net *net, const sg_cli_registry_flags *f,
	const char *registry, const char *repository, sg_arena *arena, sg_cli_reg **out,
	sg_diag *d);
/* The same over a network stack of its own, closed with the registry. */
SG_MUST_USE sg_err sg_cli_registry_open(const sg_cli_registry_flags *f, const char *registry,
	const char *repository, sg_arena *arena, sg_cli_reg **out, sg_diag *d);
sg_registry *sg_cli_registry_get(sg_cli_reg *c);
/* Close the connection (when the registry owns its stack) and wipe credentials and tokens
 * (NULL allowed). */
void sg_cli_registry_close(sg_cli_reg *c);
/* An image reference as given (`len` bytes of `s`) parsed into *ref, and its name (ggcr's
 * Name(), what cosign prints) into name[0..SG_CLI_NAME_CAP), NUL-terminated. Errors: those
 * of sg_ociref_parse; SG_ERR_LIMIT (a name too long). */
#define SG_CLI_NAME_CAP (SG_OCI_NAME_MAX + 8u)
SG_MUST_USE sg_err sg_cli_image_ref(const uint8_t *s, size_t len, sg_ociref *ref,
	char name[SG_CLI_NAME_CAP], sg_diag *d);

/* When `d` holds a TLS failure of a registry that may not use plain http, add "(if HOST
 * serves plain http, add --allow-http-registry)": what a plain-http registry looks like to
 * an https client. */
void sg_cli_registry_hint(const sg_registry *reg, sg_diag *d);
/* Where the signatures of `image` live: `image` itself, or with registry and repository from
 * $COSIGN_REPOSITORY (cosign's ociremote.GetEnvTargetRepository), tag and digest kept.
 * SG_ERR_USAGE when the variable is not a repository. */
SG_MUST_USE sg_err sg_cli_sig_repo(const sg_ociref *image, sg_ociref *out, sg_diag *d);

/* ---- what verify-blob verifies (cli/blobsig.c) ---- */

/* verify-blob's inputs besides the artifact and the policy. */
typedef struct sg_cli_blob_args {
	const char *bundle;      /* --bundle: a Sigstore bundle or a cosign v2 bundle file */
	const char *signature;   /* --signature: a file holding the base64 signature, or it */
	const char *certificate; /* --certificate: PEM (or base64 of PEM): file, env:// or - */
	const char *rekor_url;   /* --rekor-url: where to look up a detached signature */
	const char *key_ref;     /* --key: the public key's PEM is the Rekor search's verifier */
	int offline;             /* --offline: never look anything up */
	int ignore_tlog;         /* --insecure-ignore-tlog / --private-infrastructure */
	const char *timeout;     /* --timeout, for the Rekor search */
	const uint8_t *sha256;   /* the artifact's digest */
} sg_cli_blob_args;

/* The entities verify-blob tries, as cosign v2 finds them: a Sigstore bundle as is; a cosign
 * v2 bundle (sigstore/cosign_bundle.h) as a legacy `.sig` layer would be, with --signature and
 * --certificate overriding its members; or a detached --signature (with --certificate, or
 * --key) whose log entries are looked up in Rekor at --rekor-url (cosign's online search;
 * each entry found is one candidate; none without --insecure-ignore-tlog is
 * SG_ERR_VERIFY_TLOG_MISSING "signature not found in transparency log", and with --offline
 * it is cosign's "offline verification failed" before any lookup). *legacy says the
 * candidates follow cosign's legacy rules (issuer from extension 1.1). Files of the wrong kind
 * are named with what they are (sg_cli_describe). Entities and bytes come from the arena. */
SG_MUST_USE sg_err sg_cli_blob_entities(const sg_cli_blob_args *a, sg_arena *arena,
	sg_entity **out, size_t *n, int *legacy, sg_diag *d);
/* --certificate-chain: replace the trusted root's certificate authorities by the chain in
 * the PEM file (or env://) `ref`, which starts at the signing certificate's issuer and ends
 * at the root, as cosign reads it: that root is then trusted, for all time. SG_ERR_USAGE for
 * a file without certificates. */
SG_MUST_USE sg_err sg_cli_chain_as_ca(const char *ref, sg_trustroot *tr, sg_arena *arena,
	sg_diag *d);

/* ---- several images per run (cli/images.c) ---- */

/* One image's work, on a worker: write what goes to standard output to `out` and what goes
 * to standard error to `err` (they are printed in the order of the images once all are
 * done), using `net` (the worker's connection, reused across its images) and `arena`
 * (scratch, handed back after the image). Returns the image's exit code. */
typedef int (*sg_cli_image_fn)(void *ctx, sg_cli_net *net, const char *image, sg_arena *arena,
	sg_buf *out, sg_buf *err);

/* Run fn for each of images[0..n) on min(workers, n) workers (threads, sys/os.h), each with
 * SG_WORKER_ARENA of `arena` and its own network stack for the registry flags `rf`, so at
 * most `workers` images are in flight and each worker keeps its connection. Then print every
 * image's stderr and stdout in argument order. Returns 0 when every image gave 0, else the
 * exit code of the first that did not (in argument order). *connects (may be NULL) receives
 * the connections opened in all. */
int sg_cli_run_images(const char *const *images, size_t n, unsigned workers,
	const sg_cli_registry_flags *rf, sg_cli_image_fn fn, void *ctx, sg_arena *arena,
	unsigned *connects);
/* `verify -`: the image references on standard input, one a line; surrounding blanks are
 * trimmed, empty lines and lines starting with '#' are skipped. *images (n of them) are
 * NUL-terminated copies in the arena. Refused, with a message naming the line: a line longer
 * than SG_MAX_OCI_REF, a byte that cannot be in a reference (control, space, non-ASCII), more
 * than `max` references, more than SG_MAX_IMAGE_LIST_BYTES, no reference at all. */
SG_MUST_USE sg_err sg_cli_read_image_list(sg_arena *arena, size_t max, const char ***images,
	size_t *n, sg_diag *d);
/* The manifests an index (or Docker manifest list) lists, for -r: GET repo@digest and, when it
 * is an index, its descriptors into *children (views into the arena), *n of them; *n = 0 for
 * a single manifest. Errors: those of sg_registry_get_manifest and sg_oci_manifest_parse. */
SG_MUST_USE sg_err sg_cli_index_children(sg_registry *reg, const char *repo,
	const uint8_t digest[32], sg_arena *arena, const sg_oci_desc **children, size_t *n,
	sg_diag *d);
/* What one image may print (verified payloads: at most SG_MAX_SIGNATURES of them). */
#define SG_CLI_IMAGE_OUT (4u * 1024u * 1024u)
#define SG_CLI_IMAGE_ERR (1024u * 1024u)

#endif
