// The kill switch seen from the caller's side, through the official OpenAI SDK: an admin
// suspends an endpoint (calls move to the next allowed one), a model or a team (503
// `suspended`), and every allowed endpoint (503 `suspended`, nothing forwarded); each
// change is in force within 5 s and is an audit event; resuming brings calls back.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startCustos, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

let a: FakeProvider;
let b: FakeProvider;
let custos: TestCustos;
let admin: string;

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeProvider(), startFakeProvider()]);
  custos = await startCustos({
    providers: `endpoints:
  - id: eu-a
    kind: openai
    base_url: ${a.url}/v1
    region: eu-west-1
    jurisdiction: EU
    priority: 1
    models: [gpt-4o, gpt-4o-mini]
  - id: eu-b
    kind: openai
    base_url: ${b.url}/v1
    region: eu-central-1
    jurisdiction: EU
    priority: 2
    models: [gpt-4o, gpt-4o-mini]
`,
  });
  admin = await custos.token("root", ["demo"], { roles: ["admin"] });
});

afterAll(async () => {
  await custos?.close();
  await Promise.all([a?.close(), b?.close()]);
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${custos.url}/api/admin/suspensions${path}`, { method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });

async function call(team = "demo", model = "gpt-4o") {
  const client = new OpenAI({ apiKey: await custos.token("alice", [team]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
  try {
    const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }] }).withResponse();
    return { status: 200, endpoint: response.headers.get("x-custos-endpoint"), code: null as string | null };
  } catch (e) {
    if (e instanceof OpenAI.APIError) return { status: e.status, endpoint: null, code: (e.headers as Headers).get("x-custos-error-code") };
    throw e;
  }
}

describe("the kill switch", () => {
  it("a suspended endpoint is left out; resuming brings it back", async () => {
    expect(await call()).toMatchObject({ status: 200, endpoint: "eu-a" });
    expect((await api("POST", "", { kind: "endpoint", name: "eu-a", reason: "incident 42" })).status).toBe(201);
    expect(await eventually(async () => (await call()).endpoint === "eu-b", { timeoutMs: 5000, intervalMs: 100 })).toBe(true);
    expect((await api("DELETE", "/endpoint/eu-a")).status).toBe(200);
    expect(await eventually(async () => (await call()).endpoint === "eu-a", { timeoutMs: 5000, intervalMs: 100 })).toBe(true);
  });

  it("a suspended team or model gets 503 suspended, and nothing is forwarded", async () => {
    await api("POST", "", { kind: "team", name: "research" });
    await api("POST", "", { kind: "model", name: "gpt-4o-mini" });
    expect(await eventually(async () => (await call("research")).code === "suspended", { timeoutMs: 5000, intervalMs: 100 })).toBe(true);
    expect(await eventually(async () => (await call("demo", "gpt-4o-mini")).code === "suspended", { timeoutMs: 5000, intervalMs: 100 })).toBe(true);
    // in force: nothing of these reaches a provider
    const before = a.requests.length + b.requests.length;
    expect(await call("research")).toMatchObject({ status: 503, code: "suspended" });
    expect(await call("demo", "gpt-4o-mini")).toMatchObject({ status: 503, code: "suspended" });
    expect(a.requests.length + b.requests.length).toBe(before);
    expect(await call("demo", "gpt-4o")).toMatchObject({ status: 200 }); // others carry on
    await api("DELETE", "/team/research");
    await api("DELETE", "/model/gpt-4o-mini");
  });

  it("every allowed endpoint suspended: 503 suspended; each change was an audit event", async () => {
    await api("POST", "", { kind: "endpoint", name: "eu-a" });
    await api("POST", "", { kind: "endpoint", name: "eu-b" });
    expect(await eventually(async () => (await call()).code === "suspended", { timeoutMs: 5000, intervalMs: 100 })).toBe(true);
    await api("DELETE", "/endpoint/eu-a");
    await api("DELETE", "/endpoint/eu-b");
    const auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
    const types = await eventually(async () => {
      const r = await fetch(`${custos.url}/api/audit/events?type=routing.suspend&limit=50`, { headers: { authorization: `Bearer ${auditor}` } });
      if (r.status !== 200) return undefined;
      const events = ((await r.json()) as { events: { entry: { type: string } }[] }).events;
      return events.length >= 5 ? events.map((e) => e.entry.type) : undefined;
    });
    expect(types?.every((t) => t === "routing.suspend")).toBe(true);
  });
});
