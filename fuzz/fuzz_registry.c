/* Target functions: sg_registry_* (over a scripted transport), sg_cred_helper_parse */
/* The registry client over a scripted transport whose server answers come from the input
 * (style.md §7, curl-fuzzer's TLV conversation):
 *
 *   byte 0        flags: bit 0-1 credentials (none, user+password, identity token, registry
 *                 token), bit 2 allow http, bit 3 a retry policy (sys/retry.h; waits skipped)
 *   then records  [type u8][len u16 big-endian][len bytes]
 *                 type 0: the next server answer (raw HTTP/1.1 response bytes)
 *                 type 1: bytes for the pure parsers (error text, token reply, helper output)
 *
 * The client runs a fixed sequence (manifest by tag, by digest, HEAD, blob GET, blob upload,
 * manifest PUT); each request takes the next answer, and an exhausted script reads as EOF.
 * Invariants (abort on violation): a manifest returned hashes to its digest (and to the
 * requested one by digest); a blob returned has the requested size and digest; a Bearer
 * Authorization header only ever goes to the registry's host, and Basic credentials only to
 * the registry or the token realm's host; the Authorization buffer is wiped after every
 * request; error texts are printable and NUL-terminated; a parsed token is visible ASCII;
 * a second run of the pure parsers gives the same result; retries stay within the policy's
 * count. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crypto/hash.h"
#include "oci/manifest.h"
#include "online/credhelper.h"
#include "oci/ociref.h"
#include "online/registry.h"
#include "fuzz_common.h"
#include "fuzz_retry.h"

#include "../tests/scripted_net.h"

/* Per connection (same index as scripted_conns): the request head being written, to check
 * where Authorization goes. */
static struct {
	char head[512];
	size_t head_len;
} heads[SCRIPTED_CONNS];

/* Hosts the registry itself named as token realms (realm="http[s]://HOST/..." in an answer
 * served on a connection to reg.example; a storage host's challenge must not count), and
 * whether plain http was allowed: Basic credentials may go to a realm the registry named (the token
 * protocol sends them to the auth server, e.g. Docker Hub's), but only over TLS unless plain
 * http was allowed. Bearer tokens are scoped to the registry and go nowhere else. */
#define MAX_REALMS 16
static char realms[MAX_REALMS][64];
static size_t n_realms;
static int plain_ok;

/* Auth-param names are case-insensitive and the value may be a token or a quoted string
 * (RFC 7235 §2.1), so match "realm" in any case, with optional spaces and quote. */
static int
lower_eq(const uint8_t *p, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		if (c != (uint8_t)lit[i])
			return 0;
	}
	return 1;
}

static void
collect_realms(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 5 <= n && n_realms < MAX_REALMS; i++) {
		if (!lower_eq(p + i, "realm", 5))
			continue;
		size_t j = i + 5;
		while (j < n && (p[j] == ' ' || p[j] == '\t'))
			j++;
		if (j >= n || p[j] != '=')
			continue;
		j++;
		while (j < n && (p[j] == ' ' || p[j] == '\t'))
			j++;
		/* The value as the client's parser reads it: a quoted string with each quoted-pair
		 * (RFC 9110 §5.6.4) standing for the character after the backslash, so
		 * "\https://a\/b" is https://a/b; or a token, up to a comma or white space. */
		uint8_t v[256];
		size_t vn = 0;
		if (j < n && p[j] == '"') {
			for (j++; j < n && p[j] != '"' && vn < sizeof v; j++) {
				if (p[j] == '\\' && j + 1 < n)
					j++;
				v[vn++] = p[j];
			}
		} else {
			for (; j < n && p[j] != ',' && p[j] != ' ' && p[j] != '\t' && p[j] != '\r' &&
				vn < sizeof v;
				j++)
				v[vn++] = p[j];
		}
		size_t h;
		if (vn >= 8 && lower_eq(v, "https://", 8))
			h = 8;
		else if (vn >= 7 && lower_eq(v, "http://", 7))
			h = 7;
		else
			continue;
		size_t k = 0;
		if (h < vn && v[h] == '[') {
			/* An IPv6 literal: the client connects to the address without brackets. */
			for (h++; h < vn && k < sizeof realms[0] - 1 && v[h] != ']'; h++)
				realms[n_realms][k++] = (char)v[h];
		} else {
			for (; h < vn && k < sizeof realms[0] - 1 && v[h] != '/' && v[h] != ':' &&
				v[h] != '?' && v[h] != '#';
				h++)
				/* Stored lowercased: is_realm compares case-insensitively. */
				realms[n_realms][k++] = (char)(v[h] >= 'A' && v[h] <= 'Z' ? v[h] + 32 : v[h]);
		}
		realms[n_realms++][k] = '\0';
	}
}

/* Host names compare case-insensitively (the realms were stored lowercased). */
static int
is_realm(const char *host)
{
	size_t n = strlen(host);
	for (size_t i = 0; i < n_realms; i++)
		if (strlen(realms[i]) == n && lower_eq((const uint8_t *)host, realms[i], n))
			return 1;
	return 0;
}

static void
check_head(const scripted_conn *c)
{
	/* Only look at the head's first line and headers (the body may be anything). */
	const char *h = heads[c - scripted_conns].head;
	const char *end = strstr(h, "\r\n\r\n");
	size_t n = end != NULL ? (size_t)(end - h) : heads[c - scripted_conns].head_len;
	int registry = strcmp(c->host, "reg.example") == 0;
	for (size_t i = 0; i + 21 <= n; i++) {
		if (memcmp(h + i, "Authorization: Bearer", 21) == 0 && !registry)
			abort();
		if (i + 20 <= n && memcmp(h + i, "Authorization: Basic", 20) == 0 && !registry &&
			!(is_realm(c->host) && (c->tls || plain_ok)))
			abort();
	}
}

/* A request starts on `c`: its previous one is complete. */
static void
on_request(scripted_conn *c)
{
	check_head(c);
	heads[c - scripted_conns].head_len = 0;
	if (c->cur != NULL && strcmp(c->host, "reg.example") == 0)
		collect_realms(c->cur, c->len);
}

static void
on_write(scripted_conn *c, const uint8_t *p, size_t len)
{
	char *h = heads[c - scripted_conns].head;
	size_t *hl = &heads[c - scripted_conns].head_len;
	size_t room = sizeof heads[0].head - 1 - *hl;
	size_t k = len < room ? len : room;
	memcpy(h + *hl, p, k);
	*hl += k;
	h[*hl] = '\0';
}

/* The slot may serve another host next: check and forget this connection's last head. */
static void
on_close(scripted_conn *c)
{
	check_head(c);
	heads[c - scripted_conns].head_len = 0;
	heads[c - scripted_conns].head[0] = '\0';
}

static uint8_t iobuf[SG_HTTP_IOBUF_SIZE];
static uint8_t arena_mem[4u << 20] __attribute__((aligned(16)));
static uint8_t tok[SG_MAX_REGISTRY_TOKEN];

static void
authz_wiped(const sg_registry *r)
{
	if (!fuzz_all_zero(r->auth.authz, r->auth.authz_cap))
		abort();
}

static void
pure(const uint8_t *p, size_t n, sg_arena *a)
{
	char t1[256], t2[256];
	size_t l1 = sg_regerr_text(p, n, a, t1, sizeof t1);
	size_t l2 = sg_regerr_text(p, n, a, t2, sizeof t2);
	if (l1 != l2 || strcmp(t1, t2) != 0 || l1 >= sizeof t1 || strlen(t1) != l1)
		abort();
	for (size_t i = 0; i < l1; i++)
		if (t1[i] < 0x20 || t1[i] > 0x7e)
			abort();
	size_t tl = 0, tl2 = 0;
	sg_err e = sg_regauth_parse_token(p, n, a, tok, sizeof tok, &tl, NULL);
	sg_err e2 = sg_regauth_parse_token(p, n, a, tok, sizeof tok, &tl2, NULL);
	if (e != e2 || tl != tl2 || (e != SG_OK && tl != 0))
		abort();
	for (size_t i = 0; e == SG_OK && i < tl; i++)
		if (tok[i] < 0x21 || tok[i] > 0x7e)
			abort();
	sg_cred_helper_reply rep;
	if (sg_cred_helper_parse(p, n, a, &rep, NULL) == SG_OK &&
		(rep.secret.len == 0 || rep.identity_token != sg_slice_eq_str(rep.username, "<token>")))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	scripted_clear();
	memset(scripted_conns, 0, sizeof scripted_conns);
	memset(heads, 0, sizeof heads);
	scripted.on_request = on_request;
	scripted.on_write = on_write;
	scripted.on_close = on_close;
	n_realms = 0;
	plain_ok = (data[0] & 4) != 0;
	uint8_t flags = data[0];
	sg_arena a;
	sg_arena_init(&a, arena_mem, sizeof arena_mem);
	size_t off = 1;
	while (off + 3 <= size) {
		uint8_t type = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		if (type == 0) {
			scripted_add(data + off, len);
		} else if (type == 1) {
			pure(data + off, len, &a);
			sg_arena_reset(&a);
		}
		off += len;
	}

	sg_net_opts o;
	sg_net_opts_default(&o);
	sg_http_client http;
	sg_http_client_init(&http, &scripted_dialer, &o, iobuf);
	static sg_retry policy;
	fuzz_retry_policy(&policy);
	if (flags & 8)
		http.retry = &policy;
	sg_registry_creds cr;
	memset(&cr, 0, sizeof cr);
	switch (flags & 3) {
	case 1:
		cr.username = sg_slice_str("user");
		cr.password = sg_slice_str("pass");
		break;
	case 2:
		cr.identity_token = sg_slice_str("refresh");
		break;
	case 3:
		cr.registry_token = sg_slice_str("static");
		break;
	default:
		break;
	}
	sg_registry r;
	if (sg_registry_init(&r, &http, "reg.example", (flags & 4) != 0, &cr, &a, NULL) != SG_OK)
		abort();

	static const char blob[] = "{\"critical\":{}}";
	uint8_t bd[32];
	char bds[SG_OCI_DIGEST_STR_LEN + 1];
	sg_oci_digest_of(blob, sizeof blob - 1, bd);
	sg_oci_digest_format(bd, bds);

	sg_registry_manifest m;
	if (sg_registry_get_manifest(&r, "lib/x", "v1", SG_OCI_ACCEPT_ALL, 65536, &m, NULL) ==
		SG_OK) {
		uint8_t h[32];
		sg_sha256(m.body.p, m.body.len, h);
		if (memcmp(h, m.digest, 32) != 0)
			abort();
	}
	authz_wiped(&r);
	if (sg_registry_get_manifest(&r, "lib/x", bds, SG_OCI_ACCEPT_SIG, 65536, &m, NULL) ==
		SG_OK) {
		if (memcmp(m.digest, bd, 32) != 0 || m.body.len != sizeof blob - 1)
			abort();
	}
	int exists;
	uint8_t hd[32];
	if (sg_registry_head_manifest(&r, "lib/x", "sha256-x.sig", SG_OCI_ACCEPT_SIG, &exists, hd,
		    NULL) != SG_OK && exists != 0)
		abort();
	sg_slice b;
	if (sg_registry_get_blob(&r, "lib/x", bd, sizeof blob - 1, 4096, &b, NULL) == SG_OK) {
		if (b.len != sizeof blob - 1 || memcmp(b.p, blob, b.len) != 0)
			abort();
	}
	int up;
	if (sg_registry_put_blob(&r, "lib/x", (const uint8_t *)blob, sizeof blob - 1, &up, NULL) ==
		    SG_OK && up != 0 && up != 1)
		abort();
	uint8_t pd[32];
	if (sg_registry_put_manifest(&r, "lib/x", "v1", SG_MT_OCI_MANIFEST, (const uint8_t *)blob,
		    sizeof blob - 1, pd, NULL) == SG_OK && memcmp(pd, bd, 32) != 0)
		abort();
	authz_wiped(&r);
	for (size_t i = 0; i < SCRIPTED_CONNS; i++)
		if (scripted_conns[i].in_use)
			check_head(&scripted_conns[i]);
	/* Every retry follows a request that was sent, at most max_retries times each. */
	if (policy.retries > policy.max_retries * (http.requests + http.connects + 1u) ||
		(!(flags & 8) && policy.retries != 0))
		abort();
	sg_registry_close(&r);
	sg_http_client_close(&http);
	for (size_t i = 0; i < SG_REGISTRY_MAX_SCOPES; i++)
		if (!fuzz_all_zero(r.auth.own.t[i].token, SG_MAX_REGISTRY_TOKEN))
			abort();
	return 0;
}
