// Rekor v2 (rekor-tiles) wire facts shared by the test peer (server.mjs) and the checkers
// (rekor2-check.mjs, check-referrer.mjs). Facts from sigstore/rekor-tiles v2.3.0 (cosign-v3.md
// §3.4, protocol.md §8.4), confirmed against its source:
//   * pkg/note/note.go: the checkpoint is a C2SP signed note; an Ed25519 key's id is
//     SHA-256(name || "\n" || 0x01 || 32-byte key); the 4-byte key hint is its first 4 bytes, and
//     the full 32 bytes are the log id (`logId.keyId`, trusted root `tlogs[].logId`).
//   * internal/server/service.go + pkg/types/hashedrekord: the stored body is the RFC 8785 (JCS)
//     form of the protojson `Entry` {kind:"hashedrekord", apiVersion:"0.0.2", spec:
//     {hashedRekordV002: {data: {algorithm, digest}, signature: {content, verifier}}}}.
//   * the log's note name (and checkpoint origin) is its host name; verifiers (sigstore-go, and
//     picosign's src/tlog.c) take it from the trusted root's baseUrl host, without the port.
import crypto from 'node:crypto';
import { leafHash, verifyInclusion } from './merkle.mjs';

export const EM_DASH = '\u2014';

// RFC 8785 for the values these entries hold (objects, arrays, strings, integers, booleans).
export function jcs(v) {
	if (v === null || typeof v !== 'object') return JSON.stringify(v);
	if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
	const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort((a, b) => {
		// JCS sorts by UTF-16 code units, which is what JS string comparison does.
		if (a < b) return -1;
		return a > b ? 1 : 0;
	});
	return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
}

export const ed25519Raw = (publicKey) => publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);

// C2SP signed-note key id of an Ed25519 key (rekor-tiles genConformantKeyHash, algEd25519 = 1).
export function c2spKeyId(name, rawKey) {
	return crypto.createHash('sha256').update(Buffer.from(name, 'utf8')).update(Buffer.from([0x0a, 0x01]))
		.update(rawKey).digest();
}

// The checkpoint body of C2SP tlog-checkpoint: origin, size, base64 root, [extension lines].
export const checkpointText = (origin, size, root, ext = []) =>
	`${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n${ext.map((l) => `${l}\n`).join('')}`;

// A signed note: text, blank line, one "— name base64(hint4 || sig)" line per signature.
export function signedNote(text, sigs) {
	return `${text}\n${sigs.map((s) => `${EM_DASH} ${s.name} ${Buffer.concat([s.hint, s.sig]).toString('base64')}\n`).join('')}`;
}

// Parses a signed note the way Go's note package splits it (at the last "\n\n").
export function parseNote(env) {
	if (typeof env !== 'string') throw new Error('checkpoint envelope is not a string');
	const cut = env.lastIndexOf('\n\n');
	if (cut < 0) throw new Error('checkpoint has no blank line before its signatures');
	const text = env.slice(0, cut + 1);
	const sigPart = env.slice(cut + 2);
	const lines = text.slice(0, -1).split('\n');
	if (lines.length < 3) throw new Error('checkpoint has fewer than three lines');
	const [origin, sizeS, rootS, ...ext] = lines;
	if (!/^[1-9][0-9]*$|^0$/.test(sizeS)) throw new Error(`checkpoint size ${JSON.stringify(sizeS)} is not decimal`);
	const root = Buffer.from(rootS, 'base64');
	if (root.length !== 32 || root.toString('base64') !== rootS) throw new Error('checkpoint root is not base64 of 32 bytes');
	if (!sigPart.endsWith('\n')) throw new Error('checkpoint signature block does not end in a newline');
	const sigs = sigPart.slice(0, -1).split('\n').map((l) => {
		const m = /^\u2014 (\S+) (\S+)$/.exec(l);
		if (!m) throw new Error(`malformed signature line ${JSON.stringify(l)}`);
		const raw = Buffer.from(m[2], 'base64');
		if (raw.length < 5) throw new Error('signature line too short');
		return { name: m[1], hint: raw.subarray(0, 4), sig: raw.subarray(4) };
	});
	return { text, origin, size: BigInt(sizeS), root, ext, sigs };
}

// Verifies a Rekor v2 checkpoint with the log's Ed25519 key under `name`: a line with that name
// and the key's hint must carry a valid signature over the text, and the origin must be `name`.
export function verifyCheckpoint(env, name, publicKey) {
	const note = parseNote(env);
	const hint = c2spKeyId(name, ed25519Raw(publicKey)).subarray(0, 4);
	const line = note.sigs.find((s) => s.name === name && s.hint.equals(hint));
	if (!line) throw new Error(`no signature by ${name} (key hint ${hint.toString('hex')})`);
	if (!crypto.verify(null, Buffer.from(note.text, 'utf8'), publicKey, line.sig)) {
		throw new Error(`checkpoint signature by ${name} does not verify`);
	}
	if (note.origin !== name) throw new Error(`checkpoint origin ${note.origin} is not the log name ${name}`);
	return note;
}

// hashedrekord 0.0.2 body (what the log stores) for a digest, signature and verifier.
// verifier: {keyDetails, x509Certificate: {rawBytes}} or {keyDetails, publicKey: {rawBytes}},
// rawBytes as standard base64.
export const HASH_OF_KEY_DETAILS = {
	PKIX_ECDSA_P256_SHA_256: ['SHA2_256', 'sha256', 32],
	PKIX_ECDSA_P384_SHA_384: ['SHA2_384', 'sha384', 48],
	PKIX_ECDSA_P521_SHA_512: ['SHA2_512', 'sha512', 64],
	PKIX_RSA_PKCS1V15_2048_SHA256: ['SHA2_256', 'sha256', 32],
	PKIX_RSA_PKCS1V15_3072_SHA256: ['SHA2_256', 'sha256', 32],
	PKIX_RSA_PKCS1V15_4096_SHA256: ['SHA2_256', 'sha256', 32],
	PKIX_ED25519_PH: ['SHA2_512', 'sha512', 64],
};

export function hashedRekordV2Body(digest, sigContent, verifier) {
	const hd = HASH_OF_KEY_DETAILS[verifier.keyDetails];
	if (!hd) throw new Error(`unsupported keyDetails ${verifier.keyDetails}`);
	const v = { keyDetails: verifier.keyDetails };
	if (verifier.x509Certificate) v.x509Certificate = { rawBytes: Buffer.from(verifier.x509Certificate.rawBytes, 'base64').toString('base64') };
	else v.publicKey = { rawBytes: Buffer.from(verifier.publicKey.rawBytes, 'base64').toString('base64') };
	return jcs({
		apiVersion: '0.0.2',
		kind: 'hashedrekord',
		spec: {
			hashedRekordV002: {
				data: { algorithm: hd[0], digest: Buffer.from(digest).toString('base64') },
				signature: { content: Buffer.from(sigContent).toString('base64'), verifier: v },
			},
		},
	});
}

// Finds the trusted root's log for a logId (base64) and returns {log, publicKey, name}.
export function findLog(trustedRoot, keyIdB64) {
	const want = Buffer.from(keyIdB64, 'base64');
	const log = (trustedRoot.tlogs || []).find((l) => Buffer.from(l.logId?.keyId || '', 'base64').equals(want));
	if (!log) return null;
	const publicKey = crypto.createPublicKey({ key: Buffer.from(log.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });
	return { log, publicKey, name: new URL(log.baseUrl).hostname };
}

// Full offline check of a Rekor v2 TransparencyLogEntry (JSON as in a bundle or the POST answer):
// kindVersion, logId in the trusted root (PKIX_ED25519, logId = C2SP key id of its baseUrl host),
// body = the reconstruction from `expect` when given ({digest, signature, verifier}), leaf hash,
// inclusion proof at the top-level logIndex to the checkpoint's root and size, checkpoint
// signature. Throws Error naming the failed step; returns a summary.
export function verifyRekorV2Entry(tle, trustedRoot, expect) {
	if (tle?.kindVersion?.kind !== 'hashedrekord' || tle.kindVersion.version !== '0.0.2') {
		throw new Error(`kindVersion is ${JSON.stringify(tle?.kindVersion)}, want hashedrekord 0.0.2`);
	}
	if (tle.inclusionPromise) throw new Error('a Rekor v2 entry has no inclusionPromise');
	if (tle.integratedTime !== undefined && String(tle.integratedTime) !== '0') throw new Error(`integratedTime ${tle.integratedTime}, want 0 or absent`);
	const found = findLog(trustedRoot, tle.logId?.keyId || '');
	if (!found) throw new Error(`logId ${tle.logId?.keyId} is not in the trusted root`);
	if (found.log.publicKey.keyDetails !== 'PKIX_ED25519') throw new Error(`log key is ${found.log.publicKey.keyDetails}, want PKIX_ED25519`);
	const wantId = c2spKeyId(found.name, ed25519Raw(found.publicKey));
	if (!wantId.equals(Buffer.from(tle.logId.keyId, 'base64'))) throw new Error('logId is not the C2SP key id of the log key under its host name');
	const body = Buffer.from(tle.canonicalizedBody || '', 'base64');
	if (expect) {
		const want = hashedRekordV2Body(expect.digest, expect.signature, expect.verifier);
		if (body.toString('utf8') !== want) throw new Error(`canonicalizedBody differs from the reconstruction:\n  got  ${body}\n  want ${want}`);
	}
	const p = tle.inclusionProof;
	if (!p?.checkpoint?.envelope) throw new Error('no inclusion proof with a checkpoint');
	const note = verifyCheckpoint(p.checkpoint.envelope, found.name, found.publicKey);
	const idx = Number(tle.logIndex);
	if (String(p.logIndex) !== String(tle.logIndex)) throw new Error(`inclusionProof.logIndex ${p.logIndex} differs from logIndex ${tle.logIndex}`);
	if (String(p.treeSize) !== String(note.size)) throw new Error(`inclusionProof.treeSize ${p.treeSize} differs from the checkpoint's ${note.size}`);
	if (!Buffer.from(p.rootHash, 'base64').equals(note.root)) throw new Error('inclusionProof.rootHash differs from the checkpoint root');
	if (!verifyInclusion(idx, Number(note.size), leafHash(body), (p.hashes || []).map((h) => Buffer.from(h, 'base64')), note.root)) {
		throw new Error(`inclusion proof of index ${idx} does not reach the checkpoint root (size ${note.size})`);
	}
	return { logIndex: idx, treeSize: Number(note.size), origin: note.origin, body: body.toString('utf8') };
}

// What a bundle's Rekor v2 entry must log, rebuilt from the bundle itself (sigstore-go
// reconstructV2EntryHash): the signature, the signing certificate (DER, as x509Certificate) and
// the digest: the message digest for a message signature (or SHA-256 of `artifact` when given),
// SHA-256(PAE) for a DSSE envelope (sigstore-go >= 1.2.0 logs DSSE this way).
export function expectedV2FromBundle(bundle, artifact) {
	const vm = bundle.verificationMaterial || {};
	const certB64 = vm.certificate?.rawBytes || vm.x509CertificateChain?.certificates?.[0]?.rawBytes;
	if (!certB64) throw new Error('the bundle has no certificate (key-based bundles are not handled here)');
	const cert = new crypto.X509Certificate(Buffer.from(certB64, 'base64'));
	const kd = cert.publicKey.asymmetricKeyType === 'ec'
		? { prime256v1: 'PKIX_ECDSA_P256_SHA_256', secp384r1: 'PKIX_ECDSA_P384_SHA_384', secp521r1: 'PKIX_ECDSA_P521_SHA_512' }[cert.publicKey.asymmetricKeyDetails.namedCurve]
		: `PKIX_RSA_PKCS1V15_${cert.publicKey.asymmetricKeyDetails?.modulusLength}_SHA256`;
	const hashName = HASH_OF_KEY_DETAILS[kd]?.[1] || 'sha256';
	let digest;
	let signature;
	if (bundle.dsseEnvelope) {
		const env = bundle.dsseEnvelope;
		const payload = Buffer.from(env.payload, 'base64');
		const t = Buffer.from(env.payloadType, 'utf8');
		const pae = Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${payload.length} `), payload]);
		digest = crypto.createHash(hashName).update(pae).digest();
		signature = Buffer.from(env.signatures[0].sig, 'base64');
	} else if (bundle.messageSignature) {
		digest = artifact ? crypto.createHash(hashName).update(artifact).digest()
			: Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64');
		signature = Buffer.from(bundle.messageSignature.signature, 'base64');
	} else {
		throw new Error('the bundle has neither dsseEnvelope nor messageSignature');
	}
	return { digest, signature, verifier: { keyDetails: kd, x509Certificate: { rawBytes: certB64 } } };
}
