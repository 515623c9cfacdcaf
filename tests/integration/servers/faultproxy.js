// faultproxy: a reverse proxy for tests/integration/retry.sh that forwards every request to an
// upstream on 127.0.0.1 (a docker-registry, the Sigstore peer) and injects faults on the
// requests that match its rules: an HTTP status (429 with Retry-After, 503, 500 forever), a
// connection reset in the middle of the answer's body, a slow drip, an answer lost after the
// upstream acted on the request, a reset before anything is forwarded. No dependencies.
// Bounded: listens on 127.0.0.1 only, exits after LIFETIME seconds or MAX_REQUESTS requests.
//
// Usage: node faultproxy.js READY_FILE LOG_FILE LIFETIME_SECONDS MAX_REQUESTS UPSTREAM_PORT
// READY_FILE receives the bound port once listen() succeeded. LOG_FILE gets one line per
// proxied request: "METHOD PATH fault=NAME status=N" (PATH without its query).
//
// Rules: PUT /__faults with {"rules":[{"method":"GET","path":"REGEX","fault":"status",
// "status":503,"retry_after":"1","times":2}, ...]} replaces them (answer 204). A request takes
// the first rule whose method (optional) and path regex (against the path without query)
// match and whose `times` is not used up (-1: forever). Faults:
//   status       answer `status` (+ Retry-After when given) without forwarding
//   reset_body   forward, then send the upstream's head and half its body, and reset
//   drip         forward, then send the upstream's answer one byte every `interval_ms` (200)
//   lost_answer  forward (the upstream acts on it), then reset without answering
//   reset        reset at once, forwarding nothing
//   reply        answer `status` with `body` (a JSON string) without forwarding: a stand-in
//                endpoint (a CI token service)
// The Host header is passed through, so a registry's upload Location points back here.
// With FAULTPROXY_LOG_CONNECTIONS=1 in its environment, LOG_FILE also gets "CONNECT N" for each
// TCP connection accepted (N counts from 1), so a test can count connections next to requests.
'use strict';
const http = require('http');
const fs = require('fs');

const [readyFile, logFile, lifetime, maxRequests, upstreamPort] = process.argv.slice(2);
let requests = 0;
let rules = [];
const sockets = new Set();

function log(line) {
	fs.appendFileSync(logFile, line + '\n');
}

function finish() {
	for (const s of sockets) s.destroy();
	process.exit(0);
}
setTimeout(finish, Number(lifetime) * 1000).unref();

function pick(method, path) {
	for (const r of rules) {
		if (r.times === 0) continue;
		if (r.method && r.method !== method) continue;
		if (r.path && !new RegExp(r.path).test(path)) continue;
		if (r.times > 0) r.times--;
		return r;
	}
	return null;
}

// Forward the request and hand the whole upstream answer to done(status, headers, body).
function forward(req, body, done) {
	const up = http.request({
		host: '127.0.0.1', port: Number(upstreamPort), method: req.method, path: req.url,
		headers: req.headers,
	}, (res) => {
		const chunks = [];
		res.on('data', (c) => chunks.push(c));
		res.on('end', () => done(res.statusCode, res.rawHeaders, Buffer.concat(chunks)));
	});
	up.on('error', () => req.socket.destroy());
	up.end(body);
}

function head(status, rawHeaders, len) {
	let h = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Unknown'}\r\n`;
	for (let i = 0; i < rawHeaders.length; i += 2) {
		const k = rawHeaders[i].toLowerCase();
		if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection') continue;
		h += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
	}
	return h + `Content-Length: ${len}\r\n\r\n`;
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks);
		const path = req.url.split('?')[0];
		if (path === '/__faults' && req.method === 'PUT') {
			rules = JSON.parse(body.toString()).rules || [];
			res.writeHead(204);
			res.end();
			return;
		}
		if (++requests > Number(maxRequests)) { finish(); return; }
		const r = pick(req.method, path);
		const fault = r ? r.fault : 'pass';
		const sock = req.socket;
		const note = (st) => log(`${req.method} ${path} fault=${fault} status=${st}`);
		if (fault === 'status') {
			const h = { 'Content-Type': 'text/plain', 'Content-Length': '14' };
			if (r.retry_after !== undefined) h['Retry-After'] = String(r.retry_after);
			note(r.status);
			res.writeHead(r.status, h);
			res.end('injected fault');
			return;
		}
		if (fault === 'reset') { note(0); sock.destroy(); return; }
		if (fault === 'reply') {
			note(r.status);
			res.writeHead(r.status, { 'Content-Type': 'application/json' });
			res.end(r.body || '');
			return;
		}
		forward(req, body, (status, raw, ub) => {
			note(status);
			if (fault === 'lost_answer') { sock.destroy(); return; }
			const bytes = Buffer.concat([Buffer.from(head(status, raw, ub.length), 'latin1'), ub]);
			if (fault === 'reset_body') {
				const cut = bytes.length - Math.ceil(ub.length / 2);
				sock.write(bytes.subarray(0, cut), () => sock.destroy());
				return;
			}
			if (fault === 'drip') {
				let i = 0;
				const t = setInterval(() => {
					if (sock.destroyed || i >= bytes.length) { clearInterval(t); return; }
					sock.write(bytes.subarray(i, i + 1));
					i++;
				}, r.interval_ms || 200);
				return;
			}
			// Pass through, keeping the connection usable for the next request.
			const keep = [];
			for (let i = 0; i < raw.length; i += 2) {
				const k = raw[i].toLowerCase();
				if (k === 'transfer-encoding' || k === 'connection' ||
					(k === 'content-length' && req.method !== 'HEAD')) continue;
				keep.push(raw[i], raw[i + 1]);
			}
			if (req.method !== 'HEAD') keep.push('Content-Length', String(ub.length));
			res.writeHead(status, keep);
			res.end(req.method === 'HEAD' ? undefined : ub);
		});
	});
});
let connections = 0;
server.on('connection', (s) => {
	if (process.env.FAULTPROXY_LOG_CONNECTIONS === '1') log(`CONNECT ${++connections}`);
	sockets.add(s);
	s.on('close', () => sockets.delete(s));
	s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
	const port = server.address().port;
	fs.writeFileSync(readyFile + '.tmp', String(port));
	fs.renameSync(readyFile + '.tmp', readyFile);
});
