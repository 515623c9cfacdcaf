/* debug_oci: the `picosign debug` rows of the OCI parsers: ociref, manifest, payload,
 * wwwauth, docker-config. See debug.h.
 *
 * Everything printed from an input goes through sg_cli_put_safe, so untrusted bytes cannot
 * drive the terminal, and the docker-config row never prints a credential, only which fields
 * exist. */
#include "cli/debug.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "oci/dockercfg.h"
#include "oci/manifest.h"
#include "oci/ociref.h"
#include "oci/payload.h"
#include "parse/wwwauth.h"

static void
put_slice(const char *label, sg_slice s)
{
	fputs(label, stdout);
	sg_cli_put_safe(s.p, s.len);
	putchar('\n');
}

/* One line of text: drop a single final "\n" (or "\r\n") the way a file from echo has it. */
static sg_slice
one_line(sg_slice in)
{
	if (in.len > 0 && in.p[in.len - 1] == '\n')
		in.len--;
	if (in.len > 0 && in.p[in.len - 1] == '\r')
		in.len--;
	return in;
}

/* see debug.h */
sg_err
sg_debug_ociref(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	(void)arena;
	sg_slice s = one_line(in);
	sg_ociref r;
	SG_TRY(sg_ociref_parse(s.p, s.len, &r, d));
	char buf[SG_OCI_NAME_MAX + 16];
	sg_buf b;
	sg_buf_init(&b, buf, sizeof buf);
	SG_TRY(sg_ociref_name(&r, &b));
	printf("name: %.*s\nregistry: %s\nrepository: %s\n", (int)b.len, buf, r.registry,
		r.repository);
	if (r.has_digest) {
		sg_buf_init(&b, buf, sizeof buf);
		SG_TRY(sg_ociref_triangulate(&r, &b));
		printf("digest: %s\nsignatures: %.*s\n", r.digest_str, (int)b.len, buf);
	} else {
		printf("tag: %s\n", r.tag);
	}
	printf("plain http by default: %s\n", sg_ociref_default_plain_http(&r) ? "yes" : "no");
	return SG_OK;
}

static void
put_desc(const char *label, const sg_oci_desc *ds)
{
	char dg[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_format(ds->digest, dg);
	printf("%s", label);
	sg_cli_put_safe(ds->media_type.p, ds->media_type.len);
	printf(" %lld %s", (long long)ds->size, dg);
	if (ds->os.p != NULL || ds->architecture.p != NULL) {
		putchar(' ');
		sg_cli_put_safe(ds->os.p, ds->os.len);
		putchar('/');
		sg_cli_put_safe(ds->architecture.p, ds->architecture.len);
		if (ds->variant.p != NULL) {
			putchar('/');
			sg_cli_put_safe(ds->variant.p, ds->variant.len);
		}
	}
	putchar('\n');
	for (size_t i = 0; i < ds->nannots; i++) {
		printf("    annotation ");
		sg_cli_put_safe(ds->annots[i].key.p, ds->annots[i].key.len);
		printf(" (%zu bytes)\n", ds->annots[i].value.len);
	}
}

/* see debug.h */
sg_err
sg_debug_manifest(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_oci_manifest m;
	SG_TRY(sg_oci_manifest_parse(in.p, in.len, arena, &m, d));
	uint8_t dg[32];
	char ds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_of(in.p, in.len, dg);
	sg_oci_digest_format(dg, ds);
	printf("%s, digest %s\n", m.kind == SG_OCI_INDEX ? "index" : "image manifest", ds);
	put_slice("mediaType: ", m.media_type);
	if (m.kind == SG_OCI_MANIFEST)
		put_desc("config: ", &m.config);
	for (size_t i = 0; i < m.ndescs; i++)
		put_desc(m.kind == SG_OCI_INDEX ? "manifest: " : "layer: ", &m.descs[i]);
	if (m.has_subject)
		put_desc("subject: ", &m.subject);
	return SG_OK;
}

/* see debug.h */
sg_err
sg_debug_payload(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_payload p;
	SG_TRY(sg_payload_parse(in.p, in.len, arena, &p, d));
	put_slice("docker-reference: ", p.docker_reference);
	put_slice("docker-manifest-digest: ", p.digest_str);
	printf("optional: %s\n", p.optional == SG_JSON_NONE ? "null" : "object");
	return SG_OK;
}

/* see debug.h */
sg_err
sg_debug_wwwauth(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_wwwauth_challenge *ch;
	void *mem;
	SG_TRY(sg_arena_get(arena, SG_MAX_WWWAUTH_CHALLENGES * sizeof *ch, &mem, d));
	ch = mem;
	size_t n = 0;
	SG_TRY(sg_wwwauth_parse(one_line(in).p, one_line(in).len, arena, ch,
		SG_MAX_WWWAUTH_CHALLENGES, &n, d));
	for (size_t i = 0; i < n; i++) {
		put_slice("challenge: ", ch[i].scheme);
		if (ch[i].token68.p != NULL)
			put_slice("  token68: ", ch[i].token68);
		for (size_t k = 0; k < ch[i].nparams; k++) {
			fputs("  ", stdout);
			sg_cli_put_safe(ch[i].params[k].name.p, ch[i].params[k].name.len);
			fputs(" = ", stdout);
			sg_cli_put_safe(ch[i].params[k].value.p, ch[i].params[k].value.len);
			putchar('\n');
		}
	}
	sg_wwwauth w;
	sg_diag sel;
	sg_diag_init(&sel, NULL);
	if (sg_wwwauth_select(ch, n, &w, &sel) == SG_OK)
		printf("selected: %s\n", w.scheme == SG_AUTH_BEARER ? "Bearer" : "Basic");
	else
		printf("selected: none\n");
	return SG_OK;
}

/* see debug.h */
sg_err
sg_debug_docker_config(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_dockercfg c;
	SG_TRY(sg_dockercfg_parse(in.p, in.len, arena, &c, d));
	const sg_json *j = &c.json;
	if (c.auths != SG_JSON_NONE) {
		for (size_t k = sg_json_first(j, c.auths); k != SG_JSON_NONE;
			k = sg_json_next(j, k)) {
			sg_slice key;
			SG_TRY(sg_json_str(j, k, "docker config", arena, &key, d));
			sg_docker_cred cr;
			SG_TRY(sg_dockercfg_lookup_key(&c, key, arena, &cr, d));
			fputs("auths: ", stdout);
			sg_cli_put_safe(key.p, key.len);
			/* which credentials exist, never their values */
			printf(" ->%s%s%s%s\n", cr.username.len ? " username" : "",
				cr.password.len ? " password" : "",
				cr.identity_token.len ? " identitytoken" : "",
				cr.registry_token.len ? " registrytoken" : "");
		}
	}
	if (c.cred_helpers != SG_JSON_NONE) {
		for (size_t k = sg_json_first(j, c.cred_helpers); k != SG_JSON_NONE;
			k = sg_json_next(j, k)) {
			sg_slice key, helper;
			SG_TRY(sg_json_str(j, k, "docker config", arena, &key, d));
			SG_TRY(sg_json_str(j, sg_json_first(j, k), "docker config", arena, &helper,
				d));
			fputs("credHelpers: ", stdout);
			sg_cli_put_safe(key.p, key.len);
			fputs(" -> ", stdout);
			sg_cli_put_safe(helper.p, helper.len);
			putchar('\n');
		}
	}
	if (c.creds_store.len > 0)
		put_slice("credsStore: ", c.creds_store);
	return SG_OK;
}
