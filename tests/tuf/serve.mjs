#!/usr/bin/env node
// serve.mjs: a static, GET-only file server for TUF repositories (picosign's TUF test peer).
// No npm dependencies. Serves a repository directory in the layout a TUF client with consistent
// snapshots expects (/<N>.root.json, /timestamp.json, /<V>.snapshot.json, /<V>.targets.json,
// /<V>.<delegated role>.json, /targets/<sha256>.<name>) exactly as the files lie on disk; it
// knows nothing about TUF. It can serve the real public-good vector
// (../shared/vectors/tuf/public-good-2026-08-21/, read in place, never copied) and the attack
// matrix from gen-repos.mjs, all from one process under different path prefixes.
//
// Usage: node serve.mjs [--dir DIR] [--cases MATRIX_DIR] [--mount /PREFIX=DIR ...]
//          [--override PATH=JSON ...] [--overrides FILE] [--ready FILE] [--port 0]
//          [--max-lifetime 120] [--max-requests 2000] [--max-file 8388608]
//          [--tls-cert PEM --tls-key PEM]
//   --dir DIR            serve DIR at /
//   --cases MATRIX_DIR   serve every MATRIX_DIR/<case>/repo at /<case>/, with the per-path
//                        overrides in MATRIX_DIR/<case>/case.json "serve" (paths relative to the
//                        case, e.g. "/timestamp.json")
//   --mount /P=DIR       serve DIR at /P/ (repeatable; e.g. --mount /public-good=VECTOR_DIR)
//   --override PATH=JSON a fault for one full URL path (repeatable), e.g.
//                        --override '/timestamp.json={"mode":"endless"}'
//   --overrides FILE     a JSON object {PATH: SPEC, ...} of the same
//   --ready FILE         receives the bound port (one line) once listen() succeeded
// Fault specs (SPEC):
//   {"mode":"status","status":503[,"body":"..."]}  answer with that status
//   {"mode":"endless"[,"prefix":"{\"signed\":","fill":" ","chunk":16384,"content_length":N]}
//        200, chunked (or a declared Content-Length N that is never honoured), the prefix then
//        the fill repeated forever, with back-pressure, until the client hangs up or the
//        server's lifetime ends
//   {"mode":"drip"[,"interval_ms":500,"bytes":1]}   the real file, BYTES every INTERVAL_MS
//   {"mode":"truncate","bytes":N}   declares the real length, sends N bytes, drops the connection
//   {"mode":"delay","ms":N}         waits N ms, then serves the real file
//   {"mode":"body","text":"..."|"base64":"..."}  serves these bytes instead of the file
// Everything else: the file (200, Content-Length, application/json for .json) or 404; files
// larger than --max-file get 500 (the server never reads an unbounded file); non-GET gets 405.
// Bounds: listens on 127.0.0.1 only; exits after --max-lifetime seconds or --max-requests
// requests, whichever comes first, logging "exiting: <why>". Run it as
// `timeout -k 5 N node serve.mjs ...` (tests/tuf/lib.sh does).
// Log: one line per request on stderr, written when the response ends:
//   tuf-serve: #N GET /path -> STATUS BYTES bytes[ <fault>][ (client closed)] (T ms)
// See docs/test-peers.md, "TUF repositories".

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

const USAGE = '[--dir DIR] [--cases MATRIX_DIR] [--mount /PREFIX=DIR ...] [--override PATH=JSON ...] ' +
	'[--overrides FILE] [--ready FILE] [--port 0] [--max-lifetime S] [--max-requests N] [--max-file BYTES] ' +
	'[--tls-cert PEM --tls-key PEM]';

function usage(msg) {
	process.stderr.write(`serve.mjs: ${msg}\nusage: node serve.mjs ${USAGE}\n`);
	process.exit(2);
}

const opts = {
	port: 0, maxLifetime: 120, maxRequests: 2000, maxFile: 8 * 1024 * 1024,
	ready: null, tlsCert: null, tlsKey: null,
};
const mounts = []; // {prefix: '' or '/x', dir, overrides: Map(relpath -> spec)}
const globalOverrides = new Map(); // full path -> spec

function num(v, name) {
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) usage(`${name} needs a non-negative integer, got ${v}`);
	return n;
}

function checkSpec(spec, where) {
	const modes = ['status', 'endless', 'drip', 'truncate', 'delay', 'body'];
	if (!spec || typeof spec !== 'object' || !modes.includes(spec.mode)) {
		usage(`${where}: fault spec needs "mode" in ${modes.join('|')}: ${JSON.stringify(spec)}`);
	}
	return spec;
}

function readJSON(file, what) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		usage(`${what} ${file}: ${e.message}`);
	}
	return null;
}

function addMount(prefix, dir, overrides = new Map()) {
	let st;
	try {
		st = fs.statSync(dir);
	} catch {
		usage(`no such directory: ${dir}`);
	}
	if (!st.isDirectory()) usage(`not a directory: ${dir}`);
	prefix = prefix.replace(/\/+$/, '');
	if (prefix !== '' && !/^\/[A-Za-z0-9._-]+$/.test(prefix)) usage(`bad mount prefix ${prefix}`);
	mounts.push({ prefix, dir: fs.realpathSync(dir), overrides });
}

const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const a = argv[i];
	const val = () => {
		if (i + 1 >= argv.length) usage(`${a} needs a value`);
		return argv[++i];
	};
	switch (a) {
		case '--dir': addMount('', val()); break;
		case '--cases': {
			const m = val();
			let names;
			try {
				names = fs.readdirSync(m).sort();
			} catch (e) {
				usage(`--cases ${m}: ${e.message}`);
			}
			for (const name of names) {
				const caseFile = path.join(m, name, 'case.json');
				if (!fs.existsSync(caseFile)) continue;
				const c = readJSON(caseFile, 'case file');
				const ov = new Map();
				for (const [p, spec] of Object.entries(c.serve || {})) ov.set(p, checkSpec(spec, caseFile));
				addMount(`/${name}`, path.join(m, name, 'repo'), ov);
			}
			break;
		}
		case '--mount': {
			const v = val();
			const eq = v.indexOf('=');
			if (eq < 1) usage(`--mount wants /PREFIX=DIR, got ${v}`);
			addMount(v.slice(0, eq), v.slice(eq + 1));
			break;
		}
		case '--override': {
			const v = val();
			const eq = v.indexOf('=');
			if (eq < 1 || v[0] !== '/') usage(`--override wants /PATH=JSON, got ${v}`);
			let spec;
			try {
				spec = JSON.parse(v.slice(eq + 1));
			} catch (e) {
				usage(`--override ${v}: ${e.message}`);
			}
			globalOverrides.set(v.slice(0, eq), checkSpec(spec, '--override'));
			break;
		}
		case '--overrides': {
			const f = val();
			for (const [p, spec] of Object.entries(readJSON(f, '--overrides') || {})) {
				globalOverrides.set(p, checkSpec(spec, f));
			}
			break;
		}
		case '--ready': opts.ready = val(); break;
		case '--port': opts.port = num(val(), a); break;
		case '--max-lifetime': opts.maxLifetime = num(val(), a); break;
		case '--max-requests': opts.maxRequests = num(val(), a); break;
		case '--max-file': opts.maxFile = num(val(), a); break;
		case '--tls-cert': opts.tlsCert = val(); break;
		case '--tls-key': opts.tlsKey = val(); break;
		case '--help': process.stdout.write(`usage: node serve.mjs ${USAGE}\n`); process.exit(0); break;
		default: usage(`unknown argument ${a}`);
	}
}
if (mounts.length === 0) usage('nothing to serve: give --dir, --cases or --mount');
if (!!opts.tlsCert !== !!opts.tlsKey) usage('--tls-cert and --tls-key go together');
if (opts.maxLifetime < 1 || opts.maxRequests < 1) usage('limits must be >= 1');
// Longest prefix first, so /a-b wins over /a; '' (the --dir mount) last.
mounts.sort((x, y) => y.prefix.length - x.prefix.length);

function log(line) {
	// Synchronous, so lines survive an exit right after.
	try {
		fs.writeSync(2, `tuf-serve: ${line}\n`);
	} catch {
		// stderr gone: nothing to do
	}
}

// Map a request path to {file, spec} or {error: status}.
function resolve(urlPath) {
	if (globalOverrides.has(urlPath)) {
		const r = locate(urlPath);
		return { ...r, spec: globalOverrides.get(urlPath) };
	}
	return locate(urlPath);
}

function locate(urlPath) {
	let decoded;
	try {
		decoded = decodeURIComponent(urlPath);
	} catch {
		return { error: 400 };
	}
	if (decoded.includes('\0') || decoded.includes('\\')) return { error: 400 };
	const segs = decoded.split('/').slice(1);
	if (segs.some((s) => s === '..' || s === '.')) return { error: 400 };
	for (const m of mounts) {
		let rel;
		if (m.prefix === '') rel = decoded;
		else if (decoded.startsWith(m.prefix + '/')) rel = decoded.slice(m.prefix.length);
		else continue;
		const file = path.join(m.dir, rel);
		if (file !== m.dir && !file.startsWith(m.dir + path.sep)) return { error: 400 };
		return { file, spec: m.overrides.get(rel) };
	}
	return { file: null };
}

let requestCount = 0;
let exiting = false;
const started = Date.now();
const inflight = new Set();
const sockets = new Set();

function shutdown(why) {
	if (exiting) return;
	exiting = true;
	for (const r of inflight) r.finishLog('aborted at exit');
	log(`exiting: ${why} (${requestCount} requests, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	for (const s of sockets) s.destroy();
	server.close();
	process.exit(0);
}

function contentType(file) {
	return file && file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

// Stat a file that must be a regular file within the size bound.
function statFile(file) {
	if (!file) return { status: 404 };
	let st;
	try {
		st = fs.statSync(file);
	} catch {
		return { status: 404 };
	}
	if (!st.isFile()) return { status: 404 };
	if (st.size > opts.maxFile) return { status: 500, note: `file over --max-file (${st.size} bytes)` };
	return { status: 200, size: st.size };
}

function sendStatus(res, status, body) {
	const b = Buffer.from(body ?? `${status} ${http.STATUS_CODES[status] || ''}\n`);
	res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': b.length });
	res.end(b);
	return b.length;
}

function sendFile(req, res, file, size) {
	res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': size });
	req.expected = size;
	const rs = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
	rs.on('data', (c) => {
		req.sent += c.length;
	});
	rs.on('error', () => res.destroy());
	rs.pipe(res);
}

// Write chunks produced by next() with back-pressure until it returns null or the client leaves.
function pump(req, res, next) {
	const step = () => {
		while (!res.destroyed) {
			const c = next();
			if (c === null) {
				res.end();
				return;
			}
			req.sent += c.length;
			if (!res.write(c)) {
				res.once('drain', step);
				return;
			}
		}
	};
	step();
}

function serveFault(req, res, r, spec) {
	const st = statFile(r.file);
	switch (spec.mode) {
		case 'status':
			req.sent += sendStatus(res, spec.status || 503, spec.body);
			return `status ${spec.status || 503}`;
		case 'body': {
			const b = spec.base64 !== undefined ? Buffer.from(spec.base64, 'base64') : Buffer.from(spec.text || '');
			res.writeHead(200, { 'Content-Type': contentType(r.file), 'Content-Length': b.length });
			res.end(b);
			req.sent += b.length;
			return 'body';
		}
		case 'endless': {
			const headers = { 'Content-Type': contentType(r.file) };
			if (spec.content_length !== undefined) headers['Content-Length'] = String(spec.content_length);
			res.writeHead(200, headers);
			const chunk = Buffer.alloc(Math.min(Math.max(spec.chunk || 16384, 1), 1 << 20), spec.fill || ' ');
			let first = spec.prefix !== undefined ? Buffer.from(spec.prefix) : null;
			pump(req, res, () => {
				if (first) {
					const f = first;
					first = null;
					return f;
				}
				return chunk;
			});
			return 'endless';
		}
		case 'drip':
		case 'truncate':
		case 'delay': {
			if (st.status !== 200) {
				req.sent += sendStatus(res, st.status);
				return `${spec.mode} (no file: ${st.status})`;
			}
			if (spec.mode === 'delay') {
				const t = setTimeout(() => sendFile(req, res, r.file, st.size), Math.max(0, spec.ms || 0));
				res.on('close', () => clearTimeout(t));
				return `delay ${spec.ms || 0} ms`;
			}
			const data = fs.readFileSync(r.file);
			res.writeHead(200, { 'Content-Type': contentType(r.file), 'Content-Length': data.length });
			if (spec.mode === 'truncate') {
				const n = Math.min(spec.bytes ?? Math.floor(data.length / 2), data.length);
				res.write(data.subarray(0, n), () => res.destroy());
				req.sent += n;
				return `truncate at ${n}`;
			}
			const step = Math.max(1, spec.bytes || 1);
			const every = Math.max(1, spec.interval_ms ?? 500);
			let off = 0;
			const timer = setInterval(() => {
				if (res.destroyed) return clearInterval(timer);
				const c = data.subarray(off, off + step);
				off += c.length;
				req.sent += c.length;
				res.write(c);
				if (off >= data.length) {
					clearInterval(timer);
					res.end();
				}
			}, every);
			res.on('close', () => clearInterval(timer));
			return `drip ${step} B/${every} ms`;
		}
		default:
			req.sent += sendStatus(res, 500);
			return 'bad spec';
	}
}

function handler(req, res) {
	requestCount++;
	const n = requestCount;
	const t0 = Date.now();
	const urlPath = (req.url || '/').split('?')[0];
	req.sent = 0;
	let note = '';
	let logged = false;
	const entry = {
		finishLog(extra) {
			if (logged) return;
			logged = true;
			inflight.delete(entry);
			const tail = [note, extra].filter(Boolean).join(' ');
			log(`#${n} ${req.method} ${urlPath} -> ${res.statusCode} ${req.sent} bytes${tail ? ' ' + tail : ''} (${Date.now() - t0} ms)`);
		},
	};
	inflight.add(entry);
	res.on('finish', () => entry.finishLog(''));
	// A client may hang up as soon as it has Content-Length bytes, before 'finish'.
	res.on('close', () => entry.finishLog(res.writableFinished || (req.expected !== undefined && req.sent >= req.expected)
		? '' : '(client closed)'));
	if (n >= opts.maxRequests) {
		res.on('close', () => shutdown(`request limit ${opts.maxRequests} reached`));
	}
	if (n > opts.maxRequests) {
		req.sent += sendStatus(res, 503, 'request limit reached\n');
		return;
	}
	if (req.method !== 'GET') {
		res.setHeader('Allow', 'GET');
		req.sent += sendStatus(res, 405);
		return;
	}
	const r = resolve(urlPath);
	if (r.error) {
		req.sent += sendStatus(res, r.error);
		return;
	}
	if (r.spec) {
		note = `[${serveFault(req, res, r, r.spec)}]`;
		return;
	}
	const st = statFile(r.file);
	if (st.status !== 200) {
		if (st.note) note = `[${st.note}]`;
		req.sent += sendStatus(res, st.status);
		return;
	}
	sendFile(req, res, r.file, st.size);
}

const server = opts.tlsCert
	? https.createServer({ cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) }, handler)
	: http.createServer(handler);
server.headersTimeout = 10000;
server.requestTimeout = 0; // endless and drip responses are bounded by the lifetime instead
server.keepAliveTimeout = 5000;
server.on('connection', (s) => {
	sockets.add(s);
	s.on('close', () => sockets.delete(s));
});
server.on('clientError', (err, s) => s.destroy());
setTimeout(() => shutdown(`lifetime ${opts.maxLifetime} s reached`), opts.maxLifetime * 1000).unref();
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => shutdown(sig));

server.listen(opts.port, '127.0.0.1', () => {
	const port = server.address().port;
	const scheme = opts.tlsCert ? 'https' : 'http';
	if (opts.ready) {
		const tmp = `${opts.ready}.tmp`;
		fs.writeFileSync(tmp, `${port}\n`);
		fs.renameSync(tmp, opts.ready);
	}
	log(`listening on ${scheme}://127.0.0.1:${port} (pid ${process.pid}, ${mounts.length} mounts, ` +
		`lifetime ${opts.maxLifetime} s, max ${opts.maxRequests} requests)`);
});
server.on('error', (e) => {
	log(`listen failed: ${e.message}`);
	process.exit(1);
});
