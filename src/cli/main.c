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
	const char *flags;    /* "  FLAG ARG   meaning (default)" lines, without -h/--help */
	int registry;         /* also takes the registry flags (SG_CLI_REGISTRY_FLAG_ROWS) */
	const char *examples; /* "  picosign ..." lines */
	void (*more)(FILE *f); /* NULL, or prints a list after the examples */
};

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
	sg_cli_trust_line(arena);
	return SG_EXIT_OK;
}

/* The usage texts. Flag lines: flag and argument, then the meaning from column 35 (a long
 * flag gets its own line). A line "@name" in a command's flags stands for the shared block
 * of that name (blocks[] below), so a group of flags several commands take is stored once. */
static const char blk_trusted_root[] =
	"  --trusted-root FILE             trusted_root.json (default: the SIGSTORE_*\n"
	"                                  variables, else the TUF cache of\n"
	"                                  `picosign initialize`, else the embedded\n"
	"                                  public-good root: see `picosign trust`)\n";
/* What verify commands add to --trusted-root (SG_CLI_TRUST_FLAG_ROWS). */
static const char blk_trust_policy[] =
	"  --max-trust-root-age DURATION   refuse trust material fetched longer ago, or\n"
	"                                  of unknown age (Go syntax: 72h, 30m;\n"
	"                                  without it: a warning past 30 days)\n"
	"  --refresh-trust                 refresh the TUF cache from its mirror first\n"
	"                                  (also PICOSIGN_REFRESH_TRUST=1); a failure\n"
	"                                  is a warning\n";
static const char blk_identity[] =
	"  --certificate-identity ID       the signer's identity in the certificate\n"
	"                                  (email or URI SAN), exactly\n"
	"  --certificate-identity-regexp RE\n"
	"                                  the identity, as a regular expression\n"
	"  --certificate-oidc-issuer URL   the OIDC issuer in the certificate, exactly\n"
	"  --certificate-oidc-issuer-regexp RE\n"
	"                                  the issuer, as a regular expression\n"
	"  --buildkite-org ORG             a Buildkite job of ORG: identity\n"
	"                                  https://buildkite.com/ORG/<any pipeline>,\n"
	"                                  issuer https://agent.buildkite.com\n"
	"  --buildkite-pipeline PIPELINE   with --buildkite-org: that pipeline only\n"
	"Certificate extensions, exactly (any CI issuer; protocol.md 4.2):\n"
	"  --certificate-source-repository-digest SHA\n"
	"                                  the commit (1.13)\n"
	"  --certificate-build-trigger T   what started the build (1.20)\n"
	"  --certificate-runner-environment E\n"
	"                                  github-hosted, self-hosted... (1.11)\n"
	"  --certificate-run-invocation-uri URI\n"
	"                                  the build or job's URL (1.21)\n"
	"  --certificate-github-workflow-trigger T, --certificate-github-workflow-sha SHA,\n"
	"  --certificate-github-workflow-name N, --certificate-github-workflow-repository R,\n"
	"  --certificate-github-workflow-ref REF\n"
	"                                  cosign's GitHub extensions (1.2-1.6)\n";
static const char blk_root[] =
	"  -t, --timeout DURATION          per request: a Go duration (3m, 90s) or seconds\n"
	"                                  (also $PICOSIGN_TIMEOUT; default: 10 s to connect,\n"
	"                                  30 s per read or write, 120 s per request)\n"
	"  --output-file FILE              write standard output to FILE\n";
static const char blk_oidc[] =
	"  --identity-token TOKEN|FILE     the OIDC token, or a file holding it\n"
	"                                  (default: $SIGSTORE_ID_TOKEN, Buildkite,\n"
	"                                  GitHub Actions,\n"
	"                                  /var/run/sigstore/cosign/oidc-token)\n"
	"  --oidc-provider NAME            only this token source: envvar, buildkite-agent,\n"
	"                                  github-actions or filesystem\n"
	"  --oidc-issuer URL               cosign's interactive sign-in (picosign has none;\n"
	"                                  a different token issuer is reported)\n"
	"  --oidc-disable-ambient-providers\n"
	"                                  use only --identity-token\n";
static const char blk_keyless[] =
	"@oidc\n"
	"  --fulcio-url URL                default " SG_FULCIO_DEFAULT_URL "\n"
	"  --rekor-url URL                 default " SG_REKOR_DEFAULT_URL "\n"
	"@trusted-root\n"
	"  --allow-http                    allow plain http:// to non-loopback hosts\n";
static const char blk_env[] =
	"Every flag can also come from COSIGN_<FLAG> (COSIGN_CERTIFICATE_IDENTITY=...); the\n"
	"command line wins. Cosign flags picosign does not support are refused by name.\n";

static const char blk_verify_blob[] =
	"  --bundle FILE                   a Sigstore bundle or a cosign v2 bundle file\n"
	"  --signature SIG                 a detached signature: a file holding it in\n"
	"                                  base64, or the base64 itself\n"
	"  --certificate CERT              the signing certificate (PEM or its base64; a\n"
	"                                  file or env://VAR)\n"
	"  --certificate-chain FILE        trust this chain (issuer first, root last)\n"
	"                                  instead of the trusted root's CAs\n"
	"@identity\n"
	"  --key PUB                       verify with a public key (PEM file, or\n"
	"                                  env://VAR) instead of a certificate identity\n"
	"@trusted-root\n"
	"@trust-policy\n"
	"  --rekor-url URL                 where a detached signature's entry is looked\n"
	"                                  up (default " SG_REKOR_DEFAULT_URL ")\n"
	"  --offline                       open no network connection at all, refused\n"
	"                                  below the transport for the whole run (a\n"
	"                                  lookup fails with \"offline verification\n"
	"                                  failed\")\n"
	"  --insecure-ignore-tlog          skip the transparency log checks\n"
	"  --private-infrastructure        --insecure-ignore-tlog (private deployments)\n"
	"  --insecure-ignore-sct           skip the certificate's SCT check\n"
	"  --new-bundle-format=BOOL        accepted: the bundle's format is read from it\n"
	"  --max-workers N                 accepted (one artifact needs one worker)\n";

static const char registry_flags[] =
	"  --registry-username USER        registry user name (Basic authentication)\n"
	"  --registry-password PASSWORD    registry password (visible in ps: prefer the\n"
	"                                  docker config)\n"
	"  --registry-token TOKEN          a bearer token, sent to the registry as is\n"
	"  --registry-cacert FILE          the registry's CA certificates (PEM)\n"
	"  --allow-http-registry           also try plain http:// (https first); loopback\n"
	"                                  registries need no flag\n"
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
		"",
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
		"  --mirror URL                    the TUF repository (default\n"
		"                                  " SG_TUF_DEFAULT_MIRROR ")\n"
		"  --root FILE|URL                 the initial root.json to trust (a URL needs\n"
		"                                  --root-checksum)\n"
		"  --root-checksum HEX             its sha256 (or sha256:HEX, sha512:HEX)\n"
		"  --staging                       Sigstore staging's mirror\n"
		"                                  (" SG_TUF_STAGING_MIRROR "; needs --root)\n"
		"  --timeout SECS                  deadline per request (also\n"
		"                                  $PICOSIGN_TIMEOUT)\n",
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
		"@trusted-root\n"
		"@trust-policy\n"
		"  --staging                       the staging instance's material\n"
		"  --export DIR                    also write the TUF state in use (metadata\n"
		"                                  and targets) into DIR\n",
		0,
		"  picosign trust\n"
		"  picosign trust --export /tmp/trust\n",
		NULL},
	{"generate-key-pair", sg_cmd_generate_key_pair,
		"write a new cosign.key and cosign.pub",
		"picosign generate-key-pair [--output-key-prefix PREFIX] [-f]",
		"Write a new ECDSA P-256 key pair: PREFIX.key, encrypted in cosign's format\n"
		"(scrypt + secretbox, mode 0600), and PREFIX.pub (PEM, mode 0644). The password\n"
		"is $COSIGN_PASSWORD when it is set (even empty), else it is typed twice at the\n"
		"terminal. Existing files are replaced only with -f.\n",
		"  --output-key-prefix PREFIX      file name prefix (default \"cosign\")\n"
		"  -f, --force                     replace existing PREFIX.key and PREFIX.pub\n"
		"@root\n",
		0,
		"  picosign generate-key-pair\n"
		"  COSIGN_PASSWORD=... picosign generate-key-pair --output-key-prefix release -f\n",
		NULL},
	{"public-key", sg_cmd_public_key,
		"print the public key of a private key file",
		"picosign public-key --key KEY [--outfile FILE]",
		"Print the PEM public key of a private key: cosign's encrypted format (the\n"
		"password from $COSIGN_PASSWORD or the terminal), PKCS#8 or SEC1, EC P-256.\n",
		"  --key KEY                       the private key: a file, or env://VAR for the\n"
		"                                  PEM in a variable (required)\n"
		"  --outfile FILE                  write the public key to FILE instead of\n"
		"                                  standard output\n"
		"@root\n",
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
		"  --type TYPE                     signature, attestation, sbom or digest (the\n"
		"                                  image by digest) (default signature)\n"
		"@root\n",
		1,
		"  picosign triangulate reg.example/app@sha256:<hex>\n"
		"  picosign triangulate --type digest reg.example/app:latest\n",
		NULL},
	{"download", sg_cmd_download,
		"print the signatures or attestations stored with an image",
		"picosign download signature [flags] IMAGE\n"
		"       picosign download attestation [flags] IMAGE",
		"Print what cosign stored next to IMAGE, as cosign download does, one JSON object\n"
		"a line: each signature of the sha256-<hex>.sig tag (Base64Signature, Payload,\n"
		"Cert, Chain, Bundle, RFC3161Timestamp; Cert and Chain as {\"Raw\": DER}), or\n"
		"each attestation of the .att tag (payloadType, payload, signatures).\n",
		"  --predicate-type TYPE           attestation: only this predicate type (a URI,\n"
		"                                  or cosign's names: slsaprovenance, spdx...)\n"
		"  --platform OS/ARCH[/VARIANT]    attestation: that manifest of an index\n"
		"@root\n",
		1,
		"  picosign download signature reg.example/app@sha256:<hex>\n"
		"  picosign download attestation --predicate-type spdx reg.example/app:1\n",
		NULL},
	{"verify", sg_cmd_verify,
		"verify the cosign signatures of an image in its registry",
		"picosign verify [flags] IMAGE[:TAG|@DIGEST]...",
		"Verify the cosign signatures (the sha256-<hex>.sig tag) of each IMAGE in its\n"
		"registry with cosign's checks, output and exit codes: keyless, against an\n"
		"expected identity and issuer (one flag of each pair), or with --key. The\n"
		"header goes to stderr, the verified payloads (JSON, one element per verified\n"
		"signature) to stdout, per image. Several images are verified by --max-workers\n"
		"at once; the exit code is the first failing image's. Exit 10: no signatures;\n"
		"11: image tag not found; 12: no signature matched.\n",
		"@identity\n"
		"  --key PUB                       verify with a public key (PEM file, or\n"
		"                                  env://VAR) instead of a certificate identity\n"
		"  -a, --annotations KEY=VALUE     require this annotation in the payload\n"
		"                                  (repeatable)\n"
		"@trusted-root\n"
		"@trust-policy\n"
		"  --offline                       never search Rekor (picosign never does; a\n"
		"                                  signature without a log bundle fails)\n"
		"  --insecure-ignore-tlog          skip the transparency log (warned about; only for\n"
		"                                  signatures made with sign --tlog-upload=false)\n"
		"  --private-infrastructure        --insecure-ignore-tlog (private deployments)\n"
		"  --insecure-ignore-sct           skip the certificate's embedded SCT\n"
		"  --check-claims=BOOL             check the payload's digest and annotations\n"
		"                                  (default true)\n"
		"  -o, --output FORMAT             json or text (default json)\n"
		"  --max-workers N                 images verified at once (default 10, at most 8\n"
		"                                  run)\n"
		"  -r, --recursive                 also verify every manifest of an index, each\n"
		"                                  reported as an image\n"
		"  --explain                       print, for every signature, the check that\n"
		"                                  failed and why, to stderr\n"
		"@root\n" "@env\n",
		1,
		"  picosign verify --certificate-identity me@example.com \\\n"
		"      --certificate-oidc-issuer https://accounts.google.com reg.example/app:1.0\n"
		"  picosign verify --key cosign.pub reg.example/app@sha256:<hex>\n",
		NULL},
	{"sign", sg_cmd_sign,
		"sign an image keylessly (Fulcio + Rekor) or with --key, and push the "
		"cosign signature",
		"picosign sign [flags] IMAGE[:TAG|@DIGEST]",
		"Sign IMAGE and push the signature as cosign does, as a layer of\n"
		"REGISTRY/REPOSITORY:sha256-<hex>.sig. Keyless by default: an OIDC identity\n"
		"token, a Fulcio certificate for an ephemeral key and a Rekor entry, each\n"
		"verified against the trusted root. With --key, signs with a key file and, as\n"
		"cosign, logs the signature in Rekor too, checked the same way (the layer gets\n"
		"the Rekor bundle annotation). Asks for confirmation before the Rekor upload\n"
		"unless --yes. A tag is resolved to its digest, with cosign's warning. The\n"
		"--output-* files and --bundle are written before the push, so a refused push\n"
		"loses nothing.\n",
		"  --key KEY                       sign with this key (a file or env://VAR)\n"
		"                                  (cosign's format, PKCS#8 or SEC1; password:\n"
		"                                  $COSIGN_PASSWORD or the terminal)\n"
		"  -a, --annotations KEY=VALUE     add to the payload's \"optional\" map\n"
		"                                  (repeatable)\n"
		"  -r, --recursive                 an index: also sign every manifest it lists\n"
		"  -y, --yes                       skip the confirmation (also COSIGN_YES=true)\n"
		"  --tlog-upload=BOOL              with --key, false signs without Rekor (verify\n"
		"                                  then needs --insecure-ignore-tlog); keyless\n"
		"                                  always uploads\n"
		"  --upload=BOOL                   false: sign and write the files, push nothing\n"
		"  --output-signature FILE         write the signature (base64, no newline)\n"
		"  --output-payload FILE           write the signed payload\n"
		"  --bundle FILE                   write a Sigstore bundle (v0.3) for the\n"
		"                                  payload (needs the Rekor entry)\n"
		"  --output-certificate FILE       keyless: write the signing certificate (PEM)\n"
		"@root\n"
		"Keyless (--rekor-url and --trusted-root also with --key):\n"
		"@keyless\n" "@env\n",
		1,
		"  picosign sign reg.example/app@sha256:<hex>\n"
		"  picosign sign --identity-token tok.jwt -a build=42 reg.example/app:1.0\n"
		"  picosign sign --key cosign.key reg.example/app@sha256:<hex>\n",
		NULL},
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
		"  --canonical                     json: print the RFC 8785 canonical form\n"
		"http-get flags:\n"
		"  --ca-file FILE                  trust only the CA certificates in FILE (PEM)\n"
		"  --timeout SECS                  deadline for the whole request (also\n"
		"                                  $PICOSIGN_TIMEOUT)\n"
		"  --allow-http                    allow plain http:// to any host (default:\n"
		"                                  loopback only)\n"
		"  --max-body BYTES                body size limit (default and maximum 8 MiB)\n"
		"  --no-redirects                  print a 3xx answer instead of following it\n"
		"  -H 'NAME: VALUE'                add a request header (repeatable, at most\n"
		"                                  16)\n"
		"  -o FILE                         write the body to FILE\n",
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
		"",
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
		"@verify-blob\n"
		"@root\n" "@env\n",
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
		"  --staging                       use the embedded Sigstore staging root (when\n"
		"                                  there is no --trusted-root)\n"
		"@verify-blob\n"
		"@root\n",
		0,
		"  picosign verify-bundle --bundle b.json --certificate-identity a@example.com \\\n"
		"      --certificate-oidc-issuer https://accounts.google.com a.txt\n"
		"  picosign verify-bundle --staging --bundle b.json --key key.pub sha256:<hex>\n",
		NULL},
	{"sign-blob", sg_cmd_sign_blob,
		"sign a file keylessly (Fulcio + Rekor), write a bundle",
		"picosign sign-blob [flags] FILE",
		"Sign FILE (\"-\": standard input) keylessly (an OIDC identity token, a Fulcio\n"
		"certificate for an ephemeral key) or with --key, and log it in Rekor, each\n"
		"answer verified against the trusted root. Asks for confirmation before the\n"
		"upload unless --yes. The base64 signature goes to stdout unless\n"
		"--output-signature; --bundle writes a Sigstore bundle v0.3.\n",
		"  --key KEY                       sign with this key (a file or env://VAR)\n"
		"  --tlog-upload=BOOL              with --key, false signs without Rekor\n"
		"  --bundle FILE                   write a Sigstore bundle (v0.3)\n"
		"  --new-bundle-format=BOOL        accepted: --bundle always writes v0.3\n"
		"  --output-certificate FILE       write the signing certificate (PEM)\n"
		"  --output-signature FILE         write the signature (base64), not to stdout\n"
		"  --output FILE                   the same as --output-signature (cosign)\n"
		"  --b64=BOOL                      false: the raw DER signature (default true)\n"
		"  --signing-config FILE           signing_config.json: the Fulcio and Rekor URLs\n"
		"  -y, --yes                       skip the confirmation (also COSIGN_YES=true)\n"
		"@root\n"
		"@keyless\n" "@env\n",
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
		"  --identity-token TOKEN|FILE     the OIDC token, or a file holding it\n"
		"                                  (required)\n"
		"  --bundle FILE                   where to write the bundle (required)\n"
		"  --staging                       use Sigstore staging (Fulcio, Rekor, trusted\n"
		"                                  root)\n"
		"  --trusted-root FILE             trusted_root.json (default: as verify-blob)\n"
		"  --signing-config FILE           signing_config.json: the Fulcio and Rekor\n"
		"                                  URLs valid now\n"
		"  --in-toto                       refused: picosign signs message signatures\n"
		"                                  only\n",
		0,
		"  picosign sign-bundle --staging --identity-token tok.jwt --bundle b.json a.txt\n",
		NULL},
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

/* The shared flag blocks a "@name" line names. */
static const struct {
	const char *name;
	const char *text;
} blocks[] = {
	{"trusted-root", blk_trusted_root}, {"trust-policy", blk_trust_policy},
	{"identity", blk_identity}, {"root", blk_root},
	{"oidc", blk_oidc}, {"keyless", blk_keyless}, {"env", blk_env},
	{"verify-blob", blk_verify_blob},
};

/* Print flag text `s`, expanding "@name" lines (blocks nest at most twice). */
static void
print_flags(const char *s, int depth)
{
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		size_t k = 0;
		if (s[0] == '@' && depth < 3)
			for (; k < sizeof blocks / sizeof blocks[0]; k++)
				if (strlen(blocks[k].name) == n - 1 &&
					strncmp(blocks[k].name, s + 1, n - 1) == 0)
					break;
		if (s[0] == '@' && depth < 3 && k < sizeof blocks / sizeof blocks[0])
			print_flags(blocks[k].text, depth + 1);
		else
			printf("%.*s\n", (int)n, s);
		s += n + (nl != NULL ? 1 : 0);
	}
}

/* `picosign COMMAND --help`. */
static void
command_usage(const struct command *c)
{
	printf("Usage: %s\n\n%s\nFlags:\n", c->synopsis, c->about);
	print_flags(c->flags, 0);
	printf("  -h, --help                      print this help\n");
	if (c->registry)
		printf("\nRegistry flags:\n%s", registry_flags);
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
	if (strcmp(c->name, "verify") == 0)
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
