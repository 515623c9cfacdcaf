/* keys: `picosign generate-key-pair` and `picosign public-key`, and the key loading that
 * `sign --key` uses. See cli.h and keys.h.
 *
 * Behaviour follows cosign (cmd/cosign/cli/generate/generate_key_pair.go, pkg/cosign/keys.go):
 * the password comes from $COSIGN_PASSWORD when it is set, even to "", else from the terminal
 * ("Enter password for private key: ", and "... again: " when creating); the key is written
 * mode 0600 and the public key 0644; progress lines go to stderr. Where cosign would read a
 * piped password from stdin or ask "Overwrite (y/n)?", we refuse instead: scripts set
 * COSIGN_PASSWORD, and existing files are replaced only with -f. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"
#include "cli/options.h"
#include "crypto/p256.h"
#include "sign/keys.h"
#include "sys/os.h"


/* see cli.h */
sg_err
sg_cli_load_private_key(const char *ref, sg_arena *arena, struct sg_p256_key *out, sg_diag *d)
{
	sg_slice file = {NULL, 0};
	sg_keys_format fmt;
	sg_slice body;
	uint8_t pw[SG_MAX_PASSWORD];
	size_t pw_len = 0;
	sg_p256_key_wipe(out);
	sg_err err = sg_cli_read_ref(ref, "--key", SG_MAX_PEM_FILE, arena, &file, d);
	if (err == SG_OK) {
		/* Parse errors name the key's file or variable. */
		if (d != NULL)
			d->source = ref;
		err = sg_keys_read_pem(file.p, file.len, arena, &fmt, &body, d);
		if (err == SG_ERR_PEM_NONE)
			err = sg_cli_wrong_input(d, err, "--key", ref, sg_cli_describe(file),
				"a private key (cosign's encrypted format, PKCS#8 or SEC1 PEM)");
	}
	/* Only the format was wanted here; a plain key's decoded DER is the secret itself. */
	if (err == SG_OK)
		sg_wipe((void *)(uintptr_t)body.p, body.len);
	if (err == SG_OK && fmt == SG_KEYS_ENCRYPTED)
		err = sg_cli_read_password(0, pw, sizeof pw, &pw_len, d);
	if (err == SG_OK)
		err = sg_keys_load_private(file.p, file.len, pw, pw_len, SG_MAX_SCRYPT_N, arena,
			out, d);
	sg_wipe(pw, sizeof pw);
	/* A plain key file is itself the secret; the arena would only wipe it at the end. */
	if (file.len > 0)
		sg_wipe((void *)(uintptr_t)file.p, file.len);
	return err;
}

/* see cli.h */
sg_err
sg_cli_load_public_key(const char *ref, sg_arena *arena, sg_pubkey *out, sg_diag *d)
{
	sg_slice pem;
	uint8_t *der;
	memset(out, 0, sizeof *out);
	SG_TRY(sg_cli_read_ref(ref, "--key", SG_MAX_PEM_FILE, arena, &pem, d));
	SG_TRY(sg_arena_get(arena, SG_MAX_CERT, (void **)&der, d));
	if (d != NULL)
		d->source = ref;
	sg_err e = sg_pubkey_parse_pem(pem.p, pem.len, der, SG_MAX_CERT, out, d);
	if (e == SG_ERR_PEM_NONE)
		return sg_cli_wrong_input(d, e, "--key", ref, sg_cli_describe(pem),
			"a public key (PEM \"PUBLIC KEY\")");
	if (e == SG_OK && d != NULL)
		d->source = NULL;
	return e;
}

static int
fail(sg_diag *d)
{
	sg_cli_print_error(d);
	return SG_EXIT_FAIL;
}

/* `picosign generate-key-pair [--output-key-prefix PREFIX] [-f]` */
int
sg_cmd_generate_key_pair(int argc, char **argv, sg_arena *arena)
{
	const char *prefix = NULL;
	int force = 0;
	sg_cli_common common;
	memset(&common, 0, sizeof common);
	const sg_cli_flag flags[] = {
		{"--output-key-prefix", NULL, &prefix, NULL, NULL, 0, NULL},
		{"--force", "-f", NULL, &force, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 0,
		    &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	if (prefix == NULL)
		prefix = "cosign";
	if (prefix[0] == '\0')
		return sg_cli_usage_error("generate-key-pair: empty --output-key-prefix");
	char key_path[4096], pub_path[4096];
	int kn = snprintf(key_path, sizeof key_path, "%s.key", prefix);
	int pn = snprintf(pub_path, sizeof pub_path, "%s.pub", prefix);
	if (kn < 0 || (size_t)kn >= sizeof key_path || pn < 0 || (size_t)pn >= sizeof pub_path)
		return sg_cli_usage_error("generate-key-pair: --output-key-prefix is too long");

	sg_diag d;
	sg_diag_init(&d, key_path);
	/* Refuse before asking for a password, and before writing either file. */
	if (!force && (sg_os_exists(key_path) || sg_os_exists(pub_path)))
		return sg_cli_usage_error("File %s already exists; use -f to overwrite",
			sg_os_exists(key_path) ? key_path : pub_path);
	/* -f replaces files, never what a link points to; checked for both files up front so a
	 * refusal leaves the old pair whole (write_new_file refuses links again, race-free). */
	if (force && (sg_os_is_symlink(key_path) || sg_os_is_symlink(pub_path)))
		return sg_cli_usage_error("%s is a symbolic link; not following it",
			sg_os_is_symlink(key_path) ? key_path : pub_path);

	uint8_t pw[SG_MAX_PASSWORD];
	size_t pw_len = 0;
	sg_drbg rng;
	sg_p256_key key;
	char *pem = NULL, pub[512];
	sg_buf kb, pb;
	int rc = SG_EXIT_FAIL;
	memset(&rng, 0, sizeof rng);
	memset(&key, 0, sizeof key);
	sg_err err = sg_cli_read_password(1, pw, sizeof pw, &pw_len, &d);
	if (err == SG_OK)
		err = sg_drbg_init(&rng, &d);
	if (err == SG_OK)
		err = sg_p256_keygen(&rng, &key, &d);
	if (err == SG_OK)
		err = sg_arena_get(arena, 4096, (void **)&pem, &d);
	if (err == SG_OK) {
		sg_buf_init(&kb, pem, 4096);
		err = sg_keys_write_encrypted(&key, pw, pw_len, NULL, &rng, arena, &kb, &d);
	}
	if (err == SG_OK) {
		sg_buf_init(&pb, pub, sizeof pub);
		err = sg_keys_write_public_pem(&key, &pb);
		if (err != SG_OK)
			err = sg_diag_fail(&d, err, "public key PEM");
	}
	if (err == SG_OK)
		err = sg_os_create_file(key_path, "writing key", sg_buf_slice(&kb), 0600, force, &d);
	if (err == SG_OK) {
		fprintf(stderr, "Private key written to %s\n", key_path);
		err = sg_os_create_file(pub_path, "writing key", sg_buf_slice(&pb), 0644, force, &d);
	}
	if (err == SG_OK) {
		fprintf(stderr, "Public key written to %s\n", pub_path);
		rc = SG_EXIT_OK;
	} else {
		(void)fail(&d);
	}
	sg_wipe(pw, sizeof pw);
	sg_p256_key_wipe(&key);
	sg_drbg_wipe(&rng);
	return rc;
}

/* `picosign public-key --key KEY [--outfile FILE]` */
int
sg_cmd_public_key(int argc, char **argv, sg_arena *arena)
{
	const char *key_path = NULL, *outfile = NULL;
	sg_cli_common common;
	memset(&common, 0, sizeof common);
	const sg_cli_flag flags[] = {
		{"--key", NULL, &key_path, NULL, NULL, 0, NULL},
		{"--outfile", NULL, &outfile, NULL, NULL, 0, NULL},
		SG_CLI_COMMON_FLAG_ROWS(common),
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 0,
		    &n_pos) != 0 ||
		sg_cli_common_apply(&common) != 0)
		return SG_EXIT_FAIL;
	if (key_path == NULL)
		return sg_cli_usage_error("public-key: --key is required");
	sg_diag d;
	sg_diag_init(&d, key_path);
	sg_p256_key key;
	char pub[512];
	sg_buf pb;
	sg_buf_init(&pb, pub, sizeof pub);
	sg_err err = sg_cli_load_private_key(key_path, arena, &key, &d);
	if (err == SG_OK) {
		err = sg_keys_write_public_pem(&key, &pb);
		if (err != SG_OK)
			err = sg_diag_fail(&d, err, "public key PEM");
	}
	sg_p256_key_wipe(&key);
	if (err == SG_OK)
		err = sg_os_write_file(outfile != NULL ? outfile : "-", sg_buf_slice(&pb), &d);
	if (err != SG_OK)
		return fail(&d);
	if (outfile != NULL)
		fprintf(stderr, "Public key written to %s\n", outfile);
	return SG_EXIT_OK;
}

/* see cli.h */
sg_err
sg_debug_keyfile(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_keys_format fmt;
	sg_slice body;
	sg_p256_key key;
	SG_TRY(sg_keys_read_pem(in.p, in.len, arena, &fmt, &body, d));
	sg_err err = SG_OK;
	if (fmt == SG_KEYS_ENCRYPTED) {
		sg_keys_envelope env;
		SG_TRY(sg_keys_parse_envelope(body.p, body.len, SG_MAX_SCRYPT_N, arena, &env, d));
		printf("format: cosign encrypted (scrypt N=%llu r=%u p=%u, salt %zu bytes, "
		       "nacl/secretbox, ciphertext %zu bytes)\n",
			(unsigned long long)env.params.n, (unsigned)env.params.r,
			(unsigned)env.params.p, env.salt.len, env.ciphertext.len);
		return SG_OK;
	}
	if (fmt == SG_KEYS_PKCS8)
		err = sg_keys_parse_pkcs8(body.p, body.len, &key, d);
	else
		err = sg_keys_parse_sec1(body.p, body.len, &key, d);
	sg_wipe((void *)(uintptr_t)body.p, body.len);
	if (err != SG_OK)
		return err;
	char pub[512];
	sg_buf pb;
	sg_buf_init(&pb, pub, sizeof pub);
	err = sg_keys_write_public_pem(&key, &pb);
	sg_p256_key_wipe(&key);
	if (err != SG_OK)
		return sg_diag_fail(d, err, "public key PEM");
	printf("format: %s, ECDSA P-256\n%.*s", fmt == SG_KEYS_PKCS8 ? "PKCS#8" : "SEC1",
		(int)pb.len, pub);
	return SG_OK;
}
