/* referrers: OCI 1.1 referrers of an image in its registry (rank 7; cosign-v3.md §1.7, §1.8,
 * §2.1; distribution-spec "Listing Referrers", "Referrers Tag Schema").
 *
 * Reading (sg_referrers_list), in cosign v3's discovery order, with two additions:
 *   1. GET /v2/<repo>/referrers/<digest>: a 200 with the OCI index type is the list, and
 *      its Link rel="next" pages are followed (cosign reads only the first), at most
 *      SG_MAX_REFERRER_PAGES pages and SG_MAX_REFERRERS entries in all;
 *   2. otherwise (404, 400, 406, or a 200 of another type) the fallback tag sha256-<hex>:
 *      404 means no referrers; anything there must be an OCI image index that is not the
 *      image itself (a registry that resolves the tag to the subject manifest, cosign-v3.md
 *      §1.9, is refused by name instead of read as a list);
 *   3. any other answer, on either request, fails and names the request: a throttled (429),
 *      broken (5xx) or refused (401/403) lookup is never reported as "nothing there".
 *
 * Writing (sg_referrers_attach), as cosign's WriteReferrer and ggcr's commitSubjectReferrers
 * do, with ggcr v0.22.1's copy of the annotations into the fallback entry and a guard against
 * lost updates: the empty config blob and the bundle blob, the manifest PUT by digest, then
 * the referrers probe; without the API, the fallback index is read (404: a new one), left
 * alone when it lists the manifest already, else extended (entries sorted by digest) and
 * PUT, after a HEAD shows nobody moved the tag since the read; read-backs at once and after a
 * settle time must list the manifest, else another writer's PUT won and the update is redone
 * after a jittered backoff, at most SG_TAG_WRITE_TRIES times (online/tagrace.h: the policy of
 * the .sig tag too). */
#ifndef SG_REFERRERS_H
#define SG_REFERRERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "oci/manifest.h"
#include "online/registry.h"

typedef enum sg_referrers_source {
	SG_REFERRERS_NONE = 0, /* no API and no fallback tag: nothing attached */
	SG_REFERRERS_API,      /* the registry's referrers API */
	SG_REFERRERS_TAG,      /* the fallback tag sha256-<hex> */
	SG_REFERRERS_LAYOUT,   /* an OCI layout's index.json (online/layout.h) */
	SG_REFERRERS_BLOBS,    /* an OCI layout's blobs, as cosign v3 saves them unlisted */
} sg_referrers_source;

typedef struct sg_referrers {
	sg_referrers_source source;
	const sg_oci_desc *entries; /* in listing order: registry order, or by digest for the
				     * fallback index (views into the arena) */
	size_t n;
	unsigned pages;             /* referrers API pages read */
	uint8_t tag_digest[32];     /* the fallback index's digest (SG_REFERRERS_TAG) */
} sg_referrers;

/* List the referrers of `subject` in `repo` (see the top). Errors: the registry's, named by
 * request; SG_ERR_OCI_MANIFEST (a fallback tag that is not an OCI index, or is the image
 * itself; an answer that is not an index); SG_ERR_LIMIT (more than SG_MAX_REFERRERS entries
 * or SG_MAX_REFERRER_PAGES pages). `out` is zeroed on failure. */
SG_MUST_USE sg_err sg_referrers_list(sg_registry *r, const char *repo, const uint8_t subject[32],
	sg_arena *arena, sg_referrers *out, sg_diag *d);

typedef struct sg_referrers_attach_result {
	uint8_t manifest_digest[32]; /* the referrer manifest pushed */
	sg_referrers_source where;   /* API, or TAG when the fallback index was maintained */
	int already_indexed;         /* the fallback index listed the manifest before we wrote */
	unsigned attempts;           /* fallback index updates tried (1 unless a race) */
} sg_referrers_attach_result;

/* Attach the referrer manifest `manifest` (from sg_oci_referrer_write; its one layer is
 * `blob`, its config the empty blob) to the image in `repo`; see the top. The fallback entry
 * is the manifest's descriptor with its annotations and artifactType. Errors: the registry's;
 * those of sg_oci_manifest_parse for `manifest`; SG_ERR_OCI_MANIFEST (something other than an
 * OCI index at the fallback tag); SG_ERR_OCI_REGISTRY "the fallback tag ... kept changing ...
 * the signature may be missing" after SG_TAG_WRITE_TRIES attempts, or when the command's
 * deadline leaves no time for another. */
SG_MUST_USE sg_err sg_referrers_attach(sg_registry *r, const char *repo,
	const uint8_t subject[32], sg_slice manifest, sg_slice blob, sg_arena *arena,
	sg_referrers_attach_result *out, sg_diag *d);

#endif
