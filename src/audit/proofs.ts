// Proofs served from the stored tree: every subtree a proof needs is a fold of at most
// O(log n) stored perfect-subtree nodes, fetched in one query.
import type { AuditStore } from "../storage/audit-types.ts";
import { consistencyProofFrom, foldParts, inclusionProofFrom, perfectParts, type NodeRef, type RangeHash, type Sha256 } from "./merkle.ts";

const key = (r: NodeRef) => `${r.level}/${r.idx}`;
const PLACEHOLDER = new Uint8Array(32);

/** Runs a proof generator twice: once to learn which nodes it needs, then with them. */
async function fromStore(store: AuditStore, sha: Sha256, generate: (h: RangeHash) => Uint8Array[]): Promise<Uint8Array[]> {
  const wanted = new Map<string, NodeRef>();
  generate((s, e) => {
    for (const p of perfectParts(s, e)) wanted.set(key(p), p);
    return PLACEHOLDER;
  });
  const nodes = await store.nodes([...wanted.values()]);
  return generate((s, e) =>
    foldParts(
      sha,
      perfectParts(s, e).map((p) => {
        const h = nodes.get(key(p));
        if (!h) throw new Error(`the stored tree lacks node ${key(p)}`);
        return h;
      }),
    ),
  );
}

export const inclusionFromStore = (store: AuditStore, sha: Sha256, index: number, size: number) => fromStore(store, sha, (h) => inclusionProofFrom(h, index, size));

export const consistencyFromStore = (store: AuditStore, sha: Sha256, m: number, n: number) => fromStore(store, sha, (h) => consistencyProofFrom(h, m, n));

/** The compact range of [0, size) (left side of a range proof) and the aligned subtrees covering [to, size) (right side). */
export async function rangeSides(store: AuditStore, from: number, to: number, size: number): Promise<{ left: Uint8Array[]; right: { level: number; hash: Uint8Array }[] }> {
  const leftRefs = perfectParts(0, from);
  const rightRefs = perfectParts(to, size);
  const nodes = await store.nodes([...leftRefs, ...rightRefs]);
  const get = (r: NodeRef) => {
    const h = nodes.get(key(r));
    if (!h) throw new Error(`the stored tree lacks node ${key(r)}`);
    return h;
  };
  return { left: leftRefs.map(get), right: rightRefs.map((r) => ({ level: r.level, hash: get(r) })) };
}
