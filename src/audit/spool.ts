// Where audit rows wait while Postgres is unreachable and the policy says fail_open: the
// request goes on, its audit rows are spooled, and a replay moves them into the database
// once it answers. Insertion is idempotent (by received_at, event_id), so replaying a batch
// twice (after a crash between insert and removal) stores nothing twice.
//
// Web standards only: the Node runtime has a durable file spool (src/runtime/node-spool.ts);
// Workers and tests use memorySpool, which is bounded and lost with the isolate.
import type { AuditEventRow, ContentRow } from "../storage/audit-types.ts";

export interface SpoolBatch {
  events: AuditEventRow[];
  content: ContentRow[];
}

export interface Spool {
  /** Durably appends (Node: written and fsync'ed before it resolves). */
  append(batch: SpoolBatch): Promise<void>;
  /** True when something is spooled. */
  hasData(): boolean;
  /**
   * Replays everything spooled, oldest first, through `insert` (which is idempotent), batch by
   * batch as appended; removes what was replayed. Stops at the first insert failure (rejecting
   * with it), keeping the rest, and the failed batch, for the next replay. Returns the number
   * of events replayed. A call while a replay runs waits for it and returns 0.
   */
  replay(insert: (batch: SpoolBatch) => Promise<void>): Promise<number>;
}

/** A replay function that runs one drain at a time: a call while one runs waits for it and returns 0. */
export function oneAtATime(drain: (insert: (batch: SpoolBatch) => Promise<void>) => Promise<number>): Spool["replay"] {
  let running: Promise<number> | undefined;
  return async (insert) => {
    if (running !== undefined) {
      await running.catch(() => {});
      return 0;
    }
    running = drain(insert);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
}

/** memorySpool refuses an append that would hold more than its limit. */
export class SpoolFullError extends Error {
  constructor(readonly maxRows: number) {
    super(`the audit spool is full (${maxRows} rows); the audit rows were not kept`);
    this.name = "SpoolFullError";
  }
}

const rowsOf = (b: SpoolBatch): number => b.events.length + b.content.length;

/**
 * In memory, at most `maxRows` rows (events plus content rows): an isolate's memory is small,
 * and refusing loudly beats growing until the runtime kills the isolate and drops them all.
 */
export function memorySpool(maxRows: number): Spool {
  if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw new RangeError(`memorySpool: maxRows ${maxRows} is not a non-negative integer`);
  const queue: SpoolBatch[] = [];
  let rows = 0;

  async function drain(insert: (batch: SpoolBatch) => Promise<void>): Promise<number> {
    // Only what was spooled when the replay began: appends during it wait for the next one,
    // as on Node, so a steady stream of appends cannot keep one replay going forever.
    const n = queue.length;
    let events = 0;
    for (let i = 0; i < n; i++) {
      const batch = queue[0] as SpoolBatch;
      await insert(batch); // a failure leaves this batch first in the queue
      queue.shift();
      rows -= rowsOf(batch);
      events += batch.events.length;
    }
    return events;
  }

  return {
    async append(batch) {
      const n = rowsOf(batch);
      if (rows + n > maxRows) throw new SpoolFullError(maxRows);
      // A copy of the lists, so a caller reusing its arrays does not change what was spooled.
      queue.push({ events: [...batch.events], content: [...batch.content] });
      rows += n;
    },
    hasData: () => queue.length > 0,
    replay: oneAtATime(drain),
  };
}
