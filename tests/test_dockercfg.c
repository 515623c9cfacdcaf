/* Unit tests for dockercfg: auths with "auth" (base64 user:password), username/password,
 * identity and registry tokens, Docker Hub's https://index.docker.io/v1/ key, keys with a
 * scheme or path, repository-level keys, credHelpers / credsStore, malformed files, and every
 * proper prefix. */
#include <string.h>

#include "oci/dockercfg.h"
#include "guard.h"
#include "runner.h"

static uint8_t mem[1 << 18];
static sg_arena arena;
static sg_dockercfg cfg;

static sg_err
parse(const char *s)
{
	sg_arena_init(&arena, mem, sizeof mem);
	const uint8_t *g = guard_put(s, strlen(s));
	return sg_dockercfg_parse(g, strlen(s), &arena, &cfg, NULL);
}

static int
lookup(const char *registry, const char *repo, sg_docker_cred *c)
{
	int found = -1;
	sg_err e = sg_dockercfg_lookup(&cfg, sg_slice_str(registry), sg_slice_str(repo), &arena, c,
		&found, NULL);
	CHECK_OK(e);
	return found;
}

static void
test_auths(void)
{
	/* dXNlcjpwYXNz = "user:pass"; aHViOnA6dw== = "hub:p:w"; b25seTo= = "only:" */
	static const char doc[] =
		"{\"auths\":{"
		"\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnA6dw==\"},"
		"\"ghcr.io\":{\"auth\":\"dXNlcjpwYXNz\",\"email\":\"x@y\"},"
		"\"https://quay.io/v2/\":{\"username\":\"qu\",\"password\":\"qp\"},"
		"\"http://legacy.example.com\":{\"identitytoken\":\"refresh-tok\"},"
		"\"gcr.io/proj/img\":{\"registrytoken\":\"bearer-tok\"},"
		"\"empty.io\":{\"auth\":\"b25seTo=\"},"
		"\"nothing.io\":{}"
		"},\"psFormat\":\"table\",\"HttpHeaders\":{\"User-Agent\":\"x\"}}";
	CHECK_OK(parse(doc));
	sg_docker_cred c;

	/* Docker Hub uses the v1 URL key */
	CHECK(lookup("index.docker.io", "library/alpine", &c) == 1);
	CHECK(sg_slice_eq_str(c.username, "hub") && sg_slice_eq_str(c.password, "p:w"));
	CHECK(sg_slice_eq_str(c.key, "https://index.docker.io/v1/"));

	CHECK(lookup("ghcr.io", "o/r", &c) == 1);
	CHECK(sg_slice_eq_str(c.username, "user") && sg_slice_eq_str(c.password, "pass"));
	CHECK(c.helper.len == 0 && c.identity_token.p == NULL);

	/* a key with scheme and path matches its hostname */
	CHECK(lookup("quay.io", "a/b", &c) == 1);
	CHECK(sg_slice_eq_str(c.username, "qu") && sg_slice_eq_str(c.password, "qp"));
	CHECK(sg_slice_eq_str(c.key, "https://quay.io/v2/"));
	CHECK(lookup("legacy.example.com", "a/b", &c) == 1);
	CHECK(sg_slice_eq_str(c.identity_token, "refresh-tok") && c.username.len == 0);

	/* a repository-level key wins over (and is tried before) the registry */
	CHECK(lookup("gcr.io", "proj/img", &c) == 1);
	CHECK(sg_slice_eq_str(c.registry_token, "bearer-tok"));
	CHECK(sg_slice_eq_str(c.key, "gcr.io/proj/img"));
	/* docker's hostname rule: the stored key "gcr.io/proj/img" also answers for gcr.io */
	CHECK(lookup("gcr.io", "proj/other", &c) == 1);
	CHECK(sg_slice_eq_str(c.registry_token, "bearer-tok"));
	CHECK(sg_slice_eq_str(c.key, "gcr.io/proj/img"));

	/* "only:" is a user with an empty password */
	CHECK(lookup("empty.io", "a/b", &c) == 1);
	CHECK(sg_slice_eq_str(c.username, "only") && c.password.len == 0);
	/* an entry without credentials counts as none */
	CHECK(lookup("nothing.io", "a/b", &c) == 0);
	/* docker.io is not a key ggcr asks for; plain hostnames do not match a port */
	CHECK(lookup("ghcr.io:443", "a/b", &c) == 0);
	CHECK(lookup("other.io", "a/b", &c) == 0);

	/* an exact key is preferred over a hostname match, whatever the order */
	CHECK_OK(parse("{\"auths\":{\"https://r.io\":{\"username\":\"a\"},\"r.io\":{\"username\":"
		       "\"b\"}}}"));
	CHECK(lookup("r.io", "x/y", &c) == 1 && sg_slice_eq_str(c.username, "b"));
	/* auth overrides username/password; trailing NULs of the password are dropped */
	/* dTpwAAA= = "u:p\0\0" */
	CHECK_OK(parse("{\"auths\":{\"r.io\":{\"username\":\"a\",\"password\":\"b\",\"auth\":"
		       "\"dTpwAAA=\"}}}"));
	CHECK(lookup("r.io", "x/y", &c) == 1);
	CHECK(sg_slice_eq_str(c.username, "u") && c.password.len == 1 && c.password.p[0] == 'p');
	/* escaped keys and values */
	CHECK_OK(parse("{\"auths\":{\"r\\u002eio\":{\"username\":\"\\u0061\"}}}"));
	CHECK(lookup("r.io", "x/y", &c) == 1 && sg_slice_eq_str(c.username, "a"));
	/* no auths at all, or null */
	CHECK_OK(parse("{}"));
	CHECK(lookup("r.io", "x/y", &c) == 0);
	CHECK_OK(parse("{\"auths\":null,\"credHelpers\":null,\"credsStore\":null}"));
	CHECK(lookup("r.io", "x/y", &c) == 0);
}

static void
test_helpers(void)
{
	static const char doc[] =
		"{\"auths\":{\"ghcr.io\":{\"auth\":\"dXNlcjpwYXNz\"},\"https://index.docker.io/"
			"v1/\":{}},"
		"\"credHelpers\":{\"123.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\","
		"\"gcr.io/p/i\":\"gcr\"},\"credsStore\":\"desktop\"}";
	CHECK_OK(parse(doc));
	CHECK(sg_slice_eq_str(cfg.creds_store, "desktop"));
	sg_docker_cred c;
	CHECK(lookup("123.dkr.ecr.us-east-1.amazonaws.com", "app", &c) == 1);
	/* the repository key finds credsStore first: a configured store applies to every key */
	CHECK(sg_slice_eq_str(c.helper, "desktop"));
	CHECK(lookup("gcr.io", "p/i", &c) == 1 && sg_slice_eq_str(c.helper, "gcr"));
	/* the store answers for the repository key first; a caller whose helper has nothing
	 * moves on to the registry key, where the file entry is reported too */
	CHECK(lookup("ghcr.io", "o/r", &c) == 1);
	CHECK(sg_slice_eq_str(c.helper, "desktop") && c.username.len == 0);
	CHECK(sg_slice_eq_str(c.key, "ghcr.io/o/r"));
	sg_slice keys[2];
	CHECK_OK(sg_dockercfg_keys(sg_slice_str("ghcr.io"), sg_slice_str("o/r"), &arena, keys,
		NULL));
	CHECK(sg_slice_eq_str(keys[0], "ghcr.io/o/r") && sg_slice_eq_str(keys[1], "ghcr.io"));
	CHECK_OK(sg_dockercfg_lookup_key(&cfg, keys[1], &arena, &c, NULL));
	CHECK(sg_slice_eq_str(c.helper, "desktop") && sg_slice_eq_str(c.username, "user"));
	CHECK_OK(sg_dockercfg_keys(sg_slice_str("index.docker.io"), sg_slice_str("library/a"),
		&arena, keys, NULL));
	CHECK(sg_slice_eq_str(keys[0], "index.docker.io/library/a") &&
		sg_slice_eq_str(keys[1], "https://index.docker.io/v1/"));

	CHECK_OK(parse("{\"credHelpers\":{\"123.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\","
		       "\"https://index.docker.io/v1/\":\"hub\"}}"));
	CHECK(lookup("123.dkr.ecr.us-east-1.amazonaws.com", "app", &c) == 1);
	CHECK(sg_slice_eq_str(c.helper, "ecr-login"));
	CHECK(sg_slice_eq_str(c.key, "123.dkr.ecr.us-east-1.amazonaws.com"));
	CHECK(lookup("index.docker.io", "library/alpine", &c) == 1);
	CHECK(sg_slice_eq_str(c.helper, "hub"));
	CHECK(lookup("ghcr.io", "o/r", &c) == 0);
}

static void
test_malformed(void)
{
	static const struct {
		const char *json;
		sg_err code;
	} bad[] = {
		{"[]", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":[]}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":\"x\"}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"auth\":1}}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"password\":true}}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"identitytoken\":{}}}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"auth\":\"not base64\"}}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"auth\":\"dXNlcg==\"}}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\"}},\"auths\":{}}",
			SG_ERR_JSON_DUPLICATE_KEY},
		{"{\"credHelpers\":{\"r.io\":1}}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"credHelpers\":\"x\"}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"credsStore\":[]}", SG_ERR_OCI_DOCKER_CONFIG},
		{"{\"auths\":{}", SG_ERR_TRUNCATED},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_err e = parse(bad[i].json);
		CHECK_ERR(e, bad[i].code);
		if (e != bad[i].code)
			fprintf(stderr, "  case %zu: %s\n", i, bad[i].json);
		CHECK(cfg.auths == SG_JSON_NONE && cfg.creds_store.p == NULL);
	}
	/* the diagnostic never contains the secret */
	sg_diag d;
	sg_diag_init(&d, "config.json");
	static const char leak[] = "{\"auths\":{\"r.io\":{\"auth\":\"c2VjcmV0\"}}}"; /* "secret" */
	sg_arena_init(&arena, mem, sizeof mem);
	CHECK_ERR(sg_dockercfg_parse((const uint8_t *)leak, sizeof leak - 1, &arena, &cfg, &d),
		SG_ERR_OCI_DOCKER_CONFIG);
	char msg[700];
	sg_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "secret") == NULL && strstr(msg, "c2VjcmV0") == NULL);

	/* every proper prefix fails */
	static const char doc[] = "{\"auths\":{\"ghcr.io\":{\"auth\":\"dXNlcjpwYXNz\"}},"
				  "\"credsStore\":\"desktop\"}";
	size_t fails = 0;
	for (size_t i = 0; i < sizeof doc - 1; i++) {
		sg_arena_init(&arena, mem, sizeof mem);
		const uint8_t *g = guard_put(doc, i);
		if (sg_dockercfg_parse(g, i, &arena, &cfg, NULL) != SG_OK)
			fails++;
	}
	CHECK(fails == sizeof doc - 1);

	sg_slice h = sg_dockercfg_hostname(sg_slice_str("https://r.io:5000/v2/x"));
	CHECK(sg_slice_eq_str(h, "r.io:5000"));
	h = sg_dockercfg_hostname(sg_slice_str("http://r.io"));
	CHECK(sg_slice_eq_str(h, "r.io"));
	h = sg_dockercfg_hostname(sg_slice_str("ftp://r.io"));
	CHECK(sg_slice_eq_str(h, "ftp:"));
}

int
main(void)
{
	test_auths();
	test_helpers();
	test_malformed();
	guard_release();
	return test_finish();
}
