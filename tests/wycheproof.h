/* wycheproof: what the Wycheproof vector tests (test_crypto, test_ed25519) share. */
#ifndef SG_TEST_WYCHEPROOF_H
#define SG_TEST_WYCHEPROOF_H

#include <stdint.h>
#include <stdlib.h>

#include "parse/codec.h"
#include "vfj.h"

/* Decode the hex string member `key` of `obj` into a malloc'd buffer; NULL when absent or
 * not lowercase hex (tests only: the caller frees). */
static inline uint8_t *
wp_hex(const vfj_doc *doc, size_t obj, const char *key, size_t keylen, size_t *len)
{
	const uint8_t *p;
	size_t n;
	*len = 0;
	if (vfj_obj_str_span(doc, obj, key, keylen, &p, &n) != VFJ_OK)
		return NULL;
	uint8_t *out = malloc(n / 2 + 1);
	if (out == NULL)
		return NULL;
	if (sg_hex_decode(p, n, out, n / 2 + 1, len, NULL) != SG_OK) {
		free(out);
		return NULL;
	}
	return out;
}

#endif
