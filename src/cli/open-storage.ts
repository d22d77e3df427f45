// Storage for CLI commands that read or write the database directly: Postgres with
// DATABASE_URL, else the embedded database if no server holds it (never opened twice).
import { acquireLock, DataDirLockedError } from "../runtime/lock.ts";
import { MIGRATIONS_DIR, resolvePaths } from "../runtime/node-files.ts";
import { pgliteStorage } from "../storage/pglite.ts";
import { postgresStorage } from "../storage/postgres.ts";
import type { Storage } from "../storage/types.ts";
import type { CliIo } from "./io.ts";

export async function withStorage<T>(io: CliIo, command: string, fn: (storage: Storage) => Promise<T>): Promise<T> {
  if (io.env.DATABASE_URL) {
    const storage = postgresStorage(io.env.DATABASE_URL, { max: 2 });
    try {
      return await fn(storage);
    } finally {
      await storage.close();
    }
  }
  const { dataDir } = resolvePaths(io.cwd, io.env);
  if (dataDir === "memory://") throw new Error("CUSTOS_DATA_DIR=memory:// exists only inside a running server; use a data directory or DATABASE_URL");
  let lock;
  try {
    lock = await acquireLock(dataDir, command);
  } catch (e) {
    if (e instanceof DataDirLockedError) throw new Error(`${e.message}: the embedded database is open in the running server. Stop it first (\`${command}\` reads the log directly), or use Postgres (DATABASE_URL).`, { cause: e });
    throw e;
  }
  try {
    const storage = await pgliteStorage(dataDir, MIGRATIONS_DIR);
    try {
      return await fn(storage);
    } finally {
      await storage.close();
    }
  } finally {
    await lock.release();
  }
}
