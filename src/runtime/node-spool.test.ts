import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEventRow } from "../storage/audit-types.ts";
import { memorySpool, SpoolFullError, type Spool, type SpoolBatch } from "../audit/spool.ts";
import { decodeBatchLine, encodeBatch, nodeSpool as openSpool, type NodeSpool } from "./node-spool.ts";

// Required<>: a field added to AuditEventRow fails to compile here until the round trip covers it.
const full: Required<AuditEventRow> = {
  receivedAt: new Date("2026-03-01T12:34:56.789Z"),
  eventId: "01950000-0000-7000-8000-000000000001",
  type: "llm.request",
  writerId: "w-1",
  writerSeq: 42,
  entry: new Uint8Array([0, 1, 2, 250, 255]),
  leafHash: new Uint8Array(32).fill(7),
  requestEventId: "01950000-0000-7000-8000-000000000000",
  team: "payments",
  subject: "ps_abc",
  model: "gpt-x",
  provider: "openai",
  region: "eu",
  decision: "allow",
  status: 0, // falsy values must survive too
  pii: [],
  endpoint: "openai-eu",
  jurisdiction: "EU",
  policyVersion: "sha256:0123456789abcdef",
  ruleIds: ["base.models", "team.limits"],
  retainUntil: "2027-04-01T12:34:56.789Z",
};

let seq = 0;
const ev = (tag: string): AuditEventRow => ({
  receivedAt: new Date(Date.UTC(2026, 0, 1) + seq),
  eventId: tag,
  type: "llm.request",
  writerId: "w",
  writerSeq: seq++,
  entry: new TextEncoder().encode(tag),
  leafHash: new Uint8Array(32),
});
const batch = (...tags: string[]): SpoolBatch => ({ events: tags.map(ev), content: tags.map((t) => ({ eventId: t, part: "prompt", jwe: `jwe-${t}` })) });
const ids = (batches: SpoolBatch[]) => batches.flatMap((b) => b.events.map((e) => e.eventId));
const collect = () => {
  const got: SpoolBatch[] = [];
  return { got, insert: async (b: SpoolBatch) => void got.push(b) };
};

let dir: string;
let opened: NodeSpool[] = [];
const nodeSpool = async (...args: Parameters<typeof openSpool>) => {
  const s = await openSpool(...args);
  opened.push(s);
  return s;
};
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-spool-"));
});
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

describe("encoding", () => {
  it("round-trips a row with every optional field exactly, bytes as plain Uint8Array", () => {
    const bare = ev("bare");
    const b: SpoolBatch = { events: [full, bare], content: [{ eventId: full.eventId, part: "response", jwe: "a.b.c.d.e" }] };
    const back = decodeBatchLine(JSON.stringify(encodeBatch(b)));
    expect(back).toStrictEqual(b);
    expect(back?.events[0]?.entry.constructor).toBe(Uint8Array);
    expect(Object.keys(back?.events[1] ?? {})).not.toContain("team"); // absent stays absent
  });

  it("refuses lines it did not write", () => {
    const good = encodeBatch(batch("x"));
    expect(decodeBatchLine("{not json")).toBeUndefined();
    expect(decodeBatchLine(JSON.stringify({ ...good, v: 2 }))).toBeUndefined();
    expect(decodeBatchLine(JSON.stringify({ ...good, events: [{ ...good.events[0], entry: "!!" }] }))).toBeUndefined();
    expect(decodeBatchLine(JSON.stringify({ ...good, events: [{ ...good.events[0], receivedAt: "yesterday" }] }))).toBeUndefined();
  });
});

describe("nodeSpool", () => {
  it("creates a private directory and file, and round-trips through the file", async () => {
    const sub = path.join(dir, "spool");
    const spool = await nodeSpool(sub);
    expect(spool.hasData()).toBe(false);
    const b: SpoolBatch = { events: [full], content: [{ eventId: full.eventId, part: "prompt", jwe: "x" }] };
    await spool.append(b);
    expect(spool.hasData()).toBe(true);
    expect((await stat(sub)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(sub, "audit-spool.jsonl"))).mode & 0o777).toBe(0o600);
    const { got, insert } = collect();
    expect(await spool.replay(insert)).toBe(1);
    expect(got).toStrictEqual([b]);
    expect(spool.hasData()).toBe(false);
    expect(await readdir(sub)).toEqual([]);
  });

  it("replays oldest first, batch by batch, across several appends and replays", async () => {
    const spool = await nodeSpool(dir);
    const { got, insert } = collect();
    await spool.append(batch("a", "b"));
    await Promise.all([spool.append(batch("c")), spool.append(batch("d")), spool.append(batch("e"))]);
    expect(await spool.replay(insert)).toBe(5);
    expect(got.map((b) => b.events.length)).toEqual([2, 1, 1, 1]);
    await spool.append(batch("f"));
    expect(await spool.replay(insert)).toBe(1);
    expect(await spool.replay(insert)).toBe(0);
    expect(ids(got)).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("keeps the failed batch and the rest when an insert fails, and a later replay finishes", async () => {
    const spool = await nodeSpool(dir);
    for (const t of ["a", "b", "c", "d"]) await spool.append(batch(t));
    const got: SpoolBatch[] = [];
    const down = new Error("database unreachable");
    await expect(
      spool.replay(async (b) => {
        if (b.events[0]?.eventId === "c") throw down;
        got.push(b);
      }),
    ).rejects.toBe(down);
    expect(ids(got)).toEqual(["a", "b"]);
    expect(spool.hasData()).toBe(true);
    await spool.append(batch("e"));
    // a and b were removed: replayed once only; c (the failed one) comes first.
    const reopened = await nodeSpool(dir); // the state is all on disk
    const after = collect();
    expect(await reopened.replay(after.insert)).toBe(3);
    expect(ids(after.got)).toEqual(["c", "d", "e"]);
    expect(reopened.hasData()).toBe(false);
  });

  it("does not lose appends made while a replay runs", async () => {
    const spool = await nodeSpool(dir);
    await spool.append(batch("a"));
    await spool.append(batch("b"));
    const got: SpoolBatch[] = [];
    let during: Promise<void> | undefined;
    const first = spool.replay(async (b) => {
      got.push(b);
      // Appended mid-replay: lands in the fresh file, not in the one being read.
      during ??= spool.append(batch("late"));
      await during;
    });
    expect(await spool.replay(collect().insert)).toBe(0); // waits for the running replay
    expect(await first).toBe(2);
    expect(ids(got)).toEqual(["a", "b"]);
    expect(spool.hasData()).toBe(true);
    const next = collect();
    expect(await spool.replay(next.insert)).toBe(1);
    expect(ids(next.got)).toEqual(["late"]);
  });

  it("after a crash replays leftover replaying files in order, ignoring a torn last line", async () => {
    const line = (...tags: string[]) => `${JSON.stringify(encodeBatch(batch(...tags)))}\n`;
    await writeFile(path.join(dir, "audit-spool.jsonl.replaying-10"), line("c"));
    await writeFile(path.join(dir, "audit-spool.jsonl.replaying-2"), line("a") + line("b"));
    // The append file of the crashed process: two whole lines and one cut mid-write.
    await writeFile(path.join(dir, "audit-spool.jsonl"), line("d") + line("e") + line("torn").slice(0, 40));
    await writeFile(path.join(dir, "audit-spool.jsonl.replaying-2.tmp"), "half a rewrite");
    const spool = await nodeSpool(dir);
    expect(spool.hasData()).toBe(true);
    await spool.append(batch("f")); // must not be glued to the torn line
    const { got, insert } = collect();
    expect(await spool.replay(insert)).toBe(6);
    expect(ids(got)).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("sets a file with unreadable lines aside instead of blocking or deleting it", async () => {
    const corrupt: { file: string; lines: number[] }[] = [];
    const spool = await nodeSpool(dir, { onCorrupt: (file, lines) => corrupt.push({ file, lines }) });
    await spool.append(batch("a"));
    await appendFile(path.join(dir, "audit-spool.jsonl"), "garbage\n");
    await spool.append(batch("b"));
    const { got, insert } = collect();
    expect(await spool.replay(insert)).toBe(2);
    expect(ids(got)).toEqual(["a", "b"]);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]?.lines).toEqual([2]);
    expect(await readdir(dir)).toEqual([path.basename(corrupt[0]?.file ?? "")]);
    expect(spool.hasData()).toBe(false);
  });

  it("sets the append file aside past maxFileBytes", async () => {
    const spool = await nodeSpool(dir, { maxFileBytes: 1 });
    for (const t of ["a", "b", "c"]) await spool.append(batch(t));
    expect((await readdir(dir)).filter((n) => n.includes("replaying"))).toHaveLength(2);
    const { got, insert } = collect();
    expect(await spool.replay(insert)).toBe(3);
    expect(ids(got)).toEqual(["a", "b", "c"]);
  });

  it("rejects a row it cannot encode without writing anything", async () => {
    const spool = await nodeSpool(dir);
    await expect(spool.append({ events: [{ ...ev("x"), receivedAt: new Date(Number.NaN) }], content: [] })).rejects.toThrow(RangeError);
    expect(spool.hasData()).toBe(false);
  });
});

describe("memorySpool", () => {
  it("replays in order, keeps the failed batch, and refuses rows beyond its limit", async () => {
    const spool: Spool = memorySpool(5);
    await spool.append(batch("a")); // 2 rows: one event, one content row
    await spool.append(batch("b"));
    await expect(spool.append(batch("c"))).rejects.toBeInstanceOf(SpoolFullError);
    await spool.append({ events: [ev("c")], content: [] }); // exactly 5
    const down = new Error("down");
    await expect(spool.replay(async (b) => { if (b.events[0]?.eventId === "b") throw down; })).rejects.toBe(down);
    await spool.append({ events: [ev("d")], content: [] }); // "a" was removed: room again
    const { got, insert } = collect();
    expect(await spool.replay(insert)).toBe(3);
    expect(ids(got)).toEqual(["b", "c", "d"]);
    expect(spool.hasData()).toBe(false);
  });

  it("lets only one replay run at a time", async () => {
    const spool = memorySpool(10);
    await spool.append(batch("a"));
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const first = spool.replay(() => gate);
    const second = spool.replay(async () => { throw new Error("ran twice"); });
    release();
    expect(await second).toBe(0);
    expect(await first).toBe(1);
  });
});
