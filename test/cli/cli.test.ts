// The custos CLI as users run it: token, serve (with graceful shutdown), migrate, and
// the errors each gives for bad input.
import { callSummary } from "../../src/audit/summary.ts";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { pgliteStorage } from "../../src/storage/pglite.ts";
import { runCli, serveCli, type ServeProcess } from "../helpers/cli.ts";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { testProviders, writePolicies } from "../helpers/custos.ts";

let dir: string;
let fake: FakeProvider;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "custos-cli-"));
  await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  fake = await startFakeProvider();
  await writeFile(path.join(dir, "policies", "providers.yaml"), testProviders(fake.url));
  await writePolicies(path.join(dir, "policies"));
});

afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("custos token", () => {
  it("mints a development JWT, generating the issuer key once with mode 0600", async () => {
    const r = await runCli(["token", "--sub", "alice", "--team", "demo", "--role", "auditor", "--ttl", "30m"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("generated the development issuer key");
    const claims = decodeJwt(r.stdout.trim());
    expect(claims).toMatchObject({ sub: "alice", teams: ["demo"], roles: ["auditor"], iss: "urn:custos:dev-issuer", aud: "custos" });
    expect(claims.exp! - claims.iat!).toBe(1800);
    expect((await stat(path.join(dir, ".custos", "dev-issuer.jwk"))).mode & 0o777).toBe(0o600);
    const again = await runCli(["token", "--sub", "bob", "--team", "a,b"], { cwd: dir });
    expect(again.stderr).not.toContain("generated");
    expect(decodeJwt(again.stdout.trim()).teams).toEqual(["a", "b"]);
  });

  it("refuses bad arguments with usage and exit 2", async () => {
    for (const args of [["token", "--sub", "x"], ["token", "--sub", "x", "--team", "t", "--role", "root"], ["token", "--sub", "x", "--team", "t", "--ttl", "forever"], ["token", "--bogus"]]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.length).toBeGreaterThan(10);
    }
    const unknown = await runCli(["frobnicate"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command: frobnicate");
  });
});

describe("custos serve", () => {
  let server: ServeProcess;
  let token: string;

  beforeAll(async () => {
    token = (await runCli(["token", "--sub", "alice", "--team", "demo"], { cwd: dir })).stdout.trim();
    server = await serveCli({ cwd: dir, env: { CUSTOS_MAX_BODY_BYTES: "4096", CUSTOS_SHUTDOWN_GRACE_MS: "10000" } });
  });

  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  });

  it("serves the SDK, says the embedded database is for development, and warns about the dev issuer", async () => {
    const client = new OpenAI({ apiKey: token, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(r.choices[0]!.message.content).toBe(FAKE_REPLY);
    expect(server.output()).toContain("for development only");
    expect(server.output()).toContain("development token issuer");
  });

  it("refuses a body over the limit with 413 in each API's shape", async () => {
    const big = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(5000) }] });
    const oa = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: big });
    expect(oa.status).toBe(413);
    expect(oa.headers.get("x-custos-error-code")).toBe("request_too_large");
    expect(((await oa.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    const an = await fetch(`${server.url}/v1/messages`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: big });
    expect(an.status).toBe(413);
    expect(((await an.json()) as { type: string; error: { type: string } }).error.type).toBe("request_too_large");
  });

  it("refuses a second process on the same embedded database", async () => {
    const r = await runCli(["migrate"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/in use by another Custos process \(pid \d+\)/);
    const second = await runCli(["serve"], { cwd: dir, env: { PORT: "0" }, timeoutMs: 30_000 });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("in use by another Custos process");
  });

  it("on SIGTERM stops accepting, lets an in-flight stream finish, records it, and exits 0", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-model+delay=15+chunks=40", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the stream is under way
    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // no new connections
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    expect(server.output()).not.toContain(token);
    // The lock is released: migrate can open the directory now.
    const m = await runCli(["migrate"], { cwd: dir });
    expect(m.code).toBe(0);
    // …and the stream that finished during shutdown was written before the process exited.
    const storage = await pgliteStorage(path.join(dir, ".custos", "data"), MIGRATIONS_DIR);
    try {
      const row = await callSummary(storage.audit, res.headers.get("x-request-id")!);
      expect(row).toMatchObject({ status: 200, team: "demo", endpoint: "fake-openai", events: ["llm.request", "llm.response"] });
      expect(row?.errorCode).toBeUndefined();
    } finally {
      await storage.close();
    }
  });
});

describe("custos serve: a stream longer than the shutdown grace period", () => {
  it("is cut when the grace period ends: the provider's stream is cancelled, the call recorded, and the process exits 0", async () => {
    const token = (await runCli(["token", "--sub", "alice", "--team", "demo"], { cwd: dir })).stdout.trim();
    const server = await serveCli({ cwd: dir, env: { CUSTOS_SHUTDOWN_GRACE_MS: "300" } });
    const before = fake.cancelledStreams;
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-model+delay=20+chunks=500", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) break;
      })(),
    ).rejects.toThrow();
    expect(await server.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000); // the stream alone would run 10 s
    expect(fake.cancelledStreams).toBeGreaterThan(before);
    expect(server.output()).toContain("grace period over");
    const storage = await pgliteStorage(path.join(dir, ".custos", "data"), MIGRATIONS_DIR);
    try {
      expect(await callSummary(storage.audit, res.headers.get("x-request-id")!)).toMatchObject({ status: 200, errorCode: "client_closed_request" });
    } finally {
      await storage.close();
    }
  });
});

describe("configuration errors stop the server with file:line:column", () => {
  it("exits 2 naming the file, line and field", async () => {
    const bad = await mkdtemp(path.join(tmpdir(), "custos-bad-"));
    try {
      await cp(path.join(PACKAGE_ROOT, "policies"), path.join(bad, "policies"), { recursive: true });
      await writeFile(path.join(bad, "policies", "server.yaml"), "port: 8787\nlimits:\n  max_body_bytes: lots\n");
      const r = await runCli(["serve"], { cwd: bad, env: { PORT: "0" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("server.yaml:3:19: limits.max_body_bytes");
      expect(await readFile(path.join(bad, "policies", "server.yaml"), "utf8")).toContain("lots"); // nothing rewritten
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
