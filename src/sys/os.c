/* os: clocks, files, processes and the terminal. See os.h.
 *
 * Implementation notes.
 *   - Every descriptor is opened O_CLOEXEC, so a helper process inherits none of ours (a TLS
 *     socket, a key file).
 *   - Reads and writes retry EINTR and short transfers; nothing here buffers beyond the
 *     caller's memory, and every loop is bounded by a size or a deadline.
 *   - sg_os_write_file replaces regular files by rename(2) of a synced temporary file: the
 *     old content survives any failure, which is the "a certificate, bundle or signature that
 *     was written stays written" rule. sg_os_create_file (private keys) uses O_EXCL and
 *     O_NOFOLLOW instead: a key is never written through a link someone planted.
 *   - Processes are started with posix_spawnp, which reports a missing program as ENOENT in
 *     the parent (glibc and musl both use a vfork-style child that passes exec's error back),
 *     so "not installed" needs no exit-code convention. The deadline covers the child's exit
 *     too: a program that closed its output and kept running cannot hold us. We only ever
 *     signal a child we have not reaped, so a reused pid is never hit.
 *   - Threads (sg_os_parallel, verify's workers) are POSIX threads with a fixed stack; work
 *     is handed out by one atomic counter, so a thread that could not be started only means
 *     fewer workers, never a job left undone. The static build (SG_NO_THREADS, to stay within
 *     its size budget) runs every job on the calling thread.
 *   - The terminal prompt turns echo off with termios and restores it from a signal handler
 *     (tcsetattr and raise are async-signal-safe), so Ctrl-C at a password prompt cannot leave
 *     a shell that does not echo. */
#include "sys/os.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* 32-bit targets: the build asks for 64-bit time and file offsets (-D_TIME_BITS=64
 * -D_FILE_OFFSET_BITS=64 in the Makefile's STD). Without them glibc's i386 time() wraps in
 * 2038, and readdir() fails with EOVERFLOW on file systems with 64-bit inode numbers (overlayfs,
 * XFS), which check-cross found as directories that listed empty. */
_Static_assert(sizeof(time_t) >= 8, "time_t must be 64 bits (build with -D_TIME_BITS=64)");
_Static_assert(sizeof(off_t) >= 8, "off_t must be 64 bits (build with -D_FILE_OFFSET_BITS=64)");

/* ---- clocks ---- */

/* see os.h */
int64_t
sg_os_now(void)
{
	return (int64_t)time(NULL);
}

/* see os.h */
uint64_t
sg_os_mono_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* see os.h */
void
sg_os_sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* ---- files ---- */

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

/* Read all of `fd` (at most `max` bytes) into the arena's free tail, then keep only what was
 * used: *out views it. One extra byte tells a file of exactly `max` bytes from a larger one. */
SG_MUST_USE static sg_err
read_fd(int fd, const char *path, size_t max, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	size_t avail = sg_arena_avail(arena);
	size_t want = max < avail ? max + 1 : avail, n = 0;
	uint8_t *buf = sg_arena_alloc_uninit(arena, want);
	if (buf == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	sg_err err = SG_OK;
	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: %s", path,
				strerror(errno));
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (err == SG_OK && n > max)
		err = sg_diag_failmsg(d, SG_ERR_LIMIT, "cannot read %s: larger than %zu bytes",
			path, max);
	/* Give back the unused tail of the allocation (all of it on failure). */
	sg_arena_trim(arena, buf, err == SG_OK ? n : 0);
	if (err == SG_OK)
		*out = sg_slice_make(buf, n);
	return err;
}

/* see os.h */
sg_err
sg_os_read_file(const char *path, size_t max, sg_arena *arena, sg_slice *out, sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	sg_err err = read_fd(fd, path, max, arena, out, d);
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

/* see os.h */
sg_err
sg_os_read_small(const char *path, const char *what, uint8_t *buf, size_t cap, size_t *len,
	int *absent, sg_diag *d)
{
	*len = 0;
	if (absent != NULL)
		*absent = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && absent != NULL) {
			*absent = 1;
			return SG_OK;
		}
		return sg_diag_failf(d, errno == ENOENT ? SG_ERR_NOT_FOUND : SG_ERR_IO, what,
			"%s: %s", path, strerror(errno));
	}
	sg_err err = SG_OK;
	size_t n = 0;
	for (;;) {
		/* Once buf is full, one more byte read into `extra` tells a file of exactly `cap`
		 * bytes from a larger one. */
		uint8_t extra;
		ssize_t r = n < cap ? read(fd, buf + n, cap - n) : read(fd, &extra, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (n == cap) {
			err = sg_diag_failf(d, SG_ERR_LIMIT, what, "%s: larger than %zu bytes", path,
				cap);
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (err != SG_OK) {
		sg_wipe(buf, cap);
		return err;
	}
	*len = n;
	return SG_OK;
}

/* see os.h */
sg_err
sg_os_write_file(const char *path, sg_slice data, sg_diag *d)
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
	return sg_os_replace_file(path, data, d);
}

/* see os.h */
sg_err
sg_os_create_file(const char *path, const char *what, sg_slice data, unsigned mode, int force,
	sg_diag *d)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, (mode_t)mode);
	if (fd < 0 && errno == ELOOP)
		return sg_diag_failf(d, SG_ERR_IO, what, "%s is a symbolic link; not following it",
			path);
	if (fd < 0)
		return sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
	sg_err err = SG_OK;
	/* O_TRUNC keeps the old mode: a replaced key file must not stay world-readable. */
	if (force && fchmod(fd, (mode_t)mode) != 0)
		err = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
	size_t n = 0;
	while (err == SG_OK && n < data.len) {
		ssize_t w = write(fd, data.p + n, data.len - n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			err = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path,
				w < 0 ? strerror(errno) : "short write");
		else
			n += (size_t)w;
	}
	if (err == SG_OK && fsync(fd) != 0)
		err = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
	if (close(fd) != 0 && err == SG_OK)
		err = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
	return err;
}

/* see os.h */
sg_err
sg_os_hash_file(const char *path, const char *what, sg_hash_ctx *const *h, size_t n, sg_diag *d)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
	uint8_t buf[16384];
	sg_err e = SG_OK;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		for (size_t i = 0; i < n; i++)
			sg_hash_update(h[i], buf, (size_t)r);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return e;
}

/* see os.h */
sg_err
sg_os_mkdir_p(const char *path, sg_diag *d)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot create %s: bad path", path);
	memcpy(buf, path, n + 1);
	/* Each prefix ending before a '/', then the whole path. */
	for (size_t i = 1; i <= n; i++) {
		if (i < n && buf[i] != '/')
			continue;
		buf[i] = '\0';
		struct stat st;
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return sg_diag_failmsg(d, SG_ERR_IO, "cannot create %s: %s", buf,
				strerror(errno));
		if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
			return sg_diag_failmsg(d, SG_ERR_IO, "cannot create %s: %s", buf,
				"exists and is not a directory");
		if (i < n)
			buf[i] = '/';
	}
	return SG_OK;
}

/* see os.h */
sg_err
sg_os_read_regular(const char *path, size_t max, sg_arena *arena, sg_slice *out, int *absent,
	sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	*absent = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		*absent = 1;
		return SG_OK;
	}
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: %s", path,
			errno == ELOOP ? "a symbolic link; not following it" : strerror(errno));
	struct stat st;
	sg_err err;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		err = sg_diag_failmsg(d, SG_ERR_IO, "cannot read %s: not a regular file", path);
	else
		err = read_fd(fd, path, max, arena, out, d);
	close(fd);
	return err;
}

/* see os.h */
sg_err
sg_os_replace_file(const char *path, sg_slice data, sg_diag *d)
{
	char tmp[4096 + 16];
	int n = snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	sg_err e = write_all(fd, path, data, d);
	/* mkstemp makes the file 0600; these outputs are public (signatures, certificates, the
	 * TUF cache). */
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

/* see os.h */
sg_err
sg_os_lock(const char *path, unsigned wait_ms, int *fd, sg_diag *d)
{
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (*fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot lock %s: %s", path,
			errno == ELOOP ? "a symbolic link; not following it" : strerror(errno));
	uint64_t deadline = sg_os_mono_ms() + wait_ms;
	for (;;) {
		struct flock fl;
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(*fd, F_SETLK, &fl) == 0)
			return SG_OK;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR)
			break;
		if (sg_os_mono_ms() >= deadline) {
			close(*fd);
			*fd = -1;
			return sg_diag_failmsg(d, SG_ERR_TIMEOUT, "%s: still locked after %u s",
				path, wait_ms / 1000u);
		}
		sg_os_sleep_ms(50);
	}
	int e = errno;
	close(*fd);
	*fd = -1;
	return sg_diag_failmsg(d, SG_ERR_IO, "cannot lock %s: %s", path, strerror(e));
}

/* see os.h */
void
sg_os_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* see os.h */
int
sg_os_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* see os.h */
int
sg_os_is_symlink(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* see os.h */
int
sg_os_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* see os.h */
sg_err
sg_os_list_dir(const char *dir, const char *what, sg_os_dir_fn fn, void *ctx, sg_diag *d)
{
	DIR *dp = opendir(dir);
	if (dp == NULL)
		return sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", dir, strerror(errno));
	sg_err e = SG_OK;
	struct dirent *de;
	for (;;) {
		/* readdir() says "end" and "error" both with NULL; only errno tells them apart,
		 * and a listing cut short must not pass for a complete one. */
		errno = 0;
		if (e != SG_OK || (de = readdir(dp)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[4096];
		int k = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (k < 0 || (size_t)k >= sizeof path)
			continue;
		e = fn(ctx, path, de->d_name, d);
	}
	if (e == SG_OK && errno != 0)
		e = sg_diag_failf(d, SG_ERR_IO, what, "%s: %s", dir, strerror(errno));
	closedir(dp);
	return e;
}

/* see os.h */
sg_err
sg_os_redirect_stdout(const char *path, sg_diag *d)
{
	fflush(stdout);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	int r = dup2(fd, STDOUT_FILENO);
	int e = errno;
	close(fd);
	if (r < 0)
		return sg_diag_failmsg(d, SG_ERR_IO, "cannot write %s: %s", path, strerror(e));
	return SG_OK;
}

/* ---- threads ---- */

/* A worker's stack: verification keeps its large buffers in the arena, so a worker needs what
 * a command needs on the main thread's stack at most (sg_policy is copied by no one). */
#define THREAD_STACK (4u * 1024u * 1024u)
/* The most threads sg_os_parallel starts (SG_MAX_WORKERS bounds its callers). */
#define THREAD_MAX 64u

/* see os.h */
void
sg_os_jobs_init(sg_os_jobs *q, size_t n)
{
	atomic_init(&q->next, 0);
	q->n = n;
}

/* see os.h */
int
sg_os_jobs_take(sg_os_jobs *q, size_t *job)
{
	size_t i = atomic_fetch_add(&q->next, 1);
	if (i >= q->n)
		return 0;
	*job = i;
	return 1;
}

#ifndef SG_NO_THREADS
struct thread_arg {
	void (*fn)(void *ctx, unsigned worker);
	void *ctx;
	unsigned worker;
};

static void *
thread_main(void *p)
{
	struct thread_arg *a = p;
	a->fn(a->ctx, a->worker);
	return NULL;
}
#endif

/* see os.h */
unsigned
sg_os_parallel(unsigned n, void (*fn)(void *ctx, unsigned worker), void *ctx)
{
#ifdef SG_NO_THREADS
	/* The size-bound static build: one worker, the calling thread, does every job. */
	(void)n;
	fn(ctx, 0);
	return 1;
#else
	pthread_t t[THREAD_MAX];
	struct thread_arg args[THREAD_MAX];
	int started[THREAD_MAX];
	unsigned ran = 1;
	if (n > THREAD_MAX)
		n = THREAD_MAX;
	pthread_attr_t attr;
	int have_attr = pthread_attr_init(&attr) == 0 &&
		pthread_attr_setstacksize(&attr, THREAD_STACK) == 0;
	for (unsigned w = 1; w < n; w++) {
		args[w].fn = fn;
		args[w].ctx = ctx;
		args[w].worker = w;
		started[w] = pthread_create(&t[w], have_attr ? &attr : NULL, thread_main,
				     &args[w]) == 0;
		ran += started[w] ? 1u : 0u;
	}
	if (have_attr)
		pthread_attr_destroy(&attr);
	fn(ctx, 0);
	for (unsigned w = 1; w < n; w++)
		if (started[w])
			pthread_join(t[w], NULL);
	return ran;
#endif
}

/* ---- processes ---- */

/* Feed `input` to the child; a child that exits without reading must not kill us with
 * SIGPIPE, so the signal is ignored for the duration. */
static void
feed(int fd, sg_slice input)
{
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	size_t off = 0;
	while (off < input.len) {
		ssize_t w = write(fd, input.p + off, input.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	sigaction(SIGPIPE, &old, NULL);
}

/* A pipe whose ends the child does not inherit (posix_spawn's dup2 onto 0 and 1 makes the
 * copies it needs). */
static int
cloexec_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return 0;
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 1;
}

/* see os.h */
sg_err
sg_os_run(const char *const *argv, sg_slice input, int quiet_stderr, unsigned timeout_ms,
	const char *what, uint8_t *out, size_t cap, size_t *out_len, int *exit_code, sg_diag *d)
{
	*out_len = 0;
	*exit_code = -1;
	char *args[16];
	size_t na = 0;
	for (; argv[na] != NULL && na + 1 < sizeof args / sizeof args[0]; na++)
		memcpy(&args[na], &argv[na], sizeof args[na]); /* posix_spawn wants char *const[] */
	args[na] = NULL;
	if (na == 0)
		return sg_diag_fail(d, SG_ERR_ARG, what);
	int in[2] = {-1, -1}, outp[2] = {-1, -1};
	if ((input.len > 0 && !cloexec_pipe(in)) || !cloexec_pipe(outp)) {
		int e = errno;
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		return sg_diag_failf(d, SG_ERR_IO, what, "pipe: %s", strerror(e));
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (input.len > 0)
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	if (quiet_stderr)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, args[0], &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(outp[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (rc != 0) {
		close(outp[0]);
		if (in[1] >= 0)
			close(in[1]);
		if (rc == ENOENT)
			return SG_ERR_NOT_FOUND;
		return sg_diag_failf(d, SG_ERR_IO, what, "cannot run %s: %s", args[0],
			strerror(rc));
	}
	if (in[1] >= 0) {
		feed(in[1], input);
		close(in[1]);
	}

	sg_err err = SG_OK;
	uint64_t deadline = sg_os_mono_ms() + timeout_ms;
	size_t n = 0;
	for (;;) {
		uint64_t now = sg_os_mono_ms();
		if (now >= deadline) {
			err = SG_ERR_TIMEOUT;
			break;
		}
		struct pollfd p = {outp[0], POLLIN, 0};
		int pr = poll(&p, 1, (int)(deadline - now));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			continue; /* the deadline check above ends the loop */
		if (pr < 0) {
			err = sg_diag_failf(d, SG_ERR_IO, what, "poll: %s", strerror(errno));
			break;
		}
		if (n == cap) {
			err = SG_ERR_LIMIT;
			break;
		}
		ssize_t got = read(outp[0], out + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(outp[0]);
	/* The end of its output is not the end of the program: wait for its exit, but only until
	 * the same deadline. */
	int status = 0, reaped = 0;
	while (err == SG_OK) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			reaped = 1;
			break;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			/* Not our child any more: never signal a pid that may have been reused. */
			err = sg_diag_failf(d, SG_ERR_IO, what, "waiting for %s: %s", args[0],
				strerror(errno));
			reaped = 1;
			break;
		}
		if (sg_os_mono_ms() >= deadline) {
			err = SG_ERR_TIMEOUT;
			break;
		}
		sg_os_sleep_ms(10);
	}
	if (!reaped) {
		kill(pid, SIGKILL); /* our own child, not yet reaped */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
		}
	}
	if (err != SG_OK) {
		sg_wipe(out, cap);
		return err;
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	*out_len = n;
	return SG_OK;
}

/* ---- terminal ---- */

/* The terminal settings from before the prompt, for a signal that ends the program while
 * echo is off: without them an interrupted prompt (Ctrl-C, a CI job's SIGTERM) would leave
 * the user's terminal silently not echoing. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_quiet;

static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_TTY_SIGNALS (sizeof tty_signals / sizeof tty_signals[0])

static void
tty_restore_and_die(int sig)
{
	/* tcsetattr(3) and raise(3) are async-signal-safe. SA_RESETHAND has put the default
	 * action back, so the re-raised signal ends the program as it would have. */
	if (tty_quiet)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &tty_saved);
	raise(sig);
}

/* see os.h */
int
sg_os_stdin_is_tty(void)
{
	return isatty(STDIN_FILENO);
}

/* see os.h */
sg_err
sg_os_read_secret_line(const char *prompt, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	struct termios old, quiet;
	struct sigaction sa, prev[N_TTY_SIGNALS];
	*len = 0;
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return sg_diag_failf(d, SG_ERR_IO, "reading password", "%s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= (tcflag_t)ECHONL;
	fputs(prompt, stderr);
	fflush(stderr);
	tty_saved = old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_restore_and_die;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_TTY_SIGNALS; i++)
		(void)sigaction(tty_signals[i], &sa, &prev[i]);
	tty_quiet = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
		int e = errno;
		tty_quiet = 0;
		for (size_t i = 0; i < N_TTY_SIGNALS; i++)
			(void)sigaction(tty_signals[i], &prev[i], NULL);
		return sg_diag_failf(d, SG_ERR_IO, "reading password", "%s", strerror(e));
	}
	sg_err err = SG_OK;
	size_t n = 0;
	for (;;) {
		uint8_t c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = sg_diag_failf(d, SG_ERR_IO, "reading password", "%s",
				strerror(errno));
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (n == cap) {
			err = sg_diag_failf(d, SG_ERR_LIMIT, "reading password",
				"longer than %zu bytes", cap);
			break;
		}
		buf[n++] = c;
	}
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	tty_quiet = 0;
	for (size_t i = 0; i < N_TTY_SIGNALS; i++)
		(void)sigaction(tty_signals[i], &prev[i], NULL);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (err != SG_OK) {
		sg_wipe(buf, cap);
		return err;
	}
	*len = n;
	return SG_OK;
}

/* see os.h */
void
sg_os_read_line(char *line, size_t cap)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 < cap)
			line[n++] = c;
	}
	if (cap > 0)
		line[n] = '\0';
}
