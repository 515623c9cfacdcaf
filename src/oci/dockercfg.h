/* dockercfg: the docker client config file, config.json (layer 3; protocol.md §2.6).
 *
 *   {"auths":{"<key>":{"auth":"base64(user:password)","username":...,"password":...,
 *              "identitytoken":...,"registrytoken":...},...},
 *    "credHelpers":{"<key>":"<helper>"},"credsStore":"<helper>", ...other keys ignored}
 *
 * The document is parsed strictly as JSON (vfj: no duplicate keys, at most SG_MAX_JSON
 * bytes). The members above must have the types shown when present; other members (psFormat,
 * proxies, plugins...) are ignored, and so are unknown members of an auths entry.
 * "auth" is standard base64 of "user:password", split at the first ':' (a decoded value
 * without ':' is an error, as in docker); trailing NUL bytes of the password are dropped, as
 * docker's decodeAuth does; it overrides username/password when both are present.
 *
 * Lookup follows ggcr's DefaultKeychain on top of docker's config file library:
 *   keys tried: "<registry>/<repository>", then "<registry>"; Docker Hub's registry key is
 *   "https://index.docker.io/v1/";
 *   for each key: credHelpers[key] (or else credsStore) names a helper program; otherwise an
 *   auths entry whose key equals it exactly, else the first (in file order) whose key, after
 *   removing "http://" or "https://" and everything from the first '/', equals it.
 * The first key with a non-empty result wins.
 *
 * Secrets: passwords and tokens are views into the input or copies in the arena; the caller
 * wipes both (sg_arena_wipe) when done. They are never put in sg_diag. */
#ifndef SG_DOCKERCFG_H
#define SG_DOCKERCFG_H

#include <stddef.h>

#include "base/bytes.h"
#include "base/err.h"
#include "parse/json.h"

/* The config.json key docker and ggcr use for Docker Hub. */
#define SG_DOCKER_HUB_AUTH_KEY "https://index.docker.io/v1/"

typedef struct sg_dockercfg {
	sg_json json;
	size_t auths;        /* token of "auths", SG_JSON_NONE when absent */
	size_t cred_helpers; /* token of "credHelpers", SG_JSON_NONE when absent */
	sg_slice creds_store; /* empty when absent */
} sg_dockercfg;

typedef struct sg_docker_cred {
	sg_slice key;            /* the config key that matched (the one asked for, for helpers) */
	sg_slice helper;         /* a credential helper name: run docker-credential-<helper> */
	sg_slice username;
	sg_slice password;       /* secret */
	sg_slice identity_token; /* secret: an OAuth2 refresh token */
	sg_slice registry_token; /* secret: a bearer token to send as is */
} sg_docker_cred;

/* Parse a config.json of `len` bytes (tokens from `arena`). Errors: SG_ERR_JSON_*,
 * SG_ERR_OCI_DOCKER_CONFIG (a known member of the wrong type, an invalid "auth"), SG_ERR_LIMIT.
 * Every auths entry is validated here, so lookups cannot fail later. `out` zeroed on failure. */
SG_MUST_USE sg_err sg_dockercfg_parse(const uint8_t *json, size_t len, sg_arena *arena,
	sg_dockercfg *out, sg_diag *d);

/* The two keys ggcr asks for, in order: keys[0] = "<registry>/<repository>" (built in the
 * arena), keys[1] = "<registry>" or SG_DOCKER_HUB_AUTH_KEY for "index.docker.io".
 * SG_ERR_LIMIT when the arena is full. */
SG_MUST_USE sg_err sg_dockercfg_keys(sg_slice registry, sg_slice repository, sg_arena *arena,
	sg_slice keys[2], sg_diag *d);

/* What docker's GetAuthConfig(key) sees in the file: the helper configured for `key`
 * (credHelpers[key], else credsStore) and the file entry for `key` (exact, else by hostname).
 * `out` is zeroed first. Errors: SG_ERR_LIMIT (arena). */
SG_MUST_USE sg_err sg_dockercfg_lookup_key(const sg_dockercfg *cfg, sg_slice key,
	sg_arena *arena, sg_docker_cred *out, sg_diag *d);

/* Find credentials for repository `repository` on registry `registry` (as sg_ociref holds
 * them: "index.docker.io", "library/alpine"): sg_dockercfg_lookup_key over the two keys, the
 * first key with a helper or file credentials wins. *found = 0 (and `out` zeroed) means
 * anonymous. When `out->helper` is set, the caller runs the helper for `out->key`; if the
 * helper knows nothing for it, ggcr moves on to the next key, which the caller does with
 * sg_dockercfg_lookup_key. Note docker's hostname rule: a stored key "gcr.io/p/i" also
 * serves every other repository of gcr.io through the registry key. Errors: SG_ERR_LIMIT. */
SG_MUST_USE sg_err sg_dockercfg_lookup(const sg_dockercfg *cfg, sg_slice registry,
	sg_slice repository, sg_arena *arena, sg_docker_cred *out, int *found, sg_diag *d);

/* docker's ConvertToHostname: drop a leading "http://" or "https://", then everything from the
 * first '/'. */
sg_slice sg_dockercfg_hostname(sg_slice key);

#endif
