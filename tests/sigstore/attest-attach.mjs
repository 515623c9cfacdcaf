#!/usr/bin/env node
// attest-attach: an independent writer of cosign-v3-style image signatures, to prove
// check-referrer.mjs (and to give picosign's verifier referrers it did not write itself).
//
// Signs an in-toto Statement v1 about IMAGE@DIGEST with sigstore-js `attest()` against the local
// Sigstore peer (keyless: Fulcio certificate, DSSE envelope, Rekor v1 `dsse` 0.0.1 entry, RFC 3161
// timestamp; bundle v0.3). With --tlog v2 it logs to the peer's Rekor v2 log instead, the way
// sigstore-go >= 1.2.0 (cosign >= 3.1.0) does: hashedrekord 0.0.2 with digest = SHA-256 of the DSSE
// PAE and the DSSE signature (a custom @sigstore/sign witness; sigstore-js itself would send the
// dsseRequestV002 that rekor-tiles refuses); --tlog none logs nowhere (TSA only). Then it attaches
// the bundle to the image as an OCI 1.1 referrer:
//   --layout oci     (default) with @sigstore/oci 0.6.0 attachArtifactToImage: its own manifest form
//                    (top-level artifactType, config = empty descriptor without artifactType, the two
//                    dev.sigstore.bundle.* annotations given here plus its own created timestamp with
//                    milliseconds); it maintains the fallback tag sha256-<hex> itself when the
//                    registry has no referrers API. Basic-auth registries need --username/--password
//                    (testing.md §10); an open registry works without them.
//   --layout cosign  the byte-exact manifest of cosign v3.1.2 (cosign-v3.md §1.7: compact Go JSON,
//                    config.artifactType, three manifest annotations, created in whole seconds), PUT
//                    by digest; then, as ggcr v0.21.7 does (§1.8): GET referrers -> 200 stop, 404/400
//                    -> update the fallback index sha256-<hex> (entries without annotations, sorted by
//                    digest; --fallback-annotations copies them as ggcr v0.22.1 does), else fail.
// The statement (cosign-v3.md §1.2): {"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":
// {"sha256":"<hex>"},"annotations":{<-a pairs>}}],"predicateType":T,"predicate":<--predicate or {}>}.
//
// usage: attest-attach.mjs --registry http://127.0.0.1:PORT --repo NAME --digest sha256:HEX
//          (--token JWT | --token-file F) --sigstore-url BASE [--tsa URL | --no-tsa]
//          [--predicate-type T] [--predicate FILE] [--annotation k=v]... [--username U --password P]
//          [--layout oci|cosign] [--fallback-annotations] [--tlog v1|v2|none] [--rekor2-url URL]
//          [--bundle-out F] [--timeout MS]
// Prints the referrer manifest digest on stdout (one line, sha256:...); exit 0. Exit 1 with
// "<ErrorClass> <code>: <message>" on stderr; 2 on usage errors.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { npmRequire, describeError, die2, shimPromiseRetry } from './npm.mjs';
import { Registry, MT, sha256d } from '../registry/oci_client.mjs';

const PROG = 'attest-attach.mjs';
const USAGE = '--registry URL --repo NAME --digest sha256:HEX (--token JWT | --token-file F) --sigstore-url BASE ' +
	'[--tsa URL | --no-tsa] [--predicate-type T] [--predicate FILE] [--annotation k=v]... [--username U --password P] ' +
	'[--layout oci|cosign] [--fallback-annotations] [--tlog v1|v2|none] [--rekor2-url URL] [--bundle-out F] [--timeout MS]';
const FLAGS = { registry: 's', repo: 's', digest: 's', token: 's', 'token-file': 's', 'sigstore-url': 's', tsa: 's', 'no-tsa': 'b',
	'predicate-type': 's', predicate: 's', annotation: 'm', username: 's', password: 's', layout: 's', 'fallback-annotations': 'b',
	'bundle-out': 's', timeout: 's', tlog: 's', 'rekor2-url': 's' };
const a = { annotation: [] };
{
	const argv = process.argv.slice(2);
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
		if (name === 'help') {
			process.stdout.write(`usage: ${PROG} ${USAGE}\n`);
			process.exit(0);
		}
		if (!name || !(name in FLAGS)) die2(PROG, `unknown argument ${argv[i]}`, USAGE);
		if (FLAGS[name] === 'b') { a[name] = true; continue; }
		if (i + 1 >= argv.length) die2(PROG, `${argv[i]} needs a value`, USAGE);
		if (FLAGS[name] === 'm') a[name].push(argv[++i]);
		else a[name] = argv[++i];
	}
	if (!a.registry || !a.repo || !a.digest || !(a.token || a['token-file']) || !a['sigstore-url']) die2(PROG, 'missing a required flag', USAGE);
	if (!/^sha256:[0-9a-f]{64}$/.test(a.digest)) die2(PROG, `--digest must be sha256:<64 hex>, got ${a.digest}`, USAGE);
	if (a.layout && !['oci', 'cosign'].includes(a.layout)) die2(PROG, `--layout must be oci or cosign`, USAGE);
	if (!!a.username !== !!a.password) die2(PROG, '--username and --password go together', USAGE);
	if (a.tlog && !['v1', 'v2', 'none'].includes(a.tlog)) die2(PROG, '--tlog must be v1, v2 or none', USAGE);
}
const sigstore = npmRequire('sigstore');
shimPromiseRetry();
const oci = npmRequire('@sigstore/oci');
const PREDICATE_TYPE = a['predicate-type'] || 'https://sigstore.dev/cosign/sign/v1';

// Go encoding/json string escaping (what cosign's manifest bytes use): HTML-unsafe <, >, & and
// U+2028/2029 escaped as \u00XX, otherwise as JSON.stringify.
const goStr = (s) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const goMap = (m) => `{${Object.keys(m).sort().map((k) => `${goStr(k)}:${goStr(m[k])}`).join(',')}}`;

async function pushCosignLayout(bundleBytes) {
	const creds = a.username ? { username: a.username, password: a.password } : undefined;
	const reg = new Registry(a.registry, a.repo, creds);
	const head = await reg.headManifest(a.digest);
	if (head.status !== 200) throw new Error(`HEAD ${a.repo}@${a.digest} answered ${head.status}`);
	const subject = { mediaType: head.headers.get('content-type'), size: Number(head.headers.get('content-length')), digest: head.headers.get('docker-content-digest') };
	if (subject.digest !== a.digest || !subject.mediaType || !subject.size) throw new Error(`HEAD gave an incomplete descriptor ${JSON.stringify(subject)}`);
	const empty = await reg.pushBlob(Buffer.from('{}'));
	const layer = await reg.pushBlob(bundleBytes);
	const created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	const ann = { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': PREDICATE_TYPE, 'org.opencontainers.image.created': created };
	const bytes = Buffer.from(`{"schemaVersion":2,"mediaType":${goStr(MT.MANIFEST)},`
		+ `"config":{"mediaType":${goStr(MT.EMPTY)},"size":2,"digest":${goStr(empty.digest)},"artifactType":${goStr(MT.BUNDLE)}},`
		+ `"layers":[{"mediaType":${goStr(MT.BUNDLE)},"size":${layer.size},"digest":${goStr(layer.digest)}}],`
		+ `"annotations":${goMap(ann)},`
		+ `"subject":{"mediaType":${goStr(subject.mediaType)},"size":${subject.size},"digest":${goStr(subject.digest)}},`
		+ `"artifactType":${goStr(MT.BUNDLE)}}`);
	const digest = sha256d(bytes);
	const put = await reg.putManifest(digest, bytes, MT.MANIFEST);
	if (![200, 201, 202].includes(put.status)) throw new Error(`manifest PUT answered ${put.status}: ${put.body}`);
	const probe = await reg.request('GET', `/v2/${a.repo}/referrers/${a.digest}`, { headers: { Accept: MT.INDEX } });
	if (probe.status === 200) return digest;
	if (probe.status !== 404 && probe.status !== 400) throw new Error(`referrers probe answered ${probe.status}`);
	const tag = a.digest.replace(':', '-');
	const cur = await reg.getManifest(tag, MT.INDEX);
	let index;
	if (cur.status === 404) {
		index = { schemaVersion: 2, mediaType: MT.INDEX, manifests: [] };
	} else if (cur.status === 200) {
		index = JSON.parse(cur.body.toString('utf8'));
		if (index.schemaVersion !== 2 || index.mediaType !== MT.INDEX) throw new Error(`fallback tag manifest is not an OCI image index: ${index.mediaType}`);
	} else {
		throw new Error(`GET fallback tag ${tag} answered ${cur.status}`);
	}
	if (index.manifests.some((m) => m.digest === digest)) return digest;
	const entry = { mediaType: MT.MANIFEST, size: bytes.length, digest };
	if (a['fallback-annotations']) entry.annotations = ann;
	entry.artifactType = MT.BUNDLE;
	index.manifests.push(entry);
	index.manifests.sort((x, y) => (x.digest < y.digest ? -1 : x.digest > y.digest ? 1 : 0));
	// ggcr field order: schemaVersion, mediaType, manifests[{mediaType, size, digest, annotations, artifactType}]
	const desc = (m) => `{"mediaType":${goStr(m.mediaType)},"size":${m.size},"digest":${goStr(m.digest)}`
		+ `${m.annotations ? `,"annotations":${goMap(m.annotations)}` : ''}${m.artifactType ? `,"artifactType":${goStr(m.artifactType)}` : ''}}`;
	const ib = Buffer.from(`{"schemaVersion":2,"mediaType":${goStr(MT.INDEX)},"manifests":[${index.manifests.map(desc).join(',')}]}`);
	const ip = await reg.putManifest(tag, ib, MT.INDEX);
	if (![200, 201, 202].includes(ip.status)) throw new Error(`fallback index PUT answered ${ip.status}: ${ip.body}`);
	return digest;
}

// A @sigstore/sign witness logging a DSSE envelope to a Rekor v2 log as sigstore-go >= 1.2.0 does
// (cosign-v3.md §1.5, §3.4): hashedRekordRequestV002 {digest: SHA-256(PAE), signature: {content:
// the DSSE signature, verifier: {x509Certificate: leaf DER, keyDetails}}}.
class RekorV2DsseWitness {
	constructor(url, timeout) {
		this.url = url.replace(/\/$/, '');
		this.timeout = timeout;
	}

	async testify(content, publicKey) {
		const { TransparencyLogEntry } = npmRequire('@sigstore/protobuf-specs');
		const env = content.dsseEnvelope;
		const t = Buffer.from(env.payloadType, 'utf8');
		const pae = Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${env.payload.length} `), env.payload]);
		const der = Buffer.from(publicKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
		const body = { hashedRekordRequestV002: {
			digest: crypto.createHash('sha256').update(pae).digest('base64'),
			signature: { content: Buffer.from(env.signatures[0].sig).toString('base64'),
				verifier: { x509Certificate: { rawBytes: der.toString('base64') }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' } },
		} };
		const r = await fetch(`${this.url}/api/v2/log/entries`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeout) });
		const text = await r.text();
		if (r.status !== 201) throw new Error(`Rekor v2 answered ${r.status}: ${text.slice(0, 300)}`);
		return { tlogEntries: [TransparencyLogEntry.fromJSON(JSON.parse(text))] };
	}
}

async function sign(payload, base, token, timeout) {
	const tsaURL = a['no-tsa'] ? undefined : (a.tsa || base);
	if (!a.tlog || a.tlog === 'v1') {
		return sigstore.attest(payload, 'application/vnd.in-toto+json', {
			fulcioURL: base, rekorURL: base, tsaServerURL: tsaURL, identityToken: token, tlogUpload: true, timeout, retry: 0,
		});
	}
	const { DSSEBundleBuilder, FulcioSigner, TSAWitness } = npmRequire('@sigstore/sign');
	const { bundleToJSON } = npmRequire('@sigstore/bundle');
	const witnesses = [];
	if (a.tlog === 'v2') witnesses.push(new RekorV2DsseWitness(a['rekor2-url'] || base, timeout));
	if (tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: tsaURL, timeout, retry: 0 }));
	const builder = new DSSEBundleBuilder({
		signer: new FulcioSigner({ fulcioBaseURL: base, identityProvider: { getToken: async () => token }, timeout, retry: 0 }),
		witnesses,
	});
	return bundleToJSON(await builder.create({ data: payload, type: 'application/vnd.in-toto+json' }));
}

try {
	const token = (a.token || fs.readFileSync(a['token-file'], 'utf8')).trim();
	const ann = {};
	for (const kv of a.annotation) {
		const i = kv.indexOf('=');
		if (i <= 0) throw new Error(`--annotation ${kv}: want key=value`);
		ann[kv.slice(0, i)] = kv.slice(i + 1);
	}
	const predicate = a.predicate ? JSON.parse(fs.readFileSync(a.predicate, 'utf8')) : {};
	const statement = {
		_type: 'https://in-toto.io/Statement/v1',
		subject: [{ digest: { sha256: a.digest.slice('sha256:'.length) }, annotations: ann }],
		predicateType: PREDICATE_TYPE,
		predicate,
	};
	const base = a['sigstore-url'].replace(/\/$/, '');
	const bundle = await sign(Buffer.from(JSON.stringify(statement)), base, token, Number(a.timeout || 10000));
	const bytes = Buffer.from(JSON.stringify(bundle));
	if (a['bundle-out']) fs.writeFileSync(a['bundle-out'], bytes);
	let digest;
	if (a.layout === 'cosign') {
		digest = await pushCosignLayout(bytes);
	} else {
		const host = new URL(a.registry).host;
		const desc = await oci.attachArtifactToImage({
			imageName: `${host}/${a.repo}`,
			imageDigest: a.digest,
			artifact: bytes,
			mediaType: MT.BUNDLE,
			annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': PREDICATE_TYPE },
			credentials: a.username ? { username: a.username, password: a.password } : undefined,
			fetchOpts: { timeout: Number(a.timeout || 10000), retry: 0 },
		});
		digest = desc.digest;
	}
	process.stdout.write(`${digest}\n`);
} catch (e) {
	process.stderr.write(`attest-attach: ${describeError(e)}\n`);
	process.exit(1);
}
