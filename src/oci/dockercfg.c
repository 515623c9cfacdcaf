/* dockercfg: docker config.json credentials. See dockercfg.h.
 *
 * Implementation notes. Format: docker/cli cli/config/configfile (ConfigFile: "auths",
 * "credHelpers", "credsStore"; decodeAuth), docker/cli cli/config/credentials (file store
 * lookup with ConvertToHostname, native store for helpers), ggcr pkg/authn/keychain.go
 * (keys tried, Docker Hub's key); protocol.md §2.6.
 * All validation happens in the parse step, so that a malformed entry for an unrelated
 * registry still fails closed and visibly, instead of depending on which key is asked for.
 * Diagnostics name the member, never its value: values may be passwords. */
#include "oci/dockercfg.h"

#include <string.h>

#include "base/limits.h"
#include "parse/codec.h"

static const char *const entry_strings[] = {"auth", "username", "password", "identitytoken",
	"registrytoken", "email", "serveraddress"};

/* A string member, or absent / null: *out = {NULL, 0}. */
SG_MUST_USE static sg_err
opt_str(const sg_json *j, size_t obj, const char *key, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	size_t t = sg_json_get(j, obj, key);
	if (t == SG_JSON_NONE || sg_json_type(j, t) == VFJ_NULL)
		return SG_OK;
	if (sg_json_type(j, t) != VFJ_STRING)
		return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG, "docker config auths entry",
			sg_json_offset(j, t));
	return sg_json_str(j, t, "docker config", arena, out, d);
}

/* Decode "auth" into user and password (arena copies). */
SG_MUST_USE static sg_err
decode_auth(sg_slice auth, sg_arena *arena, sg_slice *user, sg_slice *pass, sg_diag *d)
{
	static const char what[] = "docker config \"auth\"";
	size_t cap = sg_b64_decoded_max(auth.len), n = 0;
	void *mem;
	SG_TRY(sg_arena_get(arena, cap != 0 ? cap : 1, &mem, d));
	uint8_t *buf = mem;
	/* no diag from the codec: its offset is harmless, but keep secrets' shape out of it */
	if (sg_b64_decode(auth.p, auth.len, SG_B64_STD | SG_B64_PAD, buf, cap, &n, NULL) != SG_OK) {
		sg_wipe(buf, cap);
		return sg_diag_failf(d, SG_ERR_OCI_DOCKER_CONFIG, what, "not valid base64");
	}
	size_t colon = 0;
	while (colon < n && buf[colon] != ':')
		colon++;
	if (colon == n) {
		sg_wipe(buf, cap);
		return sg_diag_failf(d, SG_ERR_OCI_DOCKER_CONFIG, what,
			"does not decode to user:password");
	}
	*user = sg_slice_make(buf, colon);
	size_t ps = colon + 1, pe = n;
	while (ps < pe && buf[ps] == 0)
		ps++;
	while (pe > ps && buf[pe - 1] == 0)
		pe--;
	*pass = sg_slice_make(buf + ps, pe - ps);
	return SG_OK;
}

SG_MUST_USE static sg_err
read_entry(const sg_json *j, size_t obj, sg_arena *arena, sg_docker_cred *c, sg_diag *d)
{
	sg_slice auth;
	SG_TRY(opt_str(j, obj, "auth", arena, &auth, d));
	SG_TRY(opt_str(j, obj, "username", arena, &c->username, d));
	SG_TRY(opt_str(j, obj, "password", arena, &c->password, d));
	SG_TRY(opt_str(j, obj, "identitytoken", arena, &c->identity_token, d));
	SG_TRY(opt_str(j, obj, "registrytoken", arena, &c->registry_token, d));
	if (auth.len > 0)
		SG_TRY(decode_auth(auth, arena, &c->username, &c->password, d));
	return SG_OK;
}

SG_MUST_USE static sg_err
parse(const uint8_t *json, size_t len, sg_arena *arena, sg_dockercfg *out, sg_diag *d)
{
	static const char what[] = "docker config";
	sg_json *j = &out->json;
	SG_TRY(sg_json_parse(json, len, arena, what, j, d));
	size_t root = sg_json_root(j);
	if (sg_json_type(j, root) != VFJ_OBJECT)
		return sg_diag_failf(d, SG_ERR_OCI_DOCKER_CONFIG, what, "not a JSON object");

	out->auths = sg_json_get(j, root, "auths");
	if (out->auths != SG_JSON_NONE && sg_json_type(j, out->auths) == VFJ_NULL)
		out->auths = SG_JSON_NONE;
	if (out->auths != SG_JSON_NONE) {
		if (sg_json_type(j, out->auths) != VFJ_OBJECT)
			return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG, "docker config auths",
				sg_json_offset(j, out->auths));
		for (size_t k = sg_json_first(j, out->auths); k != SG_JSON_NONE;
			k = sg_json_next(j, k)) {
			size_t v = sg_json_first(j, k);
			if (sg_json_type(j, v) != VFJ_OBJECT)
				return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG,
					"docker config auths entry", sg_json_offset(j, v));
			size_t nf = sizeof entry_strings / sizeof entry_strings[0];
			for (size_t f = 0; f < nf; f++) {
				sg_slice s;
				SG_TRY(opt_str(j, v, entry_strings[f], arena, &s, d));
			}
			sg_docker_cred scratch;
			memset(&scratch, 0, sizeof scratch);
			SG_TRY(read_entry(j, v, arena, &scratch, d));
		}
	}

	out->cred_helpers = sg_json_get(j, root, "credHelpers");
	if (out->cred_helpers != SG_JSON_NONE && sg_json_type(j, out->cred_helpers) == VFJ_NULL)
		out->cred_helpers = SG_JSON_NONE;
	if (out->cred_helpers != SG_JSON_NONE) {
		if (sg_json_type(j, out->cred_helpers) != VFJ_OBJECT)
			return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG,
				"docker config credHelpers", sg_json_offset(j, out->cred_helpers));
		for (size_t k = sg_json_first(j, out->cred_helpers); k != SG_JSON_NONE;
			k = sg_json_next(j, k)) {
			size_t v = sg_json_first(j, k);
			if (sg_json_type(j, v) != VFJ_STRING)
				return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG,
					"docker config credHelpers entry", sg_json_offset(j, v));
		}
	}

	size_t cs = sg_json_get(j, root, "credsStore");
	out->creds_store = sg_slice_make(NULL, 0);
	if (cs != SG_JSON_NONE && sg_json_type(j, cs) != VFJ_NULL) {
		if (sg_json_type(j, cs) != VFJ_STRING)
			return sg_diag_fail_at(d, SG_ERR_OCI_DOCKER_CONFIG,
				"docker config credsStore", sg_json_offset(j, cs));
		SG_TRY(sg_json_str(j, cs, what, arena, &out->creds_store, d));
	}
	return SG_OK;
}

/* see dockercfg.h */
sg_err
sg_dockercfg_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_dockercfg *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	out->auths = out->cred_helpers = SG_JSON_NONE;
	sg_err e = parse(json, len, arena, out, d);
	if (e != SG_OK) {
		memset(out, 0, sizeof *out);
		out->auths = out->cred_helpers = SG_JSON_NONE;
	}
	return e;
}

/* see dockercfg.h */
sg_slice
sg_dockercfg_hostname(sg_slice key)
{
	sg_slice s = key;
	if (s.len >= 7 && memcmp(s.p, "http://", 7) == 0)
		s = sg_slice_make(s.p + 7, s.len - 7);
	else if (s.len >= 8 && memcmp(s.p, "https://", 8) == 0)
		s = sg_slice_make(s.p + 8, s.len - 8);
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == '/')
			return sg_slice_make(s.p, i);
	return s;
}

static int
nonempty(const sg_docker_cred *c)
{
	return c->helper.len > 0 || c->username.len > 0 || c->password.len > 0 ||
		c->identity_token.len > 0 || c->registry_token.len > 0;
}

/* see dockercfg.h */
sg_err
sg_dockercfg_lookup_key(const sg_dockercfg *cfg, sg_slice key, sg_arena *arena, sg_docker_cred *c,
	sg_diag *d)
{
	const sg_json *j = &cfg->json;
	memset(c, 0, sizeof *c);
	c->key = key;
	if (cfg->cred_helpers != SG_JSON_NONE && key.len > 0) {
		size_t h = vfj_obj_get(&j->doc, cfg->cred_helpers, (const char *)key.p, key.len);
		if (h != SG_JSON_NONE)
			SG_TRY(sg_json_str(j, h, "docker config credHelpers", arena, &c->helper,
				d));
	}
	if (c->helper.len == 0 && cfg->creds_store.len > 0)
		c->helper = cfg->creds_store;
	if (cfg->auths == SG_JSON_NONE)
		return SG_OK;
	size_t v = vfj_obj_get(&j->doc, cfg->auths, (const char *)key.p, key.len);
	if (v == SG_JSON_NONE) {
		/* legacy keys: compare each key's hostname, first match in file order */
		for (size_t k = sg_json_first(j, cfg->auths); k != SG_JSON_NONE;
			k = sg_json_next(j, k)) {
			sg_slice name;
			SG_TRY(sg_json_str(j, k, "docker config auths", arena, &name, d));
			if (sg_slice_eq(sg_dockercfg_hostname(name), key)) {
				v = sg_json_first(j, k);
				c->key = name;
				break;
			}
		}
	}
	if (v == SG_JSON_NONE)
		return SG_OK;
	return read_entry(j, v, arena, c, d);
}

/* see dockercfg.h */
sg_err
sg_dockercfg_keys(sg_slice registry, sg_slice repository, sg_arena *arena, sg_slice keys[2],
	sg_diag *d)
{
	keys[0] = keys[1] = sg_slice_make(NULL, 0);
	size_t n1;
	if (!sg_add_ok(registry.len, repository.len, &n1) || !sg_add_ok(n1, 1, &n1))
		return sg_diag_fail(d, SG_ERR_LIMIT, "docker config lookup");
	void *mem;
	SG_TRY(sg_arena_get(arena, n1, &mem, d));
	uint8_t *k1 = mem;
	if (registry.len > 0)
		memcpy(k1, registry.p, registry.len);
	k1[registry.len] = '/';
	if (repository.len > 0)
		memcpy(k1 + registry.len + 1, repository.p, repository.len);
	keys[0] = sg_slice_make(k1, n1);
	keys[1] = registry;
	if (sg_slice_eq_str(registry, "index.docker.io"))
		keys[1] = sg_slice_str(SG_DOCKER_HUB_AUTH_KEY);
	return SG_OK;
}

/* see dockercfg.h */
sg_err
sg_dockercfg_lookup(const sg_dockercfg *cfg, sg_slice registry, sg_slice repository,
	sg_arena *arena, sg_docker_cred *out, int *found, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	*found = 0;
	sg_slice keys[2];
	SG_TRY(sg_dockercfg_keys(registry, repository, arena, keys, d));
	for (size_t i = 0; i < 2; i++) {
		sg_err e = sg_dockercfg_lookup_key(cfg, keys[i], arena, out, d);
		if (e != SG_OK) {
			memset(out, 0, sizeof *out);
			return e;
		}
		if (nonempty(out)) {
			*found = 1;
			return SG_OK;
		}
	}
	memset(out, 0, sizeof *out);
	return SG_OK;
}
