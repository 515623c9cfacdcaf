/* Unit tests for writes to tags that concurrent signers share (online/tagrace.h), over the
 * scripted dialer (scripted_net.h: each request gets the next answer, every request is logged)
 * with a retry policy whose waits and lines are recorded instead of slept and printed:
 *   - the referrers fallback index: our entry gone at the settle look (another signer's PUT
 *     landed after ours) is redone on top of theirs, after the settle wait and one announced
 *     backoff; a tag that keeps moving fails after SG_TAG_WRITE_TRIES attempts naming the tag
 *     and saying the signature may be missing; a deadline that leaves no time for a redo fails
 *     at once;
 *   - the .sig tag: the same settle look and redo through cosign_sig.c; a redo that finds our
 *     layer kept by the signer who replaced our PUT is a success, not a duplicate;
 *   - a manifest PUT answered 400 MANIFEST_BLOB_UNKNOWN is sent again under the policy, and
 *     only that error, only with a policy. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "online/cosign_sig.h"
#include "online/referrers.h"
#include "online/registry.h"
#include "runner.h"
#include "scripted_net.h"

/* ---- the scripted registry; every request is logged (scripted_log, scripted_net.h) ---- */

static int
logged(size_t i, const char *needle)
{
	return i < scripted_log.n && strstr(scripted_log.req[i], needle) != NULL;
}

/* The policy's waits and lines. */
static struct {
	unsigned waits[32], nwaits;
	char lines[16][512];
	unsigned nlines;
} W;

static void
fake_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	if (W.nwaits < 32)
		W.waits[W.nwaits++] = ms;
}

static void
note_line(void *ctx, const char *line)
{
	(void)ctx;
	if (W.nlines < 16)
		snprintf(W.lines[W.nlines++], sizeof W.lines[0], "%s", line);
}

static sg_net_opts nopts;
static uint8_t iobuf[SG_HTTP_IOBUF_SIZE];
static sg_http_client http;
static unsigned char arena_mem[16u << 20] __attribute__((aligned(16)));
static sg_arena arena;
static sg_registry reg;
static sg_retry pol;

/* A fresh client for reg.example; with_policy 0: no retry policy (one attempt, no waits). */
static void
setup(int with_policy, uint64_t deadline_ms)
{
	sg_http_client_close(&http);
	memset(scripted_conns, 0, sizeof scripted_conns);
	memset(&scripted_log, 0, sizeof scripted_log);
	memset(&W, 0, sizeof W);
	scripted.on_request = scripted_log_request;
	scripted.on_write = scripted_log_write;
	sg_net_opts_default(&nopts);
	sg_http_client_init(&http, &scripted_dialer, &nopts, iobuf);
	sg_retry_init(&pol);
	pol.sleep = fake_sleep;
	pol.note = note_line;
	pol.deadline_ms = deadline_ms;
	http.retry = with_policy ? &pol : NULL;
	sg_arena_init(&arena, arena_mem, sizeof arena_mem);
	CHECK_OK(sg_registry_init(&reg, &http, "reg.example", 0, NULL, &arena, NULL));
}

/* Answers: kept in slots so the script can point at them. */
static char ans_buf[SCRIPTED_MAX][4096];
static size_t nans;

static void
script_reset(void)
{
	scripted_clear();
	nans = 0;
}

static void
add(const char *head, const char *body)
{
	char *b = ans_buf[nans++];
	snprintf(b, sizeof ans_buf[0], "%sContent-Length: %zu\r\n\r\n%s", head, strlen(body), body);
	scripted_add((const uint8_t *)b, strlen(b));
}

#define H200 "HTTP/1.1 200 OK\r\n"
#define H201 "HTTP/1.1 201 Created\r\n"
#define H404 "HTTP/1.1 404 Not Found\r\n"
#define H400 "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
#define HIDX "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.index.v1+json\r\n"
#define HMAN "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"

/* A HEAD answer naming the digest of `body`. */
static void
add_head(const char *body)
{
	uint8_t dg[32];
	char ds[SG_OCI_DIGEST_STR_LEN + 1], head[256];
	sg_oci_digest_of(body, strlen(body), dg);
	sg_oci_digest_format(dg, ds);
	snprintf(head, sizeof head, H200 "Docker-Content-Digest: %s\r\n", ds);
	char *b = ans_buf[nans++];
	snprintf(b, sizeof ans_buf[0], "%sContent-Length: 0\r\n\r\n", head);
	scripted_add((const uint8_t *)b, strlen(b));
}

/* An OCI index listing the manifests of digests `a` and, when not NULL, `b`. */
static void
index_of(const char *a, const char *b, char *out, size_t cap)
{
	static const char e[] = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
				"\"size\":10,\"digest\":\"%s\"}";
	char one[256], two[256] = "";
	snprintf(one, sizeof one, e, a);
	if (b != NULL) {
		two[0] = ',';
		snprintf(two + 1, sizeof two - 1, e, b);
	}
	snprintf(out, cap,
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index."
		"v1+json\",\"manifests\":[%s%s]}",
		one, two);
}

static const char OTHER[] =
	"sha256:1111111111111111111111111111111111111111111111111111111111111111";
static uint8_t image[32];
static char fb_tag[SG_OCI_FALLBACK_TAG_LEN + 1];
static const char bundle[] = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}";
static uint8_t man_mem[2048];
static sg_slice man;
static char man_ds[SG_OCI_DIGEST_STR_LEN + 1];

/* The referrer manifest for `bundle`, as sign/image.c makes it. */
static void
make_referrer(void)
{
	memset(image, 0xab, sizeof image);
	sg_oci_fallback_tag(image, fb_tag);
	sg_oci_referrer r;
	memset(&r, 0, sizeof r);
	r.bundle_media_type = sg_slice_str("application/vnd.dev.sigstore.bundle.v0.3+json");
	sg_oci_digest_of(bundle, sizeof bundle - 1, r.layer_digest);
	r.layer_size = (int64_t)sizeof bundle - 1;
	r.predicate_type = sg_slice_str("https://sigstore.dev/cosign/sign/v1");
	r.created = sg_slice_str("2026-01-01T00:00:00Z");
	r.subject.media_type = sg_slice_str(SG_MT_OCI_MANIFEST);
	r.subject.size = 100;
	memcpy(r.subject.digest, image, 32);
	sg_buf b;
	sg_buf_init(&b, man_mem, sizeof man_mem);
	CHECK_OK(sg_oci_referrer_write(&r, &b, NULL));
	man = sg_buf_slice(&b);
	uint8_t dg[32];
	sg_oci_digest_of(man.p, man.len, dg);
	sg_oci_digest_format(dg, man_ds);
}

/* The requests before the fallback index: the ping, two blob HEADs (present), the manifest
 * PUT, the referrers probe (404: no API). */
static void
add_before_index(void)
{
	add(H200, "");
	add(H200, "");
	add(H200, "");
	add(H201, "");
	add(H404, "");
}

static void
test_fallback_lost_at_settle(void)
{
	setup(1, 0);
	script_reset();
	add_before_index();
	char ours[1024], theirs[1024], both[1024];
	index_of(man_ds, NULL, ours, sizeof ours);
	index_of(OTHER, NULL, theirs, sizeof theirs);
	index_of(OTHER, man_ds, both, sizeof both);
	/* attempt 1: no index; HEAD agrees; PUT; the first look sees ours, the settle look
	 * sees another signer's index without our entry */
	add(H404, "");
	add(H404, "");
	add(H201, "");
	add(HIDX, ours);
	add(HIDX, theirs);
	/* attempt 2, on top of theirs: HEAD agrees; PUT; both looks list ours */
	add(HIDX, theirs);
	add_head(theirs);
	add(H201, "");
	add(HIDX, both);
	add(HIDX, both);
	sg_referrers_attach_result res;
	CHECK_OK(sg_referrers_attach(&reg, "lib/x", image, man,
		sg_slice_make(bundle, sizeof bundle - 1), &arena, &res, NULL));
	CHECK(res.where == SG_REFERRERS_TAG && res.attempts == 2 && !res.already_indexed);
	CHECK(scripted_log.n == 15);
	CHECK(logged(7, "PUT /v2/lib/x/manifests/sha256-"));
	CHECK(logged(12, "PUT /v2/lib/x/manifests/sha256-"));
	CHECK(logged(12, OTHER) && logged(12, man_ds)); /* theirs kept, ours added */
	/* waits: the settle look (100 ms on a clock that stands still), the backoff, the
	 * second attempt's settle look */
	CHECK(W.nwaits == 3 && W.waits[0] == SG_TAG_SETTLE_MIN_MS && W.waits[1] == 500 &&
		W.waits[2] == SG_TAG_SETTLE_MIN_MS);
	CHECK(W.nlines == 1);
	CHECK(strstr(W.lines[0], "Retrying the referrers index update of reg.example/lib/x:") ==
		W.lines[0]);
	CHECK(strstr(W.lines[0], fb_tag) != NULL);
	CHECK(strstr(W.lines[0], "(retry 1 of 7): another signer replaced the tag") != NULL);

	/* Without a policy nothing waits: the two looks back to back. */
	setup(0, 0);
	script_reset();
	add_before_index();
	add(H404, "");
	add(H404, "");
	add(H201, "");
	add(HIDX, ours);
	add(HIDX, ours);
	CHECK_OK(sg_referrers_attach(&reg, "lib/x", image, man,
		sg_slice_make(bundle, sizeof bundle - 1), &arena, &res, NULL));
	CHECK(res.attempts == 1 && scripted_log.n == 10 && W.nwaits == 0);
}

static void
test_fallback_keeps_moving(void)
{
	char theirs[1024];
	index_of(OTHER, NULL, theirs, sizeof theirs);
	/* every attempt: no index at the read, one there at the HEAD */
	setup(1, 0);
	script_reset();
	add_before_index();
	for (unsigned i = 0; i < SG_TAG_WRITE_TRIES; i++) {
		add(H404, "");
		add_head(theirs);
	}
	sg_referrers_attach_result res;
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_referrers_attach(&reg, "lib/x", image, man,
			  sg_slice_make(bundle, sizeof bundle - 1), &arena, &res, &d),
		SG_ERR_OCI_REGISTRY);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(res.attempts == SG_TAG_WRITE_TRIES);
	CHECK(strstr(msg, fb_tag) != NULL && strstr(msg, "kept changing") != NULL &&
		strstr(msg, "may be missing") != NULL);
	CHECK(W.nlines == SG_TAG_WRITE_TRIES - 1);
	CHECK(scripted_log.n == 5 + 2 * SG_TAG_WRITE_TRIES);

	/* A deadline with no room for the backoff: one attempt, the refusal said, the error. */
	setup(1, 1200);
	script_reset();
	add_before_index();
	add(H404, "");
	add_head(theirs);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_referrers_attach(&reg, "lib/x", image, man,
			  sg_slice_make(bundle, sizeof bundle - 1), &arena, &res, &d),
		SG_ERR_OCI_REGISTRY);
	CHECK(res.attempts == 1 && scripted_log.n == 7);
	CHECK(W.nlines == 1 && strstr(W.lines[0], "Not retrying the referrers index") != NULL);
}

/* The .sig tag: the same settle look, through cosign_sig.c. */
static void
test_sig_lost_at_settle(void)
{
	static const char payload[] = "{\"critical\":{}}";
	static const char sig[] = "MEUCIQ==";
	uint8_t pd[32];
	char pds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_of(payload, sizeof payload - 1, pd);
	sg_oci_digest_format(pd, pds);
	static const char cfg[] = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
				  "\"size\":2,\"digest\":\"sha256:44136fa355b3678a1146ad16f7e86"
				  "49e94fb4fc21fe77e8310c060f61caaff8a\"}";
	static const char layer[] = "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning."
				    "v1+json\",\"size\":%zu,\"digest\":\"%s\",\"annotations\":{"
				    "\"dev.cosignproject.cosign/signature\":\"%s\"}}";
	char l_ours[512], l_theirs[512], m_theirs[2048], m_both[2048];
	snprintf(l_ours, sizeof l_ours, layer, sizeof payload - 1, pds, sig);
	snprintf(l_theirs, sizeof l_theirs, layer, (size_t)10, OTHER, "MEQCIA==");
	static const char mf[] = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image."
				 "manifest.v1+json\",\"config\":%s,\"layers\":[%s%s%s]}";
	snprintf(m_theirs, sizeof m_theirs, mf, cfg, l_theirs, "", "");
	snprintf(m_both, sizeof m_both, mf, cfg, l_theirs, ",", l_ours);
	setup(1, 0);
	script_reset();
	/* attempt 1: ping, no .sig, the two blob HEADs, the tag HEAD, PUT, the first look sees
	 * ours (a manifest holding our layer), the settle look theirs only */
	add(H200, "");
	add(H404, "");
	add(H200, "");
	add(H200, "");
	add(H404, "");
	add(H201, "");
	add(HMAN, m_both);
	add(HMAN, m_theirs);
	/* attempt 2 on top of theirs */
	add(HMAN, m_theirs);
	add(H200, "");
	add(H200, "");
	add_head(m_theirs);
	add(H201, "");
	add(HMAN, m_both);
	add(HMAN, m_both);
	sg_oci_annot an = {sg_slice_str(SG_ANN_SIGNATURE), sg_slice_str(sig)};
	sg_cosign_attach_result res;
	CHECK_OK(sg_cosign_sig_attach(&reg, "lib/x", image, (const uint8_t *)payload,
		sizeof payload - 1, &an, 1, NULL, 0, &arena, &res, NULL));
	CHECK(res.attempts == 2 && !res.duplicate && res.layers == 2);
	CHECK(scripted_log.n == 15);
	CHECK(logged(12, ".sig HTTP/1.1") && logged(12, OTHER) && logged(12, pds));
	CHECK(W.nwaits == 3 && W.waits[0] == SG_TAG_SETTLE_MIN_MS && W.waits[1] == 500);
	CHECK(W.nlines == 1 &&
		strstr(W.lines[0], "Retrying the signature append to reg.example/lib/x:") != NULL);

	/* Lost at the first look, and the redo finds our layer kept in the manifest of the
	 * signer who replaced ours: pushed, not a duplicate, nothing more to write. */
	setup(1, 0);
	script_reset();
	add(H200, "");
	add(H404, "");
	add(H200, "");
	add(H200, "");
	add(H404, "");
	add(H201, "");
	add(HMAN, m_theirs);
	add(HMAN, m_both);
	CHECK_OK(sg_cosign_sig_attach(&reg, "lib/x", image, (const uint8_t *)payload,
		sizeof payload - 1, &an, 1, NULL, 0, &arena, &res, NULL));
	CHECK(res.attempts == 2 && !res.duplicate && res.layers == 2 && scripted_log.n == 8);
	CHECK(W.nwaits == 1 && W.waits[0] == 500); /* the backoff; no settle look was reached */
}

static void
test_blob_unknown(void)
{
	static const char mb[] = "{\"schemaVersion\":2}";
	static const char unknown[] = "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\","
				      "\"message\":\"blob unknown to registry\",\"detail\":"
				      "\"sha256:44136f\"}]}";
	static const char invalid[] = "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":"
				      "\"manifest invalid\"}]}";
	/* blob unknown, then accepted: sent again, announced */
	setup(1, 0);
	script_reset();
	add(H200, "");
	add(H400, unknown);
	add(H201, "");
	CHECK_OK(sg_registry_put_manifest(&reg, "lib/x", "v1", SG_MT_OCI_MANIFEST,
		(const uint8_t *)mb, sizeof mb - 1, NULL, NULL));
	CHECK(scripted_log.n == 3 && logged(1, "PUT /v2/lib/x/manifests/v1") &&
		logged(2, "PUT /v2/lib/x/manifests/v1"));
	CHECK(W.nlines == 1 &&
		strstr(W.lines[0],
			"Retrying PUT https://reg.example/v2/lib/x/"
			"manifests/v1 in 0.5 s (retry 1 of 3): 400 MANIFEST_BLOB_UNKNOWN") ==
			W.lines[0]);
	/* still unknown after the policy's retries: the registry's error */
	setup(1, 0);
	script_reset();
	add(H200, "");
	for (int i = 0; i < 4; i++)
		add(H400, unknown);
	sg_diag d;
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_registry_put_manifest(&reg, "lib/x", "v1", SG_MT_OCI_MANIFEST,
			  (const uint8_t *)mb, sizeof mb - 1, NULL, &d),
		SG_ERR_OCI_REGISTRY);
	char msg[1024];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(scripted_log.n == 5 && W.nlines == 3 && strstr(msg, "MANIFEST_BLOB_UNKNOWN") != NULL);
	/* another 400 is not sent again */
	setup(1, 0);
	script_reset();
	add(H200, "");
	add(H400, invalid);
	CHECK_ERR(sg_registry_put_manifest(&reg, "lib/x", "v1", SG_MT_OCI_MANIFEST,
			  (const uint8_t *)mb, sizeof mb - 1, NULL, NULL),
		SG_ERR_OCI_REGISTRY);
	CHECK(scripted_log.n == 2 && W.nlines == 0);
	/* nor anything without a policy */
	setup(0, 0);
	script_reset();
	add(H200, "");
	add(H400, unknown);
	CHECK_ERR(sg_registry_put_manifest(&reg, "lib/x", "v1", SG_MT_OCI_MANIFEST,
			  (const uint8_t *)mb, sizeof mb - 1, NULL, NULL),
		SG_ERR_OCI_REGISTRY);
	CHECK(scripted_log.n == 2);
}

int
main(void)
{
	make_referrer();
	test_fallback_lost_at_settle();
	test_fallback_keeps_moving();
	test_sig_lost_at_settle();
	test_blob_unknown();
	sg_http_client_close(&http);
	return test_finish();
}
