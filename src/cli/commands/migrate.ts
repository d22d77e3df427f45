// custos migrate: apply migrations/ with the owner role, or to the embedded database
// (never while a server holds it).
import { migratePostgres } from "../../storage/migrate.ts";
import { pgliteStorage } from "../../storage/pglite.ts";
import { acquireLock, DataDirLockedError } from "../../runtime/lock.ts";
import { MIGRATIONS_DIR, resolvePaths } from "../../runtime/node-files.ts";
import type { CliIo, ExitCode } from "../io.ts";

export async function migrateCommand(_argv: string[], io: CliIo): Promise<ExitCode> {
  const url = io.env.CUSTOS_MIGRATE_URL || io.env.DATABASE_URL;
  if (url) {
    if (!io.env.CUSTOS_MIGRATE_URL) io.err("warning: CUSTOS_MIGRATE_URL is not set; migrating with DATABASE_URL's role (use the owner role for migrations)");
    try {
      await migratePostgres(url, MIGRATIONS_DIR);
    } catch (e) {
      io.err(`migration failed: ${(e as Error).message}`);
      return 2;
    }
    io.out("migrations applied");
    return 0;
  }
  const { dataDir } = resolvePaths(io.cwd, io.env);
  let lock;
  try {
    lock = await acquireLock(dataDir, "custos migrate");
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      io.err(`${e.message}. The server migrates the embedded database itself when it starts; stop it (or just restart it) instead.`);
      return 2;
    }
    throw e;
  }
  try {
    const storage = await pgliteStorage(dataDir, MIGRATIONS_DIR);
    await storage.close();
  } finally {
    await lock.release();
  }
  io.out(`migrations applied to the embedded database at ${dataDir}`);
  return 0;
}
