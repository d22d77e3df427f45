// Where policy lets a call's data go (provider, region, jurisdiction) and which catalogue
// endpoints serve a model: the pieces route.ts plans with and /v1/models lists by.
import type { Endpoint } from "../config/providers.ts";
import type { Obligations } from "../policy/engine.ts";
import { matchesAny } from "../policy/glob.ts";

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

/** Every concrete (non-wildcard) model name in the catalogue, with the endpoint kind that serves it first. */
export function listModels(endpoints: readonly Endpoint[], constraints: RouteConstraints = NO_CONSTRAINTS): { id: string; ownedBy: string }[] {
  const seen = new Map<string, string>();
  for (const e of endpoints) {
    if (excludedBy(e, constraints)) continue;
    for (const m of e.models) if (!m.endsWith("*") && !seen.has(m)) seen.set(m, e.kind);
  }
  return [...seen].map(([id, ownedBy]) => ({ id, ownedBy }));
}
