/* env: cosign's COSIGN_<FLAG> environment binding for every command's flags (rank 9; see
 * cli.h).
 *
 * cosign binds every flag of a command to a variable (cmd/cosign/cli/options/root.go,
 * BindViper): viper with the prefix COSIGN and AutomaticEnv, the flag name upper-cased with
 * '-' turned into '_', and for every flag the command line did not change, a set variable is
 * passed to the flag's Set as text. So COSIGN_CERTIFICATE_IDENTITY=x stands for
 * --certificate-identity x, COSIGN_YES=true for --yes, COSIGN_ANNOTATIONS=a=1,b=2 for two -a
 * flags. viper treats an empty variable as unset; so do we.
 *
 * Where picosign differs: cosign ignores the error of Set, so COSIGN_YES=maybe silently means
 * nothing; here it is an error that names the variable. A refused flag's variable is refused
 * like the flag (unless its value is harmless), never silently dropped.
 *
 * Repeated flags (pflag string slices) split the value at commas; pflag reads it as one CSV
 * record, which also allows quoted fields: a value with a '"' is refused rather than read
 * differently. The pieces are copied to a static pool: the environment must not be written. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the pieces of COSIGN_ variables of repeated flags (annotations: a few dozen short
 * key=value pairs). */
#define ENV_POOL 8192u

/* see cli.h */
int
sg_cli_env_name(const char *name, char *out, size_t cap)
{
	static const char prefix[] = "COSIGN_";
	while (*name == '-')
		name++;
	size_t n = strlen(name);
	if (n == 0 || sizeof prefix + n > cap)
		return 0;
	memcpy(out, prefix, sizeof prefix - 1);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		out[sizeof prefix - 1 + i] = c == '-' ? '_'
			: (c >= 'a' && c <= 'z')      ? (char)(c - 32)
						      : c;
	}
	out[sizeof prefix - 1 + n] = '\0';
	return 1;
}

/* Split `v` at commas into the row's repeated values (pool space from *used). */
static int
split_multi(const sg_cli_flag *f, const char *var, const char *v, char *pool, size_t *used)
{
	if (strchr(v, '"') != NULL)
		return sg_cli_usage_error("%s: quoted values are not supported; pass %s on the "
					  "command line instead",
			var, f->name);
	size_t len = strlen(v);
	if (*used + len + 1 > ENV_POOL)
		return sg_cli_usage_error("%s: too long (at most %u bytes)", var, ENV_POOL - 1);
	char *copy = pool + *used;
	memcpy(copy, v, len + 1);
	*used += len + 1;
	for (char *p = copy;;) {
		char *comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		if (*f->multi_n >= f->multi_cap)
			return sg_cli_usage_error("%s: too many values (at most %zu)", var,
				f->multi_cap);
		f->multi[(*f->multi_n)++] = p;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}

/* The variables of the flags refused for `command`, which are not rows of its table. */
static int
refused_from_env(const char *command, const sg_cli_flag *flags, size_t n)
{
	const sg_cli_refusal *r;
	for (size_t i = 0; (r = sg_cli_refusal_at(command, i)) != NULL; i++) {
		int is_row = 0;
		for (size_t k = 0; k < n && !is_row; k++)
			is_row = strcmp(flags[k].name, r->name) == 0;
		char var[128], as[200];
		if (is_row || !sg_cli_env_name(r->name, var, sizeof var))
			continue;
		const char *v = getenv(var);
		if (v == NULL || v[0] == '\0')
			continue;
		snprintf(as, sizeof as, "%s (%s)", var, r->name);
		if (sg_cli_refuse(r, v, as) != 0)
			return SG_EXIT_FAIL;
	}
	return 0;
}

/* see cli.h */
int
sg_cli_flags_from_env(const char *command, const sg_cli_flag *flags, size_t n,
	const unsigned char *given)
{
	static char pool[ENV_POOL];
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		const sg_cli_flag *f = &flags[i];
		char var[128];
		if (given[i] || !sg_cli_env_name(f->name, var, sizeof var))
			continue;
		const char *v = getenv(var);
		if (v == NULL || v[0] == '\0')
			continue;
		if (f->on != NULL) {
			if (!sg_cli_parse_bool(v, f->on))
				return sg_cli_usage_error("%s: invalid boolean \"%s\" (for %s)",
					var, v, f->name);
		} else if (f->multi != NULL) {
			if (split_multi(f, var, v, pool, &used) != 0)
				return SG_EXIT_FAIL;
		} else {
			*f->value = v;
		}
	}
	return refused_from_env(command, flags, n);
}
