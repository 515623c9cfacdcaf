#!/usr/bin/env node
// tufjs-client.mjs: runs tuf-js 5.0.1 (the reference TUF client in JavaScript) against a mirror
// served by serve.mjs, and prints its verdict as one JSON line per case. It proves that the
// repositories gen-repos.mjs writes mean what their case.json says, and it is the second opinion
// picosign's own `initialize` is compared with.
//
// Usage:
//   node tufjs-client.mjs --case CASE_DIR --url URL [--cache DIR] [--timeout-ms N] [--now ISO] [--drop F,F]
//   node tufjs-client.mjs --cases MATRIX_DIR --url BASE_URL [--only NAME,NAME] [--cache DIR] ...
//   node tufjs-client.mjs --public-good VECTOR_DIR --url URL [--cache DIR] [--now ISO]
//     --case      one case directory (case.json, trusted/); URL is where its repo/ is served
//     --cases     every case of a matrix in one process (case URL = BASE_URL/<name>, as
//                 serve.mjs --cases serves them); --only restricts to some names
//     --public-good  the public-good vector: trusted root = VECTOR_DIR/1.root.json, URL serves
//                 VECTOR_DIR; the case is named "public-good"
//     --cache     parent for the per-case cache directories (default: a fresh directory under
//                 $TMPDIR, removed at exit); each case gets CACHE/<name>/{metadata,targets}
//     --timeout-ms  tuf-js fetchTimeout per request (default 5000; a case's client_timeout_s
//                 overrides it); retries are off
//     --drop F,F  do not copy these trusted/ files (e.g. timestamp.json,snapshot.json: what TUF
//                 5.3.11 deletes; tuf_peer.sh uses it to show a fast-forward case is sound)
//     --now       pin the clock inside this process (Date) to ISO, e.g. 2026-08-22T00:00:00Z:
//                 the in-process alternative to faketime (which also works with Node here)
// For each case: copy trusted/* into a fresh metadata dir, Updater.refresh() from URL, then
// getTargetInfo + downloadTarget for `trusted_root.json` and `signing_config.v0.2.json`
// (targets from URL/targets/<sha256>.<name>). Output, one line each:
//   {"case":NAME,"verdict":"accept"|"refuse","error":"<ErrorClass>: <message>" or "",
//    "versions":{"root":N,"timestamp":N,"snapshot":N,"targets":N} (what tuf-js trusts at the end),
//    "targets":{"trusted_root.json":"<sha256 of the downloaded bytes>",...}}
// Exit status 0 whatever the verdicts; 2 on a usage error.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { npmRequire, parseArgs, die2 } from '../sigstore/npm.mjs';

const PROG = 'tufjs-client.mjs';
const USAGE = '(--case DIR | --cases MATRIX [--only A,B] | --public-good VECTOR_DIR) --url URL [--cache DIR] [--timeout-ms N] [--now ISO] [--drop F,F]';
const args = parseArgs(PROG, {
	case: 'string', cases: 'string', only: 'string', 'public-good': 'string', url: 'string',
	cache: 'string', 'timeout-ms': 'string', now: 'string', drop: 'string',
}, USAGE);
const drop = new Set((args.drop || '').split(',').filter(Boolean));

const modes = ['case', 'cases', 'public-good'].filter((m) => args[m] !== undefined);
if (modes.length !== 1) die2(PROG, 'give exactly one of --case, --cases, --public-good', USAGE);
if (!args.url || !/^https?:\/\/[^/]+/.test(args.url)) die2(PROG, '--url http(s)://host:port[/prefix] is required', USAGE);
const baseTimeout = args['timeout-ms'] !== undefined ? Number(args['timeout-ms']) : 5000;
if (!Number.isInteger(baseTimeout) || baseTimeout < 1) die2(PROG, '--timeout-ms needs a positive integer', USAGE);

if (args.now !== undefined) {
	const fixed = Date.parse(args.now);
	if (Number.isNaN(fixed)) die2(PROG, `--now: cannot parse ${args.now}`, USAGE);
	const RealDate = Date;
	const offset = fixed - RealDate.now();
	// new Date() and Date.now() run from ISO onwards; explicit dates are untouched.
	class PinnedDate extends RealDate {
		constructor(...a) {
			if (a.length === 0) super(RealDate.now() + offset);
			else super(...a);
		}

		static now() {
			return RealDate.now() + offset;
		}
	}
	globalThis.Date = PinnedDate;
}

const { Updater } = npmRequire('tuf-js');

const TARGETS = ['trusted_root.json', 'signing_config.v0.2.json'];
const trimSlash = (u) => u.replace(/\/+$/, '');

function describe(e) {
	const cls = e?.constructor?.name || 'Error';
	let msg = e?.message || String(e);
	if (e?.cause?.message) msg += ` (cause: ${e.cause.message})`;
	if (e?.statusCode) msg += ` (HTTP ${e.statusCode})`;
	return `${cls}: ${msg}`.replace(/\s+/g, ' ');
}

async function runOne(name, trustedFiles, url, cacheParent, timeoutMs) {
	const dir = fs.mkdtempSync(path.join(cacheParent, `${name}-`));
	const metadataDir = path.join(dir, 'metadata');
	const targetDir = path.join(dir, 'targets');
	fs.mkdirSync(metadataDir);
	fs.mkdirSync(targetDir);
	for (const [dest, src] of trustedFiles) fs.copyFileSync(src, path.join(metadataDir, dest));
	const out = { case: name, verdict: 'refuse', error: '' };
	let updater;
	try {
		updater = new Updater({
			metadataDir, metadataBaseUrl: trimSlash(url), targetDir, targetBaseUrl: `${trimSlash(url)}/targets`,
			config: { fetchTimeout: timeoutMs, fetchRetry: 0 },
		});
		await updater.refresh();
		const got = {};
		for (const t of TARGETS) {
			const info = await updater.getTargetInfo(t);
			if (!info) throw new Error(`target ${t} is not listed in the targets metadata`);
			const file = await updater.downloadTarget(info);
			got[t] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
		}
		out.verdict = 'accept';
		out.targets = got;
	} catch (e) {
		out.error = describe(e);
	}
	const ts = updater?.trustedSet;
	if (ts) {
		out.versions = {};
		for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
			const md = ts.getRole(role);
			if (md) out.versions[role] = md.signed.version;
		}
	}
	return out;
}

function caseInputs(caseDir) {
	let meta;
	try {
		meta = JSON.parse(fs.readFileSync(path.join(caseDir, 'case.json'), 'utf8'));
	} catch (e) {
		die2(PROG, `${caseDir}: ${e.message}`, USAGE);
	}
	const tdir = path.join(caseDir, 'trusted');
	const files = fs.readdirSync(tdir).filter((f) => f.endsWith('.json') && !drop.has(f)).map((f) => [f, path.join(tdir, f)]);
	const timeout = meta.client_timeout_s ? Math.min(baseTimeout, meta.client_timeout_s * 1000) : baseTimeout;
	return { name: meta.name, files, timeout };
}

let cacheParent;
let removeCache = false;
if (args.cache) {
	fs.mkdirSync(args.cache, { recursive: true });
	cacheParent = args.cache;
} else {
	cacheParent = fs.mkdtempSync(path.join(os.tmpdir(), 'tufjs-client-'));
	removeCache = true;
}

const jobs = [];
if (args.case !== undefined) {
	const c = caseInputs(args.case);
	jobs.push({ ...c, url: args.url });
} else if (args.cases !== undefined) {
	let names = fs.readdirSync(args.cases).filter((n) => fs.existsSync(path.join(args.cases, n, 'case.json'))).sort();
	if (args.only) {
		const want = new Set(args.only.split(',').filter(Boolean));
		for (const w of want) if (!names.includes(w)) die2(PROG, `no case ${w} in ${args.cases}`, USAGE);
		names = names.filter((n) => want.has(n));
	}
	for (const n of names) jobs.push({ ...caseInputs(path.join(args.cases, n)), url: `${trimSlash(args.url)}/${n}` });
} else {
	const root = path.join(args['public-good'], '1.root.json');
	if (!fs.existsSync(root)) die2(PROG, `${root} not found`, USAGE);
	jobs.push({ name: 'public-good', files: [['root.json', root]], timeout: baseTimeout, url: args.url });
}

for (const j of jobs) {
	const r = await runOne(j.name, j.files, j.url, cacheParent, j.timeout);
	process.stdout.write(`${JSON.stringify(r)}\n`);
}
if (removeCache) fs.rmSync(cacheParent, { recursive: true, force: true });
// Explicit exit: a body tuf-js stopped reading (endless or dripping responses) would otherwise
// keep its socket, and the process, alive.
process.exit(0);
