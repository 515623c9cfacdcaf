/* blobsig: what verify-blob verifies, in every form cosign v2 and v3 accept (rank 9; see
 * cli.h): a Sigstore bundle, cosign v2's `sign-blob --bundle` file, or a detached signature
 * and certificate, whose transparency-log entry cosign v2 looks up in Rekor.
 *
 * cosign v2 (cmd/cosign/cli/verify/verify_blob.go) reads --signature as a path, or as the
 * base64 itself when no such file exists; --certificate as a PEM file (or base64 of one); and
 * a v2 bundle's members unless those flags override them. Without a bundle, the entry is
 * searched by its content (POST /api/v1/log/entries/retrieve with the hashedrekord it would
 * be): each entry Rekor returns becomes a candidate and is verified like a bundle's entry
 * (body against signature, key and digest; SET; inclusion proof), so nothing Rekor says is
 * taken on trust. */
#include "cli/cli.h"

#include <string.h>

#include "base/limits.h"
#include "online/rekor.h"
#include "parse/codec.h"
#include "parse/pem.h"
#include "sigstore/bundle.h"
#include "sigstore/cosign_bundle.h"
#include "sigstore/tlog.h"
#include "sys/os.h"
#include "verify/siglayer.h"

/* A DER ECDSA signature is at most 139 bytes; RSA-4096 512. */
#define SIG_MAX 1024u

static sg_slice
trim(sg_slice s)
{
	while (s.len > 0 &&
		(s.p[s.len - 1] == '\n' || s.p[s.len - 1] == '\r' || s.p[s.len - 1] == ' ' ||
			s.p[s.len - 1] == '\t'))
		s.len--;
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\n' || s.p[0] == '\r'))
		s = sg_slice_make(s.p + 1, s.len - 1);
	return s;
}

/* --signature: the file's content when a file of that name exists, else the value itself
 * (cosign's "signature content or path"); base64 text, trimmed. */
SG_MUST_USE static sg_err
read_signature(const char *ref, sg_arena *arena, sg_slice *b64, sg_diag *d)
{
	sg_slice s;
	if (strcmp(ref, "-") == 0 || strncmp(ref, "env://", 6) == 0 || sg_os_is_file(ref))
		SG_TRY(sg_cli_read_ref(ref, "--signature", SG_MAX_PEM_FILE, arena, &s, d));
	else
		s = sg_slice_str(ref);
	*b64 = trim(s);
	const char *what = sg_cli_describe(*b64);
	if (strcmp(what, "a base64 signature") != 0)
		return sg_cli_wrong_input(d, SG_ERR_USAGE, "--signature", ref, what,
			"a base64 signature (what sign-blob --output-signature writes)");
	return SG_OK;
}

/* --certificate: PEM, or standard base64 of the PEM (what cosign v2's sign-blob
 * --output-certificate writes). */
SG_MUST_USE static sg_err
read_certificate(const char *ref, sg_arena *arena, sg_slice *pem, sg_diag *d)
{
	sg_slice s;
	SG_TRY(sg_cli_read_ref(ref, "--certificate", SG_MAX_PEM_FILE, arena, &s, d));
	s = trim(s);
	const char *what = sg_cli_describe(s);
	if (strcmp(what, "a PEM certificate") == 0) {
		*pem = s;
		return SG_OK;
	}
	if (strcmp(what, "a base64 signature") == 0) {
		uint8_t *p;
		size_t n;
		size_t cap = s.len / 4 * 3 + 3;
		SG_TRY(sg_arena_get(arena, cap, (void **)&p, d));
		sg_diag scratch;
		sg_diag_init(&scratch, NULL);
		if (sg_b64_decode(s.p, s.len, SG_B64_STD | SG_B64_PAD, p, cap, &n, &scratch) ==
				SG_OK &&
			strcmp(sg_cli_describe(sg_slice_make(p, n)), "a PEM certificate") == 0) {
			*pem = sg_slice_make(p, n);
			return SG_OK;
		}
		what = "base64 that is not a PEM certificate";
	}
	return sg_cli_wrong_input(d, SG_ERR_USAGE, "--certificate", ref, what,
		"a PEM certificate (or its base64)");
}

/* The PEM "PUBLIC KEY" of --key, for the Rekor search's verifier. */
SG_MUST_USE static sg_err
read_key_pem(const char *ref, sg_arena *arena, sg_slice *pem, sg_diag *d)
{
	SG_TRY(sg_cli_read_ref(ref, "--key", SG_MAX_PEM_FILE, arena, pem, d));
	*pem = trim(*pem);
	return SG_OK;
}

/* Look up the entries of a detached signature and make each a candidate `base` + entry. */
SG_MUST_USE static sg_err
search_rekor(const sg_cli_blob_args *a, const sg_entity *base, sg_slice verifier_pem,
	sg_arena *arena, sg_entity **out, size_t *n, sg_diag *d)
{
	sg_cli_http net;
	uint8_t *pmem;
	SG_TRY(sg_cli_http_open(&net, a->timeout, arena, d));
	sg_http_client *http = net.http;
	size_t pcap = verifier_pem.len * 2 + base->signature.len * 2 + 1024;
	SG_TRY(sg_arena_get(arena, pcap, (void **)&pmem, d));
	sg_buf proposed;
	sg_buf_init(&proposed, pmem, pcap);
	sg_rekor_entry *found;
	size_t nf = 0;
	sg_err e = sg_rekor_build_hashedrekord(a->sha256, base->signature.p, base->signature.len,
		verifier_pem, &proposed, d);
	if (e == SG_OK)
		e = sg_arena_get(arena, SG_REKOR_SEARCH_MAX * sizeof *found, (void **)&found, d);
	if (e == SG_OK)
		e = sg_rekor_search(http, a->rekor_url, SG_HTTP_PLAIN_LOOPBACK,
			sg_buf_slice(&proposed), arena, found, SG_REKOR_SEARCH_MAX, &nf, d);
	sg_http_client_close(http);
	SG_TRY(e);
	if (nf == 0)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_MISSING,
			"signature not found in transparency log");
	sg_entity *ents;
	SG_TRY(sg_arena_get(arena, nf * sizeof *ents, (void **)&ents, d));
	for (size_t i = 0; i < nf; i++) {
		sg_tlog_body body;
		SG_TRY(sg_tlog_body_parse(found[i].tle.body.p, found[i].tle.body.len, arena, &body,
			d));
		ents[i] = *base;
		ents[i].tlog[0] = found[i].tle;
		ents[i].tlog[0].kind = body.kind_str;
		ents[i].tlog[0].version = body.api_version;
		ents[i].n_tlog = 1;
	}
	*out = ents;
	*n = nf;
	return SG_OK;
}

/* A Sigstore bundle, with what the file is when it is not one. */
SG_MUST_USE static sg_err
read_sigstore_bundle(const char *path, sg_slice json, sg_arena *arena, sg_entity *e, sg_diag *d)
{
	sg_diag pd;
	sg_diag_init(&pd, path);
	sg_err err = sg_bundle_parse(json.p, json.len, arena, e, &pd);
	if (err == SG_OK)
		return SG_OK;
	const char *what = sg_cli_describe(json);
	if (strcmp(what, "a Sigstore bundle") == 0 || strcmp(what, "JSON") == 0) {
		if (d != NULL && d->code == SG_OK)
			*d = pd;
		return err;
	}
	return sg_cli_wrong_input(d, err, "--bundle", path, what,
		"a Sigstore bundle (JSON) or a cosign v2 bundle");
}

/* see cli.h */
sg_err
sg_cli_blob_entities(const sg_cli_blob_args *a, sg_arena *arena, sg_entity **out, size_t *n,
	int *legacy, sg_diag *d)
{
	*out = NULL;
	*n = 0;
	*legacy = 0;
	sg_entity *e;
	SG_TRY(sg_arena_get(arena, sizeof *e, (void **)&e, d));
	sg_sig_layer layer;
	memset(&layer, 0, sizeof layer);
	if (a->bundle != NULL) {
		sg_slice json;
		SG_TRY(sg_cli_read_ref(a->bundle, "--bundle", SG_MAX_JSON, arena, &json, d));
		if (strcmp(sg_cli_describe(json), "a cosign v2 bundle") != 0) {
			if (a->signature != NULL || a->certificate != NULL)
				return sg_diag_failmsg(d, SG_ERR_USAGE,
					"--signature and --certificate go with a cosign v2 "
					"bundle or none; %s is a Sigstore bundle, which carries "
					"both",
					a->bundle);
			SG_TRY(read_sigstore_bundle(a->bundle, json, arena, e, d));
			*out = e;
			*n = 1;
			return SG_OK;
		}
		sg_cosign_bundle cb;
		if (d != NULL)
			d->source = a->bundle;
		SG_TRY(sg_cosign_bundle_parse(json.p, json.len, arena, &cb, d));
		if (d != NULL)
			d->source = NULL;
		layer.signature_b64 = cb.signature_b64;
		layer.certificate_pem = cb.cert_pem;
		layer.bundle_json = cb.rekor_bundle;
	} else if (a->signature == NULL) {
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"give --bundle FILE, or the detached --signature (with --certificate, "
			"or --key)");
	}
	if (a->signature != NULL)
		SG_TRY(read_signature(a->signature, arena, &layer.signature_b64, d));
	if (a->certificate != NULL)
		SG_TRY(read_certificate(a->certificate, arena, &layer.certificate_pem, d));
	if (layer.certificate_pem.len == 0 && a->key_ref == NULL)
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"a detached signature needs --certificate (keyless) or --key");
	*legacy = 1;
	layer.has_signature = 1;
	SG_TRY(sg_siglayer_entity(&layer, arena, e, d));
	if (e->material == SG_MATERIAL_NONE)
		e->material = SG_MATERIAL_PUBLIC_KEY;
	if (e->n_tlog > 0 || a->ignore_tlog) {
		*out = e;
		*n = 1;
		return SG_OK;
	}
	/* cosign v2 without a log entry: offline it fails, online it searches Rekor. */
	if (a->offline)
		return sg_diag_failmsg(d, SG_ERR_VERIFY_TLOG_MISSING,
			"offline verification failed");
	sg_slice verifier = layer.certificate_pem;
	if (verifier.len == 0)
		SG_TRY(read_key_pem(a->key_ref, arena, &verifier, d));
	return search_rekor(a, e, verifier, arena, out, n, d);
}

/* see cli.h */
sg_err
sg_cli_chain_as_ca(const char *ref, sg_trustroot *tr, sg_arena *arena, sg_diag *d)
{
	sg_slice pem;
	SG_TRY(sg_cli_read_ref(ref, "--certificate-chain", SG_MAX_PEM_FILE, arena, &pem, d));
	sg_trust_ca ca;
	memset(&ca, 0, sizeof ca);
	if (d != NULL)
		d->source = ref;
	SG_TRY(sg_cli_pem_certs(pem, arena, ca.certs, SG_MAX_CHAIN, &ca.n_certs, d));
	if (d != NULL)
		d->source = NULL;
	if (ca.n_certs == 0)
		return sg_cli_wrong_input(d, SG_ERR_USAGE, "--certificate-chain", ref,
			sg_cli_describe(pem),
			"PEM certificates, the signer's issuer first and the "
			"root last");
	ca.valid.start = INT64_MIN;
	ca.valid.end = INT64_MAX;
	tr->cas[0] = ca;
	tr->n_cas = 1;
	return SG_OK;
}
