/* keyless: the signing sessions of the signing commands. The keyless one (sign-blob,
 * sign-bundle, keyless sign IMAGE): the network, the trusted root, the identity token and a
 * verified certificate for an ephemeral key. The key-based one (sign --key, sign-blob --key):
 * the network, the trusted root and a signer that logs in Rekor. See cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "online/oidc.h"
#include "parse/jwt.h"
#include "sys/os.h"

/* --oidc-provider: cosign's provider names (the Register calls under pkg/providers). Those
 * without a source here are refused by name; an unknown one gets cosign's message. */
SG_MUST_USE static sg_err
check_provider(const char *p, sg_diag *d)
{
	static const char *const ok[] = {"envvar", "buildkite-agent", "github-actions",
		"filesystem"};
	static const char *const refused[] = {"google-workload-identity", "google-impersonate",
		"spiffe"};
	if (p == NULL || p[0] == '\0')
		return SG_OK;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(p, ok[i]) == 0)
			return SG_OK;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (strcmp(p, refused[i]) == 0)
			return sg_diag_failmsg(d, SG_ERR_UNSUPPORTED,
				"--oidc-provider %s is not supported by picosign (envvar, "
				"buildkite-agent, github-actions and filesystem are)", p);
	return sg_diag_failmsg(d, SG_ERR_USAGE, "getting provider: %.100s is not a valid provider",
		p);
}

/* --oidc-issuer only steers cosign's interactive flows, which picosign does not have; a CI
 * token's own issuer decides the certificate. Said when they differ, so the flag is not
 * silently meaningless. */
static void
note_issuer(const char *want, const uint8_t *tok, size_t len, sg_arena *arena)
{
	if (want == NULL || want[0] == '\0')
		return;
	size_t mark = sg_arena_mark(arena);
	sg_jwt_claims c;
	if (sg_jwt_decode(tok, len, arena, &c, NULL) == SG_OK && !sg_slice_eq_str(c.iss, want))
		fprintf(stderr, "Note: --oidc-issuer %s is for interactive sign-in, which picosign "
				"does not do; the identity token's issuer, %.*s, is the one in the "
				"certificate.\n",
			want, (int)(c.iss.len > 200 ? 200 : c.iss.len), (const char *)c.iss.p);
	sg_arena_release(arena, mark);
}

/* see cli.h. The token is wiped as soon as Fulcio has seen it. */
sg_err
sg_cli_keyless_begin(sg_cli_keyless *k, const sg_cli_keyless_args *a, sg_arena *arena,
	sg_diag *d)
{
	memset(k, 0, sizeof *k);
	k->plain = a->allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_LOOPBACK;
	if (a->allow_http)
		fprintf(stderr, "WARNING: --allow-http: the identity token may be sent in clear "
				"text\n");
	SG_TRY(sg_cli_http_open(&k->net, a->timeout, arena, d));
	k->http = k->net.http;

	sg_cli_trust_opts topts;
	memset(&topts, 0, sizeof topts);
	topts.root_path = a->root_path;
	topts.staging = a->staging;
	SG_TRY(sg_arena_get(arena, sizeof *k->tr, (void **)&k->tr, d));
	SG_TRY(sg_cli_trustroot_load(&topts, arena, k->tr, NULL, d));

	/* The token: read just before Fulcio, since CI tokens live about five minutes. */
	k->stage = SG_SIGN_STAGE_TOKEN;
	sg_oidc_env env;
	sg_oidc_env_system(&env, k->http, arena);
	env.plain = k->plain;
	SG_TRY(check_provider(a->provider, d));
	env.provider = a->provider != NULL && a->provider[0] != '\0' ? a->provider : NULL;
	sg_oidc_source src;
	size_t token_len;
	SG_TRY(sg_arena_get(arena, SG_MAX_JWT, (void **)&k->token, d));
	SG_TRY(sg_oidc_get_token(&env, a->token_flag, a->disable_ambient, k->token, SG_MAX_JWT,
		&token_len, &src, d));
	k->stage = SG_SIGN_STAGE_NONE;
	note_issuer(a->oidc_issuer, k->token, token_len, arena);

	SG_TRY(sg_drbg_init(&k->rng, d));
	SG_TRY(sg_arena_get(arena, sizeof *k->signer, (void **)&k->signer, d));
	sg_signer_opts so;
	memset(&so, 0, sizeof so);
	so.fulcio_url = a->svc.fulcio_url;
	so.rekor_url = a->svc.rekor_url;
	so.rekor_v2 = a->svc.rekor_v2;
	so.tsa_url = a->svc.tsa_url;
	so.rng = &k->rng;
	so.plain = k->plain;
	so.http = k->http;
	so.trustroot = k->tr;
	so.token = sg_slice_make(k->token, token_len);
	so.now = sg_os_now();
	fprintf(stderr, "Generating ephemeral keys...\nRetrieving signed certificate...\n");
	sg_err e = sg_signer_begin(k->signer, &so, &k->rng, arena, d);
	/* The token has done its job (Fulcio was the only one to see it). */
	sg_wipe(k->token, SG_MAX_JWT);
	if (e != SG_OK) {
		k->stage = k->signer->stage;
		return e;
	}
	fprintf(stderr, "Successfully verified SCT...\n");
	if (a->out_cert != NULL) {
		SG_TRY(sg_os_write_file(a->out_cert, k->signer->cert_pem, d));
		fprintf(stderr, "Wrote certificate to file %s\n", a->out_cert);
		k->cert_written = a->out_cert;
	}
	return SG_OK;
}

/* see cli.h */
void
sg_cli_keyless_end(sg_cli_keyless *k)
{
	if (k->signer != NULL)
		sg_signer_end(k->signer);
	if (k->token != NULL)
		sg_wipe(k->token, SG_MAX_JWT);
	sg_drbg_wipe(&k->rng);
	if (k->http != NULL)
		sg_http_client_close(k->http);
}

/* see cli.h */
void
sg_cli_report_keyless_failure(const sg_diag *d, sg_sign_stage stage, const char *cert_written)
{
	sg_cli_print_stage_error(d, stage);
	if (cert_written == NULL)
		return;
	const char *why = "nothing was uploaded to the transparency log";
	if (stage == SG_SIGN_STAGE_REKOR)
		why = "no transparency-log entry was created, so no bundle or signature was "
		      "written";
	else if (stage == SG_SIGN_STAGE_TLOG)
		why = "Rekor's answer did not verify, so no bundle or signature was written";
	else if (stage == SG_SIGN_STAGE_BUNDLE)
		why = "the signature is in the transparency log, but the bundle was not written";
	fprintf(stderr, "The certificate was already written to %s; %s.\n", cert_written, why);
}

/* see cli.h */
sg_err
sg_cli_keyed_begin(sg_cli_keyed *t, const sg_p256_key *key, const sg_cli_services *svc,
	const char *timeout, const char *root_path, sg_arena *arena, sg_diag *d)
{
	memset(t, 0, sizeof *t);
	sg_signer *s;
	SG_TRY(sg_arena_get(arena, sizeof *s, (void **)&s, d));
	/* The network and the trusted root only when something goes to a log or a TSA. */
	if (svc->rekor_url != NULL || svc->tsa_url != NULL) {
		SG_TRY(sg_cli_http_open(&t->net, timeout, arena, d));
		t->http = t->net.http;
		sg_cli_trust_opts topts;
		memset(&topts, 0, sizeof topts);
		topts.root_path = root_path;
		SG_TRY(sg_arena_get(arena, sizeof *t->tr, (void **)&t->tr, d));
		SG_TRY(sg_cli_trustroot_load(&topts, arena, t->tr, NULL, d));
	}
	SG_TRY(sg_drbg_init(&t->rng, d));
	sg_signer_opts so;
	memset(&so, 0, sizeof so);
	so.rekor_url = svc->rekor_url;
	so.rekor_v2 = svc->rekor_v2;
	so.tsa_url = svc->tsa_url;
	so.rng = &t->rng;
	so.plain = SG_HTTP_PLAIN_LOOPBACK;
	so.http = t->http;
	so.trustroot = t->tr;
	so.now = sg_os_now();
	SG_TRY(sg_signer_begin_key(s, &so, key, arena, d));
	t->signer = s;
	return SG_OK;
}

/* see cli.h */
void
sg_cli_keyed_end(sg_cli_keyed *t)
{
	if (t->signer != NULL)
		sg_signer_end(t->signer);
	sg_drbg_wipe(&t->rng);
	if (t->http != NULL)
		sg_http_client_close(t->http);
}

/* see cli.h */
sg_err
sg_cli_http_open(sg_cli_http *h, const char *timeout, sg_arena *arena, sg_diag *d)
{
	uint8_t *iobuf;
	memset(h, 0, sizeof *h);
	SG_TRY(sg_net_opts_from_env(&h->nopts, d));
	if (timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(timeout, &ms, d));
		sg_net_opts_set_timeout(&h->nopts, ms);
	}
	SG_TRY(sg_cli_dialer_init(&h->dialer, &h->nopts, &h->net_arena, arena, d));
	SG_TRY(sg_arena_get(arena, sizeof *h->http, (void **)&h->http, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, d));
	sg_http_client_init(h->http, &h->dialer, &h->nopts, iobuf);
	h->http->user_agent = "picosign/" SG_VERSION;
	SG_TRY(sg_cli_retry(&h->nopts, &h->http->retry, d));
	return SG_OK;
}
