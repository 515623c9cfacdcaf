// A small OCI distribution client for the test scripts (check-referrer.mjs, attest-attach.mjs):
// plain fetch, every call with a deadline, anonymous, Basic (htpasswd) or Bearer-token auth from
// the registry's WWW-Authenticate challenge (credentials optional), bounded pagination.
import crypto from 'node:crypto';

export const MT = {
	INDEX: 'application/vnd.oci.image.index.v1+json',
	MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
	EMPTY: 'application/vnd.oci.empty.v1+json',
	BUNDLE: 'application/vnd.dev.sigstore.bundle.v0.3+json',
	DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
	DOCKER_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
};
export const ALL_MANIFESTS = [MT.INDEX, MT.MANIFEST, MT.DOCKER_MANIFEST, MT.DOCKER_LIST].join(', ');
export const sha256d = (b) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

function parseChallenge(h) {
	const m = /^(\w+)\s*(.*)$/.exec(h || '');
	if (!m) return null;
	const params = {};
	for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
	return { scheme: m[1].toLowerCase(), params };
}

export class Registry {
	// base: http://127.0.0.1:PORT; creds: {username, password} or undefined
	constructor(base, repo, creds, { timeoutMs = 10000 } = {}) {
		this.base = base.replace(/\/$/, '');
		this.repo = repo;
		this.creds = creds;
		this.auth = null; // Authorization header value once known
		this.timeoutMs = timeoutMs;
	}

	async raw(method, url, headers, body) {
		const h = { ...headers };
		if (this.auth) h.Authorization = this.auth;
		const r = await fetch(url, { method, headers: h, body, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
		const buf = Buffer.from(await r.arrayBuffer());
		return { status: r.status, headers: r.headers, body: buf, url };
	}

	// One request with at most one auth round trip.
	async request(method, path, { headers = {}, body } = {}) {
		const url = path.startsWith('http') ? path : `${this.base}${path}`;
		let r = await this.raw(method, url, headers, body);
		if (r.status === 401 && !this.triedAuth) {
			this.triedAuth = true;
			const ch = parseChallenge(r.headers.get('www-authenticate'));
			const basic = this.creds ? Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64') : null;
			if (ch?.scheme === 'basic' && basic) {
				this.auth = `Basic ${basic}`;
			} else if (ch?.scheme === 'bearer' && ch.params.realm) {
				const u = new URL(ch.params.realm);
				if (ch.params.service) u.searchParams.set('service', ch.params.service);
				u.searchParams.set('scope', ch.params.scope || `repository:${this.repo}:pull,push`);
				const tr = await fetch(u, { headers: basic ? { Authorization: `Basic ${basic}` } : {}, signal: AbortSignal.timeout(this.timeoutMs) });
				if (tr.status !== 200) throw new Error(`token endpoint answered ${tr.status}`);
				const tj = await tr.json();
				this.auth = `Bearer ${tj.token || tj.access_token}`;
			} else {
				return r;
			}
			r = await this.raw(method, url, headers, body);
		}
		return r;
	}

	async headManifest(ref) {
		return this.request('HEAD', `/v2/${this.repo}/manifests/${ref}`, { headers: { Accept: ALL_MANIFESTS } });
	}

	async getManifest(ref, accept = ALL_MANIFESTS) {
		return this.request('GET', `/v2/${this.repo}/manifests/${ref}`, { headers: { Accept: accept } });
	}

	async getBlob(digest) {
		return this.request('GET', `/v2/${this.repo}/blobs/${digest}`);
	}

	async pushBlob(buf) {
		const digest = sha256d(buf);
		const head = await this.request('HEAD', `/v2/${this.repo}/blobs/${digest}`);
		if (head.status === 200) return { digest, size: buf.length };
		const start = await this.request('POST', `/v2/${this.repo}/blobs/uploads/`);
		if (start.status !== 202) throw new Error(`blob upload start answered ${start.status}: ${start.body}`);
		const loc = new URL(start.headers.get('location'), this.base);
		loc.searchParams.set('digest', digest);
		const put = await this.request('PUT', loc.toString(), { headers: { 'Content-Type': 'application/octet-stream' }, body: buf });
		if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${put.body}`);
		return { digest, size: buf.length };
	}

	async putManifest(ref, bytes, contentType) {
		return this.request('PUT', `/v2/${this.repo}/manifests/${ref}`, { headers: { 'Content-Type': contentType }, body: bytes });
	}

	// GET /v2/<repo>/referrers/<digest>: {status, contentType, pages: [{body, headers}], index (merged)}
	// Follows Link rel="next" (at most maxPages pages) while every page is a 200 image index.
	async referrers(digest, { artifactType, maxPages = 50 } = {}) {
		let path = `/v2/${this.repo}/referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`;
		const pages = [];
		for (let i = 0; i < maxPages && path; i++) {
			const r = await this.request('GET', path, { headers: { Accept: MT.INDEX } });
			const ct = r.headers.get('content-type') || '';
			pages.push({ status: r.status, contentType: ct, headers: r.headers, body: r.body });
			if (r.status !== 200 || ct.split(';')[0].trim() !== MT.INDEX) break;
			const link = r.headers.get('link');
			const m = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
			path = m ? new URL(m[1], `${this.base}${path}`).toString() : null;
			if (path && i === maxPages - 1) throw new Error(`referrers pagination did not end within ${maxPages} pages`);
		}
		return pages;
	}
}
