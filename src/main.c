/* main: picosign's command-line entry point. It owns the one per-command arena allocation,
 * dispatches to the commands in cli_*.c and turns their results into exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cli.h"
#include "limits.h"

struct command {
	const char *name;
	sg_cli_cmd_fn fn;
	const char *help;
};

static int
cmd_version(int argc, char **argv, sg_arena *arena)
{
	(void)argc;
	(void)argv;
	(void)arena;
	printf("picosign %s\n", SG_VERSION);
	return SG_EXIT_OK;
}

static const struct command commands[] = {
	{"version", cmd_version, "print the version"},
	{"generate-key-pair", sg_cmd_generate_key_pair, "write a new cosign.key and cosign.pub"},
	{"public-key", sg_cmd_public_key, "print the public key of a private key file"},
	{"triangulate", sg_cmd_triangulate, "print where the signatures of IMAGE live"},
	{"verify", sg_cmd_verify, "verify the cosign signatures of an image in its registry"},
	{"sign", sg_cmd_sign, "sign an image with a key and push the signature (cosign .sig)"},
	{"debug", sg_cmd_debug, "run one parser on a file (for audits and fuzz findings)"},
	{"cert", sg_cmd_cert, "print a certificate with its Sigstore extensions decoded"},
	{"verify-blob", sg_cmd_verify_blob, "verify a Sigstore bundle for a file, offline"},
	{"verify-bundle", sg_cmd_verify_bundle,
		"verify a bundle (the sigstore-conformance client protocol)"},
	{"sign-blob", sg_cmd_sign_blob, "sign a file keylessly (Fulcio + Rekor), write a bundle"},
	{"sign-bundle", sg_cmd_sign_bundle, "sign a file (the sigstore-conformance protocol)"},
};

static void
usage(FILE *f)
{
	fprintf(f, "picosign %s: a small Sigstore client\n\nUsage: picosign COMMAND [ARGS]\n\n"
		   "Commands:\n",
		SG_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].help);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SG_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
		strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SG_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1, NULL);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* The one allocation: malloc of the arena maps pages lazily, so only what a
		 * command uses becomes resident. */
		void *mem = malloc(SG_MAX_ARENA);
		if (mem == NULL) {
			fprintf(stderr, "Error: out of memory\n");
			return SG_EXIT_FAIL;
		}
		sg_arena arena;
		sg_arena_init(&arena, mem, SG_MAX_ARENA);
		int rc = commands[i].fn(argc - 1, argv + 1, &arena);
		sg_arena_wipe(&arena);
		free(mem);
		return rc;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"picosign\"\n", argv[1]);
	usage(stderr);
	return SG_EXIT_FAIL;
}
