/* Target functions: sg_ociref_parse, sg_oci_digest_parse, sg_ociref_name, sg_ociref_repo_name,
 * sg_ociref_triangulate, sg_ociref_default_plain_http */
/* Invariants: a failed parse leaves the output zeroed; parsing is deterministic; the
 * normalised Name() parses back to the same reference (normalisation is idempotent), and so
 * does the repository name with the same registry and repository; a parsed digest formats
 * back to the input; all output strings are NUL-terminated with the recorded lengths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "oci/ociref.h"

static void
check_strings(const sg_ociref *r)
{
	if (strlen(r->registry) != r->registry_len || strlen(r->repository) != r->repository_len ||
		strlen(r->tag) != r->tag_len)
		abort();
	if (r->has_digest != (r->digest_str[0] != '\0'))
		abort();
	if (!r->has_digest && r->tag_len == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sg_ociref zero;
	sg_ociref r, r2;
	sg_err e = sg_ociref_parse(data, size, &r, NULL);
	sg_err e2 = sg_ociref_parse(data, size, &r2, NULL);
	if (e != e2 || memcmp(&r, &r2, sizeof r) != 0)
		abort();
	if (e != SG_OK) {
		if (memcmp(&r, &zero, sizeof r) != 0)
			abort();
	} else {
		check_strings(&r);
		char buf[SG_OCI_NAME_MAX + 16];
		sg_buf b;
		sg_buf_init(&b, buf, sizeof buf);
		if (sg_ociref_name(&r, &b) != SG_OK)
			abort();
		if (sg_ociref_parse(b.p, b.len, &r2, NULL) != SG_OK || memcmp(&r, &r2, sizeof r) != 0)
			abort();
		sg_buf_init(&b, buf, sizeof buf);
		if (sg_ociref_repo_name(&r, &b) != SG_OK)
			abort();
		if (sg_ociref_parse(b.p, b.len, &r2, NULL) != SG_OK ||
			strcmp(r2.registry, r.registry) != 0 || strcmp(r2.repository, r.repository) != 0)
			abort();
		sg_buf_init(&b, buf, sizeof buf);
		if ((sg_ociref_triangulate(&r, &b) == SG_OK) != (r.has_digest != 0))
			abort();
		(void)sg_ociref_default_plain_http(&r);
	}

	uint8_t dg[32];
	if (sg_oci_digest_parse(data, size, "fuzz", dg, NULL) == SG_OK) {
		char s[SG_OCI_DIGEST_STR_LEN + 1];
		sg_oci_digest_format(dg, s);
		if (size != SG_OCI_DIGEST_STR_LEN || memcmp(s, data, size) != 0)
			abort();
	}
	return 0;
}
