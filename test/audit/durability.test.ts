// The audit log under a database that goes away mid-load: fail_open keeps every row
// (spooled, replayed, none twice) and answers every call; fail_closed forwards nothing it
// has not recorded and answers the rest 503 audit_unavailable. The server's DATABASE_URL
// goes through the loopback fault proxy, so the shared Postgres is never stopped; the
// checks read the database directly. In the end the servers have closed (signing their
// last checkpoints) and `custos audit verify` must find the log intact.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { runCli } from "../helpers/cli.ts";
import { startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const CALLS = 300;
const CONCURRENCY = 10;
/** Pause between one worker's calls, so the load spans the fault (~3 s in all). */
const PACE_MS = 90;
/** When the fault starts and how long it lasts, from the start of the load. */
const FAULT_AT_MS = 700;
const FAULT_MS = 1500;
/** A call taking longer than this counts as hung. */
const CALL_TIMEOUT_MS = 15_000;
/** audit.write_timeout_ms for the servers: an audit write or subject look-up slower than this counts as failed. */
const WRITE_TIMEOUT_MS = 1000;
/** No call may take this long: nothing waits on the database past the write timeout. */
const MAX_CALL_MS = WRITE_TIMEOUT_MS + 2000;
const SUBJECT = "durable-dora";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Call {
  i: number;
  marker: string;
  status: number | "hung" | "failed";
  id?: string;
  code?: string;
  ms: number;
  /** Start, ms after the load began. */
  at: number;
  /** fail_closed: whether the llm.request event was in the database right after the 200. */
  committedAtAnswer?: boolean;
  detail?: string;
}

/** One database behind a fault proxy, with what the CLI needs to verify its log. */
interface Rig {
  db: FreshDb;
  proxy: FaultProxy;
  /** A direct connection (not through the proxy) for the checks. */
  sql: postgres.Sql;
  /** CLI working directory (policies/ copied; the anchor lives under it). */
  cliDir: string;
  /** Signing key, anchor directory, KEK, pepper: the same for every server on this database and for the CLI. */
  env: Record<string, string>;
  /** A server (DATABASE_URL through the proxy); closed by close() if the test did not. */
  server(onFailure: "fail_open" | "fail_closed", providers: string): Promise<TestCustos>;
  close(): Promise<void>;
}

async function startRig(prefix: string): Promise<Rig> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const db = await freshDatabase(prefix);
    cleanups.push(() => db.drop());
    const proxy = await startFaultProxy({ host: "127.0.0.1", port: Number(new URL(db.url).port || 5432) });
    cleanups.push(() => proxy.close());
    const cliDir = await mkdtemp(path.join(tmpdir(), "custos-durability-"));
    cleanups.push(() => rm(cliDir, { recursive: true, force: true }));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(cliDir, "policies"), { recursive: true });
    const sql = postgres(db.url, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 5 }));
    const env = {
      CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
      CUSTOS_ANCHOR_DIR: path.join(cliDir, "anchor"),
      CUSTOS_KEK: randomBytes(32).toString("hex"),
      CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url"),
    };
    return {
      db,
      proxy,
      sql,
      cliDir,
      env,
      async server(onFailure, providers) {
        proxy.restore();
        const custos = await startCustos({ providers, env: { ...env, DATABASE_URL: proxy.url(db.url), CUSTOS_AUDIT_ON_FAILURE: onFailure, CUSTOS_AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS) } });
        cleanups.push(() => custos.close()); // idempotent: a test may have closed it already
        return custos;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * CALLS chat calls, CONCURRENCY at a time, each worker pausing PACE_MS between calls;
 * `fault` runs FAULT_AT_MS into the load and `heal` FAULT_MS later. Each call gets CALL_TIMEOUT_MS.
 */
async function runLoad(custos: TestCustos, o: { model: string; tag: string; fault: () => void; heal: () => void; afterAnswer?: (c: Call) => Promise<void> }): Promise<Call[]> {
  const token = await custos.token(SUBJECT);
  const calls: Call[] = [];
  const began = Date.now();
  let next = 0;
  let healTimer: ReturnType<typeof setTimeout> | undefined;
  const faultTimer = setTimeout(() => {
    o.fault();
    healTimer = setTimeout(o.heal, FAULT_MS);
  }, FAULT_AT_MS);
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= CALLS) return;
      const marker = `${o.tag}-call-${i}-${randomBytes(4).toString("hex")}`;
      const t0 = Date.now();
      const c: Call = { i, marker, status: "failed", ms: 0, at: t0 - began };
      try {
        const res = await fetch(`${custos.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ model: o.model, messages: [{ role: "user", content: marker }] }),
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        });
        const text = await res.text();
        c.status = res.status;
        c.id = res.headers.get("x-request-id") ?? undefined;
        c.code = res.headers.get("x-custos-error-code") ?? undefined;
        if (res.status !== 200) c.detail = text.slice(0, 300);
      } catch (e) {
        c.status = (e as Error).name === "TimeoutError" ? "hung" : "failed";
        c.detail = (e as Error).message;
      }
      c.ms = Date.now() - t0;
      if (o.afterAnswer) await o.afterAnswer(c);
      calls.push(c);
      await sleep(PACE_MS);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    clearTimeout(faultTimer);
    clearTimeout(healTimer);
    o.heal(); // whatever happened, the database is back for what follows
  }
  return calls.sort((a, b) => a.i - b.i);
}

/** One call as a given subject; never throws. */
async function oneCall(custos: TestCustos, sub: string, model: string, timeoutMs: number): Promise<{ status: number | string; code?: string; ms: number }> {
  const token = await custos.token(sub);
  const t0 = Date.now();
  try {
    const res = await fetch(`${custos.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status, ...(res.headers.get("x-custos-error-code") ? { code: res.headers.get("x-custos-error-code")! } : {}), ms: Date.now() - t0 };
  } catch (e) {
    return { status: (e as Error).name, ms: Date.now() - t0 };
  }
}

interface Stored {
  requests: number;
  responses: { status: number | null; code?: string }[];
}

/** The llm.request and llm.response events of these request ids, as stored. */
async function storedEvents(sql: postgres.Sql, ids: string[]): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>(ids.map((id) => [id, { requests: 0, responses: [] }]));
  const rows = await sql<{ type: string; rid: string; status: number | null; entry: Buffer }[]>`
    SELECT event_type AS type, COALESCE(request_event_id, event_id)::text AS rid, status, entry
    FROM audit.event
    WHERE event_type IN ('llm.request', 'llm.response') AND COALESCE(request_event_id, event_id) = ANY(${ids}::uuid[])`;
  for (const r of rows) {
    const s = out.get(r.rid)!;
    if (r.type === "llm.request") s.requests++;
    else {
      const e = JSON.parse(r.entry.toString("utf8")) as { error?: { code?: string } };
      s.responses.push({ status: r.status, ...(e.error?.code ? { code: e.error.code } : {}) });
    }
  }
  return out;
}

/** Polls (bounded) until every id has its two events and the server's writer holds nothing back. */
async function untilRecorded(rig: Rig, custos: TestCustos, ids: string[], timeoutMs = 45_000): Promise<Map<string, Stored>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const stored = await storedEvents(rig.sql, ids);
    const backlog = custos.server.deps.audit.backlog();
    const complete = [...stored.values()].every((s) => s.requests >= 1 && s.responses.length >= 1);
    if ((complete && backlog.queued === 0 && !backlog.spooled) || Date.now() > end) return stored;
    await sleep(200);
  }
}

/** After the servers closed (last checkpoints signed and anchored): the trust file, then verify from the database. */
async function verifyIntact(rig: Rig): Promise<string> {
  const env = { ...rig.env, DATABASE_URL: rig.db.url };
  const trust = await runCli(["audit", "trust", "--out", "trust.json"], { cwd: rig.cliDir, env, timeoutMs: 30_000 });
  expect(trust.code, trust.stderr).toBe(0);
  const v = await runCli(["audit", "verify", "--trust", "trust.json"], { cwd: rig.cliDir, env, timeoutMs: 60_000 });
  expect(v.code, `${v.stdout}\n${v.stderr}`).toBe(0);
  expect(v.stdout).toMatch(/verification: INTACT/);
  return v.stdout;
}

const outcomes = (calls: Call[]) => {
  const by: Record<string, number> = {};
  for (const c of calls) {
    const k = `${c.status}${c.code ? `/${c.code}` : ""}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return JSON.stringify(by);
};

describe.runIf(DATABASE_URL)("audit durability: fail_open while the database is cut or blackholed", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig("custos_durable_open");
  });
  afterAll(async () => {
    await rig?.close();
  });

  /** A load with a fault in the middle; every call answers 200 quickly, and every event lands exactly once. */
  async function phase(tag: string, fault: () => void) {
    // A server per phase: each starts with a fresh connection pool.
    const custos = await rig.server("fail_open", testProviders("http://127.0.0.1:9"));
    const logsBefore = custos.logs.length;
    const calls = await runLoad(custos, { model: "custos-echo", tag, fault, heal: () => rig.proxy.restore() });
    expect(calls.filter((c) => c.status !== 200).slice(0, 5), outcomes(calls)).toEqual([]);
    const slow = calls.filter((c) => c.ms >= MAX_CALL_MS);
    expect(slow.slice(0, 5).map((c) => ({ i: c.i, at: c.at, ms: c.ms })), `${slow.length} calls took ${MAX_CALL_MS} ms or more`).toEqual([]);
    const ids = calls.map((c) => c.id!);
    expect(new Set(ids).size).toBe(CALLS);

    const stored = await untilRecorded(rig, custos, ids);
    const wrong = ids.filter((id) => {
      const s = stored.get(id)!;
      return s.requests !== 1 || s.responses.length !== 1 || s.responses[0]!.status !== 200;
    });
    expect(wrong.slice(0, 5).map((id) => ({ id, ...stored.get(id) })), `${wrong.length} calls without exactly one llm.request and one llm.response (200)`).toEqual([]);
    expect(custos.server.deps.audit.backlog()).toEqual({ queued: 0, spooled: false });
    const logs = custos.logs.slice(logsBefore);
    await custos.close(); // writer.close, a last integration and checkpoint
    return { calls, logs };
  }

  it(`${CALLS} calls, database cut for ${FAULT_MS} ms mid-load: every call answers 200 at once, and every event lands exactly once via the spool`, async () => {
    const { logs } = await phase("cut", () => rig.proxy.cut());
    expect(logs.some((l) => l.includes("audit write failed: spooling and retrying")), "the cut made writes fail").toBe(true);
    expect(logs.some((l) => l.includes("audit spool replayed into the database")), "the spool was replayed").toBe(true);
  }, 120_000);

  it(`${CALLS} calls, database blackholed for ${FAULT_MS} ms mid-load (connections hang): no call waits for the stalled audit write; every event lands exactly once when it heals`, async () => {
    const { logs } = await phase("blackhole", () => rig.proxy.blackhole());
    expect(logs.some((l) => l.includes("audit write failed: spooling and retrying") && l.includes(`did not finish within ${WRITE_TIMEOUT_MS} ms`)), "the hanging writes timed out into the spool").toBe(true);
    expect(logs.some((l) => l.includes("audit spool replayed into the database")), "the spool was replayed").toBe(true);
  }, 120_000);

  it("after both servers closed and signed their last checkpoints, custos audit verify finds the log intact", async () => {
    const out = await verifyIntact(rig);
    expect(out).toContain("writer chains: 2 writer(s): seqs contiguous");
  });
});

describe.runIf(DATABASE_URL)("audit durability: fail_closed while the database is cut", () => {
  let rig: Rig;
  let fake: FakeProvider;
  let custos: TestCustos;
  beforeAll(async () => {
    fake = await startFakeProvider({ record: true });
    rig = await startRig("custos_durable_closed");
    custos = await rig.server("fail_closed", testProviders(fake.url));
  });
  afterAll(async () => {
    await rig?.close();
    await fake?.close();
  });

  it(`${CALLS} calls, database cut mid-load: 200 (request committed first) or 503 audit_unavailable, nothing forwarded unrecorded, and in the end every call recorded`, async () => {
    const calls = await runLoad(custos, {
      model: "fake-model+echo",
      tag: "closed",
      fault: () => rig.proxy.cut(),
      heal: () => rig.proxy.restore(),
      async afterAnswer(c) {
        // Read at once, on a connection the cut does not touch: a 200 means it is committed.
        if (c.status === 200 && c.id) c.committedAtAnswer = (await rig.sql`SELECT 1 FROM audit.event WHERE event_id = ${c.id}::uuid AND event_type = 'llm.request'`).length === 1;
      },
    });
    const odd = calls.filter((c) => !(c.status === 200 || (c.status === 503 && c.code === "audit_unavailable")));
    expect(odd.slice(0, 5), outcomes(calls)).toEqual([]);
    const answered = calls.filter((c) => c.status === 200);
    const refused = calls.filter((c) => c.status === 503);
    expect(refused.length, `the cut refused some calls: ${outcomes(calls)}`).toBeGreaterThan(0);
    expect(answered.length, outcomes(calls)).toBeGreaterThan(0);
    expect(answered.filter((c) => !c.committedAtAnswer).map((c) => c.id), "answered before its llm.request was committed").toEqual([]);
    const slow = calls.filter((c) => c.ms >= MAX_CALL_MS);
    expect(slow.slice(0, 5).map((c) => ({ i: c.i, at: c.at, ms: c.ms, status: c.status })), `${slow.length} calls took ${MAX_CALL_MS} ms or more`).toEqual([]);

    // The provider saw each answered call once and no refused one.
    const seen = new Map<string, number>();
    for (const r of fake.requests) {
      const m = /closed-call-\d+-[0-9a-f]{8}/.exec(r.body);
      if (m) seen.set(m[0], (seen.get(m[0]) ?? 0) + 1);
    }
    expect(refused.filter((c) => seen.has(c.marker)).map((c) => c.marker), "refused calls that reached the provider").toEqual([]);
    expect(answered.filter((c) => seen.get(c.marker) !== 1).map((c) => c.marker), "answered calls not forwarded exactly once").toEqual([]);

    // Every call ends up recorded: the refused ones' events were spooled and replayed.
    const ids = calls.map((c) => c.id!);
    expect(new Set(ids).size).toBe(CALLS);
    const stored = await untilRecorded(rig, custos, ids);
    const wrong: unknown[] = [];
    for (const c of calls) {
      const s = stored.get(c.id!)!;
      const want = c.status === 200 ? { status: 200 } : { status: 503, code: "audit_unavailable" };
      if (s.requests !== 1 || s.responses.length !== 1 || JSON.stringify(s.responses[0]) !== JSON.stringify(want)) wrong.push({ i: c.i, http: c.status, ...s });
    }
    expect(wrong.slice(0, 5), `${wrong.length} calls recorded wrongly`).toEqual([]);
    expect(custos.server.deps.audit.backlog()).toEqual({ queued: 0, spooled: false });

    // With the spool drained, calls are answered again (bounded).
    const again = await eventuallyRows(async () => {
      const r = await oneCall(custos, SUBJECT, "fake-model+echo", 5000);
      return r.status === 200 ? r : undefined;
    });
    expect(again?.status).toBe(200);
  }, 120_000);

  it("after the server closed and signed its last checkpoint, custos audit verify finds the log intact", async () => {
    await custos.close();
    await verifyIntact(rig);
  });
});

// Faults that once hung or failed calls, each reproduced deterministically: a subject whose
// pseudonym is not cached while the database is away, a database that hangs (blackhole)
// under fail_closed, and a call still in flight at shutdown.
describe.runIf(DATABASE_URL)("audit durability: single calls at the edges of a fault", () => {
  let rig: Rig;
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider({ record: true });
    rig = await startRig("custos_durable_edges");
  });
  afterAll(async () => {
    await rig?.close();
    await fake?.close();
  });

  it("fail_open: a subject first seen while the database is cut or blackholed is answered 200 within the write timeout, under a flagged provisional pseudonym", async () => {
    const custos = await rig.server("fail_open", testProviders(fake.url));
    try {
      const results: Record<string, { status: number | string; ms: number }> = {};
      for (const [fault, apply] of [["cut", () => rig.proxy.cut()], ["blackhole", () => rig.proxy.blackhole()]] as const) {
        apply();
        results[fault] = await oneCall(custos, `new-during-${fault}`, "custos-echo", CALL_TIMEOUT_MS);
        rig.proxy.restore();
      }
      expect(results).toMatchObject({ cut: { status: 200 }, blackhole: { status: 200 } });
      for (const r of Object.values(results)) expect(r.ms).toBeLessThan(MAX_CALL_MS);
      // Both calls land once the database is back, flagged as provisional.
      const subjects = await eventuallyRows(async () => {
        const rows = await rig.sql<{ entry: Buffer }[]>`SELECT entry FROM audit.event WHERE event_type = 'llm.request'`;
        return rows.length === 2 ? rows.map((r) => (JSON.parse(r.entry.toString("utf8")) as { actor: Record<string, unknown> }).actor) : undefined;
      });
      expect(subjects).toEqual([expect.objectContaining({ subject_provisional: true }), expect.objectContaining({ subject_provisional: true })]);
    } finally {
      rig.proxy.restore();
      await custos.close();
    }
  });

  it("fail_closed: with the database blackholed, calls are refused 503 audit_unavailable within the write timeout (cached and new subjects alike), and nothing is forwarded", async () => {
    const custos = await rig.server("fail_closed", testProviders(fake.url));
    try {
      expect((await oneCall(custos, SUBJECT, "fake-model+echo", 5000)).status).toBe(200); // the pseudonym is cached now
      const forwarded = fake.requests.length;
      rig.proxy.blackhole();
      const cached = await oneCall(custos, SUBJECT, "fake-model+echo", CALL_TIMEOUT_MS);
      const fresh = await oneCall(custos, "new-during-closed-blackhole", "fake-model+echo", CALL_TIMEOUT_MS);
      rig.proxy.restore();
      for (const r of [cached, fresh]) {
        expect(r).toMatchObject({ status: 503, code: "audit_unavailable" });
        expect(r.ms).toBeLessThan(MAX_CALL_MS);
      }
      expect(fake.requests.length).toBe(forwarded);
    } finally {
      rig.proxy.restore();
      await custos.close();
    }
  });

  it("a call whose caller left while its audit write hung is recorded before writer.close at shutdown, and the log verifies intact", async () => {
    const own = await startRig("custos_durable_shutdown");
    try {
      // A long write timeout: the call is still waiting for its commit when the server closes.
      const custos = await startCustos({
        providers: testProviders(fake.url),
        env: { ...own.env, DATABASE_URL: own.proxy.url(own.db.url), CUSTOS_AUDIT_ON_FAILURE: "fail_closed", CUSTOS_AUDIT_WRITE_TIMEOUT_MS: "30000" },
      });
      try {
        expect((await oneCall(custos, SUBJECT, "fake-model+echo", 5000)).status).toBe(200);
        own.proxy.blackhole();
        const left = await oneCall(custos, SUBJECT, "fake-model+echo", 1000);
        expect(left.status).toBe("TimeoutError"); // the caller gave up; the call waits for its commit
        await sleep(100);
        const closing = custos.close();
        await sleep(500);
        own.proxy.restore();
        await closing;
      } finally {
        own.proxy.restore();
        await custos.close();
      }
      const rows = await own.sql<{ type: string; rid: string | null }[]>`
        SELECT event_type AS type, COALESCE(request_event_id, event_id)::text AS rid FROM audit.event
        WHERE event_type IN ('llm.request', 'llm.response', 'writer.close') ORDER BY writer_seq`;
      const id = rows.filter((r) => r.type === "llm.request").at(-1)?.rid;
      expect(rows.filter((r) => r.rid === id).map((r) => r.type)).toEqual(["llm.request", "llm.response"]);
      expect(rows.at(-1)?.type).toBe("writer.close");
      await verifyIntact(own);
    } finally {
      await own.close();
    }
  });
});

/** Polls (bounded) until fn returns something. */
async function eventuallyRows<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined || Date.now() > end) return v;
    await sleep(200);
  }
}
