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

/* Trust-root entries of each kind (CAs, tlogs, ctlogs, TSAs). */
#define SG_MAX_TRUST_ENTRIES 32u

/* HTTP framing. */
#define SG_MAX_HTTP_STATUS_LINE 1024u
#define SG_MAX_HTTP_HEADER_BLOCK (16u * 1024u)
#define SG_MAX_HTTP_HEADERS 64u
/* Default cap on a response body held in memory; callers may choose less. */
#define SG_MAX_HTTP_BODY (8u * 1024u * 1024u)
#define SG_MAX_HTTP_REDIRECTS 5u
/* Hex digits in a chunk-size line: 16 digits already overflow any body cap. */
#define SG_MAX_HTTP_CHUNK_DIGITS 16u
/* A URL, as given on the command line or in a Location header. */
#define SG_MAX_URL 4096u

/* Signatures considered per image (layers of one .sig manifest). */
#define SG_MAX_SIGNATURES 64u
/* The per-command arena. */
#define SG_MAX_ARENA (16u * 1024u * 1024u)
/* A file read from disk by the CLI (artifact digests are streamed, not held). */
#define SG_MAX_INPUT_FILE (8u * 1024u * 1024u)

/* Network timeouts in milliseconds, overridable by flag or environment. */
#define SG_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define SG_DEFAULT_IO_TIMEOUT_MS 30000u
#define SG_DEFAULT_REQUEST_DEADLINE_MS 120000u

#endif
