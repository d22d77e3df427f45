// What the audit log asks of storage. Core code (src/audit/) builds entries, hashes and
// proofs; the drivers only move rows.
import type { Projection, SearchProjection } from "../audit/projection.ts";

/** The search columns: the entry's projection (src/audit/projection.ts), minus what the row has as its own columns. */
export type EventColumns = Omit<Projection, "type" | "eventId" | "ts">;

/** One audit.event row: the entry's exact bytes, its leaf hash and search projections (bundle and search-only). */
export interface AuditEventRow extends EventColumns, SearchProjection {
  receivedAt: Date;
  eventId: string;
  type: string;
  writerId: string;
  writerSeq: number;
  entry: Uint8Array;
  leafHash: Uint8Array;
}

export interface ContentRow {
  eventId: string;
  part: string;
  jwe: string;
}

export interface TreeState {
  size: number;
  root: Uint8Array;
  /** The compact range: roots of the perfect subtrees making up `size`, largest first. */
  edge: Uint8Array[];
}

/**
 * A queued event as the integrator takes it. The database checks, as it hands the batch
 * over, that the stored entry still hashes (R2) to the leaf hash written with it, so the
 * entries themselves need not travel.
 */
export interface PendingEvent {
  eventId: string;
  receivedAt: Date;
  leaf: Uint8Array;
  /** Why it must not be integrated: its event row is gone, or its bytes no longer match its leaf hash. */
  problem?: "missing" | "altered";
}

/** What the integrator decided for a batch, computed by core code from the state and the batch. */
export interface IntegrationPlan {
  leaves: { logIndex: number; eventId: string; receivedAt: Date; leafHash: Uint8Array }[];
  nodes: { level: number; idx: number; hash: Uint8Array }[];
  state: TreeState;
}

export interface CheckpointRow {
  size: number;
  root: Uint8Array;
  note: string;
  jws: string;
  prevSize?: number;
  consistency: Uint8Array[];
  createdAt: Date;
}

/** An integrated leaf and, when its event row exists, the event. */
export interface LeafRow {
  logIndex: number;
  eventId: string;
  leafHash: Uint8Array;
  event?: AuditEventRow;
}

/** Equality filters on the event's columns (all given must hold); pages newest first. */
export interface AuditSearch {
  /** received_at in [from, to). */
  from?: Date;
  to?: Date;
  team?: string;
  subject?: string;
  model?: string;
  /** The provider kind (route.provider: openai, anthropic…). */
  provider?: string;
  /** The endpoint id (route.endpoint). */
  endpoint?: string;
  decision?: string;
  region?: string;
  jurisdiction?: string;
  /** A PII type counted in the entry. */
  pii?: string;
  /** A policy rule id the entry names (enforced, denying, shadow, clamping or routing). */
  rule?: string;
  policyVersion?: string;
  status?: number;
  type?: string;
  /** Only events after this one in the order (received_at, event_id) descending: the previous page's last event id. */
  before?: string;
  limit: number;
}

export interface DekRow {
  kid: string;
  pseudonym: string;
  period: string;
  wrapped: Uint8Array;
  /** The retention class whose content the key protects, the month's start, and when the key is destroyed (keys made before classes have none). */
  class?: string;
  month?: Date;
  expiresAt?: Date;
}

export interface AuditStore {
  /** Whether this connection's role could bypass the log's protections (it owns the log, or is a superuser). */
  canBypass(): Promise<{ owner: boolean; superuser: boolean }>;
  /** Creates the monthly partitions from `from`'s month on (through the owner's SECURITY DEFINER function). */
  ensurePartitions(from: Date, months: number): Promise<number>;
  /** Idempotent by (received_at, event_id): a retried batch inserts nothing twice. */
  insertEvents(rows: readonly AuditEventRow[]): Promise<void>;
  insertContent(rows: readonly ContentRow[]): Promise<void>;

  /**
   * One integration batch under the log's advisory lock, in one transaction. Undefined when
   * another integrator holds the lock. `plan` turns the state and the batch into leaves,
   * nodes and the new state; throwing aborts the transaction.
   */
  integrate(max: number, plan: (state: TreeState, batch: PendingEvent[]) => IntegrationPlan): Promise<{ integrated: number; state: TreeState } | undefined>;
  treeState(): Promise<TreeState>;
  /** Stored subtree hashes (level 0 = leaf hashes), by "level/idx". */
  nodes(refs: readonly { level: number; idx: number }[]): Promise<Map<string, Uint8Array>>;
  pendingStats(): Promise<{ count: number; oldest?: Date }>;
  /** Which of these events are still queued. */
  pendingIds(eventIds: readonly string[]): Promise<string[]>;

  /** Leaves [from, to) with their events, in index order. */
  leaves(from: number, to: number): Promise<LeafRow[]>;
  leafIndexOf(eventId: string): Promise<number | undefined>;
  /** The log indices [from, to) below `size` whose events were received in [fromTime, toTime) (an empty range when none). */
  indexRange(fromTime: Date | undefined, toTime: Date | undefined, size: number): Promise<{ from: number; to: number }>;
  event(eventId: string): Promise<AuditEventRow | undefined>;
  /** The request event and every event pointing at it (response, denial), oldest first. */
  eventsOfRequest(requestEventId: string): Promise<AuditEventRow[]>;
  search(q: AuditSearch): Promise<AuditEventRow[]>;
  /** How many events match the search's filters (`before` and `limit` ignored), counting no further than `cap`: more than `cap` gives cap + 1. */
  searchCount(q: Omit<AuditSearch, "before" | "limit">, cap: number): Promise<number>;
  /** Events that are not integrated yet (in the queue), oldest first. */
  unintegrated(limit: number): Promise<AuditEventRow[]>;
  content(eventId: string): Promise<ContentRow[]>;

  latestCheckpoint(): Promise<CheckpointRow | undefined>;
  /** Checkpoints with sizes in [fromSize, toSize], ascending. */
  checkpoints(fromSize: number, toSize: number, limit?: number): Promise<CheckpointRow[]>;
  /** The newest checkpoint whose size is at most `size`. */
  checkpointAtOrBefore(size: number): Promise<CheckpointRow | undefined>;
  insertCheckpoint(row: Omit<CheckpointRow, "createdAt">): Promise<void>;
  insertAnchor(size: number, kind: string, ref: string): Promise<void>;

  /** The pseudonym for a subject lookup hash, creating `fresh` for it when there is none. */
  pseudonym(lookup: Uint8Array, fresh: string): Promise<string>;
  findPseudonym(lookup: Uint8Array): Promise<string | undefined>;
  /** Records another look-up (an email's) for a pseudonym; idempotent. */
  addAlias(lookup: Uint8Array, pseudonym: string): Promise<void>;
  /** Pseudonyms recorded under an alias look-up. */
  findByAlias(lookup: Uint8Array): Promise<string[]>;
  dek(pseudonym: string, period: string): Promise<DekRow | undefined>;
  dekByKid(kid: string): Promise<DekRow | undefined>;
  /** Inserts the key unless one exists for (pseudonym, period); returns the one in force. */
  createDek(row: DekRow): Promise<DekRow>;
  /** Months dropped by retention that held entries, with their log indices (audit.purged). */
  purgedRanges(): Promise<{ month: string; events: number; firstIndex: number; lastIndex: number; purgeEvent: string }[]>;
  /** Destroys a subject's data keys and mapping; the number of keys destroyed. */
  eraseSubject(pseudonym: string): Promise<number>;
}
