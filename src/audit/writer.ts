// The audit writer: every stage's events go through `emit`. Each entry gets this writer's
// chain fields (R6: id, seq, prev) at enqueue time, is encoded once (R1) and hashed once
// (R2); the exact bytes are then inserted (batched: one multi-row INSERT per turn, group
// commit under load) and the database queues them for the integrator. A batch that cannot
// be inserted is retried with the same bytes and, meanwhile, kept in the spool (Node: an
// fsync'ed file), replayed in order when the database is back. No event is dropped.
import { base64url } from "../crypto/hashing.ts";
import type { AuditEventRow, AuditStore, ContentRow } from "../storage/audit-types.ts";
import type { Logger } from "../telemetry/logger.ts";
import { encodeEntry, rfc3339Millis } from "./canonical-json.ts";
import { leafHash, type Sha256 } from "./merkle.ts";
import { projectionOf, searchProjectionOf } from "./projection.ts";
import type { Spool, SpoolBatch } from "./spool.ts";
import { DeadlineError, withDeadline } from "../deadline.ts";
import { addPeriod, classFor, type RetentionPolicy } from "./retention.ts";

export const ENTRY_VERSION = 1;

const ZERO_HASH = base64url(new Uint8Array(32));

export interface EmitInput {
  type: string;
  /** Defaults to a new UUIDv7. */
  eventId?: string;
  /** Epoch ms; defaults to now. */
  ts?: number;
  /** Entry fields besides v, type, log, event_id, ts and writer. No nulls (R1). */
  fields: Record<string, unknown>;
  /** Encrypted content parts (R7) whose commitments `fields` carry. */
  content?: { part: string; jwe: string }[];
}

export interface Emitted {
  eventId: string;
  leaf: Uint8Array;
  /** Resolves once the event is committed to the database; rejects if the first attempt failed (it is then spooled and retried). */
  committed: Promise<void>;
}

export interface AuthFailure {
  source: string;
  reason: string;
  route: string;
  at: number;
}

export interface AuditSink {
  readonly writerId: string;
  emit(ev: EmitInput, opts?: { urgent?: boolean }): Emitted;
  /** Counted per source, reason and route over a window, and written as one event each. */
  authFailure(f: AuthFailure): void;
  /** Writes what is queued now (the authentication-failure window too); resolves when nothing is in flight (spooled batches may remain). */
  flush(): Promise<void>;
  /** Replays the spool now; the number of events it got into the database. */
  replay(): Promise<number>;
  /** Events waiting in memory or in the spool. */
  backlog(): { queued: number; spooled: boolean };
  /** Writes writer.close and flushes. */
  close(): Promise<void>;
}

/** A writer's chain (R6). Workers keep one per isolate while each request writes through its own connection. */
export interface ChainState {
  id: string;
  seq: number;
  prev: string;
}

export const newChain = (): ChainState => ({ id: base64url(crypto.getRandomValues(new Uint8Array(16))), seq: 0, prev: ZERO_HASH });

export interface WriterOptions {
  /** Continue this chain (default: a new one, opened with writer.open). */
  chain?: ChainState;
  store: AuditStore;
  sha: Sha256;
  origin: string;
  logger: Logger;
  spool: Spool;
  now: () => number;
  newId: () => string;
  defer: (p: Promise<unknown>) => void;
  /** What writer.open says about this instance (build, runtime, config hash). */
  open: Record<string, unknown>;
  /** How long non-urgent events are gathered before one INSERT (ms). */
  batchMs?: number;
  maxBatch?: number;
  authFailureWindowMs?: number;
  /** How often the spool is retried while the database is unreachable (ms). */
  retryMs?: number;
  /** A write that takes longer counts as failed (the database hangs): its events go to the spool. */
  writeTimeoutMs?: number;
  /** Each database write of a batch: seconds, and why it failed if it did (for metrics). */
  onWrite?: (seconds: number, errorType?: string) => void;
  /** The retention classes in force: each entry records its class and the date it may be purged after. */
  retention?: () => RetentionPolicy;
}

interface Queued {
  row: AuditEventRow;
  content: ContentRow[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function auditWriter(o: WriterOptions): AuditSink {
  const chain = o.chain ?? newChain();
  const writerId = chain.id;
  const maxBatch = o.maxBatch ?? 500;
  const batchMs = o.batchMs ?? 5;
  const windowMs = o.authFailureWindowMs ?? 10_000;
  const retryMs = o.retryMs ?? 1_000;
  const writeTimeoutMs = o.writeTimeoutMs ?? 3_000;
  let queue: Queued[] = [];
  let inflight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  /** After a failed write with nowhere to spool, new writes wait this long (no busy retry loop). */
  let backoffUntil = 0;
  let failures = new Map<string, { source: string; reason: string; route: string; count: number; start: number; end: number }>();
  let windowTimer: ReturnType<typeof setTimeout> | undefined;

  function emit(ev: EmitInput, opts: { urgent?: boolean } = {}): Emitted {
    // After writer.close the chain is over; an event now is a shutdown-order bug. It is still
    // written (never lost), and verify will show it after the close.
    if (closed) o.logger.error({ type: ev.type }, "audit event emitted after writer.close");
    const eventId = ev.eventId ?? o.newId();
    const ts = rfc3339Millis(ev.ts ?? o.now());
    const fields = o.retention ? withRetention(ev, o.retention(), ts) : ev.fields;
    const entry = { ...fields, v: ENTRY_VERSION, type: ev.type, log: o.origin, event_id: eventId, ts, writer: { id: writerId, seq: chain.seq, prev: chain.prev } };
    const bytes = encodeEntry(entry);
    // A bad entry is a bug in its builder: it must not take a sequence number (the chain
    // would show a gap for an event that never existed).
    if (!bytes.ok) throw new Error(`audit entry ${ev.type} is invalid: ${bytes.error.message}`);
    const leaf = leafHash(o.sha, bytes.value);
    chain.seq++;
    chain.prev = base64url(leaf);
    // The search columns are the entry's own projection, so the verifier can recompute them.
    const { type: _type, eventId: _id, ts: _ts, ...columns } = projectionOf(entry);
    const row: AuditEventRow = { receivedAt: new Date(ts), eventId, type: ev.type, writerId, writerSeq: entry.writer.seq, entry: bytes.value, leafHash: leaf, ...columns, ...searchProjectionOf(entry) };
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    committed.catch(() => {}); // callers that do not wait must not see an unhandled rejection
    queue.push({ row, content: (ev.content ?? []).map((c) => ({ eventId, part: c.part, jwe: c.jwe })), resolve, reject });
    kick(opts.urgent === true);
    return { eventId, leaf, committed };
  }

  function kick(urgent: boolean): void {
    if (inflight) return; // the running write picks the queue up when it ends
    const wait = backoffUntil - o.now();
    if (wait > 0) {
      if (!timer) timer = setTimeout(start, wait);
      return;
    }
    if (urgent || batchMs === 0) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      start();
    } else if (!timer) {
      timer = setTimeout(start, batchMs);
    }
  }

  function start(): void {
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    inflight = write(batch).finally(() => {
      inflight = undefined;
      if (queue.length > 0) kick(true);
    });
    o.defer(inflight);
  }

  async function insert(b: SpoolBatch): Promise<void> {
    try {
      await o.store.insertContent(b.content);
      await o.store.insertEvents(b.events);
    } catch (e) {
      if (!isMissingPartition(e)) throw e;
      // An event for a month without a partition: create it (owner's function) and retry once.
      const oldest = b.events.reduce((t, r) => Math.min(t, r.receivedAt.getTime()), Infinity);
      await o.store.ensurePartitions(new Date(oldest), 2);
      await o.store.insertEvents(b.events);
    }
  }

  async function write(batch: Queued[]): Promise<void> {
    const b: SpoolBatch = { events: batch.map((q) => q.row), content: batch.flatMap((q) => q.content) };
    // While older events wait in the spool, new ones join them there, so replay keeps order.
    if (!o.spool.hasData()) {
      try {
        const t0 = performance.now();
        try {
          await withDeadline(insert(b), writeTimeoutMs, "the audit write");
        } catch (e) {
          o.onWrite?.((performance.now() - t0) / 1000, e instanceof DeadlineError ? "timeout" : "write_failed");
          throw e;
        }
        o.onWrite?.((performance.now() - t0) / 1000);
        for (const q of batch) q.resolve();
        return;
      } catch (e) {
        o.logger.error({ err: errText(e), events: batch.length }, "audit write failed: spooling and retrying");
        for (const q of batch) q.reject(e);
      }
    } else {
      for (const q of batch) q.reject(new Error("the audit database is unreachable (events are being spooled)"));
    }
    try {
      await o.spool.append(b);
    } catch (e) {
      // Nowhere durable to put them: keep them in memory and keep retrying the database.
      o.logger.error({ err: errText(e), events: batch.length }, "audit spool append failed: holding the events in memory");
      queue = [...batch.map((q) => ({ ...q, resolve: () => {}, reject: () => {} })), ...queue];
      backoffUntil = o.now() + retryMs;
    }
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      const p = replay().then(
        () => (o.spool.hasData() || queue.length > 0 ? scheduleRetry() : undefined),
        () => scheduleRetry(),
      );
      o.defer(p);
    }, retryMs);
  }

  async function replay(): Promise<number> {
    if (!o.spool.hasData()) {
      if (queue.length > 0) start();
      return 0;
    }
    try {
      const n = await o.spool.replay((b) => withDeadline(insert(withSearchColumns(b)), writeTimeoutMs, "the audit spool replay"));
      if (n > 0) o.logger.info({ events: n }, "audit spool replayed into the database");
      if (queue.length > 0) kick(true);
      return n;
    } catch (e) {
      o.logger.warn({ err: errText(e) }, "audit database still unreachable; events stay spooled");
      throw e;
    }
  }

  function flushWindow(): void {
    if (windowTimer) clearTimeout(windowTimer);
    windowTimer = undefined;
    const rows = [...failures.values()];
    failures = new Map();
    for (const f of rows) {
      emit({ type: "auth.failures", ts: f.end, fields: { source: f.source, reason: f.reason, route: f.route, count: f.count, window: { start: rfc3339Millis(f.start), end: rfc3339Millis(f.end) } } });
    }
    if (rows.length > 0) o.logger.warn({ failures: rows.reduce((n, r) => n + r.count, 0), sources: new Set(rows.map((r) => r.source)).size }, "authentication failures in the last window");
  }

  const sink: AuditSink = {
    writerId,
    emit,
    authFailure(f) {
      const key = `${f.source}\u0000${f.reason}\u0000${f.route}`;
      const row = failures.get(key);
      if (row) {
        row.count++;
        row.end = Math.max(row.end, f.at);
      } else {
        failures.set(key, { source: truncateAddress(f.source), reason: f.reason, route: f.route, count: 1, start: f.at, end: f.at });
      }
      windowTimer ??= setTimeout(flushWindow, windowMs);
    },
    async flush() {
      flushWindow();
      if (timer) start();
      while (inflight) {
        await inflight;
        if (timer) start();
      }
    },
    replay,
    backlog: () => ({ queued: queue.length, spooled: o.spool.hasData() }),
    async close() {
      flushWindow();
      emit({ type: "writer.close", fields: {} });
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await sink.flush();
      if (o.spool.hasData()) await replay().catch(() => {});
    },
  };
  if (chain.seq === 0) emit({ type: "writer.open", fields: { system: o.open } });
  return sink;
}

/**
 * A spooled batch with its search-only columns recomputed from the entry bytes: a spool
 * (the Node file spool keeps the bundle columns only) may not carry them, and they must be
 * the entry's own, as the writer fills them (replay is rare: parsing again costs nothing).
 */
function withSearchColumns(b: SpoolBatch): SpoolBatch {
  const decoder = new TextDecoder();
  const events = b.events.map((r): AuditEventRow => {
    const { endpoint: _e, jurisdiction: _j, policyVersion: _v, ruleIds: _r, ...rest } = r;
    let entry: unknown;
    try {
      entry = JSON.parse(decoder.decode(r.entry));
    } catch {
      return rest; // not the writer's bytes: nothing to project (the verifier reports it)
    }
    return typeof entry === "object" && entry !== null && !Array.isArray(entry) ? { ...rest, ...searchProjectionOf(entry as Record<string, unknown>) } : rest;
  });
  return { events, content: b.content };
}

/** Source addresses are recorded truncated (IPv4 /24, IPv6 /48): enough to see a flood's origin, not a person. */
/** The entry's fields with retention.{class, until}: the class a call's team named (or the default), the log's own class for other events. */
function withRetention(ev: EmitInput, policy: RetentionPolicy, ts: string): Record<string, unknown> {
  const given = ev.fields.retention as { class?: unknown } | undefined;
  const named = typeof given?.class === "string" ? given.class : undefined;
  const c = classFor(policy, named, ev.type.startsWith("llm."));
  return { ...ev.fields, retention: { class: c.name, until: rfc3339Millis(addPeriod(Date.parse(ts), c.events)) } };
}

export function truncateAddress(a: string): string {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(a);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (a.includes(":")) {
    const groups = a.split("::")[0]!.split(":").slice(0, 3);
    while (groups.length < 3) groups.push("0");
    return `${groups.join(":")}::/48`;
  }
  return a === "" ? "unknown" : a.slice(0, 64);
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isMissingPartition = (e: unknown): boolean => /no partition of relation/i.test(errText(e)) || /no partition of relation/i.test(errText((e as { cause?: unknown })?.cause));
