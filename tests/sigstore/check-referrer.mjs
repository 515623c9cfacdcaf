#!/usr/bin/env node
// check-referrer: the sigstore-js side check of cosign v3 image signatures in a registry — what
// picosign will write (cosign-v3.md §1), checked without picosign's code.
//
// For IMAGE@DIGEST in REPO:
//  1. subject: HEAD the image manifest; its Content-Type, Content-Length and Docker-Content-Digest
//     form the expected subject descriptor.
//  2. discovery: GET /v2/REPO/referrers/DIGEST; a 200 image index (Link rel="next" pages followed)
//     is the answer; a 404 or 400, or a 200 that is not an image index, sends it to the fallback tag
//     sha256-<hex> (an OCI image index whose digest is not the subject's; 404 = none); any other
//     status (429, 5xx, 401...) fails: no conclusion "no signatures" from an error.
//  3. each index entry with artifactType application/vnd.dev.sigstore.bundle.v0.3+json: fetch the
//     manifest by digest (digest, size, mediaType as the index says) and check its shape (§1.7):
//     schemaVersion 2, OCI manifest media type, config = the 2-byte empty descriptor
//     (sha256:44136f…), exactly one layer of the bundle media type without annotations, top-level
//     artifactType = the bundle type, subject = step 1, annotations dev.sigstore.bundle.content =
//     dsse-envelope, dev.sigstore.bundle.predicateType, org.opencontainers.image.created (RFC 3339
//     UTC). With --layout cosign (default) also exactly: config.artifactType = the bundle type, the
//     three annotations and no others, created in whole seconds, and the manifest bytes equal to
//     the compact Go encoding in cosign's field order; fallback index entries sorted by digest.
//     --layout oci accepts other writers' forms (e.g. @sigstore/oci). Index entries that carry
//     annotations must carry the manifest's (the referrers API must).
//  4. entries whose predicateType annotation differs from --predicate-type are counted apart; for
//     the others: fetch the layer (digest, size), parse the bundle (v0.3 media type, DSSE envelope,
//     payloadType application/vnd.in-toto+json), verify it with @sigstore/verify against the
//     trusted root and identity (tlog, timestamp and SCT thresholds), and check the statement:
//     _type in-toto Statement v1, exactly one subject whose only digest is sha256 = DIGEST,
//     predicateType as expected, --annotation pairs present in the subject's annotations.
//     Rekor v2 entries (hashedrekord 0.0.2 over the DSSE PAE, as sigstore-go writes them), which
//     @sigstore/verify 3.1.1 cannot match to a DSSE envelope, are verified by tlogv2.mjs (body
//     rebuilt from the bundle, inclusion proof, Ed25519 checkpoint) and count toward the tlog
//     threshold. RFC 3161 tokens whose genTime @sigstore/core 3.x cannot parse (fraction digits
//     other than three) are verified with `openssl ts -verify` against the trusted root's TSA
//     chain (imprint = SHA-256 of the signature, genTime inside the TSA's validFor), and their
//     genTime is then given to @sigstore/verify as a verified time, so the certificate is still
//     checked at it: never dropped.
//  5. the number of verified bundles of that predicate type must equal --expect (default 1). Every
//     bundle of that type must verify; with several --identity values (two signers) each bundle
//     must match one of them.
//
// usage: check-referrer.mjs --registry http://127.0.0.1:PORT --repo NAME --digest sha256:HEX
//          --trusted-root F --identity SAN [--identity SAN2]... --issuer URL [--predicate-type T] [--expect N]
//          [--layout cosign|oci] [--discovery auto|referrers|tag] [--username U --password P]
//          [--annotation k=v]... [--tlog-threshold N] [--timestamp-threshold N]
//          [--ctlog-threshold N] [--save-dir DIR] [--quiet]
// Prints "ok: <check>" lines, then "check-referrer: OK N bundle(s) ..." and exits 0; on the first
// failed check prints "check-referrer: FAIL <check>: <detail>" and exits 1; usage errors exit 2.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { npmRequire, describeError, die2 } from './npm.mjs';
import { Registry, MT, sha256d } from '../registry/oci_client.mjs';
import { verifyRekorV2Entry, expectedV2FromBundle } from './tlogv2.mjs';

const PROG = 'check-referrer.mjs';
const USAGE = '--registry URL --repo NAME --digest sha256:HEX --trusted-root F --identity SAN --issuer URL ' +
	'[--predicate-type T] [--expect N] [--layout cosign|oci] [--discovery auto|referrers|tag] [--username U --password P] ' +
	'[--annotation k=v]... [--tlog-threshold N] [--timestamp-threshold N] [--ctlog-threshold N] [--save-dir DIR] [--quiet]';
const FLAGS = { registry: 's', repo: 's', digest: 's', 'trusted-root': 's', identity: 'm', issuer: 's', 'predicate-type': 's',
	expect: 's', layout: 's', discovery: 's', username: 's', password: 's', annotation: 'm', 'tlog-threshold': 's',
	'timestamp-threshold': 's', 'ctlog-threshold': 's', 'save-dir': 's', quiet: 'b' };
const a = { annotation: [], identity: [] };
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
	for (const k of ['registry', 'repo', 'digest', 'trusted-root', 'issuer']) if (!a[k]) die2(PROG, `--${k} is required`, USAGE);
	if (a.identity.length === 0) die2(PROG, '--identity is required', USAGE);
	if (!/^sha256:[0-9a-f]{64}$/.test(a.digest)) die2(PROG, `--digest must be sha256:<64 hex>`, USAGE);
	a.layout ||= 'cosign';
	a.discovery ||= 'auto';
	if (!['cosign', 'oci'].includes(a.layout)) die2(PROG, '--layout must be cosign or oci', USAGE);
	if (!['auto', 'referrers', 'tag'].includes(a.discovery)) die2(PROG, '--discovery must be auto, referrers or tag', USAGE);
	for (const k of ['expect', 'tlog-threshold', 'timestamp-threshold', 'ctlog-threshold']) {
		if (a[k] !== undefined && !/^[0-9]{1,3}$/.test(a[k])) die2(PROG, `--${k} must be a small number`, USAGE);
	}
}
const EXPECT = a.expect === undefined ? 1 : Number(a.expect);
const PREDICATE_TYPE = a['predicate-type'] || 'https://sigstore.dev/cosign/sign/v1';
const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const BUNDLE_TYPES = [MT.BUNDLE, 'application/vnd.dev.sigstore.bundle+json;version=0.3'];
const INTOTO = 'application/vnd.in-toto+json';
const th = (k, d) => (a[k] === undefined ? d : Number(a[k]));

const out = (l) => process.stdout.write(`${l}\n`);
const ok = (l) => a.quiet || out(`ok: ${l}`);
class CheckFailure extends Error {
	constructor(check, detail) {
		super(detail);
		this.check = check;
	}
}
const fail = (check, detail) => {
	throw new CheckFailure(check, detail);
};
const need = (cond, check, detail) => cond || fail(check, detail);
const save = (name, data) => a['save-dir'] && fs.writeFileSync(path.join(a['save-dir'], name), data);

const { bundleFromJSON } = npmRequire('@sigstore/bundle');
const { TrustedRoot } = npmRequire('@sigstore/protobuf-specs');
const { toTrustMaterial, toSignedEntity, Verifier } = npmRequire('@sigstore/verify');
const { RFC3161Timestamp } = npmRequire('@sigstore/core');
const mockRequire = createRequire(npmRequire.resolve('@sigstore/mock'));
const asn1js = mockRequire('asn1js');
const pkijs = mockRequire('pkijs');

const goStr = (s) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const goMap = (m) => `{${Object.keys(m).sort().map((k) => `${goStr(k)}:${goStr(m[k])}`).join(',')}}`;
const sameJSON = (x, y) => JSON.stringify(sortKeys(x)) === JSON.stringify(sortKeys(y));
function sortKeys(v) {
	if (Array.isArray(v)) return v.map(sortKeys);
	if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
	return v;
}
function parseJSON(buf, check) {
	try {
		return JSON.parse(buf.toString('utf8'));
	} catch (e) {
		return fail(check, `not JSON: ${e.message}`);
	}
}

// cosign v3.1.2 manifest bytes (cosign-v3.md §1.7) for the parsed manifest's values.
function cosignBytes(m) {
	return `{"schemaVersion":2,"mediaType":${goStr(MT.MANIFEST)},`
		+ `"config":{"mediaType":${goStr(MT.EMPTY)},"size":2,"digest":${goStr(EMPTY_DIGEST)},"artifactType":${goStr(MT.BUNDLE)}},`
		+ `"layers":[{"mediaType":${goStr(MT.BUNDLE)},"size":${m.layers[0].size},"digest":${goStr(m.layers[0].digest)}}],`
		+ `"annotations":${goMap(m.annotations)},`
		+ `"subject":{"mediaType":${goStr(m.subject.mediaType)},"size":${m.subject.size},"digest":${goStr(m.subject.digest)}},`
		+ `"artifactType":${goStr(MT.BUNDLE)}}`;
}

function checkManifestShape(m, bytes, subject, where) {
	const c = (cond, what, detail) => need(cond, `manifest shape (${where})`, `${what}${detail ? `: ${detail}` : ''}`);
	c(m.schemaVersion === 2, 'schemaVersion is not 2', m.schemaVersion);
	c(m.mediaType === MT.MANIFEST, 'mediaType is not the OCI image manifest type', m.mediaType);
	c(m.config && m.config.mediaType === MT.EMPTY && m.config.size === 2 && m.config.digest === EMPTY_DIGEST,
		'config is not the empty descriptor (application/vnd.oci.empty.v1+json, 2 bytes, sha256:44136f…)', JSON.stringify(m.config));
	if (a.layout === 'cosign') c(m.config.artifactType === MT.BUNDLE, 'config.artifactType is not the bundle type (cosign sets it)', m.config.artifactType);
	else c(m.config.artifactType === undefined || m.config.artifactType === MT.BUNDLE, 'config.artifactType is neither absent nor the bundle type', m.config.artifactType);
	c(Array.isArray(m.layers) && m.layers.length === 1, 'not exactly one layer', JSON.stringify(m.layers?.length));
	const l = m.layers[0];
	c(l.mediaType === MT.BUNDLE, 'the layer media type is not application/vnd.dev.sigstore.bundle.v0.3+json', l.mediaType);
	c(/^sha256:[0-9a-f]{64}$/.test(l.digest) && Number.isInteger(l.size) && l.size > 0, 'the layer descriptor has no sha256 digest and size');
	c(l.annotations === undefined, 'the layer carries annotations (cosign puts them on the manifest)', JSON.stringify(l.annotations));
	c(m.artifactType === MT.BUNDLE, 'artifactType is not the bundle type', m.artifactType);
	c(m.subject && sameJSON(m.subject, subject), 'subject is not the image descriptor', `${JSON.stringify(m.subject)} vs ${JSON.stringify(subject)}`);
	const an = m.annotations || {};
	c(an['dev.sigstore.bundle.content'] === 'dsse-envelope', 'annotation dev.sigstore.bundle.content is not dsse-envelope', an['dev.sigstore.bundle.content']);
	c(typeof an['dev.sigstore.bundle.predicateType'] === 'string' && an['dev.sigstore.bundle.predicateType'] !== '', 'no dev.sigstore.bundle.predicateType annotation');
	const created = an['org.opencontainers.image.created'];
	if (a.layout === 'cosign') {
		c(typeof created === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(created) && !Number.isNaN(Date.parse(created)),
			'org.opencontainers.image.created is not RFC 3339 UTC in whole seconds', created);
		c(Object.keys(an).length === 3, 'annotations other than the three cosign writes', Object.keys(an).join(', '));
		c(bytes.toString('utf8') === cosignBytes(m), 'manifest bytes differ from cosign\'s compact Go encoding', `got ${bytes}`);
	} else {
		c(typeof created === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(created) && !Number.isNaN(Date.parse(created)),
			'org.opencontainers.image.created is not RFC 3339', created);
	}
}

// --- RFC 3161 tokens @sigstore/core cannot parse: openssl ts -verify against the trusted root ---
function tokenGenTime(der) {
	const asn = asn1js.fromBER(new Uint8Array(der));
	if (asn.offset === -1) throw new Error('timestamp is not DER');
	let ci;
	try {
		ci = new pkijs.TimeStampResp({ schema: asn.result }).timeStampToken;
	} catch {
		ci = new pkijs.ContentInfo({ schema: asn.result });
	}
	const sd = new pkijs.SignedData({ schema: ci.content });
	const info = asn1js.fromBER(sd.encapContentInfo.eContent.valueBlock.valueHexView);
	return new pkijs.TSTInfo({ schema: info.result }).genTime;
}

function opensslTsVerify(der, signature, tr, tmp) {
	const resp = path.join(tmp, 'ts.der');
	const data = path.join(tmp, 'sig.bin');
	fs.writeFileSync(resp, der);
	fs.writeFileSync(data, signature);
	const genTime = tokenGenTime(der);
	const errs = [];
	for (const [i, ta] of (tr.timestampAuthorities || []).entries()) {
		const certs = (ta.certChain?.certificates || []).map((c) => new crypto.X509Certificate(Buffer.from(c.rawBytes, 'base64')).toString());
		if (certs.length === 0) continue;
		const root = path.join(tmp, `ta${i}-root.pem`);
		const chain = path.join(tmp, `ta${i}-chain.pem`);
		fs.writeFileSync(root, certs[certs.length - 1]);
		fs.writeFileSync(chain, certs.slice(0, -1).join('') || certs[0]);
		for (const form of [['-in', resp], ['-token_in', '-in', resp]]) {
			const r = spawnSync('openssl', ['ts', '-verify', ...form, '-data', data, '-CAfile', root, '-untrusted', chain], { timeout: 10000, encoding: 'utf8' });
			const inFlag = form[0];
			if (r.status === 0 && /Verification: OK/.test(r.stdout)) {
				const start = ta.validFor?.start ? Date.parse(ta.validFor.start) : -Infinity;
				const end = ta.validFor?.end ? Date.parse(ta.validFor.end) : Infinity;
				if (!(genTime.getTime() >= start && genTime.getTime() <= end)) {
					errs.push(`genTime ${genTime.toISOString()} outside the TSA's validFor`);
					continue;
				}
				return genTime;
			}
			errs.push(`${inFlag}: ${(r.stdout + r.stderr).split('\n').filter((x) => /error|FAILED/.test(x)).join(' ').slice(0, 300) || `exit ${r.status}`}`);
		}
	}
	throw new Error(`openssl ts -verify failed against every trusted TSA: ${errs.join('; ')}`);
}

function verifyBundle(bundleJson, trJson, tmp, label) {
	const bj = structuredClone(bundleJson);
	const vm = bj.verificationMaterial || {};
	const notes = [];
	let extraTlogs = 0;
	const v2 = (vm.tlogEntries || []).filter((t) => t.kindVersion?.version === '0.0.2');
	if (v2.length > 0) {
		const expect = expectedV2FromBundle(bj);
		for (const t of v2) {
			try {
				const r = verifyRekorV2Entry(t, trJson, expect);
				notes.push(`Rekor v2 entry ${r.logIndex} (tree ${r.treeSize}) checked by tlogv2.mjs`);
			} catch (e) {
				fail(`rekor v2 entry (${label})`, e.message);
			}
		}
		extraTlogs = v2.length;
		vm.tlogEntries = vm.tlogEntries.filter((t) => t.kindVersion?.version !== '0.0.2');
	}
	const sig = Buffer.from(bj.dsseEnvelope.signatures[0].sig, 'base64');
	const extraTimes = [];
	const tss = vm.timestampVerificationData?.rfc3161Timestamps || [];
	const keep = [];
	for (const ts of tss) {
		const der = Buffer.from(ts.signedTimestamp, 'base64');
		try {
			void RFC3161Timestamp.parse(der).signingTime;
			keep.push(ts);
		} catch (e) {
			try {
				const t = opensslTsVerify(der, sig, trJson, tmp);
				extraTimes.push(t);
				notes.push(`timestamp ${t.toISOString()} verified with openssl ts (@sigstore/core: ${e.message})`);
			} catch (e2) {
				fail(`timestamp (${label})`, e2.message);
			}
		}
	}
	if (vm.timestampVerificationData) vm.timestampVerificationData.rfc3161Timestamps = keep;
	let signer;
	try {
		const bundle = bundleFromJSON(bj);
		const trust = toTrustMaterial(TrustedRoot.fromJSON(trJson));
		const entity = toSignedEntity(bundle);
		extraTimes.forEach((t, i) => entity.timestamps.push({
			$case: 'transparency-log',
			tlogEntry: { inclusionPromise: { signedEntryTimestamp: Buffer.alloc(0) }, integratedTime: String(Math.floor(t.getTime() / 1000)),
				logId: { keyId: Buffer.from(`openssl-ts-${i}`) } },
		}));
		const v = new Verifier(trust, {
			tlogThreshold: Math.max(0, th('tlog-threshold', 1) - extraTlogs),
			timestampThreshold: th('timestamp-threshold', 1),
			ctlogThreshold: th('ctlog-threshold', 1),
		});
		let firstErr;
		for (const id of a.identity) {
			try {
				signer = v.verify(entity, { subjectAlternativeName: id, extensions: { issuer: a.issuer } });
				break;
			} catch (e) {
				firstErr ||= e;
				if (e?.code !== 'UNTRUSTED_SIGNER_ERROR') break;
			}
		}
		if (!signer) throw firstErr;
	} catch (e) {
		fail(`sigstore-js verify (${label})`, describeError(e));
	}
	return { signer, notes };
}

function checkStatement(bj, label) {
	const env = bj.dsseEnvelope;
	need(env, `bundle (${label})`, 'no dsseEnvelope (cosign v3 signs an in-toto statement)');
	need(env.payloadType === INTOTO, `bundle (${label})`, `payloadType is ${env.payloadType}, want ${INTOTO}`);
	need(Array.isArray(env.signatures) && env.signatures.length === 1, `bundle (${label})`, 'the envelope does not have exactly one signature');
	const st = parseJSON(Buffer.from(env.payload, 'base64'), `statement (${label})`);
	const c = (cond, detail) => need(cond, `statement (${label})`, detail);
	c(st._type === 'https://in-toto.io/Statement/v1', `_type is ${st._type}`);
	c(Array.isArray(st.subject) && st.subject.length === 1, `${st.subject?.length} subjects, want exactly 1`);
	const dg = st.subject[0].digest || {};
	c(Object.keys(dg).length === 1 && dg.sha256 === a.digest.slice(7), `subject digest ${JSON.stringify(dg)} is not {sha256: ${a.digest.slice(7)}}`);
	c(st.predicateType === PREDICATE_TYPE, `predicateType ${st.predicateType}, want ${PREDICATE_TYPE}`);
	for (const kv of a.annotation) {
		const i = kv.indexOf('=');
		const k = kv.slice(0, i);
		c(st.subject[0].annotations?.[k] === kv.slice(i + 1), `subject annotation ${k} is ${JSON.stringify(st.subject[0].annotations?.[k])}, want ${JSON.stringify(kv.slice(i + 1))}`);
	}
	return st;
}

async function main() {
	const trJson = JSON.parse(fs.readFileSync(a['trusted-root'], 'utf8'));
	if (a['save-dir']) fs.mkdirSync(a['save-dir'], { recursive: true });
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-referrer-'));
	try {
		const reg = new Registry(a.registry, a.repo, a.username ? { username: a.username, password: a.password } : undefined);
		// 1. subject
		const head = await reg.headManifest(a.digest);
		need(head.status === 200, 'subject', `HEAD ${a.repo}@${a.digest} answered ${head.status}`);
		const subject = { mediaType: head.headers.get('content-type'), size: Number(head.headers.get('content-length')), digest: head.headers.get('docker-content-digest') };
		need(subject.digest === a.digest && subject.mediaType && subject.size > 0, 'subject', `incomplete descriptor from HEAD: ${JSON.stringify(subject)}`);
		ok(`subject ${subject.mediaType} ${subject.size} bytes`);
		// 2. discovery
		let entries = null;
		let via;
		if (a.discovery !== 'tag') {
			const pages = await reg.referrers(a.digest);
			const p0 = pages[0];
			const isIndex = (p) => p.status === 200 && p.contentType.split(';')[0].trim() === MT.INDEX;
			if (isIndex(p0)) {
				entries = [];
				pages.forEach((p, i) => {
					need(isIndex(p), 'referrers API', `page ${i + 1} answered ${p.status} ${p.contentType}`);
					const idx = parseJSON(p.body, 'referrers API');
					need(idx.schemaVersion === 2 && Array.isArray(idx.manifests), 'referrers API', `page ${i + 1} is not an image index`);
					need(idx.mediaType === undefined || idx.mediaType === MT.INDEX, 'referrers API', `page ${i + 1} mediaType ${idx.mediaType}`);
					entries.push(...idx.manifests);
				});
				via = `referrers API (${pages.length} page${pages.length > 1 ? 's' : ''})`;
			} else if (p0.status === 404 || p0.status === 400 || p0.status === 200) {
				need(a.discovery === 'auto', 'discovery', `the referrers API answered ${p0.status} ${p0.contentType} (--discovery referrers)`);
			} else {
				fail('discovery', `the referrers API answered ${p0.status} ${p0.body.toString('utf8').slice(0, 200).trim()}: cannot tell whether signatures exist`);
			}
		}
		if (entries === null) {
			const tag = a.digest.replace(':', '-');
			const r = await reg.getManifest(tag, MT.INDEX);
			via = `fallback tag ${tag}`;
			if (r.status === 404) {
				entries = [];
			} else {
				need(r.status === 200, 'fallback tag', `GET ${tag} answered ${r.status}`);
				need(sha256d(r.body) !== a.digest, 'fallback tag', `${tag} resolves to the subject itself (a registry mapping the tag to the digest)`);
				const idx = parseJSON(r.body, 'fallback tag');
				need(idx.schemaVersion === 2 && idx.mediaType === MT.INDEX && Array.isArray(idx.manifests), 'fallback tag', `${tag} is not an OCI image index (mediaType ${idx.mediaType})`);
				need((r.headers.get('content-type') || '').split(';')[0].trim() === MT.INDEX, 'fallback tag', `Content-Type ${r.headers.get('content-type')}`);
				if (a.layout === 'cosign') {
					const ds = idx.manifests.map((m) => m.digest);
					need(ds.every((d, i) => i === 0 || ds[i - 1] < d), 'fallback tag', 'index entries are not sorted by digest (ggcr sorts them)');
				}
				entries = idx.manifests;
			}
		}
		ok(`discovery via ${via}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
		// 3 + 4
		let verified = 0;
		let otherPredicates = 0;
		let otherTypes = 0;
		for (const [i, d] of entries.entries()) {
			const label = `entry ${i + 1} ${d.digest}`;
			if (d.artifactType !== MT.BUNDLE) {
				otherTypes++;
				continue;
			}
			need(/^sha256:[0-9a-f]{64}$/.test(d.digest || ''), `index entry (${label})`, 'no sha256 digest');
			const mr = await reg.getManifest(d.digest, MT.MANIFEST);
			need(mr.status === 200, `manifest (${label})`, `GET answered ${mr.status}`);
			need(sha256d(mr.body) === d.digest, `manifest (${label})`, `content digest ${sha256d(mr.body)} differs`);
			need(d.size === mr.body.length, `index entry (${label})`, `size ${d.size} but the manifest has ${mr.body.length} bytes`);
			const m = parseJSON(mr.body, `manifest (${label})`);
			need(d.mediaType === m.mediaType, `index entry (${label})`, `mediaType ${d.mediaType} vs the manifest's ${m.mediaType}`);
			checkManifestShape(m, mr.body, subject, label);
			if (d.annotations !== undefined || via.startsWith('referrers')) {
				need(sameJSON(d.annotations || {}, m.annotations || {}), `index entry (${label})`, `annotations ${JSON.stringify(d.annotations)} differ from the manifest's`);
			}
			save(`manifest-${i + 1}.json`, mr.body);
			if (m.annotations['dev.sigstore.bundle.predicateType'] !== PREDICATE_TYPE) {
				otherPredicates++;
				ok(`${label}: predicate type ${m.annotations['dev.sigstore.bundle.predicateType']} (not counted)`);
				continue;
			}
			const lr = await reg.getBlob(m.layers[0].digest);
			need(lr.status === 200, `bundle blob (${label})`, `GET answered ${lr.status}`);
			need(sha256d(lr.body) === m.layers[0].digest && lr.body.length === m.layers[0].size, `bundle blob (${label})`, 'digest or size differs from the layer descriptor');
			save(`bundle-${i + 1}.json`, lr.body);
			const bj = parseJSON(lr.body, `bundle (${label})`);
			need(BUNDLE_TYPES.includes(bj.mediaType), `bundle (${label})`, `mediaType ${bj.mediaType} is not a v0.3 bundle`);
			checkStatement(bj, label);
			const { signer, notes } = verifyBundle(bj, trJson, tmp, label);
			const kinds = (bj.verificationMaterial.tlogEntries || []).map((t) => `${t.kindVersion?.kind} ${t.kindVersion?.version}`).join(', ');
			const nts = bj.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length || 0;
			ok(`${label}: verified (san ${signer.identity?.subjectAlternativeName}, tlog ${kinds || 'none'}, ${nts} RFC 3161 timestamp${nts === 1 ? '' : 's'})`);
			notes.forEach((n) => ok(`${label}: ${n}`));
			verified++;
		}
		need(verified === EXPECT, 'count', `expected ${EXPECT} verified bundle(s) of ${PREDICATE_TYPE}, found ${verified}` +
			`${otherPredicates ? ` (+${otherPredicates} of other predicate types)` : ''}${otherTypes ? ` (+${otherTypes} non-bundle entries)` : ''}`);
		out(`check-referrer: OK ${verified} bundle(s) of ${PREDICATE_TYPE} via ${via} (layout ${a.layout})`);
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

main().catch((e) => {
	if (e instanceof CheckFailure) out(`check-referrer: FAIL ${e.check}: ${e.message}`);
	else out(`check-referrer: FAIL error: ${describeError(e)}`);
	process.exit(1);
});
