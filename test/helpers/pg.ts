// Real Postgres for tests (CI: DATABASE_URL is the runtime role, CUSTOS_MIGRATE_URL the
// owner, CUSTOS_TEST_SUPERUSER_URL a superuser for tamper tests). Suites that need a log of
// their own get a fresh database, migrated by the owner and used by the runtime role.
import postgres from "postgres";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import { migratePostgres } from "../../src/storage/migrate.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const MIGRATE_URL = process.env.CUSTOS_MIGRATE_URL || DATABASE_URL;
export const SUPERUSER_URL = process.env.CUSTOS_TEST_SUPERUSER_URL || undefined;

/** Migrates the shared test database (as the owner). */
export async function migrateShared(): Promise<void> {
  await migratePostgres(MIGRATE_URL!, MIGRATIONS_DIR);
}

export interface FreshDb {
  name: string;
  /** The runtime role's URL (what DATABASE_URL is for the server). */
  url: string;
  ownerUrl: string;
  /** A superuser on it, when CUSTOS_TEST_SUPERUSER_URL is set. */
  superUrl?: string;
  drop(): Promise<void>;
}

const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
};

/** A new database, migrated by the owner; the runtime role connects to it. */
export async function freshDatabase(prefix: string): Promise<FreshDb> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = postgres(MIGRATE_URL!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const db: FreshDb = {
    name,
    url: withDb(DATABASE_URL!, name),
    ownerUrl: withDb(MIGRATE_URL!, name),
    ...(SUPERUSER_URL ? { superUrl: withDb(SUPERUSER_URL, name) } : {}),
    async drop() {
      const a = postgres(MIGRATE_URL!, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
  await migratePostgres(db.ownerUrl, MIGRATIONS_DIR);
  return db;
}

/**
 * The storage drivers a storage test runs on: PGlite always; real Postgres when
 * DATABASE_URL is set (a fresh database migrated by the owner, opened as the runtime role).
 * `db()` is that database once opened (its owner URL for edits the application never
 * makes); `close(storage)` closes the storage and drops the database.
 */
export function storageDrivers(prefix: string): { drivers: [string, () => Promise<Storage>][]; db: () => FreshDb | undefined; close: (storage: Storage | undefined) => Promise<void> } {
  let db: FreshDb | undefined;
  const drivers: [string, () => Promise<Storage>][] = [["pglite", () => pgliteStorage("memory://", MIGRATIONS_DIR)]];
  if (DATABASE_URL) {
    drivers.push([
      "postgres",
      async () => {
        db = await freshDatabase(prefix);
        return postgresStorage(db.url, { max: 2 });
      },
    ]);
  }
  return {
    drivers,
    db: () => db,
    async close(storage) {
      await storage?.close();
      await db?.drop();
      db = undefined;
    },
  };
}
