// Real Postgres for tests (CI: DATABASE_URL is the runtime role, CUSTOS_MIGRATE_URL the
// owner, CUSTOS_TEST_SUPERUSER_URL a superuser for tamper tests). Suites that need a log of
// their own get a fresh database, migrated by the owner and used by the runtime role.
import postgres from "postgres";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import { migratePostgres } from "../../src/storage/migrate.ts";

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
