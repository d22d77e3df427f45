// The export of a search (GET /api/audit/export, the console's Export links): one tar file
// holding the signed bundle of `custos audit export` for the search's time range and team,
// which the project's own verifier (`custos audit verify --bundle`) accepts as it is, and
// rejects after one byte of the download is changed. The other filters are recorded beside
// the bundle; the export is itself an audit event; only auditors may export.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../../src/audit/verify-bundle.ts";
import { trustFileText } from "../../src/cli/audit/trust.ts";
import { directoryReader } from "../../src/runtime/node-bundle.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { anchorDir } from "../../src/runtime/node-files.ts";
import { runCli } from "../helpers/cli.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { eventually } from "../helpers/custos.ts";
import { startLog, stopLog, type Log } from "./search-fixture.ts";

let log: Log;
let ann: ConsoleClient;
let work: string;

beforeAll(async () => {
  log = await startLog("console_export");
  ann = await signInWithLink(log.custos, "ann", ["auditor"]);
  work = await mkdtemp(path.join(tmpdir(), "custos-export-"));
}, 180_000);

afterAll(async () => {
  await stopLog(log);
  if (work) await rm(work, { recursive: true, force: true });
});

/** Downloads an export into a new directory and unpacks it with the system tar. */
async function download(query: string, name: string): Promise<{ dir: string; tar: string; res: Response }> {
  const res = await ann.get(`/api/audit/export?${query}`);
  expect(res.status, await res.clone().text().catch(() => "")).toBe(200);
  const dir = path.join(work, name);
  execFileSync("mkdir", ["-p", dir]);
  const tar = path.join(dir, "export.tar");
  await writeFile(tar, new Uint8Array(await res.arrayBuffer()));
  execFileSync("tar", ["-xf", tar, "-C", dir]);
  return { dir, tar, res };
}

async function trustFile(): Promise<string> {
  const key = log.custos.server.deps.logKey!;
  const file = path.join(work, "trust.json");
  await writeFile(file, trustFileText(key.origin, [key.publicJwk], anchorDir({}, path.join(log.custos.dir, ".custos")).dir));
  return file;
}

describe("the export of a search", () => {
  it("is a tar of the signed bundle for the search's time range and team, and `custos audit verify --bundle` accepts it", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const { dir, res } = await download(`format=jsonl&from=${from}&team=alpha&model=gpt-4o&pii=EMAIL`, "jsonl");
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="custos-audit_\d{8}T\d{6}Z_team-alpha_model-gpt-4o_pii-EMAIL_jsonl\.tar"$/);
    const files = execFileSync("tar", ["-tf", path.join(dir, "export.tar")], { encoding: "utf8" }).trim().split("\n").sort();
    expect(files).toEqual(["custos-audit-export/bundle/bundle.json", "custos-audit-export/bundle/checkpoints.jsonl", "custos-audit-export/bundle/entries.jsonl", "custos-audit-export/bundle/leaves.txt", "custos-audit-export/bundle/manifest.json", "custos-audit-export/bundle/manifest.jws", "custos-audit-export/search.json"]);

    // The bundle: alpha's entries of the range, every leaf of it (the others as hashes only).
    const entries = (await readFile(path.join(dir, "custos-audit-export/bundle/entries.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { team?: string; event_id: string });
    expect(entries.length).toBeGreaterThanOrEqual(4); // 2 calls × request + response
    expect(entries.every((e) => e.team === "alpha")).toBe(true);
    const bundle = JSON.parse(await readFile(path.join(dir, "custos-audit-export/bundle/bundle.json"), "utf8")) as { scope: string; team: string; from_time: string };
    expect(bundle).toMatchObject({ scope: "team", team: "alpha", from_time: from });
    const search = JSON.parse(await readFile(path.join(dir, "custos-audit-export/search.json"), "utf8")) as Record<string, unknown>;
    expect(search).toMatchObject({ scope: { from, team: "alpha" }, other_filters: { model: "gpt-4o", pii: "EMAIL" }, format: "jsonl", log: { key_id: log.custos.server.deps.logKey!.publicJwk.kid } });

    const r = await runCli(["audit", "verify", "--bundle", path.join(dir, "custos-audit-export/bundle"), "--trust", await trustFile(), "--json"], { cwd: work, timeoutMs: 45_000 });
    const report = JSON.parse(r.stdout) as { status: string; exitCode: number };
    expect(report.status, r.stdout + r.stderr).toBe("intact");
    expect(r.code).toBe(0);
  }, 120_000);

  it("as CSV verifies too", async () => {
    const { dir } = await download("format=csv", "csv");
    const csv = await readFile(path.join(dir, "custos-audit-export/bundle/entries.csv"), "utf8");
    expect(csv.split("\n")[0]).toMatch(/^log_index,leaf,type,event_id,ts,/);
    const result = await verifyBundle(directoryReader(path.join(dir, "custos-audit-export/bundle")), { origin: log.custos.server.deps.logKey!.origin, keys: [log.custos.server.deps.logKey!.publicJwk], anchored: [] }, { sha: nodeSha256 });
    expect(result.status, JSON.stringify(result.first)).toBe("intact");
    expect(result.bundle).toMatchObject({ scope: "full", entries: "entries.csv" });
  });

  it("is caught by the verifier when one byte of the download is changed", async () => {
    const { dir, tar } = await download("format=jsonl&team=beta", "tampered");
    const bytes = new Uint8Array(await readFile(tar));
    const text = new TextDecoder("latin1").decode(bytes);
    // Inside entries.jsonl's data: a status 403 becomes 404.
    const at = text.indexOf('"status":403');
    expect(at).toBeGreaterThan(0);
    bytes[at + 11] = "4".charCodeAt(0);
    await writeFile(tar, bytes);
    execFileSync("tar", ["-xf", tar, "-C", dir]);
    const r = await runCli(["audit", "verify", "--bundle", path.join(dir, "custos-audit-export/bundle"), "--trust", await trustFile(), "--json"], { cwd: work, timeoutMs: 45_000 });
    const report = JSON.parse(r.stdout) as { status: string; first: { check: string; why: string } };
    expect(report.status).toBe("tampered");
    expect(report.first.check).toBe("manifest files");
    expect(report.first.why).toMatch(/entries\.jsonl.*does not match the signed manifest/);
    expect(r.code).toBe(1);
  }, 120_000);

  it("refuses bad filters, needs the auditor role, and is an audit event", async () => {
    const bad = await ann.get("/api/audit/export?format=xml");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toBe("format: jsonl or csv");
    expect(((await (await ann.get("/api/audit/export?status=abc")).json()) as { detail: string }).detail).toBe("status: Invalid input: expected number, received NaN");
    expect((await fetch(`${log.custos.url}/api/audit/export`)).status).toBe(401);
    const user = await log.custos.token("alice", ["alpha"]);
    expect((await fetch(`${log.custos.url}/api/audit/export`, { headers: { authorization: `Bearer ${user}` } })).status).toBe(403);

    await download("format=csv&team=alpha&decision=deny", "audited");
    const store = log.custos.server.deps.storage.audit;
    const seen = await eventually(async () => {
      const rows = await store.search({ type: "audit.access", limit: 50 });
      return rows.map((r) => JSON.parse(new TextDecoder().decode(r.entry)) as { access: { path: string; status: number; query?: Record<string, string> } }).find((e) => e.access.path === "/api/audit/export" && e.access.query?.decision === "deny");
    });
    expect(seen?.access).toMatchObject({ status: 200, query: { format: "csv", team: "alpha", decision: "deny" } });
  });
});
