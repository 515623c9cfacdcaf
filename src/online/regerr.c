/* regerr: registry error texts, as go-containerregistry words them. See regerr.h.
 *
 * Implementation notes. ggcr's transport.Error renders {"errors":[{"code","message","detail"}]}
 * as "CODE: message[; detail]" (several joined by "multiple errors returned: "), with the
 * detail printed by Go's %v; cosign prints that text after "<METHOD> <url>: ". Matching it
 * keeps picosign's messages the same as cosign's for the same registry answer. Everything a
 * server sent is printed through sg_regerr_put_printable: bytes outside printable ASCII
 * become '?', so a registry cannot drive the terminal. */
#include "online/regerr.h"

#include <string.h>

#include "parse/json.h"

/* Copy printable ASCII of p[0..n) to b, other bytes as '?' (text from a server must not
 * drive the terminal). */
/* see regerr.h */
void
sg_regerr_put_printable(sg_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sg_buf_putc(b, p[i] >= 0x20 && p[i] < 0x7f ? p[i] : (uint8_t)'?');
}

static void put_value(sg_buf *b, const sg_json *j, size_t t, sg_arena *arena, unsigned depth);

/* Go's %v of a JSON value decoded into interface{}: strings bare, maps as map[k:v ...] with
 * sorted keys, arrays as [a b], null as <nil>. Numbers are written as received (Go would
 * reformat floats; registries send none in practice). */
static void
put_value(sg_buf *b, const sg_json *j, size_t t, sg_arena *arena, unsigned depth)
{
	const vfj_token *tok = &j->doc.toks[t];
	if (depth > 4) {
		sg_buf_puts(b, "...");
		return;
	}
	switch (sg_json_type(j, t)) {
	case VFJ_STRING: {
		sg_slice s;
		if (sg_json_str(j, t, "registry error", arena, &s, NULL) == SG_OK)
			sg_regerr_put_printable(b, s.p, s.len);
		return;
	}
	case VFJ_NULL:
		sg_buf_puts(b, "<nil>");
		return;
	case VFJ_ARRAY: {
		sg_buf_putc(b, '[');
		int first = 1;
		for (size_t e = sg_json_first(j, t); e != SG_JSON_NONE; e = sg_json_next(j, e)) {
			if (!first)
				sg_buf_putc(b, ' ');
			first = 0;
			put_value(b, j, e, arena, depth + 1);
		}
		sg_buf_putc(b, ']');
		return;
	}
	case VFJ_OBJECT: {
		/* Keys sorted bytewise, as fmt prints maps. */
		enum { MAXK = 32 };
		size_t keys[MAXK];
		sg_slice names[MAXK];
		size_t n = 0;
		for (size_t k = sg_json_first(j, t); k != SG_JSON_NONE && n < MAXK;
			k = sg_json_next(j, k)) {
			if (sg_json_str(j, k, "registry error", arena, &names[n], NULL) != SG_OK)
				return;
			keys[n++] = k;
		}
		for (size_t i = 1; i < n; i++) {
			for (size_t m = i; m > 0; m--) {
				sg_slice a = names[m - 1], c = names[m];
				size_t l = a.len < c.len ? a.len : c.len;
				int cmp = l > 0 ? memcmp(a.p, c.p, l) : 0;
				if (cmp < 0 || (cmp == 0 && a.len <= c.len))
					break;
				names[m - 1] = c;
				names[m] = a;
				size_t tk = keys[m - 1];
				keys[m - 1] = keys[m];
				keys[m] = tk;
			}
		}
		sg_buf_puts(b, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				sg_buf_putc(b, ' ');
			sg_regerr_put_printable(b, names[i].p, names[i].len);
			sg_buf_putc(b, ':');
			/* In vfj a key's value is the key's child. */
			size_t v = sg_json_first(j, keys[i]);
			if (v == SG_JSON_NONE)
				break;
			put_value(b, j, v, arena, depth + 1);
		}
		sg_buf_putc(b, ']');
		return;
	}
	default:
		sg_regerr_put_printable(b, j->json + tok->start, tok->end - tok->start);
		return;
	}
}

/* see regerr.h */
size_t
sg_regerr_text(const uint8_t *body, size_t len, sg_arena *arena, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (len == 0 || len > SG_MAX_TOKEN_REPLY)
		return 0;
	size_t mark = sg_arena_mark(arena);
	sg_json j;
	size_t written = 0;
	if (sg_json_parse(body, len, arena, "registry error", &j, NULL) != SG_OK)
		goto out;
	size_t root = sg_json_root(&j);
	size_t errs = sg_json_get(&j, root, "errors");
	if (errs == SG_JSON_NONE || sg_json_type(&j, errs) != VFJ_ARRAY ||
		sg_json_count(&j, errs) == 0)
		goto out;
	sg_buf b;
	sg_buf_init(&b, out, cap - 1);
	size_t count = sg_json_count(&j, errs);
	if (count > 1)
		sg_buf_puts(&b, "multiple errors returned: ");
	size_t i = 0;
	for (size_t e = sg_json_first(&j, errs); e != SG_JSON_NONE; e = sg_json_next(&j, e), i++) {
		if (sg_json_type(&j, e) != VFJ_OBJECT)
			goto out;
		if (i > 0)
			sg_buf_puts(&b, "; ");
		sg_slice code = {NULL, 0}, msg = {NULL, 0};
		if (sg_json_get_str(&j, e, "code", SG_JSON_OPTIONAL, "registry error", arena, &code,
			    NULL, NULL) != SG_OK ||
			sg_json_get_str(&j, e, "message", SG_JSON_OPTIONAL, "registry error", arena,
				&msg, NULL, NULL) != SG_OK)
			goto out;
		sg_regerr_put_printable(&b, code.p, code.len);
		sg_buf_puts(&b, ": ");
		sg_regerr_put_printable(&b, msg.p, msg.len);
		size_t det = sg_json_get(&j, e, "detail");
		if (det != SG_JSON_NONE && sg_json_type(&j, det) != VFJ_NULL) {
			sg_buf_puts(&b, "; ");
			put_value(&b, &j, det, arena, 0);
		}
	}
	/* A text cut by the buffer is still useful: keep what fit. */
	written = b.overflow ? b.len : b.len;
	out[written] = '\0';
out:
	if (written == 0)
		out[0] = '\0';
	sg_arena_release(arena, mark);
	return written;
}

/* see regerr.h */
sg_err
sg_regerr_fail(const char *method, sg_slice req_url, const sg_http_response *resp,
	sg_arena *arena, sg_diag *d)
{
	char text[SG_REGERR_TEXT_MAX];
	char url[SG_REGERR_TEXT_MAX];
	sg_buf ub;
	sg_buf_init(&ub, url, sizeof url - 1);
	/* No query: upload URLs carry long state, and some registries put tokens there. */
	size_t ulen = req_url.len;
	for (size_t i = 0; i < req_url.len; i++) {
		if (req_url.p[i] == '?') {
			ulen = i;
			break;
		}
	}
	sg_regerr_put_printable(&ub, req_url.p, ulen);
	url[ub.len] = '\0';
	size_t n = sg_regerr_text(resp->body, resp->body_len, arena, text, sizeof text);
	if (n == 0) {
		sg_buf tb;
		sg_buf_init(&tb, text, sizeof text - 1);
		sg_buf_puts(&tb, "unexpected status code ");
		sg_buf_put_dec(&tb, (uint64_t)resp->status);
		sg_buf_putc(&tb, ' ');
		sg_regerr_put_printable(&tb, resp->reason.p, resp->reason.len > 64 ? 64 : resp->reason.len);
		if (strcmp(method, "HEAD") == 0) {
			sg_buf_puts(&tb, " (HEAD responses have no body, use GET for details)");
		} else if (resp->body_len > 0) {
			/* A plain-text body usually ends with a newline: show the text, not a '?'. */
			size_t blen = resp->body_len > 200 ? 200 : resp->body_len;
			while (blen > 0 && (resp->body[blen - 1] == '\n' || resp->body[blen - 1] == '\r' ||
						   resp->body[blen - 1] == ' ' || resp->body[blen - 1] == '\t'))
				blen--;
			sg_buf_puts(&tb, ": ");
			sg_regerr_put_printable(&tb, resp->body, blen);
		}
		text[tb.len] = '\0';
	}
	sg_err code = SG_ERR_OCI_REGISTRY;
	if (resp->status == 401 || resp->status == 403)
		code = SG_ERR_OCI_AUTH;
	else if (resp->status == 404)
		code = SG_ERR_OCI_NOT_FOUND;
	return sg_diag_failmsg(d, code, "%s %s: %s", method, url, text);
}
