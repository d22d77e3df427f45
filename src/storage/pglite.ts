// PGlite driver: the embedded development database (Node only; never in the Worker
// bundle). One process per data directory: the runtime holds a lock file around it.
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { drizzleStorage, type AnyPgDatabase } from "./drizzle-storage.ts";
import type { Storage } from "./types.ts";

/** `dataDir` is a directory, or "memory://" for a throw-away database. */
export async function pgliteStorage(dataDir: string, migrationsFolder: string): Promise<Storage> {
  const client = await PGlite.create(dataDir);
  const db = drizzle(client);
  await migrate(db, { migrationsFolder });
  return drizzleStorage("pglite", () => db as unknown as AnyPgDatabase, () => client.close());
}
