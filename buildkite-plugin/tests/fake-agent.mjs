#!/usr/bin/env node
// A loopback stand-in for the Buildkite agent API's OIDC endpoint (protocol.md §9.1), for the
// plugin's tests: POST /v3/jobs/<job>/oidc/tokens with "Authorization: Token <access token>"
// and {"audience":"sigstore"} answers {"token": <JWT>}, the JWT minted by the local Sigstore
// peer's test issuer (POST <mint-url>?preset=buildkite) with this fake's organization and
// pipeline slugs and the job id. GET /download/picosign serves --serve-file (the plugin's
// download-url tests). No dependencies; 127.0.0.1 only; exits after --max-lifetime seconds or
// --max-requests requests; writes <state-dir>/ready (the port) after listen(); logs one line
// per request to stderr and never a token.
//
// node fake-agent.mjs --state-dir D --mint-url URL --access-token-file F --organization ORG
//      --pipeline PIPE [--serve-file F] [--max-lifetime 300] [--max-requests 500]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const opts = { maxLifetime: 300, maxRequests: 500 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
	const k = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
	if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
	opts[k] = /^max/.test(k) ? Number(argv[i + 1]) : argv[i + 1];
}
for (const k of ['stateDir', 'mintUrl', 'accessTokenFile', 'organization', 'pipeline']) {
	if (!opts[k]) throw new Error(`--${k} is required`);
}
const access = fs.readFileSync(opts.accessTokenFile, 'utf8').trim();
const log = (l) => process.stderr.write(`fake-agent: ${l}\n`);
let requests = 0;

function reply(res, status, body, type = 'application/json') {
	res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

async function mint(job) {
	const claims = { organization_slug: opts.organization, pipeline_slug: opts.pipeline, job_id: job };
	const r = await fetch(`${opts.mintUrl}?preset=buildkite`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(claims),
		signal: AbortSignal.timeout(5000),
	});
	if (r.status !== 200) throw new Error(`mint answered ${r.status}`);
	return (await r.text()).trim();
}

const server = http.createServer((req, res) => {
	if (++requests > opts.maxRequests) {
		reply(res, 503, '{"message":"request limit"}');
		server.close();
		return;
	}
	const chunks = [];
	let size = 0;
	req.on('data', (c) => {
		size += c.length;
		if (size <= 65536) chunks.push(c);
	});
	req.on('end', async () => {
		const url = new URL(req.url, 'http://127.0.0.1');
		const m = /^\/v3\/jobs\/([A-Za-z0-9-]+)\/oidc\/tokens$/.exec(url.pathname);
		try {
			if (req.method === 'POST' && m) {
				if (req.headers.authorization !== `Token ${access}`) {
					log(`${req.method} ${url.pathname} -> 401 (wrong or missing access token)`);
					return reply(res, 401, '{"message":"Unauthorized"}');
				}
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
				if (body.audience !== 'sigstore') {
					log(`${req.method} ${url.pathname} -> 422 (audience ${JSON.stringify(body.audience)})`);
					return reply(res, 422, '{"message":"audience must be sigstore"}');
				}
				const token = await mint(m[1]);
				log(`${req.method} ${url.pathname} -> 200 (token for ${opts.organization}/${opts.pipeline})`);
				return reply(res, 200, JSON.stringify({ token }));
			}
			if (req.method === 'GET' && url.pathname === '/download/picosign' && opts.serveFile) {
				const data = fs.readFileSync(opts.serveFile);
				log(`GET ${url.pathname} -> 200 (${data.length} bytes)`);
				return reply(res, 200, data, 'application/octet-stream');
			}
			log(`${req.method} ${url.pathname} -> 404`);
			return reply(res, 404, '{"message":"Not Found"}');
		} catch (e) {
			log(`${req.method} ${url.pathname} -> 500 (${e.message})`);
			return reply(res, 500, '{"message":"internal error"}');
		}
	});
});
server.listen(0, '127.0.0.1', () => {
	const port = server.address().port;
	fs.writeFileSync(path.join(opts.stateDir, 'ready.tmp'), `${port}\n`);
	fs.renameSync(path.join(opts.stateDir, 'ready.tmp'), path.join(opts.stateDir, 'ready'));
	log(`listening on 127.0.0.1:${port}`);
});
setTimeout(() => {
	log('lifetime over');
	process.exit(0);
}, opts.maxLifetime * 1000).unref();
