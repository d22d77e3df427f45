// Audit search on millions of events (the compliance console's /api/audit/events), on real
// Postgres: a dedicated database (custos_bench_search, created, migrated and dropped here) is
// seeded by the owner role with generate_series — 30 days of events whose team, subject, model,
// endpoint, region, jurisdiction, decision, status, PII and rule ids follow skewed, realistic
// distributions — then ANALYZEd, and each kind of search is timed through the postgres
// driver's AuditStore.search (as the runtime role, as the server runs it): p50 and max over
// a few runs, first pages and deep keyset pages, common and rare values, combinations.
//
//   npm run bench:search [-- --events 2000000] [--runs 7] [--explain] [--keep]
//
// Needs DATABASE_URL (the runtime role) and/or CUSTOS_MIGRATE_URL (the owner, which must be
// allowed to CREATE DATABASE); refuses to run without one.
import { parseArgs } from "node:util";
import { sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { MIGRATIONS_DIR } from "../src/runtime/node-files.ts";
import { searchCountStatement, searchStatement } from "../src/storage/audit-store.ts";
import type { AuditSearch } from "../src/storage/audit-types.ts";
import { migratePostgres } from "../src/storage/migrate.ts";
import { postgresStorage } from "../src/storage/postgres.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "2000000" },
    runs: { type: "string", default: "7" },
    explain: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
if (!Number.isSafeInteger(EVENTS) || EVENTS < 10_000) throw new Error("--events must be an integer of at least 10000");
if (!Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error("--runs must be a positive integer");

const RUNTIME_URL = process.env.DATABASE_URL || undefined;
const OWNER_URL = process.env.CUSTOS_MIGRATE_URL || RUNTIME_URL;
if (!OWNER_URL) {
  process.stderr.write("bench:search needs a real Postgres: set DATABASE_URL (runtime role) and CUSTOS_MIGRATE_URL (owner, allowed to create databases)\n");
  process.exit(2);
}
const DB = "custos_bench_search";
const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
};
const t0 = performance.now();
const log = (m: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}\n`);

const DAY = 86_400_000;
const SPAN = 30 * DAY;
const NOW = Date.now();
const START = NOW - SPAN;

// Value tables: index k (1-based) in SQL picks the k-th; the skew comes from power(random(), p).
const MODELS = ["gpt-4o-mini", "claude-3-5-sonnet", "gpt-4o", "mistral-large", "gemini-1.5-pro", "llama-3-70b", "o3-mini", "text-embedding-3-small"];
const ENDPOINTS: [id: string, provider: string, region: string, jurisdiction: string][] = [
  ["openai-eu", "openai", "eu-west-1", "EU"],
  ["azure-westeurope", "azure-openai", "westeurope", "EU"],
  ["anthropic-eu", "anthropic", "eu-central-1", "EU"],
  ["openai-us", "openai", "us-east-1", "US"],
  ["anthropic-us", "anthropic", "us-east-1", "US"],
  ["mistral-fr", "mistral", "fr-par", "EU"],
  ["gemini-eu", "gemini", "europe-west4", "EU"],
  ["azure-sweden", "azure-openai", "swedencentral", "EU"],
  ["selfhosted-ch", "openai-compatible", "ch-zrh", "CH"],
  ["bedrock-us", "anthropic", "us-west-2", "US"],
];
const arr = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`;
const POLICY_VERSIONS = 6; // one every five days
const policyVersion = (k: number) => `sha256:${k.toString(16).padStart(2, "0")}${"c0ffee".repeat(3).slice(0, 14)}`;

/** Rows [lo, hi] of the seed: every column and an entry that says the same. */
function seedSql(lo: number, hi: number): string {
  return `
INSERT INTO audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash, team, subject, model, provider, region, decision, status, pii, endpoint, jurisdiction, policy_version, rule_ids)
SELECT at, id, type, w, i, e, sha256('\\x00'::bytea || e), team, subject, model, provider, region, decision, status, pii, endpoint, jur, pv, rules
FROM (
  -- The entry as text (string building is ~20x cheaper than jsonb_build_object here; every value is a plain identifier).
  SELECT d.*, convert_to(concat(
      '{', CASE WHEN llm THEN concat('"actor":{"auth":{"method":"jwt"},"iss":"https://login.example.com/realms/acme","kind":"user","source":"10.1.2.0/24","subject":"', subject, '","team":"', team, '"},') END,
      '"event_id":"', id, '","log":"bench.custos/search",',
      CASE WHEN llm AND (decision IS NOT NULL OR pii IS NOT NULL OR rules IS NOT NULL) THEN concat('"policy":{', CASE WHEN decision IS NOT NULL THEN concat('"decision":"', decision, '",') END,
        CASE WHEN pii IS NOT NULL THEN concat('"pii":{"counts":{"', array_to_string(pii, '":1,"'), '":1}}', CASE WHEN rules IS NOT NULL THEN ',' END) END,
        CASE WHEN rules IS NOT NULL THEN concat('"rules":["', array_to_string(rules, '","'), '"],"version":"', pv, '"') END, '},') END,
      CASE WHEN llm THEN concat('"request":{"api":"/v1/chat/completions","input":{"bytes":1834,"items":3},"model":"', model, '","op":"chat","stream":false},',
        '"route":{"endpoint":"', endpoint, '","jurisdiction":"', jur, '","provider":"', provider, '","region":"', region, '"},') END,
      CASE WHEN status IS NOT NULL THEN concat('"status":', status, ',') END,
      '"ts":"', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '","type":"', type, '","v":1,',
      '"writer":{"id":"', w, '","prev":"Yk3cZ9yqM3dXq0l0W1t7b2ZPQ1h2c1p6V0FkT0xfR0E","seq":', i, '}}'), 'UTF8') AS e
  FROM (
    SELECT c.*,
      type IN ('llm.request', 'llm.response', 'llm.denied') AS llm,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN 'team-' || lpad(tk::text, 2, '0') END AS team,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN 'ps_' || lpad(sk::text, 6, '0') END AS subject,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN (${arr(MODELS)})[mk] END AS model,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN (${arr(ENDPOINTS.map((e) => e[0]))})[ek] END AS endpoint,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN (${arr(ENDPOINTS.map((e) => e[1]))})[ek] END AS provider,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN (${arr(ENDPOINTS.map((e) => e[2]))})[ek] END AS region,
      CASE WHEN type IN ('llm.request', 'llm.response', 'llm.denied') THEN (${arr(ENDPOINTS.map((e) => e[3]))})[ek] END AS jur,
      CASE type WHEN 'llm.request' THEN 'allow' WHEN 'llm.denied' THEN 'deny' END AS decision,
      CASE type WHEN 'llm.response' THEN (CASE WHEN rst < 0.95 THEN 200 WHEN rst < 0.97 THEN 429 WHEN rst < 0.98 THEN 500 WHEN rst < 0.99 THEN 502 WHEN rst < 0.995 THEN 503 ELSE 504 END)
                WHEN 'llm.denied' THEN (CASE WHEN rst < 0.7 THEN 403 WHEN rst < 0.9 THEN 451 ELSE 400 END) END AS status,
      CASE WHEN type IN ('llm.request', 'llm.denied') THEN (CASE WHEN rp < 0.05 THEN ARRAY['EMAIL'] WHEN rp < 0.07 THEN ARRAY['EMAIL', 'PHONE'] WHEN rp < 0.08 THEN ARRAY['IBAN'] WHEN rp < 0.0805 THEN ARRAY['NATIONAL_ID'] END)
           WHEN type = 'llm.response' THEN (CASE WHEN rp < 0.02 THEN ARRAY['EMAIL'] END) END AS pii,
      CASE WHEN type IN ('llm.request', 'llm.denied') THEN 'sha256:' || lpad(to_hex(least(${POLICY_VERSIONS - 1}, ((ms - ${START}) * ${POLICY_VERSIONS} / ${SPAN}))::int), 2, '0') || '${"c0ffee".repeat(3).slice(0, 14)}' END AS pv,
      -- Sorted by construction: base.* < shadow.* < team-*.
      CASE WHEN type IN ('llm.request', 'llm.denied') THEN array_remove(ARRAY['base.audit', CASE WHEN rr < 0.0005 THEN 'base.export-control' END, 'base.models', 'base.pii',
           CASE WHEN rsh < 0.05 THEN 'shadow.output-cap' END, 'team-' || lpad(tk::text, 2, '0') || '.limits', 'team-' || lpad(tk::text, 2, '0') || '.models'], NULL) END AS rules
    FROM (
      SELECT i, ms, 'epoch'::timestamptz + ms * interval '1 millisecond' AS at,
        (lpad(to_hex(ms), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid AS id,
        'bench-' || (i % 4) AS w,
        CASE WHEN rt < 0.45 THEN 'llm.request' WHEN rt < 0.90 THEN 'llm.response' WHEN rt < 0.93 THEN 'llm.denied' WHEN rt < 0.97 THEN 'audit.access' WHEN rt < 0.99 THEN 'auth.failures' ELSE 'config.change' END AS type,
        1 + floor(20 * power(rteam, 2))::int AS tk, floor(50000 * power(rs, 3))::int AS sk, 1 + floor(8 * power(rm, 2))::int AS mk, 1 + floor(10 * power(re, 1.5))::int AS ek,
        rst, rp, rsh, rr
      FROM (
        SELECT i, (${START}::bigint + (i::numeric * ${SPAN} / ${EVENTS})::bigint) AS ms, md5(i::text || random()::text) AS h,
          random() AS rt, random() AS rteam, random() AS rs, random() AS rm, random() AS re, random() AS rst, random() AS rp, random() AS rsh, random() AS rr
        FROM generate_series(${lo}, ${hi}) i
      ) g
    ) c
  ) d
) x`;
}

async function seed(ownerUrl: string): Promise<void> {
  const owner = postgres(ownerUrl, { max: 2, onnotice: () => {} });
  try {
    await owner`select audit.ensure_partitions(${new Date(START - DAY)}::timestamptz, 3)`;
    // Seeding only: the integrator's queue would get a row per event (nothing integrates here).
    await owner`alter table audit.event disable trigger queue_event`;
    // Bulk load, then index: the secondary indexes (exactly as the migrations made them) are
    // dropped and built again after the load, which is several times faster than maintaining
    // them row by row. The primary key stays.
    const indexes = await owner`select c.relname as name, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') as def from pg_index i join pg_class c on c.oid = i.indexrelid
                                where i.indrelid = 'audit.event'::regclass and not i.indisprimary order by c.relname`;
    for (const ix of indexes) await owner.unsafe(`drop index audit.${ix.name as string}`);
    // A throw-away database: its partitions skip the WAL (UNLOGGED), which halves the load's
    // time on this disk. Reads, plans and indexes are the same as a logged table's.
    const parts = await owner`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'audit.event'::regclass`;
    for (const p of parts) await owner.unsafe(`alter table ${p.name as string} set unlogged`);
    const chunk = 100_000;
    const chunks: [number, number][] = [];
    for (let lo = 0; lo < EVENTS; lo += chunk) chunks.push([lo, Math.min(EVENTS, lo + chunk) - 1]);
    let done = 0;
    // Two at a time: this machine's two cores.
    const worker = async () => {
      for (let c = chunks.shift(); c; c = chunks.shift()) {
        await owner.unsafe(seedSql(c[0], c[1]));
        done += c[1] - c[0] + 1;
        if (done % 500_000 < chunk) log(`seeded ${done.toLocaleString("en")} / ${EVENTS.toLocaleString("en")}`);
      }
    };
    await Promise.all([worker(), worker()]);
    await owner`alter table audit.event enable trigger queue_event`;
    log(`building ${indexes.length} indexes`);
    const defs = indexes.map((ix) => ix.def as string);
    const build = async () => {
      await owner.reserve().then(async (c) => {
        try {
          await c`set maintenance_work_mem = '256MB'`;
          for (let d = defs.shift(); d; d = defs.shift()) await c.unsafe(d);
        } finally {
          c.release();
        }
      });
    };
    await Promise.all([build(), build()]);
    log("ANALYZE");
    await owner`analyze audit.event`;
    const [size] = await owner`select pg_size_pretty(sum(pg_total_relation_size(inhrelid))) as total, pg_size_pretty(sum(pg_relation_size(inhrelid))) as heap from pg_inherits where inhparent = 'audit.event'::regclass`;
    log(`audit.event: ${size!.heap as string} of rows, ${size!.total as string} with indexes`);
  } finally {
    await owner.end({ timeout: 5 });
  }
}

interface Case {
  name: string;
  q: Omit<AuditSearch, "limit"> & { limit?: number };
  /** Time searchCount (cap 10,000) instead of a page. */
  count?: boolean;
}

async function main(): Promise<void> {
  const admin = postgres(OWNER_URL!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${DB} with (force)`);
    await admin.unsafe(`create database ${DB}`);
  } finally {
    await admin.end();
  }
  const ownerUrl = withDb(OWNER_URL!, DB);
  const runtimeUrl = withDb(RUNTIME_URL ?? OWNER_URL!, DB);
  try {
    log(`database ${DB}: migrating`);
    await migratePostgres(ownerUrl, MIGRATIONS_DIR);
    log(`seeding ${EVENTS.toLocaleString("en")} events over 30 days`);
    const s0 = performance.now();
    await seed(ownerUrl);
    const seedSeconds = (performance.now() - s0) / 1000;

    // Keysets: the event in the middle of the range (a deep page, ~15 days back) and one near the end.
    const probe = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    const mid = new Date(START + SPAN / 2);
    const [m] = await probe`select event_id::text as id from audit.event where received_at >= ${mid} order by received_at, event_id limit 1`;
    const [old] = await probe`select event_id::text as id from audit.event where received_at >= ${new Date(START + DAY)} order by received_at, event_id limit 1`;
    const [subj] = await probe`select subject from audit.event where subject = 'ps_049000' limit 1`;
    await probe.end();
    const deep = m!.id as string;
    const deeper = old!.id as string;
    const rareSubject = (subj?.subject as string | undefined) ?? "ps_049000";
    const day = { from: new Date(NOW - 3 * DAY), to: new Date(NOW - 2 * DAY) };

    const cases: Case[] = [
      { name: "no filter (newest page)", q: {} },
      { name: "type=llm.request", q: { type: "llm.request" } },
      { name: "team=team-01 (common, ~25%)", q: { team: "team-01" } },
      { name: "team=team-20 (~1%)", q: { team: "team-20" } },
      { name: "subject (rare, a few events)", q: { subject: rareSubject } },
      { name: "model=o3-mini (~1.5%)", q: { model: "o3-mini" } },
      { name: "provider=mistral", q: { provider: "mistral" } },
      { name: "endpoint=bedrock-us (~3%)", q: { endpoint: "bedrock-us" } },
      { name: "region=ch-zrh", q: { region: "ch-zrh" } },
      { name: "jurisdiction=CH", q: { jurisdiction: "CH" } },
      { name: "decision=deny (~3%)", q: { decision: "deny" } },
      { name: "status=503 (~0.2%)", q: { status: 503 } },
      { name: "pii=EMAIL (~3%)", q: { pii: "EMAIL" } },
      { name: "pii=NATIONAL_ID (rare, ~0.02%)", q: { pii: "NATIONAL_ID" } },
      { name: "rule=base.models (in every decision)", q: { rule: "base.models" } },
      { name: "rule=team-07.limits (~2%)", q: { rule: "team-07.limits" } },
      { name: "rule=shadow.output-cap (~2.4%)", q: { rule: "shadow.output-cap" } },
      { name: "rule=base.export-control (rare)", q: { rule: "base.export-control" } },
      { name: "policy_version (oldest of 6)", q: { policyVersion: policyVersion(0) } },
      { name: "model=no-such-model (no match)", q: { model: "no-such-model" } },
      { name: "team+model+decision", q: { team: "team-03", model: "gpt-4o", decision: "allow" } },
      { name: "team+status=500", q: { team: "team-02", status: 500 } },
      { name: "jurisdiction=US+type=llm.denied", q: { jurisdiction: "US", type: "llm.denied" } },
      { name: "rule+pii (rare combination)", q: { rule: "shadow.output-cap", pii: "IBAN" } },
      { name: "one day + team", q: { ...day, team: "team-05" } },
      { name: "one day, no other filter", q: day },
      { name: "deep page (15 days back), no filter", q: { before: deep } },
      { name: "deep page, team=team-01", q: { team: "team-01", before: deep } },
      { name: "deep page, status=503", q: { status: 503, before: deep } },
      { name: "deep page (29 days back), rule=base.export-control", q: { rule: "base.export-control", before: deeper } },
      { name: "count, team=team-20 (capped at 10,000)", q: { team: "team-20" }, count: true },
      { name: "count, rule=base.export-control", q: { rule: "base.export-control" }, count: true },
      { name: "count, status=503", q: { status: 503 }, count: true },
    ];

    const storage = postgresStorage(runtimeUrl, { max: 2 });
    const results: { name: string; rows: number; p50: number; max: number }[] = [];
    try {
      for (const c of cases) {
        const times: number[] = [];
        let rows = 0;
        for (let r = 0; r < RUNS; r++) {
          const a = performance.now();
          if (c.count) rows = await storage.audit.searchCount(c.q, 10_000);
          else rows = (await storage.audit.search({ limit: 100, ...c.q })).length;
          times.push(performance.now() - a);
        }
        times.sort((x, y) => x - y);
        results.push({ name: c.name, rows, p50: times[Math.floor(times.length / 2)]!, max: times.at(-1)! });
        log(`${c.name}: ${rows} rows, p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms`);
      }
    } finally {
      await storage.close();
    }
    const plans = await explain(ownerUrl, cases, values.explain);

    const out = [
      `audit search: ${EVENTS.toLocaleString("en")} events over 30 days (seeded in ${seedSeconds.toFixed(0)} s), limit 100, ${RUNS} runs each, AuditStore.search on postgres.js`,
      "",
      "p50/max: AuditStore.search end to end (client, network, planning, execution); db: EXPLAIN ANALYZE's planning + execution time of the same statement, once.",
      "",
      "| search | rows | p50 ms | max ms | db plan + exec ms | what it reads |",
      "|---|---:|---:|---:|---:|---|",
      ...results.map((r) => {
        const p = plans.get(r.name);
        return `| ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.max.toFixed(1)} | ${p ? `${p.planMs.toFixed(1)} + ${p.execMs.toFixed(1)}` : ""} | ${p?.reads ?? ""} |`;
      }),
    ];
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    if (!values.keep) {
      const a = postgres(OWNER_URL!, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${DB} with (force)`);
        log(`dropped ${DB}`);
      } finally {
        await a.end();
      }
    }
  }
}

/** EXPLAIN (ANALYZE) of each case's statement as search() runs it (planned with its values): the database's own times and the indexes it read. */
async function explain(ownerUrl: string, cases: Case[], print: boolean): Promise<Map<string, { planMs: number; execMs: number; reads: string }>> {
  const client = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const db = drizzle(client);
  const out = new Map<string, { planMs: number; execMs: number; reads: string }>();
  try {
    for (const c of cases) {
      let at: string | undefined;
      if (c.q.before) {
        const [r] = await client`select received_at from audit.event where event_id = ${c.q.before}::uuid`;
        at = new Date(r!.received_at as string | Date).toISOString();
      }
      const stmt: SQL = c.count ? searchCountStatement(c.q, 10_000) : searchStatement({ limit: 100, ...c.q }, at);
      const [row] = (await db.execute(sql`EXPLAIN (ANALYZE, FORMAT JSON) ${stmt}`)) as unknown as { "QUERY PLAN": [{ Plan: PlanNode; "Planning Time": number; "Execution Time": number }] }[];
      const plan = row!["QUERY PLAN"][0];
      const reads = new Set<string>();
      const walk = (n: PlanNode) => {
        // Partition indexes are named event_YYYY_MM_<columns>_idx: one name for all months.
        if (n["Index Name"] && (n["Actual Loops"] ?? 0) > 0) reads.add(`${n["Node Type"].replace("Index Scan", "index").replace("Bitmap index", "bitmap")} ${n["Index Name"].replace(/^event_\d{4}_\d{2}_/, "")}${n["Scan Direction"] === "Backward" ? " ↓" : ""}`);
        if (n["Node Type"] === "Seq Scan" && (n["Actual Rows"] ?? 0) > 0) reads.add("seq scan");
        if (n["Node Type"] === "Sort") reads.add("sort");
        for (const k of n.Plans ?? []) walk(k);
      };
      walk(plan.Plan);
      out.set(c.name, { planMs: plan["Planning Time"], execMs: plan["Execution Time"], reads: [...reads].join(", ") });
      if (print) {
        const lines = (await db.execute(sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${stmt}`)) as unknown as { "QUERY PLAN": string }[];
        process.stdout.write(`\n-- ${c.name}\n${lines.map((l) => l["QUERY PLAN"]).join("\n")}\n`);
      }
    }
  } finally {
    await client.end();
  }
  return out;
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Scan Direction"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

await main();
