// The integrator: takes queued events in batches, checks each stored entry still hashes to
// the leaf written with it, assigns contiguous log indices, and stores the perfect-subtree
// nodes that O(log n) proofs need, all in one transaction under an advisory lock
// (exactly one integrator works at a time, whichever process it runs in).
import type { AuditStore, IntegrationPlan, PendingEvent, TreeState } from "../storage/audit-types.ts";
import type { Logger } from "../telemetry/logger.ts";
import { CompactRange, type Sha256 } from "./merkle.ts";

export interface Rejected {
  eventId: string;
  why: string;
}

/** Pure: the leaves, nodes and new state for a batch. Events whose bytes no longer match their leaf are rejected, never integrated. */
export function planIntegration(sha: Sha256, state: TreeState, batch: readonly PendingEvent[], rejected: Rejected[] = []): IntegrationPlan {
  const range = new CompactRange(sha, { size: state.size, hashes: state.edge });
  const plan: IntegrationPlan = { leaves: [], nodes: [], state };
  for (const p of batch) {
    if (p.problem !== undefined) {
      rejected.push({ eventId: p.eventId, why: p.problem === "missing" ? "queued, but its event row is missing" : "its stored entry does not hash to the leaf written with it" });
      continue;
    }
    plan.leaves.push({ logIndex: range.size, eventId: p.eventId, receivedAt: p.receivedAt, leafHash: p.leaf });
    range.append(p.leaf, (level, idx, hash) => plan.nodes.push({ level, idx, hash }));
  }
  plan.state = { size: range.size, root: range.root(), edge: [...range.hashes] };
  return plan;
}

/**
 * One run at a time in this process (the advisory lock covers other processes), and a call
 * made while a run is going gets a fresh run after it: that run may have taken its batch
 * before the caller's events were queued. Callers arriving together share the follow-up.
 */
export function coalesced<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => (running = fn().finally(() => (running = undefined)));
  return () => {
    if (!running) return start();
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = undefined;
      return running ?? start();
    });
    return next;
  };
}

export interface Integrator {
  /** Integrates everything queued before the call (batch after batch); the tree size after, or undefined if another integrator holds the lock. */
  run(): Promise<TreeState | undefined>;
}

export function integrator(store: AuditStore, sha: Sha256, logger: Logger, batchSize = 5_000): Integrator {
  async function once(): Promise<TreeState | undefined> {
    let state: TreeState | undefined;
    for (;;) {
      const rejected: Rejected[] = [];
      const r = await store.integrate(batchSize, (s, batch) => planIntegration(sha, s, batch, rejected));
      if (!r) return state;
      for (const x of rejected) logger.error({ eventId: x.eventId, why: x.why }, "audit event rejected by the integrator: possible tampering");
      state = r.state;
      if (r.integrated + rejected.length < batchSize) return state;
    }
  }
  return { run: coalesced(once) };
}
