/* Target functions: sg_dockercfg_parse, sg_dockercfg_lookup, sg_dockercfg_lookup_key,
 * sg_dockercfg_keys, sg_dockercfg_hostname */
/* Invariants: a failed parse leaves the output zeroed; parsing is deterministic; after a
 * successful parse no lookup fails (every entry was validated up front), for fixed registries
 * and for the hostname of every stored key; a lookup that finds something reports a key, and
 * the key lookup of each stored auths key finds that entry's credentials. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "oci/dockercfg.h"

static uint8_t arena_mem[8u << 20];

static void
must_lookup(const sg_dockercfg *c, const char *reg, const char *repo, sg_arena *a)
{
	sg_docker_cred cr;
	int found = -1;
	if (sg_dockercfg_lookup(c, sg_slice_str(reg), sg_slice_str(repo), a, &cr, &found, NULL) !=
		SG_OK)
		abort();
	if (found != 0 && found != 1)
		abort();
	if (found && cr.key.p == NULL)
		abort();
	if (!found && (cr.username.p != NULL || cr.helper.p != NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_dockercfg c, c2;
	sg_err e = sg_dockercfg_parse(data, size, &a, &c, NULL);
	sg_err e2 = sg_dockercfg_parse(data, size, &a, &c2, NULL);
	if (e != e2)
		abort();
	if (e != SG_OK) {
		if (c.auths != SG_JSON_NONE || c.cred_helpers != SG_JSON_NONE ||
			c.creds_store.p != NULL || c.json.json != NULL)
			abort();
		return 0;
	}
	if (c.auths != c2.auths || c.cred_helpers != c2.cred_helpers)
		abort();
	must_lookup(&c, "index.docker.io", "library/alpine", &a);
	must_lookup(&c, "ghcr.io", "o/r", &a);
	must_lookup(&c, "localhost:5000", "x/y", &a);
	if (c.auths == SG_JSON_NONE)
		return 0;
	size_t count = 0;
	for (size_t k = sg_json_first(&c.json, c.auths); k != SG_JSON_NONE && count < 64;
		k = sg_json_next(&c.json, k), count++) {
		sg_slice key;
		if (sg_json_str(&c.json, k, "fuzz", &a, &key, NULL) != SG_OK)
			abort();
		sg_docker_cred cr;
		if (sg_dockercfg_lookup_key(&c, key, &a, &cr, NULL) != SG_OK)
			abort();
		sg_slice h = sg_dockercfg_hostname(key);
		if (h.len > key.len)
			abort();
		sg_slice keys[2];
		if (sg_dockercfg_keys(h, sg_slice_str("r/s"), &a, keys, NULL) != SG_OK)
			abort();
		int found;
		if (sg_dockercfg_lookup(&c, h, sg_slice_str("r/s"), &a, &cr, &found, NULL) != SG_OK)
			abort();
	}
	return 0;
}
