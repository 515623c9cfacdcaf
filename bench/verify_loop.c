/* verify_loop: bundle verifications per second in one process (make bench; never in tests).
 *
 *   verify_loop TRUSTED_ROOT N CASE... where each CASE is BUNDLE:ARTIFACT:IDENTITY:ISSUER
 *
 * Parses the trusted root once, reads every case once, then verifies the cases in turn, N
 * verifications in all, each from a fresh arena (as a per-image loop would), and prints the
 * rate and the time per verification. It links libpicosign-offline.a alone: the same code the
 * CLI runs, without the process start-up that whole-process timings include. Any failed
 * verification stops it with exit 1. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/hash.h"
#include "pki/trustroot.h"
#include "sigstore/bundle.h"
#include "sigstore/policy.h"
#include "verify/verify.h"

#define MAX_CASES 64

struct vcase {
	unsigned char *bundle;
	size_t bundle_len;
	sg_artifact art;
	sg_policy policy;
};

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	unsigned char *p = malloc(cap);
	size_t r;
	while (p != NULL && (r = fread(p + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			p = realloc(p, cap);
		}
	}
	fclose(f);
	*len = n;
	return p;
}

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: verify_loop TRUSTED_ROOT N BUNDLE:ARTIFACT:IDENTITY:ISSUER...\n");
		return 2;
	}
	static uint8_t root_mem[1 << 20];
	static uint8_t arena_mem[8 << 20];
	static sg_trustroot tr;
	static struct vcase cases[MAX_CASES];
	static sg_entity ent;
	static sg_verified out;
	sg_arena ra;
	sg_arena_init(&ra, root_mem, sizeof root_mem);
	size_t rl;
	unsigned char *root = slurp(argv[1], &rl);
	if (root == NULL || sg_trustroot_parse(root, rl, &ra, &tr, NULL) != SG_OK) {
		fprintf(stderr, "cannot load the trusted root %s\n", argv[1]);
		return 1;
	}
	long n = strtol(argv[2], NULL, 10);
	int nc = 0;
	for (int i = 3; i < argc && nc < MAX_CASES; i++) {
		char *spec = argv[i];
		char *parts[4] = {spec, NULL, NULL, NULL};
		for (int k = 1; k < 4; k++) {
			/* The identity and issuer are URLs: split on the first three ':' after the
			 * bundle and artifact paths, which hold none. */
			char *c = k < 3 ? strchr(parts[k - 1], ':') : strstr(parts[k - 1], ":http");
			if (c == NULL) {
				fprintf(stderr, "bad case %s\n", argv[i]);
				return 2;
			}
			*c = '\0';
			parts[k] = c + 1;
		}
		struct vcase *v = &cases[nc];
		size_t al;
		unsigned char *art = slurp(parts[1], &al);
		v->bundle = slurp(parts[0], &v->bundle_len);
		if (art == NULL || v->bundle == NULL) {
			fprintf(stderr, "cannot read %s or %s\n", parts[0], parts[1]);
			return 1;
		}
		sg_sha256(art, al, v->art.sha256);
		sg_sha384(art, al, v->art.sha384);
		sg_sha512(art, al, v->art.sha512);
		v->art.has_sha384 = v->art.has_sha512 = 1;
		free(art);
		if (sg_policy_init(&v->policy, parts[2], NULL, parts[3], NULL, NULL) != SG_OK)
			return 1;
		nc++;
	}
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		struct vcase *v = &cases[i % nc];
		sg_arena a;
		sg_arena_init(&a, arena_mem, sizeof arena_mem);
		sg_verify_opts o;
		memset(&o, 0, sizeof o);
		o.trustroot = &tr;
		o.policy = &v->policy;
		sg_diag d;
		sg_diag_init(&d, NULL);
		if (sg_bundle_parse(v->bundle, v->bundle_len, &a, &ent, &d) != SG_OK ||
			sg_verify_entity(&ent, &v->art, &o, &a, &out, &d) != SG_OK) {
			char msg[600];
			sg_diag_format(&d, msg, sizeof msg);
			fprintf(stderr, "verification %ld failed: %s\n", i, msg);
			return 1;
		}
	}
	double dt = now_s() - t0;
	printf("verifications: %ld of %d bundles in %.3f s: %.0f per second, %.3f ms each "
	       "(one core)\n",
		n, nc, dt, (double)n / dt, 1000.0 * dt / (double)n);
	return 0;
}
