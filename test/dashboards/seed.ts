// An audit log for the dashboard tests, written through the real audit writer, integrator,
// checkpoint signer and file anchor from entries recorded off the real server
// (entries.json; record-entries.test.ts re-records them). On PGlite, or with DATABASE_URL on
// a fresh Postgres database read as the dashboards' read-only role (the runtime role when
// no superuser URL is given).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { memorySpool } from "../../src/audit/spool.ts";
import { auditWriter } from "../../src/audit/writer.ts";
import { uuidv7 } from "../../src/ids.ts";
import { fileAnchor } from "../../src/runtime/node-anchor.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { drizzleStorage, type AnyPgDatabase } from "../../src/storage/drizzle-storage.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { DATABASE_URL, freshDatabase } from "../helpers/pg.ts";

export const ENTRIES_FILE = path.join(PACKAGE_ROOT, "test/dashboards/entries.json");

/** A result column: its name and the Postgres type OID the driver reported. */
export interface Column {
  name: string;
  type: number;
}

export interface QueryResult {
  columns: Column[];
  rows: Record<string, unknown>[];
}

export interface SeededLog {
  readonly driver: "pglite" | "postgres";
  query(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

type Entry = Record<string, unknown> & { type: string; event_id: string; ts: string; request_event_id?: string };

const MINUTE = 60_000;

/** The dashboards' read-only role and what it is granted (the README shows the same). */
export const READER = "custos_grafana";
export const READER_GRANTS = [
  `GRANT USAGE ON SCHEMA audit TO ${READER}`,
  `GRANT SELECT ON audit.calls, audit.event, audit.pending, audit.leaf, audit.tree_state, audit.checkpoint, audit.anchor TO ${READER}`,
];

/**
 * Writes the recorded entries twice (ten and two minutes ago, so time series have more than
 * one bucket), integrates, signs a checkpoint anchored to a file, then writes one more set
 * that stays queued (an integration backlog, as between two integrator runs).
 */
async function write(storage: Storage, dir: string): Promise<void> {
  const entries = JSON.parse(await readFile(ENTRIES_FILE, "utf8")) as Entry[];
  const last = Math.max(...entries.map((e) => Date.parse(e.ts)));
  const logger = jsonLogger("silent", () => {});
  const origin = "custos.test/dashboards";
  await storage.audit.ensurePartitions(new Date(Date.now() - 31 * 86_400_000), 2);
  const writer = auditWriter({ store: storage.audit, sha: nodeSha256, origin, logger, spool: memorySpool(1000), now: Date.now, newId: uuidv7, defer: () => {}, open: { proxy_build: "test" }, batchMs: 0 });
  const writeSet = async (endsAgoMs: number) => {
    const ids = new Map<string, string>();
    for (const e of entries) {
      const { type, event_id, ts, request_event_id, ...fields } = e;
      const eventId = uuidv7();
      ids.set(event_id, eventId);
      if (request_event_id !== undefined) fields.request_event_id = ids.get(request_event_id) ?? request_event_id;
      writer.emit({ type, eventId, ts: Date.now() - endsAgoMs - (last - Date.parse(ts)), fields });
    }
    await writer.flush();
  };
  await writeSet(10 * MINUTE);
  await writeSet(2 * MINUTE);
  await integrator(storage.audit, nodeSha256, logger).run();
  const key = await importSigningKey(await generateSigningKey());
  if (!key.ok) throw key.error;
  const anchor = fileAnchor(path.join(dir, "anchor"), origin);
  try {
    await checkpointSigner({ store: storage.audit, sha: nodeSha256, key: key.value, origin, anchors: [anchor], logger, now: Date.now }).checkpoint();
  } finally {
    await anchor.close();
  }
  await writeSet(0);
  await writer.close();
}

export async function seedAuditLog(): Promise<SeededLog> {
  const dir = await mkdtemp(path.join(tmpdir(), "custos-dashboards-"));
  if (DATABASE_URL) {
    const db = await freshDatabase("custos_dashboards");
    const storage = postgresStorage(db.url, { max: 2 });
    try {
      await write(storage, dir);
    } finally {
      await storage.close();
    }
    // With a superuser at hand, read as the read-only role the README grants (SET ROLE on
    // one connection); otherwise as the runtime role.
    const sql = postgres(db.superUrl ?? db.url, { max: 1, onnotice: () => {} });
    if (db.superUrl) {
      await sql.unsafe(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER}') THEN CREATE ROLE ${READER} NOLOGIN; END IF; END $$`);
      for (const grant of READER_GRANTS) await sql.unsafe(grant);
      await sql.unsafe(`SET ROLE ${READER}`);
    }
    return {
      driver: "postgres",
      async query(text) {
        const r = await sql.unsafe(text);
        return { columns: r.columns.map((c) => ({ name: c.name, type: c.type })), rows: [...r] as Record<string, unknown>[] };
      },
      async close() {
        await sql.end();
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const pg = await PGlite.create("memory://");
  await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_DIR });
  await write(drizzleStorage("pglite", () => drizzle(pg) as unknown as AnyPgDatabase, async () => {}), dir);
  return {
    driver: "pglite",
    async query(text) {
      const r = await pg.query<Record<string, unknown>>(text);
      return { columns: r.fields.map((f) => ({ name: f.name, type: f.dataTypeID })), rows: r.rows };
    },
    async close() {
      await pg.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
