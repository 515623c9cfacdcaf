/* layout: an OCI image layout on disk (rank 7; oci/layout.h, docs/oci.md "Air gap"): the
 * source `verify --local-image` and `verify-attestation --local-image` read an image, its
 * signatures and attestations from, and the destination `picosign save` writes them to.
 * Files go through sys/os.c only; what they must hold is oci/layout.h's to check.
 *
 * Reading never trusts a file: index.json and oci-layout are read at most SG_MAX_JSON bytes,
 * never through a symbolic link and only from regular files; every blob is read at most
 * `max` bytes and must hash to its name and have the size its descriptor declares, so a
 * blob changed after `save` is refused by name (SG_ERR_OCI_DIGEST_MISMATCH), and a missing
 * one is SG_ERR_OCI_NOT_FOUND naming it.
 *
 * Writing never leaves a layout that looks complete but is not: the blobs first, each
 * replaced atomically, then index.json last, by one rename. A run that fails leaves the
 * previous index.json (or none) and some extra blobs, which name only their own bytes. */
#ifndef SG_ONLINE_LAYOUT_H
#define SG_ONLINE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "oci/layout.h"
#include "online/cosign_sig.h"
#include "online/referrers.h"

typedef struct sg_layout_dir {
	const char *dir;  /* as given; must outlive the struct */
	sg_layout lay;    /* index.json */
} sg_layout_dir;

/* Open the layout in `dir`: its oci-layout (sg_layout_check_version) and index.json
 * (sg_layout_parse). Errors: SG_ERR_IO naming the file (missing, unreadable, a link),
 * SG_ERR_LIMIT (larger than SG_MAX_JSON), and those of the two checks. */
SG_MUST_USE sg_err sg_layout_open(const char *dir, sg_arena *arena, sg_layout_dir *out,
	sg_diag *d);

/* Read blob `digest` (at most `max` bytes; exactly `size` when size >= 0) into the arena.
 * Errors: SG_ERR_OCI_NOT_FOUND (no such blob), SG_ERR_OCI_DIGEST_MISMATCH, SG_ERR_LIMIT,
 * SG_ERR_IO, each naming the blob's path. */
SG_MUST_USE sg_err sg_layout_get(const sg_layout_dir *l, const uint8_t digest[32], int64_t size,
	size_t max, sg_arena *arena, sg_slice *out, sg_diag *d);

/* The referrers of the layout's image, as sg_referrers_list gives a registry's: the
 * index.json entries that are OCI manifests without a `kind` (sg_layout_maybe_referrer) and
 * whose manifest's subject is the image (source SG_REFERRERS_LAYOUT); when index.json lists
 * none, the manifests among the blobs whose subject is the image, as cosign v3 finds the
 * bundles it saved (source SG_REFERRERS_BLOBS, in digest order; a file that is not a
 * manifest of at most SG_MAX_JSON bytes hashing to its name is skipped). Errors: those of sg_layout_get for a listed manifest,
 * SG_ERR_LIMIT (over SG_MAX_REFERRERS referrers or SG_MAX_LAYOUT_BLOBS blobs), SG_ERR_IO. */
SG_MUST_USE sg_err sg_layout_referrers(const sg_layout_dir *l, sg_arena *arena, sg_referrers *out,
	sg_diag *d);

/* The layout's `.sig` image (the entry of kind sigs) as sg_cosign_sigs_fetch gives it:
 * found = 0 without one. Errors: those of sg_layout_get and sg_oci_manifest_parse. */
SG_MUST_USE sg_err sg_layout_sigs(const sg_layout_dir *l, sg_arena *arena, sg_cosign_sigs *out,
	sg_diag *d);

/* ---- writing ---- */

typedef struct sg_layout_writer {
	const char *dir;
	const sg_oci_desc **entries; /* index.json's, in the order added (arena) */
	size_t n, cap;
	size_t blobs;                /* blobs written, at most SG_MAX_LAYOUT_BLOBS */
} sg_layout_writer;

/* Start writing a layout into `dir` (created with its parents): blobs/sha256/ and the
 * oci-layout file, room for `max_entries` index.json entries. An existing layout there keeps
 * its blobs until sg_layout_commit replaces its index.json. Errors: SG_ERR_IO, SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_layout_create(sg_layout_writer *w, const char *dir, size_t max_entries,
	sg_arena *arena, sg_diag *d);

/* Write `blob` as blobs/sha256/<its sha256>, atomically. SG_ERR_LIMIT past
 * SG_MAX_LAYOUT_BLOBS blobs; SG_ERR_IO naming the file. */
SG_MUST_USE sg_err sg_layout_put(sg_layout_writer *w, sg_slice blob, sg_diag *d);

/* List `entry` in index.json (its views must live until sg_layout_commit). SG_ERR_LIMIT past
 * max_entries. */
SG_MUST_USE sg_err sg_layout_add(sg_layout_writer *w, const sg_oci_desc *entry, sg_diag *d);

/* Write index.json (sg_oci_index_write, the entries in the order added) by one rename: from
 * here on the layout is complete. Scratch from `arena`. Errors: SG_ERR_IO, SG_ERR_LIMIT,
 * SG_ERR_ARG. */
SG_MUST_USE sg_err sg_layout_commit(sg_layout_writer *w, sg_arena *arena, sg_diag *d);

#endif
