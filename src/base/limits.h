/* limits: every hard input limit of picosign, in one place (style.md §5.4).
 * Each bound is checked before any work starts. Raising one is a reviewed change, never a quick
 * fix for a failing input: the numbers also bound memory use and parser run time. */
#ifndef SG_LIMITS_H
#define SG_LIMITS_H

/* JSON documents we read: bundles (~10 KiB), trusted roots (~10 KiB), manifests, token
 * replies, docker config. 4 MiB is far above any real one and still cheap to hold. */
#define SG_MAX_JSON (4u * 1024u * 1024u)
/* Tokens per JSON document; a real trusted root has < 500. */
#define SG_MAX_JSON_TOKENS 65536u
/* Nesting depth; Sigstore documents nest < 10 deep. */
#define SG_MAX_JSON_DEPTH 32u

/* DER nesting: a certificate nests about 8 deep (extensions inside TBS inside Certificate). */
#define SG_MAX_DER_DEPTH 16u
/* One certificate; Fulcio leaves are ~1-2 KiB, RSA CA certs ~1.5 KiB. */
#define SG_MAX_CERT (16u * 1024u)
/* Certificates in one chain (leaf + intermediates + root). */
#define SG_MAX_CHAIN 10u
/* Extensions per certificate: Fulcio leaves carry ~20. */
#define SG_MAX_EXTENSIONS 64u
/* subjectAltName entries: Fulcio issues one. */
#define SG_MAX_SAN 32u
/* Embedded SCTs per certificate: public-good issues one. */
#define SG_MAX_SCTS 16u
/* RSA modulus sizes accepted in keys (CT logs and TSAs with RSA keys use 2048-4096 bits);
 * below 2048 is broken, above 4096 is BearSSL's BR_MAX_RSA_SIZE. */
#define SG_MIN_RSA_BITS 2048u
#define SG_MAX_RSA_BITS 4096u

/* PEM objects in one file: a chain plus a few roots. */
#define SG_MAX_PEM_OBJECTS 64u
/* A PEM file, e.g. a CA bundle (Debian's ca-certificates.crt is ~220 KiB). */
#define SG_MAX_PEM_FILE (1024u * 1024u)
/* An OIDC identity token (JWT); real ones are ~1-2 KiB. */
#define SG_MAX_JWT (16u * 1024u)

/* Merkle audit path: a log of 2^64 entries needs at most 64 hashes. */
#define SG_MAX_PROOF_HASHES 64u
/* A signed-note checkpoint: a few lines and one or two signatures. */
#define SG_MAX_CHECKPOINT (4u * 1024u)
/* Signature lines on one checkpoint: the log's plus witnesses (Rekor v2 notes carry ~4). */
#define SG_MAX_NOTE_SIGS 16u
/* Signatures in one DSSE envelope or dsse/intoto log entry (Sigstore bundles allow one). */
#define SG_MAX_DSSE_SIGS 8u
/* Transparency-log entries and RFC 3161 timestamps in one bundle (producers write one each). */
#define SG_MAX_TLOG_ENTRIES 8u
#define SG_MAX_TIMESTAMPS 8u
/* One RFC 3161 TimeStampResp or token: sigstore's are ~0.5-1.3 KiB, FreeTSA's with its
 * embedded chain ~5.5 KiB; 64 KiB leaves room for a few large RSA certificates. */
#define SG_MAX_TIMESTAMP_DER (64u * 1024u)
/* Subjects of one in-toto statement (SLSA provenance for a release lists a few dozen), and
 * digests per subject; both are sigstore-go's bounds (pkg/verify limitSubjects). */
#define SG_MAX_INTOTO_SUBJECTS 1024u
#define SG_MAX_INTOTO_DIGESTS 32u
/* Annotations on one in-toto subject (cosign's -a pairs; SG_MAX_PAYLOAD_ANNOTATIONS on the
 * signing side). */
#define SG_MAX_INTOTO_ANNOTATIONS 128u
/* An RFC 3161 request nonce: 8 random bytes (cosign's legacy client draws 63 bits). */
#define SG_TSA_NONCE_LEN 8u

/* Trust-root entries of each kind (CAs, tlogs, ctlogs, TSAs). */
#define SG_MAX_TRUST_ENTRIES 32u
/* Services of one kind in a signing config (public-good lists one or two per kind). */
#define SG_MAX_SC_SERVICES 16u

/* HTTP framing. */
#define SG_MAX_HTTP_STATUS_LINE 1024u
#define SG_MAX_HTTP_HEADER_BLOCK (16u * 1024u)
#define SG_MAX_HTTP_HEADERS 64u
/* Default cap on a response body held in memory; callers may choose less. */
#define SG_MAX_HTTP_BODY (8u * 1024u * 1024u)
#define SG_MAX_HTTP_REDIRECTS 5u
/* Hex digits in a chunk-size line: 16 digits already overflow any body cap. */
#define SG_MAX_HTTP_CHUNK_DIGITS 16u
/* A whole chunk-size line with extensions; nobody sends more than a few bytes of them. */
#define SG_MAX_HTTP_CHUNK_LINE 256u
/* Retries (sys/retry.h). A request that failed for a reason that may pass (a connection
 * failure, 429, most 5xx) is sent again at most SG_RETRY_MAX_RETRIES times, as ggcr's default
 * transport does (3 tries) plus one: four attempts cover a registry restart or a rolling
 * deploy, and a service that fails four times in ~4 s is down rather than busy. The environment
 * may lower or raise the count up to SG_RETRY_MAX_RETRIES_LIMIT (PICOSIGN_MAX_RETRIES). */
#define SG_RETRY_MAX_RETRIES 3u
#define SG_RETRY_MAX_RETRIES_LIMIT 10u
/* The first backoff; each later one doubles, with "equal jitter" (a uniform draw between half
 * and all of it) so that signers that failed together do not come back together. */
#define SG_RETRY_BASE_MS 500u
/* No single backoff waits longer than this: past ~10 s a user is better served by the error. */
#define SG_RETRY_MAX_BACKOFF_MS 10000u
/* The longest Retry-After honoured; a server asking for more (a rate-limit window of minutes)
 * gets the error at once rather than a silent hang. */
#define SG_RETRY_MAX_AFTER_MS 60000u
/* Retry-After values saturate here when parsed (one day): anything larger is "not soon". */
#define SG_HTTP_RETRY_AFTER_MAX_S 86400u
/* Writing to a tag that concurrent signers share (online/tagrace.h: the .sig tag, the referrers
 * fallback tag): registries have no compare-and-swap, so each lost race costs a re-read and a
 * new PUT, with a jittered backoff between them (sys/retry.h). Sixteen signers on one image
 * settle within 3-4 rounds (docs/decisions.md); eight leave room for a busier registry. */
#define SG_TAG_WRITE_TRIES 8u
/* After our PUT we look at the tag once more, after about twice the time our own HEAD-to-PUT
 * took (a signer that checked the tag just before our PUT landed needs that long to land its
 * own), at least SG_TAG_SETTLE_MIN_MS (loopback) and at most SG_TAG_SETTLE_MAX_MS. */
#define SG_TAG_SETTLE_MIN_MS 100u
#define SG_TAG_SETTLE_MAX_MS 2000u
/* A Fulcio, Rekor or OIDC token-service answer held in memory: a certificate chain is ~3 KiB,
 * a Rekor entry with its proof and checkpoint ~6 KiB. */
#define SG_MAX_SERVICE_REPLY (1024u * 1024u)
/* A URL, as given on the command line or in a Location header. */
#define SG_MAX_URL 4096u

/* Signatures considered per image (layers of one .sig manifest). */
#define SG_MAX_SIGNATURES 64u
/* OCI 1.1 referrers examined per image (signatures, attestations, SBOMs of one image, over
 * all pages): each costs a manifest and a blob request, so the bound is also one on time. */
#define SG_MAX_REFERRERS 256u
/* Link rel="next" pages of a referrers answer followed (cosign reads only the first). */
#define SG_MAX_REFERRER_PAGES 16u
/* A Sigstore bundle blob fetched from a referrer: it is parsed whole as JSON, so the JSON
 * bound applies; the layer's declared size is checked before the download starts. */
#define SG_MAX_BUNDLE_BLOB SG_MAX_JSON
/* An OCI image layout (`picosign save`, `verify --local-image`): blobs one save writes, or one
 * verify looks through for cosign's unlisted referrers; an image of 100 layers with its
 * signatures needs ~110, a 16-platform index ~1700. */
#define SG_MAX_LAYOUT_BLOBS 4096u
/* One blob `save` copies (a layer): it is held whole in the arena between the download and
 * the write, so it must fit the arena's large region (SG_MAX_SCRYPT_MEM, 128 MiB) with the
 * manifests and the connection beside it. */
#define SG_MAX_LAYOUT_BLOB (96u * 1024u * 1024u)
/* scrypt in cosign's encrypted key files (keys.h). go-securesystemslib writes N=2^16, r=8, p=1
 * and accepts up to N=2^17 (its "OWASP" set); scrypt needs 128*r*N bytes, so 128 MiB covers
 * every key cosign reads. The other bounds stop a hostile key file from asking for more
 * memory or time than that: N a power of two of at most 2^20, r <= 32, p <= 16, and
 * 128*r*N <= SG_MAX_SCRYPT_MEM. */
#define SG_MAX_SCRYPT_N (1u << 20)
#define SG_MAX_SCRYPT_R 32u
#define SG_MAX_SCRYPT_P 16u
#define SG_MAX_SCRYPT_MEM (128u * 1024u * 1024u)
/* A scrypt salt in a key file (cosign writes 32 bytes). */
#define SG_MAX_SCRYPT_SALT 1024u
/* A private key's DER (PKCS#8 or SEC1) and so the plaintext of an encrypted key file: an EC
 * P-256 PKCS#8 key is 138 bytes; 8 KiB also holds the RSA keys we reject by name. */
#define SG_MAX_KEY_DER (8u * 1024u)
/* A key password (COSIGN_PASSWORD or typed at the terminal). */
#define SG_MAX_PASSWORD 4096u
/* The per-command arena: 16 MiB for documents and buffers, plus room for scrypt's scratch
 * memory when a command decrypts or writes a cosign key. malloc maps the pages lazily, so a
 * command that never runs scrypt never touches that part. */
#define SG_MAX_ARENA (16u * 1024u * 1024u + SG_MAX_SCRYPT_MEM + 1024u * 1024u)
/* verify IMAGE...: images verified at once (--max-workers; cosign's default is 10). Each
 * worker gets SG_WORKER_ARENA of the command's arena, which malloc maps lazily, and keeps its
 * own connection; 8 bounds what one run can touch (8 x 17 MiB) and the connections a
 * registry sees from it, and is more than 2 cores and a network round trip need. */
#define SG_MAX_WORKERS 8u
/* IMAGE arguments of one verify run (cosign takes any number; a pipeline passes a few). */
#define SG_MAX_VERIFY_IMAGES 256u
/* `verify -`: image references read from standard input, one a line (issue #15). A line
 * holds one reference (at most SG_MAX_OCI_REF bytes); 4096 is an audit of a large cluster's
 * images in one process, and with --output jsonl an image holds only its line (about 200
 * bytes) until the end, so the list costs a few MiB at most. Without jsonl every image's full
 * output is held to print in order: SG_MAX_VERIFY_IMAGES bounds that case. */
#define SG_MAX_IMAGE_LIST 4096u
#define SG_MAX_IMAGE_LIST_BYTES (SG_MAX_IMAGE_LIST * 128u)
/* What one image's verification may use: a single-image verify's arena, without scrypt. */
#define SG_WORKER_ARENA (16u * 1024u * 1024u + 1024u * 1024u)
/* A file read from disk by the CLI (artifact digests are streamed, not held). */
#define SG_MAX_INPUT_FILE (8u * 1024u * 1024u)

/* TUF metadata (sigstore/tuf.h), the download bound of each role when its parent lists no
 * length (TUF 1.0.34 §5.3.3 W, §5.4.1 X, §5.5.1 Y, §5.6.1 Z). Public-good's roots are 5-7 KiB
 * and its timestamp, snapshot and targets 0.4, 1.8 and 5 KiB; go-tuf and tuf-js allow 512000
 * bytes per root and 16384 for the timestamp, which we keep for the timestamp. A root of
 * 256 KiB would list hundreds of keys; 1 MiB of snapshot or targets is thousands of entries. */
#define SG_MAX_TUF_ROOT (256u * 1024u)
#define SG_MAX_TUF_TIMESTAMP (16u * 1024u)
#define SG_MAX_TUF_SNAPSHOT (1024u * 1024u)
#define SG_MAX_TUF_TARGETS (1024u * 1024u)
/* Root rotations followed in one refresh (§5.3.3 Y): public-good made 14 in five years;
 * go-tuf stops at 256. Also how many roots a cache keeps to re-verify its chain. */
#define SG_MAX_TUF_ROOT_ROTATIONS 64u
/* Keys in one root and signatures on one file: public-good root v10 lists 13 keys and
 * carries 10 signatures. */
#define SG_MAX_TUF_KEYS 64u
#define SG_MAX_TUF_SIGS 64u
/* Entries of a snapshot's or timestamp's meta and of a targets' targets: public-good lists 6
 * and 11. Each costs a fixed-size record in the arena. */
#define SG_MAX_TUF_ENTRIES 4096u
/* A key id or target name (public-good's are 64 hex digits and short file names). */
#define SG_MAX_TUF_NAME 1024u
/* How long `picosign initialize` waits for another one writing the same cache. */
#define SG_TUF_LOCK_WAIT_MS 120000u

/* Network timeouts in milliseconds, overridable by flag or environment. */
#define SG_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define SG_DEFAULT_IO_TIMEOUT_MS 30000u
#define SG_DEFAULT_REQUEST_DEADLINE_MS 120000u

/* OCI (ociref, manifest, payload, wwwauth, dockercfg). An image reference as typed: the
 * repository path is capped at 255 by docker and ggcr, the tag at 128, the digest at 71. */
#define SG_MAX_OCI_REF 1024u
/* Descriptors in one manifest or index: cosign's readers refuse more than 1000 layers. */
#define SG_MAX_OCI_LAYERS 1000u
/* Annotations on one descriptor or manifest; cosign writes at most 5 per layer. */
#define SG_MAX_OCI_ANNOTATIONS 128u
/* `-a key=value` annotations in one simple-signing payload. */
#define SG_MAX_PAYLOAD_ANNOTATIONS 64u
/* Challenges in one WWW-Authenticate value and auth-params per challenge; registries send
 * one challenge with 2-4 params. */
#define SG_MAX_WWWAUTH_CHALLENGES 8u
#define SG_MAX_WWWAUTH_PARAMS 16u

/* Registry client (registry.h). A bearer token: Docker Hub's JWTs with an x5c chain are ~3 KiB,
 * and the Authorization header must fit the request head (SG_HTTP_IOBUF_SIZE). */
#define SG_MAX_REGISTRY_TOKEN 8192u
/* A token endpoint's JSON reply (ggcr reads at most 64 KiB of it). */
#define SG_MAX_TOKEN_REPLY (64u * 1024u)
/* What a docker-credential-* helper may print, and how long it may take. */
#define SG_MAX_CRED_HELPER_OUTPUT (64u * 1024u)
#define SG_CRED_HELPER_TIMEOUT_MS 30000u

/* Identity regular expressions (regex.h). Real identity patterns are under 200 bytes; the
 * program bound keeps a compiled pattern at a fixed 48 KiB and matching at O(text x 4096)
 * steps. Counted repetitions are expanded, so "[a-z]{1000}" uses 1000 instructions. */
#define SG_MAX_REGEX_PATTERN 1024u
#define SG_MAX_REGEX_INST 4096u
/* Character-class ranges of one pattern: a class adds at most about two per pattern byte. */
#define SG_MAX_REGEX_RANGES 2048u

#endif
