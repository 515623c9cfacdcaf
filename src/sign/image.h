/* image: signing a container image (rank 8), in cosign v3's form (a Sigstore bundle attached
 * as an OCI 1.1 referrer, the second half of this header) or in cosign's legacy `.sig` form
 * (protocol.md §1, §2.4, §2.5, §2.7, §6). For the legacy form both `sign --key` and keyless
 * `sign` run the same two calls:
 *
 *   sg_sign_image_payload  the digest to sign (a tag resolved through the registry, a digest
 *                          fetched once so the image must exist and hash to it) and the
 *                          simple-signing payload for "<registry>/<repository>" with the -a
 *                          annotations in "optional";
 *   sg_sign_image          the signature over SHA-256 of the exact payload bytes, with a
 *                          verified Rekor entry (a prepared sg_signer: keyless after
 *                          sg_signer_begin, or key-based after sg_signer_begin_key) or, for
 *                          --key --tlog-upload=false, the bare key; then the local copies
 *                          (--output-signature, --bundle) BEFORE the push, so a registry that
 *                          refuses it loses nothing; then the layer (signature, certificate,
 *                          bundle and chain annotations) attached to sha256-<hex>.sig through
 *                          sg_cosign_sig_attach (append, dedupe, race-checked push).
 *
 * The library prints nothing: cosign's progress lines go to a `note` hook and the
 * transparency-log consent to a `confirm` hook, in cosign's order, so the CLI prints them. */
#ifndef SG_SIGN_IMAGE_H
#define SG_SIGN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/p256.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/cosign_sig.h"
#include "online/referrers.h"
#include "online/registry.h"
#include "sign/sign.h"

/* The image to sign, for sg_sign_image_payload's callers. */
SG_MUST_USE sg_err sg_sign_image_payload(sg_registry *reg, const sg_ociref *ref,
	const sg_oci_annot *annots, size_t n_annots, sg_arena *arena, uint8_t digest[32],
	sg_slice *repo_name, sg_slice *payload, sg_diag *d);

typedef struct sg_sign_image_hooks {
	void *ctx;
	/* One progress line as cosign prints it to stderr (no trailing newline). */
	void (*note)(void *ctx, const char *line);
	/* Asked once before anything goes to the transparency log; NULL: no prompt (--yes). */
	sg_err (*confirm)(void *ctx, sg_diag *d);
} sg_sign_image_hooks;

typedef struct sg_sign_image_req {
	sg_registry *reg;
	const char *repository;         /* where the .sig tag goes */
	const uint8_t *digest;          /* the image's manifest digest (32 bytes) */
	sg_slice payload;               /* from sg_sign_image_payload */
	sg_slice repo_name;             /* "<registry>/<repository>", for the progress line */
	/* Exactly one: a prepared signer (logged), or a bare key (--tlog-upload=false). */
	sg_signer *signer;
	const sg_p256_key *key;
	const char *rekor_url;          /* for the public-good search link */
	const char *out_sig;            /* --output-signature, NULL for none */
	const char *bundle_path;        /* --bundle (needs the signer), NULL for none */
	int docker_types;               /* COSIGN_DOCKER_MEDIA_TYPES */
	int no_upload;                  /* --upload=false: sign, write the copies, push nothing */
	sg_sign_image_hooks hooks;
} sg_sign_image_req;

typedef struct sg_sign_image_result {
	sg_sign_stage stage;            /* where a failure happened (NONE outside the signer) */
	int pushing;                    /* the failure happened while attaching */
	const char *sig_written;        /* the local copies made before a failure */
	const char *bundle_written;
	sg_sign_result *signed_entry;   /* the signature and its log entry (NULL without log) */
	sg_cosign_attach_result attach;
} sg_sign_image_result;

/* Sign `digest` through the prepared signer with a verified log entry: the confirm hook
 * first (when set), then sg_signer_sign_digest, then cosign's lines through the note hook
 * ("tlog entry created with index: N", and the search link for the public-good Rekor, whose
 * URL is `rekor_url`). Errors: the hook's and sg_signer_sign_digest's (s->stage says where). */
SG_MUST_USE sg_err sg_sign_logged(sg_signer *s, const sg_sign_image_hooks *hooks,
	const char *rekor_url, const uint8_t digest[SG_SHA256_LEN], sg_arena *arena,
	sg_sign_result *out, sg_diag *d);

/* Sign and attach; see the top. `res` says what was done even on failure (stage, pushing,
 * files written), so the caller can report what was kept. Errors: those of
 * sg_signer_sign_digest, sg_p256_sign_digest, sg_sign_bundle_json, sg_os_write_file and
 * sg_cosign_sig_attach, SG_ERR_SIGN_DECLINED from the confirm hook, SG_ERR_ARG for a request
 * with both or neither of signer and key, or a --bundle without a signer. */
SG_MUST_USE sg_err sg_sign_image(const sg_sign_image_req *req, sg_arena *arena,
	sg_sign_image_result *res, sg_diag *d);

/* ---- cosign v3: a bundle on a referrer (cosign-v3.md §1) ----
 *
 *   sg_sign_image_statement  the in-toto statement `cosign sign` signs: Statement v1, one
 *                            subject {digest: {sha256}, annotations: the -a pairs} (no name),
 *                            predicateType https://sigstore.dev/cosign/sign/v1, predicate {};
 *   sg_sign_image_bundle     the subject descriptor from a HEAD of the image (ggcr's
 *                            headManifest), the DSSE signature with its timestamp and log
 *                            entry (sg_signer_sign_dsse), the bundle v0.3, the --bundle copy
 *                            BEFORE the push, then the referrer manifest exactly as cosign
 *                            builds it (oci/manifest.h sg_oci_referrer_write, created = `now`)
 *                            attached through online/referrers.h (manifest by digest, the
 *                            probe, the fallback index when the registry has no API).
 * `attest` runs sg_sign_image_bundle with its own statement and predicate type. */

/* The `sign` statement for image `digest` with annotations annots[0..n) (JSON in the arena). */
SG_MUST_USE sg_err sg_sign_image_statement(const uint8_t digest[32], const sg_oci_annot *annots,
	size_t n, sg_arena *arena, sg_slice *out, sg_diag *d);

typedef struct sg_sign_bundle_req {
	sg_registry *reg;
	const char *repository;
	const uint8_t *digest;          /* the image's manifest digest (32 bytes) */
	sg_slice repo_name;             /* "<registry>/<repository>", for the progress line */
	sg_slice statement;             /* the in-toto statement to sign */
	sg_slice predicate_type;        /* its predicateType: the manifest annotation */
	sg_signer *signer;              /* prepared; logs unless its rekor_url is NULL */
	const char *bundle_path;        /* --bundle, NULL for none */
	int64_t now;                    /* Unix seconds: org.opencontainers.image.created */
	int no_upload;                  /* --upload=false: sign, write --bundle, attach nothing */
	sg_sign_image_hooks hooks;
} sg_sign_bundle_req;

typedef struct sg_sign_bundle_result {
	sg_sign_stage stage;            /* where a failure happened (NONE outside the signer) */
	int pushing;                    /* the failure happened while attaching */
	const char *bundle_written;     /* the local copy made before a failure */
	sg_sign_result *signed_entry;   /* the signature, timestamp and log entry */
	sg_slice bundle;                /* the bundle JSON (arena) */
	sg_referrers_attach_result attach;
} sg_sign_bundle_result;

/* Sign and attach in cosign v3's form; see above. `res` says what was done even on failure.
 * Errors: those of sg_registry_head_descriptor, the confirm hook, sg_signer_sign_dsse,
 * sg_sign_bundle_json, sg_os_write_file, sg_oci_referrer_write and sg_referrers_attach. */
SG_MUST_USE sg_err sg_sign_image_bundle(const sg_sign_bundle_req *req, sg_arena *arena,
	sg_sign_bundle_result *res, sg_diag *d);

#endif
