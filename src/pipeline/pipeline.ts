// The request pipeline, top to bottom. Each stage is a plain function of the exchange
// and the deps that returns a Result; the first failure ends the call with its error.
//
//   identify → parse → decide → redact prompt → route → forward → redact answer → record
//
import type { Deps } from "../deps.ts";
import { CustosError, toCustosError } from "../errors/errors.ts";
import { ok, type Result } from "../errors/result.ts";
import { errorResponse, shapeForPath } from "../errors/to-response.ts";
import { identify } from "../identity/identify.ts";
import { decide } from "../policy/decide.ts";
import { forward } from "../providers/forward.ts";
import { streamErrorEvent } from "../providers/stream-errors.ts";
import type { UpstreamResponse } from "../providers/types.ts";
import { redactAnswerBody, redactAnswerStream, redactPrompt } from "../redaction/redact.ts";
import { selectEndpoint } from "../routing/select-endpoint.ts";
import type { Exchange } from "./exchange.ts";
import { parseBody } from "./parse-body.ts";
import { recordExchange } from "./record.ts";
import { watchEventStream } from "./stream-end.ts";

export async function runPipeline(ex: Exchange, deps: Deps): Promise<Response> {
  let result: Result<Response, CustosError>;
  try {
    result = await governedCall(ex, deps);
  } catch (e) {
    result = { ok: false, error: toCustosError(e) };
  }
  if (result.ok) return result.value;
  recordExchange(ex, deps, result.error.status, result.error);
  return errorResponse(shapeForPath(ex.route), result.error, ex.id);
}

async function governedCall(ex: Exchange, deps: Deps): Promise<Result<Response, CustosError>> {
  const who = await stage(ex, deps, "identify", () => identify(ex.headers, deps));
  if (!who.ok) return who;
  ex.principal = who.value.principal;
  ex.team = who.value.team;
  ex.subjectPseudonym = await deps.pseudonym(ex.principal.issuer, ex.principal.subject);

  const body = await stage(ex, deps, "parse", () => parseBody(ex.operation, ex.body));
  if (!body.ok) return body;
  ex.json = body.value.json;
  ex.model = body.value.model;
  ex.stream = body.value.stream;

  const decision = await stage(ex, deps, "decide", () => decide(ex, deps));
  if (!decision.ok) return decision;
  ex.decision = decision.value;

  const prompt = await stage(ex, deps, "redact_prompt", () => redactPrompt(ex));
  if (!prompt.ok) return prompt;

  const endpoint = await stage(ex, deps, "route", () => selectEndpoint(deps.config.providers.endpoints, ex.model, ex.operation));
  if (!endpoint.ok) return endpoint;
  ex.endpoint = endpoint.value;

  const upstream = await stage(ex, deps, "forward", () => forward(ex, deps));
  if (!upstream.ok) return upstream;

  return ok(await answer(ex, deps, upstream.value));
}

/** Runs one stage and keeps its duration for the log line (and, later, the trace). */
async function stage<T>(ex: Exchange, deps: Deps, name: string, fn: () => Result<T, CustosError> | Promise<Result<T, CustosError>>): Promise<Result<T, CustosError>> {
  const t0 = deps.clock.monotonic();
  try {
    return await fn();
  } finally {
    ex.timings[name] = Math.round((deps.clock.monotonic() - t0) * 1000) / 1000;
  }
}

/** The provider's answer as the caller receives it: redacted, with Custos's headers; recorded when it ends. */
async function answer(ex: Exchange, deps: Deps, res: UpstreamResponse): Promise<Response> {
  const headers = governedHeaders(ex, deps, res);
  const status = res.status;
  if (ex.stream && (res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    const broken = (detail?: string) => new CustosError("upstream_error", "The provider's stream broke off before the answer was complete.", detail === undefined ? {} : { detail });
    const body = watchEventStream(redactAnswerStream(ex, res.stream()), {
      done(o) {
        if (o.kind === "complete") recordExchange(ex, deps, status);
        else if (o.kind === "cancelled" || ex.signal.aborted) recordExchange(ex, deps, status, new CustosError("client_closed_request", "The caller disconnected during the stream."));
        else recordExchange(ex, deps, status, broken(String(o.error)));
      },
      errorEvent: () => new TextEncoder().encode(streamErrorEvent(ex.operation, broken())),
    });
    return new Response(body, { status, headers });
  }
  const bytes = redactAnswerBody(ex, await res.bytes());
  recordExchange(ex, deps, status);
  return new Response(bytes, { status, headers });
}

/** A plain object, not a Headers: the Node server writes plain headers without converting them. */
function governedHeaders(ex: Exchange, deps: Deps, res: UpstreamResponse): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": res.headers.get("content-type") ?? "application/json",
    "x-request-id": ex.id,
    "x-custos-policy-version": ex.decision?.policyVersion ?? deps.config.version,
  };
  if (ex.stream) h["cache-control"] = "no-cache";
  const upstreamId = res.headers.get("x-request-id") ?? res.headers.get("request-id");
  if (upstreamId && upstreamId.length <= 128 && /^[\x21-\x7e]+$/.test(upstreamId)) h["x-custos-upstream-request-id"] = upstreamId;
  if (ex.endpoint) {
    h["x-custos-endpoint"] = ex.endpoint.id;
    h["x-custos-region"] = ex.endpoint.region;
  }
  return h;
}
