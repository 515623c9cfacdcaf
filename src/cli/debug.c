/* debug: `picosign debug PARSER FILE`, running one parser on one file, for reproducing
 * fuzz findings and for audits. Exit 0 when the input is accepted, 1 with the error when it is
 * rejected. Each parser module adds one row to the table below. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"
#include "parse/codec.h"
#include "parse/der.h"
#include "parse/pem.h"
#include "sys/os.h"

/* A debug parser: runs on `in`, may print a summary to stdout; `canonical` is --canonical. */
typedef sg_err (*debug_fn)(sg_slice in, int canonical, sg_arena *arena, sg_diag *d);

struct debug_parser {
	const char *name;
	debug_fn fn;
	const char *help;
};

/* ---- layer 1: base64, hex, pem, der ---- */

SG_MUST_USE static sg_err
debug_base64(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	void *out;
	size_t n;
	SG_TRY(sg_arena_get(arena, sg_b64_decoded_max(in.len), &out, d));
	SG_TRY(sg_b64_decode(in.p, in.len, SG_B64_ANY, out, sg_b64_decoded_max(in.len), &n, d));
	printf("%zu bytes\n", n);
	return SG_OK;
}

SG_MUST_USE static sg_err
debug_hex(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	void *out;
	size_t n;
	SG_TRY(sg_arena_get(arena, in.len / 2, &out, d));
	SG_TRY(sg_hex_decode(in.p, in.len, out, in.len / 2, &n, d));
	printf("%zu bytes\n", n);
	return SG_OK;
}

SG_MUST_USE static sg_err
debug_pem(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_cur c;
	sg_cur_init(&c, in.p, in.len);
	for (size_t i = 0;; i++) {
		sg_pem_block b;
		sg_err e = sg_pem_next(&c, &b, d);
		if (e == SG_ERR_PEM_NONE)
			return i == 0 ? sg_diag_fail(d, SG_ERR_PEM_NONE, "PEM") : SG_OK;
		SG_TRY(e);
		if (i == SG_MAX_PEM_OBJECTS)
			return sg_diag_fail(d, SG_ERR_LIMIT, "PEM objects in file");
		void *out;
		size_t n, cap = sg_b64_decoded_max(b.body.len);
		SG_TRY(sg_arena_get(arena, cap, &out, d));
		SG_TRY(sg_pem_decode(&b, out, cap, &n, d));
		printf("%zu: %.*s: %zu bytes\n", b.offset, (int)b.label.len,
			(const char *)b.label.p, n);
	}
}

static const char *
der_tag_name(uint8_t tag)
{
	switch (tag) {
	case SG_DER_BOOLEAN: return "BOOLEAN";
	case SG_DER_INTEGER: return "INTEGER";
	case SG_DER_BIT_STRING: return "BIT STRING";
	case SG_DER_OCTET_STRING: return "OCTET STRING";
	case SG_DER_NULL: return "NULL";
	case SG_DER_OID: return "OBJECT IDENTIFIER";
	case SG_DER_ENUMERATED: return "ENUMERATED";
	case SG_DER_UTF8STRING: return "UTF8String";
	case SG_DER_PRINTABLESTRING: return "PrintableString";
	case SG_DER_T61STRING: return "T61String";
	case SG_DER_IA5STRING: return "IA5String";
	case SG_DER_UTCTIME: return "UTCTime";
	case SG_DER_GENERALIZEDTIME: return "GeneralizedTime";
	case SG_DER_BMPSTRING: return "BMPString";
	case SG_DER_SEQUENCE: return "SEQUENCE";
	case SG_DER_SET: return "SET";
	default: break;
	}
	return NULL;
}

/* 1 when `c` holds nothing but complete, well-formed elements (nested within the depth cap). */
static int
der_parses_fully(sg_cur c)
{
	while (c.n > 0) {
		uint8_t tag;
		if (sg_der_peek(&c, &tag) != SG_OK)
			return 0;
		if (tag & 0x20u) {
			sg_cur in;
			if (sg_der_enter(&c, tag, &in, NULL) != SG_OK || !der_parses_fully(in))
				return 0;
		} else if (sg_der_any(&c, NULL, NULL, NULL, NULL) != SG_OK) {
			return 0;
		}
	}
	return 1;
}

/* A short value summary after the tag and length. */
static void
der_summary(uint8_t tag, sg_cur at)
{
	sg_slice s;
	int64_t v;
	int b;
	char text[256];
	switch (tag) {
	case SG_DER_OID:
		if (sg_der_oid(&at, &s, NULL) == SG_OK &&
			sg_der_oid_text(s, text, sizeof text) == SG_OK)
			printf(" %s", text);
		break;
	case SG_DER_INTEGER:
		if (sg_der_int64(&at, &v, NULL) == SG_OK)
			printf(" %lld", (long long)v);
		break;
	case SG_DER_BOOLEAN:
		if (sg_der_bool(&at, &b, NULL) == SG_OK)
			printf(" %s", b ? "TRUE" : "FALSE");
		break;
	case SG_DER_UTCTIME:
	case SG_DER_GENERALIZEDTIME:
		if (sg_der_time(&at, &v, NULL) == SG_OK)
			printf(" unix %lld", (long long)v);
		break;
	case SG_DER_UTF8STRING:
	case SG_DER_PRINTABLESTRING:
	case SG_DER_IA5STRING:
		if (sg_der_string(&at, tag, &s, NULL) == SG_OK) {
			printf(" \"");
			for (size_t i = 0; i < s.len && i < 64; i++)
				putchar(s.p[i] >= 0x20 && s.p[i] < 0x7f ? s.p[i] : '?');
			printf(s.len > 64 ? "\"..." : "\"");
		}
		break;
	default:
		break;
	}
}

/* Print every element at `c` as an indented tree; recursion is bounded by the depth cap that
 * sg_der_enter enforces (and that is checked by hand for BIT STRING contents). */
SG_MUST_USE static sg_err
der_print(sg_cur *c, sg_diag *d)
{
	while (c->n > 0) {
		sg_cur at = *c;
		uint8_t tag;
		sg_slice v, w;
		SG_TRY(sg_der_any(c, &tag, &v, &w, d));
		printf("%*s%zu: ", (int)(2 * at.depth), "", at.off);
		if (der_tag_name(tag) != NULL)
			printf("%s", der_tag_name(tag));
		else if ((tag & 0xc0u) == 0x80u)
			printf("[%u]%s", tag & 0x1fu, (tag & 0x20u) ? "" : " primitive");
		else
			printf("tag");
		printf(" (0x%02x) len %zu", tag, v.len);
		der_summary(tag, at);
		sg_cur in;
		if (tag & 0x20u) {
			printf("\n");
			SG_TRY(sg_der_enter(&at, tag, &in, d));
			SG_TRY(der_print(&in, d));
			SG_TRY(sg_der_leave(&in, d));
			continue;
		}
		int inner = 0;
		if (tag == SG_DER_OCTET_STRING && v.len > 0) {
			inner = sg_der_enter(&at, tag, &in, NULL) == SG_OK && der_parses_fully(in);
		} else if (tag == SG_DER_BIT_STRING && v.len > 1 && v.p[0] == 0 &&
			at.depth < SG_MAX_DER_DEPTH) {
			in.p = v.p + 1;
			in.n = v.len - 1;
			in.off = at.off + (w.len - v.len) + 1;
			in.depth = at.depth + 1;
			inner = der_parses_fully(in);
		}
		printf(inner ? " (contains DER)\n" : "\n");
		if (inner)
			SG_TRY(der_print(&in, d));
	}
	return SG_OK;
}

SG_MUST_USE static sg_err
debug_der(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	(void)arena;
	sg_cur c;
	sg_cur_init(&c, in.p, in.len);
	if (in.len == 0)
		return sg_diag_fail(d, SG_ERR_DER_TRUNCATED, "DER");
	return der_print(&c, d);
}

static const struct debug_parser parsers[] = {
	{"base64", debug_base64, "base64 (either alphabet, padded or not): decoded length"},
	{"hex", debug_hex, "lowercase hex: decoded length"},
	{"pem", debug_pem, "PEM blocks: offset, label and decoded length of each"},
	{"der", debug_der, "DER elements as an indented tree (into OCTET/BIT STRING if DER)"},
	{"x509", sg_debug_x509, "one DER certificate: version, algorithm, extension/SAN counts"},
	{"url", sg_debug_url, "an http(s) URL (one final newline allowed): its parts"},
	{"http-response", sg_debug_http_response, "an HTTP/1.1 response: status, headers, body"},
	{"sct", sg_debug_sct, "a TLS SCT list (RFC 6962 §3.3): each SCT's log, time, signature"},
	{"ociref", sg_debug_ociref, "an image reference: normalised name, registry, repository"},
	{"manifest", sg_debug_manifest, "an OCI/Docker manifest or index: descriptors, digest"},
	{"payload", sg_debug_payload, "a cosign simple-signing payload: reference and digest"},
	{"wwwauth", sg_debug_wwwauth, "a WWW-Authenticate value: challenges and parameters"},
	{"docker-config", sg_debug_docker_config, "a docker config.json: keys (never secrets)"},
	{"json", sg_debug_json, "strict JSON: token count; --canonical prints the RFC 8785 form"},
	{"trustroot", sg_debug_trustroot, "trusted_root.json: logs, CAs, TSAs and their windows"},
	{"bundle", sg_debug_bundle, "a Sigstore bundle or cosign bundle annotation: its parts"},
	{"checkpoint", sg_debug_checkpoint, "a signed-note checkpoint: origin, size, root, sigs"},
	{"dsse", sg_debug_dsse, "a DSSE envelope (and its in-toto statement subjects)"},
	{"keyfile", sg_debug_keyfile, "a private key file: format, scrypt parameters (no password)"},
	{NULL, NULL, NULL},
};

/* see cli.h */
void
sg_cli_debug_parsers(FILE *f)
{
	fprintf(f, "Parsers:\n");
	for (size_t i = 0; parsers[i].name != NULL; i++)
		fprintf(f, "  %-14s %s\n", parsers[i].name, parsers[i].help);
}

static void
debug_usage(void)
{
	fprintf(stderr, "Usage: picosign debug PARSER FILE [--canonical]\n"
			"       picosign debug http-get [flags] URL   (a diagnostic request)\n\n");
	sg_cli_debug_parsers(stderr);
}

/* see commands.h */
int
sg_cmd_debug(int argc, char **argv, sg_arena *arena)
{
	const char *name = NULL, *path = NULL;
	int canonical = 0;
	/* Not a parser: a request through the transport layer (cli/debug_http.c). */
	if (argc >= 2 && strcmp(argv[1], "http-get") == 0)
		return sg_cmd_debug_http_get(argc - 1, argv + 1, arena);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--canonical") == 0)
			canonical = 1;
		else if (name == NULL)
			name = argv[i];
		else if (path == NULL)
			path = argv[i];
		else
			return sg_cli_usage_error("debug: unexpected argument \"%s\"", argv[i]);
	}
	if (name == NULL || path == NULL) {
		debug_usage();
		return SG_EXIT_FAIL;
	}
	for (size_t i = 0; parsers[i].name != NULL; i++) {
		if (strcmp(parsers[i].name, name) != 0)
			continue;
		sg_diag d;
		sg_diag_init(&d, path);
		sg_slice in;
		sg_err e = sg_os_read_file(path, SG_MAX_INPUT_FILE, arena, &in, &d);
		if (e == SG_OK)
			e = parsers[i].fn(in, canonical, arena, &d);
		if (e != SG_OK) {
			e = sg_diag_fail(&d, e, parsers[i].name);
			sg_cli_print_error(&d);
			return SG_EXIT_FAIL;
		}
		fprintf(stderr, "%s: accepted\n", parsers[i].name);
		return SG_EXIT_OK;
	}
	debug_usage();
	return sg_cli_usage_error("debug: unknown parser \"%s\"", name);
}
