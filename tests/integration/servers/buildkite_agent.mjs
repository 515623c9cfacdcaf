// buildkite_agent: the Buildkite agent's OIDC token endpoint, for tests that sign with
// `--oidc-provider buildkite-agent` (protocol.md §9.1): POST /v3/jobs/<job>/oidc/tokens with
// "Authorization: Token <access token>" and {"audience": "sigstore"} answers {"token": JWT},
// the JWT minted by the local Sigstore peer's issuer (POST <peer>/mint?preset=buildkite).
// Anything else is 401 or 404. No dependencies. Bounded: 127.0.0.1 only, exits after LIFETIME
// seconds or 100 requests.
//
// Usage: node buildkite_agent.mjs READY_FILE LOG_FILE LIFETIME_SECONDS PEER_URL ACCESS_TOKEN
// READY_FILE receives the port once listening; LOG_FILE one line per request.
import fs from 'node:fs';
import http from 'node:http';

const [readyFile, logFile, lifetime, peer, access] = process.argv.slice(2);
let requests = 0;
setTimeout(() => process.exit(0), Number(lifetime) * 1000).unref();

const server = http.createServer((req, res) => {
	let body = '';
	req.on('data', (c) => { body += c; });
	req.on('end', async () => {
		requests++;
		const m = /^\/v3\/jobs\/([^/]+)\/oidc\/tokens$/.exec(req.url || '');
		fs.appendFileSync(logFile, `${req.method} ${req.url} auth=${req.headers.authorization === `Token ${access}` ? 'ok' : 'bad'}\n`);
		const send = (status, obj) => {
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(obj));
			if (requests >= 100) process.exit(0);
		};
		if (req.method !== 'POST' || !m) return send(404, { message: 'not found' });
		if (req.headers.authorization !== `Token ${access}`) return send(401, { message: 'bad token' });
		let audience;
		try { audience = JSON.parse(body).audience; } catch { return send(400, { message: 'bad body' }); }
		if (audience !== 'sigstore') return send(400, { message: 'audience must be sigstore' });
		try {
			const r = await fetch(`${peer}/mint?preset=buildkite`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
			send(200, { token: (await r.text()).trim() });
		} catch (e) {
			send(500, { message: String(e) });
		}
	});
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(readyFile, String(server.address().port)));
