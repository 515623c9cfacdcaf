/* cli_util: file I/O with size caps and error printing for the commands. See cli.h. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sys/os.h"

void
sg_cli_print_error(const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	fprintf(stderr, "Error: %s\n", msg);
	if (d != NULL && d->file != NULL)
		fprintf(stderr, "  (recorded at %s:%d)\n", d->file, d->line);
}

int
sg_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return SG_EXIT_FAIL;
}

void
sg_cli_put_safe(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			putchar(ch);
		else
			printf("\\x%02x", ch);
	}
}

static const sg_cli_flag *
find_flag(const sg_cli_flag *flags, size_t n, const char *arg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(flags[i].name) == len && strncmp(flags[i].name, arg, len) == 0)
			return &flags[i];
		if (flags[i].alias != NULL && strlen(flags[i].alias) == len &&
			strncmp(flags[i].alias, arg, len) == 0)
			return &flags[i];
	}
	return NULL;
}

int
sg_cli_parse_flags(int argc, char **argv, const sg_cli_flag *flags, size_t n, const char **pos,
	size_t pos_cap, size_t *n_pos)
{
	*n_pos = 0;
	int only_positional = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (only_positional || arg[0] != '-' || arg[1] == '\0') {
			if (*n_pos >= pos_cap)
				return sg_cli_usage_error("unexpected argument \"%s\"", arg);
			pos[(*n_pos)++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = 1;
			continue;
		}
		const char *eq = strchr(arg, '=');
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		const sg_cli_flag *f = find_flag(flags, n, arg, name_len);
		if (f == NULL)
			return sg_cli_usage_error("unknown flag: %.*s", (int)name_len, arg);
		if (f->on != NULL) {
			if (eq == NULL || strcmp(eq + 1, "true") == 0)
				*f->on = 1;
			else if (strcmp(eq + 1, "false") == 0)
				*f->on = 0;
			else
				return sg_cli_usage_error("flag %s takes true or false", f->name);
			continue;
		}
		const char *v = eq != NULL ? eq + 1 : NULL;
		if (v == NULL) {
			if (i + 1 >= argc)
				return sg_cli_usage_error("flag needs an argument: %s", f->name);
			v = argv[++i];
		}
		if (f->multi != NULL) {
			if (*f->multi_n >= f->multi_cap)
				return sg_cli_usage_error("too many %s flags (at most %zu)", f->name,
					f->multi_cap);
			f->multi[(*f->multi_n)++] = v;
		} else {
			*f->value = v;
		}
	}
	return 0;
}
