/* Unit tests for the command line's flag machinery (cli/flags.c, env.c, refused.c,
 * options.c, keysrc.c): cosign's COSIGN_<FLAG> binding (command line first, empty = unset,
 * booleans by Go's ParseBool, repeated flags split at commas), refusal by name of cosign flags
 * picosign lacks (also through their variables; cosign's default passes), the identity
 * options (Buildkite flags, extension matchers), --max-workers, key references (env://,
 * refused schemes) and what a file looks like; --timeout's Go durations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "runner.h"
#include "sys/net.h"

static uint8_t arena_mem[1u << 20];

/* Parse `args` (argv[0] is the command) against a small table. */
struct t {
	const char *identity, *key;
	int yes;
	const char *ann[8];
	size_t n_ann;
};

static int
parse(struct t *o, int argc, const char **argv)
{
	memset(o, 0, sizeof *o);
	const sg_cli_flag flags[] = {
		{"--certificate-identity", NULL, &o->identity, NULL, NULL, 0, NULL},
		{"--key", NULL, &o->key, NULL, NULL, 0, NULL},
		{"--yes", "-y", NULL, &o->yes, NULL, 0, NULL},
		{"--annotations", "-a", NULL, NULL, o->ann, 8, &o->n_ann},
	};
	const char *pos[2];
	size_t n;
	return sg_cli_parse_flags(argc, (char **)(uintptr_t)argv, flags, 4, pos, 2, &n);
}

static void
test_env(void)
{
	struct t o;
	const char *bare[] = {"verify", "img"};
	unsetenv("COSIGN_CERTIFICATE_IDENTITY");
	CHECK(parse(&o, 2, bare) == 0 && o.identity == NULL);
	setenv("COSIGN_CERTIFICATE_IDENTITY", "from-env", 1);
	CHECK(parse(&o, 2, bare) == 0 && o.identity != NULL && strcmp(o.identity, "from-env") == 0);
	const char *given[] = {"verify", "--certificate-identity", "from-flag", "img"};
	CHECK(parse(&o, 4, given) == 0 && strcmp(o.identity, "from-flag") == 0);
	const char *given_eq[] = {"verify", "--certificate-identity=", "img"};
	CHECK(parse(&o, 3, given_eq) == 0 && strcmp(o.identity, "") == 0);
	setenv("COSIGN_CERTIFICATE_IDENTITY", "", 1);
	CHECK(parse(&o, 2, bare) == 0 && o.identity == NULL); /* empty = unset (viper) */
	unsetenv("COSIGN_CERTIFICATE_IDENTITY");
	/* Booleans: ParseBool's spellings; anything else names the variable. */
	setenv("COSIGN_YES", "T", 1);
	CHECK(parse(&o, 2, bare) == 0 && o.yes == 1);
	setenv("COSIGN_YES", "0", 1);
	CHECK(parse(&o, 2, bare) == 0 && o.yes == 0);
	setenv("COSIGN_YES", "maybe", 1);
	CHECK(parse(&o, 2, bare) == SG_EXIT_FAIL);
	const char *y[] = {"verify", "-y", "img"};
	CHECK(parse(&o, 3, y) == 0 && o.yes == 1); /* the flag wins, the variable is not read */
	unsetenv("COSIGN_YES");
	const char *yf[] = {"verify", "--yes=false", "img"};
	CHECK(parse(&o, 3, yf) == 0 && o.yes == 0);
	const char *ybad[] = {"verify", "--yes=sure", "img"};
	CHECK(parse(&o, 3, ybad) == SG_EXIT_FAIL);
	/* Repeated flags: one variable, split at commas; the command line replaces it. */
	setenv("COSIGN_ANNOTATIONS", "a=1,b=2", 1);
	CHECK(parse(&o, 2, bare) == 0 && o.n_ann == 2 && strcmp(o.ann[1], "b=2") == 0);
	const char *a[] = {"verify", "-a", "c=3", "img"};
	CHECK(parse(&o, 4, a) == 0 && o.n_ann == 1 && strcmp(o.ann[0], "c=3") == 0);
	setenv("COSIGN_ANNOTATIONS", "a=\"x,y\"", 1);
	CHECK(parse(&o, 2, bare) == SG_EXIT_FAIL); /* CSV quoting is refused, not misread */
	unsetenv("COSIGN_ANNOTATIONS");
	char v[64];
	CHECK(sg_cli_env_name("--certificate-oidc-issuer-regexp", v, sizeof v) &&
		strcmp(v, "COSIGN_CERTIFICATE_OIDC_ISSUER_REGEXP") == 0);
	CHECK(!sg_cli_env_name("--certificate-oidc-issuer-regexp", v, 20));
}

static void
test_refused(void)
{
	struct t o;
	/* Unknown to the table but cosign's: refused by name, for its command only. */
	const char *sk[] = {"verify", "--sk", "img"};
	CHECK(parse(&o, 3, sk) == SG_EXIT_FAIL);
	CHECK(sg_cli_refusal_find("verify", "--sk", 4) != NULL);
	CHECK(sg_cli_refusal_find("triangulate", "--sk", 4) == NULL);
	CHECK(sg_cli_refusal_find("sign", "-d", 2) != NULL); /* --verbose's alias */
	const char *skf[] = {"verify", "--sk=false", "img"};
	CHECK(parse(&o, 3, skf) == 0); /* a refused boolean set to false changes nothing */
	const char *alg[] = {"verify", "--signature-digest-algorithm", "sha256", "img"};
	CHECK(parse(&o, 4, alg) == 0); /* cosign's default passes */
	const char *alg5[] = {"verify", "--signature-digest-algorithm", "sha512", "img"};
	CHECK(parse(&o, 4, alg5) == SG_EXIT_FAIL);
	const char *typo[] = {"verify", "--certificate-identiy", "x", "img"};
	CHECK(parse(&o, 4, typo) == SG_EXIT_FAIL); /* a typo stays an unknown flag */
	setenv("COSIGN_SK", "true", 1);
	const char *bare[] = {"verify", "img"};
	CHECK(parse(&o, 2, bare) == SG_EXIT_FAIL);
	setenv("COSIGN_SK", "false", 1);
	CHECK(parse(&o, 2, bare) == 0);
	unsetenv("COSIGN_SK");
	/* A row of the command wins over the table (verify-blob has --certificate). */
	CHECK(sg_cli_refusal_find("verify", "--certificate", 13) != NULL);
	size_t n = 0;
	while (sg_cli_refusal_at("sign", n) != NULL)
		n++;
	CHECK(n > 20);
}

static void
test_identity(void)
{
	static sg_policy p;
	sg_cli_identity id;
	sg_diag d;
	memset(&id, 0, sizeof id);
	CHECK(!sg_cli_identity_given(&id));
	id.bk_org = "acme-inc";
	id.bk_pipeline = "app";
	CHECK(sg_cli_identity_given(&id));
	CHECK_OK(sg_cli_identity_policy(&id, &p, NULL));
	CHECK(p.identity != NULL && strcmp(p.identity, "https://buildkite.com/acme-inc/app") == 0);
	CHECK(p.issuer != NULL && strcmp(p.issuer, "https://agent.buildkite.com") == 0);
	id.bk_pipeline = NULL;
	CHECK_OK(sg_cli_identity_policy(&id, &p, NULL));
	sg_slice ok = sg_slice_str("https://buildkite.com/acme-inc/any-pipeline");
	sg_slice deeper = sg_slice_str("https://buildkite.com/acme-inc/a/b");
	sg_slice other = sg_slice_str("https://buildkite.com/acme-incx/a");
	sg_slice iss = sg_slice_str("https://agent.buildkite.com");
	CHECK_OK(sg_policy_check(&p, &ok, 1, iss, NULL));
	CHECK_ERR(sg_policy_check(&p, &deeper, 1, iss, NULL), SG_ERR_POLICY_IDENTITY);
	CHECK_ERR(sg_policy_check(&p, &other, 1, iss, NULL), SG_ERR_POLICY_IDENTITY);
	id.identity = "x";
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_identity_policy(&id, &p, &d), SG_ERR_USAGE);
	memset(&id, 0, sizeof id);
	id.bk_pipeline = "app";
	CHECK_ERR(sg_cli_identity_policy(&id, &p, NULL), SG_ERR_USAGE);
	id.bk_org = "Acme Inc"; /* not a slug: never pasted into a URL or regexp */
	CHECK_ERR(sg_cli_identity_policy(&id, &p, NULL), SG_ERR_USAGE);
	memset(&id, 0, sizeof id);
	id.identity = "i";
	id.issuer = "u";
	id.source_digest = "abc";
	id.gh_trigger = "push";
	id.run_invocation = "";
	CHECK_OK(sg_cli_identity_policy(&id, &p, NULL));
	CHECK(p.n_ext == 2 && p.ext[0].n == 2 && p.ext[1].n == 13);
	unsigned w;
	CHECK(sg_cli_parse_workers(NULL, &w) == 0 && w == SG_MAX_WORKERS);
	CHECK(sg_cli_parse_workers("4", &w) == 0 && w == 4);
	CHECK(sg_cli_parse_workers("0", &w) != 0);
	CHECK(sg_cli_parse_workers("4x", &w) != 0);
	CHECK(sg_cli_parse_workers("99999999999", &w) != 0);
}

static void
test_keysrc(void)
{
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	sg_slice s;
	sg_diag d;
	setenv("PICOSIGN_TEST_KEY", "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n",
		1);
	CHECK_OK(sg_cli_read_ref("env://PICOSIGN_TEST_KEY", "--key", 4096, &a, &s, NULL));
	CHECK(s.len == strlen(getenv("PICOSIGN_TEST_KEY")));
	CHECK(strcmp(sg_cli_describe(s), "a PEM public key") == 0);
	CHECK_ERR(sg_cli_read_ref("env://PICOSIGN_TEST_KEY", "--key", 10, &a, &s, NULL),
		SG_ERR_LIMIT);
	unsetenv("PICOSIGN_NOT_SET");
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_read_ref("env://PICOSIGN_NOT_SET", "--key", 4096, &a, &s, &d),
		SG_ERR_NOT_FOUND);
	char msg[300];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "loading URL: env var $PICOSIGN_NOT_SET not found") != NULL);
	setenv("PICOSIGN_EMPTY", "", 1);
	CHECK_ERR(sg_cli_read_ref("env://PICOSIGN_EMPTY", "--key", 4096, &a, &s, NULL),
		SG_ERR_USAGE);
	static const char *const refused[] = {"awskms:///alias/x", "gcpkms://p/k", "azurekms://v/k",
		"hashivault://k", "k8s://ns/s", "gitlab://p", "pkcs11:token=t",
		"https://example.com/k.pub", "http://example.com/k.pub"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		sg_diag_init(&d, NULL);
		CHECK_ERR(sg_cli_read_ref(refused[i], "--key", 4096, &a, &s, &d),
			SG_ERR_UNSUPPORTED);
		sg_diag_format(&d, msg, sizeof msg);
		CHECK(strstr(msg, "are not supported by picosign") != NULL);
	}
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_read_ref("s3://bucket/k", "--key", 4096, &a, &s, &d), SG_ERR_UNSUPPORTED);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "unrecognized scheme: s3://") != NULL);
	/* What things look like. */
	static const struct {
		const char *in, *want;
	} kinds[] = {
		{"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
			"a PEM certificate"},
		{"-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n",
			"a PEM private key"},
		{"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAA==\n"
		 "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
			"an encrypted cosign private key"},
		{" {\"base64Signature\":\"x\"}", "a cosign v2 bundle"},
		{"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}",
			"a Sigstore bundle"},
		{"{\"tlogs\":[]}", "a trusted root"},
		{"{\"a\":1}", "JSON"},
		{"MEUCIQDHfHHU/9I1XGbYrLK3H1Be4ZN/Zm6sm1tWjNscfO8eUQIgANxxb/"
		 "JueJhDq08oJLYeMZF/E762a4Sq3dIopP0fpHA=",
			"a base64 signature"},
		{"hi\n", "text"},
		{"", "empty"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		CHECK(strcmp(sg_cli_describe(sg_slice_str(kinds[i].in)), kinds[i].want) == 0);
	CHECK(strcmp(sg_cli_describe(sg_slice_make("\x00\x01", 2)), "binary data") == 0);
	sg_diag_init(&d, NULL);
	CHECK_ERR(sg_cli_wrong_input(&d, SG_ERR_JSON_SYNTAX, "--bundle", "c.pem",
			  "a PEM certificate", "a Sigstore bundle"),
		SG_ERR_JSON_SYNTAX);
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strcmp(msg,
		      "--bundle c.pem: this is a PEM certificate; --bundle expects a Sigstore "
		      "bundle") == 0);
}

static void
test_timeout(void)
{
	unsigned ms;
	CHECK(sg_net_parse_timeout("3m", &ms, NULL) == SG_OK && ms == 180000);
	CHECK(sg_net_parse_timeout("1m30s", &ms, NULL) == SG_OK && ms == 90000);
	CHECK(sg_net_parse_timeout("24h", &ms, NULL) == SG_OK && ms == 86400000);
	CHECK(sg_net_parse_timeout("30", &ms, NULL) == SG_OK && ms == 30000);
	CHECK(sg_net_parse_timeout("0.5", &ms, NULL) == SG_OK && ms == 500);
	CHECK(sg_net_parse_timeout("25h", &ms, NULL) == SG_ERR_USAGE && ms == 0);
	CHECK(sg_net_parse_timeout("500ms", &ms, NULL) == SG_ERR_USAGE); /* below a second */
	CHECK(sg_net_parse_timeout("-3m", &ms, NULL) == SG_ERR_USAGE);
	CHECK(sg_net_parse_timeout("3x", &ms, NULL) == SG_ERR_USAGE);
	CHECK(sg_net_parse_timeout("", &ms, NULL) == SG_ERR_USAGE);
}

int
main(void)
{
	test_env();
	test_refused();
	test_identity();
	test_keysrc();
	test_timeout();
	return test_finish();
}
