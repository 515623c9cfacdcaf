/* output: how the CLI prints errors and untrusted bytes. Library code never prints; these
 * are the only places an sg_diag becomes text. See cli.h. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>

/* see cli.h */
void
sg_cli_print_error(const sg_diag *d)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	fprintf(stderr, "Error: %s\n", msg);
	if (d != NULL && d->file != NULL)
		fprintf(stderr, "  (recorded at %s:%d)\n", d->file, d->line);
}

/* see cli.h */
int
sg_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return SG_EXIT_FAIL;
}

/* see cli.h */
void
sg_cli_put_safe(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			putchar(ch);
		else
			printf("\\x%02x", ch);
	}
}

/* see cli.h */
void
sg_cli_report_push_failure(const sg_diag *d, const char *sig_file, const char *cert_file,
	const char *bundle_file)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	const char *what[3], *files[3];
	size_t n = 0;
	if (sig_file != NULL) {
		what[n] = "signature";
		files[n++] = sig_file;
	}
	if (cert_file != NULL) {
		what[n] = "certificate";
		files[n++] = cert_file;
	}
	if (bundle_file != NULL) {
		what[n] = "bundle";
		files[n++] = bundle_file;
	}
	fprintf(stderr, "Error: pushing the signature failed: %s", msg);
	if (n == 0) {
		fprintf(stderr, "\n");
		return;
	}
	/* "the a, b and c were written to x, y and z and are not lost" */
	fprintf(stderr, "; the ");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", what[i]);
	fprintf(stderr, " %s written to ", n == 1 ? "was" : "were");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", files[i]);
	fprintf(stderr, " and %s not lost\n", n == 1 ? "is" : "are");
}

/* cosign's warning for a tag (ui.TagReferenceMessage, printed through ui.Warnf). */
/* see cli.h */
void
sg_cli_warn_tag(const char *img)
{
	fprintf(stderr,
		"WARNING: Image reference %s uses a tag, not a digest, to identify the image to "
		"sign.\n"
		"    This can lead you to sign a different image than the intended one. Please use "
		"a\n"
		"    digest (example.com/ubuntu@sha256:abc123...) rather than tag\n"
		"    (example.com/ubuntu:latest) for the input to cosign. The ability to refer to\n"
		"    images by tag will be removed in a future release.\n\n",
		img);
}

/* see cli.h */
void
sg_cli_note(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/* see cli.h */
void
sg_cli_print_stage_error(const sg_diag *d, sg_sign_stage stage)
{
	char msg[1024];
	sg_diag_format(d, msg, sizeof msg);
	if (stage != SG_SIGN_STAGE_NONE)
		fprintf(stderr, "Error: %s: %s\n", sg_sign_stage_name(stage), msg);
	else
		fprintf(stderr, "Error: %s\n", msg);
}
