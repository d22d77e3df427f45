// Workers smoke test: the deployable bundle (built as `npm run build:worker` builds it)
// runs in workerd through Miniflare, against the fake provider on loopback, with the
// development issuer trusted by binding. With DATABASE_URL set, the request log lands
// in that Postgres (postgres.js over cloudflare:sockets); without it, /readyz says so.
// SHOW_WORKER_LOG=1 prints what the Worker logged.
import { generateSigningKey, verifyCheckpoint } from "../../src/audit/checkpoint.ts";
import { migrateShared } from "../helpers/pg.ts";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker, type WorkerBundle } from "../../scripts/build-worker.ts";
import { generateDevIssuerKey, mintDevToken, publicJwk } from "../../src/identity/dev-issuer.ts";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { compilePolicies } from "../../src/policy/compile.ts";
import { PACKAGE_ROOT, readPolicyTexts } from "../../src/runtime/node-files.ts";

const DATABASE_URL = process.env.DATABASE_URL || undefined;
const PROVIDER_KEY = "sk-provider-key-held-by-custos";
const BASE = "http://custos.test";

let bundle: WorkerBundle | undefined;
let fake: FakeProvider | undefined;
let mf: Miniflare | undefined;
let token = "";
const logLines: string[] = [];

/** The compatibility settings come from wrangler.toml, so the test runs what is deployed. */
async function wranglerCompat(): Promise<{ date: string; flags: string[] }> {
  const toml = await readFile("wrangler.toml", "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date || flags === undefined) throw new Error("wrangler.toml has no compatibility_date / compatibility_flags");
  return { date, flags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) };
}

function collect(stream: Readable): void {
  let rest = "";
  stream.on("data", (d: Buffer) => {
    const lines = (rest + d.toString()).split("\n");
    rest = lines.pop() ?? "";
    logLines.push(...lines);
  });
}

const chat = (model: string, init: { stream?: boolean; auth?: string | null; content?: string } = {}) =>
  mf!.dispatchFetch(`${BASE}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.auth === null ? {} : { authorization: `Bearer ${init.auth ?? token}` }),
    },
    body: JSON.stringify({ model, stream: init.stream ?? false, messages: [{ role: "user", content: init.content ?? "Summarise the quarterly report." }] }),
  });

let signing: Awaited<ReturnType<typeof generateSigningKey>>;

beforeAll(async () => {
  signing = await generateSigningKey();
  const key = await generateDevIssuerKey();
  token = await mintDevToken(key, { sub: "worker-smoke", teams: ["demo"], roles: ["user"], ttl: 600 });
  // A directory of its own inside the project tree (workerd refuses paths outside the cwd).
  [bundle, fake] = await Promise.all([buildWorker({ outDir: `dist-worker/test-${process.pid}` }), startFakeProvider()]);
  if (DATABASE_URL) await migrateShared();
  const compat = await wranglerCompat();
  mf = new Miniflare({
    modules: true,
    scriptPath: path.relative(process.cwd(), bundle.main),
    modulesRules: [{ type: "Text", include: ["**/*.yaml"] }],
    compatibilityDate: compat.date,
    compatibilityFlags: compat.flags,
    bindings: {
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: PROVIDER_KEY,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: PROVIDER_KEY,
      CUSTOS_DEV_ISSUER: "1",
      CUSTOS_DEV_ISSUER_JWK: JSON.stringify(publicJwk(key)),
      CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
      CUSTOS_API_KEY_PEPPER: "worker-test-pepper-0123456789",
      CUSTOS_SIGNING_KEY: JSON.stringify(signing),
      // Short, so the "provider never answers" case ends quickly; the fake answers at once otherwise.
      CUSTOS_UPSTREAM_HEADERS_TIMEOUT_MS: "1500",
      ...(DATABASE_URL ? { DATABASE_URL } : {}),
    },
    cf: false,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      collect(stdout);
      collect(stderr);
    },
  });
  await mf.ready;
});

afterAll(async () => {
  if (process.env.SHOW_WORKER_LOG) console.error(logLines.join("\n"));
  await mf?.dispose();
  await fake?.close();
  if (bundle) await rm(bundle.outDir, { recursive: true, force: true });
});

describe("the Worker bundle", () => {
  it("is a single module plus the policy files, without PGlite or any provider key", async () => {
    expect(bundle!.modules.map((m) => path.basename(m.path).replace(/^[0-9a-f]{40}-/, "")).sort()).toEqual([
      "demo.yaml",
      "hr.yaml",
      "identity.yaml",
      "org.yaml",
      "providers.yaml",
      "research.yaml",
      "server.yaml",
      "support.yaml",
      "worker.js",
    ]);
    for (const m of bundle!.modules) {
      const text = await readFile(m.path, "utf8");
      expect(text).not.toMatch(/pglite/i);
      expect(text).not.toContain(PROVIDER_KEY);
    }
    // The ${VAR}s are still there: they are resolved at run time, against the bindings.
    const providers = bundle!.modules.find((m) => m.path.endsWith("providers.yaml"))!;
    expect(await readFile(providers.path, "utf8")).toContain("${OPENAI_API_KEY");
  });
});

describe("Custos in workerd", () => {
  // With a database: without one, fail_closed refuses every call (503) before the policy is asked.
  it.runIf(DATABASE_URL)("decides with the team policies compiled in: the same version as on Node, and a rule's denial", async () => {
    const onNode = await compilePolicies(await readPolicyTexts(path.join(PACKAGE_ROOT, "policies")), {});
    expect(onNode.ok).toBe(true);
    const before = fake!.requests.length;
    const res = await chat("gpt-4o-audio-preview");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-custos-error-code")).toBe("model_not_allowed");
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("'models.approved'");
    expect(fake!.requests.length).toBe(before);
    const ok = await mf!.dispatchFetch(`${BASE}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.headers.get("x-custos-policy-version")).toBe(onNode.ok && onNode.value.version);
  });

  it("answers /healthz", async () => {
    const res = await mf!.dispatchFetch(`${BASE}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("proxies a chat completion to the provider with Custos's key, not the caller's token", async () => {
    const before = fake!.requests.length;
    const res = await chat("gpt-4o-mini");
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(res.headers.get("x-custos-endpoint")).toBe("openai");
    expect(res.headers.get("x-custos-region")).toBe("us");
    expect(res.headers.get("x-custos-policy-version")).toMatch(/^sha256:/);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe(FAKE_REPLY);

    const received = fake!.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe("/v1/chat/completions");
    expect(received[0]!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.stringify(received[0]!.headers)).not.toContain(token);

    if (DATABASE_URL) {
      const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        // The request event is committed before forwarding (fail_closed); the response event in waitUntil, after the response.
        const rows = async () => (await sql`select event_type, team, subject, model, status, provider, region from audit.event where event_id = ${id!}::uuid or request_event_id = ${id!}::uuid order by received_at`).map((r) => ({ ...r }));
        await expect.poll(rows, { timeout: 5000, interval: 100 }).toEqual([
          // The caller by pseudonym only, never the raw subject.
          { event_type: "llm.request", team: "demo", subject: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), model: "gpt-4o-mini", status: null, provider: "openai", region: "us" },
          { event_type: "llm.response", team: "demo", subject: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), model: "gpt-4o-mini", status: 200, provider: "openai", region: "us" },
        ]);
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("streams a chat completion as server-sent events ending in [DONE]", async () => {
    const res = await chat("gpt-4o-mini", { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const content = text
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
      .join("");
    expect(content).toBe(FAKE_REPLY);
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("a caller that stops reading a stream cancels the provider's stream", async () => {
    const before = fake!.cancelledStreams;
    const res = await chat("gpt-5+delay=20+chunks=200", { stream: true }) // gpt-5* is a catalogue prefix; the rest are fake-provider knobs;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => fake!.cancelledStreams, { timeout: 5000, interval: 50 }).toBeGreaterThan(before);
  });

  it("refuses a call without a token: 401 in OpenAI's error shape", async () => {
    const before = fake!.requests.length;
    const res = await chat("gpt-4o-mini", { auth: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-custos-error-code")).toBe("authentication_failed");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body).toEqual({ error: { message: expect.any(String), type: "authentication_error", code: "authentication_failed", param: null } });
    expect(fake!.requests.length).toBe(before);
  });

  it("refuses a token the development issuer did not sign", async () => {
    const other = await mintDevToken(await generateDevIssuerKey(), { sub: "mallory", teams: ["demo"], roles: ["user"], ttl: 600 });
    const res = await chat("gpt-4o-mini", { auth: other });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-custos-error-code")).toBe("authentication_failed");
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("answers the custos-echo model in-process", async () => {
    const res = await chat("custos-echo", { content: "echo this back" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-custos-endpoint")).toBe("echo");
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe("echo this back");
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("proxies Anthropic's Messages API with x-api-key", async () => {
    const before = fake!.requests.length;
    const res = await mf!.dispatchFetch(`${BASE}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-custos-endpoint")).toBe("anthropic");
    const body = (await res.json()) as { content: { type: string; text: string }[] };
    expect(body.content[0]!.text).toBe(FAKE_REPLY);
    const received = fake!.requests.slice(before);
    expect(received[0]!.headers["x-api-key"]).toBe(PROVIDER_KEY);
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  // Forwarding needs the audit log: without a database the Worker fails closed (tested below).
  it.runIf(DATABASE_URL)("maps a provider that sends no headers in time to 504 upstream_timeout", async () => {
    const started = Date.now();
    const res = await chat("gpt-4.1+hang");
    expect(res.status).toBe(504);
    expect(res.headers.get("x-custos-error-code")).toBe("upstream_timeout");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.runIf(DATABASE_URL)("its Cron Trigger integrates the requests' events and signs a checkpoint with CUSTOS_SIGNING_KEY", async () => {
    const res = await chat("gpt-4o-mini");
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id")!;
    const worker = await mf!.getWorker();
    const sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await expect.poll(async () => (await sql`select count(*)::int as n from audit.event where request_event_id = ${id}::uuid`)[0]!.n, { timeout: 5000 }).toBe(1);
      await worker.scheduled({ cron: "* * * * *" });
      await expect
        .poll(async () => {
          const leaf = (await sql`select log_index from audit.leaf where event_id = ${id}::uuid`)[0];
          const cp = (await sql`select max(tree_size)::int as size from audit.checkpoint`)[0];
          return leaf !== undefined && cp!.size > Number(leaf.log_index);
        }, { timeout: 10_000, interval: 200 })
        .toBe(true);
      const cp = (await sql`select note, jws from audit.checkpoint order by tree_size desc limit 1`)[0]!;
      const verified = await verifyCheckpoint({ note: cp.note as string, jws: cp.jws as string }, { kty: "OKP", crv: "Ed25519", x: signing.x }, "custos.local/audit");
      expect(verified.ok).toBe(true);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it.runIf(DATABASE_URL)("writes a call's spans to otel_spans under the caller's traceparent when the call ends", async () => {
    const trace = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join(""); // the database outlives runs
    const res = await mf!.dispatchFetch(`${BASE}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, traceparent: `00-${trace}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(fake!.requests.at(-1)!.headers.traceparent).toMatch(new RegExp(`^00-${trace}-`));
    const sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await expect
        .poll(async () => (await sql`select span_kind, span_name from otel_spans where trace_id = ${trace} order by span_kind`).map((r) => `${r.span_kind} ${r.span_name}`), { timeout: 5000 })
        .toEqual(["CLIENT chat gpt-4o-mini", "SERVER chat gpt-4o-mini"]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it.runIf(DATABASE_URL)("is ready when the database answers", async () => {
    const res = await mf!.dispatchFetch(`${BASE}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", storage: "postgres" });
  });

  it.runIf(!DATABASE_URL)("without a database it fails closed: every call is refused with 503 audit_unavailable and nothing reaches the provider", async () => {
    const before = fake!.requests.length;
    const res = await chat("gpt-4o-mini");
    expect(res.status).toBe(503);
    expect(res.headers.get("x-custos-error-code")).toBe("audit_unavailable");
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/audit log cannot record/);
    expect(fake!.requests.length).toBe(before);
  });

  it("refuses to serve with audit.on_failure fail_open (a Worker has no durable spool), naming the setting in its log", async () => {
    const lines: string[] = [];
    const other = new Miniflare({
      modules: true,
      scriptPath: path.relative(process.cwd(), bundle!.main),
      modulesRules: [{ type: "Text", include: ["**/*.yaml"] }],
      compatibilityDate: (await wranglerCompat()).date,
      compatibilityFlags: (await wranglerCompat()).flags,
      bindings: { CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_AUDIT_ON_FAILURE: "fail_open" },
      cf: false,
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        for (const s of [stdout, stderr]) s.on("data", (d: Buffer) => lines.push(d.toString()));
      },
    });
    try {
      const res = await other.dispatchFetch(`${BASE}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(res.status).toBe(500);
      await res.text();
      await expect.poll(() => lines.join("").includes("fail_open needs a durable spool"), { timeout: 5000 }).toBe(true);
    } finally {
      await other.dispose();
    }
  });

  it.runIf(!DATABASE_URL)("is not ready without a database, and says so in the log for every audit write it could not make", async () => {
    const res = await mf!.dispatchFetch(`${BASE}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-custos-error-code")).toBe("unavailable");
    await expect.poll(() => logLines.some((l) => l.includes("audit write failed") && l.includes("no database configured")), { timeout: 5000 }).toBe(true);
  });

  it("logs no uncaught error and never a credential", () => {
    expect(logLines.length).toBeGreaterThan(0);
    // e.g. postgres.js's end() in workerd leaves an unhandled "Stream was cancelled" (porsager/postgres#1202).
    expect(logLines.filter((l) => /uncaught|unhandled/i.test(l))).toEqual([]);
    for (const line of logLines) {
      expect(line).not.toContain(PROVIDER_KEY);
      expect(line).not.toContain(token);
    }
  });
});
