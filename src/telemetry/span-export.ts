// Span export that never slows a request: ended spans wait in a bounded queue and go out
// in batches, one export at a time. When the queue is full, new spans are dropped and
// counted (custos.spans.dropped) — back-pressure from the database costs traces, never
// latency. The SDK's BatchSpanProcessor drops the same way but keeps its count private,
// hence this small processor.
import { ExportResultCode, hrTimeToNanoseconds, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanRow } from "../storage/types.ts";

export interface BatchOptions {
  /** Spans waiting at most; beyond it they are dropped. */
  maxQueue: number;
  /** Spans per export. */
  maxBatch: number;
  /** How long a partial batch waits for more. */
  delayMs: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxQueue: 4096, maxBatch: 512, delayMs: 500 };

export class BoundedBatchProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private exporting: Promise<void> | undefined;
  private droppedCount = 0;
  private failedCount = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly opts: BatchOptions = DEFAULT_BATCH,
  ) {}

  /** Spans dropped because the queue was full, since start. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Spans whose export failed (the exporter said so), since start. */
  get failed(): number {
    return this.failedCount;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.queue.length >= this.opts.maxQueue) {
      this.droppedCount++;
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.opts.maxBatch) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.opts.delayMs);
  }

  private kick(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.exporting || this.queue.length === 0) return;
    this.exporting = this.exportBatch().finally(() => {
      this.exporting = undefined;
      if (this.queue.length >= this.opts.maxBatch) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), this.opts.delayMs);
    });
  }

  private exportBatch(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    return new Promise<void>((resolve) => {
      this.exporter.export(batch, (r: ExportResult) => {
        if (r.code !== ExportResultCode.SUCCESS) this.failedCount += batch.length;
        resolve();
      });
    });
  }

  async forceFlush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.exporting) await this.exporting;
    while (this.queue.length > 0) await this.exportBatch();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.exporter.shutdown();
  }
}

const KIND = ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const STATUS = ["UNSET", "OK", "ERROR"];

/** A span as a row of otel_spans (the Collector's ClickHouse table, in Postgres). */
export function spanRow(s: ReadableSpan): SpanRow {
  const c = s.spanContext();
  const ns = hrTimeToNanoseconds(s.startTime);
  return {
    timestamp: new Date(Math.floor(ns / 1e6)).toISOString(),
    trace_id: c.traceId,
    span_id: c.spanId,
    parent_span_id: s.parentSpanContext?.spanId ?? null,
    trace_state: c.traceState?.serialize() || null,
    span_name: s.name,
    span_kind: KIND[s.kind] ?? String(s.kind),
    service_name: String(s.resource.attributes["service.name"] ?? "custos"),
    resource_attributes: { ...s.resource.attributes },
    scope_name: s.instrumentationScope.name,
    scope_version: s.instrumentationScope.version ?? null,
    span_attributes: { ...s.attributes },
    duration_ns: String(hrTimeToNanoseconds(s.duration)),
    status_code: STATUS[s.status.code] ?? "UNSET",
    status_message: s.status.message ?? null,
    events: s.events.map((e) => ({ time: new Date(Math.floor(hrTimeToNanoseconds(e.time) / 1e6)).toISOString(), name: e.name, attributes: { ...e.attributes } })),
    links: s.links.map((l) => ({ trace_id: l.context.traceId, span_id: l.context.spanId, attributes: { ...l.attributes } })),
  };
}

/** Writes each batch to otel_spans as one statement. */
export class PostgresSpanExporter implements SpanExporter {
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly insert: (rows: SpanRow[]) => Promise<void>) {}

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    const p = this.insert(spans.map(spanRow)).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

/**
 * For runtimes without a process to batch in (Workers): a call's spans are kept until its
 * server span ends, then exported together in one write kept alive by `background`
 * (waitUntil). One processor per request: at most `max` spans, the rest dropped.
 */
export class ExportOnCallEnd implements SpanProcessor {
  private spans: ReadableSpan[] = [];
  private droppedCount = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly background: (work: Promise<unknown>) => void,
    private readonly max = 64,
  ) {}

  get dropped(): number {
    return this.droppedCount;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.spans.length >= this.max) this.droppedCount++;
    else this.spans.push(span);
    if (span.kind === 1 /* SERVER */) this.background(this.forceFlush());
  }

  forceFlush(): Promise<void> {
    const batch = this.spans.splice(0);
    if (batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.exporter.export(batch, () => resolve()));
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
