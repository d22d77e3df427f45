// Audit search: the search-only columns (endpoint, jurisdiction, policy version, rule ids) are
// the entry's own projection, written by the writer, backfilled by migration 0006 with the
// same rules, found by every filter (alone and together, newest first, page by page), and an
// edited one is caught by database-mode `custos audit verify`. On PGlite and, when
// DATABASE_URL is set, on Postgres. Longer than 500 lines because every filter's tests share
// the one seeded log (seeding it once per file keeps the suite fast).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEntry } from "../../src/audit/canonical-json.ts";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { leafHash } from "../../src/audit/merkle.ts";
import { searchProjectionOf, type SearchProjection } from "../../src/audit/projection.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { memorySpool, type Spool } from "../../src/audit/spool.ts";
import type { VerifyResult } from "../../src/audit/verify-bundle.ts";
import { SearchColumnCheck } from "../../src/audit/verify-search.ts";
import { auditWriter, type AuditSink } from "../../src/audit/writer.ts";
import { trustFileText } from "../../src/cli/audit/trust.ts";
import { uuidv7 } from "../../src/ids.ts";
import { fileAnchor } from "../../src/runtime/node-anchor.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { MIGRATIONS_DIR } from "../../src/runtime/node-files.ts";
import type { AuditEventRow, AuditSearch } from "../../src/storage/audit-types.ts";
import { migratePostgres } from "../../src/storage/migrate.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { runCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, MIGRATE_URL, storageDrivers, SUPERUSER_URL } from "../helpers/pg.ts";

const quiet = jsonLogger("silent", () => {});
const ORIGIN = "custos.test/search";
const T0 = Date.parse("2026-11-20T10:00:00.000Z");
const ACTIVATION = "policy.activate";

// ── The entries, shaped as src/audit/events.ts writes them ────────────────────────────────

type Fields = Record<string, unknown>;
const actor = (team: string) => ({ team, subject: `ps_${team}`, iss: "https://idp.example", kind: "user", auth: { method: "jwt" } });
const route = (endpoint: string, provider: string, region: string, jurisdiction?: string, extra: Fields = {}) => ({ provider, endpoint, region, ...(jurisdiction ? { jurisdiction } : {}), ...extra });
const request = (model: string) => ({ op: "chat", api: "/v1/chat/completions", stream: false, model });

/** label → [ms offset from T0, type, fields]; several share a millisecond (the keyset's tie-break). */
const EVENTS: [string, number, string, Fields][] = [
  ["activate-v1", 0, "policy.activate", { policy: { version: "sha256:v1", sha256: "a1", files: ["org.yaml"], teams: ["demo", "research"] }, reason: "start" }],
  ["req-a", 10, "llm.request", { actor: actor("demo"), request: request("gpt-4o"), route: route("openai-eu", "openai", "eu-west-1", "EU"), policy: { version: "sha256:v1", sha256: "a1", decision: "allow", rules: ["base.models", "demo.limits"] } }],
  ["resp-a", 20, "llm.response", { actor: actor("demo"), request: { op: "chat", model: "gpt-4o", stream: false }, route: route("openai-eu", "openai", "eu-west-1", "EU"), status: 200 }],
  ["activate-v2", 30, "policy.activate", { policy: { version: "sha256:v2", sha256: "a2", files: ["org.yaml"], teams: ["demo", "research"], previous: { version: "sha256:v1", sha256: "a1" } }, reason: "reload" }],
  [
    "req-b",
    40,
    "llm.request",
    {
      actor: actor("research"),
      request: request("claude-3"),
      route: route("anthropic-us", "anthropic", "us-east-1", "US"),
      policy: { version: "sha256:v2", sha256: "a2", decision: "allow", rules: ["base.models", "research.cap"], shadow: [{ rule: "shadow.cap", code: "output_too_large" }], clamp: { output_tokens: 100, rule: "research.cap" } },
    },
  ],
  // Same millisecond as req-b.
  ["denied-c", 40, "llm.denied", { actor: actor("research"), request: request("gpt-preview"), status: 403, error: { code: "model_not_allowed" }, policy: { version: "sha256:v2", sha256: "a2", decision: "deny", rules: ["base.models", "research.cap"], denied_by: "base.models" } }],
  ["resp-b", 40, "llm.response", { actor: actor("research"), request: { op: "chat", model: "claude-3", stream: false }, route: route("anthropic-us", "anthropic", "us-east-1", "US"), status: 502, error: { code: "upstream_error" } }],
  [
    "req-d",
    50,
    "llm.request",
    { actor: actor("demo"), request: request("custos-echo"), route: route("echo", "echo", "local", undefined, { risk: [{ rule: "routing.eu-only", found: ["IBAN"] }] }), policy: { version: "sha256:v2", sha256: "a2", decision: "allow", rules: ["base.models", "demo.limits"], pii: { counts: { IBAN: 1 } } } },
  ],
  ["access", 60, "audit.access", { actor: { subject: "ps_auditor", roles: ["auditor"] }, access: { path: "/api/audit/events", status: 200 } }],
];

interface Written {
  label: string;
  eventId: string;
  at: number;
}

async function writeAll(storage: Storage): Promise<{ written: Written[]; writerOpen: string }> {
  let now = T0 - 1000;
  const w = auditWriter({ store: storage.audit, sha: nodeSha256, origin: ORIGIN, logger: quiet, spool: memorySpool(1000), now: () => now, newId: () => uuidv7(now), defer: () => {}, open: { test: "search" }, batchMs: 0 });
  const written: Written[] = [];
  for (const [label, dt, type, fields] of EVENTS) {
    now = T0 + dt;
    const e = w.emit({ type, fields });
    await e.committed;
    written.push({ label, eventId: e.eventId, at: now });
  }
  await w.flush();
  const open = (await storage.audit.search({ type: "writer.open", limit: 10 })).find((r) => r.writerId === w.writerId)!;
  return { written, writerOpen: open.eventId };
}

/** Newest first: received_at, then event id, both descending. */
const order = (xs: Written[]) => [...xs].sort((a, b) => b.at - a.at || (a.eventId < b.eventId ? 1 : -1));

const { drivers, close } = storageDrivers("custos_search");

describe.each(drivers)("audit search on %s", (_name, open) => {
  let storage: Storage;
  let written: Written[];
  const ids = (...labels: string[]) => order(written.filter((w) => labels.includes(w.label))).map((w) => w.eventId);
  const found = async (q: Omit<AuditSearch, "limit">, limit = 100) => (await storage.audit.search({ ...q, limit })).map((r) => r.eventId);

  beforeAll(async () => {
    storage = await open();
    ({ written } = await writeAll(storage));
  });
  afterAll(() => close(storage));

  it("stores the search columns as the entry's own projection", async () => {
    for (const w of written) {
      const row = (await storage.audit.event(w.eventId))!;
      const entry = JSON.parse(new TextDecoder().decode(row.entry)) as Fields;
      const { endpoint, jurisdiction, policyVersion, ruleIds } = row;
      expect(JSON.parse(JSON.stringify({ endpoint, jurisdiction, policyVersion, ruleIds })), w.label).toEqual(searchProjectionOf(entry));
    }
    const b = (await storage.audit.event(written.find((w) => w.label === "req-b")!.eventId))!;
    expect(b).toMatchObject({ endpoint: "anthropic-us", jurisdiction: "US", policyVersion: "sha256:v2", ruleIds: ["base.models", "research.cap", "shadow.cap"] });
  });

  it("endpoint (route.endpoint) and provider (route.provider)", async () => {
    expect(await found({ endpoint: "openai-eu" })).toEqual(ids("req-a", "resp-a"));
    expect(await found({ endpoint: "anthropic-us" })).toEqual(ids("req-b", "resp-b"));
    expect(await found({ endpoint: "echo" })).toEqual(ids("req-d"));
    expect(await found({ endpoint: "openai" })).toEqual([]); // a provider kind is not an endpoint id
    expect(await found({ provider: "anthropic" })).toEqual(ids("req-b", "resp-b"));
  });

  it("jurisdiction (route.jurisdiction)", async () => {
    expect(await found({ jurisdiction: "EU" })).toEqual(ids("req-a", "resp-a"));
    expect(await found({ jurisdiction: "US" })).toEqual(ids("req-b", "resp-b"));
    expect(await found({ jurisdiction: "CH" })).toEqual([]);
  });

  it("rule: enforced rules, the denying rule, shadow rules, the clamping rule and routing rules", async () => {
    expect(await found({ rule: "base.models" })).toEqual(ids("req-a", "req-b", "denied-c", "req-d"));
    expect(await found({ rule: "demo.limits" })).toEqual(ids("req-a", "req-d"));
    expect(await found({ rule: "shadow.cap" })).toEqual(ids("req-b"));
    expect(await found({ rule: "research.cap" })).toEqual(ids("req-b", "denied-c"));
    expect(await found({ rule: "routing.eu-only" })).toEqual(ids("req-d"));
    expect(await found({ rule: "base" })).toEqual([]); // whole ids only
  });

  it("policy version (policy.version, activations included)", async () => {
    expect(await found({ policyVersion: "sha256:v1" })).toEqual(ids("activate-v1", "req-a"));
    expect(await found({ policyVersion: "sha256:v2" })).toEqual(ids("activate-v2", "req-b", "denied-c", "req-d"));
    expect(await found({ policyVersion: "sha256:v3" })).toEqual([]);
  });

  it("filters combine (all must hold), with the older ones", async () => {
    expect(await found({ rule: "base.models", jurisdiction: "US" })).toEqual(ids("req-b"));
    expect(await found({ team: "demo", endpoint: "echo", pii: "IBAN" })).toEqual(ids("req-d"));
    expect(await found({ policyVersion: "sha256:v2", decision: "deny", status: 403 })).toEqual(ids("denied-c"));
    expect(await found({ endpoint: "anthropic-us", status: 502, type: "llm.response" })).toEqual(ids("resp-b"));
    expect(await found({ rule: "base.models", from: new Date(T0 + 40), to: new Date(T0 + 50) })).toEqual(ids("req-b", "denied-c"));
  });

  it("pages newest first by (received_at, event_id), ties in one millisecond included, with a keyset that survives any page size", async () => {
    const all = order(written).map((w) => w.eventId);
    for (const size of [1, 2, 3]) {
      const got: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await storage.audit.search({ ...(before ? { before } : {}), limit: size });
        got.push(...page.map((r) => r.eventId));
        if (page.length < size) break;
        before = page.at(-1)!.eventId;
      }
      // Only this log's events (the writer's open event is older than all of them).
      expect(got.slice(0, all.length), `page size ${size}`).toEqual(all);
    }
    const first = await found({ rule: "base.models" }, 2);
    expect(first).toEqual(ids("req-d", "req-b", "denied-c").slice(0, 2));
    expect(await found({ rule: "base.models", before: first[1]! })).toEqual(ids("req-a", "req-b", "denied-c").filter((id) => !first.includes(id)));
    // A keyset id no event has: the time its UUIDv7 carries.
    expect(await found({ rule: "base.models", before: uuidv7(T0 + 45) })).toEqual(ids("req-a", "req-b", "denied-c"));
  });

  it("counts up to a cap", async () => {
    expect(await storage.audit.searchCount({ rule: "base.models" }, 100)).toBe(4);
    expect(await storage.audit.searchCount({ rule: "base.models" }, 2)).toBe(3); // cap + 1: "more than 2"
    expect(await storage.audit.searchCount({ jurisdiction: "CH" }, 100)).toBe(0);
  });

  it("spooled events get their search columns back on replay, even from a spool that kept only the bundle columns", async () => {
    let down = true;
    const store = {
      ...storage.audit,
      insertEvents: async (rows: readonly AuditEventRow[]) => {
        if (down) throw new Error("database down");
        return storage.audit.insertEvents(rows);
      },
    };
    const inner = memorySpool(100);
    // A spool file written before these columns existed.
    const lossy: Spool = {
      ...inner,
      append: (b) => inner.append({ content: b.content, events: b.events.map(({ endpoint: _e, jurisdiction: _j, policyVersion: _v, ruleIds: _r, ...rest }) => rest) }),
    };
    let now = T0 + 100;
    const w: AuditSink = auditWriter({ store, sha: nodeSha256, origin: ORIGIN, logger: quiet, spool: lossy, now: () => now, newId: () => uuidv7(now), defer: () => {}, open: { test: "spool" }, batchMs: 0, retryMs: 3_600_000 });
    const [, , type, fields] = EVENTS.find((e) => e[0] === "req-b")!;
    const e = w.emit({ type, fields });
    await expect(e.committed).rejects.toThrow();
    await w.flush();
    down = false;
    expect(await w.replay()).toBeGreaterThanOrEqual(2); // writer.open and the request
    expect(await storage.audit.event(e.eventId)).toMatchObject({ endpoint: "anthropic-us", jurisdiction: "US", policyVersion: "sha256:v2", ruleIds: ["base.models", "research.cap", "shadow.cap"] });
    now += 1;
    await w.close();
  });
});

// ── The projection's rules, and migration 0006's backfill agreeing with them ───────────────

/** Entries for the backfill: realistic ones and malformed ones (what an altered row could hold). */
const BACKFILL: (Fields | Uint8Array)[] = [
  EVENTS[4]![3],
  EVENTS[5]![3],
  EVENTS[7]![3],
  EVENTS[0]![3],
  { policy: { rules: ["z.rule", "a.rule", 3, true, "a.rule", { id: "x" }], denied_by: "m.rule", shadow: [{ rule: "s.rule" }, "junk", { rule: 7 }, ["nested"]], clamp: { rule: "a.rule" }, version: 2 }, route: { endpoint: 5, jurisdiction: "EU", risk: [{ rule: "r.rule" }, { found: [] }] } },
  { policy: ["rules"], route: "openai-eu" },
  { policy: { rules: "base.models", shadow: { rule: "s" } }, route: { risk: "r" } },
  { policy: { rules: ["ｚ.rule", "𝒜.rule", "é.rule", "z.rule"] } }, // code-point order, not UTF-16
  { policy: { rules: [] }, route: {} },
  new Uint8Array([0xff, 0xfe, 0x00]), // not UTF-8
  new TextEncoder().encode("[1,2,3]"),
];

const oldMigrations = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), "custos-m0005-"));
  await mkdir(path.join(dir, "meta"));
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const idx = journal.entries.findIndex((e) => e.tag === "0006_search_columns");
  expect(idx).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, idx);
  await writeFile(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  for (const e of journal.entries) await cp(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
};

/** Rows as the writer of 0005 stored them: the entry bytes, no search columns. */
function backfillRows(): { eventId: string; at: Date; bytes: Uint8Array; expected: SearchProjection }[] {
  return BACKFILL.map((e, i) => {
    const at = T0 + i;
    const eventId = uuidv7(at);
    if (e instanceof Uint8Array) return { eventId, at: new Date(at), bytes: e, expected: (() => {
      try {
        const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(e)) as unknown;
        return typeof v === "object" && v !== null && !Array.isArray(v) ? searchProjectionOf(v as Fields) : {};
      } catch {
        return {};
      }
    })() };
    const entry = { ...e, v: 1, type: "llm.request", log: ORIGIN, event_id: eventId, ts: new Date(at).toISOString(), writer: { id: "old", seq: i, prev: "A".repeat(43) } };
    const bytes = encodeEntry(entry);
    if (!bytes.ok) throw bytes.error;
    return { eventId, at: new Date(at), bytes: bytes.value, expected: searchProjectionOf(entry) };
  });
}

const columnsOf = (r: Record<string, unknown>): SearchProjection => {
  const p: SearchProjection = {};
  if (r.endpoint !== null) p.endpoint = r.endpoint as string;
  if (r.jurisdiction !== null) p.jurisdiction = r.jurisdiction as string;
  if (r.policy_version !== null) p.policyVersion = r.policy_version as string;
  if (r.rule_ids !== null) p.ruleIds = r.rule_ids as string[];
  return p;
};

describe("migration 0006 backfills existing rows exactly as the writer projects entries", () => {
  it("projection rules: strings only, distinct, in code-point order; nothing when there is nothing", () => {
    expect(searchProjectionOf(BACKFILL[4] as Fields)).toEqual({ jurisdiction: "EU", ruleIds: ["a.rule", "m.rule", "r.rule", "s.rule", "z.rule"] });
    expect(searchProjectionOf(BACKFILL[5] as Fields)).toEqual({});
    expect(searchProjectionOf(BACKFILL[6] as Fields)).toEqual({});
    expect(searchProjectionOf(BACKFILL[7] as Fields).ruleIds).toEqual(["z.rule", "é.rule", "ｚ.rule", "𝒜.rule"]);
    expect(searchProjectionOf(BACKFILL[8] as Fields)).toEqual({});
  });

  it("on PGlite", async () => {
    const old = await oldMigrations();
    const client = await PGlite.create("memory://");
    try {
      const db = drizzle(client);
      await migrate(db, { migrationsFolder: old });
      const rows = backfillRows();
      await client.query("select audit.ensure_partitions($1::timestamptz, 2)", [new Date(T0).toISOString()]);
      for (const r of rows) {
        await client.query("insert into audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash) values ($1, $2, 'llm.request', 'old', 0, $3, $4)", [r.at.toISOString(), r.eventId, r.bytes, leafHash(nodeSha256, r.bytes)]);
      }
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      for (const r of rows) {
        const got = (await client.query<Record<string, unknown>>("select endpoint, jurisdiction, policy_version, rule_ids from audit.event where event_id = $1", [r.eventId])).rows[0]!;
        expect(columnsOf(got), r.eventId).toEqual(r.expected);
      }
      // The log is append-only again.
      await expect(client.query("update audit.event set team = 'x'")).rejects.toThrow(/append-only/);
    } finally {
      await client.close();
      await rm(old, { recursive: true, force: true });
    }
  });

  it.runIf(DATABASE_URL)("on Postgres (as the owner role)", async () => {
    const old = await oldMigrations();
    const name = `custos_m0006_${process.pid}_${Date.now()}`;
    const admin = postgres(MIGRATE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(MIGRATE_URL!);
    url.pathname = `/${name}`;
    const sql = postgres(url.href, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(url.href, old);
      const rows = backfillRows();
      await sql`select audit.ensure_partitions(${new Date(T0)}::timestamptz, 2)`;
      for (const r of rows) {
        await sql`insert into audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash) values (${r.at}, ${r.eventId}::uuid, 'llm.request', 'old', 0, ${Buffer.from(r.bytes)}, ${Buffer.from(leafHash(nodeSha256, r.bytes))})`;
      }
      await migratePostgres(url.href, MIGRATIONS_DIR);
      for (const r of rows) {
        const [got] = await sql`select endpoint, jurisdiction, policy_version, rule_ids from audit.event where event_id = ${r.eventId}::uuid`;
        expect(columnsOf(got!), r.eventId).toEqual(r.expected);
      }
      await expect(sql`update audit.event set team = 'x'`).rejects.toThrow(/append-only/);
      const [disabled] = await sql`select count(*)::int as n from pg_trigger where tgname = 'no_update_delete' and tgenabled = 'D'`;
      expect(disabled!.n).toBe(0);
    } finally {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
      await rm(old, { recursive: true, force: true });
    }
  });
});

// ── Verification of the search columns ─────────────────────────────────────────────────────

describe("SearchColumnCheck", () => {
  const row = (fields: Fields, columns: SearchProjection): AuditEventRow => {
    const bytes = encodeEntry({ ...fields, v: 1, type: "llm.request", log: ORIGIN, event_id: uuidv7(T0), ts: new Date(T0).toISOString(), writer: { id: "w", seq: 0, prev: "A".repeat(43) } });
    if (!bytes.ok) throw bytes.error;
    return { receivedAt: new Date(T0), eventId: uuidv7(T0), type: "llm.request", writerId: "w", writerSeq: 0, entry: bytes.value, leafHash: new Uint8Array(32), ...columns };
  };
  const intact: VerifyResult = {
    status: "intact",
    exitCode: 0,
    checks: [{ name: "entry fields", ok: true, outcome: "pass", detail: "every entry names log x, and its projection columns equal the entry" }],
    counts: { leaves: 1, entries: 1, entriesInRange: 1, checkpoints: 1, anchors: 1, writers: 1 },
    findings: [],
    findingCounts: { unterminated_request: 0, writer_abnormal_end: 0, writer_gap_at_edge: 0 },
  };
  const fields = EVENTS[4]![3];

  it("passes columns equal to the entry's projection, and names a column that is not", () => {
    const ok = new SearchColumnCheck();
    ok.add(0, row(fields, searchProjectionOf(fields)));
    expect(ok.apply(intact)).toMatchObject({ status: "intact", exitCode: 0 });
    for (const edit of [{ ruleIds: ["base.models", "research.cap"] }, { endpoint: "openai-eu" }, { jurisdiction: undefined }, { policyVersion: "sha256:v1" }]) {
      const c = new SearchColumnCheck();
      c.add(7, row(fields, { ...searchProjectionOf(fields), ...edit }));
      const r = c.apply(intact);
      expect(r).toMatchObject({ status: "tampered", exitCode: 1, first: { check: "entry fields", logIndex: 7 } });
      expect(r.checks[0]).toMatchObject({ name: "entry fields", ok: false, outcome: "fail" });
    }
  });
});

describe.runIf(DATABASE_URL && SUPERUSER_URL)("custos audit verify (database mode) catches an edited search column", () => {
  it("intact, then rule_ids edited by a superuser with triggers off: tampered, at its log index", async () => {
    const db = await freshDatabase("custos_search_tamper");
    const work = await mkdtemp(path.join(tmpdir(), "custos-search-tamper-"));
    try {
      const jwk = await generateSigningKey();
      const k = await importSigningKey(jwk);
      if (!k.ok) throw k.error;
      const anchorDir = path.join(work, "anchor");
      const storage = postgresStorage(db.url, { max: 2 });
      let target: Written;
      try {
        const { written } = await writeAll(storage);
        target = written.find((w) => w.label === "req-b")!;
        await integrator(storage.audit, nodeSha256, quiet).run();
        await checkpointSigner({ store: storage.audit, sha: nodeSha256, key: k.value, origin: ORIGIN, anchors: [fileAnchor(anchorDir, ORIGIN)], logger: quiet, now: Date.now }).checkpoint();
      } finally {
        await storage.close();
      }
      const trust = path.join(work, "trust.json");
      await writeFile(trust, trustFileText(ORIGIN, [k.value.publicJwk], anchorDir));
      const verify = async () => {
        const r = await runCli(["audit", "verify", "--trust", trust, "--json"], { cwd: work, env: { DATABASE_URL: db.url }, timeoutMs: 45_000 });
        return { ...r, report: JSON.parse(r.stdout) as VerifyResult };
      };
      // Events were written at T0 (in the past): writer.close is absent, which is a finding, not tampering.
      const before = await verify();
      expect(before.code, before.stdout + before.stderr).toBe(0);
      expect(before.report.checks.find((c) => c.name === "entry fields")!.detail).toMatch(/search columns equal the entry/);

      const su = postgres(db.superUrl!, { max: 1, onnotice: () => {} });
      try {
        await su.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          // Hide the event from a search for its shadow rule.
          const n = await tx`update audit.event set rule_ids = array['base.models', 'research.cap'] where event_id = ${target.eventId}::uuid`;
          expect(n.count).toBe(1);
        });
      } finally {
        await su.end({ timeout: 5 });
      }
      const after = await verify();
      expect(after.code, after.stdout + after.stderr).toBe(1);
      expect(after.report).toMatchObject({ status: "tampered", first: { check: "entry fields", eventId: target.eventId } });
      expect(after.report.first!.why).toMatch(/search column rule_ids says \["base\.models","research\.cap"\], entry says \["base\.models","research\.cap","shadow\.cap"\]/);
    } finally {
      await rm(work, { recursive: true, force: true });
      await db.drop();
    }
  }, 120_000);
});

// ── /api/audit/events ──────────────────────────────────────────────────────────────────────

describe("/api/audit/events: the new filters, has_more, count, and 400s naming the parameter", () => {
  let custos: TestCustos;
  let auditor: string;
  const get = (q: string) => fetch(`${custos.url}/api/audit/events?${q}`, { headers: { authorization: `Bearer ${auditor}` } });
  type Page = { events: { event_id: string; type: string; entry: Fields }[]; has_more: boolean; next_before?: string; count?: number; count_capped?: boolean };

  beforeAll(async () => {
    custos = await startCustos({
      providers: testProviders("http://127.0.0.1:9"),
      policies: {
        "org.yaml": "description: Search test baseline.\nrules:\n  - id: base.models\n    description: Only the echo model.\n    models:\n      allow: [custos-echo]\n",
        "teams/demo.yaml": "team: demo\ndescription: Demo.\nrules:\n  - id: demo.shadow-cap\n    description: A tighter output cap, observed only.\n    mode: shadow\n    limits:\n      max_output_tokens: 10\n      output_over_limit: refuse\n",
      },
    });
    auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
    const call = async (model: string, extra: Fields = {}) => {
      const res = await fetch(`${custos.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${await custos.token("alice", ["demo"])}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }], ...extra }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await call("custos-echo")).toBe(200);
    expect(await call("custos-echo", { max_tokens: 100 })).toBe(200); // over the shadow cap: recorded, not refused
    expect(await call("gpt-4o")).toBe(403); // not allowed by base.models
    await eventually(async () => ((await (await get("type=llm.response")).json()) as Page).events.length === 2);
  });
  afterAll(async () => {
    await custos?.close();
  });

  it("finds calls by endpoint, provider, rule and policy version", async () => {
    const byEndpoint = (await (await get("endpoint=echo&type=llm.request")).json()) as Page;
    expect(byEndpoint.events).toHaveLength(2);
    expect(byEndpoint.events.every((e) => (e.entry.route as Fields).endpoint === "echo")).toBe(true);
    expect(((await (await get("provider=echo&type=llm.request")).json()) as Page).events).toHaveLength(2);
    expect(((await (await get("endpoint=fake-openai")).json()) as Page).events).toEqual([]);

    const shadow = (await (await get("rule=demo.shadow-cap")).json()) as Page;
    expect(shadow.events.map((e) => e.type)).toEqual(["llm.request"]);
    expect((shadow.events[0]!.entry.policy as Fields).shadow).toEqual([{ rule: "demo.shadow-cap", code: "output_too_large" }]);
    const governed = (await (await get("rule=base.models")).json()) as Page;
    expect(governed.events.map((e) => e.type).sort()).toEqual(["llm.denied", "llm.request", "llm.request"]);
    const denied = governed.events.find((e) => e.type === "llm.denied")!;
    expect((denied.entry.policy as Fields).denied_by).toBe("base.models");

    const version = (denied.entry.policy as Fields).version as string;
    const underIt = (await (await get(`policy_version=${encodeURIComponent(version)}`)).json()) as Page;
    // The requests and the denial decided under it, and the activation that brought it in force (responses carry no version).
    expect(underIt.events.map((e) => e.type).sort()).toEqual(["llm.denied", "llm.request", "llm.request", ACTIVATION].sort());
    expect(((await (await get("policy_version=sha256:0000000000000000")).json()) as Page).events).toEqual([]);
    expect(((await (await get("jurisdiction=EU")).json()) as Page).events).toEqual([]); // echo has no jurisdiction
  });

  it("says whether there is a next page, and counts when asked", async () => {
    const first = (await (await get("rule=base.models&limit=2&count=true")).json()) as Page;
    expect(first).toMatchObject({ has_more: true, count: 3, count_capped: false });
    expect(first.events).toHaveLength(2);
    const second = (await (await get(`rule=base.models&limit=2&before=${first.next_before}`)).json()) as Page;
    expect(second.has_more).toBe(false);
    expect(second.next_before).toBeUndefined();
    expect(second.events).toHaveLength(1);
    const exact = (await (await get("rule=base.models&limit=3")).json()) as Page;
    expect(exact).toMatchObject({ has_more: false });
    expect(exact.count).toBeUndefined();
    expect(exact.next_before).toBeUndefined();
    expect([...first.events, ...second.events].map((e) => e.event_id)).toEqual(exact.events.map((e) => e.event_id));
  });

  it("refuses bad filter values with a 400 problem+json that names the parameter", async () => {
    const cases: [string, string][] = [
      ["rule=Not%20A%20Rule", "rule"],
      ["rule=", "rule"],
      ["policy_version=has%20space", "policy_version"],
      ["endpoint=", "endpoint"],
      ["provider=", "provider"],
      [`jurisdiction=${"x".repeat(300)}`, "jurisdiction"],
      ["count=yes", "count"],
      ["policyVersion=sha256:x", "query"], // unknown parameter (the API's spelling is policy_version)
    ];
    for (const [q, param] of cases) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(r.headers.get("content-type"), q).toBe("application/problem+json");
      const body = (await r.json()) as { code: string; detail: string };
      expect(body.code, q).toBe("invalid_request");
      expect(body.detail.startsWith(`${param}: `), `${q}: ${body.detail}`).toBe(true);
    }
  });
});
