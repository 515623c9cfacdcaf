/* main: picosign's command-line entry point. It owns the one per-command arena allocation,
 * dispatches to the commands in cli_*.c and turns their results into exit codes.
 *
 * It also owns the help: each row of the command table carries its usage text (synopsis,
 * description, flags, examples), and -h/--help anywhere among a command's arguments (before a
 * "--") prints it to stdout and exits 0 before the command runs, so the command parsers need
 * no help code of their own. docs/cli.md is these texts pasted; tests/integration/cli.sh
 * checks that every flag in a command's flag table appears in its help and that docs/cli.md
 * has every synopsis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"
#include "online/fulcio.h"
#include "online/rekor.h"
#include "online/tuf.h"

struct command {
	const char *name;
	sg_cli_cmd_fn fn;
	const char *help;     /* one line, for `picosign --help` */
	const char *synopsis; /* after "Usage: "; a second form on its own line */
	const char *about;    /* what the command does, a few lines */
	const char *const *flags; /* "  FLAG ARG   meaning (default)" lines, without -h/--help:
				   * fragments, NULL-terminated (FLAGS) */
	int registry;         /* also takes the registry flags (SG_CLI_REGISTRY_FLAG_ROWS) */
	const char *examples; /* "  picosign ..." lines */
	void (*more)(FILE *f); /* NULL, or prints a list after the examples */
};

/* The commands a smaller build leaves out (their size budget, docs/decisions.md), so that
 * asking for one says where it is rather than "unknown command". */
#define IN_DYNAMIC "the dynamic build has it"
#define IN_FULL "the full static build and the dynamic build have it"
static const struct {
	const char *name, *where;
} left_out[] = {
#ifdef SG_SMALL
	{"download", IN_DYNAMIC}, {"tree", IN_DYNAMIC}, {"save", IN_DYNAMIC},
	{"debug", IN_DYNAMIC}, {"cert", IN_DYNAMIC},
#endif
#ifdef SG_VERIFY_ONLY
	{"generate-key-pair", IN_FULL}, {"sign", IN_FULL}, {"attest", IN_FULL},
	{"sign-blob", IN_FULL}, {"sign-bundle", IN_FULL},
#endif
	{NULL, NULL}};

static int
cmd_version(int argc, char **argv, sg_arena *arena)
{
	(void)arena;
	/* No flags and no arguments: anything else is a mistake worth reporting. */
	const char *pos[1];
	size_t n_pos;
	if (sg_cli_parse_flags(argc, argv, NULL, 0, pos, 0, &n_pos) != 0)
		return SG_EXIT_FAIL;
	printf("picosign %s\n", SG_VERSION);
#ifdef SG_VERIFY_ONLY
	fputs("verify-only build: no", stdout);
	for (size_t i = 0; left_out[i].name != NULL; i++)
		if (strcmp(left_out[i].where, IN_FULL) == 0)
			printf(" %s", left_out[i].name);
	putchar('\n');
#endif
	sg_cli_trust_line(arena);
	return SG_EXIT_OK;
}

/* The usage texts. Flag lines: flag and argument, then the meaning from column 35 (a long
 * flag gets its own line). A "\v" starts a continuation line: it prints as the 34 spaces up to
 * that column (put_help), so the static binary does not carry them. A command's flags are a
 * NULL-terminated list of fragments, so the fragments shared by several commands are stored
 * once. */
#define HELP_INDENT "                                  "
#define FLAGS(...) ((const char *const[]){__VA_ARGS__, NULL})
static const char trusted_root_flag[] =
	"  --trusted-root FILE             trusted_root.json (default: the SIGSTORE_*\n"
	"\vvariables, else the TUF cache of\n"
	"\v`picosign initialize`, else the embedded\n"
	"\vpublic-good root: see `picosign trust`)\n";
/* What verify commands add to --trusted-root (SG_CLI_TRUST_FLAG_ROWS). */
static const char trust_policy_flags[] =
	"  --max-trust-root-age DURATION   refuse trust material fetched longer ago, or\n"
	"\vof unknown age (Go syntax: 72h, 30m;\n"
	"\vwithout it: a warning past 30 days)\n"
	"  --refresh-trust                 refresh the TUF cache from its mirror first\n"
	"\v(also PICOSIGN_REFRESH_TRUST=1); a failure\n"
	"\vis a warning\n";
static const char key_pub_flag[] =
	"  --key PUB                       verify with a public key (PEM file, or\n"
	"\venv://VAR) instead of a certificate identity\n";
#ifndef SG_VERIFY_ONLY /* the signing commands' (left out of the verify-only build below) */
static const char yes_flag[] =
	"  -y, --yes                       skip the confirmation (also COSIGN_YES=true)\n";
#endif
static const char identity_flags[] =
	"  --certificate-identity ID       the signer's identity in the certificate\n"
	"\v(email or URI SAN), exactly\n"
	"  --certificate-identity-regexp RE\n"
	"\vthe identity, as a regular expression\n"
	"  --certificate-oidc-issuer URL   the OIDC issuer in the certificate, exactly\n"
	"  --certificate-oidc-issuer-regexp RE\n"
	"\vthe issuer, as a regular expression\n"
	"  --buildkite-org ORG             a Buildkite job of ORG: identity\n"
	"\vhttps://buildkite.com/ORG/<any pipeline>,\n"
	"\vissuer https://agent.buildkite.com\n"
	"  --buildkite-pipeline PIPELINE   with --buildkite-org: that pipeline only\n"
	"Certificate extensions, exactly (any CI issuer; protocol.md 4.2):\n"
	"  --certificate-source-repository-digest SHA\n"
	"\vthe commit (1.13)\n"
	"  --certificate-build-trigger T   what started the build (1.20)\n"
	"  --certificate-runner-environment E\n"
	"\vgithub-hosted, self-hosted... (1.11)\n"
	"  --certificate-run-invocation-uri URI\n"
	"\vthe build or job's URL (1.21)\n"
	"  --certificate-github-workflow-trigger T, --certificate-github-workflow-sha SHA,\n"
	"  --certificate-github-workflow-name N, --certificate-github-workflow-repository R,\n"
	"  --certificate-github-workflow-ref REF\n"
	"\vcosign's GitHub extensions (1.2-1.6)\n";
/* cosign's root flags (SG_CLI_COMMON_FLAG_ROWS), which every command of cosign's takes. */
static const char root_flags[] =
	"  -t, --timeout DURATION          per request: a Go duration (3m, 90s) or seconds\n"
	"\v(also $PICOSIGN_TIMEOUT; default: 10 s to connect,\n"
	"\v30 s per read or write, 120 s per request)\n"
	"  --output-file FILE              write standard output to FILE\n";
static const char env_note[] =
	"Every flag can also come from COSIGN_<FLAG> (COSIGN_CERTIFICATE_IDENTITY=...); the\n"
	"command line wins. Cosign flags picosign does not support are refused by name.\n";
#ifndef SG_VERIFY_ONLY
/* The keyless signing flags; the services' come from cli/signing.c (docs/decisions.md). */
static const char keyless_flags[] =
	"  --identity-token TOKEN|FILE     the OIDC token, or a file holding it\n"
	"\v(default: $SIGSTORE_ID_TOKEN, Buildkite,\n"
	"\vGitHub Actions,\n"
	"\v/var/run/sigstore/cosign/oidc-token)\n"
	"  --oidc-provider NAME            only this token source: envvar, buildkite-agent,\n"
	"\vgithub-actions or filesystem\n"
	"  --oidc-issuer URL               cosign's interactive sign-in (picosign has none;\n"
	"\va different token issuer is reported)\n"
	"  --oidc-disable-ambient-providers\n"
	"\vuse only --identity-token\n"
	"  --signing-config FILE           a SigningConfig v0.2 (Fulcio, Rekor v1 or v2,\n"
	"\vtimestamp authority); default: the embedded\n"
	"\vpublic-good one, unless a URL below is given\n"
	"  --fulcio-url URL                Fulcio (default " SG_FULCIO_DEFAULT_URL ")\n"
	"  --rekor-url URL                 a Rekor v1 log (default\n"
	"\v" SG_REKOR_DEFAULT_URL ")\n"
	"  --timestamp-server-url URL      an RFC 3161 timestamp authority (none by\n"
	"\vdefault when a URL flag is given)\n";
/* ... then trusted_root_flag, then: */
static const char keyless_tail_flags[] =
	"  --allow-http                    allow plain http:// to non-loopback hosts\n";
#endif
/* verify-blob's and verify-bundle's (cli/verify_blob.c verify_common). */
static const char verify_blob_flags[] =
	"  --bundle FILE                   a Sigstore bundle or a cosign v2 bundle file\n"
	"  --signature SIG                 a detached signature: a file holding it in\n"
	"\vbase64, or the base64 itself\n"
	"  --certificate CERT              the signing certificate (PEM or its base64; a\n"
	"\vfile or env://VAR)\n"
	"  --certificate-chain FILE        trust this chain (issuer first, root last)\n"
	"\vinstead of the trusted root's CAs\n";
static const char verify_blob_tail_flags[] =
	"  --rekor-url URL                 where a detached signature's entry is looked\n"
	"\vup (default " SG_REKOR_DEFAULT_URL ")\n"
	"  --offline                       open no network connection at all, refused\n"
	"\vbelow the transport for the whole run (a\n"
	"\vlookup fails with \"offline verification\n"
	"\vfailed\")\n"
	"  --insecure-ignore-tlog          skip the transparency log checks\n"
	"  --private-infrastructure        --insecure-ignore-tlog (private deployments)\n"
	"  --insecure-ignore-sct           skip the certificate's SCT check\n"
	"  --new-bundle-format=BOOL        accepted: the bundle's format is read from it\n"
	"  --max-workers N                 accepted (one artifact needs one worker)\n";

/* verify and verify-attestation (issue #11, air gap). */
static const char local_image_flags[] =
	"  --local-image                   each argument is an OCI layout (save, cosign save)\n"
	"  --offline                       no network connection at all (--local-image)\n";

static const char registry_flags[] =
	"  --registry-username USER        registry user name (Basic authentication)\n"
	"  --registry-password PASSWORD    registry password (visible in ps: prefer the\n"
	"\vdocker config)\n"
	"  --registry-token TOKEN          a bearer token, sent to the registry as is\n"
	"  --registry-cacert FILE          the registry's CA certificates (PEM)\n"
	"  --allow-http-registry           also try plain http:// (https first); loopback\n"
	"\vregistries need no flag\n"
	"  --allow-insecure-registry       TLS without certificate checks\n"
	"Without credential flags: the docker config ($DOCKER_CONFIG/config.json, else\n"
	"~/.docker/config.json, credential helpers included), else $REGISTRY_AUTH_FILE,\n"
	"else podman's containers/auth.json, else anonymous. Signatures are read from and\n"
	"written to $COSIGN_REPOSITORY when it is set.\n";

static const struct command commands[] = {
	{"version", cmd_version,
		"print the version",
		"picosign version",
		"Print picosign's version (as `picosign --version` does).\n",
		FLAGS(
		""),
		0,
		"  picosign version\n",
		NULL},
	{"initialize", sg_cmd_initialize,
		"refresh the trust material through TUF into the local cache",
		"picosign initialize [--mirror URL] [--root FILE|URL] [--root-checksum HEX] "
		"[--staging]",
		"Fetch the Sigstore trust material (trusted_root.json, signing_config.v0.2.json)\n"
		"from a TUF repository, checking it as TUF 1.0.34 prescribes (root rotation,\n"
		"thresholds, rollback, freeze, hashes), into the cache ($TUF_ROOT, else\n"
		"$XDG_CACHE_HOME/picosign/tuf, else ~/.cache/picosign/tuf). Verify commands\n"
		"then use it, re-verified from the embedded root on every read. Starts from\n"
		"--root, else $TUF_ROOT_JSON, else the embedded public-good root. Safe to run in\n"
		"parallel; a failure names the role and check and leaves the cache as it was.\n",
		FLAGS(
		"  --mirror URL                    the TUF repository (default\n"
		"\v" SG_TUF_DEFAULT_MIRROR ")\n"
		"  --root FILE|URL                 the initial root.json to trust (a URL needs\n"
		"\v--root-checksum)\n"
		"  --root-checksum HEX             its sha256 (or sha256:HEX, sha512:HEX)\n"
		"  --staging                       Sigstore staging's mirror\n"
		"\v(" SG_TUF_STAGING_MIRROR "; needs --root)\n"
		"  --timeout SECS                  deadline per request (also\n"
		"\v$PICOSIGN_TIMEOUT)\n"),
		0,
		"  picosign initialize\n"
		"  TUF_ROOT=/var/cache/sigstore picosign initialize --mirror https://tuf.example \\\n"
		"      --root root.json\n",
		NULL},
	{"trust", sg_cmd_trust,
		"print the trust material in use and the endpoints picosign contacts",
		"picosign trust [flags]",
		"Print what verification would trust with the same flags and environment: the\n"
		"source (--trusted-root, the SIGSTORE_* variables, the TUF cache, or the\n"
		"embedded material), its SHA-256, TUF versions, fetch time and age, each CA,\n"
		"log and timestamp authority with its validity window, and the endpoints that\n"
		"signing and refreshing contact, as host:port for an egress allow-list.\n",
		FLAGS(
		trusted_root_flag,
		trust_policy_flags,
		"  --staging                       the staging instance's material\n"
		"  --export DIR                    also write the TUF state in use (metadata\n"
		"\vand targets) into DIR\n"),
		0,
		"  picosign trust\n"
		"  picosign trust --export /tmp/trust\n",
		NULL},
#ifndef SG_VERIFY_ONLY /* the verify-only static build (make static-verify) signs nothing */
	{"generate-key-pair", sg_cmd_generate_key_pair,
		"write a new cosign.key and cosign.pub",
		"picosign generate-key-pair [--output-key-prefix PREFIX] [-f]",
		"Write a new ECDSA P-256 key pair: PREFIX.key, encrypted in cosign's format\n"
		"(scrypt + secretbox, mode 0600), and PREFIX.pub (PEM, mode 0644). The password\n"
		"is $COSIGN_PASSWORD when it is set (even empty), else it is typed twice at the\n"
		"terminal. Existing files are replaced only with -f.\n",
		FLAGS(
		"  --output-key-prefix PREFIX      file name prefix (default \"cosign\")\n"
		"  -f, --force                     replace existing PREFIX.key and PREFIX.pub\n",
		root_flags),
		0,
		"  picosign generate-key-pair\n"
		"  COSIGN_PASSWORD=... picosign generate-key-pair --output-key-prefix release -f\n",
		NULL},
#endif
	{"public-key", sg_cmd_public_key,
		"print the public key of a private key file",
		"picosign public-key --key KEY [--outfile FILE]",
		"Print the PEM public key of a private key: cosign's encrypted format (the\n"
		"password from $COSIGN_PASSWORD or the terminal), PKCS#8 or SEC1, EC P-256.\n",
		FLAGS(
		"  --key KEY                       the private key: a file, or env://VAR for the\n"
		"\vPEM in a variable (required)\n"
		"  --outfile FILE                  write the public key to FILE instead of\n"
		"\vstandard output\n",
		root_flags),
		0,
		"  picosign public-key --key cosign.key\n"
		"  COSIGN_PASSWORD=... picosign public-key --key env://COSIGN_PRIVATE_KEY\n",
		NULL},
	{"triangulate", sg_cmd_triangulate,
		"print where the signatures of IMAGE live",
		"picosign triangulate [flags] IMAGE[:TAG|@DIGEST]",
		"Print where cosign keeps the signatures (or attestations, SBOM) of IMAGE:\n"
		"REGISTRY/REPOSITORY:sha256-<hex>.sig. A tag is first resolved to its digest\n"
		"through the registry (exit 11 when the tag does not exist).\n",
		FLAGS(
		"  --type TYPE                     signature, attestation, sbom or digest (the\n"
		"\vimage by digest) (default signature)\n",
		root_flags),
		1,
		"  picosign triangulate reg.example/app@sha256:<hex>\n"
		"  picosign triangulate --type digest reg.example/app:latest\n",
		NULL},
#ifndef SG_SMALL /* the static build leaves out the inspection commands download and tree, save
		  * (the air-gapped side verifies), debug and cert below (its size budget) */
	{"download", sg_cmd_download,
		"print the signatures or attestations stored with an image",
		"picosign download signature [flags] IMAGE\n"
		"       picosign download attestation [flags] IMAGE",
		"Print what cosign stored next to IMAGE, as cosign download does, one JSON object\n"
		"a line: each signature of the sha256-<hex>.sig tag (Base64Signature, Payload,\n"
		"Cert, Chain, Bundle, RFC3161Timestamp; Cert and Chain as {\"Raw\": DER}), or\n"
		"each attestation of the .att tag (payloadType, payload, signatures). The\n"
		"legacy tags only: `picosign tree` lists the bundles attached as referrers.\n",
		FLAGS(
		"  --predicate-type TYPE           attestation: only this predicate type (a URI,\n"
		"\vor cosign's names: slsaprovenance, spdx...)\n"
		"  --platform OS/ARCH[/VARIANT]    attestation: that manifest of an index\n",
		root_flags),
		1,
		"  picosign download signature reg.example/app@sha256:<hex>\n"
		"  picosign download attestation --predicate-type spdx reg.example/app:1\n",
		NULL},
	{"tree", sg_cmd_tree,
		"list the signatures, attestations and SBOMs stored for an image",
		"picosign tree [flags] IMAGE[:TAG|@DIGEST]",
		"List what is stored about IMAGE in each place cosign writes to, as cosign\n"
		"tree does: the legacy tags sha256-<hex>.sig, .att and .sbom and their layers,\n"
		"then the OCI 1.1 referrers (from the registry's referrers API or the fallback\n"
		"tag sha256-<hex>, which it names) with their layers. Nothing is verified.\n",
		FLAGS(
		""),
		1,
		"  picosign tree reg.example/app:1.0\n",
		NULL},
	{"save", sg_cmd_save,
		"copy an image and its signatures into an OCI layout (verify --local-image)",
		"picosign save [flags] IMAGE[:TAG|@DIGEST] --dir DIR",
		"Copy IMAGE from its registry into the OCI image layout DIR, as cosign save\n"
		"does: the image (every manifest, config and layer), its legacy .sig signatures\n"
		"and every OCI 1.1 referrer (cosign v3 signature and attestation bundles). Then\n"
		"verify --local-image DIR and verify-attestation --local-image DIR need no\n"
		"network. index.json is written last: a failed save leaves no layout that looks\n"
		"complete. Blobs over 96 MiB are refused.\n",
		FLAGS(
		"  --dir DIR                       the layout directory (created; an existing\n"
		"\vlayout's index.json is replaced)\n"),
		1,
		"  picosign save reg.example/app:1.0 --dir app-1.0\n"
		"  picosign verify --offline --local-image --key cosign.pub app-1.0\n",
		NULL},
#endif
	{"verify", sg_cmd_verify,
		"verify the cosign signatures of an image in its registry or a saved layout",
		"picosign verify [flags] IMAGE[:TAG|@DIGEST]...\n"
		"       picosign verify [flags] -\n"
		"       picosign verify [flags] --local-image DIR...",
		"Verify the cosign signatures of each IMAGE in its registry with cosign v3's\n"
		"checks, output and exit codes: Sigstore bundles attached as OCI 1.1\n"
		"referrers (the referrers API, else the fallback tag sha256-<hex>), else the\n"
		"legacy sha256-<hex>.sig tag; keyless, against an expected identity and issuer\n"
		"(one flag of each pair), or with --key. Only image signatures count\n"
		"(predicate https://sigstore.dev/cosign/sign/v1): attestations are for\n"
		"verify-attestation. The header goes to stderr, the verified claims (JSON, one\n"
		"element per verified signature) to stdout, per image. Several images are\n"
		"verified by --max-workers at once; the exit code is the first failing image's.\n"
		"Exit 10: no signatures; 11: image tag not found; 12: signatures exist but none\n"
		"matched; 1: anything else, a failed registry lookup included.\n"
		"\n"
		"IMAGE - reads the images from standard input, one reference a line (blank\n"
		"lines and # comments skipped; at most 256 images, 4096 with -o jsonl).\n"
		"-o jsonl prints one JSON line per image, in input order, and nothing per image\n"
		"on stderr: {\"image\", \"digest\" (null when unresolved), \"verified\",\n"
		"\"check\" (the step that failed: resolve, signatures-found, verify, lookup),\n"
		"\"error\", \"exit\"}; the exit code is still the first failing image's.\n",
		FLAGS(
		identity_flags,
		key_pub_flag,
		"  -a, --annotations KEY=VALUE     require this annotation in the payload\n"
		"\v(repeatable)\n",
		trusted_root_flag,
		trust_policy_flags,
		local_image_flags,
		"  --insecure-ignore-tlog          skip the transparency log (warned about; only for\n"
		"\vsignatures made with sign --tlog-upload=false)\n"
		"  --private-infrastructure        --insecure-ignore-tlog (private deployments)\n"
		"  --insecure-ignore-sct           skip the certificate's embedded SCT\n"
		"  --check-claims=BOOL             check the payload's digest and annotations\n"
		"\v(default true)\n"
		"  -o, --output FORMAT             json, text or jsonl (one line per image;\n"
		"\vdefault json)\n"
		"  --max-workers N                 images verified at once (default 10, at most 8\n"
		"\vrun)\n"
		"  -r, --recursive                 also verify every manifest of an index, each\n"
		"\vreported as an image\n"
		"  --explain                       print, for every signature, the check that\n"
		"\vfailed and why, to stderr\n"
		"  --new-bundle-format=BOOL        false: only the legacy .sig tag (default:\n"
		"\vbundles first, then .sig)\n",
		root_flags,
		env_note),
		1,
		"  picosign verify --certificate-identity me@example.com \\\n"
		"      --certificate-oidc-issuer https://accounts.google.com reg.example/app:1.0\n"
		"  picosign verify --key cosign.pub reg.example/app@sha256:<hex>\n",
		NULL},
	{"verify-attestation", sg_cmd_verify_attestation,
		"verify the in-toto attestations of an image in its registry or a layout",
		"picosign verify-attestation [flags] IMAGE[:TAG|@DIGEST]...\n"
		"       picosign verify-attestation [flags] --local-image DIR...",
		"Verify the attestations of each IMAGE that cosign v3 attaches as OCI 1.1\n"
		"referrers (Sigstore bundles over in-toto statements) with cosign's checks:\n"
		"keyless, against an expected identity and issuer, or with --key. Only\n"
		"statements of the --type asked for count; an image signature never does. The\n"
		"header goes to stderr, each verified DSSE envelope (JSON) to stdout. Exit 10:\n"
		"no attestations; 12: attestations exist but none matched; 1: anything else.\n"
		"IMAGE - and -o jsonl work as for verify (picosign verify --help).\n",
		FLAGS(
		identity_flags,
		key_pub_flag,
		"  --type TYPE                     the predicate type: a cosign name\n"
		"\v(slsaprovenance1, spdxjson, cyclonedx, vuln,\n"
		"\vopenvex, custom, ...) or a URI (default\n"
		"\vcustom)\n"
		"  -a, --annotations KEY=VALUE     require this annotation on the statement's\n"
		"\vsubject (repeatable)\n",
		trusted_root_flag,
		trust_policy_flags,
		local_image_flags,
		"  --insecure-ignore-tlog          skip the transparency log (warned about)\n"
		"  --private-infrastructure        --insecure-ignore-tlog (private deployments)\n"
		"  --insecure-ignore-sct           skip the certificate's embedded SCT\n"
		"  --check-claims=BOOL             check the subject's digest and annotations\n"
		"\v(default true)\n"
		"  -o, --output FORMAT             accepted for cosign's sake; the envelopes are\n"
		"\valways printed as JSON lines\n"
		"  --max-workers N                 images verified at once (default 10, at most 8\n"
		"\vrun)\n"
		"  -r, --recursive                 also verify every manifest of an index, each\n"
		"\vreported as an image\n"
		"  --explain                       print, for every referrer, why it was skipped,\n"
		"\vfailed or passed, to stderr\n",
		root_flags,
		env_note),
		1,
		"  picosign verify-attestation --type slsaprovenance1 \\\n"
		"      --certificate-identity me@example.com \\\n"
		"      --certificate-oidc-issuer https://accounts.google.com reg.example/app:1.0\n",
		NULL},
#ifndef SG_VERIFY_ONLY
	{"sign", sg_cmd_sign,
		"sign an image keylessly (Fulcio + Rekor) or with --key, and push the "
		"cosign signature",
		"picosign sign [flags] IMAGE[:TAG|@DIGEST]",
		"Sign IMAGE and push the signature as cosign v3 does: a Sigstore bundle (an\n"
		"in-toto statement in a DSSE envelope, an RFC 3161 timestamp, a Rekor entry)\n"
		"attached as an OCI 1.1 referrer, through the registry's referrers API or the\n"
		"fallback tag REGISTRY/REPOSITORY:sha256-<hex>. --new-bundle-format=false\n"
		"writes cosign's legacy form, a layer of REGISTRY/REPOSITORY:sha256-<hex>.sig;\n"
		"--signature-format both writes the two. Keyless by default: an OIDC identity\n"
		"token, a Fulcio certificate for an ephemeral key, each verified against the\n"
		"trusted root, the services chosen by the signing config. With --key, signs\n"
		"with a key file and, as cosign, logs the signature in Rekor too, checked the\n"
		"same way. Asks for confirmation before the Rekor upload unless --yes. A tag is\n"
		"resolved to its digest, with cosign's warning. The --output-* files and\n"
		"--bundle are written before the push, so a refused push loses nothing. -r signs\n"
		"an index and every manifest it lists.\n",
		FLAGS(
		"  --key KEY                       sign with this key (a file or env://VAR)\n"
		"\v(cosign's format, PKCS#8 or SEC1; password:\n"
		"\v$COSIGN_PASSWORD or the terminal)\n"
		"  -a, --annotations KEY=VALUE     add to the payload's \"optional\" map\n"
		"\v(repeatable)\n"
		"  -r, --recursive                 an index: also sign every manifest it lists\n",
		yes_flag,
		"  --tlog-upload=BOOL              with --key, false signs without Rekor (verify\n"
		"\vthen needs --insecure-ignore-tlog); keyless\n"
		"\valways uploads\n"
		"  --upload=BOOL                   false: sign and write the files, push nothing\n"
		"  --new-bundle-format=BOOL        false: the legacy .sig form (default true)\n"
		"  --signature-format FORMAT       v3, legacy or both (default v3; legacy with\n"
		"\v--new-bundle-format=false)\n"
		"  --output-signature FILE         legacy form: write the signature (base64, no\n"
		"\vnewline)\n"
		"  --output-payload FILE           write the signed legacy payload\n"
		"  --bundle FILE                   write the Sigstore bundle (v0.3): the v3 one,\n"
		"\vor the payload's in the legacy form (needs the\n"
		"\vRekor entry)\n"
		"  --output-certificate FILE       keyless: write the signing certificate (PEM)\n",
		root_flags,
		"Keyless (--rekor-url, --signing-config, --timestamp-server-url and\n"
		"--trusted-root also with --key):\n",
		keyless_flags,
		trusted_root_flag,
		keyless_tail_flags,
		env_note),
		1,
		"  picosign sign reg.example/app@sha256:<hex>\n"
		"  picosign sign --identity-token tok.jwt -a build=42 reg.example/app:1.0\n"
		"  picosign sign --key cosign.key reg.example/app@sha256:<hex>\n"
		"  picosign sign --signature-format both reg.example/app@sha256:<hex>\n",
		NULL},
	{"attest", sg_cmd_attest,
		"sign an in-toto attestation for an image and attach it as a referrer",
		"picosign attest --predicate FILE [--type TYPE] [flags] IMAGE[:TAG|@DIGEST]",
		"Make the in-toto statement cosign attest makes of FILE for IMAGE (the\n"
		"predicate of --type: custom wraps the file as {Data, Timestamp}, spdx as a\n"
		"string, the others take it as a JSON object), sign it as DSSE with a\n"
		"timestamp and a Rekor entry, and attach the Sigstore bundle as an OCI 1.1\n"
		"referrer, as cosign v3 does. Check it with verify-attestation --type TYPE.\n",
		FLAGS(
		"  --predicate FILE                the predicate (required)\n"
		"  --type TYPE                     slsaprovenance, slsaprovenance02,\n"
		"\vslsaprovenance1, link, spdx, spdxjson,\n"
		"\vcyclonedx, vuln, openvex, custom, or a URI\n"
		"\v(default custom)\n"
		"  --key KEY                       sign with this key (a file or env://VAR)\n"
		"\vinstead of keyless\n",
		yes_flag,
		"  --tlog-upload=BOOL              with --key, false signs without Rekor\n"
		"  --bundle FILE                   also write the Sigstore bundle to FILE\n",
		root_flags,
		keyless_flags,
		trusted_root_flag,
		keyless_tail_flags,
		env_note),
		1,
		"  picosign attest --predicate prov.json --type slsaprovenance1 \\\n"
		"      reg.example/app@sha256:<hex>\n",
		NULL},
#endif
#ifndef SG_SMALL /* the static build leaves the two inspection tools out (its size budget) */
	{"debug", sg_cmd_debug,
		"run one parser on a file (for audits and fuzz findings)",
		"picosign debug PARSER FILE [--canonical]\n"
		"       picosign debug http-get [flags] URL",
		"Run one parser on FILE (\"-\": standard input): exit 0 and \"PARSER: accepted\"\n"
		"when the input is accepted, 1 with the error when it is rejected; for audits\n"
		"and fuzz findings. `debug http-get` sends one GET through picosign's transport\n"
		"(TLS 1.2, proxies, redirects, timeouts) and prints the status, the headers and\n"
		"the body size.\n",
		FLAGS(
		"  --canonical                     json: print the RFC 8785 canonical form\n"
		"http-get flags:\n"
		"  --ca-file FILE                  trust only the CA certificates in FILE (PEM)\n"
		"  --timeout SECS                  deadline for the whole request (also\n"
		"\v$PICOSIGN_TIMEOUT)\n"
		"  --allow-http                    allow plain http:// to any host (default:\n"
		"\vloopback only)\n"
		"  --max-body BYTES                body size limit (default and maximum 8 MiB)\n"
		"  --no-redirects                  print a 3xx answer instead of following it\n"
		"  -H 'NAME: VALUE'                add a request header (repeatable, at most\n"
		"\v16)\n"
		"  -o FILE                         write the body to FILE\n"),
		0,
		"  picosign debug der cert.der\n"
		"  picosign debug json --canonical bundle.json\n"
		"  picosign debug http-get https://rekor.sigstore.dev/api/v1/log\n",
		sg_cli_debug_parsers},
	{"cert", sg_cmd_cert,
		"print a certificate with its Sigstore extensions decoded",
		"picosign cert [FILE|-]",
		"Print the certificates in FILE (PEM, several allowed, or one DER; default\n"
		"standard input) like `openssl x509 -text`, with every Sigstore extension\n"
		"decoded by name, the SANs, key usages, validity (RFC 3339), the SHA-256\n"
		"fingerprint and the embedded SCTs. Bytes from the certificate are escaped.\n",
		FLAGS(
		""),
		0,
		"  picosign cert fulcio-cert.pem\n"
		"  picosign cert - < chain.pem\n",
		NULL},
#endif
	{"verify-blob", sg_cmd_verify_blob,
		"verify a Sigstore bundle for a file, offline",
		"picosign verify-blob --bundle FILE [flags] FILE|-|sha256:HEX\n"
		"       picosign verify-blob --signature SIG (--certificate CERT | --key PUB)\n"
		"       [flags] FILE|-|sha256:HEX",
		"Verify a signature for a file (- for standard input), or for a digest given as\n"
		"sha256:<hex>, against the trusted root: keyless against an expected identity and\n"
		"issuer (one flag of each pair), or with --key. The signature is a Sigstore\n"
		"bundle (v0.1-v0.3, Rekor v1 and v2, RFC 3161 timestamps), a cosign v2\n"
		"sign-blob --bundle file, or detached: --signature with --certificate (or --key),\n"
		"whose transparency-log entry is looked up in Rekor as cosign v2 does. Prints\n"
		"\"Verified OK\" to stderr and exits 0, else \"Error: <the check that failed and\n"
		"why>\" and exits 1.\n",
		FLAGS(
		verify_blob_flags,
		identity_flags,
		key_pub_flag,
		trusted_root_flag,
		trust_policy_flags,
		verify_blob_tail_flags,
		root_flags,
		env_note),
		0,
		"  picosign verify-blob --bundle app.sigstore.json \\\n"
		"      --certificate-identity me@example.com \\\n"
		"      --certificate-oidc-issuer https://github.com/login/oauth app.tar.gz\n"
		"  picosign verify-blob --bundle app.sigstore.json --key cosign.pub sha256:<hex>\n"
		"  picosign verify-blob --signature app.sig --certificate app.pem \\\n"
		"      --buildkite-org acme --buildkite-pipeline app app.tar.gz\n",
		NULL},
	{"verify-bundle", sg_cmd_verify_bundle,
		"verify a bundle (the sigstore-conformance client protocol)",
		"picosign verify-bundle --bundle FILE [flags] FILE|sha256:HEX",
		"The sigstore-conformance client protocol's verify command: verify-blob, plus\n"
		"--staging. Prints \"Verified OK\" to stderr and exits 0, else the error and\n"
		"exits 1.\n",
		FLAGS(
		"  --staging                       use the embedded Sigstore staging root (when\n"
		"\vthere is no --trusted-root)\n",
		verify_blob_flags,
		identity_flags,
		key_pub_flag,
		trusted_root_flag,
		trust_policy_flags,
		verify_blob_tail_flags,
		root_flags),
		0,
		"  picosign verify-bundle --bundle b.json --certificate-identity a@example.com \\\n"
		"      --certificate-oidc-issuer https://accounts.google.com a.txt\n"
		"  picosign verify-bundle --staging --bundle b.json --key key.pub sha256:<hex>\n",
		NULL},
#ifndef SG_VERIFY_ONLY
	{"sign-blob", sg_cmd_sign_blob,
		"sign a file keylessly (Fulcio + Rekor) or with --key, write a bundle",
		"picosign sign-blob [flags] FILE",
		"Sign FILE (\"-\": standard input) keylessly (an OIDC identity token, a Fulcio\n"
		"certificate for an ephemeral key) or with --key, and log it in Rekor, each\n"
		"answer verified against the trusted root. Asks for confirmation before the\n"
		"upload unless --yes. The base64 signature goes to stdout unless\n"
		"--output-signature; --bundle writes a Sigstore bundle v0.3.\n",
		FLAGS(
		"  --key KEY                       sign with this key (a file or env://VAR)\n"
		"  --tlog-upload=BOOL              with --key, false signs without Rekor\n"
		"  --bundle FILE                   write a Sigstore bundle (v0.3)\n"
		"  --new-bundle-format=BOOL        accepted: --bundle always writes v0.3\n"
		"  --output-certificate FILE       write the signing certificate (PEM)\n"
		"  --output-signature FILE         write the signature (base64), not to stdout\n"
		"  --output FILE                   the same as --output-signature (cosign)\n"
		"  --b64=BOOL                      false: the raw DER signature (default true)\n",
		yes_flag,
		root_flags,
		keyless_flags,
		trusted_root_flag,
		keyless_tail_flags,
		env_note),
		0,
		"  picosign sign-blob --bundle app.sigstore.json app.tar.gz\n"
		"  picosign sign-blob -y --identity-token tok.jwt --bundle out.json README.md\n"
		"  picosign sign-blob --key env://COSIGN_PRIVATE_KEY --output-signature a.sig a\n",
		NULL},
	{"sign-bundle", sg_cmd_sign_bundle,
		"sign a file (the sigstore-conformance protocol)",
		"picosign sign-bundle --identity-token TOKEN --bundle FILE [flags] FILE",
		"The sigstore-conformance client protocol's sign command: sign FILE keylessly\n"
		"with the given token and write a Sigstore bundle, without prompts.\n",
		FLAGS(
		"  --identity-token TOKEN|FILE     the OIDC token, or a file holding it\n"
		"\v(required)\n"
		"  --bundle FILE                   where to write the bundle (required)\n"
		"  --staging                       use Sigstore staging (Fulcio, Rekor, trusted\n"
		"\vroot)\n"
		"  --trusted-root FILE             trusted_root.json (default: as verify-blob)\n"
		"  --signing-config FILE           signing_config.json: the Fulcio, Rekor (v1\n"
		"\vor v2) and timestamp authority valid now\n"
		"  --in-toto                       refused: picosign signs message signatures\n"
		"\vonly\n"),
		0,
		"  picosign sign-bundle --staging --identity-token tok.jwt --bundle b.json a.txt\n",
		NULL},
#endif
};

/* The debug help states the --max-body default. */
_Static_assert(SG_MAX_HTTP_BODY == 8u * 1024u * 1024u, "update the debug --max-body help");

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *f)
{
	fprintf(f, "picosign %s: a small Sigstore client\n\nUsage: picosign COMMAND [ARGS]\n\n"
		   "Commands:\n",
		SG_VERSION);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-18s %s\n", commands[i].name, commands[i].help);
	fputs("\nRun \"picosign COMMAND --help\" for a command's flags and examples.\n", f);
}

/* A help text with each "\v" written as the indentation to the meaning column. */
static void
put_help(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\v')
			fputs(HELP_INDENT, stdout);
		else
			putchar(*s);
}

/* `picosign COMMAND --help`. */
static void
command_usage(const struct command *c)
{
	printf("Usage: %s\n\n%s\nFlags:\n", c->synopsis, c->about);
	for (const char *const *f = c->flags; *f != NULL; f++)
		put_help(*f);
	fputs("  -h, --help                      print this help\n", stdout);
	if (c->registry) {
		fputs("\nRegistry flags:\n", stdout);
		put_help(registry_flags);
	}
	printf("\nExamples:\n%s", c->examples);
	if (c->more != NULL) {
		putchar('\n');
		c->more(stdout);
	}
}

/* -h or --help among a command's arguments, up to a "--" (after it, they are operands). */
static int
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

/* Remove a "--list-flags" (before any "--") from argv and set sg_cli_list_flags; 1 when it
 * was there. */
static int
take_list_flags(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--list-flags") == 0) {
			for (int k = i; k + 1 < argc; k++)
				argv[k] = argv[k + 1];
			argv[argc - 1] = NULL;
			sg_cli_list_flags = 1;
			return 1;
		}
	}
	return 0;
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static int
unknown_command(const char *name)
{
	for (size_t i = 0; left_out[i].name != NULL; i++)
		if (strcmp(name, left_out[i].name) == 0)
			return sg_cli_usage_error("command \"%s\" is not in this build of picosign "
						  "(its size budget): %s",
				name, left_out[i].where);
	fprintf(stderr, "Error: unknown command \"%s\" for \"picosign\"\n", name);
	usage(stderr);
	return SG_EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SG_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
		(strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return SG_EXIT_OK;
	}
	/* --version is the version command (with its arena: it prints the trust line too). */
	static char version_cmd[] = "version";
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = version_cmd;
	const struct command *c;
	if (strcmp(argv[1], "help") == 0) {
		/* `picosign help COMMAND`, as cobra has it. */
		if (argc > 3)
			return sg_cli_usage_error("help: give one command");
		if ((c = find_command(argv[2])) == NULL)
			return unknown_command(argv[2]);
		command_usage(c);
		return SG_EXIT_OK;
	}
	if ((c = find_command(argv[1])) == NULL)
		return unknown_command(argv[1]);
	if (wants_help(argc - 1, argv + 1)) {
		command_usage(c);
		return SG_EXIT_OK;
	}
	/* `COMMAND [SUBCOMMAND] --list-flags` (hidden): the command's flag table, printed by
	 * sg_cli_parse_flags when the command reaches it, for scripts/gen-cli-doc.sh. */
	int list = take_list_flags(argc, argv);
	if (list)
		argc--;
	/* The one allocation: malloc of the arena maps pages lazily, so only what a command
	 * uses becomes resident. verify's workers each get a part of their own (limits.h). */
	size_t arena_size = SG_MAX_ARENA;
	if (c->fn == sg_cmd_verify || c->fn == sg_cmd_verify_attestation)
		arena_size += (size_t)SG_MAX_WORKERS * SG_WORKER_ARENA;
	void *mem = malloc(arena_size);
	if (mem == NULL) {
		fprintf(stderr, "Error: out of memory\n");
		return SG_EXIT_FAIL;
	}
	sg_arena arena;
	sg_arena_init(&arena, mem, arena_size);
	int rc = c->fn(argc - 1, argv + 1, &arena);
	if (list)
		rc = SG_EXIT_OK;
	sg_arena_wipe(&arena);
	free(mem);
	return rc;
}
