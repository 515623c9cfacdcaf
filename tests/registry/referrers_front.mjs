#!/usr/bin/env node
// referrers_front: an OCI distribution-spec 1.1 referrers API in front of Debian's docker-registry
// 2.8 (which has none), for picosign's cosign v3 tests. A loopback reverse proxy: every request
// goes to the upstream registry unchanged (method, path, query, headers including Host and
// Authorization, body), and every answer comes back unchanged, except:
//   * a manifest PUT whose JSON body has a `subject`: after the upstream accepted it (201) the front
//     records {repository, digest (sha256 of the bytes pushed), mediaType (body, else Content-Type),
//     size, artifactType (top-level, else config.mediaType), annotations} under the subject digest,
//     and adds `OCI-Subject: <subject digest>` to the answer, as a 1.1 registry does;
//   * a manifest DELETE by digest that the upstream accepted drops that digest from the records;
//   * GET /v2/<name>/referrers/<digest>[?artifactType=T] answers 200
//     `application/vnd.oci.image.index.v1+json` with an image index of the recorded descriptors of
//     that repository and subject, in push order (`OCI-Filters-Applied: artifactType` when it
//     filtered), paginated with `Link: <...>; rel="next"` when --page-size N is given. Before
//     answering it asks the upstream `GET /v2/<name>/tags/list` with the caller's Authorization:
//     a 401/403 there is passed back as is (so auth behaves as the registry's), anything else
//     (including 404 for an unknown repository) gives the index (empty when nothing refers).
// It knows only manifests pushed through it during its lifetime (no scan of existing storage).
// Faults for client tests (flags at start, or POST /_front/control at run time): referrers_status
// (answer the referrers call with that status and a registry-style error body; 429 adds
// Retry-After), referrers_status_count, referrers_content_type (200 with another Content-Type),
// referrers_delay_ms, no referrers_api (pass referrers calls through: the upstream's 404, no
// OCI-Subject: a registry without the API), no oci_subject, no filter (ignore ?artifactType).
//
// usage: referrers_front.mjs --upstream http://127.0.0.1:PORT --state-dir DIR [--port 0]
//          [--page-size N] [--max-lifetime 300] [--max-requests 5000]
//          [--<setting> V | --<bool-setting> | --no-<bool-setting>]
// Writes DIR/url and DIR/ready (the port, last, after listen()). Listens on 127.0.0.1 only; exits
// at the lifetime or request limit. Logs "front: #N METHOD PATH -> STATUS" and one line per
// recorded referrer / injected fault to stderr. GET /_front/referrers dumps the records,
// GET /_front/health answers ok, GET|POST /_front/control shows or changes the settings
// ({"reset":true,...} first restores the defaults).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MiB = 1024 * 1024;

const DEFAULTS = Object.freeze({
	page_size: 0, // 0: one page
	referrers_status: 0,
	referrers_status_count: 0,
	referrers_content_type: '',
	referrers_delay_ms: 0,
	referrers_api: true,
	oci_subject: true,
	filter: true,
});
let settings = structuredClone(DEFAULTS);
const opts = { upstream: null, stateDir: null, port: 0, maxLifetime: 300, maxRequests: 5000 };

const log = (l) => process.stderr.write(`front: ${l}\n`);
function usage(msg) {
	process.stderr.write(`referrers_front.mjs: ${msg}\nusage: referrers_front.mjs --upstream URL --state-dir DIR [--port 0] [--page-size N] [--max-lifetime S] [--max-requests N] [--<setting> V | --[no-]<bool-setting>]\n`);
	process.exit(2);
}

function applySettings(obj, where) {
	const next = structuredClone(settings);
	for (const [k, v] of Object.entries(obj)) {
		if (!(k in DEFAULTS)) throw new Error(`${where}: unknown setting ${k}`);
		if (typeof v !== typeof DEFAULTS[k]) throw new Error(`${where}: ${k} must be ${typeof DEFAULTS[k]}`);
		if (typeof v === 'number' && (!Number.isInteger(v) || v < 0 || v > 600000)) throw new Error(`${where}: ${k} out of range`);
		next[k] = v;
	}
	settings = next;
}

{
	const argv = process.argv.slice(2);
	const cli = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
		const num = () => {
			const s = val();
			if (!/^[0-9]{1,9}$/.test(s)) usage(`${a}: not a number: ${s}`);
			return Number(s);
		};
		if (a === '--upstream') { opts.upstream = val(); continue; }
		if (a === '--state-dir') { opts.stateDir = val(); continue; }
		if (a === '--port') { opts.port = num(); continue; }
		if (a === '--max-lifetime') { opts.maxLifetime = num(); continue; }
		if (a === '--max-requests') { opts.maxRequests = num(); continue; }
		if (a === '--help') usage('help');
		if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
		let key = a.slice(2).replaceAll('-', '_');
		let neg = false;
		if (!(key in DEFAULTS) && key.startsWith('no_') && typeof DEFAULTS[key.slice(3)] === 'boolean') {
			key = key.slice(3);
			neg = true;
		}
		if (!(key in DEFAULTS)) usage(`unknown option ${a}`);
		if (typeof DEFAULTS[key] === 'boolean') cli[key] = !neg;
		else if (typeof DEFAULTS[key] === 'number') cli[key] = num();
		else cli[key] = val();
	}
	if (!opts.upstream || !opts.stateDir) usage('--upstream and --state-dir are required');
	const u = new URL(opts.upstream);
	if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) usage('--upstream must be a plain-http loopback URL');
	try {
		applySettings(cli, 'command line');
	} catch (e) {
		usage(e.message);
	}
}
const upstream = new URL(opts.upstream);

// records: one per (repository, manifest digest), in push order.
let records = [];

const errBody = (code, message) => JSON.stringify({ errors: [{ code, message, detail: null }] });
const FAULT = {
	400: ['BAD_REQUEST', 'bad request'],
	401: ['UNAUTHORIZED', 'authentication required'],
	404: ['NOT_FOUND', 'not found'],
	429: ['TOOMANYREQUESTS', 'too many requests'],
	500: ['UNKNOWN', 'unknown error'],
	502: ['UNKNOWN', 'bad gateway'],
	503: ['UNAVAILABLE', 'service unavailable'],
};

function takeFault() {
	const st = settings.referrers_status;
	if (!st) return 0;
	const cnt = settings.referrers_status_count;
	if (cnt > 0) {
		settings.referrers_status_count = cnt - 1;
		if (cnt === 1) settings.referrers_status = 0;
	}
	return st;
}

function readBody(req, limit) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let n = 0;
		req.on('data', (c) => {
			n += c.length;
			if (n > limit) {
				reject(new Error(`body over ${limit} bytes`));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

// Sends one request upstream; body is a Buffer, a readable stream or null. Resolves to the
// upstream response (not yet read).
function upstreamRequest(method, urlPath, headers, body) {
	return new Promise((resolve, reject) => {
		const h = { ...headers };
		if (Buffer.isBuffer(body)) {
			delete h['transfer-encoding'];
			h['content-length'] = String(body.length);
		}
		const r = http.request({ host: upstream.hostname, port: upstream.port, method, path: urlPath, headers: h, timeout: 30000 }, resolve);
		r.on('timeout', () => r.destroy(new Error('upstream timeout')));
		r.on('error', reject);
		if (body === null) r.end();
		else if (Buffer.isBuffer(body)) r.end(body);
		else body.pipe(r);
	});
}

// The upstream answer as it came (raw header names and order kept), plus `extra` headers.
function sendUpstreamResponse(res, up, extra = {}) {
	res.writeHead(up.statusCode, [...up.rawHeaders, ...Object.entries(extra).flat()]);
	up.pipe(res);
	return up.statusCode;
}

function send(res, status, body, headers = {}) {
	const b = Buffer.from(body);
	res.writeHead(status, { 'Content-Length': b.length, 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers });
	res.end(b);
	return status;
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function recordManifest(repo, body, contentType) {
	let m;
	try {
		m = JSON.parse(body.toString('utf8'));
	} catch {
		return null;
	}
	const subject = m?.subject?.digest;
	if (typeof subject !== 'string' || !DIGEST_RE.test(subject)) return null;
	const digest = `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
	const desc = {
		mediaType: typeof m.mediaType === 'string' ? m.mediaType : String(contentType || '').split(';')[0].trim(),
		digest,
		size: body.length,
	};
	const at = typeof m.artifactType === 'string' && m.artifactType !== '' ? m.artifactType : m.config?.mediaType;
	if (typeof at === 'string' && at !== '') desc.artifactType = at;
	if (m.annotations && typeof m.annotations === 'object' && Object.keys(m.annotations).length > 0) desc.annotations = m.annotations;
	records = records.filter((r) => !(r.repo === repo && r.desc.digest === digest));
	records.push({ repo, subject, desc });
	log(`recorded ${repo}@${digest} -> subject ${subject} (artifactType ${desc.artifactType || '-'})`);
	return subject;
}

async function handleReferrers(req, res, repo, digest, url) {
	if (settings.referrers_delay_ms) await new Promise((r) => setTimeout(r, settings.referrers_delay_ms));
	const st = takeFault();
	if (st) {
		log(`fault: referrers ${repo}@${digest} -> ${st}`);
		const [code, msg] = FAULT[st] || ['UNKNOWN', 'injected fault'];
		return send(res, st, errBody(code, msg), { 'Content-Type': 'application/json', ...(st === 429 ? { 'Retry-After': '1' } : {}) });
	}
	if (!DIGEST_RE.test(digest)) return send(res, 400, errBody('DIGEST_INVALID', 'provided digest did not match uploaded content'), { 'Content-Type': 'application/json' });
	// Same authorization as reading the repository.
	const authHeaders = {};
	if (req.headers.authorization) authHeaders.authorization = req.headers.authorization;
	authHeaders.host = req.headers.host;
	const probe = await upstreamRequest('GET', `/v2/${repo}/tags/list`, authHeaders, null);
	if (probe.statusCode === 401 || probe.statusCode === 403) return sendUpstreamResponse(res, probe);
	probe.resume();
	let list = records.filter((r) => r.repo === repo && r.subject === digest).map((r) => r.desc);
	const headers = {};
	const want = url.searchParams.get('artifactType');
	if (want !== null && settings.filter) {
		list = list.filter((d) => d.artifactType === want);
		headers['OCI-Filters-Applied'] = 'artifactType';
	}
	if (settings.page_size > 0) {
		const last = url.searchParams.get('last');
		let start = 0;
		if (last !== null) {
			const i = list.findIndex((d) => d.digest === last);
			start = i < 0 ? list.length : i + 1;
		}
		const page = list.slice(start, start + settings.page_size);
		if (start + settings.page_size < list.length) {
			const next = new URLSearchParams();
			if (want !== null) next.set('artifactType', want);
			next.set('last', page[page.length - 1].digest);
			headers.Link = `</v2/${repo}/referrers/${digest}?${next}>; rel="next"`;
		}
		list = page;
	}
	const body = JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: list });
	headers['Content-Type'] = settings.referrers_content_type || INDEX;
	return send(res, 200, body, headers);
}

async function handle(req, res) {
	const url = new URL(req.url, 'http://front.invalid');
	const p = url.pathname;
	if (p.startsWith('/_front/')) {
		const json = { 'Content-Type': 'application/json' };
		if (p === '/_front/health') return send(res, 200, 'ok\n', { 'Content-Type': 'text/plain' });
		if (p === '/_front/referrers') return send(res, 200, JSON.stringify(records, null, 2), json);
		if (p === '/_front/control') {
			if (req.method === 'POST') {
				const b = await readBody(req, 65536);
				const obj = b.length ? JSON.parse(b.toString('utf8')) : {};
				if (obj.reset === true) {
					settings = structuredClone(DEFAULTS);
					delete obj.reset;
				}
				applySettings(obj, 'control');
				log(`control: ${JSON.stringify(obj)}`);
			}
			return send(res, 200, JSON.stringify(settings), json);
		}
		return send(res, 404, 'not found\n', { 'Content-Type': 'text/plain' });
	}
	const ref = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(p);
	if (ref && (req.method === 'GET' || req.method === 'HEAD') && settings.referrers_api) {
		req.resume();
		return handleReferrers(req, res, ref[1], decodeURIComponent(ref[2]), url);
	}
	const man = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p);
	if (man && req.method === 'PUT') {
		const body = await readBody(req, 4 * MiB);
		const up = await upstreamRequest(req.method, req.url, req.headers, body);
		const extra = {};
		if (up.statusCode === 201) {
			const subject = recordManifest(man[1], body, req.headers['content-type']);
			if (subject && settings.oci_subject && settings.referrers_api) extra['OCI-Subject'] = subject;
		}
		return sendUpstreamResponse(res, up, extra);
	}
	const up = await upstreamRequest(req.method, req.url, req.headers, req);
	if (man && req.method === 'DELETE' && up.statusCode === 202) {
		const d = decodeURIComponent(man[2]);
		const before = records.length;
		records = records.filter((r) => !(r.repo === man[1] && r.desc.digest === d));
		if (records.length !== before) log(`dropped ${man[1]}@${d}`);
	}
	return sendUpstreamResponse(res, up);
}

let requestCount = 0;
let exiting = false;
let server;
const started = Date.now();

function shutdown(why) {
	if (exiting) return;
	exiting = true;
	log(`exiting: ${why} (${requestCount} requests, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	server?.close();
	server?.closeAllConnections?.();
	setTimeout(() => process.exit(0), 50).unref();
}

function onRequest(req, res) {
	const n = ++requestCount;
	if (n > opts.maxRequests) {
		send(res, 503, 'request limit reached\n', { Connection: 'close' });
		shutdown('request limit reached');
		return;
	}
	const t0 = Date.now();
	handle(req, res).then((st) => {
		log(`#${n} ${req.method} ${req.url} -> ${st ?? res.statusCode} (${Date.now() - t0} ms)`);
		if (n === opts.maxRequests) res.on('finish', () => shutdown('request limit reached'));
	}, (e) => {
		log(`#${n} ${req.method} ${req.url} -> 502: ${e.message}`);
		if (!res.headersSent) send(res, 502, errBody('UNKNOWN', `front: ${e.message}`), { 'Content-Type': 'application/json' });
		else res.destroy();
	});
}

function writeAtomic(file, data) {
	const tmp = `${file}.tmp${process.pid}`;
	fs.writeFileSync(tmp, data);
	fs.renameSync(tmp, file);
}

async function main() {
	fs.mkdirSync(opts.stateDir, { recursive: true });
	server = http.createServer(onRequest);
	server.requestTimeout = 60000;
	server.headersTimeout = 10000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, '127.0.0.1', resolve);
	});
	const port = server.address().port;
	writeAtomic(path.join(opts.stateDir, 'url'), `http://127.0.0.1:${port}\n`);
	writeAtomic(path.join(opts.stateDir, 'ready'), `${port}\n`);
	setTimeout(() => shutdown(`lifetime of ${opts.maxLifetime} s reached`), opts.maxLifetime * 1000).unref();
	log(`listening on http://127.0.0.1:${port} -> ${upstream.origin} (pid ${process.pid}, page size ${settings.page_size || 'unlimited'}, lifetime ${opts.maxLifetime} s, max ${opts.maxRequests} requests)`);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
main().catch((e) => {
	log(`start-up failed: ${e.stack || e}`);
	process.exit(1);
});
