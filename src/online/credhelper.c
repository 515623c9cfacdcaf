/* credhelper: docker credential helpers. See credhelper.h.
 *
 * Implementation notes. The protocol is docker-credential-helpers' "get": the server URL on
 * standard input, {"ServerURL","Username","Secret"} on standard output, "credentials not
 * found" and a non-zero exit when it knows nothing. The helper runs through sys/os's
 * sg_os_run (PATH lookup, one deadline over output and exit, standard error discarded since a
 * failing helper may echo secrets there). Its output is a secret: the caller wipes it. */
#include "online/credhelper.h"

#include <string.h>

#include "base/limits.h"
#include "parse/json.h"
#include "sys/os.h"

/* see credhelper.h */
sg_err
sg_cred_helper_parse(const uint8_t *json, size_t len, sg_arena *arena, sg_cred_helper_reply *out,
	sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_json j;
	SG_TRY(sg_json_parse(json, len, arena, "credential helper output", &j, d));
	size_t root = sg_json_root(&j);
	SG_TRY(sg_json_expect(&j, root, VFJ_OBJECT, "credential helper output", d));
	sg_slice user = {NULL, 0}, secret = {NULL, 0};
	SG_TRY(sg_json_get_str(&j, root, "Username", SG_JSON_OPTIONAL,
		"credential helper Username", arena, &user, NULL, d));
	SG_TRY(sg_json_get_str(&j, root, "Secret", SG_JSON_OPTIONAL, "credential helper Secret",
		arena, &secret, NULL, d));
	if (secret.len == 0)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"the helper returned no Secret");
	out->username = user;
	out->secret = secret;
	out->identity_token = sg_slice_eq_str(user, "<token>");
	return SG_OK;
}

static int
contains(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

/* see credhelper.h */
sg_err
sg_cred_helper_run(sg_slice helper, sg_slice server, unsigned timeout_ms, uint8_t *out,
	size_t cap, size_t *out_len, int *found, sg_diag *d)
{
	char prog[128];
	*out_len = 0;
	*found = 0;
	if (helper.len == 0 || helper.len > sizeof prog - 20)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper", "invalid helper name");
	for (size_t i = 0; i < helper.len; i++) {
		uint8_t c = helper.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '-'))
			return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
				"invalid helper name");
	}
	memcpy(prog, "docker-credential-", 18);
	memcpy(prog + 18, helper.p, helper.len);
	prog[18 + helper.len] = '\0';
	if (cap > SG_MAX_CRED_HELPER_OUTPUT)
		cap = SG_MAX_CRED_HELPER_OUTPUT;
	if (timeout_ms == 0)
		timeout_ms = SG_CRED_HELPER_TIMEOUT_MS;
	/* stdin: the server; stderr discarded (a helper may print secrets there on failure). */
	const char *const argv[] = {prog, "get", NULL};
	size_t n = 0;
	int code;
	sg_err err = sg_os_run(argv, server, 1, timeout_ms, "credential helper", out, cap, &n,
		&code, d);
	if (err == SG_ERR_TIMEOUT)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"%s did not answer within %u ms", prog, timeout_ms);
	if (err == SG_ERR_LIMIT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "credential helper",
			"%s printed more than %zu bytes", prog, cap);
	if (err == SG_ERR_NOT_FOUND)
		return sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper",
			"cannot run %s (is it in PATH?)", prog);
	if (err != SG_OK)
		return err;
	if (code == 0) {
		*found = 1;
		*out_len = n;
		return SG_OK;
	}
	if (contains(out, n, "credentials not found"))
		err = SG_OK; /* the helper knows nothing for this server */
	else
		err = sg_diag_failf(d, SG_ERR_OCI_AUTH, "credential helper", "%s get failed", prog);
	sg_wipe(out, n);
	return err;
}
