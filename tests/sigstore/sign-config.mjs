#!/usr/bin/env node
// Sign with sigstore-js the way a signing config says: @sigstore/sign's
// bundleBuilderFromSigningConfig picks the CA, the Rekor log (v1 or v2, by majorApiVersion) and
// the TSA from a signing_config.json (v0.2) — an independent consumer of the peer's signing configs
// and an independent Rekor v2 client. Writes the bundle as @sigstore/sign builds it (media type
// ...;version=0.2, x509CertificateChain) — verify-bundle.mjs and picosign's verifier read it.
//
// usage: sign-config.mjs --signing-config F --artifact F --out BUNDLE.json (--token JWT | --token-file F)
//          [--dsse PAYLOAD_TYPE] [--timeout MS]
//   --dsse T   sign the artifact bytes as a DSSE payload of type T (default: a message signature)
// Exit 0 "signed: OUT (tlog kind/version, N timestamps)"; 1 "<ErrorClass> <code>: <message>"; 2 usage.
// Note: sigstore-js 4.1.1 sends DSSE to a Rekor v2 log as dsseRequestV002, which rekor-tiles
// v2.3.0 (and this peer) refuse; use message signatures with v2 logs.
import fs from 'node:fs';
import { npmRequire, parseArgs, describeError } from './npm.mjs';

const USAGE = '--signing-config F --artifact F --out BUNDLE.json (--token JWT | --token-file F) [--dsse PAYLOAD_TYPE] [--timeout MS]';
const a = parseArgs('sign-config.mjs', { 'signing-config': 's', artifact: 's', out: 's', token: 's', 'token-file': 's',
	dsse: 's', timeout: 's' }, USAGE);
if (!a['signing-config'] || !a.artifact || !a.out || !(a.token || a['token-file'])) {
	process.stderr.write(`usage: sign-config.mjs ${USAGE}\n`);
	process.exit(2);
}
const { bundleBuilderFromSigningConfig } = npmRequire('@sigstore/sign');
const { SigningConfig } = npmRequire('@sigstore/protobuf-specs');
const { bundleToJSON } = npmRequire('@sigstore/bundle');

try {
	const token = (a.token || fs.readFileSync(a['token-file'], 'utf8')).trim();
	const signingConfig = SigningConfig.fromJSON(JSON.parse(fs.readFileSync(a['signing-config'], 'utf8')));
	const timeout = Number(a.timeout || 20000);
	const builder = bundleBuilderFromSigningConfig({
		signingConfig,
		identityProvider: { getToken: async () => token },
		bundleType: a.dsse ? 'dsseEnvelope' : 'messageSignature',
		fetchOptions: { timeout, retry: 0 },
	});
	const data = fs.readFileSync(a.artifact);
	const bundle = await builder.create(a.dsse ? { data, type: a.dsse } : { data });
	const json = bundleToJSON(bundle);
	fs.writeFileSync(a.out, JSON.stringify(json, null, 2) + '\n');
	const t = json.verificationMaterial.tlogEntries?.[0]?.kindVersion;
	const n = json.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length || 0;
	process.stdout.write(`signed: ${a.out} (${t ? `${t.kind} ${t.version}` : 'no tlog entry'}, ${n} timestamp(s))\n`);
} catch (e) {
	process.stderr.write(`sign-config: ${describeError(e)}\n`);
	process.exit(1);
}
