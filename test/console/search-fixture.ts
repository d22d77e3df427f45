// The log the search, event and export tests look at: a baseline that denies one model and
// redacts e-mail addresses, a team with a shadow rule, real calls through the fake provider
// (one with markup in its prompt), and one stored entry whose team and model are markup.
// Returns once a signed checkpoint covers every event.
import { expect } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { eventProof } from "../../src/audit/proof-file.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

export const XSS_TEAM = `<b id="xss-team">t</b>`;
export const XSS_MODEL = `<img src=x id="xss-model" onerror=alert(1)>`;
export const XSS_PROMPT = `<img src=x id="xss-prompt" onerror=alert(3)>`;

/** A baseline that denies one model and redacts e-mail addresses, and a team with a shadow-mode rule (also the Overview and Policies tests' policies). */
export const POLICIES: Record<string, string> = {
  "org.yaml": `description: Test baseline
rules:
  - id: base.no-gpt41
    description: GPT-4.1 is not approved for use
    models:
      deny: ["gpt-4.1"]
  - id: base.pii
    description: E-mail addresses are redacted before they leave
    pii:
      prompt:
        EMAIL: redact
`,
  "teams/alpha.yaml": `team: alpha
description: The alpha team
rules:
  - id: alpha.no-mini
    description: Alpha is moving off gpt-4o-mini (watching first)
    mode: shadow
    models:
      deny: ["gpt-4o-mini"]
`,
  "teams/beta.yaml": `team: beta
description: The beta team
`,
};

export interface Log {
  fake: FakeProvider;
  custos: TestCustos;
  /** x-request-id of each call, in order: alpha gpt-4o, alpha gpt-4o-mini (email), beta gpt-4.1 (denied), beta gpt-4o (markup prompt). */
  calls: string[];
  /** The event id of the stored markup entry. */
  xss: string;
  /** The database, when DATABASE_URL runs the tests on Postgres (else PGlite in memory). */
  db?: FreshDb;
}

async function chat(custos: TestCustos, team: string, model: string, content: string): Promise<{ status: number; id: string }> {
  const res = await fetch(`${custos.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${await custos.token("alice", [team])}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, id: res.headers.get("x-request-id")! };
}

/** What a server on Postgres needs besides the URL (on PGlite it makes development ones). */
async function postgresEnv(db: FreshDb): Promise<Record<string, string>> {
  return { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: "console-search-pepper-0123456789abcdef", CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) };
}

export async function startLog(prefix: string): Promise<Log> {
  const fake = await startFakeProvider();
  const db = DATABASE_URL ? await freshDatabase(prefix) : undefined;
  const custos = await startCustos({ providers: testProviders(fake.url), policies: POLICIES, env: { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "100", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "20", ...(db ? await postgresEnv(db) : {}) } });
  const calls: string[] = [];
  for (const [team, model, content, status] of [
    ["alpha", "gpt-4o", "Hello", 200],
    ["alpha", "gpt-4o-mini", "Write to ann@example.com please", 200],
    ["beta", "gpt-4.1", "Hello", 403],
    ["beta", "gpt-4o", XSS_PROMPT, 200],
  ] as const) {
    const r = await chat(custos, team, model, content);
    expect(r.status).toBe(status);
    calls.push(r.id);
  }
  const { eventId: xss } = custos.server.deps.audit.emit({
    type: "llm.denied",
    fields: {
      actor: { team: XSS_TEAM, subject: "p-xss" },
      request: { op: "chat", api: "/v1/chat/completions", stream: false, model: XSS_MODEL },
      status: 403,
      error: { code: "model_not_allowed" },
      policy: { version: "sha256:0000000000000000", sha256: "0".repeat(64), decision: "deny", rules: [], denied_by: "gone.rule" },
    },
  });
  const store = custos.server.deps.storage.audit;
  await eventually(
    async () => {
      const [req, den, res] = await Promise.all([store.search({ type: "llm.request", limit: 10 }), store.search({ type: "llm.denied", limit: 10 }), store.search({ type: "llm.response", limit: 10 })]);
      if (req.length !== 3 || den.length !== 2 || res.length !== 3) return false;
      const newest = (await store.search({ limit: 1 }))[0]!;
      return typeof (await eventProof(store, custos.server.deps.sha256, newest.eventId)) !== "string";
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  return { fake, custos, calls, xss, ...(db ? { db } : {}) };
}

export async function stopLog(l: Log | undefined): Promise<void> {
  await l?.custos.close();
  await l?.fake.close();
  await l?.db?.drop();
}
