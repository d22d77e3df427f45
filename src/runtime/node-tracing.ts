// Telemetry providers on Node. Spans are batched into Postgres (otel_spans, daily
// partitions dropped after telemetry.span_retention_days) and, when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, sent to an OTLP/HTTP collector as well.
//
// `custos serve` (one server per process) starts the OpenTelemetry NodeSDK: the runtime's
// one place that registers the global tracer and meter providers, with these span
// processors and the Prometheus reader. A server embedded in another process (tests, a
// host app) builds providers of its own instead and registers nothing, so two servers in
// one process keep their spans and metrics apart. Either way core code gets only a Tracer
// and a Meter.
import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { IMetricReader } from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Storage } from "../storage/types.ts";
import { BoundedBatchProcessor, DEFAULT_BATCH, PostgresSpanExporter } from "../telemetry/span-export.ts";
import type { Logger } from "../telemetry/logger.ts";

export interface NodeTracing {
  tracer: Tracer;
  /** With `global`: the meter of the registered provider (the Prometheus reader's); else undefined. */
  meter?: Meter;
  /** Spans dropped (queue full), since start. */
  dropped(): number;
  /** Exports what is queued, then stops. */
  shutdown(): Promise<void>;
}

const MAINTAIN_EVERY_MS = 6 * 3600 * 1000;

export async function startNodeTracing(o: {
  storage: Storage;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  build: string;
  retentionDays: number;
  /** Register the providers globally through NodeSDK (custos serve), with this metric reader. */
  global?: { metricReader?: IMetricReader };
}): Promise<NodeTracing> {
  const toPostgres = new BoundedBatchProcessor(new PostgresSpanExporter((rows) => o.storage.insertSpans(rows)), DEFAULT_BATCH);
  const processors: SpanProcessor[] = [toPostgres];
  const otlp = o.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (o.env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${o.env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (otlp) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlp }), { maxQueueSize: DEFAULT_BATCH.maxQueue, maxExportBatchSize: DEFAULT_BATCH.maxBatch, scheduledDelayMillis: DEFAULT_BATCH.delayMs }));
    o.logger.info({ otlp: new URL(otlp).origin }, "tracing: spans also go to the OTLP endpoint");
  }
  const resource = resourceFromAttributes({ "service.name": "custos", "service.version": o.build });
  let tracer: Tracer;
  let meter: Meter | undefined;
  let stop: () => Promise<void>;
  if (o.global) {
    const sdk = new NodeSDK({ resource, spanProcessors: processors, ...(o.global.metricReader ? { metricReaders: [o.global.metricReader] } : {}), instrumentations: [] });
    sdk.start();
    tracer = trace.getTracer("custos", o.build);
    meter = metrics.getMeter("custos", o.build);
    stop = () => sdk.shutdown();
  } else {
    const provider = new BasicTracerProvider({ resource, spanProcessors: processors });
    tracer = provider.getTracer("custos", o.build);
    stop = () => provider.shutdown();
  }
  const maintain = () =>
    o.storage.maintainSpans(o.retentionDays).then(
      (n) => n > 0 && o.logger.info({ dropped: n, retentionDays: o.retentionDays }, "tracing: span partitions past retention dropped"),
      (e: unknown) => o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "tracing: span partition upkeep failed"),
    );
  await maintain();
  const timer = setInterval(() => void maintain(), MAINTAIN_EVERY_MS);
  timer.unref();
  return {
    tracer,
    ...(meter ? { meter } : {}),
    dropped: () => toPostgres.dropped,
    async shutdown() {
      clearInterval(timer);
      await stop().catch((e: unknown) => o.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "tracing: the last spans could not be exported"));
    },
  };
}
