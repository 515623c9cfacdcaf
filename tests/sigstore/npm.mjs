// Shared by the sigstore-js scripts: resolve the pinned packages from tests/npm (ESM ignores
// NODE_PATH), and a tiny "--flag value" argument parser.
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const npmRequire = createRequire(path.join(process.env.SG_NPM_DIR || path.join(here, '..', 'npm'), 'package.json'));

// flags: {name: 'string'|'bool'}; returns {name: value}; exits 2 on a usage error.
export function parseArgs(prog, flags, usage) {
	const out = {};
	const argv = process.argv.slice(2);
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const name = a.startsWith('--') ? a.slice(2) : null;
		if (name === 'help') {
			process.stdout.write(`usage: ${prog} ${usage}\n`);
			process.exit(0);
		}
		if (!name || !(name in flags)) die2(prog, `unknown argument ${a}`, usage);
		if (flags[name] === 'bool') out[name] = true;
		else if (i + 1 >= argv.length) die2(prog, `${a} needs a value`, usage);
		else out[name] = argv[++i];
	}
	return out;
}

export function die2(prog, msg, usage) {
	process.stderr.write(`${prog}: ${msg}\nusage: ${prog} ${usage}\n`);
	process.exit(2);
}

// One line naming the error class, its code (sigstore-js errors carry one) and message.
export function describeError(e) {
	const cls = e?.constructor?.name || 'Error';
	const code = e?.code ? ` ${e.code}` : '';
	let msg = e?.message || String(e);
	if (e?.cause?.message) msg += ` (cause: ${e.cause.message})`;
	return `${cls}${code}: ${msg}`;
}

// @sigstore/oci 0.6.0 requires 'promise-retry' without declaring it (it came in through older
// make-fetch-happen releases; make-fetch-happen 15 uses the API-identical fork @gar/promise-retry,
// which is what the lockfile has). Resolve 'promise-retry' to that fork when it cannot be found,
// without touching node_modules. Call before npmRequire('@sigstore/oci').
export function shimPromiseRetry() {
	let found = true;
	try {
		npmRequire.resolve('promise-retry');
	} catch {
		found = false;
	}
	if (found) return;
	const fake = path.join(path.dirname(npmRequire.resolve('@gar/promise-retry')), '__promise-retry-shim__.js');
	const m = new Module(fake);
	m.filename = fake;
	m.loaded = true;
	m.exports = npmRequire('@gar/promise-retry').promiseRetry;
	Module._cache[fake] = m;
	const orig = Module._resolveFilename;
	Module._resolveFilename = function resolveWithShim(request, ...rest) {
		if (request === 'promise-retry') {
			try {
				return orig.call(this, request, ...rest);
			} catch {
				return fake;
			}
		}
		return orig.call(this, request, ...rest);
	};
}
