// One storage suite, run against PGlite always and against real Postgres when
// DATABASE_URL is set (CI sets it).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../../src/ids.ts";
import { acquireLock, DataDirLockedError } from "../../src/runtime/lock.ts";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import { migratePostgres, pendingMigrations } from "../../src/storage/migrate.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import type { Storage } from "../../src/storage/types.ts";
import { memorySpool } from "../../src/audit/spool.ts";
import { auditWriter } from "../../src/audit/writer.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { consistencyProof, inclusionProof, leafHash, rootFromLeafHashes } from "../../src/audit/merkle.ts";
import { consistencyFromStore, inclusionFromStore } from "../../src/audit/proofs.ts";
import { parseKek, pseudonyms } from "../../src/audit/pseudonym.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { DATABASE_URL, MIGRATE_URL, storageDrivers } from "../helpers/pg.ts";

const KEK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const quiet = jsonLogger("silent", () => {});

function writer(storage: Storage) {
  return auditWriter({ store: storage.audit, sha: nodeSha256, origin: "test/storage", logger: quiet, spool: memorySpool(1000), now: Date.now, newId: uuidv7, defer: () => {}, open: { test: true }, batchMs: 0 });
}

const { drivers, db, close } = storageDrivers("custos_storage");

/** The fresh Postgres database as its owner, for edits the application never makes. */
async function asOwner<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(db()!.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

describe.each(drivers)("audit storage on %s", (_name, open) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(() => close(storage));

  it("answers a ping", async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it("stores each event's exact bytes and projections, and a retried batch stores nothing twice", async () => {
    const w = writer(storage);
    const e = w.emit({ type: "llm.response", fields: { request_event_id: uuidv7(), actor: { team: "demo", subject: "p" }, request: { model: "gpt-4o" }, route: { provider: "openai", region: "eu" }, status: 200, policy: { decision: "allow", pii: { counts: { EMAIL: 1, IBAN: 2 } } } } });
    await e.committed;
    const row = (await storage.audit.event(e.eventId))!;
    expect(row).toMatchObject({ type: "llm.response", team: "demo", subject: "p", model: "gpt-4o", provider: "openai", region: "eu", status: 200, decision: "allow", pii: ["EMAIL", "IBAN"] });
    expect(row.leafHash).toEqual(e.leaf);
    expect(JSON.parse(new TextDecoder().decode(row.entry))).toMatchObject({ v: 1, log: "test/storage", event_id: e.eventId });
    await storage.audit.insertEvents([row, row]);
    expect((await storage.audit.eventsOfRequest(e.eventId)).length).toBe(1);
    expect((await storage.audit.pendingStats()).count).toBeGreaterThanOrEqual(1);
  });

  it("refuses an event for a month without a partition (no default partition absorbs it) until the owner's function creates one", async () => {
    const w = writer(storage);
    await w.flush();
    const far = Date.UTC(2031, 5, 15);
    const ev = (await storage.audit.search({ type: "writer.open", limit: 1 }))[0]!;
    const moved = { ...ev, eventId: uuidv7(far), receivedAt: new Date(far) };
    await expect(storage.audit.insertEvents([moved])).rejects.toThrow(/no partition/);
    expect(await storage.audit.ensurePartitions(new Date(far), 1)).toBe(1);
    await storage.audit.insertEvents([moved]);
    expect(await storage.audit.event(moved.eventId)).toBeDefined();
  });

  it("integrates queued events into contiguous leaves whose tree and proofs match a tree built from the leaves", async () => {
    const w = writer(storage);
    for (let i = 0; i < 37; i++) w.emit({ type: "config.change", fields: { n: i } });
    await w.flush();
    const integ = integrator(storage.audit, nodeSha256, quiet, 16);
    const state = (await integ.run())!;
    const leaves = await storage.audit.leaves(0, state.size);
    expect(leaves.map((l) => l.logIndex)).toEqual(Array.from({ length: state.size }, (_, i) => i));
    const hashes = leaves.map((l) => l.leafHash);
    for (const l of leaves) expect(leafHash(nodeSha256, l.event!.entry)).toEqual(l.leafHash);
    expect(state.root).toEqual(rootFromLeafHashes(nodeSha256, hashes));
    for (const [i, n] of [[0, state.size], [state.size - 1, state.size], [5, 13], [12, 13]] as const) {
      expect(await inclusionFromStore(storage.audit, nodeSha256, i, n)).toEqual(inclusionProof(nodeSha256, hashes, i, n));
    }
    for (const [m, n] of [[1, state.size], [7, 13], [16, state.size], [13, 32]] as const) {
      expect(await consistencyFromStore(storage.audit, nodeSha256, m, n)).toEqual(consistencyProof(nodeSha256, hashes, m, n));
    }
    expect((await storage.audit.pendingStats()).count).toBe(0);
    // Nothing new: integrating again changes nothing.
    expect((await integ.run())!.size).toBe(state.size);
  });

  it("triggers refuse UPDATE, DELETE and TRUNCATE on every log table, whoever asks (here the owner)", async () => {
    for (const stmt of ["UPDATE audit.event SET status = 1", "DELETE FROM audit.event", "TRUNCATE audit.event", "UPDATE audit.leaf SET log_index = log_index", "TRUNCATE audit.checkpoint", "TRUNCATE audit.content", "DELETE FROM audit.node", "TRUNCATE audit.tree_state", "TRUNCATE audit.node", "DELETE FROM audit.tree_state"]) {
      await expect(storage.unsafeExecute(stmt), stmt).rejects.toThrow(/append-only|only grow|permission denied/);
    }
  });

  it("two integrators at once never hand out an index twice (the advisory lock), and the signer refuses a tree inconsistent with its last checkpoint", async () => {
    const w = writer(storage);
    for (let i = 0; i < 300; i++) w.emit({ type: "config.change", fields: { n: i } });
    await w.flush();
    const a = integrator(storage.audit, nodeSha256, quiet, 7);
    const b = integrator(storage.audit, nodeSha256, quiet, 7);
    await Promise.all([a.run(), b.run(), a.run()]);
    while ((await storage.audit.pendingStats()).count > 0) await b.run();
    const state = await storage.audit.treeState();
    const leaves = await storage.audit.leaves(0, state.size);
    expect(leaves.map((l) => l.logIndex)).toEqual(Array.from({ length: state.size }, (_, i) => i));
    expect(state.root).toEqual(rootFromLeafHashes(nodeSha256, leaves.map((l) => l.leafHash)));

    const key = await importSigningKey(await generateSigningKey());
    if (!key.ok) throw key.error;
    const signer = checkpointSigner({ store: storage.audit, sha: nodeSha256, key: key.value, origin: "test/storage", anchors: [], logger: quiet, now: Date.now });
    expect((await signer.checkpoint())!.size).toBe(state.size);
    // A forged root (what someone rewriting the tree state would leave) is never signed.
    w.emit({ type: "config.change", fields: { n: "one more" } });
    await w.flush();
    await a.run();
    if (storage.kind === "pglite") await storage.unsafeExecute(`UPDATE audit.tree_state SET root = '\\x${"ab".repeat(32)}'::bytea WHERE id = 1`);
    else await asOwner(async (sql) => sql.unsafe(`UPDATE audit.tree_state SET root = '\\x${"ab".repeat(32)}'::bytea WHERE id = 1`));
    await expect(signer.checkpoint()).rejects.toThrow(/not consistent/);
  });

  it("keeps subject mappings and data keys apart from the log, and erasure destroys both", async () => {
    const p = (await pseudonyms(parseKek(KEK)))(storage.audit);
    const who = await p("https://idp", "carol");
    const dek = await storage.audit.createDek({ kid: uuidv7(), pseudonym: who, period: "2026-11", wrapped: new Uint8Array(40) });
    expect(await storage.audit.dekByKid(dek.kid)).toEqual(dek);
    const alias = new Uint8Array(32).fill(7);
    await storage.audit.addAlias(alias, who);
    await storage.audit.addAlias(alias, who); // idempotent
    expect(await storage.audit.findByAlias(alias)).toEqual([who]);
    expect(await storage.audit.eraseSubject(who)).toBe(1);
    expect(await storage.audit.dekByKid(dek.kid)).toBeUndefined();
    expect(await storage.audit.findByAlias(alias)).toEqual([]);
  });
});

describe("embedded database directory", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "custos-pglite-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps events across a close and reopen", async () => {
    const s1 = await pgliteStorage(path.join(dir, "data"), MIGRATIONS_DIR);
    const e = writer(s1).emit({ type: "config.change", fields: {} });
    await e.committed;
    await s1.close();
    const s2 = await pgliteStorage(path.join(dir, "data"), MIGRATIONS_DIR);
    expect((await s2.audit.event(e.eventId))?.leafHash).toEqual(e.leaf);
    await s2.close();
  });

  it("one process at a time: a held lock is refused, a stale one is taken over", async () => {
    const lockDir = path.join(dir, "locked");
    const held = await acquireLock(lockDir, "test");
    // Same process re-acquiring is allowed (the pid is ours); another live pid is not.
    await writeFile(held.file, JSON.stringify({ pid: process.ppid }));
    await expect(acquireLock(lockDir, "second")).rejects.toBeInstanceOf(DataDirLockedError);
    await writeFile(held.file, JSON.stringify({ pid: 2 ** 22 + 12345 })); // no such process
    const taken = await acquireLock(lockDir, "after a crash");
    await taken.release();
  });
});

describe.skipIf(!DATABASE_URL)("migrations on real Postgres", () => {
  it("apply to an empty database, report pending ones, and are idempotent", async () => {
    const admin = postgres(MIGRATE_URL!, { max: 1, onnotice: () => {} });
    const name = `custos_migrate_${process.pid}_${Date.now()}`;
    try {
      await admin.unsafe(`create database ${name}`);
    } catch (e) {
      await admin.end();
      console.warn(`skipping: cannot create a database (${(e as Error).message})`);
      return;
    }
    const url = new URL(MIGRATE_URL!);
    url.pathname = `/${name}`;
    try {
      expect(await pendingMigrations(url.href, MIGRATIONS_DIR)).toBeGreaterThan(0);
      await migratePostgres(url.href, MIGRATIONS_DIR);
      await migratePostgres(url.href, MIGRATIONS_DIR);
      expect(await pendingMigrations(url.href, MIGRATIONS_DIR)).toBe(0);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
