// The traffic the Overview and Policies tests look at: a server whose baseline denies one
// model and redacts e-mail addresses, a team with a shadow-mode rule, real calls through
// the fake provider, and one entry whose team, model and shadow rule are markup.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { POLICIES, XSS_TEAM } from "./search-fixture.ts";

// The same policies and markup team as the search tests' log.
export { POLICIES, XSS_TEAM };

export const XSS_MODEL = `<img src=x onerror=alert(1)>`;
export const XSS_RULE = `<svg onload=alert(2)>`;


export interface Traffic {
  fake: FakeProvider;
  custos: TestCustos;
  /** The fresh Postgres database when DATABASE_URL is set (else the server runs on PGlite). */
  db?: FreshDb;
  /** Calls made (each one llm.request or llm.denied), including the markup entry. */
  calls: number;
  denials: number;
}

async function chat(custos: TestCustos, team: string, model: string, content: string): Promise<number> {
  const res = await fetch(`${custos.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${await custos.token("alice", [team])}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function startTraffic(): Promise<Traffic> {
  const fake = await startFakeProvider();
  // With DATABASE_URL the queries run on real Postgres (a fresh database), else on PGlite.
  const db = DATABASE_URL ? await freshDatabase("custos_console_stats") : undefined;
  const custos = await startCustos({
    providers: testProviders(fake.url),
    policies: POLICIES,
    env: {
      CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "100",
      CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "20",
      ...(db
        ? {
            DATABASE_URL: db.url,
            CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url"),
            CUSTOS_KEK: randomBytes(32).toString("hex"),
            CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
          }
        : {}),
    },
  });
  expect(await chat(custos, "alpha", "gpt-4o", "Hello")).toBe(200);
  // Allowed (the rule is in shadow mode), and its e-mail address is redacted.
  expect(await chat(custos, "alpha", "gpt-4o-mini", "Write to ann@example.com please")).toBe(200);
  expect(await chat(custos, "beta", "gpt-4.1", "Hello")).toBe(403);
  expect(await chat(custos, "beta", "gpt-4o", "Hello again")).toBe(200);
  // Stored values with markup: a denied call's entry naming a team, a model and a shadow rule.
  custos.server.deps.audit.emit({
    type: "llm.denied",
    fields: {
      actor: { team: XSS_TEAM, subject: "p-xss" },
      request: { op: "chat", api: "/v1/chat/completions", stream: false, model: XSS_MODEL },
      status: 403,
      error: { code: "model_not_allowed" },
      policy: { version: "sha256:0000000000000000", sha256: "0".repeat(64), decision: "deny", rules: [], shadow: [{ rule: XSS_RULE, code: "model_not_allowed" }] },
    },
  });
  const t: Traffic = { fake, custos, calls: 5, denials: 2, ...(db ? { db } : {}) };
  // The writer batches: wait until every call's events are in the log.
  await eventually(async () => {
    const s = custos.server.deps.storage.audit;
    const [req, den, res] = await Promise.all([s.search({ type: "llm.request", limit: 10 }), s.search({ type: "llm.denied", limit: 10 }), s.search({ type: "llm.response", limit: 10 })]);
    return req.length === 3 && den.length === 2 && res.length === 3;
  });
  return t;
}

export async function stopTraffic(t: Traffic | undefined): Promise<void> {
  await t?.custos.close();
  await t?.fake.close();
  await t?.db?.drop();
}
