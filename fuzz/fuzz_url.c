/* Target functions: sg_url_parse, sg_url_write, sg_url_write_target, sg_url_write_authority,
 * sg_url_resolve */
/* Invariants: views lie inside the input; parsing is deterministic; the written normal form
 * parses back to the same components; resolving the input as a reference against a fixed base
 * gives text that, once parsed and resolved again, does not change (idempotence). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/url.h"
#include "fuzz_common.h"


static int
same_slice(sg_slice a, sg_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_url u, u2;
	sg_err e = sg_url_parse(data, size, &u, NULL);
	sg_err e2 = sg_url_parse(data, size, &u2, NULL);
	if (e != e2)
		abort();
	if (e == SG_OK) {
		if (!fuzz_inside(u.host, data, size) || !fuzz_inside(u.path, data, size) ||
			!fuzz_inside(u.query, data, size) || u.host.len == 0 || u.port == 0)
			abort();
		if (u.path.len > 0 && u.path.p[0] != '/')
			abort();
		static uint8_t mem[SG_MAX_URL + 64];
		sg_buf b;
		sg_buf_init(&b, mem, sizeof mem);
		sg_url_write(&u, &b);
		if (sg_buf_status(&b) != SG_OK)
			abort();
		sg_url r;
		if (sg_url_parse(b.p, b.len, &r, NULL) != SG_OK)
			abort();
		if (r.scheme != u.scheme || r.port != u.port || r.ipv6 != u.ipv6 ||
			!same_slice(r.host, u.host) || !same_slice(r.query, u.query) ||
			r.has_query != u.has_query)
			abort();
		if (!(same_slice(r.path, u.path) || (u.path.len == 0 && r.path.len == 1)))
			abort();
		if (!sg_url_same_origin(&u, &r))
			abort();
	} else {
		if (u.host.p != NULL || u.scheme != SG_URL_NONE)
			abort();
	}

	/* Resolution against a fixed base. */
	static const char base_s[] = "https://registry.example:5000/v2/a/b/blobs/uploads/x?s=1";
	sg_url base;
	if (sg_url_parse((const uint8_t *)base_s, strlen(base_s), &base, NULL) != SG_OK)
		abort();
	static uint8_t out1[SG_MAX_URL * 3], out2[SG_MAX_URL * 3];
	sg_buf b1, b2;
	sg_buf_init(&b1, out1, sizeof out1);
	if (sg_url_resolve(&base, data, size, &b1, NULL) == SG_OK) {
		sg_url t;
		if (sg_url_parse(b1.p, b1.len, &t, NULL) == SG_OK) {
			sg_buf_init(&b2, out2, sizeof out2);
			if (sg_url_resolve(&base, b1.p, b1.len, &b2, NULL) != SG_OK)
				abort();
			if (b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
				abort();
		}
	}
	return 0;
}
