// The entries the pipeline writes (reference §2.5.1 and §5): what Custos knows about a
// call, and nothing it does not (R1 forbids nulls; absent facts are omitted, never faked).
import { traceIds } from "../telemetry/tracing.ts";
import { providerModelName } from "../config/providers.ts";
import { decimalString, rfc3339Millis } from "./canonical-json.ts";
import type { CustosError } from "../errors/errors.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { PolicyBundle } from "../policy/compile.ts";
import { piiFacts } from "../redaction/redact.ts";
import type { AnswerFacts } from "./usage.ts";
import { truncateAddress } from "./writer.ts";

type Fields = Record<string, unknown>;

/** What every request-related entry says about who called. */
export function actorOf(ex: Exchange): Fields {
  const a: Fields = {};
  if (ex.team !== undefined) a.team = ex.team;
  if (ex.subjectPseudonym !== undefined) a.subject = ex.subjectPseudonym;
  if (ex.subjectProvisional) a.subject_provisional = true;
  const p = ex.principal;
  if (p) {
    a.iss = p.issuer;
    a.kind = p.kind;
    const auth: Fields = { method: p.credential };
    if (p.token) {
      auth.alg = p.token.alg;
      if (p.token.kid !== undefined) auth.kid = p.token.kid;
      if (p.token.aud !== undefined) auth.aud = p.token.aud;
      if (p.token.amr !== undefined) auth.amr = p.token.amr;
      if (p.token.acr !== undefined) auth.acr = p.token.acr;
    }
    if (ex.tokenHash !== undefined) auth.jti_h = ex.tokenHash;
    a.auth = auth;
    if (p.clientId !== undefined) a.client_id = p.clientId;
    if (p.tenant !== undefined) a.tenant = p.tenant;
    if (p.credential === "api_key" && p.tokenId !== undefined) a.key_id = p.tokenId;
  }
  if (ex.source !== "") a.source = truncateAddress(ex.source);
  return a;
}

const SAMPLING = ["temperature", "top_p", "frequency_penalty", "presence_penalty", "top_k"] as const;
const COUNTS = ["max_tokens", "max_completion_tokens", "max_output_tokens", "n", "seed"] as const;

/** Request parameters as R1 allows them: integers as numbers, floats as decimal strings, nothing else. */
function paramsOf(json: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const k of SAMPLING) {
    const v = json[k];
    if (typeof v === "number" && Number.isFinite(v)) out[k] = decimalString(v);
  }
  for (const k of COUNTS) {
    const v = json[k];
    if (typeof v === "number" && Number.isSafeInteger(v)) out[k] = v;
  }
  return out;
}

/** Declared tool names (function tools, Anthropic tools), at most 64. */
function toolsOf(json: Record<string, unknown>): string[] | undefined {
  if (!Array.isArray(json.tools)) return undefined;
  const names: string[] = [];
  for (const t of json.tools.slice(0, 64)) {
    if (typeof t !== "object" || t === null) continue;
    const o = t as Record<string, unknown>;
    const fn = o.function as Record<string, unknown> | undefined;
    const name = typeof fn?.name === "string" ? fn.name : typeof o.name === "string" ? o.name : typeof o.type === "string" ? o.type : undefined;
    if (name !== undefined) names.push(name.slice(0, 128));
  }
  return names;
}

function inputCount(ex: Exchange): number | undefined {
  const j = ex.json;
  if (Array.isArray(j.messages)) return j.messages.length;
  if (Array.isArray(j.input)) return j.input.length;
  if (typeof j.input === "string") return 1;
  return undefined;
}

export function requestOf(ex: Exchange): Fields {
  const r: Fields = { op: ex.operation, api: ex.route, stream: ex.stream };
  if (ex.model !== "") r.model = ex.model;
  if (ex.json && Object.keys(ex.json).length > 0) {
    const params = paramsOf(ex.json);
    if (Object.keys(params).length > 0) r.params = params;
    const tools = toolsOf(ex.json);
    if (tools && tools.length > 0) r.tools = tools;
    const n = inputCount(ex);
    const input: Fields = { ...(ex.inputFacts ?? { bytes: ex.body.byteLength }) };
    if (n !== undefined) input.items = n;
    r.input = input;
    if (typeof ex.json.previous_response_id === "string") r.previous_response_id = ex.json.previous_response_id.slice(0, 256);
  }
  const disclosure = ex.headers.get("x-custos-disclosure");
  if (disclosure && /^[\x21-\x7e]{1,64}$/.test(disclosure)) r.disclosure = disclosure;
  return r;
}

/**
 * Where the call went: the endpoint that served it (or was tried last), the model as the
 * caller asked for it and as that provider knows it, every attempt in order (fallbacks and
 * why), the caller's pin, and allowed endpoints routing left out (pinned away, suspended,
 * unhealthy). In llm.request the endpoint is the plan's first.
 */
export function routeOf(ex: Exchange): Fields | undefined {
  const e = ex.endpoint;
  if (!e) return undefined;
  const r: Fields = { provider: e.kind, endpoint: e.id, region: e.region };
  if ("base_url" in e) r.host = new URL(e.base_url).host;
  if (e.jurisdiction !== undefined) r.jurisdiction = e.jurisdiction;
  if (ex.model !== "") {
    r.requested_model = ex.model;
    r.served_model = providerModelName(e, ex.model);
  }
  if (ex.candidates && ex.candidates.length > 1) r.candidates = ex.candidates.map((c) => c.id);
  const pin = ex.headers.get("x-custos-pin-region");
  if (pin !== null && pin.length <= 200) r.pin = pin;
  if (ex.routeRisk) r.risk = ex.routeRisk.map((x) => ({ rule: x.rule, found: [...x.found], ...(x.jurisdictions ? { jurisdictions: [...x.jurisdictions] } : {}), ...(x.tags ? { tags: [...x.tags] } : {}) }));
  if (ex.routeSkipped) r.skipped = ex.routeSkipped.map((s) => ({ ...s }));
  if (ex.attempts && ex.attempts.length > 0) r.attempts = ex.attempts.map((a) => ({ ...a }));
  return r;
}

/** The call's span, so an auditor can jump from the event to its trace (W3C ids). */
function traceOf(ex: Exchange): Fields | undefined {
  const ids = traceIds(ex);
  return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : undefined;
}

export interface SystemFacts {
  proxyBuild: string;
  configSha256: string;
}

/** The build and configuration, and the AI system the team's policy names (Art. 12 / Annex III). */
function systemOf(ex: Exchange, system: SystemFacts): Fields {
  const s: Fields = { proxy_build: system.proxyBuild, config_sha256: system.configSha256 };
  const ai = ex.teamPolicy?.aiSystem;
  if (ai) {
    s.ai_system_id = ai.id;
    s.high_risk = ai.high_risk;
    if (ai.annex_iii !== undefined) s.annex_iii = ai.annex_iii;
  }
  return s;
}

/** Which policy version decided, what it decided, the rules behind it and what it imposed. */
function policyOf(ex: Exchange): Fields {
  const d = ex.decision;
  const p: Fields = { version: ex.policy.version, sha256: ex.policy.sha256, decision: d?.allowed ? "allow" : "deny", rules: d?.rules ?? [] };
  if (d?.deniedBy !== undefined) p.denied_by = d.deniedBy;
  if (d && d.shadow.length > 0) p.shadow = d.shadow.map((s) => ({ rule: s.rule, code: s.code }));
  const clamp = d?.obligations?.clampOutputTokens;
  if (clamp) p.clamp = { output_tokens: clamp.limit, rule: clamp.rule };
  const pii = piiFacts(ex.redaction, "prompt");
  if (pii) p.pii = pii;
  return p;
}

/** The retention class the team's audit rules give the record, when they give one. */
function withRetention(f: Fields, ex: Exchange): Fields {
  if (ex.audit?.retention !== undefined) f.retention = { class: ex.audit.retention };
  return f;
}

/** llm.request: written after the policy decision and routing, before anything is forwarded. */
export function requestEntry(ex: Exchange, system: SystemFacts): Fields {
  const f: Fields = {
    actor: actorOf(ex),
    system: systemOf(ex, system),
    request: requestOf(ex),
    time: { received: rfc3339Millis(ex.receivedAt) },
    policy: policyOf(ex),
  };
  const trace = traceOf(ex);
  if (trace) f.trace = trace;
  const route = routeOf(ex);
  if (route) f.route = route;
  return withRetention(f, ex);
}

/** llm.response: how the call ended (answered, failed upstream, cut off by the caller), with usage and timings. */
export function responseEntry(ex: Exchange, status: number, error: CustosError | undefined, answer: AnswerFacts | undefined, end: number): Fields {
  const f: Fields = {
    request_event_id: ex.id,
    actor: actorOf(ex),
    request: { op: ex.operation, model: ex.model, stream: ex.stream },
    status,
    time: timesOf(ex, end),
  };
  const trace = traceOf(ex);
  if (trace) f.trace = trace;
  const route = routeOf(ex);
  if (route) f.route = route;
  if (ex.upstreamStatus !== undefined) f.upstream_status = ex.upstreamStatus;
  if (error) f.error = { code: error.code };
  // What redaction found in the answer (counts per type, and what a block action stopped).
  const pii = piiFacts(ex.redaction, "answer");
  if (pii) f.policy = { pii };
  if (answer || ex.outputFacts) {
    const r: Fields = {};
    if (answer?.id !== undefined) r.id = answer.id.slice(0, 256);
    if (answer?.model !== undefined) r.model = answer.model.slice(0, 256);
    if (answer?.finish && answer.finish.length > 0) r.finish = answer.finish;
    if (answer?.usage && Object.keys(answer.usage).length > 0) r.usage = answer.usage;
    if (ex.outputFacts) r.output = ex.outputFacts;
    if (Object.keys(r).length > 0) f.response = r;
  }
  return f;
}

/** llm.denied: refused before anything was forwarded (bad request, team, policy, routing, audit). */
export function deniedEntry(ex: Exchange, system: SystemFacts, error: CustosError, end: number): Fields {
  const f: Fields = {
    actor: actorOf(ex),
    system: systemOf(ex, system),
    request: requestOf(ex),
    status: error.status,
    error: { code: error.code },
    time: timesOf(ex, end),
    // Refused, whichever stage refused it (a policy rule, routing, the audit log).
    policy: { ...policyOf(ex), decision: "deny" },
  };
  const trace = traceOf(ex);
  if (trace) f.trace = trace;
  const route = routeOf(ex);
  if (route) f.route = route;
  return withRetention(f, ex);
}

function timesOf(ex: Exchange, end: number): Fields {
  const t: Fields = { received: rfc3339Millis(ex.receivedAt), end: rfc3339Millis(end), duration_ms: Math.max(0, Math.round(end - ex.receivedAt)) };
  if (ex.dispatchedAt !== undefined) t.dispatched = rfc3339Millis(ex.dispatchedAt);
  if (ex.firstByteAt !== undefined) t.first_byte = rfc3339Millis(ex.firstByteAt);
  return t;
}

/** policy.activate: a policy bundle came into force (at start, or reloaded), with the one it replaced. */
export function activationEntry(bundle: PolicyBundle, reason: "start" | "reload", previous?: PolicyBundle): Fields {
  const policy: Fields = { version: bundle.version, sha256: bundle.sha256, files: bundle.files, teams: [...bundle.teams.keys()].sort() };
  if (previous) policy.previous = { version: previous.version, sha256: previous.sha256 };
  return { policy, reason };
}
