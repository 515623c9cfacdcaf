#!/usr/bin/env node
// gen-repos.mjs: writes, at test time, picosign's TUF attack matrix: small TUF repositories
// shaped like Sigstore's public-good one, one directory per case. Nothing it writes is committed.
//
// Usage: node gen-repos.mjs --out DIR [--trusted-root FILE] [--signing-config FILE] [--list]
//   --out DIR             where the matrix goes (created; must be empty or absent)
//   --trusted-root FILE   bytes of the `trusted_root.json` target (default: a small synthetic one;
//                         tuf_peer.sh passes the public-good one from ../shared/vectors, read in
//                         place)
//   --signing-config FILE bytes of the `signing_config.v0.2.json` target (same)
//   --list                print the case names with their verdicts and exit (writes nothing)
//
// Shape of every repository (the "good" world, which the cases vary):
//   * ECDSA P-256 keys, scheme `ecdsa-sha2-nistp256`, signatures hex of DER over the canonical
//     JSON of `signed` (@tufjs/canonical-json; the same bytes @tufjs/models signs and verifies).
//     Keys come in the three forms public-good roots used: keytype `ecdsa` + PEM (root v9+;
//     here the root/targets keyholder keys, with `x-tuf-on-ci-keyowner`), keytype
//     `ecdsa-sha2-nistp256` + PEM (v5-v8; here the timestamp key) and keytype
//     `ecdsa-sha2-nistp256` + hex of the uncompressed point (v1-v4; here the snapshot key).
//     Key ids are sha256 of the canonical key object.
//   * root: root and targets roles 2 of 3 keyholder keys; timestamp and snapshot 1 of 1 (two
//     different online keys, where public-good uses one for both). consistent_snapshot true,
//     spec_version "1.0", unknown fields (`x-tuf-on-ci-*`, and one with raw UTF-8, a quote and a
//     backslash that canonical JSON must keep raw / escape). Root v1 carries an empty
//     `"sig": ""` entry as public-good roots do. The mirror serves 1.root.json and 2.root.json.
//   * timestamp v10 -> snapshot v5 -> targets v3, metadata meta with `version` only (as
//     public-good); snapshot also lists the delegated role `registry.npmjs.org` v2 and a stale
//     `staging.json` entry with hashes that no role uses (public-good has such entries).
//   * targets: `trusted_root.json`, `signing_config.v0.2.json` (top level) and
//     `registry.npmjs.org/keys.json` (delegated, terminating, paths `registry.npmjs.org/*`).
//   * expiries relative to the real clock: root +365 d, targets +180 d, snapshot +30 d,
//     timestamp +7 d; "expired" means 1 day ago.
//   * files pretty-printed with one-space indent and no final newline, as tuf-on-ci writes them.
//
// Output:
//   DIR/index.json   {generated_at, cases: [{name, expect, role, check}]}
//   DIR/<case>/case.json
//     name, expect ("accept"|"refuse"), role (root|timestamp|snapshot|targets|target: whose
//     check must fail; "none" for accept cases), check (keyword: rollback, expired, threshold,
//     version, length, hash, signature, mix-and-match, type, spec-version, format, unavailable,
//     slow-retrieval, missing, fast-forward, ...), spec (TUF 1.0.34 section), description;
//     tufjs {verdict, why} only where tuf-js 5.0.1 is known to differ from `expect`;
//     tufjs_error: a regular expression tuf-js 5.0.1's error matches when it refuses (pins the
//     reason, so a case cannot pass by failing somewhere else);
//     serve {PATH: fault spec} for serve.mjs (PATH relative to the case);
//     slow, client_timeout_s (the case lasts as long as the client's deadline: use this short one);
//     trusted_files (what trusted/ holds), trusted_root_sha256 (for --root-checksum);
//     for accept cases: final {root, timestamp, snapshot, targets} versions after the refresh
//     and targets {NAME: {length, sha256, file: "expected/NAME"}};
//     fetched / not_fetched: paths (relative to the case) a correct client requests / must not;
//     duplicate_key {file, role}: where the threshold-distinct-key cases list one key twice.
//   DIR/<case>/trusted/   root.json, and where the case needs it the cached timestamp.json,
//                         snapshot.json, targets.json (unversioned names, as a client stores them)
//   DIR/<case>/repo/      what the mirror serves (CDN layout: N.root.json, timestamp.json,
//                         V.snapshot.json, V.targets.json, V.registry.npmjs.org.json,
//                         targets/<sha256>.<name>)
//   DIR/<case>/expected/  target bytes a client must end up with (accept cases)
// See docs/test-peers.md, "TUF repositories".

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { npmRequire, parseArgs } from '../sigstore/npm.mjs';

const PROG = 'gen-repos.mjs';
const args = parseArgs(PROG, { out: 'string', 'trusted-root': 'string', 'signing-config': 'string', list: 'bool' },
	'--out DIR [--trusted-root FILE] [--signing-config FILE] [--list]');

const { Metadata, Root, Timestamp, Snapshot, Targets, Signature } = npmRequire('@tufjs/models');
const { canonicalize } = npmRequire('@tufjs/canonical-json');

// ---------------------------------------------------------------------------------------------
// Time, hashing, serialisation

const NOW = Date.now();
const DAY = 86400 * 1000;
const iso = (days) => new Date(NOW + days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const sha512 = (b) => crypto.createHash('sha512').update(b).digest('hex');
// Keys sorted at every level, one-space indent, no final newline: as tuf-on-ci writes metadata.
const sortKeys = (v) => (Array.isArray(v) ? v.map(sortKeys)
	: v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
const ser = (env) => Buffer.from(JSON.stringify(sortKeys(env), null, 1));

// ---------------------------------------------------------------------------------------------
// Keys. A "ref" is one listing of a key in metadata: {key, form, id, json}. The same key listed in
// two forms has two key ids (public-good roots 9-10 did exactly that).

function genKey(name, owner) {
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
	const der = publicKey.export({ type: 'spki', format: 'der' });
	return { name, owner, priv: privateKey, pem, hex: der.subarray(der.length - 65).toString('hex'), refs: {} };
}

const KEYRING = new Map(); // key id -> ref

function ref(key, form = key.defaultForm) {
	if (key.refs[form]) return key.refs[form];
	let json;
	switch (form) {
		case 'ecdsa-pem': // root v9+
			json = { keytype: 'ecdsa', keyval: { public: key.pem }, scheme: 'ecdsa-sha2-nistp256' };
			if (key.owner) json['x-tuf-on-ci-keyowner'] = key.owner;
			else json['x-tuf-on-ci-online-uri'] = `gcpkms:projects/picosign-test/keys/${key.name}`;
			break;
		case 'nistp256-pem': // root v5-v8
			json = { keyid_hash_algorithms: ['sha256', 'sha512'], keytype: 'ecdsa-sha2-nistp256',
				keyval: { public: key.pem }, scheme: 'ecdsa-sha2-nistp256' };
			break;
		case 'nistp256-hex': // root v1-v4
			json = { keyid_hash_algorithms: ['sha256', 'sha512'], keytype: 'ecdsa-sha2-nistp256',
				keyval: { public: key.hex }, scheme: 'ecdsa-sha2-nistp256' };
			break;
		default:
			throw new Error(`unknown key form ${form}`);
	}
	const r = { key, form, json, id: sha256(Buffer.from(canonicalize(json))) };
	key.refs[form] = r;
	KEYRING.set(r.id, r);
	return r;
}

function mk(name, owner, form) {
	const k = genKey(name, owner);
	k.defaultForm = form;
	return k;
}
const K = {
	R1: mk('R1', '@alice', 'ecdsa-pem'), R2: mk('R2', '@bob', 'ecdsa-pem'), R3: mk('R3', '@carol', 'ecdsa-pem'),
	R4: mk('R4', '@dave', 'ecdsa-pem'), R5: mk('R5', '@erin', 'ecdsa-pem'), R6: mk('R6', '@frank', 'ecdsa-pem'),
	T1: mk('timestamp-1', null, 'nistp256-pem'), T2: mk('timestamp-2', null, 'nistp256-pem'),
	S1: mk('snapshot-1', null, 'nistp256-hex'), S2: mk('snapshot-2', null, 'nistp256-hex'),
	N1: mk('npm-delegate', null, 'ecdsa-pem'),
	X: mk('attacker', '@mallory', 'ecdsa-pem'),
};

// ---------------------------------------------------------------------------------------------
// Signing. A signer is a ref (sign normally) or {ref, with?: key (sign with another key under
// ref's id), sig?: (hex, der) => string (rewrite the signature), payload?: 'pretty' (sign
// non-canonical JSON), p1363?: true (raw r||s instead of DER), empty?: true ("sig": "")}.

const CLASSES = { root: Root, timestamp: Timestamp, snapshot: Snapshot, targets: Targets };

function ecdsaSign(priv, bytes, enc = 'der') {
	return crypto.sign('sha256', bytes, { key: priv, dsaEncoding: enc });
}

function envelope(kind, signed, signers) {
	const canon = Buffer.from(canonicalize(signed));
	// Through @tufjs/models when the object parses and round-trips to the same canonical bytes
	// (every well-formed case); raw canonical JSON otherwise (bad spec_version, wrong _type).
	let md = null;
	try {
		const parsed = new Metadata(CLASSES[kind].fromJSON(structuredClone(signed)));
		if (Buffer.from(canonicalize(parsed.signed.toJSON())).equals(canon)) md = parsed;
	} catch {
		md = null;
	}
	if (!md && kind === signed._type && signed.spec_version === '1.0') {
		throw new Error(`${kind} metadata does not round-trip through @tufjs/models`);
	}
	const sigs = [];
	for (const s of signers) {
		const o = s.key ? { ref: s } : s; // bare ref
		const id = o.ref.id;
		if (o.empty) {
			sigs.push({ keyid: id, sig: '' });
			continue;
		}
		if (md && !o.with && !o.sig && !o.payload && !o.p1363) {
			md.sign((bytes) => new Signature({ keyID: id, sig: ecdsaSign(o.ref.key.priv, bytes).toString('hex') }));
			sigs.push({ keyid: id, sig: md.signatures[id].sig });
			continue;
		}
		const payload = o.payload === 'pretty' ? Buffer.from(JSON.stringify(signed, null, 2)) : canon;
		const der = ecdsaSign((o.with || o.ref.key).priv, payload, o.p1363 ? 'ieee-p1363' : 'der');
		sigs.push({ keyid: id, sig: o.sig ? o.sig(der.toString('hex'), der) : der.toString('hex') });
	}
	return { signatures: sigs, signed };
}

// ---------------------------------------------------------------------------------------------
// Metadata builders (plain JSON in the wire shape; envelope() runs them through the models).

const baseRoles = () => ({
	root: { refs: [ref(K.R1), ref(K.R2), ref(K.R3)], threshold: 2 },
	snapshot: { refs: [ref(K.S1)], threshold: 1, extra: { 'x-tuf-on-ci-expiry-period': 3650, 'x-tuf-on-ci-signing-period': 365 } },
	targets: { refs: [ref(K.R1), ref(K.R2), ref(K.R3)], threshold: 2 },
	timestamp: { refs: [ref(K.T1)], threshold: 1, extra: { 'x-tuf-on-ci-expiry-period': 7, 'x-tuf-on-ci-signing-period': 6 } },
});

function rootSigned({ version, expires = iso(365), roles = baseRoles(), extra = {} }) {
	const keys = {};
	const r = {};
	for (const [name, role] of Object.entries(roles)) {
		for (const x of role.refs) keys[x.id] = structuredClone(x.json);
		r[name] = { keyids: role.refs.map((x) => x.id), threshold: role.threshold, ...(role.extra || {}) };
	}
	return {
		_type: 'root', consistent_snapshot: true, expires, keys, roles: r, spec_version: '1.0', version,
		'x-tuf-on-ci-expiry-period': 197, 'x-tuf-on-ci-signing-period': 46,
		'x-picosign-test-note': 'canonical JSON keeps UTF-8 raw (ü, ✓) and escapes only \\ and "',
		...extra,
	};
}

function metaEntry(bytes, version, mode) {
	const e = { version };
	if (mode === 'length' || mode === 'both') e.length = bytes.length;
	if (mode === 'hashes' || mode === 'both') e.hashes = { sha256: sha256(bytes), sha512: sha512(bytes) };
	return e;
}

// ---------------------------------------------------------------------------------------------
// A world: one consistent repository state built from parameters (all optional):
//   roots:  [{version, roles, expires, extra, signers, servedAs}]  (default v1 and v2)
//   ts:     {version, expires, snapMeta ('version'|'length'|'hashes'|'both'), snapVersion, signers, mutate}
//   snap:   {version, expires, targetsMeta, targetsVersion, npmVersion, dropNpm, signers, mutate}
//   targets:{version, expires, omit: [names], signers, mutate}
//   npm:    {version}
//   signWith: index into roots of the root whose role keys sign the top-level metadata (default last)
// Returns {roots: [{version, servedAs, bytes}], files: {repo path: Buffer}, trustedRoot, ts, snap,
// targets (Buffers), versions, targetFiles}.

let TRUSTED_ROOT_BYTES;
let SIGNING_CONFIG_BYTES;
const NPM_KEYS_BYTES = Buffer.from(JSON.stringify({
	keys: [{ keyId: 'SHA256:picosign-test-npm', keyUsage: 'npm:signatures', publicKey: { rawBytes: 'MFkw...', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '1999-01-01T00:00:00.000Z' } } }],
}, null, 2));

function defaultRootSigners(prev, own) {
	const seen = new Set();
	const out = [];
	for (const x of [...(prev ? prev.roles.root.refs : []), ...own.roles.root.refs]) {
		if (!seen.has(x.id)) {
			seen.add(x.id);
			out.push(x);
		}
	}
	return out;
}

function world(p = {}) {
	const rootSpecs = (p.roots || [{ version: 1 }, { version: 2 }]).map((s) => ({ roles: baseRoles(), ...s }));
	if (!p.roots) {
		// public-good style: the third keyholder did not sign v1 ("sig": "")
		rootSpecs[0].signers = [ref(K.R1), ref(K.R2), { ref: ref(K.R3), empty: true }];
	}
	const roots = [];
	rootSpecs.forEach((s, i) => {
		const signed = rootSigned(s);
		const signers = s.signers || defaultRootSigners(i > 0 ? rootSpecs[i - 1] : null, s);
		const env = envelope('root', signed, signers);
		roots.push({ version: s.version, servedAs: s.servedAs ?? s.version, bytes: ser(env), signed });
	});
	const signing = rootSpecs[p.signWith ?? rootSpecs.length - 1].roles;
	const roleSigners = (role, override) => override || signing[role].refs;

	const tv = p.targets?.version ?? 3;
	const sv = p.snap?.version ?? 5;
	const nv = p.npm?.version ?? 2;
	const tsv = p.ts?.version ?? 10;

	// delegated role registry.npmjs.org
	const npmTargets = { 'registry.npmjs.org/keys.json': { hashes: { sha256: sha256(NPM_KEYS_BYTES) }, length: NPM_KEYS_BYTES.length } };
	const npmSigned = { _type: 'targets', expires: iso(180), spec_version: '1.0', targets: npmTargets, version: nv };
	const npmBytes = ser(envelope('targets', npmSigned, [ref(K.N1)]));

	// top-level targets
	const targetFiles = {
		'trusted_root.json': TRUSTED_ROOT_BYTES,
		'signing_config.v0.2.json': SIGNING_CONFIG_BYTES,
	};
	const tt = {};
	for (const [name, b] of Object.entries(targetFiles)) {
		if ((p.targets?.omit || []).includes(name)) continue;
		tt[name] = { hashes: { sha256: sha256(b) }, length: b.length };
	}
	const targetsSigned = {
		_type: 'targets',
		delegations: {
			keys: { [ref(K.N1).id]: structuredClone(ref(K.N1).json) },
			roles: [{ keyids: [ref(K.N1).id], name: 'registry.npmjs.org', paths: ['registry.npmjs.org/*'], terminating: true, threshold: 1 }],
		},
		expires: p.targets?.expires ?? iso(180),
		spec_version: '1.0',
		targets: tt,
		version: tv,
		'x-tuf-on-ci-expiry-period': 365,
	};
	if (p.targets?.mutate) p.targets.mutate(targetsSigned);
	const targetsBytes = ser(envelope('targets', targetsSigned, roleSigners('targets', p.targets?.signers)));

	// snapshot
	const snapMeta = {
		'registry.npmjs.org.json': { version: nv },
		// stale entry no role uses; its hashes must be ignored (public-good lists several)
		'staging.json': metaEntry(Buffer.from('{"stale":true}'), 2, 'both'),
		'targets.json': metaEntry(targetsBytes, p.snap?.targetsVersion ?? tv, p.snap?.targetsMeta || 'version'),
	};
	if (p.snap?.dropNpm) delete snapMeta['registry.npmjs.org.json'];
	const snapSigned = { _type: 'snapshot', expires: p.snap?.expires ?? iso(30), meta: snapMeta, spec_version: '1.0', version: sv };
	if (p.snap?.mutate) p.snap.mutate(snapSigned);
	const snapBytes = ser(envelope('snapshot', snapSigned, roleSigners('snapshot', p.snap?.signers)));

	// timestamp
	const tsSigned = {
		_type: 'timestamp', expires: p.ts?.expires ?? iso(7),
		meta: { 'snapshot.json': metaEntry(snapBytes, p.ts?.snapVersion ?? sv, p.ts?.snapMeta || 'version') },
		spec_version: '1.0', version: tsv,
	};
	if (p.ts?.mutate) p.ts.mutate(tsSigned);
	const tsBytes = ser(envelope('timestamp', tsSigned, roleSigners('timestamp', p.ts?.signers)));

	const files = {};
	for (const r of roots) files[`${r.servedAs}.root.json`] = r.bytes;
	files['timestamp.json'] = tsBytes;
	files[`${sv}.snapshot.json`] = snapBytes;
	files[`${tv}.targets.json`] = targetsBytes;
	files[`${nv}.registry.npmjs.org.json`] = npmBytes;
	for (const [name, b] of Object.entries(targetFiles)) files[`targets/${sha256(b)}.${name}`] = b;
	files[`targets/registry.npmjs.org/${sha256(NPM_KEYS_BYTES)}.keys.json`] = NPM_KEYS_BYTES;
	return {
		roots, files, trustedRoot: roots[0].bytes, ts: tsBytes, snap: snapBytes, targets: targetsBytes,
		versions: { timestamp: tsv, snapshot: sv, targets: tv }, targetFiles,
	};
}

const targetPath = (name, b) => `targets/${sha256(b)}.${name}`;

// DER helpers for malformed-signature cases.
function derNonMinimal(der) {
	// 30 L 02 lr r 02 ls s  ->  r gets a superfluous leading 00 (BER-ish, not DER)
	const lr = der[3];
	const r = der.subarray(4, 4 + lr);
	const rest = der.subarray(4 + lr);
	return Buffer.concat([Buffer.from([0x30, der[1] + 1, 0x02, lr + 1, 0x00]), r, rest]);
}

// ---------------------------------------------------------------------------------------------
// The cases. Each returns {trusted: {name: Buffer}, repo: {path: Buffer}, final?, ...case fields}.
// `base` fields: name, expect, role, check, spec, description are required.

const rotated = (changes) => {
	const r = baseRoles();
	for (const [role, refs] of Object.entries(changes)) r[role] = { ...r[role], refs };
	return r;
};
const R = (version, extra = {}) => ({ version, ...extra });
const trustedOf = (w, more = {}) => ({ 'root.json': w.trustedRoot, ...more });
const DIVERGE_KEYID = 'tuf-js 5.0.1 counts verified key ids (@tufjs/models Metadata.verifyDelegate adds keyID to a set), not distinct keys; go-tuf v2 counts distinct SPKI fingerprints, and the spec says each KEY contributes one signature';
const DIVERGE_HEX = 'tuf-js decodes sig with Buffer.from(sig, "hex"), which stops silently at the first non-hex character or a dangling nibble, so the valid DER prefix verifies; a strict hex decoder (go-tuf HexBytes) refuses the metadata';

const CASES = [];
const def = (c) => CASES.push(c);

// ---- accepted --------------------------------------------------------------------------------
def({
	name: 'good', expect: 'accept', role: 'none', check: 'none', spec: '5.3-5.7',
	description: 'the base repository: root 1 -> 2 (same keys), timestamp v10 -> snapshot v5 -> targets v3; all three key forms, empty "sig" entry, unknown fields, a delegation that need not be fetched',
	build() {
		const w = world();
		return {
			trusted: trustedOf(w), repo: w.files, w,
			fetched: ['/2.root.json', '/3.root.json', '/timestamp.json', '/5.snapshot.json', '/3.targets.json',
				`/${targetPath('trusted_root.json', TRUSTED_ROOT_BYTES)}`],
			not_fetched: ['/snapshot.json', '/targets.json', '/4.root.json'],
		};
	},
});
def({
	name: 'good-no-root-update', expect: 'accept', role: 'none', check: 'none', spec: '5.3.3',
	description: 'the mirror has only 1.root.json: 2.root.json is 404, which ends the root loop normally',
	build() {
		const w = world({ roots: [R(1)] });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'good-cached-current', expect: 'accept', role: 'none', check: 'equal-version', spec: '5.4.3.1',
	description: 'the client already holds the current timestamp, snapshot and targets; an equal timestamp version ends the update normally (no error)',
	build() {
		const w = world();
		return { trusted: trustedOf(w, { 'timestamp.json': w.ts, 'snapshot.json': w.snap, 'targets.json': w.targets }), repo: w.files, w };
	},
});
def({
	name: 'good-cached-older', expect: 'accept', role: 'none', check: 'none', spec: '5.4.3, 5.5.5',
	description: 'cached timestamp v9 / snapshot v4 / targets v2; the mirror has newer ones: the rollback checks pass',
	build() {
		const old = world({ ts: { version: 9 }, snap: { version: 4 }, targets: { version: 2 } });
		const w = world();
		return { trusted: trustedOf(w, { 'timestamp.json': old.ts, 'snapshot.json': old.snap, 'targets.json': old.targets }), repo: w.files, w };
	},
});
def({
	name: 'duplicate-key-ids-threshold-met', expect: 'accept', role: 'none', check: 'threshold', spec: '5.3.4',
	description: 'root v2 lists keyholder R1 under two key ids (keytype ecdsa and ecdsa-sha2-nistp256, same PEM) plus R2 and R3, threshold 2; R1 signs under both ids and R2 signs: 2 distinct keys, accepted (public-good roots 9-10 look like this)',
	build() {
		const roles = baseRoles();
		roles.root = { refs: [ref(K.R1, 'ecdsa-pem'), ref(K.R1, 'nistp256-pem'), ref(K.R2), ref(K.R3)], threshold: 2 };
		const w = world({ roots: [R(1), R(2, { roles, signers: [ref(K.R1, 'ecdsa-pem'), ref(K.R1, 'nistp256-pem'), ref(K.R2)] })] });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'rotation-root-keys', expect: 'accept', role: 'none', check: 'rotation', spec: '5.3.4',
	description: 'root v2 replaces the root and targets keys R1-R3 by R4-R6 (2 of 3), signed by 2 old and 2 new keys; root v3 is signed by the new keys only; targets signed by the new keys',
	build() {
		const roles = rotated({ root: [ref(K.R4), ref(K.R5), ref(K.R6)], targets: [ref(K.R4), ref(K.R5), ref(K.R6)] });
		const w = world({ roots: [R(1), R(2, { roles, signers: [ref(K.R1), ref(K.R2), ref(K.R4), ref(K.R5)] }),
			R(3, { roles: rotated({ root: [ref(K.R4), ref(K.R5), ref(K.R6)], targets: [ref(K.R4), ref(K.R5), ref(K.R6)] }), signers: [ref(K.R5), ref(K.R6)] })] });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'expired-intermediate-root', expect: 'accept', role: 'none', check: 'expired', spec: '5.3.6',
	description: 'root v2 on the mirror expired yesterday, v3 is valid: an intermediate root\'s expiry does not matter',
	build() {
		const w = world({ roots: [R(1), R(2, { expires: iso(-1) }), R(3)] });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'expired-trusted-root', expect: 'accept', role: 'none', check: 'expired', spec: '5.2',
	description: 'the trusted root v1 expired yesterday; the mirror has a valid v2: the trusted root\'s expiry does not matter',
	build() {
		const w = world({ roots: [R(1, { expires: iso(-1) }), R(2)] });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'sig-extra-unknown-keyid', expect: 'accept', role: 'none', check: 'signature', spec: '5.4.2',
	description: 'the timestamp carries, before the valid one, a signature by a key id the root does not list: it is ignored',
	build() {
		const w = world({ ts: { signers: [ref(K.X), ref(K.T1)] } });
		return { trusted: trustedOf(w), repo: w.files, w };
	},
});
def({
	name: 'fast-forward-timestamp', expect: 'accept', role: 'none', check: 'fast-forward', spec: '5.3.11',
	description: 'the client cached a fast-forwarded timestamp v1000 (old key T1); root v2 rotates the timestamp key to T2 and the mirror serves timestamp v11: the cached timestamp must be discarded, not used for the rollback check',
	build() {
		const ff = world({ roots: [R(1)], ts: { version: 1000 } });
		const w = world({ roots: [R(1), R(2, { roles: rotated({ timestamp: [ref(K.T2)] }) })], ts: { version: 11 } });
		return { trusted: trustedOf(w, { 'timestamp.json': ff.ts }), repo: w.files, w };
	},
});
def({
	name: 'fast-forward-online-keys', expect: 'accept', role: 'none', check: 'fast-forward', spec: '5.3.11',
	description: 'cached timestamp v1000 -> snapshot v1000 (listing targets v1000), all fast-forwarded under the old online keys; root v2 rotates timestamp and snapshot keys; the mirror serves timestamp v11 -> snapshot v6 -> targets v3',
	build() {
		const ff = world({ roots: [R(1)], ts: { version: 1000 }, snap: { version: 1000, targetsVersion: 1000 } });
		const w = world({ roots: [R(1), R(2, { roles: rotated({ timestamp: [ref(K.T2)], snapshot: [ref(K.S2)] }) })], ts: { version: 11 }, snap: { version: 6 } });
		return { trusted: trustedOf(w, { 'timestamp.json': ff.ts, 'snapshot.json': ff.snap }), repo: w.files, w };
	},
});
def({
	name: 'fast-forward-snapshot-key-only', expect: 'accept', role: 'none', check: 'fast-forward', spec: '5.3.11',
	description: 'cached timestamp v10 (key T1, still valid) lists a fast-forwarded snapshot v1000; root v2 rotates only the snapshot key; the mirror serves timestamp v11 -> snapshot v6. The spec deletes the trusted timestamp AND snapshot when either key rotated, so the update succeeds',
	tufjs_error: 'New snapshot version 6 is less than current version 1000',
	tufjs: { verdict: 'refuse', why: 'tuf-js 5.0.1 does not implement 5.3.11: it keeps any cached timestamp that still verifies, so the snapshot-version rollback check (5.4.3.2) against v1000 fails' },
	build() {
		const ff = world({ roots: [R(1)], ts: { version: 10 }, snap: { version: 1000 } });
		const w = world({ roots: [R(1), R(2, { roles: rotated({ snapshot: [ref(K.S2)] }) })], ts: { version: 11 }, snap: { version: 6 } });
		return { trusted: trustedOf(w, { 'timestamp.json': ff.ts, 'snapshot.json': ff.snap }), repo: w.files, w };
	},
});

// ---- root ------------------------------------------------------------------------------------
def({
	name: 'root-version-skip', expect: 'refuse', role: 'root', check: 'version', spec: '5.3.5',
	description: 'the mirror\'s 2.root.json holds version 3 (validly signed): versions must go N -> N+1 exactly',
	tufjs_error: 'BadVersionError: Expected version 2, got 3',
	build() {
		const w = world({ roots: [R(1), R(3, { servedAs: 2 })] });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'root-version-replay', expect: 'refuse', role: 'root', check: 'version', spec: '5.3.5',
	description: 'the mirror\'s 2.root.json is a copy of root v1',
	tufjs_error: 'BadVersionError: Expected version 2, got 1',
	build() {
		const w = world({ roots: [R(1)] });
		return { trusted: trustedOf(w), repo: { ...w.files, '2.root.json': w.trustedRoot } };
	},
});
def({
	name: 'root-gap', expect: 'refuse', role: 'timestamp', check: 'signature', spec: '5.3.3, 5.4.2',
	description: 'the mirror has 1.root.json and 3.root.json (rotating the timestamp key to T2) but no 2.root.json; the timestamp is signed by T2. A client must stop at the 404 for 2.root.json (never look further) and then refuse the timestamp',
	tufjs_error: 'timestamp was signed by 0/1 keys',
	build() {
		const w = world({ roots: [R(1), R(3, { roles: rotated({ timestamp: [ref(K.T2)] }) })] });
		return { trusted: trustedOf(w), repo: w.files, not_fetched: ['/3.root.json'] };
	},
});
def({
	name: 'root-threshold', expect: 'refuse', role: 'root', check: 'threshold', spec: '5.3.4',
	description: 'root v2 (same keys, threshold 2) carries one valid signature (R1) and an empty one (R2)',
	tufjs_error: 'root was signed by 1/2 keys',
	build() {
		const w = world({ roots: [R(1), R(2, { signers: [ref(K.R1), { ref: ref(K.R2), empty: true }] })] });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'threshold-distinct-key-root', expect: 'refuse', role: 'root', check: 'threshold', spec: '5.3.4',
	description: 'root v2 lists ONE key (R1) under two key ids (keytype ecdsa and ecdsa-sha2-nistp256, same PEM) as its root role, threshold 2, with two signatures from that key (plus R2 for v1\'s threshold): one distinct key, so v2 is not signed by a threshold of its own keys',
	tufjs: { verdict: 'accept', why: DIVERGE_KEYID },
	build() {
		const roles = baseRoles();
		roles.root = { refs: [ref(K.R1, 'ecdsa-pem'), ref(K.R1, 'nistp256-pem')], threshold: 2 };
		const w = world({ roots: [R(1), R(2, { roles, signers: [ref(K.R1, 'ecdsa-pem'), ref(K.R1, 'nistp256-pem'), ref(K.R2)] })] });
		return { trusted: trustedOf(w), repo: w.files, duplicate_key: { file: 'repo/2.root.json', role: 'root' } };
	},
});
def({
	name: 'rotation-new-keys-only', expect: 'refuse', role: 'root', check: 'threshold', spec: '5.3.4',
	description: 'root v2 rotates the root keys to R4-R6 and is signed by the new keys only, not by a threshold of v1\'s keys',
	tufjs_error: 'root was signed by 0/2 keys',
	build() {
		const roles = rotated({ root: [ref(K.R4), ref(K.R5), ref(K.R6)] });
		const w = world({ roots: [R(1), R(2, { roles, signers: [ref(K.R4), ref(K.R5), ref(K.R6)] })] });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'rotation-old-keys-only', expect: 'refuse', role: 'root', check: 'threshold', spec: '5.3.4',
	description: 'root v2 rotates the root keys to R4-R6 but is signed by the old keys only, not by a threshold of its own keys',
	tufjs_error: 'root was signed by 0/2 keys',
	build() {
		const roles = rotated({ root: [ref(K.R4), ref(K.R5), ref(K.R6)] });
		const w = world({ roots: [R(1), R(2, { roles, signers: [ref(K.R1), ref(K.R2), ref(K.R3)] })] });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'expired-root', expect: 'refuse', role: 'root', check: 'expired', spec: '5.3.10',
	description: 'the final root (v2) expired yesterday (freeze attack)',
	tufjs_error: 'Final root.json is expired',
	build() {
		const w = world({ roots: [R(1), R(2, { expires: iso(-1) })] });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'root-unavailable', expect: 'refuse', role: 'root', check: 'unavailable', spec: '5.3.3',
	description: 'GET /2.root.json answers 503: only 404 (or 403) ends the root loop; any other failure must abort the update, not skip the rotation',
	tufjs_error: 'DownloadHTTPError: .*HTTP 503',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/2.root.json': { mode: 'status', status: 503 } } };
	},
});
def({
	name: 'oversize-root', expect: 'refuse', role: 'root', check: 'length', spec: '5.3.3',
	description: 'GET /2.root.json streams without end (chunked, no Content-Length): the client must stop at its own bound (tuf-js 512000 bytes, go-tuf 512000)',
	tufjs_error: 'DownloadLengthMismatchError: Max length reached',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/2.root.json': { mode: 'endless', prefix: '{"signatures":[],"signed":{"_type":"root","keys":{', fill: ' ' } } };
	},
});

// ---- timestamp -------------------------------------------------------------------------------
def({
	name: 'rollback-timestamp', expect: 'refuse', role: 'timestamp', check: 'rollback', spec: '5.4.3.1',
	description: 'the client cached timestamp v11; the mirror serves v10',
	tufjs_error: 'New timestamp version 10 is less than current version 11',
	build() {
		const newer = world({ ts: { version: 11 } });
		const w = world();
		return { trusted: trustedOf(w, { 'timestamp.json': newer.ts }), repo: w.files };
	},
});
def({
	name: 'rollback-snapshot', expect: 'refuse', role: 'timestamp', check: 'rollback', spec: '5.4.3.2',
	description: 'the client cached timestamp v10 -> snapshot v5; the mirror serves timestamp v11 listing snapshot v4 (and a valid 4.snapshot.json)',
	tufjs_error: 'New snapshot version 4 is less than current version 5',
	build() {
		const cached = world();
		const w = world({ ts: { version: 11 }, snap: { version: 4 } });
		return { trusted: trustedOf(w, { 'timestamp.json': cached.ts, 'snapshot.json': cached.snap }), repo: w.files };
	},
});
def({
	name: 'expired-timestamp', expect: 'refuse', role: 'timestamp', check: 'expired', spec: '5.4.4',
	description: 'the timestamp expired yesterday (freeze attack)',
	tufjs_error: 'Final timestamp.json is expired',
	build() {
		const w = world({ ts: { expires: iso(-1) } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'oversize-timestamp', expect: 'refuse', role: 'timestamp', check: 'length', spec: '5.4.1',
	description: 'GET /timestamp.json streams without end: the client must stop at its bound (tuf-js and go-tuf 16384 bytes)',
	tufjs_error: 'DownloadLengthMismatchError: Max length reached',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/timestamp.json': { mode: 'endless', prefix: '{"signatures":[],"signed":{"_type":"timestamp","meta":{', fill: ' ' } } };
	},
});
def({
	name: 'oversize-timestamp-declared', expect: 'refuse', role: 'timestamp', check: 'length', spec: '5.4.1',
	description: 'GET /timestamp.json declares Content-Length 1099511627776 and streams without end: refuse on the header or at the bound',
	tufjs_error: 'DownloadLengthMismatchError: Max length reached',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/timestamp.json': { mode: 'endless', fill: ' ', content_length: 1099511627776 } } };
	},
});
def({
	name: 'slow-timestamp', expect: 'refuse', role: 'timestamp', check: 'slow-retrieval', spec: '5.4.1',
	description: 'GET /timestamp.json drips one byte every 500 ms (minutes for the whole file): the client must give up at its deadline (run it with a short one: client_timeout_s)',
	tufjs_error: 'aborted due to timeout',
	slow: true, client_timeout_s: 2,
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/timestamp.json': { mode: 'drip', interval_ms: 500, bytes: 1 } } };
	},
});
def({
	name: 'timestamp-unavailable', expect: 'refuse', role: 'timestamp', check: 'unavailable', spec: '5.4.1',
	description: 'GET /timestamp.json answers 503',
	tufjs_error: 'DownloadHTTPError: .*HTTP 503',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { '/timestamp.json': { mode: 'status', status: 503 } } };
	},
});
def({
	name: 'timestamp-not-json', expect: 'refuse', role: 'timestamp', check: 'format', spec: '5.4.1',
	description: 'timestamp.json is cut in the middle (not JSON)',
	tufjs_error: 'SyntaxError',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: { ...w.files, 'timestamp.json': w.ts.subarray(0, Math.floor(w.ts.length / 2)) } };
	},
});
def({
	name: 'bad-spec-version', expect: 'refuse', role: 'timestamp', check: 'spec-version', spec: '4.3 (spec_version)',
	description: 'the timestamp says spec_version "2.0" (validly signed): a 1.x client must refuse another major version',
	tufjs_error: 'Unsupported specVersion',
	build() {
		const w = world({ ts: { mutate: (s) => { s.spec_version = '2.0'; } } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'wrong-type', expect: 'refuse', role: 'timestamp', check: 'type', spec: '4.2 (_type)',
	description: 'timestamp.json holds _type "snapshot" (otherwise a timestamp, validly signed by the timestamp key)',
	tufjs_error: 'expected \'timestamp\', got snapshot',
	build() {
		const w = world({ ts: { mutate: (s) => { s._type = 'snapshot'; } } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
// signatures, all on the timestamp (threshold 1, key T1)
const sigCase = (name, description, signer, extra = {}) => def({
	name, expect: 'refuse', role: 'timestamp', check: 'signature', spec: '5.4.2', description,
	tufjs_error: 'timestamp was signed by 0/1 keys', ...extra,
	build() {
		const w = world({ ts: { signers: [signer] } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
sigCase('sig-not-hex', 'the timestamp signature is base64 of the DER, not hex', { ref: ref(K.T1), sig: (hex, der) => der.toString('base64') });
sigCase('sig-hex-trailing-garbage', 'the timestamp signature is the valid hex followed by "zz"', { ref: ref(K.T1), sig: (hex) => `${hex}zz` },
	{ tufjs: { verdict: 'accept', why: DIVERGE_HEX } });
sigCase('sig-hex-odd-length', 'the timestamp signature is the valid hex followed by one more hex digit (odd length)', { ref: ref(K.T1), sig: (hex) => `${hex}0` },
	{ tufjs: { verdict: 'accept', why: DIVERGE_HEX } });
sigCase('sig-der-trailing-byte', 'the timestamp signature is valid DER followed by a 00 byte', { ref: ref(K.T1), sig: (hex) => `${hex}00` });
sigCase('sig-der-bad-length', 'the DER SEQUENCE length of the timestamp signature is one too large', { ref: ref(K.T1), sig: (hex, der) => { const d = Buffer.from(der); d[1] += 1; return d.toString('hex'); } });
sigCase('sig-der-non-minimal', 'the timestamp signature\'s r INTEGER carries a superfluous leading 00 (BER, not DER)', { ref: ref(K.T1), sig: (hex, der) => derNonMinimal(der).toString('hex') });
sigCase('sig-p1363', 'the timestamp signature is raw r||s (64 bytes, IEEE P1363), not DER', { ref: ref(K.T1), p1363: true });
sigCase('sig-wrong-key', 'the timestamp signature is a valid DER signature by an unrelated key, under T1\'s key id', { ref: ref(K.T1), with: K.X });
sigCase('sig-non-canonical', 'the timestamp is signed over pretty-printed JSON instead of canonical JSON', { ref: ref(K.T1), payload: 'pretty' });
sigCase('sig-empty', 'the timestamp carries only "sig": "" for T1', { ref: ref(K.T1), empty: true });

// ---- snapshot --------------------------------------------------------------------------------
def({
	name: 'rollback-targets', expect: 'refuse', role: 'snapshot', check: 'rollback', spec: '5.5.5',
	description: 'cached snapshot v5 lists targets v3; the mirror serves timestamp v11 -> snapshot v6 listing targets v2 (and a valid 2.targets.json)',
	tufjs_error: 'New version 2 of targets.json is less than current version 3',
	build() {
		const cached = world();
		const w = world({ ts: { version: 11 }, snap: { version: 6 }, targets: { version: 2 } });
		return { trusted: trustedOf(w, { 'timestamp.json': cached.ts, 'snapshot.json': cached.snap, 'targets.json': cached.targets }), repo: w.files };
	},
});
def({
	name: 'rollback-delegated-targets', expect: 'refuse', role: 'snapshot', check: 'rollback', spec: '5.5.5',
	description: 'cached snapshot v5 lists registry.npmjs.org v2; the new snapshot v6 lists it at v1',
	tufjs_error: 'New version 1 of registry.npmjs.org.json is less than current version 2',
	build() {
		const cached = world();
		const w = world({ ts: { version: 11 }, snap: { version: 6 }, npm: { version: 1 } });
		return { trusted: trustedOf(w, { 'timestamp.json': cached.ts, 'snapshot.json': cached.snap }), repo: w.files };
	},
});
def({
	name: 'snapshot-meta-removed', expect: 'refuse', role: 'snapshot', check: 'rollback', spec: '5.5.5',
	description: 'cached snapshot v5 lists registry.npmjs.org.json; the new snapshot v6 no longer lists it',
	tufjs_error: 'Missing file registry.npmjs.org.json in new snapshot',
	build() {
		const cached = world();
		const w = world({ ts: { version: 11 }, snap: { version: 6, dropNpm: true } });
		return { trusted: trustedOf(w, { 'timestamp.json': cached.ts, 'snapshot.json': cached.snap }), repo: w.files };
	},
});
def({
	name: 'mix-and-match-snapshot-version', expect: 'refuse', role: 'snapshot', check: 'mix-and-match', spec: '5.5.4',
	description: 'the timestamp lists snapshot v5, but 5.snapshot.json holds a validly signed snapshot v4',
	tufjs_error: 'Snapshot version doesn\'t match timestamp',
	build() {
		const w = world();
		const old = world({ snap: { version: 4 } });
		return { trusted: trustedOf(w), repo: { ...w.files, '5.snapshot.json': old.snap } };
	},
});
def({
	name: 'mix-and-match-snapshot-hash', expect: 'refuse', role: 'snapshot', check: 'hash', spec: '5.5.2',
	description: 'the timestamp lists the snapshot\'s sha256/sha512 (no length); 5.snapshot.json is another validly signed snapshot v5 (one day shorter expiry)',
	tufjs_error: 'snapshot metadata error Error: Expected hash',
	build() {
		const w = world({ ts: { snapMeta: 'hashes' } });
		const other = world({ snap: { expires: iso(29) } });
		return { trusted: trustedOf(w), repo: { ...w.files, '5.snapshot.json': other.snap } };
	},
});
def({
	name: 'snapshot-length', expect: 'refuse', role: 'snapshot', check: 'length', spec: '5.5.1',
	description: 'the timestamp lists the snapshot\'s length (no hashes); 5.snapshot.json is the right snapshot followed by 4096 spaces (still valid JSON, still validly signed)',
	tufjs_error: 'snapshot metadata error Error: Max length reached',
	build() {
		const w = world({ ts: { snapMeta: 'length' } });
		return { trusted: trustedOf(w), repo: { ...w.files, '5.snapshot.json': Buffer.concat([w.snap, Buffer.alloc(4096, ' ')]) } };
	},
});
def({
	name: 'expired-snapshot', expect: 'refuse', role: 'snapshot', check: 'expired', spec: '5.5.6',
	description: 'the snapshot expired yesterday (freeze attack)',
	tufjs_error: 'snapshot.json is expired',
	build() {
		const w = world({ snap: { expires: iso(-1) } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'snapshot-signed-by-timestamp-key', expect: 'refuse', role: 'snapshot', check: 'signature', spec: '5.5.3',
	description: 'the snapshot is signed by the timestamp key T1 (under T1\'s key id), not by the snapshot key',
	tufjs_error: 'snapshot was signed by 0/1 keys',
	build() {
		const w = world({ snap: { signers: [ref(K.T1)] } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});

// ---- targets ---------------------------------------------------------------------------------
def({
	name: 'mix-and-match-targets-version', expect: 'refuse', role: 'targets', check: 'mix-and-match', spec: '5.6.4',
	description: 'the snapshot lists targets v3, but 3.targets.json holds a validly signed targets v2',
	tufjs_error: 'Version 2 of targets does not match snapshot version 3',
	build() {
		const w = world();
		const old = world({ targets: { version: 2 } });
		return { trusted: trustedOf(w), repo: { ...w.files, '3.targets.json': old.targets } };
	},
});
def({
	name: 'targets-hash', expect: 'refuse', role: 'targets', check: 'hash', spec: '5.6.2',
	description: 'the snapshot lists the targets hashes (no length); 3.targets.json is another validly signed targets v3 (one day shorter expiry)',
	tufjs_error: 'targets error Error: Expected hash',
	build() {
		const w = world({ snap: { targetsMeta: 'hashes' } });
		const other = world({ targets: { expires: iso(179) } });
		return { trusted: trustedOf(w), repo: { ...w.files, '3.targets.json': other.targets } };
	},
});
def({
	name: 'threshold-targets', expect: 'refuse', role: 'targets', check: 'threshold', spec: '5.6.3',
	description: 'targets (threshold 2) is signed by R1 only',
	tufjs_error: 'targets was signed by 1/2 keys',
	build() {
		const w = world({ targets: { signers: [ref(K.R1)] } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'threshold-distinct-key-targets', expect: 'refuse', role: 'targets', check: 'threshold', spec: '5.6.3',
	description: 'the trusted root (v1, no update) gives the targets role ONE key (R1) under two key ids, threshold 2; targets carries two signatures from that key',
	tufjs: { verdict: 'accept', why: DIVERGE_KEYID },
	build() {
		const roles = rotated({ targets: [ref(K.R1, 'ecdsa-pem'), ref(K.R1, 'nistp256-pem')] });
		const w = world({ roots: [R(1, { roles })] });
		return { trusted: trustedOf(w), repo: w.files, duplicate_key: { file: 'trusted/root.json', role: 'targets' } };
	},
});
def({
	name: 'expired-targets', expect: 'refuse', role: 'targets', check: 'expired', spec: '5.6.5',
	description: 'targets expired yesterday (freeze attack)',
	tufjs_error: 'targets.json is expired',
	build() {
		const w = world({ targets: { expires: iso(-1) } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});

// ---- target files ----------------------------------------------------------------------------
const trPath = () => targetPath('trusted_root.json', TRUSTED_ROOT_BYTES);
def({
	name: 'target-missing', expect: 'refuse', role: 'targets', check: 'missing', spec: '5.7.2',
	description: 'targets does not list trusted_root.json (the file is still on the mirror)',
	tufjs_error: 'target trusted_root.json is not listed',
	build() {
		const w = world({ targets: { omit: ['trusted_root.json'] } });
		return { trusted: trustedOf(w), repo: w.files };
	},
});
def({
	name: 'target-length', expect: 'refuse', role: 'target', check: 'length', spec: '5.7.1',
	description: 'the trusted_root.json target file is 16 bytes longer than listed (trailing newlines)',
	tufjs_error: 'DownloadLengthMismatchError: Max length reached',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: { ...w.files, [trPath()]: Buffer.concat([TRUSTED_ROOT_BYTES, Buffer.alloc(16, '\n')]) } };
	},
});
def({
	name: 'target-truncated', expect: 'refuse', role: 'target', check: 'length', spec: '5.7.1',
	description: 'the trusted_root.json target file is 100 bytes shorter than listed',
	tufjs_error: 'LengthOrHashMismatchError: Expected length',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: { ...w.files, [trPath()]: TRUSTED_ROOT_BYTES.subarray(0, TRUSTED_ROOT_BYTES.length - 100) } };
	},
});
def({
	name: 'target-hash', expect: 'refuse', role: 'target', check: 'hash', spec: '5.7.1',
	description: 'the trusted_root.json target file has the listed length but one byte changed',
	tufjs_error: 'LengthOrHashMismatchError: Expected hash',
	build() {
		const w = world();
		const b = Buffer.from(TRUSTED_ROOT_BYTES);
		const i = b.indexOf('"') + 1; // first character inside the first JSON string
		b[i] = b[i] === 0x78 ? 0x79 : 0x78;
		return { trusted: trustedOf(w), repo: { ...w.files, [trPath()]: b } };
	},
});
def({
	name: 'target-unavailable', expect: 'refuse', role: 'target', check: 'unavailable', spec: '5.7',
	description: 'trusted_root.json is listed but its file is missing on the mirror (404)',
	tufjs_error: 'DownloadHTTPError: .*HTTP 404',
	build() {
		const w = world();
		const files = { ...w.files };
		delete files[trPath()];
		return { trusted: trustedOf(w), repo: files };
	},
});
def({
	name: 'oversize-target', expect: 'refuse', role: 'target', check: 'length', spec: '5.7.1',
	description: 'GET of the trusted_root.json target streams without end: stop at the listed length',
	tufjs_error: 'DownloadLengthMismatchError: Max length reached',
	build() {
		const w = world();
		return { trusted: trustedOf(w), repo: w.files, serve: { [`/${trPath()}`]: { mode: 'endless', prefix: '{"mediaType":"', fill: 'A' } } };
	},
});

// ---------------------------------------------------------------------------------------------
// Main

if (args.list) {
	for (const c of CASES) process.stdout.write(`${c.name}\t${c.expect}\t${c.role}\t${c.check}${c.tufjs ? `\ttuf-js: ${c.tufjs.verdict}` : ''}\n`);
	process.exit(0);
}
if (!args.out) {
	process.stderr.write(`${PROG}: --out DIR is required\n`);
	process.exit(2);
}
if (fs.existsSync(args.out) && fs.readdirSync(args.out).length > 0) {
	process.stderr.write(`${PROG}: ${args.out} is not empty\n`);
	process.exit(2);
}

function readTarget(file, fallback) {
	if (!file) return Buffer.from(JSON.stringify(fallback, null, 2) + '\n');
	try {
		return fs.readFileSync(file);
	} catch (e) {
		process.stderr.write(`${PROG}: ${file}: ${e.message}\n`);
		process.exit(2);
	}
	return null;
}
TRUSTED_ROOT_BYTES = readTarget(args['trusted-root'], {
	mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
	tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
	'x-picosign-note': 'synthetic trusted root written by gen-repos.mjs',
});
SIGNING_CONFIG_BYTES = readTarget(args['signing-config'], {
	mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
	caUrls: [], oidcUrls: [], rekorTlogUrls: [], tsaUrls: [],
	rekorTlogConfig: { selector: 'ANY' }, tsaConfig: { selector: 'ANY' },
});

// Self-check of the good world with @tufjs/models before anything is written: every role verifies.
{
	const w = world();
	const root = Metadata.fromJSON('root', JSON.parse(w.roots[w.roots.length - 1].bytes));
	root.verifyDelegate('root', root);
	root.verifyDelegate('root', Metadata.fromJSON('root', JSON.parse(w.roots[w.roots.length - 1].bytes)));
	root.verifyDelegate('timestamp', Metadata.fromJSON('timestamp', JSON.parse(w.ts)));
	root.verifyDelegate('snapshot', Metadata.fromJSON('snapshot', JSON.parse(w.snap)));
	const targets = Metadata.fromJSON('targets', JSON.parse(w.targets));
	root.verifyDelegate('targets', targets);
	targets.verifyDelegate('registry.npmjs.org', Metadata.fromJSON('targets', JSON.parse(w.files['2.registry.npmjs.org.json'])));
}

function writeFiles(dir, files) {
	for (const [rel, bytes] of Object.entries(files)) {
		const f = path.join(dir, rel);
		fs.mkdirSync(path.dirname(f), { recursive: true });
		fs.writeFileSync(f, bytes);
	}
}

fs.mkdirSync(args.out, { recursive: true });
const index = [];
const names = new Set();
for (const c of CASES) {
	if (names.has(c.name)) throw new Error(`duplicate case ${c.name}`);
	names.add(c.name);
	const out = c.build();
	const dir = path.join(args.out, c.name);
	writeFiles(path.join(dir, 'trusted'), out.trusted);
	writeFiles(path.join(dir, 'repo'), out.repo);
	const meta = {
		name: c.name, expect: c.expect, role: c.role, check: c.check, spec: c.spec, description: c.description,
	};
	if (c.tufjs) meta.tufjs = c.tufjs;
	if (c.tufjs_error) meta.tufjs_error = c.tufjs_error;
	if (out.serve) meta.serve = out.serve;
	if (c.slow) meta.slow = true;
	if (c.client_timeout_s) meta.client_timeout_s = c.client_timeout_s;
	meta.trusted_files = Object.keys(out.trusted).sort();
	meta.trusted_root_sha256 = sha256(out.trusted['root.json']);
	if (c.expect === 'accept') {
		const w = out.w;
		// the root a correct client ends with: the longest chain N, N+1, ... the mirror serves
		let rootV = w.roots[0].version;
		const served = new Set(w.roots.map((r) => r.servedAs));
		while (served.has(rootV + 1)) rootV++;
		meta.final = { root: rootV, ...w.versions };
		meta.targets = {};
		for (const [name, b] of Object.entries(w.targetFiles)) {
			meta.targets[name] = { length: b.length, sha256: sha256(b), file: `expected/${name}` };
		}
		writeFiles(path.join(dir, 'expected'), w.targetFiles);
	}
	if (out.fetched) meta.fetched = out.fetched;
	if (out.not_fetched) meta.not_fetched = out.not_fetched;
	if (out.duplicate_key) meta.duplicate_key = out.duplicate_key;
	fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify(meta, null, 2) + '\n');
	index.push({ name: c.name, expect: c.expect, role: c.role, check: c.check, ...(c.tufjs ? { tufjs: c.tufjs.verdict } : {}) });
}
fs.writeFileSync(path.join(args.out, 'index.json'), JSON.stringify({
	generated_at: new Date(NOW).toISOString(),
	generator: 'tests/tuf/gen-repos.mjs',
	cases: index,
}, null, 2) + '\n');
process.stdout.write(`${PROG}: ${index.length} cases in ${args.out}\n`);
