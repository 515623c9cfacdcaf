/* debug_http: `picosign debug http-get URL`, a diagnostic that runs one request through the
 * transport layer (net + http) exactly as the online commands do, and prints the status, the
 * headers and the body size; plus the `debug url` and `debug http-response` parser rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/debug.h"
#include "parse/url.h"
#include "sys/http.h"
#include "sys/net.h"
#include "sys/os.h"

/* Print text from the network, replacing anything that could drive a terminal. */
static void
print_safe(FILE *f, sg_slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.p[i];
		fputc(c >= 0x20 && c < 0x7f ? c : (c == '\t' ? ' ' : '?'), f);
	}
}

static void
print_head(const sg_http_head *h)
{
	printf("HTTP/1.%d %d ", h->minor, h->status);
	print_safe(stdout, h->reason);
	fputc('\n', stdout);
	for (size_t i = 0; i < h->num_headers; i++) {
		print_safe(stdout, h->headers[i].name);
		fputs(": ", stdout);
		print_safe(stdout, h->headers[i].value);
		fputc('\n', stdout);
	}
}

static int
http_get_usage(void)
{
	fprintf(stderr,
		"Usage: picosign debug http-get [flags] URL\n\n"
		"A diagnostic: sends one GET through picosign's transport (TLS 1.2, proxies,\n"
		"redirects, timeouts) and prints the status, the headers and the body size.\n\n"
		"Flags:\n"
		"  --ca-file FILE     trust only the CA certificates in FILE (PEM)\n"
		"  --timeout SECS     deadline for the whole request (also $PICOSIGN_TIMEOUT)\n"
		"  --allow-http       allow plain http:// to any host (default: loopback only)\n"
		"  --max-body BYTES   body size limit (default %u)\n"
		"  --no-redirects     print a 3xx answer instead of following it\n"
		"  -H 'Name: value'   add a request header (repeatable, at most 16)\n"
		"  -o FILE            write the body to FILE\n",
		(unsigned)SG_MAX_HTTP_BODY);
	return SG_EXIT_FAIL;
}

static int
parse_size(const char *s, size_t *out)
{
	size_t v = 0;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > SG_MAX_HTTP_BODY)
			return 0;
		v = v * 10 + (size_t)(*s - '0');
	}
	if (v > SG_MAX_HTTP_BODY)
		return 0;
	*out = v;
	return 1;
}

#define MAX_CLI_HEADERS 16

/* see cli.h */
int
sg_cmd_debug_http_get(int argc, char **argv, sg_arena *arena)
{
	const char *url = NULL, *out_path = NULL, *ca_file = NULL, *timeout = NULL;
	int allow_http = 0, no_redirects = 0;
	size_t max_body = SG_MAX_HTTP_BODY;
	sg_http_header hdrs[MAX_CLI_HEADERS];
	size_t nh = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_val = i + 1 < argc;
		if (strcmp(a, "--ca-file") == 0 && has_val) {
			ca_file = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 && has_val) {
			timeout = argv[++i];
		} else if (strcmp(a, "--max-body") == 0 && has_val) {
			if (!parse_size(argv[++i], &max_body))
				return sg_cli_usage_error("--max-body: not a size up to %u",
					(unsigned)SG_MAX_HTTP_BODY);
		} else if (strcmp(a, "-o") == 0 && has_val) {
			out_path = argv[++i];
		} else if (strcmp(a, "-H") == 0 && has_val) {
			const char *h = argv[++i];
			const char *colon = strchr(h, ':');
			if (colon == NULL || colon == h || nh == MAX_CLI_HEADERS)
				return sg_cli_usage_error("-H: expected 'Name: value' (at most %d)",
					MAX_CLI_HEADERS);
			const char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			hdrs[nh].name = sg_slice_make(h, (size_t)(colon - h));
			hdrs[nh].value = sg_slice_str(v);
			nh++;
		} else if (strcmp(a, "--allow-http") == 0) {
			allow_http = 1;
		} else if (strcmp(a, "--no-redirects") == 0) {
			no_redirects = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			return http_get_usage();
		} else if (a[0] == '-' || url != NULL) {
			http_get_usage();
			return sg_cli_usage_error("debug http-get: unexpected argument \"%s\"", a);
		} else {
			url = a;
		}
	}
	if (url == NULL)
		return http_get_usage();

	/* Messages name the URL; never with credentials in it (the parser refuses them, but the
	 * refusal itself must not print them). */
	char shown[256];
	const char *src = url;
	const char *sep = strstr(url, "://");
	const char *at = sep != NULL ? strchr(sep + 3, '@') : NULL;
	const char *slash = sep != NULL ? strchr(sep + 3, '/') : NULL;
	if (at != NULL && (slash == NULL || at < slash)) {
		int k = snprintf(shown, sizeof shown, "%.*s://***%.200s", (int)(sep - url), url, at);
		src = k > 0 ? shown : "URL";
	}
	sg_diag d;
	sg_diag_init(&d, src);
	sg_net_opts opts;
	sg_net_dialer dialer;
	sg_http_client *client = NULL;
	uint8_t *iobuf = NULL, *body = NULL;
	sg_http_response r;
	int rc = SG_EXIT_FAIL;
	sg_err e = sg_net_opts_from_env(&opts, &d);
	if (e == SG_OK && timeout != NULL) {
		unsigned ms;
		e = sg_net_parse_timeout(timeout, &ms, &d);
		if (e == SG_OK)
			sg_net_opts_set_timeout(&opts, ms);
	}
	opts.ca_file = ca_file;
	if (e == SG_OK)
		e = sg_net_dialer_init(&dialer, &opts, arena, &d);
	if (e == SG_OK)
		e = sg_arena_get(arena, sizeof *client, (void **)&client, &d);
	if (e == SG_OK)
		e = sg_arena_get(arena, SG_HTTP_IOBUF_SIZE, (void **)&iobuf, &d);
	if (e == SG_OK)
		e = sg_arena_get(arena, max_body == 0 ? 1 : max_body, (void **)&body, &d);
	if (e != SG_OK) {
		sg_cli_print_error(&d);
		return SG_EXIT_FAIL;
	}
	sg_http_client_init(client, &dialer, &opts, iobuf);
	client->user_agent = "picosign/" SG_VERSION;
	sg_http_request req;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = sg_slice_str(url);
	req.headers = hdrs;
	req.num_headers = nh;
	req.plain = allow_http ? SG_HTTP_PLAIN_ANY : SG_HTTP_PLAIN_LOOPBACK;
	req.no_redirects = no_redirects;
	e = sg_http_do(client, &req, body, max_body, &r, &d);
	if (e == SG_OK) {
		print_head(&r.head);
		printf("\nbody: %zu bytes\n", r.body_len);
		if (r.redirects > 0) {
			printf("redirects: %u, final URL: ", r.redirects);
			print_safe(stdout, r.final_url);
			fputc('\n', stdout);
		}
		fflush(stdout);
		if (out_path != NULL)
			e = sg_os_write_file(out_path, sg_slice_make(body, r.body_len), &d);
		if (e == SG_OK && r.status >= 400)
			e = sg_http_status_err(&r, "HTTP GET", &d);
		if (e == SG_OK)
			rc = SG_EXIT_OK;
	}
	if (e != SG_OK)
		sg_cli_print_error(&d);
	sg_http_client_close(client);
	return rc;
}

/* `debug url`: one URL per file; a single final newline is allowed (files made by echo). */
sg_err
sg_debug_url(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	(void)arena;
	if (in.len > 0 && in.p[in.len - 1] == '\n')
		in.len--;
	sg_url u;
	SG_TRY(sg_url_parse(in.p, in.len, &u, d));
	uint8_t mem[SG_MAX_URL + 16];
	sg_buf b;
	sg_buf_init(&b, mem, sizeof mem);
	sg_url_write(&u, &b);
	printf("scheme: %s\nhost: %.*s%s\nport: %u\n", u.scheme == SG_URL_HTTPS ? "https" : "http",
		(int)u.host.len, (const char *)u.host.p, u.ipv6 ? " (IPv6)" : "", (unsigned)u.port);
	printf("normal form: %.*s\n", (int)b.len, (const char *)b.p);
	return SG_OK;
}

/* `debug http-response`: a whole response as received (head and body). */
sg_err
sg_debug_http_response(sg_slice in, int canonical, sg_arena *arena, sg_diag *d)
{
	(void)canonical;
	sg_http_header *hdrs;
	SG_TRY(sg_arena_get(arena, SG_MAX_HTTP_HEADERS * sizeof *hdrs, (void **)&hdrs, d));
	sg_http_head h;
	size_t used;
	sg_err e = sg_http_parse_head(in.p, in.len, hdrs, SG_MAX_HTTP_HEADERS, &h, &used, d);
	if (e == SG_ERR_TRUNCATED)
		return sg_diag_fail(d, SG_ERR_HTTP_TRUNCATED, "HTTP response head");
	SG_TRY(e);
	sg_http_framing f;
	uint64_t length;
	SG_TRY(sg_http_framing_of(&h, 0, &f, &length, d));
	print_head(&h);
	size_t rest = in.len - used;
	switch (f) {
	case SG_HTTP_BODY_NONE:
		SG_ENSURE(d, rest == 0, SG_ERR_TRAILING, "HTTP response without body");
		printf("\nbody: none\n");
		break;
	case SG_HTTP_BODY_LENGTH:
		if (length > rest)
			return sg_diag_failf(d, SG_ERR_HTTP_TRUNCATED, "HTTP response",
				"Content-Length %llu, %zu bytes present", (unsigned long long)length,
				rest);
		SG_ENSURE(d, length == rest, SG_ERR_TRAILING, "HTTP response body");
		printf("\nbody: %zu bytes (Content-Length)\n", rest);
		break;
	case SG_HTTP_BODY_CHUNKED: {
		uint8_t *copy;
		SG_TRY(sg_arena_get(arena, rest == 0 ? 1 : rest, (void **)&copy, d));
		memcpy(copy, in.p + used, rest);
		sg_http_chunked ch;
		sg_http_chunked_init(&ch);
		size_t dec, consumed;
		e = sg_http_chunked_decode(&ch, copy, rest, &dec, &consumed, d);
		if (e == SG_ERR_TRUNCATED)
			return sg_diag_fail(d, SG_ERR_HTTP_TRUNCATED, "HTTP chunked body");
		SG_TRY(e);
		SG_ENSURE(d, consumed == rest, SG_ERR_TRAILING, "HTTP chunked body");
		printf("\nbody: %zu bytes (chunked, %zu on the wire)\n", dec, rest);
		break;
	}
	case SG_HTTP_BODY_CLOSE:
		printf("\nbody: %zu bytes (until close)\n", rest);
		break;
	}
	return SG_OK;
}
