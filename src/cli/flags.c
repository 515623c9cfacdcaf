/* flags: command-line flag parsing, and the small value grammars several commands share
 * (Go's ParseBool, cosign's -a key=value). See cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "sys/os.h"

/* see cli.h */
int sg_cli_list_flags;

static size_t
find_flag(const sg_cli_flag *flags, size_t n, const char *arg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(flags[i].name) == len && strncmp(flags[i].name, arg, len) == 0)
			return i;
		if (flags[i].alias != NULL && strlen(flags[i].alias) == len &&
			strncmp(flags[i].alias, arg, len) == 0)
			return i;
	}
	return n;
}

static void
list_one(const char *name, const char *alias, const char *kind)
{
	char env[128];
	if (!sg_cli_env_name(name, env, sizeof env))
		snprintf(env, sizeof env, "-");
	printf("%s\t%s\t%s\t%s\t", name, alias != NULL ? alias : "-", kind, env);
}

/* --list-flags: the rows, then the refused cosign flags (cli.h). */
static int
list_flags(const char *command, const sg_cli_flag *flags, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const sg_cli_flag *f = &flags[i];
		list_one(f->name, f->alias, f->multi != NULL ? "multi" : f->on != NULL ? "bool"
											: "value");
		printf("ok\n");
	}
	const sg_cli_refusal *r;
	for (size_t i = 0; (r = sg_cli_refusal_at(command, i)) != NULL; i++) {
		if (find_flag(flags, n, r->name, strlen(r->name)) < n)
			continue; /* a row of the command wins (see refused.c) */
		list_one(r->name, r->alias, r->is_bool ? "bool" : "value");
		if (r->harmless != NULL)
			printf("refused unless %s: %s\n", r->harmless[0] != '\0' ? r->harmless
										 : "\"\"",
				r->why);
		else
			printf("refused: %s\n", r->why);
	}
	fflush(stdout);
	return SG_EXIT_FAIL;
}

/* see cli.h */
int
sg_cli_parse_flags(int argc, char **argv, const sg_cli_flag *flags, size_t n, const char **pos,
	size_t pos_cap, size_t *n_pos)
{
	*n_pos = 0;
	const char *command = argc > 0 ? argv[0] : "";
	if (sg_cli_list_flags)
		return list_flags(command, flags, n);
	if (n > SG_CLI_MAX_FLAGS)
		return sg_cli_usage_error("internal: %zu flag rows (at most %u)", n,
			(unsigned)SG_CLI_MAX_FLAGS);
	unsigned char given[SG_CLI_MAX_FLAGS];
	memset(given, 0, sizeof given);
	int only_positional = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (only_positional || arg[0] != '-' || arg[1] == '\0') {
			if (*n_pos >= pos_cap)
				return sg_cli_usage_error("unexpected argument \"%s\"", arg);
			pos[(*n_pos)++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = 1;
			continue;
		}
		const char *eq = strchr(arg, '=');
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		size_t k = find_flag(flags, n, arg, name_len);
		if (k == n) {
			const sg_cli_refusal *r = sg_cli_refusal_find(command, arg, name_len);
			if (r == NULL)
				return sg_cli_usage_error("unknown flag: %.*s", (int)name_len, arg);
			const char *v = eq != NULL ? eq + 1 : NULL;
			if (v == NULL && !r->is_bool) {
				if (i + 1 >= argc)
					return sg_cli_usage_error("flag needs an argument: %s",
						r->name);
				v = argv[++i];
			}
			if (sg_cli_refuse(r, v, r->name) != 0)
				return SG_EXIT_FAIL;
			continue;
		}
		const sg_cli_flag *f = &flags[k];
		given[k] = 1;
		if (f->on != NULL) {
			int on = 1;
			if (eq != NULL && !sg_cli_parse_bool(eq + 1, &on))
				return sg_cli_usage_error("flag %s takes true or false", f->name);
			*f->on = on;
			continue;
		}
		const char *v = eq != NULL ? eq + 1 : NULL;
		if (v == NULL) {
			if (i + 1 >= argc)
				return sg_cli_usage_error("flag needs an argument: %s", f->name);
			v = argv[++i];
		}
		if (f->multi != NULL) {
			if (*f->multi_n >= f->multi_cap)
				return sg_cli_usage_error("too many %s flags (at most %zu)", f->name,
					f->multi_cap);
			f->multi[(*f->multi_n)++] = v;
		} else {
			*f->value = v;
		}
	}
	return sg_cli_flags_from_env(command, flags, n, given);
}

/* see cli.h (Go's strconv.ParseBool, which cosign's COSIGN_* variables go through) */
int
sg_cli_parse_bool(const char *s, int *out)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(s, t[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcmp(s, f[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

/* see cli.h */
size_t
sg_cli_parse_annotations(const char **raw, size_t n, sg_oci_annot *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(raw[i], '=');
		if (eq == NULL || strchr(eq + 1, '=') != NULL)
			return i;
		out[i].key = sg_slice_make(raw[i], (size_t)(eq - raw[i]));
		out[i].value = sg_slice_str(eq + 1);
	}
	return n;
}

/* see cli.h */
int
sg_cli_docker_media_types(void)
{
	const char *v = getenv("COSIGN_DOCKER_MEDIA_TYPES");
	int on = 0;
	if (v == NULL || !sg_cli_parse_bool(v, &on))
		return 0;
	return on;
}

/* see cli.h. One policy for the whole command (a static: the command's retry count and
 * deadline are one), with its own DRBG for the jitter (nothing secret is drawn from it). */
sg_err
sg_cli_retry(const sg_net_opts *o, sg_retry **out, sg_diag *d)
{
	static sg_retry policy;
	static sg_drbg rng;
	static int ready;
	*out = NULL;
	if (!ready) {
		sg_retry_init(&policy);
		const char *v = getenv("PICOSIGN_MAX_RETRIES");
		if (v != NULL && v[0] != '\0') {
			size_t n = strlen(v);
			int64_t k = -1;
			if (n > 2 || !sg_digits((const uint8_t *)v, n, &k) ||
				k > (int64_t)SG_RETRY_MAX_RETRIES_LIMIT)
				return sg_diag_failf(d, SG_ERR_USAGE, "PICOSIGN_MAX_RETRIES",
					"\"%.20s\" is not a number of retries from 0 to %u", v,
					(unsigned)SG_RETRY_MAX_RETRIES_LIMIT);
			policy.max_retries = (unsigned)k;
		}
		/* Without entropy the backoff is still exponential, only not jittered. */
		if (sg_drbg_init(&rng, NULL) == SG_OK)
			policy.rng = &rng;
		policy.note = sg_cli_note;
		ready = 1;
	}
	/* The command's deadline: its timeout (PICOSIGN_TIMEOUT, --timeout, default 120 s)
	 * counted from the first network setup; a later session with a longer timeout extends it.
	 * The real dialer's clock is sg_os_mono_ms. */
	uint64_t dl = sg_os_mono_ms() + o->deadline_ms;
	if (dl > policy.deadline_ms)
		policy.deadline_ms = dl;
	*out = &policy;
	return SG_OK;
}
