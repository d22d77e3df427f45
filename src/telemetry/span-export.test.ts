// The bounded batch processor under back-pressure: an exporter that never finishes fills
// the queue, later spans are dropped and counted, and ending a span never waits.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { BoundedBatchProcessor, spanRow } from "./span-export.ts";

class Recorder implements SpanExporter {
  batches: ReadableSpan[][] = [];
  hang = false;
  private held: ((r: ExportResult) => void)[] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
    this.batches.push(spans);
    if (this.hang) this.held.push(done);
    else done({ code: ExportResultCode.SUCCESS });
  }
  release() {
    for (const d of this.held.splice(0)) d({ code: ExportResultCode.SUCCESS });
  }
  async shutdown() {}
}

function setup(opts = { maxQueue: 10, maxBatch: 4, delayMs: 5 }) {
  const exporter = new Recorder();
  const processor = new BoundedBatchProcessor(exporter, opts);
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("t");
  return { exporter, processor, end: (n: number) => { for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end(); } };
}

describe("BoundedBatchProcessor", () => {
  it("exports full batches at once and a partial one after the delay", async () => {
    const { exporter, processor, end } = setup();
    end(5);
    expect(exporter.batches.map((b) => b.length)).toEqual([4]);
    await new Promise((r) => setTimeout(r, 20));
    expect(exporter.batches.map((b) => b.length)).toEqual([4, 1]);
    expect(processor.dropped).toBe(0);
  });

  it("drops and counts what does not fit while an export hangs; ending spans never waits", async () => {
    const { exporter, processor, end } = setup();
    exporter.hang = true;
    end(4); // a batch goes out and hangs
    end(12); // 10 fit in the queue, 2 are dropped
    expect(processor.dropped).toBe(2);
    exporter.hang = false;
    exporter.release();
    await processor.forceFlush();
    expect(exporter.batches.flat().length).toBe(14);
  });

  it("a span becomes an otel_spans row with W3C ids, kind, status and nanoseconds", () => {
    const exporter = new Recorder();
    const tracer = new BasicTracerProvider({ spanProcessors: [new BoundedBatchProcessor(exporter, { maxQueue: 10, maxBatch: 1, delayMs: 1 })] }).getTracer("custos", "1.0");
    const s = tracer.startSpan("chat gpt-4o", { kind: 1, attributes: { "gen_ai.request.model": "gpt-4o" } });
    s.end();
    const row = spanRow(exporter.batches[0]![0]!);
    expect(row).toMatchObject({ span_name: "chat gpt-4o", span_kind: "SERVER", status_code: "UNSET", scope_name: "custos", scope_version: "1.0", span_attributes: { "gen_ai.request.model": "gpt-4o" } });
    expect(row.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(row.duration_ns).toMatch(/^\d+$/);
  });
});
