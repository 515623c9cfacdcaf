/* verify_image: `picosign verify IMAGE[:tag|@digest]...`, cosign verify for legacy `.sig`
 * signatures (protocol.md §7): the same checks in the same order, the same output and the
 * same errors and exit codes.
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
 * that it passed), to stderr before the result. */
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
#include "online/registry.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sigstore/bundle.h"
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
	sg_image_opts io;
	memset(&io, 0, sizeof io);
	io.verify.trustroot = o->tr;
	io.verify.policy = o->key_path == NULL ? &o->policy : NULL;
	io.verify.key = o->key_path != NULL ? &o->key : NULL;
	io.verify.insecure_ignore_tlog = o->ignore_tlog;
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

/* see cli.h */
int
sg_cmd_verify(int argc, char **argv, sg_arena *arena)
{
	struct opts *o;
	if (sg_arena_get(arena, sizeof *o, (void **)&o, NULL) != SG_OK)
		return fail_msg(SG_EXIT_FAIL, "out of memory");
	o->check_claims = 1;
	const sg_cli_flag flags[] = {
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
	};
	const char *pos[16];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 16,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos == 0)
		return sg_cli_usage_error("verify: usage: picosign verify [flags] IMAGE...");
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
	for (size_t i = 0; i < n_pos; i++) {
		rc = verify_image(o, pos[i], arena);
		if (rc != SG_EXIT_OK)
			break;
	}
out:
	return rc;
}
