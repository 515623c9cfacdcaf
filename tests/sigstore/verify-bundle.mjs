#!/usr/bin/env node
// Independent verifier: checks a Sigstore bundle with @sigstore/verify directly against a given
// trusted root (no TUF, no network), as in testing.md §7.1. Keyless: --identity (exact SAN) and
// --issuer (OIDC issuer extension); key-based: --key PEM (hint-independent).
// Exit 0 and "verified: ..." on success; 1 and "<ErrorClass> <code>: <message>" on a failed
// verification; 2 on usage errors.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { npmRequire, parseArgs, describeError } from './npm.mjs';

const USAGE = '--bundle F --trusted-root F --artifact F [--identity SAN --issuer URL | --key PEM] ' +
	'[--tlog-threshold N] [--ctlog-threshold N] [--timestamp-threshold N]';
const a = parseArgs('verify-bundle.mjs', { bundle: 's', 'trusted-root': 's', artifact: 's', identity: 's',
	issuer: 's', key: 's', 'tlog-threshold': 's', 'ctlog-threshold': 's', 'timestamp-threshold': 's' }, USAGE);
if (!a.bundle || !a['trusted-root'] || !a.artifact || (!a.key && !(a.identity && a.issuer))) {
	process.stderr.write(`usage: verify-bundle.mjs ${USAGE}\n`);
	process.exit(2);
}
const { bundleFromJSON } = npmRequire('@sigstore/bundle');
const { TrustedRoot } = npmRequire('@sigstore/protobuf-specs');
const { toTrustMaterial, toSignedEntity, Verifier } = npmRequire('@sigstore/verify');

try {
	const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(a.bundle, 'utf8')));
	const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(a['trusted-root'], 'utf8')));
	let keys;
	if (a.key) {
		const pub = crypto.createPublicKey(fs.readFileSync(a.key));
		keys = () => ({ publicKey: pub, validFor: () => true });
	}
	const trust = toTrustMaterial(root, keys);
	const entity = toSignedEntity(bundle, fs.readFileSync(a.artifact));
	const th = (k) => (a[k] === undefined ? undefined : Number(a[k]));
	const verifier = new Verifier(trust, {
		tlogThreshold: th('tlog-threshold'), ctlogThreshold: th('ctlog-threshold'),
		timestampThreshold: th('timestamp-threshold'),
	});
	const policy = a.key ? {} : { subjectAlternativeName: a.identity, extensions: { issuer: a.issuer } };
	const signer = verifier.verify(entity, policy);
	const id = signer.identity;
	process.stdout.write(`verified: ${bundle.mediaType}` +
		(id ? ` san=${id.subjectAlternativeName} issuer=${id.extensions?.issuer}` : ' (key)') + '\n');
} catch (e) {
	process.stderr.write(`verify-bundle: ${describeError(e)}\n`);
	process.stdout.write(`not verified: ${describeError(e)}\n`);
	process.exit(1);
}
