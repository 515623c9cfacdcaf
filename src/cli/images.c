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
 * results and everything above is handed back (and wiped). */
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
	memmove(outmem + on, errmem, en);
	sg_arena_release(a, start + on + en);
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
