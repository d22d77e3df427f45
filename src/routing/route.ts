// Which endpoints may serve a call, in the order they are tried:
//
//   serving the model ∩ speaking the API ∩ allowed by policy (provider, region, jurisdiction)
//   ∩ where risk-aware rules send prompts holding certain PII ∩ within the caller's pin
//   (x-custos-pin-region) ∩ not suspended ∩ healthy,
//
// by priority (lower first), then by weight among equals (a weighted shuffle per call). Every
// fallback comes from this list, so no retry can reach an endpoint outside the allowed set.
// Refusals name the allowed jurisdictions or regions, never an endpoint's URL.
import type { Endpoint } from "../config/providers.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { adapterFor } from "../providers/registry.ts";
import { OPERATION_ROUTES, type Operation } from "../providers/types.ts";
import type { RiskRoute } from "../policy/engine.ts";
import type { PiiType } from "../policy/schema.ts";
import type { EndpointHealth } from "./health.ts";
import { excludedBy, servesModel, type RouteConstraints } from "./select-endpoint.ts";
import type { SuspensionSet } from "./suspensions.ts";

export interface RouteRequest {
  model: string;
  operation: Operation;
  team: string;
  constraints: RouteConstraints;
  /** The caller's x-custos-pin-region, parsed: jurisdictions or region names, any of which will do. */
  pin?: readonly string[];
  /** Risk-aware routing rules the prompt triggered: each narrows the candidates further. */
  risk?: readonly TriggeredRisk[];
  suspended: SuspensionSet;
  health: Pick<EndpointHealth, "ready">;
  /** [0, 1): the weighted shuffle's randomness (tests pass their own). */
  random: () => number;
}

/** A risk-aware routing rule and the types in the prompt that triggered it. */
export interface TriggeredRisk extends RiskRoute {
  found: PiiType[];
}

/** The rules whose types the prompt holds. */
export function triggeredRisks(rules: readonly RiskRoute[], found: Partial<Record<PiiType, number>>): TriggeredRisk[] {
  const out: TriggeredRisk[] = [];
  for (const r of rules) {
    const hit = r.when.filter((t) => (found[t] ?? 0) > 0);
    if (hit.length > 0) out.push({ ...r, found: hit });
  }
  return out;
}

/** An endpoint such prompts may go to: in one of the rule's jurisdictions, or carrying one of its tags. */
const riskAllows = (r: RiskRoute, e: Endpoint) => (e.jurisdiction !== undefined && (r.jurisdictions ?? []).includes(e.jurisdiction)) || (r.tags ?? []).some((t) => e.tags.includes(t));

export interface RoutePlan {
  /** In the order they are tried; never empty. */
  candidates: Endpoint[];
  /** Left out of the plan, and why: for the audit record. */
  skipped: { endpoint: string; reason: "pin" | "suspended" | "unhealthy" }[];
}

/** x-custos-pin-region: a comma-separated list of jurisdictions (EU) or regions (eu-west-1). */
export function parsePin(header: string | null): Result<string[] | undefined, CustosError> {
  if (header === null) return ok(undefined);
  const parts = header.split(",").map((p) => p.trim());
  if (parts.length > 16 || parts.some((p) => !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(p))) {
    return err(new CustosError("invalid_request", "x-custos-pin-region must be a comma-separated list of jurisdictions (EU) or regions (eu-west-1).", { param: "x-custos-pin-region" }));
  }
  return ok(parts);
}

const pinned = (e: Endpoint, pin: readonly string[]) =>
  pin.some((p) => p.toLowerCase() === e.region.toLowerCase() || (e.jurisdiction !== undefined && p.toUpperCase() === e.jurisdiction.toUpperCase()));

/** What the policy allows, in words for a refusal: the jurisdictions, else the region patterns' rules. */
function allowedWhere(c: RouteConstraints): string {
  const j = [...new Set(c.regions.flatMap((r) => r.jurisdictions ?? []))];
  if (j.length > 0) return `the jurisdictions ${j.join(", ")}`;
  const rules = c.regions.map((r) => `'${r.rule}'`);
  return rules.length > 0 ? `the regions policy rule ${rules.join(", ")} allows` : "any region";
}

export function planRoute(endpoints: readonly Endpoint[], q: RouteRequest): Result<RoutePlan, CustosError> {
  const model = q.model.slice(0, 100);
  if (q.suspended.teams.has(q.team)) return err(new CustosError("suspended", `Calls from team '${q.team}' are suspended.`));
  if (q.suspended.models.has(q.model)) return err(new CustosError("suspended", `The model '${model}' is suspended.`, { param: "model" }));

  const serving = endpoints.filter((e) => servesModel(e, q.model));
  if (serving.length === 0) return err(new CustosError("model_not_found", `The model '${model}' is not offered by this Custos deployment.`, { param: "model" }));
  const speaking = serving.filter((e) => adapterFor(e).operations.has(q.operation));
  if (speaking.length === 0) {
    return err(new CustosError("invalid_request", `The model '${model}' cannot be called through ${OPERATION_ROUTES[q.operation]}; its provider does not offer that API.`, { param: "model" }));
  }

  const allowed: Endpoint[] = [];
  let excluded: ReturnType<typeof excludedBy>;
  for (const e of speaking) {
    const why = excludedBy(e, q.constraints);
    if (!why) allowed.push(e);
    // A region exclusion is the one to report: it is what the caller can act on.
    else if (!excluded || why.kind === "region") excluded = why;
  }
  if (allowed.length === 0) {
    const x = excluded!;
    if (x.kind === "region") return err(new CustosError("region_not_allowed", `No endpoint in ${allowedWhere(q.constraints)} (policy rule '${x.rule}') serves the model '${model}'.`, { param: "model" }));
    return err(new CustosError("model_not_allowed", `No provider allowed by policy rule '${x.rule}' serves the model '${model}'.`, { param: "model" }));
  }

  for (const r of q.risk ?? []) {
    const narrowed = allowed.filter((e) => riskAllows(r, e));
    if (narrowed.length === 0) {
      const where = [...(r.jurisdictions ? [`the jurisdictions ${r.jurisdictions.join(", ")}`] : []), ...(r.tags ? [`endpoints tagged ${r.tags.join(", ")}`] : [])].join(" or ");
      return err(new CustosError("region_not_allowed", `Prompts holding ${r.found.join(", ")} may only go to ${where} (policy rule '${r.rule}'); none of those serves the model '${model}'.`, { param: "model" }));
    }
    allowed.splice(0, allowed.length, ...narrowed);
  }

  const skipped: RoutePlan["skipped"] = [];
  /** The endpoints that pass, the others noted as skipped for the reason. */
  const keep = (list: Endpoint[], pass: (e: Endpoint) => boolean, reason: RoutePlan["skipped"][number]["reason"]) =>
    list.filter((e) => {
      if (pass(e)) return true;
      skipped.push({ endpoint: e.id, reason });
      return false;
    });
  const pin = q.pin;
  const inPin = pin ? keep(allowed, (e) => pinned(e, pin), "pin") : allowed;
  if (inPin.length === 0) {
    return err(new CustosError("region_not_allowed", `No endpoint in the pinned regions (${pin!.join(", ")}) within ${allowedWhere(q.constraints)} serves the model '${model}'.`, { param: "x-custos-pin-region" }));
  }
  const running = keep(inPin, (e) => !q.suspended.endpoints.has(e.id), "suspended");
  if (running.length === 0) return err(new CustosError("suspended", `Every endpoint allowed to serve the model '${model}' is suspended.`, { param: "model" }));
  const healthy = keep(running, (e) => q.health.ready(e.id), "unhealthy");
  if (healthy.length === 0) {
    return err(new CustosError("no_healthy_endpoint", `The endpoints in ${allowedWhere(q.constraints)} that serve the model '${model}' are all failing right now; try again shortly.`, { param: "model" }));
  }
  return ok({ candidates: order(healthy, q.random), skipped });
}

/** By priority, lower first; among equal priorities a weighted random order (Efraimidis–Spirakis keys u^(1/w)). */
export function order(endpoints: readonly Endpoint[], random: () => number): Endpoint[] {
  const keyed = endpoints.map((e) => ({ e, k: Math.pow(random(), 1 / e.weight) }));
  keyed.sort((a, b) => a.e.priority - b.e.priority || b.k - a.k);
  return keyed.map((x) => x.e);
}
