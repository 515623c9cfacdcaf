// RFC 6962 / RFC 9162 Merkle tree for the test peers' Rekor v2 log (and the checkers that verify
// its proofs). Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right).
//
// The tree keeps every full, aligned subtree hash (level k holds the hashes of the subtrees of
// 2^k leaves that start at multiples of 2^k), so appending is O(log n) and the root or an
// inclusion proof of any tree size is O(log n): RFC 9162 §2.1.1 splits a range at the largest
// power of two below its length, so every left part is such a full aligned subtree, and only the
// right edge recurses.
import crypto from 'node:crypto';

const H = (...parts) => {
	const h = crypto.createHash('sha256');
	for (const p of parts) h.update(p);
	return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (data) => H(LEAF, data);
export const nodeHash = (l, r) => H(NODE, l, r);

// Largest power of two strictly below n (n >= 2).
function splitPoint(n) {
	let k = 1;
	while (k * 2 < n) k *= 2;
	return k;
}

export class MerkleTree {
	constructor() {
		this.levels = [[]]; // levels[k][i] = hash of leaves [i*2^k, (i+1)*2^k)
	}

	get size() {
		return this.levels[0].length;
	}

	// Appends a leaf given as its leaf hash; returns its index.
	appendLeafHash(h) {
		const idx = this.levels[0].length;
		this.levels[0].push(Buffer.from(h));
		let k = 0;
		let i = idx;
		while (i % 2 === 1) {
			const left = this.levels[k][i - 1];
			const right = this.levels[k][i];
			if (!this.levels[k + 1]) this.levels[k + 1] = [];
			this.levels[k + 1][(i - 1) / 2] = nodeHash(left, right);
			k++;
			i = (i - 1) / 2;
		}
		return idx;
	}

	append(data) {
		return this.appendLeafHash(leafHash(data));
	}

	// Hash of leaves [start, start + n), n >= 1, as RFC 9162 MTH.
	rangeHash(start, n) {
		if (n === 1) return this.levels[0][start];
		// a full aligned subtree?
		if ((n & (n - 1)) === 0 && start % n === 0) {
			const k = Math.log2(n);
			const got = this.levels[k]?.[start / n];
			if (got) return got;
		}
		const k = splitPoint(n);
		return nodeHash(this.rangeHash(start, k), this.rangeHash(start + k, n - k));
	}

	root(size = this.size) {
		if (size < 1 || size > this.size) throw new Error(`no root for tree size ${size} (have ${this.size})`);
		return this.rangeHash(0, size);
	}

	// RFC 9162 §2.1.3.1 PATH(m, D[start:start+n]), leaf upwards.
	path(m, start, n) {
		if (n === 1) return [];
		const k = splitPoint(n);
		if (m < k) return [...this.path(m, start, k), this.rangeHash(start + k, n - k)];
		return [...this.path(m - k, start + k, n - k), this.rangeHash(start, k)];
	}

	inclusionProof(index, size = this.size) {
		if (!(index >= 0 && index < size && size <= this.size)) throw new Error(`no proof for index ${index} in size ${size}`);
		return this.path(index, 0, size);
	}
}

// RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when its length is wrong.
export function rootFromInclusionProof(index, size, leaf, hashes) {
	if (!(index >= 0 && index < size)) return null;
	let fn = BigInt(index);
	let sn = BigInt(size) - 1n;
	let r = Buffer.from(leaf);
	for (const p of hashes) {
		if (sn === 0n) return null;
		if ((fn & 1n) === 1n || fn === sn) {
			r = nodeHash(p, r);
			if ((fn & 1n) === 0n) {
				while ((fn & 1n) === 0n && fn !== 0n) {
					fn >>= 1n;
					sn >>= 1n;
				}
			}
		} else {
			r = nodeHash(r, p);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	return sn === 0n ? r : null;
}

export function verifyInclusion(index, size, leaf, hashes, root) {
	const got = rootFromInclusionProof(index, size, leaf, hashes);
	return got !== null && got.equals(Buffer.from(root));
}

// Self-test against a naive recursive MTH/PATH for every index of every size up to n.
export function selfTest(n = 40) {
	const leaves = [];
	const t = new MerkleTree();
	let bad = 0;
	const naiveMTH = (a, b) => (b - a === 1 ? leaves[a] : (() => {
		const k = splitPoint(b - a);
		return nodeHash(naiveMTH(a, a + k), naiveMTH(a + k, b));
	})());
	for (let i = 0; i < n; i++) {
		const d = crypto.randomBytes(8);
		leaves.push(leafHash(d));
		t.append(d);
		const size = i + 1;
		const root = t.root();
		if (!root.equals(naiveMTH(0, size))) bad++;
		for (let m = 0; m < size; m++) {
			const p = t.inclusionProof(m, size);
			if (!verifyInclusion(m, size, leaves[m], p, root)) bad++;
			if (p.length > 0) {
				const q = p.map((x) => Buffer.from(x));
				q[0][0] ^= 1;
				if (verifyInclusion(m, size, leaves[m], q, root)) bad++;
			}
		}
	}
	return bad;
}
