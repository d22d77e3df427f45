// /metrics end to end: the Node listener, the OTel Prometheus exporter and the core
// instruments, read back through a strict parser of the text format.
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startMetrics, type RunningMetrics } from "../../src/runtime/node-metrics.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";
import { DURATION_BUCKETS, TOKEN_BUCKETS } from "../../src/telemetry/metric-names.ts";
import { createCallMetrics, type CallFacts } from "../../src/telemetry/metrics.ts";
import { parsePrometheusText, type Family, type Sample } from "../helpers/prometheus-text.ts";

let lines: string[];
let running: RunningMetrics | undefined;
const logger = () => jsonLogger("debug", (l) => lines.push(l));

beforeEach(() => {
  lines = [];
});
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const streamed: CallFacts = {
  operation: "chat",
  decision: "allow",
  team: "payments",
  provider: "openai",
  requestModel: "gpt-4o",
  responseModel: "gpt-4o-2024-08-06",
  upstreamSeconds: 2,
  firstChunkSeconds: 0.25,
  inputTokens: 100,
  outputTokens: 20,
  pii: { prompt: { EMAIL: 2 }, answer: { PHONE: 1 } },
  upstreamFailures: [{ endpoint: "openai-us", region: "us-east-1", errorType: "503" }],
};
const genAi = { gen_ai_operation_name: "chat", gen_ai_provider_name: "openai", gen_ai_request_model: "gpt-4o", gen_ai_response_model: "gpt-4o-2024-08-06" };

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

/** The family's samples of one name whose labels, without the scope label, are exactly `labels`. */
function find(f: Family | undefined, name: string, labels: Record<string, string>): Sample[] {
  expect(f, `family for ${name}`).toBeDefined();
  return f!.samples.filter((s) => {
    const { otel_scope_name: scope, ...rest } = s.labels;
    const { le: _le, ...want } = labels;
    const { le, ...got } = rest;
    return s.name === name && scope === "custos" && JSON.stringify(sortKeys(got)) === JSON.stringify(sortKeys(want)) && (labels.le === undefined || le === labels.le);
  });
}
const value = (f: Family | undefined, name: string, labels: Record<string, string>) => {
  const found = find(f, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
};
const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

describe("startMetrics", () => {
  it("binds to 127.0.0.1 by default and reports the port it got for port 0", async () => {
    running = await startMetrics({ port: 0, logger: logger() });
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/metrics`);
    expect(lines.some((l) => l.includes("not on loopback"))).toBe(false);
  });

  it("serves the GenAI and Custos metrics as Prometheus text", async () => {
    running = await startMetrics({ port: 0, logger: logger(), version: "9.9.9" });
    const m = createCallMetrics(running.meter);
    m.recordCall(streamed);
    m.recordCall({ ...streamed, firstChunkSeconds: undefined, upstreamSeconds: 0.03, inputTokens: 3, outputTokens: 1, pii: undefined, upstreamFailures: undefined });
    m.recordCall({ ...streamed, errorType: "upstream_timeout", upstreamSeconds: 90, firstChunkSeconds: undefined, inputTokens: undefined, outputTokens: undefined, pii: undefined, upstreamFailures: undefined });
    m.recordCall({ operation: "chat", decision: "deny", deniedBy: "no-gpt-4o", team: "research", requestModel: "gpt-4o" });
    m.auditWrite(0.004);
    let backlog = 12;
    m.observe({ auditBacklog: () => backlog, spansDropped: () => 3 });

    const families = await scrape(running.url);
    expect(Object.fromEntries([...families].map(([name, f]) => [name, f.type]))).toEqual({
      target_info: "gauge",
      gen_ai_client_token_usage: "histogram",
      gen_ai_client_operation_duration: "histogram",
      gen_ai_client_operation_time_to_first_chunk: "histogram",
      custos_requests_total: "counter",
      custos_pii_findings_total: "counter",
      custos_upstream_errors_total: "counter",
      custos_audit_write_duration: "histogram",
      custos_audit_backlog: "gauge",
      custos_spans_dropped_total: "counter",
    });
    expect(families.get("target_info")!.samples[0]!.labels).toMatchObject({ service_name: "custos", service_version: "9.9.9" });

    // Token usage: one histogram per token type, on the conventions' buckets.
    const tokens = families.get("gen_ai_client_token_usage");
    const input = { ...genAi, gen_ai_token_type: "input" };
    expect(value(tokens, "gen_ai_client_token_usage_count", input)).toBe(2);
    expect(value(tokens, "gen_ai_client_token_usage_sum", input)).toBe(103);
    expect(value(tokens, "gen_ai_client_token_usage_sum", { ...genAi, gen_ai_token_type: "output" })).toBe(21);
    expect(find(tokens, "gen_ai_client_token_usage_bucket", input).map((s) => s.labels.le)).toEqual([...TOKEN_BUCKETS.map(String), "+Inf"]);
    expect(value(tokens, "gen_ai_client_token_usage_bucket", { ...input, le: "4" })).toBe(1); // the 3-token call
    expect(value(tokens, "gen_ai_client_token_usage_bucket", { ...input, le: "64" })).toBe(1);
    expect(value(tokens, "gen_ai_client_token_usage_bucket", { ...input, le: "256" })).toBe(2);

    // Duration: error.type only on the failed call; 90 s is past the last bound.
    const duration = families.get("gen_ai_client_operation_duration");
    expect(find(duration, "gen_ai_client_operation_duration_bucket", genAi).map((s) => s.labels.le)).toEqual([...DURATION_BUCKETS.map(String), "+Inf"]);
    expect(value(duration, "gen_ai_client_operation_duration_count", genAi)).toBe(2);
    expect(value(duration, "gen_ai_client_operation_duration_bucket", { ...genAi, le: "0.04" })).toBe(1);
    const failed = { ...genAi, error_type: "upstream_timeout" };
    expect(value(duration, "gen_ai_client_operation_duration_bucket", { ...failed, le: "81.92" })).toBe(0);
    expect(value(duration, "gen_ai_client_operation_duration_bucket", { ...failed, le: "+Inf" })).toBe(1);
    expect(value(families.get("gen_ai_client_operation_time_to_first_chunk"), "gen_ai_client_operation_time_to_first_chunk_sum", genAi)).toBe(0.25);

    const requests = families.get("custos_requests_total");
    expect(value(requests, "custos_requests_total", { decision: "allow", team: "payments" })).toBe(3);
    expect(value(requests, "custos_requests_total", { decision: "deny", team: "research", rule: "no-gpt-4o" })).toBe(1);
    expect(value(families.get("custos_pii_findings_total"), "custos_pii_findings_total", { type: "EMAIL", side: "prompt" })).toBe(2);
    expect(value(families.get("custos_pii_findings_total"), "custos_pii_findings_total", { type: "PHONE", side: "answer" })).toBe(1);
    expect(value(families.get("custos_upstream_errors_total"), "custos_upstream_errors_total", { endpoint: "openai-us", region: "us-east-1", error_type: "503" })).toBe(1);
    expect(value(families.get("custos_audit_write_duration"), "custos_audit_write_duration_count", {})).toBe(1);
    expect(value(families.get("custos_audit_backlog"), "custos_audit_backlog", {})).toBe(12);
    expect(value(families.get("custos_spans_dropped_total"), "custos_spans_dropped_total", {})).toBe(3);

    // A scrape reads the gauges afresh.
    backlog = 0;
    expect(value((await scrape(running.url)).get("custos_audit_backlog"), "custos_audit_backlog", {})).toBe(0);
  });

  it("answers only GET and HEAD on /metrics", async () => {
    running = await startMetrics({ port: 0, logger: logger() });
    expect((await fetch(running.url.replace("/metrics", "/"))).status).toBe(404);
    expect((await fetch(running.url.replace("/metrics", "/metrics/x"))).status).toBe(404);
    expect((await fetch(running.url, { method: "POST" })).status).toBe(405);
    const head = await fetch(running.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${running.url}?name[]=x`)).status).toBe(200);
  });

  it("fails to start when the port is taken, and frees its port on close", async () => {
    running = await startMetrics({ port: 0, logger: logger() });
    const { port } = running;
    await expect(startMetrics({ port, logger: logger() })).rejects.toMatchObject({ code: "EADDRINUSE" });
    await running.close();
    running = undefined;
    // The port is free again: a plain server can take it.
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(port, "127.0.0.1", resolve));
    await new Promise<void>((r) => probe.close(() => r()));
  });

  it("warns when the listener is not on loopback", async () => {
    running = await startMetrics({ host: "0.0.0.0", port: 0, logger: logger() });
    expect(lines.some((l) => l.includes("not on loopback"))).toBe(true);
  });
});
