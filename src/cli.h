/* cli: what the command-line layer shares (layer 7): exit codes, reading files with size caps,
 * printing errors, and the command entry points that main.c dispatches to. */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <stddef.h>

#include "bytes.h"
#include "err.h"

/* Exit codes, as cosign uses them so scripts written for cosign keep working. */
enum {
	SG_EXIT_OK = 0,
	SG_EXIT_FAIL = 1,
	SG_EXIT_NO_SIGNATURES = 10,
	SG_EXIT_NO_TAG = 11,
	SG_EXIT_NO_MATCH = 12,
};

#define SG_VERSION "0.1.0"

/* A command: argv[0] is the command name. The arena is fresh and is wiped after the command. */
typedef int (*sg_cli_cmd_fn)(int argc, char **argv, sg_arena *arena);

/* Read a whole file ("-" is standard input) of at most `max` bytes into the arena.
 * Errors: SG_ERR_IO (cannot open/read, recorded with the path), SG_ERR_LIMIT (larger than max,
 * or the arena is full). */
SG_MUST_USE sg_err sg_cli_read_file(const char *path, size_t max, sg_arena *arena, sg_slice *out,
	sg_diag *d);

/* Write `data` to `path` atomically enough for our needs (write, fsync, close); "-" is stdout. */
SG_MUST_USE sg_err sg_cli_write_file(const char *path, sg_slice data, sg_diag *d);

/* Print "Error: <diag>" to stderr. */
void sg_cli_print_error(const sg_diag *d);

/* Print "Error: <printf text>" to stderr and return SG_EXIT_FAIL. */
int sg_cli_usage_error(const char *fmt, ...) SG_PRINTF(1, 2);

/* Commands (one cli_*.c file each). */
int sg_cmd_debug(int argc, char **argv, sg_arena *arena);

#endif
