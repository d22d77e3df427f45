// The decision for one call: pure, no I/O, microseconds. Every enforce rule of the team's
// policy (baseline first) must let the call through; the first that does not names the
// denial. Shadow rules are evaluated the same way, but their would-be denials are only
// reported. What passes carries obligations (PII actions, a clamped output limit, where the
// data may go, the audit level), each with the rule ids behind it.
import type { ErrorCode } from "../errors/errors.ts";
import type { Operation } from "../providers/types.ts";
import type { PlacedRule, TeamPolicy } from "./compile.ts";
import { globRegExp, matchesAny } from "./glob.ts";
import { CONTENT_LEVELS, PII_ACTIONS, PII_TYPES, type PiiAction, type PiiType, type Rule } from "./schema.ts";

type AuditRule = Extract<Rule, { audit: unknown }>["audit"];

export interface PolicyRequest {
  operation: Operation;
  /** As the caller named it (an alias is resolved here). */
  model: string;
  stream: boolean;
  bodyBytes: number;
  /** Characters of prompt text (input tokens are estimated as characters ÷ 4). */
  inputChars: number;
  /** The output limit the caller asked for, if any. */
  maxOutputTokens?: number;
}

export interface Denial {
  code: ErrorCode;
  rule: string;
  /** For the caller: names the rule, never the policy's contents beyond that. */
  message: string;
}

export interface Obligations {
  pii: { prompt: Record<PiiType, PiiAction>; answer: Record<PiiType, PiiAction> };
  /** Where the call may be routed: every constraint must hold (an endpoint's id or kind; its region and jurisdiction). */
  providers: { rule: string; allow?: RegExp[]; deny?: RegExp[] }[];
  regions: { rule: string; allow?: RegExp[]; jurisdictions?: string[] }[];
  /** The output limit to apply (the request is lowered to it). */
  clampOutputTokens?: { limit: number; rule: string };
  /** Unset: the server's default (server.yaml audit.*). */
  audit: { content?: (typeof CONTENT_LEVELS)[number]; onFailure?: "fail_closed" | "fail_open"; retention?: string };
}

export type PolicyDecision =
  | { allowed: true; model: string; rules: string[]; obligations: Obligations; shadow: Denial[] }
  | { allowed: false; denial: Denial; rules: string[]; shadow: Denial[] };

type Compiled = PlacedRule & { allow?: RegExp[]; deny?: RegExp[] };
const compiled = new WeakMap<TeamPolicy, Compiled[]>();

function compile(p: TeamPolicy): Compiled[] {
  let c = compiled.get(p);
  if (!c) {
    c = p.rules.map((r) => {
      const names = "models" in r.rule ? r.rule.models : "providers" in r.rule ? r.rule.providers : "regions" in r.rule ? { allow: r.rule.regions.allow } : undefined;
      const out: Compiled = { ...r };
      if (names?.allow) out.allow = names.allow.map(globRegExp);
      if (names && "deny" in names && names.deny) out.deny = names.deny.map(globRegExp);
      return out;
    });
    compiled.set(p, c);
  }
  return c;
}

const stricter = <T extends string>(order: readonly T[], a: T, b: T): T => (order.indexOf(b) > order.indexOf(a) ? b : a);

export function decidePolicy(p: TeamPolicy, req: PolicyRequest): PolicyDecision {
  const model = p.aliases[req.model] ?? req.model;
  const rules: string[] = [];
  const shadow: Denial[] = [];
  const ob: Obligations = {
    pii: { prompt: allActions("allow"), answer: allActions("allow") },
    ...routeConstraints(p),
    audit: {},
  };
  let denied: Denial | undefined;
  for (const r of compile(p)) {
    const denial = check(r, p.team, model, req);
    if (r.shadow) {
      if (denial) shadow.push(denial);
      continue;
    }
    rules.push(r.rule.id);
    if (denial) {
      denied ??= denial;
      continue;
    }
    oblige(r, req, ob);
  }
  if (denied) return { allowed: false, denial: denied, rules, shadow };
  return { allowed: true, model, rules, obligations: ob, shadow };
}

function allActions(a: PiiAction): Record<PiiType, PiiAction> {
  return Object.fromEntries(PII_TYPES.map((t) => [t, a])) as Record<PiiType, PiiAction>;
}

function check(r: Compiled, team: string, model: string, req: PolicyRequest): Denial | undefined {
  const rule = r.rule;
  const deny = (code: ErrorCode, what: string): Denial => ({ code, rule: rule.id, message: `${what} (policy rule '${rule.id}' for team ${team}).` });
  if ("models" in rule) {
    if ((r.allow && !matchesAny(r.allow, model)) || (r.deny && matchesAny(r.deny, model))) return deny("model_not_allowed", `Model '${model.slice(0, 100)}' is not allowed`);
  } else if ("limits" in rule) {
    const l = rule.limits;
    if (l.operations && !l.operations.includes(req.operation)) return deny("endpoint_not_allowed", `The ${req.operation} API is not allowed`);
    if (l.streaming === false && req.stream) return deny("stream_not_allowed", "Streaming is not allowed");
    if (l.max_request_bytes !== undefined && req.bodyBytes > l.max_request_bytes) return deny("input_too_large", `The request is larger than ${l.max_request_bytes} bytes`);
    if (l.max_input_tokens !== undefined && Math.ceil(req.inputChars / 4) > l.max_input_tokens) return deny("input_too_large", `The input is over ${l.max_input_tokens} tokens`);
    if (l.max_output_tokens !== undefined && l.output_over_limit === "refuse" && req.maxOutputTokens !== undefined && req.maxOutputTokens > l.max_output_tokens) {
      return deny("output_too_large", `Asking for more than ${l.max_output_tokens} output tokens is not allowed`);
    }
  }
  return undefined;
}

function oblige(r: Compiled, req: PolicyRequest, ob: Obligations): void {
  const rule = r.rule;
  if ("pii" in rule) {
    for (const side of ["prompt", "answer"] as const) {
      const actions = rule.pii[side];
      if (!actions) continue;
      for (const t of PII_TYPES) {
        const a = actions[t] ?? actions.default;
        if (a) ob.pii[side][t] = stricter(PII_ACTIONS, ob.pii[side][t], a);
      }
    }
  } else if ("limits" in rule) {
    const max = rule.limits.max_output_tokens;
    // Embeddings produce no output tokens: nothing to clamp.
    if (max !== undefined && req.operation !== "embeddings" && (ob.clampOutputTokens === undefined || max < ob.clampOutputTokens.limit) && (req.maxOutputTokens === undefined || req.maxOutputTokens > max)) ob.clampOutputTokens = { limit: max, rule: rule.id };
  } else if ("audit" in rule) {
    mergeAudit(ob.audit, rule.audit);
  }
}

function mergeAudit(into: Obligations["audit"], a: AuditRule): void {
  if (a.content) into.content = into.content ? stricter(CONTENT_LEVELS, into.content, a.content) : a.content;
  // fail_closed anywhere wins: a team cannot open what the baseline closed.
  if (a.on_failure && into.onFailure !== "fail_closed") into.onFailure = a.on_failure;
  if (a.retention) into.retention = a.retention;
}

const audits = new WeakMap<TeamPolicy, Obligations["audit"]>();

/**
 * What the team's enforced audit rules require. Audit rules do not depend on the request, so
 * this is known before the request is read (the stages before the decision need on_failure).
 */
export function auditObligations(p: TeamPolicy): Obligations["audit"] {
  let a = audits.get(p);
  if (!a) {
    a = {};
    for (const r of p.rules) if (!r.shadow && "audit" in r.rule) mergeAudit(a, r.rule.audit);
    audits.set(p, a);
  }
  return a;
}

/** Whether the team's enforced model rules let it use this model (an alias resolved first): what /v1/models lists. */
export function modelAllowed(p: TeamPolicy, name: string): boolean {
  const model = p.aliases[name] ?? name;
  return compile(p).every((r) => r.shadow || !("models" in r.rule) || ((!r.allow || matchesAny(r.allow, model)) && !(r.deny && matchesAny(r.deny, model))));
}

/** A risk-aware routing rule: prompts holding one of `when` go only to endpoints in `jurisdictions` or tagged with one of `tags`. */
export interface RiskRoute {
  rule: string;
  when: readonly PiiType[];
  jurisdictions?: readonly string[];
  tags?: readonly string[];
}

const risks = new WeakMap<TeamPolicy, RiskRoute[]>();

/** The team's enforced risk-aware routing rules (request-independent; applied once the prompt's PII is known). */
export function riskRoutes(p: TeamPolicy): RiskRoute[] {
  let r = risks.get(p);
  if (!r) {
    r = [];
    for (const x of p.rules) {
      if (x.shadow || !("routing" in x.rule)) continue;
      const g = x.rule.routing;
      r.push({ rule: x.rule.id, when: g.when_prompt_has, ...(g.jurisdictions ? { jurisdictions: g.jurisdictions } : {}), ...(g.tags ? { tags: g.tags } : {}) });
    }
    risks.set(p, r);
  }
  return r;
}

const routes = new WeakMap<TeamPolicy, Pick<Obligations, "providers" | "regions">>();

/** Where the team's enforced rules let its data go (request-independent, so also what /v1/models filters by). */
export function routeConstraints(p: TeamPolicy): Pick<Obligations, "providers" | "regions"> {
  let c = routes.get(p);
  if (!c) {
    c = { providers: [], regions: [] };
    for (const r of compile(p)) {
      if (r.shadow) continue;
      const rule = r.rule;
      if ("providers" in rule) c.providers.push({ rule: rule.id, ...(r.allow ? { allow: r.allow } : {}), ...(r.deny ? { deny: r.deny } : {}) });
      else if ("regions" in rule) c.regions.push({ rule: rule.id, ...(r.allow ? { allow: r.allow } : {}), ...(rule.regions.jurisdictions ? { jurisdictions: rule.regions.jurisdictions } : {}) });
    }
    routes.set(p, c);
  }
  return c;
}
