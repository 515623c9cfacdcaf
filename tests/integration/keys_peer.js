// An independent implementation of cosign's encrypted key format for tests/integration/keys.sh:
// scrypt from Node's crypto, XSalsa20-Poly1305 secretbox from tweetnacl (tests/npm), PKCS#8 and
// SPKI handling from Node's crypto. Nothing here shares code with picosign.
//
//   node keys_peer.js decrypt KEYFILE            (password in $COSIGN_PASSWORD)
//       prints the PEM public key derived from the decrypted PKCS#8 key
//   node keys_peer.js encrypt N LABEL OUTKEY OUTPUB   (password in $COSIGN_PASSWORD)
//       makes a P-256 key, writes it in cosign's format with scrypt N (r=8, p=1) under the PEM
//       label LABEL, and its public key PEM
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const nacl = require(path.resolve(__dirname, '../npm/node_modules/tweetnacl'));

const password = Buffer.from(process.env.COSIGN_PASSWORD ?? '', 'utf8');

function pemBody(text) {
	const m = /-----BEGIN ([A-Z ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
	if (!m) throw new Error('no PEM block');
	return { label: m[1], der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}

function pem(label, der) {
	const b64 = der.toString('base64').match(/.{1,64}/g).join('\n');
	return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function kdf(params, salt) {
	const { N, r, p } = params;
	return crypto.scryptSync(password, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

function decrypt(file) {
	const { label, der } = pemBody(fs.readFileSync(file, 'utf8'));
	if (label !== 'ENCRYPTED SIGSTORE PRIVATE KEY' && label !== 'ENCRYPTED COSIGN PRIVATE KEY')
		throw new Error(`unexpected label ${label}`);
	const env = JSON.parse(der.toString('utf8'));
	if (env.kdf.name !== 'scrypt' || env.cipher.name !== 'nacl/secretbox')
		throw new Error('unexpected kdf or cipher');
	const key = kdf(env.kdf.params, Buffer.from(env.kdf.salt, 'base64'));
	const nonce = Buffer.from(env.cipher.nonce, 'base64');
	const box = Buffer.from(env.ciphertext, 'base64');
	const plain = nacl.secretbox.open(new Uint8Array(box), new Uint8Array(nonce),
		new Uint8Array(key));
	if (!plain) throw new Error('secretbox open failed');
	const priv = crypto.createPrivateKey({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
	if (priv.asymmetricKeyDetails.namedCurve !== 'prime256v1') throw new Error('not P-256');
	const pub = crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' });
	process.stdout.write(pem('PUBLIC KEY', pub));
}

function encrypt(n, label, outKey, outPub) {
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
	const salt = crypto.randomBytes(32);
	const nonce = crypto.randomBytes(24);
	const params = { N: n, r: 8, p: 1 };
	const key = kdf(params, salt);
	const box = nacl.secretbox(new Uint8Array(pkcs8), new Uint8Array(nonce), new Uint8Array(key));
	const env = {
		kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
		cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
		ciphertext: Buffer.from(box).toString('base64'),
	};
	fs.writeFileSync(outKey, pem(label, Buffer.from(JSON.stringify(env), 'utf8')), { mode: 0o600 });
	fs.writeFileSync(outPub, pem('PUBLIC KEY', publicKey.export({ format: 'der', type: 'spki' })));
}

const [cmd, ...args] = process.argv.slice(2);
try {
	if (cmd === 'decrypt') decrypt(args[0]);
	else if (cmd === 'encrypt') encrypt(Number(args[0]), args[1], args[2], args[3]);
	else throw new Error(`unknown command ${cmd}`);
} catch (e) {
	process.stderr.write(`keys_peer: ${e.message}\n`);
	process.exit(1);
}
