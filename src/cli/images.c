/* images: several images in one run (rank 9; see cli.h), for `verify IMAGE...` as cosign
 * takes it.
 *
 * Workers are threads (sys/os.h sg_os_parallel) that take images from one queue, so at most
 * --max-workers images are in flight. Each worker owns a slice of the command's arena
 * (SG_WORKER_ARENA) and a network stack opened before it starts; its HTTP client keeps one
 * connection alive, so the images it verifies on one registry share a connection, and a run
 * opens about one connection per worker and registry. What a worker shares with the others is
 * read-only (options, policy, trusted root); everything it writes is its own: its arena, its
 * connection, its image's result. Nothing prints from a worker: each image's stdout and
 * stderr are collected and printed in argument order at the end, so the output does not
 * depend on which worker finished first.
 *
 * Memory: per image, the two output buffers are taken at the worker arena's current end, the
 * image's scratch after them; when it is done its output is moved down next to the earlier
 * results and everything above is handed back (and wiped: the scratch wholly, the buffers only
 * as far as they were written, so their untouched pages never become resident). */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "sys/os.h"

struct job {
	const char *image;
	int rc;
	sg_slice out, err;
};

struct worker {
	sg_arena arena;
	sg_cli_net *net;
	int ok; /* the network stack opened */
};

struct run {
	struct job *jobs;
	struct worker *workers;
	sg_os_jobs queue;
	sg_cli_image_fn fn;
	void *ctx;
};

/* One image on worker `w`. */
static void
one(struct run *r, struct worker *w, struct job *j)
{
	sg_arena *a = &w->arena;
	uint8_t *outmem = sg_arena_alloc_uninit(a, SG_CLI_IMAGE_OUT);
	size_t start = sg_arena_mark(a) - SG_CLI_IMAGE_OUT;
	uint8_t *errmem = sg_arena_alloc_uninit(a, SG_CLI_IMAGE_ERR);
	if (outmem == NULL || errmem == NULL) {
		static const char msg[] = "Error: out of memory\n";
		j->rc = SG_EXIT_FAIL;
		j->err = sg_slice_make(msg, sizeof msg - 1);
		return;
	}
	sg_buf out, err;
	sg_buf_init(&out, outmem, SG_CLI_IMAGE_OUT);
	sg_buf_init(&err, errmem, SG_CLI_IMAGE_ERR);
	j->rc = r->fn(r->ctx, w->net, j->image, a, &out, &err);
	/* A full buffer keeps what fit; the image's status says more than a cut line. */
	size_t on = out.len, en = err.len;
	/* Wipe the scratch, then only the bytes the two buffers held: releasing from the end of
	 * the output would write over all 5 MiB of them and so keep every page of both resident
	 * in every worker (issue #15: RSS). */
	sg_arena_release(a, start + SG_CLI_IMAGE_OUT + SG_CLI_IMAGE_ERR);
	memmove(outmem + on, errmem, en);
	uint8_t *moved_end = outmem + on + en;
	if (moved_end < errmem + en)
		sg_wipe(moved_end > errmem ? moved_end : errmem,
			(size_t)(errmem + en - (moved_end > errmem ? moved_end : errmem)));
	sg_arena_forget(a, start + on + en);
	j->out = sg_slice_make(outmem, on);
	j->err = sg_slice_make(outmem + on, en);
}

static void
worker_main(void *ctx, unsigned wi)
{
	struct run *r = ctx;
	struct worker *w = &r->workers[wi];
	size_t i;
	while (sg_os_jobs_take(&r->queue, &i)) {
		struct job *j = &r->jobs[i];
		if (!w->ok) {
			static const char msg[] = "Error: no network stack for this worker\n";
			j->rc = SG_EXIT_FAIL;
			j->err = sg_slice_make(msg, sizeof msg - 1);
			continue;
		}
		one(r, w, j);
	}
}

/* see cli.h */
int
sg_cli_run_images(const char *const *images, size_t n, unsigned workers,
	const sg_cli_registry_flags *rf, sg_cli_image_fn fn, void *ctx, sg_arena *arena,
	unsigned *connects)
{
	if (connects != NULL)
		*connects = 0;
	if (n == 0)
		return SG_EXIT_OK;
	if (workers == 0)
		workers = 1;
	if (workers > SG_MAX_WORKERS)
		workers = SG_MAX_WORKERS;
	if (workers > n)
		workers = (unsigned)n;
	size_t mark = sg_arena_mark(arena);
	struct run r;
	memset(&r, 0, sizeof r);
	sg_diag d;
	sg_diag_init(&d, NULL);
	if (sg_arena_get(arena, n * sizeof *r.jobs, (void **)&r.jobs, &d) != SG_OK ||
		sg_arena_get(arena, workers * sizeof *r.workers, (void **)&r.workers, &d) !=
			SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	size_t carved = sg_arena_mark(arena);
	for (unsigned w = 0; w < workers; w++) {
		uint8_t *mem = sg_arena_alloc_uninit(arena, SG_WORKER_ARENA);
		if (mem == NULL) {
			/* Fewer workers: the queue still hands every image to one that exists. */
			workers = w;
			break;
		}
		sg_arena_init(&r.workers[w].arena, mem, SG_WORKER_ARENA);
		r.workers[w].ok =
			sg_cli_net_open(rf, &r.workers[w].arena, &r.workers[w].net, &d) == SG_OK;
	}
	if (workers == 0 || !r.workers[0].ok) {
		if (d.code == SG_OK) {
			sg_err e = sg_diag_fail(&d, SG_ERR_LIMIT, "arena");
			(void)e;
		}
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	/* The schemes of the registries (https or plain http), probed once here rather than
	 * once per worker: a probe costs a connection. */
	for (size_t i = 0; i < n; i++) {
		sg_ociref ref, sref;
		if (sg_ociref_parse((const uint8_t *)images[i], strlen(images[i]), &ref, NULL) !=
			SG_OK)
			continue;
		sg_cli_net_learn(r.workers[0].net, ref.registry, rf->allow_http);
		if (sg_cli_sig_repo(&ref, &sref, NULL) == SG_OK)
			sg_cli_net_learn(r.workers[0].net, sref.registry, rf->allow_http);
	}
	for (unsigned w = 1; w < workers; w++)
		if (r.workers[w].ok)
			sg_cli_net_share(r.workers[w].net, r.workers[0].net);
	for (size_t i = 0; i < n; i++)
		r.jobs[i].image = images[i];
	sg_os_jobs_init(&r.queue, n);
	r.fn = fn;
	r.ctx = ctx;
	(void)sg_os_parallel(workers, worker_main, &r);

	int rc = SG_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		fwrite(r.jobs[i].err.p, 1, r.jobs[i].err.len, stderr);
		fwrite(r.jobs[i].out.p, 1, r.jobs[i].out.len, stdout);
		if (rc == SG_EXIT_OK && r.jobs[i].rc != SG_EXIT_OK)
			rc = r.jobs[i].rc;
	}
	fflush(stdout);
	for (unsigned w = 0; w < workers; w++) {
		if (connects != NULL)
			*connects += sg_cli_net_connects(r.workers[w].net);
		sg_cli_net_close(r.workers[w].net);
		sg_arena_wipe(&r.workers[w].arena);
	}
	/* The worker arenas are wiped; wiping their never-touched pages again would only fault
	 * them in. */
	sg_arena_forget(arena, carved);
	sg_arena_release(arena, mark);
	return rc;
}

/* see cli.h */
sg_err
sg_cli_index_children(sg_registry *reg, const char *repo, const uint8_t digest[32], sg_arena *arena,
	const sg_oci_desc **children, size_t *n, sg_diag *d)
{
	*children = NULL;
	*n = 0;
	char dg[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(digest, dg);
	sg_registry_manifest m;
	sg_oci_manifest parsed;
	SG_TRY(sg_registry_get_manifest(reg, repo, dg, SG_OCI_ACCEPT_ALL, SG_MAX_JSON, &m, d));
	SG_TRY(sg_oci_manifest_parse(m.body.p, m.body.len, arena, &parsed, d));
	if (parsed.kind == SG_OCI_INDEX) {
		*children = parsed.descs;
		*n = parsed.ndescs;
	}
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_read_image_list(sg_arena *arena, size_t max, const char ***images, size_t *n,
	sg_diag *d)
{
	*images = NULL;
	*n = 0;
	sg_slice in;
	SG_TRY(sg_os_read_file("-", SG_MAX_IMAGE_LIST_BYTES, arena, &in, d));
	/* Two passes: count, so the pointer array is one allocation, then copy. */
	const char **list = NULL;
	size_t count = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t k = 0, lineno = 0;
		for (size_t i = 0; i < in.len;) {
			size_t end = i;
			while (end < in.len && in.p[end] != '\n')
				end++;
			size_t next = end + 1;
			lineno++;
			size_t b = i, e = end;
			while (b < e && (in.p[b] == ' ' || in.p[b] == '\t' || in.p[b] == '\r'))
				b++;
			while (e > b && (in.p[e - 1] == ' ' || in.p[e - 1] == '\t' ||
				in.p[e - 1] == '\r'))
				e--;
			i = next;
			if (b == e || in.p[b] == '#')
				continue;
			if (e - b > SG_MAX_OCI_REF)
				return sg_diag_failf(d, SG_ERR_LIMIT, "image list",
					"line %zu: longer than %u bytes", lineno, SG_MAX_OCI_REF);
			for (size_t c = b; c < e; c++)
				if (in.p[c] <= 0x20 || in.p[c] >= 0x7f)
					return sg_diag_failf(d, SG_ERR_ARG, "image list",
						"line %zu: byte 0x%02x cannot be in an image "
						"reference (one reference a line)", lineno,
						in.p[c]);
			if (k == max)
				return sg_diag_failf(d, SG_ERR_LIMIT, "image list",
					"more than %zu images", max);
			if (pass == 1) {
				char *s;
				SG_TRY(sg_arena_get(arena, e - b + 1, (void **)&s, d));
				memcpy(s, in.p + b, e - b);
				s[e - b] = '\0';
				list[k] = s;
			}
			k++;
		}
		if (pass == 0) {
			if (k == 0)
				return sg_diag_failf(d, SG_ERR_ARG, "image list",
					"no image references on standard input");
			count = k;
			SG_TRY(sg_arena_get(arena, count * sizeof *list, (void **)&list, d));
		}
	}
	*images = list;
	*n = count;
	return SG_OK;
}
