// The compliance command line: `custos audit hold|purge|subject|erase` and `custos incident`
// on a log written by a real server. Directly on the database (the embedded one in a data
// directory, and Postgres as the runtime role when DATABASE_URL is set), and through the
// /api of a running server that holds the embedded database. Usage errors exit 2 and touch
// nothing; refusals (a hold, a month that may not go) exit 1 naming why.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { decodeEntry } from "../../src/audit/summary.ts";
import { main } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";
import type { IncidentAnswer } from "../../src/cli/commands/incident.ts";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage } from "../../src/storage/types.ts";
import { runCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase } from "../helpers/pg.ts";

const ISSUER = "urn:custos:dev-issuer";
const run = promisify(execFile);

/** Runs the CLI in this process (the code bin/custos.mjs runs), capturing its output. */
async function cli(args: string[], cwd: string, env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, cwd, out: (l) => out.push(l), err: (l) => err.push(l), write: (t) => out.push(t) };
  const code = await main(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

type Entry = { actor: Record<string, unknown> } & Record<string, Record<string, unknown>>;
const entries = async (storage: Storage, type: string) => (await storage.audit.search({ type, limit: 100 })).map((e) => decodeEntry(e) as Entry);

interface Backend {
  env: Record<string, string>;
  open(): Storage | Promise<Storage>;
  cleanup(): Promise<void>;
}

const backends: [string, (dir: string) => Promise<Backend>][] = [["the embedded database (PGlite data directory)", async (dir) => ({ env: { CUSTOS_DATA_DIR: path.join(dir, "data") }, open: () => pgliteStorage(path.join(dir, "data"), MIGRATIONS_DIR), cleanup: async () => {} })]];
if (DATABASE_URL) {
  backends.push([
    "Postgres (DATABASE_URL, the runtime role)",
    async () => {
      const db = await freshDatabase("custos_cli_compliance");
      return { env: { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url") }, open: () => postgresStorage(db.url, { max: 1 }), cleanup: () => db.drop() };
    },
  ]);
}

async function chat(c: TestCustos, sub: string): Promise<string> {
  const res = await fetch(`${c.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${await c.token(sub)}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "hello" }] }),
  });
  expect(res.status, await res.text()).toBe(200);
  const id = res.headers.get("x-request-id")!;
  await eventually(async () => (await c.server.deps.storage.audit.eventsOfRequest(id)).length === 2, { timeoutMs: 10_000 });
  return id;
}

describe.each(backends)("custos audit hold|purge|subject|erase and custos incident directly on %s", (_name, backendOf) => {
  let dir: string;
  let backend: Backend;
  let env: Record<string, string>;
  const alice: string[] = [];
  let erin = "";
  const $ = (...args: string[]) => cli(args, dir, env);
  const inLog = async <T>(fn: (s: Storage) => Promise<T>): Promise<T> => {
    const s = await backend.open();
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "custos-cli-compliance-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    await writeFile(path.join(dir, "policies", "providers.yaml"), testProviders("http://127.0.0.1:9"));
    backend = await backendOf(dir);
    env = { ...backend.env, CUSTOS_KEK: randomBytes(32).toString("base64url"), CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()), CUSTOS_ANCHOR_DIR: path.join(dir, "anchor") };
    const custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env });
    try {
      alice.push(await chat(custos, "alice"), await chat(custos, "alice"));
      erin = await chat(custos, "erin");
    } finally {
      await custos.close(); // integrates and signs a last checkpoint
    }
  }, 120_000);
  afterAll(async () => {
    await backend?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [["audit", "hold"], /hold needs place, release or list/],
    [["audit", "hold", "place", "--team", "demo"], /--reason is required/],
    [["audit", "hold", "place", "--reason", "matter 7"], /a hold needs a scope/],
    [["audit", "hold", "place", "--reason", "matter 7", "--from", "last week"], /--from must be a date/],
    [["audit", "hold", "place", "--reason", "matter 7", "--subject", "alice"], /--subject takes a pseudonym/],
    [["audit", "hold", "release", "--reason", "done"], /--id HOLD is required/],
    [["audit", "hold", "list", "--reason", "x"], /--reason does not go with hold list/],
    [["audit", "purge", "--month", "2026-13"], /--month takes a month as YYYY-MM/],
    [["audit", "purge", "--shred", "--dry-run"], /--shred expires content keys only/],
    [["audit", "subject", "--sub", "alice"], /--justification TEXT is required/],
    [["audit", "subject", "--sub", "alice", "--justification", "because"], /at least 10 characters/],
    [["audit", "subject", "--justification", "DSAR ticket 4711"], /exactly one of --sub S/],
    [["audit", "erase", "--subject=AAAAAAAAAAAAAAAAAAAAAA"], /--justification TEXT is required/],
    [["audit", "erase", "--justification", "Art. 17 request 4711"], /--subject PSEUDONYM is required/],
    [["incident", "close", "x"], /unknown incident command: close/],
    [["incident", "open", "--title", "t", "--regime", "gdpr", "--event", "x", "--aware-at", "2026-11-01"], /unknown regime "gdpr": one of ai_act_art73/],
    [["incident", "open", "--title", "t", "--regime", "ai_act_art73", "--event", "x", "--aware-at", "2026-11-01"], /--case is required with ai_act_art73/],
    [["incident", "open", "--title", "t", "--regime", "gdpr_art33", "--event", "not-a-uuid", "--aware-at", "2026-11-01"], /--event "not-a-uuid" is not an event id/],
    [["incident", "open", "--title", "t", "--regime", "gdpr_art33", "--event", "01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60", "--aware-at", "yesterday"], /--aware-at must be a date/],
    [["incident", "open", "--title", "t", "--regime", "gdpr_art33", "--event", "01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60"], /--aware-at T is required/],
    [["incident", "report"], /incident report takes one incident id/],
    [["incident", "report", "inc_x", "--format", "pdf"], /--format json or html/],
  ])("%j exits 2 with the reason and the usage", async (args, message) => {
    const r = await $(...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("usage: custos");
  });

  it("the help lists the compliance commands (exit 0)", async () => {
    const top = await $("help");
    expect(top.code).toBe(0);
    for (const line of ["custos audit subject (--sub S [--iss ISSUER] | --email E) --justification TEXT", "custos audit erase --subject=PSEUDONYM --justification TEXT", "custos audit purge [--month YYYY-MM] [--dry-run] [--shred] [--by NAME]", "custos audit hold release --id HOLD --reason R", "custos incident open --event ID… --title T --regime R…", "custos incident report ID --evidence"])
      expect(top.stdout).toContain(line);
    for (const args of [["audit", "--help"], ["audit", "hold", "--help"], ["incident", "--help"]]) {
      const r = await $(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: custos /);
    }
  });

  it("hold place, list, release (once), list --all; each change is an audit event naming the operator", async () => {
    const placed = await $("audit", "hold", "place", "--reason", "Matter 2026-17 (litigation)", "--team", "demo", "--from", "2026-01-01", "--by", "alice-legal");
    expect(placed.code, placed.stderr).toBe(0);
    const id = /placed legal hold (hold_[A-Za-z0-9_-]+) \(team=demo from=2026-01-01T00:00:00.000Z\)/.exec(placed.stdout)?.[1];
    expect(id, placed.stdout).toBeDefined();
    const table = await $("audit", "hold", "list");
    expect(table.stdout.split("\n")[0]).toBe("id\tstate\tplaced_at\tplaced_by\tscope\treason");
    expect(table.stdout).toContain(`${id}\tactive\t`);
    const json = JSON.parse((await $("audit", "hold", "list", "--json")).stdout) as { id: string; placed_by: string; active: boolean }[];
    expect(json).toEqual([expect.objectContaining({ id, placed_by: "alice-legal", active: true })]);

    expect((await $("audit", "hold", "release", "--id", "hold_nope", "--reason", "settled")).code).toBe(2);
    const released = await $("audit", "hold", "release", "--id", id!, "--reason", "Matter settled", "--by", "bob-legal");
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain(`released legal hold ${id}`);
    const again = await $("audit", "hold", "release", "--id", id!, "--reason", "Matter settled");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("was released already");
    const none = await $("audit", "hold", "list");
    expect(none.stderr).toBe("no legal hold is in force");
    const all = JSON.parse((await $("audit", "hold", "list", "--all", "--json")).stdout) as { id: string; released?: { by: string; reason: string } }[];
    expect(all.find((h) => h.id === id)?.released).toMatchObject({ by: "bob-legal", reason: "Matter settled" });

    await inLog(async (s) => {
      const place = (await entries(s, "hold.place")).filter((e) => e.hold!.id === id);
      const release = (await entries(s, "hold.release")).filter((e) => e.hold!.id === id);
      expect(place).toHaveLength(1);
      expect(release).toHaveLength(1);
      expect(place[0]!.hold!.scope).toEqual({ team: "demo", from: "2026-01-01T00:00:00.000Z" });
      expect(place[0]!.actor).toMatchObject({ kind: "service", auth: { method: "cli" }, operator: "alice-legal", os_user: expect.any(String) });
      expect(release[0]!.actor.operator).toBe("bob-legal");
    });
  });

  it("incident open freezes real events with a checkpoint signed now; show lists the deadlines; report writes a valid JSON report; --evidence a tar of reports and proofs", async () => {
    const aware = new Date(Date.now() - 3_600_000).toISOString();
    const unknown = await $("incident", "open", "--title", "x", "--regime", "gdpr_art33", "--event", "01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60", "--aware-at", aware);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no audit event 01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60");

    const opened = await $("incident", "open", "--title", "Chatbot disclosed account data", "--regime", "gdpr_art33,ai_act_art73", "--case", "health", "--event", alice[0]!, "--event", alice[1]!, "--aware-at", aware, "--time-zone", "Europe/Berlin", "--by", "carol-dpo", "--json");
    expect(opened.code, opened.stderr).toBe(0);
    const a = JSON.parse(opened.stdout) as IncidentAnswer;
    const inc = a.incident;
    expect(inc).toMatchObject({ title: "Chatbot disclosed account data", regimes: ["gdpr_art33", "ai_act_art73"], aiActCase: "health", timeZone: "Europe/Berlin", openedBy: "carol-dpo", eventIds: alice });
    expect(a.holds).toEqual([expect.objectContaining({ id: inc.freeze.holdId, active: true })]);
    const gdpr = a.deadlines.find((d) => d.regime === "gdpr_art33")!;
    expect(gdpr.due).toBe(new Date(Date.parse(aware) + 72 * 3_600_000).toISOString());
    expect(a.next_due).toMatchObject({ regime: "gdpr_art33", stage: "notification" });
    // The freeze's checkpoint was signed and anchored now and covers the incident's own opening.
    expect(inc.freeze.checkpoint.anchors.length).toBeGreaterThan(0);
    await inLog(async (s) => {
      const [open] = (await s.audit.search({ type: "incident.open", limit: 5 })).filter((e) => (decodeEntry(e) as Entry).incident!.id === inc.id);
      expect(open).toBeDefined();
      const index = await s.audit.leafIndexOf(open!.eventId);
      expect(index).toBeDefined();
      expect(inc.freeze.checkpoint.size).toBeGreaterThan(index!);
      expect((decodeEntry(open!) as Entry).actor).toMatchObject({ auth: { method: "cli" }, operator: "carol-dpo" });
    });

    const shown = await $("incident", "show", inc.id);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("deadlines:");
    expect(shown.stdout).toMatch(new RegExp(`due\\t${gdpr.due!.replace(/\.\d{3}Z$/, "Z")}\\tgdpr_art33\\tnotification\\t.*\\tNEXT`));
    expect(shown.stdout).toMatch(/due\t\S+\tai_act_art73\treport\t/);
    expect(shown.stdout).toContain("next due: gdpr_art33 notification");
    const listed = await $("incident", "list");
    expect(listed.stdout).toContain(`${inc.id}\topen\tgdpr_art33,ai_act_art73\t`);
    expect((await $("incident", "show", "inc_missing")).code).toBe(2);

    const report = await $("incident", "report", inc.id, "--format", "json", "--out", "reports/");
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(await readFile(path.join(dir, "reports", `incident-${inc.id}-gdpr_art33.json`), "utf8")) as { schema: string; regime: string; incident: { id: string }; complete: boolean; missing: string[] };
    expect(json).toMatchObject({ schema: "custos.incident-report/v1", regime: "gdpr_art33", incident: { id: inc.id } });
    expect(Array.isArray(json.missing)).toBe(true);
    const html = await $("incident", "report", inc.id, "--regime", "ai_act_art73", "--format", "html");
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    const wrong = await $("incident", "report", inc.id, "--regime", "dora_art19");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("not under dora_art19");

    const ev = await $("incident", "report", inc.id, "--evidence", "--out", "evidence.tar");
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stderr).toContain("2 of 2 linked event(s) proven");
    const { stdout: names } = await run("tar", ["-tf", path.join(dir, "evidence.tar")]);
    const files = names.trim().split("\n").map((n) => n.replace(`incident-${inc.id}/`, ""));
    for (const f of ["reports/gdpr_art33.json", "reports/gdpr_art33.html", "reports/ai_act_art73.json", "incident.json", "events.jsonl", "trust.json", "SHA256SUMS", `proofs/${alice[0]}.tlog-proof`, `proofs/${alice[1]}.tlog-proof`]) expect(files).toContain(f);
    await run("tar", ["-xf", "evidence.tar"], { cwd: dir });
    expect(await readFile(path.join(dir, `incident-${inc.id}`, "proofs", `${alice[0]}.tlog-proof`), "utf8")).toMatch(/^c2sp\.org\/tlog-proof@v1\n/);
    await inLog(async (s) => {
      const exported = (await entries(s, "incident.report_exported")).filter((e) => e.incident!.id === inc.id).map((e) => `${String(e.incident!.regime)}/${String(e.incident!.format)}`);
      expect(exported.sort()).toEqual(["ai_act_art73/evidence", "ai_act_art73/html", "gdpr_art33/evidence", "gdpr_art33/json"]);
    });
  });

  it("purge --dry-run lists the months and refuses the current one; a named month that may not go exits 1 naming why", async () => {
    const current = new Date().toISOString().slice(0, 7);
    const dry = await $("audit", "purge", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^${current}\\trefused\\t-\\tretention: `, "m"));
    expect(dry.stderr).toContain("dry run: nothing was purged");
    const named = await $("audit", "purge", "--month", current, "--dry-run");
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`${current} cannot be purged`);
    const forReal = await $("audit", "purge", "--month", current, "--by", "ops");
    expect(forReal.code).toBe(1);
    const shred = await $("audit", "purge", "--shred");
    expect(shred.code, shred.stderr).toBe(0);
    expect(shred.stdout).toMatch(/^content keys: /);
    await inLog(async (s) => expect(await s.audit.search({ type: "retention.purge", limit: 5 })).toEqual([]));
  });

  it("subject needs a justification and is recorded with it; erase is refused under a hold naming it, and allowed once it is released", async () => {
    const found = await $("audit", "subject", "--sub", "erin", "--iss", ISSUER, "--justification", "DSAR ticket 4711", "--by", "dana-dpo");
    expect(found.code, found.stderr).toBe(0);
    const [via, pseudonym] = found.stdout.split("\n")[0]!.split("\t");
    expect(via).toBe(ISSUER);
    expect(found.stdout).toContain(erin);
    const hold = await $("audit", "hold", "place", "--reason", "Complaint 99", `--subject=${pseudonym}`);
    expect(hold.code, hold.stderr).toBe(0);
    const holdId = /(hold_[A-Za-z0-9_-]+)/.exec(hold.stdout)![1]!;

    const refused = await $("audit", "erase", `--subject=${pseudonym}`, "--justification", "Art. 17 request 4712");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Legal hold ${holdId} covers this person's events`);
    expect((await $("audit", "hold", "release", "--id", holdId, "--reason", "Complaint withdrawn")).code).toBe(0);
    const erased = await $("audit", "erase", `--subject=${pseudonym}`, "--justification", "Art. 17 request 4712");
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(new RegExp(`^erased ${pseudonym}: \\d+ content key\\(s\\) destroyed`));
    const gone = await $("audit", "subject", "--sub", "erin", "--iss", ISSUER, "--justification", "DSAR ticket 4711");
    expect(gone.code).toBe(1);

    await inLog(async (s) => {
      const lookups = (await entries(s, "audit.access")).filter((e) => e.access!.kind === "subject_lookup");
      expect(lookups.map((l) => l.access!.justification)).toEqual(["DSAR ticket 4711", "DSAR ticket 4711"]);
      expect(lookups.some((l) => l.actor.operator === "dana-dpo")).toBe(true);
      expect((await entries(s, "erasure.refused")).map((e) => e.erasure)).toEqual([{ subject: pseudonym, holds: [holdId] }]);
      expect((await entries(s, "erasure.completed")).map((e) => e.erasure!.subject)).toEqual([pseudonym]);
    });
  });
});

describe("custos audit hold and custos incident through a running server (embedded database held by it)", () => {
  let custos: TestCustos;
  const env = { CUSTOS_DATA_DIR: ".custos/data" };
  // A process of its own: this process could reopen a directory its own server holds.
  const $ = (...args: string[]) => runCli(args, { cwd: custos.dir, env });

  beforeAll(async () => {
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env });
  });
  afterAll(async () => {
    await custos?.close();
  });

  it("hold place and list, incident open, list and report --evidence go through /api with the admin token, recorded under the operator's name", async () => {
    const id = await chat(custos, "alice");
    const placed = await $("audit", "hold", "place", "--reason", "Matter 2026-18", "--event", id, "--by", "erin-legal");
    expect(placed.code, placed.stderr).toBe(0);
    const holds = JSON.parse((await $("audit", "hold", "list", "--json")).stdout) as { id: string; scope: { event_ids?: string[] }; placed_by: string }[];
    expect(holds).toEqual([expect.objectContaining({ placed_by: "erin-legal", scope: { event_ids: [id] } })]);

    const opened = await $("incident", "open", "--title", "Prompt injection", "--regime", "nis2_art23", "--event", id, "--aware-at", new Date(Date.now() - 60_000).toISOString(), "--by", "frank-ciso");
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toMatch(/deadlines:\n\s+due\t\S+\tnis2_art23\tearly_warning\t/);
    const list = await $("incident", "list", "--json");
    const rows = JSON.parse(list.stdout) as { id: string; title: string; events: number }[];
    expect(rows).toEqual([expect.objectContaining({ title: "Prompt injection", events: 1 })]);
    const incidentId = rows[0]!.id;
    const bad = await $("incident", "report", incidentId, "--regime", "gdpr_art33");
    expect(bad.code).toBe(2);

    const ev = await $("incident", "report", incidentId, "--evidence", "--out", "out/");
    expect(ev.code, ev.stderr).toBe(0);
    const [tar] = await readdir(path.join(custos.dir, "out"));
    expect(tar).toBe(`incident-${incidentId}.tar`);
    const { stdout: names } = await run("tar", ["-tf", path.join(custos.dir, "out", tar!)]);
    expect(names).toContain("reports/nis2_art23.json");
    expect(names).toContain(`proofs/${id}.tlog-proof`);

    await custos.server.deps.audit.flush();
    const storage = custos.server.deps.storage;
    const place = (await entries(storage, "hold.place")).find((e) => e.hold!.id === holds[0]!.id);
    expect(place?.actor).toMatchObject({ auth: { method: "admin_token" }, operator: "erin-legal" });
    const open = (await entries(storage, "incident.open")).find((e) => e.incident!.id === incidentId);
    expect(open?.actor.operator).toBe("frank-ciso");
    expect(JSON.stringify([place, open])).not.toContain(custos.server.deps.adminToken!);
  });
});
