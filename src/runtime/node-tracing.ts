// Tracing on Node: this server's own tracer provider, with spans batched into Postgres
// (otel_spans, daily partitions dropped after telemetry.span_retention_days) and, when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, to an OTLP/HTTP collector as well. The provider is
// built per server rather than registered globally (NodeSDK's way), so two servers in one
// process (tests, embedding) keep their spans apart; core code gets only the Tracer.
import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Storage } from "../storage/types.ts";
import { BoundedBatchProcessor, DEFAULT_BATCH, PostgresSpanExporter } from "../telemetry/span-export.ts";
import type { Logger } from "../telemetry/logger.ts";

export interface NodeTracing {
  tracer: Tracer;
  /** Spans dropped (queue full) and failed (export error), since start. */
  dropped(): number;
  failed(): number;
  /** Exports what is queued, then stops. */
  shutdown(): Promise<void>;
}

const MAINTAIN_EVERY_MS = 6 * 3600 * 1000;

export async function startNodeTracing(o: { storage: Storage; env: Readonly<Record<string, string | undefined>>; logger: Logger; build: string; retentionDays: number }): Promise<NodeTracing> {
  const toPostgres = new BoundedBatchProcessor(new PostgresSpanExporter((rows) => o.storage.insertSpans(rows)), DEFAULT_BATCH);
  const processors: SpanProcessor[] = [toPostgres];
  const otlp = o.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (o.env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${o.env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (otlp) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlp }), { maxQueueSize: DEFAULT_BATCH.maxQueue, maxExportBatchSize: DEFAULT_BATCH.maxBatch, scheduledDelayMillis: DEFAULT_BATCH.delayMs }));
    o.logger.info({ otlp: new URL(otlp).origin }, "tracing: spans also go to the OTLP endpoint");
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "custos", "service.version": o.build }),
    spanProcessors: processors,
  });
  const maintain = () =>
    o.storage.maintainSpans(o.retentionDays).then(
      (n) => n > 0 && o.logger.info({ dropped: n, retentionDays: o.retentionDays }, "tracing: span partitions past retention dropped"),
      (e: unknown) => o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "tracing: span partition upkeep failed"),
    );
  await maintain();
  const timer = setInterval(() => void maintain(), MAINTAIN_EVERY_MS);
  timer.unref();
  return {
    tracer: provider.getTracer("custos", o.build),
    dropped: () => toPostgres.dropped,
    failed: () => toPostgres.failed,
    async shutdown() {
      clearInterval(timer);
      await provider.shutdown().catch((e: unknown) => o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "tracing: the last spans could not be exported"));
    },
  };
}
