// Storage on Workers: postgres.js over Hyperdrive (preferred) or DATABASE_URL, with a
// connection per request (workerd forbids I/O objects that outlive their request).
// With neither, the Worker still serves, but honestly: /readyz says not ready and every
// audit write fails and is logged by the audit writer, never silently dropped.
import { postgresStorage } from "../storage/postgres.ts";
import type { AuditStore } from "../storage/audit-types.ts";
import type { Storage } from "../storage/types.ts";
import type { WorkerEnv } from "./worker-env.ts";

export const NO_DATABASE = "no database configured: bind HYPERDRIVE or set the DATABASE_URL secret";

/** The connection string the Worker should use, if any (Hyperdrive first). */
export function databaseUrl(env: WorkerEnv): string | undefined {
  const hyperdrive = env.HYPERDRIVE?.connectionString;
  if (hyperdrive) return hyperdrive;
  return typeof env.DATABASE_URL === "string" && env.DATABASE_URL !== "" ? env.DATABASE_URL : undefined;
}

/** A Storage that refuses every operation with the same clear reason. */
export function unconfiguredStorage(): Storage {
  const refuse = () => Promise.reject(new Error(NO_DATABASE));
  // Every audit, console, statistics and integrity operation refuses the same way.
  const refusing = <T extends object>() => new Proxy({} as T, { get: () => refuse });
  return {
    kind: "postgres",
    audit: refusing<AuditStore>(),
    console: refusing<Storage["console"]>(),
    stats: refusing<Storage["stats"]>(),
    integrity: refusing<Storage["integrity"]>(),
    compliance: refusing<Storage["compliance"]>(),
    ping: refuse,
    createApiKey: refuse,
    listApiKeys: refuse,
    apiKeyByHash: refuse,
    revokeApiKey: refuse,
    touchApiKeys: refuse,
    listSuspensions: refuse,
    suspend: refuse,
    resume: refuse,
    insertSpans: refuse,
    spansOfTrace: refuse,
    maintainSpans: refuse,
    unsafeExecute: refuse,
    close: async () => {},
  };
}

/** Call once per request. */
export function workerStorage(env: WorkerEnv): Storage {
  const url = databaseUrl(env);
  return url ? postgresStorage(url, { perRequest: true }) : unconfiguredStorage();
}
