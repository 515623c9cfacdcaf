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
 *          (--certificate-oidc-issuer U | --certificate-oidc-issuer-regexp R) | --key PUB.pem
 *          [-a key=value]... [--trusted-root F] [--offline] [--insecure-ignore-tlog]
 *          [--insecure-ignore-sct] [--check-claims=false] [-o json|text] [--explain]
 *          [registry flags] IMAGE...
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
 * Beyond cosign: --explain prints, for every candidate, the check that failed and why (or
 * that it passed, or why it was not a candidate), to stderr before the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "crypto/pubkey.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "online/cosign_sig.h"
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

/* Output of all images: JSON elements or text, plus per-signature stderr lines. */
#define OUT_CAP (4u * 1024u * 1024u)
#define ERR_LINE_CAP 2048u
/* Joined candidate errors ("no matching signatures: a\n b"). */
#define JOINED_CAP (64u * 1024u)

struct opts {
	const char *identity, *identity_re, *issuer, *issuer_re, *key_path, *output;
	sg_cli_trust_opts topts; /* --trusted-root, --max-trust-root-age, --refresh-trust */
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots;
	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	int offline, ignore_tlog, ignore_sct, check_claims, explain;
	sg_cli_registry_flags reg;
	sg_policy policy;
	sg_pubkey key;
	sg_trustroot *tr;
	int text;
	int new_bundle_format;      /* --new-bundle-format: -1 unset (both paths), 0 legacy only */
	int attestation;            /* verify-attestation */
	const char *type;           /* its --type as given */
	const char *predicate_type; /* the predicate type looked for */
	sg_image_opts io;           /* what verify/image.h is told, set once all flags are read */
};

/* cosign prints the error twice: cobra's "Error: " line and main's log line. */
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
	sg_registry *reg;
	const sg_ociref *ref;
	uint8_t digest[32];
	sg_arena *arena;
	sg_buf *out;      /* stdout */
	sg_buf *err_out;  /* per-signature stderr lines (-o text) */
	sg_buf outb;      /* the bundle path's stdout */
	sg_buf types;     /* verify-attestation: the other predicate types verified */
	size_t passed;
	int any_bundle;   /* a passing signature was verified through its bundle */
};

/* Check one candidate layer. SG_OK when it passes; its output element is then appended. */
SG_MUST_USE static sg_err
check_layer(struct image_ctx *c, const sg_oci_desc *desc, sg_diag *d)
{
	struct opts *o = c->o;
	sg_arena *arena = c->arena;
	sg_sig_layer layer;
	SG_TRY(sg_cosign_sig_layer(c->reg, c->ref->repository, desc, arena, &layer, d));
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

static void print_header(const struct opts *o, const char *name, int bundle_verified);

/* Why referrer `desc` is not a candidate (NULL: it is one, `e` filled), or a fatal lookup
 * failure (*fatal, `d` set): a listed manifest or blob the registry fails to serve. */
static const char *
referrer_candidate(struct image_ctx *c, const sg_oci_desc *desc, sg_entity *e, char *why,
	size_t cap, int *fatal, sg_diag *d)
{
	struct opts *o = c->o;
	*fatal = 0;
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(desc->digest, ds);
	sg_registry_manifest m;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err err = sg_registry_get_manifest(c->reg, c->ref->repository, ds, SG_OCI_ACCEPT_ALL,
		SG_MAX_JSON, &m, &ld);
	if (err == SG_ERR_OCI_NOT_FOUND)
		return "the registry lists it but does not have it";
	if (err != SG_OK) {
		*d = ld;
		*fatal = 1;
		return "";
	}
	sg_oci_manifest man;
	const sg_oci_desc *layer;
	if (sg_oci_manifest_parse(m.body.p, m.body.len, c->arena, &man, &ld) != SG_OK ||
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
	err = sg_registry_get_blob(c->reg, c->ref->repository, layer->digest,
		(uint64_t)layer->size, SG_MAX_BUNDLE_BLOB, &blob, &ld);
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

/* The bundle path for one image: an exit code, or -1 when no bundle referrer was found. */
static int
verify_referrers(struct image_ctx *c, const char *name, const char *shown)
{
	struct opts *o = c->o;
	sg_arena *arena = c->arena;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_referrers refs;
	char msg[1024];
	if (sg_referrers_list(c->reg, c->ref->repository, c->digest, arena, &refs, &d) != SG_OK) {
		char full[1200];
		sg_diag_format(&d, msg, sizeof msg);
		snprintf(full, sizeof full, "getting referrers: %s", msg);
		return fail_msg(SG_EXIT_FAIL, full);
	}
	if (o->explain) {
		char tag[SG_OCI_FALLBACK_TAG_LEN + 1];
		sg_oci_fallback_tag(c->digest, tag);
		fprintf(stderr, "explain: referrers: %zu listed by %s%s\n", refs.n,
			refs.source == SG_REFERRERS_API ? "the registry's referrers API"
			: refs.source == SG_REFERRERS_TAG ? "the fallback tag "
							  : "nothing (no API), no fallback tag ",
			refs.source == SG_REFERRERS_API ? "" : tag);
	}
	uint8_t *outmem, *joined_mem;
	if (sg_arena_get(arena, OUT_CAP, (void **)&outmem, &d) != SG_OK ||
		sg_arena_get(arena, JOINED_CAP, (void **)&joined_mem, &d) != SG_OK)
		return fail_diag(SG_EXIT_FAIL, &d);
	sg_buf joined;
	sg_buf *out = &c->outb;
	sg_buf_init(out, outmem, OUT_CAP);
	sg_buf_init(&joined, joined_mem, JOINED_CAP / 2);
	sg_buf_init(&c->types, joined_mem + JOINED_CAP / 2, JOINED_CAP / 2 - 1);
	c->out = out;
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
		if (sg_arena_get(arena, sizeof *e, (void **)&e, &ld) != SG_OK)
			return fail_diag(SG_EXIT_FAIL, &ld);
		const char *skip = referrer_candidate(c, &refs.entries[i], e, why, sizeof why,
			&fatal, &ld);
		if (fatal) {
			char full[1200];
			sg_diag_format(&ld, msg, sizeof msg);
			snprintf(full, sizeof full, "getting referrer %s: %s", dg, msg);
			return fail_msg(SG_EXIT_FAIL, full);
		}
		if (skip != NULL) {
			if (o->explain)
				fprintf(stderr, "explain: referrer %zu of %zu (%s): skipped: %s\n",
					i + 1, refs.n, dg, skip);
			sg_arena_release(arena, mark);
			continue;
		}

		candidates++;
		sg_err err = check_referrer(c, e, sg_slice_str(name), &ld);
		if (err != SG_OK) {
			out->len = out_len;
			sg_diag_format(&ld, msg, sizeof msg);
			/* verify-attestation: a verified statement of another type is no failure */
			if (err == SG_ERR_VERIFY_PREDICATE && o->attestation) {
				typed++;
			} else {
				if (joined.len > 0)
					sg_buf_putc(&joined, '\n');
				sg_buf_puts(&joined, msg);
			}
		}
		if (o->explain)
			fprintf(stderr, "explain: referrer %zu of %zu (%s): %s%s%s%s\n", i + 1,
				refs.n, dg, err == SG_OK ? "passed every check" : "failed at ",
				err == SG_OK ? "" : stage_of(ld.code), err == SG_OK ? "" : ": ",
				err == SG_OK ? "" : msg);
		sg_arena_release(arena, mark);
	}
	if (candidates == 0)
		return -1;
	if (c->passed == 0) {
		static char full[JOINED_CAP + 256];
		if (o->attestation && typed > 0 && joined.len == 0)
			snprintf(full, sizeof full,
				"none of the attestations matched the predicate "
				"type: %s, found: %.*s",
				o->type, (int)c->types.len, (const char *)c->types.p);
		else
			snprintf(full, sizeof full, "no matching attestations: %.*s",
				(int)joined.len, (const char *)joined.p);
		return fail_msg(SG_EXIT_NO_MATCH, full);
	}
	if (!o->text && !o->attestation)
		sg_buf_puts(out, "]\n");
	if (sg_buf_status(out) != SG_OK)
		return fail_msg(SG_EXIT_FAIL, "verification output is too large");
	print_header(o, shown, 1);
	fwrite(out->p, 1, out->len, stdout);
	fflush(stdout);
	return SG_EXIT_OK;
}

/* The header cosign prints to stderr once an image passed (PrintVerificationHeader). */
static void
print_header(const struct opts *o, const char *name, int bundle_verified)
{
	fprintf(stderr, "\nVerification for %s --\n", name);
	fprintf(stderr, "The following checks were performed on each of these signatures:\n");
	if (o->check_claims) {
		if (o->n_annots > 0)
			fprintf(stderr, "  - The specified annotations were verified.\n");
		fprintf(stderr, "  - The cosign claims were validated\n");
	}
	if (bundle_verified) {
		fprintf(stderr, "  - Existence of the claims in the transparency log was verified "
				"offline\n");
	} else if (!o->ignore_tlog) {
		fprintf(stderr, "  - The claims were present in the transparency log\n");
		fprintf(stderr, "  - The signatures were integrated into the transparency log when "
				"the certificate was valid\n");
	}
	if (o->key_path != NULL)
		fprintf(stderr, "  - The signatures were verified against the specified public "
				"key\n");
	else
		fprintf(stderr, "  - The code-signing certificate was verified using trusted "
				"certificate authority certificates\n");
}

static int
verify_image(struct opts *o, const char *arg, sg_arena *arena)
{
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	char name[SG_OCI_NAME_MAX + 8];
	sg_buf nb;
	if (sg_ociref_parse((const uint8_t *)arg, strlen(arg), &ref, &d) != SG_OK) {
		char msg[1024];
		sg_diag_format(&d, msg, sizeof msg);
		char full[1100];
		snprintf(full, sizeof full, "parsing reference: %s", msg);
		return fail_msg(SG_EXIT_FAIL, full);
	}
	sg_buf_init(&nb, name, sizeof name - 1);
	if (sg_ociref_name(&ref, &nb) != SG_OK)
		return fail_msg(SG_EXIT_FAIL, "image reference too long");
	name[nb.len] = '\0';

	struct sg_cli_reg *cr = NULL;
	int rc = SG_EXIT_FAIL;
	if (sg_cli_registry_open(&o->reg, ref.registry, ref.repository, arena, &cr, &d) != SG_OK)
		return fail_diag(SG_EXIT_FAIL, &d);
	sg_registry *reg = sg_cli_registry_get(cr);

	struct image_ctx c;
	memset(&c, 0, sizeof c);
	c.o = o;
	c.reg = reg;
	c.ref = &ref;
	c.arena = arena;

	/* §7.2 image step 1: the digest (a tag is resolved by a manifest GET). */
	if (sg_registry_resolve(reg, &ref, c.digest, &d) != SG_OK) {
		if (d.code == SG_ERR_OCI_NOT_FOUND) {
			char msg[1024], full[1100];
			sg_diag_format(&d, msg, sizeof msg);
			snprintf(full, sizeof full, "image tag not found: %s", msg);
			rc = fail_msg(SG_EXIT_NO_TAG, full);
		} else {
			rc = fail_diag(SG_EXIT_FAIL, &d);
		}
		goto out;
	}
	/* cosign v3: bundles on referrers first; the .sig tag only when there are none. */
	if (o->new_bundle_format != 0) {
		rc = verify_referrers(&c, name, o->attestation ? arg : name);
		if (rc >= 0)
			goto out;
		rc = SG_EXIT_FAIL;
	}
	if (o->attestation) {
		/* picosign reads no legacy .att tags (docs/decisions.md) */
		rc = fail_msg(SG_EXIT_NO_SIGNATURES, "no attestations found");
		goto out;
	}
	/* Step 2: the .sig manifest. */
	sg_cosign_sigs sigs;
	if (sg_cosign_sigs_fetch(reg, ref.repository, c.digest, arena, &sigs, &d) != SG_OK) {
		rc = fail_diag(SG_EXIT_FAIL, &d);
		goto out;
	}
	if (!sigs.found || sigs.parsed.ndescs == 0) {
		rc = fail_msg(SG_EXIT_NO_SIGNATURES, "no signatures found");
		goto out;
	}
	if (sigs.parsed.ndescs > SG_MAX_SIGNATURES) {
		char msg[200];
		snprintf(msg, sizeof msg, "too many signatures: %zu layers, picosign checks at most "
					  "%u", sigs.parsed.ndescs, (unsigned)SG_MAX_SIGNATURES);
		rc = fail_msg(SG_EXIT_FAIL, msg);
		goto out;
	}
	/* Step 3: every layer is a candidate. */
	uint8_t *outmem, *errmem, *joined_mem;
	if (sg_arena_get(arena, OUT_CAP, (void **)&outmem, &d) != SG_OK ||
		sg_arena_get(arena, OUT_CAP / 4, (void **)&errmem, &d) != SG_OK ||
		sg_arena_get(arena, JOINED_CAP, (void **)&joined_mem, &d) != SG_OK) {
		rc = fail_diag(SG_EXIT_FAIL, &d);
		goto out;
	}
	sg_buf out, err_out, joined;
	sg_buf_init(&out, outmem, OUT_CAP);
	sg_buf_init(&err_out, errmem, OUT_CAP / 4);
	sg_buf_init(&joined, joined_mem, JOINED_CAP - 1);
	c.out = &out;
	c.err_out = &err_out;
	if (!o->text)
		sg_buf_puts(&out, "\n[");
	for (size_t i = 0; i < sigs.parsed.ndescs; i++) {
		const sg_oci_desc *desc = &sigs.parsed.descs[i];
		size_t mark = sg_arena_mark(arena);
		size_t out_len = out.len, err_len = err_out.len;
		sg_diag ld;
		sg_diag_init(&ld, NULL);
		sg_err e = check_layer(&c, desc, &ld);
		char msg[1024];
		if (e != SG_OK) {
			out.len = out_len; /* drop a half-written element */
			err_out.len = err_len;
			sg_diag_format(&ld, msg, sizeof msg);
			if (joined.len > 0)
				sg_buf_puts(&joined, "\n ");
			sg_buf_puts(&joined, msg);
		}
		if (o->explain) {
			char dg[SG_OCI_DIGEST_STR_LEN + 1];
			sg_oci_digest_format(desc->digest, dg);
			if (e == SG_OK)
				fprintf(stderr, "explain: signature %zu of %zu (layer %s): passed every "
						"check\n", i + 1, sigs.parsed.ndescs, dg);
			else
				fprintf(stderr, "explain: signature %zu of %zu (layer %s): failed at %s: "
						"%s\n", i + 1, sigs.parsed.ndescs, dg, stage_of(ld.code),
					msg);
		}
		/* Hand back this candidate's scratch; its output is in `out`. */
		sg_arena_release(arena, mark);
	}
	if (c.passed == 0) {
		joined_mem[joined.len] = '\0';
		sg_buf fb;
		static char full[JOINED_CAP + 64];
		sg_buf_init(&fb, full, sizeof full - 1);
		sg_buf_puts(&fb, "no matching signatures: ");
		sg_buf_put(&fb, joined.p, joined.len);
		full[fb.len] = '\0';
		rc = fail_msg(SG_EXIT_NO_MATCH, full);
		goto out;
	}
	if (!o->text)
		sg_buf_puts(&out, "]\n");
	if (sg_buf_status(&out) != SG_OK || sg_buf_status(&err_out) != SG_OK) {
		rc = fail_msg(SG_EXIT_FAIL, "verification output is too large");
		goto out;
	}
	print_header(o, name, c.any_bundle);
	fwrite(err_out.p, 1, err_out.len, stderr);
	fwrite(out.p, 1, out.len, stdout);
	fflush(stdout);
	rc = SG_EXIT_OK;
out:
	sg_cli_registry_close(cr);
	return rc;
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
		{"--certificate-identity", NULL, &o->identity, NULL, NULL, 0, NULL},
		{"--certificate-identity-regexp", NULL, &o->identity_re, NULL, NULL, 0, NULL},
		{"--certificate-oidc-issuer", NULL, &o->issuer, NULL, NULL, 0, NULL},
		{"--certificate-oidc-issuer-regexp", NULL, &o->issuer_re, NULL, NULL, 0, NULL},
		{"--key", NULL, &o->key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, o->annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&o->n_annots},
		SG_CLI_TRUST_FLAG_ROWS(o->topts),
		/* cosign's meaning here: never search Rekor. verify reads the image from its
		 * registry, so the network stays on; once `--local-image DIR` exists, --offline with
		 * it should call sg_cli_go_offline() before anything runs, as verify_blob.c does
		 * (docs/decisions.md, "Trust material and TUF"). */
		{"--offline", NULL, NULL, &o->offline, NULL, 0, NULL},
		{"--insecure-ignore-tlog", NULL, NULL, &o->ignore_tlog, NULL, 0, NULL},
		{"--insecure-ignore-sct", NULL, NULL, &o->ignore_sct, NULL, 0, NULL},
		{"--check-claims", NULL, NULL, &o->check_claims, NULL, 0, NULL},
		{"--output", "-o", &o->output, NULL, NULL, 0, NULL},
		{"--explain", NULL, NULL, &o->explain, NULL, 0, NULL},
		SG_CLI_REGISTRY_FLAG_ROWS(o->reg),
		/* the last row is the command's own: verify's, or verify-attestation's below */
		{"--new-bundle-format", NULL, NULL, &o->new_bundle_format, NULL, 0, NULL},
	};
	const size_t nf = sizeof flags / sizeof flags[0];
	if (attestation)
		flags[nf - 1] = (sg_cli_flag){"--type", NULL, &o->type, NULL, NULL, 0, NULL};
	const char *pos[16];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, nf, pos, 16, &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos == 0)
		return sg_cli_usage_error("%s: usage: picosign %s [flags] IMAGE...", argv[0],
			argv[0]);
	sg_diag td;
	sg_diag_init(&td, NULL);
	o->predicate_type = SG_INTOTO_COSIGN_SIGN;
	if (attestation) {
		if (sg_intoto_predicate_type(o->type, &o->predicate_type, &td) != SG_OK)
			return fail_diag(SG_EXIT_FAIL, &td);
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

	int rc = SG_EXIT_OK;
	sg_diag d;
	sg_diag_init(&d, NULL);
	if (o->key_path == NULL) {
		if (sg_policy_init(&o->policy, o->identity, o->identity_re, o->issuer, o->issuer_re,
			    &d) != SG_OK) {
			rc = fail_diag(SG_EXIT_FAIL, &d);
			goto out;
		}
	} else {
		if (o->identity || o->identity_re || o->issuer || o->issuer_re) {
			rc = fail_msg(SG_EXIT_FAIL, "--key cannot be combined with the certificate "
						    "identity flags");
			goto out;
		}
		sg_slice pem;
		uint8_t *der;
		d.source = o->key_path;
		if (sg_os_read_file(o->key_path, SG_MAX_PEM_FILE, arena, &pem, &d) != SG_OK ||
			sg_arena_get(arena, SG_MAX_CERT, (void **)&der, &d) != SG_OK ||
			sg_pubkey_parse_pem(pem.p, pem.len, der, SG_MAX_CERT, &o->key, &d) != SG_OK) {
			char msg[1024], full[1100];
			sg_diag_format(&d, msg, sizeof msg);
			snprintf(full, sizeof full, "loading public key: %s", msg);
			rc = fail_msg(SG_EXIT_FAIL, full);
			goto out;
		}
		d.source = NULL;
	}
	if (o->ignore_tlog)
		fprintf(stderr, "WARNING: Skipping tlog verification is an insecure practice that "
				"lacks transparency and auditability verification for the "
				"signature.\n");
	if (o->ignore_sct)
		fprintf(stderr, "WARNING: --insecure-ignore-sct: the certificate's embedded SCT is "
				"NOT checked, so nothing proves the certificate was publicly logged.\n");
	/* With --key and --insecure-ignore-tlog no CA, log or TSA is consulted: nothing to warn
	 * about the trust material's age (a limit asked for still applies). */
	o->topts.quiet = o->key_path != NULL && o->ignore_tlog;
	if (sg_arena_get(arena, sizeof *o->tr, (void **)&o->tr, &d) != SG_OK ||
		sg_cli_trustroot_load(&o->topts, arena, o->tr, NULL, &d) != SG_OK) {
		rc = fail_diag(SG_EXIT_FAIL, &d);
		goto out;
	}
	o->io.verify.trustroot = o->tr;
	o->io.verify.policy = o->key_path == NULL ? &o->policy : NULL;
	o->io.verify.key = o->key_path != NULL ? &o->key : NULL;
	o->io.verify.insecure_ignore_tlog = o->ignore_tlog;
	o->io.verify.insecure_ignore_sct = o->ignore_sct;
	o->io.verify.now = sg_os_now();
	o->io.annots = o->annots;
	o->io.n_annots = o->n_annots;
	o->io.check_claims = o->check_claims;
	o->io.offline = o->offline;
	for (size_t i = 0; i < n_pos; i++) {
		rc = verify_image(o, pos[i], arena);
		if (rc != SG_EXIT_OK)
			break;
	}
out:
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
