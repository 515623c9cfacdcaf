// token_server: a tiny Docker registry token server for tests (testing.md §3.6), no npm deps.
//
//   node token_server.js KEY.pem CERT.pem READY_FILE LOG_FILE [LIFETIME_S] [MAX_REQUESTS]
//
// Listens on 127.0.0.1 (port 0; the port is written to READY_FILE) and answers
//   GET  /token?service=..&scope=..[&scope=..]   (Basic auth optional)
//   POST /token  (form: grant_type=password&username&password | grant_type=refresh_token&
//                refresh_token, plus service and scope, space-separated scopes)
// with {"token","access_token","expires_in":300,"issued_at"}: an ES256 JWT naming its key by x5c,
// signed with KEY.pem, issuer "test-token-issuer", audience = the service.
// Users: testuser/testpass (every requested action); refresh token "test-refresh-token" (the
// same user); anonymous callers get "pull" only. Wrong credentials: 401.
// Each request appends one line to LOG_FILE: "<method> user=<name|-> scopes=<a b ..>".
// Exits after LIFETIME_S seconds (default 300) or MAX_REQUESTS requests (default 500).
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [keyPath, certPath, readyFile, logFile] = process.argv.slice(2, 6);
const lifetime = Number(process.argv[6] || 300);
const maxRequests = Number(process.argv[7] || 500);
const key = crypto.createPrivateKey(fs.readFileSync(keyPath));
const certPem = fs.readFileSync(certPath, 'utf8');
const certDer = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/=+$/, '')
	.replace(/\+/g, '-').replace(/\//g, '_');

function jwt(sub, service, access) {
	const now = Math.floor(Date.now() / 1000);
	const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
	const claims = {
		iss: 'test-token-issuer', sub, aud: service, exp: now + 300, nbf: now - 10, iat: now,
		jti: crypto.randomBytes(8).toString('hex'), access,
	};
	const input = b64url(JSON.stringify(header)) + '.' + b64url(JSON.stringify(claims));
	const sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
	return input + '.' + b64url(sig);
}

function grant(user, scopes) {
	const access = [];
	for (const s of scopes) {
		const m = /^repository:([^:]+):(.+)$/.exec(s);
		if (!m) continue;
		let actions = m[2].split(',');
		if (!user) actions = actions.filter((a) => a === 'pull');
		access.push({ type: 'repository', name: m[1], actions });
	}
	return access;
}

let served = 0;
const server = http.createServer((req, res) => {
	served++;
	let body = '';
	req.on('data', (c) => { body += c; if (body.length > 65536) req.destroy(); });
	req.on('end', () => {
		const u = new URL(req.url, 'http://x');
		let user = null;
		let bad = false;
		let scopes = u.searchParams.getAll('scope');
		let service = u.searchParams.get('service') || '';
		const auth = req.headers.authorization || '';
		if (auth.startsWith('Basic ')) {
			const [n, p] = Buffer.from(auth.slice(6), 'base64').toString().split(/:(.*)/s);
			if (n === 'testuser' && p === 'testpass') user = n; else bad = true;
		}
		if (req.method === 'POST') {
			const f = new URLSearchParams(body);
			service = f.get('service') || service;
			scopes = (f.get('scope') || '').split(' ').filter((x) => x);
			if (f.get('grant_type') === 'refresh_token') {
				if (f.get('refresh_token') === 'test-refresh-token') user = 'testuser'; else bad = true;
			} else if (f.get('grant_type') === 'password') {
				if (f.get('username') === 'testuser' && f.get('password') === 'testpass') user = 'testuser';
				else bad = true;
			}
		}
		fs.appendFileSync(logFile, `${req.method} user=${user || (bad ? 'BAD' : '-')} scopes=${scopes.join(' ')}\n`);
		if (u.pathname !== '/token') { res.writeHead(404); res.end('not found'); return; }
		if (bad) {
			res.writeHead(401, { 'Content-Type': 'application/json' });
			res.end('{"details":"invalid credentials"}');
			return;
		}
		const token = jwt(user || '', service, grant(user, scopes));
		const reply = { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() };
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(reply));
		if (served >= maxRequests) server.close();
	});
});
server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(readyFile, String(server.address().port));
});
setTimeout(() => process.exit(0), lifetime * 1000).unref();
