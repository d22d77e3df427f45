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
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { RequestRecord, Storage } from "../../src/storage/types.ts";

const DATABASE_URL = process.env.DATABASE_URL;

const row = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  id: uuidv7(),
  time: new Date(),
  route: "/v1/chat/completions",
  team: "demo",
  principal: "urn:custos:dev-issuer#alice",
  model: "gpt-4o",
  status: 200,
  errorCode: null,
  latencyMs: 1.25,
  upstream: "openai",
  region: "us",
  ...over,
});

const drivers: [string, () => Promise<Storage>][] = [["pglite", () => pgliteStorage("memory://", MIGRATIONS_DIR)]];
if (DATABASE_URL) {
  drivers.push([
    "postgres",
    async () => {
      await migratePostgres(DATABASE_URL, MIGRATIONS_DIR);
      return postgresStorage(DATABASE_URL, { max: 2 });
    },
  ]);
}

describe.each(drivers)("storage on %s", (_name, open) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("answers a ping", async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it("appends rows and reads them back exactly", async () => {
    const a = row({ time: new Date(Date.now() - 1000), team: null, principal: null, model: null, upstream: null, region: null, errorCode: "authentication_failed", status: 401 });
    const b = row({ latencyMs: 0.125 });
    await storage.appendRequests([a, b]);
    expect(await storage.requestById(a.id)).toEqual(a);
    expect(await storage.requestById(b.id)).toEqual(b);
    const recent = await storage.recentRequests(1000);
    expect(recent.findIndex((r) => r.id === b.id)).toBeLessThan(recent.findIndex((r) => r.id === a.id));
  });

  it("a batch with a duplicate id is refused whole: nothing half-written", async () => {
    const first = row();
    await storage.appendRequests([first]);
    const fresh = row();
    await expect(storage.appendRequests([fresh, { ...first, status: 500 }])).rejects.toThrow();
    expect(await storage.requestById(fresh.id)).toBeUndefined();
    expect((await storage.requestById(first.id))?.status).toBe(200);
  });

  it("an empty batch is a no-op; an unknown id is undefined", async () => {
    await storage.appendRequests([]);
    expect(await storage.requestById(uuidv7())).toBeUndefined();
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

  it("keeps rows across a close and reopen", async () => {
    const r = row();
    const s1 = await pgliteStorage(path.join(dir, "data"), MIGRATIONS_DIR);
    await s1.appendRequests([r]);
    await s1.close();
    const s2 = await pgliteStorage(path.join(dir, "data"), MIGRATIONS_DIR);
    expect(await s2.requestById(r.id)).toEqual(r);
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
    const admin = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `custos_migrate_${process.pid}_${Date.now()}`;
    try {
      await admin.unsafe(`create database ${name}`);
    } catch (e) {
      await admin.end();
      console.warn(`skipping: cannot create a database (${(e as Error).message})`);
      return;
    }
    const url = new URL(DATABASE_URL!);
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
