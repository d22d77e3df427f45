// The storage interface core code sees. Two drivers implement it: postgres.js (real
// Postgres; also on Workers) and PGlite (the embedded development database).
import type { AuditStore } from "./audit-types.ts";

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

export interface Storage {
  readonly kind: "postgres" | "pglite";
  /** Throws when the database cannot answer (used by /readyz). */
  ping(): Promise<void>;
  /** The audit log's tables. */
  readonly audit: AuditStore;

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
