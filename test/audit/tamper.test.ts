// Tampering with a real audit log, and `custos audit verify` catching it. One log is built
// per file by the real server (echo calls spread over time, so several checkpoints are signed
// and anchored), then each case clones that database (CREATE DATABASE … TEMPLATE), tampers
// with the clone as a superuser (who can switch triggers off: exactly what verify must
// catch), and runs the verifier as a real process against the clone, a copy of the anchor
// file and a trust file pinning the real key. The `grants` suite shows what the runtime role
// itself cannot do.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anchorLine, parseAnchorLines } from "../../src/audit/anchor.ts";
import { encodeEntry, rfc3339Millis } from "../../src/audit/canonical-json.ts";
import { generateSigningKey, importSigningKey, signCheckpoint, type SigningJwk, type SigningKey } from "../../src/audit/checkpoint.ts";
import { integrator } from "../../src/audit/integrator.ts";
import { CompactRange, leafHash } from "../../src/audit/merkle.ts";
import { checkpointSigner } from "../../src/audit/signer.ts";
import { memorySpool } from "../../src/audit/spool.ts";
import type { VerifyResult } from "../../src/audit/verify-bundle.ts";
import { auditWriter } from "../../src/audit/writer.ts";
import { trustFileText } from "../../src/cli/audit/trust.ts";
import { uuidv7 } from "../../src/ids.ts";
import { fileAnchor, anchorPath } from "../../src/runtime/node-anchor.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { startCustos, testProviders } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, MIGRATE_URL, SUPERUSER_URL, type FreshDb } from "../helpers/pg.ts";

const ORIGIN = "custos.test/tamper";
const KEK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const PEPPER = "tamper-test-pepper-0123456789abcdef";
const quiet = jsonLogger("silent", () => {});
const enabled = Boolean(DATABASE_URL && SUPERUSER_URL);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
};
const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {} });

/** `custos audit verify --trust F --json` on a database (as the runtime role). */
async function verify(dbUrl: string, trustFile: string, json = true): Promise<CliResult & { report?: VerifyResult }> {
  const r = await runCli(["audit", "verify", "--trust", trustFile, ...(json ? ["--json"] : [])], { cwd: path.dirname(trustFile), env: { DATABASE_URL: dbUrl }, timeoutMs: 45_000 });
  let report: VerifyResult | undefined;
  try {
    report = JSON.parse(r.stdout) as VerifyResult;
  } catch {
    report = undefined;
  }
  return { ...r, ...(report && { report }) };
}

/** A trust file pinning `key` for ORIGIN with the anchor under `anchorDir`. */
async function writeTrust(dir: string, key: SigningKey, anchorDir: string): Promise<string> {
  const file = path.join(dir, "trust.json");
  await writeFile(file, trustFileText(ORIGIN, [key.publicJwk], anchorDir));
  return file;
}

interface Leaf {
  logIndex: number;
  eventId: string;
  type: string;
}

describe.runIf(enabled)("audit tampering is caught by custos audit verify (real server log on Postgres)", () => {
  let pristine: FreshDb;
  let admin: postgres.Sql; // superuser on the maintenance database: creates and drops clones
  let work: string;
  let jwk: SigningJwk;
  let key: SigningKey;
  let anchorDir: string;
  let anchorFile: string;
  let leaves: Leaf[];
  let checkpointSizes: number[];
  const clones = new Set<string>();
  const extraDbs: FreshDb[] = [];

  beforeAll(async () => {
    pristine = await freshDatabase("custos_tamper");
    admin = connect(SUPERUSER_URL!);
    work = await mkdtemp(path.join(tmpdir(), "custos-tamper-"));
    anchorDir = path.join(work, "anchor");
    anchorFile = anchorPath(anchorDir, ORIGIN);
    jwk = await generateSigningKey();
    const k = await importSigningKey(jwk);
    if (!k.ok) throw k.error;
    key = k.value;

    const env = {
      DATABASE_URL: pristine.url,
      CUSTOS_API_KEY_PEPPER: PEPPER,
      CUSTOS_KEK: KEK,
      CUSTOS_SIGNING_KEY: JSON.stringify(jwk),
      CUSTOS_ANCHOR_DIR: anchorDir,
      CUSTOS_AUDIT_ORIGIN: ORIGIN,
      CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "200",
      CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "50",
    };
    // Only custos-echo is called: no provider needs to listen behind the catalogue.
    const c = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env });
    try {
      const token = await c.token();
      for (let batch = 0; batch < 5; batch++) {
        const calls = Array.from({ length: 6 }, (_, i) =>
          fetch(`${c.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: `call ${batch}.${i}` }] }),
          }).then(async (res) => {
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`echo call answered ${res.status}`);
          }),
        );
        await Promise.all(calls);
        await sleep(350); // > the checkpoint interval: a checkpoint between batches
      }
    } finally {
      await c.close(); // writer.close, integrate, and a last checkpoint
    }

    // What the log holds (read once, then the connection is closed: a template must have none).
    const sql = connect(pristine.superUrl!);
    try {
      const rows = await sql`select l.log_index::int as i, l.event_id::text as id, e.event_type as type from audit.leaf l join audit.event e using (event_id, received_at) order by l.log_index`;
      leaves = rows.map((r) => ({ logIndex: r.i as number, eventId: r.id as string, type: r.type as string }));
      checkpointSizes = (await sql`select tree_size::int as n from audit.checkpoint order by tree_size`).map((r) => r.n as number);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }, 120_000);

  afterAll(async () => {
    for (const name of clones) await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end({ timeout: 5 });
    for (const db of extraDbs) await db.drop();
    await pristine?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /**
   * A clone of the pristine log with its own copy of the anchor file and a trust file for
   * it; `tamper` runs with a superuser connection on the clone (and may rewrite the copied
   * anchor). Returns the verifier's answer; the clone is dropped afterwards.
   */
  async function tampered(tag: string, tamper: (sql: postgres.Sql, anchor: string) => Promise<void>, json = true) {
    const name = `ct_${tag}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    // CREATE DATABASE … TEMPLATE fails while any session is still on the template; a
    // backend that has just closed can take a moment to go.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${pristine.name}`);
        break;
      } catch (e) {
        if (attempt >= 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await sleep(100);
      }
    }
    clones.add(name);
    try {
      const dir = await mkdtemp(path.join(work, `${tag}-`));
      const caseAnchorDir = path.join(dir, "anchor");
      await mkdir(caseAnchorDir);
      const caseAnchor = anchorPath(caseAnchorDir, ORIGIN);
      await copyFile(anchorFile, caseAnchor);
      const trust = await writeTrust(dir, key, caseAnchorDir);
      const sql = connect(withDb(SUPERUSER_URL!, name));
      try {
        await tamper(sql, caseAnchor);
      } finally {
        await sql.end({ timeout: 5 });
      }
      return await verify(withDb(DATABASE_URL!, name), trust, json);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      clones.delete(name);
    }
  }

  /** Runs statements as a superuser with every trigger off (session_replication_role = replica). */
  const bypassingTriggers = (sql: postgres.Sql, fn: (tx: postgres.TransactionSql) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await fn(tx);
    });

  const leafOfType = (type: string, from: number) => leaves.find((l) => l.logIndex >= from && l.type === type)!;

  it("the pristine log, checkpointed several times by the server, verifies intact (exit 0)", async () => {
    expect(leaves.length).toBeGreaterThanOrEqual(60); // writer.open, ~30 × (request, response), writer.close
    expect(leaves.map((l) => l.logIndex)).toEqual(leaves.map((_, i) => i));
    expect(checkpointSizes.length).toBeGreaterThanOrEqual(3);
    expect(checkpointSizes.at(-1)).toBe(leaves.length);
    const anchored = parseAnchorLines(await readFile(anchorFile, "utf8"));
    expect(anchored.problems).toEqual([]);
    expect(anchored.checkpoints.map((c) => c.size)).toEqual(checkpointSizes);

    // The trust file as an operator makes it: `custos audit trust --out` with the server's environment.
    const dir = await mkdtemp(path.join(work, "trust-"));
    const env = { DATABASE_URL: pristine.url, CUSTOS_API_KEY_PEPPER: PEPPER, CUSTOS_KEK: KEK, CUSTOS_SIGNING_KEY: JSON.stringify(jwk), CUSTOS_ANCHOR_DIR: anchorDir, CUSTOS_AUDIT_ORIGIN: ORIGIN };
    const t = await runCli(["audit", "trust", "--out", "trust.json"], { cwd: dir, env });
    expect(t.code, t.stderr).toBe(0);
    const trustFile = path.join(dir, "trust.json");
    expect(await readFile(trustFile, "utf8")).toBe(trustFileText(ORIGIN, [key.publicJwk], anchorDir));

    const r = await verify(pristine.url, trustFile);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report).toMatchObject({ status: "intact", exitCode: 0 });
    expect(r.report!.first).toBeUndefined();
    expect(r.report!.counts).toMatchObject({ leaves: leaves.length, entries: leaves.length, checkpoints: checkpointSizes.length, anchors: checkpointSizes.length });
    expect(r.report!.checks.find((c) => c.name === "anchors")?.outcome).toBe("pass");
  });

  it("(1) an entry rewritten by a superuser with triggers off: its log index and event id, the bytes no longer hash to the leaf", async () => {
    const target = leafOfType("llm.response", Math.floor(leaves.length / 2));
    const r = await tampered("edit", async (sql) => {
      await bypassingTriggers(sql, async (tx) => {
        const [row] = await tx`select convert_from(entry, 'UTF8') as text from audit.event where event_id = ${target.eventId}::uuid`;
        const text = row!.text as string;
        expect(text).toContain('"model":"custos-echo"');
        // Still canonical JSON, same length: only the model differs.
        const forged = text.replace('"model":"custos-echo"', '"model":"custos-ech0"');
        const updated = await tx`update audit.event set entry = convert_to(${forged}, 'UTF8') where event_id = ${target.eventId}::uuid`;
        expect(updated.count).toBe(1);
      });
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report?.status).toBe("tampered");
    expect(r.report!.first).toMatchObject({ check: "entry hashes", logIndex: target.logIndex, eventId: target.eventId });
    expect(r.report!.first!.why).toMatch(/do not hash to the integrated leaf \(altered\)/);
  });

  it("(2) an event row deleted: the leaf at its log index has no entry", async () => {
    const target = leafOfType("llm.request", Math.floor(leaves.length / 3));
    const r = await tampered("delete", async (sql) => {
      await bypassingTriggers(sql, async (tx) => {
        expect((await tx`delete from audit.event where event_id = ${target.eventId}::uuid`).count).toBe(1);
      });
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report!.first).toMatchObject({ check: "completeness", logIndex: target.logIndex });
    expect(r.report!.first!.why).toBe(`leaf ${target.logIndex} has no entry (deleted)`);
  });

  it("(3) two events' entries swapped: the first of the two log indices, neither entry hashes to its leaf", async () => {
    const a = leafOfType("llm.request", 5);
    const b = leafOfType("llm.response", a.logIndex + 10);
    const r = await tampered("swap", async (sql) => {
      await bypassingTriggers(sql, async (tx) => {
        const swapped = await tx`
          update audit.event e set entry = o.entry
          from audit.event o
          where e.event_id in (${a.eventId}::uuid, ${b.eventId}::uuid) and o.event_id in (${a.eventId}::uuid, ${b.eventId}::uuid) and o.event_id <> e.event_id`;
        expect(swapped.count).toBe(2);
      });
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report!.first).toMatchObject({ check: "entry hashes", logIndex: a.logIndex });
    // The event id is the one the misplaced entry claims (b's): the log index is what locates it.
    expect([a.eventId, b.eventId]).toContain(r.report!.first!.eventId);
    expect(r.report!.first!.why).toMatch(/altered/);
    expect(r.report!.checks.find((c) => c.name === "entry hashes")!.detail).toMatch(/\(and 1 more\)$/);
  });

  it("(4) the tail truncated with its checkpoints and the tree state rolled back: caught by the bigger checkpoint in the anchor", async () => {
    const keep = checkpointSizes[Math.floor(checkpointSizes.length / 2) - 1]!; // an earlier checkpoint, with later ones above it
    const nextAnchored = checkpointSizes.find((n) => n > keep)!;
    expect(keep).toBeLessThan(leaves.length);
    const r = await tampered("truncate", async (sql) => {
      await bypassingTriggers(sql, async (tx) => {
        const [cp] = await tx`select root from audit.checkpoint where tree_size = ${keep}`;
        const kept = await tx`select leaf_hash from audit.leaf where log_index < ${keep} order by log_index`;
        const range = new CompactRange(nodeSha256);
        for (const l of kept) range.append(new Uint8Array(l.leaf_hash as Buffer));
        expect(Buffer.from(range.root())).toEqual(Buffer.from(cp!.root as Buffer));
        const edge = Buffer.concat(range.hashes.map((h) => Buffer.from(h)));

        const gone = `select event_id from audit.leaf where log_index >= ${keep}`;
        await tx.unsafe(`delete from audit.content where event_id in (${gone})`);
        await tx.unsafe(`delete from audit.event where event_id in (${gone})`);
        await tx`delete from audit.leaf where log_index >= ${keep}`;
        await tx`delete from audit.node where (idx + 1) * (1::bigint << level) > ${keep}`;
        await tx`delete from audit.checkpoint where tree_size > ${keep}`;
        await tx`delete from audit.anchor where tree_size > ${keep}`;
        await tx`update audit.tree_state set size = ${keep}, root = ${cp!.root as Buffer}, edge = ${edge} where id = 1`;
      });
      // The database alone now describes a consistent, smaller log.
      const [st] = await sql`select size::int as n, (select count(*)::int from audit.event) as events, (select max(tree_size)::int from audit.checkpoint) as cp from audit.tree_state`;
      expect(st).toEqual({ n: keep, events: keep, cp: keep });
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report!.first).toMatchObject({ check: "anchors", checkpointSize: nextAnchored, leafRange: [keep, nextAnchored] });
    expect(r.report!.first!.why).toBe(`the anchor holds a checkpoint of size ${nextAnchored} but the log ends at ${keep} (truncated)`);
    // Everything the database says about itself checks out: only the anchor tells.
    for (const c of r.report!.checks) if (c.name !== "anchors") expect(c.outcome, `${c.name}: ${c.detail}`).toBe("pass");
  });

  it("(5) every checkpoint re-signed with another key (database and anchor file): the trust file pins the real key", async () => {
    const attackerJwk = await generateSigningKey();
    const k = await importSigningKey(attackerJwk);
    if (!k.ok) throw k.error;
    const attacker = k.value;
    const r = await tampered("resign", async (sql, anchor) => {
      const resigned = new Map<number, { note: string; jws: string }>();
      await bypassingTriggers(sql, async (tx) => {
        for (const cp of await tx`select tree_size::int as n, root, created_at from audit.checkpoint order by tree_size`) {
          const s = await signCheckpoint({ origin: ORIGIN, size: cp.n as number, root: new Uint8Array(cp.root as Buffer), privateKey: attacker.privateKey, publicJwk: attacker.publicJwk, now: (cp.created_at as Date).getTime() });
          resigned.set(cp.n as number, s);
          await tx`update audit.checkpoint set note = ${s.note}, jws = ${s.jws} where tree_size = ${cp.n as number}`;
        }
      });
      const lines = parseAnchorLines(await readFile(anchor, "utf8")).checkpoints.map((c) => anchorLine({ ...c, ...resigned.get(c.size)! }));
      await writeFile(anchor, lines.join(""));
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report!.first).toMatchObject({ check: "checkpoint signatures", checkpointSize: checkpointSizes[0] });
    expect(r.report!.first!.why).toBe(`the checkpoint of size ${checkpointSizes[0]} is signed by key ${attacker.kid}, which the trust file does not pin`);
    expect(r.report!.checks.find((c) => c.name === "anchors")!.outcome).toBe("fail");
  });

  it("(6) a writer's event lost on its way to the database: the writer and the missing seq are named", async () => {
    const db = await freshDatabase("custos_tamper_gap");
    extraDbs.push(db);
    const storage = postgresStorage(db.url, { max: 2 });
    const dir = await mkdtemp(path.join(work, "gap-"));
    let writerId: string;
    try {
      // A store that silently drops seq 3's INSERT: the writer believes it was committed.
      const lossy = { ...storage.audit, insertEvents: (rows: Parameters<typeof storage.audit.insertEvents>[0]) => storage.audit.insertEvents(rows.filter((r) => r.writerSeq !== 3)) };
      // Written over minutes (a gap is proof only past the max merge delay of 60 s from the log's end).
      let t = Date.now() - 5 * 60_000;
      const w = auditWriter({ store: lossy, sha: nodeSha256, origin: ORIGIN, logger: quiet, spool: memorySpool(100), now: () => t, newId: () => uuidv7(t), defer: () => {}, open: { test: "tamper" }, batchMs: 0 });
      writerId = w.writerId;
      for (let n = 1; n <= 5; n++) {
        t += 1000;
        await w.emit({ type: "config.change", fields: { n } }).committed;
      }
      t += 3 * 60_000;
      w.emit({ type: "config.change", fields: { n: 6 } });
      await w.close();
      expect(await integrator(storage.audit, nodeSha256, quiet).run()).toMatchObject({ size: 7 }); // seqs 0–7 but 3
      await checkpointSigner({ store: storage.audit, sha: nodeSha256, key, origin: ORIGIN, anchors: [fileAnchor(path.join(dir, "anchor"), ORIGIN)], logger: quiet, now: Date.now }).checkpoint();
    } finally {
      await storage.close();
    }
    const r = await verify(db.url, await writeTrust(dir, key, path.join(dir, "anchor")));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    // Log indices: seqs 0, 1, 2 at 0–2, seq 4 at 3.
    expect(r.report!.first).toMatchObject({ check: "writer chains", logIndex: 3 });
    expect(r.report!.first!.why).toBe(`writer ${writerId}: seq 3 is missing (lost or deleted), before seq 4 at log index 3`);
  });

  it("(7) an event inserted by a superuser around the writer (never queued, never integrated): database-mode verify reports it", async () => {
    const at = Date.now() - 5 * 60_000; // older than the max merge delay: it can no longer be on its way
    const eventId = uuidv7(at);
    const r = await tampered(
      "insert",
      async (sql) => {
        const entry = encodeEntry({ v: 1, type: "llm.response", log: ORIGIN, event_id: eventId, ts: rfc3339Millis(at), status: 200, writer: { id: "forged", seq: 0, prev: "A".repeat(43) } });
        if (!entry.ok) throw entry.error;
        const bytes = Buffer.from(entry.value);
        await bypassingTriggers(sql, (tx) => tx`insert into audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash, status) values (${new Date(at)}, ${eventId}::uuid, 'llm.response', 'forged', 0, ${bytes}, ${Buffer.from(leafHash(nodeSha256, entry.value))}, 200)`);
        expect((await sql`select count(*)::int as n from audit.pending`)[0]!.n).toBe(0);
      },
      false, // verify prints this outcome as one plain line even with --json (src/cli/audit/verify.ts), so the text is checked
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^TAMPERED: event ${eventId} \\(llm\\.response, written ${rfc3339Millis(at).replace(/[.]/g, "\\.")}\\) is in the log table but was never integrated into the tree nor queued for it`));
  });
});

// Needs the owner (CUSTOS_MIGRATE_URL) apart from the runtime role, or the "runtime" role would own the log.
describe.runIf(enabled && MIGRATE_URL !== DATABASE_URL)("grants: what the runtime role cannot do to the audit log", () => {
  let db: FreshDb;
  let app: postgres.Sql; // the runtime role (custos_app, a member of custos_runtime)

  beforeAll(async () => {
    db = await freshDatabase("custos_grants");
    app = connect(db.url);
  });

  afterAll(async () => {
    await app?.end({ timeout: 5 });
    await db?.drop();
  });

  const denied = (stmt: string, message: RegExp) => expect(app.unsafe(stmt), stmt).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(message) });

  it("UPDATE, DELETE and TRUNCATE on the log tables are permission denied (no trigger is even reached)", async () => {
    const tables: [string, string][] = [
      ["event", "status = 1"],
      ["leaf", "log_index = log_index"],
      ["checkpoint", "note = note"],
      ["node", "hash = hash"],
      ["content", "jwe = jwe"],
    ];
    for (const [t, set] of tables) {
      await denied(`UPDATE audit.${t} SET ${set}`, new RegExp(`permission denied for table ${t}`));
      await denied(`DELETE FROM audit.${t}`, new RegExp(`permission denied for table ${t}`));
      await denied(`TRUNCATE audit.${t}`, new RegExp(`permission denied for table ${t}`));
    }
    // Nor around the parent: a partition itself is not granted at all.
    const [p] = await app`select 'event_' || to_char(now() at time zone 'UTC', 'YYYY_MM') as name`;
    await denied(`DELETE FROM audit.${p!.name as string}`, /permission denied for table event_/);
  });

  it("cannot switch the triggers off: ALTER TABLE … DISABLE TRIGGER (not the owner), session_replication_role (superuser only)", async () => {
    await denied("ALTER TABLE audit.event DISABLE TRIGGER no_update_delete", /must be owner of table event/);
    await denied("ALTER TABLE audit.event DISABLE TRIGGER ALL", /must be owner of table event/);
    await denied("SET session_replication_role = replica", /permission denied to set parameter "session_replication_role"/);
  });

  it("INSERT into audit.event works (and queues the event); audit.ensure_partitions may be called, but no table may be created in schema audit", async () => {
    const at = new Date();
    const eventId = uuidv7(at.getTime());
    const entry = encodeEntry({ v: 1, type: "config.change", log: ORIGIN, event_id: eventId, ts: rfc3339Millis(at), writer: { id: "grants", seq: 0, prev: "A".repeat(43) } });
    if (!entry.ok) throw entry.error;
    await app`insert into audit.event (received_at, event_id, event_type, writer_id, writer_seq, entry, leaf_hash) values (${at}, ${eventId}::uuid, 'config.change', 'grants', 0, ${Buffer.from(entry.value)}, ${Buffer.from(leafHash(nodeSha256, entry.value))})`;
    expect(await app`select event_id::text as id from audit.pending`).toEqual([{ id: eventId }]);

    const [made] = await app`select audit.ensure_partitions(now() + interval '2 years', 1) as n`;
    expect(made!.n).toBe(1);
    await denied("CREATE TABLE audit.sneaky (a int)", /permission denied for schema audit/);
    await denied("CREATE TABLE audit.event_2099_01 PARTITION OF audit.event FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')", /permission denied for schema audit/);
  });
});
