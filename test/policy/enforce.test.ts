// The example policy set deciding real calls through the official SDKs: every denial code
// reaches the caller as the SDK's own 403 error naming the rule, nothing reaches the
// provider, and the audit record says which version and rules decided. Allowed calls carry
// their obligations: aliases, clamped output limits, EU-only routing, audit level, the AI system.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilePolicies } from "../../src/policy/compile.ts";
import { PACKAGE_ROOT, readPolicyTexts } from "../../src/runtime/node-files.ts";
import path from "node:path";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, startCustos, type TestCustos } from "../helpers/custos.ts";

let fake: FakeProvider;
let custos: TestCustos;
let version: string;

/** One EU and one US endpoint for the same models, a US-only Anthropic, and a provider the baseline does not approve. */
export const regionalProviders = (fakeUrl: string) => `endpoints:
  - id: echo
    kind: echo
    models: [custos-echo]
  - id: openai-eu
    kind: openai
    base_url: ${fakeUrl}/v1
    api_key: sk-upstream-eu
    region: eu-west-1
    jurisdiction: EU
    models: [gpt-4o, gpt-4o-mini, text-embedding-3-small]
  - id: openai-us
    kind: openai
    base_url: ${fakeUrl}/v1
    api_key: sk-upstream-us
    region: us-east-1
    jurisdiction: US
    models: [gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4o-audio-preview, text-embedding-3-small]
  - id: anthropic-us
    kind: anthropic
    base_url: ${fakeUrl}
    api_key: sk-ant-upstream
    region: us-east-1
    jurisdiction: US
    models: [claude-sonnet-4-5]
  - id: local-llm
    kind: openai-compatible
    base_url: ${fakeUrl}/v1
    region: eu-central-1
    jurisdiction: EU
    models: [llama-3-70b]
`;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({ providers: regionalProviders(fake.url), policies: "examples" });
  const bundle = await compilePolicies(await readPolicyTexts(path.join(PACKAGE_ROOT, "policies")), {});
  if (!bundle.ok) throw new Error("the example policies do not compile");
  version = bundle.value.version;
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

const openai = async (team: string) => new OpenAI({ apiKey: await custos.token("alice", [team]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
const anthropic = async (team: string) => new Anthropic({ apiKey: await custos.token("alice", [team]), baseURL: custos.url, maxRetries: 0 });
const hello = [{ role: "user" as const, content: "Hello" }];

/** The SDK's error for a call, with what Custos said about it. */
async function refusal(call: () => Promise<unknown>): Promise<{ status: number; code: string | null; message: string; version: string | null; requestId: string | null }> {
  try {
    await call();
  } catch (e) {
    if (e instanceof OpenAI.APIError || e instanceof Anthropic.APIError) {
      const h = e.headers as Headers | undefined;
      return { status: e.status ?? 0, code: h?.get("x-custos-error-code") ?? null, message: e.message, version: h?.get("x-custos-policy-version") ?? null, requestId: h?.get("x-request-id") ?? null };
    }
    throw e;
  }
  throw new Error("the call was not refused");
}

async function entriesOf(requestId: string): Promise<Record<string, unknown>[]> {
  const auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  const entries = await eventually(async () => {
    const r = await fetch(`${custos.url}/api/audit/requests/${requestId}`, { headers: { authorization: `Bearer ${auditor}` } });
    if (r.status !== 200) return undefined;
    return ((await r.json()) as { events: { entry: Record<string, unknown> }[] }).events.map((e) => e.entry);
  });
  if (!entries) throw new Error(`no audit events for ${requestId}`);
  return entries;
}

describe("denials through the official SDKs", () => {
  it.each([
    ["model_not_allowed", "models.approved", async () => (await openai("demo")).chat.completions.create({ model: "gpt-4o-audio-preview", messages: hello })],
    ["endpoint_not_allowed", "support.chat-only", async () => (await openai("support")).embeddings.create({ model: "text-embedding-3-small", input: "order history" })],
    ["stream_not_allowed", "hr.no-streaming", async () => (await anthropic("hr")).messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, stream: true, messages: hello })],
    ["output_too_large", "hr.no-streaming", async () => (await openai("hr")).chat.completions.create({ model: "gpt-4o", max_tokens: 8000, messages: hello })],
    ["input_too_large", "limits.baseline", async () => (await openai("demo")).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(1_100_000) }] })],
    ["region_not_allowed", "support.eu-only", async () => (await anthropic("support")).messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: hello })],
    ["model_not_allowed", "models.approved", async () => (await anthropic("research")).messages.create({ model: "llama-3-70b", max_tokens: 100, messages: hello })],
  ] as const)("%s by %s: a 403 the SDK raises, naming the rule; nothing forwarded; recorded", async (code, rule, call) => {
    const before = fake.requests.length;
    const r = await refusal(call);
    expect(r.status).toBe(403);
    expect(r.code).toBe(code);
    expect(r.message).toContain(`'${rule}'`);
    expect(r.message).not.toContain("Hello");
    expect(r.version).toBe(version);
    expect(fake.requests.length).toBe(before);
    const [denied] = await entriesOf(r.requestId!);
    expect(denied).toMatchObject({ type: "llm.denied", error: { code }, policy: { version, decision: "deny" } });
    if (code !== "region_not_allowed") expect(denied!.policy).toMatchObject({ denied_by: rule });
  });

  it("team_not_configured: a team without a policy file may do nothing, not even list models", async () => {
    const client = await openai("legal");
    const r = await refusal(() => client.chat.completions.create({ model: "custos-echo", messages: hello }));
    expect(r).toMatchObject({ status: 403, code: "team_not_configured" });
    expect(r.message).toContain("teams/legal.yaml");
    const list = await refusal(() => client.models.list());
    expect(list).toMatchObject({ status: 403, code: "team_not_configured" });
  });
});

describe("obligations of allowed calls", () => {
  it("an EU-only team is routed to the EU endpoint, its output limit clamped, its version in the header", async () => {
    const { response } = await (await openai("support")).chat.completions.create({ model: "gpt-4o-mini", max_tokens: 4000, messages: hello }).withResponse();
    expect(response.headers.get("x-custos-endpoint")).toBe("openai-eu");
    expect(response.headers.get("x-custos-region")).toBe("eu-west-1");
    expect(response.headers.get("x-custos-policy-version")).toBe(version);
    const up = fake.requests.at(-1)!;
    expect(up.headers.authorization).toBe("Bearer sk-upstream-eu");
    expect(JSON.parse(up.body)).toMatchObject({ model: "gpt-4o-mini", max_tokens: 2048 });
    const [request] = await entriesOf(response.headers.get("x-request-id")!);
    expect(request).toMatchObject({
      type: "llm.request",
      system: { ai_system_id: "support-assist", high_risk: false },
      policy: { version, decision: "allow", clamp: { output_tokens: 2048, rule: "support.chat-only" } },
      route: { endpoint: "openai-eu", jurisdiction: "EU" },
    });
    expect((request!.policy as { rules: string[] }).rules).toEqual(expect.arrayContaining(["models.approved", "support.eu-only", "support.chat-only"]));
  });

  it("an alias becomes the model it names; a call that names no limit gets the ceiling", async () => {
    await (await openai("demo")).chat.completions.create({ model: "fast", messages: hello });
    expect(JSON.parse(fake.requests.at(-1)!.body)).toMatchObject({ model: "gpt-4o-mini", max_completion_tokens: 16384 });
  });

  it("hr: encrypted content, a retention class and the high-risk AI system are in the record", async () => {
    const { response } = await (await openai("hr")).chat.completions.create({ model: "gpt-4o", messages: hello }).withResponse();
    expect(response.headers.get("x-custos-region")).toBe("eu-west-1");
    const entries = await entriesOf(response.headers.get("x-request-id")!);
    expect(entries[0]).toMatchObject({ system: { ai_system_id: "hr-assist", high_risk: true, annex_iii: "4a" }, retention: { class: "hr-6y" }, request: { input: { kid: expect.any(String) } } });
    // The demo team's calls keep hashes only (the server's floor): no content key.
    const { response: demo } = await (await openai("demo")).chat.completions.create({ model: "gpt-4o", messages: hello }).withResponse();
    const [plain] = await entriesOf(demo.headers.get("x-request-id")!);
    expect((plain!.request as { input: Record<string, unknown> }).input.kid).toBeUndefined();
    expect(plain!.system).not.toHaveProperty("ai_system_id");
  });

  it("a shadow rule's would-be denial is recorded and logged, and the call goes through unchanged", async () => {
    const { response } = await (await openai("research")).responses.create({ model: "gpt-4.1", max_output_tokens: 4000, input: "Summarise the papers" }).withResponse();
    expect(response.status).toBe(200);
    expect(JSON.parse(fake.requests.at(-1)!.body)).toMatchObject({ max_output_tokens: 4000 });
    const id = response.headers.get("x-request-id")!;
    const [request] = await entriesOf(id);
    expect(request).toMatchObject({ policy: { decision: "allow", shadow: [{ rule: "research.output-ceiling", code: "output_too_large" }] } });
    expect(custos.logs.some((l) => l.includes(id) && l.includes("research.output-ceiling") && l.includes("shadow"))).toBe(true);
  });
});

describe("GET /v1/models", () => {
  const ids = async (team: string) => (await (await openai(team)).models.list()).data.map((m) => m.id).sort();

  it("lists what the team may use, where its data may go, with its aliases", async () => {
    // Only what the EU endpoint serves (support.eu-only), and the baseline's alias for one of them.
    expect(await ids("support")).toEqual(["fast", "gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]);
    const demo = await ids("demo");
    expect(demo).toEqual(expect.arrayContaining(["custos-echo", "gpt-4o", "gpt-4.1", "claude-sonnet-4-5", "fast", "text-embedding-3-small"]));
    expect(demo).not.toContain("gpt-4o-audio-preview"); // denied by the baseline
    expect(demo).not.toContain("llama-3-70b"); // its provider is not approved
  });
});
