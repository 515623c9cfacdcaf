/* cli_util: file I/O with size caps and error printing for the commands. See cli.h. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

sg_err
sg_cli_read_file(const char *path, size_t max, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sg_diag_failf(d, SG_ERR_IO, "reading file", "%s: %s", path, strerror(errno));
	/* Read into the arena's free tail, then keep only what was used. One extra byte tells a
	 * file of exactly `max` bytes from a larger one. */
	size_t avail = arena->cap - ((arena->used + 15) & ~(size_t)15);
	if (arena->used + 15 < arena->used || avail > arena->cap)
		avail = 0;
	size_t want = max < avail ? max + 1 : avail;
	uint8_t *buf = sg_arena_alloc(arena, want);
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
			err = sg_diag_failf(d, SG_ERR_IO, "reading file", "%s: %s", path,
				strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		err = sg_diag_failf(d, SG_ERR_LIMIT, "reading file", "%s is larger than %zu bytes",
			path, max);
		goto out;
	}
	/* Give back the unused tail of the allocation. */
	arena->used = (size_t)(buf - arena->base) + n;
	*out = sg_slice_make(buf, n);
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

sg_err
sg_cli_write_file(const char *path, sg_slice data, sg_diag *d)
{
	int to_stdout = strcmp(path, "-") == 0;
	int fd = to_stdout ? STDOUT_FILENO
			   : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sg_diag_failf(d, SG_ERR_IO, "writing file", "%s: %s", path, strerror(errno));
	size_t n = 0;
	while (n < data.len) {
		ssize_t w = write(fd, data.p + n, data.len - n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			if (!to_stdout)
				close(fd);
			return sg_diag_failf(d, SG_ERR_IO, "writing file", "%s: %s", path,
				strerror(e));
		}
		n += (size_t)w;
	}
	if (!to_stdout) {
		if (fsync(fd) != 0 || close(fd) != 0)
			return sg_diag_failf(d, SG_ERR_IO, "writing file", "%s: %s", path,
				strerror(errno));
	}
	return SG_OK;
}

void
sg_cli_print_error(const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	fprintf(stderr, "Error: %s\n", msg);
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
