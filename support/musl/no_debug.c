/* no_debug: only for `make static`, in place of src/cli/debug*.c. The static binary is the
 * scratch-image one and must stay within its size budget (500 KB); `debug` is the audit and
 * fuzz-finding tool, which the dynamic build keeps, so the static build answers for it. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"

static int
absent(void)
{
	fputs("Error: picosign debug is not in the static build (it is kept within 500 KB); use "
	      "the dynamic build\n",
		stderr);
	return SG_EXIT_FAIL;
}

/* see commands.h */
int
sg_cmd_debug(int argc, char **argv, sg_arena *arena)
{
	(void)argc;
	(void)argv;
	(void)arena;
	return absent();
}

/* see commands.h */
int
sg_cmd_debug_http_get(int argc, char **argv, sg_arena *arena)
{
	(void)argc;
	(void)argv;
	(void)arena;
	return absent();
}

/* see debug.h */
void
sg_cli_debug_parsers(FILE *f)
{
	fputs("Parsers: none in the static build (use the dynamic build).\n", f);
}
