// The last stage: every call ends in one audit event and one log line, whatever its
// outcome. A call refused before anything was forwarded is an llm.denied event; a call
// whose llm.request was written ends in an llm.response (answered, failed upstream, or cut
// off). Authentication failures are only counted (a flood of bad tokens must not flood
// the log or compete with real traffic for it).
import { classFor } from "../audit/retention.ts";
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { deniedEntry, responseEntry } from "../audit/events.ts";
import type { AnswerFacts } from "../audit/usage.ts";
import { OPERATION_NAME, PROVIDER_NAME } from "../telemetry/attributes.ts";
import type { CallFacts } from "../telemetry/metrics.ts";
import { endCallSpan, traceIds } from "../telemetry/tracing.ts";
import type { Exchange } from "./exchange.ts";

export interface Ending {
  status: number;
  error?: CustosError;
  answer?: AnswerFacts;
  /** The answer as the caller received it, for the log's content level (not for streams beyond the cap). */
  output?: Uint8Array;
}

export function recordExchange(ex: Exchange, deps: Pick<Deps, "audit" | "logger" | "clock" | "config" | "system" | "sealer" | "defer" | "metrics">, end: Ending): void {
  if (ex.status !== undefined) return; // recorded already (a stream reports its end once)
  const { status, error } = end;
  ex.status = status;
  if (error) ex.errorCode = error.code;
  const ids = traceIds(ex);
  endCallSpan(ex, { status, ...(error ? { error } : {}), ...(end.answer ? { answer: end.answer } : {}) });
  deps.metrics.recordCall(callFacts(ex, end, deps.clock.monotonic()));
  if (error && !ex.principal) {
    // Before anyone is identified (bad token, body too large) calls are counted per source
    // and reason, not recorded one by one.
    deps.audit.authFailure({ source: ex.source, reason: error.code === "authentication_failed" ? (error.detail ?? "unknown") : error.code, route: ex.route, at: ex.receivedAt });
    deps.logger.debug({ reqId: ex.id, route: ex.route, status, code: error.code, detail: error.detail }, "authentication failed");
    return;
  }
  const endAt = deps.clock.now();
  const latencyMs = Math.round((deps.clock.monotonic() - ex.start) * 1000) / 1000;
  deps.defer(
    writeEnding(ex, deps, end, endAt).catch((e: unknown) => {
      deps.logger.error({ reqId: ex.id, err: e instanceof Error ? e.message : String(e) }, "audit: the call's ending could not be recorded");
    }),
  );
  const line = {
    reqId: ex.id,
    route: ex.route,
    status,
    latencyMs,
    ...(ex.team ? { team: ex.team } : {}),
    ...(ex.model ? { model: ex.model } : {}),
    ...(ex.endpoint ? { upstream: ex.endpoint.id, region: ex.endpoint.region } : {}),
    ...(ex.upstreamStatus !== undefined ? { upstreamStatus: ex.upstreamStatus } : {}),
    ...(ex.stream ? { stream: true } : {}),
    ...(error ? { code: error.code } : {}),
    ...(error?.detail ? { detail: error.detail } : {}),
    stages: ex.timings,
    ...(ids ? { traceId: ids.traceId, spanId: ids.spanId } : {}),
  };
  if (error && status >= 500 && error.code !== "client_closed_request") deps.logger.error(line, "request failed");
  else deps.logger.info(line, "request");
}

/** What the metrics keep of a finished call: names that configuration bounds, never ids. */
function callFacts(ex: Exchange, end: Ending, nowMono: number): CallFacts {
  const usage = end.answer?.usage;
  const start = ex.upstreamStartMono;
  return {
    operation: OPERATION_NAME[ex.operation],
    decision: ex.decision === undefined ? "none" : ex.decision.allowed ? "allow" : "deny",
    ...(ex.decision?.deniedBy ? { deniedBy: ex.decision.deniedBy } : {}),
    // only teams with a policy file: the team claim comes from a token, so config does not bound it
    ...(ex.teamPolicy && ex.team ? { team: ex.team } : {}),
    ...(ex.endpoint ? { provider: PROVIDER_NAME[ex.endpoint.kind] ?? ex.endpoint.kind } : {}),
    ...(start !== undefined && ex.model ? { requestModel: ex.model } : {}),
    ...(end.answer?.model ? { responseModel: end.answer.model } : {}),
    ...(end.error ? { errorType: end.error.code } : {}),
    ...(start !== undefined ? { upstreamSeconds: (nowMono - start) / 1000 } : {}),
    ...(ex.stream && start !== undefined && ex.firstChunkMono !== undefined ? { firstChunkSeconds: (ex.firstChunkMono - start) / 1000 } : {}),
    ...(usage?.input !== undefined ? { inputTokens: usage.input } : {}),
    ...(usage?.output !== undefined ? { outputTokens: usage.output } : {}),
    ...(ex.redaction ? { pii: { prompt: ex.redaction.prompt.counts, answer: ex.redaction.answer.counts } } : {}),
    upstreamFailures: (ex.attempts ?? [])
      .filter((a) => a.outcome !== "ok" && a.outcome !== "cancelled")
      .map((a) => ({ endpoint: a.endpoint, region: a.region, errorType: a.outcome === "status" ? String(a.status) : a.outcome })),
  };
}

async function writeEnding(ex: Exchange, deps: Pick<Deps, "audit" | "config" | "system" | "sealer">, end: Ending, endAt: number): Promise<void> {
  if (!ex.requestRecorded) {
    deps.audit.emit({ type: "llm.denied", eventId: ex.id, ts: endAt, fields: deniedEntry(ex, deps.system, end.error ?? new CustosError("internal_error", "The call ended before it was forwarded."), endAt) });
    return;
  }
  const content: { part: string; jwe: string }[] = [];
  if (end.output !== undefined && ex.subjectPseudonym !== undefined) {
    const sealed = await deps.sealer.seal(ex.audit?.content ?? deps.config.server.audit.content, ex.subjectPseudonym, ex.receivedAt, end.output, classFor(ex.policy.retention, ex.audit?.retention, true));
    ex.outputFacts = sealed.facts;
    if (sealed.jwe !== undefined) content.push({ part: "output", jwe: sealed.jwe });
  }
  deps.audit.emit({ type: "llm.response", ts: endAt, fields: responseEntry(ex, end.status, end.error, end.answer, endAt), content });
}
