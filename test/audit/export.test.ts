// Export pages through leaves and checkpoints alike: a small page size gives the same
// bundle contents as one page, and the bundle verifies, full and from the middle of the log.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, importSigningKey, type SigningKey } from "../../src/audit/checkpoint.ts";
import { exportBundle } from "../../src/audit/export.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { memorySpool } from "../../src/audit/spool.ts";
import { verifyBundle } from "../../src/audit/verify-bundle.ts";
import { auditWriter } from "../../src/audit/writer.ts";
import { uuidv7 } from "../../src/ids.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { directoryReader, directorySink } from "../../src/runtime/node-bundle.ts";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import type { Storage } from "../../src/storage/types.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";

const quiet = jsonLogger("silent", () => {});
let storage: Storage;
let key: SigningKey;
let dir: string;

beforeAll(async () => {
  storage = await pgliteStorage("memory://", MIGRATIONS_DIR);
  dir = await mkdtemp(path.join(tmpdir(), "custos-export-"));
  const k = await importSigningKey(await generateSigningKey());
  if (!k.ok) throw k.error;
  key = k.value;
  const w = auditWriter({ store: storage.audit, sha: nodeSha256, origin: "test/export", logger: quiet, spool: memorySpool(100), now: Date.now, newId: uuidv7, defer: () => {}, open: {}, batchMs: 0 });
  const integ = integrator(storage.audit, nodeSha256, quiet);
  const signer = checkpointSigner({ store: storage.audit, sha: nodeSha256, key, origin: "test/export", anchors: [], logger: quiet, now: Date.now });
  // Eleven checkpoints over 23 entries: more than a few pages of each.
  for (let i = 0; i < 11; i++) {
    w.emit({ type: "config.change", fields: { actor: { team: i % 2 ? "odd" : "even" }, n: i } });
    w.emit({ type: "config.change", fields: { actor: { team: "even" }, n: i, again: true } });
    await w.flush();
    await integ.run();
    await signer.checkpoint();
  }
});

afterAll(async () => {
  await storage?.close();
  await rm(dir, { recursive: true, force: true });
});

const trust = () => ({ origin: "test/export", keys: [key.publicJwk], anchored: [] });

describe("export paging", () => {
  it("pages of 3 give the same files as one page, and the bundle verifies", async () => {
    const one = path.join(dir, "one");
    const paged = path.join(dir, "paged");
    const o = { format: "jsonl" as const, key, origin: "test/export", now: Date.now() };
    await exportBundle(storage.audit, await directorySink(one), o);
    await exportBundle(storage.audit, await directorySink(paged), { ...o, pageSize: 3 });
    for (const f of ["checkpoints.jsonl", "leaves.txt", "entries.jsonl", "bundle.json"]) expect(await readFile(path.join(paged, f), "utf8"), f).toBe(await readFile(path.join(one, f), "utf8"));
    expect((await readFile(path.join(paged, "checkpoints.jsonl"), "utf8")).trim().split("\n")).toHaveLength(11);
    const r = await verifyBundle(directoryReader(paged), trust(), { sha: nodeSha256 });
    expect(r.status).toBe("intact");
  });

  it("a range from the middle starts at the last checkpoint before it, and a team export omits the rest as leaf hashes", async () => {
    const all = await storage.audit.checkpoints(0, Number.MAX_SAFE_INTEGER);
    const out = path.join(dir, "team");
    const from = (await storage.audit.leaves(8, 9))[0]!.event!.receivedAt;
    await exportBundle(storage.audit, await directorySink(out), { format: "csv", key, origin: "test/export", now: Date.now(), from, team: "odd", pageSize: 2 });
    const cps = (await readFile(path.join(out, "checkpoints.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { size: number });
    expect(cps[0]!.size).toBeLessThanOrEqual(8);
    expect(cps.at(-1)!.size).toBe(all.at(-1)!.size);
    const r = await verifyBundle(directoryReader(out), trust(), { sha: nodeSha256 });
    expect(r.status, JSON.stringify(r.first)).toBe("intact");
    expect(r.bundle).toMatchObject({ scope: "team", team: "odd" });
  });
});
