#!/usr/bin/env node
// Re-checks a cosign legacy `.sig` layer with sigstore-js primitives only (testing.md §7.1,
// "Cosign .sig layers"; protocol.md §1, §2.3, §6.3): the layer digest (optional), the payload's
// critical.type and critical.image.docker-manifest-digest, then a v0.1 bundle built from the four
// annotations is verified with @sigstore/verify against the given trusted root (certificate chain
// to the Fulcio root, embedded SCT, Rekor SET, body vs signature/cert/digest, identity policy).
// Equivalent to `cosign verify --certificate-identity S --certificate-oidc-issuer I` for one layer.
//
// Annotations come from --annotations F (a JSON object keyed by the annotation names
// dev.cosignproject.cosign/signature, dev.sigstore.cosign/certificate, dev.sigstore.cosign/chain,
// dev.sigstore.cosign/bundle) or from --signature/--certificate/--chain/--bundle (values, or
// @FILE to read a file). Exit 0 verified, 1 "<ErrorClass> <code>: <message>", 2 usage.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { npmRequire, parseArgs, describeError } from './npm.mjs';

const USAGE = '--payload F (--annotations F | --signature S --certificate PEM --bundle JSON [--chain PEM]) ' +
	'--manifest-digest sha256:HEX [--layer-digest sha256:HEX] --identity SAN --issuer URL --trusted-root F';
const a = parseArgs('verify-cosign-sig.mjs', { payload: 's', annotations: 's', signature: 's', certificate: 's',
	chain: 's', bundle: 's', 'manifest-digest': 's', 'layer-digest': 's', identity: 's', issuer: 's',
	'trusted-root': 's' }, USAGE);
if (!a.payload || !a['manifest-digest'] || !a.identity || !a.issuer || !a['trusted-root'] ||
	!(a.annotations || (a.signature && a.certificate && a.bundle))) {
	process.stderr.write(`usage: verify-cosign-sig.mjs ${USAGE}\n`);
	process.exit(2);
}
const val = (v) => (v && v.startsWith('@') ? fs.readFileSync(v.slice(1), 'utf8') : v);

class LayerError extends Error {
	constructor(code, message) {
		super(message);
		this.code = code;
	}
}

const { bundleFromJSON } = npmRequire('@sigstore/bundle');
const { TrustedRoot } = npmRequire('@sigstore/protobuf-specs');
const { toTrustMaterial, toSignedEntity, Verifier } = npmRequire('@sigstore/verify');

try {
	const payload = fs.readFileSync(a.payload);
	const ann = a.annotations ? JSON.parse(fs.readFileSync(a.annotations, 'utf8')) : {
		'dev.cosignproject.cosign/signature': val(a.signature),
		'dev.sigstore.cosign/certificate': val(a.certificate),
		'dev.sigstore.cosign/chain': val(a.chain),
		'dev.sigstore.cosign/bundle': val(a.bundle),
	};
	const digestHex = crypto.createHash('sha256').update(payload).digest('hex');
	if (a['layer-digest'] && a['layer-digest'] !== `sha256:${digestHex}`) {
		throw new LayerError('LAYER_DIGEST_ERROR', `layer digest ${a['layer-digest']} != sha256:${digestHex} of the payload`);
	}
	const simple = JSON.parse(payload.toString('utf8'));
	if (simple?.critical?.type !== 'cosign container image signature') {
		throw new LayerError('PAYLOAD_ERROR', `critical.type is ${JSON.stringify(simple?.critical?.type)}`);
	}
	const got = simple?.critical?.image?.['docker-manifest-digest'];
	if (got !== a['manifest-digest']) {
		throw new LayerError('PAYLOAD_ERROR', `docker-manifest-digest ${JSON.stringify(got)} != expected ${a['manifest-digest']}`);
	}
	const certPem = ann['dev.sigstore.cosign/certificate'];
	const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certPem || '');
	if (!m) throw new LayerError('CERTIFICATE_ERROR', 'certificate annotation holds no PEM certificate');
	const rekor = JSON.parse(ann['dev.sigstore.cosign/bundle']);
	const p = rekor.Payload;
	const body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8'));
	const json = {
		mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
		verificationMaterial: {
			x509CertificateChain: { certificates: [{ rawBytes: m[1].replace(/\s+/g, '') }] },
			tlogEntries: [{
				logIndex: String(p.logIndex),
				logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
				kindVersion: { kind: body.kind, version: body.apiVersion },
				integratedTime: String(p.integratedTime),
				inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
				canonicalizedBody: p.body,
			}],
			timestampVerificationData: { rfc3161Timestamps: [] },
		},
		messageSignature: {
			messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(digestHex, 'hex').toString('base64') },
			signature: ann['dev.cosignproject.cosign/signature'],
		},
	};
	const bundle = bundleFromJSON(json);
	const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(a['trusted-root'], 'utf8')));
	const entity = toSignedEntity(bundle, payload);
	const signer = new Verifier(toTrustMaterial(root)).verify(entity,
		{ subjectAlternativeName: a.identity, extensions: { issuer: a.issuer } });
	process.stdout.write(`verified: ${a['manifest-digest']} san=${signer.identity?.subjectAlternativeName} ` +
		`issuer=${signer.identity?.extensions?.issuer}\n`);
} catch (e) {
	process.stderr.write(`verify-cosign-sig: ${describeError(e)}\n`);
	process.stdout.write(`not verified: ${describeError(e)}\n`);
	process.exit(1);
}
