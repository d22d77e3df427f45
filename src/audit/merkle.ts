// The log's Merkle tree (audit spec R2–R4): RFC 6962 tree hash, inclusion (PATH) and
// consistency (SUBPROOF) proofs, the RFC 9162 §2.1.3.2 / §2.1.4.2 verifiers step by step as
// C2SP merkle-tree.md restates them, and a compact range that appends one leaf in O(log n).
//
// SHA-256 is passed in and synchronous: Web Crypto's digest is async (and a thread-pool
// round trip per call on Node), which would turn one tree into thousands of awaits. The
// runtime supplies the function (node:crypto on Node and on Workers with nodejs_compat).
// Sizes and indices are JS numbers up to 2^53−1, so halving is arithmetic, never `>>`
// (32-bit), and proof generators and verifiers are exact for any size a log can reach.

export type Sha256 = (data: Uint8Array) => Uint8Array;

export const HASH_SIZE = 32;

/** R2: H(0x00 ‖ d). */
export function leafHash(sha: Sha256, d: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + d.length);
  b.set(d, 1);
  return sha(b);
}

/** R3: H(0x01 ‖ left ‖ right). */
export function nodeHash(sha: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + left.length + right.length);
  b[0] = 1;
  b.set(left, 1);
  b.set(right, 1 + left.length);
  return sha(b);
}

/** R4: MTH({}) = H(""). */
export const emptyRoot = (sha: Sha256): Uint8Array => sha(new Uint8Array(0));

/** R4: the tree hash of a list of leaf hashes. */
export function rootFromLeafHashes(sha: Sha256, leafHashes: readonly Uint8Array[]): Uint8Array {
  return leafHashes.length === 0 ? emptyRoot(sha) : mth(sha, leafHashes, 0, leafHashes.length);
}

/** The hash of the subtree over leaves [start, end) of a tree (start aligned as RFC 6962's recursion makes it). */
export type RangeHash = (start: number, end: number) => Uint8Array;

/** RFC 6962 PATH(index, D[0:size]): sibling hashes from the leaf up. Throws RangeError on bad arguments. */
export function inclusionProof(sha: Sha256, leafHashes: readonly Uint8Array[], index: number, size: number): Uint8Array[] {
  if (!isCount(size) || size > leafHashes.length) throw new RangeError(`inclusionProof: size ${size} is not within the ${leafHashes.length} leaves given`);
  return inclusionProofFrom((s, e) => mth(sha, leafHashes, s, e), index, size);
}

/** PATH over any source of subtree hashes (stored tree nodes, a list of leaves). */
export function inclusionProofFrom(rangeHash: RangeHash, index: number, size: number): Uint8Array[] {
  if (!isCount(index) || index >= size) throw new RangeError(`inclusionProof: index ${index} is not below size ${size}`);
  const proof: Uint8Array[] = [];
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = split(end - start);
    if (m < k) {
      path(m, start, start + k);
      proof.push(rangeHash(start + k, end));
    } else {
      path(m - k, start + k, end);
      proof.push(rangeHash(start, start + k));
    }
  };
  path(index, 0, size);
  return proof;
}

/** RFC 6962 PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true); empty when m is 0 or m = n (C2SP). Throws RangeError on bad arguments. */
export function consistencyProof(sha: Sha256, leafHashes: readonly Uint8Array[], m: number, n: number): Uint8Array[] {
  if (!isCount(n) || n > leafHashes.length) throw new RangeError(`consistencyProof: size ${n} is not within the ${leafHashes.length} leaves given`);
  return consistencyProofFrom((s, e) => mth(sha, leafHashes, s, e), m, n);
}

/** SUBPROOF over any source of subtree hashes. */
export function consistencyProofFrom(rangeHash: RangeHash, m: number, n: number): Uint8Array[] {
  if (!isCount(m) || !isCount(n) || m > n) throw new RangeError(`consistencyProof: old size ${m} is not within 0..${n}`);
  const proof: Uint8Array[] = [];
  if (m === 0 || m === n) return proof;
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    if (m === end - start) {
      if (!whole) proof.push(rangeHash(start, end));
      return;
    }
    const k = split(end - start);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      proof.push(rangeHash(start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      proof.push(rangeHash(start, start + k));
    }
  };
  subproof(m, 0, n, true);
  return proof;
}

/** A perfect subtree: 2^level leaves from idx · 2^level. Level 0 is a leaf. */
export type NodeRef = { level: number; idx: number };

/**
 * [start, end) as the perfect subtrees it is made of, left to right (start aligned as in
 * RFC 6962's recursion, so sizes decrease). Its hash folds them right to left.
 */
export function perfectParts(start: number, end: number): NodeRef[] {
  const parts: NodeRef[] = [];
  while (start < end) {
    let size = 1;
    let level = 0;
    while (start % (size * 2) === 0 && start + size * 2 <= end) {
      size *= 2;
      level++;
    }
    parts.push({ level, idx: start / size });
    start += size;
  }
  return parts;
}

/** The hash of [start, end) from the hashes of its perfect parts. */
export function foldParts(sha: Sha256, hashes: readonly Uint8Array[]): Uint8Array {
  let r = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) r = nodeHash(sha, hashes[i]!, r);
  return r;
}

/** RFC 9162 §2.1.3.2 (C2SP merkle-tree "Inclusion proofs / Verification"). False for any malformed input. */
export function verifyInclusion(sha: Sha256, index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  // 1. If m >= n, the proof is invalid.
  if (!isCount(index) || !isCount(size) || index >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  // 2. fn = m, sn = n − 1, h = leaf hash.
  let fn = index;
  let sn = size - 1;
  let h = leaf;
  // 3. For each proof hash p, in order:
  for (const p of proof) {
    if (sn === 0) return false; // a. too many proof hashes
    if (odd(fn) || fn === sn) {
      // b. p is a left sibling; then skip the levels where this node has no right sibling.
      h = nodeHash(sha, p, h);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      h = nodeHash(sha, h, p); // c.
    }
    fn = half(fn); // d.
    sn = half(sn);
  }
  // 4. sn ≠ 0: not enough proof hashes. 5. Valid iff h equals the root.
  return sn === 0 && equalBytes(h, root);
}

/** RFC 9162 §2.1.4.2 (C2SP merkle-tree "Consistency proofs / Verification"). False for any malformed input. */
export function verifyConsistency(sha: Sha256, m: number, n: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isCount(m) || !isCount(n) || m > n) return false; // 1.
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (m === n) return proof.length === 0 && equalBytes(oldRoot, newRoot); // 2.
  if (m === 0) return proof.length === 0; // 3. (C2SP: any tree is consistent with the empty tree)
  if (proof.length === 0) return false; // 4.
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : proof; // 5.
  let fn = m - 1; // 6.
  let sn = n - 1;
  while (odd(fn)) {
    // 7.
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!; // 8.
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    // 9.
    const p = path[i]!;
    if (sn === 0) return false; // a. too many proof hashes
    if (odd(fn) || fn === sn) {
      fr = nodeHash(sha, p, fr); // b.
      sr = nodeHash(sha, p, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sha, sr, p); // c.
    }
    fn = half(fn); // d.
    sn = half(sn);
  }
  // 10. sn ≠ 0: not enough proof hashes. 11. Valid iff both roots match.
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/**
 * The right edge of the tree: the roots of the perfect subtrees that make up its size, one per
 * set bit of `size`, largest first. Appending a leaf merges as many as the size has trailing
 * one bits; the root folds them right to left. `size` and `hashes` are what to persist, and
 * the constructor resumes from them.
 */
export class CompactRange {
  private _size: number;
  private readonly _hashes: Uint8Array[];

  constructor(
    private readonly sha: Sha256,
    state: { size: number; hashes: readonly Uint8Array[] } = { size: 0, hashes: [] },
  ) {
    if (!isCount(state.size) || state.hashes.length !== popcount(state.size) || !state.hashes.every(isHash)) {
      throw new RangeError(`CompactRange: size ${state.size} needs ${isCount(state.size) ? popcount(state.size) : "?"} hashes of ${HASH_SIZE} bytes, got ${state.hashes.length}`);
    }
    this._size = state.size;
    this._hashes = [...state.hashes];
  }

  get size(): number {
    return this._size;
  }

  get hashes(): readonly Uint8Array[] {
    return [...this._hashes];
  }

  /** Appends one leaf; `onNode` sees each perfect subtree the append completes (level ≥ 1). */
  append(leaf: Uint8Array, onNode?: (level: number, idx: number, hash: Uint8Array) => void): void {
    this.appendSubtree(0, leaf, onNode);
  }

  /**
   * Appends the root of a perfect subtree of 2^level leaves; the size must be a multiple of
   * 2^level (how a range proof's right side extends a compact range to the tree's size).
   */
  appendSubtree(level: number, hash: Uint8Array, onNode?: (level: number, idx: number, hash: Uint8Array) => void): void {
    if (!isHash(hash)) throw new RangeError(`CompactRange: a hash has ${HASH_SIZE} bytes, got ${hash.length}`);
    const width = 2 ** level;
    if (!Number.isInteger(level) || level < 0 || level > 52 || this._size % width !== 0) throw new RangeError(`CompactRange: a subtree of 2^${level} leaves cannot follow size ${this._size}`);
    if (this._size > Number.MAX_SAFE_INTEGER - width) throw new RangeError("CompactRange: the tree is full");
    let h = hash;
    let l = level;
    for (let s = this._size / width; odd(s); s = half(s)) {
      h = nodeHash(this.sha, this._hashes.pop()!, h);
      l++;
      onNode?.(l, (this._size + width - 2 ** l) / 2 ** l, h);
    }
    this._hashes.push(h);
    this._size += width;
  }

  root(): Uint8Array {
    let i = this._hashes.length - 1;
    if (i < 0) return emptyRoot(this.sha);
    let r = this._hashes[i]!;
    while (--i >= 0) r = nodeHash(this.sha, this._hashes[i]!, r);
    return r;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mth(sha: Sha256, leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return leaves[start]!;
  const k = split(end - start);
  return nodeHash(sha, mth(sha, leaves, start, start + k), mth(sha, leaves, start + k, end));
}

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;
const isHash = (h: Uint8Array): boolean => h instanceof Uint8Array && h.length === HASH_SIZE;
const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => (x - (x % 2)) / 2;
const isPowerOfTwo = (x: number): boolean => x > 0 && split(x + 1) === x;

function popcount(x: number): number {
  let c = 0;
  for (; x > 0; x = half(x)) c += x % 2;
  return c;
}
