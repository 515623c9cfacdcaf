/* cli_debug: `picosign debug PARSER FILE`, running one parser on one file, for reproducing
 * fuzz findings and for audits. Exit 0 when the input is accepted, 1 with the error when it is
 * rejected. Each parser module adds one row to the table below. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "limits.h"

/* A debug parser: runs on `in`, may print a summary to stdout; `canonical` is --canonical. */
typedef sg_err (*debug_fn)(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);

struct debug_parser {
	const char *name;
	debug_fn fn;
	const char *help;
};

static const struct debug_parser parsers[] = {
	{NULL, NULL, NULL},
};

static void
debug_usage(void)
{
	fprintf(stderr, "Usage: picosign debug PARSER FILE [--canonical]\n\nParsers:\n");
	for (size_t i = 0; parsers[i].name != NULL; i++)
		fprintf(stderr, "  %-14s %s\n", parsers[i].name, parsers[i].help);
}

int
sg_cmd_debug(int argc, char **argv, sg_arena *arena)
{
	const char *name = NULL, *path = NULL;
	int canonical = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--canonical") == 0)
			canonical = 1;
		else if (name == NULL)
			name = argv[i];
		else if (path == NULL)
			path = argv[i];
		else
			return sg_cli_usage_error("debug: unexpected argument \"%s\"", argv[i]);
	}
	if (name == NULL || path == NULL) {
		debug_usage();
		return SG_EXIT_FAIL;
	}
	for (size_t i = 0; parsers[i].name != NULL; i++) {
		if (strcmp(parsers[i].name, name) != 0)
			continue;
		sg_diag d;
		sg_diag_init(&d, path);
		sg_slice in;
		sg_err e = sg_cli_read_file(path, SG_MAX_INPUT_FILE, arena, &in, &d);
		if (e == SG_OK)
			e = parsers[i].fn(in, canonical, arena, &d);
		if (e != SG_OK) {
			if (d.code == SG_OK)
				(void)sg_diag_fail(&d, e, parsers[i].name);
			sg_cli_print_error(&d);
			return SG_EXIT_FAIL;
		}
		fprintf(stderr, "%s: accepted\n", parsers[i].name);
		return SG_EXIT_OK;
	}
	debug_usage();
	return sg_cli_usage_error("debug: unknown parser \"%s\"", name);
}
