// The kill switch's table on both drivers: PGlite always, real Postgres (as the runtime
// role, on a fresh database migrated by the owner) when DATABASE_URL is set.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage, SuspensionRecord } from "../../src/storage/types.ts";
import { storageDrivers } from "../helpers/pg.ts";

const { drivers, db, close } = storageDrivers("custos_suspensions");

const row = (over: Partial<SuspensionRecord> = {}): SuspensionRecord => ({
  kind: "model",
  name: "gpt-4o",
  reason: "vendor incident 4711",
  suspendedBy: "alice",
  // Millisecond precision survives (timestamptz keeps microseconds).
  suspendedAt: new Date("2026-11-29T10:11:12.345Z"),
  ...over,
});

describe.each(drivers)("suspensions on %s", (name, open) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(() => close(storage));

  it("round trip: suspend, list (every field as written), suspend again keeps the first row, resume once", async () => {
    expect(await storage.listSuspensions()).toEqual([]);
    const first = await storage.suspend(row());
    expect(first).toEqual({ created: true, record: row() });

    const again = await storage.suspend(row({ reason: "second try", suspendedBy: "bob", suspendedAt: new Date("2026-11-30T00:00:00Z") }));
    expect(again).toEqual({ created: false, record: row() });

    const listed = await storage.listSuspensions();
    expect(listed).toEqual([row()]);
    expect(listed[0]!.suspendedAt).toBeInstanceOf(Date);
    expect(listed[0]!.suspendedAt.toISOString()).toBe("2026-11-29T10:11:12.345Z");

    expect(await storage.resume("model", "gpt-4o")).toEqual(row());
    expect(await storage.resume("model", "gpt-4o")).toBeUndefined();
    expect(await storage.listSuspensions()).toEqual([]);
  });

  it("one row per kind and name: the same name under another kind is another suspension; a null reason stays null; listed by kind then name", async () => {
    await storage.suspend(row({ kind: "team", name: "finance", reason: null }));
    await storage.suspend(row({ kind: "endpoint", name: "shared" }));
    await storage.suspend(row({ kind: "model", name: "shared" }));
    await storage.suspend(row({ kind: "endpoint", name: "azure-eu" }));
    const listed = await storage.listSuspensions();
    expect(listed.map((r) => `${r.kind}:${r.name}`)).toEqual(["endpoint:azure-eu", "endpoint:shared", "model:shared", "team:finance"]);
    expect(listed.find((r) => r.kind === "team")!.reason).toBeNull();

    expect(await storage.resume("team", "shared")).toBeUndefined();
    expect((await storage.resume("endpoint", "shared"))?.kind).toBe("endpoint");
    expect((await storage.listSuspensions()).map((r) => `${r.kind}:${r.name}`)).toEqual(["endpoint:azure-eu", "model:shared", "team:finance"]);
    for (const r of await storage.listSuspensions()) await storage.resume(r.kind, r.name);
  });

  it("refuses a kind routing does not know (the table's check)", async () => {
    await expect(storage.suspend(row({ kind: "region" as never }))).rejects.toThrow();
    expect(await storage.listSuspensions()).toEqual([]);
  });

  it.runIf(name === "postgres")("the runtime role reads, inserts and deletes suspensions but may not rewrite one", async () => {
    const sql = postgres(db()!.url, { max: 1, onnotice: () => {} });
    try {
      await storage.suspend(row());
      await expect(sql`update suspensions set reason = 'rewritten'`).rejects.toThrow(/permission denied/);
      await expect(sql`truncate suspensions`).rejects.toThrow(/permission denied/);
      expect((await storage.listSuspensions())[0]!.reason).toBe("vendor incident 4711");
      await storage.resume("model", "gpt-4o");
    } finally {
      await sql.end();
    }
  });
});
