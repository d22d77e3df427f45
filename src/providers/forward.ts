// Pipeline stage: send the call to the planned endpoints, one at a time, until one answers.
// A connect error, a timeout, a 429 or a 5xx moves on to the next candidate of the plan
// (only those: routing already narrowed it to where the data may go), within
// routing.max_attempts and before routing.deadline_ms. Nothing has reached the caller yet
// when this runs, so a fallback is invisible to it. Any other answer (2xx, or a 4xx about
// the request) is final. Each try feeds the endpoint's circuit breaker and the record.
import type { Endpoint } from "../config/providers.ts";
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Attempt, Exchange } from "../pipeline/exchange.ts";
import { endAttemptSpan, startAttemptSpan } from "../telemetry/tracing.ts";
import { adapterFor } from "./registry.ts";
import { UpstreamFailure, type UpstreamResponse } from "./types.ts";
import { fromProviderStatus, fromUpstreamFailure } from "./upstream-errors.ts";

/** Provider error bodies are read for their message only up to this size. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Statuses another endpoint may answer better: rate limits, overload and server errors. */
const fallsBack = (status: number) => status === 429 || status >= 500;

export async function forward(ex: Exchange, deps: Pick<Deps, "upstream" | "config" | "health" | "clock" | "tracer">): Promise<Result<UpstreamResponse, CustosError>> {
  const plan = ex.candidates ?? (ex.endpoint ? [ex.endpoint] : []);
  if (plan.length === 0) return err(new CustosError("internal_error", "No endpoint was chosen.", { detail: "forward before route" }));
  const { max_attempts, deadline_ms } = deps.config.server.routing;
  const deadline = deps.clock.monotonic() + deadline_ms;
  const attempts: Attempt[] = (ex.attempts = []);
  let last: CustosError | undefined;

  for (const endpoint of plan.slice(0, max_attempts)) {
    const left = deadline - deps.clock.monotonic();
    if (left <= 0) {
      last = new CustosError("upstream_timeout", "No provider endpoint answered within the routing deadline.", { detail: `routing.deadline_ms ${deadline_ms}` });
      break;
    }
    ex.endpoint = endpoint;
    const t0 = deps.clock.monotonic();
    const tried = (outcome: Attempt["outcome"], status?: number) => {
      const a: Attempt = { endpoint: endpoint.id, region: endpoint.region, outcome, ms: Math.round(deps.clock.monotonic() - t0) };
      if (endpoint.jurisdiction !== undefined) a.jurisdiction = endpoint.jurisdiction;
      if (status !== undefined) a.status = status;
      attempts.push(a);
    };
    deps.health.begin(endpoint.id);
    const attempt = startAttemptSpan(deps.tracer, ex, endpoint, attempts.length + 1);
    let res: UpstreamResponse;
    try {
      res = await adapterFor(endpoint).send(ex, endpoint, {
        upstream: deps.upstream,
        timeoutMs: Math.max(1, Math.min(endpoint.timeout_ms ?? deps.config.server.upstream.headers_timeout_ms, left)),
        // The request's own signal: it fires when the caller goes away, and when a shutdown
        // closes connections that outlived the grace period.
        signal: ex.signal,
        traceHeaders: attempt.headers,
      });
    } catch (e) {
      if (ex.signal.aborted) {
        tried("cancelled");
        endAttemptSpan(attempt.span, { error: "cancelled" });
        deps.health.settle(endpoint.id, "abandoned");
        return err(new CustosError("client_closed_request", "The caller went away before the provider answered."));
      }
      const kind = e instanceof UpstreamFailure && e.kind !== "aborted" ? e.kind : "unreachable";
      tried(kind);
      endAttemptSpan(attempt.span, { error: kind });
      deps.health.settle(endpoint.id, "failure");
      last = fromUpstreamFailure(e, endpoint);
      continue;
    }
    ex.upstreamStatus = res.status;
    // The client span covers the attempt until the provider's headers (the answer's body,
    // streamed or not, belongs to the call's server span).
    endAttemptSpan(attempt.span, { status: res.status });
    if (res.status >= 200 && res.status < 300) {
      tried("ok", res.status);
      deps.health.settle(endpoint.id, "success");
      return ok(res);
    }
    tried("status", res.status);
    // 5xx counts against the endpoint; a 429 is "not now", a 4xx the request's own fault.
    deps.health.settle(endpoint.id, res.status >= 500 ? "failure" : "success");
    last = await providerError(res, endpoint);
    if (!fallsBack(res.status)) return err(last);
  }
  return err(last ?? new CustosError("upstream_error", "No provider endpoint could be tried."));
}

async function providerError(res: UpstreamResponse, endpoint: Endpoint): Promise<CustosError> {
  let body: Uint8Array;
  try {
    body = (await res.bytes()).subarray(0, ERROR_BODY_LIMIT);
  } catch {
    body = new Uint8Array();
  }
  return fromProviderStatus(res.status, body, res.headers.get("retry-after"), endpoint);
}
