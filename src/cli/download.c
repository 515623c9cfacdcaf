/* download: `picosign download signature IMAGE` and `picosign download attestation IMAGE`,
 * cosign download's legacy storage (rank 9): print what is stored next to the image, one JSON
 * object a line.
 *
 * signature (cosign v2 cmd/cosign/cli/download/signature.go): per layer of sha256-<hex>.sig,
 * json.Marshal of cosign.SignedPayload, members in its field order: Base64Signature, Payload
 * (the payload bytes as base64, Go's []byte), Cert, Chain, Bundle (the layer's Rekor bundle
 * annotation, re-emitted as the JSON it is), RFC3161Timestamp; absent ones null. No layers:
 * cosign's "<image>: no signatures associated", exit 1.
 *
 * attestation (download/attestation.go): per layer of sha256-<hex>.att, the DSSE envelope as
 * cosign.AttestationPayload: {"payloadType", "payload", "signatures": [{"keyid", "sig"}]};
 * --predicate-type keeps those whose in-toto statement has that predicate type (cosign's short
 * names or a URI; none left is cosign's "no attestations with predicate type '<t>' found");
 * --platform picks a manifest of an index first. No attestations: nothing, exit 0.
 *
 * Where picosign differs: cosign marshals Cert and Chain as Go x509.Certificate structs
 * (dozens of parsed fields); picosign writes {"Raw": "<base64 DER>"} for each, the one member
 * that identifies the certificate (docs/decisions.md). cosign v3 first prints the Sigstore
 * bundles attached as OCI referrers; this command reads the legacy tags only (`tree` lists the
 * referrers). The tags are read from $COSIGN_REPOSITORY when it is set. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "online/cosign_sig.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/pem.h"
#include "sigstore/intoto.h"

/* One printed object: payloads are at most SG_COSIGN_MAX_PAYLOAD, in base64 4/3 of that. */
#define LINE_CAP (SG_COSIGN_MAX_PAYLOAD / 3u * 4u + 64u * 1024u)

static int
fail(const sg_diag *d)
{
	sg_cli_print_error(d);
	return SG_EXIT_FAIL;
}

/* Each CERTIFICATE block of `pem` as {"Raw": base64 DER}; an array for the chain. */
SG_MUST_USE static sg_err
write_certs(vfj_writer *w, sg_slice pem, int array, sg_arena *arena, sg_diag *d)
{
	if (pem.len == 0) {
		vfj_w_null(w);
		return SG_OK;
	}
	sg_slice certs[SG_MAX_PEM_OBJECTS];
	size_t n;
	SG_TRY(sg_cli_pem_certs(pem, arena, certs, SG_MAX_PEM_OBJECTS, &n, d));
	if (!array && n == 0) {
		vfj_w_null(w);
		return SG_OK;
	}
	if (array)
		vfj_w_arr_begin(w);
	for (size_t i = 0; i < (array ? n : 1); i++) {
		uint8_t *b64;
		SG_TRY(sg_arena_get(arena, SG_MAX_CERT * 2, (void **)&b64, d));
		sg_buf bb;
		sg_buf_init(&bb, b64, SG_MAX_CERT * 2);
		SG_TRY(sg_b64_encode(certs[i].p, certs[i].len, SG_B64_STD | SG_B64_PAD, &bb));
		vfj_w_obj_begin(w);
		vfj_w_key(w, VFJ_LIT("Raw"));
		vfj_w_str(w, bb.p, bb.len);
		vfj_w_obj_end(w);
	}
	if (array)
		vfj_w_arr_end(w);
	return SG_OK;
}

/* A JSON annotation value as the JSON it holds, or null when absent. */
static void
write_raw_or_null(vfj_writer *w, sg_slice json)
{
	if (json.len == 0)
		vfj_w_null(w);
	else
		vfj_w_raw(w, json.p, json.len);
}

/* One .sig layer as cosign.SignedPayload. */
SG_MUST_USE static sg_err
signature_line(const sg_sig_layer *l, sg_arena *arena, sg_buf *out, sg_diag *d)
{
	uint8_t *b64;
	size_t cap = l->payload.len / 3 * 4 + 8;
	SG_TRY(sg_arena_get(arena, cap, (void **)&b64, d));
	sg_buf pb;
	sg_buf_init(&pb, b64, cap);
	SG_TRY(sg_b64_encode(l->payload.p, l->payload.len, SG_B64_STD | SG_B64_PAD, &pb));
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("Base64Signature"));
	vfj_w_str(&w, l->signature_b64.p, l->signature_b64.len);
	vfj_w_key(&w, VFJ_LIT("Payload"));
	vfj_w_str(&w, pb.p, pb.len);
	vfj_w_key(&w, VFJ_LIT("Cert"));
	SG_TRY(write_certs(&w, l->certificate_pem, 0, arena, d));
	vfj_w_key(&w, VFJ_LIT("Chain"));
	SG_TRY(write_certs(&w, l->chain_pem, 1, arena, d));
	vfj_w_key(&w, VFJ_LIT("Bundle"));
	write_raw_or_null(&w, l->bundle_json);
	vfj_w_key(&w, VFJ_LIT("RFC3161Timestamp"));
	write_raw_or_null(&w, l->rfc3161_json);
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "download signature", d);
}

/* One .att layer (a DSSE envelope) as cosign.AttestationPayload; *keep = 0 when
 * `predicate` is set and the statement has another predicate type. */
SG_MUST_USE static sg_err
attestation_line(sg_slice env, const char *predicate, sg_arena *arena, sg_buf *out, int *keep,
	sg_diag *d)
{
	sg_json j;
	sg_slice type, payload;
	size_t sigs, n;
	*keep = 1;
	SG_TRY(sg_json_parse(env.p, env.len, arena, "attestation", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_get_str(&j, root, "payloadType", SG_JSON_OPTIONAL, "attestation payloadType",
		arena, &type, NULL, d));
	SG_TRY(sg_json_get_str(&j, root, "payload", SG_JSON_OPTIONAL, "attestation payload", arena,
		&payload, NULL, d));
	SG_TRY(sg_json_get_arr(&j, root, "signatures", SG_JSON_OPTIONAL, "attestation signatures",
		&sigs, &n, d));
	if (predicate != NULL) {
		uint8_t *st;
		size_t st_len;
		size_t cap = payload.len / 4 * 3 + 3;
		sg_intoto_statement s;
		SG_TRY(sg_arena_get(arena, cap, (void **)&st, d));
		SG_TRY(sg_b64_decode(payload.p, payload.len, SG_B64_STD | SG_B64_PAD, st, cap,
			&st_len, d));
		SG_TRY(sg_intoto_parse(st, st_len, arena, &s, d));
		if (!sg_slice_eq_str(s.predicate_type, predicate)) {
			*keep = 0;
			return SG_OK;
		}
	}
	vfj_writer w;
	sg_json_w_start(&w, out, VFJ_W_GO);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("payloadType"));
	vfj_w_str(&w, type.p, type.len);
	vfj_w_key(&w, VFJ_LIT("payload"));
	vfj_w_str(&w, payload.p, payload.len);
	vfj_w_key(&w, VFJ_LIT("signatures"));
	if (n == 0) {
		vfj_w_null(&w);
	} else {
		vfj_w_arr_begin(&w);
		for (size_t t = sg_json_first(&j, sigs); t != SG_JSON_NONE;
			t = sg_json_next(&j, t)) {
			sg_slice keyid, sig;
			SG_TRY(sg_json_get_str(&j, t, "keyid", SG_JSON_OPTIONAL,
				"attestation signatures[].keyid", arena, &keyid, NULL, d));
			SG_TRY(sg_json_get_str(&j, t, "sig", SG_JSON_OPTIONAL,
				"attestation signatures[].sig", arena, &sig, NULL, d));
			vfj_w_obj_begin(&w);
			vfj_w_key(&w, VFJ_LIT("keyid"));
			vfj_w_str(&w, keyid.p, keyid.len);
			vfj_w_key(&w, VFJ_LIT("sig"));
			vfj_w_str(&w, sig.p, sig.len);
			vfj_w_obj_end(&w);
		}
		vfj_w_arr_end(&w);
	}
	vfj_w_obj_end(&w);
	return sg_json_w_finish(&w, out, "download attestation", d);
}

/* --platform os/arch[/variant]: the manifest of the index that matches; `digest` is replaced.
 * A single manifest is kept as it is (cosign: SignedEntityForPlatform). */
SG_MUST_USE static sg_err
pick_platform(sg_registry *reg, const char *repo, const char *platform, uint8_t digest[32],
	sg_arena *arena, sg_diag *d)
{
	const sg_oci_desc *kids;
	size_t n;
	SG_TRY(sg_cli_index_children(reg, repo, digest, arena, &kids, &n, d));
	if (n == 0)
		return SG_OK;
	/* "os/arch[/variant]": a variant, when given, must match too. */
	const char *s1 = strchr(platform, '/');
	const char *s2 = s1 != NULL ? strchr(s1 + 1, '/') : NULL;
	if (s1 == NULL)
		return sg_diag_failmsg(d, SG_ERR_USAGE, "--platform %.200s: give os/arch[/variant]",
			platform);
	sg_slice os = sg_slice_make(platform, (size_t)(s1 - platform));
	sg_slice arch = sg_slice_make(s1 + 1, s2 != NULL ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1));
	for (size_t i = 0; i < n; i++) {
		const sg_oci_desc *k = &kids[i];
		if (sg_slice_eq(k->os, os) && sg_slice_eq(k->architecture, arch) &&
			(s2 == NULL || sg_slice_eq_str(k->variant, s2 + 1))) {
			memcpy(digest, k->digest, 32);
			return SG_OK;
		}
	}
	return sg_diag_failmsg(d, SG_ERR_OCI_NOT_FOUND, "no matching image for platform %.200s",
		platform);
}

/* The command, for `what` "signature" or "attestation". */
static int
download(int argc, char **argv, sg_arena *arena, int att)
{
	sg_cli_common common;
	sg_cli_registry_flags rf;
	memset(&common, 0, sizeof common);
	memset(&rf, 0, sizeof rf);
	const char *predicate = NULL, *platform = NULL;
	const sg_cli_flag sig_flags[] = {
		SG_CLI_COMMON_FLAG_ROWS(common),
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
		/* attestation only, after this point */
		{"--predicate-type", NULL, &predicate, NULL, NULL, 0, NULL},
		{"--platform", NULL, &platform, NULL, NULL, 0, NULL},
	};
	size_t n_flags = sizeof sig_flags / sizeof sig_flags[0] - (att ? 0 : 2);
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, sig_flags, n_flags, pos, 1, &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("download %s: give exactly one IMAGE",
			att ? "attestation" : "signature");
	rf.timeout = common.timeout;
	sg_diag d;
	sg_diag_init(&d, NULL);
	/* cosign's short names (options/predicate.go PredicateTypeMap) or a URI */
	if (predicate != NULL && sg_intoto_predicate_type(predicate, &predicate, &d) != SG_OK)
		return fail(&d);
	sg_ociref ref, sref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK ||
		sg_cli_sig_repo(&ref, &sref, &d) != SG_OK)
		return fail(&d);
	char name[SG_OCI_NAME_MAX + 8];
	sg_buf nb;
	sg_buf_init(&nb, name, sizeof name - 1);
	if (sg_ociref_name(&ref, &nb) != SG_OK)
		return sg_cli_usage_error("image reference too long");
	name[nb.len] = '\0';
	struct sg_cli_reg *cr = NULL, *scr = NULL;
	int rc = SG_EXIT_FAIL;
	uint8_t *linemem;
	uint8_t digest[32];
	sg_cosign_sigs sigs;
	if (sg_arena_get(arena, LINE_CAP, (void **)&linemem, &d) != SG_OK ||
		sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d) != SG_OK)
		goto out;
	sg_registry *reg = sg_cli_registry_get(cr), *sreg = reg;
	if (strcmp(sref.registry, ref.registry) != 0) {
		if (sg_cli_registry_open(&rf, sref.registry, sref.repository, arena, &scr, &d) !=
			SG_OK)
			goto out;
		sreg = sg_cli_registry_get(scr);
	}
	if (sg_registry_resolve(reg, &ref, digest, &d) != SG_OK ||
		(platform != NULL &&
			pick_platform(reg, ref.repository, platform, digest, arena, &d) != SG_OK) ||
		sg_cosign_tag_fetch(sreg, sref.repository, digest, att ? ".att" : ".sig", arena,
			&sigs, &d) != SG_OK) {
		sg_cli_registry_hint(reg, &d);
		goto out;
	}
	if (!att && (!sigs.found || sigs.parsed.ndescs == 0)) {
		rc = sg_cli_usage_error("%s: no signatures associated", name);
		goto done;
	}
	size_t kept = 0;
	for (size_t i = 0; sigs.found && i < sigs.parsed.ndescs; i++) {
		size_t mark = sg_arena_mark(arena);
		sg_sig_layer l;
		sg_buf line;
		int keep = 1;
		sg_buf_init(&line, linemem, LINE_CAP);
		const sg_oci_desc *desc = &sigs.parsed.descs[i];
		sg_slice payload;
		if (desc->size < 0) {
			rc = sg_cli_usage_error("%s: a signature layer without a size", name);
			goto done;
		}
		if (sg_registry_get_blob(sreg, sref.repository, desc->digest, (uint64_t)desc->size,
			    SG_COSIGN_MAX_PAYLOAD, &payload, &d) != SG_OK)
			goto out;
		sg_cosign_sig_layer(desc, payload, &l);
		if ((att ? attestation_line(l.payload, predicate, arena, &line, &keep, &d)
			     : signature_line(&l, arena, &line, &d)) != SG_OK)
			goto out;
		if (keep) {
			fwrite(line.p, 1, line.len, stdout);
			putchar('\n');
			kept++;
		}
		sg_arena_release(arena, mark);
	}
	if (att && predicate != NULL && kept == 0) {
		rc = sg_cli_usage_error("no attestations with predicate type '%s' found",
			predicate);
		goto done;
	}
	rc = SG_EXIT_OK;
	goto done;
out:
	(void)fail(&d);
done:
	fflush(stdout);
	sg_cli_registry_close(scr);
	sg_cli_registry_close(cr);
	return rc;
}

/* see commands.h */
int
sg_cmd_download(int argc, char **argv, sg_arena *arena)
{
	if (argc < 2 || (strcmp(argv[1], "signature") != 0 && strcmp(argv[1], "attestation") != 0))
		return sg_cli_usage_error(
			"download: give what to download: signature or attestation "
			"(sbom is not supported)");
	int att = strcmp(argv[1], "attestation") == 0;
	/* The subcommand's name for the flag tables (cli/refused.c): download-signature... */
	argv[1] = att ? (char *)(uintptr_t) "download-attestation"
		      : (char *)(uintptr_t) "download-signature";
	return download(argc - 1, argv + 1, arena, att);
}
