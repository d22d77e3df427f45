// The Storage operations written once against drizzle's Postgres dialect; both
// drivers (postgres.js, PGlite) hand in their drizzle database.
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { apiKeys, authFailures, requestLog } from "./schema.ts";
import type { RequestRecord, Storage } from "./types.ts";

export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export function drizzleStorage(kind: Storage["kind"], db: () => AnyPgDatabase, close: () => Promise<void>): Storage {
  return {
    kind,
    async ping() {
      await db().execute(sql`select 1`);
    },
    async appendRequests(rows) {
      if (rows.length === 0) return;
      await db().insert(requestLog).values([...rows]);
    },
    async recentRequests(limit) {
      const rows = await db().select().from(requestLog).orderBy(desc(requestLog.time), desc(requestLog.id)).limit(limit);
      return rows satisfies RequestRecord[];
    },
    async requestById(id) {
      const rows = await db().select().from(requestLog).where(eq(requestLog.id, id)).limit(1);
      return rows[0];
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
    async appendAuthFailures(rows) {
      if (rows.length === 0) return;
      await db().insert(authFailures).values([...rows]);
    },
    async recentAuthFailures(limit) {
      return db().select().from(authFailures).orderBy(desc(authFailures.windowStart), desc(authFailures.id)).limit(limit);
    },
    close,
  };
}
