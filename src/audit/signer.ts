// The checkpoint signer: signs the integrated tree (R9) when it has grown, after proving it
// consistent with the previous checkpoint from the stored nodes (a log must never sign two
// inconsistent checkpoints), stores it, and appends it to every anchor outside the database.
import type { AuditStore, CheckpointRow } from "../storage/audit-types.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { Anchor } from "./anchor.ts";
import { signCheckpoint, type SigningKey } from "./checkpoint.ts";
import { rfc3339Millis } from "./canonical-json.ts";
import { verifyConsistency, type Sha256 } from "./merkle.ts";
import { coalesced } from "./integrator.ts";
import { consistencyFromStore } from "./proofs.ts";

export interface SignerOptions {
  store: AuditStore;
  sha: Sha256;
  key: SigningKey;
  origin: string;
  anchors: readonly Anchor[];
  logger: Logger;
  now: () => number;
}

export interface Signer {
  /** Signs a checkpoint of the current tree unless the latest one already covers it; returns the latest. */
  checkpoint(): Promise<CheckpointRow | undefined>;
}

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

export function checkpointSigner(o: SignerOptions): Signer {
  async function once(): Promise<CheckpointRow | undefined> {
    const state = await o.store.treeState();
    const prev = await o.store.latestCheckpoint();
    if (prev && prev.size >= state.size) {
      if (prev.size > state.size) throw new Error(`the latest checkpoint covers ${prev.size} leaves but the tree has ${state.size}: refusing to sign (was the log truncated?)`);
      return prev;
    }
    if (state.size === 0) return undefined;
    let consistency: Uint8Array[] = [];
    if (prev) {
      consistency = await consistencyFromStore(o.store, o.sha, prev.size, state.size);
      if (!verifyConsistency(o.sha, prev.size, state.size, prev.root, state.root, consistency)) {
        throw new Error(`the tree of ${state.size} leaves is not consistent with the checkpoint of ${prev.size}: refusing to sign`);
      }
    }
    const now = o.now();
    const signed = await signCheckpoint({ origin: o.origin, size: state.size, root: state.root, privateKey: o.key.privateKey, publicJwk: o.key.publicJwk, now });
    const row = { size: state.size, root: state.root, note: signed.note, jws: signed.jws, consistency, ...(prev ? { prevSize: prev.size } : {}) };
    await o.store.insertCheckpoint(row);
    for (const a of o.anchors) {
      // An anchor that fails is logged and retried with the next checkpoint (which covers this one).
      try {
        const ref = await a.append({ size: state.size, root: b64(state.root), note: signed.note, jws: signed.jws, at: rfc3339Millis(now) });
        await o.store.insertAnchor(state.size, a.kind, ref);
      } catch (e) {
        o.logger.error({ anchor: a.kind, size: state.size, err: e instanceof Error ? e.message : String(e) }, "checkpoint anchor failed");
      }
    }
    o.logger.info({ size: state.size, prev: prev?.size ?? 0 }, "audit checkpoint signed");
    return { ...row, createdAt: new Date(now) };
  }
  return { checkpoint: coalesced(once) };
}
