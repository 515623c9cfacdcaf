/* cli_sign: `picosign sign --key KEY [-a key=value]... [--yes] IMAGE[@DIGEST|:tag]`, cosign
 * sign with a key file, in the legacy `.sig` format (protocol.md §1, §2.4, §2.5, §2.7):
 *
 *   1. resolve the image to its manifest digest (a tag is resolved, with cosign's warning;
 *      a digest is fetched once to make sure the image exists and hashes to it);
 *   2. load the key (cosign's encrypted format, PKCS#8 or SEC1; COSIGN_PASSWORD or a prompt);
 *   3. write the simple-signing payload for "<registry>/<repository>" and the digest, with the
 *      -a annotations in "optional";
 *   4. sign its SHA-256 with ECDSA P-256 (DER), base64 into the layer's signature annotation;
 *   5. attach the layer to sha256-<hex>.sig through sg_cosign_sig_attach (append, dedupe,
 *      race-checked push) -- the same call the keyless path will make with its own layer
 *      (certificate, chain and Rekor bundle annotations added).
 *
 * Not uploaded to a transparency log yet: picosign has no Rekor client, so this behaves as
 * `cosign sign --tlog-upload=false` and says so; verify with --insecure-ignore-tlog.
 * --tlog-upload=true is refused rather than silently ignored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codec.h"
#include "cosign_sig.h"
#include "crypto.h"
#include "limits.h"
#include "manifest.h"
#include "ociref.h"
#include "payload.h"
#include "registry.h"

/* cosign's warning for a tag (ui.TagReferenceMessage, printed through ui.Warnf). */
static void
warn_tag(const char *img)
{
	fprintf(stderr,
		"WARNING: Image reference %s uses a tag, not a digest, to identify the image to "
		"sign.\n"
		"    This can lead you to sign a different image than the intended one. Please use "
		"a\n"
		"    digest (example.com/ubuntu@sha256:abc123...) rather than tag\n"
		"    (example.com/ubuntu:latest) for the input to cosign. The ability to refer to\n"
		"    images by tag will be removed in a future release.\n\n",
		img);
}

static int
fail(const sg_diag *d)
{
	sg_cli_print_error(d);
	return SG_EXIT_FAIL;
}

/* see cli.h */
int
sg_cmd_sign(int argc, char **argv, sg_arena *arena)
{
	const char *key_path = NULL;
	const char *annots_raw[SG_MAX_PAYLOAD_ANNOTATIONS];
	size_t n_annots = 0;
	int yes = 0, tlog_upload = -1;
	sg_cli_registry_flags rf;
	memset(&rf, 0, sizeof rf);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, annots_raw, SG_MAX_PAYLOAD_ANNOTATIONS,
			&n_annots},
		{"--yes", "-y", NULL, &yes, NULL, 0, NULL},
		{"--tlog-upload", NULL, NULL, &tlog_upload, NULL, 0, NULL},
		SG_CLI_REGISTRY_FLAG_ROWS(rf),
	};
	/* Without --key, the keyless path (cli_sign_blob.c) parses its own flags. */
	int has_key = 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		has_key |= strcmp(argv[i], "--key") == 0 || strncmp(argv[i], "--key=", 6) == 0;
	if (!has_key)
		return sg_cmd_sign_keyless(argc, argv, arena);
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 1,
		    &n_pos) != 0)
		return SG_EXIT_FAIL;
	if (n_pos != 1)
		return sg_cli_usage_error("sign: usage: picosign sign --key KEY [-a key=value]... "
					  "IMAGE@sha256:<hex>");
	if (key_path == NULL)
		return sg_cli_usage_error("sign: keyless signing is not available yet; give --key "
					  "KEY (picosign generate-key-pair makes one)");
	if (tlog_upload == 1)
		return sg_cli_usage_error("sign: --tlog-upload=true is not supported yet: picosign "
					  "has no Rekor client (use --tlog-upload=false)");
	(void)yes; /* nothing to confirm without a transparency log upload */

	sg_oci_annot annots[SG_MAX_PAYLOAD_ANNOTATIONS];
	for (size_t i = 0; i < n_annots; i++) {
		const char *eq = strchr(annots_raw[i], '=');
		if (eq == NULL || strchr(eq + 1, '=') != NULL)
			return sg_cli_usage_error("unable to parse annotation: %s", annots_raw[i]);
		annots[i].key = sg_slice_make(annots_raw[i], (size_t)(eq - annots_raw[i]));
		annots[i].value = sg_slice_str(eq + 1);
	}

	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_ociref ref;
	if (sg_ociref_parse((const uint8_t *)pos[0], strlen(pos[0]), &ref, &d) != SG_OK)
		return fail(&d);
	struct sg_cli_reg *cr = NULL;
	sg_p256_key key;
	memset(&key, 0, sizeof key);
	int rc = SG_EXIT_FAIL;
	sg_err err = sg_cli_registry_open(&rf, ref.registry, ref.repository, arena, &cr, &d);
	if (err != SG_OK)
		return fail(&d);
	sg_registry *reg = sg_cli_registry_get(cr);

	/* 1. The digest to sign. */
	uint8_t digest[32];
	if (!ref.has_digest) {
		warn_tag(pos[0]);
		if ((err = sg_registry_resolve(reg, &ref, digest, &d)) != SG_OK)
			goto out;
	} else {
		/* cosign fetches the image (remote.Get) before signing: it must exist. */
		size_t mark = arena->used;
		sg_registry_manifest m;
		err = sg_registry_get_manifest(reg, ref.repository, ref.digest_str,
			SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &m, &d);
		arena->used = mark;
		if (err != SG_OK)
			goto out;
		memcpy(digest, ref.digest, 32);
	}

	/* 2. The key. */
	if ((err = sg_cli_load_private_key(key_path, arena, &key, &d)) != SG_OK)
		goto out;

	/* 3. The payload. */
	uint8_t repo_name[SG_OCI_NAME_MAX + 1];
	sg_buf rb;
	sg_buf_init(&rb, repo_name, sizeof repo_name);
	if ((err = sg_ociref_repo_name(&ref, &rb)) != SG_OK) {
		(void)sg_diag_fail(&d, err, "image reference");
		goto out;
	}
	size_t pcap = 1024 + SG_OCI_NAME_MAX * 6;
	for (size_t i = 0; i < n_annots; i++)
		pcap += 6 * (annots[i].key.len + annots[i].value.len) + 8;
	uint8_t *pmem;
	if ((err = sg_arena_get(arena, pcap, (void **)&pmem, &d)) != SG_OK)
		goto out;
	sg_buf pb;
	sg_buf_init(&pb, pmem, pcap);
	if ((err = sg_payload_write(sg_buf_slice(&rb), digest, annots, n_annots, &pb, &d)) !=
		SG_OK)
		goto out;

	/* 4. The signature, over SHA-256 of the exact payload bytes (§1.4). */
	uint8_t h[SG_SHA256_LEN], sig[SG_P256_SIG_MAX];
	size_t sig_len;
	sg_sha256(pb.p, pb.len, h);
	if ((err = sg_p256_sign_digest(&key, h, sig, sizeof sig, &sig_len, &d)) != SG_OK)
		goto out;
	uint8_t b64[128];
	sg_buf bb;
	sg_buf_init(&bb, b64, sizeof b64);
	if ((err = sg_b64_encode(sig, sig_len, SG_B64_STD | SG_B64_PAD, &bb)) != SG_OK) {
		(void)sg_diag_fail(&d, err, "signature");
		goto out;
	}
	/* The signer's public key, for cosign's duplicate check. */
	uint8_t spki_mem[SG_P256_SPKI_LEN + 16];
	sg_buf sb;
	sg_buf_init(&sb, spki_mem, sizeof spki_mem);
	sg_pubkey pub;
	if ((err = sg_p256_write_spki(key.pub, &sb)) != SG_OK ||
		(err = sg_pubkey_parse(sb.p, sb.len, &pub, &d)) != SG_OK) {
		(void)sg_diag_fail(&d, err, "public key");
		goto out;
	}
	sg_p256_key_wipe(&key);

	if (tlog_upload == -1)
		fprintf(stderr, "Note: the signature is not uploaded to a transparency log (picosign "
				"has no Rekor client yet; as cosign --tlog-upload=false). Verify it "
				"with --insecure-ignore-tlog.\n");

	/* 5. Attach. */
	sg_oci_annot layer_annots[1] = {
		{sg_slice_str(SG_ANN_SIGNATURE), sg_buf_slice(&bb)},
	};
	const char *docker_env = getenv("COSIGN_DOCKER_MEDIA_TYPES");
	int docker_types = docker_env != NULL &&
		(strcmp(docker_env, "1") == 0 || strcmp(docker_env, "true") == 0 ||
			strcmp(docker_env, "TRUE") == 0 || strcmp(docker_env, "True") == 0 ||
			strcmp(docker_env, "t") == 0 || strcmp(docker_env, "T") == 0);
	rb.p[rb.len < sizeof repo_name ? rb.len : sizeof repo_name - 1] = '\0';
	fprintf(stderr, "Pushing signature to: %.*s\n", (int)rb.len, (const char *)rb.p);
	sg_cosign_attach_result res;
	err = sg_cosign_sig_attach(reg, ref.repository, digest, pb.p, pb.len, layer_annots, 1,
		&pub, docker_types, arena, &res, &d);
	if (err != SG_OK)
		goto out;
	if (res.duplicate)
		fprintf(stderr, "The image already carries this signature; nothing was pushed.\n");
	rc = SG_EXIT_OK;
out:
	sg_p256_key_wipe(&key);
	if (rc != SG_EXIT_OK)
		(void)fail(&d);
	sg_cli_registry_close(cr);
	return rc;
}
