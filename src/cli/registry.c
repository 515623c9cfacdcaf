/* registry: what the image commands (verify, sign, triangulate) share to reach a registry:
 * the registry flags, the network stack (net dialer, http client) and the credentials, by
 * precedence (protocol.md §2.6):
 *   1. --registry-username/--registry-password (Basic, also sent to a token realm), or
 *      --registry-token (a bearer token sent as is);
 *   2. the docker config: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (docker's
 *      own rule): credHelpers/credsStore run docker-credential-<name> get; else the auths
 *      entry (auth = base64 user:password, username/password, identitytoken,
 *      registrytoken); keys "<registry>/<repo>" then "<registry>";
 *   3. anonymous.
 * Every buffer that held a secret lives in the command's arena, which main.c wipes; the
 * helper's output is wiped here as soon as it has been parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "oci/dockercfg.h"
#include "online/credhelper.h"
#include "online/registry.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"

/* The network stack's memory: up to 4 connections of ~40 KiB, the trust anchors and the
 * scratch used while reading a CA bundle (at most SG_MAX_PEM_FILE). */
#define NET_ARENA (SG_MAX_PEM_FILE + 2u * 1024u * 1024u)

struct sg_cli_reg {
	sg_arena net_arena;
	sg_net_opts net;
	sg_net_dialer dialer;
	sg_http_client http;
	uint8_t *iobuf;
	sg_registry reg;
	uint8_t *helper_out; /* credential helper output (secret), wiped after parsing */
	size_t helper_len;
};

/* Run the helper for `key`; *found = 0 when it knows nothing. */
SG_MUST_USE static sg_err
from_helper(struct sg_cli_reg *c, sg_slice helper, sg_slice key, sg_arena *arena,
	sg_registry_creds *creds, int *found, sg_diag *d)
{
	*found = 0;
	if (c->helper_out == NULL)
		SG_TRY(sg_arena_get(arena, SG_MAX_CRED_HELPER_OUTPUT, (void **)&c->helper_out, d));
	size_t n = 0;
	int ok = 0;
	sg_err err = sg_cred_helper_run(helper, key, 0, c->helper_out, SG_MAX_CRED_HELPER_OUTPUT,
		&n, &ok, d);
	if (err != SG_OK || !ok)
		return err;
	/* Copy the reply's secrets out of the output buffer, which is wiped at once. */
	sg_cred_helper_reply rep;
	err = sg_cred_helper_parse(c->helper_out, n, arena, &rep, d);
	if (err == SG_OK) {
		uint8_t *u = NULL, *s = NULL;
		if ((err = sg_arena_get(arena, rep.username.len + 1, (void **)&u, d)) == SG_OK &&
			(err = sg_arena_get(arena, rep.secret.len + 1, (void **)&s, d)) == SG_OK) {
			if (rep.username.len > 0)
				memcpy(u, rep.username.p, rep.username.len);
			memcpy(s, rep.secret.p, rep.secret.len);
			if (rep.identity_token) {
				creds->identity_token = sg_slice_make(s, rep.secret.len);
			} else {
				creds->username = sg_slice_make(u, rep.username.len);
				creds->password = sg_slice_make(s, rep.secret.len);
			}
			*found = 1;
		}
	}
	sg_wipe(c->helper_out, n);
	return err;
}

SG_MUST_USE static sg_err
from_docker_config(struct sg_cli_reg *c, const char *registry, const char *repository,
	sg_arena *arena, sg_registry_creds *creds, sg_diag *d)
{
	char path[4096];
	const char *dir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	int n;
	if (dir != NULL && dir[0] != '\0')
		n = snprintf(path, sizeof path, "%s/config.json", dir);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(path, sizeof path, "%s/.docker/config.json", home);
	else
		return SG_OK;
	if (n < 0 || (size_t)n >= sizeof path || !sg_os_is_file(path))
		return SG_OK;
	sg_slice file;
	const char *src = d != NULL ? d->source : NULL;
	/* The diagnostic may name the file after we return: the name must outlive this frame. */
	char *name;
	SG_TRY(sg_arena_get(arena, (size_t)n + 1, (void **)&name, d));
	memcpy(name, path, (size_t)n + 1);
	if (d != NULL)
		d->source = name;
	sg_err err = sg_os_read_file(path, SG_MAX_JSON, arena, &file, d);
	sg_dockercfg cfg;
	if (err == SG_OK)
		err = sg_dockercfg_parse(file.p, file.len, arena, &cfg, d);
	if (err != SG_OK)
		return err; /* d->source keeps naming the file */
	if (d != NULL)
		d->source = src;
	sg_slice keys[2];
	SG_TRY(sg_dockercfg_keys(sg_slice_str(registry), sg_slice_str(repository), arena, keys, d));
	for (size_t k = 0; k < 2; k++) {
		sg_docker_cred dc;
		SG_TRY(sg_dockercfg_lookup_key(&cfg, keys[k], arena, &dc, d));
		if (dc.helper.len > 0) {
			int found;
			SG_TRY(from_helper(c, dc.helper, keys[k], arena, creds, &found, d));
			if (found)
				return SG_OK;
			/* The helper knows nothing for this key: a file entry may still. */
		}
		if (dc.username.len > 0 || dc.password.len > 0 || dc.identity_token.len > 0 ||
			dc.registry_token.len > 0) {
			creds->username = dc.username;
			creds->password = dc.password;
			creds->identity_token = dc.identity_token;
			creds->registry_token = dc.registry_token;
			return SG_OK;
		}
	}
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_registry_open(const sg_cli_registry_flags *f, const char *registry,
	const char *repository, sg_arena *arena, struct sg_cli_reg **out, sg_diag *d)
{
	struct sg_cli_reg *c;
	*out = NULL;
	if ((f->username != NULL) != (f->password != NULL))
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--registry-username and --registry-password go together");
	SG_TRY(sg_arena_get(arena, sizeof *c, (void **)&c, d));
	SG_TRY(sg_net_opts_from_env(&c->net, d));
	c->net.insecure_tls = f->allow_insecure;
	/* Said every time it is used (style: no check is skipped silently). */
	if (f->allow_insecure)
		fprintf(stderr, "WARNING: --allow-insecure-registry: the TLS certificate of %s "
			"(and of every host it sends us to) is NOT verified; anyone on the network "
			"path can impersonate it and read the credentials sent to it.\n", registry);
	/* The dialer allocates connections and trust anchors lazily, for as long as it lives;
	 * it gets its own arena so the registry client may hand back scratch memory of the
	 * command's arena without pulling a live connection out from under it. */
	uint8_t *netmem = sg_arena_alloc_uninit(arena, NET_ARENA);
	if (netmem == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	sg_arena_init(&c->net_arena, netmem, NET_ARENA);
	SG_TRY(sg_net_dialer_init(&c->dialer, &c->net, &c->net_arena, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&c->iobuf, d));
	sg_http_client_init(&c->http, &c->dialer, &c->net, c->iobuf);
	c->http.user_agent = "picosign/" SG_VERSION;
	SG_TRY(sg_cli_retry(&c->net, &c->http.retry, d));

	sg_registry_creds creds;
	memset(&creds, 0, sizeof creds);
	if (f->username != NULL) {
		creds.username = sg_slice_str(f->username);
		creds.password = sg_slice_str(f->password);
	} else if (f->token != NULL) {
		creds.registry_token = sg_slice_str(f->token);
	} else {
		SG_TRY(from_docker_config(c, registry, repository, arena, &creds, d));
	}
	sg_err err = sg_registry_init(&c->reg, &c->http, registry, f->allow_http, &creds, arena, d);
	if (err != SG_OK) {
		sg_http_client_close(&c->http);
		return err;
	}
	*out = c;
	return SG_OK;
}

/* see cli.h */
struct sg_registry *
sg_cli_registry_get(struct sg_cli_reg *c)
{
	return &c->reg;
}

/* see cli.h */
void
sg_cli_registry_close(struct sg_cli_reg *c)
{
	if (c == NULL)
		return;
	sg_registry_close(&c->reg);
	sg_http_client_close(&c->http);
	if (c->helper_out != NULL)
		sg_wipe(c->helper_out, SG_MAX_CRED_HELPER_OUTPUT);
}

/* see cli.h */
sg_err
sg_cli_image_ref(const uint8_t *s, size_t len, sg_ociref *ref, char name[SG_CLI_NAME_CAP],
	sg_diag *d)
{
	sg_buf nb;
	sg_buf_init(&nb, name, SG_CLI_NAME_CAP - 1);
	SG_TRY(sg_ociref_parse(s, len, ref, d));
	if (sg_ociref_name(ref, &nb) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "image name");
	name[nb.len] = '\0';
	return SG_OK;
}
