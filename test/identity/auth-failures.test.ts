// A flood of bad credentials is counted, not recorded one by one: per source, reason and
// route over a window, one auth.failures audit event each, and no per-request events.
// Nothing an attacker chooses (the token's iss, the path under /api) may make an event of its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "../../src/audit/summary.ts";
import { startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { startIdp, type TestIdp } from "../helpers/idp.ts";

let fake: FakeProvider;
let idp: TestIdp;
let custos: TestCustos;

beforeAll(async () => {
  fake = await startFakeProvider();
  idp = await startIdp({ path: "/corp" });
  custos = await startCustos({
    providers: testProviders(fake.url),
    identityYaml: `
development_issuer:
  trusted: true
issuers:
  - name: corp
    issuer: ${idp.issuer}
    audience: custos
    teams: [{ regex: "grp-ai-(.*)", team: "$1" }]
`,
  });
});

afterAll(async () => {
  await custos?.close();
  await idp?.close();
  await fake?.close();
});

/** n requests, 20 at a time (bounded). */
async function flood(n: number, req: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, j) => (await req(i + j)).status));
    statuses.push(...batch);
  }
  return statuses;
}

const chat = (headers: Record<string, string>) =>
  fetch(`${custos.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }) });

interface FailureRow {
  id: string;
  source: string;
  reason: string;
  route: string;
  count: number;
  windowStart: Date;
  windowEnd: Date;
}

async function events(type: string) {
  await custos.server.deps.audit.flush();
  return custos.server.deps.storage.audit.search({ type, limit: 10_000 });
}

async function failuresSince(mark: Set<string>): Promise<FailureRow[]> {
  return (await events("auth.failures"))
    .filter((r) => !mark.has(r.eventId))
    .map((r) => {
      const e = decodeEntry(r) as { source: string; reason: string; route: string; count: number; window: { start: string; end: string } };
      return { id: r.eventId, source: e.source, reason: e.reason, route: e.route, count: e.count, windowStart: new Date(e.window.start), windowEnd: new Date(e.window.end) };
    });
}

async function mark(): Promise<Set<string>> {
  return new Set((await events("auth.failures")).map((r) => r.eventId));
}

const sum = (rows: FailureRow[]) => rows.reduce((n, r) => n + r.count, 0);
const callEvents = async () => (await events("llm.request")).length + (await events("llm.denied")).length;

describe("authentication failure aggregation", () => {
  it("200 requests with the same bad token make one event (or two, across a window edge) with the right count, and no per-request events", async () => {
    const seen = await mark();
    const logBefore = await callEvents();
    const expired = await idp.mint({ groups: ["grp-ai-x"] }, { now: Date.now() - 3_600_000 });
    const statuses = await flood(200, () => chat({ authorization: `Bearer ${expired}` }));
    expect(statuses.every((s) => s === 401)).toBe(true);

    const rows = await failuresSince(seen);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(sum(rows)).toBe(200);
    for (const r of rows) {
      expect(r).toMatchObject({ reason: "ERR_JWT_EXPIRED", route: "/v1/chat/completions" });
      expect(r.source).toBe("127.0.0.0/24"); // truncated: a flood's origin, not a person
      expect(r.windowEnd.getTime()).toBeGreaterThanOrEqual(r.windowStart.getTime());
      expect(JSON.stringify(r)).not.toContain(expired.split(".")[1]!);
    }
    expect(await callEvents()).toBe(logBefore);
    expect(fake.requests.length).toBe(0);
  });

  it("each reason is its own row: missing, malformed, not a JWT, unknown API key", async () => {
    const seen = await mark();
    await flood(10, () => chat({}));
    await flood(10, () => chat({ authorization: "Basic Zm9vOmJhcg==" }));
    await flood(10, () => chat({ authorization: "Bearer nope" }));
    await flood(10, () => chat({ "x-api-key": `cst_${"A".repeat(43)}` }));
    const rows = await failuresSince(seen);
    const byReason = new Map<string, number>();
    for (const r of rows) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + r.count);
    expect(Object.fromEntries(byReason)).toEqual({ "missing credential": 10, "malformed authorization header": 10, "not a JWT": 10, "unknown api key": 10 });
  });

  it("tokens naming 200 different issuers do not make 200 rows", async () => {
    const seen = await mark();
    const statuses = await flood(200, async (i) => chat({ authorization: `Bearer ${await idp.mint({ iss: `https://issuer-${i}.evil.example/` })}` }));
    expect(statuses.every((s) => s === 401)).toBe(true);
    const rows = await failuresSince(seen);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(sum(rows)).toBe(200);
    expect(rows.every((r) => r.reason === "untrusted iss")).toBe(true);
  });

  it("bad credentials on 100 different /api paths do not make 100 rows", async () => {
    const seen = await mark();
    const statuses = await flood(100, (i) => fetch(`${custos.url}/api/admin/keys/key-${i}-${Math.random().toString(36).slice(2)}`, { method: "DELETE", headers: { authorization: "Bearer not-a-token" } }));
    expect(statuses.every((s) => s === 401)).toBe(true);
    const rows = await failuresSince(seen);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(sum(rows)).toBe(100);
    expect(rows.every((r) => r.route === "/api/*" && r.reason === "not a JWT")).toBe(true);
  });

  it("bad credentials on GET /v1/models and /v1/models/{id} are counted under one route", async () => {
    const seen = await mark();
    const statuses = await flood(40, (i) => fetch(`${custos.url}/v1/models${i % 2 ? `/m-${i}` : ""}`, { headers: { authorization: "Bearer not-a-token" } }));
    expect(statuses.every((s) => s === 401)).toBe(true);
    const rows = await failuresSince(seen);
    expect(sum(rows)).toBe(40);
    expect(rows.every((r) => r.route === "/v1/models" && r.reason === "not a JWT")).toBe(true);
  });
});
