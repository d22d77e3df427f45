// A small real audit log for the compliance storage tests, on PGlite and (DATABASE_URL set)
// on a fresh Postgres database as the runtime role: the real writer (with or without
// retention classes), the integrator, and the checkpoint signer with or without a file anchor.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";
import { generateSigningKey, importSigningKey, type SigningKey } from "../../src/audit/checkpoint.ts";
import { integrator } from "../../src/audit/integrator.ts";
import type { RetentionPolicy } from "../../src/audit/retention.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { memorySpool } from "../../src/audit/spool.ts";
import { auditWriter, type AuditSink, type EmitInput } from "../../src/audit/writer.ts";
import { uuidv7 } from "../../src/ids.ts";
import { fileAnchor } from "../../src/runtime/node-anchor.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import type { CheckpointRow } from "../../src/storage/audit-types.ts";
import { drizzleStorage, type AnyPgDatabase } from "../../src/storage/drizzle-storage.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { DATABASE_URL, freshDatabase } from "./pg.ts";

export const ORIGIN = "custos.test/compliance";
const quiet = jsonLogger("silent", () => {});

export type Row = Record<string, unknown>;

/** A storage and a raw query on the same database: PGlite's own session, or the runtime role on Postgres. */
export interface Harness {
  storage: Storage;
  query(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

async function pgliteHarness(): Promise<Harness> {
  const client = await PGlite.create("memory://");
  const db = drizzle(client);
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  const storage = drizzleStorage("pglite", () => db as unknown as AnyPgDatabase, () => client.close());
  return { storage, query: async (text, params = []) => (await client.query<Row>(text, params)).rows, close: () => storage.close() };
}

async function postgresHarness(): Promise<Harness> {
  const db = await freshDatabase("custos_compliance");
  const storage = postgresStorage(db.url, { max: 2 });
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  return {
    storage,
    query: async (text, params = []) => [...(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]))] as Row[],
    async close() {
      await sql.end({ timeout: 5 });
      await storage.close();
      await db.drop();
    },
  };
}

export const harnesses: [string, () => Promise<Harness>][] = [["pglite", pgliteHarness]];
if (DATABASE_URL) harnesses.push(["postgres", postgresHarness]);

/** The real writer, batching off, recording retention when a policy is given. */
export function testWriter(storage: Storage, retention?: RetentionPolicy): AuditSink {
  return auditWriter({
    store: storage.audit,
    sha: nodeSha256,
    origin: ORIGIN,
    logger: quiet,
    spool: memorySpool(10_000),
    now: Date.now,
    newId: () => uuidv7(),
    defer: () => {},
    open: { test: "compliance" },
    batchMs: 0,
    ...(retention ? { retention: () => retention } : {}),
  });
}

/** Emits one event and waits until it is committed; its id. */
export async function write(w: AuditSink, ev: EmitInput): Promise<string> {
  const e = w.emit(ev, { urgent: true });
  await w.flush();
  await e.committed;
  return e.eventId;
}

/** Integrates and signs checkpoints, anchored to a file in a temporary directory or not at all. */
export async function logTools(storage: Storage): Promise<{ integrate(): Promise<number>; sign(anchored: boolean): Promise<CheckpointRow | undefined>; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "custos-compliance-"));
  const anchor = fileAnchor(path.join(dir, "anchor"), ORIGIN);
  const k = await importSigningKey(await generateSigningKey());
  if (!k.ok) throw k.error;
  const key: SigningKey = k.value;
  const integ = integrator(storage.audit, nodeSha256, quiet);
  return {
    async integrate() {
      await integ.run();
      return (await storage.audit.treeState()).size;
    },
    sign: (anchored) => checkpointSigner({ store: storage.audit, sha: nodeSha256, key, origin: ORIGIN, anchors: anchored ? [anchor] : [], logger: quiet, now: Date.now }).checkpoint(),
    async close() {
      await anchor.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
