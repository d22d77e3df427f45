// The official openai SDK, pointed at a real Custos server with a fake provider
// behind it: JSON, streaming, tools, the Responses and Embeddings APIs, and errors.
import { callSummary } from "../../src/audit/summary.ts";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

let fake: FakeProvider;
let custos: TestCustos;
let client: OpenAI;
let token: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({ providers: testProviders(fake.url) });
  token = await custos.token("alice", ["demo"]);
  client = new OpenAI({ apiKey: token, baseURL: `${custos.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

const lastUpstream = () => fake.requests.at(-1)!;

describe("chat completions", () => {
  it("returns the provider's answer unchanged, with Custos's headers", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Summarise the report." }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(FAKE_REPLY);
    expect(data.model).toBe("gpt-4o-mini");
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.headers.get("x-custos-endpoint")).toBe("fake-openai");
    expect(response.headers.get("x-custos-region")).toBe("eu-west-1");
    expect(response.headers.get("x-custos-policy-version")).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("forwards the body byte for byte and injects the provider key in place of the caller's token", async () => {
    const body = { model: "gpt-4o", messages: [{ role: "user" as const, content: "Ünïcödé ✓ and \"quotes\"" }], temperature: 0.3 };
    await client.chat.completions.create(body);
    const up = lastUpstream();
    expect(up.path).toBe("/v1/chat/completions");
    expect(JSON.parse(up.body)).toEqual(body);
    expect(up.headers.authorization).toBe("Bearer sk-upstream-openai");
    expect(JSON.stringify(up.headers)).not.toContain(token);
    expect(up.headers["x-custos-team"]).toBeUndefined();
  });

  it("streams the answer as it arrives, ending in [DONE], usage included when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage: number | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage.total_tokens;
    }
    expect(text).toBe(FAKE_REPLY);
    expect(chunks).toBeGreaterThan(10);
    expect(usage).toBeGreaterThan(0);
  });

  it("a stream the caller did not ask usage for: Custos asks the provider, records the usage, and the caller never sees that chunk", async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }).withResponse();
    let usageChunks = 0;
    let emptyChoices = 0;
    for await (const chunk of stream) {
      if (chunk.usage) usageChunks++;
      if (chunk.choices.length === 0) emptyChoices++;
    }
    expect(usageChunks).toBe(0);
    expect(emptyChoices).toBe(0);
    expect(JSON.parse(lastUpstream().body)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const id = response.headers.get("x-request-id")!;
    const summary = await eventually(async () => {
      const s = await callSummary(custos.server.deps.storage.audit, id);
      return s?.usage ? s : undefined;
    });
    expect(summary).toMatchObject({ stream: true, status: 200, finish: ["stop"], usage: { input: expect.any(Number), output: expect.any(Number) } });
    expect(summary!.usage!.output).toBeGreaterThan(0);
  });

  it("passes tool calls through, JSON and streamed (deltas assembled by the SDK)", async () => {
    const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const json = await client.chat.completions.create({ model: "fake-model+tools", messages: [{ role: "user", content: "weather?" }], tools });
    const call = json.choices[0]!.message.tool_calls![0]!;
    expect(json.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type === "function" && call.function.name).toBe("get_weather");
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });

    const runner = client.chat.completions.stream({ model: "fake-model+tools", messages: [{ role: "user", content: "weather?" }], tools });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === "function" && JSON.parse(streamed.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });
  });

  it("the echo provider answers with the prompt as Custos forwarded it", async () => {
    const r = await client.chat.completions.create({ model: "custos-echo", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "Hello, Custos!" }] });
    expect(r.choices[0]!.message.content).toBe("Hello, Custos!");
    let streamed = "";
    for await (const c of await client.chat.completions.create({ model: "custos-echo", messages: [{ role: "user", content: "one two three" }], stream: true })) {
      streamed += c.choices[0]?.delta?.content ?? "";
    }
    expect(streamed).toBe("one two three");
  });
});

describe("responses and embeddings", () => {
  it("responses: JSON and streamed", async () => {
    const r = await client.responses.create({ model: "gpt-4o-mini", input: "Summarise." });
    expect(r.output_text).toBe(FAKE_REPLY);
    const stream = await client.responses.create({ model: "gpt-4o-mini", input: "Summarise.", stream: true });
    let text = "";
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === "response.output_text.delta") text += ev.delta;
      if (ev.type === "response.completed") completed = true;
    }
    expect(text).toBe(FAKE_REPLY);
    expect(completed).toBe(true);
    expect(lastUpstream().path).toBe("/v1/responses");
  });

  it("responses: function calls", async () => {
    const r = await client.responses.create({ model: "fake-model+tools", input: "weather?", tools: [{ type: "function", name: "get_weather", parameters: {}, strict: false }] });
    const call = r.output.find((o) => o.type === "function_call");
    expect(call && call.type === "function_call" && call.name).toBe("get_weather");
  });

  it("embeddings: the SDK's default base64 encoding and plain floats both decode", async () => {
    const b64 = await client.embeddings.create({ model: "fake-embed", input: ["alpha", "beta"], dimensions: 8 });
    expect(b64.data).toHaveLength(2);
    expect(b64.data[0]!.embedding).toHaveLength(8);
    const floats = await client.embeddings.create({ model: "fake-embed", input: "alpha", dimensions: 8, encoding_format: "float" });
    expect(floats.data[0]!.embedding.map((x) => x.toFixed(5))).toEqual(b64.data[0]!.embedding.map((x) => x.toFixed(5)));
  });

  it("lists the catalogue's models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain("custos-echo");
    expect(ids.some((i) => i.endsWith("*"))).toBe(false);
    expect((await client.models.retrieve("custos-echo")).id).toBe("custos-echo");
    await expect(client.models.retrieve("nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("errors keep OpenAI's shape, so the SDK raises its own classes", () => {
  const chat = (model: string, c: OpenAI = client) => c.chat.completions.create({ model, messages: [{ role: "user", content: "secret prompt text 4711" }] });

  async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    try {
      await p;
    } catch (e) {
      if (e instanceof OpenAI.APIError) return e;
      throw e;
    }
    throw new Error("expected the call to fail");
  }

  it("no credential, a bad one, or an expired one: 401 AuthenticationError", async () => {
    const r = await fetch(`${custos.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(r.status).toBe(401);
    expect(r.headers.get("x-custos-error-code")).toBe("authentication_failed");
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("authentication_error");

    const bad = await failure(chat("gpt-4o", new OpenAI({ apiKey: "not-a-jwt", baseURL: `${custos.url}/v1`, maxRetries: 0 })));
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(bad.code).toBe("authentication_failed");

    const expired = await custos.token("alice", ["demo"], { ttl: 60, now: Date.now() - 3600_000 });
    const old = await failure(chat("gpt-4o", new OpenAI({ apiKey: expired, baseURL: `${custos.url}/v1`, maxRetries: 0 })));
    expect(old).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(old.message).toContain("expired");
  });

  it("team selection: x-custos-team must be one of the caller's teams; several teams need it", async () => {
    const multi = await custos.token("bob", ["alpha", "beta"]);
    const c = new OpenAI({ apiKey: multi, baseURL: `${custos.url}/v1`, maxRetries: 0 });
    const required = await failure(chat("custos-echo", c));
    expect(required).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(required.code).toBe("team_required");
    const chosen = await c.chat.completions.create({ model: "custos-echo", messages: [{ role: "user", content: "x" }] }, { headers: { "x-custos-team": "beta" } });
    expect(chosen.choices[0]!.message.content).toBe("x");
    const notMine = await failure(c.chat.completions.create({ model: "custos-echo", messages: [{ role: "user", content: "x" }] }, { headers: { "x-custos-team": "gamma" } }));
    expect(notMine.code).toBe("team_not_allowed");
  });

  it("an unknown model: 404 NotFoundError naming the model", async () => {
    const e = await failure(chat("no-such-model"));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e.code).toBe("model_not_found");
    expect(e.message).toContain("no-such-model");
    expect(e.headers?.get("x-custos-error-code")).toBe("model_not_found");
  });

  it("a model whose provider does not offer the API: 400", async () => {
    const e = await failure(chat("claude-sonnet-4-5"));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.message).toContain("/v1/messages".replace("messages", "chat/completions"));
  });

  it("provider 400 passes through with its param and a safe message", async () => {
    const e = await failure(chat("fake-model+error=400"));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe("temperature");
    expect(e.message).toContain("temperature");
    expect(e.headers?.get("x-custos-error-code")).toBe("invalid_request");
  });

  it("provider 429 passes through with Retry-After", async () => {
    const e = await failure(chat("fake-model+error=429"));
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e.headers?.get("retry-after")).toBe("7");
    expect(e.headers?.get("x-custos-error-code")).toBe("upstream_rate_limited");
  });

  it("provider 401/403 (Custos's own key is wrong) becomes 502 upstream_auth_failed, never a 401", async () => {
    for (const status of [401, 403]) {
      const e = await failure(chat(`fake-model+error=${status}`));
      expect(e.status).toBe(502);
      expect(e).toBeInstanceOf(OpenAI.InternalServerError);
      expect(e.code).toBe("upstream_auth_failed");
    }
  });

  it("provider 5xx: 502 upstream_error", async () => {
    const e = await failure(chat("fake-model+error=503"));
    expect(e.status).toBe(502);
    expect(e.code).toBe("upstream_error");
  });

  it("unreachable provider: 502; too slow: 504", async () => {
    const dead = await failure(chat("dead-model"));
    expect(dead.status).toBe(502);
    expect(dead.code).toBe("upstream_error");
    expect(dead.message).toContain("'dead'");
    const slow = await failure(chat("slow-model+hang"));
    expect(slow.status).toBe(504);
    expect(slow.code).toBe("upstream_timeout");
  });

  it("malformed JSON, a non-object body, a missing model: 400 naming the fault", async () => {
    const post = (body: string) => fetch(`${custos.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    for (const [body, fragment] of [["{not json", "not valid JSON"], ["[1,2]", "JSON object"], ['{"messages":[]}', "'model'"], ['{"model":"gpt-4o","stream":"yes"}', "'stream'"]] as const) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.headers.get("x-custos-error-code")).toBe("invalid_request");
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain(fragment);
    }
  });

  it("no response or log line echoes the token or the prompt", () => {
    const all = custos.logs.join("\n");
    expect(all).not.toContain(token);
    expect(all).not.toContain("secret prompt text 4711");
    expect(all).not.toContain("sk-upstream-openai");
  });
});

describe("broken streams", () => {
  it("a provider that breaks off mid-stream: the SDK raises an error instead of returning a truncated answer", async () => {
    const stream = await client.chat.completions.create({ model: "fake-model+break", messages: [{ role: "user", content: "x" }], stream: true });
    let text = "";
    await expect(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
      })(),
    ).rejects.toThrow(/broke off/);
    expect(FAKE_REPLY.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(FAKE_REPLY.length);
  });
});

describe("client abort", () => {
  it("a client that disconnects mid-stream cancels the upstream request, and the call is recorded as such", async () => {
    const before = fake.cancelledStreams;
    const ac = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: "fake-model+delay=20+chunks=200", messages: [{ role: "user", content: "long answer please" }], stream: true }, { signal: ac.signal })
      .withResponse();
    let seen = 0;
    try {
      for await (const _ of stream) {
        if (++seen === 3) ac.abort();
      }
    } catch (e) {
      expect(e).toBeInstanceOf(OpenAI.APIUserAbortError);
    }
    expect(seen).toBe(3);
    expect(await eventually(() => fake.cancelledStreams > before)).toBe(true);
    const id = response.headers.get("x-request-id")!;
    const row = await eventually(async () => {
      await custos.server.deps.audit.flush();
      return callSummary(custos.server.deps.storage.audit, id);
    });
    expect(row?.errorCode).toBe("client_closed_request");
    expect(row?.status).toBe(200);
    // The record names the caller by pseudonym only (audit spec R8), never by subject.
    expect(row?.subject).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(row?.credential).toBe("dev");
    expect(row?.team).toBe("demo");
  });
});
