import type { Attributes } from "@opentelemetry/api";
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from "@opentelemetry/sdk-metrics";
import * as semconv from "@opentelemetry/semantic-conventions/incubating";
import { beforeEach, describe, expect, it } from "vitest";
import { ATTR, DURATION_BUCKETS, METRIC, TOKEN_BUCKETS } from "./metric-names.ts";
import { createCallMetrics, type CallFacts, type CallMetrics } from "./metrics.ts";

/** A pull reader: collect() on demand, as a Prometheus scrape would. */
class TestReader extends MetricReader {
  protected override onShutdown = async () => {};
  protected override onForceFlush = async () => {};
}

let reader: TestReader;
let metrics: CallMetrics;

const newMetrics = (opts?: Parameters<typeof createCallMetrics>[1]) => {
  reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  return createCallMetrics(provider.getMeter("custos"), opts);
};

beforeEach(() => {
  metrics = newMetrics();
});

async function collect(): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

function points(all: Map<string, MetricData>, name: string): DataPoint<unknown>[] {
  return (all.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

function point<T>(all: Map<string, MetricData>, name: string, attributes: Attributes): T {
  const found = points(all, name).filter((p) => JSON.stringify(sorted(p.attributes)) === JSON.stringify(sorted(attributes)));
  expect(found, `${name} ${JSON.stringify(attributes)} among ${JSON.stringify(points(all, name).map((p) => p.attributes))}`).toHaveLength(1);
  return found[0]!.value as T;
}

const sorted = (a: Attributes) => Object.fromEntries(Object.entries(a).sort(([x], [y]) => x.localeCompare(y)));

const answered: CallFacts = {
  operation: "chat",
  decision: "allow",
  team: "payments",
  provider: "openai",
  requestModel: "gpt-4o",
  responseModel: "gpt-4o-2024-08-06",
  upstreamSeconds: 1.5,
  firstChunkSeconds: 0.3,
  inputTokens: 120,
  outputTokens: 30,
};
const genAi = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06" };

describe("names", () => {
  it("match the semantic conventions package", () => {
    expect(METRIC.tokenUsage).toBe(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(METRIC.operationDuration).toBe(semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(METRIC.timeToFirstChunk).toBe(semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK);
    expect([ATTR.operationName, ATTR.providerName, ATTR.requestModel, ATTR.responseModel, ATTR.tokenType, ATTR.errorType]).toEqual([
      semconv.ATTR_GEN_AI_OPERATION_NAME,
      semconv.ATTR_GEN_AI_PROVIDER_NAME,
      semconv.ATTR_GEN_AI_REQUEST_MODEL,
      semconv.ATTR_GEN_AI_RESPONSE_MODEL,
      semconv.ATTR_GEN_AI_TOKEN_TYPE,
      semconv.ATTR_ERROR_TYPE,
    ]);
  });
});

describe("recordCall", () => {
  it("records token usage, duration and time to first chunk with the GenAI attributes and the advised buckets", async () => {
    metrics.recordCall(answered);
    metrics.recordCall({ ...answered, inputTokens: 8, outputTokens: 2, upstreamSeconds: 0.5, firstChunkSeconds: undefined });
    const all = await collect();

    const usage = all.get(METRIC.tokenUsage)!;
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(usage.descriptor.unit).toBe("{token}");
    const input = point<Histogram>(all, METRIC.tokenUsage, { ...genAi, "gen_ai.token.type": "input" });
    expect(input).toMatchObject({ count: 2, sum: 128, min: 8, max: 120 });
    expect(input.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(point<Histogram>(all, METRIC.tokenUsage, { ...genAi, "gen_ai.token.type": "output" })).toMatchObject({ count: 2, sum: 32 });

    const d = point<Histogram>(all, METRIC.operationDuration, genAi);
    expect(all.get(METRIC.operationDuration)!.descriptor.unit).toBe("s");
    expect(d).toMatchObject({ count: 2, sum: 2 });
    expect(d.buckets.boundaries).toEqual(DURATION_BUCKETS);
    // 0.5 falls in (0.32, 0.64], 1.5 in (1.28, 2.56]
    expect(d.buckets.counts[DURATION_BUCKETS.indexOf(0.64)]).toBe(1);
    expect(d.buckets.counts[DURATION_BUCKETS.indexOf(2.56)]).toBe(1);

    // Only the streamed call has a first chunk.
    expect(point<Histogram>(all, METRIC.timeToFirstChunk, genAi)).toMatchObject({ count: 1, sum: 0.3 });
    expect(point<number>(all, METRIC.requests, { decision: "allow", team: "payments" })).toBe(2);
  });

  it("puts error.type on the duration of a failed call, not on its token usage", async () => {
    metrics.recordCall({ ...answered, errorType: "upstream_timeout", outputTokens: undefined });
    const all = await collect();
    expect(point<Histogram>(all, METRIC.operationDuration, { ...genAi, "error.type": "upstream_timeout" }).count).toBe(1);
    expect(points(all, METRIC.tokenUsage).map((p) => p.attributes)).toEqual([{ ...genAi, "gen_ai.token.type": "input" }]);
  });

  it("counts a denied call by rule and team, a call ended before any decision without either, and records no client operation for them", async () => {
    metrics.recordCall({ operation: "chat", decision: "deny", deniedBy: "no-gpt-4o", team: "research", requestModel: "gpt-4o", errorType: "policy_denied" });
    metrics.recordCall({ operation: "chat", decision: "allow", deniedBy: "ignored-when-allowed", team: "research" });
    metrics.recordCall({ operation: "chat", decision: "none", deniedBy: "ignored-without-a-decision" });
    const all = await collect();
    expect(point<number>(all, METRIC.requests, { decision: "deny", team: "research", rule: "no-gpt-4o" })).toBe(1);
    expect(point<number>(all, METRIC.requests, { decision: "allow", team: "research" })).toBe(1);
    expect(point<number>(all, METRIC.requests, { decision: "none" })).toBe(1);
    expect(all.get(METRIC.requests)!.dataPointType).toBe(DataPointType.SUM);
    expect(points(all, METRIC.operationDuration)).toEqual([]);
    expect(points(all, METRIC.tokenUsage)).toEqual([]);
  });

  it("counts PII findings by type and side, and failed upstream attempts by endpoint", async () => {
    metrics.recordCall({
      ...answered,
      pii: { prompt: { EMAIL: 2, PHONE: 1, IBAN: 0 }, answer: { EMAIL: 1 } },
      upstreamFailures: [
        { endpoint: "openai-eu", region: "eu-west-1", errorType: "503" },
        { endpoint: "openai-eu", region: "eu-west-1", errorType: "503" },
        { endpoint: "azure-we", errorType: "timeout" },
      ],
    });
    const all = await collect();
    expect(point<number>(all, METRIC.piiFindings, { type: "EMAIL", side: "prompt" })).toBe(2);
    expect(point<number>(all, METRIC.piiFindings, { type: "PHONE", side: "prompt" })).toBe(1);
    expect(point<number>(all, METRIC.piiFindings, { type: "EMAIL", side: "answer" })).toBe(1);
    expect(points(all, METRIC.piiFindings)).toHaveLength(3); // no series for a zero count
    expect(point<number>(all, METRIC.upstreamErrors, { endpoint: "openai-eu", region: "eu-west-1", "error.type": "503" })).toBe(2);
    expect(point<number>(all, METRIC.upstreamErrors, { endpoint: "azure-we", "error.type": "timeout" })).toBe(1);
  });

  it("ignores negative and non-finite numbers instead of recording them", async () => {
    metrics.recordCall({ ...answered, inputTokens: -1, outputTokens: Number.NaN, firstChunkSeconds: Infinity, pii: { prompt: { EMAIL: -3 } } });
    metrics.recordCall({ ...answered, upstreamSeconds: -0.1 });
    const all = await collect();
    expect(points(all, METRIC.tokenUsage)).toEqual([]);
    expect(points(all, METRIC.timeToFirstChunk)).toEqual([]);
    expect(points(all, METRIC.piiFindings)).toEqual([]);
    expect(point<Histogram>(all, METRIC.operationDuration, genAi).count).toBe(1);
  });
});

describe("label budget", () => {
  it("records values past a label's budget, and overlong values, as _OTHER", async () => {
    const m = newMetrics({ maxValuesPerLabel: 2 });
    for (const team of ["a", "b", "c", "d", "a"]) m.recordCall({ operation: "chat", decision: "allow", team });
    m.recordCall({ operation: "chat", decision: "allow", team: "x".repeat(129) });
    const all = await collect();
    expect(point<number>(all, METRIC.requests, { decision: "allow", team: "a" })).toBe(2);
    expect(point<number>(all, METRIC.requests, { decision: "allow", team: "b" })).toBe(1);
    expect(point<number>(all, METRIC.requests, { decision: "allow", team: "_OTHER" })).toBe(3);
  });

  it("keeps each instance's budget to itself (no module state)", async () => {
    const first = newMetrics({ maxValuesPerLabel: 1 });
    first.recordCall({ operation: "chat", decision: "allow", team: "a" });
    const second = newMetrics({ maxValuesPerLabel: 1 });
    second.recordCall({ operation: "chat", decision: "allow", team: "b" });
    expect(point<number>(await collect(), METRIC.requests, { decision: "allow", team: "b" })).toBe(1);
  });
});

describe("audit and trace pipeline", () => {
  it("records audit write durations, with error.type on failures", async () => {
    metrics.auditWrite(0.004);
    metrics.auditWrite(0.02);
    metrics.auditWrite(3.2, "audit_timeout");
    const all = await collect();
    expect(point<Histogram>(all, METRIC.auditWriteDuration, {})).toMatchObject({ count: 2, sum: 0.024 });
    expect(point<Histogram>(all, METRIC.auditWriteDuration, { "error.type": "audit_timeout" }).count).toBe(1);
  });

  it("reads the backlog and dropped spans at each collection, until unregistered", async () => {
    let backlog = 7;
    let dropped = 0;
    let reads = 0;
    const stop = metrics.observe({ auditBacklog: () => (reads++, backlog), spansDropped: () => dropped });
    let all = await collect();
    expect(all.get(METRIC.auditBacklog)!.dataPointType).toBe(DataPointType.GAUGE);
    expect(point<number>(all, METRIC.auditBacklog, {})).toBe(7);
    expect(point<number>(all, METRIC.spansDropped, {})).toBe(0);
    expect(all.get(METRIC.spansDropped)).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });

    backlog = 2;
    dropped = 5;
    all = await collect();
    expect(point<number>(all, METRIC.auditBacklog, {})).toBe(2);
    expect(point<number>(all, METRIC.spansDropped, {})).toBe(5);

    stop();
    backlog = 99;
    await collect();
    expect(reads).toBe(2);
  });

  it("skips a reading that is undefined or not a number", async () => {
    metrics.observe({ auditBacklog: () => undefined, spansDropped: () => Number.NaN });
    const all = await collect();
    expect(points(all, METRIC.auditBacklog)).toEqual([]);
    expect(points(all, METRIC.spansDropped)).toEqual([]);
  });
});
