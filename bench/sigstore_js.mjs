#!/usr/bin/env node
// sigstore_js: the same bundle verified by sigstore-js (@sigstore/verify, the version pinned in
// tests/npm/package.json) in one Node process, for make bench's comparison (never in tests).
//
//   node bench/sigstore_js.mjs BUNDLE TRUSTED_ROOT ARTIFACT IDENTITY ISSUER N
//
// Loads the packages and the trusted root once, then N times: parses the bundle JSON, builds
// the signed entity over the artifact's bytes and verifies it against the identity (what
// bench/verify_loop.c times for picosign). Prints "sigstore_js_loop: N in S s: R per second,
// M ms each; CPU C s: P per CPU second" (the JIT's and the collector's threads count as CPU
// too) and, first, the time to load the modules and the root (a process's start-up).
import fs from 'node:fs';
import { npmRequire } from '../tests/sigstore/npm.mjs';

const [bundlePath, rootPath, artPath, identity, issuer, nArg] = process.argv.slice(2);
if (!nArg) {
	process.stderr.write('usage: sigstore_js.mjs BUNDLE TRUSTED_ROOT ARTIFACT IDENTITY ISSUER N\n');
	process.exit(2);
}
const t0 = process.hrtime.bigint();
const { bundleFromJSON } = npmRequire('@sigstore/bundle');
const { TrustedRoot } = npmRequire('@sigstore/protobuf-specs');
const { toTrustMaterial, toSignedEntity, Verifier } = npmRequire('@sigstore/verify');
const version = JSON.parse(fs.readFileSync(npmRequire.resolve('@sigstore/verify/package.json'),
	'utf8')).version;
const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
const verifier = new Verifier(trust);
const bundleText = fs.readFileSync(bundlePath, 'utf8');
const artifact = fs.readFileSync(artPath);
const policy = { subjectAlternativeName: identity, extensions: { issuer } };
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage();
const n = Number(nArg);
for (let i = 0; i < n; i++) {
	const entity = toSignedEntity(bundleFromJSON(JSON.parse(bundleText)), artifact);
	verifier.verify(entity, policy);
}
const t2 = process.hrtime.bigint();
const cu = process.cpuUsage(c1);
const s = Number(t2 - t1) / 1e9;
const cs = (cu.user + cu.system) / 1e6;
process.stdout.write(`sigstore_js_setup: @sigstore/verify ${version}, modules and root loaded ` +
	`in ${(Number(t1 - t0) / 1e6).toFixed(1)} ms\n`);
process.stdout.write(`sigstore_js_loop: ${n} in ${s.toFixed(3)} s: ${(n / s).toFixed(0)} per ` +
	`second, ${(1000 * s / n).toFixed(3)} ms each; CPU ${cs.toFixed(3)} s: ` +
	`${(n / cs).toFixed(0)} per CPU second\n`);
