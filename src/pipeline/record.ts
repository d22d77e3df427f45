// The last stage: one audit record and one log line per call, whatever its outcome.
import type { Deps } from "../deps.ts";
import type { CustosError } from "../errors/errors.ts";
import type { Exchange } from "./exchange.ts";

export function recordExchange(ex: Exchange, deps: Pick<Deps, "audit" | "logger" | "clock">, status: number, error?: CustosError): void {
  if (ex.status !== undefined) return; // recorded already (a stream reports its end once)
  ex.status = status;
  if (error) ex.errorCode = error.code;
  if (error?.code === "authentication_failed") {
    // Counted, not recorded one by one: a flood of bad tokens must not flood the log.
    deps.audit.authFailure({ source: ex.source, reason: error.detail ?? "unknown", route: ex.route, at: ex.receivedAt });
    deps.logger.debug({ reqId: ex.id, route: ex.route, status, code: error.code, detail: error.detail }, "authentication failed");
    return;
  }
  const latencyMs = Math.round((deps.clock.monotonic() - ex.start) * 1000) / 1000;
  deps.audit.record({
    id: ex.id,
    time: new Date(ex.receivedAt),
    route: ex.route,
    team: ex.team ?? null,
    principal: ex.principal && ex.subjectPseudonym ? `${ex.principal.issuerName}:${ex.subjectPseudonym}` : null,
    model: ex.model || null,
    status,
    errorCode: error?.code ?? null,
    latencyMs,
    upstream: ex.endpoint?.id ?? null,
    region: ex.endpoint?.region ?? null,
  });
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
  };
  if (error && status >= 500 && error.code !== "client_closed_request") deps.logger.error(line, "request failed");
  else deps.logger.info(line, "request");
}
