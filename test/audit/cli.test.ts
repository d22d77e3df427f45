// The compliance officer's command line on the embedded database: a log written by a real
// server, then proof, trust, export (full and per team, JSONL and CSV) and offline verify of
// the bundles — and a bundle edited after export is caught.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { runCli, serveCli } from "../helpers/cli.ts";

let dir: string;
const ids: string[] = [];
const cli = (args: string[]) => runCli(["audit", ...args], { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-audit-cli-"));
  await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  const server = await serveCli({ cwd: dir });
  for (const team of ["demo", "research", "demo", "research", "demo"]) {
    const token = (await runCli(["token", "--sub", "alice", "--team", team, "--email", "alice@example.com"], { cwd: dir })).stdout.trim();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "audit me" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    ids.push(res.headers.get("x-request-id")!);
  }
  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0); // the last checkpoint is signed at shutdown
  expect((await cli(["trust", "--out", "trust.json"])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("custos audit on the embedded database", () => {
  it("proof prints a C2SP tlog-proof of a call's request event; an unknown id exits 1", async () => {
    const p = await cli(["proof", "--id", ids[0]!]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^c2sp\.org\/tlog-proof@v1\nindex \d+\n/);
    expect(p.stdout).toContain("custos.local/audit\n");
    const json = JSON.parse((await cli(["proof", "--id", ids[0]!, "--json"])).stdout) as { event_id: string; tree_size: number };
    expect(json.event_id).toBe(ids[0]);
    const none = await cli(["proof", "--id", "01936b5e-8c1a-7d0e-9f3a-2b6c1d4e5f60"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no event with that id");
    expect((await cli(["proof", "--id", "nope"])).code).toBe(2);
  });

  it("verify of the database is intact; a full export verifies offline; a bundle edited after export is tampered (its signed manifest no longer matches)", async () => {
    const db = await cli(["verify", "--trust", "trust.json"]);
    expect(db.code, db.stdout + db.stderr).toBe(0);
    expect(db.stdout).toContain("INTACT");
    const ex = await cli(["export", "--out", "full"]);
    expect(ex.code, ex.stderr).toBe(0);
    const ok = await cli(["verify", "--trust", "trust.json", "--bundle", "full", "--json"]);
    expect(ok.code, ok.stdout).toBe(0);
    const report = JSON.parse(ok.stdout) as { counts: { entries: number }; bundle: { scope: string } };
    expect(report.bundle.scope).toBe("full");
    expect(report.counts.entries).toBeGreaterThanOrEqual(12); // open, 5 × (request + response), close

    // Someone "corrects" a recorded team in the bundle and re-signs nothing.
    await cp(path.join(dir, "full"), path.join(dir, "edited"), { recursive: true });
    const file = path.join(dir, "edited", "entries.jsonl");
    const lines = (await readFile(file, "utf8")).split("\n");
    const i = lines.findIndex((l) => l.includes(ids[1]!) && l.includes('"llm.request"'));
    lines[i] = lines[i]!.replaceAll('"research"', '"demo"');
    await writeFile(file, lines.join("\n"));
    const bad = await cli(["verify", "--trust", "trust.json", "--bundle", "edited", "--json"]);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { first: { check: string } }).first.check).toBe("manifest files");
  });

  it("a team export in CSV holds only that team's entries and still proves nothing was left out", async () => {
    const ex = await cli(["export", "--out", "research", "--team", "research", "--format", "csv"]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/of other teams as leaf hashes only/);
    const csv = await readFile(path.join(dir, "research", "entries.csv"), "utf8");
    const rows = csv.trim().split("\n").slice(1);
    expect(rows.length).toBe(4); // two calls: request + response each
    expect(csv).not.toContain(ids[0]!);
    const v = await cli(["verify", "--trust", "trust.json", "--bundle", "research", "--json"]);
    expect(v.code, v.stdout).toBe(0);
    expect((JSON.parse(v.stdout) as { bundle: { scope: string; team: string } }).bundle).toMatchObject({ scope: "team", team: "research" });
  });

  it("verify refuses a trust file that pins another key, and refuses to run without one", async () => {
    const trust = JSON.parse(await readFile(path.join(dir, "trust.json"), "utf8")) as { keys: { x: string }[] };
    const other = JSON.parse((await cli(["keygen"])).stdout) as { x: string };
    trust.keys = [{ ...trust.keys[0]!, x: other.x }];
    await writeFile(path.join(dir, "other-trust.json"), JSON.stringify(trust));
    const v = await cli(["verify", "--trust", "other-trust.json", "--bundle", "full", "--json"]);
    expect(v.code).toBe(1);
    expect((JSON.parse(v.stdout) as { first: { check: string } }).first.check).toMatch(/manifest signature|checkpoint signatures|trust/);
    expect((await cli(["verify"])).code).toBe(2);
    expect((await cli(["verify", "--trust", "missing.json"])).code).toBe(2);
  });

  it("subject finds a person's pseudonym and calls, and the look-up is itself recorded with its justification", async () => {
    const why = ["--justification", "DSAR ticket 1234"];
    expect((await cli(["subject", "--sub", "alice"])).code).toBe(2);
    const s = await cli(["subject", "--sub", "alice", ...why]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/^urn:custos:dev-issuer\t[A-Za-z0-9_-]{22}\t\d+ events/);
    for (const id of ids) expect(s.stdout).toContain(id);
    expect((await cli(["subject", "--sub", "nobody", ...why])).code).toBe(1);
    const byEmail = await cli(["subject", "--email", "Alice@Example.com", ...why]);
    expect(byEmail.code, byEmail.stderr).toBe(0);
    expect(byEmail.stdout.split("\t")[1]).toBe(s.stdout.split("\t")[1]);
    const storage = await pgliteStorage(path.join(dir, ".custos", "data"), MIGRATIONS_DIR);
    try {
      const lookups = (await storage.audit.search({ type: "audit.access", limit: 10 })).map((e) => JSON.parse(new TextDecoder().decode(e.entry)) as { access: { kind: string; found: string[]; justification: string } });
      const mine = lookups.filter((l) => l.access.kind === "subject_lookup");
      expect(mine.map((l) => l.access.found.length).sort()).toEqual([0, 1, 1]);
      expect(mine.map((l) => l.access.justification)).toEqual([why[1], why[1], why[1]]);
    } finally {
      await storage.close();
    }
  });
});
