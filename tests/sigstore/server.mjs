#!/usr/bin/env node
// Local Sigstore test peer for picosign: one Node process on 127.0.0.1 serving
//   * a test OIDC issuer (RS256; discovery document, JWKS, POST /mint),
//   * Fulcio v2 POST /api/v2/signingCert and v1 POST /api/v1/signingCert,
//   * Rekor v1 POST/GET /api/v1/log/entries..., GET /api/v1/log/publicKey: kinds hashedrekord
//     0.0.1 and dsse 0.0.1 (stored as real Rekor stores them; rekor_dsse.mjs),
//   * a Rekor v2 log at POST /api/v2/log/entries (hashedrekord 0.0.2, Ed25519 C2SP checkpoints,
//     a real RFC 6962 tree; tlogv2.mjs, merkle.mjs) and GET /api/v2/checkpoint (unless --no-rekor-v2),
//   * an RFC 3161 TSA at POST /api/v1/timestamp taking DER (application/timestamp-query) or the
//     JSON form sigstore-js sends (unless --no-tsa),
// built on @sigstore/mock 0.12.1 (CA, CT log, transparency log, TSA), plus the checks the mock
// skips (../../../shared/docs/testing.md §6.2/§6.3, §10): token signature/iss/aud/exp, proof of
// possession, hashedrekord schema and prehashed-signature check, dsse envelope signatures,
// duplicate detection, and the read side. Every added check is on by default and can be switched
// off alone; faults (status codes, delays, a bad chain, a bad SET, bad proofs and checkpoints,
// wrong TSA nonce or imprint) are off by default. See docs/test-peers.md.
//
// Usage: node server.mjs --state-dir DIR [--port 0] [--max-lifetime 300] [--max-requests 2000]
//        [--no-tsa] [--no-rekor-v2] [--rekor2-initial-size 1000] [--rekor-initial-size 1000]
//        [--rekor-one-leaf] [--tls-cert F --tls-key F]
//        [--<setting> V | --<bool-setting> | --no-<bool-setting>]
// Writes DIR/{trusted_root.json,signing_config.json,signing_config_v1only.json,
// signing_config_v2.json,fulcio_root.pem,rekor.pub,rekor2.pub,rekor2_log_id,ctfe.pub,
// tsa_chain.pem,tsa_root.pem,tsa_signing.pem,issuer.key,issuer.pub,issuer_url,ports,url} and
// DIR/ready (the port) last, after listen() succeeded.
// Logs one line per request and one line per rejection ("reject <id>: <detail>") to stderr.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { verifyP256Digest } from './p256.mjs';
import { MerkleTree, leafHash as merkleLeafHash } from './merkle.mjs';
import { dsseCanonical, DsseError } from './rekor_dsse.mjs';
import { c2spKeyId, checkpointText, ed25519Raw, hashedRekordV2Body, HASH_OF_KEY_DETAILS, signedNote } from './tlogv2.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// ESM ignores NODE_PATH, so resolve the pinned packages from tests/npm explicitly.
const npmDir = process.env.SG_NPM_DIR || path.join(here, '..', 'npm');
const require = createRequire(path.join(npmDir, 'package.json'));
const mock = require('@sigstore/mock');
const { TrustedRoot, HashAlgorithm, PublicKeyDetails } = require('@sigstore/protobuf-specs');
// The mock's own copies of its dependencies (used for the e-mail SAN issuance path only).
const mockRequire = createRequire(require.resolve('@sigstore/mock'));
mockRequire('reflect-metadata');
const x509 = mockRequire('@peculiar/x509');
const asn1js = mockRequire('asn1js');
const pkijs = mockRequire('pkijs');
const canonicalize = mockRequire('canonicalize');

const MiB = 1024 * 1024;
const OID = {
	issuerV1: '1.3.6.1.4.1.57264.1.1',
	issuerV2: '1.3.6.1.4.1.57264.1.8',
	runnerEnv: '1.3.6.1.4.1.57264.1.11',
	sourceDigest: '1.3.6.1.4.1.57264.1.13',
	buildTrigger: '1.3.6.1.4.1.57264.1.20',
	runInvocation: '1.3.6.1.4.1.57264.1.21',
	tokenSubject: '1.3.6.1.4.1.57264.1.24',
	sctList: '1.3.6.1.4.1.11129.2.4.2',
};
const BUILDKITE_ISSUER = 'https://agent.buildkite.com';
const BUILDKITE_URL = 'https://buildkite.com';

// ---------------------------------------------------------------------------------------------
// Settings: switchable at start (CLI) and at run time (POST /control).

const DEFAULTS = Object.freeze({
	// faults (all off)
	fulcio_status: 0, // answer every Fulcio request with this HTTP status (grpc-gateway body)
	fulcio_status_count: 0, // ... only for the next N requests (0 = until changed)
	rekor_status: 0,
	rekor_status_count: 0,
	tsa_status: 0,
	tsa_status_count: 0,
	fulcio_delay_ms: 0, // sleep before answering
	rekor_delay_ms: 0,
	tsa_delay_ms: 0,
	fulcio_bad_chain: false, // leaf signed by an unrelated key (same issuer name), real root
	rekor_bad_set: false, // SET signed by an unrelated key (logID unchanged)
	rekor_bad_proof: false, // inclusion path with a flipped bit (root, size and checkpoint unchanged)
	// Rekor v2 log (POST /api/v2/log/entries)
	rekor2_status: 0,
	rekor2_status_count: 0,
	rekor2_delay_ms: 0,
	rekor2_bad_proof: false, // the returned inclusion path does not lead to the checkpoint root
	rekor2_bad_checkpoint: false, // checkpoint signature by an unrelated Ed25519 key (same name, same key hint)
	rekor2_wrong_origin: false, // checkpoint origin line is not the log name (validly signed)
	// TSA (both still validly signed)
	tsa_bad_nonce: false, // the token's nonce differs from the request's (or is present when none was asked)
	tsa_bad_imprint: false, // the token's messageImprint.hashedMessage differs from the request's
	tsa_gentime_digits: 3, // fraction digits of genTime: 3 (sigstore-js parses only these), 2, 1 or 0
	// added checks (all on)
	check_token_signature: true,
	check_token_issuer: true,
	check_token_audience: true,
	check_token_expiry: true,
	check_email_verified: true,
	check_buildkite_claims: true,
	check_pop: true,
	check_rekor_schema: true,
	check_rekor_hash: true,
	check_rekor_signature: true,
	check_rekor_duplicate: true,
	// certificate contents
	ext_token_subject: false, // add 1.24 (raw sub) on the Buildkite / e-mail paths (Fulcio >= 1.8.6)
	// issuers accepted besides this server's own URL (tokens are always signed by the test key)
	accepted_issuers: [BUILDKITE_ISSUER],
	audience: 'sigstore',
});
let settings = structuredClone(DEFAULTS);

function applySettings(obj, where) {
	const next = structuredClone(settings);
	for (const [k, v] of Object.entries(obj)) {
		if (!(k in DEFAULTS)) throw new Error(`${where}: unknown setting ${k}`);
		const want = Array.isArray(DEFAULTS[k]) ? 'array' : typeof DEFAULTS[k];
		const got = Array.isArray(v) ? 'array' : typeof v;
		if (want !== got) throw new Error(`${where}: ${k} must be ${want}, got ${got}`);
		if (want === 'number' && (!Number.isInteger(v) || v < 0 || v > 600000)) {
			throw new Error(`${where}: ${k} out of range`);
		}
		next[k] = v;
	}
	settings = next;
}

// ---------------------------------------------------------------------------------------------
// Command line.

const opts = {
	stateDir: null,
	port: 0,
	maxLifetime: 300,
	maxRequests: 2000,
	maxBody: MiB,
	tsa: true,
	rekorV2: true,
	rekor2InitialSize: 1000,
	rekorTree: true,
	rekorInitialSize: 1000,
	tlsCert: null,
	tlsKey: null,
};

function usage(msg) {
	process.stderr.write(`server.mjs: ${msg}\n`);
	process.exit(2);
}

{
	const argv = process.argv.slice(2);
	const cli = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (i + 1 >= argv.length) usage(`${a} needs a value`);
			return argv[++i];
		};
		const num = () => {
			const s = val();
			if (!/^[0-9]{1,9}$/.test(s)) usage(`${a}: not a number: ${s}`);
			return Number(s);
		};
		switch (a) {
		case '--state-dir': opts.stateDir = val(); continue;
		case '--port': opts.port = num(); continue;
		case '--max-lifetime': opts.maxLifetime = num(); continue;
		case '--max-requests': opts.maxRequests = num(); continue;
		case '--max-body': opts.maxBody = num(); continue;
		case '--no-tsa': opts.tsa = false; continue;
		case '--no-rekor-v2': opts.rekorV2 = false; continue;
		case '--rekor2-initial-size': opts.rekor2InitialSize = num(); continue;
		case '--rekor-initial-size': opts.rekorInitialSize = num(); continue;
		case '--rekor-one-leaf': opts.rekorTree = false; continue;
		case '--tls-cert': opts.tlsCert = val(); continue;
		case '--tls-key': opts.tlsKey = val(); continue;
		default: break;
		}
		if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
		let key = a.slice(2).replaceAll('-', '_');
		let neg = false;
		if (!(key in DEFAULTS) && key.startsWith('no_') && typeof DEFAULTS[key.slice(3)] === 'boolean') {
			key = key.slice(3);
			neg = true;
		}
		if (!(key in DEFAULTS)) usage(`unknown option ${a}`);
		if (typeof DEFAULTS[key] === 'boolean') cli[key] = !neg;
		else if (typeof DEFAULTS[key] === 'number') cli[key] = num();
		else if (Array.isArray(DEFAULTS[key])) cli[key] = val().split(',').filter((s) => s !== '');
		else cli[key] = val();
	}
	if (!opts.stateDir) usage('--state-dir is required');
	if (!!opts.tlsCert !== !!opts.tlsKey) usage('--tls-cert and --tls-key go together');
	try {
		applySettings(cli, 'command line');
	} catch (e) {
		usage(e.message);
	}
}

// ---------------------------------------------------------------------------------------------
// Logging.

const log = (line) => process.stderr.write(`sigstore-peer: ${line}\n`);

class Reject extends Error {
	// id: stable short name tests grep for; status/body: what the client gets.
	constructor(id, detail, status, body) {
		super(detail);
		this.id = id;
		this.status = status;
		this.body = body;
	}
}

const fulcioBody = (code, message) => JSON.stringify({ code, message, details: [] });
const MSG_TOKEN = 'There was an error processing the identity token';
const MSG_POP = 'The signature supplied in the request could not be verified';
const MSG_KEY = 'The public key supplied in the request could not be parsed';
const tokenReject = (id, detail) => new Reject(`fulcio/${id}`, detail, 400, fulcioBody(3, MSG_TOKEN));
const rekorReject = (id, detail, message) =>
	new Reject(`rekor/${id}`, detail, 400, JSON.stringify({ code: 400, message }));

// ---------------------------------------------------------------------------------------------
// Keys and services.

const genEC = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const issuerKeys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const unrelatedIssuerKeys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const issuerKid = crypto
	.createHash('sha256')
	.update(issuerKeys.publicKey.export({ type: 'spki', format: 'der' }))
	.digest('base64url')
	.slice(0, 16);
const caKeys = genEC();
const badCaKeys = genEC();
const ctKeys = genEC();
const tlogKeys = genEC();
const badTlogKeys = genEC();
const tsaKeys = genEC();
const rekor2Keys = crypto.generateKeyPairSync('ed25519');
const badRekor2Keys = crypto.generateKeyPairSync('ed25519');

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const pemOf = (der, label) =>
	`-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
const spkiDer = (k) => k.export({ type: 'spki', format: 'der' });
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

// ---------------------------------------------------------------------------------------------
// HTTP plumbing.

let requestCount = 0;
let baseURL = '';
let issuerURL = '';
const started = Date.now();

function send(res, status, body, headers = {}) {
	const buf = Buffer.isBuffer(body) ? body : Buffer.from(body ?? '');
	res.writeHead(status, { 'Content-Length': buf.length, ...headers });
	res.end(buf);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A fault status answers the request before any processing; *_status_count limits how many.
function takeFault(kind) {
	const st = settings[`${kind}_status`];
	if (!st) return 0;
	const cnt = settings[`${kind}_status_count`];
	if (cnt > 0) {
		settings[`${kind}_status_count`] = cnt - 1;
		if (cnt === 1) settings[`${kind}_status`] = 0;
	}
	return st;
}

const GRPC_OF_HTTP = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 503: 14, 504: 4 };
const FULCIO_FAULT_MSG = {
	429: 'rate limited',
	500: 'error communicating with CA backend',
	503: 'service unavailable',
	504: 'deadline exceeded',
};

function faultResponse(kind, status) {
	if (kind === 'fulcio') {
		return [status, fulcioBody(GRPC_OF_HTTP[status] ?? 2, FULCIO_FAULT_MSG[status] || 'injected fault'),
			{ 'Content-Type': 'application/json' }];
	}
	if (kind === 'rekor') {
		return [status, JSON.stringify({ code: status, message: 'unexpected result from transparency log' }),
			{ 'Content-Type': 'application/json' }];
	}
	return [status, 'injected fault\n', { 'Content-Type': 'text/plain' }];
}

// ---------------------------------------------------------------------------------------------
// OIDC issuer.

function signJwt(claims, { key = issuerKeys.privateKey, alg = 'RS256', kid = issuerKid } = {}) {
	const header = alg === 'none' ? { alg: 'none', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid };
	const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
	if (alg === 'none') return `${input}.`;
	return `${input}.${b64u(crypto.sign('sha256', Buffer.from(input), key))}`;
}

function mintClaims(preset, given) {
	const now = Math.floor(Date.now() / 1000);
	const base = { iss: issuerURL, aud: settings.audience, sub: 'picosign-test-subject', iat: now, nbf: now, exp: now + 300 };
	if (preset === 'buildkite') {
		const org = given.organization_slug || 'acme-inc';
		const pipe = given.pipeline_slug || 'super-duper-app';
		const commit = given.build_commit || '9f3182061f1e2cca4702c368cbc039b7dc9d4485';
		Object.assign(base, {
			iss: BUILDKITE_ISSUER,
			sub: `organization:${org}:pipeline:${pipe}:ref:refs/heads/main:commit:${commit}:step:build`,
			organization_slug: org,
			pipeline_slug: pipe,
			build_number: 52,
			build_branch: 'main',
			build_commit: commit,
			build_source: 'ui',
			step_key: 'build',
			job_id: '01943a38-f93e-4355-abe8-90a30369c270',
			agent_id: '01943a38-0000-4000-8000-000000000001',
			runner_environment: 'self-hosted',
		});
	} else if (preset === 'email') {
		Object.assign(base, { email: 'signer@picosign.test', email_verified: true });
	} else if (preset && preset !== 'plain') {
		throw new Error(`unknown preset ${preset}`);
	}
	const out = { ...base, ...given };
	for (const [k, v] of Object.entries(out)) if (v === null) delete out[k]; // null removes a claim
	return out;
}

function handleMint(url, body) {
	let given = {};
	if (body.length > 0) {
		given = JSON.parse(body.toString('utf8'));
		if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new Error('claims must be a JSON object');
	}
	const claims = mintClaims(url.searchParams.get('preset'), given);
	const key = url.searchParams.get('key') === 'unrelated' ? unrelatedIssuerKeys.privateKey : issuerKeys.privateKey;
	const alg = url.searchParams.get('alg') === 'none' ? 'none' : 'RS256';
	return signJwt(claims, { key, alg });
}

// ---------------------------------------------------------------------------------------------
// Token and proof-of-possession checks (Fulcio side).

function b64urlJson(seg, what) {
	if (!/^[A-Za-z0-9_-]*$/.test(seg)) throw tokenReject('token-malformed', `${what} is not base64url`);
	try {
		return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
	} catch {
		throw tokenReject('token-malformed', `${what} is not JSON`);
	}
}

function checkToken(token) {
	if (typeof token !== 'string' || token === '') throw tokenReject('token-missing', 'no identity token in body or Authorization header');
	const parts = token.split('.');
	if (parts.length !== 3) throw tokenReject('token-malformed', `JWT has ${parts.length} segments, want 3`);
	const header = b64urlJson(parts[0], 'JWT header');
	const claims = b64urlJson(parts[1], 'JWT claims');
	if (typeof claims !== 'object' || claims === null) throw tokenReject('token-malformed', 'claims are not an object');
	if (settings.check_token_signature) {
		if (header.alg !== 'RS256') throw tokenReject('token-signature', `unsupported alg ${JSON.stringify(header.alg)} (want RS256)`);
		const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), issuerKeys.publicKey,
			Buffer.from(parts[2], 'base64url'));
		if (!ok) throw tokenReject('token-signature', 'RS256 signature does not verify with the test issuer key');
	}
	if (settings.check_token_issuer) {
		const ok = [issuerURL, ...settings.accepted_issuers];
		if (!ok.includes(claims.iss)) throw tokenReject('token-issuer', `iss ${JSON.stringify(claims.iss)} is not an accepted issuer (${ok.join(', ')})`);
	}
	if (settings.check_token_audience) {
		const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
		if (!aud.includes(settings.audience)) throw tokenReject('token-audience', `aud ${JSON.stringify(claims.aud)} does not contain ${JSON.stringify(settings.audience)}`);
	}
	if (settings.check_token_expiry) {
		const now = Math.floor(Date.now() / 1000);
		if (typeof claims.exp !== 'number') throw tokenReject('token-expired', 'no numeric exp claim');
		if (claims.exp < now) throw tokenReject('token-expired', `token expired: exp ${claims.exp} < now ${now}`);
		// go-oidc allows 5 minutes of clock skew on nbf (not on exp).
		if (typeof claims.nbf === 'number' && claims.nbf > now + 300) throw tokenReject('token-expired', `token not yet valid: nbf ${claims.nbf} > now ${now} + 300`);
	}
	const hasEmail = typeof claims.email === 'string' && claims.email !== '';
	if (hasEmail && settings.check_email_verified) {
		const v = claims.email_verified;
		if (!(v === true || v === 'true' || v === 'True')) throw tokenReject('email-not-verified', `email ${claims.email} present but email_verified is ${JSON.stringify(v)}`);
	}
	return claims;
}

function isBuildkite(claims) {
	return claims.iss === BUILDKITE_ISSUER || ('organization_slug' in claims && 'pipeline_slug' in claims);
}

function parsePublicKey(content, encodedB64) {
	try {
		let raw = content;
		if (encodedB64) raw = Buffer.from(content, 'base64').toString('latin1');
		if (typeof raw !== 'string' || raw === '') throw new Error('empty');
		const key = raw.includes('-----BEGIN')
			? crypto.createPublicKey(raw)
			: crypto.createPublicKey({ key: Buffer.from(raw, 'latin1'), format: 'der', type: 'spki' });
		return key;
	} catch (e) {
		throw new Reject('fulcio/public-key', `public key could not be parsed: ${e.message}`, 400, fulcioBody(3, MSG_KEY));
	}
}

function checkPop(key, claims, popB64) {
	const principal = typeof claims.email === 'string' && claims.email !== '' ? claims.email : claims.sub;
	if (!settings.check_pop) return;
	if (typeof principal !== 'string' || principal === '') throw tokenReject('token-malformed', 'no email or sub claim to prove possession over');
	const sig = Buffer.from(typeof popB64 === 'string' ? popB64 : '', 'base64');
	let ok = false;
	try {
		ok = sig.length > 0 && crypto.verify('sha256', Buffer.from(principal, 'utf8'), key, sig);
	} catch {
		ok = false;
	}
	if (!ok) throw new Reject('fulcio/pop', `proof of possession over ${JSON.stringify(principal)} does not verify with the submitted key`, 400, fulcioBody(3, MSG_POP));
}

// ---------------------------------------------------------------------------------------------
// Certificate issuance.

let ca;
let badCa;
let caHandler;
let badCaHandler;

function ext(oid, value, legacy = false) {
	return { oid, value: String(value), legacy };
}

// Extensions and SAN for a Buildkite token, as the public-good Fulcio's ci-provider
// "buildkite-job" template produces them (protocol.md §4.4).
function buildkiteIdentity(claims) {
	const need = ['organization_slug', 'pipeline_slug'];
	if (settings.check_buildkite_claims) need.push('runner_environment', 'build_commit', 'build_source', 'build_number', 'job_id');
	for (const c of need) {
		if (claims[c] === undefined || claims[c] === null || claims[c] === '') throw tokenReject('buildkite-claims', `Buildkite token lacks claim ${c}`);
	}
	const pipeline = `${BUILDKITE_URL}/${claims.organization_slug}/${claims.pipeline_slug}`;
	const exts = [ext(OID.issuerV1, claims.iss, true), ext(OID.issuerV2, claims.iss)];
	if (claims.runner_environment !== undefined) exts.push(ext(OID.runnerEnv, claims.runner_environment));
	if (claims.build_commit !== undefined) exts.push(ext(OID.sourceDigest, claims.build_commit));
	if (claims.build_source !== undefined) exts.push(ext(OID.buildTrigger, claims.build_source));
	if (claims.build_number !== undefined && claims.job_id !== undefined) {
		exts.push(ext(OID.runInvocation, `${pipeline}/builds/${claims.build_number}#${claims.job_id}`));
	}
	if (settings.ext_token_subject && claims.sub) exts.push(ext(OID.tokenSubject, claims.sub));
	return { san: pipeline, exts };
}

// E-mail identities get an rfc822Name SAN (real Fulcio); the mock only does URI SANs, so this path
// follows the mock CA's template with the SAN type changed, using its root key and CT log.
async function issueEmailCert(useCa, spki, email, claims) {
	const key = await useCa.crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
	const now = new Date();
	const exts = [ext(OID.issuerV1, claims.iss, true), ext(OID.issuerV2, claims.iss)];
	if (settings.ext_token_subject && claims.sub) exts.push(ext(OID.tokenSubject, claims.sub));
	const tbs = {
		serialNumber: crypto.randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
		notBefore: now,
		notAfter: new Date(now.getTime() + 10 * 60 * 1000),
		issuer: 'CN=sigstore,O=sigstore.mock',
		publicKey: key,
		signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
		signingKey: useCa.keyPair.privateKey,
		extensions: [
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
			new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
			new x509.SubjectAlternativeNameExtension([{ type: 'email', value: email }], true),
			await x509.SubjectKeyIdentifierExtension.create(key, false, useCa.crypto),
			await x509.AuthorityKeyIdentifierExtension.create(useCa.keyPair.publicKey, false, useCa.crypto),
			...exts.map((e) => new x509.Extension(e.oid, false, e.legacy ? Buffer.from(e.value)
				: new asn1js.Utf8String({ value: e.value }).toBER(false))),
		],
	};
	const pre = await x509.X509CertificateGenerator.create(tbs, useCa.crypto);
	const sct = Buffer.from(await useCa.ctLog.log(pre.rawData, await useCa.issuerID));
	const list = Buffer.concat([Buffer.from([0x00, sct.length]), sct]);
	tbs.extensions.push(new x509.Extension(OID.sctList, false, new asn1js.OctetString({ valueHex: list }).toBER(false)));
	const cert = await x509.X509CertificateGenerator.create(tbs, useCa.crypto);
	return Buffer.from(cert.rawData);
}

// Returns [leafPEM, rootPEM]. Chooses the issuance path from the (already verified) claims.
async function issue(spki, keyPem, claims, token) {
	const useCa = settings.fulcio_bad_chain ? badCa : ca;
	const root = pemOf(ca.rootCertificate, 'CERTIFICATE');
	if (typeof claims.email === 'string' && claims.email !== '') {
		return { chain: [pemOf(await issueEmailCert(useCa, spki, claims.email, claims), 'CERTIFICATE'), root], path: 'email' };
	}
	if (isBuildkite(claims)) {
		const { san, exts } = buildkiteIdentity(claims);
		const der = await useCa.issueCertificate({ publicKey: spki, subjectAltName: san, extensions: exts });
		return { chain: [pemOf(der, 'CERTIFICATE'), root], path: 'buildkite' };
	}
	// Generic/GitHub-shaped tokens: the mock's own Fulcio handler (URI SAN = sub, GitHub claim OIDs).
	const h = settings.fulcio_bad_chain ? badCaHandler : caHandler;
	const r = await h.fn(JSON.stringify({ credentials: { oidcIdentityToken: token },
		publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: keyPem } } }));
	if (r.statusCode !== 201) throw new Reject('fulcio/issue', `mock CA refused: ${r.response}`, 400, fulcioBody(3, String(r.response)));
	const leaf = JSON.parse(r.response).signedCertificateEmbeddedSct.chain.certificates[0];
	return { chain: [leaf, root], path: 'mock' };
}

function keyForIssuance(key) {
	const d = key.asymmetricKeyDetails || {};
	if (key.asymmetricKeyType !== 'ec' || d.namedCurve !== 'prime256v1') {
		// The mock CA imports P-256 keys only; real Fulcio also takes P-384/RSA/Ed25519.
		throw new Reject('fulcio/key-type', `unsupported key type ${key.asymmetricKeyType} ${d.namedCurve || ''} (the mock CA certifies P-256 only)`,
			400, fulcioBody(3, 'signing algorithm not permitted: only ECDSA P-256 is supported by this test CA'));
	}
	return { spki: spkiDer(key), pem: key.export({ type: 'spki', format: 'pem' }) };
}

async function fulcioV2(req, body) {
	let json;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (e) {
		throw new Reject('fulcio/body', `request body is not JSON: ${e.message}`, 400, fulcioBody(3, 'invalid request body'));
	}
	let token = json?.credentials?.oidcIdentityToken;
	if (!token) {
		const auth = req.headers.authorization || '';
		if (auth.startsWith('Bearer ')) token = auth.slice(7);
	}
	const claims = checkToken(token);
	let key;
	if (json.publicKeyRequest) {
		key = parsePublicKey(json.publicKeyRequest?.publicKey?.content, false);
		checkPop(key, claims, json.publicKeyRequest.proofOfPossession);
	} else if (json.certificateSigningRequest) {
		let csr;
		try {
			csr = new x509.Pkcs10CertificateRequest(Buffer.from(json.certificateSigningRequest, 'base64').toString('latin1'));
		} catch (e) {
			throw new Reject('fulcio/csr', `CSR could not be parsed: ${e.message}`, 400, fulcioBody(3, 'The certificate signing request could not be parsed'));
		}
		if (settings.check_pop && !(await csr.verify())) {
			throw new Reject('fulcio/pop', 'CSR self-signature does not verify', 400, fulcioBody(3, MSG_POP));
		}
		key = crypto.createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
	} else {
		throw new Reject('fulcio/public-key', 'neither publicKeyRequest nor certificateSigningRequest', 400, fulcioBody(3, MSG_KEY));
	}
	const k = keyForIssuance(key);
	const { chain, path: p } = await issue(k.spki, k.pem, claims, token);
	log(`fulcio: issued (${p}${settings.fulcio_bad_chain ? ', bad chain' : ''}) for iss=${claims.iss} sub=${claims.sub}`);
	return [200, JSON.stringify({ signedCertificateEmbeddedSct: { chain: { certificates: chain } } }),
		{ 'Content-Type': 'application/json' }];
}

async function fulcioV1(req, body) {
	let json;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (e) {
		throw new Reject('fulcio/body', `request body is not JSON: ${e.message}`, 400, fulcioBody(3, 'invalid request body'));
	}
	const auth = req.headers.authorization || '';
	const claims = checkToken(auth.startsWith('Bearer ') ? auth.slice(7) : '');
	if (!json?.publicKey?.content) throw new Reject('fulcio/public-key', 'publicKey.content missing', 400, fulcioBody(3, MSG_KEY));
	const key = parsePublicKey(json.publicKey.content, true);
	checkPop(key, claims, json.signedEmailAddress);
	const k = keyForIssuance(key);
	const { chain, path: p } = await issue(k.spki, k.pem, claims, auth.slice(7));
	log(`fulcio v1: issued (${p}${settings.fulcio_bad_chain ? ', bad chain' : ''}) for iss=${claims.iss} sub=${claims.sub}`);
	return [201, chain.join('\n').trim(), { 'Content-Type': 'application/pem-certificate-chain' }];
}

// ---------------------------------------------------------------------------------------------
// Rekor.

let tlog;
const TREE_ID = crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
const entries = new Map(); // uuid (64 hex) -> {id, entry}
const byIndex = new Map(); // logIndex -> uuid

function reencodePem(text) {
	const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
	if (blocks.length === 0) throw new Error('no PEM block');
	return blocks.map((m) => pemOf(Buffer.from(m[2].replace(/\s+/g, ''), 'base64'), m[1])).join('');
}

// Validates a hashedrekord 0.0.1 proposal and returns the entry Rekor would store (it rebuilds the
// entry from the fields it knows, re-encoding signature and key), or throws a Reject.
function hashedrekord(json) {
	const bad = (d) => rekorReject('schema', d, `error processing entry: ${d}`);
	if (json?.kind !== 'hashedrekord') throw bad(`unsupported kind ${JSON.stringify(json?.kind)} (only hashedrekord and dsse)`);
	if (json.apiVersion !== '0.0.1') throw bad(`unsupported hashedrekord apiVersion ${JSON.stringify(json.apiVersion)}`);
	const spec = json.spec;
	const alg = spec?.data?.hash?.algorithm;
	const value = spec?.data?.hash?.value;
	const sigB64 = spec?.signature?.content;
	const keyB64 = spec?.signature?.publicKey?.content;
	if (typeof sigB64 !== 'string' || sigB64 === '') throw bad('validation failure: missing signature content');
	if (typeof keyB64 !== 'string' || keyB64 === '') throw bad('validation failure: missing public key content');
	if (typeof alg !== 'string' || typeof value !== 'string') throw bad('validation failure: missing data hash');
	const hexLen = { sha256: 64, sha384: 96, sha512: 128 }[alg];
	if (settings.check_rekor_hash) {
		if (!hexLen) throw rekorReject('hash', `hash algorithm ${JSON.stringify(alg)} not supported`, `error processing entry: validation failure: unsupported hash algorithm ${alg}`);
		if (value.length !== hexLen || !/^[0-9a-f]+$/.test(value)) {
			throw rekorReject('hash', `${alg} value is not ${hexLen} lower-case hex chars: ${JSON.stringify(value.slice(0, 80))}`,
				`error processing entry: validation failure: invalid value for ${alg} hash`);
		}
	}
	const sig = Buffer.from(sigB64, 'base64');
	let keyText;
	let pubKey;
	try {
		keyText = reencodePem(Buffer.from(keyB64, 'base64').toString('latin1'));
		pubKey = keyText.includes('BEGIN CERTIFICATE') ? new crypto.X509Certificate(keyText).publicKey : crypto.createPublicKey(keyText);
	} catch (e) {
		throw rekorReject('public-key', `publicKey.content is not a PEM certificate or public key: ${e.message}`, `error processing entry: invalid public key: ${e.message}`);
	}
	if (settings.check_rekor_signature) {
		let ok = false;
		let why = 'invalid signature when validating ASN.1 encoded signature';
		const digest = Buffer.from(value, 'hex');
		try {
			if (pubKey.asymmetricKeyType === 'ec') {
				ok = verifyP256Digest(pubKey, digest, sig);
			} else if (pubKey.asymmetricKeyType === 'rsa') {
				const prefix = { sha256: '3031300d060960864801650304020105000420', sha384: '3041300d060960864801650304020205000430',
					sha512: '3051300d060960864801650304020305000440' }[alg];
				const em = crypto.publicDecrypt({ key: pubKey, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
				ok = em.equals(Buffer.concat([Buffer.from(prefix, 'hex'), digest]));
				why = 'crypto/rsa: verification error';
			} else {
				why = `unsupported key type ${pubKey.asymmetricKeyType}`;
			}
		} catch (e) {
			why = `${why} (${e.message})`;
			ok = false;
		}
		if (!ok) throw rekorReject('signature', `signature over ${alg}:${value} does not verify with the given key: ${why}`, `error processing entry: verifying signature: ${why}`);
	}
	return {
		apiVersion: '0.0.1',
		kind: 'hashedrekord',
		spec: {
			data: { hash: { algorithm: alg, value } },
			signature: { content: sig.toString('base64'), publicKey: { content: Buffer.from(keyText).toString('base64') } },
		},
	};
}

// dsse 0.0.1: real Rekor's stored form (rekor_dsse.mjs); signatures checked unless
// check_rekor_signature is off.
function dsseEntry(json) {
	try {
		return dsseCanonical(json, { checkSignatures: settings.check_rekor_signature });
	} catch (e) {
		if (!(e instanceof DsseError)) throw e;
		throw rekorReject(e.id, e.message, `error processing entry: ${e.message}`);
	}
}

// The entry Rekor would store for a proposal (or the proposal itself with check_rekor_schema off).
function canonicalEntry(json) {
	if (!settings.check_rekor_schema) return json;
	if (json?.kind === 'dsse') return dsseEntry(json);
	return hashedrekord(json);
}

// The inclusion proof of a Rekor v1 entry in one RFC 6962 tree per run (the shard), pre-filled with
// --rekor-initial-size random leaves, so proofs have sibling hashes and a shard-local index unlike
// the global logIndex, as on the public instance (protocol.md §6.1, §6.4). The checkpoint is a Rekor
// v1 signed tree head: origin "<host:port> - <decimal tree id>", size, base64 root, a Timestamp
// extension line, and "— <host:port> base64(SHA-256(SPKI)[:4] || ECDSA-SHA256 DER)" (§6.5). With
// --rekor-one-leaf the mock's own one-leaf proof (index 0, size 1) is kept.
const rekor1Tree = new MerkleTree();

function rekor1Proof(body) {
	const idx = rekor1Tree.appendLeafHash(merkleLeafHash(body));
	const size = idx + 1;
	const host = new URL(baseURL).host;
	const hashes = rekor1Tree.inclusionProof(idx, size).map((h) => Buffer.from(h));
	if (settings.rekor_bad_proof) {
		if (hashes.length > 0) hashes[0][0] ^= 0x01;
		else hashes.push(crypto.randomBytes(32));
	}
	const root = rekor1Tree.root(size);
	const text = checkpointText(`${host} - ${BigInt(`0x${TREE_ID}`)}`, size, root, [`Timestamp: ${BigInt(Date.now()) * 1000000n}`]);
	const sig = crypto.sign('sha256', Buffer.from(text, 'utf8'), tlogKeys.privateKey);
	return {
		checkpoint: signedNote(text, [{ name: host, hint: sha256(spkiDer(tlogKeys.publicKey)).subarray(0, 4), sig }]),
		hashes: hashes.map((h) => h.toString('hex')),
		logIndex: idx,
		rootHash: root.toString('hex'),
		treeSize: size,
	};
}

function leafHash(obj) {
	return crypto.createHash('sha256').update(Buffer.from([0])).update(Buffer.from(canonicalize(obj))).digest('hex');
}

async function rekorCreate(body) {
	let json;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (e) {
		throw rekorReject('body', `request body is not JSON: ${e.message}`, `parsing body body from "" failed, because ${e.message}`);
	}
	const proposed = canonicalEntry(json);
	const uuid = leafHash(proposed);
	const id = TREE_ID + uuid;
	if (settings.check_rekor_duplicate && entries.has(uuid)) {
		throw new Reject('rekor/duplicate', `entry ${id} already exists`, 409,
			JSON.stringify({ code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${id}` }),
			);
	}
	const out = await tlog.log(proposed);
	const entry = Object.values(out)[0];
	if (opts.rekorTree) entry.verification.inclusionProof = rekor1Proof(Buffer.from(entry.body, 'base64'));
	if (settings.rekor_bad_set) {
		const setData = { body: entry.body, integratedTime: entry.integratedTime, logID: entry.logID, logIndex: entry.logIndex };
		entry.verification.signedEntryTimestamp = crypto.sign('sha256', Buffer.from(canonicalize(setData)), badTlogKeys.privateKey).toString('base64');
	}
	if (!entries.has(uuid)) {
		entries.set(uuid, { id, entry });
		byIndex.set(entry.logIndex, uuid);
	}
	const f1 = `${settings.rekor_bad_set ? ' (bad SET)' : ''}${settings.rekor_bad_proof ? ' (bad proof)' : ''}`;
	log(`rekor: logged ${id} logIndex=${entry.logIndex} kind=${proposed?.kind} proof=${entry.verification.inclusionProof.logIndex}/${entry.verification.inclusionProof.treeSize}${f1}`);
	return [201, JSON.stringify({ [id]: entry }), { 'Content-Type': 'application/json', ETag: id, Location: `/api/v1/log/entries/${id}` }];
}

function lookupUuid(s) {
	if (!/^([0-9a-f]{16})?[0-9a-f]{64}$/.test(s)) return null;
	const e = entries.get(s.slice(-64));
	if (!e || (s.length === 80 && s !== e.id)) return null;
	return e;
}

const notFound = (what) => [404, JSON.stringify({ code: 404, message: `${what} not found` }), { 'Content-Type': 'application/json' }];

function rekorRetrieve(body) {
	const json = JSON.parse(body.toString('utf8'));
	const found = [];
	for (const u of (json.entryUUIDs || []).slice(0, 10)) {
		const e = lookupUuid(String(u));
		if (e) found.push({ [e.id]: e.entry });
	}
	for (const i of (json.logIndexes || []).slice(0, 10)) {
		const u = byIndex.get(Number(i));
		if (u) found.push({ [entries.get(u).id]: entries.get(u).entry });
	}
	for (const p of (json.entries || []).slice(0, 10)) {
		let canon;
		try {
			canon = canonicalEntry(p);
		} catch {
			continue;
		}
		const e = entries.get(leafHash(canon));
		if (e) found.push({ [e.id]: e.entry });
	}
	return [200, JSON.stringify(found), { 'Content-Type': 'application/json' }];
}

// ---------------------------------------------------------------------------------------------
// Rekor v2 (rekor-tiles v2.3.0; cosign-v3.md §3.4, protocol.md §8.4). One RFC 6962 tree per run,
// pre-filled with --rekor2-initial-size random leaves so proofs have real paths; each entry gets
// a checkpoint of the tree right after it (size = index + 1), signed as a C2SP note by the
// Ed25519 log key under the log name = the host of the base URL (what verifiers derive from the
// trusted root's baseUrl). Errors as grpc-gateway writes them: {"code":<grpc>,"message":…,"details":[]}.

let rekor2Name = '';
let rekor2LogId = Buffer.alloc(0);
const rekor2Tree = new MerkleTree();
const rekor2Entries = new Map(); // leaf hash hex -> index

const grpcBody = (code, message) => JSON.stringify({ code, message, details: [] });
const rekor2Reject = (id, detail, message = 'invalid hashedrekord request') =>
	new Reject(`rekor2/${id}`, detail, 400, grpcBody(3, message));

function rekor2Init() {
	rekor2Name = new URL(baseURL).hostname;
	rekor2LogId = c2spKeyId(rekor2Name, ed25519Raw(rekor2Keys.publicKey));
	for (let i = 0; i < opts.rekor2InitialSize; i++) rekor2Tree.appendLeafHash(crypto.randomBytes(32));
}

// protojson bytes: standard or URL-safe base64, padded or not.
function pbBytes(v, what) {
	if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw rekor2Reject('schema', `${what} is not base64`, `proto: invalid value for bytes field ${what}`);
	return Buffer.from(v, 'base64');
}

function rekor2Checkpoint(size) {
	const origin = settings.rekor2_wrong_origin ? `${rekor2Name}.other` : rekor2Name;
	const root = size === 0 ? sha256(Buffer.alloc(0)) : rekor2Tree.root(size);
	const text = checkpointText(origin, size, root);
	const key = settings.rekor2_bad_checkpoint ? badRekor2Keys.privateKey : rekor2Keys.privateKey;
	const sig = crypto.sign(null, Buffer.from(text, 'utf8'), key);
	return signedNote(text, [{ name: rekor2Name, hint: rekor2LogId.subarray(0, 4), sig }]);
}

// Validates a hashedRekordRequestV002 (pkg/types/hashedrekord ToLogEntry) and returns the body.
function rekor2HashedRekord(hr) {
	if (!hr || typeof hr !== 'object') throw rekor2Reject('schema', 'hashedRekordRequestV002 is not an object');
	for (const k of Object.keys(hr)) {
		if (!['digest', 'signature'].includes(k)) throw rekor2Reject('schema', `unknown field ${k}`, `proto: unknown field "${k}"`);
	}
	const sig = hr.signature;
	const content = sig?.content === undefined ? Buffer.alloc(0) : pbBytes(sig.content, 'signature.content');
	if (content.length === 0) throw rekor2Reject('schema', 'missing signature');
	const ver = sig.verifier;
	if (!ver || typeof ver !== 'object') throw rekor2Reject('schema', 'missing verifier');
	const digest = hr.digest === undefined ? Buffer.alloc(0) : pbBytes(hr.digest, 'digest');
	if (digest.length === 0) throw rekor2Reject('schema', 'missing digest');
	let kd = ver.keyDetails ?? ver.key_details;
	if (typeof kd === 'number') kd = PublicKeyDetails[kd];
	const hd = HASH_OF_KEY_DETAILS[kd];
	if (!hd) throw rekor2Reject('key-details', `keyDetails ${JSON.stringify(kd)} is not a prehashed signing algorithm this peer supports`);
	const certB = ver.x509Certificate ?? ver.x509_certificate;
	const pubB = ver.publicKey ?? ver.public_key;
	if (!!certB === !!pubB) throw rekor2Reject('schema', 'verifier must contain exactly one of publicKey and x509Certificate', 'invalid hashedrekord request');
	const raw = pbBytes((certB || pubB).rawBytes ?? (certB || pubB).raw_bytes, 'verifier rawBytes');
	let key;
	try {
		key = certB ? new crypto.X509Certificate(raw).publicKey : crypto.createPublicKey({ key: raw, format: 'der', type: 'spki' });
	} catch (e) {
		throw rekor2Reject('verifier', `parsing verifier: ${e.message}`);
	}
	const d = key.asymmetricKeyDetails || {};
	const fits = kd.startsWith('PKIX_ECDSA_P256') ? key.asymmetricKeyType === 'ec' && d.namedCurve === 'prime256v1'
		: kd.startsWith('PKIX_RSA_PKCS1V15_') ? key.asymmetricKeyType === 'rsa' && `PKIX_RSA_PKCS1V15_${d.modulusLength}_SHA256` === kd
			: false;
	if (!fits) {
		throw rekor2Reject('key-details', `key ${key.asymmetricKeyType} ${d.namedCurve || d.modulusLength || ''} does not fit keyDetails ${kd} (this peer verifies P-256 and RSA PKCS#1 v1.5 only)`);
	}
	if (digest.length !== hd[2]) throw rekor2Reject('digest', `digest length (${digest.length}) does not match expected size (${hd[2]}) for algorithm ${hd[1].toUpperCase()}`);
	if (settings.check_rekor_signature) {
		let ok = false;
		try {
			if (key.asymmetricKeyType === 'ec') {
				ok = verifyP256Digest(key, digest, content);
			} else {
				const em = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, content);
				ok = em.equals(Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), digest]));
			}
		} catch {
			ok = false;
		}
		if (!ok) throw rekor2Reject('signature', `verifying signature: signature over digest ${digest.toString('hex')} does not verify with the given ${certB ? 'certificate' : 'key'}`);
	}
	const verifier = certB ? { keyDetails: kd, x509Certificate: { rawBytes: raw.toString('base64') } } : { keyDetails: kd, publicKey: { rawBytes: raw.toString('base64') } };
	return hashedRekordV2Body(digest, content, verifier);
}

function rekor2Create(body) {
	let json;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (e) {
		throw new Reject('rekor2/body', `request body is not JSON: ${e.message}`, 400, grpcBody(3, `proto: syntax error: ${e.message}`));
	}
	if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Reject('rekor2/body', 'request body is not a JSON object', 400, grpcBody(3, 'proto: syntax error: expected object'));
	const keys = Object.keys(json);
	const known = ['hashedRekordRequestV002', 'hashed_rekord_request_v002', 'dsseRequestV002', 'dsse_request_v002'];
	for (const k of keys) {
		if (!known.includes(k)) throw new Reject('rekor2/schema', `unknown field ${k}`, 400, grpcBody(3, `proto: unknown field "${k}"`));
	}
	if (keys.length > 1) throw new Reject('rekor2/schema', `more than one request type: ${keys.join(', ')}`, 400, grpcBody(3, 'proto: oneof dev.sigstore.rekor.v2.CreateEntryRequest.spec is already set'));
	const hr = json.hashedRekordRequestV002 ?? json.hashed_rekord_request_v002;
	if (!hr) {
		// rekor-tiles v2.3.0 dropped DSSE ("Drop DSSE support"); sigstore-go >= 1.2.0 logs DSSE as
		// hashedrekord over SHA-256(PAE).
		throw new Reject('rekor2/type', `request type ${keys[0] || '(none)'} is not hashedrekord`, 400, grpcBody(3, 'invalid type, must be hashedrekord'));
	}
	const canon = Buffer.from(rekor2HashedRekord(hr), 'utf8');
	const leaf = merkleLeafHash(canon);
	const leafHex = leaf.toString('hex');
	if (settings.check_rekor_duplicate && rekor2Entries.has(leafHex)) {
		const idx = rekor2Entries.get(leafHex);
		const msg = `an equivalent entry already exists in the transparency log with index ${idx}`;
		const e = new Reject('rekor2/duplicate', `entry ${leafHex} already exists at index ${idx}`, 409, grpcBody(6, msg));
		e.headers = { 'x-log-index': String(idx) };
		throw e;
	}
	const index = rekor2Tree.appendLeafHash(leaf);
	if (!rekor2Entries.has(leafHex)) rekor2Entries.set(leafHex, index);
	const size = index + 1;
	const hashes = rekor2Tree.inclusionProof(index, size).map((h) => Buffer.from(h));
	if (settings.rekor2_bad_proof) {
		if (hashes.length > 0) hashes[0][0] ^= 0x01;
		else hashes.push(crypto.randomBytes(32));
	}
	const tle = {
		logIndex: String(index),
		logId: { keyId: rekor2LogId.toString('base64') },
		kindVersion: { kind: 'hashedrekord', version: '0.0.2' },
		integratedTime: '0',
		inclusionPromise: null,
		inclusionProof: {
			logIndex: String(index),
			rootHash: rekor2Tree.root(size).toString('base64'),
			treeSize: String(size),
			hashes: hashes.map((h) => h.toString('base64')),
			checkpoint: { envelope: rekor2Checkpoint(size) },
		},
		canonicalizedBody: canon.toString('base64'),
	};
	const faults = ['rekor2_bad_proof', 'rekor2_bad_checkpoint', 'rekor2_wrong_origin'].filter((k) => settings[k]);
	log(`rekor2: logged index=${index} leaf=${leafHex}${faults.length ? ` (${faults.join(', ')})` : ''}`);
	return [201, JSON.stringify(tle), { 'Content-Type': 'application/json' }];
}

function rekor2Fault(status) {
	if (status === 405) {
		return [405, 'This log has been frozen, please switch to the latest log.\n', { 'Content-Type': 'text/plain' }];
	}
	const msg = { 429: 'rate limited', 500: 'failed to integrate entry', 503: 'reached max pushback; retry', 504: 'deadline exceeded' }[status] || 'injected fault';
	return [status, grpcBody(GRPC_OF_HTTP[status] ?? 2, msg), { 'Content-Type': 'application/json' }];
}

// ---------------------------------------------------------------------------------------------
// TSA requests: DER TimeStampReq (RFC 3161 §2.4.1, Content-Type application/timestamp-query, as
// cosign and picosign send it) or the JSON form sigstore-js sends ({artifactHash, hashAlgorithm,
// nonce?, certificates?, tsaPolicyOID?}). The token echoes the request's imprint and nonce (none
// when the DER request has none) unless tsa_bad_imprint / tsa_bad_nonce change them; it embeds
// the TSA signing certificate when certReq (JSON: certificates) is true.

const HASH_OIDS = { '2.16.840.1.101.3.4.2.1': 32, '2.16.840.1.101.3.4.2.2': 48, '2.16.840.1.101.3.4.2.3': 64 };
const HASH_OID_OF = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' };
const TSA_POLICY = '1.3.6.1.4.1.57264.2';
const tsaReject = (detail) => new Reject('tsa/request', detail, 400, `${detail}\n`);

function bigToBytes(n) {
	let hex = BigInt(n).toString(16);
	if (hex.length % 2) hex = `0${hex}`;
	if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
	return Buffer.from(hex, 'hex');
}

function parseTsaRequest(req, body) {
	const ct = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
	if (ct === 'application/timestamp-query' || (ct !== 'application/json' && body[0] === 0x30)) {
		let tsq;
		try {
			const asn = asn1js.fromBER(new Uint8Array(body));
			if (asn.offset === -1) throw new Error(asn.result.error || 'bad BER');
			if (asn.offset !== body.length) throw new Error(`${body.length - asn.offset} trailing bytes`);
			tsq = new pkijs.TimeStampReq({ schema: asn.result });
		} catch (e) {
			throw tsaReject(`TimeStampReq does not parse: ${e.message}`);
		}
		if (tsq.version !== 1) throw tsaReject(`TimeStampReq version ${tsq.version}, want 1`);
		const oid = tsq.messageImprint.hashAlgorithm.algorithmId;
		const hash = Buffer.from(tsq.messageImprint.hashedMessage.valueBlock.valueHexView);
		if (!HASH_OIDS[oid]) throw tsaReject(`unsupported hash algorithm ${oid}`);
		if (hash.length !== HASH_OIDS[oid]) throw tsaReject(`message imprint is ${hash.length} bytes, want ${HASH_OIDS[oid]} for ${oid}`);
		return {
			form: 'der',
			artifactHash: hash,
			hashAlgorithmOID: oid,
			nonce: tsq.nonce ? Buffer.from(tsq.nonce.valueBlock.valueHexView) : null,
			policyOID: tsq.reqPolicy || TSA_POLICY,
			certReq: tsq.certReq === true,
		};
	}
	let json;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (e) {
		throw tsaReject(`request is neither DER nor JSON: ${e.message}`);
	}
	const name = String(json.hashAlgorithm || 'sha256').toLowerCase().replace('-', '');
	const oid = HASH_OID_OF[name];
	const hash = Buffer.from(String(json.artifactHash || ''), 'base64');
	if (!oid) throw tsaReject(`unsupported hash algorithm ${json.hashAlgorithm}`);
	if (hash.length !== HASH_OIDS[oid]) throw tsaReject(`artifactHash is ${hash.length} bytes, want ${HASH_OIDS[oid]}`);
	return {
		form: 'json',
		artifactHash: hash,
		hashAlgorithmOID: oid,
		nonce: bigToBytes(json.nonce || 1234567890), // the mock's default when none is given
		policyOID: json.tsaPolicyOID || TSA_POLICY,
		certReq: json.certificates ?? false,
	};
}

async function tsaStamp(req, body) {
	const r = parseTsaRequest(req, body);
	const asked = { imprint: r.artifactHash.toString('hex'), nonce: r.nonce ? r.nonce.toString('hex') : 'none' };
	if (settings.tsa_bad_imprint) {
		r.artifactHash = Buffer.from(r.artifactHash);
		r.artifactHash[r.artifactHash.length - 1] ^= 0x01;
	}
	if (settings.tsa_bad_nonce) {
		if (r.nonce) {
			r.nonce = Buffer.from(r.nonce);
			r.nonce[r.nonce.length - 1] ^= 0x01;
		} else {
			r.nonce = Buffer.from([0x2a]);
		}
	}
	const resp = await tsaImpl.timestamp(r);
	const faults = ['tsa_bad_imprint', 'tsa_bad_nonce'].filter((k) => settings[k]);
	log(`tsa: stamped (${r.form}) imprint=${asked.imprint.slice(0, 16)}… nonce=${asked.nonce} certReq=${r.certReq}${faults.length ? ` (${faults.join(', ')})` : ''}`);
	return [201, resp, { 'Content-Type': 'application/timestamp-reply' }];
}

// ---------------------------------------------------------------------------------------------
// Router.

let tsaImpl;
let trustedRootJson;

async function route(req, url, body) {
	const m = req.method;
	const p = url.pathname;
	const json = { 'Content-Type': 'application/json' };
	if (m === 'GET' && p === '/health') return [200, 'ok\n', { 'Content-Type': 'text/plain' }];
	if (m === 'GET' && p === '/.well-known/openid-configuration') {
		return [200, JSON.stringify({
			issuer: issuerURL, jwks_uri: `${issuerURL}/jwks`, token_endpoint: `${issuerURL}/mint`,
			response_types_supported: ['id_token'], subject_types_supported: ['public'],
			id_token_signing_alg_values_supported: ['RS256'],
		}), json];
	}
	if (m === 'GET' && p === '/jwks') {
		const jwk = issuerKeys.publicKey.export({ format: 'jwk' });
		return [200, JSON.stringify({ keys: [{ ...jwk, kid: issuerKid, alg: 'RS256', use: 'sig' }] }), json];
	}
	if (m === 'POST' && p === '/mint') return [200, handleMint(url, body), { 'Content-Type': 'application/jwt' }];
	if (p === '/control') {
		if (m === 'POST') {
			const obj = body.length ? JSON.parse(body.toString('utf8')) : {};
			if (obj.reset === true) {
				settings = structuredClone(DEFAULTS);
				delete obj.reset;
			}
			applySettings(obj, 'control');
			log(`control: ${JSON.stringify(obj)}`);
		}
		return [200, JSON.stringify(settings), json];
	}
	if (m === 'GET' && p === '/trusted_root.json') return [200, trustedRootJson, json];

	if (p === '/api/v2/signingCert' || p === '/api/v1/signingCert') {
		if (m !== 'POST') return [405, fulcioBody(12, 'Method Not Allowed'), json];
		if (settings.fulcio_delay_ms) await sleep(settings.fulcio_delay_ms);
		const st = takeFault('fulcio');
		if (st) throw new Reject('fault/fulcio-status', `injected status ${st}`, ...faultResponse('fulcio', st).slice(0, 2));
		return p.includes('/v2/') ? fulcioV2(req, body) : fulcioV1(req, body);
	}
	if (m === 'GET' && p === '/api/v2/trustBundle') {
		return [200, JSON.stringify({ chains: [{ certificates: [pemOf(ca.rootCertificate, 'CERTIFICATE')] }] }), json];
	}
	if (m === 'GET' && p === '/api/v1/rootCert') {
		return [200, pemOf(ca.rootCertificate, 'CERTIFICATE'), { 'Content-Type': 'application/pem-certificate-chain' }];
	}
	if (m === 'GET' && p === '/api/v2/configuration') {
		const iss = [issuerURL, ...settings.accepted_issuers].map((u) => ({
			issuerUrl: u, audience: settings.audience, challengeClaim: 'sub', spiffeTrustDomain: '',
			issuerType: u === BUILDKITE_ISSUER ? 'ci-provider' : 'test', subjectDomain: '', skipEmailVerification: false,
		}));
		return [200, JSON.stringify({ issuers: iss }), json];
	}

	if (p.startsWith('/api/v1/log')) {
		if (settings.rekor_delay_ms) await sleep(settings.rekor_delay_ms);
		const st = takeFault('rekor');
		if (st) throw new Reject('fault/rekor-status', `injected status ${st}`, ...faultResponse('rekor', st).slice(0, 2));
		if (m === 'POST' && p === '/api/v1/log/entries') return rekorCreate(body);
		if (m === 'POST' && p === '/api/v1/log/entries/retrieve') return rekorRetrieve(body);
		if (m === 'GET' && p === '/api/v1/log/entries') {
			const u = byIndex.get(Number(url.searchParams.get('logIndex')));
			return u ? [200, JSON.stringify({ [entries.get(u).id]: entries.get(u).entry }), json] : notFound('log index');
		}
		if (m === 'GET' && p.startsWith('/api/v1/log/entries/')) {
			const e = lookupUuid(p.slice('/api/v1/log/entries/'.length));
			return e ? [200, JSON.stringify({ [e.id]: e.entry }), json] : notFound('entry');
		}
		if (m === 'GET' && p === '/api/v1/log/publicKey') {
			return [200, tlogKeys.publicKey.export({ type: 'spki', format: 'pem' }), { 'Content-Type': 'application/x-pem-file' }];
		}
	}
	if (p === '/api/v1/timestamp' && tsaImpl && m === 'POST') {
		if (settings.tsa_delay_ms) await sleep(settings.tsa_delay_ms);
		const st = takeFault('tsa');
		if (st) throw new Reject('fault/tsa-status', `injected status ${st}`, ...faultResponse('tsa', st).slice(0, 2));
		return tsaStamp(req, body);
	}
	if (opts.rekorV2 && p === '/api/v2/log/entries') {
		if (m !== 'POST') return [405, grpcBody(12, 'Method Not Allowed'), json];
		if (settings.rekor2_delay_ms) await sleep(settings.rekor2_delay_ms);
		const st = takeFault('rekor2');
		if (st) {
			const [s2, b2] = rekor2Fault(st);
			throw new Reject('fault/rekor2-status', `injected status ${st}`, s2, b2);
		}
		return rekor2Create(body);
	}
	if (opts.rekorV2 && m === 'GET' && p === '/api/v2/checkpoint') {
		return [200, rekor2Checkpoint(rekor2Tree.size), { 'Content-Type': 'text/plain; charset=utf-8' }];
	}
	return [404, JSON.stringify({ code: 5, message: 'Not Found' }), json];
}

let server;
let exiting = false;

function shutdown(why, code = 0) {
	if (exiting) return;
	exiting = true;
	log(`exiting: ${why} (${requestCount} requests, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	server?.close();
	setTimeout(() => process.exit(code), 50).unref();
	server?.closeAllConnections?.();
	setImmediate(() => process.exit(code));
}

function onRequest(req, res) {
	const t0 = Date.now();
	const n = ++requestCount;
	if (n > opts.maxRequests) {
		send(res, 503, 'request limit reached\n', { Connection: 'close' });
		shutdown('request limit reached');
		return;
	}
	const chunks = [];
	let size = 0;
	let tooBig = false;
	req.on('data', (c) => {
		if (tooBig) return;
		size += c.length;
		if (size > opts.maxBody) {
			tooBig = true;
			return;
		}
		chunks.push(c);
	});
	req.on('end', async () => {
		const url = new URL(req.url, baseURL);
		let status;
		let payload;
		let headers;
		if (tooBig) {
			log(`reject body/too-large: ${req.method} ${url.pathname} body exceeds ${opts.maxBody} bytes`);
			[status, payload, headers] = [413, JSON.stringify({ code: 413, message: 'request body too large' }), { 'Content-Type': 'application/json', Connection: 'close' }];
		} else {
			try {
				[status, payload, headers] = await route(req, url, Buffer.concat(chunks));
			} catch (e) {
				if (e instanceof Reject) {
					log(`reject ${e.id}: ${e.message}`);
					const ct = typeof e.body === 'string' && e.body.startsWith('{') ? 'application/json' : 'text/plain';
					headers = { 'Content-Type': ct, ...(e.headers || {}) };
					if (e.status === 409 && e.id.startsWith('rekor/')) {
						const id = e.message.split(' ')[1];
						headers.Location = `/api/v1/log/entries/${id}`;
					}
					[status, payload] = [e.status, e.body];
				} else {
					log(`reject bad-request: ${req.method} ${url.pathname}: ${e.message}`);
					[status, payload, headers] = [400, JSON.stringify({ code: 400, message: e.message }), { 'Content-Type': 'application/json' }];
				}
			}
		}
		send(res, status, payload, headers);
		log(`#${n} ${req.method} ${url.pathname}${url.search} -> ${status} (${Date.now() - t0} ms)`);
		if (n === opts.maxRequests) shutdown('request limit reached');
	});
}

// ---------------------------------------------------------------------------------------------
// Start-up.

function writeAtomic(file, data, mode = 0o644) {
	const tmp = `${file}.tmp${process.pid}`;
	fs.writeFileSync(tmp, data, { mode });
	fs.renameSync(tmp, file);
}

function buildTrustedRoot(tsa) {
	const start = new Date(Date.now() - 24 * 3600 * 1000);
	const logInstance = (url, spki) => ({
		baseUrl: url,
		hashAlgorithm: HashAlgorithm.SHA2_256,
		publicKey: { rawBytes: spki, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start } },
		logId: { keyId: sha256(spki) },
	});
	const tlogs = [logInstance(baseURL, spkiDer(tlogKeys.publicKey))];
	if (opts.rekorV2) {
		// Rekor v2: Ed25519 key, logId = the C2SP note key id under the log name (cosign-v3.md §3.3).
		tlogs.push({
			baseUrl: baseURL,
			hashAlgorithm: HashAlgorithm.SHA2_256,
			publicKey: { rawBytes: spkiDer(rekor2Keys.publicKey), keyDetails: PublicKeyDetails.PKIX_ED25519, validFor: { start } },
			logId: { keyId: rekor2LogId },
		});
	}
	const root = {
		mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
		tlogs,
		certificateAuthorities: [{
			subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
			uri: baseURL,
			certChain: { certificates: [{ rawBytes: ca.rootCertificate }] },
			validFor: { start },
		}],
		ctlogs: [logInstance(baseURL, spkiDer(ctKeys.publicKey))],
		timestampAuthorities: tsa ? [{
			subject: { organization: 'sigstore.mock', commonName: 'tsa' },
			uri: `${baseURL}/api/v1/timestamp`,
			certChain: { certificates: [{ rawBytes: tsa.intCertificate }, { rawBytes: tsa.rootCertificate }] },
			validFor: { start },
		}] : [],
	};
	return JSON.stringify(TrustedRoot.toJSON(root), null, 2) + '\n';
}

// Signing configs (application/vnd.dev.sigstore.signingconfig.v0.2+json, the shape of the
// public-good signing_config.v0.2.json / signing_config_rekor_v2.v0.2.json, cosign-v3.md §3.1).
// Every validFor.start lies in the past; the v2 log starts later than the v1 log, as log2025-1
// does, so start-date-first selectors (sigstore-js) and highest-version-first ones (sigstore-go)
// both pick it from the combined config.
function signingConfig(rekor) {
	const ago = (days) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
	const svc = (url, v, days) => ({ url, majorApiVersion: v, validFor: { start: ago(days) }, operator: 'picosign.test' });
	const cfg = {
		mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
		caUrls: [svc(baseURL, 1, 2)],
		oidcUrls: [svc(issuerURL, 1, 2)],
		rekorTlogUrls: rekor.map((v) => (v === 2 ? svc(baseURL, 2, 1) : svc(baseURL, 1, 2))),
		tsaUrls: opts.tsa ? [svc(`${baseURL}/api/v1/timestamp`, 1, 2)] : [],
		rekorTlogConfig: { selector: 'ANY' },
	};
	if (opts.tsa) cfg.tsaConfig = { selector: 'ANY' };
	return JSON.stringify(cfg, null, 2) + '\n';
}

async function main() {
	fs.mkdirSync(opts.stateDir, { recursive: true });
	server = opts.tlsCert
		? https.createServer({ cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) }, onRequest)
		: http.createServer(onRequest);
	server.requestTimeout = 30000;
	server.headersTimeout = 10000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, '127.0.0.1', resolve);
	});
	const port = server.address().port;
	baseURL = `${opts.tlsCert ? 'https' : 'http'}://127.0.0.1:${port}`;
	issuerURL = baseURL;

	const ctlog = await mock.initializeCTLog(ctKeys);
	ca = await mock.initializeCA(caKeys, ctlog);
	badCa = await mock.initializeCA(badCaKeys, ctlog);
	caHandler = mock.fulcioHandler(ca, { strict: true, subjectClaim: 'sub' });
	badCaHandler = mock.fulcioHandler(badCa, { strict: true, subjectClaim: 'sub' });
	tlog = await mock.initializeTLog(baseURL, tlogKeys);
	let tsa = null;
	if (opts.tsa) {
		tsa = await mock.initializeTSA(tsaKeys);
		// pkijs writes genTime with trailing fraction zeros dropped (".81Z"), which is what RFC 3161
		// asks for, but @sigstore/core 3.2.1 only parses exactly three fraction digits ("invalid
		// time" in ~10% of runs). By default keep the millisecond count off multiples of 10 so the
		// fraction always has three digits; tsa_gentime_digits 2/1/0 makes shorter ones on purpose
		// (clients must accept them; sigstore-js cannot).
		tsa.getCurrentTime = () => {
			const d = new Date();
			const ms = d.getUTCMilliseconds();
			const digits = settings.tsa_gentime_digits;
			if (digits >= 3) {
				if (ms % 10 === 0) d.setUTCMilliseconds(ms + 1);
			} else if (digits === 2) {
				d.setUTCMilliseconds(Math.floor(ms / 10) * 10 % 100 === 0 ? Math.floor(ms / 100) * 100 + 10 : Math.floor(ms / 10) * 10);
			} else if (digits === 1) {
				d.setUTCMilliseconds(Math.max(100, Math.floor(ms / 100) * 100));
			} else {
				d.setUTCMilliseconds(0);
			}
			return d;
		};
		// The mock's TSTInfo always carries a (numeric) nonce; echo the request's nonce bytes
		// instead, and none when the request has none (RFC 3161 §2.4.2).
		const baseTstInfo = tsa.tstInfo.bind(tsa);
		tsa.tstInfo = (req) => {
			const info = baseTstInfo({ ...req, nonce: 1 });
			info.nonce = req.nonce ? new asn1js.Integer({ valueHex: new Uint8Array(req.nonce) }) : undefined;
			return info;
		};
		tsaImpl = tsa;
	}
	if (opts.rekorV2) rekor2Init();
	for (let i = 0; i < opts.rekorInitialSize; i++) rekor1Tree.appendLeafHash(crypto.randomBytes(32));
	trustedRootJson = buildTrustedRoot(tsa);

	const d = opts.stateDir;
	writeAtomic(path.join(d, 'trusted_root.json'), trustedRootJson);
	writeAtomic(path.join(d, 'signing_config.json'), signingConfig(opts.rekorV2 ? [2, 1] : [1]));
	writeAtomic(path.join(d, 'signing_config_v1only.json'), signingConfig([1]));
	if (opts.rekorV2) {
		writeAtomic(path.join(d, 'signing_config_v2.json'), signingConfig([2]));
		writeAtomic(path.join(d, 'rekor2.pub'), rekor2Keys.publicKey.export({ type: 'spki', format: 'pem' }));
		writeAtomic(path.join(d, 'rekor2_log_id'), `${rekor2LogId.toString('base64')}\n`);
		writeAtomic(path.join(d, 'rekor2_origin'), `${rekor2Name}\n`);
	} else {
		fs.rmSync(path.join(d, 'signing_config_v2.json'), { force: true });
	}
	writeAtomic(path.join(d, 'fulcio_root.pem'), pemOf(ca.rootCertificate, 'CERTIFICATE'));
	writeAtomic(path.join(d, 'rekor.pub'), tlogKeys.publicKey.export({ type: 'spki', format: 'pem' }));
	writeAtomic(path.join(d, 'ctfe.pub'), ctKeys.publicKey.export({ type: 'spki', format: 'pem' }));
	if (tsa) {
		writeAtomic(path.join(d, 'tsa_chain.pem'), pemOf(tsa.intCertificate, 'CERTIFICATE') + pemOf(tsa.rootCertificate, 'CERTIFICATE'));
		writeAtomic(path.join(d, 'tsa_signing.pem'), pemOf(tsa.intCertificate, 'CERTIFICATE'));
		writeAtomic(path.join(d, 'tsa_root.pem'), pemOf(tsa.rootCertificate, 'CERTIFICATE'));
	}
	writeAtomic(path.join(d, 'issuer.key'), issuerKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
	writeAtomic(path.join(d, 'issuer.pub'), issuerKeys.publicKey.export({ type: 'spki', format: 'pem' }));
	writeAtomic(path.join(d, 'issuer_kid'), `${issuerKid}\n`);
	writeAtomic(path.join(d, 'issuer_url'), `${issuerURL}\n`);
	writeAtomic(path.join(d, 'url'), `${baseURL}\n`);
	writeAtomic(path.join(d, 'ports'), `${port}\n`);
	writeAtomic(path.join(d, 'ready'), `${port}\n`);

	setTimeout(() => shutdown(`lifetime of ${opts.maxLifetime} s reached`), opts.maxLifetime * 1000);
	log(`listening on ${baseURL} (pid ${process.pid}, tsa ${opts.tsa ? 'on' : 'off'}, rekor v2 ${opts.rekorV2 ? `on, origin ${rekor2Name}, ${rekor2Tree.size} leaves` : 'off'}, lifetime ${opts.maxLifetime} s, max ${opts.maxRequests} requests)`);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
main().catch((e) => {
	log(`start-up failed: ${e.stack || e}`);
	process.exit(1);
});
