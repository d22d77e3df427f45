// The request pipeline, top to bottom. Each stage is a plain function of the exchange
// and the deps that returns a Result; the first failure ends the call with its error.
//
//   identify → pseudonym → parse → decide → redact prompt → route → audit request →
//   forward (with fallbacks within the route) → redact answer → record
//
import { classFor } from "../audit/retention.ts";
import { requestEntry } from "../audit/events.ts";
import { factsFromBody, requestStreamUsage, streamFacts, stripUsageChunk } from "../audit/usage.ts";
import { concatBytes } from "../bytes.ts";
import { base64url } from "../crypto/hashing.ts";
import { withDeadline } from "../deadline.ts";
import type { Deps } from "../deps.ts";
import { CustosError, toCustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { errorResponse, shapeForPath } from "../errors/to-response.ts";
import { identify } from "../identity/identify.ts";
import { auditLevel, decide } from "../policy/decide.ts";
import { forward } from "../providers/forward.ts";
import { streamErrorEvent } from "../providers/stream-errors.ts";
import type { UpstreamResponse } from "../providers/types.ts";
import { answerStream, redactAnswerBody, redactPrompt } from "../redaction/redact.ts";
import { riskRoutes } from "../policy/engine.ts";
import { parsePin, planRoute, triggeredRisks, type RoutePlan } from "../routing/route.ts";
import { NO_CONSTRAINTS, type RouteConstraints } from "../routing/select-endpoint.ts";
import { NOTHING_SUSPENDED } from "../routing/suspensions.ts";
import { nameCallSpan, startCallSpan } from "../telemetry/tracing.ts";
import { setBody, type Exchange } from "./exchange.ts";
import { parseBody } from "./parse-body.ts";
import { recordExchange } from "./record.ts";
import { watchEventStream } from "./stream-end.ts";

export async function runPipeline(ex: Exchange, deps: Deps): Promise<Response> {
  startCallSpan(deps.tracer, ex);
  let result: Result<Response, CustosError>;
  try {
    result = await governedCall(ex, deps);
  } catch (e) {
    result = { ok: false, error: toCustosError(e) };
  }
  if (result.ok) return result.value;
  recordExchange(ex, deps, { status: result.error.status, error: result.error });
  const res = errorResponse(shapeForPath(ex.route), result.error, ex.id);
  // A call whose caller is known was governed: its refusal says which policy version refused it.
  if (ex.principal) res.headers.set("x-custos-policy-version", ex.policy.version);
  return res;
}

async function governedCall(ex: Exchange, deps: Deps): Promise<Result<Response, CustosError>> {
  const who = await stage(ex, deps, "identify", () => identify(ex.headers, deps));
  if (!who.ok) return who;
  ex.principal = who.value.principal;
  ex.team = who.value.team;
  const teamPolicy = ex.policy.teams.get(ex.team);
  if (teamPolicy) ex.teamPolicy = teamPolicy;
  ex.audit = auditLevel(teamPolicy, deps.config.server.audit);
  const subject = await stage(ex, deps, "pseudonym", () => pseudonymOf(ex, deps));
  if (!subject.ok) return subject;

  const body = await stage(ex, deps, "parse", () => parseBody(ex.operation, ex.body));
  if (!body.ok) return body;
  ex.json = body.value.json;
  ex.model = body.value.model;
  ex.stream = body.value.stream;
  nameCallSpan(ex);

  const decision = await stage(ex, deps, "decide", () => decide(ex));
  if (!decision.ok) return decision;
  for (const s of decision.value.shadow) deps.logger.info({ reqId: ex.id, team: ex.team, rule: s.rule, code: s.code }, "policy: a shadow rule would have denied this call");

  const prompt = await stage(ex, deps, "redact_prompt", () => redactPrompt(ex, deps.redaction));
  if (!prompt.ok) return prompt;

  const plan = await stage(ex, deps, "route", () => route(ex, deps, decision.value.obligations ?? NO_CONSTRAINTS));
  if (!plan.ok) return plan;
  ex.candidates = plan.value.candidates;
  ex.endpoint = plan.value.candidates[0]!;
  if (plan.value.skipped.length > 0) ex.routeSkipped = plan.value.skipped;

  const recorded = await stage(ex, deps, "audit_request", () => auditRequest(ex, deps));
  if (!recorded.ok) return recorded;

  const upstream = await stage(ex, deps, "forward", () => forward(ex, deps));
  if (!upstream.ok) return upstream;

  return ok(await answer(ex, deps, upstream.value));
}

/** Where the call may go, in the order tried: policy's constraints, the caller's pin, the kill switch and endpoint health. */
async function route(ex: Exchange, deps: Deps, constraints: RouteConstraints): Promise<Result<RoutePlan, CustosError>> {
  const pin = parsePin(ex.headers.get("x-custos-pin-region"));
  if (!pin.ok) return pin;
  let suspended = NOTHING_SUSPENDED;
  if (deps.suspensions) {
    try {
      suspended = await deps.suspensions.current();
    } catch (e) {
      // Never read yet and the database is away: the team's audit rule says what that means.
      if (ex.audit!.onFailure === "fail_closed") return err(toCustosError(e));
      deps.logger.warn({ reqId: ex.id, err: e instanceof Error ? e.message : String(e) }, "suspension list unreadable: routing as if nothing were suspended (fail_open)");
    }
  }
  const risk = ex.teamPolicy && ex.redaction ? triggeredRisks(riskRoutes(ex.teamPolicy), ex.redaction.prompt.counts) : [];
  if (risk.length > 0) ex.routeRisk = risk;
  return planRoute(deps.config.providers.endpoints, {
    model: ex.model,
    operation: ex.operation,
    team: ex.team!,
    constraints,
    ...(pin.value ? { pin: pin.value } : {}),
    risk,
    suspended,
    health: deps.health,
    random: Math.random,
  });
}

/** The caller's pseudonym from the mapping table; if that cannot be read, fail_closed refuses and fail_open records a provisional one. */
async function pseudonymOf(ex: Exchange, deps: Deps): Promise<Result<true, CustosError>> {
  const p = ex.principal!;
  if (p.credential !== "api_key" && p.tokenId !== undefined) ex.tokenHash = base64url(deps.sha256(new TextEncoder().encode(p.tokenId)));
  try {
    ex.subjectPseudonym = await withDeadline(deps.pseudonym(p.issuer, p.subject, p.email), deps.config.server.audit.write_timeout_ms, "the subject mapping look-up");
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    if (ex.audit!.onFailure === "fail_closed") return err(new CustosError("audit_unavailable", "The audit log cannot record this call right now, and policy forbids forwarding unrecorded calls.", { detail }));
    deps.logger.warn({ reqId: ex.id, err: detail }, "subject mapping unavailable: recording a provisional pseudonym");
    ex.subjectPseudonym = deps.pseudonym.provisional(p.issuer, p.subject);
    ex.subjectProvisional = true;
  }
  return ok(true);
}

/**
 * The llm.request event, written before anything is forwarded. Under fail_closed the call
 * goes on only once the event is committed; otherwise it is spooled if the database is away.
 */
async function auditRequest(ex: Exchange, deps: Deps): Promise<Result<true, CustosError>> {
  const audit = ex.audit!;
  if (ex.stream) {
    // Streamed chat answers carry usage only when asked: ask, and strip it if the caller did not.
    const asked = requestStreamUsage(ex.operation, ex.json);
    if (!asked.callerAsked) {
      setBody(ex, asked.json);
      ex.stripUsage = true;
    }
  }
  const content: { part: string; jwe: string }[] = [];
  if (ex.subjectPseudonym !== undefined) {
    const sealed = await deps.sealer.seal(audit.content, ex.subjectPseudonym, ex.receivedAt, ex.body, classFor(ex.policy.retention, audit.retention, true));
    ex.inputFacts = sealed.facts;
    if (sealed.jwe !== undefined) content.push({ part: "input", jwe: sealed.jwe });
  }
  const urgent = audit.onFailure === "fail_closed";
  const emitted = deps.audit.emit({ type: "llm.request", eventId: ex.id, fields: requestEntry(ex, deps.system), content }, { urgent });
  ex.requestRecorded = true;
  if (urgent) {
    try {
      await emitted.committed;
    } catch (e) {
      return err(new CustosError("audit_unavailable", "The audit log cannot record this call right now, and policy forbids forwarding unrecorded calls.", { detail: e instanceof Error ? e.message : String(e) }));
    }
  }
  ex.dispatchedAt = deps.clock.now();
  ex.upstreamStartMono = deps.clock.monotonic();
  return ok(true);
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
  ex.firstByteAt = deps.clock.now();
  if (ex.stream && (res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    const broken = (detail?: string) => new CustosError("upstream_error", "The provider's stream broke off before the answer was complete.", detail === undefined ? {} : { detail });
    const facts = streamFacts(ex.operation);
    const keep = ex.audit!.content !== "none";
    const seen: Uint8Array[] = [];
    let kept = 0;
    const rewriter = answerStream(ex);
    const keepOut = (out: Uint8Array) => {
      if (keep && kept + out.length <= MAX_KEPT_OUTPUT) {
        seen.push(out);
        kept += out.length;
      }
      return out;
    };
    const body = watchEventStream(res.stream(), {
      each(events) {
        ex.firstChunkMono ??= deps.clock.monotonic();
        facts.observe(events);
        let out = ex.stripUsage ? stripUsageChunk(events) : events;
        if (rewriter) out = utf8.encode(rewriter.each(utf8d.decode(out)));
        return keepOut(out);
      },
      ...(rewriter ? { flush: () => keepOut(utf8.encode(rewriter.end())), stopped: () => rewriter.blocked !== undefined } : {}),
      done(o) {
        const answer = facts.facts();
        const output = keep ? concatBytes(seen) : undefined;
        const ending = { answer, ...(output ? { output } : {}) };
        if (ex.redaction?.blocked) recordExchange(ex, deps, { status, error: new CustosError("pii_blocked", "The answer contained personal data the policy blocks; the stream was ended there."), ...ending });
        else if (o.kind === "complete") recordExchange(ex, deps, { status, ...ending });
        else if (o.kind === "cancelled" || ex.signal.aborted) recordExchange(ex, deps, { status, error: new CustosError("client_closed_request", "The caller disconnected during the stream."), ...ending });
        else recordExchange(ex, deps, { status, error: broken(String(o.error)), ...ending });
      },
      errorEvent: () => new TextEncoder().encode(streamErrorEvent(ex.operation, broken())),
    });
    return new Response(body, { status, headers });
  }
  const raw = await res.bytes();
  const redacted = status >= 200 && status < 300 ? redactAnswerBody(ex, raw) : ok(raw);
  if (!redacted.ok) {
    recordExchange(ex, deps, { status: redacted.error.status, error: redacted.error, answer: factsFromBody(ex.operation, raw) });
    const refused = errorResponse(shapeForPath(ex.route), redacted.error, ex.id);
    for (const [k, v] of Object.entries(headers)) if (k !== "content-type") refused.headers.set(k, v);
    return refused;
  }
  const bytes = redacted.value;
  recordExchange(ex, deps, { status, answer: factsFromBody(ex.operation, bytes), output: bytes });
  return new Response(bytes, { status, headers });
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Streamed answers are kept for the log's content (hash or JWE) up to this size. */
const MAX_KEPT_OUTPUT = 4 * 1024 * 1024;


/** A plain object, not a Headers: the Node server writes plain headers without converting them. */
function governedHeaders(ex: Exchange, deps: Deps, res: UpstreamResponse): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": res.headers.get("content-type") ?? "application/json",
    "x-request-id": ex.id,
    "x-custos-policy-version": ex.policy.version,
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
