/* verify_image: `picosign verify IMAGE[:tag|@digest]...`, cosign v3's verify: Sigstore
 * bundles on OCI 1.1 referrers first (cosign-v3.md §2), else the legacy `.sig` signatures
 * (protocol.md §7), with the same checks in the same order, the same output and the same
 * errors; and `picosign verify-attestation --type T IMAGE...` over the same referrers.
 *
 * The bundle path (verify_referrers): the referrers of the image's digest (the referrers API,
 * else the fallback tag; online/referrers.h), and for each listed manifest the referrer rules
 * of verify/image.h: a bundle layer, a bundle v0.3 or later, else it is skipped (--explain
 * says why). A referrer whose manifest says it carries another predicate type
 * (dev.sigstore.bundle.predicateType) is skipped too: `verify` looks at signatures
 * (https://sigstore.dev/cosign/sign/v1), verify-attestation at the --type asked for. When no
 * bundle is found the legacy path runs (verify only; --new-bundle-format=false runs only
 * it). A lookup that fails (429, 5xx, refused authentication, a timeout) is never "no
 * signatures found": it names the request and exits 1. Each candidate is verified by
 * sg_verify_referrer_bundle; none passing gives "no matching attestations: <err>\n<err>..."
 * and exit 12 (cosign v3 exits 1 there; docs/decisions.md); none found, exit 10.
 *
 * The legacy path:
 *
 *   verify (--certificate-identity I | --certificate-identity-regexp R)
 *          (--certificate-oidc-issuer U | --certificate-oidc-issuer-regexp R) | --key PUB
 *          [extension matchers] [-a key=value]... [--trusted-root F] [--offline]
 *          [--insecure-ignore-tlog] [--insecure-ignore-sct] [--check-claims=false]
 *          [-o json|text] [--explain] [-r] [--max-workers N] [registry flags] IMAGE...
 *
 * Per image (§7.2): resolve a tag to its digest (404: "image tag not found: ...", exit 11),
 * fetch sha256-<hex>.sig (404 or no layers: "no signatures found", exit 10), then check every
 * layer as an independent candidate: payload blob (size, digest), the transparency log
 * (bundle consistency + SET, through sg_verify_entity), certificate, chain, identity policy,
 * SCT, payload signature, then the claims (digest, -a annotations). The image passes when at
 * least one candidate passes; otherwise "no matching signatures: <err 1>\n <err 2>..." (exit
 * 12). Output: cosign's header on stderr, the JSON array (or -o text) on stdout. Errors print
 * as cosign's do: "Error: <msg>" then "main.go:74: error during command execution: <msg>".
 *
 * Several images: each is verified (cosign's loop), by --max-workers workers at once over
 * reused connections (cli/images.c); each passing image prints its header and its output, as
 * cosign; the exit code is that of the first image that failed, in argument order, and with
 * several images each error names its image. Everything an image prints is collected in the
 * worker's buffers and printed in argument order. The legacy signatures are read from
 * $COSIGN_REPOSITORY when it is set (cosign's target repository); the referrers, which the
 * registry keeps with their subject, from the image's repository.
 *
 * --local-image (cosign's flag; issue #11): each argument is an OCI layout written by
 * `picosign save` (or cosign save) instead of an image reference; the same checks and output,
 * reading through the src_* seam from online/layout.h instead of the registry. --offline
 * switches the network off for the whole process before anything runs (sg_cli_go_offline);
 * an image that would need its registry is then refused by name, with the advice to save it.
 *
 * Beyond cosign: --explain prints, for every candidate, the check that failed and why (or
 * that it passed, or why it was not a candidate), to stderr before the result;
 * -r/--recursive also verifies every manifest of an index (each reported as an image of its
 * own), where cosign verifies the index's own signatures only. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "online/cosign_sig.h"
#include "online/layout.h"
#include "online/referrers.h"
#include "online/registry.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sigstore/bundle.h"
#include "sigstore/dsse.h"
#include "sigstore/intoto.h"
#include "sigstore/policy.h"
#include "sys/os.h"
#include "verify/image.h"
#include "verify/siglayer.h"
#include "verify/verify.h"

/* Joined candidate errors ("no matching signatures: a\n b"). */
#define JOINED_CAP (64u * 1024u)

struct opts {
	sg_cli_identity id;
	const char *key_path, *output, *max_workers;
	sg_cli_trust_opts topts; /* --trusted-root, --max-trust-root-age, --refresh-trust */
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots;
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	int offline, ignore_tlog, ignore_sct, check_claims, explain, recursive, private_infra;
	int local;                  /* --local-image: the arguments are OCI layouts (save) */
	sg_cli_common common;
	sg_cli_registry_flags reg;
	sg_policy policy;
	sg_pubkey key;
	sg_trustroot *tr;
	int text;
	int jsonl;                  /* --output jsonl: one JSON line per image (batch_line) */
	int many;                   /* several images (or -r): messages name the image */
	int new_bundle_format;      /* --new-bundle-format: -1 unset (both paths), 0 legacy only */
	int attestation;            /* verify-attestation */
	const char *type;           /* its --type as given */
	const char *predicate_type; /* the predicate type looked for */
	sg_image_opts io;           /* what verify/image.h is told, set once all flags are read */
};

/* cosign prints the error twice: cobra's "Error: " line and main's log line. With several
 * images, the image's name comes first. */
static int
fail_to(sg_buf *err, const struct opts *o, const char *name, int code, const char *msg)
{
	for (int k = 0; k < 2; k++) {
		sg_buf_puts(err, k == 0 ? "Error: "
					: "main.go:74: error during command execution: ");
		if (o->many) {
			sg_buf_puts(err, name);
			sg_buf_puts(err, ": ");
		}
		sg_buf_puts(err, msg);
		sg_buf_putc(err, '\n');
	}
	return code;
}

static int
fail_diag_to(sg_buf *err, const struct opts *o, const char *name, int code, const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	return fail_to(err, o, name, code, msg);
}

/* A line of --explain into the image's stderr (printed in argument order). */
static void put_line(sg_buf *err, const char *fmt, ...) SG_PRINTF(2, 3);
static void
put_line(sg_buf *err, const char *fmt, ...)
{
	char line[1600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		sg_buf_put(err, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Before any image: cosign's format. */
static int
fail_msg(int code, const char *msg)
{
	fprintf(stderr, "Error: %s\nmain.go:74: error during command execution: %s\n", msg, msg);
	return code;
}

static int
fail_diag(int code, const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	return fail_msg(code, msg);
}

/* The stage names --explain uses, from the code of the first failure. */
static const char *
stage_of(sg_err e)
{
	switch (e) {
	case SG_ERR_VERIFY_TLOG_BODY:
	case SG_ERR_VERIFY_TLOG_KEY:
	case SG_ERR_VERIFY_TLOG_MISSING:
	case SG_ERR_VERIFY_SET:
	case SG_ERR_VERIFY_INCLUSION:
	case SG_ERR_VERIFY_CHECKPOINT:
		return "transparency log (bundle consistency and SET)";
	case SG_ERR_VERIFY_EXPIRED:
	case SG_ERR_VERIFY_TIME:
		return "certificate validity at the logged time";
	case SG_ERR_VERIFY_CHAIN:
	case SG_ERR_VERIFY_EKU:
	case SG_ERR_VERIFY_CA:
		return "certificate chain to the trusted root";
	case SG_ERR_POLICY_IDENTITY:
	case SG_ERR_POLICY_ISSUER:
	case SG_ERR_POLICY_EXTENSION:
		return "identity policy (subject and issuer)";
	case SG_ERR_VERIFY_SCT:
	case SG_ERR_VERIFY_CT_KEY:
		return "embedded SCT";
	case SG_ERR_VERIFY_SIGNATURE:
		return "payload signature";
	case SG_ERR_VERIFY_DIGEST:
		return "claims: image digest";
	case SG_ERR_POLICY_ANNOTATION:
		return "claims: annotations";
	case SG_ERR_VERIFY_PAYLOAD:
		return "claims: payload format";
	case SG_ERR_VERIFY_PREDICATE:
		return "predicate type";
	case SG_ERR_VERIFY_TIMESTAMP:
		return "RFC 3161 timestamps";
	case SG_ERR_VERIFY_DSSE:
		return "DSSE envelope";
	case SG_ERR_OCI_DIGEST_MISMATCH:
	case SG_ERR_OCI_NOT_FOUND:
	case SG_ERR_OCI_REGISTRY:
	case SG_ERR_OCI_AUTH:
		return "payload blob";
	default:
		return "signature layer";
	}
}

struct image_ctx {
	struct opts *o;
	/* Where the image's manifests and blobs come from: its registry, or with --local-image
	 * an OCI layout (`picosign save`). Only the src_* functions below know which; every
	 * check after them is the same code for both. */
	sg_registry *reg;       /* the image's registry (and its referrers); NULL for a layout */
	const char *repo;
	sg_registry *sig_reg;   /* where the legacy signatures are ($COSIGN_REPOSITORY) */
	const char *sig_repo;
	const sg_layout_dir *lay;  /* NULL without --local-image */
	uint8_t digest[32];
	sg_arena *arena;
	sg_buf *out;      /* stdout */
	sg_buf *err_out;  /* per-signature stderr lines (-o text) */
	sg_buf types;     /* verify-attestation: the other predicate types verified */
	size_t passed;
	int any_bundle;   /* a passing signature was verified through its bundle */
};

/* ---- the source: the registry or the layout ---- */

/* The manifest `desc` names, its bytes checked against its digest. */
SG_MUST_USE static sg_err
src_manifest(struct image_ctx *c, const sg_oci_desc *desc, sg_slice *out, sg_diag *d)
{
	if (c->lay != NULL)
		return sg_layout_get(c->lay, desc->digest, desc->size, SG_MAX_JSON, c->arena, out,
			d);
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_registry_manifest m;
	sg_oci_digest_format(desc->digest, ds);
	SG_TRY(sg_registry_get_manifest(c->reg, c->repo, ds, SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &m,
		d));
	*out = m.body;
	return SG_OK;
}

/* The blob `desc` names, at most `max` bytes, its size and digest checked: from the legacy
 * signatures' repository when `sigs`, else from the image's. */
SG_MUST_USE static sg_err
src_blob(struct image_ctx *c, int sigs, const sg_oci_desc *desc, size_t max, sg_slice *out,
	sg_diag *d)
{
	if (desc->size < 0)
		return sg_diag_fail(d, SG_ERR_OCI_MANIFEST, "layer size");
	if (c->lay != NULL)
		return sg_layout_get(c->lay, desc->digest, desc->size, max, c->arena, out, d);
	return sg_registry_get_blob(sigs ? c->sig_reg : c->reg, sigs ? c->sig_repo : c->repo,
		desc->digest, (uint64_t)desc->size, max, out, d);
}

SG_MUST_USE static sg_err
src_referrers(struct image_ctx *c, sg_referrers *out, sg_diag *d)
{
	if (c->lay != NULL)
		return sg_layout_referrers(c->lay, c->arena, out, d);
	return sg_referrers_list(c->reg, c->repo, c->digest, c->arena, out, d);
}

SG_MUST_USE static sg_err
src_sigs(struct image_ctx *c, sg_cosign_sigs *out, sg_diag *d)
{
	if (c->lay != NULL)
		return sg_layout_sigs(c->lay, c->arena, out, d);
	return sg_cosign_sigs_fetch(c->sig_reg, c->sig_repo, c->digest, c->arena, out, d);
}

/* Check one candidate layer. SG_OK when it passes; its output element is then appended. */
SG_MUST_USE static sg_err
check_layer(struct image_ctx *c, const sg_oci_desc *desc, sg_diag *d)
{
	struct opts *o = c->o;
	sg_arena *arena = c->arena;
	sg_sig_layer layer;
	sg_slice payload;
	SG_TRY(src_blob(c, 1, desc, SG_COSIGN_MAX_PAYLOAD, &payload, d));
	sg_cosign_sig_layer(desc, payload, &layer);
	sg_verified *v;
	SG_TRY(sg_arena_get(arena, sizeof *v, (void **)&v, d));
	SG_TRY(sg_verify_sig_layer(&layer, c->digest, &o->io, arena, v, d));

	/* Passed: the output element (§7.3). */
	sg_payload_extra x;
	memset(&x, 0, sizeof x);
	sg_slice subject = {NULL, 0}, issuer = {NULL, 0};
	if (v->keyless) {
		x.has_cert = 1;
		subject = v->n_sans > 0 ? v->sans[0] : sg_slice_make("", 0);
		issuer = sg_x509_issuer_v1(&v->leaf);
		x.subject = subject;
		x.issuer = issuer;
		for (unsigned k = 0; k < SG_FULCIO_GITHUB_COUNT; k++) {
			sg_slice g;
			if (sg_x509_fulcio_ext(&v->leaf, SG_FULCIO_GITHUB_FIRST + k, &g) && g.len > 0)
				x.github[k] = g;
		}
	}
	if (layer.bundle_json.len > 0)
		x.bundle = layer.bundle_json;
	if (layer.rfc3161_json.len > 0)
		x.rfc3161 = layer.rfc3161_json;
	if (v->has_tlog && layer.bundle_json.len > 0)
		c->any_bundle = 1;
	if (o->text) {
		if (v->keyless) {
			static const char *const gh[SG_FULCIO_GITHUB_COUNT] = {
				"GitHub Workflow Trigger",
				"GitHub Workflow SHA", "GitHub Workflow Name",
				"GitHub Workflow Repository", "GitHub Workflow Ref"};
			sg_buf_puts(c->err_out, "Certificate subject: ");
			sg_buf_put(c->err_out, subject.p, subject.len);
			sg_buf_putc(c->err_out, '\n');
			if (issuer.len > 0) {
				sg_buf_puts(c->err_out, "Certificate issuer URL: ");
				sg_buf_put(c->err_out, issuer.p, issuer.len);
				sg_buf_putc(c->err_out, '\n');
			}
			for (unsigned k = 0; k < SG_FULCIO_GITHUB_COUNT; k++) {
				if (x.github[k].len == 0)
					continue;
				sg_buf_puts(c->err_out, gh[k]);
				sg_buf_puts(c->err_out, ": ");
				sg_buf_put(c->err_out, x.github[k].p, x.github[k].len);
				sg_buf_putc(c->err_out, '\n');
			}
		}
		sg_buf_put(c->out, layer.payload.p, layer.payload.len);
		sg_buf_putc(c->out, '\n');
		SG_TRY(sg_buf_status(c->out) == SG_OK && sg_buf_status(c->err_out) == SG_OK
				? SG_OK
				: sg_diag_fail(d, SG_ERR_LIMIT, "verify output"));
	} else {
		if (c->passed > 0)
			sg_buf_putc(c->out, ',');
		SG_TRY(sg_payload_write_verified(layer.payload.p, layer.payload.len, &x, arena,
			c->out, d));
	}
	c->passed++;
	return SG_OK;
}

/* ---- the cosign v3 path: bundles on referrers ---- */

static void print_header(sg_buf *err, const struct opts *o, const char *name,
	int bundle_verified);

/* Why referrer `desc` is not a candidate (NULL: it is one, `e` filled), or a fatal lookup
 * failure (*fatal, `d` set): a listed manifest or blob the registry fails to serve. */
static const char *
referrer_candidate(struct image_ctx *c, const sg_oci_desc *desc, sg_entity *e, char *why,
	size_t cap, int *fatal, sg_diag *d)
{
	struct opts *o = c->o;
	*fatal = 0;
	sg_slice body;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err err = src_manifest(c, desc, &body, &ld);
	if (err == SG_ERR_OCI_NOT_FOUND)
		return "the registry lists it but does not have it";
	if (err != SG_OK) {
		*d = ld;
		*fatal = 1;
		return "";
	}
	sg_oci_manifest man;
	const sg_oci_desc *layer;
	if (sg_oci_manifest_parse(body.p, body.len, c->arena, &man, &ld) != SG_OK ||
		sg_referrer_bundle_layer(&man, &layer, &ld) != SG_OK) {
		sg_diag_format(&ld, why, cap);
		return why;
	}
	int has;
	sg_slice pt = sg_oci_desc_annotation(&(sg_oci_desc){.annots = man.annots,
		.nannots = man.nannots}, SG_ANN_BUNDLE_PREDICATE_TYPE, &has);
	if (has && !sg_slice_eq_str(pt, o->predicate_type)) {
		snprintf(why, cap, "its manifest says predicate type %.*s, not %s%s",
			(int)(pt.len > 200 ? 200 : pt.len), (const char *)pt.p, o->predicate_type,
			o->attestation ? "" : " (an attestation: verify-attestation checks those)");
		return why;
	}
	sg_slice blob;
	err = src_blob(c, 0, layer, SG_MAX_BUNDLE_BLOB, &blob, &ld);
	if (err != SG_OK) {
		*d = ld;
		*fatal = 1;
		return "";
	}
	if (sg_referrer_bundle_parse(blob.p, blob.len, c->arena, e, &ld) != SG_OK) {
		sg_diag_format(&ld, why, cap);
		return why;
	}
	return NULL;
}

/* Verify one candidate; on success its output goes to c->out. */
SG_MUST_USE static sg_err
check_referrer(struct image_ctx *c, const sg_entity *e, sg_slice name, sg_diag *d)
{
	struct opts *o = c->o;
	sg_referrer_result *r;
	SG_TRY(sg_arena_get(c->arena, sizeof *r, (void **)&r, d));
	SG_TRY(sg_verify_referrer_bundle(e, c->digest, &o->io,
		o->attestation ? NULL : o->predicate_type, c->arena, r, d));
	sg_slice pt = r->st.predicate_type;
	if (o->attestation && !sg_slice_eq_str(pt, o->predicate_type)) {
		/* verified, but of another type: cosign names these in its error */
		if (c->types.len > 0)
			sg_buf_putc(&c->types, ',');
		sg_buf_put(&c->types, pt.p, pt.len);
		return sg_diag_failf(d, SG_ERR_VERIFY_PREDICATE, "statement", "predicate type %.*s",
			(int)(pt.len > 200 ? 200 : pt.len), (const char *)pt.p);
	}
	if (o->attestation) {
		/* cosign prints the DSSE envelope of each attestation, one per line */
		SG_TRY(sg_dsse_write(e->dsse.payload_type, e->dsse.payload, e->dsse.sigs[0].sig,
			c->arena, c->out, d));
	} else {
		if (!o->text && c->passed > 0)
			sg_buf_putc(c->out, ',');
		SG_TRY(sg_referrer_write_element(r, name, c->arena, c->out, d));
	}
	if (o->text || o->attestation)
		sg_buf_putc(c->out, '\n');
	c->passed++;
	return SG_OK;
}

/* The bundle path for one image: an exit code, or -1 when no bundle referrer was found.
 * Output goes to c->out (kept only when the image passes), messages to `err`. */
static int
verify_referrers(struct image_ctx *c, const char *name, const char *shown, sg_buf *err)
{
	struct opts *o = c->o;
	sg_arena *arena = c->arena;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_referrers refs;
	char msg[1024];
	if (src_referrers(c, &refs, &d) != SG_OK) {
		char full[1200];
		sg_cli_registry_hint(c->reg, &d);
		sg_diag_format(&d, msg, sizeof msg);
		snprintf(full, sizeof full, "getting referrers: %s", msg);
		return fail_to(err, o, name, SG_EXIT_FAIL, full);
	}
	if (o->explain) {
		char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
		sg_oci_fallback_tag(c->digest, tag);
		static const char *const by[] = {"nothing (no API), no fallback tag ",
			"the registry's referrers API", "the fallback tag ",
			"the layout's index.json", "the layout's blobs (as cosign save left them)"};
		int tagged = refs.source == SG_REFERRERS_NONE || refs.source == SG_REFERRERS_TAG;
		put_line(err, "explain: referrers: %zu listed by %s%s\n", refs.n, by[refs.source],
			tagged ? tag : "");
	}
	uint8_t *joined_mem, *full;
	if (sg_arena_get(arena, JOINED_CAP, (void **)&joined_mem, &d) != SG_OK ||
		sg_arena_get(arena, JOINED_CAP + 256, (void **)&full, &d) != SG_OK)
		return fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
	sg_buf joined;
	sg_buf *out = c->out;
	size_t out_start = out->len;
	sg_buf_init(&joined, joined_mem, JOINED_CAP / 2);
	sg_buf_init(&c->types, joined_mem + JOINED_CAP / 2, JOINED_CAP / 2 - 1);
	c->passed = 0;
	if (!o->text && !o->attestation)
		sg_buf_puts(out, "\n[");
	size_t candidates = 0, typed = 0;
	for (size_t i = 0; i < refs.n; i++) {
		size_t mark = sg_arena_mark(arena), out_len = out->len;
		char why[512], dg[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(refs.entries[i].digest, dg);
		int fatal;
		sg_entity *e;
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		if (sg_arena_get(arena, sizeof *e, (void **)&e, &ld) != SG_OK) {
			out->len = out_start;
			return fail_diag_to(err, o, name, SG_EXIT_FAIL, &ld);
		}
		const char *skip = referrer_candidate(c, &refs.entries[i], e, why, sizeof why,
			&fatal, &ld);
		if (fatal) {
			char fmsg[1200];
			out->len = out_start;
			sg_diag_format(&ld, msg, sizeof msg);
			snprintf(fmsg, sizeof fmsg, "getting referrer %s: %s", dg, msg);
			return fail_to(err, o, name, SG_EXIT_FAIL, fmsg);
		}
		if (skip != NULL) {
			if (o->explain)
				put_line(err, "explain: referrer %zu of %zu (%s): skipped: "
					"%s\n", i + 1, refs.n, dg, skip);
			sg_arena_release(arena, mark);
			continue;
		}

		candidates++;
		sg_err e2 = check_referrer(c, e, sg_slice_str(name), &ld);
		if (e2 != SG_OK) {
			out->len = out_len;
			sg_diag_format(&ld, msg, sizeof msg);
			/* verify-attestation: a verified statement of another type is no failure */
			if (e2 == SG_ERR_VERIFY_PREDICATE && o->attestation) {
				typed++;
			} else {
				if (joined.len > 0)
					sg_buf_putc(&joined, '\n');
				sg_buf_puts(&joined, msg);
			}
		}
		if (o->explain)
			put_line(err, "explain: referrer %zu of %zu (%s): %s%s%s%s\n", i + 1, refs.n,
				dg, e2 == SG_OK ? "passed every check" : "failed at ",
				e2 == SG_OK ? "" : stage_of(ld.code), e2 == SG_OK ? "" : ": ",
				e2 == SG_OK ? "" : msg);
		sg_arena_release(arena, mark);
	}
	if (candidates == 0) {
		out->len = out_start;
		return -1;
	}
	if (c->passed == 0) {
		out->len = out_start;
		if (o->attestation && typed > 0 && joined.len == 0)
			snprintf((char *)full, JOINED_CAP + 256,
				"none of the attestations matched the predicate "
				"type: %s, found: %.*s",
				o->type, (int)c->types.len, (const char *)c->types.p);
		else
			snprintf((char *)full, JOINED_CAP + 256, "no matching attestations: %.*s",
				(int)joined.len, (const char *)joined.p);
		return fail_to(err, o, name, SG_EXIT_NO_MATCH, (const char *)full);
	}
	if (!o->text && !o->attestation)
		sg_buf_puts(out, "]\n");
	if (sg_buf_status(out) != SG_OK) {
		out->len = out_start;
		return fail_to(err, o, name, SG_EXIT_FAIL, "verification output is too large");
	}
	print_header(err, o, shown, 1);
	return SG_EXIT_OK;
}

/* The header cosign prints to stderr once an image passed (PrintVerificationHeader). */
static void
print_header(sg_buf *err, const struct opts *o, const char *name, int bundle_verified)
{
	sg_buf_puts(err, "\nVerification for ");
	sg_buf_puts(err, name);
	sg_buf_puts(err, " --\nThe following checks were performed on each of these signatures:\n");
	if (o->check_claims) {
		if (o->n_annots > 0)
			sg_buf_puts(err, "  - The specified annotations were verified.\n");
		sg_buf_puts(err, "  - The cosign claims were validated\n");
	}
	if (bundle_verified) {
		sg_buf_puts(err, "  - Existence of the claims in the transparency log was verified "
				 "offline\n");
	} else if (!o->ignore_tlog && !o->private_infra) {
		sg_buf_puts(err, "  - The claims were present in the transparency log\n");
		sg_buf_puts(err, "  - The signatures were integrated into the transparency log "
				 "when the certificate was valid\n");
	}
	if (o->key_path != NULL)
		sg_buf_puts(err, "  - The signatures were verified against the specified public "
				 "key\n");
	else
		sg_buf_puts(err, "  - The code-signing certificate was verified using trusted "
				 "certificate authority certificates\n");
}

/* Verify the signatures of the manifest `digest` (named `name`; `shown` in the header):
 * cosign v3's bundles on referrers first, the legacy .sig tag (§7.2 from step 2) only when
 * there are none; output into c->out / `err`. */
static int
verify_digest(struct image_ctx *c, const uint8_t digest[32], const char *name,
	const char *shown, sg_buf *err)
{
	struct opts *o = c->o;
	sg_arena *arena = c->arena;
	sg_diag d;
	sg_diag_init(&d, NULL);
	size_t mark = sg_arena_mark(arena);
	memcpy(c->digest, digest, 32);
	c->passed = 0;
	c->any_bundle = 0;
	int rc = SG_EXIT_FAIL;
	if (o->new_bundle_format != 0) {
		rc = verify_referrers(c, name, shown, err);
		sg_arena_release(arena, mark);
		if (rc >= 0)
			return rc;
		rc = SG_EXIT_FAIL;
	}
	/* picosign reads no legacy .att tags (docs/decisions.md) */
	if (o->attestation)
		return fail_to(err, o, name, SG_EXIT_NO_SIGNATURES, "no attestations found");
	/* Step 2: the .sig manifest. */
	sg_cosign_sigs sigs;
	if (src_sigs(c, &sigs, &d) != SG_OK) {
		sg_cli_registry_hint(c->sig_reg, &d);
		return fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
	}
	if (!sigs.found || sigs.parsed.ndescs == 0)
		return fail_to(err, o, name, SG_EXIT_NO_SIGNATURES, "no signatures found");
	if (sigs.parsed.ndescs > SG_MAX_SIGNATURES) {
		char msg[200];
		snprintf(msg, sizeof msg, "too many signatures: %zu layers, picosign checks at most "
					  "%u", sigs.parsed.ndescs, (unsigned)SG_MAX_SIGNATURES);
		return fail_to(err, o, name, SG_EXIT_FAIL, msg);
	}
	/* Step 3: every layer is a candidate. This image's output starts where c->out is now;
	 * its per-signature lines (-o text, --explain) collect in `lines`. */
	uint8_t *lines_mem, *joined_mem;
	if (sg_arena_get(arena, SG_CLI_IMAGE_ERR / 2, (void **)&lines_mem, &d) != SG_OK ||
		sg_arena_get(arena, JOINED_CAP, (void **)&joined_mem, &d) != SG_OK)
		return fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
	sg_buf lines, joined;
	sg_buf_init(&lines, lines_mem, SG_CLI_IMAGE_ERR / 2);
	sg_buf_init(&joined, joined_mem, JOINED_CAP);
	size_t out_start = c->out->len;
	c->err_out = &lines;
	if (!o->text)
		sg_buf_puts(c->out, "\n[");
	for (size_t i = 0; i < sigs.parsed.ndescs; i++) {
		const sg_oci_desc *desc = &sigs.parsed.descs[i];
		size_t lmark = sg_arena_mark(arena);
		size_t out_len = c->out->len, lines_len = lines.len;
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		sg_err e = check_layer(c, desc, &ld);
		char msg[1024];
		if (e != SG_OK) {
			c->out->len = out_len; /* drop a half-written element */
			lines.len = lines_len;
			sg_diag_format(&ld, msg, sizeof msg);
			if (joined.len > 0)
				sg_buf_puts(&joined, "\n ");
			sg_buf_puts(&joined, msg);
		}
		if (o->explain) {
			char dg[SG_OCI_DIGEST_STR_LEN + 1], line[1400];
			sg_oci_digest_format(desc->digest, dg);
			if (e == SG_OK)
				snprintf(line, sizeof line, "explain: signature %zu of %zu "
					"(layer %s): passed every check\n", i + 1,
					sigs.parsed.ndescs, dg);
			else
				snprintf(line, sizeof line, "explain: signature %zu of %zu "
					"(layer %s): failed at %s: %s\n", i + 1,
					sigs.parsed.ndescs, dg,
					stage_of(ld.code), msg);
			sg_buf_puts(err, line);
		}
		/* Hand back this candidate's scratch; its output is in c->out. */
		sg_arena_release(arena, lmark);
	}
	if (c->passed == 0) {
		c->out->len = out_start;
		sg_buf full;
		uint8_t *fmem;
		if (sg_arena_get(arena, JOINED_CAP + 64, (void **)&fmem, &d) != SG_OK)
			return fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
		sg_buf_init(&full, fmem, JOINED_CAP + 63);
		sg_buf_puts(&full, "no matching signatures: ");
		sg_buf_put(&full, joined.p, joined.len);
		fmem[full.len] = '\0';
		rc = fail_to(err, o, name, SG_EXIT_NO_MATCH, (const char *)fmem);
		goto out;
	}
	if (!o->text)
		sg_buf_puts(c->out, "]\n");
	if (sg_buf_status(c->out) != SG_OK || sg_buf_status(&lines) != SG_OK) {
		c->out->len = out_start;
		rc = fail_to(err, o, name, SG_EXIT_FAIL, "verification output is too large");
		goto out;
	}
	print_header(err, o, shown, c->any_bundle);
	sg_buf_put(err, lines.p, lines.len);
	rc = SG_EXIT_OK;
out:
	sg_arena_release(arena, mark);
	return rc;
}

/* -r: every manifest of the index `digest` names, verified as an image of its own. */
static int
verify_children(struct image_ctx *c, const sg_ociref *ref, const uint8_t digest[32],
	sg_buf *err)
{
	struct opts *o = c->o;
	sg_diag d;
	sg_diag_init(&d, NULL);
	const sg_oci_desc *kids;
	size_t nk;
	if (sg_cli_index_children(c->reg, ref->repository, digest, c->arena, &kids, &nk, &d) !=
		SG_OK) {
		char dg[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(digest, dg);
		return fail_diag_to(err, o, dg, SG_EXIT_FAIL, &d);
	}
	int rc = SG_EXIT_OK;
	for (size_t i = 0; i < nk; i++) {
		char name[SG_OCI_NAME_MAX + 8];
		sg_ociref child = *ref;
		sg_ociref_set_digest(&child, kids[i].digest);
		sg_buf nb;
		sg_buf_init(&nb, name, sizeof name - 1);
		if (sg_ociref_name(&child, &nb) != SG_OK)
			continue;
		name[nb.len] = '\0';
		int crc = verify_digest(c, kids[i].digest, name, name, err);
		if (rc == SG_EXIT_OK)
			rc = crc;
	}
	return rc;
}

/* --local-image: the image of the OCI layout in `dir`, as cosign's verify --local-image takes
 * it (the header names the directory). The image's manifest blob must be there and hash to
 * the digest index.json names, so what was verified is what the layout holds; its config and
 * layers are whoever loads them's to check against it (the OCI rule for every blob). The
 * output's docker-reference is the name `save` recorded, when it is an image reference. */
static int
verify_local(struct opts *o, const char *dir, sg_arena *arena, sg_buf *out, sg_buf *err,
	uint8_t digest[32], int *resolved)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_layout_dir *lay;
	sg_slice body;
	if (sg_arena_get(arena, sizeof *lay, (void **)&lay, &d) != SG_OK ||
		sg_layout_open(dir, arena, lay, &d) != SG_OK ||
		sg_layout_get(lay, lay->lay.image->digest, lay->lay.image->size, SG_MAX_JSON, arena,
			&body, &d) != SG_OK)
		return fail_diag_to(err, o, dir, SG_EXIT_FAIL, &d);
	struct image_ctx c;
	memset(&c, 0, sizeof c);
	c.o = o;
	c.lay = lay;
	c.arena = arena;
	c.out = out;
	char name[SG_CLI_NAME_CAP];
	sg_ociref ref;
	sg_slice rn = lay->lay.ref_name;
	int named = rn.len > 0 && sg_cli_image_ref(rn.p, rn.len, &ref, name, NULL) == SG_OK;
	memcpy(digest, lay->lay.image->digest, 32);
	*resolved = 1;
	return verify_digest(&c, lay->lay.image->digest, named ? name : dir, dir, err);
}

/* One IMAGE argument: cosign's §7.2 from the reference. The digest it resolved goes to
 * digest[] (*resolved = 1) for --output jsonl. */
static int
verify_ref(struct opts *o, sg_cli_net *net, const char *arg, sg_arena *arena, sg_buf *out,
	sg_buf *err, uint8_t digest[32], int *resolved)
{
	if (o->local)
		return verify_local(o, arg, arena, out, err, digest, resolved);
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref, sref;
	char name[SG_CLI_NAME_CAP];
	if (sg_cli_image_ref((const uint8_t *)arg, strlen(arg), &ref, name, &d) != SG_OK) {
		char msg[1024];
		sg_diag_format(&d, msg, sizeof msg);
		char full[1100];
		snprintf(full, sizeof full, "parsing reference: %s", msg);
		return fail_to(err, o, arg, SG_EXIT_FAIL, full);
	}
	if (o->offline) {
		/* Refused before the registry client exists: not even a credential helper runs
		 * (one may connect on its own). sg_cli_go_offline() stops any socket anyway. */
		char msg[3 * SG_OCI_NAME_MAX + SG_MAX_OCI_REF + 400];
		(void)snprintf(msg, sizeof msg, "--offline: not connecting to %s for %s; save it "
			"first (picosign save %s --dir DIR), then verify --local-image DIR",
			ref.registry, name, arg);
		return fail_to(err, o, name, SG_EXIT_FAIL, msg);
	}
	if (sg_cli_sig_repo(&ref, &sref, &d) != SG_OK)
		return fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);

	struct sg_cli_reg *cr = NULL, *scr = NULL;
	int rc = SG_EXIT_FAIL;
	struct image_ctx c;
	memset(&c, 0, sizeof c);
	if (sg_cli_registry_open_on(net, &o->reg, ref.registry, ref.repository, arena, &cr, &d) !=
		SG_OK) {
		rc = fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
		goto out;
	}
	c.o = o;
	c.repo = ref.repository;
	c.reg = sg_cli_registry_get(cr);
	c.sig_reg = c.reg;
	c.sig_repo = sref.repository;
	c.arena = arena;
	c.out = out;
	/* $COSIGN_REPOSITORY on another registry: a client of its own, same connection rules. */
	if (strcmp(sref.registry, ref.registry) != 0) {
		if (sg_cli_registry_open_on(net, &o->reg, sref.registry, sref.repository, arena,
			    &scr, &d) != SG_OK) {
			rc = fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
			goto out;
		}
		c.sig_reg = sg_cli_registry_get(scr);
	}

	/* §7.2 image step 1: the digest (a tag is resolved by a manifest GET). */
	if (sg_registry_resolve(c.reg, &ref, digest, &d) != SG_OK) {
		sg_cli_registry_hint(c.reg, &d);
		if (d.code == SG_ERR_OCI_NOT_FOUND) {
			char msg[1024], full[1100];
			sg_diag_format(&d, msg, sizeof msg);
			snprintf(full, sizeof full, "image tag not found: %s", msg);
			rc = fail_to(err, o, name, SG_EXIT_NO_TAG, full);
		} else {
			rc = fail_diag_to(err, o, name, SG_EXIT_FAIL, &d);
		}
		goto out;
	}
	*resolved = 1;
	rc = verify_digest(&c, digest, name, o->attestation ? arg : name, err);
	if (o->recursive) {
		int crc = verify_children(&c, &ref, digest, err);
		if (rc == SG_EXIT_OK)
			rc = crc;
	}
out:
	sg_cli_registry_close(scr);
	sg_cli_registry_close(cr);
	return rc;
}

/* One IMAGE argument (sg_cli_image_fn). */
static int
verify_image(void *ctx, sg_cli_net *net, const char *arg, sg_arena *arena, sg_buf *out,
	sg_buf *err)
{
	uint8_t digest[32];
	int resolved = 0;
	return verify_ref(ctx, net, arg, arena, out, err, digest, &resolved);
}

/* ---- --output jsonl: one line per image (issue #15) ---- */

/* The longest error message a line carries; a joined "no matching signatures" list can be
 * 64 KiB, and an audit line wants the first reasons, not all of them. */
#define JSONL_ERR_MAX 2048u
/* The image's stderr, kept only to find its error in: the error comes first, and a full
 * buffer keeps what fit. */
#define JSONL_STDERR (64u * 1024u)

/* What went wrong, from the image's stderr: the text of cosign's "Error: " line (up to the
 * "main.go:74" line that repeats it), with bytes JSON cannot carry as text replaced. */
static sg_slice
error_text(const sg_buf *err, char *buf, size_t cap)
{
	static const char tag[] = "Error: ", tail[] = "\nmain.go:74: ";
	sg_slice t = sg_buf_slice(err);
	size_t at = t.len, end;
	for (size_t i = 0; i + sizeof tag - 1 <= t.len; i++)
		if ((i == 0 || t.p[i - 1] == '\n') && memcmp(t.p + i, tag, sizeof tag - 1) == 0) {
			at = i + sizeof tag - 1;
			break;
		}
	for (end = at; end < t.len; end++)
		if (t.p[end] == '\n' && t.len - end >= sizeof tail - 1 &&
			memcmp(t.p + end, tail, sizeof tail - 1) == 0)
			break;
	size_t n = 0;
	for (size_t i = at; i < end && n + 1 < cap; i++)
		buf[n++] = t.p[i] >= 0x80 || (t.p[i] < 0x20 && t.p[i] != '\n') ? '?'
									: (char)t.p[i];
	return sg_slice_make(buf, n);
}

/* The step that failed, from the exit code (cli.h's SG_EXIT_*): enough to sort an audit; the
 * error says which check of which signature. */
static const char *
failed_step(int rc)
{
	switch (rc) {
	case SG_EXIT_OK:
		return NULL;
	case SG_EXIT_NO_TAG:
		return "resolve";
	case SG_EXIT_NO_SIGNATURES:
		return "signatures-found";
	case SG_EXIT_NO_MATCH:
		return "verify";
	default:
		return "lookup";
	}
}

/* One image as one JSON line on stdout, nothing on stderr:
 * {"image":ARG,"digest":"sha256:…"|null,"verified":BOOL,"check":STEP|null,"error":MSG|null,
 *  "exit":N}. cosign's output for the image (the payloads, the header) is dropped. */
static int
batch_line(void *ctx, sg_cli_net *net, const char *arg, sg_arena *arena, sg_buf *out,
	sg_buf *err)
{
	size_t mark = sg_arena_mark(arena);
	uint8_t *emem = sg_arena_alloc_uninit(arena, JSONL_STDERR);
	if (emem == NULL) {
		sg_buf_puts(err, "Error: out of memory\n");
		return SG_EXIT_FAIL;
	}
	sg_buf e;
	sg_buf_init(&e, emem, JSONL_STDERR);
	size_t out0 = out->len;
	uint8_t digest[32];
	int resolved = 0;
	int rc = verify_ref(ctx, net, arg, arena, out, &e, digest, &resolved);
	out->len = out0;
	out->overflow = 0;
	char msg[JSONL_ERR_MAX], dg[SG_OCI_DIGEST_STR_LEN + 1];
	sg_slice m = error_text(&e, msg, sizeof msg);
	const char *step = failed_step(rc);
	uint8_t line[SG_MAX_OCI_REF * 6 + JSONL_ERR_MAX * 6 + 256];
	vfj_writer w;
	vfj_w_init(&w, line, sizeof line, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, "image", 5);
	vfj_w_str(&w, arg, strlen(arg));
	vfj_w_key(&w, "digest", 6);
	if (resolved) {
		sg_oci_digest_format(digest, dg);
		vfj_w_str(&w, dg, strlen(dg));
	} else {
		vfj_w_null(&w);
	}
	vfj_w_key(&w, "verified", 8);
	vfj_w_bool(&w, rc == SG_EXIT_OK);
	vfj_w_key(&w, "check", 5);
	if (step != NULL)
		vfj_w_str(&w, step, strlen(step));
	else
		vfj_w_null(&w);
	vfj_w_key(&w, "error", 5);
	if (rc != SG_EXIT_OK)
		vfj_w_str(&w, m.p, m.len);
	else
		vfj_w_null(&w);
	vfj_w_key(&w, "exit", 4);
	vfj_w_i64(&w, rc);
	vfj_w_obj_end(&w);
	size_t n;
	if (vfj_w_finish(&w, &n) != VFJ_OK) {
		sg_buf_puts(err, "Error: ");
		sg_buf_puts(err, arg);
		sg_buf_puts(err, ": cannot write its JSON line\n");
		rc = SG_EXIT_FAIL;
	} else {
		sg_buf_put(out, line, n);
		sg_buf_putc(out, '\n');
	}
	sg_arena_release(arena, mark);
	return rc;
}

/* `verify -`: the references on standard input replace the arguments. */
static int
image_list(struct opts *o, sg_arena *arena, const char *const **images, size_t *n)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	const char **list;
	if (sg_cli_read_image_list(arena, o->jsonl ? SG_MAX_IMAGE_LIST : SG_MAX_VERIFY_IMAGES,
		    &list, n, &d) != SG_OK)
		return fail_diag(SG_EXIT_FAIL, &d);
	*images = list;
	return SG_EXIT_OK;
}

/* verify and verify-attestation: the flags, the policy or key, the trust root, the images. */
static int
verify_main(int argc, char **argv, sg_arena *arena, int attestation)
{
	struct opts *o;
	if (sg_arena_get(arena, sizeof *o, (void **)&o, NULL) != SG_OK)
		return fail_msg(SG_EXIT_FAIL, "out of memory");
	o->check_claims = 1;
	o->new_bundle_format = -1;
	o->attestation = attestation;
	o->type = "custom";
	sg_cli_flag flags[] = {
		SG_CLI_IDENTITY_FLAG_ROWS(o->id),
		{"--key", NULL, &o->key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, o->annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&o->n_annots},
		SG_CLI_TRUST_FLAG_ROWS(o->topts),
		/* Network off for the whole process (sg_cli_go_offline), below the transport: with
		 * --local-image nothing needs it; without, the registry is refused by name
		 * (docs/decisions.md, "Air gap"). */
		{"--offline", NULL, NULL, &o->offline, NULL, 0, NULL},
		{"--local-image", NULL, NULL, &o->local, NULL, 0, NULL},
		{"--insecure-ignore-tlog", NULL, NULL, &o->ignore_tlog, NULL, 0, NULL},
		{"--private-infrastructure", NULL, NULL, &o->private_infra, NULL, 0, NULL},
		{"--insecure-ignore-sct", NULL, NULL, &o->ignore_sct, NULL, 0, NULL},
		{"--check-claims", NULL, NULL, &o->check_claims, NULL, 0, NULL},
		{"--output", "-o", &o->output, NULL, NULL, 0, NULL},
		{"--max-workers", NULL, &o->max_workers, NULL, NULL, 0, NULL},
		{"--recursive", "-r", NULL, &o->recursive, NULL, 0, NULL},
		{"--explain", NULL, NULL, &o->explain, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(o->common),
		SG_CLI_REGISTRY_FLAG_ROWS(o->reg),
		/* the last row is the command's own: verify's, or verify-attestation's below */
		{"--new-bundle-format", NULL, NULL, &o->new_bundle_format, NULL, 0, NULL},
	};
	const size_t nf = sizeof flags / sizeof flags[0];
	if (attestation)
		flags[nf - 1] = (sg_cli_flag){"--type", NULL, &o->type, NULL, NULL, 0, NULL};
	const char *pos[SG_MAX_VERIFY_IMAGES];
	const char *const *images = pos;
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, nf, pos, SG_MAX_VERIFY_IMAGES, &n_pos) != 0 ||
		sg_cli_common_apply(&o->common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos == 0)
		return sg_cli_usage_error("%s: usage: picosign %s [flags] IMAGE...", argv[0],
			argv[0]);
	unsigned workers;
	if (sg_cli_parse_workers(o->max_workers, &workers) != 0)
		return SG_EXIT_FAIL;
	/* A layout holds one image (save copies an index's manifests, but only the image it
	 * was given is listed as one): there are no children to walk. */
	if (o->local && o->recursive)
		return sg_cli_usage_error("--recursive reads an index at its registry; with "
			"--local-image each layout's image is verified");
	/* Before anything else runs: from here on no socket can be opened in this process (a
	 * trust refresh asked for is then refused by sg_cli_trustroot_load). */
	if (o->offline)
		sg_cli_go_offline();
	o->reg.timeout = o->common.timeout;
	/* --output jsonl (issue #15), and `-`: the images from standard input */
	o->jsonl = o->output != NULL && strcmp(o->output, "jsonl") == 0;
	if (n_pos == 1 && strcmp(pos[0], "-") == 0) {
		int lrc = image_list(o, arena, &images, &n_pos);
		if (lrc != SG_EXIT_OK)
			return lrc;
	}
	/* jsonl names the image in its own field */
	o->many = (n_pos > 1 || o->recursive) && !o->jsonl;
	sg_diag d;
	sg_diag_init(&d, NULL);
	o->predicate_type = SG_INTOTO_COSIGN_SIGN;
	if (attestation) {
		if (sg_intoto_predicate_type(o->type, &o->predicate_type, &d) != SG_OK)
			return fail_diag(SG_EXIT_FAIL, &d);
		/* a signature never satisfies verify-attestation (nor an attestation verify) */
		if (strcmp(o->predicate_type, SG_INTOTO_COSIGN_SIGN) == 0)
			return fail_msg(SG_EXIT_FAIL,
				"--type " SG_INTOTO_COSIGN_SIGN
				" names image signatures: check them with verify");
	}
	/* cosign: "text" selects the text form, anything else is json. */
	o->text = o->output != NULL && strcmp(o->output, "text") == 0;
	if (sg_cli_parse_annotations(o->annots_raw, o->n_annots, o->annots) != o->n_annots)
		return fail_msg(SG_EXIT_FAIL, "unable to parse annotation");

	if (o->key_path == NULL) {
		if (sg_cli_identity_policy(&o->id, &o->policy, &d) != SG_OK)
			return fail_diag(SG_EXIT_FAIL, &d);
	} else {
		if (sg_cli_identity_given(&o->id))
			return fail_msg(SG_EXIT_FAIL, "--key cannot be combined with the "
						      "certificate identity flags");
		if (sg_cli_load_public_key(o->key_path, arena, &o->key, &d) != SG_OK) {
			char msg[1024], full[1100];
			sg_diag_format(&d, msg, sizeof msg);
			snprintf(full, sizeof full, "loading public key: %s", msg);
			return fail_msg(SG_EXIT_FAIL, full);
		}
	}
	int ignore_tlog = o->ignore_tlog || o->private_infra;
	if (ignore_tlog)
		fprintf(stderr, "WARNING: Skipping tlog verification is an insecure practice that "
				"lacks transparency and auditability verification for the "
				"signature.\n");
	if (o->ignore_sct)
		fprintf(stderr, "WARNING: --insecure-ignore-sct: the certificate's embedded SCT is "
				"NOT checked, so nothing proves the certificate was publicly logged.\n");
	/* With --key and --insecure-ignore-tlog no CA, log or TSA is consulted: nothing to warn
	 * about the trust material's age (a limit asked for still applies). */
	o->topts.quiet = o->key_path != NULL && ignore_tlog;
	if (sg_arena_get(arena, sizeof *o->tr, (void **)&o->tr, &d) != SG_OK ||
		sg_cli_trustroot_load(&o->topts, arena, o->tr, NULL, &d) != SG_OK)
		return fail_diag(SG_EXIT_FAIL, &d);
	o->io.verify.trustroot = o->tr;
	o->io.verify.policy = o->key_path == NULL ? &o->policy : NULL;
	o->io.verify.key = o->key_path != NULL ? &o->key : NULL;
	o->io.verify.insecure_ignore_tlog = ignore_tlog;
	o->io.verify.insecure_ignore_sct = o->ignore_sct;
	o->io.verify.now = sg_os_now();
	o->io.annots = o->annots;
	o->io.n_annots = o->n_annots;
	o->io.check_claims = o->check_claims;
	o->io.offline = o->offline;
	unsigned connects = 0;
	int rc = sg_cli_run_images(images, n_pos, workers, &o->reg,
		o->jsonl ? batch_line : verify_image, o, arena, &connects);
	/* For tests: how many connections the run opened (PICOSIGN_DEBUG_CONNECTIONS=1). */
	const char *dbg = getenv("PICOSIGN_DEBUG_CONNECTIONS");
	if (dbg != NULL && strcmp(dbg, "1") == 0)
		fprintf(stderr, "picosign: %u connection(s) to registries\n", connects);
	return rc;
}

/* see cli.h */
int
sg_cmd_verify(int argc, char **argv, sg_arena *arena)
{
	return verify_main(argc, argv, arena, 0);
}

/* see cli.h */
int
sg_cmd_verify_attestation(int argc, char **argv, sg_arena *arena)
{
	return verify_main(argc, argv, arena, 1);
}
