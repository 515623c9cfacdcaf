/* fulcio: Fulcio v2 signingCert request and answer. See fulcio.h.
 *
 * Implementation notes.
 *   - Request: proto3 JSON of CreateSigningCertificateRequest (fulcio.proto, grpc-gateway),
 *     lowerCamelCase, written compactly in field order; the PEM public key is a JSON string,
 *     so its newlines are written as \n (RFC 8259 §7). The proof of possession is a DER ECDSA
 *     signature (SHA-256) over the principal's UTF-8 bytes, no newline (protocol.md §3.1).
 *   - Answer: SigningCertificate, oneof signedCertificateEmbeddedSct | ...DetachedSct; chain.
 *     certificates is a list of PEM strings, leaf first (protocol.md §3.1). Each string must
 *     hold exactly one CERTIFICATE block and nothing but whitespace besides; unknown members
 *     are ignored as proto3 JSON says.
 *   - Errors: grpc-gateway Status JSON {"code","message","details"} (fulcio pkg/server/
 *     error.go); some proxies and test services answer in plain text, so a printable excerpt
 *     of the body is shown then. */
#include "online/fulcio.h"

#include <string.h>

#include "parse/codec.h"
#include "parse/json.h"
#include "parse/pem.h"
#include "parse/url.h"
#include "vfj.h"

/* The longest piece of an error body we quote. */
#define ERR_EXCERPT 200u

static const char *
reason_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static int
is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_';
}

/* Whether `t` holds two runs of at least 16 base64url characters joined by a dot: the shape
 * of a compact JWS's header and payload, whatever its header starts with. */
static int
has_jws_shape(const char *t)
{
	size_t run = 0, before = 0;
	for (; *t != '\0'; t++) {
		if (is_b64url(*t)) {
			if (++run >= 16 && before >= 16)
				return 1;
		} else if (*t == '.') {
			before = run;
			run = 0;
		} else {
			before = run = 0;
		}
	}
	return 0;
}

/* see fulcio.h */
sg_err
sg_service_error(sg_diag *d, sg_err code, const char *service, int status, const uint8_t *body,
	size_t len, sg_arena *arena)
{
	sg_slice msg = sg_slice_make(NULL, 0);
	sg_json j;
	int json_obj = 0;
	if (arena != NULL && len > 0 && len <= SG_MAX_JSON) {
		size_t mark = sg_arena_mark(arena);
		if (sg_json_parse(body, len, arena, "error body", &j, NULL) == SG_OK &&
			sg_json_type(&j, sg_json_root(&j)) == VFJ_OBJECT) {
			json_obj = 1;
			if (sg_json_get_str(&j, sg_json_root(&j), "message", SG_JSON_OPTIONAL,
				    "message", arena, &msg, NULL, NULL) != SG_OK)
				msg = sg_slice_make(NULL, 0);
		} else {
			sg_arena_release(arena, mark);
		}
	}
	if (!json_obj) {
		/* Not JSON: the first line of the body. */
		size_t n = 0;
		while (n < len && body[n] != '\n' && body[n] != '\r')
			n++;
		msg = sg_slice_make(body, n);
	}
	char text[ERR_EXCERPT + 4];
	size_t k = 0;
	for (size_t i = 0; i < msg.len && k < ERR_EXCERPT; i++) {
		uint8_t c = msg.p[i];
		text[k++] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
	}
	if (msg.len > ERR_EXCERPT) {
		memcpy(text + k, "...", 3);
		k += 3;
	}
	text[k] = '\0';
	/* A service that echoes the request could echo the token ("eyJ" is the base64url of
	 * '{"', how most JWTs start; a header written with whitespace first starts otherwise, so
	 * the JWS shape counts too); such a message is withheld. */
	if (strstr(text, "eyJ") != NULL || has_jws_shape(text))
		memcpy(text, "(message withheld: it may contain a token)",
			sizeof "(message withheld: it may contain a token)");
	const char *rs = reason_of(status);
	return sg_diag_failmsg(d, code, "%s returned %d%s%s%s%s", service, status,
		rs[0] != '\0' ? " " : "", rs, text[0] != '\0' ? ": " : "", text);
}

/* see fulcio.h */
sg_err
sg_fulcio_build_request(sg_slice token, const sg_p256_key *key, sg_slice principal, sg_buf *out,
	sg_diag *d)
{
	uint8_t spki_mem[SG_P256_SPKI_LEN];
	sg_buf spki;
	sg_buf_init(&spki, spki_mem, sizeof spki_mem);
	SG_TRY(sg_p256_write_spki(key->pub, &spki));
	uint8_t pem_mem[256];
	sg_buf pem;
	sg_buf_init(&pem, pem_mem, sizeof pem_mem);
	if (sg_pem_write(&pem, "PUBLIC KEY", spki.p, spki.len) != SG_OK)
		return sg_diag_fail(d, SG_ERR_INTERNAL, "public key PEM");

	uint8_t hash[SG_SHA256_LEN];
	sg_sha256(principal.p, principal.len, hash);
	uint8_t sig[SG_P256_SIG_MAX];
	size_t sig_len;
	SG_TRY(sg_p256_sign_digest(key, hash, sig, sizeof sig, &sig_len, d));
	uint8_t pop_mem[SG_P256_SIG_MAX * 2];
	sg_buf pop;
	sg_buf_init(&pop, pop_mem, sizeof pop_mem);
	if (sg_b64_encode(sig, sig_len, SG_B64_STD | SG_B64_PAD, &pop) != SG_OK)
		return sg_diag_fail(d, SG_ERR_INTERNAL, "proof of possession");

	if (out->overflow || out->len > out->cap)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Fulcio request");
	vfj_writer w;
	vfj_w_init(&w, out->p + out->len, out->cap - out->len, 0);
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("credentials"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("oidcIdentityToken"));
	vfj_w_str(&w, token.p, token.len);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("publicKeyRequest"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("publicKey"));
	vfj_w_obj_begin(&w);
	vfj_w_key(&w, VFJ_LIT("algorithm"));
	vfj_w_str(&w, "ECDSA", 5);
	vfj_w_key(&w, VFJ_LIT("content"));
	vfj_w_str(&w, pem.p, pem.len);
	vfj_w_obj_end(&w);
	vfj_w_key(&w, VFJ_LIT("proofOfPossession"));
	vfj_w_str(&w, pop.p, pop.len);
	vfj_w_obj_end(&w);
	vfj_w_obj_end(&w);
	size_t n;
	vfj_err ve = vfj_w_finish(&w, &n);
	if (ve == VFJ_ERR_BUFFER)
		return sg_diag_fail(d, SG_ERR_LIMIT, "Fulcio request");
	if (ve != VFJ_OK)
		/* The token is the only outside input; the message must not quote it. */
		return sg_diag_fail(d, SG_ERR_OIDC_TOKEN, "identity token: not valid UTF-8");
	out->len += n;
	return SG_OK;
}

/* One certificate string: exactly one CERTIFICATE block, whitespace around it. */
SG_MUST_USE static sg_err
cert_from_pem(sg_slice s, size_t idx, sg_arena *arena, sg_slice *der, sg_diag *d)
{
	sg_cur c;
	sg_cur_init(&c, s.p, s.len);
	sg_pem_block b;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_pem_next(&c, &b, &ld);
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
			"certificate %zu is not PEM (%s)", idx, sg_err_str(e));
	if (!sg_slice_eq_str(b.label, "CERTIFICATE"))
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
			"certificate %zu is not a PEM CERTIFICATE block", idx);
	for (size_t i = 0; i < c.n; i++)
		if (c.p[i] != ' ' && c.p[i] != '\t' && c.p[i] != '\r' && c.p[i] != '\n')
			return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
				"certificate %zu has data after its PEM block", idx);
	size_t cap = sg_b64_decoded_max(b.body.len);
	uint8_t *buf;
	SG_TRY(sg_arena_get(arena, cap == 0 ? 1 : cap, (void **)&buf, d));
	size_t n;
	if (sg_pem_decode(&b, buf, cap, &n, &ld) != SG_OK)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
			"certificate %zu: bad PEM body", idx);
	if (n > SG_MAX_CERT)
		return sg_diag_failf(d, SG_ERR_LIMIT, "Fulcio answer",
			"certificate %zu is larger than %u bytes", idx, (unsigned)SG_MAX_CERT);
	*der = sg_slice_make(buf, n);
	return SG_OK;
}

SG_MUST_USE static sg_err
parse_chain(const uint8_t *body, size_t len, sg_arena *arena, sg_fulcio_chain *out, sg_diag *d)
{
	sg_json j;
	sg_diag ld;
	sg_diag_init(&ld, NULL);
	sg_err e = sg_json_parse(body, len, arena, "Fulcio answer", &j, &ld);
	if (e == SG_ERR_LIMIT)
		return sg_diag_fail(d, e, "arena");
	if (e != SG_OK)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer", "not JSON (%s at byte %zu)",
			sg_err_str(e), ld.offset);
	size_t root = sg_json_root(&j);
	if (sg_json_type(&j, root) != VFJ_OBJECT)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer", "not a JSON object");
	size_t det = sg_json_get(&j, root, "signedCertificateDetachedSct");
	size_t emb = sg_json_get(&j, root, "signedCertificateEmbeddedSct");
	if (det != SG_JSON_NONE && sg_json_type(&j, det) != VFJ_NULL)
		return sg_diag_fail(d, SG_ERR_UNSUPPORTED,
			"Fulcio answer: a detached SCT (only certificates with embedded SCTs are "
			"supported)");
	size_t certs = sg_json_path(&j, root, "signedCertificateEmbeddedSct.chain.certificates");
	if (emb == SG_JSON_NONE || certs == SG_JSON_NONE ||
		sg_json_type(&j, certs) != VFJ_ARRAY)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
			"no signedCertificateEmbeddedSct.chain.certificates list");
	size_t n = sg_json_count(&j, certs);
	if (n == 0)
		return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer", "empty certificate chain");
	if (n > SG_MAX_CHAIN)
		return sg_diag_failf(d, SG_ERR_LIMIT, "Fulcio answer",
			"%zu certificates in the chain (at most %u)", n, (unsigned)SG_MAX_CHAIN);
	size_t i = 0;
	for (size_t t = sg_json_first(&j, certs); t != SG_JSON_NONE; t = sg_json_next(&j, t), i++) {
		sg_slice s;
		if (sg_json_type(&j, t) != VFJ_STRING)
			return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
				"certificate %zu is not a string", i);
		e = sg_json_str(&j, t, "Fulcio certificate", arena, &s, &ld);
		if (e == SG_ERR_LIMIT)
			return sg_diag_fail(d, e, "arena");
		if (e != SG_OK)
			return sg_diag_failf(d, SG_ERR_FULCIO, "Fulcio answer",
				"certificate %zu: %s", i, sg_err_str(e));
		SG_TRY(cert_from_pem(s, i, arena, &out->der[i], d));
	}
	out->n = n;
	return SG_OK;
}

/* see fulcio.h */
sg_err
sg_fulcio_parse_response(int status, const uint8_t *body, size_t len, sg_arena *arena,
	sg_fulcio_chain *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	sg_err e;
	if (status != 200 && status != 201)
		e = sg_service_error(d, SG_ERR_FULCIO, "Fulcio", status, body, len, arena);
	else if (len > SG_MAX_SERVICE_REPLY)
		e = sg_diag_fail(d, SG_ERR_LIMIT, "Fulcio answer");
	else
		e = parse_chain(body, len, arena, out, d);
	if (e != SG_OK)
		memset(out, 0, sizeof *out);
	return e;
}

/* see fulcio.h */
sg_err
sg_fulcio_get_cert(sg_http_client *http, const char *base_url, sg_http_plain plain,
	sg_slice token, const sg_p256_key *key, sg_slice principal, sg_arena *arena,
	sg_fulcio_chain *out, sg_diag *d)
{
	memset(out, 0, sizeof *out);
	uint8_t urlmem[SG_MAX_URL];
	sg_buf url;
	sg_buf_init(&url, urlmem, sizeof urlmem);
	sg_url_put_endpoint(&url, base_url, "/api/v2/signingCert");
	if (sg_buf_status(&url) != SG_OK)
		return sg_diag_fail(d, SG_ERR_LIMIT, "service URL");
	/* The token (<= SG_MAX_JWT, escaped at most 6x for \u00XX, but a JWT is base64url so it
	 * needs no escaping) plus a PEM key and a signature. */
	size_t reqcap = SG_MAX_JWT + 1024u;
	uint8_t *reqmem, *reply;
	SG_TRY(sg_arena_get(arena, reqcap, (void **)&reqmem, d));
	SG_TRY(sg_arena_get(arena, SG_MAX_SERVICE_REPLY, (void **)&reply, d));
	sg_buf req;
	sg_buf_init(&req, reqmem, reqcap);
	sg_err e = sg_fulcio_build_request(token, key, principal, &req, d);
	if (e == SG_OK) {
		sg_http_header h[2] = {
			{sg_slice_str("Content-Type"), sg_slice_str("application/json")},
			{sg_slice_str("Accept"), sg_slice_str("application/json")},
		};
		sg_http_request r;
		memset(&r, 0, sizeof r);
		r.method = "POST";
		r.url = sg_buf_slice(&url);
		r.headers = h;
		r.num_headers = 2;
		r.body = sg_buf_slice(&req);
		r.plain = plain;
		/* The body carries the OIDC identity token: never resend it to another origin. */
		r.secret_body = 1;
		sg_http_response resp;
		e = sg_http_do(http, &r, reply, SG_MAX_SERVICE_REPLY, &resp, d);
		if (e == SG_OK)
			e = sg_fulcio_parse_response(resp.status, reply, resp.body_len, arena, out,
				d);
	}
	sg_wipe(reqmem, reqcap);
	return e;
}
