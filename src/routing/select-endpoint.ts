// Which endpoint serves a call: the first in the catalogue that lists the model, speaks the
// operation, and is one the caller's policy lets the data go to (provider, region,
// jurisdiction). (The routing issue adds priorities, health and fallbacks.)
import type { Endpoint } from "../config/providers.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Obligations } from "../policy/engine.ts";
import { matchesAny } from "../policy/glob.ts";
import { adapterFor } from "../providers/registry.ts";
import { OPERATION_ROUTES, type Operation } from "../providers/types.ts";

export const modelMatches = (pattern: string, model: string): boolean =>
  pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;

export const servesModel = (e: Endpoint, model: string): boolean => e.models.some((p) => modelMatches(p, model));

/** Where the policy lets a call's data go. */
export type RouteConstraints = Pick<Obligations, "providers" | "regions">;

export const NO_CONSTRAINTS: RouteConstraints = { providers: [], regions: [] };

/** The rule that keeps the data away from this endpoint, if one does. */
export function excludedBy(e: Endpoint, c: RouteConstraints): { rule: string; kind: "provider" | "region" } | undefined {
  for (const p of c.providers) {
    const named = (res: RegExp[]) => matchesAny(res, e.id) || matchesAny(res, e.kind);
    if ((p.allow && !named(p.allow)) || (p.deny && named(p.deny))) return { rule: p.rule, kind: "provider" };
  }
  for (const r of c.regions) {
    if ((r.allow && !matchesAny(r.allow, e.region)) || (r.jurisdictions && (e.jurisdiction === undefined || !r.jurisdictions.includes(e.jurisdiction)))) return { rule: r.rule, kind: "region" };
  }
  return undefined;
}

export function selectEndpoint(endpoints: readonly Endpoint[], model: string, operation: Operation, constraints: RouteConstraints = NO_CONSTRAINTS): Result<Endpoint, CustosError> {
  const serving = endpoints.filter((e) => servesModel(e, model));
  if (serving.length === 0) {
    return err(new CustosError("model_not_found", `The model '${model}' is not offered by this Custos deployment.`, { param: "model" }));
  }
  const speaking = serving.filter((e) => adapterFor(e).operations.has(operation));
  if (speaking.length === 0) {
    return err(
      new CustosError("invalid_request", `The model '${model}' cannot be called through ${OPERATION_ROUTES[operation]}; its provider does not offer that API.`, {
        param: "model",
      }),
    );
  }
  let excluded: ReturnType<typeof excludedBy>;
  for (const e of speaking) {
    const why = excludedBy(e, constraints);
    if (!why) return ok(e);
    // A region exclusion is the one to report: it is what the caller can act on (another model, or asking for the region).
    if (!excluded || why.kind === "region") excluded = why;
  }
  const x = excluded!;
  if (x.kind === "region") {
    return err(new CustosError("region_not_allowed", `No endpoint in the regions allowed by policy rule '${x.rule}' serves the model '${model.slice(0, 100)}'.`, { param: "model" }));
  }
  return err(new CustosError("model_not_allowed", `No provider allowed by policy rule '${x.rule}' serves the model '${model.slice(0, 100)}'.`, { param: "model" }));
}

/** Every concrete (non-wildcard) model name in the catalogue, with the endpoint kind that serves it first. */
export function listModels(endpoints: readonly Endpoint[], constraints: RouteConstraints = NO_CONSTRAINTS): { id: string; ownedBy: string }[] {
  const seen = new Map<string, string>();
  for (const e of endpoints) {
    if (excludedBy(e, constraints)) continue;
    for (const m of e.models) if (!m.endsWith("*") && !seen.has(m)) seen.set(m, e.kind);
  }
  return [...seen].map(([id, ownedBy]) => ({ id, ownedBy }));
}
