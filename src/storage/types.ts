// The storage interface core code sees. Two drivers implement it: postgres.js (real
// Postgres; also on Workers) and PGlite (the embedded development database).
import type { AuditIntegrity } from "./audit-integrity.ts";
import type { AuditStats } from "./audit-stats.ts";
import type { AuditStore } from "./audit-types.ts";
import type { ComplianceStore } from "./compliance-types.ts";

export interface ApiKeyRecord {
  id: string;
  name: string;
  team: string;
  prefix: string;
  hash: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** What the kill switch can suspend. */
export type SuspensionKind = "endpoint" | "model" | "team";
export const SUSPENSION_KINDS: readonly SuspensionKind[] = ["endpoint", "model", "team"];

/** One suspended endpoint, model or team. */
export interface SuspensionRecord {
  kind: SuspensionKind;
  name: string;
  reason: string | null;
  /** The operator as the CLI or the admin API named them (never a credential). */
  suspendedBy: string;
  suspendedAt: Date;
}

/** One span as otel_spans holds it (migrations/0004_otel_spans.sql). */
export interface SpanRow {
  timestamp: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  trace_state: string | null;
  span_name: string;
  span_kind: string;
  service_name: string;
  resource_attributes: Record<string, unknown>;
  scope_name: string | null;
  scope_version: string | null;
  span_attributes: Record<string, unknown>;
  /** Nanoseconds, as a decimal string (beyond 2^53 is possible). */
  duration_ns: string;
  status_code: string;
  status_message: string | null;
  events: unknown[];
  links: unknown[];
}

/** A console session; `idHash` is the SHA-256 (hex) of the cookie's random token. */
export interface ConsoleSessionRecord {
  idHash: string;
  csrf: string;
  issuer: string;
  issuerName: string;
  subject: string;
  email: string | null;
  teams: string[];
  roles: string[];
  /** How the session began: "oidc:<issuer name>" or "link". */
  method: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute timeout. */
  expiresAt: Date;
}

/** A sign-in in flight (OIDC state), an unused link, or a used link's id (so it cannot be used twice). */
export type LoginKind = "oidc" | "link" | "link_used";

export interface SavedSearchRecord {
  id: string;
  /** The owner's pseudonym. */
  owner: string;
  name: string;
  /** The search as a query string (the /api/audit/events parameters). */
  query: string;
  createdAt: Date;
}

export interface ConsoleStore {
  createSession(row: ConsoleSessionRecord): Promise<void>;
  session(idHash: string): Promise<ConsoleSessionRecord | undefined>;
  touchSession(idHash: string, at: Date): Promise<void>;
  /** Deletes the session; the row it removed, if any. */
  endSession(idHash: string): Promise<ConsoleSessionRecord | undefined>;
  /** Inserts unless the key exists; false when it did (a replay). */
  putLogin(keyHash: string, kind: LoginKind, data: unknown, expiresAt: Date): Promise<boolean>;
  /** Deletes and returns an unexpired row of that kind: each can be taken once. */
  takeLogin(keyHash: string, kind: LoginKind, now: Date): Promise<unknown>;
  savedSearches(owner: string): Promise<SavedSearchRecord[]>;
  /** Saves (or replaces, by owner and name) a search. */
  saveSearch(row: SavedSearchRecord): Promise<void>;
  deleteSavedSearch(owner: string, id: string): Promise<boolean>;
  /** Drops expired and idle sessions and expired sign-ins. */
  prune(now: Date, idleMs: number): Promise<void>;
}

export interface Storage {
  readonly kind: "postgres" | "pglite";
  /** The console's sessions, sign-ins and saved searches. */
  readonly console: ConsoleStore;
  /** Throws when the database cannot answer (used by /readyz). */
  ping(): Promise<void>;
  /** The audit log's tables. */
  readonly audit: AuditStore;
  /** Aggregates over the audit log (the console's overview and policy views). */
  readonly stats: AuditStats;
  /** Checkpoint history and anchors, for the console's Integrity view. */
  readonly integrity: AuditIntegrity;
  /** Legal holds, incidents, purges and content-key expiry. */
  readonly compliance: ComplianceStore;

  createApiKey(row: ApiKeyRecord): Promise<void>;
  /** Every key, newest first (hashes included: callers must not show them). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key revoked (once); false when there is no such key. */
  revokeApiKey(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** Records that these keys were used (batched by the caller). */
  touchApiKeys(ids: readonly string[], at: Date): Promise<void>;

  /** What is suspended now, by kind then name. */
  listSuspensions(): Promise<SuspensionRecord[]>;
  /** Suspends the target unless it already is; either way returns the row in force (the first one) and whether this call created it. */
  suspend(row: SuspensionRecord): Promise<{ created: boolean; record: SuspensionRecord }>;
  /** Lifts a suspension; the row it removed, or undefined when that target was not suspended. */
  resume(kind: SuspensionKind, name: string): Promise<SuspensionRecord | undefined>;

  /** Spans (telemetry), one statement per batch. */
  insertSpans(rows: readonly SpanRow[]): Promise<void>;
  /** The spans of one trace, oldest first (the console's and tests' way from an audit event to its trace). */
  spansOfTrace(traceId: string): Promise<SpanRow[]>;
  /** Creates the coming days' span partitions and drops the days older than `retainDays`; how many were dropped. */
  maintainSpans(retainDays: number): Promise<number>;

  /** Runs one SQL statement as given: for tests and operators' tools, never for request data. */
  unsafeExecute(statement: string): Promise<void>;
  close(): Promise<void>;
}
