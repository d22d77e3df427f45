// Region pinning end to end through the official OpenAI SDK, with three fake providers on
// loopback standing in for an Azure deployment in the EU, a self-hosted EU server and
// OpenAI in the US. An EU team's data reaches only EU endpoints: normally, when the first EU
// endpoint fails (fallback within the EU), and when the whole EU is down (never the US).
// The same model name goes to the Azure EU deployment for EU teams and to OpenAI for others.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, startCustos, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

let azureEu: FakeProvider;
let localEu: FakeProvider;
let us: FakeProvider;
let custos: TestCustos;

const providers = () => `endpoints:
  - id: openai-us
    kind: openai
    base_url: ${us.url}/v1
    api_key: sk-upstream-us
    region: us-east-1
    jurisdiction: US
    priority: 1
    models: [gpt-4o]
  - id: azure-eu
    kind: azure-openai
    base_url: ${azureEu.url}
    api_key: azure-key-eu
    api_version: 2024-10-21
    region: westeurope
    jurisdiction: EU
    priority: 2
    models: [gpt-4o]
    model_names: { gpt-4o: gpt4o-eu-prod }
  - id: vllm-eu
    kind: openai-compatible
    base_url: ${localEu.url}/v1
    region: eu-central-1
    jurisdiction: EU
    priority: 3
    tags: [self_hosted]
    models: [gpt-4o]
    model_names: { gpt-4o: meta-llama/Llama-3.1-70B-Instruct }
  - id: claude-us
    kind: anthropic
    base_url: ${us.url}
    api_key: sk-ant-us
    region: us-east-1
    jurisdiction: US
    priority: 1
    models: [claude-sonnet-4-5]
  - id: claude-eu
    kind: anthropic
    base_url: ${azureEu.url}
    api_key: sk-ant-eu
    region: eu-central-1
    jurisdiction: EU
    priority: 2
    models: [claude-sonnet-4-5]
`;

const policies = {
  "org.yaml": "description: Routing test baseline.\nrules: []\n",
  "teams/eu.yaml": `team: eu
description: An EU-only team.
aliases:
  smart: gpt-4o
rules:
  - id: eu.only
    description: Data stays in the EU.
    regions:
      jurisdictions: [EU]
`,
  "teams/global.yaml": "team: global\ndescription: May use any region.\n",
  "teams/compliance.yaml": "team: compliance\ndescription: Auditors.\n",
  "teams/clinic.yaml": `team: clinic
description: Identity and medical numbers stay on our own servers instead of being redacted.
rules:
  - id: clinic.sensitive-at-home
    description: Prompts with national or medical ids go only to self-hosted endpoints.
    routing:
      when_prompt_has: [NATIONAL_ID, MEDICAL_ID]
      tags: [self_hosted]
`,
  "teams/strict.yaml": `team: strict
description: Identity numbers only to Swiss endpoints, of which there are none.
rules:
  - id: strict.ch
    description: National ids only in Switzerland.
    routing:
      when_prompt_has: [NATIONAL_ID]
      jurisdictions: [CH]
`,
};

beforeAll(async () => {
  [azureEu, localEu, us] = await Promise.all([startFakeProvider(), startFakeProvider(), startFakeProvider()]);
  custos = await startCustos({
    providers: providers(),
    policies,
    // the breaker opens after two failures in a row and stays open for the rest of the file
    env: { CUSTOS_ROUTING_BREAKER_FAILURES: "2", CUSTOS_ROUTING_BREAKER_OPEN_MS: "600000" },
  });
});

afterAll(async () => {
  await custos?.close();
  await Promise.all([azureEu?.close(), localEu?.close(), us?.close()]);
});

beforeEach(() => {
  for (const f of [azureEu, localEu, us]) {
    f.outage(undefined);
    f.requests.length = 0;
  }
});

const client = async (team: string, headers: Record<string, string> = {}) =>
  new OpenAI({ apiKey: await custos.token("alice", [team]), baseURL: `${custos.url}/v1`, maxRetries: 0, defaultHeaders: headers });

async function chat(team: string, headers: Record<string, string> = {}, content = "Hello") {
  const { data, response } = await (await client(team, headers)).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }] }).withResponse();
  return { data, endpoint: response.headers.get("x-custos-endpoint"), region: response.headers.get("x-custos-region"), id: response.headers.get("x-request-id")! };
}

async function refusal(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (e) {
    if (e instanceof OpenAI.APIError) return { status: e.status, code: (e.headers as Headers).get("x-custos-error-code"), message: e.message };
    throw e;
  }
  throw new Error("the call was not refused");
}

async function routeOf(requestId: string): Promise<Record<string, unknown>> {
  const auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  const entries = await eventually(async () => {
    const r = await fetch(`${custos.url}/api/audit/requests/${requestId}`, { headers: { authorization: `Bearer ${auditor}` } });
    if (r.status !== 200) return undefined;
    const events = ((await r.json()) as { events: { entry: Record<string, unknown> }[] }).events.map((e) => e.entry);
    return events.find((e) => e.type === "llm.response");
  });
  if (!entries) throw new Error(`no llm.response for ${requestId}`);
  return entries.route as Record<string, unknown>;
}

describe("region pinning", () => {
  it("the same model goes to the Azure EU deployment for an EU team, to OpenAI in the US for others", async () => {
    const eu = await chat("eu");
    expect(eu).toMatchObject({ endpoint: "azure-eu", region: "westeurope" });
    expect(azureEu.requests).toHaveLength(1);
    const sent = azureEu.requests[0]!;
    expect(sent.url).toBe("/openai/deployments/gpt4o-eu-prod/chat/completions?api-version=2024-10-21");
    expect(sent.headers["api-key"]).toBe("azure-key-eu");
    expect(sent.headers.authorization).toBeUndefined();
    expect(us.requests).toHaveLength(0);
    expect(await routeOf(eu.id)).toMatchObject({
      endpoint: "azure-eu",
      provider: "azure-openai",
      region: "westeurope",
      jurisdiction: "EU",
      requested_model: "gpt-4o",
      served_model: "gpt4o-eu-prod",
      candidates: ["azure-eu", "vllm-eu"],
      attempts: [{ endpoint: "azure-eu", outcome: "ok", status: 200 }],
    });

    const global = await chat("global");
    expect(global).toMatchObject({ endpoint: "openai-us", region: "us-east-1" });
    expect(us.requests).toHaveLength(1);
    expect(JSON.parse(us.requests[0]!.body).model).toBe("gpt-4o");
  });

  it("an alias resolves to the model first, then routing keeps it in the team's regions", async () => {
    const { response } = await (await client("eu")).chat.completions.create({ model: "smart", messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(response.headers.get("x-custos-endpoint")).toBe("azure-eu");
    expect(azureEu.requests[0]!.url).toContain("/openai/deployments/gpt4o-eu-prod/");
    expect(us.requests).toHaveLength(0);
  });

  it("Anthropic's API through its SDK: an EU team is served by the EU endpoint, others by the US one", async () => {
    const anthropic = async (team: string) => new Anthropic({ apiKey: await custos.token("alice", [team]), baseURL: custos.url, maxRetries: 0 });
    const eu = await (await anthropic("eu")).messages.create({ model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(eu.response.headers.get("x-custos-endpoint")).toBe("claude-eu");
    expect(azureEu.requests[0]!.headers["x-api-key"]).toBe("sk-ant-eu");
    expect(us.requests).toHaveLength(0);
    const global = await (await anthropic("global")).messages.create({ model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(global.response.headers.get("x-custos-endpoint")).toBe("claude-us");
  });

  it("x-custos-pin-region narrows a team's regions, and never widens them", async () => {
    expect(await chat("global", { "x-custos-pin-region": "EU" })).toMatchObject({ endpoint: "azure-eu" });
    expect(await chat("global", { "x-custos-pin-region": "eu-central-1" })).toMatchObject({ endpoint: "vllm-eu" });
    const wider = await refusal(() => chat("eu", { "x-custos-pin-region": "US" }));
    expect(wider).toMatchObject({ status: 403, code: "region_not_allowed" });
    expect(wider.message).toContain("EU");
    expect(wider.message).not.toContain("127.0.0.1");
    expect(await refusal(() => chat("global", { "x-custos-pin-region": "CH" }))).toMatchObject({ status: 403, code: "region_not_allowed" });
    expect(await refusal(() => chat("global", { "x-custos-pin-region": "EU;US" }))).toMatchObject({ status: 400, code: "invalid_request" });
    expect(us.requests).toHaveLength(0);
  });

  it("a streamed call falls back the same way, before any byte reaches the caller", async () => {
    azureEu.outage(429);
    const stream = await (await client("eu")).chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(stream.response.headers.get("x-custos-endpoint")).toBe("vllm-eu");
    let text = "";
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text.length).toBeGreaterThan(0);
    expect(us.requests).toHaveLength(0);
  });

  it("falls back within the EU when the first EU endpoint fails, and records each attempt", async () => {
    azureEu.outage(503);
    const r = await chat("eu");
    expect(r).toMatchObject({ endpoint: "vllm-eu", region: "eu-central-1" });
    expect(JSON.parse(localEu.requests[0]!.body).model).toBe("meta-llama/Llama-3.1-70B-Instruct");
    expect(us.requests).toHaveLength(0);
    expect(await routeOf(r.id)).toMatchObject({
      endpoint: "vllm-eu",
      attempts: [
        { endpoint: "azure-eu", outcome: "status", status: 503, region: "westeurope", jurisdiction: "EU" },
        { endpoint: "vllm-eu", outcome: "ok", status: 200 },
      ],
    });
  });

});

describe("risk-aware routing", () => {
  const withId = "Draft a letter about the refund. Steuer-ID: 65 929 970 489.";

  it("a prompt holding a national id goes only to a self-hosted endpoint, unredacted; the record says which rule and why", async () => {
    const r = await chat("clinic", {}, withId);
    expect(r.endpoint).toBe("vllm-eu");
    expect(us.requests).toHaveLength(0);
    expect(localEu.requests[0]!.body).toContain("65 929 970 489"); // routed instead of redacted
    expect(await routeOf(r.id)).toMatchObject({ endpoint: "vllm-eu", risk: [{ rule: "clinic.sensitive-at-home", found: ["NATIONAL_ID"], tags: ["self_hosted"] }] });
    // without one, the team's calls go where any team's go
    expect(await chat("clinic")).toMatchObject({ endpoint: "openai-us" });
  });

  it("no endpoint where the rule sends such prompts: 403 region_not_allowed naming the rule, nothing forwarded", async () => {
    const r = await refusal(() => chat("strict", {}, withId));
    expect(r).toMatchObject({ status: 403, code: "region_not_allowed" });
    expect(r.message).toContain("'strict.ch'");
    expect(r.message).toContain("NATIONAL_ID");
    expect(r.message).not.toContain("65 929");
    expect(azureEu.requests.length + localEu.requests.length + us.requests.length).toBe(0);
  });
});

// Last: it leaves the EU endpoints' breakers open for the rest of the file.
describe("an EU outage", () => {
  it("with the whole EU down, an EU team gets an error and nothing reaches the US; the breaker then keeps the failing endpoint out", async () => {
    azureEu.outage(500);
    localEu.outage(502);
    const down = await refusal(() => chat("eu"));
    expect(down.status).toBe(502);
    expect(us.requests).toHaveLength(0);
    // azure-eu has now failed twice in a row (here and in the fallback test): its breaker is
    // open, so it is no longer tried; vllm-eu opens on this call.
    azureEu.requests.length = 0;
    await refusal(() => chat("eu"));
    expect(azureEu.requests).toHaveLength(0);
    const none = await refusal(() => chat("eu"));
    expect(none).toMatchObject({ status: 503, code: "no_healthy_endpoint" });
    expect(none.message).toContain("EU");
    expect(us.requests).toHaveLength(0);
    // other teams are not held hostage: they still reach the US
    expect(await chat("global")).toMatchObject({ endpoint: "openai-us" });
  });
});
