/* keysrc: where keys and certificates come from, and what a file looks like (rank 9; see
 * cli.h).
 *
 * cosign reads --key, --certificate and friends through blob.LoadFileOrURL (pkg/blob/load.go)
 * and its key-reference dispatch (pkg/signature/keys.go): a path, "env://VAR" (the variable's
 * value is the PEM itself, so a CI secret never touches the disk), an http(s) URL, or the
 * scheme of a KMS or hardware key. picosign takes paths, "-" and env://, and refuses the rest
 * by name: a pipeline that names awskms:// learns that picosign has no KMS support instead of
 * reading a file called "awskms:". Secrets read here (a private key from env://) are copies in
 * the arena, wiped by the caller once parsed; the environment itself is left as it is. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "parse/pem.h"
#include "sys/os.h"

/* Key schemes cosign hands to a KMS, a key store or a token, and what they are. */
static const struct {
	const char *prefix;
	const char *what;
} unsupported[] = {
	{"awskms://", "AWS KMS keys"},
	{"gcpkms://", "Google Cloud KMS keys"},
	{"azurekms://", "Azure Key Vault keys"},
	{"hashivault://", "HashiCorp Vault keys"},
	{"k8s://", "Kubernetes secrets"},
	{"gitlab://", "GitLab CI variables"},
	{"pkcs11:", "PKCS#11 tokens"},
	{"http://", "downloads over http"},
	{"https://", "downloads over https"},
};

/* see cli.h */
sg_err
sg_cli_read_ref(const char *ref, const char *flag, size_t max, sg_arena *arena, sg_slice *out,
	sg_diag *d)
{
	*out = sg_slice_make(NULL, 0);
	for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
		if (strncmp(ref, unsupported[i].prefix, strlen(unsupported[i].prefix)) == 0)
			return sg_diag_failmsg(d, SG_ERR_UNSUPPORTED,
				"%s %.200s: %s (%s) are not supported by picosign; give a file or "
				"env://VARIABLE",
				flag, ref, unsupported[i].prefix, unsupported[i].what);
	if (strncmp(ref, "env://", 6) == 0) {
		const char *name = ref + 6;
		const char *v = name[0] != '\0' ? getenv(name) : NULL;
		if (v == NULL)
			return sg_diag_failmsg(d, SG_ERR_NOT_FOUND,
				"%s: loading URL: env var $%.200s "
				"not found",
				flag, name);
		size_t n = strlen(v);
		if (n == 0)
			return sg_diag_failmsg(d, SG_ERR_USAGE, "%s: env var $%.200s is empty",
				flag, name);
		if (n > max)
			return sg_diag_failmsg(d, SG_ERR_LIMIT,
				"%s: env var $%.200s is larger than "
				"%zu bytes",
				flag, name, max);
		uint8_t *p;
		SG_TRY(sg_arena_get(arena, n, (void **)&p, d));
		memcpy(p, v, n);
		*out = sg_slice_make(p, n);
		return SG_OK;
	}
	const char *sep = strstr(ref, "://");
	if (sep != NULL && sep > ref && (size_t)(sep - ref) < 32 && strchr(ref, '/') > sep)
		return sg_diag_failmsg(d, SG_ERR_UNSUPPORTED,
			"%s: loading URL: unrecognized scheme: %.*s://", flag, (int)(sep - ref),
			ref);
	return sg_os_read_file(ref, max, arena, out, d);
}

static int
has_label(sg_slice in, const char *label)
{
	static const char begin[] = "-----BEGIN ";
	size_t bl = sizeof begin - 1, ll = strlen(label);
	for (size_t i = 0; i + bl + ll + 5 <= in.len; i++)
		if (memcmp(in.p + i, begin, bl) == 0 && memcmp(in.p + i + bl, label, ll) == 0 &&
			memcmp(in.p + i + bl + ll, "-----", 5) == 0)
			return 1;
	return 0;
}

static int
contains(sg_slice in, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= in.len; i++)
		if (memcmp(in.p + i, s, n) == 0)
			return 1;
	return 0;
}

/* see cli.h */
const char *
sg_cli_describe(sg_slice in)
{
	size_t i = 0;
	while (i < in.len &&
		(in.p[i] == ' ' || in.p[i] == '\t' || in.p[i] == '\r' || in.p[i] == '\n'))
		i++;
	sg_slice t = sg_slice_make(in.p + i, in.len - i);
	if (t.len == 0)
		return "empty";
	if (has_label(t, "CERTIFICATE"))
		return "a PEM certificate";
	if (has_label(t, "PUBLIC KEY"))
		return "a PEM public key";
	if (has_label(t, "ENCRYPTED SIGSTORE PRIVATE KEY") ||
		has_label(t, "ENCRYPTED COSIGN PRIVATE KEY"))
		return "an encrypted cosign private key";
	if (has_label(t, "PRIVATE KEY") || has_label(t, "EC PRIVATE KEY"))
		return "a PEM private key";
	if (t.p[0] == '{') {
		if (contains(t, "\"base64Signature\""))
			return "a cosign v2 bundle";
		if (contains(t, "application/vnd.dev.sigstore.bundle"))
			return "a Sigstore bundle";
		if (contains(t, "\"SignedEntryTimestamp\""))
			return "a Rekor bundle (cosign's bundle annotation)";
		if (contains(t, "\"tlogs\"") || contains(t, "\"certificateAuthorities\""))
			return "a trusted root";
		return "JSON";
	}
	int b64 = 1, text = 1;
	for (size_t k = 0; k < t.len; k++) {
		uint8_t c = t.p[k];
		int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == '\n' ||
			c == '\r';
		b64 &= alpha;
		text &= (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
	}
	/* An ECDSA signature in base64 is 92-96 characters; shorter is just a word. */
	if (b64 && t.len >= 64)
		return "a base64 signature";
	return text ? "text" : "binary data";
}

/* see cli.h */
sg_err
sg_cli_wrong_input(sg_diag *d, sg_err code, const char *flag, const char *name, const char *what,
	const char *expected)
{
	if (d == NULL)
		return code;
	sg_diag_init(d, NULL);
	return sg_diag_failmsg(d, code, "%s %.300s: this is %s; %s expects %s", flag, name, what,
		flag, expected);
}

/* see cli.h */
sg_err
sg_cli_pem_certs(sg_slice pem, sg_arena *arena, sg_slice *out, size_t cap, size_t *n, sg_diag *d)
{
	*n = 0;
	sg_cur c;
	sg_cur_init(&c, pem.p, pem.len);
	for (;;) {
		sg_slice der;
		sg_err e = sg_pem_next_der(&c, "CERTIFICATE", arena, &der, d);
		if (e == SG_ERR_PEM_NONE)
			return SG_OK;
		SG_TRY(e);
		if (*n >= cap)
			return sg_diag_failf(d, SG_ERR_LIMIT, "certificates", "more than %zu", cap);
		out[(*n)++] = der;
	}
}
