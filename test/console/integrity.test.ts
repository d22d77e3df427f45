// The console's Integrity view and its API: POST /api/audit/verify runs the same database
// verification as `custos audit verify` and streams its progress (NDJSON), ends with every
// check passed on a healthy log and names the problem on a tampered one (a superuser edits an
// entry on real Postgres), records an audit.verify event, and runs once at a time; the
// checkpoint history (newest first, paged) with anchors and consistency proofs that verify.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { verifyConsistency } from "../../src/audit/merkle.ts";
import { memoryScratch, verifyDatabase, type LogVerification } from "../../src/audit/verify-database.ts";
import type { CheckpointHistory, VerifySummary } from "../../src/http/routes/audit-verify.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, SUPERUSER_URL, type FreshDb } from "../helpers/pg.ts";

type Line = { progress?: { phase: string; done: number; total: number }; result?: VerifySummary; error?: { code: string; message: string } };

const b64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAST = { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "150", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "30" };

/** Echo calls in batches with pauses longer than the checkpoint interval: several checkpoints. */
async function traffic(custos: TestCustos, batches: number): Promise<void> {
  const token = await custos.token("alice", ["demo"]);
  for (let b = 0; b < batches; b++) {
    await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const res = await fetch(`${custos.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: `call ${b}.${i}` }] }),
        });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
      }),
    );
    await sleep(300);
  }
  await custos.server.deps.audit.flush();
  await custos.server.deps.checkpointNow!();
}

async function runVerify(client: ConsoleClient): Promise<{ status: number; type: string | null; lines: Line[] }> {
  const res = await client.api("POST", "/api/audit/verify");
  const text = await res.text();
  const lines = res.status === 200 ? text.trim().split("\n").map((l) => JSON.parse(l) as Line) : [];
  return { status: res.status, type: res.headers.get("content-type"), lines };
}

async function verifyEvents(custos: TestCustos, auditorToken: string) {
  const res = await fetch(`${custos.url}/api/audit/events?type=audit.verify`, { headers: { authorization: `Bearer ${auditorToken}` } });
  return ((await res.json()) as { events: { entry: { actor: { subject: string }; verify: { ok: boolean; tree_size: number; duration_ms: number; problems: number } } }[] }).events;
}

describe("the Integrity view (embedded database)", () => {
  let custos: TestCustos;
  let ann: ConsoleClient;
  let auditorToken: string;

  beforeAll(async () => {
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: FAST });
    await traffic(custos, 4);
    ann = await signInWithLink(custos, "ann", ["auditor"]);
    auditorToken = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  }, 180_000);

  afterAll(async () => {
    await custos?.close();
  });

  it("verify streams its progress as NDJSON and ends with every check passed; the run is an audit.verify event", async () => {
    const r = await runVerify(ann);
    expect(r.status).toBe(200);
    expect(r.type).toContain("application/x-ndjson");
    const progress = r.lines.filter((l) => l.progress).map((l) => l.progress!);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.map((p) => p.phase)).toContain("export");
    expect(progress.map((p) => p.phase)).toContain("verify");
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ phase: "verify" });
    expect(last.done).toBe(last.total);
    const result = r.lines.at(-1)!.result!;
    expect(result).toMatchObject({ ok: true, status: "intact", problems: 0 });
    expect(result.tree_size).toBeGreaterThan(30);
    expect(result.tree_size).toBe(last.total);
    expect(result.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["manifest signature", "checkpoint signatures", "checkpoint consistency", "tree", "entry hashes", "completeness", "anchors"]));
    expect(result.checks.filter((c) => !c.ok && c.outcome !== "skipped")).toEqual([]);
    expect(result.checks.find((c) => c.name === "anchors")?.outcome).toBe("pass");

    const events = await eventually(async () => {
      const e = await verifyEvents(custos, auditorToken);
      return e.length > 0 ? e : undefined;
    });
    expect(events![0]!.entry.verify).toMatchObject({ ok: true, tree_size: result.tree_size, problems: 0 });
    expect(typeof events![0]!.entry.verify.duration_ms).toBe("number");
    expect(typeof events![0]!.entry.actor.subject).toBe("string");
  }, 30_000);

  it("verifies the same with the bundle held in memory (the Worker's scratch space) as in a temporary directory", async () => {
    const t = await custos.server.deps.logVerification!.trust();
    if (typeof t === "string") throw new Error(t);
    const store = custos.server.deps.storage.audit;
    const inMemory = await verifyDatabase(store, { trust: t.trust, sha: nodeSha256, scratch: async () => memoryScratch(nodeSha256), now: Date.now });
    const onDisk = await verifyDatabase(store, { trust: t.trust, sha: nodeSha256, scratch: () => custos.server.deps.logVerification!.scratch(), now: Date.now });
    expect(inMemory.kind).toBe("checked");
    expect(onDisk.kind).toBe("checked");
    if (inMemory.kind !== "checked" || onDisk.kind !== "checked") return;
    expect(inMemory.result.status).toBe("intact");
    expect(inMemory.result.checks.map((c) => [c.name, c.outcome])).toEqual(onDisk.result.checks.map((c) => [c.name, c.outcome]));
    // The log grows between the two runs (each read is an event): the sizes differ, not the outcome.
    expect(inMemory.result.counts.leaves).toBeGreaterThan(30);
  });

  it("runs one verification at a time: a second POST while one runs is 409 conflict", async () => {
    const deps = custos.server.deps as { logVerification?: LogVerification };
    const real = deps.logVerification!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    deps.logVerification = { trust: async () => (await gate, real.trust()), scratch: () => real.scratch() };
    try {
      const first = await ann.api("POST", "/api/audit/verify");
      expect(first.status).toBe(200);
      const second = await ann.api("POST", "/api/audit/verify");
      expect(second.status).toBe(409);
      expect(second.headers.get("content-type")).toContain("application/problem+json");
      expect(await second.json()).toMatchObject({ code: "conflict", status: 409 });
      release();
      const lines = (await first.text()).trim().split("\n").map((l) => JSON.parse(l) as Line);
      expect(lines.at(-1)!.result?.ok).toBe(true);
    } finally {
      release();
      deps.logVerification = real;
    }
    // Free again once it ended.
    expect((await runVerify(ann)).status).toBe(200);
  }, 30_000);

  it("refuses verify without a session (401), without the auditor role (403) and without the CSRF token (403 csrf_rejected)", async () => {
    const anon = await fetch(`${custos.url}/api/audit/verify`, { method: "POST" });
    expect(anon.status).toBe(401);
    const user = await fetch(`${custos.url}/api/audit/verify`, { method: "POST", headers: { authorization: `Bearer ${await custos.token("bob", ["demo"])}` } });
    expect(user.status).toBe(403);
    // Administrators include the auditor's rights.
    const admin = await signInWithLink(custos, "root", ["admin"]);
    expect((await admin.api("GET", "/api/audit/history")).status).toBe(200);
    expect((await admin.get("/console/integrity")).status).toBe(200);
    const noCsrf = await fetch(`${custos.url}/api/audit/verify`, { method: "POST", headers: { cookie: ann.cookie } });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { code: string }).code).toBe("csrf_rejected");
    const page = await fetch(`${custos.url}/console/integrity`, { redirect: "manual" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toMatch(/^\/console\/login/);
  });

  it("pages the checkpoint history newest first, with anchors and consistency proofs between neighbours that verify", async () => {
    const get = async (q: string) => (await (await ann.api("GET", `/api/audit/history${q}`)).json()) as CheckpointHistory;
    // The server keeps checkpointing (every read is an event) and anchors each just after
    // storing it: take a moment where the newest one is anchored and nothing moved mid-read.
    const all = (await eventually(async () => {
      const h = await get("?limit=200");
      return h.latest_anchored && h.counts.checkpoints === h.checkpoints.length && h.counts.anchored === h.checkpoints.length ? h : undefined;
    }))!;
    expect(all.checkpoints.length).toBeGreaterThanOrEqual(3);
    const sizes = all.checkpoints.map((c) => c.size);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(all.latest_anchored).toBe(true);
    expect(all.counts.checkpoints).toBe(all.checkpoints.length);
    for (const c of all.checkpoints) {
      expect(c.anchors.map((a) => a.kind)).toContain("file");
      expect(c.kid.length).toBeGreaterThan(10);
    }
    // From the newest seen above: the server may sign another checkpoint meanwhile.
    const first = await get(`?limit=2&before_size=${sizes[0]! + 1}`);
    expect(first.checkpoints.map((c) => c.size)).toEqual(sizes.slice(0, 2));
    expect(first.next_before_size).toBe(sizes[1]);
    const second = await get(`?limit=2&before_size=${first.next_before_size}`);
    expect(second.checkpoints.map((c) => c.size)).toEqual(sizes.slice(2, 4));

    for (let i = 0; i + 1 < all.checkpoints.length; i++) {
      const newer = all.checkpoints[i]!;
      const older = all.checkpoints[i + 1]!;
      // The stored proof (from the checkpoint before) and the API's agree and verify.
      expect(newer.prev_size).toBe(older.size);
      const api = (await (await ann.api("GET", `/api/audit/consistency?from_size=${older.size}&to_size=${newer.size}`)).json()) as { hashes: string[] };
      expect(api.hashes).toEqual(newer.consistency);
      expect(verifyConsistency(nodeSha256, older.size, newer.size, b64u(older.root), b64u(newer.root), api.hashes.map(b64u))).toBe(true);
    }
    expect((await ann.api("GET", "/api/audit/history?before_size=abc")).status).toBe(400);
  });

  it("renders the page: Run verify, the progress bar, the history rows with the data the browser checks, the anchor status", async () => {
    // The newest checkpoint is anchored just after it is stored: a page read in between says so.
    const html = (await eventually(async () => {
      const res = await ann.get("/console/integrity");
      expect(res.status).toBe(200);
      const text = await res.text();
      return text.includes("The latest checkpoint is anchored outside the database.") ? text : undefined;
    }))!;
    expect(html).toContain('id="verify-run"');
    expect(html).toContain('<progress id="verify-progress"');
    expect(html).toContain('id="verify-status"');
    expect(html).toContain('src="/console/assets/integrity-page.js"');
    expect(html).toMatch(/<tr data-size="\d+" data-root="[A-Za-z0-9_-]{43}" data-prev-size="\d+" data-consistency="[A-Za-z0-9_,-]*">/);
    expect(html).toContain("The latest checkpoint is anchored outside the database.");
    const js = await fetch(`${custos.url}/console/assets/integrity-page.js`);
    expect(js.status).toBe(200);
    const source = await js.text();
    expect(source).toContain('from "/console/assets/proof-check.js"');
    expect(source).not.toContain("innerHTML");
    expect((await fetch(`${custos.url}/console/assets/proof-check.js`)).status).toBe(200);
  });
});

describe.runIf(Boolean(DATABASE_URL && SUPERUSER_URL))("verify from the console on Postgres, after a superuser tampers with the log", () => {
  let db: FreshDb;
  let custos: TestCustos;
  let work: string;
  let ann: ConsoleClient;
  let auditorToken: string;

  beforeAll(async () => {
    db = await freshDatabase("custos_console_verify");
    work = await mkdtemp(path.join(tmpdir(), "custos-console-verify-"));
    custos = await startCustos({
      providers: testProviders("http://127.0.0.1:9"),
      env: {
        ...FAST,
        DATABASE_URL: db.url,
        CUSTOS_API_KEY_PEPPER: "console-verify-pepper-0123456789abcdef",
        CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
        CUSTOS_ANCHOR_DIR: path.join(work, "anchor"),
      },
    });
    await traffic(custos, 3);
    ann = await signInWithLink(custos, "ann", ["auditor"]);
    auditorToken = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  }, 180_000);

  afterAll(async () => {
    await custos?.close();
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("passes on the untouched log, then fails naming the altered entry once a superuser rewrote it with triggers off", async () => {
    const before = await runVerify(ann);
    expect(before.lines.at(-1)!.result).toMatchObject({ ok: true, status: "intact" });

    const sql = postgres(db.superUrl!, { max: 1, onnotice: () => {} });
    let target: string;
    try {
      const [row] = await sql`select e.event_id::text as id from audit.event e join audit.leaf l using (event_id, received_at) where e.event_type = 'llm.response' order by l.log_index limit 1`;
      target = row!.id as string;
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        const [r] = await tx`select convert_from(entry, 'UTF8') as text from audit.event where event_id = ${target}::uuid`;
        const forged = (r!.text as string).replace('"model":"custos-echo"', '"model":"custos-ech0"');
        expect((await tx`update audit.event set entry = convert_to(${forged}, 'UTF8') where event_id = ${target}::uuid`).count).toBe(1);
      });
    } finally {
      await sql.end({ timeout: 5 });
    }

    const after = await runVerify(ann);
    const result = after.lines.at(-1)!.result!;
    expect(result).toMatchObject({ ok: false, status: "tampered" });
    expect(result.problems).toBeGreaterThan(0);
    expect(result.first).toMatchObject({ check: "entry hashes", event_id: target! });
    expect(result.first!.why).toMatch(/altered/);
    expect(result.checks.find((c) => c.name === "entry hashes")).toMatchObject({ ok: false, outcome: "fail" });

    const events = await eventually(async () => {
      const e = await verifyEvents(custos, auditorToken);
      return e.length >= 2 ? e : undefined;
    });
    expect(events![0]!.entry.verify).toMatchObject({ ok: false });
    expect(events![0]!.entry.verify.problems).toBeGreaterThan(0);
    expect(events![1]!.entry.verify).toMatchObject({ ok: true });
  }, 60_000);
});
