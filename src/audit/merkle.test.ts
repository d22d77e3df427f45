import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CompactRange,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Sha256,
} from "./merkle.ts";

const sha: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const toB64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

// audit-and-compliance.md §2.4: the classic CT/Trillian leaves and their tree heads.
const LEAF_DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(fromHex);
const MTH_HEX = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CONSISTENCY_1_8_B64 = ["lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=", "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="];

const LEAVES = LEAF_DATA.map((d) => leafHash(sha, d));
const ROOTS = MTH_HEX.map(fromHex);
const root = (n: number): Uint8Array => ROOTS[n]!;
const leaf = (i: number): Uint8Array => LEAVES[i]!;

/** A copy of the list with one bit of hash j flipped. */
function flipBit(proof: readonly Uint8Array[], j: number): Uint8Array[] {
  return proof.map((h, i) => {
    if (i !== j) return h;
    const c = h.slice();
    c[j % 32] = c[j % 32]! ^ (1 << j % 8);
    return c;
  });
}
const flipped = (h: Uint8Array): Uint8Array => flipBit([h], 0)[0]!;

/** Which side each sibling is on, bottom up, straight from RFC 6962's PATH recursion (independent of the verifier). */
function sides(m: number, n: number): string {
  if (n === 1) return "";
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k ? `${sides(m, k)}R` : `${sides(m - k, n - k)}L`;
}

const pairs = (lo: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let n = 1; n <= 8; n++) for (let m = lo; m <= (lo === 0 ? n - 1 : n); m++) out.push([m, n]);
  return out;
};
const INCLUSION_CASES = pairs(0); // 0 ≤ i < n ≤ 8: 36 proofs
const CONSISTENCY_CASES = pairs(1); // 1 ≤ m ≤ n ≤ 8: 36 proofs

describe("tree hash (R2–R4)", () => {
  it("reproduces the spec's MTH table for n = 0..8", () => {
    expect(toHex(emptyRoot(sha))).toBe(MTH_HEX[0]);
    for (let n = 0; n <= 8; n++) expect(toHex(rootFromLeafHashes(sha, LEAVES.slice(0, n))), `n = ${n}`).toBe(MTH_HEX[n]);
  });

  it("hashes leaves with 0x00 and nodes with 0x01", () => {
    expect(toHex(leaf(0))).toBe(toHex(sha(fromHex("00"))));
    expect(toHex(nodeHash(sha, leaf(0), leaf(1)))).toBe(toHex(sha(fromHex(`01${toHex(leaf(0))}${toHex(leaf(1))}`))));
    expect(toHex(nodeHash(sha, leaf(0), leaf(1)))).toBe(MTH_HEX[2]);
  });

  it("CompactRange yields the same root as rootFromLeafHashes for every size 0..300", () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(sha, new TextEncoder().encode(`entry ${i}`)));
    const range = new CompactRange(sha);
    expect(toHex(range.root())).toBe(MTH_HEX[0]);
    for (let n = 1; n <= 300; n++) {
      range.append(leaves[n - 1]!);
      expect(range.size).toBe(n);
      expect(range.hashes).toHaveLength(n.toString(2).replace(/0/g, "").length);
      expect(toHex(range.root()), `size ${n}`).toBe(toHex(rootFromLeafHashes(sha, leaves.slice(0, n))));
    }
  });

  it("CompactRange reproduces the spec table and resumes from its persisted state", () => {
    const range = new CompactRange(sha);
    for (let n = 1; n <= 8; n++) {
      range.append(leaf(n - 1));
      expect(toHex(range.root())).toBe(MTH_HEX[n]);
      const resumed = new CompactRange(sha, { size: range.size, hashes: range.hashes });
      expect(toHex(resumed.root())).toBe(MTH_HEX[n]);
    }
    const at5 = new CompactRange(sha);
    for (let i = 0; i < 5; i++) at5.append(leaf(i));
    const resumed = new CompactRange(sha, { size: 5, hashes: at5.hashes });
    for (let i = 5; i < 8; i++) resumed.append(leaf(i));
    expect(toHex(resumed.root())).toBe(MTH_HEX[8]);
  });

  it("CompactRange refuses a state whose hash count does not match its size, and non-hashes", () => {
    expect(() => new CompactRange(sha, { size: 5, hashes: [leaf(0)] })).toThrow(RangeError);
    expect(() => new CompactRange(sha, { size: 4, hashes: [leaf(0), leaf(1)] })).toThrow(RangeError);
    expect(() => new CompactRange(sha, { size: -1, hashes: [] })).toThrow(RangeError);
    expect(() => new CompactRange(sha, { size: 1, hashes: [new Uint8Array(31)] })).toThrow(RangeError);
    expect(() => new CompactRange(sha).append(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe("C2SP merkle-tree 7-leaf example", () => {
  const [a, b, c, d, e, f, g] = LEAVES as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const h = nodeHash(sha, a, b);
  const i = nodeHash(sha, c, d);
  const j = nodeHash(sha, e, f);
  const k = nodeHash(sha, h, i);
  const l = nodeHash(sha, j, g);
  const top = nodeHash(sha, k, l);
  const hexes = (hs: readonly Uint8Array[]): string[] => hs.map(toHex);

  it("labels add up to the 7-leaf root of the spec table", () => {
    expect(toHex(top)).toBe(MTH_HEX[7]);
    expect(toHex(k)).toBe(MTH_HEX[4]);
  });

  it.each([
    [0, [b, i, l]],
    [3, [c, h, l]],
    [4, [f, g, k]],
    [6, [j, k]],
  ] as const)("inclusion of index %i", (index, expected) => {
    const proof = inclusionProof(sha, LEAVES, index, 7);
    expect(hexes(proof)).toEqual(hexes(expected));
    expect(verifyInclusion(sha, index, 7, leaf(index), expected, top)).toBe(true);
  });

  it.each([
    [3, [c, d, h, l]],
    [4, [l]],
    [6, [j, g, k]],
  ] as const)("consistency from size %i to 7", (m, expected) => {
    const proof = consistencyProof(sha, LEAVES, m, 7);
    expect(hexes(proof)).toEqual(hexes(expected));
    expect(verifyConsistency(sha, m, 7, root(m), top, expected)).toBe(true);
  });
});

describe("inclusion proofs of the spec's set", () => {
  it("match the spec's consistency proof 1→8 in base64", () => {
    expect(consistencyProof(sha, LEAVES, 1, 8).map(toB64)).toEqual(CONSISTENCY_1_8_B64);
  });

  it("every proof 0 ≤ i < n ≤ 8 verifies against the table's root (36 proofs)", () => {
    expect(INCLUSION_CASES).toHaveLength(36);
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      expect(proof, `i=${i} n=${n}`).toHaveLength(sides(i, n).length);
      expect(verifyInclusion(sha, i, n, leaf(i), proof, root(n)), `i=${i} n=${n}`).toBe(true);
    }
  });

  it("fail with any bit flipped in any proof hash, the leaf or the root", () => {
    let checked = 0;
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      for (let j = 0; j < proof.length; j++, checked++) expect(verifyInclusion(sha, i, n, leaf(i), flipBit(proof, j), root(n)), `i=${i} n=${n} hash ${j}`).toBe(false);
      expect(verifyInclusion(sha, i, n, flipped(leaf(i)), proof, root(n))).toBe(false);
      expect(verifyInclusion(sha, i, n, leaf(i), proof, flipped(root(n)))).toBe(false);
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("fail for a wrong index, and for the leaf of another index", () => {
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      for (let w = 0; w < n; w++) {
        if (w === i) continue;
        expect(verifyInclusion(sha, w, n, leaf(i), proof, root(n)), `i=${i} as ${w}, n=${n}`).toBe(false);
        expect(verifyInclusion(sha, i, n, leaf(w), proof, root(n)), `leaf ${w} at i=${i}, n=${n}`).toBe(false);
      }
    }
  });

  it("fail when the proof is presented for another tree size with that size's root", () => {
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      for (let w = i + 1; w <= 8; w++) if (w !== n) expect(verifyInclusion(sha, i, w, leaf(i), proof, root(w)), `i=${i} n=${n} as ${w}`).toBe(false);
    }
  });

  it("accept another size only when its path has the same shape: the signed checkpoint, not the proof, binds the size", () => {
    let sameShape = 0;
    let otherShape = 0;
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      for (let w = i + 1; w <= 8; w++) {
        if (w === n) continue;
        const same = sides(i, w) === sides(i, n);
        if (same) sameShape++;
        else otherShape++;
        expect(verifyInclusion(sha, i, w, leaf(i), proof, root(n)), `i=${i} n=${n} claimed size ${w}`).toBe(same);
      }
    }
    expect(sameShape).toBeGreaterThan(0); // e.g. index 0: sizes 5–8 all fold [b, i, x] to the right
    expect(otherShape).toBeGreaterThan(sameShape);
  });

  it("fail with too many or too few hashes", () => {
    for (const [i, n] of INCLUSION_CASES) {
      const proof = inclusionProof(sha, LEAVES, i, n);
      expect(verifyInclusion(sha, i, n, leaf(i), [...proof, leaf(0)], root(n)), `i=${i} n=${n} +1`).toBe(false);
      expect(verifyInclusion(sha, i, n, leaf(i), [leaf(0), ...proof], root(n)), `i=${i} n=${n} +1 first`).toBe(false);
      if (proof.length === 0) continue;
      expect(verifyInclusion(sha, i, n, leaf(i), proof.slice(0, -1), root(n)), `i=${i} n=${n} -last`).toBe(false);
      expect(verifyInclusion(sha, i, n, leaf(i), proof.slice(1), root(n)), `i=${i} n=${n} -first`).toBe(false);
    }
  });

  it("fail for index ≥ size, negative or fractional numbers, and hashes that are not 32 bytes", () => {
    expect(verifyInclusion(sha, 0, 1, leaf(0), [], root(1))).toBe(true);
    expect(verifyInclusion(sha, 1, 1, leaf(0), [], root(1))).toBe(false);
    expect(verifyInclusion(sha, 8, 8, leaf(7), inclusionProof(sha, LEAVES, 7, 8), root(8))).toBe(false);
    expect(verifyInclusion(sha, 0, 0, leaf(0), [], root(0))).toBe(false);
    expect(verifyInclusion(sha, -1, 8, leaf(0), inclusionProof(sha, LEAVES, 0, 8), root(8))).toBe(false);
    expect(verifyInclusion(sha, 0.5, 8, leaf(0), inclusionProof(sha, LEAVES, 0, 8), root(8))).toBe(false);
    expect(verifyInclusion(sha, 0, Number.NaN, leaf(0), [], root(1))).toBe(false);
    expect(verifyInclusion(sha, 0, 1, leaf(0).slice(0, 31), [], root(1))).toBe(false);
    expect(verifyInclusion(sha, 0, 2, leaf(0), [new Uint8Array([...leaf(1), 0])], root(2))).toBe(false);
  });

  it("the generator refuses an index or size outside the leaves", () => {
    expect(() => inclusionProof(sha, LEAVES, 8, 8)).toThrow(RangeError);
    expect(() => inclusionProof(sha, LEAVES, 0, 9)).toThrow(RangeError);
    expect(() => inclusionProof(sha, LEAVES, 0, 0)).toThrow(RangeError);
    expect(() => inclusionProof(sha, LEAVES, -1, 4)).toThrow(RangeError);
  });
});

describe("consistency proofs of the spec's set", () => {
  it("every proof 1 ≤ m ≤ n ≤ 8 verifies against the table's roots (36 proofs)", () => {
    expect(CONSISTENCY_CASES).toHaveLength(36);
    for (const [m, n] of CONSISTENCY_CASES) {
      const proof = consistencyProof(sha, LEAVES, m, n);
      if (m === n) expect(proof).toEqual([]);
      expect(verifyConsistency(sha, m, n, root(m), root(n), proof), `${m}→${n}`).toBe(true);
    }
  });

  it("from the empty tree: valid only with an empty proof", () => {
    for (let n = 0; n <= 8; n++) {
      expect(consistencyProof(sha, LEAVES, 0, n)).toEqual([]);
      expect(verifyConsistency(sha, 0, n, root(0), root(n), [])).toBe(true);
      if (n > 0) expect(verifyConsistency(sha, 0, n, root(0), root(n), [root(n)])).toBe(false);
    }
  });

  it("equal sizes: valid only with an empty proof and equal roots", () => {
    expect(verifyConsistency(sha, 5, 5, root(5), root(5), [])).toBe(true);
    expect(verifyConsistency(sha, 5, 5, root(5), root(6), [])).toBe(false);
    expect(verifyConsistency(sha, 5, 5, root(5), root(5), [root(5)])).toBe(false);
  });

  it("fail with any bit flipped in any proof hash", () => {
    let checked = 0;
    for (const [m, n] of CONSISTENCY_CASES) {
      const proof = consistencyProof(sha, LEAVES, m, n);
      for (let j = 0; j < proof.length; j++, checked++) expect(verifyConsistency(sha, m, n, root(m), root(n), flipBit(proof, j)), `${m}→${n} hash ${j}`).toBe(false);
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("fail with a wrong old or new root", () => {
    for (const [m, n] of CONSISTENCY_CASES) {
      const proof = consistencyProof(sha, LEAVES, m, n);
      expect(verifyConsistency(sha, m, n, flipped(root(m)), root(n), proof), `${m}→${n} old`).toBe(false);
      expect(verifyConsistency(sha, m, n, root(m), flipped(root(n)), proof), `${m}→${n} new`).toBe(false);
      for (let w = 0; w <= 8; w++) {
        if (w !== m) expect(verifyConsistency(sha, m, n, root(w), root(n), proof), `${m}→${n} old root of ${w}`).toBe(false);
        if (w !== n) expect(verifyConsistency(sha, m, n, root(m), root(w), proof), `${m}→${n} new root of ${w}`).toBe(false);
      }
    }
  });

  it("fail when presented for other sizes with those sizes' roots", () => {
    for (const [m, n] of CONSISTENCY_CASES) {
      if (m === n) continue;
      const proof = consistencyProof(sha, LEAVES, m, n);
      for (const [m2, n2] of CONSISTENCY_CASES) {
        if (m2 === m && n2 === n) continue;
        expect(verifyConsistency(sha, m2, n2, root(m2), root(n2), proof), `${m}→${n} as ${m2}→${n2}`).toBe(false);
      }
    }
  });

  it("fail with m > n, even with the proof for n → m", () => {
    for (const [m, n] of CONSISTENCY_CASES) {
      if (m === n) continue;
      expect(verifyConsistency(sha, n, m, root(n), root(m), consistencyProof(sha, LEAVES, m, n)), `${n}→${m}`).toBe(false);
      expect(verifyConsistency(sha, n, m, root(n), root(m), []), `${n}→${m} empty`).toBe(false);
    }
    expect(() => consistencyProof(sha, LEAVES, 5, 4)).toThrow(RangeError);
    expect(() => consistencyProof(sha, LEAVES, 1, 9)).toThrow(RangeError);
  });

  it("fail with too many or too few hashes", () => {
    for (const [m, n] of CONSISTENCY_CASES) {
      const proof = consistencyProof(sha, LEAVES, m, n);
      expect(verifyConsistency(sha, m, n, root(m), root(n), [...proof, leaf(0)]), `${m}→${n} +1`).toBe(false);
      expect(verifyConsistency(sha, m, n, root(m), root(n), [root(m), ...proof]), `${m}→${n} old root prepended`).toBe(false);
      if (proof.length === 0) continue;
      expect(verifyConsistency(sha, m, n, root(m), root(n), proof.slice(0, -1)), `${m}→${n} -last`).toBe(false);
      expect(verifyConsistency(sha, m, n, root(m), root(n), proof.slice(1)), `${m}→${n} -first`).toBe(false);
    }
  });

  it("fail for negative or fractional sizes and hashes that are not 32 bytes", () => {
    const proof = consistencyProof(sha, LEAVES, 3, 7);
    expect(verifyConsistency(sha, -1, 7, root(3), root(7), proof)).toBe(false);
    expect(verifyConsistency(sha, 3, 7.5, root(3), root(7), proof)).toBe(false);
    expect(verifyConsistency(sha, 3, 7, root(3).slice(1), root(7), proof)).toBe(false);
    expect(verifyConsistency(sha, 3, 7, root(3), root(7), [...proof.slice(0, -1), new Uint8Array(64)])).toBe(false);
  });
});

describe("sizes beyond 32 bits", () => {
  // A tree of n copies of one leaf: every perfect subtree of a given size has the same hash,
  // so roots and proofs of huge trees cost O(log² n) hashes. Proofs are built here straight
  // from RFC 6962's PATH and SUBPROOF, independently of merkle.ts's generators.
  const x = leaf(3);
  const memo = new Map<number, Uint8Array>([[1, x]]);
  const split = (n: number): number => {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  };
  const same = (n: number): Uint8Array => {
    let h = memo.get(n);
    if (!h) memo.set(n, (h = nodeHash(sha, same(split(n)), same(n - split(n)))));
    return h;
  };
  const path = (m: number, n: number): Uint8Array[] => {
    if (n === 1) return [];
    const k = split(n);
    return m < k ? [...path(m, k), same(n - k)] : [...path(m - k, n - k), same(k)];
  };
  const subproof = (m: number, n: number, whole: boolean): Uint8Array[] => {
    if (m === n) return whole ? [] : [same(n)];
    const k = split(n);
    return m <= k ? [...subproof(m, k, whole), same(n - k)] : [...subproof(m - k, n - k, false), same(k)];
  };
  const big = 2 ** 40 + 12_345;

  it("verifies inclusion at indices above 2^32", () => {
    for (const i of [0, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 7, big - 1]) {
      expect(verifyInclusion(sha, i, big, x, path(i, big), same(big)), `i=${i}`).toBe(true);
      expect(verifyInclusion(sha, i, big, x, path(i, big).slice(1), same(big)), `i=${i} short`).toBe(false);
    }
    expect(verifyInclusion(sha, big, big, x, path(big - 1, big), same(big))).toBe(false);
  });

  it("verifies consistency between sizes above 2^32", () => {
    for (const [m, n] of [
      [2 ** 32, big],
      [2 ** 35 + 3, big],
      [2 ** 33 - 1, 2 ** 33 + 1],
      [3, big],
      [big - 1, big],
      [2 ** 52 + 1, Number.MAX_SAFE_INTEGER],
    ] as const) {
      const proof = subproof(m, n, true);
      expect(verifyConsistency(sha, m, n, same(m), same(n), proof), `${m}→${n}`).toBe(true);
      expect(verifyConsistency(sha, m, n, same(m), same(n), flipBit(proof, 0)), `${m}→${n} flipped`).toBe(false);
    }
  });

  it("CompactRange resumes at such sizes and keeps the right root", () => {
    const perfect = (n: number): Uint8Array[] => {
      const hs: Uint8Array[] = [];
      for (let rest = n; rest > 0; ) {
        let k = 1;
        while (k * 2 <= rest) k *= 2;
        hs.push(same(k));
        rest -= k;
      }
      return hs;
    };
    for (const n of [2 ** 32 - 1, 2 ** 32, big, 2 ** 52 + 2 ** 31 - 1]) {
      const range = new CompactRange(sha, { size: n, hashes: perfect(n) });
      expect(toHex(range.root()), `size ${n}`).toBe(toHex(same(n)));
      range.append(x);
      expect(toHex(range.root()), `size ${n + 1}`).toBe(toHex(same(n + 1)));
      expect(range.size).toBe(n + 1);
    }
  });
});
