// The integrator as its own process: proxies write without the signing key, `custos audit
// integrate` integrates and signs (once, or until SIGTERM), anchoring to the file and to a
// webhook; the result verifies.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAnchorLines } from "../../src/audit/anchor.ts";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { postgresStorage } from "../../src/storage/postgres.ts";
import { CUSTOS_BIN, runCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

describe.runIf(DATABASE_URL)("custos audit integrate", () => {
  let db: FreshDb;
  let dir: string;
  let custos: TestCustos;
  let env: Record<string, string>;
  let hook: http.Server;
  const posted: string[] = [];

  const call = async () => {
    const res = await fetch(`${custos.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await custos.token()}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
  };

  beforeAll(async () => {
    db = await freshDatabase("custos_integrate");
    dir = await mkdtemp(path.join(tmpdir(), "custos-integrate-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        posted.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", () => r()));
    const base = { DATABASE_URL: db.url, CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_API_KEY_PEPPER: "integrate-pepper-0123456789" };
    // The proxy: no signing key at all.
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: { ...base, CUSTOS_AUDIT_INTEGRATE: "false" } });
    env = {
      ...base,
      CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
      CUSTOS_ANCHOR_DIR: path.join(dir, "anchor"),
      CUSTOS_ANCHOR_WEBHOOK: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/anchor`,
      CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "50",
      CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "200",
    };
  });

  afterAll(async () => {
    await custos?.close();
    await new Promise((r) => hook?.close(r));
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("the proxy runs without a signing key and cannot sign on demand; --once integrates and signs, anchoring to the file and the webhook", async () => {
    for (let i = 0; i < 3; i++) await call();
    const onDemand = await fetch(`${custos.url}/api/audit/checkpoint`, { method: "POST", headers: { authorization: `Bearer ${await custos.token("olivia", ["x"], { roles: ["auditor"] })}` } });
    expect(onDemand.status).toBe(503);
    await custos.server.deps.audit.flush();
    const once = await runCli(["audit", "integrate", "--once"], { cwd: dir, env });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stderr).toMatch(/latest checkpoint covers \d+ entries/);
    const storage = postgresStorage(db.url, { max: 1 });
    try {
      const cp1 = (await storage.audit.latestCheckpoint())!;
      expect(cp1.size).toBeGreaterThanOrEqual(7); // writer.open, config.activate, 3 × 2 calls' events…
      const hooked = parseAnchorLines(posted.join(""));
      expect(hooked.problems).toEqual([]);
      expect(hooked.checkpoints.map((c) => c.size)).toEqual([cp1.size]);
      expect(hooked.checkpoints[0]!.note).toBe(cp1.note);
    } finally {
      await storage.close();
    }
  });

  it("runs until SIGTERM, signing as the proxy writes, and signs once more on the way out; the log verifies", async () => {
    const child = spawn(process.execPath, [CUSTOS_BIN, "audit", "integrate"], { cwd: dir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      await eventually(() => out.includes("integrator running") || undefined, { timeoutMs: 20_000 });
      const before = posted.length;
      for (let i = 0; i < 5; i++) await call();
      await eventually(() => posted.length > before || undefined, { timeoutMs: 10_000 });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("integrator stopped");
    await custos.close();
    const last = await runCli(["audit", "integrate", "--once"], { cwd: dir, env }); // the proxy's writer.close
    expect(last.code, last.stderr).toBe(0);
    expect((await runCli(["audit", "trust", "--out", "trust.json"], { cwd: dir, env })).code).toBe(0);
    const v = await runCli(["audit", "verify", "--trust", "trust.json"], { cwd: dir, env });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain("INTACT");
  });
});
