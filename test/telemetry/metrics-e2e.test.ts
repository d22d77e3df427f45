// The running server's /metrics after real calls through the SDK: parsed by a strict
// Prometheus text parser, the GenAI and Custos families carry the calls' labels.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { parsePrometheusText } from "../helpers/prometheus-text.ts";

let fake: FakeProvider;
let custos: TestCustos;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({ providers: testProviders(fake.url) });
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

describe("/metrics", () => {
  it("is served on loopback and counts calls, tokens, durations and upstream errors", async () => {
    const url = custos.server.metricsUrl!;
    expect(new URL(url).hostname).toBe("127.0.0.1");
    const client = new OpenAI({ apiKey: await custos.token("alice", ["demo"]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "write to anna@example.org" }] });
    await expect(client.chat.completions.create({ model: "dead-model", messages: [{ role: "user", content: "hi" }] })).rejects.toThrow();

    const res = await fetch(url);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const families = parsePrometheusText(await res.text());
    const requests = families.get("custos_requests_total")!;
    expect(requests.type).toBe("counter");
    expect(requests.samples.find((s) => s.labels.decision === "allow" && s.labels.team === "demo")?.value).toBe(2);
    const duration = families.get("gen_ai_client_operation_duration")!;
    expect(duration.type).toBe("histogram");
    expect(duration.samples.find((s) => s.name.endsWith("_count") && s.labels.gen_ai_request_model === "gpt-4o")?.value).toBe(1);
    expect(families.get("gen_ai_client_token_usage")!.samples.some((s) => s.labels.gen_ai_token_type === "input")).toBe(true);
    expect(families.get("custos_upstream_errors_total")!.samples.find((s) => s.labels.endpoint === "dead")?.labels.error_type).toBe("unreachable");
    expect(families.get("custos_audit_write_duration")!.type).toBe("histogram");
    expect(families.has("custos_spans_dropped_total")).toBe(true);
  });
});
