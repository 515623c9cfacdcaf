// misbehave: a small HTTP/1.1 server for tests/integration/transport.sh that answers each path
// with a specific fault (truncation, bad chunks, endless headers, slow drip, huge lengths,
// redirect loops, cross-host redirects, 5xx), and acts as a forward proxy (CONNECT and
// absolute-form GET). No dependencies. Bounded: listens on 127.0.0.1 only, exits after
// LIFETIME seconds or MAX_REQUESTS requests, whichever comes first.
//
// Usage: node misbehave.js READY_FILE LOG_FILE LIFETIME_SECONDS MAX_REQUESTS
// READY_FILE receives the bound port once listen() succeeded. LOG_FILE gets one line per
// request: "conn=N METHOD TARGET auth=yes|no host=HOST".
'use strict';
const net = require('net');
const fs = require('fs');

const [readyFile, logFile, lifetime, maxRequests] = process.argv.slice(2);
let requests = 0;
let connId = 0;
const sockets = new Set();
let port = 0;

function log(line) {
	fs.appendFileSync(logFile, line + '\n');
}

function finish() {
	for (const s of sockets) s.destroy();
	process.exit(0);
}
setTimeout(finish, Number(lifetime) * 1000).unref();

function send(sock, status, headers, body) {
	let head = `HTTP/1.1 ${status}\r\n`;
	for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
	sock.write(head + '\r\n');
	if (body) sock.write(body);
}

function handle(sock, id, method, target, hdrs) {
	const auth = hdrs.authorization !== undefined ? 'yes' : 'no';
	log(`conn=${id} ${method} ${target} auth=${auth} host=${hdrs.host || ''}`);
	if (method === 'CONNECT') {
		const [h, p] = target.split(':');
		if (h !== '127.0.0.1' && h !== 'localhost') {
			send(sock, '403 Forbidden', [['Content-Length', '0']]);
			return;
		}
		const up = net.connect(Number(p), '127.0.0.1', () => {
			sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
			sock.pipe(up);
			up.pipe(sock);
		});
		up.on('error', () => sock.destroy());
		sock.on('error', () => up.destroy());
		return 'tunnel';
	}
	if (target.startsWith('http://')) {
		const b = `via proxy: ${target}\n`;
		send(sock, '200 OK', [['Content-Length', String(b.length)]], b);
		return;
	}
	const path = target.split('?')[0];
	switch (path) {
	case '/ok': {
		const b = 'hello from misbehave\n';
		send(sock, '200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(b.length)]], b);
		return;
	}
	case '/chunked':
		send(sock, '200 OK', [['Transfer-Encoding', 'chunked'], ['Trailer', 'X-Checksum']],
			'5;ext=1\r\nhello\r\n7\r\n chunks\r\n0\r\nX-Checksum: abc\r\n\r\n');
		return;
	case '/close':
		sock.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread until close\n');
		return 'closed';
	case '/truncated':
		sock.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(50));
		return 'closed';
	case '/truncated-chunked':
		sock.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part');
		return 'closed';
	case '/badchunk':
		send(sock, '200 OK', [['Transfer-Encoding', 'chunked']], 'zz\r\nnot hex\r\n0\r\n\r\n');
		return;
	case '/hugechunk':
		send(sock, '200 OK', [['Transfer-Encoding', 'chunked']], 'fffffffffffffff\r\n' + 'y'.repeat(1000));
		return;
	case '/bare-lf':
		sock.write('HTTP/1.1 200 OK\nContent-Length: 0\n\n');
		return;
	case '/both':
		send(sock, '200 OK', [['Content-Length', '5'], ['Transfer-Encoding', 'chunked']], '5\r\nhello\r\n0\r\n\r\n');
		return;
	case '/endless-headers': {
		sock.write('HTTP/1.1 200 OK\r\n');
		let n = 0;
		const t = setInterval(() => {
			if (sock.destroyed || n++ > 200) { clearInterval(t); sock.destroy(); return; }
			sock.write(`X-Filler-${n}: ${'f'.repeat(1000)}\r\n`);
		}, 5);
		return 'busy';
	}
	case '/stall':
		return 'busy'; // say nothing; the client's timeout must fire
	case '/drip': {
		// One byte every 200 ms: each read makes progress, only the request deadline can stop it.
		const msg = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + 'd'.repeat(1000);
		let i = 0;
		const t = setInterval(() => {
			if (sock.destroyed || i >= msg.length) { clearInterval(t); return; }
			sock.write(msg[i++]);
		}, 200);
		return 'busy';
	}
	case '/huge':
		send(sock, '200 OK', [['Content-Length', '1000000000000000']], 'z'.repeat(100));
		return;
	case '/loop':
		send(sock, '302 Found', [['Location', '/loop'], ['Content-Length', '0']]);
		return;
	case '/redirect-same':
		send(sock, '302 Found', [['Location', '/echo'], ['Content-Length', '0']]);
		return;
	case '/redirect-cross':
		// 127.0.0.1 -> localhost: another origin, so Authorization must not follow.
		send(sock, '307 Temporary Redirect', [['Location', `http://localhost:${port}/echo`], ['Content-Length', '0']]);
		return;
	case '/echo': {
		const b = `auth=${auth}\n`;
		send(sock, '200 OK', [['Content-Length', String(b.length)]], b);
		return;
	}
	case '/500': {
		const b = 'internal error\n';
		send(sock, '500 Internal Server Error', [['Content-Length', String(b.length)]], b);
		return;
	}
	case '/503':
		send(sock, '503 Service Unavailable', [['Retry-After', '1'], ['Content-Length', '0']]);
		return;
	default:
		send(sock, '404 Not Found', [['Content-Length', '0']]);
	}
}

const server = net.createServer((sock) => {
	const id = ++connId;
	sockets.add(sock);
	sock.on('close', () => sockets.delete(sock));
	sock.on('error', () => {});
	let buf = Buffer.alloc(0);
	let mode = 'http';
	sock.on('data', (chunk) => {
		if (mode !== 'http') return;
		buf = Buffer.concat([buf, chunk]);
		if (buf.length > 65536) { sock.destroy(); return; }
		for (;;) {
			const end = buf.indexOf('\r\n\r\n');
			if (end < 0) return;
			const head = buf.subarray(0, end).toString('latin1');
			const lines = head.split('\r\n');
			const [method, target] = lines[0].split(' ');
			const hdrs = {};
			for (const l of lines.slice(1)) {
				const c = l.indexOf(':');
				if (c > 0) hdrs[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
			}
			const clen = Number(hdrs['content-length'] || 0);
			if (buf.length < end + 4 + clen) return;
			buf = buf.subarray(end + 4 + clen);
			if (++requests > Number(maxRequests)) { finish(); return; }
			const r = handle(sock, id, method, target, hdrs);
			if (r === 'tunnel') {
				mode = 'tunnel';
				if (buf.length) sock.unshift(buf);
				return;
			}
			if (r) { mode = r; return; }
		}
	});
});
server.listen(0, '127.0.0.1', () => {
	port = server.address().port;
	fs.writeFileSync(readyFile + '.tmp', String(port));
	fs.renameSync(readyFile + '.tmp', readyFile);
});
