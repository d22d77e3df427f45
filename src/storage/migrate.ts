// Apply migrations/ to a real Postgres with the owner role (custos migrate), and check
// before serving that the runtime database is up to date.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export async function migratePostgres(url: string, migrationsFolder: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // One migrator at a time (several instances starting together, parallel test files):
    // a session lock on the single connection, released when it closes.
    await client`select pg_advisory_lock(7305118040001)`;
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Migrations in the folder that the database has not applied yet (by count, as drizzle records them). */
export async function pendingMigrations(url: string, migrationsFolder: string): Promise<number> {
  const journal = JSON.parse(await readFile(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const exists = await client`select to_regclass('drizzle.__drizzle_migrations') as t`;
    if (!exists[0]?.t) return journal.entries.length;
    const rows = await client`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return Math.max(0, journal.entries.length - (rows[0]?.n as number));
  } finally {
    await client.end({ timeout: 5 });
  }
}
