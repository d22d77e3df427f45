// Traces end to end: a call through the official SDKs carrying a W3C traceparent gets a
// server span under the caller's span and a client span per upstream attempt, whose own
// traceparent reaches the provider; the same trace id is in the audit events and the log
// line; spans land in otel_spans with the GenAI and Custos attributes (never prompt text);
// and with OTEL_EXPORTER_OTLP_ENDPOINT set they also reach an OTLP receiver on loopback.
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpanRow } from "../../src/storage/types.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

let fake: FakeProvider;
let custos: TestCustos;
let otlp: http.Server;
const otlpBodies: string[] = [];

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const traceparent = (trace = CALLER_TRACE) => `00-${trace}-${CALLER_SPAN}-01`;

beforeAll(async () => {
  otlp = http.createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/v1/traces") otlpBodies.push(Buffer.concat(chunks).toString("latin1"));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => otlp.listen(0, "127.0.0.1", r));
  fake = await startFakeProvider();
  custos = await startCustos({ providers: testProviders(fake.url), env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}` } });
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
  await new Promise<void>((r) => otlp?.close(() => r()));
});

async function spansOf(trace: string, count: number): Promise<SpanRow[]> {
  const rows = await eventually(async () => {
    const r = await custos.server.deps.storage.spansOfTrace(trace);
    return r.length >= count ? r : undefined;
  });
  if (!rows) throw new Error(`fewer than ${count} spans for trace ${trace}`);
  return rows;
}

async function auditTrace(requestId: string): Promise<unknown[]> {
  const auditor = await custos.token("olivia", ["compliance"], { roles: ["auditor"] });
  const events = await eventually(async () => {
    const r = await fetch(`${custos.url}/api/audit/requests/${requestId}`, { headers: { authorization: `Bearer ${auditor}` } });
    if (r.status !== 200) return undefined;
    const list = ((await r.json()) as { events: { entry: { type: string; trace?: unknown } }[] }).events;
    return list.length >= 2 ? list : undefined;
  });
  return (events ?? []).map((e) => e.entry.trace);
}

const openai = async (trace = CALLER_TRACE) => new OpenAI({ apiKey: await custos.token("alice", ["demo"]), baseURL: `${custos.url}/v1`, maxRetries: 0, defaultHeaders: { traceparent: traceparent(trace) } });

describe("traces", () => {
  it("chat: a server span under the caller's, a client span per attempt, the id in the provider's traceparent, the audit events and the log", async () => {
    const secret = "my card is 4111 1111 1111 1111";
    const { response } = await (await openai()).chat.completions.create({ model: "gpt-4o", temperature: 0.2, messages: [{ role: "user", content: secret }] }).withResponse();
    const requestId = response.headers.get("x-request-id")!;

    const sent = fake.requests.at(-1)!.headers.traceparent as string;
    expect(sent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
    expect(sent).not.toContain(CALLER_SPAN);

    const [server, client] = await spansOf(CALLER_TRACE, 2).then((rows) => [rows.find((r) => r.span_kind === "SERVER")!, rows.find((r) => r.span_kind === "CLIENT")!]);
    expect(server).toMatchObject({ span_name: "chat gpt-4o", parent_span_id: CALLER_SPAN, service_name: "custos", status_code: "UNSET" });
    expect(server!.span_attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.provider.name": "openai",
      "gen_ai.response.model": expect.any(String),
      "gen_ai.usage.input_tokens": expect.any(Number),
      "gen_ai.usage.output_tokens": expect.any(Number),
      "http.response.status_code": 200,
      "custos.team": "demo",
      "custos.policy.decision": "allow",
      "custos.endpoint": "fake-openai",
      "custos.region": "eu-west-1",
      "custos.request_id": requestId,
      "custos.stage.decide_ms": expect.any(Number),
    });
    expect(client).toMatchObject({ parent_span_id: server!.span_id, span_name: "chat gpt-4o" });
    expect(sent.split("-")[2]).toBe(client!.span_id);
    expect(client!.span_attributes).toMatchObject({ "server.address": "127.0.0.1", "custos.attempt": 1, "http.response.status_code": 200 });
    expect(JSON.stringify([server, client])).not.toContain("4111");

    expect(await auditTrace(requestId)).toEqual([
      { trace_id: CALLER_TRACE, span_id: server!.span_id },
      { trace_id: CALLER_TRACE, span_id: server!.span_id },
    ]);
    const line = custos.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === requestId && l.msg === "request");
    expect(line).toMatchObject({ traceId: CALLER_TRACE, spanId: server!.span_id });
  });

  it("streaming, embeddings and Anthropic calls are named for their operation and model; a denied call's span says why", async () => {
    const t1 = "11111111111111111111111111111111";
    const stream = await (await openai(t1)).chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
    for await (const _ of stream) void _;
    const [s1] = (await spansOf(t1, 2)).filter((r) => r.span_kind === "SERVER");
    expect(s1).toMatchObject({ span_name: "chat gpt-4o-mini" });
    expect(s1!.span_attributes).toMatchObject({ "gen_ai.request.stream": true, "http.response.status_code": 200 });

    const t2 = "22222222222222222222222222222222";
    await (await openai(t2)).embeddings.create({ model: "fake-embed", input: "hello" });
    expect((await spansOf(t2, 2)).find((r) => r.span_kind === "SERVER")).toMatchObject({ span_name: "embeddings fake-embed" });

    const t3 = "33333333333333333333333333333333";
    const anthropic = new Anthropic({ apiKey: await custos.token("alice", ["demo"]), baseURL: custos.url, maxRetries: 0, defaultHeaders: { traceparent: traceparent(t3) } });
    await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 20, messages: [{ role: "user", content: "hi" }] });
    const s3 = (await spansOf(t3, 2)).find((r) => r.span_kind === "SERVER")!;
    expect(s3.span_name).toBe("chat claude-sonnet-4-5");
    expect(s3.span_attributes["gen_ai.provider.name"]).toBe("anthropic");

    const t4 = "44444444444444444444444444444444";
    await expect((await openai(t4)).chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })).rejects.toThrow();
    const [s4] = await spansOf(t4, 1);
    expect(s4!.span_attributes).toMatchObject({ "error.type": "model_not_found", "http.response.status_code": 404 });
  });

  it("without a traceparent a call starts its own trace; with OTEL_EXPORTER_OTLP_ENDPOINT spans also reach the OTLP receiver", async () => {
    const client = new OpenAI({ apiKey: await custos.token("alice", ["demo"]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    const own = (fake.requests.at(-1)!.headers.traceparent as string).split("-")[1]!;
    expect(own).toMatch(/^[0-9a-f]{32}$/);
    expect(own).not.toBe(CALLER_TRACE);
    expect(await eventually(() => otlpBodies.some((b) => b.includes(CALLER_TRACE) || b.includes(Buffer.from(CALLER_TRACE, "hex").toString("latin1"))))).toBe(true);
  });
});
