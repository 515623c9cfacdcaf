/* Unit tests for the CLI's file I/O: reads are capped; writes replace a regular file
 * atomically, never follow a symbolic link planted at the path, leave no temporary file
 * behind, and a failed write keeps the earlier file. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runner.h"

#include "sys/os.h"

static char dir[256];

static void
path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static int
file_is(const char *path, const char *want)
{
	size_t n;
	unsigned char *p = test_read_file(path, &n);
	int ok = p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
	free(p);
	return ok;
}

static size_t
entries(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	if (f != NULL) {
		if (fscanf(f, "%zu", &n) != 1)
			n = 0;
		pclose(f);
	}
	return n;
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/picosign-test-cli-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return test_finish();
	}
	char a[512], target[512], missing[512];
	path_of(a, sizeof a, "out.txt");
	path_of(target, sizeof target, "target.txt");
	path_of(missing, sizeof missing, "no/such/dir/out.txt");
	sg_diag d;

	/* A new file, then an overwrite. */
	CHECK_OK(sg_os_write_file(a, sg_slice_str("first"), NULL));
	CHECK(file_is(a, "first"));
	CHECK_OK(sg_os_write_file(a, sg_slice_str("second!"), NULL));
	CHECK(file_is(a, "second!"));
	struct stat st;
	CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == 0644);

	/* A symbolic link at the path is replaced, its target untouched. */
	CHECK_OK(sg_os_write_file(target, sg_slice_str("precious"), NULL));
	char link_path[512];
	path_of(link_path, sizeof link_path, "link.txt");
	CHECK(symlink(target, link_path) == 0);
	CHECK_OK(sg_os_write_file(link_path, sg_slice_str("new"), NULL));
	CHECK(file_is(target, "precious"));
	CHECK(lstat(link_path, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(file_is(link_path, "new"));

	/* A failure names the path and leaves no temporary file; no earlier file is harmed. */
	size_t before = entries();
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_os_write_file(missing, sg_slice_str("x"), &d), SG_ERR_IO);
	CHECK(strstr(d.detail, "cannot write ") == d.detail && strstr(d.detail, missing) != NULL);
	CHECK(entries() == before);
	/* A directory where the file should go: the rename fails, the temporary file goes. */
	char sub[512];
	path_of(sub, sizeof sub, "subdir");
	CHECK(mkdir(sub, 0755) == 0);
	before = entries();
	CHECK_ERR(sg_os_write_file(sub, sg_slice_str("x"), NULL), SG_ERR_IO);
	CHECK(entries() == before);
	CHECK(file_is(a, "second!"));

	/* A device is written in place. */
	CHECK_OK(sg_os_write_file("/dev/null", sg_slice_str("discarded"), NULL));

	/* Reads are capped: a file of exactly the cap passes, one byte more fails. */
	static unsigned char mem[1 << 16] __attribute__((aligned(16)));
	sg_arena arena;
	sg_arena_init(&arena, mem, sizeof mem);
	sg_slice in;
	CHECK_OK(sg_os_read_file(a, 7, &arena, &in, NULL));
	CHECK(in.len == 7 && memcmp(in.p, "second!", 7) == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_os_read_file(a, 6, &arena, &in, &d), SG_ERR_LIMIT);
	CHECK(strstr(d.detail, "larger than 6 bytes") != NULL);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_os_read_file(missing, 100, &arena, &in, &d), SG_ERR_IO);
	CHECK(strstr(d.detail, "cannot read ") == d.detail);

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return test_finish();
}
