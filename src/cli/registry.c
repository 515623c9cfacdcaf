/* registry: what the image commands (verify, sign, triangulate, download) share to reach a
 * registry: the registry flags, the network stack (net dialer, http client) and the
 * credentials, by precedence (protocol.md §2.6):
 *   1. --registry-username/--registry-password (Basic, also sent to a token realm), or
 *      --registry-token (a bearer token sent as is);
 *   2. the auth file, as go-containerregistry's default keychain finds it: the docker config
 *      when $HOME/.docker/config.json or $DOCKER_CONFIG/config.json exists ($DOCKER_CONFIG's
 *      when set, docker's rule), else $REGISTRY_AUTH_FILE (podman, skopeo, buildah), else
 *      $XDG_RUNTIME_DIR/containers/auth.json, else $XDG_CONFIG_HOME (or ~/.config)
 *      /containers/auth.json; in it, credHelpers/credsStore run docker-credential-<name> get,
 *      else the auths entry (auth = base64 user:password, username/password, identitytoken,
 *      registrytoken); keys "<registry>/<repo>" then "<registry>";
 *   3. anonymous.
 * Every buffer that held a secret lives in the command's arena, which main.c wipes; the
 * helper's output is wiped here as soon as it has been parsed.
 *
 * Plain http, as go-containerregistry decides it (name.Registry.Scheme, transport ping): a
 * registry on a loopback host (localhost, 127.0.0.0/8, ::1) or one allowed by
 * --allow-http-registry is tried over https first and over http when TLS fails; any other
 * registry is https only, and a TLS failure there names the flag that would allow http
 * (sg_cli_registry_hint). ggcr also treats private (RFC 1918) addresses that way; picosign
 * does not (docs/decisions.md). The answer is remembered per host for the life of the
 * network stack, so a run over many images probes once.
 *
 * The ping's answer (GET /v2/ without credentials: the status and the challenges) is kept per
 * host for the life of the network stack too, and every registry client opened on the host
 * takes it instead of asking again: the https probe's answer, which is the same request (as in
 * ggcr, whose ping is the probe), or else the first client's own ping. cosign's shared puller
 * pings once per repository for a command; this pings once per host (docs/performance.md,
 * "Round trips"). The token cache is kept per host the same way (a scope names the
 * repository, and the credentials for a repository are the same for every image), so the
 * images of one worker fetch one token per repository and scope; wiped at the stack's close.
 *
 * The network stack (sg_cli_net) is separate from the per-image registry state so one worker
 * of verify IMAGE... keeps its connection across the images it verifies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "crypto/drbg.h"
#include "oci/dockercfg.h"
#include "online/credhelper.h"
#include "online/registry.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"

/* The network stack's memory: up to 4 connections of ~40 KiB, the trust anchors and the
 * scratch used while reading a CA bundle (at most SG_MAX_PEM_FILE). */
#define NET_ARENA (SG_MAX_PEM_FILE + 2u * 1024u * 1024u)

/* Hosts whose scheme one network stack remembers. */
#define NET_SCHEMES 8u

struct sg_cli_net {
	sg_arena net_arena;
	sg_net_opts net;
	sg_net_dialer dialer;
	sg_http_client http;
	uint8_t *iobuf;
	/* This stack's copy of the retry policy, with a jitter source of its own: verify's
	 * workers retry at the same time, and a DRBG is not to be shared across threads. */
	sg_retry retry;
	sg_drbg retry_rng;
	struct net_scheme {
		char host[SG_OCI_REGISTRY_MAX + 1];
		int plain;   /* 1: http, 0: https */
		sg_diag why; /* the probe's failure, kept for every later open; SG_OK if none */
	} schemes[NET_SCHEMES];
	size_t n_schemes;
	/* The ping's answer and the token cache per registry host (see the top), for as many
	 * hosts as schemes; the tokens come from net_arena when first needed, and are this
	 * stack's alone (sg_cli_net_share does not copy them) and wiped at its close. */
	struct net_ping {
		char host[SG_OCI_REGISTRY_MAX + 1];
		sg_regauth_memo memo;
		sg_regauth_tokens *tokens;
	} pings[NET_SCHEMES];
	size_t n_pings;
};

struct sg_cli_reg {
	sg_cli_net *net;
	int own_net;         /* opened by sg_cli_registry_open: closed with the registry */
	sg_registry reg;
	int allow_http;      /* --allow-http-registry */
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

/* path = dir "/" name into out[0..cap); 0 when it does not fit or dir is unset. */
static int
join(char *out, size_t cap, const char *dir, const char *name)
{
	if (dir == NULL || dir[0] == '\0')
		return 0;
	int n = snprintf(out, cap, "%s/%s", dir, name);
	return n > 0 && (size_t)n < cap;
}

/* The auth file go-containerregistry's default keychain reads (see the top); 0 when none. */
static int
auth_file(char *path, size_t cap)
{
	const char *home = getenv("HOME"), *dc = getenv("DOCKER_CONFIG");
	char p[4096];
	int docker = (join(p, sizeof p, home, ".docker/config.json") && sg_os_is_file(p)) ||
		(join(p, sizeof p, dc, "config.json") && sg_os_is_file(p));
	if (docker)
		return dc != NULL && dc[0] != '\0' ? join(path, cap, dc, "config.json")
						  : join(path, cap, home, ".docker/config.json");
	const char *raf = getenv("REGISTRY_AUTH_FILE");
	if (raf != NULL && raf[0] != '\0' && sg_os_is_file(raf)) {
		int n = snprintf(path, cap, "%s", raf);
		return n > 0 && (size_t)n < cap;
	}
	if (join(path, cap, getenv("XDG_RUNTIME_DIR"), "containers/auth.json") &&
		sg_os_is_file(path))
		return 1;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	int ok = xdg != NULL && xdg[0] != '\0'
		? join(path, cap, xdg, "containers/auth.json")
		: join(path, cap, home, ".config/containers/auth.json");
	return ok && sg_os_is_file(path);
}

SG_MUST_USE static sg_err
from_docker_config(struct sg_cli_reg *c, const char *registry, const char *repository,
	sg_arena *arena, sg_registry_creds *creds, sg_diag *d)
{
	char path[4096];
	if (!auth_file(path, sizeof path))
		return SG_OK;
	size_t n = strlen(path);
	sg_slice file;
	const char *src = d != NULL ? d->source : NULL;
	/* The diagnostic may name the file after we return: the name must outlive this frame. */
	char *name;
	SG_TRY(sg_arena_get(arena, n + 1, (void **)&name, d));
	memcpy(name, path, n + 1);
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
sg_cli_net_open(const sg_cli_registry_flags *f, sg_arena *arena, sg_cli_net **out, sg_diag *d)
{
	sg_cli_net *n;
	*out = NULL;
	SG_TRY(sg_arena_get(arena, sizeof *n, (void **)&n, d));
	SG_TRY(sg_net_opts_from_env(&n->net, d));
	if (f->timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(f->timeout, &ms, d));
		sg_net_opts_set_timeout(&n->net, ms);
	}
	/* --registry-cacert: the registry's own CA, for this stack only (Fulcio and Rekor
	 * connections keep the system's). */
	if (f->cacert != NULL && f->cacert[0] != '\0')
		n->net.ca_file = f->cacert;
	n->net.insecure_tls = f->allow_insecure;
	/* The dialer allocates connections and trust anchors lazily, for as long as it lives;
	 * it gets its own arena so the registry client may hand back scratch memory of the
	 * command's arena without pulling a live connection out from under it. */
	SG_TRY(sg_cli_dialer_init(&n->dialer, &n->net, &n->net_arena, arena, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&n->iobuf, d));
	sg_http_client_init(&n->http, &n->dialer, &n->net, n->iobuf);
	n->http.user_agent = "picosign/" SG_VERSION;
	sg_retry *shared;
	SG_TRY(sg_cli_retry(&n->net, &shared, d));
	n->retry = *shared;
	n->retry.rng = sg_drbg_init(&n->retry_rng, NULL) == SG_OK ? &n->retry_rng : NULL;
	n->http.retry = &n->retry;
	*out = n;
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_dialer_init(sg_net_dialer *dl, const sg_net_opts *o, sg_arena *net_arena,
	sg_arena *arena, sg_diag *d)
{
	uint8_t *netmem = sg_arena_alloc_uninit(arena, NET_ARENA);
	if (netmem == NULL)
		return sg_diag_fail(d, SG_ERR_LIMIT, "arena");
	sg_arena_init(net_arena, netmem, NET_ARENA);
	return sg_net_dialer_init(dl, o, net_arena, d);
}

/* see cli.h */
void
sg_cli_net_close(sg_cli_net *n)
{
	if (n == NULL)
		return;
	sg_http_client_close(&n->http);
	for (size_t i = 0; i < n->n_pings; i++)
		if (n->pings[i].tokens != NULL)
			sg_regauth_tokens_wipe(n->pings[i].tokens);
}

/* see cli.h */
unsigned
sg_cli_net_connects(const sg_cli_net *n)
{
	return n != NULL ? n->http.connects : 0;
}

/* Whether `host` ("localhost:5000", "[::1]:5000") is a loopback address by name. */
static int
host_is_loopback(const char *host)
{
	char url[SG_OCI_REGISTRY_MAX + 16];
	sg_url u;
	int n = snprintf(url, sizeof url, "http://%s/", host);
	return n > 0 && (size_t)n < sizeof url &&
		sg_url_parse((const uint8_t *)url, (size_t)n, &u, NULL) == SG_OK &&
		sg_url_is_loopback(&u);
}

/* Whether an https failure says the server does not speak TLS at all. A certificate the
 * client rejects (unknown authority, another name, expired) comes from a TLS server: falling
 * back to http then would only hide the real problem. */
static int
speaks_no_tls(sg_err e)
{
	return e == SG_ERR_TLS_VERSION || e == SG_ERR_TLS_HANDSHAKE || e == SG_ERR_TLS_IO ||
		e == SG_ERR_NET_CLOSED;
}

/* What is kept for `host`, a new empty entry when there is none; NULL when the table is full
 * (that host's clients ping and fetch tokens for themselves). */
static struct net_ping *
ping_for(sg_cli_net *n, const char *host)
{
	for (size_t i = 0; i < n->n_pings; i++)
		if (strcmp(n->pings[i].host, host) == 0)
			return &n->pings[i];
	if (n->n_pings == NET_SCHEMES)
		return NULL;
	struct net_ping *p = &n->pings[n->n_pings++];
	memset(p, 0, sizeof *p);
	snprintf(p->host, sizeof p->host, "%s", host);
	return p;
}

/* ggcr's scheme rule (see the top): *plain = 1 for plain http. A loopback registry, or any
 * with --allow-http-registry, gets GET https://HOST/v2/ first; an HTTP answer of any status
 * means TLS works (and leaves the connection kept alive for the requests that follow), a
 * handshake that fails the way a plain-http server makes it fail means http. Any other
 * failure is the registry's error, as ggcr's ping makes it: a TLS server whose certificate
 * is refused says so here, once, rather than again on a second connection it may not take. */
SG_MUST_USE static sg_err
plain_for(sg_cli_net *n, const char *host, int allow_http, int *plain, sg_diag *d)
{
	*plain = 0;
	if (!allow_http && !host_is_loopback(host))
		return SG_OK;
	for (size_t i = 0; i < n->n_schemes; i++)
		if (strcmp(n->schemes[i].host, host) == 0) {
			*plain = n->schemes[i].plain;
			if (n->schemes[i].why.code == SG_OK)
				return SG_OK;
			if (d != NULL)
				*d = n->schemes[i].why;
			return n->schemes[i].why.code;
		}
	char url[SG_OCI_REGISTRY_MAX + 16];
	int len = snprintf(url, sizeof url, "https://%s/v2/", host);
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = sg_slice_make(url, len > 0 ? (size_t)len : 0);
	req.no_redirects = 1;
	uint8_t body[512];
	sg_http_response resp;
	sg_diag why;
	sg_diag_init(&why, NULL);
	if (sg_http_do(&n->http, &req, body, sizeof body, &resp, &why) != SG_OK &&
		speaks_no_tls(why.code)) {
		*plain = 1;
		sg_diag_init(&why, NULL);
	}
	if (n->n_schemes < NET_SCHEMES) {
		snprintf(n->schemes[n->n_schemes].host, sizeof n->schemes[0].host, "%s", host);
		n->schemes[n->n_schemes].plain = *plain;
		n->schemes[n->n_schemes++].why = why;
	}
	/* An answer over https is the ping's answer too: the same GET /v2/, no credentials. */
	struct net_ping *p;
	if (!*plain && why.code == SG_OK && (p = ping_for(n, host)) != NULL)
		sg_regauth_memo_keep(&p->memo, &resp);
	if (why.code != SG_OK && d != NULL)
		*d = why;
	return why.code;
}

/* see cli.h */
void
sg_cli_net_learn(sg_cli_net *n, const char *registry, int allow_http)
{
	int plain;
	sg_err e = plain_for(n, registry, allow_http, &plain, NULL);
	(void)e; /* remembered: the open that follows reports it */
}

/* see cli.h */
void
sg_cli_net_share(sg_cli_net *to, const sg_cli_net *from)
{
	memcpy(to->schemes, from->schemes, sizeof to->schemes);
	to->n_schemes = from->n_schemes;
	memcpy(to->pings, from->pings, sizeof to->pings);
	to->n_pings = from->n_pings;
	for (size_t i = 0; i < to->n_pings; i++)
		to->pings[i].tokens = NULL; /* each stack its own: workers run at once */
}

/* see cli.h */
sg_err
sg_cli_registry_open_on(sg_cli_net *net, const sg_cli_registry_flags *f, const char *registry,
	const char *repository, sg_arena *arena, struct sg_cli_reg **out, sg_diag *d)
{
	struct sg_cli_reg *c;
	*out = NULL;
	if ((f->username != NULL) != (f->password != NULL))
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"--registry-username and --registry-password go together");
	SG_TRY(sg_arena_get(arena, sizeof *c, (void **)&c, d));
	c->net = net;
	c->allow_http = f->allow_http;
	/* Said every time it is used (style: no check is skipped silently). */
	if (f->allow_insecure)
		fprintf(stderr, "WARNING: --allow-insecure-registry: the TLS certificate of %s "
			"(and of every host it sends us to) is NOT verified; anyone on the network "
			"path can impersonate it and read the credentials sent to it.\n", registry);
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
	int plain;
	SG_TRY(plain_for(net, registry, f->allow_http, &plain, d));
	SG_TRY(sg_registry_init(&c->reg, &net->http, registry, plain, &creds, arena, d));
	struct net_ping *p = ping_for(net, registry);
	if (p != NULL) {
		SG_TRY(sg_registry_use_memo(&c->reg, &p->memo, d));
		if (p->tokens == NULL) {
			sg_regauth_tokens *t;
			SG_TRY(sg_arena_get(&net->net_arena, sizeof *t, (void **)&t, d));
			SG_TRY(sg_regauth_tokens_init(t, &net->net_arena, d));
			p->tokens = t;
		}
		sg_registry_share_tokens(&c->reg, p->tokens);
	}
	*out = c;
	return SG_OK;
}

/* see cli.h */
sg_err
sg_cli_registry_open(const sg_cli_registry_flags *f, const char *registry,
	const char *repository, sg_arena *arena, struct sg_cli_reg **out, sg_diag *d)
{
	sg_cli_net *net;
	*out = NULL;
	SG_TRY(sg_cli_net_open(f, arena, &net, d));
	sg_err err = sg_cli_registry_open_on(net, f, registry, repository, arena, out, d);
	if (err != SG_OK) {
		sg_cli_net_close(net);
		return err;
	}
	(*out)->own_net = 1;
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
	if (c->own_net)
		sg_cli_net_close(c->net);
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

/* see cli.h */
void
sg_cli_registry_hint(const sg_registry *reg, sg_diag *d)
{
	if (reg == NULL || d == NULL || reg->plain != SG_HTTP_PLAIN_DENY)
		return;
	/* What an https client sees when the server answers in plain HTTP: BearSSL reads
	 * "HTTP/1.1 400" as a record of no known type or version. */
	if (!speaks_no_tls(d->code))
		return;
	char msg[700];
	sg_diag_format(d, msg, sizeof msg);
	sg_err code = d->code;
	sg_diag_init(d, NULL);
	sg_err e = sg_diag_failmsg(d, code, "%s; if %s serves plain http, add "
		"--allow-http-registry", msg, reg->host);
	(void)e;
}

/* see cli.h */
sg_err
sg_cli_sig_repo(const sg_ociref *image, sg_ociref *out, sg_diag *d)
{
	*out = *image;
	const char *v = getenv("COSIGN_REPOSITORY");
	if (v == NULL || v[0] == '\0')
		return SG_OK;
	/* cosign's name.NewRepository: a repository, without tag or digest. */
	const char *slash = strrchr(v, '/');
	if (strchr(v, '@') != NULL || (slash != NULL && strchr(slash, ':') != NULL))
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"COSIGN_REPOSITORY=%.300s: give a repository, without a tag or digest", v);
	sg_ociref r;
	if (sg_ociref_parse((const uint8_t *)v, strlen(v), &r, NULL) != SG_OK)
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"COSIGN_REPOSITORY=%.300s: not a repository", v);
	memcpy(out->registry, r.registry, sizeof out->registry);
	out->registry_len = r.registry_len;
	memcpy(out->repository, r.repository, sizeof out->repository);
	out->repository_len = r.repository_len;
	return SG_OK;
}
