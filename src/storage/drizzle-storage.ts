// The Storage operations written once against drizzle's Postgres dialect; both
// drivers (postgres.js, PGlite) hand in their drizzle database.
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { auditStore, type RawQuery } from "./audit-store.ts";
import { apiKeys } from "./schema.ts";
import type { Storage } from "./types.ts";

export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export function drizzleStorage(kind: Storage["kind"], db: () => AnyPgDatabase, close: () => Promise<void>, raw?: RawQuery): Storage {
  return {
    kind,
    audit: auditStore(db, raw),
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
