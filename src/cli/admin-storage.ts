// Where an admin command (keys, suspend) finds the database: DATABASE_URL directly; the
// embedded database directly when no server holds it (under its lock); else through the
// running server that holds it (its admin API, with the handle it left). An in-memory
// database exists only inside its server: a command never opens a throw-away one and
// reports success.
import { acquireLock, DataDirLockedError } from "../runtime/lock.ts";
import { MIGRATIONS_DIR, readServerHandle, resolvePaths, type ServerHandle } from "../runtime/node-files.ts";
import { pgliteStorage } from "../storage/pglite.ts";
import { postgresStorage } from "../storage/postgres.ts";
import type { Storage } from "../storage/types.ts";
import type { CliIo } from "./io.ts";

export interface AdminRoutes<T> {
  /** On the database itself; `embedded`: the local data directory (not DATABASE_URL). */
  direct(storage: Storage, embedded: boolean): Promise<T>;
  /** Through the server that holds the embedded database. */
  viaServer(handle: ServerHandle): Promise<T>;
}

export async function withAdminStorage<T>(io: CliIo, command: string, routes: AdminRoutes<T>): Promise<T> {
  const paths = resolvePaths(io.cwd, io.env);
  if (io.env.DATABASE_URL) {
    const storage = postgresStorage(io.env.DATABASE_URL, { max: 1 });
    try {
      return await routes.direct(storage, false);
    } finally {
      await storage.close();
    }
  }
  if (paths.dataDir === "memory://") {
    const handle = await readServerHandle(paths.stateDir);
    if (handle && processAlive(handle.pid)) return routes.viaServer(handle);
    throw new Error(`CUSTOS_DATA_DIR=memory:// exists only inside a running server, and none left a handle in ${paths.stateDir}; run this where \`custos serve\` runs, or use a data directory or DATABASE_URL`);
  }
  let lock;
  try {
    lock = await acquireLock(paths.dataDir, command);
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    const handle = await readServerHandle(paths.stateDir);
    if (!handle || handle.pid !== e.pid) throw new Error(`${e.message}, and it left no server handle in ${paths.stateDir}; run this where the server runs, or stop it`, { cause: e });
    return routes.viaServer(handle);
  }
  try {
    const storage = await pgliteStorage(paths.dataDir, MIGRATIONS_DIR);
    try {
      return await routes.direct(storage, true);
    } finally {
      await storage.close();
    }
  } finally {
    await lock.release();
  }
}

/** One call to the running server's admin API with the token its handle holds: the status and the JSON answer (its `detail` as the message when it failed). */
export async function adminCall(handle: ServerHandle, path: string, init: { method?: "GET" | "POST" | "DELETE"; body?: unknown } = {}): Promise<{ ok: boolean; status: number; body: Record<string, unknown>; message: string }> {
  const res = await fetch(`${handle.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${handle.token}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { ok: res.ok, status: res.status, body, message: String(body.detail ?? `the server answered ${res.status}`) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
