// Shared by the sigstore-js scripts: resolve the pinned packages from tests/npm (ESM ignores
// NODE_PATH), and a tiny "--flag value" argument parser.
import path from 'node:path';
import { createRequire } from 'node:module';
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
