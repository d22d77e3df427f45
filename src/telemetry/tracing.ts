// Spans of one proxied call: a server span for the call (the caller's W3C traceparent is
// its parent) and a client span per upstream attempt, whose own traceparent goes to the
// provider. Stage durations are attributes of the server span, not spans of their own
// (spans cost CPU on the hot path). Contexts are passed explicitly, never taken from an
// ambient context manager: Workers have none, and nothing here depends on one.
import { context as apiContext, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { AnswerFacts } from "../audit/usage.ts";
import type { Endpoint } from "../config/providers.ts";
import type { CustosError } from "../errors/errors.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { PiiType } from "../policy/schema.ts";
import { CUSTOS, ERROR_TYPE, GEN_AI, HTTP, OPERATION_NAME, PROVIDER_NAME, SERVER } from "./attributes.ts";

const w3c = new W3CTraceContextPropagator();
const headerGetter = { get: (h: Headers, k: string) => h.get(k) ?? undefined, keys: (h: Headers) => [...h.keys()] };
const recordSetter = { set: (r: Record<string, string>, k: string, v: string) => void (r[k] = v) };

/** The call's server span, parented by the caller's traceparent when it sent a valid one. */
export function startCallSpan(tracer: Tracer, ex: Exchange): void {
  const parent = w3c.extract(apiContext.active(), ex.headers, headerGetter);
  const span = tracer.startSpan(
    OPERATION_NAME[ex.operation],
    { kind: SpanKind.SERVER, attributes: { [GEN_AI.operation]: OPERATION_NAME[ex.operation], [HTTP.route]: ex.route, [HTTP.method]: "POST", [CUSTOS.requestId]: ex.id } },
    parent,
  );
  ex.span = span;
  ex.traceContext = trace.setSpan(parent, span);
}

/** Once the body is read: the span is named for the operation and model, as the conventions ask. */
export function nameCallSpan(ex: Exchange): void {
  const span = ex.span;
  if (!span || ex.model === "") return;
  span.updateName(`${OPERATION_NAME[ex.operation]} ${ex.model.slice(0, 100)}`);
  span.setAttribute(GEN_AI.requestModel, ex.model.slice(0, 256));
  if (ex.stream) span.setAttribute(GEN_AI.stream, true);
  const j = ex.json;
  const max = j.max_completion_tokens ?? j.max_output_tokens ?? j.max_tokens;
  if (typeof max === "number" && Number.isInteger(max)) span.setAttribute(GEN_AI.maxTokens, max);
  if (typeof j.temperature === "number") span.setAttribute(GEN_AI.temperature, j.temperature);
  if (typeof j.top_p === "number") span.setAttribute(GEN_AI.topP, j.top_p);
}

/** W3C ids of the call's span, for the audit event and the log line. */
export function traceIds(ex: Exchange): { traceId: string; spanId: string } | undefined {
  const c = ex.span?.spanContext();
  if (!c || !trace.isSpanContextValid(c)) return undefined;
  return { traceId: c.traceId, spanId: c.spanId };
}

/** A client span for one upstream attempt, and the traceparent that carries it to the provider. */
export function startAttemptSpan(tracer: Tracer, ex: Exchange, endpoint: Endpoint, attempt: number): { span: Span; headers: Record<string, string> } {
  const parent: Context = ex.traceContext ?? apiContext.active();
  const attributes: Record<string, string | number> = {
    [GEN_AI.operation]: OPERATION_NAME[ex.operation],
    [GEN_AI.provider]: PROVIDER_NAME[endpoint.kind] ?? endpoint.kind,
    [GEN_AI.requestModel]: ex.model.slice(0, 256),
    [CUSTOS.endpoint]: endpoint.id,
    [CUSTOS.region]: endpoint.region,
    [CUSTOS.attempt]: attempt,
  };
  if ("base_url" in endpoint) {
    const u = new URL(endpoint.base_url);
    attributes[SERVER.address] = u.hostname;
    attributes[SERVER.port] = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  }
  const span = tracer.startSpan(`${OPERATION_NAME[ex.operation]} ${ex.model.slice(0, 100)}`, { kind: SpanKind.CLIENT, attributes }, parent);
  const headers: Record<string, string> = {};
  w3c.inject(trace.setSpan(parent, span), headers, recordSetter);
  return { span, headers };
}

/** How an attempt went: its status, or why it got none. */
export function endAttemptSpan(span: Span, outcome: { status?: number; error?: string }): void {
  if (outcome.status !== undefined) span.setAttribute(HTTP.status, outcome.status);
  if (outcome.error !== undefined || (outcome.status !== undefined && outcome.status >= 400)) {
    span.setAttribute(ERROR_TYPE, outcome.error ?? String(outcome.status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

export interface CallEnding {
  status: number;
  error?: CustosError;
  answer?: AnswerFacts;
}

/** Everything the call's record says, as attributes, then the span ends. */
export function endCallSpan(ex: Exchange, end: CallEnding): void {
  const span = ex.span;
  if (!span) return;
  const a: Record<string, string | number | boolean | string[]> = { [HTTP.status]: end.status };
  if (ex.team) a[CUSTOS.team] = ex.team;
  a[CUSTOS.policyVersion] = ex.policy.version;
  if (ex.decision) {
    a[CUSTOS.decision] = ex.decision.allowed ? "allow" : "deny";
    a[CUSTOS.rules] = ex.decision.rules.slice(0, 64);
    if (ex.decision.deniedBy) a[CUSTOS.deniedBy] = ex.decision.deniedBy;
  }
  const e = ex.endpoint;
  if (e) {
    a[GEN_AI.provider] = PROVIDER_NAME[e.kind] ?? e.kind;
    a[CUSTOS.endpoint] = e.id;
    a[CUSTOS.region] = e.region;
    if (e.jurisdiction) a[CUSTOS.jurisdiction] = e.jurisdiction;
  }
  if (ex.attempts && ex.attempts.length > 1) a[CUSTOS.attempts] = ex.attempts.length;
  const r = end.answer;
  if (r?.model) a[GEN_AI.responseModel] = r.model.slice(0, 256);
  if (r?.id) a[GEN_AI.responseId] = r.id.slice(0, 256);
  if (r?.finish && r.finish.length > 0) a[GEN_AI.finishReasons] = r.finish;
  if (r?.usage?.input !== undefined) a[GEN_AI.inputTokens] = r.usage.input;
  if (r?.usage?.output !== undefined) a[GEN_AI.outputTokens] = r.usage.output;
  for (const side of ["prompt", "answer"] as const) {
    const counts = ex.redaction?.[side].counts;
    if (counts) for (const [t, n] of Object.entries(counts) as [PiiType, number][]) if (n > 0) a[`${CUSTOS.piiPrefix}.${side}.${t}`] = n;
  }
  for (const [stage, ms] of Object.entries(ex.timings)) a[`${CUSTOS.stagePrefix}.${stage}_ms`] = ms;
  span.setAttributes(a);
  if (end.error) {
    span.setAttribute(ERROR_TYPE, end.error.code);
    // a server span is in error for the server's faults, not the caller's (OTel HTTP conventions)
    if (end.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
