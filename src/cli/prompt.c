/* prompt: what the CLI asks the person at the terminal: the key password (or
 * COSIGN_PASSWORD) and cosign's transparency-log consent. The terminal itself is reached
 * through sys/os.h. See cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "sys/os.h"

/* see cli.h */
sg_err
sg_cli_read_password(int confirm, uint8_t *buf, size_t cap, size_t *len, sg_diag *d)
{
	*len = 0;
	if (cap > SG_MAX_PASSWORD)
		cap = SG_MAX_PASSWORD;
	const char *env = getenv("COSIGN_PASSWORD");
	if (env != NULL) {
		size_t n = strlen(env);
		if (n > cap)
			return sg_diag_failf(d, SG_ERR_LIMIT, "COSIGN_PASSWORD",
				"longer than %zu bytes", cap);
		if (n > 0)
			memcpy(buf, env, n);
		*len = n;
		return SG_OK;
	}
	if (!sg_os_stdin_is_tty())
		return sg_diag_failmsg(d, SG_ERR_USAGE,
			"COSIGN_PASSWORD is not set and stdin is not a terminal");
	SG_TRY(sg_os_read_secret_line("Enter password for private key: ", buf, cap, len, d));
	if (!confirm)
		return SG_OK;
	uint8_t again[SG_MAX_PASSWORD];
	size_t again_len;
	sg_err err = sg_os_read_secret_line("Enter password for private key again: ", again, cap,
		&again_len, d);
	if (err == SG_OK && (again_len != *len || !sg_ct_equal(again, buf, again_len)))
		err = sg_diag_failmsg(d, SG_ERR_KEY_PASSWORD, "passwords do not match");
	sg_wipe(again, sizeof again);
	if (err != SG_OK) {
		sg_wipe(buf, cap);
		*len = 0;
	}
	return err;
}

/* cosign's privacy statement and confirmation (cmd/cosign/cli/sign/privacy/privacy.go). */
static const char privacy_statement[] =
	"\n\tThe sigstore service, hosted by sigstore a Series of LF Projects, LLC, is provided "
	"pursuant to the Hosted Project Tools Terms of Use, available at "
	"https://lfprojects.org/policies/hosted-project-tools-terms-of-use/.\n"
	"\tNote that if your submission includes personal data associated with this signed "
	"artifact, it will be part of an immutable record.\n"
	"\tThis may include the email address associated with the account with which you "
	"authenticate your contractual Agreement.\n"
	"\tThis information will be used for signing this artifact and will be stored in public "
	"transparency logs and cannot be removed later, and is subject to the Immutable Record "
	"notice at https://lfprojects.org/policies/hosted-project-tools-immutable-records/.\n\n"
	"By typing 'y', you attest that (1) you are not submitting the personal data of any other "
	"person; and (2) you understand and agree to the statement and the Agreement terms at the "
	"URLs listed above.\n";


/* see cli.h: cosign's ui.ConfirmContinue: one line from stdin; "y"/"Y" continues, "" or "n"
 * declines, anything else is invalid input. */
sg_err
sg_cli_confirm_tlog_upload(sg_diag *d)
{
	fputs(privacy_statement, stderr);
	fputs("Are you sure you would like to continue? [y/N] ", stderr);
	fflush(stderr);
	char line[64];
	sg_os_read_line(line, sizeof line);
	size_t n = strlen(line);
	if ((n == 1 && (line[0] == 'y' || line[0] == 'Y')))
		return SG_OK;
	if (n == 0 || (n == 1 && (line[0] == 'n' || line[0] == 'N')))
		return sg_diag_failmsg(d, SG_ERR_SIGN_DECLINED,
			"upload to tlog: user declined the prompt");
	return sg_diag_failmsg(d, SG_ERR_SIGN_DECLINED,
		"upload to tlog: invalid input (allowed values y, n)");
}

/* see cli.h */
sg_err
sg_cli_confirm_hook(void *ctx, sg_diag *d)
{
	(void)ctx;
	return sg_cli_confirm_tlog_upload(d);
}
