/* cli_util: file I/O with size caps and error printing for the commands. See cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

sg_err
sg_cli_read_file(const char *path, size_t max, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	/* Read into the arena's free tail, then keep only what was used. One extra byte tells a
	 * file of exactly `max` bytes from a larger one. */
	size_t avail = sg_arena_avail(arena);
	size_t want = max < avail ? max + 1 : avail;
	uint8_t *buf = sg_arena_alloc_uninit(arena, want);
	sg_err err = SG_OK;
	size_t n = 0;
	if (buf == NULL) {
		err = sg_diag_fail(d, SG_ERR_LIMIT, "arena");
		goto out;
	}
	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: %s", path,
				strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		err = sg_diag_failmsg(d, SG_ERR_LIMIT, "cannot read %s: larger than %zu bytes",
			path, max);
		goto out;
	}
	/* Give back the unused tail of the allocation. */
	sg_arena_trim(arena, buf, n);
	*out = sg_slice_make(buf, n);
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

SG_MUST_USE static sg_err
write_all(int fd, const char *path, sg_slice data, sg_diag *d)
{
	size_t n = 0;
	while (n < data.len) {
		ssize_t w = write(fd, data.p + n, data.len - n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path,
				w < 0 ? strerror(errno) : "short write");
		n += (size_t)w;
	}
	return SG_OK;
}

/* see cli.h. A regular file is replaced atomically: the data goes to a new temporary file in
 * the same directory, which is synced and renamed over `path`. So a failed write never
 * destroys an earlier good file (a certificate or bundle already written stays written), and
 * a symbolic link planted at `path` is replaced, not followed. Devices and pipes
 * (/dev/stdout, a FIFO) are written in place, and "-" is standard output. */
sg_err
sg_cli_write_file(const char *path, sg_slice data, sg_diag *d)
{
	if (strcmp(path, "-") == 0)
		return write_all(STDOUT_FILENO, path, data, d);
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path,
				strerror(errno));
		sg_err e = write_all(fd, path, data, d);
		close(fd);
		return e;
	}
	char tmp[4096 + 16];
	int n = snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	sg_err e = write_all(fd, path, data, d);
	/* mkstemp makes the file 0600; these outputs are public (signatures, certificates). */
	if (e == SG_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		e = sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	if (close(fd) != 0 && e == SG_OK)
		e = sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	if (e == SG_OK && rename(tmp, path) != 0)
		e = sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	if (e != SG_OK)
		unlink(tmp);
	return e;
}

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
