#!/usr/bin/env node
// Independent offline check of a Rekor v2 entry (tlogv2.mjs): the checkpoint's Ed25519 signature
// by the trusted root's v2 log under its baseUrl host name (node's crypto, not picosign's), the
// RFC 6962 inclusion proof at the entry's logIndex up to the checkpoint's root and size, logId =
// the C2SP key id, and, for a bundle, the canonicalized body rebuilt from the bundle itself.
//
// usage: rekor2-check.mjs --trusted-root F (--entry TLE.json | --bundle B.json [--artifact F])
//   --entry   a TransparencyLogEntry as POST /api/v2/log/entries answers it (body not rebuilt)
//   --bundle  every hashedrekord 0.0.2 entry of the bundle, body rebuilt from the bundle
//             (message digest, or SHA-256 of --artifact; SHA-256(PAE) for DSSE)
// Exit 0 "ok: index N of tree size S (origin O)" per entry; 1 "rekor2-check: <failed step>"; 2 usage.
import fs from 'node:fs';
import { parseArgs } from './npm.mjs';
import { verifyRekorV2Entry, expectedV2FromBundle } from './tlogv2.mjs';

const USAGE = '--trusted-root F (--entry TLE.json | --bundle B.json [--artifact F])';
const a = parseArgs('rekor2-check.mjs', { 'trusted-root': 's', entry: 's', bundle: 's', artifact: 's' }, USAGE);
if (!a['trusted-root'] || !!a.entry === !!a.bundle) {
	process.stderr.write(`usage: rekor2-check.mjs ${USAGE}\n`);
	process.exit(2);
}
try {
	const tr = JSON.parse(fs.readFileSync(a['trusted-root'], 'utf8'));
	let checks;
	if (a.entry) {
		checks = [[JSON.parse(fs.readFileSync(a.entry, 'utf8')), undefined]];
	} else {
		const b = JSON.parse(fs.readFileSync(a.bundle, 'utf8'));
		const expect = expectedV2FromBundle(b, a.artifact ? fs.readFileSync(a.artifact) : undefined);
		checks = (b.verificationMaterial?.tlogEntries || []).filter((t) => t.kindVersion?.version === '0.0.2').map((t) => [t, expect]);
		if (checks.length === 0) throw new Error('the bundle has no Rekor v2 (0.0.2) entry');
	}
	for (const [tle, expect] of checks) {
		const r = verifyRekorV2Entry(tle, tr, expect);
		process.stdout.write(`ok: index ${r.logIndex} of tree size ${r.treeSize} (origin ${r.origin})${expect ? ', body rebuilt from the bundle' : ''}\n`);
	}
} catch (e) {
	process.stdout.write(`rekor2-check: ${e.message}\n`);
	process.exit(1);
}
