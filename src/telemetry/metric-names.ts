// Metric names, label keys and bucket boundaries, in one place (STYLE.md point 9).
// GenAI names follow OpenTelemetry semantic conventions v1.41 (audit-and-compliance.md §3.4);
// governance metrics the conventions lack live under custos.*. Written out rather than
// imported from @opentelemetry/semantic-conventions so core code depends on the API only;
// src/telemetry/metrics.test.ts checks them against that package. Attribute keys spans
// also carry, and the values of gen_ai.operation.name and gen_ai.provider.name, come from
// the span table (attributes.ts), so spans and metrics use the same names.
import { ERROR_TYPE, GEN_AI } from "./attributes.ts";

export const METRIC = {
  tokenUsage: "gen_ai.client.token.usage",
  operationDuration: "gen_ai.client.operation.duration",
  timeToFirstChunk: "gen_ai.client.operation.time_to_first_chunk",
  requests: "custos.requests",
  piiFindings: "custos.pii.findings",
  auditWriteDuration: "custos.audit.write.duration",
  auditBacklog: "custos.audit.backlog",
  spansDropped: "custos.spans.dropped",
  upstreamErrors: "custos.upstream.errors",
} as const;

export const ATTR = {
  operationName: GEN_AI.operation,
  providerName: GEN_AI.provider,
  requestModel: GEN_AI.requestModel,
  responseModel: GEN_AI.responseModel,
  tokenType: "gen_ai.token.type",
  errorType: ERROR_TYPE,
  // Our own labels: short, because they become Prometheus label names as they are.
  decision: "decision",
  team: "team",
  rule: "rule",
  piiType: "type",
  side: "side",
  endpoint: "endpoint",
  region: "region",
} as const;

/** error.type's value for "some other error" (semantic conventions), also used for labels over their value budget. */
export const OTHER = "_OTHER";

/** Semconv advice for gen_ai.client.token.usage: powers of 4 from 1 to 4^13. */
export const TOKEN_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Semconv advice for gen_ai.client.operation.duration and time_to_first_chunk: doubling from 0.01 s to 81.92 s. */
export const DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Audit writes: milliseconds to the write timeout (server.yaml audit.write_timeout_ms, 3 s by default) and past it. */
export const AUDIT_WRITE_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
