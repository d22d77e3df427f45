// The Storage operations written once against drizzle's Postgres dialect; both
// drivers (postgres.js, PGlite) hand in their drizzle database.
import { desc, eq, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { requestLog } from "./schema.ts";
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
    close,
  };
}
