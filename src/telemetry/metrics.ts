// The metrics a call leaves behind: GenAI client metrics (OpenTelemetry semantic
// conventions) and Custos' governance metrics, recorded on a Meter the runtime passes in.
// Labels carry only names that configuration bounds (team, model, endpoint, rule, PII
// type), never request or user ids; a per-label budget keeps a misbehaving caller from
// growing them anyway (a model name the caller typed, say).
import type { Attributes, Meter, ObservableResult } from "@opentelemetry/api";
import { ATTR, AUDIT_WRITE_BUCKETS, DURATION_BUCKETS, METRIC, OTHER, TOKEN_BUCKETS } from "./metric-names.ts";

export type PiiSide = "prompt" | "answer";

/** One finished call, as the pipeline knows it at its end. */
export interface CallFacts {
  /** gen_ai.operation.name (chat, embeddings), as the call's span has it. */
  operation: string;
  /**
   * The policy's verdict (deny also covers the kill switch and a team without policy);
   * none: the call ended before policy decided (authentication, a malformed body).
   */
  decision: "allow" | "deny" | "none";
  /** Id of the rule that refused the call (recorded with deny only). */
  deniedBy?: string;
  team?: string;
  /** gen_ai.provider.name of the endpoint that served the call, as its span has it. */
  provider?: string;
  /** The catalogue model the caller asked for. */
  requestModel?: string;
  /** The model that answered, as the provider named it. */
  responseModel?: string;
  /** The call's error code when it failed (error.type). */
  errorType?: string;
  /**
   * Seconds from forwarding to the end of the answer. Absent when nothing was forwarded:
   * then no gen_ai.client.* metric is recorded, since no client operation took place.
   */
  upstreamSeconds?: number;
  /** Streamed answers: seconds from forwarding to the first chunk. */
  firstChunkSeconds?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** PII findings per side and type. */
  pii?: Partial<Record<PiiSide, Readonly<Partial<Record<string, number>>>>>;
  /** Each endpoint attempt that failed (retried, fallen back from, or final). */
  upstreamFailures?: readonly UpstreamFailure[];
}

export interface UpstreamFailure {
  endpoint: string;
  region?: string;
  /** An HTTP status as text ("503") or what happened instead ("timeout", "unreachable"). */
  errorType: string;
}

/** Readings taken at each collection (a scrape): undefined or a non-finite number means "no reading now". */
export interface ObservedSources {
  /** Audit events accepted but not yet committed (buffer plus spool). */
  auditBacklog?: () => number | undefined;
  /** Spans the trace pipeline dropped since start (a running total). */
  spansDropped?: () => number | undefined;
}

export interface CallMetrics {
  recordCall(facts: CallFacts): void;
  /** One audit write (a batch commit), how long it took, and its error code if it failed. */
  auditWrite(seconds: number, errorType?: string): void;
  /** Registers gauge sources; the returned function unregisters them. */
  observe(sources: ObservedSources): () => void;
}

export interface CallMetricsOptions {
  /** Distinct values one label may take before further ones are recorded as `_OTHER` (default 200). */
  maxValuesPerLabel?: number;
}

/** Longer label values are not names from configuration. */
const MAX_VALUE_LENGTH = 128;

export function createCallMetrics(meter: Meter, opts: CallMetricsOptions = {}): CallMetrics {
  const bound = labelBudget(opts.maxValuesPerLabel ?? 200);
  const tokenUsage = meter.createHistogram(METRIC.tokenUsage, {
    description: "Number of input and output tokens used, per upstream call",
    unit: "{token}",
    advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
  });
  const duration = meter.createHistogram(METRIC.operationDuration, {
    description: "Duration of the upstream GenAI operation, from forwarding to the end of the answer",
    unit: "s",
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  });
  const firstChunk = meter.createHistogram(METRIC.timeToFirstChunk, {
    description: "Time from forwarding a streamed call to its first chunk",
    unit: "s",
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  });
  const requests = meter.createCounter(METRIC.requests, { description: "Calls by policy decision and team", unit: "{request}" });
  const piiFindings = meter.createCounter(METRIC.piiFindings, { description: "PII findings by type and side (prompt or answer)", unit: "{finding}" });
  const upstreamErrors = meter.createCounter(METRIC.upstreamErrors, { description: "Failed upstream attempts by endpoint and error type", unit: "{error}" });
  const auditWrite = meter.createHistogram(METRIC.auditWriteDuration, {
    description: "Duration of audit log writes",
    unit: "s",
    advice: { explicitBucketBoundaries: [...AUDIT_WRITE_BUCKETS] },
  });
  const backlog = meter.createObservableGauge(METRIC.auditBacklog, { description: "Audit events accepted and not yet committed", unit: "{event}" });
  // A running total, so a counter: rate() over it gives drops per second.
  const spansDropped = meter.createObservableCounter(METRIC.spansDropped, { description: "Spans dropped by the trace pipeline since start", unit: "{span}" });

  const attrs = (pairs: ReadonlyArray<readonly [string, string | undefined]>): Attributes => {
    const out: Attributes = {};
    for (const [key, value] of pairs) if (value !== undefined && value !== "") out[key] = bound(key, value);
    return out;
  };

  return {
    recordCall(f) {
      requests.add(1, attrs([[ATTR.decision, f.decision], [ATTR.team, f.team], [ATTR.rule, f.decision === "deny" ? f.deniedBy : undefined]]));
      for (const side of ["prompt", "answer"] as const) {
        for (const [type, n] of Object.entries(f.pii?.[side] ?? {})) {
          if (isCount(n) && n > 0) piiFindings.add(n, attrs([[ATTR.piiType, type], [ATTR.side, side]]));
        }
      }
      for (const u of f.upstreamFailures ?? []) {
        upstreamErrors.add(1, attrs([[ATTR.endpoint, u.endpoint], [ATTR.region, u.region], [ATTR.errorType, u.errorType]]));
      }
      if (!isCount(f.upstreamSeconds)) return;
      const genAi = attrs([[ATTR.operationName, f.operation], [ATTR.providerName, f.provider], [ATTR.requestModel, f.requestModel], [ATTR.responseModel, f.responseModel]]);
      duration.record(f.upstreamSeconds, f.errorType ? { ...genAi, ...attrs([[ATTR.errorType, f.errorType]]) } : genAi);
      if (isCount(f.firstChunkSeconds)) firstChunk.record(f.firstChunkSeconds, genAi);
      if (isCount(f.inputTokens)) tokenUsage.record(f.inputTokens, { ...genAi, [ATTR.tokenType]: "input" });
      if (isCount(f.outputTokens)) tokenUsage.record(f.outputTokens, { ...genAi, [ATTR.tokenType]: "output" });
    },
    auditWrite(seconds, errorType) {
      if (isCount(seconds)) auditWrite.record(seconds, attrs([[ATTR.errorType, errorType]]));
    },
    observe(sources) {
      const reading = (read: (() => number | undefined) | undefined) => (result: ObservableResult) => {
        const v = read?.();
        if (isCount(v)) result.observe(v);
      };
      const onBacklog = reading(sources.auditBacklog);
      const onDropped = reading(sources.spansDropped);
      if (sources.auditBacklog) backlog.addCallback(onBacklog);
      if (sources.spansDropped) spansDropped.addCallback(onDropped);
      return () => {
        backlog.removeCallback(onBacklog);
        spansDropped.removeCallback(onDropped);
      };
    },
  };
}

/** A finite, non-negative number (histograms and counters take nothing else). */
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Each label keeps the first `max` distinct values it sees; later ones, and long ones, become `_OTHER`. */
function labelBudget(max: number): (key: string, value: string) => string {
  const seen = new Map<string, Set<string>>();
  return (key, value) => {
    let values = seen.get(key);
    if (!values) seen.set(key, (values = new Set()));
    if (values.has(value)) return value;
    if (value.length > MAX_VALUE_LENGTH || values.size >= max) return OTHER;
    values.add(value);
    return value;
  };
}
