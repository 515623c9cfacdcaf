/* verify_image: `picosign verify IMAGE[:tag|@digest]...`, cosign verify for legacy `.sig`
 * signatures (protocol.md §7): the same checks in the same order, the same output and the
 * same errors and exit codes.
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
 * reused connections (cli/images.c); each passing image prints its header and its JSON array,
 * one element per verified signature, as cosign; the exit code is that of the first image that
 * failed, in argument order, and with several images each error names its image. The
 * signatures are read from $COSIGN_REPOSITORY when it is set (cosign's target repository).
 *
 * Beyond cosign: --explain prints, for every candidate, the check that failed and why (or
 * that it passed), to stderr before the result; -r/--recursive also verifies every manifest
 * of an index (each reported as an image of its own), where cosign verifies the index's own
 * signature only. */
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
#include "online/registry.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sigstore/bundle.h"
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
	sg_cli_common common;
	sg_cli_registry_flags reg;
	sg_policy policy;
	sg_pubkey key;
	sg_trustroot *tr;
	int text;
	int many; /* several images (or -r): messages name the image */
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
	sg_registry *reg;       /* the image's registry */
	sg_registry *sig_reg;   /* where the signatures are ($COSIGN_REPOSITORY) */
	const char *sig_repo;
	uint8_t digest[32];
	sg_arena *arena;
	sg_buf *out;      /* stdout */
	sg_buf *err_out;  /* per-signature stderr lines (-o text) */
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
	SG_TRY(sg_cosign_sig_layer(c->sig_reg, c->sig_repo, desc, arena, &layer, d));
	sg_image_opts io;
	memset(&io, 0, sizeof io);
	io.verify.trustroot = o->tr;
	io.verify.policy = o->key_path == NULL ? &o->policy : NULL;
	io.verify.key = o->key_path != NULL ? &o->key : NULL;
	io.verify.insecure_ignore_tlog = o->ignore_tlog || o->private_infra;
	io.verify.insecure_ignore_sct = o->ignore_sct;
	io.verify.now = sg_os_now();
	io.annots = o->annots;
	io.n_annots = o->n_annots;
	io.check_claims = o->check_claims;
	io.offline = o->offline;
	sg_verified *v;
	SG_TRY(sg_arena_get(arena, sizeof *v, (void **)&v, d));
	SG_TRY(sg_verify_sig_layer(&layer, c->digest, &io, arena, v, d));

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

/* Verify the signatures of the manifest `digest` (named `name`), cosign's §7.2 from step 2:
 * the .sig manifest, then every layer as a candidate; output into c->out / `err`. */
static int
verify_digest(struct image_ctx *c, const uint8_t digest[32], const char *name, sg_buf *err)
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
	/* Step 2: the .sig manifest. */
	sg_cosign_sigs sigs;
	if (sg_cosign_sigs_fetch(c->sig_reg, c->sig_repo, digest, arena, &sigs, &d) != SG_OK) {
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
	print_header(err, o, name, c->any_bundle);
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
		int crc = verify_digest(c, kids[i].digest, name, err);
		if (rc == SG_EXIT_OK)
			rc = crc;
	}
	return rc;
}

/* One IMAGE argument (sg_cli_image_fn): cosign's §7.2 from the reference. */
static int
verify_image(void *ctx, sg_cli_net *net, const char *arg, sg_arena *arena, sg_buf *out,
	sg_buf *err)
{
	struct opts *o = ctx;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref, sref;
	char name[SG_OCI_NAME_MAX + 8];
	sg_buf nb;
	if (sg_ociref_parse((const uint8_t *)arg, strlen(arg), &ref, &d) != SG_OK) {
		char msg[1024];
		sg_diag_format(&d, msg, sizeof msg);
		char full[1100];
		snprintf(full, sizeof full, "parsing reference: %s", msg);
		return fail_to(err, o, arg, SG_EXIT_FAIL, full);
	}
	sg_buf_init(&nb, name, sizeof name - 1);
	if (sg_ociref_name(&ref, &nb) != SG_OK)
		return fail_to(err, o, arg, SG_EXIT_FAIL, "image reference too long");
	name[nb.len] = '\0';
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
	uint8_t digest[32];
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
	rc = verify_digest(&c, digest, name, err);
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

/* see cli.h */
int
sg_cmd_verify(int argc, char **argv, sg_arena *arena)
{
	struct opts *o;
	if (sg_arena_get(arena, sizeof *o, (void **)&o, NULL) != SG_OK)
		return fail_msg(SG_EXIT_FAIL, "out of memory");
	o->check_claims = 1;
	const sg_cli_flag flags[] = {
		SG_CLI_IDENTITY_FLAG_ROWS(o->id),
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
		{"--private-infrastructure", NULL, NULL, &o->private_infra, NULL, 0, NULL},
		{"--insecure-ignore-sct", NULL, NULL, &o->ignore_sct, NULL, 0, NULL},
		{"--check-claims", NULL, NULL, &o->check_claims, NULL, 0, NULL},
		{"--output", "-o", &o->output, NULL, NULL, 0, NULL},
		{"--max-workers", NULL, &o->max_workers, NULL, NULL, 0, NULL},
		{"--recursive", "-r", NULL, &o->recursive, NULL, 0, NULL},
		{"--explain", NULL, NULL, &o->explain, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(o->common),
		SG_CLI_REGISTRY_FLAG_ROWS(o->reg),
	};
	const char *pos[SG_MAX_VERIFY_IMAGES];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos,
		    SG_MAX_VERIFY_IMAGES, &n_pos) != 0 ||
		sg_cli_common_apply(&o->common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos == 0)
		return sg_cli_usage_error("verify: usage: picosign verify [flags] IMAGE...");
	unsigned workers;
	if (sg_cli_parse_workers(o->max_workers, &workers) != 0)
		return SG_EXIT_FAIL;
	o->reg.timeout = o->common.timeout;
	o->many = n_pos > 1 || o->recursive;
	/* cosign: "text" selects the text form, anything else is json. */
	o->text = o->output != NULL && strcmp(o->output, "text") == 0;
	if (sg_cli_parse_annotations(o->annots_raw, o->n_annots, o->annots) != o->n_annots)
		return fail_msg(SG_EXIT_FAIL, "unable to parse annotation");

	sg_diag d;
	sg_diag_init(&d, NULL);
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
	if (o->ignore_tlog || o->private_infra)
		fprintf(stderr, "WARNING: Skipping tlog verification is an insecure practice that "
				"lacks transparency and auditability verification for the "
				"signature.\n");
	if (o->ignore_sct)
		fprintf(stderr, "WARNING: --insecure-ignore-sct: the certificate's embedded SCT is "
				"NOT checked, so nothing proves the certificate was publicly logged.\n");
	/* With --key and --insecure-ignore-tlog no CA, log or TSA is consulted: nothing to warn
	 * about the trust material's age (a limit asked for still applies). */
	o->topts.quiet = o->key_path != NULL && (o->ignore_tlog || o->private_infra);
	if (sg_arena_get(arena, sizeof *o->tr, (void **)&o->tr, &d) != SG_OK ||
		sg_cli_trustroot_load(&o->topts, arena, o->tr, NULL, &d) != SG_OK)
		return fail_diag(SG_EXIT_FAIL, &d);
	unsigned connects = 0;
	int rc = sg_cli_run_images(pos, n_pos, workers, &o->reg, verify_image, o, arena,
		&connects);
	/* For tests: how many connections the run opened (PICOSIGN_DEBUG_CONNECTIONS=1). */
	const char *dbg = getenv("PICOSIGN_DEBUG_CONNECTIONS");
	if (dbg != NULL && strcmp(dbg, "1") == 0)
		fprintf(stderr, "picosign: %u connection(s) to registries\n", connects);
	return rc;
}
