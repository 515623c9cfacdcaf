/* trust_show: `picosign trust` and the trust line of `picosign version` (rank 9;
 * docs/trustroot.md).
 *
 *   trust [--trusted-root F] [--max-trust-root-age D] [--refresh-trust] [--staging]
 *         [--export DIR]
 *
 * Prints what a verify command given the same flags and environment would trust: the source
 * (sg_cli_trustroot_load's order), the trusted_root.json SHA-256, the TUF versions and
 * expiries, the fetch time and age; then each Fulcio CA, Rekor log, CT log and TSA with its
 * validity window; then every endpoint signing and refreshing may contact, and their
 * host:port list, so an egress allow-list can be written from the output. Verification
 * itself contacts none of them. --export DIR writes the TUF state in use (metadata and
 * targets) as plain files, e.g. to carry trust to an air-gapped machine. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "online/fulcio.h"
#include "online/rekor.h"
#include "online/tuf.h"
#include "parse/codec.h"
#include "parse/json.h"
#include "parse/url.h"
#include "pki/trustroot.h"
#include "pki/x509.h"
#include "sys/os.h"

static const char *const kind_names[] = {"none", "--trusted-root", "SIGSTORE_ROOT_FILE",
	"SIGSTORE_* variables", "TUF cache", "embedded"};

static void
put_time(int64_t t)
{
	char s[32];
	if (t == INT64_MIN || t == INT64_MAX)
		fputs("(open)", stdout);
	else if (sg_time_format_rfc3339(t, s, sizeof s) == SG_OK)
		fputs(s, stdout);
	else
		printf("%lld", (long long)t);
}

static void
put_window(const sg_time_range *r)
{
	put_time(r->start);
	fputs(" .. ", stdout);
	put_time(r->end);
}

static void
put_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void
put_key(const sg_pubkey *k)
{
	switch (k->type) {
	case SG_KEY_EC:
		fputs(k->curve == SG_CURVE_P384 ? "ECDSA P-384" : "ECDSA P-256", stdout);
		break;
	case SG_KEY_RSA:
		printf("RSA %zu bits", k->n.len * 8);
		break;
	case SG_KEY_ED25519:
		fputs("Ed25519", stdout);
		break;
	default:
		fputs("(a key picosign cannot use)", stdout);
	}
}

static void
put_slice(sg_slice s)
{
	sg_cli_put_safe(s.p, s.len);
}

/* One authority: its anchor's (and first certificate's) name and the window. */
static void
put_ca(const sg_trust_ca *ca)
{
	fputs("  ", stdout);
	for (size_t i = 0; i < ca->n_certs; i++) {
		sg_x509_cert *c = NULL;
		static sg_x509_cert cert;
		c = &cert;
		if (sg_x509_parse(ca->certs[i].p, ca->certs[i].len, c, NULL) != SG_OK) {
			fputs("(unparsable certificate)", stdout);
			continue;
		}
		char name[512];
		sg_x509_name_text(c->subject, name, sizeof name);
		printf("%s%s [", i ? " <- " : "", name);
		put_time(c->not_before);
		fputs(" .. ", stdout);
		put_time(c->not_after);
		fputs("]", stdout);
	}
	fputs("\n    valid ", stdout);
	put_window(&ca->valid);
	if (ca->uri.len != 0) {
		fputs("  ", stdout);
		put_slice(ca->uri);
	}
	putchar('\n');
}

static void
put_log(const sg_trust_log *l)
{
	fputs("  ", stdout);
	if (l->base_url.len != 0)
		put_slice(l->base_url);
	else
		fputs("(no URL)", stdout);
	fputs("  key id ", stdout);
	put_hex(l->key_id, l->key_id_len < 8 ? l->key_id_len : 8);
	fputs("...  ", stdout);
	put_key(&l->key);
	fputs("\n    valid ", stdout);
	put_window(&l->valid);
	putchar('\n');
}

/* The endpoints: one line each, and their hosts for an allow-list. */
struct endpoints {
	char hosts[16][300];
	size_t n;
};

static void
endpoint(struct endpoints *e, const char *role, const uint8_t *url, size_t len)
{
	printf("  %-40s ", role);
	sg_cli_put_safe(url, len);
	putchar('\n');
	sg_url u;
	if (sg_url_parse(url, len, &u, NULL) != SG_OK)
		return;
	char host[300];
	sg_buf b;
	sg_buf_init(&b, host, sizeof host - 1);
	sg_url_write_authority(&u, 1, &b);
	if (sg_buf_status(&b) != SG_OK)
		return;
	host[b.len] = '\0';
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->hosts[i], host) == 0)
			return;
	if (e->n < 16)
		memcpy(e->hosts[e->n++], host, b.len + 1);
}

/* The services a signing config lists, with their windows. */
static void
signing_config_endpoints(sg_slice sc, sg_arena *arena, struct endpoints *e)
{
	static const char *const lists[4][2] = {{"caUrls", "Fulcio (signing config)"},
		{"rekorTlogUrls", "Rekor (signing config)"}, {"tsaUrls", "TSA (signing config)"},
		{"oidcUrls", "OIDC (signing config, interactive)"}};
	sg_json j;
	if (sc.len == 0 || sg_json_parse(sc.p, sc.len, arena, "signing config", &j, NULL) != SG_OK)
		return;
	for (size_t l = 0; l < 4; l++) {
		size_t arr, n;
		if (sg_json_get_arr(&j, sg_json_root(&j), lists[l][0], SG_JSON_OPTIONAL, "urls",
			    &arr, &n, NULL) != SG_OK || arr == SG_JSON_NONE)
			continue;
		for (size_t s = sg_json_first(&j, arr); s != SG_JSON_NONE;
			s = sg_json_next(&j, s)) {
			sg_slice url;
			int64_t end = 0;
			int has_end = 0;
			if (sg_json_get_str(&j, s, "url", SG_JSON_REQUIRED, "url", arena, &url,
				    NULL, NULL) != SG_OK)
				continue;
			size_t vf = sg_json_get(&j, s, "validFor");
			if (vf != SG_JSON_NONE &&
				sg_json_get_time(&j, vf, "end", SG_JSON_OPTIONAL, "end", &end,
					&has_end, NULL) == SG_OK &&
				has_end && end < sg_os_now())
				continue; /* no longer used by anyone */
			endpoint(e, lists[l][1], url.p, url.len);
		}
	}
}

/* The fields of a sigstore/tufcache state worth a line. */
static void
put_tuf(const sg_cli_trust *t)
{
	printf("  TUF:       root v%lld", (long long)t->v_root);
	if (t->v_timestamp == 0) {
		/* the static build embeds no timestamp, snapshot or targets */
		printf(" (timestamp, snapshot and targets not embedded in this build)\n");
		return;
	}
	printf(", timestamp v%lld, snapshot v%lld, targets v%lld\n", (long long)t->v_timestamp,
		(long long)t->v_snapshot, (long long)t->v_targets);
	int64_t now = sg_os_now();
	fputs("  expires:   root ", stdout);
	put_time(t->root_expires);
	fputs(t->root_expires <= now ? " (expired)" : "", stdout);
	fputs(", timestamp ", stdout);
	put_time(t->timestamp_expires);
	fputs(t->timestamp_expires <= now ? " (expired)" : "", stdout);
	fputs("\n  mirror:    ", stdout);
	fputs(t->mirror != NULL ? t->mirror : SG_TUF_DEFAULT_MIRROR, stdout);
	putchar('\n');
}

static void
put_sha256(sg_slice s)
{
	uint8_t h[SG_SHA256_LEN];
	sg_sha256(s.p, s.len, h);
	put_hex(h, sizeof h);
}

/* see cli.h */
void
sg_cli_trust_line(sg_arena *arena)
{
	sg_cli_trust_opts o;
	sg_cli_trust info;
	sg_trustroot *tr;
	sg_diag d;
	memset(&o, 0, sizeof o);
	o.quiet = 1;
	sg_diag_init(&d, NULL);
	if (sg_arena_get(arena, sizeof *tr, (void **)&tr, &d) != SG_OK ||
		sg_cli_trustroot_load(&o, arena, tr, &info, &d) != SG_OK) {
		char msg[512];
		sg_diag_format(&d, msg, sizeof msg);
		printf("trust: unavailable: %s\n", msg);
		return;
	}
	printf("trust: %s", info.source);
	if (info.trusted_root.len != 0) {
		fputs(", trusted_root.json sha256 ", stdout);
		put_sha256(info.trusted_root);
	}
	if (info.tuf)
		printf(", TUF root v%lld targets v%lld", (long long)info.v_root,
			(long long)info.v_targets);
	if (info.has_age)
		printf(", %lld days old", (long long)(info.age / 86400));
	putchar('\n');
}

/* see commands.h */
int
sg_cmd_trust(int argc, char **argv, sg_arena *arena)
{
	sg_cli_trust_opts o;
	const char *export_dir = NULL;
	memset(&o, 0, sizeof o);
	const sg_cli_flag flags[] = {
		SG_CLI_TRUST_FLAG_ROWS(o),
		{"--staging", NULL, NULL, &o.staging, NULL, 0, NULL},
		{"--export", NULL, &export_dir, NULL, NULL, 0, NULL},
	};
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, flags, sizeof flags / sizeof flags[0], pos, 0, &n_pos) !=
		0)
		return SG_EXIT_FAIL;
	sg_diag d;
	sg_diag_init(&d, NULL);
	sg_cli_trust info;
	sg_trustroot *tr;
	o.quiet = 1; /* the note and the age are printed below */
	if (sg_arena_get(arena, sizeof *tr, (void **)&tr, &d) != SG_OK ||
		sg_cli_trustroot_load(&o, arena, tr, &info, &d) != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	printf("Trust material in use\n  source:    %s (%s)\n", info.source,
		kind_names[info.kind]);
	if (info.trusted_root.len != 0) {
		fputs("  sha256:    ", stdout);
		put_sha256(info.trusted_root);
		fputs(" (trusted_root.json)\n", stdout);
	}
	if (info.tuf)
		put_tuf(&info);
	if (info.has_age) {
		fputs("  fetched:   ", stdout);
		put_time(info.fetched);
		printf(" (%lld days ago; a warning past %d days)\n", (long long)(info.age / 86400),
			SG_CLI_TRUST_WARN_AGE / 86400);
	} else {
		fputs("  fetched:   unknown (not TUF material: no age policy applies)\n", stdout);
	}
	if (info.note[0] != '\0')
		printf("  note:      %s\n", info.note);

	printf("\nCertificate authorities (Fulcio): %zu\n", tr->n_cas);
	for (size_t i = 0; i < tr->n_cas; i++)
		put_ca(&tr->cas[i]);
	printf("Transparency logs (Rekor): %zu\n", tr->n_tlogs);
	for (size_t i = 0; i < tr->n_tlogs; i++)
		put_log(&tr->tlogs[i]);
	printf("Certificate transparency logs: %zu\n", tr->n_ctlogs);
	for (size_t i = 0; i < tr->n_ctlogs; i++)
		put_log(&tr->ctlogs[i]);
	printf("Timestamp authorities: %zu\n", tr->n_tsas);
	for (size_t i = 0; i < tr->n_tsas; i++)
		put_ca(&tr->tsas[i]);

	struct endpoints e;
	memset(&e, 0, sizeof e);
	fputs("\nEndpoints (verification contacts none of them)\n", stdout);
	const char *mirror = info.mirror != NULL ? info.mirror : SG_TUF_DEFAULT_MIRROR;
	endpoint(&e, "TUF mirror (initialize, --refresh-trust)", (const uint8_t *)mirror,
		strlen(mirror));
	endpoint(&e, "Fulcio (sign default, --fulcio-url)",
		(const uint8_t *)(o.staging ? SG_FULCIO_STAGING_URL : SG_FULCIO_DEFAULT_URL),
		strlen(o.staging ? SG_FULCIO_STAGING_URL : SG_FULCIO_DEFAULT_URL));
	endpoint(&e, "Rekor (sign default, --rekor-url)",
		(const uint8_t *)(o.staging ? SG_REKOR_STAGING_URL : SG_REKOR_DEFAULT_URL),
		strlen(o.staging ? SG_REKOR_STAGING_URL : SG_REKOR_DEFAULT_URL));
	signing_config_endpoints(info.signing_config, arena, &e);
	fputs("  egress allow-list (host:port):", stdout);
	for (size_t i = 0; i < e.n; i++)
		printf(" %s", e.hosts[i]);
	putchar('\n');

	if (export_dir != NULL) {
		if (info.state == NULL) {
			fprintf(stderr, "Error: --export: the trust material in use (%s) is not a "
					"TUF state\n",
				info.source);
			return SG_EXIT_FAIL;
		}
		if (sg_cli_tuf_export(info.state, export_dir, arena, &d) != SG_OK) {
			sg_cli_print_error(&d);
			return SG_EXIT_FAIL;
		}
		fprintf(stderr, "Exported the TUF state in use to %s\n", export_dir);
	}
	return SG_EXIT_OK;
}
