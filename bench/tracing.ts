// What tracing costs per call, in process: the server span (started, named, ended with the
// call's attributes), one client span for the upstream attempt with its traceparent, and
// the row each span becomes for otel_spans — with the real provider and batch processor, the
// database insert replaced by nothing (its cost is off the request path, in batches).
//   node --import tsx bench/tracing.ts [--n 50000]
import { parseArgs } from "node:util";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { EndpointSchema } from "../src/config/providers.ts";
import type { Exchange } from "../src/pipeline/exchange.ts";
import type { PolicyBundle } from "../src/policy/compile.ts";
import type { Bytes } from "../src/providers/types.ts";
import { BoundedBatchProcessor, PostgresSpanExporter } from "../src/telemetry/span-export.ts";
import { endAttemptSpan, endCallSpan, nameCallSpan, startAttemptSpan, startCallSpan, traceIds } from "../src/telemetry/tracing.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "50000" } } });
const N = Number(values.n);

let rows = 0;
const processor = new BoundedBatchProcessor(
  new PostgresSpanExporter(async (r) => {
    rows += r.length;
  }),
  { maxQueue: 1 << 20, maxBatch: 512, delayMs: 50 },
);
const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("custos", "bench");
const endpoint = EndpointSchema.parse({ id: "openai-eu", kind: "openai", base_url: "https://eu.api.openai.com/v1", region: "eu", jurisdiction: "EU", models: ["gpt-4o"] });
const json = { model: "gpt-4o", temperature: 0.2, max_tokens: 256, messages: [{ role: "user", content: "hello" }] };

function call(i: number): void {
  const ex: Exchange = {
    id: `r${i}`,
    operation: "chat",
    route: "/v1/chat/completions",
    receivedAt: 0,
    start: 0,
    headers: new Headers(i % 2 === 0 ? { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } : {}),
    source: "127.0.0.1",
    signal: new AbortController().signal,
    body: new Uint8Array() as Bytes,
    json,
    model: "gpt-4o",
    stream: false,
    policy: { version: "sha256:0123456789abcdef" } as PolicyBundle,
    team: "demo",
    endpoint,
    timings: { identify: 0.03, pseudonym: 0.03, parse: 0.02, decide: 0.05, redact_prompt: 0.2, route: 0.01, audit_request: 0.2, forward: 0.8 },
  };
  startCallSpan(tracer, ex);
  nameCallSpan(ex);
  const a = startAttemptSpan(tracer, ex, endpoint, 1);
  endAttemptSpan(a.span, { status: 200 });
  traceIds(ex);
  endCallSpan(ex, { status: 200, answer: { id: "chatcmpl-1", model: "gpt-4o-2024-08-06", finish: ["stop"], usage: { input: 120, output: 40 } } });
}

for (let i = 0; i < 2000; i++) call(i);
await processor.forceFlush();
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let i = 0; i < N; i++) call(i);
await processor.forceFlush();
const wall = ((performance.now() - w0) * 1000) / N;
const cpu = process.cpuUsage(cpu0);
console.log(`\n## Tracing cost per call (in process, Node ${process.version})\n`);
console.log("| calls | spans per call | µs per call (wall, spans + rows) | CPU µs per call | spans dropped |");
console.log("|---:|---:|---:|---:|---:|");
console.log(`| ${N} | 2 | ${wall.toFixed(2)} | ${((cpu.user + cpu.system) / N).toFixed(2)} | ${processor.dropped} |`);
if (rows < 2 * N) throw new Error(`only ${rows} span rows for ${N} calls`);
