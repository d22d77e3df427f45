// The official @anthropic-ai/sdk, pointed at a real Custos server with a fake
// provider behind it: messages JSON and streamed, tool use, and errors.
import { callSummary } from "../../src/audit/summary.ts";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

let fake: FakeProvider;
let custos: TestCustos;
let client: Anthropic;
let token: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({ providers: testProviders(fake.url) });
  token = await custos.token("carol", ["research"]);
  client = new Anthropic({ apiKey: token, baseURL: custos.url, maxRetries: 0 });
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

const ask = { max_tokens: 256, messages: [{ role: "user" as const, content: "Summarise the report." }] };

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Anthropic.APIError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("messages", () => {
  it("returns the provider's answer, with Custos's headers", async () => {
    const { data, response } = await client.messages.create({ model: "claude-fake-large", ...ask }).withResponse();
    expect(data.content[0]?.type === "text" && data.content[0].text).toBe(FAKE_REPLY);
    expect(data.stop_reason).toBe("end_turn");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("x-custos-endpoint")).toBe("fake-anthropic");
    expect(response.headers.get("x-custos-region")).toBe("eu-central-1");
  });

  it("sends Custos's provider key and the caller's anthropic-version, never the caller's token", async () => {
    await client.messages.create({ model: "claude-fake-small", ...ask }, { headers: { "anthropic-beta": "tools-2024-04-04" } });
    const up = fake.requests.at(-1)!;
    expect(up.path).toBe("/v1/messages");
    expect(up.headers["x-api-key"]).toBe("sk-ant-upstream");
    expect(up.headers.authorization).toBeUndefined();
    expect(up.headers["anthropic-version"]).toBeTruthy();
    expect(up.headers["anthropic-beta"]).toBe("tools-2024-04-04");
    expect(JSON.stringify(up.headers)).not.toContain(token);
  });

  it("streams with the SDK's stream helper and with raw events", async () => {
    let text = "";
    const s = client.messages.stream({ model: "claude-fake-large", ...ask });
    s.on("text", (t) => (text += t));
    const final = await s.finalMessage();
    expect(text).toBe(FAKE_REPLY);
    expect(final.usage.output_tokens).toBeGreaterThan(0);

    const raw = await client.messages.create({ model: "claude-fake-large", ...ask, stream: true });
    const types: string[] = [];
    for await (const ev of raw) types.push(ev.type);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
  });

  it("passes tool use through, JSON and streamed", async () => {
    const tools = [{ name: "get_weather", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } }];
    const json = await client.messages.create({ model: "claude-x+tools", ...ask, tools });
    const use = json.content.find((b) => b.type === "tool_use");
    expect(json.stop_reason).toBe("tool_use");
    expect(use?.type === "tool_use" && use.input).toEqual({ city: "Paris", unit: "celsius" });

    const final = await client.messages.stream({ model: "claude-x+tools", ...ask, tools }).finalMessage();
    const streamed = final.content.find((b) => b.type === "tool_use");
    expect(streamed?.type === "tool_use" && streamed.input).toEqual({ city: "Paris", unit: "celsius" });
  });

  it("the echo provider speaks the Messages API too", async () => {
    const r = await client.messages.create({ model: "custos-echo", max_tokens: 10, messages: [{ role: "user", content: [{ type: "text", text: "echo me" }] }] });
    expect(r.content[0]?.type === "text" && r.content[0].text).toBe("echo me");
    let text = "";
    const s = client.messages.stream({ model: "custos-echo", max_tokens: 10, messages: [{ role: "user", content: "and me too" }] });
    s.on("text", (t) => (text += t));
    await s.finalMessage();
    expect(text).toBe("and me too");
  });

  it("lists models in Anthropic's shape", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain("custos-echo");
  });
});

describe("errors keep Anthropic's shape", () => {
  it("bad credential: 401 AuthenticationError", async () => {
    const bad = new Anthropic({ apiKey: "nope", baseURL: custos.url, maxRetries: 0 });
    const e = await failure(bad.messages.create({ model: "claude-fake-large", ...ask }));
    expect(e).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(e.headers?.get("x-custos-error-code")).toBe("authentication_failed");
    expect((e.error as { type: string; error: { type: string } }).error.type).toBe("authentication_error");
  });

  it("the x-api-key header is accepted as the Custos credential too", async () => {
    const r = await fetch(`${custos.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": token, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "custos-echo", ...ask }),
    });
    expect(r.status).toBe(200);
    expect(fake.requests.every((q) => q.headers["x-api-key"] !== token)).toBe(true);
  });

  it("unknown model: 404 NotFoundError", async () => {
    const e = await failure(client.messages.create({ model: "gpt-4o-mini", ...ask }));
    // gpt-4o-mini exists but only behind an OpenAI endpoint: 400; an unknown one is 404.
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    const nf = await failure(client.messages.create({ model: "nobody-knows", ...ask }));
    expect(nf).toBeInstanceOf(Anthropic.NotFoundError);
    expect((nf.error as { error: { type: string } }).error.type).toBe("not_found_error");
  });

  it("provider 429: RateLimitError with Retry-After; provider 400: BadRequestError", async () => {
    const limited = await failure(client.messages.create({ model: "claude-x+error=429", ...ask }));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.headers?.get("retry-after")).toBe("7");
    const bad = await failure(client.messages.create({ model: "claude-x+error=400", ...ask }));
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("provider 401: 502 upstream_auth_failed (an InternalServerError, not the caller's fault)", async () => {
    const e = await failure(client.messages.create({ model: "claude-x+error=401", ...ask }));
    expect(e).toBeInstanceOf(Anthropic.InternalServerError);
    expect(e.status).toBe(502);
    expect(e.headers?.get("x-custos-error-code")).toBe("upstream_auth_failed");
  });

  it("a provider stream that breaks off ends the client's stream with an API error event and is recorded", async () => {
    const { data: stream, response } = await client.messages.create({ model: "claude-x+break", ...ask, stream: true }).withResponse();
    await expect(
      (async () => {
        for await (const _ of stream) {
          /* read until it breaks */
        }
      })(),
    ).rejects.toThrow(/broke off/);
    const id = response.headers.get("x-request-id")!;
    const row = await eventually(async () => {
      await custos.server.deps.audit.flush();
      return callSummary(custos.server.deps.storage.audit, id);
    });
    expect(row?.errorCode).toBe("upstream_error");
  });
});
