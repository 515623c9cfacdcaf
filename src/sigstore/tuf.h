/* tuf: the client checks of The Update Framework, pure (rank 4; TUF specification 1.0.34,
 * "Detailed client workflow" §5.2-5.7, file formats §4). Bytes, a trusted state and a time go
 * in; a verdict comes out. Nothing here fetches, reads a file or looks at the clock: the
 * fetching is online/tuf.h, the cache sigstore/tufcache.h, the clock the caller's.
 *
 * Metadata: {"signed": {...}, "signatures": [{"keyid", "sig"}...]}. What is checked:
 *   - "signed": _type is the expected role (check "type"); spec_version has major version 1
 *     ("1.0" as public-good writes it, "1.0.31"...; check "spec-version"); version is an
 *     integer >= 1; expires is an RFC 3339 time (public-good root v1 writes
 *     "2021-12-18T13:28:12.99008-06:00", so fractions and offsets are read, fractions dropped).
 *     Unknown members are ignored at every level (x-tuf-on-ci-*, keyid_hash_algorithms,
 *     delegations, custom).
 *   - Signatures are over the OLPC canonical JSON of "signed" (parse/json.h
 *     sg_json_canonical_olpc). "sig" is lowercase hex (go-tuf's HexBytes refuses what is not
 *     hex; tuf-js's Buffer.from silently stops at the first bad digit, which we do not copy);
 *     "" is allowed and never counts (keyholders who did not sign). ECDSA signatures are DER
 *     (strict, as crypto/pubkey.h), over SHA-256 of the canonical bytes; Ed25519 over the
 *     bytes themselves.
 *   - Keys: keytype "ecdsa" or "ecdsa-sha2-nistp256" with scheme "ecdsa-sha2-nistp256" and
 *     keyval.public either a PEM SubjectPublicKeyInfo (public-good roots v5+) or the hex of
 *     the uncompressed point 04||X||Y (roots v1-v4), P-256 only; keytype and scheme "ed25519"
 *     with 64 hex digits. Any other key type or scheme is kept but never counts towards a
 *     threshold; a key of a known type that does not parse makes the root invalid.
 *   - Thresholds count distinct KEYS, not key ids (§5.3.4 says each key contributes one
 *     signature; public-good roots 9 and 10 list the same keys under two ids each and were
 *     signed under both, and go-tuf counts distinct SPKI fingerprints): a signature counts
 *     when its key id is one the role lists, its key is not already counted, and it verifies.
 *     Signatures by other key ids are ignored.
 *   - Every root role (root, timestamp, snapshot, targets) must be present, with a threshold
 *     >= 1 and key ids the root's keys define, none twice.
 *
 * The workflow (sg_tuf_trusted), each step naming the role and the check that failed in the
 * diagnostic ("TUF timestamp v10: rollback: ..."), as the attack matrix of tests/tuf expects:
 *   §5.2   sg_tuf_trust_root: the trusted root must be signed by a threshold of its own keys;
 *          its expiry does not matter.
 *   §5.3   sg_tuf_update_root: N+1 signed by a threshold of N's root keys and of its own,
 *          version exactly N+1 (check "version"); sg_tuf_roots_done: the final root must not
 *          have expired (§5.3.10), and when the timestamp or snapshot keys changed since the
 *          update began, the trusted timestamp and snapshot are forgotten (§5.3.11,
 *          fast-forward recovery).
 *   §5.4   timestamp: threshold, version >= trusted (equal: unchanged, no error), its snapshot
 *          version >= the trusted one, not expired.
 *   §5.5   snapshot: length and hashes the timestamp lists, threshold, version = the
 *          timestamp's (check "mix-and-match"), every targets file the trusted snapshot
 *          listed still listed at no lower version (check "rollback"), not expired.
 *   §5.6   targets: length and hashes the snapshot lists, threshold, version = the snapshot's,
 *          not expired.
 *   §5.7   sg_tuf_find_target and sg_tuf_check_target: listed in the top-level targets, then
 *          exactly the listed length and every listed hash. Delegations are not searched:
 *          Sigstore's targets are top-level (a target found nowhere else is "missing").
 * With `check_expiry` clear the same steps verify stored metadata offline, where freshness is
 * the caller's age policy instead (re-reading a cache, loading the embedded state). */
#ifndef SG_TUF_H
#define SG_TUF_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/limits.h"
#include "crypto/hash.h"
#include "crypto/pubkey.h"

typedef enum sg_tuf_role {
	SG_TUF_ROOT = 0,
	SG_TUF_TIMESTAMP = 1,
	SG_TUF_SNAPSHOT = 2,
	SG_TUF_TARGETS = 3,
} sg_tuf_role;
#define SG_TUF_N_ROLES 4

/* "root", "timestamp", "snapshot" or "targets". */
const char *sg_tuf_role_name(sg_tuf_role r);

/* The largest DER SubjectPublicKeyInfo a TUF key becomes (P-256: 91 bytes; Ed25519: 44). */
#define SG_TUF_SPKI_MAX 91u

/* A key of a root's "keys". */
typedef struct sg_tuf_key {
	sg_slice id;                   /* the key id as written (a view or arena copy) */
	uint8_t spki[SG_TUF_SPKI_MAX]; /* the key as DER SPKI: what "distinct keys" compares */
	size_t spki_len;               /* 0 for a type picosign cannot verify: never counts */
	sg_pubkey pub;                 /* parsed from spki (views into it) */
} sg_tuf_key;

/* A top-level role of a root: indices into the root's keys. */
typedef struct sg_tuf_keyset {
	uint16_t keys[SG_MAX_TUF_KEYS];
	size_t n;
	int64_t threshold;
} sg_tuf_keyset;

/* A file a parent lists: an entry of a timestamp's or snapshot's "meta", or of a targets'
 * "targets". */
typedef struct sg_tuf_file {
	sg_slice name;      /* "snapshot.json", "targets.json", a target path */
	int64_t version;    /* meta entries: >= 1; targets: 0 */
	int has_length;     /* targets always have one */
	uint64_t length;
	int has_sha256, has_sha512;
	int has_other_hash; /* an algorithm picosign does not compute: checking fails */
	uint8_t sha256[SG_SHA256_LEN];
	uint8_t sha512[SG_SHA512_LEN];
} sg_tuf_file;

/* One signature of a file. */
typedef struct sg_tuf_sig {
	sg_slice keyid;
	sg_slice sig; /* decoded bytes; length 0 for "" */
} sg_tuf_sig;

/* One parsed metadata file. Views point into the file's bytes and into the arena given to
 * the parser; both must outlive it. */
typedef struct sg_tuf_md {
	sg_tuf_role type;
	int64_t version;
	int64_t expires;      /* Unix seconds */
	sg_slice raw;         /* the file exactly as given */
	/* root */
	int consistent_snapshot;
	sg_tuf_key *keys;
	size_t n_keys;
	sg_tuf_keyset roles[SG_TUF_N_ROLES];
	/* timestamp, snapshot: "meta"; targets: "targets" */
	sg_tuf_file *files;
	size_t n_files;
	/* what the signatures sign, and the signatures */
	sg_slice canonical;
	uint8_t digest[SG_SHA256_LEN];
	sg_tuf_sig *sigs;
	size_t n_sigs;
} sg_tuf_md;

/* Parse metadata of role `type` from p[0..len) (at most SG_MAX_JSON bytes). Checks the form
 * only, no signature. Errors, all SG_ERR_TUF_FORMAT except as noted, with the message
 * "TUF <role>: <check>: <detail>" where check is "format" (not JSON, a missing or mistyped
 * member), "type" or "spec-version"; a "sig" that is not hex gives SG_ERR_TUF_SIGNATURE
 * (check "signature"); SG_ERR_LIMIT when the arena is full. More than SG_MAX_TUF_KEYS keys,
 * SG_MAX_TUF_SIGS signatures or SG_MAX_TUF_ENTRIES files is SG_ERR_TUF_FORMAT. On failure
 * `out` is zeroed. */
SG_MUST_USE sg_err sg_tuf_parse(const uint8_t *p, size_t len, sg_tuf_role type, sg_arena *arena,
	sg_tuf_md *out, sg_diag *d);

/* How many signatures on `m` verify under distinct keys of role `role` of `root` (a parsed
 * root): the rule described above. */
size_t sg_tuf_count_signatures(const sg_tuf_md *m, const sg_tuf_md *root, sg_tuf_role role);

/* SG_OK when at least the threshold of `role` in `root` signed `m`, else SG_ERR_TUF_SIGNATURE
 * "TUF <m's role> v<N>: threshold: <k> of <t> signatures by distinct <role> keys of <whose>
 * verify" (`whose` names the root for the message, e.g. "root v1"). */
SG_MUST_USE sg_err sg_tuf_check_threshold(const sg_tuf_md *m, const sg_tuf_md *root,
	sg_tuf_role role, const char *whose, sg_diag *d);

/* The entry named `name` (a NUL-terminated constant) in m->files, NULL when absent. */
const sg_tuf_file *sg_tuf_file_find(const sg_tuf_md *m, const char *name);

/* SG_OK when p[0..len) has the length `f` lists (when it lists one) and every hash it lists.
 * `role` and `what` name the file in the message: "TUF <role> <what>: length: ..." or
 * "... hash: ..." (SG_ERR_TUF_HASH; also for a listed hash algorithm picosign does not
 * compute). */
SG_MUST_USE sg_err sg_tuf_check_file(const sg_tuf_file *f, const uint8_t *p, size_t len,
	const char *role, const char *what, sg_diag *d);

/* The trusted metadata of one update (python-tuf's TrustedMetadataSet). */
typedef struct sg_tuf_trusted {
	int64_t now;            /* the fixed update start time (§5.1) */
	int check_expiry;       /* 1 for a refresh; 0 to verify stored metadata offline */
	sg_tuf_md root;         /* always set once sg_tuf_trust_root succeeded */
	sg_tuf_md start_root;   /* the root the update began with (for §5.3.11) */
	sg_tuf_md timestamp, snapshot, targets;
	int has_timestamp, has_snapshot, has_targets;
	int timestamp_unchanged; /* the last timestamp update found the trusted version */
} sg_tuf_trusted;

/* §5.2: start from root p[0..len), which must be signed by a threshold of its own root keys
 * (its expiry does not matter). Clears `st` first. Errors: those of sg_tuf_parse and
 * sg_tuf_check_threshold. */
SG_MUST_USE sg_err sg_tuf_trust_root(sg_tuf_trusted *st, const uint8_t *p, size_t len, int64_t now,
	int check_expiry, sg_arena *arena, sg_diag *d);

/* §5.3.4-5.3.7: make root p[0..len) (what N+1.root.json held) the trusted root. Errors:
 * parse errors; SG_ERR_TUF_SIGNATURE (threshold of the trusted root's keys, then of its
 * own); SG_ERR_TUF_VERSION "TUF root: version: N+1.root.json holds version V" when V is not
 * N+1. On failure the trusted root is unchanged. */
SG_MUST_USE sg_err sg_tuf_update_root(sg_tuf_trusted *st, const uint8_t *p, size_t len,
	sg_arena *arena, sg_diag *d);

/* §5.3.10-5.3.11: the root loop ended. With check_expiry, SG_ERR_TUF_EXPIRED when the
 * trusted root expired at `now`. When the timestamp or snapshot role (distinct keys or
 * threshold) differs from the root the update began with, the trusted timestamp and snapshot
 * are forgotten; *rotated (may be NULL) says so. A held timestamp, snapshot or targets that a
 * threshold of the final root's keys no longer signs is forgotten too (with what depends on
 * it). Then the start root becomes the current one. */
SG_MUST_USE sg_err sg_tuf_roots_done(sg_tuf_trusted *st, int *rotated, sg_diag *d);

/* §5.4 / §5.5 / §5.6: make p[0..len) the trusted timestamp, snapshot or targets. For the
 * timestamp an equal version keeps the trusted one and sets timestamp_unchanged (SG_OK, the
 * spec's normal end of an update); a snapshot needs a trusted timestamp and targets a trusted
 * snapshot (SG_ERR_ARG otherwise). The snapshot and targets held before stay trusted until
 * replaced (the rollback checks compare against them): sg_tuf_current says whether they are
 * the ones the new parent lists. Errors (the message names the role and the check): parse
 * errors, SG_ERR_TUF_HASH ("length", "hash"), SG_ERR_TUF_SIGNATURE ("threshold"),
 * SG_ERR_TUF_VERSION ("rollback", "mix-and-match"), SG_ERR_TUF_EXPIRED ("expired", only with
 * check_expiry). On failure nothing changes. */
SG_MUST_USE sg_err sg_tuf_update(sg_tuf_trusted *st, sg_tuf_role role, const uint8_t *p,
	size_t len, sg_arena *arena, sg_diag *d);

/* 1 when the trusted snapshot (targets) is the one the trusted timestamp (snapshot) lists:
 * that version, and the length and hashes when listed. Always 1 for the timestamp (held). */
int sg_tuf_current(const sg_tuf_trusted *st, sg_tuf_role role);

/* With check_expiry: SG_ERR_TUF_EXPIRED naming the first of root, timestamp, snapshot and
 * targets (those held) that expired at `now`; a timestamp kept as unchanged, or a snapshot or
 * targets taken from a cache, must still be fresh at the end of a refresh. */
SG_MUST_USE sg_err sg_tuf_check_fresh(const sg_tuf_trusted *st, sg_diag *d);

/* §5.7.2: the top-level target `name` (a NUL-terminated constant). SG_ERR_TUF_MISSING "TUF
 * targets vN: missing: NAME is not listed" when absent; SG_ERR_ARG unless the timestamp,
 * snapshot and targets held are current. */
SG_MUST_USE sg_err sg_tuf_find_target(const sg_tuf_trusted *st, const char *name,
	const sg_tuf_file **out, sg_diag *d);

/* The download bound for the next file of `role` (the length its parent lists, else the
 * SG_MAX_TUF_* bound of limits.h); for SG_TUF_ROOT always SG_MAX_TUF_ROOT. */
size_t sg_tuf_max_length(const sg_tuf_trusted *st, sg_tuf_role role);

/* The repository path of the next snapshot or targets file: "V.snapshot.json" with
 * consistent snapshots, else "snapshot.json". Written NUL-terminated into out[0..cap);
 * SG_ERR_LIMIT when it does not fit. */
SG_MUST_USE sg_err sg_tuf_meta_path(const sg_tuf_trusted *st, sg_tuf_role role, char *out,
	size_t cap);

/* The repository path of target `f`: "targets/<sha256 hex>.<name>" with consistent snapshots
 * (a directory in the name is kept: "targets/dir/<hash>.file"; sha512 when no sha256 is
 * listed), else "targets/<name>". SG_ERR_LIMIT when it does not fit out[0..cap). */
SG_MUST_USE sg_err sg_tuf_target_path(const sg_tuf_trusted *st, const sg_tuf_file *f, char *out,
	size_t cap);

#endif
