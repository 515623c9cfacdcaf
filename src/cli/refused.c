/* refused: the cosign flags picosign does not support, by command, and why (rank 9; see
 * cli.h). A pipeline that passes one of them gets "Error: --sk is not supported by picosign:
 * hardware security keys (PIV); ..." and exit 1, never "unknown flag" and never a silent
 * no-op; the same holds for its COSIGN_<FLAG> variable (cli/env.c). A boolean is refused only
 * when true, and a valued flag given cosign's default (`harmless`), which changes nothing, is
 * accepted.
 *
 * The rows come from cosign's own flag tables (doc/cosign_<command>.md of v2.6.4 and v3.1.2);
 * docs/cli.md lists them with every flag picosign accepts, from `--list-flags`. A command's
 * own flag rows win over this table, so a command that starts supporting a flag (attest,
 * verify-attestation, the v3 formats) only adds its row. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* The commands, one bit each (the names: command_bits below). */
enum {
	C_SIGN = 1u << 0,
	C_SIGN_BLOB = 1u << 1,
	C_ATTEST = 1u << 2,
	C_ATTEST_BLOB = 1u << 3,
	C_VERIFY = 1u << 4,
	C_VERIFY_BLOB = 1u << 5,
	C_VERIFY_ATT = 1u << 6,
	C_VERIFY_BLOB_ATT = 1u << 7,
	C_DL_SIG = 1u << 8,
	C_DL_ATT = 1u << 9,
	C_TRIANGULATE = 1u << 10,
	C_PUBLIC_KEY = 1u << 11,
	C_GENERATE = 1u << 12,
};
static const char *const command_bits[] = {"sign", "sign-blob", "attest", "attest-blob", "verify",
	"verify-blob", "verify-attestation", "verify-blob-attestation", "download-signature",
	"download-attestation", "triangulate", "public-key", "generate-key-pair"};

/* Command groups, as cosign shares its option structs. */
#define SIGNERS (C_SIGN | C_SIGN_BLOB | C_ATTEST | C_ATTEST_BLOB)
#define VERIFIERS (C_VERIFY | C_VERIFY_BLOB | C_VERIFY_ATT | C_VERIFY_BLOB_ATT)
#define IMAGES (C_SIGN | C_VERIFY | C_ATTEST | C_VERIFY_ATT | C_DL_SIG | C_DL_ATT | C_TRIANGULATE)
#define EVERY (SIGNERS | VERIFIERS | IMAGES | C_PUBLIC_KEY | C_GENERATE)

#define WHY_HARDWARE "hardware security keys (PIV); sign with a key file or keylessly"
#define WHY_K8S "the Kubernetes keychain; use the docker config or the --registry-* credentials"
#define WHY_MTLS "client certificates (mTLS) to the registry"
#define WHY_TSA_MTLS "client certificates (mTLS) to the timestamp authority"
#define WHY_TSA_FILE \
	"an RFC 3161 timestamp in a file of its own; the timestamp travels in the bundle"
#define WHY_INTERACTIVE \
	"interactive OAuth flows; give a token (--identity-token, SIGSTORE_ID_TOKEN or the CI " \
	"provider)"
#define WHY_OWN_CERT \
	"signing with a certificate of your own CA; sign with --key or keylessly (Fulcio)"
#define WHY_CA_FILES \
	"separate CA bundles; give the chain in order with verify-blob --certificate-chain, or a " \
	"--trusted-root"

static const sg_cli_refusal refusals[] = {
	/* every command: cosign's root --verbose */
	{EVERY, "--verbose", "-d", 1, NULL,
		"a debug log of the registry traffic (verify --explain says which check failed)"},
	/* keys */
	{SIGNERS | VERIFIERS | C_PUBLIC_KEY, "--sk", NULL, 1, NULL, WHY_HARDWARE},
	{SIGNERS | VERIFIERS | C_PUBLIC_KEY, "--slot", NULL, 0, NULL, WHY_HARDWARE},
	/* signing */
	{SIGNERS, "--insecure-skip-verify", NULL, 1, NULL,
		"skipping the SCT check of the new certificate; picosign verifies it always"},
	{SIGNERS, "--issue-certificate", NULL, 1, NULL,
		"a Fulcio certificate for a key file; sign with --key or keylessly"},
	{C_ATTEST_BLOB, "--timestamp-server-url", NULL, 0, NULL, WHY_TSA_MTLS},
	{SIGNERS, "--timestamp-client-cacert", NULL, 0, NULL, WHY_TSA_MTLS},
	{SIGNERS, "--timestamp-client-cert", NULL, 0, NULL, WHY_TSA_MTLS},
	{SIGNERS, "--timestamp-client-key", NULL, 0, NULL, WHY_TSA_MTLS},
	{SIGNERS, "--timestamp-server-name", NULL, 0, NULL, WHY_TSA_MTLS},
	{SIGNERS, "--use-signing-config", NULL, 1, "true",
		"false: picosign uses the signing config unless service URLs are given; give "
		"--fulcio-url and --rekor-url instead"},
	{SIGNERS, "--oidc-client-id", NULL, 0, "sigstore", WHY_INTERACTIVE},
	{SIGNERS, "--oidc-client-secret-file", NULL, 0, NULL, WHY_INTERACTIVE},
	{SIGNERS, "--oidc-redirect-url", NULL, 0, NULL, WHY_INTERACTIVE},
	{SIGNERS, "--fulcio-auth-flow", NULL, 0, NULL, WHY_INTERACTIVE},
	{SIGNERS, "--certificate", NULL, 0, NULL, WHY_OWN_CERT},
	{SIGNERS, "--certificate-chain", NULL, 0, NULL, WHY_OWN_CERT},
	{C_ATTEST, "--new-bundle-format", NULL, 1, "true",
		"false: attest writes Sigstore bundles on OCI referrers only (no legacy .att tag)"},
	{C_ATTEST, "--no-upload", NULL, 1, NULL,
		"an attestation written but not attached; --bundle keeps a copy of what is "
		"attached"},
	{C_ATTEST, "--replace", NULL, 1, NULL,
		"replacing the attestations of the same predicate type; picosign adds a referrer"},
	{C_ATTEST, "--rekor-entry-type", NULL, 0, "dsse",
		"intoto log entries; picosign logs dsse entries (cosign's default)"},
	{C_ATTEST, "--statement", NULL, 0, NULL,
		"signing a ready-made in-toto statement; give --predicate and --type"},
	{C_SIGN | C_ATTEST, "--record-creation-timestamp", NULL, 1, NULL,
		"a creation time in the signature image's config (picosign writes cosign's "
		"default, the zero time)"},
	{C_SIGN, "--attachment", NULL, 0, "",
		"attachment signatures (SBOMs); picosign signs "
		"images"},
	{C_SIGN, "--payload", NULL, 0, NULL,
		"signing a payload file instead of the simple-signing payload it builds"},
	{C_SIGN, "--sign-container-identity", NULL, 0, NULL,
		"a docker-reference other than the image's own repository"},
	{C_SIGN | C_ATTEST, "--registry-referrers-mode", NULL, 0, NULL,
		"cosign v2's experimental storage switch; sign takes --signature-format (v3, "
		"legacy or both)"},
	{C_SIGN_BLOB | C_ATTEST_BLOB, "--rfc3161-timestamp", NULL, 0, NULL, WHY_TSA_FILE},
	{C_SIGN_BLOB, "--signing-algorithm", NULL, 0, "ecdsa-sha2-256-nistp256",
		"keys other than ECDSA P-256 with SHA-256"},
	/* registries */
	{IMAGES, "--k8s-keychain", NULL, 1, NULL, WHY_K8S},
	{IMAGES, "--registry-client-cert", NULL, 0, NULL, WHY_MTLS},
	{IMAGES, "--registry-client-key", NULL, 0, NULL, WHY_MTLS},
	{IMAGES, "--registry-server-name", NULL, 0, NULL, WHY_MTLS},
	{IMAGES, "--attachment-tag-prefix", NULL, 0, "",
		"custom signature tag prefixes; picosign reads and writes sha256-<hex>.sig"},
	/* verifying */
	{VERIFIERS, "--ca-roots", NULL, 0, NULL, WHY_CA_FILES},
	{VERIFIERS, "--ca-intermediates", NULL, 0, NULL, WHY_CA_FILES},
	{VERIFIERS, "--sct", NULL, 0, NULL,
		"detached SCTs; picosign checks the SCT embedded in the certificate"},
	{VERIFIERS, "--signature-digest-algorithm", NULL, 0, "sha256",
		"message digests other than SHA-256"},
	{VERIFIERS, "--timestamp-certificate-chain", NULL, 0, NULL,
		"a timestamp authority's chain given apart; the trusted root's authorities are "
		"used"},
	{VERIFIERS, "--use-signed-timestamps", NULL, 1, NULL,
		"requiring a signed timestamp; picosign verifies those a bundle carries (and "
		"requires one where there is no log time)"},
	{VERIFIERS, "--experimental-oci11", NULL, 1, "true",
		"false: picosign always looks for Sigstore bundles on OCI referrers first"},
	{C_VERIFY_ATT, "--new-bundle-format", NULL, 1, "true",
		"false: verify-attestation reads Sigstore bundles on OCI referrers only (no legacy "
		".att tag)"},
	{C_VERIFY_ATT, "--policy", NULL, 0, NULL,
		"CUE and Rego policies; the verified envelopes are printed for a policy tool"},
	{C_VERIFY | C_VERIFY_ATT, "--certificate", NULL, 0, NULL,
		"a certificate given apart from the image's signature (verify-blob takes one)"},
	{C_VERIFY | C_VERIFY_ATT, "--certificate-chain", NULL, 0, NULL,
		"a chain given apart from the image's signature (verify-blob takes one)"},
	{C_VERIFY, "--signature", NULL, 0, NULL,
		"a signature given apart from the image (verify-blob takes one)"},
	{C_VERIFY, "--payload", NULL, 0, NULL,
		"a payload given apart from the image (verify-blob takes one)"},
	{C_VERIFY, "--attachment", NULL, 0, "", "attachment signatures (SBOMs)"},
	{C_VERIFY | C_VERIFY_ATT, "--rekor-url", NULL, 0, "https://rekor.sigstore.dev",
		"searching a log for image signatures; picosign verifies the Rekor bundle stored "
		"with each signature"},
	{C_VERIFY_BLOB | C_VERIFY_BLOB_ATT, "--rfc3161-timestamp", NULL, 0, NULL, WHY_TSA_FILE},
};

/* Whether refusals for the commands `mask` apply to `command`. */
static int
applies(unsigned mask, const char *command)
{
	for (size_t i = 0; i < sizeof command_bits / sizeof command_bits[0]; i++)
		if ((mask & (1u << i)) != 0 && strcmp(command_bits[i], command) == 0)
			return 1;
	return 0;
}

/* see cli.h */
const sg_cli_refusal *
sg_cli_refusal_find(const char *command, const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		const sg_cli_refusal *r = &refusals[i];
		if (!applies(r->commands, command))
			continue;
		if ((strlen(r->name) == n && strncmp(r->name, name, n) == 0) ||
			(r->alias != NULL && strlen(r->alias) == n &&
				strncmp(r->alias, name, n) == 0))
			return r;
	}
	return NULL;
}

/* see cli.h */
const sg_cli_refusal *
sg_cli_refusal_at(const char *command, size_t i)
{
	for (size_t k = 0; k < sizeof refusals / sizeof refusals[0]; k++) {
		if (!applies(refusals[k].commands, command))
			continue;
		if (i == 0)
			return &refusals[k];
		i--;
	}
	return NULL;
}

/* see cli.h */
int
sg_cli_refuse(const sg_cli_refusal *r, const char *v, const char *given_as)
{
	if (r->is_bool) {
		int on = 1;
		if (v != NULL && !sg_cli_parse_bool(v, &on))
			return sg_cli_usage_error("%s: invalid boolean \"%s\"", given_as, v);
		if (on == (r->harmless != NULL))
			return 0;
	} else if (r->harmless != NULL && v != NULL && strcmp(v, r->harmless) == 0) {
		return 0;
	}
	return sg_cli_usage_error("%s is not supported by picosign: %s", given_as, r->why);
}
