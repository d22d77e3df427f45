// Each provider kind's adapter against a real loopback HTTP server, through the Node
// upstream client: the URL, the credential header, what is never forwarded, the body's model.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EndpointSchema, type Endpoint } from "../config/providers.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { PolicyBundle } from "../policy/compile.ts";
import { undiciUpstream } from "../runtime/node-upstream.ts";
import { adapterFor } from "./registry.ts";
import type { Bytes, Operation, UpstreamClient, UpstreamRequest } from "./types.ts";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const COMPLETION = JSON.stringify({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 0,
  model: "upstream-model",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
});

let server: Server;
let origin: string;
let received: Received[];
let sent: UpstreamRequest[];
let node: UpstreamClient;
/** The Node client, with each request it is given kept (to see which bytes an adapter passed). */
let upstream: UpstreamClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end(COMPLETION);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  node = undiciUpstream({ connect_timeout_ms: 5_000, headers_timeout_ms: 5_000, idle_timeout_ms: 5_000, keep_alive_ms: 1_000, max_connections_per_origin: 4 });
  upstream = {
    send: (req) => {
      sent.push(req);
      return node.send(req);
    },
  };
});

afterAll(async () => {
  await node.close?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  sent = [];
});

const CALLER_HEADERS = { authorization: "Bearer caller-token", "x-api-key": "caller-key", "api-key": "caller-azure-key" };

function exchange(operation: Operation, json: Record<string, unknown>): Exchange {
  return {
    id: "ex-1",
    operation,
    route: "/v1/test",
    receivedAt: 0,
    start: 0,
    headers: new Headers(CALLER_HEADERS),
    source: "127.0.0.1",
    signal: new AbortController().signal,
    body: new TextEncoder().encode(JSON.stringify(json)) as Bytes,
    json,
    model: json.model as string,
    stream: false,
    policy: {} as PolicyBundle,
    timings: {},
  };
}

const endpoint = (fields: Record<string, unknown>): Endpoint => EndpointSchema.parse({ id: "ep", models: ["*"], base_url: origin, ...fields });

/** Sends one call through the kind's registered adapter and returns what the server saw. */
async function call(ep: Endpoint, ex: Exchange): Promise<Received> {
  const res = await adapterFor(ep).send(ex, ep, { upstream, timeoutMs: 5_000, signal: ex.signal });
  expect(res.status).toBe(200);
  await res.bytes();
  expect(received).toHaveLength(1);
  return received[0]!;
}

const chatBody = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }], temperature: 0.2 });
const embeddingsBody = (model: string) => ({ model, input: "hi" });

function expectNoCallerCredential(r: Received) {
  for (const v of Object.values(r.headers)) {
    expect(String(v)).not.toContain("caller-");
  }
}

describe("openai and openai-compatible", () => {
  it("serve chat, responses and embeddings", () => {
    for (const kind of ["openai", "openai-compatible"]) {
      expect([...adapterFor(endpoint({ kind })).operations].sort()).toEqual(["chat", "embeddings", "responses"]);
    }
  });

  it("send chat to {base_url}/chat/completions with the endpoint's Bearer key and the caller's bytes as they are", async () => {
    const ep = endpoint({ kind: "openai", base_url: `${origin}/v1`, api_key: "sk-endpoint" });
    const ex = exchange("chat", chatBody("gpt-4o"));
    const r = await call(ep, ex);
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/v1/chat/completions");
    expect(r.headers.authorization).toBe("Bearer sk-endpoint");
    expect(r.headers["api-key"]).toBeUndefined();
    expectNoCallerCredential(r);
    expect(JSON.parse(r.body)).toEqual(chatBody("gpt-4o"));
    expect(sent[0]!.body).toBe(ex.body); // unmapped: no copy
  });

  it("send responses and embeddings to their paths", async () => {
    const ep = endpoint({ kind: "openai", base_url: `${origin}/v1`, api_key: "sk-endpoint" });
    expect((await call(ep, exchange("responses", { model: "gpt-4o", input: "hi" }))).url).toBe("/v1/responses");
    received = [];
    expect((await call(ep, exchange("embeddings", embeddingsBody("text-embedding-3-small")))).url).toBe("/v1/embeddings");
  });

  it("send no Authorization when the key is empty, and the served-model name from model_names", async () => {
    const ep = endpoint({ kind: "openai-compatible", model_names: { "llama-3.1-8b": "meta-llama/Llama-3.1-8B-Instruct" } });
    const ex = exchange("chat", chatBody("llama-3.1-8b"));
    const r = await call(ep, ex);
    expect(r.url).toBe("/chat/completions");
    expect(r.headers.authorization).toBeUndefined();
    expectNoCallerCredential(r);
    expect(JSON.parse(r.body)).toEqual(chatBody("meta-llama/Llama-3.1-8B-Instruct"));
    // The caller-visible exchange keeps the catalogue name.
    expect(ex.model).toBe("llama-3.1-8b");
    expect(ex.json.model).toBe("llama-3.1-8b");
    expect(JSON.parse(new TextDecoder().decode(ex.body)).model).toBe("llama-3.1-8b");
  });
});

describe("mistral", () => {
  it("has no Responses API", () => {
    expect([...adapterFor(endpoint({ kind: "mistral" })).operations].sort()).toEqual(["chat", "embeddings"]);
  });

  it("sends chat and embeddings with a Bearer key, the model renamed when mapped", async () => {
    const ep = endpoint({ kind: "mistral", base_url: `${origin}/v1`, api_key: "mistral-key", model_names: { "mistral-large": "mistral-large-2411" } });
    const r = await call(ep, exchange("chat", chatBody("mistral-large")));
    expect(r.url).toBe("/v1/chat/completions");
    expect(r.headers.authorization).toBe("Bearer mistral-key");
    expectNoCallerCredential(r);
    expect(JSON.parse(r.body).model).toBe("mistral-large-2411");
    received = [];
    const e = await call(ep, exchange("embeddings", embeddingsBody("mistral-embed")));
    expect(e.url).toBe("/v1/embeddings");
    expect(JSON.parse(e.body)).toEqual(embeddingsBody("mistral-embed"));
  });

  it("refuses a Responses call without sending it", async () => {
    const ep = endpoint({ kind: "mistral", api_key: "mistral-key" });
    const ex = exchange("responses", { model: "mistral-large", input: "hi" });
    await expect(adapterFor(ep).send(ex, ep, { upstream, timeoutMs: 5_000, signal: ex.signal })).rejects.toThrow("mistral endpoints do not serve the responses API");
    expect(received).toEqual([]);
  });
});

describe("gemini", () => {
  it("serves chat and embeddings only", () => {
    expect([...adapterFor(endpoint({ kind: "gemini" })).operations].sort()).toEqual(["chat", "embeddings"]);
  });

  it("sends to the OpenAI-compatible surface under base_url with a Bearer key", async () => {
    const ep = endpoint({ kind: "gemini", base_url: `${origin}/v1beta/openai/`, api_key: "gemini-key", model_names: { "gemini-flash": "gemini-2.0-flash" } });
    const r = await call(ep, exchange("chat", chatBody("gemini-flash")));
    expect(r.url).toBe("/v1beta/openai/chat/completions");
    expect(r.headers.authorization).toBe("Bearer gemini-key");
    expectNoCallerCredential(r);
    expect(JSON.parse(r.body).model).toBe("gemini-2.0-flash");
    received = [];
    const e = await call(ep, exchange("embeddings", embeddingsBody("text-embedding-004")));
    expect(e.url).toBe("/v1beta/openai/embeddings");
    expect(JSON.parse(e.body).model).toBe("text-embedding-004");
  });
});

describe("azure-openai", () => {
  it("serves chat and embeddings (Responses needs a preview api-version, so it is left out)", () => {
    expect([...adapterFor(endpoint({ kind: "azure-openai" })).operations].sort()).toEqual(["chat", "embeddings"]);
  });

  it("sends to the deployment URL with the api-version and an api-key header, never Authorization", async () => {
    const ep = endpoint({ kind: "azure-openai", api_key: "azure-key", model_names: { "gpt-4o": "gpt4o eu/prod" } });
    const ex = exchange("chat", chatBody("gpt-4o"));
    const r = await call(ep, ex);
    expect(r.url).toBe("/openai/deployments/gpt4o%20eu%2Fprod/chat/completions?api-version=2024-10-21");
    expect(r.headers["api-key"]).toBe("azure-key");
    expect(r.headers.authorization).toBeUndefined();
    expectNoCallerCredential(r);
    expect(JSON.parse(r.body)).toEqual(chatBody("gpt4o eu/prod"));
    expect(ex.model).toBe("gpt-4o");
  });

  it("uses the catalogue name as the deployment when unmapped, and the configured api_version", async () => {
    const ep = endpoint({ kind: "azure-openai", api_key: "azure-key", api_version: "2025-01-01-preview" });
    const ex = exchange("embeddings", embeddingsBody("text-embedding-3-large"));
    const r = await call(ep, ex);
    expect(r.url).toBe("/openai/deployments/text-embedding-3-large/embeddings?api-version=2025-01-01-preview");
    expect(JSON.parse(r.body)).toEqual(embeddingsBody("text-embedding-3-large"));
    expect(sent[0]!.body).toBe(ex.body);
  });

  it("rejects a malformed api_version with a clear message", () => {
    const parsed = EndpointSchema.safeParse({ id: "az", kind: "azure-openai", models: ["gpt-4o"], base_url: "https://x.openai.azure.com", api_version: "2024-10" });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(issue.path).toEqual(["api_version"]);
    expect(issue.message).toBe("an api-version such as 2024-10-21");
  });
});

describe("anthropic", () => {
  it("serves messages only", () => {
    expect([...adapterFor(endpoint({ kind: "anthropic" })).operations]).toEqual(["messages"]);
  });

  it("sends to /v1/messages with the endpoint's x-api-key, the model renamed when mapped", async () => {
    const ep = endpoint({ kind: "anthropic", api_key: "anthropic-key", model_names: { "claude-sonnet": "claude-sonnet-4-5-20250929" } });
    const body = { model: "claude-sonnet", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };
    const ex = exchange("messages", body);
    const r = await call(ep, ex);
    expect(r.url).toBe("/v1/messages");
    expect(r.headers["x-api-key"]).toBe("anthropic-key");
    expect(r.headers.authorization).toBeUndefined();
    expectNoCallerCredential(r);
    expect(r.headers["anthropic-version"]).toBe("2023-06-01");
    expect(JSON.parse(r.body)).toEqual({ ...body, model: "claude-sonnet-4-5-20250929" });
    expect(ex.model).toBe("claude-sonnet");
  });

  it("forwards the caller's bytes as they are when the model is unmapped", async () => {
    const ep = endpoint({ kind: "anthropic", api_key: "anthropic-key" });
    const ex = exchange("messages", { model: "claude-haiku", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    const r = await call(ep, ex);
    expect(JSON.parse(r.body).model).toBe("claude-haiku");
    expect(sent[0]!.body).toBe(ex.body);
  });
});
