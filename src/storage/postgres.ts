// postgres.js driver: real Postgres on Node (a pool) and on Workers (a client per
// request, because I/O objects cannot cross requests there).
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { drizzleStorage, type AnyPgDatabase } from "./drizzle-storage.ts";
import { pgArrayTypes } from "./pg-array.ts";
import type { Storage } from "./types.ts";

export interface PostgresOptions {
  /** Pool size on Node; Workers use 1. */
  max?: number;
  /** Workers: create the connection per request and never call end() (porsager/postgres#1202). */
  perRequest?: boolean;
}

export function postgresStorage(url: string, opts: PostgresOptions = {}): Storage {
  const connect = () =>
    postgres(url, {
      max: opts.perRequest ? 1 : (opts.max ?? 10),
      onnotice: () => {},
      // Array types are known here, not fetched per connection (src/storage/pg-array.ts says why).
      fetch_types: false,
      types: pgArrayTypes,
      prepare: !opts.perRequest,
      connect_timeout: 10,
      // Reconnect soon after the database comes back (postgres.js waits up to 20 s by
      // default, which would keep fail_closed answering 503 long after an outage).
      backoff: (attempts: number) => Math.min(0.05 * 2 ** attempts, 1) * (0.5 + Math.random() / 2),
    });
  if (opts.perRequest) {
    return drizzleStorage("postgres", () => drizzle(connect()) as unknown as AnyPgDatabase, async () => {});
  }
  const client = connect();
  const db = drizzle(client) as unknown as AnyPgDatabase;
  const raw = async (text: string, params: unknown[], o?: { prepare?: boolean }) => [...(await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: o?.prepare ?? true }))];
  return drizzleStorage("postgres", () => db, () => client.end({ timeout: 5 }), raw);
}
