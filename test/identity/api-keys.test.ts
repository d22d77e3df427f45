// Custos API keys end to end: `custos keys create|list|revoke` as a real process —
// through a running server's /api (embedded database held by the server), directly on
// the embedded database when no server runs, and directly on Postgres with DATABASE_URL —
// and the printed key used by both official SDKs. The key is shown once and only its
// peppered hash is stored; revoked, expired, unknown and malformed keys are 401s.
import { migrateShared } from "../helpers/pg.ts";
import Anthropic from "@anthropic-ai/sdk";
import { createHmac } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../../src/identity/api-keys.ts";
import type { KeyInfo } from "../../src/identity/key-admin.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { runCli, serveCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

const DATABASE_URL = process.env.DATABASE_URL;
const KEY_LINE = /^cst_[A-Za-z0-9_-]{43}$/;

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake?.close();
});

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };
const MESSAGE = { model: "claude-fake", max_tokens: 32, messages: [{ role: "user" as const, content: "hi" }] };

async function chat(url: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(CHAT) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: { message: string; code: string } } };
}

/** The key works with the OpenAI SDK (Bearer) and the Anthropic SDK (x-api-key, and Bearer). */
async function expectKeyWorks(url: string, key: string) {
  const oa = await new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 }).chat.completions.create(CHAT);
  expect(oa.choices[0]!.message.content).toBe(FAKE_REPLY);
  const an = await new Anthropic({ apiKey: key, authToken: null, baseURL: url, maxRetries: 0 }).messages.create(MESSAGE);
  expect(an.content[0]?.type === "text" && an.content[0].text).toBe(FAKE_REPLY);
  const bearer = await new Anthropic({ apiKey: null, authToken: key, baseURL: url, maxRetries: 0 }).messages.create(MESSAGE);
  expect(bearer.content[0]?.type === "text" && bearer.content[0].text).toBe(FAKE_REPLY);
}

async function expect401(url: string, key: string, message: RegExp) {
  const before = fake.requests.length;
  const r = await chat(url, { authorization: `Bearer ${key}` });
  expect(r.status).toBe(401);
  expect(r.headers.get("www-authenticate")).toBe('Bearer realm="custos"');
  expect(r.headers.get("x-custos-error-code")).toBe("authentication_failed");
  expect(r.body.error!.message).toMatch(message);
  expect(JSON.stringify(r.body)).not.toContain(key);
  const an = await fetch(`${url}/v1/messages`, { method: "POST", headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body: JSON.stringify(MESSAGE) });
  expect(an.status).toBe(401);
  expect(await an.json()).toMatchObject({ type: "error", error: { type: "authentication_error", message: expect.stringMatching(message) } });
  expect(fake.requests.length).toBe(before);
}

/** Polls with the key until it is refused; returns how long that took (bounded). */
async function msUntilRefused(url: string, key: string, boundMs = 8000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < boundMs) {
    if ((await chat(url, { authorization: `Bearer ${key}` })).status === 401) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Infinity;
}

const hmac = (pepper: string, key: string) => createHmac("sha256", pepper).update(key).digest("hex");

function createdKey(r: { code: number | null; stdout: string; stderr: string }): { key: string; id: string } {
  expect(r.code, r.stderr).toBe(0);
  const key = r.stdout.trim();
  expect(key).toMatch(KEY_LINE);
  const id = /created API key (\S+) /.exec(r.stderr)?.[1];
  expect(id).toBeDefined();
  expect(r.stderr).toContain("Store it now: it is not shown again.");
  return { key, id: id! };
}

describe("custos keys through a running server (embedded database held by the server)", () => {
  let custos: TestCustos;
  const env = { CUSTOS_DATA_DIR: ".custos/data" };
  const cli = (args: string[]) => runCli(["keys", ...args], { cwd: custos.dir, env });

  beforeAll(async () => {
    custos = await startCustos({ providers: testProviders(fake.url), env });
  });

  afterAll(async () => {
    await custos?.close();
  });

  it("create prints the key once; it works with both SDKs; only its peppered hash is stored; list never shows it", async () => {
    const touches = vi.spyOn(custos.server.deps.storage, "touchApiKeys");
    const { key, id } = createdKey(await cli(["create", "--team", "research", "--name", "ci-bot"]));
    expect((await cli(["create", "--team", "research", "--name", "ci-bot"])).stdout.trim()).not.toBe(key);

    await expectKeyWorks(custos.url, key);
    const logged = await eventually(async () => (await custos.server.deps.storage.audit.search({ team: "research", type: "llm.response", limit: 5 }))[0]);
    expect(JSON.parse(new TextDecoder().decode(logged!.entry)).actor).toMatchObject({ iss: "custos", auth: { method: "api_key" }, key_id: id });

    const row = (await custos.server.deps.storage.listApiKeys()).find((k) => k.id === id)!;
    const pepper = (await readFile(path.join(custos.dir, ".custos", "api-key-pepper"), "utf8")).trim();
    expect(row).toMatchObject({ name: "ci-bot", team: "research", createdBy: expect.stringMatching(/^local-admin:[A-Za-z0-9_-]{22}$/), prefix: key.slice(0, 10), revokedAt: null, expiresAt: null });
    expect(row.hash).toBe(hmac(pepper, key));
    expect(JSON.stringify(row)).not.toContain(key.slice(10));

    const list = await cli(["list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toBe("id\tprefix\tteam\tname\tcreated\texpires\trevoked\tlast used");
    expect(list.stdout).toContain(`${id}\t${key.slice(0, 10)}…\tresearch\tci-bot\t`);
    expect(list.stdout).not.toContain(key.slice(10));
    const json = JSON.parse((await cli(["list", "--json"])).stdout) as (KeyInfo & { hash?: string })[];
    const mine = json.find((k) => k.id === id)!;
    expect(mine).toMatchObject({ id, team: "research", name: "ci-bot", prefix: key.slice(0, 10) });
    expect(mine.hash).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain(key.slice(10));
    expect(JSON.stringify(json)).not.toContain(row.hash);

    // last_used_at arrives in one batched write about 5 s later, not one write per request.
    const used = await eventually(async () => (await custos.server.deps.storage.listApiKeys()).find((k) => k.id === id)?.lastUsedAt, { timeoutMs: 8000, intervalMs: 200 });
    expect(used).toBeInstanceOf(Date);
    expect(touches.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(touches.mock.calls.length).toBeLessThanOrEqual(2); // 3 uses; at most a window edge apart
    touches.mockRestore();
  });

  it("revoke: the key is refused within 5 s, even though its validation was cached", async () => {
    const { key, id } = createdKey(await cli(["create", "--team", "research", "--name", "to-revoke"]));
    expect((await chat(custos.url, { authorization: `Bearer ${key}` })).status).toBe(200); // validated and cached now
    const r = await cli(["revoke", id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`revoked ${id} (to-revoke, team research)`);
    expect(await msUntilRefused(custos.url, key)).toBeLessThan(5000);
    await expect401(custos.url, key, /has been revoked/);
    const list = await cli(["list"]);
    expect(list.stdout.split("\n").find((l) => l.startsWith(id))!.split("\t")[6]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const unknown = await cli(["revoke", "no-such-id"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("There is no API key with that id.");
  });

  it("--expires sets an expiry; an expired key, an unknown key and a malformed cst_ key are 401s", async () => {
    const r = await cli(["create", "--team", "ops", "--name", "quarterly", "--expires", "90d"]);
    createdKey(r);
    const expires = /expires (\S+)\./.exec(r.stderr)?.[1];
    expect(new Date(expires!).getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);

    // An expired key (created with an expiry in the past, straight into storage).
    const expired = generateApiKey();
    const deps = custos.server.deps;
    await deps.storage.createApiKey({ id: "expired-key", name: "old", team: "ops", prefix: expired.slice(0, 10), hash: await deps.apiKeys.hash(expired), createdAt: new Date(Date.now() - 2 * 86_400_000), createdBy: "test", expiresAt: new Date(Date.now() - 86_400_000), revokedAt: null, lastUsedAt: null });
    await expect401(custos.url, expired, /has expired/);
    await expect401(custos.url, generateApiKey(), /not known to this server/);
    await expect401(custos.url, "cst_tooShort", /malformed \(expected cst_ followed by 43 characters\)/);
    await expect401(custos.url, `cst_${"a".repeat(42)}!`, /malformed/);
  });

  it("while the key store is unreachable: a recently validated key keeps working, an unknown key gets 503 unavailable", async () => {
    const { key } = createdKey(await cli(["create", "--team", "research", "--name", "grace"]));
    expect((await chat(custos.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    const down = vi.spyOn(custos.server.deps.storage, "apiKeyByHash").mockRejectedValue(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    try {
      await new Promise((r) => setTimeout(r, 4200)); // past the 4 s revalidation: the store is asked, and fails
      expect((await chat(custos.url, { authorization: `Bearer ${key}` })).status).toBe(200);
      expect(down).toHaveBeenCalled();
      const before = fake.requests.length;
      const unknown = generateApiKey();
      const r = await chat(custos.url, { authorization: `Bearer ${unknown}` });
      expect(r.status).toBe(503);
      expect(r.headers.get("x-custos-error-code")).toBe("unavailable");
      expect(r.body.error).toMatchObject({ code: "unavailable", message: expect.stringMatching(/API keys cannot be checked right now; try again shortly/) });
      expect(JSON.stringify(r.body)).not.toContain(unknown);
      expect(fake.requests.length).toBe(before);
    } finally {
      down.mockRestore();
    }
  });

  it("bad arguments: usage and exit 2; a bad team: the server's message and exit 1", async () => {
    for (const args of [["create", "--team", "x"], ["create", "--name", "x"], ["create", "--team", "t", "--name", "n", "--expires", "soon"], ["create", "--team", "t", "--name", "n", "--expires", "36h"], ["create", "--team", "t", "--name", "n", "--expires", "0d"], ["create", "--team", "t", "--name", "n", "--expires", "3651d"], ["revoke"], ["frobnicate"], []]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("usage: custos keys");
      expect(r.stdout).toBe("");
    }
    const bad = await cli(["create", "--team", "has space", "--name", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("team must be letters, digits");
    // Ten CLI processes in a row: ~4 s each when the suite loads the machine.
  }, 180_000);
});

describe("custos keys with no server running (directly on the embedded database)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "custos-keys-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    await writeFile(path.join(dir, "policies", "providers.yaml"), testProviders(fake.url));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the key in the data directory; a server started later accepts it and records its last use at shutdown", async () => {
    const created = await runCli(["keys", "create", "--team", "research", "--name", "offline"], { cwd: dir });
    const { key, id } = createdKey(created);
    expect(created.stderr).toContain("generated the development API key pepper");
    const list = await runCli(["keys", "list"], { cwd: dir });
    expect(list.stdout).toContain(`${id}\t${key.slice(0, 10)}…\tresearch\toffline\t`);

    const server = await serveCli({ cwd: dir, env: { CUSTOS_SHUTDOWN_GRACE_MS: "5000" } });
    try {
      await expectKeyWorks(server.url, key);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    // Written by the shutdown flush, well before the 5 s batch would have been due.
    const after = JSON.parse((await runCli(["keys", "list", "--json"], { cwd: dir })).stdout) as KeyInfo[];
    expect(after.find((k) => k.id === id)!.lastUsedAt).not.toBeNull();
  });

  it("with CUSTOS_DATA_DIR=memory:// and no server, refuses instead of writing to a throw-away database", async () => {
    const r = await runCli(["keys", "create", "--team", "t", "--name", "n"], { cwd: dir, env: { CUSTOS_DATA_DIR: "memory://" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("memory:// exists only inside a running server");
  });

  it("the server, and the CLI, refuse DATABASE_URL without CUSTOS_API_KEY_PEPPER (exit 2, naming the variable)", async () => {
    const env = { DATABASE_URL: "postgres://custos@127.0.0.1:1/none" };
    const serve = await runCli(["serve"], { cwd: dir, env });
    expect(serve.code, `${serve.signal ?? ""} ${serve.stderr}`).toBe(2);
    expect(serve.stderr).toContain("CUSTOS_API_KEY_PEPPER is required when DATABASE_URL is set");
    const keys = await runCli(["keys", "list"], { cwd: dir, env });
    expect(keys.code).toBe(2);
    expect(keys.stderr).toContain("CUSTOS_API_KEY_PEPPER");
  });
});

describe("/api/admin/keys", () => {
  let custos: TestCustos;
  const api = (token: string | undefined, init: RequestInit = {}, suffix = "") =>
    fetch(`${custos.url}/api/admin/keys${suffix}`, { ...init, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } });

  beforeAll(async () => {
    custos = await startCustos({ providers: testProviders(fake.url) });
  });

  afterAll(async () => {
    await custos?.close();
  });

  async function problem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-custos-error-code")).toBe(code);
    const body = (await res.json()) as { status: number; code: string; detail: string; type: string };
    expect(body).toMatchObject({ status, code, type: `urn:custos:error:${code}` });
    return body;
  }

  it("no credential: 401 problem+json with WWW-Authenticate", async () => {
    const res = await api(undefined);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="custos"');
    await problem(res, 401, "authentication_failed");
  });

  it("refuses callers without the admin role (403 problem+json), users, auditors and API keys alike", async () => {
    const admin = await custos.token("root", [], { roles: ["admin"] });
    const created = await api(admin, { method: "POST", body: JSON.stringify({ team: "research", name: "svc" }) });
    const { key } = (await created.json()) as { key: string };
    for (const token of [await custos.token("alice", ["research"]), await custos.token("aud", [], { roles: ["auditor", "auditor_content"] }), key]) {
      for (const [init, suffix] of [[{}, ""], [{ method: "POST", body: JSON.stringify({ team: "t", name: "n" }) }, ""], [{ method: "DELETE" }, "/some-id"]] as const) {
        const body = await problem(await api(token, init, suffix), 403, "forbidden");
        expect(body.detail).toBe("This needs the admin role.");
      }
    }
  });

  it("an admin creates (201, the key once), lists (never the key or its hash) and revokes", async () => {
    const admin = await custos.token("root", [], { roles: ["admin"] });
    const res = await api(admin, { method: "POST", body: JSON.stringify({ team: "research", name: "nightly", expires_in_days: 30 }) });
    expect(res.status).toBe(201);
    const { key, info } = (await res.json()) as { key: string; info: KeyInfo & { hash?: string } };
    expect(key).toMatch(KEY_LINE);
    expect(info).toMatchObject({ team: "research", name: "nightly", prefix: key.slice(0, 10), revokedAt: null });
    expect(info.hash).toBeUndefined();
    expect(info.createdBy).toMatch(/^dev:[A-Za-z0-9_-]{22}$/); // the creator by pseudonym, never the raw subject
    const listed = await (await api(admin)).text();
    expect(listed).toContain(info.id);
    expect(listed).not.toContain(key.slice(10));
    expect(listed).not.toContain('"hash"');
    const del = await api(admin, { method: "DELETE" }, `/${info.id}`);
    expect(del.status).toBe(200);
    expect(((await del.json()) as KeyInfo).revokedAt).not.toBeNull();
    await problem(await api(admin, { method: "DELETE" }, "/no-such-key"), 404, "not_found");
  });

  it("bad bodies are 400 problem+json naming the field", async () => {
    const admin = await custos.token("root", [], { roles: ["admin"] });
    const cases: [string, RegExp][] = [
      ["{not json", /must be JSON/],
      ["[]", /expected object/],
      ['"text"', /expected object/],
      [JSON.stringify({ team: "research" }), /^name: /],
      [JSON.stringify({ name: "x" }), /^team: /],
      [JSON.stringify({ team: "research", name: "x", extra: 1 }), /extra|Unrecognized/],
      [JSON.stringify({ team: "has space", name: "x" }), /team must be letters/],
      [JSON.stringify({ team: "research", name: "" }), /name must be 1 to 100 characters/],
      [JSON.stringify({ team: "research", name: "x".repeat(101) }), /name must be 1 to 100 characters/],
      [JSON.stringify({ team: "research", name: "x", expires_in_days: 0 }), /expires_in_days must be a whole number/],
      [JSON.stringify({ team: "research", name: "x", expires_in_days: 1.5 }), /expires_in_days must be a whole number/],
      [JSON.stringify({ team: "research", name: "x", expires_in_days: "90" }), /^expires_in_days: /],
    ];
    for (const [body, detail] of cases) {
      const p = await problem(await api(admin, { method: "POST", body }), 400, "invalid_request");
      expect(p.detail, body).toMatch(detail);
    }
  });
});

describe.runIf(DATABASE_URL)("custos keys with DATABASE_URL (directly on Postgres)", () => {
  const pepper = "test-pepper-0123456789abcdef";
  // The shared test database: this server writes events but leaves integration to others (no signing key needed).
  const env = { DATABASE_URL: DATABASE_URL!, CUSTOS_API_KEY_PEPPER: pepper, CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_AUDIT_INTEGRATE: "false" };
  let custos: TestCustos;
  let sql: postgres.Sql;
  let dir: string;

  beforeAll(async () => {
    await migrateShared();
    sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    dir = await mkdtemp(path.join(tmpdir(), "custos-keys-pg-"));
    custos = await startCustos({ providers: testProviders(fake.url), env });
  });

  afterAll(async () => {
    await custos?.close();
    await sql?.end({ timeout: 5 });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a key created by the CLI on Postgres works in a server; the row holds only the peppered hash; a CLI revoke reaches the server within 5 s", async () => {
    const name = `pg-${Date.now()}`;
    const { key, id } = createdKey(await runCli(["keys", "create", "--team", "research", "--name", name], { cwd: dir, env }));
    await expectKeyWorks(custos.url, key);

    const [row] = await sql`select * from api_keys where id = ${id}`;
    expect(row).toBeDefined();
    expect(row!.hash).toBe(hmac(pepper, key));
    expect(row!.prefix).toBe(key.slice(0, 10));
    expect(JSON.stringify(row)).not.toContain(key.slice(10));
    const list = await runCli(["keys", "list"], { cwd: dir, env });
    expect(list.stdout).toContain(`${id}\t${key.slice(0, 10)}…\tresearch\t${name}\t`);
    expect(list.stdout).not.toContain(key.slice(10));

    const used = await eventually(async () => (await sql`select last_used_at from api_keys where id = ${id}`)[0]?.last_used_at as Date | null, { timeoutMs: 8000, intervalMs: 200 });
    expect(used).toBeInstanceOf(Date);

    expect((await runCli(["keys", "revoke", id], { cwd: dir, env })).code).toBe(0);
    expect(await msUntilRefused(custos.url, key)).toBeLessThan(5000);
    await expect401(custos.url, key, /has been revoked/);
  });
});
