// The Storage operations written once against drizzle's Postgres dialect; both
// drivers (postgres.js, PGlite) hand in their drizzle database.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { auditStats } from "./audit-stats.ts";
import { auditStore, type RawQuery } from "./audit-store.ts";
import { consoleStore } from "./console-store.ts";
import { complianceStore } from "./compliance-store.ts";
import { auditIntegrity } from "./audit-integrity.ts";
import { apiKeys, suspensions } from "./schema.ts";
import type { SpanRow, Storage, SuspensionKind, SuspensionRecord } from "./types.ts";

export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export function drizzleStorage(kind: Storage["kind"], db: () => AnyPgDatabase, close: () => Promise<void>, raw?: RawQuery): Storage {
  return {
    kind,
    audit: auditStore(db, raw),
    stats: auditStats(db),
    console: consoleStore(db),
    integrity: auditIntegrity(db),
    compliance: complianceStore(db),
    async ping() {
      await db().execute(sql`select 1`);
    },
    async createApiKey(row) {
      await db().insert(apiKeys).values(row);
    },
    async listApiKeys() {
      return db().select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    },
    async apiKeyByHash(hash) {
      const rows = await db().select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
      return rows[0];
    },
    async revokeApiKey(id, at) {
      await db().update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      const rows = await db().select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
      return rows[0];
    },
    async touchApiKeys(ids, at) {
      if (ids.length === 0) return;
      await db().update(apiKeys).set({ lastUsedAt: at }).where(inArray(apiKeys.id, [...ids]));
    },
    async insertSpans(rows) {
      if (rows.length === 0) return;
      // The whole batch as one JSON parameter, unpacked by the database: one statement, no
      // per-row placeholders.
      await db().execute(sql`INSERT INTO otel_spans SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        "timestamp" timestamptz, trace_id text, span_id text, parent_span_id text, trace_state text, span_name text, span_kind text,
        service_name text, resource_attributes jsonb, scope_name text, scope_version text, span_attributes jsonb, duration_ns bigint,
        status_code text, status_message text, events jsonb, links jsonb)`);
    },
    async spansOfTrace(traceId) {
      const r = await db().execute(sql`SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp", trace_id, span_id, parent_span_id, trace_state, span_name, span_kind, service_name,
        resource_attributes, scope_name, scope_version, span_attributes, duration_ns::text AS duration_ns, status_code, status_message, events, links
        FROM otel_spans WHERE trace_id = ${traceId} ORDER BY "timestamp", span_id`);
      return (Array.isArray(r) ? r : (r as { rows: SpanRow[] }).rows) as SpanRow[];
    },
    async maintainSpans(retainDays) {
      const r = await db().execute(sql`SELECT otel_spans_maintain(${retainDays}::int, 3) AS n`);
      const rows = (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows) as { n: number }[];
      return Number(rows[0]?.n ?? 0);
    },
    async listSuspensions() {
      return (await db().select().from(suspensions).orderBy(asc(suspensions.kind), asc(suspensions.name))).map(suspensionOf);
    },
    async suspend(row) {
      // One statement, so two operators suspending at once cannot both "create" it.
      const inserted = await db().insert(suspensions).values(row).onConflictDoNothing().returning();
      if (inserted[0]) return { created: true, record: suspensionOf(inserted[0]) };
      const existing = await db().select().from(suspensions).where(and(eq(suspensions.kind, row.kind), eq(suspensions.name, row.name))).limit(1);
      // Resumed between the two statements: rare, and suspending again is what was asked.
      return existing[0] ? { created: false, record: suspensionOf(existing[0]) } : this.suspend(row);
    },
    async resume(kind, name) {
      const deleted = await db().delete(suspensions).where(and(eq(suspensions.kind, kind), eq(suspensions.name, name))).returning();
      return deleted[0] ? suspensionOf(deleted[0]) : undefined;
    },
    async unsafeExecute(statement) {
      try {
        await db().execute(sql.raw(statement));
      } catch (e) {
        throw (e as { cause?: unknown }).cause ?? e;
      }
    },
    close,
  };
}

/** The kind column is checked by the database, so narrowing it here is safe. */
const suspensionOf = (r: typeof suspensions.$inferSelect): SuspensionRecord => ({ ...r, kind: r.kind as SuspensionKind });
