/* os: the one seam where the clock, files, processes and the terminal enter picosign (rank 6).
 *
 * Everything else reaches the operating system through here (sockets excepted: sys/net.c;
 * randomness excepted: crypto/drbg.c), which scripts/deps-check.sh enforces by grep and the
 * offline archive's link by construction. So a reviewer reads this one file for what touches
 * the world, and tests swap these calls in one place.
 *
 * Paths are NUL-terminated strings from the command line or the environment, never from
 * signed or fetched data. Errors name the path and the reason (strerror). */
#ifndef SG_OS_H
#define SG_OS_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"
#include "crypto/hash.h"

/* ---- clocks ---- */
/* The wall clock, Unix seconds: the "now" of verification and signing. */
int64_t sg_os_now(void);
/* A monotonic clock in milliseconds, for deadlines; 0 if the clock is unavailable. */
uint64_t sg_os_mono_ms(void);
/* Sleep `ms` milliseconds (interrupted sleeps resume). */
void sg_os_sleep_ms(unsigned ms);

/* ---- files ---- */
/* Read a whole file (path "-" is standard input) of at most `max` bytes into the arena's free
 * tail, keeping exactly what was read: *out is a view into the arena. Errors are rendered
 * verbatim as "cannot read PATH: reason" (SG_ERR_IO, SG_ERR_LIMIT "larger than N bytes"). */
SG_MUST_USE sg_err sg_os_read_file(const char *path, size_t max, sg_arena *arena, sg_slice *out,
	sg_diag *d);
/* Read a whole file into buf[0..cap): *len bytes. *absent = 1 (and SG_OK) when the file does
 * not exist, if `absent` is not NULL; otherwise a missing file is SG_ERR_NOT_FOUND. A file of
 * more than `cap` bytes is SG_ERR_LIMIT ("PATH: larger than cap bytes"); other failures
 * SG_ERR_IO. `what` names the read in `d`. On failure buf[0..cap) is wiped (it may have held
 * a token). */
SG_MUST_USE sg_err sg_os_read_small(const char *path, const char *what, uint8_t *buf, size_t cap,
	size_t *len, int *absent, sg_diag *d);
/* Write `data` to `path` ("-" is standard output). A regular file is replaced atomically: a
 * temporary file in the same directory is written, synced and renamed over `path`, so a
 * failed write never destroys an earlier good file, and a symbolic link planted at `path` is
 * replaced, not followed. Devices and pipes (/dev/stdout, a FIFO) are written in place. The
 * new file is mode 0644 (signatures, certificates and bundles are public). Errors are verbatim
 * "cannot write PATH: reason". */
SG_MUST_USE sg_err sg_os_write_file(const char *path, sg_slice data, sg_diag *d);
/* Create a new file `path` with `mode` (0600 for private keys) and write `data`, synced. An
 * existing file is an error unless `force`, when it is truncated and given `mode`. A symbolic
 * link at `path` is never followed. `what` names the write in `d`. */
SG_MUST_USE sg_err sg_os_create_file(const char *path, const char *what, sg_slice data,
	unsigned mode, int force, sg_diag *d);
/* Stream the file at `path` ("-" is standard input) through each of the `n` hash contexts
 * (already initialised; finalised by the caller), so a large artifact is never held in
 * memory. `what` names the read in `d` ("PATH: reason"). */
SG_MUST_USE sg_err sg_os_hash_file(const char *path, const char *what, sg_hash_ctx *const *h,
	size_t n, sg_diag *d);
/* 1 when `path` names an existing file system object of any type (a symbolic link itself,
 * dangling or not, counts). */
int sg_os_exists(const char *path);
/* 1 when `path` is a symbolic link. */
int sg_os_is_symlink(const char *path);
/* 1 when `path` names an existing regular file (links followed). */
int sg_os_is_file(const char *path);
/* ---- a cache directory (the TUF cache: anyone who can write there is untrusted) ---- */
/* Create directory `path` and its missing parents (mode 0755 before the umask: the cache
 * holds public, re-verified data). An existing directory is fine; a component that exists
 * and is not a directory is SG_ERR_IO "cannot create PATH: reason". */
SG_MUST_USE sg_err sg_os_mkdir_p(const char *path, sg_diag *d);
/* Read the regular file `path` (at most `max` bytes) into the arena as sg_os_read_file does,
 * but never through a symbolic link (O_NOFOLLOW) and never from anything but a regular file
 * (a FIFO planted there would block a reader forever): both are SG_ERR_IO. A missing file is
 * *absent = 1 and SG_OK. */
SG_MUST_USE sg_err sg_os_read_regular(const char *path, size_t max, sg_arena *arena,
	sg_slice *out, int *absent, sg_diag *d);
/* Replace `path` atomically with `data`: a new temporary file in the same directory (O_EXCL,
 * so nothing planted is followed) is written, synced, made 0644 and renamed over `path`. A
 * reader sees the old file or the new one, never a mix, and a failure leaves the old one.
 * Unlike sg_os_write_file it never writes into an existing device or FIFO. */
SG_MUST_USE sg_err sg_os_replace_file(const char *path, sg_slice data, sg_diag *d);
/* Take an exclusive lock on the file `path` (created 0644 if missing, never through a link),
 * waiting at most `wait_ms` for another process holding it: *fd is then the lock, released by
 * sg_os_unlock (or by the process ending). SG_ERR_TIMEOUT "PATH: still locked after N s";
 * SG_ERR_IO. POSIX record locks, so it also works between processes on NFS. */
SG_MUST_USE sg_err sg_os_lock(const char *path, unsigned wait_ms, int *fd, sg_diag *d);
void sg_os_unlock(int fd);

/* Call fn(ctx, path, name, d) for each entry of directory `dir` but "." and "..", where `path`
 * is "dir/name" (entries whose path would exceed 4095 bytes are skipped). Stops at the first
 * non-OK return and returns it. */
typedef sg_err (*sg_os_dir_fn)(void *ctx, const char *path, const char *name, sg_diag *d);
SG_MUST_USE sg_err sg_os_list_dir(const char *dir, const char *what, sg_os_dir_fn fn, void *ctx,
	sg_diag *d);

/* Send standard output to `path` from now on: the file is created or truncated (mode 0644)
 * and put in place of descriptor 1, so stdio and sg_os_write_file("-") both write there
 * (cosign's --output-file). Pending stdio output is flushed first. SG_ERR_IO "cannot write
 * PATH: reason". */
SG_MUST_USE sg_err sg_os_redirect_stdout(const char *path, sg_diag *d);

/* ---- threads ---- */
/* A queue of `n` jobs numbered 0..n-1 that several threads take from. */
typedef struct sg_os_jobs {
	_Atomic size_t next;
	size_t n;
} sg_os_jobs;
/* Start a queue of n jobs. */
void sg_os_jobs_init(sg_os_jobs *q, size_t n);
/* Take the next job: 1 and *job set, or 0 when every job has been taken. Safe from any
 * thread. */
int sg_os_jobs_take(sg_os_jobs *q, size_t *job);
/* Run fn(ctx, w) for w = 0..n-1, each on its own thread (w = 0 on the calling thread), and
 * wait for all of them. A thread that cannot be started is skipped: the workers take their
 * jobs from a shared sg_os_jobs, so the ones that run do all the work. Returns how many ran
 * (at least 1). Threads share the address space: fn must keep to memory of its own or read
 * only what is shared. */
unsigned sg_os_parallel(unsigned n, void (*fn)(void *ctx, unsigned worker), void *ctx);

/* ---- processes ---- */
/* Run argv[0] (looked up in PATH; argv NULL-terminated, at most 15 arguments) with `input` on
 * its standard input (nothing: /dev/null) and its standard output captured into out[0..cap).
 * Standard error is discarded when `quiet_stderr` (a credential helper may print secrets
 * there), else inherited. The whole run, output and exit, is bounded by `timeout_ms`: past
 * it the child is killed and reaped. Returns:
 *   SG_OK             it ran and exited; *exit_code is its exit status (-1 if it was killed
 *                     by a signal) and out[0..*out_len) what it printed;
 *   SG_ERR_NOT_FOUND  the program is not in PATH;
 *   SG_ERR_TIMEOUT    it did not finish in time (killed);
 *   SG_ERR_LIMIT      it printed `cap` bytes or more (killed);
 *   SG_ERR_IO         a pipe, spawn or wait failure, recorded under `what` with the reason.
 * Only SG_ERR_IO is recorded in `d`: the caller words the others, since what a missing or
 * slow program means differs (a credential helper, the Buildkite agent). On failure
 * out[0..cap) is wiped. SIGPIPE is ignored while `input` is written. */
SG_MUST_USE sg_err sg_os_run(const char *const *argv, sg_slice input, int quiet_stderr,
	unsigned timeout_ms, const char *what, uint8_t *out, size_t cap, size_t *out_len,
	int *exit_code, sg_diag *d);

/* ---- terminal ---- */
/* 1 when standard input is a terminal. */
int sg_os_stdin_is_tty(void);
/* Print `prompt` to standard error and read one line from standard input with echo off (a
 * password); the newline (and a CR before it) is dropped. The terminal is restored on every
 * path: return, error, and SIGINT/SIGTERM/SIGHUP/SIGQUIT while echo is off. SG_ERR_LIMIT for
 * a line longer than `cap`; on failure buf[0..cap) is wiped. */
SG_MUST_USE sg_err sg_os_read_secret_line(const char *prompt, uint8_t *buf, size_t cap,
	size_t *len, sg_diag *d);
/* Read one line (echo on, at most cap - 1 bytes kept, the rest of the line dropped) from
 * standard input into a NUL-terminated `line`: the y/N confirmation prompts. */
void sg_os_read_line(char *line, size_t cap);

#endif
