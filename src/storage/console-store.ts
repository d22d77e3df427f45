// The console's own rows (sessions, sign-ins in flight, saved searches), written once
// against drizzle for both drivers. None of it is evidence: the audit log records every
// sign-in, sign-out and search.
import { and, asc, eq, gt, lt, or } from "drizzle-orm";
import type { AnyPgDatabase } from "./drizzle-storage.ts";
import { consoleLogins, consoleSavedSearches, consoleSessions } from "./schema.ts";
import type { ConsoleStore, LoginKind } from "./types.ts";

export function consoleStore(db: () => AnyPgDatabase): ConsoleStore {
  return {
    async createSession(row) {
      await db().insert(consoleSessions).values(row);
    },
    async session(idHash) {
      const rows = await db().select().from(consoleSessions).where(eq(consoleSessions.idHash, idHash)).limit(1);
      return rows[0];
    },
    async touchSession(idHash, at) {
      await db().update(consoleSessions).set({ lastSeenAt: at }).where(eq(consoleSessions.idHash, idHash));
    },
    async endSession(idHash) {
      const rows = await db().delete(consoleSessions).where(eq(consoleSessions.idHash, idHash)).returning();
      return rows[0];
    },
    async putLogin(keyHash, kind, data, expiresAt) {
      const rows = await db().insert(consoleLogins).values({ keyHash, kind, data, expiresAt }).onConflictDoNothing().returning({ k: consoleLogins.keyHash });
      return rows.length === 1;
    },
    async takeLogin(keyHash, kind, now) {
      const rows = await db()
        .delete(consoleLogins)
        .where(and(eq(consoleLogins.keyHash, keyHash), eq(consoleLogins.kind, kind as LoginKind), gt(consoleLogins.expiresAt, now)))
        .returning({ data: consoleLogins.data });
      return rows[0]?.data;
    },
    async savedSearches(owner) {
      return db().select().from(consoleSavedSearches).where(eq(consoleSavedSearches.owner, owner)).orderBy(asc(consoleSavedSearches.name));
    },
    async saveSearch(row) {
      // Saving under an existing name replaces that search (same owner only). A delete and an
      // insert, not ON CONFLICT DO UPDATE: the runtime role has no UPDATE on these rows (0005).
      await db().transaction(async (tx) => {
        await tx.delete(consoleSavedSearches).where(and(eq(consoleSavedSearches.owner, row.owner), eq(consoleSavedSearches.name, row.name)));
        await tx.insert(consoleSavedSearches).values(row);
      });
    },
    async deleteSavedSearch(owner, id) {
      const rows = await db().delete(consoleSavedSearches).where(and(eq(consoleSavedSearches.owner, owner), eq(consoleSavedSearches.id, id))).returning({ id: consoleSavedSearches.id });
      return rows.length === 1;
    },
    async prune(now, idleMs) {
      await db().delete(consoleSessions).where(or(lt(consoleSessions.expiresAt, now), lt(consoleSessions.lastSeenAt, new Date(now.getTime() - idleMs))));
      await db().delete(consoleLogins).where(lt(consoleLogins.expiresAt, now));
    },
  };
}
