// Rekor v1 `dsse` kind 0.0.1 as real Rekor handles it, for the test peer (server.mjs).
// Facts from sigstore/rekor pkg/types/dsse/v0.0.1/entry.go (Unmarshal, verifyEnvelope,
// Canonicalize), pkg/generated/models/dsse_v001_schema.go, pkg/pki/x509/x509.go (NewPublicKey,
// CanonicalValue) and pkg/api/entries.go (createLogEntry) at rekor eee7d8d (2026-08-22):
//
//   proposal  {"apiVersion":"0.0.1","kind":"dsse","spec":{"proposedContent":{
//                "envelope":"<envelope JSON as a string>","verifiers":["<b64 PEM key or cert(s)>"]}}}
//   stored    {"apiVersion":"0.0.1","kind":"dsse","spec":{
//                "envelopeHash":{"algorithm":"sha256","value":"<hex sha256 of the envelope string>"},
//                "payloadHash":{"algorithm":"sha256","value":"<hex sha256 of the decoded payload>"},
//                "signatures":[{"signature":"<sig string as in the envelope>","verifier":"<b64 PEM>"}]}}
//             (Go json.Marshal, then JCS; signatures sorted by the signature string, one per distinct
//             signature; verifier = the key's CanonicalValue: PEM re-encoded, 64-column lines)
//   checks    envelope parses, has >= 1 signature; each verifier parses (PEM PUBLIC KEY, CERTIFICATE,
//             or a chain of <= 10 certificates: its first certificate's key); verifiers are tried in
//             order until every signature is verified; a verifier tried that verifies none is an
//             error ("could not verify envelope: accepted signatures do not match threshold, Found:
//             0, Expected 1"); a signature no verifier verifies is an error ("all signatures must
//             have a key that verifies it"). Signatures are over the DSSE PAE with SHA-256 (ECDSA,
//             RSA PKCS#1 v1.5) or pure Ed25519. Errors answer 400 "error processing entry: <err>".
import crypto from 'node:crypto';

const pemOf = (der, label) =>
	`-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

export function pae(payloadType, payload) {
	const t = Buffer.from(payloadType, 'utf8');
	return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${payload.length} `), payload]);
}

export class DsseError extends Error {
	constructor(id, message) {
		super(message);
		this.id = id; // short name for the peer's log line
	}
}

// One verifier (base64 of PEM) -> {key, canonical (PEM text)}; Rekor's x509.NewPublicKey.
function parseVerifier(b64) {
	const text = Buffer.from(String(b64), 'base64').toString('latin1').trim();
	const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
	if (blocks.length === 0) throw new DsseError('dsse-verifier', 'could not parse public key as x509: invalid public key: failure decoding PEM');
	const ders = blocks.map((m) => ({ type: m[1], der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') }));
	try {
		if (ders.length > 1) {
			if (ders.length > 10 || ders.some((d) => d.type !== 'CERTIFICATE')) throw new Error('invalid certificate chain');
			const certs = ders.map((d) => new crypto.X509Certificate(d.der));
			return { key: certs[0].publicKey, canonical: ders.map((d) => pemOf(d.der, 'CERTIFICATE')).join('') };
		}
		const [d] = ders;
		if (d.type === 'PUBLIC KEY') {
			const key = crypto.createPublicKey({ key: d.der, format: 'der', type: 'spki' });
			return { key, canonical: pemOf(key.export({ type: 'spki', format: 'der' }), 'PUBLIC KEY') };
		}
		if (d.type === 'CERTIFICATE') {
			const c = new crypto.X509Certificate(d.der);
			return { key: c.publicKey, canonical: pemOf(d.der, 'CERTIFICATE') };
		}
		throw new Error(`invalid public key: cannot handle type ${d.type}`);
	} catch (e) {
		throw new DsseError('dsse-verifier', `could not parse public key as x509: ${e.message}`);
	}
}

function verifySig(key, msg, sig) {
	try {
		if (key.asymmetricKeyType === 'ed25519') return crypto.verify(null, msg, key, sig);
		if (key.asymmetricKeyType === 'ec' || key.asymmetricKeyType === 'rsa') return crypto.verify('sha256', msg, key, sig);
	} catch {
		return false;
	}
	return false;
}

// Validates a dsse 0.0.1 proposal and returns {entry (object to store), uuid input}; throws
// DsseError. checkSignatures=false pairs signature i with verifier min(i, n-1) unchecked (the
// peer's check_rekor_signature switch).
export function dsseCanonical(json, { checkSignatures = true } = {}) {
	const spec = json?.spec;
	if (json?.apiVersion !== '0.0.1') throw new DsseError('schema', `unsupported dsse apiVersion ${JSON.stringify(json?.apiVersion)}`);
	if (!spec || typeof spec !== 'object') throw new DsseError('schema', 'validation failure: spec missing');
	const pc = spec.proposedContent;
	if (!pc) {
		throw new DsseError('schema', 'either proposedContent or envelopeHash, payloadHash, and signatures must be present');
	}
	if (spec.envelopeHash || spec.payloadHash || (Array.isArray(spec.signatures) && spec.signatures.length)) {
		throw new DsseError('schema', 'either proposedContent or envelopeHash, payloadHash, and signatures must be present but not both');
	}
	if (typeof pc.envelope !== 'string') throw new DsseError('schema', 'proposedContent.envelope in body is required');
	if (!Array.isArray(pc.verifiers) || pc.verifiers.length < 1) {
		throw new DsseError('schema', 'proposedContent.verifiers in body should have at least 1 items');
	}
	let env;
	try {
		env = JSON.parse(pc.envelope);
	} catch (e) {
		throw new DsseError('dsse-envelope', e.message);
	}
	if (!env || typeof env !== 'object' || !Array.isArray(env.signatures) || env.signatures.length === 0) {
		throw new DsseError('dsse-envelope', 'DSSE envelope must contain 1 or more signatures');
	}
	const payloadType = typeof env.payloadType === 'string' ? env.payloadType : '';
	const payloadB64 = typeof env.payload === 'string' ? env.payload : '';
	const payload = Buffer.from(payloadB64, 'base64');
	const msg = pae(payloadType, payload);
	const sigStrings = env.signatures.map((s) => (typeof s?.sig === 'string' ? s.sig : ''));
	const remaining = new Set(sigStrings);
	const bySig = new Map(); // sig string -> canonical verifier PEM
	if (checkSignatures) {
		for (const vb64 of pc.verifiers) {
			if (remaining.size === 0) break;
			if (vb64 === null) throw new DsseError('dsse-verifier', 'an invalid null verifier was provided in ProposedContent');
			const v = parseVerifier(vb64);
			let accepted = 0;
			for (const s of sigStrings) {
				if (verifySig(v.key, msg, Buffer.from(s, 'base64'))) {
					accepted++;
					remaining.delete(s);
					bySig.set(s, v.canonical);
				}
			}
			if (accepted === 0) {
				throw new DsseError('dsse-signature', 'could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1');
			}
		}
		if (remaining.size > 0) throw new DsseError('dsse-signature', 'all signatures must have a key that verifies it');
	} else {
		const vs = pc.verifiers.map(parseVerifier);
		sigStrings.forEach((s, i) => bySig.set(s, vs[Math.min(i, vs.length - 1)].canonical));
	}
	const sorted = [...bySig.keys()].sort();
	const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
	return {
		apiVersion: '0.0.1',
		kind: 'dsse',
		spec: {
			envelopeHash: { algorithm: 'sha256', value: sha(Buffer.from(pc.envelope, 'utf8')) },
			payloadHash: { algorithm: 'sha256', value: sha(payload) },
			signatures: sorted.map((s) => ({ signature: s, verifier: Buffer.from(bySig.get(s), 'latin1').toString('base64') })),
		},
	};
}
