// ECDSA P-256 verification over a caller-supplied digest (FIPS 186-4 §6.4 / SEC 1 §4.1.4).
//
// Why this exists: Rekor's hashedrekord entries carry only the SHA-256 of the artifact, and the
// signature must be checked over that *prehashed* digest. Node's crypto.verify() always hashes its
// input (crypto.verify(null, digest, ecKey) hashes again and answers false), and WebCrypto has no
// prehash mode either, so the test peer does the curve arithmetic itself with BigInt. Speed is
// irrelevant here (a few ms per check); clarity is what matters. Jacobian coordinates, a = -3.

import crypto from 'node:crypto';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

const mod = (a, m) => ((a % m) + m) % m;

function modPow(base, exp, m) {
	let r = 1n;
	let b = mod(base, m);
	let e = exp;
	while (e > 0n) {
		if (e & 1n) r = (r * b) % m;
		b = (b * b) % m;
		e >>= 1n;
	}
	return r;
}

// Fermat inversion: both moduli are prime.
const inv = (a, m) => modPow(a, m - 2n, m);

const INF = { X: 1n, Y: 1n, Z: 0n };

// dbl-2001-b (a = -3).
function dbl(pt) {
	if (pt.Z === 0n || pt.Y === 0n) return INF;
	const delta = (pt.Z * pt.Z) % P;
	const gamma = (pt.Y * pt.Y) % P;
	const beta = (pt.X * gamma) % P;
	const alpha = mod(3n * (pt.X - delta) * (pt.X + delta), P);
	const X3 = mod(alpha * alpha - 8n * beta, P);
	const Z3 = mod((pt.Y + pt.Z) ** 2n - gamma - delta, P);
	const Y3 = mod(alpha * (4n * beta - X3) - 8n * gamma * gamma, P);
	return { X: X3, Y: Y3, Z: Z3 };
}

function add(p1, p2) {
	if (p1.Z === 0n) return p2;
	if (p2.Z === 0n) return p1;
	const z1z1 = (p1.Z * p1.Z) % P;
	const z2z2 = (p2.Z * p2.Z) % P;
	const u1 = (p1.X * z2z2) % P;
	const u2 = (p2.X * z1z1) % P;
	const s1 = (p1.Y * p2.Z * z2z2) % P;
	const s2 = (p2.Y * p1.Z * z1z1) % P;
	if (u1 === u2) return s1 === s2 ? dbl(p1) : INF;
	const h = mod(u2 - u1, P);
	const r = mod(s2 - s1, P);
	const hh = (h * h) % P;
	const hhh = (hh * h) % P;
	const X3 = mod(r * r - hhh - 2n * u1 * hh, P);
	const Y3 = mod(r * (u1 * hh - X3) - s1 * hhh, P);
	const Z3 = (h * p1.Z * p2.Z) % P;
	return { X: X3, Y: Y3, Z: Z3 };
}

function mul(k, pt) {
	let acc = INF;
	for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
		acc = dbl(acc);
		if ((k >> i) & 1n) acc = add(acc, pt);
	}
	return acc;
}

const bytesToBig = (buf) => (buf.length === 0 ? 0n : BigInt('0x' + Buffer.from(buf).toString('hex')));

// Strict DER: SEQUENCE { INTEGER r, INTEGER s }, short or 1-byte long lengths, minimal integers.
export function parseDerSignature(der) {
	const d = Buffer.from(der);
	let i = 0;
	const len = () => {
		if (i >= d.length) throw new Error('truncated');
		let l = d[i++];
		if (l & 0x80) {
			if (l !== 0x81 || i >= d.length) throw new Error('bad length');
			l = d[i++];
			if (l < 0x80) throw new Error('non-minimal length');
		}
		return l;
	};
	if (d[i++] !== 0x30) throw new Error('not a SEQUENCE');
	const seqLen = len();
	if (i + seqLen !== d.length) throw new Error('trailing or missing bytes');
	const int = () => {
		if (d[i++] !== 0x02) throw new Error('not an INTEGER');
		const l = len();
		if (l === 0 || i + l > d.length) throw new Error('bad INTEGER length');
		const v = d.subarray(i, i + l);
		if (v[0] & 0x80) throw new Error('negative INTEGER');
		if (l > 1 && v[0] === 0 && !(v[1] & 0x80)) throw new Error('non-minimal INTEGER');
		i += l;
		return bytesToBig(v);
	};
	const r = int();
	const s = int();
	if (i !== d.length) throw new Error('trailing bytes');
	return { r, s };
}

// Returns {x, y} BigInts of a P-256 public key, or throws if the key is not P-256.
export function p256Point(keyObject) {
	const det = keyObject.asymmetricKeyDetails || {};
	if (keyObject.asymmetricKeyType !== 'ec' || det.namedCurve !== 'prime256v1') {
		throw new Error(`not a P-256 key (${keyObject.asymmetricKeyType} ${det.namedCurve || ''})`.trim());
	}
	const jwk = keyObject.export({ format: 'jwk' });
	return {
		x: bytesToBig(Buffer.from(jwk.x, 'base64url')),
		y: bytesToBig(Buffer.from(jwk.y, 'base64url')),
	};
}

// Verify DER signature `sig` over `digest` (raw bytes, any length: the leftmost 256 bits are used)
// with P-256 key `keyObject` (a crypto.KeyObject). Returns true/false; throws only when the key is
// not P-256 or the signature is not valid DER.
export function verifyP256Digest(keyObject, digest, sig) {
	const { x, y } = p256Point(keyObject);
	if (mod(y * y - (x * x * x - 3n * x + B), P) !== 0n) throw new Error('point not on curve');
	const { r, s } = parseDerSignature(sig);
	if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
	let e = bytesToBig(digest);
	if (digest.length > 32) e >>= BigInt((digest.length - 32) * 8);
	const w = inv(s, N);
	const u1 = mod(e * w, N);
	const u2 = mod(r * w, N);
	const R = add(mul(u1, { X: GX, Y: GY, Z: 1n }), mul(u2, { X: x, Y: y, Z: 1n }));
	if (R.Z === 0n) return false;
	const zi = inv(R.Z, P);
	const xr = (R.X * zi * zi) % P;
	return mod(xr, N) === r;
}

// Self-test against Node-produced signatures: good ones verify, altered digests/signatures don't.
export function selfTest(rounds = 8) {
	const results = [];
	for (let k = 0; k < rounds; k++) {
		const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const msg = crypto.randomBytes(1 + k * 37);
		const sig = crypto.sign('sha256', msg, privateKey);
		const digest = crypto.createHash('sha256').update(msg).digest();
		const bad = Buffer.from(digest);
		bad[k % 32] ^= 1;
		const badSig = Buffer.from(sig);
		badSig[badSig.length - 1] ^= 1;
		results.push(verifyP256Digest(publicKey, digest, sig) === true);
		results.push(verifyP256Digest(publicKey, bad, sig) === false);
		let ok;
		try {
			ok = verifyP256Digest(publicKey, digest, badSig) === false;
		} catch {
			ok = true; /* a flipped last byte can also break DER minimality: still a rejection */
		}
		results.push(ok);
		const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
		results.push(verifyP256Digest(other, digest, sig) === false);
	}
	return results;
}
