// `custos suspend|resume|suspensions` (the kill switch): usage errors, a round trip
// directly on the embedded database and one through a running server that holds it, and
// directly on Postgres with DATABASE_URL. Every change is one audit event; a running
// server's routing sees it within 5 s.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import type { Storage, SuspensionRecord } from "../../src/storage/types.ts";
import { runCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, migrateShared } from "../helpers/pg.ts";

/** Runs the CLI in this process (the same code bin/custos.mjs runs), capturing its output. */
async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: { CUSTOS_DATA_DIR: ".custos/data", ...env }, cwd, out: (l) => out.push(l), err: (l) => err.push(l), write: (t) => out.push(t) };
  const code = await main(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

async function policyDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  await writeFile(path.join(dir, "policies", "providers.yaml"), testProviders("http://127.0.0.1:9"));
  return dir;
}

/** The fields of a routing.suspend / routing.resume entry the tests read. */
interface SuspensionEntry {
  actor: Record<string, unknown>;
  suspension: Record<string, unknown>;
}

const entryOf = (row: { entry: Uint8Array }) => JSON.parse(new TextDecoder().decode(row.entry)) as SuspensionEntry;

async function events(storage: Storage, type: string) {
  return (await storage.audit.search({ type, limit: 50 })).map(entryOf);
}

describe("custos suspend/resume usage", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await policyDir("custos-suspend-usage-");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [["suspend"], /give exactly one of --endpoint, --model or --team/],
    [["suspend", "--model", "a", "--team", "b"], /not --model and --team/],
    [["suspend", "--model"], /--model/],
    [["suspend", "--model", "  "], /--model needs a name/],
    [["suspend", "--region", "eu"], /Unknown option '--region'/],
    [["suspend", "gpt-4o"], /Unexpected argument 'gpt-4o'/],
    [["suspend", "--list", "--model", "x"], /--list takes no target/],
    [["suspend", "--model", "x", "--json"], /--json goes with --list/],
    [["suspend", "--model", "x", "--by", " "], /--by needs a name/],
    [["resume"], /give exactly one of --endpoint, --model or --team/],
    [["resume", "--team", "t", "--reason", "fixed"], /resume takes no --reason/],
    [["resume", "--list"], /resume has no --list/],
  ])("%j exits 2 with the reason and the usage, touching no database", async (args, message) => {
    const r = await cli(args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`usage: custos ${args[0]} --endpoint E | --model M | --team T`);
  });

  it("a name the kill switch cannot hold exits 2 naming the field, and nothing is suspended", async () => {
    const bad = await cli(["suspend", "--team", "has space"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("team must be letters, digits");
    const long = await cli(["suspend", "--model", "m", "--reason", "x".repeat(501)], dir);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("reason must be at most 500 characters");
    const list = await cli(["suspensions", "--json"], dir);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it("the top-level usage lists the commands, and the real binary answers the same", async () => {
    const help = await cli(["help"], dir);
    expect(help.stdout).toContain("custos suspend --endpoint E | --model M | --team T [--reason TEXT] [--by NAME] | suspend --list [--json]");
    expect(help.stdout).toContain("custos resume --endpoint E | --model M | --team T [--by NAME]");
    expect(help.stdout).toContain("custos suspensions [--json]");
    const r = await runCli(["resume", "--model", "a", "--endpoint", "b"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("give exactly one of --endpoint, --model or --team (not --endpoint and --model)");
  });
});

describe("custos suspend with no server running (directly on the embedded database)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await policyDir("custos-suspend-");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("suspend, list, suspend again (kept), resume, resume again (exit 1); each change is one audit event", async () => {
    const s = await cli(["suspend", "--model", "gpt-4o", "--reason", "vendor incident 4711", "--by", "alice"], dir);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toBe("suspended model gpt-4o; every instance refuses it within 5 s");
    const team = await cli(["suspend", "--team", "finance"], dir);
    expect(team.code, team.stderr).toBe(0);

    const again = await cli(["suspend", "--model", "gpt-4o", "--reason", "another", "--by", "bob"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^model gpt-4o was already suspended since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by alice \(vendor incident 4711\); kept as it was$/);

    const table = await cli(["suspend", "--list"], dir);
    expect(table.code).toBe(0);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toBe("kind\tname\tsince\tby\treason");
    expect(lines[1]).toMatch(/^model\tgpt-4o\t\S+Z\talice\tvendor incident 4711$/);
    expect(lines[2]).toMatch(/^team\tfinance\t\S+Z\t\S+\t-$/);
    const json = JSON.parse((await cli(["suspensions", "--json"], dir)).stdout) as SuspensionRecord[];
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({ kind: "model", name: "gpt-4o", reason: "vendor incident 4711", suspendedBy: "alice" });
    const since = new Date(json[0]!.suspendedAt).getTime();
    expect(Math.abs(Date.now() - since)).toBeLessThan(60_000);

    const resumed = await cli(["resume", "--model", "gpt-4o", "--by", "carol"], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("resumed model gpt-4o (suspended since");
    const none = await cli(["resume", "--model", "gpt-4o"], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("model gpt-4o is not suspended.");
    expect((await cli(["resume", "--endpoint", "finance"], dir)).code).toBe(1);
    expect((await cli(["resume", "--team", "finance"], dir)).code).toBe(0);
    const empty = await cli(["suspensions"], dir);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toBe("nothing is suspended");

    const storage = await pgliteStorage(path.join(dir, ".custos", "data"), MIGRATIONS_DIR);
    try {
      const suspends = await events(storage, "routing.suspend");
      const resumes = await events(storage, "routing.resume");
      // The repeated suspend and the resumes of nothing changed nothing and wrote nothing.
      expect(suspends).toHaveLength(2);
      expect(resumes).toHaveLength(2);
      const model = suspends.find((e) => e.suspension.kind === "model")!;
      expect(model.suspension).toEqual({ kind: "model", name: "gpt-4o", reason: "vendor incident 4711", by: "alice", at: new Date(since).toISOString() });
      expect(model.actor).toMatchObject({ kind: "service", auth: { method: "cli" }, operator: "alice", os_user: expect.any(String) });
      const back = resumes.find((e) => e.suspension.kind === "model")!;
      expect(back.suspension).toMatchObject({ kind: "model", name: "gpt-4o", by: "alice", resumed_by: "carol" });
      expect(back.actor.operator).toBe("carol");
      // A team's events are found by team, like key events.
      expect((await storage.audit.search({ team: "finance", limit: 10 })).map((r) => r.type).sort()).toEqual(["routing.resume", "routing.suspend"]);
    } finally {
      await storage.close();
    }
  });
});

describe("custos suspend through a running server (embedded database held by the server)", () => {
  let custos: TestCustos;
  const env = { CUSTOS_DATA_DIR: ".custos/data" };
  // A process of its own: the lock lets this process reopen a directory it holds, which would be a second database.
  const cliProcess = (args: string[], cwd: string) => runCli(args, { cwd, env });

  beforeAll(async () => {
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env });
  });
  afterAll(async () => {
    await custos?.close();
  });

  it("goes through /api/admin/suspensions; the server's routing sees the change within 5 s; the events name the operator", async () => {
    const model = "meta-llama/Llama-3.1-70B:free";
    const s = await cliProcess(["suspend", "--model", model, "--reason", "bad outputs", "--by", "dave"], custos.dir);
    expect(s.code, s.stderr).toBe(0);
    const seen = await eventually(async () => (await custos.server.deps.suspensions!.current()).models.has(model), { timeoutMs: 5000, intervalMs: 100 });
    expect(seen).toBe(true);

    const list = JSON.parse((await cliProcess(["suspend", "--list", "--json"], custos.dir)).stdout) as SuspensionRecord[];
    expect(list).toEqual([expect.objectContaining({ kind: "model", name: model, reason: "bad outputs", suspendedBy: "dave" })]);
    expect((await cliProcess(["suspend", "--model", model], custos.dir)).stdout).toContain("was already suspended");
    expect((await cliProcess(["suspend", "--team", "has space"], custos.dir)).code).toBe(2);

    expect((await cliProcess(["resume", "--model", model, "--by", "erin"], custos.dir)).code).toBe(0);
    expect((await cliProcess(["resume", "--model", model], custos.dir)).code).toBe(1);
    const gone = await eventually(async () => !(await custos.server.deps.suspensions!.current()).models.has(model), { timeoutMs: 5000, intervalMs: 100 });
    expect(gone).toBe(true);

    await custos.server.deps.audit.flush();
    const storage = custos.server.deps.storage;
    const [suspend] = await events(storage, "routing.suspend");
    const [resume] = await events(storage, "routing.resume");
    expect(suspend!.suspension).toMatchObject({ kind: "model", name: model, reason: "bad outputs", by: "dave" });
    expect(suspend!.actor).toMatchObject({ iss: "custos", auth: { method: "admin_token" }, operator: "dave", subject: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(resume!.suspension).toMatchObject({ name: model, resumed_by: "erin" });
    expect(JSON.stringify([suspend, resume])).not.toContain(custos.server.deps.adminToken!);
  });

  it("a model suspended from the CLI gets 503 suspended within 5 s, and is served again within 5 s of resuming", async () => {
    const token = await custos.token("alice", ["demo"]);
    const call = () =>
      fetch(`${custos.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "hi" }] }),
      });
    expect((await call()).status).toBe(200);
    expect((await cliProcess(["suspend", "--model", "custos-echo", "--reason", "drill"], custos.dir)).code).toBe(0);
    const t0 = Date.now();
    const refused = await eventually(async () => {
      const r = await call();
      return r.status === 503 ? r : undefined;
    }, { timeoutMs: 5000, intervalMs: 100 });
    expect(refused?.headers.get("x-custos-error-code")).toBe("suspended");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await cliProcess(["resume", "--model", "custos-echo"], custos.dir)).code).toBe(0);
    const served = await eventually(async () => (await call()).status === 200, { timeoutMs: 5000, intervalMs: 100 });
    expect(served).toBe(true);
  });

  it("/api/admin/suspensions refuses callers without the admin role", async () => {
    const token = await custos.token("mallory", ["demo"], { roles: ["auditor"] });
    const r = await fetch(`${custos.url}/api/admin/suspensions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ kind: "team", name: "demo" }) });
    expect(r.status).toBe(403);
    expect(r.headers.get("x-custos-error-code")).toBe("forbidden");
    expect((await custos.server.deps.suspensions!.current()).teams.has("demo")).toBe(false);
    expect(await custos.server.deps.storage.listSuspensions()).toEqual([]);
  });
});

describe.runIf(DATABASE_URL)("custos suspend with DATABASE_URL (directly on Postgres)", () => {
  let dir: string;
  let storage: Storage;
  beforeAll(async () => {
    await migrateShared();
    dir = await policyDir("custos-suspend-pg-");
    storage = postgresStorage(DATABASE_URL!, { max: 1 });
  });
  afterAll(async () => {
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("suspends and resumes on the shared database as the runtime role, with one audit event each", async () => {
    const endpoint = `pg-endpoint-${process.pid}-${Date.now()}`;
    const env = { DATABASE_URL: DATABASE_URL!, CUSTOS_AUDIT_INTEGRATE: "false" };
    const s = await cli(["suspend", "--endpoint", endpoint, "--reason", "maintenance", "--by", "frank"], dir, env);
    expect(s.code, s.stderr).toBe(0);
    const row = (await storage.listSuspensions()).find((r) => r.name === endpoint);
    expect(row).toMatchObject({ kind: "endpoint", reason: "maintenance", suspendedBy: "frank" });
    expect(row!.suspendedAt).toBeInstanceOf(Date);
    expect((await cli(["resume", "--endpoint", endpoint], dir, env)).code).toBe(0);
    expect((await cli(["resume", "--endpoint", endpoint], dir, env)).code).toBe(1);
    expect((await storage.listSuspensions()).find((r) => r.name === endpoint)).toBeUndefined();
    const mine = (await events(storage, "routing.suspend")).filter((e) => e.suspension.name === endpoint);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.suspension.at).toBe(row!.suspendedAt.toISOString());
    expect((await events(storage, "routing.resume")).filter((e) => e.suspension.name === endpoint)).toHaveLength(1);
  });
});
