/* keyless: one keyless signing session for the commands that sign with a Fulcio certificate
 * (sign-blob, sign-bundle, keyless sign IMAGE): the network, the trusted root, the identity
 * token and a verified certificate for an ephemeral key. See cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "online/oidc.h"
#include "sys/os.h"

/* see cli.h. The token is wiped as soon as Fulcio has seen it. */
sg_err
sg_cli_keyless_begin(sg_cli_keyless *k, const sg_cli_keyless_args *a, sg_arena *arena,
	sg_diag *d)
{
	memset(k, 0, sizeof *k);
	k->plain = a->allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_LOOPBACK;
	uint8_t *iobuf;
	SG_TRY(sg_net_opts_from_env(&k->nopts, d));
	if (a->timeout != NULL) {
		unsigned ms;
		SG_TRY(sg_net_parse_timeout(a->timeout, &ms, d));
		sg_net_opts_set_timeout(&k->nopts, ms);
	}
	if (a->allow_http)
		fprintf(stderr, "WARNING: --allow-http: the identity token may be sent in clear "
				"text\n");
	SG_TRY(sg_net_dialer_init(&k->dialer, &k->nopts, arena, d));
	SG_TRY(sg_arena_get(arena, sizeof *k->http, (void **)&k->http, d));
	SG_TRY(sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, d));
	sg_http_client_init(k->http, &k->dialer, &k->nopts, iobuf);
	k->http->user_agent = "picosign/" SG_VERSION;
	SG_TRY(sg_cli_retry(&k->nopts, &k->http->retry, d));

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
	sg_oidc_source src;
	size_t token_len;
	SG_TRY(sg_arena_get(arena, SG_MAX_JWT, (void **)&k->token, d));
	SG_TRY(sg_oidc_get_token(&env, a->token_flag, a->disable_ambient, k->token, SG_MAX_JWT,
		&token_len, &src, d));
	k->stage = SG_SIGN_STAGE_NONE;

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
