/* Unit tests for OCI image layouts: oci/layout.c (oci-layout, index.json, blob names and
 * checks; every proper prefix of an index fails cleanly, behind a guard page) and
 * online/layout.c (a layout written to a temporary directory and read back: the image, the
 * .sig, referrers listed in index.json or, as cosign save leaves them, only among the blobs;
 * a missing, tampered, linked or oversize blob, an oversize index.json, a layout not yet
 * committed). Links the full archive (online/ reads files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "guard.h"
#include "oci/layout.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/layout.h"
#include "runner.h"

static uint8_t arena_mem[24u << 20] __attribute__((aligned(16)));
static sg_arena arena;

#define IMAGE_MANIFEST \
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," \
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2," \
	"\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"}," \
	"\"layers\":[]}"
#define HEX64(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define DG(c) "sha256:" HEX64(c)
#define ENTRY(mt, dg, ann) "{\"mediaType\":\"" mt "\",\"size\":10,\"digest\":\"" dg "\"" ann "}"
#define KIND(k) ",\"annotations\":{\"kind\":\"dev.cosignproject.cosign/" k "\"}"
#define MT_M "application/vnd.oci.image.manifest.v1+json"
#define MT_I "application/vnd.oci.image.index.v1+json"
#define INDEX(entries) "{\"schemaVersion\":2,\"mediaType\":\"" MT_I "\",\"manifests\":[" entries "]}"

static sg_err
parse_str(const char *s, sg_layout *l, sg_diag *d)
{
	sg_arena_reset(&arena);
	if (d != NULL)
		sg_diag_init(d, NULL);
	return sg_layout_parse((const uint8_t *)s, strlen(s), &arena, l, d);
}

static void
test_version(void)
{
	static const char *good[] = {"{\"imageLayoutVersion\":\"1.0.0\"}",
		"{\n    \"imageLayoutVersion\": \"1.0.0\"\n}"}; /* ggcr's bytes */
	for (size_t i = 0; i < 2; i++) {
		sg_arena_reset(&arena);
		CHECK_OK(sg_layout_check_version((const uint8_t *)good[i], strlen(good[i]), &arena,
			NULL));
	}
	sg_diag d;
	sg_diag_init(&d, NULL);
	static const char v11[] = "{\"imageLayoutVersion\":\"1.1.0\"}";
	CHECK_ERR(sg_layout_check_version((const uint8_t *)v11, sizeof v11 - 1, &arena, &d),
		SG_ERR_OCI_LAYOUT);
	CHECK(strstr(d.detail, "1.1.0 is not 1.0.0") != NULL);
	static const char *bad[] = {"{}", "[]", "{\"imageLayoutVersion\":1}", "", "{"};
	for (size_t i = 0; i < 5; i++)
		CHECK(sg_layout_check_version((const uint8_t *)bad[i], strlen(bad[i]), &arena,
			NULL) != SG_OK);
}

static void
test_parse(void)
{
	sg_layout l;
	sg_diag d;
	static const char full[] = INDEX(
		ENTRY(MT_M, DG("a"), ",\"annotations\":{\"kind\":\"dev.cosignproject.cosign/image\","
			"\"org.opencontainers.image.ref.name\":\"reg.example/app:1\"}") ","
		ENTRY(MT_M, DG("b"), KIND("sigs")) ","
		ENTRY(MT_M, DG("c"), ",\"artifactType\":\"application/x\"") ","
		ENTRY(MT_M, DG("d"), KIND("atts")) ","
		ENTRY(MT_I, DG("e"), ""));
	CHECK_OK(parse_str(full, &l, NULL));
	CHECK(l.image == &l.index.descs[0] && l.sigs == &l.index.descs[1]);
	CHECK(sg_slice_eq_str(l.ref_name, "reg.example/app:1"));
	CHECK(!sg_layout_maybe_referrer(&l, &l.index.descs[0]));
	CHECK(!sg_layout_maybe_referrer(&l, &l.index.descs[1]));
	CHECK(sg_layout_maybe_referrer(&l, &l.index.descs[2]));
	CHECK(!sg_layout_maybe_referrer(&l, &l.index.descs[3])); /* .att */
	CHECK(!sg_layout_maybe_referrer(&l, &l.index.descs[4])); /* an index */

	/* every proper prefix fails, and nothing is read past the end */
	for (size_t n = 0; n < sizeof full - 1; n++) {
		const uint8_t *g = guard_put(full, n);
		sg_arena_reset(&arena);
		CHECK(g != NULL && sg_layout_parse(g, n, &arena, &l, NULL) != SG_OK);
		CHECK(l.image == NULL && l.index.ndescs == 0);
	}
	guard_release();

	/* an image index */
	CHECK_OK(parse_str(INDEX(ENTRY(MT_I, DG("a"), KIND("imageIndex"))), &l, NULL));
	CHECK(l.image != NULL && l.sigs == NULL && l.ref_name.len == 0);
	/* the kind's media type, one image, one .sig, an image at all */
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("a"), KIND("imageIndex"))), &l, &d),
		SG_ERR_OCI_LAYOUT);
	CHECK(strstr(d.detail, "entry 1") != NULL && l.image == NULL);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("a"), KIND("image")) ","
		ENTRY(MT_M, DG("b"), KIND("image"))), &l, &d), SG_ERR_OCI_LAYOUT);
	CHECK(strstr(d.detail, "entry 2: a second dev.cosignproject.cosign/image") != NULL);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("a"), KIND("image")) ","
		ENTRY(MT_M, DG("b"), KIND("sigs")) "," ENTRY(MT_M, DG("c"), KIND("sigs"))), &l, &d),
		SG_ERR_OCI_LAYOUT);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("a"), KIND("sigs"))), &l, &d),
		SG_ERR_OCI_LAYOUT);
	CHECK(strstr(d.detail, "no entry of kind dev.cosignproject.cosign/image") != NULL);
	CHECK_ERR(parse_str(IMAGE_MANIFEST, &l, &d), SG_ERR_OCI_LAYOUT);
	CHECK(strstr(d.detail, "not an image index") != NULL);

	/* digests become file names: only sha256:<64 lowercase hex> */
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, "sha256:../../../../etc/passwd", KIND("image"))), &l,
		NULL), SG_ERR_OCI_DIGEST);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("A"), KIND("image"))), &l, NULL),
		SG_ERR_OCI_DIGEST);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, DG("a") "/..", KIND("image"))), &l, NULL),
		SG_ERR_OCI_DIGEST);
	CHECK_ERR(parse_str(INDEX(ENTRY(MT_M, "sha512:" HEX64("a") HEX64("a"), KIND("image"))),
		&l, NULL), SG_ERR_UNSUPPORTED);

	/* oversize: more entries than SG_MAX_OCI_LAYERS */
	static char big[(SG_MAX_OCI_LAYERS + 1) * 256 + 200];
	size_t n = (size_t)snprintf(big, sizeof big, "{\"schemaVersion\":2,\"manifests\":[");
	for (unsigned i = 0; i <= SG_MAX_OCI_LAYERS && n < sizeof big - 256; i++)
		n += (size_t)snprintf(big + n, 256, "%s" ENTRY(MT_M, DG("a"), KIND("sigs")),
			i ? "," : "");
	snprintf(big + n, sizeof big - n, "]}");
	CHECK_ERR(parse_str(big, &l, NULL), SG_ERR_LIMIT);
}

static void
test_blobs(void)
{
	uint8_t dg[32], got[32];
	char path[SG_LAYOUT_BLOB_PATH_LEN + 1];
	sg_oci_digest_of("{}", 2, dg);
	sg_layout_blob_path(dg, path);
	CHECK(strcmp(path, "blobs/sha256/"
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a") == 0);
	CHECK(sg_layout_blob_name(path + 13, got) && memcmp(got, dg, 32) == 0);
	static const char *bad[] = {"..", "../../etc/passwd", "", "44136fa3",
		"44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A",
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a0",
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8",
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.tmpAbCdEf",
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8/"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!sg_layout_blob_name(bad[i], got));

	sg_diag d;
	CHECK_OK(sg_layout_blob_check("lay", dg, 2, sg_slice_str("{}"), NULL));
	CHECK_OK(sg_layout_blob_check("lay", dg, -1, sg_slice_str("{}"), NULL));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_blob_check("lay", dg, 2, sg_slice_str("[]"), &d), SG_ERR_OCI_DIGEST_MISMATCH);
	CHECK(strncmp(d.detail, "lay/", 4) == 0 && strstr(d.detail, path) == d.detail + 4 &&
		strstr(d.detail, "does not match its digest") != NULL);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_blob_check("lay", dg, 3, sg_slice_str("{}"), &d), SG_ERR_OCI_DIGEST_MISMATCH);
	CHECK(strstr(d.detail, "does not match its digest and size") != NULL);
}

/* ---- on disk ---- */

static char dir[256];

static void
path_of(char *out, size_t cap, const char *rel)
{
	snprintf(out, cap, "%s/%s", dir, rel);
}

static void
blob_file(const uint8_t dg[32], char *out, size_t cap)
{
	char rel[SG_LAYOUT_BLOB_PATH_LEN + 1];
	sg_layout_blob_path(dg, rel);
	path_of(out, cap, rel);
}

static int
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static void
test_disk(void)
{
	static uint8_t ref_mem[4096];
	sg_diag d;
	sg_arena_reset(&arena);
	/* the image, a .sig (any manifest will do here), one referrer of the image, one of
	 * another image */
	sg_slice image = sg_slice_str(IMAGE_MANIFEST);
	static const char sig[] = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"size\":2,"
		"\"digest\":\"" DG("1") "\"},\"layers\":[]}";
	uint8_t image_dg[32], sig_dg[32], ref_dg[32], other_dg[32];
	sg_oci_digest_of(image.p, image.len, image_dg);
	sg_oci_digest_of(sig, sizeof sig - 1, sig_dg);
	sg_oci_referrer r;
	memset(&r, 0, sizeof r);
	r.bundle_media_type = sg_slice_str("application/vnd.dev.sigstore.bundle.v0.3+json");
	r.layer_size = 2;
	r.predicate_type = sg_slice_str("https://sigstore.dev/cosign/sign/v1");
	r.created = sg_slice_str("2026-01-02T03:04:05Z");
	r.subject.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	r.subject.size = (int64_t)image.len;
	memcpy(r.subject.digest, image_dg, 32);
	sg_buf rb, ob;
	sg_buf_init(&rb, ref_mem, 2048);
	sg_buf_init(&ob, ref_mem + 2048, 2048);
	CHECK_OK(sg_oci_referrer_write(&r, &rb, NULL));
	memset(r.subject.digest, 7, 32);
	CHECK_OK(sg_oci_referrer_write(&r, &ob, NULL));
	sg_oci_digest_of(rb.p, rb.len, ref_dg);
	sg_oci_digest_of(ob.p, ob.len, other_dg);

	sg_layout_writer w;
	CHECK_OK(sg_layout_create(&w, dir, 4, &arena, NULL));
	CHECK_OK(sg_layout_put(&w, image, NULL));
	CHECK_OK(sg_layout_put(&w, sg_slice_make(sig, sizeof sig - 1), NULL));
	CHECK_OK(sg_layout_put(&w, sg_slice_make(rb.p, rb.len), NULL));
	CHECK_OK(sg_layout_put(&w, sg_slice_make(ob.p, ob.len), NULL));
	CHECK(w.blobs == 4);
	/* not committed: no layout yet */
	sg_layout_dir l;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_open(dir, &arena, &l, &d), SG_ERR_IO);
	CHECK(strstr(d.detail, "index.json: no such file") != NULL);

	sg_oci_annot ia[2] = {{sg_slice_str(SG_LAYOUT_KIND), sg_slice_str(SG_LAYOUT_KIND_IMAGE)},
		{sg_slice_str(SG_ANN_REF_NAME), sg_slice_str("reg.example/app:1")}};
	sg_oci_annot sa[1] = {{sg_slice_str(SG_LAYOUT_KIND), sg_slice_str(SG_LAYOUT_KIND_SIGS)}};
	sg_oci_desc e[4];
	memset(e, 0, sizeof e);
	const uint8_t *dgs[4] = {image_dg, sig_dg, ref_dg, other_dg};
	int64_t sizes[4] = {(int64_t)image.len, (int64_t)sizeof sig - 1, (int64_t)rb.len,
		(int64_t)ob.len};
	for (size_t i = 0; i < 4; i++) {
		e[i].media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
		e[i].size = sizes[i];
		memcpy(e[i].digest, dgs[i], 32);
		CHECK_OK(sg_layout_add(&w, &e[i], NULL));
	}
	e[0].annots = ia;
	e[0].nannots = 2;
	e[1].annots = sa;
	e[1].nannots = 1;
	CHECK_ERR(sg_layout_add(&w, &e[0], NULL), SG_ERR_LIMIT);
	CHECK_OK(sg_layout_commit(&w, &arena, NULL));

	CHECK_OK(sg_layout_open(dir, &arena, &l, NULL));
	CHECK(memcmp(l.lay.image->digest, image_dg, 32) == 0 && l.lay.sigs != NULL);
	CHECK(sg_slice_eq_str(l.lay.ref_name, "reg.example/app:1"));
	sg_referrers refs;
	CHECK_OK(sg_layout_referrers(&l, &arena, &refs, NULL));
	CHECK(refs.source == SG_REFERRERS_LAYOUT && refs.n == 1 &&
		memcmp(refs.entries[0].digest, ref_dg, 32) == 0);
	sg_cosign_sigs sigs;
	CHECK_OK(sg_layout_sigs(&l, &arena, &sigs, NULL));
	CHECK(sigs.found && sigs.manifest.len == sizeof sig - 1 && sigs.parsed.ndescs == 0);
	sg_slice b;
	CHECK_OK(sg_layout_get(&l, image_dg, (int64_t)image.len, SG_MAX_JSON, &arena, &b, NULL));
	CHECK(b.len == image.len && memcmp(b.p, image.p, b.len) == 0);

	/* bounds and damage, each named */
	char p[512], q[512];
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_get(&l, image_dg, (int64_t)image.len, 10, &arena, &b, &d),
		SG_ERR_LIMIT);
	CHECK(strstr(d.detail, "larger than 10 bytes") != NULL);
	CHECK_ERR(sg_layout_get(&l, image_dg, -1, 10, &arena, &b, NULL), SG_ERR_LIMIT);
	CHECK_ERR(sg_layout_get(&l, image_dg, 5, SG_MAX_JSON, &arena, &b, NULL),
		SG_ERR_OCI_DIGEST_MISMATCH);
	uint8_t nothing[32];
	memset(nothing, 0x11, 32);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_get(&l, nothing, -1, SG_MAX_JSON, &arena, &b, &d),
		SG_ERR_OCI_NOT_FOUND);
	CHECK(strstr(d.detail, "/blobs/sha256/1111") != NULL);
	blob_file(sig_dg, p, sizeof p);
	CHECK(write_file(p, "tampered", 8));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_sigs(&l, &arena, &sigs, &d), SG_ERR_OCI_DIGEST_MISMATCH);
	CHECK(!sigs.found && strstr(d.detail, "does not match its digest") != NULL);
	CHECK(unlink(p) == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_sigs(&l, &arena, &sigs, &d), SG_ERR_OCI_NOT_FOUND);
	CHECK(strstr(d.detail, "lists this blob but does not have it") != NULL);
	/* a link planted for a blob is not followed, even to the right bytes */
	blob_file(image_dg, q, sizeof q);
	char moved[512];
	path_of(moved, sizeof moved, "image.json");
	CHECK(rename(q, moved) == 0 && symlink(moved, q) == 0);
	CHECK_ERR(sg_layout_get(&l, image_dg, -1, SG_MAX_JSON, &arena, &b, NULL), SG_ERR_IO);
	CHECK(unlink(q) == 0 && rename(moved, q) == 0);

	/* cosign save's layout: index.json lists the image only; referrers among the blobs */
	sg_layout_writer w2;
	CHECK_OK(sg_layout_create(&w2, dir, 1, &arena, NULL));
	CHECK_OK(sg_layout_add(&w2, &e[0], NULL));
	CHECK_OK(sg_layout_commit(&w2, &arena, NULL));
	CHECK_OK(sg_layout_open(dir, &arena, &l, NULL));
	CHECK_OK(sg_layout_referrers(&l, &arena, &refs, NULL));
	CHECK(refs.source == SG_REFERRERS_BLOBS && refs.n == 1 &&
		memcmp(refs.entries[0].digest, ref_dg, 32) == 0 && refs.entries[0].size == -1);
	CHECK_OK(sg_layout_sigs(&l, &arena, &sigs, NULL));
	CHECK(!sigs.found);
	/* a blob whose bytes are not its name's is no referrer; nor is a large one, nor a link
	 * (never followed), even to the right bytes */
	blob_file(ref_dg, p, sizeof p);
	CHECK(write_file(p, ob.p, ob.len));
	CHECK_OK(sg_layout_referrers(&l, &arena, &refs, NULL));
	CHECK(refs.n == 0 && refs.source == SG_REFERRERS_BLOBS);
	CHECK(write_file(p, rb.p, rb.len));
	static uint8_t huge[SG_MAX_JSON + 1];
	blob_file(other_dg, q, sizeof q);
	CHECK(write_file(q, huge, sizeof huge));
	CHECK_OK(sg_layout_referrers(&l, &arena, &refs, NULL));
	CHECK(refs.n == 1);
	CHECK(unlink(q) == 0 && rename(p, q) == 0 && symlink(q, p) == 0);
	CHECK_OK(sg_layout_referrers(&l, &arena, &refs, NULL));
	CHECK(refs.n == 0);
	CHECK(unlink(p) == 0 && rename(q, p) == 0);

	/* index.json past SG_MAX_JSON; no oci-layout */
	path_of(p, sizeof p, "index.json");
	CHECK(write_file(p, huge, sizeof huge));
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_open(dir, &arena, &l, &d), SG_ERR_LIMIT);
	CHECK(strstr(d.detail, "index.json: larger than") != NULL);
	path_of(p, sizeof p, "oci-layout");
	CHECK(unlink(p) == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_layout_open(dir, &arena, &l, &d), SG_ERR_IO);
	CHECK(strstr(d.detail, "oci-layout: no such file") != NULL);
}

int
main(void)
{
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	test_version();
	test_parse();
	test_blobs();
	snprintf(dir, sizeof dir, "/tmp/picosign-test-layout-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return test_finish();
	}
	test_disk();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return test_finish();
}
