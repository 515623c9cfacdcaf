#!/usr/bin/env node
// Sign a file keylessly against the local test services with sigstore-js (testing.md §7.2), the
// same way `sigstore.sign()` does it: FulcioSigner (ephemeral P-256 key, PoP over email/sub,
// POST /api/v2/signingCert) + RekorWitness (hashedrekord 0.0.1) [+ TSAWitness].
// Writes the bundle JSON (mediaType ...;version=0.2, x509CertificateChain, tlog entry with
// inclusionPromise and inclusionProof) so picosign's verifier can be fed a sigstore-js bundle.
// Optionally writes the cosign legacy .sig annotations derived from it (--annotations-out).
// Exit 0 on success, 1 with "<ErrorClass> <code>: <message>" on stderr on failure, 2 on usage.
import fs from 'node:fs';
import { npmRequire, parseArgs, describeError } from './npm.mjs';

const USAGE = '--artifact F --out BUNDLE.json (--token JWT | --token-file F) ' +
	'(--url BASE | --fulcio URL --rekor URL) [--tsa URL] [--timeout MS] [--annotations-out F]';
const a = parseArgs('sign-blob.mjs', { artifact: 's', out: 's', token: 's', 'token-file': 's', url: 's',
	fulcio: 's', rekor: 's', tsa: 's', timeout: 's', 'annotations-out': 's' }, USAGE);
const fulcioURL = a.fulcio || a.url;
const rekorURL = a.rekor || a.url;
if (!a.artifact || !a.out || !fulcioURL || !rekorURL || !(a.token || a['token-file'])) {
	process.stderr.write(`usage: sign-blob.mjs ${USAGE}\n`);
	process.exit(2);
}
const token = (a.token || fs.readFileSync(a['token-file'], 'utf8')).trim();
const sigstore = npmRequire('sigstore');

try {
	const bundle = await sigstore.sign(fs.readFileSync(a.artifact), {
		fulcioURL, rekorURL, identityToken: token, tsaServerURL: a.tsa,
		timeout: Number(a.timeout || 5000), retry: 0,
	});
	fs.writeFileSync(a.out, JSON.stringify(bundle, null, 2) + '\n');
	if (a['annotations-out']) {
		// cosign legacy annotations (protocol.md §2.3, §6.3): signature, certificate, chain, bundle.
		const pem = (b64) => `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
		const vm = bundle.verificationMaterial;
		const certs = vm.x509CertificateChain?.certificates || (vm.certificate ? [vm.certificate] : []);
		const t = vm.tlogEntries[0];
		const tb = await fetch(`${fulcioURL}/api/v2/trustBundle`, { signal: AbortSignal.timeout(5000) }).then((r) => r.json());
		const ann = {
			'dev.cosignproject.cosign/signature': bundle.messageSignature.signature,
			'dev.sigstore.cosign/certificate': pem(certs[0].rawBytes),
			'dev.sigstore.cosign/chain': tb.chains[0].certificates.join(''),
			'dev.sigstore.cosign/bundle': JSON.stringify({
				SignedEntryTimestamp: t.inclusionPromise.signedEntryTimestamp,
				Payload: { body: t.canonicalizedBody, integratedTime: Number(t.integratedTime),
					logIndex: Number(t.logIndex), logID: Buffer.from(t.logId.keyId, 'base64').toString('hex') },
			}),
		};
		fs.writeFileSync(a['annotations-out'], JSON.stringify(ann, null, 2) + '\n');
	}
	process.stdout.write(`signed: ${a.out}\n`);
} catch (e) {
	process.stderr.write(`sign-blob: ${describeError(e)}\n`);
	process.exit(1);
}
