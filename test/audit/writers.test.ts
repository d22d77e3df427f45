// Several writer processes appending to one log at once while this process integrates:
// the leaves come out contiguous (0..N-1, every event exactly once), each writer's chain
// is contiguous, and the signed, anchored log verifies intact with the CLI.
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { fileAnchor } from "../../src/runtime/node-anchor.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { runCli } from "../helpers/cli.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const WRITERS = 4;
const EVENTS = 1000;
const ORIGIN = "test.custos/writers";
const FIXTURE = path.join(PACKAGE_ROOT, "test", "audit", "fixtures", "audit-writer.ts");
const quiet = jsonLogger("silent", () => {});

interface WriterResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A writer process (node with tsx, as bin/custos.mjs runs TypeScript), killed if it outlives the bound. */
function writerProcess(url: string, tag: string, timeoutMs = 90_000): Promise<WriterResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, url, String(EVENTS), ORIGIN, tag], { cwd: PACKAGE_ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe.runIf(DATABASE_URL)("several writer processes appending at once", () => {
  let db: FreshDb;
  let storage: Storage;
  let sql: postgres.Sql;
  let dir: string;

  beforeAll(async () => {
    db = await freshDatabase("custos_writers");
    storage = postgresStorage(db.url, { max: 3 });
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
    dir = await mkdtemp(path.join(tmpdir(), "custos-writers-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    await storage.audit.ensurePartitions(new Date(Date.now() - 31 * 86_400_000), 4);
  });
  afterAll(async () => {
    await storage?.close();
    await sql?.end({ timeout: 5 });
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`${WRITERS} processes × ${EVENTS} events, integrated while they write: contiguous leaves, contiguous chains, and the log verifies`, async () => {
    const integ = integrator(storage.audit, nodeSha256, quiet, 250);
    let writing = true;
    let runs = 0;
    let sizeWhileWriting = 0;
    const loop = (async () => {
      while (writing) {
        const s = await integ.run();
        runs++;
        if (s) sizeWhileWriting = s.size;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let results: WriterResult[];
    try {
      results = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writerProcess(db.url, `w${i}`)));
    } finally {
      writing = false;
      await loop;
    }
    for (const r of results) expect(r.code, `${r.signal ?? ""} ${r.stderr}`).toBe(0);
    const writers = results.map((r) => JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { writerId: string; emitted: number });
    expect(new Set(writers.map((w) => w.writerId)).size).toBe(WRITERS);
    const total = writers.reduce((n, w) => n + w.emitted, 0);
    expect(total).toBe(WRITERS * (EVENTS + 2)); // writer.open and writer.close each
    // The integrator really ran alongside the writers.
    expect(runs).toBeGreaterThan(1);
    expect(sizeWhileWriting).toBeGreaterThan(0);

    // Whatever is still queued.
    for (let i = 0; i < 20 && (await storage.audit.pendingStats()).count > 0; i++) await integ.run();
    expect((await storage.audit.pendingStats()).count).toBe(0);
    const state = await storage.audit.treeState();
    expect(state.size).toBe(total);

    // Leaves: log indices exactly 0..N-1, each event once, every event integrated.
    const leaves = await sql<{ i: string; event_id: string }[]>`SELECT log_index::text AS i, event_id::text FROM audit.leaf ORDER BY log_index`;
    expect(leaves.length).toBe(total);
    expect(leaves.every((l, k) => Number(l.i) === k)).toBe(true);
    expect(new Set(leaves.map((l) => l.event_id)).size).toBe(total);
    const [events] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit.event`;
    expect(events?.n).toBe(total);
    const [unleaved] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit.event e WHERE NOT EXISTS (SELECT 1 FROM audit.leaf l WHERE l.event_id = e.event_id)`;
    expect(unleaved?.n).toBe(0);

    // Each writer's seqs: 0..emitted-1, none missing or repeated; open first, close last.
    const chains = await sql<{ writer_id: string; seqs: string[]; first: string; last: string }[]>`
      SELECT writer_id, array_agg(writer_seq::text ORDER BY writer_seq) AS seqs,
             (array_agg(event_type ORDER BY writer_seq))[1] AS first,
             (array_agg(event_type ORDER BY writer_seq DESC))[1] AS last
      FROM audit.event GROUP BY writer_id`;
    expect(chains.length).toBe(WRITERS);
    for (const w of writers) {
      const c = chains.find((x) => x.writer_id === w.writerId)!;
      expect(c.seqs.map(Number)).toEqual(Array.from({ length: w.emitted }, (_, k) => k));
      expect([c.first, c.last]).toEqual(["writer.open", "writer.close"]);
    }
    // The writers really interleaved in the log (not one after another).
    const byIndex = await sql<{ writer_id: string }[]>`SELECT e.writer_id FROM audit.leaf l JOIN audit.event e ON e.event_id = l.event_id ORDER BY l.log_index`;
    let switches = 0;
    for (let k = 1; k < byIndex.length; k++) if (byIndex[k]!.writer_id !== byIndex[k - 1]!.writer_id) switches++;
    expect(switches).toBeGreaterThan(WRITERS);

    // Sign and anchor a checkpoint, then verify with the CLI against a trust file pinning the key.
    const jwk = await generateSigningKey();
    const key = await importSigningKey(jwk);
    if (!key.ok) throw key.error;
    const anchorDir = path.join(dir, "anchor");
    const anchor = fileAnchor(anchorDir, ORIGIN);
    try {
      const cp1 = await checkpointSigner({ store: storage.audit, sha: nodeSha256, key: key.value, origin: ORIGIN, anchors: [anchor], logger: quiet, now: Date.now }).checkpoint();
      expect(cp1?.size).toBe(total);
    } finally {
      await anchor.close();
    }
    const env = { DATABASE_URL: db.url, CUSTOS_SIGNING_KEY: JSON.stringify(jwk), CUSTOS_ANCHOR_DIR: anchorDir, CUSTOS_AUDIT_ORIGIN: ORIGIN };
    const trust = await runCli(["audit", "trust", "--out", "trust.json"], { cwd: dir, env, timeoutMs: 30_000 });
    expect(trust.code, trust.stderr).toBe(0);
    const v = await runCli(["audit", "verify", "--trust", "trust.json"], { cwd: dir, env, timeoutMs: 60_000 });
    expect(v.code, `${v.stdout}\n${v.stderr}`).toBe(0);
    expect(v.stdout).toMatch(/verification: INTACT/);
    expect(v.stdout).toContain(`writer chains: ${WRITERS} writer(s): seqs contiguous`);
    expect(v.stdout).toContain(`${total} entries hash to the leaf`);
  });
});
